"""Authoring warnings (recur.kb.lint) through the real `recur check` command; and the house rule
on Recur's own code that no linter checks: functions a reader can hold."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from function_length import MAX_FUNCTION_LINES, long_functions
from kbfactory import pattern_text, small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb import placeholders
from recur.kb.lint import authoring_warnings, is_actionable
from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.retrieval.similar import similar_warnings

ROOT = Path(__file__).resolve().parents[1]

ACTIONABLE = [
    "Confirm which mount is full: `df -hT`.",
    'Open the "Node / filesystem usage" dashboard and compare the last 6h with last week.',
    "Roll back the last deploy.",
    "Restart the pods.",
    "Check replication lag on the replica.",
    "Page the database on-call.",
    "If a batch job is one side, pause it; user traffic matters more.",
    "Do not restart the primary until the replica has caught up.",
    "Temporarily relax the liveness probe so restarts stop.",
    "Look for ENOSPC in the broker output.",
    "Check KubePodCrashLooping for the namespace.",
    "See https://status.example.com for the provider's view.",
    "Query pg_stat_activity for idle in transaction sessions.",
    "Scale the consumer group to 12 replicas.",
    # a bare command, no backticks (found in review: warned "nothing actionable")
    "kubectl get pods",
    "sudo journalctl -u nginx --since -1h",
    "df -h",
    "ps aux | grep java",
    # a verb missing from the list, and a verb's word as the object (found by a first-time pattern author:
    # both warned "nothing actionable", while the docstring calls "Roll back the last deploy" actionable)
    "Resend the failed events from the Stripe dashboard.",
    "Roll back the deploy.",
    "Undo the canary deploy.",
    "Release the lock on the migration table.",
]
NOT_ACTIONABLE = [
    "host is down, check it",
    "dig into it",
    "Check the logs.",
    "Investigate the issue.",
    "Escalate if needed.",
    "Look at the dashboards and the logs.",
    "Monitor the situation.",
    "Fix the problem.",
    "Be careful.",
    "The database may be overloaded.",
    "Restart it.",
    "Investigate the root cause of the outage.",
    "Check the logs and restart the service if needed.",
    "Verify everything is working.",
    "Make sure the service is healthy.",
    # a verb's word is no object after "to" or "if", nor after a weak verb alone
    "Check the logs to see if restart helps.",
    "Check the deploy.",
    "Try to restart it.",
]


@pytest.mark.parametrize("step", ACTIONABLE)
def test_actionable_steps(step):
    assert is_actionable(step)


@pytest.mark.parametrize("step", NOT_ACTIONABLE)
def test_vague_steps(step):
    assert not is_actionable(step)


def test_shipped_runbooks_are_actionable():
    kb = load_kb(ROOT / "kb")
    vague = [(p.id, s) for p in kb.patterns.values() for s in p.runbook if not is_actionable(s)]
    assert vague == []


def _lint_kb(root: Path) -> Path:
    small_kb(root)
    write_pattern(
        root,
        "weak-one",
        title="Weak pattern",
        symptoms=("it is slow",),
        related=("disk-full",),
        runbook=("Run `uptime` on the host.", "Check the logs.", "Escalate if needed."),
    )
    write_pattern(root, "old-one", title="Old pattern", signals=("OldAlert",), extra_front="created: 2024-01-10")
    write_pattern(root, "fresh-one", title="Fresh pattern", signals=("FreshAlert",))
    return root


def _run(args, kb):
    result = CliRunner().invoke(cli, ["check", "--kb", str(kb), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def test_warnings_printed_with_line_and_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kb = _lint_kb(Path("kb"))
    out = _run(["--today", "2026-06-01"], kb)
    assert out.exit_code == 0, out.output
    f = "kb/patterns/capacity/weak-one.md"
    lines = out.output.splitlines()
    # runbook: the step's own line, not the heading's
    text = (kb / "patterns/capacity/weak-one.md").read_text().split("\n")
    step2 = text.index("2. Check the logs.") + 1
    assert f"\n{f}:{step2}: ## Runbook: warning: step 2 has nothing actionable in it" in out.output
    assert f"{f}:{step2 + 1}: ## Runbook: warning: step 3 has nothing actionable" in out.output
    assert not any(":1 " in ln and "step 1" in ln for ln in lines)
    assert f"{f}:6: signals: warning: pattern has no signals" in out.output
    rel_line = next(n for n, ln in enumerate(text, 1) if ln.startswith("related:"))
    back = "add weak-one to the related of kb/patterns/capacity/disk-full.md, or take disk-full out of this one"
    assert (
        f"{f}:{rel_line}: related[0]: warning: one-way link: disk-full does not list weak-one in its related: {back}\n"
        in out.output
    )
    # stale: created 2024-01-10, no incident, limit 365 -> notice on the created line
    assert (
        "kb/patterns/capacity/old-one.md:10: created: notice: stale: no incident has ever matched it; "
        "created 2024-01-10, 873 days ago (limit 365)" in out.output
    )
    # fresh-one has neither incidents nor created: never stale
    assert "fresh-one.md" not in "\n".join(ln for ln in lines if "stale" in ln)


def test_strict_fails_on_warnings_not_on_notices(tmp_path):
    kb = _lint_kb(tmp_path / "kb")
    assert _run(["--strict", "--today", "2026-06-01"], kb).exit_code == 1
    clean = small_kb(tmp_path / "clean")
    write_pattern(clean, "dns-failure", "network", signals=("SERVFAIL",), extra_front="created: 2020-01-01")
    res = _run(["--strict", "--today", "2026-06-01"], clean)
    assert "notice: stale" in res.output
    assert res.exit_code == 0, res.output
    # -q (the pre-commit hook's check --strict -q): errors and warnings only; notices printed every commit
    quiet = _run(["--strict", "-q", "--today", "2026-06-01"], clean)
    assert quiet.exit_code == 0 and quiet.output == "", quiet.output
    loud = _run(["--strict", "-q", "--today", "2026-06-01"], kb)
    assert loud.exit_code == 1 and "warning: pattern has no signals" in loud.output and "notice" not in loud.output


def test_dates_after_today_are_warnings(tmp_path, monkeypatch):
    """An incident dated 2062 for 2026, a pattern 'created' next year, a fix 'done' tomorrow: typos
    that sort the record first everywhere. Warned on their own line; today's date is not."""
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))  # its incidents are dated 2026-03-02 and earlier
    write_pattern(
        kb, "dns-failure", "network", signals=("SERVFAIL",), extra_front="created: 2027-01-05\nfix:\n  done: 2026-06-02"
    )
    res = _run(["--strict", "--today", "2026-06-01"], kb)
    f = "kb/patterns/network/dns-failure.md"
    text = (kb / "patterns/network/dns-failure.md").read_text().split("\n")
    created = next(n for n, ln in enumerate(text, 1) if ln.startswith("created:"))
    done = next(n for n, ln in enumerate(text, 1) if ln.strip().startswith("done:"))
    assert (
        f"{f}:{created}: created: warning: the pattern's creation date 2027-01-05 is after today (2026-06-01)"
        in res.output
    )
    assert f"{f}:{done}: fix.done: warning: the fix's done date 2026-06-02 is after today" in res.output
    assert "incident's date" not in res.output
    assert res.exit_code == 1
    # the incidents of the small KB are in the future of an earlier 'today'
    res = _run(["--today", "2026-01-01"], kb)
    assert (
        "incidents/2026/" in res.output and "date: warning: the incident's date 2026-03-02 is after today" in res.output
    )
    assert "after today" not in _run(["--today", "2027-01-05"], kb).output


