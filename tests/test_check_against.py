"""`check --against DIR` reads only regular files inside DIR, within the input size limit (docs/safety.md).

In the shipped CI workflow a pull request controls DIR: a symbolic link to `/proc/self/environ` would print
the job's secrets in the diff, one to `/dev/zero` would read forever, a FIFO would hang. Links (inside DIR,
or DIR itself), devices, FIFOs, sockets and files over the limit are errors (exit 1), each on one line,
never opened or followed; nothing they point at reaches the output.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from .conftest import PRODUCER_CONSUMER, run_dpf_render, tool_env

SECRET = "hunter2-do-not-print"


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    out = tmp_path / "rendered"
    done = run_dpf_render("render", str(PRODUCER_CONSUMER), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    return out


def check(directory: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    return run_dpf_render(
        "check", str(PRODUCER_CONSUMER), "--against", str(directory), env=tool_env(SECRET_TOKEN=SECRET, **env)
    )


def assert_error(done: subprocess.CompletedProcess[bytes], *words: str) -> None:
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 1, stderr
    assert SECRET not in stdout + stderr
    assert "internal error" not in stderr
    assert [line for line in stderr.splitlines() if line.startswith("error: ")], stderr
    for word in words:
        assert word in stderr, stderr


def test_a_link_to_the_environment_is_an_error_and_prints_nothing_of_it(rendered: Path) -> None:
    (rendered / "env.yaml").symlink_to("/proc/self/environ")
    assert_error(check(rendered), "env.yaml", "symbolic link")


def test_a_link_to_a_device_is_an_error_and_ends(rendered: Path) -> None:
    (rendered / "zero.yaml").symlink_to("/dev/zero")
    assert_error(check(rendered), "zero.yaml", "symbolic link")


def test_a_link_to_a_folder_outside_is_not_followed(rendered: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"token: {SECRET}\n")
    (rendered / "more").symlink_to(outside)
    assert_error(check(rendered), "more", "symbolic link")


def test_a_fifo_is_an_error_without_waiting(rendered: Path) -> None:
    os.mkfifo(rendered / "pipe.yaml")
    assert_error(check(rendered), "pipe.yaml", "FIFO")


def test_a_socket_is_an_error(rendered: Path) -> None:
    path = rendered / "s.yaml"
    if len(str(path)) > 100:
        pytest.skip("socket paths are limited to about 100 bytes")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert_error(check(rendered), "s.yaml", "socket")


def test_a_file_over_the_input_limit_is_an_error(rendered: Path) -> None:
    (rendered / "big.yaml").write_text("a: " + "x" * 10_000 + "\n")
    assert_error(check(rendered, DPF_RENDER_MAX_INPUT_BYTES="8k"), "big.yaml", "larger than the limit")


@pytest.mark.parametrize("against", ["/dev/zero", "/dev/null"])
def test_a_device_as_the_folder_is_an_error(against: str) -> None:
    assert_error(check(Path(against)), against, "not a folder")


def test_the_folder_itself_as_a_link_is_an_error(rendered: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(rendered)
    assert_error(check(link), "symbolic link")
    proc = tmp_path / "proc"
    proc.symlink_to("/proc/self")
    assert_error(check(proc), "symbolic link")


def test_every_problem_is_reported_once_each(rendered: Path) -> None:
    (rendered / "env.yaml").symlink_to("/proc/self/environ")
    os.mkfifo(rendered / "pipe.yaml")
    done = check(rendered)
    assert_error(done)
    errors = [line for line in done.stderr.decode().splitlines() if line.startswith("error: ")]
    assert len(errors) == 2, errors


def test_a_clean_folder_still_passes(rendered: Path) -> None:
    done = check(rendered)
    assert done.returncode == 0, done.stderr.decode()


def test_an_unusable_limit_is_a_usage_error(rendered: Path) -> None:
    done = check(rendered, DPF_RENDER_MAX_INPUT_BYTES="lots")
    assert done.returncode == 2
    assert b"DPF_RENDER_MAX_INPUT_BYTES" in done.stderr


def test_a_copy_without_links_passes(rendered: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(rendered, copy)
    assert check(copy).returncode == 0
