"""Administration verbs: `db upgrade`, `user add/list/disable`."""

from __future__ import annotations

import argparse
import getpass
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
    cli_context,
    open_database,
    workstation,
)
from .passwords import register_db_verbs


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database administration")
    dbsub = db.add_subparsers(dest="db_verb", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="upgrade the database schema to this console's version")
    add_db_argument(up)
    up.set_defaults(func=_db_upgrade)
    st = dbsub.add_parser("status", help="print the schema version of the database")
    add_db_argument(st)
    st.set_defaults(func=_db_status)
    register_db_verbs(dbsub)  # db set-password / forget-password (cli/passwords.py)

    user = sub.add_parser("user", help="user accounts")
    usub = user.add_subparsers(dest="user_verb", metavar="ACTION", required=True)
    add = usub.add_parser("add", help="add an account (the first one needs no --user: it sets up the station)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--station-code", help="with the first account: the station's code")
    add.add_argument("--station-name", help="with the first account: the station's name")
    add.add_argument("--may-see-personal-data", action="store_true")
    add_db_argument(add)
    add_user_argument(add)
    add.set_defaults(func=_user_add)
    ls = usub.add_parser("list", help="list accounts")
    ls.add_argument("--json", action="store_true")
    add_db_argument(ls)
    add_user_argument(ls)
    ls.set_defaults(func=_user_list)
    dis = usub.add_parser("disable", help="disable an account")
    dis.add_argument("username")
    add_db_argument(dis)
    add_user_argument(dis)
    dis.set_defaults(func=_user_disable)
    rp = usub.add_parser("reset-password", help="set a new password for an account (an administrator, "
                         "for someone who forgot theirs); asked twice, or $PRECINCT_NEW_PASSWORD")
    rp.add_argument("username")
    add_db_argument(rp)
    add_user_argument(rp)
    rp.set_defaults(func=_user_reset_password)
    pw = usub.add_parser("passwd", help="change your own password (--user NAME; the current one "
                         "from $PRECINCT_PASSWORD or asked, the new one asked twice)")
    add_db_argument(pw)
    add_user_argument(pw)
    pw.set_defaults(func=_user_passwd)

    station = sub.add_parser("station", help="stations sharing this database (a branch's)")
    ssub = station.add_subparsers(dest="station_verb", metavar="ACTION", required=True)
    sadd = ssub.add_parser("add", help="add a station with its own administrator (the password "
                           "asked twice, or $PRECINCT_NEW_PASSWORD)")
    sadd.add_argument("code")
    sadd.add_argument("name")
    sadd.add_argument("--admin", required=True, metavar="USERNAME", help="the new station's administrator")
    sadd.add_argument("--branch", default="", help="the branch (分局) it belongs to")
    add_db_argument(sadd)
    add_user_argument(sadd)
    sadd.set_defaults(func=_station_add)
    sls = ssub.add_parser("list", help="list the stations in this database")
    sls.add_argument("--json", action="store_true")
    add_db_argument(sls)
    sls.set_defaults(func=_station_list)


def _db_upgrade(args: argparse.Namespace) -> int:
    db = open_database(args, upgrade=False, create=True)
    from ..storage.migrate import upgrade_to_head

    result = upgrade_to_head(db)
    if result.changed:
        print(f"upgraded {db.display_url} from {result.from_revision or 'empty'} to {result.to_revision}")
        if result.backup:
            print(f"backup: {result.backup}")
    else:
        print(f"{db.display_url} is up to date ({result.to_revision})")
    return 0


def _db_status(args: argparse.Namespace) -> int:
    db = open_database(args, upgrade=False)
    print(json.dumps({"database": db.display_url, "revision": current_revision(db), "head": head_revision(db)}))
    return 0


def _new_password() -> str:
    password = os.environ.get("PRECINCT_NEW_PASSWORD")
    if password:
        return password
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        raise CliError("the two passwords differ")
    return first


def _user_add(args: argparse.Namespace) -> int:
    # The first administrator with a station code sets up a new database, so may make its file.
    db = open_database(args, create=bool(args.station_code))
    if not accounts.has_users(db):
        if args.role != Role.ADMIN.value or not args.station_code or not args.station_name:
            raise CliError(
                "the database has no accounts yet: add the first administrator with "
                "--role admin --station-code CODE --station-name NAME"
            )
        info = stations.bootstrap_station(
            db, args.station_code, args.station_name, args.username, _new_password(),
            workstation=f"cli@{workstation()}", clock=system_clock,
        )
        print(f"station {info.code} {info.name} set up; administrator {args.username} added")
        return 0
    ctx = cli_context(args)
    user = accounts.add_user(
        ctx, args.username, _new_password(), args.role, display_name=args.name,
        may_see_personal_data=args.may_see_personal_data,
    )
    print(f"user {user.username} ({user.role.value}) added")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    users = accounts.list_users(ctx)
    if args.json:
        print(json.dumps([
            {"username": u.username, "name": u.display_name, "role": u.role.value,
             "active": u.active, "station_id": u.station_id} for u in users
        ], ensure_ascii=False))
    else:
        for u in users:
            state = "active" if u.active else "disabled"
            print(f"{u.username:20} {u.role.value:18} {state:9} {u.display_name}")
    return 0


def _user_reset_password(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    accounts.reset_password(ctx, args.username, _new_password())
    print(f"user {args.username}: password reset")
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    current = os.environ.get("PRECINCT_PASSWORD") or getpass.getpass("current password: ")
    os.environ["PRECINCT_PASSWORD"] = current  # the sign-in below uses it instead of asking again
    ctx = cli_context(args)
    accounts.change_password(ctx, current, _new_password())
    print(f"user {ctx.actor.username}: password changed")
    return 0


def _station_add(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    info = stations.add_station(ctx, args.code, args.name, args.admin, _new_password(),
                                branch=args.branch)
    print(f"station {info.code} {info.name} added; administrator {args.admin} added")
    return 0


def _station_list(args: argparse.Namespace) -> int:
    found = stations.list_stations(open_database(args))
    if args.json:
        print(json.dumps([{"code": x.code, "name": x.name, "branch": x.branch, "kind": x.kind,
                           "demo": x.is_demo} for x in found], ensure_ascii=False))
    else:
        for x in found:
            print(f"{x.code:10} {x.name:16} {x.branch}{'  (demo)' if x.is_demo else ''}")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    accounts.disable_user(ctx, args.username)
    print(f"user {args.username} disabled")
    return 0
