#!/usr/bin/env bash
# Set up a virtual environment (once), then lint, type-check, build the docs and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PANDAPON_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev,docs]"
"$venv/bin/ruff" check .
"$venv/bin/mypy" --strict pandapon_async
"$venv/bin/python" scripts/gen_coverage.py --check
# The documentation site: every page, every API reference name; needs no network.
NO_MKDOCS_2_WARNING=1 "$venv/bin/mkdocs" build --strict --quiet --site-dir "$(mktemp -d)"
"$venv/bin/python" -m pytest -q "$@"
