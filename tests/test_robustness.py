"""Hostile and broken input, interruption, and the click-free `render` path (docs/safety.md, docs/install.md).

Every limit ends in a clear error, exit 1, and nothing on stdout (or a ResourceList whose results say what
happened), never a traceback or a hang; the real console script runs each case, with a generous timeout as
the only guard against a hang (tests never assert timings: scripts/bench.py measures them). A render that is
stopped leaves its output folder as it was, and the KRM function never writes half a document.
"""

from __future__ import annotations

import importlib
import itertools
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kustomize_plugin import config as config_mod
from kustomize_plugin import yamlload

from .conftest import PRODUCER_CONSUMER, REPO, example_documents, run_dpf_render, tool_env

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

sys.path.insert(0, str(REPO / "scripts"))
gen_fleet: Any = importlib.import_module("gen_fleet")  # the benchmark's fleet generator, a script

OBJECT = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: site}\n"


def alias_bomb(levels: int = 9) -> str:
    """Ten aliases per level: 10**levels nodes once expanded, a few hundred bytes written."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(levels):
        name, previous = chr(98 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    return "\n".join(lines) + "\n"


# Each case: the input and a piece of dpf-render's own message. None where the message may come from LibYAML
# instead (its own nesting limit, 1,000 flow levels since 0.2.6, can fire before dpf-render's): the outcome
# is asserted (exit 1, one line naming the input and the line), never another library's wording.
HOSTILE: dict[str, tuple[bytes, str | None]] = {
    "alias bomb": (
        ("data:\n" + "".join("  " + line + "\n" for line in alias_bomb().splitlines())).encode(),
        "alias bomb",
    ),
    "flow nesting": (("a: " + "[" * 50_000 + "]" * 50_000 + "\n").encode(), None),
    "flow nesting below LibYAML's limit": (
        ("a: " + "[" * 500 + "]" * 500 + "\n").encode(),
        "nesting deeper than 100 levels",
    ),
    "block nesting": (
        "".join("  " * i + f"k{i}:\n" for i in range(150)).encode() + b"  " * 150 + b"v\n",
        "nesting deeper than 100 levels",
    ),
    "compact nesting": (("a:\n" + "- " * 200 + "x\n").encode(), "nesting deeper than 100 levels"),
    "million-element list": (
        ("a: [" + "0," * 1_000_000 + "0]\n").encode(),
        "more than the limit of 500000 items",
    ),
    "million-element block list": (
        ("a:\n" + "- 0\n" * 1_000_000).encode(),
        "more than the limit of 500000 items",
    ),
    "non-UTF-8": (OBJECT.encode() + b"data: {k: \xc3\x28}\n", "not UTF-8: byte 0xc3"),
    "UTF-16": (OBJECT.encode("utf-16"), "not UTF-8"),
    "duplicate keys": ((OBJECT + "data: {k: a}\ndata: {k: b}\n").encode(), "duplicate key 'data'"),
    "duplicate nested keys": ((OBJECT + "data: {k: a, k: b}\n").encode(), "duplicate key 'k'"),
    "a list document": ((OBJECT + "---\n- a\n- b\n").encode(), "document 1 is not a mapping"),
    "a scalar document": ((OBJECT + "---\njust text\n").encode(), "document 1 is not a mapping"),
    "not an object": ((OBJECT + "---\nfoo: bar\n").encode(), "apiVersion and kind must be strings"),
    "python tag": (
        (OBJECT + "data: !!python/object/apply:os.system ['touch pwned']\n").encode(),
        "Python-specific tag",
    ),
    "python name tag": ((OBJECT + "data: !!python/name:os.system\n").encode(), "Python-specific tag"),
    "binary tag": ((OBJECT + "binaryData: {k: !!binary aGVsbG8=}\n").encode(), "not plain data"),
    "recursive alias": ((OBJECT + "data: &x {k: *x}\n").encode(), "recursive"),
    "huge integer": ((OBJECT + "data: {k: " + "7" * 5000 + "}\n").encode(), "too many digits"),
    "control characters": ((OBJECT + "data: {k: \x01}\n").encode(), "line 4: unacceptable character #x0001"),
    "syntax": ((OBJECT + "data: [unclosed\n").encode(), "line"),
}


@pytest.mark.slow  # processes, signals and large inputs
@pytest.mark.parametrize(("data", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_stream_is_a_clear_error(tmp_path: Path, data: bytes, message: str | None) -> None:
    result = run_dpf_render(stdin=data, cwd=tmp_path)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, stderr
    assert result.stdout == b""
    assert message is None or message in stderr
    assert_one_clear_line(stderr, "<stdin>")
    if message is None:  # whichever limit fired, it names where
        assert stderr.startswith("error: <stdin>: line 1: "), stderr
    assert not (tmp_path / "pwned").exists()


def assert_one_clear_line(stderr: str, source: str) -> None:
    """One `error:` line naming the input (and the line, for anything the parser could place), no traceback."""
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"error: {source}: "), stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("case", ["alias bomb", "duplicate keys", "python tag", "flow nesting"])
def test_hostile_file_for_render_is_a_clear_error(tmp_path: Path, case: str) -> None:
    (tmp_path / "in.yaml").write_bytes(HOSTILE[case][0])
    result = run_dpf_render("render", "in.yaml", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert result.stdout == b""
    assert_one_clear_line(stderr, "in.yaml")
    message = HOSTILE[case][1]
    assert message is None or message in stderr


@pytest.mark.parametrize("case", ["non-UTF-8", "duplicate keys"])
def test_hostile_stdin_for_render_names_stdin_as_every_stdin_error_does(case: str) -> None:
    result = run_dpf_render("render", "-", stdin=HOSTILE[case][0])
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert result.stdout == b""
    assert_one_clear_line(stderr, "<stdin>")
    message = HOSTILE[case][1]
    assert message is not None
    assert message in stderr


def resource_list(*items: Any) -> bytes:
    doc = {"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": list(items)}
    return yaml.safe_dump(doc).encode()


def test_items_that_are_not_objects_are_results_in_a_resource_list() -> None:
    data = resource_list(["a", "list"], "text", {"kind": "NoApiVersion"}, yaml.safe_load(OBJECT))
    result = run_dpf_render(stdin=data)
    assert result.returncode == 1
    out = yamlload.load_documents(result.stdout.decode())[0]
    assert out["kind"] == "ResourceList"
    messages = [r["message"] for r in out["results"]]
    assert any("items[0] is not a mapping" in m for m in messages)
    assert any("items[1] is not a mapping" in m for m in messages)
    assert any("items[2] is not a Kubernetes object" in m for m in messages)
    assert out["items"] == [yaml.safe_load(OBJECT)]  # the input items that are objects, unchanged


def test_input_cap_is_configurable(tmp_path: Path) -> None:
    data = (OBJECT + "data: {k: " + "x" * 4000 + "}\n").encode()
    small = tool_env(DPF_RENDER_MAX_INPUT_BYTES="2k")
    result = run_dpf_render(stdin=data, env=small)
    assert result.returncode == 1
    assert (
        b"larger than the limit of 2048 bytes (set DPF_RENDER_MAX_INPUT_BYTES to raise it)" in result.stderr
    )
    (tmp_path / "in.yaml").write_bytes(data)
    result = run_dpf_render("render", str(tmp_path / "in.yaml"), env=small)
    assert result.returncode == 1
    assert b"larger than the limit of 2048 bytes" in result.stderr
    # Raised, the same input is read (and then refused only because it renders nothing).
    result = run_dpf_render(stdin=data, env=tool_env(DPF_RENDER_MAX_INPUT_BYTES="1M"))
    assert b"no DPF children were rendered" in result.stderr


def test_unreadable_input_cap_is_a_usage_error() -> None:
    result = run_dpf_render(stdin=OBJECT.encode(), env=tool_env(DPF_RENDER_MAX_INPUT_BYTES="lots"))
    assert result.returncode == 2
    assert b"DPF_RENDER_MAX_INPUT_BYTES='lots' is not a positive byte count" in result.stderr


# --------------------------------------------------------------------------------------------------------
# Interruption


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def start(*args: str, stdin: Any = subprocess.DEVNULL, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "dpf-render"), *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=tool_env(),
    )


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fleet big enough that rendering and writing it takes a while (~4,000 files)."""
    directory = tmp_path_factory.mktemp("fleet")
    gen_fleet.write_tree(str(directory), 300)
    return directory


