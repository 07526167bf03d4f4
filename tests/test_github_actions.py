"""The GitHub Actions example's steps, run as the runner runs them (bash, the job's environment, a `gh` that
records what it is asked): a failed render replaces the plan comment with the reason, never leaves a plan
of an earlier push standing."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from kustomize_plugin import yamlload

from .conftest import PRODUCER_CONSUMER, REPO, tool_env

WORKFLOW = REPO / "examples" / "github-actions" / "dpf-render.yaml"
MARKER = "<!-- dpf-render-plan -->"
FAKE_GH = """#!/usr/bin/env bash
# Records each call; answers the comment listing with the id of an earlier plan comment, if told one.
printf '%s\\n' "$*" >> "$GH_LOG"
for arg in "$@"; do case "$arg" in body=@*) cp "${arg#body=@}" "$GH_LOG.body";; esac; done
if [ "$1" = pr ]; then cp "$5" "$GH_LOG.body"; fi
if [ "$1 $2" = "api repos/$GH_REPO/issues/$PR/comments" ]; then echo "${EARLIER_COMMENT:-}"; fi
"""


def step(name: str) -> dict[str, object]:
    workflow = yamlload.load_documents(WORKFLOW.read_text())[0]
    (found,) = [s for s in workflow["jobs"]["review"]["steps"] if s.get("name") == name]
    return dict(found)


def run_step(name: str, repo: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    script = str(step(name)["run"])
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=repo,
        env={**env, **extra},
        capture_output=True,
        text=True,
        check=False,
    )


def runner(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "repo"
    shutil.copytree(PRODUCER_CONSUMER, repo / "deploy", ignore=shutil.ignore_patterns("*.md", ".*"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "x",
        ],
        check=True,
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    temp = tmp_path / "temp"
    temp.mkdir()
    env = tool_env(
        INPUTS="deploy",
        RENDERED="rendered",
        RUNNER_TEMP=str(temp),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        GH_LOG=str(tmp_path / "gh.log"),
        GH_REPO="acme/fabric",
        PR="7",
    )
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return repo, env


def test_a_failed_render_replaces_the_plan_comment_with_its_errors(tmp_path: Path) -> None:
    repo, env = runner(tmp_path)
    configs = repo / "deploy" / "dpuserviceconfigurations.yaml"
    configs.write_text(
        configs.read_text().replace("deploymentServiceName: producer", "deploymentServiceName: prod")
    )
    check = run_step("Check drift", repo, env)
    assert check.returncode == 1
    assert "doesn't match requested service" in check.stderr  # still in the job's log
    assert "drifted" not in check.stderr  # an input error, not drift
    step_config = step("Comment the plan")
    assert str(step_config["if"]).startswith("always()")
    done = run_step("Comment the plan", repo, env, PLAN="skipped", EARLIER_COMMENT="4242")
    assert done.returncode == 0, done.stderr
    calls = Path(env["GH_LOG"]).read_text()
    assert (
        "api --method PATCH repos/acme/fabric/issues/comments/4242" in calls
    )  # the earlier plan is replaced
    body = Path(env["GH_LOG"] + ".body").read_text()
    assert body.startswith(MARKER)
    assert "the render failed" in body
    assert "doesn't match requested service" in body


def test_drift_is_named_as_drift_in_the_comment(tmp_path: Path) -> None:
    repo, env = runner(tmp_path)
    render = ["dpf-render", "render", "deploy", "-o", "rendered"]
    assert subprocess.run(render, cwd=repo, env=env, capture_output=True, check=False).returncode == 0
    configs = repo / "deploy" / "dpuserviceconfigurations.yaml"
    configs.write_text(configs.read_text().replace("rate: 5000", "rate: 6000"))
    check = run_step("Check drift", repo, env)
    assert check.returncode == 1
    assert "drifted" in check.stderr
    done = run_step("Comment the plan", repo, env, PLAN="skipped")
    assert done.returncode == 0, done.stderr
    body = Path(env["GH_LOG"] + ".body").read_text()
    assert "the committed renders are out of date" in body
    assert "the render failed" not in body
    assert "dpf-render render" in body  # the command that brings them up to date


def test_a_successful_run_posts_the_plan(tmp_path: Path) -> None:
    repo, env = runner(tmp_path)
    rendered = subprocess.run(
        ["dpf-render", "render", "deploy", "-o", "rendered"],
        cwd=repo,
        env=env,
        capture_output=True,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert run_step("Check drift", repo, env).returncode == 0
    plan = Path(env["RUNNER_TEMP"]) / "plan.md"
    plan.write_text(f"{MARKER}\n## dpf-render plan\n\nNo changes.\n")
    done = run_step("Comment the plan", repo, env, PLAN="success")
    assert done.returncode == 0, done.stderr
    assert "pr comment 7 --body-file" in Path(env["GH_LOG"]).read_text()
    assert Path(env["GH_LOG"] + ".body").read_text() == plan.read_text()
