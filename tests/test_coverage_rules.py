"""`recur coverage --rules`: patterns vs Prometheus alerting rules."""

import json
from pathlib import Path

from coverage_helpers import coverage_cli
from kbfactory import pattern_text, write, write_pattern
from procs import finishes, python_guarded

from recur.ingest.coverage import coverage, read_rules, signal_alerts, signal_regexes, url_pattern
from recur.kb.loader import load_kb

RULES = """groups:
  - name: node
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: DiskAlmostFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
        annotations:
          runbook_url: https://recur.example/patterns/capacity/disk-full/
      - alert: CoreDNSErrorsHigh
        expr: rate(coredns_dns_responses_total{rcode="SERVFAIL"}[5m]) > 1
        annotations: {runbook_url: "https://wiki.example/dns"}
      - alert: OrphanAlert
        expr: y > 0
"""
CRD = """apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: db}
spec:
  groups:
    - name: db
      rules:
        - alert: PoolSaturated
          expr: hikaricp_connections_pending > 0
          annotations: {runbook_url: "https://recur.example/patterns/capacity/db-pool-exhausted.html#runbook"}
---
groups: []
"""


def rules_dir(tmp_path):
    write(tmp_path / "rules", "node.rules.yml", RULES)
    write(tmp_path / "rules", "k8s/db.yaml", CRD)
    return tmp_path / "rules"


def test_signal_alert_names():
    assert signal_alerts('ALERTS{alertname="DiskAlmostFull"}') == [("DiskAlmostFull", True)]
    assert signal_alerts("alert: HighLatency") == [("HighLatency", True)]
    assert signal_alerts("KubePodCrashLooping") == [("KubePodCrashLooping", False)]
    assert signal_alerts("No space left on device") == []
    # a name read on its own: a capital, then alphanumerics with a capital or digit past the second character
    assert [signal_alerts(s) for s in ("Disk9Full", "Http5xxRate", "Ab1", "A1", "Ab", "Disk full")] == [
        [("Disk9Full", False)], [("Http5xxRate", False)], [("Ab1", False)], [], [], []
    ]  # fmt: skip
    assert url_pattern("https://x/patterns/capacity/disk-full/", {"disk-full": 1}) == "disk-full"
    assert url_pattern("https://x/p/disk-full.html#runbook", {"disk-full": 1}) == "disk-full"
    assert url_pattern("https://wiki/dns", {"disk-full": 1}) is None


def test_a_signal_with_a_long_run_of_digits_is_read_in_linear_time():
    # the CamelCase name pattern tried every way to split a run of digits into words before failing: a
    # signal "Error", 24 digits, " seen" (an id pasted in) took 2.6 s, 30 digits about 3 minutes, and
    # `recur coverage` with it (each digit doubled the time). A hang guard, as in test_import_real, not a
    # speed test: 60 s against years at 60 digits
    digits = "1" * 60
    assert finishes(signal_alerts, f"Error{digits} seen") == []
    assert finishes(signal_alerts, f"Trace{'4b' * 30}Id") == [(f"Trace{'4b' * 30}Id", False)]
    assert finishes(signal_alerts, f"Error{digits}") == [(f"Error{digits}", False)]


def test_coverage_report(kb_dir, tmp_path):
    write_pattern(
        kb_dir, "cert-expired", "network", signals=('alertname="CertExpiringSoon"', "x509: certificate has expired")
    )
    alerts, notes = read_rules(rules_dir(tmp_path))
    assert sorted(a.name for a in alerts) == ["CoreDNSErrorsHigh", "DiskAlmostFull", "OrphanAlert", "PoolSaturated"]
    assert any("no alerting rules" in n for n in notes) is False
    c = coverage(load_kb(kb_dir), alerts)
    assert [(m["pattern"], m["alert"], m["explicit"]) for m in c.missing_alerts] == [
        ("cert-expired", "CertExpiringSoon", True)
    ]
    assert c.missing_alerts[0]["line"] == 9  # the signal's own line
    assert [a["alert"] for a in c.unmentioned_alerts] == ["OrphanAlert"]
    assert c.detected == {
        "db-pool-exhausted": ["PoolSaturated"],
        "disk-full": ["DiskAlmostFull"],
        "dns-failure": ["CoreDNSErrorsHigh"],
    }
    assert [u["pattern"] for u in c.undetected] == ["cert-expired"]  # old-retired is not counted
    # issue 14: a URL that names no pattern and is not under --site-url is external, not broken
    assert c.bad_runbook_urls == [] and [e["alert"] for e in c.external_runbook_urls] == ["CoreDNSErrorsHigh"]
    c = coverage(load_kb(kb_dir), alerts, site_url="https://wiki.example/")
    assert [(b["alert"], b["reason"]) for b in c.bad_runbook_urls] == [
        ("CoreDNSErrorsHigh", "points at no pattern page")
    ]


