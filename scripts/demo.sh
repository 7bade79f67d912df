#!/usr/bin/env bash
# Set up a virtual environment (once), then run `pandapon demo` against the built-in fake.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PANDAPON_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e .
"$venv/bin/pandapon" demo "$@"
