"""The OpenAPI document `recur serve` publishes says what the server does (found by fuzzing the
running server with schemathesis): every answer's status, media type and body are documented, and a
request body is accepted exactly when it fits the published request schema.

Runs against a real uvicorn server (fake:64 encoder); the checks use jsonschema (an mcp dependency).
"""

from __future__ import annotations

import httpx
import jsonschema
import pytest
from kbfactory import small_kb
from serve_util import fake_app, running

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
