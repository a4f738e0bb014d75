"""Crewing a team's units: carried over, licensed drivers in the vehicles, crews even, seats kept."""

from __future__ import annotations

from precinct_console.domain.crews import CrewMember, CrewUnit, crew_units

CAR1, CAR2, MOTO, FOOT = (CrewUnit(1, "巡01", "car", 2), CrewUnit(2, "巡02", "car", 2),
                          CrewUnit(3, "摩01", "motorbike", 1), CrewUnit(4, "步01", "foot", 2))


def _o(i: int, *licences: str, aux: bool = False) -> CrewMember:
    return CrewMember(i, licences, aux)


def test_every_vehicle_gets_a_driver_its_licence_allows_and_crews_are_even():
    # 1 and 2 drive cars, 3 also a motorbike, 4 and 5 drive nothing.
    team = [_o(1, "C1"), _o(2, "C1"), _o(3, "C1", "D"), _o(4), _o(5, aux=True)]
    c = crew_units(team, [CAR1, CAR2, MOTO, FOOT], {})
    assert c.unit_of[3] == MOTO.id  # the only motorbike rider on the motorbike
    assert {c.unit_of[1], c.unit_of[2]} == {CAR1.id, CAR2.id}
    assert c.unit_of[4] == FOOT.id
    assert c.unit_of[5] == CAR1.id  # the fifth where fewest are aboard, the earlier unit first
    assert c.no_driver == ()


def test_a_vehicle_nobody_may_drive_is_named_and_left_without_crew():
    c = crew_units([_o(1), _o(2, "C1")], [CAR1, MOTO, FOOT], {})
    assert c.unit_of == {2: CAR1.id, 1: FOOT.id}
    assert c.no_driver == ("摩01",)


def test_each_keeps_his_unit_and_a_car_whose_driver_is_away_gets_another():
    previous = {1: CAR2.id, 2: CAR2.id, 3: CAR1.id, 4: CAR1.id}
    # 1 (CAR2's driver) is away today: 3, who has a licence and a car-driving crewmate, moves.
    team = [_o(2), _o(3, "C1"), _o(4, "C1")]
    c = crew_units(team, [CAR1, CAR2], previous)
    assert c.unit_of[2] == CAR2.id and c.no_driver == ()
    assert sorted(c.unit_of.values()) == [CAR1.id, CAR2.id, CAR2.id]


def test_seats_are_kept_and_an_officer_with_no_seat_is_in_no_unit():
    c = crew_units([_o(1, "C1"), _o(2), _o(3)], [CrewUnit(1, "巡01", "car", 2)], {})
    assert c.unit_of == {1: 1, 2: 1}


def test_no_unit_goes_out_with_auxiliaries_alone():
    """Three 民警 and three 辅警, all drivers, five cars: three cars go out, each with a 民警
    aboard (the roster rules refuse a crew of 辅警 alone), not five with two of them 辅警 only."""
    cars = [CrewUnit(i, f"巡0{i}", "car", 2) for i in range(1, 6)]
    team = [_o(1, "C1"), _o(2, "C1"), _o(3, "C1"), _o(4, "C1", aux=True), _o(5, "C1", aux=True),
            _o(6, "C1", aux=True)]
    c = crew_units(team, cars, {})
    crews: dict[int, list[int]] = {}
    for officer, unit in c.unit_of.items():
        crews.setdefault(unit, []).append(officer)
    assert len(crews) == 3 and len(c.unit_of) == 6
    assert all(any(o <= 3 for o in members) for members in crews.values())


def test_a_carried_crew_whose_police_officer_is_away_is_not_sent_out_with_auxiliaries_alone():
    # 巡01 was 1 and 4, 巡02 was 2, 3 and 5. Today 1 is away: 巡01 would be the 辅警 4 alone.
    previous = {1: CAR1.id, 4: CAR1.id, 2: CAR2.id, 3: CAR2.id, 5: CAR2.id}
    c = crew_units([_o(2, "C1"), _o(3, "C1"), _o(4, "C1", aux=True), _o(5, aux=True)],
                   [CrewUnit(1, "巡01", "car", 3), CrewUnit(2, "巡02", "car", 3)], previous)
    # 巡02 keeps two 民警, so it lends one to 巡01.
    assert {c.unit_of[2], c.unit_of[3]} == {CAR1.id, CAR2.id} and c.unit_of[4] == CAR1.id
    # With no 民警 to spare, the 辅警 joins a crew that has one instead.
    c = crew_units([_o(2, "C1"), _o(4, "C1", aux=True)], [CAR1, CAR2], {1: CAR1.id, 4: CAR1.id,
                                                                        2: CAR2.id})
    assert c.unit_of == {2: CAR2.id, 4: CAR2.id}


