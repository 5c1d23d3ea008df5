"""Compressed answers (guard.Compressed, Starlette's GZipMiddleware): the site's files and the JSON answers gzipped for
a client that accepts it, never /mcp's event streams; errors keep their one shape; a site file's repeated request is
still a 304. Against a real uvicorn server (fake:64 encoder), the MCP SDK's own client on /mcp."""

from __future__ import annotations

import gzip
import json
import random
import socket

import httpx
import pytest
from kbfactory import small_kb
from serve_util import MCP_ACCEPT, MCP_INIT, fake_app, run_async, running, stub_site

GZ = {"accept-encoding": "gzip"}
GZIP_MIN_BYTES = 1024  # guard.GZIP_MIN_BYTES: a literal, so that this file runs on code before it too
PLAIN = {"accept-encoding": "identity"}  # httpx asks for gzip unless told
SUGGEST = {"text": "No space left on device", "top": 5}
PAGE = (
    "<html><body>" + "".join(f"<p>Disk full on node {i}: No space left on device</p>" for i in range(200)) + "</body>"
)


# files the site stores gzipped (the browser model and ONNX Runtime's wasm: application/octet-stream, application/wasm)
STORED_GZIPPED = ("model.onnx.gz", "ort-wasm-simd-threaded.wasm.gz", "Model.ONNX.GZ")
WEIGHTS = random.Random(0).randbytes(64 * 1024)  # as a model's weights, bytes gzip can do little with
# a file sent in several parts (Starlette reads a file 64 KiB at a time): compressed as a stream, no Content-Length
BIG_JS = "".join(f"const pattern{i} = 'No space left on device on node {i}';\n" for i in range(8000))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("gzip")
    site = stub_site(root)
    (site / "patterns").mkdir()
    (site / "patterns" / "index.html").write_text(PAGE)
    for name in STORED_GZIPPED:
        (site / "assets" / name).write_bytes(gzip.compress(WEIGHTS))
    (site / "assets" / "big.js").write_text(BIG_JS)
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<urlset>" + b"<url/>" * 400 + b"</urlset>"))
    with running(fake_app(small_kb(root / "kb"), root, site_dir=site, host="127.0.0.1")) as url:
        yield url


def fetch(base: str, path: str, headers: dict, method: str = "GET", body=None) -> tuple[httpx.Response, bytes]:
    """(the answer, its body's bytes as sent)."""
    with httpx.Client(timeout=60) as client, client.stream(method, base + path, headers=headers, json=body) as r:
        return r, b"".join(r.iter_raw())


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/patterns/", None),
        ("GET", "/openapi.json", None),
        ("POST", "/api/suggest", {"text": "No space left on device", "top": 5}),
    ],
)
def test_a_large_answer_is_gzipped_for_a_client_that_accepts_it(base, method, path, body):
    """Found in an operator's review: every page, the search index and the JSON answers went uncompressed."""
    plain, sent_plain = fetch(base, path, PLAIN, method, body)
    zipped, sent_zipped = fetch(base, path, GZ, method, body)
    assert plain.status_code == zipped.status_code == 200
    assert "content-encoding" not in plain.headers and len(sent_plain) >= GZIP_MIN_BYTES
    assert zipped.headers["content-encoding"] == "gzip" and "accept-encoding" in zipped.headers["vary"].lower()
    assert gzip.decompress(sent_zipped) == sent_plain and len(sent_zipped) < len(sent_plain) / 2
    assert zipped.headers["content-type"] == plain.headers["content-type"]
    assert zipped.headers["x-content-type-options"] == "nosniff"  # the security headers are put on outside it


def test_a_small_answer_is_sent_as_it_is(base):
    r, sent = fetch(base, "/healthz", GZ)
    assert r.status_code == 200 and len(sent) < GZIP_MIN_BYTES
    assert "content-encoding" not in r.headers and json.loads(sent)["status"] in ("ok", "degraded")


