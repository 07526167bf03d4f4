"""Two objects with one identity (API group, kind, namespace, name) in one output are an error naming both.

Applied together, the second of two such objects silently replaces the first, so a DPUSet of one
DPUDeployment could take over another's nodes. Collisions are found while planning, from the names the
revisions already hold, before anything is built or written, in every mode.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import argocd, krm, pipeline, yamldump, yamlload
from kustomize_plugin import results as R
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.index import Item
from kustomize_plugin.validate.collisions import child_identities

from .conftest import REPO, run_dpf_render
from .validation.fixtures import NS, base_docs, brief, children, errors, find, run

D = "DPUDeployment"
GUIDE = "applied together, the second would silently replace the first; give one of them another name"


def two_deployments(first: tuple[str, str], second: tuple[str, str]) -> list[dict[str, Any]]:
    """The base inputs with the deployment `demo` replaced by two, (name, nameSuffix) each, sharing its inputs."""
    docs = base_docs()
    demo = find(docs, D, "demo")
    docs.remove(demo)
    for name, suffix in (first, second):
        d = yamlload.load_documents(yamldump.dump_document(demo))[0]
        d["metadata"]["name"] = name
        d["spec"]["dpus"]["dpuSets"][0]["nameSuffix"] = suffix
        docs.append(d)
    return docs


def collision_issue() -> list[dict[str, Any]]:
    """`pc` with nameSuffix `x-rack` and `pc-x` with nameSuffix `rack` both make DPUSet pc-x-rack."""
    return two_deployments(("pc", "x-rack"), ("pc-x", "rack"))


def test_two_deployments_making_one_dpuset_are_both_errors_naming_each_other() -> None:
    output, results = run(collision_issue())
    both = (
        "DPUSet dpf/pc-x-rack would be written twice: by DPUDeployment dpf/pc (spec.dpus.dpuSets[0].nameSuffix) "
        f"and by DPUDeployment dpf/pc-x (spec.dpus.dpuSets[0].nameSuffix); {GUIDE}"
    )
    assert brief(errors(results)) == [
        ("error", D, "pc", "spec.dpus.dpuSets[0].nameSuffix", both),
        ("error", D, "pc-x", "spec.dpus.dpuSets[0].nameSuffix", both),
    ]
    # Nothing is emitted for a DPUDeployment with an error.
    assert children(output) == []


def test_distinct_names_do_not_collide() -> None:
    output, results = run(two_deployments(("pc", "x-rack"), ("pc-y", "rack")))
    assert errors(results) == []
    assert sorted(c["metadata"]["name"] for c in children(output) if c["kind"] == "DPUSet") == [
        "pc-x-rack",
        "pc-y-rack",
    ]


def hand_written_dpuset(
    name: str, namespace: str = NS, api_version: str = "provisioning.dpu.nvidia.com/v1alpha1"
) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "DPUSet",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"dpuTemplate": {"spec": {"dpuFlavor": "flavor", "nodeEffect": {"noEffect": True}}}},
    }


def test_a_hand_written_object_with_a_child_s_identity_names_its_file() -> None:
    docs = base_docs()
    items = [Item(d, i, "in.yaml", i) for i, d in enumerate(docs)]
    # Another API version of the same group is the same object to the API server.
    items.append(
        Item(
            hand_written_dpuset("demo-rack-a", api_version="provisioning.dpu.nvidia.com/v1beta1"),
            len(items),
            "extra.yaml",
            2,
        )
    )
    results = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL).results
    assert brief(errors(results)) == [
        (
            "error",
            D,
            "demo",
            "spec.dpus.dpuSets[0].nameSuffix",
            (
                "DPUSet dpf/demo-rack-a would be written twice: as the input at extra.yaml (document 2) and by "
                f"DPUDeployment dpf/demo (spec.dpus.dpuSets[0].nameSuffix); {GUIDE}"
            ),
        )
    ]


def test_an_input_without_a_file_is_named_by_its_position() -> None:
    docs = [*base_docs(), hand_written_dpuset("demo-rack-a")]
    _, results = run(docs)
    assert [r.message.split(";")[0] for r in errors(results)] == [
        (
            "DPUSet dpf/demo-rack-a would be written twice: as input object 8 and by DPUDeployment dpf/demo "
            "(spec.dpus.dpuSets[0].nameSuffix)"
        )
    ]


@pytest.mark.parametrize(
    ("name", "namespace", "api_version"),
    [
        ("demo-rack-b", NS, "provisioning.dpu.nvidia.com/v1alpha1"),
        ("demo-rack-a", "other", "provisioning.dpu.nvidia.com/v1alpha1"),
        ("demo-rack-a", NS, "example.com/v1alpha1"),
    ],
    ids=["another-name", "another-namespace", "another-group"],
)
def test_another_name_namespace_or_group_is_another_object(
    name: str, namespace: str, api_version: str
) -> None:
    _, results = run([*base_docs(), hand_written_dpuset(name, namespace, api_version)])
    assert errors(results) == []


def test_a_hand_written_dpuservice_named_as_a_child_names_the_service_key() -> None:
    first, _ = run(base_docs())
    service = next(
        c
        for c in children(first)
        if c["kind"] == "DPUService" and c["metadata"]["name"].startswith("producer-")
    )
    name = service["metadata"]["name"]
    copy = {
        "apiVersion": service["apiVersion"],
        "kind": "DPUService",
        "metadata": {"name": name, "namespace": NS},
        "spec": {},
    }
    _, results = run([copy, *base_docs()])
    assert brief(errors(results)) == [
        (
            "error",
            D,
            "demo",
            "spec.services.producer",
            (
                f"DPUService dpf/{name} would be written twice: as input object 1 and by DPUDeployment dpf/demo "
                f"(spec.services.producer); {GUIDE}"
            ),
        )
    ]


def test_two_pass_through_objects_with_one_identity_are_an_error_on_the_second() -> None:
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": NS}}
    items = [Item(d, i) for i, d in enumerate(base_docs())]
    items += [Item(dict(config_map), 7, "a.yaml", 0), Item(dict(config_map), 8, "b.yaml", 1)]
    results = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL).results
    assert [(r.ref.kind if r.ref else "", r.file_path, r.message) for r in errors(results)] == [
        (
            "ConfigMap",
            "b.yaml",
            (
                f"ConfigMap dpf/settings would be written twice: as the input at a.yaml (document 0) and as the input at "
                f"b.yaml (document 1); {GUIDE}"
            ),
        )
    ]


def test_re_rendering_previous_output_is_not_a_collision() -> None:
    first, results = run(base_docs(), keep_inputs=True)
    assert errors(results) == []
    again, results = run(first, keep_inputs=True)
    assert errors(results) == []
    assert again == first


def test_the_collision_is_an_error_in_every_mode(tmp_path: Path) -> None:
    docs = collision_issue()
    stream = yamldump.dump_stream(docs)
    # dpf-render render
    (tmp_path / "in.yaml").write_text(stream)
    done = run_dpf_render("render", str(tmp_path / "in.yaml"))
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr.decode().count("DPUSet dpf/pc-x-rack would be written twice") == 2
    # the KRM function
    request = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": docs}
    out, err = io.StringIO(), io.StringIO()
    assert krm.main(io.BytesIO(yamldump.dump_document(request).encode()), out, err) == R.EXIT_INPUT_ERROR
    assert yamlload.load_documents(out.getvalue())[0]["items"] == docs
    # the Argo CD plugin
    app = tmp_path / "app"
    app.mkdir()
    (app / "all.yaml").write_text(stream)
    manifests, results, code = argocd.generate(str(app), {"PATH": ""})
    assert (manifests, code) == ("", R.EXIT_INPUT_ERROR)
    assert sum("would be written twice" in r.message for r in results) == 2


def test_the_example_renders_without_collisions() -> None:
    done = run_dpf_render("render", str(REPO / "examples" / "producer-consumer"))
    assert done.returncode == 0, done.stderr


GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if (p / "input.yaml").exists()))
def test_planned_identities_are_the_built_children(case: str) -> None:
    """The names checked while planning are exactly those of the children built afterwards."""
    docs = yamlload.load_documents((GOLDEN / case / "input.yaml").read_text())
    items = docs[0]["items"] if docs and docs[0].get("kind") == "ResourceList" else docs
    rendering = pipeline.render(
        [Item(d, i) for i, d in enumerate(items)], RenderConfig(namespace=NS), mode=pipeline.FINAL
    )
    from_names = sorted(identity for r in rendering.revisions for identity, _ in child_identities(r))
    built = sorted(
        (c["apiVersion"].rpartition("/")[0], c["kind"], c["metadata"]["namespace"], c["metadata"]["name"])
        for c, generated in rendering.documents()
        if generated
    )
    assert from_names == built
