"""A community officer's daily work list: preview, print and save as PDF (handed out each morning)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.clock import local
from ...domain.deadlines import active_countdown, format_countdown
from ...services.task_views import TaskRow, WorkList
from ...services.tasks import daily_work_list
from ..context import AppContext
from ..error_text import error_text
from ..forms import open_within_screen
from ..printing import print_preview, save_pdf_and_say
from ..theme import FONT_FAMILIES
from .model import countdown_units


def tr(text: object) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("WorkList", ...)."""
    return QCoreApplication.translate("WorkList", str(text))


TASK_HEADERS = (
    QT_TRANSLATE_NOOP("WorkList", "Number"), QT_TRANSLATE_NOOP("WorkList", "Task"),
    QT_TRANSLATE_NOOP("WorkList", "Title"), QT_TRANSLATE_NOOP("WorkList", "Grid"),
    QT_TRANSLATE_NOOP("WorkList", "Due"), QT_TRANSLATE_NOOP("WorkList", "Left"),
    QT_TRANSLATE_NOOP("WorkList", "Done / remarks"),
)
REVISIT_HEADERS = (
    QT_TRANSLATE_NOOP("WorkList", "Number"), QT_TRANSLATE_NOOP("WorkList", "Grade"),
    QT_TRANSLATE_NOOP("WorkList", "Dispute"), QT_TRANSLATE_NOOP("WorkList", "Address"),
    QT_TRANSLATE_NOOP("WorkList", "Revisit by"), QT_TRANSLATE_NOOP("WorkList", "Done / remarks"),
)


def _none() -> str:
    return "<p class='none'>" + escape(QCoreApplication.translate("WorkList", "None.")) + "</p>"


def _task_rows(rows: tuple[TaskRow, ...], work: WorkList) -> str:
    if not rows:
        return _none()
    head = "".join(f"<th>{escape(tr(h))}</th>" for h in TASK_HEADERS)
    overdue = QCoreApplication.translate("WorkList", "overdue {t}")
    units = countdown_units()
    body = []
    for r in rows:
        cd = active_countdown(r.times, work.generated_at)
        left = (overdue.format(t=format_countdown(cd.remaining_s, units))
                if cd.remaining_s < 0 else format_countdown(cd.remaining_s, units))
        body.append(
            f"<tr><td>{escape(r.number)}</td><td>{escape(r.template_name)}</td>"
            f"<td>{escape(r.title)}</td><td>{escape(r.grid_name)}</td>"
            f"<td>{local(cd.due_at).strftime('%m-%d %H:%M')}</td><td>{escape(left)}</td>"
            f"<td class='blank'>&nbsp;</td></tr>")
    return f"<table width='100%' cellspacing='0'><tr>{head}</tr>{''.join(body)}</table>"


def _day_before(midnight: datetime) -> str:
    """A revisit due by the end of a day is stored as the next midnight: print that day."""
    return (local(midnight) - timedelta(microseconds=1)).strftime("%m-%d")


