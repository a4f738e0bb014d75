"""An English window's panels say everything in English: no Chinese in labels, buttons, headers,
tooltips, tabs or actions, except the station's own data (names, addresses, shifts the station
defined) and a Chinese term given in brackets after its English one (Signed for (签收))."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from precinct_console.config import Settings
from precinct_console.demo import build_demo
from precinct_console.domain.clock import FixedClock
from precinct_console.domain.permissions import Actor, Role
from precinct_console.services.context import ServiceContext
from precinct_console.services.stations import list_stations
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import upgrade_to_head
from precinct_console.storage.models import Base
from precinct_console.ui.context import AppContext

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 China time, a Friday
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# A Chinese term after its English (Shift handover (交接班)) or an example of what to type
# (e.g. 巡06): officers know the trade's words, and the data they type is Chinese.
GLOSS = re.compile(r"[(（][^()（）]*[)）]|e\.g\. [^,;)]*")
TAGS = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[Database, list[str]]]:
    """A week of the demo precinct, and every Chinese text its tables hold (the data)."""
    path: Path = tmp_path_factory.mktemp("english") / "demo.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    upgrade_to_head(db)
    build_demo(db, seed=5, days=7, now=NOW)
    data: set[str] = set()
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, sa.String)]
            if not texts:
                continue
            for row in conn.execute(sa.select(*texts)):
                data.update(v for v in row if isinstance(v, str) and CJK.search(v))
    # Longest first: a grid's name goes whole before the district name inside it.
    yield db, sorted(data, key=len, reverse=True)
    db.dispose()


def _chrome(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) of what the window itself says: not the cells of its tables or the
    choices of its lists, which are the station's data."""
    for w in [root, *root.findChildren(QWidget)]:
        kind = type(w).__name__
        yield kind + " tooltip", w.toolTip()
        if isinstance(w, QLabel):
            yield kind, w.text()
        if isinstance(w, QAbstractButton):
            yield kind, w.text()
        if isinstance(w, QGroupBox):
            yield kind, w.title()
        if isinstance(w, QLineEdit | QTextEdit | QPlainTextEdit):
            yield kind + " placeholder", w.placeholderText()
        if isinstance(w, QComboBox) and not w.isEditable() and w.count() and w.itemData(0) is None:
            yield kind + " item", w.itemText(0)
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                yield kind, w.tabText(i)
        if isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView) and w.model():
            model = w.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model without columns
                continue
            for c in range(columns):
                yield kind + " header", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        for action in w.actions():
            yield "action", action.text()
            yield "action tooltip", action.toolTip()


def _chinese_left(text: str, data: list[str]) -> str:
    """What Chinese is left once the data and the glosses are taken out ("" when none)."""
    text = TAGS.sub("", text)
    if not CJK.search(text):
        return ""
    for value in data:
        if value in text:
            text = text.replace(value, "")
            if not CJK.search(text):
                return ""
    text = GLOSS.sub("", text)
    return text if CJK.search(text) else ""


@pytest.mark.parametrize("role", [Role.DUTY_OFFICER, Role.STATION_CHIEF, Role.CLERK])
def test_an_english_window_speaks_english_outside_the_data(demo, qtbot, role):
    from precinct_console.ui.main_window import MainWindow
    from precinct_console.ui.panels import PANELS

    db, data = demo
    station = list_stations(db)[0]
    actor = Actor(None, "english", role, station.id, "seat-1")
    app = AppContext(ServiceContext(db, actor, FixedClock(NOW)), Settings())
    # The bulletin's Chromium outlives a window closed this soon (see its own test).
    window = MainWindow(app, [p for p in PANELS if p.key != "bulletin"])
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    app.runner.wait(30000)
    qtbot.wait(200)
    found: list[str] = []
    for key, widget in window.panel_widgets.items():
        window.show_panel(key)
        app.runner.wait(30000)
        qtbot.wait(50)
        for where, text in _chrome(widget):
            left = _chinese_left(text, data)
            if left:
                found.append(f"{key} {where}: {left!r} in {text!r}")
    # A task's deadline in the alert list is the console's word, not the task's data.
    alerts = window.panel_widgets["alerts"].model
    column = next(i for i, c in enumerate(alerts.columns) if c.key == "target")
    for r in range(alerts.rowCount()):
        alert = alerts.row(alerts.id_at(r))
        if alert is not None and alert.target.startswith("task_"):
            found.extend(f"alerts target: {t!r}" for t in [alerts.data(alerts.index(r, column))]
                         if CJK.search(t))
    for where, text in [("title", window.windowTitle()), *_chrome(window.statusBar()),
                        *_chrome(window.menuBar())]:
        left = _chinese_left(text, data)
        if left:
            found.append(f"window {where}: {left!r} in {text!r}")
    window.close()
    app.runner.wait(30000)
    assert not found, "\n".join(found)
