"""The patrol order sheet (巡逻勤务派班单) of a plan: preview, print, PDF. Chinese, as printed forms are."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.allocation.visits import CLASH_MARK
from ...domain.clock import local
from ...services.patrol_sheet import PatrolSheet, patrol_sheet
from ..context import AppContext
from ..error_text import error_text
from ..forms import open_within_screen
from ..printing import print_preview, save_pdf_and_say

STATUS_ZH = {"proposed": "待审批（未生效）", "accepted": "已采纳", "rejected": "已否决", "superseded": "已被替代"}


def sheet_html(sheet: PatrolSheet) -> str:
    start, end = local(sheet.starts_at), local(sheet.ends_at)
    span = f"{start:%Y-%m-%d %H:%M} — {end:%m-%d %H:%M}"
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in (
            r.call_sign, r.kind, r.crew or "（未排班）", r.point, r.point_kind))
        # One duty a line: a team reads its gates and times down the cell.
        + "<td>" + ("<br>".join(escape(d) for d in r.duties.split("；")) if r.duties else "—") + "</td></tr>"
        for r in sheet.rows)
    decided = (f"{escape(sheet.decided_by)} 于 {local(sheet.decided_at):%m-%d %H:%M} 采纳"
               if sheet.decided_at and sheet.status == "accepted" else STATUS_ZH.get(sheet.status, sheet.status))
    clash = (f"<p class='note'>{CLASH_MARK} 同一时段另有守点任务，需另派警力</p>"
             if any(CLASH_MARK in r.duties for r in sheet.rows) else "")
    note = f"<p>说明：{escape(sheet.note)}</p>" if sheet.note else ""
    return f"""<html><head><style>
body {{ font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; font-size: 11pt; }}
h1 {{ font-size: 17pt; margin: 0; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 8px; }}
th, td {{ border: 1px solid #888; padding: 4px 6px; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
.note {{ color: #555; }}
</style></head><body>
<h1>{escape(sheet.station_name)} 巡逻勤务派班单</h1>
<p>班次：<b>{escape(sheet.shift_name or '—')}</b> {span} · 方案 #{sheet.plan_id} · {decided}</p>
<p>预计警情 {sheet.expected_incidents:.1f} 起；按部署点位计，3 分钟内可达 {sheet.once_share:.1%}，
5 分钟内有增援 {sheet.twice_share:.1%}。</p>
<table width="100%" cellspacing="0"><tr><th>警组</th><th>类型</th><th>组员</th><th>巡逻点位</th><th>点位类型</th><th>定时守点</th></tr>
{rows}</table>
{clash}{note}
<p style="margin-top: 28px">带班领导：__________　　值班民警：__________　　各警组签收：__________</p>
</body></html>"""


class PatrolSheetDialog(QDialog):
    """The sheet of one plan, to print for the briefing or save as PDF."""

    def __init__(self, app: AppContext, plan_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.plan_id = plan_id
        self.setWindowTitle(self.tr("Patrol orders of plan %1").replace("%1", str(plan_id)))
        open_within_screen(self, 900, 640)
        self.preview = QTextBrowser()
        self.status = QLabel(self.tr("Loading…"))
        self.print_button = QPushButton(self.tr("Print…"))
        self.pdf_button = QPushButton(self.tr("Save PDF…"))
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        self.html = ""
        self.sheet: PatrolSheet | None = None
        self.print_button.clicked.connect(lambda: print_preview(self.html, self))
        self.pdf_button.clicked.connect(self.ask_pdf)
        app.run(patrol_sheet, app.ctx, plan_id, on_done=self.show_sheet, on_error=self._failed)

    def show_sheet(self, sheet: PatrolSheet) -> None:
        self.sheet = sheet
        self.html = sheet_html(sheet)
        self.preview.setHtml(self.html)
        self.status.setText("" if sheet.status == "accepted" else
                            self.tr("Not yet accepted: these are not the shift's orders"))
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))

    def ask_pdf(self) -> None:
        if self.sheet is None:
            return
        name = f"巡逻派班单-{local(self.sheet.starts_at):%Y%m%d-%H%M}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save PDF"), name, "PDF (*.pdf)")
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> Path | None:
        """Save the sheet as PDF and say so, or say which file could not be written and why."""
        return save_pdf_and_say(self.app, self.html, path, self.tr("Saved %1"),
                                self.tr("Could not save the patrol order sheet to %1: %2"))