def _with_fix(kb: Path, pid: str, category: str, fix: str) -> tuple[str, list[str]]:
    rel = f"patterns/{category}/{pid}.md"
    write(kb, rel, pattern_text(pid, category, signals=("SERVFAIL",), fix=fix))
    return f"kb/{rel}", (kb / rel).read_text().split("\n")


def _line_of(lines: list[str], start: str) -> int:
    return next(n for n, ln in enumerate(lines, 1) if ln.strip().startswith(start))


def test_a_fix_status_and_its_done_date_must_agree(tmp_path, monkeypatch):
    """Found by a problem manager's team: a fix `done` with no done date was accepted silently, and the
    board then never reported an incident after it as the fix not holding (it needs the date); a done
    date on an open fix is ignored by the board just as silently."""
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))  # INC-2026-0001 (2026-03-02) matched db-pool-exhausted
    f, text = _with_fix(kb, "db-pool-exhausted", "capacity", "fix:\n  status: done\n  owner: alice")
    g, text2 = _with_fix(kb, "dns-failure", "network", "fix:\n  status: open\n  done: 2026-01-15")
    h, text3 = _with_fix(kb, "disk-full", "capacity", "fix:\n  done: 2026-01-15")  # no status: open
    res = _run(["--today", "2026-06-01"], kb)
    assert (
        f"{f}:{_line_of(text, 'status: done')}: fix.status: warning: fix done with no done date: a recurrence "
        "after the fix cannot be detected; add done: YYYY-MM-DD" in res.output
    ), res.output
    # an open fix with a done date is one reopened after it was done: a notice of how the report reads it (the
    # board ignored the date, and reopening a fix, as the recurrence gate says to, took its history off the report)
    assert (
        f"{g}:{_line_of(text2, 'done:')}: fix.done: notice: a fix open with a done date (2026-01-15): read as a fix "
        "reopened after it was done that day" in res.output
    )
    assert f"{h}:{_line_of(text3, 'done:')}: fix.done: warning: a done date (2026-01-15) on a fix whose status is "
    assert "open (no status given)" in res.output and res.exit_code == 0
    assert _run(["--strict", "--today", "2026-06-01"], kb).exit_code == 1
    # what the warning asks for: with the date, the incident after the fix is a recurrence, and no warning
    _with_fix(kb, "db-pool-exhausted", "capacity", "fix:\n  status: done\n  done: 2026-02-01")
    _with_fix(kb, "dns-failure", "network", "fix:\n  status: done\n  done: 2026-01-15")
    _with_fix(kb, "disk-full", "capacity", "fix:\n  status: wont-fix")
    assert "fix." not in _run(["--today", "2026-06-01"], kb).output
    after = board(load_kb(kb), dt.date(2026, 6, 1))["recurrence_after_fix"]
    assert [(r["incident"], r["pattern"], r["fix_done"]) for r in after] == [
        ("INC-2026-0001", "db-pool-exhausted", "2026-02-01")
    ]


def test_stale_measured_from_last_incident_and_configurable(tmp_path):
    kb = small_kb(tmp_path / "kb")  # db-pool-exhausted matched on 2026-03-02
    k = load_kb(kb)

    def stale(**kw):
        return [p for p in authoring_warnings(k, **kw) if "stale" in p.message]

    assert stale(today="2026-12-01") == []
    got = stale(today="2027-03-03")
    assert [p.path.endswith("db-pool-exhausted.md") for p in got] == [True]
    assert "INC-2026-0001" in got[0].message and "366 days" in got[0].message
    assert stale(today="2027-03-03", stale_days=400) == []
    assert stale(today="2030-01-01", stale_days=0) == []
    # flags and env spell the same option
    res = _run(["--today", "2027-03-03", "--stale-days", "30"], kb)
    assert "db-pool-exhausted.md" in res.output and "limit 30" in res.output
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb)], env={"RECUR_TODAY": "2027-03-03"})
    assert "limit 365" in res.output


def test_retired_patterns_are_not_linted(tmp_path):
    kb = small_kb(tmp_path / "kb")
    out = authoring_warnings(load_kb(kb), today="2026-06-01")
    assert not any("old-retired" in p.path for p in out)


def test_placeholder_from_recur_new_is_a_warning(tmp_path):
    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb, "todo-one", signals=("X",), summary=placeholders.PATTERN_SUMMARY, runbook=(placeholders.PATTERN_STEP,)
    )
    write_pattern(kb, "todo-two", signals=("Y",), runbook=(placeholders.IMPORT_STEP,))
    msgs = [str(p) for p in authoring_warnings(load_kb(kb), today="2026-06-01")]
    assert any(
        "todo-one.md:" in m and "## Summary: warning: still has the TODO placeholder from `recur new`" in m
        for m in msgs
    )
    assert any("todo-one.md:" in m and "step 1 still has the TODO placeholder from `recur new`" in m for m in msgs)
    assert any("todo-two.md:" in m and "step 1 still has the TODO placeholder from `recur import`" in m for m in msgs)


def test_a_todo_of_the_teams_own_is_not_a_placeholder(tmp_path):
    """An action item or step that starts with TODO (copied from a postmortem) is content: only
    the exact lines `recur new` writes are placeholders, so `check --strict` passes."""
    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb,
        "own-todo",
        signals=("PacketTooBig",),
        summary="Large packets vanish. TODO: measure how often with the new probe.",
        runbook=("TODO allow ICMP fragmentation-needed on the edge firewall (`iptables -L`).",),
        root_cause="TODO list: the path MTU drops to 1400 behind the VPN.",
    )
    write(
        kb,
        "incidents/2026/INC-2026-0042.md",
        "---\nid: INC-2026-0042\ntitle: Uploads stall over the VPN\ndate: 2026-03-02\nseverity: sev3\n"
        "patterns: [own-todo]\n---\n\n## Summary\nUploads stalled.\n\n## Action items\n"
        "- TODO allow ICMP fragmentation-needed on the edge firewall\n- [ ] TODO: lower the tunnel MTU to 1400\n",
    )
    res = _run(["--strict", "--stale-days", "0"], kb)
    assert "placeholder" not in res.output, res.output
    assert res.exit_code == 0, res.output


def _dup_kb(root: Path) -> Path:
    small_kb(root)
    src = (root / "patterns/capacity/disk-full.md").read_text()
    write(
        root,
        "patterns/capacity/disk-full-again.md",
        src.replace("id: disk-full", "id: disk-full-again").replace("related: [db-pool-exhausted]", ""),
    )
    return root


