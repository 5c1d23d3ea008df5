"""`recur coverage`: what counts as a pattern naming an alert, and what the report says of it."""

import json

from coverage_helpers import coverage_cli
from kbfactory import write, write_pattern

from recur.ingest.coverage import DETECTED_SHOWN, coverage, read_rules
from recur.kb.loader import load_kb

# Grafana alert titles of a small team: one word each
TITLES = ["Memory", "Disk", "503", "p99", "Replication", "Redis", "KubePodCrashLooping", "etc_2"]
GRAFANA = "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: small\n    folder: Alerts\n    rules:\n" + "".join(
    f"      - {{uid: u{n}, title: '{t}', condition: A, data: []}}\n" for n, t in enumerate(TITLES)
)


def _detected(tmp_path, **patterns):
    kb = tmp_path / "kb"
    for pid, fields in patterns.items():
        write_pattern(kb, pid, **fields)
    rules = write(tmp_path / "rules", "grafana.yaml", GRAFANA)
    alerts, notes = read_rules(rules)
    assert len(alerts) == len(TITLES) and notes == []
    return coverage(load_kb(kb), alerts).detected


def test_a_one_word_title_is_no_mention_of_every_pattern_with_the_word(tmp_path):
    detected = _detected(
        tmp_path,
        **{
            "lb-503": {"signals": ("HTTP 503 from the load balancer", "Memory pressure on the node")},
            "pool": {"signals": ("FATAL: must be superuser or non-replication superuser to connect",)},
            "lag": {"signals": ("p99 latency above 2 s", "disk queue deep")},
            "stampede": {"runbook": ("Find the hot keys: `redis-cli --hotkeys`.",)},
        },
    )
    assert detected == {}


def test_a_one_word_title_counts_where_a_signal_names_it_as_an_alert(tmp_path):
    detected = _detected(
        tmp_path,
        **{
            "oom": {"signals": ('ALERTS{alertname="Memory"}',)},
            "disk": {"signals": ("alert: Disk",)},
            "errors": {"signals": ("503",)},  # the whole signal is the name
            "latency": {"signals": ("the `p99` alert fires",)},
            "repl": {"runbook": ("Grafana's `Replication` alert is the first sign.",)},
            "crash": {"signals": ("KubePodCrashLooping fires for the consumer",)},
            "etc": {"signals": ("etc_2 rises",)},
        },
    )
    assert detected == {
        "crash": ["KubePodCrashLooping"],
        "disk": ["Disk"],
        "errors": ["503"],
        "etc": ["etc_2"],
        "latency": ["p99"],
        "oom": ["Memory"],
        "repl": ["Replication"],
    }


RULES = """groups:
  - name: node
    rules:
      - alert: DiskAlmostFull
        expr: x < 0.05
        annotations: {runbook_url: "https://recur.example/patterns/capacity/disk-full.html"}
      - alert: KubePodCrashLooping
        expr: y > 0
        annotations: {runbook_url: "https://recur.example/patterns/capacity/crash.html"}
"""


def test_the_text_report_says_which_alert_covers_which_pattern_and_how(tmp_path):
    kb = tmp_path / "kb"
    write_pattern(kb, "disk-full", signals=("No space left on device",))
    write_pattern(kb, "crash", signals=("KubePodCrashLooping",))
    write_pattern(kb, "quiet", signals=("nothing alerts on this",))
    write(tmp_path / "rules", "node.yml", RULES)
    r = coverage_cli(kb, tmp_path / "rules", "--no-propose")
    assert r.exit_code == 0, r.output
    section = r.output.split("Patterns with an alert")[1].split("\n\n")[0].splitlines()
    assert section[1:] == [
        "  crash: KubePodCrashLooping (named by the pattern and its runbook_url links the pattern)",
        "  disk-full: DiskAlmostFull (its runbook_url links the pattern)",
    ]
    data = json.loads(coverage_cli(kb, tmp_path / "rules", "--no-propose", "--json").output)
    assert data["detected_by"] == {
        "crash": [{"alert": "KubePodCrashLooping", "by": ["mention", "runbook_url"]}],
        "disk-full": [{"alert": "DiskAlmostFull", "by": ["runbook_url"]}],
    }


