"""Every generated child validates against DPF's CRD schema (../shared/crds), unknown fields included.

The API server prunes unknown fields silently; to catch them here, every object schema that lists
properties and does not preserve unknown fields is closed with `additionalProperties: false`.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from kustomize_plugin import emit

from .conftest import REPO
from .crds import NOT_WRITTEN, crd_schema, need_crds, normalise, rules_of

CHILD_CRDS = {
    "DPUSet": "provisioning.dpu.nvidia.com_dpusets.yaml",
    "DPUService": "svc.dpu.nvidia.com_dpuservices.yaml",
    "DPUServiceInterface": "svc.dpu.nvidia.com_dpuserviceinterfaces.yaml",
    "DPUServiceChain": "svc.dpu.nvidia.com_dpuservicechains.yaml",
}
OUTPUTS = sorted(
    [
        *(REPO / "tests" / "golden").glob("*/expected.yaml"),
        *(REPO / "examples").glob("*/.expected/*.yaml"),
        *(REPO / "examples").glob("*/expected.yaml"),
    ]
)


def close(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {k: close(v) for k, v in schema.items()}
        if (
            schema.get("type") == "object"
            and "properties" in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
            and "additionalProperties" not in schema
        ):
            schema["additionalProperties"] = False
        if schema.get("x-kubernetes-int-or-string"):
            schema.pop("type", None)
            schema["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        return schema
    if isinstance(schema, list):
        return [close(v) for v in schema]
    return schema


def add_newer_dpuset_fields(schema: dict[str, Any]) -> None:
    """The newest DPF controller writes three DPUSet fields the stored CRD (@f58c3da2) lacks (crds/README.md).

    dpf-render writes them only when the DPUDeployment uses them; declare them here with their types so the
    rest of such a DPUSet is still checked, and require one of dpuFlavor or dpuFlavorTemplate instead.
    """
    spec = schema["properties"]["spec"]["properties"]["dpuTemplate"]["properties"]["spec"]
    spec["properties"]["blueFieldSoftware"] = {
        "type": "object",
        "properties": {"name": {"type": "string", "minLength": 1}},
        "required": ["name"],
    }
    spec["properties"]["dpuFlavorTemplate"] = {"type": "string", "minLength": 1}
    spec["properties"]["astraEnabled"] = {"type": "boolean"}
    spec["required"] = [r for r in spec["required"] if r != "dpuFlavor"]
    spec["oneOf"] = [{"required": ["dpuFlavor"]}, {"required": ["dpuFlavorTemplate"]}]


def add_newer_dpuservice_fields(schema: dict[str, Any]) -> None:
    """The newest DPF controller copies the template's `security.spiffe` (an opt-in object without fields) into
    the DPUService; the stored DPUService CRD (@887803ca) predates it (crds/README.md). dpf-render writes it
    only when the template sets it."""
    security = schema["properties"]["spec"]["properties"]["security"]
    security["properties"]["spiffe"] = {"type": "object", "properties": {}}


@cache
def validator(kind: str) -> OAS30Validator:
    schema = crd_schema(CHILD_CRDS[kind])
    if kind == "DPUSet":
        add_newer_dpuset_fields(schema)
    if kind == "DPUService":
        add_newer_dpuservice_fields(schema)
    schema = close(schema)
    # metadata is the API server's own ObjectMeta; the CRD only declares it as an object.
    schema["properties"]["metadata"] = {"type": "object"}
    return OAS30Validator(schema)


def children_of(path: Path) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    if len(docs) == 1 and docs[0].get("kind") == "ResourceList":
        docs = docs[0]["items"]
    return [d for d in docs if d.get("kind") in emit.CHILD_KINDS]


@pytest.fixture(autouse=True)
def _need_crds() -> None:
    need_crds()


def test_there_are_outputs_to_check() -> None:
    assert sum(len(children_of(p)) for p in OUTPUTS) >= 30


@pytest.mark.parametrize("path", OUTPUTS, ids=[str(p.relative_to(REPO)) for p in OUTPUTS])
def test_children_validate_against_their_crd(path: Path) -> None:
    problems = []
    for child in children_of(path):
        for error in validator(child["kind"]).iter_errors(child):
            where = ".".join(str(p) for p in error.absolute_path)
            problems.append(f"{child['kind']} {child['metadata']['name']} {where}: {error.message}")
    assert not problems, "\n".join(problems)


def test_the_closed_schema_catches_unknown_fields() -> None:
    child = children_of(REPO / "examples" / "producer-consumer" / ".expected" / "render.yaml")[0]
    child = copy.deepcopy(child)
    child["spec"]["dpuTemplate"]["spec"]["notAField"] = 1
    assert any("notAField" in e.message for e in validator("DPUSet").iter_errors(child))


# --------------------------------------------------------------------------------------------------------
# validate/children.py, the rules dpf-render checks every child against before writing it, is the CRDs


def mark_not_written(crd: Any, ours: Any) -> Any:
    """The CRD's content with each subtree that ours marks as not written replaced by the mark."""
    if ours == NOT_WRITTEN:
        return NOT_WRITTEN
    if isinstance(crd, dict) and isinstance(ours, dict):
        return {k: mark_not_written(v, ours.get(k)) for k, v in crd.items()}
    return crd


@pytest.mark.parametrize("kind", sorted(CHILD_CRDS))
def test_children_rules_are_the_crds(kind: str) -> None:
    from kustomize_plugin.validate import children

    root = crd_schema(CHILD_CRDS[kind])
    ours = children.SCHEMAS[kind]
    mine = normalise(ours["properties"]["spec"], ours=True)
    theirs = mark_not_written(normalise(root["properties"]["spec"], ours=False), mine)
    if kind == "DPUSet":
        # The one declared difference: the newest controller writes dpuFlavorTemplate instead of dpuFlavor (a
        # field this CRD lacks), so children.py requires one of the two (its own check) rather than dpuFlavor.
        template_spec = theirs["properties"]["dpuTemplate"]["properties"]["spec"]
        assert template_spec["required"] == ["dpuFlavor", "nodeEffect"]
        template_spec["required"] = ["nodeEffect"]
    assert mine == theirs
    assert rules_of(ours) == rules_of(root)


@pytest.mark.parametrize("path", OUTPUTS, ids=[str(p.relative_to(REPO)) for p in OUTPUTS])
def test_every_committed_child_passes_the_render_s_own_check(path: Path) -> None:
    from kustomize_plugin.validate.children import check_child

    # Not generated: a previous render of another DPUDeployment, which that golden case passes through.
    passed_through = {("DPUService", "someone-elses")}
    generated = [c for c in children_of(path) if (c["kind"], c["metadata"]["name"]) not in passed_through]
    problems = [(c["kind"], c["metadata"]["name"], check_child(c)) for c in generated]
    assert [p for p in problems if p[2]] == []
