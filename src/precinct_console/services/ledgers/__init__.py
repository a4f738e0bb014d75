"""The ledgers (台账) clerks export: each a fixed, documented column set with Chinese headers."""

from __future__ import annotations

from . import disputes, duty, incidents, patrol, response, roster, tasks
from .columns import Column, Kind, LedgerDef, Scope, Sheet

LEDGERS: dict[str, LedgerDef] = {
    m.LEDGER.key: m.LEDGER for m in (incidents, disputes, tasks, patrol, duty, roster, response)
}


def describe() -> str:
    """The documented column sets, as text (shown by `precinct-console export --list`)."""
    lines = []
    for ledger in LEDGERS.values():
        lines.append(f"{ledger.key}: {ledger.title} - {ledger.description}")
        for c in ledger.columns:
            lines.append(f"    {c.header} ({c.kind.value}){' - ' + c.doc if c.doc else ''}")
    return "\n".join(lines)


__all__ = ["LEDGERS", "Column", "Kind", "LedgerDef", "Scope", "Sheet", "describe"]
