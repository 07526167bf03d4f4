"""`--format json` of plan, check and describe: golden documents, each validated against its shipped schema.

The goldens are `tests/review/plan/<case>/expected.json` and `tests/review/describe/<case>/describe.json`;
regenerate them with `.venv/bin/pytest tests/test_review_json.py --update-golden` and review the diff. Every
document any test produces here is validated against `kustomize_plugin/schemas/<command>-v1.json`, and the
schemas themselves against the JSON Schema meta-schema, so a schema that accepts anything cannot pass.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from .conftest import REPO
from .golden_util import assert_golden
from .review_helpers import run, secret

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REVIEW = Path(__file__).parent / "review"
PLAN_CASES = sorted(p.name for p in (REVIEW / "plan").iterdir() if p.is_dir())
DESCRIBE_CASES = sorted(p.name for p in (REVIEW / "describe").iterdir() if p.is_dir())
API_VERSION = "review.dpf-render.io/v1"
SCHEMAS = {"Plan": "plan-v1.json", "Check": "check-v1.json", "Description": "describe-v1.json"}


def schema(kind: str) -> dict[str, Any]:
    text = resources.files("kustomize_plugin").joinpath("schemas", SCHEMAS[kind]).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def closed(node: Any) -> Any:
    """The schema with every object closed to undeclared fields: what the tests hold the documents to, so
    that every field dpf-render writes is documented. The shipped schemas stay open, so that a consumer's
    copy keeps accepting the fields a later release adds (docs/review-json.md)."""
    if isinstance(node, dict):
        out = {key: closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [closed(value) for value in node]
    return node


def validate(document: dict[str, Any]) -> None:
    """The document names its schema (apiVersion and kind) and is valid against it, closed."""
    import jsonschema

    assert document["apiVersion"] == API_VERSION
    found = closed(schema(document["kind"]))
    jsonschema.Draft202012Validator(found, format_checker=jsonschema.FormatChecker()).validate(document)


def parse(out: str) -> dict[str, Any]:
    assert out.endswith("}\n")
    document: dict[str, Any] = json.loads(out)
    validate(document)
    return document


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_schemas_are_valid_json_schemas(kind: str) -> None:
    import jsonschema

    found = schema(kind)
    jsonschema.Draft202012Validator.check_schema(found)
    assert found["properties"]["apiVersion"] == {"const": API_VERSION}
    assert found["properties"]["kind"] == {"const": kind}
    assert '"additionalProperties": false' not in json.dumps(found)  # open to later additions


@pytest.mark.parametrize(
    ("definition", "kinds"), [("generator", sorted(SCHEMAS)), ("result", ["Description", "Plan"])]
)
def test_shared_definitions_stay_equal(definition: str, kinds: list[str]) -> None:
    """Each schema is one self-contained file, so the definitions they share are copies: the same copies."""
    first, *others = (schema(kind)["$defs"][definition] for kind in kinds)
    assert others
    assert all(other == first for other in others)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_documents_are_held_to_the_closed_schema(kind: str) -> None:
    """An undocumented field fails the tests' validation: `closed` works."""
    import jsonschema

    with pytest.raises(jsonschema.ValidationError, match="undocumented"):
        validate({"apiVersion": API_VERSION, "kind": kind, "undocumented": 1})


def test_schemas_are_package_data() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["kustomize_plugin"]
    assert "schemas/*.json" in patterns
    shipped = sorted(p.name for p in (REPO / "kustomize_plugin" / "schemas").iterdir())
    assert shipped == sorted(SCHEMAS.values())


