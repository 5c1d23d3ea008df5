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
# tables of other kinds with NAME, READY and STATUS columns, READY no pod's "1/2" (found in review: each was "a
# kubectl get pods table" of pods "not running and ready", Flux's healthy Kustomizations too)
FLUX = """\
NAME          AGE   READY   STATUS
flux-system   12d   True    Applied revision: main@sha1:1a2b3c4d
podinfo       3d    True    Applied revision: main@sha1:1a2b3c4d
"""
EXTERNAL_SECRETS = """\
NAME       STORE           REFRESH INTERVAL   STATUS              READY
db-creds   vault-backend   1h                 SecretSyncedError   False
"""
# not a pod table: a row of fewer cells than its header (then rows, no words), other tables (kubectl get nodes with
# every node Ready: one NotReady is searched by it, tests/test_query_tables.py; Flux's, External Secrets', a READY
# cell of no pod), a header alone
NOT_TABLES = [
    PODS + "payments-api-84c7f5d9b-b2c4d   0/1\nredis-1   1/1   Running   0   12d\n",
    "NAME      STATUS     ROLES    AGE   VERSION\nnode-1    Ready      <none>   40d   v1.30.2\n",
    "NAME   READY   STATUS   RESTARTS   AGE\n",
    HEALTHY,
    FLUX,
    EXTERNAL_SECRETS,
    PODS.replace("0/1     Crash", "0       Crash", 1),  # a READY cell of no pod
]


# words a responder typed under the table (found in review: the table and them were searched whole)
PODS_SAID = PODS + "began right after the 14:00 rollout of payments-api 2.8\nrollback is ready if needed\n"
# under the table, what no words are: more than PREAMBLE_LINES lines, an indented line (a log's lines are searched
# after its pods: tests/test_query_tables.py)
NOT_WORDS_AFTER = [PODS + "one\ntwo\nthree\nfour\n", PODS + "   indented under it\n"]


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


