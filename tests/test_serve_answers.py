"""The success answers /openapi.json publishes are the answers the routes give (found in an integration review:
every JSON 200 was ``"schema": {}``, so a generated client's types were all ``unknown``). Real answers of every JSON
route, from a real server over a small KB, are checked against the published schemas with every key declared (the
schemas stay open to clients: the check closes them), and so are their errors and headers.

Runs against a real uvicorn server (fake:64 encoder); the checks use jsonschema (an mcp dependency).
"""

from __future__ import annotations

import copy

import httpx
import jsonschema
import pytest
from kbfactory import small_kb, write_pattern
from serve_util import alert_payload, fake_app, running

from recur.kb.loader import load_kb
from recur.retrieval import calibrate

INODES = """owner: storage-team
tags: [disk, filesystem]
services: [db, checkout]
distinguish:
  - from: disk-full
    by: "df -i at 100% while df -h has room"
fix:
  status: open
  owner: storage-team
  due: 2026-05-01
  tickets: [OPS-1]"""


def kb_with_everything(root):
    """small_kb and a pattern with an owner, tags, services, a distinction, a fix and a section of its own."""
    kb = small_kb(root / "kb")
    path = write_pattern(
        kb,
        "inode-exhaustion",
        title="Inodes exhausted on a host",
        symptoms=("no space left on device with free bytes", "writes fail"),
        signals=("No space left on device", "df -i shows 100%"),
        extra_front=INODES,
        summary="A filesystem runs out of inodes.",
    )
    path.write_text(path.read_text() + "\n## Escalation\n\nPage the storage team.\n")
    for pid, title, signal in MORE:
        write_pattern(kb, pid, "runtime", title=title, symptoms=(title.lower(),), signals=(signal,))
    # calibrate.MIN_CANDIDATES patterns in use or more (a retired one is no candidate): a probability, not null
    searched = [p for p in load_kb(kb).patterns.values() if p.status != "retired"]
    for n in range(calibrate.MIN_CANDIDATES - len(searched)):
        write_pattern(kb, f"batch-{n:02d}", "batch", title=f"Batch job {n} misses its window")
    return kb


