"""The CRD input rules of every field dpf-render reads (docs/checks.md, "Input rules"), with DPF's messages where DPF has one.

Each rule has a failing row (one field broken in otherwise valid inputs, with the exact field path and
message) and a passing row at its limit. Expected texts are written from the CRDs (shared/crds) and from
apimachinery's validation messages, not copied from the module; the data in schema.py is also compared,
node by node, with the CRDs themselves, so a rule the CRD has and schema.py lacks fails here.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin.validate import schema

from .conftest import REPO
from .crds import crd_schema, normalise
from .validation.fixtures import DELETE, NS, PROV, base_docs, children, errors, find, ref_of, run, set_path

D, T, C = "DPUDeployment", "DPUServiceTemplate", "DPUServiceConfiguration"
BFB, BFS, FLAVOR, FLAVOR_TEMPLATE = "BFB", "BlueFieldSoftware", "DPUFlavor", "DPUFlavorTemplate"

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
NODE_EFFECT = (
    "exactly one of taint, noEffect=true, drain=true, non-empty customLabel, non-empty customAction, "
    "hold=true must be set"
)
DPU_ANNOTATION = "should not contain dpu.nvidia.com/ and should not end with dpu.nvidia.com"
DS_LABEL = "labels should not contain dpu.nvidia.com/ and should not end with dpu.nvidia.com"
DS_ANNOTATION = "annotations should not contain dpu.nvidia.com/ and should not end with dpu.nvidia.com"
QUANTITY = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|"
    r"(\.[0-9]+))))?$"
)
PORT0 = ("spec", "serviceChains", "switches", 0, "ports", 0)
P0 = "spec.serviceChains.switches[0].ports[0]"
SET0 = ("spec", "dpus", "dpuSets", 0)
DS = ("spec", "serviceConfiguration", "serviceDaemonSet")
DSP = "spec.serviceConfiguration.serviceDaemonSet"
CP = ("spec", "serviceConfiguration", "configPorts")
CPP = "spec.serviceConfiguration.configPorts"
SERVICE = {"serviceTemplate": "t", "serviceConfiguration": "c"}
WEB = {"name": "web", "port": 80, "protocol": "TCP"}
ALL_VERSIONS = {"bsp": "4.9.1", "doca": "2.9.1", "uefi": "4.9.1-13", "atf": "v2.2(release)"}
SI_PORT = {"serviceInterface": {"matchLabels": {"uplink": "p0"}}}


def many(n: int, prefix: str = "k") -> dict[str, str]:
    return {f"{prefix}{i}": "v" for i in range(n)}


def too_long(value: str, limit: int) -> str:
    return f'Too long: "{value}": may not be longer than {limit} characters (it has {len(value)})'


def required(field: str) -> str:
    return f"{field} is required"


def unknown(field: str, hint: str) -> str:
    """kube-apiserver's strict field validation wording, with what dpf-render suggests instead."""
    return f'unknown field "{field}" ({hint})'


def objects() -> list[dict[str, Any]]:
    """The base inputs plus one object of each kind the base deployment does not use."""
    return [
        *base_docs(),
        {
            "apiVersion": PROV,
            "kind": BFS,
            "metadata": {"name": "bfs", "namespace": NS},
            "spec": {},
            "status": {"versions": {"doca": "3.3.0"}},
        },
        {
            "apiVersion": PROV,
            "kind": FLAVOR_TEMPLATE,
            "metadata": {"name": "per-dpu", "namespace": NS},
            "spec": {"template": {"spec": {"dpuResources": {"cpu": "8"}}}},
        },
    ]


Change = tuple[tuple[Any, ...], Any]


def apply(kind: str, name: str, changes: tuple[Change, ...]) -> dict[str, Any]:
    obj = find(objects(), kind, name)
    for path, value in changes:
        set_path(obj, path, value)
    return obj


def check(obj: dict[str, Any]) -> list[tuple[str, str, str]]:
    results, _ = schema.check_input(obj, ref_of(obj))
    assert all(r.condition == "InputValid" for r in results)
    return [(r.severity, r.field or "", r.message) for r in results]


def one(path: tuple[Any, ...], value: Any) -> tuple[Change, ...]:
    return ((path, value),)


