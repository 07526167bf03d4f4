"""A stand-in for argocd-cmp-server and the repo-server's choice of sidecar, as Argo CD 2.6 to 3.5 do them.

No Argo CD runs here, so this follows its source (cmpserver/plugin/plugin.go and config.go,
util/app/discovery/discovery.go, reposerver/repository/repository.go, the Application types;
docs/argocd.md):
the plugin config is validated as at sidecar start; each request gets a fresh copy of the repository under a
work dir with file modes reset; discovery is `fileName` (a glob in the app folder), else `find.glob` (with
`**`), else `find.command` run in the app folder (exit 0 and some output means yes); generation runs `init`
then `generate` in the app folder, each in its own process group, with the sidecar's environment plus the
build environment (`ARGOCD_APP_*`, `KUBE_VERSION`, `KUBE_API_VERSIONS`), the Application's plugin env as
`ARGOCD_ENV_<NAME>` (with `$VAR` interpolation of build variables) and its parameters as
`ARGOCD_APP_PARAMETERS` JSON plus `PARAM_<NAME>[_<i>|_<KEY>]`, dropping empty values; a failure becomes
``"`<command args>` failed exit status N: <trimmed stderr>"``; stdout is split as a YAML or JSON stream,
empty and null documents skipped, `List` objects unwrapped. On cancellation (Argo CD's timeout) the process
group gets SIGTERM, then SIGKILL after a grace period.

`RepoServer` picks the sidecar for an Application the way each range of releases in `RELEASES` does: a named
plugin's socket, checked by its discovery rules when it has any; else the first socket whose discovery
claims the folder; else, for an Application without a source type, Argo CD's own kustomize/Helm/directory.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kustomize_plugin import yamlload

# Re-exported: the Argo CD tests import it from here.
from .conftest import require_tool as require_tool  # noqa: PLC0414

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

PLUGIN_KIND = "ConfigManagementPlugin"
SPEC_KEYS = frozenset(
    {
        "version",
        "init",
        "generate",
        "discover",
        "allowConcurrency",
        "lockRepo",
        "parameters",
        "preserveFileMode",
        "provideGitCreds",
    }
)
STATIC_KEYS = frozenset(
    {"name", "title", "tooltip", "required", "itemType", "collectionType", "string", "array", "map"}
)
KILL_GRACE_SECONDS = 5.0  # SIGTERM to the group, then SIGKILL (cmpserver/plugin/plugin.go runCommand)


class PluginConfigError(Exception):
    """plugin.yaml that argocd-cmp-server would refuse at start."""


class DiscoveryError(Exception):
    """A discovery that failed (a find command with a non-zero exit): the repo-server skips the plugin."""


class Command:
    """`{command: [...], args: [...]}`: the argv argocd-cmp-server executes."""

    __slots__ = ("argv",)

    def __init__(self, raw: Any, where: str) -> None:
        raw = raw or {}
        if not isinstance(raw, dict) or set(raw) - {"command", "args"}:
            raise PluginConfigError(f"{where} must be {{command, args}}")
        command, args = raw.get("command") or [], raw.get("args") or []
        if not all(isinstance(a, str) for a in [*command, *args]):
            raise PluginConfigError(f"{where}: command and args must be lists of strings")
        self.argv: list[str] = [*command, *args]


class Plugin:
    """A parsed, validated plugin.yaml (config.go `ValidatePluginConfig`, plus unknown-key checks Argo CD skips)."""

    def __init__(self, path: Path) -> None:
        docs = yamlload.load_documents(path.read_text(encoding="utf-8"), source=str(path))
        if len(docs) != 1 or not isinstance(docs[0], dict):
            raise PluginConfigError("plugin.yaml must hold exactly one object")
        raw = docs[0]
        self.raw = raw
        if raw.get("apiVersion") != "argoproj.io/v1alpha1":
            raise PluginConfigError(
                f"apiVersion should be argoproj.io/v1alpha1, found {raw.get('apiVersion')}"
            )
        if raw.get("kind") != PLUGIN_KIND:
            raise PluginConfigError(
                f"invalid plugin configuration file. kind should be {PLUGIN_KIND}, found {raw.get('kind')}"
            )
        self.name = str((raw.get("metadata") or {}).get("name") or "")
        if not self.name:
            raise PluginConfigError("invalid plugin configuration file. metadata.name should be non-empty.")
        spec = raw.get("spec") or {}
        unknown = set(spec) - SPEC_KEYS
        if unknown:
            raise PluginConfigError(
                f"unknown spec keys (Argo CD would silently ignore them): {sorted(unknown)}"
            )
        self.version = str(spec.get("version") or "")
        self.init = Command(spec.get("init"), "spec.init")
        self.generate = Command(spec.get("generate"), "spec.generate")
        if not self.generate.argv:
            raise PluginConfigError(
                "invalid plugin configuration file. spec.generate command should be non-empty"
            )
        discover = spec.get("discover") or {}
        find = discover.get("find") or {}
        self.file_name = str(discover.get("fileName") or "")
        self.find_glob = str(find.get("glob") or "")
        self.find_command = Command({k: v for k, v in find.items() if k != "glob"}, "spec.discover.find")
        # plugin.go isDiscoveryConfigured: a fileName, a glob or a find command (args alone do not count).
        self.discovery_configured = bool(self.file_name or self.find_glob or find.get("command"))
        self.preserve_file_mode = bool(spec.get("preserveFileMode", False))
        self.static_parameters: list[dict[str, Any]] = list(
            (spec.get("parameters") or {}).get("static") or []
        )
        for parameter in self.static_parameters:
            unknown = set(parameter) - STATIC_KEYS
            if unknown or not parameter.get("name"):
                raise PluginConfigError(f"bad static parameter {parameter!r}")

    @property
    def full_name(self) -> str:
        """What `spec.source.plugin.name` must say: `<name>` or `<name>-<version>`."""
        return f"{self.name}-{self.version}" if self.version else self.name

    def announced_defaults(self) -> dict[str, Any]:
        """Each static parameter's default, by name (`string`, `array` or `map`)."""
        out: dict[str, Any] = {}
        for parameter in self.static_parameters:
            for key in ("string", "array", "map"):
                if key in parameter:
                    out[parameter["name"]] = parameter[key]
        return out