# `kubectl describe pod` of a pod whose image is not in the registry (Waiting), and of an OOM-killed one (Last State)
DESCRIBED_PULL = """\
Name:             ledger-api-7b5d6c8f9-h3j5k
Namespace:        ledger
Node:             ip-10-0-9-44.eu-west-1.compute.internal/10.0.9.44
Labels:           app=ledger-api
                  pod-template-hash=7b5d6c8f9
Annotations:      prometheus.io/scrape: true
Status:           Pending
IP:               10.0.9.77
Containers:
  api:
    Image:          registry.example.org/ledger/api:3.4.0
    State:          Waiting
      Reason:       ImagePullBackOff
    Ready:          False
    Restart Count:  0
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-q9z7x (ro)
Conditions:
  Type              Status
  Ready             False
QoS Class:                   BestEffort
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  2m                 default-scheduler  Successfully assigned ledger/ledger-api-7b5d6c8f9-h3j5k to ip-10-0-9-44
  Warning  Failed     90s (x4 over 2m)   kubelet            Failed to pull image "registry.example.org/ledger/api:3.4.0": manifest unknown
  Warning  Failed     90s (x4 over 2m)   kubelet            Error: ErrImagePull
  Normal   BackOff    60s (x6 over 2m)   kubelet            Back-off pulling image "registry.example.org/ledger/api:3.4.0"
  Warning  Failed     60s (x6 over 2m)   kubelet            Error: ImagePullBackOff
"""
DESCRIBED_OOM = """\
$ kubectl describe pod reports-5d6f7b8c9-x2z4v
Name:         reports-5d6f7b8c9-x2z4v
Namespace:    reports
Init Containers:
  migrate:
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
Containers:
  worker:
    State:          Running
      Started:      Mon, 07 Dec 2026 10:04:52 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Mon, 07 Dec 2026 09:51:10 +0000
    Ready:          True
Events:
  Type     Reason   Age                From     Message
  ----     ------   ----               ----     -------
  Normal   Pulled   14m (x8 over 83m)  kubelet  Container image "registry.example.org/reports/worker:1.9" already present on machine
  Warning  BackOff  2m (x21 over 70m)  kubelet, ip-10-0-12-88  Back-off restarting failed container worker in pod reports-5d6f7b8c9-x2z4v_reports(3f0c2a1e-9b7d-4c2e-8f1a-2b3c4d5e6f70)
"""
EVENTS_ALONE = """\
Events:
  Type     Reason     Age                  From     Message
  ----     ------     ----                 ----     -------
  Normal   Started    4m (x5 over 6m)      kubelet  Started container api
  Warning  BackOff    55s (x24 over 5m58s) kubelet  Back-off restarting failed container api in pod api-84c7f5d9b-t7w2r_web(9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d)
"""
HEALTHY_DESCRIBED = DESCRIBED_OOM.replace(
    "    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n", ""
)
HEALTHY_DESCRIBED = HEALTHY_DESCRIBED.replace("Warning  BackOff", "Normal   BackOff")
# an init container in a crash loop, the app container and its sidecar waiting on it, an env var named "State" (found in
# review: "State: on" was searched as a container's state)
DESCRIBED_INIT = """\
Name:             checkout-6f7d8c9b5-q2w4r
Namespace:        shop
Status:           Pending
Init Containers:
  migrate:
    Image:          registry.example.org/checkout/migrate:2.1
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
    Ready:          False
    Restart Count:  5
Containers:
  app:
    Image:          registry.example.org/checkout/app:2.1
    State:          Waiting
      Reason:       PodInitializing
    Ready:          False
    Environment:
      State:        on
      Reason:       none
  envoy:
    Image:          envoyproxy/envoy:v1.30
    State:          Waiting
      Reason:       PodInitializing
Events:
  Type     Reason   Age                From     Message
  ----     ------   ----               ----     -------
  Warning  BackOff  30s (x20 over 5m)  kubelet  Back-off restarting failed container migrate in pod checkout-6f7d8c9b5-q2w4r_shop
"""
# not read as a described pod: a "Name:" with no Containers section (kubectl describe node), Events: with no header,
# an Events table with no Warning event
NOT_DESCRIBED = [
    "Name:               ip-10-0-9-44\nRoles:              <none>\nEvents:\n  Type     Reason  Age  From  Message\n"
    "  Warning  NodeNotReady  2m  node-controller  Node is not ready\n",
    "Events:\n  Warning  Failed  2m  kubelet  Error: ErrImagePull\n",
    EVENTS_ALONE.replace("Warning  BackOff", "Normal   BackOff"),
]
DESCRIBE_NOTE = (
    "searched the kubectl describe pod output by its {} lines of containers' states and Warning events, not its labels, "
    "annotations, IPs, mounts, volumes, tolerations, conditions and Normal events"
)


def test_a_described_pod_is_searched_by_its_containers_states_and_warning_events():
    """Its State or Last State that is not running or done, on one line (as memory-leak-oom-kill's signal writes it),
    and each Warning event's reason and message, each once, without the pod's uid; an init container that completed,
    a Running state, Normal events, labels, IPs, mounts and tolerations are not searched."""
    p = prepare(DESCRIBED_PULL)
    assert p.text == (
        "State: Waiting Reason: ImagePullBackOff\n"
        'Failed: Failed to pull image "registry.example.org/ledger/api:3.4.0": manifest unknown\n'
        "Failed: Error: ErrImagePull\nFailed: Error: ImagePullBackOff"
    )
    assert (p.log_lines, p.log_kept, p.log_level, p.note) == (30, 4, "describe", DESCRIBE_NOTE.format(4))
    p = prepare(DESCRIBED_OOM)
    assert p.text == (
        "$ kubectl describe pod reports-5d6f7b8c9-x2z4v\n"
        "Last State: Terminated Reason: OOMKilled Exit Code: 137\n"
        "BackOff: Back-off restarting failed container worker in pod reports-5d6f7b8c9-x2z4v_reports"
    )
    assert p.log_level == "describe" and p.note == DESCRIBE_NOTE.format(2) + ", and the 1 line before it"
    p = prepare(EVENTS_ALONE)
    assert p.text == "BackOff: Back-off restarting failed container api in pod api-84c7f5d9b-t7w2r_web"
    assert p.note == "searched the kubectl Events table by its 1 Warning event, not its Normal events"


