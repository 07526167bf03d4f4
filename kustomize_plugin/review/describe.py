"""A render seen per DPUDeployment: its validation verdicts and its children, as a tree or a Mermaid graph.

Like `dpfctl describe`, but offline: the verdicts are DPF's conditions (PrerequisitesReady,
VersionMatchingReady, ResourceFittingReady …) computed from the render's results, attributed to a
DPUDeployment when they are about it or about an object it references. A condition is True when the render
checked it without error, False with the errors' messages, Unknown when an earlier check stopped the render.
The children and their wiring come from the render's revisions and output, never from a second expansion.
"""

from __future__ import annotations

from .. import naming
from .. import results as R
from ..emit import canonical
from ..model import DEPLOYMENT
from .plan import describe_dpuset

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..expand.revisions import DeploymentRevision
    from ..model import Deployment
    from ..pipeline import Rendering
    from ..results import Result

TRUE, FALSE, UNKNOWN = "True", "False", "Unknown"
# DPF's conditions in the order the render checks them; one stage's checks all run before the next stage.
CONDITION_STAGES = (
    (R.PREREQUISITES,),
    (R.VERSION_MATCHING, R.RESOURCE_FITTING),
    (R.SERVICES_RECONCILED, R.CHAINS_RECONCILED),
)
CONDITIONS = (R.INPUT, *(c for stage in CONDITION_STAGES for c in stage))


class Condition:
    __slots__ = ("errors", "status", "type", "warnings")

    def __init__(self, condition_type: str, status: str) -> None:
        self.type = condition_type
        self.status = status
        self.errors: list[str] = []
        self.warnings: list[str] = []


class DeploymentView:
    """One DPUDeployment: its verdicts and, when it rendered, its revision, DPUSets, services and chain.

    `services` and `chain` are in the shape of the JSON document (docs/review-json.md): the tree, the graph and
    the JSON all read them.
    """

    __slots__ = ("chain", "conditions", "dpusets", "name", "namespace", "revision", "services")

    def __init__(self, namespace: str, name: str) -> None:
        self.namespace = namespace
        self.name = name
        self.conditions: list[Condition] = []
        self.revision: DeploymentRevision | None = None
        self.dpusets: list[dict[str, Any]] = []
        self.services: list[dict[str, Any]] = []
        self.chain: dict[str, Any] | None = None

    @property
    def ready(self) -> bool:
        return all(c.status == TRUE for c in self.conditions)


def describe_render(rendering: Rendering) -> tuple[list[DeploymentView], list[Result]]:
    """Views of every DPUDeployment among the inputs, and the results that concern none of them."""
    inputs = rendering.index
    revisions = {(r.deployment.namespace, r.deployment.name): r for r in rendering.revisions}
    # One pass over the output and one over the results, indexed: a fleet's DPUDeployments must not each
    # scan everything.
    dpusets: dict[str, list[dict[str, Any]]] = {}
    for doc, generated in rendering.documents():
        owner = _dpuset_owner(doc)
        if owner is not None:
            dpusets.setdefault(owner, []).append(canonical(doc) if generated else doc)
    about: dict[tuple[str, str, str], list[Result]] = {}
    for result in rendering.results:
        if result.ref is not None:
            about.setdefault((result.ref.kind, result.ref.namespace, result.ref.name), []).append(result)
    views: list[tuple[DeploymentView, set[tuple[str, str, str]], bool]] = []
    for _, deployment in inputs.deployments:
        view = DeploymentView(deployment.namespace, deployment.name)
        view.revision = revisions.get((deployment.namespace, deployment.name))
        if view.revision is not None:
            view.dpusets = dpusets.get(view.revision.owner, [])
            view.services = _services(view.revision)
            view.chain = _chain(view.revision)
        views.append((view, _related(deployment), True))
    for kind, namespace, name in sorted(inputs.invalid):
        if kind == DEPLOYMENT:
            views.append((DeploymentView(namespace, name), {(DEPLOYMENT, namespace, name)}, False))
    attributed: set[int] = set()
    for view, related, readable in views:
        mine = [r for key in related for r in about.get(key, ())]
        mine.sort(key=R.Result.identity)
        attributed.update(id(r) for r in mine)
        view.conditions = _conditions(mine, rendered=view.revision is not None, readable=readable)
    views.sort(key=lambda v: (v[0].namespace, v[0].name))
    others = [r for r in rendering.results if id(r) not in attributed and r.severity in (R.ERROR, R.WARNING)]
    return [v for v, _, _ in views], others


