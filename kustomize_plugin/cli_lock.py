"""`dpf-render lock`: write the revision lock of every DPUDeployment, to commit beside the inputs.

The lock records which revision of each service and chain is current (docs/revisions.md). Written before a
change and committed, it lets every later render make DPF's decisions: keep a name when only the upgrade
policy changed, and run the node effect only when a new disruptive revision rolls out.
"""

from __future__ import annotations

import os
import sys

import click

from . import lock as lock_mod
from . import results as R
from . import yamldump, yamlload
from .cli_options import CONTEXT, build_config, input_cap, render_options, report
from .config import replace
from .output import execute_paths
from .pipeline import FINAL, execute
from .read import STDIN, read_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .index import Item
    from .results import Result


OUTPUT_FILE = click.option(
    "--output",
    "-o",
    "output_file",
    metavar="FILE",
    help="Write the locks to FILE (replaced only when it holds nothing but revision locks).",
)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@OUTPUT_FILE
@render_options
def lock(paths: tuple[str, ...], output_file: str | None, **options: Any) -> None:
    """Write the revision lock of every DPUDeployment in PATH... (stdout, or FILE with -o).

    Renders PATH... as `render` does, taking any lock among the inputs as the current state, and prints one
    DPUDeploymentLock per DPUDeployment: the current name and digest of each service, interface and chain,
    and whether the last change rolls out with the node effect. Commit it beside the DPUDeployment; every
    mode (render, kustomize, kpt, Argo CD) reads it, and none applies it to a cluster.

    \b
    Examples:
      dpf-render lock deploy/ -o deploy/dpf-render.lock.yaml
      dpf-render lock deploy/ > deploy/dpf-render.lock.yaml
    """
    # An out-of-date lock is what this command fixes: neither reported nor, under --strict, a failure.
    outcome = execute_paths(paths, build_config(**options), stale_lock=None)
    report(outcome.results)
    if outcome.code != R.EXIT_OK or outcome.rendering is None:
        raise SystemExit(outcome.code or R.EXIT_INPUT_ERROR)
    _write(yamldump.dump_stream([r.lock.to_object() for r in outcome.rendering.revisions]), output_file)


@click.command(context_settings=CONTEXT)
@click.argument("live", nargs=-1, required=True, metavar="LIVE...")
@click.option(
    "--inputs",
    "inputs",
    multiple=True,
    required=True,
    metavar="PATH",
    help="The Git inputs (files or folders; repeatable): DPUDeployments and what they reference.",
)
@OUTPUT_FILE
@render_options
def adopt(live: tuple[str, ...], inputs: tuple[str, ...], output_file: str | None, **options: Any) -> None:
    """Write the revision locks that keep a running DPF installation's children (docs/migrating-from-dpf.md).

    LIVE... are the live objects as `kubectl get dpudeployments,dpusets,dpuservices,dpuserviceinterfaces,
    dpuservicechains -A -o yaml` prints them (files or `-`). Each live child is matched to the child the Git
    inputs render (owner label, service label, interface name; the newest revision that is not paused), and
    where the content is the same the lock keeps its live name and version, so that rendering the inputs with
    the lock gives exactly the live names and node labels. What cannot be adopted is reported as a warning
    with what to do.

    \b
    Examples:
      kubectl get dpudeployments,dpusets,dpuservices,dpuserviceinterfaces,dpuservicechains -A -o yaml > live.yaml
      dpf-render adopt live.yaml --inputs deploy/ -o deploy/dpf-render.lock.yaml
      dpf-render plan live.yaml deploy/
    """
    from .adopt import adopt as adopt_live
    from .adopt import without_locks

    if STDIN in live and STDIN in inputs:
        raise click.UsageError("only one of LIVE and --inputs can be - (stdin)")
    config = build_config(**options)
    max_bytes = input_cap()
    live_objects: list[Any] = []

    def read() -> tuple[list[Item], list[Result]]:
        """The Git inputs without their locks (adoption writes new ones), and the live objects aside."""
        live_items, found = read_paths(
            live, max_bytes=max_bytes, stdin=sys.stdin.buffer, confine=config.confined
        )
        items, more = read_paths(inputs, max_bytes=max_bytes, stdin=sys.stdin.buffer, confine=config.confined)
        live_objects.extend(i.obj for i in live_items)
        return without_locks(items), found + more

    # The inputs rendered as they are, then each DPUDeployment again with the lock that keeps its live names.
    outcome = execute(read, replace(config, strict=False), mode=FINAL)
    if outcome.rendering is None or R.has_errors(outcome.results):
        report(outcome.results)
        raise SystemExit(outcome.code or R.EXIT_INPUT_ERROR)
    adoption = adopt_live(outcome.items, outcome.rendering, live_objects, config)
    results = R.sort_results(outcome.results + adoption.results)
    report(results)
    if R.has_errors(results, strict=config.strict):
        raise SystemExit(R.EXIT_INPUT_ERROR)
    _write(yamldump.dump_stream([lock.to_object() for lock in adoption.locks]), output_file)


def _write(text: str, output_file: str | None) -> None:
    """The locks to stdout, or to FILE when it is safe to replace."""
    if output_file is None:
        sys.stdout.write(text)
        return
    problem = _unsafe_target(output_file)
    if problem:
        sys.stderr.write(f"error: {problem}\n")
        raise SystemExit(R.EXIT_USAGE)
    _write_atomically(output_file, text)


def _unsafe_target(path: str) -> str | None:
    """Why `path` must not be replaced: it is not a regular file holding only revision locks."""
    if not path or path == "-":
        return f"-o {path!r}: give a file name (without -o the locks go to stdout)"
    if os.path.islink(path):
        return f"{path} is a symbolic link: give the file itself"
    if not os.path.lexists(path):
        parent = os.path.dirname(os.path.abspath(path))
        return None if os.path.isdir(parent) else f"{parent} is not a folder"
    if not os.path.isfile(path):
        return f"{path} is not a regular file"
    try:
        with open(path, "rb") as handle:
            data = handle.read(yamlload.DEFAULT_MAX_BYTES + 1)
        docs = yamlload.load_documents(yamlload.decode(data, source=path), source=path)
    except (OSError, yamlload.YAMLInputError) as exc:
        return f"{path} cannot be read as YAML ({exc}): not replaced"
    others = [
        d
        for d in docs
        if not (
            isinstance(d, dict)
            and (d.get("apiVersion"), d.get("kind")) == (lock_mod.API_VERSION, lock_mod.KIND)
        )
    ]
    if others:
        return f"{path} holds objects other than revision locks: not replaced (write the locks to a file of their own)"
    return None


def _write_atomically(path: str, text: str) -> None:
    """Write beside the target, then rename: a reader sees the old file or the new one, never half of it."""
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, f".{os.path.basename(path)}.dpf-render-{os.getpid()}")
    try:
        mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o666 & ~_umask()
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


COMMANDS: list[click.Command] = [lock, adopt]
