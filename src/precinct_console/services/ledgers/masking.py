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


# Numbers inside free text ("报警人称其电话13812345678…"): mobiles, 18- and 15-digit ID numbers.
_IN_TEXT = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


def mask_in_text(text: str) -> str:
    """Mask every phone or ID number written inside a free-text field."""
    if len(text) < 11:
        return text
    return _IN_TEXT.sub(lambda m: mask_phone(m[0]) if len(m[0]) == 11 else mask_id_number(m[0]), text)
