"""Reading inputs from files, folders and stdin into items that remember their file and document index.

Folders are walked recursively in sorted order (byte order of the path, so the same on every machine),
taking `.yaml`, `.yml` and `.json` files and skipping hidden entries. Tool configuration that lives beside
manifests (kustomization files, Kptfiles, our own functionConfig) is not an input object.

What a folder holds stays inside it, as kustomize's default load restrictor keeps a kustomization's files
(docs/safety.md): a link to a file outside the folder is an error unless the caller lifts the restriction,
a link to a folder is never entered (a warning says so), and a FIFO or device is never opened.
"""

from __future__ import annotations

import os
import stat

from . import results as R
from . import yamlload
from .index import Item
from .model import type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from .results import Result

SUFFIXES = (".yaml", ".yml", ".json")
_CHUNK = 1 << 20
STDIN = "-"
CLI_OPT_OUT = "--load-restrictor none"
# Objects that configure tools rather than describe cluster state.
TOOL_KINDS = frozenset({"Kustomization", "Component", "Kptfile", "DPUDeploymentRender"})


def list_files(
    paths: Iterable[str],
    *,
    confine: bool = True,
    root: str | None = None,
    opt_out: str | None = CLI_OPT_OUT,
) -> tuple[list[str], list[Result]]:
    """Every input file under the given paths, in a stable order; `-` stays as stdin.

    With `confine`, a link in a folder must resolve inside `root` (the kustomization folder, in generator
    mode), else inside the folder named; `opt_out` is how the user lifts that, for the message.
    """
    files: list[str] = []
    out: list[Result] = []
    for path in paths:
        if path == STDIN or os.path.isfile(path):
            files.append(path)
        elif os.path.isdir(path):
            if root is None:
                where = _Boundary(os.path.realpath(path), f"the folder {path}", opt_out)
            else:
                where = _Boundary(os.path.realpath(root), "the kustomization folder", opt_out)
            found = _folder_files(path, where if confine else None, out)
            files.extend(sorted(found, key=lambda p: p.encode("utf-8", "surrogateescape")))
        else:
            out.append(R.error(f"{path}: no such file or directory", condition=None))
    return files, out


class _Boundary:
    """Where a folder's files must resolve to, how to call it in a message, and how to lift it."""

    __slots__ = ("label", "opt_out", "path")

    def __init__(self, path: str, label: str, opt_out: str | None) -> None:
        self.path = path
        self.label = label
        self.opt_out = opt_out

    def holds(self, real: str) -> bool:
        return real == self.path or real.startswith(self.path.rstrip("/") + "/")

    def refusal(self, path: str, real: str) -> Result:
        hint = f" ({self.opt_out} allows it)" if self.opt_out else ""
        return R.error(
            f"{path}: is a symbolic link to {real}, outside {self.label}; dpf-render does not follow links "
            f"out of it{hint}",
            condition=None,
        )


def _folder_files(folder: str, boundary: _Boundary | None, out: list[Result]) -> list[str]:
    """The input files below `folder` (any order): links to files followed within `boundary` (anywhere
    when None), links to folders never entered, anything that is not a regular file an error."""
    found: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError as exc:
            out.append(R.error(f"{current}: cannot be read: {exc.strerror}", condition=None))
            continue
        for entry in listed:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
                continue
            link = entry.is_symlink()
            if link and os.path.isdir(entry.path):
                out.append(
                    R.warning(
                        f"{entry.path}: is a symbolic link to a folder, which dpf-render does not enter; name "
                        f"{os.path.realpath(entry.path)} as an input to read it",
                        condition=None,
                    )
                )
                continue
            if not name.endswith(SUFFIXES):
                continue
            if link:
                real = os.path.realpath(entry.path)
                if boundary is not None and not boundary.holds(real):
                    out.append(boundary.refusal(entry.path, real))
                    continue
                if not os.path.exists(real):
                    out.append(
                        R.error(
                            f"{entry.path}: is a symbolic link to {real}, which does not exist",
                            condition=None,
                        )
                    )
                    continue
            if not entry.is_file():  # a FIFO or device would block or never end
                out.append(R.error(f"{entry.path}: is not a regular file; it was not read", condition=None))
                continue
            found.append(entry.path)
    return found


