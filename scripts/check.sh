#!/usr/bin/env bash
# Every check CI runs, on a fresh machine or a developer's: set up .venv with the development dependencies,
# then ruff, ruff format, mypy --strict and the tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# compat mode: a plain path entry instead of an import hook, which would add ~14 ms to every start-up.
# The runtime dependencies at the versions every artefact ships with (scripts/requirements-pinned.txt), the
# development tools at the versions CI runs (scripts/requirements-dev.txt).
.venv/bin/pip install -q --disable-pip-version-check --config-settings editable_mode=compat \
    --constraint scripts/requirements-pinned.txt --constraint scripts/requirements-dev.txt -e '.[dev]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
