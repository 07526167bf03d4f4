"""How Kubernetes' Go YAML readers resolve a plain (unquoted) scalar: is it still this string?

kubectl, Argo CD and Helm read YAML with sigs.k8s.io/yaml, which parses with go-yaml v2 (YAML 1.1 words
such as `y`, `no`, `on`; numbers in Go's own syntax) and converts the result to JSON. kustomize and kpt read
with kyaml, which parses with go-yaml v3 (YAML 1.2 words, the same Go number syntax, plus `0o+17` octals and
timestamps that become `time.Time` and come back rewritten as RFC 3339). PyYAML follows neither, so a string
that PyYAML keeps (`y`, `1e3`, `08`, `0o17`, `9887831e50`) can come back from them as a boolean or a number.
This module models both resolvers, restated from go-yaml's `resolve.go` (branches v2 and v3, the same code in
go.yaml.in/yaml v2.4.2 and v3.0.4) and Go's `strconv.ParseInt`, `strconv.ParseFloat` and `time.Parse`;
docs/output-format.md explains the rules. The writer quotes every string either reader would not keep.

Nothing here is compiled or built at import: the writer asks once per distinct string, and almost every
string is settled by a word lookup and its first character.
"""

from __future__ import annotations

STR, BOOL, INT, FLOAT, NULL, MERGE, TIMESTAMP = "str", "bool", "int", "float", "null", "merge", "timestamp"

# go-yaml resolve.go `resolveMapList`: exact spellings, looked up before anything else.
_COMMON_WORDS = {
    **dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), BOOL),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), NULL),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), FLOAT),
    **dict.fromkeys((sign + inf for sign in ("", "+", "-") for inf in (".inf", ".Inf", ".INF")), FLOAT),
    # Not in resolve()'s reach (`<` has no hint), but decode.go's isMerge treats a plain `<<` key as a
    # merge; quoted as a value too, as PyYAML does.
    "<<": MERGE,
}
_V3_WORDS = _COMMON_WORDS
# v2 adds the YAML 1.1 booleans (v3 dropped them).
_V2_WORDS = {
    **_COMMON_WORDS,
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), BOOL),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), BOOL),
}
# resolve.go `resolveTable`: only these first bytes can start a number.
_NUMBER_START = frozenset("+-0123456789.")
_DIGITS = "0123456789"
_BINARY = "01"
_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Go's strconv/atof.go readFloat stops adding exponent digits past 10,000, so on a very long text Python's
# overflow verdict could differ from Go's: beyond this length a float-shaped text counts as a number.
_EXACT_FLOAT_LENGTH = 400


def is_non_string(text: str) -> bool:
    """Whether go-yaml v2 or v3 would read the plain scalar `text` as anything but this same string.

    The writer's question: v2's fixed words are v3's plus the YAML 1.1 booleans, and v3 reads a number
    wherever v2 does (the same code, plus `0o` and timestamps), so v2's words and v3's numbers cover both.
    """
    return text in _V2_WORDS or (text[:1] in _NUMBER_START and _number_kind(text, v3=True) != STR)


def v2_kind(text: str) -> str:
    """What go-yaml v2 (sigs.k8s.io/yaml: kubectl, Argo CD, Helm) reads a plain scalar as, into a Go interface.

    go-yaml v2 tags timestamps but hands them to an interface as the original string (decode.go), so they
    stay strings here.
    """
    return _kind(text, _V2_WORDS, v3=False)


def v3_kind(text: str) -> str:
    """What go-yaml v3 (kyaml: kustomize, kpt) reads a plain scalar as, into a Go interface."""
    return _kind(text, _V3_WORDS, v3=True)


def _kind(text: str, words: dict[str, str], *, v3: bool) -> str:
    found = words.get(text)
    if found is not None:
        return found
    return _number_kind(text, v3=v3) if text[:1] in _NUMBER_START else STR


