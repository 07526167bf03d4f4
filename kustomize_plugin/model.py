"""Typed, read-only views of the five input kinds, built from raw objects, with DPF's older shapes normalised.

`from_dict`-style builders return `(view | None, results)`: they read every field dpf-render uses, report a
wrong type as an error naming the field, and never stop at the first problem. Shape normalisation of SPEC
§1.2 (the old `serviceChains` list, deprecated selectors, missing nodeEffect or dpuSetStrategy) lives here,
so nothing downstream sees more than one shape.
"""

from __future__ import annotations

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

_TYPE_NAMES = {dict: "a map", list: "a list", str: "a string", bool: "a boolean", int: "an integer"}


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    for t, name in _TYPE_NAMES.items():
        if isinstance(value, t):
            return name
    return f"a {type(value).__name__}"


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


class _Reader:
    """Typed access to one object's fields; every mismatch becomes an error naming the field path."""

    __slots__ = ("ref", "results")

    def __init__(self, ref: ResourceRef) -> None:
        self.ref = ref
        self.results: list[Result] = []

    def error(self, field: str, message: str, condition: str = R.INPUT) -> None:
        self.results.append(R.error(message, self.ref, field, condition=condition))

    def warn(self, field: str, message: str) -> None:
        self.results.append(R.warning(message, self.ref, field))

    def get(
        self, container: Mapping[str, Any], key: str, path: str, expected: type, *, required: bool = False
    ) -> Any:
        value = container.get(key)
        if value is None:
            if required:
                self.error(path, f"{path} is required")
            return None
        if expected is int and isinstance(value, bool):
            self.error(path, f"{path} must be an integer, not a boolean")
            return None
        if not isinstance(value, expected):
            self.error(path, f"{path} must be {_TYPE_NAMES[expected]}, not {type_name(value)}")
            return None
        return value

    def string_map(self, container: Mapping[str, Any], key: str, path: str) -> dict[str, str] | None:
        value = self.get(container, key, path, dict)
        if value is None:
            return None
        for k, v in value.items():
            if not isinstance(k, str) or not isinstance(v, str):
                self.error(f"{path}.{k}", f"{path} must map strings to strings; {k!r} maps to {type_name(v)}")
                return None
        strings: dict[str, str] = value
        return strings

    def selector(self, container: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
        """A metav1.LabelSelector: matchLabels (string map) and matchExpressions (key, operator, values)."""
        value = self.get(container, key, path, dict)
        if value is None:
            return None
        self.string_map(value, "matchLabels", f"{path}.matchLabels")
        expressions = self.get(value, "matchExpressions", f"{path}.matchExpressions", list) or []
        for i, expression in enumerate(expressions):
            here = f"{path}.matchExpressions[{i}]"
            if not isinstance(expression, dict):
                self.error(here, f"{here} must be a map, not {type_name(expression)}")
                continue
            self.get(expression, "key", f"{here}.key", str, required=True)
            self.get(expression, "operator", f"{here}.operator", str, required=True)
            values = self.get(expression, "values", f"{here}.values", list) or []
            if any(not isinstance(v, str) for v in values):
                self.error(f"{here}.values", f"{here}.values must be a list of strings")
        # Unknown selector fields are reported once, with every other unknown field, by validate/schema.py.
        selector: dict[str, Any] = value
        return selector


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
        "revision_history_limit",
        "secure_boot",
        "services",
        "skip_chain_requestor",
        "source",
        "switches",
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
        self.chain_apply_node_effect = True
        self.revision_history_limit = 10
        self.skip_chain_requestor = False

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def namespace(self) -> str:
        return self.source.namespace


def read_deployment(source: Source) -> tuple[Deployment | None, list[Result]]:
    r = _Reader(source.ref)
    d = Deployment(source)
    spec = r.get(source.obj, "spec", "spec", dict, required=True)
    if spec is None:
        return None, r.results
    annotations = _annotations(source.obj)
    d.skip_chain_requestor = SKIP_CHAIN_REQUESTOR_ANNOTATION in annotations

    dpus = r.get(spec, "dpus", "spec.dpus", dict, required=True) or {}
    _read_dpus(r, d, dpus)

    services = r.get(spec, "services", "spec.services", dict, required=True) or {}
    for key in services:
        path = f"spec.services.{key}"
        if not isinstance(key, str):
            r.error("spec.services", f"service names must be strings, not {type_name(key)}")
            continue
        value = r.get(services, key, path, dict, required=True)
        if value is None:
            continue
        template = r.get(value, "serviceTemplate", f"{path}.serviceTemplate", str, required=True)
        configuration = r.get(
            value, "serviceConfiguration", f"{path}.serviceConfiguration", str, required=True
        )
        depends: list[str] = []
        for i, dep in enumerate(r.get(value, "dependsOn", f"{path}.dependsOn", list) or []):
            if not isinstance(dep, dict):
                r.error(
                    f"{path}.dependsOn[{i}]",
                    f"{path}.dependsOn[{i}] must be a map with a name, not {type_name(dep)}",
                )
                continue
            dep_name = r.get(dep, "name", f"{path}.dependsOn[{i}].name", str, required=True)
            if dep_name is not None:
                depends.append(dep_name)
        if template is not None and configuration is not None:
            d.services[key] = ServiceSpec(key, template, configuration, tuple(depends))

    chains = spec.get("serviceChains")
    if isinstance(chains, list):
        # DPF v24.10/v25.1 wrote the switches directly under serviceChains (SPEC §1.2).
        _read_switches(r, d, chains, "spec.serviceChains")
    elif isinstance(chains, dict):
        switches = r.get(chains, "switches", "spec.serviceChains.switches", list, required=True)
        if switches is not None:
            _read_switches(r, d, switches, "spec.serviceChains.switches")
        policy = r.get(chains, "upgradePolicy", "spec.serviceChains.upgradePolicy", dict) or {}
        apply = r.get(policy, "applyNodeEffect", "spec.serviceChains.upgradePolicy.applyNodeEffect", bool)
        d.chain_apply_node_effect = True if apply is None else apply
    elif chains is not None:
        r.error(
            "spec.serviceChains",
            f"spec.serviceChains must be a map (or, in the old shape, a list), not {type_name(chains)}",
        )

    limit = r.get(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", int)
    if limit is not None:
        d.revision_history_limit = limit
    if any(x.severity == R.ERROR for x in r.results):
        return None, r.results
    return d, r.results


def _read_dpus(r: _Reader, d: Deployment, dpus: Mapping[str, Any]) -> None:
    bfb = r.get(dpus, "bfb", "spec.dpus.bfb", str)
    bfs = r.get(dpus, "blueFieldSoftware", "spec.dpus.blueFieldSoftware", str)
    if (bfb is None) == (bfs is None):
        r.error("spec.dpus", "exactly one of bfb or blueFieldSoftware must be specified")
    elif bfb is not None:
        d.bfb, d.bfb_kind = bfb, BFB
    else:
        d.bfb, d.bfb_kind = bfs or "", BLUEFIELD_SOFTWARE
    flavor = r.get(dpus, "flavor", "spec.dpus.flavor", str)
    flavor_template = r.get(dpus, "flavorTemplate", "spec.dpus.flavorTemplate", str)
    if (flavor is None) == (flavor_template is None):
        r.error("spec.dpus", "exactly one of flavor or flavorTemplate must be set")
    elif flavor is not None:
        d.flavor, d.flavor_kind = flavor, FLAVOR
    else:
        d.flavor, d.flavor_kind = flavor_template or "", FLAVOR_TEMPLATE
    d.secure_boot = r.get(dpus, "secureBoot", "spec.dpus.secureBoot", bool)
    d.astra_enabled = r.get(dpus, "astraEnabled", "spec.dpus.astraEnabled", bool)

    node_effect = r.get(dpus, "nodeEffect", "spec.dpus.nodeEffect", dict)
    if node_effect is None:
        if dpus.get("nodeEffect") is None:  # absent, or null (which the API server prunes)
            r.warn(
                "spec.dpus.nodeEffect", "spec.dpus.nodeEffect is not set; applying the default {drain: true}"
            )
    else:
        d.node_effect = dict(node_effect)
    strategy = r.get(dpus, "dpuSetStrategy", "spec.dpus.dpuSetStrategy", dict)
    if strategy is None:
        if dpus.get("dpuSetStrategy") is None:
            r.warn(
                "spec.dpus.dpuSetStrategy",
                "spec.dpus.dpuSetStrategy is not set; applying the default {type: RollingUpdate}",
            )
    else:
        d.dpu_set_strategy = dict(strategy)

    for i, item in enumerate(r.get(dpus, "dpuSets", "spec.dpus.dpuSets", list) or []):
        path = f"spec.dpus.dpuSets[{i}]"
        if not isinstance(item, dict):
            r.error(path, f"{path} must be a map, not {type_name(item)}")
            continue
        name_suffix = r.get(item, "nameSuffix", f"{path}.nameSuffix", str, required=True)
        node_key = _one_of(
            r,
            item,
            path,
            "nodeSelector",
            "dpuNodeSelector",
            "only one of nodeSelector or dpuNodeSelector can be specified",
        )
        node_selector = r.selector(item, node_key, f"{path}.{node_key}") if node_key else None
        device_selector: dict[str, Any] | None = None
        device_key = _one_of(
            r,
            item,
            path,
            "dpuSelector",
            "dpuDeviceSelector",
            "only one of dpuSelector or dpuDeviceSelector can be specified",
        )
        if device_key == "dpuSelector":
            labels = r.string_map(item, "dpuSelector", f"{path}.dpuSelector")
            device_selector = {"matchLabels": labels} if labels else None
        elif device_key == "dpuDeviceSelector":
            device_selector = r.selector(item, "dpuDeviceSelector", f"{path}.dpuDeviceSelector")
        cluster = r.string_map(item, "dpuClusterSelector", f"{path}.dpuClusterSelector")
        annotations = r.string_map(item, "dpuAnnotations", f"{path}.dpuAnnotations")
        if name_suffix is not None:
            d.dpu_sets.append(
                DPUSetSpec(i, name_suffix, node_selector, device_selector, cluster, annotations)
            )


def _one_of(r: _Reader, item: Mapping[str, Any], path: str, old: str, new: str, message: str) -> str | None:
    """The key holding one of a deprecated/new field pair; both set is DPF's CEL error."""
    has_old, has_new = item.get(old) is not None, item.get(new) is not None
    if has_old and has_new:
        r.error(path, message)
        return None
    if has_new:
        return new
    return old if has_old else None


def _read_switches(r: _Reader, d: Deployment, switches: list[Any], path: str) -> None:
    normalised: list[dict[str, Any]] = []
    for i, switch in enumerate(switches):
        here = f"{path}[{i}]"
        if not isinstance(switch, dict):
            r.error(here, f"{here} must be a map, not {type_name(switch)}")
            continue
        ports = r.get(switch, "ports", f"{here}.ports", list, required=True) or []
        mtu = r.get(switch, "serviceMTU", f"{here}.serviceMTU", int)
        out_ports: list[dict[str, Any]] = []
        for j, port in enumerate(ports):
            where = f"{here}.ports[{j}]"
            if not isinstance(port, dict):
                r.error(where, f"{where} must be a map, not {type_name(port)}")
                continue
            service = r.get(port, "service", f"{where}.service", dict)
            interface = r.get(port, "serviceInterface", f"{where}.serviceInterface", dict)
            if (service is None) == (interface is None):
                r.error(where, "either service or serviceInterface must be specified")
                continue
            if service is not None:
                r.get(service, "name", f"{where}.service.name", str, required=True)
                r.get(service, "interface", f"{where}.service.interface", str, required=True)
                r.get(service, "ipam", f"{where}.service.ipam", dict)
            else:
                r.string_map(port["serviceInterface"], "matchLabels", f"{where}.serviceInterface.matchLabels")
                r.get(port["serviceInterface"], "ipam", f"{where}.serviceInterface.ipam", dict)
            out_ports.append(dict(port))
        normalised.append(
            {**switch, "ports": out_ports, "serviceMTU": DEFAULT_SERVICE_MTU if mtu is None else mtu}
        )
    d.switches = normalised


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


def read_template(source: Source) -> tuple[Template | None, list[Result]]:
    r = _Reader(source.ref)
    spec = r.get(source.obj, "spec", "spec", dict, required=True)
    if spec is None:
        return None, r.results
    t = Template(source, spec)
    t.deployment_service_name = r.get(
        spec, "deploymentServiceName", "spec.deploymentServiceName", str, required=True
    )
    helm = r.get(spec, "helmChart", "spec.helmChart", dict, required=True) or {}
    r.get(helm, "source", "spec.helmChart.source", dict, required=True)
    t.values = r.get(helm, "values", "spec.helmChart.values", dict)
    t.resource_requirements = r.get(spec, "resourceRequirements", "spec.resourceRequirements", dict) or {}
    security = r.get(spec, "security", "spec.security", dict) or {}
    t.privileged = r.get(security, "privileged", "spec.security.privileged", bool)
    status = source.obj.get("status")
    status = status if isinstance(status, dict) else {}
    versions = status.get("versions")
    if isinstance(versions, dict) and isinstance(versions.get(DOCA_VERSION_KEY), str):
        t.doca_constraint = (versions[DOCA_VERSION_KEY], "status.versions")
    else:
        annotation = _annotations(source.obj).get(DOCA_VERSION_KEY)
        if isinstance(annotation, str):
            t.doca_constraint = (annotation, "metadata.annotations")
    t.not_ready = _template_not_ready(source.obj, status)
    if any(x.severity == R.ERROR for x in r.results):
        return None, r.results
    return t, r.results


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
        """The spec as written, with rendered values and without the upgrade policy (SPEC §2.6)."""
        spec = {k: v for k, v in self.spec.items() if k not in ("upgradePolicy", "nodeEffect")}
        if values is not self.values:
            service_configuration = dict(spec["serviceConfiguration"])
            service_configuration["helmChart"] = {**service_configuration["helmChart"], "values": values}
            spec["serviceConfiguration"] = service_configuration
        return spec


def read_configuration(source: Source) -> tuple[Configuration | None, list[Result]]:
    r = _Reader(source.ref)
    spec = r.get(source.obj, "spec", "spec", dict, required=True)
    if spec is None:
        return None, r.results
    c = Configuration(source, spec)
    c.deployment_service_name = r.get(
        spec, "deploymentServiceName", "spec.deploymentServiceName", str, required=True
    )
    sc = r.get(spec, "serviceConfiguration", "spec.serviceConfiguration", dict) or {}
    helm = r.get(sc, "helmChart", "spec.serviceConfiguration.helmChart", dict) or {}
    c.values = r.get(helm, "values", "spec.serviceConfiguration.helmChart.values", dict)
    c.daemon_set = r.get(sc, "serviceDaemonSet", "spec.serviceConfiguration.serviceDaemonSet", dict) or {}
    for key in ("labels", "annotations"):
        r.string_map(c.daemon_set, key, f"spec.serviceConfiguration.serviceDaemonSet.{key}")
    r.get(c.daemon_set, "updateStrategy", "spec.serviceConfiguration.serviceDaemonSet.updateStrategy", dict)
    r.get(c.daemon_set, "resources", "spec.serviceConfiguration.serviceDaemonSet.resources", dict)
    c.deploy_in_cluster = r.get(sc, "deployInCluster", "spec.serviceConfiguration.deployInCluster", bool)
    c.config_ports = r.get(sc, "configPorts", "spec.serviceConfiguration.configPorts", dict)
    for i, item in enumerate(r.get(spec, "interfaces", "spec.interfaces", list) or []):
        path = f"spec.interfaces[{i}]"
        if not isinstance(item, dict):
            r.error(path, f"{path} must be a map, not {type_name(item)}")
            continue
        name = r.get(item, "name", f"{path}.name", str, required=True)
        network = r.get(item, "network", f"{path}.network", str, required=True)
        virtual = r.get(item, "virtualNetwork", f"{path}.virtualNetwork", str)
        if name is not None and network is not None:
            c.interfaces.append(Interface(name, network, virtual))
    policy = r.get(spec, "upgradePolicy", "spec.upgradePolicy", dict) or {}
    apply = r.get(policy, "applyNodeEffect", "spec.upgradePolicy.applyNodeEffect", bool)
    legacy = r.get(spec, "nodeEffect", "spec.nodeEffect", bool)
    # Older DPF wrote `spec.nodeEffect: true` for what is now `upgradePolicy.applyNodeEffect` (SPEC §1.2).
    if apply is None and legacy is not None:
        apply = legacy
    c.apply_node_effect = True if apply is None else apply
    c.delimiters_annotation = _annotations(source.obj).get(DELIMITER_ANNOTATION)
    if any(x.severity == R.ERROR for x in r.results):
        return None, r.results
    return c, r.results


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
