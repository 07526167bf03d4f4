"""Adopting a running DPF installation: the lock `dpf-render adopt` writes from live objects makes the render
reproduce every live name, label and node label, so a GitOps tool updates in place and drains nothing.

The live fixtures under tests/adopt/ were written by hand as DPF's controller leaves them (their READMEs
derive every field); they are never produced by dpf-render.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import yamldump, yamlload

from .conftest import REPO, run_dpf_render

CASES = REPO / "tests" / "adopt"
CHILD_KINDS = ("DPUSet", "DPUService", "DPUServiceInterface", "DPUServiceChain")
OWNER = "svc.dpu.nvidia.com/owned-by-dpudeployment"
NAMESPACE = "dpf-operator-system"


def objects(data: bytes | str) -> list[dict[str, Any]]:
    text = data.decode() if isinstance(data, bytes) else data
    docs = [d for d in yamlload.load_documents(text) if isinstance(d, dict)]
    if len(docs) == 1 and docs[0].get("kind") == "List":
        docs = docs[0]["items"]
    return docs


def live_of(case: str) -> list[dict[str, Any]]:
    return objects((CASES / case / "live.yaml").read_text())


def inputs_of(case: str, tmp_path: Path) -> Path:
    folder = tmp_path / "deploy"
    shutil.copytree(CASES / case / "inputs", folder)
    return folder


def adopt(case: str, folder: Path) -> tuple[int, str]:
    done = run_dpf_render(
        "adopt",
        str(CASES / case / "live.yaml"),
        "--inputs",
        str(folder),
        "-o",
        str(folder / "dpf-render.lock.yaml"),
    )
    return done.returncode, done.stderr.decode()


def render(folder: Path) -> list[dict[str, Any]]:
    done = run_dpf_render("render", str(folder))
    assert done.returncode == 0, done.stderr.decode()
    return objects(done.stdout)


def current(live: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The live children DPF keeps current: not paused, newest per identity."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for obj in live:
        if obj["kind"] not in CHILD_KINDS or (obj.get("spec") or {}).get("paused") is True:
            continue
        out[(obj["kind"], obj["metadata"]["name"])] = obj
    return out


def node_labels(dpuset: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = dpuset["spec"]["dpuTemplate"]["spec"]["cluster"]["nodeLabels"]
    return labels


def test_steady_state_is_adopted_with_every_live_name_and_node_label(tmp_path: Path) -> None:
    folder = inputs_of("steady-state", tmp_path)
    code, stderr = adopt("steady-state", folder)
    assert code == 0, stderr
    assert stderr == ""
    rendered = {(o["kind"], o["metadata"]["name"]): o for o in render(folder) if o["kind"] in CHILD_KINDS}
    live = current(live_of("steady-state"))
    assert sorted(rendered) == sorted(live)  # every name, and nothing else
    for key, obj in rendered.items():
        assert obj["metadata"]["labels"] == live[key]["metadata"]["labels"], key
        if key[0] == "DPUSet":
            assert node_labels(obj) == node_labels(live[key])
            assert obj["spec"]["dpuTemplate"]["spec"]["nodeEffect"]["applyOnLabelChange"] is False
        if key[0] == "DPUService":
            assert obj["spec"]["serviceID"] == live[key]["spec"]["serviceID"]


def test_plan_from_the_live_objects_replaces_nothing_and_drains_nothing(tmp_path: Path) -> None:
    folder = inputs_of("steady-state", tmp_path)
    assert adopt("steady-state", folder)[0] == 0
    done = run_dpf_render("plan", str(CASES / "steady-state" / "live.yaml"), str(folder))
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    assert "Summary: 0 replaced by a new revision, 0 updated in place" in text, text
    assert "Non-disruptive: no node effect runs" in text
    assert "DPUSet" not in text.split("Summary:")[0], text  # no DPUSet changes, no node labels


def test_one_disruptive_change_after_adoption_renames_that_service_and_the_chain(tmp_path: Path) -> None:
    folder = inputs_of("steady-state", tmp_path)
    assert adopt("steady-state", folder)[0] == 0
    before = {(o["kind"], o["metadata"]["name"]) for o in render(folder) if o["kind"] in CHILD_KINDS}
    configurations = folder / "dpuserviceconfigurations.yaml"
    text = configurations.read_text()
    assert text.count("logLevel: debug") == 1  # the router's values (the router is disruptive)
    configurations.write_text(text.replace("logLevel: debug", "logLevel: info"))
    after = {(o["kind"], o["metadata"]["name"]) for o in render(folder) if o["kind"] in CHILD_KINDS}
    gone = sorted(before - after)
    assert [kind for kind, _ in gone] == ["DPUService", "DPUServiceChain", "DPUServiceInterface"], gone
    assert all(name.startswith(("router-", "edge-fabric-")) for _, name in gone), gone
    plan = run_dpf_render("plan", str(CASES / "steady-state" / "live.yaml"), str(folder))
    assert "3 replaced by a new revision" in plan.stdout.decode(), plan.stdout.decode()
    assert "drain runs on the nodes of DPUSets edge-fabric-rack-a, edge-fabric-rack-b" in plan.stdout.decode()


def test_a_rollout_in_progress_is_reported_and_the_newest_revision_adopted(tmp_path: Path) -> None:
    folder = inputs_of("rollout-in-progress", tmp_path)
    code, stderr = adopt("rollout-in-progress", folder)
    assert code == 0, stderr
    assert "paused old revisions are still live (router-7bx2k)" in stderr
    assert "several live DPUServiceChains" in stderr
    (lock,) = objects((folder / "dpf-render.lock.yaml").read_text())
    # The newest revision that is not paused, with the DSI of that revision, and the newest chain; each
    # with DPF's version annotation (the digests are dpf-render's, of the same content).
    assert {
        key: {k: v for k, v in entry.items() if k != "digest"}
        for key, entry in lock["spec"]["services"].items()
    } == {
        "collector": {"name": "collector-h5tzw", "version": "e07a5c9d32"},
        "flowlog": {"name": "flowlog-q9d4m", "version": "5a0e8c3b96"},
        "router": {
            "name": "router-m8zq6",
            "version": "c41a9e2d57",
            "interfaces": {"data_if": "router-data-if-kx9fd"},
        },
    }
    assert {k: v for k, v in lock["spec"]["chain"].items() if k != "digest"} == {
        "name": "edge-fabric-t6hjn",
        "version": "2b7f90d4e6",
    }
    assert (
        "DPUSet edge-fabric-rack-a differs from the live one in spec.dpuTemplate.spec.nodeEffect.applyOnLabelChange"
        in stderr
    )


def test_an_interface_of_an_older_revision_is_not_adopted_however_recent(tmp_path: Path) -> None:
    """The DSI of the current revision is found by DPF's version annotation, not by age: a restore from a backup
    recreates objects in its own order, so the paused revision's DSI can be the youngest."""
    live = live_of("rollout-in-progress")
    (old,) = [o for o in live if o["metadata"]["name"] == "router-data-if-5rn8c"]
    old["metadata"]["creationTimestamp"] = "2025-06-20T09:00:00Z"  # after every other object
    (tmp_path / "live.yaml").write_text(
        yamldump.dump_document({"apiVersion": "v1", "kind": "List", "items": live})
    )
    folder = inputs_of("rollout-in-progress", tmp_path)
    done = run_dpf_render("adopt", str(tmp_path / "live.yaml"), "--inputs", str(folder))
    assert done.returncode == 0, done.stderr.decode()
    (lock,) = objects(done.stdout)
    assert lock["spec"]["services"]["router"]["interfaces"] == {"data_if": "router-data-if-kx9fd"}


