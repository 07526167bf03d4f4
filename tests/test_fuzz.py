"""Property-based fuzzing of every entry point with mutated valid inputs, and the corpus of past exit-3 inputs.

Each example takes a valid input (the bundled example, a golden case, or a generated fleet namespace),
applies a few mutations (drop a field, give it another type or a hostile string, duplicate a list entry or
an object, rename a key, swap two strings, which swaps references) and runs it: through the KRM function as
kustomize would (a ResourceList in, a ResourceList out), and through `render` (stream and `-o`), `argocd
generate`, `check`, `plan` and `describe`. Whatever the mutation, the run ends in success or in results that
name the object they are about (resourceRef), with stderr one line per problem; never an internal error
(exit 3), a traceback or a hang. A successful output, fed back, renders to the same bytes (a render of
its own output replaces the children it rendered before and changes nothing), and a folder `render -o` wrote passes `check`.

2,000 KRM examples and 300 across the other commands run in process (a SIGALRM guard turns a hang into a
failure), a few through the real console script. In CI (CI=true) the examples are derandomised, so a run is
reproducible; locally each run explores new ones. `tests/fuzz_corpus/` keeps every input that ever ended in
exit 3, each run through the console script on the path it broke.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import os
import signal
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kustomize_plugin import krm, yamldump, yamlload

from .conftest import REPO, example_documents, run_dpf_render, tool_env
from .test_stderr_lines import CONTROLS

pytestmark = pytest.mark.slow  # thousands of generated inputs through every command

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

sys.path.insert(0, str(REPO / "scripts"))
gen_fleet: Any = importlib.import_module("gen_fleet")  # the benchmark's fleet generator, a script

IN_CI = bool(os.environ.get("CI"))
HANG_GUARD_SECONDS = 20


def _bases() -> list[list[Any]]:
    bases = [example_documents()]
    for path in sorted((REPO / "tests" / "golden").glob("*/input.yaml")):
        docs = yamlload.load_documents(path.read_text(encoding="utf-8"))
        if any(isinstance(d, dict) and d.get("kind") == "DPUDeployment" for d in docs):
            bases.append(docs)
    _, namespace = next(gen_fleet.namespaces(2, constraint=True))
    bases.append(namespace)
    return bases


BASES = _bases()
FUNCTION_CONFIGS: list[Any] = [
    None,
    {"apiVersion": "dpf-render.io/v1alpha1", "kind": "DPUDeploymentRender", "spec": {"allowEmpty": True}},
    {
        "apiVersion": "dpf-render.io/v1alpha1",
        "kind": "DPUDeploymentRender",
        "spec": {"argocd": {"syncWaves": True, "syncOptions": True}, "bfbVersions": {"bf-bundle": "2.9.1"}},
    },
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fc"}, "data": {"keepInputs": "true"}},
]
REPLACEMENTS: list[Any] = [
    None,
    0,
    -1,
    3.5,
    True,
    "",
    "x",
    "0",
    "2.9.1",
    [],
    {},
    ["a"],
    {"k": "v"},
    "a" * 300,
    "{{ .Services.producer.Name }}",
    "{{ index .Services",
    "UPPER_case",
    "-bad-",
    10**20,
    {"name": "producer", "interface": "app_iface"},
    "x\nerror: forged\x1b[31m",  # a name that would forge a line and colour the terminal, printed raw
    "\u2028\x85\x1b]0;title\x07",
]
# Results that are about the whole input, or about an item that is not an object (and so has no reference).
GLOBAL_RESULTS = (
    "no DPF children were rendered",
    "is not a mapping",
    "is not a Kubernetes object",
    "functionConfig",
)
MUTATIONS = ("drop", "retype", "duplicate", "rename", "swap", "duplicate object", "drop object")


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every node below `value`, as key/index paths."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        here = (*prefix, key)
        yield here
        yield from paths(child, here)


def parent_of(root: Any, path: tuple[Any, ...]) -> Any:
    node = root
    for key in path[:-1]:
        node = node[key]
    return node


def mutate(docs: list[Any], data: st.DataObject) -> list[str]:
    """Apply one drawn mutation in place; a description for the failure report."""
    kind = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    if kind == "duplicate object":
        index = data.draw(st.integers(0, len(docs) - 1))
        docs.append(copy.deepcopy(docs[index]))
        return [f"duplicate object {index}"]
    if kind == "drop object":
        index = data.draw(st.integers(0, len(docs) - 1))
        del docs[index]
        return [f"drop object {index}"]
    every = list(paths(docs))
    if kind == "swap":
        strings = [p for p in every if isinstance(parent_of(docs, p)[p[-1]], str)]
        if len(strings) < 2:
            return []
        a, b = data.draw(st.sampled_from(strings)), data.draw(st.sampled_from(strings))
        parent_a, parent_b = parent_of(docs, a), parent_of(docs, b)
        parent_a[a[-1]], parent_b[b[-1]] = parent_b[b[-1]], parent_a[a[-1]]
        return [f"swap {a} and {b}"]
    candidates = [p for p in every if len(p) > 1]  # inside an object, not the object itself
    if kind == "duplicate":
        candidates = [p for p in candidates if isinstance(parent_of(docs, p)[p[-1]], list)]
    if kind == "rename":
        candidates = [p for p in candidates if isinstance(parent_of(docs, p), dict)]
    if not candidates:
        return []
    path = data.draw(st.sampled_from(candidates), label="path")
    parent, key = parent_of(docs, path), path[-1]
    if kind == "drop":
        del parent[key]
    elif kind == "retype":
        parent[key] = copy.deepcopy(data.draw(st.sampled_from(REPLACEMENTS), label="value"))
    elif kind == "duplicate":
        if parent[key]:
            entry = data.draw(st.integers(0, len(parent[key]) - 1))
            parent[key].append(copy.deepcopy(parent[key][entry]))
    else:
        names: list[Any] = sorted(
            {p[-1] for p in every if isinstance(p[-1], str)} | {"unknownField", "name", "", "k\nerror: x"}
        )
        new = data.draw(st.sampled_from([*names, 7, True, None, 1.5]), label="new key")
        parent[new] = parent.pop(key)
    return [f"{kind} {path}"]


@st.composite
def mutated_inputs(draw: st.DrawFn, *, resource_list: bool | None = None) -> tuple[bytes, list[str]]:
    """A mutated input: a ResourceList (with a functionConfig, itself sometimes mutated) or a YAML stream."""
    data = draw(st.data())
    docs = copy.deepcopy(draw(st.sampled_from(BASES), label="base"))
    log: list[str] = []
    for _ in range(draw(st.integers(1, 4), label="mutations")):
        if docs:
            log += mutate(docs, data)
    if resource_list is None:
        resource_list = draw(st.sampled_from([True, True, False]), label="ResourceList")
    if not resource_list:
        return yamldump.dump_stream(docs).encode(), [*log, "as a YAML stream"]
    function_config = copy.deepcopy(draw(st.sampled_from(FUNCTION_CONFIGS), label="functionConfig"))
    request: dict[str, Any] = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": docs}
    if function_config is not None:
        request["functionConfig"] = function_config
        if draw(st.booleans(), label="mutate the functionConfig"):
            log += mutate([function_config], data)
    return yamldump.dump_document(request).encode(), log


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:  # noqa: ARG001 - the signal handler signature
    raise Hang(f"no answer within {HANG_GUARD_SECONDS} s")


@contextlib.contextmanager
def hang_guard() -> Iterator[None]:
    """Turn a run that takes over HANG_GUARD_SECONDS into a failure (Hang) instead of a stuck test session."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# The in-process fuzzers' settings: reproducible in CI, new examples (and the example database) locally.
