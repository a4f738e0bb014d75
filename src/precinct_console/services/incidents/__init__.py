"""Incident services: intake, life cycle, board queries, recommendation (alerts and handover too).

Import everything from here: `from precinct_console.services.incidents import intake_incident`.
"""

from __future__ import annotations

from typing import Any

from .intake import (
    HISTORY_STEPS,
    ImportRecord,
    ImportResult,
    IncidentDraft,
    categories_in,
    check_repeats,
    import_incidents,
    intake_incident,
    resolve_category,
    resolve_channel,
)
from .ledger_file import (
    draft_from_json,
    import_ledger_file,
    intake_from_json,
    read_json_incident,
    read_ledger_file,
)
from .profile import (
    ComplianceReport,
    get_repeat_rules,
    get_response_profile,
    response_compliance,
    set_repeat_rules,
    set_response_profile,
)
from .queries import (
    get_incident,
    get_incident_rows,
    list_open_incidents,
    recommend_units,
    search_incidents,
)
from .steps import (
    add_note,
    advance_incident,
    amend_incident,
    correct_event,
    dispatch_unit,
    reopen_incident,
)
from .views import (
    DispatchView,
    EventView,
    IncidentDetail,
    IncidentRow,
    IncidentView,
    Recommendation,
    RepeatMatch,
    RepeatWarning,
    facts_of,
)

# Alerts and handover live in their own modules, which import this package: re-exported lazily.
_LAZY = {
    "AlertView": "alerts", "evaluate_alerts": "alerts", "acknowledge_alert": "alerts",
    "list_alerts": "alerts", "HandoverView": "handover", "build_handover": "handover",
    "sign_handover": "handover", "list_handovers": "handover", "handover_text": "handover",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"precinct_console.services.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(name)


__all__ = [
    "HISTORY_STEPS", "ComplianceReport", "DispatchView", "EventView", "ImportRecord",
    "ImportResult", "IncidentDetail", "IncidentDraft", "IncidentRow", "IncidentView",
    "Recommendation", "RepeatMatch", "RepeatWarning", "add_note", "advance_incident", "amend_incident",
    "check_repeats", "correct_event", "draft_from_json", "import_ledger_file", "intake_from_json", "read_json_incident", "read_ledger_file", "dispatch_unit", "facts_of", "get_incident",
    "get_incident_rows", "get_repeat_rules", "get_response_profile", "import_incidents",
    "intake_incident", "list_open_incidents", "recommend_units", "reopen_incident",
    "categories_in", "resolve_category", "resolve_channel", "response_compliance", "search_incidents",
    "set_repeat_rules", "set_response_profile", *_LAZY,
]
