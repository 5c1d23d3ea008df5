"""What a stat tells of a file's contents without reading them: the one fingerprint every "did this file
change?" look in Recur compares (a KB's files signature, an index folder's, the MCP server's KB reads, a model
folder's cached hash). Size and mtime alone missed a same-size edit whose mtime stayed or came back: an editor or
`touch -r` that restores it, a `git checkout` within one tick of a coarse clock (1 s on some file systems), so a
served KB answered from an old read and an index said it was up to date when it was not (a test audit)."""

from __future__ import annotations

import os


def stat_stamp(st: os.stat_result) -> list[int]:
    """[size, mtime_ns, ctime_ns, inode] of a stat. The ctime no user tool can set, and every write, utime,
    chmod and rename moves it; the inode changes when a file is renamed over this one (an atomic save, a
    checkout). Size first: callers compare ``[:1]`` to tell a changed size (the contents differ) from a changed
    time (read them to know). A list: it is recorded as JSON (an index's manifest) and compared with that."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def file_stamp(path) -> list[int] | None:
    """``stat_stamp`` of the file at ``path`` (links followed); None when it cannot be stat'ed (gone)."""
    try:
        return stat_stamp(os.stat(path))
    except OSError:
        return None
