"""Known errors read in Chinese: every raised message has a catalogue entry, and real ones translate."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from precinct_console.domain.errors import (
    AuthenticationError,
    ConflictError,
    KnownError,
    NotFound,
    PermissionDenied,
    ValidationError,
    ValidationErrors,
)
from precinct_console.domain.permissions import Role
from precinct_console.ui.error_text import (
    WORD_SLOTS,
    Catalogue,
    catalogue,
    catalogue_path,
    error_text,
    placeholders,
    shape,
    ui_language,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "precinct_console"
# The Qt-free code whose messages reach the UI. domain/errors.py builds the row/field prefix and
# the problem list, which the catalogue's [structure] section translates.
SCANNED = ("domain", "storage", "services", "jobs", "demo", "config.py", "secrets.py")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


# -- the walk over the raise sites ---------------------------------------------------------------
def _template(node: ast.AST, scope: ast.AST | None, funcs: dict[str, ast.FunctionDef],
              depth: int = 0) -> list[str]:
    """The message templates an expression can produce: literals and f-strings (an expression
    becomes a {placeholder}), joined with +, either branch of an if, a local variable's values,
    and what a helper function of the same module returns or appends."""
    if depth > 3:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value.replace("{", "{{").replace("}", "}}")]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value.replace("{", "{{").replace("}", "}}")
                        if isinstance(v, ast.Constant) else "{x}" for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _template(node.left, scope, funcs, depth)
                for b in _template(node.right, scope, funcs, depth)]
    if isinstance(node, ast.IfExp):
        return _template(node.body, scope, funcs, depth) + _template(node.orelse, scope, funcs, depth)
    out: list[str] = []
    if isinstance(node, ast.Name) and scope is not None:
        for n in ast.walk(scope):
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id
                                                 for t in n.targets):
                out += _template(n.value, scope, funcs, depth + 1)
            elif isinstance(n, (ast.For, ast.comprehension)) and isinstance(n.target, ast.Name) \
                    and n.target.id == node.id:
                out += _template(n.iter, scope, funcs, depth + 1)
            elif isinstance(n, ast.NamedExpr) and n.target.id == node.id:
                out += _template(n.value, scope, funcs, depth + 1)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in funcs:
        fn = funcs[node.func.id]
        for n in ast.walk(fn):
            if isinstance(n, ast.Return) and n.value is not None:
                for v in n.value.elts if isinstance(n.value, ast.List) else [n.value]:
                    out += _template(v, fn, funcs, depth + 1)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                    and n.func.attr == "append" and n.args:
                out += _template(n.args[0], fn, funcs, depth + 1)
    return out


def raised_templates() -> Iterator[tuple[str, int, str]]:
    """(file, line, template) of every message given to a KnownError (or a subclass defined in
    the scanned code, or geo_validation's problems.add) in the scanned code."""
    paths = [p for entry in SCANNED for p in
             ([SRC / entry] if entry.endswith(".py") else sorted((SRC / entry).rglob("*.py")))
             if p != SRC / "domain" / "errors.py"]
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in paths}
    classes = {"KnownError", "ValidationError", "PermissionDenied", "NotFound", "ConflictError",
               "AuthenticationError", "DatabaseUnavailable", "DatabaseTooNew"}
    grew = True
    while grew:  # subclasses of subclasses, wherever they are defined
        found = {n.name for t in trees.values() for n in ast.walk(t) if isinstance(n, ast.ClassDef)
                 and any(getattr(b, "id", getattr(b, "attr", "")) in classes for b in n.bases)}
        grew = not found <= classes
        classes |= found

    for path, tree in trees.items():
        funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

        def visit(node: ast.AST, scope: ast.AST | None, cls: str,
                  path: Path = path, funcs: dict[str, ast.FunctionDef] = funcs,
                  ) -> Iterator[tuple[str, int, str]]:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Call):
                    f = child.func
                    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                    arg = child.args[0] if child.args else next(
                        (k.value for k in child.keywords if k.arg == "message"), None)
                    is_message = (
                        name in classes
                        or (name == "add" and isinstance(f, ast.Attribute)
                            and getattr(f.value, "id", "") == "problems")
                        or (name == "__init__" and cls in classes and isinstance(f, ast.Attribute)
                            and isinstance(f.value, ast.Call) and getattr(f.value.func, "id", "") == "super"))
                    if is_message and arg is not None:
                        for text in _template(arg, scope, funcs):
                            yield str(path.relative_to(SRC)), child.lineno, text
                yield from visit(child, child if isinstance(child, ast.FunctionDef) else scope,
                                 child.name if isinstance(child, ast.ClassDef) else cls)

        yield from visit(tree, None, "")


