"""`run(items, config, mode) -> (items, results)`: index → validate → plan revisions → build → order.

The only entry the adapters (KRM function, CLI, Argo CD plugin) call. Pure: no stdio, environment, clock or
filesystem. Every problem is collected as a result; a DPUDeployment with an error emits nothing, and the
caller decides from the results whether anything is written at all.
"""

from __future__ import annotations

from . import emit, naming
from . import results as R
from .expand.chain import generate_chain
from .expand.dpuservice import generate_dpuservice
from .expand.dpuset import generate_dpuset
from .expand.interface import generate_interface
from .expand.revisions import plan_revisions
from .expand.syncwaves import CHILD_OPTIONS, PREREQUISITE_OPTIONS, PREREQUISITE_WAVE, annotate, child_waves
from .inputs import index_inputs, kind_of
from .validate.dependencies import order_services
from .validate.fitting import check_fitting
from .validate.prerequisites import resolve
from .validate.versions import check_versions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .config import RenderConfig
    from .expand.revisions import DeploymentRevision
    from .inputs import Item
    from .results import Result

FINAL = "final"  # manifests to apply: consumed inputs dropped (SPEC §2.8)
KRM = "krm"  # kustomize/kpt: consumed inputs kept, marked local-config

LOCAL_CONFIG = "config.kubernetes.io/local-config"
CHILD_KINDS = frozenset(emit.KIND_ORDER)


class Render:
    """What one run produced: the output items, the results, and per DPUDeployment its revision."""

    __slots__ = ("children", "items", "results", "revisions")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.results: list[Result] = []
        self.revisions: list[DeploymentRevision] = []
        self.children = 0


def run(items: list[Item], config: RenderConfig, *, mode: str = FINAL) -> tuple[list[Any], list[Result]]:
    render = render_items(items, config, mode=mode)
    return render.items, render.results


def render_items(items: list[Item], config: RenderConfig, *, mode: str = FINAL) -> Render:
    out = Render()
    inputs = index_inputs(items, config.namespace)
    results: list[Result] = list(inputs.results)
    consumed: set[int] = set()
    prerequisites: set[int] = set()
    expanded: set[str] = set()
    children: list[dict[str, Any]] = []
    for item, deployment in inputs.deployments:
        resolved, found = resolve(deployment, inputs)
        results.extend(found)
        if resolved is None:
            continue
        checks = check_versions(deployment, resolved, config) + check_fitting(deployment, resolved)
        order, found = order_services(deployment)
        results.extend(checks + found)
        if order is None or R.has_errors(checks):
            continue
        revision, found = plan_revisions(deployment, resolved, order)
        results.extend(found)
        if revision is None:
            continue
        out.revisions.append(revision)
        expanded.add(revision.owner)
        consumed.add(id(item.obj))
        consumed.update(id(t.source.obj) for t in resolved.templates.values())
        consumed.update(id(c.source.obj) for c in resolved.configurations.values())
        prerequisites.update((id(resolved.bfb.source.obj), id(resolved.flavor.source.obj)))
        children.extend(build_children(revision, config))
    out.results = R.sort_results(results)
    if not children and not config.allow_empty and not R.has_errors(out.results):
        out.results.append(
            R.error(
                "no DPF children were rendered: the inputs hold no DPUDeployment. An empty render is refused because "
                "a GitOps tool would prune every child it deployed before (Argo CD auto-prune, kustomize callers); "
                "set allowEmpty (--allow-empty) if this is intended."
            )
        )
    out.children = len(children)
    out.items = _pass_through(items, consumed, prerequisites, expanded, config, mode) + children
    return out


def build_children(revision: DeploymentRevision, config: RenderConfig) -> list[dict[str, Any]]:
    """All children of one DPUDeployment, in emit order."""
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
        waves = child_waves(revision) if config.sync_waves else {}
        options = CHILD_OPTIONS if config.sync_options else None
        built = [
            annotate(c, wave=waves.get((c["kind"], c["metadata"]["name"])), options=options) for c in built
        ]
    return emit.order_children(built)


def _pass_through(
    items: list[Item],
    consumed: set[int],
    prerequisites: set[int],
    expanded: set[str],
    config: RenderConfig,
    mode: str,
) -> list[Any]:
    """Input items in input order: previous renders of expanded deployments replaced, consumed inputs handled."""
    kept: list[Any] = []
    for item in items:
        obj = item.obj
        if _is_previous_child(obj, expanded):
            continue
        if id(obj) in prerequisites and (config.sync_waves or config.sync_options):
            obj = annotate(
                obj,
                wave=PREREQUISITE_WAVE if config.sync_waves else None,
                options=PREREQUISITE_OPTIONS if config.sync_options else None,
            )
        if id(obj) in consumed:
            if mode == KRM:
                kept.append(_mark_local_config(obj))
            elif config.keep_inputs:
                kept.append(obj)
            continue
        kept.append(obj)
    return kept


def _is_previous_child(obj: Any, expanded: set[str]) -> bool:
    gvk = kind_of(obj)
    if gvk is None or gvk[1] not in CHILD_KINDS:
        return False
    labels = (obj.get("metadata") or {}).get("labels")
    return isinstance(labels, dict) and labels.get(naming.OWNER_LABEL) in expanded


def _mark_local_config(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    if annotations.get(LOCAL_CONFIG) == "true":
        return obj
    return {**obj, "metadata": {**metadata, "annotations": {**annotations, LOCAL_CONFIG: "true"}}}
