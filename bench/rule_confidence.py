"""The rule-based confidence of a KB under 30 patterns (search.Hit.confidence), measured on small
KBs cut from the starter KB: what a team's first weeks look like.

    python bench/rule_confidence.py [--subsets 20] [--size 8] [--seed 7]

Each subset keeps ``--size`` of the starter patterns and, as views, the incidents of one half of
the starter incidents (every other one by id) that link them. Questions: the kb/eval cases and the
other half's incidents (title and summary: a postmortem's opening); most are about a pattern the
subset does not have, as most of a new team's are. For the top result of every answer it counts
how often each rating is right, under the rule before 2026-12 (a signal of 0.9, or any view at
HIGH_COSINE, linked incidents' included) and the rule now; how many answers rate a lower result
above a higher one; and what `recur import` would link (the top result at medium or high, no
other rated as high: results.rivals). About two minutes on two cores. Prints a table and writes
bench/out/rule_confidence.json.
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import random
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval.index import build, load  # noqa: E402
from recur.retrieval.search import HIGH_COSINE, MEDIUM_COSINE, Searcher  # noqa: E402

LEVEL = {"low": 0, "medium": 1, "high": 2}


def old_rule(h, import_draft: bool) -> str:
    """Hit.confidence before 2026-12: any view (linked incidents' too), a signal alone, per result; only
    an import's draft (``import_draft``: its indexed doc's flag) never high."""
    if (h.signal >= 0.9 or h.best >= HIGH_COSINE) and not import_draft:
        return "high"
    return "medium" if h.signal > 0 or h.best >= MEDIUM_COSINE else "low"


def questions(full):
    cases = yaml.safe_load((ROOT / "kb/eval/cases.yml").read_text())
    incs = sorted(full.incidents.values(), key=lambda i: i.id)
    views = {i.id for n, i in enumerate(incs) if n % 2 == 0}
    asked = [(f"{i.title}. {i.summary}", set(i.patterns), "incident") for i in incs if i.id not in views and i.patterns]
    return [(c["query"], set(c["expect"]), "eval") for c in cases] + asked, views


def answers(args) -> list[dict]:
    """One row per result of every question on every subset."""
    enc = embed.load_encoder(embed.DEFAULT)
    full = load_kb(ROOT / "kb")
    qs, views = questions(full)
    vecs = [enc.encode([q])[0] for q, _, _ in qs]
    rng = random.Random(args.seed)
    pids = sorted(p for p, v in full.patterns.items() if v.status != "retired")
    rows = []
    for s in range(args.subsets):
        keep = set(rng.sample(pids, args.size))
        kb = copy.copy(full)
        kb.patterns = {p: v for p, v in full.patterns.items() if p in keep}
        kb.incidents = {i: v for i, v in full.incidents.items() if i in views}
        with tempfile.TemporaryDirectory() as d:
            build(kb, Path(d) / "idx", enc, progress=False)
            searcher = Searcher(load(Path(d) / "idx", enc.model_id), enc)
        for n, ((q, expect, kind), v) in enumerate(zip(qs, vecs)):
            for rank, h in enumerate(searcher.search(q, top=5, qvec=np.asarray(v)), 1):
                rows.append(
                    {"subset": s, "q": n, "kind": kind, "rank": rank, "right": h.id in expect,
                     "answerable": bool(expect & keep),
                     "old": old_rule(h, bool(searcher.index.docs[h.id].get("import_draft"))), "new": h.confidence}
                )  # fmt: skip
    return rows


def summary(rows: list[dict]) -> dict:
    out: dict = {}
    by_answer = collections.defaultdict(list)
    for r in rows:
        by_answer[(r["subset"], r["q"])].append(r)
    for rule in ("old", "new"):
        for kind in ("eval", "incident"):
            top = collections.Counter()
            linked = collections.Counter()
            for res in by_answer.values():
                res.sort(key=lambda r: r["rank"])
                if res[0]["kind"] != kind:
                    continue
                first = res[0]
                top[(first[rule], first["right"])] += 1
                level = LEVEL[first[rule]]
                if level and not any(LEVEL[r[rule]] >= level for r in res[1:]):
                    linked[(first[rule], first["right"])] += 1
            out[f"{rule} {kind}"] = {
                lvl: {"rank-1 right": top[(lvl, True)], "rank-1 wrong": top[(lvl, False)],
                      "linked right": linked[(lvl, True)], "linked wrong": linked[(lvl, False)]}
                for lvl in ("high", "medium", "low")
            }  # fmt: skip
        out[f"{rule} answers rating a lower result above a higher one"] = sum(
            any(LEVEL[b[rule]] > LEVEL[a[rule]] for a, b in zip(res, res[1:])) for res in by_answer.values()
        )
    out["answers"] = len(by_answer)
    # what the monotone rating changed: results the old rule rated above every one before them, and
    # answers now "no known pattern" (every result low: calibrate.no_known_pattern without probabilities)
    raised = [b for res in by_answer.values() for n, b in enumerate(res[1:], 1)
              if LEVEL[b["old"]] > max(LEVEL[a["old"]] for a in res[:n])]  # fmt: skip
    out["old: results rated above every one before them (right)"] = [len(raised), sum(r["right"] for r in raised)]
    flipped = [
        res
        for res in by_answer.values()
        if all(r["new"] == "low" for r in res) and not all(r["old"] == "low" for r in res)
    ]
    out["now no known pattern (answerable, right one listed)"] = [
        len(flipped),
        sum(res[0]["answerable"] for res in flipped),
        sum(any(r["right"] for r in res) for res in flipped),
    ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subsets", type=int, default=20)
    ap.add_argument("--size", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    result = summary(answers(args))
    for key, value in result.items():
        print(key, json.dumps(value))
    out = ROOT / "bench/out/rule_confidence.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
