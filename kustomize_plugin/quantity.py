"""Kubernetes resource quantities (k8s.io/apimachinery `resource.Quantity`), parsed, compared, added and printed
as the API machinery does, exactly, with `decimal.Decimal` and never a float, so that DPF's resource-fitting
check (flavor dpuResources minus systemReservedResources against the templates' resourceRequirements) gets the
same answer and prints the same canonical strings ("1Gi", "100m", "1536Mi") that Kubernetes would.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, ROUND_UP, Context, Decimal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

BINARY_SI = "BinarySI"
DECIMAL_SI = "DecimalSI"
DECIMAL_EXPONENT = "DecimalExponent"
_FORMATS = (BINARY_SI, DECIMAL_SI, DECIMAL_EXPONENT)

_DIGITS = "0123456789"
_SUFFIX_LETTERS = "eEinumkKMGTP"
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SYMBOLS = {exponent: symbol for symbol, exponent in _DECIMAL_SUFFIXES.items()}
_BINARY_SYMBOLS = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")  # index: power of 1024

_FORMAT_MESSAGE = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
_SUFFIX_CHOICES = "n, u, m, (none), k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<integer>"
# Newer apimachinery keeps the exponent in an int32 that it negates, so it rejects anything past +-MaxInt32
# instead of letting it wrap to an unrelated value.
_MAX_EXPONENT = 2**31 - 1

# ParseQuantity caps BinarySI amounts at the int64 maximum instead of rejecting them.
_BINARY_CAP = Decimal(2**63 - 1)
# Kubernetes accepts decimal quantities of any size, but nothing real comes near this (an int64 count of the
# largest suffix, E), and a bound keeps every later sum exact and cheap: "1e1000000" is a typo, not a request.
_MAX_MAGNITUDE = Decimal(f"{2**63 - 1}E18")
_MAX_ADJUSTED = len(str(2**63 - 1)) - 1 + 18  # the decimal exponent of _MAX_MAGNITUDE's leading digit
_TOO_LARGE = "quantity too large: its magnitude must not exceed 9223372036854775807E ((2^63-1) * 10^18)"

_NANO = Decimal("1E-9")
_ZERO = Decimal(0)
_ONE = Decimal(1)
# Every Quantity is a multiple of 1n and at most _MAX_MAGNITUDE (under 47 digits), so sums and differences
# of two never need more than 48 digits: this precision makes all arithmetic here exact.
_EXACT = Context(prec=100, rounding=ROUND_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity; the message says why, for the user."""


