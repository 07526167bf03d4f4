"""Typed, read-only views of the five input kinds, built from raw objects, with DPF's older shapes normalised.

The readers take objects that `validate/schema.py` has already accepted: every type, required field and CEL
rule of the CRDs is checked there, once, so these only read and normalise. Normalising DPF's older shapes
(docs/checks.md, "Older shapes and defaults": the old `serviceChains` list, deprecated selectors, missing nodeEffect or dpuSetStrategy) lives here, so
nothing downstream sees more than one shape; `read_deployment` warns which default replaced a missing field.
"""

from __future__ import annotations

from . import lock
from . import results as R
from .results import ResourceRef, Result

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

SVC_V1 = "svc.dpu.nvidia.com/v1alpha1"
PROVISIONING_V1 = "provisioning.dpu.nvidia.com/v1alpha1"

DEPLOYMENT = "DPUDeployment"
TEMPLATE = "DPUServiceTemplate"
CONFIGURATION = "DPUServiceConfiguration"
BFB = "BFB"
BLUEFIELD_SOFTWARE = "BlueFieldSoftware"
FLAVOR = "DPUFlavor"
FLAVOR_TEMPLATE = "DPUFlavorTemplate"


INPUT_KINDS = {
    (lock.API_VERSION, lock.KIND),
    (SVC_V1, DEPLOYMENT),
    (SVC_V1, TEMPLATE),
    (SVC_V1, CONFIGURATION),
    (PROVISIONING_V1, BFB),
    (PROVISIONING_V1, BLUEFIELD_SOFTWARE),
    (PROVISIONING_V1, FLAVOR),
    (PROVISIONING_V1, FLAVOR_TEMPLATE),
}

DOCA_VERSION_KEY = "dpu.nvidia.com/doca-version"
DELIMITER_ANNOTATION = "svc.dpu.nvidia.com/template-delimiter"
SKIP_CHAIN_REQUESTOR_ANNOTATION = "svc.dpu.nvidia.com/dpudeployment-skip-chain-requestor"
NODE_EFFECT_ACTIONS = ("taint", "noEffect", "customLabel", "drain", "customAction", "hold")
DEFAULT_NODE_EFFECT: dict[str, Any] = {"drain": True}
DEFAULT_DPUSET_STRATEGY: dict[str, Any] = {"type": "RollingUpdate"}
DEFAULT_SERVICE_MTU = 1500

_TYPE_NAMES = {
    dict: "a map",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
}


def quote(value: Any) -> str:
    """A value as the API server quotes it in a message: JSON (`"text"`, `12345`, `true`, `null`)."""
    import json  # messages only: importing json costs ~1 ms of the KRM function's start-up

    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def type_name(value: object) -> str:
    """The YAML word for a value's type, as a user wrote it (never a Python class name such as NoneType)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    for t, name in _TYPE_NAMES.items():
        if isinstance(value, t):
            return name
    return "a value of another type"


class Source:
    """Where an object came from: its reference (with file and index) and the raw object."""

    __slots__ = ("obj", "ref")

    def __init__(self, obj: Mapping[str, Any], ref: ResourceRef) -> None:
        self.obj = obj
        self.ref = ref

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def namespace(self) -> str:
        return self.ref.namespace


def _map(container: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A map field, or {} when it is absent (schema.py has refused any other type)."""
    value = container.get(key)
    return value if isinstance(value, dict) else {}


def _warning(source: Source, field: str, message: str) -> Result:
    return R.warning(message, source.ref, field)


# --------------------------------------------------------------------------------------------------------
# DPUDeployment


class DPUSetSpec:
    __slots__ = (
        "annotations",
        "cluster_selector",
        "device_selector",
        "index",
        "name_suffix",
        "node_selector",
    )

    def __init__(
        self,
        index: int,
        name_suffix: str,
        node_selector: dict[str, Any] | None,
        device_selector: dict[str, Any] | None,
        cluster_selector: dict[str, str] | None,
        annotations: dict[str, str] | None,
    ) -> None:
        self.index = index
        self.name_suffix = name_suffix
        self.node_selector = node_selector
        self.device_selector = device_selector
        self.cluster_selector = cluster_selector
        self.annotations = annotations


