"""DPUServiceChain: at most one per DPUDeployment, when `spec.serviceChains` is set.

As DPF builds it in `internal/dpuservice/controllers/dpudeployment_controller_dpuservicechain.go`.
"""

from __future__ import annotations

from .. import naming
from ..model import SVC_V1
from . import child

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .revisions import ChainRevision, DeploymentRevision

KIND = "DPUServiceChain"


def generate_chain(revision: DeploymentRevision, chain: ChainRevision) -> dict[str, Any]:
    # Both template levels embed ObjectMeta by value: DPF writes their empty metadata (see interface.py).
    spec: dict[str, Any] = {
        "template": {
            "metadata": {},
            "spec": {
                "nodeSelector": {
                    "matchExpressions": [
                        {"key": naming.CHAIN_VERSION_KEY, "operator": "In", "values": [chain.name]},
                        {"key": naming.OWNER_LABEL, "operator": "In", "values": [revision.owner]},
                    ]
                },
                "template": {"metadata": {}, "spec": {"switches": chain.switches}},
            },
        }
    }
    if revision.cluster_selector is not None:
        spec["dpuClusterSelector"] = revision.cluster_selector
    return child(
        revision,
        api_version=SVC_V1,
        kind=KIND,
        name=chain.name,
        spec=spec,
        annotations={naming.CHAIN_VERSION_KEY: chain.version},
    )
