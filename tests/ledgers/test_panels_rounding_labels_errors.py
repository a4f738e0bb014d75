"""Mean times rounded alike everywhere, thinned day labels on the line chart, and a bulletin
saved into a folder that cannot be made: a plain message, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.services.bulletin import _env, mmss
from precinct_console.ui.context import AppContext


@pytest.mark.parametrize(("seconds", "text"), [
    (107.7, "1:48"), (107.4, "1:47"), (106.5, "1:47"), (59.6, "1:00"), (0, "0:00"), (None, "—"),
])
def test_mean_times_round_to_the_nearest_second_as_excel_shows_them(seconds, text):
    from precinct_console.ui.stats.panel import _mmss

    assert mmss(seconds) == text
    assert _mmss(seconds) == text  # the statistics panel
    assert _env().filters["mmss"](seconds) == text  # the bulletin


@pytest.mark.parametrize(("share", "text"), [
    (13 / 16, "81.3%"), (0.145, "14.5%"), (0.8124, "81.2%"), (1.0, "100.0%"), (None, "—"),
])
def test_shares_round_half_up_on_the_panel_and_in_the_bulletin_as_excel_shows_them(share, text):
    from precinct_console.ui.stats.panel import _pct

    # 13 of 16 incidents set off in time: Excel's 0.0% shows 81.3%, so must the console.
    assert _pct(share) == text  # the statistics panel
    assert _env().filters["pct"](share) == text  # the bulletin


def test_period_comparisons_round_half_up_too():
    from precinct_console.services.statistics import Comparison

    assert Comparison(29, 16).phrase() == "上升81.3%"  # 13/16 more
    assert Comparison(3, 16).phrase() == "下降81.3%"
    assert Comparison(16, 16).phrase() == "持平"


def test_a_month_of_days_on_the_line_chart_is_labelled_sparsely(qtbot):
    from precinct_console.ui.stats.charts import ChartBox

    box = ChartBox("每日 1-3-5 达标率")
    qtbot.addWidget(box)
    labels = [f"11-{d:02d}" for d in range(1, 31)]
    box.lines(labels, [("1分钟出警", [0.5] * 30)])
    shown = [text for _x, text in box.plot.getAxis("bottom")._tickLevels[0]]
    assert len(shown) <= 8 and shown[0] == "11-01"
    box.lines(labels[:7], [("1分钟出警", [0.5] * 7)])  # a week keeps every day
    assert len(box.plot.getAxis("bottom")._tickLevels[0]) == 7


def test_the_line_chart_names_its_series_above_the_plot_not_over_the_lines(qtbot):
    from precinct_console.ui.stats.charts import ChartBox

    box = ChartBox("每日 1-3-5 达标率")
    qtbot.addWidget(box)
    box.resize(430, 240)  # a third of a 1366-pixel panel
    box.show()
    qtbot.waitExposed(box)
    # 100% on the 4th: a legend inside the plot, top right, used to cover that point.
    box.lines(["12-01", "12-02", "12-03", "12-04"],
              [("1分钟出警", [0.4, 0.7, 0.6, 1.0]), ("3分钟到场", [0.2, 0.5, 0.4, 0.9])])
    assert box.legend.names() == ["1分钟出警", "3分钟到场"]
    assert box.plot.plotItem.legend is None
    assert not box.legend.geometry().intersects(box.plot.geometry())
    box.bars(["12-01"], [3])  # a bar chart has no series to name
    assert box.legend.names() == []


@pytest.mark.qt_log_ignore(".*")  # Chromium's GPU probing on a headless machine
def test_saving_the_bulletin_where_no_folder_can_be_made_is_a_plain_message(qtbot, seeded, make_ctx,
                                                                            tmp_path):
    from precinct_console.ui.bulletin.panel import BulletinPanel

    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings(export_folder=str(tmp_path / "exports")))
    notes: list[tuple[str, str]] = []
    app.notified.connect(lambda text, level: notes.append((level, text)))
    panel = BulletinPanel(app)  # deleted at the end, not by qtbot (see the bulletin panel test)
    # Wait for the page to load, not only for its HTML: a page deleted while Chromium starts up
    # left its GPU probe's warning to arrive in the next test of this process, failing it there.
    with qtbot.waitSignal(panel.view.loadFinished, timeout=30_000):
        qtbot.waitUntil(lambda: bool(panel.html), timeout=15_000)
    blocker = tmp_path / "afile"
    blocker.write_text("x")  # a file where the folder should be: no folder can be made under it
    for path, save in ((blocker / "sub" / "b.html", panel.save_html), (blocker / "sub" / "b.pdf", panel.save_pdf)):
        save(str(path))  # raises nothing
        level, text = notes[-1]
        assert level == "error" and str(path) in text and "Could not save" in text
        assert not Path(path).exists()
    with qtbot.waitSignal(panel.destroyed, timeout=5_000):
        panel.deleteLater()


def test_the_bulletin_pdf_says_why_it_failed_in_the_users_language(qapp, tmp_path):
    import errno

    from precinct_console.ui.bulletin.pdf import PdfError, html_to_pdf, os_reason
    from precinct_console.ui.i18n import translating

    blocker = tmp_path / "afile"
    blocker.write_text("x")
    out = blocker / "sub" / "b.pdf"
    with translating(qapp, "zh_CN"):
        # The system's own words are English whatever the locale; the clerk reads why in Chinese.
        assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "没有写入权限"
        assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘已满"
        with pytest.raises(PdfError) as failed:
            html_to_pdf("<p>x</p>", out)
        assert str(failed.value) == f"无法写入 {out}：路径中有同名文件占用了文件夹的位置"
    with pytest.raises(PdfError) as failed:
        html_to_pdf("<p>x</p>", out)
    assert str(failed.value) == f"cannot write {out}: a file stands where a folder should be"
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"