@pytest.mark.slow  # processes, signals and large inputs
@pytest.mark.parametrize("moment", ["while rendering", "while writing the folder"])
def test_sigterm_during_render_to_a_folder_leaves_it_as_it_was(
    tmp_path: Path, fleet: Path, moment: str
) -> None:
    out = tmp_path / "out"
    previous = run_dpf_render("render", str(PRODUCER_CONSUMER), "-o", str(out))
    assert previous.returncode == 0, previous.stderr.decode()
    before = tree(out)
    process = start("render", str(fleet), "-o", str(out), cwd=tmp_path)
    deadline = time.monotonic() + 60
    if moment == "while rendering":
        time.sleep(0.05)
    else:  # as soon as the staging copy exists
        while (
            not list(tmp_path.glob(".out.new-*")) and process.poll() is None and time.monotonic() < deadline
        ):
            time.sleep(0.001)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr
    after = tree(out)
    if process.returncode == 0:  # it had finished: then the new tree is whole
        assert len(after) > 4000
    else:
        assert process.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM)
        assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging or old copy left behind


@pytest.mark.slow  # processes, signals and large inputs
def test_sigterm_stops_the_krm_function_with_nothing_half_written(tmp_path: Path) -> None:
    stream = tmp_path / "fleet.yaml"
    stream.write_text(gen_fleet.dump(gen_fleet.fleet(400)))
    for delay in (0.05, 0.3, 0.8):
        with open(stream, "rb") as stdin:
            process = start(stdin=stdin, cwd=tmp_path)
            time.sleep(delay)
            process.send_signal(signal.SIGTERM)
            stdout, stderr = process.communicate(timeout=60)
        assert b"Traceback" not in stderr
        if process.returncode == 0:  # it had finished
            assert yamlload.load_documents(stdout.decode())
        else:
            assert process.returncode == -signal.SIGTERM
            # Either nothing, or all of it: the output goes out in one piece at the very end.
            assert stdout == b"" or len(yamlload.load_documents(stdout.decode())) > 5000


