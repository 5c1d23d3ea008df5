"""`recur coverage` on rule sets as teams have them (issue 14): PrometheusRule CRDs, kind: List,
Grafana-provisioned alert rules, Helm templates and odd YAML, external runbook sites, case."""

import json
import re

import pytest
from coverage_helpers import coverage_cli
from kbfactory import write, write_pattern

from recur.ingest.coverage import coverage, propose_alerts, read_rules
from recur.kb.loader import load_kb
from recur.retrieval.engine import Engine
from recur.retrieval.index import build

LIST = """apiVersion: v1
kind: List
items:
  - apiVersion: monitoring.coreos.com/v1
    kind: PrometheusRule
    metadata: {name: pg}
    spec:
      groups:
        - name: postgres
          rules:
            - alert: PostgresqlTooManyConnections
              expr: sum(pg_stat_activity_count) > 90
              annotations:
                summary: Postgres has too many connections
                runbook_url: https://runbooks.upstream.example/postgres/toomanyconnections
            - alert: PostgresqlTooManyConnections
              expr: sum(pg_stat_activity_count) > 95
              labels: {severity: critical}
            - alert: PostgresqlDown
              expr: pg_up == 0
"""
GRAFANA = """apiVersion: 1
groups:
  - orgId: 1
    name: certificates
    folder: Blackbox
    interval: 1m
    rules:
      - uid: cert-exp-1
        title: BlackboxSslCertificateWillExpireSoon
        condition: C
        data:
          - refId: A
            datasourceUid: prom
            model: {expr: probe_ssl_earliest_cert_expiry - time() < 86400 * 3}
        for: 5m
        annotations:
          summary: The TLS certificate of the probed site expires in less than three days
          description: x509 certificate expiry is close; renew the certificate
          runbook_url: https://recur.example/patterns/capacity/disk-full.html
        labels: {severity: warning}
"""
HELM = """groups:
  - name: {{ .Release.Name }}-node
    rules:
{{- range .Values.alerts }}
      - alert: {{ .name }}
{{- end }}
"""
ODD = "groups:\n  - name: odd\n    rules: [\n      - alert: Weird\n        expr: x\n"  # an unclosed flow list


def rules(tmp_path):
    root = tmp_path / "rules"
    write(root, "list.yaml", LIST)
    write(root, "grafana/alerting.yaml", GRAFANA)
    write(root, "chart/templates/rules.yaml", HELM)
    write(root, "odd.yml", ODD)
    write(
        root,
        "plain.yml",
        "groups:\n  - name: node\n    rules:\n      - alert: NodeDiskFull\n        expr: x\n"
        "        annotations: {runbook_url: 'https://recur.example/patterns/capacity/nope/'}\n",
    )
    return root


def test_every_shape_is_read_and_bad_files_are_skipped(tmp_path):
    alerts, notes = read_rules(rules(tmp_path))
    names = sorted(a.name for a in alerts)
    assert names == [
        "BlackboxSslCertificateWillExpireSoon",
        "NodeDiskFull",
        "PostgresqlDown",
        "PostgresqlTooManyConnections",
        "PostgresqlTooManyConnections",
    ]
    grafana = next(a for a in alerts if a.source == "grafana")
    assert grafana.line == 8 and grafana.group == "certificates" and "TLS certificate" in grafana.summary
    assert sum("rules.yaml" in n and "Helm template" in n for n in notes) == 1
    assert sum("odd.yml" in n and "skipped" in n for n in notes) == 1


def test_case_site_url_folding_and_counts(kb_dir, tmp_path):
    write_pattern(
        kb_dir,
        "db-pool-exhausted",
        title="Database connection pool exhausted",
        symptoms=("too many clients",),
        signals=('alertname="PostgreSQLTooManyConnections"', 'alertname="PostgresDown"'),
    )
    alerts, _ = read_rules(rules(tmp_path))
    c = coverage(load_kb(kb_dir), alerts, site_url="https://recur.example/patterns")
    missing = {m["alert"]: m for m in c.missing_alerts}
    assert "PostgreSQLTooManyConnections" not in missing  # same name, other case
    assert missing["PostgresDown"]["did_you_mean"] == ["PostgresqlDown"]
    assert [b["url"] for b in c.bad_runbook_urls] == ["https://recur.example/patterns/capacity/nope/"]
    assert [e["host"] for e in c.external_runbook_urls] == ["runbooks.upstream.example"]
    assert c.detected["disk-full"] == ["BlackboxSslCertificateWillExpireSoon"]  # its runbook_url is ours
    for key in c.counts:  # every count is the length of its list (or of the detected map)
        assert c.counts[key] == len(getattr(c, key)), key
    assert all(m["explicit"] for m in c.missing_alerts) and not any(m["explicit"] for m in c.alert_like_unknown)
    assert c.missing_alerts and c.alert_like_unknown, "both kinds must occur for the counts to mean something"
    assert sum(len(v) for g in c.unmentioned_by_file.values() for v in g.values()) == len(c.unmentioned_alerts)


