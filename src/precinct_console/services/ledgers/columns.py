"""The vocabulary of a ledger: typed columns, ledger definitions and what each export is scoped to."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session


class Kind(StrEnum):
    """How a column is written: real Excel dates and durations, never text that looks like one."""

    TEXT = "text"
    DATETIME = "datetime"  # aware datetime -> Excel date-time in China time
    DATE = "date"  # datetime.date -> Excel date
    DURATION = "duration"  # seconds (int/float) -> Excel time value shown as [h]:mm:ss
    INT = "int"
    FLOAT = "float"
    COORD = "coord"  # longitude/latitude, six decimals
    PERCENT = "percent"  # a share 0..1 shown as 97.5%
    PHONE = "phone"  # masked unless unmasked
    ID_NUMBER = "id_number"  # masked unless unmasked


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header clerks expect
    kind: Kind = Kind.TEXT
    width: float = 0  # Excel width units; 0: fit the header
    total: str = ""  # "sum" | "count" | "mean": what the totals row shows for this column
    wrap: bool = False  # long free text wraps inside its (fixed) width
    free_text: bool = False  # typed by people: phone and ID numbers in it are masked too
    doc: str = ""  # what the column holds, for the documented column set
    fill: str = ""  # background of the whole column, header included (a roster's holidays), RRGGBB
    center: bool = False  # short codes centred in their cells (a roster's 白 / 夜 / 休)


@dataclass(frozen=True)
class Scope:
    """What an export covers: a station (or several for a branch user), a period, maybe a district."""

    station_ids: tuple[int, ...]
    start: datetime  # aware, inclusive
    end: datetime  # aware, exclusive
    district_id: int | None = None
    grid_ids: tuple[int, ...] | None = None  # the district's grids (resolved by the export service)


@dataclass
class Sheet:
    """One worksheet of a ledger: its columns and a stream of row tuples in column order."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterator[Sequence[Any]]
    total_rows: int | None = None  # known row count (for progress); None when unknown
    totals: bool = True  # add a totals row (SUBTOTAL formulas) after the data
    total_label: str | None = None  # rows starting with this are the sheet's own totals (bold)
    subtitle: str | None = None  # the line under the title, instead of the export's period line
    frozen_columns: int = 0  # columns kept in view when scrolling right (a roster's names)
    footer: Sequence[str] = ()  # lines under the table, printed with it (a roster's legend)
    # The tab's name and the title in an English export (the columns stay the documented Chinese).
    name_en: str = ""
    title_en: str = ""


@dataclass(frozen=True)
class LedgerDef:
    """A ledger (台账): its key, Chinese title and the sheets it produces for a scope."""

    key: str
    title: str
    description: str
    columns: Sequence[Column]
    build: Callable[[Session, Scope, Any], list[Sheet]] = field(repr=False)
    # Whether its records belong to a police district. Shifts and patrols are the station's
    # (a patrol zone or a crew crosses district lines): such a ledger is never narrowed to one.
    by_district: bool = True
    title_en: str = ""  # the title in an English export and on an English command line

    def title_in(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title


def display_width(text: str) -> float:
    """Width in Excel units: CJK and full-width characters take two, others one."""
    return sum(2.0 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def header_width(header: str) -> float:
    """Width a header needs: its longest line (a roster's day is 10-01, 周四, 国庆节 on three)."""
    return max(display_width(line) for line in header.split("\n"))