# --------------------------------------------------------------------------------------------------------
# The click-free `render` path


RENDER_ARGS = [
    ["a.yaml"],
    ["-"],
    ["a", "b/c"],
    ["--keep-inputs"],
    ["--allow-empty"],
    ["--strict"],
    ["--sync-waves", "--sync-options"],
    ["-n", "ns"],
    ["--namespace", "other"],
    ["--namespace", ""],
    ["-o", "out"],
    ["--output", "dir/out"],
    ["--bfb-version", "bf=2.9.1"],
    ["--bfb-version", "a=1", "--bfb-version", "b=2.0"],
    ["--bfb-version", "a=1", "--bfb-version", "a=2"],
    ["--bfb-version", "broken"],
    ["--bfb-version", "=1"],
    ["--load-restrictor", "none"],
    ["--load-restrictor", "LoadRestrictionsRootOnly"],
    ["--load-restrictor", "sometimes"],
    ["--load-restrictor=none"],
    ["-n", "a", "-n", "b"],
    ["-o"],
    ["-n", "-o"],
    ["--namespace=x"],
    ["-nx"],
    ["--help"],
    ["-h"],
    ["--unknown"],
    ["--"],
    ["--debug"],
]


def click_parse(args: list[str]) -> tuple[list[str], config_mod.RenderConfig, str | None] | str:
    """What click makes of `render ARGS`: (paths, config, output dir), or why it refuses."""
    import click

    from kustomize_plugin import cli, cli_options

    try:
        context = cli.render.make_context("render", list(args))
        params = dict(context.params)
        paths, output_dir = list(params.pop("paths")), params.pop("output_dir")
        return paths, cli_options.build_config(**params), output_dir
    except click.exceptions.Exit:
        return "exit"
    except click.ClickException as exc:
        return f"usage error: {exc.format_message()}"


def described(config: config_mod.RenderConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in config_mod.RenderConfig.__slots__}


def test_plain_render_arguments_mean_what_click_makes_of_them() -> None:
    """parse_render_args either leaves the arguments to click or reads them exactly as click does."""
    checked = 0
    for count in range(1, 4):
        for parts in itertools.product(RENDER_ARGS, repeat=count):
            args = [arg for part in parts for arg in part]
            fast = config_mod.parse_render_args(args)
            if fast is None:
                continue
            checked += 1
            expected = click_parse(args)
            assert not isinstance(expected, str), f"{args}: click says {expected}, the fast path accepted it"
            paths, config, output_dir = expected
            assert (fast.paths, described(fast.config), fast.output_dir) == (
                paths,
                described(config),
                output_dir,
            )
    assert checked > 1000


def test_render_without_click_gives_the_same_output(tmp_path: Path) -> None:
    example = str(PRODUCER_CONSUMER)
    fast = run_dpf_render("render", example, "--sync-waves", "-n", "ns", cwd=tmp_path)
    clicked = run_dpf_render("render", "--sync-waves", "--namespace=ns", example, cwd=tmp_path)
    assert fast.returncode == clicked.returncode == 0
    assert fast.stdout == clicked.stdout
    assert fast.stdout