def test_duplicates_folded_and_grouped(kb_dir, tmp_path):
    alerts, _ = read_rules(rules(tmp_path))
    c = coverage(load_kb(kb_dir), alerts)
    rows = [r for r in c.unmentioned_alerts if r["alert"] == "PostgresqlTooManyConnections"]
    assert len(rows) == 1 and rows[0]["count"] == 2 and len(rows[0]["lines"]) == 2
    listing = next(v for f, v in c.unmentioned_by_file.items() if f.endswith("list.yaml"))
    assert listing == {"postgres": ["PostgresqlTooManyConnections", "PostgresqlDown"]}


def tls_pattern(kb_dir):
    return write_pattern(
        kb_dir,
        "tls-certificate-expired",
        "network",
        title="TLS certificate expired",
        symptoms=("browsers show the certificate has expired", "x509: certificate has expired or is not yet valid"),
        summary="A TLS certificate expired and clients refuse the connection.",
    )


def test_undetected_lists_the_alerts_the_engine_ranks_for_it(kb_dir, tmp_path):
    """The plumbing from the engine's answers to coverage's likely_alerts, on the fake encoder (which matches
    shared words: the alert's summary says "TLS certificate"). By meaning: the test below, on the real model."""
    tls_pattern(kb_dir)
    alerts, _ = read_rules(rules(tmp_path))
    engine = Engine.open(kb_dir, tmp_path / "idx", "fake:64", quiet=True)
    proposals = propose_alerts(engine, alerts, ["tls-certificate-expired"])
    c = coverage(load_kb(kb_dir), alerts, proposals=proposals)
    u = next(x for x in c.undetected if x["pattern"] == "tls-certificate-expired")
    assert [x["alert"] for x in u["likely_alerts"]][:1] == ["BlackboxSslCertificateWillExpireSoon"]


# an alert that says what the TLS pattern says in none of its words (name, summary; nor a word of the runbook
# write_pattern adds): only a match by meaning proposes it
SSL_LAPSED = """groups:
  - name: web
    rules:
      - alert: SslCertOutdated
        annotations:
          summary: SSL cert on our website ran out; visitors see security warnings, HTTPS handshakes fail
      - alert: NodeDiskFull
        annotations: {summary: Node disk almost full}
      - alert: PostgresqlDown
        annotations: {summary: Postgres is down}
"""


