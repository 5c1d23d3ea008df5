"""The versions a distribution's dependencies are installed at here: its dependency closure, read
from the installed packages' metadata (importlib.metadata), not everything in the environment.

``recur init`` writes them to a new KB repository's constraints.txt, so the team's CI installs what
this recur was installed and tested with, not whatever its dependencies released since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Pins:
    """``versions``: {normalized name: version} of the closure, the distribution itself left out;
    ``missing``: requirements that hold here but are not installed (nothing known to pin)."""

    versions: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def normalized(name: str) -> str:
    """A project name as indexes compare it (PEP 503): PyYAML, pyyaml and py_yaml are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def public(version: str) -> str:
    """A version without its local label: torch's CPU wheel is 2.13.0+cpu, and ``torch==2.13.0``
    takes it from the CPU index as well as the plain build on a platform that has no +cpu one."""
    return version.split("+", 1)[0]


def installed_closure(top: str) -> Pins:
    """The installed versions of everything ``top`` needs, transitively, on this platform and
    Python: a requirement counts when its marker holds here (with the extras asked of it)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    pins = Pins()
    todo: list[tuple[str, frozenset[str], str | None]] = [(top, frozenset(), None)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras, exact = todo.pop()
        key = normalized(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if exact:  # an exact requirement (recur's torch==…) is its own pin, installed here or not
                pins.versions[key] = exact
            elif key not in pins.missing:
                pins.missing.append(key)
            continue
        if key != normalized(top):
            pins.versions[key] = public(dist.version)
        for line in dist.requires or ():
            req = Requirement(line)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in {"", *extras}):
                continue
            specs = list(req.specifier)
            exact = len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version
            pinned = specs[0].version if exact else None
            todo.append((req.name, frozenset(normalized(e) for e in req.extras), pinned))
    pins.missing.sort()
    return pins