def _number_kind(text: str, *, v3: bool) -> str:
    """resolve.go for a scalar starting with a sign, a digit or `.` that is none of the fixed words."""
    if text[0] == ".":
        return FLOAT if _go_parse_float(text) else STR
    if _looks_like_timestamp(text) and _go_timestamp(text):
        return TIMESTAMP if v3 else STR
    plain = text.replace("_", "")  # resolve.go drops every `_` before trying numbers
    if _go_int_syntax(plain) and _fits_64_bits(plain):
        return INT
    # Too large for 64 bits, or not an integer: the float form, decimal only (a binary, octal or hex
    # literal too large for 64 bits stays a string); overflow to infinity is an error, so a string too.
    if _yaml_style_float(plain) and _finite(plain):
        return FLOAT
    # The extra branches after the generic parse: `0b` (and in v3 `0o`) followed by a signed number.
    if _signed_after_prefix(plain, "0b", _BINARY, 2):
        return INT
    if v3 and _signed_after_prefix(plain, "0o", _OCTAL, 8):
        return INT
    return STR


def _unsigned(text: str) -> tuple[int, str]:
    sign = -1 if text[:1] == "-" else 1
    return sign, text[1:] if text[:1] in ("+", "-") else text


def _go_int_syntax(plain: str) -> bool:
    """strconv.ParseInt(plain, 0, 64) or ParseUint accepts the syntax (range aside): Go integer literals."""
    _, body = _unsigned(plain)
    if not body:
        return False
    if body[0] != "0":
        return _only(body, _DIGITS)
    if len(body) >= 3 and body[1] in "bBoOxX":
        return _only(body[2:], {"b": _BINARY, "o": _OCTAL, "x": _HEX}[body[1].lower()])
    return len(body) == 1 or _only(body[1:], _OCTAL)  # a leading 0 means octal; `0` alone is zero


def _fits_64_bits(plain: str) -> bool:
    """ParseInt in int64, or (unsigned only) ParseUint in uint64."""
    sign, body = _unsigned(plain)
    if body[:2].lower() in ("0b", "0o", "0x"):
        value = int(body[2:], {"b": 2, "o": 8, "x": 16}[body[1].lower()])
    elif len(body) > 1 and body[0] == "0":
        value = int(body[1:], 8)
    elif len(body) > 20:  # more digits than 2**64 has
        return False
    else:
        value = int(body)
    if plain[:1] in ("+", "-"):
        return _INT64_MIN <= sign * value <= _INT64_MAX
    return value < 2**64


def _signed_after_prefix(plain: str, prefix: str, digits: str, base: int) -> bool:
    """resolve.go's `strconv.ParseInt(plain[2:], base, 64)` after a lowercase prefix: a sign is allowed there."""
    if not plain.startswith(prefix):
        return False
    sign, body = _unsigned(plain[2:])
    if not body or not _only(body, digits):
        return False
    return _INT64_MIN <= sign * int(body, base) <= _INT64_MAX


def _yaml_style_float(plain: str) -> bool:
    """resolve.go `yamlStyleFloat`: `^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$`."""
    _, body = _unsigned(plain)
    mantissa, e, exponent = body, "", ""
    for marker in ("e", "E"):
        if marker in body:
            mantissa, e, exponent = body.partition(marker)
            break
    if e:
        exponent = exponent[1:] if exponent[:1] in ("+", "-") else exponent
        if not exponent or not _only(exponent, _DIGITS):
            return False
    whole, dot, fraction = mantissa.partition(".")
    if not whole:
        return bool(dot) and bool(fraction) and _only(fraction, _DIGITS)
    return _only(whole, _DIGITS) and (not fraction or _only(fraction, _DIGITS))


