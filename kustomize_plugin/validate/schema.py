"""The input rules of DPF's CRDs: what the API server would refuse, checked offline as results (docs/checks.md).

The schemas below cover every field dpf-render reads, copied from DPF's newest CRDs (shared/crds) as data in
the CRDs' own OpenAPI vocabulary (`type`, `properties`, `required`, `maxLength`, `pattern`, ...), with each
CEL rule (`x-kubernetes-validations`) written as a small function next to DPF's own message. One walker
checks an object against them: types, required fields, lengths, counts, ranges, patterns, enums, list sets,
CEL rules, object names, and, in the kinds dpf-render consumes, unknown fields, which are errors with the
closest known field: `kubectl apply` refuses them (strict field validation), and these objects never reach
an API server, so a typo such as `dpuNodeSelectr` would otherwise silently select every node.

Older shapes dpf-render still accepts are marked `x-old-shape` (another accepted shape of the node) and
`x-legacy` (an older field, accepted with a warning naming its replacement); fields the newest CRD requires
but for which model.py applies a default (with a warning) are marked `x-offline-default`. Rules of
dpf-render's own, beyond the CRDs (a null that would widen a selector to every node), are under
`x-dpf-render-checks`, each returning (severity, field, message). Everything is reported; nothing is
raised, whatever the input's shape. The same walker checks the generated children (validate/children.py).
"""

from __future__ import annotations

import re

from .. import lock, model, naming
from .. import results as R
from ..model import quote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ..results import ResourceRef, Result

    Check = Callable[[Any, str], list[str]]

# --------------------------------------------------------------------------------------------------------
# CEL rules: each takes the (correctly typed) value at its node and the node's path, and returns the field
# paths that break it (empty when it holds). The message is DPF's, beside the function in the schema.


def _has(value: dict[Any, Any], key: str) -> bool:
    # The API server prunes nulls of non-nullable fields before validating, so null is absent.
    return value.get(key) is not None


def _not_empty(value: Any) -> bool:
    return isinstance(value, (str, dict, list)) and len(value) > 0


def _exactly_one(a: str, b: str) -> Check:
    def check(value: dict[Any, Any], path: str) -> list[str]:
        return [] if _has(value, a) != _has(value, b) else [path]

    return check


def _not_both(a: str, b: str) -> Check:
    def check(value: dict[Any, Any], path: str) -> list[str]:
        return [path] if _has(value, a) and _has(value, b) else []

    return check


def _one_node_effect(value: dict[Any, Any], path: str) -> list[str]:
    actions = (
        _has(value, "taint"),
        value.get("noEffect") is True,
        _not_empty(value.get("customLabel")),
        value.get("drain") is True,
        _not_empty(value.get("customAction")),
        value.get("hold") is True,
    )
    return [] if sum(actions) == 1 else [path]


def _unique_name_suffixes(value: list[Any], path: str) -> list[str]:
    seen: set[str] = set()
    duplicates: list[str] = []
    for i, item in enumerate(value):
        suffix = item.get("nameSuffix") if isinstance(item, dict) else None
        if not isinstance(suffix, str):
            continue
        if suffix in seen:
            duplicates.append(f"{path}[{i}].nameSuffix")
        seen.add(suffix)
    return duplicates


def _dpu_annotation_keys(value: dict[Any, Any], path: str) -> list[str]:
    annotations = value.get("dpuAnnotations")
    if not isinstance(annotations, dict):
        return []
    return [
        f"{path}.dpuAnnotations.{key}"
        for key in annotations
        if isinstance(key, str)
        and _reserved_key(key)
        and not key.startswith("noderesources.dpu.nvidia.com")
        and key != "provisioning.dpu.nvidia.com/force-fw-update"
    ]


# CEL's `matches` is an unanchored RE2 search, so DPF's exception admits any key containing this pattern
# ('.' matching any character), not only the key itself. (Patterns that few runs need are compiled when first
# used, through `re`'s own cache: compiling all of them at import would add about a millisecond to every start.)
_CUSTOM_FLOWS = r"svc.dpu.nvidia.com/custom-flows"


def _daemon_set_label_keys(value: dict[Any, Any], path: str) -> list[str]:
    labels = value.get("labels")
    if not isinstance(labels, dict):
        return []
    return [
        f"{path}.labels.{key}"
        for key in labels
        if isinstance(key, str) and _reserved_key(key) and not re.search(_CUSTOM_FLOWS, key)
    ]


def _daemon_set_annotation_keys(value: dict[Any, Any], path: str) -> list[str]:
    annotations = value.get("annotations")
    if not isinstance(annotations, dict):
        return []
    return [f"{path}.annotations.{key}" for key in annotations if isinstance(key, str) and _reserved_key(key)]


def _reserved_key(key: str) -> bool:
    return "dpu.nvidia.com/" in key or key.endswith("dpu.nvidia.com")


def _service_key_lengths(value: dict[Any, Any], path: str) -> list[str]:
    return [f"{path}.{key}" for key in value if isinstance(key, str) and len(key) > 28]


def _port_kind(value: dict[Any, Any], path: str) -> list[str]:
    return [] if _has(value, "service") != _has(value, "serviceInterface") else [path]


