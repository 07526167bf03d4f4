"""The review commands: check, plan and describe (docs/review-json.md has their JSON output).

Each renders exactly as `render` does (the same pipeline, final manifests, the same options) and hands the
result to a module of `review/`; this module only collects options, prints and maps exit codes.
"""

from __future__ import annotations

import os
import sys

import click

from . import model, pipeline, yamlload
from . import results as R
from .adopt import is_live, live_object
from .cli_options import CONTEXT, build_config, input_cap, render_options, report
from .config import replace
from .index import kind_of
from .output import OutputError, execute_paths, file_contents
from .progress import on_terminal, relabel
from .read import STDIN
from .review.check import compare_tree
from .review.describe import describe_render, format_mermaid, format_tree
from .review.input_sets import read_input_set
from .review.json_report import check_document, describe_document, dump, plan_document
from .review.plan import plan_renders
from .review.plan_report import MAX_COMMENT_CHARS, format_markdown, format_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from .config import RenderConfig
    from .expand.revisions import DeploymentRevision
    from .index import Item
    from .progress import Progress
    from .results import Result

    F = TypeVar("F", bound=Callable[..., Any])

JSON_HELP = "json: a versioned document for bots and dashboards (docs/review-json.md)."


def _format_option(choices: list[str], help_text: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--against",
    "directory",
    required=True,
    metavar="DIR",
    help="The committed output of `dpf-render render PATH... -o DIR`.",
)
@_format_option(["text", "json"], f"text: a diff on stdout, the files on stderr; {JSON_HELP}")
@render_options
def check(paths: tuple[str, ...], directory: str, output_format: str, **options: Any) -> None:
    """Check that DIR holds exactly what `render PATH... -o DIR` would write.

    Renders PATH... (with the same options as `render`) and compares the files with DIR. On drift, prints
    a unified diff (committed → rendered) on stdout, lists the changed, missing and extra files on stderr
    and exits 1. Otherwise prints one line and exits 0. With --format json, stdout holds one document,
    clean or drifted, with the same exit codes.

    \b
    Examples:
      dpf-render check deploy/ --against rendered/
      dpf-render check deploy/ --against rendered/ --sync-waves --sync-options
      dpf-render check deploy/ --against rendered/ --format json
    """
    config = build_config(**options)
    # A committed revision lock that does not record the render is drift too: the next change would be
    # compared with a state that is not the one in Git.
    outcome = execute_paths(paths, config, progress=on_terminal(sys.stderr), stale_lock=R.ERROR)
    report(outcome.results)
    if outcome.code != R.EXIT_OK or outcome.rendering is None:
        raise SystemExit(outcome.code or R.EXIT_INPUT_ERROR)
    try:
        expected = file_contents(outcome.rendering.documents())
    except OutputError as exc:
        sys.stderr.write(R.printable(f"error: {exc}") + "\n")
        raise SystemExit(R.EXIT_INPUT_ERROR) from None
    drift = compare_tree(expected, directory, max_bytes=yamlload.max_input_bytes())
    if drift.problems:
        sys.stderr.write("".join(R.printable(f"error: {problem}") + "\n" for problem in drift.problems))
        raise SystemExit(R.EXIT_INPUT_ERROR)
    if output_format == "json":
        sys.stdout.write(dump(check_document(drift, paths)))
    if drift.clean:
        if output_format == "json":
            return
        sys.stdout.write(
            f"OK: {drift.directory} matches the render of {' '.join(paths)} ({drift.total} files)\n"
        )
        return
    if output_format != "json":
        sys.stdout.write(drift.diff)
    lines = [f"changed: {drift.directory}/{p}" for p in drift.changed]
    lines += [f"missing: {drift.directory}/{p}" for p in drift.missing]
    lines += [f"extra: {drift.directory}/{p}" for p in drift.extra]
    if not drift.exists:
        lines.append(f"note: {drift.directory} does not exist")
    lines.append(
        f"error: {drift.directory} drifted from the render of {' '.join(paths)}: {len(drift.changed)} changed, "
        f"{len(drift.missing)} missing, {len(drift.extra)} extra; update it with "
        f"`dpf-render render {' '.join(paths)} -o {drift.directory}` (and the same options)"
    )
    sys.stderr.write("".join(R.printable(line) + "\n" for line in lines))
    raise SystemExit(R.EXIT_INPUT_ERROR)