def _go_parse_float(text: str) -> bool:
    """strconv.ParseFloat(text, 64) succeeds, for a text starting with `.` (no sign, no hex, no Inf/NaN).

    Go allows `_` between digits only, and reports overflow to infinity as an error (then it is a string).
    """
    mantissa, exponent = text[1:], ""
    for marker in ("e", "E"):
        if marker in mantissa:
            mantissa, _, exponent = mantissa.partition(marker)
            exponent = exponent[1:] if exponent[:1] in ("+", "-") else exponent
            if not _digit_groups(exponent):
                return False
            break
    return _digit_groups(mantissa) and _finite(text.replace("_", ""))


def _digit_groups(text: str) -> bool:
    """Digits, with single `_` between digits (Go's underscoreOK)."""
    return bool(text) and all(group and _only(group, _DIGITS) for group in text.split("_"))


def _finite(number: str) -> bool:
    if len(number) > _EXACT_FLOAT_LENGTH:
        return True
    return float(number) not in (float("inf"), float("-inf"))


def _only(text: str, allowed: str) -> bool:
    """Non-empty and made of `allowed` only (ASCII on purpose: str.isdigit() takes any script's digits)."""
    return bool(text) and not text.strip(allowed)


# --- timestamps (v3 only turns them into time.Time) -------------------------------------------------------
# resolve.go `parseTimestamp` tries four layouts with Go's time.Parse: "2006-1-2T15:4:5.999999999Z07:00",
# the same with a lowercase "t", "2006-1-2 15:4:5.999999999" and "2006-1-2". Restated from time/format.go:
# 1-2 digit month, day, hour, minute and second taken greedily, range checks, any number of fraction digits
# after `.` or `,`, one or more spaces where the layout has one, `Z` or `±hh:mm` as the zone.


def _looks_like_timestamp(text: str) -> bool:
    """parseTimestamp's quick check: exactly four digits, then `-`."""
    return len(text) > 5 and text[4] == "-" and _only(text[:4], _DIGITS)


def _two_digits(text: str, at: int) -> tuple[int, int] | None:
    """Go's getnum(s, false): one or two digits, as many as there are."""
    if at >= len(text) or text[at] not in _DIGITS:
        return None
    if at + 1 < len(text) and text[at + 1] in _DIGITS:
        return int(text[at : at + 2]), at + 2
    return int(text[at]), at + 1


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _go_timestamp(text: str) -> bool:
    """time.Parse accepts `text` in one of parseTimestamp's layouts."""
    end = len(text)
    year = int(text[:4])
    month = _two_digits(text, 5)
    if month is None or not 1 <= month[0] <= 12 or text[month[1] : month[1] + 1] != "-":
        return False
    day = _two_digits(text, month[1] + 1)
    if day is None or not 1 <= day[0] <= _days_in(month[0], year):
        return False
    at = day[1]
    if at == end:
        return True
    zoned = text[at] in "Tt"
    if not zoned and text[at] != " ":
        return False
    at += 1
    while not zoned and at < end and text[at] == " ":
        at += 1
    for limit, separator in ((24, ":"), (60, ":"), (60, "")):
        field = _two_digits(text, at)
        if field is None or field[0] >= limit:
            return False
        at = field[1]
        if separator:
            if text[at : at + 1] != separator:
                return False
            at += 1
    if at + 1 < end and text[at] in ".," and text[at + 1] in _DIGITS:
        at += 1
        while at < end and text[at] in _DIGITS:
            at += 1
    if zoned:
        if text[at : at + 1] == "Z":
            at += 1
        else:
            zone = text[at : at + 6]
            if len(zone) < 6 or zone[0] not in "+-" or zone[3] != ":":
                return False
            if not (_only(zone[1:3], _DIGITS) and _only(zone[4:6], _DIGITS)):
                return False
            if int(zone[1:3]) > 24 or int(zone[4:6]) > 60:
                return False
            at += 6
    return at == end


__all__ = ["BOOL", "FLOAT", "INT", "MERGE", "NULL", "STR", "TIMESTAMP", "is_non_string", "v2_kind", "v3_kind"]