def test_cli_text_json_strict_and_errors(kb_dir, tmp_path):
    rules = rules_dir(tmp_path)
    r = coverage_cli(kb_dir, rules)
    assert r.exit_code == 0 and "OrphanAlert" in r.output and "https://wiki.example/dns" in r.output
    r = coverage_cli(kb_dir, rules, "--json", "--no-propose", "--site-url", "https://wiki.example")
    assert json.loads(r.output)["counts"]["bad_runbook_urls"] == 1
    assert coverage_cli(kb_dir, rules, "--strict", "--no-propose", "--site-url", "https://wiki.example").exit_code == 1
    write(tmp_path / "bad", "x.yml", "groups: [\n")
    write(tmp_path / "bad", "y.yml", "groups:\n  - name: y\n    rules: 5\n")
    (tmp_path / "bad" / "z.yaml").write_bytes(b"\xff\xfe\x00binary")
    r = coverage_cli(kb_dir, tmp_path / "bad", "--no-propose")
    # issue 14: files it cannot read are skipped with one warning each, never an abort
    assert r.exit_code == 0, r.output
    assert (
        "x.yml:2: skipped: invalid YAML at line 2" in r.output and "y.yml:2: rules: each group needs a list" in r.output
    )
    assert "z.yaml:1: skipped: cannot be read" in r.output and "Traceback" not in r.output


def test_strict_with_no_readable_rules_fails(kb_dir, tmp_path):
    """--strict is a CI gate: reading zero alerting rules (an empty folder, a path typo's wrong
    folder, files that do not parse) must not pass it silently."""

    def cov(rules, *extra):
        return coverage_cli(kb_dir, rules, "--no-propose", *extra)

    empty = tmp_path / "empty"
    empty.mkdir()
    write(tmp_path / "broken", "only.yml", "groups: [\n")
    write(tmp_path / "records", "r.yml", "groups:\n  - name: r\n    rules:\n      - record: a:b\n        expr: up\n")
    for rules, why in (
        (empty, "no *.yml, *.yaml, *.rules or *.json file in it"),
        (tmp_path / "broken", "1 file found, none with an alerting rule that could be read"),
        (tmp_path / "records" / "r.yml", "1 file found, none with an alerting rule that could be read"),
    ):
        r = cov(rules, "--strict")
        assert r.exit_code == 1 and "Traceback" not in r.output, r.output
        assert f"--rules: no alerting rules could be read from {rules} ({why}); --strict needs at least one" in r.output
        r = cov(rules)  # without --strict: the report, with a warning
        assert r.exit_code == 0 and f"warning: no alerting rules could be read from {rules}" in r.output, r.output
    assert cov(rules_dir(tmp_path), "--strict").exit_code == 0


def test_no_kb_is_named_before_the_rules_are_read(tmp_path):
    """Found by QA: from the wrong folder, `recur coverage --rules DIR` read every YAML file under
    DIR (a warning for each one without alerting rules) before saying there was no KB."""
    write(tmp_path / "rules", "not-rules.yml", "a: 1\n")
    r = coverage_cli(tmp_path / "kb", tmp_path / "rules", "--no-propose")
    assert r.exit_code == 1 and "knowledge base folder not found" in r.output, r.output
    assert "warning" not in r.output


def test_site_url_must_be_an_http_url(kb_dir, tmp_path):
    rules = rules_dir(tmp_path)
    bad_urls = (
        "not a url",
        "recur.example",
        "ftp://recur.example/",
        "https://",
        "https://re cur.example/",
        "http://[::1",
    )
    for bad in bad_urls:  # "http://[::1": urlparse's ValueError was a traceback
        r = coverage_cli(kb_dir, rules, "--no-propose", "--site-url", bad)
        assert r.exit_code == 2 and "Invalid value for '--site-url'" in r.output, (bad, r.output)
        assert "must be an http:// or https:// URL" in r.output
    for good in ("https://recur.example", "http://kb.internal:8000/patterns/"):
        r = coverage_cli(kb_dir, rules, "--no-propose", "--site-url", good)
        assert r.exit_code == 0, (good, r.output)


def test_a_runbook_url_that_is_not_a_url_is_reported_broken_not_a_traceback(kb_dir, tmp_path):
    """Found by QA: a rule's runbook_url with an unclosed '[' ("http://[runbooks/disk") made urlparse
    raise, and `recur coverage` died with a ValueError traceback instead of reporting it."""
    d = tmp_path / "rules"
    write(
        d,
        "a.yml",
        'groups:\n- name: g\n  rules:\n  - alert: DiskAlmostFull\n    annotations: {runbook_url: "http://[runbooks/disk"}\n',
    )
    for extra in ([], ["--site-url", "https://recur.example/"]):
        r = coverage_cli(kb_dir, d, "--no-propose", "--strict", *extra)
        assert r.exit_code == 1 and "Traceback" not in r.output, r.output
        # at the runbook_url's own line (5), not the rule's
        assert f"{d / 'a.yml'}:5: DiskAlmostFull: http://[runbooks/disk is not a URL (Invalid IPv6 URL)" in r.output


def test_ruler_namespaces_and_dot_rules_files_are_read(tmp_path):
    # a Mimir/Loki ruler's {namespace: [groups]} was "no alerting rules", and alert.rules (the
    # name Prometheus's examples use) was passed over without a word
    d = tmp_path / "rules"
    write(
        d,
        "ruler-export.yaml",
        """team-a:
  - name: loki-alerts
    rules:
      - alert: LokiRequestErrors
        expr: sum(rate(loki_request_duration_seconds_count{status_code=~"5.."}[1m])) > 10
  - name: loki-recording
    rules:
      - record: job:loki:rate1m
        expr: rate(x[1m])
team-b:
  - name: mimir
    rules:
      - alert: MimirIngesterUnhealthy
        expr: min(cortex_ring_members{state="Unhealthy"}) > 0
""",
    )
    write(d, "legacy/alert.rules", "groups:\n- name: legacy\n  rules:\n  - alert: DiskAlmostFull\n    expr: x > 1\n")
    write(d, "README.md", "# not a rule file\n")
    alerts, notes = read_rules(d)
    assert notes == []
    assert [(a.name, a.group, a.line, a.file) for a in alerts] == [
        ("DiskAlmostFull", "legacy", 4, str(d / "legacy/alert.rules")),
        ("LokiRequestErrors", "loki-alerts", 4, str(d / "ruler-export.yaml")),
        ("MimirIngesterUnhealthy", "mimir", 13, str(d / "ruler-export.yaml")),
    ]


