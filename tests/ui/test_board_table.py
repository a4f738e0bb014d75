"""The thin table model: filtered, sorted, minimal signals, and consistent for Qt's model tester."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt

from precinct_console.ui.board.table import Column, ThinTableModel

COLUMNS = [
    Column("id", "Id", lambda r: r[0]),
    Column("name", "Name", lambda r: r[1]),
    Column("due", "Due", lambda r: r[2], live=True),
]


def make_model() -> ThinTableModel:
    return ThinTableModel(COLUMNS, key=lambda r: r[0])


def shown(model: ThinTableModel) -> list:
    return [int(model.index(i, 0).data()) for i in range(model.rowCount())]


def test_model_passes_qt_model_tester_through_every_kind_of_change(qtmodeltester):
    model = make_model()
    model.set_rows([(i, f"n{i % 7}", i * 3 % 11) for i in range(20)])
    qtmodeltester.check(model, force_py=True)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    model.upsert([(5, "x", 99), (100, "new", 4)])
    model.set_filter(lambda r: r[1] != "n3")
    model.remove([1, 2, 3])
    model.touch_live()
    qtmodeltester.check(model, force_py=True)


def test_random_changes_keep_the_shown_rows_filtered_and_sorted():
    rng = random.Random(7)
    model = make_model()
    model.set_rows([(i, f"n{rng.randint(0, 5)}", rng.randint(0, 50)) for i in range(200)])
    model.sort(2, Qt.SortOrder.AscendingOrder)
    model.set_filter(lambda r: r[1] != "n0")
    truth = {r[0]: r for r in model.rows()}
    for step in range(400):
        op = rng.random()
        if op < 0.6:
            k = rng.randint(0, 260)
            r = (k, f"n{rng.randint(0, 5)}", rng.randint(0, 50))
            model.upsert([r])
            truth[k] = r
        elif op < 0.8:
            ks = rng.sample(sorted(truth), 3)
            model.remove(ks)
            for k in ks:
                truth.pop(k)
        elif op < 0.9:
            model.sort(rng.choice([0, 2]), rng.choice(list(Qt.SortOrder)))
        else:
            model.MAX_FILTER_BLOCKS = rng.choice([0, 24])  # both the incremental path and the reset
            bad = f"n{rng.randint(0, 5)}"
            model.set_filter(lambda r, bad=bad: r[1] != bad)
        rows = [model.row(k) for k in model.ids()]
        assert all(model._accept(r) for r in rows), step
        col = model._sort_col
        if col is not None:
            values = [r[col] for r in rows]
            desc = model._descending
            assert values == sorted(values, reverse=desc), step
        assert {r[0] for r in truth.values() if model._accept(r)} == set(model.ids())
        assert shown(model) == model.ids()


def test_tick_signals_only_the_live_columns(qtbot):
    model = make_model()
    model.set_rows([(i, "a", i) for i in range(10)])
    seen = []
    model.dataChanged.connect(lambda tl, br, roles: seen.append((tl.row(), tl.column(), br.row(), br.column())))
    model.touch_live()
    assert seen == [(0, 2, 9, 2)]


def test_cached_cell_text_looks_as_drawn_text_in_its_own_font(qapp):
    """The live cells draw from laid-out texts: same place, same weight as drawText gives."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPainter

    from precinct_console.ui.board.timers import StaticTexts
    from precinct_console.ui.theme import ui_font

    def ink(draw) -> tuple[int, tuple[int, int, int, int]]:
        img = QImage(160, 40, QImage.Format.Format_ARGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        p.setPen(QColor("black"))
        p.setFont(ui_font(8))  # whatever the view left on the painter
        draw(p)
        p.end()
        dark = [(x, y) for y in range(40) for x in range(160) if QColor(img.pixel(x, y)).lightness() < 128]
        xs, ys = [x for x, _ in dark], [y for _, y in dark]
        return len(dark), (min(xs), max(xs), min(ys), max(ys))

    rect = QRect(4, 0, 150, 40)
    for bold in (False, True):
        font = ui_font(12, bold=bold)
        texts = StaticTexts(font)

        def by_draw_text(p, font=font):
            p.setFont(font)
            p.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "1:02:03")

        expected_ink, expected_box = ink(by_draw_text)
        for _ in range(2):  # laid out once, then drawn from the cache
            got_ink, got_box = ink(lambda p, texts=texts: texts.draw(p, rect, "1:02:03", right=True))
            assert abs(got_ink - expected_ink) <= 0.1 * expected_ink
            assert all(abs(a - b) <= 1 for a, b in zip(got_box, expected_box, strict=True))