def items_from_text(
    text: str,
    *,
    source: str,
    file_path: str | None,
    start: int = 0,
    max_bytes: int = yamlload.DEFAULT_MAX_BYTES,
) -> tuple[list[Item], list[Result]]:
    """Items of one YAML stream; documents that are not objects are errors naming their position."""
    try:
        docs = yamlload.load_documents(text, source=source, max_bytes=max_bytes)
    except yamlload.YAMLInputError as exc:
        return [], [
            file_error(exc.message if exc.line is None else f"line {exc.line}: {exc.message}", source)
        ]
    items: list[Item] = []
    out: list[Result] = []
    for index, doc in enumerate(docs):
        problem = object_problem(doc)
        if problem:
            out.append(file_error(f"document {index}: {problem}", source, index))
            continue
        if doc.get("kind") in TOOL_KINDS or _is_list(doc):
            if _is_list(doc):
                for j, inner in enumerate(doc["items"]):
                    inner_problem = object_problem(inner)
                    if inner_problem:
                        out.append(file_error(f"document {index} items[{j}]: {inner_problem}", source, index))
                    else:
                        items.append(Item(inner, start + len(items), file_path, index))
            continue
        items.append(Item(doc, start + len(items), file_path, index))
    return items, out


def read_paths(
    paths: Iterable[str],
    *,
    max_bytes: int,
    stdin: Any = None,
    confine: bool = True,
    root: str | None = None,
    opt_out: str | None = CLI_OPT_OUT,
) -> tuple[list[Item], list[Result]]:
    """Items of every file under `paths` (`-` reads `stdin`, a binary stream); see `list_files` for the rest.

    Each file may hold up to `max_bytes` (the adapter reads DPF_RENDER_MAX_INPUT_BYTES once, as a usage error).
    """
    files, out = list_files(paths, confine=confine, root=root, opt_out=opt_out)
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
        except OSError as exc:
            out.append(R.error(f"{path}: {exc.strerror}", condition=None))
            continue
        found, problems = items_from_bytes(
            data, source=source, file_path=file_path, start=len(items), max_bytes=max_bytes
        )
        items.extend(found)
        out.extend(problems)
    return items, out


def items_from_bytes(
    data: bytes, *, source: str, file_path: str | None, start: int, max_bytes: int
) -> tuple[list[Item], list[Result]]:
    """`items_from_text` of one file's bytes: more than `max_bytes` or not UTF-8 is one error naming `source`."""
    try:
        text = yamlload.decode(data, source=source, max_bytes=max_bytes)
    except yamlload.YAMLInputError as exc:
        return [], [file_error(exc.message, source)]
    return items_from_text(text, source=source, file_path=file_path, start=start, max_bytes=max_bytes)


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


def read_regular(path: str, max_bytes: int) -> bytes | None:
    """Up to `max_bytes` + 1 bytes of the regular file at `path` (see `read_capped`), or None when it is not
    one; OSError when it cannot be read.

    For files that may be hostile or swapped since they were listed: a link is not followed and a FIFO is
    not waited on (it is opened without blocking, then refused).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return read_capped(handle, max_bytes)


def object_problem(doc: Any) -> str | None:
    """Why a document is not a Kubernetes object, or None."""
    if not isinstance(doc, dict):
        return f"is not a mapping (a Kubernetes object), it is {type_name(doc)}"
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return "is not a Kubernetes object: apiVersion and kind must be strings"
    metadata = doc.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be a map"
    return None


def _is_list(doc: dict[str, Any]) -> bool:
    return doc.get("apiVersion") == "v1" and doc.get("kind") == "List" and isinstance(doc.get("items"), list)


def file_error(message: str, source: str, index: int | None = None) -> Result:
    """An input error about a whole file (or its document `index`), named by `source`."""
    ref = R.ResourceRef("", "", "", file_path=source, file_index=index)
    return R.Result(R.ERROR, message, ref, condition=R.INPUT)