@pytest.mark.parametrize("case", PLAN_CASES)
def test_plan_json_golden(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(REVIEW / "plan" / case)
    code, out, _ = run(["plan", "base.yaml", "head.yaml", "--format", "json"], capsys)
    assert code == 0
    parse(out)
    assert_golden(REVIEW / "plan" / case / "expected.json", out, update=update_golden)


def test_plan_json_carries_what_the_text_says(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REVIEW / "plan" / "service-removed")
    _, out, _ = run(["plan", "base.yaml", "head.yaml", "--format", "json"], capsys)
    document = parse(out)
    assert document["counts"] == {"replaced": 0, "updated": 1, "added": 0, "removed": 2}
    assert document["disruptive"] is True
    assert document["verdict"]["headline"] == "Disruptive."
    [group] = document["groups"]
    assert group["deployment"] == {"namespace": "dpf", "name": "demo"}
    [effect] = group["nodeEffects"]
    assert (effect["dpuSet"], effect["action"], effect["runs"]) == ("demo-a", "drain", True)
    assert effect["labels"] == [
        {
            "path": "svc.dpu.nvidia.com/dpuservice-mon-version",
            "change": "removed",
            "element": False,
            "follows": False,
            "old": "mon-wl44c",
        }
    ]
    dpuset = group["changes"][0]
    assert (dpuset["kind"], dpuset["action"], dpuset["oldName"], dpuset["newName"]) == (
        "DPUSet",
        "updated",
        "demo-a",
        "demo-a",
    )
    assert {
        "path": "spec.dpuTemplate.spec.nodeEffect.nodeMaintenanceAdditionalRequestors",
        "change": "removed",
        "element": True,
        "follows": False,
        "old": "dpf_demo_mon-wl44c",
    } in dpuset["fields"]
    assert group["dpfNotes"][0].startswith("DPF would not run the node effect (drain)")


def test_plan_json_has_the_head_warnings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REVIEW / "plan" / "head-warnings")
    _, out, _ = run(["plan", "base.yaml", "head.yaml", "--format", "json"], capsys)
    [warning] = parse(out)["warnings"]
    assert warning["severity"] == "warning"
    assert warning["resourceRef"] == {
        "apiVersion": "svc.dpu.nvidia.com/v1alpha1",
        "kind": "DPUServiceConfiguration",
        "name": "mon",
        "namespace": "dpf",
    }
    assert warning["field"] == {"path": "spec.nodeEffect"}
    assert warning["file"]["path"] == "head.yaml"


def test_plan_json_hides_secret_values() -> None:
    from kustomize_plugin.review.json_report import plan_document
    from kustomize_plugin.review.plan import plan_renders

    document = plan_document(plan_renders([secret("b2xk")], [secret("bmV3")]))
    validate(document)
    [group] = document["groups"]
    assert group["deployment"] is None
    assert group["changes"][0]["fields"] == [
        {"path": "data.k", "change": "changed", "element": False, "follows": False, "hidden": True}
    ]
    assert "b2xk" not in json.dumps(document)


@pytest.fixture
def committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    shutil.copy(REVIEW / "check" / "input.yaml", tmp_path / "input.yaml")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["render", "input.yaml", "-o", "committed"], capsys)
    assert (code, err) == (0, "")
    return tmp_path / "committed"


@pytest.mark.usefixtures("committed")
def test_check_json_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "input.yaml", "--against", "committed", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    document = parse(out)
    assert {k: document[k] for k in ("status", "clean", "total", "changed", "missing", "extra", "diff")} == {
        "status": "clean",
        "clean": True,
        "total": 10,  # with the marker render -o writes
        "changed": [],
        "missing": [],
        "extra": [],
        "diff": "",
    }
    assert (document["paths"], document["directory"], document["exists"]) == (
        ["input.yaml"],
        "committed",
        True,
    )


def test_check_json_drift(committed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .test_review_check import drift

    drift(committed)
    code, out, _ = run(["check", "input.yaml", "--against", "committed/", "--format", "json"], capsys)
    assert code == 1
    document = parse(out)
    assert document["status"] == "drift"
    assert document["clean"] is False
    assert len(document["changed"]) == 1
    assert document["changed"][0].startswith("dpf/dpuservice_fw-")
    assert document["missing"] == ["dpf/bfb_bundle.yaml"]
    assert document["extra"] == ["dpf/dpuset_demo-old.yaml"]
    assert document["diff"] == (REVIEW / "check" / "drift.diff").read_text(encoding="utf-8")


@pytest.mark.usefixtures("committed")
def test_check_json_missing_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "input.yaml", "--against", "elsewhere", "--format", "json"], capsys)
    assert code == 1
    document = parse(out)
    assert (document["exists"], len(document["missing"])) == (False, 10)


