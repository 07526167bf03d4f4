"""The render options: from the KRM functionConfig (typed kind or ConfigMap), CLI flags or Argo CD parameters.

One `RenderConfig` whatever the source, so every mode renders the same children from the same options.
Unknown keys and wrong types are errors naming the field (SPEC §3.1). `parse_render_args` reads the plain
form of `dpf-render render`'s flags without click, for the command's start-up; click handles the rest.
"""

from __future__ import annotations

from . import results as R
from .results import ResourceRef

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from .results import Result

API_VERSION = "dpf-render.io/v1alpha1"
KIND = "DPUDeploymentRender"
_BOOL_KEYS = ("keepInputs", "allowEmpty", "strict")
_ARGOCD_KEYS = ("syncWaves", "syncOptions")
KNOWN_KEYS = ("namespace", *_BOOL_KEYS, "bfbVersions", "files", "argocd", "loadRestrictor")
# Which files inputs may come from (docs/safety.md): only below the folder they belong to, as kustomize's
# default LoadRestrictionsRootOnly, or anywhere; kustomize's own spellings are accepted too.
ROOT_ONLY = "rootOnly"
NO_RESTRICTION = "none"
LOAD_RESTRICTORS = {
    ROOT_ONLY: ROOT_ONLY,
    NO_RESTRICTION: NO_RESTRICTION,
    "LoadRestrictionsRootOnly": ROOT_ONLY,
    "LoadRestrictionsNone": NO_RESTRICTION,
}


class RenderConfig:
    __slots__ = (
        "allow_empty",
        "bfb_versions",
        "files",
        "keep_inputs",
        "load_restrictor",
        "namespace",
        "strict",
        "sync_options",
        "sync_waves",
    )

    def __init__(
        self,
        *,
        namespace: str = "",
        keep_inputs: bool = False,
        allow_empty: bool = False,
        strict: bool = False,
        bfb_versions: Mapping[str, str] | None = None,
        files: tuple[str, ...] = (),
        sync_waves: bool = False,
        sync_options: bool = False,
        load_restrictor: str = ROOT_ONLY,
    ) -> None:
        self.namespace = namespace
        self.keep_inputs = keep_inputs
        self.allow_empty = allow_empty
        self.strict = strict
        self.bfb_versions: dict[str, str] = dict(bfb_versions or {})
        self.files = files
        self.sync_waves = sync_waves
        self.sync_options = sync_options
        self.load_restrictor = load_restrictor

    def changed(self, **changes: Any) -> RenderConfig:
        """A copy with `changes` (keyword arguments of the constructor)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return RenderConfig(**values)

    @property
    def confined(self) -> bool:
        """Inputs found in folders (and generator files) must stay below their folder."""
        return self.load_restrictor != NO_RESTRICTION


def replace(config: RenderConfig, **changes: Any) -> RenderConfig:
    """A copy of `config` with `changes`, as `dataclasses.replace` makes one."""
    return config.changed(**changes)


def from_spec(
    spec: Mapping[str, Any], ref: ResourceRef | None = None, base: str = "spec"
) -> tuple[RenderConfig, list[Result]]:
    """Options from a typed spec; every unknown key or wrong type is an error naming its path."""
    out: list[Result] = []
    config = RenderConfig()

    def bad(key: str, message: str) -> None:
        out.append(R.error(message, ref, f"{base}.{key}"))

    for key in sorted(set(spec) - set(KNOWN_KEYS), key=str):
        bad(str(key), f"unknown field {base}.{key} (known: {', '.join(KNOWN_KEYS)})")
    namespace = spec.get("namespace")
    if namespace is not None:
        if isinstance(namespace, str):
            config.namespace = namespace
        else:
            bad("namespace", f"{base}.namespace must be a string")
    for key in _BOOL_KEYS:
        value = spec.get(key)
        if value is None:
            continue
        parsed = _boolean(value)
        if parsed is None:
            bad(key, f"{base}.{key} must be a boolean (true or false), not {value!r}")
        elif key == "keepInputs":
            config.keep_inputs = parsed
        elif key == "allowEmpty":
            config.allow_empty = parsed
        else:
            config.strict = parsed
    versions = spec.get("bfbVersions")
    if versions is not None:
        if isinstance(versions, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in versions.items()
        ):
            config.bfb_versions = dict(versions)
        else:
            bad("bfbVersions", f"{base}.bfbVersions must map BFB names to DOCA version strings")
    files = spec.get("files")
    if files is not None:
        if isinstance(files, list) and all(isinstance(f, str) and f for f in files):
            config.files = tuple(files)
        else:
            bad("files", f"{base}.files must be a list of file paths")
    restrictor = spec.get("loadRestrictor")
    if restrictor is not None:
        if isinstance(restrictor, str) and restrictor in LOAD_RESTRICTORS:
            config.load_restrictor = LOAD_RESTRICTORS[restrictor]
        else:
            bad(
                "loadRestrictor",
                f"{base}.loadRestrictor must be {ROOT_ONLY} or {NO_RESTRICTION}, not {restrictor!r}",
            )
    argocd = spec.get("argocd")
    if argocd is not None:
        if not isinstance(argocd, dict):
            bad("argocd", f"{base}.argocd must be a map with {' and '.join(_ARGOCD_KEYS)}")
        else:
            for key in sorted(set(argocd) - set(_ARGOCD_KEYS), key=str):
                bad(f"argocd.{key}", f"unknown field {base}.argocd.{key} (known: {', '.join(_ARGOCD_KEYS)})")
            for key in _ARGOCD_KEYS:
                if argocd.get(key) is None:
                    continue
                parsed = _boolean(argocd[key])
                if parsed is None:
                    bad(f"argocd.{key}", f"{base}.argocd.{key} must be a boolean")
                elif key == "syncWaves":
                    config.sync_waves = parsed
                else:
                    config.sync_options = parsed
    return config, out


def from_function_config(obj: Any) -> tuple[RenderConfig, list[Result]]:
    """The KRM functionConfig: absent, `dpf-render.io/v1alpha1 DPUDeploymentRender`, or a ConfigMap."""
    if obj is None or obj == {}:
        return RenderConfig(), []
    if not isinstance(obj, dict):
        return RenderConfig(), [R.error("functionConfig must be an object")]
    ref = ResourceRef.of(obj)
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if kind == KIND and api_version == API_VERSION:
        spec = obj.get("spec", {})
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            return RenderConfig(), [R.error("spec must be a map", ref, "spec")]
        return from_spec(spec, ref)
    if kind == "ConfigMap" and api_version == "v1":
        data = obj.get("data") or {}
        if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
            return RenderConfig(), [R.error("data must be a map of strings", ref, "data")]
        return from_spec(_configmap_spec(data), ref, base="data")
    return RenderConfig(), [
        R.error(
            f"unknown functionConfig {api_version}/{kind}: expected {API_VERSION}/{KIND} or a v1 ConfigMap",
            ref,
        )
    ]


def _configmap_spec(data: Mapping[str, Any]) -> dict[str, Any]:
    """ConfigMap data are strings: `bfbVersions` as `name=version,…`, `files` comma-separated."""
    spec: dict[str, Any] = {}
    for key, value in data.items():
        if key == "bfbVersions" and isinstance(value, str):
            versions: dict[str, str] = {}
            for pair in value.split(","):
                name, _, version = pair.strip().partition("=")
                if name:
                    versions[name] = version
            spec[key] = versions
        elif key == "files" and isinstance(value, str):
            spec[key] = [f.strip() for f in value.split(",") if f.strip()]
        elif key.startswith("argocd.") and isinstance(value, str):
            spec.setdefault("argocd", {})[key.split(".", 1)[1]] = value
        else:
            spec[key] = value
    return spec


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


class RenderArgs:
    """`dpf-render render`'s arguments: the inputs, the options, and the output folder (None: stdout)."""

    __slots__ = ("config", "output_dir", "paths")

    def __init__(self, paths: list[str], config: RenderConfig, output_dir: str | None) -> None:
        self.paths = paths
        self.config = config
        self.output_dir = output_dir


