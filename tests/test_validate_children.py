"""Every generated child passes its own CRD's rules, or nothing is written and the DPUDeployment says why.

The reproduction: `nodeEffect: {drain: false, noEffect: true}` passes the DPUDeployment's CEL rule (it
counts actions set to true) but the DPUSet's rule counts the fields present, so the API server would refuse
the DPUSet DPF's controller (and dpf-render) writes. Then one row per rule of the four child CRDs, each
breaking one field of a real rendered child, with the API server's message; the CRDs themselves are
compared with children.py in tests/test_crd_schema.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kustomize_plugin import pipeline
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.index import Item
from kustomize_plugin.validate.children import check_child, check_children

from .validation.fixtures import DELETE, base_docs, brief, children, errors, find, run, set_path

D = "DPUDeployment"
ONE_ACTION = "only one of taint, noEffect, drain, customLabel, customAction, hold can be set"


def refused(kind: str, name: str, path: str, message: str) -> str:
    return f"the {kind} dpf/{name} would be refused by the API server: {path}: {message}"


@pytest.mark.parametrize(
    "node_effect",
    [
        {"drain": False, "noEffect": True},
        {"hold": False, "drain": True},
        {"customAction": "", "drain": True},
        {"noEffect": False, "taint": {"key": "k", "effect": "NoSchedule"}},
    ],
    ids=[
        "drain-false-and-no-effect",
        "hold-false-and-drain",
        "empty-custom-action-and-drain",
        "no-effect-false-and-taint",
    ],
)
def test_a_node_effect_the_dpuset_crd_refuses_stops_the_render(node_effect: dict[str, Any]) -> None:
    docs = base_docs()
    set_path(find(docs, D, "demo"), ("spec", "dpus", "nodeEffect"), node_effect)
    output, results = run(docs)
    assert brief(results) == [
        (
            "error",
            D,
            "demo",
            "spec.dpus.nodeEffect",
            refused(
                "DPUSet",
                "demo-rack-a",
                "spec.dpuTemplate.spec.nodeEffect",
                f'Invalid value: "object": {ONE_ACTION}',
            ),
        )
    ]
    assert results[0].condition == "DPUSetsReconciled"
    assert children(output) == []


def test_every_dpuset_refused_for_one_reason_is_named_in_one_error() -> None:
    docs = base_docs()
    deployment = find(docs, D, "demo")
    set_path(deployment, ("spec", "dpus", "nodeEffect"), {"drain": False, "noEffect": True})
    deployment["spec"]["dpus"]["dpuSets"].append({"nameSuffix": "rack-b"})
    _, results = run(docs)
    assert [r.message.split(":")[0] for r in errors(results)] == [
        "the DPUSets dpf/demo-rack-a, dpf/demo-rack-b would be refused by the API server"
    ]


@pytest.mark.parametrize(
    ("node_effect", "written"),
    [
        ({"drain": True, "customLabel": {}}, {"drain": True}),
        ({"noEffect": True, "drain": None, "taint": None}, {"noEffect": True}),
    ],
    ids=["empty-custom-label", "nulls"],
)
def test_what_dpf_omits_is_not_written(node_effect: dict[str, Any], written: dict[str, Any]) -> None:
    """Go's omitempty drops an empty customLabel map and nil pointers: DPF's DPUSet has neither, so it passes."""
    docs = base_docs()
    set_path(find(docs, D, "demo"), ("spec", "dpus", "nodeEffect"), node_effect)
    output, results = run(docs)
    assert errors(results) == []
    dpuset = next(c for c in children(output) if c["kind"] == "DPUSet")
    effect = dpuset["spec"]["dpuTemplate"]["spec"]["nodeEffect"]
    actions = {
        k: v
        for k, v in effect.items()
        if k in ("taint", "noEffect", "customLabel", "drain", "customAction", "hold")
    }
    assert actions == written


# --------------------------------------------------------------------------------------------------------
# One row per rule of the child CRDs, on real rendered children


def rendered() -> dict[str, dict[str, Any]]:
    """One child of each kind, rendered from the base inputs (the producer's DPUService and interface)."""
    output, results = run(base_docs())
    assert errors(results) == []
    out: dict[str, dict[str, Any]] = {}
    for child in children(output):
        out.setdefault(child["kind"], child)
    return out


CHILDREN = rendered()
NE = ("spec", "dpuTemplate", "spec", "nodeEffect")
TS = ("spec", "dpuTemplate", "spec")
DSI = ("spec", "template", "spec", "template", "spec")
SW = ("spec", "template", "spec", "template", "spec", "switches")
SI = (*SW, 0, "ports", 0, "serviceInterface")
SIP = "spec.template.spec.template.spec.switches[0].ports[0].serviceInterface"
CP = ("spec", "configPorts")
WEB = {"name": "web", "port": 80, "protocol": "TCP"}
QUANTITY = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
OBJ = 'Invalid value: "object": '

# id, kind, changes, field path, message
RULES: list[tuple[str, str, tuple[tuple[tuple[Any, ...], Any], ...], str, str]] = [
    # --- DPUSet
    ("dpuset-name-over-63", "DPUSet", ((("metadata", "name"), "d" * 64),), "", f"{OBJ}name length can't be bigger than 63 chars"),
    ("dpuset-selector-and-device-selector", "DPUSet", ((("spec", "dpuSelector"), {"a": "b"}), (("spec", "dpuDeviceSelector"), {"matchLabels": {"a": "b"}})), "spec", f"{OBJ}only one of dpuSelector or dpuDeviceSelector can be specified"),
    ("dpuset-node-effect-two-fields", "DPUSet", (((*NE, "hold"), False),), "spec.dpuTemplate.spec.nodeEffect", f"{OBJ}{ONE_ACTION}"),
    ("dpuset-node-effect-none", "DPUSet", (((*NE, "drain"), DELETE),), "spec.dpuTemplate.spec.nodeEffect", f"{OBJ}{ONE_ACTION}"),
    ("dpuset-template-missing", "DPUSet", ((("spec", "dpuTemplate"), DELETE),), "spec.dpuTemplate", "Required value"),
    ("dpuset-strategy-missing", "DPUSet", ((("spec", "strategy"), DELETE),), "spec.strategy", "Required value"),
    ("dpuset-strategy-type-missing", "DPUSet", ((("spec", "strategy"), {}),), "spec.strategy.type", "Required value"),
    ("dpuset-strategy-type-unknown", "DPUSet", ((("spec", "strategy", "type"), "Always"),), "spec.strategy.type", 'Unsupported value: "Always": supported values: "OnDelete", "RollingUpdate"'),
    ("dpuset-max-unavailable-a-list", "DPUSet", ((("spec", "strategy", "rollingUpdate"), {"maxUnavailable": []}),), "spec.strategy.rollingUpdate.maxUnavailable", 'Invalid value: "array": must be of type integer or string'),
    ("dpuset-node-effect-missing", "DPUSet", (((*TS, "nodeEffect"), DELETE),), "spec.dpuTemplate.spec.nodeEffect", "Required value"),
    ("dpuset-flavor-missing", "DPUSet", (((*TS, "dpuFlavor"), DELETE),), "spec.dpuTemplate.spec.dpuFlavor", "Required value"),
    ("dpuset-flavor-and-flavor-template", "DPUSet", (((*TS, "dpuFlavorTemplate"), "t"),), "spec.dpuTemplate.spec", "only one of dpuFlavor or dpuFlavorTemplate can be set"),
    ("dpuset-flavor-empty", "DPUSet", (((*TS, "dpuFlavor"), ""),), "spec.dpuTemplate.spec.dpuFlavor", 'Invalid value: "": should be at least 1 character long'),
    ("dpuset-bfb-name-empty", "DPUSet", (((*TS, "bfb", "name"), ""),), "spec.dpuTemplate.spec.bfb.name", 'Invalid value: "": should be at least 1 character long'),
    ("dpuset-bluefield-software-without-name", "DPUSet", (((*TS, "blueFieldSoftware"), {}),), "spec.dpuTemplate.spec.blueFieldSoftware.name", "Required value"),
    ("dpuset-taint-without-key", "DPUSet", (((*NE,), {"taint": {"effect": "NoSchedule"}}),), "spec.dpuTemplate.spec.nodeEffect.taint.key", "Required value"),
    ("dpuset-taint-time-not-rfc3339", "DPUSet", (((*NE,), {"taint": {"key": "k", "effect": "NoSchedule", "timeAdded": "now"}}),), "spec.dpuTemplate.spec.nodeEffect.taint.timeAdded", 'Invalid value: "now": should be an RFC 3339 date-time'),
    ("dpuset-requestors-not-strings", "DPUSet", (((*NE, "nodeMaintenanceAdditionalRequestors"), [1]),), "spec.dpuTemplate.spec.nodeEffect.nodeMaintenanceAdditionalRequestors[0]", 'Invalid value: "integer": must be of type string'),
    ("dpuset-node-label-not-a-string", "DPUSet", (((*TS, "cluster", "nodeLabels", "x"), True),), "spec.dpuTemplate.spec.cluster.nodeLabels.x", 'Invalid value: "boolean": must be of type string'),
    ("dpuset-selector-expression-without-operator", "DPUSet", ((("spec", "dpuNodeSelector"), {"matchExpressions": [{"key": "rack"}]}),), "spec.dpuNodeSelector.matchExpressions[0].operator", "Required value"),
    ("dpuset-unknown-field", "DPUSet", (((*TS, "bfbName"), "x"),), "spec.dpuTemplate.spec.bfbName", 'unknown field "spec.dpuTemplate.spec.bfbName"'),
    # --- DPUService
    ("dpuservice-name-over-63", "DPUService", ((("metadata", "name"), "s" * 64),), "", f"{OBJ}name length can't be bigger than 63 chars"),
    ("dpuservice-interfaces-without-service-id", "DPUService", ((("spec", "serviceID"), DELETE),), "spec", f"{OBJ}serviceID must be provided when interfaces are provided"),
    ("dpuservice-config-ports-in-cluster", "DPUService", ((("spec", "deployInCluster"), True), (("spec", "security"), DELETE), (CP, {"serviceType": "ClusterIP", "ports": [WEB]})), "spec", f"{OBJ}configPorts cannot be set when deployInCluster is true"),
    ("dpuservice-cluster-selector-in-cluster", "DPUService", ((("spec", "deployInCluster"), True), (("spec", "security"), DELETE), (("spec", "dpuClusterSelector"), {"matchLabels": {"a": "b"}})), "spec", f"{OBJ}dpuClusterSelector cannot be set when deployInCluster is true"),
    ("dpuservice-privileged-in-cluster", "DPUService", ((("spec", "deployInCluster"), True),), "spec", f"{OBJ}security.privileged must not be set when deployInCluster is true"),
    ("dpuservice-privileged-missing-on-dpu", "DPUService", ((("spec", "security"), DELETE),), "spec", f"{OBJ}security.privileged must be set when deployInCluster is false"),
    ("dpuservice-node-port-with-cluster-ip", "DPUService", ((CP, {"serviceType": "ClusterIP", "ports": [{**WEB, "nodePort": 30080}]}),), "spec.configPorts", f"{OBJ}nodePort can only be set when serviceType is NodePort"),
    ("dpuservice-helm-chart-missing", "DPUService", ((("spec", "helmChart"), DELETE),), "spec.helmChart", "Required value"),
    ("dpuservice-source-missing", "DPUService", ((("spec", "helmChart", "source"), DELETE),), "spec.helmChart.source", "Required value"),
    ("dpuservice-repo-url-missing", "DPUService", ((("spec", "helmChart", "source", "repoURL"), DELETE),), "spec.helmChart.source.repoURL", "Required value"),
    ("dpuservice-repo-url-http", "DPUService", ((("spec", "helmChart", "source", "repoURL"), "http://x"),), "spec.helmChart.source.repoURL", "Invalid value: \"http://x\": should match '^(oci://|https://).+$'"),
    ("dpuservice-version-empty", "DPUService", ((("spec", "helmChart", "source", "version"), ""),), "spec.helmChart.source.version", 'Invalid value: "": should be at least 1 character long'),
    ("dpuservice-interfaces-empty", "DPUService", ((("spec", "interfaces"), []),), "spec.interfaces", "Too few: 0: must have at least 1 item"),
    ("dpuservice-interfaces-over-50", "DPUService", ((("spec", "interfaces"), [f"i{i}" for i in range(51)]),), "spec.interfaces", "Too many: 51: must have at most 50 items"),
    ("dpuservice-config-ports-without-ports", "DPUService", ((CP, {"serviceType": "NodePort"}),), "spec.configPorts.ports", "Required value"),
    ("dpuservice-config-port-name-upper-case", "DPUService", ((CP, {"ports": [{**WEB, "name": "Web"}]}),), "spec.configPorts.ports[0].name", "Invalid value: \"Web\": should match '^[a-z0-9-]+$'"),
    ("dpuservice-config-port-protocol-unknown", "DPUService", ((CP, {"ports": [{**WEB, "protocol": "SCTP"}]}),), "spec.configPorts.ports[0].protocol", 'Unsupported value: "SCTP": supported values: "TCP", "UDP"'),
    ("dpuservice-config-port-service-type-unknown", "DPUService", ((CP, {"serviceType": "LoadBalancer", "ports": [WEB]}),), "spec.configPorts.serviceType", 'Unsupported value: "LoadBalancer": supported values: "NodePort", "ClusterIP", "None"'),
    ("dpuservice-node-selector-without-terms", "DPUService", ((("spec", "serviceDaemonSet", "nodeSelector"), {}),), "spec.serviceDaemonSet.nodeSelector.nodeSelectorTerms", "Required value"),
    ("dpuservice-resource-not-a-quantity", "DPUService", ((("spec", "serviceDaemonSet", "resources"), {"cpu": "lots"}),), "spec.serviceDaemonSet.resources.cpu", f"Invalid value: \"lots\": should match '{QUANTITY}'"),
    ("dpuservice-unknown-field", "DPUService", ((("spec", "replicas"), 1),), "spec.replicas", 'unknown field "spec.replicas"'),
    # --- DPUServiceInterface
    ("dsi-name-over-63", "DPUServiceInterface", ((("metadata", "name"), "i" * 64),), "", f"{OBJ}name length can't be bigger than 63 chars"),
    ("dsi-interface-type-without-its-field", "DPUServiceInterface", (((*DSI, "interfaceType"), "vlan"),), "spec.template.spec.template.spec", f"{OBJ}for interfaceType=vlan, vlan must be set"),
    ("dsi-service-without-service-id", "DPUServiceInterface", (((*DSI, "service", "serviceID"), DELETE),), "spec.template.spec.template.spec.service.serviceID", "Required value"),
    ("dsi-interface-name-over-15", "DPUServiceInterface", (((*DSI, "service", "interfaceName"), "i" * 16),), "spec.template.spec.template.spec.service.interfaceName", f'Too long: "{"i" * 16}": may not be longer than 15 characters (it has 16)'),
    ("dsi-interface-name-empty", "DPUServiceInterface", (((*DSI, "service", "interfaceName"), ""),), "spec.template.spec.template.spec.service.interfaceName", 'Invalid value: "": should be at least 1 character long'),
    ("dsi-template-missing", "DPUServiceInterface", ((("spec", "template"), DELETE),), "spec.template", "Required value"),
    ("dsi-unknown-field", "DPUServiceInterface", (((*DSI, "service", "mtu"), 1500),), "spec.template.spec.template.spec.service.mtu", 'unknown field "spec.template.spec.template.spec.service.mtu"'),
    # --- DPUServiceChain
    ("chain-name-over-63", "DPUServiceChain", ((("metadata", "name"), "c" * 64),), "", f"{OBJ}name length can't be bigger than 63 chars"),
    ("chain-switches-empty", "DPUServiceChain", ((SW, []),), "spec.template.spec.template.spec.switches", "Too few: 0: must have at least 1 item"),
    ("chain-switches-over-50", "DPUServiceChain", ((SW, [{"ports": [{"serviceInterface": {"matchLabels": {"a": "b"}}}]}] * 51),), "spec.template.spec.template.spec.switches", "Too many: 51: must have at most 50 items"),
    ("chain-ports-empty", "DPUServiceChain", (((*SW, 0, "ports"), []),), "spec.template.spec.template.spec.switches[0].ports", "Too few: 0: must have at least 1 item"),
    ("chain-port-without-service-interface", "DPUServiceChain", (((*SW, 0, "ports", 0), {}),), "spec.template.spec.template.spec.switches[0].ports[0].serviceInterface", "Required value"),
    ("chain-match-labels-empty", "DPUServiceChain", (((*SI, "matchLabels"), {}),), f"{SIP}.matchLabels", "Too few: 0: must have at least 1 entry"),
    ("chain-ipam-without-match-labels", "DPUServiceChain", (((*SI, "ipam"), {"defaultGateway": True}),), f"{SIP}.ipam.matchLabels", "Required value"),
    ("chain-ipam-family-unknown", "DPUServiceChain", (((*SI, "ipam"), {"matchLabels": {"a": "b"}, "requiredIPFamilies": ["IPv5"]}),), f"{SIP}.ipam.requiredIPFamilies[0]", 'Unsupported value: "IPv5": supported values: "IPv4", "IPv6"'),
    ("chain-mtu-over-9216", "DPUServiceChain", (((*SW, 0, "serviceMTU"), 9217),), "spec.template.spec.template.spec.switches[0].serviceMTU", "Invalid value: 9217: should be less than or equal to 9216"),
    ("chain-mtu-under-1280", "DPUServiceChain", (((*SW, 0, "serviceMTU"), 1279),), "spec.template.spec.template.spec.switches[0].serviceMTU", "Invalid value: 1279: should be greater than or equal to 1280"),
]  # fmt: skip


def broken(kind: str, changes: tuple[tuple[tuple[Any, ...], Any], ...]) -> dict[str, Any]:
    child = copy.deepcopy(CHILDREN[kind])
    for path, value in changes:
        set_path(child, path, value)
    return child


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"), [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_each_rule_of_the_child_crds(
    kind: str, changes: tuple[tuple[tuple[Any, ...], Any], ...], field: str, message: str
) -> None:
    assert check_child(broken(kind, changes)) == [(field, message)]


