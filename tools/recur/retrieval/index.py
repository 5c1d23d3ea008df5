"""The search index: a folder with a manifest, built incrementally and swapped in atomically.

Layout of ``.recur/index/``::

    manifest.json   format, tool version, model id, dimension, counts, per-pattern content
                    hashes, and the stamp of every KB file (util.stamp: size, mtime, ctime,
                    inode; a cheap freshness test), with a digest of their contents
                    (``kb_content``: the test when only times differ, a checkout copied with
                    ``cp -r``), one of each file's (``kb_file_digests``: which files of such a
                    copy changed) and the KB folder it was built for (``kb``)
    vectors.npy     one L2-normalised float32 row per view (title, each symptom, ...)
    views.json      for each row: the pattern id, the view kind and its text
    docs.json       what a result shows (title, runbook, evidence, ...), so a cold
                    ``recur suggest`` does not parse the KB again
    bm25/           the lexical index (bm25s)
    vocab.json      every word the KB uses, to focus long prose queries (see search.py)

The manifest is written last and records the sha256 of every other file (``digests``), checked by
``load``: an index copied half (an rsync still running, a file cut short, the new manifest beside
the old vectors) is refused, never searched. An index written before there were digests loads as before.

A pattern is re-embedded only when the text of its views or the model changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from recur import __version__
from recur.util.dates import iso_day
from recur.util.errors import Busy, RecurError
from recur.util.files import (
    check_swappable,
    editing,
    file_sha256,
    folder_options,
    process_gone,
    remove_work,
    swap_folder,
    work_folder,
    writing,
)
from recur.util.text import compatible, escape_controls, kb_words, plain, tokens, words

LOG = logging.getLogger(__name__)  # what it says while it works: engine.py's LOG says how it is read

if TYPE_CHECKING:  # annotations only: a cold `recur suggest` reads docs.json and never parses the KB
    import numpy as np  # imported where vectors are made or read: `recur show` reads the manifest and docs alone

    from recur.kb.records import KB, Pattern

# 3: docs carry root_cause, detection, permanent_fix and look_alikes (issue 17); 4: and import_draft;
# 5: and references and the author's own sections (``sections``), as the pattern's page shows them;
# 6: the KB's text without its HTML comments (kb.parse.without_comments: docs, views and BM25) and BM25
# without hex values' fragments (util.text.HEX_RUN), a hex code of up to 32 bits one word (HEX_CODE). A format-5
# index holds both (suggest printed "1. Run <!-- check this --> the command"), and nothing else told it apart: it
# was fresh until a KB file changed.
# 7: BM25 and vocab.json by Unicode letters (util.text.words): "Zeitüberschreitung" one word, not "zeit" and
# "berschreitung"; a CJK run as its two-character pieces, where format 6 held none of it; an Indic or Thai word
# whole with its vowel signs (util.text.MARKS: "डिस्क", which was "ड", "स", "क"; unreleased, so still format 7).
# The views and their vectors are as format 6 made them.
# 8: a pattern's ``summary`` in docs.json keeps a fenced code block's lines (patterns.summary_text, as an incident's):
# format 7 stored it flattened, a pasted log's entries run together, and stayed "up to date" with the KB. The views,
# BM25 and vectors are as format 7 made them (its views still embed the summary on one line).
# 9: a pattern's ``incidents`` in docs.json hold those of the retired patterns it replaced (``under`` their id,
# KB.inherited_incidents): format 8 held its own id's alone, and stayed "up to date" with the KB. The views, BM25
# and vectors are as format 8 made them (its own incidents' texts alone: the ranking is unchanged).
# 10: BM25 and vocab.json read a possessive's "'s" as the word alone (util.text._POSSESSIVE): format 9 held "rediss"
# beside "redis" for "redis's", and "cluster" twice for "cluster's". The views and vectors are as format 9 made them.
# 11: the views (and so their vectors) and the BM25 text in Unicode's compatibility forms (NFKC, util.text.compatible),
# as a question is searched: format 10 embedded a full-width "ｋｕｂｅｌｅｔ", a ligature's "ﬁle" or circled digits as
# written, and a plain-typed question missed them. A view's text NFKC is its text for a KB without such characters:
# its content hash is unchanged and its vectors are reused; a pattern with one is embedded again, the others not.
FORMAT = 11
# Formats whose vectors an update reuses, a pattern at a time and only where its views' texts are unchanged:
# ``_reusable`` keys the old vectors by the content hash of the pattern's view texts (``content_hash``), so a
# pattern whose summary lost a comment is embedded again, and the others keep their vectors.
VECTORS_FROM = (2, 3, 4, 5, 6, 7, 8, 9, 10, FORMAT)
MAX_VIEW_CHARS = 1200
# Texts per forward pass when indexing. sentence-transformers sorts texts by length first, so a
# batch pads little; 128 rather than 64 halves the thread barriers, which is what a busy machine
# waits on (3,000 view texts: 5.2 s either way on idle cores; 4,000 with another job holding a
# core and OpenMP spinning: 36 s against 58 s).
ENCODE_BATCH = 128


def kb_signature(kb_root: Path) -> dict:
    """The KB's files as an index records them (kb.loader.files_signature): a stat walk, no reading."""
    from recur.kb.loader import files_signature

    return files_signature(Path(kb_root))


def _kb_files(kb: KB) -> tuple[dict, str, dict]:
    """The KB's files as the manifest records them: their signature (util.stamp: size, times, inode, for `recur index`
    and /healthz ``stale``), the digest of their contents (for ``site_stale``, and a copied checkout's
    freshness) and of each file's (which of a copied checkout's files changed), as the KB was read: from the
    bytes load_kb read for its records, none read again (a KB made otherwise is read here, once)."""
    from recur.kb.loader import content_digest, file_digests, signed_contents

    if kb.signature is not None and kb.content is not None and kb.file_digests is not None:
        return kb.signature, kb.content, kb.file_digests
    files = kb.signature if kb.signature is not None else kb_signature(kb.root)
    contents = signed_contents(Path(kb.root), files)
    return files, content_digest(Path(kb.root), files, contents), file_digests(files, contents)


def pattern_views(p: Pattern, kb: KB) -> list[tuple[str, str]]:
    """The texts embedded for one pattern, each a separate vector (kind, text), in Unicode's compatibility forms
    (util.text.compatible, NFKC) as a question is searched (query.Prepared.searched): a pattern pasted with
    full-width letters ("ｋｕｂｅｌｅｔ"), a ligature ("ﬁle") or circled digits was embedded as written, far from the
    plain words a responder types (cosine 0.05 for a full-width symptom; format 11). The content hash is of these."""
    return [(kind, compatible(text)) for kind, text in written_views(p, kb)]


