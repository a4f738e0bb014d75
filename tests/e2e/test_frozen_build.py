"""The Linux frozen build works on its own: build it, then run its verbs offscreen on a fresh SQLite database.

Takes minutes (PyInstaller), so it runs only with PRECINCT_BUILD_FROZEN=1:
    PRECINCT_BUILD_FROZEN=1 .venv/bin/python -m pytest tests/e2e/test_frozen_build.py -q -s
PRECINCT_FROZEN_BUNDLE=dist/precinct-console checks an existing bundle instead of building one.
installers/linux/verify.sh does both steps and prints the size and build time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("PRECINCT_BUILD_FROZEN") != "1",
                       reason="builds the frozen bundle (minutes); set PRECINCT_BUILD_FROZEN=1"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
    pytest.mark.timeout(3600),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    given = os.environ.get("PRECINCT_FROZEN_BUNDLE")
    if given:
        folder = Path(given).resolve()
        assert (folder / "precinct-console").is_file(), f"no frozen build in {folder}"
        return folder
    started = time.monotonic()
    subprocess.run(["bash", str(ROOT / "installers" / "linux" / "build.sh")], check=True, cwd=ROOT)
    print(f"\nbuild: {time.monotonic() - started:.0f} s")
    return ROOT / "dist" / "precinct-console"


@pytest.fixture
def run(bundle: Path, tmp_path: Path) -> Iterator:
    """Run the frozen binary as a user would: no venv, no sources on the path, its own home."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu",
        "PRECINCT_DATA_DIR": str(tmp_path / "data"),
        "PRECINCT_USER_SETTINGS": str(tmp_path / "user-settings.toml"),
        "PRECINCT_MACHINE_SETTINGS": str(tmp_path / "machine-settings.toml"),
        "PRECINCT_QSETTINGS_DIR": str(tmp_path / "qsettings"),
    }

    def _run(*args: str, stdin: str | None = None, check: bool = True, timeout: float = 600,
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(bundle / "precinct-console"), *args], cwd=tmp_path, env={**env, **(extra_env or {})},
            input=stdin,
            capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            pytest.fail(f"precinct-console {' '.join(args)} -> {result.returncode}\n"
                        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}")
        return result

    _run.env = env  # type: ignore[attr-defined]
    yield _run


def _head() -> str:
    versions = sorted((ROOT / "db" / "versions").glob("*.py"))
    heads = {p.stem.split("_")[0] for p in versions}
    downs = set()
    for p in versions:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.startswith("down_revision"):
                downs.add(line.split("=", 1)[1].strip().strip("\"'"))
    (head,) = heads - downs
    return head


def test_bundle_holds_qt_web_engine_translations_resources_and_migrations(bundle: Path):
    internal = bundle / "_internal"
    qt = internal / "PySide6" / "Qt"
    # The bulletin's web view: the engine library, its helper process and its resources.
    assert list((qt / "lib").glob("libQt6WebEngineCore.so*")), "QtWebEngine library missing"
    assert (qt / "libexec" / "QtWebEngineProcess").is_file(), "QtWebEngineProcess missing"
    assert (qt / "resources" / "qtwebengine_resources.pak").is_file()
    assert (qt / "translations" / "qtwebengine_locales" / "zh-CN.pak").is_file()
    # Our translations, compiled from every .ts, and Qt's own Chinese strings.
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    assert sources, "the project ships no .ts translation yet (resources/translations)"
    for ts in sources:
        assert (internal / "resources" / "translations" / f"{ts.stem}.qm").is_file(), ts.name
    assert (qt / "translations" / "qtbase_zh_CN.qm").is_file()
    # Resources and migrations where config.resources_dir and storage.migrate look for them.
    assert (internal / "resources" / "icons" / "precinct-console-256.png").is_file()
    assert (internal / "db" / "env.py").is_file() and (internal / "db" / "alembic.ini").is_file()
    assert list((internal / "db" / "versions").glob("*.py"))
    # Licences of the bundled libraries come from their metadata.
    assert list(internal.glob("pyside6-*.dist-info")) and list(internal.glob("sqlalchemy-*.dist-info"))


def test_version(run):
    from precinct_console import __version__

    assert run("--version").stdout.strip() == f"precinct-console {__version__}"


