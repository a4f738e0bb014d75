"""`watch`: print change-feed events as JSON lines, one per change, as they happen."""

from __future__ import annotations

import argparse
import json
import sys
import time

from ..domain.changes import FeedEvent
from ..storage.changefeed import ChangeListener, ConnectionState
from .common import add_db_argument, open_database
from .i18n import tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("watch", help=tr("print change-feed events as JSON lines as they happen"))
    add_db_argument(p)
    p.add_argument("--from-id", type=int, default=None,
                   help=tr("replay events after this id first"))
    p.add_argument("--duration", type=float, default=None,
                   help=tr("stop after this many seconds"))
    p.set_defaults(func=_watch)


def _watch(args: argparse.Namespace) -> int:
    db = open_database(args)

    def on_state(state: ConnectionState) -> None:
        print(json.dumps({"connection": state.value}), file=sys.stderr, flush=True)

    listener = ChangeListener(db, after_id=args.from_id, on_state=on_state)
    deadline = None if args.duration is None else time.monotonic() + args.duration

    def deliver(events: list[FeedEvent]) -> None:
        for event in events:
            sys.stdout.write(json.dumps(event.as_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        if deadline is not None and time.monotonic() >= deadline:
            listener.stop()

    if deadline is not None:
        import threading

        threading.Timer(args.duration, listener.stop).start()
    try:
        listener.run(deliver)
    except KeyboardInterrupt:
        listener.stop()
    return 0
