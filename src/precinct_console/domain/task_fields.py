"""Feedback fields of a catalogue task: their definition, and validation of what an officer fills in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import ValidationError

FIELD_KINDS = ("text", "longtext", "choice", "int", "bool", "date")
# Length limits of what is typed into a task; the dialogs stop typing at the same lengths.
TITLE_MAX = 200
TEXT_MAX = 200  # a "text" feedback field
LONGTEXT_MAX = 4000  # a "longtext" feedback field, the remarks, and a task's details
REASON_MAX = 500  # why a task is returned or escalated, a verification note
# Date fields that record what the officer did (the catalogue's standard 走访日期): they cannot
# lie ahead of today. Other date fields may (整改期限 is a deadline still to come).
PAST_DATE_KEYS = frozenset({"visited_on"})


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str  # shown to the officer (Chinese in the shipped catalogue)
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None  # for "int"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": self.label, "kind": self.kind,
                               "required": self.required}
        if self.choices:
            out["choices"] = list(self.choices)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        return out


def parse_fields(raw: list[Any]) -> tuple[FieldDef, ...]:
    """Field definitions from a template's stored JSON; a broken catalogue entry is named."""
    out: list[FieldDef] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or not item.get("key") or not item.get("label"):
            raise ValidationError("each field needs a key and a label", field="fields", row=i)
        kind = str(item.get("kind", "text"))
        if kind not in FIELD_KINDS:
            raise ValidationError(
                f"kind '{kind}' is not one of {', '.join(FIELD_KINDS)}", field="fields", row=i
            )
        key = str(item["key"])
        if key in seen:
            raise ValidationError(f"key '{key}' is used twice", field="fields", row=i)
        seen.add(key)
        choices = tuple(str(c) for c in item.get("choices", ()))
        if kind == "choice" and not choices:
            raise ValidationError(f"choice field '{key}' lists no choices", field="fields", row=i)
        minimum = item.get("minimum")
        out.append(FieldDef(key, str(item["label"]), kind, bool(item.get("required", True)),
                            choices, int(minimum) if minimum is not None else None))
    return tuple(out)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_length(text: str, limit: int, field: str) -> str:
    """`text` stripped, refused (naming the field) when longer than `limit` characters."""
    text = text.strip()
    if len(text) > limit:
        raise ValidationError(f"is longer than {limit} characters", field=field)
    return text


def validate_feedback(fields: tuple[FieldDef, ...], values: Mapping[str, Any], *,
                      sent_on: date | None = None, today: date | None = None) -> dict[str, Any]:
    """Clean feedback values by the template's fields; the first problem names its field.

    Unknown keys are refused rather than dropped, so a typo never silently loses an answer.
    Dates are China-time days: none before `sent_on` (the day the task was sent: feedback is
    about the follow-up), and a visit date not after `today`.
    """
    known = {f.key for f in fields} | {"summary"}
    for key in values:
        if key not in known:
            raise ValidationError("is not a field of this task", field=str(key))
    out: dict[str, Any] = {}
    for f in fields:
        value = values.get(f.key)
        if _blank(value):
            if f.required and f.kind != "bool":
                raise ValidationError(f"{f.label} must be filled in", field=f.key)
            if f.kind == "bool":
                out[f.key] = bool(value)
            continue
        out[f.key] = _clean(f, value)
        if f.kind == "date":
            _check_day(f, date.fromisoformat(out[f.key]), sent_on, today)
    summary = values.get("summary")
    if not _blank(summary):
        out["summary"] = check_length(str(summary), LONGTEXT_MAX, "summary")
    return out


def _check_day(f: FieldDef, day: date, sent_on: date | None, today: date | None) -> None:
    if sent_on is not None and day < sent_on:
        raise ValidationError(f"{f.label} cannot be before the task was sent ({sent_on.isoformat()})",
                              field=f.key)
    if today is not None and f.key in PAST_DATE_KEYS and day > today:
        raise ValidationError(f"{f.label} cannot be after today ({today.isoformat()})", field=f.key)


def _clean(f: FieldDef, value: Any) -> Any:
    if f.kind in ("text", "longtext"):
        text = str(value).strip()
        limit = TEXT_MAX if f.kind == "text" else LONGTEXT_MAX
        if len(text) > limit:
            raise ValidationError(f"{f.label} is longer than {limit} characters", field=f.key)
        return text
    if f.kind == "choice":
        text = str(value).strip()
        if text not in f.choices:
            raise ValidationError(
                f"{f.label}: '{text}' is not one of {' / '.join(f.choices)}", field=f.key
            )
        return text
    if f.kind == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(f"{f.label} must be a whole number, not '{value}'",
                                  field=f.key) from None
        if f.minimum is not None and number < f.minimum:
            raise ValidationError(f"{f.label} must be at least {f.minimum}", field=f.key)
        return number
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "是", "y"):
            return True
        if text in ("0", "false", "no", "否", "n"):
            return False
        raise ValidationError(f"{f.label} must be yes or no, not '{value}'", field=f.key)
    # date
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValidationError(f"{f.label} must be a date like 2026-11-20, not '{value}'",
                              field=f.key) from None
