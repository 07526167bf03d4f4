"""Golden cases: each folder under tests/golden/ is one behaviour, named after it.

A case holds `input.yaml` (a ResourceList for the KRM function, or a plain stream rendered as final
manifests), the exact `expected.yaml` output and, whenever anything is reported, `results.yaml`. Every case
is also checked to be stable: a second run gives the same bytes, and running on its own output changes
nothing. Every `examples/<name>/.expected/render.yaml` is a golden case too (`dpf-render render <example>`).
Rewrite with `scripts/update-golden.sh`.
"""

from __future__ import annotations

import io

import pytest

from kustomize_plugin import krm, pipeline, yamldump
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.output import execute_paths

from .conftest import REPO
from .golden_util import assert_absent, assert_golden

GOLDEN = REPO / "tests" / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.yaml").exists())
EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir() if (p / ".expected" / "render.yaml").exists())


def run_function(data: bytes) -> tuple[str, str, int]:
    """The KRM function in-process: (stdout, stderr, exit code)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = krm.main(io.BytesIO(data), stdout, stderr)
    return stdout.getvalue(), stderr.getvalue(), code


def results_text(data: bytes) -> str:
    """The results of a run as YAML, for results.yaml."""
    request = krm.parse_request(data)
    results = krm.decide(request, cwd=str(REPO)).results
    return yamldump.dump_document([r.to_dict() for r in results]) if results else ""


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 8, CASES


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, update_golden: bool) -> None:
    folder = GOLDEN / case
    data = (folder / "input.yaml").read_bytes()
    stdout, _, code = run_function(data)
    assert_golden(folder / "expected.yaml", stdout, update=update_golden)
    results = results_text(data)
    if results:
        assert_golden(folder / "results.yaml", results, update=update_golden)
    else:
        assert_absent(folder / "results.yaml", update=update_golden)
    expected_code = int((folder / "exit-code").read_text()) if (folder / "exit-code").exists() else 0
    assert code == expected_code

    again, _, _ = run_function(data)
    assert again == stdout, "a second run gave different bytes"
    if code == 0:
        if krm.parse_request(data).resource_list:
            rerun, _, rerun_code = run_function(stdout.encode())
            assert rerun_code == 0
            assert rerun == stdout, "running on its own output changed it"
        else:
            items = krm.parse_request(stdout.encode()).items
            rendering = pipeline.render(items, RenderConfig(allow_empty=True), mode=pipeline.FINAL)
            assert not [r for r in rendering.results if r.severity == "error"]
            assert yamldump.dump_stream(rendering.objects()) == stdout, "rendering its own output changed it"


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_renders_as_committed(example: str, update_golden: bool) -> None:
    outcome = execute_paths([str(REPO / "examples" / example)], RenderConfig())
    assert outcome.code == 0, [str(r) for r in outcome.results]
    assert outcome.rendering is not None
    docs = outcome.rendering.objects()
    assert_golden(
        REPO / "examples" / example / ".expected" / "render.yaml",
        yamldump.dump_stream(docs),
        update=update_golden,
    )
