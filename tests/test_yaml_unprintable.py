"""Characters YAML does not allow raw in a file (DEL, the C1 controls U+0080-U+009F, U+FFFE/U+FFFF)
or reads as line breaks (U+0085, U+2028, U+2029): text pasted from a terminal or a mis-decoded
export ("didnâ\\x80\\x99t") carries them. What Recur writes stays a KB `recur check` reads back
unchanged, and a hand-written file holding one gets a one-line error on its own line."""

from __future__ import annotations

import json

from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli
from recur.ingest.feedback import export, record
from recur.kb.loader import load_kb

# mojibake of "didn't" (UTF-8 read as Latin-1), DEL, a CSI, NEL, LINE SEPARATOR, a noncharacter
ODD = "didn\u00e2\u0080\u0099t \x7f \x9b \x85 \u2028 \uffff end"


def check(kb):
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--stale-days", "0"])
    assert "Traceback" not in r.output, r.output
    return r


def test_incident_new_with_control_characters_writes_a_record_check_reads_back(tmp_path):
    """A control character given in a flag (DEL, the CSI, mojibake's C1) is refused, naming the flag
    (util.text.control_refused: it was taken out without a word); what YAML refuses raw but is no control
    character (U+2028, folded as spacing; U+FFFF, written escaped) is recorded, and check reads it back."""
    kb = small_kb(tmp_path / "kb")
    common = ["incident", "new", "--kb", str(kb), "--no-suggest", "--date", "2026-05-02", "-s", "sev2", "--json"]
    r = CliRunner().invoke(cli, [*common, "-t", f"Checkout {ODD}"])
    assert (
        r.exit_code == 2
        and "Invalid value for '--title' / '-t': has the control character U+0080 at character 15" in r.stderr
    )
    kept = "didn\u00e2t \u2028 \uffff end"
    r = CliRunner().invoke(cli, [*common, "-t", f"Checkout {kept}", "--service", f"svc{kept}", "--flag", f"why {kept}"])
    assert r.exit_code == 0, r.output
    assert check(kb).exit_code == 0, check(kb).output
    inc = load_kb(kb).incidents[json.loads(r.stdout)["id"]]
    assert inc.title == "Checkout didn\u00e2t \uffff end"
    assert inc.services == ["svcdidn\u00e2t \uffff end"] and [f.text for f in inc.flags] == [
        "why didn\u00e2t \uffff end"
    ]


def test_import_of_a_mojibake_postmortem_writes_a_valid_incident_and_draft(tmp_path):
    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text(
        f"# Cache {ODD}\n\nDate: 2026-03-04\nSeverity: sev2\n\n## Summary\nThe cache {ODD} evicted keys.\n"
        "\n## Root cause\nmaxmemory too low.\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(
        cli, ["import", "--kb", str(kb), "--index", str(tmp_path / "idx"), "--model", "fake:64", str(pm), "--json"]
    )
    assert r.exit_code == 0, r.output
    assert check(kb).exit_code == 0, check(kb).output
    loaded = load_kb(kb)
    titles = [i.title for i in loaded.incidents.values() if i.title.startswith("Cache")]
    assert titles == ["Cache didn\u00e2t \uffff end"]
    assert any("took 10 control characters out of the text" in n for n in json.loads(r.output)["notes"])


def test_feedback_export_of_a_query_with_control_characters(tmp_path):
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "feedback.jsonl"
    record(fb, f"writes fail {ODD}", "disk-full", True)
    added, merged, target = export(fb, kb)
    assert (added, merged) == (1, 0) and target == kb / "eval" / "cases.yml"
    assert f"writes fail {ODD}" in [c.query for c in load_kb(kb).cases]
    assert check(kb).exit_code == 0
    out = tmp_path / "new-cases.yml"  # a fresh --out file too
    record(fb, f"writes fail again {ODD}", "disk-full", True)
    assert export(fb, kb, out)[:2] == (1, 0)


def test_check_names_the_line_of_a_raw_control_character(tmp_path):
    kb = small_kb(tmp_path / "kb")
    text = pattern_text("ctl", title="Control").replace('title: "Control"', 'title: "Con\x9btrol"')
    write(kb, "patterns/capacity/ctl.md", text)
    line = text.split("\n").index('title: "Con\x9btrol"') + 1
    r = check(kb)
    assert r.exit_code == 1
    errors = [ln.split("ctl.md:", 1)[1] for ln in r.output.splitlines() if "ctl.md:" in ln]
    assert errors == [
        f"{line}: front matter: YAML does not parse: character U+009B is a control character: remove it"
    ], r.output
