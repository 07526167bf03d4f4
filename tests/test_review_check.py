"""`dpf-render check PATH… --against DIR`: clean and drifted committed trees.

The drifted case (one changed, one missing and one extra file) has golden stdout and stderr in
`tests/review/check/`; regenerate them with `.venv/bin/pytest tests/test_review_check.py --update-golden`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .golden_util import assert_golden

CASE = Path(__file__).parent / "review" / "check"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from kustomize_plugin.cli import main

    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A working directory with input.yaml and its render under committed/."""
    shutil.copy(CASE / "input.yaml", tmp_path / "input.yaml")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["render", "input.yaml", "-o", "committed"], capsys)
    assert (code, err) == (0, "")
    return tmp_path / "committed"


def drift(directory: Path) -> None:
    """One changed, one missing and one extra file."""
    (service,) = (directory / "dpf").glob("dpuservice_fw-*.yaml")
    service.write_text(
        service.read_text(encoding="utf-8").replace("rules: strict", "rules: loose"), encoding="utf-8"
    )
    (directory / "dpf" / "bfb_bundle.yaml").unlink()
    (directory / "dpf" / "dpuset_demo-old.yaml").write_text("kind: DPUSet\n", encoding="utf-8")


@pytest.mark.usefixtures("committed")
def test_clean_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "input.yaml", "--against", "committed"], capsys)
    assert (code, out, err) == (0, "OK: committed matches the render of input.yaml (10 files)\n", "")


def test_drifted_tree(committed: Path, capsys: pytest.CaptureFixture[str], update_golden: bool) -> None:
    drift(committed)
    code, out, err = run(["check", "input.yaml", "--against", "committed/"], capsys)
    assert code == 1
    assert_golden(CASE / "drift.diff", out, update=update_golden)
    assert_golden(CASE / "drift.stderr", err, update=update_golden)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git (apt-get install git)")
def test_drift_diff_applies_with_git(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drift(committed)
    _, patch, _ = run(["check", "input.yaml", "--against", "committed"], capsys)
    (committed.parent / "fix.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "apply", "fix.patch"], cwd=committed.parent, check=True, capture_output=True)
    code, out, _ = run(["check", "input.yaml", "--against", "committed"], capsys)
    assert (code, out) == (0, "OK: committed matches the render of input.yaml (10 files)\n")


def test_crlf_checkout_is_not_drift(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in committed.rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code, _, _ = run(["check", "input.yaml", "--against", "committed"], capsys)
    assert code == 0


@pytest.mark.usefixtures("committed")
def test_missing_directory_is_drift(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "input.yaml", "--against", "elsewhere"], capsys)
    assert code == 1
    assert out.count("--- /dev/null\n") == 10  # 9 objects and the marker
    assert "note: elsewhere does not exist\n" in err
    assert err.endswith(
        "0 changed, 10 missing, 0 extra; update it with `dpf-render render input.yaml -o elsewhere` (and the same options)\n"
    )


@pytest.mark.usefixtures("committed")
def test_render_options_are_those_of_render(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["render", "input.yaml", "--sync-waves", "-o", "committed"], capsys)
    assert (code, err) == (0, "")
    assert run(["check", "input.yaml", "--sync-waves", "--against", "committed"], capsys)[0] == 0
    code, out, _ = run(["check", "input.yaml", "--against", "committed"], capsys)
    assert code == 1
    assert "-    argocd.argoproj.io/sync-wave: '-1'\n" in out


def test_render_errors_exit_1_without_a_diff(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = committed.parent / "broken.yaml"
    broken.write_text("a: [1\n", encoding="utf-8")
    code, out, err = run(["check", "broken.yaml", "--against", "committed"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("error: broken.yaml: ")


def test_against_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "input.yaml"], capsys)
    assert code == 2
    assert "--against" in err


def test_check_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--help"], capsys)
    assert code == 0
    assert "dpf-render check deploy/ --against rendered/" in out