def test_an_unknown_interface_type_fails_the_enum_and_the_rule_that_reads_it() -> None:
    child = broken("DPUServiceInterface", (((*DSI, "interfaceType"), "bridge"),))
    assert check_child(child) == [
        (
            "spec.template.spec.template.spec.interfaceType",
            'Unsupported value: "bridge": supported values: "vlan", "physical", "pf", "vf", "ovn", "patch", "service"',
        ),
        ("spec.template.spec.template.spec", f"{OBJ}for interfaceType=bridge, bridge must be set"),
    ]


def test_every_rendered_child_passes() -> None:
    for child in CHILDREN.values():
        assert check_child(child) == [], child["kind"]


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("DPUSet", (((*TS, "dpuFlavor"), DELETE), ((*TS, "dpuFlavorTemplate"), "per-dpu"))),
        ("DPUSet", (((*TS, "bfb"), DELETE), ((*TS, "blueFieldSoftware"), {"name": "bfs"}))),
        ("DPUSet", (((*TS, "astraEnabled"), True),)),
        ("DPUService", ((("spec", "security", "spiffe"), {}),)),
        ("DPUService", ((("spec", "helmChart", "values"), {"any": {"thing": [1, None]}}),)),
        ("DPUService", ((("spec", "deployInCluster"), True), (("spec", "security"), DELETE))),
        ("DPUServiceInterface", (((*DSI, "service", "virtualNetwork"), "vn"),)),
    ],
    ids=["dpu-flavor-template", "bluefield-software", "astra-enabled", "spiffe", "helm-values", "in-cluster", "virtual-network"],
)  # fmt: skip
def test_what_newer_dpf_writes_and_free_form_values_are_accepted(
    kind: str, changes: tuple[tuple[tuple[Any, ...], Any], ...]
) -> None:
    assert check_child(broken(kind, changes)) == []


