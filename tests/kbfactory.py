"""Small knowledge bases written into tmp_path for unit tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from recur.kb.writer import Bullets, Numbered, Raw, pattern_markdown


def pattern_text(
    pid: str,
    category: str = "capacity",
    *,
    title: str | None = None,
    severity: str = "sev2",
    symptoms=("requests hang",),
    signals=(),
    related=(),
    status: str | None = None,
    extra_front: str = "",
    summary: str = "Something goes wrong.",
    runbook=("Run `kubectl get pods -n prod` and look for restarts.",),
    evidence=("`kubectl logs --previous` of a crashed pod",),
    root_cause: str | None = "The mechanism.",
    fix: str | None = None,
) -> str:
    """A pattern file through the project's one writer (recur.kb.writer), with test defaults."""
    front = [
        ("id", Raw(pid)),
        ("title", title or pid.replace("-", " ").capitalize()),
        ("category", Raw(category)),
        ("severity", Raw(severity)),
        ("symptoms", list(symptoms)),
        ("signals", list(signals)),
        ("related", Raw(f"[{', '.join(related)}]") if related else None),
        ("status", Raw(status) if status else None),
        (None, Raw(fix) if fix else None),
        (None, Raw(extra_front) if extra_front else None),
    ]
    sections = [("Summary", summary), ("Runbook", Numbered(tuple(runbook)))]
    if evidence:
        sections.append(("Evidence to preserve", Bullets(tuple(evidence))))
    if root_cause is not None:
        sections.append(("Root cause", root_cause))
    return pattern_markdown(front, sections)


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
    return path


def small_kb(root: Path) -> Path:
    """Four patterns, two incidents, a path, the default severity framework and two cases."""
    write(
        root,
        "patterns/capacity/db-pool-exhausted.md",
        pattern_text(
            "db-pool-exhausted",
            title="Database connection pool exhausted",
            symptoms=("requests hang waiting for a database connection", "too many clients"),
            signals=("FATAL: sorry, too many clients already", "HikariPool-1 - Connection is not available"),
            related=("disk-full",),
            summary="All pooled connections are held so requests queue.",
        ),
    )
    write(
        root,
        "patterns/capacity/disk-full.md",
        pattern_text(
            "disk-full",
            title="Disk full on a host",
            symptoms=("writes fail", "no space left on device"),
            signals=("No space left on device", "ENOSPC"),
            related=("db-pool-exhausted",),
            summary="A filesystem runs out of bytes and writes fail.",
        ),
    )
    write(
        root,
        "patterns/network/dns-failure.md",
        pattern_text(
            "dns-failure",
            "network",
            title="DNS resolution failure",
            symptoms=("every service fails to resolve hostnames", "SERVFAIL from resolvers"),
            signals=("dial tcp: lookup api.internal: no such host", "CoreDNSErrorsHigh"),
            summary="Name resolution fails, so every dependency looks down.",
        ),
    )
    write(
        root,
        "patterns/deploys/old-retired.md",
        pattern_text(
            "old-retired",
            "deploys",
            title="Retired pattern about deploys",
            status="retired",
            symptoms=("deploy broke everything",),
        ),
    )
    write(
        root,
        "severity.yml",
        """levels:
  sev1: {name: Critical, review: full, review_within_days: 5}
  sev2: {name: Major, review: full, review_within_days: 10}
  sev3: {name: Minor, review: light, review_within_days: 20}
  sev4: {name: Low, review: none}
""",
    )
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        """---
id: INC-2026-0001
title: Checkout hung on database connections
date: 2026-03-02
severity: sev2
patterns: [db-pool-exhausted]
services: [checkout]
flags: ["restored by restarting; pool metrics lost"]
---

## Summary
Checkout requests hung for 20 minutes because the connection pool was exhausted.
""",
    )
    write(
        root,
        "incidents/2026/INC-2026-0002.md",
        """---
id: INC-2026-0002
title: Unknown slowness
date: 2026-04-10
severity: sev3
patterns: []
---

## Summary
Pages were slow; cause unknown.
""",
    )
    write(
        root,
        "paths/first-week.yml",
        """title: First week
audience: new on-call engineers
steps:
  - pattern: db-pool-exhausted
    why: the most common page
  - pattern: dns-failure
""",
    )
    write(
        root,
        "eval/cases.yml",
        """- query: "FATAL: sorry, too many clients already"
  expect: [db-pool-exhausted]
- query: "ENOSPC while writing the WAL"
  expect: [disk-full]
""",
    )
    return root
