"""argocd/install (the kustomize Component) built with real kustomize, and the sidecar Dockerfile read for its facts.

The install is built the way a user builds argocd/example/argocd, with the upstream install.yaml (which
cannot be fetched here) swapped for a local stand-in of the two objects the component changes. No Docker
engine runs here, so the Dockerfile is parsed: base image, what is installed, the user, where plugin.yaml
lands, and that every file it copies exists in the build context.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import yamlload
from tests.cmp_runner import Plugin, require_tool

REPO = Path(__file__).resolve().parents[1]
ARGOCD = REPO / "argocd"
COMPONENT = ARGOCD / "install"
EXAMPLE = ARGOCD / "example" / "argocd" / "kustomization.yaml"
STANDIN = REPO / "tests" / "argocd_apps" / "argocd-install-standin"
UPSTREAM = re.compile(
    r"^- https://raw\.githubusercontent\.com/argoproj/argo-cd/v[0-9.]+/manifests/install\.yaml$", re.MULTILINE
)
HEALTH_KEY = "resource.customizations.health."
DPF_KINDS_WITH_STATUS = {
    "svc.dpu.nvidia.com_DPUDeployment",
    "svc.dpu.nvidia.com_DPUServiceTemplate",
    "svc.dpu.nvidia.com_DPUService",
    "svc.dpu.nvidia.com_DPUServiceInterface",
    "svc.dpu.nvidia.com_DPUServiceChain",
    "provisioning.dpu.nvidia.com_DPUSet",
    "provisioning.dpu.nvidia.com_BFB",
}

BUILDERS = {
    "kubectl": (["kubectl", "kustomize"], "https://kubernetes.io/docs/tasks/tools/"),
    "kustomize": (["kustomize", "build"], "scripts/install-tools.sh installs it"),
}


def build_example(
    tmp_path: Path, tool: str, *, discover: bool = False, edit: list[str] | None = None
) -> list[dict[str, Any]]:
    """argocd/example/argocd with the upstream resource pointing at the stand-in, built by `tool`.

    `discover` enables the optional discovery component as its comment says; `edit` runs
    `kustomize edit ...` in the folder first, as the docs tell users to.
    """
    command, how = BUILDERS[tool]
    require_tool(command[0], how)
    text = EXAMPLE.read_text(encoding="utf-8")
    assert UPSTREAM.search(text), "the example pins an upstream Argo CD release"
    folder = tmp_path / "argocd"
    folder.mkdir()
    # kustomize takes only relative paths for other kustomization roots.
    standin, component = (os.path.relpath(p, folder) for p in (STANDIN, COMPONENT))
    if discover:
        assert "# - ../../install/discover\n" in text
        text = text.replace("# - ../../install/discover\n", "- ../../install/discover\n")
    text = UPSTREAM.sub(f"- {standin}", text).replace("- ../../install", f"- {component}")
    (folder / "kustomization.yaml").write_text(text)
    if edit is not None:
        require_tool("kustomize", BUILDERS["kustomize"][1])
        done = subprocess.run(["kustomize", "edit", *edit], cwd=folder, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()
    done = subprocess.run([*command, str(folder)], capture_output=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return [d for d in yamlload.load_documents(done.stdout.decode()) if d]


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


@pytest.mark.e2e
@pytest.mark.parametrize("tool", sorted(BUILDERS))
def test_install_patches_the_repo_server_with_the_sidecar(tmp_path: Path, tool: str) -> None:
    docs = build_example(tmp_path, tool)
    deployment = find(docs, "Deployment", "argocd-repo-server")
    assert deployment["metadata"]["namespace"] == "argocd"
    pod = deployment["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in pod["containers"]}
    assert set(containers) == {"argocd-repo-server", "dpf-render"}, "the repo-server container is kept"
    assert [c["name"] for c in pod["initContainers"]] == ["copyutil"], "argocd-cmp-server still gets copied"
    sidecar = containers["dpf-render"]
    assert (
        sidecar["image"] == "dpf-render-cmp:0.1.0"
    )  # a kind/k3d cluster with the image loaded takes it as is
    assert sidecar["command"] == ["/var/run/argocd/argocd-cmp-server"]
    assert sidecar["securityContext"]["runAsUser"] == 999
    assert sidecar["securityContext"]["runAsNonRoot"] is True
    mounts = {m["mountPath"]: m["name"] for m in sidecar["volumeMounts"]}
    assert mounts["/var/run/argocd"] == "var-files"
    assert mounts["/home/argocd/cmp-server/plugins"] == "plugins"
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert {"var-files", "plugins", "tmp", "ssh-known-hosts"} <= set(volumes), "the base's volumes are kept"
    own_tmp = mounts["/tmp"]
    assert "emptyDir" in volumes[own_tmp]
    repo_server_volumes = {m["name"] for m in containers["argocd-repo-server"]["volumeMounts"]}
    assert own_tmp not in repo_server_volumes, "the sidecar's /tmp is its own, not the repo-server's"
    assert pod.get("automountServiceAccountToken") is False, "the rest of the base is untouched"
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/default-container"] == "argocd-repo-server"


@pytest.mark.e2e
@pytest.mark.parametrize("tool", sorted(BUILDERS))
def test_the_discover_component_adds_a_second_sidecar_serving_the_discovering_plugin(
    tmp_path: Path, tool: str
) -> None:
    docs = build_example(tmp_path, tool, discover=True)
    pod = find(docs, "Deployment", "argocd-repo-server")["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in pod["containers"]}
    assert set(containers) == {"argocd-repo-server", "dpf-render", "dpf-render-discover"}
    named, discovering = containers["dpf-render"], containers["dpf-render-discover"]
    assert discovering["image"] == named["image"]
    assert named["command"] == ["/var/run/argocd/argocd-cmp-server"]  # reads config/plugin.yaml
    assert discovering["command"] == [
        "/var/run/argocd/argocd-cmp-server",
        "--config-dir-path",
        "/home/argocd/cmp-server/discover",
    ]
    for sidecar in (named, discovering):
        mounts = {m["mountPath"]: m["name"] for m in sidecar["volumeMounts"]}
        assert mounts["/home/argocd/cmp-server/plugins"] == "plugins", (
            "both sockets where the repo-server looks"
        )
        assert mounts["/var/run/argocd"] == "var-files"
        assert sidecar["securityContext"]["runAsUser"] == 999
    tmps = {
        c["name"]: {m["mountPath"]: m["name"] for m in c["volumeMounts"]}["/tmp"]
        for c in (named, discovering)
    }
    assert len(set(tmps.values())) == 2, "each sidecar has a /tmp of its own"


@pytest.mark.e2e
def test_the_documented_image_override_sets_both_sidecars(tmp_path: Path) -> None:
    image = "registry.internal:5000/platform/dpf-render-cmp:0.1.0"
    docs = build_example(
        tmp_path, "kustomize", discover=True, edit=["set", "image", f"dpf-render-cmp={image}"]
    )
    pod = find(docs, "Deployment", "argocd-repo-server")["spec"]["template"]["spec"]
    images = {c["name"]: c["image"] for c in pod["containers"]}
    assert images["dpf-render"] == images["dpf-render-discover"] == image


def test_no_placeholder_is_left_to_replace() -> None:
    # Values a user must edit before anything works do not belong in files meant to be copied as they are.
    for path in [*ARGOCD.rglob("*.yaml"), ARGOCD / "Dockerfile"]:
        text = path.read_text(encoding="utf-8")
        for placeholder in ("example.com", "OWNER", "/you/"):
            assert placeholder not in text, f"{path.relative_to(REPO)} holds {placeholder!r}"


@pytest.mark.e2e
@pytest.mark.parametrize("tool", sorted(BUILDERS))
def test_install_adds_the_health_checks_to_argocd_cm(tmp_path: Path, tool: str) -> None:
    docs = build_example(tmp_path, tool)
    configmap = find(docs, "ConfigMap", "argocd-cm")  # merged in place: same name, no hash suffix
    data = configmap["data"]
    assert data["url"] == "https://argocd.example.com", "the keys already in argocd-cm are kept"
    health = {k.removeprefix(HEALTH_KEY): v for k, v in data.items() if k.startswith(HEALTH_KEY)}
    assert set(health) == DPF_KINDS_WITH_STATUS
    script = (COMPONENT / "health.lua").read_text(encoding="utf-8")
    assert all(value == script for value in health.values())
    assert configmap["metadata"]["labels"]["app.kubernetes.io/part-of"] == "argocd"


def test_component_names_every_health_kind_and_only_its_own_files() -> None:
    (component,) = yamlload.load_documents((COMPONENT / "kustomization.yaml").read_text(encoding="utf-8"))
    assert component["kind"] == "Component"
    (generator,) = component["configMapGenerator"]
    assert generator["behavior"] == "merge"
    keys = dict(entry.split("=", 1) for entry in generator["files"])
    assert {k.removeprefix(HEALTH_KEY) for k in keys} == DPF_KINDS_WITH_STATUS
    for path in [*keys.values(), *(p["path"] for p in component["patches"])]:
        assert (COMPONENT / path).is_file(), path
        assert ".." not in Path(path).parts, "kustomize loads files only from inside the component"


# --- the sidecar image ------------------------------------------------------------------------------------------


class Instruction:
    __slots__ = ("args", "keyword", "line")

    def __init__(self, keyword: str, args: str, line: int) -> None:
        self.keyword = keyword
        self.args = args
        self.line = line

    def __repr__(self) -> str:
        return f"{self.keyword} {self.args} (line {self.line})"


def parse_dockerfile(text: str) -> list[list[Instruction]]:
    """Instructions grouped by stage (a leading ARG group first), continuation lines joined, comments dropped."""
    stages: list[list[Instruction]] = [[]]
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        start = start or number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append(Instruction(keyword.upper(), " ".join(args.split()), start))
        pending, start = "", 0
    assert not pending, "a continuation line runs off the end of the Dockerfile"
    return stages


def split_flags(args: str) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    words = shlex.split(args)
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    return flags, words


@pytest.fixture(scope="module")
def dockerfile() -> list[list[Instruction]]:
    return parse_dockerfile((ARGOCD / "Dockerfile").read_text(encoding="utf-8"))


def test_sidecar_image_is_python_slim_with_a_python_the_project_supports(
    dockerfile: list[list[Instruction]],
) -> None:
    args = dict(i.args.split("=", 1) for i in dockerfile[0] if i.keyword == "ARG" and "=" in i.args)
    final = dockerfile[-1]
    base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], final[0].args.split()[0])
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base
    minor = int(base.split(":")[1].split("-")[0].split(".")[1])
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = re.fullmatch(r">=\s*3\.(\d+)", project["requires-python"])
    assert required is not None
    assert minor >= int(required.group(1))


def test_sidecar_image_installs_dpf_render_and_kustomize(dockerfile: list[list[Instruction]]) -> None:
    runs = [i.args for i in dockerfile[-1] if i.keyword == "RUN"]
    apt = [r for r in runs if "apt-get install" in r]
    assert any("kustomize" in shlex.split(r) for r in apt), runs
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    assert any(re.search(rf"\bpip install\b.*\s{re.escape(project)}(\s|$)", r) for r in runs), runs
    assert any("dpf-render --version" in r for r in runs), "the image build runs the console script once"
    builder = dockerfile[1]
    assert any(i.keyword == "RUN" and "pip wheel" in i.args for i in builder)


def test_sidecar_image_pins_the_dependencies_the_single_file_vendors(
    dockerfile: list[list[Instruction]],
) -> None:
    # One set of pins for every artefact: the image, the single-file build (scripts/build_zipapp.py) and
    # the wheel checks (scripts/check-dist.sh).
    builder = dockerfile[1]
    (wheel,) = [i.args for i in builder if i.keyword == "RUN" and "pip wheel" in i.args]
    assert "--constraint scripts/requirements-pinned.txt" in wheel
    copies = [split_flags(i.args)[1] for i in builder if i.keyword == "COPY"]
    assert ["scripts/requirements-pinned.txt", "./scripts/"] in copies
    build_zipapp = (REPO / "scripts" / "build_zipapp.py").read_text(encoding="utf-8")
    assert '"requirements-pinned.txt"' in build_zipapp


def test_sidecar_image_runs_as_999_without_writing_bytecode(dockerfile: list[list[Instruction]]) -> None:
    final = dockerfile[-1]
    users = [i.args for i in final if i.keyword == "USER"]
    assert users, "the image sets its user"
    assert users[-1].split(":")[0] == "999", "numeric, so runAsNonRoot can verify it"
    env: dict[str, str] = {}
    for instruction in (i for i in final if i.keyword == "ENV"):
        for word in shlex.split(instruction.args):
            key, _, value = word.partition("=")
            env[key] = value
    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert any(i.keyword == "RUN" and "--uid 999" in i.args for i in final), "uid 999 has a passwd entry"


def test_sidecar_image_bakes_plugin_yaml_where_argocd_cmp_server_reads_it(
    dockerfile: list[list[Instruction]],
) -> None:
    copies = [split_flags(i.args) for i in dockerfile[-1] if i.keyword == "COPY"]
    targets = {words[-1]: words[:-1] for flags, words in copies if "from" not in flags}
    assert targets["/home/argocd/cmp-server/config/plugin.yaml"] == ["argocd/plugin.yaml"]
    assert targets["/home/argocd/cmp-server/discover/plugin.yaml"] == ["argocd/discover/plugin.yaml"]
    assert Plugin(REPO / "argocd" / "plugin.yaml").name == "dpf-render"
    assert Plugin(REPO / "argocd" / "discover" / "plugin.yaml").name == "dpf-render-discover"


def test_everything_the_dockerfile_copies_is_in_the_build_context(
    dockerfile: list[list[Instruction]],
) -> None:
    sources: list[str] = []
    for stage in dockerfile:
        for instruction in stage:
            if instruction.keyword in ("COPY", "ADD"):
                flags, words = split_flags(instruction.args)
                if "from" not in flags:
                    sources.extend(words[:-1])
    assert sources
    for source in sources:
        assert (REPO / source).exists(), f"{source} is not in the build context (the repository root)"
    # pip builds the wheel from these: the readme that pyproject.toml names must be copied too.
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {"pyproject.toml", "kustomize_plugin", project["readme"]} <= set(sources)