# id, kind, name, changes, field, message
FAILING: list[tuple[str, str, str, tuple[Change, ...], str, str]] = [
    # --- object names
    ("deployment-name-over-20", D, "demo", one(("metadata", "name"), "d" * 21), "metadata.name", "name length can't be bigger than 20 chars"),
    ("deployment-name-not-dns", D, "demo", one(("metadata", "name"), "Demo_1"), "metadata.name", f'Invalid value: "Demo_1": {SUBDOMAIN}'),
    ("namespace-not-dns", D, "demo", one(("metadata", "namespace"), "Team_A"), "metadata.namespace", f'Invalid value: "Team_A": {LABEL}'),
    ("namespace-over-63", D, "demo", one(("metadata", "namespace"), "n" * 64), "metadata.namespace", f'Invalid value: "{"n" * 64}": must be no more than 63 characters'),
    ("template-name-not-dns", T, "producer", one(("metadata", "name"), "Producer"), "metadata.name", f'Invalid value: "Producer": {SUBDOMAIN}'),
    ("configuration-name-over-253", C, "producer", one(("metadata", "name"), "c" * 254), "metadata.name", 'Invalid value: "' + "c" * 254 + '": must be no more than 253 characters'),
    ("bfb-name-over-187", BFB, "bf-bundle", one(("metadata", "name"), "b" * 188), "metadata.name", "name length can't be bigger than 187 chars"),
    ("flavor-name-not-dns", FLAVOR, "flavor", one(("metadata", "name"), "flavor-$TAG"), "metadata.name", f'Invalid value: "flavor-$TAG": {SUBDOMAIN}'),
    ("labels-not-strings", D, "demo", one(("metadata", "labels"), {"tier": 1}), "metadata.labels.tier", "metadata.labels.tier must be a string, not an integer"),
    ("annotations-not-a-map", T, "producer", one(("metadata", "annotations"), "x"), "metadata.annotations", "metadata.annotations must be a map, not a string"),
    # --- DPUDeployment
    ("spec-missing", D, "demo", one(("spec",), DELETE), "spec", required("spec")),
    ("spec-not-a-map", D, "demo", one(("spec",), "x"), "spec", "spec must be a map, not a string"),
    ("dpus-missing", D, "demo", one(("spec", "dpus"), DELETE), "spec.dpus", required("spec.dpus")),
    ("dpus-not-a-map", D, "demo", one(("spec", "dpus"), ["x"]), "spec.dpus", "spec.dpus must be a map, not a list"),
    ("services-missing", D, "demo", one(("spec", "services"), DELETE), "spec.services", required("spec.services")),
    ("bfb-and-bluefield-software", D, "demo", one(("spec", "dpus", "blueFieldSoftware"), "bfs"), "spec.dpus", "exactly one of bfb or blueFieldSoftware must be specified"),
    ("neither-bfb-nor-bluefield-software", D, "demo", one(("spec", "dpus", "bfb"), DELETE), "spec.dpus", "exactly one of bfb or blueFieldSoftware must be specified"),
    ("flavor-and-flavor-template", D, "demo", one(("spec", "dpus", "flavorTemplate"), "per-dpu"), "spec.dpus", "exactly one of flavor or flavorTemplate must be set"),
    ("neither-flavor-nor-flavor-template", D, "demo", one(("spec", "dpus", "flavor"), DELETE), "spec.dpus", "exactly one of flavor or flavorTemplate must be set"),
    ("bfb-empty", D, "demo", one(("spec", "dpus", "bfb"), ""), "spec.dpus.bfb", 'Invalid value: "": should be at least 1 character long'),
    ("flavor-empty", D, "demo", one(("spec", "dpus", "flavor"), ""), "spec.dpus.flavor", 'Invalid value: "": should be at least 1 character long'),
    ("bfb-not-a-string", D, "demo", one(("spec", "dpus", "bfb"), {"name": "bf-bundle"}), "spec.dpus.bfb", "spec.dpus.bfb must be a string, not a map"),
    ("secure-boot-not-a-boolean", D, "demo", one(("spec", "dpus", "secureBoot"), "yes"), "spec.dpus.secureBoot", "spec.dpus.secureBoot must be a boolean, not a string"),
    ("node-effect-two-actions", D, "demo", one(("spec", "dpus", "nodeEffect"), {"drain": True, "hold": True}), "spec.dpus.nodeEffect", NODE_EFFECT),
    ("node-effect-drain-false", D, "demo", one(("spec", "dpus", "nodeEffect"), {"drain": False}), "spec.dpus.nodeEffect", NODE_EFFECT),
    ("node-effect-empty-custom-label", D, "demo", one(("spec", "dpus", "nodeEffect"), {"customLabel": {}}), "spec.dpus.nodeEffect", NODE_EFFECT),
    ("node-effect-empty-custom-action", D, "demo", one(("spec", "dpus", "nodeEffect"), {"customAction": ""}), "spec.dpus.nodeEffect", NODE_EFFECT),
    ("node-effect-force-only", D, "demo", one(("spec", "dpus", "nodeEffect"), {"force": True}), "spec.dpus.nodeEffect", NODE_EFFECT),
    ("node-effect-taint-and-no-effect", D, "demo", one(("spec", "dpus", "nodeEffect"), {"taint": {"key": "k", "effect": "NoSchedule"}, "noEffect": True}), "spec.dpus.nodeEffect", NODE_EFFECT),
    ("node-effect-not-a-map", D, "demo", one(("spec", "dpus", "nodeEffect"), "drain"), "spec.dpus.nodeEffect", "spec.dpus.nodeEffect must be a map, not a string"),
    ("taint-without-effect", D, "demo", one(("spec", "dpus", "nodeEffect"), {"taint": {"key": "k"}}), "spec.dpus.nodeEffect.taint.effect", required("spec.dpus.nodeEffect.taint.effect")),
    ("taint-time-not-rfc3339", D, "demo", one(("spec", "dpus", "nodeEffect"), {"taint": {"key": "k", "effect": "NoSchedule", "timeAdded": "yesterday"}}), "spec.dpus.nodeEffect.taint.timeAdded", 'Invalid value: "yesterday": should be an RFC 3339 date-time'),
    ("strategy-type-unknown", D, "demo", one(("spec", "dpus", "dpuSetStrategy", "type"), "Sometimes"), "spec.dpus.dpuSetStrategy.type", 'Unsupported value: "Sometimes": supported values: "OnDelete", "RollingUpdate"'),
    ("strategy-type-missing", D, "demo", one(("spec", "dpus", "dpuSetStrategy"), {}), "spec.dpus.dpuSetStrategy.type", required("spec.dpus.dpuSetStrategy.type")),
    ("max-unavailable-boolean", D, "demo", one(("spec", "dpus", "dpuSetStrategy", "rollingUpdate"), {"maxUnavailable": True}), "spec.dpus.dpuSetStrategy.rollingUpdate.maxUnavailable", "spec.dpus.dpuSetStrategy.rollingUpdate.maxUnavailable must be an integer or a string, not a boolean"),
    ("dpusets-empty", D, "demo", one(("spec", "dpus", "dpuSets"), []), "spec.dpus.dpuSets", "Too few: 0: must have at least 1 item"),
    ("dpusets-over-50", D, "demo", one(("spec", "dpus", "dpuSets"), [{"nameSuffix": f"s{i}"} for i in range(51)]), "spec.dpus.dpuSets", "Too many: 51: must have at most 50 items"),
    ("dpuset-not-a-map", D, "demo", one(("spec", "dpus", "dpuSets"), ["rack-a"]), "spec.dpus.dpuSets[0]", "spec.dpus.dpuSets[0] must be a map, not a string"),
    ("name-suffix-over-24", D, "demo", one((*SET0, "nameSuffix"), "s" * 25), "spec.dpus.dpuSets[0].nameSuffix", too_long("s" * 25, 24)),
    ("name-suffix-empty", D, "demo", one((*SET0, "nameSuffix"), ""), "spec.dpus.dpuSets[0].nameSuffix", 'Invalid value: "": should be at least 1 character long'),
    ("name-suffix-missing", D, "demo", one((*SET0, "nameSuffix"), DELETE), "spec.dpus.dpuSets[0].nameSuffix", required("spec.dpus.dpuSets[0].nameSuffix")),
    ("name-suffix-twice", D, "demo", one(("spec", "dpus", "dpuSets"), [{"nameSuffix": "a"}, {"nameSuffix": "b"}, {"nameSuffix": "a"}]), "spec.dpus.dpuSets[2].nameSuffix", "DPUSet.NameSuffix values must be unique"),
    ("dpu-annotation-dpu-prefix", D, "demo", one((*SET0, "dpuAnnotations"), {"dpu.nvidia.com/x": "1"}), "spec.dpus.dpuSets[0].dpuAnnotations.dpu.nvidia.com/x", DPU_ANNOTATION),
    ("dpu-annotation-svc-prefix", D, "demo", one((*SET0, "dpuAnnotations"), {"svc.dpu.nvidia.com/x": "1"}), "spec.dpus.dpuSets[0].dpuAnnotations.svc.dpu.nvidia.com/x", DPU_ANNOTATION),
    ("dpu-annotation-dpu-suffix", D, "demo", one((*SET0, "dpuAnnotations"), {"team.dpu.nvidia.com": "1"}), "spec.dpus.dpuSets[0].dpuAnnotations.team.dpu.nvidia.com", DPU_ANNOTATION),
    ("dpu-annotation-other-provisioning-key", D, "demo", one((*SET0, "dpuAnnotations"), {"provisioning.dpu.nvidia.com/reboot": "1"}), "spec.dpus.dpuSets[0].dpuAnnotations.provisioning.dpu.nvidia.com/reboot", DPU_ANNOTATION),
    ("dpu-annotations-over-50", D, "demo", one((*SET0, "dpuAnnotations"), many(51)), "spec.dpus.dpuSets[0].dpuAnnotations", "Too many: 51: must have at most 50 entries"),
    ("dpu-annotation-not-a-string", D, "demo", one((*SET0, "dpuAnnotations"), {"a": 1}), "spec.dpus.dpuSets[0].dpuAnnotations.a", "spec.dpus.dpuSets[0].dpuAnnotations.a must be a string, not an integer"),
    ("node-selector-and-dpu-node-selector", D, "demo", one((*SET0, "nodeSelector"), {"matchLabels": {"rack": "a"}}), "spec.dpus.dpuSets[0]", "only one of nodeSelector or dpuNodeSelector can be specified"),
    ("dpu-selector-and-dpu-device-selector", D, "demo", ((((*SET0, "dpuSelector"), {"a": "b"})), (((*SET0, "dpuDeviceSelector"), {"matchLabels": {"a": "b"}}))), "spec.dpus.dpuSets[0]", "only one of dpuSelector or dpuDeviceSelector can be specified"),
    ("selector-expression-without-operator", D, "demo", one((*SET0, "dpuNodeSelector"), {"matchExpressions": [{"key": "rack"}]}), "spec.dpus.dpuSets[0].dpuNodeSelector.matchExpressions[0].operator", required("spec.dpus.dpuSets[0].dpuNodeSelector.matchExpressions[0].operator")),
    ("selector-values-not-strings", D, "demo", one((*SET0, "dpuNodeSelector"), {"matchExpressions": [{"key": "rack", "operator": "In", "values": [1]}]}), "spec.dpus.dpuSets[0].dpuNodeSelector.matchExpressions[0].values[0]", "spec.dpus.dpuSets[0].dpuNodeSelector.matchExpressions[0].values[0] must be a string, not an integer"),
    ("selector-match-labels-not-a-map", D, "demo", one((*SET0, "dpuNodeSelector"), {"matchLabels": "rack=a"}), "spec.dpus.dpuSets[0].dpuNodeSelector.matchLabels", "spec.dpus.dpuSets[0].dpuNodeSelector.matchLabels must be a map, not a string"),
    ("cluster-selector-not-a-map", D, "demo", one((*SET0, "dpuClusterSelector"), ["a"]), "spec.dpus.dpuSets[0].dpuClusterSelector", "spec.dpus.dpuSets[0].dpuClusterSelector must be a map, not a list"),
    ("services-empty", D, "demo", one(("spec", "services"), {}), "spec.services", "Too few: 0: must have at least 1 entry"),
    ("services-over-50", D, "demo", one(("spec", "services"), {f"s{i}": SERVICE for i in range(51)}), "spec.services", "Too many: 51: must have at most 50 entries"),
    ("service-name-over-28", D, "demo", one(("spec", "services", "s" * 29), SERVICE), "spec.services." + "s" * 29, "service names can't be bigger than 28 chars"),
    ("service-name-not-a-string", D, "demo", one(("spec", "services", 7), SERVICE), "spec.services.7", "spec.services keys must be strings, not an integer (7)"),
    ("service-not-a-map", D, "demo", one(("spec", "services", "producer"), "producer"), "spec.services.producer", "spec.services.producer must be a map, not a string"),
    ("service-without-template", D, "demo", one(("spec", "services", "producer", "serviceTemplate"), DELETE), "spec.services.producer.serviceTemplate", required("spec.services.producer.serviceTemplate")),
    ("service-without-configuration", D, "demo", one(("spec", "services", "producer", "serviceConfiguration"), DELETE), "spec.services.producer.serviceConfiguration", required("spec.services.producer.serviceConfiguration")),
    ("depends-on-empty", D, "demo", one(("spec", "services", "consumer", "dependsOn"), []), "spec.services.consumer.dependsOn", "Too few: 0: must have at least 1 item"),
    ("depends-on-without-name", D, "demo", one(("spec", "services", "consumer", "dependsOn"), [{}]), "spec.services.consumer.dependsOn[0].name", required("spec.services.consumer.dependsOn[0].name")),
    ("depends-on-a-string", D, "demo", one(("spec", "services", "consumer", "dependsOn"), ["producer"]), "spec.services.consumer.dependsOn[0]", "spec.services.consumer.dependsOn[0] must be a map, not a string"),
    ("chains-not-a-map", D, "demo", one(("spec", "serviceChains"), "x"), "spec.serviceChains", "spec.serviceChains must be a map (or, in the old shape, a list), not a string"),
    ("switches-missing", D, "demo", one(("spec", "serviceChains", "switches"), DELETE), "spec.serviceChains.switches", required("spec.serviceChains.switches")),
    ("switches-empty", D, "demo", one(("spec", "serviceChains", "switches"), []), "spec.serviceChains.switches", "Too few: 0: must have at least 1 item"),
    ("switches-over-50", D, "demo", one(("spec", "serviceChains", "switches"), [{"ports": [SI_PORT]}] * 51), "spec.serviceChains.switches", "Too many: 51: must have at most 50 items"),
    ("ports-missing", D, "demo", one(("spec", "serviceChains", "switches", 0, "ports"), DELETE), "spec.serviceChains.switches[0].ports", required("spec.serviceChains.switches[0].ports")),
    ("ports-empty", D, "demo", one(("spec", "serviceChains", "switches", 0, "ports"), []), "spec.serviceChains.switches[0].ports", "Too few: 0: must have at least 1 item"),
    ("ports-over-50", D, "demo", one(("spec", "serviceChains", "switches", 0, "ports"), [SI_PORT] * 51), "spec.serviceChains.switches[0].ports", "Too many: 51: must have at most 50 items"),
    ("port-service-and-service-interface", D, "demo", one((*PORT0, "serviceInterface"), {"matchLabels": {"a": "b"}}), P0, "either service or serviceInterface must be specified"),
    ("port-neither", D, "demo", one(PORT0, {}), P0, "either service or serviceInterface must be specified"),
    ("port-service-name-over-28", D, "demo", one((*PORT0, "service", "name"), "s" * 29), f"{P0}.service.name", too_long("s" * 29, 28)),
    ("port-service-name-empty", D, "demo", one((*PORT0, "service", "name"), ""), f"{P0}.service.name", 'Invalid value: "": should be at least 1 character long'),
    ("port-interface-over-15", D, "demo", one((*PORT0, "service", "interface"), "i" * 16), f"{P0}.service.interface", too_long("i" * 16, 15)),
    ("port-interface-empty", D, "demo", one((*PORT0, "service", "interface"), ""), f"{P0}.service.interface", 'Invalid value: "": should be at least 1 character long'),
    ("port-interface-missing", D, "demo", one((*PORT0, "service", "interface"), DELETE), f"{P0}.service.interface", required(f"{P0}.service.interface")),
    ("ipam-without-match-labels", D, "demo", one((*PORT0, "service", "ipam"), {"defaultGateway": True}), f"{P0}.service.ipam.matchLabels", required(f"{P0}.service.ipam.matchLabels")),
    ("ipam-match-labels-empty", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": {}}), f"{P0}.service.ipam.matchLabels", "Too few: 0: must have at least 1 entry"),
    ("ipam-match-labels-over-50", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": many(51)}), f"{P0}.service.ipam.matchLabels", "Too many: 51: must have at most 50 entries"),
    ("ipam-family-unknown", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": {"a": "b"}, "requiredIPFamilies": ["IPv5"]}), f"{P0}.service.ipam.requiredIPFamilies[0]", 'Unsupported value: "IPv5": supported values: "IPv4", "IPv6"'),
    ("ipam-families-empty", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": {"a": "b"}, "requiredIPFamilies": []}), f"{P0}.service.ipam.requiredIPFamilies", "Too few: 0: must have at least 1 item"),
    ("ipam-family-twice", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": {"a": "b"}, "requiredIPFamilies": ["IPv4", "IPv4"]}), f"{P0}.service.ipam.requiredIPFamilies[1]", 'Duplicate value: "IPv4"'),
    ("ipam-default-gateway-not-a-boolean", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": {"a": "b"}, "defaultGateway": "yes"}), f"{P0}.service.ipam.defaultGateway", f"{P0}.service.ipam.defaultGateway must be a boolean, not a string"),
    ("service-interface-match-labels-empty", D, "demo", one(PORT0, {"serviceInterface": {"matchLabels": {}}}), f"{P0}.serviceInterface.matchLabels", "Too few: 0: must have at least 1 entry"),
    ("service-interface-match-labels-over-50", D, "demo", one(PORT0, {"serviceInterface": {"matchLabels": many(51)}}), f"{P0}.serviceInterface.matchLabels", "Too many: 51: must have at most 50 entries"),
    ("service-interface-without-match-labels", D, "demo", one(PORT0, {"serviceInterface": {}}), f"{P0}.serviceInterface.matchLabels", required(f"{P0}.serviceInterface.matchLabels")),
    ("service-mtu-1279", D, "demo", one(("spec", "serviceChains", "switches", 0, "serviceMTU"), 1279), "spec.serviceChains.switches[0].serviceMTU", "Invalid value: 1279: should be greater than or equal to 1280"),
    ("service-mtu-9217", D, "demo", one(("spec", "serviceChains", "switches", 0, "serviceMTU"), 9217), "spec.serviceChains.switches[0].serviceMTU", "Invalid value: 9217: should be less than or equal to 9216"),
    ("service-mtu-a-string", D, "demo", one(("spec", "serviceChains", "switches", 0, "serviceMTU"), "1500"), "spec.serviceChains.switches[0].serviceMTU", "spec.serviceChains.switches[0].serviceMTU must be an integer, not a string"),
    ("chain-policy-not-a-boolean", D, "demo", one(("spec", "serviceChains", "upgradePolicy", "applyNodeEffect"), "yes"), "spec.serviceChains.upgradePolicy.applyNodeEffect", "spec.serviceChains.upgradePolicy.applyNodeEffect must be a boolean, not a string"),
    ("old-shape-port-both", D, "demo", one(("spec", "serviceChains"), [{"ports": [{"service": {"name": "producer", "interface": "app_iface"}, **SI_PORT}]}]), "spec.serviceChains[0].ports[0]", "either service or serviceInterface must be specified"),
    ("old-shape-empty", D, "demo", one(("spec", "serviceChains"), []), "spec.serviceChains", "Too few: 0: must have at least 1 item"),
    ("revision-history-limit-0", D, "demo", one(("spec", "revisionHistoryLimit"), 0), "spec.revisionHistoryLimit", "Invalid value: 0: should be greater than or equal to 1"),
    ("revision-history-limit-boolean", D, "demo", one(("spec", "revisionHistoryLimit"), True), "spec.revisionHistoryLimit", "spec.revisionHistoryLimit must be an integer, not a boolean"),
    ("revision-history-limit-float", D, "demo", one(("spec", "revisionHistoryLimit"), 2.5), "spec.revisionHistoryLimit", "spec.revisionHistoryLimit must be an integer, not a number"),
    # --- DPUServiceTemplate
    ("template-service-name-missing", T, "producer", one(("spec", "deploymentServiceName"), DELETE), "spec.deploymentServiceName", required("spec.deploymentServiceName")),
    ("template-service-name-empty", T, "producer", one(("spec", "deploymentServiceName"), ""), "spec.deploymentServiceName", 'Invalid value: "": should be at least 1 character long'),
    ("template-service-name-over-28", T, "producer", one(("spec", "deploymentServiceName"), "s" * 29), "spec.deploymentServiceName", too_long("s" * 29, 28)),
    ("helm-chart-missing", T, "producer", one(("spec", "helmChart"), DELETE), "spec.helmChart", required("spec.helmChart")),
    ("helm-source-missing", T, "producer", one(("spec", "helmChart", "source"), DELETE), "spec.helmChart.source", required("spec.helmChart.source")),
    ("repo-url-missing", T, "producer", one(("spec", "helmChart", "source", "repoURL"), DELETE), "spec.helmChart.source.repoURL", required("spec.helmChart.source.repoURL")),
    ("repo-url-http", T, "producer", one(("spec", "helmChart", "source", "repoURL"), "http://charts.example.com"), "spec.helmChart.source.repoURL", "Invalid value: \"http://charts.example.com\": should match '^(oci://|https://).+$'"),
    ("repo-url-placeholder", T, "producer", one(("spec", "helmChart", "source", "repoURL"), "$HELM_REGISTRY_REPO_URL"), "spec.helmChart.source.repoURL", "Invalid value: \"$HELM_REGISTRY_REPO_URL\": should match '^(oci://|https://).+$'"),
    ("repo-url-scheme-only", T, "producer", one(("spec", "helmChart", "source", "repoURL"), "oci://"), "spec.helmChart.source.repoURL", "Invalid value: \"oci://\": should match '^(oci://|https://).+$'"),
    ("repo-url-trailing-newline", T, "producer", one(("spec", "helmChart", "source", "repoURL"), "https://charts.example.com\n"), "spec.helmChart.source.repoURL", "Invalid value: \"https://charts.example.com\\n\": should match '^(oci://|https://).+$'"),
    ("chart-version-missing", T, "producer", one(("spec", "helmChart", "source", "version"), DELETE), "spec.helmChart.source.version", required("spec.helmChart.source.version")),
    ("chart-version-empty", T, "producer", one(("spec", "helmChart", "source", "version"), ""), "spec.helmChart.source.version", 'Invalid value: "": should be at least 1 character long'),
    ("chart-version-a-float", T, "producer", one(("spec", "helmChart", "source", "version"), 1.0), "spec.helmChart.source.version", "spec.helmChart.source.version must be a string, not a number"),
    ("chart-name-not-a-string", T, "producer", one(("spec", "helmChart", "source", "chart"), 5), "spec.helmChart.source.chart", "spec.helmChart.source.chart must be a string, not an integer"),
    ("template-values-not-a-map", T, "producer", one(("spec", "helmChart", "values"), "x"), "spec.helmChart.values", "spec.helmChart.values must be a map, not a string"),
    ("resource-requirements-not-a-map", T, "producer", one(("spec", "resourceRequirements"), ["cpu"]), "spec.resourceRequirements", "spec.resourceRequirements must be a map, not a list"),
    ("resource-not-a-quantity", T, "producer", one(("spec", "resourceRequirements", "cpu"), "two"), "spec.resourceRequirements.cpu", f"Invalid value: \"two\": should match '{QUANTITY}'"),
    ("resource-a-float", T, "producer", one(("spec", "resourceRequirements", "cpu"), 0.5), "spec.resourceRequirements.cpu", 'spec.resourceRequirements.cpu must be an integer or a string, not a number (quote it: "0.5")'),
    ("privileged-not-a-boolean", T, "producer", one(("spec", "security", "privileged"), "true"), "spec.security.privileged", "spec.security.privileged must be a boolean, not a string"),
    ("spiffe-not-a-map", T, "producer", one(("spec", "security", "spiffe"), True), "spec.security.spiffe", "spec.security.spiffe must be a map, not a boolean"),
    # --- DPUServiceConfiguration
    ("configuration-service-name-missing", C, "producer", one(("spec", "deploymentServiceName"), DELETE), "spec.deploymentServiceName", required("spec.deploymentServiceName")),
    ("configuration-service-name-empty", C, "producer", one(("spec", "deploymentServiceName"), ""), "spec.deploymentServiceName", 'Invalid value: "": should be at least 1 character long'),
    ("configuration-service-name-over-28", C, "producer", one(("spec", "deploymentServiceName"), "s" * 29), "spec.deploymentServiceName", too_long("s" * 29, 28)),
    ("interfaces-empty", C, "producer", one(("spec", "interfaces"), []), "spec.interfaces", "Too few: 0: must have at least 1 item"),
    ("interfaces-over-50", C, "producer", one(("spec", "interfaces"), [{"name": f"if{i}", "network": "n"} for i in range(51)]), "spec.interfaces", "Too many: 51: must have at most 50 items"),
    ("interface-name-over-15", C, "producer", one(("spec", "interfaces", 0, "name"), "i" * 16), "spec.interfaces[0].name", too_long("i" * 16, 15)),
    ("interface-name-empty", C, "producer", one(("spec", "interfaces", 0, "name"), ""), "spec.interfaces[0].name", 'Invalid value: "": should be at least 1 character long'),
    ("interface-without-name", C, "producer", one(("spec", "interfaces", 0, "name"), DELETE), "spec.interfaces[0].name", required("spec.interfaces[0].name")),
    ("interface-without-network", C, "producer", one(("spec", "interfaces", 0, "network"), DELETE), "spec.interfaces[0].network", required("spec.interfaces[0].network")),
    ("interface-network-not-a-string", C, "producer", one(("spec", "interfaces", 0, "network"), ["mybrsfc"]), "spec.interfaces[0].network", "spec.interfaces[0].network must be a string, not a list"),
    ("interfaces-in-cluster", C, "producer", one(("spec", "serviceConfiguration", "deployInCluster"), True), "spec.interfaces", "interfaces are not supported when deploying in cluster"),
    ("config-ports-in-cluster", C, "producer", ((("spec", "interfaces"), DELETE), (("spec", "serviceConfiguration", "deployInCluster"), True), (CP, {"serviceType": "ClusterIP", "ports": [WEB]})), CPP, "configPorts cannot be set when deployInCluster is true"),
    ("config-port-service-type-unknown", C, "producer", one(CP, {"serviceType": "LoadBalancer", "ports": [WEB]}), f"{CPP}.serviceType", 'Unsupported value: "LoadBalancer": supported values: "NodePort", "ClusterIP", "None"'),
    ("config-ports-without-ports", C, "producer", one(CP, {"serviceType": "ClusterIP"}), f"{CPP}.ports", required(f"{CPP}.ports")),
    ("config-port-name-upper-case", C, "producer", one(CP, {"ports": [{**WEB, "name": "Web"}]}), f"{CPP}.ports[0].name", "Invalid value: \"Web\": should match '^[a-z0-9-]+$'"),
    ("config-port-name-empty", C, "producer", one(CP, {"ports": [{**WEB, "name": ""}]}), f"{CPP}.ports[0].name", 'Invalid value: "": should be at least 1 character long'),
    ("config-port-without-name", C, "producer", one(CP, {"ports": [{"port": 80, "protocol": "TCP"}]}), f"{CPP}.ports[0].name", required(f"{CPP}.ports[0].name")),
    ("config-port-without-port", C, "producer", one(CP, {"ports": [{"name": "web", "protocol": "TCP"}]}), f"{CPP}.ports[0].port", required(f"{CPP}.ports[0].port")),
    ("config-port-port-a-string", C, "producer", one(CP, {"ports": [{**WEB, "port": "80"}]}), f"{CPP}.ports[0].port", f"{CPP}.ports[0].port must be an integer, not a string"),
    ("config-port-protocol-unknown", C, "producer", one(CP, {"ports": [{**WEB, "protocol": "SCTP"}]}), f"{CPP}.ports[0].protocol", 'Unsupported value: "SCTP": supported values: "TCP", "UDP"'),
    ("config-port-without-protocol", C, "producer", one(CP, {"ports": [{"name": "web", "port": 80}]}), f"{CPP}.ports[0].protocol", required(f"{CPP}.ports[0].protocol")),
    ("node-port-with-cluster-ip", C, "producer", one(CP, {"serviceType": "ClusterIP", "ports": [{**WEB, "nodePort": 30080}]}), f"{CPP}.ports[0].nodePort", "nodePort can only be set when serviceType is NodePort"),
    ("node-port-with-none", C, "producer", one(CP, {"serviceType": "None", "ports": [WEB, {**WEB, "name": "api", "nodePort": 30081}]}), f"{CPP}.ports[1].nodePort", "nodePort can only be set when serviceType is NodePort"),
    ("daemon-set-label-svc-prefix", C, "producer", one((*DS, "labels"), {"svc.dpu.nvidia.com/owned-by": "x"}), f"{DSP}.labels.svc.dpu.nvidia.com/owned-by", DS_LABEL),
    ("daemon-set-label-dpu-suffix", C, "producer", one((*DS, "labels"), {"team.dpu.nvidia.com": "x"}), f"{DSP}.labels.team.dpu.nvidia.com", DS_LABEL),
    ("daemon-set-annotation-dpu-prefix", C, "producer", one((*DS, "annotations"), {"dpu.nvidia.com/x": "1"}), f"{DSP}.annotations.dpu.nvidia.com/x", DS_ANNOTATION),
    ("daemon-set-annotation-custom-flows", C, "producer", one((*DS, "annotations"), {"svc.dpu.nvidia.com/custom-flows": "x"}), f"{DSP}.annotations.svc.dpu.nvidia.com/custom-flows", DS_ANNOTATION),
    ("daemon-set-labels-over-50", C, "producer", one((*DS, "labels"), many(51)), f"{DSP}.labels", "Too many: 51: must have at most 50 entries"),
    ("daemon-set-annotations-over-50", C, "producer", one((*DS, "annotations"), many(51)), f"{DSP}.annotations", "Too many: 51: must have at most 50 entries"),
    ("daemon-set-label-not-a-string", C, "producer", one((*DS, "labels"), {"tier": True}), f"{DSP}.labels.tier", f"{DSP}.labels.tier must be a string, not a boolean"),
    ("daemon-set-resource-not-a-quantity", C, "producer", one((*DS, "resources"), {"cpu": "1.5.5"}), f"{DSP}.resources.cpu", f"Invalid value: \"1.5.5\": should match '{QUANTITY}'"),
    ("update-strategy-not-a-map", C, "producer", one((*DS, "updateStrategy"), "RollingUpdate"), f"{DSP}.updateStrategy", f"{DSP}.updateStrategy must be a map, not a string"),
    ("update-strategy-max-surge-boolean", C, "producer", one((*DS, "updateStrategy"), {"rollingUpdate": {"maxSurge": False}}), f"{DSP}.updateStrategy.rollingUpdate.maxSurge", f"{DSP}.updateStrategy.rollingUpdate.maxSurge must be an integer or a string, not a boolean"),
    ("deploy-in-cluster-a-string", C, "producer", one(("spec", "serviceConfiguration", "deployInCluster"), "true"), "spec.serviceConfiguration.deployInCluster", "spec.serviceConfiguration.deployInCluster must be a boolean, not a string"),
    ("apply-node-effect-a-string", C, "producer", one(("spec", "upgradePolicy", "applyNodeEffect"), "no"), "spec.upgradePolicy.applyNodeEffect", "spec.upgradePolicy.applyNodeEffect must be a boolean, not a string"),
    ("legacy-node-effect-a-string", C, "producer", one(("spec", "nodeEffect"), "yes"), "spec.nodeEffect", "spec.nodeEffect must be a boolean, not a string"),
    ("configuration-values-not-a-map", C, "producer", one(("spec", "serviceConfiguration", "helmChart", "values"), ["a"]), "spec.serviceConfiguration.helmChart.values", "spec.serviceConfiguration.helmChart.values must be a map, not a list"),
    # --- BFB, BlueFieldSoftware, DPUFlavor, DPUFlavorTemplate (what dpf-render reads)
    ("bfb-url-ftp", BFB, "bf-bundle", one(("spec", "url"), "ftp://files.example.com/b.bfb"), "spec.url", "Invalid value: \"ftp://files.example.com/b.bfb\": should match '^(http|https)://.+$'"),
    ("bfb-url-placeholder", BFB, "bf-bundle", one(("spec", "url"), "$BLUEFIELD_BITSTREAM"), "spec.url", "Invalid value: \"$BLUEFIELD_BITSTREAM\": should match '^(http|https)://.+$'"),
    ("bfb-url-not-a-string", BFB, "bf-bundle", one(("spec", "url"), ["https://x"]), "spec.url", "spec.url must be a string, not a list"),
    ("bfb-file-name-iso", BFB, "bf-bundle", one(("spec", "fileName"), "bundle.iso"), "spec.fileName", "Invalid value: \"bundle.iso\": should match '^[A-Za-z0-9\\_\\-\\.]+\\.bfb$'"),
    ("bfb-file-name-with-slash", BFB, "bf-bundle", one(("spec", "fileName"), "dir/b.bfb"), "spec.fileName", "Invalid value: \"dir/b.bfb\": should match '^[A-Za-z0-9\\_\\-\\.]+\\.bfb$'"),
    ("bfb-versions-doca-only", BFB, "bf-bundle", one(("spec", "versions"), {"doca": "2.9.1"}), "spec.versions", "all four version fields (bsp, doca, uefi, atf) must be provided when versions is set"),
    ("bfb-versions-empty-uefi", BFB, "bf-bundle", one(("spec", "versions"), {**ALL_VERSIONS, "uefi": ""}), "spec.versions", "all four version fields (bsp, doca, uefi, atf) must be provided when versions is set"),
    ("bfb-versions-doca-a-float", BFB, "bf-bundle", one(("spec", "versions"), {**ALL_VERSIONS, "doca": 2.9}), "spec.versions.doca", "spec.versions.doca must be a string, not a number"),
    ("bluefield-software-doca-a-float", BFS, "bfs", one(("spec", "versions"), {"doca": 3.3}), "spec.versions.doca", "spec.versions.doca must be a string, not a number"),
    ("bluefield-software-spec-a-list", BFS, "bfs", one(("spec",), []), "spec", "spec must be a map, not a list"),
    ("flavor-resources-not-a-map", FLAVOR, "flavor", one(("spec", "dpuResources"), "lots"), "spec.dpuResources", "spec.dpuResources must be a map, not a string"),
    ("flavor-resource-not-a-quantity", FLAVOR, "flavor", one(("spec", "dpuResources", "cpu"), "many"), "spec.dpuResources.cpu", f"Invalid value: \"many\": should match '{QUANTITY}'"),
    ("flavor-reserved-not-a-quantity", FLAVOR, "flavor", one(("spec", "systemReservedResources", "memory"), "1 Gi"), "spec.systemReservedResources.memory", f"Invalid value: \"1 Gi\": should match '{QUANTITY}'"),
    ("flavor-template-resource-not-a-quantity", FLAVOR_TEMPLATE, "per-dpu", one(("spec", "template", "spec", "dpuResources", "cpu"), "x"), "spec.template.spec.dpuResources.cpu", f"Invalid value: \"x\": should match '{QUANTITY}'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "name", "changes", "field", "message"), [r[1:] for r in FAILING], ids=[r[0] for r in FAILING]
)
def test_rule_rejects(kind: str, name: str, changes: tuple[Change, ...], field: str, message: str) -> None:
    got = check(apply(kind, name, changes))
    assert ("error", field, message) in got, got
    assert all(f == field for _, f, _ in got), got  # nothing reported anywhere else


# id, kind, name, changes: each at (or just inside) its limit, or an accepted variant
PASSING: list[tuple[str, str, str, tuple[Change, ...]]] = [
    ("deployment-name-20", D, "demo", one(("metadata", "name"), "d" * 20)),
    ("namespace-63", D, "demo", one(("metadata", "namespace"), "n" * 63)),
    ("template-name-with-dots", T, "producer", one(("metadata", "name"), "producer.v2")),
    ("configuration-name-253", C, "producer", one(("metadata", "name"), ".".join(["c" * 63] * 4)[:253])),
    ("bfb-name-187", BFB, "bf-bundle", one(("metadata", "name"), "b" * 187)),
    ("blue-field-software-instead-of-bfb", D, "demo", ((("spec", "dpus", "bfb"), DELETE), (("spec", "dpus", "blueFieldSoftware"), "bfs"))),
    ("flavor-template-instead-of-flavor", D, "demo", ((("spec", "dpus", "flavor"), DELETE), (("spec", "dpus", "flavorTemplate"), "per-dpu"))),
    ("node-effect-taint", D, "demo", one(("spec", "dpus", "nodeEffect"), {"taint": {"key": "k", "effect": "NoSchedule", "timeAdded": "2025-01-02T03:04:05Z"}})),
    ("node-effect-no-effect", D, "demo", one(("spec", "dpus", "nodeEffect"), {"noEffect": True, "drain": False})),
    ("node-effect-custom-label", D, "demo", one(("spec", "dpus", "nodeEffect"), {"customLabel": {"maintenance": "true"}})),
    ("node-effect-custom-action", D, "demo", one(("spec", "dpus", "nodeEffect"), {"customAction": "reboot"})),
    ("node-effect-hold-with-force", D, "demo", one(("spec", "dpus", "nodeEffect"), {"hold": True, "force": True})),
    ("node-effect-missing", D, "demo", one(("spec", "dpus", "nodeEffect"), DELETE)),  # an older shape: a warning, from model.py
    ("strategy-missing", D, "demo", one(("spec", "dpus", "dpuSetStrategy"), DELETE)),
    ("strategy-on-delete", D, "demo", one(("spec", "dpus", "dpuSetStrategy"), {"type": "OnDelete"})),
    ("max-unavailable-percent", D, "demo", one(("spec", "dpus", "dpuSetStrategy", "rollingUpdate"), {"maxUnavailable": "10%"})),
    ("max-unavailable-integer", D, "demo", one(("spec", "dpus", "dpuSetStrategy", "rollingUpdate"), {"maxUnavailable": 1})),
    ("dpusets-absent", D, "demo", one(("spec", "dpus", "dpuSets"), DELETE)),
    ("dpusets-50", D, "demo", one(("spec", "dpus", "dpuSets"), [{"nameSuffix": f"s{i}"} for i in range(50)])),
    ("name-suffix-24", D, "demo", one((*SET0, "nameSuffix"), "s" * 24)),
    ("name-suffix-1", D, "demo", one((*SET0, "nameSuffix"), "s")),
    ("dpu-annotations-50", D, "demo", one((*SET0, "dpuAnnotations"), many(50))),
    ("dpu-annotation-node-resources", D, "demo", one((*SET0, "dpuAnnotations"), {"noderesources.dpu.nvidia.com/nodesriovdevicepluginconfig": "bf3-vfs"})),
    ("dpu-annotation-force-fw-update", D, "demo", one((*SET0, "dpuAnnotations"), {"provisioning.dpu.nvidia.com/force-fw-update": "true"})),
    ("dpu-annotation-other-domain", D, "demo", one((*SET0, "dpuAnnotations"), {"example.com/dpu.nvidia.com-note": "x"})),
    ("node-selector-deprecated-alone", D, "demo", ((((*SET0, "dpuNodeSelector"), DELETE)), (((*SET0, "nodeSelector"), {"matchLabels": {"rack": "a"}})))),
    ("dpu-selector-deprecated-alone", D, "demo", one((*SET0, "dpuSelector"), {"dpu": "bf3"})),
    ("device-selector-expressions", D, "demo", one((*SET0, "dpuDeviceSelector"), {"matchExpressions": [{"key": "dpu", "operator": "Exists"}]})),
    ("services-1", D, "demo", ((("spec", "services", "consumer"), DELETE), (("spec", "serviceChains"), DELETE))),
    ("services-50", D, "demo", one(("spec", "services"), {f"s{i}": SERVICE for i in range(50)})),
    ("service-name-28", D, "demo", one(("spec", "services", "s" * 28), SERVICE)),
    ("serviceChains-absent", D, "demo", one(("spec", "serviceChains"), DELETE)),
    ("chain-policy-absent", D, "demo", one(("spec", "serviceChains", "upgradePolicy"), DELETE)),
    ("old-shape-chains", D, "demo", one(("spec", "serviceChains"), [{"ports": [{"service": {"name": "producer", "interface": "app_iface"}}, SI_PORT]}])),
    ("switches-50", D, "demo", one(("spec", "serviceChains", "switches"), [{"ports": [SI_PORT]}] * 50)),
    ("ports-50", D, "demo", one(("spec", "serviceChains", "switches", 0, "ports"), [SI_PORT] * 50)),
    ("service-mtu-1280", D, "demo", one(("spec", "serviceChains", "switches", 0, "serviceMTU"), 1280)),
    ("service-mtu-9216", D, "demo", one(("spec", "serviceChains", "switches", 0, "serviceMTU"), 9216)),
    ("port-service-name-28", D, "demo", one((*PORT0, "service", "name"), "s" * 28)),
    ("port-interface-15", D, "demo", one((*PORT0, "service", "interface"), "i" * 15)),
    ("ipam-full", D, "demo", one((*PORT0, "service", "ipam"), {"matchLabels": many(50), "requiredIPFamilies": ["IPv4", "IPv6"], "defaultGateway": True, "setDefaultRoute": False})),
    ("ipam-1-label", D, "demo", one(PORT0, {"serviceInterface": {"matchLabels": {"a": "b"}, "ipam": {"matchLabels": {"pool": "p"}}}})),
    ("service-interface-50-labels", D, "demo", one(PORT0, {"serviceInterface": {"matchLabels": many(50)}})),
    ("revision-history-limit-1", D, "demo", one(("spec", "revisionHistoryLimit"), 1)),
    ("template-service-name-28", T, "producer", one(("spec", "deploymentServiceName"), "s" * 28)),
    ("template-service-name-1", T, "producer", one(("spec", "deploymentServiceName"), "s")),
    ("repo-url-https", T, "producer", one(("spec", "helmChart", "source", "repoURL"), "https://helm.ngc.nvidia.com/nvidia/doca")),
    ("chart-version-1-char", T, "producer", one(("spec", "helmChart", "source", "version"), "1")),
    ("template-values-absent", T, "producer", one(("spec", "helmChart", "values"), DELETE)),
    ("values-anything-inside", T, "producer", one(("spec", "helmChart", "values"), {"x": [1, None, {"dpu.nvidia.com/any": True}]})),
    ("resources-of-every-form", T, "producer", one(("spec", "resourceRequirements"), {"cpu": 2, "memory": "1.5Gi", "a": "100m", "b": "1e3", "c": "2k", "d": ".5", "e": "+1", "nvidia.com/bf_sf": 3})),
    ("security-spiffe-empty", T, "producer", one(("spec", "security"), {"privileged": False, "spiffe": {}})),
    ("configuration-service-name-28", C, "producer", one(("spec", "deploymentServiceName"), "s" * 28)),
    ("interface-name-15", C, "producer", one(("spec", "interfaces", 0, "name"), "i" * 15)),
    ("interface-name-1", C, "producer", one(("spec", "interfaces", 0, "name"), "i")),
    ("interfaces-50", C, "producer", one(("spec", "interfaces"), [{"name": f"if{i}", "network": "n"} for i in range(50)])),
    ("interface-virtual-network", C, "producer", one(("spec", "interfaces", 0, "virtualNetwork"), "vnet1")),
    ("interfaces-with-deploy-in-cluster-false", C, "producer", one(("spec", "serviceConfiguration", "deployInCluster"), False)),
    ("in-cluster-without-interfaces", C, "producer", ((("spec", "interfaces"), DELETE), (("spec", "serviceConfiguration", "deployInCluster"), True))),
    ("node-port-with-node-port-type", C, "producer", one(CP, {"serviceType": "NodePort", "ports": [{**WEB, "nodePort": 30080}]})),
    ("node-port-with-default-type", C, "producer", one(CP, {"ports": [{**WEB, "nodePort": 30080}, {**WEB, "name": "dns-1", "protocol": "UDP"}]})),
    ("node-port-with-null-type", C, "producer", one(CP, {"serviceType": None, "ports": [{**WEB, "nodePort": 30080}]})),
    ("cluster-ip-without-node-port", C, "producer", one(CP, {"serviceType": "ClusterIP", "ports": [WEB]})),
    ("headless-config-ports", C, "producer", one(CP, {"serviceType": "None", "ports": [WEB]})),
    ("daemon-set-label-custom-flows", C, "producer", one((*DS, "labels"), {"svc.dpu.nvidia.com/custom-flows": "true"})),
    # CEL's `matches` searches: a key containing the pattern passes DPF's rule too.
    ("daemon-set-label-custom-flows-prefix", C, "producer", one((*DS, "labels"), {"svc.dpu.nvidia.com/custom-flows-v2": "true"})),
    ("daemon-set-labels-50", C, "producer", one((*DS, "labels"), many(50))),
    ("daemon-set-annotations-50", C, "producer", one((*DS, "annotations"), {"k8s.v1.cni.cncf.io/networks": "[]", **many(49)})),
    ("daemon-set-everything", C, "producer", one(DS, {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "10%"}}, "resources": {"cpu": "100m", "memory": "100Mi"}})),
    ("upgrade-policy-absent", C, "producer", one(("spec", "upgradePolicy"), DELETE)),
    ("bfb-url-http", BFB, "bf-bundle", one(("spec", "url"), "http://bfb-server.dpf-operator-system.svc/bf-bundle.bfb")),
    ("bfb-url-absent", BFB, "bf-bundle", one(("spec", "url"), DELETE)),
    ("bfb-file-name", BFB, "bf-bundle", one(("spec", "fileName"), "bf-bundle-2.9.1-40_25.01_ubuntu-22.04_prod.bfb")),
    ("bfb-all-four-versions", BFB, "bf-bundle", one(("spec", "versions"), ALL_VERSIONS)),
    ("bfb-unknown-field", BFB, "bf-bundle", one(("spec", "checksum"), "sha256:0")),
    ("flavor-newer-fields", FLAVOR, "flavor", one(("spec", "scalableFunctions"), [{"x": 1}])),
    ("flavor-integer-resources", FLAVOR, "flavor", one(("spec", "dpuResources"), {"cpu": 16, "memory": "32Gi"})),
    ("flavor-template-flat", FLAVOR_TEMPLATE, "per-dpu", one(("spec",), {"dpuResources": {"cpu": "8"}})),
    ("bluefield-software-anything-else", BFS, "bfs", one(("spec", "os"), {"iso": "x"})),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "name", "changes"), [r[1:] for r in PASSING], ids=[r[0] for r in PASSING])
def test_rule_accepts(kind: str, name: str, changes: tuple[Change, ...]) -> None:
    assert check(apply(kind, name, changes)) == []


def test_every_base_object_is_valid() -> None:
    for obj in objects():
        assert check(obj) == [], obj["kind"]


# kind, name, changes, field of the error, the suggestion
UNKNOWN: list[tuple[str, str, tuple[Change, ...], str, str]] = [
    (D, "demo", one(("spec", "replicas"), 3), "spec.replicas", "known fields here: dpus, revisionHistoryLimit, serviceChains, services"),
    (D, "demo", one(("extra",), 1), "extra", "known fields here: apiVersion, kind, metadata, spec, status"),
    (D, "demo", one(("specs",), {}), "specs", 'did you mean "spec"?'),
    (D, "demo", one(("metadata", "lables"), {"a": "b"}), "metadata.lables", 'did you mean "labels"?'),
    (D, "demo", one(("metadata", "annotation"), {"a": "b"}), "metadata.annotation", 'did you mean "annotations"?'),
    (D, "demo", one((*SET0, "dpuSelectors"), {"a": "b"}), "spec.dpus.dpuSets[0].dpuSelectors", 'did you mean "dpuSelector"?'),
    (D, "demo", one((*SET0, "dpuNodeSelectr"), {"matchLabels": {"rack": "b"}}), "spec.dpus.dpuSets[0].dpuNodeSelectr", 'did you mean "dpuNodeSelector"?'),
    (D, "demo", one((*SET0, "DPUNodeSelector"), {}), "spec.dpus.dpuSets[0].DPUNodeSelector", 'did you mean "dpuNodeSelector"?'),
    (D, "demo", one((*SET0, "dpuNodeSelector", "matchFields"), []), "spec.dpus.dpuSets[0].dpuNodeSelector.matchFields", 'did you mean "matchLabels"?'),
    (D, "demo", one(("spec", "dpus", "nodeEffect", "drainTimeout"), "5m"), "spec.dpus.nodeEffect.drainTimeout", "known fields here: customAction, customLabel, drain, force, hold, noEffect, taint"),
    (D, "demo", one((*PORT0, "service", "port"), 1), f"{P0}.service.port", "known fields here: interface, ipam, name"),
    (D, "demo", one(("spec", "serviceChains", "switches", 0, "mtu"), 1500), "spec.serviceChains.switches[0].mtu", 'did you mean "serviceMTU"?'),
    (T, "producer", one(("spec", "helmChart", "source", "repo"), "x"), "spec.helmChart.source.repo", 'did you mean "repoURL"?'),
    (T, "producer", one(("spec", "security", "spiffe", "trustDomain"), "x"), "spec.security.spiffe.trustDomain", "this map takes no fields"),
    (T, "producer", one(("spec", "resources"), {}), "spec.resources", 'did you mean "resourceRequirements"?'),
    (C, "producer", one((*DS, "nodeSelector"), {}), f"{DSP}.nodeSelector", "known fields here: annotations, labels, resources, updateStrategy"),
    (C, "producer", one(("spec", "interfaces", 0, "mtu"), 9000), "spec.interfaces[0].mtu", "known fields here: name, network, virtualNetwork"),
    (C, "producer", one(("spec", "serviceConfiguration", "values"), {}), "spec.serviceConfiguration.values", "known fields here: configPorts, deployInCluster, helmChart, serviceDaemonSet"),
    (C, "producer", one(("spec", "upgradePolicy", "applyNodeEfect"), False), "spec.upgradePolicy.applyNodeEfect", 'did you mean "applyNodeEffect"?'),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "name", "changes", "field", "hint"), UNKNOWN, ids=[u[3] for u in UNKNOWN])
def test_unknown_fields_are_errors_with_the_closest_known_field(
    kind: str, name: str, changes: tuple[Change, ...], field: str, hint: str
) -> None:
    assert check(apply(kind, name, changes)) == [("error", field, unknown(field, hint))]


def test_a_misspelt_node_selector_renders_nothing_instead_of_every_node() -> None:
    """A DPUSet without its selector would select every node and drain it: the typo must stop the render."""
    docs = base_docs()
    dpu_set = find(docs, D, "demo")["spec"]["dpus"]["dpuSets"][0]
    dpu_set["dpuNodeSelectr"] = dpu_set.pop("dpuNodeSelector")
    output, results = run(docs)
    assert children(output) == []
    assert [(r.severity, r.field, r.message) for r in results] == [
        (
            "error",
            "spec.dpus.dpuSets[0].dpuNodeSelectr",
            'unknown field "spec.dpus.dpuSets[0].dpuNodeSelectr" (did you mean "dpuNodeSelector"?)',
        )
    ]


@pytest.mark.parametrize(
    ("kind", "name", "changes"),
    [
        (T, "producer", one(("spec", "helmChart", "values"), {"anyKey": {"nested": [1, {"deep": None}]}})),
        (C, "producer", one(("spec", "serviceConfiguration", "helmChart", "values"), {"x": {"y": "z"}})),
        (D, "demo", one(("metadata", "labels"), {"anything.example.com/x": "y"})),
        (D, "demo", one(("metadata", "annotations"), {"config.kubernetes.io/path": "a.yaml"})),
        (D, "demo", one(("metadata", "resourceVersion"), "123")),
        (D, "demo", one(("metadata", "managedFields"), [{"manager": "kubectl"}])),
        (D, "demo", one(("status",), {"conditions": [], "anything": 1})),
        (T, "producer", one(("spec", "security", "spiffe"), {})),
    ],
    ids=["template-values", "configuration-values", "labels", "annotations", "resource-version", "managed-fields", "status", "spiffe-empty"],
)  # fmt: skip
def test_free_form_maps_and_object_meta_accept_any_key(
    kind: str, name: str, changes: tuple[Change, ...]
) -> None:
    assert check(apply(kind, name, changes)) == []


LEGACY = (
    "spec.nodeEffect is the older wording of spec.upgradePolicy.applyNodeEffect, which DPF's newest "
    "DPUServiceConfiguration has instead; it is read as upgradePolicy.applyNodeEffect where that is not set "
    "(rename it)"
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (((("spec", "upgradePolicy"), DELETE), (("spec", "nodeEffect"), True)), [("warning", "spec.nodeEffect", LEGACY)]),
        (((("spec", "upgradePolicy"), DELETE), (("spec", "nodeEffect"), False)), [("warning", "spec.nodeEffect", LEGACY)]),
        (one(("spec", "nodeEffect"), True), [("warning", "spec.nodeEffect", LEGACY)]),
        (
            one(("spec", "nodeEffect"), False),
            [
                ("error", "spec.nodeEffect", "spec.nodeEffect (false) and spec.upgradePolicy.applyNodeEffect (true) disagree: remove spec.nodeEffect"),
                ("warning", "spec.nodeEffect", LEGACY),
            ],
        ),
    ],
    ids=["true", "false", "agrees-with-upgrade-policy", "disagrees-with-upgrade-policy"],
)  # fmt: skip
def test_the_legacy_node_effect_of_a_configuration_is_a_warning_naming_the_new_field(
    changes: tuple[Change, ...], expected: list[tuple[str, str, str]]
) -> None:
    assert sorted(check(apply(C, "producer", changes))) == expected


def test_the_legacy_node_effect_renders_as_the_new_field_does() -> None:
    legacy, current = base_docs(), base_docs()
    del find(legacy, C, "producer")["spec"]["upgradePolicy"]
    find(legacy, C, "producer")["spec"]["nodeEffect"] = False
    find(current, C, "producer")["spec"]["upgradePolicy"]["applyNodeEffect"] = False
    legacy_output, legacy_results = run(legacy)
    current_output, current_results = run(current)
    assert [(r.severity, r.field) for r in legacy_results] == [("warning", "spec.nodeEffect")]
    assert current_results == []
    assert children(legacy_output) == children(current_output)


NULL_EVERY_NODE = "null: the API server drops it, and this DPUSet would then select every node; omit the field if that is meant"
NULL_EVERY_DPU = "null: the API server drops it, and this DPUSet would then select every DPU of its nodes; omit the field if that is meant"
NULL_DROPPED = "null: the API server drops it (the selector's other requirements still apply)"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (one((*SET0, "dpuNodeSelector"), None), [("error", "spec.dpus.dpuSets[0].dpuNodeSelector", NULL_EVERY_NODE)]),
        ((((*SET0, "dpuNodeSelector"), DELETE), (((*SET0, "nodeSelector"), None))), [("error", "spec.dpus.dpuSets[0].nodeSelector", NULL_EVERY_NODE)]),
        (one((*SET0, "dpuNodeSelector", "matchLabels"), None), [("error", "spec.dpus.dpuSets[0].dpuNodeSelector.matchLabels", NULL_EVERY_NODE)]),
        (one((*SET0, "dpuNodeSelector"), {"matchLabels": None, "matchExpressions": None}), [("error", "spec.dpus.dpuSets[0].dpuNodeSelector.matchExpressions", NULL_EVERY_NODE), ("error", "spec.dpus.dpuSets[0].dpuNodeSelector.matchLabels", NULL_EVERY_NODE)]),
        (one((*SET0, "dpuNodeSelector"), {"matchLabels": None, "matchExpressions": [{"key": "rack", "operator": "Exists"}]}), [("warning", "spec.dpus.dpuSets[0].dpuNodeSelector.matchLabels", NULL_DROPPED)]),
        (one((*SET0, "nodeSelector"), None), [("warning", "spec.dpus.dpuSets[0].nodeSelector", NULL_DROPPED)]),
        (one((*SET0, "dpuDeviceSelector"), None), [("error", "spec.dpus.dpuSets[0].dpuDeviceSelector", NULL_EVERY_DPU)]),
        (one((*SET0, "dpuDeviceSelector"), {"matchLabels": None}), [("error", "spec.dpus.dpuSets[0].dpuDeviceSelector.matchLabels", NULL_EVERY_DPU)]),
    ],
    ids=["node-selector", "deprecated-node-selector", "match-labels", "both-parts", "match-labels-beside-expressions", "deprecated-beside-new", "device-selector", "device-match-labels"],
)  # fmt: skip
def test_a_null_selector_that_would_select_everything_is_an_error(
    changes: tuple[Change, ...], expected: list[tuple[str, str, str]]
) -> None:
    assert sorted(check(apply(D, "demo", changes))) == expected


