"""Near-duplicate check at scale: `recur check --similar` against plain `recur check`, same run.

    python bench/similar.py [--patterns 1000] [--model default|fake:64] [--keep]

Writes a synthetic KB of N patterns (varied vocabulary, 10 categories) with 5 planted
near-duplicates, then times, as subprocesses of the installed `recur`:

  1. plain `recur check`                       (the baseline: no model, no index)
  2. `recur check --similar` with no index      (cold: embeds every pattern once)
  3. `recur check --similar` with a fresh index (warm: stored vectors only, no model load)
  4. `recur check --similar FILE` after editing one pattern (re-embeds that one pattern)

and reports how many planted duplicates were found and how many false alarms were raised.
Prints a table and writes bench/out/similar.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from kbfactory import pattern_text, small_kb, write  # noqa: E402

CATEGORIES = [
    "capacity",
    "config",
    "data",
    "dependencies",
    "deploys",
    "hardware",
    "network",
    "security",
    "software",
    "time",
]
COMPONENTS = """postgres mysql redis kafka rabbitmq nginx envoy haproxy kubelet etcd consul vault zookeeper
elasticsearch cassandra memcached coredns istio terraform jenkins airflow spark flink s3 gcs dynamodb
bigquery cloudfront akamai cloudflare ntp chrony systemd cron logrotate fluentd prometheus grafana
alertmanager pagerduty okta ldap saml oauth jwt grpc graphql websocket cdn loadbalancer ingress
certmanager letsencrypt iptables conntrack bgp ospf vxlan raid nvme ssd bios firmware kernel jvm golang
node python ruby php""".split()
FAILURES = """exhausted leaked saturated throttled expired revoked corrupted truncated stalled deadlocked
partitioned flapping misrouted overloaded evicted starved skewed drifted wedged orphaned duplicated
reordered rejected blackholed""".split()
IMPACTS = """checkout login search payments uploads reports billing notifications onboarding exports
streaming analytics recommendations inventory shipping""".split()
VERBS = """times out returns 502 hangs crashes loops retries forever drops writes serves stale data
rejects connections spikes latency fills the disk pages everyone""".split(" ")


def synthetic_kb(root: Path, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """N patterns with distinct random texts; returns the planted (duplicate, original) pairs."""
    rng = random.Random(seed)
    small_kb(root)
    ids = []
    for i in range(n):
        comp, comp2 = rng.sample(COMPONENTS, 2)
        fail, impact = rng.choice(FAILURES), rng.choice(IMPACTS)
        pid = f"{comp}-{fail}-{i:04d}"
        cat = CATEGORIES[i % len(CATEGORIES)]
        verb = " ".join(rng.sample(VERBS, 3))
        summary = (
            f"When {comp} is {fail}, {impact} {verb}. It usually starts after {comp2} "
            f"{rng.choice(FAILURES)} and spreads to {rng.choice(IMPACTS)} within "
            f"{rng.randint(2, 90)} minutes; {rng.choice(COMPONENTS)} makes it worse."
        )
        write(
            root,
            f"patterns/{cat}/{pid}.md",
            pattern_text(
                pid,
                cat,
                title=f"{comp.capitalize()} {fail} breaks {impact}",
                symptoms=(f"{impact} {rng.choice(VERBS)}", f"{comp} {fail} on {comp2}"),
                signals=(
                    f"{comp.upper()}_{fail.upper()}",
                    f"{comp2}: {rng.choice(FAILURES)} (code {rng.randint(1, 999)})",
                ),
                summary=summary,
                root_cause=f"{comp2.capitalize()} {rng.choice(FAILURES)} under {impact} load.",
                runbook=(f"Run `{comp}ctl status --all` and compare with last week.",),
            ),
        )
        ids.append((pid, cat))
    planted = []
    for k in range(5):  # a copy with a new id and title, as an author who did not search first would write
        pid, cat = ids[k * (n // 5)]
        src = (root / f"patterns/{cat}/{pid}.md").read_text()
        dup = f"{pid}-again"
        text = src.replace(f"id: {pid}", f"id: {dup}").replace("title: ", "title: Copy of ", 1)
        write(root, f"patterns/{cat}/{dup}.md", text)
        planted.append((dup, pid))
    return planted


def run(args: list, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    exe = Path(sys.executable).with_name("recur")
    t0 = time.perf_counter()
    res = subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - t0, res


def duplicates(output: str) -> set:
    found = set()
    for line in output.splitlines():
        m = re.search(r"/([\w-]+)\.md:\d+: id: warning: looks like a duplicate of ([\w-]+)", line)
        if m:
            found.add(tuple(sorted((m.group(1), m.group(2)))))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--model", default="default")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic KB in bench/out/similar-kb")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="recur-similar-"))
    try:
        planted = synthetic_kb(work / "kb", a.patterns)
        common = ["--kb", "kb", "--stale-days", "0", "-q"]
        sim = ["--similar", "--index", "idx", "--model", a.model]
        rows = {}
        t, res = run(["check", *common], work)
        rows["plain check"] = t
        t, res = run(["check", *common, *sim], work)
        rows["--similar, cold (embeds all)"] = t
        cold_found = duplicates(res.stdout)
        t, res = run(["check", *common, *sim], work)
        rows["--similar, warm (stored vectors)"] = t
        warm_found = duplicates(res.stdout)
        dup, orig = planted[0]
        path = next((work / "kb/patterns").rglob(f"{dup}.md"))
        path.write_text(path.read_text().replace("## Root cause\n", "## Root cause\nEdited. "))
        rel = path.relative_to(work).as_posix()
        t, res = run(["check", *common, *sim, rel], work)
        rows["--similar FILE, 1 pattern edited"] = t
        one_found = duplicates(res.stdout)
        t, res = run(["check", *common, *sim, rel], work)
        rows["--similar FILE, warm"] = t
        expected = {tuple(sorted(p)) for p in planted}
        n = a.patterns + 5 + 4
        print(f"KB: {n} patterns ({a.patterns} synthetic + 5 planted duplicates + 4 small), model {a.model}")
        print(f"{'run':38} {'seconds':>8} {'x plain':>8}")
        for name, secs in rows.items():
            print(f"{name:38} {secs:8.2f} {secs / rows['plain check']:8.1f}")
        print(
            f"planted duplicates found: {len(expected & warm_found)}/{len(expected)}; "
            f"false alarms: {len(warm_found - expected)}; cold and warm agree: {cold_found == warm_found}; "
            f"edited file still flagged: {tuple(sorted(planted[0])) in one_found}"
        )
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "similar.json").write_text(
            json.dumps(
                {
                    "patterns": n,
                    "model": a.model,
                    "seconds": rows,
                    "planted": len(expected),
                    "found": len(expected & warm_found),
                    "false_alarms": sorted(map(list, warm_found - expected)),
                },
                indent=1,
            )
        )
        if a.keep:
            shutil.rmtree(out / "similar-kb", ignore_errors=True)
            shutil.copytree(work / "kb", out / "similar-kb")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
