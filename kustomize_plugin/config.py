"""The render options: one table (`OPTIONS`) that every reader follows, and the frozen `RenderConfig` they make.

Each option says once what it is called where (functionConfig key, ConfigMap key, CLI flag, Argo CD plugin
env and parameter), its type, default and help, and whether an Argo CD Application may set it. The readers
all go by the table and parse values with one function per type: the KRM functionConfig (a typed
`DPUDeploymentRender` or a ConfigMap of strings, `from_function_config`), the click options of every
render command (cli_options.py), `render`'s plain arguments read without click (`parse_render_args`), and
the Argo CD plugin's env and parameters (argocd.py); argocd/plugin.yaml announces the same parameters (a
test holds them together). Unknown keys and wrong types are errors naming the field. The README's
functionConfig table lists the options for users, docs/usage.md their flags, docs/argocd.md their Argo CD
names (tests/test_config.py holds the three tables to this one), docs/architecture.md how to add one.
"""

from __future__ import annotations

from types import MappingProxyType

from . import results as R
from .results import ResourceRef

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any

    from .results import Result

API_VERSION = "dpf-render.io/v1alpha1"
KIND = "DPUDeploymentRender"
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

# The option types; `parse` reads a value of each from YAML, JSON or text.
STRING = "string"
BOOLEAN = "boolean"
VERSIONS = "versions"  # BFB name → DOCA version: a map, or `name=version,...` as text
FILES = "files"  # file paths: a list, or comma-separated as text
RESTRICTOR = "restrictor"  # one of LOAD_RESTRICTORS


class Option:
    """One render option and its name in every place it can be set (None: it cannot be set there)."""

    __slots__ = (
        "argocd_env",
        "argocd_parameter",
        "attribute",
        "default",
        "flag",
        "help",
        "key",
        "kind",
        "short",
    )

    def __init__(
        self,
        key: str,
        attribute: str,
        kind: str,
        default: Any,
        help_text: str,
        *,
        flag: str | None = None,
        short: str | None = None,
        argocd_env: str | None = None,
        argocd_parameter: str | None = None,
    ) -> None:
        self.key = key  # functionConfig `spec.<key>` (a dot nests: argocd.syncWaves); ConfigMap `data.<key>`
        self.attribute = attribute  # RenderConfig's field, and the click parameter's name
        self.kind = kind
        self.default = default
        self.help = help_text
        self.flag = flag  # the CLI flag of every render command
        self.short = short
        self.argocd_env = argocd_env  # plugin env: ARGOCD_ENV_<argocd_env>
        self.argocd_parameter = argocd_parameter  # plugin parameter, announced in argocd/plugin.yaml

    @property
    def argocd(self) -> bool:
        """Whether an Argo CD Application may set it (plugin env or parameter)."""
        return self.argocd_parameter is not None

    @property
    def argocd_default(self) -> Any:
        """The default argocd/plugin.yaml announces: a map of BFB versions, else the default as text."""
        return {} if self.kind == VERSIONS else str(self.default).lower()


