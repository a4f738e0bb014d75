"""The export panel: pick a ledger, a period and a scope; export with progress and cancel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.permissions import is_permitted
from ...jobs.scheduler import ExportScheduler, LastRun
from ...services.exports import (
    ExportCancelled,
    ExportChoices,
    ExportResult,
    default_filename,
    export_choices,
    export_ledger,
    recent_exports,
)
from ...services.ledgers import LEDGERS
from ...services.ledgers.periods import Period, period_for
from ..context import AppContext
from ..error_text import error_text, message_text, os_reason, ui_language
from ..i18n import QT_TRANSLATE_NOOP
from ..theme import BREACH, ui_font
from . import reach
from .reach import PROBE_TIMEOUT_MS, Probe, Target, Unreachable

log = logging.getLogger("precinct_console.ui")

# English names of the ledgers, shown beside the Chinese titles (translated through tr()).
LEDGER_NAMES = {
    "incidents": QT_TRANSLATE_NOOP("LedgerExportPanel", "Incident ledger"),
    "disputes": QT_TRANSLATE_NOOP("LedgerExportPanel", "Dispute ledger"),
    "tasks": QT_TRANSLATE_NOOP("LedgerExportPanel", "Follow-up task ledger"),
    "patrol": QT_TRANSLATE_NOOP("LedgerExportPanel", "Patrol ledger"),
    "duty": QT_TRANSLATE_NOOP("LedgerExportPanel", "Duty roster ledger"),
    "roster": QT_TRANSLATE_NOOP("LedgerExportPanel", "Roster to post (a week or a month)"),
    "response": QT_TRANSLATE_NOOP("LedgerExportPanel", "1-3-5 response compliance"),
}
PERIOD_NAMES = {
    "day": QT_TRANSLATE_NOOP("LedgerExportPanel", "Day"),
    "week": QT_TRANSLATE_NOOP("LedgerExportPanel", "Week (Monday to Sunday)"),
    "month": QT_TRANSLATE_NOOP("LedgerExportPanel", "Month"),
    "custom": QT_TRANSLATE_NOOP("LedgerExportPanel", "Custom range"),
}


class _Progress(QObject):
    """Carries progress from the worker thread to the GUI thread (a queued signal)."""

    moved = Signal(int, int)  # done, total (-1: unknown)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class LedgerExportPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None,
                 probe_timeout_ms: int = PROBE_TIMEOUT_MS):
        super().__init__(parent)
        self.app = app
        self.choices: ExportChoices | None = None
        # Set from the click until the export ends, the target's check included: one at a time.
        self._cancel: threading.Event | None = None
        # The target folder may be a share that went away: every look at it runs off the GUI thread.
        self._target_probe = Probe(app.runner, self, probe_timeout_ms)
        self._open_probe = Probe(app.runner, self, probe_timeout_ms)
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress)
        self._path_edited = False
        self._path_confirmed = ""  # a path the save dialog has already asked to replace
        self.setFont(ui_font())

        self.ledger = QComboBox()
        for key, ledger in LEDGERS.items():
            name = self.tr(LEDGER_NAMES[key])  # in Chinese the name is the title itself: once is enough
            self.ledger.addItem(ledger.title if name == ledger.title else f"{ledger.title} — {name}", key)
        self.period_kind = QComboBox()
        for key, name in PERIOD_NAMES.items():
            self.period_kind.addItem(self.tr(name), key)
        self.period_kind.setCurrentIndex(1)
        today = app.clock().astimezone(_china()).date()
        self.first = QDateEdit(_qdate(today))
        self.last = QDateEdit(_qdate(today))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.period_label = QLabel()
        self.station = QComboBox()
        self.district = QComboBox()
        self.unmask = QCheckBox(self.tr("Write phone and ID numbers in full (recorded in the audit log)"))
        self.unmask.setVisible(False)
        self.path = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        dates = QHBoxLayout()
        dates.addWidget(self.first)
        self.to_label = QLabel(self.tr("to"))
        dates.addWidget(self.to_label)
        dates.addWidget(self.last)
        dates.addStretch(1)

        form = QFormLayout()
        form.addRow(self.tr("Ledger"), self.ledger)
        form.addRow(self.tr("Period"), self.period_kind)
        form.addRow(self.tr("Dates"), dates)
        form.addRow("", self.period_label)
        self.station_row_label = QLabel(self.tr("Station"))
        form.addRow(self.station_row_label, self.station)
        form.addRow(self.tr("Police district"), self.district)
        self.unmask_row_label = QLabel(self.tr("Personal data"))
        self.unmask_row_label.setVisible(False)
        form.addRow(self.unmask_row_label, self.unmask)
        form.addRow(self.tr("File"), path_row)

        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.status = QLabel(self.tr("Phone and ID numbers are masked (138****5678) unless you choose otherwise."))
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)

        export_box = QGroupBox(self.tr("Export a ledger"))
        box_layout = QVBoxLayout(export_box)
        box_layout.addLayout(form)
        box_layout.addLayout(buttons)
        box_layout.addWidget(self.status)
        box_layout.addStretch(1)

        self.recent = QListWidget()
        self.recent.itemActivated.connect(self._open_item)
        open_folder = QPushButton(self.tr("Open export folder"))
        open_folder.clicked.connect(lambda: self._open(self._folder()))
        recent_box = QGroupBox(self.tr("Exported files"))
        recent_layout = QVBoxLayout(recent_box)
        recent_layout.addWidget(self.recent)
        recent_layout.addWidget(open_folder)
        self.schedule_list = QListWidget()
        schedule_box = QGroupBox(self.tr("Scheduled exports"))
        schedule_layout = QVBoxLayout(schedule_box)
        self.schedule_note = QLabel(self.tr(
            "Daily incident ledger at 08:00, the weekly set on Mondays at 08:30 and the monthly set "
            "on the 1st at 09:00 are written to the export folder by one workstation of the database."))
        self.schedule_note.setWordWrap(True)
        schedule_layout.addWidget(self.schedule_note)
        schedule_layout.addWidget(self.schedule_list)
        self.schedule_buttons = []
        row = QHBoxLayout()
        for text, handler in ((self.tr("Change time…"), self._change_time),
                              (self.tr("Pause / resume"), self._toggle_job),
                              (self.tr("Run now"), self._run_job)):
            button = QPushButton(text)
            button.clicked.connect(handler)
            button.setEnabled(False)
            row.addWidget(button)
            self.schedule_buttons.append(button)
        row.addStretch(1)
        schedule_layout.addLayout(row)
        self.scheduler: ExportScheduler | None = None
        self.refresh_schedules: Callable[[], None] = lambda: None
        self.schedule_list.currentRowChanged.connect(lambda _r: self._update_schedule_buttons())

        right = QVBoxLayout()
        right.addWidget(schedule_box, 1)
        right.addWidget(recent_box, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(export_box, 3)
        layout.addLayout(right, 2)

        for signal in (self.ledger.currentIndexChanged, self.period_kind.currentIndexChanged,
                       self.first.dateChanged, self.last.dateChanged, self.station.currentIndexChanged):
            signal.connect(self._update_period)
        self.station.currentIndexChanged.connect(self._fill_districts)
        # The district is in the default file name: one district's ledger never takes the name
        # (and so the file) of the whole station's.
        self.district.currentIndexChanged.connect(self._update_period)
        self.ledger.currentIndexChanged.connect(self._update_district_choice)
        self.path.textEdited.connect(lambda _t: setattr(self, "_path_edited", True))
        self._update_district_choice()  # and the period and file name
        app.run(recent_exports, self._folder(), on_done=self._show_recent,
                on_error=lambda exc: log.warning("export folder: %s", exc))
        if is_permitted(app.ctx.actor.role, "ledger.export"):
            app.run(export_choices, app.ctx, on_done=self.set_choices)
        else:  # duty officers see the schedules, but exports are the clerk's and the chief's
            export_box.setEnabled(False)
            self.status.setText(self.tr("Your role does not export ledgers; ask the clerk or the station chief."))

    # choices ---------------------------------------------------------------------------------
    def set_choices(self, choices: ExportChoices) -> None:
        self.choices = choices
        self.station.blockSignals(True)
        self.station.clear()
        if len(choices.stations) > 1:
            self.station.addItem(self.tr("All stations"), None)
        for sid, name in choices.stations:
            self.station.addItem(name, sid)
        self.station.blockSignals(False)
        several = len(choices.stations) > 1
        self.station.setVisible(several)
        self.station_row_label.setVisible(several)
        self.unmask.setVisible(choices.may_unmask)
        self.unmask_row_label.setVisible(choices.may_unmask)  # no bare label for roles that may not
        self._fill_districts()
        self._update_period()

    def _fill_districts(self) -> None:
        self.district.blockSignals(True)
        self.district.clear()
        self.district.addItem(self.tr("All districts"), None)
        if self.choices is not None:
            station = self.station.currentData()
            for gid, sid, name in self.choices.districts:
                if station is None or sid == station:
                    self.district.addItem(name, gid)
        self.district.blockSignals(False)
        self._update_district_choice()

    def _update_district_choice(self) -> None:
        """Shifts and patrols are the whole station's: their ledgers offer no district."""
        by_district = LEDGERS[self.ledger.currentData()].by_district
        if not by_district:
            self.district.setCurrentIndex(0)
        self.district.setEnabled(by_district)
        self.district.setToolTip("" if by_district else self.tr(
            "Shifts and patrols are not kept by police district: this ledger covers the whole station."))
        self._update_period()

    def _district_id(self) -> int | None:
        return self.district.currentData() if self.district.isEnabled() else None

    # period and file name ----------------------------------------------------------------------
    def period(self) -> Period:
        kind = self.period_kind.currentData()
        return period_for(kind, _pydate(self.first.date()), _pydate(self.last.date()))

    def _update_period(self) -> None:
        custom = self.period_kind.currentData() == "custom"
        self.last.setVisible(custom)
        self.to_label.setVisible(custom)
        try:
            period = self.period()
        except Exception as exc:  # a custom range ending before it starts
            self.period_label.setText(error_text(exc))
            self.export_button.setEnabled(False)
            return
        self.export_button.setEnabled(self._cancel is None)
        self.period_label.setText(
            f"{period.label_in(ui_language())}  ·  {period.start:%Y-%m-%d %H:%M} – {period.end:%Y-%m-%d %H:%M} (UTC+8)")
        if not self._path_edited:
            code = self.choices.station_code if self.choices else ""
            district = self.district.currentText() if self._district_id() is not None else ""
            name = default_filename(self.ledger.currentData(), period, code, district)
            self.path.setText(str(self._folder() / name))

    def _folder(self) -> Path:
        return self.app.settings.resolved_export_folder

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export ledger to"), self.path.text(),
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            path = path if path.lower().endswith(".xlsx") else path + ".xlsx"
            self.path.setText(path)
            self._path_edited = True
            self._path_confirmed = path  # the save dialog asked before choosing an existing file

    # export ----------------------------------------------------------------------------------
    def start_export(self) -> None:
        if self._cancel is not None:
            return
        period = self.period()
        path = Path(self.path.text().strip())
        confirmed = str(path) == self._path_confirmed
        # The choices as clicked: the form stays editable while the folder is checked.
        ledger = self.ledger.currentData()
        several = self.choices is not None and len(self.choices.stations) > 1
        station = self.station.currentData() if several else None
        # isVisible() would be False for a panel not on screen; the permission decides.
        unmask = bool(self.choices and self.choices.may_unmask and self.unmask.isChecked())
        district_id = self._district_id()
        cancel = self._cancel = threading.Event()
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first figure arrives
        self.status.setText(self.tr("Checking the folder %1…").replace("%1", str(path.parent)))

        def export(target: Path) -> None:
            self.status.setText(self.tr("Exporting…"))
            emit = self._progress.moved.emit
            self.app.run(
                export_ledger, self.app.ctx, ledger, period.first_day, period.last_day, target,
                unmask,
                progress=lambda done, total: emit(done, -1 if total is None else total),
                cancel=cancel, district_id=district_id,
                station_ids=(station,) if station else None, language=ui_language(),
                on_done=self._done, on_error=self._failed,
            )

        self._target_probe.start(
            path.parent, reach.probe_target, path,
            on_done=lambda target: self._checked(path, target, confirmed, export),
            on_error=lambda exc: self._unreachable(path.parent, exc))

    def _checked(self, path: Path, target: Target, confirmed: bool,
                 export: Callable[[Path], None]) -> None:
        if target.exists and not confirmed:
            answer = self._ask_overwrite(path)
            if answer == "cancel":
                self._stopped(self.tr("Not exported: %1 is already there.").replace("%1", str(path)))
                return
            if answer == "keep" and target.free is not None:
                path = target.free  # this export only: the default name still follows the choices
                self.path.setText(str(path))
        self._path_confirmed = ""  # asked once: the next export to it asks again
        export(path)

    def _unreachable(self, folder: Path, exc: BaseException) -> None:
        if not isinstance(exc, Unreachable | OSError):
            self._failed(exc)  # not the folder's doing
            return
        self._stopped(self.tr("%1 Nothing was exported.").replace("%1", self._unreachable_text(folder, exc)))

    def _unreachable_text(self, folder: Path, exc: Unreachable | OSError) -> str:
        log.warning("export folder %s: %s", folder, exc)
        if isinstance(exc, Unreachable):
            return (self.tr("Cannot reach %1: no answer in %2 s.")
                    .replace("%1", str(folder)).replace("%2", f"{exc.seconds:g}"))
        return self.tr("Cannot reach %1: %2.").replace("%1", str(folder)).replace(
            "%2", os_reason(exc))

    def _stopped(self, text: str) -> None:
        """Ended before the export began: nothing was written."""
        self._finish()
        self.progress.setValue(0)
        self.status.setText(text)

    def _ask_overwrite(self, path: Path) -> str:
        """'replace', 'keep' (write beside it under a new name) or 'cancel'."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("File exists"),
                          self.tr("%1 already exists. Replace it?").replace("%1", str(path)),
                          parent=self)
        replace = box.addButton(self.tr("Replace"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep both"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return "replace" if clicked is replace else "keep" if clicked is keep else "cancel"

    def cancel_export(self) -> None:
        if self._cancel is None:
            return
        self._cancel.set()
        if self._target_probe.pending:  # still checking: stop now, not at the OS's timeout
            self._target_probe.abandon()
            self._stopped(self.tr("Export cancelled; no file was written."))
            return
        self.status.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(self.tr("%1 of %2 rows").replace("%1", str(done)).replace("%2", str(total)))
        else:
            self.progress.setFormat(self.tr("%1 rows").replace("%1", str(done)))

    def _finish(self) -> None:
        self._cancel = None
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 100)
        self._update_period()

    def _done(self, result: ExportResult) -> None:
        self._finish()
        self.progress.setValue(100)
        text = self.tr("Wrote %1 rows to %2").replace("%1", str(result.rows)).replace("%2", str(result.path))
        if not result.masked:
            text += " " + self.tr("(phone and ID numbers in full)")
        self.status.setText(text)
        for i in reversed(range(self.recent.count())):  # a replaced file is listed once
            if self.recent.item(i).data(0x0100) == str(result.path):
                self.recent.takeItem(i)
        item = QListWidgetItem(f"{result.path.name}  ·  " + self.tr("%1 rows").replace("%1", str(result.rows)))
        item.setData(0x0100, str(result.path))
        item.setToolTip(str(result.path))
        self.recent.insertItem(0, item)
        self.app.notify(text)

    def _show_recent(self, files: list[tuple[Path, float]]) -> None:
        """What is already in the export folder (scheduled runs too), under this session's own."""
        shown = {self.recent.item(i).data(0x0100) for i in range(self.recent.count())}
        for path, mtime in files:
            if str(path) in shown:
                continue
            when = datetime.fromtimestamp(mtime, tz=_china()).strftime("%m-%d %H:%M")
            item = QListWidgetItem(f"{path.name}  ·  {when}")
            item.setData(0x0100, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.setValue(0)
        if isinstance(exc, ExportCancelled):
            self.status.setText(self.tr("Export cancelled; no file was written."))
            return
        self.status.setText(error_text(exc))
        self.app.report_error(exc)

    # scheduled exports -----------------------------------------------------------------------
    def show_schedules(self, jobs: list[tuple[str, str, datetime | None]], leading: bool, holder: str,
                       runs: dict[str, LastRun] | None = None) -> None:
        """The shared schedule with each job's next and last run; a failed last run in red."""
        runs = runs or {}
        current = self._selected_job()
        self.schedule_list.clear()
        for job_id, name, next_run in jobs:
            when = (self.tr("next") + " " + next_run.astimezone(_china()).strftime("%Y-%m-%d %H:%M")
                    if next_run else self.tr("paused"))
            # Stored in English with the shared job; worded in the window's language here.
            text = f"{message_text(name)}\n    {when}"  # two lines: the panel is narrow beside the export form
            last = runs.get(job_id)
            if last is not None:
                at = last.at.astimezone(_china()).strftime("%m-%d %H:%M")
                text += "  ·  " + (self.tr("last run %1 OK") if last.ok
                                   else self.tr("last run %1 FAILED")).replace("%1", at)
            item = QListWidgetItem(text)
            item.setData(0x0100, job_id)
            item.setData(0x0101, next_run is None)
            if last is not None:
                # Who ran it and what came of it: the clerk at any seat sees why it failed.
                item.setToolTip(f"{last.seat}: {message_text(last.detail)}")
                if not last.ok:
                    item.setForeground(BREACH)
            self.schedule_list.addItem(item)
            if job_id == current:
                self.schedule_list.setCurrentItem(item)
        self._update_schedule_buttons()
        wrote = max((r for r in runs.values() if r.folder), key=lambda r: r.audit_id, default=None)
        if leading:
            note = self.tr("This workstation writes the scheduled exports to %1.")
            folder = str(self._folder())
        elif holder and wrote is not None:
            # Its own export folder, not this seat's: say where the files really went.
            note = self.tr("Another workstation (%2) runs the scheduled exports; its last run "
                           "wrote to %1.")
            folder = wrote.folder
        elif holder:
            note = self.tr("Another workstation (%2) runs the scheduled exports and writes them "
                           "to its own export folder.")
            folder = ""
        else:
            note = self.tr("No workstation runs the scheduled exports at the moment; the next "
                           "console to start takes them over (a run it missed is made up).")
            folder = ""
        self.schedule_note.setText(note.replace("%1", folder).replace("%2", holder))

    def _selected_job(self) -> str | None:
        item = self.schedule_list.currentItem()
        return None if item is None else item.data(0x0100)

    def _update_schedule_buttons(self) -> None:
        allowed = self.scheduler is not None and is_permitted(self.app.ctx.actor.role, "schedule.edit")
        for button in self.schedule_buttons:
            button.setEnabled(allowed and self._selected_job() is not None)

    def _edit_job(self, **changes: Any) -> None:
        job_id = self._selected_job()
        if job_id is None or self.scheduler is None:
            return
        self.app.run(self.scheduler.edit_schedule, self.app.ctx, job_id, **changes,
                     on_done=lambda _next: self.refresh_schedules())

    def _change_time(self) -> None:
        text, ok = QInputDialog.getText(self, self.tr("Scheduled export"),
                                        self.tr("Time of day (China time), HH:MM"), text="08:00")
        if ok and text.strip():
            self._edit_job(at=text.strip())

    def _toggle_job(self) -> None:
        item = self.schedule_list.currentItem()
        if item is not None:
            self._edit_job(enabled=bool(item.data(0x0101)))

    def _run_job(self) -> None:
        self._edit_job(run_now=True)

    def _open_item(self, item: QListWidgetItem) -> None:
        self._open(Path(item.data(0x0100)))

    def _open(self, path: Path) -> None:
        folder = path if path.suffix == "" else path.parent
        self._open_probe.start(folder, reach.prepare_open, path,
                               on_done=lambda there: self._opened(path, there),
                               on_error=lambda exc: self._open_failed(folder, exc))

    def _opened(self, path: Path, there: bool) -> None:
        if there:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        else:
            self.status.setText(self.tr("%1 is no longer there.").replace("%1", str(path)))

    def _open_failed(self, folder: Path, exc: BaseException) -> None:
        if not isinstance(exc, Unreachable | OSError):
            self.app.report_error(exc)
            return
        self.status.setText(self._unreachable_text(folder, exc))


def _china():  # type: ignore[no-untyped-def]
    from ...domain.clock import CHINA_TZ

    return CHINA_TZ


def create_panel(app: AppContext) -> QWidget:
    panel = LedgerExportPanel(app)
    from .scheduling import attach_scheduler

    panel.scheduler = attach_scheduler(app, panel)
    panel._update_schedule_buttons()
    return panel