def test_a_broken_link_and_an_alert_that_is_not_a_name_are_warnings_not_silence(tmp_path):
    """Both were passed over without a word: the report then called their alerts missing."""
    d = tmp_path / "rules"
    write(
        d,
        "ok.yml",
        "groups:\n- name: g\n  rules:\n  - alert: DiskAlmostFull\n    expr: x > 1\n"
        "  - alert: [NotAName]\n    expr: y > 1\n  - record: job:x:rate1m\n    expr: rate(x[1m])\n",
    )
    (d / "gone.yml").symlink_to(tmp_path / "nowhere.yml")
    alerts, notes = read_rules(d)
    assert [a.name for a in alerts] == ["DiskAlmostFull"]
    assert f"{d / 'gone.yml'}:1: skipped: cannot be read (No such file or directory)" in notes
    assert f"{d / 'ok.yml'}:6: alert: not a name (['NotAName']); rule skipped" in notes
    assert len(notes) == 2  # the recording rule is not an alert, and not a warning


def test_the_pattern_count_says_drafts_are_in_it_and_retired_ones_are_not(kb_dir, tmp_path):
    """The KB format's `active` is one status; the count is of every pattern that is not retired,
    drafts included, and the summary line says so instead of calling them all active."""
    before = coverage(load_kb(kb_dir), read_rules(rules_dir(tmp_path))[0]).patterns
    write(kb_dir / "patterns", "capacity/new-draft.md", pattern_text("new-draft", status="draft"))
    write(kb_dir / "patterns", "capacity/old-gone.md", pattern_text("old-gone", status="retired"))
    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose")
    assert r.exit_code == 0, r.output
    assert f", {before + 1} patterns (active and draft; retired ones left out):" in r.output.splitlines()[0]


def test_a_site_beside_ours_sharing_its_prefix_is_external(kb_dir, tmp_path):
    """Found by QA: with --site-url .../team-kb/, a runbook_url under .../team-kb-old/ was ours, and
    its page named disk-full, so the pattern was detected by an alert linking another site."""
    d = tmp_path / "rules"
    old = "https://kb.example.com/team-kb-old/patterns/capacity/disk-full.html"
    ours = "https://kb.example.com/team-kb/patterns/capacity/disk-full.html"
    write(
        d,
        "r.yml",
        "groups:\n- name: urls\n  rules:\n"
        f'  - alert: LegacyDiskAlert\n    expr: up == 0\n    annotations: {{runbook_url: "{old}"}}\n'
        f'  - alert: TeamDiskAlert\n    expr: up == 0\n    annotations: {{runbook_url: "{ours}"}}\n',
    )
    alerts, _ = read_rules(d)
    for site in ("https://kb.example.com/team-kb/", "https://kb.example.com/team-kb"):
        c = coverage(load_kb(kb_dir), alerts, site_url=site)
        assert c.detected.get("disk-full") == ["TeamDiskAlert"], (site, c.detected)
        assert [(e["alert"], e["url"]) for e in c.external_runbook_urls] == [("LegacyDiskAlert", old)]
        assert c.bad_runbook_urls == []


def test_an_alertname_regex_matcher_is_a_regex_not_a_name(kb_dir, tmp_path):
    """Found by QA: ALERTS{alertname=~"NodeFilesystem.*"} was read as the alert NodeFilesystem, and
    --strict failed with 'no alert rule named NodeFilesystem' though NodeFilesystemAlmostOutOfSpace exists."""
    signals = (
        'ALERTS{alertname=~"NodeFilesystem.*"}',
        "ALERTS{alertname=~'KubeJob(Failed|Completion)', severity=\"critical\"}",
        'ALERTS{alertname!="Watchdog"}',
        'ALERTS{alertname!~"Orphan.*"}',
    )
    write_pattern(kb_dir, "fs", "capacity", signals=signals)
    rules = "groups:\n- name: g\n  rules:\n" + "".join(
        f"  - alert: {n}\n    expr: up == 0\n"
        for n in ("NodeFilesystemAlmostOutOfSpace", "KubeJob", "Watchdog", "OrphanX")
    )
    write(tmp_path / "rules", "r.yml", rules)
    alerts, _ = read_rules(tmp_path / "rules")
    c = coverage(load_kb(kb_dir), alerts)
    # KubeJob is a word of the regex, not a name it matches; != and !~ exclude, they name nothing
    assert c.detected["fs"] == ["NodeFilesystemAlmostOutOfSpace"]
    assert [(m["alert"], m.get("regex")) for m in c.missing_alerts] == [("KubeJob(Failed|Completion)", True)]
    assert {"OrphanX", "KubeJob"} <= {a["alert"] for a in c.unmentioned_alerts}
    assert [a["alert"] for a in c.heartbeat_alerts] == ["Watchdog"]  # unmentioned too, but a heartbeat: apart
    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose", "--strict")
    assert r.exit_code == 1 and "no alert rule named NodeFilesystem" not in r.output, r.output
    assert signal_alerts(signals[0]) == [] and signal_alerts(signals[2]) == []
    assert 'fs: the regex alertname=~"KubeJob(Failed|Completion)" matched no alert rule' in r.output, r.output
    write_pattern(kb_dir, "fs", "capacity", signals=('alertname=~"Node(Fs.*"',))
    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose", "--strict")
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert signal_regexes("alertname=~`a{99999999999999999999}`")[0][2] == "the repetition number is too large"
    assert (
        'fs: alertname=~"Node(Fs.*" is not a regex this tool can read (missing ), unterminated subpattern' in r.output
    )
    write_pattern(kb_dir, "fs", "capacity", signals=signals[:1])
    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose", "--strict")
    assert r.exit_code == 0, r.output


