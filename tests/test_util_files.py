"""recur.util.files.check_writable: the one start-up check behind `serve --feedback` (a file) and
`tune --index` (a folder); and `writing`, which names the target when the OS refuses a write."""

import os

import pytest

from recur.util.files import NotWritable, check_writable, writing


def test_a_file_in_the_way_is_not_a_directory_for_files_and_folders(tmp_path):
    (tmp_path / "a-file").write_text("")
    for folder in (False, True):
        with pytest.raises(NotADirectoryError):
            check_writable(tmp_path / "a-file" / "deeper" / "x", folder=folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_folder_where_a_file_goes_is_refused_and_a_folder_where_a_folder_goes_is_not(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError):
        check_writable(tmp_path / "d")
    check_writable(tmp_path / "d", folder=True)


def test_only_the_parent_folder_is_made(tmp_path):
    check_writable(tmp_path / "a" / "b" / "f.jsonl")
    check_writable(tmp_path / "c" / "index", folder=True)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["a", "a/b", "c"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_what_the_os_would_refuse_is_a_permission_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "votes.jsonl").write_text("")
    ro.chmod(0o500)
    try:
        check_writable(ro / "votes.jsonl")  # appended to in place: the folder may be read-only
        for path, folder in ((ro / "new.jsonl", False), (ro / "index", True), (ro / "votes.jsonl", True)):
            with pytest.raises(PermissionError):
                check_writable(path, folder=folder)
        (ro / "votes.jsonl").chmod(0o400)
        with pytest.raises(PermissionError):
            check_writable(ro / "votes.jsonl")
    finally:
        ro.chmod(0o700)


def test_writing_under_a_file_names_the_file_in_the_way(tmp_path):
    """mkdir under a file says "File exists" (or "Not a directory"), which names neither the file nor
    the fault: the message says which path is a file where a folder is needed."""
    (tmp_path / "afile").write_text("x")
    for target in (tmp_path / "afile" / "index", tmp_path / "afile" / "deep" / "site"):
        with pytest.raises(NotWritable) as err, writing(target, "the index"):
            target.mkdir(parents=True)
        assert str(err.value) == f"{target}: cannot write the index there: {tmp_path / 'afile'} is a file, not a folder"


KILLED_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from recur.util import files

path = Path(sys.argv[1])
fd, tmp = files._temp_file(path)  # a write of path, in its window: the temp file made, not yet renamed
os.write(fd, b"half of it")
os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_mid_write(path) -> str:
    """The hidden temp file a write of ``path`` killed by SIGKILL inside its window leaves (the process is gone)."""
    import subprocess
    import sys
    from pathlib import Path

    tools = str(Path(__file__).resolve().parents[1] / "tools")
    env = dict(os.environ, PYTHONPATH=tools)
    before = set(os.listdir(path.parent))
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, str(path)], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == -9, done.stderr
    (left,) = set(os.listdir(path.parent)) - before
    return left


def _aged(path, seconds: float) -> None:
    import time

    os.utime(path, (time.time() - seconds, time.time() - seconds))


def test_a_later_write_removes_the_temp_files_of_writes_killed_in_their_window_and_only_those(tmp_path, monkeypatch):
    """A kill -9 inside write_atomic's window left `.NAME.<hex>.tmp` beside the file for good. A later write in its
    folder removes those of a writer gone (its process not running, the file unchanged for a minute; an older
    Recur's, which name no process, after an hour), of any file there (a new record's whose write was killed: a name
    never written again), never another writer's now (this process's own, a live process's, one changed within the
    minute), nor a file of the team's that looks alike."""
    from recur.util import files
    from recur.util.files import write_atomic

    monkeypatch.setattr(files, "TEMP_SCAN_S", 0.0)  # every write reads the folder, as one a minute after the last does
    target = tmp_path / "INC-2026-0001.md"
    write_atomic(target, "first\n")
    killed = _killed_mid_write(target)
    assert killed.endswith(".tmp") and (tmp_path / killed).read_text() == "half of it"
    _aged(tmp_path / killed, 120)
    recent = _killed_mid_write(target)  # gone too, but changed within the minute: a writer on another machine?
    kept = {
        recent,
        f".{target.name}.{os.getpid()}-0123456789ab.tmp",  # this process's: another thread writing it now
        f".{target.name}.1-0123456789ab.tmp",  # a live process's (pid 1)
        f".{target.name}.0123456789ac.tmp",  # no process named, younger than an hour
        ".INC-2026-0003.md.1-0123456789ab.tmp",  # another file's, a live process's
        f".{target.name}.notes.tmp",  # not a name of ours
    }
    old_style = f".{target.name}.0123456789ad.tmp"
    new_record = _killed_mid_write(tmp_path / "INC-2026-0002.md")  # another file's, never written: its writer gone
    for name in (kept - {recent}) | {old_style}:
        (tmp_path / name).write_text("x")
        _aged(tmp_path / name, 120)
    _aged(tmp_path / old_style, 7200)
    _aged(tmp_path / new_record, 120)
    write_atomic(target, "second\n", overwrite=True)
    assert target.read_text() == "second\n"
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith(".")} == kept
    assert not (tmp_path / "INC-2026-0002.md").exists()


