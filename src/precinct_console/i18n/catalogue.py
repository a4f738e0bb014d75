"""Known errors of the Qt-free layers in a language, from a catalogue of message templates.

The window (ui/error_text.py) and the command line (cli/i18n.py) read the same catalogue,
resources/translations/errors_<language>.tsv, so a refusal reads the same in both.
"""

from __future__ import annotations

import functools
import logging
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import resources_dir
from ..domain.errors import ValidationError, ValidationErrors

log = logging.getLogger("precinct_console.i18n")

# Placeholders whose value is a status, step or entity code ([words] of the catalogue), and those
# whose value names fields ([fields]); other values are translated only when they are a whole
# known message themselves (a conflict quoted inside another error).
WORD_SLOTS = frozenset({"step", "steps", "status", "statuses", "states", "entity", "what", "level",
                        "parent_level", "wanted", "role_name", "ledger_titles",
                        "weekday"})
FIELD_SLOTS = frozenset({"field", "fields"})
# Placeholders holding one code, id or count never span a space: this keeps "{entity} {entity_id}
# was changed..." from swallowing the head of a message that quotes a conflict.
TOKEN_SLOTS = frozenset({"entity", "entity_id", "number", "count", "row", "index", "n", "j", "h"})
# How lists are joined in English placeholder values, and how the Chinese joins them.
LIST_SEPARATORS = ((", ", "、"), (" or ", "或"), (" / ", " / "))
MAX_DEPTH = 3
_FORMATTER = string.Formatter()


def catalogue_path(language: str) -> Path:
    return resources_dir() / "translations" / f"errors_{language}.tsv"


def placeholders(template: str) -> list[str]:
    """The placeholder names of a template, in order (repeats included)."""
    return [name for _lit, name, _spec, _conv in _FORMATTER.parse(template) if name is not None]


def shape(template: str) -> str:
    """The template with its placeholders unnamed: what the code's f-string and the entry share."""
    return "".join(lit.replace("{", "{{").replace("}", "}}") + ("{}" if name is not None else "")
                   for lit, name, _spec, _conv in _FORMATTER.parse(template))


@dataclass(frozen=True)
class Template:
    english: str
    translation: str
    pattern: re.Pattern[str]
    literal: int  # characters of fixed text: the more, the more specific


def _compile(english: str, translation: str, words: list[str]) -> Template:
    parts = list(_FORMATTER.parse(english))
    regex, seen, literal = [], set(), 0
    for i, (lit, name, _spec, _conv) in enumerate(parts):
        regex.append(re.escape(lit))
        literal += len(lit)
        if name is None:
            continue
        if name in seen:
            regex.append(f"(?P={name})")
            continue
        seen.add(name)
        follows_placeholder = i > 0 and not lit and parts[i - 1][1] is not None
        next_lit = parts[i + 1][0] if i + 1 < len(parts) else None
        if next_lit == "" and name in WORD_SLOTS and words:
            # Two placeholders side by side ({status}{busy}): only a known word tells where one ends.
            regex.append(f"(?P<{name}>" + "|".join(map(re.escape, words)) + ")")
        elif name in TOKEN_SLOTS or name.endswith("_id"):
            regex.append(f"(?P<{name}>\\S+?)")
        elif follows_placeholder:
            regex.append(f"(?P<{name}>.*?)")  # a tail that may be empty
        else:
            regex.append(f"(?P<{name}>.+?)")
    return Template(english, translation, re.compile("".join(regex), re.DOTALL), literal)