GRAFANA_TITLES = """apiVersion: 1
groups:
  - orgId: 1
    name: databases
    folder: Databases
    interval: 1m
    rules:
      - uid: fe1kq9
        title: Postgres connections near max_connections
        condition: C
        data:
          - refId: A
            datasourceUid: prom
            model: {expr: sum(pg_stat_activity_count) / pg_settings_max_connections * 100}
        for: 5m
      - uid: ab12cd
        title: pg-conn-saturation
        condition: C
        data: []
"""


def test_a_quoted_alert_name_is_taken_whole_as_grafana_titles_have_spaces_and_hyphens(kb_dir, tmp_path):
    """Found in a user review: a Grafana alert's name is its rule's title, and a signal naming one,
    ALERTS{alertname="Postgres connections near max_connections"}, was read as the alert "Postgres"
    (and alertname="pg-conn-saturation" as "pg"): 'no alert rule named Postgres', --strict failed."""
    signals = (
        'ALERTS{alertname="Postgres connections near max_connections"}',
        "alertname='pg-conn-saturation'",
        'alert: "Postgres connections near max_connections"',
    )
    write_pattern(kb_dir, "pg", "capacity", signals=signals)
    write(tmp_path / "rules", "grafana.yaml", GRAFANA_TITLES)
    assert [signal_alerts(s) for s in signals] == [
        [("Postgres connections near max_connections", True)],
        [("pg-conn-saturation", True)],
        [("Postgres connections near max_connections", True)],
    ]
    assert signal_alerts("alertname=NodeDown, severity=page") == [("NodeDown", True)]  # bare: as before
    alerts, notes = read_rules(tmp_path / "rules")
    c = coverage(load_kb(kb_dir), alerts)
    assert notes == [] and c.missing_alerts == []
    assert c.detected["pg"] == ["pg-conn-saturation", "Postgres connections near max_connections"]
    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose", "--strict")
    assert r.exit_code == 0 and "no alert rule named" not in r.output, r.output


def test_did_you_mean_suggests_a_slip_of_a_word_not_an_alert_for_another_condition(kb_dir, tmp_path):
    """Found in review: "did you mean" compared names by characters (difflib, cutoff 0.75) and offered the
    alert for the opposite condition or another system, a whole word differing. Compared word by word
    (CamelCase split), it offers only the same words written otherwise or one word misspelt."""
    from recur.ingest.coverage import coverage, did_you_mean, read_rules
    from recur.kb.loader import load_kb

    rules = [
        "NodeFilesystemAlmostOutOfFiles",
        "PostgresqlReplicationLag",
        "KubePodNotReady",
        "PostgresqlDown",
        "KubePodCrashLooping",
        "NodeFilesystemSpaceFillingUp",
    ]
    assert did_you_mean("NodeFilesystemAlmostOutOfSpace", rules) == []
    assert did_you_mean("MySQLReplicationLag", rules) == []
    assert did_you_mean("KubeNodeNotReady", rules) == []
    assert did_you_mean("KubePodCrashLoping", rules) == ["KubePodCrashLooping"]  # one letter left out
    assert did_you_mean("KubePodCrashloping", rules) == ["KubePodCrashLooping"]  # and a word's case
    assert did_you_mean("PostgresDown", rules) == ["PostgresqlDown"]
    assert did_you_mean("PostgreSQLDown", rules) == ["PostgresqlDown"]  # the same words, cased otherwise
    assert did_you_mean("node_filesystem_space_filling_up", rules) == ["NodeFilesystemSpaceFillingUp"]
    # through `recur coverage`: a pattern naming an alert for another condition gets no suggestion
    p = kb_dir / "patterns" / "capacity" / "disk-full.md"
    p.write_text(
        p.read_text().replace("signals:\n", "signals:\n  - 'alertname=\"NodeFilesystemAlmostOutOfSpace\"'\n", 1)
    )
    f = tmp_path / "r.yml"
    f.write_text("groups:\n- name: g\n  rules:\n" + "".join(f"  - alert: {n}\n    expr: up == 0\n" for n in rules))
    c = coverage(load_kb(kb_dir), read_rules(f)[0])
    row = next(m for m in c.missing_alerts if m["alert"] == "NodeFilesystemAlmostOutOfSpace")
    assert row["did_you_mean"] == []


