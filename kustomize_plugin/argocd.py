"""The Argo CD Config Management Plugin adapter: an app folder, `ARGOCD_ENV_*` and `ARGOCD_APP_PARAMETERS` in; a
manifest stream on stdout, or one block of error lines on stderr (docs/argocd.md).

argocd-cmp-server runs `dpf-render argocd generate` in the app folder of a fresh copy of the repository, as
uid 999, often with no usable HOME and a read-only root filesystem. The folder is read as it is (YAML and
JSON files, recursively) or, when it holds a kustomization, as `kustomize build` prints it. Options come
from the Application's plugin parameters (JSON in `ARGOCD_APP_PARAMETERS`), then its plugin env
(`ARGOCD_ENV_<NAME>`), then the defaults that `argocd/plugin.yaml` announces, because Argo CD never sends
announced defaults itself. Argo CD shows stderr in its UI and caches failures, so a failure is one
self-contained block, and stdout holds manifests or nothing. An empty render is refused: with auto-prune,
Argo CD would delete everything the Application deployed before.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

from . import config as config_mod
from . import pipeline, yamldump, yamlload
from . import results as R
from .argocd_discovery import kustomization_of
from .config import RenderConfig
from .read import items_from_text, list_files, read_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import FrameType
    from typing import Any, BinaryIO, TextIO

    from .index import Item
    from .results import Result

# The options an Application may set (config.OPTIONS), as plugin parameters announced in argocd/plugin.yaml
# and as plugin env: `env: [{name: SYNC_WAVES, value: "true"}]` arrives as ARGOCD_ENV_SYNC_WAVES.
OPTIONS = [option for option in config_mod.OPTIONS if option.argocd]
# The parameters an Application may send, with the defaults plugin.yaml announces (tests/test_argocd_cmp.py
# holds the two together). Argo CD never sends a default, and generate needs none: an option left unset keeps
# RenderConfig's default, the announced one (for the namespace, the Application's destination namespace).
DEFAULTS: dict[str, Any] = {str(o.argocd_parameter): o.argocd_default for o in OPTIONS}
ENV_NAMES = {o.argocd_parameter: o.argocd_env for o in OPTIONS if o.argocd_parameter and o.argocd_env}
ENV_PREFIX = "ARGOCD_ENV_"
PARAMETERS_ENV = "ARGOCD_APP_PARAMETERS"
# Extra `kustomize build` flags (e.g. `--enable-helm`). Read from the sidecar's own environment only: an
# Application can set ARGOCD_ENV_* but never an unprefixed variable, so only the Argo CD operator can
# enable what runs code (as Argo CD keeps kustomize.buildOptions in argocd-cm).
BUILD_OPTIONS_ENV = "DPF_RENDER_KUSTOMIZE_BUILD_OPTIONS"
EXIT_TERMINATED = 128 + signal.SIGTERM


def options_from_environment(environ: Mapping[str, str]) -> tuple[RenderConfig, list[Result]]:
    """The render options: parameters beat plugin env, plugin env beats the announced defaults."""
    parameters, out = parse_parameters(environ.get(PARAMETERS_ENV, ""))
    values: dict[str, Any] = {"allow_empty": True}  # emptiness is checked here, with advice that fits Argo CD
    for option in OPTIONS:
        value: Any = None
        source = ""
        raw = environ.get(ENV_PREFIX + option.argocd_env, "") if option.argocd_env else ""
        if raw != "":
            value, source = raw, ENV_PREFIX + str(option.argocd_env)
        given = parameters.get(str(option.argocd_parameter))
        if given not in (None, "", {}):
            value, source = given, f"parameter {option.argocd_parameter}"
        if value is None:
            continue
        parsed, problem = config_mod.parse(option, value)
        if problem is None:
            values[option.attribute] = parsed
        elif option.kind == config_mod.BOOLEAN:
            out.append(R.error(f'{source}: must be "true" or "false", not {_shown(value)}', condition=None))
        elif option.kind == config_mod.STRING:
            out.append(R.error(f"{source}: must be a string (a namespace name)", condition=None))
        else:
            out.append(R.error(f"{source}: {problem}", condition=None))
    if not values.get("namespace"):
        values["namespace"] = environ.get("ARGOCD_APP_NAMESPACE", "")
    return RenderConfig(**values), out


def parse_parameters(text: str) -> tuple[dict[str, Any], list[Result]]:
    """`ARGOCD_APP_PARAMETERS`: `[{"name": …, "string"|"array"|"map": …}]`; `null` when the Application sets none."""
    if text.strip() in ("", "null"):
        return {}, []
    try:
        raw = json.loads(text)
    except ValueError as exc:
        return {}, [R.error(f"{PARAMETERS_ENV} is not valid JSON: {exc}", condition=None)]
    except RecursionError:  # Python's JSON reader recurses once per level
        return {}, [R.error(f"{PARAMETERS_ENV} nests deeper than JSON can be read here", condition=None)]
    if not isinstance(raw, list):
        return {}, [R.error(f"{PARAMETERS_ENV} must be a JSON list of parameters", condition=None)]
    values: dict[str, Any] = {}
    out: list[Result] = []
    for index, entry in enumerate(raw):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            out.append(R.error(f"{PARAMETERS_ENV}[{index}]: a parameter needs a name", condition=None))
            continue
        if name not in DEFAULTS:
            known = ", ".join(DEFAULTS)
            out.append(R.error(f"parameter {name}: unknown parameter (known: {known})", condition=None))
            continue
        if name in values:
            out.append(R.error(f"parameter {name}: set more than once", condition=None))
            continue
        given = [key for key in ("string", "array", "map") if key in entry]
        if len(given) != 1:
            out.append(R.error(f"parameter {name}: needs exactly one of string, array, map", condition=None))
            continue
        values[name] = entry[given[0]]
    return values, out


def _shown(value: Any) -> str:
    """A parameter's value for a message: JSON, cut short (a parameter can be as long and deep as its author likes)."""
    try:
        text = json.dumps(value)
    except RecursionError:
        text = "a value nested too deep to show"
    return text if len(text) <= 60 else text[:57] + "..."


