"""Control characters (terminal escape sequences and the like) are not text: every writer of a one-line
field takes them out (recur.util.text.one_line), `recur check` reports one in front matter, and the
terminal views show KB text escaped. Found in review: "\\x1b]0;…\\x07" (set the window title) and
"\\x1b[2J" (clear the screen) from `recur import`, `recur new incident` and `recur new pattern` landed
in titles, and `recur report` printed them raw to the problem manager's terminal."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli
from recur.kb.loader import load_kb

OSC = "\x1b]0;pwned\x07"  # set the terminal's window title
CLEAR = "\x1b[2J"
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


def test_new_incident_and_new_pattern_write_one_line_fields_without_control_characters(tmp_path):
    kb = small_kb(tmp_path / "kb")
    r = run(
        "new", "incident", "--kb", str(kb), "--no-input", "--date", "2026-05-02", "--severity", "sev3",
        "--title", f"Disk {CLEAR}full\a", "--service", f"a{OSC}", "--flag", "dig\u009b1 here",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    r = run(
        "new", "pattern", "--kb", str(kb), "--no-input", "--category", "capacity", "--severity", "sev3",
        "--title", f"Bell \a {OSC}pattern", "--symptom", "it \x1b[1mrings\x1b[0m", "--signal", "BEL\x07",
        "--owner", "t\x7feam", "--summary", f"Rings {CLEAR}the bell.",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    loaded = load_kb(kb)
    inc = loaded.incidents["INC-2026-0003"]
    assert inc.title == "Disk full" and inc.services == ["a"] and [f.text for f in inc.flags] == ["dig1 here"]
    p = loaded.patterns["bell-pattern"]
    assert (p.title, p.symptoms, p.signals, p.owner) == ("Bell pattern", ["it rings"], ["BEL"], "team")
    _files_hold_no_control_characters(kb)


def test_a_title_of_escape_sequences_alone_is_no_title(tmp_path):
    kb = small_kb(tmp_path / "kb")
    r = run("new", "incident", "--kb", str(kb), "--no-input", "--severity", "sev3", "--title", CLEAR)
    assert r.exit_code == 1 and "--title: a title is required (the one given is only control characters)" in r.output


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
    for blank in ("\u200b\ufeff", "\x1b[0m \u2060", "\U0001f525\U0001f6a8"):  # emoji alone: has_text
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


def test_incident_new_and_flag_take_out_what_is_left_after_escape_sequences(tmp_path):
    """`recur incident new` took colour codes out but kept a lone BEL or backspace, and `recur incident
    flag` kept all of them."""
    kb = small_kb(tmp_path / "kb")
    r = run(
        "incident", "new", "--kb", str(kb), "--no-suggest", "--date", "2026-05-02", "-s", "sev3",
        "-t", "Pods \x07restart\x08ing", "--service", "api\x1b", "--flag", "why\x1b[0m?\x07", "--json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    iid = json.loads(r.stdout)["id"]
    r = run("incident", "flag", "--kb", str(kb), iid, f"heap {OSC}dump\a lost")
    assert r.exit_code == 0, r.output
    inc = load_kb(kb).incidents[iid]
    assert inc.title == "Pods restarting" and inc.services == ["api"]
    assert [f.text for f in inc.flags] == ["why?", "heap dump lost"]
    _files_hold_no_control_characters(kb)


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
