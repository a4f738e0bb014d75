"""The alert list's time reads right across midnight: an alert from an earlier day shows its date."""

from __future__ import annotations

from datetime import UTC, datetime

from precinct_console.services.alerts import AlertView
from precinct_console.ui.alerts.panel import raised_text


def alert(raised_at: datetime) -> AlertView:
    return AlertView(id=1, incident_id=1, incident_number="RW202612050001", category_name="盗窃",
                     address="城关镇解放路12号", target="arrive", target_label="到场",
                     level="breach", raised_at=raised_at, acknowledged_at=None, acknowledged_by="")


def test_an_alert_raised_today_shows_its_time_of_day():
    # 00:30 and 00:10 China time on 6 December
    assert raised_text(alert(datetime(2026, 12, 5, 16, 10, 5, tzinfo=UTC)),
                       datetime(2026, 12, 5, 16, 30, tzinfo=UTC)) == "00:10:05"


def test_an_alert_still_open_from_before_midnight_shows_its_date():
    # raised 23:58 China time on 5 December, read at 00:30 on the 6th (UTC dates are the same day)
    assert raised_text(alert(datetime(2026, 12, 5, 15, 58, 40, tzinfo=UTC)),
                       datetime(2026, 12, 5, 16, 30, tzinfo=UTC)) == "12-05 23:58"
