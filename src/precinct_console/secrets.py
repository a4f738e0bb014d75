"""Database passwords kept in the platform keyring: a URL whose password is `{keyring}` is completed on open."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .domain.errors import KnownError

log = logging.getLogger("precinct_console.config")

# IT writes the placeholder where the password would stand, so settings files hold no secret:
#   database_url = "postgresql+psycopg://precinct:{keyring}@db.station.local/precinct"
PLACEHOLDER = "{keyring}"


class SecretError(KnownError):
    """The keyring cannot give or keep the database password; the message says what to do."""


@dataclass(frozen=True)
class KeyringEntry:
    """Where one database's password lives: keyring service and the account inside it."""

    service: str
    account: str  # user@host:port/database, so two servers never share an entry


def _parts(url: str) -> tuple[str, str, str, str, str]:
    """(scheme, user, password, host_port, rest) of a server URL; raises SecretError otherwise."""
    split = urlsplit(url)
    if not split.scheme or split.scheme.startswith("sqlite"):
        raise SecretError(
            f"'{_safe(url)}' is a SQLite file: it has no password to keep in the keyring"
        )
    userinfo, at, host_port = split.netloc.rpartition("@")
    if not at or not userinfo:
        raise SecretError(
            f"'{_safe(url)}' names no database user; write it as "
            "postgresql+psycopg://USER:{keyring}@HOST/DB"
        )
    user, _, password = userinfo.partition(":")
    rest = urlunsplit(("", "", split.path, split.query, split.fragment))
    return split.scheme, unquote(user), unquote(password), host_port, rest


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    split = urlsplit(url)
    userinfo, at, host_port = split.netloc.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
        return urlunsplit(split._replace(netloc=f"{userinfo}@{host_port}"))
    return url


def wants_keyring(url: str) -> bool:
    """True when the URL's password is the `{keyring}` placeholder (written plain or %-quoted)."""
    try:
        return _parts(url)[2] == PLACEHOLDER
    except SecretError:
        return False


def keyring_entry(url: str, service: str) -> KeyringEntry:
    _scheme, user, _password, host_port, rest = _parts(url)
    database = urlsplit(rest).path.lstrip("/")
    if ":" not in host_port and not host_port.startswith("["):
        host_port += ":5432"  # the same server written with or without its default port
    return KeyringEntry(service, f"{user}@{host_port}/{database}")


def _with_password(url: str, password: str) -> str:
    scheme, user, _old, host_port, rest = _parts(url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host_port}"
    return f"{scheme}://{netloc}{rest}"


def _backend_name() -> str:
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _no_keyring_hint() -> str:
    return (
        "this machine offers no keyring to the console (backend "
        f"{_backend_name()}); on Windows the Credential Manager is used, on Linux a running "
        "Secret Service (GNOME Keyring, KWallet). Without one, leave the password out of the "
        "URL and put it in the PostgreSQL password file (~/.pgpass or PGPASSFILE)"
    )


def resolve_database_url(url: str, service: str) -> str:
    """Return the URL with `{keyring}` replaced by the stored password; other URLs unchanged."""
    if not wants_keyring(url):
        return url
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    entry = keyring_entry(url, service)
    try:
        password = keyring.get_password(entry.service, entry.account)
    except NoKeyringError as exc:
        raise SecretError(f"the database password for {entry.account}: {_no_keyring_hint()}") from exc
    except KeyringError as exc:
        raise SecretError(
            f"the keyring refused to give the database password for {entry.account}: {exc}"
        ) from exc
    if password is None:
        raise SecretError(
            f"no database password for {entry.account} is stored in the keyring "
            f"(service '{entry.service}'); store it with "
            f"`precinct-console db set-password --db \"{_safe(url)}\"`"
        )
    log.info("database password for %s taken from the keyring", entry.account)
    return _with_password(url, password)


def store_password(url: str, service: str, password: str) -> KeyringEntry:
    """Keep the password of the server the URL names in the keyring; returns where it went."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    if not password:
        raise SecretError("the password is empty; nothing was stored")
    entry = keyring_entry(url, service)
    try:
        keyring.set_password(entry.service, entry.account, password)
    except NoKeyringError as exc:
        raise SecretError(f"cannot store the password: {_no_keyring_hint()}") from exc
    except KeyringError as exc:
        raise SecretError(f"the keyring refused to store the password: {exc}") from exc
    return entry


def forget_password(url: str, service: str) -> bool:
    """Remove the stored password; False when none was stored."""
    import keyring
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    entry = keyring_entry(url, service)
    try:
        keyring.delete_password(entry.service, entry.account)
    except PasswordDeleteError:
        return False
    except NoKeyringError as exc:
        raise SecretError(f"cannot remove the password: {_no_keyring_hint()}") from exc
    except KeyringError as exc:
        raise SecretError(f"the keyring refused to remove the password: {exc}") from exc
    return True


def url_with_password(url: str, password: str) -> str:
    """The URL with this password in place of the placeholder (to try a password before keeping it)."""
    return _with_password(url, password)


def hide_password(url: str) -> str:
    return _safe(url)
