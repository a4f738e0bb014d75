"""`roster plan`: a period's shifts from a pattern, its teams put on and the units crewed, as the
roster panel's plan dialog does (services/roster_plan.py), with a dry run."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from typing import Any

from ..domain.crews import DEFAULT_CREW_SIZE
from ..domain.shifts import DEFAULT_TEAMS, MIN_TEAMS, TEAM_DUTIES, PatternKind, team_sort_key
from ..services import roster
from ..services.roster import CREWED_DUTIES
from ..services.roster_plan import PlanOutcome, plan_period
from .common import CliError, add_db_argument, add_user_argument, cli_context
from .i18n import joined, message_text, tr

# A new pattern's kind as a chief may name it: the code, or its Chinese name.
KIND_NAMES = {
    "duty_24h": PatternKind.DUTY_24H, "24h": PatternKind.DUTY_24H, "24小时值班": PatternKind.DUTY_24H,
    "four_three": PatternKind.FOUR_THREE, "四班三运转": PatternKind.FOUR_THREE,
    "three_two": PatternKind.THREE_TWO, "三班二运转": PatternKind.THREE_TWO,
    "三班两运转": PatternKind.THREE_TWO,
    "standby": PatternKind.STANDBY, "备勤": PatternKind.STANDBY,
}
MAX_CREW_SIZE = 6


def register(rsub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = rsub.add_parser(
        "plan", help=tr("plan a period's shifts from a pattern, its teams on them and the units "
                        "crewed"),
        description=tr("Make the shifts of a period from one of the station's patterns (by name or "
                       "id), or from a new one (--pattern four_three, duty_24h, three_two or "
                       "standby, with --name and --teams), as the roster panel's Plan shifts… "
                       "does: each team's officers are put on its shifts (those on leave left "
                       "off) and, on a patrol or standby duty, in the units (a standby team in the "
                       "standby cars, which patrol teams are never given), every vehicle with a "
                       "licensed driver and every crew with a 民警. Shifts already planned are kept. Prints "
                       "the shifts, entries and crews made and the roster rules the new shifts "
                       "break; --dry-run saves nothing."))
    p.add_argument("--pattern", required=True, metavar="P",
                   help=tr("a pattern of the station (name or id), or a kind for a new one: "
                           "duty_24h (24小时值班), four_three (四班三运转), three_two (三班二运转), "
                           "standby (备勤)"))
    p.add_argument("--teams", metavar="T1,T2,...",
                   help=tr("the teams in rotation order, as the officers' team field names them; "
                           "a new pattern's (default: the kind's usual ones), or the pattern's own "
                           "to check them"))
    p.add_argument("--from", dest="first", required=True, type=date.fromisoformat, metavar="DATE",
                   help=tr("first duty day, e.g. 2027-01-01"))
    p.add_argument("--to", dest="last", required=True, type=date.fromisoformat, metavar="DATE",
                   help=tr("last duty day (inclusive)"))
    p.add_argument("--name", help=tr("a new pattern's name, e.g. 2027年四班三运转"))
    p.add_argument("--handover", metavar="HH:MM", help=tr("a new pattern's handover time (default 08:30)"))
    p.add_argument("--min-staff", type=int, default=0, metavar="N",
                   help=tr("a new pattern's minimum staff per shift (default 0)"))
    p.add_argument("--duty", choices=TEAM_DUTIES,
                   help=tr("what a new pattern's teams work (default: standby for a standby "
                           "pattern, else patrol)"))
    p.add_argument("--no-teams", action="store_true",
                   help=tr("make the shifts only, with nobody on them"))
    p.add_argument("--crew", action=argparse.BooleanOptionalAction, default=True,
                   help=tr("on a patrol or standby duty, put the officers in the units too "
                           "(default: yes); a standby team rides the station's standby cars, "
                           "which patrol teams are never given"))
    p.add_argument("--crew-size", type=int, default=DEFAULT_CREW_SIZE, metavar="N",
                   help=tr("officers a unit goes out with at least, one of them a 民警 (default "
                           "{n}: 双人巡逻); a one-seat unit takes one").format(n=DEFAULT_CREW_SIZE))
    p.add_argument("--dry-run", action="store_true", help=tr("show what planning would do; save nothing"))
    p.add_argument("--json", action="store_true",
                   help=tr("print the outcome as JSON (keys and codes in English)"))
    add_db_argument(p)
    add_user_argument(p)
    p.set_defaults(func=_plan)


def _teams(text: str | None) -> list[str]:
    return [t for t in re.split(r"[,，、\s]+", text or "") if t]


def _plan(args: argparse.Namespace) -> int:
    if args.last < args.first:
        raise CliError(tr("--to {last} is before --from {first}").format(last=args.last,
                                                                        first=args.first))
    if not 1 <= args.crew_size <= MAX_CREW_SIZE:
        raise CliError(tr("--crew-size: give 1 to {most}").format(most=MAX_CREW_SIZE))
    ctx = cli_context(args)
    patterns = roster.list_patterns(ctx)
    chosen = next((p for p in patterns if p.name == args.pattern), None) or next(
        (p for p in patterns if args.pattern.isdigit() and p.id == int(args.pattern)), None)
    teams = _teams(args.teams)
    target: dict[str, Any]
    if chosen is not None:
        if teams and tuple(teams) != chosen.pattern.teams:
            raise CliError(tr("--teams: pattern {name} rotates {teams}, not {given}").format(
                name=chosen.name, teams=joined(chosen.pattern.teams), given=joined(teams)))
        for flag, value in (("--name", args.name), ("--handover", args.handover),
                            ("--duty", args.duty), ("--min-staff", args.min_staff or None)):
            if value is not None:
                raise CliError(tr("{flag} is for a new pattern; {name} is planned as it stands")
                               .format(flag=flag, name=chosen.name))
        target = {"pattern_id": chosen.id}
        pattern_teams, duty = chosen.pattern.teams, chosen.pattern.duty
    else:
        kind = KIND_NAMES.get(args.pattern)
        if kind is None:
            raise CliError(tr("--pattern: no pattern {given} in this station (its patterns: {names}; "
                               "or a new one: {kinds})").format(
                given=args.pattern, names=joined(f"{p.name} ({p.id})" for p in patterns) or "—",
                kinds=joined(k.value for k in PatternKind)))
        if not (args.name or "").strip():
            # "四班三运转" alone reads as a kind; a chief who meant the station's 四班三运转（巡逻）
            # is told so, not only that a name is missing.
            raise CliError(tr("--name: {given} makes a new pattern, which needs a name; to plan "
                              "one of the station's own, name it: {names}").format(
                given=args.pattern, names=joined(f"{p.name} ({p.id})" for p in patterns) or "—"))
        pattern_teams = tuple(teams) or DEFAULT_TEAMS[kind]
        if len(pattern_teams) < MIN_TEAMS.get(kind, 1):
            raise CliError(tr("--teams: {kind} needs at least {n} teams, {given} given").format(
                kind=kind.value, n=MIN_TEAMS[kind], given=len(pattern_teams)))
        definition: dict[str, Any] = {"teams": list(pattern_teams), "min_staff": args.min_staff}
        if args.handover:
            definition["handover"] = args.handover
        if args.duty:
            definition["duty"] = args.duty
        duty = args.duty or ("standby" if kind is PatternKind.STANDBY else "patrol")
        target = {"new": {"name": args.name, "kind": kind.value, "definition": definition}}
    if not args.no_teams:
        roll = {o.team for o in roster.list_officers(ctx) if o.team}
        missing = [t for t in pattern_teams if t not in roll]
        if missing:
            raise CliError(tr("--teams: nobody on the roll is in {missing} (the roll's teams: {roll}); "
                              "plan with --no-teams to make the shifts only").format(
                missing=joined(missing), roll=joined(sorted(roll, key=team_sort_key)) or "—"))
    outcome = plan_period(ctx, args.first, args.last, with_teams=not args.no_teams,
                          crew_units=args.crew and duty in CREWED_DUTIES, crew_size=args.crew_size,
                          dry_run=args.dry_run, **target)
    if args.json:
        print(json.dumps(_as_json(outcome, args), ensure_ascii=False, indent=2))
    else:
        _print(outcome, args, duty)
    return 0


def _as_json(o: PlanOutcome, args: argparse.Namespace) -> dict[str, Any]:
    c = o.crewing
    return {
        "pattern": {"id": o.pattern_id, "name": o.pattern_name},
        "from": args.first.isoformat(), "to": args.last.isoformat(), "saved": o.saved,
        "shifts": len(o.planned), "entries": o.entries,
        "crews": None if c is None else {
            "crews": c.crews, "crew_size": args.crew_size, "seatless": c.seatless,
            "alone": c.alone,
            "no_driver": [{"unit": cs, "shifts": n} for cs, n in c.no_driver],
            "no_pilot": [{"unit": cs, "shifts": n} for cs, n in c.no_pilot],
            "short_of_hands": [{"unit": cs, "shifts": n} for cs, n in c.short],
            "kept_for_standby": list(c.standby),
        },
        "violations": [{"rule": b.rule, "message": b.message, "shifts": b.shifts,
                        "days": [d.isoformat() for d in b.days]} for b in o.broken],
    }


def _days(days: tuple[date, ...]) -> str:
    if not days:
        return ""
    if len(days) == 1:
        return f"{days[0]:%m-%d}"
    return f"{days[0]:%m-%d}–{days[-1]:%m-%d}"


def _print(o: PlanOutcome, args: argparse.Namespace, duty: str) -> None:
    head = (tr("dry run, {name} {first} – {last}: {shifts} shift(s) and {entries} entry(ies) would be "
               "planned") if not o.saved else
            tr("{name} {first} – {last}: {shifts} shift(s) planned, {entries} entry(ies)"))
    print(head.format(name=o.pattern_name, first=args.first, last=args.last, shifts=len(o.planned),
                      entries=o.entries))
    if not o.planned:
        print(tr("every shift of that period was already planned"))
    c = o.crewing
    if c is not None:
        print(tr("crews: {crews} formed (at least {size} in each, one of them a 民警)").format(
            crews=c.crews, size=args.crew_size))
        if c.standby:
            print(tr("  kept for standby (备勤), not given to patrol: {units}").format(
                units=joined(c.standby)))
        if c.no_driver:
            print(tr("  no licensed driver: {units}").format(units=joined(
                tr("{unit} ({n} shift(s))").format(unit=cs, n=n) for cs, n in c.no_driver)))
        if c.no_pilot:
            print(tr("  no licensed pilot: {units}").format(units=joined(
                tr("{unit} ({n} shift(s))").format(unit=cs, n=n) for cs, n in c.no_pilot)))
        if c.short:
            print(tr("  left in, the team too small to crew them: {units}").format(units=joined(
                tr("{unit} ({n} shift(s))").format(unit=cs, n=n) for cs, n in c.short)))
        if c.seatless:
            print(tr("  {n} time(s) an officer found no free seat and is in no unit").format(
                n=c.seatless))
        if c.alone:
            print(tr("  {n} time(s) an officer is in no unit: too few on the shift to make a crew")
                  .format(n=c.alone))
    elif o.planned and not args.no_teams and args.crew and duty not in CREWED_DUTIES:
        print(tr("units not crewed: the pattern's teams are not on patrol or standby"))
    if o.broken:
        print(tr("roster rules broken on the new shifts: {n}").format(n=len(o.broken)))
        for b in o.broken:
            more = (tr(" (on {n} shifts, {days})").format(n=b.shifts, days=_days(b.days))
                    if b.shifts > 1 else "")
            print(f"  ▲ {message_text(b.message)}{more}")
    elif o.planned:
        print(tr("no roster rule broken on the new shifts"))
    if not o.saved:
        print(tr("dry run: nothing was saved"))
