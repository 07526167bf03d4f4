"""Kubernetes resource quantities (k8s.io/apimachinery `resource.Quantity`), parsed, compared, added and printed
as the API machinery does, exactly (as whole nanounits) and never as a float, so that DPF's resource-fitting
check (flavor dpuResources minus systemReservedResources against the templates' resourceRequirements) gets the
same answer and prints the same canonical strings ("1Gi", "100m", "1536Mi") that Kubernetes would.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from decimal import Decimal
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

# Kubernetes rounds every amount finer than 1n up to a whole 1n, so an amount is an exact count of nanounits:
# a Python int, which adds, subtracts and compares exactly and costs no import (`decimal` would add about a
# millisecond to every start of the KRM function).
_NANOS_PER_UNIT = 10**9
# ParseQuantity caps BinarySI amounts at the int64 maximum instead of rejecting them.
_BINARY_CAP = 2**63 - 1
# Kubernetes accepts decimal quantities of any size, but nothing real comes near this (an int64 count of the
# largest suffix, E), and a bound keeps every later sum exact and cheap: "1e1000000" is a typo, not a request.
_MAX_NANOS = (2**63 - 1) * 10**18 * _NANOS_PER_UNIT
_MAX_ADJUSTED = len(str(2**63 - 1)) - 1 + 18  # the decimal exponent of the bound's leading digit
_TOO_LARGE = "quantity too large: its magnitude must not exceed 9223372036854775807E ((2^63-1) * 10^18)"


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity; the message says why, for the user."""


class Quantity:
    """An exact quantity and the format (suffix family) Kubernetes prints it in.

    Immutable and hashable; equality and ordering compare values only (1Gi == 1073741824), as `Cmp` does.
    """

    __slots__ = ("_nanos", "format")

    _nanos: int
    format: str

    def __init__(self, value: Decimal | int, format: str = DECIMAL_SI) -> None:
        if isinstance(value, bool):
            raise QuantityError("a quantity's value must be a Decimal or an int, not bool")
        if isinstance(value, int):
            if abs(value) > _MAX_NANOS:  # before multiplying an int that may have millions of digits
                raise QuantityError(_TOO_LARGE)
            nanos = value * _NANOS_PER_UNIT
        else:
            nanos = _decimal_nanos(value)
        _init(self, nanos, format)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Quantity is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Quantity is immutable: cannot delete {name!r}")

    def __reduce__(self) -> tuple[object, tuple[int, str]]:
        # copy, deepcopy and pickle would otherwise rebuild the object through the blocked __setattr__.
        return _from_nanos, (self._nanos, self.format)

    @property
    def value(self) -> Decimal:
        """The amount as an exact Decimal, spelled one way per value (2000, not 2E+3 or 2000.000)."""
        from decimal import Context, Decimal

        whole, fraction = divmod(abs(self._nanos), _NANOS_PER_UNIT)
        sign = "-" if self._nanos < 0 else ""
        if not fraction:
            return Decimal(f"{sign}{whole}")
        return Decimal(f"{sign}{whole}.{fraction:09d}").normalize(Context(prec=100))

    def is_zero(self) -> bool:
        return not self._nanos

    def __add__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        # Add and Sub keep the receiver's format, except that a zero receiver takes the operand's: a running
        # total that starts at 0 and adds 1Gi prints "1Gi".
        return _from_nanos(self._nanos + other._nanos, other.format if self.is_zero() else self.format)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return _from_nanos(self._nanos - other._nanos, other.format if self.is_zero() else self.format)

    def __neg__(self) -> Quantity:
        return _from_nanos(-self._nanos, self.format)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._nanos == other._nanos

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._nanos != other._nanos

    def __lt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._nanos < other._nanos

    def __le__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._nanos <= other._nanos

    def __gt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._nanos > other._nanos

    def __ge__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self._nanos >= other._nanos

    def __hash__(self) -> int:
        return hash(self._nanos)

    def __repr__(self) -> str:
        return f"Quantity(Decimal('{self.value}'), {self.format!r})"

    def __str__(self) -> str:
        """Kubernetes' canonical form (CanonicalizeBytes): no fraction, the largest suffix that loses nothing."""
        if not self._nanos:
            return "0"
        sign = "-" if self._nanos < 0 else ""
        magnitude = abs(self._nanos)
        fmt = self.format
        if fmt == BINARY_SI:
            whole, fraction = divmod(magnitude, _NANOS_PER_UNIT)
            # Small or fractional BinarySI amounts print as DecimalSI rather than round ("0.5Ki" is "512").
            if whole >= 1024 and not fraction:
                power = 0
                while whole % 1024 == 0:
                    whole //= 1024
                    power += 1
                if power < len(_BINARY_SYMBOLS):
                    return f"{sign}{whole}{_BINARY_SYMBOLS[power]}"
                # Past Ei there is no binary suffix: newer Kubernetes prints the exact decimal form instead
                # of dropping the suffix (2^70 used to print as "1").
            fmt = DECIMAL_SI
        mantissa, exponent = magnitude, -9
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


def _init(quantity: Quantity, nanos: int, format: str) -> None:
    if format not in _FORMATS:
        raise QuantityError(f"unknown quantity format {format!r}: use one of {', '.join(_FORMATS)}")
    if abs(nanos) > _MAX_NANOS:
        raise QuantityError(_TOO_LARGE)
    object.__setattr__(quantity, "_nanos", nanos)
    object.__setattr__(quantity, "format", format)


