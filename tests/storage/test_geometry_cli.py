"""`precinct-console grids import / export / notice-board` as a station's IT contact runs them."""

from __future__ import annotations

import json

import pytest

from precinct_console.cli import main
from precinct_console.domain import geo_synthetic as syn


@pytest.fixture
def station_db(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    monkeypatch.setenv("PRECINCT_NEW_PASSWORD", "first-admin-pw")
    assert main(["user", "add", "admin", "--role", "admin", "--station-code", "S1",
                 "--station-name", "城关派出所", "--db", url]) == 0
    monkeypatch.setenv("PRECINCT_USER", "admin")
    monkeypatch.setenv("PRECINCT_PASSWORD", "first-admin-pw")
    capsys.readouterr()
    return url


def _write(tmp_path, fc, name="grids.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_then_export_round_trip(station_db, tmp_path, capsys):
    fc = syn.jurisdiction()
    fc["features"] += syn.key_sites_and_posts()
    path = _write(tmp_path, fc)
    assert main(["grids", "import", str(path), "--db", station_db]) == 0
    out = capsys.readouterr().out
    assert "imported 90 feature(s)" in out and "grid: 84 new" in out and "key_site: 4 new" in out
    assert main(["grids", "export", "--layer", "key_site", "--db", station_db]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [f["properties"]["code"] for f in exported["features"]] == ["K01", "K02", "K03", "K04"]
    out_file = tmp_path / "all.geojson"
    assert main(["grids", "export", "--out", str(out_file), "--db", station_db]) == 0
    assert len(json.loads(out_file.read_text(encoding="utf-8"))["features"]) == 90


def test_a_broken_file_exits_1_listing_every_problem_and_imports_nothing(station_db, tmp_path, capsys):
    fc = syn.jurisdiction()
    fc["features"][2]["geometry"]["coordinates"][0].pop()
    fc["features"][7]["properties"]["parent"] = "NOPE"
    del fc["features"][9]["properties"]["name"]
    path = _write(tmp_path, fc)
    assert main(["grids", "import", str(path), "--db", station_db]) == 1
    err = capsys.readouterr().err
    assert "3 problem(s), nothing was imported" in err
    assert "feature 3 (" in err and "is not closed" in err
    assert "feature 8 (" in err and "no grid with code 'NOPE'" in err
    assert "feature 10 (" in err and "property 'name': is required" in err
    assert main(["grids", "export", "--db", station_db]) == 0
    assert json.loads(capsys.readouterr().out)["features"] == []


def test_layer_option_and_missing_file(station_db, tmp_path, capsys):
    zones = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [syn._lonlat_ring(0, 0, 900, 900)]},
         "properties": {"code": "Z01", "name": "一号巡区", "level": 1}}]}
    # With --layer the "level" is ignored and the polygon is a patrol zone.
    assert main(["grids", "import", str(_write(tmp_path, zones)), "--layer", "patrol_zone",
                 "--db", station_db]) == 0
    assert "patrol_zone: 1 new" in capsys.readouterr().out
    assert main(["grids", "import", str(tmp_path / "none.geojson"), "--db", station_db]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_notice_board_pdf_from_the_command_line(station_db, tmp_path, capsys):
    path = _write(tmp_path, syn.jurisdiction())
    assert main(["grids", "import", str(path), "--db", station_db]) == 0
    pdf = tmp_path / "board.pdf"
    assert main(["grids", "notice-board", "D01-S01-M01", "--out", str(pdf), "--db", station_db]) == 0
    assert "wrote the notice board of D01-S01-M01" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main(["grids", "notice-board", "NOPE", "--out", str(pdf), "--db", station_db]) == 1
    assert "no grid with code 'NOPE'" in capsys.readouterr().err


def test_a_post_or_must_patrol_point_in_none_of_the_grids_is_named(station_db, tmp_path, capsys):
    """A new station's 警务站 whose longitude was mistyped (116.60 for 116.39) was imported 25 km
    out of its jurisdiction without a word; the grids' own points still import silently."""
    fc = syn.jurisdiction()
    fc["features"] += syn.key_sites_and_posts()
    assert main(["grids", "import", str(_write(tmp_path, fc)), "--db", station_db]) == 0
    assert "none of the station's grids" not in capsys.readouterr().out
    far = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"layer": "post", "code": "P09", "name": "南关警务站"},
         "geometry": {"type": "Point", "coordinates": [116.60, 39.70]}},
        {"type": "Feature", "properties": {"layer": "patrol_point", "code": "PP09", "name": "远处必巡点"},
         "geometry": {"type": "Point", "coordinates": [117.60, 39.70]}}]}
    assert main(["grids", "import", str(_write(tmp_path, far, "far.geojson")), "--db", station_db]) == 0
    out = capsys.readouterr().out
    assert "note: P09 南关警务站, PP09 远处必巡点 stand(s) in none of the station's grids" in out