IN_PROCESS = settings(
    deadline=None,
    derandomize=IN_CI,
    database=None if IN_CI else settings().database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def run_function(data: bytes) -> tuple[str, int, list[dict[str, Any]], bool]:
    """The KRM function in process, as main runs it: (stdout, exit code, results, ResourceList?)."""
    request = krm.parse_request(data)
    outcome = krm.decide(request, cwd=str(REPO))
    results = [r.to_dict() for r in outcome.results]
    return krm.render_output(request, outcome), outcome.code, results, request.resource_list


def check_results(results: list[dict[str, Any]], code: int) -> None:
    assert code in (0, 1)
    for result in results:
        if result["severity"] != "error":
            continue
        about = result.get("resourceRef")
        assert about or any(g in result["message"] for g in GLOBAL_RESULTS), f"no resourceRef: {result}"
        if about:
            assert about["kind"]
    if code == 0:
        assert not any(r["severity"] == "error" for r in results)
    else:
        assert any(r["severity"] in ("error", "warning") for r in results)


def check_output(text: str, code: int, *, resource_list: bool) -> list[dict[str, Any]]:
    """The output is one ResourceList whose results pass `check_results`, or a stream (only on success)."""
    docs = yamlload.load_documents(text)
    if not resource_list:
        assert bool(docs) == (code == 0)
        return []
    assert len(docs) == 1
    out: dict[str, Any] = docs[0]
    assert out["kind"] == "ResourceList"
    results: list[dict[str, Any]] = out.get("results") or []
    check_results(results, code)
    return results


@settings(IN_PROCESS, max_examples=2000)
@given(mutated_inputs())
def test_mutated_inputs_end_in_success_or_results(case: tuple[bytes, list[str]]) -> None:
    data, log = case
    with hang_guard():
        text, code, results, resource_list = run_function(data)
        check_results(results, code)
        assert check_output(text, code, resource_list=resource_list) == (results if resource_list else [])
        if code == 0 and resource_list:  # rendering its own output changes nothing
            again, code_again, _, _ = run_function(text.encode())
            assert code_again == 0, log
            assert again == text, log


@settings(
    max_examples=25, deadline=None, derandomize=IN_CI, database=None, suppress_health_check=list(HealthCheck)
)
@given(mutated_inputs())
def test_mutated_inputs_through_the_console_script(case: tuple[bytes, list[str]]) -> None:
    data, log = case
    result = run_dpf_render(stdin=data)
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, log
    assert "internal error" not in stderr, log
    check_output(result.stdout.decode(), result.returncode, resource_list=log[-1:] != ["as a YAML stream"])


# --------------------------------------------------------------------------------------------------------
# The corpus: every input that once ended in exit 3, through the path it broke


CORPUS = sorted((REPO / "tests" / "fuzz_corpus").glob("*.yaml"))


def test_the_corpus_covers_every_path() -> None:
    paths = {yamlload.load_documents(case.read_text(encoding="utf-8"))[0]["path"] for case in CORPUS}
    assert paths == {"krm", "render", "argocd", "check", "plan", "describe"}


@pytest.mark.parametrize("case", CORPUS, ids=[c.stem for c in CORPUS])
def test_corpus(case: Path, tmp_path: Path) -> None:
    spec: dict[str, Any] = yamlload.load_documents(case.read_text(encoding="utf-8"))[0]
    path, args = spec["path"], list(spec.get("args", []))
    if any(a.startswith("/sys/") for a in args) and not os.path.isdir("/sys"):
        pytest.skip("needs Linux's /sys")
    env = tool_env(**spec.get("env", {}))
    inputs = [str(REPO / p) for p in spec.get("inputs", [])]
    if "input" in spec:
        folder = tmp_path / "in"
        folder.mkdir()
        (folder / "input.yaml").write_text(spec["input"], encoding="utf-8")
        inputs.append(str(folder))
    if path == "krm":
        done = run_dpf_render(stdin=spec["input"].encode(), env=env, cwd=tmp_path)
    elif path == "render":
        done = run_dpf_render("render", *args, *inputs, env=env, cwd=tmp_path)
    elif path == "argocd":
        done = run_dpf_render("argocd", "generate", *inputs, env=env, cwd=tmp_path)
    elif path == "check":
        rendered = tmp_path / "rendered"
        written = run_dpf_render("render", *args, *inputs, "-o", str(rendered), cwd=tmp_path)
        assert written.returncode == 0, written.stderr.decode()
        for name, target in spec.get("links", {}).items():
            (rendered / name).symlink_to(target)
        done = run_dpf_render("check", *args, *inputs, "--against", str(rendered), env=env, cwd=tmp_path)
    elif path == "plan":
        done = run_dpf_render("plan", *args, inputs[0], inputs[-1], env=env, cwd=tmp_path)
    else:
        assert path == "describe"
        done = run_dpf_render("describe", *args, *inputs, env=env, cwd=tmp_path)
    stderr = done.stderr.decode("utf-8", "replace")
    assert "internal error" not in stderr
    assert "Traceback" not in stderr
    assert done.returncode == spec["exit"], stderr
    assert spec.get("stderr", "") in stderr
    assert not CONTROLS.intersection(stderr), stderr


# --------------------------------------------------------------------------------------------------------
# The same mutated inputs through the other five paths: render (stream and -o), argocd generate, check, plan
# and describe, in process. Any exception is what the console script reports as exit 3.


COMMANDS = ("render", "render -o", "argocd generate", "check", "plan", "describe")
PARAMETERS: list[Any] = [
    None,
    "[]",
    '[{"name": "syncWaves", "string": "true"}]',
    '[{"name": "strict", "string": "yes"}]',
    '[{"name": "bfbVersions", "map": {"bf-bundle": "2.9.1"}}]',
    '[{"name": "namespace", "array": ["a"]}]',
    '[{"name": "nope\\u001b[31m", "string": "x"}]',
    "[" * 3000 + "]" * 3000,
    "{not json",
]


def run_command(command: str, folder: Path, text: str, parameters: str | None, flags: list[str]) -> int:
    """One command in process on the mutated input `text` (a file in `folder`); its exit code, with stdout
    and stderr checked: stderr one line per problem, stdout empty unless it succeeded (stream modes)."""
    import contextlib
    import io

    from kustomize_plugin import argocd, cli

    source = folder / "in" / "input.yaml"
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        if command == "render":
            code = cli.main(["render", *flags, str(source)])
        elif command == "render -o":
            code = cli.main(["render", *flags, str(source.parent), "-o", str(folder / "out")])
            if code == 0:  # what it wrote passes check, and can be written again
                assert cli.main(["check", *flags, str(source.parent), "--against", str(folder / "out")]) == 0
                assert cli.main(["render", *flags, str(source.parent), "-o", str(folder / "out")]) == 0
        elif command == "argocd generate":
            environ = {"ARGOCD_APP_NAMESPACE": "dpf-operator-system"}
            if parameters is not None:
                environ["ARGOCD_APP_PARAMETERS"] = parameters
            del flags  # the plugin takes its options from the environment only
            stream, results, code = argocd.generate(str(source.parent), environ)
            assert bool(stream) == (code == 0) or not yamlload.load_documents(stream)
            stderr.write(argocd.report_block(results, code, environ))
        elif command == "check":
            reference = folder / "reference.yaml"
            reference.write_text(yamldump.dump_stream(BASES[0]), encoding="utf-8")
            assert cli.main(["render", str(reference), "-o", str(folder / "committed")]) == 0
            code = cli.main(["check", *flags, str(source), "--against", str(folder / "committed")])
        elif command == "plan":
            reference = folder / "reference.yaml"
            reference.write_text(yamldump.dump_stream(BASES[0]), encoding="utf-8")
            code = cli.main(["plan", *flags, str(reference), str(source)])
        else:
            code = cli.main(["describe", *flags, str(source)])
    errors = stderr.getvalue()
    assert "Traceback" not in errors
    assert not CONTROLS.intersection(errors), errors
    if command in ("render", "render -o") and code != 0:
        assert stdout.getvalue() == ""
    return code


@settings(IN_PROCESS, max_examples=300)
@given(
    case=mutated_inputs(resource_list=False),
    command=st.sampled_from(COMMANDS),
    parameters=st.sampled_from(PARAMETERS),
    flags=st.lists(
        st.sampled_from(["--allow-empty", "--keep-inputs", "--sync-waves", "--strict"]), unique=True
    ),
)
def test_mutated_inputs_through_every_command(
    case: tuple[bytes, list[str]], command: str, parameters: str | None, flags: list[str]
) -> None:
    import tempfile

    data, log = case
    with hang_guard(), tempfile.TemporaryDirectory() as scratch:
        code = run_command(command, Path(scratch), data.decode(), parameters, flags)
    assert code in (0, 1, 2), log
