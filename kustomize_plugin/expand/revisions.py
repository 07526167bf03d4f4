"""Which revision each child of one DPUDeployment is: templated values, digests, names, serviceIDs, wiring.

This is the step DPF's controller does against cluster state; offline, the revision is a pure function of
the inputs (SPEC §2.6): services in dependsOn order (a dependent's templated values name its dependencies'
DPUServices), then their interfaces, then the chain, whose digest covers the serviceIDs it selects.
"""

from __future__ import annotations

from .. import gotemplate, naming
from .. import results as R
from ..merge import coalesce

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import Configuration, Deployment, Interface, Template
    from ..results import Result
    from ..validate.prerequisites import Resolved


class ServiceRevision:
    __slots__ = (
        "configuration",
        "digest",
        "disruptive",
        "in_cluster",
        "interfaces",
        "key",
        "name",
        "service_id",
        "template",
        "values",
    )

    def __init__(self, key: str, template: Template, configuration: Configuration) -> None:
        self.key = key
        self.template = template
        self.configuration = configuration
        self.values: Any = None  # merged helm values, None when neither side has any
        self.digest = ""
        self.disruptive = configuration.apply_node_effect
        self.in_cluster = bool(configuration.deploy_in_cluster)
        self.name = ""
        self.service_id = ""
        self.interfaces: list[tuple[Interface, str]] = []  # (interface, DPUServiceInterface name)


class ChainRevision:
    __slots__ = ("digest", "disruptive", "name", "switches")

    def __init__(self, switches: list[dict[str, Any]], digest: str, disruptive: bool, name: str) -> None:
        self.switches = switches  # DPUServiceChain switches: service ports already turned into selectors
        self.digest = digest
        self.disruptive = disruptive
        self.name = name


class DeploymentRevision:
    """Everything the builders need for one DPUDeployment."""

    __slots__ = ("chain", "cluster_selector", "deployment", "owner", "resolved", "services")

    def __init__(self, deployment: Deployment, resolved: Resolved) -> None:
        self.deployment = deployment
        self.resolved = resolved
        self.owner = naming.owner_value(deployment.namespace, deployment.name)
        self.services: list[ServiceRevision] = []
        self.chain: ChainRevision | None = None
        self.cluster_selector = aggregate_cluster_selector(deployment)

    @property
    def disruptive(self) -> bool:
        return any(s.disruptive for s in self.services) or bool(self.chain and self.chain.disruptive)


def aggregate_cluster_selector(d: Deployment) -> dict[str, Any] | None:
    """DPF's aggregated dpuClusterSelector: one `In` expression per key, values the sorted union.

    None when there are no DPUSets or any DPUSet has no cluster selector (it then targets every cluster).
    """
    if not d.dpu_sets or any(not s.cluster_selector for s in d.dpu_sets):
        return None
    values: dict[str, set[str]] = {}
    for dpu_set in d.dpu_sets:
        for key, value in (dpu_set.cluster_selector or {}).items():
            values.setdefault(key, set()).add(value)
    return {
        "matchExpressions": [
            {"key": key, "operator": "In", "values": sorted(values[key])} for key in sorted(values)
        ]
    }


def plan_revisions(
    d: Deployment, resolved: Resolved, order: list[str]
) -> tuple[DeploymentRevision | None, list[Result]]:
    out: list[Result] = []
    revision = DeploymentRevision(d, resolved)
    ns = d.namespace
    by_key: dict[str, ServiceRevision] = {}
    for key in order:
        service = ServiceRevision(key, resolved.templates[key], resolved.configurations[key])
        config_values = service.configuration.values
        depends = d.services[key].depends_on
        if any(dep not in by_key for dep in depends):
            continue  # a dependency failed to template (reported there): this one has no names to use
        if depends and config_values is not None:
            data = {"Services": {dep: {"Name": by_key[dep].name, "Namespace": ns} for dep in depends}}
            config_values, problems = render_values(service.configuration, config_values, data)
            for field, message in problems:
                out.append(
                    R.error(
                        f"failed to template DPUService {key}: {message}",
                        service.configuration.source.ref,
                        field,
                        condition=R.SERVICES_RECONCILED,
                    )
                )
            if problems:
                continue
        service.values = coalesce(config_values, service.template.values)
        service.digest = naming.digest(
            service.configuration.digest_spec(config_values), service.template.spec
        )
        service.name = naming.dpuservice_name(ns, d.name, key, service.digest, disruptive=service.disruptive)
        service.service_id = naming.service_id(d.name, key, service.digest)
        if not service.in_cluster:
            service.interfaces = [
                (
                    interface,
                    naming.interface_name(
                        ns, d.name, key, interface.name, service.digest, disruptive=service.disruptive
                    ),
                )
                for interface in service.configuration.interfaces
            ]
        by_key[key] = service
        revision.services.append(service)
    if out:
        return None, out
    if d.switches is not None:
        revision.chain, found = plan_chain(d, by_key)
        out.extend(found)
    out.extend(R.error(problem, d.source.ref, "metadata.name") for problem in _name_problems(revision))
    if R.has_errors(out):
        return None, out
    return revision, out


