"""Figures as people read them: shares rounded half up as Excel shows them, the day a deadline is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .deadlines import local_date


def percent(share: float | None, digits: int = 1) -> str:
    """A share 0..1 as '81.3%', rounded half up as Excel's 0.0% format shows the same cell.

    Python's own formatting rounds half to even on the binary value (81.25 -> '81.2'), so the
    panel and the bulletin would disagree with the ledger a clerk opens in Excel. Like Excel,
    the value is first read to 15 significant digits.
    """
    if share is None:
        return "—"
    value = Decimal(f"{share:.15g}") * 100
    return f"{value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)}%"


def due_day(deadline: datetime) -> date:
    """The China-time day a deadline falls due, for deadlines stored as the midnight after it.

    A revisit due "by the end of 2 Dec" is stored as 3 Dec 00:00 (an exclusive bound); officers
    and clerks read it as due on 2 Dec.
    """
    return local_date(deadline - timedelta(microseconds=1))
