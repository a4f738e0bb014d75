"""Known errors: each becomes a clear message for the user, never a crash dialog."""

from __future__ import annotations

import errno


class KnownError(Exception):
    """An error the user can act on; its message is shown as it is."""


class ValidationError(KnownError):
    """Bad input: names the row (when there is one) and the field."""

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None):
        self.field = field
        self.row = row
        where = []
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(f"field '{field}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)
        self.bare_message = message


class ValidationErrors(KnownError):
    """Several problems found at once (an import file): all are listed, nothing was written."""

    def __init__(self, problems: list[ValidationError]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems[:200])
        more = f"\n  ... and {len(problems) - 200} more" if len(problems) > 200 else ""
        super().__init__(f"{len(problems)} problem(s), nothing was imported:\n{lines}{more}")


class PermissionDenied(KnownError):
    """The acting user's role may not do this."""


class AccountChanged(PermissionDenied):
    """An administrator changed the signed-in account since (disabled it, gave it another role):
    what it signed in as no longer holds, so the seat signs out."""

    def __init__(self, message: str, *, username: str = ""):
        super().__init__(message)
        self.username = username


class AccountDisabled(AccountChanged):
    """The signed-in account was disabled by an administrator since: the seat signs out."""


class RoleChanged(AccountChanged):
    """The signed-in account was given another role since (role: the new one): the seat signs
    out, and signs in again to act as that role."""

    def __init__(self, message: str, *, username: str = "", role: str = ""):
        super().__init__(message, username=username)
        self.role = role


class NotFound(KnownError):
    """The record asked for does not exist (or is not in the user's station)."""


class ConflictError(KnownError):
    """Another seat changed the record first; the message names who changed what.

    current: the record as the refusal read it (its version; for a form checked by its fields,
    those fields), for a form that comes back with the refusal: OK again, told of that change,
    saves over it, and is refused once more if another seat has changed the record since."""

    def __init__(self, message: str, *, current: object = None):
        super().__init__(message)
        self.current = current


class AuthenticationError(KnownError):
    """Wrong user name or password, a disabled account or a locked one."""


class DatabaseUnavailable(KnownError):
    """The database cannot be reached or is locked; the console retries."""


class DatabaseTooNew(KnownError):
    """The database was upgraded by a newer console than this one."""


# Why a file or folder could not be written, in words the error catalogue translates: the
# system's own (strerror) are English whatever the locale, so a Chinese message quoting them
# read "无法写入 D:\\台账\\x.xlsx：Permission denied".
_FILE_REASONS = {
    errno.EACCES: "no permission to write there",
    errno.EPERM: "no permission to write there",
    errno.ENOENT: "no such folder",
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the disk is read-only",
    errno.ENOTDIR: "a file stands where a folder should be",
    errno.EEXIST: "a file stands where a folder should be",
    errno.EISDIR: "a folder of that name is in the way",
}


def file_error_reason(exc: OSError) -> str:
    """Why writing failed, in the catalogue's English words (the system's own for a rare cause)."""
    return _FILE_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
