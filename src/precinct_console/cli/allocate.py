"""`allocate`: the patrol deployment for the coming shift (or a given one) with its coverage."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select

from ..config import load_settings
from ..domain.allocation.visits import TimedVisit
from ..domain.clock import CHINA_TZ, system_clock
from ..domain.permissions import Actor, Role
from ..services.allocation import (
    ConstraintOptions,
    PlanPreview,
    constraint_options,
    preview_plan,
    propose_plan,
)
from ..services.context import ServiceContext
from ..storage.models import Station
from .common import CliError, add_db_argument, add_user_argument, cli_context, open_database
from .i18n import joined, message_text, tr


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "allocate", help=tr("propose the patrol deployment for a shift, with coverage figures"),
        description=tr("Place the units on duty so that expected incidents are reached within "
                       "3 minutes (and backed up within 5), solved exactly with HiGHS. By default "
                       "the coming shift; nothing is stored unless --user is given, then the plan "
                       "is saved as a proposal for the chief to accept."),
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument("--shift", type=int, metavar="ID", help=tr("plan this shift"))
    when.add_argument("--at", metavar="DATETIME",
                      help=tr("plan the shift running at this time, e.g. 2026-11-21T10:00 (China "
                              "time unless a zone is given)"))
    p.add_argument("--station", metavar="CODE",
                   help=tr("station code (default: the settings file, or the only station)"))
    p.add_argument("--time-limit", type=float, default=10.0, metavar="S",
                   help=tr("stop the exact solver after S seconds and report its gap (default 10, "
                           "at most {most})").format(most=f"{MAX_TIME_LIMIT:g}"))
    p.add_argument("--pin", action="append", default=[], metavar="UNIT=POINT",
                   help=tr("keep a unit at a candidate point: its call sign = the point's key "
                           "(post:3, point:7, zone:12) or name; repeat for more units"))
    p.add_argument("--zone", action="append", default=[], metavar="NAME_OR_ID",
                   help=tr("a patrol zone that must hold a unit; repeatable"))
    p.add_argument("--key-site", action="append", default=[], metavar="NAME_OR_ID",
                   help=tr("a key site that must have a unit within its ring (1 minute for most); "
                           "repeatable"))
    p.add_argument("--greedy", action="store_true", help=tr("the instant greedy plan only"))
    p.add_argument("--json", action="store_true",
                   help=tr("print the plan as JSON (keys and codes in English)"))
    p.add_argument("--verbose", "-v", action="store_true",
                   help=tr("also print the solver's figures (method, gap, coverage rows)"))
    add_db_argument(p)
    add_user_argument(p)
    p.set_defaults(func=_allocate)


MAX_TIME_LIMIT = 600.0  # the panel's limit too: beyond it the chief is better served by the gap


def _parse_at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(tr("--at '{text}' is not a date and time like 2026-11-21T10:00").format(
            text=text)) from None
    return at if at.tzinfo else at.replace(tzinfo=CHINA_TZ)


def _station_ctx(args: argparse.Namespace) -> ServiceContext:
    db = open_database(args)
    code = args.station or load_settings().station_code
    with db.sessions() as s:
        if code:
            st = s.scalar(select(Station).where(Station.code == code))
            if st is None:
                raise CliError(tr("no station with code '{code}'").format(code=code))
        else:
            rows = list(s.scalars(select(Station).limit(2)))
            if len(rows) != 1:
                raise CliError(tr("name the station with --station CODE (the database holds none)")
                               if not rows else
                               tr("name the station with --station CODE (the database holds several)"))
            st = rows[0]
        station_id = st.id
    actor = Actor(None, "cli", Role.VIEWER, station_id, f"cli@{load_settings().workstation}")
    return ServiceContext(db, actor, system_clock)


def _allocate(args: argparse.Namespace) -> int:
    at = _parse_at(args.at)
    limit = args.time_limit
    if not 0 < limit <= MAX_TIME_LIMIT:  # NaN fails this too
        raise CliError(tr("--time-limit {limit} must be more than 0 and at most {most} seconds")
                       .format(limit=f"{limit:g}", most=f"{MAX_TIME_LIMIT:g}"))
    method = "greedy" if args.greedy else "milp"
    signed_in = bool(args.user or os.environ.get("PRECINCT_USER"))
    ctx = cli_context(args) if signed_in else _station_ctx(args)
    constraints, shown = _constraints(args, ctx, at)
    if signed_in:
        plan = propose_plan(ctx, shift_id=args.shift, starts_at=at, method=method,
                            time_limit=limit, constraints=constraints)
        data: dict[str, Any] = {
            "plan_id": plan.id, "status": plan.status, "shift_id": plan.shift_id,
            "shift": plan.shift_name, "starts_at": plan.starts_at.isoformat(),
            "ends_at": plan.ends_at.isoformat(),
            # What the stored plan keeps to redraw itself (its hour, constraint rows) and its
            # notes, listed below, are left out: a script reads the same keys as in a preview.
            "figures": {k: v for k, v in plan.figures.items() if k not in STORED_ONLY},
            "placements": list(plan.assignments), "notes": list(plan.notes),
            "timed_duties": [_duty_json(v) for v in plan.visits],
        }
    else:
        preview = preview_plan(ctx, shift_id=args.shift, starts_at=at, method=method,
                               time_limit=limit, constraints=constraints)
        data = _preview_json(preview)
    data["constraints"] = shown
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(_text(data, verbose=args.verbose))
    return 0


def _constraints(args: argparse.Namespace, ctx: ServiceContext, at: datetime | None
                 ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """--pin, --zone and --key-site by name or id, as the service takes them (ids) and as they
    are shown (names). A name that matches nothing is named with its argument."""
    shown: dict[str, Any] = {"pins": [], "zones": [], "key_sites": []}
    if not (args.pin or args.zone or args.key_site):
        return None, shown
    opts = constraint_options(ctx, shift_id=args.shift, starts_at=at)
    pins: dict[int, str] = {}
    for text in args.pin:
        unit, sep, point = (x.strip() for x in text.partition("="))
        if not sep or not unit or not point:
            raise CliError(tr("--pin '{text}' is not UNIT=POINT (a call sign, '=', a candidate "
                              "point's key or name)").format(text=text))
        uid = next((u[0] for u in opts.units if u[1] == unit), None)
        if uid is None:
            units = joined(u[1] for u in opts.units) or tr("none")
            raise CliError(tr("--pin '{text}': unit {unit} is not on {shift} (its units: {units})")
                           .format(text=text, unit=unit, shift=_shift_text(opts), units=units))
        if uid in pins:
            raise CliError(tr("--pin '{text}': unit {unit} is pinned twice").format(text=text,
                                                                                    unit=unit))
        key, name = _point(text, point, opts)
        pins[uid] = key
        shown["pins"].append({"call_sign": unit, "point_key": key, "point_name": name})
    zones = []
    for text in args.zone:
        zid, name = _pick(text, opts.zones)
        if zid is None:
            kz = _pick(text, opts.key_zones)
            if kz[0] is not None:
                raise CliError(tr("--zone '{text}': {name} is a key zone, not a patrol zone; "
                                  "require its key sites with --key-site").format(text=text,
                                                                                 name=kz[1]))
            raise CliError(tr("--zone '{text}': no patrol zone with that name or id").format(
                text=text))
        zones.append(zid)
        shown["zones"].append(name)
    sites = []
    for text in args.key_site:
        sid, name = _pick(text, [(k[0], k[1]) for k in opts.key_sites])
        if sid is None:
            raise CliError(tr("--key-site '{text}': no key site with that name or id").format(
                text=text))
        sites.append(sid)
        shown["key_sites"].append(name)
    return {"pins": pins, "zones": zones, "key_sites": sites}, shown


def _shift_text(opts: ConstraintOptions) -> str:
    start = opts.starts_at.astimezone(CHINA_TZ)
    name = opts.shift_name or tr("the shift")
    return f"{name} {start:%m-%d %H:%M}"


def _pick(text: str, rows: Any) -> tuple[int | None, str]:
    """(id, name) of the row whose name is the text, else whose id is."""
    rows = list(rows)
    for rid, name in rows:
        if name == text.strip():
            return rid, name
    for rid, name in rows:
        if text.strip() == str(rid):
            return rid, name
    return None, ""


def _point(arg: str, point: str, opts: ConstraintOptions) -> tuple[str, str]:
    for key, name, _kind, _cap in opts.candidates:
        if key == point:
            return key, name
    named = [(key, name) for key, name, _kind, _cap in opts.candidates if name == point]
    if len(named) > 1:
        raise CliError(tr("--pin '{text}': {count} candidate points are named {point}; give its "
                          "key ({keys})").format(text=arg, count=len(named), point=point,
                                                 keys=joined(k for k, _n in named)))
    if not named:
        raise CliError(tr("--pin '{text}': no candidate point {point} on {shift} (give a key such "
                          "as post:3, or a post's, must-patrol point's or zone's name)").format(
            text=arg, point=point, shift=_shift_text(opts)))
    return named[0]


STORED_ONLY = frozenset({"local_hour", "key_site_rows", "zone_rows", "notes"})


def _preview_json(p: PlanPreview) -> dict[str, Any]:
    res = p.result.as_json()
    figures = dict(res["figures"])  # type: ignore[call-overload]
    figures.update({k: res[k] for k in ("method", "status", "gap", "bound", "solve_seconds",
                                        "demand_rows", "merged_rows")})
    return {
        "plan_id": None, "status": "preview", "shift_id": p.shift_id, "shift": p.shift_name,
        "starts_at": p.starts_at.isoformat(), "ends_at": p.ends_at.isoformat(),
        "figures": figures,
        "placements": [{"unit_id": x["unit_id"], "call_sign": x["call_sign"],
                        "point_key": x["candidate_key"], "point_name": x["candidate_name"],
                        "lon": x["lon"], "lat": x["lat"], "pinned": x["pinned"]}
                       for x in cast(list[dict[str, Any]], res["placements"])],
        "notes": list(p.notes),
        "timed_duties": [_duty_json(v) for v in p.visits],
    }


def _duty_json(v: TimedVisit) -> dict[str, Any]:
    # The window reads "07:00-08:30" only; on a 24-hour shift a script needs the day as well.
    return {"window": v.window, "starts_at": v.starts.isoformat() if v.starts else None,
            "ends_at": v.until.isoformat() if v.until else None, "point_key": v.point_key,
            "point_name": v.point_name, "unit_id": v.unit_id, "call_sign": v.call_sign,
            "travel_seconds": round(v.seconds), "clash": v.clash}


# How the solver's method and outcome read (the JSON keeps the codes).
def _solver_word(code: str) -> str:
    return {"greedy": tr("greedy"), "milp": tr("milp"),
            "optimal": tr("optimal"), "time_limit": tr("time_limit"),
            "interrupted": tr("interrupted")}.get(code, code)


def _how_made(f: dict[str, Any]) -> str:
    """How the plan was worked out, in a chief's words (the solver's own are for --verbose)."""
    seconds = f"{f['solve_seconds']:.1f}"
    if f["status"] == "greedy":
        return tr("a quick placement, one unit at a time (not searched for the best); "
                  "worked out in {seconds} s").format(seconds=seconds)
    if f["status"] == "optimal":
        return tr("the best placement for the expected incidents; worked out in {seconds} s").format(
            seconds=seconds)
    if f["status"] == "interrupted":
        return tr("the search was stopped early: the best placement found so far")
    if f["status"] == "time_limit" and f.get("gap") is not None:
        return tr("the best placement found in the {seconds} s allowed; a better one could "
                  "reach at most {gap} more").format(seconds=seconds, gap=f"{f['gap']:.1%}")
    return tr("the best placement found in the {seconds} s allowed").format(seconds=seconds)


def _text(d: dict[str, Any], *, verbose: bool = False) -> str:
    f = d["figures"]
    start = datetime.fromisoformat(d["starts_at"]).astimezone(CHINA_TZ)
    end = datetime.fromisoformat(d["ends_at"]).astimezone(CHINA_TZ)
    name = d["shift"] or tr("shift")
    head = f"{name} {start:%Y-%m-%d %H:%M} – {end:%m-%d %H:%M}"
    if d["plan_id"]:
        head += "  " + tr("(plan {plan_id}, proposed)").format(plan_id=d["plan_id"])
    status = _solver_word(f["status"])
    if f.get("gap") is not None:
        status = tr("{status}, gap {gap}").format(status=status, gap=f"{f['gap']:.2%}")
    lines = [
        head,
        tr("expected incidents {demand}: covered within 3 min {once}, backed up within 5 min "
           "{twice}").format(demand=f"{f['total_demand']:.1f}", once=f"{f['once_share']:.1%}",
                             twice=f"{f['twice_share']:.1%}"),
        _how_made(f),
    ]
    if verbose:
        # The greedy plan's outcome is its method: "贪心算法（贪心算法）" said it twice.
        lines.append(
            (tr("solver {method} in {seconds} s; {cells} cells merged into {rows} coverage rows")
             if f["status"] == f["method"] else
             tr("solver {method} ({status}) in {seconds} s; {cells} cells merged into {rows} "
                "coverage rows")).format(method=_solver_word(f["method"]), status=status,
                                         seconds=f"{f['solve_seconds']:.2f}", cells=f["demand_rows"],
                                         rows=f["merged_rows"]))
    if f.get("key_sites_total"):
        lines.append(tr("key sites within their ring: {met}/{total}").format(
            met=f["key_sites_met"], total=f["key_sites_total"]))
    if f.get("zones_total"):
        lines.append(tr("zones with a unit: {met}/{total}").format(met=f["zones_met"],
                                                                   total=f["zones_total"]))
    c = d.get("constraints") or {}
    if c.get("pins") or c.get("zones") or c.get("key_sites"):
        parts = [tr("pinned {unit} → {point}").format(unit=p["call_sign"], point=p["point_name"])
                 for p in c.get("pins", [])]
        if c.get("zones"):
            parts.append(tr("zones {names}").format(names=joined(c["zones"])))
        if c.get("key_sites"):
            parts.append(tr("key sites {names}").format(names=joined(c["key_sites"])))
        lines.append(tr("constraints: {list}").format(list=joined(parts, "; ")))
    lines.append("")
    width = max((len(p["call_sign"]) for p in d["placements"]), default=4)
    for p in d["placements"]:
        pin = "  " + tr("[pinned]") if p["pinned"] else ""
        lines.append(f"  {p['call_sign']:<{width}}  → {p['point_name']} ({p['point_key']}) "
                     f"{p['lon']:.5f},{p['lat']:.5f}{pin}")
    if d.get("timed_duties"):
        # Must-patrol points open for only a part of the shift: a timed duty, not a place to stand.
        lines.append(tr("timed duties (定时守点):"))
        for v in d["timed_duties"]:
            lines.append("  " + tr("{window} {point} → {unit}, {minutes} min from its point").format(
                window=v["window"], point=v["point_name"], unit=v["call_sign"],
                minutes=f"{v['travel_seconds'] / 60:.0f}")
                + ("  " + tr("[due elsewhere at that time too]") if v["clash"] else ""))
    for n in d["notes"]:
        lines.append(tr("note: {note}").format(note=message_text(n)))
    return "\n".join(lines)
