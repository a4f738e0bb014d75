"""`doctor`: check an installation (Qt, fonts, translations, web engine, migrations, database) for IT."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ..domain.errors import KnownError
from ..storage.engine import DatabaseUrlError
from .common import add_db_argument
from .i18n import error_text, language, pad, speaking, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "doctor",
        help=tr("check this installation: Qt, Chinese fonts, translations, the bulletin's web "
                "engine, migrations, settings, keyring and the database"),
    )
    add_db_argument(p)
    p.add_argument("--json", action="store_true",
                   help=tr("one JSON object per check (in English, for scripts)"))
    p.add_argument("--no-web-engine", action="store_true",
                   help=tr("skip the web engine check (it starts a browser process)"))
    p.set_defaults(func=_doctor)


def _check_name(name: str) -> str:
    """A check's name in the verbs' language (the JSON keeps ui/doctor.py's names)."""
    return {"version": tr("version"), "qt": tr("qt"),
            "resources": tr("resources"), "translations": tr("translations"),
            "fonts": tr("fonts"), "web engine": tr("web engine"),
            "licences": tr("licences"), "settings files": tr("settings files"),
            "data folder": tr("data folder"), "keyring": tr("keyring"),
            "migrations": tr("migrations"), "database": tr("database"),
            }.get(name, name)


def _database(url: str | None) -> list[tuple[str, bool, str]]:
    from ..config import load_settings
    from ..storage.database import Database
    from ..storage.migrate import current_revision, head_revision, migrations_dir

    results: list[tuple[str, bool, str]] = []
    try:
        folder = migrations_dir()
        head = head_revision(Database.open("sqlite://"))
        results.append(("migrations", True, tr("{folder} (newest schema {head})").format(
            folder=folder, head=head)))
    except Exception as exc:  # reported, not raised: the rest of the checks still run
        results.append(("migrations", False, _failure(exc)))
        return results
    try:
        settings = load_settings(database_url=url)
        resolved = settings.resolved_database_url
        file = sqlite_file(resolved)
        if file is not None and not file.exists():
            # Opening would create it; a check should leave no trace.
            results.append(("database", True, tr("{file}: not created yet (the console creates "
                                                 "it on first start)").format(file=file)))
            return results
        db = Database.open(resolved)
        try:
            current = current_revision(db)
        finally:
            db.dispose()
        where = db.display_url
        if current is None:
            state = tr("{database}: empty (the console sets it up on first start)").format(
                database=where)
        elif current == head:
            state = tr("{database}: schema {current}, up to date").format(database=where,
                                                                         current=current)
        else:
            state = tr("{database}: schema {current}; this console's is {head} (`db upgrade`)")\
                .format(database=where, current=current, head=head)
        results.append(("database", True, state))
    except Exception as exc:
        results.append(("database", False, _failure(exc)))
    return results


def _failure(exc: Exception) -> str:
    """A failed check's detail. English keeps Python's name of the error and the driver's text,
    which IT searches for; Chinese says a known error, or an unreachable database, as the window
    does (the driver's text is logged)."""
    from ..storage.outage import is_outage, unavailable

    if language() != "en":
        known = unavailable(exc, saving=False) if is_outage(exc) else exc
        if isinstance(known, KnownError | DatabaseUrlError):
            return error_text(known)
    # The same words as ui/doctor.py's failure_text (one entry in the .ts).
    return tr("{kind}: {message}").format(kind=type(exc).__name__, message=exc)


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

    checks = run_checks(web_engine=not args.no_web_engine, language="en" if args.json else language())
    rows = [(c.name, c.ok, c.detail) for c in checks]
    if args.json:
        with speaking("en"):  # what a script reads stays as it was
            rows += _database(args.db)
    else:
        rows += _database(args.db)
    for name, ok, detail in rows:
        if args.json:
            print(json.dumps({"check": name, "ok": ok, "detail": detail}, ensure_ascii=False))
        else:
            mark = tr("ok") if ok else tr("FAIL")
            print(f"{pad(mark, 4)} {pad(_check_name(name), 15)} {detail}")
    return 0 if all(ok for _name, ok, _detail in rows) else 1