def written_views(p: Pattern, kb: KB) -> list[tuple[str, str]]:
    """``pattern_views`` as the author wrote them, row for row: the texts views.json keeps, which a result's why
    quotes (found in a re-read: NFKC quoted a Japanese title's "ﾀｲﾑｱｳﾄ（本番）！" as "タイムアウト(本番)!")."""
    summary, cause = plain(p.summary), plain(p.root_cause)
    symptoms = "; ".join(p.symptoms)
    views = [("doc", f"{p.title}. {symptoms}. {summary} {cause}"[:MAX_VIEW_CHARS]), ("title", p.title)]
    views += [("symptom", s) for s in p.symptoms]
    views += [("signal", s) for s in p.signals]
    if summary:
        views.append(("summary", summary[:MAX_VIEW_CHARS]))
    if cause:
        views.append(("cause", cause[:MAX_VIEW_CHARS]))
    views += [("incident", inc.text[:MAX_VIEW_CHARS]) for inc in kb.incidents_for(p.id)]
    return [(k, t) for k, t in views if t.strip()]


def lexical_text(p: Pattern, kb: KB) -> str:
    """Fielded text for BM25: fields a responder's words are likely to hit are repeated. NFKC, as a question
    (``pattern_views``): util.text.words reads both so, but a hex code was read before it, and a full-width
    "０ｘ８０００４００５" was BM25's "0x" where the question's is "0x80004005" (format 11)."""
    incidents = " ".join(i.text for i in kb.incidents_for(p.id))
    parts = [p.title] * 3 + p.symptoms * 2 + p.signals * 2 + p.tags * 2 + p.services
    parts += [plain(p.summary), plain(p.root_cause), plain(p.detection), incidents]
    return compatible(" ".join(parts))


def pattern_doc(p: Pattern, kb: KB) -> dict:
    """What a suggestion shows about a pattern (JSON-safe)."""
    from recur.kb.schema import PLACED_SECTIONS  # here: a cold `recur suggest` never imports the KB's parser
    from recur.retrieval.patterns import summary_text

    fix = None
    if p.fix:
        fix = {
            "status": p.fix.status,
            "owner": p.fix.owner,
            "due": iso_day(p.fix.due),
            "done": iso_day(p.fix.done),
            "tickets": p.fix.tickets,
        }
    incidents = kb.incidents_for(p.id)
    inherited = kb.inherited_incidents(p.id)
    return {
        "id": p.id,
        "title": p.title,
        "category": p.category,
        "severity": p.severity,
        # its level's name in severity.yml ("Major"), which every surface shows with the key ("sev2 · Major"); None
        # for a key the file does not name
        "severity_name": level.name if (level := kb.severity.get(p.severity)) else None,
        "status": p.status,
        "import_draft": p.import_draft,  # ranked as unreviewed (search.IMPORT_DRAFT)
        "symptoms": p.symptoms,
        "signals": p.signals,
        "tags": p.tags,
        "services": p.services,
        "owner": p.owner,
        "fix": fix,
        "related": p.related,
        "distinguish": p.distinguish,
        "summary": summary_text(p.summary),  # a fenced block's lines kept, as an incident's (format 8)
        "runbook": p.runbook,
        "evidence": p.evidence,
        "path": p.relpath,
        "root_cause": p.root_cause.strip(),
        "detection": p.detection.strip(),
        "permanent_fix": p.permanent_fix.strip(),
        "references": p.sections.get("References", "").strip(),
        # a team's own sections ("## Dashboards", "## Escalation"), in file order: on the page, and
        # missing from the API and MCP until found in review
        "sections": {k: v.strip() for k, v in p.sections.items() if k not in PLACED_SECTIONS and v.strip()},
        # with the incidents of the retired patterns it replaced, each marked "under" that id: its "seen
        # before" counted its own id's alone (found ageing a KB)
        "incidents": sorted(
            [{"id": i.id, "date": i.date.isoformat(), "title": i.title} for i in incidents]
            + [{"id": i.id, "date": i.date.isoformat(), "title": i.title, "under": old} for i, old in inherited],
            key=lambda i: i["date"],
        ),
    }


def content_hash(model_id: str, views: list) -> str:
    return hashlib.sha256(json.dumps([model_id, views], ensure_ascii=False).encode()).hexdigest()[:24]


@dataclass
class BuildStats:
    patterns: int = 0
    embedded: int = 0
    reused: int = 0
    removed: int = 0
    model_changed: bool = False
    left_out: list = field(default_factory=list)  # pattern files with errors, not indexed (the manifest's)
    notes: list = field(default_factory=list)


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest, or None when there is none that could be one: not JSON, not an object, or
    ``hashes`` (what an update reuses vectors by) not a table of ids to hashes."""
    index_dir = _recover(Path(index_dir))
    try:
        manifest = json.loads((index_dir / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):  # valid JSON, not a manifest: no index
        return None
    hashes = manifest.get("hashes", {})
    if not (isinstance(hashes, dict) and all(isinstance(h, str) for h in hashes.values())):
        return None
    return manifest


def manifest_for(index_dir, model_id: str) -> dict | None:
    """``read_manifest`` for a run that searches with ``model_id``, after ``finish_activation`` when the index is
    not that model's: what every reader that knows its model reads, so none meets a half-done activation."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if manifest is not None and manifest.get("model") == model_id:
        return manifest
    if _activation_left(index_dir):
        # one reader at a time ends it (a server's threads, commands started together): the others wait, then
        # read the index it put in place. Read between another's claim and its swap, the old one was read
        def waiting() -> None:  # the wait said: a holder stopped (Ctrl-Z) held every reader 30 s, saying nothing
            LOG.info("waiting for another command putting in place the index at %s (at most 30 s)", index_dir)

        with (
            contextlib.suppress(Busy),
            # lockless_ok: on Linux NFS the folder cannot be locked (EBADF); the rename that claims the staged
            # index still lets one reader alone put it in place, the others then read it (finish_activation)
            editing(index_dir.parent, f"{index_dir}: a half-done activation", on_wait=waiting, lockless_ok=True),
        ):
            finish_activation(index_dir, model_id)
    return read_manifest(index_dir)  # again either way: another reader may have ended it since the first read


def _activation_left(index_dir: Path) -> list[Path]:
    """The staged indexes beside ``index_dir``: an activation's (``INDEX.tmp-tuned-<pid>``) and one a reader had
    claimed to put in place (``INDEX.tmp-finished-<pid>``), in case that reader was killed too."""
    name = glob.escape(index_dir.name)
    return sorted(p for kind in ("tuned", "finished") for p in index_dir.parent.glob(f"{name}.tmp-{kind}-*"))


def staged_for_activation(index_dir) -> Path:
    """Where `recur tune` (and `--rollback`) builds the index of the model it puts in place, beside ``index_dir``
    (on its file system, so the swap is a rename there): ``INDEX.tmp-tuned-<pid>``, made whole before the model
    and the index are swapped in, one after the other (``finish_activation`` ends what a kill between the two
    left)."""
    index_dir = Path(index_dir)
    return index_dir.with_name(f"{index_dir.name}.tmp-tuned-{os.getpid()}")


