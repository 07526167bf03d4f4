"""Bad inputs through the real commands: clear lines on stderr, exit 1, and nothing else.

A bad input never produces a traceback, never exit 3 (which means a bug in dpf-render) and never partial
output: `dpf-render render` writes nothing on stdout (and no output folder), the KRM function answers with
its input items unchanged plus the results.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kustomize_plugin import yamldump, yamlload

from .conftest import REPO, run_dpf_render

CASES = REPO / "tests" / "validation" / "cases"
FIVE = "tests/validation/cases/five-problems/input.yaml"
LINE = re.compile(
    r"^error: (?P<file>\S+): (?P<kind>\w+) (?P<ns>[a-z0-9-]+)/(?P<name>\S+) (?P<field>\S+): (?P<message>.+)$"
)


def test_five_problems_print_five_clear_error_lines_and_exit_1() -> None:
    done = run_dpf_render("render", FIVE, cwd=REPO)
    assert done.returncode == 1
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 5, lines
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert {(m["file"], m["kind"], m["ns"], m["name"]) for m in parsed if m} == {
        (FIVE, "DPUDeployment", "dpf", "perimeter-firewall-prod")
    }
    assert [m["field"] for m in parsed if m] == [
        "metadata.name",
        "spec.dpus.dpuSetStrategy.type",
        "spec.dpus.dpuSets[0].dpuAnnotations.dpu.nvidia.com/reboot-policy",
        "spec.dpus.nodeEffect",
        "spec.serviceChains.switches[0].serviceMTU",
    ]


def test_five_problems_write_no_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    done = run_dpf_render("render", FIVE, "-o", str(out), cwd=REPO)
    assert done.returncode == 1
    assert done.stdout == b""
    assert not out.exists()


def test_the_krm_function_returns_the_items_unchanged_with_every_result() -> None:
    docs = yamlload.load_documents((REPO / FIVE).read_text())
    for index, doc in enumerate(docs):
        doc["metadata"]["annotations"] = {
            "config.kubernetes.io/path": "five.yaml",
            "config.kubernetes.io/index": str(index),
        }
    request = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": docs}
    done = run_dpf_render(stdin=yamldump.dump_document(request).encode())
    assert done.returncode == 1
    answer = yamlload.load_documents(done.stdout.decode())[0]
    assert answer["items"] == docs
    results = answer["results"]
    assert len(results) == 5
    for result in results:
        assert result["severity"] == "error"
        assert result["resourceRef"] == {
            "apiVersion": "svc.dpu.nvidia.com/v1alpha1",
            "kind": "DPUDeployment",
            "name": "perimeter-firewall-prod",
            "namespace": "dpf",
        }
        assert result["field"]["path"]
        assert result["file"] == {"path": "five.yaml", "index": 4}
        assert result["tags"] == {"condition": "InputValid"}
    assert len(done.stderr.decode().splitlines()) == 5


def test_many_problems_are_all_printed() -> None:
    done = run_dpf_render("render", "tests/validation/cases/many-problems/input.yaml", cwd=REPO)
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode() == (CASES / "many-problems" / "stderr.txt").read_text()
    conditions = {
        r["tags"]["condition"]
        for r in yamlload.load_documents((CASES / "many-problems" / "results.yaml").read_text())[0]
    }
    assert conditions == {
        "InputValid",
        "PrerequisitesReady",
        "VersionMatchingReady",
        "ResourceFittingReady",
        "DPUServicesReconciled",
        "DPUServiceChainsReconciled",
    }


HEAD = "apiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUDeployment\nmetadata: {name: d, namespace: dpf}\n"
TEMPLATE = (
    "apiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUServiceTemplate\nmetadata: {name: t, namespace: dpf}\n"
)
BAD: list[tuple[str, str]] = [
    ("spec-a-number", HEAD + "spec: 5\n"),
    ("spec-a-list", HEAD + "spec: [1, 2]\n"),
    ("services-a-list", HEAD + "spec: {dpus: {bfb: b, flavor: f}, services: [a, b]}\n"),
    ("service-keys-not-strings", HEAD + "spec: {dpus: {bfb: b, flavor: f}, services: {1: {serviceTemplate: t, serviceConfiguration: c}}}\n"),
    ("null-everywhere", HEAD + "spec: {dpus: null, services: {a: null}, serviceChains: {switches: [null]}}\n"),
    ("chains-deep-garbage", HEAD + "spec: {dpus: {bfb: b, flavor: f}, services: {a: {serviceTemplate: t, serviceConfiguration: c}}, serviceChains: [{ports: [{service: [x]}, 7, {serviceInterface: {matchLabels: [1]}}]}]}\n"),
    ("template-values-a-string", TEMPLATE + "spec: {deploymentServiceName: t, helmChart: {source: {repoURL: 'https://x', version: '1'}, values: 'a: b'}}\n"),
    ("name-a-number", "apiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUDeployment\nmetadata: {name: 5, namespace: dpf}\nspec: {}\n"),
    ("metadata-a-list", "apiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUDeployment\nmetadata: [1]\n"),
    ("not-yaml", "spec: {dpus: [\n"),
    ("a-scalar-document", "just text\n"),
]  # fmt: skip


@pytest.mark.parametrize("text", [b[1] for b in BAD], ids=[b[0] for b in BAD])
@pytest.mark.parametrize("mode", ["render", "function"])
def test_a_bad_input_is_exit_1_never_a_traceback(text: str, mode: str, tmp_path: Path) -> None:
    if mode == "render":
        path = tmp_path / "input.yaml"
        path.write_text(text)
        done = run_dpf_render("render", str(path))
        assert done.stdout == b""
    else:
        done = run_dpf_render(stdin=text.encode())
        assert done.stdout == b""  # a plain stream in: nothing out on failure
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert "internal error" not in stderr
    assert stderr.startswith("error: ")
