"""results.py: a result's identity (equality, hashing and de-duplication agree), order and exit codes."""

from __future__ import annotations

import pytest

from kustomize_plugin import results as R
from kustomize_plugin.results import ResourceRef, Result

REF = ResourceRef(
    "svc.dpu.nvidia.com/v1alpha1", "DPUDeployment", "dep", "ns", file_path="a.yaml", file_index=0
)


def result(**changes: object) -> Result:
    fields: dict[str, object] = {
        "severity": R.ERROR,
        "message": "broken",
        "ref": REF,
        "field": "spec.x",
        "condition": R.PREREQUISITES,
    }
    fields.update(changes)
    condition = fields.pop("condition")
    return Result(**fields, condition=condition)  # type: ignore[arg-type]


# Pairs that differ in one part of what a result says; each part makes them different results.
DIFFERENT = {
    "condition": (result(), result(condition=R.VERSION_MATCHING)),
    "no condition": (result(), result(condition=None)),
    "severity": (result(), result(severity=R.WARNING)),
    "message": (result(), result(message="broken too")),
    "message with a line break vs its escape": (result(message="a\nb"), result(message="a\\nb")),
    "field": (result(), result(field="spec.y")),
    "field without a reference": (result(ref=None, field="spec.x"), result(ref=None, field="spec.y")),
    "apiVersion": (
        result(),
        result(ref=ResourceRef("v1", "DPUDeployment", "dep", "ns", file_path="a.yaml", file_index=0)),
    ),
    "file index": (
        result(),
        result(ref=ResourceRef(REF.api_version, REF.kind, "dep", "ns", file_path="a.yaml", file_index=1)),
    ),
}


@pytest.mark.parametrize(("a", "b"), DIFFERENT.values(), ids=DIFFERENT.keys())
def test_results_that_say_different_things_are_different(a: Result, b: Result) -> None:
    assert a != b
    assert len({a, b}) == 2
    assert len(R.sort_results([a, b, a, b])) == 2


def test_equal_results_hash_alike_and_are_kept_once() -> None:
    a, b = (
        result(),
        result(ref=ResourceRef(REF.api_version, REF.kind, "dep", "ns", file_path="a.yaml", file_index=0)),
    )
    assert a == b
    assert hash(a) == hash(b)
    assert R.sort_results([b, a]) == [b]


def test_the_order_does_not_depend_on_the_input_order() -> None:
    every = [r for pair in DIFFERENT.values() for r in pair]
    assert R.sort_results(every) == R.sort_results(list(reversed(every)))


def test_exit_codes_are_distinct() -> None:
    codes = [R.EXIT_OK, R.EXIT_INPUT_ERROR, R.EXIT_USAGE, R.EXIT_BUG, R.EXIT_DISRUPTIVE]
    assert len(set(codes)) == len(codes)