# In the order of `--help`, of the functionConfig's known keys and of argocd/plugin.yaml's parameters.
OPTIONS = (
    Option(
        "namespace",
        "namespace",
        STRING,
        "",
        "Namespace for inputs that have none.",
        flag="--namespace",
        short="-n",
        argocd_env="NAMESPACE",
        argocd_parameter="namespace",
    ),
    Option(
        "keepInputs",
        "keep_inputs",
        BOOLEAN,
        False,
        "Keep the consumed DPUDeployments, templates and configurations.",
        flag="--keep-inputs",
        argocd_env="KEEP_INPUTS",
        argocd_parameter="keepInputs",
    ),
    # Not for Argo CD: an empty render is refused there with advice for Argo CD (argocd.py).
    Option(
        "allowEmpty",
        "allow_empty",
        BOOLEAN,
        False,
        "Succeed when nothing is rendered (normally an error).",
        flag="--allow-empty",
    ),
    Option(
        "strict",
        "strict",
        BOOLEAN,
        False,
        "Treat warnings as errors.",
        flag="--strict",
        argocd_env="STRICT",
        argocd_parameter="strict",
    ),
    Option(
        "argocd.syncWaves",
        "sync_waves",
        BOOLEAN,
        False,
        "Annotate children with Argo CD sync waves.",
        flag="--sync-waves",
        argocd_env="SYNC_WAVES",
        argocd_parameter="syncWaves",
    ),
    Option(
        "argocd.syncOptions",
        "sync_options",
        BOOLEAN,
        False,
        "Annotate children with Argo CD sync options.",
        flag="--sync-options",
        argocd_env="SYNC_OPTIONS",
        argocd_parameter="syncOptions",
    ),
    Option(
        "bfbVersions",
        "bfb_versions",
        VERSIONS,
        MappingProxyType({}),
        "DOCA version of a BFB whose object does not say it (repeatable).",
        flag="--bfb-version",
        argocd_env="BFB_VERSIONS",
        argocd_parameter="bfbVersions",
    ),
    # The KRM generator mode's inputs; commands take paths as arguments, Argo CD reads the app folder.
    Option(
        "files", "files", FILES, (), "Input files, relative to the kustomization folder (generator mode)."
    ),
    # Not for Argo CD: an Application's author could otherwise read other repositories on the repo server.
    Option(
        "loadRestrictor",
        "load_restrictor",
        RESTRICTOR,
        ROOT_ONLY,
        "none: follow links out of input folders (kustomize's LoadRestrictionsNone).",
        flag="--load-restrictor",
    ),
)
BY_KEY = {option.key: option for option in OPTIONS}
# The functionConfig's top-level keys: a nested option's first part (argocd) once, in table order.
KNOWN_KEYS = tuple(dict.fromkeys(option.key.split(".", 1)[0] for option in OPTIONS))


