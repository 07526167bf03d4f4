"""What every command module shares: click's settings, the render options as click options, and reporting.

The render options come from the one table in config.py (`OPTIONS`), so `render`, `check`, `plan`,
`describe`, `lock` and `adopt` take the same flags with the same help as the functionConfig's keys and the
Argo CD plugin's parameters. The command modules (cli.py, cli_review.py, cli_lock.py, cli_argocd.py,
cli_kustomize.py) import this one, never each other, so no import cycle runs through the command group.
"""

from __future__ import annotations

import sys

import click

from . import config as config_mod
from . import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, TypeVar

    from .config import RenderConfig
    from .results import Result

    F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def render_options(function: F) -> F:
    """The render options of `config.OPTIONS` that have a flag, in the table's order."""
    for option in reversed([o for o in config_mod.OPTIONS if o.flag is not None]):
        function = _click_option(option)(function)
    return function


def _click_option(option: config_mod.Option) -> Callable[[F], F]:
    names = [name for name in (option.flag, option.short, option.attribute) if name]
    if option.kind == config_mod.BOOLEAN:
        return click.option(*names, is_flag=True, help=option.help)
    if option.kind == config_mod.VERSIONS:
        return click.option(*names, multiple=True, metavar="NAME=VERSION", help=option.help)
    if option.kind == config_mod.RESTRICTOR:
        return click.option(
            *names,
            type=click.Choice(list(config_mod.LOAD_RESTRICTORS)),
            default=option.default,
            show_default=True,
            help=option.help,
        )
    return click.option(*names, default=option.default, help=option.help)


def build_config(**options: Any) -> RenderConfig:
    """The RenderConfig of a command's render options (click's keyword arguments); a bad NAME=VERSION is a
    usage error."""
    values: dict[str, Any] = {}
    for option in config_mod.OPTIONS:
        if option.attribute not in options:
            continue
        value = options[option.attribute]
        if option.kind == config_mod.VERSIONS:
            pairs: Sequence[str] = value
            value = config_mod.version_pairs(pairs)[0]
            if value is None:  # name the pair, as the user typed it
                bad = next(pair for pair in pairs if config_mod.version_pairs([pair])[0] is None)
                raise click.BadParameter(f"expected NAME=VERSION, got {bad!r}", param_hint=option.flag)
        elif option.kind == config_mod.RESTRICTOR:
            value = config_mod.LOAD_RESTRICTORS[value]
        values[option.attribute] = value
    return config_mod.RenderConfig(**values)


def report(results: list[Result]) -> None:
    sys.stderr.write(R.stderr_lines(results))


def input_cap() -> int:
    """The input size cap of DPF_RENDER_MAX_INPUT_BYTES; an unreadable value is a usage error (exit 2)."""
    from .yamlload import max_input_bytes

    try:
        return max_input_bytes()
    except ValueError as exc:  # the environment, not the inputs
        report([R.error(str(exc), condition=None)])
        raise SystemExit(R.EXIT_USAGE) from None