def test_click_is_not_imported_by_the_krm_function() -> None:
    code = (
        "import sys, io; sys.stdin = io.TextIOWrapper(io.BytesIO(b'')); "
        "from kustomize_plugin import krm; "
        "print(sorted(m for m in ('click', 'jinja2', 'semver', 'deepmerge', 'hashlib', 'json', 'typing') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=tool_env(), check=True, timeout=60
    )
    imported = eval(result.stdout)  # our own print of a list of names
    assert "click" not in imported
    assert "jinja2" not in imported
    assert "semver" not in imported
    assert "deepmerge" not in imported
    assert "hashlib" not in imported
    assert "json" not in imported
    assert "typing" not in imported


def test_the_krm_function_renders_the_example_without_decimal(tmp_path: Path) -> None:
    # The example's resource fitting parses quantities; `decimal` alone would cost every start about 1 ms.
    items = example_documents()
    request = tmp_path / "request.yaml"
    request.write_text(
        yaml.safe_dump({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items}),
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from kustomize_plugin.krm import main\n"
        "code = main()\n"
        "print(code, 'decimal' in sys.modules, 'kustomize_plugin.quantity' in sys.modules, file=sys.stderr)\n"
    )
    with request.open("rb") as stdin:
        result = subprocess.run(
            [sys.executable, "-c", code],
            stdin=stdin,
            capture_output=True,
            env=tool_env(),
            check=True,
            timeout=60,
        )
    assert b"kind: DPUSet" in result.stdout
    assert result.stderr.decode().split() == ["0", "False", "True"]


# --------------------------------------------------------------------------------------------------------
# User input and environment that once ended in exit 3 ("a bug"): each is a clear exit 1 or 2 now


BIG_NUMBERS = {
    "hex": "0x" + "f" * 4000,
    "octal": "0" + "7" * 5000,
    "binary": "0b" + "1" * 15000,
    "base 60": "1" + ":59" * 3000,
    "base-60 float": "1" + ":59" * 300 + ".5",
    "long base 60": "1" + ":5" * 200_000,
}


@pytest.mark.parametrize("number", BIG_NUMBERS.values(), ids=BIG_NUMBERS.keys())
@pytest.mark.parametrize("mode", ["render", "KRM"])
def test_numbers_too_big_to_print_are_a_clear_error(tmp_path: Path, number: str, mode: str) -> None:
    text = OBJECT + f"data: {{k: {number}}}\n"
    if mode == "render":
        (tmp_path / "in.yaml").write_text(text)
        result = run_dpf_render("render", "--allow-empty", "in.yaml", cwd=tmp_path)
        source = "in.yaml"
    else:  # a ResourceList that allows an empty render, so the ConfigMap would be written back
        request = (
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
            "functionConfig: {apiVersion: dpf-render.io/v1alpha1, kind: DPUDeploymentRender, spec: {allowEmpty: true}}\n"
            f"items:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: settings}}\n  data: {{k: {number}}}\n"
        )
        result = run_dpf_render(stdin=request.encode(), cwd=tmp_path)
        source = "<stdin>"
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "too many digits" in stderr
    assert_one_clear_line(stderr, source)


