"""Optional Argo CD annotations on what a DPUDeployment renders (docs/argocd.md, "Options").

Sync waves order the apply: BFB and DPUFlavor first (-2), DPUSets (-1), each DPUService with its interfaces
at its dependsOn depth, the chain after the deepest service. Sync options let the children sync before
DPF's CRDs are known to the dry run, and prune an old disruptive revision only after the new one is healthy.
"""

from __future__ import annotations

from .. import naming

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .revisions import DeploymentRevision

SYNC_WAVE = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
PREREQUISITE_WAVE = -2
DPUSET_WAVE = -1
PREREQUISITE_OPTIONS = "SkipDryRunOnMissingResource=true"
CHILD_OPTIONS = "SkipDryRunOnMissingResource=true,PruneLast=true"


def service_depths(revision: DeploymentRevision) -> dict[str, int]:
    """dependsOn depth of each service: 0 without dependencies, else one more than its deepest dependency."""
    depends = {key: spec.depends_on for key, spec in revision.deployment.services.items()}
    depths: dict[str, int] = {}
    for service in revision.services:  # already in dependency order
        depths[service.key] = 1 + max((depths[d] for d in depends[service.key]), default=-1)
    return depths


def child_waves(revision: DeploymentRevision) -> dict[tuple[str, str], int]:
    """(kind, name) → wave for every child of the deployment."""
    depths = service_depths(revision)
    d = revision.deployment
    waves: dict[tuple[str, str], int] = {
        ("DPUSet", naming.dpuset_name(d.name, s.name_suffix)): DPUSET_WAVE for s in d.dpu_sets
    }
    for service in revision.services:
        waves[("DPUService", service.name)] = depths[service.key]
        for _, name in service.interfaces:
            waves[("DPUServiceInterface", name)] = depths[service.key]
    if revision.chain is not None:
        waves[("DPUServiceChain", revision.chain.name)] = 1 + max(depths.values(), default=-1)
    return waves


def annotate(obj: dict[str, Any], *, wave: int | None, options: str | None) -> dict[str, Any]:
    """A copy of `obj` with the requested annotations; the input object is left as it was."""
    metadata = dict(obj.get("metadata") or {})
    annotations = dict(metadata.get("annotations") or {})
    if wave is not None:
        annotations[SYNC_WAVE] = str(wave)
    if options is not None:
        annotations[SYNC_OPTIONS] = options
    metadata["annotations"] = {k: annotations[k] for k in sorted(annotations)}
    return {**obj, "metadata": metadata}
