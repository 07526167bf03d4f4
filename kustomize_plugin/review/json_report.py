"""Plans, check verdicts and descriptions as JSON documents for bots and dashboards (docs/review-json.md).

The only code that builds these documents. Each carries `apiVersion` and `kind`, and its shape is the JSON
Schema shipped beside the package (`schemas/<command>-v1.json`): a change that only adds fields keeps the
version; one that removes, renames or retypes a field makes a new version and a new schema file.
"""

from __future__ import annotations

import json

from .. import __version__
from .plan import ACTIONS, ADDED, CHANGED, REMOVED
from .plan_report import verdict

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

    from ..results import Result
    from .check import Drift
    from .describe import DeploymentView
    from .plan import Change, FieldChange, NodeEffect, Plan

API_VERSION = "review.dpf-render.io/v1"
PLAN, CHECK, DESCRIPTION = "Plan", "Check", "Description"


def dump(document: dict[str, Any]) -> str:
    """Indented UTF-8 JSON with a final newline; keys in the order the document was built (the schema's)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _header(kind: str) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": kind,
        "generator": {"name": "dpf-render", "version": __version__},
    }


def results_list(results: Iterable[Result]) -> list[dict[str, Any]]:
    """Results as the KRM functions spec writes them (severity, message, resourceRef, field, file)."""
    return [r.to_dict() for r in results]


# --------------------------------------------------------------------------------------------------------
# plan


def plan_document(plan: Plan) -> dict[str, Any]:
    headline, points = verdict(plan)
    document = _header(PLAN)
    document.update(
        base=plan.base,
        head=plan.head,
        changed=bool(plan.changes),
        disruptive=plan.disruptive,
        verdict={"headline": headline, "points": points},
        counts={action: plan.count(action) for action in ACTIONS},
        warnings=results_list(plan.warnings),
        groups=[
            {
                "deployment": _deployment(group.owner),
                "title": group.title,
                "nodeEffects": [_effect(e) for e in group.effects],
                "changes": [_change(c) for c in group.changes],
                "dpfNotes": list(group.dpf_notes),
            }
            for group in plan.groups
        ],
    )
    return document


def _deployment(owner: str | None) -> dict[str, str] | None:
    if owner is None:
        return None
    namespace, _, name = owner.partition("_")
    return {"namespace": namespace, "name": name}


def _effect(effect: NodeEffect) -> dict[str, Any]:
    return {
        "dpuSet": effect.dpuset,
        "namespace": effect.namespace,
        "status": effect.status,
        "nodes": effect.nodes,
        "action": effect.action,
        "runs": effect.runs,
        "disruptive": effect.disruptive,
        "labels": [_field(label) for label in effect.labels],
        "notes": list(effect.notes),
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "action": change.action,
        "kind": change.kind,
        "namespace": change.namespace,
        "oldName": change.old_name or None,
        "newName": change.new_name or None,
        "subject": change.subject,
        "disruptive": change.disruptive,
        "notes": list(change.notes),
        "fields": [_field(f) for f in change.fields],
    }


def _field(field: FieldChange) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": field.path,
        "change": field.op,
        "element": field.element,
        "follows": field.follows,
    }
    if field.hidden:
        out["hidden"] = True
        return out
    if field.op in (CHANGED, REMOVED) and field.old:
        out["old"] = field.old
    if field.op in (CHANGED, ADDED) and field.new:
        out["new"] = field.new
    return out


# --------------------------------------------------------------------------------------------------------
# check


def check_document(drift: Drift, paths: Sequence[str]) -> dict[str, Any]:
    document = _header(CHECK)
    document.update(
        status="clean" if drift.clean else "drift",
        clean=drift.clean,
        paths=list(paths),
        directory=drift.directory,
        exists=drift.exists,
        total=drift.total,
        changed=list(drift.changed),
        missing=list(drift.missing),
        extra=list(drift.extra),
        diff=drift.diff,
    )
    return document


# --------------------------------------------------------------------------------------------------------
# describe


def describe_document(views: list[DeploymentView], others: list[Result]) -> dict[str, Any]:
    from .plan import describe_dpuset

    document = _header(DESCRIPTION)
    deployments = [
        {
            "namespace": view.namespace,
            "name": view.name,
            "ready": view.ready,
            "rendered": view.revision is not None,
            "conditions": [
                {
                    "type": c.type,
                    "status": c.status,
                    "errors": list(c.errors),
                    "warnings": list(c.warnings),
                }
                for c in view.conditions
            ],
            "dpuSets": [describe_dpuset(doc) for doc in view.dpusets],
            "services": view.services,
            "chain": view.chain,
        }
        for view in views
    ]
    document.update(deployments=deployments, problems=results_list(others))
    return document