def _related(d: Deployment) -> set[tuple[str, str, str]]:
    """(kind, namespace, name) of the DPUDeployment and every object it references."""
    ns = d.namespace
    out = {(DEPLOYMENT, ns, d.name), (d.bfb_kind, ns, d.bfb), (d.flavor_kind, ns, d.flavor)}
    for service in d.services.values():
        out.add(("DPUServiceTemplate", ns, service.template))
        out.add(("DPUServiceConfiguration", ns, service.configuration))
    return out


def _services(revision: DeploymentRevision) -> list[dict[str, Any]]:
    """The services by key, each with its interfaces; one in the host cluster is never disruptive."""
    depends = {key: spec.depends_on for key, spec in revision.deployment.services.items()}
    return [
        {
            "service": service.key,
            "name": service.name,
            "serviceID": service.service_id,
            "disruptive": service.disruptive and not service.in_cluster,
            "inCluster": service.in_cluster,
            "dependsOn": list(depends.get(service.key) or ()),
            "interfaces": [
                {
                    "interface": interface.name,
                    "name": name,
                    "network": interface.network,
                    "virtualNetwork": interface.virtual_network or None,
                }
                for interface, name in service.interfaces
            ],
        }
        for service in sorted(revision.services, key=lambda s: s.key)
    ]


def _chain(revision: DeploymentRevision) -> dict[str, Any] | None:
    """The chain's switches and ports: a service port with the DPUServiceInterface it selects, or a selector."""
    chain = revision.chain
    if chain is None:
        return None
    switches = []
    for switch in revision.deployment.switches or []:
        ports = []
        for port in switch["ports"]:
            selected = port.get("service") or port.get("serviceInterface") or {}
            ipam = selected.get("ipam") is not None
            ref = port.get("service")
            if ref is not None:
                ports.append(
                    {
                        "service": ref["name"],
                        "interface": ref["interface"],
                        "dpuServiceInterface": _interface_object(revision, ref["name"], ref["interface"]),
                        "ipam": ipam,
                    }
                )
            else:
                labels = selected.get("matchLabels") or {}
                ports.append(
                    {"serviceInterface": {"matchLabels": dict(sorted(labels.items()))}, "ipam": ipam}
                )
        switches.append({"serviceMTU": switch["serviceMTU"], "ports": ports})
    return {"name": chain.name, "disruptive": chain.disruptive, "switches": switches}


def _interface_object(revision: DeploymentRevision, service_key: str, interface: str) -> str:
    for service in revision.services:
        if service.key == service_key:
            for candidate, name in service.interfaces:
                if candidate.name == interface:
                    return name
    return "?"


def _selector(port: dict[str, Any]) -> str:
    """A selector port's labels as `k=v, …`, or "" (a service port has none)."""
    labels = port.get("serviceInterface", {}).get("matchLabels", {})
    return ", ".join(f"{k}={v}" for k, v in labels.items())


def _dpuset_owner(doc: Any) -> str | None:
    """The owner label of a DPUSet (`<ns>_<name>` of its DPUDeployment); None for anything else."""
    if not isinstance(doc, dict) or doc.get("kind") != "DPUSet":
        return None
    labels = (doc.get("metadata") or {}).get("labels") or {}
    owner = labels.get(naming.OWNER_LABEL) if isinstance(labels, dict) else None
    return owner if isinstance(owner, str) else None


