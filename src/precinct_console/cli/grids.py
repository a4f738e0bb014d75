"""`grids import | export | notice-board`: a station's grids, zones, key sites, posts, must-patrol points, patrol lines.

`grids import FILE` reads a GeoJSON FeatureCollection in WGS84 longitude/latitude (EPSG:4326),
checks all of it and writes nothing when anything is wrong (exit status 1, every problem listed
by feature number, code and property). Features are upserted by code. Properties read
(docs/geojson.md has the full table and examples):

  layer           grid | patrol_zone | key_site | post | patrol_point | patrol_line (default:
                  --layer, else guessed: a polygon with a level is a grid, other polygons are
                  patrol zones, lines are patrol lines, points are key sites unless their kind
                  is post or police_room)
  code            unique per layer, e.g. D01-S02-M07 (also 编码, 网格编码, 编号)
  name            e.g. 幸福里微网格 (also 名称, 网格名称)
  level           grids: 1 district (警务区/大网格), 2 small grid, 3 micro grid (also 层级)
  parent          grids: the code of the grid one level up; zones: a parent zone's code (also 上级)
  kind            zones: patrol | key_zone; key sites: school, hospital, bank...; posts: post |
                  police_room
  target_minutes  key sites: the 1-3-5 reach target in minutes (1-60, default 1)
  address, phone  key sites' address; posts' phone
  window_start,   must-patrol points and patrol lines: the daily window, HH:MM (an end before
  window_end      the start runs past midnight; both left out: all day); also note, active
  people          grids: [{"role": community_officer | auxiliary | grid_leader | grid_worker,
                  "name": ..., "phone": ...}]; replaces the grid's people when present

`grids export` writes the same format back; `grids notice-board CODE --out FILE.pdf` prints the
grid's public notice board (公示牌) on A4.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.geo import LAYERS
from .common import add_db_argument, add_user_argument, cli_context
from .i18n import joined, tr

if TYPE_CHECKING:
    from ..services.geometry import ImportSummary


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    grids = sub.add_parser("grids", help=tr("grids, patrol zones, key sites, posts and must-patrol points (GeoJSON)"))
    gsub = grids.add_subparsers(dest="grids_verb", metavar="ACTION", required=True)
    imp = gsub.add_parser("import", help=tr("import a GeoJSON file (all or nothing)"),
                          description=tr("Read a GeoJSON FeatureCollection in WGS84 longitude/"
                                         "latitude, check all of it and write nothing when "
                                         "anything is wrong (every problem listed by feature "
                                         "number, code and property). Features are updated by "
                                         "code; docs/geojson.md lists the properties read."))
    imp.add_argument("file", type=Path, help=tr("the GeoJSON file"))
    imp.add_argument("--layer", choices=LAYERS,
                     help=tr("layer of features that do not name one in their properties"))
    add_db_argument(imp)
    add_user_argument(imp)
    imp.set_defaults(func=_import)
    exp = gsub.add_parser("export", help=tr("export the station's geometry as GeoJSON"))
    exp.add_argument("--out", type=Path, help=tr("file to write (default: standard output)"))
    exp.add_argument("--layer", action="append", choices=LAYERS,
                     help=tr("only this layer (repeatable; default: all)"))
    add_db_argument(exp)
    add_user_argument(exp)
    exp.set_defaults(func=_export)
    nb = gsub.add_parser("notice-board",
                         help=tr("print a grid's public notice board (公示牌) to PDF"))
    nb.add_argument("code", help=tr("the grid's code"))
    nb.add_argument("--out", type=Path, required=True, help=tr("PDF file to write"))
    add_db_argument(nb)
    add_user_argument(nb)
    nb.set_defaults(func=_notice_board)


def _import(args: argparse.Namespace) -> int:
    from ..services.geometry import import_geometry, read_geojson

    data = read_geojson(args.file)  # a missing or broken file fails before asking a password
    ctx = cli_context(args)
    summary = import_geometry(ctx, data, layer=args.layer)
    print(tr("imported {count} feature(s) from {file}: {summary}").format(
        count=summary.features, file=args.file, summary=_summary(summary)))
    if summary.outside:
        print(tr("note: {points} stand(s) in none of the station's grids: check the coordinates")
              .format(points=joined(summary.outside, ", ")))
    return 0


def _summary(summary: ImportSummary) -> str:
    """Per layer what the import added, changed and found unchanged (as ImportSummary.describe)."""
    names = {"grid": tr("grid"), "patrol_zone": tr("patrol_zone"),
             "key_site": tr("key_site"), "post": tr("post"), "patrol_point": tr("patrol_point"),
             "patrol_line": tr("patrol_line")}
    parts = []
    for layer, new, updated, same in summary.by_layer():
        if same:
            parts.append(tr("{layer}: {new} new, {updated} updated, {unchanged} unchanged").format(
                layer=names.get(layer, layer), new=new, updated=updated, unchanged=same))
        else:
            parts.append(tr("{layer}: {new} new, {updated} updated").format(
                layer=names.get(layer, layer), new=new, updated=updated))
    return joined(parts, "; ") or tr("nothing to import")


def _export(args: argparse.Namespace) -> int:
    from ..services.geometry import export_geometry

    ctx = cli_context(args)
    data = export_geometry(ctx, args.layer or LAYERS)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(tr("wrote {count} feature(s) to {file}").format(count=len(data["features"]),
                                                               file=args.out), file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


def _notice_board(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A widgets application (not a bare QGuiApplication): a process may open windows later.
    from PySide6.QtWidgets import QApplication

    from ..services.geometry import find_grid
    from ..services.map_data import grid_card
    from ..ui.map.notice_board import render_notice_board

    ctx = cli_context(args)
    card = grid_card(ctx, find_grid(ctx, args.code))
    app = QApplication.instance() or QApplication(["precinct-console"])
    path = render_notice_board(card, args.out, now=ctx.clock())
    del app
    print(tr("wrote the notice board of {code} {name} to {path}").format(
        code=card.code, name=card.name, path=path))
    return 0