@pytest.mark.parametrize("case", DESCRIBE_CASES)
def test_describe_json_golden(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(REVIEW / "describe" / case)
    code, out, _ = run(["describe", "input.yaml", "--format", "json"], capsys)
    assert code == (0 if case in ("demo", "wiring") else 1)
    parse(out)
    assert_golden(REVIEW / "describe" / case / "describe.json", out, update=update_golden)


def test_describe_json_carries_the_tree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REVIEW / "describe" / "demo")
    _, tree, _ = run(["describe", "input.yaml"], capsys)
    _, out, _ = run(["describe", "input.yaml", "--format", "json"], capsys)
    document = parse(out)
    names = [
        name
        for d in document["deployments"]
        for name in (
            *(s["name"] for s in d["dpuSets"]),
            *(s["name"] for s in d["services"]),
            *(i["name"] for s in d["services"] for i in s["interfaces"]),
            d["chain"]["name"],
        )
    ]
    assert names
    assert all(name in tree for name in names)
    conditions = {c["type"]: c["status"] for c in document["deployments"][0]["conditions"]}
    assert conditions["VersionMatchingReady"] == "True"


def test_describe_json_problems_outside_any_deployment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A DPUServiceTemplate no DPUDeployment uses, with an unknown field: the error is a problem of no deployment."""
    path = tmp_path / "x.yaml"
    path.write_text(
        "apiVersion: svc.dpu.nvidia.com/v1alpha1\n"
        "kind: DPUServiceTemplate\n"
        "metadata: {name: fw, namespace: dpf}\n"
        "spec:\n"
        "  deploymentServiceName: fw\n"
        "  colour: blue\n"
        "  helmChart:\n"
        "    source: {repoURL: oci://registry.example/charts, chart: fw, version: 1.0.0}\n",
        encoding="utf-8",
    )
    code, out, _ = run(["describe", str(path), "--format", "json"], capsys)
    assert code == 1
    document = parse(out)
    assert document["deployments"] == []
    [problem] = document["problems"]
    assert (problem["severity"], problem["field"], problem["resourceRef"]["kind"]) == (
        "error",
        {"path": "spec.colour"},
        "DPUServiceTemplate",
    )
    assert problem["message"].startswith('unknown field "spec.colour"')


def test_describe_mermaid_and_json_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    case = REVIEW / "describe" / "demo" / "input.yaml"
    code, out, err = run(["describe", str(case), "--mermaid", "--format", "json"], capsys)
    assert (code, out) == (2, "")
    assert "--mermaid" in err


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("Plan", {"kind": "Plan"}),
        ("Check", {"apiVersion": API_VERSION, "kind": "Check", "status": "maybe"}),
        ("Description", {"apiVersion": "review.dpf-render.io/v2", "kind": "Description", "deployments": []}),
    ],
    ids=["no-api-version", "unknown-status", "other-version"],
)
def test_schemas_refuse_other_documents(kind: str, document: dict[str, Any]) -> None:
    import jsonschema

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema(kind)).validate(document)


def test_documented_examples_are_valid() -> None:
    """docs/review-json.md: the envelope, then one (shortened) example per command, each valid."""
    import jsonschema

    text = (REPO / "docs" / "review-json.md").read_text(encoding="utf-8")
    blocks = [json.loads(block.split("```", 1)[0]) for block in text.split("```json\n")[1:]]
    envelope, *examples = blocks
    assert envelope == {
        "apiVersion": API_VERSION,
        "kind": "Plan",
        "generator": {"name": "dpf-render", "version": envelope["generator"]["version"]},
    }
    assert sorted(e["kind"] for e in examples) == sorted(SCHEMAS)
    for example in examples:
        jsonschema.Draft202012Validator(closed(schema(example["kind"]))).validate(example)
