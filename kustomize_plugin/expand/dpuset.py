"""DPUSet: one per `spec.dpus.dpuSets[]` entry, wired to the current service and chain names.

As DPF builds it (`generateDPUSet` in `internal/dpuservice/controllers/dpudeployment_controller.go`).
"""

from __future__ import annotations

from .. import naming
from ..model import BFB, FLAVOR, PROVISIONING_V1
from . import child

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import DPUSetSpec
    from .revisions import DeploymentRevision

KIND = "DPUSet"


def version_labels(revision: DeploymentRevision) -> dict[str, str]:
    """DPF's dpuNodeLabels: each service's version label (DPU-side, or the host label of an in-cluster
    service) and the chain's, each naming the current object."""
    d = revision.deployment
    labels: dict[str, str] = {}
    for service in revision.services:
        key = (
            naming.in_cluster_version_label(d.namespace, d.name, service.key)
            if service.in_cluster
            else naming.service_version_label(service.key)
        )
        labels[key] = service.name
    if revision.chain is not None:
        labels[naming.CHAIN_VERSION_KEY] = revision.chain.name
    return labels


def node_labels(revision: DeploymentRevision) -> dict[str, str]:
    """The labels every DPUSet of the deployment puts on its nodes: the owner and every version label."""
    return {naming.OWNER_LABEL: revision.owner, **version_labels(revision)}


def requestors(revision: DeploymentRevision) -> list[str]:
    """One maintenance requestor per version label value (DPF's generateDPUSet), the chain's left out when
    the DPUDeployment asks to skip it."""
    d = revision.deployment
    names = [s.name for s in revision.services]
    if revision.chain is not None and not d.skip_chain_requestor:
        names.append(revision.chain.name)
    return sorted({naming.requestor(d.namespace, d.name, n) for n in names})


def label_selector(selector: dict[str, Any]) -> dict[str, Any]:
    """A metav1.LabelSelector as Go writes it: empty matchLabels, matchExpressions and values left out
    (omitempty), the selector itself kept even when that leaves `{}` (a pointer)."""
    out: dict[str, Any] = {}
    if selector.get("matchLabels"):
        out["matchLabels"] = selector["matchLabels"]
    expressions = [
        {k: v for k, v in expression.items() if not (k == "values" and not v)}
        for expression in selector.get("matchExpressions") or []
    ]
    if expressions:
        out["matchExpressions"] = expressions
    return out


def generate_dpuset(revision: DeploymentRevision, dpu_set: DPUSetSpec) -> dict[str, Any]:
    d = revision.deployment
    # The DPUDeployment's nodeEffect through DPF's typed copy: force defaulted, an empty customLabel left out.
    node_effect: dict[str, Any] = {
        "force": False,
        **{k: v for k, v in d.node_effect.items() if not (k == "customLabel" and not v)},
    }
    node_effect["applyOnLabelChange"] = revision.disruptive
    found = requestors(revision)
    if found:
        node_effect["nodeMaintenanceAdditionalRequestors"] = found
    cluster: dict[str, Any] = {"nodeLabels": node_labels(revision)}
    if dpu_set.cluster_selector is not None:
        cluster["selector"] = label_selector({"matchLabels": dpu_set.cluster_selector})
    template_spec: dict[str, Any] = {"cluster": cluster, "nodeEffect": node_effect}
    template_spec["bfb" if d.bfb_kind == BFB else "blueFieldSoftware"] = {"name": d.bfb}
    template_spec["dpuFlavor" if d.flavor_kind == FLAVOR else "dpuFlavorTemplate"] = d.flavor
    if d.secure_boot is not None:
        template_spec["secureBoot"] = d.secure_boot
    if d.astra_enabled is not None:
        template_spec["astraEnabled"] = d.astra_enabled
    dpu_template: dict[str, Any] = {"spec": template_spec}
    if dpu_set.annotations:
        dpu_template["annotations"] = dpu_set.annotations
    spec: dict[str, Any] = {"dpuTemplate": dpu_template, "strategy": d.dpu_set_strategy}
    if dpu_set.node_selector is not None:
        spec["dpuNodeSelector"] = label_selector(dpu_set.node_selector)
    if dpu_set.device_selector is not None:
        spec["dpuDeviceSelector"] = label_selector(dpu_set.device_selector)
    return child(
        revision,
        api_version=PROVISIONING_V1,
        kind=KIND,
        name=naming.dpuset_name(d.name, dpu_set.name_suffix),
        spec=spec,
    )
