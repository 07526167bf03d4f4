"""README.md's first command, typed as a new user types it in a fresh clone: it sets up dpf-render and renders
the bundled example, byte for byte what the example's README says it prints (.expected/render.yaml)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import HANG_GUARD, REPO

pytestmark = pytest.mark.e2e


def first_command() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", quick_start, re.DOTALL)
    assert match, "README.md's quick start has no sh block"
    return match.group(1)


def test_the_first_command_sets_up_and_renders_the_example(tmp_path: Path) -> None:
    command = first_command()
    assert command.startswith("python3 -m venv .venv")
    assert "dpf-render render examples/producer-consumer" in command
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=HANG_GUARD)
    # The working tree as it is now, not only as committed: the test runs before a commit too.
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO / os.fsdecode(name)
        if source.is_file():
            target = clone / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    python_dir = str(Path(sys.executable).resolve().parent)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != python_dir)
    done = subprocess.run(
        ["bash", "-ec", command], cwd=clone, env=env, capture_output=True, timeout=HANG_GUARD, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    expected = (REPO / "examples" / "producer-consumer" / ".expected" / "render.yaml").read_bytes()
    assert done.stdout == expected