def test_db_upgrade_demo_and_snapshot_on_a_fresh_sqlite_database(run, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    head = _head()
    out = run("db", "upgrade", "--db", url).stdout
    assert f"from empty to {head}" in out
    assert json.loads(run("db", "status", "--db", url).stdout)["revision"] == head
    assert "up to date" in run("db", "upgrade", "--db", url).stdout

    verbs = run("--help").stdout
    if " demo " in verbs:
        started = time.monotonic()
        demo = json.loads(run("demo", "--db", url, "--json", timeout=1200).stdout)
        print(f"\ndemo from the frozen build: {time.monotonic() - started:.1f} s")
        if " bulletin " in verbs:
            _bulletin_prints_from_the_frozen_build(run, url, demo["password"], tmp_path)
    else:  # before the demo precinct exists: set up a station by hand
        run("user", "add", "admin", "--role", "admin", "--station-code", "S01",
            "--station-name", "城关派出所", "--db", url,
            extra_env={"PRECINCT_NEW_PASSWORD": "correct horse battery"})

    shots = tmp_path / "shots"
    started = time.monotonic()
    out = run("snapshot", "--db", url, "--out", str(shots), "--size", "1400x900", timeout=900).stdout
    print(f"snapshot from the frozen build: {time.monotonic() - started:.1f} s")
    pngs = sorted(shots.glob("*.png"))
    assert (shots / "main-window.png") in pngs
    assert all(p.stat().st_size > 5000 for p in pngs), [(p.name, p.stat().st_size) for p in pngs]
    keep = os.environ.get("PRECINCT_FROZEN_SHOTS")
    if keep:  # to look at what the frozen build drew
        Path(keep).mkdir(parents=True, exist_ok=True)
        for p in pngs:
            (Path(keep) / p.name).write_bytes(p.read_bytes())


def _bulletin_prints_from_the_frozen_build(run, url: str, password: str, tmp_path: Path) -> None:
    """The real bulletin through the bundled QtWebEngine: a PDF with its Chinese text."""
    import datetime as dt
    import shutil

    year, week, _ = (dt.date.today() - dt.timedelta(days=7)).isocalendar()
    pdf = tmp_path / "bulletin.pdf"
    run("bulletin", "--db", url, "--user", "chief", "--week", f"{year}-W{week:02d}", "--out", str(pdf),
        extra_env={"PRECINCT_PASSWORD": password}, timeout=600)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "通报" in text, text[:500]


def test_the_window_starts_and_waits_for_the_first_start_dialog(bundle: Path, run, tmp_path: Path):
    """No verb starts the GUI: on an empty database it must reach the first-start dialog and
    stay up (not crash on a missing plug-in or module) until it is closed."""
    env = dict(run.env, PRECINCT_DATABASE_URL=f"sqlite:///{tmp_path / 'gui.sqlite3'}")
    process = subprocess.Popen([str(bundle / "precinct-console")], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(10)
        still_running = process.poll() is None
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert still_running, f"the console exited with {process.returncode}:\n{err[-3000:]}"
    assert "Traceback" not in err, err[-3000:]
    assert (tmp_path / "gui.sqlite3").is_file()  # it opened and upgraded the database


def test_doctor_passes_inside_the_bundle(run, bundle: Path, tmp_path: Path):
    result = run("doctor", "--json", "--db", f"sqlite:///{tmp_path / 'doctor.sqlite3'}", check=False)
    rows = {r["check"]: r for r in map(json.loads, result.stdout.splitlines())}
    failed = {k: r["detail"] for k, r in rows.items() if not r["ok"]}
    assert not failed, failed
    assert "frozen build" in rows["version"]["detail"]
    assert rows["web engine"]["detail"].startswith("HTML to PDF")  # the bulletin's engine renders
    assert str(bundle) in rows["migrations"]["detail"] and str(bundle) in rows["resources"]["detail"]


def test_keyring_and_settings_errors_are_messages_not_tracebacks(run, tmp_path: Path):
    result = run("db", "set-password", "--db", "postgresql+psycopg://precinct:{keyring}@db/precinct",
                 "--password-stdin", "--no-check", stdin="secret\n", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "keyring" in result.stderr
    (tmp_path / "user-settings.toml").write_text('databse_url = "sqlite:///x"\n', encoding="utf-8")
    result = run("db", "status", check=False)
    assert result.returncode == 1 and "did you mean database_url" in result.stderr


def test_postgresql_driver_is_inside(run):
    url = os.environ.get("PRECINCT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    result = run("db", "status", "--db", url, check=False)
    if "connection" in result.stderr.lower() and "refused" in result.stderr.lower():
        pytest.skip("no PostgreSQL server here")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "revision" in json.loads(result.stdout)