def _no_interfaces_in_cluster(value: dict[Any, Any], path: str) -> list[str]:
    config = value.get("serviceConfiguration")
    in_cluster = isinstance(config, dict) and config.get("deployInCluster") is True
    return [f"{path}.interfaces"] if _has(value, "interfaces") and in_cluster else []


def _no_config_ports_in_cluster(value: dict[Any, Any], path: str) -> list[str]:
    return (
        [f"{path}.configPorts"] if value.get("deployInCluster") is True and _has(value, "configPorts") else []
    )


def _node_port_needs_node_port_type(value: dict[Any, Any], path: str) -> list[str]:
    service_type = value.get("serviceType")
    if service_type is None:
        service_type = "NodePort"  # the CRD default, applied before validation
    ports = value.get("ports")
    if service_type == "NodePort" or not isinstance(ports, list):
        return []
    return [
        f"{path}.ports[{i}].nodePort"
        for i, p in enumerate(ports)
        if isinstance(p, dict) and _has(p, "nodePort")
    ]


def _all_bfb_versions(value: dict[Any, Any], path: str) -> list[str]:
    # A part of the wrong type is reported by its own type check, not again here.
    return [] if all(value.get(p) not in (None, "") for p in ("bsp", "doca", "uefi", "atf")) else [path]


def _name_at_most(limit: int) -> Check:
    def check(value: dict[Any, Any], _path: str) -> list[str]:
        meta = value.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        return ["metadata.name"] if isinstance(name, str) and len(name) > limit else []

    return check


# --------------------------------------------------------------------------------------------------------
# dpf-render's own checks: each takes the (correctly typed) value at its node and the node's path, and returns
# (severity, field, message) for each problem.

Finding = tuple[str, str, str]

# A dpuSet's selector pairs (newest field first, then its deprecated form) and what they select.
_SELECTOR_PAIRS = (
    (("dpuNodeSelector", "nodeSelector"), "node"),
    (("dpuDeviceSelector", "dpuSelector"), "DPU of its nodes"),
)
_NULL_DROPPED = "null: the API server drops it (the selector's other requirements still apply)"


def _null_selectors(value: dict[Any, Any], path: str) -> list[Finding]:
    """A null selector, or a null part of one: the API server drops it before DPF reads the DPUDeployment.

    When what is left selects everything, the DPUSet would target every node (and drain it): an error, since
    no one writes `dpuNodeSelector:` with nothing after it to mean every node (omitting the field says that).
    When the selector still has a requirement, the null changes nothing: a warning.
    """
    out: list[Finding] = []
    for keys, what in _SELECTOR_PAIRS:
        nulls: list[str] = []
        restricts = False
        for key in keys:
            if key not in value:
                continue
            selector = value[key]
            if selector is None:
                nulls.append(f"{path}.{key}")
            elif not isinstance(selector, dict) or key == "dpuSelector":
                restricts = restricts or bool(selector)  # a type error is reported by its own check
            else:
                for part in ("matchLabels", "matchExpressions"):
                    if part in selector and selector[part] is None:
                        nulls.append(f"{path}.{key}.{part}")
                    elif selector.get(part):
                        restricts = True
        for field in nulls:
            if restricts:
                out.append((R.WARNING, field, _NULL_DROPPED))
            else:
                message = (
                    f"null: the API server drops it, and this DPUSet would then select every {what}; omit the "
                    "field if that is meant"
                )
                out.append((R.ERROR, field, message))
    return out


def _legacy_node_effect(value: dict[Any, Any], path: str) -> list[Finding]:
    legacy = value.get("nodeEffect")
    policy = value.get("upgradePolicy")
    current = policy.get("applyNodeEffect") if isinstance(policy, dict) else None
    if not isinstance(legacy, bool) or not isinstance(current, bool) or legacy == current:
        return []
    words = {True: "true", False: "false"}
    field = _child(path, "nodeEffect")
    message = (
        f"{field} ({words[legacy]}) and {_child(path, 'upgradePolicy.applyNodeEffect')} ({words[current]}) "
        f"disagree: remove {field}"
    )
    return [(R.ERROR, field, message)]


# --------------------------------------------------------------------------------------------------------
# The schemas (newest CRDs; the comments name what is not in them).

_STRING: dict[str, Any] = {"type": "string"}
_BOOLEAN: dict[str, Any] = {"type": "boolean"}
_INTEGER: dict[str, Any] = {"type": "integer"}
_STRING_MAP: dict[str, Any] = {"type": "object", "additionalProperties": _STRING}
_INT_OR_STRING: dict[str, Any] = {"x-kubernetes-int-or-string": True}
_QUANTITY: dict[str, Any] = {
    "x-kubernetes-int-or-string": True,
    "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
}
_RESOURCE_LIST: dict[str, Any] = {"type": "object", "additionalProperties": _QUANTITY}
_FREE_FORM: dict[str, Any] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
_STATUS: dict[
    str, Any
] = {}  # status is the controllers' to write, and ignored on create (status subresource)

_SELECTOR_REQUIREMENT: dict[str, Any] = {
    "type": "object",
    "required": ["key", "operator"],
    "properties": {"key": _STRING, "operator": _STRING, "values": {"type": "array", "items": _STRING}},
}

_LABEL_SELECTOR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "matchExpressions": {"type": "array", "items": _SELECTOR_REQUIREMENT},
        "matchLabels": _STRING_MAP,
    },
}

