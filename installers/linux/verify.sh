#!/usr/bin/env bash
# Build the Linux bundle and prove it works on its own: the frozen binary, run offscreen with
# no virtualenv and no sources on its path, upgrades a fresh SQLite database, builds the demo
# precinct (when the demo exists), renders every panel (`snapshot`), passes `doctor` (Qt,
# Chinese fonts, translations, the bulletin's QtWebEngine printing a PDF, migrations), and
# reports keyring and settings mistakes as messages. Prints the build time and sizes.
#
#   bash installers/linux/verify.sh              # build, then check
#   bash installers/linux/verify.sh --no-build   # check dist/precinct-console as it is
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}

if [ "${1:-}" != --no-build ]; then
  bash installers/linux/build.sh
fi
[ -x dist/precinct-console/precinct-console ] || { echo "no bundle in dist/precinct-console" >&2; exit 1; }

export PRECINCT_BUILD_FROZEN=1 PRECINCT_FROZEN_BUNDLE="$PWD/dist/precinct-console"
"$PY" -m pytest tests/e2e/test_frozen_build.py -q -s -p no:cacheprovider -o addopts="" \
  --strict-markers --import-mode=importlib
echo "bundle: $(du -sm dist/precinct-console | cut -f1) MB in $(find dist/precinct-console -type f | wc -l) files"
ls -l dist/precinct-console-*-linux-*.tar.gz 2>/dev/null || true