def test_rule_files_coverage_could_not_read_are_read_or_said_usefully(tmp_path):
    """Found in review: a ConfigMap manifest holding its rule file as a string, a Prometheus 1.x file,
    `groups:` as a mapping were each "no alerting rules found"; a rule with no expr and a group name
    repeated in a file (both make Prometheus reject the file) passed without a word."""
    from recur.ingest.coverage import read_file

    cm = write(
        tmp_path,
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  other.conf: |\n    x = 1\n"
        "  alerts.yaml: |\n    groups:\n      - name: cm\n        rules:\n          - alert: CmInstanceDown\n"
        "            expr: up == 0\n",
    )
    alerts, notes = read_file(cm)
    assert [(a.name, a.line, a.group) for a in alerts] == [("CmInstanceDown", 11, "cm")] and notes == []
    v1 = write(tmp_path, "old.rules", 'ALERT InstanceDown\n  IF up == 0\n  FOR 5m\n  LABELS { severity = "page" }\n')
    assert read_file(v1) == (
        [],
        [
            f"{v1}:1: skipped: a Prometheus 1.x rule file (ALERT ... IF ...), which Prometheus 2 and later do not "
            "read: convert it to YAML with Prometheus 2's `promtool update rules old.rules`"
        ],
    )
    mapping = write(tmp_path, "m.yml", "groups:\n  name: not-a-list\n  rules:\n    - alert: X\n      expr: up == 0\n")
    assert read_file(mapping) == (
        [],
        [f"{mapping}:2: groups: a list of rule groups (- name: ...), not a mapping (file skipped)"],
    )
    bad = write(
        tmp_path,
        "bad.yml",
        "groups:\n  - name: g\n    rules:\n      - alert: NoExpr\n        for: 5m\n      - expr: up == 0\n"
        "  - name: g\n    rules:\n      - alert: Fine\n        expr: up == 0\n"
        "  - name: h\n    rules:\n      - alert: Always\n        expr: 1\n",  # a number is an expression
    )
    alerts, notes = read_file(bad)
    assert [a.name for a in alerts] == ["NoExpr", "Fine", "Always"]
    assert notes == [
        f"{bad}:4: NoExpr: no expr (Prometheus rejects the file; the alert is counted)",
        f"{bad}:6: a rule with neither alert nor record (Prometheus rejects the file)",
        f"{bad}:7: group name 'g' is repeated in the file (first at line 2): Prometheus rejects the file",
    ]


def test_a_warning_inside_a_configmaps_rule_file_names_the_manifests_line_and_data_key(tmp_path):
    """Carried from reviews ("ConfigMap dup-key lines"): in a file of two ConfigMaps holding the same data
    key, the second one's rules and warnings were put at lines of the first one (its key found by
    searching the text), and a warning did not say which embedded file it was about."""
    from recur.ingest.coverage import read_file

    head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\ndata:\n"
    rule = "          - alert: {}\n            expr: up == 0\n"
    cm = write(
        tmp_path,
        "cms.yaml",
        head.format("first")
        + "  alerts.yaml: |\n    groups:\n      - name: a\n        rules:\n"
        + rule.format("A1")
        + "---\n"
        + head.format("second")
        + "  alerts.yaml: |\n    groups:\n      - name: b\n        rules:\n"
        + rule.format("B1")
        + "      - name: b\n        rules:\n"
        + rule.format("B2")
        + "  broken.yaml: |-\n    groups:\n      - name: c\n        rules: [}\n"
        + '  quoted.yaml: "groups: [{name: q, rules: [{alert: Q1, expr: up}]}]"\n',
    )
    lines = cm.read_text().split("\n")
    alerts, notes = read_file(cm)
    assert [(a.name, a.line) for a in alerts] == [("A1", 10), ("B1", 22), ("B2", 26), ("Q1", 32)]
    assert [lines[a.line - 1].strip() for a in alerts[:3]] == ["- alert: A1", "- alert: B1", "- alert: B2"]
    assert lines[30] == "        rules: [}"
    assert notes == [
        f"{cm}:24: data key alerts.yaml: group name 'b' is repeated in the file (first at line 20): "
        "Prometheus rejects the file",
        f"{cm}:31: data key broken.yaml: skipped: invalid YAML at line 31, column 13: "
        "expected the node content, but found '}'",
    ]


def test_a_broken_runbook_url_is_reported_at_its_line_with_the_page_it_may_have_meant(kb_dir, tmp_path):
    """Found in review: a broken runbook_url was reported at the `- alert:` line, not its own; a misspelt
    pattern id in it got no "did you mean"; a templated one ({{ $labels.pattern }}.html) was said to point
    at no pattern page, though which page it opens is known only when the alert fires (now: listed as templated)."""
    from recur.ingest.coverage import coverage, read_rules

    site = "https://recur.example/"
    f = write(
        tmp_path,
        "rb.yml",
        "groups:\n  - name: rb\n    rules:\n      - alert: Typo\n        expr: vector(1)\n        annotations:\n"
        f"          summary: s\n          runbook_url: {site}patterns/capacity/disk-ful.html\n"
        "      - alert: Templated\n        expr: vector(1)\n        annotations:\n"
        f'          runbook_url: "{site}patterns/capacity/{{{{ $labels.pattern }}}}.html"\n'
        # templating in the query alone: the page is known (found in the read of the diff: not counted)
        "      - alert: DiskQuery\n        expr: vector(1)\n        annotations:\n"
        f'          runbook_url: "{site}patterns/capacity/disk-full.html?i={{{{ $labels.instance }}}}"\n',
    )
    c = coverage(load_kb(kb_dir), read_rules(f)[0], site_url=site)
    assert "DiskQuery" in c.detected.get("disk-full", []), c.detected
    assert [(b["alert"], b["line"], b["reason"]) for b in c.bad_runbook_urls] == [
        ("Typo", 8, "points at no pattern page (did you mean .../patterns/capacity/disk-full.html?)")
    ]
    # templated with a label the rule does not set: not checkable, so not broken (it failed --strict)
    assert [(t["alert"], t["line"]) for t in c.templated_runbook_urls] == [("Templated", 12)]