@click.command(context_settings=CONTEXT)
@click.argument("base", metavar="BASE")
@click.argument("head", metavar="HEAD")
@_format_option(
    ["text", "markdown", "json"], f"text for a terminal, markdown for a pull-request comment; {JSON_HELP}"
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text plan: auto when stdout is a terminal and NO_COLOR is not set.",
)
@click.option(
    "--fail-on-disruptive", is_flag=True, help=f"Exit {R.EXIT_DISRUPTIVE} when anything is disruptive."
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=0),
    default=MAX_COMMENT_CHARS,
    show_default=True,
    help="Markdown only: shorten the plan to fit (a GitHub comment holds 65536 characters); 0 for no limit.",
)
@render_options
def plan(
    base: str,
    head: str,
    output_format: str,
    color: str,
    fail_on_disruptive: bool,
    max_chars: int,
    **options: Any,
) -> None:
    """Show what changing BASE into HEAD does to the rendered objects and the DPU nodes.

    BASE and HEAD are each a file, a folder, `-` (stdin), or git:REV:PATH (PATH at revision REV of the
    repository in the working directory, read without a checkout). Both sides are rendered like `render`
    does; every object is then added, removed, updated in place (with the changed fields) or replaced by
    a new revision, and every DPUSet whose DPU node labels change says where its node effect (drain,
    taint ...) runs. A side without any DPUDeployment is allowed (a first or last deployment).

    \b
    Examples:
      dpf-render plan git:HEAD~1:examples/producer-consumer examples/producer-consumer
      dpf-render plan git:origin/main:deploy deploy --format markdown > plan.md
      dpf-render plan old/ new/ --fail-on-disruptive
      dpf-render plan git:origin/main:deploy deploy --format json | jq .counts
    """
    if base == STDIN and head == STDIN:
        raise click.UsageError("only one of BASE and HEAD can be - (stdin)")
    # A side without DPUDeployments is a real state: the first or the last one.
    config = replace(build_config(**options), allow_empty=True)
    max_bytes = input_cap()
    progress = on_terminal(sys.stderr)  # one counter: its second of silence is the whole command's
    base_side = render_side(base, config, max_bytes, progress=relabel(progress, "base: "))
    head_side = render_side(head, config, max_bytes, progress=relabel(progress, "head: "))
    # Errors of both sides; warnings only of HEAD (BASE's are already on the main branch).
    report([r for r in base_side.results if r.severity == R.ERROR] + head_side.results)
    # --strict holds HEAD's warnings against it, not BASE's: those were accepted when BASE was merged.
    failed = R.has_errors(base_side.results) or R.has_errors(head_side.results, strict=config.strict)
    if failed or base_side.docs is None or head_side.docs is None:
        raise SystemExit(R.EXIT_INPUT_ERROR)
    # HEAD as DPF's controller would render it with BASE live: BASE's revisions as the current ones. Without
    # any, that is HEAD's own render (unless HEAD holds live objects, which are not a render).
    dpf_docs, dpf_revisions = head_side.docs, head_side.revisions
    if base_side.revisions or head_side.live:
        as_dpf = pipeline.render(
            pipeline.with_locks(head_side.items, [r.lock for r in base_side.revisions], config),
            config,
            mode=pipeline.FINAL,
            progress=relabel(progress, "head, as DPF sees it: "),
        )
        dpf_docs, dpf_revisions = as_dpf.objects(), as_dpf.revisions
    result = plan_renders(
        base_side.docs,
        head_side.docs,
        base_revisions=base_side.revisions,
        head_revisions=head_side.revisions,
        dpf_docs=dpf_docs,
        dpf_revisions=dpf_revisions,
        base_is_live=base_side.live,
        base=base,
        head=head,
        warnings=[r for r in head_side.results if r.severity == R.WARNING],
    )
    if output_format == "markdown":
        text = format_markdown(result, max_chars=max_chars)
    elif output_format == "json":
        text = dump(plan_document(result))
    else:
        text = format_text(result, color=use_color(color, sys.stdout))
    sys.stdout.write(text)
    if fail_on_disruptive and result.disruptive:
        raise SystemExit(R.EXIT_DISRUPTIVE)


