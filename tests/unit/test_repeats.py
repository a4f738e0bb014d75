"""一人多警 / 一地多警 / 一事多警: same caller, place or matter within configurable windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from precinct_console.domain.errors import ValidationError
from precinct_console.domain.repeats import (
    CallFacts,
    RepeatRules,
    find_repeats,
    normalise_address,
    normalise_phone,
    text_similarity,
)

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def call(hours_ago: float = 0, **kw) -> CallFacts:
    base = {"received_at": T0 - timedelta(hours=hours_ago), "category_code": "0601"}
    return CallFacts(**{**base, **kw})


def test_phone_and_address_normalisation():
    assert normalise_phone("+86 138-0013-8000") == "13800138000"
    assert normalise_phone("0086 13800138000") == "13800138000"
    assert normalise_phone("010-6512 3456") == "01065123456"
    assert normalise_address("城关路 12 号（东门）附近") == normalise_address("城关路12号东门")
    assert normalise_address("ＡＢＣ小区３栋") == "abc小区3栋"


def test_same_caller_within_the_window_is_a_repeat_and_outside_it_is_not():
    new = call(caller_phone="13800138000", category_code="0705", address="别处")
    hits = find_repeats(new, [call(3, id=1, caller_phone="+86 13800138000"),
                              call(30, id=2, caller_phone="13800138000")])
    assert [(h.incident_id, set(h.kinds)) for h in hits.hits] == [(1, {"caller"})]
    assert hits.caller and not hits.place


def test_same_place_by_distance_or_by_address():
    new = call(lon=116.4000, lat=39.9000, address="城关路12号", category_code="0207")
    near = call(2, id=1, lon=116.4005, lat=39.9002, address="另一个写法")  # ~47 m
    far = call(2, id=2, lon=116.4100, lat=39.9000, address="东大街")
    same_text = call(2, id=3, address="城关路12号门口")
    hits = {h.incident_id: h for h in find_repeats(new, [near, far, same_text]).hits}
    assert set(hits) == {1, 3}
    assert hits[1].distance_m == pytest.approx(47, abs=5)


def test_same_matter_needs_the_same_category_and_the_same_place_or_similar_text():
    new = call(content="楼上邻居装修噪音很大", category_code="0602", address="幸福小区5栋")
    similar = call(10, id=1, content="楼上装修噪音太大", category_code="0602", address="别的地址")
    other_kind = call(10, id=2, content="楼上装修噪音太大", category_code="0705", address="别的地址")
    hits = {h.incident_id: h.kinds for h in find_repeats(new, [similar, other_kind]).hits}
    assert hits == {1: frozenset({"matter"})}
    assert text_similarity("楼上邻居装修噪音很大", "楼上装修噪音太大") >= 0.5


def test_windows_are_configurable():
    rules = RepeatRules(caller_window_h=1)
    new = call(caller_phone="13800138000", category_code="0705", address="a")
    assert not find_repeats(new, [call(2, id=1, caller_phone="13800138000", address="b")], rules).hits


def test_later_incidents_never_make_an_earlier_one_a_repeat():
    new = call(5, caller_phone="13800138000")
    assert not find_repeats(new, [call(1, id=9, caller_phone="13800138000")]).hits


def test_bad_rules_name_the_field():
    with pytest.raises(ValidationError) as err:
        RepeatRules.from_dict({"place_radius_m": -3})
    assert err.value.field == "place_radius_m"
