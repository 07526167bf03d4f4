"""config.py: one table of options, read the same way by every reader, into a frozen RenderConfig."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kustomize_plugin import argocd, config
from kustomize_plugin import results as R
from kustomize_plugin.config import RenderConfig

from .conftest import PRODUCER_CONSUMER, REPO, run_dpf_render


def configmap(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "render"}, "data": data}


def typed(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": config.API_VERSION,
        "kind": config.KIND,
        "metadata": {"name": "render"},
        "spec": spec,
    }


# A BFB named without a DOCA version, in each reader's form.
WITHOUT_VERSION = {
    "ConfigMap": lambda: config.from_function_config(configmap(bfbVersions="bf-bundle="))[1],
    "ConfigMap, one of two": lambda: config.from_function_config(configmap(bfbVersions="a=2.9, bf-bundle"))[
        1
    ],
    "typed functionConfig": lambda: config.from_function_config(typed(bfbVersions={"bf-bundle": ""}))[1],
    "Argo CD env": lambda: argocd.options_from_environment({"ARGOCD_ENV_BFB_VERSIONS": "bf-bundle="})[1],
    "Argo CD parameter": lambda: argocd.options_from_environment(
        {"ARGOCD_APP_PARAMETERS": '[{"name": "bfbVersions", "map": {"bf-bundle": " "}}]'}
    )[1],
}


@pytest.mark.parametrize("read", WITHOUT_VERSION.values(), ids=WITHOUT_VERSION.keys())
def test_a_bfb_without_a_version_is_an_error_in_every_reader(read: Any) -> None:
    results = read()
    assert [r.severity for r in results] == ["error"]
    assert 'BFB "bf-bundle" needs a DOCA version (name=version)' in results[0].message


def test_a_bfb_without_a_version_is_a_usage_error_on_the_command_line() -> None:
    done = run_dpf_render("render", str(PRODUCER_CONSUMER), "--bfb-version", "bf-bundle=")
    assert done.returncode == 2
    assert b"expected NAME=VERSION, got 'bf-bundle='" in done.stderr


SAME_OPTIONS = {
    "typed": typed(namespace="dpf", keepInputs="TRUE", argocd={"syncWaves": True}, bfbVersions={"a": "2.9"}),
    "ConfigMap": configmap(
        namespace="dpf", keepInputs="true", **{"argocd.syncWaves": "true"}, bfbVersions="a=2.9"
    ),
}


@pytest.mark.parametrize("obj", SAME_OPTIONS.values(), ids=SAME_OPTIONS.keys())
def test_the_function_config_forms_mean_the_same(obj: dict[str, Any]) -> None:
    parsed, results = config.from_function_config(obj)
    assert results == []
    assert parsed == RenderConfig(
        namespace="dpf", keep_inputs=True, sync_waves=True, bfb_versions={"a": "2.9"}
    )
    arguments = config.parse_render_args(
        ["x", "-n", "dpf", "--keep-inputs", "--sync-waves", "--bfb-version", "a=2.9"]
    )
    assert arguments is not None
    assert arguments.config == parsed
    environ = {
        "ARGOCD_ENV_NAMESPACE": "dpf",
        "ARGOCD_ENV_KEEP_INPUTS": "true",
        "ARGOCD_ENV_SYNC_WAVES": "true",
    }
    from_argocd, found = argocd.options_from_environment({**environ, "ARGOCD_ENV_BFB_VERSIONS": "a=2.9"})
    assert found == []
    assert from_argocd == config.replace(parsed, allow_empty=True)


def test_render_config_is_the_table() -> None:
    assert set(RenderConfig.__slots__) == {o.attribute for o in config.OPTIONS}
    defaults = RenderConfig()
    for option in config.OPTIONS:
        assert getattr(defaults, option.attribute) == option.default, option.key


def test_render_config_is_frozen() -> None:
    options = RenderConfig(namespace="a", bfb_versions={"x": "1"})
    with pytest.raises(AttributeError, match="frozen"):
        options.namespace = "b"
    with pytest.raises(TypeError):
        options.bfb_versions["y"] = "2"  # type: ignore[index]
    changed = config.replace(options, allow_empty=True)
    assert (changed.allow_empty, options.allow_empty) == (True, False)
    assert changed.namespace == "a"
    assert changed == config.replace(options, allow_empty=True)
    assert hash(changed) == hash(config.replace(options, allow_empty=True))
    assert changed != options


def test_argo_cd_cannot_set_the_load_restrictor() -> None:
    """An Application's author must not read other repositories on the repo server (docs/safety.md)."""
    assert not config.BY_KEY["loadRestrictor"].argocd
    parameters = '[{"name": "loadRestrictor", "string": "none"}]'
    parsed, results = argocd.options_from_environment(
        {"ARGOCD_APP_PARAMETERS": parameters, "ARGOCD_ENV_LOAD_RESTRICTOR": "none"}
    )
    assert parsed.confined
    known = "namespace, keepInputs, strict, syncWaves, syncOptions, bfbVersions"
    assert [r.message for r in results] == [f"parameter loadRestrictor: unknown parameter (known: {known})"]


