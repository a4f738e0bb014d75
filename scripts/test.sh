#!/usr/bin/env bash
# Install everything the tests need (first time only), then lint, check layers and types, and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh test
bash scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
export QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu"
if [ "${CI:-}" = true ]; then
  export PRECINCT_REQUIRE_PG=1   # storage and sync tests must run against the real server
  if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -q 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
echo "== ruff"; .venv/bin/ruff check src tests
echo "== import-linter"; .venv/bin/lint-imports
echo "== mypy"; .venv/bin/mypy
# The whole suite (no arguments, or CI's -q) runs on one worker more than the cores, at most
# four: a worker waits on PostgreSQL, a subprocess or a Qt timer a sixth of the time. On two cores
# (2026-12-05, a slow host) three workers took 12:44 against 13:48 for two (and for the UI tests
# 2:33 against 2:59; four were no faster). Given paths or options (-s for the benchmarks'
# figures, which workers would swallow), pytest runs in one process as asked.
if [ "$#" -eq 0 ] || [ "$*" = "-q" ]; then
  workers=$(( $(nproc) + 1 ))
  if [ "$workers" -gt 4 ]; then workers=4; fi
  set -- "$@" --numprocesses="$workers"
fi
echo "== pytest"; exec .venv/bin/python -m pytest "$@"