def test_the_patterns_with_an_alert_are_capped_in_the_text(tmp_path):
    kb = tmp_path / "kb"
    for n in range(DETECTED_SHOWN + 2):
        write_pattern(kb, f"p{n:03d}", signals=("KubePodCrashLooping",))
    write(tmp_path / "rules", "node.yml", RULES)
    out = coverage_cli(kb, tmp_path / "rules", "--no-propose").output
    section = out.split("Patterns with an alert")[1].split("\n\n")[0].splitlines()
    assert len(section) == 1 + DETECTED_SHOWN + 1
    assert section[-1] == "  ... and 2 more patterns (--json: detected_by)"


LABELLED = """groups:
  - name: t
    rules:
      - alert: PostgresReplicationLag
        expr: pg_replication_lag_seconds > 30
        labels: {severity: warning, pattern: disk-full}
        annotations:
          runbook_url: "https://recur.example/patterns/capacity/{{ $labels.pattern }}.html"
      - alert: GoLabels
        expr: x > 1
        labels: {pattern: dsik-full}
        annotations:
          runbook_url: "https://recur.example/patterns/capacity/{{ .Labels.pattern }}.html"
      - alert: FromTheSeries
        expr: x > 1
        annotations:
          runbook_url: "https://recur.example/patterns/capacity/{{ $labels.instance }}.html"
"""


def test_a_runbook_url_templated_with_the_rules_own_labels_is_filled_in_checked_and_credited(tmp_path):
    kb = tmp_path / "kb"
    write_pattern(kb, "disk-full", signals=("No space left on device",))
    write(tmp_path / "rules", "t.yml", LABELLED)
    args = ("--no-propose", "--site-url", "https://recur.example/", "--strict")
    r = coverage_cli(kb, tmp_path / "rules", *args, "--json")
    data = json.loads(r.output[: r.output.rindex("}") + 1])
    assert data["detected"] == {"disk-full": ["PostgresReplicationLag"]}
    filled = "https://recur.example/patterns/capacity/dsik-full.html"
    assert [(b["alert"], b["rendered"], b["reason"]) for b in data["bad_runbook_urls"]] == [
        ("GoLabels", filled, "points at no pattern page (did you mean .../patterns/capacity/disk-full.html?)")
    ]
    # a label the rule does not set (the series' instance): templated, not checkable, never failing --strict
    assert [t["alert"] for t in data["templated_runbook_urls"]] == ["FromTheSeries"]
    assert r.exit_code == 1 and "0 missing alerts, 1 broken runbook_url" in r.output
    text = coverage_cli(kb, tmp_path / "rules", "--no-propose", "--site-url", "https://recur.example/").output
    assert (
        f"GoLabels: https://recur.example/patterns/capacity/{{{{ .Labels.pattern }}}}.html (with the rule's labels: {filled})"
        in text
    )


API = """{"status": "success", "data": {"groups": [{"name": "node", "file": "/etc/prometheus/node.yaml", "rules": [
{"state": "inactive", "name": "NodeClockNotSynchronising", "query": "min_over_time(x[5m]) == 0", "health": "ok",
 "type": "alerting"},
{"state": "inactive", "name": "NodeRAIDDegraded", "query": "a - ignoring (state) (b) > 0", "health": "err",
 "lastError": "many-to-many matching not allowed", "type": "alerting"}
]}]}}
"""


