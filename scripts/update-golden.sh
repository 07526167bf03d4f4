#!/usr/bin/env bash
# Rewrite every golden file from the actual output, then show what changed. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest tests/test_golden.py tests/test_e2e_tools.py tests/test_review_*.py tests/test_validate_golden.py --update-golden -q "$@"
git diff --stat -- tests/golden tests/review tests/validation examples