class Application:
    """The parts of an Application (and of the repo-server's request) that reach the plugin."""

    def __init__(
        self,
        source_path: str,
        *,
        name: str = "dpf-example",
        namespace: str = "dpf-operator-system",
        project: str = "default",
        repo_url: str = "https://git.example.com/dpf/apps.git",
        revision: str = "4f1c2b9e8d7a6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
        target_revision: str = "main",
        kube_version: str = "v1.32.4+k3s1",
        kube_api_versions: Sequence[str] = ("v1", "apps/v1", "svc.dpu.nvidia.com/v1alpha1"),
        plugin_name: str | None = None,
        env: Sequence[tuple[str, str]] = (),
        parameters: list[dict[str, Any]] | None = None,
    ) -> None:
        self.source_path = source_path
        self.name = name
        self.namespace = namespace
        self.project = project
        self.repo_url = repo_url
        self.revision = revision
        self.target_revision = target_revision
        self.kube_version = kube_version
        self.kube_api_versions = list(kube_api_versions)
        self.plugin_name = plugin_name
        self.env = list(env)
        self.parameters = parameters

    def build_env(self) -> dict[str, str]:
        """The build environment (docs/user-guide/build-environment.md; repository.go getPluginEnvs)."""
        return {
            "ARGOCD_APP_NAME": self.name,
            "ARGOCD_APP_NAMESPACE": self.namespace,
            "ARGOCD_APP_PROJECT_NAME": self.project,
            "ARGOCD_APP_REVISION": self.revision,
            "ARGOCD_APP_REVISION_SHORT": self.revision[:7],
            "ARGOCD_APP_REVISION_SHORT_8": self.revision[:8],
            "ARGOCD_APP_SOURCE_PATH": self.source_path,
            "ARGOCD_APP_SOURCE_REPO_URL": self.repo_url,
            "ARGOCD_APP_SOURCE_TARGET_REVISION": self.target_revision,
            "KUBE_VERSION": _semver(self.kube_version),
            "KUBE_API_VERSIONS": ",".join(self.kube_api_versions),
        }

    def plugin_env(self) -> list[tuple[str, str]]:
        """Build env, `ARGOCD_ENV_*` (interpolated), then the parameters (getPluginParamEnvs, Environ)."""
        build = self.build_env()
        entries = list(build.items())
        entries += [(f"ARGOCD_ENV_{name}", _envsubst(value, build)) for name, value in self.env]
        entries.append(("ARGOCD_APP_PARAMETERS", json.dumps(self.parameters, separators=(",", ":"))))
        for parameter in self.parameters or []:
            base = "PARAM_" + _escaped(parameter["name"])
            if "string" in parameter:
                entries.append((base, parameter["string"]))
            for key, value in (parameter.get("map") or {}).items():
                entries.append((f"{base}_{_escaped(key)}", value))
            for index, value in enumerate(parameter.get("array") or []):
                entries.append((f"{base}_{index}", value))
        # cmpserver `environ()`: entries with an empty name or value are not passed.
        return [(k, v) for k, v in entries if k and v]