def _crews(c) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for officer, unit in c.unit_of.items():
        out.setdefault(unit, []).append(officer)
    return out


def test_crews_of_two_leave_the_cars_a_small_team_cannot_pair_in_and_name_them():
    """双人巡逻: two 民警 who drive and two 辅警, four cars: two cars go out, each a 民警 and a
    辅警, and the two left in are named."""
    cars = [CrewUnit(i, f"巡0{i}", "car", 4) for i in range(1, 5)]
    team = [_o(1, "C1"), _o(2, "C1"), _o(3, aux=True), _o(4, aux=True)]
    c = crew_units(team, cars, {}, crew_size=2)
    crews = _crews(c)
    assert sorted(crews) == [1, 2]
    assert all(len(m) == 2 and any(o <= 2 for o in m) for m in crews.values())
    assert c.short == ("巡03", "巡04") and c.no_driver == ()


def test_an_odd_one_out_joins_a_crew_and_a_lone_officer_never_takes_a_car():
    cars = [CrewUnit(i, f"巡0{i}", "car", 4) for i in range(1, 4)]
    # Three 民警 who drive: one pair and a third with them, not a car with one aboard.
    c = crew_units([_o(1, "C1"), _o(2, "C1"), _o(3, "C1")], cars, {}, crew_size=2)
    assert list(_crews(c).values()) == [[1, 2, 3]] and c.short == ("巡02", "巡03")
    # Alone in the team: nobody goes out, and the car is named.
    c = crew_units([_o(1, "C1")], cars[:1], {}, crew_size=2)
    assert c.unit_of == {} and c.short == ("巡01",)


def test_a_carried_crew_whose_partner_is_away_is_made_up_or_joins_another():
    previous = {1: CAR1.id, 3: CAR1.id, 2: CAR2.id, 4: CAR2.id}
    # 4 is away; 5, new to the team, makes up 巡02.
    c = crew_units([_o(1, "C1"), _o(2, "C1"), _o(3, aux=True), _o(5, aux=True)], [CAR1, CAR2],
                   previous, crew_size=2)
    assert c.unit_of == {1: CAR1.id, 3: CAR1.id, 2: CAR2.id, 5: CAR2.id}
    # Nobody to make it up: 2 does not go out alone in 巡02; he joins 巡01's crew if it has a seat.
    cars = [CrewUnit(1, "巡01", "car", 4), CrewUnit(2, "巡02", "car", 4)]
    c = crew_units([_o(1, "C1"), _o(2, "C1"), _o(3, aux=True)], cars, previous, crew_size=2)
    assert c.unit_of == {1: 1, 3: 1, 2: 1} and c.short == ("巡02",)


def test_pairs_are_made_before_a_police_officer_rides_a_motorbike_alone():
    units = [CrewUnit(1, "摩01", "motorbike", 1), CrewUnit(2, "巡01", "car", 4),
             CrewUnit(3, "步01", "foot", 2)]
    team = [_o(1, "C1", "D"), _o(2), _o(3, aux=True), _o(4, aux=True)]
    c = crew_units(team, units, {}, crew_size=2)
    # The car and the foot patrol each a 民警 and a 辅警; the motorbike waits.
    assert _crews(c) == {2: [1, 3], 3: [2, 4]}
    # A one-seat unit takes one when a 民警 is left over.
    c = crew_units([*team, _o(5, "D")], units, {}, crew_size=2)
    assert c.unit_of[5] == 1


def test_a_carried_crew_nobody_may_take_out_joins_the_others_and_the_unit_is_named():
    drone = CrewUnit(5, "无人机01", "drone", 0)
    # 2 was at the drone with a pilot's licence he no longer holds: he is not kept at it.
    c = crew_units([_o(1, "C1"), _o(2)], [CAR1, drone], {2: drone.id})
    assert c.unit_of == {1: CAR1.id, 2: CAR1.id} and c.no_driver == ("无人机01",)