RAISED = list(raised_templates())


def _entries() -> dict[str, tuple[str, str]]:
    """English -> (section, translation) of the Chinese catalogue file, read as plain text."""
    out, section = {}, ""
    for line in catalogue_path("zh_CN").read_text(encoding="utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line.strip() and not line.startswith("#"):
            english, _tab, chinese = line.partition("\t")
            out[english] = (section, chinese)
    return out


ENTRIES = _entries()
TEMPLATES = {e: c for e, (section, c) in ENTRIES.items() if section in ("structure", "messages")}


def test_the_walk_finds_the_raise_sites():
    assert len(RAISED) > 300
    texts = {t for _f, _l, t in RAISED}
    assert "wrong user name or password" in texts
    assert "account '{x}' is disabled" in texts  # f-strings become templates
    assert "{x} is not closed: it starts at {x} and ends at {x} (the last position must " \
           "repeat the first)" in texts  # through geo_validation's helper functions


def test_every_raised_message_has_a_chinese_entry():
    known = {shape(e) for e in TEMPLATES}
    missing = sorted({f"{f}:{line}: {t}" for f, line, t in RAISED if shape(t) not in known})
    assert missing == [], "add these to resources/translations/errors_zh_CN.tsv:\n" + "\n".join(missing)


def test_each_translation_keeps_the_placeholders_and_is_chinese():
    problems = []
    for english, chinese in TEMPLATES.items():
        try:
            same = sorted(set(placeholders(english))) == sorted(set(placeholders(chinese)))
        except ValueError as exc:  # an unbalanced brace
            problems.append((english, str(exc)))
            continue
        if not same or (not CHINESE.search(chinese) and not english.startswith("  - ")):
            problems.append((english, chinese))
    assert problems == []
    named = [e for e in TEMPLATES if placeholders(e) and not all(
        n.isidentifier() for n in placeholders(e))]
    assert named == []  # {0} or {} would not say what the value is


def test_fields_and_words_are_translated_and_the_file_loads():
    assert all(CHINESE.search(c) for e, (s, c) in ENTRIES.items() if s in ("fields", "words"))
    cat = Catalogue.read(catalogue_path("zh_CN"))
    assert len(cat.messages) > 300
    assert cat.field("address") == "地址" and cat.field("caller_phone") == "报警电话"
    assert cat.field("not_in_the_table") == "not_in_the_table"


def test_every_column_a_conflict_may_name_has_a_chinese_name():
    # A conflict names the fields the other seat changed: 当前警情, never current_incident_id.
    from precinct_console.storage.models import Base
    from precinct_console.storage.serialize import _SKIP

    cat = Catalogue.read(catalogue_path("zh_CN"))
    untranslated = sorted(
        f"{m.local_table.name}.{c.name}" for m in Base.registry.mappers if "version" in m.local_table.c
        for c in m.local_table.c
        if c.name not in ("id", "version", *_SKIP) and cat.field(c.name) == c.name)
    assert untranslated == []
    clash = ConflictError("unit 巡04 was changed by duty2 at seat-2 (09:00:05: current_incident_id, "
                          "status); your change was not saved: look at that change, then do yours "
                          "again to put it over it")
    assert "当前警情、状态" in error_text(clash, "zh_CN")
    # The form comes back with the input and OK saves over the change named: no reloading asked.
    assert error_text(clash, "zh_CN").endswith("您的修改未保存：请先查看其修改，再次提交即以您的修改覆盖")


# -- what a duty officer reads --------------------------------------------------------------------
def test_validation_prefixes_lists_and_fall_back():
    assert error_text(ValidationError("is required", field="address", row=3), "zh_CN") == \
        "第 3 行，字段“地址”：必须填写"
    assert error_text(ValidationError("'abc' is not a phone number", field="caller_phone"),
                      "zh_CN") == "字段“报警电话”：“abc”不是电话号码"
    assert error_text(ValidationError("must not be negative", row=7), "zh_CN") == "第 7 行：不能为负数"
    many = ValidationErrors([ValidationError("is required", field="address", row=2),
                             ValidationError("'x' is not a number", field="lat", row=5)])
    assert error_text(many, "zh_CN").splitlines() == [
        "共 2 处问题，未导入任何内容：", "  - 第 2 行，字段“地址”：必须填写", "  - 第 5 行，字段“纬度”：“x”不是数字"]
    # A message nobody translated yet stays English: the officer loses nothing.
    assert error_text(KnownError("the moon is made of cheese"), "zh_CN") == "the moon is made of cheese"
    odd = ValidationError("the moon is made of cheese", field="address", row=1)
    assert error_text(odd, "zh_CN") == "第 1 行，字段“地址”：the moon is made of cheese"


def test_codes_inside_messages_and_quoted_conflicts_are_translated():
    step = ValidationError("cannot record 'closed' on an incident that is 'received'; "
                           "next may be: dispatched, handled", field="step")
    assert error_text(step, "zh_CN") == \
        "字段“环节”：警情当前为“接警”，不能记录“归档”；下一步可为：派警、处置完毕"
    busy = ValidationError("巡1 is on scene on incident 20261120-0003", field="unit_id")
    assert error_text(busy, "zh_CN") == "字段“警组”：巡1 当前状态为“到场”，正在处置警情 20261120-0003"
    quoted = ConflictError("another seat changed this record first: "
                           "unit 3 was changed by another seat; your change was not saved: "
                           "look at that change, then do yours again to put it over it")
    assert error_text(quoted, "zh_CN") == ("其他席位已先修改了这条记录：警组 3 已被其他席位修改；"
                                           "您的修改未保存：请先查看其修改，再次提交即以您的修改覆盖")


def test_english_returns_the_message_unchanged():
    for exc in (AuthenticationError("wrong user name or password"),
                ValidationError("is required", field="address", row=3),
                ValidationErrors([ValidationError("is required", field="address", row=2)])):
        assert error_text(exc, "en") == str(exc)
        assert error_text(exc) == str(exc)  # no translator installed: the UI is English
    assert catalogue("en") is None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_real_service_errors_come_out_in_chinese_with_their_values(db, make_ctx, clock):
    from precinct_console.services import accounts, disputes

    admin = make_ctx(Role.ADMIN)
    accounts.add_user(admin, "li.si", "right-password", Role.DUTY_OFFICER)
    with pytest.raises(AuthenticationError) as wrong:
        accounts.authenticate(db, "li.si", "nope", "seat-1", clock())
    assert error_text(wrong.value, "zh_CN") == "用户名或密码错误"
    for _ in range(5):
        try:
            accounts.authenticate(db, "li.si", "nope", "seat-1", clock())
        except AuthenticationError as exc:
            last = exc
    assert "li.si" in str(last) and "locked" in str(last)
    assert re.fullmatch(r"账号“li\.si”因多次登录失败已锁定；请 \d+ 分钟后再试，或联系管理员",
                        error_text(last, "zh_CN")), error_text(last, "zh_CN")

    with pytest.raises(ValidationError) as bad_user:
        accounts.add_user(admin, "has space", "right-password", Role.DUTY_OFFICER)
    assert error_text(bad_user.value, "zh_CN") == "字段“用户名”：必须是 1 到 60 个字符，不含空格"

    duty, chief = make_ctx(Role.DUTY_OFFICER, "duty.a"), make_ctx(Role.STATION_CHIEF, "chief.b")
    parties = [{"name": "赵红梅", "role": "申请人", "phone": "13800001111"}, {"name": " "}]
    with pytest.raises(ValidationError) as row_field:
        disputes.register_dispute(duty, "物业收费争议", parties=parties, kind="物业纠纷")
    assert str(row_field.value).startswith("row 2, field 'parties': ")
    assert error_text(row_field.value, "zh_CN") == "第 2 行，字段“当事人”：当事人需要姓名"

    d = disputes.register_dispute(duty, "物业收费争议", parties=parties[:1], kind="物业纠纷", grade="D")
    disputes.update_dispute(duty, d.id, d.version, grade="B")
    with pytest.raises(ConflictError) as conflict:
        disputes.update_dispute(chief, d.id, d.version, grade="C")
    text = error_text(conflict.value, "zh_CN")
    # The dispute is named by its number, as the officer knows it, not by its row id.
    assert re.fullmatch(rf"纠纷 {d.number} 已被 duty\.a 在席位 seat-1 修改（\d\d:\d\d:\d\d：.*等级.*）；"
                        r"您的修改未保存：请先查看其修改，再次提交即以您的修改覆盖", text), text

    with pytest.raises(NotFound) as missing:
        disputes.dispute_detail(duty, 999999)
    assert error_text(missing.value, "zh_CN") == "纠纷 999999 不存在"
    with pytest.raises(PermissionDenied) as denied:
        accounts.add_user(duty, "wang.wu", "right-password", Role.CLERK)
    assert re.fullmatch(r"duty\.a（值班民警）无权执行“.+”", error_text(denied.value, "zh_CN")), \
        error_text(denied.value, "zh_CN")


def test_grid_map_problems_name_the_feature_in_chinese():
    from precinct_console.domain.geo_validation import parse_features

    ring = [[116.0, 39.0], [116.1, 39.0], [116.1, 39.1], [116.0, 39.1]]  # not closed
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"layer": "grid", "code": "G1", "name": "一网格", "level": 1},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    with pytest.raises(ValidationErrors) as err:
        parse_features(fc)
    english = str(err.value.problems[0])
    assert "is not closed" in english
    assert error_text(err.value.problems[0], "zh_CN") == (
        "第 1 个要素（G1），属性“几何图形”：外环没有闭合：起点为 [116.0, 39.0]，终点为 [116.0, 39.1]"
        "（最后一个坐标点必须与第一个相同）")


