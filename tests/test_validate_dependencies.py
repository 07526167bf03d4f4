"""dependsOn (docs/checks.md; DPF: `internal/dpuservice/controllers/dpudeployment_controller.go`): unknown names, self-reference, cycles, and the processing order.

DPF's messages for the first two; a cycle's message lists its members in dependsOn order, starting at the
smallest name. Services are processed dependencies first, ties broken by name.
"""

from __future__ import annotations

from typing import Any

import pytest

from kustomize_plugin import model
from kustomize_plugin.results import ResourceRef
from kustomize_plugin.validate.dependencies import order_services

from .validation.fixtures import base_docs, children, find, run


def deployment(depends: dict[str, list[str]]) -> model.Deployment:
    services: dict[str, Any] = {}
    for key, deps in depends.items():
        services[key] = {"serviceTemplate": key, "serviceConfiguration": key}
        if deps:
            services[key]["dependsOn"] = [{"name": d} for d in deps]
    obj = {
        "apiVersion": model.SVC_V1,
        "kind": "DPUDeployment",
        "metadata": {"name": "demo", "namespace": "dpf"},
        "spec": {
            "dpus": {
                "bfb": "b",
                "flavor": "f",
                "nodeEffect": {"drain": True},
                "dpuSetStrategy": {"type": "OnDelete"},
            },
            "services": services,
        },
    }
    view, results = model.read_deployment(model.Source(obj, ResourceRef.of(obj)))
    assert view is not None, results
    return view


ORDERS: list[tuple[str, dict[str, list[str]], list[str]]] = [
    ("dpf-no-deps", {"someservice": []}, ["someservice"]),
    ("dpf-one-dep", {"some-otherservice": ["someservice"], "someservice": []}, ["someservice", "some-otherservice"]),
    (
        "dpf-several",
        {"someservice": [], "someservice2": [], "some-otherservice": ["someservice", "someservice2"], "someservice3": ["some-otherservice"]},
        ["someservice", "someservice2", "some-otherservice", "someservice3"],
    ),
    ("ties-by-name", {"c": [], "b": [], "a": []}, ["a", "b", "c"]),
    ("dependency-first-even-if-its-name-is-later", {"a": ["z"], "z": []}, ["z", "a"]),
    ("diamond", {"d": ["b", "c"], "c": ["a"], "b": ["a"], "a": []}, ["a", "b", "c", "d"]),
    ("ready-set-by-name", {"x": ["m"], "m": [], "b": [], "y": ["x", "b"]}, ["b", "m", "x", "y"]),
    ("duplicate-dependency", {"a": ["b", "b"], "b": []}, ["b", "a"]),
]  # fmt: skip


@pytest.mark.parametrize(("depends", "order"), [o[1:] for o in ORDERS], ids=[o[0] for o in ORDERS])
def test_topological_order_with_ties_by_name(depends: dict[str, list[str]], order: list[str]) -> None:
    assert order_services(deployment(depends)) == (order, [])


def test_the_order_does_not_depend_on_the_input_order() -> None:
    depends = {"d": ["b", "c"], "c": ["a"], "b": ["a"], "a": []}
    reordered = dict(reversed(list(depends.items())))
    assert order_services(deployment(depends))[0] == order_services(deployment(reordered))[0]


ERRORS: list[tuple[str, dict[str, list[str]], list[tuple[str, str]]]] = [
    ("unknown", {"a": ["ghost"]}, [("spec.services.a.dependsOn[0].name", "failed to sort DPUService: service a depends on ghost which is not defined in the DPUDeployment")]),
    ("self", {"a": ["a"]}, [("spec.services.a.dependsOn[0].name", "failed to sort DPUService: service a cannot depend on itself")]),
    ("self-among-others", {"a": ["b", "a"], "b": []}, [("spec.services.a.dependsOn[1].name", "failed to sort DPUService: service a cannot depend on itself")]),
    ("two-cycle", {"a": ["b"], "b": ["a"]}, [("spec.services.a.dependsOn", "failed to sort DPUService: failed to sort Service: topo: no topological ordering: cyclic components: [[a b]] (dependsOn: a -> b -> a)")]),
    ("three-cycle", {"a": ["b"], "b": ["c"], "c": ["a"]}, [("spec.services.a.dependsOn", "failed to sort DPUService: failed to sort Service: topo: no topological ordering: cyclic components: [[a b c]] (dependsOn: a -> b -> c -> a)")]),
    ("three-cycle-the-other-way", {"a": ["c"], "c": ["b"], "b": ["a"]}, [("spec.services.a.dependsOn", "failed to sort DPUService: failed to sort Service: topo: no topological ordering: cyclic components: [[a c b]] (dependsOn: a -> c -> b -> a)")]),
    ("cycle-behind-a-dependent", {"a": ["x"], "x": ["y"], "y": ["x"]}, [("spec.services.x.dependsOn", "failed to sort DPUService: failed to sort Service: topo: no topological ordering: cyclic components: [[x y]] (dependsOn: x -> y -> x)")]),
    (
        "all-unknown-and-self-at-once",
        {"a": ["ghost", "a"], "b": ["phantom"]},
        [
            ("spec.services.a.dependsOn[0].name", "failed to sort DPUService: service a depends on ghost which is not defined in the DPUDeployment"),
            ("spec.services.a.dependsOn[1].name", "failed to sort DPUService: service a cannot depend on itself"),
            ("spec.services.b.dependsOn[0].name", "failed to sort DPUService: service b depends on phantom which is not defined in the DPUDeployment"),
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("depends", "expected"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_dependency_graphs(depends: dict[str, list[str]], expected: list[tuple[str, str]]) -> None:
    order, results = order_services(deployment(depends))
    assert order is None
    assert [(r.field, r.message) for r in results] == expected
    assert all(r.severity == "error" and r.condition == "DPUServicesReconciled" for r in results)


def test_a_cycle_renders_nothing_and_says_so_through_the_pipeline() -> None:
    docs = base_docs()
    find(docs, "DPUDeployment", "demo")["spec"]["services"]["producer"]["dependsOn"] = [{"name": "consumer"}]
    output, results = run(docs)
    assert [r.message for r in results] == [
        "failed to sort DPUService: failed to sort Service: topo: no topological ordering: cyclic components: [[consumer producer]] (dependsOn: consumer -> producer -> consumer)"
    ]
    assert children(output) == []