def test_a_rule_prometheus_reports_broken_is_said_and_not_counted(tmp_path):
    kb = tmp_path / "kb"
    write_pattern(kb, "clock", signals=("NodeClockNotSynchronising",))
    write_pattern(kb, "raid", signals=("NodeRAIDDegraded",))
    rules = write(tmp_path / "rules", "api-rules.json", API)
    alerts, notes = read_rules(tmp_path / "rules")
    assert notes == [
        f"{rules}:4: NodeRAIDDegraded: Prometheus reports the rule broken (health err: many-to-many matching not "
        "allowed): not counted as detecting a pattern"
    ]
    c = coverage(load_kb(kb), alerts)
    assert c.detected == {"clock": ["NodeClockNotSynchronising"]}
    assert [(u["pattern"], u.get("broken_alerts")) for u in c.undetected] == [
        ("raid", [{"alert": "NodeRAIDDegraded", "error": "many-to-many matching not allowed"}])
    ]
    assert c.unmentioned_alerts == []  # mentioned, only broken
    out = coverage_cli(kb, tmp_path / "rules", "--no-propose").output
    rows = out.split("Patterns with no detection")[1].split("\n\n")[0].splitlines()
    assert rows[1:] == [
        "  raid  (and no ## Detection section)",
        "      detected only by a broken rule: NodeRAIDDegraded (Prometheus: many-to-many matching not allowed)",
    ]


def test_rule_file_suffixes_compare_in_any_case_and_files_not_read_are_named(tmp_path):
    kb = tmp_path / "kb"
    write_pattern(kb, "crash", signals=("KubePodCrashLooping",))
    rules = tmp_path / "rules"
    write(rules, "K8S.YAML", RULES)
    write(rules, "alerts.tf", 'resource "grafana_rule_group" "x" {}\n')
    write(rules, "mixin/alerts.libsonnet", "{ prometheusAlerts+:: {} }\n")
    write(rules, "prod.rules.yml.j2", "groups: {{ groups }}\n")
    write(rules, "README.md", "# our rules\n")
    alerts, notes = read_rules(rules)
    assert [a.name for a in alerts] == ["DiskAlmostFull", "KubePodCrashLooping"]
    assert notes == [
        f"3 files not read: {rules}/alerts.tf (Terraform: export the rules as YAML), {rules}/mixin/alerts.libsonnet "
        f"(Jsonnet: render it to YAML first, with jsonnet -S or the mixin's make), {rules}/prod.rules.yml.j2 "
        "(a Jinja template: render it first)"
    ]
    (rules / "K8S.YAML").unlink()
    r = coverage_cli(kb, rules, "--no-propose")
    assert f"no alerting rules could be read from {rules} (no *.yml, *.yaml, *.rules or *.json file in it)" in r.output


def test_a_group_with_no_rules_is_no_warning(tmp_path):
    """Prometheus loads a group whose `rules:` is empty or left out (a chart rendering no rules writes it)."""
    f = write(
        tmp_path / "rules",
        "e.yaml",
        "groups:\n- name: rendered-empty\n  rules:\n- name: none\n- name: real\n  rules:\n  - alert: AppDown\n"
        "    expr: up == 0\n- name: odd\n  rules: AppDown\n",
    )
    alerts, notes = read_rules(f)
    assert [a.name for a in alerts] == ["AppDown"]
    assert notes == [f"{f}:9: rules: each group needs a list of rules (group skipped)"]  # a string is still wrong


def test_invalid_yaml_is_said_with_its_line_column_and_fix_and_the_documents_before_it_are_read(tmp_path):
    good = "groups:\n- name: a\n  rules:\n  - alert: AppDown\n    expr: up == 0\n"
    bad = (
        "groups:\n- name: b\n  rules:\n  - alert: QueueTooLong\n    expr: q > 10\n    annotations:\n"
        "      description: queue {{ $labels.queue }} has: too many messages\n"
    )
    f = write(tmp_path / "rules", "q.yaml", good + "---\n" + bad + "---\n" + good)
    alerts, notes = read_rules(f)
    assert [a.name for a in alerts] == ["AppDown"]
    assert notes == [
        f"{f}:13: skipped (this document, from line 6, and the rest of the file; 1 document before it read): "
        "invalid YAML at line 13, column 49: YAML reads an unquoted ': ' as a key and its value: put the whole text "
        'in quotes, "queue {{ $labels.queue }} has: too many messages"'
    ]
    one = write(tmp_path / "one", "q.yaml", bad)
    assert read_rules(one) == ([], [f"{one}:7: skipped: invalid YAML at line 7, column 49: YAML reads an unquoted "
        "': ' as a key and its value: put the whole text in quotes, \"queue {{ $labels.queue }} has: too many messages\""])  # fmt: skip


