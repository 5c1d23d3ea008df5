"""Feedback votes → confirmed pairs → eval cases an author reviews."""

from __future__ import annotations

import json
import logging

import pytest
import yaml
from click.testing import CliRunner
from kbfactory import small_kb, write_pattern

from recur.cli.main import cli
from recur.ingest.feedback import confirmed_feedback, export, read_votes, record
from recur.kb.loader import load_kb
from recur.util.errors import RecurError


def votes(path, *items):
    for q, p, u in items:
        record(path, q, p, u)


def kb_with_votes(tmp_path, *items):
    """The small KB and a votes file (tmp_path/f.jsonl) holding ``items`` (query, pattern, useful)."""
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    votes(fb, *items)
    return kb, fb


def test_record_appends_json_lines(tmp_path):
    fb = tmp_path / "deep" / "feedback.jsonl"
    record(fb, "disk is full", "disk-full", True, build_id="b1")
    record(fb, "dns down", "dns-failure", False)
    lines = [json.loads(x) for x in fb.read_text().splitlines()]
    assert [(v["query"], v["pattern"], v["useful"]) for v in lines] == [
        ("disk is full", "disk-full", True),
        ("dns down", "dns-failure", False),
    ]
    assert lines[0]["build_id"] == "b1" and lines[0]["ts"].endswith("+00:00")


def test_the_feedback_file_is_made_for_its_owner_and_group_never_others(tmp_path):
    """Found in review: 0o644 whatever the umask; under a group-shared umask (002) a second server or a
    teammate could not append votes. Then 0o666 less the umask made it world-readable under umask 022,
    every voter's query in it (found in the privacy review): 0o660 less the umask."""
    import os

    made = {}
    for mask in (0o002, 0o022, 0o077):
        old = os.umask(mask)
        try:
            record(tmp_path / f"fb-{mask:o}.jsonl", "disk is full", "disk-full", True)
        finally:
            os.umask(old)
        made[mask] = (tmp_path / f"fb-{mask:o}.jsonl").stat().st_mode & 0o777
    assert made == {0o002: 0o660, 0o022: 0o640, 0o077: 0o600}, {k: oct(v) for k, v in made.items()}


def test_confirmed_feedback_rules(tmp_path):
    kb, fb = kb_with_votes(
        tmp_path,
        ("Writes fail with ENOSPC on /data", "disk-full", True),  # confirmed
        ("writes fail with enospc  on /data", "disk-full", True),  # same query (case/space): once
        ("resolver SERVFAIL", "dns-failure", True),
        ("resolver servfail", "dns-failure", False),  # latest vote wins: not confirmed
        ("slow pages", "db-pool-exhausted", False),  # 👎
        ("deploy broke", "old-retired", True),  # retired pattern
        ("ghost", "no-such-pattern", True),  # pattern does not exist
        ("FATAL: sorry, too many clients already", "db-pool-exhausted", True),
    )  # already a case
    fb.open("a").write('not json\n{"query": 5}\n')
    assert len(read_votes(fb)) == 8
    assert confirmed_feedback(fb, kb) == [("Writes fail with ENOSPC on /data", "disk-full")]
    assert confirmed_feedback(fb, load_kb(kb)) == [("Writes fail with ENOSPC on /data", "disk-full")]
    assert confirmed_feedback(tmp_path / "missing.jsonl", kb) == []


def test_export_appends_valid_cases(tmp_path):
    kb, fb = kb_with_votes(
        tmp_path,
        ('quotes " and: colons # here', "disk-full", True),
        ("pool and disk", "db-pool-exhausted", True),
        ("pool and disk", "disk-full", True),
    )
    added, merged, target = export(fb, kb)
    assert (added, merged) == (2, 0) and target == kb / "eval" / "cases.yml"
    text = target.read_text()
    assert "# From responder feedback" in text and text.startswith('- query: "FATAL')
    loaded = load_kb(kb)
    assert not [p for p in loaded.problems if p.path.endswith("cases.yml")]
    cases = {c.query: c.expect for c in loaded.cases}
    assert cases['quotes " and: colons # here'] == ["disk-full"]
    assert cases["pool and disk"] == ["db-pool-exhausted", "disk-full"]
    assert len(loaded.cases) == 4
    # a second export finds nothing new: the cases are there now
    assert export(fb, kb)[:2] == (0, 0)
    assert len(yaml.safe_load(target.read_text())) == 4


def test_a_new_pattern_for_a_query_that_has_a_case_joins_that_case(tmp_path):
    """Export appended a second case for a query the file already had (another pattern confirmed):
    `recur eval` then counted a miss whenever the other pattern ranked first."""
    kb = small_kb(tmp_path / "kb")
    cases = kb / "eval" / "cases.yml"
    cases.write_text(
        "# our cases\n"
        '- query: "FATAL: sorry, too many clients already"\n  expect: [db-pool-exhausted]\n'
        "- query: ENOSPC while writing the WAL  # from INC-7\n  expect:\n    - disk-full\n"
        "  note: kept\n"
        "- query: pool or disk\n  expect:\n    - db-pool-exhausted  # an author's comment\n"
        "- query: disk or pool\n  expect:\n    # the usual one\n    - disk-full\n"
    )
    fb = tmp_path / "f.jsonl"
    votes(
        fb,
        ("fatal: sorry, too many clients  already", "disk-full", True),  # same query, another pattern
        ("ENOSPC while writing the WAL", "db-pool-exhausted", True),
        ("pool or disk", "disk-full", True),  # a comment after its list stays where it is
        ("disk or pool", "db-pool-exhausted", True),  # a comment over its list stays too
        ("brand new", "disk-full", True),
    )
    added, merged, _ = export(fb, kb)
    assert (added, merged) == (1, 4)  # one new case, four cases that gained a pattern
    text = cases.read_text()
    assert text.startswith("# our cases\n") and "# from INC-7" in text and "# an author's comment" in text
    loaded = load_kb(kb)
    assert not [p for p in loaded.problems if p.path.endswith("cases.yml") and p.is_error]
    got = [(c.query, c.expect) for c in loaded.cases]
    assert got == [
        ("FATAL: sorry, too many clients already", ["db-pool-exhausted", "disk-full"]),
        ("ENOSPC while writing the WAL", ["disk-full", "db-pool-exhausted"]),
        ("pool or disk", ["db-pool-exhausted", "disk-full"]),
        ("disk or pool", ["disk-full", "db-pool-exhausted"]),
        ("brand new", ["disk-full"]),
    ]
    assert "expect: [db-pool-exhausted, disk-full]  # an author's comment" in text and "# the usual one" in text
    assert yaml.safe_load(text)[1]["note"] == "kept"
    assert export(fb, kb)[:2] == (0, 0)  # nothing new the second time


def test_exported_ids_that_yaml_reads_as_something_else_are_quoted(tmp_path):
    """Found in review: ids were written bare, and a pattern id 'on' (kebab-case, valid) came back as
    true, '2024-01-01' as a date: cases.yml then failed recur check. Existing quoted ids stay quoted."""
    from kbfactory import pattern_text, write

    kb = small_kb(tmp_path / "kb")
    for pid in ("on", "2024-01-01"):  # quoted in the pattern file, as recur new writes them
        text = pattern_text(pid, title=f"Pattern {pid}").replace(f"id: {pid}\n", f'id: "{pid}"\n')
        write(kb, f"patterns/capacity/{pid}.md", text)
    assert {"on", "2024-01-01"} <= set(load_kb(kb).patterns)
    cases = kb / "eval" / "cases.yml"
    cases.write_text('- query: "pager storm"\n  expect: ["2024-01-01"]\n')
    fb = tmp_path / "f.jsonl"
    votes(fb, ("pager storm", "on", True), ("certificate generator crash", "on", True))
    assert export(fb, kb)[:2] == (1, 1)
    loaded = load_kb(kb)
    assert not [p for p in loaded.problems if p.path.endswith("cases.yml") and p.is_error], loaded.problems
    assert [(c.query, c.expect) for c in loaded.cases] == [
        ("pager storm", ["2024-01-01", "on"]),
        ("certificate generator crash", ["on"]),
    ]


