"""Every line the command-line verbs show a user goes through tr() and has its Chinese in the .ts."""

from __future__ import annotations

import argparse
import ast
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "src" / "precinct_console" / "cli"
TS = ROOT / "resources" / "translations" / "precinct_console_zh_CN.ts"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# {name} for str.format, %(name)s / %s / %r for argparse's own messages.
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}|%\([a-z_]+\)[sr]|%[sr]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Text that is a name, not a word: the program as it is typed.
NAMES = re.compile(r"precinct-console")
# Calls whose arguments reach the user's eyes, and the keywords of argparse that do.
SHOWN_CALLS = {"print", "CliError", "NotFound", "getpass"}
SHOWN_KEYWORDS = {"help", "description", "epilog"}
# Calls that put their arguments on the screen as they are (tr() translates, json.dumps is for
# scripts, and what other calls return is theirs).
PASS_THROUGH = {"format", "join", "joined", "pad", "str"}


def ts_messages() -> dict[tuple[str, str], str]:
    out = {}
    for context in ET.parse(TS).getroot().iter("context"):
        for m in context.iter("message"):
            t = m.find("translation")
            done = t is not None and t.get("type") is None
            out[(context.findtext("name") or "", m.findtext("source") or "")] = (t.text or "") if done else ""
    return out


def modules(folder: Path = CLI) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(folder.glob("*.py")):
        yield path.name, ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def marked() -> Iterator[tuple[str, int, str, object]]:
    """(file, line, context, literal or the node given instead) of every tr()/QT_TRANSLATE_NOOP."""
    for file, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in ("tr", "QT_TRANSLATE_NOOP") \
                    and isinstance(node.func, ast.Name):
                context = "" if node.func.id == "tr" else getattr(node.args[0], "value", None)
                text = node.args[-1] if node.func.id == "QT_TRANSLATE_NOOP" else node.args[0]
                literal = text.value if isinstance(text, ast.Constant) else text
                yield file, node.lineno, str(context), literal


MARKED = list(marked())
MESSAGES = ts_messages()


def test_tr_is_given_literal_text_outside_f_strings():
    """lupdate reads only literals, and skips calls inside f-strings: those would stay English."""
    assert len(MARKED) > 250
    assert [(f, line) for f, line, _c, text in MARKED if not isinstance(text, str)] == []
    for file, tree in modules():
        for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            inner = [n for n in ast.walk(fstring) if isinstance(n, ast.Call) and _name(n) == "tr"]
            assert inner == [], (file, fstring.lineno)


def test_every_marked_string_has_its_chinese_in_the_ts():
    missing = [(f, line, text) for f, line, context, text in MARKED if not MESSAGES.get((context, str(text)))]
    assert missing == [], "scripts/translations.py update, then translate them"
    latin = [text for _f, _l, context, text in MARKED if not CHINESE.search(MESSAGES[(context, str(text))])]
    assert latin == [], "translated, but not into Chinese"


def test_translations_keep_the_placeholders():
    bad = [(text, MESSAGES[(context, str(text))]) for _f, _l, context, text in MARKED
           if sorted(PLACEHOLDER.findall(str(text))) != sorted(PLACEHOLDER.findall(MESSAGES[(context, str(text))]))]
    assert bad == []


def _fragments(node: ast.AST, scope: ast.AST, depth: int = 0) -> Iterator[tuple[int, str]]:
    """The literal text an expression can put on the screen, not counting translated calls:
    constants, f-string parts, both branches of an if, and what a local name was assigned."""
    if depth > 4:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant):
                yield node.lineno, str(part.value)
            elif isinstance(part, ast.FormattedValue):
                yield from _fragments(part.value, scope, depth + 1)
    elif isinstance(node, ast.Call) and _name(node) in PASS_THROUGH:
        if isinstance(node.func, ast.Attribute):  # tr("...").format(...), "x".join(...)
            yield from _fragments(node.func.value, scope, depth + 1)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            yield from _fragments(arg, scope, depth + 1)
    elif isinstance(node, (ast.BinOp, ast.BoolOp, ast.IfExp)):
        children = [node.left, node.right] if isinstance(node, ast.BinOp) else \
            node.values if isinstance(node, ast.BoolOp) else [node.body, node.orelse]
        for child in children:
            yield from _fragments(child, scope, depth + 1)
    elif isinstance(node, ast.Name):
        for n in ast.walk(scope):
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets):
                yield from _fragments(n.value, scope, depth + 1)


