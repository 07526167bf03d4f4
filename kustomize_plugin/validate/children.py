"""The rules of the children's own CRDs: every object dpf-render writes must be one the API server accepts.

A DPUDeployment that passes its own CRD can still make a child that fails the child's: the DPUDeployment's
nodeEffect rule counts the actions set to true, the DPUSet's counts the fields present, so `{drain: false,
noEffect: true}` passes the first and fails the second (DPF's controller copies the field as it is, and the
API server then refuses the DPUSet). So each child is checked against its CRD (shared/crds: DPUSet,
DPUService, DPUServiceInterface, DPUServiceChain), written below as data in the vocabulary schema.py uses
for the inputs: types, required fields, lengths, enums, counts, patterns, unknown fields and each CEL rule.
The messages are the API server's (`spec.dpuTemplate.spec.nodeEffect: Invalid value: "object": only one of
...`), reported on the DPUDeployment with the input field that caused the problem.

Subtrees of a CRD that dpf-render never writes are `x-not-written` (anything there would be a bug caught
by the tests, not a user's problem); fields the newest DPF controller writes but the stored CRDs lack are
`x-newer`. tests/test_crd_schema.py compares these schemas with the CRDs, node by node.
"""

from __future__ import annotations

from .. import naming
from .. import results as R
from . import schema
from .schema import (
    _BOOLEAN,
    _CONFIG_PORTS,
    _HELM_CHART,
    _INT_OR_STRING,
    _LABEL_SELECTOR,
    _NODE_EFFECT,
    _RESOURCE_LIST,
    _SELECTOR_REQUIREMENT,
    _SERVICE_INTERFACE,
    _SERVICE_MTU,
    _STRING,
    _STRING_MAP,
    _UPDATE_STRATEGY,
    _has,
    _not_both,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..expand.revisions import DeploymentRevision
    from ..results import Result

# Never written by dpf-render, so never checked here (the CRD comparison test keeps the names honest).
_NOT_WRITTEN: dict[str, Any] = {"x-not-written": True, "x-kubernetes-preserve-unknown-fields": True}
NAME_RULE = "name length can't be bigger than 63 chars"


def _name_at_most_63(value: dict[Any, Any], path: str) -> list[str]:
    meta = value.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return [path] if isinstance(name, str) and len(name) > 63 else []


def _one_action_present(value: dict[Any, Any], path: str) -> list[str]:
    # Unlike the DPUDeployment's rule, a field present counts, whatever its value (`drain: false` too).
    actions = ("taint", "noEffect", "customLabel", "drain", "customAction", "hold")
    return [] if sum(_has(value, a) for a in actions) == 1 else [path]


def _one_flavor(value: dict[Any, Any], path: str) -> list[tuple[str, str, str]]:
    # The stored CRD requires dpuFlavor; the newest controller writes dpuFlavorTemplate instead when the
    # DPUDeployment names one (a field that CRD lacks), so one of the two is required here.
    flavor, template = _has(value, "dpuFlavor"), _has(value, "dpuFlavorTemplate")
    if flavor and template:
        return [(R.ERROR, path, "only one of dpuFlavor or dpuFlavorTemplate can be set")]
    return [] if flavor or template else [(R.ERROR, f"{path}.dpuFlavor", "Required value")]


def _in_cluster(value: dict[Any, Any]) -> bool:
    return value.get("deployInCluster") is True


def _privileged(value: dict[Any, Any]) -> bool:
    security = value.get("security")
    return isinstance(security, dict) and _has(security, "privileged")


def _service_id_with_interfaces(value: dict[Any, Any], path: str) -> list[str]:
    return [path] if _has(value, "interfaces") and not _has(value, "serviceID") else []


def _if_in_cluster_not(key: str) -> Any:
    def check(value: dict[Any, Any], path: str) -> list[str]:
        return [path] if _in_cluster(value) and _has(value, key) else []

    return check


def _no_privileged_in_cluster(value: dict[Any, Any], path: str) -> list[str]:
    return [path] if _in_cluster(value) and _privileged(value) else []


def _privileged_on_dpu(value: dict[Any, Any], path: str) -> list[str]:
    # On create there is no old object, so the rule's oldSelf branch never holds.
    return [] if _in_cluster(value) or _privileged(value) else [path]


def _node_port_needs_node_port_type(value: dict[Any, Any], path: str) -> list[str]:
    # The input's rule, reported where the API server reports a failed CEL rule: on the object it sits on.
    return [path] if schema._node_port_needs_node_port_type(value, path) else []


_INTERFACE_TYPES = ("vlan", "physical", "pf", "vf", "ovn", "patch", "service")


def _interface_type_set(value: dict[Any, Any], path: str) -> list[str]:
    kind = value.get("interfaceType")
    return [] if kind == "ovn" or (kind in _INTERFACE_TYPES and _has(value, kind)) else [path]


def _interface_type_message(value: dict[Any, Any]) -> str:
    kind = value.get("interfaceType")
    return f"for interfaceType={kind}, {kind} must be set"


def _object(
    properties: dict[str, Any],
    *,
    required: tuple[str, ...] = (),
    rules: list[dict[str, Any]] | None = None,
    checks: list[Any] | None = None,
) -> dict[str, Any]:
    """An object node: its fields, required fields, CEL rules (message and check) and dpf-render's checks."""
    node: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        node["required"] = list(required)
    if rules:
        node["x-kubernetes-validations"] = rules
    if checks:
        node["x-dpf-render-checks"] = checks
    return node


def _root(spec: dict[str, Any]) -> dict[str, Any]:
    return _object(
        {"apiVersion": _STRING, "kind": _STRING, "metadata": {}, "spec": spec, "status": {}},
        rules=[{"message": NAME_RULE, "check": _name_at_most_63}],
    )


_META = _object({"annotations": _STRING_MAP, "labels": _STRING_MAP})

# The DPUDeployment's nodeEffect fields and two the DPUSet adds, under the DPUSet's own rule.
_DPUSET_NODE_EFFECT = _object(
    {
        **_NODE_EFFECT["properties"],
        "applyOnLabelChange": {"type": "boolean", "default": False},
        "nodeMaintenanceAdditionalRequestors": {"type": "array", "items": _STRING},
    },
    rules=[
        {
            "message": "only one of taint, noEffect, drain, customLabel, customAction, hold can be set",
            "check": _one_action_present,
        }
    ],
)

DPUSET_SPEC = _object(
    {
        "dpuDeviceSelector": _LABEL_SELECTOR,
        "dpuNodeSelector": _LABEL_SELECTOR,
        "dpuSelector": _NOT_WRITTEN,
        "dpuTemplate": _object(
            {
                "annotations": _STRING_MAP,
                "spec": _object(
                    {
                        "astraEnabled": {**_BOOLEAN, "x-newer": True},
                        "bfb": _object({"name": {"type": "string", "minLength": 1}}),
                        "blueFieldSoftware": {
                            **_object({"name": {"type": "string", "minLength": 1}}, required=("name",)),
                            "x-newer": True,
                        },
                        "cluster": _object({"nodeLabels": _STRING_MAP, "selector": _LABEL_SELECTOR}),
                        "dpuFlavor": {"type": "string", "minLength": 1},
                        "dpuFlavorTemplate": {"type": "string", "minLength": 1, "x-newer": True},
                        "nodeEffect": _DPUSET_NODE_EFFECT,
                        "secureBoot": _BOOLEAN,
                    },
                    required=("nodeEffect",),
                    checks=[_one_flavor],
                ),
            }
        ),
        "strategy": _object(
            {
                "rollingUpdate": _object({"maxUnavailable": _INT_OR_STRING}),
                "type": {"type": "string", "enum": ["OnDelete", "RollingUpdate"]},
            },
            required=("type",),
        ),
    },
    required=("dpuTemplate", "strategy"),
    rules=[
        {
            "message": "only one of dpuSelector or dpuDeviceSelector can be specified",
            "check": _not_both("dpuSelector", "dpuDeviceSelector"),
        }
    ],
)

DPUSERVICE_SPEC = _object(
    {
        "configPorts": _object(
            _CONFIG_PORTS["properties"],
            required=tuple(_CONFIG_PORTS["required"]),
            rules=[
                {
                    "message": "nodePort can only be set when serviceType is NodePort",
                    "check": _node_port_needs_node_port_type,
                }
            ],
        ),
        "deployInCluster": _BOOLEAN,
        "dpuClusterSelector": _LABEL_SELECTOR,
        "helmChart": _HELM_CHART,
        "interfaces": {"type": "array", "minItems": 1, "maxItems": 50, "items": _STRING},
        "paused": _NOT_WRITTEN,
        "security": _object({"privileged": _BOOLEAN, "spiffe": {"type": "object", "x-newer": True}}),
        "serviceDaemonSet": _object(
            {
                "annotations": _STRING_MAP,
                "labels": _STRING_MAP,
                "nodeSelector": _object(
                    {
                        "nodeSelectorTerms": {
                            "type": "array",
                            "items": _object(
                                {
                                    "matchExpressions": {"type": "array", "items": _SELECTOR_REQUIREMENT},
                                    "matchFields": {"type": "array", "items": _SELECTOR_REQUIREMENT},
                                }
                            ),
                        }
                    },
                    required=("nodeSelectorTerms",),
                ),
                "resources": _RESOURCE_LIST,
                "updateStrategy": _UPDATE_STRATEGY,
            }
        ),
        "serviceID": _STRING,
    },
    required=("helmChart",),
    rules=[
        {
            "message": "serviceID must be provided when interfaces are provided",
            "check": _service_id_with_interfaces,
        },
        {
            "message": "configPorts cannot be set when deployInCluster is true",
            "check": _if_in_cluster_not("configPorts"),
        },
        {
            "message": "dpuClusterSelector cannot be set when deployInCluster is true",
            "check": _if_in_cluster_not("dpuClusterSelector"),
        },
        {
            "message": "security.privileged must not be set when deployInCluster is true",
            "check": _no_privileged_in_cluster,
        },
        {
            "message": "security.privileged must be set when deployInCluster is false",
            "check": _privileged_on_dpu,
        },
    ],
)


def _templated(spec: dict[str, Any]) -> dict[str, Any]:
    """What DPUServiceInterface and DPUServiceChain both put around their own `spec`: a set template (metadata,
    nodeSelector) holding an object template, so that `spec` sits at spec.template.spec.template.spec."""
    return _object(
        {
            "clusterSelector": _NOT_WRITTEN,
            "dpuClusterSelector": _LABEL_SELECTOR,
            "template": _object(
                {
                    "metadata": _META,
                    "spec": _object(
                        {
                            "nodeSelector": _LABEL_SELECTOR,
                            "template": _object({"metadata": _META, "spec": spec}, required=("spec",)),
                        },
                        required=("template",),
                    ),
                },
                required=("spec",),
            ),
        },
        required=("template",),
    )


DPUSERVICEINTERFACE_SPEC = _templated(
    _object(
        {
            "interfaceType": {"type": "string", "enum": list(_INTERFACE_TYPES)},
            "node": _NOT_WRITTEN,
            "ovn": _NOT_WRITTEN,
            "patch": _NOT_WRITTEN,
            "pf": _NOT_WRITTEN,
            "physical": _NOT_WRITTEN,
            "service": _object(
                {
                    "interfaceName": {"type": "string", "minLength": 1, "maxLength": 15},
                    "network": _STRING,
                    "serviceID": _STRING,
                    "virtualNetwork": _STRING,
                },
                required=("interfaceName", "network", "serviceID"),
            ),
            "vf": _NOT_WRITTEN,
            "vlan": _NOT_WRITTEN,
        },
        required=("interfaceType",),
        rules=[{"message": _interface_type_message, "check": _interface_type_set}],
    )
)

DPUSERVICECHAIN_SPEC = _templated(
    _object(
        {
            "node": _NOT_WRITTEN,
            "switches": {
                "type": "array",
                "minItems": 1,
                "maxItems": 50,
                "items": _object(
                    {
                        "ports": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 50,
                            "items": _object(
                                {"serviceInterface": _SERVICE_INTERFACE}, required=("serviceInterface",)
                            ),
                        },
                        "serviceMTU": _SERVICE_MTU,
                    },
                    required=("ports",),
                ),
            },
        },
        required=("switches",),
    )
)

