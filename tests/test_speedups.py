"""kustomize_plugin/speedups.py and the parser choice: every fallback to a public module does the same.

The private modules are blocked the way a Python build without them would be (`sys.modules[name] = None`
makes their import fail), in a fresh interpreter, and the render is compared byte for byte.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin import output, speedups, yamlload

from .conftest import REPO, tool_env
from .yaml_data import documents, without_nan

# Inputs whose children carry every digest: services, interfaces, a chain, an in-cluster service's label hash.
CASES = [REPO / "tests" / "golden" / case / "input.yaml" for case in ("in-cluster-service", "new-shape")]
RENDER = """
import io, sys
for name in {blocked!r}:
    sys.modules[name] = None
from kustomize_plugin import krm, speedups
sys.stderr.write(f"{{speedups.sha256.__module__}} {{speedups.json_string.__module__}}\\n")
for path in {cases!r}:
    with open(path, "rb") as stdin:
        assert krm.main(stdin=stdin, stdout=sys.stdout, stderr=io.StringIO()) == 0
"""


def render(*blocked: str) -> tuple[str, str]:
    """The KRM function's output for CASES, and which SHA-256 and JSON string escaper it used."""
    code = RENDER.format(blocked=blocked, cases=[str(c) for c in CASES])
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=tool_env(), check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr.splitlines()[0]


def test_the_fallbacks_render_the_same_bytes() -> None:
    fast, used = render()
    assert used == "_sha256 _json"
    public, used = render("_sha256", "_sha2", "_json")
    assert not used.startswith("_sha"), used  # hashlib's (OpenSSL's) SHA-256
    assert used.endswith(" json.encoder"), used  # the json package's escaper
    assert fast.count("kind: DPUService\n") >= 2
    assert public == fast


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_json_string_is_json_dumps(value: str) -> None:
    assert speedups.json_string(value) == json.dumps(value, ensure_ascii=False)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents.filter(without_nan), st.sampled_from([True, False, None]))
def test_the_pure_python_parser_reads_what_libyaml_reads(doc: Any, flow: bool | None) -> None:
    assert yamlload.Parser is not yamlload.PurePythonParser, "PyYAML here has LibYAML"
    text = yaml.dump(doc, Dumper=yaml.CSafeDumper, default_flow_style=flow, allow_unicode=True)
    expected = yamlload.load_documents(text)
    original = yamlload.Parser
    yamlload.Parser = yamlload.PurePythonParser
    try:
        assert yamlload.load_documents(text) == expected
    finally:
        yamlload.Parser = original


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDC00", "\\U00110000"])
def test_both_parsers_refuse_an_escape_that_names_no_character(
    escape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f'a: "x{escape}y"\n'
    with pytest.raises(yamlload.YAMLInputError) as libyaml:
        yamlload.load_documents(text)
    monkeypatch.setattr(yamlload, "Parser", yamlload.PurePythonParser)
    with pytest.raises(yamlload.YAMLInputError) as pure:
        yamlload.load_documents(text)
    assert str(pure.value) == str(libyaml.value)
    assert "invalid Unicode character escape code" in str(pure.value)


class _Recording:
    """A stream that notes whether SIGTERM was held back while it was written to."""

    def __init__(self) -> None:
        self.held: list[bool] = []
        self.text = ""

    def write(self, text: str) -> None:
        self.held.append(signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, []))
        self.text += text

    def writelines(self, pieces: list[str]) -> None:
        for piece in pieces:
            self.write(piece)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("module", [speedups.signals, signal], ids=["_signal", "signal"])
def test_output_is_written_with_termination_signals_held_either_way(
    module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "signals", module)
    stream = _Recording()
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    output.write_whole(stream, ["a: 1\n", "---\n", "b: 2\n"])  # type: ignore[arg-type]
    assert stream.text == "a: 1\n---\nb: 2\n"
    assert stream.held == [True, True, True]
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
