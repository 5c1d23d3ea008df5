"""A KB its authors edit on Windows (a checkout with core.autocrlf=true, editors that save a UTF-8 byte-order mark,
Notepad's or Word's "ANSI", DOS's Ctrl-Z end-of-file mark, Windows paths, file names that differ only in letter case),
checked and served on Linux. Found in a Windows team's review: each case is read as the author meant it, or named
with its file, line and field; what Recur writes into such a file keeps its BOM, line ends and end mark."""

from __future__ import annotations

import json

from click.testing import CliRunner
from kbfactory import fake_model_flags, small_kb

from recur.cli.main import cli
from recur.kb.loader import load_kb


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in r.output, r.output
    return r


def _windows(path, bom: bool = True, eof: bool = False) -> bytes:
    """Save ``path`` as a Windows editor would: CRLF line ends, a byte-order mark, a trailing Ctrl-Z."""
    raw = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    raw = (b"\xef\xbb\xbf" if bom else b"") + raw + (b"\x1a" if eof else b"")
    path.write_bytes(raw)
    return raw


def test_a_trailing_ctrl_z_is_the_end_of_the_file_not_text(tmp_path):
    """DOS's end-of-file mark after the last line was the last section's last character: the API, the site's search
    data and `recur show` carried "…root cause\\n\\x1a", and `recur check` warned of a control character."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    _windows(path, eof=True)
    loaded = load_kb(kb)
    assert not [p for p in loaded.problems if p.is_error], loaded.problems
    pattern = loaded.patterns["disk-full"]
    assert "\x1a" not in repr(pattern) and "\r" not in repr(pattern) and "\ufeff" not in repr(pattern)
    r = run("check", "--kb", kb, "--stale-days", "0")
    assert "U+001A" not in r.output and "disk-full.md" not in r.output, r.output


def test_a_fix_edit_keeps_the_files_bom_line_ends_and_end_mark(tmp_path):
    """`recur fix` edits the pattern in place: the lines it adds take the file's CRLF, and its BOM and Ctrl-Z stay."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    before = _windows(path, eof=True)
    r = run("fix", "disk-full", "--kb", kb, "--owner", "team-storage")
    assert r.exit_code == 0, r.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n\x1a"), raw[-20:]
    assert raw.count(b"\n") == raw.count(b"\r\n") and raw.count(b"\x1a") == 1
    added = [x for x in raw.split(b"\r\n") if x not in before.split(b"\r\n")]
    assert b"  owner: team-storage" in added, added
    assert load_kb(kb).patterns["disk-full"].fix.owner == "team-storage"


def test_suggest_finds_a_recorded_title_in_a_record_saved_with_a_bom(tmp_path):
    """`recur suggest` given a past incident's exact title names the record rather than proposing it again; the
    record was read as UTF-8 text whose first line was '\\ufeff---', no front matter, so a record saved by a
    Windows editor was never found and a duplicate was proposed."""
    kb = small_kb(tmp_path / "kb")
    _windows(kb / "incidents/2026/INC-2026-0002.md")
    r = run("suggest", "Unknown slowness", "--kb", kb, *fake_model_flags(kb, tmp_path / "index"))
    assert r.exit_code == 0, r.output
    assert "Recorded already: INC-2026-0002 has this title (" in r.stdout, r.stdout
    assert "recur incident new" not in r.stdout


def test_feedback_export_keeps_the_cases_files_bom(tmp_path):
    """cases.yml saved with a BOM came back without it: line 1 changed in the diff of every export; one that ends
    with a Ctrl-Z (read by `recur check` and `recur eval`) was "cases.yml:1: cases: not valid YAML"."""
    from test_feedback import export, votes

    kb = small_kb(tmp_path / "kb")
    cases = kb / "eval" / "cases.yml"
    _windows(cases, eof=True)
    fb = tmp_path / "f.jsonl"
    votes(fb, ("pool and disk", "disk-full", True))
    assert export(fb, kb)[0] == 1
    raw = cases.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf" * 2)
    assert raw.count(b"\n") == raw.count(b"\r\n") and raw.endswith(b"\r\n\x1a") and raw.count(b"\x1a") == 1
    assert any(c.query == "pool and disk" for c in load_kb(kb).cases)


