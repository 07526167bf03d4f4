"""Kubernetes quantities: parsing, canonical printing, arithmetic, ordering and the errors users see.

Expected strings are worked out by hand from apimachinery's rules (and its own test tables where noted),
not copied from this module's output.
"""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import pytest

from kustomize_plugin.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    Quantity,
    QuantityError,
    marshal_text,
    parse_quantity,
)


def _label(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 64:
        return f"int of {value.bit_length()} bits"  # repr() refuses ints past 4300 digits
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"


# input, canonical String(), format
PARSE_PRINT: list[tuple[str | float, str, str]] = [
    ("100m", "100m", DECIMAL_SI),
    ("0.2", "200m", DECIMAL_SI),
    ("1Gi", "1Gi", BINARY_SI),
    ("1e3", "1e3", DECIMAL_EXPONENT),
    ("1E3", "1e3", DECIMAL_EXPONENT),  # the exponent form always prints with a small e
    ("1e-3", "1e-3", DECIMAL_EXPONENT),
    ("1e+3", "1e3", DECIMAL_EXPONENT),
    ("1.5Ki", "1536", BINARY_SI),  # 1.5 * 1024 is not a whole number of Ki, so no suffix
    ("2k", "2k", DECIMAL_SI),
    ("5", "5", DECIMAL_SI),
    ("0", "0", DECIMAL_SI),
    ("1024", "1024", DECIMAL_SI),  # DecimalSI: 1024 is not a multiple of 1000
    ("1000", "1k", DECIMAL_SI),
    ("1500m", "1500m", DECIMAL_SI),
    ("1.5k", "1500", DECIMAL_SI),
    ("1000M", "1G", DECIMAL_SI),
    ("1025Ki", "1025Ki", BINARY_SI),  # 1025 is odd, so Ki is the largest suffix
    ("1024Mi", "1Gi", BINARY_SI),
    ("1536Mi", "1536Mi", BINARY_SI),
    ("0.5Gi", "512Mi", BINARY_SI),
    ("-1Ki", "-1Ki", BINARY_SI),  # -1024 is outside the open interval (-1024, 1024)
    ("+1", "1", DECIMAL_SI),
    ("-1", "-1", DECIMAL_SI),
    ("-0", "0", DECIMAL_SI),
    (".5", "500m", DECIMAL_SI),
    ("5.", "5", DECIMAL_SI),
    ("1.G", "1G", DECIMAL_SI),
    ("1n", "1n", DECIMAL_SI),
    ("0.1n", "1n", DECIMAL_SI),  # finer than 1n rounds up
    ("-0.1n", "-1n", DECIMAL_SI),  # ... away from zero
    ("3.001n", "4n", DECIMAL_SI),  # apimachinery's own table
    ("1.1E-9", "2e-9", DECIMAL_EXPONENT),
    ("1e-1000000", "1e-9", DECIMAL_EXPONENT),
    ("1.3E+6", "1300e3", DECIMAL_EXPONENT),  # 13e5, exponent floored to a multiple of 3
    ("10.035M", "10035k", DECIMAL_SI),
    ("1.01E", "1010P", DECIMAL_SI),
    ("1Ei", "1Ei", BINARY_SI),
    ("0Ki", "0", BINARY_SI),
    (".001Ki", "1024m", BINARY_SI),  # 1.024: BinarySI under 1024 prints as DecimalSI
    ("0.000000000001Ki", "2n", DECIMAL_SI),  # 1.024n rounds up; under 1 the format becomes DecimalSI
    ("9Ei", "9223372036854775807", BINARY_SI),  # BinarySI is capped at 2^63-1, which is odd
    ("-9Ei", "-9223372036854775807", BINARY_SI),
    ("1000E", "1e21", DECIMAL_SI),  # no SI suffix past E: the exponent form (kubernetes PR 140459)
    ("9223372036854775807E", "9223372036854775807E", DECIMAL_SI),  # the largest accepted magnitude
    # YAML numbers
    (2, "2", DECIMAL_SI),
    (0, "0", DECIMAL_SI),
    (-3, "-3", DECIMAL_SI),
    (0.5, "500m", DECIMAL_SI),
    (0.1, "100m", DECIMAL_SI),  # read as the text "0.1", not as the binary float
    (1.0, "1", DECIMAL_SI),
    (1e20, "100e18", DECIMAL_EXPONENT),  # repr() gives "1e+20"
]


@pytest.mark.parametrize(("text", "expected", "fmt"), PARSE_PRINT, ids=[_label(c[0]) for c in PARSE_PRINT])
def test_parse_and_print(text: str | float, expected: str, fmt: str) -> None:
    quantity = parse_quantity(text)
    assert str(quantity) == expected
    assert quantity.format == fmt


VALUES: list[tuple[str, Decimal]] = [
    ("1Gi", Decimal(1073741824)),
    ("1.5Ki", Decimal(1536)),
    ("100m", Decimal("0.1")),
    ("0.1n", Decimal("0.000000001")),
    ("2k", Decimal(2000)),
    ("-1e-3", Decimal("-0.001")),
    ("9Ei", Decimal(2**63 - 1)),
]


@pytest.mark.parametrize(("text", "value"), VALUES, ids=[c[0] for c in VALUES])
def test_parse_exact_value(text: str, value: Decimal) -> None:
    assert parse_quantity(text).value == value


# left, operator, right, canonical result
ARITHMETIC: list[tuple[str, str, str, str]] = [
    ("1Gi", "-", "512Mi", "512Mi"),
    ("3", "-", "1", "2"),
    ("100m", "+", "900m", "1"),
    ("1Gi", "-", "1Gi", "0"),
    ("500m", "-", "1", "-500m"),
    ("1Ei", "+", "1Ei", "2Ei"),
    ("1k", "+", "1Ki", "2024"),  # keeps the left's DecimalSI: 2024 is not a multiple of 1000
    ("1Gi", "+", "100m", "1073741824100m"),  # BinarySI with a fraction prints as DecimalSI
    ("2", "-", "2Gi", "-2147483646"),
    ("0", "+", "1Gi", "1Gi"),  # a zero left operand takes the right's format, as k8s Add does
    ("0", "-", "100m", "-100m"),
    ("1Gi", "+", "0", "1Gi"),
]


@pytest.mark.parametrize(
    ("left", "op", "right", "expected"), ARITHMETIC, ids=[" ".join(c[:3]) for c in ARITHMETIC]
)
def test_arithmetic(left: str, op: str, right: str, expected: str) -> None:
    a, b = parse_quantity(left), parse_quantity(right)
    result = a + b if op == "+" else a - b
    assert str(result) == expected


def test_arithmetic_keeps_left_format() -> None:
    assert (parse_quantity("1k") + parse_quantity("1Ki")).format == DECIMAL_SI
    assert (parse_quantity("1Ki") + parse_quantity("1k")).format == BINARY_SI


def test_running_total_from_zero() -> None:
    total = Quantity(0)
    for text in ("512Mi", "256Mi", "256Mi"):
        total = total + parse_quantity(text)
    assert str(total) == "1Gi"


# left, right, expected sign of left - right
ORDER: list[tuple[str, str, int]] = [
    ("1Gi", "1073741824", 0),
    ("2Gi", "2G", 1),
    ("1000m", "1", 0),
    ("1e3", "1k", 0),
    ("100m", "1", -1),
    ("-1", "0", -1),
    ("1Mi", "1048576", 0),
    ("0.1n", "1n", 0),
    ("10000T", "100Gi", 1),  # apimachinery's TestQuantityCmp
]


@pytest.mark.parametrize(("left", "right", "sign"), ORDER, ids=[f"{c[0]} vs {c[1]}" for c in ORDER])
def test_ordering(left: str, right: str, sign: int) -> None:
    a, b = parse_quantity(left), parse_quantity(right)
    assert (a == b) is (sign == 0)
    assert (a != b) is (sign != 0)
    assert (a < b) is (sign < 0)
    assert (a <= b) is (sign <= 0)
    assert (a > b) is (sign > 0)
    assert (a >= b) is (sign >= 0)
    if sign == 0:
        assert hash(a) == hash(b)


def test_equality_ignores_format_and_other_types() -> None:
    assert parse_quantity("1Gi") == parse_quantity("1073741824")
    assert parse_quantity("1") != "1"
    assert len({parse_quantity("1Gi"), parse_quantity("1024Mi"), parse_quantity("1G")}) == 2


def test_negation_and_zero() -> None:
    assert str(-parse_quantity("1Gi")) == "-1Gi"
    assert str(-parse_quantity("0")) == "0"
    assert parse_quantity("0m").is_zero()
    assert not parse_quantity("1n").is_zero()


def test_immutable_and_copyable() -> None:
    quantity = parse_quantity("1536Mi")
    with pytest.raises(AttributeError):
        quantity.value = Decimal(1)  # type: ignore[misc]  # a property: the assignment is the point
    with pytest.raises(AttributeError):
        del quantity.format
    assert copy.deepcopy(quantity) == quantity
    restored = pickle.loads(pickle.dumps(quantity))
    assert (str(restored), restored.format) == ("1536Mi", BINARY_SI)
    assert repr(quantity) == "Quantity(Decimal('1610612736'), 'BinarySI')"


# value, format, canonical String(): values only the constructor or arithmetic can make
CONSTRUCTED: list[tuple[Decimal | int, str, str]] = [
    (2**70, BINARY_SI, "1180591620717411303424"),  # past Ei: exact decimal (apimachinery's table)
    (Decimal("1e30"), BINARY_SI, "931322574615478515625Gi"),  # 10^30 = 5^30 * 1024^3
    (Decimal("1e21"), DECIMAL_EXPONENT, "1e21"),
    (Decimal("5e21"), DECIMAL_SI, "5e21"),
    (Decimal("1e-12"), DECIMAL_SI, "1n"),  # rounded up to 1n like a parsed value
    (Decimal("0.5"), BINARY_SI, "500m"),
    (2000, BINARY_SI, "2000"),
    (Decimal("-0"), DECIMAL_SI, "0"),
]


@pytest.mark.parametrize(
    ("value", "fmt", "expected"), CONSTRUCTED, ids=[f"{c[0]} {c[1]}" for c in CONSTRUCTED]
)
def test_constructed(value: Decimal | int, fmt: str, expected: str) -> None:
    assert str(Quantity(value, fmt)) == expected


FORMAT_ERROR = "quantities must match the regular expression"
NO_DIGITS = "no digits"
BAD_SUFFIX = "unable to parse quantity's suffix"
TOO_LARGE = "quantity too large"

# input, a fragment of the message
ERRORS: list[tuple[object, str]] = [
    ("", FORMAT_ERROR),
    ("abc", FORMAT_ERROR),
    ("1Gb", FORMAT_ERROR),
    ("1KB", FORMAT_ERROR),
    ("1kb", FORMAT_ERROR),
    ("1.2.3", FORMAT_ERROR),
    (" 1", FORMAT_ERROR),
    ("1 ", FORMAT_ERROR),
    ("1\n", FORMAT_ERROR),
    ("1e1.5", FORMAT_ERROR),
    ("0.1am", FORMAT_ERROR),
    ("1" * 100_000 + "x", FORMAT_ERROR),
    ("--1", NO_DIGITS),
    ("-", NO_DIGITS),
    (".", NO_DIGITS),
    ("Ki", NO_DIGITS),
    ("1e", BAD_SUFFIX),
    ("1ei", "did you mean 'Ei'?"),
    ("1K", "did you mean 'k'?"),
    ("1mi", "did you mean 'Mi'?"),
    ("1i", BAD_SUFFIX),
    ("-3.01e-", BAD_SUFFIX),
    ("1e4294967297", "exponent must be between -2147483647 and 2147483647"),
    ("1e-2147483648", "exponent must be between"),
    ("1e" + "9" * 10_000, "exponent must be between"),
    ("1e1000000", TOO_LARGE),
    ("1e2147483647", TOO_LARGE),
    ("99999999999999999999999999999999999999E", TOO_LARGE),
    ("9223372036854775808E", TOO_LARGE),
    ("9" * 100_000, TOO_LARGE),
    (10**5000, TOO_LARGE),
    (1e300, TOO_LARGE),
    (float("nan"), "finite"),
    (float("inf"), "finite"),
    (True, "not true"),
    (None, "not null"),
    ([1], "not list"),
]


@pytest.mark.parametrize(("value", "fragment"), ERRORS, ids=[_label(c[0]) for c in ERRORS])
def test_errors(value: object, fragment: str) -> None:
    with pytest.raises(QuantityError) as raised:
        parse_quantity(value)  # type: ignore[arg-type]
    assert fragment in str(raised.value)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="regular expression"):
        parse_quantity("1Gb")


