"""The roster's staff-list (花名册) button: import the station's officers from .xlsx or .csv after a
preview of whom it adds and what it changes, or save a blank template for the clerk to fill in."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ConflictError, KnownError
from ...services.roster_file import write_roll_template
from ...services.roster_import import (
    ImportedOfficer,
    RollImportPreview,
    RollImportResult,
    commit_roll_import,
    preview_roll_import,
    shown_value,
)
from ..board.guard import guarded
from ..context import AppContext
from ..error_text import error_text, ui_language
from ..forms import error_line, open_within_screen
from ..theme import BREACH, MUTED, ui_font


def _form(text: str) -> str:
    """The officer form's own label for a field (its translation is there already)."""
    return QCoreApplication.translate("OfficerDialog", text)


FIELD_LABELS = {"name": "Name", "kind": "Kind", "rank": "Rank", "role": "Role", "team": "Team",
                "phone": "Phone", "skills": "Skills", "licences": "Driving licences",
                "active": "On the station's roll"}


class RollImportDialog(QDialog):
    """What importing the file would do, before anything is saved: the new officers, the changes
    to those on the roll field by field, the unchanged, every problem by row and column (Import
    stays off while there is one), and who on the roll the file leaves out (kept)."""

    def __init__(self, preview: RollImportPreview, parent: QWidget | None = None, note: str = ""):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Import staff list: %1").replace("%1", preview.file_name))
        self.summary = QLabel(self.summary_text())
        self.summary.setFont(ui_font(11, bold=True))
        self.summary.setWordWrap(True)
        # Why the preview was read again (another seat changed the roll meanwhile).
        self.error = error_line()
        self.error.setText(note)
        self.error.setVisible(bool(note))
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setHtml(self.body_html())
        self.buttons = QDialogButtonBox()
        self.import_btn = self.buttons.addButton(self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.import_btn.setEnabled(preview.can_import)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.buttons)
        # Enter imports what can be imported; otherwise it closes the preview. (Set once the
        # buttons are in the dialog: before, Qt made the first button the default on show.)
        (self.import_btn if preview.can_import else cancel).setDefault(True)
        open_within_screen(self, 900, 640)
        self.body.setFocus()  # the arrows and Page Down read the preview; Tab reaches the buttons

    def summary_text(self) -> str:
        p = self.preview
        text = (self.tr("%1 new, %2 changed, %3 unchanged").replace("%1", str(len(p.new)))
                .replace("%2", str(len(p.changed))).replace("%3", str(len(p.unchanged))))
        if p.problems:
            text += self.tr("; %1 problem(s): nothing can be imported until the file is fixed") \
                .replace("%1", str(len(p.problems)))
        elif not p.can_import:
            text += self.tr("; nothing to import: the roll already reads as the file")
        return text

    def _value(self, field: str, value: Any) -> str:
        if field == "active":
            return self.tr("yes") if value else self.tr("no")
        return shown_value(field, value) or self.tr("(empty)")

    def _who(self, item: ImportedOfficer) -> str:
        return html.escape(f"{item.name}（{item.badge}）" if ui_language() != "en"
                           else f"{item.name} ({item.badge})")

    def _row(self, item: ImportedOfficer) -> str:
        return self.tr("row %1").replace("%1", str(item.row))

    def body_html(self) -> str:
        p = self.preview
        en = ui_language() == "en"
        sep, colon = ("; ", ": ") if en else ("；", "：")
        out: list[str] = []

        def section(title: str, colour: str = "") -> None:
            style = f' style="color:{colour}"' if colour else ""
            out.append(f"<h3{style}>{html.escape(title)}</h3>")

        if p.problems:
            section(self.tr("Problems (%1): fix them in the file and import it again")
                    .replace("%1", str(len(p.problems))), BREACH.name())
            out.append("<ul>" + "".join(f"<li>{html.escape(error_text(x))}</li>" for x in p.problems)
                       + "</ul>")
        if p.changed:
            section(self.tr("Changed (%1)").replace("%1", str(len(p.changed))))
            items = []
            for item in p.changed:
                changes = sep.join(f"{_form(FIELD_LABELS[k])}{colon}{self._value(k, old)} → "
                                   f"{self._value(k, new)}" for k, old, new in item.changes)
                items.append(f"<li>{html.escape(self._row(item))} {self._who(item)}{colon}"
                             f"{html.escape(changes)}</li>")
            out.append("<ul>" + "".join(items) + "</ul>")
        if p.new:
            section(self.tr("New officers (%1)").replace("%1", str(len(p.new))))
            head = [self.tr("Row"), _form("Badge number"), *(_form(FIELD_LABELS[k]) for k in
                    ("name", "kind", "rank", "role", "team", "phone", "licences")), ""]
            rows = ["<tr>" + "".join(f"<th align=left>{html.escape(h)}</th>" for h in head) + "</tr>"]
            for item in p.new:
                v = dict(item.values)
                cells = [str(item.row), item.badge, item.name, *(shown_value(k, v[k]) for k in
                         ("kind", "rank", "role", "team", "phone", "licences"))]
                same = (self.tr("same name as %1 on the roll").replace("%1", "、".join(item.same_name))
                        if item.same_name else "")
                rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                            + f'<td style="color:{BREACH.name()}">{html.escape(same)}</td></tr>')
            out.append('<table cellspacing="0" cellpadding="3">' + "".join(rows) + "</table>")
        if p.unchanged:
            section(self.tr("Unchanged (%1)").replace("%1", str(len(p.unchanged))))
            out.append(f'<p style="color:{MUTED.name()}">'
                       + "、".join(self._who(i) for i in p.unchanged) + "</p>")
        section(self.tr("Not in the file"))
        if p.not_in_file:
            names = "、".join(html.escape(f"{n}（{b}）") for n, b in p.not_in_file)
            out.append("<p>" + html.escape(self.tr("%1 officer(s) on the roll are not in the file: they "
                                                   "are not removed and stay on the roll (take one "
                                                   "off with Edit officer…).")
                                           .replace("%1", str(len(p.not_in_file)))) + f"<br>{names}</p>")
        else:
            out.append("<p>" + html.escape(self.tr("Every officer on the roll is in the file.")) + "</p>")
        notes = []
        if p.ignored_columns:
            notes.append(self.tr("Columns not imported (the console keeps nothing of them): %1")
                         .replace("%1", "、".join(p.ignored_columns)))
        if p.example_row is not None:
            notes.append(self.tr("Row %1 is the template's example (张伟, 010001): not imported")
                         .replace("%1", str(p.example_row)))
        if p.other_sheets:
            notes.append(self.tr("Only sheet %1 was read; not read: %2").replace("%1", p.sheet)
                         .replace("%2", "、".join(p.other_sheets)))
        if notes:
            section(self.tr("Notes"))
            out.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
        return "".join(out)


