"""Typing a category: code, unique name or path, and a shared name refused with its paths."""

from __future__ import annotations

import pytest

from precinct_console.domain import categories
from precinct_console.domain.categories import CATEGORIES, CategoryDef, lookup
from precinct_console.domain.errors import ValidationError

TREE = (*CATEGORIES, CategoryDef("010199", "0101", 3, "其他", "Other theft"),
        CategoryDef("0299", "02", 2, "其他", "Other order"))


@pytest.mark.parametrize(("typed", "code"), [
    ("0601", "0601"), ("家庭纠纷", "0601"), ("纠纷/家庭纠纷", "0601"), ("刑事/盗窃/入室盗窃", "010101"),
    ("刑事／盗窃／其他", "010199"), ("治安 > 其他", "0299"), ("盗窃＞其他", "010199"),
    ("0601  纠纷/家庭纠纷", "0601"), ("01/0101/其他", "010199"), ("刑事/入室盗窃", "010101"),
])
def test_a_code_a_unique_name_or_a_path_finds_the_one_category(typed, code):
    assert lookup(typed, TREE).code == code


def test_a_shared_name_is_refused_with_every_path_and_code_to_choose_from():
    with pytest.raises(ValidationError) as err:
        lookup("其他", TREE)
    assert err.value.field == "category_code"
    assert err.value.bare_message == ("'其他' is 3 categories: write the path or the code of one "
                                      "(刑事/盗窃/其他 (010199); 治安/其他 (0299); 其他 (09))")


def test_search_lists_what_a_path_typed_part_way_names():
    assert [c.code for c in categories.search("治安/其", TREE)] == ["0299"]
    assert [c.code for c in categories.search("盗窃/其他", TREE)] == ["010199"]
