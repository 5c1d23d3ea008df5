"""The JSON of `recur coverage --json` and `recur import --json` keeps its keys, in their order, now
that the library returns typed records (ingest.coverage.Coverage, ingest.importer.Imported) instead
of dicts. The lists below were read from the output before that change."""

import json
import textwrap

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
    "undetected",
    "bad_runbook_urls",
    "external_runbook_urls",
    "detected",
]
COUNTS_KEYS = [
    "missing_alerts",
    "alert_like_unknown",
    "unmentioned_alerts",
    "undetected",
    "bad_runbook_urls",
    "external_runbook_urls",
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
    assert list(out) == IMPORT_KEYS
    assert list(out["link"]) == ["pattern", "reason", "pending_draft"]
    assert list(out["draft"]) == ["id", "path"]
    assert out["candidates"] and all(list(c) == CANDIDATE_KEYS for c in out["candidates"])
    assert all(list(c) == ["id", "title", "score", "confidence", "probability", "why"] for c in out["closest"])
    assert all(list(m) == ["heading", "section"] for m in out["mapped"])
    again = run("import", *common, str(tmp_path / "pm.md"))
    assert list(again) == IMPORT_KEYS and list(again["already"]) == ["incident", "path", "by"]
    (tmp_path / "pm2.md").write_text(textwrap.dedent(POSTMORTEM).replace("every tenant", "one tenant"))
    given = run("import", *common, "--pattern", "disk-full", "--date", "2026-03-04", str(tmp_path / "pm2.md"))
    assert list(given) == IMPORT_KEYS and given["link"]["reason"] == "given with --pattern"
