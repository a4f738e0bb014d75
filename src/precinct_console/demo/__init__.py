"""The demo precinct (城关派出所 with 90 days of history), large histories and the live 110 simulator."""

from .build import DemoRefused, DemoSummary, build_demo, check_demo_allowed
from .bulk import BulkSummary, bulk_history
from .staff import DEMO_PASSWORD, DEMO_USERS

__all__ = [
    "DEMO_PASSWORD", "DEMO_USERS", "BulkSummary", "DemoRefused", "DemoSummary", "build_demo",
    "bulk_history", "check_demo_allowed",
]
