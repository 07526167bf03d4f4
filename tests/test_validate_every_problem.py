"""Every problem at once: what can still be determined after a failed stage is reported, and what cannot is said.

A user who fixes the problems of one run must not meet new ones in the next. So a missing or broken input
stops only the checks that need it: the versions of the templates present are matched, the resources of
the templates present are fitted (more templates only add to them), dependsOn names, chain ports and
templates are checked, and an info result says which check an unavailable input kept from running.
Nothing is emitted for a DPUDeployment with an error.
"""

from __future__ import annotations

from typing import Any

from .validation.fixtures import base_docs, brief, children, errors, find, run, set_path

D, T, C = "DPUDeployment", "DPUServiceTemplate", "DPUServiceConfiguration"
GETTING = "error while getting the DPUDeployment dependencies: error while getting"


def infos(results: list[Any]) -> list[tuple[str, str, str, str, str]]:
    return [b for b in brief(results) if b[0] == "info"]


def the_issue_s_five_problems() -> list[dict[str, Any]]:
    """A missing template, a deploymentServiceName mismatch, an unknown dependsOn, a version mismatch, a misfit."""
    docs = base_docs()
    deployment = find(docs, D, "demo")
    deployment["spec"]["services"]["cache"] = {"serviceTemplate": "cache", "serviceConfiguration": "cache"}
    cache = find(base_docs(), C, "producer")
    cache["metadata"]["name"] = cache["spec"]["deploymentServiceName"] = "cache"
    docs.append(cache)
    set_path(find(docs, C, "consumer"), ("spec", "deploymentServiceName"), "consumr")
    deployment["spec"]["services"]["consumer"]["dependsOn"].append({"name": "ghost"})
    producer = find(docs, T, "producer")
    set_path(producer, ("metadata", "annotations", "dpu.nvidia.com/doca-version"), ">= 3.0")
    set_path(producer, ("spec", "resourceRequirements", "cpu"), "3")
    return docs


def test_the_five_problems_of_the_issue_are_reported_in_one_run() -> None:
    output, results = run(the_issue_s_five_problems())
    assert brief(errors(results)) == [
        (
            "error",
            D,
            "demo",
            "spec.dpus.flavor",
            (
                "there are not enough resources for DPUServices to fit in this DPUDeployment:  Additional resources "
                "needed: [cpu: 2]"
            ),
        ),
        (
            "error",
            D,
            "demo",
            "spec.services.cache.serviceTemplate",
            (
                f"{GETTING} svc.dpu.nvidia.com/v1alpha1, Kind=DPUServiceTemplate dpf/cache: DPUServiceTemplate 'cache' "
                "not found among the inputs in namespace 'dpf'"
            ),
        ),
        (
            "error",
            D,
            "demo",
            "spec.services.consumer.dependsOn[1].name",
            "failed to sort DPUService: service consumer depends on ghost which is not defined in the DPUDeployment",
        ),
        (
            "error",
            D,
            "demo",
            "spec.services.consumer.serviceConfiguration",
            "service in DPUServiceConfiguration dpf/consumer doesn't match requested service in DPUDeployment",
        ),
        (
            "error",
            T,
            "producer",
            "metadata.annotations.dpu.nvidia.com/doca-version",
            (
                "version constraint for 'dpu.nvidia.com/doca-version' found in DPUServiceTemplate 'producer' is not "
                "satisfied by the version '2.9.1' found in the given BFB"
            ),
        ),
    ]
    assert infos(results) == [
        (
            "info",
            D,
            "demo",
            "spec.services.cache.serviceTemplate",
            (
                "not checked for service cache because DPUServiceTemplate dpf/cache is missing: version matching, "
                "resource fitting"
            ),
        ),
        (
            "info",
            D,
            "demo",
            "spec.services.consumer.serviceConfiguration",
            (
                "not checked for service consumer because DPUServiceConfiguration dpf/consumer is for service consumr: "
                "chain ports, templating"
            ),
        ),
    ]
    assert children(output) == []


def test_templates_present_that_fit_say_fitting_was_not_complete() -> None:
    docs = [d for d in base_docs() if not (d["kind"] == T and d["metadata"]["name"] == "consumer")]
    _, results = run(docs)
    assert [r.field for r in errors(results)] == ["spec.services.consumer.serviceTemplate"]
    assert infos(results) == [
        (
            "info",
            D,
            "demo",
            "spec.services.consumer.serviceTemplate",
            (
                "not checked for service consumer because DPUServiceTemplate dpf/consumer is missing: version "
                "matching, resource fitting"
            ),
        )
    ]


