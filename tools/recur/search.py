"""Hybrid retrieval over the index: dense views + BM25 + exact signals, fused per pattern.

Why three parts: responders describe an outage in prose (dense similarity to the pattern's
summary, root cause and past incidents wins), type symptoms in their own words (dense
similarity to each symptom, and BM25 on shared terms), or paste an alert name or a log line
(exact, number-insensitive signal matching beats any embedding). Each pattern is several
vectors (title, each symptom, summary, cause, each linked incident), not one blob, so a
query that matches one symptom closely is not diluted by the rest of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recur.index import LoadedIndex
from recur.textproc import STOPWORDS, identifiers, normalise_signal, tokens, words

# Fusion weights. Chosen on the project's own kb/eval cases and checked on ../shared/eval
# (bench/retrieval.py); they are shares of a score in [0, ~1.6], not magic per-case values.
W_DOC = 0.35      # similarity to the whole-pattern view (title + summary + cause)
W_BEST = 0.45     # best single view (a symptom, a signal, an incident...)
W_MEAN3 = 0.20    # mean of the three best views: evidence from several fields
W_LEX = 0.30      # BM25, scaled to the best pattern for this query
W_SIGNAL = 0.45   # exact signal / identifier match
CANDIDATE_VIEWS = 400


@dataclass
class Hit:
    id: str
    score: float
    dense: float
    lexical: float
    signal: float
    why: list = field(default_factory=list)


class Searcher:
    def __init__(self, index: LoadedIndex, encoder):
        import faiss  # only the search path pays for faiss

        self.index = index
        self.encoder = encoder
        self.vectors = np.ascontiguousarray(index.vectors, dtype=np.float32)
        self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        if len(self.vectors):
            self.faiss.add(self.vectors)
        self.row_pattern = [v["pattern"] for v in index.views]
        self.rows: dict = {}
        for row, pid in enumerate(self.row_pattern):
            self.rows.setdefault(pid, []).append(row)
        self.ids = list(index.ids)
        self.doc_row = {pid: rows[0] for pid, rows in self.rows.items()}
        self.signals = {}
        for pid, doc in index.docs.items():
            sigs = []
            for s in doc.get("signals", []):
                norm = normalise_signal(s)
                toks = [w for w in words(s) if w not in STOPWORDS and not w.isdigit()]
                sigs.append((s, norm, set(toks), identifiers(s)))
            self.signals[pid] = sigs

    def encode_query(self, text: str) -> np.ndarray:
        return self.encoder.encode([text])[0]

    def search(self, text: str, top: int = 5, qvec: np.ndarray | None = None, mode: str = "hybrid") -> list[Hit]:
        """Rank patterns for ``text``. ``mode="dense"`` uses the embedding views only (for benchmarks)."""
        if not self.ids or not text.strip():
            return []
        q = self.encode_query(text) if qvec is None else qvec
        k = min(len(self.vectors), CANDIDATE_VIEWS)
        _, rows = self.faiss.search(q.reshape(1, -1).astype(np.float32), k)
        cands = {self.row_pattern[r] for r in rows[0] if r >= 0}
        dense_only = mode == "dense"
        lex = None if dense_only else self._lexical(text)
        if lex is not None:
            order = np.argsort(-lex)[: max(top * 4, 20)]
            cands.update(self.ids[i] for i in order if lex[i] > 0)
        sig = {} if dense_only else self._signals(text)
        cands.update(sig)
        lex_max = float(lex.max()) if lex is not None and lex.size and lex.max() > 0 else 1.0
        lex_of = {pid: i for i, pid in enumerate(self.ids)}
        hits = []
        for pid in cands:
            prow = self.rows.get(pid)
            if not prow:
                continue
            sims = self.vectors[prow] @ q
            order = np.argsort(-sims)
            best = float(sims[order[0]])
            mean3 = float(sims[order[:3]].mean())
            doc = float(sims[0])
            dense = W_DOC * doc + W_BEST * best + W_MEAN3 * mean3
            lscore = float(lex[lex_of[pid]]) / lex_max if lex is not None and pid in lex_of else 0.0
            sscore, sig_why = sig.get(pid, (0.0, []))
            score = dense + W_LEX * lscore + W_SIGNAL * sscore
            why = sig_why + self._dense_why(prow, sims, order)
            hits.append(Hit(pid, score, dense, lscore, sscore, why))
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits[:top]

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
        out: dict = {}
        for pid, sigs in self.signals.items():
            best, why = 0.0, []
            for raw, norm, toks, ids in sigs:
                score = 0.0
                if len(norm) >= 6 and norm in norm_q:
                    score = 1.0
                elif ids & q_ids:
                    score = 0.9
                elif len(toks) >= 3:
                    cover = len(toks & q_words) / len(toks)
                    if cover >= 0.75:
                        score = 0.7 * cover
                if score > 0 and all(w["text"] != raw for w in why):
                    why.append({"field": "signal", "text": raw, "score": round(score, 3)})
                    best = max(best, score)
            if best > 0:
                why.sort(key=lambda w: -w["score"])
                out[pid] = (best, why[:3])
        return out

    def _dense_why(self, prow, sims, order) -> list:
        out = []
        for i in order[:4]:
            view = self.index.views[prow[i]]
            if view["kind"] == "doc" or sims[i] < 0.35:
                continue
            out.append({"field": view["kind"], "text": view["text"][:240], "score": round(float(sims[i]), 3)})
        return out[:3]
