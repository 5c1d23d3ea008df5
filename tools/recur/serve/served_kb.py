"""The knowledge base a running server reads records from (MCP's past_incidents and problem_report, GET
/api/report), kept between calls and read again when its files change (``ServedKB``), and read at all by
``server_kb``, whose refusal is the server's configuration (``kb_unavailable``), not the caller's.

Apart from mcp_server.py, whose import loads the MCP SDK: the API's route reads the same KB the same way, and a
server answering no MCP call has no need of the SDK (mcp_http.LazyMcp builds it at the first).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from recur.retrieval import patterns as pat
from recur.util.errors import RecurError


def server_kb(engine):
    """The KB the server reads incidents from, read now. A KB it cannot read (a --kb folder that is gone, a
    recur.yml of a newer format) is the server's configuration, not the call's: ``kb_unavailable``, as the
    API says a failed load with ``engine_failed``. It was ``invalid_request``, which a model reads as its own
    bad argument, and tried again with others (found in review). Its message is the reason alone: the server,
    which knows the command that runs it, says the rest (``_named``)."""
    return read_kb(engine.kb_dir)


def read_kb(kb_dir):
    """The KB at ``kb_dir``, read now; ``kb_unavailable`` as server_kb."""
    from recur.kb.loader import load_kb

    try:
        return load_kb(kb_dir)
    except RecurError as exc:
        raise pat.LookupFailure(str(exc), KB_UNAVAILABLE) from None


KB_UNAVAILABLE = "kb_unavailable"


class ServedKB:
    """The KB past_incidents, problem_report and GET /api/report read (one for both under `recur serve`, whose /mcp
    writes nothing: a record `recur incident new` or `recur mcp --allow-writes` wrote is on both at the next look),
    kept between calls and read again when its files changed: each call read it whole (load_kb), 244 ms and 312 ms
    a call on the starter KB, about 2 s each on 1,000 patterns and 1,000 incidents (found in review). ``files()``:
    the KB's signature as the engine's owner last walked it (an EngineHolder's ``kb_files``, the look whose changed
    files the answers' ``stale`` names, made every few seconds), so no walk of its own; without one (a server built
    over a bare engine) or before its first look (the model still loading, or a load that failed: GET /api/report
    reads the KB all the same), a stat walk per call, no reading. A KB read while another changed its files is read again
    at the owner's next look (its signature then differs from the one this read was kept with); record_incident's
    write drops it at once."""

    def __init__(self, files: Callable[[], dict | None] | None = None):
        self._files = files
        self._lock = threading.Lock()  # tool calls run in worker threads
        self._kept: tuple = (None, None, None)  # (the KB folder, the signature it was kept with, the KB read)
        self.boards = Boards()  # the boards made of it, GET /api/report's and problem_report's (one for both)

    def kb(self, engine):
        """The KB at ``engine.kb_dir`` as its files are now (within the owner's look); ``kb_unavailable`` as
        server_kb."""
        return self.at(engine.kb_dir)

    def at(self, kb_dir):
        """The KB at ``kb_dir`` (the engine's, or the folder the server was started with, known before the engine
        loads) as ``kb`` reads it."""
        from pathlib import Path

        from recur.kb.loader import files_signature

        root = Path(kb_dir) if kb_dir is not None else None
        with self._lock:
            owners = self._files() if self._files is not None else None
            seen = owners
            if seen is None and root is not None and root.is_dir():
                seen = files_signature(root)
            folder, kept_at, kb = self._kept
            if kb is not None and seen is not None and folder == root and kept_at == seen:
                return kb
            kb = read_kb(kb_dir)
            # kept with what the owner saw (its next look that differs reads it again), or what this read saw
            self._kept = (root, owners if owners is not None else kb.signature, kb)
            return kb

    def forget(self) -> None:
        """Read the KB again at the next call (a record was written into it)."""
        with self._lock:
            self._kept = (None, None, None)


@dataclass(frozen=True)
class IncidentLinks:
    """What an incident record links, as the surfaces that are given its id for a pattern's say it (MCP's get_pattern,
    POST /api/feedback): its ``iid``; ``linked``, the patterns it links; ``listers``, the patterns in use that list it
    (a retired one's successors for it); ``links``, the linked ones as said ("old-id (retired; superseded by
    new-id)")."""

    iid: str
    linked: list[str]
    listers: list[str]
    links: str