# --------------------------------------------------------------------------------------------------------
# Reported on the DPUDeployment, with the input field the child's field comes from


def planned() -> tuple[Any, list[dict[str, Any]]]:
    rendering = pipeline.render(
        [Item(d, i) for i, d in enumerate(base_docs())], RenderConfig(), mode=pipeline.FINAL
    )
    [revision] = rendering.revisions
    return revision, pipeline.build_children(revision, rendering.config)


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("DPUSet", ((("spec", "strategy", "type"), "Always"),), "spec.dpus.dpuSetStrategy"),
        ("DPUSet", ((("metadata", "name"), "d" * 64),), "spec.dpus.dpuSets[0].nameSuffix"),
        ("DPUSet", ((("spec", "dpuNodeSelector"), {"matchExpressions": [{"key": "rack"}]}),), "spec.dpus.dpuSets[0].dpuNodeSelector"),
        ("DPUSet", (((*TS, "dpuFlavor"), ""),), "spec.dpus.flavor"),
        ("DPUService", ((("spec", "helmChart", "source", "repoURL"), "http://x"),), "spec.services.consumer.serviceTemplate"),
        ("DPUService", ((("spec", "configPorts"), {"ports": [{"name": "Web", "port": 1, "protocol": "TCP"}]}),), "spec.services.consumer.serviceConfiguration"),
        ("DPUService", ((("metadata", "name"), "s" * 64),), "spec.services.consumer"),
        ("DPUServiceInterface", (((*DSI, "service", "interfaceName"), "i" * 16),), "spec.services.consumer.serviceConfiguration"),
        ("DPUServiceChain", (((*SW, 0, "serviceMTU"), 1),), "spec.serviceChains.switches[0]"),
        ("DPUServiceChain", ((("metadata", "name"), "c" * 64),), "spec.serviceChains"),
    ],
    ids=["strategy", "name-suffix", "node-selector", "flavor", "template", "configuration", "service-name", "interface", "switch", "chain-name"],
)  # fmt: skip
def test_the_error_names_the_input_field_the_child_s_field_comes_from(
    kind: str, changes: tuple[tuple[tuple[Any, ...], Any], ...], field: str
) -> None:
    revision, built = planned()
    child = next(c for c in built if c["kind"] == kind)
    for path, value in changes:
        set_path(child, path, value)
    [result] = check_children(revision, built)
    assert (result.ref.kind if result.ref else "", result.field) == (D, field)
    assert result.message.startswith(f"the {kind} dpf/")


