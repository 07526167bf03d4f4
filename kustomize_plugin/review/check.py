"""Drift between a committed `render -o DIR` tree and a fresh render: changed, missing and extra files, as a diff.

The contract is that of `render -o`: DIR must hold exactly the files it would write, so every other file
under DIR (whatever its name) is extra. Line endings are compared without carriage returns, so a checkout
with `core.autocrlf` does not look drifted.
"""

from __future__ import annotations

import difflib
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


class Drift:
    """What differs between the expected files and DIR, and the unified diff that turns DIR into the render."""

    __slots__ = ("changed", "diff", "directory", "exists", "extra", "missing", "total")

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.exists = True
        self.changed: list[str] = []
        self.missing: list[str] = []
        self.extra: list[str] = []
        self.diff = ""
        self.total = 0  # files the render writes

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def read_tree(directory: str) -> dict[str, bytes]:
    """Every file under `directory` by its `/`-separated relative path."""
    files: dict[str, bytes] = {}
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(root, name)
            relative = os.path.relpath(full, directory).replace(os.sep, "/")
            with open(full, "rb") as handle:
                files[relative] = handle.read()
    return files


def compare_tree(expected: Mapping[str, str], directory: str) -> Drift:
    """Compare the files a render would write (relative path → text) with what `directory` holds."""
    drift = Drift(directory.rstrip("/") or "/")
    drift.total = len(expected)
    drift.exists = os.path.isdir(directory)
    actual = read_tree(directory) if drift.exists else {}
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
