"""A pattern object read without the search engine, for `recur show ID`: no model, numpy or bm25s loaded, no
index built or updated (it opened the whole Engine to print one pattern: 1-3 s, and a first run built the index).

Read from the index's ``docs.json`` while the index is up to date with the KB's files (``index.is_fresh``, the
test every command makes): then it is the object GET /api/patterns/{id} and MCP's get_pattern give, look-alikes
and all. Else (no index, one out of date, damaged, of another format) from the KB's files, as the loader reads
them and the index would hold them (``index.pattern_doc``): an author who just edited a pattern sees it edited.
Its look-alikes by meaning need the model's vectors, so they are those of the index as last built (none without
one), each with its title, ``by`` and ``co_incidents`` as the KB has them now, and the patterns the same
incidents link; ``Read.notes`` says so on stderr.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from recur.retrieval import index as index_mod
from recur.retrieval.patterns import file_id, given_pattern_id, not_found, pattern_object, retired
from recur.util.errors import RecurError

TOP = 3  # look-alikes of each kind, as the index keeps them (index._add_look_alikes)


@dataclass
class Read:
    """``doc``: the pattern object; ``titles``: {id: title} of the patterns it names."""

    doc: dict
    titles: dict


def read_pattern(kb_dir, index_dir, given: str, tell) -> Read:
    """The pattern ``given`` names (``given_pattern_id``), from the index when it is fresh, else from the KB;
    an unknown or retired id is ``PatternNotFound`` (retrieval.patterns.not_found). ``tell(line)`` is told,
    before any such error, where it was read from and the pattern files left out for errors (one of them may
    be the one asked for)."""
    pattern_id = given_pattern_id(given)
    manifest = index_mod.read_manifest(Path(index_dir))
    has_kb = Path(kb_dir).is_dir()
    docs = _index_docs(Path(index_dir), manifest)
    if docs is not None and has_kb and index_mod.built_for_other_kb(manifest, kb_dir):
        docs = None  # another KB's: its look-alikes are that KB's patterns (another pattern of the same id, shown)
    if docs is not None and not has_kb:  # an index-only deployment, as Engine.open answers from it
        tell(index_mod.no_kb_said(kb_dir, index_dir, manifest))
        return _from_docs(docs, pattern_id, manifest, "the index", tell)
    if docs is not None and index_mod.is_fresh(index_dir, kb_dir, manifest):
        return _from_docs(docs, pattern_id, manifest, f"the knowledge base at {kb_dir}", tell, kb_dir)
    if not has_kb:
        _refuse_unread(kb_dir, index_dir, manifest)
    return _from_kb(kb_dir, index_dir, pattern_id, manifest, docs, tell)


def _from_docs(docs: dict, pattern_id: str, manifest: dict, where: str, tell, kb_dir=None) -> Read:
    _tell_left_out(manifest.get("left_out") or [], tell)
    if pattern_id not in docs:
        gone = retired(manifest)
        if kb_dir is not None and pattern_id in gone.paths:  # the index leaves it out: its file has it
            from recur.kb.loader import load_kb

            kb = load_kb(kb_dir)
            if (read := _retired_read(kb, pattern_id, docs)) is not None:
                return read
        if kb_dir is not None and pattern_id in gone.left_out:  # its first error, from the KB the index is of
            from recur.kb.loader import load_kb

            gone = replace(gone, left_out=left_out_errors(load_kb(kb_dir)))
        raise not_found(pattern_id, gone, docs, where, kb_dir)
    doc = pattern_object(docs, pattern_id)
    return Read(doc, {pid: docs[pid]["title"] for pid in _named(doc) if pid in docs})


def _index_docs(index_dir: Path, manifest: dict | None) -> dict | None:
    """The index's docs, as its build wrote them (the sha256 its manifest records, when it records one); None
    when there is no index of this format, or its docs cannot be read (a rebuild swapping it in meanwhile too)."""
    if not manifest or manifest.get("format") != index_mod.FORMAT:
        return None
    try:
        data = (index_dir / "docs.json").read_bytes()
    except OSError:
        return None
    want = (manifest.get("digests") or {}).get("docs.json") if isinstance(manifest.get("digests"), dict) else None
    if want is not None and hashlib.sha256(data).hexdigest() != want:
        return None
    try:
        docs = json.loads(data)
    except ValueError:
        return None
    return index_mod.with_severity_names(docs, manifest.get("kb")) if index_mod.docs_shaped(docs) else None


def _refuse_unread(kb_dir, index_dir, manifest: dict | None) -> None:
    """An index-only deployment whose index this recur cannot read: the reason and what to do, in the words
    `recur suggest` and `recur serve` give. `recur show` said only "knowledge base folder not found ... (pass
    --kb DIR or set RECUR_KB)" of a format-7 index, hiding that the index was there but skipped (found in a
    re-read after format 7 -> 8). Without a manifest there is no index to speak of, unless it is damaged."""
    if manifest is None:
        index_mod.refuse_damaged_manifest(index_dir)
        return
    index_mod.refuse_other_format(manifest, index_dir, index_mod.no_kb(kb_dir))
    raise RecurError(  # this format, its docs.json not as its build wrote it (damaged, or mid-swap)
        f"the index at {index_dir} cannot be read ({_why_unused(kb_dir, index_dir, manifest)}), and "
        f"{index_mod.no_kb(kb_dir, 'read the pattern from')}: restore the index, "
        f"or rebuild it where the knowledge base is: {index_mod.rebuild_command(index_dir, True)}"
    )


def _from_kb(kb_dir, index_dir, pattern_id: str, manifest: dict | None, built: dict | None, tell) -> Read:
    """The pattern as the KB's files have it; ``manifest``: the index's, if any; ``built``: its docs, when it
    has readable ones (its look-alikes by meaning)."""
    from recur.kb.loader import load_kb

    kb = load_kb(kb_dir)
    active = {p.id: p for p in kb.active_patterns()}
    _tell_left_out(index_mod.left_out_patterns(kb), tell)
    if pattern_id not in active and (read := _retired_read(kb, pattern_id, built)) is not None:
        return read
    if pattern_id not in active:
        gone = replace(retired(index_mod.retired_of(kb)), left_out=left_out_errors(kb))
        raise not_found(pattern_id, gone, active, f"the knowledge base at {kb_dir}", kb_dir)
    p = active[pattern_id]
    doc = {**index_mod.pattern_doc(p, kb), "look_alikes": _look_alikes(kb, p, active, built)}
    doc = json.loads(json.dumps(doc, ensure_ascii=False))  # as docs.json holds it: lists, not tuples
    if built is not None:
        why, shown = "the knowledge base changed since it was built", "its look-alikes are as last built"
    else:
        why, shown = _why_unused(kb_dir, index_dir, manifest), "its look-alikes by meaning are left out"
    tell(
        f"note: read from the knowledge base at {kb_dir}, not the index at {index_dir} ({why}): "
        f"{shown} (recur index brings them up to date)."
    )
    doc = pattern_object({pattern_id: doc}, pattern_id)
    return Read(doc, {pid: active[pid].title for pid in _named(doc) if pid in active})


def _retired_read(kb, pattern_id: str, built: dict | None) -> Read | None:
    """A retired pattern as its file has it, with ``superseded_by``: the patterns in use that replaced it (chains
    followed, as the site's "Retired: superseded by" links them; [] when none did). None when ``pattern_id`` is no
    retired pattern of ``kb``. The index leaves retired patterns out of search, and `recur show` of one exited 1:
    a maintainer or a responder following an old incident's link to it saw no pattern and no way on (found in a
    two-year-old KB). Its look-alikes are the patterns the same incidents link (the index has no vectors of it)."""
    p = kb.patterns.get(pattern_id)
    if p is None or p.status != "retired":
        return None
    active = {q.id: q for q in kb.active_patterns()}
    by = kb.successors(pattern_id)
    alike = _look_alikes(kb, p, {**active, p.id: p}, built)  # among the patterns in use: ``active`` has no ``p``
    doc = {**index_mod.pattern_doc(p, kb), "look_alikes": alike, "superseded_by": by}
    doc = pattern_object({pattern_id: json.loads(json.dumps(doc, ensure_ascii=False))}, pattern_id)
    return Read(doc, {pid: active[pid].title for pid in [*_named(doc), *by] if pid in active})


def _why_unused(kb_dir, index_dir, manifest: dict | None) -> str:
    """Why an index with no docs to use was not read, as index.py says it: `recur show` said "the knowledge base
    changed" of another KB's index, "there is none yet" of a damaged manifest.json, and "this recur cannot read
    it" of a docs.json not as its build wrote it (found in review)."""
    if manifest is None:
        damage = index_mod.manifest_damage(index_dir)
        return damage.replace(f"the index at {index_dir} has", "it has", 1) if damage else "there is none yet"
    other = index_mod.built_for_other_kb(manifest, kb_dir)
    if other:
        return f"it was built for the knowledge base at {other}; give each KB its own --index"
    if index_mod.newer_format(manifest) is not None:
        return f"it has format {manifest.get('format')}, written by a newer recur"
    if manifest.get("format") != index_mod.FORMAT:
        return f"it has format {manifest.get('format')}; this recur reads {index_mod.FORMAT}"
    return "it is damaged or being rebuilt"  # its docs.json is not what its build wrote


