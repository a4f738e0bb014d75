"""`patrol add` (one patrol record as JSON on stdin), `patrol list`, `patrol withdraw`: the patrol ledger's rows."""

from __future__ import annotations

import argparse
import json
import sys
from argparse import RawDescriptionHelpFormatter

from ..domain.clock import local
from ..domain.errors import ValidationError
from ..services.patrols import (
    PatrolRecord,
    draft_from_mapping,
    recent_patrols,
    record_patrol,
    withdraw_patrol,
)
from .common import add_db_argument, add_user_argument, cli_context
from .i18n import tr


def _add_help() -> str:
    return tr("""Read one patrol as a JSON object on stdin and record it (巡逻登记). Keys:
starts_at and ends_at (ISO times, China time unless a zone is given; required), officers
(required), unit (call sign), zone (patrol zone name or code), route, people_checked,
vehicles_checked, stakeouts, arrests (whole numbers), result.
Example:
  echo '{"starts_at": "2026-12-06T19:00", "ends_at": "2026-12-06T22:00", "unit": "巡01",
         "officers": "张伟、王芳", "route": "解放路—夜市", "people_checked": 6}' |
    precinct-console patrol add --user duty1
""")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("patrol", help=tr("patrol records (巡逻登记): add one, list the latest"))
    psub = p.add_subparsers(dest="patrol_verb", metavar="ACTION", required=True)
    add = psub.add_parser("add", help=tr("record one patrol from JSON on stdin"),
                          description=_add_help(), formatter_class=RawDescriptionHelpFormatter)
    add_db_argument(add)
    add_user_argument(add)
    add.set_defaults(func=_add)
    lst = psub.add_parser("list", help=tr("the latest patrols recorded, newest first"))
    lst.add_argument("--limit", type=int, default=20, help=tr("how many (default 20)"))
    lst.add_argument("--json", action="store_true", help=tr("one JSON object per line"))
    add_db_argument(lst)
    add_user_argument(lst)
    lst.set_defaults(func=_list)
    wd = psub.add_parser("withdraw", help=tr("take a mistaken record out of the ledger (the audit "
                                            "log keeps it and the reason)"))
    wd.add_argument("id", type=int, help=tr("the record's id, as `patrol list` shows it"))
    wd.add_argument("--reason", required=True, help=tr("why it is withdrawn"))
    add_db_argument(wd)
    add_user_argument(wd)
    wd.set_defaults(func=_withdraw)


def _line(r: PatrolRecord) -> str:
    return (f"{r.id}  {local(r.starts_at):%Y-%m-%d %H:%M}–{local(r.ends_at):%H:%M}  {r.unit or '-'}  "
            f"{r.zone or '-'}  {r.officers}  {r.result}").rstrip()


def _add(args: argparse.Namespace) -> int:
    try:
        data = json.loads(sys.stdin.read())
    except json.JSONDecodeError as exc:
        raise ValidationError(f"is not valid JSON: {exc}", field="stdin") from None
    ctx = cli_context(args)
    record = record_patrol(ctx, draft_from_mapping(ctx, data))
    print(tr("recorded patrol: {line}").format(line=_line(record)))
    return 0


def _list(args: argparse.Namespace) -> int:
    for r in recent_patrols(cli_context(args), limit=max(1, args.limit)):
        if args.json:
            print(json.dumps({
                "id": r.id, "starts_at": r.starts_at.isoformat(), "ends_at": r.ends_at.isoformat(),
                "unit": r.unit, "zone": r.zone, "officers": r.officers, "route": r.route,
                "people_checked": r.people_checked, "vehicles_checked": r.vehicles_checked,
                "stakeouts": r.stakeouts, "arrests": r.arrests, "result": r.result},
                ensure_ascii=False))
        else:
            print(_line(r))
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    withdraw_patrol(cli_context(args), args.id, args.reason)
    print(tr("withdrew patrol {id}").format(id=args.id))
    return 0