@pytest.mark.model
def test_undetected_proposes_alerts_by_meaning(kb_dir, tmp_path, real_encoder):
    """The test above matched on shared words (the fake encoder). Here the real model, and an alert sharing no
    word with the pattern's file: it is proposed for the pattern, the other alerts are not."""
    from recur.ingest.coverage import alert_text

    pattern = tls_pattern(kb_dir)
    write(tmp_path / "web", "rules.yml", SSL_LAPSED)
    alerts, _ = read_rules(tmp_path / "web")
    lapsed = next(a for a in alerts if a.name == "SslCertOutdated")

    def words(text):
        return set(re.findall(r"[a-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text).lower()))

    assert not words(alert_text(lapsed)) & words(pattern.read_text())  # no word in common: meaning alone
    build(load_kb(kb_dir), tmp_path / "idx", real_encoder, progress=False)
    engine = Engine(kb_dir, tmp_path / "idx", "default")
    proposals = propose_alerts(engine, alerts, ["tls-certificate-expired"])
    assert [x["alert"] for x in proposals.get("tls-certificate-expired", [])] == ["SslCertOutdated"], proposals
    c = coverage(load_kb(kb_dir), alerts, proposals=proposals)
    u = next(x for x in c.undetected if x["pattern"] == "tls-certificate-expired")
    assert [x["alert"] for x in u["likely_alerts"]] == ["SslCertOutdated"]


def test_cli_never_aborts_and_warns_once_per_file(kb_dir, tmp_path):
    root = rules(tmp_path)
    fake_model = ["--index", str(tmp_path / "i"), "--model", "fake:64"]
    r = coverage_cli(kb_dir, root, *fake_model, "--site-url", "https://recur.example/patterns", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output[r.output.index("{") :])
    assert out["counts"]["external_runbook_urls"] == 1 and out["counts"]["bad_runbook_urls"] == 1
    assert r.output.count("warning:") == 2 and "Traceback" not in r.output
    text = coverage_cli(kb_dir, root, "--no-propose", "--site-url", "https://recur.example/patterns").output
    assert "list.yaml" in text and "  postgres: PostgresqlTooManyConnections, PostgresqlDown" in text
    assert "runbooks.upstream.example: 1 alert," in text


# Prometheus's own annotation templating ({{ $labels.x }}, {{ $value }}, {{ .Labels.x }}) is in
# nearly every real rule file: it is not a Helm template, and the file's alerts are read.
TEMPLATED = """groups:
  - name: node
    rules:
      - alert: NodeFilesystemAlmostOutOfSpace
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
        annotations:
          summary: 'Filesystem on {{ $labels.instance }} has {{ printf "%.1f" $value }}% left'
          description: |
            {{ $labels.mountpoint }} at {{ .Labels.instance }}: {{ $value | humanizePercentage }} free.
            {{ if gt $value 1.0 }}Slowly{{ else }}Quickly{{ end }} filling.
          runbook_url: https://recur.example/patterns/capacity/disk-full/
      - alert: HostDown
        expr: up == 0
        annotations: {summary: "{{- $labels.job }}/{{ .Labels.instance -}} is down ({{ .Value }})"}
"""
HELM_QUOTED = """groups:
  - name: "{{ .Release.Name }}-node"
    rules:
      - alert: "{{ .Values.alertName }}"
        expr: up == 0
        annotations:
          summary: "{{`{{ $labels.instance }}`}} down"
"""


def test_prometheus_annotation_templates_are_not_taken_for_helm(tmp_path):
    write(tmp_path, "rules/node.yml", TEMPLATED)
    write(tmp_path, "rules/chart/templates/quoted.yaml", HELM_QUOTED)
    alerts, notes = read_rules(tmp_path / "rules")
    assert sorted(a.name for a in alerts) == ["HostDown", "NodeFilesystemAlmostOutOfSpace"], notes
    assert notes == [
        f"{tmp_path / 'rules/chart/templates/quoted.yaml'}:2: skipped: a Helm template (render it first: helm template ...)"
    ]
    disk = next(a for a in alerts if a.name == "NodeFilesystemAlmostOutOfSpace")
    assert disk.runbook_url == "https://recur.example/patterns/capacity/disk-full/" and disk.line == 4


def test_a_bare_equals_sign_is_a_string_as_prometheus_reads_it(tmp_path):
    # valid YAML that Prometheus loads; PyYAML's "=" value tag made the whole file "not YAML this tool
    # can read", and every alert in it was left out
    write(
        tmp_path,
        "eq.yml",
        "groups:\n  - name: odd\n    rules:\n      - alert: Weird\n        expr: up == 0\n"
        "        annotations:\n          summary: =\n      - alert: Other\n        expr: =\n",
    )
    alerts, notes = read_rules(tmp_path / "eq.yml")
    assert notes == [] and [(a.name, a.summary, a.line) for a in alerts] == [("Weird", "=", 4), ("Other", "", 8)]


def test_rule_groups_written_as_json_in_a_folder_are_read_and_dashboards_beside_them_are_not(tmp_path):
    # Grafana provisions (and exports) alert rules as JSON too, and `kubectl get prometheusrules -o json`
    # writes JSON: in a --rules folder they were never looked at, with no warning
    grafana = {
        "apiVersion": 1,
        "groups": [
            {
                "orgId": 1,
                "name": "disk",
                "folder": "Infra",
                "interval": "1m",
                "rules": [
                    {
                        "uid": "x1",
                        "title": "Disk almost full",
                        "condition": "B",
                        "data": [],
                        "annotations": {"summary": "Disk above 90%"},
                    }
                ],
            }
        ],
    }
    crd_list = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "PrometheusRule",
                "metadata": {"name": "pg"},
                "spec": {"groups": [{"name": "pg", "rules": [{"alert": "PostgresqlDown", "expr": "pg_up == 0"}]}]},
            }
        ],
    }
    write(tmp_path, "rules/grafana/alerting.json", json.dumps(grafana, indent=1))
    write(tmp_path, "rules/k8s/prometheusrules.json", json.dumps(crd_list))
    write(tmp_path, "rules/dashboards/node.json", json.dumps({"title": "Node", "panels": [{"type": "graph"}]}))
    alerts, notes = read_rules(tmp_path / "rules")
    assert sorted((a.name, a.source) for a in alerts) == [
        ("Disk almost full", "grafana"),
        ("PostgresqlDown", "prometheus"),
    ]
    assert notes == []  # the dashboard is not a rule file: no "no alerting rules" warning for it


