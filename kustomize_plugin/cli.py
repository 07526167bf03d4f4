"""The command line: the click command group, `render`, `--version`, and `main` mapping exceptions to exit codes.

Nothing here renders or formats: a command collects its options (`cli_options.build_config` makes the
RenderConfig), calls `output`, `pipeline` or a review tool, and maps results to exit codes. The other
commands live in cli_review.py, cli_lock.py, cli_argocd.py and cli_kustomize.py, loaded on first use.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from . import results as R
from .cli_options import CONTEXT, build_config, render_options
from .output import render_command, utf8

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


class _Commands(click.Group):
    """The command group; commands of the integrations and review tools live in their own modules and are
    added on first use, so importing any of those modules first cannot see a half-built group."""

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        from . import cli_argocd, cli_kustomize, cli_lock, cli_review

        for module in (cli_argocd, cli_kustomize, cli_lock, cli_review):
            for command in module.COMMANDS:
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


def version_text() -> str:
    """The version, the DPF API versions and kinds dpf-render reads and writes, and the YAML library in use."""
    import yaml

    from . import emit, model

    def by_api(pairs: Any) -> list[str]:
        grouped: dict[str, list[str]] = {}
        for api_version, kind in pairs:
            grouped.setdefault(api_version, []).append(kind)
        return [f"{api} {', '.join(kinds)}" for api, kinds in grouped.items()]

    reads = by_api(sorted(model.INPUT_KINDS, key=lambda p: (p[0] != model.SVC_V1, p)))
    # The builders under expand/ write DPUSets as provisioning objects, the rest as svc objects.
    written = [(model.PROVISIONING_V1 if k == "DPUSet" else model.SVC_V1, k) for k in emit.KIND_ORDER]
    writes = by_api(written)
    libyaml = "LibYAML" if yaml.__with_libyaml__ else "pure Python"
    lines = [f"dpf-render {__version__}"]
    lines += [("reads:  " if i == 0 else " " * 8) + line for i, line in enumerate(reads)]
    lines += [("writes: " if i == 0 else " " * 8) + line for i, line in enumerate(writes)]
    lines.append(f"python {sys.version.split()[0]}, PyYAML {yaml.__version__} ({libyaml})")
    return "\n".join(lines) + "\n"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text(), nl=False)
        ctx.exit()


@click.group(cls=_Commands, context_settings=CONTEXT, invoke_without_command=False)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and the DPF API versions and kinds read and written, and exit.",
)
@click.option("--debug", is_flag=True, hidden=True, help="Show a traceback on internal errors.")
def cli(debug: bool) -> None:
    """Expand NVIDIA DPF DPUDeployments offline into the objects DPF's controller would create.

    Without a command, dpf-render is a KRM function: it reads a ResourceList (or a YAML stream) on stdin
    and writes one to stdout (kustomize, kpt).

    \b
    Example:
      dpf-render render examples/producer-consumer
    """


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...", type=click.Path())
@click.option(
    "--output",
    "-o",
    "output_dir",
    metavar="DIR",
    help="Write one file per object under DIR instead of stdout.",
)
@render_options
def render(paths: tuple[str, ...], output_dir: str | None, **options: Any) -> None:
    """Render DPUDeployments in files or folders (`-` for stdin) to final manifests.

    The output is a YAML stream of the kept inputs (BFBs, DPUFlavors, everything else) followed by the
    children of each DPUDeployment. With -o, DIR is replaced by one file per object at
    <namespace>/<kind>_<name>.yaml, all at once or not at all, when it is absent, empty or written by
    dpf-render before (it lists what it wrote in DIR/.dpf-render-output); any other DIR is refused.

    \b
    Examples:
      dpf-render render examples/producer-consumer
      dpf-render render deploy/ -o rendered/
      kustomize build overlays/prod | dpf-render render -
    """
    config = build_config(**options)
    code = render_command(paths, config, output_dir)
    if code != R.EXIT_OK:
        raise SystemExit(code)


def main(args: Sequence[str]) -> int:
    """Run the CLI; click's usage errors are exit 2, input errors 1."""
    utf8(sys.stdout)  # manifests, plans and trees are UTF-8 whatever the locale, as `render`'s are
    utf8(sys.stderr)
    try:
        cli.main(args=list(args), prog_name="dpf-render", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        # The message quotes arguments: one line, whatever they hold. (Final in click's stubs; show() reads it.)
        exc.message = R.printable(exc.message)  # type: ignore[misc]
        exc.show()
        return R.EXIT_USAGE
    except click.exceptions.Abort:
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else R.EXIT_INPUT_ERROR
    return R.EXIT_OK
