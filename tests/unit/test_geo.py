"""GeoJSON validation: every kind of broken input is named by feature, code and property."""

from __future__ import annotations

import copy
import math

import pytest

from precinct_console.domain import geo, geo_validation
from precinct_console.domain import geo_synthetic as syn
from precinct_console.domain.errors import ValidationErrors


def _problems(fc, **kw) -> list[str]:
    with pytest.raises(ValidationErrors) as err:
        geo_validation.parse_features(fc, **kw)
    return [str(p) for p in err.value.problems]


def _grid(fc, code):
    return next(f for f in fc["features"] if f["properties"]["code"] == code)


def test_a_clean_jurisdiction_parses_with_areas_and_levels():
    parsed = geo_validation.parse_features(syn.jurisdiction())
    assert [sum(1 for g in parsed.grids if g.level == lv) for lv in (1, 2, 3)] == [4, 16, 64]
    micro = next(g for g in parsed.grids if g.code == "D01-S01-M01")
    # 4000 x 3200 m split 2x2, 2x2, 2x2: micro grids are 500 x 400 m.
    assert micro.area_m2 == pytest.approx(200_000, rel=1e-3)
    assert micro.parent_code == "D01-S01"
    assert {p.role for p in micro.people} == {"community_officer", "auxiliary", "grid_leader"}


def test_unclosed_ring_is_named_with_its_ends():
    fc = syn.jurisdiction()
    ring = _grid(fc, "D01-S01-M01")["geometry"]["coordinates"][0]
    ring.pop()
    problems = _problems(fc)
    assert len(problems) == 1
    assert problems[0].startswith("feature ")
    assert "(D01-S01-M01), property 'geometry': outer ring is not closed" in problems[0]


