"""End to end through the real tools: standalone kustomize, kubectl kustomize (legacy plugin), kpt.

Each example under examples/ is built with its tool and compared byte for byte with its committed
expected.yaml, and its children with those of `dpf-render render examples/producer-consumer`, so every mode
renders the same objects. Each tool also gets an error case (the message must reach the user on stderr, with a
non-zero exit), and the KRM hygiene and re-render rules are checked on what the tools really send and write.
A missing tool skips the test with how to install it, or fails under DPF_RENDER_E2E=required (CI).
`scripts/update-golden.sh` (pytest --update-golden) rewrites the examples' expected.yaml too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import emit, lock, naming, yamldump, yamlload

from .conftest import (
    EXAMPLE_INPUT_FILES,
    HANG_GUARD,
    PRODUCER_CONSUMER,
    REPO,
    dpf_render_bin,
    missing_tool,
    require_tool,
    tool_env,
)
from .golden_util import assert_golden

pytestmark = pytest.mark.e2e

EXAMPLES = REPO / "examples"
SOURCE_EXAMPLE = PRODUCER_CONSUMER
INPUT_FILES = EXAMPLE_INPUT_FILES
OWNER_LABEL = naming.OWNER_LABEL
CHILD_KINDS = tuple(sorted(emit.CHILD_KINDS))
LOCAL_CONFIG = lock.LOCAL_CONFIG
ORCHESTRATOR_PREFIXES = ("internal.config.kubernetes.io/", "kustomize.config.k8s.io/")
ORCHESTRATOR_KEYS = ("config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id")

INSTALL = {
    "kustomize": "bash scripts/install-tools.sh (kustomize 5.x from Debian trixie, see TOOLING.md)",
    "kubectl": "install kubectl >= 1.27 (it embeds kustomize 5)",
    "kpt": "install kpt 1.0.0-beta (https://kpt.dev/installation/)",
}


# --- helpers -------------------------------------------------------------------------------------------


def tool(name: str) -> str:
    """The tool's path; skip (or fail under DPF_RENDER_E2E=required) when it is missing or too old."""
    path = require_tool(name, f"install it: {INSTALL[name]}")
    if name == "kustomize" and "--enable-exec" not in _help(path):
        missing_tool(
            f"{path} cannot run exec KRM functions (no --enable-exec); install kustomize 5: {INSTALL[name]}"
        )
    return path


def _help(path: str) -> str:
    done = subprocess.run(
        [path, "build", "--help"], capture_output=True, text=True, check=False, timeout=HANG_GUARD
    )
    return done.stdout


@pytest.fixture(scope="session")
def env() -> dict[str, str]:
    """The environment for the tools: the dpf-render under test first on PATH, so they find it by name."""
    assert (dpf_render_bin() / "dpf-render").exists(), "dpf-render is not installed (pip install -e .)"
    out = tool_env()
    for leaked in ("KUSTOMIZE_PLUGIN_CONFIG_STRING", "KUSTOMIZE_PLUGIN_HOME"):
        out.pop(leaked, None)
    return out


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=HANG_GUARD
    )