_RENDER_FLAGS = {
    "--keep-inputs": "keep_inputs",
    "--allow-empty": "allow_empty",
    "--strict": "strict",
    "--sync-waves": "sync_waves",
    "--sync-options": "sync_options",
}
_RENDER_VALUES = {
    "-n": "namespace",
    "--namespace": "namespace",
    "-o": "output",
    "--output": "output",
    "--load-restrictor": "load_restrictor",
}


def parse_render_args(args: Sequence[str]) -> RenderArgs | None:
    """`render`'s arguments read without click, when they are plain; else None, and the click CLI takes them.

    Plain means: paths (`-` for stdin), the flags, `-n/--namespace NS`, `-o/--output DIR`,
    `--load-restrictor rootOnly|none` once each and
    `--bfb-version NAME=VERSION`, each value a separate argument that does not start with `-`. Everything
    else (help, a typo, `--opt=value`, a repeated value, an unreadable NAME=VERSION, `--`) is click's to
    handle or to refuse, so this never accepts what click would not, nor means something else by it.
    tests/test_robustness.py checks it against click on every combination. Why: importing click and the
    CLI's commands would double `render`'s start-up, and CI and Argo CD run it once per application.
    """
    paths: list[str] = []
    flags: dict[str, bool] = {}
    values: dict[str, str] = {}
    versions: dict[str, str] = {}
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
        elif arg in _RENDER_FLAGS:
            flags[_RENDER_FLAGS[arg]] = True
        elif arg in _RENDER_VALUES or arg == "--bfb-version":
            if position >= len(args) or args[position].startswith("-"):
                return None
            value = args[position]
            position += 1
            if arg == "--bfb-version":
                name, sep, version = value.partition("=")
                if not sep or not name or not version or name in versions:
                    return None
                versions[name] = version
            elif _RENDER_VALUES[arg] in values or (
                arg == "--load-restrictor" and value not in LOAD_RESTRICTORS
            ):
                return None
            else:
                values[_RENDER_VALUES[arg]] = value
        else:
            return None
    if not paths:
        return None
    config = RenderConfig(
        namespace=values.get("namespace", ""),
        keep_inputs=flags.get("keep_inputs", False),
        allow_empty=flags.get("allow_empty", False),
        strict=flags.get("strict", False),
        bfb_versions=versions,
        sync_waves=flags.get("sync_waves", False),
        sync_options=flags.get("sync_options", False),
        load_restrictor=LOAD_RESTRICTORS[values.get("load_restrictor", ROOT_ONLY)],
    )
    return RenderArgs(paths, config, values.get("output"))
