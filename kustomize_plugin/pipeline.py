"""The main path: `render(items, config, mode=...)` gives one `Rendering`; `execute(read, config, ...)` gives
one `Outcome`, and is what every adapter (KRM function, legacy plugin, Argo CD plugin, CLI commands) runs.

`render` goes index → validate → derive revisions → check the children, and returns a `Rendering`: every
result, each DPUDeployment's revision, the inputs that stay in the output, the input index. Every problem is
collected as a result; a DPUDeployment with an error emits nothing. The children are not kept: the writer
iterates `Rendering.documents()`, which builds them one DPUDeployment at a time while they are written, so a
fleet's memory stays at the size of its output text; `objects()` is the materialised list the review tools
compare. `execute` runs read (the adapter's own callable) → read errors stop → render → sort the results →
exit code. Pure: no stdio, environment, clock or filesystem here; only the adapter's `read` touches them.
"""

from __future__ import annotations

import gc

from . import emit, naming
from . import results as R
from .emit import CHILD_KINDS
from .expand.chain import generate_chain
from .expand.dpuservice import generate_dpuservice
from .expand.dpuset import generate_dpuset
from .expand.interface import generate_interface
from .expand.revisions import derive_revision
from .index import Item, index_inputs, kind_of, read_views
from .lock import API_VERSION as LOCK_API_VERSION
from .lock import KIND as LOCK_KIND
from .lock import LOCAL_CONFIG, lock_changes
from .model import DEPLOYMENT
from .validate.chains import check_chain_ports
from .validate.children import check_children
from .validate.collisions import find_collisions
from .validate.dependencies import order_services
from .validate.fitting import check_fitting
from .validate.prerequisites import not_checked, resolve
from .validate.schema import check_input
from .validate.versions import check_versions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from .config import RenderConfig
    from .expand.revisions import DeploymentRevision
    from .index import Inputs
    from .lock import DeploymentLock
    from .progress import Progress
    from .results import Result

    # What an adapter reads: the input items, and every problem found while reading them.
    Read = Callable[[], tuple[list[Item], list[Result]]]

FINAL = "final"  # manifests to apply: consumed inputs dropped (docs/output-format.md)
KRM = "krm"  # kustomize/kpt: consumed inputs kept, marked local-config


class Rendering:
    """One render: its results, each rendered DPUDeployment's revision, the inputs that stay in the output (in
    input order), the input index and the options; the children on demand (`documents`)."""

    __slots__ = ("children", "config", "index", "kept", "progress", "results", "revisions")

    def __init__(self, config: RenderConfig, index: Inputs) -> None:
        self.config = config
        self.index = index
        self.kept: list[Any] = []
        self.results: list[Result] = []
        self.revisions: list[DeploymentRevision] = []
        self.children = 0  # how many objects `documents` builds
        self.progress: Progress | None = None  # the CLI's counter on a terminal

    def documents(self) -> Iterator[tuple[Any, bool]]:
        """The output in order, as (object, generated?) pairs: the kept inputs, then the children of each
        DPUDeployment, built one DPUDeployment at a time as they are asked for. A generated object's keys are
        as built: the writer puts them in canonical order (`emit.canonical`)."""
        for obj in self.kept:
            yield obj, False
        progress = self.progress
        if progress is not None:
            progress.start("building", len(self.revisions))
        for revision in self.revisions:
            if progress is not None:
                progress.step()
            for child in build_children(revision, self.config):
                yield child, True

    def objects(self) -> list[Any]:
        """The whole output as objects, children in canonical key order: what the review tools compare."""
        return [emit.canonical(obj) if generated else obj for obj, generated in self.documents()]


class Outcome:
    """What `execute` decided: the items read, the rendering (None when the inputs could not be read), the
    sorted results and the exit code. The adapter writes the output only when the code is 0."""

    __slots__ = ("code", "items", "rendering", "results")

    def __init__(
        self, items: list[Item], rendering: Rendering | None, results: list[Result], code: int
    ) -> None:
        self.items = items
        self.rendering = rendering
        self.results = results
        self.code = code


def execute(
    read: Read,
    config: RenderConfig,
    *,
    mode: str,
    progress: Progress | None = None,
    stale_lock: str | None = R.WARNING,
) -> Outcome:
    """read → read errors stop → render → sort the results → exit code (`strict` makes warnings fail)."""
    items, results = read()
    if R.has_errors(results):
        return Outcome(items, None, R.sort_results(results), R.EXIT_INPUT_ERROR)
    rendering = render(items, config, mode=mode, progress=progress, stale_lock=stale_lock)
    results = R.sort_results(results + rendering.results)
    return Outcome(items, rendering, results, R.exit_code(results, strict=config.strict))


