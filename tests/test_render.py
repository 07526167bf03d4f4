"""Behaviours of the core render that golden files alone cannot show: equivalences, naming across
changes, determinism across processes, and the `render` command's file output."""

from __future__ import annotations

import copy
import os
import random
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import emit, krm, pipeline, yamldump, yamlload
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.index import Item
from kustomize_plugin.read import read_paths

from .conftest import REPO, run_dpf_render

EXAMPLE = REPO / "examples" / "producer-consumer"
GOLDEN = REPO / "tests" / "golden"


def example_objects() -> list[dict[str, Any]]:
    items, results = read_paths([str(EXAMPLE)], max_bytes=yamlload.DEFAULT_MAX_BYTES)
    assert not results
    return [copy.deepcopy(i.obj) for i in items]


def render(objs: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    rendering = pipeline.render(
        [Item(o, i) for i, o in enumerate(objs)], RenderConfig(**options), mode=pipeline.FINAL
    )
    errors = [str(r) for r in rendering.results if r.severity == "error"]
    assert not errors, errors
    return rendering.objects()


def children(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] in emit.CHILD_KINDS]


def names(docs: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in children(docs):
        out.setdefault(d["kind"], []).append(d["metadata"]["name"])
    return out


def find(objs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)


def test_example_renders_the_documented_children() -> None:
    docs = render(example_objects())
    kinds = [d["kind"] for d in docs]
    assert kinds.count("DPUSet") == 2
    assert kinds.count("DPUService") == 2
    assert kinds.count("DPUServiceInterface") == 2
    assert kinds.count("DPUServiceChain") == 1
    assert kinds[:2] == ["BFB", "DPUFlavor"]  # kept inputs; consumed ones dropped
    assert "DPUDeployment" not in kinds


def test_old_shape_renders_the_same_children_as_new_shape() -> None:
    old = (GOLDEN / "old-shape" / "expected.yaml").read_text()
    new = (GOLDEN / "new-shape" / "expected.yaml").read_text()
    old_docs = (
        yamlload.load_documents(old)[0]["items"]
        if old.startswith("apiVersion: config")
        else yamlload.load_documents(old)
    )
    new_docs = (
        yamlload.load_documents(new)[0]["items"]
        if new.startswith("apiVersion: config")
        else yamlload.load_documents(new)
    )
    assert children(old_docs) == children(new_docs)
    assert children(new_docs)


def set_values(objs: list[dict[str, Any]], service: str, values: dict[str, Any], *, apply: bool) -> None:
    config = find(objs, "DPUServiceConfiguration", service)
    config["spec"]["serviceConfiguration"]["helmChart"]["values"] = values
    config["spec"]["upgradePolicy"] = {"applyNodeEffect": apply}


def test_non_disruptive_change_keeps_names_and_updates_in_place() -> None:
    base = example_objects()
    set_values(base, "producer", {"rate": 5000}, apply=False)
    changed = copy.deepcopy(base)
    set_values(changed, "producer", {"rate": 7000}, apply=False)
    before, after = render(base), render(changed)
    producer_before = next(
        d
        for d in children(before)
        if d["metadata"]["name"].startswith("producer-") and d["kind"] == "DPUService"
    )
    producer_after = next(
        d
        for d in children(after)
        if d["metadata"]["name"].startswith("producer-") and d["kind"] == "DPUService"
    )
    assert producer_before["metadata"]["name"] == producer_after["metadata"]["name"]
    assert producer_before["spec"]["serviceID"] != producer_after["spec"]["serviceID"]
    assert producer_after["spec"]["helmChart"]["values"]["rate"] == 7000
    assert names(before)["DPUServiceInterface"] == names(after)["DPUServiceInterface"]


def test_disruptive_change_mints_new_names() -> None:
    base = example_objects()
    changed = copy.deepcopy(base)
    set_values(changed, "producer", {"rate": 7000}, apply=True)
    before, after = names(render(base)), names(render(changed))
    assert before["DPUSet"] == after["DPUSet"], "DPUSets are named by nameSuffix only"
    producer = [n for n in after["DPUService"] if n.startswith("producer-")]
    assert len(producer) == 1
    assert producer[0] not in before["DPUService"]
    # The consumer templates the producer's name into its values, so it gets a new revision too,
    # and the chain selects both by serviceID: a new chain revision.
    assert set(before["DPUService"]).isdisjoint(after["DPUService"])
    assert before["DPUServiceChain"] != after["DPUServiceChain"]


def test_policy_flip_alone_keeps_the_digest() -> None:
    """upgradePolicy is not part of the service digest (only the name depends on it)."""
    base = example_objects()
    set_values(base, "consumer", {"rate": 5000}, apply=False)
    flipped = copy.deepcopy(base)
    set_values(flipped, "consumer", {"rate": 5000}, apply=True)
    before = render(base)
    after = render(flipped)

    def digests(docs: list[dict[str, Any]]) -> list[str]:
        return [
            d["metadata"]["annotations"]["svc.dpu.nvidia.com/dpuservice-version"]
            for d in children(docs)
            if d["kind"] == "DPUService"
        ]

    assert digests(before) == digests(after)


def test_interface_rename_mints_a_new_interface_name() -> None:
    base = example_objects()
    for service in ("producer", "consumer"):
        set_values(base, service, {}, apply=False)
    renamed = copy.deepcopy(base)
    find(renamed, "DPUServiceConfiguration", "producer")["spec"]["interfaces"][0]["name"] = "data_iface"
    deployment = find(renamed, "DPUDeployment", "producer-consumer")
    deployment["spec"]["serviceChains"]["switches"][0]["ports"][0]["service"]["interface"] = "data_iface"
    deployment["spec"]["serviceChains"]["upgradePolicy"]["applyNodeEffect"] = False
    before, after = names(render(base)), names(render(renamed))
    assert next(n for n in after["DPUServiceInterface"] if n.startswith("producer-")).startswith(
        "producer-data-iface-"
    )
    assert set(before["DPUServiceInterface"]) ^ set(after["DPUServiceInterface"]), (
        "a renamed interface is a new object"
    )
    assert before["DPUService"] == after["DPUService"], "non-disruptive services keep their names"


def test_input_order_does_not_change_the_children() -> None:
    objs = example_objects()
    expected = yamldump.dump_stream(children(render(objs)))
    rng = random.Random(20261123)
    for _ in range(5):
        shuffled = copy.deepcopy(objs)
        rng.shuffle(shuffled)
        assert yamldump.dump_stream(children(render(shuffled))) == expected


@pytest.mark.parametrize("seed", ["0", "1", "4242"])
def test_hash_seed_locale_and_time_zone_do_not_change_the_bytes(seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed, TZ="Pacific/Chatham", LC_ALL="C")
    from .conftest import tool_env

    result = run_dpf_render("render", str(EXAMPLE), env=tool_env(**env))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == (EXAMPLE / ".expected" / "render.yaml").read_text()


def test_render_to_a_folder_writes_one_file_per_object(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    stale = tmp_path / "stale.yaml"
    stale.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stale, namespace: x}\n")
    first = run_dpf_render("render", str(EXAMPLE), str(stale), "-o", str(out))
    assert first.returncode == 0, first.stderr.decode()
    assert (out / "x" / "configmap_stale.yaml").exists()
    result = run_dpf_render("render", str(EXAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.yaml"))
    assert "x/configmap_stale.yaml" not in files, "the folder is replaced, so files of objects gone disappear"
    assert len(files) == 9
    assert "dpf-operator-system/dpuset_producer-consumer-rack-a.yaml" in files
    assert all(f.startswith("dpf-operator-system/") for f in files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rendered", "stale.yaml"], "no staging folders left"


def test_render_refuses_names_that_would_escape_the_folder(tmp_path: Path) -> None:
    hostile = tmp_path / "in.yaml"
    hostile.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ../../escape, namespace: x}\n")
    out = tmp_path / "out"
    result = run_dpf_render("render", str(EXAMPLE), str(hostile), "-o", str(out))
    assert result.returncode == 1
    assert b"unsafe name part" in result.stderr
    assert not out.exists()
    assert not (tmp_path.parent / "escape.yaml").exists()


def test_render_errors_leave_stdout_empty(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in EXAMPLE.glob("*.yaml"):
        if path.name != "dpuservicetemplates.yaml":
            (broken / path.name).write_text(path.read_text())
    result = run_dpf_render("render", str(broken))
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"error: " in result.stderr
    assert b"DPUServiceTemplate" in result.stderr
    assert b"Traceback" not in result.stderr


def test_empty_render_is_refused_unless_allowed(tmp_path: Path) -> None:
    other = tmp_path / "cm.yaml"
    other.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n")
    refused = run_dpf_render("render", str(other))
    assert refused.returncode == 1
    assert b"no DPF children were rendered" in refused.stderr
    allowed = run_dpf_render("render", "--allow-empty", str(other))
    assert allowed.returncode == 0
    assert b"kind: ConfigMap" in allowed.stdout


def test_usage_errors_exit_2() -> None:
    assert run_dpf_render("render").returncode == 2
    assert run_dpf_render("no-such-command").returncode == 2
    assert run_dpf_render("render", "--bfb-version", "novalue", str(EXAMPLE)).returncode == 2


def test_children_are_built_twice_at_most_even_when_pyyaml_writes_a_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items: list[Any] = []
    for path in sorted(EXAMPLE.glob("*.yaml")):
        items += yamlload.load_documents(path.read_text(encoding="utf-8"))
    built: list[str] = []
    original = pipeline.generate_dpuset  # type: ignore[attr-defined]

    def counted(*args: Any) -> dict[str, Any]:
        obj = original(*args)
        built.append(obj["metadata"]["name"])
        return obj

    monkeypatch.setattr(pipeline, "generate_dpuset", counted)
    request = krm.Request()
    request.items = [Item(copy.deepcopy(o), i) for i, o in enumerate(items)]
    request.resource_list = True
    # Written after the items, with a key the specialised emitter leaves to PyYAML (over 128 bytes).
    long_key = {"k" * 130: "v"}
    request.function_config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "annotations": long_key},
    }
    outcome = krm.decide(request, cwd=str(REPO))
    text = krm.render_output(request, outcome)
    assert outcome.code == 0
    assert "k" * 130 in text
    assert built
    assert all(built.count(name) == 2 for name in built), built
