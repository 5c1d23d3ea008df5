"""Small KBs of 6 to 50 patterns: the rule-based confidence (search.Hit.confidence without a probability)
against the calibrated probability (recur.retrieval.calibrate, fitted on the whole starter KB), measured.

    python bench/small_kb.py [--sizes 6,8,10,12,15,20,25,30,40,50] [--seeds 4] [--fixture ../shared/eval] [--rows F]

Each KB is cut from the starter KB (its kb/eval cases and the half of its incidents not kept as views,
as bench/rule_confidence.py asks them) or from the fixture KB (its dev and dev-nomatch cases; measurement
only, nothing of it is written here): ``size`` patterns at random, per seed; for the fixture KB half of
them from the patterns the dev cases expect, so some questions are answerable. A question whose expected
pattern is in the cut is answerable, every other one is a no-match question for that KB. Each cut is
indexed as a KB of its own (BM25, z-scores over its candidates: as a team's KB of that size is), the
view vectors cached across cuts. Every answer is rated by both ways, whatever the size, and by the
rules below; per KB size it prints, for each way: `high` right at rank 1 (precision), answerable
questions flagged "no known pattern", no-match questions flagged, and answers whose right rank-1
result is rated `low`; and the verdict's balanced accuracy (the mean of answerable questions not flagged
and no-match questions flagged). The starter KB is also asked SHORT questions (one and two words, as typed in
a search box: "dns", "disk full"; counted on a line of their own), which its eval cases have few of. The rule's
figures are read off the ranking the product gives a KB it does not calibrate (a second search with
calibrate.MIN_CANDIDATES out of reach: drafts are not moved by probability there). Writes
bench/out/small_kb.json; ``--rows`` also pickles every answer (the rule's hits too).
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import pickle
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "bench"))

from rule_confidence import questions as starter_questions  # noqa: E402

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import calibrate, embed  # noqa: E402
from recur.retrieval.index import build, load  # noqa: E402
from recur.retrieval.search import Searcher  # noqa: E402

LEVEL = {"low": 0, "medium": 1, "high": 2}


class CachedEncoder:
    """The encoder with each text's vector kept: the cuts share their views' texts."""

    def __init__(self, enc):
        self.enc, self.cache = enc, {}

    def __getattr__(self, name):
        return getattr(self.enc, name)

    def encode(self, texts, batch_size=64, progress=False):
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.enc.encode(todo, batch_size=batch_size)):
                self.cache[t] = v
        return np.asarray([self.cache[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


# Short questions a search box gets, each with the starter patterns it is about (none: about nothing in it).
SHORT = {
    "dns": ["dns-resolution-failure"],
    "disk": ["disk-full", "disk-failure-raid-degraded"],
    "ntp": ["clock-skew-ntp"],
    "replication": ["db-replication-lag"],
    "credentials": ["expired-api-credentials", "leaked-credentials"],
    "cache": ["cache-stampede"],
    "retry": ["retry-storm"],
    "deadlock": ["database-deadlock"],
    "certificate": ["tls-certificate-expired"],
    "oom": ["memory-leak-oom-kill"],
    "throttling": ["cpu-throttling-container-limits"],
    "conntrack": ["conntrack-table-full"],
    "inodes": ["inode-exhaustion"],
    "bgp": ["bgp-route-withdrawal"],
    "ddos": ["ddos-abusive-traffic"],
    "canary": ["canary-skipped"],
    "rollback": ["rollback-fails"],
    "quota": ["cloud-quota-limit-hit"],
    "cron": ["cron-job-overlap"],
    "is dns down": ["dns-resolution-failure"],
    "disk full": ["disk-full"],
    "disk alert": ["disk-full", "disk-failure-raid-degraded"],
    "cache problem": ["cache-stampede"],
    "ntp drift": ["clock-skew-ntp"],
    "replica behind": ["db-replication-lag"],
    "certificate expired": ["tls-certificate-expired"],
    "consumer lag": ["queue-consumer-lag"],
    "connection pool": ["db-connection-pool-exhausted"],
    "cpu throttled": ["cpu-throttling-container-limits"],
    "deadlock detected": ["database-deadlock"],
    "split brain": ["split-brain-after-failover"],
    "kernel panic": ["kernel-panic-bug"],
    "leap second": ["leap-second"],
    "gc pauses": ["gc-pause-stalls"],
    "power outage": ["datacenter-power-loss"],
    "port exhaustion": ["ephemeral-port-exhaustion"],
    "lunch": [],
    "parking": [],
    "vpn access": [],
    "wifi password": [],
    "printer jammed": [],
    "new laptop": [],
    "expense report": [],
    "holiday calendar": [],
}


def fixture_questions(fixture: Path):
    out = []
    for name in ("dev.jsonl", "dev-nomatch.jsonl"):
        for line in (fixture / name).read_text().splitlines():
            if line.strip():
                c = json.loads(line)
                out.append((c["query"], set(c.get("expect") or []), "dev"))
    return out


def cut_answers(kb, keep: set, qs, enc) -> list[dict]:
    """Every question asked of ``kb`` cut to the patterns ``keep``: one row per answer. Each question is
    read as the engine reads it (Searcher.encode_queries: its focus too), the vectors cached."""
    cut = copy.copy(kb)
    cut.patterns = {p: v for p, v in kb.patterns.items() if p in keep}
    cut.incidents = {i: v for i, v in kb.incidents.items() if set(v.patterns) & keep}
    with tempfile.TemporaryDirectory() as d:
        build(cut, Path(d) / "idx", enc, progress=False)
        searcher = Searcher(load(Path(d) / "idx", enc.model_id), enc)
    rows = []
    for q, expect, kind in qs:
        calibrate.MIN_CANDIDATES = 0  # a probability on every cut
        hits = searcher.search(q, top=5)
        calibrate.MIN_CANDIDATES = 10**9  # the ranking and rating a KB too small to calibrate gets
        ruled_hits = searcher.search(q, top=5)
        rows.append(
            {"kind": kind, "answerable": bool(expect & keep), "right": [h.id in expect for h in hits],
             "p": [h.probability for h in hits], "rule": [h.confidence for h in ruled_hits],
             "rule_right": [h.id in expect for h in ruled_hits], "rule_hits": ruled_hits,
             "words": searcher._query_terms(q)[1]}
        )  # fmt: skip
    return rows


def answers(args) -> list[dict]:  # long: two KBs, each cut by size and seed, one loop
    enc = CachedEncoder(embed.load_encoder(embed.DEFAULT))
    starter = load_kb(ROOT / "kb")
    sq, views = starter_questions(starter)
    sq += [(q, set(expect), "short") for q, expect in SHORT.items()]
    starter.incidents = {i: v for i, v in starter.incidents.items() if i in views}
    kbs = [("starter", starter, sq, set())]
    if (args.fixture / "kb").is_dir():
        fq = fixture_questions(args.fixture)
        kbs.append(("fixture", load_kb(args.fixture / "kb"), fq, set().union(*(e for _, e, _ in fq))))
    rows = []
    for name, kb, qs, wanted in kbs:
        pids = sorted(p for p, v in kb.patterns.items() if v.status != "retired")
        for size in args.sizes:
            for seed in range(args.seeds):
                rng = random.Random(f"{name}-{size}-{seed}")
                asked = sorted(set(pids) & wanted)
                keep = set(rng.sample(asked, min(len(asked), size // 2))) if asked else set()
                keep |= set(rng.sample(sorted(set(pids) - keep), size - len(keep)))
                for r in cut_answers(kb, keep, qs, enc):
                    rows.append({"kb": name, "size": size, "seed": seed, **r})
                print(f"{name} {size} seed {seed}: done", file=sys.stderr, flush=True)
    return rows


def calibrated(row) -> tuple[str, bool, bool]:
    """(rank-1 rating, flagged, rank 1 right) by the calibrated probability."""
    flagged = max(row["p"][: calibrate.VERDICT_TOP]) < calibrate.NO_MATCH_BELOW
    return calibrate.confidence(row["p"][0]), flagged, row["right"][0]


def ruled(row) -> tuple[str, bool, bool]:
    """(rank-1 rating, flagged, rank 1 right) by the rule, on its own ranking: flagged when every result is
    low (rated monotone: the first)."""
    return row["rule"][0], row["rule"][0] == "low", row["rule_right"][0]


WAYS = {"rule": ruled, "calibrated": calibrated}


def tally(rows, way) -> dict:
    c = collections.Counter()
    for row in rows:
        if not row["p"]:
            continue
        level, flagged, right = way(row)
        c["high"] += level == "high"
        c["high right"] += level == "high" and right
        if row["answerable"]:
            c["answerable"] += 1
            c["answerable flagged"] += flagged
            c["right first"] += right
            c["right first low"] += right and level == "low"
        else:
            c["no-match"] += 1
            c["no-match flagged"] += flagged
    return dict(c)


def line(c: dict) -> str:
    def share(a, b):
        return f"{c.get(a, 0) / c[b]:.2f} ({c.get(a, 0)}/{c[b]})" if c.get(b) else "-"

    both = "-"
    if c.get("answerable") and c.get("no-match"):  # balanced accuracy of the verdict: each kind of question alike
        both = f"{(1 - c.get('answerable flagged', 0) / c['answerable'] + c.get('no-match flagged', 0) / c['no-match']) / 2:.2f}"
    return (
        f"verdict balanced {both:>4}  high right {share('high right', 'high'):>16}  answerable flagged {share('answerable flagged', 'answerable'):>16}"
        f"  no-match flagged {share('no-match flagged', 'no-match'):>18}  right #1 low {share('right first low', 'right first'):>16}"
    )


def summary(rows, ways=WAYS) -> dict:
    out = {}
    for kb in dict.fromkeys(r["kb"] for r in rows):
        for size in dict.fromkeys(r["size"] for r in rows):
            these = [r for r in rows if r["kb"] == kb and r["size"] == size]
            short = [r for r in these if r["kind"] == "short"]
            for name, way in ways.items():  # the short questions on their own line, not in the KB's (as before)
                out[f"{kb} {size} {name}"] = c = tally([r for r in these if r["kind"] != "short"], way)
                print(f"{kb:8} {size:3} {name:14} {line(c)}")
                if short:
                    out[f"{kb} {size} {name} short"] = c = tally(short, way)
                    print(f"{'short':8} {size:3} {name:14} {line(c)}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="6,8,10,12,15,20,25,30,40,50")
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--fixture", type=Path, default=ROOT.parent / "shared" / "eval")
    ap.add_argument("--rows", type=Path, default=None, help="also pickle every answer here")
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    rows = answers(args)
    if args.rows:
        args.rows.write_bytes(pickle.dumps(rows))
    result = summary(rows)
    out = ROOT / "bench/out/small_kb.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
