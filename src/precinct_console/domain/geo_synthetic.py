"""A synthetic three-level jurisdiction of rectangles (tests and benchmarks of the map)."""

from __future__ import annotations

from typing import Any

from .geo import feature, feature_collection, point_geometry, unproject_xy

ORIGIN = (116.40, 39.90)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def _lonlat_ring(x0: float, y0: float, x1: float, y1: float, per_side: int = 1) -> list[list[float]]:
    """A rectangle's ring; per_side > 1 adds vertices along each side (real grids have many)."""
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    xs, ys = [], []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        for k in range(per_side):
            xs.append(ax + (bx - ax) * k / per_side)
            ys.append(ay + (by - ay) * k / per_side)
    xs.append(x0)
    ys.append(y0)
    lon, lat = unproject_xy(xs, ys, *ORIGIN)
    return [[round(float(a), 9), round(float(b), 9)] for a, b in zip(lon, lat, strict=True)]


def _person(i: int) -> str:
    return _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)]


def jurisdiction(districts: tuple[int, int] = (2, 2), small: tuple[int, int] = (2, 2),
                 micro: tuple[int, int] = (2, 2), *, width_m: float = 4000.0,
                 height_m: float = 3200.0, with_people: bool = True,
                 vertices_per_side: int = 1) -> dict[str, Any]:
    """Districts split into small grids split into micro grids, centred on ORIGIN.

    Codes read D01, D01-S01, D01-S01-M01; neighbours share their borders exactly, so every point
    of the rectangle lies in exactly one micro grid (or on a shared border).
    """
    feats = []
    dx_n, dy_n = districts
    d_w, d_h = width_m / dx_n, height_m / dy_n
    x_start, y_start = -width_m / 2, -height_m / 2
    n_person = 0
    d_no = 0
    for dj in range(dy_n):
        for di in range(dx_n):
            d_no += 1
            dcode = f"D{d_no:02d}"
            dx0, dy0 = x_start + di * d_w, y_start + dj * d_h
            feats.append(feature({"type": "Polygon", "coordinates": [
                _lonlat_ring(dx0, dy0, dx0 + d_w, dy0 + d_h)]},
                {"code": dcode, "name": f"第{d_no}警务区", "level": 1}))
            s_w, s_h = d_w / small[0], d_h / small[1]
            s_no = 0
            for sj in range(small[1]):
                for si in range(small[0]):
                    s_no += 1
                    scode = f"{dcode}-S{s_no:02d}"
                    sx0, sy0 = dx0 + si * s_w, dy0 + sj * s_h
                    feats.append(feature({"type": "Polygon", "coordinates": [
                        _lonlat_ring(sx0, sy0, sx0 + s_w, sy0 + s_h)]},
                        {"code": scode, "name": f"{d_no}区{s_no}号网格", "level": 2,
                         "parent": dcode}))
                    m_w, m_h = s_w / micro[0], s_h / micro[1]
                    m_no = 0
                    for mj in range(micro[1]):
                        for mi in range(micro[0]):
                            m_no += 1
                            mx0, my0 = sx0 + mi * m_w, sy0 + mj * m_h
                            props: dict[str, Any] = {
                                "code": f"{scode}-M{m_no:02d}", "name": f"{d_no}-{s_no}-{m_no}微网格",
                                "level": 3, "parent": scode}
                            if with_people:
                                n_person += 3
                                props["people"] = [
                                    {"role": "community_officer", "name": _person(n_person),
                                     "phone": f"139{n_person:08d}"},
                                    {"role": "auxiliary", "name": _person(n_person + 1),
                                     "phone": f"137{n_person + 1:08d}"},
                                    {"role": "grid_leader", "name": _person(n_person + 2),
                                     "phone": f"135{n_person + 2:08d}"},
                                ]
                            feats.append(feature({"type": "Polygon", "coordinates": [
                                _lonlat_ring(mx0, my0, mx0 + m_w, my0 + m_h, vertices_per_side)]}, props))
    return feature_collection(feats)


def key_sites_and_posts() -> list[dict[str, Any]]:
    """A few key sites and posts inside the default jurisdiction."""
    spots = [("K01", "实验小学", "school", -1200.0, 700.0, 1), ("K02", "人民医院", "hospital", 900.0, -500.0, 1),
             ("K03", "工商银行城关支行", "bank", 300.0, 1100.0, 3), ("K04", "长途汽车站", "station", -400.0, -1100.0, 3)]
    out = []
    for code, name, kind, x, y, minutes in spots:
        lon, lat = unproject_xy(x, y, *ORIGIN)
        out.append(feature(point_geometry(float(lon), float(lat)), {
            "layer": "key_site", "code": code, "name": name, "kind": kind,
            "address": f"城关路{abs(int(x)) // 10}号", "target_minutes": minutes}))
    for code, name, kind, x, y in [("P01", "中心警务站", "post", 0.0, 0.0),
                                   ("P02", "东关警务室", "police_room", 1500.0, 400.0)]:
        lon, lat = unproject_xy(x, y, *ORIGIN)
        out.append(feature(point_geometry(float(lon), float(lat)), {
            "layer": "post", "code": code, "name": name, "kind": kind, "phone": "010-6512" + code[-2:] + "00"}))
    return out
