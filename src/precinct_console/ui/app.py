"""Start the console: settings, database upgrade, first start or sign-in, then the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ..config import APP_AUTHOR, APP_NAME, Settings, SettingsError, load_settings
from ..domain.clock import ServerClock
from ..domain.errors import KnownError
from ..logging_setup import configure_logging
from ..services.accounts import has_users
from ..services.context import ServiceContext
from ..services.reference import ensure_reference_data
from ..services.sync import latest_feed_id
from ..storage.database import Database
from ..storage.migrate import upgrade_to_head
from .about import app_icon
from .context import AppContext
from .error_text import error_text
from .errors import ErrorNotifier
from .i18n import choose_language, install_translators
from .login import FirstStartDialog, LoginDialog
from .main_window import MainWindow
from .server_time import ServerTimeKeeper
from .sync import FeedThread
from .theme import ui_font

log = logging.getLogger("precinct_console.ui")


def make_application(settings: Settings) -> QApplication:
    if QApplication.instance() is None:
        # The bulletin's web view needs this before the application exists (imports nothing heavy).
        from .bulletin.pdf import prepare_webengine

        prepare_webengine()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(APP_AUTHOR)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Precinct Console")
    app.setWindowIcon(app_icon())  # ui/about.py: the icon set in resources/icons
    app.setDesktopFileName("precinct-console")  # ties windows to the .desktop entry on Linux
    app.setFont(ui_font())
    app._translators = install_translators(app, choose_language(settings.language))  # type: ignore[attr-defined]
    return app


def open_database_or_explain(settings: Settings) -> Database | None:
    try:
        db = Database.open(settings.resolved_database_url)
        upgrade_to_head(db)
        ensure_reference_data(db)
        return db
    except KnownError as exc:
        QMessageBox.critical(None, "Precinct Console", error_text(exc))
    except Exception as exc:  # unreachable server, bad URL: say so plainly
        log.exception("cannot open the database")
        QMessageBox.critical(
            None, "Precinct Console",
            QApplication.translate("app", "The database cannot be opened:\n%1").replace("%1", str(exc)),
        )
    return None


def start_window(db: Database, settings: Settings, login: LoginDialog) -> tuple[MainWindow, FeedThread]:
    assert login.actor is not None
    clock = ServerClock()
    ctx = ServiceContext(db, login.actor, clock)
    app_ctx = AppContext(ctx, settings)
    ServerTimeKeeper(app_ctx, clock).measure_now()
    window = MainWindow(app_ctx, station_name=login.station.name if login.station else None)
    feed = FeedThread(db, after_id=latest_feed_id(db))
    feed.events.connect(app_ctx.on_feed)
    feed.state_changed.connect(app_ctx.connection_state.emit)
    feed.start()
    app_ctx.start_ticking()
    return window, feed


def run_gui(db_url: str | None = None) -> int:
    configure_logging()
    try:
        settings = load_settings(database_url=db_url)
    except SettingsError as exc:
        # The file that would choose the language is the broken one: say it in the default
        # language (Chinese), naming the file and the setting.
        make_application(Settings())
        QMessageBox.critical(None, "Precinct Console", error_text(exc))
        return 2
    app = make_application(settings)
    notifier = ErrorNotifier(app)
    notifier.install()
    db = open_database_or_explain(settings)
    if db is None:
        return 1
    username, notice = "", ""
    while True:
        if not has_users(db):
            first = FirstStartDialog(db, settings.workstation)
            if first.exec() != QDialog.DialogCode.Accepted:
                return 0
            username = first.result_username
        login = LoginDialog(db, settings.workstation, username=username, notice=notice)
        if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
            return 0
        window, feed = start_window(db, settings, login)
        # A known error no panel caught (raised straight out of a slot) still reaches the user.
        shown = notifier.known.connect(lambda text, w=window: w.app.notify(text, "error"))
        window.show()
        code = app.exec()
        notifier.known.disconnect(shown)
        # The signed-out seat's timers would go on raising alerts and checking duties under its
        # account while the sign-in screen is up (and beside the next account's).
        window.app.close()
        feed.stop()
        if not window.signed_out:
            return code
        username, notice = "", window.sign_out_notice
