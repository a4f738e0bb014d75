"""`roster plan` as a station chief uses it: a dry run, then the plan; bad input refused, nothing written."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from precinct_console.cli import main
from precinct_console.domain.clock import system_clock
from precinct_console.services import roster, unit_roll
from precinct_console.services.accounts import authenticate
from precinct_console.services.context import ServiceContext
from precinct_console.storage.database import Database
from precinct_console.storage.models import RosterEntry, Shift, ShiftPattern

PLAN = ["roster", "plan", "--user", "admin", "--from", "2027-01-04", "--to", "2027-01-10"]


@pytest.fixture
def station_url(tmp_path, monkeypatch) -> str:
    """Four teams (甲乙丙丁) of two 民警 (one a driver) and a 辅警, two cars, a 四班三运转."""
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    monkeypatch.setenv("PRECINCT_LANGUAGE", "en")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    db = Database.open(url)
    try:
        ctx = ServiceContext(db, authenticate(db, "admin", "first-admin-pw", "t", system_clock()),
                             system_clock)
        for t, team in enumerate("甲乙丙丁"):
            for i, (kind, licences) in enumerate((("officer", ["C1"]), ("officer", []),
                                                 ("auxiliary", []))):
                roster.add_officer(ctx, f"0{t}{i}", f"{team}{i}", kind=kind, team=team,
                                   licences=licences)
        for cs in ("巡01", "巡02"):
            unit_roll.add_unit(ctx, cs, "car", 116.39, 39.90, seats=4)
        roster.add_pattern(ctx, "四班三运转（巡逻）", "four_three", {"anchor": "2027-01-04",
                                                                "teams": list("甲乙丙丁")})
    finally:
        db.dispose()
    return url


def _counts(url: str) -> tuple[int, int, int, int]:
    db = Database.open(url)
    try:
        with db.sessions() as s:
            def count(q: sa.Select) -> int:
                return s.scalar(q) or 0

            crewed = sa.select(sa.func.count()).select_from(RosterEntry).where(
                RosterEntry.unit_id.is_not(None))
            patterns, shifts, entries = (count(sa.select(sa.func.count()).select_from(m))
                                         for m in (ShiftPattern, Shift, RosterEntry))
            return patterns, shifts, entries, count(crewed)
    finally:
        db.dispose()


def test_a_dry_run_says_what_planning_would_do_and_saves_nothing_then_the_plan_saves_it(
        station_url, capsys):
    assert main([*PLAN, "--db", station_url, "--pattern", "四班三运转（巡逻）", "--dry-run"]) == 0
    out = capsys.readouterr().out
    # Seven days of three 8-hour shifts, each team of three on its shifts.
    assert "21 shift(s) and 63 entry(ies) would be planned" in out
    assert "crews: 21 formed (at least 2 in each, one of them a 民警)" in out
    assert "dry run: nothing was saved" in out
    assert _counts(station_url) == (1, 0, 0, 0)
    assert main([*PLAN, "--db", station_url, "--pattern", "1"]) == 0
    out = capsys.readouterr().out
    assert "21 shift(s) planned, 63 entry(ies)" in out and "nothing was saved" not in out
    assert _counts(station_url) == (1, 21, 63, 63)
    # Planned again: the shifts are there already, and nothing is made twice.
    assert main([*PLAN, "--db", station_url, "--pattern", "1"]) == 0
    assert "every shift of that period was already planned" in capsys.readouterr().out
    assert _counts(station_url) == (1, 21, 63, 63)


def test_no_crew_puts_the_teams_on_in_no_unit(station_url, capsys):
    assert main([*PLAN, "--db", station_url, "--pattern", "1", "--no-crew"]) == 0
    assert "crews:" not in capsys.readouterr().out
    assert _counts(station_url) == (1, 21, 63, 0)


@pytest.mark.parametrize(("args", "said"), [
    (["--pattern", "五班四运转"], "--pattern: no pattern 五班四运转 in this station (its patterns: "
                                  "四班三运转（巡逻） (1); or a new one: duty_24h, four_three"),
    (["--pattern", "1", "--teams", "甲,乙,丙,戊"], "--teams: pattern 四班三运转（巡逻） rotates 甲, 乙, 丙, 丁, "
                                                 "not 甲, 乙, 丙, 戊"),
    (["--pattern", "four_three", "--name", "新", "--teams", "甲,乙,丙,戊"],
     "--teams: nobody on the roll is in 戊 (the roll's teams: 甲, 乙, 丙, 丁)"),
    (["--pattern", "four_three", "--teams", "甲,乙,丙,丁"],
     "--name: four_three makes a new pattern, which needs a name; to plan one of the station's "
     "own, name it: 四班三运转（巡逻） (1)"),
    (["--pattern", "four_three", "--name", "新", "--teams", "甲,乙"],
     "--teams: four_three needs at least 4 teams, 2 given"),
    (["--pattern", "1", "--to", "2027-01-01"], "--to 2027-01-01 is before --from 2027-01-04"),
    (["--pattern", "1", "--crew-size", "0"], "--crew-size: give 1 to 6"),
    (["--pattern", "1", "--handover", "07:00"], "--handover is for a new pattern"),
])
def test_bad_input_is_refused_naming_the_flag_and_nothing_is_written(station_url, capsys, args, said):
    assert main([*PLAN, "--db", station_url, *args]) == 1
    assert said in capsys.readouterr().err
    assert _counts(station_url) == (1, 0, 0, 0)


def test_a_new_pattern_from_its_kind_with_the_rules_it_breaks_said_once_in_json(station_url, capsys):
    # A 24-hour duty of two teams asking five on every shift: each shift is short, said once.
    assert main([*PLAN, "--db", station_url, "--pattern", "24小时值班", "--name", "值班", "--teams",
                 "甲，乙", "--min-staff", "5", "--duty", "desk", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pattern"]["name"] == "值班" and out["saved"] is True
    assert (out["shifts"], out["entries"], out["crews"]) == (7, 21, None)
    short = [v for v in out["violations"] if v["rule"] == "min_staff"]
    assert len(short) == 1 and short[0]["shifts"] == 7
    assert short[0]["days"][0] == "2027-01-04" and short[0]["days"][-1] == "2027-01-10"
    assert _counts(station_url)[:3] == (2, 7, 21)


def test_the_text_names_each_broken_rule_once_with_its_shifts(station_url, capsys):
    assert main([*PLAN, "--db", station_url, "--pattern", "三班二运转", "--name", "两班",
                 "--teams", "甲,乙,丙", "--min-staff", "4", "--dry-run"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "the shift needs at least 4" in line]
    assert len(lines) == 1, out
    assert "(on 14 shifts, 01-04–01-10)" in lines[0]
    assert _counts(station_url) == (1, 0, 0, 0)  # the dry run did not keep the new pattern either
