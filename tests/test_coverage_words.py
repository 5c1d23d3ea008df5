"""`recur coverage`: what counts as a pattern naming an alert, and what the report says of it."""

from kbfactory import write, write_pattern

from recur.ingest.coverage import coverage, read_rules
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
