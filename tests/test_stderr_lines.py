"""stderr holds one line per problem, always: names, namespaces, fields, file names and parameters that
carry newlines, carriage returns, ANSI/OSC escapes, C1 controls or Unicode line separators cannot forge an
extra `error:` line or steer the terminal. They are printed escaped (`\\n`, `\\x1b`, `\\u2028`) instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin import krm, yamldump
from kustomize_plugin import results as R
from kustomize_plugin.index import Item

from .conftest import PRODUCER_CONSUMER, REPO, example_documents, run_dpf_render, tool_env

# What must never reach stderr raw: C0 controls (but the newline that ends a line), DEL, C1 controls and the
# Unicode line and paragraph separators.
CONTROLS = frozenset([*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\u2028", "\u2029"]) - {"\n"}
FORGED = "x\nerror: forged\r\x1b[31mred\x1b]0;title\x07\x85\u2028\u2029\x9b\x00"


def assert_one_line_each(stderr: str, problems: int | None = None) -> None:
    lines = stderr.split("\n")
    assert lines[-1] == "", repr(stderr)
    for line in lines[:-1]:
        assert not CONTROLS.intersection(line), repr(line)
        assert not line.startswith("error: forged"), repr(line)
    if problems is not None:
        assert len(lines) - 1 == problems, repr(stderr)


def test_a_result_line_escapes_control_characters() -> None:
    ref = R.ResourceRef("v1", "ConfigMap", "a\nb", "ns\x1b[2J", file_path="dir/x\u2028.yaml")
    result = R.error("bad value 'v\r\nerror: forged'", ref, "data.k\x85")
    assert result.line() == (
        "error: dir/x\\u2028.yaml: ConfigMap ns\\x1b[2J/a\\nb data.k\\x85: bad value 'v\\r\\nerror: forged'"
    )
    assert str(result).count("\n") == 0
    assert R.stderr_lines([result, result]).count("\n") == 2
    assert "\n" not in result.to_dict()["message"]
    assert R.printable("plain text, ünïcödé and tabs\tstay readable") == (
        "plain text, ünïcödé and tabs\\tstay readable"
    )


def krm_stderr(docs: list[Any]) -> tuple[str, list[R.Result]]:
    request = krm.Request()
    request.items = [Item(d, i) for i, d in enumerate(docs)]
    request.resource_list = True
    outcome = krm.decide(request, cwd=str(REPO))
    return R.stderr_lines(outcome.results), outcome.results


def hostile(docs: list[Any], where: str, text: str) -> list[Any]:
    docs = copy.deepcopy(docs)
    deployment = next(d for d in docs if d["kind"] == "DPUDeployment")
    template = next(d for d in docs if d["kind"] == "DPUServiceTemplate")
    if where == "name":
        deployment["metadata"]["name"] = text
    elif where == "namespace":
        for doc in docs:
            doc["metadata"]["namespace"] = text
    elif where == "service":
        services = deployment["spec"]["services"]
        services[text] = services.pop("producer")
    elif where == "field":
        deployment["spec"][text] = 1
    elif where == "template reference":
        deployment["spec"]["services"]["producer"]["serviceTemplate"] = text
    else:  # a label value in a template
        template["metadata"].setdefault("annotations", {})["dpu.nvidia.com/doca-version"] = text
    return docs


WHERE = ["name", "namespace", "service", "field", "template reference", "annotation"]


def test_hostile_names_in_the_krm_function_stay_on_their_lines() -> None:
    base = example_documents()
    for where in WHERE:
        stderr, results = krm_stderr(hostile(base, where, FORGED))
        shown = [r for r in results if r.severity in (R.ERROR, R.WARNING)]
        assert shown, where
        assert_one_line_each(stderr, len(shown))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(WHERE),
    text=st.text(
        alphabet=st.one_of(
            st.sampled_from(sorted(CONTROLS | {"\n", "e", "r", "o", ":", " ", "[", "m", ";"})),
            st.characters(codec="utf-8"),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_any_text_in_any_name_gives_one_line_per_problem(where: str, text: str) -> None:
    stderr, results = krm_stderr(hostile(BASE, where, text))
    assert_one_line_each(stderr, sum(r.severity in (R.ERROR, R.WARNING) for r in results))


BASE = example_documents()


def test_hostile_names_through_render_and_argocd(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for where in ("name", "service"):
        docs = hostile(BASE, where, FORGED)
        (folder / "all.yaml").write_text(yamldump.dump_stream(docs), encoding="utf-8")
        for args in (["render", str(folder)], ["argocd", "generate", str(folder)]):
            done = run_dpf_render(*args, env=tool_env(ARGOCD_APP_NAMESPACE="dpf"), cwd=tmp_path)
            stderr = done.stderr.decode()
            assert done.returncode == 1, stderr
            assert_one_line_each(stderr)
            assert "forged" in stderr  # reported, escaped


def test_hostile_file_names_and_parameters_stay_on_their_lines(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\nerror: forged\x1b[31m.yaml").write_text("a: [1\n", encoding="utf-8")
    done = run_dpf_render("render", str(folder), cwd=tmp_path)
    assert done.returncode == 1
    assert_one_line_each(done.stderr.decode(), 1)
    parameters = json.dumps([{"name": "x\nerror: forged\x1b]52;c;ZWNobw==\x07", "string": "a"}])
    env = tool_env(
        ARGOCD_APP_PARAMETERS=parameters, ARGOCD_APP_NAME="app\x1b[2J", ARGOCD_APP_SOURCE_PATH="p\n"
    )
    done = run_dpf_render("argocd", "generate", str(PRODUCER_CONSUMER), env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert_one_line_each(done.stderr.decode(), 2)  # the headline and the problem


def test_hostile_file_names_in_a_checked_folder_stay_on_their_lines(tmp_path: Path) -> None:
    rendered = tmp_path / "rendered"
    done = run_dpf_render("render", str(PRODUCER_CONSUMER), "-o", str(rendered), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    (rendered / "extra\nerror: forged\x1b[31m.yaml").write_text("kind: X\n", encoding="utf-8")
    done = run_dpf_render("check", str(PRODUCER_CONSUMER), "--against", str(rendered), cwd=tmp_path)
    assert done.returncode == 1
    assert_one_line_each(done.stderr.decode())


def test_usage_errors_quote_arguments_on_one_line(tmp_path: Path) -> None:
    done = run_dpf_render("plan", "a", "b", "c\nError: forged\x1b[31m", cwd=tmp_path)
    assert done.returncode == 2
    stderr = done.stderr.decode()
    assert not [line for line in stderr.splitlines() if line.startswith("Error: forged")], stderr
    assert "\x1b" not in stderr
