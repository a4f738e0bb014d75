"""PySide6 6.12.0 drops a reference to False on each failed disconnect (DESIGN.md platform notes).

pyqtgraph disconnects inside try/except, so after a few thousand map items the process aborts
(bool_dealloc). The pin <6.12 stays until a release passes this test.
"""

from __future__ import annotations

import sys
import warnings

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal()


def _slot() -> None:
    pass


def test_failed_disconnects_do_not_leak_references_to_false():
    emitter = _Emitter()
    before = sys.getrefcount(False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(2000):
            try:
                emitter.fired.disconnect(_slot)
            except (RuntimeError, TypeError):
                pass
    after = sys.getrefcount(False)
    # Other code may take or drop a handful of references meanwhile; the bug drops 2000.
    assert abs(after - before) < 100, f"refcount of False moved by {after - before}"
