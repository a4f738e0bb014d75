"""What the frozen build leaves out: QML, Qt libraries nothing links to, other languages' Qt strings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

# Shipped languages: Qt's own strings and Chromium's locale packs for these only (en-US is
# Chromium's fallback and must stay).
LANGUAGES = ("zh_CN", "en")
WEBENGINE_LOCALES = ("zh-CN.pak", "en-US.pak")

Entry = tuple[str, str, str]  # PyInstaller's (destination, source, type code)


def _posix(dest: str) -> str:
    return dest.replace("\\", "/")


def wanted(dest: str) -> bool:
    """False for files a widgets console never opens (destination paths of Linux and Windows)."""
    dest = _posix(dest)
    # QtWebEngine links Qt Quick, so PyInstaller brings every QML plug-in and the Quick 3D,
    # Charts, Location... libraries they need; the console loads no QML at all.
    if "/Qt/qml/" in dest or dest.startswith("PySide6/qml/") or "/plugins/qmltooling/" in dest:
        return False
    if "/translations/qtwebengine_locales/" in dest:
        return dest.rsplit("/", 1)[-1] in WEBENGINE_LOCALES
    if "/Qt/translations/" in dest or dest.startswith("PySide6/translations/"):
        name = dest.rsplit("/", 1)[-1]
        return any(name.endswith(f"_{lang}.qm") for lang in LANGUAGES)
    return True


def is_qt_library(dest: str) -> bool:
    name = _posix(dest).rsplit("/", 1)[-1]
    return name.startswith("libQt6") or (name.startswith("Qt6") and name.lower().endswith(".dll"))


def needed_qt_libraries(binaries: Iterable[Entry],
                        imports_of: Callable[[str], Iterable[tuple[str, str]]]) -> set[str]:
    """Names (lower case) of the Qt libraries that some kept extension module, plug-in or
    helper program links to, directly or through another Qt library."""
    binaries = list(binaries)
    by_name = {Path(src).name.lower(): src for _dest, src, _kind in binaries}
    qt_libs = {Path(src).name.lower() for dest, src, _kind in binaries if is_qt_library(dest)}
    needed: set[str] = set()
    queue = [src for dest, src, _kind in binaries if not is_qt_library(dest)]
    seen: set[str] = set()
    while queue:
        src = queue.pop()
        if src in seen:
            continue
        seen.add(src)
        try:
            imports = imports_of(src)
        except Exception:  # not a binary the reader understands: it links no Qt library
            continue
        for name, _path in imports:
            # Windows import tables do not always spell a DLL's name as its file does.
            key = name.lower()
            if key in qt_libs and key not in needed:
                needed.add(key)
                queue.append(by_name[key])
    return needed


def trim(datas: list[Entry], binaries: list[Entry],
         imports_of: Callable[[str], Iterable[tuple[str, str]]] | None = None,
         ) -> tuple[list[Entry], list[Entry], list[str]]:
    """(datas, binaries, names of the Qt libraries left out) after trimming."""
    if imports_of is None:
        from PyInstaller.depend.bindepend import get_imports

        imports_of = get_imports
    datas = [e for e in datas if wanted(e[0])]
    binaries = [e for e in binaries if wanted(e[0])]
    needed = needed_qt_libraries(binaries, imports_of)

    def unused(entry: Entry) -> bool:
        return is_qt_library(entry[0]) and Path(entry[1]).name.lower() not in needed

    dropped = sorted(Path(e[1]).name for e in binaries if unused(e))
    return datas, [e for e in binaries if not unused(e)], dropped