def incident_links(kb, relpath: str) -> IncidentLinks | None:
    """The IncidentLinks of the record in file ``relpath`` (the KB's path: PatternNotFound's ``incident_file``) of
    ``kb``; None when the read KB has no such record (its file has errors, or came after the read)."""
    incident = next((i for i in kb.incidents.values() if i.relpath == relpath), None)
    if incident is None:
        return None
    linked = list(dict.fromkeys(incident.patterns))
    # a retired pattern's incidents are listed under what replaced it: "past_incidents with pattern_id OLD" was the
    # error of a retired id (found in a re-read)
    by = {pid: kb.successors(pid) if _retired(kb, pid) else [pid] for pid in linked}
    listers = list(dict.fromkeys(x for ids in by.values() for x in ids))
    links = ", ".join(pid if by[pid] == [pid] else _retired_link(pid, by[pid]) for pid in linked)
    return IncidentLinks(incident.id, linked, listers, links)


def indexed_incident(docs: dict, given: str) -> IncidentLinks | None:
    """The IncidentLinks of the incident of id ``given`` (in any letter case) as the index lists it under its patterns
    (each doc's ``incidents``), for a server with no KB record of it to read: an index-only deployment, whose vote
    naming an incident's id was "no pattern with id 'inc-2026-0001' in the index", the id lowered, naming nothing to
    vote on (found in a re-read). None when no indexed pattern lists it."""
    key, iid, listers = given.strip().casefold(), None, []
    for pid, doc in docs.items():
        for incident in doc.get("incidents") or []:
            if isinstance(incident, dict) and str(incident.get("id", "")).casefold() == key:
                iid = iid or str(incident["id"])
                listers.append(pid)
                break
    return IncidentLinks(iid, listers, listers, ", ".join(listers)) if iid else None


def _retired_link(pid: str, successors: list[str]) -> str:
    return f"{pid} (retired; superseded by {' and '.join(successors)})" if successors else f"{pid} (retired)"


def _retired(kb, pid: str) -> bool:
    return pid in kb.patterns and kb.patterns[pid].status == "retired"


def incident_said(told: IncidentLinks, relpath: str, how: str) -> str:
    """What a surface says of an incident's id given for a pattern's, in one wording: that it is an incident record
    (``relpath``), not a pattern, then ``how`` (the surface's way on, naming what it links)."""
    return f"{told.iid!r} is an incident record ({relpath}), not a pattern: {how}"


def no_pattern_listed(told: IncidentLinks) -> str | None:
    """Why no pattern lists the record (``told``), as every surface says it, or None when one does."""
    if told.listers:
        return None
    if told.linked:
        return f"it links only retired patterns that nothing replaced ({told.links})"
    return "it links no pattern yet (needs analysis)"


class Boards:
    """GET /api/report's answers, the JSON as sent (and its ETag), kept for the KB they were made from (``ServedKB``'s: another
    KB read, all dropped) and the request's date, filters and clock's day (``key``), the last few at most; and the
    boards they were made of (``board``: report_board's, before an owner narrows it), which MCP's problem_report
    pages from: the same board for the same parameters, made once for both (it made its own at every call, page
    after page, 90 to 180 ms of CPU each on 2,000 incidents; found in review). A kept board is read, never changed
    (for_owner and mcp_board.board_answer make their own dicts and lists of it).

    Each request made the board again, in a worker thread, with the JSON of it: on 1,000 patterns and 2,000
    incidents 90 to 180 ms of CPU and 1 MB, and ten dashboards asking at once held the GIL from the event loop
    long enough that /healthz waited up to 0.7 s and /api/suggest 0.9 s (found in review; bench/report_api.py).
    One board is made at a time (the GIL runs one anyway): the same request waiting for it gets it made, and
    others wait their turn instead of each slowing the rest."""

    KEEP = 16  # answers kept: a dashboard's few filters, each asked again and again
    KEEP_BYTES = 32 * 1024 * 1024  # and at most this much of them (the newest is kept whatever its size)
    # boards as built: Python objects larger than their JSON (measured: 3.1 MB allocated for a 1.2 MB board of 1,000
    # patterns and 2,000 incidents, bench/report_api.py's KB), so fewer (a dashboard's answers are kept as bytes
    # above; these serve MCP's pages, and an answer not kept yet)
    KEEP_BOARDS = 4

    def __init__(self):
        from collections import OrderedDict

        self._lock = threading.RLock()  # body's make() takes a board under it
        self._kb = None
        self._kept: OrderedDict = OrderedDict()
        self._built: OrderedDict = OrderedDict()

    def _of(self, kb) -> None:
        if kb is not self._kb:  # the KB read again: its boards are of files that changed
            self._kb = kb
            self._kept.clear()
            self._built.clear()

    def board(self, kb, key: tuple, make: Callable[[], dict]) -> dict:
        """The board for ``key`` on ``kb`` as built (``make()``: report_board's), kept as ``body`` keeps answers."""
        with self._lock:
            self._of(kb)
            if key in self._built:
                self._built.move_to_end(key)
                return self._built[key]
            board = self._built[key] = make()
            while len(self._built) > self.KEEP_BOARDS:
                self._built.popitem(last=False)
            return board

    def body(self, kb, key: tuple, make: Callable[[], bytes]) -> tuple[bytes, str]:
        """The answer for ``key`` on ``kb`` and its ETag (a digest of its bytes, made once): kept, or ``make()``
        (whose exception is the caller's, nothing kept)."""
        import hashlib

        with self._lock:
            self._of(kb)
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            body = make()
            sent = self._kept[key] = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
            while len(self._kept) > 1 and (
                len(self._kept) > self.KEEP or sum(len(b) for b, _ in self._kept.values()) > self.KEEP_BYTES
            ):
                self._kept.popitem(last=False)
            return sent


