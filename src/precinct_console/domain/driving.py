"""Who may drive which unit: the Chinese driving-licence classes (准驾车型) and the drone pilot's licence."""

from __future__ import annotations

from collections.abc import Iterable

DRONE_LICENCE = "无人机驾驶员执照"
# The classes a patrol station meets, each with the classes it also allows (公安部令第162号, 准驾车型).
_ALSO_ALLOWS: dict[str, frozenset[str]] = {
    "A1": frozenset({"A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"}),
    "A2": frozenset({"B1", "B2", "C1", "C2", "C3", "C4", "M"}),
    "A3": frozenset({"C1", "C2", "C3", "C4"}),
    "B1": frozenset({"C1", "C2", "C3", "C4", "M"}),
    "B2": frozenset({"C1", "C2", "C3", "C4", "M"}),
    "C1": frozenset({"C2", "C3", "C4"}),
    "C2": frozenset(),
    "D": frozenset({"E", "F"}),
    "E": frozenset({"F"}),
    "F": frozenset(),
    DRONE_LICENCE: frozenset(),
}
LICENCE_CLASSES: tuple[str, ...] = tuple(_ALSO_ALLOWS)
# What a unit's crew needs one of, by unit kind: a patrol car is a small passenger car (C2 is the
# automatic-only class, enough for the automatic cars stations run), a police motorbike a
# two-wheeled motorcycle (E). Foot patrols and e-bikes need no licence.
_NEEDS: dict[str, str] = {"car": "C2", "motorbike": "E", "drone": DRONE_LICENCE}


def allowed_classes(licences: Iterable[str]) -> frozenset[str]:
    """Every class the given licences allow one to drive."""
    out: set[str] = set()
    for licence in licences:
        out.add(licence)
        out |= _ALSO_ALLOWS.get(licence, frozenset())
    return frozenset(out)


def needed_class(unit_kind: str) -> str | None:
    """The class someone in the crew must be allowed to drive, or None (foot, e-bike)."""
    return _NEEDS.get(unit_kind)


def may_drive(licences: Iterable[str], unit_kind: str) -> bool:
    need = needed_class(unit_kind)
    return need is None or need in allowed_classes(licences)


def unknown_classes(licences: Iterable[str]) -> list[str]:
    """The given licence names that are not a known class (a typo, a class no unit needs)."""
    return [x for x in licences if x not in _ALSO_ALLOWS]
