"""The main window: dockable panels from the registry, menus, shortcuts and the status bar."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QScrollArea,
    QWidget,
)

from .. import __version__
from ..domain.clock import local
from ..domain.errors import AccountChanged, RoleChanged
from ..domain.permissions import is_permitted
from ..services.stations import get_station
from .context import AppContext
from .forms import open_within_screen, scroll_area
from .panels import PANELS, PanelSpec
from .password_dialog import change_own_password
from .roles import role_name
from .settings_store import qsettings
from .theme import BREACH, NEAR, OK

log = logging.getLogger("precinct_console.ui")

_AREAS = {
    "center": Qt.DockWidgetArea.LeftDockWidgetArea,
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
}
LAYOUT_VERSION = 1
ALERT_DOCK_WIDTH = 440  # px on the first start; after that the officer's own layout is kept
UNIT_DOCK_HEIGHT = 300  # px: the unit board's summary, header and about seven units
# Kept beside a panel that fills the window: a breach is never out of sight.
ALWAYS_SHOWN = ("alerts",)


class MainWindow(QMainWindow):
    def __init__(self, app: AppContext, panels: list[PanelSpec] | None = None,
                 station_name: str | None = None):
        super().__init__()
        self.app = app
        self.setObjectName("MainWindow")
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        # Panels are docks all around; a zero-width centre lets them share the whole window. Only
        # its width is held at zero: held at zero height too, it pinned the row of side docks to
        # their minimum height and gave the unit board below all the rest.
        centre = QWidget()
        centre.setMaximumWidth(0)
        self.setCentralWidget(centre)
        self.signed_out = False
        # Why the seat was signed out, for the sign-in screen (its account was disabled).
        self.sign_out_notice = ""
        self._outage_message: str | None = None
        self.docks: dict[str, QDockWidget] = {}
        self.panel_widgets: dict[str, QWidget] = {}
        # The layout to go back to while one panel fills the window (View > Fill the window).
        self._before_filling: QByteArray | None = None
        self._front: QDockWidget | None = None  # the tabbed panel last brought to the front
        self._tabbed: set[QDockWidget] = set()  # the panels sharing the main tabbed area
        # The sign-in dialog fetched the name off the GUI thread; others ask here.
        self.station_name = station_name or get_station(app.ctx).name
        actor = app.ctx.actor
        self.setWindowTitle(
            f"Precinct Console {__version__} — {self.station_name} — {actor.username} "
            f"({role_name(actor.role)})"
        )
        self._build_status_bar()
        self._build_panels(panels if panels is not None else PANELS)
        self._build_menus()
        app.notified.connect(self.show_message)
        app.connection_state.connect(self.set_connection_state)
        app.reconnected.connect(self._link_back)
        app.account_changed.connect(self._account_changed)
        self._restore_layout()

    # panels ------------------------------------------------------------------------------
    def _build_panels(self, specs: list[PanelSpec]) -> None:
        first_in_area: dict[str, QDockWidget] = {}
        for spec in specs:
            try:
                widget = spec.create(self.app)
            except Exception:
                # One broken panel must not take the console down through a night shift.
                log.exception("panel %s failed to open", spec.key)
                widget = QLabel(self.tr("This panel could not be opened; see the log."))
            dock = QDockWidget(spec.translated_title(), self)
            dock.setObjectName(f"dock_{spec.key}")
            dock.setWidget(_scrolling(widget))
            area = _AREAS.get(spec.area, Qt.DockWidgetArea.LeftDockWidgetArea)
            self.addDockWidget(area, dock)
            group = "left" if spec.area == "center" else spec.area
            if group in first_in_area:
                self.tabifyDockWidget(first_in_area[group], dock)
            else:
                first_in_area[group] = dock
            self.docks[spec.key] = dock
            self.panel_widgets[spec.key] = widget
            if spec.area == "center":
                self._tabbed.add(dock)
                dock.visibilityChanged.connect(lambda shown, d=dock: self._brought_forward(d, shown))
        for dock in first_in_area.values():
            dock.raise_()

    def show_panel(self, key: str) -> None:
        dock = self.docks.get(key)
        if dock is not None:
            if dock.isHidden() and self._before_filling is not None:
                self.fill_window(False)  # asked for a panel put away: the whole layout returns
            dock.show()
            dock.raise_()
            self._focus_home(self.panel_widgets[key])

    @staticmethod
    def _focus_home(widget: QWidget) -> None:
        """The panel's list where it names one (keyboard_home): there the arrows and the
        panel's keys act at once. Not a focus proxy: Tab then jumped past the controls before
        the list (the board's filter, Acknowledge) and skipped the list itself."""
        home = getattr(widget, "keyboard_home", None)
        (home if isinstance(home, QWidget) else widget).setFocus()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab skip the panels behind another tab. Qt keeps those 'visible',
        moved off the window, so Tab walked into them: the focus vanished, and a board key
        (C closes, N notes) then acted on an incident the officer could not see."""
        start = QApplication.focusWidget()
        for _ in range(1000):  # the window's whole chain, with room to spare
            if not super().focusNextPrevChild(next):
                return False
            widget = QApplication.focusWidget()
            if widget is None or widget is start or self._on_screen(widget):
                return True
        return True

    def _on_screen(self, widget: QWidget) -> bool:
        """Not inside a dock that is behind another tab (or closed)."""
        parent: QWidget | None = widget
        while parent is not None and not isinstance(parent, QDockWidget):
            parent = parent.parentWidget()
        return parent is None or not parent.visibleRegion().isEmpty()

    # menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        password = QAction(self.tr("Change &password…"), self)
        password.triggered.connect(lambda: change_own_password(self.app, self))
        # A seat signed in as nobody (the snapshot, the scheduler) has no password to change.
        password.setEnabled(self.app.ctx.actor.user_id is not None)
        file_menu.addAction(password)
        # Only for the roles that manage accounts (an administrator); the services check again.
        self.accounts_action = QAction(self.tr("&Accounts…"), self)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.accounts_action.setVisible(is_permitted(self.app.ctx.actor.role, "user.add"))
        file_menu.addAction(self.accounts_action)
        file_menu.addSeparator()
        sign_out = QAction(self.tr("Sign &out"), self)
        sign_out.triggered.connect(self._sign_out)
        file_menu.addAction(sign_out)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        for spec in PANELS:
            dock = self.docks.get(spec.key)
            if dock is None:
                continue
            action = QAction(spec.translated_title(), self)
            if spec.shortcut:
                action.setShortcut(QKeySequence(spec.shortcut))
            action.triggered.connect(lambda _=False, k=spec.key: self.show_panel(k))
            view_menu.addAction(action)
        view_menu.addSeparator()
        # On a 1366x768 seat the roster or the plan get a third of the height beside the unit
        # board; the chief planning a week wants it all for a while, then the console back.
        self.fill_action = QAction(self.tr("&Fill the window with this panel"), self)
        self.fill_action.setCheckable(True)
        self.fill_action.setShortcut(QKeySequence("F11"))
        self.fill_action.toggled.connect(self.fill_window)
        view_menu.addAction(self.fill_action)
        reset = QAction(self.tr("&Reset layout"), self)
        reset.triggered.connect(self._reset_layout)
        view_menu.addAction(reset)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Precinct Console"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def open_accounts(self) -> None:
        from .accounts_dialog import AccountsDialog  # opened now and then, by an administrator

        dialog = AccountsDialog(self.app, self)
        dialog.exec()
        dialog.deleteLater()

    def _about(self) -> None:
        from .about import AboutDialog  # ui/about.py: version, Qt, licences of bundled libraries

        AboutDialog(self, database=self.app.ctx.db.display_url).exec()

    def _sign_out(self) -> None:
        self.signed_out = True
        self.close()

    def _account_changed(self, refusal: AccountChanged) -> None:
        """An administrator disabled the account this seat is signed in with, or gave it another
        role: each write was refused, the alert timers' every few seconds. The seat has stopped
        its work (AppContext); its open forms close, and the sign-in screen says why, naming what
        was not saved."""
        username = refusal.username or self.app.ctx.actor.username
        forms = list(self.app.unsaved)
        for dialog in self._open_dialogs():
            if dialog.windowTitle() and dialog.windowTitle() not in forms:
                forms.append(dialog.windowTitle())
            dialog.reject()  # a form's exec() returns: nothing of it is sent any more
        if isinstance(refusal, RoleChanged):
            role = role_name(refusal.role)
            notice = self.tr("An administrator has made the account %1 %2: this seat was signed "
                             "out. Sign in again to work as %2.").replace("%1", username) \
                .replace("%2", role)
        else:
            notice = self.tr("An administrator has disabled the account %1: this seat was signed "
                             "out. Sign in with an account in use.").replace("%1", username)
        if forms:
            notice += "\n" + self.tr("Not saved: %1").replace("%1", "、".join(forms))
        self.sign_out_notice = notice
        self._sign_out()

    def _open_dialogs(self) -> list[QDialog]:
        """This window's forms and dialogs on screen (intake, a roster form, the handover)."""
        found = []
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                parent = widget.parentWidget()
                while parent is not None and parent is not self:
                    parent = parent.parentWidget()
                if parent is self:
                    found.append(widget)
        return found

    def _brought_forward(self, dock: QDockWidget, shown: bool) -> None:
        if shown:  # a tab raised, or the panel shown again
            self._front = dock

    def current_panel(self) -> QDockWidget | None:
        """The panel the user works in: the unit board or a side panel holding the keyboard
        focus, else the tabbed panel at the front (the focus may linger in a tab behind it)."""
        widget = QApplication.focusWidget()
        while widget is not None:
            if isinstance(widget, QDockWidget):
                key = widget.objectName()[len("dock_"):]
                if self.docks.get(key) is widget and key not in ALWAYS_SHOWN and \
                        widget not in self._tabbed:
                    return widget
                break
            widget = widget.parentWidget()
        return self._front

    def fill_window(self, on: bool) -> None:
        """One panel takes the window (the alert list stays beside it); again, the layout returns."""
        if on and self._before_filling is None:
            panel = self.current_panel()
            if panel is None:
                self.fill_action.setChecked(False)
                return
            self._before_filling = self.saveState(LAYOUT_VERSION)
            panel.setFloating(False)
            for key, dock in self.docks.items():
                if dock is not panel and key not in ALWAYS_SHOWN:
                    dock.hide()
            panel.show()
            panel.raise_()
            # The keyboard stays where it was in the panel (the calendar's cell, the unit picked),
            # else goes to the panel's list: never to a hidden panel, nor to the panel itself.
            focus = QApplication.focusWidget()
            if focus is None or not panel.isAncestorOf(focus):
                key = panel.objectName()[len("dock_"):]
                self._focus_home(self.panel_widgets.get(key, panel.widget()))
            self.show_message(self.tr("%1 fills the window; F11 brings the other panels back")
                              .replace("%1", panel.windowTitle()))
        elif not on and self._before_filling is not None:
            state, self._before_filling = self._before_filling, None
            focus = QApplication.focusWidget()
            self.restoreState(state, LAYOUT_VERSION)
            # Restoring hides and shows the docks, which took the focus away: none was left.
            if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
                focus.setFocus()
        if self.fill_action.isChecked() != (self._before_filling is not None):
            self.fill_action.setChecked(self._before_filling is not None)

    # status bar --------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        actor = self.app.ctx.actor
        self.user_label = QLabel(f"{actor.username} · {role_name(actor.role)} · {actor.workstation}")
        self.db_label = QLabel(self.app.ctx.db.display_url if not self.app.ctx.db.is_sqlite
                               else self.tr("Local database"))
        self.db_label.setToolTip(self.app.ctx.db.display_url)
        self.connection_label = QLabel()
        self.connection_label.setObjectName("connection_state")
        self.clock_label = QLabel()
        for w in (self.user_label, self.db_label, self.connection_label, self.clock_label):
            bar.addPermanentWidget(w)
        self.set_connection_state("connected")
        self._update_clock()
        self.app.tick.connect(self._update_clock)

    def _update_clock(self) -> None:
        self.clock_label.setText(local(self.app.clock()).strftime("%Y-%m-%d %H:%M:%S"))

    def set_connection_state(self, state: str) -> None:
        texts = {
            "connected": (self.tr("● Connected"), OK),
            "reconnecting": (self.tr("◐ Reconnecting…"), NEAR),
            "offline": (self.tr("○ Offline"), BREACH),
        }
        text, colour = texts.get(state, (state, NEAR))
        self.connection_label.setText(text)
        self.connection_label.setStyleSheet(f"color: {colour.name()}; font-weight: bold;")
        self.connection_state = state

    def _link_back(self) -> None:
        # "Cannot reach the database" beside "● Connected" would leave the officer unsure which
        # to believe: the outage message goes with the outage.
        if self._outage_message is not None and \
                self.statusBar().currentMessage() == self._outage_message:
            self.show_message(self.tr("The database connection is back"), "info")
        self._outage_message = None

    def show_message(self, text: str, level: str = "info") -> None:
        """Status-bar message; errors stay until replaced, an outage's until the link is back."""
        colour = {"error": BREACH, "outage": BREACH, "warning": NEAR}.get(level)
        self.statusBar().setStyleSheet(f"QStatusBar {{ color: {colour.name()}; }}" if colour else "")
        self.statusBar().showMessage(text, 0 if level in ("error", "outage") else 15000)
        if level == "outage":
            self._outage_message = text

    # layout persistence ------------------------------------------------------------------
    def _restore_layout(self) -> None:
        self._default_state = self.saveState(LAYOUT_VERSION)
        settings = qsettings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            open_within_screen(self, 1600, 1000)
        self._first_show_sizes = not isinstance(state, QByteArray)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_show_sizes:
            self._first_show_sizes = False
            # After the first layout pass: before it, Qt has not yet shared the width out.
            QTimer.singleShot(0, self._set_default_sizes)

    def _set_default_sizes(self) -> None:
        """The first layout (and Reset layout): the alert list wide enough to show an alert's
        level, number and target uncut (Qt's own share left it a third narrower), and the unit
        board a strip of about seven units under the panels (it took 40% of the height)."""
        alerts, board, units = (self.docks.get(k) for k in ("alerts", "board", "units"))
        if alerts is not None and board is not None and alerts.isVisible():
            # Both sides at once: asked for one area alone, Qt sizes it only approximately.
            self.resizeDocks([board, alerts], [self.width() - ALERT_DOCK_WIDTH, ALERT_DOCK_WIDTH],
                             Qt.Orientation.Horizontal)
        if units is not None and units.isVisible() and not units.isFloating():
            self.resizeDocks([units], [min(UNIT_DOCK_HEIGHT, self.height() // 3)],
                             Qt.Orientation.Vertical)

    def save_layout(self) -> None:
        self.fill_window(False)  # the next start opens on the whole layout, not one panel
        settings: QSettings = qsettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        settings.sync()

    def _reset_layout(self) -> None:
        self.fill_window(False)
        for dock in self.docks.values():
            dock.show()

        def reset() -> None:
            self.restoreState(self._default_state, LAYOUT_VERSION)
            QTimer.singleShot(0, self._set_default_sizes)

        QTimer.singleShot(0, reset)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)


def _scrolling(panel: QWidget) -> QScrollArea:
    """The panel in a frameless scroll area: the window's minimum size is then no panel's, so it
    fits a 1366x768 screen (the roster's tool row alone is 1,030 px wide, the allocation panel
    590 px high, which held the window at 1420x801 with its status bar below the screen's edge).
    With room enough the panel fills the area and no scroll bar shows."""
    area = scroll_area(panel)
    area.setFocusProxy(panel)
    return area
