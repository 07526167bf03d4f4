"""`dpf-render describe`: golden trees and Mermaid graphs, with DPF's conditions as verdicts.

Each case is `tests/review/describe/<case>/input.yaml` with `tree.txt` and `mermaid.md`; regenerate them
with `.venv/bin/pytest tests/test_review_describe.py --update-golden`. `demo` and `wiring` render (`wiring`
with an in-cluster service, a dependsOn, a virtualNetwork and ipam ports); the others stop at a failing
condition, so later conditions are Unknown and no children are shown.

The e2e test parses every golden graph with mermaid.js itself: it needs `node` and a folder, named by
DPF_RENDER_MERMAID_DIR, where `npm install mermaid@11 jsdom` was run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .golden_util import assert_golden
from .review_helpers import run

CASES = Path(__file__).parent / "review" / "describe"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
EXIT_CODES = {"demo": 0, "missing-template": 1, "version-mismatch": 1, "wiring": 0}


def test_every_case_has_an_exit_code() -> None:
    assert sorted(EXIT_CODES) == CASE_NAMES


@pytest.mark.parametrize("case", CASE_NAMES)
def test_describe_tree_golden(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(CASES / case)
    code, out, err = run(["describe", "input.yaml"], capsys)
    assert code == EXIT_CODES[case]
    assert (err == "") is (code == 0)
    assert_golden(CASES / case / "tree.txt", out, update=update_golden)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_describe_mermaid_golden(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(CASES / case)
    code, out, _ = run(["describe", "input.yaml", "--mermaid"], capsys)
    assert code == EXIT_CODES[case]
    assert out.startswith("```mermaid\ngraph LR\n")
    assert out.endswith("```\n")
    assert_golden(CASES / case / "mermaid.md", out, update=update_golden)


def test_conditions_are_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["describe", str(CASES / "version-mismatch" / "input.yaml")], capsys)
    assert code == 1
    assert "│   ├── VersionMatchingReady        False\n" in out
    assert "│   ├── ResourceFittingReady        True\n" in out
    assert "│   ├── DPUServicesReconciled       Unknown\n" in out
    assert "is not satisfied by the version '2.9.1' found in the given BFB" in err


def test_no_deployment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cm.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n", encoding="utf-8")
    code, out, err = run(["describe", str(path)], capsys)
    assert (code, out, err) == (0, "No DPUDeployment in the inputs.\n", "")


def test_invalid_deployment_is_described(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "apiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUDeployment\nmetadata: {name: d, namespace: n}\nspec: {}\n",
        encoding="utf-8",
    )
    code, out, _ = run(["describe", str(path)], capsys)
    assert code == 1
    assert out.startswith("DPUDeployment n/d  Ready: False\n")
    assert "│   ├── InputValid                  False\n" in out
    assert "│   ├── PrerequisitesReady          Unknown\n" in out


def test_mermaid_labels_are_escaped() -> None:
    from kustomize_plugin.review.describe import _mermaid_text

    assert _mermaid_text('a "b" <c> #1<br/>') == "a #quot;b#quot; #lt;c#gt; #35;1<br/>"


def test_describe_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["describe", "--help"], capsys)
    assert code == 0
    assert "dpf-render describe examples/producer-consumer" in out


PARSE_MERMAID = """
import { createRequire } from "module";
import { pathToFileURL } from "url";
import fs from "fs";
const require = createRequire(process.env.DPF_RENDER_MERMAID_DIR + "/package.json");
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve("mermaid")).href);
const text = fs.readFileSync(0, "utf8");
const result = await mermaid.parse(text.replace(/^```mermaid\\n/, "").replace(/```\\n$/, ""));
console.log(result.diagramType);
"""


def _mermaid_dir() -> str:
    directory = os.environ.get("DPF_RENDER_MERMAID_DIR", "")
    found = (
        shutil.which("node")
        and directory
        and os.path.isdir(os.path.join(directory, "node_modules", "mermaid"))
    )
    if not found:
        message = "needs node and mermaid.js: npm install --prefix DIR mermaid@11 jsdom, then DPF_RENDER_MERMAID_DIR=DIR"
        if os.environ.get("DPF_RENDER_E2E") == "required":
            pytest.fail(message)
        pytest.skip(message)
    return directory


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASE_NAMES)
def test_mermaid_parses_with_mermaid_js(case: str, tmp_path: Path) -> None:
    _mermaid_dir()
    script = tmp_path / "parse.mjs"
    script.write_text(PARSE_MERMAID, encoding="utf-8")
    graph = (CASES / case / "mermaid.md").read_text(encoding="utf-8")
    done = subprocess.run(["node", str(script)], input=graph, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "flowchart-v2\n"


class _CountingList(list):  # type: ignore[type-arg]
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self) -> Any:
        type(self).walks += 1
        return super().__iter__()


def test_describe_walks_the_render_once_not_once_per_deployment() -> None:
    """A fleet of 1,000 DPUDeployments took 20 s when every one of them scanned all 14,000 rendered objects."""
    import importlib
    import sys

    from kustomize_plugin import pipeline
    from kustomize_plugin.config import RenderConfig
    from kustomize_plugin.index import Item
    from kustomize_plugin.review.describe import describe_render

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "scripts"))
    gen_fleet: Any = importlib.import_module("gen_fleet")
    items = [Item(obj, i) for i, obj in enumerate(gen_fleet.fleet(30))]
    rendering = pipeline.render(items, RenderConfig(), mode=pipeline.FINAL)
    rendering.kept = _CountingList(rendering.kept)
    rendering.results = _CountingList(rendering.results)
    _CountingList.walks = 0
    views, _ = describe_render(rendering)
    assert len(views) == 30
    assert all(len(v.dpusets) == 1 for v in views)
    assert _CountingList.walks <= 4