@pytest.mark.parametrize(
    "method, path, body, status, code",
    [
        ("GET", "/api/nothing-here", None, 404, "not_found"),
        ("POST", "/api/suggest", {"text": "x" * 200_000}, 413, "body_too_large"),
        ("POST", "/api/suggest", {"text": ""}, 422, "invalid_request"),
        ("POST", "/api/alertmanager", [{"labels": {"alertname": f"A{i}" * 40}} for i in range(30)], 422, None),
    ],
)
def test_error_answers_keep_their_one_shape_through_gzip(base, method, path, body, status, code):
    """Each error is {"error": {"code", "message"}} in JSON whatever the client accepts, compressed or not."""
    r = httpx.request(method, base + path, json=body, headers=GZ, timeout=60)
    assert r.status_code == status and r.headers["content-type"].startswith("application/json"), r.text[:300]
    got = r.json()  # httpx decodes what was gzipped
    assert set(got) == {"error"} and set(got["error"]) == {"code", "message"}, got
    assert code is None or got["error"]["code"] == code, got


def test_a_site_files_repeated_request_is_a_304_through_gzip(base):
    """A browser sends back the ETag (or the Last-Modified) it was given: the compressed answer's ETag is the
    file's made weak (the bytes are not the file's, as nginx says it), and the 304 comes as before."""
    plain, _ = fetch(base, "/patterns/", PLAIN)
    zipped, _ = fetch(base, "/patterns/", GZ)
    strong = plain.headers["etag"]
    assert not strong.startswith("W/") and zipped.headers["etag"] == "W/" + strong
    for etag in (zipped.headers["etag"], strong):
        again = httpx.get(base + "/patterns/", headers={**GZ, "if-none-match": etag}, timeout=30)
        assert again.status_code == 304 and again.content == b"", (etag, again.status_code)
    since = {**GZ, "if-modified-since": zipped.headers["last-modified"]}
    assert httpx.get(base + "/patterns/", headers=since, timeout=30).status_code == 304


def test_a_head_says_what_the_get_sends_and_a_range_is_not_compressed(base):
    head, sent = fetch(base, "/patterns/", GZ, method="HEAD")
    assert head.status_code == 200 and head.headers["content-encoding"] == "gzip" and sent == b""
    part, sent = fetch(base, "/patterns/", {**GZ, "range": "bytes=0-99"})
    assert part.status_code == 206 and "content-encoding" not in part.headers and sent == PAGE.encode()[:100]


@pytest.mark.parametrize("path", ["/patterns/", "/assets/big.js", "/openapi.json"])
def test_a_head_has_the_gets_head_and_no_body_is_compressed_for_it(base, path):
    """A HEAD is answered as a GET (guard.HeadAsGet) whose body is thrown away: it went through gzip whole first, a
    large file's CPU for nothing. Its head is still the GET's (Content-Type, Content-Encoding, Vary, ETag); the
    length of a body compressed is known only by compressing it all, so a compressed HEAD says none (RFC 9110
    section 8.6 lets a HEAD leave it out, and forbids one that is not the GET's): what shows none was compressed.
    Not compressed, its Content-Length is the GET's."""
    for accepts in (GZ, PLAIN):
        get, sent = fetch(base, path, accepts)
        head, nothing = fetch(base, path, accepts, method="HEAD")
        assert head.status_code == get.status_code == 200 and nothing == b"" and sent
        assert get.headers.get("content-encoding") == ("gzip" if accepts is GZ else None), get.headers
        for name in ("content-type", "content-encoding", "vary", "etag", "last-modified"):
            assert head.headers.get(name) == get.headers.get(name), (accepts, name, head.headers)
        if accepts is GZ:
            assert "content-length" not in head.headers, head.headers
        else:
            assert head.headers["content-length"] == get.headers["content-length"] == str(len(sent))


