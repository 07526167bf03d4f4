"""Input sets of the review tools: files, folders and `-` as `render` reads them, or `git:REV:PATH` from a commit.

A `git:` input is read with `git ls-tree` and `git cat-file` in the repository of the working directory,
without a checkout, so `plan git:origin/main:deploy deploy` compares a branch with the working tree. PATH
is relative to the working directory (as git itself takes it) and may be a folder: every YAML or JSON blob
under it is read, in sorted path order, skipping hidden entries, exactly as a folder on disk is read.
"""

from __future__ import annotations

import os
import subprocess

from .. import results as R
from .. import yamlload
from ..index import Item
from ..read import SUFFIXES, file_error, items_from_bytes, read_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..results import Result

GIT_PREFIX = "git:"
_BLOB_MODES = ("100644", "100755")  # regular files; symlinks (120000) and submodules are not inputs


class GitInputError(Exception):
    """A `git:` input that cannot be read (git missing, bad revision, no such path)."""


def is_git_input(spec: str) -> bool:
    return spec.startswith(GIT_PREFIX)


def parse_git_input(spec: str) -> tuple[str, str]:
    """`git:REV:PATH` → (REV, PATH); PATH defaults to `.` (the working directory's tree)."""
    rev, _, path = spec[len(GIT_PREFIX) :].partition(":")
    if not rev:
        raise GitInputError("expected git:REV:PATH (for example git:HEAD~1:deploy)")
    if rev.startswith("-"):
        raise GitInputError("a revision cannot start with '-'")
    return rev, path or "."


def read_input_set(
    spec: str, *, max_bytes: int, stdin: Any = None, cwd: str | None = None, confine: bool = True
) -> tuple[list[Item], list[Result]]:
    """Items of one input set: a `git:REV:PATH`, or a file, folder or `-` as `render` reads it.

    Either way each file may hold up to `max_bytes`; a larger blob is refused unread.
    """
    if not is_git_input(spec):
        return read_paths([spec], max_bytes=max_bytes, stdin=stdin, confine=confine)
    try:
        rev, path = parse_git_input(spec)
        blobs = list_blobs(rev, path, cwd=cwd)
    except GitInputError as exc:
        return [], [R.error(f"{spec}: {exc}", condition=R.INPUT)]
    out: list[Result] = []
    wanted: list[tuple[str, str]] = []
    for oid, name, size in blobs:
        if size > max_bytes:
            # The words of yamlload.decode, which refuses a file on disk that large.
            message = f"input is larger than the limit of {max_bytes} bytes (set {yamlload.MAX_BYTES_ENV} to raise it)"
            out.append(file_error(message, f"{GIT_PREFIX}{rev}:{name}"))
        else:
            wanted.append((oid, name))
    try:
        contents = read_blobs([oid for oid, _ in wanted], cwd=cwd)
    except GitInputError as exc:
        return [], [R.error(f"{spec}: {exc}", condition=R.INPUT)]
    items: list[Item] = []
    for (_, name), data in zip(wanted, contents, strict=True):
        source = f"{GIT_PREFIX}{rev}:{name}"
        found, problems = items_from_bytes(
            data, source=source, file_path=source, start=len(items), max_bytes=max_bytes
        )
        items.extend(found)
        out.extend(problems)
    return items, out


def list_blobs(rev: str, path: str, *, cwd: str | None = None) -> list[tuple[str, str, int]]:
    """(object id, path relative to the working directory, size) of every input file under `path` at `rev`,
    sorted by path."""
    listing = _git(["ls-tree", "-r", "-l", "-z", "--end-of-options", rev, "--", path], cwd=cwd)
    entries = [entry for entry in listing.split(b"\0") if entry]
    if not entries:
        raise GitInputError(f"no such path in {rev}")
    prefix = os.path.normpath(path)
    found: list[tuple[str, str, int]] = []
    for entry in entries:
        head, _, raw_name = entry.partition(b"\t")
        mode, kind, oid, size = head.decode("ascii").split()
        name = raw_name.decode("utf-8", "surrogateescape")
        if kind != "blob" or mode not in _BLOB_MODES:
            continue
        if os.path.normpath(name) == prefix:  # PATH names a file: taken whatever its name, as on disk
            found.append((oid, name, int(size)))
            continue
        below = os.path.relpath(name, prefix).split(os.sep)
        if not name.endswith(SUFFIXES) or any(part.startswith(".") for part in below):
            continue
        found.append((oid, name, int(size)))
    return sorted(found, key=lambda blob: blob[1].encode("utf-8", "surrogateescape"))


def read_blobs(oids: list[str], *, cwd: str | None = None) -> list[bytes]:
    """The contents of the blobs, in order, through one `git cat-file --batch`."""
    if not oids:
        return []
    raw = _git(["cat-file", "--batch"], cwd=cwd, stdin=("\n".join(oids) + "\n").encode("ascii"))
    out: list[bytes] = []
    at = 0
    for oid in oids:
        end = raw.index(b"\n", at)
        header = raw[at:end].decode("ascii").split(" ")
        if len(header) != 3 or header[1] != "blob":
            raise GitInputError(f"git cat-file: unexpected answer for {oid}: {' '.join(header)}")
        size = int(header[2])
        out.append(raw[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return out


def _git(args: list[str], *, cwd: str | None, stdin: bytes | None = None) -> bytes:
    command = ["git", "-C", cwd or os.getcwd(), *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitInputError("git is not installed or not on PATH; git:REV:PATH inputs need it") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        raise GitInputError(f"git {args[0]}: {message}")
    return done.stdout
