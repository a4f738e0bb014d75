"""`snapshot`: render the main window and each panel offscreen to PNG files."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..domain.permissions import Role
from .common import CliError, add_db_argument, open_database
from .i18n import joined, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("snapshot", help=tr("render the window and each panel to PNG files"))
    add_db_argument(p)
    p.add_argument("--out", required=True, type=Path, help=tr("folder for the PNG files"))
    p.add_argument("--station", help=tr("station code (default: the first station)"))
    p.add_argument("--size", default="1600x1000", help=tr("window size, WIDTHxHEIGHT"))
    p.add_argument("--role", default="duty_officer", choices=[r.value for r in Role],
                   help=tr("whose view to render (default duty_officer; clerk shows the ledger "
                           "panel enabled)"))
    p.add_argument("--panels",
                   help=tr("only these panels, comma-separated keys (e.g. board,map)"))
    p.set_defaults(func=_snapshot)


def _snapshot(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    from ..services.reference import ensure_reference_data
    from ..services.stations import list_stations
    from ..ui.panels import PANELS
    from ..ui.snapshot import snapshot

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        width = height = 0
    if width <= 0 or height <= 0:
        raise CliError(tr("--size '{text}' is not WIDTHxHEIGHT, e.g. 1600x1000").format(
            text=args.size))
    # A mistyped panel or station used to be skipped in silence: the files were not the ones asked for.
    panels = tuple(k.strip() for k in args.panels.split(",")) if args.panels else None
    keys = [spec.key for spec in PANELS]
    unknown = [k for k in panels or () if k not in keys]
    if unknown:
        raise CliError(tr("--panels: no panel {names} (the panels: {keys})").format(
            names=joined(unknown), keys=joined(keys)))
    db = open_database(args)
    ensure_reference_data(db)
    codes = [st.code for st in list_stations(db)]
    if not codes:
        raise CliError(tr("the database holds no station: build the demo with 'precinct-console "
                          "demo' or set up the station first"))
    if args.station and args.station not in codes:
        raise CliError(tr("no station with code '{code}'").format(code=args.station))
    result = snapshot(db, args.out, station_code=args.station, width=width, height=height,
                      role=Role(args.role), panels=panels)
    for path in result.files:
        print(path)
    return 0
