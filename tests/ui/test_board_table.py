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
