"""DPF's CRDs (../shared/crds) for the tests that compare dpf-render's schemas with them.

`crd_schema` reads one CRD's v1alpha1 schema, and fails under CI (or DPF_RENDER_E2E=required) when the CRDs
are missing, where a developer's checkout skips. `normalise` reduces a schema node to what validates (types,
limits, fields, items, values, the messages of the rules that apply on create), the same way for a CRD and
for dpf-render's schemas (validate/schema.py for the inputs, validate/children.py for the children), so the
two can be compared with ==.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import yaml

from .conftest import CRDS

_COMPARED = (
    "type",
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "default",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
)
NOT_WRITTEN = "(not written by dpf-render)"
EXPRESSION = "(messageExpression)"


def need_crds() -> None:
    """Skip when ../shared/crds is missing, except under CI, which must have it."""
    if not CRDS.is_dir():
        if os.environ.get("CI") or os.environ.get("DPF_RENDER_E2E") == "required":
            pytest.fail(f"DPF CRDs not found at {CRDS}; CI must have ../shared/crds")
        pytest.skip(f"DPF CRDs not found at {CRDS} (they live in ../shared/crds beside the project)")


def crd_schema(file: str) -> dict[str, Any]:
    """The v1alpha1 openAPIV3Schema of one CRD file of ../shared/crds (a fresh copy on every call)."""
    need_crds()
    crd = yaml.safe_load((CRDS / file).read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    root: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return root


def rules_of(node: dict[str, Any]) -> list[str]:
    """The messages of the rules that apply on create: transition rules (oldSelf) only if oldSelf is optional."""
    out = []
    for rule in node.get("x-kubernetes-validations", []):
        if "oldSelf" in rule.get("rule", "") and not rule.get("optionalOldSelf"):
            continue
        message = rule.get("message", EXPRESSION if "messageExpression" in rule else "")
        out.append(message if isinstance(message, str) else EXPRESSION)
    return sorted(out)


def normalise(node: dict[str, Any], *, ours: bool) -> Any:
    """The validation content of a node. In ours (dpf-render's schemas), older wordings (x-legacy) and fields
    of newer DPF (x-newer) are left out, and subtrees dpf-render never writes (x-not-written) are marked."""
    if ours and node.get("x-not-written"):
        return NOT_WRITTEN
    out: dict[str, Any] = {k: node[k] for k in _COMPARED if k in node}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
    if node.get("x-kubernetes-list-type") == "set":
        out["set"] = True
    if node.get("required"):
        out["required"] = sorted(node["required"])
    properties = {
        k: v
        for k, v in node.get("properties", {}).items()
        if not (ours and (v.get("x-legacy") or v.get("x-newer")))
    }
    if properties:
        out["properties"] = {k: normalise(v, ours=ours) for k, v in properties.items()}
    if isinstance(node.get("items"), dict):
        out["items"] = normalise(node["items"], ours=ours)
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = normalise(node["additionalProperties"], ours=ours)
    if rules_of(node):
        out["rules"] = rules_of(node)
    return out