def finish_activation(index_dir, model_id: str) -> bool:
    """Put in place the index built with ``model_id`` that an activation killed between its two swaps (`recur
    tune`, `--rollback`: the model swapped in, its index not yet; kill -9, a power cut) left beside ``index_dir``:
    its writer's process gone, whole (every file's digest) and of this format. The reader who knows the model is
    ``model_id`` ends the activation; without this, the model stood beside the previous index, refused by every
    search until `recur index` re-embedded the KB. A staged index is claimed by a rename, so two readers at once
    put it in place once (``manifest_for`` makes them wait on one another). True when one was put in place; False
    when none fits, or it cannot be (a read-only folder: the model's mismatch is said as before)."""
    index_dir = Path(index_dir)
    for staged in _activation_left(index_dir):
        if not (process_gone(staged.name.rsplit("-", 1)[1]) and _whole_index_of(staged, model_id)):
            continue
        claimed = index_dir.with_name(f"{index_dir.name}.tmp-finished-{os.getpid()}")
        try:
            shutil.rmtree(claimed, ignore_errors=True)
            os.rename(staged, claimed)  # another reader took it first: FileNotFoundError
            swap_folder(claimed, index_dir)
        except OSError:
            with contextlib.suppress(OSError):
                os.rename(claimed, staged)  # left as found, for a reader that can write here
            continue
        LOG.info(
            "note: the index at %s is now the one built with %s, the model in use: an activation (recur tune, or "
            "--rollback) was stopped between putting the model in place and its index",
            index_dir,
            model_id,
        )
        return True
    return False


def _whole_index_of(folder: Path, model_id: str) -> bool:
    """Whether ``folder`` holds a whole index of this format built with ``model_id``: its manifest, recording
    digests, and every file it records with those bytes."""
    manifest = read_manifest(folder)
    if not manifest or manifest.get("model") != model_id or manifest.get("format") != FORMAT:
        return False
    if not manifest.get("digests"):
        return False
    try:
        _check_digests(folder, manifest)
    except RecurError:
        return False
    return True


def manifest_damage(index_dir) -> str | None:
    """Why the index's manifest.json, which is there, cannot be read ("the index at X has a
    manifest.json that cannot be read: ..."); None when it reads, or when there is none."""
    path = _recover(Path(index_dir)) / "manifest.json"
    if not path.exists() or read_manifest(Path(index_dir)) is not None:
        return None
    try:
        json.loads(path.read_text())
        why = "it is not an index manifest"
    except (OSError, ValueError) as exc:
        why = str(exc)
    return f"the index at {index_dir} has a manifest.json that cannot be read: {why}"


def refuse_damaged_manifest(index_dir) -> None:
    """For an index-only deployment (no KB folder to build from): a RecurError when the index's manifest.json
    is there but cannot be read, saying how to mend it."""
    damage = manifest_damage(index_dir)
    if damage:
        raise RecurError(f"{damage} (restore it, or rebuild it with: {rebuild_command(index_dir, True)})")


def _recover(index_dir: Path) -> Path:
    """If a swap was interrupted between its two renames, the previous index is at .old."""
    old = index_dir.with_name(index_dir.name + ".old")
    if not index_dir.exists() and old.is_dir():
        try:
            os.rename(old, index_dir)
        except OSError:
            return old
    return index_dir


def left_out_patterns(kb: KB) -> list[str]:
    """Pattern files with errors, so not in the index (KB-relative): `recur index` warned of them
    once, and then a typo took a pattern out of every answer with nothing said where people look;
    the manifest keeps them for `recur suggest` and /healthz to name."""
    from recur.kb.check import left_out

    out = []
    for shown in left_out(kb):
        rel = kb_relative(Path(shown), kb.root)
        if rel is not None and rel.startswith("patterns/"):
            out.append(rel)
    return sorted(out)


def kb_relative(path: Path, root: Path) -> str | None:
    """``path`` relative to the KB folder ``root``: by where links lead, else by the path as written (a
    pattern file that is a link to outside the KB, dangling or not, is in the KB where it stands: it was
    dropped, and `recur index --strict` built without it, found in an operator's review)."""
    for where, folder in ((path.resolve(), root.resolve()), (Path(os.path.abspath(path)), Path(os.path.abspath(root)))):
        try:
            return where.relative_to(folder).as_posix()
        except ValueError:
            continue
    return None


@kb_words()  # a KB's words: kept for the process (util.text), not in the questions' small cache
def build(kb: KB, index_dir, encoder, progress=None, reuse_vectors: bool = True) -> BuildStats:
    """Build or update the index for ``kb`` with ``encoder``; atomic and incremental.

    ``encoder`` may be lazy (``embed.LazyEncoder``): its vectors, dimension and precision are only
    asked for when some pattern's views changed, so an update that re-embeds nothing (a runbook
    edit, a new incident field) never loads the model. ``reuse_vectors=False`` (a rebuild) embeds
    every pattern again; the previous index stays in place, and in use, until the new one replaces it.
    ``progress``: a bar on stderr (True; None: on a terminal), or ``tell(done, total)`` of the texts encoded."""
    index_dir = _recover(Path(index_dir))
    stats = BuildStats()
    old = read_manifest(index_dir)
    reuse = _reusable(old, index_dir, encoder, stats) if reuse_vectors else {}
    patterns = sorted(kb.active_patterns(), key=lambda p: p.id)
    per_pattern = []
    for p in patterns:
        views = pattern_views(p, kb)
        per_pattern.append((p, views, content_hash(encoder.model_id, views)))
    hashes = {p.id: h for p, _, h in per_pattern}
    stats.patterns = len(patterns)
    vectors = _vectors(per_pattern, reuse, encoder, progress, stats)
    dim, precision = _dimension_and_precision(encoder, old, stats)
    # as written, which a why quotes; the vectors are of their NFKC forms (pattern_views)
    all_views = [{"pattern": p.id, "kind": k, "text": t} for p, _, _ in per_pattern for k, t in written_views(p, kb)]
    if old:
        stats.removed = len(set(old.get("hashes", {})) - set(hashes))

    import bm25s  # lexical index; light (numpy/scipy)

    retriever = bm25s.BM25()
    lexical = [lexical_text(p, kb) for p, _, _ in per_pattern]
    corpus = [tokens(text) or ["<empty>"] for text in lexical]
    stats.left_out = left_out_patterns(kb)
    files, content, per_file = _kb_files(kb)
    manifest = {
        "format": FORMAT,
        "tool_version": __version__,
        "model": encoder.model_id,
        "dimension": dim,
        "precision": precision,
        "count": len(patterns),
        "views": len(all_views),
        "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "kb": str(kb.root.resolve()),
        "hashes": hashes,
        "files": files,
        "kb_content": content,  # what a site records too: recur serve compares them (site_stale)
        "kb_file_digests": per_file,  # which files changed, where only times tell files apart (changed_files)
        "ids": [p.id for p, _, _ in per_pattern],
        "left_out": stats.left_out,
        **retired_of(kb),
        "build_id": os.urandom(8).hex(),
    }
    docs = {p.id: pattern_doc(p, kb) for p, _, _ in per_pattern}
    _add_look_alikes(docs, vectors, all_views)
    vocab = set()
    for (_, views, _), text in zip(per_pattern, lexical):
        vocab.update(words(" ".join(t for _, t in views) + " " + text))
    with writing(index_dir, "the index"):
        _write_atomically(index_dir, manifest, vectors, all_views, docs, retriever, corpus, vocab)
    return stats


