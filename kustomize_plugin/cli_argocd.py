"""The `argocd` commands: the Argo CD Config Management Plugin's generate step (docs/argocd.md).

Only option collection lives here; `argocd.py` reads the app folder and the Argo CD environment, renders and
writes, so tests drive the same code without a terminal.
"""

from __future__ import annotations

import os

import click

from . import config as config_mod
from .cli_options import CONTEXT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    F = TypeVar("F", bound=Callable[..., Any])


@click.group("argocd", context_settings=CONTEXT)
def argocd() -> None:
    """Argo CD Config Management Plugin: the commands argocd/plugin.yaml runs in the sidecar.

    \b
    Example (what the sidecar runs, in the Application's source folder):
      ARGOCD_APP_NAMESPACE=dpf-operator-system dpf-render argocd generate
    """


def _with_options(function: F) -> F:
    """The docstring's `{options}` replaced by the options an Application may set, from config.OPTIONS."""
    rows = []
    for option in config_mod.OPTIONS:
        if not option.argocd:
            continue
        if option.attribute == "namespace":
            default = "default: ARGOCD_APP_NAMESPACE"
        elif option.kind == config_mod.VERSIONS:
            default = "{} (env form: name=version,...)"
        else:
            default = f'"{option.argocd_default}"'
        rows.append((str(option.argocd_parameter), f"ARGOCD_ENV_{option.argocd_env}", default))
    widths = [max(len(row[column]) for row in rows) + 2 for column in (0, 1)]
    table = "\n".join(f"      {p:<{widths[0]}}{e:<{widths[1]}}{d}" for p, e, d in rows)
    if function.__doc__:  # None under python -OO
        function.__doc__ = function.__doc__.replace("    {options}", table)
    return function


@argocd.command(context_settings=CONTEXT)
@click.argument("path", default=".", required=False, metavar="[APP_DIR]", type=click.Path(file_okay=False))
@_with_options
def generate(path: str) -> None:
    """Render an Argo CD app folder (default: the current folder) to manifests on stdout.

    The folder's YAML and JSON files are read recursively in a stable order or, when it holds a
    kustomization.yaml, the output of `kustomize build` of it (kubectl kustomize when no standalone
    kustomize is on PATH). Options, parameters first, then plugin env, then the defaults:

    \b
    {options}

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