@pytest.mark.parametrize(
    "changes",
    [one((*SET0, "dpuNodeSelector"), DELETE), one((*SET0, "dpuNodeSelector"), {}), one((*SET0, "dpuNodeSelector", "matchLabels"), {})],
    ids=["absent", "empty", "empty-match-labels"],
)  # fmt: skip
def test_a_selector_absent_or_written_empty_is_accepted(changes: tuple[Change, ...]) -> None:
    assert check(apply(D, "demo", changes)) == []


def test_every_rule_of_one_object_is_reported_at_once() -> None:
    obj = find(objects(), D, "demo")
    set_path(obj, ("metadata", "name"), "a-deployment-name-too-long")
    set_path(obj, ("spec", "dpus", "nodeEffect"), {"drain": True, "hold": True})
    set_path(obj, (*SET0, "nameSuffix"), "s" * 25)
    set_path(obj, ("spec", "services", "s" * 29), SERVICE)
    set_path(obj, ("spec", "serviceChains", "switches", 0, "serviceMTU"), 100)
    set_path(obj, (*PORT0, "service", "interface"), "i" * 16)
    set_path(obj, ("spec", "revisionHistoryLimit"), 0)
    set_path(obj, ("spec", "surprise"), True)
    fields = sorted(f for _, f, _ in check(obj))
    assert fields == sorted(
        [
            "metadata.name",
            "spec.dpus.nodeEffect",
            "spec.dpus.dpuSets[0].nameSuffix",
            "spec.services." + "s" * 29,
            "spec.serviceChains.switches[0].serviceMTU",
            f"{P0}.service.interface",
            "spec.revisionHistoryLimit",
            "spec.surprise",
        ]
    )


