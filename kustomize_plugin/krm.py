"""The KRM function wire format: mode detection, ResourceList in and out, and the function's main.

With no arguments dpf-render reads stdin: a `config.kubernetes.io/v1` ResourceList (kustomize, kpt) gets a
ResourceList back, always with `results`, and with the input items unchanged when anything failed; a plain
YAML stream gets the final manifests as a stream, or nothing and exit 1. This module imports neither click
nor anything else the function does not need, so it starts fast (kustomize and Argo CD start it per render).
The children are built while the output is written, one DPUDeployment at a time, and the output goes out
in one piece at the end: a run that is stopped before then writes nothing at all.
"""

from __future__ import annotations

import os
import sys

from . import config as config_mod
from . import pipeline, yamldump, yamlload
from . import results as R
from .index import Item, kind_of
from .output import utf8, write_whole
from .read import object_problem, read_capped, read_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

    from .config import RenderConfig
    from .results import Result

RESOURCE_LIST_VERSIONS = ("config.kubernetes.io/v1", "config.kubernetes.io/v1beta1")
RESOURCE_LIST = "ResourceList"
CONFIG_KIND = (config_mod.API_VERSION, config_mod.KIND)
GENERATOR_OPT_OUT = "loadRestrictor: none in the functionConfig"  # how a user lifts the confinement


class Request:
    """What arrived on stdin: items, the functionConfig (KRM) and whether a ResourceList is expected back."""

    __slots__ = ("function_config", "items", "resource_list", "results")

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.function_config: Any = None
        self.resource_list = False
        self.results: list[Result] = []


def parse_request(data: bytes, *, max_bytes: int = yamlload.DEFAULT_MAX_BYTES) -> Request:
    request = Request()
    try:
        text = yamlload.decode(data, source="<stdin>", max_bytes=max_bytes)
        docs = yamlload.load_documents(text, source="<stdin>", max_bytes=max_bytes)
    except yamlload.YAMLInputError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        request.results.append(R.error(f"<stdin>: {where}{exc.message}", condition=None))
        return request
    if len(docs) == 1 and isinstance(docs[0], dict) and docs[0].get("kind") == RESOURCE_LIST:
        request.resource_list = True
        doc = docs[0]
        if doc.get("apiVersion") not in RESOURCE_LIST_VERSIONS:
            request.results.append(
                R.error(
                    f"ResourceList apiVersion {doc.get('apiVersion')!r} is not one of {', '.join(RESOURCE_LIST_VERSIONS)}"
                )
            )
        items = doc.get("items") or []
        if not isinstance(items, list):
            request.results.append(R.error("ResourceList items must be a list"))
            items = []
        for i, obj in enumerate(items):
            problem = object_problem(obj)
            if problem:
                request.results.append(R.error(f"items[{i}] {problem}", _ref_of(obj), condition=None))
            else:
                request.items.append(Item(obj, i))
        request.function_config = doc.get("functionConfig")
        return request
    found, problems = items_from_text_docs(docs)
    request.items, request.results = found, problems
    return request


def items_from_text_docs(docs: list[Any]) -> tuple[list[Item], list[Result]]:
    items: list[Item] = []
    out: list[Result] = []
    for index, doc in enumerate(docs):
        problem = object_problem(doc)
        if problem:
            out.append(R.error(f"<stdin>: document {index} {problem}", _ref_of(doc), condition=None))
        else:
            items.append(Item(doc, index))
    return items, out


def _ref_of(obj: Any) -> R.ResourceRef | None:
    """What can be said about a broken item: its kind and name when it has them (a result needs a kind
    to carry a resourceRef)."""
    return R.ResourceRef.of(obj) if isinstance(obj, dict) else None


def after_items(results: list[Result], function_config: Any = None) -> dict[str, Any]:
    """The output ResourceList's entries after `items`: the functionConfig, echoed back as kyaml does (a rerun
    sees the same options), and the results."""
    out: dict[str, Any] = {}
    if function_config is not None:
        out["functionConfig"] = function_config
    if results:
        out["results"] = [r.to_dict() for r in results]
    return out


def load_generator_files(
    config: RenderConfig, *, base: str, max_bytes: int = yamlload.DEFAULT_MAX_BYTES
) -> tuple[list[Item], list[Result]]:
    """Generator mode: kustomize passes only the functionConfig, so inputs come from `spec.files`.

    Unless `loadRestrictor: none`, each path must stay below the kustomization folder `base`, as kustomize's
    default load restrictor keeps its own files: not absolute, no `..` out of it, no link resolving outside.
    """
    root = os.path.realpath(base)
    paths: list[str] = []
    found: list[Result] = []
    for index, given in enumerate(config.files):
        # normpath: a missing file is reported as /repo/base/x.yaml, not /repo/overlay/../base/x.yaml.
        path = os.path.normpath(os.path.join(base, given))
        problem = _outside(given, path, root) if config.confined else None
        if problem is None:
            paths.append(path)
        else:
            found.append(
                R.error(
                    f"spec.files[{index}] {given}: {problem}; dpf-render reads generator files only below it, as "
                    f"kustomize's default load restrictor does ({GENERATOR_OPT_OUT} allows it)",
                    condition=None,
                )
            )
    items, more = read_paths(
        paths,
        max_bytes=max_bytes,
        confine=config.confined,
        root=root,
        opt_out=GENERATOR_OPT_OUT,
    )
    for item in items:
        if item.file_path is not None:
            item.file_path = os.path.relpath(item.file_path, base)
    return items, found + more