def test_an_out_file_write_leaves_a_teams_file_named_like_an_older_recurs_temp_of_another_file(tmp_path):
    """Found in a re-read: a write removed the old temp files of any file in its folder, an older Recur's too, whose
    name carries no process (``.NAME.<12 hex>.tmp``), and an `--out` goes to any folder. `recur kb-format --out
    fmt.md` in a home folder deleted the user's `.notes.202612070130.tmp` (a date and a time are 12 hex digits), a
    file Recur never wrote. An older Recur's temp file of the written file itself is still removed, and a gone
    writer's of any other file there that names its process."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    out = tmp_path / "fmt.md"
    teams = tmp_path / ".notes.202612070130.tmp"
    teams.write_text("my notes")
    old_own = tmp_path / ".fmt.md.0123456789ab.tmp"
    old_own.write_text("x")
    other = tmp_path / _killed_mid_write(tmp_path / "report.md")
    for path in (teams, old_own, other):
        _aged(path, 7200)
    res = CliRunner().invoke(cli, ["kb-format", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.exists() and teams.read_text() == "my notes"
    assert not old_own.exists() and not other.exists()


def test_a_kb_with_temp_files_left_by_killed_writes_is_checked_naming_them_and_indexed_removing_them(tmp_path):
    """`recur check --strict` and `recur index` pass over a killed write's temp files (hidden: no records). A write
    removed only its own file's, so one in a folder nothing writes to again (last year's incidents) stayed for good:
    `recur check` names each (a warning --strict does not fail on), `recur index` removes them and says so, and
    `recur incident link`, which rewrites a record, removes those of its folder."""
    from click.testing import CliRunner
    from kbfactory import small_kb

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")
    record = next((kb / "incidents").rglob("INC-*.md"))
    pattern = next((kb / "patterns").rglob("disk-full.md"))
    killed = (record.with_name("INC-2026-0999.md"), pattern.with_name("never-written.md"), kb / "eval" / "cases.yml")
    temps = [p.parent / _killed_mid_write(p) for p in killed]
    for temp in temps:
        _aged(temp, 120)
    base = ["--kb", str(kb)]
    res = CliRunner().invoke(cli, ["check", "--strict", *base])
    assert res.exit_code == 0, res.output
    said = [line for line in res.stdout.splitlines() if "a temp file a write killed mid-way left" in line]
    assert [line.split(":")[0] for line in said] == sorted(os.path.relpath(t) for t in temps), res.stdout
    assert all("which is gone; unchanged for 2 min" in line for line in said), said
    link = ["incident", "link", record.stem, "dns-failure", "--model", "fake:64", "--index", str(tmp_path / "idx")]
    res = CliRunner().invoke(cli, [*link, *base])
    assert res.exit_code == 0, res.output
    assert [t.exists() for t in temps] == [False, True, True]  # another file's of the record's folder
    res = CliRunner().invoke(cli, ["index", "--model", "fake:64", "--index", str(tmp_path / "idx"), *base])
    assert res.exit_code == 0, res.output
    assert f"Removed 2 temp files that writes killed mid-way left: {os.path.relpath(temps[2])}, " in res.stderr
    assert not any(t.exists() for t in temps) and not list(kb.rglob(".*.tmp"))  # the clock's own file too
    res = CliRunner().invoke(cli, ["check", "--strict", *base])
    assert res.exit_code == 0 and "temp file" not in res.output, res.output


def test_check_and_index_take_a_kb_roots_file_named_like_an_older_recurs_temp_for_the_teams(tmp_path):
    """Found in a re-read: `recur check` said to delete, and `recur index` deleted, any hidden `.NAME.<12 hex>.tmp`
    an hour old at the KB's root, taken for an older Recur's temp file (no process in its name), and the root may be
    a repository's, holding files of the team's own (a build's `.build.0123456789ab.tmp`). There, only those of the
    KB files Recur writes are; in the KB's own folders, any file's still are (a new record's)."""
    from click.testing import CliRunner
    from kbfactory import small_kb

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")
    teams, old_yml = kb / ".build.0123456789ab.tmp", kb / ".recur.yml.0123456789ab.tmp"
    old_record = kb / "patterns" / ".never-written.md.0123456789ab.tmp"
    for path in (teams, old_yml, old_record):
        path.write_text("x")
        _aged(path, 7200)
    base = ["--kb", str(kb)]
    res = CliRunner().invoke(cli, ["check", *base])
    said = [line.split(":")[0] for line in res.stdout.splitlines() if "a temp file a write killed" in line]
    assert said == [os.path.relpath(old_yml), os.path.relpath(old_record)], res.stdout
    res = CliRunner().invoke(cli, ["index", "--model", "fake:64", "--index", str(tmp_path / "idx"), *base])
    assert res.exit_code == 0, res.output
    assert teams.read_text() == "x" and not old_yml.exists() and not old_record.exists()


def test_check_tells_to_remove_by_hand_a_killed_writes_temp_file_index_cannot_remove_and_index_names_it(tmp_path):
    """Found in review: on a KB this user cannot write (a read-only checkout, a KB another user owns) `recur check`
    still said to let `recur index` remove a killed write's temp file, and `recur index` left it without a word
    (exit 0). Check now says the folder is not writable, who can remove it by hand, and the command naming the file;
    index names it the same way and still exits 0 (the index is built: the file is a leftover, never read). Once the
    folder is writable again, both are as before: check's advice is `recur index`, which removes it."""
    from click.testing import CliRunner
    from kbfactory import small_kb

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")
    folder = next((kb / "incidents").rglob("INC-*.md")).parent
    temp = folder / _killed_mid_write(folder / "INC-2026-0999.md")
    _aged(temp, 120)
    base, shown = ["--kb", str(kb)], os.path.relpath(temp)
    index = ["index", "--model", "fake:64", "--index", str(tmp_path / "idx"), *base]
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("chmod does not restrict this user (root)")
        res = CliRunner().invoke(cli, ["check", "--strict", *base])
        assert res.exit_code == 0, res.output
        (said,) = [line for line in res.stdout.splitlines() if line.startswith(f"{shown}:1: file: warning:")]
        assert "its folder is not writable by this user, so `recur index` cannot remove it: " in said, said
        assert f"have its folder's owner ({_owner(folder)}), or a user who can write there, remove it by hand" in said
        assert said.endswith(f": rm {temp}") and "let `recur index`" not in said, said  # absolute: the owner runs it
        res = CliRunner().invoke(cli, index)
        assert res.exit_code == 0, res.output
        left = f"Left {shown}, a temp file a write killed mid-way left: its folder is not writable by this user"
        assert left in res.stderr and f": rm {temp}\n" in res.stderr and "Traceback" not in res.output, res.stderr
        assert temp.exists()
    finally:
        folder.chmod(0o755)
    res = CliRunner().invoke(cli, ["check", *base])
    assert "let `recur index` or the next write in its folder remove it" in res.stdout, res.stdout
    assert "by hand" not in res.stdout, res.stdout
    res = CliRunner().invoke(cli, index)
    assert res.exit_code == 0 and f"Removed 1 temp file that writes killed mid-way left: {shown}" in res.stderr
    assert not temp.exists()


def test_the_command_told_to_a_kbs_owner_names_the_temp_file_from_any_folder(tmp_path, monkeypatch):
    """Found in review: the `rm` told to the owner of a KB this user cannot write named the temp file relative to
    this user's working folder (`rm ../kb/incidents/…/.INC….tmp`), a file the owner, another user in a folder of
    their own, could not remove with it. It is named by its absolute path, quoted (a folder with a space), by check
    and by index."""
    import shlex

    from click.testing import CliRunner
    from kbfactory import small_kb

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "team kb")
    folder = next((kb / "incidents").rglob("INC-*.md")).parent
    temp = folder / _killed_mid_write(folder / "INC-2026-0999.md")
    _aged(temp, 120)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    rm = f": rm {shlex.quote(str(temp))}"
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("chmod does not restrict this user (root)")
        res = CliRunner().invoke(cli, ["check", "--kb", str(kb)])
        (said,) = [line for line in res.stdout.splitlines() if "by hand" in line]
        assert said.endswith(rm), said
        res = CliRunner().invoke(
            cli, ["index", "--model", "fake:64", "--index", str(tmp_path / "idx"), "--kb", str(kb)]
        )
        assert res.exit_code == 0 and f"{rm}\n" in res.stderr, res.stderr
    finally:
        folder.chmod(0o755)


def _owner(path) -> str:
    import pwd

    return pwd.getpwuid(path.stat().st_uid).pw_name


HOLDING_A_TEMP = """
import os, sys, time
from pathlib import Path
from recur.util import files

fd, tmp = files._temp_file(Path(sys.argv[1]))  # a write of a new record, in its window, not yet renamed
os.write(fd, b"being written")
past = time.time() - 7200  # unchanged for two hours: only its writer's being alive keeps it
os.utime(tmp, (past, past))
print(os.path.basename(tmp), flush=True)
sys.stdin.read(1)  # held until the test has looked
"""


def test_a_temp_file_a_live_writer_holds_is_never_removed_by_a_write_in_its_folder_nor_by_index(tmp_path, monkeypatch):
    """Removing every gone writer's temp file in a folder (not only the file's own) must never take a live one's: a
    second process holds a temp file of a record in its window (unchanged for two hours); a write of another file in
    the folder, `recur index`'s sweep and `recur check` leave it. Killed (kill -9), the next write removes it."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from recur.util import files

    monkeypatch.setattr(files, "TEMP_SCAN_S", 0.0)  # every write reads the folder, as one a minute after the last does
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "tools"))
    record = tmp_path / "INC-2026-0050.md"
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLDING_A_TEMP, str(record)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        held = tmp_path / writer.stdout.readline().decode().strip()
        assert held.name.startswith(f".{record.name}.{writer.pid}-"), held
        files.write_atomic(tmp_path / "INC-2026-0051.md", "another record\n")
        assert files.remove_stale_temps_in(tmp_path) == [] and files.stale_temps(tmp_path) == []
        assert held.read_bytes() == b"being written"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
    assert [p for p, _, _ in files.stale_temps(tmp_path)] == [held]  # its writer gone: named, then removed
    files.write_atomic(tmp_path / "INC-2026-0051.md", "edited\n", overwrite=True)
    assert not held.exists() and not record.exists()


def test_temp_file_ages_are_read_on_the_file_servers_clock_not_this_machines(tmp_path, monkeypatch):
    """On NFS a file's mtime is set by the server's clock. Ages were read against this machine's: with the server
    10 minutes behind, a temp file a writer on another machine had just made (its process number not one here)
    looked 10 minutes old, and a write here removed it mid-write. They are read against the mtime of the writer's
    own new temp file, set by the same clock. The server's clock is simulated: every file's mtime 10 minutes
    behind this machine's, the writer's own new file's too (the real _temp_file, its mtime set so after it)."""
    import time

    from recur.util import files

    behind = 600.0
    real = files._temp_file

    def on_a_server_behind(path):
        fd, tmp = real(path)
        server_now = time.time() - behind
        os.utime(tmp, (server_now, server_now))  # what the server stamped on the file it made
        return fd, tmp

    monkeypatch.setattr(files, "_temp_file", on_a_server_behind)
    monkeypatch.setattr(files, "TEMP_SCAN_S", 0.0)  # every write reads the folder, as one a minute after the last does
    target = tmp_path / "INC-2026-0001.md"
    files.write_atomic(target, "first\n")
    fresh = _killed_mid_write(target)  # its writer not a process here, its file 5 s old on the server's clock
    stale = _killed_mid_write(target)  # its writer gone, 2 minutes old on the server's clock
    _aged(tmp_path / fresh, behind + 5)
    _aged(tmp_path / stale, behind + 120)
    files.write_atomic(target, "second\n", overwrite=True)
    assert target.read_text() == "second\n"
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith(".")} == {fresh}


