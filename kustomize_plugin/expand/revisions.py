"""Which revision each child of one DPUDeployment is: templated values, digests, names, serviceIDs, wiring.

This is the step DPF's controller does against cluster state; offline, the revision is a pure function of
the inputs (docs/revisions.md): services in dependsOn order (a dependent's templated values name its dependencies'
DPUServices), then their interfaces, then the chain, whose digest covers the serviceIDs it selects.
"""

from __future__ import annotations

from .. import gojson, gotemplate, naming
from .. import results as R
from ..lock import DeploymentLock, Entry
from ..merge import coalesce

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import Configuration, Deployment, Interface, Resolved, Template
    from ..results import Result


NEW = "new"  # a new revision: a new name (DPF creates a new object)
KEEP = "keep"  # the current revision, unchanged
IN_PLACE = "in-place"  # the current revision, patched in place (same name, new digest)


class ServiceRevision:
    __slots__ = (
        "configuration",
        "decision",
        "digest",
        "disruptive",
        "in_cluster",
        "interfaces",
        "key",
        "name",
        "rollout",
        "service_id",
        "template",
        "values",
        "version",
    )

    def __init__(self, key: str, template: Template, configuration: Configuration) -> None:
        self.key = key
        self.template = template
        self.configuration = configuration
        self.values: Any = None  # merged helm values, None when neither side has any
        self.digest = ""  # of the content, as dpf-render computes it
        self.version = ""  # the dpuservice-version written: the digest, or the locked one for a kept revision
        self.disruptive = configuration.apply_node_effect  # the configured upgrade policy
        self.in_cluster = bool(configuration.deploy_in_cluster)
        self.name = ""
        self.service_id = ""
        self.interfaces: list[tuple[Interface, str]] = []  # (interface, DPUServiceInterface name)
        self.decision = NEW
        self.rollout = False  # this revision rolls out with the node effect (DPF's hasDisruptiveChanges)


class ChainRevision:
    __slots__ = ("decision", "digest", "disruptive", "name", "rollout", "services", "switches", "version")

    def __init__(
        self, switches: list[dict[str, Any]], services: list[str], digest: str, disruptive: bool
    ) -> None:
        self.switches = switches  # DPUServiceChain switches: service ports already turned into selectors
        self.services = services  # the service keys the ports select, each once, in order of first use
        self.digest = digest
        self.version = digest
        self.disruptive = disruptive  # the chain's own upgrade policy
        self.name = ""
        self.decision = NEW
        self.rollout = False


class DeploymentRevision:
    """Everything the builders need for one DPUDeployment, and the lock that records it."""

    __slots__ = (
        "chain",
        "cluster_selector",
        "deployment",
        "lock",
        "locked",
        "owner",
        "services",
    )

    def __init__(self, deployment: Deployment, locked: DeploymentLock | None) -> None:
        self.deployment = deployment
        self.owner = naming.owner_value(deployment.namespace, deployment.name)
        self.services: list[ServiceRevision] = []
        self.chain: ChainRevision | None = None
        self.cluster_selector = aggregate_cluster_selector(deployment)
        self.locked = locked  # the lock among the inputs, if any
        self.lock = DeploymentLock(deployment.namespace, deployment.name)  # the lock after this render

    @property
    def disruptive(self) -> bool:
        """DPF's hasDisruptiveChanges: some revision rolls out with the node effect (applyOnLabelChange)."""
        return any(s.rollout for s in self.services) or bool(self.chain and self.chain.rollout)

    @property
    def stale(self) -> bool:
        """The lock among the inputs does not record this render."""
        return self.locked is not None and not self.lock.same_as(self.locked)


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