def kb_look_alikes(kb, p, active: dict) -> list[dict]:
    """``p``'s look-alikes from the KB alone (no index, no model): the patterns in use (``active``) that the same
    incidents link, as ``_look_alikes`` gives them (MCP's get_pattern while the model loads: served_kb.kb_indexed)."""
    return _look_alikes(kb, p, active, None)


def _look_alikes(kb, p, active: dict, built: dict | None) -> list[dict]:
    """``p``'s look-alikes as lookalikes.look_alikes gives them, from what the KB has without the model: the
    index's neighbours by meaning as last built (``built``), still in the KB, and the patterns that the same
    incidents link (the most such incidents first); titles, ``by`` and ``co_incidents`` as the KB has them now."""
    from recur.retrieval.lookalikes import distinction, shared_signals

    co = Counter(
        other
        for incident in kb.incidents_for(p.id)
        for other in dict.fromkeys(incident.patterns)
        if other != p.id and other in active
    )
    before = (built or {}).get(p.id, {}).get("look_alikes") or []
    similar = {a["id"]: a.get("similarity") for a in before if isinstance(a, dict) and a.get("id") in active}
    for other, _ in co.most_common(TOP):
        similar.setdefault(other, None)
    declared = {pid: {"distinguish": active[pid].distinguish} for pid in [p.id, *similar]}
    items = [
        {
            "id": o,
            "title": active[o].title,
            "similarity": s,
            "co_incidents": co.get(o, 0),
            "by": distinction(declared, p.id, o),
            "shared_signals": shared_signals(p.signals, active[o].signals),
        }
        for o, s in similar.items()
    ]
    items.sort(key=lambda x: (-x["co_incidents"], -(x["similarity"] or 0), x["id"]))
    return items


