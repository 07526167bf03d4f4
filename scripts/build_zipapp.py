"""Build dpf-render as one executable file that needs only `python3` (3.11 or newer): a zipapp.

The file holds dpf-render's package and the pure-Python files of its dependencies at the versions pinned in
scripts/requirements-pinned.txt, plus a manifest of what was vendored (VENDORED.txt, with each wheel's sha256)
and the dependencies' licences. Compiled extensions cannot be imported from a zip, so they are left out:
PyYAML then parses with its pure-Python parser and MarkupSafe escapes in Python (docs/install.md gives the
cost). Each module is also stored compiled for the building interpreter (unchecked-hash .pyc files beside the
sources, where zipimport looks): that Python starts it without compiling anything, any other 3.11+ compiles
the sources in memory at each start.

The same inputs give the same bytes: the wheels are chosen for a fixed platform (only their pure-Python
files are used, so any platform's wheel serves), and the zip has sorted entries, fixed times and modes.

    python3 scripts/build_zipapp.py                     # dist/dpf-render.pyz
    python3 scripts/build_zipapp.py --out ~/bin/dpf-render
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import os
import py_compile
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PINS = REPO / "scripts" / "requirements-pinned.txt"
PACKAGE = "kustomize_plugin"
# Any platform's wheels hold the same pure-Python files; one fixed platform makes the choice reproducible.
PLATFORM = ("--platform", "manylinux_2_17_x86_64", "--python-version", "3.11", "--implementation", "cp")
SHEBANG = b"#!/usr/bin/env python3\n"
EPOCH = (1980, 1, 1, 0, 0, 0)
# What never goes into the archive: compiled extensions and their sources, stub packages that import them,
# the wheels' install records (they list the extensions).
SKIPPED = re.compile(r"(\.(so|pyd|c|h|pyx|pxd)$)|(^_yaml/)|(\.dist-info/(RECORD|WHEEL|INSTALLER)$)")
# The package files a wheel of dpf-render holds: its modules and pyproject.toml's package-data.
with (REPO / "pyproject.toml").open("rb") as _pyproject:
    PACKAGE_FILES = ("**/*.py", *tomllib.load(_pyproject)["tool"]["setuptools"]["package-data"][PACKAGE])
MAIN = '''\
"""dpf-render, single-file build (scripts/build_zipapp.py); VENDORED.txt lists what it carries."""
import sys

if sys.version_info < (3, 11):
    sys.exit(f"dpf-render needs Python 3.11 or newer, not {sys.version.split()[0]} ({sys.executable})")

from kustomize_plugin.__main__ import main

main()
'''


def pinned() -> list[str]:
    """`name==version` lines of the pins file."""
    lines = [line.split("#", 1)[0].strip() for line in PINS.read_text(encoding="utf-8").splitlines()]
    pins = [line for line in lines if line]
    for pin in pins:
        if not re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9._+-]+", pin):
            raise SystemExit(f"{PINS}: {pin!r} is not an exact name==version pin")
    return pins


def download(pins: list[str], into: Path) -> list[Path]:
    """One wheel per pin, for the fixed platform, without dependencies (the pins are the complete set)."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    command += [*PLATFORM, "--dest", str(into), *pins]
    env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(command, check=True, env=env)
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != len(pins):
        raise SystemExit(f"expected {len(pins)} wheels for {pins}, got {[w.name for w in wheels]}")
    return wheels


def vendored_files(wheels: list[Path]) -> tuple[dict[str, bytes], str]:
    """The pure-Python files of the wheels, by archive path, and the manifest text."""
    files: dict[str, bytes] = {}
    manifest = ["# Vendored into this dpf-render single-file build (scripts/build_zipapp.py).", ""]
    for wheel in wheels:
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        manifest.append(f"{wheel.name} sha256={digest}")
        with zipfile.ZipFile(wheel) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith("/") or SKIPPED.search(name):
                    continue
                files[name] = archive.read(name)
    manifest.append("")
    return files, "\n".join(manifest)


def package_files() -> dict[str, bytes]:
    root = REPO / PACKAGE
    found: dict[str, bytes] = {}
    for pattern in PACKAGE_FILES:
        for path in root.glob(pattern):
            if "__pycache__" not in path.parts and path.is_file():
                found[f"{PACKAGE}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
    return found


def compiled(files: dict[str, bytes], scratch: Path) -> dict[str, bytes]:
    """`<module>.pyc` beside each `<module>.py`, as zipimport expects, checked by hash rather than mtime."""
    out: dict[str, bytes] = {}
    for name, source in files.items():
        if not name.endswith(".py"):
            continue
        path = scratch / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source)
        target = path.with_suffix(".pyc")
        py_compile.compile(
            str(path),
            cfile=str(target),
            dfile=name,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        out[name[:-3] + ".pyc"] = target.read_bytes()
    return out


def write_archive(out: Path, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            # Bytecode is what a start reads: stored, it needs no inflating (a few ms per start); the rest is
            # read only by another Python version, or never, and is compressed.
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".pyc") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_bytes(SHEBANG + buffer.getvalue())
    temporary.chmod(0o755)
    temporary.replace(out)


def build(out: Path, *, wheels_dir: Path | None = None, bytecode: bool = True) -> Path:
    pins = pinned()
    with tempfile.TemporaryDirectory(prefix="dpf-render-zipapp-") as scratch:
        where = wheels_dir or Path(scratch, "wheels")
        where.mkdir(parents=True, exist_ok=True)
        files, manifest = vendored_files(download(pins, where))
        files.update(package_files())
        files["__main__.py"] = MAIN.encode()
        files["VENDORED.txt"] = manifest.encode()
        if bytecode:
            files.update(compiled(files, Path(scratch, "compiled")))
    write_archive(out, files)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "dist" / "dpf-render.pyz", help="the file to write"
    )
    parser.add_argument("--wheels", type=Path, help="keep the downloaded wheels here (default: a temp dir)")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="sources only (no .pyc for this Python version)"
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("pip") is None:
        raise SystemExit(f"{sys.executable} has no pip, which downloads the pinned wheels")
    out = build(args.out.absolute(), wheels_dir=args.wheels, bytecode=not args.no_bytecode)
    size = out.stat().st_size
    print(
        f"wrote {out} ({size / 1024:.0f} KiB, for Python {sys.version_info.major}.{sys.version_info.minor}+)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
