"""kustomize_plugin/argocd.py in-process: options from parameters and plugin env, reading the app folder, the
stderr block, and the `dpf-render argocd` commands through the console script.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from kustomize_plugin import argocd
from kustomize_plugin import results as R
from tests.conftest import run_dpf_render, tool_env

REPO = Path(__file__).resolve().parents[1]
APPS = REPO / "tests" / "argocd_apps"


def params(*entries: dict[str, Any]) -> str:
    return json.dumps(list(entries))


def options(**environ: str) -> tuple[dict[str, Any], list[str]]:
    config, results = argocd.options_from_environment(environ)
    values = {
        "namespace": config.namespace,
        "keep_inputs": config.keep_inputs,
        "strict": config.strict,
        "sync_waves": config.sync_waves,
        "sync_options": config.sync_options,
        "bfb_versions": config.bfb_versions,
    }
    return values, [r.line() for r in results]


DEFAULT = {
    "namespace": "",
    "keep_inputs": False,
    "strict": False,
    "sync_waves": False,
    "sync_options": False,
    "bfb_versions": {},
}

OK_CASES = [
    ("nothing set", {}, {}),
    ("no parameters is JSON null", {"ARGOCD_APP_PARAMETERS": "null"}, {}),
    ("destination namespace", {"ARGOCD_APP_NAMESPACE": "dpf"}, {"namespace": "dpf"}),
    (
        "namespace parameter beats the destination",
        {
            "ARGOCD_APP_NAMESPACE": "dpf",
            "ARGOCD_APP_PARAMETERS": params({"name": "namespace", "string": "lab"}),
        },
        {"namespace": "lab"},
    ),
    (
        "an empty parameter is unset",
        {"ARGOCD_APP_NAMESPACE": "dpf", "ARGOCD_APP_PARAMETERS": params({"name": "namespace", "string": ""})},
        {"namespace": "dpf"},
    ),
    (
        "plugin env",
        {
            "ARGOCD_ENV_NAMESPACE": "env-ns",
            "ARGOCD_ENV_KEEP_INPUTS": "true",
            "ARGOCD_ENV_STRICT": "TRUE",
            "ARGOCD_ENV_SYNC_WAVES": "True",
            "ARGOCD_ENV_SYNC_OPTIONS": "true",
            "ARGOCD_ENV_BFB_VERSIONS": "a=2.9.0, b=2.10.1",
        },
        {
            "namespace": "env-ns",
            "keep_inputs": True,
            "strict": True,
            "sync_waves": True,
            "sync_options": True,
            "bfb_versions": {"a": "2.9.0", "b": "2.10.1"},
        },
    ),
    (
        "parameters beat plugin env",
        {
            "ARGOCD_ENV_SYNC_WAVES": "true",
            "ARGOCD_ENV_BFB_VERSIONS": "a=1.0",
            "ARGOCD_APP_PARAMETERS": params(
                {"name": "syncWaves", "string": "false"}, {"name": "bfbVersions", "map": {"a": "2.9"}}
            ),
        },
        {"bfb_versions": {"a": "2.9"}},
    ),
    (
        "an empty map parameter is unset",
        {
            "ARGOCD_ENV_BFB_VERSIONS": "a=1.0",
            "ARGOCD_APP_PARAMETERS": params({"name": "bfbVersions", "map": {}}),
        },
        {"bfb_versions": {"a": "1.0"}},
    ),
    (
        "bfbVersions as a string parameter",
        {"ARGOCD_APP_PARAMETERS": params({"name": "bfbVersions", "string": "a=2.9"})},
        {"bfb_versions": {"a": "2.9"}},
    ),
    ("unrelated plugin env is ignored", {"ARGOCD_ENV_KUSTOMIZE_FLAGS": "x"}, {}),
]


@pytest.mark.parametrize(("environ", "expected"), [c[1:] for c in OK_CASES], ids=[c[0] for c in OK_CASES])
def test_options(environ: dict[str, str], expected: dict[str, Any]) -> None:
    assert options(**environ) == ({**DEFAULT, **expected}, [])


ERROR_CASES = [
    ("not JSON", {"ARGOCD_APP_PARAMETERS": "[{"}, "error: ARGOCD_APP_PARAMETERS is not valid JSON: "),
    (
        "not a list",
        {"ARGOCD_APP_PARAMETERS": "{}"},
        "error: ARGOCD_APP_PARAMETERS must be a JSON list of parameters",
    ),
    (
        "nameless",
        {"ARGOCD_APP_PARAMETERS": '[{"string": "x"}]'},
        "error: ARGOCD_APP_PARAMETERS[0]: a parameter needs a name",
    ),
    (
        "unknown",
        {"ARGOCD_APP_PARAMETERS": params({"name": "syncwaves", "string": "true"})},
        "error: parameter syncwaves: unknown parameter (known: namespace, keepInputs, strict, syncWaves, syncOptions, bfbVersions)",
    ),
    (
        "twice",
        {
            "ARGOCD_APP_PARAMETERS": params(
                {"name": "strict", "string": "true"}, {"name": "strict", "string": "false"}
            )
        },
        "error: parameter strict: set more than once",
    ),
    (
        "two values",
        {"ARGOCD_APP_PARAMETERS": params({"name": "strict", "string": "true", "array": []})},
        "error: parameter strict: needs exactly one of string, array, map",
    ),
    (
        "not a boolean",
        {"ARGOCD_APP_PARAMETERS": params({"name": "keepInputs", "string": "yes"})},
        'error: parameter keepInputs: must be "true" or "false", not "yes"',
    ),
    (
        "env not a boolean",
        {"ARGOCD_ENV_STRICT": "1"},
        'error: ARGOCD_ENV_STRICT: must be "true" or "false", not "1"',
    ),
    (
        "namespace as a list",
        {"ARGOCD_APP_PARAMETERS": params({"name": "namespace", "array": ["a"]})},
        "error: parameter namespace: must be a string (a namespace name)",
    ),
    (
        "bfbVersions as a list",
        {"ARGOCD_APP_PARAMETERS": params({"name": "bfbVersions", "array": ["a=1"]})},
        "error: parameter bfbVersions: must map BFB names to DOCA versions",
    ),
    (
        "bfbVersions without a version",
        {"ARGOCD_ENV_BFB_VERSIONS": "a=2.9,b"},
        'error: ARGOCD_ENV_BFB_VERSIONS: BFB "b" needs a DOCA version (name=version)',
    ),
]


@pytest.mark.parametrize(("environ", "line"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_option_errors(environ: dict[str, str], line: str) -> None:
    _, lines = options(**environ)
    assert len(lines) == 1
    assert lines[0].startswith(line), lines[0]


def test_every_announced_parameter_has_a_plugin_env_name() -> None:
    assert set(argocd.ENV_NAMES) == set(argocd.DEFAULTS)


# --- generate ----------------------------------------------------------------------------------------------------


def generate(path: Path | str, **environ: str) -> tuple[str, list[str], int]:
    stream, results, code = argocd.generate(str(path), {"PATH": "", **environ})
    return stream, [r.line() for r in results], code


def test_a_missing_app_folder_is_an_error() -> None:
    stream, lines, code = generate(APPS / "no-such-app")
    assert (stream, code) == ("", R.EXIT_INPUT_ERROR)
    assert lines == [f"error: {APPS / 'no-such-app'}: the app folder does not exist or is not a folder"]


def test_file_names_are_relative_to_the_app_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(APPS / "broken")
    _, lines, _ = generate(".", ARGOCD_APP_NAMESPACE="dpf")
    assert lines
    assert all(line.split(" ", 1)[1].startswith("dpudeployment.yaml: ") for line in lines)


def write_app_with_a_warning(folder: Path) -> Path:
    """The plain fixture with dpuSetStrategy removed: renders, with a warning that says which default applied."""
    folder.mkdir()
    for source in (APPS / "plain").rglob("*"):
        if source.is_file():
            target = folder / source.relative_to(APPS / "plain")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                source.read_text(encoding="utf-8").replace(
                    "    dpuSetStrategy:\n      type: RollingUpdate\n", ""
                )
            )
    return folder


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    app = write_app_with_a_warning(tmp_path / "app")
    stream, lines, code = generate(app, ARGOCD_APP_NAMESPACE="dpf")
    assert code == R.EXIT_OK
    assert stream.startswith("apiVersion: ")
    assert any(line.startswith("warning: ") and "dpuSetStrategy" in line for line in lines), lines
    stream, _, code = generate(app, ARGOCD_APP_NAMESPACE="dpf", ARGOCD_ENV_STRICT="true")
    assert (stream, code) == ("", R.EXIT_INPUT_ERROR)


def test_main_writes_the_stream_or_the_block_never_both(tmp_path: Path) -> None:
    app = write_app_with_a_warning(tmp_path / "app")
    environ = {"ARGOCD_APP_NAMESPACE": "dpf", "ARGOCD_APP_NAME": "lab", "PATH": ""}
    stdout, stderr = io.BytesIO(), io.StringIO()
    assert argocd.main(str(app), environ, stdout, stderr) == 0
    assert stdout.getvalue().startswith(b"apiVersion: ")
    assert stderr.getvalue().startswith('dpf-render: rendered app "lab" with warnings:\nwarning: ')

    stdout, stderr = io.BytesIO(), io.StringIO()
    assert argocd.main(str(app), {**environ, "ARGOCD_ENV_STRICT": "true"}, stdout, stderr) == 1
    assert stdout.getvalue() == b""
    head, *lines = stderr.getvalue().splitlines()
    assert head == 'dpf-render: cannot render app "lab": warnings (strict is on); no manifests were generated'
    assert lines
    assert all(line.startswith("warning: ") for line in lines)


@pytest.mark.parametrize(
    ("environ", "text"),
    [
        ({}, "the app folder"),
        ({"ARGOCD_APP_NAME": "a"}, 'app "a"'),
        ({"ARGOCD_APP_NAME": "a", "ARGOCD_APP_SOURCE_PATH": "apps/dpf"}, 'app "a" (path apps/dpf)'),
        (
            {
                "ARGOCD_APP_NAME": "a",
                "ARGOCD_APP_SOURCE_PATH": "apps/dpf",
                "ARGOCD_APP_REVISION": "0123456789abcdef",
            },
            'app "a" (path apps/dpf at 0123456)',
        ),
        (
            {"ARGOCD_APP_REVISION_SHORT": "abcdef0", "ARGOCD_APP_REVISION": "0123456789"},
            "the app folder (abcdef0)",
        ),
    ],
)
def test_describe_app(environ: dict[str, str], text: str) -> None:
    assert argocd.describe_app(environ) == text


# --- which kustomize -------------------------------------------------------------------------------------------


def fake_tools(folder: Path, *names: str) -> str:
    folder.mkdir()
    for name in names:
        (folder / name).write_text("#!/bin/sh\n")
        (folder / name).chmod(0o755)
    return str(folder)


def test_standalone_kustomize_is_preferred(tmp_path: Path) -> None:
    path = fake_tools(tmp_path / "bin", "kustomize", "kubectl")
    assert argocd.kustomize_command(".", {"PATH": path}) == [f"{path}/kustomize", "build", "."]


def test_kubectl_is_the_fallback_and_build_options_come_from_the_sidecar(tmp_path: Path) -> None:
    path = fake_tools(tmp_path / "bin", "kubectl")
    environ = {"PATH": path, argocd.BUILD_OPTIONS_ENV: "--enable-helm --load-restrictor LoadRestrictionsNone"}
    assert argocd.kustomize_command("app", environ) == [
        f"{path}/kubectl",
        "kustomize",
        "--enable-helm",
        "--load-restrictor",
        "LoadRestrictionsNone",
        "app",
    ]


def test_no_kustomize_at_all() -> None:
    assert argocd.kustomize_command(".", {"PATH": ""}) is None


# --- the commands through the console script ---------------------------------------------------------------------


def test_argocd_generate_help_has_an_example() -> None:
    done = run_dpf_render("argocd", "generate", "--help")
    assert done.returncode == 0
    text = done.stdout.decode()
    assert "Examples:" in text
    assert "dpf-render argocd generate" in text
    assert "ARGOCD_APP_PARAMETERS" in text


def test_argocd_group_help() -> None:
    done = run_dpf_render("argocd", "--help")
    assert done.returncode == 0
    assert "generate" in done.stdout.decode()


def test_console_script_renders_the_current_folder() -> None:
    done = run_dpf_render("argocd", "generate", env=tool_env(ARGOCD_APP_NAMESPACE="dpf"), cwd=APPS / "plain")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    assert b"kind: DPUServiceChain" in done.stdout


def test_the_input_cap_applies_to_an_overlays_build_as_to_a_plain_folder() -> None:
    from tests.cmp_runner import require_tool

    kustomize = require_tool("kustomize", "scripts/install-tools.sh installs it")
    environ = {"PATH": os.path.dirname(kustomize), "DPF_RENDER_MAX_INPUT_BYTES": "100"}
    for app in (APPS / "plain", APPS / "kustomize" / "overlay"):
        stream, lines, code = generate(app, ARGOCD_APP_NAMESPACE="dpf", **environ)
        assert (stream, code) == ("", R.EXIT_INPUT_ERROR), (app, lines)
        assert any("larger than the limit of 100 bytes" in line for line in lines), (app, lines)


def test_generate_honours_the_revision_lock_in_the_app_folder(tmp_path: Path) -> None:
    """An adopted app: the lock `dpf-render adopt` wrote beside the inputs keeps the live names, and is never
    part of the manifests Argo CD applies."""
    adopt = REPO / "tests" / "adopt" / "steady-state"
    app = tmp_path / "app"
    shutil.copytree(adopt / "inputs", app)
    done = run_dpf_render(
        "adopt", str(adopt / "live.yaml"), "--inputs", str(app), "-o", str(app / "dpf-render.lock.yaml")
    )
    assert done.returncode == 0, done.stderr.decode()
    stream, lines, code = generate(app, ARGOCD_APP_NAMESPACE="dpf-operator-system")
    assert (code, lines) == (R.EXIT_OK, [])
    names = {
        (doc["kind"], doc["metadata"]["name"])
        for doc in yaml.safe_load_all(stream)
        if doc["kind"] in ("DPUService", "DPUServiceChain", "DPUDeploymentLock")
    }
    assert names == {
        ("DPUService", "router-7bx2k"),
        ("DPUService", "flowlog-q9d4m"),
        ("DPUService", "collector-h5tzw"),
        ("DPUServiceChain", "edge-fabric-w4kp6"),
    }