def test_format_error_quotes_kubernetes() -> None:
    with pytest.raises(QuantityError) as raised:
        parse_quantity("abc")
    assert str(raised.value) == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


CONSTRUCTOR_ERRORS: list[tuple[object, str, str]] = [
    (1, "Bogus", "unknown quantity format"),
    (0.5, DECIMAL_SI, "Decimal or an int"),
    (Decimal("NaN"), DECIMAL_SI, "finite"),
    (Decimal("1e37"), DECIMAL_SI, TOO_LARGE),
    (10**40, BINARY_SI, TOO_LARGE),
]


@pytest.mark.parametrize(
    ("value", "fmt", "fragment"), CONSTRUCTOR_ERRORS, ids=[f"{c[0]!r} {c[1]}" for c in CONSTRUCTOR_ERRORS]
)
def test_constructor_errors(value: object, fmt: str, fragment: str) -> None:
    with pytest.raises(QuantityError) as raised:
        Quantity(value, fmt)  # type: ignore[arg-type]
    assert fragment in str(raised.value)


def test_sum_past_the_bound_is_an_error() -> None:
    with pytest.raises(QuantityError, match=TOO_LARGE):
        parse_quantity("9223372036854775807E") + parse_quantity("1E")


def test_long_inputs_stay_exact() -> None:
    # A long exponent with leading zeros is still e5; a far-off digit still rounds up to a whole 1n.
    assert str(parse_quantity("1e" + "0" * 10_000 + "5")) == "100e3"
    assert str(parse_quantity("0." + "0" * 100_000 + "1")) == "1n"
    assert str(parse_quantity("1." + "0" * 100_000 + "1")) == "1000000001n"