def test_only_a_state_kubectl_writes_is_a_containers_state():
    """A container's State is Running, Waiting or Terminated (as kubectl writes it); an env var "State: on" is none."""
    p = prepare(DESCRIBED_INIT)
    assert p.text == (
        "State: Waiting Reason: CrashLoopBackOff\nLast State: Terminated Reason: Error Exit Code: 1\n"
        "State: Waiting Reason: PodInitializing\n"
        "BackOff: Back-off restarting failed container migrate in pod checkout-6f7d8c9b5-q2w4r_shop"
    )
    assert p.log_level == "describe" and p.log_kept == 4


def test_a_described_pod_with_nothing_failing_is_searched_by_its_states_as_they_are():
    """Whole, a healthy pod's image and Normal events ("Pulled", "Container image ... already present on machine")
    read as image-pull-failure, medium, and its init container's "Terminated Reason: Completed Exit Code: 0" as
    memory-leak-oom-kill's signal; its containers' states alone say nothing failed."""
    p = prepare(HEALTHY_DESCRIBED)
    assert p.text == ("$ kubectl describe pod reports-5d6f7b8c9-x2z4v\nState: Terminated\nState: Running")
    assert p.log_level == "describe"


def test_what_is_no_described_pod_or_shows_nothing_failing_is_searched_as_it_is():
    for text in NOT_DESCRIBED:
        p = prepare(text)
        assert p.log_level not in ("describe", "events") and p.text == text, text


def test_a_described_pod_is_read_in_linear_time():
    """One pass over its lines, each read once: a Warning row of 300,000 characters with no blank, and one of 300,000
    blanks, are read (no pattern reads a run again from each of its characters)."""
    head = "Events:\n  Type     Reason     Age  From     Message\n"
    long = prepare(head + "  Warning  Failed  2m  kubelet  " + "x" * 300_000 + "\n")
    blank = prepare(head + "  Warning" + " " * 300_000 + "Failed\n  Warning  " + "a" * 300_000 + "\n")
    assert long.log_level == "events" and long.text == "Failed: " + "x" * 492
    assert blank.log_level == "" and blank.text.startswith("Events:")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_pages_query_reads_a_described_pod_as_query_py(tmp_path):
    """assets/recur-query.js (the site's box) reads `kubectl describe pod` and its Events table as recur.retrieval.query
    does, in LF and CRLF, and a long run in linear time (Node runs with a timeout: a guard against a hang)."""
    head = "Events:\n  Type     Reason     Age  From     Message\n"
    texts = [DESCRIBED_PULL, DESCRIBED_OOM, EVENTS_ALONE, HEALTHY_DESCRIBED, *NOT_DESCRIBED, DESCRIBED_INIT]
    texts += [t.replace("\n", "\r\n") for t in texts]
    texts += [head + "  Warning  Failed  2m  kubelet  " + "x" * 300_000, head + "  Warning" + " " * 300_000 + "F\n"]
    body = "return input.map((t) => { const p = q.prepare(t); return [p.text, p.log_lines, p.log_kept, p.log_level, q.note(p)]; });"
    js = run_query_js(tmp_path, body, texts)
    for text, j in zip(texts, js):
        p = prepare(text)
        assert j == [p.text, p.log_lines, p.log_kept, p.log_level, p.note or ""], text[:200]
    assert [j[3] for j in js[:4]] == ["describe", "describe", "events", "describe"] and js[-2][3] == "events"
    assert not any("State: on" in j[0] for j in js)  # an env var is no container's state


