"""Incident verbs: `incident add` (JSON on stdin), `import FILE` (CSV/XLSX ledger columns), `list`, `show`."""

from __future__ import annotations

import argparse
import json
import sys

from ..domain.errors import NotFound
from ..services.incidents import (
    IncidentRow,
    get_incident,
    import_ledger_file,
    intake_from_json,
    list_open_incidents,
    read_json_incident,
    search_incidents,
)
from ..services.reference import ensure_reference_data
from .common import add_db_argument, add_user_argument, cli_context
from .i18n import RawDescriptionHelpFormatter, joined, tr


def _add_help() -> str:
    return tr("""Read one incident as a JSON object on stdin and print its number. Keys: channel,
category_code, address (required), caller_name, caller_phone, content, priority (1-3),
lon, lat, grid_id, received_at (ISO time; default now), needs_reinforcement, link_to (an open
incident's id: the call is recorded as a duplicate on it). The ledger's Chinese column names
(报警方式, 警情类别, 发案地址 ...) are accepted as keys too.
Example:
  echo '{"channel": "110", "category_code": "0601", "address": "城关路12号"}' |
    precinct-console incident add --user duty1
""") + tr("""A channel may be typed short: 电话 (电话报警), 来所 (来所报警), 视频, 巡逻, 火警, 交通.
""")


