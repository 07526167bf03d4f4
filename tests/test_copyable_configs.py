"""Configuration meant to be copied works as it is: no value a user must replace before anything runs.

The pre-commit snippet is taken from `.pre-commit-hooks.yaml` and run as pre-commit would run it; the GitHub
Actions example is run step by step in tests/test_dist.py, and the Argo CD install in
tests/test_argocd_install.py.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kustomize_plugin import yamlload

from .conftest import PRODUCER_CONSUMER, REPO, tool_env

HOOKS = REPO / ".pre-commit-hooks.yaml"
COPIED = [HOOKS, *(REPO / "examples" / "github-actions").iterdir(), *(REPO / "argocd").rglob("*.yaml")]
PLACEHOLDERS = re.compile(r"OWNER|example\.com|/you/|<your |CHANGE ?ME|TODO", re.IGNORECASE)


def strings_in(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *strings_in(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [str(value)]


@pytest.mark.parametrize("path", COPIED, ids=lambda p: str(p.relative_to(REPO)))
def test_no_placeholder_is_left_to_replace(path: Path) -> None:
    # In YAML, every value (comments may show the user-specific part of a command); elsewhere, every line.
    text = path.read_text(encoding="utf-8")
    lines = strings_in(yamlload.load_documents(text)) if path.suffix == ".yaml" else text.splitlines()
    for line in lines:
        assert not PLACEHOLDERS.search(line), f"{path.relative_to(REPO)}: {line.strip()}"


def local_hook() -> dict[str, object]:
    """The `.pre-commit-config.yaml` that the comment of .pre-commit-hooks.yaml offers, parsed."""
    lines = HOOKS.read_text(encoding="utf-8").splitlines()
    start = lines.index("#   repos:")
    block = []
    for line in lines[start:]:
        if line.strip() == "#":
            break
        block.append(line.removeprefix("# "))
    (config,) = yamlload.load_documents("\n".join(block))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    return dict(hook)


def test_the_local_pre_commit_hook_matches_the_published_one() -> None:
    hook = local_hook()
    (published,) = yamlload.load_documents(HOOKS.read_text(encoding="utf-8"))[0]
    assert hook["id"] == published["id"]
    for key in ("files", "pass_filenames", "require_serial"):
        assert hook[key] == published[key], key
    assert hook["language"] == "system"
    assert str(hook["entry"]).startswith(published["entry"] + " ")


def test_the_local_pre_commit_hook_passes_a_fresh_render_and_fails_a_stale_one(tmp_path: Path) -> None:
    shutil.copytree(PRODUCER_CONSUMER, tmp_path / "deploy", ignore=shutil.ignore_patterns("*.md", ".*"))
    env = tool_env()
    render = ["dpf-render", "render", "deploy", "-o", "rendered"]
    subprocess.run(render, cwd=tmp_path, env=env, check=True, capture_output=True)
    entry = shlex.split(str(local_hook()["entry"]).split("#", 1)[0])
    fresh = subprocess.run(entry, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert fresh.returncode == 0, fresh.stderr
    deployment = tmp_path / "deploy" / "dpudeployment.yaml"
    deployment.write_text(deployment.read_text().replace("rack-a", "rack-c"))
    stale = subprocess.run(entry, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert "rack-c" in stale.stdout, "the diff of the drift"
