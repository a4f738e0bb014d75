"""Pieces the roster's dialogs share: their width and whole-day date fields."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

DIALOG_WIDTH = 400  # room for an officer's name, badge and team, and a note


def as_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def picked_date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date) -> QDateEdit:
    """A date field with the calendar to pick from, reading 2026-12-07."""
    edit = QDateEdit(as_qdate(d))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit
