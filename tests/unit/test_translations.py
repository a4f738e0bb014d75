"""The zh_CN translation is complete, keeps placeholders, matches its .qm and the code, and shows."""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "src" / "precinct_console" / "ui"
TS = ROOT / "resources" / "translations" / "precinct_console_zh_CN.ts"
QM = TS.with_suffix(".qm")
sys.path.insert(0, str(ROOT / "scripts"))
import translations as tool  # noqa: E402  (scripts/translations.py: the project's own lupdate/lrelease)

PLACEHOLDER = re.compile(r"%n|%\d+|\{[A-Za-z_]\w*\}")
ACCELERATOR = re.compile(r"&([^&\s])")


def ts_messages(path: Path) -> list[tuple[str, str, bool, list[str], bool]]:
    """(context, source, numerus, translations, unfinished) for every message."""
    out = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for m in context.iter("message"):
            t = m.find("translation")
            assert t is not None
            numerus = m.get("numerus") == "yes"
            texts = [f.text or "" for f in t.iter("numerusform")] if numerus else [t.text or ""]
            out.append((name, m.findtext("source") or "", numerus, texts, t.get("type") is not None))
    return out


MESSAGES = ts_messages(TS)


def test_every_message_is_translated_into_chinese():
    assert len(MESSAGES) > 700
    bad = [(c, s) for c, s, _n, texts, unfinished in MESSAGES
           if unfinished or not texts or not all(t.strip() for t in texts)]
    assert bad == []
    # Chinese, not the English copied across (a few, like "PNG…", may stay Latin); a separator's
    # Chinese is its full-width punctuation ("; " is "；", ", " is "、").
    latin = [(c, s) for c, s, _n, texts, _u in MESSAGES
             if not re.search(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]", texts[0])]
    assert len(latin) <= 3, latin


def test_plural_messages_carry_a_numerusform_with_the_count():
    plurals = [(s, texts) for _c, s, numerus, texts, _u in MESSAGES if numerus]
    assert len(plurals) >= 4
    assert all(len(texts) == 1 and "%n" in texts[0] for _s, texts in plurals), plurals
    # A %n outside a plural message would be printed as "%n" to the officer.
    assert [s for _c, s, numerus, _t, _u in MESSAGES if "%n" in s and not numerus] == []


def test_placeholders_and_accelerators_survive_translation():
    problems = []
    for context, source, _n, texts, _u in MESSAGES:
        for text in texts:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                problems.append((context, source, text))
            keys = ACCELERATOR.findall(source.replace("&&", ""))
            if keys and f"(&{keys[0].upper()})" not in text:
                problems.append((context, source, text))  # Chinese form: 签收(&S)
    assert problems == []


def test_the_qm_is_built_from_the_ts(tmp_path):
    rebuilt = tmp_path / "zh_CN.qm"
    tool.lrelease(TS, rebuilt)
    assert rebuilt.read_bytes() == QM.read_bytes(), "run: scripts/translations.py release"


def test_lupdate_over_the_ui_finds_nothing_untranslated(tmp_path):
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    tool.lupdate(copy)
    fresh = {(c, s) for c, s, _n, _t, _u in ts_messages(copy)}
    unfinished = [(c, s) for c, s, _n, _t, u in ts_messages(copy) if u]
    assert unfinished == [], "new UI strings: scripts/translations.py update, then translate them"
    assert fresh == {(c, s) for c, s, _n, _t, _u in MESSAGES}


def _literal_calls() -> Iterator[tuple[str, int, str, str]]:
    """(file, line, context, source) of every translation call with a literal, in the context
    the runtime will ask for: self.tr -> the class, bare tr()/_tr() -> "", translate(ctx, ...)."""
    def text(node: ast.AST | None) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    for path in sorted(UI.rglob("*.py")):
        def walk(node: ast.AST, cls: str, path: Path = path) -> Iterator[tuple[str, int, str, str]]:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Call):
                    f, a = child.func, child.args
                    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                    if name in ("tr", "_tr", "QT_TR_NOOP") and a and text(a[0]) is not None:
                        owner = f.value if isinstance(f, ast.Attribute) else None
                        context = ("" if owner is None else cls if isinstance(owner, ast.Name)
                                   and owner.id == "self" else ast.unparse(owner))
                        yield str(path.relative_to(UI)), child.lineno, context, str(text(a[0]))
                    elif name in ("translate", "QT_TRANSLATE_NOOP") and len(a) >= 2 \
                            and text(a[0]) is not None and text(a[1]) is not None:
                        yield str(path.relative_to(UI)), child.lineno, str(text(a[0])), str(text(a[1]))
                yield from walk(child, child.name if isinstance(child, ast.ClassDef) else cls)

        yield from walk(ast.parse(path.read_text(encoding="utf-8")), "")


def test_every_string_the_ui_translates_is_in_the_ts():
    """lupdate skips calls inside f-strings and names it does not know; those stay English."""
    known = {(c, s) for c, s, _n, _t, _u in MESSAGES}
    calls = list(_literal_calls())
    assert len(calls) > 700
    assert [c for c in calls if (c[2], c[3]) not in known] == []


def test_choose_language_is_chinese_unless_the_settings_say_english(monkeypatch):
    from precinct_console.config import load_settings
    from precinct_console.ui.i18n import choose_language

    assert choose_language(load_settings().language) == "zh_CN"
    monkeypatch.setenv("PRECINCT_LANGUAGE", "en")
    assert choose_language(load_settings().language) == "en"


WRAPPER_MODULES = sorted(
    "precinct_console.ui." + str(p.relative_to(UI).with_suffix("")).replace("/", ".")
    for p in UI.rglob("*.py")
    if re.search(r"^def _tr\(", p.read_text(encoding="utf-8"), re.M) and '_tr("' in p.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("module_name", WRAPPER_MODULES)
def test_module_tr_shorthands_find_their_translations(zh_cn, module_name):
    """Each module's _tr() asks in the context lupdate filed its strings under."""
    module = importlib.import_module(module_name)
    path = UI / (module_name.removeprefix("precinct_console.ui.").replace(".", "/") + ".py")
    sources = [c[3] for c in _literal_calls() if c[0] == str(path.relative_to(UI)) and c[2] == ""]
    assert sources
    assert [s for s in sources if module._tr(s) == s] == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_main_window_and_board_speak_chinese(zh_cn, qtbot, make_ctx):
    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Role
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.main_window import MainWindow
    from precinct_console.ui.panels import PANELS

    board = next(p for p in PANELS if p.key == "board")
    app = AppContext(make_ctx(Role.DUTY_OFFICER), Settings())
    window = MainWindow(app, [board])
    qtbot.addWidget(window)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "视图(&V)", "帮助(&H)"]
    assert window.docks["board"].windowTitle() == "警情看板"
    view = window.menuBar().actions()[1].menu()
    assert view.actions()[0].text() == "警情看板"
    assert view.actions()[0].shortcut().toString() == "F2"
    panel = window.panel_widgets["board"]
    assert panel.text.placeholderText().startswith("筛选：编号、地址")
    assert panel.status.itemText(1) == "待派警"
    app.runner.wait(10000)
