"""VersionMatchingReady (docs/checks.md): DPF's table cases, where the BFB's DOCA version is found, and messages.

The DPF rows are `verifyVersionMatching`'s table (`internal/dpuservice/controllers/dpudeployment_controller_test.go`): a BFB with DOCA 2.9.1 (status, as DPF's
BFB controller writes it) and a BlueFieldSoftware with 3.3.0, against each template's constraint.
"""

from __future__ import annotations

from typing import Any

import pytest

from .validation.fixtures import DELETE, PROV, base_docs, children, errors, find, run, set_path

KEY = "dpu.nvidia.com/doca-version"
D, T = "DPUDeployment", "DPUServiceTemplate"
UNSATISFIED = (
    "version constraint for 'dpu.nvidia.com/doca-version' found in DPUServiceTemplate 'producer' is not "
    "satisfied by the version '{version}' found in the given {kind}"
)
CANNOT = (
    "version constraint for 'dpu.nvidia.com/doca-version' found in DPUServiceTemplate 'producer' cannot be "
    "checked: {kind} has no version for 'dpu.nvidia.com/doca-version'"
)


def with_bfb(doca: str | None, constraint: str | None) -> list[dict[str, Any]]:
    """DPF's fixture: a BFB whose file name carries no version, its DOCA version in status."""
    docs = base_docs()
    bfb = find(docs, "BFB", "bf-bundle")
    bfb["spec"]["url"] = "http://somewebserver/bf-bundle.bfb"
    bfb["status"] = {"phase": "Ready", **({"versions": {"doca": doca}} if doca is not None else {})}
    if constraint is not None:
        find(docs, T, "producer")["status"] = {"versions": {KEY: constraint}}
    return docs


def with_bluefield_software(doca: str | None, constraint: str) -> list[dict[str, Any]]:
    docs = [d for d in base_docs() if d["kind"] != "BFB"]
    docs.append(
        {
            "apiVersion": PROV,
            "kind": "BlueFieldSoftware",
            "metadata": {"name": "bfs", "namespace": "dpf"},
            "spec": {},
            **({"status": {"versions": {"doca": doca}}} if doca is not None else {}),
        }
    )
    dpus = find(docs, D, "demo")["spec"]["dpus"]
    dpus.pop("bfb")
    dpus["blueFieldSoftware"] = "bfs"
    find(docs, T, "producer")["status"] = {"versions": {KEY: constraint}}
    return docs


# id, inputs, expected message (a prefix for the parse errors, whose tail is the parser's), or None for ok
DPF_TABLE: list[tuple[str, list[dict[str, Any]], str | None]] = [
    ("bfb-no-constraints", with_bfb("2.9.1", None), None),
    ("bfb-at-least-2.8", with_bfb("2.9.1", ">=2.8"), None),
    ("bfb-at-least-2.5", with_bfb("2.9.1", ">=2.5"), None),
    ("bfb-at-least-2.10", with_bfb("2.9.1", ">=2.10"), UNSATISFIED.format(version="2.9.1", kind="BFB")),
    ("bfb-doca-blabla", with_bfb("blabla", ">=2.8"), "version 'blabla' found in BFB is not parsable: "),
    ("bfb-doca-empty", with_bfb("", ">=2.8"), CANNOT.format(kind="BFB")),
    (
        "constraint-not-a-version",
        with_bfb("2.9.1", "not-a-version"),
        "version constraint 'not-a-version' found in DPUServiceTemplate 'producer' is not parsable: ",
    ),
    ("bluefield-software-at-least-3.3", with_bluefield_software("3.3.0", ">=3.3"), None),
    (
        "bluefield-software-at-least-99",
        with_bluefield_software("3.3.0", ">=99.0"),
        UNSATISFIED.format(version="3.3.0", kind="BlueFieldSoftware"),
    ),
    (
        "bluefield-software-no-versions",
        with_bluefield_software(None, ">=3.3"),
        CANNOT.format(kind="BlueFieldSoftware"),
    ),
]