@pytest.mark.parametrize(
    "expected",
    [
        "the live DPUService proxy-2xk7q differs from the Git intent (spec.helmChart.values.workers)",
        "has no svc.dpu.nvidia.com/owned-by-dpudeployment label",
        "DPUDeployment dpf-operator-system/legacy-lab is live but not among the inputs",
        "no live children of this DPUDeployment",
    ],
)
def test_what_cannot_be_adopted_is_reported_with_what_to_do(tmp_path: Path, expected: str) -> None:
    folder = inputs_of("not-adoptable", tmp_path)
    code, stderr = adopt("not-adoptable", folder)
    assert code == 0, stderr
    assert expected in stderr, stderr
    assert (
        run_dpf_render(
            "adopt", str(CASES / "not-adoptable" / "live.yaml"), "--inputs", str(folder), "--strict"
        ).returncode
        == 1
    )


def test_a_live_revision_that_differs_is_replaced_by_the_next_render_as_dpf_would(tmp_path: Path) -> None:
    folder = inputs_of("not-adoptable", tmp_path)
    assert adopt("not-adoptable", folder)[0] == 0
    names = {o["metadata"]["name"] for o in render(folder) if o["kind"] == "DPUService"}
    assert "proxy-2xk7q" not in names  # proxy is disruptive: a new revision, as DPF mints one


