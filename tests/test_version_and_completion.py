"""`dpf-render --version` (with the DPF APIs it reads and writes) and shell completion for bash, zsh and fish.

Completion goes through click's `_DPF_RENDER_COMPLETE` protocol, which has to reach the click CLI although
`dpf-render` without arguments is the KRM function; the real shells source the scripts dpf-render prints and
complete a command line, where they are installed (CI installs them).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kustomize_plugin import __version__, yamlload

from .conftest import PRODUCER_CONSUMER, dpf_render_bin, require_tool, run_dpf_render, tool_env

COMPLETE = "_DPF_RENDER_COMPLETE"
SHELLS = {"bash": "apt-get install bash", "zsh": "apt-get install zsh", "fish": "apt-get install fish"}


# --- --version ---------------------------------------------------------------------------------------------


def test_version_names_the_dpf_apis_read_and_written() -> None:
    done = run_dpf_render("--version")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == f"dpf-render {__version__}"
    text = "\n".join(lines)
    assert (
        "reads:  svc.dpu.nvidia.com/v1alpha1 DPUDeployment, DPUServiceConfiguration, DPUServiceTemplate"
        in text
    )
    assert (
        "        provisioning.dpu.nvidia.com/v1alpha1 BFB, BlueFieldSoftware, DPUFlavor, DPUFlavorTemplate"
        in text
    )
    assert "writes: provisioning.dpu.nvidia.com/v1alpha1 DPUSet" in text
    assert "        svc.dpu.nvidia.com/v1alpha1 DPUService, DPUServiceInterface, DPUServiceChain" in text


def test_version_lists_exactly_what_a_render_writes() -> None:
    done = run_dpf_render("render", str(PRODUCER_CONSUMER))
    assert done.returncode == 0, done.stderr
    written = {
        (d["apiVersion"], d["kind"])
        for d in yamlload.load_documents(done.stdout.decode())
        if d["kind"] not in ("BFB", "DPUFlavor")  # kept inputs, not children
    }
    version = run_dpf_render("--version").stdout.decode()
    listed = set()
    section = version.split("writes:", 1)[1].split("\n")
    for line in section:
        api_version, _, kinds = line.strip().partition(" ")
        if "/" not in api_version:
            break
        listed |= {(api_version, kind) for kind in kinds.split(", ")}
    assert listed == written


# --- completion --------------------------------------------------------------------------------------------


def complete(shell: str, words: str) -> subprocess.CompletedProcess[bytes]:
    """One completion request as the shell's script sends it (click's protocol); a trailing space starts a word."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = tool_env(**{COMPLETE: f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    return run_dpf_render(env=env)


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_the_completion_script_is_printed_not_a_krm_run(shell: str) -> None:
    done = run_dpf_render(env=tool_env(**{COMPLETE: f"{shell}_source"}))
    assert done.returncode == 0, done.stderr
    assert b"no DPF children" not in done.stderr
    assert COMPLETE.encode() in done.stdout
    assert done.stderr == b""


def test_completion_offers_commands_and_options() -> None:
    commands = complete("bash", "dpf-render re")
    assert commands.returncode == 0, commands.stderr
    assert commands.stdout.decode().split() == ["plain,render"]
    subcommands = complete("bash", "dpf-render argocd ")
    assert subcommands.stdout.decode().split() == ["plain,discover", "plain,generate"]
    options = complete("bash", "dpf-render render --sy")
    assert options.stdout.decode().split() == ["plain,--sync-waves", "plain,--sync-options"]


def test_completion_offers_files_for_paths() -> None:
    done = complete("bash", "dpf-render render exa")
    assert done.stdout.decode().split() == ["file,exa"], "the shell completes file names itself"


# What each shell prints for `dpf-render ren<TAB>` after sourcing the script dpf-render prints.
SESSIONS = {
    "bash": (
        'eval "$(_DPF_RENDER_COMPLETE=bash_source dpf-render)"\n'
        "COMP_WORDS=(dpf-render ren); COMP_CWORD=1; _dpf_render_completion dpf-render\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    ),
    "zsh": (
        "autoload -Uz compinit && compinit -u\n"
        'eval "$(_DPF_RENDER_COMPLETE=zsh_source dpf-render)"\n'
        # Print what would be offered instead of drawing a menu: `compadd … -a ARRAY`, `_describe -V tag ARRAY -U`.
        "compadd() { print -l -- ${(P)${@[-1]}} }\n"
        "_describe() { print -l -- ${${(P)3}%%:*} }\n"
        "words=(dpf-render ren); CURRENT=2; _dpf_render_completion\n"
    ),
    "fish": (
        '_DPF_RENDER_COMPLETE=fish_source dpf-render | source\ncomplete --do-complete "dpf-render ren"\n'
    ),
}


@pytest.mark.slow  # starts real shells
@pytest.mark.e2e
@pytest.mark.parametrize("shell", sorted(SESSIONS))
def test_a_real_shell_completes_a_command(shell: str, tmp_path: Path) -> None:
    path = require_tool(shell, SHELLS[shell])
    env = tool_env(HOME=str(tmp_path), PATH=f"{dpf_render_bin()}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run(
        [path, "-c", SESSIONS[shell]], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "render" in done.stdout.split(), (done.stdout, done.stderr)
