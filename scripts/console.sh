#!/usr/bin/env bash
# Install what is needed (first time only) and start Precinct Console on the embedded database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh run
bash scripts/bootstrap.sh
exec .venv/bin/precinct-console "$@"
