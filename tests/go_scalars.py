"""A generated table of strings that Kubernetes' Go YAML readers may read as something else, and their verdicts.

`TABLE` covers every rule of go-yaml's resolver (branches v2 and v3 of `resolve.go`) and of the Go parsers
it calls: the fixed words in their spellings and near misses, integers and floats in every sign, base
prefix, `_` placement and range edge, and timestamps in each layout with their range edges. `READERS` pins
what kubectl 1.32 (go-yaml v2 through sigs.k8s.io/yaml) and kustomize 5.6 (go-yaml v3 through kyaml) were
seen to read, so the model is tested against the real readers' behaviour even where they are not installed.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from .conftest import EXAMPLE_INPUT_FILES, PRODUCER_CONSUMER

# The strings of the report: each was written plain, and a Go reader read a boolean or a number.
REPORTED = ("y", "n", "Y", "N", "1e3", "08", "0o17", "9887831e50")

_WORDS = (
    *("y", "Y", "yes", "Yes", "YES", "yEs", "n", "N", "no", "No", "NO", "nO", "on", "On", "ON", "oN"),
    *("off", "Off", "OFF", "oFF", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "fALSE"),
    *("null", "Null", "NULL", "nULL", "~", "<<", "=", "nan", "NaN", "inf", "+inf", "-Infinity", "Infinity"),
    *(".nan", ".NaN", ".NAN", ".nAn", ".inf", ".Inf", ".INF", ".iNf", "+.inf", "+.INF", "-.inf", "-.Inf"),
    *("yes!", "y2", "nope", "one", "0n", "t", "f", "o", "O", "T", "F"),
)
_BODIES = (
    *("0", "00", "007", "08", "09", "0777", "0778", "1", "42", "9887831", "10"),
    *("0o17", "0O17", "0o8", "0o", "0b101", "0B101", "0b2", "0b", "0x1F", "0X1f", "0xg", "0x", "0xDEADBEEF"),
    *("0b+1", "0b-1", "0b+", "0o+17", "0o-17", "0x+1", "0b+1_0", "0o+1_7"),
    *("1_000", "1__0", "_1", "1_", "0_x1", "0x_1", "0_b1", "0b_1", "0o_7", "1_0_", "1_e3", "1e_3", "1e3_"),
    *("1.5", "1.", "5.", ".5", "1e3", "1E3", "1e+3", "1e-3", "1.5e3", "1.e3", ".5e3", "1e", "1e+", "e3"),
    *("1.5.5", "1_0.5", "1.5_0", "1e1_0", ".5_5", "._5", ".5_", ".5e1_0", ".5e_1", "._", ".", ".e5"),
    *("9887831e50", "40832582e3", "0e0", "0e99999", "00e1", "1e5a", "1p3", "0x1p3", "0x1.8p1"),
    *("9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616"),
    *("99999999999999999999", "0x7fffffffffffffff", "0x8000000000000000", "0xffffffffffffffff"),
    *("0x10000000000000000", "0b" + "1" * 63, "0b1" + "0" * 63, "0b1" + "0" * 64, "0777777777777777777777"),
    *("07777777777777777777777777", "0o1777777777777777777777", "0o2" + "0" * 21),
    *("1e308", "1e309", "1.7976931348623157e308", "1.7976931348623159e308", "1e-400", ".5e400", ".5e-400"),
    *("1:20", "1:20:30", "1:2.5", "10.0.0.1", "1.2.3", "1.0.0-rc1", "1k", "1Mi", "100m", "1/2", "1+2"),
)
_DATES = (
    *("2024-01-02", "2024-1-2", "2024-13-01", "2024-0-1", "2024-02-29", "2023-02-29", "2024-02-30"),
    *("2024-11-31", "2024-12-31", "0000-02-29", "1900-02-29", "2000-02-29", "2024-001-2", "2024-1-002"),
    *("2024-01-0", "2024-1-2x", "20240-1-2", "202-1-2", "2024-", "2024-1-2T3:4:5Z", "2024-1-2t3:4:5Z"),
    *("2024-1-2T1:2:3-05:00", "2024-01-02T03:04:05.123+01:00", "2024-01-02T03:04:05,5Z", "2024-01-02T3:4:5"),
    *("2024-01-02T24:00:00Z", "2024-01-02T23:60:00Z", "2024-01-02T23:59:60Z", "2024-1-2T01:02:03z"),
    *("2024-01-02T03:04:05+25:00", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+01:61"),
    *("2024-01-02T03:04:05+01:60", "2024-01-02T03:04:05+0100", "2024-01-02T03:04:05.Z", "2024-1-2T1:2:3.5"),
    *("2024-1-2 3:4:5", "2024-1-2  3:4:5", "2024-1-2 3:4:5Z", "2024-01-02 03:04:05.5", "2024-1-2 3:4:5,25"),
    *("2024-01-02 03:04:05 +01:00", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5"),
)


def _table() -> tuple[str, ...]:
    signed = ("".join(p) for p in itertools.product(("", "+", "-"), _BODIES))
    # `_` is dropped before numbers are tried, wherever it stands (but not first: `_` has no hint).
    underscored = (
        f"{b[:i]}_{b[i:]}" for b in ("1e3", "0x1F", "08", "1.5", "0o17") for i in range(1, len(b) + 1)
    )
    seen: dict[str, None] = {}
    for text in itertools.chain(REPORTED, _WORDS, signed, underscored, _DATES):
        seen.setdefault(text, None)
    return tuple(seen)


TABLE = _table()

# (text, what kubectl 1.32 reads, what kustomize 5.6 reads) as observed with the real tools: "str" means
# the same string came back. Pinned here so the model's tests need no tool.
READERS = (
    ("y", "bool", "str"),
    ("N", "bool", "str"),
    ("on", "bool", "str"),
    ("True", "bool", "bool"),
    ("tRUE", "str", "str"),
    ("~", "null", "null"),
    ("1e3", "float", "float"),
    ("08", "float", "float"),
    ("0o17", "int", "int"),
    ("9887831e50", "float", "float"),
    ("0b+101", "int", "int"),
    ("0o+17", "str", "int"),
    ("1_", "int", "int"),
    ("-_1", "int", "int"),
    ("._5", "str", "str"),
    (".5_5", "float", "float"),
    ("1e400", "str", "str"),
    ("1.5e400", "str", "str"),
    (".5e-400", "float", "float"),
    ("0x1ffffffffffffffffffff", "str", "str"),
    ("18446744073709551615", "int", "int"),
    ("99999999999999999999", "float", "float"),
    ("0777777777777777777777777", "float", "float"),
    ("1__0_._5", "float", "float"),
    ("+.5", "float", "float"),
    ("0B1", "int", "int"),
    ("-0x1F", "int", "int"),
    ("0O17", "int", "int"),
    (".5e1_0", "float", "float"),
    ("2024-1-2", "str", "timestamp"),
    ("2024-1-2 3:4:5", "str", "timestamp"),
    ("2024-02-30", "str", "str"),
    ("2024-01-02T24:00:00Z", "str", "str"),
    ("1:20", "str", "str"),
    ("0x1p3", "str", "str"),
    ("+inf", "str", "str"),
    ("10.0.0.1", "str", "str"),
)


# With this rate the example's producer gets the content digest `93352774e4`, a float to Go readers.
DIGEST_RATE = 318
DIGEST = "93352774e4"


def example_with_rate(target: Path, rate: int = DIGEST_RATE) -> Path:
    """The producer-consumer example's inputs in `target`, the producer's `rate` value replaced."""
    target.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_INPUT_FILES:
        shutil.copy(PRODUCER_CONSUMER / name, target / name)
    configurations = target / "dpuserviceconfigurations.yaml"
    text = configurations.read_text(encoding="utf-8")
    assert text.count("rate: 5000") == 1
    configurations.write_text(text.replace("rate: 5000", f"rate: {rate}"), encoding="utf-8")
    return target
