"""The JSON of `recur coverage --json` and `recur import --json` keeps its keys, in their order, now
that the library returns typed records (ingest.coverage.Coverage, ingest.importer.Imported) instead
of dicts. The lists below were read from the output before that change."""

import json
import re
import textwrap
from pathlib import Path

from click.testing import CliRunner
from kbfactory import pattern_text, write

from recur.cli.main import cli

RULES = """groups:
  - name: node
    rules:
      - alert: DiskAlmostFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
        annotations:
          runbook_url: https://recur.example/patterns/capacity/disk-full.html
      - alert: CoreDNSErrorsHigh
        expr: rate(coredns_dns_responses_total{rcode="SERVFAIL"}[5m]) > 1
        annotations: {runbook_url: "https://wiki.example/dns"}
      - alert: TlsCertificateExpiresSoon
        expr: probe_ssl_earliest_cert_expiry - time() < 86400
        annotations:
          summary: The TLS certificate expires in less than a day
          runbook_url: https://recur.example/patterns/nope/
"""
COVERAGE_KEYS = [
    "alerts",
    "alert_names",
    "patterns",
    "site_url",
    "counts",
    "missing_alerts",
    "alert_like_unknown",
    "unmentioned_alerts",
    "unmentioned_by_file",
    "heartbeat_alerts",
    "undetected",
    "bad_runbook_urls",
    "external_runbook_urls",
    "templated_runbook_urls",
    "detected",
    "detected_by",
]
COUNTS_KEYS = [
    "missing_alerts",
    "alert_like_unknown",
    "unmentioned_alerts",
    "heartbeat_alerts",
    "undetected",
    "bad_runbook_urls",
    "external_runbook_urls",
    "templated_runbook_urls",
    "detected",
]
MISSING_KEYS = ["pattern", "alert", "explicit", "signal", "path", "line", "did_you_mean"]
IMPORT_KEYS = [
    "incident",
    "incident_path",
    "patterns",
    "already",
    "draft",
    "link",
    "no_known_pattern",
    "candidates",
    "closest",
    "triage",
    "date",
    "date_source",
    "severity",
    "mapped",
    "unmapped",
    "follow_ups",
    "notes",
]
# `recur suggest --json`'s answer (Answer.to_json), each --queries line's after its own keys, and /api/suggest's:
# the keys as they were, then ``meant`` (the pattern id a typo of one is meant to be), then ``about_no_failure`` (the
# text reads as a question, no incident: what every surface tells a question; test_question_help.py), added last
SUGGEST_KEYS = ["query", "query_note", "no_known_pattern", "results", "likelier", "credible", "corrected", "meant"]
SUGGEST_KEYS += ["about_no_failure"]
# `recur incident new --json`'s keys, as they were (its --help names them)
INCIDENT_NEW_KEYS = ["id", "path", "review", "suggestions", "no_known_pattern", "linked"]
# each command's object gained the other's keys for the same facts, after its own (docs/incident-json.md)
IMPORT_ADDED = ["id", "path", "linked", "review", "suggestions"]
INCIDENT_NEW_ADDED = ["incident", "incident_path", "patterns", "date", "severity", "candidates", "triage", "follow_ups"]
# then the key both lacked: the record's title
BOTH_ADDED = ["title"]
# then import's own keys added after those: the text its candidates were searched for (null: no search made)
IMPORT_LAST = ["query", "updated"]  # updated: a record there already, updated (pm_merge); else null
CANDIDATE_KEYS = ["id", "rank", "confidence", "probability", "score", "title", "why", "import_draft"]
POSTMORTEM = """# Postmortem: Thumbnails stopped rendering for every tenant

**Date:** 2026-03-03
**Severity:** SEV-2

## Summary
The image worker crashed on CMYK uploads: `ImageDecodeError: unsupported colour space`.

## Impact
No thumbnails for 80 minutes.

## Resolution
1. Pinned the previous library version.

## Customer Communication
A status page note.
"""


def run(*args):
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.output[r.output.index("{") :])


