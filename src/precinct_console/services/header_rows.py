"""Two-row headers of government templates: a group cell (处警情况) merged over its sub-columns."""

from __future__ import annotations

from collections.abc import Callable
from itertools import zip_longest


def stacked(top: list[str], sub: list[str]) -> list[str]:
    """The header a two-row one reads as: each sub-column's own name, else the cell above it
    (a column merged down both rows has its name in the top row only)."""
    return [s or t for t, s in zip_longest(top, sub, fillvalue="")]


def is_sub_header(top: list[str], sub: list[str], known: Callable[[str], bool]) -> bool:
    """True when the row under a header names sub-columns: at least one column the import reads,
    and nothing under a column the top row already names (a data row fills those)."""
    filled = [i for i, s in enumerate(sub) if s]
    return (bool(filled) and any(known(sub[i]) for i in filled)
            and all(i >= len(top) or not known(top[i]) for i in filled))