def test_similar_reports_near_duplicate(tmp_path):
    kb = _dup_kb(tmp_path / "kb")
    k = load_kb(kb)
    out = similar_warnings(k, index_dir=tmp_path / "idx", model="fake:64")
    msgs = {Path(p.path).name: p.message for p in out}
    assert "looks like a duplicate of disk-full (" in msgs["disk-full-again.md"]
    assert "extend it instead?" in msgs["disk-full-again.md"]
    assert "duplicate of disk-full-again" in msgs["disk-full.md"]
    assert "dns-failure.md" not in msgs
    # only the changed files are compared
    only = similar_warnings(
        k, only=[str(kb / "patterns/network/dns-failure.md")], index_dir=tmp_path / "idx", model="fake:64"
    )
    assert only == []
    only = similar_warnings(
        k, only=[str(kb / "patterns/capacity/disk-full-again.md")], index_dir=tmp_path / "idx", model="fake:64"
    )
    assert [Path(p.path).name for p in only] == ["disk-full-again.md"]
    # the threshold is configurable; the copy shares its signals with the original, so it is reported
    # from config.SIMILAR_SHARED_MARGIN below it
    above = similar_warnings(k, index_dir=tmp_path / "idx", model="fake:64", threshold=1.0001)
    assert "and both have the signal 'No space left on device'" in above[0].message
    # beyond it, the copy is still said: a look-alike with its signals (both of them), whatever the doc score
    beyond = similar_warnings(k, index_dir=tmp_path / "idx", model="fake:64", threshold=1.0001 + 0.1)
    said = {Path(p.path).name: p.message for p in beyond}
    assert "as `recur lookalikes` measures it, and 2 of its 2 signals are disk-full's" in said["disk-full-again.md"]


def test_similar_respects_distinguish(tmp_path):
    kb = _dup_kb(tmp_path / "kb")
    p = kb / "patterns/capacity/disk-full-again.md"
    p.write_text(p.read_text().replace("symptoms:", "distinguish:\n  - {from: disk-full, by: 'df -i'}\nsymptoms:", 1))
    out = similar_warnings(load_kb(kb), index_dir=tmp_path / "idx", model="fake:64")
    assert out == []


def test_similar_counts_a_signal_inside_anothers_as_shared(tmp_path):
    """Found by a first-time pattern author: a copy of a pattern whose signals were the short form of the
    original's log lines ("HikariPool-1 - Connection is not available" of "... not available, request timed
    out after 30000ms") passed `check --similar`: signals were shared word for word only. One whose words run
    whole inside the other's is shared now; beyond any doc-view score (the threshold), the copy is still said,
    a look-alike with both its signals."""
    kb = small_kb(tmp_path / "kb")
    src = (kb / "patterns/capacity/disk-full.md").read_text()
    copy = src.replace("id: disk-full", "id: disk-full-again").replace("related: [db-pool-exhausted]", "")
    copy = copy.replace("No space left on device", "write /var/log/app.log: no space left on device")
    copy = copy.replace("ENOSPC", "Error: ENOSPC, write")
    write(kb, "patterns/capacity/disk-full-again.md", copy)
    beyond = similar_warnings(load_kb(kb), index_dir=tmp_path / "idx", model="fake:64", threshold=1.0001 + 0.1)
    said = {Path(p.path).name: p.message for p in beyond}
    assert (
        "and 2 of its 2 signals are disk-full's: 'write /var/log/app.log: no space left on device' (contains 'No "
        "space left on device'), 'Error: ENOSPC, write' (contains 'ENOSPC'))"
    ) in said["disk-full-again.md"], said
    assert (
        "2 of its 2 signals are disk-full-again's: 'No space left on device' (part of 'write /var/log"
        in said["disk-full.md"]
    ), said


def test_similar_shares_whole_words_each_signal_once(tmp_path):
    """What counts as a shared signal: whole words, in order (the numbers kept: "HTTP 503" is no part of
    "HTTP 429 Too Many Requests"; "EMFILE" none of "NodeFilesystemFilesFillingUp"), each signal paired with one
    of the other pattern's at most (two long lines holding the same short one share one signal, not two)."""
    from recur.retrieval.similar import _Signals

    kb = tmp_path / "kb"
    write_pattern(kb, "a", signals=("HTTP 503", "EMFILE", "kube node not ready"))
    write_pattern(kb, "b", signals=("HTTP 429 Too Many Requests", "NodeFilesystemFilesFillingUp", "KubeNodeNotReady"))
    write_pattern(kb, "c", signals=("panic: no space left on device", "ENOSPC: No  space left on device, write"))
    write_pattern(kb, "d", signals=("No space left on device",))
    k = load_kb(kb)
    signals = _Signals(k, sorted(k.patterns))
    assert signals.related("a") == {}
    assert signals.related("c") == {"d": [("panic: no space left on device", "No space left on device")]}
    assert signals.related("d") == {"c": [("No space left on device", "panic: no space left on device")]}


def test_check_similar_cli_with_files(tmp_path, monkeypatch):
    _dup_kb(tmp_path / "kb")
    monkeypatch.chdir(tmp_path)
    changed = "kb/patterns/capacity/disk-full-again.md"
    res = _run(["--similar", "--index", "idx", "--model", "fake:64", changed], "kb")
    assert f"{changed}:2: id: warning: looks like a duplicate of disk-full" in res.output
    assert "\nkb/patterns/capacity/disk-full.md:" not in res.output  # named in a message, its problems not shown
    assert res.exit_code == 0
    res = _run(["--similar", "--strict", "--index", "idx", "--model", "fake:64", changed], "kb")
    assert res.exit_code == 1


def test_check_similar_says_what_it_compared_when_it_finds_nothing(tmp_path, monkeypatch):
    """`check --similar` finding nothing said only "OK: N files ... follow the format": not whether it had
    compared anything, nor at what threshold (found by a first-time pattern author). It says so on stderr,
    with the summary; --json's document on stdout is the same."""
    import json

    small_kb(tmp_path / "kb")
    monkeypatch.chdir(tmp_path)
    index = ["--similar", "--index", "idx", "--model", "fake:64"]
    res = _run([*index, "--similar-threshold", "0.99"], "kb")
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    last = "--similar: no near-duplicates among 3 patterns (threshold 0.99, --similar-threshold; 1 retired pattern left out)."
    assert res.stderr.splitlines()[-1] == last, res.stderr
    res = _run([*index, "--json", "kb/patterns/capacity/disk-full.md"], "kb")
    assert json.loads(res.stdout) == {"ok": True, "errors": 0, "warnings": 0, "notices": 0, "problems": [], "format": 1}
    assert "--similar: no near-duplicates of the 1 named pattern among 3 patterns (threshold 0.90" in res.stderr
    res = _run([*index, "kb/incidents"], "kb")
    assert "--similar: no pattern among the named files, nothing compared." in res.stderr, res.output
    res = _run([*index, "-q"], "kb")
    assert res.output == ""  # --quiet: errors and warnings only
    _dup_kb(tmp_path / "dup")
    res = _run(index, "dup")
    assert "looks like a duplicate" in res.stdout and "--similar:" not in res.stderr, res.output


HEAVY = ("torch", "transformers", "sentence_transformers", "faiss")
PROBE = """
import sys
from recur.cli.main import main
sys.argv = ["recur", "check", "--kb", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
print("HEAVY:", ",".join(heavy))
"""


def test_plain_check_does_not_import_the_model_stack(tmp_path):
    kb = small_kb(tmp_path / "kb")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE.replace("{HEAVY!r}", repr(set(HEAVY))))
    res = subprocess.run([sys.executable, str(probe), str(kb)], capture_output=True, text=True, timeout=120)
    assert "HEAVY: \n" in res.stdout or res.stdout.rstrip().endswith("HEAVY:"), res.stdout + res.stderr
    # and the real entry point agrees: -X importtime lists every module imported
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "recur", "check", "--kb", str(kb)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines() if "|" in line}
    assert "recur" in imported
    assert not imported & set(HEAVY)


