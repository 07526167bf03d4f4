"""The revision lock as an object that travels with the inputs: written by `dpf-render lock`, read by every
mode, never applied (dropped from final manifests, local-config in KRM modes), checked by `check`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from kustomize_plugin import yamldump, yamlload

from .conftest import PRODUCER_CONSUMER, run_dpf_render

LOCK_KIND = "DPUDeploymentLock"


def objects(data: bytes) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = yamlload.load_documents(data.decode())
    return docs


def example(tmp_path: Path) -> Path:
    folder = tmp_path / "deploy"
    shutil.copytree(PRODUCER_CONSUMER, folder, ignore=shutil.ignore_patterns(".expected", "README.md"))
    return folder


def set_rate(folder: Path, rate: int) -> None:
    path = folder / "dpuserviceconfigurations.yaml"
    path.write_text(path.read_text().replace("rate: 5000", f"rate: {rate}"))


def test_lock_prints_one_local_config_lock_per_deployment(tmp_path: Path) -> None:
    done = run_dpf_render("lock", str(example(tmp_path)))
    assert done.returncode == 0, done.stderr
    (lock,) = objects(done.stdout)
    assert (lock["apiVersion"], lock["kind"]) == ("dpf-render.io/v1alpha1", LOCK_KIND)
    assert lock["metadata"] == {
        "annotations": {"config.kubernetes.io/local-config": "true"},
        "name": "producer-consumer",
        "namespace": "dpf-operator-system",
    }
    assert sorted(lock["spec"]["services"]) == ["consumer", "producer"]
    assert set(lock["spec"]["chain"]) >= {"name", "digest"}


def test_a_fresh_lock_changes_no_name_and_never_reaches_the_output(tmp_path: Path) -> None:
    folder = example(tmp_path)
    before = run_dpf_render("render", str(folder))
    done = run_dpf_render("lock", str(folder), "-o", str(folder / "dpf-render.lock.yaml"))
    assert done.returncode == 0, done.stderr
    after = run_dpf_render("render", str(folder))
    assert after.returncode == 0, after.stderr
    assert after.stderr == b""
    assert LOCK_KIND.encode() not in after.stdout
    assert [d["metadata"]["name"] for d in objects(after.stdout)] == [
        d["metadata"]["name"] for d in objects(before.stdout)
    ]


def test_a_stale_lock_is_a_warning_for_render_and_an_error_for_check(tmp_path: Path) -> None:
    folder = example(tmp_path)
    assert run_dpf_render("lock", str(folder), "-o", str(folder / "dpf-render.lock.yaml")).returncode == 0
    rendered = tmp_path / "rendered"
    set_rate(folder, 6000)
    done = run_dpf_render("render", str(folder), "-o", str(rendered))
    assert done.returncode == 0, done.stderr
    assert b"warning:" in done.stderr
    assert b"the revision lock is out of date (" in done.stderr
    assert b"service producer digest" in done.stderr
    check = run_dpf_render("check", str(folder), "--against", str(rendered))
    assert check.returncode == 1
    assert b"error:" in check.stderr
    assert b"out of date" in check.stderr
    assert run_dpf_render("lock", str(folder), "-o", str(folder / "dpf-render.lock.yaml")).returncode == 0
    check = run_dpf_render("check", str(folder), "--against", str(rendered))
    assert check.returncode == 0, check.stderr


def test_lock_replaces_only_a_file_of_locks(tmp_path: Path) -> None:
    folder = example(tmp_path)
    target = folder / "dpudeployment.yaml"
    original = target.read_bytes()
    done = run_dpf_render("lock", str(folder), "-o", str(target))
    assert done.returncode == 2
    assert b"holds objects other than revision locks" in done.stderr
    assert target.read_bytes() == original
    assert run_dpf_render("lock", str(folder), "-o", "").returncode == 2


def test_the_krm_function_keeps_the_lock_as_local_config_updated_in_place(tmp_path: Path) -> None:
    folder = example(tmp_path)
    lock = objects(run_dpf_render("lock", str(folder)).stdout)[0]
    lock["metadata"]["annotations"]["config.kubernetes.io/path"] = "dpf-render.lock.yaml"
    set_rate(folder, 6000)
    items = [d for p in sorted(folder.glob("*.yaml")) for d in objects(p.read_bytes())]
    resource_list = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [*items, lock]}
    done = run_dpf_render(stdin=yamldump.dump_document(resource_list).encode())
    assert done.returncode == 0, done.stderr
    out = objects(done.stdout)[0]["items"]
    (updated,) = [i for i in out if i["kind"] == LOCK_KIND]
    assert updated["metadata"]["annotations"] == {
        "config.kubernetes.io/local-config": "true",
        "config.kubernetes.io/path": "dpf-render.lock.yaml",
    }
    assert updated["spec"]["services"]["producer"]["digest"] != lock["spec"]["services"]["producer"]["digest"]
    producer = next(
        i for i in out if i["kind"] == "DPUService" and i["metadata"]["name"].startswith("producer")
    )
    assert updated["spec"]["services"]["producer"]["name"] == producer["metadata"]["name"]


def test_a_broken_lock_is_an_error_naming_the_field(tmp_path: Path) -> None:
    folder = example(tmp_path)
    lock = objects(run_dpf_render("lock", str(folder)).stdout)[0]
    lock["spec"]["services"]["producer"]["digest"] = "not-a-digest"
    lock["spec"]["services"]["producer"]["nmae"] = "typo"
    (folder / "dpf-render.lock.yaml").write_text(yamldump.dump_document(lock))
    done = run_dpf_render("render", str(folder))
    assert done.returncode == 1
    assert b"spec.services.producer.digest" in done.stderr
    assert b"spec.services.producer.nmae" in done.stderr
    assert done.stdout == b""


def test_a_lock_without_its_deployment_is_reported(tmp_path: Path) -> None:
    folder = example(tmp_path)
    lock = objects(run_dpf_render("lock", str(folder)).stdout)[0]
    lock["metadata"]["name"] = "elsewhere"
    (folder / "dpf-render.lock.yaml").write_text(yamldump.dump_document(lock))
    done = run_dpf_render("render", str(folder))
    assert done.returncode == 0, done.stderr
    assert b"no DPUDeployment dpf-operator-system/elsewhere among the inputs" in done.stderr


COLLIDING = """
apiVersion: provisioning.dpu.nvidia.com/v1alpha1
kind: BFB
metadata: {name: bundle, namespace: ns}
spec: {url: "https://images.example.com/bf-bundle-2.9.1-40_25.01_ubuntu-22.04_prod.bfb"}
---
apiVersion: provisioning.dpu.nvidia.com/v1alpha1
kind: DPUFlavor
metadata: {name: flavor, namespace: ns}
spec: {}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceTemplate
metadata: {name: proxy, namespace: ns}
spec:
  deploymentServiceName: proxy
  helmChart: {source: {repoURL: "oci://registry.example.com/charts", chart: proxy, version: 1.0.0}}
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUServiceConfiguration
metadata: {name: proxy, namespace: ns}
spec:
  deploymentServiceName: proxy
  upgradePolicy: {applyNodeEffect: false}
