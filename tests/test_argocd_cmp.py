"""argocd/plugin.yaml driven as argocd-cmp-server drives it (tests/cmp_runner.py), against the fixture apps.

Each test is one thing an Argo CD user sees: whether discovery claims a folder, the manifests Argo CD would
apply (parameters set and unset, plugin env, a kustomize folder), the error text in the UI, the refusal of
an empty render, the sidecar's uid 999 without HOME on a read-only checkout, and SIGTERM on a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kustomize_plugin import argocd, yamldump, yamlload
from tests.cmp_runner import (
    RELEASES,
    UNNAMED_NOT_FOUND,
    Application,
    CMPServer,
    Plugin,
    Release,
    RepoServer,
    RepoServerOutcome,
    require_tool,
)
from tests.conftest import EXECUTABLE_ENV, dpf_render_bin

pytestmark = pytest.mark.slow  # runs the Argo CD sidecar's requests, one process each

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[1]
APPS = REPO / "tests" / "argocd_apps"
PLUGIN_YAML = REPO / "argocd" / "plugin.yaml"
DISCOVER_PLUGIN_YAML = REPO / "argocd" / "discover" / "plugin.yaml"
EXAMPLE_APPLICATION = REPO / "argocd" / "example" / "application.yaml"
VENV_BIN = dpf_render_bin()  # this venv's bin, or the dpf-render under test
SIDECAR_UID = 999
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
GENERATE = "`dpf-render argocd generate` failed"
CHILD_KINDS = {"DPUSet", "DPUService", "DPUServiceInterface", "DPUServiceChain"}
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"


@pytest.fixture(scope="module")
def plugin() -> Plugin:
    return Plugin(PLUGIN_YAML)


@pytest.fixture
def work_root() -> Iterator[Path]:
    """Where request checkouts go: under the temp dir, traversable by the sidecar's uid like /tmp is."""
    root = Path(tempfile.mkdtemp(prefix="dpf-render-cmp-"))
    root.chmod(0o755)
    yield root / "_cmp_server"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server(plugin: Plugin, work_root: Path) -> CMPServer:
    """The sidecar as root would run it here; no HOME, no locale, only PATH (as a bare container has)."""
    return CMPServer(plugin, sidecar_env={"PATH": f"{VENV_BIN}:{SYSTEM_PATH}"}, work_root=work_root)


def kinds(manifests: list[dict[str, Any]]) -> list[str]:
    return [m["kind"] for m in manifests]


def annotations_of(manifest: dict[str, Any]) -> dict[str, str]:
    return dict(manifest["metadata"].get("annotations") or {})


# --- the two plugin configs ------------------------------------------------------------------------------------


def test_the_named_plugin_has_no_discovery_rules(plugin: Plugin) -> None:
    # With rules, Argo CD would refuse the named plugin for every folder they do not match (overlays).
    assert plugin.full_name == "dpf-render"
    assert plugin.generate.argv == ["dpf-render", "argocd", "generate"]
    assert not plugin.discovery_configured
    assert "discover" not in plugin.raw["spec"]


def test_the_discovering_plugin_is_the_named_one_plus_discovery(
    plugin: Plugin, discover_plugin: Plugin
) -> None:
    assert discover_plugin.full_name == "dpf-render-discover"
    assert discover_plugin.find_command.argv == ["dpf-render", "argocd", "discover"]
    assert not discover_plugin.file_name
    assert not discover_plugin.find_glob
    named = plugin.raw["spec"]
    discovering = {k: v for k, v in discover_plugin.raw["spec"].items() if k != "discover"}
    assert discovering == named, "same generate command and parameters in both"


def test_announced_defaults_are_the_defaults_generate_applies(plugin: Plugin) -> None:
    # Argo CD never sends announced defaults; the command must apply the very same ones itself.
    assert plugin.announced_defaults() == argocd.DEFAULTS


