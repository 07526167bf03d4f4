"""Builders of the four child kinds, pure functions from the resolved views of one DPUDeployment to dicts, and
the envelope every child shares: apiVersion, kind, and metadata with the owner label, in the parent's namespace.

DPF's controller gives each child the label that names its DPUDeployment (`<namespace>_<name>`, naming.py)
and creates it in the DPUDeployment's namespace; offline there is no parent UID, so no ownerReferences
(docs/differences-from-dpf.md). Builders add their own labels and annotations. (Here rather than in a module
of its own: every module on the KRM function's path costs start-up.)
"""

from __future__ import annotations

from .. import naming

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .revisions import DeploymentRevision


def child(
    revision: DeploymentRevision,
    *,
    api_version: str,
    kind: str,
    name: str,
    spec: dict[str, Any],
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One child object of the revision's DPUDeployment."""
    metadata: dict[str, Any] = {}
    if annotations:
        metadata["annotations"] = annotations
    metadata["labels"] = {naming.OWNER_LABEL: revision.owner, **(labels or {})}
    metadata["name"] = name
    metadata["namespace"] = revision.deployment.namespace
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec}