class ServiceSpec:
    __slots__ = ("configuration", "depends_on", "name", "template")

    def __init__(self, name: str, template: str, configuration: str, depends_on: tuple[str, ...]) -> None:
        self.name = name
        self.template = template
        self.configuration = configuration
        self.depends_on = depends_on


class Deployment:
    """A DPUDeployment in the newest shape."""

    __slots__ = (
        "astra_enabled",
        "bfb",
        "bfb_kind",
        "chain_apply_node_effect",
        "dpu_set_strategy",
        "dpu_sets",
        "flavor",
        "flavor_kind",
        "node_effect",
        "secure_boot",
        "services",
        "skip_chain_requestor",
        "source",
        "switches",
        "switches_field",
    )

    def __init__(self, source: Source) -> None:
        self.source = source
        self.bfb = ""
        self.bfb_kind = BFB
        self.flavor = ""
        self.flavor_kind = FLAVOR
        self.secure_boot: bool | None = None
        self.astra_enabled: bool | None = None
        self.node_effect: dict[str, Any] = dict(DEFAULT_NODE_EFFECT)
        self.dpu_set_strategy: dict[str, Any] = dict(DEFAULT_DPUSET_STRATEGY)
        self.dpu_sets: list[DPUSetSpec] = []
        self.services: dict[str, ServiceSpec] = {}
        self.switches: list[dict[str, Any]] | None = None
        self.switches_field = "spec.serviceChains.switches"  # where the switches are, for messages
        self.chain_apply_node_effect = True
        self.skip_chain_requestor = False

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def namespace(self) -> str:
        return self.source.namespace


def read_deployment(source: Source) -> tuple[Deployment, list[Result]]:
    d = Deployment(source)
    warnings: list[Result] = []
    spec = _map(source.obj, "spec")
    d.skip_chain_requestor = SKIP_CHAIN_REQUESTOR_ANNOTATION in _annotations(source.obj)
    _read_dpus(d, _map(spec, "dpus"), warnings)
    for key, value in _map(spec, "services").items():
        depends = tuple(dep["name"] for dep in value.get("dependsOn") or [])
        d.services[key] = ServiceSpec(key, value["serviceTemplate"], value["serviceConfiguration"], depends)
    chains = spec.get("serviceChains")
    if isinstance(chains, list):
        # DPF v24.10/v25.1 wrote the switches directly under serviceChains (docs/checks.md, older shapes).
        d.switches = _normalise_switches(chains)
        d.switches_field = "spec.serviceChains"
    elif isinstance(chains, dict):
        d.switches = _normalise_switches(chains["switches"])
        apply = _map(chains, "upgradePolicy").get("applyNodeEffect")
        d.chain_apply_node_effect = True if apply is None else apply
    # revisionHistoryLimit bounds how many old revisions DPF keeps in a cluster; offline there are none.
    return d, warnings


def _read_dpus(d: Deployment, dpus: Mapping[str, Any], warnings: list[Result]) -> None:
    if dpus.get("bfb") is not None:
        d.bfb, d.bfb_kind = dpus["bfb"], BFB
    else:
        d.bfb, d.bfb_kind = dpus["blueFieldSoftware"], BLUEFIELD_SOFTWARE
    if dpus.get("flavor") is not None:
        d.flavor, d.flavor_kind = dpus["flavor"], FLAVOR
    else:
        d.flavor, d.flavor_kind = dpus["flavorTemplate"], FLAVOR_TEMPLATE
    d.secure_boot = dpus.get("secureBoot")
    d.astra_enabled = dpus.get("astraEnabled")
    # Absent or null (which the API server prunes): DPF's older versions defaulted these (docs/checks.md).
    if dpus.get("nodeEffect") is None:
        warnings.append(
            _warning(
                d.source,
                "spec.dpus.nodeEffect",
                "spec.dpus.nodeEffect is not set; applying the default {drain: true}",
            )
        )
    else:
        # As DPF's Go types serialise it into the DPUSet (omitempty): no null pointer, no empty customLabel map.
        d.node_effect = {
            k: v
            for k, v in dpus["nodeEffect"].items()
            if v is not None and not (k == "customLabel" and v == {})
        }
    if dpus.get("dpuSetStrategy") is None:
        warnings.append(
            _warning(
                d.source,
                "spec.dpus.dpuSetStrategy",
                "spec.dpus.dpuSetStrategy is not set; applying the default {type: RollingUpdate}",
            )
        )
    else:
        d.dpu_set_strategy = dict(dpus["dpuSetStrategy"])
    for i, item in enumerate(dpus.get("dpuSets") or []):
        # The deprecated forms (nodeSelector; dpuSelector as a plain label map) become the new ones; both
        # forms of one pair at once is a CEL error reported by schema.py.
        node_selector = item.get("dpuNodeSelector")
        if node_selector is None:
            node_selector = item.get("nodeSelector")
        device_selector = item.get("dpuDeviceSelector")
        if device_selector is None and item.get("dpuSelector"):
            device_selector = {"matchLabels": item["dpuSelector"]}
        d.dpu_sets.append(
            DPUSetSpec(
                i,
                item["nameSuffix"],
                node_selector,
                device_selector,
                item.get("dpuClusterSelector"),
                item.get("dpuAnnotations"),
            )
        )