def test_a_runbook_url_under_the_site_must_be_the_page_the_site_writes(kb_dir):
    """Found in review: any URL under --site-url whose last segment was a pattern id counted as its
    page, so a link to the wrong category (a pattern moved) or to a directory URL, 404s on the
    site, counted as detection and was not reported."""
    from recur.ingest.coverage import Alert

    urls = {
        "Right": "https://kb.example/recur/patterns/capacity/disk-full.html#runbook",
        "OtherCategory": "https://kb.example/recur/patterns/network/disk-full.html",
        "DirectoryUrl": "https://kb.example/recur/patterns/capacity/disk-full/",
    }
    alerts = [Alert(name, "rules.yml", n + 1, runbook_url=url) for n, (name, url) in enumerate(urls.items())]
    c = coverage(load_kb(kb_dir), alerts, site_url="https://kb.example/recur/")
    assert c.detected["disk-full"] == ["Right"]
    bad = {b["alert"]: b["reason"] for b in c.bad_runbook_urls}
    assert set(bad) == {"OtherCategory", "DirectoryUrl"}
    assert bad["OtherCategory"] == "is not the page of disk-full, which is .../patterns/capacity/disk-full.html"


def test_a_runbook_url_to_a_moved_patterns_old_page_is_reported_without_site_url(kb_dir):
    """Without --site-url the category was not looked at: an alert linking disk-full's page under the folder it
    was moved out of (a 404 since the move) was counted as linking it. Its file on GitHub, likewise; a URL naming the
    id elsewhere (another wiki's runbook) is still the pattern's, and the webhook still reads each as it did."""
    from recur.ingest.coverage import Alert, runbook_link

    urls = {
        "Right": "https://kb.example/patterns/capacity/disk-full.html",
        "OldPage": "https://kb.example/patterns/storage/disk-full.html#runbook",
        "OldFile": "https://github.com/acme/kb/blob/main/kb/patterns/storage/disk-full.md",
        "Elsewhere": "https://wiki.example/runbooks/disk-full",
    }
    alerts = [Alert(name, "rules.yml", n + 1, runbook_url=url) for n, (name, url) in enumerate(urls.items())]
    kb = load_kb(kb_dir)
    c = coverage(kb, alerts)
    assert sorted(c.detected["disk-full"]) == ["Elsewhere", "Right"]
    said = "is not the page of disk-full, which is .../patterns/capacity/disk-full.html (moved)"
    assert {b["alert"]: b["reason"] for b in c.bad_runbook_urls} == {"OldPage": said, "OldFile": said}
    assert runbook_link(urls["OldPage"], {p: q.relpath for p, q in kb.patterns.items()}, None) == ("disk-full", None)


def test_a_runbook_url_naming_the_id_before_its_last_part_is_not_taken_for_a_moved_page(kb_dir):
    """Found re-reading the move check: another wiki's runbook under a folder named for the pattern
    (``/patterns/disk-full/runbook``) was said to be disk-full's page before a move, "(moved)", and no longer counted
    as linking it; only a URL ending in the id is a page of ours (a trailing slash, as a folder URL, included)."""
    from recur.ingest.coverage import Alert

    urls = {
        "Wiki": "https://wiki.example/patterns/disk-full/runbook",
        "Folder": "https://kb.example/patterns/storage/disk-full/",
    }
    alerts = [Alert(name, "rules.yml", n + 1, runbook_url=url) for n, (name, url) in enumerate(urls.items())]
    c = coverage(load_kb(kb_dir), alerts)
    assert c.detected["disk-full"] == ["Wiki"]
    assert [b["alert"] for b in c.bad_runbook_urls] == ["Folder"]


def test_an_alert_named_by_a_plain_word_is_not_detection_when_the_word_is_in_prose(kb_dir):
    """Found in review: the match was any whole word of a pattern's text, so kube-prometheus's
    always-firing `Watchdog` "detected" a pattern whose symptom said "watchdog reset"."""
    from recur.ingest.coverage import Alert

    write_pattern(kb_dir, "hw-reset", "hardware", symptoms=("BMC log says watchdog reset",))
    write_pattern(
        kb_dir, "hw-hang", "hardware", summary="The `Watchdog` alert stops; NodeClockSkewDetected fires first."
    )
    alerts = [Alert(n, "rules.yml", k + 1) for k, n in enumerate(["Watchdog", "NodeClockSkewDetected"])]
    c = coverage(load_kb(kb_dir), alerts)
    assert "hw-reset" not in c.detected
    assert c.detected["hw-hang"] == ["NodeClockSkewDetected", "Watchdog"]