def test_adopt_reads_the_live_objects_from_stdin(tmp_path: Path) -> None:
    folder = inputs_of("steady-state", tmp_path)
    done = run_dpf_render(
        "adopt", "-", "--inputs", str(folder), stdin=(CASES / "steady-state" / "live.yaml").read_bytes()
    )
    assert done.returncode == 0, done.stderr.decode()
    (lock,) = objects(done.stdout)
    assert lock["spec"]["services"]["router"]["name"] == "router-7bx2k"


def test_adopt_refuses_stdin_for_both_the_live_objects_and_the_inputs() -> None:
    done = run_dpf_render(
        "adopt", "-", "--inputs", "-", stdin=(CASES / "steady-state" / "live.yaml").read_bytes()
    )
    assert done.returncode == 2, done.stderr.decode()
    assert "only one of LIVE and --inputs can be - (stdin)" in done.stderr.decode()
    assert done.stdout == b""


# Variants of the steady state, each with one difference DPF can leave behind; the adoption reports each as
# docs/migrating-from-dpf.md describes.


def adopt_live(live: list[dict[str, Any]], folder: Path, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "live.yaml"
    path.write_text(yamldump.dump_document({"apiVersion": "v1", "kind": "List", "items": live}))
    done = run_dpf_render(
        "adopt", str(path), "--inputs", str(folder), "-o", str(folder / "dpf-render.lock.yaml")
    )
    return done.returncode, done.stderr.decode()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_a_legacy_service_id_is_reported_and_replaced_in_place_by_the_first_sync(tmp_path: Path) -> None:
    # flowlog was created by a DPF release that wrote `dpudeployment_<deployment>_<service>`; not disruptive,
    # it has been patched in place since, and DPF keeps a legacy serviceID while it patches.
    live = live_of("steady-state")
    (flowlog,) = [o for o in live if o["metadata"]["name"] == "flowlog-q9d4m"]
    flowlog["spec"]["serviceID"] = flowlog["status"]["serviceID"] = "dpudeployment_edge-fabric_flowlog"
    folder = inputs_of("steady-state", tmp_path)
    code, stderr = adopt_live(live, folder, tmp_path)
    assert code == 0, stderr
    assert stderr.splitlines() == [
        (
            f"warning: {folder / 'dpudeployment.yaml'}: DPUDeployment dpf-operator-system/edge-fabric "
            "spec.services.flowlog: service flowlog: the live DPUService flowlog-q9d4m has the legacy serviceID "
            "dpudeployment_edge-fabric_flowlog, which DPF keeps while it patches the object in place; the render "
            "writes edge-fabric_flowlog_<version> instead, so the first sync updates its serviceID (and the "
            "interfaces and chain that select it) in place"
        )
    ]
    (rendered,) = [o for o in render(folder) if o["metadata"]["name"] == "flowlog-q9d4m"]
    assert rendered["spec"]["serviceID"] == "edge-fabric_flowlog_b62d08e4f1"


def test_a_dpuset_that_differs_is_reported_and_updated_in_place(tmp_path: Path) -> None:
    # Git moved on to a new BlueField bundle that DPF has not seen yet.
    folder = inputs_of("steady-state", tmp_path)
    edit(folder / "bfb.yaml", "name: bf-bundle\n", "name: bf-bundle-next\n")
    edit(folder / "dpudeployment.yaml", "bfb: bf-bundle\n", "bfb: bf-bundle-next\n")
    code, stderr = adopt_live(live_of("steady-state"), folder, tmp_path)
    assert code == 0, stderr
    assert stderr.splitlines() == [
        f"warning: {folder / 'dpudeployment.yaml'}: DPUDeployment dpf-operator-system/edge-fabric "
        f"spec.dpus.dpuSets[{i}]: DPUSet edge-fabric-rack-{rack} differs from the live one in "
        "spec.dpuTemplate.spec.bfb.name: the first sync updates it in place"
        for i, rack in enumerate("ab")
    ]
    live = current(live_of("steady-state"))
    rendered = {(o["kind"], o["metadata"]["name"]) for o in render(folder) if o["kind"] in CHILD_KINDS}
    assert rendered == set(live)  # every name kept: a DPUSet is patched in place


def test_a_chain_that_differs_is_locked_as_changed_so_the_render_decides_as_dpf(tmp_path: Path) -> None:
    # Git's switch asks for jumbo frames; the live chain still has the default MTU.
    folder = inputs_of("steady-state", tmp_path)
    edit(
        folder / "dpudeployment.yaml",
        "              svc.dpu.nvidia.com/pool: edge-pool\n",
        "              svc.dpu.nvidia.com/pool: edge-pool\n      serviceMTU: 9000\n",
    )
    code, stderr = adopt_live(live_of("steady-state"), folder, tmp_path)
    assert code == 0, stderr
    assert (
        "the live DPUServiceChain edge-fabric-w4kp6 differs from the Git intent "
        "(spec.template.spec.template.spec.switches[0].serviceMTU): the next render patches it in place or "
        "replaces it, as DPF would"
    ) in stderr, stderr
    (lock,) = objects((folder / "dpf-render.lock.yaml").read_text())
    # Locked under the live version as its digest: the render takes the chain as changed.
    assert lock["spec"]["chain"] == {"name": "edge-fabric-w4kp6", "digest": "9d4e27b1c0"}
    chains = [o for o in render(folder) if o["kind"] == "DPUServiceChain"]
    assert [c["metadata"]["name"] for c in chains] != ["edge-fabric-w4kp6"]  # disruptive: a new revision


def test_a_live_name_that_another_deployment_generates_is_a_collision_error(tmp_path: Path) -> None:
    # A second DPUDeployment in the namespace, not live yet, renders its router as router-2w7fl: the name the
    # live router of edge-fabric has here. Adopted, both would write it.
    folder = inputs_of("steady-state", tmp_path)
    text = (folder / "dpudeployment.yaml").read_text()
    (folder / "second.yaml").write_text(text.replace("name: edge-fabric\n", "name: edge-fabric-2\n"))
    second = [
        o
        for o in render(folder)
        if o["metadata"].get("labels", {}).get(OWNER) == f"{NAMESPACE}_edge-fabric-2"
    ]
    assert "router-2w7fl" in [o["metadata"]["name"] for o in second if o["kind"] == "DPUService"]
    live = (CASES / "steady-state" / "live.yaml").read_text().replace("router-7bx2k", "router-2w7fl")
    code, stderr = adopt_live(objects(live), folder, tmp_path)
    assert code == 1, stderr
    assert "DPUService dpf-operator-system/router-2w7fl would be written twice" in stderr
    assert not (folder / "dpf-render.lock.yaml").exists()