def test_a_block_expect_list_followed_by_a_comment_is_joined_not_duplicated(tmp_path):
    """Found in review: a block list's node runs on over the comment lines after it, so a section
    heading comment after a case made export append a second case for the same query."""
    kb = small_kb(tmp_path / "kb")
    cases = kb / "eval" / "cases.yml"
    cases.write_text(
        '- query: "node has DiskPressure"\n  expect:\n    - disk-full\n\n# --- network ---\n'
        '- query: "dns lookups time out"\n  expect: [db-pool-exhausted]\n'
    )
    fb = tmp_path / "f.jsonl"
    votes(fb, ("node has DiskPressure", "db-pool-exhausted", True))
    assert export(fb, kb)[:2] == (0, 1)
    text = cases.read_text()
    assert "# --- network ---" in text
    got = [(c.query, c.expect) for c in load_kb(kb).cases]
    assert got == [
        ("node has DiskPressure", ["disk-full", "db-pool-exhausted"]),
        ("dns lookups time out", ["db-pool-exhausted"]),
    ]


def test_one_query_in_two_spellings_confirmed_for_two_patterns_is_one_case(tmp_path):
    """Queries are compared case- and whitespace-insensitively, but export grouped the new cases by
    exact text: two responders' spellings of one query became two cases, and `recur eval` counted a
    miss for one of them whichever pattern ranked first."""
    kb, fb = kb_with_votes(
        tmp_path, ("Disk at 100% on the DB", "disk-full", True), ("disk at 100%  on the db", "db-pool-exhausted", True)
    )
    added, merged, target = export(fb, kb)
    assert (added, merged) == (1, 0)
    new = [c for c in load_kb(kb).cases if "100%" in c.query]
    assert [(c.query, c.expect) for c in new] == [("Disk at 100% on the DB", ["disk-full", "db-pool-exhausted"])]
    assert export(fb, kb)[:2] == (0, 0)


def test_export_cli_says_when_it_only_added_patterns_to_existing_cases(tmp_path):
    """It said "Wrote 1 case(s)" when it had written no case, only joined a pattern to one."""
    kb = small_kb(tmp_path / "kb")
    (kb / "eval" / "cases.yml").write_text("- query: disk and pool trouble\n  expect: [disk-full]\n")
    fb = tmp_path / "f.jsonl"
    votes(fb, ("disk and pool trouble", "db-pool-exhausted", True))
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0 and "Added a pattern to 1 existing case" in r.output, r.output
    assert "Wrote" not in r.output
    votes(fb, ("disk and pool trouble", "dns-failure", True), ("a new one", "disk-full", True))
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert "Wrote 1 case and added a pattern to 1 existing case" in r.output, r.output


def test_export_warns_of_a_case_that_holds_an_email_address_or_a_credential(tmp_path):
    """A query is what a voter typed or pasted, and the cases go into the KB's repository for good: exporting
    one with a customer's e-mail address or a password in it said nothing (found in the privacy review). Each
    such case's line is named, the value not repeated; the case is still written (the author edits it)."""
    kb = small_kb(tmp_path / "kb")
    (kb / "eval" / "cases.yml").write_text("- query: disk and pool trouble\n  expect: [disk-full]\n")
    fb = tmp_path / "f.jsonl"
    password = "pass" + "word=Hunter" + "2Secret"  # built here: no credential-shaped string in the repository
    votes(
        fb,
        ("login failed for alice@globex-mail.com", "disk-full", True),
        ("disk full again", "disk-full", True),
        (f"db refused: {password}", "db-pool-exhausted", True),
    )
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0, r.output
    cases = kb / "eval" / "cases.yml"
    lines = cases.read_text().splitlines()
    said = [line for line in r.output.splitlines() if ": query: warning: looks like" in line]
    at = {int(line.split(":")[1]) for line in said}
    assert sorted(lines[n - 1] for n in at) == [
        f'- query: "db refused: {password}"',
        '- query: "login failed for alice@globex-mail.com"',
    ], said
    assert len(said) == 2 and "an e-mail address" in said[0] and "a password or key after its name" in said[1], said
    assert password[-8:] not in r.output and "alice@" not in r.output, r.output
    assert all(line.startswith(f"{cases}:") and "edit it out" in line for line in said), said
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert ": query: warning" not in r.output  # nothing new written: nothing said again


def test_export_to_stdout_warns_of_a_case_that_holds_an_email_address(tmp_path):
    """`--out -` prints the cases a new file would get, and says the same of them, their lines named on stdout (the
    two merged: the warning read the temporary file it printed, after it was gone, as a traceback)."""
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    votes(fb, ("disk full again", "disk-full", True), ("login failed for alice@globex-mail.com", "disk-full", True))
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", "-"])
    assert r.exit_code == 0 and r.exception is None, r.output
    said = [line for line in r.stderr.splitlines() if ": query: warning: looks like an e-mail address" in line]
    assert len(said) == 1 and said[0].startswith("stdout:"), r.stderr
    printed = r.stdout.splitlines()
    assert printed[int(said[0].split(":")[1]) - 1] == '- query: "login failed for alice@globex-mail.com"', printed


def test_a_vote_deleted_by_hand_is_forgotten_by_the_running_server(tmp_path):
    """docs/operating.md's "What Recur stores" says a vote's line can be deleted while the server runs: the
    voter keys the process keeps are read again once the file changed, in place or replaced (`sed -i`)."""
    import subprocess

    from recur.ingest.feedback import record_once

    fb = tmp_path / "feedback.jsonl"
    record(fb, "disk full", "disk-full", True)
    assert record_once(fb, "login failed for bob@example.com", "disk-full", True, "k1")[1] is None
    assert record_once(fb, "login failed for bob@example.com", "disk-full", True, "k1")[0] is None  # kept: once
    kept = [line for line in fb.read_text().splitlines(True) if "bob@" not in line]
    with open(fb, "r+") as f:  # an editor writing over the file: the same inode, shorter
        f.write("".join(kept))
        f.truncate()
    written, before = record_once(fb, "login failed for bob@example.com", "disk-full", True, "k1")
    assert written is not None and before is None
    subprocess.run(["sed", "-i", "/bob@/d", str(fb)], check=True)  # another file under the name
    written, before = record_once(fb, "login failed for bob@example.com", "disk-full", True, "k1")
    assert written is not None and before is None
    assert [v["query"] for v in read_votes(fb)] == ["disk full", "login failed for bob@example.com"]