def render(
    items: list[Item],
    config: RenderConfig,
    *,
    mode: str,
    progress: Progress | None = None,
    stale_lock: str | None = R.WARNING,
) -> Rendering:
    """Index, validate and derive every DPUDeployment's revision; every result is known when this returns.

    `stale_lock` is the severity of an out-of-date revision lock among the inputs: a warning for a render,
    an error for `check` (the committed lock must record the render), None for `lock`, which updates it."""
    # Rendering builds views and revisions, none of them cyclic: the cyclic collector would only rescan the
    # growing set of live objects again and again (a fleet ten times larger would take twelve times longer).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _render(items, config, mode, progress, stale_lock)
    finally:
        if collecting:
            gc.enable()


def index_and_check(items: list[Item], config: RenderConfig) -> tuple[Inputs, list[Result]]:
    """The index stage and the schema check of the validate stage: the views of what the schema leaves usable."""
    inputs = index_inputs(items, config.namespace)
    verdicts = [check_input(item.obj, ref) for item, ref in inputs.entries]
    read_views(inputs, [(R.has_errors(problems), readable) for problems, readable in verdicts])
    return inputs, [r for problems, _ in verdicts for r in problems]


def _render(
    items: list[Item], config: RenderConfig, mode: str, progress: Progress | None, stale_lock: str | None
) -> Rendering:
    inputs, results = index_and_check(items, config)
    results += inputs.results
    out = Rendering(config, inputs)
    out.progress = progress
    consumed: set[int] = set()
    prerequisites: set[int] = set()
    expanded: set[str] = set()
    counts: dict[str, int] = {}  # children per DPUDeployment, by owner
    if progress is not None:
        progress.start("checking", len(inputs.deployments))
    for item, deployment in inputs.deployments:
        if progress is not None:
            progress.step()
        # Every check runs on what is usable, whatever failed before it, so that one run reports every problem
        # (docs/checks.md); only a DPUDeployment without any error gets a revision and children.
        found, problems = resolve(deployment, inputs)
        checks = problems + check_versions(deployment, found, config) + check_fitting(deployment, found)
        order, problems = order_services(deployment)
        checks += problems + check_chain_ports(deployment, found)
        checks += not_checked(deployment, found)
        results.extend(checks)
        resolved = found.complete()
        valid = (DEPLOYMENT, deployment.namespace, deployment.name) not in inputs.invalid
        if resolved is None or order is None or not valid or R.has_errors(checks):
            from .validate.templating import check_templates  # only a failed DPUDeployment needs it

            results.extend(check_templates(deployment, found))
            continue
        locked = inputs.locks.get((deployment.namespace, deployment.name))
        revision, problems = derive_revision(deployment, resolved, order, locked[1] if locked else None)
        results.extend(problems)
        if revision is None:
            continue
        # Built once here to check them and dropped: `Rendering.documents` builds them again while they are
        # written, so a fleet's memory stays at the size of one DPUDeployment's children.
        built = build_children(revision, config)
        problems = check_children(revision, built)
        if problems:
            results.extend(problems)
            continue
        if revision.stale and stale_lock is not None:
            results.append(_stale_lock(revision, stale_lock))
        out.revisions.append(revision)
        counts[revision.owner] = len(built)
        expanded.add(revision.owner)
        consumed.add(id(item.obj))
        consumed.update(id(t.source.obj) for t in resolved.templates.values())
        consumed.update(id(c.source.obj) for c in resolved.configurations.values())
        prerequisites.update((id(resolved.bfb.source.obj), id(resolved.flavor.source.obj)))
    locks = {
        id(inputs.locks[(r.deployment.namespace, r.deployment.name)][0].obj): r.lock
        for r in out.revisions
        if (r.deployment.namespace, r.deployment.name) in inputs.locks
    }
    kept = _pass_through(items, consumed, prerequisites, expanded, config, mode, locks)
    collisions, colliding = find_collisions(kept, out.revisions, config.namespace)
    results.extend(collisions)
    if colliding:
        out.revisions = [r for r in out.revisions if r.owner not in colliding]
    out.children = sum(counts[r.owner] for r in out.revisions)
    if not out.children and not config.allow_empty and not R.has_errors(results):
        results.append(
            R.error(
                "no DPF children were rendered: the inputs hold no DPUDeployment. An empty render is refused because "
                "a GitOps tool would prune every child it deployed before (Argo CD auto-prune, kustomize callers); "
                "set allowEmpty (--allow-empty) if this is intended."
            )
        )
    results.extend(_orphan_locks(inputs, {(d.namespace, d.name) for _, d in inputs.deployments}))
    out.results = R.sort_results(results)
    out.kept = [obj for _, obj in kept]
    return out


