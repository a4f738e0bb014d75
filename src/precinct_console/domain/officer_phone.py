"""An officer's phone as the roll keeps it: digits and the usual separators, nothing else."""

from __future__ import annotations

import re

from .errors import ValidationError

# Digits with spaces, dashes, brackets, a leading + and 转 for an extension (0371-6262 1234 转 8001);
# a letter is a typo the 通讯录 and the grid's notice board would print as it is.
_PHONE = re.compile(r"^\+?[0-9\s\-()（）转]+$")
MAX_LENGTH = 40  # the column's width: longer was refused by PostgreSQL with no field named


def checked_phone(phone: str) -> str:
    """The phone trimmed; empty is allowed (not everyone gives one), else it must read as a number."""
    p = (phone or "").strip()
    if not p:
        return ""
    if len(p) > MAX_LENGTH:
        raise ValidationError(f"at most {MAX_LENGTH} characters", field="phone")
    if not _PHONE.match(p) or sum(c.isdigit() for c in p) < 3:
        raise ValidationError(f"'{p}' is not a phone number", field="phone")
    return p