def succeeded(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{' '.join(done.args)} exited {done.returncode}:\n{done.stderr}"
    return done.stdout


def documents(text: str) -> list[dict[str, Any]]:
    return [d for d in yamlload.load_documents(text, source="<output>") if isinstance(d, dict)]


def annotations_of(obj: dict[str, Any]) -> dict[str, Any]:
    return dict((obj.get("metadata") or {}).get("annotations") or {})


def is_child(obj: dict[str, Any]) -> bool:
    return obj.get("kind") in CHILD_KINDS and OWNER_LABEL in ((obj.get("metadata") or {}).get("labels") or {})


def children(text: str) -> list[dict[str, Any]]:
    """The generated objects of an output, in a tool-independent order (kustomize sorts, kpt does not)."""
    found = [d for d in documents(text) if is_child(d)]
    return sorted(found, key=lambda d: (d["kind"], d["metadata"]["namespace"], d["metadata"]["name"]))


def names(objs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(o["kind"], o["metadata"]["name"]) for o in objs]


@pytest.fixture(scope="session")
def reference_children(env: dict[str, str]) -> list[dict[str, Any]]:
    """The children the plain CLI renders from the producer-consumer example: every mode must match them."""
    found = children(succeeded(run(["dpf-render", "render", str(SOURCE_EXAMPLE)], env)))
    assert len(found) == 7, names(found)
    return found


def copy_example(name: str, to: Path) -> Path:
    target = to / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def break_reference(package: Path) -> None:
    """Point the consumer service at a template that does not exist."""
    deployment = package / "dpudeployment.yaml"
    text = deployment.read_text(encoding="utf-8")
    assert "serviceTemplate: consumer" in text
    deployment.write_text(
        text.replace("serviceTemplate: consumer", "serviceTemplate: nosuch"), encoding="utf-8"
    )


MISSING_TEMPLATE = (
    "DPUDeployment dpf-operator-system/producer-consumer spec.services.consumer.serviceTemplate: "
    "error while getting the DPUDeployment dependencies"
)
# The same problem as kpt prints a result: `[error] <apiVersion>/<Kind>/<ns>/<name> <field>: <message>`.
MISSING_TEMPLATE_RESULT = (
    "[error] svc.dpu.nvidia.com/v1alpha1/DPUDeployment/dpf-operator-system/producer-consumer "
    "spec.services.consumer.serviceTemplate: error while getting the DPUDeployment dependencies"
)
EXEC_FUNCTION = """\
apiVersion: dpf-render.io/v1alpha1
kind: DPUDeploymentRender
metadata:
  name: dpf-render
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: {path}
spec: {spec}
"""
LEGACY_CONFIG = """\
apiVersion: dpf-render.io/v1alpha1
kind: DPUDeploymentRender
metadata:
  name: dpf-render
spec: {spec}
"""
FOREIGN = """\
# a comment that kpt restores through its ids
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: dpf-operator-system
  annotations:
    example.com/owner: team-a
    config.kubernetes.io/local-config: "false"
data:
  mode: "on"
---
apiVersion: svc.dpu.nvidia.com/v1alpha1
kind: DPUService
metadata:
  name: hand-written
  namespace: dpf-operator-system
  labels:
    svc.dpu.nvidia.com/owned-by-dpudeployment: dpf-operator-system_another-deployment
spec:
  helmChart:
    source: {repoURL: oci://example.com/charts, chart: x, version: 1.0.0}
"""


def kustomization(resources: Sequence[str], *, transformers: Sequence[str] = (), **extra: Any) -> str:
    doc: dict[str, Any] = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}
    doc.update(extra)
    if resources:
        doc["resources"] = list(resources)
    if transformers:
        doc["transformers"] = list(transformers)
    return yamldump.dump_document(doc)


def capture_script(directory: Path) -> Path:
    """An exec function that runs dpf-render and keeps what it received and returned, for hygiene checks."""
    script = write(
        directory / "capture.sh",
        "#!/bin/sh\n"
        f'cat > "{directory}/in.yaml"\n'
        f'dpf-render < "{directory}/in.yaml" > "{directory}/out.yaml"\n'
        "rc=$?\n"
        f'cat "{directory}/out.yaml"\n'
        "exit $rc\n",
    )
    script.chmod(0o755)
    return script


def assert_hygiene(captured: Path) -> None:
    """Foreign items come back unchanged with every annotation; children carry no orchestrator annotation."""
    (request_list,) = documents((captured / "in.yaml").read_text(encoding="utf-8"))
    (response,) = documents((captured / "out.yaml").read_text(encoding="utf-8"))
    assert response["kind"] == "ResourceList"
    sent = request_list["items"]
    returned = response["items"]
    foreign = [i for i in sent if i["kind"] == "ConfigMap" or i["metadata"]["name"] == "hand-written"]
    assert len(foreign) == 2
    for item in foreign:
        assert item in returned, f"{item['kind']} {item['metadata']['name']} was changed or dropped"
    generated = [i for i in returned if is_child(i) and i not in sent]
    assert len(generated) == 7
    for child in generated:
        bad = [
            k for k in annotations_of(child) if k.startswith(ORCHESTRATOR_PREFIXES) or k in ORCHESTRATOR_KEYS
        ]
        assert not bad, f"{child['kind']} {child['metadata']['name']} carries orchestrator annotations {bad}"
    ids = [
        (i["apiVersion"], i["kind"], i["metadata"].get("namespace"), i["metadata"]["name"]) for i in returned
    ]
    assert len(ids) == len(set(ids)), "duplicate objects in the function's output"