@pytest.mark.parametrize(("docs", "message"), [c[1:] for c in DPF_TABLE], ids=[c[0] for c in DPF_TABLE])
def test_dpf_version_matching_table(docs: list[dict[str, Any]], message: str | None) -> None:
    output, results = run(docs)
    if message is None:
        assert errors(results) == []
        assert len(children(output)) == 6
        return
    assert len(results) == 1, [str(r) for r in results]
    assert results[0].message.startswith(message), results[0].message
    assert results[0].condition == "VersionMatchingReady"
    assert children(output) == []


def test_the_docs_example_message_names_the_template_by_name() -> None:
    _, results = run(with_bfb("2.9.1", ">=2.10"))
    assert results[0].message == (
        "version constraint for 'dpu.nvidia.com/doca-version' found in DPUServiceTemplate 'producer' is not "
        "satisfied by the version '2.9.1' found in the given BFB"
    )
    assert results[0].ref is not None
    assert (results[0].ref.kind, results[0].ref.name) == (T, "producer")
    assert results[0].field == f"status.versions.{KEY}"


def test_a_parse_error_points_at_where_the_version_was_read() -> None:
    _, results = run(with_bfb("blabla", ">=2.8"))
    assert results[0].ref is not None
    assert (results[0].ref.kind, results[0].field) == ("BFB", "status.versions.doca")


def test_no_version_says_how_to_give_one_offline() -> None:
    _, results = run(with_bfb(None, ">=2.8"))
    assert results[0].message.startswith(CANNOT.format(kind="BFB"))
    assert "spec.versions" in results[0].message
    assert "bfbVersions" in results[0].message


def bfb(**spec: Any) -> list[dict[str, Any]]:
    docs = base_docs()
    obj = find(docs, "BFB", "bf-bundle")
    obj["spec"] = {"url": "https://bfb.example.com/files/bf-bundle-2.5.0-1_25.01_ubuntu-22.04_prod.bfb"}
    status = spec.pop("status", None)
    if status is not None:
        obj["status"] = {"versions": {"doca": status}}
    obj["spec"].update(spec)
    find(docs, T, "producer")["metadata"]["annotations"] = {KEY: ">=99"}  # the message shows the version
    return docs


