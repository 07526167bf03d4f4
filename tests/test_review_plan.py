"""`dpf-render plan`: golden text and Markdown for pairs that cover every class of change, exit codes, helpers.

Each case is `tests/review/plan/<case>/{base,head}.yaml` with `expected.txt` (text) and `expected.md`
(`--format markdown`). Regenerate the goldens after an intended change with
`.venv/bin/pytest tests/test_review_plan.py --update-golden` and review the diff.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from .golden_util import assert_golden
from .review_helpers import read_terminal, run, secret

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kustomize_plugin.review.plan import Plan

CASES = Path(__file__).parent / "review" / "plan"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
LEGACY_FIELD = (
    "warning: head.yaml: DPUServiceConfiguration dpf/mon spec.nodeEffect: "
    "spec.nodeEffect is the older wording of spec.upgradePolicy.applyNodeEffect"
)
STDERR = {"head-warnings": LEGACY_FIELD}  # HEAD's warnings also go to stderr, as with `render`

# case: (replaced, updated in place, added, removed, disruptive)
CLASSES = {
    "chain-switch-changed": (0, 1, 0, 0, False),  # the chain policy is false: patched in place
    "dpuset-added": (0, 0, 1, 0, False),
    "first-deployment": (0, 0, 7, 0, False),
    "head-warnings": (0, 2, 0, 0, False),
    "interface-rename": (0, 1, 1, 1, False),
    "no-change": (0, 0, 0, 0, False),
    "other-objects": (0, 2, 1, 0, False),
    "service-added": (0, 1, 1, 0, True),  # a requestor and a node label in the middle of sorted lists
    "service-removed": (0, 1, 0, 2, True),
    "values-disruptive": (4, 1, 0, 0, True),
    "values-non-disruptive": (0, 2, 0, 0, False),
}


def test_every_case_has_a_class() -> None:
    assert sorted(CLASSES) == CASE_NAMES


@pytest.mark.parametrize("case", CASE_NAMES)
def test_plan_text_golden(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(CASES / case)
    code, out, err = run(["plan", "base.yaml", "head.yaml"], capsys)
    assert code == 0
    assert err.startswith(STDERR[case]) if case in STDERR else err == ""
    assert_golden(CASES / case / "expected.txt", out, update=update_golden)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_plan_markdown_golden(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(CASES / case)
    code, out, err = run(["plan", "base.yaml", "head.yaml", "--format", "markdown"], capsys)
    assert code == 0
    assert err.startswith(STDERR[case]) if case in STDERR else err == ""
    assert out.startswith("<!-- dpf-render-plan -->\n")
    assert_golden(CASES / case / "expected.md", out, update=update_golden)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_plan_classifies_every_change(case: str) -> None:
    plan = build_plan(CASES / case / "base.yaml", CASES / case / "head.yaml")
    replaced, updated, added, removed, disruptive = CLASSES[case]
    counts = (plan.count("replaced"), plan.count("updated"), plan.count("added"), plan.count("removed"))
    assert counts == (replaced, updated, added, removed)
    assert plan.disruptive is disruptive


@pytest.mark.parametrize("case", CASE_NAMES)
def test_fail_on_disruptive_exit_code(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / case)
    code, _, _ = run(["plan", "base.yaml", "head.yaml", "--fail-on-disruptive"], capsys)
    assert code == (4 if CLASSES[case][4] else 0)


def build_plan(base: Path, head: Path) -> Plan:
    from kustomize_plugin import pipeline
    from kustomize_plugin.config import RenderConfig
    from kustomize_plugin.read import read_paths
    from kustomize_plugin.review.plan import plan_renders
    from kustomize_plugin.yamlload import DEFAULT_MAX_BYTES

    renders = []
    for path in (base, head):
        items, found = read_paths([str(path)], max_bytes=DEFAULT_MAX_BYTES)
        assert found == []
        render = pipeline.render(items, RenderConfig(allow_empty=True), mode=pipeline.FINAL)
        assert [r for r in render.results if r.severity == "error"] == []
        renders.append(render)
    return plan_renders(
        renders[0].objects(),
        renders[1].objects(),
        base_revisions=renders[0].revisions,
        head_revisions=renders[1].revisions,
    )


def test_disruptive_replacement_names_services_and_drained_dpusets() -> None:
    plan = build_plan(CASES / "values-disruptive" / "base.yaml", CASES / "values-disruptive" / "head.yaml")
    replaced = {(c.kind, c.subject): c for c in plan.changes if c.action == "replaced"}
    assert set(replaced) == {
        ("DPUService", "service fw"),
        ("DPUServiceInterface", "interface fw/p0"),
        ("DPUServiceInterface", "interface fw/p1"),
        ("DPUServiceChain", "chain"),
    }
    assert all(c.disruptive for c in replaced.values())
    [effect] = plan.effects
    assert (effect.dpuset, effect.action, effect.runs, effect.nodes) == (
        "demo-a",
        "drain",
        True,
        "nodes matching rack=a",
    )
    assert [label.path for label in effect.labels] == [
        "svc.dpu.nvidia.com/dpuservice-fw-version",
        "svc.dpu.nvidia.com/dpuservicechain-version",
    ]


CHAIN_POLICY = "serviceChains.upgradePolicy.applyNodeEffect is false"


@pytest.mark.parametrize(
    ("case", "note"),
    [
        ("chain-switch-changed", f"same name: {CHAIN_POLICY}"),
        (
            "values-disruptive",
            f"new revision: {CHAIN_POLICY}; it follows the new revisions of the disruptive service it selects (fw)",
        ),
    ],
    ids=["patched-in-place", "replaced"],
)
def test_chain_follows_the_disruptive_services_only_when_replaced(case: str, note: str) -> None:
    """A chain patched in place did not follow fw (fw did not change): only its own policy is the reason."""
    plan = build_plan(CASES / case / "base.yaml", CASES / case / "head.yaml")
    [chain] = [c for c in plan.changes if c.kind == "DPUServiceChain"]
    assert chain.notes[1:] == [note]


def test_non_disruptive_update_keeps_the_name_and_the_node_labels() -> None:
    from kustomize_plugin.review.plan import Plan

    plan = build_plan(
        CASES / "values-non-disruptive" / "base.yaml", CASES / "values-non-disruptive" / "head.yaml"
    )
    assert isinstance(plan, Plan)
    service = next(c for c in plan.changes if c.kind == "DPUService")
    assert (service.action, service.old_name, service.new_name) == ("updated", "mon-wl44c", "mon-wl44c")
    causes = [f.text() for f in service.fields if not f.follows]
    assert causes == ["spec.helmChart.values.interval: 10s → 30s"]
    assert plan.effects == []


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_head_warnings_reach_the_plan(
    output_format: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / "head-warnings")
    code, out, _ = run(["plan", "base.yaml", "head.yaml", "--format", output_format], capsys)
    assert code == 0
    assert LEGACY_FIELD in out


def test_base_warnings_stay_out_of_the_plan(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / "head-warnings")
    code, out, err = run(["plan", "head.yaml", "base.yaml"], capsys)
    assert (code, err) == (0, "")  # BASE's warnings are already on the main branch
    assert "warning" not in out


def test_stale_lock_warning_reaches_the_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES / "values-disruptive"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base").mkdir()
    (tmp_path / "head").mkdir()
    (tmp_path / "base" / "all.yaml").write_bytes((case / "base.yaml").read_bytes())
    (tmp_path / "head" / "all.yaml").write_bytes((case / "head.yaml").read_bytes())
    assert run(["lock", "base", "-o", "base/lock.yaml"], capsys)[0] == 0
    (tmp_path / "head" / "lock.yaml").write_bytes((tmp_path / "base" / "lock.yaml").read_bytes())
    code, out, _ = run(["plan", "base", "head", "--format", "markdown"], capsys)
    assert code == 0
    assert "the revision lock is out of date" in out


LOCK_NOTE = (
    "A revision lock committed before the change (`dpf-render lock`) makes the render do what DPF does: "
    "docs/revisions.md"
)


def test_a_lock_carried_over_a_rebase_differs_from_dpf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The branch's lock was made before main made mon disruptive: it keeps mon's name where DPF mints one.

    main (BASE) turned mon's applyNodeEffect on; the branch, forked earlier, changed mon's values and ran
    `dpf-render lock` there (mon patched in place), then was rebased on main keeping its own lock. HEAD's lock
    matches HEAD's digest, so the render keeps mon's name; DPF, with BASE live, mints a new disruptive revision
    and runs the node effect.
    """
    case = CASES / "values-non-disruptive"
    monkeypatch.chdir(tmp_path)
    disruptive = (
        "    applyNodeEffect: true\n---\napiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUDeployment"
    )
    sides = {
        "fork": case / "base.yaml",
        "branch": case / "head.yaml",
        "base": case / "base.yaml",
        "head": case / "head.yaml",
    }
    for side, source in sides.items():
        (tmp_path / side).mkdir()
        text = source.read_text(encoding="utf-8")
        if side in ("base", "head"):
            old = disruptive.replace("true", "false", 1)
            assert old in text
            text = text.replace(old, disruptive)
        (tmp_path / side / "all.yaml").write_text(text, encoding="utf-8")
    assert run(["lock", "fork", "-o", "fork/lock.yaml"], capsys)[0] == 0
    for side, before in (("branch", "fork"), ("base", "fork"), ("head", "branch")):
        (tmp_path / side / "lock.yaml").write_bytes((tmp_path / before / "lock.yaml").read_bytes())
        if side != "head":
            assert run(["lock", side, "-o", f"{side}/lock.yaml"], capsys)[0] == 0
    code, out, err = run(["plan", "base", "head", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    [group] = json.loads(out)["groups"]
    assert group["dpfNotes"] == [
        "DPF would replace DPUService mon-wl44c by a new revision (mon-pvjmj)",
        "DPF would run the node effect on the nodes of DPUSet demo-a: a new revision rolls out",
        LOCK_NOTE,
    ]


def test_stdin_side(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES / "values-disruptive"
    monkeypatch.chdir(case)
    stdin = io.TextIOWrapper(io.BytesIO((case / "head.yaml").read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(["plan", "base.yaml", "-"], capsys)
    assert code == 0
    assert out == (case / "expected.txt").read_text(encoding="utf-8").replace("→ head.yaml", "→ -", 1)


def test_both_sides_stdin_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["plan", "-", "-"], capsys)
    assert (code, out) == (2, "")
    assert "only one of BASE and HEAD can be -" in err


def test_render_errors_of_either_side_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = CASES / "no-change" / "base.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace("rack: a", "rack: a\n    - nameSuffix: a"), encoding="utf-8"
    )
    for args in ([str(bad), str(good)], [str(good), str(bad)]):
        code, out, err = run(["plan", *args], capsys)
        assert (code, out) == (1, "")
        assert err.startswith(f"error: {bad}: DPUDeployment dpf/demo ")


def test_missing_side_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["plan", "no/such/dir", str(CASES / "no-change" / "head.yaml")], capsys)
    assert (code, out) == (1, "")
    assert err == "error: no/such/dir: no such file or directory\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"a": 1}, {"a": 2}, ["a: 1 → 2"]),
        ({"a": {"b": "x"}}, {"a": {}}, ["a.b: x → (none)"]),
        ({"labels": {"k8s.io/name": "a"}}, {"labels": {"k8s.io/name": "b"}}, ["labels[k8s.io/name]: a → b"]),
        ({"l": [1, 2]}, {"l": [1, 3, 4]}, ["l[1]: 2 → 3", "l[2]: added 4"]),
        ({"v": "8"}, {"v": 8}, ['v: "8" → 8']),
        ({"m": None}, {"m": {"x": 1}}, ["m: null → {…}"]),
        ({"s": "a"}, {"s": "b" * 80}, ["s: a → " + "b" * 59 + "…"]),
    ],
    ids=["scalar", "removed-key", "dotted-key", "list-tail", "type-change", "null-to-map", "truncated"],
)
def test_diff_fields(old: object, new: object, expected: list[str]) -> None:
    from kustomize_plugin.review.plan import diff_fields

    assert [f.text() for f in diff_fields(old, new)] == expected


