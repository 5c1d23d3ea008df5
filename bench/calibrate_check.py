"""End to end: what `recur suggest --json` says (no_known_pattern, probability, confidence) on
the fixture KB's dev sets and one-word questions (each pattern's first tag), the starter KB's own
eval cases, and questions about no failure at all asked of the starter KB (bench/data/offtopic-*.txt).

    python bench/calibrate_check.py [--fixture ../shared/eval]

Prints, per set: share flagged no_known_pattern, precision of "high" at rank 1, recall@1/3 and
MRR, and reliability buckets of the per-result probability (top-5 results of every query).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from calibrate_data import short_questions  # noqa: E402  (bench/, the script's own folder)

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval.engine import Engine, ensure_index, no_known_pattern  # noqa: E402


def run(kb_dir, cases, tmp):
    ensure_index(kb_dir, Path(tmp) / "index", embed.DEFAULT, quiet=True, progress=False)
    engine = Engine(kb_dir, Path(tmp) / "index", embed.DEFAULT)
    return engine.ranked_many([c["query"] for c in cases], top=10)


def summarise(name, cases, lists):
    flags, hi, ranks, probs, right = [], [], [], [], []
    for c, res in zip(cases, lists):
        ids = [r["id"] for r in res]
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in c["expect"]), None)
        ranks.append(rank)
        flags.append((no_known_pattern(res[:5]), bool(c["expect"]), rank is not None and rank <= 3))
        if res and res[0]["confidence"] == "high":
            hi.append(res[0]["id"] in c["expect"])
        for r in res[:5]:
            probs.append(r["probability"] if r["probability"] is not None else np.nan)
            right.append(r["id"] in c["expect"])
    f = np.asarray(flags)
    figures = {"cases": len(cases), "high_at_1": [int(sum(hi)), len(hi)]}
    line = f"{name:22} n={len(cases):3d}"
    if (~f[:, 1]).any():
        figures["flagged_nomatch"] = round(float(f[~f[:, 1], 0].mean()), 3)
        line += f"  flagged(no-match) {f[~f[:, 1], 0].mean():.2f} ({f[~f[:, 1], 0].sum()}/{(~f[:, 1]).sum()})"
    if f[:, 2].any():
        figures["flagged_answerable"] = round(float(f[f[:, 2], 0].mean()), 3)
        line += f"  flagged(answerable top-3) {f[f[:, 2], 0].mean():.2f} ({f[f[:, 2], 0].sum()}/{f[:, 2].sum()})"
    if f[:, 1].any():
        rk = np.asarray([r or 99 for r, (_, pos, _) in zip(ranks, flags) if pos], dtype=float)
        line += (
            f"  r@1 {np.mean(rk <= 1):.3f} r@3 {np.mean(rk <= 3):.3f} MRR {np.mean(np.where(rk <= 10, 1 / rk, 0)):.3f}"
        )
    line += f"  high@1 precision {np.mean(hi):.2f} ({sum(hi)}/{len(hi)})" if hi else "  high@1: none"
    print(line)
    return np.asarray(probs, dtype=float), np.asarray(right, dtype=float), figures


def buckets(p, y, edges=(0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0001)) -> list:
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (p >= lo) & (p < hi)
        if m.any():
            out.append(
                {
                    "lo": lo,
                    "hi": min(hi, 1),
                    "n": int(m.sum()),
                    "mean_p": round(float(p[m].mean()), 3),
                    "right": round(float(y[m].mean()), 3),
                }
            )
            print(
                f"    p in [{lo:.1f},{min(hi, 1):.1f}): n={m.sum():3d} mean p {p[m].mean():.2f}, right {y[m].mean():.2f}"
                f"  (off by {abs(p[m].mean() - y[m].mean()):.2f})"
            )
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", default=str(ROOT.parent / "shared" / "eval"))
    a = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    fx = Path(a.fixture)
    dev = [json.loads(x) for x in (fx / "dev.jsonl").read_text().splitlines() if x.strip()]
    nom = [json.loads(x) for x in (fx / "dev-nomatch.jsonl").read_text().splitlines() if x.strip()]
    own = [{"query": c.query, "expect": list(c.expect)} for c in load_kb(ROOT / "kb").cases]
    tags = [{"query": q, "expect": e} for _, q, e, _ in short_questions(load_kb(fx / "kb"), "fx-tag") if e]
    with tempfile.TemporaryDirectory() as t1, tempfile.TemporaryDirectory() as t2:
        lists = run(fx / "kb", dev + nom + tags, t1)
        p1, y1, _ = summarise("fixture dev", dev, lists[: len(dev)])
        p2, y2, _ = summarise("fixture dev-nomatch", nom, lists[len(dev) : len(dev) + len(nom)])
        summarise("fixture one-word (first tags)", tags, lists[len(dev) + len(nom) :])
        print("  reliability, fixture dev + dev-nomatch (top-5 results):")
        buckets(np.r_[p1, p2], np.r_[y1, y2])
        # questions about no failure at all (bench/data/offtopic-*.txt; only -fit is fitted on)
        off = {
            name: [
                {"query": x.strip(), "expect": []}
                for x in (ROOT / "bench" / "data" / f"{name}.txt").open()
                if x.strip()
            ]
            for name in ("offtopic-fit", "offtopic-check", "offtopic-ask", "offtopic-words-fit", "offtopic-words-check")
        }
        lists = run(ROOT / "kb", own + [c for cs in off.values() for c in cs], t2)
        p3, y3, _ = summarise("starter kb/eval cases", own, lists[: len(own)])
        print("  reliability, starter kb/eval cases (in-sample for the fit):")
        buckets(p3, y3)
        at = len(own)
        for name, cases in off.items():
            got = lists[at : at + len(cases)]
            at += len(cases)
            summarise(f"starter {name}", cases, got)
            print(f"    highest top probability {max(r[0]['probability'] for r in got):.3f}")


if __name__ == "__main__":
    main()
