"""A valid set of DPF inputs to break one field at a time, and helpers to run and summarise the checks.

The base deployment `demo` (namespace `dpf`) has two services, producer and consumer (consumer dependsOn
producer and names it through templating), one DPUSet, a chain joining their `app_iface` interfaces, a
BFB whose DOCA version (2.9.1) is in its bundle file name, and a flavor whose allocatable resources
(cpu 3-1=2, memory 3Gi-1Gi=2Gi) exactly fit the two templates' requests (1+1 cpu, 1Gi+1Gi memory).
"""

from __future__ import annotations

import copy
from typing import Any

from kustomize_plugin import emit, pipeline
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.index import Item
from kustomize_plugin.results import ResourceRef, Result

NS = "dpf"
SVC = "svc.dpu.nvidia.com/v1alpha1"
PROV = "provisioning.dpu.nvidia.com/v1alpha1"
DELETE = object()  # set_path value: remove the key


def _template(name: str) -> dict[str, Any]:
    return {
        "apiVersion": SVC,
        "kind": "DPUServiceTemplate",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "deploymentServiceName": name,
            "helmChart": {
                "source": {"repoURL": "oci://registry.example.com/charts", "chart": name, "version": "1.0.0"},
                "values": {"image": {"tag": "1.0"}},
            },
            "resourceRequirements": {"cpu": "1", "memory": "1Gi"},
        },
    }


def _configuration(name: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": SVC,
        "kind": "DPUServiceConfiguration",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "deploymentServiceName": name,
            "serviceConfiguration": {
                "helmChart": {"values": values},
                "serviceDaemonSet": {"labels": {"app.kubernetes.io/part-of": "demo"}},
            },
            "interfaces": [{"name": "app_iface", "network": "mybrsfc"}],
            "upgradePolicy": {"applyNodeEffect": True},
        },
    }


def base_docs() -> list[dict[str, Any]]:
    """A fresh copy of the valid inputs."""
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": PROV,
            "kind": "BFB",
            "metadata": {"name": "bf-bundle", "namespace": NS},
            "spec": {"url": "https://bfb.example.com/bf-bundle-2.9.1-40_25.01_ubuntu-22.04_prod.bfb"},
        },
        {
            "apiVersion": PROV,
            "kind": "DPUFlavor",
            "metadata": {"name": "flavor", "namespace": NS},
            "spec": {
                "dpuResources": {"cpu": "3", "memory": "3Gi"},
                "systemReservedResources": {"cpu": "1", "memory": "1Gi"},
            },
        },
        _template("producer"),
        _template("consumer"),
        _configuration("producer", {"rate": 5000}),
        _configuration("consumer", {"upstream": "{{ .Services.producer.Name }}"}),
        {
            "apiVersion": SVC,
            "kind": "DPUDeployment",
            "metadata": {"name": "demo", "namespace": NS},
            "spec": {
                "dpus": {
                    "bfb": "bf-bundle",
                    "flavor": "flavor",
                    "nodeEffect": {"drain": True},
                    "dpuSetStrategy": {"type": "RollingUpdate"},
                    "dpuSets": [{"nameSuffix": "rack-a", "dpuNodeSelector": {"matchLabels": {"rack": "a"}}}],
                },
                "services": {
                    "producer": {"serviceTemplate": "producer", "serviceConfiguration": "producer"},
                    "consumer": {
                        "serviceTemplate": "consumer",
                        "serviceConfiguration": "consumer",
                        "dependsOn": [{"name": "producer"}],
                    },
                },
                "serviceChains": {
                    "upgradePolicy": {"applyNodeEffect": True},
                    "switches": [
                        {
                            "ports": [
                                {"service": {"name": "producer", "interface": "app_iface"}},
                                {"service": {"name": "consumer", "interface": "app_iface"}},
                            ]
                        }
                    ],
                },
            },
        },
    ]
    return copy.deepcopy(docs)


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(d for d in docs if d.get("kind") == kind and d.get("metadata", {}).get("name") == name)


def set_path(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    """Set (or, with DELETE, remove) the value at `path`, creating maps on the way."""
    for key in path[:-1]:
        obj = obj.setdefault(key, {}) if isinstance(obj, dict) else obj[key]
    if value is DELETE:
        del obj[path[-1]]
    else:
        obj[path[-1]] = copy.deepcopy(value)


def ref_of(obj: dict[str, Any]) -> ResourceRef:
    ref = ResourceRef.of(obj)
    ref.namespace = ref.namespace or NS
    return ref


def run(docs: list[dict[str, Any]], **options: Any) -> tuple[list[Any], list[Result]]:
    rendering = pipeline.render(
        [Item(d, i) for i, d in enumerate(docs)], RenderConfig(**options), mode=pipeline.FINAL
    )
    return rendering.objects(), rendering.results


def brief(results: list[Result]) -> list[tuple[str, str, str, str, str]]:
    """(severity, kind, name, field, message) of each result, in the pipeline's order."""
    return [
        (r.severity, r.ref.kind if r.ref else "", r.ref.name if r.ref else "", r.field or "", r.message)
        for r in results
    ]


def errors(results: list[Result]) -> list[Result]:
    return [r for r in results if r.severity == "error"]


def children(docs: list[Any]) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] in emit.CHILD_KINDS]