def _normalise_switches(switches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Switches with serviceMTU defaulted as the API server would (DPF digests the defaulted switches)."""
    return [
        {
            **switch,
            "ports": [dict(p) for p in switch["ports"]],
            "serviceMTU": switch.get("serviceMTU", DEFAULT_SERVICE_MTU),
        }
        for switch in switches
    ]


# --------------------------------------------------------------------------------------------------------
# DPUServiceTemplate and DPUServiceConfiguration


class Template:
    __slots__ = (
        "deployment_service_name",
        "doca_constraint",
        "not_ready",
        "privileged",
        "resource_requirements",
        "source",
        "spec",
        "values",
    )

    def __init__(self, source: Source, spec: dict[str, Any]) -> None:
        self.source = source
        self.spec = spec
        self.deployment_service_name: str | None = None
        self.values: Any = None
        self.resource_requirements: dict[str, Any] = {}
        self.privileged: bool | None = None
        self.doca_constraint: tuple[str, str] | None = (
            None  # (constraint, "status.versions" or "metadata.annotations")
        )
        self.not_ready: tuple[str, str] | None = None  # (status field, why), when its status says so


def read_template(source: Source) -> Template:
    spec = _map(source.obj, "spec")
    t = Template(source, spec)
    t.deployment_service_name = spec["deploymentServiceName"]
    t.values = spec["helmChart"].get("values")
    t.resource_requirements = _map(spec, "resourceRequirements")
    t.privileged = _map(spec, "security").get("privileged")
    status = _map(source.obj, "status")
    versions = status.get("versions")
    if isinstance(versions, dict) and isinstance(versions.get(DOCA_VERSION_KEY), str):
        t.doca_constraint = (versions[DOCA_VERSION_KEY], "status.versions")
    else:
        annotation = _annotations(source.obj).get(DOCA_VERSION_KEY)
        if isinstance(annotation, str):
            t.doca_constraint = (annotation, "metadata.annotations")
    t.not_ready = _template_not_ready(source.obj, status)
    return t


class Interface:
    __slots__ = ("name", "network", "virtual_network")

    def __init__(self, name: str, network: str, virtual_network: str | None) -> None:
        self.name = name
        self.network = network
        self.virtual_network = virtual_network


class Configuration:
    __slots__ = (
        "apply_node_effect",
        "config_ports",
        "daemon_set",
        "delimiters_annotation",
        "deploy_in_cluster",
        "deployment_service_name",
        "interfaces",
        "source",
        "spec",
        "values",
    )

    def __init__(self, source: Source, spec: dict[str, Any]) -> None:
        self.source = source
        self.spec = spec
        self.deployment_service_name: str | None = None
        self.values: Any = None
        self.daemon_set: dict[str, Any] = {}
        self.deploy_in_cluster: bool | None = None
        self.config_ports: dict[str, Any] | None = None
        self.interfaces: list[Interface] = []
        self.apply_node_effect = True
        self.delimiters_annotation: str | None = None

    def digest_spec(self, values: Any) -> dict[str, Any]:
        """The spec as written, with rendered values and without the upgrade policy: what the service digest
        covers (docs/digests.md)."""
        spec = {k: v for k, v in self.spec.items() if k not in ("upgradePolicy", "nodeEffect")}
        if values is not self.values:
            service_configuration = dict(spec["serviceConfiguration"])
            service_configuration["helmChart"] = {**service_configuration["helmChart"], "values": values}
            spec["serviceConfiguration"] = service_configuration
        return spec


def read_configuration(source: Source) -> Configuration:
    spec = _map(source.obj, "spec")
    c = Configuration(source, spec)
    c.deployment_service_name = spec["deploymentServiceName"]
    sc = _map(spec, "serviceConfiguration")
    c.values = _map(sc, "helmChart").get("values")
    c.daemon_set = _map(sc, "serviceDaemonSet")
    c.deploy_in_cluster = sc.get("deployInCluster")
    c.config_ports = sc.get("configPorts")
    c.interfaces = [
        Interface(item["name"], item["network"], item.get("virtualNetwork"))
        for item in spec.get("interfaces") or []
    ]
    apply = _map(spec, "upgradePolicy").get("applyNodeEffect")
    # Older DPF wrote `spec.nodeEffect: true` for what is now `upgradePolicy.applyNodeEffect` (docs/checks.md).
    if apply is None:
        apply = spec.get("nodeEffect")
    c.apply_node_effect = True if apply is None else apply
    c.delimiters_annotation = _annotations(source.obj).get(DELIMITER_ANNOTATION)
    return c


# --------------------------------------------------------------------------------------------------------
# BFB / BlueFieldSoftware and DPUFlavor / DPUFlavorTemplate


class Bfb:
    __slots__ = ("file_name", "phase", "source", "spec_doca", "status_doca", "url")

    def __init__(self, source: Source) -> None:
        self.source = source
        spec = source.obj.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        status = source.obj.get("status")
        status = status if isinstance(status, dict) else {}
        self.status_doca = _nested_str(status, "versions", "doca")
        self.spec_doca = _nested_str(spec, "versions", "doca")
        self.file_name = spec.get("fileName") if isinstance(spec.get("fileName"), str) else None
        self.url = spec.get("url") if isinstance(spec.get("url"), str) else None
        phase = status.get("phase")
        self.phase = phase if isinstance(phase, str) else None


class Flavor:
    __slots__ = ("dpu_resources", "source", "system_reserved")

    def __init__(self, source: Source) -> None:
        self.source = source
        spec = source.obj.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        # A DPUFlavorTemplate holds its flavor spec under spec.template.spec (inferred from the DPUSet field name).
        if source.ref.kind == FLAVOR_TEMPLATE and isinstance(spec.get("template"), dict):
            inner = spec["template"].get("spec")
            spec = inner if isinstance(inner, dict) else spec
        resources = spec.get("dpuResources")
        reserved = spec.get("systemReservedResources")
        self.dpu_resources: dict[str, Any] | None = (
            resources if isinstance(resources, dict) and resources else None
        )
        self.system_reserved: dict[str, Any] = reserved if isinstance(reserved, dict) else {}


def _annotations(obj: Mapping[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    return annotations if isinstance(annotations, dict) else {}


def _nested_str(obj: Mapping[str, Any], *keys: str) -> str | None:
    value: Any = obj
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) and value else None


def _template_not_ready(obj: Mapping[str, Any], status: Mapping[str, Any]) -> tuple[str, str] | None:
    """DPF's readiness test of a template (Ready and observedGeneration == generation), on status present."""
    if _condition_false(status, "Ready"):
        return "status.conditions", "its Ready condition is False"
    meta = obj.get("metadata")
    generation = meta.get("generation") if isinstance(meta, dict) else None
    observed = status.get("observedGeneration")
    if isinstance(generation, int) and isinstance(observed, int) and observed != generation:
        return (
            "status.observedGeneration",
            f"status.observedGeneration {observed} is not metadata.generation {generation}",
        )
    return None


def _condition_false(status: Mapping[str, Any], condition_type: str) -> bool:
    conditions = status.get("conditions")
    if not isinstance(conditions, list):
        return False
    return any(
        isinstance(c, dict) and c.get("type") == condition_type and c.get("status") == "False"
        for c in conditions
    )


class Resolved:
    """The objects one DPUDeployment consumes, all found and checked (validate/prerequisites.py): what its
    expansion needs."""

    __slots__ = ("bfb", "configurations", "flavor", "templates")

    def __init__(
        self,
        bfb: Bfb,
        flavor: Flavor,
        templates: dict[str, Template],
        configurations: dict[str, Configuration],
    ) -> None:
        self.bfb = bfb
        self.flavor = flavor
        self.templates = templates
        self.configurations = configurations