def test_export_from_another_folder_names_the_kb_repositorys_feedback_log(tmp_path, monkeypatch):
    """Carried from reviews: the log's default is under the current folder (kept), and `recur feedback
    export --kb ../kb` from another folder said only ".recur/feedback.jsonl: no feedback file (the server
    writes it when responders vote)" while the KB's repository had one beside the KB."""
    small_kb(tmp_path / "kb")
    monkeypatch.delenv("RECUR_FEEDBACK", raising=False)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    runner = CliRunner()
    r = runner.invoke(cli, ["feedback", "export", "--kb", "../kb"])
    assert r.exit_code == 0 and r.output == (
        "note: .recur/feedback.jsonl: no feedback file, so no votes yet (under the current folder; the KB ../kb "
        "is not; the server writes it when responders vote)\nNothing to export.\n"
    )
    votes(tmp_path / ".recur" / "feedback.jsonl", ("certificate expired on the api", "dns-failure", True))
    r = runner.invoke(cli, ["feedback", "export", "--kb", "../kb", "--out", "cases.yml"])
    assert r.exit_code == 1 and r.output == (
        "Error: .recur/feedback.jsonl: no feedback file (under the current folder; the KB ../kb is not): the "
        "KB's repository has ../.recur/feedback.jsonl: pass --feedback ../.recur/feedback.jsonl\n"
    )
    r = runner.invoke(
        cli, ["feedback", "export", "--kb", "../kb", "--feedback", "../.recur/feedback.jsonl", "--out", "cases.yml"]
    )
    assert r.exit_code == 0 and "Wrote 1 case to" in r.output, r.output


def test_export_cli_with_out_and_errors(tmp_path):
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    runner = CliRunner()
    fb.mkdir()  # a folder where the file should be: a usage error, not "no votes yet"
    r = runner.invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 2 and "is a directory" in r.output, r.output
    fb.rmdir()
    votes(fb, ("certificate expired on the api", "dns-failure", True))
    out = tmp_path / "new-cases.yml"
    r = runner.invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "Wrote 1 case to" in r.output
    assert yaml.safe_load(out.read_text()) == [{"query": "certificate expired on the api", "expect": ["dns-failure"]}]
    before = (kb / "eval" / "cases.yml").read_text()
    bad = tmp_path / "bad.yml"
    bad.write_text("- query: [unclosed\n")
    r = runner.invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(bad)])
    assert r.exit_code == 1 and "bad.yml:" in r.output and "Traceback" not in r.output
    assert bad.read_text() == "- query: [unclosed\n"
    assert (kb / "eval" / "cases.yml").read_text() == before
    flow = tmp_path / "flow.yml"
    flow.write_text("[]  # no cases yet\n")  # valid, but text appended to it would not parse
    r = runner.invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(flow)])
    assert r.exit_code == 1 and "flow.yml:1: cases: cannot append to this file" in r.output
    assert "Traceback" not in r.output and flow.read_text() == "[]  # no cases yet\n"
    r = runner.invoke(cli, ["feedback", "--help"])
    assert r.exit_code == 0 and "export" in r.output


APPENDER = """
import sys
from recur.ingest.feedback import record
path, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    record(path, f"{who} vote {i} " + "long text " * 400, "disk-full", i % 2 == 0)
"""