@pytest.mark.parametrize("value", ["99999999999999999999999G", "²", "9223372036854775808", "0x10", "-5"])
@pytest.mark.parametrize(
    "mode",
    ["render", "KRM", "legacy plugin", "plan", "adopt", "kustomize-name-references", "argocd generate"],
)
def test_unusable_input_cap_is_a_usage_error(tmp_path: Path, value: str, mode: str) -> None:
    env = tool_env(DPF_RENDER_MAX_INPUT_BYTES=value)
    example = str(PRODUCER_CONSUMER)
    if mode == "render":
        result = run_dpf_render("render", example, env=env, cwd=tmp_path)
    elif mode == "plan":
        result = run_dpf_render("plan", example, example, env=env, cwd=tmp_path)
    elif mode == "adopt":
        result = run_dpf_render("adopt", example, "--inputs", example, env=env, cwd=tmp_path)
    elif mode == "kustomize-name-references":
        result = run_dpf_render("kustomize-name-references", example, env=env, cwd=tmp_path)
    elif mode == "argocd generate":
        result = run_dpf_render("argocd", "generate", env=env, cwd=PRODUCER_CONSUMER)
    elif mode == "KRM":
        result = run_dpf_render(stdin=OBJECT.encode(), env=env, cwd=tmp_path)
    else:
        config = tmp_path / "plugin-config.yaml"
        config.write_text(
            "apiVersion: dpf-render.io/v1alpha1\nkind: DPUDeploymentRender\nmetadata: {name: x}\n"
        )
        result = run_dpf_render(str(config), stdin=OBJECT.encode(), env=env, cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert result.stdout == b""
    (error,) = [line for line in stderr.splitlines() if "DPF_RENDER_MAX_INPUT_BYTES=" in line]
    assert "is not a positive byte count" in error
    # Argo CD's generate adds its one-line summary above the error; every other mode prints the error alone.
    assert stderr.count("\n") == (2 if mode == "argocd generate" else 1)


@pytest.mark.parametrize("value", ["1000G", "9223372036854775807"])
def test_huge_input_cap_reads_inputs_without_reserving_it(tmp_path: Path, value: str) -> None:
    env = tool_env(DPF_RENDER_MAX_INPUT_BYTES=value)
    rendered = run_dpf_render("render", "--keep-inputs", str(PRODUCER_CONSUMER), env=env, cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr.decode()
    stream = rendered.stdout
    krm = run_dpf_render(stdin=stream, env=env, cwd=tmp_path)
    assert krm.returncode == 0, krm.stderr.decode()


def test_deeply_nested_argocd_parameters_are_a_usage_error(tmp_path: Path) -> None:
    deep = '[{"name": "namespace", "array": ' + "[" * 60_000 + "]" * 60_000 + "}]"
    for parameters in (
        deep,
        "[" * 60_000 + "]" * 60_000,
        '[{"name": "strict", "array": ' + "[" * 900 + "]" * 900 + "}]",
    ):
        env = tool_env(ARGOCD_APP_PARAMETERS=parameters, ARGOCD_APP_NAMESPACE="dpf")
        result = run_dpf_render("argocd", "generate", str(PRODUCER_CONSUMER), env=env, cwd=tmp_path)
        stderr = result.stderr.decode()
        assert result.returncode == 2, stderr
        assert result.stdout == b""
        assert "ARGOCD_APP_PARAMETERS" in stderr or "parameter strict" in stderr
        assert "internal error" not in stderr
        assert len(stderr) < 2000


@pytest.mark.parametrize(
    "args",
    [
        ["describe", str(PRODUCER_CONSUMER)],
        ["describe", "--mermaid", str(PRODUCER_CONSUMER)],
        ["plan", str(PRODUCER_CONSUMER), str(PRODUCER_CONSUMER)],
        ["render", str(PRODUCER_CONSUMER)],
        ["check", str(PRODUCER_CONSUMER), "--against", "nowhere"],
    ],
    ids=["describe", "describe --mermaid", "plan", "render", "check"],
)
def test_an_ascii_locale_gets_utf8_output(tmp_path: Path, args: list[str]) -> None:
    """Kubernetes YAML is UTF-8 and so is every report: an ASCII PYTHONIOENCODING must not turn an arrow or a
    tree line into a crash."""
    utf8 = run_dpf_render(*args, cwd=tmp_path)
    ascii_ = run_dpf_render(*args, env=tool_env(PYTHONIOENCODING="ascii", LC_ALL="C"), cwd=tmp_path)
    assert "internal error" not in ascii_.stderr.decode(), ascii_.stderr.decode()
    assert (ascii_.returncode, ascii_.stdout, ascii_.stderr) == (utf8.returncode, utf8.stdout, utf8.stderr)


def test_an_owner_label_that_is_a_map_is_passed_through(tmp_path: Path) -> None:
    """A child-kind item whose owner label is not a string is no previous render: it passes through, and KRM
    mode still answers with a ResourceList."""
    items = example_documents()
    odd = {
        "apiVersion": "provisioning.dpu.nvidia.com/v1alpha1",
        "kind": "DPUSet",
        "metadata": {
            "name": "odd",
            "namespace": "dpf-operator-system",
            "labels": {"svc.dpu.nvidia.com/owned-by-dpudeployment": {"a": "b"}},
        },
    }
    result = run_dpf_render(stdin=resource_list(*items, odd), cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode in (0, 1), stderr
    assert "internal error" not in stderr
    out = yamlload.load_documents(result.stdout.decode())
    assert len(out) == 1
    assert out[0]["kind"] == "ResourceList"
    assert odd in out[0]["items"]