# --------------------------------------------------------------------------------------------------------
# A null serviceType is the CRD's default (NodePort): the API server drops the null and defaults the field


def test_a_child_with_a_null_service_type_may_set_a_node_port() -> None:
    child = broken("DPUService", ((CP, {"serviceType": None, "ports": [{**WEB, "nodePort": 30080}]}),))
    assert check_child(child) == []


@pytest.mark.parametrize("ports", [[WEB], [{**WEB, "nodePort": 30080}]], ids=["port", "node-port"])
def test_a_null_service_type_renders_as_node_port_does(ports: list[dict[str, Any]]) -> None:
    rendered_with: dict[Any, list[dict[str, Any]]] = {}
    for service_type in (None, "NodePort"):
        docs = base_docs()
        configuration = find(docs, "DPUServiceConfiguration", "producer")
        set_path(
            configuration,
            ("spec", "serviceConfiguration", "configPorts"),
            {"serviceType": service_type, "ports": ports},
        )
        output, results = run(docs)
        assert errors(results) == []
        rendered_with[service_type] = children(output)
    [producer] = [
        c
        for c in rendered_with[None]
        if c["metadata"].get("labels", {}).get("svc.dpu.nvidia.com/dpudeployment-service") == "producer"
        and c["kind"] == "DPUService"
    ]
    assert producer["spec"]["configPorts"]["serviceType"] == "NodePort"
    assert rendered_with[None] == rendered_with["NodePort"]


def test_a_chain_error_names_the_switch_in_the_old_shape_too() -> None:
    docs = base_docs()
    deployment = find(docs, D, "demo")
    deployment["spec"]["serviceChains"] = deployment["spec"]["serviceChains"][
        "switches"
    ]  # DPF v24.10's shape
    rendering = pipeline.render([Item(d, i) for i, d in enumerate(docs)], RenderConfig(), mode=pipeline.FINAL)
    [revision] = rendering.revisions
    built = pipeline.build_children(revision, rendering.config)
    chain = next(c for c in built if c["kind"] == "DPUServiceChain")
    set_path(chain, (*SW, 0, "serviceMTU"), 1)
    [result] = check_children(revision, built)
    assert result.field == "spec.serviceChains[0]"
