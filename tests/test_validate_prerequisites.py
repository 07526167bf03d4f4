"""PrerequisitesReady (docs/checks.md): every referenced object is among the inputs, in the deployment's namespace.

Messages are DPF's `getDependencies` texts (`internal/dpuservice/controllers/dpudeployment_controller.go`). Status is honoured only when present, and then
as a warning. Nothing is emitted for a deployment whose prerequisites are missing.
"""

from __future__ import annotations

from typing import Any

import pytest

from .validation.fixtures import NS, PROV, SVC, base_docs, brief, children, errors, find, run, set_path

D = "DPUDeployment"
GETTING = "error while getting the DPUDeployment dependencies: error while getting"


def without(docs: list[dict[str, Any]], kind: str, name: str) -> list[dict[str, Any]]:
    return [d for d in docs if not (d["kind"] == kind and d["metadata"]["name"] == name)]


# id, (kind, name) removed, deployment field, message
MISSING: list[tuple[str, str, str, str, str]] = [
    ("bfb", "BFB", "bf-bundle", "spec.dpus.bfb", f"{GETTING} {PROV}, Kind=BFB dpf/bf-bundle: BFB 'bf-bundle' not found among the inputs in namespace 'dpf'"),
    ("flavor", "DPUFlavor", "flavor", "spec.dpus.flavor", f"{GETTING} {PROV}, Kind=DPUFlavor dpf/flavor: DPUFlavor 'flavor' not found among the inputs in namespace 'dpf'"),
    ("template", "DPUServiceTemplate", "producer", "spec.services.producer.serviceTemplate", f"{GETTING} {SVC}, Kind=DPUServiceTemplate dpf/producer: DPUServiceTemplate 'producer' not found among the inputs in namespace 'dpf'"),
    ("configuration", "DPUServiceConfiguration", "consumer", "spec.services.consumer.serviceConfiguration", f"{GETTING} {SVC}, Kind=DPUServiceConfiguration dpf/consumer: DPUServiceConfiguration 'consumer' not found among the inputs in namespace 'dpf'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "name", "field", "message"), [m[1:] for m in MISSING], ids=[m[0] for m in MISSING]
)
def test_a_missing_prerequisite_is_an_error_and_nothing_is_emitted(
    kind: str, name: str, field: str, message: str
) -> None:
    output, results = run(without(base_docs(), kind, name))
    assert brief(errors(results)) == [("error", D, "demo", field, message)]
    assert results[0].condition == "PrerequisitesReady"
    assert children(output) == []


def test_every_missing_prerequisite_is_reported_at_once() -> None:
    docs = [d for d in base_docs() if d["kind"] == D]
    _, results = run(docs)
    assert [r.field for r in errors(results)] == [
        "spec.dpus.bfb",
        "spec.dpus.flavor",
        "spec.services.consumer.serviceConfiguration",
        "spec.services.consumer.serviceTemplate",
        "spec.services.producer.serviceConfiguration",
        "spec.services.producer.serviceTemplate",
    ]


def test_bluefield_software_and_flavor_template_are_looked_up_by_their_own_kind() -> None:
    docs = base_docs()
    dpus = find(docs, D, "demo")["spec"]["dpus"]
    dpus.pop("bfb")
    dpus.pop("flavor")
    dpus["blueFieldSoftware"] = "bf-bundle"  # a BFB of that name is not a BlueFieldSoftware
    dpus["flavorTemplate"] = "flavor"
    _, results = run(docs)
    assert [(r.field, r.message) for r in errors(results)] == [
        (
            "spec.dpus.blueFieldSoftware",
            (
                f"{GETTING} {PROV}, Kind=BlueFieldSoftware dpf/bf-bundle: BlueFieldSoftware 'bf-bundle' not found "
                "among the inputs in namespace 'dpf'"
            ),
        ),
        (
            "spec.dpus.flavorTemplate",
            (
                f"{GETTING} {PROV}, Kind=DPUFlavorTemplate dpf/flavor: DPUFlavorTemplate 'flavor' not found among "
                "the inputs in namespace 'dpf'"
            ),
        ),
    ]


def test_references_resolve_only_in_the_deployment_s_namespace() -> None:
    docs = base_docs()
    find(docs, "BFB", "bf-bundle")["metadata"]["namespace"] = "elsewhere"
    output, results = run(docs)
    assert [r.field for r in errors(results)] == ["spec.dpus.bfb"]
    assert "not found among the inputs in namespace 'dpf'" in results[0].message
    assert children(output) == []


@pytest.mark.parametrize("kind", ["DPUServiceTemplate", "DPUServiceConfiguration"])
def test_deployment_service_name_must_equal_the_services_key(kind: str) -> None:
    docs = base_docs()
    find(docs, kind, "consumer")["spec"]["deploymentServiceName"] = "producer"
    output, results = run(docs)
    field = "serviceTemplate" if kind == "DPUServiceTemplate" else "serviceConfiguration"
    assert brief(errors(results)) == [
        (
            "error",
            D,
            "demo",
            f"spec.services.consumer.{field}",
            f"service in {kind} {NS}/consumer doesn't match requested service in DPUDeployment",
        )
    ]
    assert results[0].condition == "PrerequisitesReady"
    assert children(output) == []


def test_a_bfb_that_is_not_ready_is_a_warning_when_its_status_says_so() -> None:
    docs = base_docs()
    find(docs, "BFB", "bf-bundle")["status"] = {"phase": "Downloading"}
    output, results = run(docs)
    assert brief(results) == [
        (
            "warning",
            "BFB",
            "bf-bundle",
            "status.phase",
            "BFB is not ready yet (status.phase is Downloading); rendering anyway",
        )
    ]
    assert results[0].condition == "PrerequisitesReady"
    assert len(children(output)) == 6


def test_a_template_whose_ready_condition_is_false_is_a_warning() -> None:
    docs = base_docs()
    find(docs, "DPUServiceTemplate", "producer")["status"] = {
        "conditions": [{"type": "Ready", "status": "False"}]
    }
    output, results = run(docs)
    assert [(r.severity, r.field, r.message) for r in results] == [
        (
            "warning",
            "status.conditions",
            "DPUServiceTemplate dpf/producer is not ready yet (its Ready condition is False); rendering anyway",
        )
    ]
    assert len(children(output)) == 6


def test_status_that_says_ready_or_nothing_is_silent() -> None:
    docs = base_docs()
    find(docs, "BFB", "bf-bundle")["status"] = {"phase": "Ready"}
    find(docs, "DPUServiceTemplate", "producer")["status"] = {
        "conditions": [{"type": "Ready", "status": "True"}]
    }
    _, results = run(docs)
    assert results == []


def test_an_invalid_prerequisite_is_named_as_invalid_not_missing() -> None:
    docs = base_docs()
    set_path(find(docs, "DPUServiceConfiguration", "producer"), ("spec", "interfaces", 0, "name"), "i" * 16)
    output, results = run(docs)
    assert [(r.severity, r.ref.kind if r.ref else "", r.field, r.condition) for r in results] == [
        ("error", D, "spec.services.producer.serviceConfiguration", "PrerequisitesReady"),
        ("info", D, "spec.services.producer.serviceConfiguration", "PrerequisitesReady"),
        ("error", "DPUServiceConfiguration", "spec.interfaces[0].name", "InputValid"),
    ]
    assert results[1].message == (
        "not checked for service producer because DPUServiceConfiguration dpf/producer has errors: chain ports"
    )
    assert (
        results[0].message
        == "cannot expand: DPUServiceConfiguration dpf/producer has errors (reported on it)"
    )
    assert children(output) == []


def test_other_deployments_still_render_when_one_misses_a_prerequisite() -> None:
    docs = base_docs()
    broken = find(docs, D, "demo")
    other: dict[str, Any] = {**broken, "metadata": {"name": "other", "namespace": NS}}
    other["spec"] = {**broken["spec"], "dpus": {**broken["spec"]["dpus"], "bfb": "missing"}}
    docs.append(other)
    output, results = run(docs)
    assert [(r.ref.name if r.ref else "", r.field) for r in errors(results)] == [("other", "spec.dpus.bfb")]
    # the pipeline returns what it could render; the callers refuse to write anything on an error
    assert {
        c["metadata"]["labels"]["svc.dpu.nvidia.com/owned-by-dpudeployment"] for c in children(output)
    } == {"dpf_demo"}


def test_a_template_whose_status_lags_its_generation_is_a_warning() -> None:
    docs = base_docs()
    template = find(docs, "DPUServiceTemplate", "producer")
    template["metadata"]["generation"] = 3
    template["status"] = {"observedGeneration": 2, "conditions": [{"type": "Ready", "status": "True"}]}
    output, results = run(docs)
    assert [(r.severity, r.field, r.message) for r in results] == [
        (
            "warning",
            "status.observedGeneration",
            (
                "DPUServiceTemplate dpf/producer is not ready yet (status.observedGeneration 2 is not "
                "metadata.generation 3); rendering anyway"
            ),
        )
    ]
    assert len(children(output)) == 6
