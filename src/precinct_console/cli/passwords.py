"""`db set-password` / `db forget-password`: the shared database's password in the platform keyring."""

from __future__ import annotations

import argparse
import sys

from ..config import load_settings
from ..secrets import (
    PLACEHOLDER,
    forget_password,
    hide_password,
    keyring_entry,
    store_password,
    url_with_password,
    wants_keyring,
)
from .common import CliError, ask_secret
from .i18n import tr


def register_db_verbs(dbsub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the keyring verbs to the `db` verb group."""
    url_help = tr(
        "server URL with the password written as {keyring}, e.g. "
        "postgresql+psycopg://precinct:{keyring}@db.station.local/precinct "
        "(default: database_url of the settings file)"
    )
    sp = dbsub.add_parser(
        "set-password",
        help=tr("keep the database password in the platform keyring (Windows Credential "
                "Manager, Secret Service on Linux)"),
    )
    sp.add_argument("--db", metavar="URL", help=url_help)
    sp.add_argument("--password-stdin", action="store_true",
                    help=tr("read the password from the first line of standard input"))
    sp.add_argument("--no-check", action="store_true",
                    help=tr("store without first signing in to the server with it"))
    sp.set_defaults(func=_set_password)
    fp = dbsub.add_parser("forget-password",
                          help=tr("remove the database password from the keyring"))
    fp.add_argument("--db", metavar="URL", help=url_help)
    fp.set_defaults(func=_forget_password)


def _target(args: argparse.Namespace) -> tuple[str, str]:
    settings = load_settings()
    url = args.db or settings.database_url
    if not url:
        raise CliError(tr(
            "name the database with --db URL (the settings file names none: the console is on "
            "its embedded SQLite file, which has no password)"
        ))
    return url, settings.keyring_service


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = ask_secret(tr("database password: "), "--password-stdin")
    if first != ask_secret(tr("again: "), "--password-stdin"):
        raise CliError(tr("the two passwords differ; nothing was stored"))
    return first


def _check(url: str, password: str) -> None:
    """Sign in once with the password, so a typo is caught now rather than at the morning shift."""
    from sqlalchemy import text

    from ..storage.database import Database

    db = Database.open(url_with_password(url, password))
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # the driver's own message says why (password, host, database)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CliError(tr(
            "the server refused the password ({reason}); nothing was stored "
            "(--no-check stores it anyway)"
        ).format(reason=reason)) from None
    finally:
        db.dispose()


def _set_password(args: argparse.Namespace) -> int:
    url, service = _target(args)
    entry = keyring_entry(url, service)  # rejects SQLite and user-less URLs before asking
    password = _read_password(args.password_stdin)
    if not password:
        raise CliError(tr("the password is empty; nothing was stored"))
    if not args.no_check:
        _check(url, password)
    store_password(url, service, password)
    print(tr("password for {account} stored in the keyring (service '{service}')").format(
        account=entry.account, service=entry.service))
    if not wants_keyring(url):
        print(tr("note: the console reads it only when the URL's password is {placeholder}, e.g. "
                 "database_url = \"{url}\"").format(placeholder=PLACEHOLDER,
                                                     url=_placeholder_url(url)))
    return 0


def _forget_password(args: argparse.Namespace) -> int:
    url, service = _target(args)
    entry = keyring_entry(url, service)
    if forget_password(url, service):
        print(tr("password for {account} removed from the keyring").format(account=entry.account))
    else:
        print(tr("no password for {account} was stored").format(account=entry.account))
    return 0


def _placeholder_url(url: str) -> str:
    # url_with_password quotes its argument; put the braces back for the settings file.
    return hide_password(url_with_password(url, "x")).replace(":***@", f":{PLACEHOLDER}@")
