"""The input rules of DPF's CRDs (SPEC §1.3): what the API server would refuse, checked offline as results.

The schemas below cover every field dpf-render reads, copied from DPF's newest CRDs (shared/crds) as data in
the CRDs' own OpenAPI vocabulary (`type`, `properties`, `required`, `maxLength`, `pattern`, ...), with each
CEL rule (`x-kubernetes-validations`) written as a small function next to DPF's own message. One walker
checks an object against them: types, required fields, lengths, counts, ranges, patterns, enums, list sets,
CEL rules, object names, and, in the kinds dpf-render expands, unknown fields (a warning: the API server
would prune or reject them). Older shapes that SPEC §1.2 accepts are marked `x-old-shape` and `x-legacy`;
fields the newest CRD requires but for which SPEC §1.2 applies a default (with a warning, in model.py) are
marked `x-offline-default`. Everything is reported; nothing is raised, whatever the input's shape.
"""

from __future__ import annotations

import re

from .. import lock, model
from .. import results as R

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
# ('.' matching any character), not only the key itself.
_CUSTOM_FLOWS = re.compile(r"svc.dpu.nvidia.com/custom-flows")


def _daemon_set_label_keys(value: dict[Any, Any], path: str) -> list[str]:
    labels = value.get("labels")
    if not isinstance(labels, dict):
        return []
    return [
        f"{path}.labels.{key}"
        for key in labels
        if isinstance(key, str) and _reserved_key(key) and not _CUSTOM_FLOWS.search(key)
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

_LABEL_SELECTOR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "matchExpressions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "operator"],
                "properties": {
                    "key": _STRING,
                    "operator": _STRING,
                    "values": {"type": "array", "items": _STRING},
                },
            },
        },
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
        "serviceInterface": {
            "type": "object",
            "required": ["matchLabels"],
            "properties": {
                "ipam": _IPAM,
                "matchLabels": {**_STRING_MAP, "minProperties": 1, "maxProperties": 50},
            },
        },
    },
    "x-kubernetes-validations": [
        {"message": "either service or serviceInterface must be specified", "check": _port_kind}
    ],
}

