"""A georeferenced base image (PNG/JPEG plus an ESRI world file in WGS84 lon/lat) under the grids."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage, QTransform

from ...domain.errors import ValidationError
from ...domain.travel import local_xy

WORLD_SUFFIXES = {".png": (".pgw", ".pngw"), ".jpg": (".jgw", ".jpgw"), ".jpeg": (".jgw", ".jpegw"),
                  ".tif": (".tfw",), ".tiff": (".tfw",)}


@dataclass(frozen=True, eq=False)
class BaseImage:
    path: Path
    pixels: np.ndarray  # (rows, cols, 4) RGBA, row 0 at the top of the picture
    transform: QTransform  # image (col, row) -> local metres


def world_file_for(image: Path) -> Path:
    for suffix in (*WORLD_SUFFIXES.get(image.suffix.lower(), ()), ".wld"):
        candidate = image.with_suffix(suffix)
        if candidate.exists():
            return candidate
    names = ", ".join(image.with_suffix(s).name for s in (*WORLD_SUFFIXES.get(image.suffix.lower(), ()), ".wld"))
    raise ValidationError(f"no world file next to {image.name} (looked for {names})", field="base image")


def read_world_file(path: Path) -> tuple[float, float, float, float, float, float]:
    """A, D, B, E, C, F: lon = A*col + B*row + C, lat = D*col + E*row + F (pixel centres)."""
    try:
        values = [float(v) for v in path.read_text(encoding="utf-8").split()]
    except ValueError as exc:
        raise ValidationError(f"{path.name} holds something that is not a number: {exc}",
                              field="base image") from None
    if len(values) != 6:
        raise ValidationError(f"{path.name} must hold 6 numbers, it holds {len(values)}", field="base image")
    a, d, b, e, c, f = values
    if abs(c) > 180 or abs(f) > 90:
        raise ValidationError(f"{path.name} is in projected metres; georeference the image in WGS84 "
                              "longitude/latitude (EPSG:4326)", field="base image")
    return a, d, b, e, c, f


def load_base_image(path: Path | str, origin_lon: float, origin_lat: float) -> BaseImage:
    path = Path(path)
    image = QImage(str(path))
    if image.isNull():
        raise ValidationError(f"{path} is not an image Qt can read (PNG or JPEG)", field="base image")
    a, d, b, e, c, f = read_world_file(world_file_for(path))
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    w, h = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(h, image.bytesPerLine())[:, : w * 4]
    pixels = pixels.reshape(h, w, 4).copy()

    # The world file names pixel centres; the image item's pixel (col, row) spans col..col+1.
    def xy(col: float, row: float) -> tuple[float, float]:
        lon = a * (col - 0.5) + b * (row - 0.5) + c
        lat = d * (col - 0.5) + e * (row - 0.5) + f
        x, y = local_xy(lon, lat, origin_lon, origin_lat)
        return float(x), float(y)

    x0, y0 = xy(0, 0)
    x1, y1 = xy(1, 0)
    x2, y2 = xy(0, 1)
    transform = QTransform(x1 - x0, y1 - y0, x2 - x0, y2 - y0, x0, y0)
    return BaseImage(path, pixels, transform)