def _through_head_as_get(app, method: str) -> tuple[dict, int, bytes]:
    """``app`` behind guard.HeadAsGet and guard.Compressed as serve/app.py stacks them, asked ``method`` with
    Accept-Encoding: gzip: (the head sent, the body bytes Compressed handed to HeadAsGet, the body sent). What
    Compressed hands on is seen nowhere past HeadAsGet, which throws a HEAD's body away."""
    from recur.serve.guard import Compressed, HeadAsGet

    compressed, handed, out = Compressed(app), [], {"head": None, "body": b""}

    async def between(scope, receive, send):
        async def record(message):
            if message["type"] == "http.response.body":
                handed.append(len(message.get("body", b"")))
            await send(message)

        await compressed(scope, receive, record)

    async def client(message):
        if message["type"] == "http.response.start":
            out["head"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        else:
            out["body"] += message.get("body", b"")

    async def connected():  # a client that stays until the answer ends (Starlette listens for it going)
        import asyncio

        await asyncio.Event().wait()

    scope = {"type": "http", "method": method, "path": "/assets/big.js", "root_path": "", "query_string": b"",
             "headers": [(b"accept-encoding", b"gzip")], "http_version": "1.1"}  # fmt: skip
    run_async(HeadAsGet(between)(scope, connected, client))
    return out["head"], sum(handed), out["body"]


@pytest.mark.parametrize("streamed", [True, False], ids=["file in parts", "whole"])
def test_a_head_has_no_body_compressed_for_it(tmp_path, streamed):
    """Found in re-review: the HEAD test above could not fail for a file sent in parts (no Content-Length either
    way), the case that cost most: a HEAD of a 7.5 MB file went through gzip whole, for a body thrown away. At most
    its first KiB is compressed now (GZipMiddleware's size decision), and each later part nothing."""
    from starlette.responses import FileResponse, Response

    text = "".join(f"{random.Random(i).getrandbits(128):032x}\n" for i in range(60_000))  # 1.9 MB, ~30 parts
    (tmp_path / "big.js").write_text(text)

    async def app(scope, receive, send):
        answer = FileResponse(tmp_path / "big.js") if streamed else Response(text, media_type="text/javascript")
        await answer(scope, receive, send)

    get_head, get_handed, get_body = _through_head_as_get(app, "GET")
    head, handed, body = _through_head_as_get(app, "HEAD")
    assert gzip.decompress(get_body).decode() == text and get_handed == len(get_body) > len(text) / 4
    assert body == b"" and handed < 2 * GZIP_MIN_BYTES, (handed, get_handed)
    for name in ("content-type", "content-encoding", "vary", "etag"):
        assert head.get(name) == get_head.get(name), (name, head, get_head)
    assert head["content-encoding"] == "gzip" and "content-length" not in head, head


def test_mcp_event_stream_is_answered_at_once_and_never_compressed(base):
    """GET /mcp, a session's event stream, sends nothing until the server has something to say: its head must come
    at once (a compressor that waits for a body to decide would hold it for ever), and every event as it is."""
    sid = httpx.post(base + "/mcp", json=MCP_INIT, headers={**MCP_ACCEPT, **GZ}, timeout=30)
    assert sid.status_code == 200 and "content-encoding" not in sid.headers, sid.headers
    done = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    session = {**MCP_ACCEPT, "mcp-session-id": sid.headers["mcp-session-id"], "mcp-protocol-version": "2025-06-18"}
    httpx.post(base + "/mcp", json=done, headers=session, timeout=30)
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as s:
        lines = "".join(f"{k}: {v}\r\n" for k, v in {**session, "accept": "text/event-stream", **GZ}.items())
        s.sendall(f"GET /mcp HTTP/1.1\r\nHost: {host}\r\n{lines}\r\n".encode())
        head = s.recv(65536).decode("latin-1").lower()
    assert head.startswith("http/1.1 200 ") and "content-type: text/event-stream" in head, head
    assert "content-encoding" not in head, head


def test_the_mcp_sdk_client_works_over_http_with_gzip_on(base):
    """The SDK's client (httpx: it accepts gzip) lists and calls tools through the compressing server; a list of
    every pattern is well over the minimum size."""
    from mcp import Client

    async def main():
        async with Client(base + "/mcp", read_timeout_seconds=120) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            listed = await client.call_tool("list_patterns", {})
            found = await client.call_tool("suggest_patterns", {"text": "No space left on device", "top": 3})
            return tools, listed, found

    tools, listed, found = run_async(main())
    assert {"suggest_patterns", "list_patterns"} <= tools
    assert not listed.is_error and listed.structured_content["total"] >= 3, listed
    assert not found.is_error and found.structured_content["results"][0]["id"] == "disk-full", found


@pytest.mark.parametrize("name", STORED_GZIPPED)
def test_a_file_stored_gzipped_is_sent_as_stored(base, name):
    """Found in re-review: the site's model.onnx.gz (22.8 MB) and ort-wasm's .wasm.gz went through gzip again on
    every download (their types are none Starlette leaves alone): 1.5 s of the event loop's CPU each, for bytes
    that do not get smaller."""
    zipped, sent = fetch(base, "/assets/" + name, GZ)
    plain, sent_plain = fetch(base, "/assets/" + name, PLAIN)
    assert zipped.status_code == plain.status_code == 200
    assert "content-encoding" not in zipped.headers, zipped.headers
    assert sent == sent_plain and gzip.decompress(sent) == WEIGHTS
    assert zipped.headers["etag"] == plain.headers["etag"] and not zipped.headers["etag"].startswith("W/")


@pytest.mark.parametrize("path", [*("/assets/" + name for name in STORED_GZIPPED), "/sitemap.xml.gz"])
def test_a_file_stored_gzipped_says_it_is_gzip(base, path):
    """Found in a re-read: sitemap.xml.gz was sent as application/xml and ort-wasm's .wasm.gz as application/wasm,
    with no Content-Encoding, bytes no client could read as that type: a .gz file is application/gzip."""
    for accepts in (GZ, PLAIN):
        for method in ("GET", "HEAD"):
            r, sent = fetch(base, path, accepts, method)
            assert r.status_code == 200 and r.headers["content-type"] == "application/gzip", (path, method, r.headers)
            assert "content-encoding" not in r.headers and (method == "HEAD" or sent[:2] == b"\x1f\x8b"), r.headers
    assert fetch(base, "/assets/big.js", PLAIN)[0].headers["content-type"].startswith("text/javascript")


def test_a_range_is_sent_as_it_is_and_a_whole_answer_compressed(base):
    """Found in re-review: before Starlette 1.5 a 206 was gzipped under its uncompressed Content-Range (a corrupt
    part): a range is the file's bytes, as they are. Then any request with a Range header was answered
    uncompressed, even where the Range is not taken and the answer is the whole file or a route's JSON (a 200):
    compressed as any other 200 now."""
    part, sent = fetch(base, "/patterns/", {**GZ, "range": "bytes=0-99"})
    assert part.status_code == 206 and "content-encoding" not in part.headers and sent == PAGE.encode()[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(PAGE)}" and part.headers["content-length"] == "100"
    for path, ranged in [
        ("/patterns/", {"range": "bytes=0-99", "if-range": '"another-version"'}),  # If-Range of another version
        ("/patterns/", {"range": "items=0-5"}),  # a unit other than bytes: no range
        ("/openapi.json", {"range": "bytes=0-99"}),  # a route takes no Range
    ]:
        plain, sent_plain = fetch(base, path, {**PLAIN, **ranged})
        whole, sent = fetch(base, path, {**GZ, **ranged})
        assert plain.status_code == whole.status_code == 200, (path, ranged, whole.status_code)
        assert whole.headers.get("content-encoding") == "gzip", (path, ranged, whole.headers)
        assert gzip.decompress(sent) == sent_plain and "accept-encoding" in whole.headers["vary"].lower()
        head, _ = fetch(base, path, {**GZ, **ranged}, method="HEAD")
        assert head.headers.get("content-encoding") == "gzip", (path, ranged, head.headers)


@pytest.mark.parametrize("said", ["gzip;q=0", "gzip; q=0.000, deflate", "identity, GZIP;Q=0", "x-gzip;q=0, gzip;q=0"])
def test_gzip_refused_with_q_0_is_not_sent(base, said):
    """Found in re-review: Accept-Encoding: gzip;q=0 (gzip not acceptable, RFC 9110 section 12.5.3) got gzip."""
    r, sent = fetch(base, "/patterns/", {"accept-encoding": said})
    assert r.status_code == 200 and "content-encoding" not in r.headers and sent == PAGE.encode(), r.headers
    assert "accept-encoding" in r.headers["vary"].lower()


@pytest.mark.parametrize("said", ["gzip;q=0.5", "deflate;q=0, gzip", "gzip;q=0, x-gzip"])
def test_gzip_accepted_with_a_q_over_0_is_sent(base, said):
    r, sent = fetch(base, "/patterns/", {"accept-encoding": said})
    assert r.headers.get("content-encoding") == "gzip" and gzip.decompress(sent) == PAGE.encode(), said


# how clients say gzip other than "gzip": codings are case-insensitive (RFC 9110 section 8.4.1), "*" is any coding
# not named (section 12.5.3), x-gzip is gzip's old name; and a second Accept-Encoding line is read too
SAID_GZIP = ["GZIP", "Gzip, deflate", "X-GZIP", "*", "identity, *;q=0.5", "br;q=1.0, GZip;Q=0.8", "deflate, *;q=0.1"]
# and how they refuse it: "*;q=0" with gzip not named (Chrome's media requests), gzip named at q=0 whatever "*" says,
# a word that only holds "gzip", nothing at all
SAID_NO_GZIP = ["identity;q=1, *;q=0", "GZIP;q=0, *", "*;q=0.5, x-gzip;q=0, gzip;q=0", "nogzip", "gzipped", ""]


@pytest.mark.parametrize("said", SAID_GZIP)
@pytest.mark.parametrize("method, path, body", [("GET", "/patterns/", None), ("POST", "/api/suggest", SUGGEST)])
def test_gzip_is_read_in_any_letter_case_and_from_a_star(base, said, method, path, body):
    """Found in a review: "Accept-Encoding: GZIP" and "*" got no gzip, Starlette looking for the word "gzip" as
    written. A site file and a route agree, and the site file's HEAD and 304 say what its GET does."""
    r, sent = fetch(base, path, {"accept-encoding": said}, method, body)
    plain, sent_plain = fetch(base, path, PLAIN, method, body)
    assert r.status_code == 200 and r.headers.get("content-encoding") == "gzip", (said, r.headers)
    assert gzip.decompress(sent) == sent_plain, said
    if method == "GET":
        head, _ = fetch(base, path, {"accept-encoding": said}, "HEAD")
        again, _ = fetch(base, path, {"accept-encoding": said, "if-none-match": r.headers["etag"]})
        assert head.headers.get("content-encoding") == "gzip" and head.headers["etag"] == r.headers["etag"]
        assert again.status_code == 304 and again.headers["etag"] == r.headers["etag"].strip(), again.headers
        assert r.headers["etag"].startswith("W/") and "accept-encoding" in again.headers["vary"].lower()


@pytest.mark.parametrize("said", SAID_NO_GZIP)
@pytest.mark.parametrize("method, path, body", [("GET", "/patterns/", None), ("POST", "/api/suggest", SUGGEST)])
def test_gzip_refused_or_not_named_is_not_sent(base, said, method, path, body):
    r, sent = fetch(base, path, {"accept-encoding": said}, method, body)
    assert r.status_code == 200 and "content-encoding" not in r.headers and len(sent) >= GZIP_MIN_BYTES, said
    assert "accept-encoding" in r.headers["vary"].lower()


@pytest.mark.parametrize(
    "said, gzip_ok",
    [
        # a q that is no qvalue (RFC 9110 section 12.4.2) leaves its element out: these were read as q=1
        ("gzip;q=yes", False),
        ("gzip;q=1.5", False),
        ("gzip;q=-1", False),
        ("gzip;q=0.1234", False),  # four decimals
        ("gzip;q=abc, *", True),  # the rest of the list still read
        ("gzip;q=2, *;q=0", False),
        ("gzip;q=1.000", True),
        ("gzip;q=1.", True),
        ("gzip;q=0.", False),
        ("gzip;q=0.001", True),
        ('gzip;note="a, b; q=0";q=0.5', True),  # a quoted value's comma and semicolon are no separators
        ('gzip;note="a, b";q=0', False),
        ("gzip ; Q = 0 ", False),
        ("gzip, gzip;q=0", True),  # named twice: either one accepting is enough
        ("*;q=0, identity", False),
        ("identity;q=0", False),  # refuses identity, names no gzip: sent as it is all the same
        (" , ,", False),
    ],
)
def test_accept_encoding_edge_cases(said, gzip_ok):
    from recur.serve.guard import accepts_gzip

    assert accepts_gzip(said) is gzip_ok


@pytest.mark.parametrize("said", ["gzip;q=abc", "gzip;q=2", "GZIP;Q=-1", "gzip;q=0.1234", "x-gzip;q=1.5"])
@pytest.mark.parametrize("method, path, body", [("GET", "/patterns/", None), ("POST", "/api/suggest", SUGGEST)])
def test_gzip_with_a_q_that_is_no_qvalue_is_not_sent(base, said, method, path, body):
    """Found in a review: a q that is no qvalue (RFC 9110 section 12.4.2: 0 to 1, three decimals at most) was read as
    q=1 and the answer gzipped; the element is left out now, as the site's 404 page reads Accept (test_serve_errors)."""
    r, sent = fetch(base, path, {"accept-encoding": said}, method, body)
    assert r.status_code == 200 and "content-encoding" not in r.headers and len(sent) >= GZIP_MIN_BYTES, said
    again, sent = fetch(base, path, {"accept-encoding": said + ", *;q=0.5"}, method, body)  # the rest still read
    assert again.headers.get("content-encoding") == "gzip", said


def test_gzip_named_on_a_second_accept_encoding_line_is_read(base):
    """RFC 9110 section 5.3: a field sent on two lines is one list; Starlette read the first line only."""
    for lines, gzipped in [(["identity", "gzip"], True), (["gzip;q=0", "*"], False), (["*;q=0", "GZIP"], True)]:
        headers = [("accept-encoding", line) for line in lines]
        with httpx.Client(timeout=60) as client, client.stream("GET", base + "/patterns/", headers=headers) as r:
            sent = b"".join(r.iter_raw())
        assert (r.headers.get("content-encoding") == "gzip") is gzipped, (lines, r.headers)
        assert (gzip.decompress(sent) if gzipped else sent) == PAGE.encode()


@pytest.mark.parametrize(
    "path", ["/patterns/", "/assets/big.js", "/index.html", "/assets/model.onnx.gz", "/_docs-assets/swagger-ui.css"]
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_304_has_the_etag_and_vary_of_the_200(base, path, method):
    """Found in a re-read: a 304 to a gzip request said the file's strong ETag and no Vary, where the 200 had said the
    weak one and Vary: Accept-Encoding; RFC 9110 section 15.4.5 asks a 304 for the ETag and Vary the 200 would have
    sent (a cache keeps the variant it was told of). A file under the gzip minimum (index.html) and one stored
    compressed have a strong ETag and no Vary: their 304 too. Then found by an operator's curl: /docs' own files
    (Swagger UI's CSS and script, fastapi_offline's) had the same fault."""
    for accepts in (GZ, PLAIN):
        got, _ = fetch(base, path, accepts, method)
        assert got.status_code == 200, (path, got.status_code)
        for asked in ({"if-none-match": got.headers["etag"]}, {"if-modified-since": got.headers["last-modified"]}):
            again, sent = fetch(base, path, {**accepts, **asked}, method)
            assert again.status_code == 304 and sent == b"", (path, asked, again.status_code)
            for name in ("etag", "vary"):
                assert again.headers.get(name) == got.headers.get(name), (path, accepts, asked, name, again.headers)


def test_a_compressed_answer_offers_no_ranges(base):
    """Found by an operator's curl: a gzipped site file said Accept-Ranges: bytes, but a range is of the file's bytes
    as they are (a 206 is never compressed), so a client resuming the gzip it had from byte N would join two
    different byte sequences; as nginx's gzip, a compressed answer offers none. As it is, the file still does."""
    for path in ("/patterns/", "/assets/big.js"):
        plain, _ = fetch(base, path, PLAIN)
        assert plain.headers["accept-ranges"] == "bytes", plain.headers
        for method in ("GET", "HEAD"):
            zipped, _ = fetch(base, path, GZ, method)
            assert zipped.headers["content-encoding"] == "gzip" and "accept-ranges" not in zipped.headers, (
                zipped.headers
            )


def test_if_none_match_on_two_lines_is_one_list(base):
    """Found by an operator's curl: an ETag that matches on a second If-None-Match line was a 200 (Starlette read
    the first line alone); RFC 9110 section 5.3 reads the lines as one list."""
    for accepts in (GZ, PLAIN):
        etag = fetch(base, "/patterns/", accepts)[0].headers["etag"]
        headers = [*accepts.items(), ("if-none-match", '"another"'), ("if-none-match", etag)]
        again = httpx.get(base + "/patterns/", headers=headers, timeout=30)
        assert again.status_code == 304 and again.headers["etag"] == etag, (accepts, again.status_code)
        other = [*accepts.items(), ("if-none-match", '"another"'), ("if-none-match", '"yet-another"')]
        assert httpx.get(base + "/patterns/", headers=other, timeout=30).status_code == 200


@pytest.mark.parametrize("path", ["/patterns/", "/assets/big.js", "/assets/model.onnx.gz", "/sitemap.xml.gz"])
def test_if_none_match_star_is_a_304_for_a_site_file(base, path):
    """RFC 9110 section 13.1.2: "*" matches any current representation, so a GET or HEAD of a file that exists is
    the 304, with the ETag and Vary its 200 says (checked in a re-read: it was, and stays so); a file that does not
    exist is still the 404."""
    for accepts in (GZ, PLAIN):
        for method in ("GET", "HEAD"):
            got, _ = fetch(base, path, accepts, method)
            again, sent = fetch(base, path, {**accepts, "if-none-match": "*"}, method)
            assert again.status_code == 304 and sent == b"", (path, accepts, method, again.status_code)
            for name in ("etag", "vary"):
                assert again.headers.get(name) == got.headers.get(name), (path, accepts, method, name)
    assert fetch(base, "/assets/nothing.js", {**GZ, "if-none-match": "*"})[0].status_code == 404


def _site_file_through_head_as_get(site, path: str, method: str, headers: dict) -> tuple[dict, int]:
    """serve.site_files.SiteFiles on ``site`` behind guard.HeadAsGet and guard.Compressed as serve/app.py stacks
    them: (the head sent, the body bytes the site file handed on: what it read of the file)."""
    from recur.serve.guard import Compressed, HeadAsGet
    from recur.serve.site_files import SiteFiles

    files, out = SiteFiles(directory=str(site)), {"head": None, "handed": 0}

    async def counted(scope, receive, send):
        async def record(message):
            if message["type"] == "http.response.body":
                out["handed"] += len(message.get("body", b""))
            await send(message)

        await files(scope, receive, record)

    async def client(message):
        if message["type"] == "http.response.start":
            out["head"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}

    async def connected():  # a client that stays until the answer ends (Starlette listens for it going)
        import asyncio

        await asyncio.Event().wait()

    said = [(k.encode(), v.encode()) for k, v in headers.items()]
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "headers": said,
             "http_version": "1.1"}  # fmt: skip
    run_async(HeadAsGet(Compressed(counted))(scope, connected, client))
    return out["head"], out["handed"]


@pytest.mark.parametrize("size", [0, 700, 1024, 20_000, 64 * 1024, 64 * 1024 + 1, 1_900_000])
def test_a_head_of_a_site_file_reads_at_most_its_first_kib(tmp_path, size):
    """Found in a re-read: a HEAD of a site file read the whole file from disk and sent it up the layers, each part
    of it, to be thrown away (guard._HeadBody cut what gzip got of it, not what was read). It reads the first KiB
    at most, and its head is still the GET's, compressed or not: gzip decides on the first part and whether more
    follows, which it is handed as the GET's (sizes around the gzip minimum and Starlette's 64 KiB part)."""
    text = "".join(f"{random.Random(i).getrandbits(128):032x}\n" for i in range(size // 33 + 1))[:size]
    (tmp_path / "big.js").write_text(text)
    for accepts in (GZ, PLAIN):
        get, read_get = _site_file_through_head_as_get(tmp_path, "/big.js", "GET", accepts)
        head, read_head = _site_file_through_head_as_get(tmp_path, "/big.js", "HEAD", accepts)
        assert read_get == size and read_head <= min(size, GZIP_MIN_BYTES), (accepts, read_get, read_head)
        for name in ("content-type", "content-encoding", "vary", "etag", "last-modified"):
            assert head.get(name) == get.get(name), (accepts, name, head, get)
        if "content-encoding" not in get:
            assert head["content-length"] == get["content-length"] == str(size), (head, get)
    if size >= GZIP_MIN_BYTES:  # the sizes gzip takes: the test asks what it should
        assert head.get("vary") and get.get("content-encoding") is None


@pytest.mark.parametrize("ranges", ["bytes=0-", "bytes=100-199, 5000-", "items=0-5"])
def test_a_head_of_a_range_reads_none_of_it(tmp_path, ranges):
    """A HEAD with a Range (bytes=0-: the whole file) read the range from disk, as a GET does; gzip leaves a 206
    alone, so its head is sent alone. A range in a unit other than bytes is no range: the whole file's HEAD."""
    (tmp_path / "big.js").write_text(BIG_JS)
    asked = {**GZ, "range": ranges}
    get, read_get = _site_file_through_head_as_get(tmp_path, "/big.js", "GET", asked)
    head, read_head = _site_file_through_head_as_get(tmp_path, "/big.js", "HEAD", asked)
    assert read_get > 0 and read_head <= GZIP_MIN_BYTES, (read_get, read_head)
    # a range says its length; the whole file (a unit other than bytes) is compressed, as a stream: no length
    assert read_get >= int(get.get("content-length", read_get)), (read_get, get)
    for name in ("content-length", "content-range", "etag"):
        assert head.get(name) == get.get(name), (name, head, get)
    # a multipart answer's boundary is drawn for each answer; the lengths are the same all the same
    assert head["content-type"].partition(";")[0] == get["content-type"].partition(";")[0], (head, get)
