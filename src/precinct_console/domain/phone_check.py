"""A second look at a caller's number as it is typed: a mobile number one digit short or long."""

from __future__ import annotations

import re

from .repeats import normalise_phone

# Mainland mobile numbers are 11 digits from 13x to 19x. A number that starts so but has 8-10 or
# 12-13 digits is most likely a digit dropped or doubled while typing: worth a glance before it
# goes into the ledger and the 一人多警 check, not a refusal (service numbers such as 12345 and
# SMS gateways like 1069… are shorter or longer still, and pass).
_MOBILE_START = re.compile(r"^1[3-9]")
_COUNTRY = re.compile(r"^(?:0086|86)(?=1[3-9])")  # +86 before a mobile number of any length
_DOUBTFUL = frozenset({8, 9, 10, 12, 13})


def mistyped_mobile(phone: str) -> int | None:
    """The number of digits when `phone` looks like a mobile number with one too few or too
    many (a few), else None."""
    digits = _COUNTRY.sub("", normalise_phone(phone))
    if _MOBILE_START.match(digits) and len(digits) in _DOUBTFUL:
        return len(digits)
    return None