def retired_of(kb: KB) -> dict:
    """The manifest's ``retired`` ({id: KB path}) and ``superseded_by`` ({id: the patterns in use that
    superseded it, KB.successors}). Left out on purpose, unlike left_out: GET /api/patterns/<id> and MCP's
    get_pattern say a retired id is retired (retrieval.patterns.retired), and what replaced it, instead of
    "no pattern with id ... in the index"."""
    gone = sorted(p.id for p in kb.patterns.values() if p.status == "retired")
    return {
        "retired": {pid: kb.patterns[pid].relpath for pid in gone},
        "superseded_by": {pid: found for pid in gone if (found := kb.successors(pid))},
    }


def _dimension_and_precision(encoder, old: dict | None, stats: BuildStats) -> tuple[int, str]:
    """What the manifest records of the encoder. When nothing was embedded, every vector came from
    the previous index of the same model: its manifest already knows, and a lazy encoder stays unloaded."""
    if not stats.embedded and old and old.get("model") == encoder.model_id and old.get("dimension"):
        return int(old["dimension"]), str(old.get("precision", "fp32"))
    return int(encoder.dim), getattr(encoder, "precision", "fp32")


def _add_look_alikes(docs: dict, vectors: np.ndarray, views: list) -> None:
    """Each doc's ``look_alikes`` (index neighbours and co-matched patterns, with what tells them
    apart), so every surface that shows a pattern (API, MCP, site) shows the same ones."""
    from types import SimpleNamespace

    from recur.retrieval.lookalikes import look_alikes

    table = look_alikes(SimpleNamespace(docs=docs, vectors=vectors, views=views), top=3)
    for pid, doc in docs.items():
        doc["look_alikes"] = table.get(pid, [])


def _reusable(old: dict | None, index_dir: Path, encoder, stats: BuildStats) -> dict:
    """{content hash: that pattern's view vectors} from the previous index, when the same model built it."""
    if old and old.get("format") in VECTORS_FROM and old.get("model") == encoder.model_id:
        try:  # checked as a search checks it: a damaged previous index is only a cache to skip
            # its digests too: a copy cut short (a manifest of one build beside the vectors and views of another,
            # same shapes) gave the other build's vectors under this one's hashes, written into a whole index
            _check_digests(index_dir, old)
            old_vecs, old_views = load_vectors(index_dir, old)
        except RecurError:
            return {}
        rows: dict = {}
        for row, view in enumerate(old_views):
            rows.setdefault(view["pattern"], []).append(row)
        return {h: old_vecs[rows[pid]] for pid, h in old.get("hashes", {}).items() if pid in rows}
    if old and old.get("model") != encoder.model_id:
        stats.model_changed = True
        stats.notes.append(f"model changed from {old.get('model')} to {encoder.model_id}: re-embedding every pattern")
    return {}


def _vectors(per_pattern: list, reuse: dict, encoder, progress, stats: BuildStats) -> np.ndarray:
    """Every view's vector, in view order: reused when the pattern's content hash is unchanged,
    else embedded (all new texts in one batch, each distinct text once)."""

    import numpy as np

    def reusable(h, views):
        return h in reuse and len(reuse[h]) == len(views)

    todo = [t for _, views, h in per_pattern if not reusable(h, views) for _, t in views]
    fresh = _embed_distinct(todo, encoder, progress) if todo else None
    chunks, cursor = [], 0
    for _, views, h in per_pattern:
        if reusable(h, views):
            chunks.append(reuse[h])
            stats.reused += 1
        else:
            chunks.append(fresh[cursor : cursor + len(views)])
            cursor += len(views)
            stats.embedded += 1
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros((0, encoder.dim), np.float32)


def _embed_distinct(texts: list[str], encoder, progress) -> np.ndarray:
    """``texts``' vectors, encoding each distinct text once: titles, summaries and symptoms repeat
    across views and patterns (a quarter of the views of a synthetic 1,000-pattern KB)."""
    distinct = list(dict.fromkeys(texts))
    encoder.expect(len(distinct))  # all of them, though a server's first build encodes a batch at a time
    if callable(progress):  # a server's first build: told how far it is (its /healthz says so), no bar
        vecs = _encode_telling(distinct, encoder, progress)
    else:
        show = sys.stderr.isatty() if progress is None else progress
        vecs = encoder.encode(distinct, batch_size=ENCODE_BATCH, progress=show and len(distinct) > 200)
    row = {text: i for i, text in enumerate(distinct)}
    return vecs[[row[t] for t in texts]]


def _encode_telling(texts: list[str], encoder, tell) -> np.ndarray:
    """``texts``' vectors, encoded a batch at a time with ``tell(done, total)`` before each and after
    the last (four batches a step took ~50 s on a busy 2-core box with the bundled model: too coarse).
    Shortest first, as the encoder's own encode() orders a call's texts: a batch is padded to its
    longest text, and in the KB's order a batch of titles and symptoms was padded to a runbook's
    length (a server's first build of the starter KB took 47 s of CPU where `recur index` took 12).
    Grouped otherwise, a vector changes by rounding only."""
    import numpy as np

    step = ENCODE_BATCH
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    parts = []
    for start in range(0, len(texts), step):
        tell(start, len(texts))
        parts.append(encoder.encode([texts[i] for i in order[start : start + step]], batch_size=ENCODE_BATCH))
    tell(len(texts), len(texts))
    if not parts:
        return np.zeros((0, encoder.dim), np.float32)
    vecs = np.empty((len(texts), parts[0].shape[1]), np.float32)
    vecs[order] = np.concatenate(parts)
    return vecs


def _write_atomically(index_dir: Path, manifest, vectors, views, docs, retriever, corpus, vocab) -> None:
    import numpy as np

    tmp = work_folder(index_dir)
    try:
        np.save(tmp / "vectors.npy", vectors)
        (tmp / "views.json").write_text(json.dumps(views, ensure_ascii=False))
        (tmp / "docs.json").write_text(json.dumps(docs, ensure_ascii=False))
        (tmp / "vocab.json").write_text(json.dumps(sorted(vocab)))
        if corpus:
            retriever.index(corpus, show_progress=False)
            retriever.save(str(tmp / "bm25"))
        manifest = {**manifest, "digests": file_digests(tmp)}  # of the files as written, just before the manifest
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        swap_folder(tmp, index_dir)  # where it takes two renames, an interrupted one leaves .old: _recover
    except BaseException:
        remove_work(tmp)  # whole, a second Ctrl-C raised after it
        _recover(index_dir)
        raise
    remove_work(tmp)  # the previous index, where swapped with it; and the folder's lock let go of


