"""What a change does: two renders compared object by object, with the DPU nodes each change will disturb.

A child's identity is what DPF keeps across revisions: its DPUDeployment (owner label) and kind, plus the
service key for DPUServices, the service key and interface name for DPUServiceInterfaces, nothing more for
the chain; a DPUSet and every other object are identified by name. Objects with the same name on both sides
are unchanged or updated in place; an identity whose name changed is replaced by a new revision (the path
DPF takes for a disruptive change). Whether anything is disruptive is read from the DPUSets: a changed DPU
node label (`spec.dpuTemplate.spec.cluster.nodeLabels`) runs the node effect on the DPUSet's nodes when
`applyOnLabelChange` is set, and the services and chain whose labels changed are the disruptive changes.
"""

from __future__ import annotations

import json
import re

from .. import naming
from ..emit import CHILD_KINDS, KIND_ORDER
from ..expand.interface import interface_name
from ..model import NODE_EFFECT_ACTIONS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ..expand.revisions import DeploymentRevision
    from ..results import Result

ADDED = "added"
REMOVED = "removed"
UPDATED = "updated"
REPLACED = "replaced"
CHANGED = "changed"  # a field's value (FieldChange.op)
REORDERED = "reordered"
ACTIONS = (REPLACED, UPDATED, ADDED, REMOVED)
ACTION_TEXT = {
    ADDED: "added",
    REMOVED: "removed",
    UPDATED: "updated in place",
    REPLACED: "replaced by a new revision",
}
ACTION_SYMBOL = {ADDED: "+", REMOVED: "-", UPDATED: "~", REPLACED: "-/+"}

DPUSET = "DPUSet"
DPUSERVICE = "DPUService"
INTERFACE = "DPUServiceInterface"
CHAIN = "DPUServiceChain"
# Fields of a DPUSet's DPU template that describe what is provisioned on the DPU itself.
PROVISIONING_FIELDS = (
    "bfb",
    "blueFieldSoftware",
    "dpuFlavor",
    "dpuFlavorTemplate",
    "secureBoot",
    "astraEnabled",
)
HIDDEN_VALUE_KINDS = frozenset({"Secret"})  # plans end up in PR comments: name the fields, never the values
MAX_VALUE_CHARS = 60
HELM_VALUES = "spec.helmChart.values"
MISSING: Any = object()
NONE_TEXT = "(none)"  # how a missing value is shown
# Longer lists are compared by position: matching elements costs up to quadratic time.
MAX_MATCHED_ELEMENTS = 1000

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_LOOKS_TYPED = re.compile(r"^(?:[-+]?[0-9.][0-9.eE+-]*|true|false|null|~|)$", re.IGNORECASE)


class FieldChange:
    """One changed leaf (or added/removed subtree or list element): its path and the old and new value as text.

    `op` is CHANGED, ADDED or REMOVED (the field, or with `element` one element of the list at `path`), or
    REORDERED (the same elements of a list whose order matters, in another order). `follows` marks a change
    that only carries other objects' new names or digests along (a node selector naming the new DPUService, a
    serviceID): a consequence of a replacement, not a cause. `hidden`: the values are not shown (a Secret).
    """

    __slots__ = ("element", "follows", "hidden", "new", "old", "op", "path")

    def __init__(
        self,
        path: str,
        old: str,
        new: str,
        *,
        follows: bool = False,
        op: str = CHANGED,
        element: bool = False,
        hidden: bool = False,
    ) -> None:
        self.path = path
        self.old = old
        self.new = new
        self.follows = follows
        self.op = op
        self.element = element
        self.hidden = hidden

    def text(self) -> str:
        if self.op == REORDERED:
            return f"{self.path}: order changed"
        if self.element:
            value = "" if self.hidden else self.new if self.op == ADDED else self.old
            return f"{self.path}: {self.op} {value}" if value else f"{self.path}: {self.op}"
        if self.hidden:
            return self.path
        return f"{self.path}: {self.old} → {self.new}"


class Change:
    """One object that differs between the renders."""

    __slots__ = (
        "action",
        "disruptive",
        "fields",
        "kind",
        "namespace",
        "new_name",
        "notes",
        "old_name",
        "owner",
        "subject",
    )

    def __init__(self, action: str, kind: str, namespace: str, owner: str | None, subject: str) -> None:
        self.action = action
        self.kind = kind
        self.namespace = namespace
        self.owner = owner  # `<ns>_<D>` for children, None for other objects
        self.subject = subject  # what stays the same across revisions: "service producer", "chain" ...
        self.old_name = ""
        self.new_name = ""
        self.fields: list[FieldChange] = []
        self.notes: list[str] = []
        self.disruptive = False

    @property
    def name(self) -> str:
        """`old → new` for a replacement, else the one name."""
        if self.action == REPLACED:
            return f"{self.old_name} → {self.new_name}"
        return self.new_name or self.old_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.old_name, self.new_name) if n)


class NodeEffect:
    """What happens on the nodes of one DPUSet: its node labels change, its DPUs are provisioned or removed."""

    __slots__ = (
        "action",
        "disruptive",
        "dpuset",
        "label_values",
        "labels",
        "namespace",
        "nodes",
        "notes",
        "runs",
        "status",
    )

    def __init__(self, dpuset: str, namespace: str, status: str, nodes: str, action: str) -> None:
        self.dpuset = dpuset
        self.namespace = namespace
        self.status = status  # ADDED, REMOVED or UPDATED (an existing DPUSet)
        self.nodes = nodes  # the DPUSet's node selector, as text
        self.action = action  # the node effect, as text ("drain", "taint key=value:NoSchedule" ...)
        self.labels: list[FieldChange] = []  # changed DPU node labels
        self.label_values: set[str] = set()  # their old and new values: names of DPUServices and chains
        self.runs = False  # the node effect runs on these nodes
        self.notes: list[str] = []
        self.disruptive = False


