"""The golden-file harness: compare text with a unified diff, or rewrite it under --update-golden."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest


def assert_golden(path: Path, actual: str, *, update: bool) -> None:
    """`actual` equals the file at `path` (line endings normalised); with update, write it instead."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing; run scripts/update-golden.sh to create it")
    expected = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), f"WANT {path}", "GOT", n=3
            )
        )
        pytest.fail(f"output differs from {path}:\n{diff}")


def assert_absent(path: Path, *, update: bool) -> None:
    """No golden file should exist here (e.g. no results expected)."""
    if update:
        path.unlink(missing_ok=True)
        return
    assert not path.exists(), f"{path} exists but the run produced nothing for it"