def file_digests(folder: Path) -> dict[str, str]:
    """{path in the index folder (posix): sha256} of every file of a built index but its manifest. Files
    are hashed a block at a time (``file_sha256``), never read whole for it. Measured on a synthetic
    10,000-pattern KB with 10,000 incidents (187 MB, 150 MB of it vectors.npy, in the page cache): the
    check takes 0.15 s of a 0.7 s load."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    return {p.relative_to(folder).as_posix(): file_sha256(p) for p in files}


def _check_digests(index_dir: Path, manifest: dict) -> None:
    """Every file the manifest records a digest of is there with those bytes. A copy of an index still
    in progress, or cut short, put files of two builds side by side, or a truncated one: "inconsistent"
    when the shapes disagreed, and searched as if whole when they happened to agree."""
    digests = manifest.get("digests")
    if digests is None:  # written before recur recorded digests: loaded as before
        return
    if not (isinstance(digests, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in digests.items())):
        raise _inconsistent(index_dir)
    for name, expected in sorted(digests.items()):
        if Path(name).is_absolute() or ".." in Path(name).parts:  # not a file of this folder
            raise _inconsistent(index_dir)
        try:
            found = file_sha256(index_dir / name)
        except FileNotFoundError:
            folder = Path(name).parts[0]
            gone = len(Path(name).parts) > 1 and not (index_dir / folder).is_dir()
            raise _incomplete(index_dir, f"its {folder}/ folder is missing" if gone else f"{name} is missing") from None
        except OSError as exc:
            raise _damaged(index_dir, f"{name}: {exc.strerror or exc}") from None
        if found != expected:
            raise _incomplete(index_dir, f"{name} is not the file it was built with: its sha256 differs")


def _incomplete(index_dir: Path, why: str) -> RecurError:
    return IndexProblem(
        index_dir,
        f"the index at {index_dir} is damaged or incomplete ({why}; a copy of it still running, or cut short?)",
        how="finish the copy, or rebuild it with",
    )


def is_fresh(index_dir, kb_root, manifest: dict | None = None) -> bool:
    """Does the index match the KB's files? By their stamps (util.stamp: sizes, times, inodes; a stat walk), else
    by their contents (``same_files``: a copy of the checkout, `cp -r` or a fresh clone, has the same files with
    new times).
    Pass ``manifest`` when it was just read."""
    m = manifest if manifest is not None else read_manifest(Path(index_dir))
    if not m or m.get("format") != FORMAT:
        return False
    now = kb_signature(Path(kb_root))
    return m.get("files") == now or same_files(m, kb_root, now)


def changed_files(manifest: dict, kb_root, now: dict | None = None) -> list[str]:
    """The KB's files (KB-relative) added, removed or changed since the index was built: a stat walk, and
    of the files whose size is the same and time is not, their contents compared with the digest the
    manifest records of each (``kb_file_digests``): a copied checkout, served where its manifest cannot be
    rewritten, was "stale" in every file, and once one was edited there named all of them (found in
    review). A manifest of an earlier Recur records no such digests: none named when only times changed
    (``same_files``), else every file whose size or time differs. ``now``: the KB's signature, when just taken."""
    built, now = manifest.get("files") or {}, kb_signature(Path(kb_root)) if now is None else now
    differ = sorted(name for name in built.keys() | now.keys() if built.get(name) != now.get(name))
    recorded = _file_digests_of(manifest)
    if recorded is None:
        return [] if differ and same_files(manifest, kb_root, now) else differ
    return [name for name in differ if not _same_file(recorded, built, now, kb_root, name)]


def kb_changes(manifest: dict, kb_root, now: dict | None = None) -> list[str] | None:
    """The KB's files changed since the index was built (``changed_files``), or None when there is no KB folder to
    compare with (an index-only deployment, a KB gone): the one rule `recur serve`'s /healthz ``stale`` and the MCP
    tools' ``stale`` follow. Incident records count: the index holds them too (get_pattern's incidents, suggest's
    "seen before"). Without a folder, changed_files names every file the index records as removed, and MCP marked
    every answer of an index-only deployment stale (found in review). An OSError (the folder gone mid-walk) is the
    caller's to say. ``now``: the KB's signature (``kb_signature``), when the caller took it."""
    if kb_root is None or not Path(kb_root).is_dir():
        return None
    return changed_files(manifest, kb_root, now)


def shown_files(names: list, most: int = 5) -> str:
    """``names`` as a message lists them: the first ``most``, then how many more. Each name's control characters
    are escaped: a file named "x\nerror: ..." (from a pull) said a log line of its own in the server's log, and an
    escape sequence reached the terminal (found in a security review)."""
    shown = [escape_controls(name, keep="") for name in names[:most]]
    return ", ".join(shown) + (f" and {len(names) - most} more" if len(names) > most else "")


def _file_digests_of(manifest: dict) -> dict | None:
    """The manifest's digest of each KB file ({name: loader.file_digest}), for the files it records; None when
    it has none that can be used (an index of an earlier Recur)."""
    recorded, built = manifest.get("kb_file_digests"), manifest.get("files")
    if not isinstance(recorded, dict) or not isinstance(built, dict) or recorded.keys() != built.keys():
        return None
    return recorded if all(isinstance(d, str) for d in recorded.values()) else None


def _same_file(recorded: dict, built: dict, now: dict, kb_root, name: str) -> bool:
    """Whether the KB file ``name``, there when the index was built and now, has the contents it had
    (``loader.same_contents``, the digest now kept per stamp by ``_digest_now``)."""
    from recur.kb.loader import same_contents

    was = built.get(name)
    return isinstance(was, list) and same_contents(kb_root, name, was, now.get(name), recorded.get(name), _digest_now)


# (KB folder, {name: (its stamp, util.stamp, the digest of its bytes)}) of the files last read to compare by
# content: a server looks at its KB every few seconds (serve.runtime.check_stale), and a file is read again
# only once its size or time changes
_digested: tuple = (None, {})


def _digest_now(root: Path, name: str, stat_of: list) -> str:
    """``loader.file_digest`` of the KB file ``name`` as it is now (``stat_of``: its stamp in the stat walk
    just taken, util.stamp), read as the loader reads it (``signed_contents``), once per stamp."""
    global _digested
    from recur.kb.loader import file_digest, signed_contents

    root = root.resolve()
    folder, seen = _digested
    if folder != root:
        seen = {}
        _digested = (root, seen)
    key = tuple(stat_of)
    if name in seen and seen[name][0] == key:
        return seen[name][1]
    digest = file_digest(signed_contents(root, {name: stat_of}).get(name, b""))
    seen[name] = (key, digest)
    return digest


# (KB folder, its files' signature, the digest of their contents) of the last KB compared by content: a
# server looks at its KB every few seconds (serve.runtime.check_stale) and its start-up up to three times;
# the files are read again only once a file's name or stamp (util.stamp) changes
_compared: tuple = (None, None, None)


def same_files(manifest: dict, kb_root, now: dict | None = None) -> bool:
    """Whether the KB at ``kb_root`` (its files' signature ``now``, when just taken) holds the files the index was built
    from, whatever their modification times and wherever it was built: the same names and sizes, then their contents: of
    each file whose stamp differs otherwise (util.stamp: its times or inode), its digest against the one the manifest
    records (``kb_file_digests``; the first that differs ends it), or, in an index of an earlier Recur, the digest of
    all of them (``kb_content``; one that records neither: False). Reads the KB's files (0.2 s for a 1,000-pattern KB
    with 1,000 incidents, 2,000 files, in the page cache) only when names and sizes agree and the rest of a stamp does
    not, once per stamp of a file (once per signature, by ``kb_content``)."""
    global _compared
    content, built = manifest.get("kb_content"), manifest.get("files")
    now = kb_signature(Path(kb_root)) if now is None else now
    if not isinstance(built, dict) or built.keys() != now.keys():
        return False
    if any(not isinstance(built[name], list) or built[name][:1] != now[name][:1] for name in now):
        return False  # a size differs: the contents do
    recorded = _file_digests_of(manifest)
    if recorded is not None:
        return all(_same_file(recorded, built, now, kb_root, name) for name in sorted(now) if built[name] != now[name])
    if not isinstance(content, str):
        return False
    from recur.kb.loader import content_digest

    root = Path(kb_root).resolve()
    folder, signature, digest = _compared
    if folder != root or signature != now:
        digest = content_digest(root, now)
        _compared = (root, dict(now), digest)
    return digest == content


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict
    vectors: np.ndarray
    views: list
    docs: dict
    bm25: object
    ids: list  # pattern ids in BM25 row order
    vocab: frozenset = frozenset()

    @property
    def model_id(self) -> str:
        return self.manifest["model"]

    @property
    def build_id(self) -> str:
        return self.manifest.get("build_id", "")