def test_diff_fields_marks_what_follows_a_rename() -> None:
    from kustomize_plugin.review.plan import diff_fields

    renames = (("svc-aaaaa", "svc-bbbbb"),)
    old = {"sel": "svc-aaaaa", "req": ["x_svc-aaaaa", "x_chain-c"], "own": "1"}
    new = {"sel": "svc-bbbbb", "req": ["x_chain-c", "x_svc-bbbbb"], "own": "2"}
    fields = {f.text(): f.follows for f in diff_fields(old, new, renames=renames)}
    assert fields == {
        'own: "1" → "2"': False,
        "req: x_svc-aaaaa → x_svc-bbbbb": True,
        "sel: svc-aaaaa → svc-bbbbb": True,
    }


def _requirement(key: str, *values: str) -> dict[str, object]:
    return (
        {"key": key, "operator": "In", "values": list(values)}
        if values
        else {"key": key, "operator": "Exists"}
    )


def _port(service: str, interface: str) -> dict[str, object]:
    labels = {
        "svc.dpu.nvidia.com/interface": interface,
        "svc.dpu.nvidia.com/service": f"d_{service}_0123456789",
    }
    return {"serviceInterface": {"matchLabels": labels}}


def _chain(*ports: dict[str, object]) -> dict[str, object]:
    switch = {"ports": list(ports), "serviceMTU": 1500}
    return {
        "kind": "DPUServiceChain",
        "spec": {"template": {"spec": {"template": {"spec": {"switches": [switch]}}}}},
    }


