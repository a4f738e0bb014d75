"""Life-cycle actions on the selected incident: one keystroke each, run off the GUI thread, announced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ...domain.errors import ConflictError, KnownError
from ...services.incidents.queries import recommend_units
from ...services.incidents.steps import (
    add_note,
    advance_incident,
    correct_event,
    dispatch_unit,
    reopen_incident,
)
from ...services.incidents.views import IncidentRow, IncidentView
from ..error_text import error_text, message_text
from ..i18n import QT_TR_NOOP, QT_TRANSLATE_NOOP
from .guard import guarded

if TYPE_CHECKING:
    from .panel import BoardPanel


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


@dataclass(frozen=True)
class StepSpec:
    step: str
    title: str
    key: str
    hint: str  # its word in the key hint line, in the BoardActions context


# The steps a dispatcher records most, each on one key (letters avoid the F-keys the shell uses).
STEPS = (
    StepSpec("signed", QT_TR_NOOP("Signed for (签收)"), "S", QT_TRANSLATE_NOOP("BoardActions", "signed")),
    StepSpec("set_off", QT_TR_NOOP("Set off (出警)"), "O", QT_TRANSLATE_NOOP("BoardActions", "set off")),
    StepSpec("arrived", QT_TR_NOOP("Arrived (到场)"), "A", QT_TRANSLATE_NOOP("BoardActions", "arrived")),
    StepSpec("handled", QT_TR_NOOP("Handled (处置完毕)"), "H", QT_TRANSLATE_NOOP("BoardActions", "handled")),
    StepSpec("fed_back", QT_TR_NOOP("Fed back (反馈)"), "F", QT_TRANSLATE_NOOP("BoardActions", "fed back")),
    StepSpec("closed", QT_TR_NOOP("Close (归档)"), "C", QT_TRANSLATE_NOOP("BoardActions", "close")),
)


def _unbroken(text: str) -> str:
    """Text a line wrap does not break: no-break spaces, and word joiners between the characters
    (Chinese may otherwise break between any two; a rich-text nowrap span does not stop it)."""
    return "\u2060".join(text.replace(" ", "\u00a0"))


# The unit steps and the dispatch column each fills (which units are still waiting for it).
UNIT_COLUMNS = {"signed": "signed_at", "set_off": "set_off_at", "arrived": "arrived_at"}


class BoardActions(QObject):
    """Builds the QActions of the board and runs them against the selected incident."""

    def __init__(self, panel: BoardPanel):
        super().__init__(panel)
        self.panel = panel
        self.app = panel.app
        self.busy: set[int] = set()  # incidents with a write in flight (no double keystrokes)
        self.actions: dict[str, QAction] = {}
        # (action, its word) in the order the key hint line names them: every key the board takes.
        self._hinted: list[tuple[QAction, str]] = []
        self._add("dispatch", _tr("Dispatch top suggestion (派警)"), ["D"], self.dispatch_top,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "dispatch"))
        for spec in STEPS:
            self._add(spec.step, _tr(spec.title), [spec.key],
                      lambda _c=False, s=spec.step: self.advance(s), hint=spec.hint)
        self._add("reinforcement", _tr("Send reinforcement"), ["Shift+D"], self.dispatch_reinforcement,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "reinforcement"))
        self._add("correct", _tr("Correct an entry…"), ["E"], panel.ask_correction,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "correct"))
        self._add("note", _tr("Add a note…"), ["N"], panel.ask_note,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "note"))
        self._add("reopen", _tr("Reopen with reason…"), ["Ctrl+R"], panel.ask_reopen,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "reopen"))
        # Space on the table only: anywhere in the panel it took Space from the repeats check box
        # and the Save view… button, which could then not be used from the keyboard.
        self._add("ack", _tr("Acknowledge alerts of this incident"), ["Space"], self.acknowledge,
                  Qt.ShortcutContext.WidgetShortcut, owner=panel.table,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "acknowledge alerts"))
        self._add("filter", _tr("Filter the board"), ["Ctrl+F"], panel.focus_filter,
                  hint=QT_TRANSLATE_NOOP("BoardActions", "filter"))
        self._add("intake", _tr("New incident (接警)"), ["F5", "Ctrl+N"], panel.open_intake,
                  Qt.ShortcutContext.WindowShortcut, hint=QT_TRANSLATE_NOOP("BoardActions", "new incident"))
        self._add("history", _tr("Search all incidents…"), ["Ctrl+Shift+F"], panel.open_history,
                  Qt.ShortcutContext.WindowShortcut, hint=QT_TRANSLATE_NOOP("BoardActions", "search all"))
        self._add("handover", _tr("Shift handover (交接班)…"), ["Ctrl+Shift+H"], panel.open_handover,
                  Qt.ShortcutContext.WindowShortcut, hint=QT_TRANSLATE_NOOP("BoardActions", "handover"))

    def _add(self, key: str, title: str, shortcuts: list[str], slot: Callable[..., Any],
             context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
             *, owner: QWidget | None = None, hint: str) -> None:
        action = QAction(title, self.panel)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(context)
        action.triggered.connect(slot)
        (owner or self.panel).addAction(action)
        self.actions[key] = action
        self._hinted.append((action, hint))

    def keys_hint(self) -> str:
        """'Keys: D dispatch · S signed · …', read off the actions so that no key is
        left out; keys in the system's words (Space is 空格 in Chinese). A key and its word are
        never parted by the wrap: the narrow pane broke 'O' from 出警 and 'F5/' from 'Ctrl+N'."""
        native = QKeySequence.SequenceFormat.NativeText
        parts = [_unbroken("/".join(k.toString(native) for k in action.shortcuts()) + " " + self.tr(hint))
                 for action, hint in self._hinted]
        # The dot stays at the end of the line it closes, not at the head of the next.
        return self.tr("Keys: %1").replace("%1", "\u00a0· ".join(parts))

    # -- running a write -------------------------------------------------------------------
    def run_write(self, row: IncidentRow, fn: Callable[..., IncidentView], *args: Any,
                  done_text: str = "", **kwargs: Any) -> None:
        if row.id in self.busy:
            return
        self.busy.add(row.id)
        self.app.run(fn, self.app.ctx, *args,
                     on_done=guarded(self.panel, lambda v: self.written(row.id, v, done_text)),
                     on_error=guarded(self.panel, lambda e: self._failed(row.id, e)), **kwargs)

    def written(self, incident_id: int, view: IncidentView, done_text: str) -> None:
        """A write came back: the row, the change, the note to the officer and the detail pane
        (the board's keys come here, and so do forms typed in, see BoardPanel.write_from_form)."""
        self.busy.discard(incident_id)
        self.panel.state.put(view)
        self.app.announce(view.change)
        if done_text:
            self.app.notify(done_text.replace("%1", view.number))
        self._refresh_if_shown(incident_id)

    def _refresh_if_shown(self, incident_id: int) -> None:
        """Redraw the detail pane for this incident only if it is still the highlighted row.

        Closing (C) takes the row off an open-incidents view and the highlight moves to the next
        one; redrawing the closed incident then left the pane showing it while the keys acted on
        the highlighted row, so the next C would have closed an incident the officer never saw."""
        row = self.panel.current_row()
        if row is not None and row.id == incident_id:
            self.panel.refresh_detail(incident_id)

    def _failed(self, incident_id: int, exc: BaseException) -> None:
        self.busy.discard(incident_id)
        if isinstance(exc, ConflictError):
            # Another seat got there first: say who changed what and show the row as it is now.
            self.app.notify(error_text(exc), "warning")
            self.panel.state.on_change_ids({incident_id})
            self._refresh_if_shown(incident_id)
        elif isinstance(exc, KnownError):
            self.app.notify(error_text(exc), "error")
        else:
            self.app.report_error(exc)

    # -- the actions -----------------------------------------------------------------------
    def row_to_act_on(self) -> IncidentRow | None:
        """The highlighted incident for a key that acts on one; with none, the key says so in the
        status bar, as the unit board does, instead of doing nothing."""
        row = self.panel.current_row()
        if row is None:
            self.app.notify(_tr("Select an incident first"), "warning")
        return row

    def advance(self, step: str, unit_id: int | None = None, **kwargs: Any) -> None:
        row = self.row_to_act_on()
        if row is None:
            return
        if unit_id is None and step in UNIT_COLUMNS:
            waiting = self.waiting_units(row.id, step)
            if len(waiting) > 1:
                # Two cars on one incident: the key asks which one signed / set off / arrived.
                unit_id = self.panel.choose_unit(step, waiting)
                if unit_id is None:
                    return
        self.run_write(row, advance_incident, row.id, step, unit_id=unit_id,
                       expected_version=row.version,
                       done_text=_tr("%1: ") + _tr(dict((s.step, s.title) for s in STEPS).get(step, step)),
                       **kwargs)

    def waiting_units(self, incident_id: int, step: str) -> list[tuple[int, str]]:
        """(unit id, call sign) of the units on the incident that have not recorded `step` yet."""
        detail = self.panel.detail.detail
        if detail is None or detail.row.id != incident_id:
            return []
        column = UNIT_COLUMNS[step]
        return [(d.unit_id, d.call_sign) for d in detail.dispatches
                if d.cleared_at is None and getattr(d, column) is None]

    def dispatch(self, unit_id: int, role: str = "first") -> None:
        row = self.panel.current_row()
        if row is None:
            return
        self.run_write(row, dispatch_unit, row.id, unit_id, role=role,
                       expected_version=row.version, done_text=_tr("%1: unit dispatched"))

    def dispatch_top(self) -> None:
        """One keystroke: the top suggestion (or the one highlighted in the advice list); once a
        unit is on scene, whoever is sent next goes as reinforcement."""
        row = self.row_to_act_on()
        if row is not None:
            self._dispatch_suggested("reinforcement" if row.arrived_at else "first")

    def dispatch_reinforcement(self) -> None:
        if self.row_to_act_on() is not None:
            self._dispatch_suggested("reinforcement")

    def _dispatch_suggested(self, role: str) -> None:
        row = self.panel.current_row()
        if row is None:
            return
        rec = self.panel.detail.recommendation
        if rec is not None and rec.incident_id == row.id and rec.options:
            unit = self.panel.detail.selected_option_unit()
            if unit is not None:
                self.dispatch(unit, role)
            return

        def got(r: Any) -> None:
            self.panel.detail.show_recommendation(r)
            current = self.panel.current_row()
            if r.best is None:
                self.app.notify(message_text(r.shortfall) if r.shortfall else _tr("No unit is available"),
                                "warning")
            elif current is not None and current.id == row.id:
                self.dispatch(r.best.unit_id, role)

        self.app.run(recommend_units, self.app.ctx, row.id, on_done=guarded(self.panel, got))

    def reopen(self, reason: str, row: IncidentRow | None = None) -> None:
        """Closed incidents are not on the board: the history search hands its row in."""
        row = row or self.panel.current_row()
        if row is not None:
            self.run_write(row, reopen_incident, row.id, reason, expected_version=row.version,
                           done_text=_tr("%1 reopened"))

    def correct(self, event_id: int, *, at: Any = None, void: bool = False, reason: str,
                row: IncidentRow | None = None) -> None:
        row = row or self.panel.current_row()
        if row is not None:
            self.run_write(row, correct_event, row.id, event_id, at=at, void=void, reason=reason,
                           expected_version=row.version, done_text=_tr("%1: correction recorded"))

    def note(self, text: str) -> None:
        row = self.panel.current_row()
        if row is not None:
            self.run_write(row, add_note, row.id, text)

    def acknowledge(self) -> None:
        row = self.row_to_act_on()
        if row is not None:
            self.panel.monitor.acknowledge_incident(row.id)
