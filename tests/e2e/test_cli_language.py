"""The verbs speak Chinese on a Chinese system and English elsewhere, as a clerk or an admin reads them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from precinct_console.cli import main
from precinct_console.services.incidents.ledger_file import (
    ALIASES,
    COLUMNS,
    HISTORY_COLUMNS,
    NUMBER,
    REFINING,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")


@pytest.fixture
def station_url(tmp_path, monkeypatch, capsys) -> str:
    """An empty database set up with its first administrator, in English (the pinned locale)."""
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    capsys.readouterr()
    return url


def test_an_administrator_on_a_chinese_system_reads_chinese(tmp_path, monkeypatch, capsys, chinese):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert re.search(r"^已将 .* 从 空库 升级到 \w+$", capsys.readouterr().out, re.M)
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--db", url]) == 1
    assert "数据库中还没有账号：请先用 --role admin --station-code 代码 --station-name 名称 添加第一个管理员" \
        in capsys.readouterr().err
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    assert capsys.readouterr().out == "派出所 S1 城关派出所 已建立；已添加管理员 admin\n"
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "duty-pass-1")
    assert main(["user", "add", "duty.li", "--role", "duty_officer", "--name", "李值班", "--db", url]) == 0
    assert capsys.readouterr().out == "已添加用户 duty.li（duty_officer）\n"
    assert main(["user", "list", "--db", url]) == 0
    assert re.search(r"^duty\.li +duty_officer +启用 +李值班$", capsys.readouterr().out, re.M)
    # The services' refusals read as the window shows them (the catalogue they share).
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "short")
    assert main(["user", "add", "x.y", "--role", "clerk", "--db", url]) == 1
    assert capsys.readouterr().err == "precinct-console user：错误：字段“密码”：至少需要 8 个字符\n"
    monkeypatch.setenv("PRECINCT_PASSWORD", "wrong")
    assert main(["user", "add", "x.y", "--role", "clerk", "--db", url]) == 1
    assert capsys.readouterr().err == "precinct-console user：错误：用户名或密码错误\n"


def test_a_bad_export_date_names_the_field_in_chinese(station_url, tmp_path, capsys, chinese):
    out = tmp_path / "x.xlsx"
    assert main(["export", "incidents", "--from", "2026-13-01", "--to", "2026-11-22",
                 "--out", str(out), "--db", station_url]) == 1
    assert capsys.readouterr().err == \
        "precinct-console export：错误：字段“起始日期”：“2026-13-01”不是形如 2026-11-20 的日期\n"
    assert main(["export", "incidents", "--db", station_url]) == 1
    assert "缺少 --from、--to、--out（参见 precinct-console export --help）" in capsys.readouterr().err
    assert not out.exists()


def test_an_export_result_line_reads_in_chinese(station_url, tmp_path, capsys, chinese):
    out = tmp_path / "ledger.xlsx"
    assert main(["export", "incidents", "--from", "2026-11-16", "--to", "2026-11-22",
                 "--out", str(out), "--db", station_url]) == 0
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"{re.escape(str(out))}：警情台账，2026年第47周（11月16日至11月22日），"
                        r"共 0 行、\d+ 个工作表，已脱敏，用时 \d+\.\d 秒", line), line
    assert out.is_file()


def test_the_same_verbs_read_english_elsewhere_or_when_the_setting_says_so(
        station_url, tmp_path, monkeypatch, capsys):
    args = ["export", "incidents", "--from", "2026-13-01", "--to", "2026-11-22",
            "--out", str(tmp_path / "x.xlsx"), "--db", station_url]
    for lang in ("C.UTF-8", "en_US.UTF-8", "de_DE.UTF-8"):
        monkeypatch.setenv("LANG", lang)
        assert main(args) == 1
        assert capsys.readouterr().err == \
            "precinct-console export: error: field 'from': '2026-13-01' is not a date such as 2026-11-20\n"
    # The window's language setting wins over the locale, both ways.
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("PRECINCT_LANGUAGE", "en")
    assert main(args) == 1
    assert "field 'from'" in capsys.readouterr().err
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("PRECINCT_LANGUAGE", "zh_CN")
    assert main(args) == 1
    assert "字段“起始日期”" in capsys.readouterr().err
    # LC_ALL overrides LANG, as for every other program.
    monkeypatch.delenv("PRECINCT_LANGUAGE")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert main(args) == 1
    assert "字段“起始日期”" in capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value", "problem"), [
    ("PRECINCT_MORNING_REPLAN", "25:00", "不是 HH:MM 格式的时刻，例如 08:30"),
    ("PRECINCT_TIMEZONE", "Mars", "不是时区名称，例如 Asia/Shanghai"),
])
def test_a_bad_setting_beside_the_language_is_named_in_chinese(
        station_url, monkeypatch, capsys, variable, value, problem):
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("PRECINCT_LANGUAGE", "zh_CN")
    monkeypatch.setenv(variable, value)
    assert main(["user", "list", "--db", station_url]) == 1
    assert capsys.readouterr().err.strip().endswith(f"环境变量 {variable}：设置项“{variable[9:].lower()}” = “{value}” {problem}")


def test_machine_readable_output_keeps_its_english_keys(station_url, capsys, chinese):
    assert main(["user", "list", "--json", "--db", station_url]) == 0
    users = json.loads(capsys.readouterr().out)
    assert [set(u) for u in users] == [{"username", "name", "role", "active", "station_id", "last_login_at"}]
    assert users[0]["role"] == "admin" and users[0]["active"] is True
    assert main(["db", "status", "--db", station_url]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"database", "revision", "head"}


def test_a_scheduled_task_on_a_chinese_machine_reads_chinese(station_url, tmp_path):
    """The verb run as its own process, as Windows' Task Scheduler or cron runs it."""
    env = {**os.environ, "LANG": "zh_CN.UTF-8"}
    out = subprocess.run([sys.executable, "-m", "precinct_console", "export", "incidents",
                          "--from", "2026-11-16", "--to", "2026-11-22", "--out",
                          str(tmp_path / "weekly.xlsx"), "--db", station_url],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "警情台账，2026年第47周" in out.stdout and "已脱敏" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "precinct_console", "export", "incidents",
                          "--from", "2026-11-16", "--db", station_url, "--bogus"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[-1] == "precinct-console：错误：无法识别的参数：--bogus"


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("verb", [["export"], ["allocate"], ["user", "add"], ["incident", "import"],
                                  ["db", "set-password"], ["grids", "import"], ["worklist"]])
def test_help_is_chinese_and_fits_the_terminal(verb, capsys, monkeypatch, chinese):
    monkeypatch.setenv("COLUMNS", "80")
    text = _help(verb, capsys)
    assert text.startswith("用法：precinct-console " + " ".join(verb))
    assert "显示本帮助并退出" in text and "\n选项:\n" in text
    # Each option's explanation is Chinese (the options, names and examples stay as typed).
    explained = [m.group(1) for m in re.finditer(r"^  -\S.*?\s{2,}(\S.*)$", text, re.M)]
    assert explained and all(CHINESE.search(e) for e in explained), explained
    # Wrapped by the columns a terminal shows, where a Chinese character takes two; a word longer
    # than a line (a URL) stays whole. The table of ledger columns in incident import's help is
    # laid out by hand, the usage line by argparse.
    if verb != ["incident", "import"]:
        from precinct_console.cli.i18n import columns

        wide = [line for line in text.splitlines()[1:] if CHINESE.search(line) and columns(line) > 80
                and " " in line.strip()]
        assert wide == []


def test_english_help_is_english(capsys):
    text = _help(["export"], capsys)
    assert text.startswith("usage: precinct-console export")
    assert "\noptions:\n" in text and "first day, e.g. 2026-11-16" in text
    assert "show this help message and exit" in text


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_the_import_help_names_every_column_the_reader_takes(lang, capsys, monkeypatch):
    monkeypatch.setenv("LANG", lang)
    text = _help(["incident", "import"], capsys)
    for column in [*COLUMNS, *HISTORY_COLUMNS, *REFINING, NUMBER, *ALIASES]:
        if column in ("经度", "纬度"):
            column = "经度/纬度"
        assert column in text, column


def test_a_clerk_reads_every_ledger_column_explained_in_chinese(capsys, chinese):
    from precinct_console.services.ledgers import LEDGERS

    assert main(["export", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "警情台账（incidents）：本期接报的全部警情及其各环节时间。各列："
    assert "    联系电话（类型：电话号码）：报警人电话，默认脱敏为 138****5678" in lines
    assert "    1分钟出警用时（类型：时长）：自接警至出警的用时；合计行为平均值" in lines
    documented = sum(1 for ledger in LEDGERS.values() for c in ledger.columns if c.doc)
    assert sum(1 for line in lines if line.startswith("    ") and "）：" in line) == documented
    # No English left but the ledgers' keys (typed after `export`) and the datum's name.
    english = [line for line in lines
               if re.search(r"[A-Za-z]{3,}", re.sub(r"（[a-z]+）|WGS84", "", line))]
    assert english == []


def test_the_english_column_list_is_unchanged(capsys, monkeypatch):
    from precinct_console.services.ledgers import describe

    monkeypatch.setenv("LANG", "C.UTF-8")
    assert main(["export", "--list"]) == 0
    out = capsys.readouterr().out
    assert out == describe() + "\n"
    assert "    联系电话 (phone) - caller phone, masked 138****5678 unless unmasked\n" in out
    assert "    1分钟出警用时 (duration) - receipt to set_off; the totals row shows the mean\n" in out


def test_the_duty_ledgers_move_up_sheet_is_told_of_in_the_column_list(capsys, monkeypatch):
    """The duty ledger writes a second sheet, 补位记录; the list a clerk reads before exporting says so."""
    for lang, said in (("en", "duty: 勤务台账 - who was on which shift, unit or post, day by day; on a "
                              "sheet of its own (补位记录), each move-up order"),
                       ("zh_CN", "勤务台账（duty）：逐日列出各班次、警组和岗位的在岗人员；补位调度记录另列一表（补位记录）")):
        monkeypatch.setenv("PRECINCT_LANGUAGE", lang)
        assert main(["export", "--list"]) == 0
        assert said in capsys.readouterr().out