MORE = [
    ("memory-leak", "Memory leak in a service", "java.lang.OutOfMemoryError: Java heap space"),
    ("cert-expired", "TLS certificate expired", "x509: certificate has expired or is not yet valid"),
    ("kafka-consumer-lag", "Kafka consumer lag growing", "KafkaConsumerLagHigh"),
    ("pod-crashloop", "Pods in CrashLoopBackOff", "Back-off restarting failed container"),
    ("cpu-throttling", "CPU throttling of containers", "CPUThrottlingHigh"),
    ("queue-backlog", "Queue backlog building up", "RabbitMQ queue messages ready above threshold"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("answers")
    app = fake_app(kb_with_everything(root), root, feedback_per_minute=0)
    with running(app) as base:
        yield base, httpx.get(base + "/openapi.json").json()


def closed(node):
    """``node`` with every object schema that lists properties closed to other keys: a key an answer carries that
    the schema does not declare fails the check."""
    if isinstance(node, dict):
        out = {k: closed(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [closed(v) for v in node]
    return node


def errors_of(spec: dict, schema: dict, value) -> list[str]:
    """What of ``value`` does not fit ``schema`` (a part of ``spec``), every key declared."""
    components = closed(copy.deepcopy(spec.get("components", {})))
    validator = jsonschema.Draft202012Validator({**closed(schema), "components": components})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(value)]


def assert_published(spec: dict, method: str, path: str, r: httpx.Response) -> None:
    """``r`` is an answer ``path`` publishes: its status, media type, every key of its JSON body, its headers."""
    responses = spec["paths"][path][method.lower()]["responses"]
    assert str(r.status_code) in responses, (path, r.status_code, sorted(responses), r.text[:200])
    response = responses[str(r.status_code)]
    schema = response["content"]["application/json"]["schema"]
    assert schema, (path, r.status_code, "published as any JSON at all")
    assert errors_of(spec, schema, r.json()) == [], (path, r.status_code)
    assert "X-Request-Id" in response["headers"] and r.headers["x-request-id"]
    if "retry-after" in r.headers:
        assert "Retry-After" in response["headers"], (path, r.status_code)


FIRING = {"labels": {"alertname": "DiskFull", "instance": "db1"}, "annotations": {"summary": "No space left on device"}}
LINKED = {"labels": {"alertname": "DiskFull"}, "annotations": {"runbook_url": "patterns/capacity/disk-full.md"}}
RESOLVED = {"labels": {"alertname": "DiskFull", "instance": "db2"}, "status": "resolved"}
WATCHDOG = {"labels": {"alertname": "Watchdog", "severity": "none"}}
NOTHING = {"labels": {"__panelId__": "3"}}  # nothing to search
NO_DATA = {"labels": {"alertname": "DatasourceNoData", "rulename": "Disk usage"}}

ANSWERS = [
    # why entries of every kind: a signal found whole (two patterns list it: "patterns"), most of its words, one
    # of its identifiers, the pattern's id, by meaning, shared words; look-alikes; a probability (calibrate.MIN_CANDIDATES patterns)
    ("POST", "/api/suggest", "/api/suggest", {"text": "No space left on device ENOSPC", "top": 5}, 200),
    ("POST", "/api/suggest", "/api/suggest", {"text": "sorry too many clients already"}, 200),
    ("POST", "/api/suggest", "/api/suggest", {"text": "HikariPool-1 connection timeout"}, 200),
    ("POST", "/api/suggest", "/api/suggest", {"text": "disk-full", "top": 2}, 200),
    ("POST", "/api/suggest", "/api/suggest", {"text": "No space left on device", "top": 1}, 200),  # likelier
    ("POST", "/api/suggest", "/api/suggest", {"text": "memroy leek OutOfMemoryError heap"}, 200),  # corrected
    ("POST", "/api/suggest", "/api/suggest", {"text": "disk-ful"}, 200),  # meant
    ("POST", "/api/suggest", "/api/suggest", {"text": "how do I get VPN access"}, 200),
    ("POST", "/api/suggest", "/api/suggest", {"text": ""}, 422),
    ("POST", "/api/suggest", "/api/suggest?top=1", {"text": "disk"}, 422),
    ("GET", "/api/patterns", "/api/patterns", None, 200),
    ("GET", "/api/patterns", "/api/patterns?limit=2", None, 200),
    ("GET", "/api/patterns", "/api/patterns?cursor=after:disk-full", None, 200),  # the last page: next_cursor null
    ("GET", "/api/patterns", "/api/patterns?severity=P2&limit=1", None, 200),  # severity_note
    ("GET", "/api/patterns", "/api/patterns?categry=x", None, 422),
    ("GET", "/api/patterns/{pattern_id}", "/api/patterns/inode-exhaustion", None, 200),
    ("GET", "/api/patterns/{pattern_id}", "/api/patterns/Disk-Full", None, 200),
    ("GET", "/api/patterns/{pattern_id}", "/api/patterns/db-pool-exhausted", None, 200),
    ("GET", "/api/patterns/{pattern_id}", "/api/patterns/old-retired", None, 404),
    ("GET", "/api/report", "/api/report", None, 200),
    ("GET", "/api/report", "/api/report?as_of=2026-05-01&since=2026-03-01&window=365", None, 200),  # since
    ("GET", "/api/report", "/api/report?as_of=2026-05-01&owner=storage-team", None, 200),  # filtered
    ("GET", "/api/report", "/api/report?as_of=2026-04-31", None, 422),
    (
        "POST",
        "/api/alertmanager",
        "/api/alertmanager",
        alert_payload(FIRING, RESOLVED, WATCHDOG, NOTHING, NO_DATA),
        200,
    ),
    ("POST", "/api/alertmanager", "/api/alertmanager?brief=true", alert_payload(FIRING, NO_DATA), 200),
    ("POST", "/api/alertmanager", "/api/alertmanager?top=1&brief=true", alert_payload(FIRING, LINKED), 200),
    ("POST", "/api/alertmanager", "/api/alertmanager?top=1", alert_payload(FIRING), 200),
    (
        "POST",
        "/api/alertmanager",
        "/api/alertmanager",
        {**alert_payload(FIRING), "version": "1", "groupKey": None},
        200,
    ),
    ("POST", "/api/alertmanager", "/api/alertmanager", alert_payload(RESOLVED, status="resolved"), 200),
    ("POST", "/api/alertmanager", "/api/alertmanager", {"version": "4"}, 422),
    ("POST", "/api/feedback", "/api/feedback", {"query": "disk full", "pattern": "Disk-Full", "useful": True}, 201),
    ("POST", "/api/feedback", "/api/feedback", {"query": "x", "pattern": "nope", "useful": True}, 404),
    ("GET", "/healthz", "/healthz", None, 200),
]


@pytest.mark.parametrize("method, path, url, body, status", ANSWERS)
def test_every_answer_is_the_published_one(served, method, path, url, body, status):
    base, spec = served
    r = httpx.request(method, base + url, json=body, timeout=60)
    assert r.status_code == status, r.text[:300]
    assert_published(spec, method, path, r)


def test_a_vote_changed_and_the_same_vote_again_are_published(served):
    """201 "recorded", 201 "changed", 200 "already recorded" (which published no body)."""
    base, spec = served
    vote = {"query": "ENOSPC on the WAL", "pattern": "disk-full", "voter": "v1"}
    said = []
    for useful in (True, False, False):
        r = httpx.post(base + "/api/feedback", json={**vote, "useful": useful})
        assert_published(spec, "POST", "/api/feedback", r)
        said.append((r.status_code, r.json()["status"]))
    assert said == [(201, "recorded"), (201, "changed"), (200, "already recorded")]


def test_an_answer_from_an_index_older_than_the_kb_is_published_with_its_stale(tmp_path):
    """``stale`` (null above: the index is current) is the object /mcp's answers carry once a KB file changes under
    the running server: declared on /api/suggest, /api/alertmanager and /api/patterns/{id}."""
    import time

    kb = small_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        spec = httpx.get(base + "/openapi.json").json()
        edited = kb / "patterns/capacity/disk-full.md"
        edited.write_text(edited.read_text().replace("Disk full on a host", "Disk full (edited)", 1))
        deadline = time.monotonic() + 60  # the server looks at its KB every few seconds
        while not httpx.get(base + "/healthz").json().get("stale") and time.monotonic() < deadline:
            time.sleep(0.1)
        for method, path, url, body in (
            ("POST", "/api/suggest", "/api/suggest", {"text": "No space left on device"}),
            ("POST", "/api/alertmanager", "/api/alertmanager?brief=true", alert_payload(FIRING)),
            ("GET", "/api/patterns/{pattern_id}", "/api/patterns/disk-full", None),
        ):
            r = httpx.request(method, base + url, json=body, timeout=60)
            assert r.status_code == 200 and r.json()["stale"]["files"] == ["patterns/capacity/disk-full.md"], r.text
            assert_published(spec, method, path, r)


def test_the_answers_checked_carry_every_kind_of_key(served):
    """The cases above reach what is optional or null in most answers, so the check reads it: each kind of why
    entry and its optional keys, a likelier result, typos read, an id meant, a page's keys."""
    base = served[0]
    answers = [httpx.request(m, base + url, json=body).json() for m, _, url, body, status in ANSWERS if status < 300]
    results = [
        r for a in answers for r in a.get("results", []) + [x for e in a.get("alerts", []) for x in e["results"]]
    ]
    why = [w for r in results for w in r["why"]]
    assert {w.get("match") for w in why} == {"exact", "identifier", "words", "meaning", "link", "id", None}
    assert any("patterns" in w for w in why) and any("identifier" in w for w in why)
    assert any(r["probability"] is not None for r in results) and any(r["look_alikes"] for r in results)
    assert any(a.get("likelier") for a in answers) and any(a.get("corrected") for a in answers)
    assert any(a.get("meant") for a in answers) and any("severity_note" in a for a in answers)
    assert any(a.get("next_cursor") is None and "total" in a for a in answers)


def test_the_schemas_hold_what_answers_say(served):
    """A check that cannot pass by accident: the published result object says what docs/architecture.md says of
    it (confidence's three values, probability null or 0 to 1), and a page's keys are declared."""
    _, spec = served
    schemas = spec["components"]["schemas"]
    result = schemas["Result"]["properties"]
    assert result["confidence"]["enum"] == ["high", "medium", "low"]
    assert {"type": "null"} in result["probability"]["anyOf"]
    assert {"total", "next_cursor", "severity_note"} <= set(schemas["PatternList"]["properties"])
    assert "total" not in schemas["PatternList"]["required"]
    pattern = httpx.get(served[0] + "/api/patterns/disk-full").json()
    assert errors_of(spec, {"$ref": "#/components/schemas/PatternObject"}, {**pattern, "severity": 2})
    assert errors_of(spec, {"$ref": "#/components/schemas/PatternObject"}, {**pattern, "undeclared": 1})


def test_every_json_success_is_described_and_every_operation_named(served):
    _, spec = served
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            # FastAPI's default ids (suggest_api_suggest_post) changed with a path; named ones are stable
            assert "_" not in operation["operationId"], (method, path, operation["operationId"])
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json")
                assert media is None or media["schema"], (method, path, status)
                assert "X-Request-Id" in response["headers"], (method, path, status)
    ids = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    assert {"suggest", "listPatterns", "getPattern", "alertmanager", "feedback", "healthz"} <= ids


def test_the_errors_every_route_answers_are_published(served):
    """421 misdirected_request and 403 forbidden_origin (security.HostCheck, on every route), 400 bad_request for
    a request without one good Host (security.bad_host), the 429 of a
    client's searches at once on /api/suggest (--max-concurrent-per-client), Retry-After where it is sent."""
    _, spec = served
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert {"400", "403", "421", "501"} <= set(operation["responses"]), (method, path)
    suggest = spec["paths"]["/api/suggest"]["post"]["responses"]
    assert "Retry-After" in suggest["429"]["headers"] and "Retry-After" in suggest["503"]["headers"]


@pytest.mark.parametrize(
    "header, status", [({"Host": "evil.example:8000"}, 421), ({"Origin": "http://evil.example"}, 403)]
)
def test_a_refused_host_or_origin_is_a_published_answer(tmp_path, header, status):
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, host="127.0.0.1")
    with running(app) as base:
        spec = httpx.get(base + "/openapi.json").json()
        r = httpx.post(base + "/api/suggest", json={"text": "disk full"}, headers=header)
    assert r.status_code == status, r.text
    assert_published(spec, "POST", "/api/suggest", r)


@pytest.mark.parametrize("method, path", [("GET", "/healthz"), ("GET", "/api/patterns"), ("POST", "/api/suggest")])
def test_a_request_without_a_host_is_a_published_answer(served, method, path):
    """An HTTP/1.1 request with no Host (RFC 9112 section 3.2: a 400), written byte for byte: a client adds one."""
    import socket

    base, spec = served
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        said = b"".join(iter(lambda: s.recv(65536), b""))
    head, _, body = said.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines]
    r = httpx.Response(int(status_line.split()[1]), headers=headers, content=body)
    assert r.status_code == 400, r.text
    assert_published(spec, method, path, r)


def test_request_limits_are_json_schema_words(served):
    """maxLength where the server has a limit; truncatedAlerts' bound as JSON Schema's minimum (it was pydantic's
    "ge"); a key with a default is not required and carries no ``default`` (openapi-typescript types a property with
    one as always present: a client had to send ``top``)."""
    _, spec = served
    schemas = spec["components"]["schemas"]
    assert schemas["SuggestIn"]["properties"]["text"]["maxLength"] == 20_000
    feedback = schemas["FeedbackIn"]["properties"]
    assert (feedback["query"]["maxLength"], feedback["pattern"]["maxLength"], feedback["voter"]["maxLength"]) == (
        20_000,
        200,
        200,
    )
    assert '"ge"' not in str(spec).replace("'", '"')
    (bound,) = [
        s for s in schemas["AlertmanagerIn"]["properties"]["truncatedAlerts"]["anyOf"] if s["type"] == "integer"
    ]
    assert bound["minimum"] == 0
    top = schemas["SuggestIn"]["properties"]["top"]
    assert "top" not in schemas["SuggestIn"]["required"] and "default" not in top and "Default: 5" in top["description"]
    for name in ("SuggestIn", "FeedbackIn", "AlertmanagerIn", "Alert"):
        assert not [k for k, p in schemas[name]["properties"].items() if "default" in p], name


@pytest.mark.parametrize(
    "token, scope, guarded",
    [
        (None, "write", set()),
        ("s3cret", "write", {"feedback"}),
        (
            "s3cret",
            "all",
            {"feedback", "suggest", "listPatterns", "getPattern", "problemReport", "alertmanager", "metrics"},
        ),
    ],
)
def test_the_token_is_published_as_the_server_asks_for_it(tmp_path, token, scope, guarded):
    """Every API route was published as needing the token, with none configured too: now required where this
    server's token and --token-scope ask for it, optional elsewhere (``{}`` first), absent on the open routes."""
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, token=token, token_scope=scope)
    spec = app.openapi()
    said = {op["operationId"]: op.get("security") for ops in spec["paths"].values() for op in ops.values()}
    assert {name for name, security in said.items() if security == [{"token": []}]} == guarded
    optional = {
        "suggest",
        "listPatterns",
        "getPattern",
        "problemReport",
        "alertmanager",
        "metrics",
        "feedback",
    } - guarded
    assert {name for name, security in said.items() if security == [{}, {"token": []}]} == optional
    assert said["healthz"] is None and said["slackCommand"] is None
