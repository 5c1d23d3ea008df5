"""kubectl's output pasted: `kubectl get pods` is searched by its pods not running and ready (recur.retrieval.query.
_pod_table), an event of `kubectl get event -o json` by its reason and message (alert_sources._kubernetes_events).

Found in a responder's review: a table of 6 pods, 2 in CrashLoopBackOff, answered bad-deploy-crashloop at p 0.50
(medium): its header, its 4 healthy rows and the restarts and ages outweighed the 2 that said what failed. A
liveness probe's event as JSON answered "no known pattern": its uids, resource versions and timestamps were searched."""

from __future__ import annotations

import json

import pytest
from query_js import NODE, run_query_js

from recur.retrieval.query import prepare

# a Deployment's pods (their hashes of the letters Kubernetes writes them in), a StatefulSet's, a Job's
PODS = """\
NAME                                READY   STATUS             RESTARTS        AGE
payments-api-84c7f5d9b-t7w2r        0/1     CrashLoopBackOff   6 (52s ago)     7m12s
payments-api-84c7f5d9b-x9k4m        0/1     CrashLoopBackOff   6 (48s ago)     7m12s
payments-api-6d5c4b8f2-q8w7z        1/1     Running            0               3d4h
payments-api-6d5c4b8f2-z2x2c        1/1     Running            0               3d4h
payments-worker-5b6c7d8f9-r4t5v     1/1     Running            0               3d4h
redis-0                             1/1     Running            0               12d
"""
# all namespaces, a pod running but not ready, a job's completed pod, a tab between its cells, words before it
ALL_NAMESPACES = """\
$ kubectl get pods -A
NAMESPACE   NAME                               READY   STATUS      RESTARTS      AGE
search      search-indexer-7c8d9f2b4-k2j4h     0/1     OOMKilled   4 (20s ago)   41m
search      search-api-5f6b7c8d9-g5h6n         1/2     Running     0             2d
search      reindex-29113920-bx7kq             0/1     Completed   0             3h
kube-system\tcoredns-5d78c9869d-wxz2p\t1/1\tRunning\t0\t40d
"""
HEALTHY = "NAME      READY   STATUS    RESTARTS   AGE\nweb-0     1/1     Running   0          2d\nweb-1     1/1     Running   0          2d\n"
# not a pod table: a row of fewer cells than its header, another table (kubectl get nodes), a header alone
NOT_TABLES = [
    PODS + "and then it recovered\n",
    "NAME      STATUS     ROLES    AGE   VERSION\nnode-1    NotReady   <none>   40d   v1.30.2\n",
    "NAME   READY   STATUS   RESTARTS   AGE\n",
    HEALTHY,
]


LIVENESS = 'Liveness probe failed: Get "http://10.0.12.141:8080/healthz": context deadline exceeded'
EVENT = {
    "kind": "Event",
    "apiVersion": "v1",
    "metadata": {
        "name": "ledger-5b6c7d8f9-r4t5v.17e9f0a1b2c3d4e5",
        "namespace": "ledger",
        "resourceVersion": "88123412",
    },
    "involvedObject": {"kind": "Pod", "name": "ledger-5b6c7d8f9-r4t5v", "uid": "9f8e7d6c-5b4a-3c2d-1e0f-a9b8c7d6e5f4"},
    "reason": "Unhealthy",
    "message": LIVENESS,
    "source": {"component": "kubelet", "host": "ip-10-0-12-88.eu-west-1.compute.internal"},
    "firstTimestamp": "2026-12-07T09:51:10Z",
    "lastTimestamp": "2026-12-07T10:02:11Z",
    "count": 14,
    "type": "Warning",
}
PULLED = {
    "kind": "Event",
    "reason": "Pulled",
    "message": "Container image already present on machine",
    "type": "Normal",
}
BACKOFF = {**EVENT, "reason": "BackOff", "message": "Back-off restarting failed container ledger in pod ledger"}
EVENTS = [
    json.dumps(EVENT, indent=4),
    json.dumps({"apiVersion": "v1", "kind": "List", "items": [PULLED, EVENT, BACKOFF, EVENT]}, indent=4),
    json.dumps(PULLED),
    json.dumps({"kind": "EventList", "items": [PULLED]}),
    # no event list: a pod among the items, an event with neither reason nor message
    json.dumps({"kind": "List", "items": [EVENT, {"kind": "Pod", "metadata": {"name": "x"}}]}),
    json.dumps({"kind": "Event", "type": "Warning", "count": 3}),
]