def test_rules_and_groups_that_are_not_mappings_are_warned_of_without_internal_keys(tmp_path):
    """Found in review: a rule or group written as a plain string was skipped without a word, and a
    warning showed the reader's own line key ({'a': 'b', '__line__': 8})."""
    root = tmp_path / "rules"
    write(
        root,
        "r.yml",
        'groups:\n  - name: g\n    rules:\n      - alert: {a: {b: c}}\n        expr: x\n      - "str"\n      - alert: Good\n        expr: y\n  - "plain group"\n',
    )
    alerts, notes = read_rules(root)
    assert [a.name for a in alerts] == ["Good"]
    shown = "\n".join(notes)
    assert "r.yml:4: alert: not a name ({'a': {'b': 'c'}}); rule skipped" in shown and "__line__" not in shown
    assert "r.yml:2: rules: a rule is a mapping, not 'str' (rule skipped)" in shown
    assert "rules: a group is a mapping, not 'plain group' (group skipped)" in shown


# LogQL's line_format and label_format take a Go template whose .name is a log label: a Loki rule
# file using them was skipped as "a Helm template", 0 alerts read (found in a user review).
LOKI_FORMATS = """groups:
  - name: ingress-logs
    rules:
      - alert: IngressHigh5xxByPath
        expr: |
          sum by (path) (
            count_over_time({app="ingress-nginx"} | json | status >= 500 | line_format "{{.method}} {{.path}}" [5m])
          ) > 50
        annotations:
          summary: "Many 5xx on {{ $labels.path }} ({{ $value | humanize }})"
      - alert: DiskFullFromLogs
        expr: count_over_time({job="syslog"} |= "No space left" | label_format host="{{ .hostname }}", unit=src [5m]) > 0
      - alert: SlowQueries
        expr: "count_over_time({app=\\"pg\\"} | logfmt | line_format `{{ if .err }}{{ .err | ToUpper }}{{ end }}` [5m]) > 3"
      - alert: Quoted
        expr: "count_over_time({app=\\"x\\"} | line_format \\"{{ .msg }}\\" [5m]) > 0"
"""
LOKI_CHART = """groups:
  - name: ingress-logs
    rules:
      - alert: IngressLogs
        expr: count_over_time({app="x"} | line_format "{{ .Values.logFormat }}" [5m]) > 0
"""


def test_loki_format_templates_are_not_taken_for_helm(tmp_path):
    write(tmp_path, "rules/loki.yaml", LOKI_FORMATS)
    write(tmp_path, "rules/chart/templates/loki.yaml", LOKI_CHART)
    alerts, notes = read_rules(tmp_path / "rules")
    assert [a.name for a in alerts] == ["IngressHigh5xxByPath", "DiskFullFromLogs", "SlowQueries", "Quoted"], notes
    assert alerts[0].summary == "Many 5xx on {{ $labels.path }} ({{ $value | humanize }})"
    # Helm's own objects inside such a string are still Helm's: the chart is skipped, as before
    assert notes == [
        f"{tmp_path / 'rules/chart/templates/loki.yaml'}:5: skipped: a Helm template (render it first: helm template ...)"
    ]


def test_a_configmap_mounted_as_a_folder_is_read_once(kb_dir, tmp_path):
    """Found in a user review: a Kubernetes ConfigMap mounted as a folder holds each key twice (the key
    a link into ..data, ..data a link to a timestamped folder holding the file): every alert was
    counted twice, "4 alert rule(s) (2 names)". Its .. entries are skipped and each file read once,
    by what it resolves to, under the key's name."""
    mount = tmp_path / "rules"
    write(mount / "..2026_03_01_10_00_00.123", "slo.yml", RULES_TWO)
    (mount / "..data").symlink_to("..2026_03_01_10_00_00.123")
    (mount / "slo.yml").symlink_to("..data/slo.yml")
    (mount / "again.yml").symlink_to("slo.yml")  # two names for one file: one file
    alerts, notes = read_rules(mount)
    assert notes == [] and [(a.name, a.file) for a in alerts] == [
        ("CheckoutErrorBudgetBurn", str(mount / "again.yml")),
        ("EtcdNoLeader", str(mount / "again.yml")),
    ]
    r = coverage_cli(kb_dir, mount, "--no-propose")
    assert r.exit_code == 0 and r.output.startswith("2 alert rules (2 names)"), r.output


RULES_TWO = """groups:
- name: slo
  rules:
  - alert: CheckoutErrorBudgetBurn
    expr: sum(rate(http_requests_total{code=~"5.."}[1h])) > 0.0144
  - alert: EtcdNoLeader
    expr: etcd_server_has_leader == 0
"""