class DeploymentPlan:
    """The changes of one DPUDeployment's children (or, with owner None, of every other object)."""

    __slots__ = ("changes", "dpf_notes", "effects", "owner")

    def __init__(self, owner: str | None) -> None:
        self.owner = owner
        self.changes: list[Change] = []
        self.effects: list[NodeEffect] = []
        self.dpf_notes: list[str] = []  # where DPF's controller would do otherwise (no revision lock)

    @property
    def disruptive(self) -> bool:
        return any(c.disruptive for c in self.changes) or any(e.disruptive for e in self.effects)

    @property
    def title(self) -> str:
        if self.owner is None:
            return "Other objects"
        namespace, _, name = self.owner.partition("_")
        return f"DPUDeployment {namespace}/{name}"


class Plan:
    __slots__ = ("base", "groups", "head", "warnings")

    def __init__(self, base: str, head: str) -> None:
        self.base = base
        self.head = head
        self.groups: list[DeploymentPlan] = []
        self.warnings: list[Result] = []  # HEAD's: what the change brings in (BASE's are already merged)

    @property
    def changes(self) -> list[Change]:
        return [c for g in self.groups for c in g.changes]

    @property
    def effects(self) -> list[NodeEffect]:
        return [e for g in self.groups for e in g.effects]

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def disruptive(self) -> bool:
        return any(g.disruptive for g in self.groups)

    @property
    def dpf_notes(self) -> list[str]:
        return [n for g in self.groups for n in g.dpf_notes]


# --------------------------------------------------------------------------------------------------------
# Building the plan


def plan_renders(
    base_docs: list[Any],
    head_docs: list[Any],
    *,
    base_revisions: Iterable[DeploymentRevision] = (),
    head_revisions: Iterable[DeploymentRevision] = (),
    dpf_docs: list[Any] | None = None,
    dpf_revisions: Iterable[DeploymentRevision] = (),
    base_is_live: bool = False,
    base: str = "BASE",
    head: str = "HEAD",
    warnings: Iterable[Result] = (),
) -> Plan:
    """Classify every object of two renders, then derive what happens on the DPU nodes.

    `dpf_docs` is HEAD rendered with BASE's revisions as the current ones (its revision locks): what DPF's
    controller would do with BASE live. Where HEAD differs from it, the plan says so. With `base_is_live`,
    BASE holds objects from a cluster: fields that HEAD does not set (another controller's annotations, say)
    are not changes, since applying HEAD leaves them alone.
    """
    if base_is_live:
        base_docs = _as_applied(base_docs, head_docs)
    base_info = _revision_info(base_revisions)
    head_info = _revision_info(head_revisions)
    # Each side is keyed once: every step below works on the keyed documents (a fleet has tens of thousands).
    base_keyed, head_keyed = _keyed(base_docs), _keyed(head_docs)
    changes = _match(base_keyed, head_keyed)
    renames = _renames(changes)
    for change, old, new in changes:
        _annotate(change, old, new, base_info, head_info, renames.get(change.owner, ()))
    _note_interface_renames([c for c, _, _ in changes])
    effects = [
        e for old, new in _dpuset_pairs(base_keyed, head_keyed) if (e := _node_effect(old, new)) is not None
    ]
    _mark_disruptive([c for c, _, _ in changes], effects)
    plan = Plan(base, head)
    plan.warnings = list(warnings)
    groups: dict[str | None, DeploymentPlan] = {}
    for change, _, _ in changes:
        groups.setdefault(change.owner, DeploymentPlan(change.owner)).changes.append(change)
    for effect, owner in effects:
        groups.setdefault(owner, DeploymentPlan(owner)).effects.append(effect)
    if dpf_docs is not None:
        differences = dpf_differences(
            base_keyed, head_keyed, _keyed(dpf_docs), dpf_revisions, [e for e, _ in effects]
        )
        for owner, notes in differences.items():
            groups.setdefault(owner, DeploymentPlan(owner)).dpf_notes.extend(notes)
    for owner in sorted(groups, key=lambda o: (o is None, o or "")):
        group = groups[owner]
        group.changes.sort(key=_change_order)
        group.effects.sort(key=lambda e: (e.namespace, e.dpuset))
        plan.groups.append(group)
    return plan


def _as_applied(live_docs: list[Any], head_docs: list[Any]) -> list[Any]:
    """Live objects reduced to the fields their HEAD counterparts (same kind and name) set."""
    head = {_Doc(d, 0).exact: d for d in head_docs if isinstance(d, dict)}
    out = []
    for doc in live_docs:
        counterpart = head.get(_Doc(doc, 0).exact) if isinstance(doc, dict) else None
        out.append(doc if counterpart is None else _project(doc, counterpart))
    return out


def _project(live: Any, desired: Any) -> Any:
    if isinstance(live, dict) and isinstance(desired, dict):
        return {k: _project(v, desired[k]) for k, v in live.items() if k in desired}
    return live