def kustomize_command(path: str, environ: Mapping[str, str]) -> list[str] | None:
    """Standalone kustomize when on PATH, else kubectl's embedded one; extra flags from the sidecar's env."""
    search = environ.get("PATH", os.defpath)
    options = shlex.split(environ.get(BUILD_OPTIONS_ENV, ""))
    kustomize = shutil.which("kustomize", path=search)
    if kustomize:
        return [kustomize, "build", *options, path]
    kubectl = shutil.which("kubectl", path=search)
    if kubectl:
        return [kubectl, "kustomize", *options, path]
    return None


class _Running:
    """The kustomize process in flight and its scratch folder, so that SIGTERM can take both down with us."""

    process: subprocess.Popen[bytes] | None = None
    scratch: str | None = None


def build_kustomization(
    path: str, environ: Mapping[str, str], max_bytes: int
) -> tuple[str | None, list[Result]]:
    """`kustomize build PATH`, with a private HOME under the temp dir when ours is missing or read-only."""
    command = kustomize_command(path, environ)
    if command is None:
        return None, [
            R.error(
                f"{path} holds a {kustomization_of(path)}, but neither kustomize nor kubectl is on PATH "
                "(the dpf-render sidecar image ships kustomize)",
                condition=None,
            )
        ]
    env = dict(environ)
    home = env.get("HOME", "")
    with tempfile.TemporaryDirectory(prefix="dpf-render-") as scratch:
        # kustomize and git keep caches and config under HOME; uid 999's HOME is often "/" or read-only.
        if not home or not os.access(home, os.W_OK):
            env["HOME"] = scratch
        _Running.scratch = scratch
        try:
            # A SIGTERM that arrives while kustomize is being started would find no process to stop and leave
            # it running: hold the signal until the process is noted (kustomize itself starts with our mask).
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            try:
                _Running.process = subprocess.Popen(
                    command,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                    preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, mask),  # noqa: PLW1509
                )
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            stdout, stderr = _Running.process.communicate()
            code = _Running.process.returncode
        finally:
            _Running.process = _Running.scratch = None
    shown = " ".join(shlex.quote(os.path.basename(c) if i == 0 else c) for i, c in enumerate(command))
    if code != 0:
        detail = stderr.decode("utf-8", "replace").strip() or "no error output"
        return None, [R.error(f"`{shown}` failed (exit {code}): {detail}", condition=None)]
    try:
        return yamlload.decode(stdout, source=shown, max_bytes=max_bytes), []
    except yamlload.YAMLInputError as exc:
        return None, [
            R.error(f"`{shown}` printed something that is not UTF-8 YAML: {exc.message}", condition=None)
        ]


def read_app(path: str, environ: Mapping[str, str], max_bytes: int) -> tuple[list[Item], list[Result]]:
    """The input objects of the app folder: its kustomize build, or its YAML and JSON files in a stable order;
    the build's output, like each file, may hold up to `max_bytes`."""
    if not os.path.isdir(path):
        return [], [R.error(f"{path}: the app folder does not exist or is not a folder", condition=None)]
    if kustomization_of(path):
        text, out = build_kustomization(path, environ, max_bytes)
        if text is None:
            return [], out
        return items_from_text(text, source=f"kustomize build {path}", file_path=None, max_bytes=max_bytes)
    # No opt-out here: an Application's author would otherwise read other repositories on the repo server.
    files, out = list_files([path], opt_out=None)
    if R.has_errors(out):
        return [], out
    # Relative names ("services/templates.yaml"), as the user sees them in the repository.
    items, found = read_paths([os.path.normpath(f) for f in files], max_bytes=max_bytes)
    return items, out + found