def test_coverage_json_keys(kb_dir, tmp_path):
    tls = ("the TLS certificate expires in less than a day", "x509: certificate has expired")
    cert = pattern_text(
        "cert", "network", title="TLS certificate expires", symptoms=tls, signals=('alertname="CertSoon"',)
    )
    write(kb_dir, "patterns/network/cert.md", cert)
    write(kb_dir, "patterns/network/odd.md", pattern_text("odd", "network", signals=("KubeOddThing",)))
    write(tmp_path / "rules", "node.yml", RULES)
    out = run(
        *("coverage", "--kb", str(kb_dir), "--rules", str(tmp_path / "rules"), "--json"),
        *("--index", str(tmp_path / "idx"), "--model", "fake:64", "--site-url", "https://recur.example/patterns"),
    )
    assert list(out) == COVERAGE_KEYS
    assert list(out["counts"]) == COUNTS_KEYS
    assert [list(m) for m in out["missing_alerts"]] == [MISSING_KEYS]
    assert [list(m) for m in out["alert_like_unknown"]] == [MISSING_KEYS]
    assert [list(r) for r in out["unmentioned_alerts"]] == [["alert", "file", "line", "group", "lines", "count"]]
    assert out["undetected"] and {tuple(u) for u in out["undetected"]} == {
        ("pattern", "title", "path", "has_detection_section", "likely_alerts")
    }
    likely = [list(x) for u in out["undetected"] for x in u["likely_alerts"]]
    assert likely and all(x == ["alert", "rank", "confidence"] for x in likely)
    assert [list(b) for b in out["bad_runbook_urls"]] == [["alert", "url", "file", "line", "reason"]]
    assert [list(e) for e in out["external_runbook_urls"]] == [["alert", "url", "file", "line", "host"]]
    assert out["detected"]["disk-full"] == ["DiskAlmostFull"]
    rules = str(tmp_path / "rules")
    assert list(run("coverage", "--kb", str(kb_dir), "--rules", rules, "--json", "--no-propose")) == COVERAGE_KEYS


def test_import_json_keys(kb_dir, tmp_path):
    (tmp_path / "pm.md").write_text(textwrap.dedent(POSTMORTEM))
    common = ("--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--json")
    out = run("import", *common, "--category", "software", str(tmp_path / "pm.md"))
    assert list(out) == IMPORT_KEYS + IMPORT_ADDED + BOTH_ADDED + IMPORT_LAST
    assert list(out["link"]) == ["pattern", "reason", "pending_draft"]
    assert list(out["draft"]) == ["id", "path", "title", "category", "unsorted"]
    assert out["draft"]["unsorted"] is None  # --category chose it: no fallback to say
    assert out["candidates"] and all(list(c) == CANDIDATE_KEYS for c in out["candidates"])
    assert all(list(c) == ["id", "title", "score", "confidence", "probability", "why"] for c in out["closest"])
    assert all(list(m) == ["heading", "section"] for m in out["mapped"])
    again = run("import", *common, str(tmp_path / "pm.md"))
    assert list(again) == IMPORT_KEYS + IMPORT_ADDED + BOTH_ADDED + IMPORT_LAST and list(again["already"]) == [
        "incident",
        "path",
        "by",
        "kept_record",  # added: null unless --keep-record counted a changed version as imported
    ]
    assert again["already"]["kept_record"] is None
    (tmp_path / "pm2.md").write_text(textwrap.dedent(POSTMORTEM).replace("every tenant", "one tenant"))
    given = run("import", *common, "--pattern", "disk-full", "--date", "2026-03-04", str(tmp_path / "pm2.md"))
    assert list(given) == IMPORT_KEYS + IMPORT_ADDED + BOTH_ADDED + IMPORT_LAST
    assert given["link"]["reason"] == "given with --pattern"
    assert out["query"] and again["query"] is None and given["query"] is None  # no search: already, --pattern


def _same_record_facts(out: dict, kb_dir) -> None:
    """The keys both objects share say the same thing, and what the record on disk says."""
    from recur.kb.loader import load_kb

    assert (out["id"], out["path"], out["linked"]) == (out["incident"], out["incident_path"], out["patterns"])
    inc = load_kb(kb_dir).incidents[out["id"]]
    assert out["path"].endswith(inc.relpath) and out["linked"] == inc.patterns
    assert (out["date"], out["severity"], out["triage"]) == (inc.date.isoformat(), inc.severity, inc.triage)
    due = inc.review.due.isoformat() if inc.review.due else None
    done = inc.review.done.isoformat() if inc.review.done else None
    assert out["review"] == {
        "level": inc.review.level,
        "status": inc.review.status,
        "due": due,
        "done": done,
        "owner": inc.review.owner,
    }
    assert out["follow_ups"] == len(inc.follow_ups)
    assert out["title"] == inc.title