def _from_nanos(nanos: int, format: str) -> Quantity:
    quantity = Quantity.__new__(Quantity)
    _init(quantity, nanos, format)
    return quantity


def _decimal_nanos(value: object) -> int:
    """A Decimal as a count of nanounits, finer amounts rounded away from zero as Kubernetes rounds them."""
    from decimal import MAX_EMAX, MIN_EMIN, ROUND_UP, Context, Decimal

    if not isinstance(value, Decimal):
        raise QuantityError(f"a quantity's value must be a Decimal or an int, not {type(value).__name__}")
    if not value.is_finite():
        raise QuantityError(f"a quantity must be a finite number, not {value}")
    if value and value.adjusted() > _MAX_ADJUSTED:
        raise QuantityError(_TOO_LARGE)
    exact = Context(prec=100, rounding=ROUND_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)
    return int(value.scaleb(9, context=exact).to_integral_value(context=exact))


def parse_quantity(value: str | int | float) -> Quantity:  # noqa: PYI041 - ints take their own path
    """Parse a quantity as `resource.ParseQuantity` does; YAML numbers are read as their decimal text.

    Raises QuantityError, and nothing else, for anything that is not a quantity.
    """
    if isinstance(value, bool):
        raise QuantityError(f"quantities must be strings or numbers, not {str(value).lower()}")
    if isinstance(value, str):
        text = value
    elif isinstance(value, int):
        if abs(value) * _NANOS_PER_UNIT > _MAX_NANOS:  # before str(), which refuses ints past 4300 digits
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


def marshal_text(text: str) -> str:
    """The text Quantity.MarshalJSON writes for ParseQuantity(text): the text as written when ParseQuantity
    kept it, else the canonical form ("0.1" becomes "100m", "1024Mi" becomes "1Gi").

    ParseQuantity keeps the input string only on its int64 fast path (k8s.io/apimachinery/pkg/api/resource,
    quantity.go), where it judges the text already canonical by a few cheap tests that also pass some
    non-canonical spellings ("+1", "01", "1.500", "1E3" are written back as is).
    Raises QuantityError, and nothing else, for anything that is not a quantity.
    """
    if text == "0":
        return text
    negative, whole, fraction, suffix = _split(text)
    base, exponent, fmt = _interpret(suffix)
    num = whole.lstrip("0") or "0"
    shifted = num + fraction
    if base == 2:
        # The fast path takes no binary fraction, and needs precision = 15 - len(num) - exponent*3/10 - 1 not
        # to be negative (which also keeps int(shifted) small).
        kept = (
            not fraction
            and 15 - len(num) - exponent * 3 // 10 - 1 >= 0
            and int(shifted) << exponent <= _BINARY_CAP
            and int(shifted) & 7 != 0
        )
    else:
        scale = exponent - len(fraction)
        kept = (
            len(shifted) <= 18
            and scale >= -9
            and scale % 3 == 0
            and not shifted.endswith("000")
            and shifted[0] != "0"
        )
    if kept:
        return text
    return str(_amount(negative, whole, fraction, base, exponent, fmt))


def _parse(text: str) -> Quantity:
    negative, whole, fraction, suffix = _split(text)
    return _amount(negative, whole, fraction, *_interpret(suffix))


def _amount(negative: bool, whole: str, fraction: str, base: int, exponent: int, fmt: str) -> Quantity:
    """The quantity of a split text and its interpreted suffix (base, exponent, format)."""
    coefficient = (whole + fraction).lstrip("0")
    if not coefficient:
        return _from_nanos(0, fmt)
    # The amount is int(coefficient) * 10**scale, times 2**exponent for a binary suffix: in nanounits, that
    # divided by 10**(-9 - scale), rounded up.
    scale = -len(fraction)
    if base == 10:
        scale += exponent
        adjusted = len(coefficient) - 1 + scale
        if adjusted > _MAX_ADJUSTED:
            raise QuantityError(_TOO_LARGE)
        nanos = _round_up(coefficient, -9 - scale, 0)
    elif len(coefficient) - 1 + scale >= 19:
        nanos = _BINARY_CAP * _NANOS_PER_UNIT  # at least 1e19 * 1024: over the cap, so no need to multiply
    else:
        nanos = min(_round_up(coefficient, -9 - scale, exponent), _BINARY_CAP * _NANOS_PER_UNIT)
    if fmt == BINARY_SI and nanos < _NANOS_PER_UNIT:
        fmt = DECIMAL_SI  # a fraction of a byte has no binary suffix; Kubernetes switches, too
    return _from_nanos(-nanos if negative else nanos, fmt)


def _round_up(digits: str, finer: int, twos: int) -> int:
    """ceil(int(digits) * 2**twos / 10**finer) for a nonzero coefficient, exactly.

    A long tail of digits is never turned into an int (Python refuses past 4300 digits, and it would be slow):
    as 10**finer = 10**(finer - twos) * 5**twos * 2**twos, dividing by 10**(finer - twos) drops that many
    trailing digits, which then only say whether the result rounds up.
    """
    tail = ""
    if finer <= 0:
        numerator: int = int(digits) * 2**twos * 10 ** (-finer)
        divisor: int = 1
    elif finer < twos:
        numerator, divisor = int(digits) * 2 ** (twos - finer), 5**finer
    else:
        cut = max(len(digits) - (finer - twos), 0)
        numerator, divisor, tail = int(digits[:cut] or "0"), 5**twos, digits[cut:]
    quotient, remainder = divmod(numerator, divisor)
    return quotient + (1 if remainder or tail.strip("0") else 0)


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
