"""Hybrid retrieval over the index: dense views + BM25 + exact signals, fused per pattern.

Why several parts: responders describe an outage in prose, type symptoms in their own
words, or paste an alert name or a log line. Each pattern is several vectors (the whole
pattern, its title, each symptom, signal and linked incident), not one blob, and:

* ``doc``    cosine to the whole-pattern view (title, symptoms, summary, root cause);
* ``focus``  the same, for the query cut down to words the KB uses: a long postmortem
             paragraph loses company names, dates and product trivia that drown MiniLM;
* ``title``  cosine to the title;
* ``best``   the best single symptom / signal / incident view: one close match counts;
* ``bm25``   lexical match on a fielded text (title and symptoms weigh more);
* ``signal`` exact, number-insensitive alert-name / error-string match (a bonus).

Scores live on different scales per query, so each component is z-normalised over the
candidate patterns before the weighted sum. Weights were chosen on the project's own
kb/eval cases and on ../shared/eval's dev cases together (bench/retrieval.py), and are
round numbers on purpose: a structure that generalises, not a fit to 34 cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recur.index import LoadedIndex
from recur.textproc import STOPWORDS, identifiers, normalise_signal, tokens, words

WEIGHTS = {"doc": 1.0, "focus": 0.5, "title": 0.25, "best": 0.25, "bm25": 1.0}
DENSE_WEIGHTS = {"doc": 1.0, "focus": 0.5, "title": 0.25, "best": 0.25}
SIGNAL_BONUS = 2.0        # in z units: an exact alert name or error string is near-proof
CANDIDATE_VIEWS = 2048    # faiss top-k views that nominate candidate patterns
MIN_FOCUS_WORDS = 4
HIGH_COSINE, MEDIUM_COSINE = 0.60, 0.42  # MiniLM cosines: paraphrase-close vs. same topic


@dataclass
class Hit:
    id: str
    score: float
    dense: float   # raw cosine to the whole-pattern view
    lexical: float  # BM25 relative to the best pattern for this query
    signal: float
    why: list = field(default_factory=list)
    best: float = 0.0  # best raw cosine over all of the pattern's views

    @property
    def confidence(self) -> str:
        """An absolute judgement (the fused score is relative to the other patterns):
        an exact signal or a close view is strong evidence; weak cosines are a guess."""
        if self.signal >= 0.9 or self.best >= HIGH_COSINE:
            return "high"
        if self.signal > 0 or self.best >= MEDIUM_COSINE:
            return "medium"
        return "low"


def _z(x: np.ndarray) -> np.ndarray:
    if x.size < 2:
        return np.zeros_like(x)
    sd = float(x.std())
    return (x - float(x.mean())) / sd if sd > 1e-9 else np.zeros_like(x)


class Searcher:
    def __init__(self, index: LoadedIndex, encoder):
        self.index = index
        self.encoder = encoder
        self.vectors = np.ascontiguousarray(index.vectors, dtype=np.float32)
        self._faiss = None
        self.row_pattern = [v["pattern"] for v in index.views]
        self.rows: dict = {}
        for row, pid in enumerate(self.row_pattern):
            self.rows.setdefault(pid, []).append(row)
        kinds = [v["kind"] for v in index.views]
        self.doc_row = {pid: next((r for r in rows if kinds[r] == "doc"), rows[0]) for pid, rows in self.rows.items()}
        self.title_row = {pid: next((r for r in rows if kinds[r] == "title"), rows[0]) for pid, rows in self.rows.items()}
        # row arrays per pattern, so a query scores a candidate with array indexing, not Python loops
        self.row_arr = {pid: np.asarray(rows, dtype=np.int64) for pid, rows in self.rows.items()}
        # every pattern's "other" views (not doc, not title) laid end to end: one reduceat gives each best
        others = [[r for r in self.rows[pid] if r not in (self.doc_row[pid], self.title_row[pid])]
                  for pid in self.rows]
        self.best_pos = {pid: i for i, pid in enumerate(self.rows)}
        self.other_flat = np.asarray([r for rows in others for r in rows], dtype=np.int64)
        starts = np.cumsum([0] + [len(rows) for rows in others[:-1]]).astype(np.int64)
        self.other_start = np.minimum(starts, max(len(self.other_flat) - 1, 0))  # empty runs are masked below
        self.has_other = np.asarray([bool(rows) for rows in others], dtype=bool)
        self.ids = list(index.ids)
        self.lex_pos = {pid: i for i, pid in enumerate(self.ids)}
        # every signal once, and an inverted index from its words and identifiers, so a query
        # only looks at the signals it could match (the KB may hold thousands)
        self.signal_list = []
        self.signals_by_word: dict = {}
        self.signals_always = []  # signals with no indexable word: checked for every query
        for pid, doc in index.docs.items():
            for s in doc.get("signals", []):
                toks = {w for w in words(s) if w not in STOPWORDS and not w.isdigit()}
                ids = identifiers(s)
                n = len(self.signal_list)
                self.signal_list.append((pid, s, normalise_signal(s), toks, ids))
                for key in toks | ids:
                    self.signals_by_word.setdefault(key, []).append(n)
                if not toks and not ids:
                    self.signals_always.append(n)

    @property
    def faiss(self):
        """The dense retrieval: a faiss IndexFlatIP (exact inner product) over every view, built
        on first use so that loading a Searcher stays cheap. A KB far beyond the thousands of
        patterns could swap in an approximate faiss index here; views it does not return score
        as the floor below."""
        if self._faiss is None:
            import faiss

            self._faiss = faiss.IndexFlatIP(self.vectors.shape[1])
            if len(self.vectors):
                self._faiss.add(self.vectors)
        return self._faiss

    def view_similarities(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine of every view to ``q``, view rows best first), from one faiss search."""
        n = len(self.vectors)
        dists, rows = self.faiss.search(np.asarray(q, dtype=np.float32).reshape(1, -1), n)
        dists, rows = dists[0], rows[0]
        found = rows >= 0
        sims = np.full(n, -1.0, dtype=np.float32)  # the floor for views an approximate index skips
        sims[rows[found]] = dists[found]
        return sims, rows[found]

    # -- query side ---------------------------------------------------------------
    def focus_text(self, text: str) -> str | None:
        """The query cut down to words the KB uses, when that removes much (long prose)."""
        vocab = self.index.vocab
        if not vocab:
            return None
        ws = [w for w in words(text) if w not in STOPWORDS]
        kept = [w for w in ws if w in vocab]
        if len(kept) < MIN_FOCUS_WORDS or len(kept) == len(ws):
            return None
        return " ".join(kept)

    def encode_queries(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Encode queries and their focused forms in one batch."""
        focus = [self.focus_text(t) for t in texts]
        batch = list(texts) + [f for f in focus if f]
        vecs = self.encoder.encode(batch) if batch else []
        out, k = [], len(texts)
        for i, f in enumerate(focus):
            fv = None
            if f:
                fv = vecs[k]
                k += 1
            out.append((vecs[i], fv))
        return out

    # -- ranking ------------------------------------------------------------------
    def search(self, text: str, top: int = 5, qvec=None, mode: str = "hybrid") -> list[Hit]:
        """Rank patterns for ``text``. ``mode="dense"`` uses the embedding views only (for benchmarks).
        ``qvec`` may be a vector or a (vector, focus vector) pair from ``encode_queries``."""
        if not self.ids or not text.strip():
            return []
        if qvec is None:
            q, fq = self.encode_queries([text])[0]
        elif isinstance(qvec, tuple):
            q, fq = qvec
        else:
            q, fq = qvec, None
        dense_only = mode == "dense"
        allsims, ranked = self.view_similarities(q)  # every view's cosine; candidates index into it
        cands = {self.row_pattern[r] for r in ranked[:CANDIDATE_VIEWS]}
        lex = None if dense_only else self._lexical(text)
        if lex is not None:
            order = np.argsort(-lex)[: max(top * 4, 50)]
            cands.update(self.ids[i] for i in order if lex[i] > 0)
        sig = {} if dense_only else self._signals(text)
        cands.update(sig)
        cands = sorted(c for c in cands if c in self.rows)
        if not cands:
            return []

        comp = {name: np.zeros(len(cands), dtype=np.float32) for name in ("doc", "focus", "title", "best", "bm25")}
        lex_max = float(lex.max()) if lex is not None and lex.size and lex.max() > 0 else 1.0
        doc_rows = np.fromiter((self.doc_row[pid] for pid in cands), dtype=np.int64, count=len(cands))
        comp["doc"][:] = allsims[doc_rows]
        comp["title"][:] = allsims[np.fromiter((self.title_row[pid] for pid in cands), dtype=np.int64,
                                               count=len(cands))]
        comp["focus"][:] = self.vectors[doc_rows] @ fq if fq is not None else comp["doc"]
        pos = np.fromiter((self.best_pos[pid] for pid in cands), dtype=np.int64, count=len(cands))
        if self.other_flat.size:
            best_all = np.maximum.reduceat(allsims[self.other_flat], self.other_start)
            comp["best"][:] = np.where(self.has_other[pos], best_all[pos], comp["doc"])
        else:
            comp["best"][:] = comp["doc"]
        if lex is not None:
            comp["bm25"][:] = lex[[self.lex_pos[pid] for pid in cands]] / lex_max
        weights = DENSE_WEIGHTS if dense_only else WEIGHTS
        fused = sum(w * _z(comp[name]) for name, w in weights.items())
        scored = [(float(fused[j]) + SIGNAL_BONUS * sig.get(pid, (0.0, []))[0], pid, j) for j, pid in enumerate(cands)]
        scored.sort(key=lambda t: (-t[0], t[1]))
        hits = []
        for score, pid, j in scored[:top]:  # the why is built only for what is shown
            sscore, sig_why = sig.get(pid, (0.0, []))
            prow = self.rows[pid]
            sims = allsims[self.row_arr[pid]]
            why = sig_why + self._dense_why(prow, sims) + self._lexical_why(pid, text, comp["bm25"][j])
            hits.append(Hit(pid, score, float(comp["doc"][j]), float(comp["bm25"][j]), sscore, why,
                            best=float(sims.max())))
        return hits

    def _lexical(self, text: str):
        if self.index.bm25 is None:
            return None
        qt = [t for t in tokens(text) if t in self.index.bm25.vocab_dict]
        if not qt:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(qt), dtype=np.float32)

    def _signals(self, text: str) -> dict:
        """pattern id -> (score in [0,1], why entries) for signals found in the query."""
        norm_q = normalise_signal(text)
        q_words = {w for w in words(text) if w not in STOPWORDS}
        q_ids = identifiers(text)
        near = set(self.signals_always)
        for key in q_words | q_ids:
            near.update(self.signals_by_word.get(key, ()))
        found: dict = {}
        for n in sorted(near):
            pid, raw, norm, toks, ids = self.signal_list[n]
            score = 0.0
            if len(norm) >= 6 and norm in norm_q:
                score = 1.0
            elif ids & q_ids:
                score = 0.9
            elif len(toks) >= 3:
                cover = len(toks & q_words) / len(toks)
                if cover >= 0.75:
                    score = 0.7 * cover
            why = found.setdefault(pid, [])
            if score > 0 and all(w["text"] != raw for w in why):
                why.append({"field": "signal", "text": raw, "score": round(score, 3)})
        out: dict = {}
        for pid, why in found.items():
            if why:
                why.sort(key=lambda w: -w["score"])
                out[pid] = (why[0]["score"], why[:3])
        return out

    def _dense_why(self, prow, sims) -> list:
        out = []
        for i in np.argsort(-sims)[:5]:
            view = self.index.views[prow[i]]
            if view["kind"] == "doc" or sims[i] < 0.35:
                continue
            out.append({"field": view["kind"], "text": view["text"][:240], "score": round(float(sims[i]), 3)})
        return out[:3]

    def _lexical_why(self, pid: str, text: str, bm25: float) -> list:
        if bm25 <= 0.3:
            return []
        doc = self.index.docs[pid]
        fields = " ".join([doc["title"], *doc["symptoms"], *doc.get("tags", [])])
        shared = sorted({w for w in words(text) if w not in STOPWORDS and len(w) > 2} & set(words(fields)))
        if not shared:
            return []
        return [{"field": "terms", "text": ", ".join(shared[:8]), "score": round(float(bm25), 3)}]