@dataclass(frozen=True)
class KBIndexed:
    """The served index's patterns as the KB's files give them, for a tool that needs the index's patterns but not the
    model (MCP's list_patterns, get_pattern, past_incidents by pattern_id, resources/list and a pattern's resource):
    what the index the engine is loading holds, since its load brings the index up to date with these files first
    (Engine.open), so they answer while the model loads, and after a load that failed, as they answer once it has.
    Read where an ``Engine`` is (``kb_dir``, ``docs``, ``manifest``); ``docs`` as the index's docs.json holds them
    (index.pattern_doc), but for the look-alikes by meaning, which need the model's vectors: each pattern's are the
    patterns the same incidents link (pattern_read.kb_look_alikes), as `recur show` gives them without an index."""

    kb_dir: object
    docs: dict
    manifest: dict


# what get_pattern says of its look-alikes when they come from a KBIndexed (look_alikes_noted)
LOOK_ALIKES_LATER = (
    "the model has not loaded (it is loading, or its load failed): look-alikes by meaning are left out, only the "
    "patterns the same incidents link are listed; get_pattern gives them all once it has loaded"
)


def look_alikes_noted(source, found: dict) -> dict:
    """``found``, a pattern object read from ``source`` (patterns.pattern_object), with ``look_alikes_note`` when
    ``source`` is the KB's patterns (a ``KBIndexed``: no look-alikes by meaning without the model): MCP's get_pattern
    and GET /api/patterns/{id} say it alike."""
    return found | {"look_alikes_note": LOOK_ALIKES_LATER} if isinstance(source, KBIndexed) else found


def kb_indexed(kb, kb_dir) -> KBIndexed:
    """``kb``'s (read from ``kb_dir``) patterns as an index built from it lists them: those in use by id, each as its
    docs.json holds it (look-alikes aside: ``KBIndexed``), the retired (index.retired_of) and the files left out for
    errors (index.left_out_patterns), as its manifest records them."""
    import json

    from recur.retrieval.index import left_out_patterns, pattern_doc, retired_of
    from recur.retrieval.pattern_read import kb_look_alikes

    active = {p.id: p for p in sorted(kb.active_patterns(), key=lambda p: p.id)}  # the index's order
    docs = {pid: {**pattern_doc(p, kb), "look_alikes": kb_look_alikes(kb, p, active)} for pid, p in active.items()}
    docs = json.loads(json.dumps(docs, ensure_ascii=False))  # as docs.json holds them: lists, not tuples
    return KBIndexed(kb_dir, docs, {"left_out": left_out_patterns(kb), **retired_of(kb)})


def patterns_now(engine_now: Callable | None, kbs: ServedKB, kb_dir) -> Callable[[], object | None]:
    """The getter of what a tool that needs only the index's patterns reads, never waiting: the engine once loaded
    (``engine_now``, which never waits), else the KB folder's patterns (``KBIndexed``, kept while ``kbs`` keeps the
    KB read), else None (no folder or getter given, or a KB the server cannot read: an index-only deployment, whose
    answers are the engine's, waited for)."""
    kept: list = [None, None]  # [the KB read, its KBIndexed]
    lock = threading.Lock()

    def now():
        if engine_now is None or kb_dir is None:
            return None
        from recur.serve.guard import ApiError

        try:
            engine = engine_now()
        except (ApiError, RecurError):  # not_ready, engine_failed: the KB's patterns
            pass
        else:
            # loaded: the KB's patterns are not read again; kept, they held the KB read before (once the served KB
            # was read again, 13 MB on 1,000 patterns and 2,000 incidents) and 5 MB of docs for the server's life.
            # No lock: one taken here waited for a kb_indexed another call was making
            if kept[0] is not None:
                kept[:] = [None, None]
            return engine
        try:
            kb = kbs.at(kb_dir)
        except RecurError:
            return None
        with lock:
            if kept[0] is not kb:
                kept[:] = [kb, kb_indexed(kb, kb_dir)]
            return kept[1]

    return now
