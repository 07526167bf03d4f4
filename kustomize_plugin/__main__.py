"""Entry point: the KRM function without arguments, the legacy kustomize plugin with a config file, else the CLI."""

from __future__ import annotations

import gc
import os
import sys

LEGACY_CONFIG_ENV = "KUSTOMIZE_PLUGIN_CONFIG_STRING"  # set by kustomize for legacy exec plugins only
# Set by the shell completion scripts (click's protocol), which run dpf-render without arguments.
COMPLETE_ENV = "_DPF_RENDER_COMPLETE"


def is_legacy_call(args: list[str]) -> bool:
    """kustomize runs a legacy plugin as `PLUGIN /tmp/kust-plugin-config-NNN`: an existing file, not a command."""
    first = args[0]
    if first.startswith("-") or not os.path.isfile(first):
        return False
    if os.sep in first or "." in first:
        return True  # a path: command names have neither, and checking them would import click
    import click

    from .cli import cli

    return first not in cli.list_commands(click.Context(cli))


def main() -> None:
    """Dispatch without importing click on the KRM path: kustomize and kpt start dpf-render once per render."""
    # One render per process, and nothing it builds is cyclic garbage: the cyclic collector would only
    # rescan every module and object as they are created (~1.7 ms of a ~33 ms KRM run, more on a fleet).
    gc.disable()
    args = sys.argv[1:]
    try:
        if COMPLETE_ENV in os.environ:
            from .cli import main as cli_main

            code = cli_main(args)
        elif not args and not os.environ.get(LEGACY_CONFIG_ENV):
            from .krm import main as krm_main

            code = krm_main()
        elif not args or is_legacy_call(args):
            from .legacy import main as legacy_main

            code = legacy_main(args)
        elif (rendered := _render_without_click(args)) is not None:
            code = rendered
        elif (discovered := _discover_without_click(args)) is not None:
            code = discovered
        else:
            from .cli import main as cli_main

            code = cli_main(args)
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        code = 1
    except Exception as exc:  # anything else is a bug in dpf-render, never the user's input
        if os.environ.get("DPF_RENDER_DEBUG") or "--debug" in args:
            raise
        from .results import EXIT_BUG, printable

        sys.stderr.write(
            printable(f"dpf-render: internal error ({type(exc).__name__}: {exc}). ")
            + "This is a bug in dpf-render; "
            "please report it with the input that caused it (set DPF_RENDER_DEBUG=1 or pass --debug for a traceback).\n"
        )
        code = EXIT_BUG
    _exit(code)


def _render_without_click(args: list[str]) -> int | None:
    """`render` with plain arguments runs without click: click and the CLI's commands would double its
    start-up (docs/install.md). None for anything else (help, errors, other options): the click CLI handles it."""
    if args[0] != "render":
        return None
    from .config import parse_render_args

    parsed = parse_render_args(args[1:])
    if parsed is None:
        return None
    from .output import render_command

    return render_command(parsed.paths, parsed.config, parsed.output_dir)


def _discover_without_click(args: list[str]) -> int | None:
    """`argocd discover [APP_DIR]` without click: Argo CD runs it for every Application that names no plugin."""
    if args[:2] != ["argocd", "discover"] or len(args) > 3 or any(a.startswith("-") for a in args[2:]):
        return None
    from .argocd_discovery import main as discover_main

    return discover_main(args[2] if len(args) == 3 else ".")


def _exit(code: int) -> None:
    """Flush and leave without the interpreter's teardown, which frees every module and object one by one
    (~4 ms of a ~33 ms KRM run): everything is written by now and dpf-render registers no exit handlers."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