REQUESTORS = "spec.dpuTemplate.spec.nodeEffect.nodeMaintenanceAdditionalRequestors"
SWITCH = "spec.template.spec.template.spec.switches[0]"
UPLINK: dict[str, object] = {"serviceInterface": {"matchLabels": {"uplink": "p0"}}}


def _dpuset_requestors(*names: str) -> dict[str, object]:
    return {
        "kind": "DPUSet",
        "spec": {
            "dpuTemplate": {"spec": {"nodeEffect": {"nodeMaintenanceAdditionalRequestors": list(names)}}}
        },
    }


def _terms(*keys: str) -> dict[str, object]:
    terms = [{"matchExpressions": [_requirement(k, "x")]} for k in keys]
    return {
        "kind": "DPUService",
        "spec": {"serviceDaemonSet": {"nodeSelector": {"nodeSelectorTerms": terms}}},
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            _dpuset_requestors("n_c-1", "n_f-1"),
            _dpuset_requestors("n_c-1", "n_d-1", "n_f-1"),
            [f"{REQUESTORS}: added n_d-1"],
        ),
        (
            _dpuset_requestors("n_c-1", "n_d-1", "n_f-1"),
            _dpuset_requestors("n_c-1", "n_f-1"),
            [f"{REQUESTORS}: removed n_d-1"],
        ),
        (
            {"kind": "DPUService", "spec": {"interfaces": ["a-1", "b-1"]}},
            {"kind": "DPUService", "spec": {"interfaces": ["b-1"]}},
            ["spec.interfaces: removed a-1"],
        ),
        (
            {"kind": "DPUSet", "spec": {"dpuNodeSelector": {"matchExpressions": [_requirement("b", "x")]}}},
            {
                "kind": "DPUSet",
                "spec": {
                    "dpuNodeSelector": {"matchExpressions": [_requirement("a"), _requirement("b", "y", "x")]}
                },
            },
            [
                "spec.dpuNodeSelector.matchExpressions[key=b].values: added y",
                "spec.dpuNodeSelector.matchExpressions[key=a]: added",
            ],
        ),
        (
            _chain(_port("fw", "p0"), UPLINK),
            _chain(_port("dns", "p0"), _port("fw", "p0"), UPLINK),
            [f"{SWITCH}.ports[dns/p0]: added"],
        ),
        (
            _chain(_port("fw", "p0"), _port("dns", "p0")),
            _chain(_port("fw", "p0")),
            [f"{SWITCH}.ports[dns/p0]: removed"],
        ),
        (
            _terms("k1"),
            _terms("k0", "k1"),
            ["spec.serviceDaemonSet.nodeSelector.nodeSelectorTerms[0]: added"],
        ),
        ({"args": ["a", "c"]}, {"args": ["a", "b", "c"]}, ["args[1]: added b"]),
        ({"args": ["a", "b", "c"]}, {"args": ["a", "c"]}, ["args[1]: removed b"]),
        (
            {"containers": [{"name": "a", "image": "v1"}, {"name": "b", "image": "v1"}]},
            {"containers": [{"name": "b", "image": "v2"}, {"name": "a", "image": "v1"}]},
            ["containers: order changed", "containers[name=b].image: v1 → v2"],
        ),
    ],
    ids=[
        "requestor-added-in-the-middle",
        "requestor-removed-in-the-middle",
        "service-interfaces-set",
        "match-expressions-by-key",
        "chain-ports-by-service-interface",
        "chain-port-removed",
        "node-selector-terms-by-keys",
        "ordered-list-insert",
        "ordered-list-delete",
        "named-elements",
    ],
)
def test_diff_fields_matches_list_elements_by_identity(old: object, new: object, expected: list[str]) -> None:
    from kustomize_plugin.review.plan import diff_fields

    assert [f.text() for f in diff_fields(old, new)] == expected


