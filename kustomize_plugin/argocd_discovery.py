"""Argo CD plugin discovery: would `dpf-render argocd generate` find a DPUDeployment in this app folder?

The auto-discovering plugin (argocd/discover/plugin.yaml) runs this for every Application that names no plugin
and has no source type, before Argo CD's own kustomize, Helm and directory detection (docs/argocd.md). So it
runs nothing, never uses the network, and reads what generate would read:

- a folder with a kustomization: the files and folders its `resources`, `bases` and `components` list, followed
  into other kustomizations, as `kustomize build` loads them (a file must lie inside the kustomization's folder;
  an entry that is not a local path, such as a remote base, is not fetched, so such a folder is not claimed);
- any other folder: its `.yaml`, `.yml` and `.json` files, recursively, hidden entries skipped.

It claims the folder, by printing the first file that holds a `svc.dpu.nvidia.com/v1alpha1` DPUDeployment, when
one does. It always exits 0: Argo CD logs a failed discovery as an error and, for a named plugin, refuses it.
"""

from __future__ import annotations

import os
import sys

from . import yamlload

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

DEPLOYMENT = ("svc.dpu.nvidia.com/v1alpha1", "DPUDeployment")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SUFFIXES = (".yaml", ".yml", ".json")
# The fields whose entries kustomize loads as resources (Kustomization and Component alike).
RESOURCE_FIELDS = ("resources", "bases", "components")


def find_deployment(app_dir: str) -> str | None:
    """The first file, relative to `app_dir`, holding a DPUDeployment that generate would read; else None."""
    found = _in_kustomization(app_dir, set()) if kustomization_of(app_dir) else _in_folder(app_dir)
    return os.path.relpath(found, app_dir) if found is not None else None


def kustomization_of(folder: str) -> str | None:
    """The name of the folder's kustomization file, as kustomize looks for one; None when it has none."""
    return next((name for name in KUSTOMIZATION_FILES if os.path.isfile(os.path.join(folder, name))), None)


def _in_folder(folder: str) -> str | None:
    """Files in the order generate reads them (kustomize_plugin/read.py list_files)."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(root, n) for n in names if n.endswith(SUFFIXES) and not n.startswith("."))
    found.sort(key=lambda p: p.encode("utf-8", "surrogateescape"))
    return next((path for path in found if _holds_deployment(path)), None)


def _in_kustomization(folder: str, seen: set[str]) -> str | None:
    real = os.path.realpath(folder)
    if real in seen:  # kustomize refuses cycles; stop rather than loop
        return None
    seen.add(real)
    name = kustomization_of(folder)
    if name is None:
        return None
    document = _load_one(os.path.join(folder, name))
    if not isinstance(document, dict):
        return None
    for field in RESOURCE_FIELDS:
        entries = document.get(field)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, str):
                continue
            target = os.path.normpath(os.path.join(folder, entry))
            if os.path.isdir(target):
                hit = _in_kustomization(target, seen)
            elif os.path.isfile(target) and _inside(target, real):
                hit = target if _holds_deployment(target) else None
            else:  # a remote base, or a path kustomize would refuse
                continue
            if hit is not None:
                return hit
    return None


def _inside(path: str, root: str) -> bool:
    """kustomize's default load restrictor: a resource file must be in or below the kustomization's folder."""
    return os.path.realpath(path).startswith(root.rstrip(os.sep) + os.sep)


def _holds_deployment(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read(yamlload.DEFAULT_MAX_BYTES + 1)
    except OSError:
        return False
    if b"DPUDeployment" not in data:  # most files of most apps: no need to parse them
        return False
    try:
        documents = yamlload.load_documents(yamlload.decode(data, source=path), source=path)
    except yamlload.YAMLInputError:
        return False  # generate would refuse the file, so the folder is not one it can render
    return any(isinstance(d, dict) and (d.get("apiVersion"), d.get("kind")) == DEPLOYMENT for d in documents)


def _load_one(path: str) -> Any:
    try:
        with open(path, "rb") as handle:
            documents = yamlload.load_documents(yamlload.decode(handle.read(), source=path), source=path)
    except (OSError, yamlload.YAMLInputError):
        return None
    return documents[0] if len(documents) == 1 else None


def main(path: str, stdout: TextIO | None = None) -> int:
    """Print the file that makes the folder a dpf-render app (Argo CD claims on any output); always exit 0."""
    found = find_deployment(path)
    if found is not None:
        out = stdout if stdout is not None else sys.stdout
        out.write(f"dpf-render: {found} holds a DPUDeployment\n")
    return 0
