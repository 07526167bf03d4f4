"""What users install: the sdist and wheel that `python -m build` makes, and the single-file build.

The artefacts are built once per session (network: the build backend and the pinned dependencies come from
PyPI). The end-to-end tests run against them as well: scripts/check-dist.sh installs the wheel with pip and
with pipx and points the kustomize, kubectl, kpt and Argo CD tests at each install and at the single file
(DPF_RENDER_EXECUTABLE, see tests/conftest.py).
"""

from __future__ import annotations

import email
import email.message
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from kustomize_plugin import __version__, yamlload

from .conftest import HANG_GUARD, PRODUCER_CONSUMER, REPO, run_dpf_render

sys.path.insert(0, str(REPO / "scripts"))
import build_zipapp  # a script, found through the path set just above

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # builds and installs the wheel and the single file

PINS = REPO / "scripts" / "requirements-pinned.txt"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PACKAGE_DATA = (
    "py.typed",
    "templates/plan.md.j2",
    "kustomize/name-references.yaml",
    "schemas/plan-v1.json",
)


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=HANG_GUARD, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)])
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("*.whl")
    return found


@pytest.fixture(scope="session")
def sdist(dist: Path) -> Path:
    (found,) = dist.glob("*.tar.gz")
    return found


def metadata_of(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_string(archive.read(name).decode("utf-8"))


def pins() -> dict[str, str]:
    lines = (line.split("#", 1)[0].strip() for line in PINS.read_text(encoding="utf-8").splitlines())
    return dict(line.split("==", 1) for line in lines if line)


# --- the wheel and the sdist -------------------------------------------------------------------------------


def test_wheel_metadata_is_complete(wheel: Path) -> None:
    meta = metadata_of(wheel)
    assert meta["Name"] == "dpf-render"
    assert meta["Version"] == __version__
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["License-File"] == "LICENSE"
    assert meta["Requires-Python"] == ">=3.11"
    assert meta["Description-Content-Type"] == "text/markdown"
    assert str(meta.get_payload()).strip() == (REPO / "README.md").read_text(encoding="utf-8").strip()
    urls = meta.get_all("Project-URL") or []
    assert urls, "at least one project URL"
    assert all(url.split(", ", 1)[1].startswith("https://") for url in urls), urls
    classifiers = set(meta.get_all("Classifier") or [])
    assert {"Typing :: Typed", "Programming Language :: Python :: 3 :: Only"} <= classifiers
    assert {Requirement(r).name for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r} == {
        Requirement(r).name for r in PROJECT["dependencies"]
    }


def test_wheel_holds_the_package_its_data_the_licence_and_the_entry_point(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    sources = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "kustomize_plugin").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert sources <= names
    assert {f"kustomize_plugin/{name}" for name in PACKAGE_DATA} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "[console_scripts]\ndpf-render = kustomize_plugin.__main__:main" in scripts


def test_sdist_holds_what_builds_the_wheel_and_no_tests(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"LICENSE", "README.md", "pyproject.toml", "PKG-INFO", "MANIFEST.in"} <= names
    assert {f"kustomize_plugin/{name}" for name in PACKAGE_DATA} <= names
    assert not any(n.startswith("tests/") for n in names)


def test_the_pins_satisfy_the_declared_dependencies() -> None:
    pinned = {name.lower(): version for name, version in pins().items()}
    declared = {Requirement(r).name.lower(): Requirement(r) for r in PROJECT["dependencies"]}
    # Every declared dependency is pinned, plus what they need (Jinja2 needs MarkupSafe) and nothing else.
    assert set(declared) <= set(pinned) == set(declared) | {"markupsafe"}
    for name, requirement in declared.items():
        assert requirement.specifier.contains(pinned[name]), (name, pinned[name], str(requirement))


def test_every_declared_dependency_is_imported_by_the_package() -> None:
    # Anything else would ship in the wheel's requirements, the sidecar and the single file for nothing: what
    # only the tests use belongs in the dev extra.
    import ast
    from importlib.metadata import packages_distributions

    imported: set[str] = set()
    for path in (REPO / "kustomize_plugin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    providers = packages_distributions()
    used = {dist.lower() for module in imported for dist in providers.get(module, [])}
    declared = {Requirement(r).name.lower() for r in PROJECT["dependencies"]}
    assert declared <= used, declared - used


def test_the_wheel_installs_into_a_fresh_venv_and_renders(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    env = {**os.environ, "PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run([str(venv / "bin" / "pip"), "install", "-q", "--constraint", str(PINS), str(wheel)], env=env)
    version = run([str(venv / "bin" / "dpf-render"), "--version"]).stdout
    assert version.startswith(f"dpf-render {__version__}\n")
    assert f"PyYAML {pins()['PyYAML']} (LibYAML)" in version
    rendered = run([str(venv / "bin" / "dpf-render"), "render", str(PRODUCER_CONSUMER)]).stdout
    assert rendered == run_dpf_render("render", str(PRODUCER_CONSUMER)).stdout.decode()


# --- the single file ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def single_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_zipapp.build(tmp_path_factory.mktemp("zipapp") / "dpf-render.pyz")


def test_the_single_file_is_the_same_bytes_when_built_again(single_file: Path, tmp_path: Path) -> None:
    again = build_zipapp.build(tmp_path / "again.pyz")
    assert (
        hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(single_file.read_bytes()).hexdigest()
    )


def test_the_single_file_vendors_exactly_the_pins_and_no_extension(single_file: Path) -> None:
    assert single_file.read_bytes().startswith(b"#!/usr/bin/env python3\n")
    assert os.access(single_file, os.X_OK)
    with zipfile.ZipFile(single_file) as archive:
        names = archive.namelist()
        manifest = archive.read("VENDORED.txt").decode()
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))]
    wheels = [line.split()[0] for line in manifest.splitlines() if line.endswith(tuple("0123456789abcdef"))]
    found = {w.split("-")[0].lower().replace("_", "-"): w.split("-")[1] for w in wheels}
    assert found == {name.lower(): version for name, version in pins().items()}
    assert {f"kustomize_plugin/{name}" for name in PACKAGE_DATA} <= set(names)
    assert "kustomize_plugin/__main__.pyc" in names, "bytecode beside the sources, where zipimport looks"
    assert any(n.endswith("/licenses/LICENSE") and n.startswith("pyyaml-") for n in names)


def test_the_single_file_renders_as_the_package_does(single_file: Path, tmp_path: Path) -> None:
    version = run([str(single_file), "--version"]).stdout
    assert version.startswith(f"dpf-render {__version__}\n")
    assert f"PyYAML {pins()['PyYAML']} (pure Python)" in version
    expected = run_dpf_render("render", str(PRODUCER_CONSUMER)).stdout.decode()
    assert run([str(single_file), "render", str(PRODUCER_CONSUMER)]).stdout == expected
    # Also run by an interpreter, from a copy without the executable bit.
    copy = tmp_path / "dpf-render.pyz"
    copy.write_bytes(single_file.read_bytes())
    assert run([sys.executable, str(copy), "render", str(PRODUCER_CONSUMER)]).stdout == expected


def test_check_dist_installs_exactly_as_the_readme_says() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (documented,) = [
        line.split("#", 1)[0].strip() for line in readme.splitlines() if line.startswith("pipx install")
    ]
    assert documented in (REPO / "scripts" / "check-dist.sh").read_text(encoding="utf-8")


def workflow_step(name: str) -> str:
    workflow = yamlload.load_documents(
        (REPO / "examples" / "github-actions" / "dpf-render.yaml").read_text()
    )[0]
    (step,) = [s for s in workflow["jobs"]["review"]["steps"] if s.get("name") == name]
    return str(step["run"])


def test_the_github_actions_example_runs_the_committed_single_file(single_file: Path, tmp_path: Path) -> None:
    # A repository laid out as the example's README says: inputs, their committed render, tools/dpf-render.
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    shutil.copytree(PRODUCER_CONSUMER, repo / "deploy", ignore=shutil.ignore_patterns("*.md", ".*"))
    shutil.copy(single_file, repo / "tools" / "dpf-render")
    runner = tmp_path / "runner"
    (runner / "temp").mkdir(parents=True)
    env = {
        **os.environ,
        "INPUTS": "deploy",
        "RENDERED": "rendered",
        "DPF_RENDER": "tools/dpf-render",
        "RUNNER_TEMP": str(runner / "temp"),
        "GITHUB_PATH": str(runner / "path"),
    }
    run(["bash", "-ec", workflow_step("Put dpf-render on PATH")], cwd=repo, env=env)
    env["PATH"] = f"{(runner / 'path').read_text().strip()}{os.pathsep}{env['PATH']}"
    run(["dpf-render", "render", "deploy", "-o", "rendered"], cwd=repo, env=env)
    run(["bash", "-ec", workflow_step("Check drift")], cwd=repo, env=env)


def test_the_single_file_benchmark_runs() -> None:
    # docs/install.md quotes its full run; the quick one keeps the script working.
    done = run([sys.executable, str(REPO / "scripts" / "bench_zipapp.py"), "--quick"])
    rows = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(rows) == 8, done.stdout  # header, rule, baseline, four cold starts, throughput
    assert not any("exit " in row for row in rows), done.stdout