class _Doc:
    __slots__ = ("exact", "identity", "kind", "name", "namespace", "obj", "owner", "subject")

    def __init__(self, obj: dict[str, Any], occurrence: int) -> None:
        self.obj = obj
        meta = _as_map(obj.get("metadata"))
        labels = _as_map(meta.get("labels"))
        self.kind = str(obj.get("kind", ""))
        self.name = str(meta.get("name", ""))
        self.namespace = str(meta.get("namespace") or "")
        api_version = str(obj.get("apiVersion", ""))
        group = api_version.rpartition("/")[0]
        self.exact: tuple[str, ...] = (group, self.kind, self.namespace, self.name, str(occurrence))
        owner = labels.get(naming.OWNER_LABEL)
        self.owner = owner if self.kind in CHILD_KINDS and isinstance(owner, str) else None
        service = str(labels.get(naming.SERVICE_LABEL, ""))
        self.subject = ""
        self.identity: tuple[str, ...] = self.exact[:4]
        if self.owner is None:
            return
        if self.kind == DPUSERVICE:
            self.subject = f"service {service}"
            self.identity = (group, self.kind, self.namespace, self.owner, service)
        elif self.kind == INTERFACE:
            interface = interface_name(obj)
            self.subject = f"interface {service}/{interface}"
            self.identity = (group, self.kind, self.namespace, self.owner, service, interface)
        elif self.kind == CHAIN:
            self.subject = "chain"
            self.identity = (group, self.kind, self.namespace, self.owner)


Keyed = dict[tuple[str, ...], _Doc]


def _keyed(docs: list[Any]) -> Keyed:
    """Documents by exact key; a repeated key (two inputs with one name) gets an occurrence number."""
    out: dict[tuple[str, ...], _Doc] = {}
    seen: dict[tuple[str, ...], int] = {}
    for obj in docs:
        if not isinstance(obj, dict):
            continue
        probe = _Doc(obj, 0)
        occurrence = seen.get(probe.exact, 0)
        seen[probe.exact] = occurrence + 1
        doc = probe if occurrence == 0 else _Doc(obj, occurrence)
        out[doc.exact] = doc
    return out


def _match(
    base: dict[tuple[str, ...], _Doc], head: dict[tuple[str, ...], _Doc]
) -> list[tuple[Change, _Doc | None, _Doc | None]]:
    """Same name: updated (or unchanged); same identity, new name: replaced; the rest added or removed."""
    out: list[tuple[Change, _Doc | None, _Doc | None]] = []
    for key in sorted(base.keys() & head.keys()):
        old, new = base[key], head[key]
        if old.obj != new.obj:
            out.append((_change(UPDATED, old, new), old, new))
    removed = [base[k] for k in sorted(base.keys() - head.keys())]
    added = [head[k] for k in sorted(head.keys() - base.keys())]
    by_identity_old: dict[tuple[str, ...], list[_Doc]] = {}
    by_identity_new: dict[tuple[str, ...], list[_Doc]] = {}
    for doc in removed:
        by_identity_old.setdefault(doc.identity, []).append(doc)
    for doc in added:
        by_identity_new.setdefault(doc.identity, []).append(doc)
    replaced: set[int] = set()
    for identity, olds in sorted(by_identity_old.items()):
        news = by_identity_new.get(identity, [])
        if len(olds) == 1 and len(news) == 1 and olds[0].owner is not None:
            out.append((_change(REPLACED, olds[0], news[0]), olds[0], news[0]))
            replaced.update((id(olds[0]), id(news[0])))
    out.extend((_change(REMOVED, d, None), d, None) for d in removed if id(d) not in replaced)
    out.extend((_change(ADDED, None, d), None, d) for d in added if id(d) not in replaced)
    return out


def _change(action: str, old: _Doc | None, new: _Doc | None) -> Change:
    ref = new or old
    assert ref is not None
    change = Change(action, ref.kind, ref.namespace, ref.owner, ref.subject)
    change.old_name = old.name if old is not None else ""
    change.new_name = new.name if new is not None else ""
    return change


def _change_order(change: Change) -> tuple[int, str, str, str]:
    rank = KIND_ORDER.index(change.kind) if change.kind in KIND_ORDER else len(KIND_ORDER)
    return (rank, change.kind, change.subject, change.name)


class _RevisionInfo:
    __slots__ = ("digest", "policy", "renamed_policy", "rollout", "what")

    def __init__(self, what: str, digest: str, rollout: bool, policy: str, renamed_policy: str = "") -> None:
        self.what = what
        self.digest = digest
        self.rollout = rollout  # this revision rolls out with the node effect
        self.policy = policy  # why the child is (or is not) disruptive, in the user's terms
        self.renamed_policy = renamed_policy or policy  # why it got a new name, when it did


def _revision_info(revisions: Iterable[DeploymentRevision]) -> dict[tuple[str, str, str], _RevisionInfo]:
    """(kind, namespace, name) → the digest and upgrade policy the renderer used for that child."""
    out: dict[tuple[str, str, str], _RevisionInfo] = {}
    for revision in revisions:
        ns = revision.deployment.namespace
        for service in revision.services:
            policy = f"upgradePolicy.applyNodeEffect is {'true' if service.disruptive else 'false'}"
            info = _RevisionInfo("service digest", service.digest, service.rollout, policy)
            out[(DPUSERVICE, ns, service.name)] = info
            for _, dsi_name in service.interfaces:
                out[(INTERFACE, ns, dsi_name)] = info
        chain = revision.chain
        if chain is not None:
            policy, renamed_policy = _chain_policy(revision)
            out[(CHAIN, ns, chain.name)] = _RevisionInfo(
                "chain digest", chain.digest, chain.rollout, policy, renamed_policy=renamed_policy
            )
    return out