@pytest.mark.parametrize("size", [999, 1000])
def test_long_lists_are_compared_by_position(size: int) -> None:
    """Past MAX_MATCHED_ELEMENTS, matching elements would cost quadratic time: an insertion at the front then
    reads as every position changing, one field each."""
    from kustomize_plugin.review.plan import MAX_MATCHED_ELEMENTS, diff_fields

    old = {"args": [f"a{i}" for i in range(size)]}
    new = {"args": ["first", *old["args"]]}
    texts = [f.text() for f in diff_fields(old, new)]
    if size < MAX_MATCHED_ELEMENTS:
        assert texts == ["args[0]: added first"]
    else:
        assert len(texts) == size + 1
        assert texts[:2] == ["args[0]: a0 → first", "args[1]: a1 → a0"]
        assert texts[-1] == f"args[{size}]: (none) → a{size - 1}"


def test_requestors_of_a_renamed_service_pair_up() -> None:
    from kustomize_plugin.review.plan import diff_fields

    renames = (("fw-aaaaa", "fw-bbbbb"),)
    old = _dpuset_requestors("n_c-1", "n_fw-aaaaa", "n_x-1")
    new = _dpuset_requestors("n_a-1", "n_c-1", "n_fw-bbbbb", "n_x-1")
    fields = [(f.text(), f.follows) for f in diff_fields(old, new, renames=renames)]
    assert fields == [(f"{REQUESTORS}: n_fw-aaaaa → n_fw-bbbbb", True), (f"{REQUESTORS}: added n_a-1", False)]