def _conditions(results: list[Result], *, rendered: bool, readable: bool) -> list[Condition]:
    by_type = {c: Condition(c, TRUE) for c in CONDITIONS}
    for result in results:
        condition = by_type.get(result.condition or R.INPUT, by_type[R.INPUT])
        text = f"{result.field}: {result.message}" if result.field else result.message
        if result.ref is not None and result.ref.kind != DEPLOYMENT:
            text = f"{result.ref.describe()} {text}"
        if result.severity == R.ERROR:
            condition.errors.append(text)
            condition.status = FALSE
        elif result.severity == R.WARNING:
            condition.warnings.append(text)
    if not rendered:
        failed = [
            i for i, stage in enumerate(CONDITION_STAGES) if any(by_type[c].status == FALSE for c in stage)
        ]
        first = failed[0] if failed else (-1 if not readable else len(CONDITION_STAGES))
        for i, stage in enumerate(CONDITION_STAGES):
            for c in stage:
                if i > first and by_type[c].status == TRUE:
                    by_type[c].status = UNKNOWN
    return [by_type[c] for c in CONDITIONS]


# --------------------------------------------------------------------------------------------------------
# Text tree


class _Node:
    __slots__ = ("children", "label")

    def __init__(self, label: str, children: list[_Node] | None = None) -> None:
        self.label = label
        self.children = children or []


def format_tree(views: list[DeploymentView], others: list[Result]) -> str:
    if not views:
        lines = ["No DPUDeployment in the inputs."]
    else:
        lines = []
        for view in views:
            lines.extend(_draw(_deployment_node(view)))
            lines.append("")
        lines.pop()
    if others:
        lines.append("")
        lines.append("Problems outside any DPUDeployment:")
        lines.extend(f"  {r.line()}" for r in others)
    return "\n".join(lines) + "\n"


def _draw(node: _Node) -> list[str]:
    lines = [node.label]
    for i, child in enumerate(node.children):
        last = i == len(node.children) - 1
        sub = _draw(child)
        lines.append(("└── " if last else "├── ") + sub[0])
        lines.extend(("    " if last else "│   ") + line for line in sub[1:])
    return lines


def _deployment_node(view: DeploymentView) -> _Node:
    root = _Node(f"DPUDeployment {view.namespace}/{view.name}  Ready: {TRUE if view.ready else FALSE}")
    width = max(len(c.type) for c in view.conditions)
    conditions = _Node("Conditions")
    for c in view.conditions:
        node = _Node(f"{c.type:<{width}}  {c.status}")
        node.children = [_Node(e) for e in c.errors] + [_Node(f"warning: {w}") for w in c.warnings]
        if c.status == UNKNOWN:
            node.children.append(_Node("not checked: an earlier check failed"))
        conditions.children.append(node)
    root.children.append(conditions)
    if view.revision is None:
        root.children.append(_Node("not rendered: no children until the False conditions are fixed"))
        return root
    sets = _Node("DPUSets")
    for doc in view.dpusets:
        found = describe_dpuset(doc)
        sets.children.append(
            _Node(f"DPUSet {found['name']}  {found['nodes']}  nodeEffect: {found['nodeEffect']}")
        )
    root.children.append(sets)
    services = _Node("DPUServices")
    for service in view.services:
        parts = [f"DPUService {service['name']}", f"service: {service['service']}"]
        parts.append(f"serviceID: {service['serviceID']}")
        parts.append("disruptive" if service["disruptive"] else "non-disruptive")
        if service["inCluster"]:
            parts.append("in cluster")
        if service["dependsOn"]:
            parts.append(f"dependsOn: {', '.join(service['dependsOn'])}")
        node = _Node("  ".join(parts))
        for interface in service["interfaces"]:
            network = f"network: {interface['network']}"
            if interface["virtualNetwork"]:
                network += f"  virtualNetwork: {interface['virtualNetwork']}"
            node.children.append(
                _Node(
                    f"DPUServiceInterface {interface['name']}  interface: {interface['interface']}  {network}"
                )
            )
        services.children.append(node)
    root.children.append(services)
    chain = view.chain
    if chain is not None:
        flag = "disruptive" if chain["disruptive"] else "non-disruptive"
        chain_node = _Node(f"DPUServiceChain {chain['name']}  {flag}")
        for i, switch in enumerate(chain["switches"]):
            switch_node = _Node(f"switch {i}  serviceMTU: {switch['serviceMTU']}")
            switch_node.children = [_Node(_port_text(port)) for port in switch["ports"]]
            chain_node.children.append(switch_node)
        root.children.append(chain_node)
    return root


