"""Benchmark: a year's incident ledger (100,000 rows; --rows 1000000 too) against xlsxwriter.

Each export runs in its own subprocess so its peak RSS is its own. The reference is xlsxwriter in
constant_memory mode writing the same sheet (same rows from the same query, same formats, title,
header, frozen pane, filter and print set-up) in the same run.

    .venv/bin/python tests/bench/bench_ledger.py [--rows 100000] [--keep DIR]
    .venv/bin/python -m pytest tests/bench/bench_ledger.py -s
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def build_database(url: str, rows: int) -> str:
    """A station with `rows` incidents spread over 2025, each with one dispatch."""
    import sqlalchemy as sa

    from precinct_console.services.reference import ensure_reference_data
    from precinct_console.storage.database import Database
    from precinct_console.storage.migrate import upgrade_to_head
    from precinct_console.storage.models import Dispatch, Grid, Incident, Station, Unit, User

    db = Database.open(url)
    upgrade_to_head(db)
    ensure_reference_data(db)
    rnd = random.Random(7)
    with db.engine.begin() as conn:
        conn.execute(sa.insert(Station), [{"id": 1, "code": "S01", "name": "城关派出所"}])
        conn.execute(sa.insert(User), [{"id": 1, "username": "clerk", "display_name": "内勤", "role": "clerk",
                                        "station_id": 1, "password_hash": "x", "version": 1,
                                        "created_at": datetime(2025, 1, 1, tzinfo=UTC)}])
        poly = {"type": "Polygon", "coordinates": [[[116.4, 39.9], [116.41, 39.9], [116.41, 39.91], [116.4, 39.9]]]}
        conn.execute(sa.insert(Grid), [
            {"id": g, "station_id": 1, "code": f"G{g}", "name": f"第{g}网格", "level": 1 if g <= 5 else 2,
             "parent_id": None if g <= 5 else 1 + g % 5, "geometry": poly, "centroid_lon": 116.4,
             "centroid_lat": 39.9, "version": 1} for g in range(1, 41)])
        conn.execute(sa.insert(Unit), [{"id": u, "station_id": 1, "call_sign": f"巡逻{u}组", "home_lon": 116.4,
                                        "home_lat": 39.9, "version": 1} for u in range(1, 9)])
        codes = ["0601", "0602", "0701", "0702", "0202", "0401", "010102", "0207", "0901", "1001"]
        start = datetime(2024, 12, 31, 16, 0, tzinfo=UTC)
        step = 365 * 86400 / rows
        batch_i, batch_d = [], []
        for n in range(rows):
            t = start + timedelta(seconds=n * step + rnd.random() * step)
            iid = n + 1
            batch_i.append({
                "id": iid, "station_id": 1, "number": f"J{t:%Y%m%d}{n:07d}", "channel": "110",
                "category_code": rnd.choice(codes), "priority": 2, "status": "closed",
                "caller_name": "张先生", "caller_phone": f"138{rnd.randrange(10**8):08d}",
                "caller_id_number": f"110101{rnd.randrange(10**12):012d}",
                "address": f"建设路{rnd.randrange(1, 300)}号{rnd.randrange(1, 9)}单元",
                "lon": 116.4 + rnd.random() / 50, "lat": 39.9 + rnd.random() / 50,
                "grid_id": rnd.randrange(6, 41), "content": "报警人称与邻居因噪声问题发生争执，请求民警到场处理。",
                "received_at": t, "dispatched_at": t + timedelta(seconds=20),
                "signed_at": t + timedelta(seconds=28), "set_off_at": t + timedelta(seconds=55),
                "arrived_at": t + timedelta(seconds=rnd.randrange(90, 400)),
                "handled_at": t + timedelta(minutes=35), "fed_back_at": t + timedelta(minutes=50),
                "closed_at": t + timedelta(hours=2), "call_taker_id": 1,
                "handling_summary": "民警到场后对双方进行调解，双方表示理解。", "result": "调解处理",
                "version": 1,
            })
            batch_d.append({"station_id": 1, "incident_id": iid, "unit_id": 1 + n % 8, "role": "first",
                            "dispatched_at": t + timedelta(seconds=20), "officers": "王警官、赵辅警",
                            "auxiliaries": 1, "vehicles": 1, "version": 1})
            if len(batch_i) == 5000:
                conn.execute(sa.insert(Incident), batch_i)
                conn.execute(sa.insert(Dispatch), batch_d)
                batch_i.clear()
                batch_d.clear()
        if batch_i:
            conn.execute(sa.insert(Incident), batch_i)
            conn.execute(sa.insert(Dispatch), batch_d)
    db.dispose()
    return url


CHILD = r"""
import json, resource, sys, time
from datetime import date
mode, url, out = sys.argv[1], sys.argv[2], sys.argv[3]
first, last = date(2025, 1, 1), date(2025, 12, 31)
from precinct_console.domain.clock import system_clock
from precinct_console.domain.permissions import Actor, Role
from precinct_console.services.context import ServiceContext
from precinct_console.storage.database import Database
import precinct_console.services.exports  # imports are not the export's memory
if mode != "openpyxl":
    import xlsxwriter
base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
db = Database.open(url)
ctx = ServiceContext(db, Actor(1, "clerk", Role.CLERK, 1, "bench"), system_clock)
t0 = time.perf_counter()
if mode == "openpyxl":
    from precinct_console.services.exports import export_ledger
    rows = export_ledger(ctx, "incidents", first, last, out).rows
