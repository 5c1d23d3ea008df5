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


def fake_model_flags(kb: Path, index: Path) -> list[str]:
    """The flags that run a command on ``kb``, its index at ``index``, with the fake encoder (fake:64:
    no model to load)."""
    return ["--kb", str(kb), "--index", str(index), "--model", "fake:64"]


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)
    return path


def write_pattern(root: Path, pid: str, category: str = "capacity", **fields) -> Path:
    """``pattern_text(pid, category, **fields)`` written where the loader looks for it:
    root/patterns/CATEGORY/PID.md."""
    return write(root, f"patterns/{category}/{pid}.md", pattern_text(pid, category, **fields))


def small_kb(root: Path) -> Path:
    """Four patterns, two incidents, a path, the default severity framework and two cases."""
    write_pattern(
        root,
        "db-pool-exhausted",
        title="Database connection pool exhausted",
        symptoms=("requests hang waiting for a database connection", "too many clients"),
        signals=("FATAL: sorry, too many clients already", "HikariPool-1 - Connection is not available"),
        related=("disk-full",),
        summary="All pooled connections are held so requests queue.",
    )
    write_pattern(
        root,
        "disk-full",
        title="Disk full on a host",
        symptoms=("writes fail", "no space left on device"),
        signals=("No space left on device", "ENOSPC"),
        related=("db-pool-exhausted",),
        summary="A filesystem runs out of bytes and writes fail.",
    )
    write_pattern(
        root,
        "dns-failure",
        "network",
        title="DNS resolution failure",
        symptoms=("every service fails to resolve hostnames", "SERVFAIL from resolvers"),
        signals=("dial tcp: lookup api.internal: no such host", "CoreDNSErrorsHigh"),
        summary="Name resolution fails, so every dependency looks down.",
    )
    write_pattern(
        root,
        "old-retired",
        "deploys",
        title="Retired pattern about deploys",
        status="retired",
        symptoms=("deploy broke everything",),
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
    why: it looks like every other network problem
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


def tune_kb(root: Path) -> Path:
    """small_kb with nine eval cases, what `recur tune` needs at least to measure a candidate."""
    small_kb(root)
    cases = root / "eval/cases.yml"
    more = [
        ("checkout requests hang, no database connection free", "db-pool-exhausted"),
        ("connection is not available, request timed out after 30000ms", "db-pool-exhausted"),
        ("no space left on device when the job writes its output", "disk-full"),
        ("the volume is at 100% and writes fail", "disk-full"),
        ("services cannot resolve each other's hostnames", "dns-failure"),
        ("NXDOMAIN for an internal name that worked yesterday", "dns-failure"),
        ("lookups time out against the resolver", "dns-failure"),
    ]
    cases.write_text(cases.read_text() + "".join(f'- query: "{q}"\n  expect: [{pid}]\n' for q, pid in more))
    return root


# Twelve patterns, each with three incident reports in a reporter's words (not the pattern's).
_INCIDENT_KB = [
    (
        "db-pool-exhausted",
        "capacity",
        "Database connection pool exhausted",
        ("requests hang waiting for a database connection", "too many clients"),
        (
            "Checkout froze while every worker waited on Postgres",
            "Orders API stuck: all DB handles in use",
            "Login spinner forever after the batch job grabbed the connections",
        ),
    ),
    (
        "disk-full",
        "capacity",
        "Disk full on a host",
        ("writes fail", "no space left on device"),
        (
            "Uploads rejected, the volume on node-7 hit 100%",
            "Log partition filled and the agent stopped writing",
            "Kafka broker could not append: filesystem out of bytes",
        ),
    ),
    (
        "dns-failure",
        "network",
        "DNS resolution failure",
        ("hostnames do not resolve", "SERVFAIL from resolvers"),
        (
            "Everything looked down because names stopped resolving",
            "Service discovery lookups failed cluster-wide",
            "Pods could not find the payments host by name",
        ),
    ),
    (
        "cert-expired",
        "security",
        "TLS certificate expired",
        ("handshake failures", "x509 certificate has expired"),
        (
            "Mobile apps refused to connect to the API edge",
            "Partner webhooks failed with a trust error",
            "Browsers warned that the site was not secure",
        ),
    ),
    (
        "oom-kill",
        "software",
        "Container killed for running out of memory",
        ("pods restart", "exit code 137"),
        (
            "The recommender kept restarting every few minutes",
            "Workers vanished with signal 9 under load",
            "Search pods cycling after the heap grew",
        ),
    ),
    (
        "bad-deploy",
        "deploys",
        "Faulty release rolled out",
        ("errors start right after a deploy", "canary fails"),
        (
            "Error rate jumped the minute version 4.2 went live",
            "New build broke the cart page for everyone",
            "Rollback fixed the 500s introduced by the morning release",
        ),
    ),
    (
        "clock-skew",
        "time",
        "Clock drift between hosts",
        ("token validation fails", "timestamps out of order"),
        (
            "Sessions expired instantly on two nodes",
            "Signed URLs rejected as not yet valid",
            "Events arrived before the things that caused them",
        ),
    ),
    (
        "rate-limited",
        "dependencies",
        "Upstream rate limit hit",
        ("429 responses", "requests throttled"),
        (
            "The maps provider started refusing our calls at noon",
            "Payment gateway answered too many requests",
            "Email sends queued because the vendor throttled us",
        ),
    ),
    (
        "cache-stampede",
        "software",
        "Cache stampede after expiry",
        ("database load spikes", "cache misses surge"),
        (
            "Homepage slowed when the popular keys all expired together",
            "Redis flush sent every request to MySQL",
            "Thundering herd on the product catalogue at the top of the hour",
        ),
    ),
    (
        "queue-backlog",
        "capacity",
        "Message queue backlog",
        ("consumer lag grows", "jobs delayed"),
        (
            "Notifications arrived hours late",
            "Invoices stuck behind millions of pending messages",
            "Order confirmations delayed because consumers fell behind",
        ),
    ),
    (
        "config-typo",
        "config",
        "Bad configuration pushed",
        ("service fails to start", "config validation error"),
        (
            "A wrong flag value took the gateway down",
            "Feature toggle file with a stray comma broke startup",
            "Edited YAML disabled authentication by mistake",
        ),
    ),
    (
        "replica-lag",
        "data",
        "Database replica lag",
        ("stale reads", "replication delay alerts"),
        (
            "Customers saw old balances after paying",
            "Profile edits disappeared then came back",
            "Reports showed yesterday's numbers from the read replica",
        ),
    ),
]


def incident_kb(root: Path, echo_titles: bool = False) -> Path:
    """Twelve patterns and 36 linked incidents over 2025-2026 (the incident data floor is met),
    plus eval cases (never trained on). ``echo_titles``: each incident is titled as its pattern, so
    any model ranks it first (a KB where no tuned model can measure better)."""
    import datetime as dt

    from recur.kb.incident_record import incident_text

    small_kb(root)  # severity framework, paths, two cases, and the first three patterns
    day = dt.date(2025, 1, 6)
    n = 0
    for pid, cat, title, symptoms, _ in _INCIDENT_KB:
        write_pattern(root, pid, cat, title=title, symptoms=symptoms, summary=f"{title}: {symptoms[0]}.")
    for round_ in range(3):  # interleaved in time: every pattern has an old, a middle and a recent incident
        for pid, _, title, _, reports in _INCIDENT_KB:
            reports = [title] * 3 if echo_titles else reports
            n += 1
            date = day + dt.timedelta(days=9 * n)
            write(
                root,
                f"incidents/{date.year}/INC-{date.year}-{n:04d}.md",
                incident_text(
                    iid=f"INC-{date.year}-{n:04d}",
                    title=reports[round_],
                    date=date,
                    severity="sev3",
                    patterns=[pid],
                    sections={"Summary": f"{reports[round_]}. Responders spent the first half hour on other leads."},
                ),
            )
    return root


def tuned_once(root: Path, make_kb, seed: int) -> tuple:
    """``make_kb``'s KB written under ``root`` and tuned once with the real model (one epoch, batches
    of 8) into root/.recur/model, its index root/.recur/index: the tune tests' module fixtures.
    Returns (kb, out, index, manifest)."""
    from recur.tuning.tune import run_tune

    kb = make_kb(root / "kb")
    out, index = root / ".recur" / "model", root / ".recur" / "index"
    manifest = run_tune(kb, out, index, epochs=1, seed=seed, batch_size=8, progress=False).manifest
    return kb, out, index, manifest


def import_draft_text(pid: str, category: str, title: str, summary: str, signals=(), symptoms=None) -> str:
    """A draft pattern as `recur import` writes one (status draft, ``imported:``, a TODO runbook; its
    symptom the title unless given)."""
    return pattern_text(
        pid,
        category,
        title=title,
        status="draft",
        symptoms=symptoms or (title,),
        signals=signals,
        summary=summary,
        runbook=("TODO: write the first concrete step a responder should take (a command, a query, a dashboard).",),
        evidence=(),
        root_cause=None,
        extra_front=f'imported: {{"source": "/tmp/{pid}.md", "sha256": "{"0" * 63}1"}}',
    )


# a log pasted into a Summary as a fenced block (a blank line and an indented one in it), and the lines `recur show`
# and the answers give for it: the block's lines indented, its fences and language word out
FENCED_LOG = """```text
[2026/03/06 13:02:03] [error] [storage] chunk write failed

[2026/03/06 13:02:04] [error] [engine] No space left on device
    at flush (`out_es.c`:412)
```"""
FENCED_LOG_LINES = [
    "    [2026/03/06 13:02:03] [error] [storage] chunk write failed",
    "",
    "    [2026/03/06 13:02:04] [error] [engine] No space left on device",
    "        at flush (`out_es.c`:412)",
]
