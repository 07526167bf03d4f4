"""`dpf-render CONFIG_FILE` (the legacy kustomize plugin mode), `install-kustomize-plugin` and
`kustomize-name-references`, driven as kustomize drives them: the installed executable in a subprocess, a
config file as argv[1], a plain YAML stream on stdin (nothing for a generator), cwd the kustomization dir.
No external tool needed; test_e2e_tools.py runs the same through kubectl and kustomize.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import lock, naming, yamldump, yamlload

from .conftest import EXAMPLE_INPUT_FILES, HANG_GUARD, PRODUCER_CONSUMER, REPO, dpf_render_bin, tool_env

SOURCE_EXAMPLE = PRODUCER_CONSUMER
INPUT_FILES = EXAMPLE_INPUT_FILES
CONSUMED_KINDS = ("DPUDeployment", "DPUServiceTemplate", "DPUServiceConfiguration")
OWNER_LABEL = naming.OWNER_LABEL
LOCAL_CONFIG = lock.LOCAL_CONFIG
PLUGIN = Path("dpf-render.io", "v1alpha1", "dpudeploymentrender", "DPUDeploymentRender")
BIN = dpf_render_bin()
CONFIG = """\
apiVersion: dpf-render.io/v1alpha1
kind: DPUDeploymentRender
metadata:
  name: dpf-render
spec: {spec}
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The venv's bin first on PATH, a HOME of its own, and no kustomize plugin variables from outside."""
    out = tool_env(HOME=str(tmp_path / "home"))
    for leaked in ("KUSTOMIZE_PLUGIN_CONFIG_STRING", "KUSTOMIZE_PLUGIN_HOME", "XDG_CONFIG_HOME"):
        out.pop(leaked, None)
    return out


def run(
    args: list[str], env: dict[str, str], *, stdin: bytes | None = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        input=None if stdin is None else stdin.decode(),
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=HANG_GUARD,
    )


def inputs_stream() -> bytes:
    return b"---\n".join((SOURCE_EXAMPLE / name).read_bytes() for name in INPUT_FILES)


def documents(text: str) -> list[dict[str, Any]]:
    return [d for d in yamlload.load_documents(text, source="<output>") if isinstance(d, dict)]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference() -> list[dict[str, Any]]:
    """The children `dpf-render render` produces from the same inputs."""
    done = subprocess.run(
        [str(BIN / "dpf-render"), "render", str(SOURCE_EXAMPLE)], capture_output=True, text=True, check=True
    )
    return [d for d in documents(done.stdout) if OWNER_LABEL in (d["metadata"].get("labels") or {})]


def assert_krm_semantics(out: str, reference: list[dict[str, Any]]) -> None:
    """Children as the CLI renders them; consumed inputs kept, marked local-config (the KRM mode)."""
    docs = documents(out)
    assert [d for d in docs if OWNER_LABEL in (d["metadata"].get("labels") or {})] == reference
    consumed = [d for d in docs if d["kind"] in CONSUMED_KINDS]
    assert len(consumed) == 5
    assert all(d["metadata"]["annotations"][LOCAL_CONFIG] == "true" for d in consumed)
    assert [d["kind"] for d in docs if d["kind"] in ("BFB", "DPUFlavor")] == ["BFB", "DPUFlavor"]


# --- the plugin mode ----------------------------------------------------------------------------------------


