"""Write a synthetic fleet repository: N DPUDeployments of 4 services x 2 interfaces, with dependsOn and a chain.

The benchmark's input (scripts/bench.py). Every DPUDeployment renders 14 children (one DPUSet, four DPUServices, eight
DPUServiceInterfaces, one DPUServiceChain); ten share a namespace, whose BFB, DPUFlavor and four
DPUServiceTemplates they reference, and each has its own four DPUServiceConfigurations, so every service
digest differs. Three of the four services depend on another and name it through Go templating in their helm
values, as real chains of network functions do. The output is a pure function of the arguments (no clock, no
randomness), so two runs write the same bytes.

    python scripts/gen_fleet.py --deployments 1000 --out /tmp/fleet        # one file per namespace
    python scripts/gen_fleet.py --deployments 100 --stream > fleet.yaml     # one YAML stream
    python scripts/gen_fleet.py --deployments 10 --constraint --stream      # templates with a DOCA constraint
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys

import yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

SVC = "svc.dpu.nvidia.com/v1alpha1"
PROVISIONING = "provisioning.dpu.nvidia.com/v1alpha1"
PER_NAMESPACE = 10
# (key, helm chart, dependencies): a firewall in front of a router, a monitor tapping both, a proxy last.
SERVICES = (
    ("firewall", "doca-firewall", ()),
    ("router", "doca-hbn", ("firewall",)),
    ("monitor", "flow-monitor", ("firewall", "router")),
    ("proxy", "edge-proxy", ("monitor",)),
)
INTERFACES = ("in_if", "out_if")


def bfb(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": PROVISIONING,
        "kind": "BFB",
        "metadata": {"name": "bf-bundle", "namespace": namespace},
        "spec": {"url": "http://bfb.example.com/bf-bundle-2.9.1-40_25.01_ubuntu-22.04_prod.bfb"},
    }


def flavor(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": PROVISIONING,
        "kind": "DPUFlavor",
        "metadata": {"name": "fleet-flavor", "namespace": namespace},
        "spec": {
            "dpuResources": {"cpu": "16", "memory": "32Gi"},
            "systemReservedResources": {"cpu": "2", "memory": "4Gi"},
            "grub": {"kernelParameters": ["console=hvc0", "console=ttyAMA0", "hugepages=3072"]},
            "ovs": {"rawConfigScript": "ovs-vsctl set Open_vSwitch . other_config:doca-init=true\n"},
        },
    }


def template(namespace: str, key: str, chart: str, *, constraint: bool) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": key, "namespace": namespace}
    if constraint:
        metadata["annotations"] = {"dpu.nvidia.com/doca-version": ">= 2.9"}
    return {
        "apiVersion": SVC,
        "kind": "DPUServiceTemplate",
        "metadata": metadata,
        "spec": {
            "deploymentServiceName": key,
            "helmChart": {
                "source": {"repoURL": "oci://registry.example.com/dpf", "chart": chart, "version": "1.4.2"},
                "values": {
                    "image": {"repository": f"registry.example.com/dpf/{chart}", "tag": "1.4.2"},
                    "resources": {"limits": {"cpu": "2", "memory": "2Gi"}},
                    "logLevel": "info",
                },
            },
            "resourceRequirements": {"cpu": "2", "memory": "2Gi"},
        },
    }


def configuration(
    namespace: str, deployment: str, index: int, key: str, depends: tuple[str, ...]
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "site": {"id": index, "vlan": 100 + index % 3900, "mtu": 9000, "enabled": True},
        "logLevel": "debug" if index % 7 == 0 else "info",
    }
    if depends:
        values["upstreams"] = [
            {"name": f"{{{{ .Services.{dep}.Name }}}}", "namespace": f"{{{{ .Services.{dep}.Namespace }}}}"}
            for dep in depends
        ]
    return {
        "apiVersion": SVC,
        "kind": "DPUServiceConfiguration",
        "metadata": {"name": f"{deployment}-{key}", "namespace": namespace},
        "spec": {
            "deploymentServiceName": key,
            "serviceConfiguration": {
                "helmChart": {"values": values},
                "serviceDaemonSet": {
                    "labels": {"app.kubernetes.io/part-of": deployment},
                    "annotations": {"fleet.example.com/owner": "network-team"},
                },
            },
            "interfaces": [
                {"name": name, "network": f"{key}-{name.replace('_', '-')}"} for name in INTERFACES
            ],
            "upgradePolicy": {"applyNodeEffect": True},
        },
    }


def deployment(namespace: str, name: str, index: int) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for key, _, depends in SERVICES:
        service: dict[str, Any] = {"serviceTemplate": key, "serviceConfiguration": f"{name}-{key}"}
        if depends:
            service["dependsOn"] = [{"name": dep} for dep in depends]
        services[key] = service
    keys = [key for key, _, _ in SERVICES]
    switches: list[dict[str, Any]] = [
        {"ports": [{"serviceInterface": {"matchLabels": {"uplink": "p0"}}}, _port(keys[0], "in_if")]}
    ]
    switches += [{"ports": [_port(a, "out_if"), _port(b, "in_if")]} for a, b in itertools.pairwise(keys)]
    switches.append(
        {"ports": [_port(keys[-1], "out_if"), {"serviceInterface": {"matchLabels": {"uplink": "p1"}}}]}
    )
    return {
        "apiVersion": SVC,
        "kind": "DPUDeployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "dpus": {
                "bfb": "bf-bundle",
                "flavor": "fleet-flavor",
                "nodeEffect": {"drain": True},
                "dpuSetStrategy": {"type": "RollingUpdate"},
                "dpuSets": [
                    {
                        "nameSuffix": "dpus",
                        "dpuNodeSelector": {"matchLabels": {"fleet.example.com/site": name}},
                        "dpuAnnotations": {"fleet.example.com/rack": f"r{index % 40:02d}"},
                    }
                ],
            },
            "services": services,
            "serviceChains": {"upgradePolicy": {"applyNodeEffect": True}, "switches": switches},
        },
    }


def _port(service: str, interface: str) -> dict[str, Any]:
    return {"service": {"name": service, "interface": interface}}


def namespaces(count: int, *, constraint: bool = False) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(namespace, its objects) for a fleet of `count` DPUDeployments."""
    for first in range(0, count, PER_NAMESPACE):
        namespace = f"site-{first // PER_NAMESPACE:04d}"
        shared: list[dict[str, Any]] = [bfb(namespace), flavor(namespace)]
        shared += [template(namespace, key, chart, constraint=constraint) for key, chart, _ in SERVICES]
        salts = dict.fromkeys(range(first, min(first + PER_NAMESPACE, count)), 0)
        while True:
            docs = shared + [
                d for index, salt in salts.items() for d in _deployment_docs(namespace, index, salt)
            ]
            clash = _colliding(docs)
            if clash is None:
                break
            # Two DPUDeployments of this namespace drew one generated name (docs/revisions.md): change the
            # content of one of them until they do not. Rare, and the same on every run.
            salts[clash] += 1
        yield namespace, docs