def _plain_rules(tmp_path, *names):
    """A Prometheus rule file defining alerts ``names``, read."""
    rules = "groups:\n- name: g\n  rules:\n" + "".join(f"  - alert: {n}\n    expr: x > 1\n" for n in names)
    alerts, notes = read_rules(write(tmp_path / "rules", "a.yml", rules))
    assert notes == []
    return alerts


def test_an_acronym_led_name_is_an_identifier_and_an_acronyms_plural_is_a_word(tmp_path):
    """NTPDown, OOMKilled, DNSDown had no lower-case letter before a capital, so they read as words and counted
    only where a signal named them as an alert: clock-skew-ntp's "NTPDown alert firing on the node" lost it."""
    kb = tmp_path / "kb"
    write_pattern(kb, "clock", signals=("NTPDown alert firing on the node",))
    write_pattern(kb, "dns", signals=("coredns pods restarting or OOMKilled",), runbook=("When DNSDown fires, ...",))
    write_pattern(kb, "cpu", signals=("all CPUs busy", "no free IPs in the subnet"))
    alerts = _plain_rules(tmp_path, "NTPDown", "OOMKilled", "DNSDown", "CPUs", "IPs")
    assert coverage(load_kb(kb), alerts).detected == {"clock": ["NTPDown"], "dns": ["DNSDown", "OOMKilled"]}


def test_an_acronym_before_a_two_letter_word_is_an_identifier_too(tmp_path):
    """KVMUp, DBUp, SSLOk: an acronym before a capitalised word, as NTPDown, but the word has two letters, and the
    rule wanted two lower-case ones after the capitals (CPUs, a plural, has one): they read as words, counted only
    where a signal named them as an alert, and a runbook's "when KVMUp stops firing" went uncounted. IPDown and
    DBDown were identifiers already."""
    kb = tmp_path / "kb"
    write_pattern(kb, "kvm", signals=("guest VMs unreachable",), runbook=("When KVMUp stops firing, check libvirtd.",))
    write_pattern(kb, "db", signals=("DBUp flapping on the primary", "IPDown on eth0", "DBDown for 5m"))
    write_pattern(kb, "tls", symptoms=("SSLOk is red for the ingress",), signals=("all GPUs busy", "KVMs paused"))
    alerts = _plain_rules(tmp_path, "KVMUp", "DBUp", "IPDown", "DBDown", "SSLOk", "GPUs", "KVMs")
    assert coverage(load_kb(kb), alerts).detected == {
        "db": ["DBDown", "DBUp", "IPDown"],
        "kvm": ["KVMUp"],
        "tls": ["SSLOk"],
    }


# Grafana titles of several ordinary words, as small teams write them
PHRASES = ["Connection refused", "Out of memory", "Disk full", "High p99 latency", "KubePodCrashLooping on payments"]