def test_a_runbook_url_on_a_retired_pattern_names_what_superseded_it(kb_dir, tmp_path):
    """A runbook link to a retired pattern's page is not counted as detection; the reason names the
    pattern(s) of its superseded_by, where the link should point now."""
    from recur.ingest.coverage import coverage, read_rules

    path = kb_dir / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: disk-full\n"))
    site = "https://recur.example/"
    f = write(
        tmp_path,
        "rb.yml",
        "groups:\n  - name: rb\n    rules:\n      - alert: OldDeploy\n        expr: vector(1)\n        annotations:\n"
        f"          runbook_url: {site}patterns/deploys/old-retired.html\n",
    )
    c = coverage(load_kb(kb_dir), read_rules(f)[0], site_url=site)
    assert [(b["alert"], b["reason"]) for b in c.bad_runbook_urls] == [
        ("OldDeploy", "points at retired pattern old-retired (superseded by disk-full)")
    ]


DATADOG = """[
  {
    "id": 12345678,
    "name": "[checkout] High p99 latency on {{host.name}}",
    "type": "query alert",
    "query": "avg(last_5m):p99:trace.http.request.duration{service:checkout} > 2",
    "message": "{{#is_alert}}Checkout p99 is high{{/is_alert}} @pagerduty-checkout",
    "tags": ["team:payments"]
  },
  {
    "id": 12345679,
    "name": "CoreDNSErrorsHigh",
    "type": "metric alert",
    "query": "sum(last_5m):sum:coredns.response_code.count{rcode:servfail}.as_count() > 100",
    "message": "DNS failures"
  }
]
"""


