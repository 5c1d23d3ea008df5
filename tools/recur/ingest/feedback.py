"""Responder feedback (👍/👎 on a suggestion) and turning it into retrieval cases.

The server appends one JSON line per vote to a feedback file (default
``.recur/feedback.jsonl``): ``{"ts", "query", "pattern", "useful"}``, and from Slack's buttons and API votes
that name a ``voter`` ``vote_key`` (one person's vote on one result, hashed: ``record_once``) and ``"changed": true`` when it
turns that person's earlier vote round (``"replaces"``: that vote's key, when an earlier version keyed it otherwise);
``"query_cut": true`` when a button held only the query's start. Appends hold a lock
(a thread lock plus ``flock``, which also holds between processes), write each line in one
``write`` on an ``O_APPEND`` descriptor and ``fsync``, so concurrent votes never interleave;
a line torn by a crash is skipped with a warning by every reader. Where the file system refuses
the ``flock`` (NFS without lockd), votes go on without it, said once (``_flock``).

``confirmed_feedback`` is what an author (``recur feedback export``) reads: the (query, pattern) pairs more of
whose voters say useful than not (each voter's latest vote), whose pattern still exists, and that are not already a
case in ``kb/eval/cases.yml``; the tuner (recur.tuning.data.read_feedback) reads those, and a retired pattern's
confirmed pairs as its one successor's.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import errno
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from recur.kb.writer import id_list, q
from recur.util import files, utf8
from recur.util.errors import RecurError
from recur.util.files import write_atomic
from recur.util.text import close_ids, query_key

# a malformed vote's warning (read_votes): logged, as the library's other warnings are (retrieval/engine.py's LOG):
# printed, a bot reading its votes could neither route nor silence it; `recur`'s commands print it as before
LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()


def record(path, query: str, pattern: str, useful: bool, **extra) -> dict:
    """Append one vote as one whole line; returns the entry written.

    The line goes out in a single ``write`` on an ``O_APPEND`` descriptor while holding a
    thread lock and ``flock`` (so two server processes sharing the file never interleave),
    then ``fsync``. If a crash left a torn last line (no newline), the vote starts on a new
    line so the torn line stays the only damaged one (readers skip it with a warning).
    """
    path = Path(path)
    entry = _entry(query, pattern, useful, **extra)
    try:
        _append(path, lambda fd: _line(entry))
    except OSError as exc:
        raise RecurError(f"{path}: cannot record the vote ({exc.strerror or exc})") from None
    return entry


def hashed_key(prefix: str, parts: list) -> str:
    """A ``vote_key`` for record_once: ``prefix`` (``api``, ``slack``) and the parts that name one person's vote,
    hashed, so that the feedback file keeps no client's or Slack user's id. One rule for the API's key
    (routes.feedback.api_vote_key) and Slack's (slack.vote_keys), which each wrote it alike."""
    import hashlib

    said = json.dumps(parts, ensure_ascii=False)
    return f"{prefix}:" + hashlib.sha256(said.encode("utf-8")).hexdigest()[:24]


def record_once(
    path, query: str, pattern: str, useful: bool, key: str, earlier: str | None = None, **extra
) -> tuple[dict | None, bool | None]:
    """``record``, at most one vote per ``key`` (one person's vote on one query's result: Slack's buttons,
    clicked again, or the API's ``voter``; hashed_key makes both): the line carries ``vote_key``; a vote that says what the key's latest line
    says is not written, and one that says the opposite is written with ``"changed": true``. The log stays
    append-only: every reader takes the latest vote of each ``vote_key``, so the change is the one that
    counts. Returns (the entry written or None, the key's latest ``useful`` before, or None). The check and
    the append hold the file's lock together, so two clicks at once cannot both be written. ``earlier``: the
    key the same vote had in a version that keyed it otherwise (Slack's, by message): with no vote of ``key``,
    that key's latest vote is the person's, and a vote written carries ``"replaces": earlier``, so that readers
    (judge_votes) count the person once."""
    path = Path(path)
    seen: dict = {}

    def line(fd: int) -> bytes | None:
        seen["before"] = before = _latest_of(fd, key)
        old = None
        if before is None and earlier is not None and earlier != key:
            seen["before"] = before = _latest_of(fd, earlier)
            old = earlier if before is not None else None
        if before is bool(useful):
            return None
        said = {"changed": True} if before is not None else {}
        seen["entry"] = _entry(
            query, pattern, useful, vote_key=key, **said, **({"replaces": old} if old else {}), **extra
        )
        return _line(seen["entry"])

    try:
        _append(path, line)
    except OSError as exc:
        raise RecurError(f"{path}: cannot record the vote ({exc.strerror or exc})") from None
    return seen.get("entry"), seen.get("before")


