"""A synthetic knowledge base of N patterns for benchmarks (deterministic, valid format).

    python bench/synth_kb.py OUT_DIR [--patterns 1000] [--incidents 1000]

Patterns combine a component, a failure mode and a trigger from small vocabularies, so titles,
symptoms and signals differ the way real ones do (shared words, distinct specifics). Incidents
(``--incidents``) are records linked to one pattern each, written as a responder would report
them (the business impact first, the component in other words), dated a few hours apart.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

CATEGORIES = [
    "capacity",
    "config",
    "deploys",
    "data",
    "software",
    "dependencies",
    "network",
    "time",
    "security",
    "hardware",
]
COMPONENTS = [
    "postgres",
    "redis",
    "kafka",
    "nginx",
    "envoy",
    "coredns",
    "etcd",
    "elasticsearch",
    "rabbitmq",
    "s3 client",
    "jvm heap",
    "node disk",
    "kubelet",
    "ingress",
    "cert-manager",
    "vault",
    "memcached",
    "grpc gateway",
    "cron scheduler",
    "payment api",
    "checkout service",
    "auth service",
    "cdn edge",
    "load balancer",
    "ntp daemon",
    "raid controller",
    "nic driver",
    "container runtime",
    "istio sidecar",
    "object store",
    "search indexer",
    "batch worker",
    "feature flag service",
    "mysql replica",
]
MODES = [
    "connection pool exhausted",
    "runs out of memory",
    "disk fills up",
    "certificate expires",
    "leader election flaps",
    "latency spikes",
    "returns 502 errors",
    "drops packets",
    "clock drifts",
    "queue backs up",
    "deadlocks under load",
    "crash loops after restart",
    "rejects writes",
    "serves stale data",
    "thread pool saturates",
    "hits a rate limit",
    "loses quorum",
    "times out upstream",
    "corrupts its cache",
    "retries storm",
]
TRIGGERS = [
    "after a deploy",
    "during a traffic spike",
    "at midnight UTC",
    "after a config change",
    "when a node is drained",
    "after a failover",
    "during a backup",
    "after scaling out",
    "when a dependency slows down",
    "after a kernel upgrade",
]
SIGNAL_TEMPLATES = [
    "{C}Error: {m} (code {n})",
    "ERROR {c}: {m} after {n}ms",
    "{C}{M}Alert",
    'level=error component={c} msg="{m}" attempt={n}',
]


def camel(s: str) -> str:
    return "".join(w.capitalize() for w in s.replace("-", " ").split())


def pattern_md(i: int, rng: random.Random) -> tuple[str, str, str]:
    return pattern_parts(i, rng)[:3]


def pattern_parts(i: int, rng: random.Random) -> tuple:
    """(category, id, Markdown, component, mode, trigger)."""
    cat = CATEGORIES[i % len(CATEGORIES)]
    comp, mode, trig = rng.choice(COMPONENTS), rng.choice(MODES), rng.choice(TRIGGERS)
    pid = f"{comp.replace(' ', '-')}-{mode.split()[0]}-{mode.split()[-1]}-{i:04d}"
    title = f"{comp.capitalize()} {mode} {trig}"
    sig = [
        t.format(C=camel(comp), M=camel(mode.split()[-1]), c=comp, m=mode, n=rng.randint(100, 9999))
        for t in rng.sample(SIGNAL_TEMPLATES, 2)
    ]
    symptoms = [f"{comp} {mode}", f"users see errors {trig}", f"{rng.choice(COMPONENTS)} alerts fire as well"]
    steps = [
        f"Check `{comp.replace(' ', '-')}` dashboards for the {mode.split()[-1]} metric.",
        f"Run `kubectl get pods -l app={comp.replace(' ', '-')}` and look for restarts.",
        f"If it started {trig}, roll back or revert that change.",
        "Page the owning team if the error rate stays above 5% for 10 minutes.",
    ]
    front = (
        ["---", f"id: {pid}", f"title: {title!r}", f"category: {cat}", f"severity: sev{1 + i % 4}", "symptoms:"]
        + [f"  - {s!r}" for s in symptoms]
        + ["signals:"]
        + [f"  - {s!r}" for s in sig]
        + [f"services: [{comp.replace(' ', '-')}]", "---", ""]
    )
    body = (
        ["## Summary", f"The {comp} {mode} {trig}; requests that depend on it fail or slow down.", "", "## Runbook"]
        + [f"{n}. {s}" for n, s in enumerate(steps, 1)]
        + [
            "",
            "## Evidence to preserve",
            f"- {comp} logs from the first 10 minutes",
            "- the dashboards' time range",
            "",
            "## Root cause",
            f"{comp.capitalize()} {mode} when load or configuration changes {trig}.",
            "",
        ]
    )
    return cat, pid, "\n".join(front + body), comp, mode, trig


IMPACTS = [
    "checkout failed for a share of customers",
    "the mobile app showed spinners",
    "orders were delayed",
    "partners got timeouts",
    "dashboards went blank",
    "logins failed intermittently",
    "emails went out late",
]
OPENINGS = ["Around {t} responders saw", "Paged at {t}:", "Starting at {t}", "Customer reports from {t}:"]


def incident_md(n: int, pid: str, comp: str, mode: str, trig: str, rng: random.Random) -> tuple[str, str]:
    """(relative path, record text) of incident ``n`` linked to pattern ``pid``."""
    import datetime as dt

    from recur.kb.incident_record import incident_text

    when = dt.datetime(2024, 1, 1) + dt.timedelta(hours=7 * n)
    impact = rng.choice(IMPACTS)
    opening = rng.choice(OPENINGS).format(t=when.strftime("%H:%M"))
    title = f"{impact.capitalize()}: {comp} trouble"
    summary = (
        f"{opening} {impact}. The {comp} {mode.split()[-1]} problem began {trig}; "
        f"{rng.choice(COMPONENTS)} was suspected first. Mitigated after {rng.randint(10, 180)} minutes."
    )
    iid = f"INC-{when.year}-{n + 1:05d}"
    text = incident_text(
        iid=iid,
        title=title,
        date=when.date(),
        severity=f"sev{1 + n % 4}",
        patterns=[pid],
        sections={"Summary": summary},
    )
    return f"incidents/{when.year}/{iid}.md", text


def generate(out: Path, patterns: int = 1000, seed: int = 7, incidents: int = 0) -> Path:
    rng = random.Random(seed)
    made = []
    for i in range(patterns):
        cat, pid, text, comp, mode, trig = pattern_parts(i, rng)
        path = out / "patterns" / cat / f"{pid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        made.append((pid, comp, mode, trig))
    for n in range(incidents):
        rel, text = incident_md(n, *rng.choice(made), rng)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    return out


def queries(n: int, seed: int = 11) -> list[str]:
    """Responder-style queries over the same vocabulary (some prose, some log lines)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        comp, mode, trig = rng.choice(COMPONENTS), rng.choice(MODES), rng.choice(TRIGGERS)
        out.append(
            [
                f"{comp} {mode} {trig}, customers are complaining",
                f"ERROR {comp}: {mode} after {rng.randint(100, 9999)}ms",
                f"since {trig} the {comp} keeps failing and p99 latency is up",
            ][i % 3]
        )
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=0, help="linked incident records")
    args = ap.parse_args()
    generate(args.out, args.patterns, incidents=args.incidents)
    print(f"wrote {args.patterns} patterns and {args.incidents} linked incidents to {args.out}")
