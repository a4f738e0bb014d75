"""Masking of personal numbers in exports: 138****5678, 110***********1234."""

from __future__ import annotations

import re


def mask_phone(value: str) -> str:
    """Keep the first three and last four digits of a phone number; short numbers keep two."""
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) >= 8:
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    return "*" * max(len(v) - 2, 1) + v[-2:] if len(v) > 2 else "*" * len(v)


def mask_id_number(value: str) -> str:
    """Keep the region prefix (three) and last four characters of an ID number."""
    v = (value or "").strip()
    if not v:
        return ""
    if len(v) >= 8:
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    return "*" * len(v)


# Numbers inside free text ("报警人称其电话13812345678…"). People type them as they say them:
# "139-8765-4321", "138 1234 5678", "+86 138…", full-width "１３８…", an ID number as
# "110101-19900307-1234". A separator (one space or hyphen, half- or full-width) is allowed only
# where people put one (mobile 3-4-4, ID 6-8-4 or 6-4-4-4, old ID 6-6-3), so dates (2026-12-01),
# times, incident numbers (20261203-0046) and amounts never look like a number to hide.
_D = "[0-9\uff10-\uff19]"  # a digit, half- or full-width
_SEP = "[ \u3000\u00a0\\-\uff0d\u2010-\u2015]"  # space or hyphen, half- or full-width, or a dash
_S = _SEP + "?"
_X = "[0-9\uff10-\uff19Xx\uff38\uff58]"  # the ID check character
# +86 / 0086 may be followed by a separator; a bare 86 only when written straight on.
_CC = f"(?:(?:[+\uff0b]|00|\uff10\uff10)[8\uff18][6\uff16]{_S}|[8\uff18][6\uff16])"
_MOBILE = f"(?P<cc>{_CC})?(?P<mobile>[1\uff11][3-9\uff13-\uff19]{_D}{_S}{_D}{{4}}{_S}{_D}{{4}})"
_ID18 = f"{_D}{{6}}{_S}{_D}{{4}}{_S}{_D}{{4}}{_S}{_D}{{3}}{_X}"
_ID15 = f"{_D}{{6}}{_S}{_D}{{6}}{_S}{_D}{{3}}"
# Not part of a longer run of digits. A number beside it across a space ("302室 138…",
# "13812345678 2次") does not stop the masking: the grouping above already keeps dates and
# incident numbers out, and a phone number left showing costs more than one masked too many.
_BEFORE = f"(?<!{_D})(?<![+\uff0b])"
_AFTER = f"(?!{_X}|[A-Za-z])"
_IN_TEXT = re.compile(f"{_BEFORE}(?:{_ID18}|{_MOBILE}|{_ID15}){_AFTER}")
_HALF_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"\uff38": "X", "\uff58": "x"})


def _digits(text: str) -> str:
    """The digits (and X) of a number as typed: full-width made half-width, separators dropped."""
    return "".join(ch for ch in text.translate(_HALF_WIDTH) if ch.isalnum())


def _mask_match(m: re.Match[str]) -> str:
    if m["mobile"]:
        # The country code is kept as a plain +86 (it tells nobody anything).
        return ("+86 " if m["cc"] else "") + mask_phone(_digits(m["mobile"]))
    return mask_id_number(_digits(m[0]))


def mask_in_text(text: str) -> str:
    """Mask every mobile or ID number written inside a free-text field, however it is spaced."""
    if len(text) < 11:
        return text
    return _IN_TEXT.sub(_mask_match, text)
