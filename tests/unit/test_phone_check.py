"""A caller's mobile number one digit short or long is pointed out as it is typed."""

from __future__ import annotations

import pytest

from precinct_console.domain.phone_check import mistyped_mobile


@pytest.mark.parametrize(("typed", "digits"), [
    ("1380013800", 10),          # a digit dropped
    ("138001380000", 12),        # a digit doubled
    ("+86 138 0013 800", 10),    # the country code does not count
    ("139-0013-80", 9),
])
def test_a_mobile_number_with_a_digit_too_few_or_too_many_is_pointed_out(typed, digits):
    assert mistyped_mobile(typed) == digits


@pytest.mark.parametrize("typed", [
    "13800138000", "+86 138-0013-8000",   # a whole mobile number
    "010-62551234", "0371-6555123",       # landlines with their area code
    "62551234", "12345", "110", "10086",  # a landline without it, service numbers
    "106900001234567890",                 # an SMS gateway
    "12110110",                           # 121… is no mobile prefix
    "",
])
def test_other_numbers_pass_without_a_word(typed):
    assert mistyped_mobile(typed) is None