SCHEMAS: dict[str, dict[str, Any]] = {
    "DPUSet": _root(DPUSET_SPEC),
    "DPUService": _root(DPUSERVICE_SPEC),
    "DPUServiceInterface": _root(DPUSERVICEINTERFACE_SPEC),
    "DPUServiceChain": _root(DPUSERVICECHAIN_SPEC),
}

# The DPF condition a refused child would show, as DPF's controller reports it.
_CONDITIONS = {
    "DPUSet": R.SETS_RECONCILED,
    "DPUService": R.SERVICES_RECONCILED,
    "DPUServiceInterface": R.INTERFACES_RECONCILED,
    "DPUServiceChain": R.CHAINS_RECONCILED,
}

# Which input field a child's field comes from: (child kind, child path prefix, DPUDeployment field); the
# longest prefix wins, and the empty prefix (the object's own rule, on its name) is the fallback. {set}, {service} and {switches} are the child's DPUSet entry, service key and the
# path of the DPUDeployment's switches.
_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("DPUSet", "", "spec.dpus.dpuSets[{set}].nameSuffix"),  # the object's own rule: its name's length
    ("DPUSet", "spec", "spec.dpus.dpuSets[{set}]"),
    ("DPUSet", "spec.strategy", "spec.dpus.dpuSetStrategy"),
    ("DPUSet", "spec.dpuTemplate.spec.nodeEffect", "spec.dpus.nodeEffect"),
    ("DPUSet", "spec.dpuTemplate.spec.bfb", "spec.dpus.bfb"),
    ("DPUSet", "spec.dpuTemplate.spec.blueFieldSoftware", "spec.dpus.blueFieldSoftware"),
    ("DPUSet", "spec.dpuTemplate.spec.dpuFlavor", "spec.dpus.flavor"),
    ("DPUSet", "spec.dpuTemplate.spec.dpuFlavorTemplate", "spec.dpus.flavorTemplate"),
    ("DPUSet", "spec.dpuTemplate.annotations", "spec.dpus.dpuSets[{set}].dpuAnnotations"),
    ("DPUSet", "spec.dpuNodeSelector", "spec.dpus.dpuSets[{set}].dpuNodeSelector"),
    ("DPUSet", "spec.dpuDeviceSelector", "spec.dpus.dpuSets[{set}].dpuDeviceSelector"),
    ("DPUService", "", "spec.services.{service}"),
    ("DPUService", "spec.helmChart", "spec.services.{service}.serviceTemplate"),
    ("DPUService", "spec.security", "spec.services.{service}.serviceTemplate"),
    ("DPUService", "spec.serviceDaemonSet", "spec.services.{service}.serviceConfiguration"),
    ("DPUService", "spec.configPorts", "spec.services.{service}.serviceConfiguration"),
    ("DPUService", "spec.interfaces", "spec.services.{service}.serviceConfiguration"),
    ("DPUServiceInterface", "", "spec.services.{service}.serviceConfiguration"),
    ("DPUServiceChain", "", "spec.serviceChains"),
    ("DPUServiceChain", "spec.template.spec.template.spec.switches", "{switches}"),
)