def test_the_announced_parameters_are_the_options_argo_cd_may_set(plugin: Plugin) -> None:
    """plugin.yaml announces, in the table's order, every option of config.OPTIONS that an Application may
    set, with its type; none that it may not (the load restrictor, generator files, allowEmpty)."""
    from kustomize_plugin import config

    settable = [o for o in config.OPTIONS if o.argocd]
    assert [p["name"] for p in plugin.static_parameters] == [o.argocd_parameter for o in settable]
    for parameter, option in zip(plugin.static_parameters, settable, strict=True):
        assert ("map" in parameter) is (option.kind == config.VERSIONS), parameter["name"]
        assert (parameter.get("collectionType") == "map") is (option.kind == config.VERSIONS), parameter[
            "name"
        ]
    refused = {o.argocd_parameter or o.key for o in config.OPTIONS if not o.argocd}
    assert {"loadRestrictor", "files", "allowEmpty"} <= refused
    assert not refused & {p["name"] for p in plugin.static_parameters}


def test_every_parameter_has_a_title_and_a_tooltip_naming_its_env(plugin: Plugin) -> None:
    for parameter in plugin.static_parameters:
        assert parameter.get("title"), parameter["name"]
        assert f"env {argocd.ENV_NAMES[parameter['name']]}" in parameter["tooltip"], parameter["name"]


# --- discovery ----------------------------------------------------------------------------------------------

# Every app folder under tests/argocd_apps/ (see its README), and whether generate finds a DPUDeployment there.
HOLDS_A_DPUDEPLOYMENT = {
    "plain": True,  # in a nested YAML folder with JSON beside it
    "kustomize/base": True,
    "kustomize/overlay": True,  # through its base
    "components/app": True,  # through a kustomize Component
    "broken": True,  # claimed: generate then explains what is wrong
    "unversioned-bfb": True,
    "empty": False,  # a ConfigMap, a DPUDeploymentRender and a hidden folder do not count
    "stray-file": False,  # a DPUDeployment file its kustomization does not list
    "embedded-text": False,  # a DPUDeployment quoted as text in a ConfigMap
}


@pytest.fixture(scope="module")
def discover_plugin() -> Plugin:
    return Plugin(DISCOVER_PLUGIN_YAML)


@pytest.fixture
def discovering(discover_plugin: Plugin, work_root: Path) -> CMPServer:
    return CMPServer(discover_plugin, sidecar_env={"PATH": f"{VENV_BIN}:{SYSTEM_PATH}"}, work_root=work_root)


@pytest.mark.e2e
@pytest.mark.parametrize(("app", "holds"), HOLDS_A_DPUDEPLOYMENT.items())
def test_discovery_claims_exactly_the_folders_generate_finds_a_dpudeployment_in(
    discovering: CMPServer, app: str, holds: bool
) -> None:
    require_tool("kustomize", "scripts/install-tools.sh installs it")
    outcome = discovering.generate(APPS, Application(app))
    refused = outcome.error is not None and "holds no DPUDeployment" in outcome.error
    assert refused is not holds, outcome.error
    assert discovering.match(APPS, Application(app)) is holds


def test_discovery_fetches_no_remote_base(discovering: CMPServer) -> None:
    # Nothing to read locally, and nothing fetched: not claimed (an Application can still name the plugin).
    assert not discovering.match(APPS, Application("remote-base"))


