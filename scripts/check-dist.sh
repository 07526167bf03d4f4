#!/usr/bin/env bash
# Build what users install and run every integration's end-to-end tests against each install:
#
#   1. `python -m build`: the sdist and the wheel;
#   2. the wheel installed with pip into a fresh venv, and a clone installed with pipx as README.md says,
#      both with the pinned dependencies (scripts/requirements-pinned.txt);
#   3. the single-file build (scripts/build_zipapp.py).
#
# For each, the kustomize (exec function), kubectl (legacy plugin), kpt and Argo CD (CMP runner) tests run
# with DPF_RENDER_EXECUTABLE pointing at that dpf-render (tests/conftest.py). Needs .venv (scripts/check.sh
# makes it) and PyPI. Extra arguments go to pytest.
#
# Usage: scripts/check-dist.sh [-x ...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1

work=$(mktemp -d "${TMPDIR:-/tmp}/dpf-render-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # the Argo CD sidecar tests run the installs as uid 999

# The interpreter for the installs: the system's Python when it is new enough (uid 999 can run it), else
# the one on PATH.
python=python3
if /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=/usr/bin/python3
fi

echo "check-dist: building the sdist, the wheel and the single file"
.venv/bin/python -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
.venv/bin/python scripts/build_zipapp.py --out "$work/dist/dpf-render.pyz"
wheel=$(ls "$work"/dist/*.whl)

echo "check-dist: pip install $(basename "$wheel") into a fresh venv ($python)"
"$python" -m venv "$work/pip"
"$work/pip/bin/pip" install -q --constraint scripts/requirements-pinned.txt "$wheel"

# pipx, exactly as the README says, in a copy of the working tree as a fresh clone would have it.
echo "check-dist: pipx install from a clone, as README.md says"
"$python" -m venv "$work/tools"
"$work/tools/bin/pip" install -q pipx
mkdir "$work/clone"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/clone"
(
    cd "$work/clone"
    export PIPX_HOME="$work/pipx" PIPX_BIN_DIR="$work/pipx/bin" PIPX_MAN_DIR="$work/pipx/man"
    export PATH="$work/tools/bin:$PATH" PIPX_DEFAULT_PYTHON="$python"
    pipx install --pip-args "--constraint $PWD/scripts/requirements-pinned.txt" . >/dev/null
)
chmod -R a+rX "$work"

tests=(tests/test_e2e_tools.py tests/test_e2e_legacy_plugin.py tests/test_argocd_cmp.py
       tests/test_version_and_completion.py)
for executable in "$work/pip/bin/dpf-render" "$work/pipx/bin/dpf-render" "$work/dist/dpf-render.pyz"; do
    echo "check-dist: end-to-end tests against $executable ($("$executable" --version | tail -n 1))"
    DPF_RENDER_EXECUTABLE="$executable" .venv/bin/python -m pytest -q -p no:randomly "${tests[@]}" "$@"
done
echo "check-dist: OK"