# --- the option tables in the docs, held to config.OPTIONS ----------------------------------------------------


def table(path: Path, header: str) -> list[list[str]]:
    """The rows (cells) of the Markdown table in `path` whose header row starts with `header`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def ticks(cell: str) -> list[str]:
    return re.findall(r"`([^`]*)`", cell)


def flags_in(cell: str) -> list[str]:
    return [tick.split()[0] for tick in ticks(cell) if tick.startswith("-")]


def flags_of(option: config.Option) -> list[str]:
    return [flag for flag in (option.short, option.flag) if flag]


def default_shown(option: config.Option) -> str:
    """How the README and docs/usage.md tables show the default."""
    if option.kind == config.BOOLEAN:
        return str(option.default).lower()
    if option.kind == config.RESTRICTOR:
        return f"`{option.default}`"
    assert not option.default, option.key
    return "none"


def test_the_readme_options_table_is_the_table() -> None:
    rows = {ticks(row[0])[0]: row for row in table(REPO / "README.md", "| functionConfig `spec` |")}
    assert sorted(rows) == sorted(config.BY_KEY)
    for option in config.OPTIONS:
        _, flags, argocd_names, default = rows[option.key][:4]
        assert flags_in(flags) == flags_of(option), option.key
        assert ticks(argocd_names) == ([option.argocd_parameter, option.argocd_env] if option.argocd else [])
        assert default.startswith(default_shown(option)), option.key


def test_the_usage_options_table_is_the_table() -> None:
    rows: dict[str, list[str]] = {}
    for row in table(REPO / "docs" / "usage.md", "| command line | functionConfig `spec` |"):
        head, _, rest = ticks(row[1])[0].partition(":")  # `namespace`, `argocd: {syncWaves: true}`
        nested = re.match(r"\s*\{(\w+):", rest)
        key = f"{head}.{nested[1]}" if nested and head not in config.BY_KEY else head
        rows[key] = row
    assert sorted(rows) == sorted(config.BY_KEY)
    for option in config.OPTIONS:
        flags, _, default = rows[option.key][:3]
        assert flags_in(flags) == flags_of(option), option.key
        assert default.startswith(default_shown(option)), option.key


def test_the_argocd_options_table_is_the_table() -> None:
    rows = {ticks(row[0])[0]: row for row in table(REPO / "docs" / "argocd.md", "| parameter | env ")}
    assert list(rows) == list(argocd.DEFAULTS)
    for option in argocd.OPTIONS:
        _, env, default = rows[str(option.argocd_parameter)][:3]
        assert ticks(env)[0] == option.argocd_env
        if option.attribute != "namespace":  # the Application's destination namespace
            assert ticks(default) == [json_default(option)], option.key


def json_default(option: config.Option) -> str:
    """An announced default as argocd/plugin.yaml and docs/argocd.md write it."""
    return "{}" if option.kind == config.VERSIONS else f'"{str(option.default).lower()}"'


def test_the_known_keys_in_the_usage_guide_are_the_ones_printed() -> None:
    results = config.from_function_config(configmap(stict="true") | {"metadata": {"name": "x"}})[1]
    line = R.stderr_lines(results)
    assert "data.stict" in line
    assert line in (REPO / "docs" / "usage.md").read_text(encoding="utf-8")


def test_argocd_generate_help_lists_every_option_an_application_may_set() -> None:
    done = run_dpf_render("argocd", "generate", "--help")
    assert done.returncode == 0
    lines = done.stdout.decode().splitlines()
    shown = [line.split()[:2] for line in lines if line.strip().split(" ", 1)[0] in argocd.DEFAULTS]
    assert shown == [[str(o.argocd_parameter), f"ARGOCD_ENV_{o.argocd_env}"] for o in argocd.OPTIONS]