_IPAM: dict[str, Any] = {
    "type": "object",
    "required": ["matchLabels"],
    "properties": {
        "defaultGateway": _BOOLEAN,
        "matchLabels": {**_STRING_MAP, "minProperties": 1, "maxProperties": 50},
        "requiredIPFamilies": {
            "type": "array",
            "minItems": 1,
            "x-kubernetes-list-type": "set",
            "items": {"type": "string", "enum": ["IPv4", "IPv6"]},
        },
        "setDefaultRoute": _BOOLEAN,
    },
}

_SERVICE_INTERFACE: dict[str, Any] = {
    "type": "object",
    "required": ["matchLabels"],
    "properties": {"ipam": _IPAM, "matchLabels": {**_STRING_MAP, "minProperties": 1, "maxProperties": 50}},
}

_PORT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "service": {
            "type": "object",
            "required": ["interface", "name"],
            "properties": {
                "interface": {"type": "string", "minLength": 1, "maxLength": 15},
                "ipam": _IPAM,
                "name": {"type": "string", "minLength": 1, "maxLength": 28},
            },
        },
        "serviceInterface": _SERVICE_INTERFACE,
    },
    "x-kubernetes-validations": [
        # x-unreadable: model.py and the chain builder take the port's one kind for granted.
        {
            "message": "either service or serviceInterface must be specified",
            "check": _port_kind,
            "x-unreadable": True,
        }
    ],
}

_SERVICE_MTU: dict[str, Any] = {"type": "integer", "minimum": 1280, "maximum": 9216, "default": 1500}

_SWITCH: dict[str, Any] = {
    "type": "object",
    "required": ["ports"],
    "properties": {
        "ports": {"type": "array", "minItems": 1, "maxItems": 50, "items": _PORT},
        "serviceMTU": _SERVICE_MTU,
    },
}

_SWITCHES: dict[str, Any] = {"type": "array", "minItems": 1, "maxItems": 50, "items": _SWITCH}

_DPU_SET: dict[str, Any] = {
    "type": "object",
    "required": ["nameSuffix"],
    "properties": {
        "dpuAnnotations": {**_STRING_MAP, "maxProperties": 50},
        "dpuClusterSelector": _STRING_MAP,
        "dpuDeviceSelector": _LABEL_SELECTOR,
        "dpuNodeSelector": _LABEL_SELECTOR,
        "dpuSelector": _STRING_MAP,
        "nameSuffix": {"type": "string", "minLength": 1, "maxLength": 24},
        "nodeSelector": _LABEL_SELECTOR,
    },
    "x-kubernetes-validations": [
        {
            "message": "should not contain dpu.nvidia.com/ and should not end with dpu.nvidia.com",
            "check": _dpu_annotation_keys,
        },
        {
            "message": "only one of nodeSelector or dpuNodeSelector can be specified",
            "check": _not_both("nodeSelector", "dpuNodeSelector"),
        },
        {
            "message": "only one of dpuSelector or dpuDeviceSelector can be specified",
            "check": _not_both("dpuSelector", "dpuDeviceSelector"),
        },
    ],
    "x-dpf-render-checks": [_null_selectors],
}

_NODE_EFFECT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "customAction": _STRING,
        "customLabel": _STRING_MAP,
        "drain": _BOOLEAN,
        "force": {"type": "boolean", "default": False},
        "hold": _BOOLEAN,
        "noEffect": _BOOLEAN,
        "taint": {
            "type": "object",
            "required": ["effect", "key"],
            "properties": {
                "effect": _STRING,
                "key": _STRING,
                "timeAdded": {"type": "string", "format": "date-time"},
                "value": _STRING,
            },
        },
    },
    "x-kubernetes-validations": [
        {
            "message": "exactly one of taint, noEffect=true, drain=true, non-empty customLabel, non-empty customAction, "
            "hold=true must be set",
            "check": _one_node_effect,
        }
    ],
}

