#!/usr/bin/env bash
# Set up a virtual environment (once), then run `pandapon demo` against the built-in fake.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${PANDAPON_VENV:-.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# Install only when pyproject.toml changed since the last install (or nothing is installed).
stamp="$venv/.pandapon-install-stamp"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -x "$venv/bin/pandapon" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -e .
  echo "$want" > "$stamp"
fi
"$venv/bin/pandapon" demo "$@"