def test_discovery_finds_a_dpudeployment_in_minified_json(discovering: CMPServer, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    obj = {"apiVersion": "svc.dpu.nvidia.com/v1alpha1", "kind": "DPUDeployment", "metadata": {"name": "x"}}
    (tmp_path / "app" / "d.json").write_text(json.dumps(obj, separators=(",", ":")))
    assert discovering.match(tmp_path, Application("app"))


def test_discovery_does_not_claim_a_folder_generate_cannot_parse(
    discovering: CMPServer, tmp_path: Path
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "d.yaml").write_text(
        "kind: DPUDeployment\napiVersion: svc.dpu.nvidia.com/v1alpha1\n: [\n"
    )
    assert not discovering.match(tmp_path, Application("app"))


def test_discovery_ignores_a_resource_file_kustomize_would_refuse(
    discovering: CMPServer, tmp_path: Path
) -> None:
    # kustomize loads resource files only from inside the kustomization's folder; folders may be anywhere.
    shutil.copytree(APPS / "kustomize", tmp_path / "kustomize")
    overlay = tmp_path / "kustomize" / "overlay" / "kustomization.yaml"
    overlay.write_text("resources:\n- ../base/dpudeployment.yaml\n")
    assert not discovering.match(tmp_path, Application("kustomize/overlay"))
    overlay.write_text("resources:\n- ../base\n")
    assert discovering.match(tmp_path, Application("kustomize/overlay"))


# --- which sidecar the repo-server picks, release by release --------------------------------------------------


@pytest.fixture
def sidecars(plugin: Plugin, discover_plugin: Plugin, work_root: Path) -> list[CMPServer]:
    """Both dpf-render sidecars, as argocd/install with argocd/install/discover sets them up."""
    env = {"PATH": f"{VENV_BIN}:{SYSTEM_PATH}"}
    return [CMPServer(p, sidecar_env=env, work_root=work_root) for p in (plugin, discover_plugin)]


def rendered_by(result: RepoServerOutcome) -> str:
    assert result.error is None, result.error
    assert result.sidecar is not None
    assert {"DPUSet", "DPUService"} <= set(kinds(result.manifests))
    return result.sidecar.plugin.full_name


@pytest.mark.e2e
@pytest.mark.parametrize("release", RELEASES, ids=str)
@pytest.mark.parametrize("app", ["plain", "kustomize/overlay"])
def test_a_named_plugin_renders_plain_folders_and_overlays(
    sidecars: list[CMPServer], release: Release, app: str
) -> None:
    require_tool("kustomize", "scripts/install-tools.sh installs it")
    server = RepoServer(release, sidecars)
    assert rendered_by(server.generate(APPS, Application(app, plugin_name="dpf-render"))) == "dpf-render"
    # From 2.13 on a plugin without discovery rules is not even asked: no copy of the repository for it.
    assert server.match_requests == (0 if release.asks_config_first else 1)


@pytest.mark.e2e
@pytest.mark.parametrize("release", RELEASES, ids=str)
@pytest.mark.parametrize("app", ["plain", "kustomize/overlay"])
def test_an_unnamed_plugin_is_discovered_for_plain_folders_and_overlays(
    sidecars: list[CMPServer], release: Release, app: str
) -> None:
    require_tool("kustomize", "scripts/install-tools.sh installs it")
    server = RepoServer(release, sidecars)
    plugin_source = server.generate(APPS, Application(app, plugin_name=""))  # `plugin: {}`
    no_source_type = server.source_type(APPS, Application(app))
    if app == "kustomize/overlay" and not release.whole_repo:
        # 2.6 and 2.7 show discovery only the overlay's own folder, where no DPUDeployment is: name the plugin.
        assert plugin_source.error == f"plugin sidecar failed. {UNNAMED_NOT_FOUND}"
        assert no_source_type == "Kustomize"  # Argo CD's own kustomize would apply the raw DPUDeployment
        return
    assert rendered_by(plugin_source) == "dpf-render-discover"
    assert no_source_type == "Plugin"


@pytest.mark.parametrize("release", RELEASES, ids=str)
@pytest.mark.parametrize(("app", "own_type"), [("empty", "Directory"), ("stray-file", "Kustomize")])
def test_other_apps_are_left_to_argo_cd(
    sidecars: list[CMPServer], release: Release, app: str, own_type: str
) -> None:
    # Neither sidecar claims a folder without a DPUDeployment; the named one never claims unnamed apps.
    server = RepoServer(release, sidecars)
    assert server.source_type(APPS, Application(app)) == own_type
    assert server.generate(APPS, Application(app, plugin_name="")).error is not None


REFUSED_NAMED = {
    "v2.6-v2.7": "plugin sidecar failed. couldn't find cmp-server plugin with name dpf-render-discover "
    "supporting the given repository",
    "v2.8-v2.12": 'plugin sidecar failed. couldn\'t find cmp-server plugin with name "dpf-render-discover" '
    "supporting the given repository",
    "v2.13-v3.1": 'plugin sidecar failed. couldn\'t find cmp-server plugin with name "dpf-render-discover" '
    "supporting the given repository",
    "v3.2-v3.3": 'CMP processing failed for application "dpf-example": could not find cmp-server plugin with '
    'name "dpf-render-discover" supporting the given repository',
    "v3.4-v3.5": 'CMP processing failed for application "dpf-example": could not find cmp-server plugin with '
    'name "dpf-render-discover" supporting the given repository',
}


@pytest.mark.parametrize("release", RELEASES, ids=str)
def test_a_named_plugin_with_discovery_rules_is_refused_where_they_do_not_match(
    sidecars: list[CMPServer], release: Release
) -> None:
    # Why argocd/plugin.yaml has no rules: naming the discovering plugin for a folder it does not claim fails.
    server = RepoServer(release, sidecars)
    result = server.generate(APPS, Application("stray-file", plugin_name="dpf-render-discover"))
    assert result.error == REFUSED_NAMED[release.name]


@pytest.mark.parametrize("release", RELEASES, ids=str)
def test_a_failing_discovery_refuses_a_named_plugin_and_3_4_says_why(
    plugin: Plugin, work_root: Path, tmp_path: Path, release: Release
) -> None:
    config = tmp_path / "plugin.yaml"
    raw = {
        **plugin.raw,
        "spec": {
            **plugin.raw["spec"],
            "discover": {"find": {"command": ["sh", "-c", "echo no >&2; exit 3"]}},
        },
    }
    config.write_text(yamldump.dump_document(raw))
    server = RepoServer(
        release, [CMPServer(Plugin(config), sidecar_env={"PATH": SYSTEM_PATH}, work_root=work_root)]
    )
    result = server.generate(APPS, Application("plain", plugin_name="dpf-render"))
    assert result.error is not None
    assert result.error.endswith("supporting the given repository") is not release.cause_in_error
    if release.cause_in_error:
        assert result.error.endswith(
            'error running find command: `sh -c "echo no >&2; exit 3"` failed exit status 3: no'
        )


# --- generate: plain folders, parameters, plugin env ---------------------------------------------------------


def test_plain_folder_without_parameters_renders_children_in_the_destination_namespace(
    server: CMPServer,
) -> None:
    outcome = server.generate(APPS, Application("plain", namespace="dpf-prod", plugin_name="dpf-render"))
    assert outcome.error is None, outcome.error
    assert kinds(outcome.manifests) == [
        "BFB",
        "DPUFlavor",
        "DPUSet",
        "DPUService",
        "DPUService",
        "DPUServiceInterface",
        "DPUServiceInterface",
        "DPUServiceChain",
    ]
    children = [m for m in outcome.manifests if m["kind"] in CHILD_KINDS]
    assert {m["metadata"]["namespace"] for m in children} == {"dpf-prod"}
    # Defaults: no sync annotations, consumed inputs dropped.
    assert not any(
        SYNC_WAVE in annotations_of(m) or SYNC_OPTIONS in annotations_of(m) for m in outcome.manifests
    )
    assert "DPUDeployment" not in kinds(outcome.manifests)
    # stdout is only manifests; the same bytes as the CLI renders (one renderer).
    assert outcome.stdout.startswith(b"apiVersion: ")


def test_the_same_request_twice_gives_the_same_bytes(server: CMPServer) -> None:
    app = Application("plain", plugin_name="dpf-render")
    assert server.generate(APPS, app).stdout == server.generate(APPS, app).stdout


def test_parameters_set_every_option(server: CMPServer) -> None:
    parameters: list[dict[str, Any]] = [
        {"name": "namespace", "string": "dpf-staging"},
        {"name": "keepInputs", "string": "true"},
        {"name": "syncWaves", "string": "true"},
        {"name": "syncOptions", "string": "true"},
        {"name": "strict", "string": "true"},
        {"name": "bfbVersions", "map": {"bf-bundle": "2.9.1"}},
    ]
    app = Application("plain", namespace="dpf-prod", plugin_name="dpf-render", parameters=parameters)
    outcome = server.generate(APPS, app)
    assert outcome.error is None, outcome.error
    by_kind = {m["kind"]: m for m in outcome.manifests}
    assert {"DPUDeployment", "DPUServiceTemplate", "DPUServiceConfiguration"} <= set(by_kind)  # keepInputs
    assert by_kind["DPUSet"]["metadata"]["namespace"] == "dpf-staging"  # namespace beats the destination
    assert annotations_of(by_kind["BFB"])[SYNC_WAVE] == "-2"
    assert annotations_of(by_kind["DPUSet"])[SYNC_WAVE] == "-1"
    assert annotations_of(by_kind["DPUServiceChain"])[SYNC_WAVE] == "2"  # after the consumer at depth 1
    assert (
        annotations_of(by_kind["DPUService"])[SYNC_OPTIONS]
        == "SkipDryRunOnMissingResource=true,PruneLast=true"
    )


def test_plugin_env_sets_options_and_parameters_win_over_it(server: CMPServer) -> None:
    env = [("SYNC_WAVES", "true"), ("NAMESPACE", "dpf-$ARGOCD_APP_NAME")]
    from_env = server.generate(APPS, Application("plain", name="lab", plugin_name="dpf-render", env=env))
    assert from_env.error is None, from_env.error
    dpuset = next(m for m in from_env.manifests if m["kind"] == "DPUSet")
    assert dpuset["metadata"]["namespace"] == "dpf-lab"  # Argo CD interpolates build variables in env
    assert annotations_of(dpuset)[SYNC_WAVE] == "-1"

    parameters = [{"name": "syncWaves", "string": "false"}]
    both = server.generate(
        APPS, Application("plain", plugin_name="dpf-render", env=env, parameters=parameters)
    )
    assert both.error is None, both.error
    assert not any(SYNC_WAVE in annotations_of(m) for m in both.manifests)


def test_bfb_versions_parameter_makes_an_unversioned_bfb_renderable(server: CMPServer) -> None:
    without = server.generate(APPS, Application("unversioned-bfb", plugin_name="dpf-render"))
    assert without.error is not None
    assert "BFB has no version for 'dpu.nvidia.com/doca-version'" in without.error

    parameters = [{"name": "bfbVersions", "map": {"custom-bundle": "2.9.0"}}]
    with_map = server.generate(
        APPS, Application("unversioned-bfb", plugin_name="dpf-render", parameters=parameters)
    )
    assert with_map.error is None, with_map.error
    assert "DPUService" in kinds(with_map.manifests)

    env = [("BFB_VERSIONS", "custom-bundle=2.9.0")]
    with_env = server.generate(APPS, Application("unversioned-bfb", plugin_name="dpf-render", env=env))
    assert with_env.stdout == with_map.stdout


def test_a_bad_parameter_is_named_in_the_error(server: CMPServer) -> None:
    parameters = [{"name": "syncWaves", "string": "yes"}, {"name": "prune", "string": "true"}]
    outcome = server.generate(APPS, Application("plain", plugin_name="dpf-render", parameters=parameters))
    assert outcome.returncode == 2
    assert outcome.stdout == b""
    assert outcome.error is not None
    assert 'error: parameter syncWaves: must be "true" or "false", not "yes"' in outcome.error
    assert "error: parameter prune: unknown parameter (known: namespace, keepInputs" in outcome.error


# --- errors and empty renders: what the UI shows ---------------------------------------------------------------


def test_errors_reach_argo_cd_as_one_block(server: CMPServer) -> None:
    outcome = server.generate(APPS, Application("broken", plugin_name="dpf-render"))
    assert outcome.returncode == 1
    assert outcome.stdout == b""
    assert outcome.manifests == []
    assert outcome.error is not None
    lines = outcome.error.splitlines()
    # What Argo CD shows after "Manifest generation error (cached): plugin sidecar failed. ...":
    assert lines[0] == (
        f'{GENERATE} exit status 1: dpf-render: cannot render app "dpf-example" (path broken at 4f1c2b9): '
        "2 errors; no manifests were generated"
    )
    assert lines[1].startswith(
        "error: dpudeployment.yaml: DPUDeployment dpf-operator-system/probe spec.dpus.bfb: "
    ), lines[1]
    assert "BFB 'no-such-bundle' not found" in lines[1]
    assert lines[2].startswith(
        "error: dpudeployment.yaml: DPUDeployment dpf-operator-system/probe spec.services.probe.serviceTemplate: "
    ), lines[2]
    assert len(lines) == 3
    assert "Traceback" not in outcome.error


def test_an_empty_render_is_refused(server: CMPServer) -> None:
    outcome = server.generate(APPS, Application("empty", plugin_name="dpf-render"))
    assert outcome.returncode == 1
    assert outcome.stdout == b""
    assert outcome.error is not None
    assert outcome.error.startswith(f"{GENERATE} exit status 1: dpf-render: cannot render app")
    assert "error: no DPF children were rendered: the app folder holds no DPUDeployment" in outcome.error
    assert "prune" in outcome.error


def test_a_missing_destination_namespace_is_explained_in_argo_cd_terms(server: CMPServer) -> None:
    outcome = server.generate(APPS, Application("plain", namespace="", plugin_name="dpf-render"))
    assert outcome.error is not None
    assert "spec.destination.namespace" in outcome.error


# --- kustomize folders ------------------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("tool", ["kustomize", "kubectl"])
def test_kustomize_folder_is_built_then_rendered(
    plugin: Plugin, work_root: Path, tmp_path: Path, tool: str
) -> None:
    how = {
        "kustomize": "scripts/install-tools.sh installs it",
        "kubectl": "https://kubernetes.io/docs/tasks/tools/",
    }[tool]
    found = require_tool(tool, how)
    only = tmp_path / "bin"
    only.mkdir()
    (only / tool).symlink_to(found)  # exactly one of the two, to test the fallback too
    server = CMPServer(plugin, sidecar_env={"PATH": f"{VENV_BIN}:{only}"}, work_root=work_root)
    outcome = server.generate(
        APPS, Application("kustomize/overlay", namespace="ignored", plugin_name="dpf-render")
    )
    assert outcome.error is None, outcome.error
    assert kinds(outcome.manifests) == ["BFB", "DPUFlavor", "DPUSet", "DPUService"]
    # The kustomization's namespace and patch applied before rendering:
    assert {m["metadata"]["namespace"] for m in outcome.manifests} == {"dpf-operator-system"}
    service = outcome.manifests[-1]
    assert service["spec"]["helmChart"]["values"]["interval"] == "10s"


def test_a_kustomization_without_kustomize_or_kubectl_says_so(plugin: Plugin, work_root: Path) -> None:
    server = CMPServer(plugin, sidecar_env={"PATH": str(VENV_BIN)}, work_root=work_root)
    outcome = server.generate(APPS, Application("kustomize/overlay", plugin_name="dpf-render"))
    assert outcome.error is not None
    assert "holds a kustomization.yaml, but neither kustomize nor kubectl is on PATH" in outcome.error


def test_a_failing_kustomize_build_is_reported_with_its_own_message(
    plugin: Plugin, work_root: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "bin" / "kustomize"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\necho 'Error: accumulating resources: missing.yaml: no such file' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    server = CMPServer(plugin, sidecar_env={"PATH": f"{VENV_BIN}:{fake.parent}"}, work_root=work_root)
    outcome = server.generate(APPS, Application("kustomize/overlay", plugin_name="dpf-render"))
    assert outcome.error is not None
    assert (
        "error: `kustomize build .` failed (exit 1): Error: accumulating resources: missing.yaml"
        in outcome.error
    )
    assert outcome.stdout == b""


# --- the sidecar's user: uid 999, no HOME, read-only checkout ------------------------------------------------------


def sidecar_bin(root: Path) -> Path:
    """A bin folder with a `dpf-render` that uid 999 can run.

    This project's interpreter may sit where uid 999 cannot reach it (pyenv under a 0700 /root). Then a
    venv of the system Python of the same version gets this venv's site-packages (its wheels are built for
    that ABI) and a console script written as pip writes them.
    """
    if os.environ.get(EXECUTABLE_ENV):  # a built dpf-render: it has to run as uid 999 as it is
        check = [str(VENV_BIN / "dpf-render"), "--version"]
        done = subprocess.run(
            check, user=SIDECAR_UID, env={"PATH": SYSTEM_PATH}, capture_output=True, check=False
        )
        if done.returncode != 0:
            pytest.skip(f"uid {SIDECAR_UID} cannot run {check[0]}: {done.stderr.decode(errors='replace')}")
        return VENV_BIN
    try:
        subprocess.run([sys.executable, "-c", "pass"], user=SIDECAR_UID, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pass
    else:
        return VENV_BIN
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path=SYSTEM_PATH)
    if system is None:
        pytest.skip(
            f"{sys.executable} is not executable by uid {SIDECAR_UID} and there is no system {version}"
        )
    venv = root / "sidecar-venv"
    subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next(p for p in sys.path if p.startswith(sys.prefix) and p.endswith("site-packages"))
    (venv / "lib" / version / "site-packages" / "dpf-render-under-test.pth").write_text(
        f"import site; site.addsitedir({site_packages!r})\n"
    )
    script = venv / "bin" / "dpf-render"
    script.write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom kustomize_plugin.__main__ import main\nsys.exit(main())\n"
    )
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():  # chmod would follow it to the system interpreter
            path.chmod(0o755 if path.is_dir() or path == script else 0o644)
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import kustomize_plugin, yaml, click"],
        user=SIDECAR_UID,
        env={"PATH": SYSTEM_PATH},
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        # The checkout itself is out of uid 999's reach (a clone in a 0700 folder): copy what runs.
        _copy_runtime(venv / "lib" / version / "site-packages")
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() or path == script else 0o644)
    return venv / "bin"