DEPLOYMENT_SPEC: dict[str, Any] = {
    "type": "object",
    "required": ["dpus", "services"],
    "properties": {
        "dpus": {
            "type": "object",
            "required": ["dpuSetStrategy", "nodeEffect"],
            "properties": {
                "astraEnabled": _BOOLEAN,
                "bfb": {"type": "string", "minLength": 1},
                "blueFieldSoftware": {"type": "string", "minLength": 1},
                "dpuSetStrategy": {
                    "type": "object",
                    "required": ["type"],
                    "x-offline-default": True,
                    "properties": {
                        "rollingUpdate": {"type": "object", "properties": {"maxUnavailable": _INT_OR_STRING}},
                        "type": {"type": "string", "enum": ["OnDelete", "RollingUpdate"]},
                    },
                },
                "dpuSets": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 50,
                    "items": _DPU_SET,
                    "x-kubernetes-validations": [
                        {"message": "DPUSet.NameSuffix values must be unique", "check": _unique_name_suffixes}
                    ],
                },
                "flavor": {"type": "string", "minLength": 1},
                "flavorTemplate": {"type": "string", "minLength": 1},
                "nodeEffect": {**_NODE_EFFECT, "x-offline-default": True},
                "secureBoot": _BOOLEAN,
            },
            "x-kubernetes-validations": [
                # x-unreadable: model.py takes one of each pair for granted.
                {
                    "message": "exactly one of bfb or blueFieldSoftware must be specified",
                    "check": _exactly_one("bfb", "blueFieldSoftware"),
                    "x-unreadable": True,
                },
                {
                    "message": "exactly one of flavor or flavorTemplate must be set",
                    "check": _exactly_one("flavor", "flavorTemplate"),
                    "x-unreadable": True,
                },
            ],
        },
        "revisionHistoryLimit": {"type": "integer", "format": "int32", "minimum": 1, "default": 10},
        "serviceChains": {
            "type": "object",
            "required": ["switches", "upgradePolicy"],
            "properties": {
                "switches": _SWITCHES,
                "upgradePolicy": {
                    "type": "object",
                    "default": {},
                    "properties": {"applyNodeEffect": {"type": "boolean", "default": True}},
                },
            },
            # DPF v24.10 and v25.1 wrote the switches directly: `serviceChains: [{ports: [...]}]`.
            "x-old-shape": _SWITCHES,
        },
        "services": {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 50,
            "additionalProperties": {
                "type": "object",
                "required": ["serviceConfiguration", "serviceTemplate"],
                "properties": {
                    "dependsOn": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "object", "required": ["name"], "properties": {"name": _STRING}},
                    },
                    "serviceConfiguration": _STRING,
                    "serviceTemplate": _STRING,
                },
            },
            "x-kubernetes-validations": [
                {"message": "service names can't be bigger than 28 chars", "check": _service_key_lengths}
            ],
        },
    },
}

_HELM_CHART: dict[str, Any] = {
    "type": "object",
    "required": ["source"],
    "properties": {
        "source": {
            "type": "object",
            "required": ["repoURL", "version"],
            "properties": {
                "chart": _STRING,
                "path": _STRING,
                "releaseName": _STRING,
                "repoURL": {"type": "string", "pattern": "^(oci://|https://).+$"},
                "version": {"type": "string", "minLength": 1},
            },
        },
        "values": _FREE_FORM,
    },
}

TEMPLATE_SPEC: dict[str, Any] = {
    "type": "object",
    "required": ["deploymentServiceName", "helmChart"],
    "properties": {
        "deploymentServiceName": {"type": "string", "minLength": 1, "maxLength": 28},
        "helmChart": _HELM_CHART,
        "resourceRequirements": _RESOURCE_LIST,
        "security": {
            "type": "object",
            "properties": {"privileged": _BOOLEAN, "spiffe": {"type": "object"}},
        },
    },
}

_UPDATE_STRATEGY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rollingUpdate": {
            "type": "object",
            "properties": {"maxSurge": _INT_OR_STRING, "maxUnavailable": _INT_OR_STRING},
        },
        "type": _STRING,
    },
}

_DAEMON_SET: dict[str, Any] = {
    "type": "object",
    "properties": {
        "annotations": {**_STRING_MAP, "maxProperties": 50},
        "labels": {**_STRING_MAP, "maxProperties": 50},
        "resources": _RESOURCE_LIST,
        "updateStrategy": _UPDATE_STRATEGY,
    },
    "x-kubernetes-validations": [
        {
            "message": "labels should not contain dpu.nvidia.com/ and should not end with dpu.nvidia.com",
            "check": _daemon_set_label_keys,
        },
        {
            "message": "annotations should not contain dpu.nvidia.com/ and should not end with dpu.nvidia.com",
            "check": _daemon_set_annotation_keys,
        },
    ],
}

_CONFIG_PORTS: dict[str, Any] = {
    "type": "object",
    "required": ["ports", "serviceType"],
    "properties": {
        "ports": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "port", "protocol"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "pattern": "^[a-z0-9-]+$"},
                    "nodePort": _INTEGER,
                    "port": _INTEGER,
                    "protocol": {"type": "string", "enum": ["TCP", "UDP"]},
                },
            },
        },
        "serviceType": {"type": "string", "enum": ["NodePort", "ClusterIP", "None"], "default": "NodePort"},
    },
    "x-kubernetes-validations": [
        {
            "message": "nodePort can only be set when serviceType is NodePort",
            "check": _node_port_needs_node_port_type,
        }
    ],
}

CONFIGURATION_SPEC: dict[str, Any] = {
    "type": "object",
    "required": ["deploymentServiceName", "upgradePolicy"],
    "properties": {
        "deploymentServiceName": {"type": "string", "minLength": 1, "maxLength": 28},
        "interfaces": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["name", "network"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 15},
                    "network": _STRING,
                    "virtualNetwork": _STRING,
                },
            },
        },
        # Older DPF's wording of upgradePolicy.applyNodeEffect; model.read_configuration reads it as that.
        "nodeEffect": {"type": "boolean", "x-legacy": "spec.upgradePolicy.applyNodeEffect"},
        "serviceConfiguration": {
            "type": "object",
            "properties": {
                "configPorts": _CONFIG_PORTS,
                "deployInCluster": _BOOLEAN,
                "helmChart": {"type": "object", "properties": {"values": _FREE_FORM}},
                "serviceDaemonSet": _DAEMON_SET,
            },
            "x-kubernetes-validations": [
                {
                    "message": "configPorts cannot be set when deployInCluster is true",
                    "check": _no_config_ports_in_cluster,
                }
            ],
        },
        "upgradePolicy": {
            "type": "object",
            "default": {},
            "properties": {"applyNodeEffect": {"type": "boolean", "default": True}},
        },
    },
    "x-kubernetes-validations": [
        {
            "message": "interfaces are not supported when deploying in cluster",
            "check": _no_interfaces_in_cluster,
        }
    ],
    "x-dpf-render-checks": [_legacy_node_effect],
}

