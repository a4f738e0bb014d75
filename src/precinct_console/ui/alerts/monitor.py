"""Watches the board's timers on the 1 Hz tick (cached times only) and raises near/breach alerts.

The tick does no database work: each row's next state change is known from its cached step
times, so a second costs one comparison per open incident. A new near or breach sounds,
highlights the row and names the incident at once; the Alert row is written by the services
off the GUI thread (idempotent across seats), and the alert list follows the change feed.
Every DUTY_CHECK_S (on the same tick) the services are also asked about the timed duties of the patrol orders
(a unit due to set out, a unit away from a duty under way); each such alert sounds once on
every seat that sees it come in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from ...domain.changes import Change, ChangeItem
from ...domain.clock import local
from ...domain.permissions import is_permitted
from ...domain.response import TimerState
from ...services.alerts import AlertView, acknowledge_alert, evaluate_alerts, list_alerts, timer_of
from ...services.duty_alerts import DutyRound, check_timed_duties
from ...services.incidents.views import IncidentRow
from ..board.state import BoardState
from ..context import AppContext
from ..labels import alert_target, pick
from .sound import AlertSound

LEVEL_OF = {TimerState.NEAR: "near", TimerState.BREACHED: "breach"}
RANK = {"near": 1, "breach": 2}
PERSIST_EVERY_MS = 3000  # alert rows are written at most this often (a surge turns many at once)
MAX_SINGLE_NOTICES = 3  # more new alerts at once are summed up in one notification
# Set-out reminders come from a few minutes ahead and a duty is judged minutes into it: half a
# minute late is still in time, and a seat asks the database no more often than that.
DUTY_CHECK_S = 30.0
# A duty alert another seat raised sounds here too if it came in this recently (one from
# before this seat started is in the list, not sounded).
DUTY_SOUND_WITHIN = timedelta(minutes=2)


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # lupdate files bare _tr() calls under ""


class AlertMonitor(QObject):
    alerts_changed = Signal()  # the unacknowledged list changed
    raised = Signal(int, str, str)  # incident id, target key, level: seen on this seat's tick

    def __init__(self, app: AppContext, state: BoardState, sound: AlertSound | None = None):
        super().__init__(app)
        self.app = app
        self.state = state
        self.model = state.model
        self.sound = sound or AlertSound(self)
        self.alerts: dict[int, AlertView] = {}  # unacknowledged, by alert id
        self._seen: set[tuple[int, str, str]] = set()  # (incident, target, level) the tick knows
        self._sounded: set[tuple[int, str, str]] = set()  # ... and this seat has sounded
        self._due: dict[int, float] = {}  # incident id -> epoch second of its next timer change
        self._persisting = False
        self._persist_again = False
        self._acknowledging: set[int] = set()  # alert ids whose acknowledgement is on its way
        self._sounded_duties: set[int] = set()  # duty alert ids this seat has sounded
        self._reminding = False
        self._remind_again = False  # asked for while a round was out
        # Epoch second of the next duty check: driven by the board's tick, not a timer of its
        # own (a running timer must be stopped on the GUI thread, and a seat's context may be
        # collected elsewhere).
        self._next_duty_check = 0.0
        self._throttle = QTimer(self, singleShot=True, interval=PERSIST_EVERY_MS)
        self._throttle.timeout.connect(self._persist_pending)
        state.loaded.connect(self._on_loaded)
        state.rows_changed.connect(self._on_rows)
        state.ticked.connect(self.check)
        app.changed.connect(self._on_change)
        if state.is_loaded:
            self._on_loaded()

    # -- bookkeeping -----------------------------------------------------------------------
    def _levels(self, r: IncidentRow) -> list[tuple[str, str]]:
        return [(t.key, LEVEL_OF[t.state]) for t in self.model.timers(r) if t.state in LEVEL_OF]

    def _schedule(self, r: IncidentRow) -> None:
        nxt = self.model.next_change(r)
        if nxt is None:
            self._due.pop(r.id, None)
        else:
            self._due[r.id] = nxt.timestamp()

    def _on_loaded(self) -> None:
        # States found at start were either alerted by a seat already (no new sound) or are
        # raised by the evaluation below, which sounds them; the tick sounds later turns.
        self._due.clear()
        for r in self.model.rows():
            self._seen.update((r.id, k, lvl) for k, lvl in self._levels(r))
            self._schedule(r)
        self.persist()
        self.remind()
        self.reload_alerts()

    def _on_rows(self, rows: list[IncidentRow]) -> None:
        found = []
        for r in rows:
            current = self.model.row(r.id) if r.is_open else None
            if current is not None:
                found += self._check_row(current)
            else:
                self._due.pop(r.id, None)
                self.model.set_alert(r.id, None)
        self._announce(found)

    def _on_change(self, change: Change) -> None:
        # A duty's check moving on (the crew turned up late, or a roll call) rewrites its
        # breach's text: "离岗 660 米，22:10 到岗，迟到 10 分钟".
        if change.touches("alert", "duty_check"):
            self.reload_alerts()
        if change.touches("patrol_plan"):
            self.remind()  # a plan accepted minutes before a duty: remind now, not in 30 s

    # -- the tick --------------------------------------------------------------------------
    def check(self, now: datetime | None = None) -> None:
        """Per tick: only rows whose next timer change has come are evaluated."""
        now_ts = (now or self.model.now).timestamp()
        if now_ts >= self._next_duty_check:
            self.remind()
        found = []
        for k in [k for k, t in self._due.items() if t <= now_ts]:
            r = self.model.row(k)
            if r is None:
                self._due.pop(k, None)
            else:
                found += self._check_row(r)
        self._announce(found)

    def _check_row(self, r: IncidentRow) -> list[tuple[IncidentRow, str, str]]:
        """The row's timers that turned near or breached since last seen (and re-schedules it)."""
        new = [(r, k, lvl) for k, lvl in self._levels(r) if (r.id, k, lvl) not in self._seen]
        self._schedule(r)
        for _r, k, lvl in new:
            self._seen.add((r.id, k, lvl))
            self._sounded.add((r.id, k, lvl))
            self.raised.emit(r.id, k, lvl)
        return new

    def _announce(self, found: list[tuple[IncidentRow, str, str]]) -> None:
        """One sound per tick, the rows highlighted, each incident named (or summed up)."""
        if not found:
            return
        worst: dict[int, str] = {}
        for r, _k, lvl in found:
            if RANK[lvl] > RANK.get(worst.get(r.id, ""), 0):
                worst[r.id] = lvl
        for incident_id, lvl in worst.items():
            self._highlight(incident_id, lvl)
        any_breach = "breach" in worst.values()
        self.sound.play("breach" if any_breach else "near")
        labels = {t.key: pick(t.label_zh, t.label_en) for t in self.model.profile.targets}
        rows = {r.id: r for r, _k, _l in found}
        if len(rows) <= MAX_SINGLE_NOTICES:
            for incident_id, r in rows.items():
                # The words sit outside the f-string, where lupdate can see them.
                breached, near = _tr("BREACHED"), _tr("near breach")
                what = ", ".join(f"{labels.get(k, k)} {breached if lvl == 'breach' else near}"
                                 for rr, k, lvl in found if rr.id == incident_id)
                self.app.notify(f"{r.number} {r.category_name} {r.address}: {what}",
                                "error" if worst[incident_id] == "breach" else "warning")
        else:
            numbers = sorted(r.number for r in rows.values())
            self.app.notify(_tr("%1 incidents turned near or breached (%2…)")
                            .replace("%1", str(len(rows))).replace("%2", ", ".join(numbers[:3])),
                            "error" if any_breach else "warning")
        self.persist()

    def _highlight(self, incident_id: int, level: str) -> None:
        current = self.model.alerting.get(incident_id)
        if current is None or RANK[level] > RANK[current]:
            self.model.set_alert(incident_id, level)

    # -- timed duties -------------------------------------------------------------------------
    def remind(self) -> None:
        """Ask the services about the timed duties: units due to set out, units away from a duty
        under way (each raised once per duty)."""
        if (self.app.ctx.actor.user_id is None
                or not is_permitted(self.app.ctx.actor.role, "alert.evaluate")):
            return  # as persist(): a snapshot or a clerk's seat only shows what others raise
        if self._reminding:
            # Asked while a round is out (a plan accepted as the tick's round runs): one more
            # round after it, at its own time; a round already out may have read too early.
            self._remind_again = True
            return
        self._remind_again = False
        self._next_duty_check = self.app.clock().timestamp() + DUTY_CHECK_S
        self._reminding = True
        self.app.run(check_timed_duties, self.app.ctx, self.app.clock(),
                     on_done=self._reminded, on_error=self._remind_failed)

    def _reminded(self, duty_round: DutyRound) -> None:
        self._reminding = False
        raised = duty_round.alerts
        # The checks this round wrote (a crew found away, or there at last) reach this seat's
        # unit board and alert list here: the feed does not echo a seat's own writes. The
        # alerts it raised are added below, not read back.
        rest = tuple(i for i in duty_round.change.items if i.entity != "alert")
        if rest:
            self.app.announce(Change(rest))
        if any(i.entity == "alert" and i.entity_id not in {a.id for a in raised}
               for i in duty_round.change.items):
            self.reload_alerts()  # a reminder withdrawn (its duty went to another unit)
        if raised:
            for a in raised:
                self.alerts[a.id] = a
            self._sound_duties(raised)
            self.alerts_changed.emit()
        if self._remind_again:
            self.remind()

    def _remind_failed(self, exc: BaseException) -> None:
        self._reminding = False
        self._remind_again = False  # not in a loop of failures: the tick asks again
        self.app.report_error(exc)

    def _sound_duties(self, alerts: list[AlertView]) -> None:
        """One sound and a notice naming each unit, for timed duties' alerts (due to set out,
        not there) not yet sounded on this seat."""
        now = self.app.clock()
        fresh = [a for a in alerts if a.unit_id is not None and a.id not in self._sounded_duties
                 and a.acknowledged_at is None and now - a.raised_at <= DUTY_SOUND_WITHIN]
        if not fresh:
            return
        self._sounded_duties.update(a.id for a in fresh)
        breach = any(a.level == "breach" for a in fresh)
        self.sound.play("breach" if breach else "near")
        if len(fresh) > MAX_SINGLE_NOTICES:  # a seat started mid-morning: one line, not six
            signs = sorted({a.incident_number for a in fresh})
            self.app.notify(_tr("%1 units' timed duties need attention (%2…); see the alert list")
                            .replace("%1", str(len(signs))).replace("%2", ", ".join(signs[:3])),
                            "error" if breach else "warning")
            return
        for a in fresh:
            if a.level == "breach":
                # Ordered once the duty was under way: due when it could be there after the order.
                due = local(a.there_by).strftime("%H:%M") if a.there_by is not None else ""
                text = _tr("%1 is not at %2 (due there at %3)").replace("%1", a.incident_number) \
                    .replace("%2", a.category_name).replace("%3", due)
            elif a.ordered_late:  # ordered to a duty already under way
                text = _tr("%1 must set out at once for %2 (ordered after it began)") \
                    .replace("%1", a.incident_number).replace("%2", a.category_name)
            else:
                leave = local(a.leave_by).strftime("%H:%M") if a.leave_by is not None else ""
                text = _tr("%1 must set out by %2 for %3").replace("%1", a.incident_number) \
                    .replace("%2", leave).replace("%3", a.category_name)
            busy = f" · {a.address}" if a.address else ""  # on a call: why it is not there
            self.app.notify(text + busy, "error" if a.level == "breach" else "warning")

    # -- the database side -----------------------------------------------------------------
    def persist(self) -> None:
        """Write the Alert rows (services evaluate from stored times; idempotent over seats)."""
        if self.app.ctx.actor.user_id is None:
            return  # a read-only rendering (snapshot) shows alerts but writes none
        if not is_permitted(self.app.ctx.actor.role, "alert.evaluate"):
            # A clerk's or viewer's seat shows the alerts the duty seats write; it writes none
            # (asking would only put a permission error in its status bar at every sign-in).
            return
        if self._persisting or self._throttle.isActive():
            # One evaluation at a time, at most one per PERSIST_EVERY_MS: the seat has sounded
            # and shown the alert already; the rows are for the record and the other seats.
            self._persist_again = True
            return
        self._persisting = True
        self._throttle.start()
        self.app.run(evaluate_alerts, self.app.ctx, self.app.clock(),
                     on_done=self._persisted, on_error=self._persist_failed)

    def _persisted(self, raised: list[AlertView]) -> None:
        self._persisting = False
        fresh: list[AlertView] = []
        for a in raised:
            self.alerts[a.id] = a
            if a.level == "breach":  # it stands for its timer's near alert (list_alerts)
                for near in [n for n in self.alerts.values()
                             if n.level == "near" and timer_of(n) == timer_of(a)]:
                    del self.alerts[near.id]
            if a.incident_id is None:
                continue
            key = (a.incident_id, a.target, a.level)
            if key not in self._sounded:
                # Newly raised by this call and not sounded here: e.g. a breach that happened
                # while no seat was running. Somebody must hear it now.
                self._seen.add(key)
                self._sounded.add(key)
                fresh.append(a)
            self._highlight(a.incident_id, a.level)
        if fresh:
            # One sound for the batch, however many alerts it holds.
            self.sound.play("breach" if any(a.level == "breach" for a in fresh) else "near")
            level = "error" if any(a.level == "breach" for a in fresh) else "warning"
            if len(fresh) <= MAX_SINGLE_NOTICES:
                for a in fresh:
                    # Composed here, in the console's language.
                    what = _tr("BREACHED") if a.level == "breach" else _tr("near breach")
                    self.app.notify(f"{a.incident_number} {a.category_name} {a.address}: "
                                    f"{alert_target(a.target, a.target_label)} {what}",
                                    "error" if a.level == "breach" else "warning")
            else:
                # After a restart there may be hundreds: one line that names the first few.
                numbers = sorted({a.incident_number for a in fresh})
                self.app.notify(_tr("%1 new alerts on %2 incidents (%3…); see the alert list")
                                .replace("%1", str(len(fresh))).replace("%2", str(len(numbers)))
                                .replace("%3", ", ".join(numbers[:3])), level)
        if raised:
            # Not announced: this seat's panels follow alerts_changed, other seats the feed; an
            # announcement would only make this seat read back the alerts it just wrote.
            self.alerts_changed.emit()
        self._persist_pending()

    def _persist_pending(self) -> None:
        if self._persist_again and not self._persisting and not self._throttle.isActive():
            self._persist_again = False
            self.persist()

    def _persist_failed(self, exc: BaseException) -> None:
        self._persisting = False
        self.app.report_error(exc)
        self._persist_pending()

    def reload_alerts(self) -> None:
        self.app.run(list_alerts, self.app.ctx, on_done=self._alerts_loaded,
                     on_error=self.app.report_error)

    def _alerts_loaded(self, alerts: list[AlertView]) -> None:
        self.alerts = {a.id: a for a in alerts}
        self._sound_duties(alerts)  # raised by another seat: heard here too
        self._refresh_highlights()
        self.alerts_changed.emit()

    def _refresh_highlights(self) -> None:
        worst: dict[int, str] = {}
        for a in self.alerts.values():
            if a.incident_id is not None and RANK[a.level] > RANK.get(worst.get(a.incident_id, ""), 0):
                worst[a.incident_id] = a.level
        for incident_id in list(self.model.alerting):
            if incident_id not in worst:
                self.model.set_alert(incident_id, None)
        for incident_id, level in worst.items():
            self.model.set_alert(incident_id, level)

    def acknowledge(self, alert_ids: list[int], on_done: Any = None) -> None:
        """Acknowledge alerts (audited by the services); the row stops flashing once all are."""
        # Space pressed again before the first acknowledgement came back: those alerts are on
        # their way already (a second request was refused as "already acknowledged by you").
        alert_ids = [i for i in alert_ids if i not in self._acknowledging]
        if not alert_ids:
            return
        self._acknowledging.update(alert_ids)

        # Near alerts first: a breach acknowledges its timer's near alert with it, which
        # would then be refused as "already acknowledged by you".
        levels = {a.id: a.level for a in self.alerts.values()}
        alert_ids.sort(key=lambda i: levels.get(i) == "breach")

        def work(ctx: Any, ids: list[int]) -> list[AlertView]:
            return [acknowledge_alert(ctx, i) for i in ids]

        def done(views: list[AlertView]) -> None:
            self._acknowledging.difference_update(alert_ids)
            for v in views:
                self.alerts.pop(v.id, None)
            self._refresh_highlights()
            self.alerts_changed.emit()
            self.app.announce(Change(tuple(ChangeItem("alert", v.id, "updated") for v in views)))
            if on_done is not None:
                on_done(views)

        def failed(exc: BaseException) -> None:
            self._acknowledging.difference_update(alert_ids)
            self.reload_alerts()  # e.g. another seat acknowledged first: show what is left
            self.app.report_error(exc)

        self.app.run(work, self.app.ctx, list(alert_ids), on_done=done, on_error=failed)

    def acknowledge_incident(self, incident_id: int) -> None:
        ids = [a.id for a in self.alerts.values() if a.incident_id == incident_id]
        if ids:
            self.acknowledge(ids)


def alert_monitor(app: AppContext) -> AlertMonitor:
    from ..board.state import board_state

    monitor: AlertMonitor | None = getattr(app, "_alert_monitor", None)
    if monitor is None:
        monitor = AlertMonitor(app, board_state(app))
        app._alert_monitor = monitor  # type: ignore[attr-defined]
    return monitor
