"""A task's detail pane: what it is, why it was sent, its deadlines, feedback and history."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ...domain.clock import local
from ...domain.deadlines import task_countdowns
from ...services.task_views import TaskDetail, TaskEventInfo
from ..theme import BREACH, MUTED, STATE_COLOURS, STATE_SYMBOLS
from .model import STATUS_TEXT
from .model import tr as model_tr

EVENT_TEXT = {"sent": QT_TRANSLATE_NOOP("TaskDetail", "Sent"),
              "signed": QT_TRANSLATE_NOOP("TaskDetail", "Signed"),
              "fed_back": QT_TRANSLATE_NOOP("TaskDetail", "Fed back"),
              "verified": QT_TRANSLATE_NOOP("TaskDetail", "Verified"),
              "returned": QT_TRANSLATE_NOOP("TaskDetail", "Returned for rework"),
              "escalated": QT_TRANSLATE_NOOP("TaskDetail", "Escalated to the station chief"),
              "reassigned": QT_TRANSLATE_NOOP("TaskDetail", "Reassigned")}
STATE_TEXT = {"pending": QT_TRANSLATE_NOOP("TaskDetail", "on time"),
              "near": QT_TRANSLATE_NOOP("TaskDetail", "near"),
              "breached": QT_TRANSLATE_NOOP("TaskDetail", "overdue"),
              "met": QT_TRANSLATE_NOOP("TaskDetail", "in time"),
              "na": QT_TRANSLATE_NOOP("TaskDetail", "not running")}
_LABEL = "color:#555;padding-right:10px"


def t(text: object) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("TaskDetail", ...)."""
    return QCoreApplication.translate("TaskDetail", str(text))


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return t(QT_TRANSLATE_NOOP("TaskDetail", "yes")) if v else t(QT_TRANSLATE_NOOP("TaskDetail", "no"))
    return str(v)


def _rejected_by(d: TaskDetail) -> TaskEventInfo | None:
    """The return that rejected the feedback the task holds, if no feedback came after it.

    A reassigned task keeps the earlier officer's feedback too, so the history decides, not the
    status."""
    last = next((e for e in reversed(d.events) if e.kind in ("fed_back", "returned")), None)
    return last if last is not None and last.kind == "returned" else None


def task_detail_html(d: TaskDetail, now: datetime) -> str:
    r = d.row
    rows: list[tuple[str, str]] = [
        (t(QT_TRANSLATE_NOOP("TaskDetail", "Task")), f"{r.template_code} {r.template_name}"),
        (t(QT_TRANSLATE_NOOP("TaskDetail", "Status")), model_tr(STATUS_TEXT.get(r.status, r.status))),
        (t(QT_TRANSLATE_NOOP("TaskDetail", "Assignee")),
         r.assignee_name or t(QT_TRANSLATE_NOOP("TaskDetail", "(unassigned)"))),
        (t(QT_TRANSLATE_NOOP("TaskDetail", "Grid")), r.grid_name),
        (t(QT_TRANSLATE_NOOP("TaskDetail", "Incident")), r.incident_number),
        (t(QT_TRANSLATE_NOOP("TaskDetail", "Sent")), local(r.created_at).strftime("%Y-%m-%d %H:%M")),
    ]
    cells = [f"<tr><td style='{_LABEL}'>{escape(k)}</td><td>{escape(v)}</td></tr>"
             for k, v in rows if v]
    sign, feedback = task_countdowns(r.times, now)
    done_text = t(QT_TRANSLATE_NOOP("TaskDetail", "done"))
    for label, cd in ((t(QT_TRANSLATE_NOOP("TaskDetail", "Sign by")), sign),
                      (t(QT_TRANSLATE_NOOP("TaskDetail", "Feed back by")), feedback)):
        colour = STATE_COLOURS[cd.state.value].name()
        state = f"{STATE_SYMBOLS[cd.state.value]} {t(STATE_TEXT[cd.state.value])}"
        when = local(cd.due_at).strftime("%Y-%m-%d %H:%M")
        # "done" only as the countdown counted it: a returned task's rejected feedback is in
        # the history, not next to the rework deadline it does not meet.
        extra = f" · {escape(done_text)} {local(cd.done_at).strftime('%m-%d %H:%M')}" if cd.done_at else ""
        cells.append(f"<tr><td style='{_LABEL}'>{escape(label)}</td><td>{when} "
                     f"<span style='color:{colour}'>{escape(state)}</span>{extra}</td></tr>")
    parts = [f"<h3>{escape(r.number)} · {escape(r.title)}</h3><table>{''.join(cells)}</table>"]
    if d.rule_reason:
        why = t(QT_TRANSLATE_NOOP("TaskDetail", "Why"))
        parts.append(f"<p><b>{escape(why)}:</b> {escape(d.rule_reason)}</p>")
    if d.detail:
        parts.append(f"<p style='white-space:pre-wrap'>{escape(d.detail)}</p>")
    if d.feedback:
        labels = {f.key: f.label for f in d.fields} | {"summary": t(QT_TRANSLATE_NOOP("TaskDetail", "Remarks"))}
        fb = "".join(f"<tr><td style='{_LABEL}'>{escape(labels.get(k, k))}</td>"
                     f"<td>{escape(_value(v))}</td></tr>" for k, v in d.feedback.items())
        returned = _rejected_by(d)
        if returned is None:
            parts.append("<h4>" + escape(t(QT_TRANSLATE_NOOP("TaskDetail", "Feedback"))) + f"</h4><table>{fb}</table>")
        else:
            # The feedback the task still holds is the one sent back: say so above it, with the
            # reason, so nobody reads it as the current answer. New feedback replaces it.
            heading = t(QT_TRANSLATE_NOOP("TaskDetail", "Feedback (returned)"))
            reason = returned.payload.get("reason") or ""
            note = (escape(t(QT_TRANSLATE_NOOP("TaskDetail", "Returned %1: %2")))
                    .replace("%1", local(returned.at).strftime("%m-%d %H:%M"))
                    .replace("%2", escape(reason)))
            parts.append(f"<h4 style='color:{BREACH.name()}'>{escape(heading)}</h4>"
                         f"<p style='color:{BREACH.name()}'>{note}</p>"
                         f"<table style='color:{MUTED.name()}'>{fb}</table>")
    late_text = t(QT_TRANSLATE_NOOP("TaskDetail", "late"))
    events = []
    for e in d.events:
        text = t(EVENT_TEXT.get(e.kind, e.kind))
        note = e.payload.get("reason") or e.payload.get("note") or ""
        late = f" ({late_text})" if e.payload.get("late") else ""
        to = f" → {', '.join(e.payload['to'])}" if e.payload.get("to") else ""
        if e.kind == "reassigned" and e.payload.get("to_name"):  # from whom to whom
            to = f" {e.payload.get('from_name') or '–'} → {e.payload['to_name']}"
        events.append(f"<li>{local(e.at).strftime('%m-%d %H:%M:%S')} {escape(text)}{escape(late)}"
                      f"{escape(to)} — {escape(e.username)}@{escape(e.workstation)}"
                      f"{(': ' + escape(note)) if note else ''}</li>")
    history = t(QT_TRANSLATE_NOOP("TaskDetail", "History"))
    parts.append(f"<h4>{escape(history)}</h4><ul>{''.join(events)}</ul>")
    return "".join(parts)
