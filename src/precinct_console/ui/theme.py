"""Fonts that render Chinese on Windows and Linux, and the colours that carry meaning."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

# Windows ships Microsoft YaHei; Linux stations use Noto Sans CJK (Debian fonts-noto-cjk).
FONT_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
                 "WenQuanYi Micro Hei", "PingFang SC", "sans-serif"]


def ui_font(point_size: float = 10.0, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


# Timer and status colours, chosen to stay distinct for red-green colour blindness (Okabe-Ito);
# every coloured state also has a symbol or text so colour is never the only cue.
OK = QColor("#009E73")
NEAR = QColor("#E69F00")
BREACH = QColor("#D55E00")
INFO = QColor("#0072B2")
MUTED = QColor("#7F7F7F")
ORDER_COLOUR = QColor(0, 90, 160)  # the accepted patrol plan: hollow diamonds and dashed lines
MOVE_UP_COLOUR = QColor(0, 140, 100)  # a move-up (补位) the unit board suggests

STATE_COLOURS = {"met": OK, "pending": INFO, "near": NEAR, "breached": BREACH, "na": MUTED}
STATE_SYMBOLS = {"met": "✓", "pending": "◷", "near": "▲", "breached": "✖", "na": "–"}
