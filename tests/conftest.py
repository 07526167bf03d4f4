"""Shared test fixtures: the golden update switch, paths, DPF's CRDs, the bundled example's objects, running
dpf-render for real, and finding the external tools the end-to-end tests run."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

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
# The dpf-render that end-to-end tests run: a built wheel's console script or the single-file build
# (scripts/check-dist.sh sets it), instead of the one installed in this venv.
EXECUTABLE_ENV = "DPF_RENDER_EXECUTABLE"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from the actual output"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that runs a real external tool (e2e) is slow as well: `-m "not slow"` leaves it out."""
    for item in items:
        if item.get_closest_marker("e2e") is not None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@functools.cache
def dpf_render_bin() -> Path:
    """A folder whose `dpf-render` is the one under test: this venv's, or the one DPF_RENDER_EXECUTABLE names."""
    given = os.environ.get(EXECUTABLE_ENV)
    if not given:
        return Path(sys.executable).parent
    executable = Path(given).absolute()
    assert os.access(executable, os.X_OK), f"{EXECUTABLE_ENV}={given} is not an executable file"
    if executable.resolve().name == "dpf-render":  # a console script, also through pipx's symlink
        return executable.resolve().parent
    # Tools find it by that name (kustomize's `path: dpf-render`, kpt's `exec: dpf-render`), and the single
    # file finds `python3` on PATH, also where a test narrows PATH to this folder.
    folder = Path(tempfile.mkdtemp(prefix="dpf-render-bin-"))
    folder.chmod(0o755)  # the Argo CD sidecar tests run it as uid 999
    (folder / "dpf-render").symlink_to(executable)
    # The system's first (uid 999 can run it), else whichever is on PATH.
    python3 = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or shutil.which("python3")
    if python3 is not None:
        (folder / "python3").symlink_to(python3)
    return folder


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for running dpf-render and other tools: the venv's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{dpf_render_bin()}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_dpf_render(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed console script, as kustomize, kpt and Argo CD do."""
    return subprocess.run(
        [str(dpf_render_bin() / "dpf-render"), *args],
        input=stdin,
        capture_output=True,
        env=env if env is not None else tool_env(),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def example_documents() -> list[Any]:
    """The bundled example's objects, file by file in sorted order as `render` reads the folder (fresh each
    call, so a test may change them)."""
    from kustomize_plugin import yamlload

    docs: list[Any] = []
    for path in sorted(PRODUCER_CONSUMER.glob("*.yaml")):
        docs += yamlload.load_documents(path.read_text(encoding="utf-8"))
    return docs


def missing_tool(message: str) -> NoReturn:
    """Skip the test for a missing external tool, or fail it when CI requires every tool (DPF_RENDER_E2E=required)."""
    if os.environ.get("DPF_RENDER_E2E") == "required":
        pytest.fail(message)
    pytest.skip(message)


def require_tool(tool: str, how: str) -> str:
    """The tool's path; a skip naming how to install it, or a failure when CI requires every tool."""
    found = shutil.which(tool)
    if found:
        return found
    missing_tool(f"{tool} is not on PATH: {how}")
