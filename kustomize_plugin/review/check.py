"""Drift between a committed `render -o DIR` tree and a fresh render: changed, missing and extra files, as a diff.

The contract is that of `render -o`: DIR must hold exactly the files it would write, its marker included
(so a folder that passes can be rendered into again), and every other file under DIR (whatever its name)
is extra. Line endings are compared without carriage returns, so a checkout with `core.autocrlf` does not
look drifted.

DIR may come from a pull request, so it is read as untrusted: only regular files inside it, each within the
input size limit, opened without following links. A symbolic link (DIR itself, or anything in it), a
device, a FIFO, a socket or a mount is a problem to report, never opened: a link could print the CI job's
secrets (`/proc/self/environ`) in the diff, and a device or FIFO could be read forever (docs/safety.md).
"""

from __future__ import annotations

import difflib
import os
import stat

from .. import outdir
from ..read import read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class Drift:
    """What differs between the expected files and DIR, and the unified diff that turns DIR into the render."""

    __slots__ = ("changed", "diff", "directory", "exists", "extra", "missing", "problems", "total")

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.exists = True
        self.changed: list[str] = []
        self.missing: list[str] = []
        self.extra: list[str] = []
        self.problems: list[str] = []  # what could not be read, one message each: no diff is made then
        self.diff = ""
        self.total = 0  # files the render writes

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.problems)


def read_tree(directory: str, *, max_bytes: int) -> tuple[dict[str, bytes], list[str]]:
    """Every regular file under `directory` by its `/`-separated relative path, and why anything else was
    not read (one message per entry, named `directory/path`)."""
    files: dict[str, bytes] = {}
    problems: list[str] = []
    base = directory.rstrip("/") or "/"
    for relative, info in outdir.walk(directory):
        mode = info.st_mode
        label = f"{base}/{relative}"
        if stat.S_ISDIR(mode):
            if os.path.ismount(os.path.join(directory, relative)):
                problems.append(f"{label}: is a mount point; check reads only the folder's own files")
            continue
        if stat.S_ISLNK(mode):
            target = os.readlink(os.path.join(directory, relative))
            problems.append(
                f"{label}: is a symbolic link (to {target}), which check does not follow: `render -o` "
                "writes regular files only"
            )
            continue
        if not stat.S_ISREG(mode):
            problems.append(f"{label}: is {outdir.kind_of_file(mode)}, not a regular file; it was not read")
            continue
        data = _read_regular(os.path.join(directory, relative), max_bytes)
        if isinstance(data, str):
            problems.append(f"{label}: {data}")
        else:
            files[relative] = data
    return files, problems


def _read_regular(path: str, max_bytes: int) -> bytes | str:
    """The bytes of a regular file, or why not: it may have been swapped since it was listed, and never more
    than the limit."""
    try:
        data = read_regular(path, max_bytes)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if data is None:
        return "is not a regular file; it was not read"
    if len(data) > max_bytes:
        return f"is larger than the limit of {max_bytes} bytes (set DPF_RENDER_MAX_INPUT_BYTES to raise it)"
    return data


def compare_tree(expected: Mapping[str, str], directory: str, *, max_bytes: int) -> Drift:
    """Compare the files a render would write (relative path → text; the marker is added) with `directory`."""
    drift = Drift(directory.rstrip("/") or "/")
    expected = {**expected, outdir.MARKER: outdir.marker_text(expected)}
    drift.total = len(expected)
    try:
        physical = outdir.physical_path(directory)
    except outdir.RefusedError as exc:
        drift.problems.append(f"{drift.directory}: {exc}")
        return drift
    try:
        mode = os.lstat(physical).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    drift.exists = mode is not None
    if mode is not None and not stat.S_ISDIR(mode):
        drift.problems.append(f"{drift.directory}: is not a folder ({outdir.kind_of_file(mode)})")
        return drift
    actual: dict[str, bytes] = {}
    if drift.exists:
        actual, drift.problems = read_tree(physical, max_bytes=max_bytes)
        if drift.problems:
            return drift
    base = drift.directory
    chunks: list[str] = []
    for path in sorted(expected.keys() | actual.keys()):
        want = expected.get(path)
        have = _text(actual[path]) if path in actual else None
        label = f"{base}/{path}"
        if have is None:
            drift.missing.append(path)
            chunks.extend(difflib.unified_diff([], _lines(want or ""), "/dev/null", f"b/{label}"))
        elif want is None:
            drift.extra.append(path)
            if isinstance(have, bytes):
                chunks.append(f"Binary file a/{label} is extra\n")
            else:
                chunks.extend(difflib.unified_diff(_lines(have), [], f"a/{label}", "/dev/null"))
        elif isinstance(have, bytes):
            drift.changed.append(path)
            chunks.append(f"Binary file a/{label} differs from the render\n")
        elif have.replace("\r\n", "\n") != want:
            drift.changed.append(path)
            chunks.extend(
                difflib.unified_diff(
                    _lines(have.replace("\r\n", "\n")), _lines(want), f"a/{label}", f"b/{label}"
                )
            )
    drift.diff = "".join(chunks)
    return drift


def _text(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _lines(text: str) -> list[str]:
    """Lines with their endings; a last line without one gets git's marker, so the diff stays applicable."""
    parts = text.split("\n")  # not splitlines(): YAML text may hold \x85 or \u2028 inside a line
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + "\n\\ No newline at end of file\n")
    return lines