def test_a_process_reads_a_folder_for_killed_writes_temp_files_once_a_minute_not_at_every_write(tmp_path, monkeypatch):
    """Every write listed its whole folder for the temp files killed writers left: in a folder of 5,000 records a
    write was 1.39x slower. A process reads a folder at its first write there, then at most once a TEMP_SCAN_S (a
    minute): a temp file a writer killed after that reading left stays until the next one; one that reading found
    is removed by a later write in the folder once stale, the folder not read again. Another writer's is still left
    alone."""
    from recur.util import files

    # an hour, not a minute: the writes below fall within it however long a loaded machine stalls between them
    monkeypatch.setattr(files, "TEMP_SCAN_S", 3600.0)
    first, second = tmp_path / "INC-2026-0001.md", tmp_path / "INC-2026-0002.md"
    before = _killed_mid_write(second)  # changed within the minute: not stale yet
    files.write_atomic(first, "one\n")  # this process's first write here: the folder read, `before` seen
    assert (tmp_path / before).exists()
    _aged(tmp_path / before, 120)
    after = _killed_mid_write(first)
    _aged(tmp_path / after, 120)
    files.write_atomic(first, "two\n", overwrite=True)  # within the minute: the folder not read again
    assert not (tmp_path / before).exists() and (tmp_path / after).exists()  # what the first reading found goes
    live = tmp_path / f".{first.name}.1-0123456789ab.tmp"  # a live process's (pid 1)
    live.write_text("x")
    _aged(live, 120)
    monkeypatch.setattr(files, "TEMP_SCAN_S", 0.0)  # a minute later
    files.write_atomic(second, "one\n")
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith(".")} == {live.name}
    assert first.read_text() == "two\n" and second.read_text() == "one\n"


