"""argocd/install/health.lua under Lua 5.1 with only the libraries Argo CD's VM opens, for every status branch.

Argo CD runs health scripts in gopher-lua (Lua 5.1) with the base, table and a safe os library (no
`string` library unless useOpenLibs is set), `obj` as a global, and reads `{status, message}` from the
script's return value. The sandbox below gives the script exactly that, so a branch that needed more would
fail here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
HEALTH_LUA = REPO / "argocd" / "install" / "health.lua"
ARGO_STATUSES = {"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"}

_RUN = """
function(code, obj)
  local env = {
    obj = obj, ipairs = ipairs, pairs = pairs, next = next, select = select, type = type,
    tostring = tostring, tonumber = tonumber, error = error, pcall = pcall, unpack = unpack,
    table = table,
  }
  local chunk, problem = loadstring(code, "=health.lua")
  if chunk == nil then
    error(problem)
  end
  setfenv(chunk, env)
  local hs = chunk()
  local keys = {}
  for key, _ in pairs(hs) do
    table.insert(keys, key)
  end
  table.sort(keys)
  return hs.status, hs.message, table.concat(keys, ",")
end
"""


def lua_module() -> Any:
    """Lua 5.1 (Argo CD's dialect) when lupa ships it, else lupa's default Lua."""
    try:
        from lupa import lua51
    except ImportError:
        return pytest.importorskip("lupa", reason="lupa is a dev dependency: pip install -e '.[dev]'")
    return lua51


def health(obj: dict[str, Any]) -> tuple[str, str]:
    lua = lua_module().LuaRuntime(unpack_returned_tuples=True)
    status, message, keys = lua.eval(_RUN)(
        HEALTH_LUA.read_text(encoding="utf-8"), lua.table_from(obj, recursive=True)
    )
    assert keys == "message,status", keys
    assert status in ARGO_STATUSES
    return str(status), str(message)


def ready(status: str, reason: str = "", message: str = "", **extra: Any) -> dict[str, Any]:
    condition: dict[str, Any] = {"type": "Ready", "status": status, **extra}
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    return condition


def dpf(kind: str, status: dict[str, Any] | None = None, generation: int = 2) -> dict[str, Any]:
    group = "provisioning.dpu.nvidia.com" if kind in ("DPUSet", "BFB", "DPUFlavor") else "svc.dpu.nvidia.com"
    obj: dict[str, Any] = {
        "apiVersion": f"{group}/v1alpha1",
        "kind": kind,
        "metadata": {"name": "x", "namespace": "dpf", "generation": generation},
    }
    if status is not None:
        obj["status"] = status
    return obj


CONDITION_KINDS = [
    "DPUDeployment",
    "DPUServiceTemplate",
    "DPUService",
    "DPUServiceInterface",
    "DPUServiceChain",
]

CASES = [
    ("no status", dpf("DPUService"), "Progressing", "Waiting for the DPF controller to report status"),
    ("empty status", dpf("DPUService", {}), "Progressing", "Waiting for the Ready condition"),
    (
        "status of an older generation",
        dpf("DPUService", {"observedGeneration": 1, "conditions": [ready("True")]}),
        "Progressing",
        "Waiting for the controller to observe generation 2 (it has seen 1)",
    ),
    (
        "Ready condition of an older generation",
        dpf("DPUService", {"observedGeneration": 2, "conditions": [ready("True", observedGeneration=1)]}),
        "Progressing",
        "Waiting for the controller to observe generation 2 (it has seen 1)",
    ),
    (
        "Ready True",
        dpf("DPUService", {"observedGeneration": 2, "conditions": [ready("True", "Success")]}),
        "Healthy",
        "Ready",
    ),
    (
        "Ready True with a message",
        dpf("DPUService", {"conditions": [ready("True", "Success", "all 4 DPUs run the service")]}),
        "Healthy",
        "all 4 DPUs run the service",
    ),
    (
        "Ready False, reason Failure: terminal",
        dpf(
            "DPUDeployment",
            {
                "observedGeneration": 2,
                "conditions": [
                    {"type": "ResourceFittingReady", "status": "False", "reason": "Failure"},
                    ready("False", "Failure", "there are not enough resources for DPUServices to fit"),
                ],
            },
        ),
        "Degraded",
        "Failure: there are not enough resources for DPUServices to fit",
    ),
    (
        "Ready False, reason Pending",
        dpf("DPUServiceChain", {"conditions": [ready("False", "Pending", "Objects are not ready")]}),
        "Progressing",
        "Pending: Objects are not ready",
    ),
    (
        "Ready False, reason Error: DPF retries",
        dpf("DPUServiceInterface", {"conditions": [ready("False", "Error", "Error occurred: boom")]}),
        "Progressing",
        "Error: Error occurred: boom",
    ),
    (
        "Ready Unknown without reason or message",
        dpf("DPUServiceTemplate", {"conditions": [ready("Unknown")]}),
        "Progressing",
        "Ready is Unknown",
    ),
    (
        "other conditions but no Ready",
        dpf("DPUService", {"conditions": [{"type": "ApplicationsReady", "status": "True"}]}),
        "Progressing",
        "Waiting for the Ready condition",
    ),
    (
        "object without metadata.generation",
        {"kind": "DPUService", "status": {"observedGeneration": 7, "conditions": [ready("True")]}},
        "Healthy",
        "Ready",
    ),
    # DPUSet, DPF v24.10 shape: no conditions, only dpuStatistics.
    (
        "DPUSet without status",
        dpf("DPUSet"),
        "Progressing",
        "Waiting for the DPF controller to report status",
    ),
    (
        "DPUSet status without statistics",
        dpf("DPUSet", {}),
        "Progressing",
        "Waiting for the DPUSet to report its DPUs",
    ),
    (
        "DPUSet selecting no DPU",
        dpf("DPUSet", {"dpuStatistics": {}}),
        "Healthy",
        "No DPU matches this DPUSet",
    ),
    ("DPUSet all Ready", dpf("DPUSet", {"dpuStatistics": {"Ready": 3}}), "Healthy", "All 3 DPUs Ready"),
    (
        "DPUSet provisioning",
        dpf("DPUSet", {"dpuStatistics": {"Ready": 1, "OS Installing": 2, "Pending": 0}}),
        "Progressing",
        "1 of 3 DPUs Ready (OS Installing: 2, Pending: 0, Ready: 1)",
    ),
    (
        "DPUSet with a DPU in Error",
        dpf("DPUSet", {"dpuStatistics": {"Ready": 2, "Error": 1}}),
        "Degraded",
        "1 of 3 DPUs in phase Error (Error: 1, Ready: 2)",
    ),
    # DPUSet, newer shape: conditions and observedGeneration win over the statistics.
    (
        "DPUSet with a Ready condition",
        dpf(
            "DPUSet",
            {
                "observedGeneration": 2,
                "dpuStatistics": {"Ready": 1, "Pending": 1},
                "conditions": [ready("True")],
            },
        ),
        "Healthy",
        "Ready",
    ),
    (
        "DPUSet with conditions of an older generation",
        dpf("DPUSet", {"observedGeneration": 1, "conditions": [ready("True")]}),
        "Progressing",
        "Waiting for the controller to observe generation 2 (it has seen 1)",
    ),
    ("BFB Ready", dpf("BFB", {"phase": "Ready"}), "Healthy", "Ready"),
    ("BFB Downloading", dpf("BFB", {"phase": "Downloading"}), "Progressing", "BFB phase Downloading"),
    ("BFB Initializing", dpf("BFB", {"phase": "Initializing"}), "Progressing", "BFB phase Initializing"),
    ("BFB Deleting", dpf("BFB", {"phase": "Deleting"}), "Progressing", "BFB phase Deleting"),
    (
        "BFB Error",
        dpf("BFB", {"phase": "Error"}),
        "Degraded",
        "BFB phase Error: the file could not be downloaded or read",
    ),
    ("BFB without phase, with conditions", dpf("BFB", {"conditions": [ready("True")]}), "Healthy", "Ready"),
]


@pytest.mark.parametrize(("obj", "status", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_health(obj: dict[str, Any], status: str, message: str) -> None:
    assert health(obj) == (status, message)


@pytest.mark.parametrize("kind", CONDITION_KINDS)
def test_every_conditions_kind_follows_its_ready_condition(kind: str) -> None:
    assert health(dpf(kind, {"observedGeneration": 2, "conditions": [ready("True")]}))[0] == "Healthy"
    assert (
        health(dpf(kind, {"observedGeneration": 2, "conditions": [ready("False", "Failure", "x")]}))[0]
        == "Degraded"
    )
    assert health(dpf(kind, {"observedGeneration": 1, "conditions": [ready("True")]}))[0] == "Progressing"
    assert health(dpf(kind))[0] == "Progressing"


def test_the_sandbox_refuses_the_string_library() -> None:
    # The guard works: a script that used string.format would fail here as it fails in Argo CD.
    lua = lua_module().LuaRuntime(unpack_returned_tuples=True)
    with pytest.raises(Exception, match="string"):
        lua.eval(_RUN)('return {status = string.format("%s", "Healthy"), message = ""}', lua.table_from({}))
