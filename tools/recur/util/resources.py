"""Files Recur ships for the site and for new KB repositories, found through importlib.resources.

In a checkout they are the repository's own ``site_config/``, ``kb/`` and ``docs/kb-format.md``
(``recur/site/theme``, ``recur/starter`` and ``recur/reference/kb-format.md`` are links to them); in a
wheel they are package data, copied in at build time.
Either way the code asks the package, never a path relative to the source tree.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def theme_dir() -> Path:
    """The packaged theme: ``overrides/`` (mkdocs-material custom_dir) and ``assets/`` (CSS/JS), which the plugin adds."""
    return Path(str(resources.files("recur.site") / "theme"))


def overrides_dir() -> Path:
    return theme_dir() / "overrides"


def assets_dir() -> Path:
    return theme_dir() / "assets"


def starter_dir() -> Path:
    """The shipped starter catalog (patterns, onboarding paths, eval cases, severity framework)."""
    return Path(str(resources.files("recur") / "starter"))


def templates_dir() -> Path:
    """Templates Recur writes from: ``init/`` is a new KB repository (``recur init``)."""
    return Path(str(resources.files("recur") / "templates"))


def kb_format_doc() -> Path:
    """The KB format reference (docs/kb-format.md), for a team whose Recur is an installed wheel."""
    return Path(str(resources.files("recur") / "reference" / "kb-format.md"))


def browser_dir() -> Path:
    """The static site's in-browser search: its JS and the vendored runtime (``vendor/``)."""
    return Path(str(resources.files("recur.site") / "browser"))