# -- in the running UI -------------------------------------------------------------------------
def test_the_language_follows_the_installed_translation(qapp, zh_cn):
    assert ui_language() == "zh_CN"
    assert error_text(AuthenticationError("wrong user name or password")) == "用户名或密码错误"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sign_in_dialog_says_the_failure_in_chinese(zh_cn, refused_sign_in):
    dialog = refused_sign_in
    assert dialog.error.text() == "用户名或密码错误"
    dialog.runner.wait(5000)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_first_start_and_notifications_speak_chinese(zh_cn, qtbot, db, clock):
    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Actor
    from precinct_console.services.context import ServiceContext
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.login import FirstStartDialog

    dialog = FirstStartDialog(db, "seat-1", clock=clock)
    qtbot.addWidget(dialog)
    dialog.setup.setChecked(True)
    dialog.code.setText("S07")
    dialog.name.setText("东城派出所")
    dialog.password.setText("short")
    dialog.password2.setText("short")
    dialog._go()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
    assert dialog.error.text() == "字段“密码”：至少需要 8 个字符"
    dialog.runner.wait(5000)

    app = AppContext(ServiceContext(db, Actor(1, "duty", Role.DUTY_OFFICER, 1, "seat-1"), clock),
                     Settings())
    with qtbot.waitSignal(app.notified) as shown:
        app.report_error(NotFound("incident 42 does not exist"))
    assert shown.args == ["警情 42 不存在", "error"]