class Catalogue:
    """One language's templates, field names and code words."""

    def __init__(self, structure: dict[str, str], messages: dict[str, str],
                 fields: dict[str, str], words: dict[str, str]):
        self.fields, self.words = fields, words
        longest_first = sorted(words, key=len, reverse=True)
        self.structure = {k: _compile(k, v, longest_first) for k, v in structure.items()}
        compiled = [_compile(k, v, longest_first) for k, v in messages.items()]
        self.messages = sorted(compiled, key=lambda t: -t.literal)  # stable: file order breaks ties

    @classmethod
    def read(cls, path: Path) -> Catalogue:
        sections: dict[str, dict[str, str]] = {"structure": {}, "messages": {}, "fields": {}, "words": {}}
        current: dict[str, str] | None = None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections[line[1:-1]]
                continue
            english, sep, translation = line.partition("\t")
            if current is None or not sep:
                raise ValueError(f"{path.name} line {number}: not 'English<TAB>translation'")
            current[english] = translation
        return cls(sections["structure"], sections["messages"], sections["fields"], sections["words"])

    # -- translating ----------------------------------------------------------------------------
    def message(self, text: str, depth: int = 0) -> str:
        """A message by its template; unknown text stays as it is (nothing is lost)."""
        for group in (self.structure.values(), self.messages):
            for t in group:
                m = t.pattern.fullmatch(text)
                if m:
                    return self._fill(t.translation, m.groupdict(), depth)
        return text

    def wrap(self, english_key: str, **values: str) -> str:
        """A [structure] template filled with values already translated (fields still English)."""
        t = self.structure.get(english_key)
        if t is None:
            return english_key.format(**values)
        return self._fill(t.translation, values, MAX_DEPTH, translate_values=False)

    def field(self, name: str) -> str:
        return self.fields.get(name, name)

    def _fill(self, template: str, values: dict[str, str], depth: int,
              translate_values: bool = True) -> str:
        out = []
        for lit, name, _spec, _conv in _FORMATTER.parse(template):
            out.append(lit)
            if name is None:
                continue
            value = values.get(name, "")
            if name in FIELD_SLOTS:
                value = self._items(value, self.fields)
            elif name in WORD_SLOTS:
                value = self._items(value, self.words)
            elif translate_values and depth < MAX_DEPTH and value:
                value = self.message(value, depth + 1)
            out.append(value)
        return "".join(out)

    def _items(self, value: str, table: dict[str, str]) -> str:
        if value in table:
            return table[value]
        for english, joined in LIST_SEPARATORS:
            if english in value:
                return joined.join(table.get(item, item) for item in value.split(english))
        return value


@functools.cache
def catalogue(language: str) -> Catalogue | None:
    """The catalogue of a language, or None where none ships (English needs none)."""
    path = catalogue_path(language)
    if language.startswith("en") or not path.exists():
        return None
    return Catalogue.read(path)


def message_text(text: str, language: str) -> str:
    """A message the Qt-free layers give to be shown, not raised (a unit recommendation's
    reasons, its shortfall), in the language by the same catalogue; unknown text as it is."""
    cat = catalogue(language)
    if cat is None:
        return text
    try:
        return cat.message(text)
    except Exception:  # a broken catalogue entry must never hide the message itself
        log.exception("cannot translate the message %r", text)
        return text


def error_text(exc: BaseException, language: str) -> str:
    """The message of a known error in the language (English: str(exc) unchanged)."""
    cat = catalogue(language)
    if cat is None:
        return str(exc)
    try:
        return _render(exc, cat)
    except Exception:  # a broken catalogue entry must never hide the error itself
        log.exception("cannot translate the error %r", str(exc))
        return str(exc)


def _render(exc: BaseException, cat: Catalogue) -> str:
    if isinstance(exc, ValidationErrors):
        lines = [cat.wrap("{count} problem(s), nothing was imported:", count=str(len(exc.problems)))]
        lines += [cat.wrap("  - {message}", message=_render(p, cat)) for p in exc.problems[:200]]
        if len(exc.problems) > 200:
            lines.append(cat.wrap("  ... and {count} more", count=str(len(exc.problems) - 200)))
        return "\n".join(lines)
    if isinstance(exc, ValidationError):
        message = cat.message(exc.bare_message)
        field = exc.field or ""  # wrap() names it in the catalogue's language
        # domain.geo pulls in shapely: a FeatureProblem exists only once something imported it.
        geo = sys.modules.get("precinct_console.domain.geo")
        if geo is not None and isinstance(exc, geo.FeatureProblem):
            index = str(exc.index) if exc.index is not None else ""
            key = ("feature {index}" + (" ({code})" if exc.code else "") if index else "") + (
                (", " if index else "") + "property '{field}'" if field else "")
            return cat.wrap(key + ": {message}", index=index, code=exc.code, field=field,
                            message=message) if key else message
        if exc.row is not None and field:
            return cat.wrap("row {row}, field '{field}': {message}", row=str(exc.row), field=field,
                            message=message)
        if exc.row is not None:
            return cat.wrap("row {row}: {message}", row=str(exc.row), message=message)
        if field:
            return cat.wrap("field '{field}': {message}", field=field, message=message)
        return message
    return cat.message(str(exc))