def with_locks(items: list[Item], locks: list[DeploymentLock], config: RenderConfig) -> list[Item]:
    """The items with `locks` in place of any lock they hold for the same DPUDeployments: the inputs as DPF's
    controller would see them with those revisions live. A lock is keyed as the index keys it, a missing
    namespace taking the configured default."""
    replaced = {(lock.namespace, lock.name) for lock in locks}

    def is_replaced(item: Item) -> bool:
        if kind_of(item.obj) != (LOCK_API_VERSION, LOCK_KIND):
            return False
        ref = item.ref(config.namespace)
        return (ref.namespace, ref.name) in replaced

    kept = [item for item in items if not is_replaced(item)]
    return kept + [Item(lock.to_object(), len(kept) + i) for i, lock in enumerate(locks)]


def _stale_lock(revision: DeploymentRevision, severity: str) -> Result:
    """The lock among the inputs records an earlier state: this render used the updated one."""
    locked = revision.locked
    assert locked is not None
    changes = "; ".join(lock_changes(locked, revision.lock))
    return R.Result(
        severity,
        f"the revision lock is out of date ({changes}); this render applied the change to it: run "
        "`dpf-render lock` and commit the result, or the next change will be compared with the old state",
        locked.ref,
        "spec",
        condition=R.LOCK_CURRENT,
    )


def _orphan_locks(inputs: Inputs, deployments: set[tuple[str, str]]) -> list[Result]:
    return [
        R.warning(
            f"no DPUDeployment {ns}/{name} among the inputs: this revision lock is not used",
            lock.ref,
            "metadata.name",
            condition=None,
        )
        for (ns, name), (_, lock) in sorted(inputs.locks.items())
        if (ns, name) not in deployments
    ]


def build_children(revision: DeploymentRevision, config: RenderConfig) -> list[dict[str, Any]]:
    """All children of one DPUDeployment in output order, keys as built (`emit.canonical` orders them)."""
    d = revision.deployment
    built = [generate_dpuset(revision, s) for s in d.dpu_sets]
    for service in revision.services:
        built.append(generate_dpuservice(revision, service))
        built.extend(
            generate_interface(revision, service, interface, name) for interface, name in service.interfaces
        )
    if revision.chain is not None:
        built.append(generate_chain(revision, revision.chain))
    if config.sync_waves or config.sync_options:
        from .expand.syncwaves import CHILD_OPTIONS, annotate, child_waves  # Argo CD options only

        waves = child_waves(revision) if config.sync_waves else {}
        options = CHILD_OPTIONS if config.sync_options else None
        built = [
            annotate(c, wave=waves.get((c["kind"], c["metadata"]["name"])), options=options) for c in built
        ]
    return emit.order_raw(built)


def _pass_through(
    items: list[Item],
    consumed: set[int],
    prerequisites: set[int],
    expanded: set[str],
    config: RenderConfig,
    mode: str,
    locks: dict[int, DeploymentLock],
) -> list[tuple[Item, Any]]:
    """Input items in input order: previous renders of expanded deployments replaced, consumed inputs handled.

    Revision locks never reach a cluster: final manifests drop them; KRM modes keep them, as local-config,
    updated to this render (kpt writes them back into the package).
    """
    kept: list[tuple[Item, Any]] = []
    for item in items:
        obj = item.obj
        if _is_previous_child(obj, expanded):
            continue
        if kind_of(obj) == (LOCK_API_VERSION, LOCK_KIND):
            if mode == KRM:
                updated = locks.get(id(obj))
                kept.append((item, updated.to_object() if updated is not None else _mark_local_config(obj)))
            continue
        if id(obj) in prerequisites and (config.sync_waves or config.sync_options):
            from .expand.syncwaves import PREREQUISITE_OPTIONS, PREREQUISITE_WAVE, annotate

            obj = annotate(
                obj,
                wave=PREREQUISITE_WAVE if config.sync_waves else None,
                options=PREREQUISITE_OPTIONS if config.sync_options else None,
            )
        if id(obj) in consumed:
            if mode == KRM:
                kept.append((item, _mark_local_config(obj)))
            elif config.keep_inputs:
                kept.append((item, obj))
            continue
        kept.append((item, obj))
    return kept


def _is_previous_child(obj: Any, expanded: set[str]) -> bool:
    gvk = kind_of(obj)
    if gvk is None or gvk[1] not in CHILD_KINDS:
        return False
    labels = (obj.get("metadata") or {}).get("labels")
    owner = labels.get(naming.OWNER_LABEL) if isinstance(labels, dict) else None
    # Any YAML value can sit there (a map cannot even be looked up in a set); only a string names an owner.
    return isinstance(owner, str) and owner in expanded


def _mark_local_config(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    if annotations.get(LOCAL_CONFIG) == "true":
        return obj
    return {**obj, "metadata": {**metadata, "annotations": {**annotations, LOCAL_CONFIG: "true"}}}
