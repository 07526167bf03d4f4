"""The YAML writer: the same bytes as PyYAML's LibYAML dumper, whatever path writes them.

yamldump writes YAML with a specialised emitter, faster than PyYAML's own (docs/install.md has the
figures). These properties pin it to PyYAML on generated data full of what makes YAML tricky
(tests/yaml_data.py), so the speed can never change a byte of output.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin import emit, yamldump, yamlload

from .yaml_data import data, documents, key_strings, without_nan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@pytest.mark.slow  # hundreds of generated documents
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents)
def test_emitter_writes_what_pyyaml_writes(doc: Any) -> None:
    assert yamldump.dump_document(doc) == yamldump.pyyaml_dump(doc)


@pytest.mark.slow  # hundreds of generated documents
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents.filter(without_nan))
def test_what_is_written_reads_back_as_the_same_data(doc: Any) -> None:
    text = yamldump.dump_document(doc)
    assert yamlload.load_documents(text) == ([doc] if doc is not None else [])
    assert "&id" not in text
    assert "*id" not in text


@pytest.mark.slow  # hundreds of generated documents
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(key_strings, data, min_size=1, max_size=6))
def test_canonical_writing_equals_writing_the_canonical_copy(doc: dict[str, Any]) -> None:
    doc = {"spec": doc, "kind": "DPUService", "metadata": {"name": "x", "b": 1, "a": [doc]}, **doc}
    assert yamldump.dump_canonical(doc) == yamldump.dump_document(emit.canonical(doc))


# Items the emitter leaves to PyYAML (a key over 128 bytes, a line separator), some ending with a kept block.
FALLBACK_ITEMS = [
    {"k" * 129: "a\n\n"},
    {"k": "x\u2028y", "b": "c\n"},
    {"k" * 130: 1},
    {"z": "a\n", "k" * 129: 2},
]
items = st.tuples(
    st.one_of(
        st.dictionaries(key_strings, data, min_size=1, max_size=4),
        st.sampled_from(FALLBACK_ITEMS),
        st.lists(data, max_size=2),
    ),
    st.booleans(),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(items, max_size=4),
    st.dictionaries(key_strings, data, max_size=3) | st.sampled_from(FALLBACK_ITEMS),
)
def test_a_document_written_in_parts_is_the_document(
    pairs: list[tuple[Any, bool]], tail: dict[str, Any]
) -> None:
    generated = [(obj, canonical and isinstance(obj, dict)) for obj, canonical in pairs]
    materialised = [emit.canonical(obj) if canonical else obj for obj, canonical in generated]
    head = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList"}
    writer = yamldump.DocumentWriter()
    writer.entries(head)
    writer.start_list("items")
    for obj, canonical in generated:
        writer.item(obj, generated=canonical)
    writer.entries({k: v for k, v in tail.items() if k not in ("apiVersion", "kind", "items")})
    whole = {
        **head,
        "items": materialised,
        **{k: v for k, v in tail.items() if k not in head and k != "items"},
    }
    assert "".join(writer.pieces()) == yamldump.dump_document(whole) == yamldump.pyyaml_dump(whole)
    stream = "".join(yamldump.stream_pieces(generated))
    assert stream == yamldump.dump_stream(materialised)


def test_pyyaml_writes_one_part_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part the emitter cannot write goes to PyYAML alone: the items before and after it are not built
    again, nor handed over."""
    handed: list[Any] = []
    reference = yamldump.pyyaml_dump

    def counted(doc: Any) -> str:
        handed.append(doc)
        return reference(doc)

    monkeypatch.setattr(yamldump, "pyyaml_dump", counted)
    writer = yamldump.DocumentWriter()
    writer.entries({"kind": "List"})
    writer.start_list("items")
    long_key = {"k" * 130: "x\n\n"}
    for obj in ({"a": 1}, long_key, {"b": 2}):
        writer.item(obj, generated=True)
    text = "".join(writer.pieces())
    assert handed == [[long_key]]
    assert text == reference({"kind": "List", "items": [{"a": 1}, long_key, {"b": 2}]})


@pytest.mark.slow  # hundreds of generated documents
def test_most_documents_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    fallbacks: list[Any] = []
    reference = yamldump.pyyaml_dump

    def counted(doc: Any) -> str:
        fallbacks.append(doc)
        return reference(doc)

    monkeypatch.setattr(yamldump, "pyyaml_dump", counted)
    examples = 0

    @settings(max_examples=300, suppress_health_check=list(HealthCheck), deadline=None, database=None)
    @given(documents)
    def write(doc: Any) -> None:
        nonlocal examples
        examples += 1
        yamldump.dump_document(doc)

    write()
    assert len(fallbacks) < examples * 0.2, f"{len(fallbacks)} of {examples} documents fell back to PyYAML"


def test_what_the_emitter_leaves_to_pyyaml_is_still_pyyaml_output() -> None:
    go_look_alikes: dict[str, Any] = {"k" * 129: "y", "1e3": ["08", {"n": "0o17"}]}
    cases = (
        *({"k" * 129: 1}, {"é" * 65: [1]}, {"a\nb": 1}, {"\n": 1}, {"x\ry": {"a": 1}}, {"k": "x\u2028y"}),
        go_look_alikes,
    )
    for doc in (*cases, {"k": (1, 2)}, "scalar", {"k": {1, 2}}, [{"k" * 130: "a\n"}]):
        assert yamldump.dump_document(doc) == yamldump.pyyaml_dump(doc)
    for doc in cases:
        unsorted = {"zz": doc, "apiVersion": "v1", "kind": "X"}
        assert yamldump.dump_canonical(unsorted) == yamldump.pyyaml_dump(emit.canonical(unsorted))
