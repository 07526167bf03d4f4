"""`dpf-render argocd discover`: the discovery command of the auto-discovering Argo CD plugin, on its own.

What Argo CD makes of its output is tested through the CMP runner in tests/test_argocd_cmp.py; these are the
corners of reading a kustomization statically, and the start-up path (Argo CD runs it for every Application
that names no plugin).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kustomize_plugin import argocd_discovery

REPO = Path(__file__).resolve().parents[1]
APPS = REPO / "tests" / "argocd_apps"
DEPLOYMENT = "apiVersion: svc.dpu.nvidia.com/v1alpha1\nkind: DPUDeployment\nmetadata:\n  name: d\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_found_is_named_relative_to_the_app_folder() -> None:
    assert (
        argocd_discovery.find_deployment(str(APPS / "kustomize" / "overlay")) == "../base/dpudeployment.yaml"
    )
    assert argocd_discovery.find_deployment(str(APPS / "plain")) == "dpudeployment.yaml"
    assert argocd_discovery.find_deployment(str(APPS / "empty")) is None


def test_a_kustomization_cycle_ends(tmp_path: Path) -> None:
    write(tmp_path / "a" / "kustomization.yaml", "resources:\n- ../b\n")
    write(tmp_path / "b" / "kustomization.yaml", "resources:\n- ../a\n")
    assert argocd_discovery.find_deployment(str(tmp_path / "a")) is None


def test_bases_and_a_kustomization_yml_are_followed(tmp_path: Path) -> None:
    write(tmp_path / "base" / "Kustomization", "resources:\n- d.yaml\n")
    write(tmp_path / "base" / "d.yaml", DEPLOYMENT)
    write(tmp_path / "app" / "kustomization.yml", "bases:\n- ../base\n")
    assert argocd_discovery.find_deployment(str(tmp_path / "app")) == "../base/d.yaml"


def test_a_folder_without_a_kustomization_is_not_a_kustomize_resource(tmp_path: Path) -> None:
    # kustomize refuses a resource folder that holds no kustomization, so generate could not render it.
    write(tmp_path / "inputs" / "d.yaml", DEPLOYMENT)
    write(tmp_path / "app" / "kustomization.yaml", "resources:\n- ../inputs\n")
    assert argocd_discovery.find_deployment(str(tmp_path / "app")) is None


def test_a_broken_kustomization_is_not_claimed(tmp_path: Path) -> None:
    write(tmp_path / "app" / "d.yaml", DEPLOYMENT)
    write(tmp_path / "app" / "kustomization.yaml", "resources: [d.yaml\n")
    assert argocd_discovery.find_deployment(str(tmp_path / "app")) is None


def test_hidden_files_and_other_kinds_do_not_count(tmp_path: Path) -> None:
    write(tmp_path / "app" / ".old" / "d.yaml", DEPLOYMENT)
    write(tmp_path / "app" / ".d.yaml", DEPLOYMENT)
    write(tmp_path / "app" / "d.txt", DEPLOYMENT)
    write(tmp_path / "app" / "v2.yaml", DEPLOYMENT.replace("v1alpha1", "v2"))
    assert argocd_discovery.find_deployment(str(tmp_path / "app")) is None
    write(tmp_path / "app" / "z" / "d.yaml", "---\n" + DEPLOYMENT)
    assert argocd_discovery.find_deployment(str(tmp_path / "app")) == "z/d.yaml"


def test_discover_prints_only_when_it_claims_and_always_exits_0(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "dpf-render"
    claimed = subprocess.run(
        [str(script), "argocd", "discover"], cwd=APPS / "plain", capture_output=True, text=True, check=False
    )
    assert (claimed.returncode, claimed.stdout) == (
        0,
        "dpf-render: dpudeployment.yaml holds a DPUDeployment\n",
    )
    missing = subprocess.run(
        [str(script), "argocd", "discover", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (missing.returncode, missing.stdout, missing.stderr) == (0, "", "")


def test_discover_starts_without_click() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "kustomize_plugin",
            "argocd",
            "discover",
            str(APPS / "plain"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "kustomize_plugin.argocd_discovery" in imported
    assert not {"click", "jinja2", "kustomize_plugin.pipeline"} & imported
