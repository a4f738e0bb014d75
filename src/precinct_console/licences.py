"""Which libraries the console ships, with version and licence, read from their installed metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

DISTRIBUTION = "precinct-console"

# "Name [extras] (>=1) ; marker": the name and extras are all we need to walk the tree.
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
# Project-URL labels in the order a reader wants them; funding and trackers are not a home.
_HOME_LABELS = ("homepage", "home", "source", "source code", "repository", "documentation")


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str
    home: str


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(root: str = DISTRIBUTION) -> list[str]:
    """The installed distributions the console needs at run time (its requirements, recursively).

    Optional extras (test, build) are left out; a requirement whose platform marker does not
    apply here is simply not installed and so not listed. Packaging is not a run-time
    dependency, hence the plain parsing.
    """
    seen: dict[str, str] = {}
    stack: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while stack:
        name, extras = stack.pop()
        key = _normal(name) + "[" + ",".join(sorted(extras)) + "]"
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist.metadata["Name"]
        for requirement in dist.requires or []:
            spec, _, marker = requirement.partition(";")
            wanted = _EXTRA_MARKER.search(marker)
            if wanted and _normal(wanted.group(1)) not in extras:
                continue  # an extra nobody asked for (test, docs, ...)
            match = _REQUIREMENT.match(spec)
            if match:
                asked = frozenset(_normal(e) for e in (match.group(2) or "").split(",") if e.strip())
                stack.append((match.group(1), asked))
    return sorted(set(seen.values()), key=str.lower)


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    return (meta[key] or "") if key in meta else ""


def licence_of(meta: metadata.PackageMetadata) -> str:
    """SPDX expression when declared, else a short License field, else the trove classifiers."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression.strip()
    field = _field(meta, "License").strip()
    # Some projects paste the whole licence text into the field; only a short one is a name.
    if field and "\n" not in field and len(field) <= 80 and field.upper() != "UNKNOWN":
        return field
    classifiers = [
        c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.count("::") >= 2
    ]
    if classifiers:
        return " / ".join(dict.fromkeys(classifiers))
    if field:
        return field.splitlines()[0][:80]
    return "see the library's own licence file"


def bundled_libraries(root: str = DISTRIBUTION) -> list[Library]:
    """Every run-time library with its version and licence, the console itself excluded."""
    libraries = []
    for name in runtime_distributions(root):
        if _normal(name) == _normal(root):
            continue
        meta = metadata.metadata(name)
        links: dict[str, str] = {}
        for url in meta.get_all("Project-URL") or []:
            label, _, link = url.partition(",")
            links.setdefault(label.strip().lower(), link.strip())
        home = next((links[label] for label in _HOME_LABELS if label in links), "")
        home = home or _field(meta, "Home-page")
        libraries.append(Library(meta["Name"], meta["Version"], licence_of(meta), home))
    return libraries