def _entry(query: str, pattern: str, useful: bool, **extra) -> dict:
    # a line every reader would skip is never written; the API and Slack clean the text before it
    # gets here (serve.bodies), so this is never their 503 feedback_unavailable
    utf8.check(query, "query", escaped=True)
    utf8.check(pattern, "pattern", escaped=True)
    for name, value in (("query", query), ("pattern", pattern)):
        if not value.strip():  # read_votes skips such a line: refuse it here, not lose it there
            raise RecurError(f"{name}: must not be empty")
    return {
        "ts": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "query": query,
        "pattern": pattern,
        "useful": bool(useful),
        **extra,
    }


def _line(entry: dict) -> bytes:
    return (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")


def _latest_of(fd: int, key: str) -> bool | None:
    """The ``useful`` of the last vote with ``vote_key`` ``key`` in the file open on ``fd`` (the one the vote
    is appended to: by its name it may be another file, or none, once a rotation moved it), or None.

    The file was read whole at each such vote, under the process's lock: a 390 MB file took 0.6-1 s a vote and
    45 votes at once queued for 44 s (found in a security review). ``_KEYS`` keeps each key's latest vote of the
    file, read once, and reads only what was appended since (by this process or another: the caller holds the
    flock). Another file under the name (a rotation's ``mv``: another inode), or this one shorter or with other
    first bytes or other bytes before where it was read to (truncated, or copied over), is read from its start
    again."""
    return _caught_up(fd).latest.get(key)


@dataclass
class _Keys:
    """The latest ``useful`` of each ``vote_key`` in one file, read up to ``scanned`` bytes (the end of its last
    whole line); ``file`` (device, inode), ``head`` (its first bytes) and ``tail`` (the bytes before ``scanned``)
    say which file it was read from."""

    file: tuple
    head: bytes = b""
    scanned: int = 0
    tail: bytes = b""
    latest: dict = field(default_factory=dict)


_KEYS: dict[tuple, _Keys] = {}  # by (device, inode): one a feedback file
_HEAD = 256  # bytes of a file's start compared at each vote: a first line (its time) differs in a copied-over file
# bytes before where a file was read to, compared at each vote too: a copy of the log restored over it (`cp`: the same
# inode) has its first line, and when longer than what was read, was read on from there (found in review)
_TAIL = 64
_CHUNK = 1 << 20


def _caught_up(fd: int) -> _Keys:
    """The ``_Keys`` of the file open on ``fd``, with what was appended since it was last read."""
    found = os.fstat(fd)
    file = (found.st_dev, found.st_ino)
    keys = _KEYS.get(file)
    if keys is not None and (found.st_size < keys.scanned or not _same_bytes(fd, keys)):
        keys = None  # truncated or written over: read again
    if keys is None:
        if len(_KEYS) >= 8:  # a server has one feedback file; the files it rotated away are never read again
            _KEYS.clear()
        keys = _KEYS[file] = _Keys(file, os.pread(fd, _HEAD, 0))
    elif len(keys.head) < _HEAD and keys.scanned < found.st_size:
        keys.head = os.pread(fd, _HEAD, 0)  # the file was shorter than _HEAD when first read
    rest, at = b"", keys.scanned
    while at < found.st_size:
        chunk = os.pread(fd, min(_CHUNK, found.st_size - at), at)
        if not chunk:
            break
        at += len(chunk)
        read = rest + chunk
        if b'"vote_key"' not in read:  # no keyed vote in it (most votes have none): only its last line is kept
            rest = read[read.rfind(b"\n") + 1 :]
            continue
        *lines, rest = read.split(b"\n")
        for raw in lines:
            _take_key(keys.latest, raw)
    # a last line with no newline yet is taken (a whole vote written by hand, as a whole read took it), and read
    # again with the bytes after it: a vote's "\n" goes before its line then (_append)
    _take_key(keys.latest, rest)
    keys.scanned = at - len(rest)
    keys.tail = os.pread(fd, min(_TAIL, keys.scanned), keys.scanned - min(_TAIL, keys.scanned))
    return keys


def _same_bytes(fd: int, keys: _Keys) -> bool:
    """Whether the file open on ``fd`` still has the start and the bytes before ``scanned`` it was read with."""
    if os.pread(fd, len(keys.head), 0) != keys.head:
        return False
    return os.pread(fd, len(keys.tail), keys.scanned - len(keys.tail)) == keys.tail


def _take_key(latest: dict, raw: bytes) -> None:
    if b'"vote_key"' not in raw:  # only the lines of keyed votes are parsed
        return
    try:
        obj = json.loads(raw.decode("utf-8"))
    except ValueError:
        return
    if isinstance(obj, dict) and isinstance(obj.get("vote_key"), str) and isinstance(obj.get("useful"), bool):
        latest[obj["vote_key"]] = obj["useful"]


# The mode a new feedback log is made with, less the umask: owner and group, never others. Every voter's
# query is in it, verbatim; 0o666 made it world-readable under the usual umask 022 (found in the privacy
# review). Not 0o640 whatever the umask: under a group-shared umask (002) a second server or a teammate
# in the group appends votes to it (0o644 kept them from it, found in an earlier review).
FEEDBACK_MODE = 0o660


def _append(path: Path, make_line) -> None:
    """Append ``make_line(fd)`` (called holding the locks; None: nothing to write) as one write.

    After the open, everything goes through the descriptor, never the name again: a rotation
    (``mv feedback.jsonl elsewhere``, docs/operating.md) between the open and the write made a second
    open by name fail, a 503 "cannot record the vote (No such file or directory)" (found in an SRE's
    review: 2-8 of 480 votes under 30 renames). The vote then goes whole into the moved file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK:
        # FEEDBACK_MODE less the umask; read and write: the last byte and record_once's earlier votes are
        # read through it
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FEEDBACK_MODE)
        try:
            locked = _flock(fd, path)
            line = make_line(fd)
            if line is None:
                return
            size = os.fstat(fd).st_size
            data = line if size == 0 or os.pread(fd, 1, size - 1) == b"\n" else b"\n" + line
            _write_whole(fd, path, size, data, locked)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the flock


def _write_whole(fd: int, path: Path, size: int, data: bytes, locked: bool = True) -> None:
    """Write ``data`` at the end of the file (``size`` bytes before it) whole, or take back what part of
    it was written: half a vote left in the file made a garbage line every reader skipped with a warning
    (found in an operator's review of a full disk). Holding the flock, nothing else appended meanwhile.
    Without it (``locked`` False: refused, _flock), another process's vote may follow the part: cut off, it
    went too, and left, it was glued to the part, one garbage line. The part is blanked in place instead."""
    try:
        written = os.write(fd, data)
    except OSError:  # EFBIG, ENOSPC: the callers name the file and why
        if locked:  # unlocked, nothing of ours was written (a write cut short says how much) and all may be another's
            _take_back(fd, size)
        raise
    if written != len(data):  # a full disk: say so, and leave the file as it was
        if locked:
            _take_back(fd, size)
        else:
            _blank(fd, os.lseek(fd, 0, os.SEEK_CUR) - written, written)
        raise RecurError(
            f"{path}: only {written} of {len(data)} bytes of a vote could be written (disk full?); "
            + ("they were taken back, the file is as it was" if locked else "they were blanked, a line readers skip")
        )


def _take_back(fd: int, size: int) -> None:
    # shrinking needs no free space; should it fail, readers skip the torn line with a warning
    with contextlib.suppress(OSError):
        os.ftruncate(fd, size)


def _blank(fd: int, start: int, length: int) -> None:
    """Overwrite the ``length`` bytes of a vote cut short at ``start`` with spaces and a newline, in place (no new
    room needed): a blank line every reader skips in silence, and a vote appended after them stays whole. The
    descriptor appends (O_APPEND), where Linux's pwrite writes at the end: that flag is dropped first."""
    if length <= 0:
        return
    with contextlib.suppress(OSError, ImportError):  # should it fail, readers skip the torn line with a warning
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_APPEND)
        os.pwrite(fd, b" " * (length - 1) + b"\n", start)


def check_writable(path) -> None:
    """Fail at start-up, not at the first vote: the folder can be made and the file appended to and read.
    Creates nothing but the folder. A vote opens the log read-write (``_append``): a write-only file failed
    every vote, and a FIFO took the vote's bytes and then failed it ("Invalid argument"), while this check
    passed both (found in review)."""
    path = Path(path)
    kind = _not_regular(path)
    if kind:
        raise RecurError(f"--feedback {path}: votes could not be written there (not a regular file: {kind})")
    try:
        files.check_writable(path)
    except OSError as exc:
        why = exc.strerror or exc
        if not path.parent.is_dir():
            raise RecurError(f"--feedback {path}: cannot create its folder ({why})") from None
        why = "read-only file system" if exc.errno == errno.EROFS else f"not a writable file: {why}"
        raise RecurError(f"--feedback {path}: votes could not be written there ({why})") from None
    if path.exists() and not os.access(path, os.R_OK):
        raise RecurError(
            f"--feedback {path}: votes could not be written there (not readable: a vote reads the log's last "
            "byte through the file it appends to, so that a rotation cannot come between the two)"
        )


def _not_regular(path: Path) -> str | None:
    """What ``path`` is when it exists and is neither a regular file nor a folder (which files.check_writable
    names), else None."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    return "a socket" if stat.S_ISSOCK(mode) else "a device"


def space_low(path, min_free_mib: int) -> str | None:
    """What to say when the file system holding the feedback log ``path`` has less than ``min_free_mib`` MiB
    free (its statvfs, asked now); None when it has more, when ``min_free_mib`` is 0 (off), or when it cannot
    be asked (the folder gone: the vote's write then says why). A nearly full disk said nothing until votes
    failed with 503s; it is said at start (recur serve) and in /healthz while it lasts. Names no path."""
    from recur import config

    if min_free_mib <= 0:
        return None
    free = free_space(path)
    if free is None or free >= min_free_mib * 1024 * 1024:
        return None
    return (
        f"{free / 2**20:.1f} MiB free on the file system votes are written to, under the "
        f"{min_free_mib} MiB of {config.env('min_free_mib')}"
    )


def free_space(path) -> int | None:
    """Bytes free on the file system holding the feedback log ``path`` (its statvfs, asked now); None when it
    cannot be asked (the folder gone)."""
    import shutil

    try:
        return shutil.disk_usage(Path(path).parent).free
    except OSError:
        return None


def _flock(fd: int, path: Path) -> bool:
    """Lock the feedback log open on ``fd`` (at ``path``) against other processes' votes; whether it is held. A lock
    refused with ENOLCK is tried again a few times first (``files.flock_retried``: a lock daemon's hiccup; one refusal
    made the vote go without it). Where the
    file system refuses the lock (NFS without its lock daemon: ENOLCK; EOPNOTSUPP), the vote is written without it, said
    once (logged: ``files.said_once``), as ``files.editing`` does: each vote was a 503 "cannot record the vote (No locks
    available)", all lost. The thread lock still holds in this process, and a line goes out in one O_APPEND write, whole
    after the last on this machine. Two machines' at once on NFS are not safe, whatever the size of the write: NFS has
    no append, each client writes at the end it last saw, so one vote may overwrite the other or mix with it (open(2)).
    No cheap change makes it so: the warning says so, and docs/operating.md what to run instead."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: the thread lock still holds in-process
        return False
    try:
        files.flock_retried(fd, fcntl.LOCK_EX, path)  # a lock daemon's hiccup: tried again a few times first
    except OSError as exc:
        files.said_once(
            path,
            f"warning: {path}: votes appended without its lock, which this file system refuses ({exc.strerror or exc}; "
            "NFS without locking?): a vote another machine appends at the same moment could overwrite this one or be "
            "mixed with it; run one server per feedback file",
        )
        return False
    return True


def read_votes(path, warn=None) -> list[dict]:
    """Every well-formed vote in the file, in order. Malformed lines (a torn last line left by
    a crash mid-write, a hand edit, text that is not valid UTF-8) are skipped, each with a
    warning through ``warn`` (default: logged at WARNING on ``recur.ingest.feedback`` as ``warning: …``, the line
    `recur`'s commands print), never an exception."""
    path = Path(path)
    if not path.is_file():
        return []
    warn = warn or (lambda msg: LOG.warning("warning: %s", msg))
    votes = []
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                obj = json.loads(raw.decode("utf-8"))
            except ValueError:  # also UnicodeDecodeError
                obj = None
            if (
                isinstance(obj, dict)
                and isinstance(obj.get("query"), str)
                and obj["query"].strip()
                and isinstance(obj.get("pattern"), str)
                and isinstance(obj.get("useful"), bool)
            ):
                bad = utf8.bad_field({k: obj[k] for k in ("query", "pattern")})
                if bad:  # a "\udXXX" escape written by another tool: it could be neither searched nor exported
                    warn(f"{path}:{n}: {bad[0]}: {bad[1]}; skipped")
                else:
                    votes.append(obj)
            elif raw.strip():
                torn = not raw.endswith(b"\n")
                warn(
                    f"{path}:{n}: "
                    + (
                        "torn last line (a write cut short by a crash?); skipped"
                        if torn
                        else "not a vote (a JSON object with query, pattern, useful); skipped"
                    )
                )
    return votes


def confirmed_feedback(path, kb, counted_as=None) -> list[tuple[str, str]]:
    """(query, pattern_id) pairs confirmed useful, in first-vote order.

    ``kb`` is a loaded ``KB`` or a KB folder. A pair counts when more of its voters' latest votes
    are 👍 than 👎 (``judge_votes``), the pattern exists and is not retired, and no case in the KB
    already expects that pattern for that query (queries compared case- and whitespace-insensitively).
    ``counted_as``: as judge_votes takes it (the tuner's retired ids counted as their one successor).
    """
    return [(j.query, j.pattern) for j in judge_votes(path, kb, counted_as=counted_as) if j.verdict == "confirmed"]


@dataclass
class Judged:
    """The votes on one (query, pattern) as export counts them."""

    query: str  # the query's first wording
    pattern: str
    verdict: str  # "confirmed" (the only one exported), "not useful", "unknown pattern", ...
    up: int  # voters whose latest vote is 👍
    down: int  # voters whose latest vote is 👎
    votes: int  # lines in the file for this pair (a voter's changed vote is two)


def judge_votes(path, kb, warn=None, counted_as=None) -> list[Judged]:
    """Each (query, pattern)'s votes, judged, in first-vote order. Each voter counts once, with their
    latest vote: a Slack voter, or an API voter that named itself, is their ``vote_key``; an API vote
    without one is a voter of its own. The pair
    is useful when 👍 outnumber 👎: keyed by query and pattern alone, one 👎 cancelled any number of 👍
    from different people (found in a problem manager's review). ``counted_as`` ({id voted on: id}): votes
    judged as the other id's, with its own (the tuner: a retired id's votes as its one successor's)."""
    if not hasattr(kb, "patterns"):
        from recur.kb.loader import load_kb

        kb = load_kb(kb)
    existing = {(query_key(c.query), pid) for c in kb.cases for pid in c.expect}
    pairs: dict = {}
    for n, vote in enumerate(read_votes(path, warn)):
        pid = (counted_as or {}).get(vote["pattern"], vote["pattern"])
        pair = pairs.setdefault(
            (query_key(vote["query"]), pid), {"query": vote["query"].strip(), "voters": {}, "cut": False}
        )
        key = vote.get("vote_key")
        pair["voters"][key if isinstance(key, str) and key else n] = vote["useful"]
        if isinstance(vote.get("replaces"), str):  # the same person's vote under its key of an earlier version
            pair.setdefault("replaced", set()).add(vote["replaces"])
        pair["cut"] |= vote.get("query_cut") is True  # Slack kept only the query's start in the button
        pair["votes"] = pair.get("votes", 0) + 1
    out = []
    for (qkey, pid), pair in pairs.items():
        for old in pair.get("replaced", ()):
            pair["voters"].pop(old, None)
        up = sum(pair["voters"].values())
        down = len(pair["voters"]) - up
        useful = up > down
        why = "query cut" if useful and pair["cut"] else _verdict(useful, kb.patterns.get(pid), (qkey, pid) in existing)
        out.append(Judged(pair["query"], pid, why, up, down, pair["votes"]))
    return out


MAX_REJECTED = 3  # queries named per pattern in a summary


def vote_summary(path, kb, warn=None) -> list[dict]:
    """Per pattern voted on: {"pattern", "up", "down", "rejected_for" (up to MAX_REJECTED queries more
    voters said 👎 to), "in_kb"; one not in the KB also "did_you_mean": the pattern id it may have meant,
    or null; a retired one "superseded_by": the patterns that replaced it, [] when none}, most 👎 first. Voters counted as export counts them (``judge_votes``):
    nothing showed the 👎 votes, the patterns responders keep rejecting (found in review)."""
    if not hasattr(kb, "patterns"):
        from recur.kb.loader import load_kb

        kb = load_kb(kb)
    # a vote under an id not in the KB gets the id it may have meant, as export's breakdown gives it
    known = [pid for pid, p in kb.patterns.items() if p.status != "retired"]
    rows: dict = {}
    for j in judge_votes(path, kb, warn):
        row = rows.setdefault(
            j.pattern, {"pattern": j.pattern, "up": 0, "down": 0, "rejected_for": [], "in_kb": j.pattern in kb.patterns}
        )
        if not row["in_kb"] and "did_you_mean" not in row:
            row["did_you_mean"] = next(iter(close_ids(j.pattern, known, n=1)), None)
        elif row["in_kb"] and kb.patterns[j.pattern].status == "retired" and "superseded_by" not in row:
            row["superseded_by"] = kb.successors(j.pattern)  # a renamed pattern's votes, under its old id
        row["up"] += j.up
        row["down"] += j.down
        if j.down > j.up and len(row["rejected_for"]) < MAX_REJECTED:
            row["rejected_for"].append(j.query)
    return sorted(rows.values(), key=lambda r: (-r["down"], r["up"], r["pattern"]))


def _verdict(useful: bool, pattern, is_case: bool) -> str:
    """How a (query, pattern)'s votes count for export: only "confirmed" is exported."""
    if not useful:
        return "not useful"
    if pattern is None:
        return "unknown pattern"
    if pattern.status == "retired":
        return "retired pattern"
    return "already a case" if is_case else "confirmed"


def cases_yaml(pairs: list[tuple[str, str]], source: str) -> str:
    """YAML list entries for cases.yml: one case per query, every confirmed pattern expected.
    Queries are grouped as they are compared (case and spacing ignored), under their first wording:
    two cases for one query would count a miss whichever of their patterns ranked first."""
    grouped: dict = {}
    for query, pid in pairs:
        grouped.setdefault(query_key(query), (query, []))[1].append(pid)
    from recur import config

    today = config.today().isoformat()  # the day the cases were exported: RECUR_TODAY when set
    lines = [f"# From responder feedback ({source}, {today}): review each case before merging."]
    for query, pids in grouped.values():
        lines.append(f"- query: {q(query)}")
        lines.append(f"  expect: {id_list(pids)}")  # quoted where YAML would read an id as another type
    return "\n".join(lines) + "\n"


def export(feedback_path, kb_dir, out=None) -> tuple[int, int, Path]:
    """``export_detail``'s (new cases written, existing cases that got a pattern added to ``expect``, file)."""
    result = export_detail(feedback_path, kb_dir, out)
    return result.added, result.merged, result.target


@dataclass
class ExportResult:
    """What ``export_detail`` did, and every vote it did not export with why (the CLI prints it)."""

    target: Path
    judged: list = field(default_factory=list)  # every (query, pattern)'s Judged, in first-vote order
    added: int = 0  # new cases written
    merged: int = 0  # existing cases that got a pattern added to their expect
    in_target: list = field(default_factory=list)  # confirmed pairs the target file already has
    # (Judged, line): written to --out, the KB's cases.yml has the query at that line: left out, as a second
    # case for it there is "the same query as" for recur check and a miss for recur eval
    left_out: list = field(default_factory=list)
    known: tuple = ()  # the KB's active pattern ids, for a "did you mean" of an unknown one
    # {retired id: the patterns that superseded it} (KB.successors): a vote for a pattern since split or
    # merged is not exported, and the breakdown names where its knowledge went
    successors: dict = field(default_factory=dict)
    new_from: int | None = None  # the 0-based line of the target where the cases written start (None: none)


def export_detail(feedback_path, kb_dir, out=None) -> ExportResult:
    """Append confirmed feedback as cases to ``out`` (default KB/eval/cases.yml), atomically.

    The result is checked to load as a YAML list before it replaces the file, so a bad existing
    file is reported, not made worse.
    """
    import yaml

    from recur.kb.loader import load_kb

    kb = load_kb(kb_dir)
    cases_yml = Path(kb_dir) / "eval" / "cases.yml"
    result = ExportResult(Path(out) if out else cases_yml, judge_votes(feedback_path, kb))
    result.known = tuple(pid for pid, pattern in kb.patterns.items() if pattern.status != "retired")
    result.successors = {pid: kb.successors(pid) for pid, p in kb.patterns.items() if p.status == "retired"}
    target, confirmed = result.target, [j for j in result.judged if j.verdict == "confirmed"]
    if out and not _same_file(target, cases_yml):
        lines: dict = {}
        for case in kb.cases:
            lines.setdefault(query_key(case.query), case.line)
        result.left_out = [(j, lines[query_key(j.query)]) for j in confirmed if query_key(j.query) in lines]
        confirmed = [j for j in confirmed if query_key(j.query) not in lines]
    if not confirmed:
        return result
    old, data = _read_cases_file(target)
    have = _pairs_in(data)
    result.in_target = [j for j in confirmed if (query_key(j.query), j.pattern) in have]
    pairs = [(j.query, j.pattern) for j in confirmed if (query_key(j.query), j.pattern) not in have]
    old, result.merged, pairs = _merge_into_cases(old, pairs)
    result.added = len({query_key(q) for q, _ in pairs})  # cases_yaml writes one case per query (as compared)
    if not result.added and not result.merged:  # every pair is already in the file: leave it as it is
        return result
    text = old
    if pairs:
        block = cases_yaml(pairs, f"recur feedback export from {feedback_path}")
        text = old + ("\n" if old and not old.endswith("\n") else "") + ("\n" if old.strip() else "") + block
        result.new_from = text[: len(text) - len(block)].count("\n")
    try:  # appending text keeps the authors' comments; it only works on a block-style list
        appended = yaml.safe_load(text)
    except yaml.YAMLError:
        appended = None
    if not isinstance(appended, list) or len(appended) != len(data or []) + result.added:
        raise RecurError(
            f"{target}:1: cases: cannot append to this file (a flow-style [...] list?); write its "
            "cases as '- query: ...' entries, or export with --out FILE"
        )
    if "\r\n" in old:  # an editor on Windows wrote CRLF: the new lines follow it, not a mix of both
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    write_atomic(target, _marks_kept(target, text), overwrite=True)
    return result


def personal_data_said(result: ExportResult) -> list[str]:
    """A ``path:line: query: warning: …`` line for each line of the cases ``export_detail`` wrote that holds an
    e-mail address that may be a person's or a likely credential (kb.emails and kb.credentials, the detectors
    `recur check` reads the cases with: it warned of `@example.com` addresses check passes), as a query is
    what a voter typed or pasted, and the cases file goes into the KB's repository for good once merged
    (found in the privacy review: exported as it was, without a word). The values are not repeated."""
    if result.new_from is None:
        return []
    from recur.kb import credentials, emails

    try:
        text = result.target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    lines = text.split("\n")[result.new_from :]
    found = {f.line: f for f in credentials.found_in(lines)}
    # check's own reading of the whole file (a case's key, a quoted text), its lines 1-based
    addressed = {p.line - 1 - result.new_from for p in emails.yaml_problems(str(result.target), text)}
    out = []
    for n in range(len(lines)):
        kinds = (["an e-mail address"] if n in addressed else []) + [
            f"{what} ({start!r})" for what, start in (found[n].hits if n in found else ())
        ]
        if kinds:
            out.append(
                f"{result.target}:{result.new_from + n + 1}: query: warning: looks like {', '.join(kinds)}: the "
                "repository keeps it once merged; edit it out of the case (or drop the case) before the pull "
                "request, and delete or redact its votes in the feedback log"
            )
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _marks_kept(target: Path, text: str) -> str:
    """``text`` to write over ``target`` with the file's byte-order mark and DOS end-of-file mark (Ctrl-Z) kept, as
    a Windows editor saved them: the mark was dropped (line 1 changed in the diff of every export)."""
    from recur.kb.parse import without_eof_mark

    try:
        raw = target.read_bytes()
    except OSError:
        return text
    body = without_eof_mark(raw)
    return ("\ufeff" if raw.startswith(codecs.BOM_UTF8) else "") + text + raw[len(body) :].decode("ascii")


def _read_cases_file(target: Path) -> tuple[str, list | None]:
    """(text, its YAML list or None when empty) of a cases file to append to; an error naming it else."""
    import yaml

    from recur import config
    from recur.kb.parse import nesting_problem, size_problem, without_eof_mark

    # a Ctrl-Z after the last line ends the file, as `recur check` reads it (YAML: "not valid YAML" at line 1)
    old = utf8.decode(without_eof_mark(target.read_bytes()), str(target)) if target.is_file() else ""
    if not old.strip():
        return old, None
    if (deep := nesting_problem(old)) is not None:  # PyYAML's reader, by recursion: "[" 1,000 deep was a traceback
        raise RecurError(
            f"{target}:{deep[0] + 1}: cases: nested too deep ({deep[1]}, more than {config.MAX_YAML_DEPTH}); "
            "fix it before exporting feedback"
        )
    if (big := size_problem(old)) is not None:  # PyYAML's pure-Python reader: 1 MiB of "x," a value each took 10 s
        raise RecurError(
            f"{target}:{big[0] + 1}: cases: more YAML values than this tool reads (value {big[1]:,} is at this line, "
            f"over {config.MAX_YAML_NODES:,}); fix it before exporting feedback"
        )
    try:
        data = yaml.safe_load(old)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RecurError(f"{target}:{line}: cases: not valid YAML; fix it before exporting feedback") from None
    if data is not None and not isinstance(data, list):
        raise RecurError(f"{target}:1: cases: must be a list of {{query, expect}} entries")
    return old, data


def _pairs_in(data) -> set:
    """(query as compared, pattern id) of every case in a cases file's list."""
    pairs = set()
    for case in data or []:
        if isinstance(case, dict) and isinstance(case.get("query"), str):
            expect = case.get("expect")
            for pid in expect if isinstance(expect, list) else [expect]:
                pairs.add((query_key(case["query"]), str(pid)))
    return pairs


def _merge_into_cases(text: str, pairs: list[tuple[str, str]]) -> tuple[str, int, list]:
    """A confirmed pattern for a query the file already has a case for goes into that case's
    ``expect`` (rewritten as a flow list), rather than into a second case for the same query,
    which ``recur eval`` would count as a miss whenever the other pattern ranks first.
    Returns (text, cases changed, the pairs still to append). A case whose expect list holds a
    comment between its items is not rewritten (the comment would be lost): its pairs are appended
    as before; a comment over the list or after its last item stays where it is."""
    import yaml

    try:
        root = yaml.compose(text) if text.strip() else None
    except yaml.YAMLError:
        return text, 0, pairs
    wanted: dict = {}
    for query, pid in pairs:
        wanted.setdefault(query_key(query), []).append(pid)
    edits = []
    for item in root.value if isinstance(root, yaml.SequenceNode) else []:
        fields = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
        q, e = fields.get("query"), fields.get("expect")
        if not isinstance(q, yaml.ScalarNode) or e is None or query_key(str(q.value)) not in wanted:
            continue
        have = [n.value for n in e.value] if isinstance(e, yaml.SequenceNode) else [e.value]
        # a block list's node runs on to the next token, over any comment lines after its last item
        # (a "# --- network ---" heading): the list ends where its last item does
        block = isinstance(e, yaml.SequenceNode) and e.value and not e.flow_style
        end = e.value[-1].end_mark.index if block else e.end_mark.index
        span = text[e.start_mark.index : end]
        if "#" in span or not all(isinstance(h, str) for h in have):
            continue
        new = have + [p for p in wanted.pop(query_key(str(q.value))) if p not in have]
        if new == have:  # the file already says this (an export run twice): nothing to count or rewrite
            continue
        tail = span[len(span.rstrip()) :]  # a block list's span ends at the next line's indent: keep it
        start, lead = e.start_mark.index, ""
        key_end = len(text[:start].rstrip())
        if text[key_end - 1 : key_end] == ":" and "\n" in text[key_end:start]:  # "expect:" over "- a" lines
            start, lead = key_end, " "  # the list goes up onto the key's line
        edits.append((start, end, f"{lead}{id_list(new)}{tail}"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, len(edits), [(q, p) for q, p in pairs if query_key(q) in wanted]
