"""Helm coalesce of configuration values over template values (DPF: `internal/dpuservice/utils/mergemaps.go`),
against DPF's cases and deepmerge."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from deepmerge import Merger
from hypothesis import given, settings
from hypothesis import strategies as st

from kustomize_plugin.merge import coalesce

# What STYLE.md prescribes for deepmerge: maps merge, lists and everything else from the configuration win.
HELM_LIKE = Merger([(dict, ["merge"]), (list, ["override"]), (set, ["union"])], ["override"], ["override"])


@pytest.mark.parametrize(
    ("config", "template", "expected"),
    [
        ({"key1": "value1"}, {"key1": "someothervalue"}, {"key1": "value1"}),  # DPF test, service-1
        ({"key2": "value2"}, {"key3": "value3"}, {"key2": "value2", "key3": "value3"}),  # DPF test, service-2
        (None, None, None),  # DPF test, service-3: no values anywhere
        (None, {"a": 1}, {"a": 1}),
        ({"a": 1}, None, {"a": 1}),
        ({"l": [3]}, {"l": [1, 2]}, {"l": [3]}),
        ({"m": "scalar"}, {"m": {"a": 1}}, {"m": "scalar"}),
        ({"m": {"a": 1}}, {"m": "scalar"}, {"m": {"a": 1}}),
        ({"n": None}, {"n": {"deep": True}}, {"n": None}),
        ({"x": {"y": {"b": 2}}}, {"x": {"y": {"a": 1, "b": 1}}}, {"x": {"y": {"a": 1, "b": 2}}}),
        ({}, {"a": 1}, {"a": 1}),
    ],
    ids=[
        "config-wins",
        "disjoint-keys-merge",
        "no-values",
        "template-only",
        "config-only",
        "list-replaced",
        "scalar-over-map",
        "map-over-scalar",
        "null-kept",
        "nested-maps-merge",
        "empty-config",
    ],
)
def test_coalesce(config: Any, template: Any, expected: Any) -> None:
    before = (copy.deepcopy(config), copy.deepcopy(template))
    assert coalesce(config, template) == expected
    assert (config, template) == before, "inputs must not be mutated"


leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from("abcd"), children, max_size=4)
    ),
    max_leaves=12,
)
maps = st.dictionaries(st.sampled_from("abcd"), values, max_size=4)


@settings(max_examples=300, deadline=None)
@given(config=maps, template=maps)
def test_coalesce_agrees_with_deepmerge(config: dict[str, Any], template: dict[str, Any]) -> None:
    expected = HELM_LIKE.merge(copy.deepcopy(template), copy.deepcopy(config))
    assert coalesce(config, template) == expected