def test_transformer_call_renders_a_plain_stream(
    env: dict[str, str], reference: list[dict[str, Any]], tmp_path: Path
) -> None:
    config = write(tmp_path / "kust-plugin-config-1", CONFIG.format(spec="{}"))
    done = run(["dpf-render", str(config)], env, stdin=inputs_stream(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ResourceList" not in done.stdout
    assert_krm_semantics(done.stdout, reference)


def test_generator_call_reads_files_relative_to_the_kustomization(
    env: dict[str, str], reference: list[dict[str, Any]], tmp_path: Path
) -> None:
    for name in INPUT_FILES:
        shutil.copy(SOURCE_EXAMPLE / name, tmp_path / name)
    config = write(
        tmp_path / "config" / "plugin.yaml", CONFIG.format(spec=f"{{files: [{', '.join(INPUT_FILES)}]}}")
    )
    done = run(["dpf-render", str(config)], env, stdin=None, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_krm_semantics(done.stdout, reference)


def test_config_from_the_environment(env: dict[str, str], reference: list[dict[str, Any]]) -> None:
    env = {**env, "KUSTOMIZE_PLUGIN_CONFIG_STRING": CONFIG.format(spec="{namespace: dpf-operator-system}")}
    done = run(["dpf-render"], env, stdin=inputs_stream())
    assert done.returncode == 0, done.stderr
    assert_krm_semantics(done.stdout, reference)


def test_a_resource_list_with_the_config_variable_set_is_still_a_krm_call(env: dict[str, str]) -> None:
    """The variable can leak into exec functions run by a kustomize that a legacy plugin started."""
    env = {**env, "KUSTOMIZE_PLUGIN_CONFIG_STRING": "not: a config"}
    items = yamlload.load_documents(inputs_stream().decode(), source="inputs")
    resource_list = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}
    done = run(["dpf-render"], env, stdin=yamldump.dump_document(resource_list).encode())
    assert done.returncode == 0, done.stderr
    (out,) = documents(done.stdout)
    assert out["kind"] == "ResourceList"
    assert len(out["items"]) == 14


def test_input_errors_exit_1_with_stderr_and_no_stdout(env: dict[str, str], tmp_path: Path) -> None:
    config = write(tmp_path / "config.yaml", CONFIG.format(spec="{}"))
    broken = inputs_stream().replace(b"serviceTemplate: consumer", b"serviceTemplate: nosuch")
    done = run(["dpf-render", str(config)], env, stdin=broken)
    assert done.returncode == 1
    assert done.stdout == ""
    assert (
        "error: DPUDeployment dpf-operator-system/producer-consumer spec.services.consumer.serviceTemplate:"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_config_errors_are_input_errors(env: dict[str, str], tmp_path: Path) -> None:
    config = write(tmp_path / "config.yaml", CONFIG.format(spec="{keepInput: true}"))
    done = run(["dpf-render", str(config)], env, stdin=inputs_stream())
    assert done.returncode == 1
    assert done.stdout == ""
    assert "unknown field spec.keepInput" in done.stderr


def test_empty_input_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    config = write(tmp_path / "config.yaml", CONFIG.format(spec="{}"))
    done = run(["dpf-render", str(config)], env, stdin=None)
    assert done.returncode == 1
    assert "no DPF children were rendered" in done.stderr
    assert "allowEmpty" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flag", "value"], "takes one argument, the config file, not 3; remove argsOneLiner"),
        ([], ""),
    ],
    ids=["args-one-liner", "file-only"],
)
def test_plugin_arguments(env: dict[str, str], tmp_path: Path, args: list[str], message: str) -> None:
    config = write(tmp_path / "config.yaml", CONFIG.format(spec="{allowEmpty: true}"))
    done = run(["dpf-render", str(config), *args], env)
    if message:
        assert done.returncode == 2
        assert message in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert done.stdout == ""


def test_a_manifest_instead_of_a_config_points_to_render(env: dict[str, str]) -> None:
    """`dpf-render FILE` by hand with a DPF manifest: a usage error that names the right command."""
    path = SOURCE_EXAMPLE / "dpudeployment.yaml"
    done = run(["dpf-render", str(path)], env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "not a dpf-render.io/v1alpha1 DPUDeploymentRender" in done.stderr
    assert f"run `dpf-render render {path}`" in done.stderr


def test_a_file_named_like_a_command_does_not_hide_the_command(env: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path / "render", CONFIG.format(spec="{}"))
    done = run(["dpf-render", "render", str(SOURCE_EXAMPLE)], env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "kind: DPUDeployment\n" not in done.stdout  # the final render drops consumed inputs


# --- install-kustomize-plugin --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "root"),
    [
        ({"KUSTOMIZE_PLUGIN_HOME": "{tmp}/plugins", "XDG_CONFIG_HOME": "{tmp}/xdg"}, "{tmp}/plugins"),
        ({"XDG_CONFIG_HOME": "{tmp}/xdg"}, "{tmp}/xdg/kustomize/plugin"),
        ({}, "{tmp}/home/.config/kustomize/plugin"),
    ],
    ids=["KUSTOMIZE_PLUGIN_HOME", "XDG_CONFIG_HOME", "HOME"],
)
def test_install_picks_the_root_kustomize_searches(
    env: dict[str, str], tmp_path: Path, variables: dict[str, str], root: str
) -> None:
    env = {**env, **{k: v.format(tmp=tmp_path) for k, v in variables.items()}}
    done = run(["dpf-render", "install-kustomize-plugin"], env)
    assert done.returncode == 0, done.stderr
    expected = Path(root.format(tmp=tmp_path)) / PLUGIN
    assert done.stdout == f"{expected}\n"
    assert done.stderr == ""
    assert os.access(expected, os.X_OK)


def test_installed_plugin_execs_this_dpf_render(
    env: dict[str, str], reference: list[dict[str, Any]], tmp_path: Path
) -> None:
    root = tmp_path / "plugins"
    first = run(["dpf-render", "install-kustomize-plugin", str(root)], env)
    assert first.returncode == 0, first.stderr
    assert f"KUSTOMIZE_PLUGIN_HOME={root}" in first.stderr  # not a directory kustomize searches by default
    script = (root / PLUGIN).read_text()
    assert script.startswith("#!/bin/sh\n")
    assert f'exec {BIN / "dpf-render"} "$@"\n' in script

    again = run(["dpf-render", "install-kustomize-plugin", str(root)], env)
    assert again.returncode == 0
    assert (root / PLUGIN).read_text() == script
    assert sorted(p.name for p in (root / PLUGIN).parent.iterdir()) == ["DPUDeploymentRender"]

    config = write(tmp_path / "config.yaml", CONFIG.format(spec="{}"))
    bare = {**env, "PATH": "/usr/bin:/bin"}  # the script must not depend on dpf-render being on PATH
    done = run([str(root / PLUGIN), str(config)], bare, stdin=inputs_stream())
    assert done.returncode == 0, done.stderr
    assert_krm_semantics(done.stdout, reference)


def test_install_reports_an_unwritable_root(env: dict[str, str], tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "not a directory")
    done = run(["dpf-render", "install-kustomize-plugin", str(blocker)], env)
    assert done.returncode == 1
    assert f"error: cannot write the kustomize plugin under {blocker}" in done.stderr
    assert "Traceback" not in done.stderr


# --- kustomize-name-references -----------------------------------------------------------------------------


def test_name_references_without_paths_is_the_shipped_file(env: dict[str, str]) -> None:
    done = run(["dpf-render", "kustomize-name-references"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (REPO / "kustomize_plugin" / "kustomize" / "name-references.yaml").read_text()
    (document,) = documents(done.stdout)
    targets = {entry["kind"]: entry["fieldSpecs"] for entry in document["nameReference"]}
    assert {
        "kind": "DPUSet",
        "group": "provisioning.dpu.nvidia.com",
        "path": "spec/dpuTemplate/spec/bfb/name",
    } in targets["BFB"]
    assert {
        "kind": "DPUSet",
        "group": "provisioning.dpu.nvidia.com",
        "path": "spec/dpuTemplate/spec/dpuFlavor",
    } in targets["DPUFlavor"]
    assert "DPUServiceTemplate" not in targets  # map keys cannot be matched generically


def test_name_references_add_one_path_per_service_key(env: dict[str, str]) -> None:
    done = run(["dpf-render", "kustomize-name-references", str(SOURCE_EXAMPLE)], env)
    assert done.returncode == 0, done.stderr
    (document,) = documents(done.stdout)
    targets = {entry["kind"]: entry["fieldSpecs"] for entry in document["nameReference"]}
    assert [spec["path"] for spec in targets["DPUServiceTemplate"]] == [
        "spec/services/consumer/serviceTemplate",
        "spec/services/producer/serviceTemplate",
    ]
    assert [spec["path"] for spec in targets["DPUServiceConfiguration"]] == [
        "spec/services/consumer/serviceConfiguration",
        "spec/services/producer/serviceConfiguration",
    ]
    assert all(spec["kind"] == "DPUDeployment" for spec in targets["DPUServiceTemplate"])


def test_name_references_report_unreadable_paths(env: dict[str, str], tmp_path: Path) -> None:
    done = run(["dpf-render", "kustomize-name-references", str(tmp_path / "missing")], env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "missing: no such file or directory" in done.stderr


# --- the examples' inputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "example", ["kustomize-transformer", "kustomize-generator", "kubectl-legacy-plugin", "kpt"]
)
def test_example_inputs_are_the_producer_consumer_inputs(example: str) -> None:
    """Each tool example is self-contained (kustomize and kpt read no files outside it), so the inputs are
    copies; they must stay identical for every mode to render the same children."""
    for name in INPUT_FILES:
        copy = REPO / "examples" / example / name
        assert copy.read_bytes() == (SOURCE_EXAMPLE / name).read_bytes(), (
            f"{copy.relative_to(REPO)} differs from examples/producer-consumer/{name}; copy it again"
        )


def test_transformer_call_honours_a_revision_lock_among_its_inputs(
    env: dict[str, str], tmp_path: Path
) -> None:
    """An adopted deployment: with the lock `dpf-render adopt` wrote in the stream kustomize sends, the children
    keep the live names; the lock comes back unchanged, marked local-config, so kustomize never outputs it."""
    adopted = REPO / "tests" / "adopt" / "steady-state"
    inputs = b"---\n".join(p.read_bytes() for p in sorted((adopted / "inputs").glob("*.yaml")))
    lock_done = run(
        ["dpf-render", "adopt", str(adopted / "live.yaml"), "--inputs", str(adopted / "inputs")], env
    )
    assert lock_done.returncode == 0, lock_done.stderr
    config = write(tmp_path / "kust-plugin-config-1", CONFIG.format(spec="{}"))
    done = run(
        ["dpf-render", str(config)], env, stdin=inputs + b"---\n" + lock_done.stdout.encode(), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    docs = documents(done.stdout)
    names = {
        (d["kind"], d["metadata"]["name"]) for d in docs if d["kind"] in ("DPUService", "DPUServiceChain")
    }
    assert names == {
        ("DPUService", "router-7bx2k"),
        ("DPUService", "flowlog-q9d4m"),
        ("DPUService", "collector-h5tzw"),
        ("DPUServiceChain", "edge-fabric-w4kp6"),
    }
    (kept,) = [d for d in docs if d["kind"] == lock.KIND]
    assert kept == documents(lock_done.stdout)[0]
    assert kept["metadata"]["annotations"][LOCAL_CONFIG] == "true"
