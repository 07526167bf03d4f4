"""Commands for kustomize: install the legacy exec plugin for kubectl, print the DPF name-reference configuration.

`install-kustomize-plugin` writes a small shell script where kustomize looks for the legacy plugin of our
functionConfig kind, `<root>/dpf-render.io/v1alpha1/dpudeploymentrender/DPUDeploymentRender`; it execs this
installation's dpf-render, whose `dpf-render CONFIG_FILE` mode is the plugin (legacy.py).
`kustomize-name-references` prints the `configurations:` file shipped in `kustomize/`, plus one field path per
DPUDeployment service key, which kustomize field specs cannot match with a wildcard.
"""

from __future__ import annotations

import os
import shlex
import sys
from importlib import resources

import click

from . import config as config_mod
from . import model, yamldump, yamlload
from . import results as R
from .cli_options import CONTEXT, input_cap
from .read import read_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

PLUGIN_HOME_ENV = "KUSTOMIZE_PLUGIN_HOME"
XDG_CONFIG_HOME_ENV = "XDG_CONFIG_HOME"
NAME_REFERENCES = "kustomize/name-references.yaml"
# The per-key references of a DPUDeployment's `spec.services` map: (target kind, field under the key).
SERVICE_REFERENCES = ((model.TEMPLATE, "serviceTemplate"), (model.CONFIGURATION, "serviceConfiguration"))
_SVC_GROUP = model.SVC_V1.split("/", 1)[0]
DEPLOYMENT_KIND = (model.SVC_V1, model.DEPLOYMENT)


def plugin_roots(environ: Mapping[str, str], home: str | None) -> list[str]:
    """Where kustomize looks for plugins, in its order; it takes the first that exists (api/konfig/plugins.go)."""
    roots: list[str] = []
    if environ.get(PLUGIN_HOME_ENV):
        roots.append(environ[PLUGIN_HOME_ENV])
    if environ.get(XDG_CONFIG_HOME_ENV):
        roots.append(os.path.join(environ[XDG_CONFIG_HOME_ENV], "kustomize", "plugin"))
    if home:
        roots += [
            os.path.join(home, ".config", "kustomize", "plugin"),
            os.path.join(home, "kustomize", "plugin"),
        ]
    return roots


def plugin_path(root: str) -> str:
    """`<root>/<group>/<version>/<lowercase kind>/<Kind>`, the executable kustomize runs for our config kind."""
    group, version = config_mod.API_VERSION.split("/", 1)
    return os.path.join(root, group, version, config_mod.KIND.lower(), config_mod.KIND)


def dpf_render_command(executable: str = sys.executable) -> list[str]:
    """This installation's dpf-render: the single file it runs from, the console script beside the
    interpreter, else `python -m`."""
    archive = getattr(globals().get("__loader__"), "archive", None)  # a zipimporter: the single-file build
    if archive is not None:
        archive = os.path.abspath(archive)
        return [archive] if os.access(archive, os.X_OK) else [os.path.abspath(executable), archive]
    script = os.path.join(os.path.dirname(os.path.abspath(executable)), "dpf-render")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        return [script]
    return [os.path.abspath(executable), "-m", "kustomize_plugin"]


def plugin_script(command: Sequence[str]) -> str:
    return (
        "#!/bin/sh\n"
        f"# kustomize legacy exec plugin for {config_mod.API_VERSION} {config_mod.KIND}, written by\n"
        "# `dpf-render install-kustomize-plugin`; run that again after moving or reinstalling dpf-render.\n"
        "# kustomize passes the config file as $1, the resources on stdin and runs it in the kustomization dir.\n"
        f'exec {shlex.join(command)} "$@"\n'
    )


def install_plugin(root: str, command: Sequence[str]) -> str:
    """Write the plugin executable under `root`, atomically; returns its path."""
    path = plugin_path(root)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(plugin_script(command))
        os.chmod(temporary, 0o755)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _home() -> str | None:
    home = os.path.expanduser("~")
    return None if home == "~" else home


