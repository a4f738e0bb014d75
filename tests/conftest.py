"""Test fixtures: settings and data folders in tmp_path, a migrated database on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

# Before Qt or any of our modules load: headless Qt, and nothing touches the real user folders.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
os.environ.setdefault("PRECINCT_MACHINE_SETTINGS", "/nonexistent/precinct-machine.toml")

import sqlalchemy as sa

from precinct_console.domain.clock import FixedClock
from precinct_console.domain.permissions import Actor, Role
from precinct_console.services.context import ServiceContext
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import upgrade_to_head
from precinct_console.storage.models import Base, Grid, Incident, KeySite, PatrolZone, Post, Station

PG_ADMIN_URL = os.environ.get(
    "PRECINCT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("PRECINCT_REQUIRE_PG") == "1"

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 China time, a Friday


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRECINCT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRECINCT_USER_SETTINGS", str(tmp_path / "user-settings.toml"))
    monkeypatch.setenv("PRECINCT_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    # The command-line verbs speak the locale's language: the same on every developer's machine.
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES", "PRECINCT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)


def _pg_available() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: no server here
        return f"no PostgreSQL server at {PG_ADMIN_URL}: {exc.__class__.__name__}"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    reason = _pg_available()
    if reason:
        if REQUIRE_PG:
            pytest.fail(reason + " (PRECINCT_REQUIRE_PG=1)")
        pytest.skip(reason)
    name = f"precinct_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    db = Database.open(url)
    upgrade_to_head(db)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    upgrade_to_head(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _truncate_pg(url: str) -> None:
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database URL: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "precinct.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_server_url")
    _truncate_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "precinct.sqlite3"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    from precinct_console.services.reference import ensure_reference_data

    database = Database.open(db_url)
    ensure_reference_data(database)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def station(db: Database) -> Station:
    with db.sessions() as s:
        st = Station(code="S01", name="城关派出所", branch="示范分局", lon=116.40, lat=39.90)
        s.add(st)
        s.commit()
        return st


@pytest.fixture
def make_ctx(db: Database, station: Station, clock: FixedClock) -> Callable[..., ServiceContext]:
    """A service context acting as a given role (the user row exists, so audits name it)."""
    from precinct_console.services.accounts import hash_password
    from precinct_console.storage.models import User

    def factory(role: Role | str = Role.ADMIN, username: str | None = None) -> ServiceContext:
        role = Role(role)
        name = username or f"{role.value}1"
        with db.sessions() as s:
            user = s.scalar(sa.select(User).where(User.username == name))
            if user is None:
                user = User(
                    username=name, display_name=name, role=role.value, station_id=station.id,
                    password_hash=hash_password("correct horse"), created_at=clock(),
                    may_see_personal_data=role in (Role.ADMIN, Role.STATION_CHIEF),
                )
                s.add(user)
                s.commit()
            elif user.role != role:
                # The unit of work refuses an actor whose stored role is not the one it acts as
                # (an administrator changed it since it signed in): build the one it has.
                raise AssertionError(f"make_ctx: {name} is {user.role}, not {role.value}")
            actor = Actor(user.id, name, role, station.id, "seat-1", user.may_see_personal_data)
        return ServiceContext(db, actor, clock)

    return factory


# The Chinese UI for one test (tests/unit/test_translations.py, test_error_text.py).
@pytest.fixture
def zh_cn(qapp) -> Iterator[None]:
    from PySide6.QtCore import QLocale

    from precinct_console.ui.i18n import install_translators

    locale = QLocale()
    installed = install_translators(qapp, "zh_CN")
    assert installed, "the .qm did not load"
    try:
        yield
    finally:
        # The QApplication lives for the whole session: later tests expect English.
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(locale)


# A sign-in dialog just refused a wrong password (tests/ui/test_shell.py, test_error_text.py);
# ask for zh_cn before it to see the refusal in Chinese.
@pytest.fixture
def refused_sign_in(qtbot, db: Database, make_ctx, clock):  # type: ignore[no-untyped-def]
    from precinct_console.services import accounts
    from precinct_console.ui.login import LoginDialog

    accounts.add_user(make_ctx(Role.ADMIN), "duty.zhou", "night-shift-1", Role.DUTY_OFFICER)
    dialog = LoginDialog(db, "seat-3", username="duty.zhou", clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("wrong")
    dialog._try()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5000)
    return dialog


def square(lon: float, lat: float, d: float) -> dict:
    """A d-degree square polygon with its south-west corner at (lon, lat), as GeoJSON."""
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d],
                                                [lon, lat + d], [lon, lat]]]}


@pytest.fixture
def allocation_town(db: Database, station: Station, clock: FixedClock) -> Callable[..., dict[str, int]]:
    """Builds the allocation tests' town: six by six micro grids with incidents on two hot spots
    over the last three weeks, and two posts (p1, p2); with zones=True the east and west patrol
    zones and a school key site too, and with key_zone=True the station square key zone.
    Returns the ids by those names."""

    def build(*, zones: bool = True, key_zone: bool = False) -> dict[str, int]:
        d = 0.004
        with db.sessions() as s:
            grids = []
            for i in range(36):
                lon, lat = 116.38 + (i % 6) * d, 39.89 + (i // 6) * d
                g = Grid(station_id=station.id, code=f"MG{i:02d}", name=f"微网格{i}", level=3,
                         geometry=square(lon, lat, d), area_m2=150_000.0,
                         centroid_lon=lon + d / 2, centroid_lat=lat + d / 2)
                s.add(g)
                grids.append(g)
            places: dict[str, object] = {
                "p1": Post(station_id=station.id, code="P1", name="火车站警务站", lon=116.386,
                           lat=39.896),
                "p2": Post(station_id=station.id, code="P2", name="学府警务室", kind="police_room",
                           lon=116.398, lat=39.906),
            }
            if zones:
                places["east"] = PatrolZone(station_id=station.id, code="Z1", name="东片巡区",
                                            geometry=square(116.392, 39.89, 0.012),
                                            centroid_lon=116.398, centroid_lat=39.896)
                places["west"] = PatrolZone(station_id=station.id, code="Z2", name="西片巡区",
                                            geometry=square(116.38, 39.902, 0.012),
                                            centroid_lon=116.386, centroid_lat=39.908)
                places["school"] = KeySite(station_id=station.id, code="KS1", name="第一中学",
                                           kind="school", lon=116.3985, lat=39.9065)
            if key_zone:
                places["square"] = PatrolZone(station_id=station.id, code="K1", name="站前广场",
                                              kind="key_zone", geometry=square(116.384, 39.894, 0.004),
                                              centroid_lon=116.386, centroid_lat=39.896)
            s.add_all(places.values())
            s.flush()
            for k in range(60):
                g = grids[7] if k % 2 else grids[28]
                at = clock() - timedelta(days=1 + k // 3, hours=k % 5)
                s.add(Incident(station_id=station.id, number=f"C{k:04d}", channel="110",
                               category_code="06", status="closed", received_at=at,
                               lon=g.centroid_lon, lat=g.centroid_lat, grid_id=g.id,
                               arrived_at=at + timedelta(minutes=4)))
            s.commit()
            return {name: place.id for name, place in places.items()}  # type: ignore[attr-defined]

    return build