@pytest.mark.model
def test_a_described_pod_finds_what_failed_and_an_image_pull_is_no_failed_rollback(real_engine):
    """By its state and Warning events an image not in the registry read as rollback-fails, high 0.92 (its signal
    ErrImagePull; that pattern is a rollback to a deleted image): image-pull-failure now, high; the OOM-killed pod
    memory-leak-oom-kill, high (whole, medium 0.60)."""
    answer = real_engine.answer(DESCRIBED_PULL, top=3)
    assert answer.results[0]["id"] == "image-pull-failure" and answer.results[0]["confidence"] == "high"
    assert all(r["id"] != "rollback-fails" or r["confidence"] != "high" for r in answer.results)
    answer = real_engine.answer(DESCRIBED_OOM, top=3)
    assert answer.results[0]["id"] == "memory-leak-oom-kill" and answer.results[0]["confidence"] == "high"
    assert real_engine.answer(HEALTHY_DESCRIBED, top=3).no_known_pattern is True


def test_recur_suggest_quotes_what_a_described_pod_says_failed(run):
    res = run("suggest", "--json", "-", input=EVENTS_ALONE)
    assert res.exit_code == 0, res.output
    assert 'recur: its Warning event: "BackOff: Back-off restarting' in res.stderr
    res = run("suggest", "--json", "-", input=DESCRIBED_PULL)
    assert 'recur: the first of them: "State: Waiting Reason: ImagePullBackOff"' in res.stderr


# what the tools print today when an image will not pull (found in review: Docker Hub's message since 2025 says
# "unauthenticated pull rate limit", kubelet on containerd says "no match for platform in manifest", Docker on arm64
# "linux/arm64/v8"; none was a signal of image-pull-failure as written, the rate limit answered medium)
PULL_MESSAGES = [
    "Error response from daemon: toomanyrequests: You have reached your unauthenticated pull rate limit. "
    "https://www.docker.com/increase-rate-limit",
    'Failed to pull image "ledger/api:3.4.0": rpc error: code = NotFound desc = failed to pull and unpack image '
    '"docker.io/ledger/api:3.4.0": no match for platform in manifest: not found',
    "3.4.0: Pulling from ledger/api\nno matching manifest for linux/arm64/v8 in the manifest list entries",
]


@pytest.mark.model
@pytest.mark.parametrize("message", PULL_MESSAGES)
def test_what_runtimes_print_for_an_image_that_will_not_pull_is_a_signal(real_engine, message):
    top = real_engine.answer(message, top=3).results[0]
    assert top["id"] == "image-pull-failure" and top["confidence"] == "high"
    assert any(w["field"] == "signal" and w["match"] == "exact" for w in top["why"]), top["why"]


def test_words_written_after_a_pod_table_are_searched_after_its_pods():
    """Found in review: a table and "started after the 14:00 deploy" under it were searched whole (header, healthy
    rows, ages); now its failing pods, then those words, which the note counts."""
    p = prepare(PODS_SAID)
    assert p.text == (
        "payments-api 0/1 CrashLoopBackOff\nbegan right after the 14:00 rollout of payments-api 2.8\n"
        "rollback is ready if needed"
    )
    assert (p.log_lines, p.log_kept, p.log_level, p.log_after) == (6, 2, "pods", 2)
    assert p.note.endswith("not its column header and the 4 other rows, and the 2 lines after it")
    for text in NOT_WORDS_AFTER:
        p = prepare(text)
        assert p.log_level != "pods" and p.log_after == 0, text


def test_recur_suggest_quotes_the_pods_searched_above_the_words_after_them(run):
    res = run("suggest", "--json", "-", input=PODS_SAID)
    assert res.exit_code == 0, res.output
    assert 'recur: the pods searched: "payments-api 0/1 CrashLoopBackOff"' in res.stderr