def test_a_datadog_monitors_export_is_read_alone_and_in_a_folder(kb_dir, tmp_path):
    # a Datadog monitors export (the API's list, the UI's one monitor) was "no alerting rules" alone,
    # and in a folder of rules skipped without a word, as a JSON file that holds no rule groups
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "monitors.json").write_text(DATADOG)
    one = json.loads(DATADOG)[0]
    (rules / "one-monitor.json").write_text(json.dumps(one))
    (rules / "dashboard.json").write_text('{"title": "Checkout", "panels": []}')  # no rule file: no word
    alerts, notes = read_rules(rules)
    assert notes == []
    assert sorted((a.name, a.group, Path(a.file).name) for a in alerts) == [
        ("CoreDNSErrorsHigh", "Datadog monitors", "monitors.json"),
        ("[checkout] High p99 latency on {{host.name}}", "Datadog monitors", "monitors.json"),
        ("[checkout] High p99 latency on {{host.name}}", "Datadog monitors", "one-monitor.json"),
    ]
    alerts, notes = read_rules(rules / "monitors.json")
    assert [a.line for a in alerts] == [2, 10] and notes == []
    res = coverage_cli(kb_dir, rules / "monitors.json", "--no-propose", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["counts"]["detected"] >= 1  # the small KB's dns pattern names CoreDNSErrorsHigh


GRAFANA_API = """[
  {
    "id": 14, "uid": "edx1abc", "orgID": 1, "folderUID": "infra", "ruleGroup": "dns",
    "title": "CoreDNSErrorsHigh", "condition": "B",
    "data": [{"refId": "A", "datasourceUid": "prom", "model": {"expr": "rate(coredns_dns_responses_total[5m])"}}],
    "for": "5m", "annotations": {"summary": "SERVFAIL rate high"}, "isPaused": false
  },
  {
    "id": 15, "uid": "edx1abd", "orgID": 1, "folderUID": "infra", "ruleGroup": "disk",
    "title": "Disk inodes exhausted", "condition": "B", "data": [], "for": "5m"
  }
]
"""


def test_grafanas_provisioning_api_list_of_rules_is_read(kb_dir, tmp_path):
    # `GET /api/v1/provisioning/alert-rules` lists flat rules, each naming its ruleGroup: the file was
    # "no alerting rules" alone, and in a folder of rules skipped without a word
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "grafana-rules.json").write_text(GRAFANA_API)
    (rules / "one-rule.json").write_text(json.dumps(json.loads(GRAFANA_API)[1]))
    alerts, notes = read_rules(rules)
    assert notes == []
    assert sorted((a.name, a.group, a.source, Path(a.file).name) for a in alerts) == [
        ("CoreDNSErrorsHigh", "dns", "grafana", "grafana-rules.json"),
        ("Disk inodes exhausted", "disk", "grafana", "grafana-rules.json"),
        ("Disk inodes exhausted", "disk", "grafana", "one-rule.json"),
    ]
    res = coverage_cli(kb_dir, rules / "grafana-rules.json", "--no-propose", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["counts"]["detected"] >= 1


PROMETHEUS_API = """{"status": "success", "data": {"groups": [
  {"name": "dns", "file": "/etc/prometheus/rules/dns.yml", "interval": 30, "rules": [
    {"state": "inactive", "name": "CoreDNSErrorsHigh", "query": "rate(coredns_dns_responses_total[5m]) > 1",
     "duration": 300, "annotations": {"summary": "SERVFAIL"}, "alerts": [], "health": "ok", "type": "alerting"},
    {"name": "job:up:sum", "query": "sum(up)", "health": "ok", "type": "recording"}
  ]}
]}}
"""


def test_prometheus_http_api_rules_answer_is_read(kb_dir, tmp_path):
    # `curl prometheus/api/v1/rules > rules.json` (rules named "name", typed alerting/recording) was
    # "no alerting rules" alone, and in a folder of rules skipped without a word
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "api-rules.json").write_text(PROMETHEUS_API)
    alerts, notes = read_rules(rules)
    assert notes == []
    assert [(a.name, a.group, a.line) for a in alerts] == [("CoreDNSErrorsHigh", "dns", 3)]
    res = coverage_cli(kb_dir, rules / "api-rules.json", "--no-propose", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["counts"]["detected"] >= 1


HELM_VALUES = """replicaCount: 2
additionalPrometheusRulesMap:
  dns-rules:
    groups:
      - name: dns
        rules:
          - alert: CoreDNSErrorsHigh
            expr: rate(coredns_dns_responses_total{rcode="SERVFAIL"}[5m]) > 1
            annotations:
              summary: "SERVFAIL on {{ $labels.instance }}"
"""
PROMETHEUS_CHART_VALUES = """serverFiles:
  alerting_rules.yml:
    groups:
      - name: disk
        rules:
          - alert: DiskAlmostFull
            expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
  recording_rules.yml: {}
"""


def test_rules_in_a_helm_charts_values_file_are_read(kb_dir, tmp_path):
    # kube-prometheus-stack's additionalPrometheusRulesMap and the prometheus chart's serverFiles hold
    # rule groups under keys of their own: each values file was "no alerting rules"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "values.yaml").write_text(HELM_VALUES)
    (rules / "prometheus-values.yaml").write_text(PROMETHEUS_CHART_VALUES)
    (rules / "other-values.yaml").write_text("replicaCount: 2\nimage: {tag: v1}\n")
    alerts, notes = read_rules(rules)
    assert sorted((a.name, a.group, Path(a.file).name, a.line) for a in alerts) == [
        ("CoreDNSErrorsHigh", "dns", "values.yaml", 7),
        ("DiskAlmostFull", "disk", "prometheus-values.yaml", 6),
    ]
    assert notes == [
        f"{rules / 'other-values.yaml'}: no alerting rules (groups[].rules[].alert, Grafana rules[].title, or Datadog monitors) found"
    ]


def test_rule_files_nested_deeper_than_python_recurses_are_skipped_with_a_warning_at_their_deepest_line(
    kb_dir, tmp_path
):
    """PyYAML and json compose a list inside a list by recursion: a rule file of 100,000 "[" exceeded Python's
    limit, and `recur coverage` stopped with a traceback (a .json file) or warned of "maximum recursion depth
    exceeded" at line 1 (YAML). Each is one warning naming the file and the line where it is nested deepest; the
    other files are read."""
    rules = tmp_path / "rules"
    write(rules, "deep.yml", "groups:\n- name: x\n  rules: " + "[" * 100_000 + "\n")
    write(rules, "deep.json", '{"groups": [{"name": "x", "rules":\n' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}]}")
    write(rules, "ok.yml", "groups:\n- name: x\n  rules:\n  - alert: Fine\n    expr: up\n")
    assert [a.name for a in read_rules(rules)[0]] == ["Fine"]
    r = coverage_cli(kb_dir, rules, "--no-propose")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    deeper = "skipped: lists or mappings nested deeper than this tool reads (deepest at this line)"
    assert f"deep.yml:3: {deeper}" in r.output and f"deep.json:2: {deeper}" in r.output, r.output


def test_rule_files_nested_past_the_limit_are_skipped_before_pyyaml_reads_them(kb_dir, tmp_path):
    """A megabyte of rule lines nested 400 deep, which Python's recursion allows, took PyYAML 30-45 s before it said
    that a rule is a mapping (bench/pathological.py): nesting past config.MAX_YAML_DEPTH is one warning at its line,
    before PyYAML reads the file; brackets in a quoted string are text, and the other files are read."""
    rules = tmp_path / "rules"
    write(rules, "deep.yml", "groups:\n- name: x\n  rules:\n" + ("  - " + "[" * 400 + "]" * 400 + "\n") * 5)
    write(rules, "quoted.yml", "groups:\n- name: x\n  rules:\n  - alert: Quoted\n    expr: '" + "[" * 400 + "'\n")
    r = coverage_cli(kb_dir, rules, "--no-propose")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    deeper = "skipped: lists or mappings nested deeper than this tool reads (deepest at this line)"
    assert f"deep.yml:4: {deeper}: 400 [ or {{ open at once, more than 100\n" in r.output, r.output
    assert [a.name for a in read_rules(rules)[0]] == ["Quoted"]


def _read_rules_named(folder):
    alerts, notes = read_rules(folder)
    return [a.name for a in alerts], notes


LAUGHS = f"x0: &a0 [{', '.join(['lol'] * 10)}]\n" + "".join(
    f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)
)


