"""`git:REV:PATH` inputs of `dpf-render plan`, against a temporary repository made with git in tmp_path.

Proves that a side is read from a commit without a checkout (the working tree may differ), that PATH is a
folder or a file relative to the working directory, that hidden entries and non-YAML files are skipped as
on disk, that errors name the revision and path, and the issue's done-when flow on the bundled example.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO
from .review_helpers import run

CASES = Path(__file__).parent / "review" / "plan"
EXAMPLE = REPO / "examples" / "producer-consumer"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git (apt-get install git)")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=dpf-render tests",
            "-c",
            "user.email=tests@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose HEAD holds the `values-disruptive` base in deploy/, and whose working tree holds the head."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    (root / "deploy" / ".hidden").mkdir(parents=True)
    git(root, "init", "-q")
    shutil.copy(CASES / "values-disruptive" / "base.yaml", root / "deploy" / "all.yaml")
    (root / "deploy" / ".hidden" / "broken.yaml").write_text("{ not yaml", encoding="utf-8")
    (root / "deploy" / "README.txt").write_text("not an input\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    shutil.copy(CASES / "values-disruptive" / "head.yaml", root / "deploy" / "all.yaml")
    monkeypatch.chdir(root)
    return root


def expected(base: str, head: str, fmt: str = "txt") -> str:
    text = (CASES / "values-disruptive" / f"expected.{fmt}").read_text(encoding="utf-8")
    return text.replace("base.yaml", base).replace("head.yaml", head)


@pytest.mark.usefixtures("repo")
def test_git_base_against_working_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["plan", "git:HEAD:deploy", "deploy"], capsys)
    assert (code, err) == (0, "")
    assert out == expected("git:HEAD:deploy", "deploy")


def test_git_on_both_sides_and_markdown(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "commit", "-q", "-am", "head")
    code, out, err = run(["plan", "git:HEAD~1:deploy", "git:HEAD:deploy/", "--format", "markdown"], capsys)
    assert (code, err) == (0, "")
    assert out == expected("git:HEAD~1:deploy", "git:HEAD:deploy/", "md")


def test_git_path_is_a_file_and_relative_to_the_working_directory(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "deploy")
    code, out, _ = run(["plan", "git:HEAD:all.yaml", "all.yaml"], capsys)
    assert code == 0
    assert out == expected("git:HEAD:all.yaml", "all.yaml")
    code, out, _ = run(["plan", "git:HEAD:", "."], capsys)
    assert code == 0
    assert out == expected("git:HEAD:", ".")


def test_git_blobs_are_read_in_sorted_order_with_their_names(repo: Path) -> None:
    from kustomize_plugin.review.input_sets import read_input_set
    from kustomize_plugin.yamlload import DEFAULT_MAX_BYTES

    (repo / "deploy" / "b").mkdir()
    (repo / "deploy" / "b" / "z.yml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n", encoding="utf-8"
    )
    (repo / "deploy" / "a.json").write_text(
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}', encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    items, found = read_input_set("git:HEAD:deploy", max_bytes=DEFAULT_MAX_BYTES)
    assert found == []
    files = list(dict.fromkeys(item.file_path for item in items))
    assert files == ["git:HEAD:deploy/a.json", "git:HEAD:deploy/all.yaml", "git:HEAD:deploy/b/z.yml"]


def test_errors_name_the_committed_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "deploy" / "bad.yaml").write_text("a: [1\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bad")
    code, out, err = run(["plan", "git:HEAD:deploy", "deploy"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("error: git:HEAD:deploy/bad.yaml: ")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("git:HEAD~5:deploy", "error: git:HEAD~5:deploy: git ls-tree: Not a valid object name HEAD~5\n"),
        ("git:HEAD:nothing", "error: git:HEAD:nothing: no such path in HEAD\n"),
        ("git::deploy", "error: git::deploy: expected git:REV:PATH (for example git:HEAD~1:deploy)\n"),
        ("git:--output=x:deploy", "error: git:--output=x:deploy: a revision cannot start with '-'\n"),
    ],
    ids=["bad-revision", "no-such-path", "no-revision", "option-like-revision"],
)
@pytest.mark.usefixtures("repo")
def test_git_input_errors(capsys: pytest.CaptureFixture[str], spec: str, message: str) -> None:
    code, out, err = run(["plan", spec, "deploy"], capsys)
    assert (code, out, err) == (1, "", message)


def test_not_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["plan", "git:HEAD:.", str(CASES / "no-change" / "head.yaml")], capsys)
    assert code == 1
    assert err.startswith("error: git:HEAD:.: git ls-tree: not a git repository")


def test_done_when_disruptive_change_of_the_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's demo: a disruptive change of the bundled example, planned from HEAD~1, as Markdown."""
    from kustomize_plugin import pipeline
    from kustomize_plugin.config import RenderConfig
    from kustomize_plugin.read import read_paths
    from kustomize_plugin.yamlload import DEFAULT_MAX_BYTES

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root / "examples" / "producer-consumer")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "example")
    configurations = root / "examples" / "producer-consumer" / "dpuserviceconfigurations.yaml"
    text = configurations.read_text(encoding="utf-8")
    assert "rate: 5000" in text
    configurations.write_text(text.replace("rate: 5000", "rate: 6000"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "faster producer")
    monkeypatch.chdir(root)

    items, _ = read_paths([str(EXAMPLE)], max_bytes=DEFAULT_MAX_BYTES)
    [before] = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL).revisions
    services = sorted(s.name for s in before.services)
    dpusets = sorted(f"{before.deployment.name}-{s.name_suffix}" for s in before.deployment.dpu_sets)

    args = [
        "plan",
        "git:HEAD~1:examples/producer-consumer",
        "examples/producer-consumer",
        "--format",
        "markdown",
    ]
    code, out, err = run(args, capsys)
    assert (code, err) == (0, "")
    assert "> **Disruptive.**" in out
    assert f"> - drain runs on the nodes of DPUSets {', '.join(dpusets)}" in out
    assert f"> - new revisions replace DPUService {', '.join(services)}; DPUServiceChain " in out
    for name in services:
        assert f"| -/+ | DPUService | `{name}` → " in out
    code, _, _ = run([*args, "--fail-on-disruptive"], capsys)
    assert code == 4


@pytest.mark.usefixtures("repo")
def test_git_inputs_respect_the_input_size_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A blob over DPF_RENDER_MAX_INPUT_BYTES is refused before it is read, as a file on disk is."""
    monkeypatch.setenv("DPF_RENDER_MAX_INPUT_BYTES", "1k")
    code, out, err = run(["plan", "git:HEAD:deploy", "deploy"], capsys)
    assert code == 1
    assert out == ""
    assert "error: git:HEAD:deploy/all.yaml: input is larger than the limit of 1024 bytes" in err
    assert "error: deploy/all.yaml: input is larger than the limit of 1024 bytes" in err
