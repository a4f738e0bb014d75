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
    place_radius_m: float = 100.0
    # Share of the shorter text's character pairs found in the other (Chinese has no spaces,
    # so words are approximated by overlapping character pairs).
    text_similarity: float = 0.5
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
    """Overlap of character pairs relative to the shorter text (0..1)."""
    pa, pb = _pairs(a), _pairs(b)
    if not pa or not pb:
        return 0.0
    return len(pa & pb) / min(len(pa), len(pb))


def same_place(a: CallFacts, b: CallFacts, rules: RepeatRules) -> tuple[bool, float | None]:
    """Within the radius of each other, or at the same address once normalised."""
    return _same_place(a, normalise_address(a.address), b, rules)


def _same_place(a: CallFacts, a_address: str, b: CallFacts, rules: RepeatRules
                ) -> tuple[bool, float | None]:
    dist = None
    if a.lon is not None and a.lat is not None and b.lon is not None and b.lat is not None:
        dist = distance_m(a.lon, a.lat, b.lon, b.lat)
        if dist <= rules.place_radius_m:
            return True, dist
    return bool(a_address) and a_address == normalise_address(b.address), dist


def find_repeats(
    new: CallFacts, earlier: Iterable[CallFacts], rules: RepeatRules = RepeatRules()
) -> RepeatResult:
    """Earlier incidents that make `new` a repeat, each with the kinds of repeat it shows."""
    phone = normalise_phone(new.caller_phone)
    phone_ok = len(phone) >= 5
    new_address = normalise_address(new.address)
    width = rules.category_level * 2
    cat = new.category_code[:width]
    longest = rules.longest_window
    caller_w = timedelta(hours=rules.caller_window_h)
    place_w = timedelta(hours=rules.place_window_h)
    matter_w = timedelta(hours=rules.matter_window_h)
    zero = timedelta(0)
    hits: list[RepeatHit] = []
    for old in earlier:
        if old.id is not None and old.id == new.id:
            continue
        age = new.received_at - old.received_at
        if age < zero or age > longest:
            continue
        kinds: set[str] = set()
        if phone_ok and age <= caller_w and normalise_phone(old.caller_phone) == phone:
            kinds.add("caller")
        place, dist = _same_place(new, new_address, old, rules)
        if place and age <= place_w:
            kinds.add("place")
        sim = None
        if age <= matter_w and old.category_code[:width] == cat:
            sim = text_similarity(new.content, old.content)
            if place or sim >= rules.text_similarity:
                kinds.add("matter")
        if kinds:
            hits.append(RepeatHit(old.id, frozenset(kinds), dist, sim))
    # Most telling first: more kinds of match, then the most recent (sort is stable).
    hits.sort(key=lambda h: -len(h.kinds))
    return RepeatResult(tuple(hits))
