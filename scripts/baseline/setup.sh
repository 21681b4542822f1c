#!/usr/bin/env bash
# Create the baseline's venv (default target/baseline-venv under the repo root,
# or $BASELINE_VENV; a relative path is taken from the repo root) and install
# requirements.txt into it. Idempotent: pip runs again only when requirements.txt
# changed since the last successful install. Prints the venv's python path last.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${BASELINE_VENV:-target/baseline-venv}"
[[ "$venv" = /* ]] || venv="$root/$venv"
py="$venv/bin/python"
stamp="$venv/.requirements.txt"

[ -x "$py" ] || "${PYTHON:-python3}" -m venv "$venv" >&2
if ! cmp -s "$here/requirements.txt" "$stamp"; then
  "$py" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$stamp"
fi
echo "$py"
