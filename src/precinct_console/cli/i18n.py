"""The command line's language: the `language` setting when it names one, else the user's locale.

Verbs mark their English text with tr(), as the window does; scripts/translations.py files it in
the .ts with the window's strings, and tr() reads the compiled .qm without Qt (i18n/qm.py).
Known errors of the services read as in the window, through the same catalogue. argparse's own
words (usage:, options, its error messages) are translated while main() runs.
"""

from __future__ import annotations

import argparse
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..config import SettingsError, load_settings
from ..i18n import catalogue, qm
from ..i18n.language import system_language


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate knows
    """Marks text for lupdate under a context; the translation is asked for later."""
    return text


# argparse's messages (Python 3.11 and later), asked through argparse's gettext hook.
ARGPARSE_MESSAGES = (
    QT_TRANSLATE_NOOP("argparse", "usage: "),
    QT_TRANSLATE_NOOP("argparse", "positional arguments"),
    QT_TRANSLATE_NOOP("argparse", "options"),
    QT_TRANSLATE_NOOP("argparse", "show this help message and exit"),
    QT_TRANSLATE_NOOP("argparse", "%(prog)s: error: %(message)s\n"),
    QT_TRANSLATE_NOOP("argparse", "argument %(argument_name)s: %(message)s"),
    QT_TRANSLATE_NOOP("argparse", "unrecognized arguments: %s"),
    QT_TRANSLATE_NOOP("argparse", "not allowed with argument %s"),
    QT_TRANSLATE_NOOP("argparse", "the following arguments are required: %s"),
    QT_TRANSLATE_NOOP("argparse", "one of the arguments %s is required"),
    QT_TRANSLATE_NOOP("argparse", "expected one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at most one argument"),
    QT_TRANSLATE_NOOP("argparse", "expected at least one argument"),
    QT_TRANSLATE_NOOP("argparse", "invalid %(type)s value: %(value)r"),
    QT_TRANSLATE_NOOP("argparse", "invalid choice: %(value)r (choose from %(choices)s)"),
    QT_TRANSLATE_NOOP("argparse", "ambiguous option: %(option)s could match %(matches)s"),
    QT_TRANSLATE_NOOP("argparse", "ignored explicit argument %r"),
)

_language = "en"
_qm: qm.QmCatalogue | None = None


def choose_language() -> str:
    """The window's setting (`language` in settings.toml, or $PRECINCT_LANGUAGE: en or zh_CN)
    when set; empty, the locale's: a scheduled task on a Chinese Windows speaks Chinese, a
    script on an English server English."""
    try:
        setting = load_settings().language
    except SettingsError:
        # The verb reading the settings names what is broken: in $PRECINCT_LANGUAGE if that
        # much is usable (a bad time beside it), else in the locale's language.
        setting = os.environ.get("PRECINCT_LANGUAGE", "")
        setting = setting if setting in ("en", "zh_CN") else ""
    return setting or system_language()


def language() -> str:
    """The language the verbs speak now: 'en' or 'zh_CN'."""
    return _language


def tr(text: str) -> str:
    """Translate in the empty context, where lupdate files a bare tr() (as ui/i18n.py's)."""
    if _qm is None:
        return text
    return _qm.translate("", text) or text


def error_text(exc: BaseException) -> str:
    """A known error of the services in the verbs' language, as the window says it."""
    return catalogue.error_text(exc, _language)


def message_text(text: str) -> str:
    """A message the services give to be shown (a plan's notes), as the window says it."""
    return catalogue.message_text(text, _language)


# Chinese joins a list with 、 and clauses with ；, as the catalogue of errors does (LIST_SEPARATORS).
CHINESE_SEPARATORS = {", ": "、", "; ": "；"}


def joined(items: Iterable[str], separator: str = ", ") -> str:
    """Items joined as the language writes a list."""
    if _language.startswith("zh"):
        separator = CHINESE_SEPARATORS.get(separator, separator)
    return separator.join(items)


def columns(text: str) -> int:
    """How many terminal columns the text takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Text padded to a column width as a terminal shows it."""
    return text + " " * max(0, width - columns(text))


# Line breaking for help in Chinese: between any two Chinese characters as well as at spaces,
# never before closing punctuation nor after opening punctuation.
_OPENING = "（《「『【〔“‘"
_CLOSING = "，。；：、！？）》」』】〕”’"


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _tokens(text: str) -> list[str]:
    """Words, single Chinese characters (with the punctuation that clings to them) and spaces."""
    tokens: list[str] = []
    opening = ""
    for ch in text:
        if ch.isspace():
            if tokens and not tokens[-1].isspace():
                tokens.append(" ")
        elif ch in _OPENING:
            opening += ch
        elif ch in _CLOSING and tokens and not tokens[-1].isspace():
            tokens[-1] += ch
        elif _wide(ch) or not tokens or tokens[-1].isspace() or _wide(tokens[-1][-1]) \
                or tokens[-1][-1] in _CLOSING or opening:
            tokens.append(opening + ch)
            opening = ""
        else:
            tokens[-1] += ch
    if opening:
        tokens.append(opening)
    return tokens


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns (a longer word stays whole)."""
    lines, line = [], ""
    for token in _tokens(text):
        if token.isspace():
            line += " " if line else ""
            continue
        if line.strip() and columns(line + token) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, wrapping Chinese help by the columns a terminal shows (English unchanged)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not any(map(_wide, text)):
            return super()._split_lines(text, width)
        return wrap(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not any(map(_wide, text)):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in
                         wrap(self._whitespace_matcher.sub(" ", text).strip(), width))


class RawDescriptionHelpFormatter(HelpFormatter):
    """A description laid out by hand (examples, a table of columns) is printed as it is."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "".join(indent + line for line in text.splitlines(keepends=True))


class ArgumentParser(argparse.ArgumentParser):
    """Every parser of the verbs, and their sub-parsers, lay out help with HelpFormatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def _argparse_text(text: str) -> str:
    return (_qm.translate("argparse", text) if _qm is not None else None) or text


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak the language until the block ends (tests call main() again and again)."""
    global _language, _qm
    hook: Callable[[str], str] = argparse._  # type: ignore[attr-defined]
    saved = _language, _qm
    _qm = qm.load(lang)
    _language = lang if _qm is not None else "en"  # no readable .qm: English throughout
    if _qm is not None:
        argparse._ = _argparse_text  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _language, _qm = saved
        argparse._ = hook  # type: ignore[attr-defined]
