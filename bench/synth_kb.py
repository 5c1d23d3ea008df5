"""A synthetic knowledge base of N patterns for benchmarks (deterministic, valid format).

    python bench/synth_kb.py OUT_DIR [--patterns 1000] [--incidents 200]

Patterns combine a component, a failure mode and a trigger from small vocabularies, so titles,
symptoms and signals differ the way real ones do (shared words, distinct specifics). Incidents
each match one pattern (round robin) and retell it in other words, as a responder writes them
up; they come from their own random stream, so adding them leaves the patterns as they were.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

CATEGORIES = ["capacity", "config", "deploys", "data", "software", "dependencies", "network", "time",
              "security", "hardware"]
COMPONENTS = ["postgres", "redis", "kafka", "nginx", "envoy", "coredns", "etcd", "elasticsearch", "rabbitmq",
              "s3 client", "jvm heap", "node disk", "kubelet", "ingress", "cert-manager", "vault", "memcached",
              "grpc gateway", "cron scheduler", "payment api", "checkout service", "auth service", "cdn edge",
              "load balancer", "ntp daemon", "raid controller", "nic driver", "container runtime", "istio sidecar",
              "object store", "search indexer", "batch worker", "feature flag service", "mysql replica"]
MODES = ["connection pool exhausted", "runs out of memory", "disk fills up", "certificate expires",
         "leader election flaps", "latency spikes", "returns 502 errors", "drops packets", "clock drifts",
         "queue backs up", "deadlocks under load", "crash loops after restart", "rejects writes",
         "serves stale data", "thread pool saturates", "hits a rate limit", "loses quorum", "times out upstream",
         "corrupts its cache", "retries storm"]
TRIGGERS = ["after a deploy", "during a traffic spike", "at midnight UTC", "after a config change",
            "when a node is drained", "after a failover", "during a backup", "after scaling out",
            "when a dependency slows down", "after a kernel upgrade"]
SIGNAL_TEMPLATES = ["{C}Error: {m} (code {n})", "ERROR {c}: {m} after {n}ms", "{C}{M}Alert",
                    "level=error component={c} msg=\"{m}\" attempt={n}"]


def camel(s: str) -> str:
    return "".join(w.capitalize() for w in s.replace("-", " ").split())


def pattern_md(i: int, rng: random.Random) -> tuple[str, str, str]:
    cat = CATEGORIES[i % len(CATEGORIES)]
    comp, mode, trig = rng.choice(COMPONENTS), rng.choice(MODES), rng.choice(TRIGGERS)
    pid = f"{comp.replace(' ', '-')}-{mode.split()[0]}-{mode.split()[-1]}-{i:04d}"
    title = f"{comp.capitalize()} {mode} {trig}"
    sig = [t.format(C=camel(comp), M=camel(mode.split()[-1]), c=comp, m=mode, n=rng.randint(100, 9999))
           for t in rng.sample(SIGNAL_TEMPLATES, 2)]
    symptoms = [f"{comp} {mode}", f"users see errors {trig}", f"{rng.choice(COMPONENTS)} alerts fire as well"]
    steps = [f"Check `{comp.replace(' ', '-')}` dashboards for the {mode.split()[-1]} metric.",
             f"Run `kubectl get pods -l app={comp.replace(' ', '-')}` and look for restarts.",
             f"If it started {trig}, roll back or revert that change.",
             "Page the owning team if the error rate stays above 5% for 10 minutes."]
    front = ["---", f"id: {pid}", f"title: {title!r}", f"category: {cat}", f"severity: sev{1 + i % 4}",
             "symptoms:"] + [f"  - {s!r}" for s in symptoms] + ["signals:"] + [f"  - {s!r}" for s in sig] + \
            [f"services: [{comp.replace(' ', '-')}]", "---", ""]
    body = ["## Summary", f"The {comp} {mode} {trig}; requests that depend on it fail or slow down.", "",
            "## Runbook"] + [f"{n}. {s}" for n, s in enumerate(steps, 1)] + \
           ["", "## Evidence to preserve", f"- {comp} logs from the first 10 minutes", "- the dashboards' time range",
            "", "## Root cause", f"{comp.capitalize()} {mode} when load or configuration changes {trig}.", ""]
    return cat, pid, "\n".join(front + body)


IMPACTS = ["checkout", "login", "search", "payments", "uploads", "billing", "notifications", "exports"]


def incident_md(n: int, pid: str, title: str, rng: random.Random) -> tuple[str, str]:
    """One incident linked to pattern ``pid``: its own title and summary, the pattern's words mixed in."""
    iid = f"INC-2026-{n + 1:04d}"
    day = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"
    impact, minutes = rng.choice(IMPACTS), rng.randint(5, 240)
    front = ["---", f"id: {iid}", "title: " + repr(f"{impact.capitalize()} degraded, {title.lower()}"), f"date: {day}",
             f"severity: sev{1 + n % 4}", f"patterns: [{pid}]", f"duration_minutes: {minutes}", "---", ""]
    body = ["## Summary",
            f"{impact.capitalize()} was degraded for {minutes} minutes. On-call saw that {title.lower()}; "
            f"{rng.choice(COMPONENTS)} alerts fired as well and the error rate peaked at {rng.randint(2, 60)}%. "
            f"Mitigated by {rng.choice(['rolling back', 'restarting the pods', 'failing over', 'scaling out'])}.",
            ""]
    return iid, "\n".join(front + body)


def generate(out: Path, patterns: int = 1000, seed: int = 7, incidents: int = 0) -> Path:
    """Write ``patterns`` patterns and ``incidents`` incidents (each linked to one pattern) under ``out``."""
    rng = random.Random(seed)
    made = []
    for i in range(patterns):
        cat, pid, text = pattern_md(i, rng)
        path = out / "patterns" / cat / f"{pid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        made.append((pid, text.split("title: ", 1)[1].split("\n", 1)[0].strip("'\"")))
    irng = random.Random(seed + 1)  # a stream of its own: the patterns do not depend on the incident count
    for n in range(incidents if made else 0):
        pid, title = made[n % len(made)]
        iid, text = incident_md(n, pid, title, irng)
        path = out / "incidents" / "2026" / f"{iid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return out


def queries(n: int, seed: int = 11) -> list[str]:
    """Responder-style queries over the same vocabulary (some prose, some log lines)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        comp, mode, trig = rng.choice(COMPONENTS), rng.choice(MODES), rng.choice(TRIGGERS)
        out.append([f"{comp} {mode} {trig}, customers are complaining",
                    f"ERROR {comp}: {mode} after {rng.randint(100, 9999)}ms",
                    f"since {trig} the {comp} keeps failing and p99 latency is up"][i % 3])
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=200)
    args = ap.parse_args()
    generate(args.out, args.patterns, incidents=args.incidents)
    print(f"wrote {args.patterns} patterns and {args.incidents} incidents to {args.out}")
