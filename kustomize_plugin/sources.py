"""Reading inputs from files, folders and stdin into items that remember their file and document index.

Folders are walked recursively in sorted order (byte order of the path, so the same on every machine),
taking `.yaml`, `.yml` and `.json` files and skipping hidden entries. Tool configuration that lives beside
manifests (kustomization files, Kptfiles, our own functionConfig) is not an input object.
"""

from __future__ import annotations

import os

from . import results as R
from . import yamlio
from .inputs import Item

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .results import Result

SUFFIXES = (".yaml", ".yml", ".json")
_CHUNK = 1 << 20
STDIN = "-"
# Objects that configure tools rather than describe cluster state.
TOOL_KINDS = frozenset({"Kustomization", "Component", "Kptfile", "DPUDeploymentRender"})


def list_files(paths: Iterable[str]) -> tuple[list[str], list[Result]]:
    """Every input file under the given paths, in a stable order; `-` stays as stdin."""
    files: list[str] = []
    out: list[Result] = []
    for path in paths:
        if path == STDIN or os.path.isfile(path):
            files.append(path)
        elif os.path.isdir(path):
            found: list[str] = []
            for root, dirs, names in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.extend(
                    os.path.join(root, n) for n in names if n.endswith(SUFFIXES) and not n.startswith(".")
                )
            files.extend(sorted(found, key=lambda p: p.encode("utf-8", "surrogateescape")))
        else:
            out.append(R.error(f"{path}: no such file or directory", condition=None))
    return files, out


def items_from_text(
    text: str,
    *,
    source: str,
    file_path: str | None,
    start: int = 0,
    max_bytes: int = yamlio.DEFAULT_MAX_BYTES,
) -> tuple[list[Item], list[Result]]:
    """Items of one YAML stream; documents that are not objects are errors naming their position."""
    try:
        docs = yamlio.load_documents(text, source=source, max_bytes=max_bytes)
    except yamlio.YAMLInputError as exc:
        return [], [
            _file_error(exc.message if exc.line is None else f"line {exc.line}: {exc.message}", source)
        ]
    items: list[Item] = []
    out: list[Result] = []
    for index, doc in enumerate(docs):
        problem = object_problem(doc)
        if problem:
            out.append(_file_error(f"document {index}: {problem}", source, index))
            continue
        if doc.get("kind") in TOOL_KINDS or _is_list(doc):
            if _is_list(doc):
                for j, inner in enumerate(doc["items"]):
                    inner_problem = object_problem(inner)
                    if inner_problem:
                        out.append(
                            _file_error(f"document {index} items[{j}]: {inner_problem}", source, index)
                        )
                    else:
                        items.append(Item(inner, start + len(items), file_path, index))
            continue
        items.append(Item(doc, start + len(items), file_path, index))
    return items, out


def read_paths(
    paths: Iterable[str], *, stdin: Any = None, max_bytes: int | None = None
) -> tuple[list[Item], list[Result]]:
    """Items of every file under `paths` (`-` reads `stdin`, a binary stream).

    Each file may hold up to `max_bytes`, by default `yamlio.max_input_bytes()` (64 MiB, or
    DPF_RENDER_MAX_INPUT_BYTES).
    """
    if max_bytes is None:
        try:
            max_bytes = yamlio.max_input_bytes()
        except ValueError as exc:
            return [], [R.error(str(exc), condition=None)]
    files, out = list_files(paths)
    items: list[Item] = []
    for path in files:
        try:
            if path == STDIN:
                data = read_capped(stdin, max_bytes) if stdin is not None else b""
                source, file_path = "<stdin>", None
            else:
                with open(path, "rb") as handle:
                    data = read_capped(handle, max_bytes)
                source = file_path = path
            text = yamlio.decode(data, source=source, max_bytes=max_bytes)
        except OSError as exc:
            out.append(R.error(f"{path}: {exc.strerror}", condition=None))
            continue
        except yamlio.YAMLInputError as exc:
            out.append(_file_error(exc.message, path))
            continue
        found, problems = items_from_text(
            text, source=source, file_path=file_path, start=len(items), max_bytes=max_bytes
        )
        items.extend(found)
        out.extend(problems)
    return items, out


def read_capped(stream: Any, max_bytes: int) -> bytes:
    """Up to `max_bytes` + 1 bytes of a binary stream (the one more tells the caller it is over the cap).

    Read in chunks: `read(n)` reserves n bytes up front, so a cap of a terabyte would fail on a small file.
    """
    if max_bytes < _CHUNK:
        data: bytes = stream.read(max_bytes + 1)
        return data
    chunks: list[bytes] = []
    left = max_bytes + 1
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def object_problem(doc: Any) -> str | None:
    """Why a document is not a Kubernetes object, or None."""
    if not isinstance(doc, dict):
        return f"is not a mapping (a Kubernetes object), it is {type(doc).__name__}"
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return "is not a Kubernetes object: apiVersion and kind must be strings"
    metadata = doc.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be a map"
    return None


def _is_list(doc: dict[str, Any]) -> bool:
    return doc.get("apiVersion") == "v1" and doc.get("kind") == "List" and isinstance(doc.get("items"), list)


def _file_error(message: str, source: str, index: int | None = None) -> Result:
    ref = R.ResourceRef("", "", "", file_path=source, file_index=index)
    return R.Result(R.ERROR, message, ref, condition=R.INPUT)