def _chain_policy(revision: DeploymentRevision) -> tuple[str, str]:
    """The chain's upgrade policy, and why it got a new name: its own policy, or the disruptive services it
    selects (DPF mints a new chain when one of them gets a new disruptive revision). A chain patched in place
    follows none of them: only its own policy is the reason."""
    d = revision.deployment
    if d.chain_apply_node_effect:
        policy = "serviceChains.upgradePolicy.applyNodeEffect is true"
        return policy, policy
    policy = "serviceChains.upgradePolicy.applyNodeEffect is false"
    selected = {
        port["service"]["name"]
        for switch in d.switches or []
        for port in switch["ports"]
        if port.get("service")
    }
    disruptive = sorted(s.key for s in revision.services if s.disruptive and s.key in selected)
    if disruptive:
        return policy, (
            f"{policy}; it follows the new revisions of the disruptive "
            f"{'service' if len(disruptive) == 1 else 'services'} it selects ({', '.join(disruptive)})"
        )
    return policy, policy


def _annotate(
    change: Change,
    old: _Doc | None,
    new: _Doc | None,
    base_info: dict[tuple[str, str, str], _RevisionInfo],
    head_info: dict[tuple[str, str, str], _RevisionInfo],
    renames: tuple[tuple[str, str], ...],
) -> None:
    """Changed fields and, for children, why the renderer kept or changed the name."""
    hide = change.kind in HIDDEN_VALUE_KINDS
    if old is not None and new is not None:
        change.fields = [
            f
            for f in diff_fields(old.obj, new.obj, hide_values=hide, renames=renames)
            if f.path != "metadata.name"
        ]
        for f in change.fields:
            if f.path.startswith(HELM_VALUES):
                f.follows = False  # templated values naming a dependency: the reason this service changed
    before = base_info.get((change.kind, change.namespace, change.old_name)) if old is not None else None
    after = head_info.get((change.kind, change.namespace, change.new_name)) if new is not None else None
    if change.kind == INTERFACE:
        if change.action == REPLACED:
            change.notes.append(
                f"a new revision with its {change.subject.partition('/')[0].replace('interface', 'service')}"
            )
        return  # an interface follows its service; the service's line says why
    if before is not None and after is not None and before.digest != after.digest:
        change.notes.append(f"{after.what} {before.digest} → {after.digest}")
    if after is None or change.action == REMOVED:
        return
    if change.action == REPLACED:
        change.notes.append(
            f"new revision: {after.renamed_policy}"
            if after.rollout
            else f"renamed: {after.renamed_policy} now"
        )
    elif change.action == UPDATED and before is not None and before.digest != after.digest:
        change.notes.append(f"same name: {after.policy}")
    elif change.action == ADDED and change.kind == DPUSERVICE:
        change.notes.append(after.policy)


def _renames(
    changes: list[tuple[Change, _Doc | None, _Doc | None]],
) -> dict[str | None, tuple[tuple[str, str], ...]]:
    """Per DPUDeployment, (old, new) names and digests of the children that changed: what others carry along."""
    pairs: dict[str | None, set[tuple[str, str]]] = {}
    for change, old, new in changes:
        if old is None or new is None or change.kind not in (DPUSERVICE, INTERFACE, CHAIN):
            continue
        found = pairs.setdefault(change.owner, set())
        if old.name != new.name:
            found.add((old.name, new.name))
        for key in (naming.SERVICE_VERSION_ANNOTATION, naming.CHAIN_VERSION_KEY):
            before = _as_map(_as_map(old.obj.get("metadata")).get("annotations")).get(key)
            after = _as_map(_as_map(new.obj.get("metadata")).get("annotations")).get(key)
            if isinstance(before, str) and isinstance(after, str) and before and before != after:
                found.add((before, after))
    # Longest first, so a name is never replaced inside a longer name that contains it.
    return {owner: tuple(sorted(found, key=lambda p: (-len(p[0]), p))) for owner, found in pairs.items()}


def _substitute(text: str, renames: tuple[tuple[str, str], ...]) -> str:
    for before, after in renames:
        text = text.replace(before, after)
    return text


def _note_interface_renames(changes: list[Change]) -> None:
    """A service that lost one interface and gained one: say it is a rename (DPF mints a new DSI for it)."""
    by_service: dict[tuple[str | None, str], dict[str, list[Change]]] = {}
    for change in changes:
        if change.kind != INTERFACE or change.action not in (ADDED, REMOVED):
            continue
        service, _, _ = change.subject.removeprefix("interface ").partition("/")
        by_service.setdefault((change.owner, service), {}).setdefault(change.action, []).append(change)
    for pair in by_service.values():
        removed, added = pair.get(REMOVED, []), pair.get(ADDED, [])
        if len(removed) == 1 and len(added) == 1:
            old_iface = removed[0].subject.rpartition("/")[2]
            new_iface = added[0].subject.rpartition("/")[2]
            note = f"interface renamed {old_iface} → {new_iface}: a renamed interface is always a new DPUServiceInterface"
            removed[0].notes.append(note)
            added[0].notes.append(note)


