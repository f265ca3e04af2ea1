"""AttributeValue engine: exact numbers and the order-preserving sort-key encoding (properties)."""

from __future__ import annotations

from decimal import Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awsmock.services.dynamodb.types import (
    canonical_number,
    decode_sort,
    item_size,
    number_sort_bytes,
    parse_number,
    sort_bytes,
)

numbers = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: (
        d.is_zero()
        or (-130 <= d.adjusted() <= 125 and len(d.normalize(Context(prec=200)).as_tuple().digits) <= 38)
    )
)


@settings(max_examples=300, deadline=None)
@given(numbers, numbers)
def test_number_encoding_preserves_order(a: Decimal, b: Decimal) -> None:
    ea, eb = number_sort_bytes(parse_number(str(a))), number_sort_bytes(parse_number(str(b)))
    assert (ea < eb) == (a < b)
    assert (ea == eb) == (a == b)


@settings(max_examples=300, deadline=None)
@given(numbers)
def test_number_encoding_roundtrips(a: Decimal) -> None:
    av = {"N": canonical_number(str(a))}
    assert Decimal(decode_sort(sort_bytes(av), "N")["N"]) == a


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.text(max_size=20))
def test_string_encoding_is_utf8_byte_order(a: str, b: str) -> None:
    assert (sort_bytes({"S": a}) < sort_bytes({"S": b})) == (a.encode() < b.encode())


def test_canonical_numbers() -> None:
    assert canonical_number("01.50") == "1.5"
    assert canonical_number("-0") == "0"
    assert canonical_number("1e2") == "100"
    assert canonical_number("1E-130") == "0." + "0" * 129 + "1"


def test_item_size_counts_names_and_values() -> None:
    assert item_size({"ab": {"S": "xyz"}}) == 5
    assert item_size({"b": {"B": b"12"}, "t": {"BOOL": True}}) == 5
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + (1 + 1 + 1)


@pytest.mark.parametrize("text", ["42", "-1.5e10", "0.000", "1" * 38, "+7E-3", "\u0663\u0664"])
def test_a_numbers_size_counts_its_digits(text: str) -> None:
    """About one byte per two digits, plus one (what DynamoDB documents for N values)."""
    from awsmock.services.dynamodb.types import value_size

    digits = sum(1 for c in text if c.isdigit())
    assert value_size({"N": text}) == (digits + 1) // 2 + 1