def test_an_invalid_object_is_not_expanded_and_its_users_say_why() -> None:
    docs = base_docs()
    set_path(find(docs, T, "consumer"), ("spec", "helmChart", "source", "repoURL"), "http://charts")
    output, results = run(docs)
    assert children(output) == []
    got = [(r.severity, r.ref.kind if r.ref else "", r.field, r.message, r.condition) for r in results]
    assert got == [
        (
            "error",
            T,
            "spec.helmChart.source.repoURL",
            "Invalid value: \"http://charts\": should match '^(oci://|https://).+$'",
            "InputValid",
        ),
        (
            "error",
            D,
            "spec.services.consumer.serviceTemplate",
            "cannot expand: DPUServiceTemplate dpf/consumer has errors (reported on it)",
            "PrerequisitesReady",
        ),
        (
            "info",
            D,
            "spec.services.consumer.serviceTemplate",
            (
                "not checked for service consumer because DPUServiceTemplate dpf/consumer has errors: version matching, "
                "resource fitting"
            ),
            "PrerequisitesReady",
        ),
    ]


def test_an_invalid_bfb_or_flavor_blocks_its_deployment() -> None:
    docs = base_docs()
    set_path(find(docs, BFB, "bf-bundle"), ("spec", "url"), "bfb.example.com/b.bfb")
    set_path(find(docs, FLAVOR, "flavor"), ("spec", "dpuResources", "cpu"), "lots")
    output, results = run(docs)
    assert children(output) == []
    assert [(r.ref.kind if r.ref else "", r.field) for r in errors(results)] == [
        (BFB, "spec.url"),
        (D, "spec.dpus.bfb"),
        (D, "spec.dpus.flavor"),
        (FLAVOR, "spec.dpuResources.cpu"),
    ]