def render_values(
    configuration: Configuration, values: Any, data: dict[str, Any]
) -> tuple[Any, list[tuple[str, str]]]:
    """Every string of the values (keys too) through the Go template subset; problems as (field, message)."""
    delimiters = gotemplate.parse_delimiters(configuration.delimiters_annotation)
    problems: list[tuple[str, str]] = []

    def render(text: str, path: str) -> str:
        if not gotemplate.has_actions(text, delimiters):
            return text
        try:
            return gotemplate.render(text, data, delimiters=delimiters)
        except gotemplate.TemplateError as exc:
            # DPF's two wrappings: text/template's execution errors start with "executing", the rest are parse errors.
            stage = "execute" if str(exc).startswith("executing") else "parse"
            problems.append((path, f"failed to {stage} service configuration template: {exc}"))
            return text

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, str):
            return render(value, path)
        if isinstance(value, list):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            for k, v in value.items():
                new_key = render(k, f"{path}.{k}") if isinstance(k, str) else k
                if new_key in out:
                    problems.append(
                        (f"{path}.{k}", f"key {k!r} renders to {new_key!r}, which is already a key here")
                    )
                out[new_key] = walk(v, f"{path}.{k}")
            return out
        return value

    rendered = walk(values, "spec.serviceConfiguration.helmChart.values")
    return rendered, problems


def plan_chain(
    d: Deployment, services: dict[str, ServiceRevision]
) -> tuple[ChainRevision | None, list[Result]]:
    out: list[Result] = []
    hashed: list[dict[str, Any]] = []
    rendered: list[dict[str, Any]] = []
    disruptive = d.chain_apply_node_effect
    base = (
        "spec.serviceChains.switches"
        if not isinstance(d.source.obj["spec"].get("serviceChains"), list)
        else "spec.serviceChains"
    )
    for i, switch in enumerate(d.switches or []):
        hashed_ports: list[dict[str, Any]] = []
        rendered_ports: list[dict[str, Any]] = []
        for j, port in enumerate(switch["ports"]):
            if "service" not in port or port.get("service") is None:
                hashed_ports.append(port)
                rendered_ports.append({"serviceInterface": port["serviceInterface"]})
                continue
            ref = port["service"]
            field = f"{base}[{i}].ports[{j}].service"
            service = services.get(ref["name"])
            if service is None:
                out.append(
                    R.error(
                        f"service {ref['name']} not found in patched services: the port names a service that is not in "
                        "spec.services",
                        d.source.ref,
                        f"{field}.name",
                        condition=R.CHAINS_RECONCILED,
                    )
                )
                continue
            declared = [interface.name for interface, _ in service.interfaces]
            if ref["interface"] not in declared:
                detail = ", ".join(declared) if declared else "none"
                out.append(
                    R.error(
                        f"interface {ref['interface']} is not declared by the DPUServiceConfiguration of service "
                        f"{service.key} (declared: {detail}); the chain would select no DPUServiceInterface",
                        d.source.ref,
                        f"{field}.interface",
                        condition=R.CHAINS_RECONCILED,
                    )
                )
                continue
            disruptive = disruptive or service.disruptive
            hashed_ports.append({**port, "service": {**ref, "name": service.service_id}})
            selector: dict[str, Any] = {
                "matchLabels": {
                    naming.SERVICE_ID_LABEL: service.service_id,
                    naming.INTERFACE_LABEL: ref["interface"],
                }
            }
            if ref.get("ipam") is not None:
                selector["ipam"] = ref["ipam"]
            rendered_ports.append({"serviceInterface": selector})
        hashed.append({**switch, "ports": hashed_ports})
        rendered.append({"ports": rendered_ports, "serviceMTU": switch["serviceMTU"]})
    if out:
        return None, out
    chain_digest = naming.digest(hashed)
    name = naming.chain_name(d.namespace, d.name, chain_digest, disruptive=disruptive)
    return ChainRevision(rendered, chain_digest, disruptive, name), out


def _name_problems(revision: DeploymentRevision) -> list[str]:
    d = revision.deployment
    names = [naming.dpuset_name(d.name, s.name_suffix) for s in d.dpu_sets]
    for service in revision.services:
        names.append(service.name)
        names.extend(name for _, name in service.interfaces)
    if revision.chain is not None:
        names.append(revision.chain.name)
    problems = [p for p in (naming.name_problem(n) for n in names) if p]
    values = [revision.owner] + [s.service_id for s in revision.services]
    problems.extend(p for p in (naming.label_value_problem(v) for v in values) if p)
    return problems
