"""`doctor`: check an installation (Qt, fonts, translations, web engine, migrations, database) for IT."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from .common import add_db_argument


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "doctor",
        help="check this installation: Qt, Chinese fonts, translations, the bulletin's web "
        "engine, migrations, settings, keyring and the database",
    )
    add_db_argument(p)
    p.add_argument("--json", action="store_true", help="one JSON object per check")
    p.add_argument("--no-web-engine", action="store_true",
                   help="skip the web engine check (it starts a browser process)")
    p.set_defaults(func=_doctor)


def _database(url: str | None) -> list[tuple[str, bool, str]]:
    from ..config import load_settings
    from ..storage.database import Database
    from ..storage.migrate import current_revision, head_revision, migrations_dir

    results: list[tuple[str, bool, str]] = []
    try:
        folder = migrations_dir()
        head = head_revision(Database.open("sqlite://"))
        results.append(("migrations", True, f"{folder} (newest schema {head})"))
    except Exception as exc:  # reported, not raised: the rest of the checks still run
        results.append(("migrations", False, f"{type(exc).__name__}: {exc}"))
        return results
    try:
        settings = load_settings(database_url=url)
        resolved = settings.resolved_database_url
        file = sqlite_file(resolved)
        if file is not None and not file.exists():
            # Opening would create it; a check should leave no trace.
            results.append(("database", True, f"{file}: not created yet (the console creates it "
                            "on first start)"))
            return results
        db = Database.open(resolved)
        try:
            current = current_revision(db)
        finally:
            db.dispose()
        if current is None:
            state, ok = "empty (the console sets it up on first start)", True
        elif current == head:
            state, ok = f"schema {current}, up to date", True
        else:
            state, ok = f"schema {current}; this console's is {head} (`db upgrade`)", True
        results.append(("database", ok, f"{db.display_url}: {state}"))
    except Exception as exc:
        results.append(("database", False, f"{type(exc).__name__}: {exc}"))
    return results


def sqlite_file(url: str) -> Path | None:
    """The file a sqlite:/// URL names (None for a server or an in-memory database)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _doctor(args: argparse.Namespace) -> int:
    # A self-check must run on a server without a display and as root (IT's shell).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    from ..ui.doctor import run_checks

    rows = [(c.name, c.ok, c.detail) for c in run_checks(web_engine=not args.no_web_engine)]
    rows += _database(args.db)
    for name, ok, detail in rows:
        if args.json:
            print(json.dumps({"check": name, "ok": ok, "detail": detail}, ensure_ascii=False))
        else:
            print(f"{'ok  ' if ok else 'FAIL'} {name:15} {detail}")
    return 0 if all(ok for _name, ok, _detail in rows) else 1