class RenderConfig:
    """The options of one render, whatever set them; frozen: a command that needs another value makes a copy
    (`replace`). Not a dataclass: importing dataclasses (it imports inspect) takes ~15 ms, a third of the
    KRM function's cold start (measured with `python -c "import yaml, dataclasses"` against `import yaml`)."""

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
    namespace: str
    keep_inputs: bool
    allow_empty: bool
    strict: bool
    sync_waves: bool
    sync_options: bool
    bfb_versions: Mapping[str, str]
    files: tuple[str, ...]
    load_restrictor: str

    def __init__(
        self,
        *,
        namespace: str = "",
        keep_inputs: bool = False,
        allow_empty: bool = False,
        strict: bool = False,
        sync_waves: bool = False,
        sync_options: bool = False,
        bfb_versions: Mapping[str, str] | None = None,
        files: Iterable[str] = (),
        load_restrictor: str = ROOT_ONLY,
    ) -> None:
        init = object.__setattr__
        init(self, "namespace", namespace)
        init(self, "keep_inputs", keep_inputs)
        init(self, "allow_empty", allow_empty)
        init(self, "strict", strict)
        init(self, "sync_waves", sync_waves)
        init(self, "sync_options", sync_options)
        init(self, "bfb_versions", MappingProxyType(dict(bfb_versions or {})))
        init(self, "files", tuple(files))
        init(self, "load_restrictor", load_restrictor)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RenderConfig is frozen: make a copy with config.replace(config, {name}=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("RenderConfig is frozen")

    def __eq__(self, other: object) -> bool:
        return type(other) is RenderConfig and _fields(self) == _fields(other)

    def __hash__(self) -> int:
        fields = _fields(self)
        fields["bfb_versions"] = tuple(sorted(fields["bfb_versions"].items()))
        return hash(tuple(fields.values()))

    def __repr__(self) -> str:
        return "RenderConfig(" + ", ".join(f"{k}={v!r}" for k, v in _fields(self).items()) + ")"

    @property
    def confined(self) -> bool:
        """Inputs found in folders (and generator files) must stay below their folder."""
        return self.load_restrictor != NO_RESTRICTION


def _fields(config: RenderConfig) -> dict[str, Any]:
    values = {name: getattr(config, name) for name in RenderConfig.__slots__}
    values["bfb_versions"] = dict(values["bfb_versions"])
    return values


def replace(config: RenderConfig, **changes: Any) -> RenderConfig:
    """A copy of `config` with `changes` (RenderConfig's keyword arguments), as `dataclasses.replace` makes one."""
    return RenderConfig(**{**_fields(config), **changes})


# --------------------------------------------------------------------------------------------------------
# Values: one parser per type


def parse(option: Option, value: Any) -> tuple[Any, str | None]:
    """(the value, None), or (None, what is wrong with it, to follow the option's name in a message)."""
    kind = option.kind
    if kind == BOOLEAN:
        parsed = parse_boolean(value)
        return (parsed, None) if parsed is not None else (None, "must be a boolean (true or false)")
    if kind == STRING:
        return (value, None) if isinstance(value, str) else (None, "must be a string")
    if kind == VERSIONS:
        return parse_versions(value)
    if kind == FILES:
        if isinstance(value, str):
            value = [f.strip() for f in value.split(",") if f.strip()]
        if isinstance(value, list) and all(isinstance(f, str) and f for f in value):
            return tuple(value), None
        return None, "must be a list of file paths"
    if isinstance(value, str) and value in LOAD_RESTRICTORS:
        return LOAD_RESTRICTORS[value], None
    return None, f"must be {ROOT_ONLY} or {NO_RESTRICTION}"


def parse_boolean(value: Any) -> bool | None:
    """A boolean, or its text `true`/`false` in any case (ConfigMap data, plugin env and parameters)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


VERSIONS_SHAPE = "must map BFB names to DOCA versions"


def parse_versions(value: Any) -> tuple[Mapping[str, str] | None, str | None]:
    """BFB name → DOCA version from a map or from `name=version,...` text; every name needs a version."""
    if isinstance(value, str):
        return version_pairs(p for p in value.split(",") if p.strip())
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return None, VERSIONS_SHAPE
    return version_pairs(f"{k}={v}" for k, v in value.items())


def version_pairs(pairs: Iterable[str]) -> tuple[Mapping[str, str] | None, str | None]:
    """`NAME=VERSION` pairs (the last of a name wins), both parts trimmed and not empty."""
    versions: dict[str, str] = {}
    for pair in pairs:
        name, _, version = pair.partition("=")
        name, version = name.strip(), version.strip()
        if not name or not version:
            return None, f"BFB {_json_string(name)} needs a DOCA version (name=version)"
        versions[name] = version
    return MappingProxyType(versions), None


def _json_string(text: str) -> str:
    """A name as JSON quotes it (the messages quote user text the same way everywhere)."""
    import json  # messages only: importing json costs ~1 ms of the KRM function's start-up

    return json.dumps(text)


# --------------------------------------------------------------------------------------------------------
# The KRM functionConfig


def from_spec(
    spec: Mapping[str, Any], ref: ResourceRef | None = None, base: str = "spec"
) -> tuple[RenderConfig, list[Result]]:
    """Options from a typed spec; every unknown key or wrong value is an error naming its path."""
    out: list[Result] = []
    values: dict[str, Any] = {}

    def bad(key: str, message: str) -> None:
        out.append(R.error(message, ref, f"{base}.{key}"))

    for key in sorted(set(spec) - set(KNOWN_KEYS), key=str):
        bad(str(key), f"unknown field {base}.{key} (known: {', '.join(KNOWN_KEYS)})")
    for group in KNOWN_KEYS:
        nested = [o for o in OPTIONS if o.key.startswith(group + ".")]
        value = spec.get(group)
        if not nested:
            if value is not None:
                _read(BY_KEY[group], value, f"{base}.{group}", values, out, ref)
            continue
        if value is None:
            continue
        names = [o.key.split(".", 1)[1] for o in nested]
        if not isinstance(value, dict):
            bad(group, f"{base}.{group} must be a map with {' and '.join(names)}")
            continue
        for key in sorted(set(value) - set(names), key=str):
            bad(f"{group}.{key}", f"unknown field {base}.{group}.{key} (known: {', '.join(names)})")
        for option, name in zip(nested, names, strict=True):
            if value.get(name) is not None:
                _read(option, value[name], f"{base}.{option.key}", values, out, ref)
    return RenderConfig(**values), out


def _read(
    option: Option, value: Any, path: str, values: dict[str, Any], out: list[Result], ref: ResourceRef | None
) -> None:
    parsed, problem = parse(option, value)
    if problem is None:
        values[option.attribute] = parsed
    else:
        shown = f", not {value!r}" if option.kind in (BOOLEAN, RESTRICTOR) else ""
        out.append(R.error(f"{path} {problem}{shown}", ref, path))


def from_configmap(
    data: Mapping[str, Any], ref: ResourceRef | None = None
) -> tuple[RenderConfig, list[Result]]:
    """Options from a ConfigMap's data: the same keys, nested ones dotted (`argocd.syncWaves`), text values."""
    out: list[Result] = []
    values: dict[str, Any] = {}
    known = [o.key for o in OPTIONS]
    for key in sorted(data):
        option = BY_KEY.get(key)
        if option is None:
            out.append(R.error(f"unknown field data.{key} (known: {', '.join(known)})", ref, f"data.{key}"))
        elif data[key] is not None:
            _read(option, data[key], f"data.{key}", values, out, ref)
    return RenderConfig(**values), out


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
        return from_configmap(data, ref)
    return RenderConfig(), [
        R.error(
            f"unknown functionConfig {api_version}/{kind}: expected {API_VERSION}/{KIND} or a v1 ConfigMap",
            ref,
        )
    ]


# --------------------------------------------------------------------------------------------------------
# The command line without click


class RenderArgs:
    """`dpf-render render`'s arguments: the inputs, the options, and the output folder (None: stdout)."""

    __slots__ = ("config", "output_dir", "paths")

    def __init__(self, paths: list[str], config: RenderConfig, output_dir: str | None) -> None:
        self.paths = paths
        self.config = config
        self.output_dir = output_dir


OUTPUT_FLAGS = ("-o", "--output")  # `render`'s own option, beside the render options
_FLAGS = {f: o for o in OPTIONS for f in (o.flag, o.short) if f is not None}


def parse_render_args(args: Sequence[str]) -> RenderArgs | None:
    """`render`'s arguments read without click, when they are plain; else None, and the click CLI takes them.

    Plain means: paths (`-` for stdin), `-o/--output DIR` and the render options of `OPTIONS` (flags; a
    value option once; `--bfb-version NAME=VERSION` once per name), each value a separate argument that does
    not start with `-`. Everything else (help, a typo, `--opt=value`, a repeated value, an unreadable
    NAME=VERSION or load restrictor, `--`) is click's to handle or to refuse, so this never accepts what click
    would not, nor means something else by it. tests/test_robustness.py checks it against click on every
    combination. Why: importing click and the CLI's commands would double `render`'s start-up, and CI and
    Argo CD run it once per application.
    """
    paths: list[str] = []
    values: dict[str, Any] = {}
    versions: list[str] = []
    named: set[str] = set()
    output: str | None = None
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        option = _FLAGS.get(arg)
        if option is not None and option.kind == BOOLEAN:
            values[option.attribute] = True
            continue
        if option is None and arg not in OUTPUT_FLAGS:
            return None
        if position >= len(args) or args[position].startswith("-"):
            return None
        value = args[position]
        position += 1
        if option is None:
            if output is not None:
                return None
            output = value
        elif option.kind == VERSIONS:
            pair, _ = version_pairs([value])
            if pair is None or not named.isdisjoint(pair):
                return None
            named.update(pair)
            versions.append(value)
        else:
            parsed, problem = parse(option, value)
            if problem is not None or option.attribute in values:
                return None
            values[option.attribute] = parsed
    if not paths:
        return None
    if versions:
        values["bfb_versions"] = version_pairs(versions)[0]
    return RenderArgs(paths, RenderConfig(**values), output)
