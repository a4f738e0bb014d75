"""One path for background work: run a callable on the thread pool, deliver the result by signal."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger("precinct_console.ui")


RETIRED = 16  # delivered jobs held back before they are freed (see BackgroundRunner._retired)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job:
    """A call and its result signals. Not a QRunnable: PySide keeps every QRunnable started on
    a pool as the pool's child (one whose run returned before start() did, even set to be
    deleted), so each of a shift's jobs stayed in memory; the pool is handed `run` instead."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # delivered to the GUI thread, which decides what to show
            self._deliver(self.signals.failed, exc)
            return
        self._deliver(self.signals.done, result)

    def _deliver(self, signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The window closed while the job ran and took the receiver with it: nobody is left
            # to show the result, and a traceback on the way out would only alarm.
            log.debug("a background job finished after its window closed; result dropped")


class BackgroundRunner(QObject):
    """Keeps its jobs alive until they report; results arrive on the GUI thread (queued signals)."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._live: set[_Job] = set()
        self._detached: set[_Job] = set()
        # Delivered jobs, freed a few deliveries later on this (the GUI) thread: by then the
        # worker that emitted the result has long returned, so no job (and no _Signals QObject
        # of the GUI thread) is freed on a worker thread by its last reference going there.
        self._retired: deque[_Job] = deque(maxlen=RETIRED)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        job = self._job(self._live, fn, args, kwargs, on_done, on_error)
        self.pool.start(job.run)

    def run_detached(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """Like run(), on a daemon thread of its own, for a call that may not come back for
        minutes: a file probe on a share that went away blocks in the OS (for ever on a hard
        network mount). On the pool it would hold one of the few threads the database work
        needs, and wait() (and the pool at exit) would wait for it; busy does not count it."""
        job = self._job(self._detached, fn, args, kwargs, on_done, on_error)
        threading.Thread(target=job.run, name="precinct-detached", daemon=True).start()

    def _job(
        self,
        live: set[_Job],
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> _Job:
        job = _Job(fn, args, kwargs)
        live.add(job)  # kept until its result is delivered
        # The slots reach the job through this holder, emptied on delivery: a slot holding the
        # job itself closed a cycle through the C++ connection (job -> signals -> slot -> job)
        # that gc cannot see, and every job of the shift (each refresh is one) stayed in memory.
        holder = [job]

        def release() -> None:
            if holder:
                done = holder.pop()
                live.discard(done)
                self._retired.append(done)

        def finished_ok(result: Any) -> None:
            release()
            if on_done is not None:
                on_done(result)

        def finished_err(exc: BaseException) -> None:
            release()
            if on_error is not None:
                on_error(exc)
            else:
                raise exc

        job.signals.done.connect(finished_ok)
        job.signals.failed.connect(finished_err)
        return job

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._live)