class StaffListButton(QPushButton):
    """花名册: Import from Excel or CSV…, Save a blank template…. A menu button: Tab reaches it,
    Space opens the menu, the arrows and Enter pick."""

    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.setText(self.tr("Staff list"))
        self.setToolTip(self.tr("Import the station's staff list (花名册) from Excel, or save a "
                                "blank template for it"))
        menu = QMenu(self)
        self.import_action = menu.addAction(self.tr("Import from Excel or CSV…"), self.choose_file)
        self.template_action = menu.addAction(self.tr("Save a blank template…"), self.choose_template)
        self.setMenu(menu)
        self.dialog: RollImportDialog | None = None
        self._box: QMessageBox | None = None

    # import -------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import staff list"), "",
                                              self.tr("Staff list (*.xlsx *.csv)"))
        if path:
            self.preview_file(Path(path))

    def preview_file(self, path: Path, note: str = "") -> None:
        """Read the file and the roll off the GUI thread, then show what the import would do."""
        self.app.run(preview_roll_import, self.app.ctx, path,
                     on_done=guarded(self, lambda preview: self._show(preview, path, note)),
                     on_error=guarded(self, self._unreadable))

    def _show(self, preview: RollImportPreview, path: Path, note: str) -> None:
        dlg = RollImportDialog(preview, self.window(), note)
        dlg.accepted.connect(lambda: self._commit(preview, path))
        dlg.finished.connect(dlg.deleteLater)
        self.dialog = dlg
        dlg.open()

    def _commit(self, preview: RollImportPreview, path: Path) -> None:
        self.app.run(commit_roll_import, self.app.ctx, preview,
                     on_done=guarded(self, self._imported),
                     on_error=guarded(self, lambda exc: self._refused(exc, path)))

    def _imported(self, result: RollImportResult) -> None:
        self.app.notify(self.tr("Staff list imported: %1 added, %2 updated")
                        .replace("%1", str(result.added)).replace("%2", str(result.updated)))
        self.app.announce(result.change)  # this seat's roster reads the roll again at once

    def _refused(self, exc: BaseException, path: Path) -> None:
        if isinstance(exc, ConflictError):
            # Another seat changed the roll since the preview: read the file and the roll again
            # and show the chief the preview as it stands now, saying why.
            self.preview_file(path, error_text(exc))
        else:
            self._unreadable(exc)

    def _unreadable(self, exc: BaseException) -> None:
        self._warn(self.tr("Nothing was imported"), exc)

    def _warn(self, title: str, exc: BaseException) -> None:
        if not isinstance(exc, KnownError):
            self.app.report_error(exc)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), parent=self)
        box.setModal(False)
        box.show()
        self._box = box

    # template -----------------------------------------------------------------------------------
    def choose_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a blank staff list template"),
                                              self.tr("staff list template.xlsx"), "Excel (*.xlsx)")
        if path:
            self.save_template(Path(path))

    def save_template(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        self.app.run(write_roll_template, path,
                     on_done=guarded(self, lambda _r: self.app.notify(
                         self.tr("Template saved to %1").replace("%1", str(path)))),
                     on_error=guarded(self, lambda exc: self._warn(self.tr("The template was not saved"), exc)))
