"""`demo`: build the demo precinct (城关派出所, 90 days of incidents) into an empty or demo database."""

from __future__ import annotations

import argparse
import json

from ..demo import DEMO_USERS, build_demo
from .common import CliError, add_db_argument, open_database
from .i18n import language, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help=tr("build the demo precinct (refuses a database that holds real data)"),
        description=tr("Build the deterministic demo precinct: same seed, same contents. An "
                       "earlier demo in the database is replaced; a database with real data is "
                       "left alone."),
    )
    add_db_argument(p)
    p.add_argument("--seed", type=int, default=1, help=tr("random seed (default 1)"))
    p.add_argument("--days", type=int, default=90, help=tr("days of incident history (default 90)"))
    p.add_argument("--json", action="store_true", help=tr("print the summary as JSON"))
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= 3660:
        raise CliError(tr("--days must be between 1 and 3660, not {days}").format(days=args.days))
    db = open_database(args, create=True)
    try:
        s = build_demo(db, seed=args.seed, days=args.days)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps({
            "database": db.display_url, "station": s.station_name, "station_code": s.station_code,
            "seed": s.seed, "days": s.days, "districts": s.districts, "small_grids": s.small_grids,
            "micro_grids": s.micro_grids, "officers": s.officers, "units": s.units,
            "incidents": s.incidents, "open_incidents": s.open_incidents, "events": s.events,
            "dispatches": s.dispatches, "tasks": s.tasks, "disputes": s.disputes,
            "users": list(s.users), "password": s.password,
            "seconds": s.seconds, "replaced": s.replaced,
        }, ensure_ascii=False))
        return 0
    done = (tr("demo precinct rebuilt in {database} ({seconds} s)") if s.replaced
            else tr("demo precinct built in {database} ({seconds} s)"))
    print(done.format(database=db.display_url, seconds=f"{s.seconds:.1f}"))
    print("  " + tr("{station} ({code}): {districts} districts, {small} small grids, {micro} micro "
                    "grids, {officers} officers and auxiliaries, {units} units").format(
        station=s.station_name, code=s.station_code, districts=s.districts, small=s.small_grids,
        micro=s.micro_grids, officers=s.officers, units=s.units))
    print("  " + tr("{incidents} incidents over {days} days ({open} open now), {events} events, "
                    "{dispatches} dispatches; {tasks} follow-up tasks, {disputes} disputes in the "
                    "register").format(
        incidents=s.incidents, days=s.days, open=s.open_incidents, events=s.events,
        dispatches=s.dispatches, tasks=s.tasks, disputes=s.disputes))
    print("  " + tr("sign in with any of these users, password '{password}':").format(
        password=s.password))
    for u in DEMO_USERS:
        # The English note says what the account is for; in Chinese its display name does.
        about = u.note if language() == "en" else u.display_name
        print(f"    {u.username:10} {u.role:18} {about}")
    return 0
