"""The `argocd` commands: the Argo CD Config Management Plugin's generate step (docs/argocd.md).

Only option collection lives here; `argocd.py` reads the app folder and the Argo CD environment, renders and
writes, so tests drive the same code without a terminal.
"""

from __future__ import annotations

import os

import click

from .cli_options import CONTEXT


@click.group("argocd", context_settings=CONTEXT)
def argocd() -> None:
    """Argo CD Config Management Plugin: the commands argocd/plugin.yaml runs in the sidecar.

    \b
    Example (what the sidecar runs, in the Application's source folder):
      ARGOCD_APP_NAMESPACE=dpf-operator-system dpf-render argocd generate
    """


@argocd.command(context_settings=CONTEXT)
@click.argument("path", default=".", required=False, metavar="[APP_DIR]", type=click.Path(file_okay=False))
def generate(path: str) -> None:
    """Render an Argo CD app folder (default: the current folder) to manifests on stdout.

    The folder's YAML and JSON files are read recursively in a stable order or, when it holds a
    kustomization.yaml, the output of `kustomize build` of it (kubectl kustomize when no standalone
    kustomize is on PATH). Options, parameters first, then plugin env, then the defaults:

    \b
      namespace    ARGOCD_ENV_NAMESPACE     default: ARGOCD_APP_NAMESPACE
      keepInputs   ARGOCD_ENV_KEEP_INPUTS   "false"
      strict       ARGOCD_ENV_STRICT        "false"
      syncWaves    ARGOCD_ENV_SYNC_WAVES    "false"
      syncOptions  ARGOCD_ENV_SYNC_OPTIONS  "false"
      bfbVersions  ARGOCD_ENV_BFB_VERSIONS  {} (env form: name=version,...)

    Parameters arrive as JSON in ARGOCD_APP_PARAMETERS. Errors go to stderr as one block (Argo CD shows
    it) and nothing to stdout; a render without DPF children is refused. Extra `kustomize build` flags
    come from the sidecar's own DPF_RENDER_KUSTOMIZE_BUILD_OPTIONS.

    \b
    Examples:
      dpf-render argocd generate
      ARGOCD_APP_NAMESPACE=dpf-operator-system \\
        ARGOCD_APP_PARAMETERS='[{"name":"syncWaves","string":"true"}]' \\
        dpf-render argocd generate examples/producer-consumer
    """
    from . import argocd as adapter

    raise SystemExit(adapter.main(path, os.environ))


@argocd.command(context_settings=CONTEXT)
@click.argument("path", default=".", required=False, metavar="[APP_DIR]", type=click.Path(file_okay=False))
def discover(path: str) -> None:
    """Say whether `generate` would find a DPUDeployment in an app folder (plugin discovery).

    Prints the first file that holds one and claims the folder for the auto-discovering plugin
    (argocd/discover/plugin.yaml); prints nothing otherwise. Reads the folder's YAML and JSON files or,
    when it holds a kustomization, the local files and folders its resources, bases and components name;
    runs nothing and fetches nothing. Always exits 0.

    \b
    Example:
      dpf-render argocd discover examples/producer-consumer
    """
    from . import argocd_discovery

    raise SystemExit(argocd_discovery.main(path))


COMMANDS: list[click.Command] = [argocd]
