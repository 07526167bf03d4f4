"""Adoption: the revision lock that makes a render keep the children a running DPF installation created.

DPF's controller names each revision with a random suffix; a render would name them otherwise, and a GitOps
tool would replace every child (and run every node effect) for a change that changes nothing. Adoption
matches each live child to the child the Git inputs render (by owner label, service label and interface
name; the newest revision that is not paused, as DPF keeps it current), compares their content, and records
the live names in a revision lock (`lock.py`, docs/revisions.md): rendered with it, an unchanged intent
gives exactly the live names and node labels. What cannot be adopted is reported with what to do
(docs/migrating-from-dpf.md).
"""

from __future__ import annotations

from . import naming, pipeline
from . import results as R
from .emit import CHILD_KINDS
from .expand.chain import KIND as CHAIN
from .expand.dpuservice import KIND as DPUSERVICE
from .expand.dpuset import KIND as DPUSET
from .expand.interface import KIND as INTERFACE
from .expand.interface import interface_name
from .index import kind_of
from .lock import API_VERSION as LOCK_API_VERSION
from .lock import KIND as LOCK_KIND
from .lock import DeploymentLock, Entry
from .model import DEPLOYMENT
from .results import ResourceRef

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .config import RenderConfig
    from .expand.revisions import DeploymentRevision
    from .index import Item
    from .pipeline import Rendering
    from .results import Result

# What the API server and controllers add to an object; none of it is intent.
SERVER_METADATA = (
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "finalizers",
    "generateName",
    "generation",
    "managedFields",
    "ownerReferences",
    "resourceVersion",
    "selfLink",
    "uid",
)
SERVER_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


def live_object(obj: dict[str, Any]) -> dict[str, Any]:
    """A live object as intent: without status and the metadata the server and controllers add."""
    metadata = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in SERVER_METADATA}
    annotations = {
        k: v for k, v in (metadata.get("annotations") or {}).items() if k not in SERVER_ANNOTATIONS
    }
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": metadata}


def is_live(objs: Iterable[Any]) -> bool:
    """Whether objects come from a cluster (`kubectl get -o yaml`): DPF children carrying a server uid."""
    return any(
        isinstance(o, dict)
        and o.get("kind") in CHILD_KINDS
        and isinstance(o.get("metadata"), dict)
        and o["metadata"].get("uid")
        for o in objs
    )


class _Live:
    """The live children of one DPUDeployment."""

    __slots__ = ("chains", "dpusets", "interfaces", "services")

    def __init__(self) -> None:
        self.dpusets: dict[str, dict[str, Any]] = {}
        self.services: dict[str, list[dict[str, Any]]] = {}
        self.interfaces: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.chains: list[dict[str, Any]] = []


def _ref(obj: dict[str, Any]) -> ResourceRef:
    return ResourceRef.of(obj)


def _labels(obj: dict[str, Any]) -> dict[str, Any]:
    labels = (obj.get("metadata") or {}).get("labels")
    return labels if isinstance(labels, dict) else {}


def _annotation(obj: dict[str, Any], key: str) -> str:
    annotations = (obj.get("metadata") or {}).get("annotations")
    value = annotations.get(key) if isinstance(annotations, dict) else None
    return value if isinstance(value, str) else ""


def _created(obj: dict[str, Any]) -> str:
    value = (obj.get("metadata") or {}).get("creationTimestamp")
    return value if isinstance(value, str) else ""


def _newest(objs: list[dict[str, Any]]) -> dict[str, Any]:
    """DPF's youngest revision: the latest creationTimestamp (RFC 3339 in UTC sorts as text), then name."""
    return max(objs, key=lambda o: (_created(o), o["metadata"]["name"]))


def index_live(objs: Iterable[Any]) -> tuple[dict[str, _Live], set[str], list[Result]]:
    """Live children by owner label value; the live DPUDeployments' owner values; unowned children reported."""
    by_owner: dict[str, _Live] = {}
    deployments: set[str] = set()
    out: list[Result] = []
    for obj in objs:
        if not isinstance(obj, dict):
            continue
        kind = obj.get("kind")
        meta = obj.get("metadata") or {}
        if kind == DEPLOYMENT:
            deployments.add(naming.owner_value(str(meta.get("namespace") or ""), str(meta.get("name") or "")))
            continue
        if kind not in CHILD_KINDS:
            continue
        owner = _labels(obj).get(naming.OWNER_LABEL)
        if not isinstance(owner, str):
            out.append(
                R.warning(
                    f"{kind} has no {naming.OWNER_LABEL} label, so no DPUDeployment owns it: it is not adopted and "
                    "dpf-render will never render or prune it; delete it, or keep managing it outside dpf-render",
                    _ref(obj),
                    "metadata.labels",
                    condition=None,
                )
            )
            continue
        live = by_owner.setdefault(owner, _Live())
        service = str(_labels(obj).get(naming.SERVICE_LABEL, ""))
        if kind == DPUSET:
            live.dpusets[str(meta.get("name"))] = obj
        elif kind == DPUSERVICE:
            live.services.setdefault(service, []).append(obj)
        elif kind == INTERFACE:
            live.interfaces.setdefault((service, interface_name(obj)), []).append(obj)
        else:
            live.chains.append(obj)
    return by_owner, deployments, out


