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
    near = call(2, id=1, lon=116.4005, lat=39.9002, address="另一个写法", category_code="0202")  # ~47 m
    far = call(2, id=2, lon=116.4100, lat=39.9000, address="东大街")
    same_text = call(2, id=3, address="城关路12号门口")
    hits = {h.incident_id: h for h in find_repeats(new, [near, far, same_text]).hits}
    assert set(hits) == {1, 3}
    assert hits[1].distance_m == pytest.approx(47, abs=5)


# About 0.001 degree of longitude at 39.9° N is 85 m.
def _east(metres: float) -> float:
    return 116.4 + metres / 85.3 * 0.001


def test_one_address_is_one_place_whatever_the_matter():
    new = call(lon=_east(0), lat=39.9, address="体育路726号嘉禾花园5号楼", category_code="0705")
    # Written alike, a theft the night before at the same door, geocoded 400 m off.
    same = call(20, id=1, lon=_east(400), lat=39.9, address="体育路726号 嘉禾花园5号楼门口",
                category_code="0101")
    assert find_repeats(new, [same]).place


def test_what_must_not_be_a_repeat_place():
    new = call(lon=_east(0), lat=39.9, address="育才路12号", category_code="0401")  # a crash
    # A burglary at the shop 60 m off: another kind of trouble, at another address.
    other_kind = call(3, id=1, lon=_east(60), lat=39.9, address="育才路18号", category_code="0101")
    # Near a landmark both, but 400 m apart in the station square: "附近" is an area, not a spot.
    square = call(lon=_east(0), lat=39.9, address="城关火车站附近", category_code="0202")
    across = call(3, id=2, lon=_east(400), lat=39.9, address="城关火车站附近", category_code="0101")
    # No address and no phone are not the same address or the same caller.
    blank = call(address="", caller_phone="", category_code="0705", content="")
    blank_before = call(2, id=3, address="", caller_phone="", category_code="0705", content="")
    assert not find_repeats(new, [other_kind]).hits
    assert not find_repeats(square, [across]).hits
    assert not find_repeats(blank, [blank_before]).hits
    # Near each other, the landmark's calls are one place again.
    assert find_repeats(square, [call(3, id=4, lon=_east(40), lat=39.9, address="城关火车站附近",
                                      category_code="0202")]).place


def test_a_call_is_no_repeat_of_itself():
    stored = call(caller_phone="13800138000", address="城关路12号", lon=_east(0), lat=39.9, id=7,
                  content="楼上邻居装修噪音很大")
    assert not find_repeats(stored, [stored]).hits


NOISE = "楼上邻居装修噪音很大，影响休息"
NOISE_AGAIN = "楼上装修噪音太大，影响休息"


def test_the_same_matter_is_told_alike_from_near_by_while_it_goes_on_or_by_the_same_caller():
    new = call(content=NOISE, category_code="0602", address="幸福小区5栋", lon=_east(0), lat=39.9,
               caller_phone="13800138000")
    # Another neighbour, 300 m off across the block, an hour before: 一事多警.
    neighbour = call(1, id=1, content=NOISE_AGAIN, category_code="0602", address="和平路3号",
                     lon=_east(300), lat=39.9)
    # The same caller two days before, from work: 一事多警 (and no 一人多警, 24 h have passed).
    caller = call(50, id=2, content=NOISE_AGAIN, category_code="0602", address="单位",
                  lon=_east(3000), lat=39.9, caller_phone="+86 138 0013 8000")
    # The same kind of matter at the same place, told otherwise: 一事多警 and 一地多警.
    here = call(30, id=3, content="又在敲墙", category_code="0602", address="幸福小区5栋")
    hits = {h.incident_id: h.kinds for h in find_repeats(new, [neighbour, caller, here]).hits}
    assert hits == {1: frozenset({"matter"}), 2: frozenset({"matter"}), 3: frozenset({"matter"})}
    assert text_similarity(NOISE, NOISE_AGAIN) >= 0.5


def test_what_must_not_be_the_same_matter():
    new = call(content=NOISE, category_code="0602", address="幸福小区5栋", lon=_east(0), lat=39.9)
    # Worded alike, as calls of one kind are, but 2 km off: another household's noise.
    across_town = call(1, id=1, content=NOISE_AGAIN, category_code="0602", address="东大街8号",
                       lon=_east(2000), lat=39.9)
    # 300 m off but a day before: not a second report of this one.
    yesterday = call(20, id=2, content=NOISE_AGAIN, category_code="0602", address="和平路3号",
                     lon=_east(300), lat=39.9)
    # Another kind of matter, worded alike.
    other_kind = call(1, id=3, content=NOISE_AGAIN, category_code="0705", address="和平路3号",
                      lon=_east(300), lat=39.9)
    assert not find_repeats(new, [across_town, yesterday, other_kind]).hits
    # Texts too short to tell one matter from another do not make one.
    fight = call(content="打架", category_code="0202", lon=_east(0), lat=39.9, address="a")
    other_fight = call(1, id=4, content="有人打架", category_code="0202", lon=_east(300), lat=39.9,
                       address="b")
    assert text_similarity("打架", "有人打架") == 0.0
    assert not find_repeats(fight, [other_fight]).hits


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


def test_the_new_distances_are_checked_and_read_from_stored_rules():
    with pytest.raises(ValidationError) as err:
        RepeatRules.from_dict({"second_report_h": -1})
    assert err.value.field == "second_report_h"
    # Rules stored before these existed read with their defaults.
    stored = RepeatRules.from_dict({"place_radius_m": 80, "text_similarity": 0.6})
    assert (stored.matter_radius_m, stored.second_report_h, stored.place_radius_m) == (500.0, 2.0, 80.0)
