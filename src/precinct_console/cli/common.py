"""What the verbs share: opening the database (upgraded to head) and the acting user."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..config import load_settings
from ..domain.clock import system_clock
from ..domain.permissions import Actor
from ..services.accounts import authenticate
from ..services.context import ServiceContext
from ..services.reference import ensure_reference_data
from ..storage.database import Database
from ..storage.migrate import upgrade_to_head
from .i18n import tr


class CliError(Exception):
    """A command-line mistake; printed as it is, exit status 1."""


def ask_secret(prompt: str, instead: str) -> str:
    """A password typed at the terminal; with no terminal to type it on (a job, a pipe from
    cron), a refusal naming what to give instead, not a traceback."""
    text = (tr("give it with {instead} (no terminal to ask the password on)") if instead.startswith("--")
            else tr("set {instead} (no terminal to ask the password on)"))
    no_terminal = CliError(text.format(instead=instead))
    if not sys.stdin.isatty() and not _has_terminal():
        raise no_terminal
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise no_terminal from None


def _has_terminal() -> bool:
    """A controlling terminal to ask on (/dev/tty opens; under cron it exists but does not)."""
    if sys.platform == "win32":
        return True  # getpass reads the console there; EOFError is caught where it has none
    try:
        os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
    except OSError:
        return False
    return True


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="URL",
        help=tr("database URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
                "(default: the settings file, then the embedded SQLite file)"),
    )


def add_user_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user", metavar="NAME",
        help=tr("acting user (default: $PRECINCT_USER); the password comes from "
                "$PRECINCT_PASSWORD or is asked on the terminal"),
    )


def open_database(args: argparse.Namespace, *, upgrade: bool = True, create: bool = False
                  ) -> Database:
    """The database the verb works on; create=True only for the verbs that set one up (demo,
    db upgrade, the first administrator's user add): any other verb given a SQLite path with no file there is refused, where it
    used to make an empty database at a mistyped path and then complain that it held no station."""
    settings = load_settings(database_url=getattr(args, "db", None))
    url = settings.resolved_database_url
    if not create:
        _refuse_missing_sqlite_file(url)
    db = Database.open(url)
    if upgrade:
        upgrade_to_head(db)
        # The category tree every verb reads (intake, imports, ledgers) is there as in the window.
        ensure_reference_data(db)
    return db


def sqlite_path(args: argparse.Namespace) -> str | None:
    """The file of the verb's SQLite database (None for another database or an in-memory one)."""
    try:
        parsed = make_url(load_settings(database_url=getattr(args, "db", None)).resolved_database_url)
    except ArgumentError:
        return None
    path = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or path in ("", ":memory:") or path.startswith("file:"):
        return None
    return path


def _refuse_missing_sqlite_file(url: str) -> None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # Database.open names what is wrong with the URL
    path = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and path not in ("", ":memory:") \
            and not path.startswith("file:") and not os.path.exists(path):
        raise CliError(tr("no database file at {path}: check the path, or make one with "
                          "'precinct-console demo --db {url}', 'precinct-console db upgrade --db {url}' "
                          "or by starting the console on it").format(path=path, url=url))


def workstation() -> str:
    return load_settings().workstation


def cli_actor(db: Database, args: argparse.Namespace) -> Actor:
    """Sign in the acting user, so that every write from the command line is audited to a person."""
    username = getattr(args, "user", None) or os.environ.get("PRECINCT_USER")
    if not username:
        raise CliError(tr("name the acting user with --user NAME or $PRECINCT_USER"))
    password = os.environ.get("PRECINCT_PASSWORD")
    if password is None:
        password = ask_secret(tr("password for {username}: ").format(username=username),
                              "$PRECINCT_PASSWORD")
    return authenticate(db, username, password, f"cli@{workstation()}", system_clock())


def cli_context(args: argparse.Namespace) -> ServiceContext:
    db = open_database(args)
    return ServiceContext(db, cli_actor(db, args), system_clock)
