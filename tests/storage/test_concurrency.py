"""Optimistic concurrency: two seats editing one record never silently overwrite each other."""

from __future__ import annotations

import pytest

from precinct_console.domain.errors import ConflictError
from precinct_console.domain.permissions import Role
from precinct_console.storage.models import Officer


def _officer(ctx) -> tuple[int, int]:
    with ctx.uow() as uow:
        o = uow.add("officer.add", "officer", Officer(station_id=ctx.station_id, badge="A1", name="甲"))
        uow.commit()
        return o.id, o.version


def test_stale_version_is_refused_naming_who_changed_what(db, make_ctx):
    chief = make_ctx(Role.STATION_CHIEF, "chief.wang")
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    officer_id, version = _officer(chief)
    # Both seats loaded version 1; the chief saves first.
    with chief.uow() as uow:
        uow.update("officer.edit", "officer", uow.get(Officer, officer_id, expected_version=version),
                   phone="13800000000")
        uow.commit()
    with pytest.raises(ConflictError) as err, duty.uow() as uow:
        uow.update("officer.edit", "officer", uow.get(Officer, officer_id, expected_version=version),
                   rank="一级警司")
        uow.commit()
    message = str(err.value)
    assert "chief.wang" in message and "seat-1" in message and "phone" in message
    assert message.startswith("officer 甲 was changed by")  # named as people know it, not by id
    # The form comes back with what was typed and OK saves over the change named
    # (ui/forms.try_again_over): the officer is told to do that, not to reload.
    assert message.endswith("your change was not saved: look at that change, then do yours again "
                            "to put it over it") and "reload" not in message
    with db.sessions() as s:
        row = s.get(Officer, officer_id)
        assert row.phone == "13800000000" and row.rank == ""  # nothing of the second write landed


def test_race_between_load_and_write_is_caught_by_the_version_column(db, make_ctx):
    """Both seats pass the version check, then write: the later flush must fail, not overwrite."""
    chief = make_ctx(Role.STATION_CHIEF, "chief.wang")
    duty = make_ctx(Role.DUTY_OFFICER, "duty.li")
    officer_id, version = _officer(chief)
    first = chief.uow().__enter__()
    second = duty.uow().__enter__() if not db.is_sqlite else None
    try:
        a = first.get(Officer, officer_id, expected_version=version)
        first.update("officer.edit", "officer", a, phone="1")
        if second is None:
            # SQLite serialises writers (BEGIN IMMEDIATE), so the second seat waits and then
            # sees the new version: the explicit check catches it.
            first.commit()
            with pytest.raises(ConflictError, match="chief.wang"), duty.uow() as uow:
                uow.get(Officer, officer_id, expected_version=version)
            return
        b = second.get(Officer, officer_id, expected_version=version)
        first.commit()
        with pytest.raises(ConflictError, match="chief.wang"):
            second.update("officer.edit", "officer", b, phone="2")
            second.commit()
    finally:
        first.__exit__(None, None, None)
        if second is not None:
            second.__exit__(None, None, None)
    with db.sessions() as s:
        assert s.get(Officer, officer_id).phone == "1"


def _two_seats(make_ctx):
    import dataclasses

    chief = make_ctx(Role.STATION_CHIEF, "chief.wang")
    other = make_ctx(Role.STATION_CHIEF, "chief.zhao")
    return chief, dataclasses.replace(other, actor=dataclasses.replace(other.actor, workstation="seat-2"))


def test_a_leave_or_shift_removed_at_another_seat_is_named_with_who_removed_it(make_ctx, clock):
    """Two chiefs cancel the same leave, or one changes a shift the other took off the roster:
    the second hears who removed it and when, named by officer and days, not 'OfficerAbsence 2
    does not exist'."""
    from datetime import datetime, timedelta

    from precinct_console.domain.clock import CHINA_TZ, local
    from precinct_console.i18n.catalogue import error_text
    from precinct_console.services import roster

    first, second = _two_seats(make_ctx)
    zhang = roster.add_officer(first, "031001", "张伟")
    start = datetime(2026, 11, 23, 8, 30, tzinfo=CHINA_TZ)
    leave = roster.add_absence(first, zhang.id, "leave", start, start + timedelta(days=2))
    roster.remove_absence(first, leave.id, leave.version)
    at = local(clock()).strftime("%H:%M:%S")
    with pytest.raises(ConflictError) as err:
        roster.remove_absence(second, leave.id, leave.version)
    assert str(err.value) == (f"officer_absence 张伟·11-23–11-25 was removed by chief.wang at seat-1 "
                              f"({at}); your change was not saved")
    assert error_text(err.value, "zh_CN") == (f"休假/培训 张伟·11-23–11-25 已被 chief.wang 在席位 seat-1 "
                                              f"删除（{at}）；您的修改未保存")

    shift = roster.add_shift(first, "白班", start, start + timedelta(hours=8))
    entry = roster.assign(first, shift.id, zhang.id)
    changed = roster.update_entry(first, entry.id, entry.version, note="带班")
    with pytest.raises(ConflictError) as err:  # changed meanwhile: named the same way
        roster.update_entry(second, entry.id, entry.version, duty="desk")
    assert str(err.value).startswith("roster_entry 张伟·11-23·白班 was changed by chief.wang at seat-1")
    roster.remove_entry(first, changed.id, changed.version)
    for attempt in (lambda: roster.update_entry(second, entry.id, changed.version, duty="desk"),
                    lambda: roster.remove_entry(second, entry.id, changed.version)):
        with pytest.raises(ConflictError) as err:
            attempt()
        assert error_text(err.value, "zh_CN") == (f"排班 张伟·11-23·白班 已被 chief.wang 在席位 seat-1 "
                                                  f"删除（{at}）；您的修改未保存")


