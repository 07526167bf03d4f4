"""Inputs stay inside the folder they belong to, as kustomize's default load restrictor keeps them
(`LoadRestrictionsRootOnly`; docs/safety.md).

Generator mode (`spec.files`, KRM function and legacy plugin) reads only below the kustomization folder: no
absolute path, no `..` out of it, no symbolic link that resolves outside it. A folder input does not follow
a link out of the folder the user named. `loadRestrictor: none` (functionConfig) and `--load-restrictor none`
(CLI) lift it; Argo CD has no such switch (an Application's author would read other repositories on the repo
server). A refused path is an error naming it; nothing of what it points at reaches the output.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import config as config_mod
from kustomize_plugin import krm, yamlload

from .conftest import REPO, run_dpf_render, tool_env

EXAMPLE = REPO / "examples" / "producer-consumer"
INPUTS = sorted(p.name for p in EXAMPLE.glob("*.yaml"))
SECRET = "c3VwZXItc2VjcmV0"
SECRET_YAML = (
    "apiVersion: v1\nkind: Secret\nmetadata: {name: kubeconfig, namespace: dpf-operator-system}\n"
    f"data: {{token: {SECRET}}}\n"
)


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/outside/secret.yaml beside tmp/root/, a kustomization folder holding the example's inputs."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(SECRET_YAML)
    root = tmp_path / "root"
    root.mkdir()
    for name in INPUTS:
        shutil.copy(EXAMPLE / name, root / name)
    return root


def generator(root: Path, files: list[str], **spec: Any) -> tuple[str, int, list[dict[str, Any]]]:
    """The KRM function in generator mode, as kustomize runs it in the kustomization folder."""
    config = {"apiVersion": config_mod.API_VERSION, "kind": config_mod.KIND, "metadata": {"name": "r"}}
    config["spec"] = {"files": files, **spec}
    request = krm.Request()
    request.function_config = config
    request.resource_list = True
    outcome = krm.decide(request, cwd=str(root))
    text = krm.render_output(request, outcome)
    return text, outcome.code, [r.to_dict() for r in outcome.results]


def messages(results: list[dict[str, Any]]) -> str:
    return "\n".join(r["message"] for r in results if r["severity"] == "error")


@pytest.mark.parametrize(
    ("escape", "words"),
    [
        ("ABSOLUTE", ["absolute"]),
        ("../outside/secret.yaml", ["outside the kustomization folder"]),
        ("sub/../../outside/secret.yaml", ["outside the kustomization folder"]),
        ("link.yaml", ["link.yaml", "outside the kustomization folder"]),
        ("linkdir", ["linkdir", "outside the kustomization folder"]),
        ("folder", ["folder/secret.yaml", "outside"]),
    ],
    ids=["absolute", "dotdot", "dotdot inside", "file link", "folder link", "link in a listed folder"],
)
def test_generator_files_stay_in_the_kustomization(layout: Path, escape: str, words: list[str]) -> None:
    outside = layout.parent / "outside"
    (layout / "link.yaml").symlink_to(outside / "secret.yaml")
    (layout / "linkdir").symlink_to(outside)
    (layout / "folder").mkdir()
    (layout / "folder" / "secret.yaml").symlink_to(outside / "secret.yaml")
    path = str(outside / "secret.yaml") if escape == "ABSOLUTE" else escape
    text, code, results = generator(layout, [*INPUTS, path])
    assert code == 1
    assert SECRET not in text
    for word in words:
        assert word in messages(results)
    assert "loadRestrictor: none" in messages(results)


def test_links_inside_the_kustomization_are_read(layout: Path) -> None:
    (layout / "inner").mkdir()
    shutil.move(layout / "bfb.yaml", layout / "inner" / "bfb.yaml")
    (layout / "bfb.yaml").symlink_to(layout / "inner" / "bfb.yaml")
    _, code, results = generator(layout, INPUTS)
    assert code == 0, messages(results)


@pytest.mark.parametrize("spelling", ["none", "LoadRestrictionsNone"])
def test_the_opt_out_reads_outside(layout: Path, spelling: str) -> None:
    text, code, results = generator(layout, [*INPUTS, "../outside/secret.yaml"], loadRestrictor=spelling)
    assert code == 0, messages(results)
    assert SECRET in text


def test_the_opt_out_from_a_configmap(layout: Path) -> None:
    request = krm.Request()
    request.function_config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "r"},
        "data": {"files": ",".join([*INPUTS, "../outside/secret.yaml"]), "loadRestrictor": "none"},
    }
    request.resource_list = True
    outcome = krm.decide(request, cwd=str(layout))
    assert outcome.code == 0, [str(r) for r in outcome.results]


@pytest.mark.parametrize("value", ["sometimes", True, ["none"]])
def test_an_unknown_load_restrictor_is_an_error(layout: Path, value: Any) -> None:
    _, code, results = generator(layout, INPUTS, loadRestrictor=value)
    assert code == 1
    assert "spec.loadRestrictor must be rootOnly or none" in messages(results)


def test_the_legacy_plugin_is_confined_too(layout: Path) -> None:
    files = ", ".join([*INPUTS, "../outside/secret.yaml"])
    config = layout / "plugin-config.yaml"
    config.write_text(
        f"apiVersion: dpf-render.io/v1alpha1\nkind: DPUDeploymentRender\nmetadata: {{name: r}}\nspec: {{files: [{files}]}}\n"
    )
    done = run_dpf_render(str(config), cwd=layout)
    assert done.returncode == 1
    assert SECRET.encode() not in done.stdout + done.stderr
    assert b"outside the kustomization folder" in done.stderr
    config.write_text(config.read_text().replace("spec: {", "spec: {loadRestrictor: none, "))
    done = run_dpf_render(str(config), cwd=layout)
    assert done.returncode == 0, done.stderr.decode()
    assert SECRET.encode() in done.stdout


def folder_with_links(layout: Path) -> Path:
    (layout / "secret.yaml").symlink_to(layout.parent / "outside" / "secret.yaml")
    return layout


@pytest.mark.parametrize("args", [[], ["--namespace=dpf-operator-system"]], ids=["plain", "through click"])
def test_a_folder_input_does_not_follow_links_out_of_it(layout: Path, args: list[str]) -> None:
    folder = folder_with_links(layout)
    done = run_dpf_render("render", *args, str(folder), cwd=layout.parent)
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert done.stdout == b""
    assert "root/secret.yaml" in stderr
    assert "outside the folder" in stderr
    assert "--load-restrictor none" in stderr
    assert SECRET not in stderr


@pytest.mark.parametrize("args", [["--load-restrictor", "none"], ["--load-restrictor=none"]])
def test_the_cli_opt_out_follows_them(layout: Path, args: list[str]) -> None:
    folder = folder_with_links(layout)
    done = run_dpf_render("render", *args, "--keep-inputs", str(folder), cwd=layout.parent)
    assert done.returncode == 0, done.stderr.decode()
    assert SECRET.encode() in done.stdout


@pytest.mark.parametrize("command", ["describe", "check", "plan"])
def test_the_review_commands_are_confined_and_take_the_opt_out(layout: Path, command: str) -> None:
    folder = folder_with_links(layout)
    against = ["--against", str(layout.parent / "rendered")] if command == "check" else []
    paths = [str(folder), str(folder)] if command == "plan" else [str(folder)]
    done = run_dpf_render(command, *paths, *against, cwd=layout.parent)
    assert done.returncode == 1
    assert b"outside the folder" in done.stderr
    done = run_dpf_render(command, *paths, *against, "--load-restrictor", "none", cwd=layout.parent)
    assert b"outside the folder" not in done.stderr


def test_a_link_inside_the_folder_is_read(layout: Path) -> None:
    (layout / "sub").mkdir()
    shutil.move(layout / "bfb.yaml", layout / "sub" / "bfb.yaml")
    (layout / "bfb.yaml").symlink_to(Path("sub") / "bfb.yaml")
    (layout / "sub" / "bfb.yaml").rename(layout / "sub" / ".bfb.yaml")  # hidden: read through the link only
    (layout / "bfb.yaml").unlink()
    (layout / "bfb.yaml").symlink_to(Path("sub") / ".bfb.yaml")
    done = run_dpf_render("render", str(layout), cwd=layout.parent)
    assert done.returncode == 0, done.stderr.decode()


def test_a_link_to_a_folder_is_not_followed_and_says_so(layout: Path) -> None:
    (layout / "more").symlink_to(layout.parent / "outside")
    done = run_dpf_render("render", str(layout), cwd=layout.parent)
    assert done.returncode == 0, done.stderr.decode()
    assert b"warning: " in done.stderr
    assert b"root/more" in done.stderr
    assert SECRET.encode() not in done.stdout


def test_a_named_file_is_read_wherever_it_is(layout: Path) -> None:
    """The user named it: confinement is about what a folder holds, not about the arguments."""
    done = run_dpf_render(
        "render",
        "--keep-inputs",
        str(layout),
        str(layout.parent / "outside" / "secret.yaml"),
        cwd=layout.parent,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_argo_cd_has_no_opt_out(layout: Path) -> None:
    folder_with_links(layout)
    env = tool_env(ARGOCD_APP_NAMESPACE="dpf-operator-system", ARGOCD_ENV_LOAD_RESTRICTOR="none")
    done = run_dpf_render("argocd", "generate", str(layout), env=env, cwd=layout.parent)
    assert done.returncode == 1
    assert SECRET.encode() not in done.stdout + done.stderr
    assert b"outside the folder" in done.stderr


def test_the_generator_example_reads_its_own_copies() -> None:
    """The generator example reads files below its own folder (copies of the producer-consumer inputs)."""
    example = REPO / "examples" / "kustomize-generator"
    spec = yamlload.load_documents((example / "dpf-render.yaml").read_text())[0]["spec"]
    assert "loadRestrictor" not in spec
    for name in spec["files"]:
        assert not name.startswith(("/", "..")), name
        assert (example / name).read_bytes() == (EXAMPLE / name).read_bytes()
