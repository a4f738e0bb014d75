"""The grid card beside the map: code, level, parent, area, people with phones, sites, incidents, tasks."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local
from ...domain.permissions import is_permitted
from ...services.map_data import GridCard
from ..context import AppContext
from ..i18n import tr
from ..theme import BREACH, ui_font
from .notice_board import render_notice_board
from .people_editor import PeopleEditor


class GridCardView(QWidget):
    closed = Signal()

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.card: GridCard | None = None
        self.title = QLabel()
        self.title.setFont(ui_font(12, bold=True))
        self.title.setWordWrap(True)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setFont(ui_font(10))
        self.print_button = QPushButton(self.tr("Notice board PDF…"))
        self.print_button.setToolTip(self.tr("Print the grid's public notice board (公示牌) on A4"))
        self.print_button.clicked.connect(self._ask_notice_board)
        self.edit_button = QPushButton(self.tr("Edit people…"))
        self.edit_button.setToolTip(self.tr("Change who is named on the notice board"))
        self.edit_button.setVisible(is_permitted(app.ctx.actor.role, "geometry.import"))
        self.edit_button.clicked.connect(self.edit_people)
        self.editor: PeopleEditor | None = None
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self._close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self.setMinimumWidth(300)

    def _close(self) -> None:
        self.hide()
        self.closed.emit()

    def show_text(self, title: str, html: str) -> None:
        """A key site, post or repeat place: the same pane, without the notice board."""
        self.card = None
        self.title.setText(title)
        self.body.setHtml(html)
        self.print_button.setEnabled(False)
        self.edit_button.setEnabled(False)
        self.show()

    def show_card(self, card: GridCard) -> None:
        self.card = card
        self.print_button.setEnabled(True)
        self.edit_button.setEnabled(True)
        self.title.setText(f"{card.code}  {card.name}")
        rows = [
            (tr("Level"), escape(card.level_name_zh)),
            (tr("Parent"), escape(f"{card.parent_code} {card.parent_name}") if card.parent_code else "—"),
            (tr("Area"), f"{card.area_m2 / 1e6:.3f} km²"),
        ]
        if card.children:
            rows.append((tr("Sub-grids"), str(card.children)))
        html = ["<table cellspacing='0' cellpadding='2'>"]
        html += [f"<tr><td style='color:#666'>{k}</td><td>{v}</td></tr>" for k, v in rows]
        html.append("</table>")
        html.append("<h4>" + tr("People") + "</h4>")
        if card.people:
            html.append("<table cellspacing='0' cellpadding='2'>")
            for p in card.people:
                note = (" <span style='color:#666'>(" + escape(self.tr("of %1").replace("%1", p.inherited_from))
                        + ")</span>" if p.inherited_from else "")
                html.append(f"<tr><td style='color:#666'>{escape(p.role_zh)}</td><td><b>{escape(p.name)}</b>"
                            f"{note}</td><td>{escape(p.phone)}</td></tr>")
            html.append("</table>")
        else:
            html.append("<p style='color:#666'>" + tr("No one recorded for this grid.") + "</p>")
        if card.key_sites:
            html.append("<h4>" + tr("Key sites") + "</h4><p>" +
                        "、".join(escape(name) for _c, name, _k in card.key_sites) + "</p>")
        if card.posts:
            html.append("<h4>" + tr("Posts") + "</h4><p>" +
                        "<br>".join(escape(f"{name} {phone}") for _c, name, phone in card.posts) + "</p>")
        html.append("<h4>" + tr("Incidents, last 30 days") + f": {card.incidents_30d}</h4>")
        for inc in card.recent_incidents:
            html.append(f"<div>{local(inc.received_at):%m-%d %H:%M} {escape(inc.number)} "
                        f"{escape(inc.category)} <span style='color:#666'>{escape(inc.status_label)}</span>"
                        f"<br><span style='color:#666'>{escape(inc.address)}</span></div>")
        html.append("<h4>" + tr("Open tasks") + f": {len(card.open_tasks)}</h4>")
        feedback_due = tr("feedback due")
        for t in card.open_tasks:
            due = f"{local(t.feedback_due_at):%m-%d %H:%M}"
            colour = BREACH.name() if t.overdue else "#333"
            html.append(f"<div>{escape(t.number)} {escape(t.title)} · {escape(t.assignee)} "
                        f"<span style='color:{colour}'>{feedback_due} {due}</span></div>")
        self.body.setHtml("".join(html))
        self.show()

    def edit_people(self) -> PeopleEditor | None:
        if self.card is None:
            return None
        self.editor = PeopleEditor(self.app, self.card, self)
        self.editor.setModal(False)
        self.editor.show()
        return self.editor

    def _ask_notice_board(self) -> None:
        if self.card is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the notice board"),
                                              f"公示牌-{self.card.code}.pdf", self.tr("PDF (*.pdf)"))
        if path:
            self.save_notice_board(Path(path))

    def save_notice_board(self, path: Path) -> Path | None:
        if self.card is None:
            return None
        out = render_notice_board(self.card, path, now=self.app.clock())
        self.app.notify(self.tr("Notice board saved to %1").replace("%1", str(out)))
        return out
