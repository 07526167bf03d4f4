"""Every generated child validates against DPF's CRD schema (../shared/crds), unknown fields included.

The API server prunes unknown fields silently; to catch them here, every object schema that lists
properties and does not preserve unknown fields is closed with `additionalProperties: false`.
"""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from kustomize_plugin import pipeline

from .conftest import CRDS, REPO

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
    crd = yaml.safe_load((CRDS / CHILD_CRDS[kind]).read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
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
    return [d for d in docs if d.get("kind") in pipeline.CHILD_KINDS]


@pytest.fixture(autouse=True)
def _need_crds() -> None:
    if not CRDS.is_dir():
        if os.environ.get("CI") or os.environ.get("DPF_RENDER_E2E") == "required":
            pytest.fail(f"DPF CRDs not found at {CRDS}; CI must have ../shared/crds")
        pytest.skip(f"DPF CRDs not found at {CRDS} (they live in ../shared/crds beside the project)")


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
