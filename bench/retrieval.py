"""Retrieval quality: Recur's hybrid ranking against BM25 alone and naive dense, same run.

    python bench/retrieval.py [--kb ../shared/eval/kb] [--cases ../shared/eval/dev.jsonl] [--model M] [--tuned]
                              [--learn-from-incidents [--folds 4]]

Also prints the trust figures (no-known-pattern flags on --nomatch and on answerable cases,
precision of "high", reliability buckets) and, with --learn-from-incidents, the cross-validated
base-vs-tuned run of bench/learn_from_incidents.py on the same KB and cases (~15 min).
Cases are JSONL ({"query", "expect"}) or a KB cases.yml. Naive dense = one MiniLM vector per
whole pattern file (front matter + body), cosine. BM25 alone = the same bm25s index Recur
uses, with the same tokenizer. Prints a table and writes bench/out/retrieval.json.

Misspelt questions (search.TYPO: a typo read as the KB's word): `--kb kb --cases bench/data/typos.jsonl`,
18 questions of starter patterns with typos written for this (swapped, dropped, doubled, changed letters).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval.engine import Engine, ensure_index  # noqa: E402
from recur.retrieval.evaluate import CaseResult, metrics  # noqa: E402


def load_cases(path: Path):
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    import yaml

    return yaml.safe_load(path.read_text())


def naive_dense(kb, encoder, cases):
    ids = sorted(kb.patterns)
    texts = [(kb.root / kb.patterns[i].relpath).read_text() for i in ids]
    mat = encoder.encode(texts)
    q = encoder.encode([c["query"] for c in cases])
    out = []
    for c, qv in zip(cases, q):
        order = np.argsort(-(mat @ qv))
        out.append(CaseResult(c["query"], c["expect"], [ids[i] for i in order[:10]]))
    return out


def bm25_alone(engine, cases):
    s = engine.searcher
    out = []
    for c in cases:
        lex = s._lexical(c["query"])
        order = np.argsort(-lex)
        out.append(CaseResult(c["query"], c["expect"], [s.ids[i] for i in order[:10] if lex[i] > 0]))
    return out


def recur_hybrid(engine, cases):
    lists = engine.ranked_many([c["query"] for c in cases], top=10)
    return [CaseResult(c["query"], c["expect"], [r["id"] for r in res]) for c, res in zip(cases, lists)]


def bootstrap(rows: dict, better: str, resamples: int = 10_000, seed: int = 0) -> dict:
    """Paired bootstrap over cases (the same resampled cases for every method): a 95% interval
    for each method's recall@3 and MRR, and for Recur's recall@3 gain over ``better``. With a
    few dozen cases one case moves recall by 1/n, so a difference inside the interval is noise."""
    rng = np.random.default_rng(seed)
    names = list(rows)
    hit3 = np.array([[1.0 if r.rank and r.rank <= 3 else 0.0 for r in rows[n]] for n in names])
    rr = np.array([[1.0 / r.rank if r.rank else 0.0 for r in rows[n]] for n in names])
    picks = rng.integers(0, hit3.shape[1], size=(resamples, hit3.shape[1]))
    r3, mrr = hit3[:, picks].mean(axis=2), rr[:, picks].mean(axis=2)  # (methods, resamples)
    gain = r3[names.index("Recur hybrid")] - r3[names.index(better)]

    def ci(x):
        return [round(float(v), 3) for v in np.percentile(x, [2.5, 97.5])]

    return {
        "recall@3": {n: ci(r3[i]) for i, n in enumerate(names)},
        "mrr": {n: ci(mrr[i]) for i, n in enumerate(names)},
        "gain_recall3": ci(gain),
        "over": better,
        "resamples": resamples,
    }


def trust(engine, cases, nomatch_path: Path) -> dict:
    """Issue 13's trust figures, same run: share of no-match cases flagged no_known_pattern, share of
    answerable cases (right answer in the top 3) wrongly flagged, precision of "high" at rank 1, and
    reliability buckets of the per-result probability (top 5 of every case)."""
    from calibrate_check import buckets, summarise

    nomatch = load_cases(nomatch_path) if nomatch_path.is_file() else []
    lists = engine.ranked_many([c["query"] for c in cases + nomatch], top=10)
    print("Trust (no_known_pattern, high precision, calibration):")
    p1, y1, f1 = summarise("dev", cases, lists[: len(cases)])
    p2, y2, f2 = summarise("dev-nomatch", nomatch, lists[len(cases) :]) if nomatch else (np.array([]),) * 2 + ({},)
    print("  reliability (top-5 results of every case):")
    return {"dev": f1, "nomatch": f2, "buckets": buckets(np.r_[p1, p2], np.r_[y1, y2])}


def _parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", default=str(ROOT.parent / "shared" / "eval" / "kb"))
    ap.add_argument("--cases", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--model", default=None, help="model for Recur (default: bundled base model)")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument(
        "--nomatch",
        default=str(ROOT.parent / "shared" / "eval" / "dev-nomatch.jsonl"),
        help="cases no pattern fits (expect: []), for the no-known-pattern and calibration figures",
    )
    ap.add_argument(
        "--tuned",
        action="store_true",
        help="also base vs tuned model (recur tune on --kb only, "
        "cached in bench/out/tuned-model) × dense-only vs hybrid: bench/tune_bench.py",
    )
    ap.add_argument(
        "--learn-from-incidents",
        action="store_true",
        help="also record folds of the cases as linked incidents in KB copies, recur tune each, and "
        "ask the held-out fold with base and tuned (bench/learn_from_incidents.py)",
    )
    ap.add_argument("--folds", type=int, default=4, help="folds for --learn-from-incidents")
    return ap.parse_args(argv)


def main(argv=None):
    args = _parse(argv)
    kb = load_kb(args.kb)
    cases = load_cases(Path(args.cases))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ensure_index(args.kb, Path(tmp) / "index", args.model or embed.DEFAULT, quiet=True, progress=False)
        engine = Engine(args.kb, Path(tmp) / "index", args.model or embed.DEFAULT)
        build_s = time.perf_counter() - t0
        base = embed.load_encoder(embed.DEFAULT)
        rows["naive dense (1 vector/pattern)"] = naive_dense(kb, base, cases)
        rows["BM25 alone"] = bm25_alone(engine, cases)
        t0 = time.perf_counter()
        rows["Recur hybrid"] = recur_hybrid(engine, cases)
        query_ms = (time.perf_counter() - t0) / max(1, len(cases)) * 1000
        trust_figures = trust(engine, cases, Path(args.nomatch))
    table = {name: metrics(res) for name, res in rows.items()}
    print(f"{len(cases)} cases, {len(kb.patterns)} patterns ({args.cases})")
    print(f"{'method':34} {'recall@1':>8} {'recall@3':>8} {'MRR':>6}")
    for name, m in table.items():
        print(f"{name:34} {m['recall@1']:8.3f} {m['recall@3']:8.3f} {m['mrr']:6.3f}")
    better = max(("naive dense (1 vector/pattern)", "BM25 alone"), key=lambda n: table[n]["recall@3"])
    gain = table["Recur hybrid"]["recall@3"] - table[better]["recall@3"]
    print(
        f"Recur recall@3 gain over the better baseline: {gain:+.3f}; index build {build_s:.1f}s; "
        f"{query_ms:.1f} ms/query (batch)"
    )
    boot = bootstrap(rows, better)
    print(
        f"95% intervals (paired bootstrap over the {len(cases)} cases): recall@3 gain {boot['gain_recall3']}; "
        + "; ".join(f"{n.split(' (')[0]}: recall@3 {boot['recall@3'][n]}, MRR {boot['mrr'][n]}" for n in rows)
    )
    if args.verbose:
        for r in rows["Recur hybrid"]:
            if not r.rank or r.rank > 3:
                print(f"  miss (rank {r.rank}): expect {r.expect} got {r.ranked[:3]} :: {r.query[:100]}")
    tuned = None
    if args.tuned:
        from tune_bench import compare, print_table

        tuned = compare(args.kb, cases)[0]
        print_table(tuned)
    if args.learn_from_incidents:
        import learn_from_incidents

        print()
        learn_from_incidents.main(["--kb", args.kb, "--cases", args.cases, "--folds", str(args.folds)])
    figures = {"table": table, "gain_recall3": gain, "bootstrap": boot, "trust": trust_figures, "tuned": tuned}
    _write_out({"cases": args.cases, **figures})


def _write_out(figures: dict) -> None:
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "retrieval.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
