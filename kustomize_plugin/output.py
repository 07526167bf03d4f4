"""Writing a render to a folder: one file per object at `<namespace>/<kind>_<name>.yaml`, all or nothing.

The new tree is written beside the target and swapped in with renames, so an interrupted run leaves the
folder as it was; paths are built from validated name parts only, so nothing can land outside it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile

from . import yamlio

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SAFE_PART = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9_.]*$")


class OutputError(Exception):
    """The render cannot be written as files (an unsafe or colliding name)."""


def relative_path(obj: dict[str, Any]) -> str:
    """`<namespace>/<kind>_<name>.yaml` (kyaml's default path), refusing parts that could escape the folder."""
    metadata = obj.get("metadata") or {}
    kind = str(obj.get("kind", "")).lower()
    name = str(metadata.get("name", ""))
    namespace = metadata.get("namespace")
    for part in (kind, name, namespace) if namespace else (kind, name):
        if not isinstance(part, str) or not _SAFE_PART.match(part) or part in (".", ".."):
            raise OutputError(
                f"cannot write {obj.get('kind')} {namespace or ''}/{name} to a file: unsafe name part {part!r}"
            )
    filename = f"{kind}_{name}.yaml"
    return f"{namespace}/{filename}" if namespace else filename


def plan_files(docs: list[Any]) -> dict[str, str]:
    """Relative path → content, refusing two objects at one path."""
    files: dict[str, str] = {}
    for doc in docs:
        path = relative_path(doc)
        if path in files:
            raise OutputError(f"two objects would be written to {path}")
        files[path] = yamlio.dump_document(doc)
    return files


def write_tree(directory: str, files: dict[str, str]) -> None:
    """Replace `directory` with exactly `files`, atomically with respect to interruption."""
    target = os.path.abspath(directory)
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.new-", dir=parent)
    try:
        for path, content in sorted(files.items()):
            full = os.path.join(staging, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: str, target: str) -> None:
    """Move the staged tree into place; signals wait until both renames are done."""
    old = None
    blocked = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if os.path.lexists(target):
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.old-", dir=os.path.dirname(target))
            os.rmdir(old)
            os.rename(target, old)
        os.rename(staging, target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
