"""The KRM function wire format: mode detection, ResourceList in and out, and the function's main.

With no arguments dpf-render reads stdin: a `config.kubernetes.io/v1` ResourceList (kustomize, kpt) gets a
ResourceList back, always with `results`, and with the input items unchanged when anything failed; a plain
YAML stream gets the final manifests as a stream, or nothing and exit 1. This module imports neither click
nor anything else the function does not need, so it starts fast (kustomize and Argo CD start it per render).
"""

from __future__ import annotations

import os
import sys

from . import config as config_mod
from . import pipeline, yamlio
from . import results as R
from .inputs import Item
from .sources import items_from_text, object_problem, read_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO, TextIO

    from .config import RenderConfig
    from .results import Result

RESOURCE_LIST_VERSIONS = ("config.kubernetes.io/v1", "config.kubernetes.io/v1beta1")
RESOURCE_LIST = "ResourceList"
# Orchestrator bookkeeping that must not be echoed as ours (kustomize and kpt add them to what they send).
ORCHESTRATOR_PREFIXES = ("internal.config.kubernetes.io/", "kustomize.config.k8s.io/")
ORCHESTRATOR_KEYS = ("config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id")


class Request:
    """What arrived on stdin: items, the functionConfig (KRM) and whether a ResourceList is expected back."""

    __slots__ = ("function_config", "items", "resource_list", "results")

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.function_config: Any = None
        self.resource_list = False
        self.results: list[Result] = []


def parse_request(data: bytes, *, max_bytes: int = yamlio.DEFAULT_MAX_BYTES) -> Request:
    request = Request()
    try:
        text = yamlio.decode(data, source="<stdin>", max_bytes=max_bytes)
        docs = yamlio.load_documents(text, source="<stdin>", max_bytes=max_bytes)
    except yamlio.YAMLInputError as exc:
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
                request.results.append(R.error(f"items[{i}] {problem}", condition=None))
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
            out.append(R.error(f"<stdin>: document {index} {problem}", condition=None))
        else:
            items.append(Item(doc, index))
    return items, out


def resource_list(items: list[Any], results: list[Result], function_config: Any = None) -> dict[str, Any]:
    """The output ResourceList; the functionConfig is echoed back, as kyaml does, so a rerun sees the same options."""
    out: dict[str, Any] = {"apiVersion": RESOURCE_LIST_VERSIONS[0], "kind": RESOURCE_LIST, "items": items}
    if function_config is not None:
        out["functionConfig"] = function_config
    if results:
        out["results"] = [r.to_dict() for r in results]
    return out


def load_generator_files(config: RenderConfig, *, base: str) -> tuple[list[Item], list[Result]]:
    """Generator mode: kustomize passes only the functionConfig, so inputs come from `spec.files`."""
    paths = [p if os.path.isabs(p) else os.path.join(base, p) for p in config.files]
    items, found = read_paths(paths)
    for item in items:
        if item.file_path is not None:
            item.file_path = os.path.relpath(item.file_path, base)
    return items, found


def process(request: Request, *, cwd: str) -> tuple[list[Any], list[Result], int]:
    """The function itself: (output items, results, exit code)."""
    config, found = config_mod.from_function_config(request.function_config)
    results = request.results + found
    items = request.items
    if config.files:
        extra, found = load_generator_files(config, base=cwd)
        results += found
        function_config = request.function_config
        # The functionConfig arrives as an item too in generator mode; it is not an input object.
        items = [i for i in items if i.obj is not function_config and i.obj != function_config] + extra
        for position, item in enumerate(items):
            item.position = position
    if R.has_errors(results):
        return [i.obj for i in request.items], R.sort_results(results), R.EXIT_INPUT_ERROR
    mode = pipeline.KRM if request.resource_list else pipeline.FINAL
    output, found = pipeline.run(items, config, mode=mode)
    results = R.sort_results(results + found)
    code = R.exit_code(results, strict=config.strict)
    if code != R.EXIT_OK:
        return [i.obj for i in request.items], results, code
    return output, results, code


def main(stdin: BinaryIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    data = stdin.read(yamlio.DEFAULT_MAX_BYTES + 1)
    request = parse_request(data)
    output, results, code = process(request, cwd=os.getcwd())
    stderr.write(R.stderr_lines(results))
    if request.resource_list:
        stdout.write(yamlio.dump_document(resource_list(output, results, request.function_config)))
    elif code == R.EXIT_OK:
        stdout.write(yamlio.dump_stream(output))
    return code


__all__ = ["items_from_text", "main", "parse_request", "process", "resource_list"]
