"""A plan as text for a terminal, or as Markdown for a pull-request comment (templates/plan.md.j2).

The only code that formats a plan. Both formats say the same things in the same order: per DPUDeployment
the changed objects and what happens on its DPU nodes, then a summary of what is disruptive and what is not.
"""

from __future__ import annotations

from importlib import resources

from .. import __version__
from .plan import ACTION_SYMBOL, ACTION_TEXT, ACTIONS, ADDED, CHAIN, DPUSERVICE, REMOVED, REPLACED, UPDATED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .plan import Change, NodeEffect, Plan

TEMPLATE = "plan.md.j2"
MARKER = "<!-- dpf-render-plan -->"  # lets a CI job find and update its own comment
TABLE_FIELDS = 5  # changed fields shown in a table cell; the rest are in the collapsed list
NAMES_SHOWN = 10  # names listed in one sentence of the verdict
WARNINGS_SHOWN = 20  # warnings listed in a Markdown plan; the job's log has them all
MAX_COMMENT_CHARS = 60_000  # GitHub refuses comments over 65536 characters; leave room for a footer


# SGR codes of the text plan on a terminal: red for what disrupts or goes, green for what comes, yellow for
# in-place updates and cautions.
BOLD, DIM, RED, GREEN, YELLOW = "1", "2", "31", "32", "33"
ACTION_COLOUR = {ADDED: GREEN, REMOVED: RED, UPDATED: YELLOW, REPLACED: RED}


def format_text(plan: Plan, *, color: bool = False) -> str:
    """The plan for a terminal; `color` adds ANSI colours (the caller decides: a TTY, NO_COLOR, --color)."""

    def paint(text: str, *styles: str) -> str:
        return f"\x1b[{';'.join(styles)}m{text}\x1b[0m" if color and text else text

    lines = [paint(f"dpf-render plan: {plan.base} → {plan.head}", BOLD), ""]
    if not plan.changes:
        lines.append("No changes: both sides render the same objects.")
        return "\n".join(lines + _warning_lines(plan, paint)) + "\n"
    for group in plan.groups:
        lines.append(paint(group.title, BOLD))
        if group.effects:
            lines.append("  DPU nodes:")
            for effect in group.effects:
                symbol = _effect_symbol(effect)
                colour = GREEN if symbol == "+" else RED if symbol in ("-", "!") else DIM
                lines.append(f"    {paint(symbol, BOLD, colour)} {_effect_headline(effect)}")
                lines.extend(f"        {label.text()}" for label in effect.labels)
                lines.extend(f"        {note}" for note in effect.notes)
        lines.append("  Objects:")
        for change in group.changes:
            symbol = paint(ACTION_SYMBOL[change.action], BOLD, ACTION_COLOUR[change.action])
            padding = " " * (3 - len(ACTION_SYMBOL[change.action]))
            headline = _headline(change, group.owner is None)
            if change.disruptive:
                headline = headline.removesuffix("disruptive") + paint("disruptive", BOLD, RED)
            lines.append(f"  {symbol}{padding} {headline}")
            lines.extend(f"        {note}" for note in change.notes)
            lines.extend(f"        {field.text()}" for field in change.fields if not field.follows)
            following = follow_summary(change)
            if following:
                lines.append(f"        {paint(following, DIM)}")
        if group.dpf_notes:
            lines.append(paint("  Not what DPF's controller would do:", YELLOW))
            lines.extend(f"    - {note}" for note in group.dpf_notes)
        lines.append("")
    lines.append("Summary: " + summary_counts(plan) + ".")
    headline, points = verdict(plan)
    lines.append(paint(headline, BOLD, RED if plan.disruptive else GREEN))
    lines.extend(f"  - {point}" for point in points)
    return "\n".join(lines + _warning_lines(plan, paint)) + "\n"


def _warning_lines(plan: Plan, paint: Any) -> list[str]:
    if not plan.warnings:
        return []
    return ["", paint(f"Warnings of {plan.head}:", BOLD, YELLOW), *(f"  {r.line()}" for r in plan.warnings)]


def _qualified(name: str, change: Change, qualified: bool) -> str:
    """`namespace/name` for objects outside a DPUDeployment group (whose title says the namespace)."""
    return f"{change.namespace}/{name}" if qualified and change.namespace and name else name


