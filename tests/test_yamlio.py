"""The YAML reader and writer: the same data as PyYAML's safe loader, the same bytes as its LibYAML dumper.

yamlio builds data from parser events and writes YAML with a specialised emitter, both faster than
PyYAML's own classes (issue 6). These properties pin them to PyYAML on generated data full of what makes
YAML tricky (indicators, look-alikes of numbers, booleans and dates, quotes, line breaks, non-printable and
non-ASCII characters, long keys), so the speed can never change a byte of output.
"""

from __future__ import annotations

import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin import emit, yamlio

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class _ReferenceLoader(yaml.CSafeLoader):
    """PyYAML's safe loader with timestamps kept as strings, as dpf-render reads them."""


_ReferenceLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _ReferenceLoader.construct_yaml_str,  # type: ignore[type-var]
)


def reference_load(text: str) -> list[Any]:
    return [d for d in yaml.load_all(text, Loader=_ReferenceLoader) if d is not None]


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


def _without_nan(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    if isinstance(value, dict):
        return all(_without_nan(k) and _without_nan(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_without_nan(v) for v in value)
    return True


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents)
def test_emitter_writes_what_pyyaml_writes(doc: Any) -> None:
    assert yamlio.dump_document(doc) == yamlio.pyyaml_dump(doc)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents.filter(_without_nan))
def test_what_is_written_reads_back_as_the_same_data(doc: Any) -> None:
    text = yamlio.dump_document(doc)
    assert yamlio.load_documents(text) == ([doc] if doc is not None else [])
    assert "&id" not in text
    assert "*id" not in text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents.filter(_without_nan), st.sampled_from([True, False, None]))
def test_loader_reads_what_pyyaml_reads(doc: Any, flow: bool | None) -> None:
    text = yaml.dump(doc, Dumper=yaml.CSafeDumper, default_flow_style=flow, allow_unicode=True)
    assert yamlio.load_documents(text) == reference_load(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(key_strings, data, min_size=1, max_size=6))
def test_canonical_writing_equals_writing_the_canonical_copy(doc: dict[str, Any]) -> None:
    doc = {"spec": doc, "kind": "DPUService", "metadata": {"name": "x", "b": 1, "a": [doc]}, **doc}
    assert yamlio.dump_canonical(doc, emit.TOP_KEYS) == yamlio.dump_document(emit.canonical(doc))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(st.tuples(st.dictionaries(key_strings, data, min_size=1, max_size=4), st.booleans()), max_size=4)
)
def test_generated_items_are_written_as_the_list_they_make(pairs: list[tuple[dict[str, Any], bool]]) -> None:
    generated = yamlio.Generated(lambda: pairs, emit.TOP_KEYS)
    materialised = [emit.canonical(obj) if canonical else obj for obj, canonical in pairs]
    head = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList"}
    lazy = yamlio.dump_document({**head, "items": generated, "results": [{"message": "a\n\n"}]})
    assert lazy == yamlio.dump_document({**head, "items": materialised, "results": [{"message": "a\n\n"}]})
    stream = "".join(yamlio.dump_generated_stream(pairs, emit.TOP_KEYS))
    assert stream == yamlio.dump_stream(materialised)


def test_most_documents_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fallbacks: list[Any] = []
    reference = yamlio.pyyaml_dump

    def counted(doc: Any) -> str:
        fallbacks.append(doc)
        return reference(doc)

    monkeypatch.setattr(yamlio, "pyyaml_dump", counted)
    examples = 0

    @settings(max_examples=300, suppress_health_check=list(HealthCheck), deadline=None, database=None)
    @given(documents)
    def write(doc: Any) -> None:
        nonlocal examples
        examples += 1
        yamlio.dump_document(doc)

    write()
    assert len(fallbacks) < examples * 0.2, f"{len(fallbacks)} of {examples} documents fell back to PyYAML"


def test_what_the_emitter_leaves_to_pyyaml_is_still_pyyaml_output() -> None:
    go_look_alikes: dict[str, Any] = {"k" * 129: "y", "1e3": ["08", {"n": "0o17"}]}
    cases = (
        *({"k" * 129: 1}, {"é" * 65: [1]}, {"a\nb": 1}, {"\n": 1}, {"x\ry": {"a": 1}}, {"k": "x\u2028y"}),
        go_look_alikes,
    )
    for doc in (*cases, {"k": (1, 2)}, "scalar", {"k": {1, 2}}, [{"k" * 130: "a\n"}]):
        try:
            expected = yamlio.pyyaml_dump(doc)
        except yaml.YAMLError:
            continue
        assert yamlio.dump_document(doc) == expected
    for doc in cases:
        unsorted = {"zz": doc, "apiVersion": "v1", "kind": "X"}
        assert yamlio.dump_canonical(unsorted, emit.TOP_KEYS) == yamlio.pyyaml_dump(emit.canonical(unsorted))


