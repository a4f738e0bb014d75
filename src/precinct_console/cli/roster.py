"""Roster verbs: `roster import FILE` (the station's 花名册 from .xlsx or .csv, all rows or none)
and `roster plan` (cli/roster_plan.py)."""

from __future__ import annotations

import argparse
from typing import Any

from ..services.roster_import import (
    ImportedOfficer,
    RollImportPreview,
    commit_roll_import,
    preview_roll_import,
    shown_value,
)
from . import roster_plan
from .common import add_db_argument, add_user_argument, cli_context
from .i18n import RawDescriptionHelpFormatter, joined, language, tr


def _import_help() -> str:
    # The headers services/roster_file.py knows (HEADERS); the roster panel's template (Staff
    # list › Save a blank template) writes the Chinese ones.
    return tr("""Import the station's staff list (花名册) from an .xlsx or .csv file: officers not on
the roll are added, those on it (same badge) get the file's values. One bad row imports nothing;
every problem is named by row (as Excel shows it) and column (exit status 1). Officers on the roll
the file leaves out stay on it. --dry-run shows what would happen and saves nothing.

Columns (a header row, in any order; a title row above it is fine):
    警号 / 辅警编号    badge (an auxiliary's number may have its own column)   required
    姓名               name                                                    required
    人员类别           民警 or 辅警 (辅警 in the 警衔 column says the same)
    警衔               rank          岗位   role (巡逻防控, 指挥室, 社区警务 ...)
    班组               team          电话   phone
    技能               skills, 急救、调解      驾照   licence classes, C1、E (无人机 for drones)
English headers are read too (badge, name, kind, rank, role, team, phone, skills, licences).
Other columns (序号, 性别, 身份证号 ...) are not kept: they are listed.
""")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    roster = sub.add_parser("roster", help=tr("the station's roll of officers and auxiliaries, and planning its shifts"))
    rsub = roster.add_subparsers(dest="roster_verb", metavar="ACTION", required=True)
    imp = rsub.add_parser("import", help=tr("import the staff list (花名册) from .xlsx or .csv; "
                                            "all rows or none"),
                          description=_import_help(), formatter_class=RawDescriptionHelpFormatter)
    imp.add_argument("file", help=tr("a .xlsx or .csv (UTF-8 or GBK) file"))
    imp.add_argument("--dry-run", action="store_true",
                     help=tr("show what the import would add and change; save nothing"))
    add_db_argument(imp)
    add_user_argument(imp)
    imp.set_defaults(func=_import)
    roster_plan.register(rsub)


def _field(name: str) -> str:
    return {"name": tr("name"), "kind": tr("kind"), "rank": tr("rank"), "role": tr("role"),
            "team": tr("team"), "phone": tr("phone"), "skills": tr("skills"),
            "licences": tr("driving licences"), "active": tr("on the roll")}.get(name, name)


def _value(name: str, value: Any) -> str:
    if name == "active":
        return tr("yes") if value else tr("no")
    return shown_value(name, value) or tr("(empty)")


def _who(item: ImportedOfficer) -> str:
    return f"{item.name} ({item.badge})"


def _print_preview(p: RollImportPreview) -> None:
    print(tr("{file}: {new} new, {changed} changed, {unchanged} unchanged").format(
        file=p.file_name, new=len(p.new), changed=len(p.changed), unchanged=len(p.unchanged)))
    for item in p.new:
        line = tr("  new      row {row}: {who}").format(row=item.row, who=_who(item))
        if item.same_name:
            line += " " + tr("(same name as {badges} on the roll)").format(badges=joined(item.same_name))
        print(line)
    for item in p.changed:
        colon = "：" if language().startswith("zh") else ": "
        changes = joined((f"{_field(k)}{colon}{_value(k, old)} → {_value(k, new)}"
                          for k, old, new in item.changes), "; ")
        print(tr("  changed  row {row}: {who}: {changes}").format(row=item.row, who=_who(item),
                                                                  changes=changes))
    if p.not_in_file:
        print(tr("{count} officer(s) on the roll are not in the file and stay on it: {names}").format(
            count=len(p.not_in_file), names=joined(f"{n} ({b})" for n, b in p.not_in_file)))
    if p.ignored_columns:
        print(tr("columns not imported (the console keeps nothing of them): {columns}").format(
            columns=joined(p.ignored_columns)))
    if p.example_row is not None:
        print(tr("row {row} is the template's example (张伟, 010001): not imported").format(
            row=p.example_row))
    if p.other_sheets:
        print(tr("only sheet {sheet} was read; not read: {sheets}").format(
            sheet=p.sheet, sheets=joined(p.other_sheets)))


def _import(args: argparse.Namespace) -> int:
    ctx = cli_context(args)
    preview = preview_roll_import(ctx, args.file)
    _print_preview(preview)
    if preview.problems:
        raise preview.refusal()
    if args.dry_run:
        print(tr("dry run: nothing was saved"))
        return 0
    if not preview.can_import:
        print(tr("nothing to import: the roll already reads as the file"))
        return 0
    result = commit_roll_import(ctx, preview)
    print(tr("imported: {added} added, {updated} updated").format(added=result.added,
                                                                  updated=result.updated))
    return 0
