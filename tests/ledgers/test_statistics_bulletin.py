"""Statistics (by day, hour, category, 同比/环比, 1-3-5, workload, repeats) and the weekly bulletin."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.permissions import Role
from precinct_console.services.bulletin import render_html, weekly_bulletin
from precinct_console.services.ledgers.periods import parse_week
from precinct_console.services.statistics import incident_statistics
from precinct_console.storage.models import Incident, Station

from .conftest import cst


def test_week_statistics_count_by_china_day_hour_and_category(db, seeded, make_ctx, station):
    with db.sessions() as s:  # the same caller again on Saturday: 一人多警
        s.add(Incident(station_id=station.id, number="J20261121001", channel="110", category_code="0602",
                       status="closed", caller_phone="13812345678", repeat_caller=True,
                       received_at=cst(2026, 11, 21, 12, 0)))
        s.commit()
    st = incident_statistics(make_ctx(Role.STATION_CHIEF), parse_week("2026-W47"))
    assert st.total.current == 8
    assert dict(st.by_day)[date(2026, 11, 16)] == 2 and dict(st.by_day)[date(2026, 11, 21)] == 1
    assert len(st.by_day) == 7
    assert st.by_hour[0] == 2 and st.by_hour[23] == 2 and sum(st.by_hour) == 8
    assert st.by_category[0].name == "纠纷" and st.by_category[0].count == 3
    # 环比 while the week runs (the clock says Friday 09:00): Monday to Friday 09:00 of the week
    # before, which holds nothing (its one incident came on Sunday 23:59:59).
    assert st.total_previous.reference == 0
    assert st.total.reference == 0 and st.total.phrase() == "—"
    c = st.compliance
    # Saturday's call is still running at the clock's time (Friday 09:00... it is in the future),
    # and the invalid call has nothing to judge: six incidents are decided.
    assert (c.incidents, c.decided) == (8, 6)
    assert c.set_off_rate == pytest.approx(5 / 6) and c.arrival_rate == pytest.approx(4 / 6)
    assert c.reinforcement_rate == pytest.approx(1 / 2) and c.all_met_rate == pytest.approx(3 / 6)
    assert [t.label_zh for t in c.targets] == ["1分钟出警", "3分钟到场", "5分钟增援"]
    assert st.profile_name.startswith("力量梯次")
    # Workload counts dispatches by when their incident was received, like every other figure:
    # the units sent at 00:00:19 and 00:00:59 Monday to Sunday's 23:59:59 call count in this
    # week, and those sent on Monday to the week before's last call do not.
    assert dict(st.units) == {"巡逻1组": 6, "巡逻2组": 2}
    assert dict(st.officers) == {"王警官": 6, "赵辅警": 6, "李警官": 2}
    assert dict(st.repeat_flags)["caller"] == 2
    caller = next(g for g in st.repeats if g.kind == "caller")
    assert caller.key == "138****5678"
    assert caller.numbers == ("J20261120001", "J20261121001")


def test_period_on_period_compares_like_for_like_while_the_week_runs(db, seeded, make_ctx, station, clock):
    chief = make_ctx(Role.STATION_CHIEF)
    running = incident_statistics(chief, parse_week("2026-W47"))  # Friday 09:00
    clock.advance(days=3)  # Monday 09:00: the week is over, the whole week before counts
    done = incident_statistics(chief, parse_week("2026-W47"))
    assert running.total_previous.reference == 0
    assert done.total_previous.reference == 1 and done.total_previous.phrase() == "上升600.0%"


def test_year_on_year_compares_with_the_same_iso_week_a_year_before(db, seeded, make_ctx, station):
    with db.sessions() as s:
        for n in range(4):  # ISO week 47 of 2025 runs 17-23 November 2025
            s.add(Incident(station_id=station.id, number=f"OLD{n}", channel="110", category_code="0602",
                           status="closed", received_at=cst(2025, 11, 17 + n, 10, 0)))
        s.commit()
    st = incident_statistics(make_ctx(Role.CLERK), parse_week("2026-W47"))
    assert st.total.reference == 4 and st.total.phrase() == "上升75.0%"
    dispute = next(c for c in st.by_category if c.code == "06")
    assert dispute.year_on_year.reference == 4 and dispute.year_on_year.phrase() == "下降50.0%"


def test_bulletin_html_carries_the_weeks_figures(db, seeded, make_ctx, clock, station):
    with db.sessions() as s:
        s.add(Incident(station_id=station.id, number="J20261121001", channel="110", category_code="0602",
                       status="closed", caller_phone="13812345678", repeat_caller=True,
                       received_at=cst(2026, 11, 21, 12, 0)))
        s.commit()
    clock.now = cst(2026, 11, 23, 9, 0)
    html = render_html(weekly_bulletin(make_ctx(Role.STATION_CHIEF), parse_week("2026-W47")))
    assert "城关派出所警情周通报（2026年第47周）" in html
    assert "本周共接报警情 <b>8</b> 起" in html
    assert "T002" in html and "超期签收、超期反馈" in html and "T001" not in html
    # Repeat callers are named by their masked number only.
    assert "138****5678" in html and "13812345678" not in html
    assert "各单位排名" not in html  # a single station has no ranking
    assert "定时守点核验" not in html  # no timed duty was judged this week


def test_bulletin_gives_the_weeks_duty_keeping_rate(db, seeded, make_ctx, clock, station):
    """Two stretches of timed duties kept, one late and one not, in the week; one the week
    before is not counted."""
    from precinct_console.storage.models import DutyCheck, Unit

    with db.sessions() as s:
        unit = Unit(station_id=station.id, call_sign="巡03", home_lon=116.4, home_lat=39.9)
        s.add(unit)
        s.flush()
        for day, verdict in ((16, "kept"), (17, "kept"), (18, "away"), (19, "late"), (14, "away")):
            at = cst(2026, 11, day, 7, 30)
            s.add(DutyCheck(station_id=station.id, unit_id=unit.id, due_at=at, ends_at=at + timedelta(minutes=30),
                            subject="07:30-08:00 实验小学",
                            verdict=verdict, checked_at=at, distance_m=50.0,
                            there=verdict == "kept", seen_at=at))
        s.commit()
    clock.now = cst(2026, 11, 23, 9, 0)
    bulletin = weekly_bulletin(make_ctx(Role.STATION_CHIEF), parse_week("2026-W47"))
    assert (bulletin.stats.duties_kept, bulletin.stats.duties_late, bulletin.stats.duties_away) == (2, 1, 1)
    assert "定时守点核验 4 次：按时到岗 2，迟到 1，未到岗 1，按时到岗率 <b>50.0%</b>" in render_html(bulletin)


def test_branch_bulletin_ranks_stations_and_posts(db, seeded, make_ctx, clock, station):
    from precinct_console.domain.permissions import Actor
    from precinct_console.services.context import ServiceContext

    with db.sessions() as s:
        s.execute(sa.update(Station).where(Station.id == station.id).values(branch="示范分局"))
        post = Station(code="P01", name="火车站警务站", kind="post", branch="示范分局")
        s.add(post)
        s.flush()
        received = cst(2026, 11, 18, 10, 0)
        s.add(Incident(station_id=post.id, number="P-1", channel="110", category_code="0705",
                       status="closed", received_at=received,
                       set_off_at=received + timedelta(seconds=30),
                       arrived_at=received + timedelta(seconds=90)))
        s.commit()
    branch = ServiceContext(db, Actor(None, "branch", Role.VIEWER, None, "hq"), clock)
    b = weekly_bulletin(branch, parse_week("2026-W47"))
    assert [(r.rank, r.name, r.kind) for r in b.ranking] == [
        (1, "火车站警务站", "警务站"), (2, "城关派出所", "派出所")]
    assert b.stats.total.current == 8
    html = render_html(b)
    assert "示范分局警情周通报" in html and "各单位排名" in html


def _bulletin_verb(db_url: str, out, **env_changes: str) -> subprocess.CompletedProcess[str]:
    """The bulletin verb for week 2026-W47 as the clerk 'neiqin', headless, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "PRECINCT_LANGUAGE")}
    env.update(PRECINCT_PASSWORD="clerk-password", QT_QPA_PLATFORM="offscreen",
               QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu", **env_changes)
    return subprocess.run(
        [sys.executable, "-m", "precinct_console", "bulletin", "--db", db_url, "--week", "2026-W47",
         "--out", str(out), "--user", "neiqin"],
        capture_output=True, text=True, env=env, timeout=180,
    )


def test_bulletin_verb_renders_a_pdf(db_url, seeded, tmp_path, make_ctx, qapp):
    from precinct_console.services.accounts import add_user

    add_user(make_ctx(Role.ADMIN), "neiqin", "clerk-password", Role.CLERK)
    out = tmp_path / "bulletin.pdf"
    proc = _bulletin_verb(db_url, out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    assert doc.load(str(out)) == QPdfDocument.Error.None_
    assert doc.pageCount() >= 1
    text = "".join(doc.getAllText(p).text() for p in range(doc.pageCount()))
    assert "警情周通报" in text and "1-3-5" in text
    doc.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_bulletin_verb_says_why_no_file_was_written(db_url, seeded, tmp_path, make_ctx, suffix):
    from precinct_console.services.accounts import add_user

    add_user(make_ctx(Role.ADMIN), "neiqin", "clerk-password", Role.CLERK)
    (tmp_path / "afile").write_text("x")  # a file where the folder should be
    out = tmp_path / "afile" / "sub" / f"bulletin{suffix}"
    chinese = f"precinct-console bulletin：错误：无法写入 {out}：路径中有同名文件占用了文件夹的位置"
    said = [({"LANG": "zh_CN.UTF-8"}, chinese),
            # The setting asks for Chinese on an English system: the reason is Chinese too.
            ({"LANG": "C.UTF-8", "PRECINCT_LANGUAGE": "zh_CN"}, chinese),
            ({"LANG": "C.UTF-8"},
             f"precinct-console bulletin: error: cannot write {out}: a file stands where a folder should be")]
    for env, line in said:
        proc = _bulletin_verb(db_url, out, **env)
        assert proc.returncode == 1, proc.stderr
        assert line in proc.stderr.splitlines(), proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_bulletin_verb_writes_html_whole_or_not_at_all(db_url, seeded, tmp_path, make_ctx):
    from precinct_console.services.accounts import add_user

    add_user(make_ctx(Role.ADMIN), "neiqin", "clerk-password", Role.CLERK)
    out = tmp_path / "new folder" / "bulletin.html"
    proc = _bulletin_verb(db_url, out)
    assert proc.returncode == 0, proc.stderr
    assert "警情周通报" in out.read_text(encoding="utf-8")
    (tmp_path / "taken.html").mkdir()  # a folder of the target's name: the rename must fail
    proc = _bulletin_verb(db_url, tmp_path / "taken.html", LANG="zh_CN.UTF-8")
    assert proc.returncode == 1, proc.stderr
    assert f"无法写入 {tmp_path / 'taken.html'}：已有同名文件夹" in proc.stderr, proc.stderr
    assert not list(tmp_path.glob("*.part"))