def test_self_intersecting_outline_is_refused_with_the_crossing_point():
    fc = syn.jurisdiction()
    ring = _grid(fc, "D02")["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]  # a bow tie
    problems = _problems(fc)
    assert any("(D02), property 'geometry'" in p and "crosses itself" in p for p in problems)


def test_projected_metres_and_impossible_coordinates_are_explained():
    fc = syn.jurisdiction()
    _grid(fc, "D01-S01-M02")["geometry"]["coordinates"][0][0] = [500123.0, 4417000.0]
    _grid(fc, "D01-S01-M03")["geometry"]["coordinates"][0][1] = [116.4, math.nan]
    _grid(fc, "D01-S01-M04")["geometry"]["coordinates"][0][1] = ["116.4", 39.9]
    problems = " | ".join(_problems(fc))
    assert "(D01-S01-M02)" in problems and "projected metres" in problems
    assert "(D01-S01-M03)" in problems and "finite" in problems
    assert "(D01-S01-M04)" in problems and "must be numbers" in problems


def test_micro_grid_outside_its_parent_is_refused():
    fc = syn.jurisdiction()
    micro = _grid(fc, "D01-S01-M01")
    micro["properties"]["parent"] = "D01-S02"  # a small grid it does not lie in
    problems = _problems(fc)
    assert any("(D01-S01-M01), property 'geometry'" in p and "outside its parent 'D01-S02'" in p
               for p in problems)


def test_overlapping_siblings_are_refused_but_digitising_noise_is_not():
    fc = syn.jurisdiction()
    ring = _grid(fc, "D01-S01-M01")["geometry"]["coordinates"][0]
    # Pushing the east edge 1 mm over the neighbour is noise; 50 m is an overlap.
    east = max(p[0] for p in ring)
    noise = copy.deepcopy(fc)
    for p in _grid(noise, "D01-S01-M01")["geometry"]["coordinates"][0]:
        if p[0] == east:
            p[0] += 1e-8
    geo_validation.parse_features(noise)
    for p in ring:
        if p[0] == east:
            p[0] += 50 / 85_000  # ~50 m of longitude at 39.9°N
    problems = _problems(fc)
    assert any("overlaps micro grid 'D01-S01-M02'" in p for p in problems), problems


def test_duplicate_codes_missing_properties_and_bad_parents_are_all_listed_at_once():
    fc = syn.jurisdiction()
    feats = fc["features"]
    feats[5]["properties"]["code"] = feats[4]["properties"]["code"]
    del feats[1]["properties"]["name"]
    _grid(fc, "D03")["properties"]["level"] = "huge"
    _grid(fc, "D04-S01")["properties"]["parent"] = "D99"
    _grid(fc, "D04-S02-M01")["properties"]["parent"] = "D04"  # a district, not a small grid
    del _grid(fc, "D04-S03")["properties"]["parent"]
    problems = _problems(fc)
    text = "\n".join(problems)
    assert "property 'code': the code is used twice in this file (also by feature 5)" in text
    assert "feature 2" in text and "property 'name': is required" in text
    assert "(D03), property 'level': 'huge' is not a level" in text
    assert "(D04-S01), property 'parent': no grid with code 'D99'" in text
    assert "(D04-S02-M01), property 'parent': the parent 'D04' is a district" in text
    assert "(D04-S03), property 'parent': a small grid needs the code of its parent district" in text


def test_key_sites_and_posts_are_checked():
    fc = geo.feature_collection(syn.key_sites_and_posts())
    parsed = geo_validation.parse_features(fc)
    assert [s.code for s in parsed.sites] == ["K01", "K02", "K03", "K04"]
    assert [p.kind for p in parsed.posts] == ["post", "police_room"]
    fc["features"][0]["properties"]["target_minutes"] = 0
    del fc["features"][1]["properties"]["kind"]
    fc["features"][2]["geometry"] = {"type": "Polygon", "coordinates": []}
    fc["features"][4]["properties"]["kind"] = "kiosk"
    text = "\n".join(_problems(fc))
    assert "(K01), property 'target_minutes': 0 is not a whole number of minutes" in text
    assert "(K02), property 'kind': is required" in text
    assert "(K03), property 'geometry': must be a Point" in text
    assert "(P01), property 'kind': 'kiosk' is not one of post, police_room" in text


def test_a_partial_file_is_checked_against_the_stored_grids():
    full = geo_validation.parse_features(syn.jurisdiction())
    stored = [geo.StoredArea(g.code, g.level, g.parent_code, g.geometry) for g in full.grids
              if g.level < 3]
    micro_only = syn.jurisdiction()
    micro_only["features"] = [f for f in micro_only["features"] if f["properties"]["level"] == 3]
    assert len(geo_validation.parse_features(micro_only, stored_grids=stored).grids) == 64
    with pytest.raises(ValidationErrors, match="no grid with code 'D01-S01'"):
        geo_validation.parse_features(micro_only, stored_grids=[s for s in stored if s.code != "D01-S01"])


def test_patrol_zones_of_one_parent_must_not_overlap_but_key_zones_may():
    ring_a = syn._lonlat_ring(0, 0, 1000, 1000)
    ring_b = syn._lonlat_ring(500, 0, 1500, 1000)
    zones = geo.feature_collection([
        geo.feature({"type": "Polygon", "coordinates": [ring_a]},
                    {"layer": "patrol_zone", "code": "Z1", "name": "一号巡区"}),
        geo.feature({"type": "Polygon", "coordinates": [ring_b]},
                    {"layer": "patrol_zone", "code": "KZ1", "name": "夜市", "kind": "key_zone"}),
    ])
    assert len(geo_validation.parse_features(zones).zones) == 2
    zones["features"][1]["properties"].update(kind="patrol", code="Z2")
    assert any("(Z2), property 'geometry': overlaps patrol zone 'Z1'" in p or
               "(Z1), property 'geometry': overlaps patrol zone 'Z2'" in p for p in _problems(zones))


def test_not_a_feature_collection():
    assert _problems({"type": "Feature"}) == ["the file is not a GeoJSON FeatureCollection"]
    assert _problems({"type": "FeatureCollection", "features": []}) == [
        "the FeatureCollection has no features"]


def test_chinese_property_names_and_level_words_are_read():
    fc = syn.jurisdiction(with_people=False)
    for f in fc["features"]:
        p = f["properties"]
        f["properties"] = {"编码": p["code"], "名称": p["name"],
                           "层级": {1: "警务区", 2: "小网格", 3: "微网格"}[p["level"]],
                           **({"上级": p["parent"]} if "parent" in p else {})}
    parsed = geo_validation.parse_features(fc)
    assert len(parsed.grids) == 84 and {g.level for g in parsed.grids} == {1, 2, 3}


def test_area_and_projection_round_trip():
    ring = syn._lonlat_ring(0, 0, 1000, 2000)
    assert geo.area_m2({"type": "Polygon", "coordinates": [ring]}) == pytest.approx(2_000_000, rel=1e-3)
    lon, lat = geo.unproject_xy(1000.0, 2000.0, *syn.ORIGIN)
    from precinct_console.domain.travel import local_xy
    x, y = local_xy(lon, lat, *syn.ORIGIN)
    assert float(x) == pytest.approx(1000.0) and float(y) == pytest.approx(2000.0)


def test_a_broken_replacement_is_not_checked_against_the_shape_it_replaces():
    stored = [geo.StoredArea(g.code, g.level, g.parent_code, g.geometry)
              for g in geo_validation.parse_features(syn.jurisdiction()).grids]
    recut = syn.jurisdiction(micro=(3, 3))
    _grid(recut, "D01-S01-M03")["geometry"]["coordinates"][0].pop()
    problems = _problems(recut, stored_grids=stored)
    assert len(problems) == 1 and "(D01-S01-M03)" in problems[0] and "not closed" in problems[0]


def test_reach_coverage_counts_targets_inside_any_units_radius():
    tx, ty = [0, 100, 300, 1000], [0, 0, 0, 0]
    assert geo.reach_coverage(tx, ty, [0], [0], [150]) == 0.5
    assert geo.reach_coverage(tx, ty, [0, 1000], [0, 0], [350, 10]) == 1.0
    assert geo.reach_coverage(tx, ty, [], [], []) == 0.0


def test_points_closer_than_a_marker_are_grouped_in_a_chain_and_in_order():
    # Two units at the station (one 5 m off), one at a post 300 m away, one 12 m beyond the second
    # station unit: a chain of near points is one place.
    x = [0.0, 300.0, 5.0, 16.0, 1000.0]
    y = [0.0, 0.0, 0.0, 0.0, 1000.0]
    assert geo.co_located(x, y) == [[0, 2, 3], [1], [4]]
    assert geo.co_located(x, y, within_m=1.0) == [[0], [1], [2], [3], [4]]
    assert geo.co_located([], []) == []


def test_a_point_written_without_its_layer_is_told_why_it_was_read_as_a_key_site():
    """A new station's 警务站 with no kind, or its 必巡点 with a window but no layer, was told only
    'kind: is required (school, hospital…)', not that it was taken for a key site."""
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "P03", "name": "北关警务站"},
         "geometry": {"type": "Point", "coordinates": [116.395, 39.897]}},
        {"type": "Feature", "properties": {"layer": "key_site", "code": "K09", "name": "菜市场"},
         "geometry": {"type": "Point", "coordinates": [116.397, 39.893]}}]}
    text = "\n".join(_problems(fc))
    assert ("(P03), property 'kind': is required: a point with no layer and no kind is read as a "
            "key site") in text and "a post has kind post or police_room" in text
    # Named a key site, it is one: the plain message.
    assert "(K09), property 'kind': is required (school, hospital" in text