LOADER_CASES = {
    "anchors and aliases": "a: &x {b: [1, 2]}\nc: *x\nd: &s str\ne: *s\n",
    "merge keys": "base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nm:\n  <<: [*b, *o]\n  x: 9\nn: {<<: *b}\n",
    "explicit tags": "a: !!str 1\nb: !!int '7'\nc: !!float '1.5'\nd: !!bool 'yes'\ne: !!null ''\nf: ! 5\n",
    "YAML 1.1 scalars": "a: [0x1F, 017, 0b11, 1_000, 1:30, 1:30.5, .inf, -.inf, +.5, 1e5, ~, Yes, off, '']\n",
    "timestamps stay strings": "a: 2024-01-02\nb: 2001-12-14t21:59:43.10-05:00\n",
    "several documents": "---\na: 1\n---\n---\n- b\n...\n---\nc\n",
    "block scalars": "a: |\n  x\n   y\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n",
    "flow and quotes": "{a: 'it''s', b: \"\\t\\u00e9\", c: [x, {d: e}], ? complex : key}\n",
}


@pytest.mark.parametrize("text", LOADER_CASES.values(), ids=LOADER_CASES.keys())
def test_loader_matches_pyyaml_on_yaml_features(text: str) -> None:
    assert yamlio.load_documents(text) == reference_load(text)


REFUSED = {
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3),
    "duplicate key after merge-free equality": ("1: a\n1.0: b\n", "duplicate key", 2),
    "python tag": ("a: !!python/object/apply:os.system ['true']\n", "Python-specific tag", 1),
    "binary": ("a: !!binary aGVsbG8=\n", "not plain data", 1),
    "set": ("a: !!set {x, y}\n", "not plain data", 1),
    "custom tag": ("a: !Ref thing\n", "custom tag", 1),
    "recursive alias": ("a: &x [1, *x]\n", "recursive", 1),
    "undefined alias": ("a: *nowhere\n", "undefined alias", 1),
    "unhashable key": ("? [a, b]\n: c\n", "unhashable key", 1),
    "bad int": ("a: !!int abc\n", "cannot be read as int", 1),
    "bad bool": ("a: !!bool maybe\n", "cannot be read as bool", 1),
    "huge int": ("a: " + "9" * 5000 + "\n", "too many digits", 1),
    "merge of a scalar": ("a:\n  <<: 5\n", "for merging", 2),
    "merge key as a value": ("a: <<\n", "merge key", 1),
    "syntax": ("a: [1, 2\n", "", None),
}


@pytest.mark.parametrize(("text", "message", "line"), REFUSED.values(), ids=REFUSED.keys())
def test_loader_refuses_with_a_clear_error(text: str, message: str, line: int | None) -> None:
    with pytest.raises(yamlio.YAMLInputError) as caught:
        yamlio.load_documents(text, source="in.yaml")
    assert message in caught.value.message
    if line is not None:
        assert caught.value.line == line
    assert str(caught.value).startswith("in.yaml")


def test_loader_limits() -> None:
    deep = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 3))  # shallow: fine
    assert yamlio.load_documents(deep)
    with pytest.raises(yamlio.YAMLInputError, match="nesting deeper than 100"):
        yamlio.load_documents("[" * 101 + "]" * 101)
    assert yamlio.load_documents("[" * 100 + "]" * 100)
    with pytest.raises(yamlio.YAMLInputError, match="more than the limit"):
        yamlio.load_documents("[" + "0," * yamlio.MAX_SEQUENCE_ITEMS + "0]")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(yamlio.YAMLInputError, match="alias bomb"):
        yamlio.load_documents(bomb)
    with pytest.raises(yamlio.YAMLInputError, match="larger than the limit"):
        yamlio.load_documents("a: 1\n", max_bytes=3)


def test_decode() -> None:
    assert yamlio.decode(b"\xef\xbb\xbfa: 1\n", source="x") == "a: 1\n"
    with pytest.raises(yamlio.YAMLInputError) as caught:
        yamlio.decode(b"a: 1\nb: \xff\n", source="x")
    assert caught.value.line == 2
    assert "not UTF-8: byte 0xff at offset 8" in caught.value.message
    with pytest.raises(yamlio.YAMLInputError, match="DPF_RENDER_MAX_INPUT_BYTES"):
        yamlio.decode(b"a: 1\n", source="x", max_bytes=2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, yamlio.DEFAULT_MAX_BYTES),
        ("", yamlio.DEFAULT_MAX_BYTES),
        ("1000", 1000),
        ("2k", 2048),
        ("128M", 128 * 1024**2),
        ("1g", 1024**3),
    ],
)
def test_input_cap_from_the_environment(value: str | None, expected: int) -> None:
    environ = {} if value is None else {yamlio.MAX_BYTES_ENV: value}
    assert yamlio.max_input_bytes(environ) == expected


@pytest.mark.parametrize("value", ["-1", "0", "lots", "1.5M", "M"])
def test_unreadable_input_cap_is_a_usage_error(value: str) -> None:
    with pytest.raises(ValueError, match=yamlio.MAX_BYTES_ENV):
        yamlio.max_input_bytes({yamlio.MAX_BYTES_ENV: value})
