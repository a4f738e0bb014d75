"""`allocate` prints the coming shift's deployment with coverage figures, as a chief reads it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from precinct_console.cli import main
from precinct_console.demo import DEMO_PASSWORD, build_demo
from precinct_console.domain.clock import local
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
    assert "白班 2026-11-20" in out and "covered within 3 min" in out and "→" in out
    # A chief reads how the plan was made in plain words; the solver's figures are for --verbose.
    assert "a quick placement, one unit at a time (not searched for the best)" in out
    assert "solver" not in out and "cells" not in out and "coverage rows" not in out
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "a quick placement" in out and "solver greedy in " in out and " coverage rows" in out


def test_allocate_with_a_user_saves_a_proposal(demo_url, capsys, monkeypatch):
    monkeypatch.setenv("PRECINCT_PASSWORD", DEMO_PASSWORD)
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--user", "chief",
                 "--greedy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # The figures a script reads are the same keys as a preview's.
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy", "--json"]) == 0
    assert set(data["figures"]) == set(json.loads(capsys.readouterr().out)["figures"])
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


def test_pins_zones_and_key_sites_by_name_shape_the_plan(demo_url, capsys):
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--json",
                 "--time-limit", "20", "--pin", "巡01=火车站警务站", "--zone", "三号巡区",
                 "--key-site", "城关火车站"]) == 0
    data = json.loads(capsys.readouterr().out)
    placed = {p["call_sign"]: p for p in data["placements"]}
    assert placed["巡01"]["point_name"] == "火车站警务站" and placed["巡01"]["pinned"]
    f = data["figures"]
    assert f["zones_met"] == f["zones_total"] == 1 and f["key_sites_met"] == f["key_sites_total"] == 1
    key = placed["巡01"]["point_key"]
    assert data["constraints"] == {
        "pins": [{"call_sign": "巡01", "point_key": key, "point_name": "火车站警务站"}],
        "zones": ["三号巡区"], "key_sites": ["城关火车站"]}
    # The same by key, and the text says what the plan was held to.
    other = next(c for c in data["placements"] if c["call_sign"] != "巡01")
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--time-limit", "20",
                 "--pin", f"{other['call_sign']}={key}"]) == 0
    out = capsys.readouterr().out
    assert f"constraints: pinned {other['call_sign']} → 火车站警务站" in out
    assert re.search(rf"{other['call_sign']}\s+→ 火车站警务站 \({key}\)", out)


@pytest.mark.parametrize(("args", "said"), [
    (["--pin", "巡01"], "--pin '巡01' is not UNIT=POINT"),
    (["--pin", "巡99=火车站警务站"], "--pin '巡99=火车站警务站': unit 巡99 is not on 白班"),
    (["--pin", "巡01=月球"], "--pin '巡01=月球': no candidate point 月球"),
    (["--pin", "巡01=火车站警务站", "--pin", "巡01=post:2"], "--pin '巡01=post:2': unit 巡01 is pinned twice"),
    (["--zone", "九号巡区"], "--zone '九号巡区': no patrol zone with that name or id"),
    (["--zone", "站前广场"], "--zone '站前广场': 站前广场 is a key zone, not a patrol zone"),
    (["--key-site", "9999"], "--key-site '9999': no key site with that name or id"),
])
def test_bad_constraints_name_the_argument_and_value(demo_url, capsys, args, said):
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy", *args]) == 1
    assert said in capsys.readouterr().err


def test_more_pins_than_a_post_holds_are_refused_naming_the_post(demo_url, capsys):
    pins = [x for sign in ("巡01", "巡03", "巡04") for x in ("--pin", f"{sign}=火车站警务站")]
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy", *pins]) == 1
    assert "are pinned to 火车站警务站, which holds at most 2" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["0", "-5", "100000", "nan"])
def test_a_time_limit_that_is_not_positive_or_is_absurd_is_refused(demo_url, capsys, limit):
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--time-limit", limit]) == 1
    assert "--time-limit" in capsys.readouterr().err


def test_on_a_chinese_system_the_plan_and_its_refusals_read_in_chinese(demo_url, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy",
                 "--pin", "巡01=火车站警务站"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"白班 2026-11-20 \d\d:\d\d – 11-20 \d\d:\d\d", lines[0]), lines[0]
    assert re.fullmatch(r"预计警情 \d+\.\d 起：3 分钟内可达 \d{1,3}\.\d%，5 分钟内有增援 \d{1,3}\.\d%",
                        lines[1]), lines[1]
    # How the plan was made, in a chief's words (needs tr-intake5.tsv in the .ts/.qm).
    assert re.fullmatch(r"快速部署：逐个安排警力（未求最优），用时 \d+\.\d 秒", lines[2]), lines[2]
    assert "约束：固定 巡01 → 火车站警务站" in lines
    assert re.search(r"^  巡01\s+→ 火车站警务站 \(post:\d+\) [\d.]+,[\d.]+  \[固定\]$",
                     "\n".join(lines), re.M)
    assert main(["allocate", "--db", demo_url, "--shift", "999999"]) == 1
    assert capsys.readouterr().err == "precinct-console allocate：错误：班次 999999 不存在\n"
    assert main(["allocate", "--db", demo_url, "--at", "tomorrow"]) == 1
    assert capsys.readouterr().err == \
        "precinct-console allocate：错误：--at“tomorrow”不是形如 2026-11-21T10:00 的日期时间\n"
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy",
                 "--pin", "巡99=火车站警务站"]) == 1
    assert re.fullmatch(r"precinct-console allocate：错误：--pin“巡99=火车站警务站”：警组 巡99 不在 白班 "
                        r"11-20 \d\d:\d\d（该班次的警组：巡01(、\S+)+）\n", capsys.readouterr().err)
    # What a script reads stays as it was: English keys and codes.
    assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "preview" and data["figures"]["method"] == "greedy"


def test_a_password_asked_where_no_one_can_type_it_is_a_clear_error(demo_url):
    """From cron or a service there is no terminal to ask on: say to set the variable, no traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("PRECINCT_PASSWORD", "PRECINCT_USER")}
    env["PRECINCT_LANGUAGE"] = "en"
    done = subprocess.run(
        [sys.executable, "-m", "precinct_console", "allocate", "--db", demo_url, "--at",
         "2026-11-20T10:00", "--greedy", "--user", "chief"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=120,
        start_new_session=True)  # no controlling terminal, as under cron
    assert done.returncode == 1
    assert "set $PRECINCT_PASSWORD" in done.stderr and "Traceback" not in done.stderr


def test_json_timed_duties_say_when_they_start_and_end_for_a_script(demo_url, capsys, monkeypatch):
    """"07:00-08:30" alone does not say which day on a shift across midnight: each duty carries
    its start and end as timestamps, in a preview and in a saved proposal alike."""
    def duties(*extra: str) -> tuple[dict, list[dict]]:
        assert main(["allocate", "--db", demo_url, "--at", "2026-11-20T10:00", "--greedy", "--json",
                     *extra]) == 0
        data = json.loads(capsys.readouterr().out)
        return data, data["timed_duties"]

    monkeypatch.setenv("PRECINCT_PASSWORD", DEMO_PASSWORD)
    for data, listed in (duties(), duties("--user", "chief")):
        assert listed
        start, end = (datetime.fromisoformat(data[k]) for k in ("starts_at", "ends_at"))
        for d in listed:
            a, b = datetime.fromisoformat(d["starts_at"]), datetime.fromisoformat(d["ends_at"])
            assert start <= a < b <= end
            assert d["window"].startswith(f"{local(a):%H:%M}-")