def dpf_differences(
    base: Keyed,
    head: Keyed,
    dpf: Keyed,
    dpf_revisions: Iterable[DeploymentRevision],
    effects: list[NodeEffect],
) -> dict[str | None, list[str]]:
    """Per DPUDeployment, where HEAD's render renames or drains differently from DPF's controller.

    `effects` are the node effects of BASE to HEAD, one per DPUSet that changed.

    Without a revision lock, a render cannot know which revision is live, and a few changes come out
    differently (docs/revisions.md): a flipped upgrade policy renames, a node label that changes for another
    reason than a new disruptive revision runs the node effect.
    """
    decisions = {
        (kind, r.deployment.namespace, name): decision
        for r in dpf_revisions
        for kind, name, decision in _decisions(r)
    }
    names = [{d.identity: d for d in docs.values() if d.owner is not None} for docs in (base, head, dpf)]
    out: dict[str | None, list[str]] = {}
    for identity, old in sorted(names[0].items()):
        new, faithful = names[1].get(identity), names[2].get(identity)
        if new is None or faithful is None or old.kind == INTERFACE:
            continue
        if new.name != old.name and faithful.name == old.name:
            decision = decisions.get((old.kind, old.namespace, faithful.name), "")
            why = (
                "its content did not change"
                if decision == "keep"
                else "its upgrade policy patches it in place"
            )
            out.setdefault(old.owner, []).append(
                f"DPF would keep {old.kind} {old.name} and update it in place: {why}"
            )
        elif new.name == old.name and faithful.name != old.name:
            out.setdefault(old.owner, []).append(
                f"DPF would replace {old.kind} {old.name} by a new revision ({faithful.name})"
            )
    # A DPUSet of BASE and HEAD without an effect did not change; one added or removed is the same for DPF.
    by_set = {(e.namespace, e.dpuset): e for e in effects}
    for before, faithful in _dpuset_pairs(base, dpf):
        if before is None or faithful is None:
            continue
        found = by_set.get((before.namespace, before.name))
        if found is not None and found.status != UPDATED:
            continue
        expected = _node_effect(before, faithful)
        runs = found is not None and found.runs
        dpf_runs = expected is not None and expected[0].runs
        if runs and not dpf_runs:
            assert found is not None
            why = ", ".join(_label_change(label) for label in found.labels)
            out.setdefault(before.owner, []).append(
                f"DPF would not run the node effect ({found.action}) on the nodes of DPUSet {before.name}: "
                f"no revision of this change rolls out with the node effect; the node labels change only "
                f"because {why}"
            )
        elif dpf_runs and not runs:
            out.setdefault(before.owner, []).append(
                f"DPF would run the node effect on the nodes of DPUSet {before.name}: a new revision rolls out"
            )
    for notes in out.values():
        notes.append(
            "A revision lock committed before the change (`dpf-render lock`) makes the render do what DPF "
            "does: docs/revisions.md"
        )
    return out


def _decisions(revision: DeploymentRevision) -> Iterable[tuple[str, str, str]]:
    for service in revision.services:
        yield DPUSERVICE, service.name, service.decision
    if revision.chain is not None:
        yield CHAIN, revision.chain.name, revision.chain.decision


def _label_change(label: FieldChange) -> str:
    if label.op == ADDED:
        return f"{label.path} is added"
    if label.op == REMOVED:
        return f"{label.path} is removed"
    return f"{label.path} changes"


# --------------------------------------------------------------------------------------------------------
# DPUSets and their nodes


def _dpuset_pairs(base_docs: Keyed, head_docs: Keyed) -> list[tuple[_Doc | None, _Doc | None]]:
    base = {(d.namespace, d.name): d for d in base_docs.values() if d.kind == DPUSET}
    head = {(d.namespace, d.name): d for d in head_docs.values() if d.kind == DPUSET}
    return [(base.get(k), head.get(k)) for k in sorted(base.keys() | head.keys())]


def _node_effect(old: _Doc | None, new: _Doc | None) -> tuple[NodeEffect, str | None] | None:
    ref = new or old
    assert ref is not None
    spec = _template_spec(ref.obj)
    status = ADDED if old is None else REMOVED if new is None else UPDATED
    described = describe_dpuset(ref.obj)
    effect = NodeEffect(ref.name, ref.namespace, status, described["nodes"], described["nodeEffect"])
    if status == ADDED:
        effect.notes.append("new DPUSet: DPUs are provisioned on these nodes")
        return effect, ref.owner
    if status == REMOVED:
        effect.notes.append("DPUSet removed: its DPUs are deleted")
        effect.disruptive = True
        return effect, ref.owner
    assert old is not None
    assert new is not None
    old_labels = _node_labels(old.obj)
    new_labels = _node_labels(new.obj)
    for key in sorted(old_labels.keys() | new_labels.keys()):
        before, after = old_labels.get(key, MISSING), new_labels.get(key, MISSING)
        if before != after:
            effect.labels.append(
                FieldChange(key, display_value(before), display_value(after), op=_leaf_op(before, after))
            )
            effect.label_values.update(v for v in (before, after) if isinstance(v, str))
    old_spec = _template_spec(old.obj)
    provisioning = [f for f in PROVISIONING_FIELDS if old_spec.get(f) != spec.get(f)]
    node_selector_changed = _as_map(old.obj.get("spec")).get("dpuNodeSelector") != _as_map(
        new.obj.get("spec")
    ).get("dpuNodeSelector")
    if not effect.labels and not provisioning and not node_selector_changed:
        return None
    if effect.labels:
        node_effect = _as_map(spec.get("nodeEffect"))
        apply = node_effect.get("applyOnLabelChange") is True
        if not apply:
            effect.notes.append("node labels change without a node effect (applyOnLabelChange is false)")
        elif node_effect.get("noEffect") is True:
            effect.notes.append("node labels change; the node effect is noEffect")
        else:
            effect.runs = True
            effect.disruptive = True
    if provisioning:
        strategy = str(_as_map(_as_map(new.obj.get("spec")).get("strategy")).get("type", ""))
        changed = ", ".join(provisioning)
        if strategy == "OnDelete":
            effect.notes.append(
                f"DPU template changed ({changed}): DPUs take it when they are deleted (strategy OnDelete)"
            )
        else:
            effect.notes.append(
                f"DPU template changed ({changed}): DPUs are re-provisioned (strategy {strategy or 'unset'})"
            )
            effect.disruptive = True
    if node_selector_changed:
        before_nodes = describe_nodes(old.obj)
        effect.notes.append(
            f"node selector changed from {before_nodes}: DPUs on nodes that no longer match are deleted"
        )
        effect.disruptive = True
    return effect, ref.owner


