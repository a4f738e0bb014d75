#!/usr/bin/env bash
# Regenerate the initial migration from the models (allowed until the first release ships;
# after that, add new revisions with `alembic revision --autogenerate` instead).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
tmp=$(mktemp -d)
rm -f db/versions/0001_initial.py
"$PY" - "$tmp" <<'PYEOF'
import sys
from alembic import command
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import alembic_config
db = Database.open(f"sqlite:///{sys.argv[1]}/empty.sqlite3")
cfg = alembic_config(db)
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
PYEOF
mv db/versions/0001_initial_schema.py db/versions/0001_initial.py
"$PY" -m ruff format -q db/versions/0001_initial.py || true
rm -rf "$tmp"
echo "db/versions/0001_initial.py regenerated"
