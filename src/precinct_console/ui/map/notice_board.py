"""The public notice board (警务公示牌) of a grid as an A4 PDF, drawn with QPainter on QPdfWriter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from ...domain import geo
from ...domain.clock import local
from ...services.map_data import GridCard
from ..theme import FONT_FAMILIES

EMERGENCY_NUMBER = "110"
NAVY = QColor("#12355B")
RED = QColor("#C0282D")
GREY = QColor("#5A5A5A")
_DPI = 300
_PAGE_W_MM, _PAGE_H_MM = 210.0, 297.0


def _font(size_pt: float, *, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPointSizeF(size_pt)
    f.setBold(bold)
    return f


class _Page:
    """Millimetre helpers over a painter on a 300 dpi page."""

    def __init__(self, painter: QPainter):
        self.p = painter
        self.k = _DPI / 25.4

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.k, y * self.k, w * self.k, h * self.k)

    def text(self, x: float, y: float, w: float, h: float, text: str, size: float, *,
             bold: bool = False, colour: QColor | Qt.GlobalColor = Qt.GlobalColor.black,
             align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) -> None:
        self.p.setFont(_font(size, bold=bold))
        self.p.setPen(QColor(colour))
        self.p.drawText(self.rect(x, y, w, h), int(align) | int(Qt.TextFlag.TextWordWrap), text)

    def fill(self, x: float, y: float, w: float, h: float, colour: QColor) -> None:
        self.p.fillRect(self.rect(x, y, w, h), colour)

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: QColor, width_mm: float) -> None:
        self.p.setPen(QPen(colour, width_mm * self.k))
        self.p.drawLine(QPointF(x1 * self.k, y1 * self.k), QPointF(x2 * self.k, y2 * self.k))


def render_notice_board(card: GridCard, path: Path | str, *, now: datetime) -> Path:
    """Write the grid's notice board to `path` (A4 portrait) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"警务公示牌 {card.code} {card.name}")
    writer.setCreator("Precinct Console")
    painter = QPainter(writer)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(_Page(painter), card, now)
    finally:
        painter.end()
    return path