def _named(doc: dict) -> list[str]:
    """The pattern ids a pattern object names: its related patterns and look-alikes."""
    alike = [a["id"] for a in doc.get("look_alikes") or [] if isinstance(a, dict) and a.get("id")]
    return [*doc.get("related", []), *alike]


def left_out_said(bad: list) -> str | None:
    """The warning every answer from an index that left pattern files out gives (engine.warn_left_out says it)."""
    from recur.util.text import plural

    if not bad:
        return None
    shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    verb = "is" if len(bad) == 1 else "are"
    return f"warning: {plural(len(bad), 'pattern file')} with errors {verb} not searched: {shown} (run: recur check)"


def left_out_errors(kb) -> dict[str, tuple[str, str | None]]:
    """The pattern files the loader left out for errors, by the id their name gives: {id: (the file as `recur
    check` names it, its first error)}, for ``Retired.left_out``: `recur show disk-full` of a broken file said
    "no pattern with id 'disk-full'" (found in an operator's review)."""
    from recur.kb.check import left_out_problems

    out = {}
    for problem in left_out_problems(kb):
        rel = index_mod.kb_relative(Path(problem.path), kb.root)
        if rel is not None and rel.startswith("patterns/"):
            out.setdefault(file_id(rel), (problem.path, f"line {problem.line}: {problem.field}: {problem.message}"))
    return out


def _tell_left_out(bad: list, tell) -> None:
    if said := left_out_said(bad):
        tell(said)