def test_a_missing_bfb_or_flavor_says_which_checks_it_stopped() -> None:
    docs = [d for d in base_docs() if d["kind"] not in ("BFB", "DPUFlavor")]
    set_path(find(docs, T, "producer"), ("metadata", "annotations", "dpu.nvidia.com/doca-version"), ">= 2.9")
    _, results = run(docs)
    assert [r.field for r in errors(results)] == ["spec.dpus.bfb", "spec.dpus.flavor"]
    assert infos(results) == [
        (
            "info",
            D,
            "demo",
            "spec.dpus.bfb",
            "not checked because BFB dpf/bf-bundle is missing: version matching",
        ),
        (
            "info",
            D,
            "demo",
            "spec.dpus.flavor",
            "not checked because DPUFlavor dpf/flavor is missing: resource fitting",
        ),
    ]


def test_a_missing_bfb_without_constraints_stops_nothing_else() -> None:
    docs = [d for d in base_docs() if d["kind"] != "BFB"]
    _, results = run(docs)
    assert [r.severity for r in results] == ["error"]


def test_chain_ports_and_templates_are_checked_while_a_prerequisite_is_missing() -> None:
    docs = [d for d in base_docs() if d["kind"] != "BFB"]
    deployment = find(docs, D, "demo")
    deployment["spec"]["serviceChains"]["switches"][0]["ports"].append(
        {"service": {"name": "producer", "interface": "eth9"}}
    )
    set_path(
        find(docs, C, "consumer"),
        ("spec", "serviceConfiguration", "helmChart", "values", "upstream"),
        "{{ .Services.producer.Port }}",
    )
    _, results = run(docs)
    assert [(r.ref.kind if r.ref else "", r.field, r.message) for r in errors(results)] == [
        (
            C,
            "spec.serviceConfiguration.helmChart.values.upstream",
            (
                "failed to template DPUService consumer: failed to template service configuration: failed to execute "
                "service configuration template: executing .Services.producer.Port at column 4: can't evaluate field "
                "Port in type controllers.TemplateDPUServiceConfigurationValuesParams"
            ),
        ),
        (
            D,
            "spec.dpus.bfb",
            (
                f"{GETTING} provisioning.dpu.nvidia.com/v1alpha1, Kind=BFB dpf/bf-bundle: BFB 'bf-bundle' not found "
                "among the inputs in namespace 'dpf'"
            ),
        ),
        (
            D,
            "spec.serviceChains.switches[0].ports[2].service.interface",
            (
                "interface eth9 is not declared by the DPUServiceConfiguration of service producer (declared: "
                "app_iface); the chain would select no DPUServiceInterface"
            ),
        ),
    ]


def test_a_template_error_reads_the_same_whether_or_not_the_deployment_can_be_planned() -> None:
    planned, unplanned = base_docs(), [d for d in base_docs() if d["kind"] != "BFB"]
    for docs in (planned, unplanned):
        set_path(
            find(docs, C, "consumer"),
            ("spec", "serviceConfiguration", "helmChart", "values", "upstream"),
            "{{ .Services.producer.Name | upper }}",
        )
    first = [r for r in run(planned)[1] if r.ref and r.ref.kind == C]
    second = [r for r in run(unplanned)[1] if r.ref and r.ref.kind == C]
    assert first == second
    assert len(first) == 1


def test_a_deployment_with_an_unknown_field_still_gets_its_other_problems_reported() -> None:
    docs = [d for d in base_docs() if not (d["kind"] == T and d["metadata"]["name"] == "producer")]
    deployment = find(docs, D, "demo")
    deployment["spec"]["dpus"]["dpuSets"][0]["dpuNodeSelectr"] = {"matchLabels": {"rack": "b"}}
    deployment["spec"]["services"]["consumer"]["dependsOn"].append({"name": "ghost"})
    output, results = run(docs)
    assert [r.field for r in errors(results)] == [
        "spec.dpus.dpuSets[0].dpuNodeSelectr",
        "spec.services.consumer.dependsOn[1].name",
        "spec.services.producer.serviceTemplate",
    ]
    assert children(output) == []


def test_a_deployment_that_cannot_be_read_stops_at_its_own_errors() -> None:
    docs = base_docs()
    set_path(find(docs, D, "demo"), ("spec", "services", "producer"), "producer")
    output, results = run(docs)
    assert [(r.severity, r.field) for r in results] == [("error", "spec.services.producer")]
    assert children(output) == []