# `kubectl get events` (-A: NAMESPACE first), Normal and Warning rows, a message with a pod's uid; words after it
GET_EVENTS = """\
LAST SEEN   TYPE      REASON             OBJECT                            MESSAGE
8m          Normal    Scheduled          pod/ledger-6d8f7c9b5-wq4zt        Successfully assigned money/ledger-6d8f7c9b5-wq4zt to node-2
7m          Normal    Pulled             pod/ledger-6d8f7c9b5-wq4zt        Container image "registry.example.org/ledger:7.0.1" already present on machine
3m          Warning   OOMKilling         node/node-2                       Memory cgroup out of memory: Killed process 4410 (java) total-vm:8388608kB, anon-rss:3145728kB
2m          Warning   BackOff            pod/ledger-6d8f7c9b5-wq4zt        Back-off restarting failed container ledger in pod ledger_money(0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b)
"""
GET_EVENTS_ALL = (
    "NAMESPACE   LAST SEEN   TYPE      REASON      OBJECT              MESSAGE\n"
    "money       2m          Warning   Unhealthy   pod/ledger-6d8f7c9b5-wq4zt   Readiness probe failed: HTTP probe failed "
    "with statuscode: 503\n"
    "money       2m          Normal    Killing     pod/ledger-6d8f7c9b5-wq4zt   Stopping container ledger\n"
    "it flaps every few minutes since the node upgrade\n"
)
# searched as they are: Normal events alone, -o wide (MESSAGE not last), a TYPE that is no event's
NOT_EVENT_TABLES = [
    "LAST SEEN   TYPE     REASON    OBJECT       MESSAGE\n4m          Normal   Pulled    pod/web-0    Pulled image\n",
    "LAST SEEN   TYPE      REASON    OBJECT      MESSAGE   FIRST SEEN\n2m   Warning   BackOff   pod/web-0   Back-off   9m\n",
    "NAME   TYPE      REASON    MESSAGE\nweb    Ingress   Synced    ok\n",
]


def test_a_kubectl_get_events_table_is_searched_by_its_warning_events():
    """Found in review: whole, its names, ages and Normal events were searched, memory-leak-oom-kill medium 0.53; as
    an Events table of `kubectl describe` is, by each Warning event's reason and message (a pod's uid out)."""
    p = prepare(GET_EVENTS)
    assert p.text == (
        "OOMKilling: Memory cgroup out of memory: Killed process 4410 (java) total-vm:8388608kB, anon-rss:3145728kB\n"
        "BackOff: Back-off restarting failed container ledger in pod ledger_money"
    )
    assert (p.log_lines, p.log_kept, p.log_level) == (4, 2, "events")
    assert p.note == "searched the kubectl Events table by its 2 Warning events, not its Normal events"
    p = prepare(GET_EVENTS_ALL)
    assert p.text == (
        "Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503\n"
        "it flaps every few minutes since the node upgrade"
    )
    assert p.note.endswith("not its Normal events, and the 1 line after it")
    for text in NOT_EVENT_TABLES:
        p = prepare(text)
        assert p.log_level == "" and p.text == text, text