_SWITCH: dict[str, Any] = {
    "type": "object",
    "required": ["ports"],
    "properties": {
        "ports": {"type": "array", "minItems": 1, "maxItems": 50, "items": _PORT},
        "serviceMTU": {"type": "integer", "minimum": 1280, "maximum": 9216, "default": 1500},
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
                {
                    "message": "exactly one of bfb or blueFieldSoftware must be specified",
                    "check": _exactly_one("bfb", "blueFieldSoftware"),
                },
                {
                    "message": "exactly one of flavor or flavorTemplate must be set",
                    "check": _exactly_one("flavor", "flavorTemplate"),
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
            # DPF v24.10 and v25.1 wrote the switches directly: `serviceChains: [{ports: [...]}]` (SPEC §1.2).
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

TEMPLATE_SPEC: dict[str, Any] = {
    "type": "object",
    "required": ["deploymentServiceName", "helmChart"],
    "properties": {
        "deploymentServiceName": {"type": "string", "minLength": 1, "maxLength": 28},
        "helmChart": {
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
        },
        "resourceRequirements": _RESOURCE_LIST,
        "security": {
            "type": "object",
            "properties": {"privileged": _BOOLEAN, "spiffe": {"type": "object"}},
        },
    },
}

_DAEMON_SET: dict[str, Any] = {
    "type": "object",
    "properties": {
        "annotations": {**_STRING_MAP, "maxProperties": 50},
        "labels": {**_STRING_MAP, "maxProperties": 50},
        "resources": _RESOURCE_LIST,
        "updateStrategy": {
            "type": "object",
            "properties": {
                "rollingUpdate": {
                    "type": "object",
                    "properties": {"maxSurge": _INT_OR_STRING, "maxUnavailable": _INT_OR_STRING},
                },
                "type": _STRING,
            },
        },
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
        # Older DPF's wording of upgradePolicy.applyNodeEffect (SPEC §1.2).
        "nodeEffect": {"type": "boolean", "x-legacy": True},
        "serviceConfiguration": {
            "type": "object",
            "properties": {
                "configPorts": {
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
                        "serviceType": {
                            "type": "string",
                            "enum": ["NodePort", "ClusterIP", "None"],
                            "default": "NodePort",
                        },
                    },
                    "x-kubernetes-validations": [
                        {
                            "message": "nodePort can only be set when serviceType is NodePort",
                            "check": _node_port_needs_node_port_type,
                        }
                    ],
                },
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


def _root(
    spec: dict[str, Any], *, spec_required: bool, rules: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "type": "object",
        "properties": {
            "apiVersion": _STRING,
            "kind": _STRING,
            "metadata": {},
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

# Kinds dpf-render expands: unknown fields in them are reported. Not DPUFlavor: newer flavors carry fields
# (scalableFunctions, packages, systemdServices) that the stored CRD lacks.
SCHEMAS[lock.KIND] = _root(lock.SCHEMA_SPEC, spec_required=True)

STRICT_KINDS = frozenset({model.DEPLOYMENT, model.TEMPLATE, model.CONFIGURATION, lock.KIND})

# --------------------------------------------------------------------------------------------------------
# Object names (apimachinery's validation messages)

MAX_SUBDOMAIN = 253
MAX_LABEL = 63
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
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
    limit, pattern, message = (
        (MAX_LABEL, _LABEL, LABEL_MESSAGE) if label else (MAX_SUBDOMAIN, _SUBDOMAIN, SUBDOMAIN_MESSAGE)
    )
    out: list[str] = []
    if len(name) > limit:
        out.append(f"must be no more than {limit} characters")
    if not pattern.match(name):
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
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")
_PATTERNS: dict[str, re.Pattern[str]] = {}


def check_object(obj: Any, ref: ResourceRef) -> list[Result]:
    """Every CRD input rule one DPF input object breaks (SPEC §1.3): errors, and unknown fields as warnings."""
    kind = ref.kind
    schema = SCHEMAS.get(kind)
    if schema is None or not isinstance(obj, dict):
        return []
    walker = _Walker(ref, strict=kind in STRICT_KINDS)
    walker.check_metadata(obj)
    walker.check(schema, obj, "")
    return walker.results


def _child(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _quote(value: Any) -> str:
    import json  # messages only: importing json costs ~1 ms of the KRM function's start-up (issue 6)

    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _type_word(node: dict[str, Any]) -> str:
    if node.get("x-kubernetes-int-or-string"):
        return "an integer or a string"
    return _TYPE_WORDS.get(node.get("type", ""), "a value")


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def _go_pattern(source: str) -> re.Pattern[str]:
    """A CRD pattern (Go RE2) in Python: `$` is the end of the text, never before a final newline."""
    compiled = _PATTERNS.get(source)
    if compiled is None:
        python = source[:-1] + r"\Z" if source.endswith("$") and not source.endswith(r"\$") else source
        compiled = _PATTERNS[source] = re.compile(python)
    return compiled


class _Walker:
    __slots__ = ("ref", "results", "strict")

    def __init__(self, ref: ResourceRef, *, strict: bool) -> None:
        self.ref = ref
        self.strict = strict
        self.results: list[Result] = []

    def error(self, field: str, message: str) -> None:
        self.results.append(R.error(message, self.ref, field, condition=R.INPUT))

    def warn(self, field: str, message: str) -> None:
        self.results.append(R.warning(message, self.ref, field, condition=R.INPUT))

    def check_metadata(self, obj: dict[Any, Any]) -> None:
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            return
        name = meta.get("name")
        if isinstance(name, str) and name:
            for problem in name_problems(name, label=False):
                self.error("metadata.name", f"Invalid value: {_quote(name)}: {problem}")
        namespace = meta.get("namespace")
        default = ""
        if namespace is None or namespace == "":
            namespace = self.ref.namespace  # the configured default, which the object will be applied with
            default = " (the default namespace)"
        if not isinstance(namespace, str):
            self.error(
                "metadata.namespace", f"metadata.namespace must be a string, not {model.type_name(namespace)}"
            )
        elif namespace:
            for problem in name_problems(namespace, label=True):
                self.error("metadata.namespace", f"Invalid value: {_quote(namespace)}{default}: {problem}")
        for key in ("labels", "annotations"):
            self.check(_STRING_MAP, meta.get(key), f"metadata.{key}")

    def check(self, node: dict[str, Any], value: Any, path: str) -> None:
        """Check `value` (None: absent) at `path` against `node`; the caller has checked presence."""
        if value is None or not node:
            return
        if node is _STRING:  # most fields: nothing to check beyond the type
            if not isinstance(value, str):
                self.type_error(node, value, path)
            return
        if isinstance(value, list) and "x-old-shape" in node:
            self.check(node["x-old-shape"], value, path)
            return
        if not self.check_type(node, value, path):
            return
        if isinstance(value, str):
            self.check_string(node, value, path)
        elif isinstance(value, dict):
            self.check_map(node, value, path)
        elif isinstance(value, list):
            self.check_array(node, value, path)
        elif isinstance(value, int) and not isinstance(value, bool):
            self.check_integer(node, value, path)
        rules = node.get("x-kubernetes-validations")
        if rules:
            for rule in rules:
                for field in rule["check"](value, path):
                    self.error(field, rule["message"])

    def check_type(self, node: dict[str, Any], value: Any, path: str) -> bool:
        if node.get("x-kubernetes-int-or-string"):
            ok = isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
        else:
            expected = _PYTHON_TYPES.get(node.get("type", ""))
            ok = expected is None or (
                isinstance(value, expected) and not (expected is int and isinstance(value, bool))
            )
        if not ok:
            self.type_error(node, value, path)
        return ok

    def type_error(self, node: dict[str, Any], value: Any, path: str) -> None:
        where = path or "the object"
        wanted = _type_word(node)
        if "x-old-shape" in node:
            wanted += " (or, in the old shape, a list)"
        hint = (
            f' (quote it: "{value}")'
            if isinstance(value, float) and node.get("x-kubernetes-int-or-string")
            else ""
        )
        self.error(path, f"{where} must be {wanted}, not {model.type_name(value)}{hint}")

    def check_string(self, node: dict[str, Any], value: str, path: str) -> None:
        low, high = node.get("minLength"), node.get("maxLength")
        if low is not None and len(value) < low:
            self.error(
                path, f"Invalid value: {_quote(value)}: should be at least {_plural(low, 'character')} long"
            )
        if high is not None and len(value) > high:
            self.error(
                path,
                f"Too long: {_quote(value)}: may not be longer than {high} characters (it has {len(value)})",
            )
        enum = node.get("enum")
        if enum is not None and value not in enum:
            choices = ", ".join(_quote(e) for e in enum)
            self.error(path, f"Unsupported value: {_quote(value)}: supported values: {choices}")
        pattern = node.get("pattern")
        if pattern is not None and not _go_pattern(pattern).match(value):
            self.error(path, f"Invalid value: {_quote(value)}: should match '{pattern}'")
        if node.get("format") == "date-time" and not _DATE_TIME.match(value):
            self.error(path, f"Invalid value: {_quote(value)}: should be an RFC 3339 date-time")

    def check_integer(self, node: dict[str, Any], value: int, path: str) -> None:
        low, high = node.get("minimum"), node.get("maximum")
        if low is not None and value < low:
            self.error(path, f"Invalid value: {value}: should be greater than or equal to {low}")
        if high is not None and value > high:
            self.error(path, f"Invalid value: {value}: should be less than or equal to {high}")

    def check_array(self, node: dict[str, Any], value: list[Any], path: str) -> None:
        low, high = node.get("minItems"), node.get("maxItems")
        if low is not None and len(value) < low:
            self.error(path, f"Too few: {len(value)}: must have at least {_plural(low, 'item')}")
        if high is not None and len(value) > high:
            self.error(path, f"Too many: {len(value)}: must have at most {_plural(high, 'item')}")
        items = node.get("items")
        seen: list[Any] = []
        for i, item in enumerate(value):
            here = f"{path}[{i}]"
            if item is None:
                if items:
                    self.error(here, f"{here} must be {_type_word(items)}, not null")
                continue
            if items:
                self.check(items, item, here)
            if node.get("x-kubernetes-list-type") == "set":
                if item in seen:
                    self.error(here, f"Duplicate value: {_quote(item)}")
                seen.append(item)

    def check_map(self, node: dict[str, Any], value: dict[Any, Any], path: str) -> None:
        low, high = node.get("minProperties"), node.get("maxProperties")
        if low is not None and len(value) < low:
            self.error(path, f"Too few: {len(value)}: must have at least {_plural(low, 'entry')}")
        if high is not None and len(value) > high:
            self.error(path, f"Too many: {len(value)}: must have at most {_plural(high, 'entry')}")
        if node.get("x-kubernetes-preserve-unknown-fields"):
            return  # free-form (helm values): anything goes
        properties: dict[str, Any] = node.get("properties", {})
        for key in node.get("required", ()):
            spec = properties.get(key, {})
            if value.get(key) is None and "default" not in spec and not spec.get("x-offline-default"):
                self.error(_child(path, key), f"{_child(path, key)} is required")
        values = node.get("additionalProperties")
        warn_unknown = self.strict and node.get("type") == "object"
        for key, item in value.items():
            here = _child(path, key)
            if not isinstance(key, str):
                self.error(
                    here, f"{path or 'the object'} keys must be strings, not {model.type_name(key)} ({key!r})"
                )
            elif key in properties:
                self.check(properties[key], item, here)
            elif values is not None:
                if item is None:
                    self.error(here, f"{here} must be {_type_word(values)}, not null")
                else:
                    self.check(values, item, here)
            elif warn_unknown:
                self.warn(
                    here,
                    f'unknown field "{here}" (DPF\'s CRD has no such field; the API server would drop or reject it)',
                )
