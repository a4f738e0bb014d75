"""A station's own category tree: a name two parents share is typed by its path or code."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import ValidationError
from precinct_console.domain.permissions import Role
from precinct_console.services import incidents as inc
from precinct_console.services.incidents.ledger_file import intake_from_json
from precinct_console.storage.models import Category, Incident

HEADER = ["报警时间", "报警方式", "发案地址", "警情类别"]


@pytest.fixture
def custom_tree(db):
    """其他 under 盗窃 and under 治安, beside the shipped top-level 其他 (09)."""
    with db.sessions() as s, s.begin():
        s.add(Category(code="010199", parent_code="0101", level=3, name_zh="其他",
                       name_en="Other theft", default_priority=2))
        s.add(Category(code="0299", parent_code="02", level=2, name_zh="其他",
                       name_en="Other public order", default_priority=3))
    return db


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _codes(db) -> list[str]:
    with db.sessions() as s:
        return list(s.scalars(sa.select(Incident.category_code).order_by(Incident.id)))


def test_a_shared_name_imports_by_its_path_with_any_separator_or_by_its_code(custom_tree, make_ctx,
                                                                              tmp_path):
    rows = [[f"2026-11-01 0{i}:00", "110", f"东大街{i}号", category] for i, category in enumerate(
        ["刑事/盗窃/其他", "治安／其他", "治安 > 其他", "盗窃＞其他", "0299", "入室盗窃", "刑事/入室盗窃"])]
    result, _ = inc.import_ledger_file(make_ctx(Role.CLERK), write_csv(tmp_path / "l.csv", HEADER, rows))
    assert result.count == 7
    assert _codes(custom_tree) == ["010199", "0299", "0299", "010199", "0299", "010101", "010101"]


def test_a_ledger_splitting_the_levels_tells_a_shared_name_apart_by_the_levels_above(
        custom_tree, make_ctx, tmp_path):
    header = ["报警时间", "报警方式", "发案地址", "警情类别", "警情类型", "警情细类"]
    rows = [["2026-11-01 09:00", "110", "东大街1号", "刑事", "盗窃", "其他"],
            ["2026-11-01 09:10", "110", "东大街2号", "治安", "其他", ""],
            ["2026-11-01 09:20", "110", "东大街3号", "纠纷", "", "家庭暴力"]]
    inc.import_ledger_file(make_ctx(Role.CLERK), write_csv(tmp_path / "l.csv", header, rows))
    assert _codes(custom_tree) == ["010199", "0299", "060101"]


def test_an_ambiguous_name_names_row_column_and_the_paths_to_choose_and_imports_nothing(
        custom_tree, make_ctx, tmp_path):
    rows = [["2026-11-01 09:00", "110", "东大街1号", "入室盗窃"],
            ["2026-11-01 09:10", "110", "东大街2号", "其他"]]
    with pytest.raises(ValidationError) as err:
        inc.import_ledger_file(make_ctx(Role.CLERK), write_csv(tmp_path / "l.csv", HEADER, rows))
    assert err.value.row == 3 and err.value.field == "警情类别"
    text = str(err.value)
    assert text.startswith("row 3, field '警情类别': '其他' is 3 categories")
    for candidate in ("刑事/盗窃/其他 (010199)", "治安/其他 (0299)", "其他 (09)"):
        assert candidate in text
    assert _codes(custom_tree) == []


def test_a_path_under_the_wrong_parent_says_where_the_name_is(custom_tree, make_ctx, tmp_path):
    rows = [["2026-11-01 09:00", "110", "东大街1号", "交通/其他"]]
    with pytest.raises(ValidationError) as err:
        inc.import_ledger_file(make_ctx(Role.CLERK), write_csv(tmp_path / "l.csv", HEADER, rows))
    assert "'交通/其他' is not a category path; '其他' is 刑事/盗窃/其他 (010199); 治安/其他 (0299)" in str(err.value)


def test_incident_add_takes_the_path_and_refuses_the_bare_shared_name(custom_tree, make_ctx):
    duty = make_ctx(Role.DUTY_OFFICER)
    view, _linked = intake_from_json(duty, '{"报警方式": "110", "警情类别": "治安/其他", "发案地址": "东大街1号"}')
    assert view.category_code == "0299" and view.category_name == "治安/其他"
    with pytest.raises(ValidationError) as err:
        intake_from_json(duty, '{"channel": "110", "category_code": "其他", "address": "东大街2号"}')
    assert err.value.field == "category_code" and "治安/其他 (0299)" in str(err.value)
