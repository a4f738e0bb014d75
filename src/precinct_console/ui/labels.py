"""Labels the domain carries in both languages (a response target's 1分钟出警 / On the way in
1 min), picked for the window's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..domain.categories import CHANNELS
from ..domain.lifecycle import STATUS_LABELS_EN, STATUS_LABELS_ZH
from .error_text import ui_language
from .i18n import QT_TRANSLATE_NOOP


def english_window() -> bool:
    return ui_language().startswith("en")


def pick(chinese: str, english: str) -> str:
    """The label in the window's language; the Chinese where no English was given."""
    return english if english and english_window() else chinese


def incident_status(code: str) -> str:
    """An incident's status (到场 / Arrived) in the window's language."""
    return pick(STATUS_LABELS_ZH.get(code, code), STATUS_LABELS_EN.get(code, ""))


_PRIORITIES = {
    1: QT_TRANSLATE_NOOP("Priority", "1 high"),
    2: QT_TRANSLATE_NOOP("Priority", "2 mid"),
    3: QT_TRANSLATE_NOOP("Priority", "3 low"),
}


def priority_label(priority: int) -> str:
    """1 急 in Chinese, 1 high in English, as the board's priority column shows it."""
    text = _PRIORITIES.get(priority)
    return QCoreApplication.translate("Priority", text) if text else str(priority)


def priority_labels() -> list[str]:
    return [priority_label(p) for p in _PRIORITIES]


def incident_statuses() -> list[str]:
    return [incident_status(code) for code in STATUS_LABELS_ZH]


# The board's narrow timer headers in English: a Chinese target (1分钟出警) is four or five
# glyphs, its English label (On the way in 1 min) three times as wide, which pushed the address
# off a 1600 px board. Only an English window shows these; the Chinese one keeps label_zh.
_MILESTONE_WORDS = {"dispatched": "Order", "signed": "Signed", "set_off": "Out",
                    "arrived": "Scene", "reinforcement_arrived": "Backup", "fed_back": "Fed back"}


def timer_header(label_zh: str, label_en: str, milestone: str, seconds: int,
                 by_place: bool = False) -> str:
    """A 1-3-5 target as a board column names it: 1分钟出警, or in English "Out 1m"."""
    if not english_window():
        return label_zh
    word = _MILESTONE_WORDS.get(milestone)
    if word is None:
        return label_en or label_zh
    if by_place:
        return word  # the limit depends on the place: the tooltip says so
    limit = f"{seconds // 60}m" if seconds >= 60 and seconds % 60 == 0 else f"{seconds}s"
    return f"{word} {limit}"


def channel_name(code: str) -> str:
    """How a call came in (110报警 / 110 call) in the window's language."""
    zh, en = CHANNELS.get(code, (code, code))
    return pick(zh, en)


_WEEKDAYS = (
    QT_TRANSLATE_NOOP("Weekday", "Mo"), QT_TRANSLATE_NOOP("Weekday", "Tu"),
    QT_TRANSLATE_NOOP("Weekday", "We"), QT_TRANSLATE_NOOP("Weekday", "Th"),
    QT_TRANSLATE_NOOP("Weekday", "Fr"), QT_TRANSLATE_NOOP("Weekday", "Sa"),
    QT_TRANSLATE_NOOP("Weekday", "Su"),
)


def weekday_short(weekday: int) -> str:
    """Monday 0 as a roster column names it: 一 in Chinese, Mo in English."""
    return QCoreApplication.translate("Weekday", _WEEKDAYS[weekday])


def weekday_gap() -> str:
    """Between a day of the month and its weekday: 16一 in Chinese, 16 Mo in English."""
    return " " if english_window() else ""


_POINT_KINDS = {
    "post": QT_TRANSLATE_NOOP("PointKindShort", "post"),
    "police_room": QT_TRANSLATE_NOOP("PointKindShort", "police room"),
    "must_patrol": QT_TRANSLATE_NOOP("PointKindShort", "must-patrol point"),
    "zone_centre": QT_TRANSLATE_NOOP("PointKindShort", "zone centre"),
}


def point_kind(code: str) -> str:
    """A plan point's kind (警务站, 必巡点…) in the window's language; "" for none."""
    return QCoreApplication.translate("PointKindShort", _POINT_KINDS[code]) if code in _POINT_KINDS else code


# A follow-up task's deadlines as an alert names them (services keep the Chinese of the ledgers).
_TASK_TARGETS = {
    "task_sign": QT_TRANSLATE_NOOP("AlertTarget", "task sign-for"),
    "task_feedback": QT_TRANSLATE_NOOP("AlertTarget", "task feedback"),
    "task_rework": QT_TRANSLATE_NOOP("AlertTarget", "redo feedback"),
    "task_revisit": QT_TRANSLATE_NOOP("AlertTarget", "revisit"),
}


def alert_target(target: str, label: str) -> str:
    """What an alert's deadline is: a task's in the window's language, others as given."""
    text = _TASK_TARGETS.get(target)
    return QCoreApplication.translate("AlertTarget", text) if text else label


def alert_target_widest() -> list[str]:
    return [alert_target(t, "") for t in _TASK_TARGETS]


# The incident history's steps beyond the statuses (services keep the Chinese of the ledgers).
_STEPS = {
    "reinforcement_arrived": QT_TRANSLATE_NOOP("Step", "Reinforcement arrived"),
    "cleared": QT_TRANSLATE_NOOP("Step", "Cleared"),
    "reopened": QT_TRANSLATE_NOOP("Step", "Reopened"),
    "correction": QT_TRANSLATE_NOOP("Step", "Correction"),
    "linked_call": QT_TRANSLATE_NOOP("Step", "Duplicate call"),
    "note": QT_TRANSLATE_NOOP("Step", "Note"),
    "amended": QT_TRANSLATE_NOOP("Step", "Amended"),
}


def step_name(kind: str, label: str) -> str:
    """A history entry's step (签收 / Signed for) in the window's language; unknown as given."""
    if kind in STATUS_LABELS_ZH:
        return incident_status(kind)
    text = _STEPS.get(kind)
    return QCoreApplication.translate("Step", text) if text else label
