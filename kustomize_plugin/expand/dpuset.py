"""DPUSet: one per `spec.dpus.dpuSets[]` entry (reference §B.2), wired to the current service and chain names."""

from __future__ import annotations

from .. import naming
from ..model import BFB, FLAVOR, PROVISIONING_V1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import DPUSetSpec
    from .revisions import DeploymentRevision

KIND = "DPUSet"


def node_labels(revision: DeploymentRevision) -> dict[str, str]:
    """The DPU node labels every DPUSet of the deployment carries: owner, service versions, chain version."""
    labels = {naming.OWNER_LABEL: revision.owner}
    for service in revision.services:
        if not service.in_cluster:
            labels[naming.service_version_label(service.key)] = service.name
    if revision.chain is not None:
        labels[naming.CHAIN_VERSION_KEY] = revision.chain.name
    return labels


def requestors(revision: DeploymentRevision) -> list[str]:
    d = revision.deployment
    names = [s.name for s in revision.services if not s.in_cluster]
    if revision.chain is not None and not d.skip_chain_requestor:
        names.append(revision.chain.name)
    return sorted({naming.requestor(d.namespace, d.name, n) for n in names})


def generate_dpuset(revision: DeploymentRevision, dpu_set: DPUSetSpec) -> dict[str, Any]:
    d = revision.deployment
    node_effect: dict[str, Any] = {"force": False, **d.node_effect}
    node_effect["applyOnLabelChange"] = revision.disruptive
    node_effect["nodeMaintenanceAdditionalRequestors"] = requestors(revision)
    cluster: dict[str, Any] = {"nodeLabels": node_labels(revision)}
    if dpu_set.cluster_selector:
        cluster["selector"] = {"matchLabels": dpu_set.cluster_selector}
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
        spec["dpuNodeSelector"] = dpu_set.node_selector
    if dpu_set.device_selector is not None:
        spec["dpuDeviceSelector"] = dpu_set.device_selector
    return {
        "apiVersion": PROVISIONING_V1,
        "kind": KIND,
        "metadata": {
            "labels": {naming.OWNER_LABEL: revision.owner},
            "name": naming.dpuset_name(d.name, dpu_set.name_suffix),
            "namespace": d.namespace,
        },
        "spec": spec,
    }
