"""Repeat incidents: 一人多警 (same caller), 一地多警 (same place), 一事多警 (same matter) in a window."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from .errors import ValidationError
from .travel import distance_m


@dataclass(frozen=True)
class RepeatRules:
    caller_window_h: float = 24.0
    place_window_h: float = 24.0
    matter_window_h: float = 72.0
    # Calls this near are one place when they are about the same kind of trouble (top-level
    # category: two fights at the bar street); an unrelated call 90 m off (a crash on the road
    # outside the shop that was burgled) is another place's. One address is one place whatever
    # the matter.
    place_radius_m: float = 100.0
    # Share of the shorter text's character pairs found in the other (Chinese has no spaces,
    # so words are approximated by overlapping character pairs).
    text_similarity: float = 0.5
    # A text read alike is the same matter only from the same caller, or from another caller this
    # near within this many hours (the fight across the street, reported while it goes on): call
    # texts of one kind read alike station-wide (every 车辆被堵 call is worded so), and two noise
    # complaints 2 km or two days apart are two matters.
    matter_radius_m: float = 500.0
    second_report_h: float = 2.0
    # Categories compared at this many code levels: "0601" (family dispute) matches "060101".
    category_level: int = 2

    @property
    def longest_window(self) -> timedelta:
        return timedelta(hours=max(self.caller_window_h, self.place_window_h, self.matter_window_h))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RepeatRules:
        values: dict[str, Any] = {}
        for name, default in cls().__dict__.items():
            v = d.get(name, default)
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
                raise ValidationError("must be a non-negative number", field=name)
            values[name] = type(default)(v)
        if not 0 < values["text_similarity"] <= 1:
            raise ValidationError("must be between 0 and 1", field="text_similarity")
        if values["category_level"] < 1:
            raise ValidationError("must be at least 1", field="category_level")
        return cls(**values)


@dataclass(frozen=True)
class CallFacts:
    """The incident being taken in, or one already stored."""

    received_at: datetime
    category_code: str
    caller_phone: str = ""
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    content: str = ""
    id: int | None = None


@dataclass(frozen=True)
class RepeatHit:
    incident_id: int | None
    kinds: frozenset[str]  # subset of {"caller", "place", "matter"}
    distance_m: float | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class RepeatResult:
    hits: tuple[RepeatHit, ...] = ()

    def of(self, kind: str) -> list[RepeatHit]:
        return [h for h in self.hits if kind in h.kinds]

    @property
    def caller(self) -> bool:
        return any("caller" in h.kinds for h in self.hits)

    @property
    def place(self) -> bool:
        return any("place" in h.kinds for h in self.hits)

    @property
    def matter(self) -> bool:
        return any("matter" in h.kinds for h in self.hits)


_PHONE_PREFIX = re.compile(r"^(?:0086|86)(?=1\d{10}$)")


@lru_cache(maxsize=65536)  # the same earlier calls are compared with every new one
def normalise_phone(phone: str) -> str:
    """Digits only, without the +86 country code: '+86 138-0013-8000' -> '13800138000'."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone or "") if ch.isdigit())
    return _PHONE_PREFIX.sub("", digits)


# Words that place a caller near an address but do not change which place it is.
_VAGUE_SUFFIXES = ("附近", "门口", "门前", "对面", "旁边", "路口", "周边", "一带", "里面", "内")
# Of those, the ones that name an area around a landmark rather than a spot: "火车站附近" is
# anywhere in its square, so two such calls are one place only when they were near each other.
_AREA_WORDS = ("附近", "周边", "一带", "对面", "旁边")
# A text of fewer character pairs says too little to tell one matter from another ("打架").
_MIN_PAIRS = 4
_PUNCT = re.compile(r"[\s\-—_,，.。;；:：()（）\[\]【】'\"“”、/\\#＃]+")


@lru_cache(maxsize=65536)
def normalise_address(address: str) -> str:
    """Full-width to half-width, no spaces or punctuation, no trailing '附近'/'门口'..."""
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", address or "")).lower()
    changed = True
    while changed and text:
        changed = False
        for suffix in _VAGUE_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 2:
                text = text[: -len(suffix)]
                changed = True
    return text


