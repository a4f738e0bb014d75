"""Automatic follow-up rules: each fires once, says why, and respects its window and threshold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from precinct_console.domain.errors import ValidationError
from precinct_console.domain.task_fields import parse_fields, validate_feedback
from precinct_console.domain.task_rules import IncidentFacts, RuleConfig, evaluate, mask_phone

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def inc(i, hours_ago, code="0207", phone="", address="", grid=1, closed=None, revisit=False):
    return IncidentFacts(i, f"J{i:04d}", NOW - timedelta(hours=hours_ago), code, "噪声扰民",
                         phone, address, grid, closed, revisit)


def test_every_dispute_incident_fires_once_with_its_reason():
    incidents = [inc(1, 2, code="0602"), inc(2, 1, code="0207")]
    fired: set[str] = set()
    first = evaluate(incidents, RuleConfig(repeat_matter_enabled=False), NOW, fired)
    assert [(f.rule, f.incident_id) for f in first] == [("dispute_incident", 1)]
    assert "纠纷类警情 J0001" in first[0].reason
    assert evaluate(incidents, RuleConfig(repeat_matter_enabled=False), NOW, fired) == []


def test_repeat_caller_fires_at_the_threshold_within_the_window_and_masks_the_phone():
    cfg = RuleConfig(repeat_threshold=3, repeat_window_days=7, repeat_matter_enabled=False,
                     repeat_place_enabled=False)
    two = [inc(1, 100, phone="13800001111"), inc(2, 50, phone="138-0000-1111")]
    assert evaluate(two, cfg, NOW, set()) == []
    old = inc(9, 24 * 8, phone="13800001111")  # outside the 7-day window: does not count
    assert evaluate([old, *two], cfg, NOW, set()) == []
    three = [*two, inc(3, 1, phone="13800001111")]
    (f,) = evaluate(three, cfg, NOW, set())
    assert f.rule == "repeat_caller" and f.incident_id == 3 and f.incident_ids == (1, 2, 3)
    assert "138****1111" in f.reason and "13800001111" not in f.reason
    assert "7天内报警3次" in f.reason and "J0001、J0002、J0003" in f.reason
    # A fourth call joins the same follow-up instead of making another task.
    assert evaluate([*three, inc(4, 0, phone="13800001111")], cfg, NOW, {f.key}) == []


def test_repeat_place_and_matter():
    cfg = RuleConfig(repeat_caller_enabled=False, repeat_threshold=2)
    rows = [inc(1, 30, address="幸福路 12号", grid=4), inc(2, 3, address="幸福路12号", grid=4)]
    (f,) = evaluate(rows, cfg, NOW, set())  # same two incidents: one task, both reasons
    assert f.rule == "repeat_place" and f.key == "repeat_place:幸福路12号|repeat_matter:4:0207"
    assert "一地多警" in f.reason and "一事多警" in f.reason
    assert evaluate(rows, cfg, NOW, {"repeat_place:幸福路12号", "repeat_matter:4:0207"}) == []
    # A third incident at the place only in another grid: the matter group stays at two.
    more = [*rows, inc(3, 1, address="幸福路12号", grid=5)]
    (g,) = evaluate(more, cfg, NOW, {"repeat_matter:4:0207"})
    assert g.key == "repeat_place:幸福路12号" and g.incident_ids == (1, 2, 3)


def test_needs_revisit_fires_for_incidents_closed_within_the_lookback():
    cfg = RuleConfig(repeat_matter_enabled=False)
    rows = [inc(1, 10, closed=NOW - timedelta(hours=5), revisit=True),
            inc(2, 10, closed=NOW - timedelta(hours=5), revisit=False),
            inc(3, 100, closed=NOW - timedelta(hours=90), revisit=True)]
    (f,) = evaluate(rows, cfg, NOW, set())
    assert (f.rule, f.incident_id, f.key) == ("needs_revisit", 1, "needs_revisit:1")
    assert "需回访" in f.reason


def test_rule_config_names_a_bad_setting():
    with pytest.raises(ValidationError, match="field 'repeat_threshold'"):
        RuleConfig.from_json({"repeat_threshold": 1})
    with pytest.raises(ValidationError, match="field 'bogus'"):
        RuleConfig.from_json({"bogus": 1})
    assert RuleConfig.from_json({"repeat_window_days": "3"}).repeat_window_days == 3


def test_mask_phone():
    assert mask_phone("13800001111") == "138****1111"


FIELDS = parse_fields([
    {"key": "visited_on", "label": "走访日期", "kind": "date"},
    {"key": "result", "label": "处理结果", "kind": "choice", "choices": ["已化解", "化解中"]},
    {"key": "households", "label": "走访户数", "kind": "int", "minimum": 1},
    {"key": "met", "label": "是否见面", "kind": "bool"},
    {"key": "note", "label": "备注", "kind": "longtext", "required": False},
])


def test_feedback_fields_are_cleaned():
    out = validate_feedback(FIELDS, {"visited_on": "2026-11-20", "result": "已化解",
                                     "households": " 12 ", "met": "是"})
    assert out == {"visited_on": "2026-11-20", "result": "已化解", "households": 12, "met": True}


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        ({"result": "已化解", "households": 1}, "visited_on", "走访日期 must be filled in"),
        ({"visited_on": "20/11/2026", "result": "已化解", "households": 1}, "visited_on", "date"),
        ({"visited_on": "2026-11-20", "result": "好了", "households": 1}, "result", "not one of"),
        ({"visited_on": "2026-11-20", "result": "已化解", "households": 0}, "households", "at least 1"),
        ({"visited_on": "2026-11-20", "result": "已化解", "households": "x"}, "households", "whole"),
        ({"visited_on": "2026-11-20", "result": "已化解", "households": 1, "oops": 1}, "oops", "not a field"),
    ],
)
def test_feedback_field_problems_name_the_field(values, field, text):
    with pytest.raises(ValidationError, match=f"field '{field}'") as err:
        validate_feedback(FIELDS, values)
    assert text in str(err.value)


def test_feedback_dates_lie_between_the_day_the_task_was_sent_and_today():
    fields = (*FIELDS, *parse_fields([{"key": "deadline", "label": "整改期限", "kind": "date",
                                       "required": False}]))
    ok = {"result": "已化解", "households": 1}
    bounds = {"sent_on": date(2026, 11, 18), "today": date(2026, 11, 20)}
    for day in ("2026-11-18", "2026-11-20"):
        assert validate_feedback(fields, {**ok, "visited_on": day}, **bounds)["visited_on"] == day
    with pytest.raises(ValidationError,
                       match=r"field 'visited_on': 走访日期 cannot be after today \(2026-11-20\)"):
        validate_feedback(fields, {**ok, "visited_on": "2026-12-20"}, **bounds)
    with pytest.raises(ValidationError, match=r"field 'visited_on': 走访日期 cannot be before the "
                                              r"task was sent \(2026-11-18\)"):
        validate_feedback(fields, {**ok, "visited_on": "1990-01-01"}, **bounds)
    # A deadline still to come is what 整改期限 means; before the task was sent it is a typo.
    later = {**ok, "visited_on": "2026-11-19", "deadline": "2026-12-31"}
    assert validate_feedback(fields, later, **bounds)["deadline"] == "2026-12-31"
    with pytest.raises(ValidationError, match="field 'deadline'"):
        validate_feedback(fields, {**later, "deadline": "2026-11-01"}, **bounds)


def test_feedback_remarks_are_held_to_the_long_text_limit():
    ok = {"visited_on": "2026-11-20", "result": "已化解", "households": 1}
    assert len(validate_feedback(FIELDS, {**ok, "summary": "情" * 4000})["summary"]) == 4000
    with pytest.raises(ValidationError, match="field 'summary': is longer than 4000 characters"):
        validate_feedback(FIELDS, {**ok, "summary": "情" * 4001})