class Outcome:
    """What the repo-server gets back from one generate request."""

    def __init__(
        self, argv: list[str], returncode: int | None, stdout: bytes, stderr: bytes, *, killed: bool
    ) -> None:
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.killed = killed  # needed SIGKILL after the grace period: did not stop on SIGTERM
        self.error: str | None = None
        self.manifests: list[dict[str, Any]] = []
        if returncode != 0:
            self.error = cmd_error(argv, returncode, stderr)
        else:
            self.manifests = split_manifests(stdout)


def cmd_error(argv: Sequence[str], returncode: int | None, stderr: bytes) -> str:
    """plugin.go CmdError: "`<args>` failed <Go exec error>: <trimmed stderr>"."""
    if returncode is not None and returncode < 0:
        cause = f"signal: {_signal_text(-returncode)}"
    else:
        cause = f"exit status {returncode}"
    text = f"`{_args_to_log(argv)}` failed {cause}"
    trimmed = stderr.decode("utf-8", "replace").strip()
    return f"{text}: {trimmed}" if trimmed else text


def split_manifests(stdout: bytes) -> list[dict[str, Any]]:
    """kube.SplitYAMLToString: a YAML or JSON stream; empty and null documents skipped; `List`s unwrapped."""
    text = stdout.decode("utf-8")
    out: list[dict[str, Any]] = []
    for doc in yamlload.load_documents(text, source="plugin stdout"):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise TypeError(f"plugin output holds a document that is not an object: {doc!r}")
        if isinstance(doc.get("items"), list) and str(doc.get("kind", "")).endswith("List"):
            out.extend(doc["items"])
        else:
            out.append(doc)
    return out


