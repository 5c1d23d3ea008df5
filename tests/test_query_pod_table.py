"""`kubectl get pods` pasted is searched by its pods not running and ready (recur.retrieval.query._pod_table).

Found in a responder's review: a table of 6 pods, 2 in CrashLoopBackOff, answered bad-deploy-crashloop at p 0.50
(medium): its header, its 4 healthy rows and the restarts and ages outweighed the 2 that said what failed."""

from __future__ import annotations

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