BFB_SPEC: dict[str, Any] = {
    "type": "object",
    # The CRD requires url; a BFB is checked only for what dpf-render reads from it, so only when set.
    "properties": {
        "fileName": {"type": "string", "pattern": r"^[A-Za-z0-9\_\-\.]+\.bfb$"},
        "url": {"type": "string", "pattern": "^(http|https)://.+$"},
        # Not in the stored CRD: the newest BFB types (api/provisioning/v1alpha1/bfb_types.go @08c5e89d).
        "versions": {
            "type": "object",
            "x-newer": True,
            "properties": {"atf": _STRING, "bsp": _STRING, "doca": _STRING, "uefi": _STRING},
            "x-kubernetes-validations": [
                {
                    "message": "all four version fields (bsp, doca, uefi, atf) must be provided when versions is set",
                    "check": _all_bfb_versions,
                }
            ],
        },
    },
}

# No CRD for BlueFieldSoftware is stored: only the types of what dpf-render reads from it.
BLUEFIELD_SOFTWARE_SPEC: dict[str, Any] = {
    "type": "object",
    "properties": {
        "fileName": _STRING,
        "url": _STRING,
        "versions": {"type": "object", "properties": {"doca": _STRING}},
    },
}

FLAVOR_SPEC: dict[str, Any] = {
    "type": "object",
    "properties": {"dpuResources": _RESOURCE_LIST, "systemReservedResources": _RESOURCE_LIST},
}

# A DPUFlavorTemplate holds a flavor spec under spec.template.spec, or else at spec (as model.Flavor reads it).
FLAVOR_TEMPLATE_SPEC: dict[str, Any] = {
    "type": "object",
    "properties": {
        **FLAVOR_SPEC["properties"],
        "template": {"type": "object", "properties": {"spec": FLAVOR_SPEC}},
    },
}


# apimachinery's ObjectMeta: only its field names are checked here (`_Walker.check_metadata` checks the name,
# namespace, labels and annotations; the rest is the API server's to fill in).
_OBJECT_META: dict[str, Any] = {
    "type": "object",
    "properties": {
        key: {}
        for key in (
            "annotations",
            "creationTimestamp",
            "deletionGracePeriodSeconds",
            "deletionTimestamp",
            "finalizers",
            "generateName",
            "generation",
            "labels",
            "managedFields",
            "name",
            "namespace",
            "ownerReferences",
            "resourceVersion",
            "selfLink",
            "uid",
        )
    },
}


def _root(
    spec: dict[str, Any], *, spec_required: bool, rules: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "type": "object",
        "properties": {
            "apiVersion": _STRING,
            "kind": _STRING,
            "metadata": _OBJECT_META,
            "spec": spec,
            "status": _STATUS,
        },
    }
    if spec_required:
        node["required"] = ["spec"]  # not in the CRDs, but nothing can be expanded without one
    if rules:
        node["x-kubernetes-validations"] = rules
    return node


SCHEMAS: dict[str, dict[str, Any]] = {
    model.DEPLOYMENT: _root(
        DEPLOYMENT_SPEC,
        spec_required=True,
        rules=[{"message": "name length can't be bigger than 20 chars", "check": _name_at_most(20)}],
    ),
    model.TEMPLATE: _root(TEMPLATE_SPEC, spec_required=True),
    model.CONFIGURATION: _root(CONFIGURATION_SPEC, spec_required=True),
    model.BFB: _root(
        BFB_SPEC,
        spec_required=False,
        rules=[{"message": "name length can't be bigger than 187 chars", "check": _name_at_most(187)}],
    ),
    model.BLUEFIELD_SOFTWARE: _root(BLUEFIELD_SOFTWARE_SPEC, spec_required=False),
    model.FLAVOR: _root(FLAVOR_SPEC, spec_required=False),
    model.FLAVOR_TEMPLATE: _root(FLAVOR_TEMPLATE_SPEC, spec_required=False),
}

SCHEMAS[lock.KIND] = _root(lock.SCHEMA_SPEC, spec_required=True)

# Kinds dpf-render consumes (and its own revision lock): they never reach an API server, so an unknown field in
# them is an error here. Not the BFB and DPUFlavor kinds: dpf-render passes them on to the cluster, whose API
# server checks them against its own CRDs, which may be newer than the ones these schemas come from (newer
# flavors carry scalableFunctions, packages and systemdServices, which the stored DPUFlavor CRD lacks).
STRICT_KINDS = frozenset({model.DEPLOYMENT, model.TEMPLATE, model.CONFIGURATION, lock.KIND})

# --------------------------------------------------------------------------------------------------------
# Object names (apimachinery's validation messages)

MAX_SUBDOMAIN = 253
SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


