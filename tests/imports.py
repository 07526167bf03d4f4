"""What a statement imports, for the tests that keep dpf-render's start-up light."""

from __future__ import annotations

import subprocess
import sys


def modules_imported_by(statement: str) -> set[str]:
    """The modules a fresh interpreter loads to run `statement`; those loaded at its own start-up don't count."""
    code = f"import sys\nbefore = set(sys.modules)\n{statement}\nprint(' '.join(sorted(set(sys.modules) - before)))\n"
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(done.stdout.splitlines()[-1].split())  # the last line: the statement may print, too
