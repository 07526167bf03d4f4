"""The legacy kustomize exec plugin: `dpf-render CONFIG_FILE`, a plain YAML stream in and out (kubectl kustomize).

kubectl's embedded kustomize cannot run exec KRM functions (it skips them without a word) but runs legacy exec
plugins: kustomize finds the executable by the config's group/version/kind under its plugin root and calls it
with the path of a temporary file holding the config object as argv[1] (the same YAML also in
`KUSTOMIZE_PLUGIN_CONFIG_STRING`), the kustomization directory as cwd, every resource so far on stdin as a plain
YAML stream for a transformer and nothing for a generator. It reads the replacement set from stdout and shows
stderr only when the exit code is not 0. The render has the KRM function's semantics: the inputs a DPUDeployment
consumed (it, its templates and configurations) stay, marked `config.kubernetes.io/local-config`, and
kustomize drops them at the end of the build (pipeline.KRM).
"""

from __future__ import annotations

import os
import sys

from . import config as config_mod
from . import krm, pipeline, yamldump, yamlload
from . import results as R
from .output import utf8, write_whole
from .read import read_capped

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, BinaryIO, TextIO

CONFIG_ENV = "KUSTOMIZE_PLUGIN_CONFIG_STRING"
_CONFIG_KINDS = ((config_mod.API_VERSION, config_mod.KIND), ("v1", "ConfigMap"))


class UsageError(Exception):
    """dpf-render was called in plugin mode by hand, with something that is not a plugin config (exit 2)."""


def main(
    args: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> int:
    """Run as kustomize's legacy exec plugin: `args` is `[config file]`, or empty with the config in the env."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else utf8(sys.stdout)
    stderr = stderr if stderr is not None else utf8(sys.stderr)
    environ = environ if environ is not None else os.environ
    try:
        max_bytes = yamlload.max_input_bytes(environ)
    except ValueError as exc:
        stderr.write(R.printable(f"dpf-render: {exc}") + "\n")
        return R.EXIT_USAGE
    cwd = cwd if cwd is not None else os.getcwd()
    data = b"" if _is_terminal(stdin) else read_capped(stdin, max_bytes)
    request = krm.parse_request(data, max_bytes=max_bytes)
    if request.resource_list and not args:
        # The env var leaked into an exec KRM function call (kustomize run inside a legacy plugin):
        # a ResourceList carries its own functionConfig and wants one back.
        return krm.respond(request, stdout=stdout, stderr=stderr, cwd=cwd, max_bytes=max_bytes)
    try:
        function_config = read_config(args, environ)
    except UsageError as exc:
        stderr.write(R.printable(f"dpf-render: {exc}") + "\n")
        return R.EXIT_USAGE
    request.function_config = function_config
    # KRM semantics (consumed inputs kept as local-config), written back below as a plain stream.
    outcome = krm.decide(request, cwd=cwd, max_bytes=max_bytes, mode=pipeline.KRM)
    write_whole(stderr, R.stderr_lines(outcome.results))
    if outcome.code == R.EXIT_OK and outcome.rendering is not None:
        write_whole(stdout, list(yamldump.stream_pieces(outcome.rendering.documents())))
    return outcome.code


def read_config(args: Sequence[str], environ: Mapping[str, str]) -> Any:
    """The plugin's config object: the file kustomize names in argv[1], else `KUSTOMIZE_PLUGIN_CONFIG_STRING`."""
    if len(args) > 1:
        raise UsageError(
            f"the kustomize plugin mode takes one argument, the config file, not {len(args)}; remove argsOneLiner "
            "and argsFromFile from the DPUDeploymentRender (run `dpf-render --help` for the commands)"
        )
    source, text = _config_text(args[0] if args else None, environ)
    try:
        docs = [d for d in yamlload.load_documents(text, source=source) if d is not None]
    except yamlload.YAMLInputError as exc:
        where = f" line {exc.line}:" if exc.line is not None else ""
        raise UsageError(f"{source}:{where} {exc.message}") from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise UsageError(f"{source}: expected one config object, found {len(docs)} documents")
    obj = docs[0]
    if (obj.get("apiVersion"), obj.get("kind")) not in _CONFIG_KINDS:
        raise UsageError(
            f"{source} is a {obj.get('apiVersion')}/{obj.get('kind')}, not a {config_mod.API_VERSION} "
            f"{config_mod.KIND}: `dpf-render FILE` is the kustomize plugin mode and FILE its config. To render "
            f"manifests, run `dpf-render render {source}`"
        )
    return obj


def _config_text(path: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    if path is not None:
        try:
            with open(path, "rb") as handle:
                return path, yamlload.decode(handle.read(yamlload.DEFAULT_MAX_BYTES + 1), source=path)
        except (OSError, yamlload.YAMLInputError) as exc:
            if not environ.get(CONFIG_ENV):
                message = exc.strerror if isinstance(exc, OSError) else exc.message
                raise UsageError(f"{path}: {message}") from None
    text = environ.get(CONFIG_ENV)
    if not text:
        raise UsageError(f"no plugin config: neither a config file argument nor {CONFIG_ENV}")
    return f"${CONFIG_ENV}", text


def _is_terminal(stream: Any) -> bool:
    """A person running the plugin by hand has no resources to pipe in: read nothing rather than wait."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
