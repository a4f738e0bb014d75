"""Saved board views and past-address completion: the services behind the board's filter bar."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import NotFound, ValidationError
from precinct_console.services import views
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.storage.models import AuditEntry, SavedView


def test_views_are_per_user_replaced_by_name_and_audited(db, make_ctx):
    zhou, li = make_ctx("duty_officer", "zhou"), make_ctx("duty_officer", "li")
    v = views.save_view(zhou, "board", "夜班", {"statuses": ["received"], "text": ""})
    views.save_view(zhou, "board", "夜班", {"statuses": [], "text": "夜市"})  # same name: replaced
    views.save_view(li, "board", "夜班", {"text": "学校"})
    mine = views.list_views(zhou, "board")
    assert [(x.id, x.name, x.definition["text"]) for x in mine] == [(v.id, "夜班", "夜市")]
    assert [x.definition["text"] for x in views.list_views(li, "board")] == ["学校"]
    with pytest.raises(NotFound):
        views.delete_view(li, v.id)  # someone else's view
    views.delete_view(zhou, v.id)
    assert views.list_views(zhou, "board") == []
    with db.sessions() as s:
        actions = [a for (a,) in s.execute(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "saved_view", AuditEntry.username == "zhou"))]
    assert actions == ["view.save", "view.save", "view.delete"]


def test_a_bad_view_names_the_field_and_writes_nothing(db, make_ctx):
    ctx = make_ctx("duty_officer")
    with pytest.raises(ValidationError, match="field 'name'"):
        views.save_view(ctx, "board", "  ", {})
    with pytest.raises(ValidationError, match="field 'definition'"):
        views.save_view(ctx, "board", "x", ["not", "a", "dict"])  # type: ignore[arg-type]
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(SavedView.id))) == 0


def test_past_addresses_complete_most_used_first_with_their_location(db, make_ctx):
    ctx = make_ctx("duty_officer")
    for addr, lon in (("幸福小区3栋", 116.401), ("幸福小区3栋", 116.402), ("幸福路口", 116.41),
                      ("解放路12号", 116.42)):
        intake_incident(ctx, IncidentDraft(channel="110", category_code="0602", address=addr,
                                           lon=lon, lat=39.9))
    found = views.address_suggestions(ctx, "幸福")
    assert [(p.address, p.times) for p in found] == [("幸福小区3栋", 2), ("幸福路口", 1)]
    assert found[0].lon == pytest.approx(116.402)  # where it was located last time
    assert views.address_suggestions(ctx, "幸") == []  # one character is too little to ask
    assert views.address_suggestions(ctx, "100%") == []  # LIKE wildcards are taken literally