# what no `--help`, `recur check`, `recur report` or `recur coverage --no-propose` needs: the model
# stack, the site builder, the web server, the MCP and Slack SDKs (docs/architecture.md)
LIGHT_FORBIDDEN = HEAVY + (
    "onnxruntime",
    "onnx",
    "mkdocs",
    "material",
    "fastapi",
    "starlette",
    "uvicorn",
    "mcp",
    "slack_sdk",
    "numpy",  # ~0.1 s on every `recur --help`: only commands that search or train need it
)
LIGHT_PROBE = """
import sys
import click
from click.testing import CliRunner
from recur.cli.main import cli

def commands(group, path):
    for name in group.list_commands(None):
        cmd = group.get_command(None, name)
        yield path + [name]
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + [name])

kb, rules = sys.argv[1], sys.argv[2]
runs = [["--help"]] + [c + ["--help"] for c in commands(cli, [])]
runs += [["check", "--kb", kb], ["report", "--kb", kb], ["report", "--kb", kb, "--format", "json"],
         ["coverage", "--kb", kb, "--rules", rules, "--no-propose"]]
for args in runs:
    r = CliRunner().invoke(cli, args)
    assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.output, r.exception)
    assert "Usage:" in r.output if "--help" in args else r.output, (args, r.output)
    print("RAN:", " ".join(args))
heavy = sorted({m.split(".")[0] for m in sys.modules} & set({FORBIDDEN!r}))
print("HEAVY:", ",".join(heavy))
"""


def test_help_and_light_commands_import_no_heavy_stack(tmp_path):
    """Every command's and subcommand's --help, `check`, `report` and `coverage --no-propose`
    import none of torch, sentence_transformers, onnxruntime, mkdocs, fastapi, uvicorn, mcp."""
    kb = small_kb(tmp_path / "kb")
    rules = write(tmp_path, "rules.yml", "groups:\n- name: g\n  rules:\n  - alert: DiskFull\n    expr: up == 0\n")
    probe = tmp_path / "probe.py"
    probe.write_text(LIGHT_PROBE.replace("{FORBIDDEN!r}", repr(LIGHT_FORBIDDEN)))
    res = subprocess.run([sys.executable, str(probe), str(kb), str(rules)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    ran = [line for line in res.stdout.splitlines() if line.startswith("RAN:")]
    for cmd in ("serve --help", "site --help", "tune --help", "mcp --help", "new pattern --help"):
        assert f"RAN: {cmd}" in ran, ran
    assert "HEAVY: \n" in res.stdout or res.stdout.rstrip().endswith("HEAVY:"), res.stdout
    # the real entry point agrees for `recur --help`, which imports every command's module
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "recur", "--help"], capture_output=True, text=True, timeout=120
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines() if "|" in line}
    assert "recur" in imported
    assert not imported & set(LIGHT_FORBIDDEN), imported & set(LIGHT_FORBIDDEN)


def test_functions_a_reader_can_hold():
    """At most 60 lines a function in tools/recur, or a `# long:` comment at its `def` saying why."""
    found = long_functions(ROOT / "tools" / "recur")
    assert not found, "split these, or say why not with a `# long:` comment:\n" + "\n".join(found)