class CMPServer:
    """One sidecar: a plugin config, the sidecar's own environment, the uid it runs as, a work root."""

    def __init__(
        self,
        plugin: Plugin,
        *,
        sidecar_env: Mapping[str, str],
        uid: int | None = None,
        work_root: Path | None = None,
    ) -> None:
        self.plugin = plugin
        self.sidecar_env = dict(sidecar_env)
        self.uid = uid
        self.work_root = work_root or Path(tempfile.gettempdir()) / "_cmp_server"

    def match(self, repo: Path, app: Application) -> bool:
        """MatchRepository as Argo CD 2.8 and later send it: does discovery claim the app folder?"""
        supported, _ = self.match_repository(repo, app)
        return supported

    def match_repository(self, repo: Path, app: Application, *, whole_repo: bool = True) -> tuple[bool, bool]:
        """plugin.go matchRepository: (isSupported, isDiscoveryEnabled); a failing find command raises.

        Argo CD 2.8 and later send the whole repository and run discovery in the app folder; 2.6 and 2.7 sent
        only the app folder and ran discovery at its root (`whole_repo=False`), so nothing outside it exists.
        """
        checkout = (
            self._checkout(repo, app)
            if whole_repo
            else _Checkout(self, repo / app.source_path, ".", read_only=False)
        )
        with checkout as app_dir:
            plugin = self.plugin
            if plugin.file_name:
                return bool(glob.glob(os.path.join(app_dir, plugin.file_name), include_hidden=True)), True
            if plugin.find_glob:
                pattern = os.path.join(app_dir, plugin.find_glob)
                return bool(glob.glob(pattern, recursive=True, include_hidden=True)), True
            if plugin.find_command.argv:
                outcome = self._run(plugin.find_command.argv, app_dir, app)
                if outcome.returncode != 0:
                    raise DiscoveryError(
                        f"match repository error: error running find command: {outcome.error}"
                    )
                return outcome.stdout.strip() != b"", True
            return False, False

    def generate(
        self,
        repo: Path,
        app: Application,
        *,
        read_only: bool = False,
        cancel_when: Callable[[], bool] | None = None,
    ) -> Outcome:
        """GenerateManifest: init, then generate, in the app folder of a fresh copy of `repo`."""
        if app.plugin_name and app.plugin_name != self.plugin.full_name:
            raise RuntimeError(f"couldn't find cmp-server plugin with name {app.plugin_name!r}")
        with self._checkout(repo, app, read_only=read_only) as app_dir:
            if self.plugin.init.argv:
                outcome = self._run(self.plugin.init.argv, app_dir, app, cancel_when=cancel_when)
                if outcome.returncode != 0:
                    return outcome
            return self._run(self.plugin.generate.argv, app_dir, app, cancel_when=cancel_when)

    def _checkout(self, repo: Path, app: Application, *, read_only: bool = False) -> _Checkout:
        return _Checkout(self, repo, app.source_path, read_only=read_only)

    def _run(
        self, argv: list[str], cwd: Path, app: Application, *, cancel_when: Callable[[], bool] | None = None
    ) -> Outcome:
        env = dict(self.sidecar_env)
        env.update(app.plugin_env())
        uid = self.uid
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            process_group=0,  # Setpgid, so a timeout kill reaches the plugin's children too
            user=uid,
            group=uid,
            extra_groups=[] if uid is not None else None,
        )
        killed = False
        if cancel_when is not None:
            while process.poll() is None and not cancel_when():
                time.sleep(0.02)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=KILL_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    killed = True
        stdout, stderr = process.communicate()
        return Outcome(argv, process.returncode, stdout, stderr, killed=killed)


@dataclasses.dataclass(frozen=True)
class Release:
    """A range of Argo CD releases that pick a CMP sidecar for an Application the same way.

    What differs, read from argoproj/argo-cd at each release tag (line numbers at the first tag of the range):
    - `whole_repo`: 2.6 and 2.7 sent discovery only the app folder and ran it at its root
      (util/app/discovery/discovery.go v2.6.0:134 `SendRepoStream(ctx, repoPath, repoPath, …)` with the
      app path as repoPath); 2.8 sends the repository and runs discovery in the app folder (v2.8.0:134,
      cmpserver/plugin/plugin.go v2.8.0:319-367).
    - `asks_config_first`: before 2.13 cmpSupports always ran MatchRepository, and a plugin without discovery
      answered (false, false), which a named plugin accepts (discovery.go v2.6.0:175, plugin.go v2.6.0:329).
      2.13 asks CheckPluginConfiguration first: no discovery configured means yes when named, no otherwise,
      without sending the repository (discovery.go v2.13.0:176-182; the release candidates 2.13.0-rc1 and
      rc2, discovery.go v2.13.0-rc1:176-179, let such a plugin claim unnamed apps too: not claimed here).
    - Every release runs discovery for a named plugin that has discovery rules and refuses it when they do
      not match or fail (discovery.go v2.6.0:163-185, v3.4.0:198-219).
    - The error texts (discovery.go v2.6.0:103 `%v`, v2.8.0:103 `%q`, v3.2.0:106 "could not", v3.4.0:108 with
      the cause) and how the repo-server wraps them (reposerver/repository/repository.go v2.6.0:1336
      "plugin sidecar failed.", v3.2.0:1545 `CMP processing failed for application %q`).
    """

    name: str
    whole_repo: bool
    asks_config_first: bool
    named_not_found: str  # format: {name}
    cause_in_error: bool
    failed: str  # format: {app}, {error}

    def __str__(self) -> str:
        return self.name