# --------------------------------------------------------------------------------------------------------
# Comparing content


def _without_names(obj: dict[str, Any]) -> dict[str, Any]:
    """A child's content without what carries revision names and digests (they differ by construction)."""
    obj = live_object(obj)
    metadata = dict(obj["metadata"])
    metadata.pop("name", None)
    annotations = {
        k: v
        for k, v in (metadata.get("annotations") or {}).items()
        if k not in (naming.SERVICE_VERSION_ANNOTATION, naming.CHAIN_VERSION_KEY)
    }
    metadata["annotations"] = annotations
    spec = dict(obj.get("spec") or {})
    spec.pop("serviceID", None)
    spec.pop("interfaces", None)
    if isinstance(spec.get("serviceDaemonSet"), dict):
        spec["serviceDaemonSet"] = {k: v for k, v in spec["serviceDaemonSet"].items() if k != "nodeSelector"}
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        # A DSI's or chain's node selector names the current DPUService or chain revision.
        inner = {k: v for k, v in template["spec"].items() if k != "nodeSelector"}
        spec["template"] = {**template, "spec": inner}
    return {**obj, "metadata": metadata, "spec": spec}


def differences(rendered: Any, live: Any, path: str = "") -> list[str]:
    """Field paths where two objects differ (maps by key, lists by position)."""
    if isinstance(rendered, dict) and isinstance(live, dict):
        out: list[str] = []
        for key in sorted(rendered.keys() | live.keys(), key=str):
            out += differences(rendered.get(key), live.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(rendered, list) and isinstance(live, list) and len(rendered) == len(live):
        return [
            p
            for i, (a, b) in enumerate(zip(rendered, live, strict=True))
            for p in differences(a, b, f"{path}[{i}]")
        ]
    return [] if rendered == live else [path or "(the object)"]


# --------------------------------------------------------------------------------------------------------
# Adoption


class Adoption:
    """The locks written, per DPUDeployment, and every problem found."""

    __slots__ = ("locks", "results")

    def __init__(self) -> None:
        self.locks: list[DeploymentLock] = []
        self.results: list[Result] = []


def without_locks(items: list[Item]) -> list[Item]:
    """The inputs without their revision locks: adoption writes the locks anew, from the live objects."""
    return [i for i in items if kind_of(i.obj) != (LOCK_API_VERSION, LOCK_KIND)]


def adopt(items: list[Item], first: Rendering, live_objects: list[Any], config: RenderConfig) -> Adoption:
    """The revision locks that keep the live children of every DPUDeployment in `items` (inputs without locks,
    rendered without error as `first`) whose content Git does not change; every difference and everything
    that cannot be adopted as results."""
    out = Adoption()
    by_owner, live_deployments, found = index_live(live_objects)
    out.results += found
    rendered_owners = {r.owner for r in first.revisions}
    for owner in sorted((live_deployments | set(by_owner)) - rendered_owners):
        namespace, _, name = owner.partition("_")
        out.results.append(
            R.warning(
                f"DPUDeployment {namespace}/{name} is live but not among the inputs: its children are not adopted; "
                "add it to Git to manage them with dpf-render, or leave it to DPF's controller",
                ResourceRef("svc.dpu.nvidia.com/v1alpha1", DEPLOYMENT, name, namespace),
                condition=None,
            )
        )
    deployments = [_Adopting(revision, by_owner.get(revision.owner)) for revision in first.revisions]
    adopting = [d for d in deployments if d.live is not None]
    try:
        _adopt(items, adopting, config)
    except _Unrendered as exc:
        out.results += exc.results
        return out
    for d in deployments:
        out.results += d.results
        if d.live is not None:
            out.locks.append(d.lock)
    return out


class _Adopting:
    """One DPUDeployment being adopted: its revision in the first render, its live children, the lock being
    written, the services adopted so far and what was found."""

    __slots__ = ("adopted", "current", "live", "lock", "results", "revision")

    def __init__(self, revision: DeploymentRevision, live: _Live | None) -> None:
        d = revision.deployment
        self.revision = revision
        self.live = live
        self.lock = DeploymentLock(d.namespace, d.name)
        self.results: list[Result] = []
        self.adopted: set[str] = set()
        self.current: dict[str, dict[str, Any]] = {}
        if live is None:
            self.results.append(
                R.warning(
                    "no live children of this DPUDeployment: nothing to adopt; the first sync creates them",
                    d.source.ref,
                    condition=None,
                )
            )
        else:
            self.current = _current_services(revision, live, self.results)


def _adopt(items: list[Item], adopting: list[_Adopting], config: RenderConfig) -> None:
    """Every step renders all DPUDeployments at once, each with its lock as it stands: the services (in
    rounds), then the chain, then a last render to compare the DPUSets."""
    if not adopting:
        return
    rendered = _adopt_services(items, adopting, config)
    for d in adopting:
        _record_changed(d, rendered[d.revision.owner])
        _report_legacy_ids(d.revision, d.current, d.results)
    if any(d.revision.chain is not None and d.live is not None and d.live.chains for d in adopting):
        rendered = _render_all(items, adopting, config)
        for d in adopting:
            _adopt_chain(d, rendered[d.revision.owner])
    rendered = _render_all(items, adopting, config)
    for d in adopting:
        _report_dpusets(d, rendered[d.revision.owner])


def _warning(revision: DeploymentRevision, field: str, message: str) -> Result:
    return R.warning(message, revision.deployment.source.ref, field, condition=None)


def _current_services(
    revision: DeploymentRevision, live: _Live, out: list[Result]
) -> dict[str, dict[str, Any]]:
    """Per service, the live DPUService DPF keeps current: the newest that is not paused."""
    current: dict[str, dict[str, Any]] = {}
    for key in (s.key for s in revision.services):
        candidates = live.services.get(key, [])
        running = [o for o in candidates if (o.get("spec") or {}).get("paused") is not True]
        paused = [o for o in candidates if o not in running]
        field = f"spec.services.{key}"
        if paused:
            names = ", ".join(sorted(o["metadata"]["name"] for o in paused))
            out.append(
                _warning(
                    revision,
                    field,
                    f"service {key}: paused old revisions are still live ({names}): DPF is rolling out a disruptive "
                    "change; adopt after it finishes (DPF deletes them once the new revision and the DPUSets are "
                    "Ready), or delete them after the migration",
                )
            )
        if running:
            current[key] = _newest(running)
        else:
            out.append(
                _warning(
                    revision, field, f"service {key}: no live DPUService to adopt; the first sync creates it"
                )
            )
    return current


def _adopt_services(
    items: list[Item], adopting: list[_Adopting], config: RenderConfig
) -> dict[str, _Rendered]:
    """Lock every service whose live DPUService has the content the inputs render; per DPUDeployment, its last
    rendering.

    Dependents' templated values name their dependencies' DPUServices, so a service can only match once its
    dependencies carry their live names: adopt in rounds until nothing more matches, or every live service
    is adopted.
    """
    settled: dict[str, _Rendered] = {}
    pending = adopting
    while pending:
        rendered = _render_all(items, adopting, config)
        unsettled = []
        for d in pending:
            own = rendered[d.revision.owner]
            if _match_services(d, own) and not set(d.current) <= d.adopted:
                unsettled.append(d)
            else:
                settled[d.revision.owner] = own
        pending = unsettled
    return settled


def _match_services(d: _Adopting, rendered: _Rendered) -> bool:
    """Adopt the services whose rendered DPUService has the live content; whether any was."""
    assert d.live is not None
    progress = False
    for service in rendered.revision.services:
        live_service = d.current.get(service.key)
        if service.key in d.adopted or live_service is None:
            continue
        child = rendered.child(DPUSERVICE, service.name)
        if differences(_without_names(child), _without_names(live_service)):
            continue
        d.lock.services[service.key] = _service_entry(service.key, live_service, service.digest, d.live)
        d.adopted.add(service.key)
        progress = True
    return progress


def _record_changed(d: _Adopting, rendered: _Rendered) -> None:
    """A live DPUService whose content Git changes: locked under its live name with its live version as the
    digest, so that the next render takes it as changed and decides as DPF would (new revision or in place)."""
    assert d.live is not None
    for service in rendered.revision.services:
        live_service = d.current.get(service.key)
        if service.key in d.adopted or live_service is None:
            continue
        child = rendered.child(DPUSERVICE, service.name)
        fields = ", ".join(differences(_without_names(child), _without_names(live_service))[:5])
        version = _annotation(live_service, naming.SERVICE_VERSION_ANNOTATION) or "0000000000"
        d.lock.services[service.key] = _service_entry(service.key, live_service, version, d.live)
        outcome = (
            "the next render replaces it by a new revision and runs the node effect (its upgrade policy is "
            "disruptive)"
            if service.disruptive
            else "the next render updates it in place (its upgrade policy is not disruptive)"
        )
        d.results.append(
            _warning(
                rendered.revision,
                f"spec.services.{service.key}",
                f"service {service.key}: the live DPUService {live_service['metadata']['name']} differs from "
                f"the Git intent ({fields}): {outcome}; to adopt it unchanged, make Git match the cluster first",
            )
        )


def _report_legacy_ids(
    revision: DeploymentRevision, current: dict[str, dict[str, Any]], out: list[Result]
) -> None:
    name = revision.deployment.name
    for key, live_service in sorted(current.items()):
        legacy = f"dpudeployment_{name}_{key}"
        if (live_service.get("spec") or {}).get("serviceID") == legacy:
            out.append(
                _warning(
                    revision,
                    f"spec.services.{key}",
                    f"service {key}: the live DPUService {live_service['metadata']['name']} has the legacy serviceID "
                    f"{legacy}, which DPF keeps while it patches the object in place; the render writes "
                    f"{name}_{key}_<version> instead, so the first sync updates its serviceID (and the interfaces "
                    "and chain that select it) in place",
                )
            )


def _report_dpusets(d: _Adopting, final: _Rendered) -> None:
    assert d.live is not None
    deployment = d.revision.deployment
    for dpu_set in deployment.dpu_sets:
        name = naming.dpuset_name(deployment.name, dpu_set.name_suffix)
        live_set = d.live.dpusets.get(name)
        if live_set is None:
            continue
        changed = differences(final.child(DPUSET, name), live_object(live_set))
        if changed:
            d.results.append(
                _warning(
                    d.revision,
                    f"spec.dpus.dpuSets[{dpu_set.index}]",
                    f"DPUSet {name} differs from the live one in {', '.join(changed[:5])}: the first sync updates it "
                    "in place",
                )
            )


def _service_entry(key: str, live_service: dict[str, Any], digest: str, live: _Live) -> Entry:
    version = _annotation(live_service, naming.SERVICE_VERSION_ANNOTATION) or digest
    interfaces: dict[str, str] = {}
    for (service, interface), objs in sorted(live.interfaces.items()):
        if service != key:
            continue
        same_revision = [o for o in objs if _annotation(o, naming.SERVICE_VERSION_ANNOTATION) == version]
        if same_revision:
            interfaces[interface] = _newest(same_revision)["metadata"]["name"]
    return Entry(live_service["metadata"]["name"], digest, version=version, interfaces=interfaces)


def _adopt_chain(d: _Adopting, rendered: _Rendered) -> None:
    ref = d.revision.deployment.source.ref
    if d.revision.chain is None or d.live is None or not d.live.chains:
        return
    if len(d.live.chains) > 1:
        names = ", ".join(sorted(c["metadata"]["name"] for c in d.live.chains))
        d.results.append(
            R.warning(
                f"several live DPUServiceChains ({names}): DPF is rolling out a new chain revision; the newest is "
                "adopted, delete the others after the migration",
                ref,
                "spec.serviceChains",
                condition=None,
            )
        )
    live_chain = _newest(d.live.chains)
    chain = rendered.revision.chain
    assert chain is not None
    changed = differences(_without_names(rendered.child(CHAIN, chain.name)), _without_names(live_chain))
    version = _annotation(live_chain, naming.CHAIN_VERSION_KEY) or chain.digest
    digest = chain.digest if not changed else version
    d.lock.chain = Entry(live_chain["metadata"]["name"], digest, version=version)
    if changed:
        d.results.append(
            R.warning(
                f"the live DPUServiceChain {live_chain['metadata']['name']} differs from the Git intent "
                f"({', '.join(changed[:5])}): the next render patches it in place or replaces it, as DPF would",
                ref,
                "spec.serviceChains",
                condition=None,
            )
        )


class _Rendered:
    """One DPUDeployment rendered with a lock: its revision and its children."""

    __slots__ = ("children", "revision")

    def __init__(self, revision: DeploymentRevision, children: list[dict[str, Any]]) -> None:
        self.revision = revision
        self.children = children

    def child(self, kind: str, name: str) -> dict[str, Any]:
        return next(d for d in self.children if d.get("kind") == kind and d["metadata"]["name"] == name)


class _Unrendered(Exception):
    """A DPUDeployment that no longer renders with the locks: its errors (a live name that another
    DPUDeployment's render generates, say)."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__()
        self.results = results


def _render_all(items: list[Item], adopting: list[_Adopting], config: RenderConfig) -> dict[str, _Rendered]:
    """Every DPUDeployment rendered once, with the locks as they stand; by owner, those being adopted."""
    rendering = pipeline.render(
        pipeline.with_locks(items, [d.lock for d in adopting], config), config, mode=pipeline.FINAL
    )
    revisions = {r.owner: r for r in rendering.revisions}
    out: dict[str, _Rendered] = {}
    for d in adopting:
        revision = revisions.get(d.revision.owner)
        if revision is None:
            raise _Unrendered([r for r in rendering.results if r.severity == R.ERROR])
        out[revision.owner] = _Rendered(revision, pipeline.build_children(revision, config))
    return out