ALL = {"bsp": "4.9.1", "uefi": "4.9.1", "atf": "v2.2"}
FILE = "bf-bundle-2.6.0-33_24.04_ubuntu-22.04_unsigned.bfb"
# id, inputs, functionConfig override, the version dpf-render uses
DISCOVERY: list[tuple[str, list[dict[str, Any]], dict[str, str], str]] = [
    ("status-first", bfb(status="2.9.1", versions={**ALL, "doca": "2.8.0"}, fileName=FILE), {"bf-bundle": "2.7.0"}, "2.9.1"),
    ("then-spec-versions", bfb(versions={**ALL, "doca": "2.8.0"}, fileName=FILE), {"bf-bundle": "2.7.0"}, "2.8.0"),
    ("then-the-override", bfb(fileName=FILE), {"bf-bundle": "2.7.0"}, "2.7.0"),
    ("then-the-file-name", bfb(fileName=FILE), {}, "2.6.0"),
    ("then-the-url", bfb(), {}, "2.5.0"),
    ("an-empty-status-is-not-a-version", bfb(status=""), {}, "2.5.0"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("docs", "override", "version"), [d[1:] for d in DISCOVERY], ids=[d[0] for d in DISCOVERY]
)
def test_the_bfb_doca_version_is_found_in_spec_order(
    docs: list[dict[str, Any]], override: dict[str, str], version: str
) -> None:
    _, results = run(docs, bfb_versions=override)
    assert [r.message for r in results] == [
        (
            "version constraint for 'dpu.nvidia.com/doca-version' found in DPUServiceTemplate 'producer' is not "
            f"satisfied by the version '{version}' found in the given BFB"
        )
    ]


@pytest.mark.parametrize(
    ("docs", "field"),
    [
        (bfb(status="2.x.1"), "status.versions.doca"),
        (bfb(versions={**ALL, "doca": "two"}), "spec.versions.doca"),
    ],
    ids=["status", "spec"],
)
def test_an_unparsable_version_points_at_its_field(docs: list[dict[str, Any]], field: str) -> None:
    _, results = run(docs)
    assert [(r.ref.kind if r.ref else "", r.field) for r in results] == [("BFB", field)]
    assert " found in BFB is not parsable: " in results[0].message


def test_an_unparsable_override_says_it_came_from_the_function_config() -> None:
    docs = bfb()
    del find(docs, "BFB", "bf-bundle")["spec"]["url"]
    _, results = run(docs, bfb_versions={"bf-bundle": "two"})
    assert results[0].message.startswith("version 'two' found in BFB is not parsable: ")
    assert results[0].message.endswith(" (from bfbVersions in the functionConfig)")


def test_status_versions_win_over_the_annotation() -> None:
    docs = with_bfb("2.9.1", ">=2.8")
    find(docs, T, "producer")["metadata"]["annotations"] = {KEY: ">=99"}
    _, results = run(docs)
    assert results == []


def test_the_annotation_is_the_offline_place_for_the_constraint() -> None:
    docs = with_bfb("2.9.1", None)
    find(docs, T, "producer")["metadata"]["annotations"] = {KEY: ">=2.10"}
    _, results = run(docs)
    assert [(r.field, r.message) for r in results] == [
        (f"metadata.annotations.{KEY}", UNSATISFIED.format(version="2.9.1", kind="BFB"))
    ]


def test_other_version_keys_are_ignored() -> None:
    docs = with_bfb("2.9.1", None)
    find(docs, T, "producer")["status"] = {"versions": {"dpu.nvidia.com/bsp-version": ">=99"}}
    _, results = run(docs)
    assert results == []


def test_every_template_is_checked_and_every_failure_reported() -> None:
    docs = with_bfb("2.9.1", ">=2.10")
    find(docs, T, "consumer")["status"] = {"versions": {KEY: "not-a-version"}}
    _, results = run(docs)
    assert [(r.ref.name if r.ref else "", r.message.split(" is ")[0]) for r in results] == [
        (
            "consumer",
            "version constraint 'not-a-version' found in DPUServiceTemplate 'consumer'",
        ),
        (
            "producer",
            "version constraint for 'dpu.nvidia.com/doca-version' found in DPUServiceTemplate 'producer'",
        ),
    ]


@pytest.mark.parametrize(
    ("constraint", "ok"),
    [
        ("~2.9", True),
        ("^2", True),
        ("^3", False),
        (">= 2.9, < 3", True),
        ("2.9.x", True),
        ("2.8 || 2.9", True),
        ("2.7 - 2.9.0", False),
        ("!=2.9.1", False),
        ("2.9", True),
    ],
)
def test_constraints_follow_masterminds_through_the_render(constraint: str, ok: bool) -> None:
    _, results = run(with_bfb("2.9.1", constraint))
    assert (results == []) is ok, [str(r) for r in results]


def test_the_versions_on_a_bfb_need_all_four_parts() -> None:
    docs = bfb(versions={"doca": "2.9.1"})
    set_path(find(docs, T, "producer"), ("metadata", "annotations"), DELETE)
    _, results = run(docs)
    assert [(r.ref.kind if r.ref else "", r.field, r.message) for r in errors(results)] == [
        (
            "BFB",
            "spec.versions",
            "all four version fields (bsp, doca, uefi, atf) must be provided when versions is set",
        ),
        ("DPUDeployment", "spec.dpus.bfb", "cannot expand: BFB dpf/bf-bundle has errors (reported on it)"),
    ]