def test_a_process_writing_into_ever_new_folders_keeps_only_the_last_minutes_readings(tmp_path, monkeypatch):
    """What a reading of a folder found was kept for every folder a process ever wrote into: a `recur serve` that
    writes into a new temporary folder at each request (a dry run's) grew it for good. A reading a TEMP_SCAN_S old
    is read again at the next write there anyway: it is let go when the process first writes into another folder."""
    from recur.util import files

    monkeypatch.setattr(files, "_SEEN", {})
    monkeypatch.setattr(files, "TEMP_SCAN_S", 0.0)  # every reading as old as a minute at the next write
    folders = [tmp_path / f"dry-run-{n}" for n in range(50)]
    for folder in folders:
        files.write_atomic(folder / "INC-2026-0001.md", "one\n")
    assert set(files._SEEN) == {str(folders[-1])}
    monkeypatch.setattr(files, "TEMP_SCAN_S", 3600.0)  # within it (an hour: however slow this machine): all kept
    for folder in folders[:3]:
        files.write_atomic(folder / "INC-2026-0002.md", "two\n")
    assert set(files._SEEN) == {str(f) for f in folders[:3]} | {str(folders[-1])}


def test_an_edits_folder_lock_refused_for_a_moment_is_tried_again_and_held(tmp_path, monkeypatch, caplog):
    """One ENOLCK on an edit's folder lock (an NFS lock daemon's hiccup) made the edit go without it, said as "this
    file system refuses" the lock: two edits at once could then lose one. It is tried again and held (a second edit
    finds it held), said once. (The kernel's refusal is a stand-in for fcntl.flock on this folder, its first try.)"""
    import errno
    import fcntl
    import logging

    from recur.util import files
    from recur.util.errors import Busy

    flock, refusals = fcntl.flock, [1]

    def lockd_hiccup(fd, operation):
        if os.path.samestat(os.fstat(fd), os.stat(tmp_path)) and refusals[0]:
            refusals[0] -= 1
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        return flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", lockd_hiccup)
    monkeypatch.setattr(files, "_UNLOCKED_SAID", set())
    monkeypatch.setattr(files, "_REFUSED", set())
    with (
        caplog.at_level(logging.WARNING, logger="recur"),
        files.editing(tmp_path, "INC-2026-0001"),
        pytest.raises(Busy),  # a second edit finds the lock held
        files.editing(tmp_path, "INC-2026-0001", wait_s=0),
    ):
        pass
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        f"warning: {tmp_path}: its lock was refused for a moment (No locks available; NFS lock daemon "
        "restarting?) and taken at try 2"
    ], said
