"""Control characters (terminal escape sequences and the like) are not text: every writer of a one-line
field takes them out (recur.util.text.one_line), `recur check` reports one in front matter, and the
terminal views show KB text escaped. Found in review: "\\x1b]0;…\\x07" (set the window title) and
"\\x1b[2J" (clear the screen) from `recur import`, `recur new incident` and `recur new pattern` landed
in titles, and `recur report` printed them raw to the problem manager's terminal."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli
from recur.kb.loader import load_kb

OSC = "\x1b]0;pwned\x07"  # set the terminal's window title
CLEAR = "\x1b[2J"
PATTERN = ["--category", "capacity", "--severity", "sev3", "--symptom", "it rings"]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what no written KB file or terminal line may hold


def run(*args, input=None):
    r = CliRunner().invoke(cli, list(args), input=input)
    assert "Traceback" not in r.output, r.output
    return r


def _files_hold_no_control_characters(kb) -> None:
    for path in kb.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not RAW.search(text), (path, text)
            assert not re.search(r"\\u00[01][0-9a-f]|\\u007f|\\u00[89][0-9a-f]|\\e|\\a", text), (path, text)


def test_import_takes_control_characters_out_of_the_record_and_says_so(tmp_path):
    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text(
        f"# Cache {OSC}evicted {CLEAR}keys\n\nDate: 2026-03-04\nSeverity: sev2\nServices: web\x1b[31m, api\a\n\n"
        "## Summary\nThe cache evicted keys: \x1b[1;31mERROR\x1b[0m OOM.\n\n"
        "## Action items\n- [ ] Raise maxmemory\x07 (owner: @bob\x1b[0m)\n\n## Root cause\nmaxmemory too low.\n",
        encoding="utf-8",
    )
    args = ("import", "--kb", str(kb), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--category", "capacity")
    r = run(*args, str(pm), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert any(n.startswith("took 9 control characters out of the text") for n in out["notes"]), out["notes"]
    inc = load_kb(kb).incidents[out["incident"]]
    assert inc.title == "Cache evicted keys" and inc.services == ["web", "api"]
    assert [(f.title, f.owner) for f in inc.follow_ups] == [("Raise maxmemory", "bob")]
    assert "ERROR OOM" in inc.summary
    _files_hold_no_control_characters(kb)
    assert run("check", "--kb", str(kb), "--stale-days", "0").exit_code == 0


def test_import_takes_out_control_characters_the_documents_front_matter_decodes(tmp_path):
    """YAML's "\\e" and "\\a" in a postmortem's front matter are decoded to ESC and BEL after the
    raw text is read: taken out all the same."""
    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text(
        '---\ntitle: "Queue \\e]0;pwned\\a stalls"\nservices: ["q\\x9bueue"]\ndate: 2026-03-05\nseverity: sev3\n---\n\n'
        "## Summary\nThe queue stalled for an hour while its consumers were down.\n",
        encoding="utf-8",
    )
    args = ("import", "--kb", str(kb), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--category", "capacity")
    r = run(*args, str(pm))
    assert r.exit_code == 0, r.output
    assert "Note: took 3 control characters out of the text" in r.output
    inc = next(i for i in load_kb(kb).incidents.values() if i.date.isoformat() == "2026-03-05")
    assert inc.title == "Queue stalls" and inc.services == ["queue"]
    _files_hold_no_control_characters(kb)


@pytest.mark.parametrize(
    ("args", "flag", "said"),
    [
        (
            ["new", "incident", "-s", "sev3", "--title", f"Disk {CLEAR}full"],
            "'--title' / '-t'",
            "U+001B at character 6",
        ),
        (
            ["new", "incident", "-s", "sev3", "-t", "Disk", "--service", f"a{OSC}"],
            "'--service'",
            "U+001B at character 2",
        ),
        (["new", "incident", "-s", "sev3", "-t", "Disk", "--flag", "dig\u009b1"], "'--flag'", "U+009B at character 4"),
        (
            ["new", "incident", "-s", "sev3", "-t", "Disk", "--summary", "a\x00b"],
            "'--summary'",
            "U+0000 at character 2",
        ),
        (["new", "pattern", *PATTERN, "--title", "Bell \a"], "'--title'", "U+0007 at character 6"),
        (["new", "pattern", *PATTERN, "--title", "Bell", "--symptom", "it \x1b[1mrings"], "'--symptom'", "U+001B"),
        (["new", "pattern", *PATTERN, "--title", "Bell", "--signal", "BEL\x07"], "'--signal'", "U+0007"),
        (["new", "pattern", *PATTERN, "--title", "Bell", "--owner", "t\x7feam"], "'--owner'", "U+007F"),
        (["new", "pattern", *PATTERN, "--title", "Bell", "--summary", f"Rings {CLEAR}"], "'--summary'", "U+001B"),
        (["new", "path", "--title", "Week\x0c one", "--step", "disk-full"], "'--title'", "U+000C at character 5"),
        (["incident", "new", "-s", "sev3", "-t", "Pods \x07restart", "--no-suggest"], "'--title' / '-t'", "U+0007"),
        (["incident", "new", "-s", "sev3", "-t", "Pods", "-d", "why\x1b[0m?", "--no-suggest"], "'--description'", ""),
        (["incident", "new", "-s", "sev3", "-t", "Pods", "--review-owner", "b\x08ob", "--no-suggest"], "", "U+0008"),
        (["incident", "flag", "INC-2026-0001", f"heap {OSC}dump"], "'[TEXT]...'", "U+001B at character 6"),
        (["incident", "flag", "INC-2026-0001", "--done", "1", "--note", "a\x00"], "'--note'", "U+0000"),
        (["incident", "follow-up", "INC-2026-0001", "--add", "Alert\x1b"], "'--add'", "U+001B"),
        (["incident", "review", "INC-2026-0001", "--owner", "bob\x9b"], "'--owner'", "U+009B"),
    ],
)
def test_a_control_character_given_to_be_written_is_refused_naming_the_flag(tmp_path, args, flag, said):
    """Found by fuzzing: `recur new incident`, `recur new pattern`, `recur incident new` and the rest took control
    characters out of what they were given without a word, where MCP's record_incident refused them. One rule
    now (util.text.control_refused): refused, click's usage error naming the flag, exit 2, nothing written."""
    kb = small_kb(tmp_path / "kb")
    before = {p: p.read_bytes() for p in kb.rglob("*") if p.is_file()}
    r = run(*args[:2], "--kb", str(kb), *(["--no-input"] if args[0] == "new" else []), *args[2:])
    assert r.exit_code == 2, r.output
    assert f"Error: Invalid value for {flag}" in r.stderr and "has the control character" in r.stderr, r.stderr
    assert said in r.stderr and "give plain text (a tab and line breaks are allowed)" in r.stderr, r.stderr
    assert {p: p.read_bytes() for p in kb.rglob("*") if p.is_file()} == before