def name_problems(name: str, *, label: bool) -> list[str]:
    """apimachinery's IsDNS1123Subdomain (object names) or IsDNS1123Label (namespaces) messages."""
    limit, message = (naming.MAX_NAME_LENGTH, LABEL_MESSAGE) if label else (MAX_SUBDOMAIN, SUBDOMAIN_MESSAGE)
    out: list[str] = []
    if len(name) > limit:
        out.append(f"must be no more than {limit} characters")
    # The messages' regular expressions, checked label by label (a subdomain is labels joined by dots).
    if not all(naming.is_dns1123_label(part) for part in ([name] if label else name.split("."))):
        out.append(message)
    return out


# --------------------------------------------------------------------------------------------------------
# The walker

_TYPE_WORDS = {
    "object": "a map",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "boolean": "a boolean",
}
_PYTHON_TYPES: dict[str, type] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
}
_DATE_TIME = r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
_PATTERNS: dict[str, re.Pattern[str]] = {}


def check_input(obj: dict[str, Any], ref: ResourceRef) -> tuple[list[Result], bool]:
    """(every problem of one DPF input object, whether model.py can still read it).

    `obj` is one index.index_inputs keyed: a map of an input kind, whose metadata is a map with a name and,
    unless `ref` has the default namespace, a namespace, both strings.
    """
    kind = ref.kind
    walker = _Walker(ref, strict=kind in STRICT_KINDS)
    walker.check_metadata(obj)
    walker.check(_compile(SCHEMAS[kind]), obj, "")
    return walker.results, walker.readable


