"""`simulate`: a live 110 feed into a demo station (calls, dispatches, units moving) via the services."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from ..demo.simulator import Simulator
from ..domain.clock import system_clock
from .common import CliError, add_db_argument, open_database
from .i18n import tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "simulate",
        help=tr("feed live incidents and unit movements into a demo station"),
        description=tr("Acts as the demo's 'sim' duty officer: new calls arrive at random (more "
                       "in the evening), units are dispatched, sign, set off, drive, arrive, "
                       "handle, feed back and close, all through the services, so consoles on the "
                       "same database show a live shift. Prints its figures as JSON at the end."),
    )
    add_db_argument(p)
    p.add_argument("--per-hour", type=float, default=20.0,
                   help=tr("average new calls per simulated hour (default 20; a station has 2-5)"))
    p.add_argument("--per-second", type=float, default=None,
                   help=tr("surge: exactly this many new calls per second, nobody dispatched"))
    p.add_argument("--speed", type=float, default=1.0,
                   help=tr("simulated seconds per real second (default 1)"))
    p.add_argument("--duration", type=float, default=None,
                   help=tr("stop after this many seconds"))
    p.add_argument("--seed", type=int, default=None, help=tr("random seed (default: random)"))
    p.add_argument("--user", default="sim",
                   help=tr("the demo user the feed acts as (default sim)"))
    p.add_argument("--seats", type=int, default=1,
                   help=tr("surge: call-takers taking calls in at once, each its own workstation "
                           "(default 1)"))
    p.add_argument("--start", default=None, metavar="ISO_TIME",
                   help=tr("the feed's clock starts at this instant (with time zone) and runs in "
                           "real time; for benchmarks on a database built for a fixed date "
                           "(default: now)"))
    p.set_defaults(func=_simulate)


def _simulate(args: argparse.Namespace) -> int:
    for name in ("per_hour", "speed", "per_second", "duration"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise CliError(tr("--{option} must be positive, not {value}").format(
                option=name.replace("_", "-"), value=value))
    clock: Callable[[], datetime] = system_clock
    if args.start is not None:
        try:
            start = datetime.fromisoformat(args.start)
        except ValueError:
            raise CliError(tr("--start '{text}' is not an ISO time").format(text=args.start)) from None
        if start.tzinfo is None:
            raise CliError(tr("--start '{text}' must carry a time zone (e.g. +08:00)").format(
                text=args.start))
        origin = time.monotonic()

        def clock() -> datetime:
            return start + timedelta(seconds=time.monotonic() - origin)

    db = open_database(args)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        sim = Simulator(db, per_hour=args.per_hour, speed=args.speed, per_second=args.per_second,
                        seed=args.seed, username=args.user, clock=clock, seats=args.seats)
        try:
            stats = sim.run(args.duration, stop)
        except KeyboardInterrupt:
            stats = sim.stats
    finally:
        db.dispose()
    if stats.target_rate:
        # Said plainly, besides the JSON: a feed that could not keep up must not pass for one that did.
        print(tr("surge: {incidents} incidents in {seconds} s = {rate}/s (asked {asked}/s, "
                 "{seats} seat(s)); intake median {median} ms, slowest {slowest} ms; {behind} s "
                 "behind at the end").format(
            incidents=stats.incidents, seconds=f"{stats.seconds:.1f}", rate=f"{stats.rate:.1f}",
            asked=f"{stats.target_rate:g}", seats=args.seats,
            median=f"{stats.intake_ms_median:.1f}", slowest=f"{stats.intake_ms_max:.0f}",
            behind=f"{stats.behind_s:.1f}"), file=sys.stderr)
    print(json.dumps(stats.summary()))
    return 0