# --- standalone kustomize: exec KRM function -----------------------------------------------------------


def kustomize_build(
    directory: Path, env: dict[str, str], *, exec_functions: bool = True
) -> subprocess.CompletedProcess[str]:
    flags = ["--enable-alpha-plugins", "--enable-exec"] if exec_functions else ["--enable-alpha-plugins"]
    return run([tool("kustomize"), "build", *flags, str(directory)], env)


def test_kustomize_transformer_example_matches_golden(
    env: dict[str, str], reference_children: list[dict[str, Any]], update_golden: bool
) -> None:
    example = EXAMPLES / "kustomize-transformer"
    out = succeeded(kustomize_build(example, env))
    assert_golden(example / "expected.yaml", out, update=update_golden)
    assert children(out) == reference_children
    kinds = [d["kind"] for d in documents(out)]
    assert "DPUDeployment" not in kinds, "consumed inputs must not be applied"
    assert "DPUServiceTemplate" not in kinds
    assert kinds.count("BFB") == 1
    assert kinds.count("DPUFlavor") == 1


def test_kustomize_generator_example_matches_golden(
    env: dict[str, str], reference_children: list[dict[str, Any]], update_golden: bool
) -> None:
    example = EXAMPLES / "kustomize-generator"
    out = succeeded(kustomize_build(example, env))
    assert_golden(example / "expected.yaml", out, update=update_golden)
    assert children(out) == reference_children
    assert out == (EXAMPLES / "kustomize-transformer" / "expected.yaml").read_text(encoding="utf-8")


def test_kustomize_error_reaches_the_user(env: dict[str, str], tmp_path: Path) -> None:
    package = copy_example("kustomize-transformer", tmp_path)
    break_reference(package)
    done = kustomize_build(package, env)
    assert done.returncode != 0
    assert done.stdout == ""
    assert f"error: {MISSING_TEMPLATE}" in done.stderr
    assert "DPUServiceTemplate 'nosuch' not found" in done.stderr
    assert "couldn't execute function" in done.stderr


def test_kustomize_generator_error_names_the_missing_file(env: dict[str, str], tmp_path: Path) -> None:
    write(tmp_path / "kustomization.yaml", kustomization([], generators=["dpf-render.yaml"]))
    write(
        tmp_path / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{files: [missing.yaml]}")
    )
    done = kustomize_build(tmp_path, env)
    assert done.returncode != 0
    assert "missing.yaml: no such file or directory" in done.stderr


