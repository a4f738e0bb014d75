"""Reference data every database needs (the category tree), inserted or refreshed on start."""

from __future__ import annotations

from sqlalchemy import select

from ..domain.categories import CATEGORIES, pinyin_initials
from ..storage.database import Database
from ..storage.models import Category


def ensure_reference_data(db: Database) -> int:
    """Insert missing categories (existing ones keep local edits); returns how many were added."""
    with db.sessions() as s:
        existing = set(s.scalars(select(Category.code)))
        added = 0
        for c in sorted(CATEGORIES, key=lambda c: c.level):
            if c.code in existing:
                continue
            s.add(Category(
                code=c.code, parent_code=c.parent_code, level=c.level, name_zh=c.name_zh,
                name_en=c.name_en, pinyin_initials=pinyin_initials(c.name_zh),
                default_priority=c.default_priority, needs_reinforcement=c.needs_reinforcement,
            ))
            s.flush()
            added += 1
        s.commit()
        return added
