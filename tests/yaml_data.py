"""Data that makes YAML tricky, for the reader's and the writer's property tests, and PyYAML as the reference.

Indicators, look-alikes of numbers, booleans and dates, quotes, line breaks, non-printable and non-ASCII
characters, long keys: generated documents full of them pin dpf-render's YAML reader and writer to PyYAML.
"""

from __future__ import annotations

import math

import yaml
from hypothesis import strategies as st

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class ReferenceLoader(yaml.CSafeLoader):
    """PyYAML's safe loader with timestamps kept as strings, as dpf-render reads them."""


ReferenceLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    ReferenceLoader.construct_yaml_str,  # type: ignore[type-var]
)


def reference_load(text: str) -> list[Any]:
    return [d for d in yaml.load_all(text, Loader=ReferenceLoader) if d is not None]


TRICKY = [
    *("", " ", "null", "Null", "NULL", "~", "yes", "No", "on", "OFF", "y", "n", "true", "False"),
    *("0", "-0", "+1", "0x1F", "0o17", "017", "0b101", "1_000", "1:20", "190:20:30", "1.5", ".5", "1."),
    *("1e5", "1.0e+5", ".inf", "-.Inf", ".nan", "2024-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "="),
    *("-", "- a", "-a", "--- x", "---", "...", "? a", "?a", ": a", ":a", "a: b", "a:", "a:b", "#c", "a #c"),
    *("a#c", "'q'", '"q"', "it's", "@x", "`x", "%x", "&a", "*a", "!t", "|", ">", "[a]", "{a}", ",", "a,b"),
    *("é", "\xa0", "\xa0x", "x\u2028y", "\ufeff", "a\x85b", "😀", "\t", "a\tb", "\r\n", "a\n", "a\n\n", "\n"),
    *(
        " a\nb",
        "a \nb",
        "a\n b",
        "a\nb ",
        "a\n\nb\n",
        "\n\na",
        "\\",
        "\x00",
        "\x7f",
        "\x9f",
        "\ue000",
        "\ufffd",
    ),
    *("a" * 128, "a" * 129, "é" * 64, "é" * 65, "{{ .Services.a.Name }}", "http://x:80/a", "a: b\nc: d\n"),
    # Strings only Kubernetes' Go readers take for something else (tests/test_goresolve.py has the rest).
    *(
        "Y",
        "N",
        "oN",
        "1e3",
        "08",
        "9887831e50",
        "0o+17",
        "0b+1",
        "1_",
        "-_1",
        "._5",
        "2024-1-2",
        "2024-1-2 3:4:5",
    ),
]
# Line separators (U+2028/9) and keys over 128 bytes are left to PyYAML; they stay rare here so that most
# examples exercise the emitter itself (test_most_documents_take_the_fast_path).
ALPHABET = list(" \n\t:#-?'\"\\abcxyz019.,[]{}&*!|>%@`~é\xa0\ufeff\x85😀\x7f\r")
strings = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.sampled_from(ALPHABET), max_size=12),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\u2028\u2029"), max_size=8
    ),
    st.text(max_size=8),
    st.text(alphabet="ab é", min_size=120, max_size=140),
)
scalars = st.one_of(strings, st.integers(), st.floats(), st.booleans(), st.none())
_BREAKS = "\n\r\x85\u2028\u2029"
key_strings = st.one_of(
    st.sampled_from([t for t in TRICKY if len(t) <= 64 and not any(b in t for b in _BREAKS)]),
    st.text(alphabet=st.sampled_from([c for c in ALPHABET if c not in _BREAKS]), max_size=12),
)
keys = st.one_of(key_strings, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
data = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=24,
)
documents = st.one_of(
    st.dictionaries(keys, data, max_size=6), st.lists(data, max_size=4), st.dictionaries(key_strings, data)
)


def without_nan(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    if isinstance(value, dict):
        return all(without_nan(k) and without_nan(v) for k, v in value.items())
    if isinstance(value, list):
        return all(without_nan(v) for v in value)
    return True