def test_a_broken_entry_never_hides_the_error(tmp_path, monkeypatch):
    import precinct_console.i18n.catalogue as module  # the catalogue the window and the CLI share

    broken = tmp_path / "errors_xx.tsv"
    broken.write_text("[messages]\nwrong user name or password\t{oops\n", encoding="utf-8")
    monkeypatch.setattr(module, "catalogue_path", lambda language: broken)
    module.catalogue.cache_clear()
    try:
        exc = AuthenticationError("wrong user name or password")
        assert error_text(exc, "xx") == str(exc)
    finally:
        module.catalogue.cache_clear()


def test_templates_match_their_own_examples():
    """Each message template, filled with sample values, comes back translated, not English."""
    cat = catalogue("zh_CN")
    assert cat is not None
    formatter = string.Formatter()
    untranslated = []
    for english in ENTRIES:
        if ENTRIES[english][0] != "messages":
            continue
        # A repeated placeholder repeats its value; a code slot gets a code the catalogue knows.
        sample = "".join(lit + ("" if name is None else "received" if name in WORD_SLOTS else
                                f"v_{name}") for lit, name, _s, _c in formatter.parse(english))
        if cat.message(sample) == sample:
            untranslated.append(english)
    assert untranslated == []


def test_unit_recommendation_reasons_and_shortfalls_are_shown_in_chinese():
    """What the duty officer reads beside each suggested unit, and the shortfall said plainly."""
    import re

    from precinct_console.domain.recommend import UnitFacts, rank_units
    from precinct_console.ui.error_text import message_text

    def unit(uid, dlon, kind="car", seats=2, status="available", live=True, load=0):
        lon = 116.40 + dlon
        return UnitFacts(uid, f"巡{uid}", kind, seats, status, lon if live else None,
                         39.90 if live else None, lon, 39.90, load=load)

    far = rank_units(116.40, 39.90, [unit(1, 0.05, live=False, load=2), unit(2, 0.001, "drone", 0),
                                     unit(3, 0.06, seats=1, status="returning")],
                     local_hour=10, place="城关路12号", target_s=100, target_limit_s=180)
    none = rank_units(116.40, 39.90, [unit(1, 0.0, status="on_scene")], local_hour=10)
    short = rank_units(116.40, 39.90, [unit(1, 0.001, seats=1)], local_hour=10)
    texts = [r for o in far.options for r in o.reasons] + [far.shortfall, none.shortfall, short.shortfall]
    assert len(texts) >= 9
    for text in texts:
        chinese = message_text(text, "zh_CN")
        # Only numbers, units of measure and call signs stay Latin.
        assert not re.search(r"[A-Za-z]{3,}", chinese.replace(" km", "")), (text, chinese)
    assert message_text(far.shortfall, "zh_CN").startswith("没有警组能在 3分00秒时限（还剩 1分40秒）内到达城关路12号")
    assert message_text(far.shortfall, "en") == far.shortfall


def test_notes_on_a_proposed_patrol_plan_are_shown_in_chinese():
    from precinct_console.domain.allocation import allocate
    from precinct_console.domain.allocation.synthetic import synthetic_problem
    from precinct_console.ui.error_text import message_text

    stopped = allocate(synthetic_problem(300, 40, 6, seed=3), time_limit=5, should_stop=lambda: True)
    assert stopped.notes and stopped.status == "interrupted"
    for note in stopped.notes:
        assert message_text(note, "zh_CN").startswith("提前停止（被中止）"), note


def test_what_the_scheduler_reports_is_shown_in_chinese():
    from precinct_console.ui.error_text import message_text

    assert message_text("scheduled job export:day:S01 missed its run at 2026-11-20 08:00", "zh_CN") \
        == "定时任务 export:day:S01 错过了 2026-11-20 08:00 的执行"
    assert message_text("scheduled exports paused: the database cannot be reached (connection refused)",
                        "zh_CN").startswith("定时导出已暂停：无法连接数据库")
