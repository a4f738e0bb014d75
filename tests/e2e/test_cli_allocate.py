"""`allocate` prints the coming shift's deployment with coverage figures, as a chief reads it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from precinct_console.cli import main
from precinct_console.demo import DEMO_PASSWORD, build_demo
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import upgrade_to_head
from precinct_console.storage.models import PatrolPlan

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 China time


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('alloc') / 'demo.sqlite3'}"
    db = Database.open(url)
    upgrade_to_head(db)
    build_demo(db, seed=3, days=28, now=NOW)
    db.dispose()
    return url


def test_allocate_at_a_time_prints_json_plan_with_figures(demo_url, capsys):
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--json",
                 "--time-limit", "20"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "preview" and data["plan_id"] is None
    assert data["shift"] == "白班"  # the patrol shift, not the command room's 24-hour duty
    f = data["figures"]
    assert 0 < f["once_share"] <= 1 and 0 <= f["twice_share"] <= f["once_share"]
    assert f["merged_rows"] <= f["demand_rows"]
    assert f["status"] in ("optimal", "time_limit")
    assert len(data["placements"]) >= 3
    assert len({p["call_sign"] for p in data["placements"]}) == len(data["placements"])


def test_allocate_text_output_names_units_and_points(demo_url, capsys):
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy"]) == 0
    out = capsys.readouterr().out
    assert "白班 2026-11-20" in out and "covered within 3 min" in out and "greedy" in out
    assert "→" in out


def test_allocate_with_a_user_saves_a_proposal(demo_url, capsys, monkeypatch):
    monkeypatch.setenv("PRECINCT_PASSWORD", DEMO_PASSWORD)
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--user", "chief",
                 "--greedy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    db = Database.open(demo_url)
    with db.sessions() as s:
        plan = s.get(PatrolPlan, data["plan_id"])
        assert plan.status == "proposed" and len(plan.assignments) == len(data["placements"])
        assert s.scalar(sa.select(sa.func.count(PatrolPlan.id))) >= 1
    db.dispose()


def test_unknown_shift_is_a_clear_error(demo_url, capsys):
    assert main(["allocate", "--db", demo_url, "--shift", "999999"]) == 1
    assert "shift 999999 does not exist" in capsys.readouterr().err


def test_bad_time_is_a_clear_error(demo_url, capsys):
    assert main(["allocate", "--db", demo_url, "--at", "tomorrow"]) == 1
    assert "--at 'tomorrow'" in capsys.readouterr().err
