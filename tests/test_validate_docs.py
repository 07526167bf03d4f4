"""docs/checks.md shows real messages: each example below is produced by the pipeline, word for word."""

from __future__ import annotations

from .conftest import REPO
from .test_validate_collisions import collision_issue
from .validation.fixtures import base_docs, errors, find, run, set_path

DOC = (REPO / "docs" / "checks.md").read_text()


def test_the_unknown_field_example_is_the_message() -> None:
    docs = base_docs()
    dpu_set = find(docs, "DPUDeployment", "demo")["spec"]["dpus"]["dpuSets"][0]
    dpu_set["dpuNodeSelectr"] = dpu_set.pop("dpuNodeSelector")
    [error] = errors(run(docs)[1])
    assert error.message in DOC


def test_the_child_example_is_the_stderr_line() -> None:
    docs = base_docs()
    set_path(
        find(docs, "DPUDeployment", "demo"),
        ("spec", "dpus", "nodeEffect"),
        {"drain": False, "noEffect": True},
    )
    [error] = errors(run(docs)[1])
    assert error.line() in DOC


def test_the_collision_example_is_the_stderr_line() -> None:
    first = errors(run(collision_issue())[1])[0]
    assert first.line() in DOC


def test_the_not_checked_example_is_the_message() -> None:
    docs = base_docs()
    set_path(find(docs, "DPUServiceConfiguration", "consumer"), ("spec", "deploymentServiceName"), "consumr")
    infos = [r.message for r in run(docs)[1] if r.severity == "info"]
    assert infos == [
        (
            "not checked for service consumer because DPUServiceConfiguration dpf/consumer is for service consumr: "
            "chain ports, templating"
        )
    ]
    assert f"`{infos[0]}`" in DOC