def _child(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _json_type(value: Any) -> str:
    """The JSON type name the API server gives a value in its messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "value"


def _type_word(node: dict[str, Any]) -> str:
    if node.get("x-kubernetes-int-or-string"):
        return "an integer or a string"
    return _TYPE_WORDS.get(node.get("type", ""), "a value")


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _suggest(key: str, known: dict[str, Any]) -> str:
    """The closest known field (case aside, then by similarity), else the known fields when they are few."""
    by_lower = {k.lower(): k for k in sorted(known)}
    lower = key.lower()
    match = by_lower.get(lower)
    if match is None and len(lower) >= 3:  # a part of the name: `mtu` for serviceMTU
        containing = sorted((k for k in by_lower if lower in k), key=len)
        match = by_lower[containing[0]] if containing else None
    if match is None and by_lower:
        import difflib  # only for a message: the function's start-up stays free of it

        close = difflib.get_close_matches(lower, list(by_lower), n=1, cutoff=0.6)
        match = by_lower[close[0]] if close else None
    if match is not None:
        return f'did you mean "{match}"?'
    if not known:
        return "this map takes no fields"
    if len(known) > 12:
        return "see DPF's CRD for the fields here"
    return f"known fields here: {', '.join(sorted(known))}"


def _go_pattern(source: str) -> re.Pattern[str]:
    """A CRD pattern (Go RE2) in Python: `$` is the end of the text, never before a final newline."""
    compiled = _PATTERNS.get(source)
    if compiled is None:
        python = source[:-1] + r"\Z" if source.endswith("$") and not source.endswith(r"\$") else source
        compiled = _PATTERNS[source] = re.compile(python)
    return compiled


class _Node:
    """A schema node read once: its constraints as attributes, its fields compiled, what it checks at all.

    The walker visits every field of every input and child, so it reads these instead of looking each
    constraint up in the node's dict at every value (a fleet of 10,000 DPUDeployments has millions).
    """

    __slots__ = (
        "additional",
        "checks",
        "enum",
        "exact",
        "expanded",
        "format",
        "int_or_string",
        "items",
        "legacy",
        "max_items",
        "max_length",
        "max_props",
        "maximum",
        "min_items",
        "min_length",
        "min_props",
        "minimum",
        "object",
        "old_shape",
        "pattern",
        "plain_map",
        "preserve",
        "properties",
        "pytype",
        "raw",
        "required",
        "rules",
        "set",
        "trivial",
    )

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.int_or_string = bool(raw.get("x-kubernetes-int-or-string"))
        self.pytype = _PYTHON_TYPES.get(raw.get("type", ""))
        self.object = raw.get("type") == "object"
        self.preserve = bool(raw.get("x-kubernetes-preserve-unknown-fields"))
        self.min_length, self.max_length = raw.get("minLength"), raw.get("maxLength")
        self.enum, self.pattern, self.format = raw.get("enum"), raw.get("pattern"), raw.get("format")
        self.minimum, self.maximum = raw.get("minimum"), raw.get("maximum")
        self.min_items, self.max_items = raw.get("minItems"), raw.get("maxItems")
        self.min_props, self.max_props = raw.get("minProperties"), raw.get("maxProperties")
        self.set = raw.get("x-kubernetes-list-type") == "set"
        self.rules: list[dict[str, Any]] = raw.get("x-kubernetes-validations") or []
        self.checks: list[Any] = raw.get("x-dpf-render-checks") or []
        self.legacy: str | None = raw.get("x-legacy")
        old_shape = raw.get("x-old-shape")
        self.old_shape = _compile(old_shape) if old_shape else None
        properties: dict[str, Any] = raw.get("properties", {})
        # The fields are compiled when first visited (`expand`): a short run visits a fraction of the schemas.
        self.expanded = False
        self.properties: dict[str, _Node] = {}
        self.additional: _Node | None = None
        self.items: _Node | None = None
        # Fields whose absence is an error: not those the API server defaults, nor those model.py defaults.
        self.required = tuple(
            key
            for key in raw.get("required", ())
            if "default" not in properties.get(key, {})
            and not properties.get(key, {}).get("x-offline-default")
        )
        # The one Python type a value of this node has, when there is one (YAML gives exact types): a value of
        # exactly that type needs no further type test.
        self.exact = None if self.int_or_string else self.pytype
        # A map with nothing to check but its fields: the walker goes straight to them.
        self.plain_map = self.pytype is dict and not (
            self.old_shape or self.rules or self.checks or self.legacy
        )
        # Only a type to check (or nothing at all): the walker checks it inline, without a call.
        self.trivial = self.pytype in (str, bool, int, None) and not (
            self.int_or_string
            or "properties" in raw
            or "items" in raw
            or "additionalProperties" in raw
            or self.old_shape
            or self.legacy
            or self.rules
            or self.checks
            or any(
                v is not None
                for v in (
                    self.min_length,
                    self.max_length,
                    self.enum,
                    self.pattern,
                    self.format,
                    self.minimum,
                    self.maximum,
                )
            )
        )

    def expand(self) -> None:
        """Compile the node's fields, list items and map values."""
        raw = self.raw
        self.properties = {key: _compile(spec) for key, spec in raw.get("properties", {}).items()}
        additional, items = raw.get("additionalProperties"), raw.get("items")
        self.additional = _compile(additional) if isinstance(additional, dict) else None
        self.items = _compile(items) if isinstance(items, dict) else None
        self.expanded = True


_COMPILED: dict[int, _Node] = {}


def _compile(raw: dict[str, Any]) -> _Node:
    node = _COMPILED.get(id(raw))
    if node is None or node.raw is not raw:
        node = _COMPILED[id(raw)] = _Node(raw)
    return node


def _type_ok(node: _Node, value: Any) -> bool:
    if node.int_or_string:
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    expected = node.pytype
    return expected is None or (
        isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    )


class _Walker:
    __slots__ = ("api", "readable", "ref", "results", "strict")

    def __init__(self, ref: ResourceRef, *, strict: bool, api: bool = False) -> None:
        self.ref = ref
        self.strict = strict
        # api: word the messages as the API server does for an object dpf-render wrote (the field is given
        # apart), not with the advice a user needs for an input they wrote.
        self.api = api
        self.results: list[Result] = []
        # False once a value has the wrong type, a required field is missing, or a rule that model.py relies on
        # fails: model.py could not read the object then. Other errors (an unknown field, a length, a pattern)
        # leave it readable, so the checks that follow can still run on it.
        self.readable = True

    def error(self, field: str, message: str, *, unreadable: bool = False) -> None:
        self.results.append(R.error(message, self.ref, field, condition=R.INPUT))
        if unreadable:
            self.readable = False

    def warn(self, field: str, message: str) -> None:
        self.results.append(R.warning(message, self.ref, field, condition=R.INPUT))

    def check_metadata(self, obj: dict[Any, Any]) -> None:
        """The name and namespace of an object index.index_inputs keyed (see check_input), then its labels and
        annotations."""
        meta = obj["metadata"]
        name = meta["name"]
        for problem in name_problems(name, label=False):
            self.error("metadata.name", f"Invalid value: {quote(name)}: {problem}")
        namespace = meta.get("namespace")
        default = ""
        if not namespace:
            namespace = self.ref.namespace  # the configured default, which the object will be applied with
            default = " (the default namespace)"
        for problem in name_problems(namespace, label=True):
            self.error("metadata.namespace", f"Invalid value: {quote(namespace)}{default}: {problem}")
        for key in ("labels", "annotations"):
            self.check(_compile(_STRING_MAP), meta.get(key), f"metadata.{key}")

    def check(self, node: _Node, value: Any, path: str) -> None:
        """Check `value` (None: absent) at `path` against `node`; the caller has checked presence."""
        if value is None:
            return
        if node.old_shape is not None and isinstance(value, list):
            self.check(node.old_shape, value, path)
            return
        if type(value) is not node.exact and not _type_ok(node, value):
            self.type_error(node, value, path)
            return
        if node.trivial:
            return
        if isinstance(value, str):
            self.check_string(node, value, path)
        elif isinstance(value, dict):
            self.check_map(node, value, path)
        elif isinstance(value, list):
            self.check_array(node, value, path)
        elif isinstance(value, int) and not isinstance(value, bool):
            self.check_integer(node, value, path)
        for rule in node.rules:
            for field in rule["check"](value, path):
                message = rule["message"]
                if not isinstance(message, str):  # a CRD messageExpression, computed from the value
                    message = message(value)
                if (
                    self.api
                ):  # how kube-apiserver reports a failed CEL rule: the value's type, then the message
                    message = f"Invalid value: {quote(_json_type(value))}: {message}"
                self.error(field, message, unreadable=rule.get("x-unreadable", False))
        for own in node.checks:
            for severity, field, message in own(value, path):
                self.results.append(R.Result(severity, message, self.ref, field, condition=R.INPUT))

    def type_error(self, node: _Node, value: Any, path: str) -> None:
        raw = node.raw
        if self.api:
            wanted = "integer or string" if node.int_or_string else raw.get("type", "")
            message = f"Invalid value: {quote(_json_type(value))}: must be of type {wanted}"
            self.error(path, message, unreadable=True)
            return
        where = path or "the object"
        wanted = _type_word(raw)
        if node.old_shape is not None:
            wanted += " (or, in the old shape, a list)"
        hint = f' (quote it: "{value}")' if isinstance(value, float) and node.int_or_string else ""
        self.error(path, f"{where} must be {wanted}, not {model.type_name(value)}{hint}", unreadable=True)

    def check_string(self, node: _Node, value: str, path: str) -> None:
        low, high = node.min_length, node.max_length
        if low is not None and len(value) < low:
            self.error(
                path, f"Invalid value: {quote(value)}: should be at least {_plural(low, 'character')} long"
            )
        if high is not None and len(value) > high:
            self.error(
                path,
                f"Too long: {quote(value)}: may not be longer than {high} characters (it has {len(value)})",
            )
        enum = node.enum
        if enum is not None and value not in enum:
            choices = ", ".join(quote(e) for e in enum)
            self.error(path, f"Unsupported value: {quote(value)}: supported values: {choices}")
        pattern = node.pattern
        if pattern is not None and not _go_pattern(pattern).match(value):
            self.error(path, f"Invalid value: {quote(value)}: should match '{pattern}'")
        if node.format == "date-time" and not re.match(_DATE_TIME, value):
            self.error(path, f"Invalid value: {quote(value)}: should be an RFC 3339 date-time")

    def check_integer(self, node: _Node, value: int, path: str) -> None:
        low, high = node.minimum, node.maximum
        if low is not None and value < low:
            self.error(path, f"Invalid value: {value}: should be greater than or equal to {low}")
        if high is not None and value > high:
            self.error(path, f"Invalid value: {value}: should be less than or equal to {high}")

    def check_array(self, node: _Node, value: list[Any], path: str) -> None:
        low, high = node.min_items, node.max_items
        if low is not None and len(value) < low:
            self.error(path, f"Too few: {len(value)}: must have at least {_plural(low, 'item')}")
        if high is not None and len(value) > high:
            self.error(path, f"Too many: {len(value)}: must have at most {_plural(high, 'item')}")
        if not node.expanded:
            node.expand()
        items = node.items
        seen: list[Any] = []
        for i, item in enumerate(value):
            if item is None:
                if items is not None:
                    self.type_error(items, None, f"{path}[{i}]")
                continue
            if items is not None:
                if items.trivial:
                    if type(item) is not items.exact and not _type_ok(items, item):
                        self.type_error(items, item, f"{path}[{i}]")
                elif items.plain_map and type(item) is dict:
                    self.check_map(items, item, f"{path}[{i}]")
                else:
                    self.check(items, item, f"{path}[{i}]")
            if node.set:
                if item in seen:
                    self.error(f"{path}[{i}]", f"Duplicate value: {quote(item)}")
                seen.append(item)

    def check_map(self, node: _Node, value: dict[Any, Any], path: str) -> None:
        low, high = node.min_props, node.max_props
        if low is not None and len(value) < low:
            self.error(path, f"Too few: {len(value)}: must have at least {_plural(low, 'entry')}")
        if high is not None and len(value) > high:
            self.error(path, f"Too many: {len(value)}: must have at most {_plural(high, 'entry')}")
        if node.preserve:
            return  # free-form (helm values): anything goes
        if not node.expanded:
            node.expand()
        properties = node.properties
        for key in node.required:
            if value.get(key) is None:
                message = "Required value" if self.api else f"{_child(path, key)} is required"
                self.error(_child(path, key), message, unreadable=True)
        values = node.additional
        strict = self.strict and node.object
        for key, item in value.items():
            spec = properties.get(key) if isinstance(key, str) else None
            if spec is not None:
                if item is None:
                    continue
                if spec.trivial:
                    if type(item) is not spec.exact and not _type_ok(spec, item):
                        self.type_error(spec, item, _child(path, key))
                    continue
                here = f"{path}.{key}" if path else key
                if spec.plain_map and type(item) is dict:
                    self.check_map(spec, item, here)
                    continue
                if spec.legacy:
                    self.warn(
                        here,
                        f"{here} is the older wording of {spec.legacy}, which DPF's newest {self.ref.kind} has "
                        f"instead; it is read as {spec.legacy.removeprefix('spec.')} where that is not set "
                        "(rename it)",
                    )
                self.check(spec, item, here)
                continue
            here = _child(path, key)
            if not isinstance(key, str):
                self.error(
                    here,
                    f"{path or 'the object'} keys must be strings, not {model.type_name(key)}"
                    + ("" if key is None else f" ({quote(key)})"),
                    unreadable=True,
                )
            elif values is not None:
                if item is None:
                    self.type_error(values, None, here)
                elif values.trivial:
                    if type(item) is not values.exact and not _type_ok(values, item):
                        self.type_error(values, item, here)
                else:
                    self.check(values, item, here)
            elif strict:
                hint = "" if self.api else f" ({_suggest(key, node.raw.get('properties', {}))})"
                self.error(here, f'unknown field "{here}"{hint}')
