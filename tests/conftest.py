"""Shared test fixtures: the golden update switch, paths, DPF's CRDs, and running dpf-render for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CRDS = SHARED / "crds"
PRODUCER_CONSUMER = REPO / "examples" / "producer-consumer"
# The bundled example's input files, which the kustomize, kubectl and kpt examples carry copies of.
EXAMPLE_INPUT_FILES = (
    "bfb.yaml",
    "dpuflavor.yaml",
    "dpudeployment.yaml",
    "dpuservicetemplates.yaml",
    "dpuserviceconfigurations.yaml",
)
HANG_GUARD = 600  # seconds; only stops a wedged process from holding CI forever, never measures speed


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from the actual output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for running dpf-render and other tools: the venv's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_dpf_render(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed console script, as kustomize, kpt and Argo CD do."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "dpf-render"), *args],
        input=stdin,
        capture_output=True,
        env=env if env is not None else tool_env(),
        cwd=cwd,
        timeout=120,
        check=False,
    )