_SIDECAR_FAILED = "plugin sidecar failed. {error}"
_CMP_FAILED = 'CMP processing failed for application "{app}": {error}'
RELEASES = (
    Release(
        "v2.6-v2.7",
        whole_repo=False,
        asks_config_first=False,
        named_not_found="couldn't find cmp-server plugin with name {name} supporting the given repository",
        cause_in_error=False,
        failed=_SIDECAR_FAILED,
    ),
    Release(
        "v2.8-v2.12",
        whole_repo=True,
        asks_config_first=False,
        named_not_found='couldn\'t find cmp-server plugin with name "{name}" supporting the given repository',
        cause_in_error=False,
        failed=_SIDECAR_FAILED,
    ),
    Release(
        "v2.13-v3.1",
        whole_repo=True,
        asks_config_first=True,
        named_not_found='couldn\'t find cmp-server plugin with name "{name}" supporting the given repository',
        cause_in_error=False,
        failed=_SIDECAR_FAILED,
    ),
    Release(
        "v3.2-v3.3",
        whole_repo=True,
        asks_config_first=True,
        named_not_found='could not find cmp-server plugin with name "{name}" supporting the given repository',
        cause_in_error=False,
        failed=_CMP_FAILED,
    ),
    Release(
        "v3.4-v3.5",
        whole_repo=True,
        asks_config_first=True,
        named_not_found='could not find cmp-server plugin with name "{name}" supporting the given repository',
        cause_in_error=True,
        failed=_CMP_FAILED,
    ),
)
UNNAMED_NOT_FOUND = "could not find plugin supporting the given repository"  # discovery.go v2.6.0:119


class RepoServerOutcome:
    """What the Application shows: the manifests, or the error text, and which sidecar rendered."""

    def __init__(self, *, error: str | None, sidecar: CMPServer | None, outcome: Outcome | None) -> None:
        self.error = error
        self.sidecar = sidecar
        self.outcome = outcome
        self.manifests = outcome.manifests if outcome is not None and error is None else []


class RepoServer:
    """argocd-repo-server with its CMP sidecars: picks the plugin for an Application as `release` does."""

    def __init__(self, release: Release, sidecars: Sequence[CMPServer]) -> None:
        self.release = release
        # The socket folder, as os.ReadDir lists it: sorted by file name.
        self.sockets = {f"{s.plugin.full_name}.sock": s for s in sidecars}
        self.match_requests = 0  # MatchRepository calls: each sends the repository to a sidecar

    def detect(self, repo: Path, app: Application) -> CMPServer:
        """DetectConfigManagementPlugin: the named plugin's sidecar, else the first whose discovery claims."""
        name = app.plugin_name or ""
        if name:
            supported, cause = self._supports(f"{name}.sock", repo, app, named=True)
            if supported is None:
                message = self.release.named_not_found.format(name=name)
                if cause and self.release.cause_in_error:
                    message += f": {cause}"
                raise PluginNotFound(message)
            return supported
        cause = None
        for socket in sorted(self.sockets):
            supported, cause = self._supports(socket, repo, app, named=False)
            if supported is not None:
                return supported
        raise PluginNotFound(
            UNNAMED_NOT_FOUND + (f": {cause}" if cause and self.release.cause_in_error else "")
        )

    def _supports(
        self, socket: str, repo: Path, app: Application, *, named: bool
    ) -> tuple[CMPServer | None, str | None]:
        """discovery.go cmpSupports: the sidecar when it takes the app, else None and the error that decided."""
        sidecar = self.sockets.get(socket)
        if sidecar is None:
            return None, f"error dialing to cmp-server for plugin {socket}: no such file or directory"
        if self.release.asks_config_first and not sidecar.plugin.discovery_configured:
            return (sidecar if named else None), None
        self.match_requests += 1
        try:
            supported, enabled = sidecar.match_repository(repo, app, whole_repo=self.release.whole_repo)
        except DiscoveryError as exc:
            return None, f"error checking repository support for plugin {socket}: {exc}"
        if supported or (named and not enabled):
            return sidecar, None
        return None, None

    def generate(self, repo: Path, app: Application) -> RepoServerOutcome:
        """GenerateManifests for an Application whose source is a plugin (`plugin: {…}`)."""
        try:
            sidecar = self.detect(repo, app)
        except PluginNotFound as exc:
            return RepoServerOutcome(error=self._failed(app, str(exc)), sidecar=None, outcome=None)
        outcome = sidecar.generate(repo, app)
        error = None
        if outcome.error is not None:
            # cmpserver/plugin/plugin.go generateManifestGeneric, then repository.go generateManifestsCMP.
            rpc = f"rpc error: code = Unknown desc = error generating manifests: {outcome.error}"
            error = self._failed(app, f"error generating manifests in cmp: {rpc}")
        return RepoServerOutcome(error=error, sidecar=sidecar, outcome=outcome)

    def source_type(self, repo: Path, app: Application) -> str:
        """GetAppSourceType for an Application without a source type: a plugin first, then the folder's files.

        util/app/discovery/discovery.go Discover: an unnamed plugin that claims the folder wins; otherwise a
        kustomization makes it Kustomize, a Chart.yaml Helm, anything else Directory (plain manifests).
        """
        try:
            self.detect(repo, Application(app.source_path, name=app.name, namespace=app.namespace))
        except PluginNotFound:
            folder = repo / app.source_path
            if any(
                (folder / name).is_file()
                for name in ("kustomization.yaml", "kustomization.yml", "Kustomization")
            ):
                return "Kustomize"
            if (folder / "Chart.yaml").is_file():
                return "Helm"
            return "Directory"
        return "Plugin"

    def _failed(self, app: Application, error: str) -> str:
        return self.release.failed.format(app=app.name, error=error)