def test_a_pasted_kubernetes_event_is_searched_by_its_reason_and_message():
    said = [(p.text, p.note) for p in map(prepare, EVENTS)]
    assert said[:4] == [
        (f"Unhealthy: {LIVENESS}", "a pasted Kubernetes event: searched event 'Unhealthy' by its reason and message"),
        (
            f"Unhealthy: {LIVENESS}. BackOff: {BACKOFF['message']}",
            "a pasted Kubernetes event list: searched event 'Unhealthy' by its Warning events' reasons and messages",
        ),
        (
            "Pulled: Container image already present on machine",
            "a pasted Kubernetes event: searched event 'Pulled', not a warning (type Normal) by its reason and message",
        ),
        (
            "Pulled: Container image already present on machine",
            "a pasted Kubernetes event list: searched event 'Pulled', none of them a warning by its events' reasons and "
            "messages",
        ),
    ]
    assert said[4:] == [(text, None) for text in EVENTS[4:]]  # searched as they are


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_pages_query_reads_a_kubernetes_event_as_query_py(tmp_path):
    body = "return input.map((t) => { const p = q.prepare(t); return [p.text, p.alert, p.alerts, q.note(p)]; });"
    js = run_query_js(tmp_path, body, EVENTS)
    for text, j in zip(EVENTS, js):
        p = prepare(text)
        assert j == [p.text, p.alert, p.alerts, p.note or ""], text
    assert [j[2] for j in js] == [1, 1, 1, 1, 0, 0]  # read as events, but the last two


def test_a_pod_table_is_searched_by_its_pods_not_running_and_ready():
    p = prepare(PODS)
    assert p.text == "payments-api 0/1 CrashLoopBackOff"  # the two rows, each once, by name, readiness and status
    assert (p.log_lines, p.log_kept, p.log_level) == (6, 2, "pods")
    assert p.note == (
        "searched the 2 pods not running and ready of a 6-pod kubectl get pods table (name, readiness and status), "
        "not its column header and the 4 other rows"
    )
    p = prepare(ALL_NAMESPACES)
    assert p.text == "$ kubectl get pods -A\nsearch-indexer 0/1 OOMKilled\nsearch-api 1/2 Running"
    assert p.note.endswith("not its column header and the 2 other rows, and the 1 line before it")


def test_a_table_that_is_no_pod_table_or_says_nothing_failed_is_searched_as_it_is():
    for text in NOT_TABLES:
        p = prepare(text)
        assert p.log_level != "pods" and p.text == text, text


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_pages_query_reads_a_pod_table_as_query_py(tmp_path):
    """assets/recur-query.js (the site's box) reads a pasted pod table as recur.retrieval.query does, in LF and CRLF."""
    texts = [PODS, ALL_NAMESPACES, *NOT_TABLES]
    texts += [t.replace("\n", "\r\n") for t in texts]
    body = "return input.map((t) => { const p = q.prepare(t); return [p.text, p.log_lines, p.log_kept, p.log_level, q.note(p)]; });"
    js = run_query_js(tmp_path, body, texts)
    for text, j in zip(texts, js):
        p = prepare(text)
        assert j == [p.text, p.log_lines, p.log_kept, p.log_level, p.note or ""], text
    assert sum(j[3] == "pods" for j in js) == 4


@pytest.mark.model
def test_a_pasted_pod_table_finds_the_crash_loop_surely(real_engine):
    """Whole, the table answered bad-deploy-crashloop at p 0.50, medium; by its 2 crash-looping pods, high."""
    answer = real_engine.answer(PODS, top=3)
    assert answer.results[0]["id"] == "bad-deploy-crashloop" and answer.results[0]["confidence"] == "high"
    answer = real_engine.answer(ALL_NAMESPACES, top=3)
    assert answer.results[0]["id"] == "memory-leak-oom-kill" and answer.no_known_pattern is False


@pytest.mark.model
def test_a_pasted_kubernetes_event_finds_what_its_message_says(real_engine):
    """Whole, the liveness probe's event was "no known pattern"; by its reason and message, the pattern that lists
    that line first."""
    answer = real_engine.answer(EVENTS[0], top=3)
    assert answer.results[0]["id"] == "cpu-throttling-container-limits" and answer.no_known_pattern is False


def test_recur_suggest_quotes_the_pods_it_searched(run, tmp_path):
    """Its two crash-looping replicas are one line searched: quoted as it, not as "the first of them" (two were not)."""
    res = run("suggest", "--json", "-", input=PODS)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["query"] == "payments-api 0/1 CrashLoopBackOff"
    assert 'recur: the pods searched: "payments-api 0/1 CrashLoopBackOff"' in res.stderr
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"query": PODS}) + "\n")
    res = run("suggest", "--queries", str(batch))
    assert json.loads(res.stdout)["query_note"].startswith("searched the 2 pods") and "is a log" not in res.stderr
