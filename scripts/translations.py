"""Keep the zh_CN translation complete: extract UI and CLI strings, report untranslated ones, compile .qm.

    .venv/bin/python scripts/translations.py update    # pyside6-lupdate over ui/ and cli/ into the .ts
    .venv/bin/python scripts/translations.py missing   # list sources without a translation
    .venv/bin/python scripts/translations.py apply F   # fill from a TSV: context, source, translation
    .venv/bin/python scripts/translations.py release   # pyside6-lrelease into the .qm

In the TSV, a newline inside a string is written as \\n.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "precinct_console_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def sources() -> list[str]:
    """The modules whose strings the .ts holds: the window's (ui/) and the command line's (cli/,
    whose tr() reads the compiled .qm without Qt: src/precinct_console/i18n/qm.py)."""
    package = ROOT / "src" / "precinct_console"
    return sorted(str(p) for folder in ("ui", "cli") for p in (package / folder).rglob("*.py"))


def lupdate(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        # _tr is the modules' shorthand for a bare tr(): both land in the "" context (ui/i18n.py).
        [str(BIN / "pyside6-lupdate"), *sources(), "-no-obsolete", "-locations", "none",
         "-tr-function-alias", "tr+=_tr", "-target-language", "zh_CN", "-ts", str(target)],
        check=True, capture_output=True,
    )


def lrelease(source: Path, target: Path) -> None:
    subprocess.run([str(BIN / "pyside6-lrelease"), str(source), "-qm", str(target)],
                   check=True, capture_output=True)


def messages(ts: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation ('' when unfinished)."""
    tree = ET.parse(ts)
    out: dict[tuple[str, str], str] = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") == "unfinished":
                text = ""
            else:
                forms = [f.text or "" for f in translation.iter("numerusform")]
                text = (forms[0] if forms and all(forms) else "") if message.get("numerus") == "yes" \
                    else (translation.text or "")
            out[(name, message.findtext("source") or "")] = text
    return out


def apply(ts: Path, tsv: Path) -> int:
    """Write translations from a TSV into the .ts; returns how many were filled."""
    table: dict[tuple[str, str], str] = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        context, source, translation = line.split("\t")
        unescape = lambda t: t.replace("\\n", "\n")  # noqa: E731
        table[(context, unescape(source))] = unescape(translation)
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "")
            if table.get(key):
                translation = message.find("translation")
                if translation is None:
                    translation = ET.SubElement(message, "translation")
                translation.attrib.pop("type", None)
                if message.get("numerus") == "yes":
                    # Chinese has a single plural form: one numerusform serves every %n.
                    for form in list(translation):
                        translation.remove(form)
                    translation.text = None
                    ET.SubElement(translation, "numerusform").text = table[key]
                else:
                    translation.text = table[key]
                filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main(argv: list[str]) -> int:
    verb = argv[1] if len(argv) > 1 else "missing"
    if verb == "update":
        lupdate(TS)
    if verb in ("update", "missing"):
        missing = [k for k, v in messages(TS).items() if not v]
        for context, source in missing:
            print(f"{context}\t{source}")
        print(f"{len(missing)} untranslated", file=sys.stderr)
    if verb == "apply":
        print(f"{apply(TS, Path(argv[2]))} translations filled", file=sys.stderr)
    if verb == "release":
        lrelease(TS, QM)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
