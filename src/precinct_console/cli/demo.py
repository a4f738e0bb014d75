"""`demo`: build the demo precinct (城关派出所, 90 days of incidents) into an empty or demo database."""

from __future__ import annotations

import argparse
import json

from ..demo import DEMO_USERS, build_demo
from .common import CliError, add_db_argument, open_database


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help="build the demo precinct (refuses a database that holds real data)",
        description="Build the deterministic demo precinct: same seed, same contents. An earlier "
        "demo in the database is replaced; a database with real data is left alone.",
    )
    add_db_argument(p)
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--days", type=int, default=90, help="days of incident history (default 90)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= 3660:
        raise CliError(f"--days must be between 1 and 3660, not {args.days}")
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
    verb = "rebuilt" if s.replaced else "built"
    print(f"demo precinct {verb} in {db.display_url} ({s.seconds:.1f} s)")
    print(f"  {s.station_name} ({s.station_code}): {s.districts} districts, {s.small_grids} small "
          f"grids, {s.micro_grids} micro grids, {s.officers} officers and auxiliaries, {s.units} units")
    print(f"  {s.incidents} incidents over {s.days} days ({s.open_incidents} open now), "
          f"{s.events} events, {s.dispatches} dispatches; {s.tasks} follow-up tasks, "
          f"{s.disputes} disputes in the register")
    print(f"  sign in with any of these users, password '{s.password}':")
    for u in DEMO_USERS:
        print(f"    {u.username:10} {u.role:18} {u.note}")
    return 0
