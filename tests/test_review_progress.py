"""Progress on a terminal: `render`, `describe`, `plan` and `check` count DPUDeployments on stderr when it is a
terminal, and print nothing more otherwise; the KRM function never does, and never imports the counter.

The commands run in child processes whose stderr is a pseudo-terminal (the `pty` module) or a pipe. The
counter's one second of silence is set to zero in the child, so a small fleet is enough to show it.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import REPO, tool_env
from .review_helpers import read_terminal

pytestmark = pytest.mark.slow  # drives the commands on a pseudo-terminal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

sys.path.insert(0, str(REPO / "scripts"))
gen_fleet: Any = importlib.import_module("gen_fleet")  # the benchmark's fleet generator, a script

DEPLOYMENTS = 20
# Runs dpf-render's entry point as the console script does, with the counter's delay at zero.
RUN = (
    "import sys\n"
    "try:\n"
    "    import kustomize_plugin.progress as progress\n"
    "    progress.DELAY = progress.INTERVAL = 0.0\n"
    "except ImportError:\n"  # a dpf-render without a counter: the tests then show what is missing
    "    pass\n"
    "from kustomize_plugin.__main__ import main\n"
    "sys.argv = ['dpf-render', *sys.argv[1:]]\n"
    "main()\n"
)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fleet")
    gen_fleet.write_tree(str(directory / "deploy"), DEPLOYMENTS)
    return directory


def run(args: list[str], cwd: Path, *, terminal: bool) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of dpf-render ARGS, stderr a pseudo-terminal or a pipe."""
    command = [sys.executable, "-c", RUN, *args]
    if not terminal:
        done = subprocess.run(command, cwd=cwd, capture_output=True, env=tool_env(), timeout=300, check=False)
        return done.returncode, done.stdout, done.stderr
    controller, child = pty.openpty()
    # stdout goes to a file: a pipe would fill up while the terminal is read, and both sides would wait.
    with tempfile.TemporaryFile() as out:
        try:
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=child, env=tool_env())
            os.close(child)
            child = -1
            terminal_output = read_terminal(controller)
            process.wait(timeout=300)
        finally:
            os.close(controller)
            if child >= 0:
                os.close(child)
        out.seek(0)
        return process.returncode, out.read(), terminal_output


COMMANDS = {
    "render": ["render", "deploy"],
    "describe": ["describe", "deploy"],
    "plan": ["plan", "deploy", "deploy"],
    "check": ["check", "deploy", "--against", "rendered"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_counter_on_a_terminal(command: str, fleet: Path) -> None:
    if command == "check":
        assert run(["render", "deploy", "-o", "rendered"], fleet, terminal=False)[0] == 0
    code, stdout, stderr = run(COMMANDS[command], fleet, terminal=True)
    assert code == 0, stderr
    text = stderr.decode("utf-8")
    assert f"{DEPLOYMENTS}/{DEPLOYMENTS} DPUDeployments" in text
    assert text.startswith("\r")
    assert "\n" not in text.replace("\r\n", "")  # one line, rewritten in place
    assert text.endswith("\r")  # and wiped at the end: the terminal shows only the output
    assert stdout == run(COMMANDS[command], fleet, terminal=False)[1]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_nothing_extra_when_stderr_is_not_a_terminal(command: str, fleet: Path) -> None:
    if command == "check":
        assert run(["render", "deploy", "-o", "rendered"], fleet, terminal=False)[0] == 0
    code, stdout, stderr = run(COMMANDS[command], fleet, terminal=False)
    assert (code, stderr) == (0, b"")
    assert stdout


def test_counter_goes_before_the_results(fleet: Path, tmp_path: Path) -> None:
    """Warnings are printed on a clean line, not after the counter."""
    broken = tmp_path / "deploy"
    broken.mkdir()
    for path in sorted((fleet / "deploy").iterdir()):
        text = path.read_text(encoding="utf-8")
        (broken / path.name).write_text(
            text.replace("logLevel: info", "logLevel: info\n      colour: blue", 1)
        )
    _, _, stderr = run(["render", "deploy"], tmp_path, terminal=True)
    text = stderr.decode("utf-8")
    assert "DPUDeployments" in text
    for line in text.replace("\r\n", "\n").split("\n"):
        if "warning:" in line or "error:" in line:
            assert line.lstrip("\r ").startswith(("warning:", "error:")), line


KRM = (
    "import io, json, sys\n"
    "class Terminal(io.StringIO):\n"
    "    def isatty(self):\n"
    "        return True\n"
    "from kustomize_plugin import krm\n"
    "err = Terminal()\n"
    "code = krm.main(io.BytesIO(sys.stdin.buffer.read()), io.StringIO(), err)\n"
    "print(json.dumps({'code': code, 'stderr': err.getvalue(),\n"
    "                  'imported': 'kustomize_plugin.progress' in sys.modules}))\n"
)


def test_krm_function_never_counts_nor_imports_the_counter() -> None:
    stream = gen_fleet.dump(gen_fleet.fleet(DEPLOYMENTS)).encode("utf-8")
    done = subprocess.run(
        [sys.executable, "-c", KRM],
        input=stream,
        capture_output=True,
        env=tool_env(),
        timeout=300,
        check=True,
    )
    assert json.loads(done.stdout) == {"code": 0, "stderr": "", "imported": False}


def test_silent_for_the_first_second() -> None:
    from kustomize_plugin.progress import Progress

    stream = io.StringIO()
    progress = Progress(stream)
    progress.start("checking", 1000)
    for _ in range(1000):
        progress.step()
    assert stream.getvalue() == ""


def test_counter_text_and_wipe(monkeypatch: pytest.MonkeyPatch) -> None:
    from kustomize_plugin import progress as module

    monkeypatch.setattr(module, "DELAY", 0.0)
    monkeypatch.setattr(module, "INTERVAL", 0.0)
    stream = io.StringIO()
    progress = module.Progress(stream, prefix="base: ")
    progress.start("checking", 2)
    progress.step()
    progress.step()
    line = "dpf-render: base: checking 2/2 DPUDeployments"
    assert stream.getvalue() == (
        "\rdpf-render: base: checking 1/2 DPUDeployments" + f"\r{line}" + "\r" + " " * len(line) + "\r"
    )
