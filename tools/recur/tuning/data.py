"""What `recur tune` learns from, and the cheap questions asked about a tuned model.

Nothing here imports torch: ``tuned_model_for`` runs on every ``recur suggest`` and
``retune_advice`` on every index rebuild.

Training pairs are (anchor, pattern id): each title, symptom, signal, root cause and
permanent fix of a pattern, each linked incident's title + summary, and each confirmed 👍
from the feedback log. The positive side is the pattern's "doc" view (title + summary +
cause), the same text the index embeds. Eval cases (``kb/eval/cases*.yml``) are never
trained on: an anchor equal to a case query is dropped. A KB without eval cases holds out
one symptom per pattern (patterns with 3 or more) as its validation set instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from recur import config
from recur.kb.records import EvalCase
from recur.retrieval.models import DEFAULT_OUT, read_tuned_manifest, tuned_model_for  # noqa: F401 (re-exported)

RETUNE_SHARE = 0.10  # advise a re-tune when more than this share of patterns changed


@dataclass
class TrainingData:
    pairs: list  # [(anchor text, pattern id)], in a stable order
    docs: dict  # pattern id -> positive text (the doc view)
    cases: list  # [EvalCase]: the eval set, never trained on
    eval_source: str  # "kb/eval/cases.yml" or "held-out symptoms"
    pattern_hashes: dict  # pattern id -> hash of its training texts
    feedback: int = 0  # confirmed feedback pairs used
    held_out: dict = field(default_factory=dict)  # pattern id -> symptom kept out of training and eval index
    kinds: dict = field(default_factory=dict)  # anchor kind -> count

    @property
    def hash(self) -> str:
        blob = json.dumps([self.pairs, sorted(self.docs.items()), [(c.query, c.expect) for c in self.cases]],
                          ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _stable_pick(pid: str, items: list) -> int:
    """Index of the held-out item for a pattern: fixed by its id, not by a random state."""
    return int(hashlib.sha256(pid.encode()).hexdigest(), 16) % len(items)


def eval_cases(kb) -> tuple[list, str]:
    """kb/eval/cases.yml plus any kb/eval/cases-*.yml, as EvalCase objects (never trained on)."""
    from recur.kb.loader import _load_cases
    from recur.kb.records import KB

    cases = [EvalCase(c.query, list(c.expect), c.line, "eval/cases.yml") for c in kb.cases]
    sources = ["eval/cases.yml"] if cases else []
    edir = Path(kb.root) / "eval"
    for path in sorted(edir.glob("cases-*.yml")) if edir.is_dir() else []:
        extra = KB(root=kb.root)
        _load_cases(extra, path)
        got = [EvalCase(c.query, list(c.expect), c.line, f"eval/{path.name}") for c in extra.cases]
        if got:
            cases += got
            sources.append(f"eval/{path.name}")
    known = set(kb.patterns)
    cases = [c for c in cases if any(e in known for e in c.expect)]
    return cases, " + ".join(sources)


def read_feedback(kb, path: Path | None = None) -> list:
    """Confirmed feedback as [(query, pattern id)] (recur.ingest.feedback decides what counts);
    an unreadable log is no feedback, never a failed tune."""
    from recur.ingest.feedback import confirmed_feedback

    path = Path(path or config.get("feedback"))
    if not path.is_file():
        return []
    try:
        items = confirmed_feedback(path, kb)
    except (OSError, ValueError, TypeError):
        return []
    return [(q.strip(), p) for q, p in items
            if isinstance(q, str) and q.strip() and isinstance(p, str) and p in kb.patterns]


def _anchors(p, kb) -> list:
    from recur.util.text import plain

    out = [("title", p.title)]
    out += [("symptom", s) for s in p.symptoms]
    out += [("signal", s) for s in p.signals]
    out += [("cause", plain(p.root_cause)), ("fix", plain(p.permanent_fix))]
    for inc in kb.incidents_for(p.id):
        out.append(("incident", f"{inc.title}. {plain(inc.summary)}"))
    return [(k, t[:1200]) for k, t in out if t and t.strip()]


def training_data(kb, feedback_path: Path | None = None) -> TrainingData:
    from recur.retrieval.index import pattern_views

    cases, source = eval_cases(kb)
    patterns = sorted((p for p in kb.patterns.values() if p.status != "retired"), key=lambda p: p.id)
    held_out = not cases
    if held_out:
        source = "held-out symptoms"
    banned = {_norm(c.query) for c in cases}
    pairs, docs, hashes, kinds, held = [], {}, {}, {}, {}
    for p in patterns:
        docs[p.id] = dict(pattern_views(p, kb))["doc"]
        anchors = _anchors(p, kb)
        hashes[p.id] = hashlib.sha256(json.dumps([docs[p.id], anchors], ensure_ascii=False).encode()).hexdigest()[:12]
        if held_out and len(p.symptoms) >= 3:
            text = p.symptoms[_stable_pick(p.id, p.symptoms)]
            cases.append(EvalCase(text, [p.id], p.line("symptoms"), "held-out symptom"))
            banned.add(_norm(text))
            held[p.id] = text
        for kind, text in anchors:
            if _norm(text) not in banned:
                pairs.append((text, p.id))
                kinds[kind] = kinds.get(kind, 0) + 1
    fb = [(q, pid) for q, pid in read_feedback(kb, feedback_path) if pid in docs and _norm(q) not in banned]
    pairs += fb
    if fb:
        kinds["feedback"] = len(fb)
    return TrainingData(pairs, docs, cases, source, hashes, feedback=len(fb), kinds=kinds, held_out=held)


def without_held_out(kb, held: dict):
    """A copy of ``kb`` whose patterns lack their held-out symptom, so the eval index does not
    contain the very text it is queried with."""
    import copy
    import dataclasses

    if not held:
        return kb
    out = copy.copy(kb)
    out.patterns = {pid: dataclasses.replace(p, symptoms=[s for s in p.symptoms if s != held.get(pid)])
                    for pid, p in kb.patterns.items()}
    return out


def changed_share(old: dict, new: dict) -> tuple[int, int]:
    """(patterns added, changed or removed; patterns at tuning time)."""
    moved = sum(1 for pid, h in new.items() if old.get(pid) != h) + sum(1 for pid in old if pid not in new)
    return moved, len(old)


def retune_advice(kb_dir, kb) -> str | None:
    """One line when the KB changed enough since tuning that `recur tune` is worthwhile."""
    folder = tuned_model_for(kb_dir)
    manifest = read_tuned_manifest(folder) if folder else None
    if not manifest or not isinstance(manifest.get("pattern_hashes"), dict):
        return None
    try:
        current = training_data(kb).pattern_hashes
    except Exception:  # advice must never break indexing
        return None
    moved, base = changed_share(manifest["pattern_hashes"], current)
    if moved and moved > RETUNE_SHARE * max(base, 1):
        return (f"note: {moved} of {base} patterns were added, changed or removed since the model was tuned "
                f"({manifest.get('date', '?')[:10]}): a re-tune is worthwhile (run: recur tune)")
    return None
