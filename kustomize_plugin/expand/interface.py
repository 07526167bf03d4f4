"""DPUServiceInterface: one per interface of a DPU-side service's configuration (reference §B.4)."""

from __future__ import annotations

from .. import naming
from ..model import SVC_V1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import Interface
    from .revisions import DeploymentRevision, ServiceRevision

KIND = "DPUServiceInterface"


def generate_interface(
    revision: DeploymentRevision, service: ServiceRevision, interface: Interface, name: str
) -> dict[str, Any]:
    d = revision.deployment
    service_spec: dict[str, Any] = {
        "interfaceName": interface.name,
        "network": interface.network,
        "serviceID": service.service_id,
    }
    if interface.virtual_network is not None:
        service_spec["virtualNetwork"] = interface.virtual_network
    spec: dict[str, Any] = {
        "template": {
            "spec": {
                "nodeSelector": {
                    "matchExpressions": [
                        {
                            "key": naming.service_version_label(service.key),
                            "operator": "In",
                            "values": [service.name],
                        },
                        {"key": naming.OWNER_LABEL, "operator": "In", "values": [revision.owner]},
                    ]
                },
                "template": {
                    "metadata": {
                        "labels": {
                            naming.INTERFACE_LABEL: interface.name,
                            naming.SERVICE_ID_LABEL: service.service_id,
                        }
                    },
                    "spec": {"interfaceType": "service", "service": service_spec},
                },
            }
        }
    }
    if revision.cluster_selector is not None:
        spec["dpuClusterSelector"] = revision.cluster_selector
    return {
        "apiVersion": SVC_V1,
        "kind": KIND,
        "metadata": {
            "annotations": {naming.SERVICE_VERSION_ANNOTATION: service.version},
            "labels": {naming.OWNER_LABEL: revision.owner, naming.SERVICE_LABEL: service.key},
            "name": name,
            "namespace": d.namespace,
        },
        "spec": spec,
    }
