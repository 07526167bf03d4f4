"""ResourceFittingReady (docs/checks.md): DPF's `verifyResourceFitting` table and its exact message.

Allocatable = dpuResources - systemReservedResources; requested = the sum of every template's
resourceRequirements; quantities are exact Kubernetes quantities, printed in their canonical form.
"""

from __future__ import annotations

from typing import Any

import pytest

from .validation.fixtures import DELETE, PROV, base_docs, children, errors, find, run, set_path

D, T, FLAVOR = "DPUDeployment", "DPUServiceTemplate", "DPUFlavor"
PREFIX = "there are not enough resources for DPUServices to fit in this DPUDeployment:  Additional resources needed: "


def with_resources(
    dpu: dict[str, Any] | None,
    reserved: dict[str, Any] | None,
    producer: dict[str, Any],
    consumer: dict[str, Any],
) -> list[dict[str, Any]]:
    docs = base_docs()
    flavor = find(docs, FLAVOR, "flavor")
    flavor["spec"] = {
        k: v for k, v in (("dpuResources", dpu), ("systemReservedResources", reserved)) if v is not None
    }
    find(docs, T, "producer")["spec"]["resourceRequirements"] = producer
    find(docs, T, "consumer")["spec"]["resourceRequirements"] = consumer
    return docs


ONE = {"cpu": "1", "memory": "1Gi"}
# id, dpuResources, systemReservedResources, producer, consumer, the missing list (None: fits)
TABLE: list[tuple[str, Any, Any, dict[str, Any], dict[str, Any], str | None]] = [
    ("no-dpu-resources", None, None, {"cpu": "100"}, {}, None),
    ("empty-dpu-resources", {}, {"cpu": "1"}, {"cpu": "100"}, {}, None),
    ("fits-without-system-reserved", {"cpu": "3", "memory": "3Gi"}, None, ONE, ONE, None),
    ("fits-with-room", {"cpu": "16", "memory": "32Gi"}, {"cpu": "2", "memory": "4Gi"}, ONE, ONE, None),
    ("exact-fit", {"cpu": "3", "memory": "3Gi"}, {"cpu": "1", "memory": "1Gi"}, ONE, ONE, None),
    ("does-not-fit", {"cpu": "3", "memory": "3Gi"}, {"cpu": "1", "memory": "1Gi"}, {"cpu": "2", "memory": "2Gi"}, ONE, "[cpu: 1 memory: 1Gi]"),
    ("requested-resource-missing-from-flavor", {"cpu": "3"}, None, ONE, ONE, "[memory: 2Gi]"),
    ("extended-resource-missing", {"cpu": "8", "memory": "8Gi"}, None, {"nvidia.com/bf_sf": 3}, {}, "[nvidia.com/bf_sf: 3]"),
    ("canonical-quantities", {"cpu": "2", "memory": "1Gi"}, None, {"cpu": "1500m", "memory": "768Mi"}, {"cpu": "1", "memory": "0.5Gi"}, "[cpu: 500m memory: 256Mi]"),
    ("integers-and-strings-add-up", {"cpu": 4}, None, {"cpu": 2}, {"cpu": "2"}, None),
    ("status-test-cpu-5-vs-6", {"cpu": "5"}, None, {"cpu": "6"}, {}, "[cpu: 1]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("dpu", "reserved", "producer", "consumer", "missing"), [t[1:] for t in TABLE], ids=[t[0] for t in TABLE]
)
def test_dpf_resource_fitting_table(
    dpu: Any, reserved: Any, producer: dict[str, Any], consumer: dict[str, Any], missing: str | None
) -> None:
    output, results = run(with_resources(dpu, reserved, producer, consumer))
    if missing is None:
        assert results == []
        assert len(children(output)) == 6
        return
    assert [(r.severity, r.ref.kind if r.ref else "", r.field, r.message) for r in results] == [
        ("error", D, "spec.dpus.flavor", PREFIX + missing)
    ]
    assert results[0].condition == "ResourceFittingReady"
    assert children(output) == []


def test_the_message_is_dpf_s_byte_for_byte() -> None:
    docs = with_resources(
        {"cpu": "3", "memory": "3Gi"}, {"cpu": "1", "memory": "1Gi"}, {"cpu": "2", "memory": "2Gi"}, ONE
    )
    _, results = run(docs)
    assert results[0].message == (
        "there are not enough resources for DPUServices to fit in this DPUDeployment:  "
        "Additional resources needed: [cpu: 1 memory: 1Gi]"
    )


def test_reserved_more_than_the_dpu_has_cannot_be_calculated() -> None:
    _, results = run(with_resources({"cpu": "2"}, {"cpu": "3", "memory": "1Gi"}, ONE, {}))
    assert [(r.ref.kind if r.ref else "", r.field) for r in results] == [
        (FLAVOR, "spec.systemReservedResources.cpu"),
        (FLAVOR, "spec.systemReservedResources.memory"),
    ]
    assert all(r.message.startswith("can't calculate available DPU resources: ") for r in results)
    assert all(r.condition == "ResourceFittingReady" for r in results)


def flavor_template(resources: dict[str, Any]) -> list[dict[str, Any]]:
    docs = [d for d in base_docs() if d["kind"] != FLAVOR]
    docs.append(
        {
            "apiVersion": PROV,
            "kind": "DPUFlavorTemplate",
            "metadata": {"name": "per-dpu", "namespace": "dpf"},
            "spec": {"template": {"spec": {"dpuResources": resources}}},
        }
    )
    dpus = find(docs, D, "demo")["spec"]["dpus"]
    dpus.pop("flavor")
    dpus["flavorTemplate"] = "per-dpu"
    return docs


def test_a_flavor_template_whose_resources_fit() -> None:
    _, results = run(flavor_template({"cpu": "2", "memory": "2Gi"}))
    assert results == []


def test_a_flavor_template_whose_resources_do_not_fit() -> None:
    _, results = run(flavor_template({"cpu": "1", "memory": "2Gi"}))
    assert [(r.field, r.message) for r in results] == [("spec.dpus.flavorTemplate", PREFIX + "[cpu: 1]")]


def test_service_daemon_set_resources_are_not_counted() -> None:
    docs = base_docs()  # an exact fit already
    set_path(
        find(docs, "DPUServiceConfiguration", "producer"),
        ("spec", "serviceConfiguration", "serviceDaemonSet", "resources"),
        {"cpu": "64"},
    )
    _, results = run(docs)
    assert results == []


def test_a_quantity_the_crd_accepts_but_kubernetes_cannot_hold_is_reported() -> None:
    docs = base_docs()
    set_path(find(docs, T, "producer"), ("spec", "resourceRequirements", "cpu"), "1e100000")
    set_path(find(docs, T, "consumer"), ("spec", "resourceRequirements"), DELETE)
    _, results = run(docs)
    assert [(r.ref.kind if r.ref else "", r.field, r.condition) for r in errors(results)] == [
        (T, "spec.resourceRequirements.cpu", "ResourceFittingReady")
    ]