class IndexProblem(RecurError):
    """An index that cannot be used as it is, with the `recur index` that rebuilds that very index
    (``rebuild_command``): the hint said "recur index" alone, which builds .recur/index of ./kb, not
    an index given with --index (found in review). ``for_run`` names the KB and model of the run."""

    def __init__(self, index_dir, what: str, rebuild: bool = True, *, how: str = "rebuild it with", run=None):
        self.index_dir, self.what, self.rebuild, self.how = index_dir, what, rebuild, how
        super().__init__(self.advice(*(run or (None, None))))

    def advice(self, kb_dir, model: str | None) -> str:
        """The message: what is wrong, then the command, for ``kb_dir`` and ``model`` when given."""
        return f"{self.what}; {self.how}: {rebuild_command(self.index_dir, self.rebuild, kb_dir, model)}"

    def for_run(self, kb_dir, model: str | None) -> IndexProblem:
        """The same problem, its command for the KB (when it exists) and the --model of the run that met it."""
        return IndexProblem(self.index_dir, self.what, self.rebuild, how=self.how, run=(_existing(kb_dir), model))


class NewerIndex(IndexProblem):
    """An index a newer recur wrote (format ``fmt``): this recur can neither read it nor update it without
    writing it back to its older format, which the newer recur then converts again (the two taking turns,
    re-embedding everything each time). One piece of advice, said once: upgrade recur; meanwhile, an index
    of its own for this one; a rebuild in place only once no newer recur uses it (a rollback). It said
    "upgrade recur; or replace it with: recur index --rebuild", the second half undoing the first (found in
    an upgrade review)."""

    def __init__(self, index_dir, fmt: int, *, run=None):
        self.format = fmt
        what = (
            f"the index at {index_dir} has format {fmt}, written by a newer recur (this one reads format "
            f"{FORMAT}): upgrade recur to use it"
        )
        super().__init__(index_dir, what, run=run)

    def advice(self, kb_dir, model: str | None) -> str:
        own = rebuild_command(self.index_dir, False, kb_dir, model, into="DIR")
        again = rebuild_command(self.index_dir, True, kb_dir, model)
        return (
            f"{self.what}. To use this recur while a newer one uses that index, give this one an index of its "
            f"own: {own}; only once no newer recur uses it (a rollback), rebuild it in format {FORMAT}: {again}"
        )

    def for_run(self, kb_dir, model: str | None) -> NewerIndex:
        return NewerIndex(self.index_dir, self.format, run=(_existing(kb_dir), model))


def _existing(kb_dir):
    """``kb_dir`` when that folder exists, else None: the command then names the KB the index was built for."""
    return kb_dir if kb_dir is not None and Path(kb_dir).is_dir() else None


def rebuild_command(
    index_dir, rebuild: bool = False, kb_dir=None, model: str | None = None, *, into: str | None = None
) -> str:
    """The `recur index` command that (re)builds the index at ``index_dir``: with --kb when the KB
    (``kb_dir``, else the one the index's manifest says it was built for) is not the one `recur index`
    reads by default (--kb's default or RECUR_KB), --index when the folder is not its default, --model
    when given (a model chosen on the command line is not the one `recur index` takes by itself).
    ``into``: another folder to build that KB's index in instead, always named (DIR: one to choose)."""
    import shlex

    from recur import config

    if kb_dir is None:
        manifest = read_manifest(Path(index_dir)) or {}
        kb_dir = manifest.get("kb") if isinstance(manifest.get("kb"), str) else None
    folders = [("--kb", kb_dir, config.get("kb"))] + ([] if into else [("--index", index_dir, config.get("index"))])
    words = ["recur", "index", *folder_options(folders), *(["--index", into] if into else [])]
    if model:
        words += ["--model", str(model)]
    return " ".join(shlex.quote(w) for w in words + (["--rebuild"] if rebuild else []))


def newer_format(manifest: dict) -> int | None:
    """The format of an index a newer recur wrote (above ``FORMAT``), else None: the one test of it."""
    fmt = manifest.get("format")
    return fmt if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT else None


def refuse_other_format(manifest: dict, index_dir, why: str) -> None:
    """An index of another format that cannot be updated here (``why``): one error saying what can be
    done, instead of a warning promising answers from it and then the advice to rebuild it in place. The
    search engine's and `recur show`'s (pattern_read): the words of both for an index-only deployment."""
    refuse_newer(manifest, index_dir)
    fmt = manifest.get("format")
    if fmt != FORMAT:
        raise RecurError(
            f"the index at {index_dir} has format {fmt}, and this recur reads only format {FORMAT}; "
            f"{why}. Build a format-{FORMAT} index where the knowledge base is and recur can write "
            f"(recur index --kb KB --index DIR), and deploy that in place of {index_dir}"
        )


def no_kb(kb_dir, to: str = "update it from") -> str:
    # "the knowledge base at PATH", which /healthz says as "the knowledge base" (serve.public): "there is no
    # knowledge base at PATH" was "there is no knowledge base at the knowledge base" in a reload_error there
    return f"the knowledge base at {kb_dir} is not there to {to}"


def refuse_newer(manifest: dict, index_dir, kb_dir=None, model: str | None = None) -> None:
    """An index a newer recur wrote is not updated here: that would write an older format over it
    (and re-embed everything) each time the two versions take turns (``NewerIndex`` says what to do;
    given the run's ``kb_dir`` and ``model``, its commands name them: an index of its own built without
    the run's --model was then refused as another model's)."""
    fmt = newer_format(manifest)
    if fmt is not None:
        exc = NewerIndex(index_dir, fmt)
        raise exc if kb_dir is None else exc.for_run(kb_dir, model)


def built_for_other_kb(manifest: dict, kb_dir) -> str | None:
    """The KB an index says it was built for when that is another KB than ``kb_dir`` (which exists):
    two KBs given one --index take it from each other."""
    from recur.retrieval.models import same_kb

    built_for = manifest.get("kb")
    if not isinstance(built_for, str) or not built_for or not Path(kb_dir).is_dir():
        return None
    # a copy of the KB it was built from is that KB (`cp -r`, a fresh clone, a release folder): refused as
    # another's while the original was still there (found in an operator's review)
    return None if same_kb(built_for, kb_dir) or same_files(manifest, kb_dir) else built_for


