"""Messages speak YAML, not Python: a name of the wrong type says so, and no message says NoneType or None.

A user writes `name: 12345` or leaves a value empty; the message must name what they wrote (an integer,
null), never report the name as absent, and never show Python's class names or reprs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from kustomize_plugin import krm
from kustomize_plugin.quantity import QuantityError, parse_quantity
from kustomize_plugin.read import items_from_text

from .validation.fixtures import NS, SVC, base_docs, find, run, set_path

D = "DPUDeployment"
PYTHON = re.compile(r"NoneType|\bNone\b|\bTrue\b|\bFalse\b|<class|\bdict\b|\bfloat\b")


@pytest.mark.parametrize(
    ("metadata", "field", "message"),
    [
        ({"name": 12345, "namespace": NS}, "metadata.name", "DPUDeployment metadata.name must be a string, not an integer (12345)"),
        ({"name": ["demo"], "namespace": NS}, "metadata.name", 'DPUDeployment metadata.name must be a string, not a list (["demo"])'),
        ({"name": True, "namespace": NS}, "metadata.name", "DPUDeployment metadata.name must be a string, not a boolean (true)"),
        ({"namespace": NS}, "metadata.name", "DPUDeployment has no metadata.name"),
        ({"name": None, "namespace": NS}, "metadata.name", "DPUDeployment has no metadata.name"),
        ({"name": "demo", "namespace": 7}, "metadata.namespace", "DPUDeployment demo: metadata.namespace must be a string, not an integer (7)"),
        (["demo"], "metadata", "DPUDeployment metadata must be a map, not a list"),
    ],
    ids=["integer", "list", "boolean", "absent", "null", "namespace-integer", "metadata-a-list"],
)  # fmt: skip
def test_a_name_of_the_wrong_type_is_not_reported_as_absent(metadata: Any, field: str, message: str) -> None:
    docs = base_docs()
    find(docs, D, "demo")["metadata"] = metadata
    _, results = run(docs)
    named = [r for r in results if r.ref and r.ref.kind == D]
    assert [(r.severity, r.field, r.message) for r in named] == [("error", field, message)]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "services", None), {"serviceTemplate": "producer", "serviceConfiguration": "producer"}),
        (("spec", "services", "producer", "serviceTemplate"), None),
        (("spec", "dpus", "dpuSets"), [None]),
        (("spec", "dpus", "dpuSets", 0, "dpuAnnotations"), {"a": None}),
        (("spec", "revisionHistoryLimit"), 1.5),
        (("spec", "dpus", "secureBoot"), "True"),
        (("metadata", "labels"), {"a": True}),
    ],
    ids=["null-key", "null-value", "null-item", "null-map-value", "a-number", "string-true", "boolean-label"],
)
def test_no_message_shows_a_python_type_or_repr(path: tuple[Any, ...], value: Any) -> None:
    docs = base_docs()
    set_path(find(docs, D, "demo"), path, value)
    _, results = run(docs)
    assert results
    for result in results:
        assert not PYTHON.search(result.message), result.message
        assert "null" in result.message or value is not None or path[-1] is not None


def test_a_null_key_is_named_null() -> None:
    docs = base_docs()
    set_path(
        find(docs, D, "demo"),
        ("spec", "services", None),
        {"serviceTemplate": "p", "serviceConfiguration": "p"},
    )
    _, results = run(docs)
    assert [r.message for r in results if r.severity == "error"] == [
        "spec.services keys must be strings, not null"
    ]


def test_a_quantity_of_another_type_is_named_in_yaml_words() -> None:
    with pytest.raises(QuantityError) as raised:
        parse_quantity(None)  # type: ignore[arg-type]
    assert str(raised.value) == "quantities must be strings or numbers, not null"


def test_a_deployment_in_another_api_version_is_left_alone() -> None:
    docs = base_docs()
    other = {"apiVersion": SVC.replace("v1alpha1", "v1"), "kind": D, "metadata": {"name": 5}}
    _, results = run([*docs, other])
    assert results == []


@pytest.mark.parametrize(
    ("stream", "messages"),
    [
        (
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [null, [a], 1.5]\n",
            [
                "items[0] is not a mapping (a Kubernetes object), it is null",
                "items[1] is not a mapping (a Kubernetes object), it is a list",
                "items[2] is not a mapping (a Kubernetes object), it is a number",
            ],
        ),
        ("--- [a]\n--- 7\n", [
            "<stdin>: document 0 is not a mapping (a Kubernetes object), it is a list",
            "<stdin>: document 1 is not a mapping (a Kubernetes object), it is an integer",
        ]),
    ],
    ids=["resource-list", "stream"],
)  # fmt: skip
def test_an_item_that_is_not_an_object_is_named_in_yaml_words(stream: str, messages: list[str]) -> None:
    request = krm.parse_request(stream.encode())
    assert [r.message for r in request.results] == messages
    for result in request.results:
        assert not PYTHON.search(result.message), result.message


def test_a_list_item_that_is_not_an_object_is_named_in_yaml_words() -> None:
    text = "apiVersion: v1\nkind: List\nitems: [null, true]\n"
    _, results = items_from_text(text, source="list.yaml", file_path="list.yaml")
    assert [r.message for r in results] == [
        "document 0 items[0]: is not a mapping (a Kubernetes object), it is null",
        "document 0 items[1]: is not a mapping (a Kubernetes object), it is a boolean",
    ]