def test_default_namespace_is_checked_too() -> None:
    docs = base_docs()
    for d in docs:
        del d["metadata"]["namespace"]
    _, results = run(docs, namespace="Not_A_Namespace")
    fields = {(r.ref.kind if r.ref else "", r.field) for r in errors(results)}
    assert (D, "metadata.namespace") in fields
    assert all(
        "(the default namespace)" in r.message for r in errors(results) if r.field == "metadata.namespace"
    )


def test_the_maximum_lengths_of_dpf_s_own_test_render() -> None:
    """DPF's envtest: namespace 19, DPUDeployment 20, service 28, interface 15, nameSuffix 24 → all names ≤ 63."""
    docs = base_docs()
    ns, name, service, interface, suffix = "n" * 19, "d" * 20, "s" * 28, "i" * 15, "x" * 24
    docs = [d for d in docs if d["metadata"]["name"] != "consumer"]
    for d in docs:
        d["metadata"]["namespace"] = ns
    deployment = find(docs, D, "demo")
    deployment["metadata"]["name"] = name
    deployment["spec"]["dpus"]["dpuSets"][0]["nameSuffix"] = suffix
    deployment["spec"]["services"] = {
        service: {"serviceTemplate": "producer", "serviceConfiguration": "producer"}
    }
    port = {"service": {"name": service, "interface": interface}}
    deployment["spec"]["serviceChains"]["switches"] = [{"ports": [port]}]
    find(docs, T, "producer")["spec"]["deploymentServiceName"] = service
    configuration = find(docs, C, "producer")
    configuration["spec"]["deploymentServiceName"] = service
    configuration["spec"]["interfaces"] = [{"name": interface, "network": "mybrsfc"}]
    output, results = run(docs)
    assert errors(results) == []
    kinds = sorted(c["kind"] for c in children(output))
    assert kinds == ["DPUService", "DPUServiceChain", "DPUServiceInterface", "DPUSet"]
    assert all(len(c["metadata"]["name"]) <= 63 for c in children(output))