def test_secret_values_are_never_shown() -> None:
    from kustomize_plugin.review.plan import plan_renders

    plan = plan_renders([secret("b2xk")], [secret("bmV3")])
    [change] = plan.changes
    assert [f.text() for f in change.fields] == ["data.k"]


@pytest.mark.parametrize(
    ("node_effect", "expected"),
    [
        ({"drain": True, "force": False}, "drain"),
        ({"drain": True, "force": True}, "drain (force)"),
        (
            {"taint": {"key": "dpu", "value": "upgrade", "effect": "NoSchedule"}},
            "taint dpu=upgrade:NoSchedule",
        ),
        ({"noEffect": True}, "noEffect"),
        ({"customLabel": {"b": "2", "a": "1"}}, "customLabel a=1, b=2"),
        ({"hold": True}, "hold"),
    ],
    ids=["drain", "force", "taint", "no-effect", "custom-label", "hold"],
)
def test_describe_node_effect(node_effect: dict[str, object], expected: str) -> None:
    from kustomize_plugin.review.plan import describe_node_effect

    assert describe_node_effect(node_effect) == expected


def test_node_labels_without_apply_on_label_change_are_not_disruptive() -> None:
    from kustomize_plugin.review.plan import plan_renders

    def dpuset(version: str, apply: bool) -> dict[str, object]:
        return {
            "apiVersion": "provisioning.dpu.nvidia.com/v1alpha1",
            "kind": "DPUSet",
            "metadata": {
                "name": "d-a",
                "namespace": "n",
                "labels": {"svc.dpu.nvidia.com/owned-by-dpudeployment": "n_d"},
            },
            "spec": {
                "dpuTemplate": {
                    "spec": {
                        "cluster": {"nodeLabels": {"svc.dpu.nvidia.com/dpuservice-s-version": version}},
                        "nodeEffect": {"drain": True, "applyOnLabelChange": apply},
                    }
                }
            },
        }

    calm = plan_renders([dpuset("s-1", False)], [dpuset("s-2", False)])
    assert not calm.disruptive
    assert calm.effects[0].notes == ["node labels change without a node effect (applyOnLabelChange is false)"]
    assert plan_renders([dpuset("s-1", True)], [dpuset("s-2", True)]).disruptive