def test_two_processes_appending_never_interleave(tmp_path):
    """Two processes (as two servers sharing one file would) append long lines at once."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    fb = tmp_path / "shared.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(fb), who, "300"], env=env) for who in "ab"]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    lines = fb.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 601
    parsed = [json.loads(x) for x in lines[:-1]]
    for who in "ab":
        assert [v["query"].split()[2] for v in parsed if v["query"].startswith(who)] == [str(i) for i in range(300)]


def _rotated_while_waiting_for_the_lock(fb, vote):
    """Run ``vote()`` in a thread while this test holds the file's flock, move the file away (the
    rotation docs/operating.md gives: ``mv``) once the thread has opened it, then let it go on: the
    vote's open comes before the move and the rest of its append after it, every time. Returns what
    the vote returned or raised, and where the file went."""
    import fcntl
    import os
    import threading

    done = {}
    holder = os.open(fb, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)

    def run():
        try:
            done["value"] = vote()
        except Exception as exc:  # noqa: BLE001 - the test reports what the vote raised
            done["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    try:
        for _ in range(100_000):  # the vote's own descriptor on the file: it waits for the flock now
            fds = os.listdir("/proc/self/fd")
            if sum(os.path.realpath(f"/proc/self/fd/{n}") == str(fb) for n in fds if n != str(holder)) > 0:
                break
            threading.Event().wait(0.001)
        moved = fb.with_name("feedback-2026-12.jsonl")
        os.rename(fb, moved)
    finally:
        os.close(holder)  # releases the flock
        thread.join()
    return done, moved


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_vote_racing_a_rotation_is_written_whole_into_the_moved_file(tmp_path):
    # the append opened the file, then opened it again by name for its last byte: moved in between, that
    # second open failed, a 503 "cannot record the vote (No such file or directory)" (an SRE's review)
    fb = tmp_path / "feedback.jsonl"
    record(fb, "certificate expired on the api", "dns-failure", True)
    done, moved = _rotated_while_waiting_for_the_lock(
        fb, lambda: record(fb, "pool exhausted", "db-pool-exhausted", True)
    )
    assert "error" not in done, done
    assert [v["query"] for v in read_votes(moved)] == ["certificate expired on the api", "pool exhausted"]
    assert moved.read_bytes().endswith(b"\n") and not fb.exists()
    record(fb, "resolvers time out", "dns-failure", True)  # the next vote starts the new file
    assert [v["query"] for v in read_votes(fb)] == ["resolvers time out"]


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_repeated_vote_racing_a_rotation_is_checked_against_the_file_it_goes_to(tmp_path):
    from recur.ingest.feedback import record_once

    fb = tmp_path / "feedback.jsonl"
    record_once(fb, "pool exhausted", "db-pool-exhausted", True, key="ann")
    done, moved = _rotated_while_waiting_for_the_lock(
        fb, lambda: record_once(fb, "pool exhausted", "db-pool-exhausted", True, key="ann")
    )
    assert done.get("value") == (None, True), done  # the same vote again: not written twice
    assert len(read_votes(moved)) == 1 and not fb.exists()


def test_votes_racing_renames_are_all_written_whole(tmp_path):
    """Threads voting while another renames the file again and again (rotation under load)."""
    import os
    import threading

    fb = tmp_path / "feedback.jsonl"
    errors, stop = [], threading.Event()

    def vote(who):
        for i in range(60):
            try:
                record(fb, f"{who} vote {i}", "disk-full", True)
            except RecurError as exc:
                errors.append(str(exc))

    def rotate():
        k = 0
        while not stop.is_set():
            try:
                os.rename(fb, tmp_path / f"feedback-{k}.jsonl")
                k += 1
            except FileNotFoundError:
                pass

    voters = [threading.Thread(target=vote, args=(w,)) for w in "abcd"]
    rotator = threading.Thread(target=rotate)
    rotator.start()
    for t in voters:
        t.start()
    for t in voters:
        t.join()
    stop.set()
    rotator.join()
    assert errors == []
    lines = b"".join(f.read_bytes() for f in sorted(tmp_path.glob("feedback*.jsonl"))).split(b"\n")
    assert lines[-1] == b""
    assert sorted(json.loads(x)["query"] for x in lines[:-1]) == sorted(
        f"{w} vote {i}" for w in "abcd" for i in range(60)
    )


def test_a_torn_last_line_is_skipped_with_a_warning(tmp_path):
    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", True))
    with fb.open("ab") as fh:  # a crash mid-write: half a line, no newline
        fh.write(b'{"ts": "2026-01-01T00:00:00+00:00", "query": "resolvers time out", "pat')
    warnings = []
    assert [v["query"] for v in read_votes(fb, warn=warnings.append)] == ["certificate expired on the api"]
    assert len(warnings) == 1 and "f.jsonl:2: torn last line" in warnings[0]
    r = CliRunner().invoke(
        cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(tmp_path / "cases.yml")]
    )
    assert r.exit_code == 0 and "torn last line" in r.output and "Wrote 1 case to" in r.output, r.output
    # the next vote starts on its own line: the torn one stays the only damaged line
    record(fb, "pool exhausted", "db-pool-exhausted", True)
    assert [v["query"] for v in read_votes(fb, warn=warnings.append)] == [
        "certificate expired on the api",
        "pool exhausted",
    ]
    assert "f.jsonl:2: not a vote" in warnings[-1]


def test_export_to_a_cases_file_nested_too_deep_names_its_line(tmp_path):
    # PyYAML's reader composes by recursion: a --out file of "[" 2,000 deep was a RecursionError's traceback
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    votes(fb, ("certificate expired on the api", "dns-failure", True))
    deep = tmp_path / "deep.yml"
    deep.write_text("- query: q\n  expect: " + "[" * 2000 + "]" * 2000 + "\n")
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(deep)])
    assert r.exit_code == 1 and "Traceback" not in r.output and not isinstance(r.exception, RecursionError)
    assert f"{deep}:2: cases: nested too deep (2,000 [ or {{ open at once, more than 100)" in r.output, r.output
    assert deep.read_text() == "- query: q\n  expect: " + "[" * 2000 + "]" * 2000 + "\n"


def test_export_to_a_cases_file_of_more_values_than_recur_reads_names_its_line(tmp_path):
    # PyYAML's pure-Python reader costs per value: 1 MiB of "x," took it 10 s; past config.MAX_YAML_NODES the file
    # is refused before it is read, at the line of the value past the limit, and left as it was
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    votes(fb, ("certificate expired on the api", "dns-failure", True))
    big = tmp_path / "big.yml"
    text = "- query: q\n  expect: [" + "x, " * 10_000 + "x]\n" + "- query: r\n  expect: [" + "y, " * 50_000 + "y]\n"
    big.write_text(text)
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(big)])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    said = "cases: more YAML values than this tool reads (value 50,001 is at this line, over 50,000)"
    assert f"{big}:4: {said}; fix it before exporting feedback" in r.output, r.output
    assert big.read_text() == text


def test_export_with_nothing_new_warns_of_a_torn_line_once(tmp_path):
    """Found in the service audit: with nothing to export, the file was read again to say why, and
    each torn line was warned of twice."""
    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", False))
    with fb.open("ab") as fh:
        fh.write(b'{"ts": "2026-01-01T00:00:00+00:00", "query": "resolvers time out", "pat')
    r = CliRunner().invoke(
        cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(tmp_path / "cases.yml")]
    )
    assert r.exit_code == 0 and "nothing to export." in r.output and "pairs: 1 not useful\n" in r.output, r.output
    assert r.output.count("torn last line") == 1, r.output


def test_a_vote_with_text_that_is_not_utf8_is_skipped_with_a_warning_and_never_written(tmp_path):
    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", True))
    with fb.open("a") as fh:  # another tool's JSON: a lone surrogate escape (and raw bytes that are not UTF-8)
        fh.write('{"query": "big \\udcff posts", "pattern": "disk-full", "useful": true}\n')
    with fb.open("ab") as fh:
        fh.write(b'{"query": "caf\xe9 down", "pattern": "disk-full", "useful": true}\n')
    warnings = []
    assert [v["query"] for v in read_votes(fb, warn=warnings.append)] == ["certificate expired on the api"]
    assert warnings == [
        f"{fb}:2: query: is not valid UTF-8 text: character 5 is an unpaired \\udcff escape, half a UTF-16 "
        "surrogate pair; skipped",
        f"{fb}:3: not a vote (a JSON object with query, pattern, useful); skipped",
    ]
    out = tmp_path / "new-cases.yml"
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(out)])
    assert r.exit_code == 0 and "f.jsonl:2: query: is not valid UTF-8 text" in r.output, r.output
    assert "Wrote 1 case to" in r.output and "cannot append" not in r.output
    assert yaml.safe_load(out.read_text()) == [{"query": "certificate expired on the api", "expect": ["dns-failure"]}]
    # record() refuses what readers would skip: the API cleans the text before it gets here
    with pytest.raises(RecurError, match="query: is not valid UTF-8 text"):
        record(fb, "big \udcff posts", "disk-full", True)
    assert len(fb.read_bytes().splitlines()) == 3


@pytest.mark.parametrize("query", ["", "  ", "\n\t", "\u2028", "\x85"])
def test_record_refuses_a_blank_query_that_every_reader_would_skip(tmp_path, query):
    """Found by fuzzing: record() wrote blank queries (a line break pasted alone: U+2028, NEL)
    that read_votes then skipped as 'not a vote', and the vote was lost without a word."""
    fb = tmp_path / "f.jsonl"
    with pytest.raises(RecurError, match="query: must not be empty"):
        record(fb, query, "disk-full", True)
    with pytest.raises(RecurError, match="pattern: must not be empty"):
        record(fb, "disk full", " ", True)
    assert not fb.exists()


def test_export_names_a_cases_file_that_is_not_utf8(tmp_path):
    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", True))
    latin1 = tmp_path / "cases.yml"
    latin1.write_bytes(b"- query: caf\xe9\n  expect: [dns-failure]\n")
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(latin1)])
    assert r.exit_code == 1 and r.output == f"Error: {latin1}: is not UTF-8 text (byte 0xe9 at line 1, column 13)\n"


def test_tune_reads_feedback_with_a_torn_line(tmp_path, capsys, caplog):
    """The library's read logs the torn line on recur.ingest.feedback (a bot routes or silences it), and prints
    nothing itself: before, it printed on stderr whatever logging the program had set up."""
    from recur.tuning.data import read_feedback

    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", True))
    with fb.open("ab") as fh:
        fh.write(b'{"query": "x", "pattern": "disk-fu')
    with caplog.at_level(logging.WARNING, logger="recur"):
        assert read_feedback(load_kb(kb), fb) == [("certificate expired on the api", "dns-failure")]
    said = f"warning: {fb}:2: torn last line (a write cut short by a crash?); skipped"
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("recur.ingest.feedback", logging.WARNING, said)
    ]
    assert capsys.readouterr().err == ""
    caplog.clear()
    logging.getLogger("recur").setLevel(logging.ERROR)  # silenced as any library's
    try:
        assert len(read_votes(fb)) == 1 and not caplog.records and capsys.readouterr().err == ""
    finally:
        logging.getLogger("recur").setLevel(logging.NOTSET)


def test_feedback_summary_prints_a_torn_line_as_before(tmp_path):
    """`recur feedback summary` prints the logged warning on stderr exactly as it printed it (cli/logs.py)."""
    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", True))
    with fb.open("ab") as fh:
        fh.write(b'{"query": "x", "pattern": "disk-fu')
    r = CliRunner().invoke(cli, ["feedback", "summary", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0, r.output
    assert r.stderr == f"warning: {fb}:2: torn last line (a write cut short by a crash?); skipped\n", r.stderr


def test_exporting_to_the_same_out_file_twice_writes_nothing_the_second_time(tmp_path):
    """Found by QA: `recur feedback export --out FILE` run twice said "Wrote 2 case(s)" the second
    time, though the cases were already in FILE and nothing was added; a case written there with a
    block-style expect list was rewritten as a flow list on the way. A pair FILE already has is not
    counted, nor its case touched."""
    kb, fb = kb_with_votes(
        tmp_path, ("disk is full on node 7", "disk-full", True), ("checkout hangs on db", "db-pool-exhausted", True)
    )
    out = tmp_path / "new-cases.yml"
    args = ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(out)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "Wrote 2 cases" in first.output, first.output
    out.write_text(out.read_text().replace("expect: [disk-full]", "expect:\n    - disk-full"))
    written = out.read_text()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "nothing to export" in again.output and "Wrote" not in again.output
    assert out.read_text() == written
    assert export(fb, kb, out) == (0, 0, out)
    # a new pattern for one of those queries still joins its case, and only that one is counted
    votes(fb, ("checkout hangs on db", "dns-failure", True))
    assert export(fb, kb, out) == (0, 1, out)  # no new case: one case gained a pattern
    assert yaml.safe_load(out.read_text())[1] == {
        "query": "checkout hangs on db",
        "expect": ["db-pool-exhausted", "dns-failure"],
    }
    assert yaml.safe_load(out.read_text())[0] == {"query": "disk is full on node 7", "expect": ["disk-full"]}


def test_serve_feedback_path_checks_say_why_it_cannot_be_written(tmp_path):
    """`serve --feedback` under a file said "cannot create its folder (File exists)": mkdir's words
    for a file in the way. It shares recur.util.files.check_writable with `recur tune --index`, which
    says what is wrong; a folder given as the file says so too."""
    from recur.ingest.feedback import check_writable

    (tmp_path / "a-file").write_text("")
    path = tmp_path / "a-file" / "feedback.jsonl"
    with pytest.raises(RecurError) as err:
        check_writable(path)
    assert str(err.value) == f"--feedback {path}: cannot create its folder (Not a directory)"
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(RecurError) as err:
        check_writable(tmp_path / "a-folder")
    assert str(err.value) == (
        f"--feedback {tmp_path / 'a-folder'}: votes could not be written there (not a writable file: Is a directory)"
    )
    check_writable(tmp_path / "new" / "feedback.jsonl")  # the folder is made, the file is not
    assert (tmp_path / "new").is_dir() and not (tmp_path / "new" / "feedback.jsonl").exists()


@pytest.mark.parametrize("folder", ["new-folder/", "existing"])
def test_export_out_naming_a_folder_is_an_error_naming_out_not_a_file_named_like_it(tmp_path, folder):
    """`--out outdir/` (a trailing slash: a folder) wrote a file named outdir; an existing folder
    was already refused by click. Both are now the same usage error naming --out (exit 2), and
    nothing is written: --out takes a file (its help: "Write the cases here")."""
    kb, fb = kb_with_votes(tmp_path, ("certificate expired on the api", "dns-failure", True))
    (tmp_path / "existing").mkdir()
    before = (kb / "eval" / "cases.yml").read_text()
    out = f"{tmp_path}/{folder}"
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", out])
    assert r.exit_code == 2 and "Invalid value for '--out'" in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "new-folder").exists() and list((tmp_path / "existing").iterdir()) == []
    assert (kb / "eval" / "cases.yml").read_text() == before


def test_serve_feedback_naming_a_folder_is_an_error_naming_feedback(tmp_path):
    """`serve --feedback votes/` appended the votes to a file named votes: refused before anything
    starts, as `feedback export --out DIR/` is (an unknown --kb is checked only after the options)."""
    args = ["serve", "--kb", str(tmp_path / "no-kb"), "--index", str(tmp_path / "no-index")]
    r = CliRunner().invoke(cli, [*args, "--feedback", f"{tmp_path}/votes/"])
    assert r.exit_code == 2 and "Invalid value for '--feedback'" in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "votes").exists()


def test_export_into_a_crlf_cases_file_keeps_its_line_endings(tmp_path):
    """A cases.yml saved on Windows has CRLF line ends: the exported cases (and a pattern added to an
    existing case) follow them, so the file does not end up with both kinds."""
    kb = small_kb(tmp_path / "kb")
    cases = kb / "eval" / "cases.yml"
    cases.write_bytes(cases.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    before = yaml.safe_load(cases.read_text())
    fb = tmp_path / "f.jsonl"
    votes(fb, ("pool and disk", "disk-full", True), (before[0]["query"], "disk-full", True))
    assert export(fb, kb)[:2] == (1, 1)
    raw = cases.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 0
    after = yaml.safe_load(raw.decode())
    assert len(after) == len(before) + 1 and "disk-full" in after[0]["expect"]


def test_nothing_to_export_says_what_the_votes_were(tmp_path):
    """A file whose votes all name patterns since deleted looked the same as an empty one."""
    kb, fb = kb_with_votes(
        tmp_path,
        ("ghost query", "deleted-pattern", True),
        ("another ghost", "renamed-pattern", True),
        ("slow pages", "db-pool-exhausted", False),
        ("deploy broke", "old-retired", True),
    )
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0 and "nothing to export." in r.stderr
    assert "4 query/pattern pairs; pairs: 1 not useful, 2 unknown pattern, 1 retired pattern" in r.stderr
    out = tmp_path / "cases-out.yml"
    votes(fb, ("pool and disk", "disk-full", True))
    args = ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    again = CliRunner().invoke(cli, args)
    assert "pairs: 1 already in the output file, 1 not useful, 2 unknown pattern, 1 retired pattern" in again.stderr, (
        again.stderr
    )


def test_export_always_says_what_became_of_the_votes_it_did_not_export(tmp_path):
    """Found in a problem manager's review: the breakdown came only when nothing was exported, so one new
    case hid the votes left behind by a renamed pattern (its old id) or a retired one."""
    kb, fb = kb_with_votes(
        tmp_path,
        ("a new query about disks", "disk-full", True),
        ("ghost query", "disk-ful", True),  # renamed or misspelt
        ("another ghost", "dns-failure-old", True),
        ("deploy broke", "old-retired", True),
        ("slow pages", "db-pool-exhausted", False),
    )
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0 and "Wrote 1 case to" in r.stderr, r.output
    assert (
        "5 votes in " in r.stderr
        and "on 5 query/pattern pairs; pairs: 1 exported, 1 not useful, 2 unknown pattern, 1 retired pattern"
        in r.stderr
    ), r.stderr
    assert "a renamed pattern leaves its votes under its old id): disk-ful (did you mean disk-full?), " in r.stderr
    assert "dns-failure-old" in r.stderr and "retired pattern (kept for history, never a case): old-retired" in r.stderr


def test_export_names_what_superseded_a_retired_pattern_voted_for(tmp_path):
    """A 👍 for a pattern since split or merged is not a case; the breakdown names the pattern(s) of its
    superseded_by (a retired one followed to the pattern in use), where the query's case may belong."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/deploys/old-retired.md"
    path.write_text(
        path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: [dns-failure, disk-full]\n")
    )
    fb = tmp_path / "f.jsonl"
    votes(fb, ("deploy broke", "old-retired", True))
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0 and "1 retired pattern" in r.stderr, r.output
    assert (
        "retired pattern (kept for history, never a case): old-retired (superseded by dns-failure and disk-full)"
        in r.stderr
    ), r.stderr


