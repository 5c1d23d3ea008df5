"""`recur coverage`: heartbeat alerts and templated runbook_urls, as a reviewer's kube-prometheus rules have them.

Found in review: kube-prometheus's Watchdog and InfoInhibitor (severity none), which fire all the time to show
that alerting works, were listed under "Alerts that no pattern mentions" and counted there, though no pattern is
expected to mention them (the webhook already knew them: retrieval.alerts.heartbeat); and a runbook_url templated
whole, ``{{ $externalURL }}/patterns/data/{{ $labels.pattern }}.html``, was listed as external, host "(no host)"."""

from __future__ import annotations

import json

from coverage_helpers import coverage_cli
from kbfactory import write

from recur.ingest.coverage import coverage, read_rules
from recur.kb.loader import load_kb

KUBE_PROMETHEUS = """groups:
  - name: general.rules
    rules:
      - alert: Watchdog
        annotations:
          description: This is an alert meant to ensure that the entire alerting pipeline is functional.
          summary: An alert that should always be firing to certify that Alertmanager is working properly.
        expr: vector(1)
        labels:
          severity: none
      - alert: InfoInhibitor
        expr: ALERTS{severity = "info"} == 1 unless on (namespace) ALERTS{alertstate="firing"} == 1
        labels:
          severity: none
      - alert: SelfMonitorPing
        expr: vector(1)
        labels:
          severity: "None"
      - alert: OrphanAlert
        expr: y > 0
        labels:
          severity: warning
  - name: kafka
    rules:
      - alert: KafkaConsumerLagHigh
        expr: sum by (consumergroup) (kafka_consumergroup_lag) > 1000000
        annotations:
          runbook_url: '{{ $externalURL }}/patterns/data/{{ $labels.pattern }}.html'
      - alert: KafkaRelative
        expr: vector(1)
        annotations:
          runbook_url: 'patterns/data/{{ $labels.pattern }}.html'
      - alert: KafkaWiki
        expr: vector(1)
        annotations:
          runbook_url: 'https://wiki.example/kafka/{{ $labels.topic }}'
"""


def test_heartbeats_are_listed_apart_and_not_counted_as_unmentioned(kb_dir, tmp_path):
    f = write(tmp_path / "rules", "kube.yml", KUBE_PROMETHEUS)
    c = coverage(load_kb(kb_dir), read_rules(f)[0])
    unmentioned = [r["alert"] for r in c.unmentioned_alerts]
    assert "OrphanAlert" in unmentioned and not {"Watchdog", "InfoInhibitor", "SelfMonitorPing"} & set(unmentioned)
    assert [(r["alert"], r["line"], r["group"]) for r in c.heartbeat_alerts] == [
        ("Watchdog", 4, "general.rules"),
        ("InfoInhibitor", 11, "general.rules"),
        ("SelfMonitorPing", 15, "general.rules"),  # severity none, in any case: the webhook's rule
    ]
    assert c.counts["unmentioned_alerts"] == len(unmentioned) and c.counts["heartbeat_alerts"] == 3

    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose")
    assert r.exit_code == 0, r.output
    unmentioned_block = r.output.split("Alerts that no pattern mentions")[1].split("\n\n")[0]
    assert "OrphanAlert" in unmentioned_block and "Watchdog" not in unmentioned_block
    assert (
        "Heartbeat alerts, not expected to have a pattern (always firing, to show alerting works): "
        "Watchdog, InfoInhibitor, SelfMonitorPing\n" in r.output
    )
    out = json.loads(coverage_cli(kb_dir, tmp_path / "rules", "--no-propose", "--json").output)
    assert [x["alert"] for x in out["heartbeat_alerts"]] == ["Watchdog", "InfoInhibitor", "SelfMonitorPing"]


def test_a_heartbeat_a_pattern_mentions_is_detection_not_a_heartbeat_row(kb_dir, tmp_path):
    """A pattern about the alerting pipeline itself may name Watchdog: then it is mentioned, as any alert is."""
    f = write(tmp_path / "rules", "kube.yml", KUBE_PROMETHEUS)
    pattern = kb_dir / "patterns/capacity/disk-full.md"
    pattern.write_text(pattern.read_text().replace('  - "ENOSPC"\n', '  - "ENOSPC"\n  - \'alertname="Watchdog"\'\n'))
    c = coverage(load_kb(kb_dir), read_rules(f)[0])
    assert c.detected["disk-full"][-1] == "Watchdog", c.detected
    assert [r["alert"] for r in c.heartbeat_alerts] == ["InfoInhibitor", "SelfMonitorPing"]


def test_a_runbook_url_templated_where_its_host_is_is_listed_as_templated_not_external(kb_dir, tmp_path):
    f = write(tmp_path / "rules", "kube.yml", KUBE_PROMETHEUS)
    for site in (None, "https://recur.example/"):
        c = coverage(load_kb(kb_dir), read_rules(f)[0], site_url=site)
        assert [(t["alert"], t["url"], t["line"]) for t in c.templated_runbook_urls] == [
            ("KafkaConsumerLagHigh", "{{ $externalURL }}/patterns/data/{{ $labels.pattern }}.html", 28),
            ("KafkaRelative", "patterns/data/{{ $labels.pattern }}.html", 32),
        ]
        # a host that is not ours: external, templated or not
        assert [(e["alert"], e["host"]) for e in c.external_runbook_urls] == [("KafkaWiki", "wiki.example")]
        assert c.bad_runbook_urls == []
    r = coverage_cli(kb_dir, tmp_path / "rules", "--no-propose")
    assert "(no host)" not in r.output
    block = r.output.split("Templated runbook_urls")[1]
    assert block.startswith(
        " (filled in only when the alert fires, from values the rule does not set: "
        "which page they open is not checkable here) (2)\n"
    )
    assert f"{f}:28: KafkaConsumerLagHigh: {{{{ $externalURL }}}}/patterns/data/{{{{ $labels.pattern }}}}.html" in block
