"""Atomic writes: a temp file in the same folder, then os.replace, so a reader never sees half
a file and an interrupted write leaves the old one intact; folders are swapped the same way."""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import logging
import os
import re
import secrets
import shutil
import stat
import sys
import threading
import time
from collections.abc import Collection
from contextlib import contextmanager
from pathlib import Path

from recur.util import utf8
from recur.util.errors import AlreadyExists, Busy, NotWritable, RecurError

LOG = logging.getLogger(__name__)  # a refused lock's warning (said_once): engine.py's LOG says how it is read

# What a file system being written says when it is full or read-only, whatever the step that met it
FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


@contextmanager
def writing(target, what: str, only: frozenset | None = None):
    """Name the target, not a temp sibling, when the OS refuses a write (no such folder,
    permission denied, disk full). ``only``: just these errnos (``FULL``), for a block that also
    reads, whose other errors name their own file: there a full disk was said as the file a copy
    read from (shutil names its source), or as no file at all (a write() after open())."""
    try:
        yield
    except OSError as exc:
        if only is not None and exc.errno not in only:
            raise
        why = exc.strerror or str(exc)
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # mkdir's "File exists" hid what is in the way
            blocker = next((p for p in Path(target).parents if p.exists() and not p.is_dir()), None)
            why = f"{blocker} is a file, not a folder" if blocker is not None else why
        raise NotWritable(f"{target}: cannot write {what} there: {why}", why) from None


def check_writable(path, folder: bool = False) -> None:
    """Fail before the work, not after it, when ``path`` could not be written: a file to create or
    append to, or (``folder``) a folder replaced whole by a rename in its parent. Makes the parent
    folder, nothing else. Raises the OSError that says why (each caller names its path and field):
    NotADirectoryError when a file is in the way of the parent (where mkdir would say "File
    exists"), whatever mkdir raised, IsADirectoryError for a file that is a folder, PermissionError
    when the OS would refuse the write."""
    path = Path(path)
    if any(p.exists() and not p.is_dir() for p in path.parents):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not folder and path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    exists = path.exists()
    if (folder or not exists) and not os.access(path.parent, os.W_OK | os.X_OK):  # a new file, or the rename
        raise _refusal(path.parent)
    if exists and not os.access(path, os.W_OK):
        raise _refusal(path)


def _refusal(path: Path) -> OSError:
    """Why os.access refused a write: a read-only file system (EROFS) when that is the cause, as the
    write would say; "Permission denied" sent an operator, root, after file modes (found in review)."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return OSError(errno.EROFS, os.strerror(errno.EROFS))
    except (OSError, AttributeError):  # no statvfs (Windows): the permission is what access() checks
        pass
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES))


def write_atomic(path, text: str | bytes, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path``; refuse an existing file unless ``overwrite``. Bytes are written as
    they are (a wheel `recur init --wheel` copies), text as UTF-8."""
    path = Path(path)
    with writing(path, "the file"):
        return _write_atomic(path, text, overwrite)