def _headline(change: Change, qualified: bool) -> str:
    name = _qualified(change.name, change, qualified)
    subject = f" ({change.subject})" if change.subject else ""
    flag = "disruptive" if change.disruptive else "non-disruptive"
    return f"{change.kind} {name}{subject}: {ACTION_TEXT[change.action]}, {flag}"


def _effect_symbol(effect: NodeEffect) -> str:
    if effect.status == ADDED:
        return "+"
    if effect.status == REMOVED:
        return "-"
    return "!" if effect.disruptive else "·"


def _effect_headline(effect: NodeEffect) -> str:
    where = f"DPUSet {effect.dpuset} ({effect.nodes})"
    if effect.runs:
        return f"{effect.action} on {effect.nodes} (DPUSet {effect.dpuset}): its DPU node labels change"
    if effect.labels:
        return f"{where}: its DPU node labels change"
    return where


def follow_summary(change: Change) -> str:
    """How many changed fields only carry new names and digests along ("" when none)."""
    count = sum(1 for f in change.fields if f.follows)
    if not count:
        return ""
    noun = "field follows" if count == 1 else "fields follow"
    more = " more" if count < len(change.fields) else ""
    return f"{count}{more} {noun} the new names and digests (selectors, labels, serviceIDs)"


def summary_counts(plan: Plan) -> str:
    return ", ".join(f"{plan.count(action)} {ACTION_TEXT[action]}" for action in ACTIONS)


def verdict(plan: Plan) -> tuple[str, list[str]]:
    """A headline (disruptive or not) and the points behind it: where node effects run, what is replaced."""
    changes = plan.changes
    calm = [c for c in changes if not c.disruptive]
    if not plan.disruptive:
        return "Non-disruptive: no node effect runs, no DPU is re-provisioned or removed.", [
            _count(len(calm), "change")
        ]
    points = []
    for action, sets in _running(plan.effects):
        noun = "DPUSet" if len(sets) == 1 else "DPUSets"
        points.append(f"{action} runs on the nodes of {noun} {_names(sets)}")
    others = [e for e in plan.effects if e.disruptive and not e.runs and e.notes]
    points.extend(f"DPUSet {e.dpuset}: {e.notes[-1]}" for e in others[:NAMES_SHOWN])
    if len(others) > NAMES_SHOWN:
        points.append(
            f"… and {len(others) - NAMES_SHOWN} more DPUSets whose DPUs are re-provisioned or removed"
        )
    replaced: dict[str, list[str]] = {}
    for change in changes:
        if change.action == REPLACED and change.disruptive and change.kind in (DPUSERVICE, CHAIN):
            replaced.setdefault(change.kind, []).append(change.old_name)
    if replaced:
        kinds = "; ".join(f"{kind} {_names(names)}" for kind, names in replaced.items())
        points.append(f"new revisions replace {kinds}")
    disruptive = len(changes) - len(calm)
    points.append(f"{_count(disruptive, 'disruptive change')}, {_count(len(calm), 'non-disruptive change')}")
    if plan.dpf_notes:
        points.append("not what DPF's controller would do: see the notes under the DPUDeployment")
    return "Disruptive.", points


def _running(effects: list[NodeEffect]) -> list[tuple[str, list[str]]]:
    """The node effects that run, by action: (action, its DPUSets), in the order of the actions."""
    by_action: dict[str, list[str]] = {}
    for effect in effects:
        if effect.runs:
            by_action.setdefault(effect.action, []).append(effect.dpuset)
    return sorted(by_action.items())


def _names(names: list[str]) -> str:
    """A list of names for a sentence, the first NAMES_SHOWN of them."""
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown if len(names) <= NAMES_SHOWN else f"{shown} … and {len(names) - NAMES_SHOWN} more"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --------------------------------------------------------------------------------------------------------
# Markdown


