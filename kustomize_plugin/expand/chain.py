"""DPUServiceChain: at most one per DPUDeployment, when `spec.serviceChains` is set (reference §B.5)."""

from __future__ import annotations

from .. import naming
from ..model import SVC_V1

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .revisions import ChainRevision, DeploymentRevision

KIND = "DPUServiceChain"


def generate_chain(revision: DeploymentRevision, chain: ChainRevision) -> dict[str, Any]:
    d = revision.deployment
    spec: dict[str, Any] = {
        "template": {
            "spec": {
                "nodeSelector": {
                    "matchExpressions": [
                        {"key": naming.CHAIN_VERSION_KEY, "operator": "In", "values": [chain.name]},
                        {"key": naming.OWNER_LABEL, "operator": "In", "values": [revision.owner]},
                    ]
                },
                "template": {"spec": {"switches": chain.switches}},
            }
        }
    }
    if revision.cluster_selector is not None:
        spec["dpuClusterSelector"] = revision.cluster_selector
    return {
        "apiVersion": SVC_V1,
        "kind": KIND,
        "metadata": {
            "annotations": {naming.CHAIN_VERSION_KEY: chain.version},
            "labels": {naming.OWNER_LABEL: revision.owner},
            "name": chain.name,
            "namespace": d.namespace,
        },
        "spec": spec,
    }