"""


def deployment_text(name: str) -> str:
    return f"""
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUDeployment
metadata: {{name: {name}, namespace: ns}}
spec:
  dpus:
    bfb: bundle
    flavor: flavor
    nodeEffect: {{drain: true}}
    dpuSetStrategy: {{type: RollingUpdate}}
    dpuSets: [{{nameSuffix: all}}]
  services:
    proxy: {{serviceTemplate: proxy, serviceConfiguration: proxy}}
"""


def test_colliding_generated_names_are_an_error_that_a_lock_resolves(tmp_path: Path) -> None:
    # d8288 and d9268 in one namespace: the suffixes of ns/d8288/proxy and ns/d9268/proxy are both 5kkmm.
    folder = tmp_path / "deploy"
    folder.mkdir()
    (folder / "common.yaml").write_text(COLLIDING)
    (folder / "d8288.yaml").write_text(deployment_text("d8288"))
    (folder / "d9268.yaml").write_text(deployment_text("d9268"))
    done = run_dpf_render("render", str(folder))
    assert done.returncode == 1
    assert b"DPUService ns/proxy-5kkmm would be written twice" in done.stderr
    assert b"the generated suffixes collide: pin one of these children to another name" in done.stderr
    # The remedy: a lock for one of them, its DPUService pinned to a name of the same shape.
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "common.yaml").write_text(COLLIDING)
    (alone / "d9268.yaml").write_text(deployment_text("d9268"))
    (lock,) = objects(run_dpf_render("lock", str(alone)).stdout)
    assert lock["spec"]["services"]["proxy"]["name"] == "proxy-5kkmm"
    lock["spec"]["services"]["proxy"]["name"] = "proxy-9zzzz"
    (folder / "dpf-render.lock.yaml").write_text(yamldump.dump_document(lock))
    done = run_dpf_render("render", str(folder))
    assert done.returncode == 0, done.stderr
    services = sorted(d["metadata"]["name"] for d in objects(done.stdout) if d["kind"] == "DPUService")
    assert services == ["proxy-5kkmm", "proxy-9zzzz"]


def test_plan_takes_base_s_revisions_in_place_of_a_head_lock_without_namespace(tmp_path: Path) -> None:
    # Every input without a namespace, the default given by --namespace: HEAD's lock pins another name, which
    # DPF would not know of; as DPF sees it, BASE's revision stays current (the lock is keyed as the index
    # keys it, with the default namespace).
    text = (COLLIDING + "---" + deployment_text("d1")).replace(", namespace: ns", "")
    base, head = tmp_path / "base", tmp_path / "head"
    for folder in (base, head):
        folder.mkdir()
        (folder / "inputs.yaml").write_text(text)
    (lock,) = objects(run_dpf_render("lock", str(head), "--namespace", "ns").stdout)
    base_name = lock["spec"]["services"]["proxy"]["name"]
    lock["spec"]["services"]["proxy"]["name"] = "proxy-headx"
    del lock["metadata"]["namespace"]
    (head / "dpf-render.lock.yaml").write_text(yamldump.dump_document(lock))
    done = run_dpf_render("plan", str(base), str(head), "--namespace", "ns")
    assert done.returncode == 0, done.stderr
    assert f"DPF would keep DPUService {base_name} and update it in place" in done.stdout.decode()


def test_lock_updates_a_stale_lock_without_a_word_even_under_strict(tmp_path: Path) -> None:
    folder = example(tmp_path)
    assert run_dpf_render("lock", str(folder), "-o", str(folder / "dpf-render.lock.yaml")).returncode == 0
    set_rate(folder, 6000)
    assert run_dpf_render("render", str(folder), "--strict").returncode == 1  # the stale lock is a warning
    done = run_dpf_render("lock", str(folder), "--strict")
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    (lock,) = objects(done.stdout)
    assert (
        lock["spec"]["services"]["producer"]["digest"]
        != objects((folder / "dpf-render.lock.yaml").read_bytes())[0]["spec"]["services"]["producer"][
            "digest"
        ]
    )
    # Any other warning still fails it under --strict.
    lock["metadata"]["name"] = "elsewhere"
    (folder / "orphan.lock.yaml").write_text(yamldump.dump_document(lock))
    done = run_dpf_render("lock", str(folder), "--strict")
    assert done.returncode == 1
    assert done.stderr.decode().startswith("warning: "), done.stderr
    assert "no DPUDeployment dpf-operator-system/elsewhere among the inputs" in done.stderr.decode()
    assert "out of date" not in done.stderr.decode()
    assert done.stdout == b""


def test_check_reports_a_stale_lock_as_an_error_line(tmp_path: Path) -> None:
    folder = example(tmp_path)
    assert run_dpf_render("lock", str(folder), "-o", str(folder / "dpf-render.lock.yaml")).returncode == 0
    rendered = tmp_path / "rendered"
    assert run_dpf_render("render", str(folder), "-o", str(rendered)).returncode == 0
    set_rate(folder, 6000)
    done = run_dpf_render("check", str(folder), "--against", str(rendered))
    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    assert lines[0].startswith(
        f"error: {folder / 'dpf-render.lock.yaml'}: DPUDeploymentLock dpf-operator-system/producer-consumer spec: "
        "the revision lock is out of date ("
    ), lines
    assert "service producer digest " in lines[0]
    assert len(lines) == 1, lines  # the render stops at the error: no drift is compared
    assert done.stdout == b""
