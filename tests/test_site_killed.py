"""`recur site` killed (SIGKILL, or a Ctrl-C or SIGTERM in its own clean-up) at each step between making its
build folder and the end of the swap: the site at --out is whole (the old one or the new one) at every such
moment, and the next `recur site` leaves nothing behind, but never removes a running build's folder.

The signal lands at a fixed point, not after a guessed delay: a sitecustomize.py on PYTHONPATH adds an audit
hook (sys.addaudithook) that, at the chosen event (a rename, an rmtree, the marker's write), says so on a named
pipe the test holds and waits for a byte on another; the test signals the process then. Nothing of Recur's is
replaced: the hook only holds the process where the real code is about to act."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_helpers import AS_OF, recur_site, site_kb

from recur.cli.main import cli
from recur.kb.site_record import SITE_MARKER

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")

STOPPER = """\
import os, re, sys

_STOPS = [s.split(" ", 1) for s in os.environ.get("HELD_AT_TEST_STOPS", "").split(";;") if s]
_FAIL = os.environ.get("HELD_AT_TEST_NO_EXCHANGE")
_SEEN = []


def _hook(event, args):
    if _FAIL and event == "ctypes.dlsym" and args[-1] == "renameat2":
        raise AttributeError("renameat2")  # as a C library without it: swap_folder's two renames
    if not _STOPS or event != _STOPS[0][0] or not re.search(_STOPS[0][1], repr(args)):
        return
    _STOPS.pop(0)
    _SEEN.append(event)
    said = os.open(os.environ["HELD_AT_TEST_BLOCKED"], os.O_WRONLY)
    os.write(said, b"x")
    os.close(said)
    go = os.open(f"{os.environ['HELD_AT_TEST_GO']}-{len(_SEEN)}", os.O_RDONLY)  # a pipe of its own for each stop
    try:
        os.read(go, 1)  # the test's byte, after its signal
    finally:
        os.close(go)


sys.addaudithook(_hook)
"""


@pytest.fixture(scope="module")
def kb_and_site(tmp_path_factory):
    """A KB and a site `recur site` built from it (copied in as the previous site of each test's --out)."""
    tmp = tmp_path_factory.mktemp("killed")
    kb = site_kb(tmp / "kb")
    result = recur_site(kb, tmp / "site", "--no-browser-search")
    assert result.exit_code == 0, result.output
    return kb, tmp / "site"


class Held:
    """A `recur site` in a process of its own, held at each of ``stops`` (``(audit event, regex of its
    arguments)``) in turn until ``go``."""

    def __init__(self, tmp_path: Path, kb: Path, out: Path, stops, *extra: str, no_exchange: bool = False):
        hook = tmp_path / "hook"
        hook.mkdir(exist_ok=True)
        (hook / "sitecustomize.py").write_text(STOPPER)
        pipes = tmp_path / "pipes"
        pipes.mkdir()
        blocked, gos = pipes / "blocked", [pipes / f"go-{n}" for n in range(1, len(stops) + 1)]
        for fifo in (blocked, *gos):
            os.mkfifo(fifo)
        env = dict(os.environ, PYTHONPATH=f"{hook}{os.pathsep}{TOOLS}", HELD_AT_TEST_BLOCKED=str(blocked))
        env.update(HELD_AT_TEST_GO=str(pipes / "go"), HELD_AT_TEST_STOPS=";;".join(f"{e} {r}" for e, r in stops))
        if no_exchange:
            env["HELD_AT_TEST_NO_EXCHANGE"] = "1"
        # open at once (Linux: read and write), so the process's opens do not wait; a byte left unread in one stop's
        # pipe (the signal raised in the wait) is not read at the next stop
        self.said, self.gos, self.at = os.open(blocked, os.O_RDWR), [os.open(go, os.O_RDWR) for go in gos], 0
        args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "-q", "--no-browser-search"]
        args += ["--index", str(tmp_path / "no-index")]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "recur", *args, *extra],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
        )

    def stopped(self) -> None:
        """Wait until the process is held at its next stop (it must not end first)."""
        while not select.select([self.said], [], [], 1)[0]:
            assert self.proc.poll() is None, self.proc.communicate()
        os.read(self.said, 1)
        self.at += 1

    def release(self) -> None:
        os.write(self.gos[self.at - 1], b"x")

    def end(self, timeout: float = 120) -> tuple[int, str]:
        """Its exit code and stderr, once it has ended (a guard against a hang, not a measure)."""
        try:
            _, err = self.proc.communicate(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for fd in (self.said, *self.gos):
                os.close(fd)
        return self.proc.returncode, err.decode()


def _left(folder: Path, out: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f"{out.name}.") or p.name.startswith("."))


def _whole(out: Path) -> str:
    """Which whole site ("old" or "new") ``out`` holds (its marker and home page there)."""
    assert (out / SITE_MARKER).is_file() and (out / "index.html").is_file(), sorted(os.listdir(out.parent))
    return "old" if (out / "old.txt").exists() else "new"