def _at_once(db, monkeypatch, module, name):
    """Two seats through the same action at the same moment: each pauses (up to a second) right
    after `name` has read what is there, so both read before either writes unless they take turns."""
    import threading

    if db.is_sqlite:
        pytest.skip("SQLite lets one seat write at a time already")
    meet = threading.Barrier(2)
    original = getattr(module, name)

    def read_then_pause(*args, **kwargs):
        result = original(*args, **kwargs)
        try:
            meet.wait(timeout=1.0)
        except threading.BrokenBarrierError:  # the other seat waits its turn: go on alone
            pass
        return result

    monkeypatch.setattr(module, name, read_then_pause)

    def run(*actions):
        results: list[object] = [None] * len(actions)

        def one(i, action):
            try:
                results[i] = action()
            except Exception as exc:  # the refusal the seat would show
                results[i] = exc

        threads = [threading.Thread(target=one, args=(i, a)) for i, a in enumerate(actions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        return results

    return run


def test_two_seats_copying_one_week_at_once_copy_it_once(db, make_ctx, monkeypatch):
    from datetime import date, datetime, timedelta

    import sqlalchemy as sa

    from precinct_console.domain.clock import CHINA_TZ
    from precinct_console.services import roster
    from precinct_console.storage.models import RosterEntry, Shift

    first, second = _two_seats(make_ctx)
    monday = date(2026, 11, 16)
    zhang = roster.add_officer(first, "031001", "张伟")
    for day in range(3):
        start = datetime(2026, 11, 16 + day, 8, 30, tzinfo=CHINA_TZ)
        shift = roster.add_shift(first, "白班", start, start + timedelta(hours=8))
        roster.assign(first, shift.id, zhang.id)
    run = _at_once(db, monkeypatch, roster, "_check_rotation")
    copies = run(lambda: roster.copy_week(first, monday, monday + timedelta(days=7)),
                 lambda: roster.copy_week(second, monday, monday + timedelta(days=7)))
    assert sorted(len(c.made) for c in copies) == [0, 3]  # the later copy found the week done
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(Shift.id))) == 6
        assert s.scalar(sa.select(sa.func.count(RosterEntry.id))) == 6


def test_two_seats_planning_one_pattern_at_once_plan_each_shift_once(db, make_ctx, monkeypatch):
    from datetime import date

    import sqlalchemy as sa

    from precinct_console.services import roster
    from precinct_console.storage.models import Shift

    first, second = _two_seats(make_ctx)
    pattern = roster.add_pattern(first, "24小时值班", "duty_24h", {"teams": ["一组", "二组"]})
    run = _at_once(db, monkeypatch, roster, "_put_teams_on")
    made = run(*(lambda seat=seat: roster.make_shifts(seat, pattern, date(2026, 11, 16),
                                                      date(2026, 11, 22), with_teams=True)
                 for seat in (first, second)))
    assert sorted(len(m) for m in made) == [0, 7]
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(Shift.id))) == 7


def test_leave_for_one_officer_typed_at_two_seats_at_once_is_recorded_once(db, make_ctx, monkeypatch):
    from datetime import datetime, timedelta

    from precinct_console.domain.clock import CHINA_TZ
    from precinct_console.domain.errors import ValidationError
    from precinct_console.services import roster

    first, second = _two_seats(make_ctx)
    zhang = roster.add_officer(first, "031001", "张伟")
    day = datetime(2026, 12, 8, tzinfo=CHINA_TZ)
    run = _at_once(db, monkeypatch, roster, "_refuse_overlap")
    results = run(lambda: roster.add_absence(first, zhang.id, "leave", day, day + timedelta(days=2)),
                  lambda: roster.add_absence(second, zhang.id, "training", day + timedelta(days=1),
                                             day + timedelta(days=3)))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "张伟 is already" in str(refused[0])
    assert len(roster.roster_view(first, day.date(), day.date() + timedelta(days=3)).absences) == 1