# input, what MarshalJSON writes: ParseQuantity keeps the text only on its int64 fast path, and only when its
# cheap canonical tests pass (which some non-canonical spellings do); otherwise the canonical String().
MARSHAL: list[tuple[str, str]] = [
    ("0", "0"),
    ("+1", "+1"),  # kept: the tests do not look at the sign
    ("01", "01"),  # kept: leading zeros are dropped before the tests
    ("1.500", "1.500"),  # kept: scale -3, and "1500" does not end in "000"
    ("1E3", "1E3"),
    ("7Ki", "7Ki"),
    ("1000", "1k"),  # ends in "000"
    ("0.1", "100m"),  # scale -1 is not a multiple of 3
    ("8Ki", "8Ki"),  # 8 & 7 == 0 leaves the fast path's text, and the canonical form is the same
    ("1024Mi", "1Gi"),
    ("0.5Gi", "512Mi"),  # a binary fraction never takes the fast path
    ("1234567890123456789", "1234567890123456789"),  # 19 digits: past the fast path, and canonical anyway
    ("12Ei", "9223372036854775807"),  # past int64: capped
    ("3e-10", "1e-9"),  # finer than 1n: rounded up
]


@pytest.mark.parametrize(("text", "expected"), MARSHAL, ids=[c[0] for c in MARSHAL])
def test_marshal_text(text: str, expected: str) -> None:
    assert marshal_text(text) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [c for c in ERRORS if isinstance(c[0], str)],
    ids=[_label(c[0]) for c in ERRORS if isinstance(c[0], str)],
)
def test_marshal_text_errors_are_parse_errors(value: str, fragment: str) -> None:
    with pytest.raises(QuantityError) as raised:
        marshal_text(value)
    assert fragment in str(raised.value)