class PluginNotFound(Exception):
    """DetectConfigManagementPlugin found no sidecar for the Application."""


class _Checkout:
    """The per-request copy of the repository: `<work root>/<uuid>/`, owned by the sidecar's user."""

    def __init__(self, server: CMPServer, repo: Path, source_path: str, *, read_only: bool) -> None:
        self.server = server
        self.repo = repo
        self.source_path = source_path
        self.read_only = read_only
        self.root = server.work_root / str(uuid.uuid4())

    def __enter__(self) -> Path:
        self.server.work_root.mkdir(mode=0o755, parents=True, exist_ok=True)
        shutil.copytree(self.repo, self.root, ignore=shutil.ignore_patterns(".git"), symlinks=True)
        uid = self.server.uid
        for directory, _, files in os.walk(self.root):
            for path in [Path(directory)] + [Path(directory, f) for f in files]:
                if path.is_symlink():
                    continue
                if not self.server.plugin.preserve_file_mode:  # modes reset, as Argo CD's untar does
                    path.chmod(0o755 if path.is_dir() else 0o644)
                if uid is not None:
                    os.chown(path, uid, uid)
        app_dir = (self.root / self.source_path).resolve()
        if not app_dir.is_relative_to(self.root.resolve()):
            raise RuntimeError("illegal appPath: out of workDir bound")
        if self.read_only:
            for directory, _, files in os.walk(self.root):
                for name in files:
                    Path(directory, name).chmod(0o444)
                Path(directory).chmod(0o555)
        return app_dir

    def __exit__(self, *exc: object) -> None:
        for directory, _, _ in os.walk(self.root):
            Path(directory).chmod(0o755)
        shutil.rmtree(self.root)


def _semver(version: str) -> str:
    """text.SemVer: `v1.32.4+k3s1` → `1.32.4` (no `v`, no build metadata)."""
    match = re.match(r"^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)", version)
    return match.group(1) if match else version


def _envsubst(value: str, variables: Mapping[str, str]) -> str:
    """Env.Envsubst: `$VAR` and `${VAR}` from the build env, unknown ones empty, `$$` a literal `$`."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return variables.get(match.group(1) or match.group(2), "")

    return re.sub(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", replace, value)


def _escaped(name: str) -> str:
    return re.sub(r"[^A-Z0-9_]", "_", name.upper())


def _args_to_log(argv: Sequence[str]) -> str:
    """getCommandArgsToLog: arguments with white space are Go-quoted."""
    return " ".join(json.dumps(a) if any(c.isspace() for c in a) else a for a in argv)


def _signal_text(number: int) -> str:
    texts = {signal.SIGTERM: "terminated", signal.SIGKILL: "killed", signal.SIGINT: "interrupt"}
    return texts.get(signal.Signals(number), signal.Signals(number).name)
