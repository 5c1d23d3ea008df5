"""What `recur tune` learns from, and the cheap questions asked about a tuned model.

Nothing here imports torch: ``tuned_model_for`` runs on every ``recur suggest`` and
``retune_advice`` on every index rebuild.

Training pairs are (anchor, pattern id): each title, symptom, signal, root cause and permanent
fix of a pattern, each linked incident's title + summary, and each confirmed 👍 from the feedback
log (``all_anchors=False`` keeps ``ANCHOR_KINDS`` only: cheaper, but it learned less from
incidents in bench/learn_from_incidents.py). The
positive side is the pattern's "doc" view (title + summary + cause), the same text the index
embeds. Eval cases (``kb/eval/cases*.yml``) are never trained on: an anchor equal to a case
query is dropped.

What a candidate is measured on, in order:
- the newest 30% of the linked incidents (a time split), when the KB has at least
  ``INCIDENT_FLOOR`` linked incidents covering ``INCIDENT_FLOOR_PATTERNS`` patterns: real
  queries in the reporters' words. They are left out of the training pairs and out of the
  measuring index (``eval_kb``);
- else the eval cases, and when there are fewer than ``EVAL_FLOOR`` of them, one held-out symptom
  per pattern with 3 or more as well (a gate on one or two cases passes any model that ties);
- else those held-out symptoms alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from recur import config
from recur.kb.records import EvalCase
from recur.retrieval.models import read_tuned_manifest, tuned_model_for
from recur.util.errors import RecurError
from recur.util.text import plural

RETUNE_SHARE = 0.10  # advise a re-tune when more than this share of patterns changed
INCIDENT_FLOOR = 30  # linked incidents needed to measure on the KB's own incidents
INCIDENT_FLOOR_PATTERNS = 10  # ... covering at least this many patterns
EVAL_FLOOR = 10  # fewer eval cases than this: held-out symptoms are measured on too
# fewer questions to measure on than this and a candidate is not trained: on 2 or 4 (a small KB's cases,
# often all right already) any candidate ties and "not worse" would activate it; 9 is what the
# incident floor holds out (30% of 30)
MEASURE_FLOOR = 9
HOLD_OUT_SHARE = 0.30  # the newest share of linked incidents measures, the rest trains
ANCHOR_KINDS = ("title", "symptom", "incident")  # plus feedback; all_anchors (the default) adds signal, cause, fix
INCIDENT_SOURCE = "held-out incidents (time split)"


@dataclass
class TrainingData:
    pairs: list  # [(anchor text, pattern id)], in a stable order
    docs: dict  # pattern id -> positive text (the doc view)
    cases: list  # [EvalCase]: the eval set, never trained on
    eval_source: str  # "eval/cases.yml", "eval/cases.yml + held-out symptoms", "held-out symptoms" or incidents
    pattern_hashes: dict  # pattern id -> hash of its training texts
    text_hashes: dict = field(default_factory=dict)  # the same without its incidents (counted apart: retune_advice)
    feedback: int = 0  # confirmed feedback pairs used
    held_out: dict = field(default_factory=dict)  # pattern id -> symptom kept out of training and eval index
    kinds: dict = field(default_factory=dict)  # anchor kind -> count
    held_incidents: list = field(default_factory=list)  # incident ids measured on, never trained on (time split)
    late_pairs: list = field(default_factory=list)  # their (text, pattern id) pairs: the final model's last pass
    linked: int = 0  # linked incidents in the KB
    linked_patterns: int = 0  # patterns they cover
    note: str = ""  # why the measurement is not on incidents (the data floor), or ""
    trained_incidents: list = field(default_factory=list)  # ids of the incidents whose pairs are trained on
    kb_root: Path | None = None  # the KB's folder and the feedback log read: for feedback_note
    feedback_path: Path | None = None

    @cached_property
    def feedback_note(self) -> str:
        """The feedback log read is not the KB repository's, which has one; or "" (``feedback_elsewhere``).
        Worked out when asked, by `recur tune`'s start line alone: other callers of training_data have
        no use for it."""
        if self.kb_root is None or self.feedback_path is None:
            return ""
        return feedback_elsewhere(self.kb_root, self.feedback_path)

    @property
    def hash(self) -> str:
        blob = json.dumps(
            [self.pairs, sorted(self.docs.items()), [(c.query, c.expect) for c in self.cases]], ensure_ascii=False
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode()).hexdigest()[:12]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _stable_pick(pid: str, items: list) -> int:
    """Index of the held-out item for a pattern: fixed by its id, not by a random state."""
    return int(hashlib.sha256(pid.encode()).hexdigest(), 16) % len(items)


def eval_cases(kb) -> tuple[list, str]:
    """kb/eval/cases.yml plus any kb/eval/cases-*.yml, as EvalCase objects (never trained on)."""
    from recur.kb.loader import load_cases
    from recur.kb.records import KB

    cases = [EvalCase(c.query, list(c.expect), c.line, "eval/cases.yml") for c in kb.cases]
    sources = ["eval/cases.yml"] if cases else []
    edir = Path(kb.root) / "eval"
    for path in sorted(edir.glob("cases-*.yml")) if edir.is_dir() else []:
        extra = KB(root=kb.root)
        load_cases(extra, path)
        got = [EvalCase(c.query, list(c.expect), c.line, f"eval/{path.name}") for c in extra.cases]
        if got:
            cases += got
            sources.append(f"eval/{path.name}")
    live = {p.id for p in kb.active_patterns()}  # a retired one is never suggested
    cases = [c for c in cases if any(e in live for e in c.expect)]
    return cases, " + ".join(sources)


def read_feedback(kb, path: Path | None = None) -> list:
    """Confirmed feedback as [(query, pattern id)] (recur.ingest.feedback decides what counts);
    an unreadable log is no feedback, never a failed tune. A pair confirmed for a retired pattern that one
    pattern replaced (a rename or a merge: its ``superseded_by``, followed) counts for that one: the votes name
    the id they were cast for, and a pattern renamed as the format says lost every vote it had from the tuning
    data without a word (found keeping a team's KB). A split's (two successors) are left out: which half each
    query was is not known. The votes under both ids are judged together, each voter once: judged apart, a query
    voted 👍 under the old id and rejected under the new one was trained on (found re-reading that change)."""
    from recur.ingest.feedback import confirmed_feedback

    path = Path(path or config.get("feedback"))
    if not path.is_file():
        return []
    heirs = {}
    for pid, p in kb.patterns.items():
        if p.status == "retired" and len(found := kb.successors(pid)) == 1:
            heirs[pid] = found[0]
    try:
        items = confirmed_feedback(path, kb, counted_as=heirs)
    except (OSError, ValueError, TypeError):
        return []
    return [
        (q.strip(), p) for q, p in items if isinstance(q, str) and q.strip() and isinstance(p, str) and p in kb.patterns
    ]


def feedback_elsewhere(kb_root, path: Path | None = None) -> str:
    """Said when the feedback log read is the default one under the current folder, which has none, and
    the KB is elsewhere with a log of its own beside it (`recur tune --kb ../team-kb/kb` learned from no
    feedback without a word); else ""."""
    path = Path(path or config.get("feedback"))
    beside = config.state_elsewhere(kb_root, "feedback", path)
    if beside is None or path.is_file() or not beside.is_file():
        return ""
    shown = config.from_here(beside)
    return (
        f"no feedback log at {path} ({config.not_here_words(kb_root)}), and the KB's "
        f"repository has {shown}: RECUR_FEEDBACK={shown} learns from it"
    )


def incident_text(inc) -> str:
    """What an incident says in its reporter's words: the query it stands for and the anchor trained on."""
    return inc.text[:1200]


def _anchors(p, kb) -> list:
    from recur.util.text import plain

    out = [("title", p.title)]
    out += [("symptom", s) for s in p.symptoms]
    out += [("signal", s) for s in p.signals]
    out += [("cause", plain(p.root_cause)), ("fix", plain(p.permanent_fix))]
    out += [("incident", incident_text(inc)) for inc in kb.incidents_for(p.id)]
    return [(k, t[:1200]) for k, t in out if t and t.strip()]


def linked_incidents(kb) -> list:
    """Incidents linked to at least one live pattern, oldest first (date, then id)."""
    live = {p.id for p in kb.active_patterns()}
    found = [i for i in kb.incidents.values() if any(pid in live for pid in i.patterns) and incident_text(i).strip()]
    return sorted(found, key=lambda i: (i.date, i.id))


def incident_split(kb) -> tuple[list, list, str]:
    """(training incidents, held-out incidents, note). Held out: the newest ``HOLD_OUT_SHARE``
    when the data floor is met; else none, and the note says why."""
    linked = linked_incidents(kb)
    live = {p.id for p in kb.active_patterns()}
    covered = {pid for i in linked for pid in i.patterns if pid in live}  # a retired pattern is not learned
    if len(linked) < INCIDENT_FLOOR or len(covered) < INCIDENT_FLOOR_PATTERNS:
        # found in review: a team whose 40 records linked 15 to retired patterns read "25 linked incident(s)"
        # with no word of the 15 (a retired pattern is never suggested, so it is not learned or measured)
        others = sum(1 for i in kb.incidents.values() if i.patterns and not any(pid in live for pid in i.patterns))
        aside = f" ({others} more link only retired or unknown patterns and do not count)" if others else ""
        note = (
            f"{plural(len(linked), 'linked incident')}{aside} covering {plural(len(covered), 'pattern')}; at least {INCIDENT_FLOOR} "
            f"covering {INCIDENT_FLOOR_PATTERNS} patterns are needed to measure a tuned model on your own "
            "incidents, so it is measured on eval cases / held-out symptoms instead"
        )
        return linked, [], note
    cut = len(linked) - max(1, round(len(linked) * HOLD_OUT_SHARE))
    return linked[:cut], linked[cut:], ""


def _incident_cases(kb, held: list) -> list:
    live = {p.id for p in kb.active_patterns()}
    return [EvalCase(incident_text(i), [pid for pid in i.patterns if pid in live], 0, f"incident {i.id}") for i in held]


def _hashed(doc: str, anchors: list) -> tuple[str, str]:
    """(the hash of a pattern's training texts, the same without its incidents): what a tuned model's
    manifest records (pattern_hashes, pattern_text_hashes) and retune_advice compares."""
    return _digest([doc, anchors]), _digest([doc, [a for a in anchors if a[0] != "incident"]])


def pattern_hashes(kb) -> tuple[dict, dict]:
    """training_data's ``pattern_hashes`` and ``text_hashes`` alone (pattern id -> hash, of every live pattern).
    retune_advice runs on an engine open that rebuilds the index with a tuned model (serve, suggest, mcp):
    through training_data it also read the eval files and the whole feedback log, and built every pair, for
    these two mappings, which depend on neither."""
    from recur.retrieval.index import pattern_views

    hashes, own = {}, {}
    for p in sorted(kb.active_patterns(), key=lambda p: p.id):
        hashes[p.id], own[p.id] = _hashed(dict(pattern_views(p, kb))["doc"], _anchors(p, kb))
    return hashes, own


def training_data(kb, feedback_path: Path | None = None, all_anchors: bool = True) -> TrainingData:
    from recur.retrieval.index import pattern_views

    eval_set, source = eval_cases(kb)
    linked, held_inc, note = incident_split(kb)
    cases = _incident_cases(kb, held_inc) if held_inc else list(eval_set)
    source = INCIDENT_SOURCE if held_inc else source
    n_eval = 0 if held_inc else len(cases)
    held_out = not held_inc and n_eval < EVAL_FLOOR  # symptoms held out of training, to measure on
    banned = {_norm(c.query) for c in cases + eval_set}  # eval cases are never trained on, whatever measures
    wanted = None if all_anchors else set(ANCHOR_KINDS)
    pairs, docs, hashes, kinds, held, own = [], {}, {}, {}, {}, {}
    for p in sorted(kb.active_patterns(), key=lambda p: p.id):
        anchors = _anchors(p, kb)
        full_doc = dict(pattern_views(p, kb))["doc"]
        hashes[p.id], own[p.id] = _hashed(full_doc, anchors)
        docs[p.id] = full_doc
        if held_out and len(p.symptoms) >= 3:
            text = p.symptoms[_stable_pick(p.id, p.symptoms)]
            cases.append(EvalCase(text, [p.id], p.line("symptoms"), "held-out symptom"))
            banned.add(_norm(text))
            held[p.id] = text
            # the positive it trains against is the doc view without it, as the measuring index has it:
            # the doc view lists every symptom, and the held-out one was trained on there, word for word
            docs[p.id] = dict(pattern_views(replace(p, symptoms=[s for s in p.symptoms if s != text]), kb))["doc"]
        for kind, text in anchors:
            if _norm(text) not in banned and (wanted is None or kind in wanted):
                pairs.append((text, p.id))
                kinds[kind] = kinds.get(kind, 0) + 1
    if held and n_eval:
        source = f"{source} + held-out symptoms"
        why = f"only {plural(n_eval, 'eval case')}, fewer than {EVAL_FLOOR}, so held-out symptoms are measured on too"
        note = f"{note}; {why}" if note else why
    elif held_out and not n_eval:
        source = "held-out symptoms"
    fb = [(q, pid) for q, pid in read_feedback(kb, feedback_path) if pid in docs and _norm(q) not in banned]
    pairs += fb
    if fb:
        kinds["feedback"] = len(fb)
    late_pairs = [(incident_text(i), pid) for i in held_inc for pid in i.patterns if pid in docs]
    return TrainingData(
        pairs,
        docs,
        cases,
        source,
        hashes,
        text_hashes=own,
        feedback=len(fb),
        kinds=kinds,
        held_out=held,
        held_incidents=[i.id for i in held_inc],
        late_pairs=late_pairs,
        linked=len(linked) + len(held_inc),
        linked_patterns=len({pid for i in linked + held_inc for pid in i.patterns if pid in docs}),
        note=note,
        trained_incidents=[i.id for i in linked],
        kb_root=kb.root,
        feedback_path=Path(feedback_path or config.get("feedback")),  # the log read, whatever changes after
    )


def without_held_out(kb, held: dict, incidents=()):
    """A copy of ``kb`` whose patterns lack their held-out symptom and which lacks the held-out
    incidents (no incident view, no BM25 text), so the eval index does not contain the very
    text it is queried with."""
    import copy
    import dataclasses

    if not held and not incidents:
        return kb
    out = copy.copy(kb)
    out.patterns = {
        pid: dataclasses.replace(p, symptoms=[s for s in p.symptoms if s != held.get(pid)])
        for pid, p in kb.patterns.items()
    }
    drop = set(incidents)
    out.incidents = {iid: i for iid, i in kb.incidents.items() if iid not in drop}
    return out


def eval_kb(kb, data: TrainingData):
    """The KB a candidate is measured on: without anything measured with."""
    return without_held_out(kb, data.held_out, data.held_incidents)


def changed_share(old: dict, new: dict) -> tuple[int, int]:
    """(patterns added, changed or removed; patterns at tuning time)."""
    moved = sum(1 for pid, h in new.items() if old.get(pid) != h) + sum(1 for pid in old if pid not in new)
    return moved, len(old)


def _last_run(folder: Path, manifest: dict, kb_dir) -> tuple:
    """(manifest, refused) of the newest run that measured this KB's model: the active one's, or a
    newer refused candidate's (OUT.rejected; its manifest records what that run saw). Found in
    review: the advice came back right after a refused re-tune, for what it had just measured."""
    from recur.retrieval.models import tuned_on
    from recur.tuning.report import rejected_dir

    try:
        refused = read_tuned_manifest(rejected_dir(Path(folder)))
    except RecurError:  # a damaged candidate: the active model's record stands
        return manifest, False
    newer = (
        isinstance(refused, dict)
        and isinstance(refused.get("pattern_hashes"), dict)
        and tuned_on(rejected_dir(Path(folder)), refused, kb_dir)
        and str(refused.get("date", "")) > str(manifest.get("date", ""))
    )
    return (refused, True) if newer else (manifest, False)


def _ids(value) -> set:
    return {i for i in value if isinstance(i, str)} if isinstance(value, list) else set()


def retune_advice(kb_dir, kb) -> str | None:
    """One line when the KB changed enough since the last tuning run that `recur tune` is worthwhile
    (or when the tuned model's manifest is damaged: the command goes on). Patterns and incidents are
    counted apart: a linked incident changed the hashes of its patterns, and 12 incidents read as
    "29 of 60 patterns were added, changed or removed"."""
    try:
        folder = tuned_model_for(kb_dir)
        manifest = read_tuned_manifest(folder) if folder else None
    except RecurError as exc:  # a damaged recur-model.json (`recur index --model M` does not use it): said, not fatal
        return f"note: {exc}"
    if not manifest or not isinstance(manifest.get("pattern_hashes"), dict):
        return None
    # the loaded KB's texts alone: no file is read (the eval files and the feedback log were, through
    # training_data, and what reading them raised was caught here and lost the advice)
    hashes, text_hashes = pattern_hashes(kb)
    last, refused = _last_run(folder, manifest, kb_dir)
    seen = _ids(last.get("trained_incidents")) | _ids(last.get("held_out_incidents"))
    if isinstance(last.get("pattern_text_hashes"), dict):
        moved, base = changed_share(last["pattern_text_hashes"], text_hashes)
        new = len({i.id for i in linked_incidents(kb)} - seen)
    else:  # recorded before incidents were hashed apart: they count in the patterns they changed
        (moved, base), new = changed_share(last["pattern_hashes"], hashes), 0
    date = last.get("date")  # informational: a date that is not text is left out, not a traceback
    if moved > RETUNE_SHARE * max(base, 1) or new > RETUNE_SHARE * max(len(seen), INCIDENT_FLOOR):
        what = [f"{moved} of {base} patterns were added, changed or removed"] if moved else []
        what += [f"{plural(new, 'incident')} linked"] if new else []
        when = f"{date[:10] if isinstance(date, str) and date else '?'}{', refused' if refused else ''}"
        return (
            f"note: {' and '.join(what)} since the model was tuned ({when}): a re-tune is worthwhile (run: recur tune)"
        )
    return None