# --------------------------------------------------------------------------------------------------------
# schema.py against the CRDs it was written from


@pytest.mark.parametrize(
    ("kind", "file"),
    [
        (D, "svc.dpu.nvidia.com_dpudeployments.yaml"),
        (T, "svc.dpu.nvidia.com_dpuservicetemplates.yaml"),
        (C, "svc.dpu.nvidia.com_dpuserviceconfigurations.yaml"),
    ],
)
def test_expanded_kinds_match_their_crd_exactly(kind: str, file: str) -> None:
    crd = crd_schema(file)
    ours = schema.SCHEMAS[kind]
    assert normalise(ours["properties"]["spec"], ours=True) == normalise(
        crd["properties"]["spec"], ours=False
    )
    assert normalise(ours, ours=True).get("rules") == normalise(crd, ours=False).get("rules")


@pytest.mark.parametrize(
    ("kind", "file", "fields"),
    [
        (BFB, "provisioning.dpu.nvidia.com_bfbs.yaml", ("fileName", "url")),
        (FLAVOR, "provisioning.dpu.nvidia.com_dpuflavors.yaml", ("dpuResources", "systemReservedResources")),
    ],
)
def test_read_fields_of_other_kinds_match_their_crd(kind: str, file: str, fields: tuple[str, ...]) -> None:
    crd = crd_schema(file)
    ours = schema.SCHEMAS[kind]
    for field in fields:
        mine = normalise(ours["properties"]["spec"]["properties"][field], ours=True)
        assert mine == normalise(crd["properties"]["spec"]["properties"][field], ours=False), field
    assert normalise(ours, ours=True).get("rules") == normalise(crd, ours=False).get("rules")