def _draw(pg: _Page, card: GridCard, now: datetime) -> None:
    left, width = 15.0, _PAGE_W_MM - 30.0
    # Header band: what this board is and whose it is.
    pg.fill(0, 0, _PAGE_W_MM, 42, NAVY)
    pg.text(left, 8, width, 18, "警务公示牌", 34, bold=True, colour=QColor("white"),
            align=Qt.AlignmentFlag.AlignCenter)
    pg.text(left, 27, width, 10, f"{card.station_name}  ·  {card.level_name_zh}警务公示",
            13, colour=QColor("white"), align=Qt.AlignmentFlag.AlignCenter)

    y = 50.0
    pg.text(left, y, width, 12, f"{card.name}", 24, bold=True, colour=NAVY)
    y += 12
    where = f"网格编码 {card.code}"
    if card.parent_code:
        where += f"    所属 {card.parent_name}（{card.parent_code}）"
    where += f"    面积 {card.area_m2 / 1e6:.2f} 平方公里"
    pg.text(left, y, width, 8, where, 11, colour=GREY)
    y += 11
    pg.line(left, y, left + width, y, NAVY, 0.6)
    y += 5

    # People: community officer large, the others in a table; the outline map on the right.
    table_w = 112.0
    officers = card.people_in("community_officer")
    for person in officers[:2]:
        pg.fill(left, y, table_w, 30, QColor("#EEF3F8"))
        pg.text(left + 4, y + 2, 40, 8, "社区民警", 12, bold=True, colour=NAVY)
        pg.text(left + 4, y + 10, table_w - 8, 11, person.name, 24, bold=True)
        pg.text(left + 4, y + 21, table_w - 8, 8, f"电话 {person.phone}", 14)
        y += 33
    map_top = y - 33 * min(2, len(officers))
    rows = [p for p in card.people if p.role != "community_officer"]
    if rows:
        pg.fill(left, y, table_w, 8, NAVY)
        for x, w, head in ((left + 3, 28, "职务"), (left + 31, 38, "姓名"), (left + 69, 43, "联系电话")):
            pg.text(x, y, w, 8, head, 11, bold=True, colour=QColor("white"))
        y += 8
        for i, person in enumerate(rows[:14]):
            if i % 2:
                pg.fill(left, y, table_w, 9, QColor("#F5F5F5"))
            pg.text(left + 3, y, 28, 9, person.role_zh, 12)
            pg.text(left + 31, y, 38, 9, person.name, 12, bold=True)
            pg.text(left + 69, y, 43, 9, person.phone, 12)
            y += 9
        if len(rows) > 14:
            pg.text(left + 3, y, table_w, 8, f"另有 {len(rows) - 14} 人，详见社区警务室", 10, colour=GREY)
            y += 8
    if not card.people:
        pg.text(left, y, table_w, 10, "本网格责任人待公示", 13, colour=GREY)
        y += 12
    _outline(pg, card, left + table_w + 6, map_top, width - table_w - 6, 72)
    y = max(y, map_top + 76) + 6

    if card.posts:
        pg.text(left, y, width, 8, "就近警务站（室）", 12, bold=True, colour=NAVY)
        y += 8
        for _code, name, phone in card.posts[:3]:
            pg.text(left + 3, y, width, 8, f"{name}    {phone}", 12)
            y += 8
        y += 3

    # The emergency number: the one thing a passer-by must read from across the street.
    box_y = max(y + 4, 200.0)
    pg.fill(left, box_y, width, 46, RED)
    pg.text(left, box_y + 3, width, 12, "24小时报警求助电话", 20, bold=True, colour=QColor("white"),
            align=Qt.AlignmentFlag.AlignCenter)
    pg.text(left, box_y + 14, width, 30, EMERGENCY_NUMBER, 60, bold=True, colour=QColor("white"),
            align=Qt.AlignmentFlag.AlignCenter)
    y = box_y + 50
    if card.station_phone:
        pg.text(left, y, width, 9, f"{card.station_name}值班电话  {card.station_phone}", 14, bold=True,
                align=Qt.AlignmentFlag.AlignCenter)
        y += 10
    pg.text(left, y, width, 14, "有困难找警察。遇到违法犯罪、纠纷求助，请拨打110或联系社区民警；"
            "紧急情况请直接拨打110。", 11, colour=GREY, align=Qt.AlignmentFlag.AlignCenter)
    pg.line(left, 284, left + width, 284, NAVY, 0.4)
    pg.text(left, 285, width, 7, f"{card.station_name}  公示日期 {local(now):%Y-%m-%d}", 9,
            colour=GREY, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _outline(pg: _Page, card: GridCard, x: float, y: float, w: float, h: float) -> None:
    """The grid's outline, north up, so a reader sees which blocks the board covers."""
    rings = geo.rings_of(card.geometry) if card.geometry else []
    if not rings:
        return
    lon0 = sum(p[0] for p in rings[0]) / len(rings[0])
    lat0 = sum(p[1] for p in rings[0]) / len(rings[0])
    from ...domain.travel import local_xy

    pts = [[local_xy(p[0], p[1], lon0, lat0) for p in ring] for ring in rings]
    xs = [float(a) for ring in pts for a, _ in ring]
    ys = [float(b) for ring in pts for _, b in ring]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    scale = min(w, h - 8) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    path = QPainterPath()
    for ring in pts:
        for i, (px, py) in enumerate(ring):
            qx = (x + w / 2 + (float(px) - cx) * scale) * pg.k
            qy = (y + (h - 8) / 2 - (float(py) - cy) * scale) * pg.k
            if i == 0:
                path.moveTo(qx, qy)
            else:
                path.lineTo(qx, qy)
        path.closeSubpath()
    pg.p.setPen(QPen(NAVY, 0.5 * pg.k))
    pg.p.setBrush(QColor(18, 53, 91, 40))
    pg.p.drawPath(path)
    pg.p.setBrush(Qt.BrushStyle.NoBrush)
    pg.text(x, y + h - 7, w, 6, f"网格范围示意（上北）  约 {span:,.0f} 米", 8, colour=GREY,
            align=Qt.AlignmentFlag.AlignCenter)