def derive_revision(
    d: Deployment, resolved: Resolved, order: list[str], locked: DeploymentLock | None = None
) -> tuple[DeploymentRevision | None, list[Result]]:
    out: list[Result] = []
    revision = DeploymentRevision(d, locked)
    ns = d.namespace
    entries = locked.services if locked is not None else {}
    by_key: dict[str, ServiceRevision] = {}
    for key in order:
        service = ServiceRevision(key, resolved.templates[key], resolved.configurations[key])
        config_values = service.configuration.values
        depends = d.services[key].depends_on
        if any(dep not in by_key for dep in depends):
            continue  # a dependency failed to template (reported there): this one has no names to use
        if depends and config_values is not None:
            data = {"Services": {dep: service_params(by_key[dep].name, ns) for dep in depends}}
            config_values, problems = render_values(service.configuration, config_values, data)
            out.extend(template_errors(key, service.configuration, problems))
            if problems:
                continue
        service.values = coalesce(config_values, service.template.values)
        encoded = _encoded(service, config_values, out)
        if encoded is None:
            continue
        service.digest = gojson.digest_of(*encoded)
        decide_service(revision, service, entries.get(key))
        by_key[key] = service
        revision.services.append(service)
    if out:
        return None, out
    if d.switches is not None:
        revision.chain, found = derive_chain(d, by_key)
        out.extend(found)
        if revision.chain is not None:
            decide_chain(revision, revision.chain, by_key, locked.chain if locked is not None else None)
    out.extend(R.error(problem, d.source.ref, "metadata.name") for problem in _name_problems(revision))
    if R.has_errors(out):
        return None, out
    record_lock(revision)
    return revision, out


def decide_service(revision: DeploymentRevision, service: ServiceRevision, entry: Entry | None) -> None:
    """Keep, patch in place, or mint a new revision, as DPF's reconcileDPUServices decides against live objects.

    DPF (internal/dpuservice/controllers/dpudeployment_controller_dpuservice.go): a live revision whose version
    annotation equals the new digest is current and kept; otherwise a disruptive service (applyNodeEffect)
    gets a new object and the node effect, a non-disruptive one patches its youngest revision in place; with
    no live revision, a new object is created, with the node effect when the service is disruptive. The lock
    entry stands for the live revision.
    """
    d = revision.deployment
    ns, key = d.namespace, service.key
    if entry is not None and entry.digest == service.digest:
        service.decision, service.name, service.version = KEEP, entry.name, entry.version
        service.rollout = entry.rollout
    elif entry is not None and not service.disruptive:
        service.decision, service.name, service.version = IN_PLACE, entry.name, service.digest
    else:
        service.decision, service.version = NEW, service.digest
        service.name = naming.dpuservice_name(ns, d.name, key, service.digest, disruptive=service.disruptive)
        service.rollout = service.disruptive
    service.service_id = naming.service_id(d.name, key, service.version)
    if service.in_cluster:
        return
    kept = entry.interfaces if entry is not None and service.decision != NEW else {}
    service.interfaces = [
        (
            interface,
            kept.get(interface.name)
            or naming.interface_name(
                ns, d.name, key, interface.name, service.digest, disruptive=service.disruptive
            ),
        )
        for interface in service.configuration.interfaces
    ]


def decide_chain(
    revision: DeploymentRevision,
    chain: ChainRevision,
    services: dict[str, ServiceRevision],
    entry: Entry | None,
) -> None:
    """DPF's reconcileDPUServiceChain: the same three cases as a service, where the chain is disruptive when its
    own policy says so or a service it selects gets a new disruptive revision (`hasDisruptiveServices`)."""
    d = revision.deployment
    referenced = [services[name] for name in chain.services]
    services_roll_out = any(s.decision == NEW and s.rollout for s in referenced)
    if entry is not None and entry.digest == chain.digest:
        chain.decision, chain.name, chain.version, chain.rollout = (
            KEEP,
            entry.name,
            entry.version,
            entry.rollout,
        )
        return
    if entry is not None and not (chain.disruptive or services_roll_out):
        chain.decision, chain.name, chain.version = IN_PLACE, entry.name, chain.digest
        return
    chain.decision, chain.version = NEW, chain.digest
    chain.rollout = chain.disruptive or services_roll_out
    # The name changes exactly when a new revision is minted: with the chain's own policy, whenever its content
    # changes; without it, only when a selected disruptive service gets a new revision (a new name).
    part = (
        chain.digest if chain.disruptive else ",".join(sorted({s.name for s in referenced if s.disruptive}))
    )
    chain.name = naming.chain_name(d.namespace, d.name, part)