@lru_cache(maxsize=16384)
def _pairs(text: str) -> frozenset[str]:
    t = _PUNCT.sub("", unicodedata.normalize("NFKC", text or "")).lower()
    return frozenset(t[i: i + 2] for i in range(len(t) - 1))


def text_similarity(a: str, b: str) -> float:
    """Overlap of character pairs relative to the shorter text (0..1); 0 when either text is too
    short to tell one matter from another."""
    pa, pb = _pairs(a), _pairs(b)
    if len(pa) < _MIN_PAIRS or len(pb) < _MIN_PAIRS:
        return 0.0
    return len(pa & pb) / min(len(pa), len(pb))


def _is_area(address: str) -> bool:
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", address or ""))
    return text.endswith(_AREA_WORDS)


def same_place(a: CallFacts, b: CallFacts, rules: RepeatRules) -> tuple[bool, float | None]:
    """At the same address once normalised (one near a landmark, "火车站附近", only when near
    each other), or within the radius of each other about the same kind of trouble."""
    return _same_place(a, normalise_address(a.address), _is_area(a.address), b, rules)


def _distance(a: CallFacts, b: CallFacts) -> float | None:
    if a.lon is None or a.lat is None or b.lon is None or b.lat is None:
        return None
    return distance_m(a.lon, a.lat, b.lon, b.lat)


def _same_place(a: CallFacts, a_address: str, a_area: bool, b: CallFacts, rules: RepeatRules
                ) -> tuple[bool, float | None]:
    dist = _distance(a, b)
    near = dist is not None and dist <= rules.place_radius_m
    if near and a.category_code[:2] == b.category_code[:2]:
        return True, dist
    if not a_address or a_address != normalise_address(b.address):
        return False, dist
    # One address: one place, unless both are an area round a landmark whose calls were apart.
    return near or dist is None or not (a_area and _is_area(b.address)), dist


def find_repeats(
    new: CallFacts, earlier: Iterable[CallFacts], rules: RepeatRules = RepeatRules()
) -> RepeatResult:
    """Earlier incidents that make `new` a repeat, each with the kinds of repeat it shows."""
    phone = normalise_phone(new.caller_phone)
    phone_ok = len(phone) >= 5
    new_address = normalise_address(new.address)
    new_area = _is_area(new.address)
    width = rules.category_level * 2
    cat = new.category_code[:width]
    longest = rules.longest_window
    caller_w = timedelta(hours=rules.caller_window_h)
    place_w = timedelta(hours=rules.place_window_h)
    matter_w = timedelta(hours=rules.matter_window_h)
    second_w = timedelta(hours=rules.second_report_h)
    zero = timedelta(0)
    hits: list[RepeatHit] = []
    for old in earlier:
        if old.id is not None and old.id == new.id:
            continue
        age = new.received_at - old.received_at
        if age < zero or age > longest:
            continue
        kinds: set[str] = set()
        same_caller = phone_ok and normalise_phone(old.caller_phone) == phone
        if same_caller and age <= caller_w:
            kinds.add("caller")
        place, dist = _same_place(new, new_address, new_area, old, rules)
        if place and age <= place_w:
            kinds.add("place")
        sim = None
        if age <= matter_w and old.category_code[:width] == cat:
            # The same kind of matter at the same place, or told alike by the same caller or
            # from near by (another caller reporting the fight across the street).
            sim = text_similarity(new.content, old.content)
            near = dist is not None and dist <= rules.matter_radius_m and age <= second_w
            if place or (sim >= rules.text_similarity and (same_caller or near)):
                kinds.add("matter")
        if kinds:
            hits.append(RepeatHit(old.id, frozenset(kinds), dist, sim))
    # Most telling first: more kinds of match, then the most recent (sort is stable).
    hits.sort(key=lambda h: -len(h.kinds))
    return RepeatResult(tuple(hits))