RUNTIME_MODULES = (
    "kustomize_plugin",
    "yaml",
    "_yaml",
    "click",
    "jinja2",
    "markupsafe",
    "semver",
)


def _copy_runtime(site_packages: Path) -> None:
    """dpf-render and its runtime dependencies, copied where uid 999 can read them."""
    import importlib.util

    for name in RUNTIME_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        if spec.submodule_search_locations:
            source = Path(next(iter(spec.submodule_search_locations)))
            shutil.copytree(source, site_packages / source.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif spec.origin:
            shutil.copy2(spec.origin, site_packages / Path(spec.origin).name)


def as_999(plugin: Plugin, work_root: Path) -> CMPServer:
    if os.geteuid() != 0:
        pytest.skip(f"running as uid {os.geteuid()}: dropping to uid {SIDECAR_UID} needs root")
    bin_dir = sidecar_bin(work_root.parent)
    return CMPServer(
        plugin, sidecar_env={"PATH": f"{bin_dir}:{SYSTEM_PATH}"}, uid=SIDECAR_UID, work_root=work_root
    )


@pytest.fixture
def sidecar_as_999(plugin: Plugin, work_root: Path) -> CMPServer:
    return as_999(plugin, work_root)


@pytest.mark.parametrize("app", ["plain", "kustomize/overlay"])
def test_uid_999_without_home_on_a_read_only_checkout(
    sidecar_as_999: CMPServer, server: CMPServer, app: str
) -> None:
    if app.startswith("kustomize") and not shutil.which("kustomize"):
        require_tool(
            "kubectl", "https://kubernetes.io/docs/tasks/tools/ (or kustomize: scripts/install-tools.sh)"
        )
    assert "HOME" not in sidecar_as_999.sidecar_env
    request = Application(app, plugin_name="dpf-render", parameters=[{"name": "syncWaves", "string": "true"}])
    before = owned_by_sidecar()
    outcome = sidecar_as_999.generate(APPS, request, read_only=True)
    assert outcome.error is None, outcome.error
    assert outcome.stdout == server.generate(APPS, request).stdout
    # Nothing left behind where uid 999 could write (the kustomize scratch HOME is removed too).
    assert owned_by_sidecar() == before


def owned_by_sidecar() -> set[Path]:
    """Top-level entries of the world-writable places that belong to the sidecar's uid."""
    found: set[Path] = set()
    for place in (tempfile.gettempdir(), "/var/tmp", "/dev/shm"):
        if os.path.isdir(place):
            for path in Path(place).iterdir():
                try:
                    if path.lstat().st_uid == SIDECAR_UID:
                        found.add(path)
                except FileNotFoundError:  # another process's temp file, gone since the listing
                    continue
    return found


@pytest.mark.parametrize(("app", "claimed"), [("plain", True), ("kustomize/overlay", True), ("empty", False)])
def test_uid_999_discovery(discover_plugin: Plugin, work_root: Path, app: str, claimed: bool) -> None:
    assert as_999(discover_plugin, work_root).match(APPS, Application(app)) is claimed


# --- SIGTERM: Argo CD's timeout ------------------------------------------------------------------------------------


def slow_kustomize(folder: Path) -> tuple[Path, Path]:
    """A `kustomize` that records its pid, then hangs: the render is in flight when the timeout comes."""
    folder.mkdir(parents=True)
    marker = folder / "kustomize.pid"
    script = folder / "kustomize"
    script.write_text(
        f"#!/bin/sh\necho $$ > {marker}.tmp && /bin/mv {marker}.tmp {marker}\nexec /bin/sleep 600\n"
    )
    script.chmod(0o755)
    return script, marker


def test_sigterm_from_argo_cd_stops_generate_within_the_grace_period(
    plugin: Plugin, work_root: Path, tmp_path: Path
) -> None:
    script, marker = slow_kustomize(tmp_path / "bin")
    server = CMPServer(plugin, sidecar_env={"PATH": f"{VENV_BIN}:{script.parent}"}, work_root=work_root)
    outcome = server.generate(
        APPS, Application("kustomize/overlay", plugin_name="dpf-render"), cancel_when=marker.exists
    )
    assert marker.exists(), "the timeout came while kustomize was running"
    assert not outcome.killed, "dpf-render ignored SIGTERM until Argo CD's SIGKILL"
    assert outcome.returncode != 0
    assert outcome.stdout == b""
    assert outcome.error is not None


def test_sigterm_to_dpf_render_alone_takes_kustomize_down_too(tmp_path: Path) -> None:
    script, marker = slow_kustomize(tmp_path / "bin")
    env = {"PATH": f"{VENV_BIN}:{script.parent}", "ARGOCD_APP_NAMESPACE": "x"}
    process = subprocess.Popen(
        [str(VENV_BIN / "dpf-render"), "argocd", "generate"],
        cwd=APPS / "kustomize" / "overlay",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for(marker.exists, "the fake kustomize to start")
        kustomize_pid = int(marker.read_text())
        process.terminate()  # only dpf-render, not its process group
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == argocd.EXIT_TERMINATED
    assert stdout == b""
    assert b"terminated (SIGTERM)" in stderr
    wait_for(lambda: not running(kustomize_pid), "kustomize to stop")


RACE = """
import os, signal, subprocess, sys, time
from kustomize_plugin import argocd

real = subprocess.Popen

def popen_then_sigterm(*args, **kwargs):
    process = real(*args, **kwargs)
    while not os.path.exists(sys.argv[2]):  # kustomize runs
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGTERM)  # Argo CD's timeout, before dpf-render has noted the process
    return process

subprocess.Popen = popen_then_sigterm
sys.exit(argocd.main(sys.argv[1], os.environ))
"""


def test_sigterm_while_kustomize_is_being_started_still_takes_it_down(tmp_path: Path) -> None:
    script, marker = slow_kustomize(tmp_path / "bin")
    env = {"PATH": f"{script.parent}:{SYSTEM_PATH}", "ARGOCD_APP_NAMESPACE": "x"}
    done = subprocess.run(
        [sys.executable, "-c", RACE, str(APPS / "kustomize" / "overlay"), str(marker)],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == argocd.EXIT_TERMINATED, done.stderr
    kustomize_pid = int(marker.read_text())
    wait_for(lambda: not running(kustomize_pid), "kustomize to stop")


def wait_for(condition: Any, what: str) -> None:
    """Poll until `condition()`; a generous bound only so that a broken build fails instead of hanging."""
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie's parent is gone, nobody reaps it here)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


# --- the example Application ---------------------------------------------------------------------------------------


def test_example_application_names_the_plugin_and_renders(
    plugin: Plugin, server: CMPServer, discovering: CMPServer, tmp_path: Path
) -> None:
    (application,) = yamlload.load_documents(EXAMPLE_APPLICATION.read_text(encoding="utf-8"))
    source = application["spec"]["source"]
    assert source["plugin"]["name"] == plugin.full_name
    announced = {p["name"] for p in plugin.static_parameters}
    assert {p["name"] for p in source["plugin"].get("parameters", [])} <= announced
    # The repository as Argo CD would check it out: the example folder at its path.
    repo = tmp_path / "repo"
    shutil.copytree(REPO / source["path"], repo / source["path"])
    request = Application(
        source["path"],
        name=application["metadata"]["name"],
        namespace=application["spec"]["destination"]["namespace"],
        plugin_name=source["plugin"]["name"],
        env=[(e["name"], e["value"]) for e in source["plugin"].get("env", [])],
        parameters=source["plugin"].get("parameters"),
    )
    assert discovering.match(repo, request), "the discovering plugin would pick it too"
    outcome = server.generate(repo, request)
    assert outcome.error is None, outcome.error
    assert set(kinds(outcome.manifests)) >= CHILD_KINDS
