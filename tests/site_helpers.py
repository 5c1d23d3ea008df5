"""Helpers for the site tests: a KB that exercises every page feature, and a crawler for built HTML."""

from __future__ import annotations

import contextlib
import html.parser
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from browser import serve_dir
from kbfactory import small_kb, write, write_pattern

AS_OF = "2026-05-01"


def site_kb(root: Path) -> Path:
    """small_kb plus a permanent fix, tags, services, follow-ups, flags, distinguish and a second path."""
    small_kb(root)
    retired = root / "patterns/deploys/old-retired.md"  # what replaced it: the retired pattern's page links it
    text = retired.read_text()
    assert "\nstatus: retired\n" in text
    retired.write_text(text.replace("\nstatus: retired\n", "\nstatus: retired\nsuperseded_by: dns-failure\n", 1))
    write_pattern(
        root,
        "disk-full",
        title="Disk full on a host",
        symptoms=("writes fail", "no space left on device"),
        signals=("No space left on device", "ENOSPC", "KubePodCrashLooping"),
        related=("db-pool-exhausted",),
        summary="A filesystem runs out of bytes and writes fail. Everything that logs stops.",
        runbook=(
            "Run `df -h` and find the full filesystem.",
            "Find the biggest files: `du -xh / | sort -h | tail`.",
            "Free space without deleting evidence.",
        ),
        evidence=("`du` output of the full filesystem", "the log file that grew"),
        extra_front="tags: [disk, storage]\nservices: [checkout, postgres-main]\nowner: team-storage\n"
        'distinguish:\n  - {from: db-pool-exhausted, by: "`df` shows 100% on the data volume"}\n'
        "fix:\n  status: in-progress\n  owner: team-storage\n  due: 2026-04-01\n  tickets: [PRB-7]",
    )
    write(
        root,
        "incidents/2026/INC-2026-0003.md",
        """---
id: INC-2026-0003
title: Checkout logs filled the disk
date: 2026-04-20
severity: sev1
patterns: [disk-full]
services: [checkout]
duration_minutes: 42
follow_ups:
  - {title: "Log rotation on checkout hosts", status: open, owner: team-storage, due: 2026-04-25, ticket: OPS-1}
flags:
  - {text: "why did the disk alert not fire?", status: open}
---

## Summary
Checkout hosts ran out of disk because debug logging was left on.

## Timeline
- 10:00 disk alert silent
""",
    )
    write(
        root,
        "incidents/2025/INC-2025-0009.md",
        """---
id: INC-2025-0009
title: Old disk incident
date: 2025-11-03
severity: sev3
patterns: [disk-full]
review: {level: light, status: done}
---

## Summary
The first time the disk filled up.
""",
    )
    write(
        root,
        "paths/storage-basics.yml",
        """title: Storage basics
audience: storage on-call
steps:
  - pattern: disk-full
    why: the disk fills before anything else does
  - pattern: db-pool-exhausted
""",
    )
    return root


def loaded_site_kb(root: Path):
    """site_kb written at ``root`` and loaded; it loads without errors (the unit tests' fixture)."""
    from recur.kb.loader import load_kb

    kb = load_kb(site_kb(root))
    assert not kb.errors, kb.errors
    return kb


def recur_site(kb: Path, out: Path, *extra: str):
    """`recur site` of ``kb`` into ``out`` as of AS_OF, its --index a folder beside ``out`` that holds
    no index: the build the site tests share; ``extra``: more options (--strict, -q, ...)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    index = str(out.parent / "no-index")
    return CliRunner().invoke(
        cli, ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "--index", index, *extra]
    )


@contextlib.contextmanager
def served_site(kb: Path, out: Path, *extra: str):
    """``kb`` built with recur_site into ``out`` (``extra``: more options) and served on 127.0.0.1 (serve_dir);
    yields (url, out): the module-scoped ``base`` of the browser tests."""
    result = recur_site(kb, out, *extra)
    assert result.exit_code == 0, result.output
    with serve_dir(out) as url:
        yield url, out


class _Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list = []
        self.ids: set = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img", "source", "iframe"):
                self.links.append(a[key])


def crawl(site: Path) -> tuple[int, list]:
    """Check every internal href/src (and #anchor) of every built HTML file; returns (links checked, broken)."""
    site = Path(site)
    parsed: dict = {}

    def parse(rel: str):
        if rel not in parsed:
            p = _Parser()
            p.feed((site / rel).read_text(encoding="utf-8"))
            parsed[rel] = p
        return parsed[rel]

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    checked, broken = 0, []
    for page in pages:
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            checked += 1
            path = unquote(parts.path)
            if path.startswith("/"):  # only 404.html: mkdocs makes its links root-relative (site at /)
                target = posixpath.normpath(path.lstrip("/")) or "."
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
            if target.startswith(".."):
                broken.append(f"{page}: {link} leaves the site")
                continue
            if (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if not (site / target).is_file():
                broken.append(f"{page}: {link} -> missing {target}")
                continue
            if parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in parse(target).ids:
                broken.append(f"{page}: {link} -> no anchor #{parts.fragment} in {target}")
    return checked, broken
