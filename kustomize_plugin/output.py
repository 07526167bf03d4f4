"""The `render` command's output: a YAML stream on stdout, or one file per object under a folder, all or nothing.

Files go to `<namespace>/<kind>_<name>.yaml`, paths built from validated name parts only, so nothing can
land outside the folder; `outdir` replaces the folder, and only one that dpf-render owns. The stream goes
out in one piece at the end, with termination signals held back while it is written: whole or not at all.
Nothing here imports click, so `render` can run without it (click and the CLI's commands would double its
start-up).
"""

from __future__ import annotations

import sys

from . import pipeline, yamldump, yamlload
from . import results as R
from .read import read_paths
from .speedups import HELD_SIGNALS, signals

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any, BinaryIO, TextIO

    from .config import RenderConfig
    from .index import Item
    from .progress import Progress
    from .results import Result

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_PART_CHARS = _ALNUM | {"-", "_", "."}


class OutputError(Exception):
    """The render cannot be written as files (an unsafe or colliding name)."""


def execute_paths(
    paths: Sequence[str],
    config: RenderConfig,
    *,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    stale_lock: str | None = R.WARNING,
) -> pipeline.Outcome:
    """`pipeline.execute` of files, folders or `-` (stdin) as final manifests: what `render`, `check`, `lock` and
    `describe` run. An unreadable DPF_RENDER_MAX_INPUT_BYTES is a usage error (exit 2), before any reading."""
    try:
        max_bytes = yamlload.max_input_bytes()
    except ValueError as exc:  # the environment, not the inputs: a usage error
        return pipeline.Outcome([], None, [R.error(str(exc), condition=None)], R.EXIT_USAGE)

    def read() -> tuple[list[Item], list[Result]]:
        return read_paths(
            paths,
            stdin=stdin if stdin is not None else sys.stdin.buffer,
            max_bytes=max_bytes,
            confine=config.confined,
        )

    return pipeline.execute(read, config, mode=pipeline.FINAL, progress=progress, stale_lock=stale_lock)


def render_command(
    paths: Sequence[str],
    config: RenderConfig,
    output_dir: str | None = None,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """`dpf-render render PATH... [-o DIR]`: read, render as final manifests, report, write; the exit code.

    Problems go to stderr, one line each; on any error nothing is written. The children are built while
    they are written, one DPUDeployment at a time.
    """
    stdout = stdout if stdout is not None else utf8(sys.stdout)
    stderr = stderr if stderr is not None else utf8(sys.stderr)
    if output_dir is not None:
        from . import outdir

        try:  # before reading anything: a folder that cannot be written is refused at once
            outdir.check_target(output_dir, paths)
        except outdir.RefusedError as exc:
            write_whole(stderr, R.printable(f"error: {exc}") + "\n")
            return R.EXIT_USAGE
    outcome = execute_paths(paths, config, stdin=stdin, progress=_progress(stderr))
    write_whole(stderr, R.stderr_lines(outcome.results))
    if outcome.code != R.EXIT_OK or outcome.rendering is None:
        return outcome.code
    if output_dir is None:
        write_whole(stdout, list(yamldump.stream_pieces(outcome.rendering.documents())))
        return R.EXIT_OK
    try:
        notes = outdir.replace_folder(output_dir, file_contents(outcome.rendering.documents()), inputs=paths)
    except OutputError as exc:
        write_whole(stderr, R.printable(f"error: {exc}") + "\n")
        return R.EXIT_INPUT_ERROR
    except outdir.RefusedError as exc:
        write_whole(stderr, R.printable(f"error: {exc}") + "\n")
        return R.EXIT_USAGE
    write_whole(stderr, [R.printable(f"warning: {note}") + "\n" for note in notes])
    return R.EXIT_OK


def _progress(stderr: TextIO) -> Progress | None:
    """A counter of DPUDeployments when stderr is a terminal (imported only then)."""
    if not stderr.isatty():
        return None
    from .progress import Progress

    return Progress(stderr)


def utf8(stream: TextIO) -> TextIO:
    """The process's stdout or stderr, writing UTF-8 whatever the locale (Kubernetes YAML is UTF-8; a
    Latin-1 locale or PYTHONIOENCODING would otherwise fail on the first non-Latin-1 character)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    reconfigure = getattr(stream, "reconfigure", None)
    if encoding != "utf8" and reconfigure is not None:
        reconfigure(encoding="utf-8")
    return stream


def write_whole(stream: TextIO, text: str | list[str]) -> None:
    """Write and flush `text` (or its pieces, in order) with termination signals held back: whoever stops
    dpf-render gets the whole output or nothing, never half of it (a held signal takes effect right after)."""
    if not text:
        return
    previous = signals.pthread_sigmask(signals.SIG_BLOCK, HELD_SIGNALS)
    try:
        if isinstance(text, str):
            stream.write(text)
        else:
            stream.writelines(text)
        stream.flush()
    finally:
        signals.pthread_sigmask(signals.SIG_SETMASK, previous)


def relative_path(obj: dict[str, Any]) -> str:
    """`<namespace>/<kind>_<name>.yaml` (kyaml's default path), refusing parts that could escape the folder."""
    metadata = obj.get("metadata") or {}
    kind = str(obj.get("kind", "")).lower()
    name = str(metadata.get("name", ""))
    namespace = metadata.get("namespace")
    for part in (kind, name, namespace) if namespace else (kind, name):
        if not _is_safe_part(part):
            raise OutputError(
                f"cannot write {obj.get('kind')} {namespace or ''}/{name} to a file: unsafe name part {part!r}"
            )
    filename = f"{kind}_{name}.yaml"
    return f"{namespace}/{filename}" if namespace else filename


def _is_safe_part(part: object) -> bool:
    """`[A-Za-z0-9][-A-Za-z0-9_.]*`: no separator, no leading dot or dash, nothing outside ASCII."""
    return isinstance(part, str) and bool(part) and part[0] in _ALNUM and _PART_CHARS.issuperset(part)


def file_contents(documents: Iterable[tuple[Any, bool]]) -> dict[str, str]:
    """Relative path → content of (object, generated?) pairs, a generated object in canonical key order;
    refusing two objects at one path."""
    files: dict[str, str] = {}
    for doc, generated in documents:
        path = relative_path(doc)
        if path in files:
            raise OutputError(f"two objects would be written to {path}")
        files[path] = yamldump.dump_canonical(doc) if generated else yamldump.dump_document(doc)
    return files