def _import_help() -> str:
    # The columns services/incidents/ledger_file.py reads (its COLUMNS, HISTORY_COLUMNS and
    # REFINING); tests/e2e hold this text to them in both languages.
    return tr("""Import incidents from a ledger file. One bad row imports nothing; the error
names the row and the column (exit status 1).

Columns (header row; order free, unknown columns ignored):
    报警时间   call time, e.g. 2026-11-20 09:05:00 (China time unless a zone is given)   required
    报警方式   channel: 110, 122, 119, walk_in, phone, video, patrol or 110报警, 来所报警 ...  required
    警情类别   category code (0601) or Chinese name (家庭纠纷) or path (纠纷/家庭纠纷)     required
    发案地址   address                                                                   required
    报警人     caller name              联系电话   caller phone
    经度/纬度  longitude/latitude (WGS84)   网格   grid code (else found from the coordinates)
    简要案情   content                  等级       priority 1-3 (or 一级/二级/三级)
    需增援     needs reinforcement (是/否)
    派警时间 签收时间 出警时间 到场时间 处置完毕时间 反馈时间 归档时间   step times already recorded
    处置情况   handling summary         处置结果   result
警情类型 and 警情细类 columns, when present, refine 警情类别 (the finest filled one counts).
""") + tr("""    警情编号   incident number: kept when given (else numbered on import)
The console's own 警情台账 export (export incidents --unmask) imports as it is: 接警时间,
发生地址, 简要警情 and 优先级 are read as 报警时间, 发案地址, 简要案情 and 等级, and its title
and totals rows are skipped. Its 状态 is not copied: each incident's status follows the step
times imported.
""") + tr("""A category name two parents share (其他) is told apart by its path, 刑事/盗窃/其他 (/, ／, >
or ＞ between the levels), or its code; 警情类别, 警情类型 and 警情细类 are read together as a path.
A two-row header (处警情况 merged over 出警时间 and 到场时间) is read as one. Every problem of the
file is listed at once.
""")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    inc = sub.add_parser("incident", help=tr("take in or import incidents"))
    isub = inc.add_subparsers(dest="incident_verb", metavar="ACTION", required=True)
    add = isub.add_parser("add", help=tr("one incident from JSON on stdin; prints its number"),
                          description=_add_help(),
                          formatter_class=RawDescriptionHelpFormatter)
    add.add_argument("--json", action="store_true", help=tr("print the whole incident as JSON"))
    add_db_argument(add)
    add_user_argument(add)
    add.set_defaults(func=_add)
    imp = isub.add_parser(
        "import", help=tr("import an incident-ledger file (CSV or XLSX); all rows or none"),
        description=_import_help(), formatter_class=RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", help=tr("a .csv (UTF-8 or GB18030) or .xlsx file"))
    add_db_argument(imp)
    add_user_argument(imp)
    imp.set_defaults(func=_import)
    ls = isub.add_parser("list", help=tr("open incidents (or, with --search, any), one JSON "
                                         "object a line"))
    ls.add_argument("--search", metavar="TEXT",
                    help=tr("words in number, address, content, caller or phone"))
    ls.add_argument("--limit", type=int, default=500, help=tr("at most this many (default 500)"))
    add_db_argument(ls)
    add_user_argument(ls)
    ls.set_defaults(func=_list)
    show = isub.add_parser("show", help=tr("one incident with its whole history, as JSON"))
    show.add_argument("incident", help=tr("its number (20261120-0007) or id"))
    add_db_argument(show)
    add_user_argument(show)
    show.set_defaults(func=_show)


def _add(args: argparse.Namespace) -> int:
    text = sys.stdin.read()
    read_json_incident(text)  # a malformed object is named before a password is asked for
    ctx = cli_context(args)
    ensure_reference_data(ctx.db)  # a database set up from the command line has no category tree yet
    view, linked = intake_from_json(ctx, text)
    if args.json:
        print(json.dumps({
            "id": view.id, "number": view.number, "status": view.status,
            "received_at": view.received_at.isoformat(), "category": view.category_name,
            "address": view.address, "grid": view.grid_code, "priority": view.priority,
            "repeat": view.repeat_flags, "linked": linked,
        }, ensure_ascii=False))
    else:
        print(view.number)
    return 0


def _import(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    ensure_reference_data(ctx.db)
    result, ignored = import_ledger_file(ctx, args.file)
    if ignored:
        print(tr("ignored column(s): {columns}").format(columns=joined(ignored)), file=sys.stderr)
    if "状态" in ignored:  # the console's own export: say what became of what it could not carry
        print(tr("status not copied: each incident's status follows its imported step times; "
                 "units, officers and the other ignored columns stay in the old database"))
    print(tr("imported {count} incident(s) ({first} .. {last}); {repeats} flagged as repeats")
          .format(count=result.count, first=result.numbers[0], last=result.numbers[-1],
                  repeats=result.repeats))
    return 0


def _row_json(r: IncidentRow) -> dict[str, object]:
    times = ("received_at", "dispatched_at", "signed_at", "set_off_at", "arrived_at",
             "reinforcement_arrived_at", "handled_at", "fed_back_at", "closed_at")
    return {
        "id": r.id, "number": r.number, "status": r.status, "channel": r.channel,
        "category_code": r.category_code, "category": r.category_name, "priority": r.priority,
        "address": r.address, "lon": r.lon, "lat": r.lat, "grid": r.grid_code,
        "caller_name": r.caller_name, "caller_phone": r.caller_phone, "content": r.content,
        "units": list(r.units), "repeat": r.repeat_flags, "linked_calls": r.linked_calls,
        **{t: (getattr(r, t).isoformat() if getattr(r, t) else None) for t in times},
    }


def _list(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    rows = (search_incidents(ctx, args.search, limit=args.limit) if args.search
            else list_open_incidents(ctx)[: args.limit])
    for r in rows:
        print(json.dumps(_row_json(r), ensure_ascii=False))
    return 0


def _show(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    key = args.incident.strip()
    found = [r for r in search_incidents(ctx, key, limit=5) if r.number == key]
    if found:
        incident_id = found[0].id
    elif key.isdigit():
        incident_id = int(key)
    else:
        raise NotFound(tr("no incident numbered {number}").format(number=key))
    d = get_incident(ctx, incident_id)
    print(json.dumps({
        **_row_json(d.row),
        "linked_to": d.linked_to_number or None,
        "dispatches": [{"unit": x.call_sign, "role": x.role,
                        **{k: (getattr(x, k).isoformat() if getattr(x, k) else None)
                           for k in ("dispatched_at", "signed_at", "set_off_at", "arrived_at",
                                     "cleared_at")}} for x in d.dispatches],
        "events": [{"id": e.id, "kind": e.kind, "label": e.label, "at": e.at.isoformat(),
                    "recorded_at": e.recorded_at.isoformat(), "user": e.username,
                    "workstation": e.workstation, "unit": e.unit_call_sign or None,
                    "corrects": e.corrects_event_id, **({"detail": e.payload} if e.payload else {})}
                   for e in d.events],
    }, ensure_ascii=False, indent=2))
    return 0
