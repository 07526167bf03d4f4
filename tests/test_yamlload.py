"""The YAML reader: the same data as PyYAML's safe loader, or a clear error, faster than PyYAML's own classes.

yamlload builds data from parser events (docs/install.md has the start-up and throughput figures). These
properties pin it to PyYAML on generated data full of what makes YAML tricky (tests/yaml_data.py).
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin import yamlload

from .yaml_data import documents, reference_load, without_nan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@pytest.mark.slow  # hundreds of generated documents
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents.filter(without_nan), st.sampled_from([True, False, None]))
def test_loader_reads_what_pyyaml_reads(doc: Any, flow: bool | None) -> None:
    text = yaml.dump(doc, Dumper=yaml.CSafeDumper, default_flow_style=flow, allow_unicode=True)
    assert yamlload.load_documents(text) == reference_load(text)


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
    assert yamlload.load_documents(text) == reference_load(text)


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
    with pytest.raises(yamlload.YAMLInputError) as caught:
        yamlload.load_documents(text, source="in.yaml")
    assert message in caught.value.message
    if line is not None:
        assert caught.value.line == line
    assert str(caught.value).startswith("in.yaml")


def test_loader_limits() -> None:
    deep = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 3))  # shallow: fine
    assert yamlload.load_documents(deep)
    with pytest.raises(yamlload.YAMLInputError, match="nesting deeper than 100"):
        yamlload.load_documents("[" * 101 + "]" * 101)
    assert yamlload.load_documents("[" * 100 + "]" * 100)
    with pytest.raises(yamlload.YAMLInputError, match="more than the limit"):
        yamlload.load_documents("[" + "0," * yamlload.MAX_SEQUENCE_ITEMS + "0]")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(yamlload.YAMLInputError, match="alias bomb"):
        yamlload.load_documents(bomb)
    with pytest.raises(yamlload.YAMLInputError, match="larger than the limit"):
        yamlload.load_documents("a: 1\n", max_bytes=3)


def test_decode() -> None:
    assert yamlload.decode(b"\xef\xbb\xbfa: 1\n", source="x") == "a: 1\n"
    with pytest.raises(yamlload.YAMLInputError) as caught:
        yamlload.decode(b"a: 1\nb: \xff\n", source="x")
    assert caught.value.line == 2
    assert "not UTF-8: byte 0xff at offset 8" in caught.value.message
    with pytest.raises(yamlload.YAMLInputError, match="DPF_RENDER_MAX_INPUT_BYTES"):
        yamlload.decode(b"a: 1\n", source="x", max_bytes=2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, yamlload.DEFAULT_MAX_BYTES),
        ("", yamlload.DEFAULT_MAX_BYTES),
        ("1000", 1000),
        ("2k", 2048),
        ("128M", 128 * 1024**2),
        ("1g", 1024**3),
    ],
)
def test_input_cap_from_the_environment(value: str | None, expected: int) -> None:
    environ = {} if value is None else {yamlload.MAX_BYTES_ENV: value}
    assert yamlload.max_input_bytes(environ) == expected


@pytest.mark.parametrize("value", ["-1", "0", "lots", "1.5M", "M"])
def test_unreadable_input_cap_is_a_usage_error(value: str) -> None:
    with pytest.raises(ValueError, match=yamlload.MAX_BYTES_ENV):
        yamlload.max_input_bytes({yamlload.MAX_BYTES_ENV: value})
