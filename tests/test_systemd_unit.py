"""docs/operating.md's systemd unit for `recur serve`: its commands and flags are Recur's own, and systemd reads it.

The unit is taken from docs/operating.md (the ```ini block after ``<!-- systemd-unit -->``), so the
documentation is what is checked. No systemd runs here as PID 1: `systemd-analyze verify` reads the
unit as systemd would load it, and checks that each command is an executable.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
BIN = "/srv/recur/venv/bin/recur"  # the path docs/operating.md's unit uses


def readme_unit(marker: str = "systemd-unit") -> str:
    """The ```ini block after ``<!-- marker -->`` in docs/operating.md: ``systemd-unit`` (recur.service),
    ``systemd-update-service`` and ``systemd-update-timer`` (the KB update, recur-update.*)."""
    text = (ROOT / "docs/operating.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker} -->\s*```ini\n(.*?)\n\s*```", text, re.S)
    assert m, f"docs/operating.md has no ```ini block after <!-- {marker} -->"
    return "\n".join(line.strip() for line in m.group(1).split("\n")) + "\n"


def commands(unit: str) -> list[list[str]]:
    return [shlex.split(v) for k, _, v in (ln.partition("=") for ln in unit.splitlines()) if k.startswith("ExecStart")]


def assert_recur_flags_exist(cmd: list[str]) -> None:
    assert cmd[0] == BIN
    shown = CliRunner().invoke(cli, [cmd[1], "--help"]).output
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", shown))
    used = {a for a in cmd[2:] if a.startswith("--")}
    assert used <= flags, (cmd[1], used - flags)


def test_the_unit_runs_recur_commands_with_flags_they_have():
    """A renamed or dropped flag would make the unit fail at start: each command's flags are in its --help."""
    cmds = commands(readme_unit())
    assert [c[1] for c in cmds] == ["index", "site", "serve"]
    for cmd in cmds:
        assert_recur_flags_exist(cmd)


def test_systemctl_reload_sends_the_server_sighup():
    """docs/operating.md says `systemctl reload` sends SIGHUP (the server looks for a rebuilt index at once), but
    its unit had no ExecReload=, so systemctl refused the reload (found in an operator's review). The
    unit's command, run as systemd would with $MAINPID, sends a process SIGHUP."""
    import signal
    import time

    reload = [
        shlex.split(v) for k, _, v in (ln.partition("=") for ln in readme_unit().splitlines()) if k == "ExecReload"
    ]
    assert reload == [["/bin/kill", "-HUP", "$MAINPID"]]
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal,sys,time; signal.signal(signal.SIGHUP, lambda *a: sys.exit(7)); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        subprocess.run([a.replace("$MAINPID", str(child.pid)) for a in reload[0]], check=True, timeout=60)
        deadline = time.monotonic() + 60  # a guard against a hang, not a speed
        while child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.returncode == 7, "the process got no SIGHUP"
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait()