# `kubectl describe node` of a node under disk pressure, tainted and cordoned; and of a healthy one
NODE_DISK = """\
$ kubectl describe node worker-7
Name:               worker-7
Roles:              <none>
Labels:             kubernetes.io/hostname=worker-7
                    topology.kubernetes.io/zone=zone-b
Annotations:        node.alpha.kubernetes.io/ttl: 0
Taints:             node.kubernetes.io/disk-pressure:NoSchedule
                    node.kubernetes.io/unschedulable:NoSchedule
Unschedulable:      true
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Mon, 07 Dec 2026 11:40:02 +0000   Wed, 02 Sep 2026 08:00:11 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     True    Mon, 07 Dec 2026 11:40:02 +0000   Mon, 07 Dec 2026 11:02:45 +0000   KubeletHasDiskPressure       kubelet has disk pressure
  PIDPressure      False   Mon, 07 Dec 2026 11:40:02 +0000   Wed, 02 Sep 2026 08:00:11 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready            True    Mon, 07 Dec 2026 11:40:02 +0000   Wed, 02 Sep 2026 08:01:40 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  10.1.7.7
Capacity:
  ephemeral-storage:  51175Mi
  memory:             16318412Ki
Non-terminated Pods:          (2 in total)
  Namespace    Name                 CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------    ----                 ------------  ----------  ---------------  -------------  ---
  logging      fluent-bit-x7k2p     100m (1%)     0 (0%)      64Mi (0%)        128Mi (0%)     96d
Events:
  Type     Reason                Age   From     Message
  ----     ------                ----  ----     -------
  Normal   NodeNotSchedulable    40m   kubelet  Node worker-7 status is now: NodeNotSchedulable
  Warning  EvictionThresholdMet  38m   kubelet  Attempting to reclaim ephemeral-storage
"""
NODE_NOT_READY = (
    "Name:               worker-3\nTaints:             node.kubernetes.io/unreachable:NoExecute\nConditions:\n"
    "  Type    Status   LastHeartbeatTime   LastTransitionTime   Reason             Message\n"
    "  Ready   Unknown  Mon, 07 Dec 2026 11:20:00 +0000   Mon, 07 Dec 2026 11:21:00 +0000   NodeStatusUnknown   "
    "Kubelet stopped posting node status.\nEvents:              <none>\n"
)
NODE_HEALTHY = (
    NODE_DISK.replace("DiskPressure     True ", "DiskPressure     False")
    .replace(
        "Taints:             node.kubernetes.io/disk-pressure:NoSchedule\n"
        "                    node.kubernetes.io/unschedulable:NoSchedule\n",
        "Taints:             <none>\n",
    )
    .replace("Unschedulable:      true", "Unschedulable:      false")
    .replace("  Warning  EvictionThresholdMet  38m   kubelet  Attempting to reclaim ephemeral-storage\n", "")
)
# a control plane's taint and a GPU pool's are set by a person: they say nothing is wrong (found in a re-read: a healthy
# control-plane node was searched by its taint alone, "cloud-az-outage rated more likely right" in the box)
NODE_CONTROL_PLANE = NODE_HEALTHY.replace(
    "Taints:             <none>\n",
    "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n                    nvidia.com/gpu=present:NoSchedule\n",
)
NODE_DISK_GPU = NODE_DISK.replace("node.kubernetes.io/unschedulable:NoSchedule", "nvidia.com/gpu=present:NoSchedule")
# EKS's node monitoring agent's conditions, fine True as Ready is (found in a re-read: a healthy EKS node was searched
# by them as wrong); one False among them is
EKS_READY = (
    "  KernelReady      True    Mon, 07 Dec 2026 11:40:02 +0000   Wed, 02 Sep 2026 08:00:11 +0000   KernelIsReady"
    "                Monitoring for the Kernel system is active\n"
    "  StorageReady     {}   Mon, 07 Dec 2026 11:40:02 +0000   Wed, 02 Sep 2026 08:00:11 +0000   {:<28} {}\n"
)
NODE_EKS = NODE_HEALTHY.replace(
    "  Ready  ", EKS_READY.format("True ", "DiskIsReady", "Monitoring for the Disk system is active") + "  Ready  "
)
NODE_EKS_STORAGE = NODE_HEALTHY.replace(
    "  Ready  ", EKS_READY.format("False", "IODelays", "IO delays detected on nvme0n1") + "  Ready  "
)
NODE_NOTE = (
    "searched the kubectl describe node output by its {} lines of taints, conditions and Warning events, not its "
    "labels, annotations, addresses, capacity, pods and Normal events"
)


def test_a_described_node_is_searched_by_its_taints_conditions_and_warning_events():
    """Found in review: whole, a node under disk pressure found disk-full at p 0.86; by its taints, its condition
    that is True and its Warning event, 0.98. A node with nothing wrong is searched as it is."""
    p = prepare(NODE_DISK)
    assert p.text == (
        "$ kubectl describe node worker-7\nTaints: node.kubernetes.io/disk-pressure:NoSchedule\n"
        "Taints: node.kubernetes.io/unschedulable:NoSchedule\nUnschedulable: true\n"
        "DiskPressure True: KubeletHasDiskPressure: kubelet has disk pressure\n"
        "EvictionThresholdMet: Attempting to reclaim ephemeral-storage"
    )
    assert (p.log_level, p.note) == ("node", NODE_NOTE.format(5) + ", and the 1 line before it")
    p = prepare(NODE_NOT_READY)
    assert p.text == (
        "Taints: node.kubernetes.io/unreachable:NoExecute\n"
        "Ready Unknown: NodeStatusUnknown: Kubelet stopped posting node status."
    )
    p = prepare(NODE_HEALTHY)
    assert p.log_level == "" and p.text == NODE_HEALTHY