def no_kb_said(kb_dir, index_dir, manifest: dict | None) -> str:
    """The warning of an answer from the index alone, there being no KB folder at ``kb_dir``: an index-only
    deployment's (kept), or a misspelt --kb or RECUR_KB's. The latter answered in full, exit 0, from the index
    another KB was built into, naming neither (CLI review): the KB the manifest was built from is named when it
    is another path, and, when that folder is there, how to search it as it is now."""
    import shlex

    from recur.retrieval.models import same_kb

    said = f"warning: no knowledge base at {kb_dir}; answering from the index at {index_dir} as it was built"
    built_for = (manifest or {}).get("kb")
    if not isinstance(built_for, str) or not built_for or "\0" in built_for or same_kb(built_for, kb_dir):
        return said + "."
    there = f" (--kb {shlex.quote(built_for)} searches it as it is now)" if Path(built_for).is_dir() else ""
    return f"{said} from {built_for}{there}."


def refuse_other_kbs_index(index_dir, kb_dir) -> None:
    """For a server (`recur serve`, `recur mcp`): raise when the index at ``index_dir`` belongs to another
    knowledge base that is still there and opening it for ``kb_dir`` would rebuild it. `recur mcp --kb B
    --index A's` rebuilt A's index for B under A's running `recur serve`, which then refused to reload it
    and would take it back at its next start (found in review). A server is started from a configuration,
    with nobody to read "rebuilding it for this one" (what `recur suggest` says, and does, for the person
    who asked); so it does not start, and says how to proceed. An index built where the KB no longer is (a
    checkout moved, an index built elsewhere and copied in) is this KB's to bring up to date, as before; one
    built from the same files, wherever (a copy of the checkout, the old one still there), is this KB's
    (``built_for_other_kb``)."""
    manifest = read_manifest(Path(index_dir))
    other = built_for_other_kb(manifest, kb_dir) if manifest else None
    if not other or not Path(other).is_dir() or is_fresh(index_dir, kb_dir, manifest):
        return
    this = Path(kb_dir).resolve()
    raise RecurError(
        f"--index {index_dir}: is the index of the knowledge base at {other}, not of {this} (--kb); a server "
        "does not rebuild another knowledge base's index (its own server and searches would answer from this "
        f"one). Give this knowledge base an index of its own (--index DIR), or, to hand this one over to it, "
        f"rebuild it first: recur index --kb {this} --index {Path(index_dir).resolve()}"
    )


def record_place(index_dir, kb_root, manifest: dict) -> bool:
    """An index fresh for the KB at ``kb_root`` (``is_fresh``) whose manifest (as just read) names another
    folder, or other file times, is told where its KB now is: its manifest's ``kb`` and ``files`` rewritten,
    nothing else (the same build: a server does not reload it). A checkout copied or moved (`cp -r`, a fresh
    clone) is then compared by a stat walk again, and its next KB edit is this KB's to update: `recur index`
    with nothing to do left the old path, and the server refused the index after the next edit (found in an
    operator's review). False when there was nothing to record, or it could not be written (a read-only
    mount: compared by content at each look, ``same_files``)."""
    now, kb = kb_signature(Path(kb_root)), str(Path(kb_root).resolve())
    if manifest.get("kb") == kb and manifest.get("files") == now:
        return False
    if manifest.get("format") != FORMAT or (manifest.get("files") != now and not same_files(manifest, kb_root, now)):
        return False
    return _rewrite_manifest(Path(index_dir), {**manifest, "kb": kb, "files": now})


def _rewrite_manifest(index_dir: Path, manifest: dict) -> bool:
    """``manifest`` written over the index's manifest.json atomically (a new file renamed over it), unless the
    index was rebuilt meanwhile (another build_id). Through the folder's descriptor: a rebuild swapping a
    new folder in while this is written leaves this write in the old folder, never the old build's manifest
    beside the new build's files."""
    if not {os.open, os.stat, os.rename, os.unlink} <= os.supports_dir_fd:  # POSIX: rename replaces, atomically
        return False
    try:
        fd = os.open(index_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return False
    tmp = f".manifest.json.{os.urandom(6).hex()}.tmp"
    try:
        with open("manifest.json", encoding="utf-8", opener=lambda name, flags: os.open(name, flags, dir_fd=fd)) as f:
            if json.load(f).get("build_id") != manifest.get("build_id"):
                return False
        mode = os.stat("manifest.json", dir_fd=fd).st_mode & 0o7777
        with open(tmp, "x", encoding="utf-8", opener=lambda name, flags: os.open(name, flags, 0o666, dir_fd=fd)) as f:
            os.fchmod(f.fileno(), mode)  # the manifest's permissions kept (a server run as another user reads it)
            f.write(json.dumps(manifest, indent=1, ensure_ascii=False))
            f.flush()
            os.fsync(f.fileno())  # on disk before the name points at it
        os.rename(tmp, "manifest.json", src_dir_fd=fd, dst_dir_fd=fd)
        return True
    except (OSError, ValueError, AttributeError):  # not writable here, or no manifest to speak of
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=fd)
        return False
    finally:
        os.close(fd)


def check_updatable(index_dir) -> None:
    """Raise NotWritable, in the words a failed write of the index gives, when the index at
    ``index_dir`` could not be rewritten here (a read-only mount, a file in the way of its staging
    folder): checked before "updating it" is said, which such a folder made untrue (found in review)."""
    with writing(index_dir, "the index"):
        check_swappable(Path(index_dir))


def stale_reason(manifest: dict, index_dir, kb_dir) -> str:
    """Why an index is brought up to date, as `recur suggest` says it."""
    newer = newer_format(manifest)
    if newer is not None:  # `recur index --rebuild` alone gets here: "updating it" hid the step back
        return (
            f"The index at {index_dir} has format {newer}, written by a newer recur: rebuilding it in this "
            f"recur's format {FORMAT} (--rebuild); a newer recur that uses it will convert it back."
        )
    if manifest.get("format") != FORMAT:
        return f"The index at {index_dir} has format {manifest.get('format')}; this recur writes {FORMAT}: updating it."
    other = built_for_other_kb(manifest, kb_dir) if kb_dir is not None else None
    if other:  # it said "the knowledge base changed" when another KB had taken the index (found in review)
        return (
            f"The index at {index_dir} was built for the knowledge base at {other}, not "
            f"{Path(kb_dir).resolve()}: rebuilding it for this one (give each KB its own --index)."
        )
    return f"The knowledge base changed since the index was built: updating {index_dir}."


def _manifest(index_dir: Path, expect_model: str | None = None) -> dict:
    """The manifest of a usable index: present, this format, and (when asked) this model's."""
    manifest = manifest_for(index_dir, expect_model) if expect_model else read_manifest(index_dir)
    if manifest is None:
        raise IndexProblem(index_dir, f"no index at {index_dir}", False, how="build it with")
    refuse_newer(manifest, index_dir)  # "rebuild it" would write it back to this older format
    if manifest.get("format") != FORMAT:
        raise older_format_problem(index_dir, manifest, expect_model)
    if expect_model and manifest.get("model") != expect_model:
        what = f"the index at {index_dir} was built with model {manifest.get('model')!r}, not {expect_model!r}"
        raise IndexProblem(index_dir, what, False)
    return manifest