def test_a_title_of_ordinary_words_counts_only_where_named_as_an_alert(tmp_path):
    """The rule for a one-word title stopped at one word: "Connection refused" and "Out of memory" detected every
    pattern whose signal is a log line with those words (dial tcp: connection refused, the kernel's OOM line)."""
    kb = tmp_path / "kb"
    write_pattern(kb, "db-down", signals=("dial tcp 10.0.0.5:5432: connect: connection refused",))
    write_pattern(kb, "oom", signals=("kernel: Out of memory: Killed process 4242 (java)",))
    write_pattern(kb, "disk", symptoms=("disk full on the host",), runbook=("Clear the disk full of logs.",))
    write_pattern(kb, "lat", signals=("high p99 latency on checkout",))
    alerts = _plain_rules(tmp_path, *PHRASES)
    assert coverage(load_kb(kb), alerts).detected == {}
    named = tmp_path / "named"
    write_pattern(named, "db-down", signals=("Connection refused",))  # the whole signal
    write_pattern(named, "oom", signals=('ALERTS{alertname="Out of memory"}',))
    write_pattern(named, "disk", runbook=("Grafana's `Disk full` alert fires first.",))
    write_pattern(named, "crash", signals=("KubePodCrashLooping on payments for the consumer",))  # an identifier in it
    assert coverage(load_kb(named), alerts).detected == {
        "crash": ["KubePodCrashLooping on payments"],
        "db-down": ["Connection refused"],
        "disk": ["Disk full"],
        "oom": ["Out of memory"],
    }


TWO_OF_A_NAME = """groups:
- name: g
  rules:
  - alert: DatabaseTrouble
    expr: pg_replication_lag > 30
    labels: {pattern: lag}
    annotations: {runbook_url: "https://recur.example/patterns/capacity/{{ $labels.pattern }}.html"}
  - alert: DatabaseTrouble
    expr: pg_connections > 90
    labels: {pattern: pool}
    annotations: {runbook_url: "https://recur.example/patterns/capacity/{{ $labels.pattern }}.html"}
"""


def test_rules_of_one_name_and_templated_url_each_link_the_page_their_labels_fill_in(tmp_path):
    """Runbook URLs were told apart before the rule's labels filled them in: the second DatabaseTrouble, with
    another pattern label and so another page, was taken for the first and dropped."""
    kb = tmp_path / "kb"
    write_pattern(kb, "lag", signals=("replica lag above 30 s",))
    write_pattern(kb, "pool", signals=("too many clients",))
    write(tmp_path / "rules", "a.yml", TWO_OF_A_NAME)
    r = coverage_cli(kb, tmp_path / "rules", "--no-propose", "--site-url", "https://recur.example/", "--json")
    assert json.loads(r.output)["detected"] == {"lag": ["DatabaseTrouble"], "pool": ["DatabaseTrouble"]}


def test_a_quote_left_open_before_the_next_document_is_said_at_its_own_line(tmp_path):
    """PyYAML stops at the next document's "---", a line below the quote: the hint was dropped for the line
    differing, and the warning said "found unexpected document separator" at the "---"."""
    good = "groups:\n- name: a\n  rules:\n  - alert: AppDown\n    expr: up == 0\n"
    bad = 'groups:\n- name: b\n  rules:\n  - alert: DiskFull\n    expr: x > 1\n    annotations:\n      summary: "unterminated\n'
    f = write(tmp_path / "rules", "q.yaml", good + "---\n" + bad + "---\n" + good)
    alerts, notes = read_rules(f)
    assert [a.name for a in alerts] == ["AppDown"]
    assert notes == [
        f"{f}:13: skipped (this document, from line 6, and the rest of the file; 1 document before it read): "
        "invalid YAML at line 13, column 16: this quoted value is not closed on its line, so YAML read on to line 14 "
        "(found unexpected document separator); close the quote"
    ]


def test_one_file_of_rules_in_a_form_not_read_says_what_to_do_as_in_a_folder(tmp_path):
    """`--rules alerts.tf` said "no alerting rules (...) found", where the folder holding it says Terraform."""
    tf = write(tmp_path / "rules", "alerts.tf", 'resource "grafana_rule_group" "db" {\n  name = "db"\n}\n')
    assert read_rules(tf) == ([], [f"1 file not read: {tf} (Terraform: export the rules as YAML)"])
    assert read_rules(tmp_path / "rules") == read_rules(tf)
