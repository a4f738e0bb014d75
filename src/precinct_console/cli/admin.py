"""Administration verbs: `db upgrade`, `user add/list/disable/enable/role`, `station`."""

from __future__ import annotations

import argparse
import json
import os

from ..domain.clock import system_clock
from ..domain.permissions import Role
from ..services import accounts, stations
from ..storage.migrate import current_revision, head_revision
from .common import (
    CliError,
    add_db_argument,
    add_user_argument,
    ask_secret,
    cli_context,
    open_database,
    sqlite_path,
    workstation,
)
from .i18n import pad, tr
from .passwords import register_db_verbs


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help=tr("database administration"))
    dbsub = db.add_subparsers(dest="db_verb", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help=tr("upgrade the database schema to this console's version"))
    add_db_argument(up)
    up.set_defaults(func=_db_upgrade)
    st = dbsub.add_parser("status", help=tr("print the schema version of the database (JSON)"))
    add_db_argument(st)
    st.set_defaults(func=_db_status)
    register_db_verbs(dbsub)  # db set-password / forget-password (cli/passwords.py)

    user = sub.add_parser("user", help=tr("user accounts"))
    usub = user.add_subparsers(dest="user_verb", metavar="ACTION", required=True)
    add = usub.add_parser("add", help=tr("add an account (the first one needs no --user: it sets "
                                         "up the station); the password from "
                                         "$PRECINCT_NEW_PASSWORD or asked twice"))
    add.add_argument("username", help=tr("the new account's user name"))
    add.add_argument("--role", required=True, choices=[r.value for r in Role], help=tr("its role"))
    add.add_argument("--name", default="", help=tr("display name"))
    add.add_argument("--station-code", help=tr("with the first account: the station's code"))
    add.add_argument("--station-name", help=tr("with the first account: the station's name"))
    add.add_argument("--may-see-personal-data", action="store_true",
                     help=tr("may see phone and ID numbers in full"))
    add_db_argument(add)
    add_user_argument(add)
    add.set_defaults(func=_user_add)
    ls = usub.add_parser("list", help=tr("list accounts"))
    ls.add_argument("--json", action="store_true", help=tr("print the accounts as JSON"))
    add_db_argument(ls)
    add_user_argument(ls)
    ls.set_defaults(func=_user_list)
    dis = usub.add_parser("disable", help=tr("disable an account"))
    dis.add_argument("username", help=tr("the account to disable"))
    add_db_argument(dis)
    add_user_argument(dis)
    dis.set_defaults(func=_user_disable)
    ena = usub.add_parser("enable", help=tr("enable a disabled account again (its password "
                                            "unchanged)"))
    ena.add_argument("username", help=tr("the account to enable"))
    add_db_argument(ena)
    add_user_argument(ena)
    ena.set_defaults(func=_user_enable)
    rol = usub.add_parser("role", help=tr("change an account's role (seats signed in with it "
                                          "sign out at their next save)"))
    rol.add_argument("username", help=tr("the account whose role changes"))
    rol.add_argument("role", choices=[r.value for r in Role], metavar="ROLE",
                     help=tr("its new role: {roles}").format(roles=", ".join(r.value for r in Role)))
    add_db_argument(rol)
    add_user_argument(rol)
    rol.set_defaults(func=_user_role)
    rp = usub.add_parser("reset-password", help=tr("set a new password for an account (an "
                                                   "administrator, for someone who forgot theirs); "
                                                   "asked twice, or $PRECINCT_NEW_PASSWORD"))
    rp.add_argument("username", help=tr("the account whose password is reset"))
    add_db_argument(rp)
    add_user_argument(rp)
    rp.set_defaults(func=_user_reset_password)
    pw = usub.add_parser("passwd", help=tr("change your own password (--user NAME; the current "
                                           "one from $PRECINCT_PASSWORD or asked, the new one "
                                           "asked twice)"))
    add_db_argument(pw)
    add_user_argument(pw)
    pw.set_defaults(func=_user_passwd)

    station = sub.add_parser("station", help=tr("stations sharing this database (a branch's)"))
    ssub = station.add_subparsers(dest="station_verb", metavar="ACTION", required=True)
    sadd = ssub.add_parser("add", help=tr("add a station with its own administrator (the "
                                          "password asked twice, or $PRECINCT_NEW_PASSWORD)"))
    sadd.add_argument("code", help=tr("the new station's code"))
    sadd.add_argument("name", help=tr("the new station's name"))
    sadd.add_argument("--admin", required=True, metavar="USERNAME",
                      help=tr("the new station's administrator"))
    sadd.add_argument("--branch", default="", help=tr("the branch (分局) it belongs to"))
    add_db_argument(sadd)
    add_user_argument(sadd)
    sadd.set_defaults(func=_station_add)
    sls = ssub.add_parser("list", help=tr("list the stations in this database"))
    sls.add_argument("--json", action="store_true", help=tr("print the stations as JSON"))
    add_db_argument(sls)
    sls.set_defaults(func=_station_list)