def test_one_thumbs_down_does_not_cancel_the_thumbs_up_of_other_voters(tmp_path):
    """Each voter's latest vote counts once (Slack's vote_key; an API vote is a voter of its own); a pair is a
    case when 👍 outnumber 👎. The latest vote of the (query, pattern) decided alone, so one 👎 undid three 👍."""
    from recur.ingest.feedback import record_once

    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    q = "disk is full on the build host"
    for voter in ("ann", "bob", "cy"):
        record_once(fb, q, "disk-full", True, key=voter)
    record_once(fb, q, "disk-full", False, key="dee")
    assert confirmed_feedback(fb, kb) == [(q, "disk-full")]
    from recur.ingest.feedback import judge_votes

    [j] = judge_votes(fb, kb)
    assert (j.up, j.down, j.votes, j.verdict) == (3, 1, 4, "confirmed")
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert f"3 👍 and 1 👎 on {q!r} for disk-full: counted as useful" in r.stderr, r.stderr
    assert "4 votes in" in r.stderr and "on 1 query/pattern pair; pairs: 1 exported" in r.stderr
    record_once(fb, q, "disk-full", False, key="ann")  # ann changes her mind: 2 👍 and 2 👎, not a case
    record(fb, "dns down", "dns-failure", True)  # API votes, no key: each a voter of its own
    record(fb, "dns down", "dns-failure", False)
    record(fb, "dns down", "dns-failure", True)
    assert [(j.up, j.down, j.votes, j.verdict) for j in judge_votes(fb, kb)] == [
        (2, 2, 5, "not useful"),
        (2, 1, 3, "confirmed"),
    ]