def _previous(site: Path, out: Path) -> None:
    shutil.copytree(site, out)
    (out / "old.txt").write_text("the previous site")


def _rebuilt(kb: Path, out: Path, *extra: str):
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "-q", "--no-browser-search"]
    args += ["--index", str(out.parent / "no-index"), *extra]
    return CliRunner().invoke(cli, args)


WORK = r"/out\.tmp-\d+"
BUILT = ("open", WORK + r"/site/" + re.escape(SITE_MARKER))  # the marker written: the new site whole, not swapped
CLEAN_UP = [BUILT, ("shutil.rmtree", WORK + r"'")]  # then the build folder's removal (not the one before its mkdir)
KILLED_AT = {  # where: (audit events and their arguments, held at the last), which site --out holds then
    "built, before the swap": ([BUILT], "old"),
    "swapped, the old site not yet removed": ([("shutil.rmtree", WORK + r"/site'")], "new"),
    "its build folder being removed": (CLEAN_UP, "new"),
}


@pytest.mark.parametrize("where", list(KILLED_AT))
def test_a_build_killed_at_each_step_leaves_a_whole_site_and_the_next_build_nothing(kb_and_site, tmp_path, where):
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    stops, holds = KILLED_AT[where]
    held = Held(tmp_path, kb, out, stops)
    for _ in stops[1:]:
        held.stopped()
        held.release()
    held.stopped()
    held.proc.kill()
    assert held.end()[0] == -signal.SIGKILL
    assert _whole(out) == holds
    assert _left(tmp_path, out) == [f"out.tmp-{held.proc.pid}"]  # what the kill left
    assert _rebuilt(kb, out).exit_code == 0
    assert _whole(out) == "new" and _left(tmp_path, out) == []


def test_a_dead_builds_folder_whose_number_another_process_has_now_is_removed_not_a_running_builds(
    kb_and_site, tmp_path
):
    """A process number comes round again: the folder of a build killed long ago, named by a number a running
    process (not a build) has now, stayed while that process ran. The folder of a build still running stays,
    however old."""
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    running = Held(tmp_path, kb, out, [BUILT])
    try:
        running.stopped()  # a build held just before its swap: running, its folder made long ago (below)
        killed = tmp_path / f"out.tmp-{other.pid}"
        killed.mkdir()
        (killed / "index.html").write_text("half a site")  # as a build killed there left it
        long_ago = time.time() - 3600
        for folder in (killed, tmp_path / f"out.tmp-{running.proc.pid}"):
            os.utime(folder, (long_ago, long_ago))
        assert _rebuilt(kb, out).exit_code == 0
        assert _left(tmp_path, out) == [f"out.tmp-{running.proc.pid}"]  # the running build's alone
        running.release()
        code, err = running.end()
        assert code == 0, err
        assert _whole(out) == "new" and _left(tmp_path, out) == []
    finally:
        other.communicate(b"")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_during_the_clean_up_ends_it_whole(kb_and_site, tmp_path, signum):
    """Ctrl-C (or SIGTERM) while the build folder was removed, the new site just swapped in: the removal was cut
    short, and its folder left."""
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    held = Held(tmp_path, kb, out, CLEAN_UP)
    held.stopped()
    held.release()
    held.stopped()
    held.proc.send_signal(signum)
    held.release()
    code, err = held.end()
    assert code == 130 and err == "Interrupted.\n", (code, err)
    assert _whole(out) == "new" and _left(tmp_path, out) == []


def test_a_second_interrupt_during_a_ctrl_c_s_clean_up_leaves_nothing(kb_and_site, tmp_path):
    """Ctrl-C during the build, then SIGTERM (a second Ctrl-C, a service manager's stop) while its clean-up
    removes the build folder: the first interrupt's message and exit 130, the previous site kept, nothing left."""
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    held = Held(tmp_path, kb, out, CLEAN_UP)
    held.stopped()
    held.proc.send_signal(signal.SIGINT)
    held.release()
    held.stopped()  # its clean-up: the build folder about to be removed
    held.proc.send_signal(signal.SIGTERM)
    held.release()
    code, err = held.end()
    assert code == 130 and err == "Interrupted.\n" and "Traceback" not in err, (code, err)
    assert _whole(out) == "old" and _left(tmp_path, out) == []


BETWEEN_RENAMES = ("os.rename", WORK + r"/site', '[^']*/out'")  # the new site's, the old one set aside