def test_reprovisioning_follows_the_dpuset_strategy() -> None:
    from kustomize_plugin.review.plan import plan_renders

    def dpuset(bfb: str, strategy: str) -> dict[str, object]:
        return {
            "apiVersion": "provisioning.dpu.nvidia.com/v1alpha1",
            "kind": "DPUSet",
            "metadata": {"name": "d-a", "namespace": "n"},
            "spec": {"strategy": {"type": strategy}, "dpuTemplate": {"spec": {"bfb": {"name": bfb}}}},
        }

    rolling = plan_renders([dpuset("old", "RollingUpdate")], [dpuset("new", "RollingUpdate")])
    assert rolling.disruptive
    assert rolling.effects[0].notes == [
        "DPU template changed (bfb): DPUs are re-provisioned (strategy RollingUpdate)"
    ]
    assert not plan_renders([dpuset("old", "OnDelete")], [dpuset("new", "OnDelete")]).disruptive


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a|b", "a\\|b"), ("x\ny", "x<br>y"), ("`a|b`", "`a\\|b`")],
    ids=["pipe", "newline", "code-pipe"],
)
def test_markdown_cell_escaping(value: str, expected: str) -> None:
    from kustomize_plugin.review.plan_report import cell

    assert cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("plain", "`plain`"), ("a`b", "``a`b``"), ("`x", "`` `x ``")],
    ids=["plain", "inner-tick", "leading-tick"],
)
def test_markdown_code_span(value: str, expected: str) -> None:
    from kustomize_plugin.review.plan_report import code

    assert code(value) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [([], "```"), (["a`b", "``"], "```"), (["x", "a````b"], "`````")],
    ids=["none", "short", "long"],
)
def test_markdown_fence_is_longer_than_any_backtick_run(lines: list[str], expected: str) -> None:
    from kustomize_plugin.review.plan_report import _fence

    assert _fence(lines) == expected


def test_plan_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["plan", "--help"], capsys)
    assert code == 0
    assert "dpf-render plan git:HEAD~1:examples/producer-consumer examples/producer-consumer" in out


@pytest.mark.parametrize(
    ("limit", "present", "absent"),
    [
        (4000, ["*Shortened to fit in 4000 characters", "**Objects**"], ["All changed fields"]),
        (
            1000,
            ["| dpf/demo | **yes** | drain: demo-a | 4 | 1 | 0 | 0 |"],
            ["**Objects**", "All changed fields"],
        ),
    ],
    ids=["without-fields", "one-row-per-deployment"],
)
def test_markdown_is_shortened_to_fit(
    limit: int,
    present: list[str],
    absent: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(CASES / "values-disruptive")
    code, out, _ = run(
        ["plan", "base.yaml", "head.yaml", "--format", "markdown", "--max-chars", str(limit)], capsys
    )
    assert code == 0
    assert len(out) <= limit
    assert out.startswith("<!-- dpf-render-plan -->\n")
    assert all(text in out for text in present)
    assert not any(text in out for text in absent)


def test_shortened_cells_do_not_point_at_the_dropped_field_list() -> None:
    """Once the list of all changed fields is dropped, a cell's "… N more" cannot send the reader there."""
    from kustomize_plugin.review.plan import plan_renders
    from kustomize_plugin.review.plan_report import format_markdown

    def config_map(value: str) -> dict[str, object]:
        data = {f"key{i:02}": f"{value}{i}" for i in range(40)}
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "n"},
            "data": data,
        }

    plan = plan_renders([config_map("old")], [config_map("new")])
    full = format_markdown(plan, max_chars=0)
    assert "… 35 more, under all changed fields" in full
    shortened = format_markdown(plan, max_chars=len(full) - 10)
    assert "All changed fields" not in shortened
    assert "… 35 more" in shortened
    assert "under all changed fields" not in shortened


