"""scripts/bench.py keeps working: CI runs its quick mode and checks that it prints its table.

Timings are never asserted (a busy CI machine would make that flaky); the figures and their targets are
in docs/performance.md, measured with the full run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO, tool_env

pytestmark = pytest.mark.slow  # runs the benchmark script

ROWS = (
    "cold start: KRM function",
    "DOCA version constraint",
    "cold start: `dpf-render render",
    "throughput: render 100 DPUDeployments",
    "scaling: KRM function",
    "peak RSS",
    "peer:",
    "hostile input: alias bomb",
    "hostile input: a million-element list",
    "hostile input: input over the 64 MiB cap",
)


def test_quick_benchmark_runs_and_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        env=tool_env(),
        cwd=REPO,
        timeout=900,  # a hang guard only
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "| Measure | Result | Baseline | Ratio | Target | Status |" in result.stdout
    for row in ROWS:
        assert row in result.stdout, f"no row {row!r} in:\n{result.stdout}"
    assert "exit 1" in result.stdout  # the hostile inputs end in input errors
