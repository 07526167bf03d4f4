"""Entry point: the KRM function when called without arguments, the click CLI otherwise."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Dispatch without importing click on the KRM path: kustomize and kpt start dpf-render once per render."""
    args = sys.argv[1:]
    try:
        if not args:
            from .krm import main as krm_main

            code = krm_main()
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
        sys.stderr.write(
            f"dpf-render: internal error ({type(exc).__name__}: {exc}). This is a bug in dpf-render; "
            "please report it with the input that caused it (set DPF_RENDER_DEBUG=1 or pass --debug for a traceback).\n"
        )
        code = 3
    sys.stdout.flush()
    sys.exit(code)


if __name__ == "__main__":
    main()