def test_one_officer_put_on_one_shift_at_two_seats_at_once_is_refused_in_words(db, make_ctx, monkeypatch):
    from datetime import datetime, timedelta

    from precinct_console.domain.clock import CHINA_TZ
    from precinct_console.domain.errors import ValidationError
    from precinct_console.services import roster

    first, second = _two_seats(make_ctx)
    zhang = roster.add_officer(first, "031001", "张伟")
    start = datetime(2026, 11, 16, 8, 30, tzinfo=CHINA_TZ)
    shift = roster.add_shift(first, "白班", start, start + timedelta(hours=8))
    run = _at_once(db, monkeypatch, roster, "_check_entry_refs")
    results = run(lambda: roster.assign(first, shift.id, zhang.id),
                  lambda: roster.assign(second, shift.id, zhang.id, duty="desk"))
    refused = [r for r in results if not isinstance(r, roster.EntryInfo)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)  # not a database error
    assert str(refused[0]) == "field 'officer': 张伟 is already on this shift"


def test_one_new_badge_or_call_sign_added_at_two_seats_at_once_is_refused_in_words(db, make_ctx, monkeypatch):
    """Both seats find badge 031001 free, both insert it: the second met an IntegrityError from
    the driver where a badge already on the roll is refused in words; now it is the same words."""
    from precinct_console.domain.errors import ValidationError
    from precinct_console.services import roster, unit_roll
    from precinct_console.storage.uow import UnitOfWork

    first, second = _two_seats(make_ctx)
    run = _at_once(db, monkeypatch, UnitOfWork, "add")  # both have checked before either inserts
    results = run(lambda: roster.add_officer(first, "031001", "张伟"),
                  lambda: roster.add_officer(second, "031001", "张伟"))
    refused = [r for r in results if not isinstance(r, roster.OfficerInfo)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), results
    assert str(refused[0]) == "field 'badge': badge 031001 is already on this station's roll"
    results = run(lambda: unit_roll.add_unit(first, "巡逻一车", "car", 116.39, 39.90),
                  lambda: unit_roll.add_unit(second, "巡逻一车", "car", 116.41, 39.90))
    refused = [r for r in results if not isinstance(r, int)]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), results
    assert str(refused[0]) == "field 'call_sign': call sign 巡逻一车 is taken"


@pytest.mark.parametrize("what", ["officer", "unit", "rename"])
def test_a_badge_or_call_sign_saved_between_the_check_and_the_write_is_refused_in_words(
        db, make_ctx, monkeypatch, what):
    """The row another seat saved after this seat's check (on SQLite a seat writes alone, so the
    competing row goes in within the same transaction): the unique constraint's error, from
    either driver, becomes the check's own refusal, and nothing of the write is left."""
    import sqlalchemy as sa

    from precinct_console.domain.errors import ValidationError
    from precinct_console.services import roster, unit_roll
    from precinct_console.storage.models import Unit
    from precinct_console.storage.uow import UnitOfWork

    chief = make_ctx(Role.STATION_CHIEF, "chief.wang")
    car = unit_roll.add_unit(chief, "巡逻一车", "car", 116.39, 39.90)
    version = unit_roll.list_unit_roll(chief)[0].version
    add, update = UnitOfWork.add, UnitOfWork.update

    def meanwhile(uow: UnitOfWork) -> None:
        if what == "officer":
            uow.session.execute(sa.insert(Officer).values(station_id=chief.station_id, badge="031001",
                                                          name="张伟", version=1))
        else:
            uow.session.execute(sa.insert(Unit).values(
                station_id=chief.station_id, call_sign="巡逻二车", kind="car", seats=2,
                home_lon=116.4, home_lat=39.9, status="available", version=1))

    def add_after(self, *args, **kwargs):
        meanwhile(self)
        return add(self, *args, **kwargs)

    def update_after(self, *args, **kwargs):
        meanwhile(self)
        return update(self, *args, **kwargs)

    monkeypatch.setattr(UnitOfWork, "add", add_after)
    monkeypatch.setattr(UnitOfWork, "update", update_after)
    attempt, message = {
        "officer": (lambda: roster.add_officer(chief, "031001", "张伟"),
                    "field 'badge': badge 031001 is already on this station's roll"),
        "unit": (lambda: unit_roll.add_unit(chief, "巡逻二车", "car", 116.39, 39.90),
                 "field 'call_sign': call sign 巡逻二车 is taken"),
        "rename": (lambda: unit_roll.update_unit(chief, car, version, call_sign="巡逻二车",
                                                 kind="car", seats=2, post_id=None),
                   "field 'call_sign': call sign 巡逻二车 is taken"),
    }[what]
    with pytest.raises(ValidationError) as err:
        attempt()
    assert str(err.value) == message
    with db.sessions() as s:
        assert s.scalar(sa.select(sa.func.count(Officer.id))) == 0
        assert list(s.scalars(sa.select(Unit.call_sign))) == ["巡逻一车"]
