"""`precinct-console export`: a clerk writes a ledger from the command line; mistakes are named."""

from __future__ import annotations

from python_calamine import CalamineWorkbook

from precinct_console.cli import main
from precinct_console.domain.permissions import Role
from precinct_console.services.accounts import add_user


def test_export_verb_writes_the_ledger_and_refuses_unmask_for_a_clerk(
    db_url, seeded, make_ctx, tmp_path, monkeypatch, capsys,
):
    add_user(make_ctx(Role.ADMIN), "neiqin", "clerk-password", Role.CLERK)
    monkeypatch.setenv("PRECINCT_PASSWORD", "clerk-password")
    out = tmp_path / "ledger.xlsx"
    args = ["export", "incidents", "--db", db_url, "--from", "2026-11-16", "--to", "2026-11-22",
            "--out", str(out), "--user", "neiqin"]
    assert main(args) == 0
    assert "7 rows" in capsys.readouterr().out
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[3][0] == "J20261116001" and rows[3][4] == "139****4321"
    assert main([*args, "--unmask"]) == 1
    assert "may not export unmasked" in capsys.readouterr().err
    assert main(["export", "incidents", "--db", db_url, "--from", "2026-13-01", "--to", "2026-11-22",
                 "--out", str(out), "--user", "neiqin"]) == 1
    assert "field 'from'" in capsys.readouterr().err
    assert main(["export", "--list"]) == 0
    assert "警情台账" in capsys.readouterr().out


def test_an_english_export_has_its_titles_and_period_in_english_and_a_chinese_one_as_before(
    db_url, seeded, make_ctx, tmp_path, monkeypatch, capsys,
):
    add_user(make_ctx(Role.ADMIN), "neiqin", "clerk-password", Role.CLERK)
    monkeypatch.setenv("PRECINCT_PASSWORD", "clerk-password")

    def export(language: str) -> tuple[str, CalamineWorkbook]:
        monkeypatch.setenv("PRECINCT_LANGUAGE", language)
        out = tmp_path / f"response-{language}.xlsx"
        assert main(["export", "response", "--db", db_url, "--from", "2026-11-16", "--to", "2026-11-22",
                     "--out", str(out), "--user", "neiqin"]) == 0
        return capsys.readouterr().out, CalamineWorkbook.from_path(str(out))

    said, book = export("en")
    assert ": 1-3-5 response compliance ledger, week 47 of 2026 (2026-11-16 to 2026-11-22), " in said
    assert book.sheet_names == ["Per incident", "By day", "By category", "By district", "By unit"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0].endswith(" 1-3-5 response compliance (Tiers of force (1-3-5 minutes), per incident)")
    assert rows[1][0].startswith("Period: week 47 of 2026 (2026-11-16 to 2026-11-22) "
                                 "(2026-11-16 00:00 to 2026-11-23 00:00, Beijing time)    Exported by ")
    assert rows[1][0].endswith("    Phone and ID numbers masked")
    assert rows[2][0] == "警情编号"  # the documented columns stay as they are
    by_day = book.get_sheet_by_index(1).to_python()
    assert by_day[0][0].endswith(" 1-3-5 response compliance, by day") and by_day[-1][0] == "Total"

    said, book = export("zh_CN")
    assert "：1-3-5快速反应达标台账，2026年第47周（11月16日至11月22日），" in said
    assert book.sheet_names == ["逐警情", "按日", "按类别", "按警务区", "按处警单位"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0].endswith(" 快速反应达标台账（力量梯次（1、3、5分钟），逐警情）")
    assert rows[1][0].startswith("统计期间：2026年第47周（11月16日至11月22日）（2026-11-16 00:00 至 "
                                 "2026-11-23 00:00，北京时间）    导出：")
    assert book.get_sheet_by_index(1).to_python()[-1][0] == "合计"