class Quantity:
    """An exact quantity and the format (suffix family) Kubernetes prints it in.

    Immutable and hashable; equality and ordering compare values only (1Gi == 1073741824), as `Cmp` does.
    """

    __slots__ = ("format", "value")

    value: Decimal
    format: str

    def __init__(self, value: Decimal | int, format: str = DECIMAL_SI) -> None:
        if format not in _FORMATS:
            raise QuantityError(f"unknown quantity format {format!r}: use one of {', '.join(_FORMATS)}")
        if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
            raise QuantityError(f"a quantity's value must be a Decimal or an int, not {type(value).__name__}")
        number = Decimal(value)
        if not number.is_finite():
            raise QuantityError(f"a quantity must be a finite number, not {number}")
        if number and (number.adjusted() > _MAX_ADJUSTED or number.copy_abs() > _MAX_MAGNITUDE):
            raise QuantityError(_TOO_LARGE)
        if _exponent(number) < -9:
            # Kubernetes rounds anything finer than 1n away from zero: asking for some gets some.
            number = number.quantize(_NANO, rounding=ROUND_UP, context=_EXACT)
        # One spelling per value (2000, not 2E+3 or 2000.000), so `value` reads plainly wherever it is shown.
        if not number:
            number = _ZERO  # also for "-0", which must print as "0"
        elif number == number.to_integral_value(context=_EXACT):
            number = number.quantize(_ONE, context=_EXACT)
        else:
            number = number.normalize(_EXACT)
        object.__setattr__(self, "value", number)
        object.__setattr__(self, "format", format)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Quantity is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Quantity is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[Quantity], tuple[Decimal, str]]:
        # copy, deepcopy and pickle would otherwise rebuild the object through the blocked __setattr__.
        return Quantity, (self.value, self.format)

    def is_zero(self) -> bool:
        return not self.value

    def __add__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        # Add and Sub keep the receiver's format, except that a zero receiver takes the operand's: a running
        # total that starts at 0 and adds 1Gi prints "1Gi".
        return Quantity(_EXACT.add(self.value, other.value), other.format if self.is_zero() else self.format)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return Quantity(
            _EXACT.subtract(self.value, other.value), other.format if self.is_zero() else self.format
        )

    def __neg__(self) -> Quantity:
        return Quantity(self.value.copy_negate(), self.format)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value == other.value

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value != other.value

    def __lt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value <= other.value

    def __gt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value > other.value

    def __ge__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value >= other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Quantity(Decimal('{self.value}'), {self.format!r})"

    def __str__(self) -> str:
        """Kubernetes' canonical form (CanonicalizeBytes): no fraction, the largest suffix that loses nothing."""
        if not self.value:
            return "0"
        sign = "-" if self.value < 0 else ""
        magnitude = self.value.copy_abs()
        fmt = self.format
        if fmt == BINARY_SI:
            whole = int(magnitude)
            # Small or fractional BinarySI amounts print as DecimalSI rather than round ("0.5Ki" is "512").
            if whole >= 1024 and whole == magnitude:
                power = 0
                while whole % 1024 == 0:
                    whole //= 1024
                    power += 1
                if power < len(_BINARY_SYMBOLS):
                    return f"{sign}{whole}{_BINARY_SYMBOLS[power]}"
                # Past Ei there is no binary suffix: newer Kubernetes prints the exact decimal form instead
                # of dropping the suffix (2^70 used to print as "1").
            fmt = DECIMAL_SI
        exponent = _exponent(magnitude)
        mantissa = int("".join(map(str, magnitude.as_tuple().digits)))
        while mantissa % 10 == 0:
            mantissa //= 10
            exponent += 1
        shift = exponent % 3  # floor to a multiple of 3, so the mantissa grows and stays an integer
        mantissa *= 10**shift
        exponent -= shift
        if fmt == DECIMAL_SI:
            symbol = _DECIMAL_SYMBOLS.get(exponent)
            if symbol is not None:
                return f"{sign}{mantissa}{symbol}"
            # Beyond E there is no SI suffix: Kubernetes (since PR 140459) falls back to the exponent form.
        return f"{sign}{mantissa}e{exponent}" if exponent else f"{sign}{mantissa}"


def parse_quantity(value: str | int | float) -> Quantity:  # noqa: PYI041 - ints take their own path
    """Parse a quantity as `resource.ParseQuantity` does; YAML numbers are read as their decimal text.

    Raises QuantityError, and nothing else, for anything that is not a quantity.
    """
    if isinstance(value, bool):
        raise QuantityError(f"quantities must be strings or numbers, not {str(value).lower()}")
    if isinstance(value, str):
        text = value
    elif isinstance(value, int):
        if abs(value) > _MAX_MAGNITUDE:  # before str(), which refuses ints past 4300 digits
            raise QuantityError(_TOO_LARGE)
        text = str(value)
    elif isinstance(value, float):
        # repr() is the shortest text that reads back as this float: 0.1 stays "0.1", never 0.1000000000000000055.
        text = repr(value)
        if text in ("nan", "inf", "-inf"):
            raise QuantityError(f"a quantity must be a finite number, not {text}")
    else:
        kind = "null" if value is None else type(value).__name__
        raise QuantityError(f"quantities must be strings or numbers, not {kind}")
    return _parse(text)