def _deployment_docs(namespace: str, index: int, salt: int) -> list[dict[str, Any]]:
    name = f"fleet-{index:05d}"
    docs = [configuration(namespace, name, index, key, depends) for key, _, depends in SERVICES]
    if salt:
        for doc in docs:
            doc["spec"]["serviceConfiguration"]["helmChart"]["values"]["salt"] = salt
    docs.append(deployment(namespace, name, index))
    return docs


def _colliding(docs: list[dict[str, Any]]) -> int | None:
    """The index of a DPUDeployment whose generated children collide with another's, or None."""
    from kustomize_plugin import pipeline
    from kustomize_plugin.config import RenderConfig
    from kustomize_plugin.index import Item

    items = [Item(doc, i) for i, doc in enumerate(docs)]
    rendering = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL)
    involved = [
        int(r.ref.name.rsplit("-", 1)[1])
        for r in rendering.results
        if r.ref is not None and r.ref.kind == "DPUDeployment" and "would be written" in r.message
    ]
    return max(involved) if involved else None


def fleet(count: int, *, constraint: bool = False) -> list[dict[str, Any]]:
    """Every object of a fleet of `count` DPUDeployments, in file order."""
    return [doc for _, docs in namespaces(count, constraint=constraint) for doc in docs]


def dump(docs: list[dict[str, Any]]) -> str:
    return yaml.dump_all(docs, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)


def write_tree(directory: str, count: int, *, constraint: bool = False) -> int:
    """One file per namespace under `directory`; the number of bytes written."""
    os.makedirs(directory, exist_ok=True)
    total = 0
    for namespace, docs in namespaces(count, constraint=constraint):
        text = dump(docs)
        with open(os.path.join(directory, f"{namespace}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(text)
        total += len(text)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deployments", "-n", type=int, default=1000, help="number of DPUDeployments")
    parser.add_argument(
        "--constraint", action="store_true", help="give every template a DOCA version constraint"
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="DIR", help="write one file per namespace under DIR")
    where.add_argument("--stream", action="store_true", help="write one YAML stream to stdout")
    args = parser.parse_args(argv)
    if args.stream:
        sys.stdout.write(dump(fleet(args.deployments, constraint=args.constraint)))
    else:
        write_tree(args.out, args.deployments, constraint=args.constraint)
    return 0


if __name__ == "__main__":
    sys.exit(main())