def test_a_rule_file_whose_aliases_repeat_too_many_values_is_skipped_at_their_line(tmp_path):
    """A "billion laughs" rule file (8 aliases of lists of 10 aliases) loads as shared lists, but the rules were
    read over each copy: `recur coverage` hung (2.86 GB at 120 s; security review of 2026-12). Aliases that repeat
    more than config.MAX_YAML_NODES values are one warning at the line where they pass it, before the file is
    loaded; an anchor of shared labels is read as before. ``finishes`` guards against a hang."""
    rules = tmp_path / "rules"
    bomb = LAUGHS + "groups:\n  - name: g\n    rules:\n      - alert: DiskFull\n        expr: *a8\n"
    write(rules, "bomb.yml", bomb)
    shared = (
        "groups:\n- name: x\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: &team {team: db, page: 'yes'}\n"
        "  - alert: B\n    expr: up == 1\n    labels: *team\n"
    )
    write(rules, "shared.yml", shared)
    names, notes = finishes(_read_rules_named, rules)
    assert names == ["A", "B"]
    assert notes == [
        f"{rules / 'bomb.yml'}:5: skipped: YAML aliases (*name) here repeat 56,774 values, more than this tool reads, "
        "50,000 (an alias bomb?): write the values out"
    ]


def test_a_json_rule_file_indented_with_tabs_is_read(tmp_path):
    """JSON allows tabs between tokens (json.dumps(indent="\\t") writes them), and so does YAML in [ ] and { }:
    PyYAML's own reader refused them ("found character '\\t' that cannot start any token") and the file was
    skipped; libyaml, which now reads rule files first, reads it. A real tab error is still PyYAML's warning."""
    groups = {"groups": [{"name": "disk", "rules": [{"alert": "DiskFull", "expr": "up == 0"}]}]}
    write(tmp_path, "tabs.json", json.dumps(groups, indent="\t") + "\n")
    write(tmp_path, "bad.yml", "groups:\n- name: x\n\trules: []\n")
    alerts, notes = read_rules(tmp_path)
    assert [(a.name, a.group, a.line) for a in alerts] == [("DiskFull", "disk", 6)]  # the rule's "{"
    assert notes == [
        f"{tmp_path / 'bad.yml'}:3: skipped: invalid YAML at line 3, column 1: found a tab character that violates "
        "indentation (a tab in the indentation: YAML indents with spaces)"
    ]


def test_the_rule_reader_scans_yaml_as_pyyaml_does():
    """coverage._LineLoader reads its scanner's possible simple keys from the front (PyYAML looked at each of them
    for every token: a line of "[" 10,000 long took 3 s); the tokens, and the errors, are PyYAML's own."""
    import yaml

    from recur.ingest.coverage import _LineLoader

    def tokens(text, loader):
        try:
            return [(type(t).__name__, t.start_mark.index, t.end_mark.index) for t in yaml.scan(text, Loader=loader)]
        except yaml.YAMLError as exc:
            return str(exc)

    texts = [
        RULES,
        CRD,
        "a: [b, {c: d}, [e, f]: g]\n",
        "{[a, b]: c, d: [e: f]}\n",
        "[[[a]]]: b\n",
        "{a: [b\n , c], d\n : e}\n",
        "k" * 1030 + ": v\n",
        "[" + "k" * 1030 + ": v]\n",
        "a: 1\nb\nc: 2\n",
        "a:\n  - x\n  b\n",
        "a: 1\n" + "b" * 1100 + ": 2\n",
        'a: 1\n"b\nc": 2\n',
        "- a\nb: c\n",
        "x: {a: [b, c}\n",
        "groups:\n- name: x\n  rules: " + "[" * 2_000 + "\n",
        "[" * 300 + "a: b" + "]" * 300 + "\n",
        "{a: " * 50 + "\n" + "}" * 50 + "\n",
    ]
    for text in texts:
        assert tokens(text, _LineLoader) == tokens(text, yaml.SafeLoader), text[:60]
    assert sum("while scanning a simple key" in tokens(text, _LineLoader) for text in texts) == 4  # stale and required


def test_strings_in_a_template_action_are_blanked_as_their_pattern_says():
    """A template action's strings are blanked by a scan (coverage._strings_blanked, see the next test), not by
    the pattern it is written as: it blanks every short text of quotes, backquotes and backslashes as that
    pattern does, exhaustively."""
    import re
    from itertools import product

    from recur.ingest.coverage import _strings_blanked

    pattern = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
    for n in range(9):
        for chars in product('"`\\a', repeat=n):
            action = "".join(chars)
            assert _strings_blanked(action) == pattern.sub('""', action), repr(action)


def test_a_rule_file_of_unclosed_template_actions_is_read_in_linear_time(tmp_path):
    """An annotation of 100,000 "{{" with no "}}", and one action of 100,000 escaped quotes: the Helm check read on
    from each "{{" (10,000 took 8 s), and from each quote, to the line's end (100,000 took 190 s). `recur coverage`'s
    reader runs in a process of its own, whose 60 s timeout is a guard against a hang, not a measure of speed
    (it takes a few seconds, most of them PyYAML's). Neither is Helm's: each file's alert is read."""
    rule = "groups:\n- name: x\n  rules:\n  - alert: {name}\n    expr: up\n    annotations:\n      summary: '{text}'\n"
    (tmp_path / "open.yml").write_text(rule.format(name="Open", text="{{" * 100_000))
    (tmp_path / "quotes.yml").write_text(rule.format(name="Quotes", text='{{ "' + '\\"' * 100_000 + " }}"))
    code = "import sys\nfrom recur.ingest.coverage import read_rules\nprint(sorted(a.name for a in read_rules(sys.argv[1])[0]))"
    run = python_guarded(code, str(tmp_path))
    assert run.returncode == 0 and run.stdout == "['Open', 'Quotes']\n", run.stderr
