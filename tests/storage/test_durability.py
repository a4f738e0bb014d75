"""SIGKILL in the middle of a stream of writes loses no acknowledged write; the database opens clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import sqlalchemy as sa

from precinct_console.storage.models import ChangeRecord, Officer

WRITER = textwrap.dedent("""
    import sys
    from precinct_console.domain.permissions import Actor, Role
    from precinct_console.services.context import ServiceContext
    from precinct_console.storage.database import Database
    from precinct_console.storage.models import Officer
    db = Database.open(sys.argv[1])
    ctx = ServiceContext(db, Actor(None, "writer", Role.ADMIN, int(sys.argv[2]), "seat-k"))
    i = 0
    while True:
        with ctx.uow() as uow:
            o = uow.add("officer.add", "officer", Officer(station_id=ctx.station_id, badge=f"K{i}", name="x"))
            uow.commit()
        # Acknowledged only after commit returned.
        sys.stdout.write(f"{o.id}\\n")
        sys.stdout.flush()
        i += 1
""")


def test_sigkill_loses_no_acknowledged_write(db, db_url, station):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, str(station.id)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    acknowledged: list[int] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert len(acknowledged) >= 150, proc.stderr.read() if proc.stderr else ""
    db.dispose()
    with db.sessions() as s:
        stored = set(s.scalars(sa.select(Officer.id)))
        feed = set(s.scalars(sa.select(ChangeRecord.entity_id).where(ChangeRecord.entity == "officer")))
        if db.is_sqlite:
            assert s.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    missing = set(acknowledged) - stored
    assert not missing, f"acknowledged writes lost: {sorted(missing)[:10]}"
    assert set(acknowledged) <= feed  # and their change-feed rows with them
