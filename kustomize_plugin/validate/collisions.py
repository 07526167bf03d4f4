"""One identity, one object: two output objects with one API group, kind, namespace and name are an error.

Applied together, the second of two such objects silently replaces the first (a DPUSet of one DPUDeployment
would take over another's nodes). The children's names are known from the revisions before any child is
built, so this runs while planning, over the kept inputs and every child, before anything is written.
"""

from __future__ import annotations

from .. import model, naming
from .. import results as R
from ..expand import chain, dpuservice, dpuset, interface

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from ..expand.revisions import DeploymentRevision
    from ..index import Item
    from ..results import Result

    Identity = tuple[str, str, str, str]  # API group, kind, namespace, name

_PROVISIONING = model.PROVISIONING_V1.split("/")[0]
_SVC = model.SVC_V1.split("/")[0]


class _Child:
    """A child a revision will make: which DPUDeployment, and the input field its name comes from."""

    __slots__ = ("detail", "field", "revision")

    def __init__(self, revision: DeploymentRevision, field: str, detail: str = "") -> None:
        self.revision = revision
        self.field = field
        self.detail = detail

    def describe(self) -> str:
        d = self.revision.deployment
        detail = f", {self.detail}" if self.detail else ""
        return f"by DPUDeployment {d.namespace}/{d.name} ({self.field}{detail})"


def child_identities(revision: DeploymentRevision) -> Iterator[tuple[Identity, _Child]]:
    """The identity of every child `pipeline.build_children` builds for the revision, without building it."""
    d = revision.deployment
    ns = d.namespace
    for s in d.dpu_sets:
        field = f"spec.dpus.dpuSets[{s.index}].nameSuffix"
        yield (
            (_PROVISIONING, dpuset.KIND, ns, naming.dpuset_name(d.name, s.name_suffix)),
            _Child(revision, field),
        )
    for service in revision.services:
        field = f"spec.services.{service.key}"
        yield (_SVC, dpuservice.KIND, ns, service.name), _Child(revision, field)
        for iface, name in service.interfaces:
            yield (_SVC, interface.KIND, ns, name), _Child(revision, field, f"interface {iface.name}")
    if revision.chain is not None:
        yield (_SVC, chain.KIND, ns, revision.chain.name), _Child(revision, "spec.serviceChains")


def find_collisions(
    kept: list[tuple[Item, Any]], revisions: list[DeploymentRevision], default_namespace: str
) -> tuple[list[Result], set[str]]:
    """Errors for every identity written more than once, and the owners of the DPUDeployments involved.

    An error goes to each DPUDeployment whose child is involved, with the field its name comes from; when
    only inputs are involved, to each input after the first (inputs dpf-render reads and finds twice are
    reported when they are read, not again here).
    """
    seen: dict[Identity, Item | _Child] = {}
    repeated: dict[Identity, list[Item | _Child]] = {}

    def add(identity: Identity, source: Item | _Child) -> None:
        first = seen.setdefault(identity, source)
        if first is not source:
            repeated.setdefault(identity, [first]).append(source)

    for item, obj in kept:
        identity = _identity(obj, default_namespace)
        if identity is not None:
            add(identity, item)
    for revision in revisions:
        for identity, child in child_identities(revision):
            add(identity, child)

    out: list[Result] = []
    owners: set[str] = set()
    for identity, sources in repeated.items():
        children = [s for s in sources if isinstance(s, _Child)]
        if not children and _already_reported(sources):
            continue
        _, kind, ns, name = identity
        times = "twice" if len(sources) == 2 else f"{len(sources)} times"
        where = [_describe(s) for s in sources]
        message = (
            f"{kind} {ns}/{name} would be written {times}: {', '.join(where[:-1])} and {where[-1]}; applied "
            "together, the second would silently replace the first; give one of them another name"
        )
        if len(children) == len(sources) and kind != dpuset.KIND:
            # Two generated names whose 5-character suffixes (DPF's length) collide: about 1 in 14 million
            # for two names of one service in one namespace. DPF's random suffixes can collide too.
            message += (
                " (the generated suffixes collide: pin one of these children to another name in the revision "
                "lock of its DPUDeployment, docs/revisions.md)"
            )
        if children:
            for child in children:
                owners.add(child.revision.owner)
                out.append(
                    R.error(message, child.revision.deployment.source.ref, child.field, condition=None)
                )
        else:
            out.extend(
                R.error(message, s.ref(default_namespace), condition=None)
                for s in sources[1:]
                if not isinstance(s, _Child)
            )
    return out, owners


def _identity(obj: Any, default_namespace: str) -> Identity | None:
    if not isinstance(obj, dict):
        return None
    api_version, kind, meta = obj.get("apiVersion"), obj.get("kind"), obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not (isinstance(api_version, str) and isinstance(kind, str) and isinstance(name, str) and name):
        return None
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    if not isinstance(namespace, str) or not namespace:
        namespace = default_namespace
    return api_version.rpartition("/")[0], kind, namespace, name


def _already_reported(sources: list[Item | _Child]) -> bool:
    """Inputs of a kind dpf-render reads, given twice with one apiVersion: `inputs.index_inputs` said so."""
    versions = {(s.obj.get("apiVersion"), s.obj.get("kind")) for s in sources if not isinstance(s, _Child)}
    return len(versions) == 1 and next(iter(versions)) in model.INPUT_KINDS


def _describe(source: Item | _Child) -> str:
    if isinstance(source, _Child):
        return source.describe()
    if source.file_path:
        index = f" (document {source.file_index})" if source.file_index is not None else ""
        return f"as the input at {source.file_path}{index}"
    return f"as input object {source.position + 1}"
