"""Render the application icon set (PNG 16-256 px and a Windows .ico) from resources/icons/*.svg."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
NAME = "precinct-console"
SIZES = [16, 24, 32, 48, 64, 128, 256]
# Below 48 px the detailed drawing turns to mush; the small drawing keeps the shield and pin.
SMALL_UP_TO = 32


def render(size: int) -> QImage:
    source = ICONS / (f"{NAME}-small.svg" if size <= SMALL_UP_TO else f"{NAME}.svg")
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """A multi-size .ico of PNG frames (Windows Vista and later read PNG frames).

    Qt's own ICO writer stores one size only; Explorer, the task bar and Inno Setup each
    pick a different size, so the file carries all of them.
    """
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = [], []
    for size, blob in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    path.write_bytes(header + b"".join(entries) + b"".join(blobs))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    frames: dict[int, bytes] = {}
    for size in SIZES:
        blob = png_bytes(render(size))
        (ICONS / f"{NAME}-{size}.png").write_bytes(blob)
        frames[size] = blob
    write_ico(ICONS / f"{NAME}.ico", frames)
    print(f"wrote {len(SIZES)} PNG sizes and {NAME}.ico to {ICONS}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
