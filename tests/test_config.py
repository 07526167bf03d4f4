"""config.py: one table of options, read the same way by every reader, into a frozen RenderConfig."""

from __future__ import annotations

from typing import Any

import pytest

from kustomize_plugin import argocd, config
from kustomize_plugin.config import RenderConfig

from .conftest import REPO, run_dpf_render

EXAMPLE = REPO / "examples" / "producer-consumer"


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
    done = run_dpf_render("render", str(EXAMPLE), "--bfb-version", "bf-bundle=")
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