def check_child(child: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, message) of every rule of its CRD that a child breaks, in the API server's words."""
    node = SCHEMAS.get(child.get("kind", ""))
    if node is None:
        return []
    walker = schema._Walker(R.ResourceRef("", "", ""), strict=True, api=True)
    walker.check(schema._compile(node), child, "")
    return [(r.field or "", r.message) for r in walker.results]


def check_children(revision: DeploymentRevision, children: list[dict[str, Any]]) -> list[Result]:
    """Errors on the DPUDeployment for every child its CRD refuses, one per rule, naming the children."""
    d = revision.deployment
    by_name = {naming.dpuset_name(d.name, s.name_suffix): s.index for s in d.dpu_sets}
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for child in children:
        kind, meta = child["kind"], child["metadata"]
        for path, message in check_child(child):
            context = {
                "set": by_name.get(meta["name"], 0),
                "service": (meta.get("labels") or {}).get(naming.SERVICE_LABEL, ""),
                "switches": d.switches_field,
            }
            field = _source(kind, path).format(**context)
            if kind == "DPUServiceChain" and path.startswith("spec.template.spec.template.spec.switches"):
                field += path.removeprefix("spec.template.spec.template.spec.switches").split(".", 1)[0]
            grouped.setdefault((field, kind, path, message), []).append(f"{meta['namespace']}/{meta['name']}")
    out: list[Result] = []
    for (field, kind, path, message), names in grouped.items():
        which = f"the {kind} {names[0]}" if len(names) == 1 else f"the {kind}s {', '.join(names)}"
        text = f"{which} would be refused by the API server: {path or '<nil>'}: {message}"
        out.append(R.error(text, d.source.ref, field, condition=_CONDITIONS[kind]))
    return out


def _source(kind: str, path: str) -> str:
    best = ""
    found = ""
    for source_kind, prefix, field in _SOURCES:
        if source_kind == kind and (path == prefix or path.startswith(prefix)) and len(prefix) >= len(best):
            best, found = prefix, field
    return found
