"""Sign-in dialog, and the first-start dialog that offers the demo precinct or a new station."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.clock import system_clock
from ..domain.errors import KnownError
from ..domain.permissions import Actor
from ..services.accounts import authenticate
from ..services.context import ServiceContext
from ..services.stations import StationInfo, bootstrap_station, get_station
from ..storage.database import Database
from .background import BackgroundRunner
from .error_text import error_text
from .theme import BREACH


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {BREACH.name()}; font-weight: bold;")
    label.hide()
    return label


def _sign_in(db: Database, username: str, password: str, workstation: str,
             clock: Callable) -> tuple[Actor, StationInfo | None]:  # type: ignore[type-arg]
    """Runs on a worker thread: the check and the station's name, both possibly over the network."""
    actor = authenticate(db, username, password, workstation, clock())
    station = None
    if actor.station_id is not None:
        station = get_station(ServiceContext(db, actor, clock))
    return actor, station


class LoginDialog(QDialog):
    """User name and password; the check runs off the GUI thread (the server may be remote)."""

    def __init__(self, db: Database, workstation: str, *, username: str = "", notice: str = "",
                 clock: Callable = system_clock, parent: QWidget | None = None):  # type: ignore[type-arg]
        """notice: why the last session ended (its account was disabled), shown till a sign-in."""
        super().__init__(parent)
        self.db, self.workstation, self.clock = db, workstation, clock
        self.actor: Actor | None = None
        self.station: StationInfo | None = None
        self.runner = BackgroundRunner(self, max_threads=1)
        self.setWindowTitle(self.tr("Precinct Console — sign in"))
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.error = _error_label()
        where = QLabel(self.tr("Database: %1").replace("%1", db.display_url))
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setStyleSheet("color: gray;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        if notice:
            self.error.setText(notice)
            self.error.show()
        layout.addWidget(where)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def _try(self) -> None:
        self.buttons.setEnabled(False)
        self.error.hide()
        self.runner.run(
            _sign_in, self.db, self.username.text(), self.password.text(),
            self.workstation, self.clock, on_done=self._ok, on_error=self._failed,
        )

    def _ok(self, result: tuple[Actor, StationInfo | None]) -> None:
        self.actor, self.station = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password.selectAll()
        self.password.setFocus()
        self.error.setText(error_text(exc) if isinstance(exc, KnownError) else self.tr("Sign-in failed: %1").replace("%1", str(exc)))
        self.error.show()


class FirstStartDialog(QDialog):
    """An empty database: open the demo precinct, or set up this station and its administrator."""

    def __init__(self, db: Database, workstation: str, *, clock: Callable = system_clock,  # type: ignore[type-arg]
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.workstation, self.clock = db, workstation, clock
        self.runner = BackgroundRunner(self, max_threads=1)
        self.result_username = ""
        self.station: StationInfo | None = None
        self.setWindowTitle(self.tr("Precinct Console — first start"))
        intro = QLabel(self.tr(
            "This database is empty. Open the demo precinct to look around, or set up your "
            "station with its first administrator."
        ))
        intro.setWordWrap(True)
        self.demo = QRadioButton(self.tr("Open the demo precinct (90 days of sample incidents)"))
        self.demo.setObjectName("choose_demo")
        self.setup = QRadioButton(self.tr("Set up a new station"))
        self.setup.setObjectName("choose_setup")
        group = QButtonGroup(self)
        group.addButton(self.demo)
        group.addButton(self.setup)
        self.demo.setChecked(True)
        self.code = QLineEdit()
        self.name = QLineEdit()
        self.admin = QLineEdit("admin")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        for edit, name in ((self.code, "station_code"), (self.name, "station_name"),
                           (self.admin, "admin"), (self.password, "password"),
                           (self.password2, "password2")):
            edit.setObjectName(name)
        self.form_box = QWidget()
        form = QFormLayout(self.form_box)
        form.addRow(self.tr("Station code"), self.code)
        form.addRow(self.tr("Station name"), self.name)
        form.addRow(self.tr("Administrator"), self.admin)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.password2)
        self.form_box.setEnabled(False)
        self.setup.toggled.connect(self.form_box.setEnabled)
        self.error = _error_label()
        self.progress = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._go)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        widgets: tuple[QWidget, ...] = (
            intro, self.demo, self.setup, self.form_box, self.error, self.progress, self.buttons
        )
        for widget in widgets:
            layout.addWidget(widget)

    def _go(self) -> None:
        self.error.hide()
        if self.setup.isChecked():
            if self.password.text() != self.password2.text():
                self._failed(KnownError(self.tr("The two passwords differ.")))
                return
            self.buttons.setEnabled(False)
            self.runner.run(
                bootstrap_station, self.db, self.code.text(), self.name.text(), self.admin.text(),
                self.password.text(), workstation=self.workstation, clock=self.clock,
                on_done=self._station_done, on_error=self._failed,
            )
        else:
            from ..demo import build_demo

            self.buttons.setEnabled(False)
            self.progress.setText(self.tr("Building the demo precinct…"))
            self.runner.run(build_demo, self.db, on_done=self._demo_done, on_error=self._failed)

    def _station_done(self, station: StationInfo) -> None:
        self.station = station
        self.result_username = self.admin.text().strip()
        self.accept()

    def _demo_done(self, _summary: object) -> None:
        self.result_username = "duty"
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.progress.clear()
        self.error.setText(error_text(exc))
        self.error.show()
