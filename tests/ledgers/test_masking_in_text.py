"""Masking inside free text: numbers typed with spaces, hyphens, +86 or full-width digits."""

from __future__ import annotations

import pytest

from precinct_console.services.ledgers.masking import mask_in_text


@pytest.mark.parametrize(("text", "masked"), [
    ("电话139-8765-4321，请回电", "电话139****4321，请回电"),
    ("报警人138 1234 5678称", "报警人138****5678称"),
    ("手机+8613800001111", "手机+86 138****1111"),
    ("手机+86 138-0000-1111", "手机+86 138****1111"),
    ("手机0086 13800001111", "手机+86 138****1111"),
    ("电话１３８１２３４５６７８。", "电话138****5678。"),
    ("电话１３８－１２３４－５６７８", "电话138****5678"),
    ("身份证110101-19900307-1234号", "身份证110***********1234号"),
    ("身份证 110101 1990 0307 123X 男", "身份证 110***********123X 男"),
    ("身份证号11010119850505123X，", "身份证号110***********123X，"),
    ("旧身份证110101900307123", "旧身份证110********7123"),
    # A number next to it across a space does not shield it.
    ("住302室 13812345678", "住302室 138****5678"),
    ("13812345678 13987654321", "138****5678 139****4321"),
    ("110101-19900307-1234 13812345678", "110***********1234 138****5678"),
])
def test_phone_and_id_numbers_however_written_are_masked(text, masked):
    assert mask_in_text(text) == masked


@pytest.mark.parametrize("text", [
    "2026-12-01 13:45 在建设路发生",
    "2026-12-01 13:45:00至2026-12-02 08:30:00",
    "关联警情20261203-0046、20261203-0047",
    "20261203-0046 20261203-0047",
    "编号J20261116001",
    "涉及金额13800元，转账138,000.00元",
    "时间2026.12.01 13:45，金额￥1,380.50",
    "12345678901234567890",  # a longer run of digits is not a phone or ID number
])
def test_dates_times_incident_numbers_and_amounts_are_left_alone(text):
    assert mask_in_text(text) == text
