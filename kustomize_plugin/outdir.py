"""Replace a folder that dpf-render owns, safely: the only code in dpf-render that deletes anything.

`render -o DIR` replaces DIR only when it is absent, empty, or holds exactly what dpf-render wrote there
before: a marker file inside it (`MARKER`) lists every file written, and a folder holding anything else (a
file the user added, a link, a marker that cannot be read) is refused. So are paths where replacing a
folder would be a surprise even when dpf-render could: `.`, `..`, `/`, the home folder, an ancestor of the
working directory or of an input, an input, a file, `-`, an empty path, a path through a symbolic link and
a mount point. A refusal changes nothing and is a usage error (docs/safety.md).

The new tree is written to a staging folder beside DIR (marker first) and swapped in with two renames,
termination signals held back between them, so an interrupted run leaves DIR as it was and removes its
staging copy. Renders into one parent folder take turns (an advisory lock on that folder), and each first
removes what a killed run left beside DIR: `.DIR.new-*` and `.DIR.old-*` folders holding nothing that
dpf-render did not write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat

from .read import read_regular
from .speedups import HELD_SIGNALS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from typing import Any, Self

MARKER = ".dpf-render-output"
MARKER_VERSION = 1
_HEADER = "# dpf-render output v"
_NOTE = (
    "# `dpf-render render -o` wrote this folder, and replaces it only while it holds nothing but the files\n"
    "# listed here (dpf-render's docs/safety.md). Commit this file with them.\n"
)
_STAGING, _OLD = ".new-", ".old-"
_MAX_MARKER_BYTES = 64 * 1024 * 1024


class RefusedError(Exception):
    """The folder cannot be written or replaced safely; nothing was changed (a usage error, exit 2)."""


def marker_text(paths: Iterable[str]) -> str:
    """The marker: a version line, a note, then every path written (relative, `/`-separated), sorted."""
    return f"{_HEADER}{MARKER_VERSION}\n{_NOTE}" + "".join(f"{path}\n" for path in sorted(paths))


def replace_folder(directory: str, files: Mapping[str, str], *, inputs: Sequence[str] = ()) -> list[str]:
    """Replace `directory` with exactly `files` (relative path → text) and the marker; notes for the user.

    Raises RefusedError, having changed nothing, when the folder is not dpf-render's to replace or cannot
    be written.
    """
    target = check_target(directory, inputs, contents=False)  # what it holds is checked in turn, below
    parent, name = os.path.split(target)
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as exc:
        raise RefusedError(f"-o {directory}: cannot write there: {exc.strerror}") from None
    with _Interruption() as interruption, _ParentLock(parent):
        check_target(directory, inputs)  # again, in turn: another render may have written it meanwhile
        _remove_litter(parent, name)
        staging = os.path.join(parent, _fresh_name(parent, name, _STAGING))
        created = False
        try:
            # Signals wait until `created` says the folder exists: else a signal right after mkdir would
            # leave it behind, unknown to the cleanup below.
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
            try:
                os.mkdir(staging)  # the umask's permissions, as any folder the user makes
                created = True
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            _write(staging, MARKER, marker_text(files))  # first: a staging copy left by a crash is known
            for path, content in sorted(files.items()):
                full = os.path.join(staging, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                _write(staging, path, content)
            interruption.committed = True
            old = _swap(staging, target, parent, name, directory)
        except OSError as exc:
            if created:
                _remove(staging)
            if isinstance(exc, _Lost):
                raise RefusedError(str(exc)) from None
            raise RefusedError(f"-o {directory}: cannot write there: {exc.strerror}") from None
        except BaseException:
            if created:
                _remove(staging)
            raise
        return _retire(old, directory) if old is not None else []


def check_target(directory: str, inputs: Sequence[str] = (), *, contents: bool = True) -> str:
    """The physical path of `directory` when dpf-render may replace it (its place, and with `contents` what
    it holds); else RefusedError saying why."""
    if directory == "":
        raise RefusedError("-o '': the output folder is an empty path (an unset variable?)")
    if directory == "-":
        raise RefusedError("-o -: without -o the stream goes to stdout; -o takes a folder")
    try:
        target = physical_path(directory)
        _check_place(target, inputs)
        if contents:
            _check_contents(target, directory)
    except RefusedError as exc:
        raise RefusedError(f"-o {directory}: {exc}") from None
    return target


def physical_path(path: str) -> str:
    """`path` made absolute without following links: RefusedError on a symbolic link or a file in the way.

    dpf-render never makes links, so a link on the way is never its own: it could lead anywhere
    (`/dev/stdout`, a folder of the user's), and the path the user reads would not be the one written.
    """
    try:
        current = "/" if path.startswith("/") else os.getcwd()
    except OSError as exc:
        raise RefusedError(f"the working directory cannot be read: {exc.strerror}") from None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    exists = True
    for index, part in enumerate(parts):
        if part == "..":
            current = os.path.dirname(current)
            continue
        current = os.path.join(current, part)
        if not exists:
            continue
        try:
            info = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            exists = False
            continue
        except OSError as exc:
            raise RefusedError(f"cannot look at {shown(current)}: {exc.strerror}") from None
        if stat.S_ISLNK(info.st_mode):
            raise RefusedError(
                f"goes through the symbolic link {shown(current)} (to {os.readlink(current)}), which "
                "dpf-render does not follow; name the folder by its real path"
            )
        if index < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            raise RefusedError(f"{shown(current)} is not a folder ({kind_of_file(info.st_mode)})")
    return current


def walk(folder: str) -> Iterator[tuple[str, os.stat_result]]:
    """Everything under `folder`, depth first in sorted order, as (relative `/` path, lstat); no link is
    followed, and a folder of another file system (a mount) is listed but not entered."""
    device = os.lstat(folder).st_dev
    pending = [("", folder)]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            found = sorted(entries, key=lambda e: e.name)
        below = []
        for entry in found:
            info = entry.stat(follow_symlinks=False)
            relative = prefix + entry.name
            yield relative, info
            if stat.S_ISDIR(info.st_mode) and info.st_dev == device:
                below.append((relative + "/", entry.path))
        pending.extend(reversed(below))


def shown(path: str) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    try:
        cwd = os.getcwd()
    except OSError:
        return path
    if path == cwd:
        return "."
    return path[len(cwd) + 1 :] if path.startswith(cwd.rstrip("/") + "/") else path


def _check_place(target: str, inputs: Sequence[str]) -> None:
    """Refuse the folders that must never be replaced, whatever they hold."""
    if target == "/":
        raise RefusedError("is the root folder")
    cwd = os.getcwd()
    if target == cwd:
        raise RefusedError("is the working directory; name a folder of the render's own (e.g. -o rendered)")
    if cwd.startswith(target.rstrip("/") + "/"):
        raise RefusedError(f"holds the working directory ({cwd})")
    home = os.path.expanduser("~")
    if home != "~" and os.path.isdir(home) and os.path.realpath(home) == target:
        raise RefusedError("is the home folder")
    for given in inputs:
        if given == "-":
            continue
        real = os.path.realpath(given)
        if real == target:
            raise RefusedError(f"is an input ({given}); name another folder for the output")
        if real.startswith(target.rstrip("/") + "/"):
            raise RefusedError(f"holds the input {given}")
    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return
    if not stat.S_ISDIR(info.st_mode):
        raise RefusedError(
            f"is not a folder ({kind_of_file(info.st_mode)}); dpf-render writes a folder of its own"
        )
    if os.path.ismount(target):
        raise RefusedError("is a mount point, which dpf-render cannot replace; name a folder inside it")


def _check_contents(target: str, directory: str) -> None:
    """Refuse a folder that holds anything dpf-render did not write (by its marker)."""
    try:
        unknown, listed = _unknown_entries(target)
    except (FileNotFoundError, NotADirectoryError):
        return  # absent (or replaced by another render this very moment: checked again in turn)
    except OSError as exc:
        raise RefusedError(f"cannot look inside it: {exc.strerror}") from None
    if not unknown:
        return
    first = f"{directory.rstrip('/')}/{unknown[0]}"
    more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
    if listed is None:
        raise RefusedError(
            f"holds {first}{more}, which dpf-render did not write (there is no {MARKER} in it); it replaces "
            "only a folder that is absent, empty or its own: name another folder, or empty this one yourself"
        )
    raise RefusedError(
        f"holds {first}{more}, which its {MARKER} does not list (dpf-render did not write it); move it "
        "elsewhere or name another folder"
    )


def _unknown_entries(folder: str, *, partial: bool = False) -> tuple[list[str], set[str] | None]:
    """What in `folder` dpf-render did not write, by its marker, and the marker's list (None: no marker).

    A folder holding no files at all has nothing unknown. With `partial`, a marker alone (even half
    written) also does: that is how a staging copy looks when a crash stopped it right after creating it.
    """
    entries = [(path, info) for path, info in walk(folder)]
    files = [path for path, info in entries if not stat.S_ISDIR(info.st_mode)]
    if not files or (partial and files == [MARKER]):
        # A marker alone may be half written (a kill while writing it): the staging copy of a crash.
        return [], None
    listed = _read_marker(os.path.join(folder, MARKER))
    if listed is None:
        if MARKER in files:
            # Listed a moment ago and gone now: another render swapped the folder between the two looks (the
            # check before rendering takes no lock). The callers treat it as absent and look again in turn.
            raise FileNotFoundError(errno.ENOENT, "replaced while being read", folder)
        return files, None
    known_folders = {path[:i] for path in listed for i, c in enumerate(path) if c == "/"}
    device = os.lstat(folder).st_dev
    unknown = []
    for path, info in entries:
        if stat.S_ISDIR(info.st_mode):
            if path not in known_folders or info.st_dev != device:
                unknown.append(path)
        elif not stat.S_ISREG(info.st_mode) or (path not in listed and path != MARKER):
            unknown.append(path)
    return unknown, listed


def _read_marker(path: str) -> set[str] | None:
    """The paths a marker lists; None when there is none; RefusedError when it is not one this can read."""
    try:
        data = read_regular(path, _MAX_MARKER_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RefusedError(f"{shown(path)} cannot be read: {exc.strerror}") from None
    if data is None:
        raise RefusedError(f"{shown(path)} is not a regular file")
    try:
        lines = data.decode("utf-8").replace("\r\n", "\n").split("\n")
    except UnicodeDecodeError:
        lines = []
    version = lines[0][len(_HEADER) :] if lines and lines[0].startswith(_HEADER) else ""
    if not version.isascii() or not version.isdigit() or len(data) > _MAX_MARKER_BYTES:
        raise RefusedError(f"{shown(path)} is not a dpf-render output marker")
    if int(version) > MARKER_VERSION:
        raise RefusedError(
            f"{shown(path)} was written by a newer dpf-render (marker v{int(version)}; this one reads "
            f"v{MARKER_VERSION}): use that version"
        )
    return {line for line in lines[1:] if line and not line.startswith("#")}


def _remove_litter(parent: str, name: str) -> None:
    """Remove staging and old copies of `name` that a killed run left, when they hold nothing else."""
    prefixes = (f".{name}{_STAGING}", f".{name}{_OLD}")
    try:
        with os.scandir(parent) as entries:
            candidates = [e.path for e in entries if e.name.startswith(prefixes)]
    except OSError:
        return
    for path in candidates:
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode) or _unknown_entries(path, partial=True)[0]:
                continue
        except (OSError, RefusedError):
            continue  # not provably dpf-render's: left alone
        _remove(path)


def _retire(old: str, directory: str) -> list[str]:
    """Delete the replaced tree, unless something appeared in it while dpf-render wrote the new one."""
    try:
        unknown = _unknown_entries(old)[0]
    except (OSError, RefusedError):
        unknown = ["?"]
    if unknown:
        note = (
            f"-o {directory}: the previous folder, kept at {shown(old)}, holds {unknown[0]}, which dpf-render "
            "did not write (added while it rendered?): move what you need out of it, then delete it"
        )
        return [note]
    _remove(old)
    return []


class _Lost(OSError):
    """Another program changed the folder between the check and the swap."""


def _swap(staging: str, target: str, parent: str, name: str, directory: str) -> str | None:
    """Move the staged tree into place (no signal lands between the two renames); the old tree's path."""
    old = None
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        if os.path.lexists(target):
            old = os.path.join(parent, _fresh_name(parent, name, _OLD))
            try:
                os.rename(target, old)
            except FileNotFoundError:
                old = None  # gone meanwhile: nothing to keep
        try:
            os.rename(staging, target)
        except OSError:
            if old is not None:
                with contextlib.suppress(OSError):  # else left beside it, for the next run to remove
                    os.rename(old, target)
            raise _Lost(
                f"-o {directory}: another program wrote the folder while dpf-render did; nothing was replaced, "
                "run it again"
            ) from None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return old


def _fresh_name(parent: str, name: str, kind: str) -> str:
    while True:
        candidate = f".{name}{kind}{os.urandom(4).hex()}"
        if not os.path.lexists(os.path.join(parent, candidate)):
            return candidate


def _write(folder: str, path: str, content: str) -> None:
    with open(os.path.join(folder, path), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(content)


def _remove(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def kind_of_file(mode: int) -> str:
    """What a file that is not a folder is, for a message."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a folder"


class _ParentLock:
    """An exclusive advisory lock on the parent folder, so that renders into it take turns. Best effort:
    where a file system cannot lock (some network mounts), a render that loses the race says so instead."""

    __slots__ = ("fd", "folder")

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.fd: int | None = None

    def __enter__(self) -> Self:
        import fcntl

        try:
            self.fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            self.__exit__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock
            self.fd = None


class _Interruption:
    """SIGTERM, SIGHUP or Ctrl-C while the new tree is staged: unwind (exit 128 + signal) so that the staging
    copy is removed, instead of dying on the spot and leaving it behind. Once `committed` (the new tree is
    complete), a signal waits until the swap and the removal of the old tree are done. Python runs signal
    handlers in the main thread only; elsewhere the default actions stay."""

    __slots__ = ("committed", "pending", "previous")

    def __init__(self) -> None:
        self.previous: dict[int, Any] = {}
        self.committed = False
        self.pending: int | None = None

    def __enter__(self) -> Self:
        defaults = {
            signal.SIGTERM: signal.SIG_DFL,
            signal.SIGHUP: signal.SIG_DFL,
            signal.SIGINT: signal.default_int_handler,
        }
        try:
            for signum, default in defaults.items():
                if signal.getsignal(signum) == default:  # an ignored signal stays ignored
                    self.previous[signum] = signal.signal(signum, self.handle)
        except ValueError:  # not the main thread
            self.restore()
        return self

    def handle(self, signum: int, frame: object) -> None:  # noqa: ARG002 - the signal handler signature
        if self.committed:
            self.pending = signum
            return
        raise SystemExit(128 + signum)

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous.clear()

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.restore()
        if self.pending is not None and kind is None:
            raise SystemExit(128 + self.pending)