def use_color(choice: str, stream: Any) -> bool:
    """--color: always, never, or auto: a terminal, unless NO_COLOR is set and not empty (no-color.org) or TERM
    is dumb; an explicit choice wins over NO_COLOR, as the convention asks."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


class Side:
    """One side of a plan: its inputs, its results, and (unless they could not be read) its output objects and
    revisions; live objects from a cluster are compared as they are."""

    __slots__ = ("docs", "items", "live", "results", "revisions")

    def __init__(self, items: list[Item], results: list[Result]) -> None:
        self.items = items
        self.results = results
        self.docs: list[Any] | None = None
        self.revisions: list[DeploymentRevision] = []
        self.live = False


def render_side(spec: str, config: RenderConfig, max_bytes: int, *, progress: Progress | None = None) -> Side:
    """One side of a plan, rendered as final manifests, and its inputs; no documents when they cannot be read."""
    items, found = read_input_set(spec, max_bytes=max_bytes, stdin=sys.stdin.buffer, confine=config.confined)
    if not R.has_errors(found) and is_live([i.obj for i in items]):
        # Objects from a cluster (`kubectl get -o yaml`): compared as they are, without what the server adds;
        # the DPF objects that are inputs, not output, are left out.
        side = Side(items, R.sort_results(found))
        side.live = True
        side.docs = [
            live_object(i.obj)
            for i in items
            if kind_of(i.obj) not in model.INPUT_KINDS
            or i.obj.get("kind") in ("BFB", "BlueFieldSoftware", "DPUFlavor", "DPUFlavorTemplate")
        ]
        return side
    outcome = pipeline.execute(lambda: (items, found), config, mode=pipeline.FINAL, progress=progress)
    side = Side(items, outcome.results)
    if outcome.rendering is not None:
        side.docs = outcome.rendering.objects()
        side.revisions = outcome.rendering.revisions
    return side


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--mermaid",
    is_flag=True,
    help="Print a Mermaid graph (fenced, for a PR description) instead of the tree.",
)
@_format_option(["text", "json"], f"text: the tree (or the graph with --mermaid); {JSON_HELP}")
@render_options
def describe(paths: tuple[str, ...], mermaid: bool, output_format: str, **options: Any) -> None:
    """Show each DPUDeployment in PATH... as a tree: verdicts, DPUSets, DPUServices, interfaces, chain.

    The verdicts are DPF's conditions (PrerequisitesReady, VersionMatchingReady, ResourceFittingReady ...),
    True when the render found no error for them. Errors are also printed on stderr, and make the exit
    code 1, as with `render`.

    \b
    Examples:
      dpf-render describe examples/producer-consumer
      dpf-render describe deploy/ --mermaid >> pr-description.md
      dpf-render describe deploy/ --format json
    """
    if mermaid and output_format == "json":
        raise click.UsageError("--mermaid and --format json exclude each other")
    # "No DPUDeployment" is a description, not a failure.
    config = replace(build_config(**options), allow_empty=True)
    outcome = execute_paths(paths, config, stdin=sys.stdin.buffer, progress=on_terminal(sys.stderr))
    if outcome.rendering is None:
        report(outcome.results)
        raise SystemExit(outcome.code)
    views, others = describe_render(outcome.rendering)
    if output_format == "json":
        text = dump(describe_document(views, others))
    else:
        text = format_mermaid(views) if mermaid else format_tree(views, others)
    sys.stdout.write(text)
    report(outcome.results)
    if outcome.code != R.EXIT_OK:
        raise SystemExit(outcome.code)


COMMANDS: list[click.Command] = [check, plan, describe]