def test_record_once_writes_a_voters_vote_once_and_a_change_as_a_change(tmp_path):
    """Slack's buttons: one person's vote on one result of one message counts once (a second click of 👍
    wrote a second 👍); a 👎 after it is written as a change. The file stays an append-only log read by the
    latest vote of a (query, pattern), so the change is what export and tune read."""
    import threading

    from recur.ingest.feedback import record_once

    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "fb.jsonl"
    q = "disk is full on db-3"
    assert record_once(fb, q, "disk-full", True, "k1")[1] is None
    assert record_once(fb, q, "disk-full", True, "k1") == (None, True)  # the same vote again: not written
    record(fb, q, "disk-full", True)  # a vote with no key (the API's) is never held back
    changed, before = record_once(fb, q, "disk-full", False, "k1")
    assert before is True and changed["changed"] is True and changed["vote_key"] == "k1"
    assert confirmed_feedback(fb, kb) == []  # the latest vote of (q, disk-full) is 👎
    record_once(fb, q, "disk-full", True, "k2")  # another voter
    assert confirmed_feedback(fb, kb) == [(q, "disk-full")]
    lines = [json.loads(x) for x in fb.read_text().splitlines()]
    assert [(v.get("vote_key"), v["useful"], v.get("changed", False)) for v in lines] == [
        ("k1", True, False), (None, True, False), ("k1", False, True), ("k2", True, False)
    ]  # fmt: skip
    # two clicks at once (two server threads): one line
    threads = [threading.Thread(target=record_once, args=(fb, q, "disk-full", True, "k3")) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for v in read_votes(fb) if v.get("vote_key") == "k3") == 1


SHORT_WRITER = """
import resource, signal, sys
from recur.ingest.feedback import record
from recur.util.errors import RecurError
path = sys.argv[1]
record(path, "disk full on the first host", "disk-full", True)
size = __import__("os").path.getsize(path)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit is cut short (then EFBIG), not fatal
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
for room in (100, 0):  # cut short at the limit; then refused at it (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + room, hard))
    try:
        record(path, "long text " * 200, "disk-full", True)
    except RecurError as exc:
        print(exc)
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
record(path, "disk full on the second host", "disk-full", False)
"""


def test_a_vote_cut_short_by_a_full_disk_is_taken_back_and_the_file_stays_json_lines(tmp_path):
    """Found in an operator's review: a full disk left the first bytes of a vote in feedback.jsonl (the
    API said 503), the next vote started a new line after them, and every reader skipped a garbage
    line. A write cut short (here by RLIMIT_FSIZE, a real short write) is taken back with ftruncate."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    fb = tmp_path / "f.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    out = subprocess.run(
        [sys.executable, "-c", SHORT_WRITER, str(fb)], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = fb.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3, lines
    assert [json.loads(x)["query"] for x in lines[:-1]] == [
        "disk full on the first host",
        "disk full on the second host",
    ]
    assert len(read_votes(fb, warn=lambda m: pytest.fail(m))) == 2
    said = out.stdout.splitlines()
    assert len(said) == 2 and "only 100 of" in said[0] and "taken back" in said[0], said
    assert "cannot record the vote (File too large)" in said[1], said


UNLOCKED = """
import errno, fcntl, os
def flock(fd, operation):  # NFS without its lock daemon (no file system here refuses a lock on a file open to write)
    raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
fcntl.flock = flock
"""


def test_a_vote_cut_short_where_the_log_cannot_be_locked_is_blanked_not_cut_off(tmp_path):
    """Without the log's lock (refused on NFS without lockd: the votes go on, _flock), another process's vote may
    follow the first bytes of one a full disk cut short: cut off at its start, as under the lock, that vote went
    too. The bytes are blanked in place: a blank line every reader skips in silence, every other vote whole."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    fb = tmp_path / "f.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    out = subprocess.run(
        [sys.executable, "-c", UNLOCKED + SHORT_WRITER, str(fb)], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = fb.read_bytes().split(b"\n")
    assert len(lines) == 4 and lines[-1] == b"" and lines[1] == b" " * 99, lines  # 100 bytes written, then blanked
    assert [v["query"] for v in read_votes(fb, warn=lambda m: pytest.fail(m))] == [
        "disk full on the first host",
        "disk full on the second host",
    ]
    said = out.stdout.splitlines()
    assert len(said) == 2 and "only 100 of" in said[0] and "blanked, a line readers skip" in said[0], said
    assert "cannot record the vote (File too large)" in said[1], said
    assert out.stderr.count("votes appended without its lock") == 1, out.stderr


def test_export_to_out_leaves_out_a_query_the_kbs_cases_have_naming_its_line(tmp_path):
    """--out merged only into the target file: a pattern confirmed for a query kb/eval/cases.yml already has
    became a second case for it, which check warns of ("the same query as") and eval counts as a miss."""
    kb = small_kb(tmp_path / "kb")  # cases.yml: line 1 "FATAL: sorry, too many clients already", line 3 ENOSPC
    fb = tmp_path / "f.jsonl"
    votes(fb, ("fatal: sorry,  too many clients already", "disk-full", True), ("a new one", "dns-failure", True))
    out = tmp_path / "new.yml"
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), "--out", str(out)])
    assert r.exit_code == 0 and "Wrote 1 case to" in r.stderr, r.output
    assert yaml.safe_load(out.read_text()) == [{"query": "a new one", "expect": ["dns-failure"]}]
    assert "pairs: 1 exported, 1 left out (KB/eval/cases.yml has the query)" in r.stderr, r.stderr
    assert (
        "left out: 'fatal: sorry,  too many clients already' for disk-full: " in r.stderr
        and "eval/cases.yml:1 has this query (export without --out to join that case)" in r.stderr
    )
    # exported into cases.yml, the same vote joins that case
    assert export(fb, kb)[:2] == (1, 1)
    assert yaml.safe_load((kb / "eval" / "cases.yml").read_text())[0]["expect"] == ["db-pool-exhausted", "disk-full"]


