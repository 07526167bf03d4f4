"""The revision lock through the real tools: kustomize reads it and drops it (local-config), kpt keeps the
package's lock file current in place, and neither ever outputs it as an object to apply."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .test_e2e_tools import EXAMPLES, INPUT_FILES, documents, env, run, succeeded, tool

pytestmark = pytest.mark.e2e
__all__ = ["env"]  # the session fixture, used by name below

LOCK_FILE = "dpf-render.lock.yaml"


def copy_example(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(EXAMPLES / name, folder)
    return folder


def set_rate(folder: Path, rate: int) -> None:
    path = folder / "dpuserviceconfigurations.yaml"
    path.write_text(path.read_text().replace("rate: 5000", f"rate: {rate}"))


def write_lock(folder: Path, env: dict[str, str]) -> None:
    inputs = [str(folder / name) for name in INPUT_FILES]
    succeeded(run(["dpf-render", "lock", *inputs, "-o", str(folder / LOCK_FILE)], env))


def test_kustomize_reads_the_lock_and_never_outputs_it(tmp_path: Path, env: dict[str, str]) -> None:
    kustomize = tool("kustomize")
    folder = copy_example(tmp_path, "kustomize-transformer")
    write_lock(folder, env)
    kustomization = folder / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text().replace("resources:\n", f"resources:\n- {LOCK_FILE}\n")
    )
    build = [kustomize, "build", "--enable-alpha-plugins", "--enable-exec", str(folder)]
    before = succeeded(run(build, env))
    assert "DPUDeploymentLock" not in before
    # Flip the producer to non-disruptive and change its values: with the lock, DPF patches it in place.
    configs = folder / "dpuserviceconfigurations.yaml"
    configs.write_text(configs.read_text().replace("applyNodeEffect: true", "applyNodeEffect: false", 1))
    set_rate(folder, 6000)
    after = run(build, env)
    assert after.returncode == 0, after.stderr
    assert "DPUDeploymentLock" not in after.stdout
    names_before = {d["metadata"]["name"] for d in documents(before) if d["kind"] == "DPUService"}
    names_after = {d["metadata"]["name"] for d in documents(after.stdout) if d["kind"] == "DPUService"}
    assert names_before == names_after  # the producer kept its name, as DPF keeps the live object
    assert "the revision lock is out of date" in after.stderr


def test_kpt_render_keeps_the_lock_file_current(tmp_path: Path, env: dict[str, str]) -> None:
    kpt = tool("kpt")
    folder = copy_example(tmp_path, "kpt")
    write_lock(folder, env)
    original = (folder / LOCK_FILE).read_text()
    succeeded(run([kpt, "fn", "render", str(folder), "--allow-exec"], env))
    assert (folder / LOCK_FILE).exists()
    set_rate(folder, 6000)
    succeeded(run([kpt, "fn", "render", str(folder), "--allow-exec"], env))
    updated = documents((folder / LOCK_FILE).read_text())
    (lock,) = [d for d in updated if d["kind"] == "DPUDeploymentLock"]
    assert lock["metadata"]["annotations"]["config.kubernetes.io/local-config"] == "true"
    assert (folder / LOCK_FILE).read_text() != original
    producers = [
        d
        for p in folder.rglob("*.yaml")
        if p.name != "expected.yaml"
        for d in documents(p.read_text())
        if d["kind"] == "DPUService" and d["metadata"]["name"].startswith("producer-")
    ]
    assert [p["metadata"]["name"] for p in producers] == [lock["spec"]["services"]["producer"]["name"]]
    # A third render changes nothing: the lock is current.
    snapshot = {p: p.read_text() for p in folder.rglob("*.yaml")}
    succeeded(run([kpt, "fn", "render", str(folder), "--allow-exec"], env))
    assert {p: p.read_text() for p in folder.rglob("*.yaml")} == snapshot
