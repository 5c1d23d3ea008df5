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
    Python: a requirement counts when its marker holds here (with the extras asked of it).
    bench/init_closure.py times it against another commit's and checks both give the same."""
    pins = Pins()
    top_key = normalized(top)
    # each distribution's metadata read and its requirements parsed once, whatever its name is
    # spelt as and with whichever extras it is asked for (normalized name -> _installed)
    installed: dict[str, tuple[str, list] | None] = {}
    todo: list[tuple[str, frozenset[str], str | None]] = [(top, frozenset(), None)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras, exact = todo.pop()
        key = normalized(name)
        if (key, extras) in seen:
            continue
        seen.add((key, extras))
        if key not in installed:
            installed[key] = _installed(name)  # as first spelt: an .egg-info is found by its own spelling
        if installed[key] is None:
            if exact:  # an exact requirement (recur's torch==…) is its own pin, installed here or not
                pins.versions[key] = exact
            elif key not in pins.missing:
                pins.missing.append(key)
            continue
        version, requires = installed[key]
        if key != top_key:
            pins.versions[key] = public(version)
        for req in requires:
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in {"", *extras}):
                continue
            specs = list(req.specifier)
            exact = len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version
            pinned = specs[0].version if exact else None
            todo.append((req.name, frozenset(normalized(e) for e in req.extras), pinned))
    pins.missing.sort()
    return pins


def _installed(name: str) -> tuple[str, list] | None:
    """``_read`` of the distribution ``name`` installed here, found as importlib.metadata finds it;
    None when there is none."""
    from importlib import metadata

    try:
        return _read(metadata.distribution(name))
    except metadata.PackageNotFoundError:
        return None


def _read(dist) -> tuple[str, list]:
    """An importlib.metadata Distribution's version and its requirements, parsed (packaging
    Requirements), as ``dist.version`` and ``dist.requires`` give them, its metadata read once."""
    from packaging.requirements import Requirement

    headers = _headers(dist)
    requires = headers.get_all("Requires-Dist")
    if requires is None and dist.read_text("requires.txt") is not None:  # an .egg-info's are there
        requires = dist.requires
    return headers["Version"], [Requirement(line) for line in requires or ()]


def _headers(dist):
    """A distribution's metadata headers (an email.message.Message, as ``dist.metadata`` reads them):
    METADATA's, parsed up to the blank line that ends them, not through the long description below
    it (most of the file, and of the time, for many packages), folded values dedented as
    importlib.metadata dedents them. Anything else (PKG-INFO, an .egg-info file, a METADATA with
    carriage returns) as importlib.metadata reads it."""
    import email
    import textwrap
    from email.message import Message

    text = dist.read_text("METADATA")
    if not text or "\r" in text:
        return dist.metadata
    end = text.find("\n\n")  # the headers end at the first empty line, as the email parser ends them
    headers = Message()
    for key, value in email.message_from_string(text if end < 0 else text[: end + 1]).items():
        # a folded value's later lines lose their indent, as importlib.metadata's Message repairs them
        headers[key] = textwrap.dedent(" " * 8 + value) if "\n" in value else value
    return headers