def test_feedback_summary_shows_the_thumbs_down_per_pattern(tmp_path):
    """Nothing showed 👎 votes: the patterns responders keep rejecting, and for what."""
    from recur.ingest.feedback import record_once

    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    for voter in ("ann", "bob"):
        record_once(fb, "slow pages", "db-pool-exhausted", False, key=voter)
    record_once(fb, "slow pages", "db-pool-exhausted", True, key="cy")
    record_once(fb, "ann again", "db-pool-exhausted", True, key="ann")
    record_once(fb, "ann again", "db-pool-exhausted", False, key="ann")  # changed: counts once, as 👎
    votes(fb, ("disk is full", "disk-full", True), ("ghost", "renamed-away", False))
    args = ["feedback", "summary", "--kb", str(kb), "--feedback", str(fb)]
    r = CliRunner().invoke(cli, [*args, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["patterns"] == [
        {
            "pattern": "db-pool-exhausted",
            "up": 1,
            "down": 3,
            "rejected_for": ["slow pages", "ann again"],
            "in_kb": True,
        },
        {
            "pattern": "renamed-away",
            "up": 0,
            "down": 1,
            "rejected_for": ["ghost"],
            "in_kb": False,
            "did_you_mean": None,
        },
        {"pattern": "disk-full", "up": 1, "down": 0, "rejected_for": [], "in_kb": True},
    ]
    text = CliRunner().invoke(cli, args).stdout
    assert text.startswith("db-pool-exhausted: 1 👍 3 👎\n  rejected for 'slow pages'\n  rejected for 'ann again'\n")
    assert "renamed-away: 0 👍 1 👎  (not in the KB: renamed or deleted?)" in text


def test_feedback_summary_says_which_id_a_vote_on_an_unknown_one_meant(tmp_path):
    """`feedback export` said "did you mean disk-full?" of a vote for `disk-ful`; `summary` only said it was
    not in the KB, so the reader looked for the pattern by hand (found in a problem manager's review)."""
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "f.jsonl"
    votes(fb, ("disk is full", "disk-ful", False), ("pool gone", "db-pool", False))
    args = ["feedback", "summary", "--kb", str(kb), "--feedback", str(fb)]
    rows = {r["pattern"]: r for r in json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)["patterns"]}
    assert rows["disk-ful"]["did_you_mean"] == "disk-full"
    assert rows["db-pool"]["did_you_mean"] == "db-pool-exhausted"  # a shortened id, as close_ids finds it
    text = CliRunner().invoke(cli, args).stdout
    assert "disk-ful: 0 👍 1 👎  (not in the KB: renamed or deleted? did you mean disk-full?)" in text


def test_feedback_summary_says_where_a_retired_patterns_votes_went(tmp_path):
    """A pattern renamed as the format says (the old file retired, superseded_by the new id) kept its votes under
    the old id, listed as any pattern's, the new id with none: the summary names the successor and what tune does."""
    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "volume-full", title="Volume full")
    retired = "superseded_by: volume-full\nfix:\n  status: done\n  done: 2026-01-02"
    write_pattern(kb, "disk-full", status="retired", extra_front=retired)
    fb = tmp_path / "f.jsonl"
    votes(fb, ("disk is full", "disk-full", True), ("dns down", "old-retired", True))
    args = ["feedback", "summary", "--kb", str(kb), "--feedback", str(fb)]
    rows = {r["pattern"]: r for r in json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)["patterns"]}
    assert rows["disk-full"]["superseded_by"] == ["volume-full"] and rows["old-retired"]["superseded_by"] == []
    text = CliRunner().invoke(cli, args).stdout
    said = "(retired, superseded by volume-full: recur tune counts its votes as volume-full's)"
    assert f"disk-full: 1 👍 0 👎  {said}" in text and "old-retired: 1 👍 0 👎  (retired: recur tune does not" in text