def test_a_windows_path_for_an_id_is_told_the_id_it_names(tmp_path):
    """`related: ['..\\network\\dns-failure.md']`, a path copied from Explorer, was "did you mean
    'network-dns-failure'?", an id no file has; its backslashes part the folders as '/' does."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    text = path.read_text().replace("---\n\n", "related: ['..\\capacity\\db-pool.md']\n---\n\n", 1)
    path.write_text(text)
    r = run("check", "--kb", kb, "--format", "json")
    found = [p for p in json.loads(r.stdout)["problems"] if p["field"] == "related[0]"]
    assert len(found) == 1, r.stdout
    said = found[0]["message"]
    assert "did you mean 'db-pool'? (an id is the name of its file or page alone, without the folder and .md)" in said


def test_a_windows_path_or_id_is_quoted_with_its_backslashes_as_written(tmp_path):
    """A Windows path or id quoted in an error or a warning had each backslash doubled (repr's quoting): `recur check`
    said "not '..\\\\capacity\\\\db-pool.md'" of what the author wrote as '..\\capacity\\db-pool.md', and so did a
    Markdown link's warning, `recur new path --step` and an incident id given with its folders."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/network/dns-failure.md"  # no related: of its own
    text = path.read_text().replace("---\n\n", "related: ['..\\capacity\\db-pool.md']\n---\n\n", 1)
    path.write_text(text.replace("## Runbook", "See [DNS](..\\network\\dns-failure.md).\n\n## Runbook", 1))
    r = run("check", "--kb", kb, "--stale-days", "0")
    assert "not '..\\capacity\\db-pool.md'; did you mean 'db-pool'?" in r.stdout, r.stdout
    assert "'..\\network\\dns-failure.md' is not a file of the knowledge base" in r.stdout, r.stdout
    step = run("new", "path", "--kb", kb, "--title", "Start", "--step", "patterns\\capacity\\disk-full.md: why")
    assert "not 'patterns\\capacity\\disk-full.md'; did you mean 'disk-full'?" in step.output, step.output
    review = run("incident", "review", "incidents\\2026\\INC-2026-0001", "--kb", kb, "--done")
    assert "'incidents\\2026\\INC-2026-0001' is not a valid incident id" in review.output, review.output
    for out in (r.stdout, step.output, review.output):
        assert "\\\\" not in out, out


def test_a_rename_hint_names_no_file_that_is_there_already(tmp_path):
    """A pattern's id that is no kebab-case id, in a file named for it (Disk_Full.md), is told the file to rename it
    to: disk-full.md, which was there already (a mv over it, or a second disk-full); it is told to choose an id of its
    own, naming the file that has that one, in its folder or another; so is an onboarding path's file."""
    from kbfactory import pattern_text

    kb = small_kb(tmp_path / "kb")
    (kb / "patterns/capacity/Disk_Full.md").write_text(pattern_text("Disk_Full"))
    (kb / "patterns/network/DB_Pool_Exhausted.md").write_text(pattern_text("DB_Pool_Exhausted", "network"))
    (kb / "patterns/capacity/Kafka_Lag.md").write_text(pattern_text("Kafka_Lag"))
    (kb / "patterns/capacity/Auflösung.md").write_text(pattern_text("Auflösung"))  # aufloesung, or auflosung
    (kb / "patterns/network/aufloesung.md").write_text(pattern_text("aufloesung", "network"))
    (kb / "paths/First Week.yml").write_bytes((kb / "paths/first-week.yml").read_bytes())
    r = run("check", "--kb", kb, "--stale-days", "0")
    lines = {x.split(":", 1)[0].rsplit("/", 1)[-1]: x for x in r.stdout.splitlines() if ": warning: " not in x}
    own = "rename the file to a kebab-case id of its own and write that id (an id is its file name): not "
    for name, taken in (("Disk_Full.md", "disk-full"), ("DB_Pool_Exhausted.md", "db-pool-exhausted")):
        assert f"{own}{taken}, the name of " in lines[name], lines[name]
        assert lines[name].endswith(f"/kb/patterns/capacity/{taken}.md"), lines[name]
    assert lines["Kafka_Lag.md"].endswith(
        "; rename the file to "
        f"{lines['Kafka_Lag.md'].split(':', 1)[0][:-12]}kafka-lag.md and write id: kafka-lag (an id is its file name)"
    ), lines["Kafka_Lag.md"]
    assert lines["Auflösung.md"].endswith(
        "; ids are ASCII: write id: auflosung and rename the file to "
        f"{lines['Auflösung.md'].split(':', 1)[0][:-12]}auflosung.md"
    ), lines["Auflösung.md"]
    said = "must be a kebab-case id (lowercase words joined by '-'): rename it to a kebab-case id of its own (not "
    assert f"{said}first-week, the name of " in lines["First Week.yml"], lines["First Week.yml"]
    assert lines["First Week.yml"].endswith("/kb/paths/first-week.yml)"), lines["First Week.yml"]


def test_check_warns_of_two_files_whose_names_differ_only_in_case(tmp_path):
    """INC-2026-0002.md beside inc-2026-0002.md: Windows keeps one file for both, so a Windows checkout holds one
    and git shows the other changed; Linux read both as two incidents without a word. A warning at each, naming the
    other (either may be the one to rename), as a reserved device name is, which `--strict` fails on."""
    kb = small_kb(tmp_path / "kb")
    record = kb / "incidents/2026/INC-2026-0002.md"
    twin = record.with_name("inc-2026-0002.md")
    twin.write_text(record.read_text().replace("INC-2026-0002", "inc-2026-0002"))
    r = run("check", "--kb", kb, "--stale-days", "0")
    assert r.exit_code == 0, r.output
    for name, other in (("inc-2026-0002.md", "INC-2026-0002.md"), ("INC-2026-0002.md", "inc-2026-0002.md")):
        line = next((x for x in r.stdout.splitlines() if f"/{name}:1: file: warning: " in x), None)
        assert line is not None, r.stdout
        assert f"'{name}' and '{other}' in the same folder differ only in letter case: Windows and macOS" in line
    assert run("check", "--kb", kb, "--stale-days", "0", "--strict").exit_code == 1


def test_import_names_what_a_windows_1252_byte_is(tmp_path):
    """A postmortem Word saved as "ANSI" is refused (Windows-1252 and Latin-1 cannot be told apart), naming the
    byte, its line and column, and now what it is there, as `recur check` says of a KB file: 0xEB alone did not
    show the author that 'ë' was the problem."""
    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_bytes("# Spooler down\r\n\r\nAuthors: Zoë\r\n\r\n## Summary\r\nIt stopped.\r\n".encode("cp1252"))
    r = run("import", pm, "--kb", kb, *fake_model_flags(kb, tmp_path / "index"))
    assert r.exit_code == 1, r.output
    assert (
        "is not UTF-8 text (byte 0xeb at line 3, column 12) ('ë' in Latin-1 or Windows-1252: the file was saved in "
        "that encoding); save it as UTF-8 and import again"
    ) in r.stderr, r.stderr


def test_a_new_incident_is_no_case_twin_of_a_record_named_in_lower_case(tmp_path):
    """A record named inc-2026-0002.md by hand held no number: `recur incident new` and `recur new incident` wrote
    INC-2026-0002.md beside it, and `--id INC-2026-0002` was taken as free, a case twin the check just added fails
    `--strict` on (Windows and macOS take the two for one file, `recur show` for one incident)."""
    kb = small_kb(tmp_path / "kb")
    folder = kb / "incidents/2026"
    record = folder / "INC-2026-0002.md"
    (folder / "inc-2026-0002.md").write_text(record.read_text().replace("INC-2026-0002", "inc-2026-0002"))
    record.unlink()
    given = ("--title", "Disk filled on db3", "--severity", "sev2", "--date", "2026-03-01")
    # its suggestions' index in tmp_path: left at its default, .recur/index under the current folder, it was the
    # checkout's own, rebuilt for this KB (tests/checkout_guard.py)
    r = run("incident", "new", *fake_model_flags(kb, tmp_path / "index"), *given)
    assert r.exit_code == 0, r.output
    assert "INC-2026-0003.md" in r.output and not record.exists(), r.output
    r = run("new", "incident", "--kb", kb, "--no-input", *given)
    assert r.exit_code == 0 and "INC-2026-0004.md" in r.output and not record.exists(), r.output
    r = run("incident", "new", *fake_model_flags(kb, tmp_path / "index"), "--id", "INC-2026-0002", *given)
    assert r.exit_code == 1 and not record.exists(), r.output
    assert "incident INC-2026-0002 (as inc-2026-0002, in other letter case) already exists: " in r.stderr, r.stderr
    r = run("new", "incident", "--kb", kb, "--no-input", "--id", "INC-2026-0002", *given)
    assert r.exit_code == 1 and not record.exists(), r.output
    assert "--id: incident 'INC-2026-0002' already exists (as inc-2026-0002, in other letter case)" in r.stderr
    assert "letter case" not in run("check", "--kb", kb, "--stale-days", "0").output


def test_no_case_twin_warning_for_the_repositorys_files_nor_names_windows_tells_apart(tmp_path):
    """A KB at its repository's root: README.md beside readme.md, files the KB leaves alone, failed `check --strict`
    as a case twin; and 'straße.md' beside 'strasse.md' (casefold makes 'ß' 'ss'), two files on Windows and
    macOS. Patterns/ beside patterns/ at the root is the KB's own and still warned of."""
    kb = small_kb(tmp_path / "kb")
    (kb / "README.md").write_text("# Our KB\n")
    (kb / "readme.md").write_text("# our kb\n")
    (kb / "Makefile").write_text("all:\n")
    (kb / "makefile").write_text("all:\n")
    (kb / "patterns/network/straße.png").write_bytes(b"\x89PNG")
    (kb / "patterns/network/strasse.png").write_bytes(b"\x89PNG")
    r = run("check", "--kb", kb, "--stale-days", "0", "--strict")
    assert r.exit_code == 0 and "letter case" not in r.output, r.output
    (kb / "Patterns").mkdir()
    r = run("check", "--kb", kb, "--stale-days", "0", "--strict")
    assert r.exit_code == 1, r.output
    said = [x for x in r.output.splitlines() if "differ only in letter case" in x]
    assert len(said) == 2 and all("'Patterns' and 'patterns'" in x or "'patterns' and 'Patterns'" in x for x in said)


def test_two_unicode_forms_of_one_name_are_not_said_to_differ_in_letter_case(tmp_path):
    """'café.png' written once composed, once as 'e' and a combining accent (macOS' and Linux tools' two ways): the
    warning said the two differ only in letter case, which they do not, and showed the same name twice."""
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns/network/caf\u00e9.png").write_bytes(b"\x89PNG")
    (kb / "patterns/network/cafe\u0301.png").write_bytes(b"\x89PNG")
    r = run("check", "--kb", kb, "--stale-days", "0")
    said = [x for x in r.output.splitlines() if "caf" in x]
    assert len(said) == 2 and not any("letter case" in x for x in said), r.output
    assert "'cafe\\u0301.png' and 'caf\\xe9.png' in the same folder are one name in two Unicode forms" in r.output


def test_a_ctrl_z_with_a_line_end_after_it_is_the_end_of_the_file_too(tmp_path):
    """An editor that adds a final line end saved the mark as "…\\r\\n\\x1a\\r\\n": a line holding a control
    character, a warning in a pattern and "YAML does not parse" in an onboarding path. DOS reads no further than
    the mark; `recur fix` keeps it as it was, and a Ctrl-Z inside the text is still warned of."""
    kb = small_kb(tmp_path / "kb")
    pattern = kb / "patterns/capacity/disk-full.md"
    pattern.write_bytes(_windows(pattern) + b"\x1a\r\n")
    steps = kb / "paths/first-week.yml"
    steps.write_bytes(steps.read_bytes() + b"\x1a\n")
    r = run("check", "--kb", kb, "--stale-days", "0", "--strict")
    assert r.exit_code == 0 and "U+001A" not in r.output, r.output
    assert load_kb(kb).paths and "\x1a" not in repr(load_kb(kb).patterns["disk-full"])
    assert run("fix", "disk-full", "--kb", kb, "--owner", "team-storage").exit_code == 0
    raw = pattern.read_bytes()
    assert raw.endswith(b"\r\n\x1a\r\n") and b"  owner: team-storage\r\n" in raw, raw[-30:]
    assert raw.count(b"\x1a") == 1 and raw.count(b"\n") == raw.count(b"\r\n")
    pattern.write_bytes(raw.replace(b"The mechanism.", b"The mech\x1aanism."))
    assert "control character U+001A" in run("check", "--kb", kb, "--stale-days", "0").output
