"""A kustomize build that skips dpf-render must fail, not print the inputs without their children.

kustomize runs exec KRM functions only with `--enable-exec`, and `kubectl kustomize` cannot run them at all;
both skip the function without a word and exit 0. The examples therefore list, after dpf-render, a builtin
transformer that every kustomize runs and that fails when dpf-render did not (the examples' READMEs and
docs/install.md). These tests build the examples with the real tools, each way a user can get it wrong.
A missing tool skips, or fails under DPF_RENDER_E2E=required.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .cmp_runner import require_tool
from .conftest import HANG_GUARD, REPO, tool_env

pytestmark = pytest.mark.e2e

EXAMPLES = REPO / "examples"
TRANSFORMER_MESSAGE = (
    "dpf-render did not run (kustomize build needs --enable-alpha-plugins --enable-exec; "
    "kubectl kustomize cannot run exec functions)"
)
GENERATOR_MESSAGE = "nothing selected by DPUDeployment.[noVer].[noGrp]/producer-consumer.dpf-operator-system"
INSTALL_KUSTOMIZE = "scripts/install-tools.sh installs standalone kustomize 5"
INSTALL_KUBECTL = "https://kubernetes.io/docs/tasks/tools/"


def build(command: list[str], example: Path) -> subprocess.CompletedProcess[str]:
    require_tool(command[0], INSTALL_KUBECTL if command[0] == "kubectl" else INSTALL_KUSTOMIZE)
    return subprocess.run(
        [*command, str(example)],
        capture_output=True,
        text=True,
        env=tool_env(),
        timeout=HANG_GUARD,
        check=False,
    )


SKIPPING = {
    "kustomize without --enable-exec": ["kustomize", "build", "--enable-alpha-plugins"],
    "kubectl kustomize": ["kubectl", "kustomize", "--enable-alpha-plugins"],
}


@pytest.mark.parametrize("how", sorted(SKIPPING))
@pytest.mark.parametrize(
    ("example", "message"),
    [("kustomize-transformer", TRANSFORMER_MESSAGE), ("kustomize-generator", GENERATOR_MESSAGE)],
)
def test_a_build_that_skips_dpf_render_fails_and_says_so(how: str, example: str, message: str) -> None:
    done = build(SKIPPING[how], EXAMPLES / example)
    assert done.returncode != 0, f"{how} exited 0 and printed:\n{done.stdout}"
    assert done.stdout == ""
    assert message in done.stderr


@pytest.mark.parametrize("example", ["kustomize-transformer", "kustomize-generator"])
def test_the_check_lets_a_build_that_ran_dpf_render_through(example: str) -> None:
    done = build(["kustomize", "build", "--enable-alpha-plugins", "--enable-exec"], EXAMPLES / example)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (EXAMPLES / example / "expected.yaml").read_text(encoding="utf-8")


def test_the_legacy_plugin_example_fails_without_its_plugin(tmp_path: Path) -> None:
    # kubectl runs the legacy plugin; a machine without it installed gets kustomize's own error, and the
    # same check as above stands behind it.
    env = {**tool_env(), "KUSTOMIZE_PLUGIN_HOME": str(tmp_path / "no-plugins"), "HOME": str(tmp_path)}
    require_tool("kubectl", INSTALL_KUBECTL)
    done = subprocess.run(
        ["kubectl", "kustomize", "--enable-alpha-plugins", str(EXAMPLES / "kubectl-legacy-plugin")],
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode != 0
    assert done.stdout == ""


def test_the_check_catches_a_deployment_dpf_render_never_saw(tmp_path: Path) -> None:
    # The transformer example's check does not depend on how dpf-render was skipped: any DPUDeployment that
    # reaches the end of the build unconsumed fails it, e.g. one added after dpf-render by a later patch.
    example = tmp_path / "example"
    shutil.copytree(EXAMPLES / "kustomize-transformer", example)
    config = example / "dpf-render.yaml"
    config.write_text(config.read_text().replace("path: dpf-render", "path: /bin/cat"))
    done = build(["kustomize", "build", "--enable-alpha-plugins", "--enable-exec"], example)
    assert done.returncode != 0
    assert TRANSFORMER_MESSAGE in done.stderr


def test_the_legacy_check_catches_a_config_kubectl_skips(tmp_path: Path) -> None:
    # The exec-function annotation on the legacy plugin's config makes kubectl skip it without a word.
    example = tmp_path / "example"
    shutil.copytree(EXAMPLES / "kubectl-legacy-plugin", example)
    config = example / "dpf-render.yaml"
    annotated = "  name: dpf-render\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: dpf-render\n"
    config.write_text(config.read_text().replace("  name: dpf-render\n", annotated))
    done = build(["kubectl", "kustomize", "--enable-alpha-plugins"], example)
    assert done.returncode != 0
    assert "dpf-render did not run (install its legacy plugin" in done.stderr