@click.command("install-kustomize-plugin", context_settings=CONTEXT)
@click.argument("root", required=False, metavar="[DIR]")
def install_kustomize_plugin(root: str | None) -> None:
    """Install dpf-render as a legacy kustomize plugin, for `kubectl kustomize --enable-alpha-plugins`.

    kubectl's kustomize cannot run exec KRM functions (it skips them silently); it runs legacy exec plugins
    found by the config's kind. This writes DIR/dpf-render.io/v1alpha1/dpudeploymentrender/DPUDeploymentRender,
    a script that runs this dpf-render. DIR defaults to $KUSTOMIZE_PLUGIN_HOME, else
    $XDG_CONFIG_HOME/kustomize/plugin, else ~/.config/kustomize/plugin. List a DPUDeploymentRender without the
    config.kubernetes.io/function annotation under `transformers:` (or `generators:` with spec.files).

    \b
    Examples:
      dpf-render install-kustomize-plugin
      kubectl kustomize --enable-alpha-plugins examples/kubectl-legacy-plugin
      dpf-render install-kustomize-plugin /opt/kustomize-plugins
      KUSTOMIZE_PLUGIN_HOME=/opt/kustomize-plugins kubectl kustomize --enable-alpha-plugins overlays/prod
    """
    roots = plugin_roots(os.environ, _home())
    if root is None:
        if not roots:
            raise click.UsageError("no plugin root: pass DIR or set KUSTOMIZE_PLUGIN_HOME (HOME is not set)")
        root = roots[0]
    root = os.path.abspath(root)
    try:
        path = install_plugin(root, dpf_render_command())
    except OSError as exc:
        sys.stderr.write(f"error: cannot write the kustomize plugin under {root}: {exc.strerror}\n")
        raise SystemExit(R.EXIT_INPUT_ERROR) from None
    click.echo(path)
    searched = next((os.path.abspath(r) for r in roots if os.path.isdir(r)), None)
    if searched != root:
        sys.stderr.write(
            f"note: kustomize does not look in {root} by default; run it with {PLUGIN_HOME_ENV}={root}\n"
        )


def name_references(service_keys: Iterable[str] = ()) -> str:
    """The shipped configuration, with a per-key path for each service key when any are given."""
    text = resources.files("kustomize_plugin").joinpath(NAME_REFERENCES).read_text(encoding="utf-8")
    keys = sorted(set(service_keys))
    if not keys:
        return text
    (document,) = yamlload.load_documents(text, source=NAME_REFERENCES)
    for kind, field in SERVICE_REFERENCES:
        document["nameReference"].append(
            {
                "kind": kind,
                "group": _SVC_GROUP,
                "fieldSpecs": [
                    {"kind": model.DEPLOYMENT, "group": _SVC_GROUP, "path": f"spec/services/{key}/{field}"}
                    for key in keys
                ],
            }
        )
    header = (
        "# kustomize `configurations:` for NVIDIA DPF kinds, written by `dpf-render kustomize-name-references`.\n"
        "# The service paths are per key (kustomize field specs have no wildcard for map keys): run it again\n"
        "# when services are added or renamed.\n"
    )
    return header + yamldump.dump_document(document)


def service_keys(objects: Iterable[Any]) -> list[str]:
    """Every key of `spec.services` of every DPUDeployment among the objects."""
    keys: set[str] = set()
    for obj in objects:
        if not isinstance(obj, dict) or (obj.get("apiVersion"), obj.get("kind")) != DEPLOYMENT_KIND:
            continue
        spec = obj.get("spec")
        services = spec.get("services") if isinstance(spec, dict) else None
        if isinstance(services, dict):
            keys.update(k for k in services if isinstance(k, str))
    return sorted(keys)


@click.command("kustomize-name-references", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH...]")
def kustomize_name_references(paths: tuple[str, ...]) -> None:
    """Print a kustomize `configurations:` file that keeps references between DPF objects right.

    It lists the fields where a DPF object names another (DPUDeployment → BFB, DPUFlavor; DPUSet → BFB,
    DPUFlavor; DPUService → DPUServiceInterface) so that namePrefix and nameSuffix rewrite them. With PATHs
    (files or folders), it adds `spec/services/<key>/serviceTemplate` and `.../serviceConfiguration` for every
    service key of the DPUDeployments found: kustomize has no wildcard for map keys.

    \b
    Examples:
      dpf-render kustomize-name-references > overlays/prod/dpf-name-references.yaml
      dpf-render kustomize-name-references base/ > overlays/prod/dpf-name-references.yaml
    """
    keys: list[str] = []
    if paths:
        items, found = read_paths(paths, max_bytes=input_cap(), stdin=sys.stdin.buffer)
        sys.stderr.write(R.stderr_lines(found))
        if R.has_errors(found):
            raise SystemExit(R.EXIT_INPUT_ERROR)
        keys = service_keys(item.obj for item in items)
    sys.stdout.write(name_references(keys))


COMMANDS: list[click.Command] = [install_kustomize_plugin, kustomize_name_references]