def _outside(given: str, path: str, root: str) -> str | None:
    """Why a generator file is not below the kustomization folder `root` (physical), or None."""
    if os.path.isabs(given):
        return "is an absolute path, outside the kustomization folder"
    real = os.path.realpath(path)
    if real == root or real.startswith(root.rstrip("/") + "/"):
        return None
    if os.path.islink(path) or real != os.path.abspath(path):
        return f"resolves to {real} through a symbolic link, outside the kustomization folder"
    return "is outside the kustomization folder"


def decide(
    request: Request, *, cwd: str, max_bytes: int = yamlload.DEFAULT_MAX_BYTES, mode: str | None = None
) -> pipeline.Outcome:
    """Every check and result of the function; the children are built later, while they are written.

    `mode` is pipeline.KRM or pipeline.FINAL; by default what the request asks for (KRM for a ResourceList).
    """
    config, found = config_mod.from_function_config(request.function_config)
    if mode is None:
        mode = pipeline.KRM if request.resource_list else pipeline.FINAL
    return pipeline.execute(lambda: _inputs(request, config, found, cwd, max_bytes), config, mode=mode)


def _inputs(
    request: Request, config: RenderConfig, found: list[Result], cwd: str, max_bytes: int
) -> tuple[list[Item], list[Result]]:
    """The items to render (with the generator files, in generator mode) and every problem found so far."""
    results = request.results + found
    items = request.items
    if config.files:
        extra, more = load_generator_files(config, base=cwd, max_bytes=max_bytes)
        results += more
        # kustomize's generator mode also sends the functionConfig as an item, with index and id annotations of
        # its own, so it never equals the functionConfig. It passes through like any foreign item (it is
        # local-config, kustomize drops it). Never drop it: under kpt the same object is the package's config
        # file, and kpt deletes the files of dropped items.
        items = items + extra
        for position, item in enumerate(items):
            item.position = position
    elif not config.allow_empty and items and all(kind_of(i.obj) == CONFIG_KIND for i in items):
        results.append(
            R.error(
                "dpf-render received nothing but its own config (kustomize generator mode) and spec.files lists "
                "no inputs: list the DPF files under spec.files, or list dpf-render under transformers: instead"
            )
        )
    return items, results


def render_output(request: Request, outcome: pipeline.Outcome) -> str:
    """What goes to stdout: a ResourceList (always, in KRM mode), else the stream (only on success)."""
    return "".join(output_pieces(request, outcome))


def output_pieces(request: Request, outcome: pipeline.Outcome) -> list[str]:
    """`render_output` in pieces, one or a few per object, to write without joining them all in memory.

    The children of one DPUDeployment at a time are built here, while the ResourceList's items are written
    one by one: a fleet's output is held only as text.
    """
    rendering = outcome.rendering if outcome.code == R.EXIT_OK else None
    if not request.resource_list:
        return [] if rendering is None else list(yamldump.stream_pieces(rendering.documents()))
    writer = yamldump.DocumentWriter()
    writer.entries({"apiVersion": RESOURCE_LIST_VERSIONS[0], "kind": RESOURCE_LIST})
    writer.start_list("items")
    if rendering is None:
        for item in request.items:
            writer.item(item.obj)
    else:
        for obj, generated in rendering.documents():
            writer.item(obj, generated=generated)
    writer.entries(after_items(outcome.results, request.function_config))
    return writer.pieces()


def main(stdin: BinaryIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else utf8(sys.stdout)
    stderr = stderr if stderr is not None else utf8(sys.stderr)
    try:
        max_bytes = yamlload.max_input_bytes()
    except ValueError as exc:
        stderr.write(R.printable(f"dpf-render: {exc}") + "\n")
        return R.EXIT_USAGE
    request = parse_request(read_capped(stdin, max_bytes), max_bytes=max_bytes)
    return respond(request, stdout=stdout, stderr=stderr, cwd=os.getcwd(), max_bytes=max_bytes)


def respond(request: Request, *, stdout: TextIO, stderr: TextIO, cwd: str, max_bytes: int) -> int:
    """The function's answer to a parsed request: the results on stderr, then its output; the exit code."""
    outcome = decide(request, cwd=cwd, max_bytes=max_bytes)
    pieces = output_pieces(request, outcome)
    write_whole(stderr, R.stderr_lines(outcome.results))
    write_whole(stdout, pieces)
    return outcome.code


__all__ = ["decide", "main", "parse_request", "render_output", "respond"]