def _db_upgrade(args: argparse.Namespace) -> int:
    db = open_database(args, upgrade=False, create=True)
    from ..storage.migrate import upgrade_to_head

    result = upgrade_to_head(db)
    if result.changed:
        start = result.from_revision or tr("empty")
        print(tr("upgraded {database} from {start} to {end}").format(
            database=db.display_url, start=start, end=result.to_revision))
        if result.backup:
            print(tr("backup: {path}").format(path=result.backup))
    else:
        print(tr("{database} is up to date ({revision})").format(database=db.display_url,
                                                                 revision=result.to_revision))
    return 0


def _db_status(args: argparse.Namespace) -> int:
    db = open_database(args, upgrade=False)
    print(json.dumps({"database": db.display_url, "revision": current_revision(db), "head": head_revision(db)}))
    return 0


def _new_password() -> str:
    password = os.environ.get("PRECINCT_NEW_PASSWORD")
    if password:
        return password
    first = ask_secret(tr("new password: "), "$PRECINCT_NEW_PASSWORD")
    if first != ask_secret(tr("again: "), "$PRECINCT_NEW_PASSWORD"):
        raise CliError(tr("the two passwords differ"))
    return first


def _user_add(args: argparse.Namespace) -> int:
    # The first administrator with a station code sets up a new database, so may make its file:
    # the password is asked first, so that a job with no terminal to ask it on leaves no empty
    # database behind at the path.
    password = _new_password() if args.station_code else None
    try:
        db = open_database(args, create=bool(args.station_code))
    except CliError as exc:
        if not os.path.exists(sqlite_path(args) or os.devnull):
            # No file yet: this verb makes it, given what the first account needs (the message
            # sent a new station to demo or db upgrade, then to this same verb again).
            raise CliError(tr("no database file at {path}: check the path; for a new station the "
                              "first account makes it, with --role admin --station-code CODE "
                              "--station-name NAME")
                           .format(path=sqlite_path(args))) from exc
        raise
    if not accounts.has_users(db):
        if args.role != Role.ADMIN.value or not args.station_code or not args.station_name:
            raise CliError(tr(
                "the database has no accounts yet: add the first administrator with "
                "--role admin --station-code CODE --station-name NAME"
            ))
        info = stations.bootstrap_station(
            db, args.station_code, args.station_name, args.username, password or _new_password(),
            workstation=f"cli@{workstation()}", clock=system_clock, display_name=args.name,
        )
        print(tr("station {code} {name} set up; administrator {username} added").format(
            code=info.code, name=info.name, username=args.username))
        return 0
    ctx = cli_context(args)
    user = accounts.add_user(
        ctx, args.username, password or _new_password(), args.role, display_name=args.name,
        may_see_personal_data=args.may_see_personal_data,
    )
    print(tr("user {username} ({role}) added").format(username=user.username, role=user.role.value))
    return 0


def _user_list(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    users = accounts.list_users(ctx)
    if args.json:
        print(json.dumps([
            {"username": u.username, "name": u.display_name, "role": u.role.value,
             "active": u.active, "station_id": u.station_id,
             "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None}
            for u in users
        ], ensure_ascii=False))
    else:
        for u in users:
            state = tr("active") if u.active else tr("disabled")
            print(f"{u.username:20} {u.role.value:18} {pad(state, 9)} {u.display_name}")
    return 0


def _user_reset_password(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    accounts.reset_password(ctx, args.username, _new_password())
    print(tr("user {username}: password reset").format(username=args.username))
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    current = os.environ.get("PRECINCT_PASSWORD") or ask_secret(tr("current password: "),
                                                                 "$PRECINCT_PASSWORD")
    os.environ["PRECINCT_PASSWORD"] = current  # the sign-in below uses it instead of asking again
    ctx = cli_context(args)
    accounts.change_password(ctx, current, _new_password())
    print(tr("user {username}: password changed").format(username=ctx.actor.username))
    return 0


def _station_add(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    info = stations.add_station(ctx, args.code, args.name, args.admin, _new_password(),
                                branch=args.branch)
    print(tr("station {code} {name} added; administrator {username} added").format(
        code=info.code, name=info.name, username=args.admin))
    return 0


def _station_list(args: argparse.Namespace) -> int:
    found = stations.list_stations(open_database(args))
    if args.json:
        print(json.dumps([{"code": x.code, "name": x.name, "branch": x.branch, "kind": x.kind,
                           "demo": x.is_demo} for x in found], ensure_ascii=False))
    else:
        for x in found:
            demo = "  " + tr("(demo)") if x.is_demo else ""
            print(f"{x.code:10} {pad(x.name, 16)} {x.branch}{demo}")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    accounts.disable_user(ctx, args.username)
    print(tr("user {username} disabled").format(username=args.username))
    return 0


def _user_enable(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    accounts.enable_user(ctx, args.username)
    print(tr("user {username} enabled").format(username=args.username))
    return 0


def _user_role(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    user = accounts.change_role(ctx, args.username, args.role)
    print(tr("user {username} is now {role}").format(username=user.username, role=user.role.value))
    return 0