def _write_atomic(path: Path, text: str | bytes, overwrite: bool) -> Path:
    if path.exists() and not overwrite:
        raise AlreadyExists(f"{path}: already exists; refusing to overwrite it")
    binary = isinstance(text, bytes)
    problem = None if binary else utf8.problem(text)
    if problem:  # every caller names its fields first: this is the last line, nothing half-written
        raise RecurError(f"{path}: not written: the content {problem}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _staged(path, text, overwrite)
    try:
        if not overwrite:
            try:  # os.link fails if the target appeared meanwhile: never clobber a record
                os.link(tmp, path)
            except FileExistsError:
                raise AlreadyExists(f"{path}: already exists; refusing to overwrite it") from None
            except OSError:
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _staged(path: Path, text: str | bytes, overwrite: bool) -> str:
    """A new temp file beside ``path`` holding ``text``, on disk (fsync), with the mode ``path`` has when it is
    replaced (``overwrite``), else a new file's: what ``write_atomic`` and ``write_all_atomic`` rename into place.
    Removed again when the write fails."""
    fd, tmp = _temp_file(path)
    try:
        # before writing: on a full disk, what they hold may be the room this write needs. Their age is read
        # against our own new file's mtime, set by the same clock as theirs (an NFS server's, maybe minutes off ours)
        _remove_stale_temps_seen(path, now=os.fstat(fd).st_mtime, own=tmp)
        if overwrite and path.exists():  # an edit keeps the file's permissions
            os.fchmod(fd, stat.S_IMODE(path.stat().st_mode))
        binary = isinstance(text, bytes)
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()  # on disk before the name points at it: after a power cut, the old file or
            os.fsync(fh.fileno())  # the whole new one, never an empty or short one (ext4, xfs)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_all_atomic(texts: dict, new: Collection = (), staged_hook=None) -> None:
    """Write several files as one change (``texts``: {path: text}; ``new``: those of them that are new files, never
    put over one that appeared meanwhile): every new text is first written to a temp file beside its file, and only
    when all are on disk are they renamed into place, the new files first. A write refused on the way (a folder not
    writable, a full disk) leaves every file as it was, its temp files removed; a rename that fails, or an
    interruption (Ctrl-C) among the renames, puts back the files already replaced (each kept as a hard link, or a
    copy, until the end), so the files are all old or all new. (A kill -9 among the renames, a few system calls
    long, can leave some new: each file is whole, old or new, as ``write_atomic`` leaves one.) `recur rename`
    changes a pattern, its stub, other patterns, the onboarding paths and the eval cases so, ``staged_hook()``
    writing its journal once every file is staged, before the first is put in place (kb/rename_journal.py: what
    the next rename finishes after a kill -9); an error there is one of the writes'."""
    staged: list[tuple[Path, str]] = []
    made: list[Path] = []  # folders made for a new file (a new category's): taken out again when the change fails
    try:
        for path, text in texts.items():
            path = Path(path)
            problem = None if isinstance(text, bytes) else utf8.problem(text)
            if problem:
                raise RecurError(f"{path}: not written: the content {problem}")
            with writing(path, "the file"):
                if not path.parent.is_dir():
                    path.parent.mkdir(parents=True)
                    made.append(path.parent)
                staged.append((path, _staged(path, text, overwrite=path not in new)))
        if staged_hook is not None:
            staged_hook()
        order = sorted(staged, key=lambda s: s[0] not in new)  # a name taken meanwhile: refused before any change
        _rename_all(order, set(map(Path, new)))
    except BaseException:
        for _, tmp in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        for _, tmp in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _rename_all(staged: list[tuple[Path, str]], new: set) -> None:
    """Rename each staged temp file over its file (a new one linked, refused when the name is taken); on any
    failure or interruption, the files already changed put back as they were, then the error raised."""
    done: list[tuple[Path, str | None]] = []  # (file, its old content kept aside; None: a new file)
    try:
        for path, tmp in staged:
            with writing(path, "the file"):
                if path in new:
                    _link_new(tmp, path)
                    done.append((path, None))
                    continue
                kept = _kept_aside(path)
                done.append((path, kept))
                os.replace(tmp, path)
    except BaseException:
        for path, kept in reversed(done):
            with contextlib.suppress(OSError):
                if kept:
                    os.replace(kept, path)
                else:
                    os.unlink(path)
        raise
    finally:
        for _, kept in done:
            if kept:
                with contextlib.suppress(OSError):
                    os.unlink(kept)


def _link_new(tmp: str, path: Path) -> None:
    """``tmp`` put in place as the new file ``path``, never over one that appeared meanwhile (``AlreadyExists``);
    renamed where the file system has no hard links, as ``write_atomic`` does."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise AlreadyExists(f"{path}: already exists; refusing to overwrite it") from None
    except OSError:
        if path.exists():
            raise AlreadyExists(f"{path}: already exists; refusing to overwrite it") from None
        os.replace(tmp, path)


def _kept_aside(path: Path) -> str:
    """A temp name beside ``path`` that holds its present content (a hard link; a copy where the file system has
    none), to put it back if the change it is part of fails."""
    while True:
        aside = str(path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"))
        try:
            os.link(path, aside)
            return aside
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some network and FUSE file systems)
            return _staged(path, path.read_bytes(), overwrite=True)


def process_gone(pid) -> bool:
    """Whether no process ``pid`` (a number, or its text) runs on this machine: the writer of a temp file or
    folder that carries it is gone. Not a number, another user's live process, or a process not yet reaped
    (a zombie): not gone."""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (ValueError, OSError, OverflowError):  # not a pid, or another user's live process
        return False
    return False


def remove_stale(final: Path) -> None:
    """Remove the ``final.tmp-<pid>`` folders that no running build holds: what a run killed by SIGKILL, the
    OOM killer or a power loss left (Ctrl-C and ``kill`` clean up their own). Its process gone; or its number
    taken since by another process (a pid comes round again: the folder stayed while that process ran), seen by
    the folder's lock, which ``work_folder`` takes and the OS drops when its holder ends however it ends. A live
    build's folder stays, its lock asked first: one whose number names no process here may be another pid
    namespace's (`recur serve` in a container, `recur site` on the host, one volume), found in review removed
    while that build ran."""
    for tmp in final.parent.glob(f"{glob.escape(final.name)}.tmp-*"):
        pid = tmp.name.rsplit("-", 1)[1]
        if _locked(tmp):
            continue
        if process_gone(pid) or (tmp.name == f"{final.name}.tmp-{pid}" and _abandoned(tmp)):
            shutil.rmtree(tmp, ignore_errors=True)


# A work folder's lock: the fd ``work_folder`` holds open (flock) on it while its build runs, one per folder name
_HELD: dict[str, int] = {}
# how old an unlocked work folder whose number a running process has must be to be taken as a dead build's: its
# build locks it just after making it, so younger may be a build between the two
UNLOCKED_STALE_S = 60


def _hold(work: Path) -> None:
    """Lock ``work`` (flock on the folder) for as long as this process builds in it: ``_abandoned``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: a folder is taken as its process number says
        return
    with contextlib.suppress(KeyError, OSError):  # the same folder made again (a server's second index write)
        os.close(_HELD.pop(os.path.realpath(work)))
    fd = os.open(work, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another build's remove_stale asking (_locked), which lets go at once: the folder
            fcntl.flock(fd, fcntl.LOCK_EX)  # is new, no build's. Left unlocked, the next build's removed it after 60 s
    except OSError:  # a file system without locks (some NFS): the process number alone tells
        os.close(fd)
        return
    except BaseException:
        os.close(fd)
        raise
    _HELD[os.path.realpath(work)] = fd


def _locked(tmp: Path) -> bool:
    """Whether a process (this one or another, in any pid namespace of this machine) holds ``tmp``'s lock: a
    running build's folder. False where it cannot be told (not POSIX, a file system without locks)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # EWOULDBLOCK: held
        return True
    except OSError:  # no locks here (EBADF, ENOLCK on some NFS)
        return False
    finally:
        os.close(fd)
    return False


def _abandoned(tmp: Path) -> bool:
    """Whether the work folder ``tmp``, whose process number is a running process's, is no build's: no process
    holds its lock and it was made over UNLOCKED_STALE_S ago. Not lockable here: not abandoned (kept)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        if time.time() - tmp.lstat().st_mtime < UNLOCKED_STALE_S or not tmp.is_dir():
            return False
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held: a running build's (or a file system without locks)
        return False
    finally:
        os.close(fd)
    return True


def remove_work(work: Path) -> None:
    """Remove the work folder ``work`` whole and let go of its lock. A Ctrl-C or SIGTERM arriving meanwhile (a
    second one, while the first one's clean-up runs) is raised after it, not in its middle: that left the
    folder half removed."""
    with signals_held():
        key = os.path.realpath(work)
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(KeyError, OSError):
            os.close(_HELD.pop(key))


@contextmanager
def signals_held():
    """Run the block whole: a SIGINT or SIGTERM arriving in it is noted, and its handler run after it (Ctrl-C's
    KeyboardInterrupt raised there). Only in the main thread, where Python runs signal handlers; elsewhere, and
    for a signal whose handler is not Python's, the block runs as it is."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list = []
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    held = [sig for sig, handler in before.items() if callable(handler)]
    for sig in held:
        signal.signal(sig, lambda signum, frame: came.append((signum, frame)))
    try:
        yield
    finally:
        for sig in held:
            signal.signal(sig, before[sig])
        for signum, frame in came[:1]:  # as if it had come now
            before[signum](signum, frame)


def _staging(final: Path) -> Path:
    return final.with_name(f"{final.name}.tmp-{os.getpid()}")


def work_folder_path(final) -> Path:
    """Where ``work_folder(final)`` makes this process's work folder, before it is made: a caller's clean-up set
    up before the making removes it whatever moment an interrupt comes (``remove_work``)."""
    return _staging(Path(final))


def check_swappable(final) -> None:
    """Fail before the work, not after it, when ``work_folder(final)`` and ``swap_folder`` could not
    write: what ``check_writable(final, folder=True)`` checks, and a file where the staging folder
    would be made. Raises the OSError that says why; creates nothing where ``final``'s parent exists."""
    final = Path(final)
    check_writable(final, folder=True)
    work = _staging(final)
    if work.exists() and not work.is_dir():  # work_folder's mkdir would fail on it
        raise FileExistsError(errno.EEXIST, f"{work} is a file, not a folder")


def work_folder(final: Path) -> Path:
    """A new, empty ``final.tmp-<pid>`` beside ``final``: where a build writes before
    ``swap_folder`` puts it in place. Folders left by killed runs are removed first."""
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(final)
    work = _staging(final)
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir()
        _hold(work)
    except BaseException:  # a Ctrl-C once it is made, before the caller's clean-up is set: this one's
        remove_work(work)
        raise
    return work


# A temp file of write_atomic: ``.NAME.<pid>-<12 hex>.tmp``, its writer's process in its name; an older Recur's
# named none (``.NAME.<12 hex>.tmp``)
_TEMP_TAG = re.compile(r"(?:(?P<pid>[0-9]+)-)?[0-9a-f]{12}")
# how long a temp file whose writer is gone is left: its process is no longer running and it has not changed for
# STALE_TEMP_S[0] (a writer on another machine sharing the folder has process numbers of its own, and its file
# changes while it is written); one that names no process, STALE_TEMP_S[1] since it last changed
STALE_TEMP_S = (60, 3600)


def _temp_names(folder: Path) -> set[str]:
    """The names in ``folder`` that may be a write's temp file (hidden, ``.tmp``): names alone, a year's folder of
    records listed once, only those looked at further."""
    return {n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp")}


def temp_writer(name: str, targets: Collection[str] | None = None) -> tuple[bool, str | None]:
    """Whether ``name`` is a temp file's as ``_temp_file`` names them (``.NAME.<pid>-<12 hex>.tmp``, or an older
    Recur's ``.NAME.<12 hex>.tmp``), and the writer's process number it carries (None: an older Recur's). With
    ``targets`` (a write's file name; the files Recur writes at a KB's root), an older Recur's counts only as one of
    theirs: a name with no process in it is too like a team's own files to be taken as Recur's beside any other
    (``.notes.202612070130.tmp``, a date and a time; an `--out` goes to any folder, a home folder)."""
    if not (name.startswith(".") and name.endswith(".tmp")):
        return False, None
    written, _, tag = name[1 : -len(".tmp")].rpartition(".")
    found = _TEMP_TAG.fullmatch(tag) if written else None
    if found is None or (found.group("pid") is None and targets is not None and written not in targets):
        return False, None
    return True, found.group("pid")


def _stale(st: os.stat_result, pid: str | None, now: float) -> bool:
    """Whether a temp file (stat ``st``, its writer's process ``pid`` or None) is a gone writer's: STALE_TEMP_S."""
    age = now - st.st_mtime
    return age > STALE_TEMP_S[1] if pid is None else age > STALE_TEMP_S[0] and process_gone(pid)


def stale_temps(
    folder, now: float | None = None, own: str | None = None, targets: Collection[str] | None = None
) -> list[tuple[Path, str | None, float]]:
    """The temp files in ``folder`` that gone writers left (``_stale``), sorted: (path, the writer's process or None,
    age in seconds against ``now``, by default this machine's clock); an older Recur's of ``targets`` alone, if given
    (``temp_writer``). Nothing is removed: `recur check` names them."""
    folder = Path(folder)
    try:
        names = _temp_names(folder)
    except OSError:
        return []
    return [(folder / name, pid, age) for name, pid, age in _stale_among(folder, names, now, own, targets)[0]]


def _stale_among(
    folder: Path, names, now: float | None, own: str | None, targets: Collection[str] | None = None
) -> tuple[list, set[str]]:
    """([(name, pid, age)] of the stale temp files among ``names`` in ``folder``, sorted; the names no longer there).
    ``targets``: the only files whose older Recur's temp files count (``temp_writer``), None: any."""
    now, stale, gone = time.time() if now is None else now, [], set()
    for name in sorted(names):
        ours, pid = temp_writer(name, targets)
        tmp = folder / name
        if not ours or (own is not None and str(tmp) == str(own)):
            continue
        try:
            st = tmp.lstat()
        except OSError:  # renamed into place, or removed, meanwhile
            gone.add(name)
            continue
        if stat.S_ISREG(st.st_mode) and _stale(st, pid, now):
            stale.append((name, pid, now - st.st_mtime))
    return stale, gone


def _remove_stale_of(folder: Path, names, now: float | None, own: str | None, targets: Collection[str]) -> set[str]:
    """Remove the stale temp files among ``names`` (in ``folder``), for a write of ``targets`` (its file); returns
    those of ``names`` no longer there (removed here, or renamed or removed meanwhile). They are the hidden temp files
    that writes killed inside their window (kill -9, a power cut) left; Ctrl-C and `kill` remove their own. Only temp
    files (``.NAME.…tmp``, as ``_temp_file`` names them), of any file there (an older Recur's, which names no
    process, only the target's own: ``temp_writer``), and only a gone writer's (``_stale``): another writer's at this
    moment, in this process (a server's threads) or another, is left to its rename. Found in a crash review: nothing
    ever removed them; then only a later write of the same file did, so a new record whose write was killed (a name
    never written again) left its temp file for good. ``now``: the mtime of the caller's own new temp file ``own``
    (left alone), so that ages are read on the clock that set them all, the file server's: read against this
    machine's clock, a server minutes behind made a live writer's file on another machine look stale (its process
    number is not one here), and it was removed mid-write."""
    stale, gone = _stale_among(folder, names, now, own, targets)
    for name, _, _ in stale:
        with contextlib.suppress(OSError):
            (folder / name).unlink()
            gone.add(name)
    return gone


def remove_stale_temps_in(folder, targets: Collection[str] | None = None) -> list[Path]:
    """Remove the temp files gone writers left in ``folder`` (``_remove_stale_of``) outside a write (`recur index`);
    returns those removed. Their ages are read on the file system's own clock, as a write reads them: against the
    mtime of a temp file of our own made there for that, and removed at once (a folder this process cannot write
    to: nothing to remove, none could be). Makes that file only where the folder holds a stale-looking one.
    ``targets``: as ``stale_temps``'s."""
    folder = Path(folder)
    try:
        if not stale_temps(folder, targets=targets):
            return []
        fd, own = _temp_file(folder / ".recur-clock")
    except OSError:
        return []
    try:
        now = os.fstat(fd).st_mtime
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(own)
    removed = []
    for path, _, _ in stale_temps(folder, now, own, targets):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def removal_refused(folder) -> str | None:
    """Why this process cannot remove a file from ``folder``, as the OS says beforehand: the folder is on a read-only
    file system (``READ_ONLY_FS``: a read-only mount in CI) or not writable by this user (``NOT_WRITABLE``: a KB
    another user owns); None when it can. `recur check` advised `recur index` for a temp file it then could not
    remove (``remove_stale_temps_in`` leaves such a folder as it is)."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return READ_ONLY_FS
    return None if os.access(folder, os.W_OK | os.X_OK) else NOT_WRITABLE


READ_ONLY_FS, NOT_WRITABLE = "on a read-only file system", "not writable by this user"


def owner_name(path) -> str:
    """The name of the user owning ``path``, its number where none is known, "unknown" where it cannot be read."""
    try:
        uid = Path(path).stat().st_uid
    except OSError:
        return "unknown"
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user {uid}"


# How often a process reads a folder it writes to again for temp files killed writers left (seconds). Listing the
# whole folder on every write made a write in a folder of 5,000 files 1.39x slower (bench/atomic_write.py). A temp
# file is only removed once a minute unchanged (STALE_TEMP_S[0]): read again sooner, the folder rarely holds one
# more to remove, and one a writer left after the last reading is removed by the first write in its folder after
# the next, a minute or two late (every new process reads a folder at its first write there)
TEMP_SCAN_S = 60.0
_SEEN: dict[str, tuple[float, set[str]]] = {}  # folder -> (when read, monotonic; its temp-like names then)
_SEEN_LOCK = threading.Lock()  # a server's threads write at once


def _remove_stale_temps_seen(path: Path, now: float, own: str) -> None:
    """``_remove_stale_of`` for a write, reading the folder at most once a TEMP_SCAN_S in this process: between
    two readings, the names the last one found are looked at (most often none: no file touched at all)."""
    folder = str(path.parent)
    with _SEEN_LOCK:
        when, names = _SEEN.get(folder, (None, None))
    if when is None or time.monotonic() - when >= TEMP_SCAN_S:
        try:
            names, when = _temp_names(path.parent) - {Path(own).name}, time.monotonic()
        except OSError:
            return
    gone = _remove_stale_of(path.parent, names, now, own, (path.name,))
    with _SEEN_LOCK:
        _keep_seen(folder, when, names - gone)


def _keep_seen(folder: str, when: float, names: set[str]) -> None:
    """Keep what a write found in ``folder`` (read at ``when``), holding _SEEN_LOCK. A newer reading another thread
    kept meanwhile stays. Readings a TEMP_SCAN_S old go: the next write there reads its folder again all the same,
    and a server writing into ever new folders (a dry run's, an export's temporary one) kept one for each for good."""
    kept = _SEEN.get(folder)
    if kept is not None and kept[0] > when:
        return
    _SEEN[folder] = (when, names)
    if kept is None:  # a folder new to this process: the ones read too long ago are let go
        now = time.monotonic()
        for old in [f for f, (at, _) in _SEEN.items() if f != folder and now - at >= TEMP_SCAN_S]:
            del _SEEN[old]


def _temp_file(path: Path) -> tuple[int, str]:
    """A new hidden file beside ``path``, made with mode 0o666 less the umask as any new file is:
    mkstemp's 0o600 made every record, edited cases.yml and `recur init` file unreadable to the
    rest of a team sharing the checkout (and to a `recur serve` running as another user). Its name
    carries this process's id: a later write of ``path`` removes it once the process is gone
    (``_remove_stale_of``)."""
    while True:
        tmp = str(path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:  # 48 random bits taken: draw again
            continue


def new_file_mode() -> int:
    """0o666 less the umask: the mode every file Recur writes gets (``_temp_file``). The umask can
    only be read by setting it; set back at once (a CLI run, no other thread creating files)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def share_files(folder: Path) -> None:
    """Give every file under ``folder`` the mode of a new file (``new_file_mode``): a library that
    writes 0o600 (safetensors' model.safetensors) left one file of a tuned model unreadable to the
    rest of a team and to a `recur serve` running as another user, beside 0o644 ones."""
    mode = new_file_mode()
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.chmod(path, mode)


def swap_folder(tmp: Path, final: Path, keep: Path | None = None) -> None:
    """Replace folder ``final`` by ``tmp``. Where the OS can exchange two names in one step (Linux
    renameat2), ``final`` never stops existing: a reader (``recur serve`` reloading, a ``recur
    suggest``, a site request) or a second writer swapping at the same moment always finds a whole
    folder. Elsewhere, two renames: the previous folder sits at ``final.old`` between them (where an
    interrupted swap can be recovered from). The previous folder is removed after, or, with
    ``keep``, put there (replacing what was there; ``keep`` may be ``tmp`` itself: a swap back)."""
    if _exchange(tmp, final):
        _set_aside(tmp, keep)  # now the previous folder
        return
    if not final.exists():  # nothing to set aside: ``final.old`` is not touched (a folder of that name stays)
        os.rename(tmp, final)
        return
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    with signals_held():  # a Ctrl-C between the two renames left no ``final`` at all
        os.rename(final, old)
        try:
            os.rename(tmp, final)
        except BaseException:
            os.rename(old, final)
            raise
        _set_aside(old, keep)  # in the block: an interrupt once the renames are done left ``final.old`` behind


def made_folder(final: Path, make) -> dict:
    """``final`` made whole or not at all: ``make(work)`` writes its files into a new ``work_folder`` and
    returns its info, written as ``info.json`` last; the folder then replaces ``final`` (``swap_folder``).
    The work folder is removed whatever happens; returns the info. (The server's ONNX export and the
    browser model's are made so.)"""
    import json

    work = work_folder(final)
    try:
        info = make(work)
        (work / "info.json").write_text(json.dumps(info, indent=1))
        swap_folder(work, final)
    finally:
        remove_work(work)
    return info


def _set_aside(previous: Path, keep: Path | None) -> None:
    if keep is None or not previous.exists():
        shutil.rmtree(previous, ignore_errors=True)
    elif previous.resolve() != keep.resolve():
        shutil.rmtree(keep, ignore_errors=True)
        os.rename(previous, keep)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(tmp: Path, final: Path) -> bool:
    """Swap the two names atomically; False where that is not possible (not Linux, an old kernel or
    C library, a file system without it, or no ``final`` yet: then a plain rename is atomic enough)."""
    if not sys.platform.startswith("linux") or not final.exists():
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(tmp), _AT_FDCWD, os.fsencode(final), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOENT):  # unsupported here, or ``final`` went meanwhile
        return False
    raise OSError(err, os.strerror(err), str(final))


@contextmanager
def only_one(lock: Path, what: str):
    """Hold an exclusive lock on the file ``lock`` for the block; when another process holds it,
    a RecurError at once naming ``what`` and that process. flock: the OS drops the lock when its
    holder exits, however it exits, so a killed run never leaves a stale lock behind."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no guard
        yield
        return
    with writing(lock, "a lock file"):
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            pid = f" (process {holder})" if holder.isdigit() else ""
            raise RecurError(f"{what}: another run{pid} is working on it; wait for it to end, or stop it") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@contextmanager
def editing(folder: Path, what: str, wait_s: float = 30.0, on_wait=None, lockless_ok: bool = False):
    """Hold an exclusive lock on ``folder`` while a file in it is read, changed and replaced, so two
    edits at once (two responders flagging one incident) are made one after the other, not one lost:
    the rename is atomic, the read-modify-write is not. It waits for the other edit (at most
    ``wait_s``; then ``Busy``), unlike ``only_one``; ``on_wait()`` is called once, when the lock is
    found held, so that a wait of minutes (a model's export) is said, not a silent hang. The lock is on
    the folder itself (flock on its descriptor), so no lock file is left in the KB, and the replaced
    file's new inode does not escape it. Where the file system refuses the lock (Linux NFS: an exclusive
    flock is a POSIX write lock there, which needs a file open for writing, which a folder cannot be, EBADF;
    NFS without lockd, ENOLCK; EOPNOTSUPP elsewhere), the block runs without it, as on a system without
    fcntl: a warning says so, logged once per folder in a process (``unlocked``; `recur` prints it on stderr),
    unless ``lockless_ok``: a caller whose own claim keeps it safe. It was an error (`Error: Bad file
    descriptor`), every edit refused."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no guard
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                flock_retried(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, folder)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Busy(f"{what}: another edit has held it for {wait_s:.0f} s; try again") from None
                if on_wait is not None:
                    on_wait()
                    on_wait = None  # said once
                time.sleep(0.05)
            except OSError as exc:  # not "held": refused here (BlockingIOError, a subclass, is caught above)
                if not lockless_ok:
                    unlocked(folder, what, exc)
                break
        yield
    finally:
        os.close(fd)


@contextmanager
def editing_if_free(folder: Path):
    """``folder``'s edit lock (the one ``editing`` takes) for the block, taken without waiting: yields True (taken),
    False (held: another process's edit, or this one's on another descriptor) or None (it cannot be told: not
    POSIX, the folder not opened, a file system that refuses locks). The lock, which the OS drops when its holder
    ends however it ends, says whether an edit runs; a process number found in a file does not (a number comes
    round again, or is a live process's on another machine, a file committed by mistake)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield None
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken = True
        except BlockingIOError:  # EWOULDBLOCK: held
            taken = False
        except OSError:  # no locks here (EBADF, ENOLCK on some NFS)
            taken = None
        yield taken
    finally:
        os.close(fd)


# the waits (seconds) before each new try of a lock refused with ENOLCK, "No locks available": on NFS, a lock daemon's
# hiccup (restarting, its server's grace period) refuses a lock a moment later taken; a vote or an edit then went
# without it. Under half a second in all: a vote waits while the server's other votes wait for it
LOCK_RETRY_S = (0.05, 0.1, 0.2)
_REFUSED: set[str] = set()  # locks refused at every try in this process: tried once from then on, until taken


def flock_retried(fd: int, operation: int, locked) -> int:
    """``fcntl.flock(fd, operation)`` on the file or folder ``locked``, tried again after each LOCK_RETRY_S when
    refused with ENOLCK; returns how many more tries it took. Raises what the last try raised, and at once what
    means held (BlockingIOError) or refused for good (EOPNOTSUPP, EBADF). A lock refused at every try is tried once
    from then on in this process, until it is taken again: NFS without a lock daemon refuses every one, and each
    vote would wait the retries out. Found in a crash review: one refusal made the vote or the edit go without the
    lock, said as "this file system refuses" it; a retry that takes it is said once (``said_once``)."""
    import fcntl

    key = os.path.abspath(locked)
    waits = () if key in _REFUSED else LOCK_RETRY_S
    tries = 0
    while True:
        try:
            fcntl.flock(fd, operation)
            break
        except BlockingIOError:
            raise
        except OSError as exc:
            if exc.errno != errno.ENOLCK or tries == len(waits):
                if exc.errno == errno.ENOLCK:
                    _REFUSED.add(key)
                raise
            time.sleep(waits[tries])
            tries += 1
    _REFUSED.discard(key)
    if tries:
        said_once(
            key,
            f"warning: {locked}: its lock was refused for a moment (No locks available; NFS lock daemon restarting?) "
            f"and taken at try {tries + 1}",
            kind="retried",
        )
    return tries


_UNLOCKED_SAID: set[str] = set()


def unlocked(folder, what: str, exc: OSError) -> None:
    """Log (``said_once``), once per folder in this process (a server edits one folder many times), that ``what`` is
    changed without the lock on ``folder`` the file system refused (``exc``), and what that risks."""
    said_once(
        folder,
        f"warning: {what}: changed without the lock on {folder}, which this file system refuses "
        f"({exc.strerror or exc}; NFS without locking?): a change another command makes to it at the same moment "
        "could be lost",
    )


def said_once(locked, line: str, kind: str = "") -> None:
    """Log ``line`` (a WARNING) the first time it is said of the folder or file ``locked`` in this process: that a
    lock on it was refused (``unlocked``, the feedback log's). Logged, as the library's other warnings are
    (retrieval/engine.py's LOG): printed, a bot recording incidents on NFS could neither route nor silence it;
    `recur`'s commands print it on stderr as before (cli/logs.py). ``kind``: another thing said once of the same
    folder or file (a lock taken on a retry, ``flock_retried``)."""
    key = os.path.abspath(locked) + (f"\0{kind}" if kind else "")
    if key in _UNLOCKED_SAID:
        return
    _UNLOCKED_SAID.add(key)
    with contextlib.suppress(OSError):  # nowhere to say it: the edit goes on all the same
        LOG.warning("%s", line)


def file_sha256(path) -> str:
    """A file's SHA-256 (hex), read a block at a time by hashlib, never whole."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_version(path) -> str:
    """A file's content version: the start of its SHA-256 (the browser bundle's ``versions`` and the
    site assets' ``?v=``, so a rebuilt site is never read from a cache that holds the last build)."""
    return file_sha256(path)[:16]


def repository_root(path) -> Path | None:
    """The git repository ``path`` is in (it or a folder above holding ``.git``: a folder, or a file in a
    worktree or a submodule), else None. Read from the file system: no git needed."""
    here = Path(path).resolve()
    return next((d for d in (here, *here.parents) if (d / ".git").exists()), None)


def current_branch(root: Path) -> str | None:
    """The branch checked out in the repository at ``root`` (its ``HEAD``: ``ref: refs/heads/NAME``), or None
    (a detached HEAD, a ``.git`` file of a worktree or a submodule, an unreadable one). Read from the file
    system: no git needed."""
    try:
        head = (Path(root) / ".git" / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return head.removeprefix("ref: refs/heads/") if head.startswith("ref: refs/heads/") else None


def gitignore_line(gitignore: Path, relpath: str) -> str | None:
    """The line of ``gitignore`` that makes git ignore ``relpath`` (a file, POSIX, relative to the folder
    holding it), or None. Git's rules for that one file (last match wins, ``!`` re-includes, a
    trailing ``/`` is a folder only, a ``/`` inside anchors it, a file in an ignored folder stays
    ignored), without git: `recur init --keep-existing --wheel` reads the team's own .gitignore, where
    GitHub's Python template ignores wheels/ and `git add .` left the wheel CI installs recur from out.
    Other ignore files (a nested .gitignore, core.excludesFile) are not read."""
    import fnmatch

    try:
        rules = [ln.rstrip() for ln in gitignore.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return None
    rules = [ln for ln in rules if ln and not ln.startswith("#")]
    parts = relpath.split("/")
    for depth in range(1, len(parts) + 1):  # each folder above the file, then the file
        path, is_dir, hit = "/".join(parts[:depth]), depth < len(parts), None
        for line in rules:
            pattern = line[1:] if line.startswith("!") else line
            if pattern.endswith("/") and not is_dir:
                continue
            pattern = pattern.rstrip("/")
            anchored = "/" in pattern
            name = path if anchored else parts[depth - 1]
            if fnmatch.fnmatchcase(name, pattern.lstrip("/")):
                hit = None if line.startswith("!") else line
        if hit is not None:
            return hit
    return None


def folder_options(options) -> list[str]:
    """The words naming folders in a command to run (``recur index``'s, ``recur site``'s rebuild): for each
    (option, folder, the command's default folder), the option and the folder where one is given and is not
    the default (compared as absolute paths), written as the user gave it: an absolute path made relative
    to the working directory (from /tmp, `--kb /tmp/srv/kb` became `--kb srv/kb`) did not read as the user's
    and broke when the command was run from elsewhere, as from a service's log (found in an operator's review)."""
    words = []
    for option, folder, default in options:
        if folder is not None and Path(os.path.abspath(folder)) != Path(os.path.abspath(default)):
            words += [option, Path(folder).as_posix()]
    return words
