"""Live sync as the UI sees it: the change-feed listener and its states (re-exported for the UI layer)."""

from __future__ import annotations

from ..storage.changefeed import ChangeListener, ConnectionState, latest_feed_id, read_feed
from ..storage.database import Database

__all__ = ["ChangeListener", "ConnectionState", "Database", "latest_feed_id", "read_feed"]
