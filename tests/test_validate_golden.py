"""Error goldens: each folder under tests/validation/cases/ is a bad input and exactly what dpf-render says.

`input.yaml` is a plain stream rendered as `dpf-render render` does; `results.yaml` holds the KRM results
and `stderr.txt` the lines printed, both rewritten by `pytest tests/test_validate_golden.py --update-golden`. Every
case must fail (exit 1) and produce nothing; the same input as a KRM ResourceList gives the same results,
with the input items returned unchanged.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import krm, yamldump, yamlload
from kustomize_plugin import results as R
from kustomize_plugin.config import RenderConfig
from kustomize_plugin.output import execute_paths

from .conftest import REPO
from .golden_util import assert_golden

CASES_DIR = REPO / "tests" / "validation" / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "input.yaml").exists())


def test_there_are_error_cases() -> None:
    assert {"five-problems", "many-problems", "every-stage-at-once"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_error_case(case: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    relative = str(Path("tests") / "validation" / "cases" / case / "input.yaml")
    outcome = execute_paths([relative], RenderConfig())
    results = outcome.results
    assert outcome.code == R.EXIT_INPUT_ERROR
    folder = CASES_DIR / case
    assert_golden(
        folder / "results.yaml", yamldump.dump_document([r.to_dict() for r in results]), update=update_golden
    )
    assert_golden(folder / "stderr.txt", R.stderr_lines(results), update=update_golden)


@pytest.mark.parametrize("case", CASES)
def test_error_case_as_a_resource_list(case: str) -> None:
    path = f"tests/validation/cases/{case}/input.yaml"
    docs = yamlload.load_documents((CASES_DIR / case / "input.yaml").read_text(), source=path)
    items: list[dict[str, Any]] = []
    for index, doc in enumerate(docs):
        annotations = doc.setdefault("metadata", {}).setdefault("annotations", {})
        annotations.update({"config.kubernetes.io/path": path, "config.kubernetes.io/index": str(index)})
        items.append(doc)
    request = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}
    stdout, stderr = io.StringIO(), io.StringIO()
    code = krm.main(io.BytesIO(yamldump.dump_document(request).encode()), stdout, stderr)
    assert code == R.EXIT_INPUT_ERROR
    answer = yamlload.load_documents(stdout.getvalue())[0]
    assert answer["items"] == items  # unchanged: no partial output
    expected = yamlload.load_documents((CASES_DIR / case / "results.yaml").read_text())[0]
    assert [_without_index(r) for r in answer["results"]] == [_without_index(r) for r in expected]
    assert stderr.getvalue() == (CASES_DIR / case / "stderr.txt").read_text()


def _without_index(result: dict[str, Any]) -> dict[str, Any]:
    """The document index is known from the path annotations in KRM mode and from the file otherwise."""
    out = dict(result)
    if "file" in out:
        out["file"] = {"path": out["file"]["path"]}
    return out