def test_long_functions_counts_from_def_and_takes_a_reason(tmp_path):
    body = "".join(f"    x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES))  # with its def: 61 lines
    write(tmp_path, "a.py", "def fits():\n" + body.split("\n", 1)[1])
    write(tmp_path, "b.py", "import functools\n\n\n@functools.cache\ndef too_long():\n" + body)
    write(tmp_path, "c.py", "# long: a table, one row a line\n@staticmethod\ndef above():\n" + body)
    write(tmp_path, "d.py", "@staticmethod\n# long: a table, one row a line\ndef between():\n" + body)
    write(tmp_path, "e.py", "def on_def():  # long: a table, one row a line\n" + body)
    write(tmp_path, "f.py", "# long: not next to it\n\ndef apart():\n" + body)
    write(tmp_path, "g.py", "async def too_long_async():\n" + body)
    assert long_functions(tmp_path, tmp_path) == [
        "b.py:5: too_long is 61 lines",
        "f.py:3: apart is 61 lines",
        "g.py:1: too_long_async is 61 lines",
    ]


@pytest.mark.parametrize(
    "body, line, says",
    [
        ("```\nsudo du -sh /var\n~~~\n", 4, "does not close the ``` code fence of line {open}"),
        ("````\nx\n```\n", 4, "does not close the ```` code fence of line {open}"),
        ("```\nx\n``` sh\n", 4, "does not close the ``` code fence of line {open}"),
        ("Run ```df -h``` first.\n", None, None),  # not at the start of a line: no fence for either
        ("```df -h```\nx\n```\n", 2, "is inline code to Markdown, but recur reads it as opening a code fence"),
        ("```df -h```\n", None, None),  # and no fence after it: text, inline code, to both
        ("~~~\nx\n", 2, "the ~~~ code fence opened here is never closed, so it opens no block"),
        ("```sh\ndf -h\n```\n\n~~~\nx\n~~~ \n", None, None),  # closed by its very marker
        ("```sh\t\ndf -h\n```\t\n", None, None),  # Markdown expands a tab first: "```sh    "
        # the site's fenced_code is not CommonMark: ~~~~~ does not close ~~~~ there (it did for recur)
        ("~~~~\nx\n~~~~~\n", 4, "does not close the ~~~~ code fence of line {open}"),
    ],
)
def test_code_fences_check_and_the_site_would_read_differently_are_a_warning(tmp_path, body, line, says):
    """recur's reader takes any ``` or ~~~ line as opening or closing a fence; Markdown (the site)
    does not: a ~~~ inside a ``` block showed the rest of the page as code while check passed."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("dns-failure", "network", signals=("SERVFAIL",), summary="SUMMARY")
    path = write(kb, "patterns/network/dns-failure.md", text.replace("SUMMARY", "Resolvers fail.\n" + body))
    start = path.read_text().split("\n").index("Resolvers fail.") + 1  # the summary's first line
    got = [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "code fence"]
    if line is None:
        assert got == []
    else:
        assert [(p.line, p.level) for p in got] == [(start + line - 1, "warning")]
        assert says.format(open=start + 1) in got[0].message, got[0].message


def test_a_fence_line_indented_by_a_no_break_space_is_text_as_on_the_site_and_lint_names_it(tmp_path):
    """A "```" after a no-break space (U+00A0, pasted from a document) is no fence to the site's
    Markdown (its extensions, rendered here): the lines after it are text and "## Runbook" a heading.
    Recur read it as one, left open: Root cause and Runbook were "required section is missing", and
    lint blamed a fence "never closed". Now Recur reads it as the site does and lint names the line."""
    import markdown

    from recur.kb.parse import MARKDOWN_EXTENSIONS
    from recur.site.md import kb_md

    kb = small_kb(tmp_path / "kb")
    text = pattern_text("dns-failure", "network", signals=("SERVFAIL",), summary="SUMMARY")
    path = write(
        kb, "patterns/network/dns-failure.md", text.replace("SUMMARY", "Resolvers fail:\n\u00a0```\ndig a.example\n")
    )
    lines = path.read_text().split("\n")
    html = markdown.markdown(kb_md("\n".join(lines[lines.index("---", 1) + 1 :])), extensions=MARKDOWN_EXTENSIONS)
    assert "<pre>" not in html and '<h2 id="runbook">Runbook</h2>' in html, html
    loaded = load_kb(kb)
    assert not loaded.errors, loaded.errors
    assert loaded.patterns["dns-failure"].runbook and "Root cause" in loaded.patterns["dns-failure"].sections
    got = [p for p in authoring_warnings(loaded, today="2026-06-01") if p.field == "code fence"]
    assert [(Path(p.path).name, p.line) for p in got] == [("dns-failure.md", lines.index("\u00a0```") + 1)]
    assert (
        "no code fence to the site, which shows it as text: it has U+00A0 no-break space at column 1" in got[0].message
    )


@pytest.mark.parametrize(
    "body, line, says",
    [
        ("```\ndf -h\n## Notes\n````\n", 5, "Close the block with exactly ```, the same marker"),
        ("~~~~\ndf -h\n## Notes\n~~~~~\n", 5, "Close the block with exactly ~~~~, the same marker"),
        ("```python extra\ndf -h\n## Notes\n```\n", 2, "has more than one word after ```"),
        ("```py:x\ndf -h\n## Notes\n```\n", 2, "has 'py:x' after ```, and the site reads a code fence only"),
        (
            " ```\ndf -h\n## Notes\n ```\n",
            2,
            "is indented, and the site reads a code fence only at the start of a line",
        ),
        ("```\ndf -h\n## Notes\n ```\n", 5, "the same marker; remove the indent"),
    ],
)
def test_a_code_block_recur_reads_and_the_site_shows_as_text_is_named_with_what_to_change(tmp_path, body, line, says):
    """Found in review: the site renders a section with Python-Markdown's fenced_code, not CommonMark:
    a fence only at the margin, one word at most after it, closed only by its very marker. Recur read
    each of these as a code block ("## Notes" inside it no section) and said nothing, while the page
    (rendered here with the site's extensions) showed the lines as text and "## Notes" as a heading."""
    import markdown

    from recur.kb.parse import MARKDOWN_EXTENSIONS
    from recur.site.md import kb_md

    kb = small_kb(tmp_path / "kb")
    text = pattern_text("dns-failure", "network", signals=("SERVFAIL",), summary="SUMMARY")
    path = write(kb, "patterns/network/dns-failure.md", text.replace("SUMMARY", "Resolvers fail.\n" + body))
    start = path.read_text().split("\n").index("Resolvers fail.")  # the line before the body's first
    loaded = load_kb(kb)
    summary = loaded.patterns["dns-failure"].sections["Summary"]
    assert "## Notes" in summary  # recur reads a code block: no section of its own
    html = markdown.markdown(kb_md(summary), extensions=MARKDOWN_EXTENSIONS)
    assert "<pre>" not in html and '<h2 id="notes">Notes</h2>' in html, html
    got = [p for p in authoring_warnings(loaded, today="2026-06-01") if p.field == "code fence"]
    assert [(p.line, p.level) for p in got] == [(start + line, "warning")], got
    assert says in got[0].message, got[0].message


def test_a_fence_indented_on_a_sections_first_line_is_a_fence_on_the_site_and_no_warning():
    """The site renders a section's text stripped: " ```" on its first line is a fence there, and so
    for recur; the same line further down is text on the site, and named."""
    import markdown

    from recur.kb.lint import fence_troubles
    from recur.kb.parse import MARKDOWN_EXTENSIONS, sections_of
    from recur.site.md import kb_md

    for body, pre, warned in (
        (["## Summary", " ```", "x", "```"], True, []),
        (["## Summary", "a", " ```", "x", "```"], False, [3]),
    ):
        html = markdown.markdown(kb_md(sections_of(body, 1)[0].text.strip()), extensions=MARKDOWN_EXTENSIONS)
        assert ("<pre>" in html) is pre, html
        assert [line for line, _ in fence_troubles(body)] == warned


def test_a_fence_never_closed_is_text_as_on_the_site_so_the_sections_below_are_read(tmp_path):
    """Found in review: a "~~~" never closed is text to the site's fenced_code, and the "## Root cause"
    and "## Runbook" below it headings; recur read the rest of the file as code, so both were "required
    section is missing" and the pattern was left out. Now recur reads the line as text, and lint says
    the block was never closed."""
    import markdown

    from recur.kb.parse import MARKDOWN_EXTENSIONS
    from recur.site.md import kb_md

    kb = small_kb(tmp_path / "kb")
    text = pattern_text("dns-failure", "network", signals=("SERVFAIL",), summary="SUMMARY")
    path = write(
        kb, "patterns/network/dns-failure.md", text.replace("SUMMARY", "Resolvers fail:\n~~~\ndig a.example\n")
    )
    lines = path.read_text().split("\n")
    html = markdown.markdown(kb_md("\n".join(lines[lines.index("---", 1) + 1 :])), extensions=MARKDOWN_EXTENSIONS)
    assert "<pre>" not in html and '<h2 id="runbook">Runbook</h2>' in html, html
    loaded = load_kb(kb)
    assert not loaded.errors, loaded.errors
    p = loaded.patterns["dns-failure"]
    assert p.runbook and "Root cause" in p.sections and "~~~\ndig a.example" in p.sections["Summary"]
    got = [w for w in authoring_warnings(loaded, today="2026-06-01") if w.field == "code fence"]
    assert [w.line for w in got] == [lines.index("~~~") + 1]
    assert "never closed, so it opens no block: recur reads it and the lines after it as text" in got[0].message


def test_a_fence_in_a_runbook_step_is_read_as_the_site_renders_steps(tmp_path):
    """A step's code block is rendered by site.pattern_pages._item, which takes an indented fence and
    closes it with as many of its character or more: no warning for an indented block in a step, and
    one where _item would not close it."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("d", runbook=("Run `df -h` on the host.", "Restart it."))
    fine = text.replace("\n2. ", "\n   ```sh\n   df -i\n   ````\n2. ")
    write(kb, "patterns/capacity/d.md", fine)
    assert [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "code fence"] == []
    # a block at the margin after a blank line, between two steps, is rendered with the step above
    write(kb, "patterns/capacity/d.md", text.replace("\n2. ", "\n\n```\ndf -i\n````\n2. "))
    assert [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "code fence"] == []
    path = write(kb, "patterns/capacity/d.md", text.replace("\n2. ", "\n   ```sh\n   df -i\n   ~~~\n2. "))
    got = [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "code fence"]
    lines = path.read_text().split("\n")
    assert [p.line for p in got] == [lines.index("   ~~~") + 1]
    assert "in the step as code; recur reads it as closed" in got[0].message


def test_an_evidence_item_block_is_rendered_by_the_step_rule_on_a_pattern_page_not_on_an_incident_page(tmp_path):
    """A pattern page renders its evidence items itself (an indented fence in one is code); an
    incident page renders every section as Markdown, where an indented fence is text: lint reads
    each as its page does, and names the incident's line only."""
    import markdown

    from recur.kb.parse import MARKDOWN_EXTENSIONS
    from recur.site.md import kb_md

    kb = small_kb(tmp_path / "kb")
    evidence = "## Evidence to preserve\n- the deleted files still open:\n  ```\n  lsof +L1\n  ```\n"
    text = pattern_text("d", runbook=("Run `df -h` on the host.",))
    write(kb, "patterns/capacity/d.md", text.replace("## Runbook", evidence + "\n## Runbook"))
    path = write(
        kb,
        "incidents/2026/INC-2026-0042.md",
        (kb / "incidents/2026/INC-2026-0001.md").read_text().replace("0001", "0042") + evidence,
    )
    html = markdown.markdown(kb_md(evidence.split("\n", 1)[1]), extensions=MARKDOWN_EXTENSIONS)
    assert "<pre>" not in html and "<code>lsof +L1</code>" in html, html  # the incident page's reading
    assert not load_kb(kb).errors
    got = [
        (Path(p.path).name, p.line)
        for p in authoring_warnings(load_kb(kb), today="2026-06-01")
        if p.field == "code fence"
    ]
    assert got == [(path.name, path.read_text().split("\n").index("  ```") + 1)], got


def test_a_runbook_warning_is_at_its_step_where_the_loader_and_markdown_read_a_fence_apart(tmp_path):
    """lint finds each step's line reading the fences as the loader's list reader does (a "```" closes a
    "````" block), not as Markdown does (outside_fences: it does not): the nth line found is the nth
    step the loader kept. Read as Markdown, step 2 was inside the block, and its warning fell back to
    the heading's line. fence_troubles says where the two readings part."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("d", runbook=("Run `df -h` on the host.", "Restart it."))
    path = write(kb, "patterns/capacity/d.md", text.replace("\n2. ", "\n````\ndf -i\n```\n2. "))
    lines = path.read_text().split("\n")
    got = [(p.line, p.field) for p in authoring_warnings(load_kb(kb), today="2026-06-01") if "step 2" in p.message]
    assert got == [(lines.index("2. Restart it.") + 1, "## Runbook")]
    fence = [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "code fence"]
    assert [p.line for p in fence] == [lines.index("```") + 1] and "does not close the ````" in fence[0].message


def test_the_site_fences_recur_finds_are_those_python_markdown_finds():
    """parse.site_fences, read line by line, finds the blocks fenced_code's own pattern finds, searched
    as fenced_code searches it (from the start, then after each block), on the text as Markdown gives
    it (its tabs expanded, by NormalizeWhitespace): lint's warnings rest on it."""
    import bisect
    import random

    from markdown.extensions.fenced_code import FencedBlockPreprocessor

    from recur.kb.parse import site_fences

    def found(lines):
        text, starts = "\n".join(lines).expandtabs(4), [0]
        for line in lines:
            starts.append(starts[-1] + len(line.expandtabs(4)) + 1)
        out, index = {}, 0
        while m := FencedBlockPreprocessor.FENCED_BLOCK_RE.search(text, index):
            out[bisect.bisect_right(starts, m.start()) - 1] = bisect.bisect_right(starts, m.end()) - 1
            index = m.end()
        return out

    rng = random.Random(11)
    parts = ["```", "````", "~~~", "~~~~", "``` sh", "```sh", "```sh -x", "```x```", " ```", "``` ", "```\t", "\t```"]
    parts += ["~~~ {.sh}", "```.py", "```c++", '```hl_lines="1 2"', "## x", "text", "", "a ``` b"]
    for _ in range(5000):
        lines = [rng.choice(parts) for _ in range(rng.randrange(1, 10))]
        assert site_fences(lines) == found(lines), lines


def test_what_the_writer_writes_the_reader_and_markdown_read_alike():
    """section_text escapes a fence line Markdown would not take as one and closes an open fence
    with its own marker: text from anywhere becomes one section on which check and the site agree."""
    import random

    from recur.kb.lint import fence_troubles
    from recur.kb.parse import sections_of
    from recur.kb.writer import section_text

    rng = random.Random(7)
    parts = ["```", "````", "~~~", "~~~~", "``` sh", "```x```", "  ```", "## Runbook", "text", "", "\r", "a ``` b"]
    parts += ["```sh -x", "```\t", "~~~ {.sh}"]
    for _ in range(2000):
        text = section_text("\n".join(rng.choice(parts) for _ in range(rng.randrange(1, 9))) or "x")
        lines = ["## Summary", *text.split("\n"), "## Runbook", "1. Run `df -h`."]
        assert fence_troubles(lines) == [], text
        assert [s.title for s in sections_of(lines, 1)] == ["Summary", "Runbook"], text


def link_warnings(kb, summary: str) -> list:
    """The link warnings of check for a pattern (patterns/capacity/linked.md) whose summary is ``summary``."""
    write_pattern(kb, "linked", signals=("X",), summary=summary)
    return [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "link"]


def test_a_relative_link_to_a_file_the_kb_lacks_is_a_warning_with_its_line(tmp_path):
    """Found in review: `recur check --strict` passed a broken link in a pattern's text; the first to
    say so was the site build in CI (mkdocs --strict), with no line."""
    kb = small_kb(tmp_path / "kb")
    summary = (
        "See [the disk runbook](../capacity/disk-full.md#runbook) and [a missing page](../capacity/no-such-thing.md).\n"
        "Not links: `[x](nowhere.md)`, [the vendor](https://example.com/x.md), [here](#runbook).\n"
        "![graph](img/missing%20graph.png) and [out](../../../../README.md)\n\n"
        "```\n[in a fence](also-nowhere.md)\n```\n\n[ref]: ./gone.md"
    )
    found = link_warnings(kb, summary)
    text = (tmp_path / "kb/patterns/capacity/linked.md").read_text().split("\n")
    line = next(n for n, ln in enumerate(text, 1) if "a missing page" in ln)
    assert [(p.line - line, p.message.split("'")[1]) for p in found] == [
        (0, "../capacity/no-such-thing.md"),
        (2, "img/missing%20graph.png"),
        (2, "../../../../README.md"),
        (8, "./gone.md"),
    ], [str(p) for p in found]
    assert "points outside the knowledge base" in found[2].message and all(p.level == "warning" for p in found)
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--strict"])
    assert res.exit_code == 1 and "linked.md:" in res.output and "no-such-thing.md' is not a file" in res.output


def test_links_the_site_ships_dead_without_a_word_are_warnings_naming_the_link_to_write(tmp_path):
    """Found in review: [helm](helm-release-stuck) warned that the site build fails on it with --strict,
    and `recur site --strict` passed it (mkdocs keeps a link without a file extension as written); a
    link from the server's root (/patterns/data/x.md) passed check and site alike. Both ship dead links."""
    kb = small_kb(tmp_path / "kb")
    summary = (
        "[a](disk-full) [b](../network/dns-failure#runbook) [c](../)\n"
        "[d](/patterns/capacity/disk-full.md) [e](/kb/patterns/network/dns-failure.md#runbook)"
        " [f](/patterns/capacity/disk-full.html) [g](/notes/x.md)\n"
        "Left alone: [graf](/grafana/d/abc), [proto](//cdn.example.com/x.png), [ok](disk-full.md).\n"
    )
    found = {p.message.split("'")[1]: p.message for p in link_warnings(kb, summary)}
    assert sorted(found) == sorted(
        [
            "disk-full",
            "../network/dns-failure#runbook",
            "../",
            "/patterns/capacity/disk-full.md",
            "/kb/patterns/network/dns-failure.md#runbook",
            "/patterns/capacity/disk-full.html",
            "/notes/x.md",
        ]
    ), found
    assert "fails" not in found["disk-full"] and found["disk-full"].endswith(
        "a dead link (mkdocs passes it, with --strict too); link the page's Markdown file: disk-full.md"
    )
    assert found["../network/dns-failure#runbook"].endswith(": ../network/dns-failure.md#runbook")
    assert found["../"].endswith("link the page's Markdown file")
    assert found["/patterns/capacity/disk-full.md"].endswith("write it relative to this file: disk-full.md")
    assert found["/kb/patterns/network/dns-failure.md#runbook"].endswith(": ../network/dns-failure.md#runbook")
    assert found["/patterns/capacity/disk-full.html"].endswith(": disk-full.md")
    assert found["/notes/x.md"].endswith("write it relative to this file")
    assert "a link from the web server's root" in found["/notes/x.md"]


def test_a_category_folder_that_is_not_kebab_case_is_a_warning(tmp_path):
    """Found in review: `Billing/` passed check and site, but `recur new --category Billing` refuses it,
    and it is the same folder as `billing/` on macOS and Windows."""
    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "invoice-run-stuck", "Billing", signals=("X",))
    found = [p for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.field == "category"]
    assert len(found) == 1 and "'Billing' is not kebab-case" in found[0].message and found[0].level == "warning"
    assert found[0].path.endswith("invoice-run-stuck.md") and found[0].line == 4


def test_a_required_section_written_in_another_case_is_named_at_its_line(tmp_path):
    """Found in review: "## Root Cause" was "required section is missing", at the file's last line."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("## Root cause", "## Root Cause"))
    line = path.read_text().split("\n").index("## Root Cause") + 1
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb)])
    assert res.exit_code == 1
    assert (
        f"disk-full.md:{line}: ## Root cause: required section is missing: write '## Root Cause' as '## Root cause'"
        in res.output
    )


IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # the bytes are copied, not read: a signature is enough


def test_images_beside_patterns_are_attachments_and_other_files_are_not(tmp_path):
    """An image beside a pattern was 'not a .md file; ignored' (failing check --strict), and the site
    did not copy it, so `![graph](graph.png)` broke the site build while `recur check` passed."""
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns/capacity/graph.png").write_bytes(IMAGE)
    (kb / "patterns/capacity/diagram.svg").write_text("<svg onload='alert(1)'/>")
    (kb / "patterns/capacity/secret.png").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("a secret")
    loaded = load_kb(kb)
    assert loaded.attachments == ["patterns/capacity/graph.png"]
    assert "patterns/capacity/disk-full.md" in loaded.signature  # an index is not made stale by an image
    assert not any(name.endswith(".png") for name in loaded.signature)
    found = sorted((Path(p.path).name, p.message) for p in loaded.problems)
    assert found == [
        ("diagram.svg", "not a .md file; an SVG can carry scripts: use a PNG"),
        ("secret.png", "image is a symlink; the site does not copy it (put the image itself in the KB)"),
    ]


def test_a_link_to_a_kb_file_the_site_does_not_carry_is_a_warning(tmp_path):
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns/capacity/graph.png").write_bytes(IMAGE)
    summary = (
        "![graph](graph.png) and [the disk runbook](disk-full.md), [the path](../../paths/first-week.yml),\n"
        "[severities](../../severity.yml) and [the folder](../)."
    )
    found = link_warnings(kb, summary)
    assert [p.message.split("'")[1] for p in found] == ["../../paths/first-week.yml", "../../severity.yml", "../"]
    assert all("is not a page or an image of the site" in p.message for p in found)


def test_an_unquoted_hash_that_cuts_a_value_short_is_a_warning(tmp_path):
    """`title: Disk full #2 on logging nodes` passed check as the title "Disk full": YAML reads " #2 ..."
    as a comment. A comment written as one ("# was sev1") and a # in a quoted value or a block of
    text are left alone."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("cut", signals=("X",)).replace(
        "title: ", "title: Disk full #2 on logging nodes\nold_title: ", 1
    )
    text = text.replace("severity: sev2", "severity: sev2  # was sev1\nnotes: |\n  kept #1 as text\nsee: 'a #b'", 1)
    text = text.replace('  - "X"\n', '  - "X"\n  - error #42 in the log\n', 1)
    write(kb, "patterns/capacity/cut.md", text)
    loaded = load_kb(kb)
    assert loaded.patterns["cut"].title == "Disk full"  # what YAML reads: why it is worth a warning
    found = [
        (p.field, p.message) for p in authoring_warnings(loaded, today="2026-06-01") if "as a comment" in p.message
    ]
    assert found == [
        ("title", "YAML reads ' #2 on logging nodes' as a comment, so the value is 'Disk full': put the value in "
         "quotes to keep the rest"),
        # a list item is named with its index (it was "front matter")
        ("signals[1]", "YAML reads ' #42 in the log' as a comment, so the value is 'error': put the value in "
         "quotes to keep the rest"),
    ]  # fmt: skip


