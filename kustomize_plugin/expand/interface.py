"""DPUServiceInterface: one per interface of a DPU-side service's configuration.

As DPF builds it in `internal/dpuservice/controllers/dpudeployment_controller_dpuserviceinterface.go`.
"""

from __future__ import annotations

from .. import naming
from ..model import SVC_V1
from . import child

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import Interface
    from .revisions import DeploymentRevision, ServiceRevision

KIND = "DPUServiceInterface"


def generate_interface(
    revision: DeploymentRevision, service: ServiceRevision, interface: Interface, name: str
) -> dict[str, Any]:
    service_spec: dict[str, Any] = {
        "interfaceName": interface.name,
        "network": interface.network,
        "serviceID": service.service_id,
    }
    if interface.virtual_network is not None:
        service_spec["virtualNetwork"] = interface.virtual_network
    # DPF's template structs embed ObjectMeta by value, and Go's omitempty never drops a struct: DPF writes
    # the template's empty metadata, so it is written here too.
    spec: dict[str, Any] = {
        "template": {
            "metadata": {},
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
            },
        }
    }
    if revision.cluster_selector is not None:
        spec["dpuClusterSelector"] = revision.cluster_selector
    return child(
        revision,
        api_version=SVC_V1,
        kind=KIND,
        name=name,
        spec=spec,
        labels={naming.SERVICE_LABEL: service.key},
        annotations={naming.SERVICE_VERSION_ANNOTATION: service.version},
    )


def interface_name(obj: dict[str, Any]) -> str:
    """The interface a DPUServiceInterface object (built here, or read from a cluster) serves; "" if none."""
    value: Any = obj
    for key in ("spec", "template", "spec", "template", "spec", "service", "interfaceName"):
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else ""
