#!/usr/bin/env bash
# The tests against the lowest releases of the runtime dependencies that pyproject.toml allows
# (scripts/requirements-lowest.txt), in a venv of their own: the declared ranges are tested at both ends
# (scripts/check.sh runs the pinned, newest ones). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-lowest
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --config-settings editable_mode=compat \
    --constraint scripts/requirements-lowest.txt --constraint scripts/requirements-dev.txt -e '.[dev]'
"$venv/bin/python" -c 'import click, jinja2, semver, yaml; print("check-lowest: click", click.__version__, "Jinja2", jinja2.__version__, "semver", semver.__version__, "PyYAML", yaml.__version__)'
"$venv/bin/python" -m pytest -q -m "not slow" -p no:randomly "$@"
