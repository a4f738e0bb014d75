"""`incident add` and `incident import` as an integrator and a clerk use them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from precinct_console.cli import main


@pytest.fixture
def station_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    return url


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_add_reads_json_on_stdin_and_prints_the_number(station_url, monkeypatch, capsys):
    capsys.readouterr()
    _stdin(monkeypatch, json.dumps({"channel": "110", "category_code": "0601", "address": "城关路12号",
                                    "caller_phone": "13800138000", "received_at": "2026-11-20T09:00:00+08:00"}))
    assert main(["incident", "add", "--db", station_url]) == 0
    assert capsys.readouterr().out.strip() == "20261120-0001"
    # The ledger's Chinese names work as keys too; --json prints the whole row.
    _stdin(monkeypatch, json.dumps({"报警方式": "110报警", "警情类别": "家庭纠纷", "发案地址": "城关路12号",
                                    "联系电话": "13800138000", "报警时间": "2026-11-20 09:10"}))
    assert main(["incident", "add", "--json", "--db", station_url]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["number"] == "20261120-0002" and row["category"] == "纠纷/家庭纠纷"
    assert row["repeat"] == "人地事"


@pytest.mark.parametrize(("payload", "says"), [
    ("not json", "field 'stdin'"),
    ('{"channel": "110", "category_code": "0601"}', "field 'address'"),
    ('{"channel": "110", "category_code": "0601", "address": "x", "colour": "red"}', "field 'colour'"),
    ('{"channel": "110", "category_code": "0601", "address": "x", "lat": "north"}', "field 'lat'"),
])
def test_add_refuses_bad_json_naming_the_field(station_url, monkeypatch, capsys, payload, says):
    capsys.readouterr()
    _stdin(monkeypatch, payload)
    assert main(["incident", "add", "--db", station_url]) == 1
    assert says in capsys.readouterr().err


def test_import_is_atomic_and_names_row_and_column_in_a_subprocess(station_url, tmp_path):
    good = tmp_path / "ledger.csv"
    good.write_text(
        "报警时间,报警方式,报警人,联系电话,发案地址,警情类别,简要案情,出警时间,到场时间\n"
        "2026-11-01 09:00,110,王五,13900001111,东大街3号,0602,楼上漏水,2026-11-01 09:01,2026-11-01 09:04\n"
        "2026-11-01 10:00,122,赵六,13900002222,西大街5号,交通事故（财损）,追尾,,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace("13900002222", "139-abc"), encoding="utf-8")
    env = {"PRECINCT_USER": "admin", "PRECINCT_PASSWORD": "first-admin-pw"}
    run_env = {**os.environ, **env}
    out = subprocess.run([sys.executable, "-m", "precinct_console", "incident", "import", str(bad),
                          "--db", station_url], capture_output=True, text=True, env=run_env, timeout=120)
    assert out.returncode == 1
    assert "row 3, field '联系电话'" in out.stderr
    out = subprocess.run([sys.executable, "-m", "precinct_console", "incident", "import", str(good),
                          "--db", station_url], capture_output=True, text=True, env=run_env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "imported 2 incident(s) (20261101-0001 .. 20261101-0002)" in out.stdout


def test_import_help_documents_the_columns(capsys):
    with pytest.raises(SystemExit):
        main(["incident", "import", "--help"])
    text = capsys.readouterr().out
    for column in ("报警时间", "报警方式", "联系电话", "发案地址", "经度", "纬度", "警情类别", "简要案情", "等级"):
        assert column in text


def test_list_and_show_print_the_board_and_the_history(station_url, monkeypatch, capsys):
    _stdin(monkeypatch, json.dumps({"channel": "110", "category_code": "0705", "address": "南门外",
                                    "content": "钱包丢了"}))
    assert main(["incident", "add", "--db", station_url]) == 0
    number = capsys.readouterr().out.strip()
    assert main(["incident", "list", "--db", station_url]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["number"], r["status"], r["category"]) for r in rows] == [(number, "received", "求助/物品遗失")]
    assert main(["incident", "show", number, "--db", station_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["number"] == number and [e["kind"] for e in shown["events"]] == ["received"]
    assert shown["events"][0]["user"] == "admin"
    assert main(["incident", "show", "20991231-0001", "--db", station_url]) == 1
    assert "no incident numbered" in capsys.readouterr().err


def test_an_incident_taken_in_with_the_chinese_keys_is_received_now_and_mixed_keys_are_named(
        station_url, monkeypatch, capsys):
    """The help says received_at defaults to now; with the ledger's Chinese names a call taken in
    as it comes was refused as 'row 1, field 报警时间: is required', and a payload mixing both kinds
    of key was told its English keys (channel, address) were unknown columns."""
    capsys.readouterr()
    _stdin(monkeypatch, json.dumps({"报警方式": "电话报警", "警情类别": "求助", "发案地址": "西关夜市"}))
    assert main(["incident", "add", "--json", "--db", station_url]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["address"] == "西关夜市" and row["received_at"]
    _stdin(monkeypatch, json.dumps({"channel": "110", "警情类别": "求助", "address": "西关夜市"}))
    assert main(["incident", "add", "--db", station_url]) == 1
    err = capsys.readouterr().err
    assert "unknown column" not in err
    assert "channel, address" in err and "not both" in err


def test_a_clerk_types_the_short_channel_and_errors_name_the_key_typed(station_url, monkeypatch, capsys):
    capsys.readouterr()
    for typed, channel in (("电话", "phone"), ("来所", "walk_in"), ("视频", "video"), ("巡逻", "patrol"),
                           ("火警", "119"), ("交通", "122")):
        _stdin(monkeypatch, json.dumps({"报警方式": typed, "警情类别": "家庭纠纷", "发案地址": "城关路12号"}))
        assert main(["incident", "add", "--json", "--db", station_url]) == 0, capsys.readouterr().err
        number = json.loads(capsys.readouterr().out)["number"]
        assert main(["incident", "show", number, "--db", station_url]) == 0
        assert json.loads(capsys.readouterr().out)["channel"] == channel, typed
    # The Chinese key the clerk typed is named, not the English field behind it.
    _stdin(monkeypatch, json.dumps({"报警方式": "信鸽", "警情类别": "家庭纠纷", "发案地址": "城关路12号"}))
    assert main(["incident", "add", "--db", station_url]) == 1
    err = capsys.readouterr().err
    assert "field '报警方式': '信鸽' is not a channel" in err and "channel" not in err.split(":")[0]
    _stdin(monkeypatch, json.dumps({"报警方式": "110", "警情类别": "家庭纠纷", "发案地址": "城关路12号",
                                    "联系电话": "139abc"}))
    assert main(["incident", "add", "--db", station_url]) == 1
    assert "field '联系电话'" in capsys.readouterr().err
    # English keys keep their English names.
    _stdin(monkeypatch, json.dumps({"channel": "信鸽", "category_code": "0601", "address": "城关路12号"}))
    assert main(["incident", "add", "--db", station_url]) == 1
    assert "field 'channel'" in capsys.readouterr().err
    _stdin(monkeypatch, json.dumps({"报警方式": "110", "警情类别": "家庭纠纷", "发生地址": "城关路12号",
                                    "接警时间": "昨天"}))
    assert main(["incident", "add", "--db", station_url]) == 1
    assert "field '接警时间': '昨天' is not a time" in capsys.readouterr().err


def test_importing_the_consoles_own_ledger_says_what_became_of_its_status(station_url, tmp_path, capsys):
    ledger = tmp_path / "警情台账.csv"
    ledger.write_text(
        "警情编号,接警时间,报警方式,发生地址,警情类别,优先级,出警时间,处警单位,状态\n"
        "J20261101001,2026-11-01 09:00:00,电话报警,东大街3号,家庭纠纷,一般,2026-11-01 09:02:00,巡逻1组,已归档\n"
        "合计 1 条,,,,,,,,\n", encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["incident", "import", str(ledger), "--db", station_url]) == 0
    said = capsys.readouterr()
    assert "imported 1 incident(s) (J20261101001 .. J20261101001)" in said.out
    assert "status not copied: each incident's status follows its imported step times" in said.out
    assert "ignored column(s): 处警单位, 状态" in said.err
    assert main(["incident", "show", "J20261101001", "--db", station_url]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "set_off"