def test_the_update_service_pulls_then_indexes_then_builds_the_site_strictly():
    """docs/operating.md's update procedure (found in an operator's review: there was none, and a site left
    unrebuilt went unnoticed): pull, then `recur index --strict` (a pattern with errors stops the run,
    the index kept), then `recur site --strict`, in that order, in the checkout recur.service serves."""
    update, serve = readme_unit("systemd-update-service"), readme_unit("systemd-unit")
    cmds = commands(update)
    assert cmds[0][:3] == ["/usr/bin/git", "pull", "--ff-only"]
    assert [c[1] for c in cmds[1:]] == ["index", "site"] and all("--strict" in c for c in cmds[1:])
    for cmd in cmds[1:]:
        assert_recur_flags_exist(cmd)
    same = ("User=", "WorkingDirectory=", "Environment=RECUR_CACHE=", "ReadWritePaths=")
    assert [ln for ln in update.splitlines() if ln.startswith(same)] == [
        ln for ln in serve.splitlines() if ln.startswith(same)
    ]
    assert "Type=oneshot" in update.splitlines()  # its ExecStart lines run in order, and stop at a failure


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_reads_the_unit(tmp_path):
    """With this checkout's recur in place of /srv/recur/venv/bin/recur (verify checks that it is an
    executable), systemd-analyze finds nothing to say about the unit."""
    recur = Path(sys.executable).with_name("recur")
    if not recur.is_file():
        pytest.skip(f"{recur}: no recur console script beside this Python")
    unit = tmp_path / "recur.service"
    unit.write_text(readme_unit().replace(BIN, str(recur)))
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    said = [ln for ln in (res.stdout + res.stderr).splitlines() if "recur.service" in ln]
    assert res.returncode == 0 and said == [], res.stdout + res.stderr
    # and it does say something when the unit is wrong: the test can fail
    unit.write_text(readme_unit().replace(BIN, str(recur)).replace("TimeoutStopSec=15", "TimeoutStopSec=soon"))
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert "recur.service:" in res.stderr and "Failed to parse" in res.stderr, res.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_reads_the_update_service_and_timer(tmp_path):
    recur = Path(sys.executable).with_name("recur")
    if not recur.is_file() or not Path("/usr/bin/git").is_file():
        pytest.skip("no recur console script beside this Python, or no /usr/bin/git (verify checks both)")
    service, timer = tmp_path / "recur-update.service", tmp_path / "recur-update.timer"
    service.write_text(readme_unit("systemd-update-service").replace(BIN, str(recur)))
    timer.write_text(readme_unit("systemd-update-timer"))
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(service), str(timer)], capture_output=True, text=True, timeout=60
    )
    said = [ln for ln in (res.stdout + res.stderr).splitlines() if "recur-update." in ln]
    assert res.returncode == 0 and said == [], res.stdout + res.stderr
    timer.write_text(readme_unit("systemd-update-timer").replace("OnCalendar=*:0/15", "OnCalendar=every now"))
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(service), str(timer)], capture_output=True, text=True, timeout=60
    )
    assert "recur-update.timer:" in res.stderr, res.stderr


def test_the_second_unit_serves_the_same_checkout_on_another_port_and_rebuilds_nothing():
    """docs/operating.md's restart without downtime (asked for in an operator's review): recur-b.service is
    recur.service's twin on port 8001, reading the index and site the first one and recur-update rebuild,
    with no ExecStartPre of its own (two writers of one index folder)."""
    second, first = readme_unit("systemd-unit-second"), readme_unit("systemd-unit")
    [serve] = commands(second)
    assert_recur_flags_exist(serve)
    assert not [ln for ln in second.splitlines() if ln.startswith("ExecStartPre")]
    [first_serve] = [c for c in commands(first) if c[1] == "serve"]
    assert serve[serve.index("--port") + 1] == "8001" and "--port" not in first_serve  # the first on 8000
    assert [a for a in serve if a not in ("--port", "8001")] == first_serve
    differ = ("Description=", "After=", "ExecStart", "#")
    assert [ln for ln in second.splitlines() if not ln.startswith(differ)] == [
        ln for ln in first.splitlines() if not ln.startswith(differ)
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_reads_the_second_unit(tmp_path):
    recur = Path(sys.executable).with_name("recur")
    if not recur.is_file():
        pytest.skip(f"{recur}: no recur console script beside this Python")
    unit = tmp_path / "recur-b.service"
    unit.write_text(readme_unit("systemd-unit-second").replace(BIN, str(recur)))
    res = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    said = [ln for ln in (res.stdout + res.stderr).splitlines() if "recur-b.service" in ln]
    assert res.returncode == 0 and said == [], res.stdout + res.stderr


def test_every_service_keeps_what_it_writes_from_other_users():
    """Under systemd's default umask 022 the feedback log, every voter's query in it, was made readable by
    every user of the host (found in the privacy review): each unit that writes sets UMask=0027, so what it
    makes is its owner's and its group's alone (the log is 0o640, the index and the site 0o640 too)."""
    for marker in ("systemd-unit", "systemd-unit-second", "systemd-update-service"):
        assert "UMask=0027" in readme_unit(marker).splitlines(), marker


def test_a_stop_while_the_service_starts_is_no_failure():
    """Found in a re-read: a `systemctl stop` in the first seconds of a start (ExecStartPre's rebuilds, `recur serve`
    before its start-up line) exits 130, "Interrupted." (docs/cli.md), which systemd counts as a failure: the unit
    was left `failed` by a stop asked for. Both serving units take 130 as a success; SIGTERM after the line ends
    the server by the signal, clean to systemd already, and a failed start's exit 1 stays a failure."""
    for marker in ("systemd-unit", "systemd-unit-second"):
        [said] = [ln.partition("=")[2].split() for ln in readme_unit(marker).splitlines() if ln.startswith("Success")]
        assert said == ["130"], (marker, said)
