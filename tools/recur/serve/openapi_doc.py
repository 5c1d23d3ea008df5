"""What /openapi.json says beyond what FastAPI finds in the routes: the answers every route may give (the one error
shape, the 501, 421, 403 and 400 of the layers before routing, the ``X-Request-Id`` header), each operation's token
as the server's configuration asks for it, and request bodies whose optional keys a generated client may leave out.

``publish(app)`` wraps ``app.openapi``; FastAPI builds the document once and keeps it (``app.openapi_schema``), and
each change here can be made again on it without changing it further.
"""

from __future__ import annotations

import json

from recur.serve.deps import errors

# answered before routing, so on every operation: a transfer coding other than chunked (guard.BodyGuard, 501); a
# Host or an Origin the server does not answer to (security.HostCheck, 421 misdirected_request, 403 forbidden_origin);
# an HTTP/1.1 request without a Host, or with two or a malformed one (security.bad_host, 400 bad_request)
EVERY_ROUTE = (400, 403, 421, 501)
REQUEST_ID = {
    "X-Request-Id": {
        "description": "The request's own X-Request-Id when it sent a sane one (1 to 128 visible ASCII characters, "
        "no space, quote or backslash), else a new one (32 hex digits); the access log names it.",
        "schema": {"type": "string"},
    }
}


def publish(app) -> None:
    """Make ``app.openapi`` give the document with the additions of this module."""
    plain = app.openapi

    def openapi() -> dict:
        spec = plain()
        for operation in (op for path in spec.get("paths", {}).values() for op in path.values()):
            _responses(operation.get("responses", {}))
        for name in ("HTTPValidationError", "ValidationError"):
            spec.get("components", {}).get("schemas", {}).pop(name, None)
        _security(app, spec)
        _optional_keys(spec)
        return spec

    app.openapi = openapi


def _responses(responses: dict) -> None:
    """The published 422s in the one error shape: FastAPI documents its own validation error body
    (HTTPValidationError) on a route with parameters that does not list 422 itself, a body this
    server never sends (guard.install_error_handlers answers validation errors in the one shape). The answers of
    the layers before routing (``EVERY_ROUTE``), and the request id every answer carries."""
    if "HTTPValidationError" in str(responses.get("422", "")):
        responses["422"] = errors(422)[422]
    for status in EVERY_ROUTE:
        responses.setdefault(str(status), errors(status)[status])
    for response in responses.values():
        response.setdefault("headers", {}).update(REQUEST_ID)


def _security(app, spec: dict) -> None:
    """Each operation's ``security`` as this server asks for the token: required where its rule
    (security.require_write, require_read) asks for it under the server's token and --token-scope; else optional,
    ``[{}, {"token": []}]`` (a token sent is no harm, and /docs keeps its "Authorize"). Every route was published as
    needing it, with no token configured too (found in an integration review)."""
    from fastapi.routing import APIRoute

    from recur.serve.security import needs_token

    settings = app.state.settings
    # the routers as declared, as security.TokenFirst reads them (FastAPI keeps an included router whole)
    for route in (r for router in app.state.api_routers for r in router.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = spec.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is None or "security" not in operation:
                continue
            needed = needs_token(route, settings)
            operation["security"] = [{"token": []}] if needed else [{}, {"token": []}]


def _optional_keys(spec: dict) -> None:
    """A request body's key with a default is optional (JSON Schema's ``required`` does not list it), but
    openapi-typescript (its defaultNonNullable, on by default) types a component's property with a ``default`` as
    always present: a client had to send ``top`` to /api/suggest. The default is said in the property's description
    instead, in the request bodies' schemas only; a response's keys are in ``required`` when always there."""
    schemas = spec.get("components", {}).get("schemas", {})
    for name in _request_schemas(spec, schemas):
        for prop in schemas[name].get("properties", {}).values():
            if "default" not in prop:
                continue
            default = prop.pop("default")
            if default is not None:
                said = f"Default: {json.dumps(default, ensure_ascii=False)}."
                prop["description"] = f"{prop['description']} {said}" if prop.get("description") else said


def _request_schemas(spec: dict, schemas: dict) -> set[str]:
    """The component schemas a request body refers to, and those they refer to in turn."""
    found: set[str] = set()
    todo = [
        media.get("schema", {})
        for path in spec.get("paths", {}).values()
        for operation in path.values()
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    while todo:
        for ref in _refs(todo.pop()):
            name = ref.rsplit("/", 1)[-1]
            if name in schemas and name not in found:
                found.add(name)
                todo.append(schemas[name])
    return found


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []
