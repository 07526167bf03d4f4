"""`render -o DIR` never deletes what a user wrote (docs/safety.md).

DIR is replaced only when it is absent, empty, or holds exactly what dpf-render wrote there before (its marker
file lists that). Everything else is refused with exit 2, one clear line and nothing changed: `.`, `..`, `/`,
the home folder, an ancestor of the working directory or of an input, an input, a file, `-`, an empty path,
a path through a symbolic link, a mount point, an unwritable parent. The new folder has the permissions the
umask gives, is swapped in whole, and no staging or old copy outlives the run that made it (a later run
removes what a killed one left).
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kustomize_plugin import outdir

from .conftest import PRODUCER_CONSUMER, REPO, run_dpf_render, tool_env

OBJECT_FILES = 9  # files the example renders to


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str, int]]:
    """Everything under root, hidden entries and links included: (type, content or link target, mode)."""
    out: dict[str, tuple[str, bytes | str, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            info = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                out[key] = ("link", os.readlink(path), 0)
            elif stat.S_ISDIR(info.st_mode):
                out[key] = ("dir", b"", stat.S_IMODE(info.st_mode))
            else:
                out[key] = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
    return out


def render(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return run_dpf_render("render", *args, cwd=cwd, env=env)


def assert_refused(done: subprocess.CompletedProcess[bytes], *words: str) -> None:
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert done.stdout == b""
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("error: "), stderr
    assert "internal error" not in stderr
    for word in words:
        assert word in stderr, stderr


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git-checkout-like working directory: inputs, notes and a .git folder."""
    work = tmp_path / "work"
    (work / ".git").mkdir(parents=True)
    (work / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    shutil.copytree(PRODUCER_CONSUMER, work / "deploy")
    (work / "notes.txt").write_text("my notes\n")
    return work


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (".", ["the working directory"]),
        ("", ["empty"]),
        ("..", ["the working directory"]),
        ("deploy", ["an input"]),
        ("notes.txt", ["not a folder"]),
        ("notes.txt/rendered", ["not a folder"]),
        ("-", ["stdout"]),
    ],
    ids=["dot", "empty", "dotdot", "input", "file", "under a file", "dash"],
)
def test_refused_targets_change_nothing(checkout: Path, target: str, words: list[str]) -> None:
    before = snapshot(checkout.parent)
    done = render("deploy", "-o", target, cwd=checkout)
    assert_refused(done, *words)
    assert snapshot(checkout.parent) == before


@pytest.mark.parametrize("fast", [True, False], ids=["plain arguments", "through click"])
def test_the_click_path_refuses_the_same(checkout: Path, fast: bool) -> None:
    before = snapshot(checkout.parent)
    args = ["deploy", "-o", "."] if fast else ["deploy", "--output=.", "--namespace=x"]
    assert_refused(render(*args, cwd=checkout), "the working directory")
    assert snapshot(checkout.parent) == before


def test_an_ancestor_of_the_working_directory_or_of_an_input_is_refused(checkout: Path) -> None:
    before = snapshot(checkout.parent)
    inner = checkout / "deploy"
    assert_refused(render(".", "-o", str(checkout), cwd=inner), "the working directory")
    assert_refused(render("work/deploy", "-o", "work", cwd=checkout.parent), "holds the input")
    assert_refused(render(str(inner), "-o", str(checkout.parent), cwd=Path("/")), "holds the input")
    assert snapshot(checkout.parent) == before


def test_the_home_folder_is_refused(checkout: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("export A=1\n")
    before = snapshot(tmp_path)
    done = render(
        str(checkout / "deploy"), "-o", str(home), cwd=tmp_path / "work", env=tool_env(HOME=str(home))
    )
    assert_refused(done, "home folder")
    assert snapshot(tmp_path) == before


def test_the_root_folder_is_refused(checkout: Path) -> None:
    assert_refused(render("deploy", "-o", "/", cwd=checkout), "-o /: is the root folder")


def test_a_mount_point_is_refused(checkout: Path) -> None:
    mount = next((m for m in ("/dev/shm", "/proc", "/sys") if os.path.ismount(m)), None)
    if mount is None:
        pytest.skip("no mount point to try")
    assert_refused(render("deploy", "-o", mount, cwd=checkout), f"-o {mount}: is a mount point")


def test_an_unwritable_parent_is_a_usage_error(checkout: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere but in sysfs
        target = "/sys/dpf-render-rendered"
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        target = str(locked / "rendered")
    done = render("deploy", "-o", target, cwd=checkout)
    assert_refused(done, "cannot write")
    assert not os.path.exists(target)


@pytest.mark.parametrize("points_at", ["a folder", "a file", "a device"])
def test_a_symbolic_link_is_refused(checkout: Path, tmp_path: Path, points_at: str) -> None:
    """As root, `-o /dev/stdout` once replaced that system link with a folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.yaml").write_text("a: 1\n")
    target = {"a folder": elsewhere, "a file": elsewhere / "keep.yaml", "a device": Path("/dev/null")}[
        points_at
    ]
    (checkout / "out").symlink_to(target)
    before = snapshot(tmp_path)
    assert_refused(render("deploy", "-o", "out", cwd=checkout), "symbolic link")
    assert_refused(render("deploy", "-o", "out/rendered", cwd=checkout), "symbolic link")
    assert snapshot(tmp_path) == before


def test_a_user_folder_is_refused_naming_a_file(checkout: Path) -> None:
    mine = checkout / "mine"
    (mine / "sub").mkdir(parents=True)
    (mine / "sub" / "deployment.yaml").write_text("kind: Deployment\n")
    before = snapshot(checkout.parent)
    assert_refused(render("deploy", "-o", "mine", cwd=checkout), "mine/sub/deployment.yaml", "did not write")
    assert snapshot(checkout.parent) == before


def test_an_owned_folder_is_replaced_and_stale_files_go(checkout: Path) -> None:
    done = render("deploy", "-o", "rendered", cwd=checkout)
    assert done.returncode == 0, done.stderr.decode()
    written = snapshot(checkout / "rendered")
    assert outdir.MARKER in written
    assert len([k for k, v in written.items() if v[0] == "file"]) == OBJECT_FILES + 1
    # A render with more inputs, then with fewer: the files of objects that are gone disappear.
    (checkout / "deploy" / "extra.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: dpf-operator-system}\n"
    )
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    assert (checkout / "rendered" / "dpf-operator-system" / "configmap_extra.yaml").exists()
    (checkout / "deploy" / "extra.yaml").unlink()
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    assert snapshot(checkout / "rendered") == written
    assert sorted(p.name for p in checkout.iterdir()) == [".git", "deploy", "notes.txt", "rendered"]


def test_an_owned_folder_with_a_file_added_is_refused_naming_it(checkout: Path) -> None:
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    (checkout / "rendered" / "dpf-operator-system" / "my-patch.yaml").write_text("mine: true\n")
    before = snapshot(checkout.parent)
    done = render("deploy", "-o", "rendered", cwd=checkout)
    assert_refused(done, "rendered/dpf-operator-system/my-patch.yaml")
    assert snapshot(checkout.parent) == before


def test_an_owned_folder_with_a_file_removed_is_replaced(checkout: Path) -> None:
    """Nothing of the user's is in it: the files it lacks are dpf-render's own, deleted by hand."""
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    written = snapshot(checkout / "rendered")
    next((checkout / "rendered" / "dpf-operator-system").iterdir()).unlink()
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    assert snapshot(checkout / "rendered") == written


@pytest.mark.parametrize("marker", ["", "not a marker\n", "# dpf-render output v99\nx.yaml\n"])
def test_an_unreadable_or_newer_marker_is_refused(checkout: Path, marker: str) -> None:
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    (checkout / "rendered" / outdir.MARKER).write_text(marker)
    before = snapshot(checkout.parent)
    assert_refused(render("deploy", "-o", "rendered", cwd=checkout), outdir.MARKER)
    assert snapshot(checkout.parent) == before


def test_absent_and_empty_folders_are_written(checkout: Path) -> None:
    assert render("deploy", "-o", "a/b/new", cwd=checkout).returncode == 0
    (checkout / "empty").mkdir()
    assert render("deploy", "-o", "empty", cwd=checkout).returncode == 0
    assert snapshot(checkout / "a" / "b" / "new") == snapshot(checkout / "empty")


def test_the_folder_gets_the_permissions_of_the_umask(checkout: Path) -> None:
    code = (
        "import os, sys; os.umask(0o022); "
        "from kustomize_plugin.__main__ import main; sys.argv = ['dpf-render', 'render', 'deploy', '-o', 'out']; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=checkout, env=tool_env(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    modes = {k: v[2] for k, v in snapshot(checkout / "out").items()}
    assert stat.S_IMODE((checkout / "out").stat().st_mode) == 0o755
    assert set(modes.values()) == {0o755, 0o644}


def test_check_accepts_a_folder_written_this_way(checkout: Path) -> None:
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    done = run_dpf_render("check", "deploy", "--against", "rendered", cwd=checkout)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert b"extra" not in done.stdout + done.stderr


@pytest.mark.slow  # concurrent processes
def test_two_renders_into_one_folder_at_once(checkout: Path) -> None:
    """Both succeed (one after the other), never exit 3, and the folder is whole, with nothing left beside it."""
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    expected = snapshot(checkout / "rendered")
    command = [str(Path(sys.executable).parent / "dpf-render"), "render", "deploy", "-o", "rendered"]
    for _ in range(25):  # unlocked, about 1 run in 50 of 8 at once lost the race (exit 3)
        processes = [
            subprocess.Popen(
                command, cwd=checkout, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(8)
        ]
        # Every process is waited for before any assertion: one that failed must not leave the others' pipes
        # open (unraisable warnings in whichever later test the garbage collector runs in).
        errors = [process.communicate(timeout=120)[1] for process in processes]
        for process, stderr in zip(processes, errors, strict=True):
            assert process.returncode == 0, stderr.decode()
        assert snapshot(checkout / "rendered") == expected
        assert sorted(p.name for p in checkout.iterdir()) == [".git", "deploy", "notes.txt", "rendered"]


def test_a_folder_swapped_between_listing_and_reading_its_marker_is_not_refused(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early check (before the render, without the lock) can look while another render swaps the folder:
    the marker it listed is gone when it reads it. That is dpf-render's own folder, checked again in turn;
    it once read as "there is no .dpf-render-output in it" (seen in CI, test_two_renders_into_one_folder_at_once)."""
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    from kustomize_plugin.read import read_regular as real

    swapped: list[str] = []

    def read_during_a_swap(path: str, max_bytes: int) -> bytes | None:
        if not swapped:
            swapped.append(path)
            raise FileNotFoundError(2, "No such file or directory", path)
        return real(path, max_bytes)

    monkeypatch.setattr(outdir, "read_regular", read_during_a_swap)
    outdir.check_target(str(checkout / "rendered"))
    assert swapped == [str(checkout / "rendered" / outdir.MARKER)]


def test_a_killed_render_leaves_nothing_a_later_one_does_not_remove(checkout: Path) -> None:
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    expected = snapshot(checkout / "rendered")
    # What SIGKILL can leave: a staging copy (marker first, then some files) and a previous tree.
    staging = checkout / ".rendered.new-abc123"
    shutil.copytree(checkout / "rendered", staging)
    shutil.rmtree(staging / "dpf-operator-system")
    old = checkout / ".rendered.old-def456"
    shutil.copytree(checkout / "rendered", old)
    empty = checkout / ".rendered.new-000000"
    empty.mkdir()
    # A kill while the marker itself was being written: an empty or half-written marker alone.
    for suffix, text in (("111111", ""), ("222222", "# dpf-render out")):
        half = checkout / f".rendered.new-{suffix}"
        half.mkdir()
        (half / ".dpf-render-output").write_text(text)
    # Look-alikes that are not dpf-render's stay.
    user = checkout / ".rendered.new-user"
    user.mkdir()
    (user / "mine.yaml").write_text("a: 1\n")
    assert render("deploy", "-o", "rendered", cwd=checkout).returncode == 0
    assert snapshot(checkout / "rendered") == expected
    assert sorted(p.name for p in checkout.iterdir()) == [
        ".git",
        ".rendered.new-user",
        "deploy",
        "notes.txt",
        "rendered",
    ]


@pytest.mark.slow  # concurrent processes
def test_sigkill_while_writing_then_a_rerun_cleans_up(checkout: Path, tmp_path: Path) -> None:
    import importlib

    sys.path.insert(0, str(REPO / "scripts"))
    gen_fleet = importlib.import_module("gen_fleet")
    fleet = tmp_path / "fleet"
    gen_fleet.write_tree(str(fleet), 150)
    command = [str(Path(sys.executable).parent / "dpf-render"), "render", str(fleet), "-o", "rendered"]
    process = subprocess.Popen(command, cwd=checkout, env=tool_env(), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while (
        not list(checkout.glob(".rendered.new-*")) and process.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL  # killed while writing, not finished before the kill
    done = subprocess.run(command, cwd=checkout, env=tool_env(), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert sorted(p.name for p in checkout.iterdir()) == [".git", "deploy", "notes.txt", "rendered"]