def test_incident_new_and_import_describe_a_new_record_with_the_same_keys(kb_dir, tmp_path):
    # the same facts had other names: id/incident, path/incident_path, linked/patterns, suggestions
    # (result objects)/candidates (shortened); import had no review, incident new no date or severity
    (tmp_path / "pm.md").write_text(textwrap.dedent(POSTMORTEM))
    common = ("--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--json")
    imported = run("import", *common, "--no-draft", str(tmp_path / "pm.md"))
    new = run("incident", "new", *common, "-t", "Thumbnails broken", "-s", "SEV2", "-d", "ImageDecodeError on CMYK")
    assert list(new) == INCIDENT_NEW_KEYS + INCIDENT_NEW_ADDED + BOTH_ADDED
    shared = INCIDENT_NEW_KEYS + INCIDENT_NEW_ADDED + BOTH_ADDED
    assert set(shared) <= set(imported) and set(IMPORT_KEYS) - set(shared) == {
        "already", "draft", "link", "closest", "date_source", "mapped", "unmapped", "notes"
    }  # fmt: skip
    for out in (imported, new):
        _same_record_facts(out, kb_dir)
        assert out["suggestions"] and [c["id"] for c in out["candidates"]] == [r["id"] for r in out["suggestions"]]
        assert all(list(c) == CANDIDATE_KEYS for c in out["candidates"])
    assert list(imported["suggestions"][0]) == list(new["suggestions"][0])  # `recur suggest --json`'s result objects
    assert new["severity"] == "sev2" and imported["severity"] == "sev2" and imported["review"]["level"] == "full"
    # a pattern linked with --pattern is under both keys; no search: no suggestions, as import with --pattern
    linked = run("incident", "new", *common, "-t", "Disk", "-s", "sev3", "--pattern", "disk-full", "--no-suggest")
    _same_record_facts(linked, kb_dir)
    assert linked["patterns"] == ["disk-full"] and linked["suggestions"] == linked["candidates"] == []
    # a document imported before: the earlier record's id and path, nothing linked or reviewed by this run
    again = run("import", *common, str(tmp_path / "pm.md"))
    assert (again["id"], again["path"]) == (imported["id"], imported["path"])
    assert again["linked"] == [] and again["review"] is None and again["suggestions"] == [] and again["title"] is None


def _doc_keys(item: str) -> list[str]:
    """The `key`s a bullet of docs/incident-json.md names, in order, without what its brackets say of them."""
    while re.search(r"\([^()]*\)", item):
        item = re.sub(r"\([^()]*\)", "", item)
    return re.findall(r"`([a-z_]+)`", item)


