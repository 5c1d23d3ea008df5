"""The OpenAPI document `recur serve` publishes says what the server does (found by fuzzing the
running server with schemathesis): every answer's status, media type and body are documented, and a
request body is accepted exactly when it fits the published request schema.

Runs against a real uvicorn server (fake:64 encoder); the checks use jsonschema (an mcp dependency).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import jsonschema
import pytest
from kbfactory import small_kb
from query_js import NODE
from serve_util import alert_payload, fake_app, running

from recur.serve.deps import ERROR_SCHEMA


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("openapi")
    app = fake_app(small_kb(root / "kb"), root, feedback_per_minute=0)
    with running(app) as base:
        yield base, httpx.get(base + "/openapi.json").json()


def check(spec: dict, schema: dict, value) -> bool:
    """Whether ``value`` fits ``schema`` (a part of ``spec``, its $refs resolved in ``spec``)."""
    validator = jsonschema.Draft202012Validator({**schema, "components": spec.get("components", {})})
    return validator.is_valid(value)


def assert_documented(spec: dict, method: str, path: str, r: httpx.Response) -> None:
    responses = spec["paths"][path][method.lower()]["responses"]
    assert str(r.status_code) in responses, (r.status_code, sorted(responses), r.text[:200])
    content = responses[str(r.status_code)].get("content", {})
    media = r.headers["content-type"].split(";")[0].strip()
    assert media in content, (path, media, sorted(content))
    if media == "application/json":
        assert check(spec, content[media]["schema"], r.json()), (path, r.status_code, r.text[:200])


@pytest.mark.parametrize(
    "method, path, url",
    [
        ("GET", "/metrics", "/metrics"),  # Prometheus text: was published as application/json
        ("POST", "/api/slack/commands", "/api/slack/commands"),  # 404 slack_not_configured: was undocumented
        ("POST", "/api/slack/interactions", "/api/slack/interactions"),
        ("GET", "/api/patterns/{pattern_id}", "/api/patterns/disk-full"),
        ("GET", "/api/patterns/{pattern_id}", "/api/patterns/nope"),
        ("GET", "/healthz", "/healthz"),
    ],
)
def test_every_answer_is_documented(served, method, path, url):
    base, spec = served
    assert_documented(spec, method, path, httpx.request(method, base + url, timeout=30))


@pytest.mark.parametrize("path", ["/api/suggest", "/api/slack/commands", "/api/slack/interactions"])
def test_a_compressed_body_and_a_transfer_coding_are_documented(served, path):
    """The 415 for a Content-Encoding (the Slack routes: it was not refused) and the 501 for a transfer
    coding other than chunked are published answers of the routes that take a body."""
    base, spec = served
    ctype = "application/json" if path == "/api/suggest" else "application/x-www-form-urlencoded"
    r = httpx.post(base + path, content=b"{}", headers={"Content-Type": ctype, "Content-Encoding": "gzip"})
    assert r.status_code == 415
    assert_documented(spec, "POST", path, r)
    # httpx sends no transfer coding but chunked (tests/test_serve_limits.py sends one on a socket)
    assert spec["paths"][path]["post"]["responses"]["501"]["content"]["application/json"]["schema"] == ERROR_SCHEMA


def test_published_errors_are_the_one_error_shape(served):
    """FastAPI published its own 422 body (HTTPValidationError) on /api/patterns/{id}; the server
    never sends it."""
    _, spec = served
    assert "HTTPValidationError" not in str(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == ERROR_SCHEMA, (method, path, status)


def test_every_route_publishes_the_501_for_a_transfer_coding(served):
    """The body guard answers a transfer coding other than chunked with a 501 on every route, GETs
    too (tests/test_serve_limits.py sends one to /healthz); the GET routes did not publish it."""
    _, spec = served
    missing = [
        (method, path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if "501" not in operation["responses"]
    ]
    assert missing == []


def test_slack_routes_publish_their_form_and_signature(served):
    _, spec = served
    for path, field in (("/api/slack/commands", "text"), ("/api/slack/interactions", "payload")):
        operation = spec["paths"][path]["post"]
        form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
        assert field in form["properties"]
        assert {p["name"] for p in operation["parameters"] if p["in"] == "header" and p["required"]} == {
            "X-Slack-Signature",
            "X-Slack-Request-Timestamp",
        }


FEEDBACK = {"query": "disk is full", "pattern": "disk-full", "useful": True}
BODIES = [
    ("/api/suggest", {"text": "disk full", "top": 2}),
    ("/api/suggest", {"text": "disk full", "top": 20.0}),  # JSON Schema's integer: refused before
    ("/api/suggest", {"text": "\ufeffdisk"}),  # U+FEFF is not white space to str.strip()
    ("/api/suggest", {"text": ""}),
    ("/api/suggest", {"text": " \t\u3000\u2028"}),
    ("/api/suggest", {"text": "\x1c"}),  # white space to str.strip(), text to a JSON Schema \S
    ("/api/suggest", {"text": "\u200b\u2060 \ufeff"}),  # zero-width characters alone: nothing to search
    ("/api/suggest", {"text": "disk", "top": 2.5}),
    ("/api/suggest", {"text": "disk", "top": True}),
    ("/api/suggest", {"text": "disk", "top": 51.0}),
    ("/api/feedback", FEEDBACK),
    ("/api/feedback", {**FEEDBACK, "query": "\x1f\x85"}),
    ("/api/feedback", {**FEEDBACK, "pattern": " "}),
    ("/api/alertmanager", alert_payload({"labels": {"alertname": "DiskFull"}})),
    ("/api/alertmanager", {**alert_payload({"labels": {"alertname": "DiskFull"}}), "version": "1"}),
    ("/api/alertmanager", {**alert_payload(), "version": ""}),  # was schema-valid (any string), then a 422
    ("/api/alertmanager", {**alert_payload(), "version": "5"}),
]


@pytest.mark.parametrize("path, body", BODIES)
def test_a_body_is_accepted_exactly_when_it_fits_the_published_schema(served, path, body):
    base, spec = served
    schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    r = httpx.post(base + path, json=body, timeout=30)
    assert_documented(spec, "POST", path, r)
    assert r.is_success == check(spec, schema, body), (body, r.status_code, r.text[:200])


@pytest.mark.parametrize("top, ok", [("0", False), ("1", True), ("50", True), ("51", False)])
def test_alertmanager_top_range_is_published(served, top, ok):
    base, spec = served
    (param,) = [p for p in spec["paths"]["/api/alertmanager"]["post"]["parameters"] if p["name"] == "top"]
    assert check(spec, param["schema"], int(top)) is ok
    r = httpx.post(base + "/api/alertmanager", params={"top": top}, json=alert_payload(), timeout=30)
    assert r.is_success is ok, r.text


def schema_patterns(node, where: str = "") -> dict[str, str]:
    """Every JSON Schema ``pattern`` keyword under ``node`` (an example's "pattern" key is a value, not one), by where."""
    found = {}
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found[where] = value
            elif key not in ("example", "examples"):
                found.update(schema_patterns(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.update(schema_patterns(value, f"{where}/{i}"))
    return found


def run_node(tmp_path, script: str, given) -> object:
    """What ``script`` (Node, ``input`` the JSON of ``given``) writes to stdout, through JSON."""
    (tmp_path / "input.json").write_text(json.dumps(given))
    (tmp_path / "run.mjs").write_text(
        'import fs from "node:fs";\nconst input = JSON.parse(fs.readFileSync("input.json", "utf8"));\n' + script
    )
    run = subprocess.run([NODE, "run.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_every_published_pattern_compiles_as_ecma_262_without_flags(served, tmp_path):
    """JSON Schema's patterns are ECMA-262, and validators compile them with no flags: the not-blank pattern of
    every text field wrote the characters past U+FFFF as themselves, which needs JavaScript's u flag, and Node's
    new RegExp(p) refused it ("Range out of order in character class"), so a JavaScript client could not
    validate any request (found in an integration review)."""
    _, spec = served
    patterns = schema_patterns(spec)
    assert any("SuggestIn" in where for where in patterns), patterns
    script = """const bad = {};
for (const [where, p] of Object.entries(input)) { try { new RegExp(p); } catch (e) { bad[where] = String(e); } }
process.stdout.write(JSON.stringify(bad));"""
    assert run_node(tmp_path, script, patterns) == {}


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_not_blank_pattern_is_the_servers_rule_on_every_code_point(tmp_path):
    """The published pattern, as ECMA-262 reads it with no flags (code units: a character past U+FFFF is a
    surrogate pair), agrees with the server's check (recur.util.text.has_text) on every code point: white space
    as str.strip() takes it, control characters, the zero-width ones (U+200B, U+FEFF) and emoji are no text; a
    lone surrogate is a character (the server reads it as U+FFFD). A pair's halves are not text apart: an emoji
    beside a lone half of another is no more text than the lone half is."""
    from recur.serve.bodies import NOT_BLANK
    from recur.util.text import has_text

    texts = ["\U0001f525\U0001f6a8", "\u200b\U000e0041", "a\U0001f525", "\U00020000", "\U0001d400"]
    script = """const re = new RegExp(input.pattern), runs = [];
for (let c = 0; c <= 0x10ffff; c++) {
  const t = re.test(String.fromCodePoint(c));
  if (runs.length % 2 === 0 ? t : !t) runs.push(c);
}
const halves = ["\\uD83D", "\\uDD25", "\\uD83D\\uD83D\\uDD25", "\\uD83D\\uDD25\\uDD25", "\\uDD25\\uD83D\\uDD25"];
process.stdout.write(JSON.stringify({runs, texts: input.texts.map((t) => re.test(t)),
  halves: halves.map((h) => re.test(JSON.parse('"' + h + '"')))}));"""
    out = run_node(tmp_path, script, {"pattern": NOT_BLANK["pattern"], "texts": texts})
    runs, last = [], False  # where has_text turns true, then false, and so on: as the script counts them
    for c in range(sys.maxunicode + 1):
        if has_text(chr(c)) != last:
            runs.append(c)
            last = not last
    assert out["runs"] == runs, [hex(c) for c in set(out["runs"]) ^ set(runs)]
    assert out["texts"] == [has_text(t) for t in texts] == [False, False, True, True, True]
    assert out["halves"] == [True] * 5  # each holds a lone half: a character, as the server reads it (U+FFFD)
    assert not [hex(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and has_text(chr(c))]


def test_not_blank_pattern_as_pythons_re_reads_it():
    """Python's re (the jsonschema package's) reads code points, not code units: up to U+FFFF the pattern is the
    server's rule there too, and past it every character is text (the pairs mean nothing there): a validator in
    Python may let an emoji alone through to the server's 422, never refuse a text the server searches."""
    from recur.serve.bodies import NOT_BLANK
    from recur.util.text import has_text

    pattern = re.compile(NOT_BLANK["pattern"])
    assert not [hex(c) for c in range(0x10000) if bool(pattern.search(chr(c))) != has_text(chr(c))]
    assert all(pattern.search(chr(c)) for c in (0x10000, 0x1D400, 0x1F525, 0x20000, 0xE0041, 0x10FFFF))


def test_a_votes_pattern_id_limit_is_the_one_its_description_publishes():
    """The description said "at most 200 characters" and the validator took 200 again, as two literals."""
    from pydantic import ValidationError

    from recur.serve.bodies import MAX_PATTERN_ID, FeedbackIn

    said = FeedbackIn.model_json_schema()["properties"]["pattern"]["description"]
    assert f"at most {MAX_PATTERN_ID} characters" in said
    assert FeedbackIn(query="q", pattern="p" * MAX_PATTERN_ID, useful=True).pattern == "p" * MAX_PATTERN_ID
    with pytest.raises(ValidationError, match=f"the limit is {MAX_PATTERN_ID}"):
        FeedbackIn(query="q", pattern="p" * (MAX_PATTERN_ID + 1), useful=True)


def test_the_bearer_token_is_declared_so_docs_can_authorize(served):
    """/docs had no "Authorize": the token-guarded routes could not be tried there, and clients
    generated from openapi.json did not know to send the header (found in a security review)."""
    _, spec = served
    scheme = spec["components"]["securitySchemes"]["token"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer") and "--token-file" in scheme["description"]
    # no token on this server: optional (tests/test_serve_answers.py: as the server's token and scope ask for it)
    assert spec["paths"]["/api/feedback"]["post"]["security"] == [{}, {"token": []}]
    assert spec["paths"]["/api/suggest"]["post"]["security"] == [{}, {"token": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]  # open: a load balancer's probe


def test_the_documentations_paths_are_served_where_the_middleware_reads_them(served):
    """The documentation's paths were written in three modules (prefix.py, security.py, app.py's FastAPI
    arguments) and could drift apart (found in review): app.py now serves them at prefix.py's, which the
    middleware reads: the HTML pages (Swagger UI's script allowed by its hash), the schema and an asset."""
    from recur.serve import prefix

    base, _ = served
    for path in prefix.DOCS_HTML:
        r = httpx.get(base + path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
    assert "'sha256-" in httpx.get(base + prefix.DOCS_UI).headers["content-security-policy"]  # its script allowed
    assert httpx.get(base + prefix.DOCS_SCHEMA).json()["info"]["title"] == "Recur API"
    assert httpx.get(base + prefix.DOCS_ASSETS + "/swagger-ui.css").status_code == 200
    assert all(prefix.is_docs_path(path) for path in (*prefix.DOCS_HTML, prefix.DOCS_ASSETS + "/redoc.standalone.js"))