def test_killed_between_the_two_renames_the_next_build_puts_the_site_back_even_if_it_fails(kb_and_site, tmp_path):
    """Where the file system cannot exchange two names in one step, the swap takes two renames: a build killed
    between them left no --out (the site at out.old), and the next build removed out.old before its own swap:
    one that failed left no site at all. It is put back first."""
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    held = Held(tmp_path, kb, out, [BETWEEN_RENAMES], no_exchange=True)
    held.stopped()
    held.proc.kill()
    held.end()
    assert not out.exists() and (tmp_path / "out.old" / "old.txt").exists()  # the window itself
    bad = tmp_path / "bad.yml"
    bad.write_text("site_name: x\ntheme:\n  name: no-such-theme\nplugins:\n  - recur\n")
    assert _rebuilt(kb, out, "--config", str(bad)).exit_code == 1
    assert _whole(out) == "old" and _left(tmp_path, out) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_between_the_two_renames_leaves_a_site(kb_and_site, tmp_path, signum):
    """Ctrl-C (or SIGTERM) between the two renames left no --out at all: the new site was removed with the build
    folder, the old one sat at out.old."""
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    held = Held(tmp_path, kb, out, [BETWEEN_RENAMES], no_exchange=True)
    held.stopped()
    held.proc.send_signal(signum)
    held.release()
    code, err = held.end()
    assert code == 130 and err == "Interrupted.\n", (code, err)
    assert _whole(out) in ("old", "new") and _left(tmp_path, out) == []


def test_the_first_build_leaves_a_folder_named_like_its_set_aside_one_alone(kb_and_site, tmp_path):
    """The first build (no --out yet) removed a folder named out.old, whatever it held, before its rename."""
    kb, _ = kb_and_site
    out = tmp_path / "out"
    mine = tmp_path / "out.old"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    assert _rebuilt(kb, out).exit_code == 0
    assert _whole(out) == "new" and (mine / "notes.txt").read_text() == "keep"


# a build in another pid namespace, as the host sees it: its folder locked by a running process, its number naming
# no process here. Made by a real work_folder, then renamed to a dead process's number (a lock stays with the folder)
HELD_ELSEWHERE = """\
import os, sys
from pathlib import Path
from recur.util.files import work_folder

work = work_folder(Path(sys.argv[1]))
os.rename(work, work.with_name(f"{Path(sys.argv[1]).name}.tmp-{sys.argv[2]}"))
print("held", flush=True)
sys.stdin.read()
"""


def test_a_running_builds_folder_whose_number_names_no_process_here_stays(kb_and_site, tmp_path):
    """`recur serve` in a container and `recur site` on the host over one volume: each one's process number means
    nothing to the other (pid namespaces), and the host's build removed the container's folder while it ran (found
    in review, with `unshare --pid`). A folder whose lock a process holds is a running build's, whatever its
    number says."""
    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(done.stdout)  # ended and reaped: no process of that number here
    env = dict(os.environ, PYTHONPATH=TOOLS)
    other = subprocess.Popen(
        [sys.executable, "-c", HELD_ELSEWHERE, str(out), str(dead)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        assert other.stdout.readline() == "held\n", other.communicate()
        assert _rebuilt(kb, out).exit_code == 0
        assert _left(tmp_path, out) == [f"out.tmp-{dead}"]  # the running build's folder stays
    finally:
        other.communicate("")
    assert _rebuilt(kb, out).exit_code == 0
    assert _whole(out) == "new" and _left(tmp_path, out) == []  # once it has ended, removed


def _waits_for_lock(pid: int) -> bool:
    """Whether process ``pid`` waits for a flock another holds (a ``->`` line of /proc/locks)."""
    return any(" -> FLOCK " in line and f" {pid} " in line for line in Path("/proc/locks").read_text().splitlines())


@pytest.mark.skipif(not Path("/proc/locks").is_file(), reason="reads /proc/locks (Linux)")
def test_a_build_locking_its_folder_while_another_build_looks_at_it_still_holds_it(kb_and_site, tmp_path):
    """Another build's clean-up asks each work folder's lock by taking it for a moment. A build that made its folder
    and locked it in that moment went on unlocked: after a minute, the next build took its folder for a dead one's
    and removed it while it ran. It waits for that moment to end."""
    import fcntl

    kb, site = kb_and_site
    out = tmp_path / "out"
    _previous(site, out)
    held = Held(tmp_path, kb, out, [("open", WORK + "'"), BUILT])  # the open of its made folder, to lock it
    work = tmp_path / f"out.tmp-{held.proc.pid}"
    held.stopped()
    look = os.open(work, os.O_RDONLY)
    fcntl.flock(look, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as remove_stale's look at it (_locked) holds it
    held.release()
    while not select.select([held.said], [], [], 0.1)[0] and not _waits_for_lock(held.proc.pid):
        assert held.proc.poll() is None, held.proc.communicate()
    os.close(look)  # the look over
    held.stopped()  # built, before its swap
    long_ago = time.time() - 3600
    os.utime(work, (long_ago, long_ago))  # a long build
    assert _rebuilt(kb, out).exit_code == 0
    assert _left(tmp_path, out) == [work.name]  # the running build's folder stays
    held.release()
    code, err = held.end()
    assert code == 0, err
    assert _whole(out) == "new" and _left(tmp_path, out) == []
