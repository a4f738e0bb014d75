"""`followup` and `worklist` verbs as a station's IT contact schedules them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from precinct_console.cli import main
from precinct_console.demo.task_catalogue import seed_catalogue
from precinct_console.domain.clock import local
from precinct_console.services.accounts import hash_password
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import upgrade_to_head
from precinct_console.storage.models import Grid, GridPerson, Incident, Officer, Station, Task, User

SQUARE = {"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.1, 39.1],
                                              [116.0, 39.1], [116.0, 39.0]]]}


@pytest.fixture
def station_db(tmp_path, monkeypatch):
    from precinct_console.services.reference import ensure_reference_data

    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    db = Database.open(url)
    upgrade_to_head(db)
    ensure_reference_data(db)
    now = datetime.now(UTC)
    with db.sessions() as s:
        st = Station(code="S01", name="城关派出所")
        s.add(st)
        s.flush()
        wang = Officer(station_id=st.id, badge="012345", name="王建国")
        grid = Grid(station_id=st.id, code="D1", name="幸福里警务区", level=1, geometry=SQUARE,
                    centroid_lon=116.05, centroid_lat=39.05)
        s.add_all([wang, grid])
        s.flush()
        s.add(GridPerson(station_id=st.id, grid_id=grid.id, role="community_officer", name="王建国",
                         officer_id=wang.id))
        s.add(User(username="duty", display_name="值班", role="duty_officer", station_id=st.id,
                   password_hash=hash_password("duty-pass-1"), created_at=now))
        s.add(Incident(station_id=st.id, number="J202611200001", channel="110", category_code="0602",
                       status="received", grid_id=grid.id, address="幸福里3栋",
                       received_at=now - timedelta(minutes=20)))
        seed_catalogue(s, st.id, now)
        s.commit()
    db.dispose()
    monkeypatch.setenv("PRECINCT_USER", "duty")
    monkeypatch.setenv("PRECINCT_PASSWORD", "duty-pass-1")
    return url


def test_followup_once_then_the_officers_work_list(station_db, tmp_path, capsys):
    assert main(["followup", "--db", station_db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 follow-up task(s) created") and "created RW" in out
    assert main(["followup", "--db", station_db]) == 0  # nothing twice
    assert capsys.readouterr().out.startswith("0 follow-up task(s) created")
    # The list of the China-time day the new task is due on: printed late in the evening, "today"
    # would hold it only as a count of later tasks (this test used to fail after ~23:00 China time).
    db = Database.open(station_db)
    with db.sessions() as s:
        due = s.scalars(select(Task.sign_due_at)).one()
    db.dispose()
    day = local(due).date().isoformat()
    html = tmp_path / "list.html"
    assert main(["worklist", "--officer", "012345", "--day", day, "--out", str(html),
                 "--db", station_db]) == 0
    page = html.read_text(encoding="utf-8")
    assert "王建国" in page and "纠纷回访" in page and "城关派出所" in page
    pdf = tmp_path / "list.pdf"
    assert main(["worklist", "--officer", "012345", "--out", str(pdf), "--db", station_db]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_worklist_names_a_bad_badge_or_day(station_db, tmp_path, capsys):
    assert main(["worklist", "--officer", "999", "--out", str(tmp_path / "x.pdf"),
                 "--db", station_db]) == 1
    assert "no active officer with badge '999'" in capsys.readouterr().err
    assert main(["worklist", "--officer", "012345", "--day", "20/11", "--out",
                 str(tmp_path / "x.pdf"), "--db", station_db]) == 1
    assert "--day '20/11'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["list.pdf", "list.html"])
def test_worklist_that_cannot_be_written_names_the_file_and_why(station_db, tmp_path, capsys, name):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    out = blocker / name
    assert main(["worklist", "--officer", "012345", "--out", str(out), "--db", station_db]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"precinct-console worklist: error: cannot write {out}: ") and "Traceback" not in err
    assert not out.exists()