def older_format_problem(index_dir, manifest: dict, expect_model: str | None = None) -> IndexProblem:
    """An index of an older format than this recur reads. One whose vectors an update reuses (VECTORS_FROM) is
    converted by a plain `recur index` in about a second; "rebuild it with: recur index --rebuild" (what `recur
    serve`'s reload warning said of a format-7 index) embeds every pattern again, minutes on a large KB. Its
    vectors are reused only for the same model (``_reusable``): of another model's, the plain `recur index`
    rebuilds it, as it does an index of this format built with another model."""
    fmt = manifest.get("format")
    what = f"the index at {index_dir} has format {fmt}, this recur reads format {FORMAT}"
    if fmt in VECTORS_FROM and expect_model and manifest.get("model") != expect_model:
        return IndexProblem(index_dir, what, False)
    if fmt in VECTORS_FROM:
        return IndexProblem(index_dir, what, False, how="convert it (its vectors reused) with")
    return IndexProblem(index_dir, what)


def _inconsistent(index_dir: Path) -> RecurError:
    return IndexProblem(index_dir, f"the index at {index_dir} is inconsistent")


def _damaged(index_dir: Path, exc: Exception | str) -> RecurError:
    # the reader's own words, up to its advice: numpy's for a bad .npy is to load it "unsafely" as a
    # pickle, which must never reach an operator's screen as what to do
    why = str(exc).split(" If you trust the file")[0].strip()
    return IndexProblem(index_dir, f"the index at {index_dir} is damaged ({why})")


def load_vectors(index_dir, manifest: dict | None = None) -> tuple[np.ndarray, list]:
    """The stored view vectors and their views, without the BM25 part (near-duplicate checks)."""
    import numpy as np

    index_dir = _recover(Path(index_dir))
    manifest = manifest or _manifest(index_dir)
    try:
        vectors = np.load(index_dir / "vectors.npy", allow_pickle=False)
    except ValueError:  # numpy's words for junk bytes ("This file contains pickled (object) data") are untrue
        raise _damaged(index_dir, "vectors.npy is not a saved array of vectors") from None
    except OSError as exc:
        raise _damaged(index_dir, exc) from None
    try:
        views = json.loads((index_dir / "views.json").read_text())
    except (OSError, ValueError) as exc:
        raise _damaged(index_dir, exc) from None
    if (
        not isinstance(views, list)
        or len(views) != len(vectors)
        or vectors.ndim != 2
        or vectors.shape[1:] != (manifest.get("dimension"),)
        or not all(isinstance(v, dict) and {"pattern", "kind", "text"} <= v.keys() for v in views)
        or not all(isinstance(v["pattern"], str) for v in views)
    ):
        raise _inconsistent(index_dir)
    return vectors, views


def load(index_dir, expect_model: str | None = None) -> LoadedIndex:
    """The index, all of its files from one build. A ``recur index`` may swap a rebuilt folder in
    while they are read (beside a ``recur suggest``, under ``recur serve``): files of two builds
    would be "inconsistent" or, worse, consistent-looking but mismatched, so the read is repeated."""
    index_dir = _recover(Path(index_dir))
    for _ in range(_READS):
        manifest = _manifest(index_dir, expect_model)
        try:
            loaded = _load_files(index_dir, manifest)
        except RecurError:
            # files of two builds: read again. On the last try too it is the rebuilds' doing, said as such: it was
            # "the index is inconsistent; rebuild it", just after a rebuild (a reader starved by back-to-back builds)
            if _rebuilt_since(index_dir, manifest):
                continue
            raise
        if not _rebuilt_since(index_dir, manifest):
            return loaded
    raise RecurError(f"the index at {index_dir} was rebuilt {_READS} times while it was read; try again")


_READS = 5  # each retry means another whole build finished meanwhile


def _rebuilt_since(index_dir: Path, manifest: dict) -> bool:
    current = read_manifest(index_dir)
    return current is not None and current.get("build_id") != manifest.get("build_id")


def _json_file(index_dir: Path, name: str):
    try:
        return json.loads((index_dir / name).read_text())
    except (OSError, ValueError) as exc:  # named: "Expecting value: line 1 column 1" said not which file
        raise _damaged(index_dir, f"{name}: {exc}") from None


def docs_shaped(docs) -> bool:
    """Whether ``docs`` (docs.json read) has the shape a build writes: {id: a pattern object with its title}."""
    return isinstance(docs, dict) and all(isinstance(d, dict) and "title" in d for d in docs.values())


def _load_files(index_dir: Path, manifest: dict) -> LoadedIndex:
    _check_digests(index_dir, manifest)
    vectors, views = load_vectors(index_dir, manifest)
    docs, vocab = (_json_file(index_dir, name) for name in ("docs.json", "vocab.json"))
    ids = manifest.get("ids", [])
    if not (
        docs_shaped(docs)
        and isinstance(vocab, list)
        and all(isinstance(w, str) for w in vocab)
        and isinstance(ids, list)
        and set(ids) <= docs.keys()
    ):
        raise _inconsistent(index_dir)
    docs = with_severity_names(docs, manifest.get("kb"))
    return LoadedIndex(
        index_dir, manifest, vectors, views, docs, _load_bm25(index_dir, len(ids)), ids, frozenset(vocab)
    )


def with_severity_names(docs: dict, kb_root) -> dict:
    """``docs`` (docs.json read), each pattern with its ``severity_name``: an index built before Recur stored it
    (0.2.0's, of this format too) has none, and every result and pattern read from it said null until a KB change
    rebuilt it. Named here from the severity.yml of the KB the index was built for, as a build names them, when
    that KB is there (an index served without its KB: left out, null as before); the file is read only for such
    an index. Cheaper than a new format, which every 0.2.0 user of a shared index would have to convert."""
    lacking = [d for d in docs.values() if "severity_name" not in d]
    if not lacking or not isinstance(kb_root, str) or not kb_root or not Path(kb_root).is_dir():
        return docs
    from recur.kb.loader import severity_names

    names = severity_names(kb_root)
    for doc in lacking:
        key = doc.get("severity")
        doc["severity_name"] = names.get(key) if isinstance(key, str) else None
    return docs


def _load_bm25(index_dir: Path, rows: int):
    """The lexical index, checked: bm25s reads its files without checking their shape, and a
    damaged one fails only at the first query (``num_docs`` None, a vocabulary of non-ids). Only an
    index of no patterns has none: a deleted ``bm25/`` searched by meaning alone and missed exact
    signals ("No known pattern matches this") while ``recur index`` called it up to date."""
    if not (index_dir / "bm25").is_dir():
        if rows:
            raise _damaged(index_dir, "its bm25/ folder is missing")
        return None
    import bm25s

    try:
        bm25 = bm25s.BM25.load(str(index_dir / "bm25"))
    except Exception as exc:  # noqa: BLE001 - any error of a third-party reader is "damaged"
        raise _damaged(index_dir, exc) from None
    vocab = getattr(bm25, "vocab_dict", None)
    if (
        not isinstance(vocab, dict)
        or not all(isinstance(i, int) for i in vocab.values())
        or getattr(bm25, "scores", {}).get("num_docs") != rows
    ):
        raise _inconsistent(index_dir)
    return bm25