def _port_text(port: dict[str, Any]) -> str:
    ipam = "  ipam" if port["ipam"] else ""
    if "service" in port:
        where = f"{port['service']}/{port['interface']}"
        return f"{where}  (DPUServiceInterface {port['dpuServiceInterface']}){ipam}"
    return f"serviceInterface {_selector(port) or '(all)'}{ipam}"


# --------------------------------------------------------------------------------------------------------
# Mermaid


def format_mermaid(views: list[DeploymentView]) -> str:
    """A fenced Mermaid `graph` of services, interfaces and chain switches, ready for a PR description."""
    lines = ["```mermaid", "graph LR"]
    disruptive: list[str] = []
    for d_index, view in enumerate(views, start=1):
        d = f"d{d_index}"
        lines.append(f'  subgraph {d}["{_mermaid_text(f"DPUDeployment {view.namespace}/{view.name}")}"]')
        if view.revision is None:
            lines.append(f'    {d}_none["{_mermaid_text("not rendered: see dpf-render describe")}"]')
            lines.append("  end")
            continue
        ids: dict[str, str] = {}
        interfaces: dict[tuple[str, str], str] = {}
        for s_index, service in enumerate(view.services, start=1):
            sid = f"{d}_s{s_index}"
            ids[service["service"]] = sid
            label = f"{service['service']}<br/>DPUService {service['name']}"
            lines.append(f'    {sid}["{_mermaid_text(label)}"]')
            if service["disruptive"]:
                disruptive.append(sid)
            for i_index, interface in enumerate(service["interfaces"], start=1):
                iid = f"{sid}_i{i_index}"
                interfaces[(service["service"], interface["interface"])] = iid
                lines.append(f'    {iid}(["{_mermaid_text(interface["interface"])}"])')
                lines.append(f"    {sid} --- {iid}")
        lines.extend(
            f"    {ids[service['service']]} -. dependsOn .-> {ids[dependency]}"
            for service in view.services
            for dependency in service["dependsOn"]
            if dependency in ids
        )
        for w_index, switch in enumerate(view.chain["switches"] if view.chain is not None else []):
            wid = f"{d}_w{w_index}"
            label = f"switch {w_index}<br/>MTU {switch['serviceMTU']}"
            lines.append(f'    {wid}{{{{"{_mermaid_text(label)}"}}}}')
            for p_index, port in enumerate(switch["ports"]):
                selected = (port.get("service", ""), port.get("interface", ""))
                if selected in interfaces:
                    lines.append(f"    {wid} --- {interfaces[selected]}")
                    continue
                selector = _selector(port) or "(all)"
                pid = f"{wid}_p{p_index}"
                lines.append(f'    {pid}[/"{_mermaid_text("serviceInterface<br/>" + selector)}"/]')
                lines.append(f"    {wid} --- {pid}")
        lines.append("  end")
    if disruptive:
        lines.append("  classDef disruptive stroke:#c62828,stroke-width:2px")
        lines.append(f"  class {','.join(disruptive)} disruptive")
    lines.append("```")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and entity-like characters escaped, our <br/> kept."""
    out = text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return out.replace("#lt;br/#gt;", "<br/>")