def _as_map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _template_spec(obj: dict[str, Any]) -> dict[str, Any]:
    value: Any = obj
    for key in ("spec", "dpuTemplate", "spec"):
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _node_labels(obj: dict[str, Any]) -> dict[str, Any]:
    cluster = _template_spec(obj).get("cluster")
    labels = cluster.get("nodeLabels") if isinstance(cluster, dict) else None
    return labels if isinstance(labels, dict) else {}


def _mark_disruptive(changes: list[Change], effects: list[tuple[NodeEffect, str | None]]) -> None:
    """A change is disruptive when a DPU node label naming it changes where the node effect runs."""
    running = [e for e, _ in effects if e.runs]
    names: set[tuple[str, str]] = set()
    for effect in running:
        names.update((effect.namespace, v) for v in effect.label_values)
    disruptive_services: set[tuple[str | None, str]] = set()
    for change in changes:
        if change.kind in (DPUSERVICE, CHAIN) and any((change.namespace, n) in names for n in change.names):
            change.disruptive = True
            if change.kind == DPUSERVICE:
                disruptive_services.add((change.owner, change.subject.removeprefix("service ")))
    by_set = {(e.namespace, e.dpuset): e for e, _ in effects}
    for change in changes:
        if change.kind == INTERFACE:
            service = change.subject.removeprefix("interface ").partition("/")[0]
            change.disruptive = (change.owner, service) in disruptive_services
        elif change.kind == DPUSET:
            found = by_set.get((change.namespace, change.name))
            change.disruptive = found is not None and found.disruptive


# --------------------------------------------------------------------------------------------------------
# Field differences and display text


def diff_fields(
    old: Any,
    new: Any,
    path: str = "",
    *,
    hide_values: bool = False,
    renames: tuple[tuple[str, str], ...] = (),
) -> list[FieldChange]:
    """Changed leaves between two objects; list elements are matched by their identity (docs/review-json.md).

    With `renames` ((old, new) names and digests), a change that those substitutions explain is marked
    `follows`, and list elements are matched after them (a requestor naming the new revision of a service
    pairs with the one naming the old revision).
    """
    kind = str(new.get("kind", "")) if not path and isinstance(new, dict) else ""
    out: list[FieldChange] = []
    _diff(old, new, path, (), _DiffContext(kind, hide_values, renames), out)
    return out


class _DiffContext:
    __slots__ = ("hide", "kind", "renames")

    def __init__(self, kind: str, hide: bool, renames: tuple[tuple[str, str], ...]) -> None:
        self.kind = kind
        self.hide = hide
        self.renames = renames


def _diff(
    old: Any, new: Any, path: str, shape: tuple[str, ...], ctx: _DiffContext, out: list[FieldChange]
) -> None:
    """`shape` is the path's keys without list positions: what the list rules look at."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys(), key=str):
            before, after = old.get(key, MISSING), new.get(key, MISSING)
            _diff(before, after, _join(path, key), (*shape, str(key)), ctx, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        _diff_list(old, new, path, shape, ctx, out)
        return
    if old is new or (old is not MISSING and new is not MISSING and old == new and type(old) is type(new)):
        return
    renames = ctx.renames
    follows = (
        bool(renames) and isinstance(old, str) and isinstance(new, str) and _substitute(old, renames) == new
    )
    op = _leaf_op(old, new)
    if ctx.hide:
        out.append(FieldChange(path, "", "", follows=follows, op=op, hidden=True))
        return
    out.append(FieldChange(path, display_value(old), display_value(new), follows=follows, op=op))


def _leaf_op(old: Any, new: Any) -> str:
    return ADDED if old is MISSING else REMOVED if new is MISSING else CHANGED


# How the elements of a list are matched between two versions, by the list's place (its keys from the object's
# root, without list positions). Kubernetes and DPF treat these lists as sets or as maps keyed by a field; any
# other list of objects that all have a distinct `name` is keyed by it (containers, env, volumes ...), and the
# rest are ordered lists, compared as sequences (an inserted element is one addition, not a shifted tail).
SET = "set"  # scalars, order meaningless
KEYED = "keyed"  # objects identified by a field, order meaningless
NAMED = "named"  # objects identified by `name`, order kept
ORDERED = "ordered"


def _list_rule(shape: tuple[str, ...], kind: str) -> tuple[str, Any]:
    """The rule for the list at `shape` and, for keyed lists, the function giving an element's identity."""
    last = shape[-1] if shape else ""
    if last in ("nodeMaintenanceAdditionalRequestors", "requiredIPFamilies") or shape[-2:] in (
        ("matchExpressions", "values"),
        ("matchFields", "values"),
    ):
        return SET, None
    if kind == DPUSERVICE and shape == ("spec", "interfaces"):  # the names of its DPUServiceInterfaces
        return SET, None
    if last in ("matchExpressions", "matchFields"):  # the requirements are ANDed
        return KEYED, _requirement_identity
    if shape[-2:] == ("switches", "ports"):  # a port is what it selects; the switches' order matters
        return KEYED, _port_identity
    if last == "nodeSelectorTerms":  # the terms are ORed
        return KEYED, _term_identity
    return ORDERED, None


