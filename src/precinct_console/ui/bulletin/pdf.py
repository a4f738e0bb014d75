"""HTML to PDF through QtWebEngine (imported lazily: it is heavy and only the bulletin needs it)."""

from __future__ import annotations

import os
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QEventLoop, QMarginsF, Qt, QTimer, QUrl
from PySide6.QtGui import QPageLayout, QPageSize

from ...config import resources_dir
from ..error_text import os_reason
from ..i18n import tr


class PdfError(RuntimeError):
    """The bulletin could not be turned into a PDF (the message says why, translated)."""


def prepare_webengine() -> None:
    """Call before the QApplication exists: QtWebEngine needs shared OpenGL contexts, and as root
    (a kiosk seat) or without a GPU Chromium needs these flags."""
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--disable-gpu" not in flags and os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox --disable-gpu").strip()


def base_url() -> QUrl:
    return QUrl.fromLocalFile(str(resources_dir() / "templates") + "/")


def html_to_pdf(html: str, path: Path, *, timeout_ms: int = 60_000) -> Path:
    """Lay the page out on A4 and print it to path; blocks (with a local event loop) until done."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PdfError(tr("cannot write {path}: {reason}").format(path=path, reason=os_reason(exc))
                       ) from exc
    from PySide6.QtWebEngineCore import QWebEnginePage

    page = QWebEnginePage()
    loop = QEventLoop()
    state: dict[str, object] = {}

    def loaded(ok: bool) -> None:
        if not ok:
            state["error"] = tr("the bulletin page did not load")
            loop.quit()
            return
        layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                             QMarginsF(0, 0, 0, 0))  # the page's own @page CSS sets the margins
        page.printToPdf(str(path), layout)

    def printed(file_path: str, ok: bool) -> None:
        state["ok"] = ok
        loop.quit()

    page.loadFinished.connect(loaded)
    page.pdfPrintingFinished.connect(printed)
    timer = QTimer()
    timer.setSingleShot(True)
    def give_up() -> None:
        state.setdefault("error", tr("timed out rendering the PDF"))
        loop.quit()

    timer.timeout.connect(give_up)
    timer.start(timeout_ms)
    page.setHtml(html, base_url())
    loop.exec()
    timer.stop()
    # Delete the page now: a page still alive when the profile goes at exit makes Qt complain.
    shiboken6.delete(page)
    if "error" in state:
        raise PdfError(str(state["error"]))
    if not state.get("ok") or not path.exists():
        raise PdfError(tr("printing the bulletin to {path} failed").format(path=path))
    return path