def test_no_feedback_file_yet_is_no_votes_not_an_error(tmp_path):
    """Found in review: `recur feedback summary` and `export` exited 1 ("no feedback file") on a KB no one has
    voted on yet (the server writes the file at the first vote), so a scheduled job failed until then. No file
    is no votes: the empty summary ({"patterns": []}, its JSON's empty form), nothing exported, a note on
    stderr, exit 0, and nothing written."""
    kb = small_kb(tmp_path / "kb")
    fb, out = tmp_path / "none" / "feedback.jsonl", tmp_path / "cases.yml"
    cases = (kb / "eval" / "cases.yml").read_text()
    runner = CliRunner()
    said = f"note: {fb}: no feedback file, so no votes yet (the server writes it when responders vote)\n"
    r = runner.invoke(cli, ["feedback", "summary", "--kb", str(kb), "--feedback", str(fb), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == {"patterns": []} and r.stderr == said, r.output
    r = runner.invoke(cli, ["feedback", "summary", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == said, r.output
    for extra in ((), ("--out", str(out))):
        r = runner.invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb), *extra])
        assert r.exit_code == 0 and r.stderr == said + "Nothing to export.\n", r.output
    assert not out.exists() and not fb.parent.exists() and (kb / "eval" / "cases.yml").read_text() == cases


def test_the_state_beside_a_kb_is_none_for_a_kb_folder_that_does_not_exist(tmp_path, monkeypatch):
    """config.state_elsewhere, the rule by which serve, tune and feedback find the KB repository's .recur/: a KB
    folder that does not exist (a --kb typo) has no repository, so no state beside it (found in review: `recur
    serve --kb ../team-kbb/kb` made ../team-kbb/.recur/, `--kb /nonexist` /.recur/)."""
    from recur import config

    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    kb, default = tmp_path / "team" / "kb", config.default("feedback")
    assert config.state_elsewhere(kb, "feedback", default) is None
    small_kb(kb)
    assert config.state_elsewhere(kb, "feedback", default) == kb.resolve().parent / default


def test_a_misspelt_kb_is_an_error_not_no_votes_yet(tmp_path):
    """Found in review: with no feedback file, `recur feedback summary --kb ../team-kbb/kb` (a typo) said "no
    votes yet" and exited 0, so a scheduled job never learnt its KB was wrong. The KB folder comes first: the
    usual "knowledge base folder not found", exit 1, for summary and export alike, and no note of no votes."""
    small_kb(tmp_path / "kb")
    typo, fb = tmp_path / "kbb", tmp_path / "none" / "feedback.jsonl"
    for args in (["summary"], ["summary", "--json"], ["export"]):
        r = CliRunner().invoke(cli, ["feedback", *args, "--kb", str(typo), "--feedback", str(fb)])
        assert r.exit_code == 1, r.output
        assert f"knowledge base folder not found: {typo}" in r.stderr and "no votes yet" not in r.stderr, r.output
        assert "Traceback" not in r.output and r.stdout == ""


def test_serve_feedback_check_refuses_what_a_vote_cannot_append_to_and_read(tmp_path):
    """Found in review: a vote opens the log read-write, while the start-up check asked only for write: a FIFO
    passed it, then took each vote's bytes and failed it ("Invalid argument"). What is not a regular file is
    refused at start, naming what it is (a write-only file is refused too, which root, running the tests, cannot
    see: os.access grants it everything)."""
    import os

    from recur.ingest.feedback import check_writable

    fifo = tmp_path / "feedback.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(RecurError) as err:
        check_writable(fifo)
    assert str(err.value) == (
        f"--feedback {fifo}: votes could not be written there (not a regular file: a named pipe (FIFO))"
    )


def test_a_voters_earlier_vote_is_found_whoever_wrote_it_and_whatever_became_of_the_file(tmp_path):
    """record_once keeps each vote_key's latest vote in memory, read once, then only what was appended since
    (a whole read at each vote took 0.6-1 s on a 390 MB file, under the process's lock: security review). It
    must answer as a whole read did: a vote another process appended, a file copied over, truncated or rotated."""
    import subprocess
    import sys

    from recur.ingest.feedback import record_once

    fb = tmp_path / "feedback.jsonl"
    q, p = "pool exhausted", "db-pool-exhausted"
    assert record_once(fb, q, p, True, key="ann")[1] is None
    other = f"from recur.ingest.feedback import record_once; record_once({str(fb)!r}, {q!r}, {p!r}, False, key='ann')"
    subprocess.run([sys.executable, "-c", other], check=True)  # another server sharing the file
    entry, before = record_once(fb, q, p, True, key="ann")
    assert before is False and entry["changed"] is True, entry  # not "already recorded": it said 👎 since
    assert record_once(fb, q, p, True, key="ann") == (None, True)
    # copied over (longer, another first line): ann's 👎 is the latest there
    lines = [
        {"ts": "2026-12-01T00:00:00+00:00", "query": "other " * 60, "pattern": p, "useful": True},
        {"ts": "2026-12-01T00:00:01+00:00", "query": q, "pattern": p, "useful": False, "vote_key": "ann"},
    ]
    fb.write_text("".join(json.dumps(line) + "\n" for line in lines * 4))
    assert record_once(fb, q, p, True, key="ann")[1] is False
    fb.write_text("")  # truncated: nothing of ann
    assert record_once(fb, q, p, False, key="ann")[1] is None
    fb.rename(tmp_path / "feedback-2026-12.jsonl")  # rotated: the new file has no vote of ann
    assert record_once(fb, q, p, False, key="ann")[1] is None
    assert record_once(fb, q, p, False, key="ann") == (None, False)
    assert [v["useful"] for v in read_votes(fb)] == [False]


def test_a_file_restored_over_the_log_with_the_same_start_is_read_again(tmp_path):
    """Found in the re-read of record_once's cache: a copy restored over the log with `cp` (the same inode) whose
    first 256 bytes are the log's, and longer than what was read of it, was read on from the old offset: a vote
    in its middle was missed, and ann's 👎 there read as her 👍. The 64 bytes before that offset are compared at
    each vote too; when they differ, the file is read from its start."""
    from recur.ingest.feedback import record_once

    fb = tmp_path / "feedback.jsonl"
    q, p = "pool exhausted", "db-pool-exhausted"
    first = {"ts": "2026-12-01T00:00:00+00:00", "query": "other " * 60, "pattern": p, "useful": True}
    ann = {"ts": "2026-12-01T00:00:01+00:00", "query": q, "pattern": p, "vote_key": "ann"}
    fb.write_text(json.dumps(first) + "\n" + json.dumps({**ann, "useful": True}) + "\n")
    assert record_once(fb, q, p, True, key="ann") == (None, True)  # read, up to its end
    inode = fb.stat().st_ino
    restored = [first, {**ann, "useful": False}, {**first, "ts": "2026-12-01T00:00:02+00:00"}]
    with open(fb, "w") as out:  # cp: the same file, written over, the same first line, longer
        out.write("".join(json.dumps(line) + "\n" for line in restored))
    assert fb.stat().st_ino == inode
    entry, before = record_once(fb, q, p, True, key="ann")
    assert before is False and entry["changed"] is True, (entry, before)


def test_export_warns_of_the_addresses_recur_check_warns_of_and_of_no_other(tmp_path):
    """Export warned of any address in a case it wrote, a documentation domain's (`@example.com`), a role's
    (`oncall@`) or a placeholder's too, which `recur check --strict` passes in the same file: an author told to
    edit a case the check then found nothing in. Both read the cases with one rule (kb.emails.yaml_problems)."""
    queries = (
        "login failed for jane.doe@globex-mail.com",  # a person's: both say it
        "Email: bo.li@globex-mail.com cannot log in",  # a label inside a quoted text is no contact key: said
        "login failed for alice@example.com",  # documentation's domain
        "page payments-oncall@acme.io about 502s",  # a role's mailbox
        "user@company.com gets 401",  # a placeholder
        "ssh ubuntu@ip-10-0-1-2.ec2.internal hangs",  # a host no mail goes to
    )
    kb, fb = kb_with_votes(tmp_path, *((q, "disk-full", True) for q in queries))
    r = CliRunner().invoke(cli, ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)])
    assert r.exit_code == 0, r.output
    said = {int(line.split(":")[1]) for line in r.output.splitlines() if ": query: warning: looks like an e-" in line}
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--stale-days", "0", "--format", "json"])
    warned = {p["line"] for p in json.loads(check.stdout)["problems"] if "e-mail address" in p["message"]}
    lines = (kb / "eval/cases.yml").read_text().splitlines()
    assert said == warned and sorted(lines[n - 1] for n in said) == [
        '- query: "Email: bo.li@globex-mail.com cannot log in"',
        '- query: "login failed for jane.doe@globex-mail.com"',
    ], (said, warned, lines)


def test_a_lock_refused_for_a_moment_is_tried_again_and_taken_and_said_once(tmp_path, monkeypatch, caplog):
    """Found in a crash review: one ENOLCK on the feedback log's flock (an NFS lock daemon's hiccup: restarting, its
    grace period) made that vote go without the lock, logged as "this file system refuses" it. A lock refused with
    ENOLCK is now tried again a few times, briefly, and taken, said once in the log. Refused at every try (NFS
    without a lock daemon), the vote goes without it as before, and the next votes try once, not wait the retries
    out each time, until the lock is taken again. (No file system here refuses a lock for a moment: the kernel's
    answer is given by a stand-in for fcntl.flock, on this file alone, as where it is refused for good.)"""
    import errno
    import fcntl
    import os

    from recur.util import files

    fb = tmp_path / "f.jsonl"
    flock, refusals, tries = fcntl.flock, [2], []

    def lockd_hiccup(fd, operation):
        if os.path.exists(fb) and os.path.samestat(os.fstat(fd), os.stat(fb)):
            tries.append(operation)
            if refusals[0]:
                refusals[0] -= 1
                raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        return flock(fd, operation)  # the real lock, on the real file

    monkeypatch.setattr(fcntl, "flock", lockd_hiccup)
    monkeypatch.setattr(files, "_UNLOCKED_SAID", set())
    monkeypatch.setattr(files, "_REFUSED", set())

    def vote(n: int, refused: int) -> tuple[int, list[str]]:
        refusals[0], before = refused, len(tries)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="recur"):
            record(fb, f"disk full on host {n}", "disk-full", True)
        return len(tries) - before, [r.getMessage() for r in caplog.records]

    assert vote(1, 2) == (
        3,
        [
            f"warning: {fb}: its lock was refused for a moment (No locks available; NFS lock daemon "
            "restarting?) and taken at try 3"
        ],
    )
    assert vote(2, 1) == (2, [])  # said once
    tried, said = vote(3, 99)  # refused at every try: without it, said once
    assert tried == 1 + len(files.LOCK_RETRY_S) and len(said) == 1 and "votes appended without its lock" in said[0]
    assert vote(4, 99) == (1, [])  # tried once, not the retries again
    assert vote(5, 0) == (1, [])  # taken again
    assert vote(6, 1) == (2, [])  # and a hiccup tried again
    assert [v["query"] for v in read_votes(fb)] == [f"disk full on host {n}" for n in range(1, 7)]