def _requirement_identity(element: Any, _: int) -> tuple[str, str] | None:
    key = element.get("key") if isinstance(element, dict) else None
    return (key, f"key={key}") if isinstance(key, str) else None


def _port_identity(element: Any, _: int) -> tuple[str, str] | None:
    """`service/interface` for a port of a DPF service (DPUDeployment or child), else its selector's labels."""
    if not isinstance(element, dict):
        return None
    service = element.get("service")
    if isinstance(service, dict):
        text = f"{service.get('name', '')}/{service.get('interface', '')}"
        return text, text
    selector = element.get("serviceInterface")
    labels = selector.get("matchLabels") if isinstance(selector, dict) else None
    if not isinstance(labels, dict) or not labels:
        return None
    service_id = labels.get(naming.SERVICE_ID_LABEL)
    interface = labels.get(naming.INTERFACE_LABEL)
    if isinstance(service_id, str) and isinstance(interface, str) and len(labels) == 2:
        parts = service_id.split(
            "_"
        )  # `<deployment>_<service>_<digest>`: the digest changes with the content
        text = f"{parts[1] if len(parts) == 3 else service_id}/{interface}"
        return text, text
    text = ",".join(f"{k}={v}" for k, v in sorted(labels.items(), key=lambda kv: str(kv[0])))
    return text, text


def _term_identity(element: Any, index: int) -> tuple[str, str] | None:
    """The label keys a node selector term requires, shown by position."""
    if not isinstance(element, dict):
        return None
    keys = sorted(
        str(r.get("key"))
        for field in ("matchExpressions", "matchFields")
        for r in element.get(field) or []
        if isinstance(r, dict)
    )
    return (",".join(keys), str(index)) if keys else None


def _name_identity(element: Any, _: int) -> tuple[str, str] | None:
    name = element.get("name") if isinstance(element, dict) else None
    return (name, f"name={name}") if isinstance(name, str) else None


def _diff_list(
    old: list[Any],
    new: list[Any],
    path: str,
    shape: tuple[str, ...],
    ctx: _DiffContext,
    out: list[FieldChange],
) -> None:
    rule, identity = _list_rule(shape, ctx.kind)
    if max(len(old), len(new)) > MAX_MATCHED_ELEMENTS:
        _diff_positions(old, new, path, shape, ctx, out)
        return
    if rule == ORDERED:
        if ctx.renames and old and _same_scalars(old, new, ctx.renames):
            rule = SET  # a sorted list of names whose order only moved with the new names
        elif all(isinstance(e, dict) for e in (*old, *new)) and (old or new):
            rule, identity = NAMED, _name_identity
    if rule == SET:
        if all(isinstance(e, (str, int, float, bool)) for e in (*old, *new)):
            _diff_set(old, new, path, ctx, out)
            return
        rule = ORDERED
    if rule in (KEYED, NAMED) and not _diff_keyed(old, new, path, shape, ctx, identity, rule == NAMED, out):
        rule = ORDERED
    if rule == ORDERED:
        _diff_sequence(old, new, path, shape, ctx, out)


def _diff_set(old: list[Any], new: list[Any], path: str, ctx: _DiffContext, out: list[FieldChange]) -> None:
    """Scalars as a set: an old element whose new name is in the new list is shown as that rename."""
    after = {_scalar_key(v): v for v in new}
    before = {_scalar_key(v, ctx.renames): v for v in old}
    for key, value in before.items():
        if key in after:
            _diff(value, after[key], path, (), ctx, out)
    for key, value in before.items():
        if key not in after:
            out.append(_element(REMOVED, path, value, ctx))
    for key, value in after.items():
        if key not in before:
            out.append(_element(ADDED, path, value, ctx))


def _scalar_key(value: Any, renames: tuple[tuple[str, str], ...] = ()) -> str:
    text = _substitute(value, renames) if isinstance(value, str) else value
    return json.dumps(text)


def _diff_keyed(
    old: list[Any],
    new: list[Any],
    path: str,
    shape: tuple[str, ...],
    ctx: _DiffContext,
    identity: Any,
    ordered: bool,
    out: list[FieldChange],
) -> bool:
    """Elements matched by identity; False (nothing written) when an element has none or two share one."""
    before = [identity(e, i) for i, e in enumerate(old)]
    after = [identity(e, i) for i, e in enumerate(new)]
    if None in before or None in after:
        return False
    old_keys = [_substitute(key, ctx.renames) for key, _ in before]
    new_keys = [key for key, _ in after]
    by_key = {key: i for i, key in enumerate(old_keys)}
    new_set = set(new_keys)
    if len(by_key) != len(old_keys) or len(new_set) != len(new_keys):
        return False
    kept = [key for key in new_keys if key in by_key]
    if ordered and kept != [key for key in old_keys if key in new_set]:
        out.append(FieldChange(path, "", "", op=REORDERED))
    for j, key in enumerate(new_keys):
        if key in by_key:
            _diff(old[by_key[key]], new[j], f"{path}[{after[j][1]}]", shape, ctx, out)
    out.extend(
        _element(REMOVED, f"{path}[{label}]", old[i], ctx)
        for i, (key, (_, label)) in enumerate(zip(old_keys, before, strict=True))
        if key not in new_set
    )
    out.extend(
        _element(ADDED, f"{path}[{label}]", new[j], ctx)
        for j, (key, label) in enumerate(after)
        if key not in by_key
    )
    return True