def test_tabs_and_line_breaks_given_are_white_space(tmp_path):
    """What the rule allows: a tab and line breaks, folded into one space in a one-line field (a title, a
    service, a flag), kept in text that has lines (a description, a summary)."""
    kb = small_kb(tmp_path / "kb")
    r = run(
        "new", "incident", "--kb", str(kb), "--no-input", "--date", "2026-05-02", "--severity", "sev3",
        "--title", "Disk\tfull\r\n", "--service", "a\tb", "--flag", "dig\nhere", "--summary", "one\ttwo\nthree",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    inc = load_kb(kb).incidents["INC-2026-0003"]
    assert inc.title == "Disk full" and inc.services == ["a b"] and [f.text for f in inc.flags] == ["dig here"]
    assert "one\ttwo\nthree" in inc.summary
    _files_hold_no_control_characters(kb)


def test_a_pasted_log_on_stdin_is_recorded_without_its_control_characters_and_said(tmp_path):
    """stdin (`-d -`) is a document read whole, as `recur import` reads a postmortem: a coloured log's escape
    sequences and a binary line's NUL are taken out, as before, and now said on stderr (it was without a word)."""
    kb = small_kb(tmp_path / "kb")
    args = ("incident", "new", "--kb", str(kb), "-t", "Pods", "-s", "sev3", "-d", "-", "--no-suggest", "--json")
    r = run(*args, input="\x1b[1;31mERROR\x1b[0m pod \x07crashed \x00\n")
    assert r.exit_code == 0, r.output
    said = "recur: took 4 control characters out of stdin (a terminal's escape sequences such as colour codes"
    assert said in r.stderr, r.stderr
    inc = load_kb(kb).incidents[json.loads(r.stdout)["id"]]
    assert "ERROR pod crashed" in inc.summary
    _files_hold_no_control_characters(kb)
    r = run(*args, input="ERROR pod crashed again\n")
    assert r.exit_code == 0 and "control character" not in r.stderr, r.stderr


def test_a_title_or_text_of_invisible_characters_alone_is_none(tmp_path):
    """recur.util.text.has_text on the writers: a title of zero-width characters alone (U+200B, U+FEFF) was
    written as the title of a record or pattern, a symptom of them as a symptom, a description or summary of
    them as the Summary. A title is refused as one of escape codes is; the rest is left out as empty text is."""
    kb = small_kb(tmp_path / "kb")
    zw = "\u200b\ufeff"
    for blank in (zw, "\U0001f525\U0001f6a8"):  # emoji alone are no text either (has_text), and said so
        r = run("incident", "new", "--kb", str(kb), "--no-suggest", "-s", "sev3", "-t", blank, "--description", "x")
        assert r.exit_code == 1 and "title: is empty (only invisible characters or emoji)" in r.output, r.output
        r = run("new", "incident", "--kb", str(kb), "--no-input", "--severity", "sev3", "--title", blank)
        said = "--title: a title is required (the one given is only invisible characters or emoji)"
        assert r.exit_code == 1 and said in r.output, r.output
    r = run(
        "incident", "new", "--kb", str(kb), "--no-suggest", "--date", "2026-05-02", "-s", "sev3",
        "-t", "Pods restarting", "--description", f" {zw}\u2060 ", "--flag", zw, "--json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    inc = load_kb(kb).incidents[json.loads(r.stdout)["id"]]
    assert inc.summary.strip() == "Pods restarting" and inc.flags == []  # as with no description, no flag
    r = run(
        "new", "pattern", "--kb", str(kb), "--no-input", "--title", "Pods restarting", "--category", "compute",
        "--severity", "sev3", "--symptom", zw, "--symptom", "pods restart", "--summary", zw, "--step", zw,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    p = load_kb(kb).patterns["pods-restarting"]
    assert p.symptoms == ["pods restart"] and "\u200b" not in (kb / p.relpath).read_text(encoding="utf-8")


def test_a_flag_or_follow_up_of_invisible_characters_alone_is_refused(tmp_path):
    """`recur incident flag` and `recur incident follow-up --add` as `recur incident new` (has_text): a flag or
    follow-up title of zero-width characters or colour codes alone was written, a flag with nothing to read and
    a follow-up the board listed with no title. Refused as an empty one is; an owner, ticket or note of them
    alone is none, as an empty one is."""
    kb = small_kb(tmp_path / "kb")
    r = run(
        "incident", "new", "--kb", str(kb), "--no-suggest", "--date", "2026-05-02", "-s", "sev3",
        "-t", "Pods restarting", "--flag", "dig in", "--json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    iid = json.loads(r.stdout)["id"]
    path = kb / load_kb(kb).incidents[iid].relpath
    before = path.read_bytes()
    for blank in ("\u200b\ufeff", "\u2060 ", "\U0001f525\U0001f6a8"):  # emoji alone: has_text
        r = run("incident", "flag", "--kb", str(kb), iid, blank)
        assert r.exit_code == 1 and "flag: the text is empty (only invisible characters or emoji)" in r.output, r.output
        r = run("incident", "follow-up", "--kb", str(kb), iid, "--add", blank)
        assert r.exit_code == 1 and "follow-up: the title is empty (only invisible characters or emoji)" in r.output, (
            r.output
        )
    assert path.read_bytes() == before
    r = run(
        "incident",
        "follow-up",
        "--kb",
        str(kb),
        iid,
        "--add",
        "Alert on restarts",
        "--owner",
        "\u200b",
        "--ticket",
        "\ufeff",
    )
    assert r.exit_code == 0, r.output
    r = run("incident", "flag", "--kb", str(kb), iid, "--done", "1", "--note", "\u200b")
    assert r.exit_code == 0, r.output
    inc = load_kb(kb).incidents[iid]
    assert [(f.title, f.owner, f.ticket) for f in inc.follow_ups] == [("Alert on restarts", None, None)]
    assert [(f.text, f.status, f.note) for f in inc.flags] == [("dig in", "done", None)]
    assert "\u200b" not in path.read_text(encoding="utf-8") and "\ufeff" not in path.read_text(encoding="utf-8")


def test_check_warns_of_a_control_character_in_front_matter_naming_file_line_and_field(tmp_path):
    """Written as a YAML escape it is valid YAML, which check accepted before: a warning (``--strict``
    fails) and the record kept with the control characters taken out, not left out of search and
    the report (found in review: a signal "\\e[31mVcpuLimitExceeded\\e[0m" dropped its pattern)."""
    kb = small_kb(tmp_path / "kb")
    write(
        kb,
        "incidents/2026/INC-2026-0009.md",
        '---\nid: INC-2026-0009\ntitle: "Checkout \\e]0;pwned\\a down"\ndate: 2026-03-02\nseverity: sev2\n'
        'flags: ["dig \\x9b here"]\nfollow_ups:\n  - {title: "Fix\\a it", owner: "bob"}\n---\n\n## Summary\nDown.\n',
    )
    owner = 'owner: "te\\x7fam"'
    text = pattern_text("ctl", title="Control", extra_front=owner, signals=("\x1b[31mVcpuLimitExceeded\x1b[0m",))
    text = text.replace("\x1b", "\\e")  # pattern_text writes a signal in double quotes
    write(kb, "patterns/capacity/ctl.md", text)
    owner_line = text.split("\n").index(owner) + 1
    r = run("check", "--kb", str(kb), "--stale-days", "0")
    assert r.exit_code == 0, r.output
    said = "(a terminal escape sequence or other non-text): taken out"
    inc = "incidents/2026/INC-2026-0009.md"
    for where, what in (
        (f"{inc}:3: title", "U+001B at character 10"),
        (f"{inc}:6: flags[0]", "U+009B at character 5"),
        (f"{inc}:8: follow_ups[0].title", "U+0007 at character 4"),
        (f"patterns/capacity/ctl.md:{owner_line}: owner", "U+007F at character 3"),
        (f"patterns/capacity/ctl.md:{owner_line - 1}: signals[0]", "U+001B at character 1"),
    ):
        assert f"{where}: warning: has the control character {what} {said}" in r.output, r.output
    assert run("check", "--kb", str(kb), "--stale-days", "0", "--strict").exit_code == 1
    loaded = load_kb(kb)
    inc = loaded.incidents["INC-2026-0009"]  # kept, without what is not text
    assert inc.title == "Checkout  down" and [f.text for f in inc.flags] == ["dig  here"]
    assert "VcpuLimitExceeded" in loaded.patterns["ctl"].signals
    assert loaded.patterns["ctl"].owner == "team"


def test_an_eval_query_may_hold_control_characters(tmp_path):
    """A query is what a responder pasted (a coloured log line): not a one-line field of a record."""
    kb = small_kb(tmp_path / "kb")
    write(kb, "eval/cases.yml", '- query: "\\e[31mENOSPC\\e[0m while writing"\n  expect: [disk-full]\n')
    assert run("check", "--kb", str(kb), "--stale-days", "0").exit_code == 0


def test_suggest_and_incident_new_show_a_patterns_control_characters_escaped(tmp_path):
    """A runbook step is free text (a section), where `recur check` does not look: the terminal view
    shows its control characters escaped instead of acting on them."""
    kb = small_kb(tmp_path / "kb")
    text = pattern_text(
        "disk-full",
        title="Disk full on a host",
        symptoms=("writes fail", "no space left on device"),
        signals=("No space left on device", "ENOSPC"),
        runbook=("Free space with `du -sh /var/*`.",),
        evidence=("df -h output",),
    )
    text = text.replace("Free space with", f"Free {OSC}space{CLEAR} with").replace("df -h output", "df\x9b output")
    (kb / "patterns/capacity/disk-full.md").write_text(text, encoding="utf-8")
    assert load_kb(kb).patterns["disk-full"].runbook[0].startswith(f"Free {OSC}")  # the KB keeps it as written
    common = ("--kb", str(kb), "--index", str(tmp_path / "idx"), "--model", "fake:64")
    for r in (
        run("suggest", *common, "ENOSPC no space left on device"),
        run("incident", "new", *common, "-t", "ENOSPC", "-s", "sev3", "-d", "no space left on device"),
    ):
        assert r.exit_code == 0, r.output
        assert "Free \\x1b]0;pwned\\x07space\\x1b[2J with" in r.output, r.output
        assert "df\\x9b output" in r.output, r.output
        assert not RAW.search(r.output), r.output


def test_report_shows_a_file_name_with_control_characters_escaped(tmp_path):
    """A file name is not a field `recur check` can take them out of: the report lists it."""
    kb = small_kb(tmp_path / "kb")
    write(
        kb, f"incidents/2026/INC-2026-0009{OSC}.md",
        "---\nid: INC-2026-0009\ntitle: t\ndate: 2026-03-02\nseverity: sev2\n---\n\n## Summary\nx\n",
    )  # fmt: skip
    for fmt in ("text", "markdown"):
        r = run("report", "--kb", str(kb), "--as-of", "2026-05-01", "--format", fmt)
        assert r.exit_code == 0, r.output
        assert "INC-2026-0009\\x1b]0;pwned\\x07.md" in r.output, r.output
        assert not RAW.search(r.output), r.output


def test_the_terminal_shows_bidirectional_formatting_characters_escaped(tmp_path):
    """Found in review: a right-to-left override (U+202E) or isolate in pasted text reached the printed
    `recur incident new -t '…'` line as it is, which then showed its characters in another order than a
    copy pastes them (a command that reads as one thing and runs as another). Each is shown as ``\\u202e``."""
    kb = small_kb(tmp_path / "kb")
    common = ("--kb", str(kb), "--index", str(tmp_path / "idx"), "--model", "fake:64")
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    r = run("suggest", *common, f"ENOSPC no space left \u202eon device\u2066 now{bidi}")
    assert r.exit_code == 0, r.output
    record = next(line for line in r.output.splitlines() if "recur incident new" in line)
    assert "ENOSPC no space left \\u202eon device\\u2066 now" in record, record
    assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", r.output), r.output
    for ch in bidi:
        assert f"\\u{ord(ch):04x}" in record, (ch, record)