def test_a_described_nodes_taints_set_by_a_person_and_conditions_fine_true_say_nothing_is_wrong():
    """Found in a re-read: a healthy control-plane node (or a GPU pool's) was searched by its taint alone, a healthy
    EKS node by its agent's KernelReady True and the like; only the taints Kubernetes sets on a node in trouble
    (node.kubernetes.io/…) and a …Ready condition not True are searched."""
    p = prepare(NODE_CONTROL_PLANE)
    assert p.log_level == "" and p.text == NODE_CONTROL_PLANE
    p = prepare(NODE_EKS)
    assert p.log_level == "" and p.text == NODE_EKS
    p = prepare(NODE_EKS_STORAGE)
    assert p.text == "$ kubectl describe node worker-7\nStorageReady False: IODelays: IO delays detected on nvme0n1"
    p = prepare(NODE_DISK_GPU)
    assert p.text == (
        "$ kubectl describe node worker-7\nTaints: node.kubernetes.io/disk-pressure:NoSchedule\nUnschedulable: true\n"
        "DiskPressure True: KubeletHasDiskPressure: kubelet has disk pressure\n"
        "EvictionThresholdMet: Attempting to reclaim ephemeral-storage"
    )


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_pages_query_reads_events_tables_described_nodes_and_words_after_as_query_py(tmp_path):
    """assets/recur-query.js (the site's box) reads `kubectl get events`, `kubectl describe node` and the words after
    a pod table as recur.retrieval.query does, in LF and CRLF."""
    texts = [PODS_SAID, *NOT_WORDS_AFTER, GET_EVENTS, GET_EVENTS_ALL, *NOT_EVENT_TABLES, NODE_DISK, NODE_NOT_READY]
    texts += [NODE_HEALTHY, NODE_CONTROL_PLANE, NODE_DISK_GPU, NODE_EKS, NODE_EKS_STORAGE]
    texts += [t.replace("\n", "\r\n") for t in texts]
    body = (
        "return input.map((t) => { const p = q.prepare(t); "
        "return [p.text, p.log_lines, p.log_kept, p.log_level, p.log_after, q.note(p)]; });"
    )
    js = run_query_js(tmp_path, body, texts)
    for text, j in zip(texts, js):
        p = prepare(text)
        assert j == [p.text, p.log_lines, p.log_kept, p.log_level, p.log_after, p.note or ""], text[:200]
    assert [j[3] for j in js[:11]] == ["pods", "", "", "events", "events", "", "", "", "node", "node", ""]


@pytest.mark.model
def test_an_events_table_and_a_described_node_find_what_failed_surely(real_engine):
    """Whole, the events table found memory-leak-oom-kill medium (0.53 on our review's); by its Warning events, high.
    The node under disk pressure finds disk-full, high."""
    for text, pattern in ((GET_EVENTS, "memory-leak-oom-kill"), (NODE_DISK, "disk-full")):
        top = real_engine.answer(text, top=3).results[0]
        assert top["id"] == pattern and top["confidence"] == "high", (pattern, top["id"], top["confidence"])


def test_kubectls_own_events_columns_with_times_in_full_are_an_events_table():
    """tests/test_query_logs.py's timestamped `kubectl get events` without its COUNT column (MESSAGE last): read as an
    events table, by its Warning events, not as a log with its column header."""
    from test_query_logs import KUBECTL_EVENTS

    own = "\n".join(x.removesuffix("   COUNT").removesuffix("   1") for x in KUBECTL_EVENTS.split("\n"))
    p = prepare(own)
    assert p.text == (
        "OOMKilling: Memory cgroup out of memory: Killed process 4121\nBackOff: Back-off restarting failed container api"
    )
    assert (p.log_level, p.log_lines, p.log_kept) == ("events", 7, 2)