def test_the_incident_json_doc_lists_each_commands_keys_in_their_order():
    """docs/incident-json.md, which a script is written from, names each command's keys in the order it
    prints them (the lists above, which the tests here read from the output) and a candidate's keys."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "incident-json.md").read_text(encoding="utf-8")
    own = doc.split("## Each one's own keys", 1)[1]
    item = {
        c: own.split(f"- `{c} --json`:", 1)[1].split("\n- ", 1)[0].split("\n\n", 1)[0]
        for c in ("recur incident new", "recur import")
    }
    assert _doc_keys(item["recur incident new"]) == INCIDENT_NEW_KEYS + INCIDENT_NEW_ADDED + BOTH_ADDED
    assert _doc_keys(item["recur import"]) == IMPORT_KEYS + IMPORT_ADDED + BOTH_ADDED + IMPORT_LAST
    row = next(line for line in doc.splitlines() if line.startswith("| `candidates` |"))
    assert re.search(r"`\{([a-z_, ]+)\}`", row).group(1).split(", ") == CANDIDATE_KEYS


def test_import_json_says_the_titles_it_wrote(kb_dir, tmp_path):
    """`recur import --json` had no title, and `recur incident new --json` none either, though import
    often writes another title than the document's first line ("Postmortem Report" gives way to the
    heading after it; a Confluence space name comes off): a script had to read the record back. The
    record's title, and the draft pattern's, as written."""
    from recur.kb.loader import load_kb

    pm = "# Postmortem Report\n\n## Nightly backup job fills /var\n\n**Date:** 2026-03-05\n**Severity:** SEV-3\n\n"
    (tmp_path / "pm.md").write_text(pm + "## Summary\nThe backup job wrote 400 GB of logs to /var.\n")
    common = ("--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--json")
    out = run("import", *common, "--category", "capacity", "--accept", "high", str(tmp_path / "pm.md"))
    kb = load_kb(kb_dir)
    assert out["title"] == kb.incidents[out["id"]].title == "Nightly backup job fills /var"
    assert out["draft"] and out["draft"]["title"] == kb.patterns[out["draft"]["id"]].title == out["title"]
    new = run("incident", "new", *common, "--no-suggest", "-t", "  Checkout\n502s  after deploy ", "-s", "sev2")
    assert new["title"] == load_kb(kb_dir).incidents[new["id"]].title == "Checkout 502s after deploy"


def test_suggest_json_keys_keep_their_order_with_meant_last(kb_dir, tmp_path):
    """`meant` was added to the suggestion answer: every key before it stays, in its order, on --json and on each
    --queries line (after the line's own keys); a typo of one id fills it, any other text leaves it []."""
    where = ("--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64")

    def suggest(*args):  # stdout alone: the index's build notes are on stderr
        r = CliRunner().invoke(cli, ["suggest", *where, *args])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    typo = suggest("--json", "disk-ful")
    assert list(typo) == SUGGEST_KEYS and typo["meant"] == ["disk-full"], typo
    assert suggest("--json", "No space left on device")["meant"] == []
    (tmp_path / "q.jsonl").write_text('{"query": "disk-ful", "case": 7}\n', encoding="utf-8")
    line = suggest("--queries", str(tmp_path / "q.jsonl"))
    assert list(line) == ["case", *SUGGEST_KEYS] and line["meant"] == ["disk-full"], line


# `recur eval --json`'s keys, as they were; with --baseline one more, its object's keys as docs/cli.md lists them
EVAL_KEYS = ["cases", "recall@1", "recall@3", "recall@5", "mrr", "model", "failed", "misses", "unsearchable"]
# what responders are shown for the cases, added after (found adopting: the ranks read 1.000, 4 of 11 flagged)
EVAL_KEYS += ["answerable", "flagged", "flagged_share", "confidence", "flagged_cases"]
# the cases whose text was not searched (no verdict), added after (found in review: counted as answered, not flagged)
EVAL_KEYS += ["not_searched"]
EVAL_BASELINE_KEYS = ["kb", "index", "compared", "left_out", "tolerance", "base", "now", "moved_down", "failed"]
# the cases newly answered "no known pattern", added after (found in review: the ranks alone passed a change so)
EVAL_BASELINE_KEYS += ["newly_flagged"]
MOVED_KEYS = ["line", "query", "expect", "before", "after", "left_top3"]


def test_eval_json_keys_and_the_baseline_object(kb_dir, tmp_path):
    import shutil

    base = tmp_path / "base"
    shutil.copytree(kb_dir, base)
    write(kb_dir, "eval/cases.yml", "- query: no space left on device\n  expect: [disk-full]\n")
    path = kb_dir / "patterns/capacity/disk-full.md"  # its words gone: the case falls to 2nd
    text = path.read_text().replace('  - "no space left on device"\n', "")
    path.write_text(text.replace('  - "No space left on device"\n  - "ENOSPC"\n', '  - "DiskPressure"\n'))
    common = ["eval", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--json"]
    common += ["--min-recall3", "0", "--min-mrr", "0"]
    alone = CliRunner().invoke(cli, common)
    assert alone.exit_code == 0 and list(json.loads(alone.stdout)) == EVAL_KEYS  # without --baseline: as before
    r = CliRunner().invoke(cli, [*common, "--baseline", str(base)])
    out = json.loads(r.stdout)
    assert r.exit_code == 1 and list(out) == [*EVAL_KEYS, "baseline"], r.output
    assert list(out["baseline"]) == EVAL_BASELINE_KEYS
    assert (
        list(out["baseline"]["base"])
        == list(out["baseline"]["now"])
        == ["cases", "recall@1", "recall@3", "recall@5", "mrr"]
    )
    assert [list(m) for m in out["baseline"]["moved_down"]] == [MOVED_KEYS]
    doc = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `recur eval"))
    assert f"`{{{', '.join(EVAL_BASELINE_KEYS)}}}`" in row and f"`{{{', '.join(MOVED_KEYS)}}}`" in row
