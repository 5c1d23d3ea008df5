"""Per-query candidate scores for fitting and checking recur.calibrate (cached, re-runnable).

    python bench/calibrate_data.py [--out bench/out/calib] [--fixture ../shared/eval]

For each query: every candidate pattern's raw component scores (Searcher.score_candidates), its
fused score, signal score and whether it is an expected pattern. Query sets:

  starter KB without incidents:           inc-pos      each incident's title + summary (pattern present)
                                          inc-pos-lopo the same, its pattern(s) taken out
  starter KB (kb/, the project's own):   case         kb/eval cases, all patterns present
                                          case-lopo    the same cases with their expected pattern(s)
                                                       taken out of the KB: a no-match question
                                          inc-lopo     each incident's title + summary, its
                                                       pattern(s) taken out: a no-match question
                                          sym-lopo     each pattern's symptoms joined, it taken out
                                          case-hard    kb/eval cases without their giveaway words
                                                       (harden: words of the expected pattern that
                                                       at most HARD_DF patterns use), pattern present
                                          case-hard-lopo the same, the pattern taken out
  starter KB without incidents:           inc-hard, inc-hard-lopo: the incidents, hardened likewise
  starter KB:                             offtopic-fit, offtopic-check, offtopic-ask, offtopic-words-fit,
                                          offtopic-words-check: bench/data/offtopic-*.txt, questions
                                          about no failure at all (no-match; -words: one word or two)
                                          tag, tag-lopo: one-word questions (short_questions)
  fixture KB (measurement only):          dev, nomatch, dev-lopo, fx-sym-lopo (its own
                                          patterns' symptoms, each pattern taken out), fx-tag, fx-tag-lopo

Query vectors are cached (npz keyed by text) so experiments do not re-encode.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval.engine import Engine, ensure_index  # noqa: E402
from recur.util.text import plain, tokens  # noqa: E402


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


class VecCache:
    def __init__(self, path: Path, searcher):
        self.path, self.searcher = path, searcher
        self.data = dict(np.load(path, allow_pickle=True)["d"].item()) if path.exists() else {}

    def get(self, texts):
        todo = [t for t in dict.fromkeys(texts) if _key(t) not in self.data]
        if todo:
            for t, (v, f) in zip(todo, self.searcher.encode_queries(todo)):
                self.data[_key(t)] = (v, f)
            np.savez(self.path, d=np.array(self.data, dtype=object))
        return [self.data[_key(t)] for t in texts]


def records(searcher, cache, queries):
    """queries: [(set, text, expect, exclude)] -> list of dict records."""
    out = []
    vecs = cache.get([q[1] for q in queries])
    for (name, text, expect, exclude), (v, f) in zip(queries, vecs):
        scored = searcher.score_candidates(text, v, f, exclude=set(exclude) or None)
        cidx, comp, sig, _, fused = scored
        pids = [searcher.pids[i] for i in cidx]
        lex = searcher._lexical(text)
        if exclude:
            keep = [i for i, pid in enumerate(searcher.ids) if pid not in exclude]
            lex = lex[keep]
        qt = [t for t in tokens(text) if t in searcher.index.bm25.vocab_dict]
        out.append(
            {
                "set": name,
                "query": text,
                "expect": list(expect),
                "exclude": list(exclude),
                "pids": pids,
                "fused": np.asarray(fused, dtype=np.float64),
                "comp": {k: np.asarray(a, dtype=np.float64) for k, a in comp.items()},
                "signal": np.asarray([sig.get(p, (0.0, []))[0] for p in pids], dtype=np.float64),
                "label": np.asarray([p in expect for p in pids], dtype=bool),
                "lex_max": float(lex.max()) if lex.size else 0.0,
                "q_tokens": len(qt),
                "n_patterns": len(searcher.pids) - len(exclude),
            }
        )
    return out


HARD_DF = 3  # a word used by at most this many patterns gives its pattern away
_RAW_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'.:/-]*[A-Za-z0-9]|[A-Za-z]")


def giveaways(kb) -> tuple[dict, Counter]:
    """Each pattern's BM25 tokens (title, summary, root cause, symptoms, signals, tags) and in how
    many patterns each token is."""
    toks = {}
    for pid, p in kb.patterns.items():
        text = [p.title, plain(p.summary or ""), plain(p.root_cause or ""), *p.symptoms, *map(str, p.signals), *p.tags]
        toks[pid] = set(tokens(" ".join(text)))
    return toks, Counter(t for ts in toks.values() for t in ts)


def harden(text: str, expect, toks: dict, df: Counter) -> str:
    """The question without the words that give its pattern away: every word whose tokens are all
    rare (at most HARD_DF patterns) and in an expected pattern. The starter KB's questions share the
    patterns' words (same authors); another team's postmortem mostly does not, so these rows teach
    the calibrator what a right answer looks like when only the meaning matches (docs/calibration.md)."""
    give = {t for e in expect for t in toks.get(e, ()) if df[t] <= HARD_DF}

    def drop(m):
        ts = tokens(m.group(0))
        return "" if ts and all(t in give for t in ts) else m.group(0)

    return re.sub(r" {2,}", " ", _RAW_WORD.sub(drop, text)).strip()


def open_kb(kb_dir, idx):
    ensure_index(kb_dir, idx, embed.DEFAULT, quiet=True, progress=False)
    return Engine(kb_dir, idx, embed.DEFAULT).searcher


def short_questions(kb, name: str) -> list:
    """A search-box question: each pattern's first tag (its author's main word for it), hyphens as
    spaces, answerable by every pattern with that tag; and the same with those patterns taken out."""
    by_tag: dict = {}
    for p in kb.patterns.values():
        for t in p.tags:
            by_tag.setdefault(t, []).append(p.id)
    firsts = sorted({p.tags[0] for p in kb.patterns.values() if p.tags})
    qs = [(name, t.replace("-", " "), by_tag[t], []) for t in firsts]
    return qs + [(f"{name}-lopo", t.replace("-", " "), [], by_tag[t]) for t in firsts]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/out/calib")
    ap.add_argument("--fixture", default=str(ROOT.parent / "shared" / "eval"))
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    # fitted on the reference arithmetic: where the CPU has bf16, `auto` would fit on bf16 vectors
    # (here, not at import: calibrate_check imports short_questions and asks as recur suggest does)
    os.environ.setdefault("RECUR_PRECISION", "fp32")
    arith = embed.precision()  # vectors and indexes are kept per arithmetic: a cache is keyed by text alone
    import torch

    torch.set_num_threads(1)
    # starter KB
    kb = load_kb(ROOT / "kb")
    s = open_kb(ROOT / "kb", out / f"idx-starter-{arith}")
    cache = VecCache(out / f"vec-starter-{arith}.npz", s)
    qs = []
    for c in kb.cases:
        qs.append(("case", c.query, c.expect, []))
        qs.append(("case-lopo", c.query, [], list(c.expect)))
    for inc in kb.incidents.values():
        qs.append(("inc-lopo", f"{inc.title}. {plain(inc.summary)}", [], list(inc.patterns)))
    for p in kb.patterns.values():
        if p.symptoms:
            qs.append(("sym-lopo", "; ".join(p.symptoms), [], [p.id]))
    # questions about no failure at all (written for this; offtopic-ask after the one-shared-word failure)
    for name in ("offtopic-fit", "offtopic-check", "offtopic-ask", "offtopic-words-fit", "offtopic-words-check"):
        for line in (ROOT / "bench" / "data" / f"{name}.txt").read_text().splitlines():
            if line.strip():
                qs.append((name, line.strip(), [], []))
    qs += short_questions(kb, "tag")
    toks, df = giveaways(kb)
    for c in kb.cases:
        hard = harden(c.query, c.expect, toks, df)
        qs += [("case-hard", hard, c.expect, []), ("case-hard-lopo", hard, [], list(c.expect))]
    recs = records(s, cache, qs)
    # the starter KB without its incidents: each incident is then an unseen long-prose question whose
    # pattern is in the KB (inc-pos), the kind of text a postmortem summary is
    import shutil

    noinc = out / "kb-noinc"  # copied afresh: a copy kept from an earlier run misses the KB's later edits
    shutil.rmtree(noinc, ignore_errors=True)
    shutil.copytree(ROOT / "kb", noinc, ignore=shutil.ignore_patterns("incidents"))
    (noinc / "incidents").mkdir()
    s3 = open_kb(noinc, out / f"idx-noinc-{arith}")
    cache3 = VecCache(out / f"vec-starter-{arith}.npz", s3)
    qs = [("inc-pos", f"{inc.title}. {plain(inc.summary)}", list(inc.patterns), []) for inc in kb.incidents.values()]
    qs += [
        ("inc-pos-lopo", f"{inc.title}. {plain(inc.summary)}", [], list(inc.patterns)) for inc in kb.incidents.values()
    ]
    for inc in kb.incidents.values():
        hard = harden(f"{inc.title}. {plain(inc.summary)}", inc.patterns, toks, df)
        qs += [("inc-hard", hard, list(inc.patterns), []), ("inc-hard-lopo", hard, [], list(inc.patterns))]
    recs += records(s3, cache3, qs)
    # fixture KB
    fx = Path(a.fixture)
    s2 = open_kb(fx / "kb", out / f"idx-fixture-{arith}")
    cache2 = VecCache(out / f"vec-fixture-{arith}.npz", s2)
    qs = []
    for line in (fx / "dev.jsonl").read_text().splitlines():
        c = json.loads(line)
        qs.append(("dev", c["query"], c["expect"], []))
        qs.append(("dev-lopo", c["query"], [], c["expect"]))
    fkb = load_kb(fx / "kb")
    for p in fkb.patterns.values():  # the KB's own no-match questions (no dev text): see calibrate.null_threshold
        if p.symptoms:
            qs.append(("fx-sym-lopo", "; ".join(p.symptoms), [], [p.id]))
    qs += short_questions(fkb, "fx-tag")
    for line in (fx / "dev-nomatch.jsonl").read_text().splitlines():
        c = json.loads(line)
        qs.append(("nomatch", c["query"], [], []))
    recs += records(s2, cache2, qs)
    with open(out / "records.pkl", "wb") as fh:
        pickle.dump(recs, fh)
    from collections import Counter

    print(Counter(r["set"] for r in recs))


if __name__ == "__main__":
    main()