def shown_fragments(folder: Path = CLI) -> set[tuple[str, int, str]]:
    found = set()
    for file, tree in modules(folder):
        # Each call is read with the names of its function (module level: the module's).
        for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
            for node in ast.walk(scope):
                if not isinstance(node, ast.Call):
                    continue
                shown = list(node.args) if _name(node) in SHOWN_CALLS else []
                shown += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
                for expr in shown:
                    found |= {(file, line, text) for line, text in _fragments(expr, scope)}
    return found


def test_no_english_text_reaches_the_user_without_tr():
    """What the verbs print, raise and explain in --help is marked for translation: a literal left
    bare would read English on a Chinese machine (JSON for scripts and names are not text)."""
    fragments = list(shown_fragments())
    assert len(fragments) >= 10  # the walk reaches the f-strings that lay out rows and paths
    bare = [(f, line, text) for f, line, text in fragments if ENGLISH_WORD.search(NAMES.sub("", text))]
    assert bare == []


def test_the_walk_finds_bare_text_where_it_is_left(tmp_path):
    """The check above catches each way the verbs used to print English."""
    (tmp_path / "verb.py").write_text(
        'def register(sub):\n'
        '    p = sub.add_parser("x", help="do things")\n'
        'def _run(args):\n'
        '    verb = "rebuilt" if args.x else "built"\n'
        '    print(f"demo {verb} in {args.db}")\n'
        '    print(tr("translated {x}").format(x=args.x), json.dumps({"key": 1}))\n'
        '    raise CliError("--days must be positive")\n', encoding="utf-8")
    assert {text for _f, _l, text in shown_fragments(tmp_path)} == \
        {"do things", "demo ", "rebuilt", "built", " in ", "--days must be positive"}


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_help_page_formats_and_every_option_is_explained(lang):
    """A stray % in a translated help would break --help itself; an option without help
    would show the user nothing to translate."""
    from precinct_console.cli import build_parser
    from precinct_console.cli.i18n import speaking

    with speaking(lang):
        parsers = list(_parsers(build_parser()))
        assert len(parsers) > 25
        for p in parsers:
            text = p.format_help()
            assert text.startswith("usage: " if lang == "en" else "用法：")
            for action in p._actions:
                if isinstance(action, argparse._SubParsersAction):
                    continue
                assert action.help, (p.prog, action.dest)
                if lang != "en":
                    assert CHINESE.search(action.help), (p.prog, action.dest)


def test_every_ledger_and_column_note_export_list_prints_has_its_chinese():
    """`export --list` reads the notes of services/ledgers through the catalogue of messages the
    window shares; a note added without its entry would print English to a Chinese clerk."""
    from precinct_console.domain.response import (
        SELF_RESCUE,
        TIERS_OF_FORCE,
        TIERS_OF_PLACE,
        TIME_BANDS,
    )
    from precinct_console.i18n.catalogue import message_text
    from precinct_console.services.ledgers import LEDGERS
    from precinct_console.services.ledgers.response import incident_columns, summary_columns

    columns = [c for ledger in LEDGERS.values() for c in ledger.columns]
    for profile in (TIERS_OF_FORCE, TIERS_OF_PLACE, SELF_RESCUE, TIME_BANDS):
        columns += [*incident_columns(profile), *summary_columns(profile)]
    notes = {ledger.description for ledger in LEDGERS.values()} | {c.doc for c in columns if c.doc}
    assert len(notes) > 40
    untranslated = sorted(n for n in notes if ENGLISH_WORD.search(message_text(n, "zh_CN").replace(
        "WGS84", "")))
    assert untranslated == []
