"""DPUService: one per `spec.services` key.

As DPF builds it in `internal/dpuservice/controllers/dpudeployment_controller_dpuservice.go`.
"""

from __future__ import annotations

from .. import gojson, naming
from ..model import SVC_V1
from . import child

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .revisions import DeploymentRevision, ServiceRevision

KIND = "DPUService"
PRIVILEGED_DEFAULT = True  # DPF's privilegedDefaultForUnsetSecurity


def node_selector(revision: DeploymentRevision, service: ServiceRevision) -> dict[str, Any]:
    """Where the service's pods run: DPU nodes carrying its version label, or host nodes for in-cluster ones."""
    d = revision.deployment
    if not service.in_cluster:
        return {
            "nodeSelectorTerms": [
                {
                    "matchExpressions": [
                        {
                            "key": naming.service_version_label(service.key),
                            "operator": "In",
                            "values": [service.name],
                        },
                        {"key": naming.OWNER_LABEL, "operator": "In", "values": [revision.owner]},
                    ]
                }
            ]
        }
    version = {
        "key": naming.in_cluster_version_label(d.namespace, d.name, service.key),
        "operator": "In",
        "values": [service.name],
    }
    # One term per (DPUSet node selector matchLabels entry), ORed; any DPUSet without a node selector means
    # every node, so the version term alone (DPF's newInClusterNodeSelectorFromDPUSetSelector).
    pairs: set[tuple[str, str]] = set()
    for dpu_set in d.dpu_sets:
        labels = (dpu_set.node_selector or {}).get("matchLabels")
        if dpu_set.node_selector is None:
            pairs.clear()
            break
        pairs.update((labels or {}).items())
    if not pairs:
        return {"nodeSelectorTerms": [{"matchExpressions": [version]}]}
    return {
        "nodeSelectorTerms": [
            {"matchExpressions": [version, {"key": key, "operator": "In", "values": [value]}]}
            for key, value in sorted(pairs)
        ]
    }


def chart_source(source: dict[str, Any]) -> dict[str, Any]:
    """The template's chart source as DPF copies it: ApplicationSource.Path has no omitempty, so DPF always
    writes `path` ("" when unset); an empty chart or releaseName is left out."""
    out: dict[str, Any] = {
        "repoURL": source["repoURL"],
        "path": source.get("path") or "",
        "version": source["version"],
    }
    for key in ("chart", "releaseName"):
        if source.get(key):
            out[key] = source[key]
    return out


def security(service: ServiceRevision) -> dict[str, Any]:
    """The template's security for a DPU-side service: privileged (true when unset) and SPIFFE when the
    template opts in (DPF's generateDPUService copies both)."""
    template_security = service.template.spec.get("security") or {}
    privileged = template_security.get("privileged")
    out: dict[str, Any] = {"privileged": PRIVILEGED_DEFAULT if privileged is None else privileged}
    if template_security.get("spiffe") is not None:
        out["spiffe"] = template_security["spiffe"]
    return out


def generate_dpuservice(revision: DeploymentRevision, service: ServiceRevision) -> dict[str, Any]:
    configuration = service.configuration
    daemon = configuration.daemon_set
    daemon_set: dict[str, Any] = {
        "labels": {**(daemon.get("labels") or {}), naming.SERVICE_LABEL: service.key},
        "nodeSelector": node_selector(revision, service),
    }
    # As DPF's typed copy writes them (docs/differences-from-dpf.md): an empty map is left out, an empty
    # updateStrategy (a pointer) is kept, quantities in their canonical form.
    if daemon.get("annotations"):
        daemon_set["annotations"] = daemon["annotations"]
    if daemon.get("updateStrategy") is not None:
        daemon_set["updateStrategy"] = daemon["updateStrategy"]
    if daemon.get("resources"):
        daemon_set["resources"] = {k: gojson.quantity_text(v) for k, v in daemon["resources"].items()}
    helm_chart: dict[str, Any] = {"source": chart_source(service.template.spec["helmChart"]["source"])}
    if service.values is not None:
        helm_chart["values"] = service.values
    spec: dict[str, Any] = {
        "helmChart": helm_chart,
        "serviceDaemonSet": daemon_set,
        "serviceID": service.service_id,
    }
    if configuration.deploy_in_cluster is not None:
        spec["deployInCluster"] = configuration.deploy_in_cluster
    if service.interfaces:
        spec["interfaces"] = sorted(name for _, name in service.interfaces)
    if configuration.config_ports is not None:
        # The API server drops a null (the fields are not nullable) and defaults serviceType before DPF copies
        # the ports.
        present = {k: v for k, v in configuration.config_ports.items() if v is not None}
        spec["configPorts"] = {"serviceType": gojson.DEFAULT_SERVICE_TYPE, **present}
    if not service.in_cluster:
        if revision.cluster_selector is not None:
            spec["dpuClusterSelector"] = revision.cluster_selector
        spec["security"] = security(service)
    return child(
        revision,
        api_version=SVC_V1,
        kind=KIND,
        name=service.name,
        spec=spec,
        labels={naming.SERVICE_LABEL: service.key},
        annotations={naming.SERVICE_VERSION_ANNOTATION: service.version},
    )
