"""Batched layers: polygons of any shape in one path, simplified copies when zoomed out, labels by room."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPen, QTransform

from precinct_console.ui.map.canvas import MapCanvas
from precinct_console.ui.map.layers import LabelLayer, PathLayer, simplified
from precinct_console.ui.theme import ui_font

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _wiggly(cx: float, cy: float, r: float, n: int) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    ring = np.column_stack([cx + r * np.cos(t) * (1 + 0.0005 * np.sin(9 * t)), cy + r * np.sin(t)])
    return np.vstack([ring, ring[:1]])


def test_rings_of_different_lengths_batch_and_simplify(qtbot):
    rings = [_wiggly(i * 300.0, 0.0, 100.0, n) for i, n in enumerate((12, 80, 400))]
    simple = simplified(rings, 2.0)
    assert [len(r) for r in simple] != [len(r) for r in rings]
    assert all(len(r) >= 4 and np.allclose(r[0], r[-1]) for r in simple)
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(800, 500)
    canvas.show()
    layer = canvas.levels[3]
    layer.set_rings(rings)
    assert layer.path().elementCount() == sum(len(r) for r in rings)
    canvas.center_on(300, 0, width_m=100_000)  # far out: a pixel is 125 m, the coarsest copy serves
    canvas.grab()
    assert layer.painted_tolerance == 32.0
    canvas.center_on(300, 0, width_m=300)  # close in: every vertex counts
    canvas.grab()
    assert layer.painted_tolerance == 0.0


def test_a_label_shows_only_when_its_room_fits_it(qtbot):
    labels = LabelLayer(ui_font(9), QColor("black"))
    labels.set_labels([0.0, 1000.0], [0.0, 0.0], ["幸福里微网格", "大"], room=[200.0, 200.0])
    # 0.1 px per metre: 200 m of room is 20 px, too little for the long name, enough for one glyph.
    near = labels.visible_labels(QTransform.fromScale(0.1, -0.1).translate(50, 0), 800, 600)
    assert list(near) == [1]
    far = labels.visible_labels(QTransform.fromScale(1.0, -1.0).translate(100, -100), 2000, 600)
    assert list(far) == [0, 1]


def test_path_layer_pen_is_cosmetic():
    layer = PathLayer(QPen(QColor("blue"), 2.0))
    assert layer._pen.isCosmetic()