def record_lock(revision: DeploymentRevision) -> None:
    """The lock after this render: what is current now, and which revisions roll out with the node effect.

    A revision that rolled out with an earlier change is taken as rolled out once a later change touches the
    lock (DPF clears applyOnLabelChange when the new revisions are ready; in Git, the next change is the
    first moment that can be observed). So the flag lasts exactly as long as the change that set it.
    """
    locked = revision.locked
    changed = locked is None or set(locked.services) != {s.key for s in revision.services}
    changed = changed or any(s.decision != KEEP for s in revision.services)
    chain = revision.chain
    if chain is not None:
        changed = changed or chain.decision != KEEP
    elif locked is not None and locked.chain is not None:
        changed = True
    if changed:
        for service in revision.services:
            if service.decision == KEEP:
                service.rollout = False
        if chain is not None and chain.decision == KEEP:
            chain.rollout = False
    lock = revision.lock
    if locked is not None:
        lock.source, lock.ref = locked.source, locked.ref  # written back where it was read from
    for service in revision.services:
        lock.services[service.key] = Entry(
            service.name,
            service.digest,
            version=service.version,
            interfaces={interface.name: name for interface, name in service.interfaces},
            rollout=service.rollout,
        )
    if chain is not None:
        lock.chain = Entry(chain.name, chain.digest, version=chain.version, rollout=chain.rollout)


SERVICE_PARAMS_TYPE = "controllers.TemplateDPUServiceConfigurationValuesParams"


def service_params(name: str, namespace: str) -> gotemplate.GoStruct:
    """What a template sees of one dependency: DPF's struct of its DPUService's Name and Namespace."""
    return gotemplate.GoStruct(SERVICE_PARAMS_TYPE, {"Name": name, "Namespace": namespace})


def _encoded(service: ServiceRevision, values: Any, out: list[Result]) -> tuple[str, str] | None:
    """The configuration and template specs as DPF's digest encodes them (docs/digests.md); None, with an
    error on the object that holds it, for a value the API server or DPF's typed structs would refuse."""
    documents: list[str] = []
    for source, encode, spec in (
        (
            service.configuration.source,
            gojson.configuration_spec_json,
            service.configuration.digest_spec(values),
        ),
        (service.template.source, gojson.template_spec_json, service.template.spec),
    ):
        try:
            documents.append(encode(spec))
        except gojson.GoJSONError as exc:
            message = f"DPF's controller cannot read this value: {exc.message}"
            out.append(R.error(message, source.ref, exc.within("spec").path, condition=R.SERVICES_RECONCILED))
    return (documents[0], documents[1]) if len(documents) == 2 else None


def template_errors(key: str, configuration: Configuration, problems: list[tuple[str, str]]) -> list[Result]:
    """DPF's error for each (field, message) `render_values` found in service `key`'s values."""
    return [
        R.error(
            f"failed to template DPUService {key}: failed to template service configuration: {message}",
            configuration.source.ref,
            field,
            condition=R.SERVICES_RECONCILED,
        )
        for field, message in problems
    ]


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


def derive_chain(
    d: Deployment, services: dict[str, ServiceRevision]
) -> tuple[ChainRevision | None, list[Result]]:
    rendered: list[dict[str, Any]] = []
    base = d.switches_field
    referenced: dict[str, None] = {}
    for switch in d.switches or []:
        rendered_ports: list[dict[str, Any]] = []
        for port in switch["ports"]:
            if "service" not in port or port.get("service") is None:
                rendered_ports.append({"serviceInterface": port["serviceInterface"]})
                continue
            # validate/chains.py has checked every service port (a known service, a declared interface) before
            # any revision is derived: a DPUDeployment with a bad port never gets here.
            ref = port["service"]
            service = services[ref["name"]]
            referenced.setdefault(ref["name"], None)
            selector: dict[str, Any] = {
                "matchLabels": {
                    naming.SERVICE_ID_LABEL: service.service_id,
                    naming.INTERFACE_LABEL: ref["interface"],
                }
            }
            if ref.get("ipam") is not None:
                selector["ipam"] = ref["ipam"]
            rendered_ports.append({"serviceInterface": selector})
        rendered.append({"ports": rendered_ports, "serviceMTU": switch["serviceMTU"]})
    service_ids = {key: services[key].service_id for key in referenced}
    try:
        digest = gojson.chain_version(d.switches or [], service_ids, deployment=d.name)
    except gojson.GoJSONError as exc:
        message = f"DPF's controller cannot read this value: {exc.message}"
        return None, [R.error(message, d.source.ref, exc.within(base).path, condition=R.CHAINS_RECONCILED)]
    return ChainRevision(rendered, list(referenced), digest, d.chain_apply_node_effect), []


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
