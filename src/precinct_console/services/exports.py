"""Ledger export: one ledger for a period and scope to an .xlsx file, masked unless allowed."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from ..domain.clock import local
from ..domain.errors import NotFound, PermissionDenied, ValidationError
from ..domain.permissions import is_permitted
from ..storage.models import Grid, Station, User
from ..storage.uow import refuse_a_changed_account
from .context import ServiceContext, service_action
from .ledgers import LEDGERS
from .ledgers.columns import Scope
from .ledgers.lookups import Lookups, grids_under
from .ledgers.periods import Period, period_from
from .ledgers.writer import ExportCancelled, LedgerWorkbook, Progress

__all__ = ["ExportCancelled", "ExportChoices", "ExportResult", "default_filename", "export_choices",
           "export_ledger", "may_unmask", "period_from", "recent_exports"]

EXPORT_SUFFIXES = (".xlsx", ".pdf", ".html")  # ledgers, and the weekly bulletin
RECENT_LIMIT = 50


@dataclass(frozen=True)
class ExportResult:
    path: Path
    ledger: str
    title: str
    rows: int
    sheets: int
    period: str
    masked: bool
    seconds: float


def may_unmask(ctx: ServiceContext) -> bool:
    """Whether the UI may offer the 'show personal numbers' choice to this user."""
    return is_permitted(ctx.actor.role, "ledger.unmask") and ctx.actor.may_see_personal_data


def default_filename(ledger: str, period: Period, station_code: str = "", district: str = "") -> str:
    """S01_警情台账_2026-W47.xlsx: station, ledger, (district,) period, so a folder sorts itself
    and one district's ledger never takes the name of the whole station's."""
    title = LEDGERS[ledger].title
    part = _UNSAFE.sub("_", district.strip()) if district.strip() else ""
    return (f"{station_code + '_' if station_code else ''}{title}_{part + '_' if part else ''}"
            f"{period.slug}.xlsx")


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')  # not allowed (or awkward) in a Windows file name


def _stations(ctx: ServiceContext, wanted: tuple[int, ...] | None) -> tuple[int, ...]:
    own = ctx.actor.station_id
    if own is not None:
        if wanted and set(wanted) - {own}:
            raise PermissionDenied(f"{ctx.actor.username} may export only the ledgers of their own station")
        return (own,)
    if wanted:
        return tuple(sorted(set(wanted)))
    with ctx.read() as s:
        return tuple(s.scalars(select(Station.id).order_by(Station.id)))


@service_action("ledger.export")
def export_ledger(
    ctx: ServiceContext,
    ledger: str,
    start: date,
    end: date,
    path: Path | str,
    unmask: bool = False,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    district_id: int | None = None,
    station_ids: tuple[int, ...] | None = None,
    language: str = "zh_CN",
) -> ExportResult:
    """Export a ledger for the China-time days start..end (inclusive) to path (.xlsx).

    language ('en…' or Chinese) is that of the seat or command line asking: the title, period
    line and sheet names are written in it, and so are the result's title and period; the
    columns are always the documented Chinese ones, and a Chinese export is as it always was."""
    if ledger not in LEDGERS:
        raise ValidationError(f"'{ledger}' is not a ledger (one of: {', '.join(LEDGERS)})", field="ledger")
    definition = LEDGERS[ledger]
    if district_id is not None and not definition.by_district:
        raise ValidationError(
            f"{definition.title} covers the whole station: shifts and patrols are not kept by "
            "police district; export it without a district")
    if unmask and not may_unmask(ctx):
        raise PermissionDenied(
            f"{ctx.actor.username} may not export unmasked phone and ID numbers; "
            "export masked or ask the station chief"
        )
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"'{path.name}' must end in .xlsx", field="out")
    period = period_from(start, end)
    stations = _stations(ctx, station_ids)
    began = time.perf_counter()
    now = ctx.clock()
    with ctx.read() as s:
        # Before the file is written: its audit, after it, would be refused, leaving personal
        # data taken out with no record of who took it.
        refuse_a_changed_account(s, ctx.actor)
    book = LedgerWorkbook(path, mask=not unmask, english=language.startswith("en"))
    with ctx.read() as s:
        names = {k: v for k, v in s.execute(select(Station.id, Station.name).where(Station.id.in_(stations)))}
        if not names:
            raise NotFound("no station to export")
        district_name = ""
        grid_ids = None
        if district_id is not None:
            district = s.get(Grid, district_id)
            if district is None or district.station_id not in stations:
                raise NotFound(f"police district {district_id} does not exist")
            district_name, grid_ids = district.name, grids_under(s, district_id)
        scope = Scope(stations, period.start, period.end, district_id, grid_ids)
        lk = Lookups.load(s, scope, now, mask=not unmask)
        english = language.startswith("en")
        if len(names) == 1:
            owner = names[stations[0]]
        else:
            owner = f"{len(names)} stations" if english else f"{len(names)}个单位"
        owner += f"·{district_name}" if district_name else ""
        # The rows name people (下达人, 承办民警); the line above them names the exporter the same way.
        exporter = s.scalar(select(User.display_name).where(User.username == ctx.actor.username)) \
            or ctx.actor.username
        lk.exporter = exporter
        subtitle = _subtitle(period, exporter, local(now), unmask, english)
        sheets = definition.build(s, scope, lk)
        try:
            for sheet in sheets:
                if english:
                    sheet.name = sheet.name_en or sheet.name
                sheet.title = f"{owner} {sheet.title_en if english and sheet.title_en else sheet.title}"
                book.write_sheet(sheet, subtitle, progress=progress, cancel=cancel)
            book.save()
        except BaseException:
            book.discard()
            raise
    result = ExportResult(path, ledger, definition.title_in(language), book.rows_written, len(sheets),
                          period.label_in(language), not unmask, time.perf_counter() - began)
    # Exports are reads, but who took which personal data out, and when, is on the record.
    with ctx.uow() as uow:
        uow.audit("ledger.export", "ledger", None, None, {
            "ledger": ledger, "from": start.isoformat(), "to": end.isoformat(),
            "rows": result.rows, "unmasked": bool(unmask), "file": str(path),
            "district_id": district_id, "stations": list(stations),
        })
        uow.commit()
    return result


def _subtitle(period: Period, exporter: str, at: datetime, unmask: bool, english: bool) -> str:
    """The line under a sheet's title: the period, who exported when, and whether personal
    numbers are masked."""
    span = f"{period.start:%Y-%m-%d %H:%M}"
    end = f"{period.end:%Y-%m-%d %H:%M}"
    if english:
        return (f"Period: {period.label_en} ({span} to {end}, Beijing time)    "
                f"Exported by {exporter}  {at:%Y-%m-%d %H:%M}    "
                + ("Phone and ID numbers masked" if not unmask
                   else "Contains unmasked personal data: keep it confidential"))
    return (f"统计期间：{period.label}（{span} 至 {end}，北京时间）    导出：{exporter}  {at:%Y-%m-%d %H:%M}    "
            + ("联系电话、身份证号已脱敏" if not unmask else "含未脱敏个人信息，注意保密"))


@dataclass(frozen=True)
class ExportChoices:
    """What the export dialog offers this user."""

    stations: tuple[tuple[int, str], ...]  # (id, name); one entry for a station user
    districts: tuple[tuple[int, int, str], ...]  # (grid id, station id, name) of level-1 grids
    may_unmask: bool
    station_code: str  # for file names ("" for a branch-wide user)


@service_action("ledger.export")
def export_choices(ctx: ServiceContext) -> ExportChoices:
    stations = _stations(ctx, None)
    with ctx.read() as s:
        rows = s.execute(select(Station.id, Station.name, Station.code).where(Station.id.in_(stations))
                         .order_by(Station.id)).all()
        districts = s.execute(
            select(Grid.id, Grid.station_id, Grid.name).where(Grid.station_id.in_(stations), Grid.level == 1)
            .order_by(Grid.station_id, Grid.code)
        ).all()
    code = rows[0].code if len(rows) == 1 else ""
    return ExportChoices(tuple((r.id, r.name) for r in rows),
                         tuple((d.id, d.station_id, d.name) for d in districts), may_unmask(ctx), code)


def recent_exports(folder: Path, limit: int = RECENT_LIMIT) -> list[tuple[Path, float]]:
    """The newest ledgers and bulletins under the export folder, newest first, with their
    modification times: scheduled runs write into station and period subfolders, and a clerk
    opening the console wants to see what they wrote overnight."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        if path.suffix.lower() in EXPORT_SUFFIXES and not path.name.startswith(("~$", ".")):
            try:
                found.append((path, path.stat().st_mtime))
            except OSError:  # removed while we looked
                continue
    found.sort(key=lambda pm: (-pm[1], str(pm[0])))
    return found[:limit]