def test_a_hash_yaml_keeps_as_text_is_no_comment_cut(tmp_path):
    """Found in review: block text under a list item ("- |"), a quoted value running over two lines,
    and a file with no front matter at all ("See ticket #42" in its body) were warned of as cut."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("kept", signals=("X",)).replace(
        "symptoms:\n", "symptoms:\n  - |\n    error #1 on the node\n  - >-\n    then #2 follows\n", 1
    )
    text = text.replace('title: "Kept"', 'title: "Filesystem out of inodes\n  while bytes #remain free"', 1)
    write(kb, "patterns/capacity/kept.md", text)
    write(kb, "patterns/capacity/bare.md", "# No front matter\n\nSee ticket #42 and #43.\n")
    loaded = load_kb(kb)
    assert loaded.patterns["kept"].title == "Filesystem out of inodes while bytes #remain free"
    assert not [p for p in authoring_warnings(loaded, today="2026-06-01") if "as a comment" in p.message]


def test_a_link_with_a_slip_in_its_scheme_is_a_warning(tmp_path):
    """Found by a team writing its first KB: [wiki](htps://wiki.example.com) passed `recur check
    --strict` and the site (any scheme is a URL to it), and the reader got a dead link."""
    kb = small_kb(tmp_path / "kb")
    links = [
        "htps://wiki.example.com/recon",
        "http:/wiki.example.com",
        "https:wiki.example.com",
        "ttps://x.example.com",
        "https://ok.example.com",
        "mailto:oncall@example.com",
        "ftp://files.example.com",
        "hxxps://evil.example.com",  # defanged on purpose, as security write-ups do
    ]
    summary = "\n".join(f"- [link {n}]({url})" for n, url in enumerate(links))
    found = [p.message for p in link_warnings(kb, summary)]
    assert found == [
        "'htps://wiki.example.com/recon': htps: is no scheme a browser opens; write https://wiki.example.com/recon",
        "'http:/wiki.example.com' is no web address: write http://wiki.example.com",
        "'https:wiki.example.com' is no web address: write https://wiki.example.com",
        "'ttps://x.example.com': ttps: is no scheme a browser opens; write https://x.example.com",
    ]


def test_retiring_a_pattern_with_an_open_permanent_fix_is_warned_of(tmp_path, monkeypatch):
    """Found in a problem manager's review: the report, the board and --fail-on overdue leave retired patterns
    out, so an overdue permanent fix vanished from all three the day its pattern was retired, silently."""
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))
    rel = "patterns/deploys/old-retired.md"
    fix = "fix:\n  status: in-progress\n  owner: alice\n  due: 2026-01-01"
    write(kb, rel, pattern_text("old-retired", "deploys", status="retired", signals=("SERVFAIL",), fix=fix))
    lines = (kb / rel).read_text().split("\n")
    res = _run(["--today", "2026-06-01"], kb)
    assert (
        f"kb/{rel}:{_line_of(lines, 'status: retired')}: status: warning: retired with an open permanent fix "
        "(fix.status: in-progress): close it (status: done, done: DATE) or keep the pattern active" in res.output
    ), res.output
    assert res.exit_code == 0
    write(
        kb,
        rel,
        pattern_text(
            "old-retired",
            "deploys",
            status="retired",
            signals=("SERVFAIL",),
            fix=fix.replace("status: in-progress", "status: done\n  done: 2026-02-01"),
        ),
    )
    assert "retired with an open permanent fix" not in _run(["--today", "2026-06-01"], kb).output


def test_a_list_item_run_over_lines_on_purpose_is_no_run_on_item(tmp_path):
    """Only a line written as an item ("- storage") that YAML reads as more of the item above is named:
    an item's text wrapped onto the next line, a key's value with a dash in it, are the author's."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("wrapped", signals=("X",)).replace(
        "symptoms:\n", "owner: team\n  - storage\ntags:\n  - disk is\n    full - really\nsymptoms:\n", 1
    )
    write(kb, "patterns/capacity/wrapped.md", text)
    loaded = load_kb(kb)
    assert loaded.patterns["wrapped"].tags == ["disk is full - really"]
    assert not [p for p in authoring_warnings(loaded, today="2026-06-01") if "more of this value" in p.message]


@pytest.mark.parametrize(
    ("symptoms", "expect"),
    [
        # an item indented past the one above (its text runs on)
        ("symptoms:\n  - disk\n   - storage\n", "('- storage') as more of this value ('disk - storage'"),
        # an item after a list at column 0, indented past it
        ("symptoms:\n- disk\n  - storage\n", "('- storage') as more of this value ('disk - storage"),
        # an item after a line that is neither a key nor an item: the value's second line
        (
            "symptoms:\n  - disk\n    full\n    - storage\n",
            "('- storage') as more of this value ('disk full - storage'",
        ),
        # a cut value in a file with no run-on item
        ("symptoms:\n  - error #42 in the log\n", "YAML reads ' #42 in the log' as a comment, so the value is 'error'"),
    ],
)
def test_front_matter_the_lint_may_warn_of_is_scanned(tmp_path, symptoms, expect):
    """`recur check` scans only front matter that may give a cut value or an item run on (the pure-Python
    scan was 40% of a large KB's check): each of these decides alone that a file is scanned, and warns."""
    kb = small_kb(tmp_path / "kb")
    write(
        kb,
        "patterns/capacity/scanned.md",
        pattern_text("scanned", signals=("X",)).replace('symptoms:\n  - "requests hang"\n', symptoms, 1),
    )
    found = [p.message for p in authoring_warnings(load_kb(kb), today="2026-06-01") if p.path.endswith("scanned.md")]
    assert any(expect in m for m in found), found


@pytest.mark.parametrize("brk", ["\x85", "\u2028", "\u2029", "\r"])
def test_a_line_break_only_yaml_counts_does_not_stop_the_lint(tmp_path, brk):
    """YAML counts NEL, LS, PS and a lone CR as line breaks, the lint split the front matter on \\n only: a quoted
    value holding one, then a value a " #word" cuts short on the front matter's last line, stopped `recur check`
    with a traceback (IndexError in _cut_values: the scanner's line past the last); higher up, the cut was looked
    for on the wrong line and not said. It is said, at the line the loader gives that key (its unknown-key warning),
    as YAML counts lines."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("brk", signals=("X",))
    head, rest = text.split("\n---\n", 1)
    write(kb, "patterns/capacity/brk.md", f'{head}\nnote: "a{brk}b"\nowner2: team #1\n---\n{rest}')
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    lines = {m.split(": ", 1)[1]: m.split(":")[1] for m in res.output.splitlines() if "brk.md:" in m}
    unknown = [n for w, n in lines.items() if w.startswith("owner2: warning: unknown key")]
    cut = [n for w, n in lines.items() if w.startswith("owner2: warning: YAML reads ' #1' as a comment")]
    assert unknown and cut == unknown, res.output


def test_a_control_character_in_a_body_is_a_warning_at_its_line(tmp_path):
    # "\x01" and "\x02" in a body showed as the site's own done/open task badges, and check said nothing
    # (security review of 2026-12); a tab and a CRLF line end are text
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("dns-failure", "network", signals=("SERVFAIL",), summary="SUMMARY")
    body = "Resolvers fail.\nCTRL-A[\x01] here\r\n\tindented\x7f\n"
    path = write(kb, "patterns/network/dns-failure.md", text.replace("SUMMARY", body))
    start = path.read_text().split("\n").index("Resolvers fail.") + 1
    got = [(p.line, p.field, p.level, p.message) for p in authoring_warnings(load_kb(kb), today="2026-06-01")]
    said = "no text (the site shows nothing for it); remove it"
    assert [g for g in got if g[1] == "text"] == [
        (start + 1, "text", "warning", f"control character U+0001 at column 8: {said}"),
        (start + 2, "text", "warning", f"control character U+007F at column 10: {said}"),
    ]


def test_a_script_or_data_link_is_a_warning_at_its_line(tmp_path):
    # the site makes "[x](javascript:…)" a link to "#" and drops a reference definition's, a data: image too:
    # check said nothing (security review of 2026-12); in code it is text, and http(s) links are links
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("dns-failure", "network", signals=("SERVFAIL",), summary="SUMMARY")
    body = (
        "Resolvers fail.\n[run](javascript:alert(1)) and ![g](DATA:image/png;base64,AAAA)\n"
        "`[x](javascript:y)` and [ok](https://example.com)\n[a][r]\n\n[r]: java&#115;cript:alert(1)\n"
    )
    path = write(kb, "patterns/network/dns-failure.md", text.replace("SUMMARY", body))
    start = path.read_text().split("\n").index("Resolvers fail.") + 1
    rest = "link or image: the site shows it as a link to '#' (or no image); link an http(s) page or a file of the KB"
    got = [(p.line, p.message) for p in authoring_warnings(load_kb(kb), today="2026-06-01") if rest in p.message]
    assert got == [(start + 1, f"a javascript: {rest}"), (start + 5, f"a javascript: {rest}")]


def test_a_pattern_whose_id_is_wrong_gets_no_one_way_link_warning_spreading_it(tmp_path):
    # 'id: disk-ful' in disk-full.md: its related patterns do list disk-full, the file's name; the warning told the
    # author to add the misspelling to them (found in review). The id error alone says it.
    kb = small_kb(tmp_path / "kb")
    f = kb / "patterns/capacity/disk-full.md"
    f.write_text(f.read_text().replace("id: disk-full\n", "id: disk-ful\n"))
    out = _run([], kb).output
    assert "id: 'disk-ful' must equal the file name 'disk-full'" in out, out
    assert "one-way link" not in out, out


def test_an_incident_section_answered_n_a_is_no_placeholder_and_tbd_fails_no_strict_check(tmp_path):
    # a postmortem's "## Detection: N/A" copied by `recur import` failed --strict as "only a placeholder" (found
    # in review): in an incident record N/A or "-" answers the heading. TBD is still said, as advice
    kb = small_kb(tmp_path / "kb")
    f = kb / "incidents/2026/INC-2026-0002.md"
    f.write_text(f.read_text() + "\n## Detection\n\nN/A\n\n## Trigger\n\n-\n\n## Root cause\n\nTBD\n")
    out = _run(["--strict"], kb)
    assert out.exit_code == 0, out.output
    said = [ln for ln in out.output.splitlines() if "placeholder" in ln]
    assert len(said) == 1 and "## Root cause: warning: is only a placeholder ('TBD')" in said[0], out.output
    # a pattern's section that is only N/A is still a warning --strict fails on
    p = kb / "patterns/capacity/disk-full.md"
    p.write_text(p.read_text() + "\n## Root cause\n\nN/A\n")
    assert _run(["--strict"], kb).exit_code == 1