def worklist_html(work: WorkList, station_name: str = "") -> str:
    """The printable page: headed with officer, day and time printed; a blank column to tick."""
    fonts = ", ".join(f"'{f}'" for f in FONT_FAMILIES)
    revisits = "".join(
        f"<tr><td>{escape(v.number)}</td><td>{escape(v.grade)}</td><td>{escape(v.title)}</td>"
        f"<td>{escape(v.address)}</td><td>{_day_before(v.next_revisit_at)}</td>"
        f"<td class='blank'>&nbsp;</td></tr>" for v in work.revisits)
    revisit_head = "".join(f"<th>{escape(tr(h))}</th>" for h in REVISIT_HEADERS)
    revisit_table = (f"<table width='100%' cellspacing='0'><tr>{revisit_head}</tr>{revisits}</table>"
                     if work.revisits else _none())
    title = QCoreApplication.translate("WorkList", "Daily work list")
    sub = QCoreApplication.translate("WorkList", "{name} ({badge}) · {day} · printed {printed}").format(
        name=work.officer_name, badge=work.officer_badge, day=work.day.isoformat(),
        printed=local(work.generated_at).strftime("%Y-%m-%d %H:%M"))
    counts = QCoreApplication.translate(
        "WorkList", "Overdue {o} · due today {d} · revisits {r} · waiting for verification {v} · later {l}"
    ).format(o=len(work.overdue), d=len(work.due_today), r=len(work.revisits),
             v=len(work.to_verify), l=work.later)
    h_overdue = QCoreApplication.translate("WorkList", "Overdue")
    h_today = QCoreApplication.translate("WorkList", "Due today")
    h_revisits = QCoreApplication.translate("WorkList", "Dispute revisits")
    signature = QCoreApplication.translate(
        "WorkList", "Officer's signature: ________________    Checked by: ________________")
    return f"""<html><head><style>
body {{ font-family: {fonts}; font-size: 10pt; }}
h1 {{ font-size: 15pt; margin: 0; }}
h2 {{ font-size: 11.5pt; margin-top: 14px; margin-bottom: 4px; }}
h2.overdue {{ color: #D55E00; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #777; padding: 3px 5px; vertical-align: top; }}
th {{ background: #e8e8e8; }}
td.blank {{ width: 22%; }}
p.none {{ color: #555; }}
</style></head><body>
<h1>{escape(station_name)} {escape(title)}</h1>
<p>{escape(sub)}</p>
<p>{escape(counts)}</p>
<h2 class='overdue'>✖ {escape(h_overdue)}</h2>{_task_rows(work.overdue, work)}
<h2>◷ {escape(h_today)}</h2>{_task_rows(work.due_today, work)}
<h2>↻ {escape(h_revisits)}</h2>{revisit_table}
<p style="margin-top: 24px">{escape(signature)}</p>
</body></html>"""


class WorkListDialog(QDialog):
    """Pick officer and day, preview, then print or save the PDF."""

    def __init__(self, app: AppContext, officers: list[tuple[int, str, str]],
                 officer_id: int | None = None, station_name: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.station_name = station_name
        self.setWindowTitle(self.tr("Daily work list"))
        open_within_screen(self, 900, 700)
        self.officer = QComboBox()
        for oid, name, badge in officers:
            self.officer.addItem(f"{name} ({badge})", oid)
        if officer_id is not None and (i := self.officer.findData(officer_id)) >= 0:
            self.officer.setCurrentIndex(i)
        today = local(app.clock()).date()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.preview = QTextBrowser()
        self.status = QLabel()
        self.print_button = QPushButton(self.tr("Print…"))
        self.pdf_button = QPushButton(self.tr("Save PDF…"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Officer")))
        top.addWidget(self.officer, 1)
        top.addWidget(QLabel(self.tr("Day")))
        top.addWidget(self.day)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        self.html = ""
        self.officer.currentIndexChanged.connect(self.reload)
        self.day.dateChanged.connect(self.reload)
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(self.ask_pdf)
        self.reload()

    def selected_day(self) -> date:
        q = self.day.date()
        return date(q.year(), q.month(), q.day())

    def reload(self) -> None:
        oid = self.officer.currentData()
        if oid is None:
            self.status.setText(self.tr("The station has no officers yet."))
            return
        self.status.setText(self.tr("Loading…"))
        self.app.run(daily_work_list, self.app.ctx, oid, self.selected_day(),
                     on_done=self.show_work, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))
        self.app.report_error(exc)

    def show_work(self, work: WorkList) -> None:
        self.html = worklist_html(work, self.station_name)
        self.preview.setHtml(self.html)
        self.status.setText("")

    def print_preview(self) -> None:
        print_preview(self.html, self)

    def ask_pdf(self) -> None:
        name = f"work-list-{self.selected_day().isoformat()}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save work list"), name, "PDF (*.pdf)")
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> Path | None:
        """Save the list as PDF and say so, or say which file could not be written and why."""
        return save_pdf_and_say(self.app, self.html, path,
                                self.tr("Work list saved to {path}").replace("{path}", "%1"),
                                self.tr("Could not save the work list to %1: %2"))