def _diff_sequence(
    old: list[Any],
    new: list[Any],
    path: str,
    shape: tuple[str, ...],
    ctx: _DiffContext,
    out: list[FieldChange],
) -> None:
    """An ordered list as a sequence: equal runs (after the renames) matched, the rest added or removed."""
    import difflib

    old_keys = [_substitute(_canonical(e), ctx.renames) for e in old]
    new_keys = [_canonical(e) for e in new]
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    removed: list[FieldChange] = []
    added: list[FieldChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        for k in range(paired):
            _diff(old[i1 + k], new[j1 + k], f"{path}[{j1 + k}]", shape, ctx, out)
        removed.extend(_element(REMOVED, f"{path}[{i}]", old[i], ctx) for i in range(i1 + paired, i2))
        added.extend(_element(ADDED, f"{path}[{j}]", new[j], ctx) for j in range(j1 + paired, j2))
    out.extend(removed + added)


def _diff_positions(
    old: list[Any],
    new: list[Any],
    path: str,
    shape: tuple[str, ...],
    ctx: _DiffContext,
    out: list[FieldChange],
) -> None:
    for i in range(max(len(old), len(new))):
        before = old[i] if i < len(old) else MISSING
        after = new[i] if i < len(new) else MISSING
        _diff(before, after, f"{path}[{i}]", shape, ctx, out)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _element(op: str, path: str, value: Any, ctx: _DiffContext) -> FieldChange:
    """A list element added or removed: scalars are shown, objects and lists only by their path."""
    text = "" if isinstance(value, (dict, list)) else display_value(value)
    old, new = (text, "") if op == REMOVED else ("", text)
    return FieldChange(path, old, new, op=op, element=True, hidden=ctx.hide)


def _same_scalars(old: list[Any], new: list[Any], renames: tuple[tuple[str, str], ...]) -> bool:
    if not all(isinstance(v, str) for v in (*old, *new)):
        return False
    return sorted(_substitute(v, renames) for v in old) == sorted(new)


def _join(path: str, key: Any) -> str:
    text = str(key)
    if _PLAIN_KEY.match(text):
        return f"{path}.{text}" if path else text
    return f"{path}[{text}]"


def display_value(value: Any) -> str:
    """A short, single-line rendering of a value: `(none)`, a scalar, `{…}` or `[…]`."""
    if value is MISSING:
        return NONE_TEXT
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    if isinstance(value, list):
        return "[…]" if value else "[]"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False) if _LOOKS_TYPED.match(value) or "\n" in value else value
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def describe_selector(selector: Any) -> str:
    """A label selector as `k=v, k In (a, b), k Exists`, or "" when it selects everything."""
    if not isinstance(selector, dict):
        return ""
    parts: list[str] = []
    labels = selector.get("matchLabels")
    if isinstance(labels, dict):
        parts.extend(f"{k}={v}" for k, v in sorted(labels.items(), key=lambda kv: str(kv[0])))
    for expression in selector.get("matchExpressions") or []:
        if not isinstance(expression, dict):
            continue
        key, operator = expression.get("key", ""), expression.get("operator", "")
        values = expression.get("values") or []
        parts.append(f"{key} {operator} ({', '.join(map(str, values))})" if values else f"{key} {operator}")
    return ", ".join(parts)


def describe_nodes(dpuset: dict[str, Any]) -> str:
    """Which nodes a DPUSet covers: its dpuNodeSelector, and its dpuDeviceSelector when it has one."""
    spec = _as_map(dpuset.get("spec"))
    nodes = describe_selector(spec.get("dpuNodeSelector"))
    text = f"nodes matching {nodes}" if nodes else "all nodes"
    devices = describe_selector(spec.get("dpuDeviceSelector"))
    return f"{text} (DPUs: {devices})" if devices else text


def describe_dpuset(dpuset: dict[str, Any]) -> dict[str, str]:
    """A DPUSet's name, the nodes it covers and its node effect, as text."""
    return {
        "name": str(_as_map(dpuset.get("metadata")).get("name", "")),
        "nodes": describe_nodes(dpuset),
        "nodeEffect": describe_node_effect(_template_spec(dpuset).get("nodeEffect")),
    }


def describe_node_effect(node_effect: Any) -> str:
    """The action of a DPUSet nodeEffect: drain, taint key=value:Effect, noEffect, customLabel …"""
    if not isinstance(node_effect, dict):
        return "drain"
    for action in NODE_EFFECT_ACTIONS:
        value = node_effect.get(action)
        if value is None or value is False:
            continue
        if action == "taint" and isinstance(value, dict):
            pair = (
                f"{value.get('key', '')}={value['value']}"
                if value.get("value")
                else str(value.get("key", ""))
            )
            return f"taint {pair}:{value.get('effect', '')}"
        if action == "customLabel" and isinstance(value, dict):
            return "customLabel " + ", ".join(
                f"{k}={v}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            )
        if action == "drain" and node_effect.get("force") is True:
            return "drain (force)"
        return action
    return "drain"