# --------------------------------------------------------------------------------------------------------
# Robustness and start-up

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 70_000), st.floats(allow_nan=False), st.text(max_size=30)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_shape_gives_results_never_an_exception(data: st.DataObject) -> None:
    docs = base_docs()
    for _ in range(data.draw(st.integers(1, 3))):
        doc = data.draw(st.sampled_from(docs))
        path = data.draw(st.sampled_from([p for p in _paths(doc) if p[0] not in ("apiVersion", "kind")]))
        set_path(doc, path, data.draw(_VALUES))
    docs = [d for d in docs if isinstance(d.get("metadata"), dict)]
    _, results = run(copy.deepcopy(docs))  # must not raise
    assert all(r.message and r.severity in ("error", "warning", "info") for r in results)


def test_the_validators_import_nothing_that_slows_the_function_s_start() -> None:
    code = (
        "import sys\n"
        "import kustomize_plugin.validate.schema, kustomize_plugin.validate.prerequisites\n"
        "import kustomize_plugin.validate.fitting, kustomize_plugin.validate.versions\n"
        "import kustomize_plugin.validate.dependencies, kustomize_plugin.model\n"
        "import kustomize_plugin.validate.children, kustomize_plugin.validate.chains\n"
        "import kustomize_plugin.validate.collisions, kustomize_plugin.validate.templating\n"
        "print(sorted(m for m in ('typing', 'dataclasses', 'semver', 'jinja2', 'click', 'difflib') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("value", [DELETE, None], ids=["absent", "null"])
def test_missing_node_effect_and_strategy_are_defaulted_with_a_warning(value: Any) -> None:
    docs = base_docs()
    set_path(find(docs, D, "demo"), ("spec", "dpus", "nodeEffect"), value)
    set_path(find(docs, D, "demo"), ("spec", "dpus", "dpuSetStrategy"), value)
    output, results = run(docs)
    assert [(r.severity, r.field, r.message) for r in results] == [
        (
            "warning",
            "spec.dpus.dpuSetStrategy",
            "spec.dpus.dpuSetStrategy is not set; applying the default {type: RollingUpdate}",
        ),
        (
            "warning",
            "spec.dpus.nodeEffect",
            "spec.dpus.nodeEffect is not set; applying the default {drain: true}",
        ),
    ]
    dpuset = next(c for c in children(output) if c["kind"] == "DPUSet")
    assert dpuset["spec"]["strategy"] == {"type": "RollingUpdate"}
    assert dpuset["spec"]["dpuTemplate"]["spec"]["nodeEffect"]["drain"] is True