def test_many_warnings_are_shortened_to_fit() -> None:
    from kustomize_plugin import results as R
    from kustomize_plugin.review.plan import plan_renders
    from kustomize_plugin.review.plan_report import format_markdown

    warnings = [R.warning(f"warning number {i} " + "x" * 80) for i in range(500)]
    plan = plan_renders([], [], warnings=warnings)
    text = format_markdown(plan, max_chars=1000)
    assert len(text) <= 1000
    assert "warning number 0 " in text
    assert "more: run `dpf-render plan BASE HEAD`" in text


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_markdown_names_the_dpf_render_version(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kustomize_plugin import __version__

    monkeypatch.chdir(CASES / "values-disruptive")
    _, out, _ = run(["plan", "base.yaml", "head.yaml", "--format", "markdown", "--max-chars", "900"], capsys)
    assert out.endswith(f"rendered by dpf-render {__version__}</sub>\n")


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["--color", "always"], {}, True),
        (["--color", "never"], {}, False),
        ([], {}, False),  # auto, and captured output is not a terminal
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # an explicit choice wins over NO_COLOR
        (["--color", "always", "--format", "markdown"], {}, False),
        (["--color", "always", "--format", "json"], {}, False),
    ],
    ids=["always", "never", "auto-not-a-tty", "always-beats-no-color", "markdown", "json"],
)
def test_plan_colour(
    args: list[str],
    env: dict[str, str],
    coloured: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(CASES / "values-disruptive")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, _ = run(["plan", "base.yaml", "head.yaml", *args], capsys)
    assert code == 0
    assert bool(ANSI.search(out)) is coloured
    if coloured:  # the same text, only coloured
        assert ANSI.sub("", out) == (CASES / "values-disruptive" / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("env", "coloured"),
    [({}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, True), ({"TERM": "dumb"}, False)],
    ids=["tty", "no-color", "empty-no-color", "dumb-terminal"],
)
def test_plan_colour_on_a_terminal(env: dict[str, str], coloured: bool) -> None:
    """A real pseudo-terminal as stdout, in a child process: colour by default, none with NO_COLOR."""
    import os
    import pty
    import subprocess

    from .conftest import tool_env

    controller, terminal = pty.openpty()
    try:
        variables = tool_env(**{"TERM": "xterm", **env})
        if "NO_COLOR" not in env:
            variables.pop("NO_COLOR", None)
        done = subprocess.run(
            [str(Path(sys.executable).parent / "dpf-render"), "plan", "base.yaml", "head.yaml"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            cwd=CASES / "values-disruptive",
            env=variables,
            timeout=120,
            check=False,
        )
        os.close(terminal)
        terminal = -1
        out = read_terminal(controller).decode("utf-8").replace("\r\n", "\n")
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert done.returncode == 0, done.stderr
    assert bool(ANSI.search(out)) is coloured
    assert ANSI.sub("", out).startswith("dpf-render plan: base.yaml → head.yaml\n")


@pytest.mark.parametrize(
    ("old", "new", "op"),
    [({}, {"a": "x"}, "added"), ({"a": "x"}, {}, "removed"), ({"a": "(none)"}, {"a": "x"}, "changed")],
    ids=["added", "removed", "a-value-that-reads-none"],
)
def test_field_change_kind_comes_from_the_values_not_their_text(old: object, new: object, op: str) -> None:
    from kustomize_plugin.review.plan import diff_fields

    [field] = diff_fields(old, new)
    assert (field.op, field.element) == (op, False)


def test_strict_fails_on_head_s_warnings_not_on_base_s(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # BASE is already on the main branch: under --strict its warnings are neither shown nor a failure, while
    # HEAD's are both (the plan used to exit 1 here without a word).
    example = Path(__file__).resolve().parents[1] / "examples" / "producer-consumer"
    warned = tmp_path / "warned"
    warned.mkdir()
    for source in example.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "dpudeployment.yaml":
            text = text.replace("    dpuSetStrategy:\n      type: RollingUpdate\n", "")
        (warned / source.name).write_text(text, encoding="utf-8")
    code, out, err = run(["plan", "--strict", str(warned), str(example)], capsys)
    assert (code, err) == (0, "")
    assert "both sides render the same objects" in out
    code, out, err = run(["plan", "--strict", str(example), str(warned)], capsys)
    assert code == 1
    assert "dpuSetStrategy is not set" in err