def test_kustomize_empty_render_is_refused_unless_allowed(env: dict[str, str], tmp_path: Path) -> None:
    foreign = FOREIGN.split("---", maxsplit=1)[0]
    write(tmp_path / "cm.yaml", foreign)
    write(tmp_path / "kustomization.yaml", kustomization(["cm.yaml"], transformers=["dpf-render.yaml"]))
    write(tmp_path / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{}"))
    done = kustomize_build(tmp_path, env)
    assert done.returncode != 0
    assert "no DPF children were rendered: the inputs hold no DPUDeployment" in done.stderr
    assert "would prune every child" in done.stderr
    assert "allowEmpty" in done.stderr

    write(tmp_path / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{allowEmpty: true}"))
    out = succeeded(kustomize_build(tmp_path, env))
    assert [d["metadata"]["name"] for d in documents(out)] == ["settings"]


def test_kustomize_passes_foreign_items_through_and_children_are_clean(
    env: dict[str, str], tmp_path: Path
) -> None:
    for name in INPUT_FILES:
        shutil.copy(SOURCE_EXAMPLE / name, tmp_path / name)
    write(tmp_path / "foreign.yaml", FOREIGN)
    write(
        tmp_path / "kustomization.yaml",
        kustomization([*INPUT_FILES, "foreign.yaml"], transformers=["dpf-render.yaml"]),
    )
    write(tmp_path / "dpf-render.yaml", EXEC_FUNCTION.format(path="./capture.sh", spec="{}"))
    capture_script(tmp_path)
    out = succeeded(kustomize_build(tmp_path, env))
    assert_hygiene(tmp_path)
    settings = next(d for d in documents(out) if d["kind"] == "ConfigMap")
    assert annotations_of(settings) == {"example.com/owner": "team-a", LOCAL_CONFIG: "false"}


def test_kustomize_replaces_a_previous_render(
    env: dict[str, str], reference_children: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Children of an older render among the resources (a stale revision too) are replaced, not duplicated."""
    for name in INPUT_FILES:
        shutil.copy(SOURCE_EXAMPLE / name, tmp_path / name)
    previous = [
        c
        for c in documents((EXAMPLES / "kustomize-transformer" / "expected.yaml").read_text())
        if is_child(c)
    ]
    stale = next(c for c in previous if c["kind"] == "DPUService")
    stale = {**stale, "metadata": {**stale["metadata"], "name": "producer-zzzzz"}}
    write(tmp_path / "previous.yaml", yamldump.dump_stream([*previous, stale]))
    write(
        tmp_path / "kustomization.yaml",
        kustomization([*INPUT_FILES, "previous.yaml"], transformers=["dpf-render.yaml"]),
    )
    write(tmp_path / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{}"))
    out = succeeded(kustomize_build(tmp_path, env))
    assert children(out) == reference_children


# --- overlays and the nameReference configuration --------------------------------------------------------


def base_with_inputs(directory: Path, *, render: bool) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in INPUT_FILES:
        shutil.copy(SOURCE_EXAMPLE / name, directory / name)
    transformers = ["dpf-render.yaml"] if render else []
    write(directory / "kustomization.yaml", kustomization(list(INPUT_FILES), transformers=transformers))
    if render:
        write(directory / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{}"))
    return directory


def by_kind(out: str, kind: str) -> list[dict[str, Any]]:
    return [d for d in documents(out) if d["kind"] == kind]


def test_overlay_namespace_is_rendered_into_every_child(env: dict[str, str], tmp_path: Path) -> None:
    """A namespace overlay below dpf-render: children are computed for the final namespace."""
    base_with_inputs(tmp_path / "base", render=False)
    write(tmp_path / "prod" / "kustomization.yaml", kustomization(["../base"], namespace="prod"))
    write(
        tmp_path / "top" / "kustomization.yaml", kustomization(["../prod"], transformers=["dpf-render.yaml"])
    )
    write(tmp_path / "top" / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{}"))
    out = succeeded(kustomize_build(tmp_path / "top", env))
    rendered = children(out)
    assert len(rendered) == 7
    assert {c["metadata"]["namespace"] for c in rendered} == {"prod"}
    assert {c["metadata"]["labels"][OWNER_LABEL] for c in rendered} == {"prod_producer-consumer"}


def test_name_references_keep_children_consistent_under_name_prefix(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Render in the base, rename in an overlay: with the shipped configuration, references follow the names."""
    base_with_inputs(tmp_path / "base", render=True)
    configuration = succeeded(run(["dpf-render", "kustomize-name-references"], env))
    write(tmp_path / "prod" / "dpf-name-references.yaml", configuration)
    write(
        tmp_path / "prod" / "kustomization.yaml",
        kustomization(
            ["../base"], namePrefix="prod-", namespace="prod", configurations=["dpf-name-references.yaml"]
        ),
    )
    out = succeeded(kustomize_build(tmp_path / "prod", env))
    bfbs = {d["metadata"]["name"] for d in by_kind(out, "BFB")}
    flavors = {d["metadata"]["name"] for d in by_kind(out, "DPUFlavor")}
    interfaces = {d["metadata"]["name"] for d in by_kind(out, "DPUServiceInterface")}
    assert bfbs == {"prod-bf-bundle"}
    for dpuset in by_kind(out, "DPUSet"):
        assert dpuset["metadata"]["namespace"] == "prod"
        assert dpuset["spec"]["dpuTemplate"]["spec"]["bfb"]["name"] in bfbs
        assert dpuset["spec"]["dpuTemplate"]["spec"]["dpuFlavor"] in flavors
    services = by_kind(out, "DPUService")
    assert services
    for service in services:
        assert service["spec"]["interfaces"]
        assert set(service["spec"]["interfaces"]) <= interfaces

    # Without the configuration the same overlay leaves the DPUSets pointing at names that no longer exist.
    write(
        tmp_path / "prod" / "kustomization.yaml",
        kustomization(["../base"], namePrefix="prod-", namespace="prod"),
    )
    out = succeeded(kustomize_build(tmp_path / "prod", env))
    assert {d["spec"]["dpuTemplate"]["spec"]["bfb"]["name"] for d in by_kind(out, "DPUSet")} == {"bf-bundle"}


def test_name_references_with_service_keys_keep_dpudeployment_references(
    env: dict[str, str], tmp_path: Path
) -> None:
    """DPUDeployment references, services included when the per-key paths are generated from the inputs."""
    base = base_with_inputs(tmp_path / "base", render=False)
    configuration = succeeded(run(["dpf-render", "kustomize-name-references", str(base)], env))
    write(tmp_path / "prod" / "dpf-name-references.yaml", configuration)
    write(
        tmp_path / "prod" / "kustomization.yaml",
        kustomization(["../base"], namePrefix="prod-", configurations=["dpf-name-references.yaml"]),
    )
    out = succeeded(kustomize_build(tmp_path / "prod", env, exec_functions=False))
    (deployment,) = by_kind(out, "DPUDeployment")
    existing = {(d["kind"], d["metadata"]["name"]) for d in documents(out)}
    assert ("BFB", deployment["spec"]["dpus"]["bfb"]) in existing
    assert ("DPUFlavor", deployment["spec"]["dpus"]["flavor"]) in existing
    for service in deployment["spec"]["services"].values():
        assert ("DPUServiceTemplate", service["serviceTemplate"]) in existing
        assert ("DPUServiceConfiguration", service["serviceConfiguration"]) in existing

    # The shipped file alone cannot reach map keys: the services keep their old, now dangling, names.
    shipped = succeeded(run(["dpf-render", "kustomize-name-references"], env))
    write(tmp_path / "prod" / "dpf-name-references.yaml", shipped)
    out = succeeded(kustomize_build(tmp_path / "prod", env, exec_functions=False))
    (deployment,) = by_kind(out, "DPUDeployment")
    assert deployment["spec"]["dpus"]["bfb"] == "prod-bf-bundle"
    assert {s["serviceTemplate"] for s in deployment["spec"]["services"].values()} == {"producer", "consumer"}


def test_name_prefix_below_dpf_render_fails_loudly(env: dict[str, str], tmp_path: Path) -> None:
    """kustomize fixes name references only at the end of the build, after dpf-render ran: say so, never guess."""
    base_with_inputs(tmp_path / "base", render=False)
    write(
        tmp_path / "prod" / "dpf-name-references.yaml",
        succeeded(run(["dpf-render", "kustomize-name-references"], env)),
    )
    write(
        tmp_path / "prod" / "kustomization.yaml",
        # "p-": "prod-producer-consumer" would break the 20-character DPUDeployment name limit first.
        kustomization(["../base"], namePrefix="p-", configurations=["dpf-name-references.yaml"]),
    )
    write(
        tmp_path / "top" / "kustomization.yaml", kustomization(["../prod"], transformers=["dpf-render.yaml"])
    )
    write(tmp_path / "top" / "dpf-render.yaml", EXEC_FUNCTION.format(path="dpf-render", spec="{}"))
    done = kustomize_build(tmp_path / "top", env)
    assert done.returncode != 0
    assert "BFB 'bf-bundle' not found among the inputs" in done.stderr


# --- kubectl kustomize: legacy exec plugin ----------------------------------------------------------------


@pytest.fixture(scope="session")
def plugin_env(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment with the legacy plugin installed by `dpf-render install-kustomize-plugin DIR`."""
    root = tmp_path_factory.mktemp("kustomize-plugins")
    succeeded(run(["dpf-render", "install-kustomize-plugin", str(root)], env))
    return {**env, "KUSTOMIZE_PLUGIN_HOME": str(root)}


def kubectl_kustomize(directory: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([tool("kubectl"), "kustomize", "--enable-alpha-plugins", str(directory)], env)


def test_kubectl_legacy_plugin_example_matches_golden(
    plugin_env: dict[str, str], reference_children: list[dict[str, Any]], update_golden: bool
) -> None:
    example = EXAMPLES / "kubectl-legacy-plugin"
    out = succeeded(kubectl_kustomize(example, plugin_env))
    assert_golden(example / "expected.yaml", out, update=update_golden)
    assert children(out) == reference_children
    assert out == (EXAMPLES / "kustomize-transformer" / "expected.yaml").read_text(encoding="utf-8")


def test_kubectl_legacy_plugin_as_generator(
    plugin_env: dict[str, str], reference_children: list[dict[str, Any]], tmp_path: Path
) -> None:
    for name in INPUT_FILES:
        shutil.copy(SOURCE_EXAMPLE / name, tmp_path / name)
    write(tmp_path / "kustomization.yaml", kustomization([], generators=["dpf-render.yaml"]))
    write(tmp_path / "dpf-render.yaml", LEGACY_CONFIG.format(spec=f"{{files: [{', '.join(INPUT_FILES)}]}}"))
    out = succeeded(kubectl_kustomize(tmp_path, plugin_env))
    assert children(out) == reference_children
    assert out == (EXAMPLES / "kubectl-legacy-plugin" / "expected.yaml").read_text(encoding="utf-8")


def test_kubectl_legacy_plugin_generator_stays_in_the_kustomization(
    plugin_env: dict[str, str], tmp_path: Path
) -> None:
    """Files outside the kustomization are refused, as kustomize refuses its own; loadRestrictor lifts it."""
    files = ", ".join(os.path.relpath(SOURCE_EXAMPLE / name, tmp_path) for name in INPUT_FILES)
    write(tmp_path / "kustomization.yaml", kustomization([], generators=["dpf-render.yaml"]))
    write(tmp_path / "dpf-render.yaml", LEGACY_CONFIG.format(spec=f"{{files: [{files}]}}"))
    done = kubectl_kustomize(tmp_path, plugin_env)
    assert done.returncode != 0
    assert "outside the kustomization folder" in done.stderr
    write(
        tmp_path / "dpf-render.yaml", LEGACY_CONFIG.format(spec=f"{{loadRestrictor: none, files: [{files}]}}")
    )
    assert succeeded(kubectl_kustomize(tmp_path, plugin_env))


def test_kubectl_error_reaches_the_user(plugin_env: dict[str, str], tmp_path: Path) -> None:
    package = copy_example("kubectl-legacy-plugin", tmp_path)
    break_reference(package)
    done = kubectl_kustomize(package, plugin_env)
    assert done.returncode != 0
    assert done.stdout == ""
    assert f"error: {MISSING_TEMPLATE}" in done.stderr
    assert "failure in plugin configured via" in done.stderr


def test_kubectl_skips_exec_functions_silently(env: dict[str, str], tmp_path: Path) -> None:
    """Why the legacy plugin exists: kubectl ignores the exec function and outputs the raw DPUDeployment.

    (The example guards against that with dpf-render-must-run.yaml, tests/test_e2e_silent_skip.py; without
    the guard, the tool's own behaviour shows.)"""
    example = copy_example("kustomize-transformer", tmp_path)
    kustomization = example / "kustomization.yaml"
    kustomization.write_text(
        "".join(
            line for line in kustomization.read_text().splitlines(True) if "dpf-render-must-run" not in line
        )
    )
    out = succeeded(kubectl_kustomize(example, env))
    assert [d for d in documents(out) if d["kind"] == "DPUDeployment"]
    assert not children(out)


def test_standalone_kustomize_runs_the_legacy_plugin_too(plugin_env: dict[str, str]) -> None:
    example = EXAMPLES / "kubectl-legacy-plugin"
    out = succeeded(kustomize_build(example, plugin_env, exec_functions=False))
    assert out == (example / "expected.yaml").read_text(encoding="utf-8")


# --- kpt ----------------------------------------------------------------------------------------------------


def kpt(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run([tool("kpt"), "fn", *args], env, cwd)


def test_kpt_fn_render_example_matches_golden(
    env: dict[str, str], reference_children: list[dict[str, Any]], update_golden: bool
) -> None:
    example = EXAMPLES / "kpt"
    out = succeeded(kpt(["render", str(example), "--allow-exec", "-o", "unwrap"], env))
    assert_golden(example / "expected.yaml", out, update=update_golden)
    assert children(out) == reference_children
    consumed = [
        d
        for d in documents(out)
        if d["kind"] in ("DPUDeployment", "DPUServiceTemplate", "DPUServiceConfiguration")
    ]
    assert len(consumed) == 5
    assert all(annotations_of(d).get(LOCAL_CONFIG) == "true" for d in consumed)


def test_kpt_fn_eval_example_matches_golden(
    env: dict[str, str], reference_children: list[dict[str, Any]]
) -> None:
    example = EXAMPLES / "kpt"
    out = succeeded(kpt(["eval", str(example), "--exec", "dpf-render", "-o", "unwrap"], env))
    assert out == (example / "expected.yaml").read_text(encoding="utf-8")
    assert children(out) == reference_children


@pytest.mark.parametrize("mode", ["eval", "render"])
def test_kpt_error_reaches_the_user(env: dict[str, str], tmp_path: Path, mode: str) -> None:
    package = copy_example("kpt", tmp_path)
    break_reference(package)
    before = {p.name: p.read_bytes() for p in package.iterdir()}
    args = (
        ["eval", str(package), "--exec", "dpf-render"]
        if mode == "eval"
        else ["render", str(package), "--allow-exec"]
    )
    done = kpt(args, env)
    assert done.returncode != 0
    assert '[FAIL] "dpf-render"' in done.stderr
    assert MISSING_TEMPLATE_RESULT in done.stderr
    assert f"error: dpudeployment.yaml: {MISSING_TEMPLATE}" in done.stderr
    assert {p.name: p.read_bytes() for p in package.iterdir()} == before, (
        "a failed run must not touch the package"
    )


def child_files(package: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(package)): p.read_bytes()
        for p in sorted((package / "dpf-operator-system").glob("*.yaml"))
    }


def source_files(package: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(package.iterdir()) if p.is_file()}


def test_kpt_render_in_place_replaces_children_and_keeps_sources(
    env: dict[str, str], reference_children: list[dict[str, Any]], tmp_path: Path
) -> None:
    package = copy_example("kpt", tmp_path)
    succeeded(kpt(["render", str(package), "--allow-exec"], env))
    first_children, first_sources = child_files(package), source_files(package)
    assert sorted(first_children) == sorted(
        f"dpf-operator-system/{k.lower()}_{n}.yaml" for k, n in names(reference_children)
    )
    for name in INPUT_FILES:  # consumed inputs stay in the package, marked local-config
        assert name in first_sources

    succeeded(kpt(["render", str(package), "--allow-exec"], env))
    assert child_files(package) == first_children, "a second render in place must change nothing"
    assert source_files(package) == first_sources

    # A disruptive change (new producer values) mints new names: exactly the new children remain.
    configurations = package / "dpuserviceconfigurations.yaml"
    configurations.write_text(
        configurations.read_text().replace("rate: 5000", "rate: 6000"), encoding="utf-8"
    )
    edited = source_files(package)
    succeeded(kpt(["render", str(package), "--allow-exec"], env))
    after = child_files(package)
    assert len(after) == 7
    old_producer = next(p for p in first_children if "/dpuservice_producer-" in p)
    assert old_producer not in after
    assert set(after) != set(first_children)
    assert source_files(package) == edited, "sources are not rewritten by a re-render"
    rendered = [documents(text.decode())[0] for text in after.values()]
    assert {c["metadata"]["name"] for c in rendered if c["kind"] == "DPUSet"} == {
        "producer-consumer-rack-a",
        "producer-consumer-rack-b",
    }


def test_kpt_passes_foreign_items_through_and_children_are_clean(env: dict[str, str], tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for name in INPUT_FILES:
        write(package / name, (SOURCE_EXAMPLE / name).read_text(encoding="utf-8"))
    write(package / "foreign.yaml", FOREIGN)
    capture = capture_script(tmp_path / "capture")
    out = succeeded(kpt(["eval", str(package), "--exec", str(capture), "-o", "unwrap"], env))
    assert_hygiene(tmp_path / "capture")
    assert "# a comment that kpt restores through its ids" in out