def generate(path: str, environ: Mapping[str, str]) -> tuple[str, list[Result], int]:
    """(manifest stream, results, exit code): the stream is empty unless the exit code is 0."""
    config, out = options_from_environment(environ)
    try:
        max_bytes = yamlload.max_input_bytes(environ)
    except ValueError as exc:  # the environment, not the inputs
        return "", [*out, R.error(str(exc), condition=None)], R.EXIT_USAGE
    if out:
        return "", out, R.EXIT_USAGE
    outcome = pipeline.execute(lambda: read_app(path, environ, max_bytes), config, mode=pipeline.FINAL)
    rendering = outcome.rendering
    if rendering is None:
        return "", outcome.results, outcome.code
    results = outcome.results + _advice(rendering, outcome.results)
    code = R.exit_code(results, strict=config.strict)
    if code != R.EXIT_OK:
        return "", results, code
    return "".join(yamldump.stream_pieces(rendering.documents())), results, code


def _advice(rendering: pipeline.Rendering, results: list[Result]) -> list[Result]:
    """What an Argo CD user must know beyond the render's results: an empty render is refused here (with
    auto-prune it would delete everything), and a missing namespace names the Application's settings."""
    out: list[Result] = []
    if rendering.children == 0 and not R.has_errors(results):
        out.append(
            R.error(
                "no DPF children were rendered: the app folder holds no DPUDeployment. An empty render is refused "
                "because Argo CD would then prune every object this Application deployed. To remove them, delete "
                "the Application; to render another folder, fix spec.source.path.",
                condition=None,
            )
        )
    if not rendering.config.namespace and any(
        r.field == "metadata.namespace" for r in results if r.severity == R.ERROR
    ):
        out.append(
            R.error(
                "no namespace for the inputs above: set the Application's spec.destination.namespace, the "
                "namespace parameter, or metadata.namespace in the files",
                condition=None,
            )
        )
    return out


def describe_app(environ: Mapping[str, str]) -> str:
    """`app "name" (path apps/dpf at 1a2b3c4)`, from what Argo CD passes in the build environment."""
    name = environ.get("ARGOCD_APP_NAME", "")
    where = environ.get("ARGOCD_APP_SOURCE_PATH", "")
    revision = environ.get("ARGOCD_APP_REVISION_SHORT") or environ.get("ARGOCD_APP_REVISION", "")[:7]
    details = " at ".join(p for p in (f"path {where}" if where else "", revision) if p)
    text = f"app {json.dumps(name)}" if name else "the app folder"
    return f"{text} ({details})" if details else text


def report_block(results: list[Result], code: int, environ: Mapping[str, str]) -> str:
    """The stderr Argo CD shows: a headline naming the app, then one line per problem."""
    lines = R.stderr_lines(results)
    app = R.printable(describe_app(environ))
    if code == R.EXIT_OK:
        return f"dpf-render: rendered {app} with warnings:\n{lines}" if lines else ""
    errors = sum(1 for r in results if r.severity == R.ERROR)
    if code == R.EXIT_INPUT_ERROR and not errors:
        counted = "warnings (strict is on)"
    else:
        counted = f"{errors} error{'s' if errors != 1 else ''}"
    return f"dpf-render: cannot render {app}: {counted}; no manifests were generated\n{lines}"


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    """Argo CD's timeout: stop kustomize too, print nothing more on stdout, exit at once."""
    process = _Running.process
    if process is not None and process.poll() is None:
        process.terminate()
    if _Running.scratch is not None:
        shutil.rmtree(_Running.scratch, ignore_errors=True)
    os.write(
        2,
        b"dpf-render: terminated (SIGTERM): Argo CD's exec timeout is ARGOCD_EXEC_TIMEOUT, 90s by default\n",
    )
    os._exit(EXIT_TERMINATED)  # no cleanup handlers: they could flush a partial stream to stdout


def main(
    path: str, environ: Mapping[str, str], stdout: BinaryIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run generate; write the stream or the error block; return the exit code."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    stdout = stdout if stdout is not None else sys.stdout.buffer
    stderr = stderr if stderr is not None else sys.stderr
    stream, results, code = generate(path, environ)
    stderr.write(report_block(results, code, environ))
    stderr.flush()
    if code == R.EXIT_OK:
        stdout.write(stream.encode("utf-8"))
        stdout.flush()
    return code