def _parse(text: str) -> Quantity:
    negative, whole, fraction, suffix = _split(text)
    base, exponent, fmt = _interpret(suffix)
    coefficient = (whole + fraction).lstrip("0")
    if not coefficient:
        return Quantity(0, fmt)
    scale = -len(fraction)
    # Enough digits for the exact product with 2^60 and an exponent range wide enough for any input.
    context = Context(prec=len(coefficient) + 100, rounding=ROUND_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)
    if base == 10:
        scale += exponent
        adjusted = len(coefficient) - 1 + scale
        if adjusted > _MAX_ADJUSTED:
            raise QuantityError(_TOO_LARGE)
        # Anything under 1e-10 rounds up to 1n; deciding that here spares building 1e-2147483647.
        magnitude = _NANO if adjusted < -10 else Decimal(f"{coefficient}E{scale}")
    elif len(coefficient) - 1 + scale >= 19:
        magnitude = _BINARY_CAP  # at least 1e19 * 1024: over the cap, so no need to multiply huge inputs
    else:
        magnitude = min(
            context.multiply(Decimal(f"{coefficient}E{scale}"), Decimal(2**exponent)), _BINARY_CAP
        )
    if _exponent(magnitude) < -9:
        magnitude = magnitude.quantize(_NANO, rounding=ROUND_UP, context=context)
    if fmt == BINARY_SI and magnitude < 1:
        fmt = DECIMAL_SI  # a fraction of a byte has no binary suffix; Kubernetes switches, too
    return Quantity(magnitude.copy_negate() if negative else magnitude, fmt)


def _split(text: str) -> tuple[bool, str, str, str]:
    """Sign, whole digits, fraction digits and suffix text, or QuantityError if the shape is wrong."""
    rest = text
    negative = rest.startswith("-")
    if rest[:1] in ("-", "+"):
        rest = rest[1:]
    whole, rest = _leading_digits(rest)
    fraction = ""
    if rest.startswith("."):
        fraction, rest = _leading_digits(rest[1:])
    suffix = rest
    tail = rest.lstrip(_SUFFIX_LETTERS)
    if tail[:1] in ("-", "+"):
        tail = tail[1:]
    if not text or tail.lstrip(_DIGITS):
        raise QuantityError(_FORMAT_MESSAGE)
    if not whole and not fraction:
        # Go's scanner would read "-", "." or "Ki" as 0; the grammar, and the OpenAPI pattern the API
        # server checks CRD fields against first, both require a digit.
        raise QuantityError("unable to parse numeric part of quantity: it has no digits")
    return negative, whole, fraction, suffix


def _exponent(number: Decimal) -> int:
    """The exponent of a finite Decimal (as_tuple() types it as possibly a NaN or infinity marker)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int), number
    return exponent


def _leading_digits(text: str) -> tuple[str, str]:
    rest = text.lstrip(_DIGITS)
    return text[: len(text) - len(rest)], rest


def _interpret(suffix: str) -> tuple[int, int, str]:
    """The base, exponent and format a suffix stands for, as apimachinery's suffixer reads it."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        body = suffix[1:]
        digits = body[1:] if body[:1] in ("-", "+") else body
        if digits and not digits.lstrip(_DIGITS):
            significant = digits.lstrip("0")
            # Compare lengths first: int() of a long string is slow, and refused past 4300 digits.
            if len(significant) <= len(str(_MAX_EXPONENT)) and int(significant or "0") <= _MAX_EXPONENT:
                exponent = int(significant or "0")
                return 10, -exponent if body.startswith("-") else exponent, DECIMAL_EXPONENT
            raise QuantityError(
                f"unable to parse quantity's suffix {suffix!r}: "
                f"the exponent must be between -{_MAX_EXPONENT} and {_MAX_EXPONENT}"
            )
    message = f"unable to parse quantity's suffix {suffix!r}: use one of {_SUFFIX_CHOICES}"
    recased = suffix[:1].swapcase() + suffix[1:]
    # A bare "e" more likely lost its exponent than meant exa, so it gets no hint.
    if suffix != "e" and (recased in _DECIMAL_SUFFIXES or recased in _BINARY_SUFFIXES):
        message += f" (did you mean {recased!r}?)"
    raise QuantityError(message)
