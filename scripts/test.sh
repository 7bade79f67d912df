#!/usr/bin/env bash
# Set up a virtual environment (once), then lint, type-check and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PANDAPON_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]"
"$venv/bin/ruff" check .
"$venv/bin/mypy" --strict pandapon_async
"$venv/bin/python" scripts/gen_coverage.py --check
"$venv/bin/python" -m pytest -q "$@"