def format_markdown(plan: Plan, *, max_chars: int = MAX_COMMENT_CHARS) -> str:
    """The plan as Markdown, shortened step by step until it fits in `max_chars` (0: no limit).

    First the list of all changed fields goes, then the per-object tables give way to one row per
    DPUDeployment (disruptive ones first), as many as fit.
    """
    import jinja2

    source = resources.files("kustomize_plugin").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    environment = jinja2.Environment(
        autoescape=False,  # Markdown, not HTML: table cells are escaped by the `cell` filter instead
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["cell"] = cell
    environment.filters["code"] = code
    template = environment.from_string(source)

    def render(context: dict[str, Any]) -> str:
        return _squeeze_blank_lines(template.render(**context))

    context = markdown_context(plan)
    text = render(context)
    if not max_chars or len(text) <= max_chars:
        return text
    context.update(fields=[], shortened=max_chars)
    text = render(context)
    if len(text) <= max_chars:
        return text
    rows = summary_rows(plan)
    low, high = 0, len(rows)
    while low < high:  # the most rows that fit
        middle = (low + high + 1) // 2
        context.update(groups=[], rows=rows[:middle], hidden=len(rows) - middle)
        if len(render(context)) <= max_chars:
            low = middle
        else:
            high = middle - 1
    context.update(groups=[], rows=rows[:low], hidden=len(rows) - low)
    text = render(context)
    warnings = context["warnings"]
    while len(text) > max_chars and warnings:  # a render with thousands of warnings: keep what fits
        warnings = warnings[: len(warnings) // 2]
        context.update(warnings=warnings, more_warnings=len(plan.warnings) - len(warnings))
        text = render(context)
    return text


def summary_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per DPUDeployment for a shortened plan: its counts and its node effects, disruptive first."""
    rows = [
        {
            "title": group.title.removeprefix("DPUDeployment "),
            "counts": {a: sum(1 for c in group.changes if c.action == a) for a in ACTIONS},
            "disruptive": group.disruptive,
            "effects": "; ".join(f"{action}: {', '.join(sets)}" for action, sets in _running(group.effects)),
        }
        for group in plan.groups
    ]
    return sorted(rows, key=lambda r: not r["disruptive"])


def markdown_context(plan: Plan) -> dict[str, Any]:
    groups = []
    for group in plan.groups:
        changes = [
            {
                "symbol": ACTION_SYMBOL[change.action],
                "kind": change.kind,
                "old_name": _qualified(change.old_name, change, group.owner is None),
                "new_name": _qualified(change.new_name, change, group.owner is None),
                "subject": change.subject,
                "action": ACTION_TEXT[change.action],
                "disruptive": change.disruptive,
                "notes": change.notes,
                "fields": [f.text() for f in causes[:TABLE_FIELDS]],
                "more": max(0, len(causes) - TABLE_FIELDS),
                "following": follow_summary(change),
            }
            for change in group.changes
            for causes in ([f for f in change.fields if not f.follows],)
        ]
        effects = [
            {
                "dpuset": e.dpuset,
                "nodes": e.nodes,
                "action": e.action if e.runs else "none",
                "status": e.status,
                "disruptive": e.disruptive,
                "labels": [label.text() for label in e.labels],
                "notes": e.notes,
            }
            for e in group.effects
        ]
        groups.append(
            {"title": group.title, "changes": changes, "effects": effects, "dpf_notes": group.dpf_notes}
        )
    fields = [
        {
            "title": f"{change.kind} {_qualified(change.name, change, change.owner is None)}",
            "lines": [f.text() for f in change.fields],
        }
        for change in plan.changes
        if change.fields
    ]
    headline, points = verdict(plan)
    return {
        "marker": MARKER,
        "version": __version__,
        "base": plan.base,
        "head": plan.head,
        "changed": bool(plan.changes),
        "disruptive": plan.disruptive,
        "headline": headline,
        "points": points,
        "counts": {action: plan.count(action) for action in ACTIONS},
        "groups": groups,
        "fields": fields,
        "fence": _fence(line for f in fields for line in f["lines"]),
        "warnings": [r.line() for r in plan.warnings[:WARNINGS_SHOWN]],
        "more_warnings": max(0, len(plan.warnings) - WARNINGS_SHOWN),
        "shortened": 0,
        "rows": [],
        "hidden": 0,
    }


def cell(value: Any) -> str:
    """Text for a Markdown table cell: `|` escaped, line breaks as <br>."""
    return str(value).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def code(value: Any) -> str:
    """An inline code span that survives any backticks in the value."""
    text = str(value)
    ticks = "`" * (_longest_backticks(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fence(lines: Iterable[str]) -> str:
    """A code fence longer than any backtick run in the fenced lines (and at least three backticks)."""
    return "`" * (max((2, *(_longest_backticks(line) for line in lines))) + 1)


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _squeeze_blank_lines(text: str) -> str:
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
