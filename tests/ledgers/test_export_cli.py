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