else:
    import xlsxwriter
    from precinct_console.services.ledgers import incidents as L
    from precinct_console.services.ledgers.columns import Kind, Scope
    from precinct_console.services.ledgers.lookups import Lookups
    from precinct_console.services.ledgers.masking import mask_id_number, mask_phone
    from precinct_console.services.ledgers.periods import custom
    from precinct_console.services.ledgers.writer import _FORMATS, CHUNK_ROWS
    period = custom(first, last)
    from datetime import timedelta
    CST = timedelta(hours=8)  # China time, as the ledger shows it
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    wb.use_zip64()  # a million rows of this sheet pass 4 GB of XML before compression
    ws = wb.add_worksheet("警情台账")
    base = {"font_name": "等线", "font_size": 10, "border": 1, "valign": "top"}
    fmts = {k: wb.add_format({**base, "num_format": v}) for k, v in _FORMATS.items()}
    text, wrap = wb.add_format(base), wb.add_format({**base, "text_wrap": True})
    head = wb.add_format({**base, "bold": True, "bg_color": "#DDE5F0", "align": "center", "text_wrap": True})
    for i, c in enumerate(L.COLUMNS):
        ws.set_column(i, i, c.width)
    ws.freeze_panes(3, 0); ws.set_landscape(); ws.fit_to_pages(1, 0); ws.repeat_rows(2)
    ws.write_string(0, 0, "城关派出所 警情台账", wb.add_format({"bold": True, "font_size": 16}))
    ws.write_string(1, 0, "统计期间")
    for i, c in enumerate(L.COLUMNS):
        ws.write_string(2, i, c.header, head)
    cell_fmt = [fmts.get(c.kind, wrap if c.wrap else text) for c in L.COLUMNS]
    kinds = [c.kind for c in L.COLUMNS]
    with ctx.read() as s:
        scope = Scope((1,), period.start, period.end)
        lk = Lookups.load(s, scope, system_clock())
        r = 2
        for row in L._rows(s, scope, lk):
            r += 1
            for i, v in enumerate(row):
                if v is None:
                    ws.write_blank(r, i, None, cell_fmt[i])
                    continue
                k = kinds[i]
                if k is Kind.DATETIME:
                    ws.write_datetime(r, i, (v + CST).replace(tzinfo=None), cell_fmt[i])
                elif k is Kind.DURATION:
                    ws.write_number(r, i, v / 86400, cell_fmt[i])
                elif k is Kind.PHONE:
                    ws.write_string(r, i, mask_phone(v), cell_fmt[i])
                elif k is Kind.ID_NUMBER:
                    ws.write_string(r, i, mask_id_number(v), cell_fmt[i])
                else:
                    ws.write(r, i, v, cell_fmt[i])
        rows = r - 2
        ws.autofilter(2, 0, r, len(kinds) - 1)
    wb.close()
seconds = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"mode": mode, "rows": rows, "seconds": seconds, "peak_mb": peak_mb, "base_mb": base_mb}))
"""


def run_child(mode: str, url: str, out: Path) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, url, str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pg_database(server: str, rows: int) -> tuple[str, bool]:
    """A benchmark database on a PostgreSQL server, kept between runs: (url, exists already)."""
    import sqlalchemy as sa

    name = f"precinct_bench_{rows}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False), bool(exists)


def bench(rows: int, keep: Path | None = None, pg: str | None = None) -> dict[str, float]:
    folder = keep or Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    if pg:
        url, ready = pg_database(pg, rows)
    else:
        db_path = folder / f"bench-{rows}.sqlite3"
        url, ready = f"sqlite:///{db_path}", db_path.exists()
    if not ready:
        build_database(url, rows)
    print(f"{'PostgreSQL' if pg else 'SQLite'} database with {rows:,} incidents ready in "
          f"{time.perf_counter() - t:.1f} s")
    ours = run_child("openpyxl", url, folder / "ours.xlsx")
    print(f"ours done: {ours}", flush=True)
    ref = run_child("xlsxwriter", url, folder / "xlsxwriter.xlsx")
    ratio = ref["seconds"] / ours["seconds"]
    print(f"ours (openpyxl write-only + raw rows): {ours['rows']:,} rows in {ours['seconds']:.1f} s "
          f"({ours['rows'] / ours['seconds']:,.0f} rows/s), peak RSS {ours['peak_mb']:.0f} MB "
          f"(after imports {ours['base_mb']:.0f} MB, export +{ours['peak_mb'] - ours['base_mb']:.0f} MB)")
    print(f"xlsxwriter constant_memory:            {ref['rows']:,} rows in {ref['seconds']:.1f} s "
          f"({ref['rows'] / ref['seconds']:,.0f} rows/s), peak RSS {ref['peak_mb']:.0f} MB "
          f"(after imports {ref['base_mb']:.0f} MB, export +{ref['peak_mb'] - ref['base_mb']:.0f} MB)")
    print(f"throughput ratio ours/xlsxwriter: {ratio:.2f} (must be >= 0.90); "
          f"peak RSS {ours['peak_mb']:.0f} MB (must be <= 150)")
    return {"ratio": ratio, "peak_mb": ours["peak_mb"], "rows": ours["rows"]}


def test_year_of_incidents_exports_flat_and_fast(tmp_path: Path) -> None:
    result = bench(100_000, tmp_path)
    assert result["rows"] == 100_000
    assert result["peak_mb"] <= 150
    assert result["ratio"] >= 0.9


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="folder to keep the database and files in")
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL server URL (e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test): bench on a database there")
    a = parser.parse_args()
    bench(a.rows, a.keep, a.pg)
