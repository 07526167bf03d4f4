"""Templating of a dependent service's values and chain ports (docs/checks.md; DPF templates with
`internal/dpuservice/templates/templates.go`).

Only a service with dependsOn is templated, only its configuration's helm values, with data restricted to
its dependencies; a missing key or an unsupported construct is an error naming the value. A chain port that
names an unknown service, or an interface the service's configuration does not declare, is an error (DPF
would build a selector that matches nothing).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .validation.fixtures import base_docs, children, find, run

C, D = "DPUServiceConfiguration", "DPUDeployment"
VALUES = "spec.serviceConfiguration.helmChart.values"
DELIMITER = "svc.dpu.nvidia.com/template-delimiter"


def consumer_values(values: dict[str, Any], *, delimiter: str | None = None) -> list[dict[str, Any]]:
    docs = base_docs()
    configuration = find(docs, C, "consumer")
    configuration["spec"]["serviceConfiguration"]["helmChart"]["values"] = values
    if delimiter is not None:
        configuration["metadata"]["annotations"] = {DELIMITER: delimiter}
    return docs


def rendered_values(output: list[Any], service: str) -> dict[str, Any]:
    service_object = next(
        c
        for c in children(output)
        if c["kind"] == "DPUService"
        and c["metadata"]["labels"]["svc.dpu.nvidia.com/dpudeployment-service"] == service
    )
    values: dict[str, Any] = service_object["spec"]["helmChart"]["values"]
    return values


def producer_name(output: list[Any]) -> str:
    names = [c["metadata"]["name"] for c in children(output) if c["kind"] == "DPUService"]
    return str(next(n for n in names if n.startswith("producer-")))


# id, values, field under the values, DPF's stage (text/template parse or execute), the message's detail
FAILING: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("missing-service", {"upstream": "{{ .Services.missing.Name }}"}, "upstream", "execute", 'map has no entry for key "missing"'),
    ("missing-field", {"upstream": "{{ .Services.producer.Port }}"}, "upstream", "execute", "can't evaluate field Port in type controllers.TemplateDPUServiceConfigurationValuesParams"),
    # Go's index takes maps, slices and arrays, not structs: DPF cannot index a service's fields.
    ("index-a-struct", {"upstream": '{{ index .Services "producer" "Name" }}'}, "upstream", "execute", "error calling index: can't index item of type controllers.TemplateDPUServiceConfigurationValuesParams"),
    ("print-a-struct", {"upstream": '{{ index .Services "producer" }}'}, "upstream", "execute", "the result is a controllers.TemplateDPUServiceConfigurationValuesParams, not a string"),
    ("env-is-not-there", {"home": '{{ env "HOME" }}'}, "home", "parse", 'unsupported construct "env"'),
    ("range", {"all": "{{ range .Services }}x{{ end }}"}, "all", "parse", 'unsupported construct "range"'),
    ("pipeline", {"loud": "{{ .Services.producer.Name | upper }}"}, "loud", "parse", 'unsupported construct "|"'),
    ("printf", {"p": '{{ printf "%s" .Services.producer.Name }}'}, "p", "parse", 'unsupported construct "printf"'),
    ("unclosed", {"u": "{{ .Services.producer.Name"}, "u", "parse", "unclosed action"),
    ("dpf-bad-delimiters", {"param2": "{{{{.param2}}}}"}, "param2", "parse", 'unexpected character "{"'),
    ("nested-list", {"list": [{"deep": "{{ .Services.nope.Name }}"}]}, "list[0].deep", "execute", 'map has no entry for key "nope"'),
    ("a-key", {"{{ .Services.nope.Name }}": "x"}, "{{ .Services.nope.Name }}", "execute", 'map has no entry for key "nope"'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field", "stage", "detail"), [f[1:] for f in FAILING], ids=[f[0] for f in FAILING]
)
def test_a_template_error_names_the_value_and_renders_nothing(
    values: dict[str, Any], field: str, stage: str, detail: str
) -> None:
    output, results = run(consumer_values(values))
    assert len(results) == 1, [str(r) for r in results]
    result = results[0]
    assert result.ref is not None
    assert (result.severity, result.ref.kind, result.ref.name, result.field) == (
        "error",
        C,
        "consumer",
        f"{VALUES}.{field}",
    )
    assert result.message.startswith(
        "failed to template DPUService consumer: failed to template service configuration: "
        f"failed to {stage} service configuration template: "
    )
    assert detail in result.message
    assert result.condition == "DPUServicesReconciled"
    assert children(output) == []


def test_only_the_listed_dependencies_are_visible() -> None:
    docs = consumer_values({"upstream": "{{ .Services.other.Name }}"})
    for kind in ("DPUServiceTemplate", C):
        other = copy.deepcopy(find(docs, kind, "producer"))
        other["metadata"]["name"] = other["spec"]["deploymentServiceName"] = "other"
        other["spec"].pop("resourceRequirements", None)  # keep the flavor's exact fit
        docs.append(other)
    deployment = find(docs, D, "demo")
    deployment["spec"]["services"]["other"] = {"serviceTemplate": "other", "serviceConfiguration": "other"}
    _, results = run(docs)
    assert [(r.field, 'map has no entry for key "other"' in r.message) for r in results] == [
        (f"{VALUES}.upstream", True)
    ]


def test_every_template_error_is_reported_at_once() -> None:
    _, results = run(consumer_values({"a": "{{ .Services.x.Name }}", "b": {"c": '{{ env "PATH" }}'}}))
    assert [r.field for r in results] == [f"{VALUES}.a", f"{VALUES}.b.c"]


def test_hbn_style_values_survive_with_hash_delimiters() -> None:
    values = {
        "startupYAMLJ2": "address:\n  {{ ipaddresses.ip_lo.ip }}/32: {}\nenable: ## .Services.producer.Name ##\n",
        "peer": "{{ config.bgp_peer_group }}",
    }
    output, results = run(consumer_values(values, delimiter="##,##"))
    assert results == []
    rendered = rendered_values(output, "consumer")
    name = producer_name(output)
    assert (
        rendered["startupYAMLJ2"] == f"address:\n  {{{{ ipaddresses.ip_lo.ip }}}}/32: {{}}\nenable: {name}\n"
    )
    assert rendered["peer"] == "{{ config.bgp_peer_group }}"


@pytest.mark.parametrize("annotation", ["[[,]],x", "only-one", ""])
def test_a_delimiter_annotation_without_two_parts_keeps_the_defaults(annotation: str) -> None:
    output, results = run(
        consumer_values({"a": "{{ .Services.producer.Name }}", "b": "[[ x ]]"}, delimiter=annotation)
    )
    assert results == []
    assert rendered_values(output, "consumer") == {
        "a": producer_name(output),
        "b": "[[ x ]]",
        "image": {"tag": "1.0"},
    }


def test_rendered_numbers_stay_strings_and_untemplated_numbers_stay_numbers() -> None:
    values = {
        "port": '{{ "8080" }}',
        "namespace": "{{ .Services.producer.Namespace }}",
        "rate": 5000,
        "on": True,
    }
    output, results = run(consumer_values(values))
    assert results == []
    rendered = rendered_values(output, "consumer")
    assert rendered["port"] == "8080"
    assert rendered["namespace"] == "dpf"
    assert rendered["rate"] == 5000
    assert rendered["on"] is True


def test_index_trimming_and_keys_are_rendered() -> None:
    values = {
        "{{ .Services.producer.Name }}-url": 'http://{{- (index .Services "producer").Name -}}  .svc',
    }
    output, results = run(consumer_values(values))
    assert results == []
    name = producer_name(output)
    assert rendered_values(output, "consumer")[f"{name}-url"] == f"http://{name}.svc"


def test_a_service_without_depends_on_is_never_templated() -> None:
    docs = base_docs()
    values = {"raw": "{{ .Services.missing.Name }} {{ range }}"}
    find(docs, C, "producer")["spec"]["serviceConfiguration"]["helmChart"]["values"] = values
    output, results = run(docs)
    assert results == []
    assert rendered_values(output, "producer")["raw"] == values["raw"]


def test_a_dependent_service_without_values_is_fine() -> None:
    docs = base_docs()
    del find(docs, C, "consumer")["spec"]["serviceConfiguration"]["helmChart"]
    _, results = run(docs)
    assert results == []


# --------------------------------------------------------------------------------------------------------
# chain ports


def with_port(service: str, interface: str, *, old_shape: bool = False) -> list[dict[str, Any]]:
    docs = base_docs()
    chains = find(docs, D, "demo")["spec"]["serviceChains"]
    chains["switches"][0]["ports"][1] = {"service": {"name": service, "interface": interface}}
    if old_shape:
        find(docs, D, "demo")["spec"]["serviceChains"] = chains["switches"]
    return docs


PORT = "spec.serviceChains.switches[0].ports[1].service"
CHAINS: list[tuple[str, list[dict[str, Any]], str, str]] = [
    ("unknown-service", with_port("ghost", "app_iface"), f"{PORT}.name", "service ghost not found in patched services: the port names a service that is not in spec.services"),
    ("undeclared-interface", with_port("consumer", "eth9"), f"{PORT}.interface", "interface eth9 is not declared by the DPUServiceConfiguration of service consumer (declared: app_iface); the chain would select no DPUServiceInterface"),
    ("old-shape-unknown-service", with_port("ghost", "app_iface", old_shape=True), "spec.serviceChains[0].ports[1].service.name", "service ghost not found in patched services: the port names a service that is not in spec.services"),
]  # fmt: skip


@pytest.mark.parametrize(("docs", "field", "message"), [c[1:] for c in CHAINS], ids=[c[0] for c in CHAINS])
def test_a_port_that_selects_nothing_is_an_error(
    docs: list[dict[str, Any]], field: str, message: str
) -> None:
    output, results = run(docs)
    assert [(r.severity, r.ref.kind if r.ref else "", r.field, r.message) for r in results] == [
        ("error", D, field, message)
    ]
    assert results[0].condition == "DPUServiceChainsReconciled"
    assert children(output) == []


def test_an_in_cluster_service_has_no_interface_for_a_port() -> None:
    docs = with_port("consumer", "app_iface")
    configuration = find(docs, C, "consumer")
    del configuration["spec"]["interfaces"]
    configuration["spec"]["serviceConfiguration"]["deployInCluster"] = True
    _, results = run(docs)
    assert [r.message for r in results] == [
        (
            "interface app_iface is not declared by the DPUServiceConfiguration of service consumer "
            "(declared: none); the chain would select no DPUServiceInterface"
        )
    ]


def test_every_bad_port_is_reported_at_once() -> None:
    docs = with_port("ghost", "app_iface")
    find(docs, D, "demo")["spec"]["serviceChains"]["switches"].append(
        {"ports": [{"service": {"name": "producer", "interface": "eth1"}}]}
    )
    _, results = run(docs)
    assert [r.field for r in results] == [
        f"{PORT}.name",
        "spec.serviceChains.switches[1].ports[0].service.interface",
    ]
