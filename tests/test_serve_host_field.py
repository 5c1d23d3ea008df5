"""The request's Host field (RFC 9112 section 3.2): an HTTP/1.1 request without one, with two, or with a value that
is no host[:port] is a 400 in the one JSON error shape (JSON-RPC's on /mcp), on every bind, before the host checks;
an HTTP/1.0 request may carry none, and what probes and scrapers send is answered. Against a real uvicorn server,
its requests written byte for byte (an HTTP client always adds a Host)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess

import httpx
import pytest
from kbfactory import small_kb
from serve_util import fake_app, nginx_missing_reason, nginx_proxy, running, stub_site


@pytest.fixture(scope="module", params=[None, "127.0.0.1", "0.0.0.0"], ids=["no-host", "loopback", "any"])
def base(request, tmp_path_factory):
    """A server as `recur serve` makes it bound to loopback (the host checks and the MCP SDK's on), to every
    address (a browser's request checked), and without a bind named (create_app's default: no check)."""
    root = tmp_path_factory.mktemp("host")
    site = stub_site(root)
    with running(fake_app(small_kb(root / "kb"), root, site_dir=site, host=request.param)) as url:
        yield url


def raw(base: str, request: bytes) -> tuple[int, dict, bytes]:
    """(status, headers in lower case, body) of ``request`` sent as written on a connection of its own."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def request(method: str, path: str, version: str = "HTTP/1.1", headers: tuple = (), body: bytes = b"") -> bytes:
    lines = [f"{method} {path} {version}", *headers, "Connection: close"]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


SUGGEST = json.dumps({"text": "No space left on device"}).encode()
MCP_INIT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}).encode()
ROUTES = [
    ("GET", "/healthz", b""),
    ("GET", "/api/patterns", b""),
    ("POST", "/api/suggest", SUGGEST),
    ("GET", "/", b""),  # the site
    ("GET", "/metrics", b""),
]
NO_HOST_OR_BAD = [
    ((), "no Host header"),  # found in review: answered 200
    (("Host: 127.0.0.1", "Host: evil.example"), "2 Host header lines"),
    (("Host: exa mple.com",), "Invalid Host header"),
    (("Host: example.com/path",), "Invalid Host header"),
    (("Host: user@example.com",), "Invalid Host header"),
    (("Host: example.com:80x",), "Invalid Host header"),
]


@pytest.mark.parametrize("given, said", NO_HOST_OR_BAD, ids=[s + str(i) for i, (_, s) in enumerate(NO_HOST_OR_BAD)])
@pytest.mark.parametrize("method, path, body", ROUTES, ids=[p for _, p, _ in ROUTES])
def test_a_request_without_one_good_host_is_the_json_400(base, given, said, method, path, body):
    status, headers, sent = raw(base, request(method, path, headers=given, body=body))
    assert status == 400 and headers["content-type"].startswith("application/json"), (status, sent[:200])
    answer = json.loads(sent)
    assert set(answer) == {"error"} and answer["error"]["code"] == "bad_request", answer
    assert said in answer["error"]["message"], answer
    assert headers["x-request-id"] and headers["x-content-type-options"] == "nosniff"  # the layers outside it ran


def test_mcp_without_a_host_is_a_json_rpc_400(base):
    """/mcp answers its refusals in JSON-RPC's shape, the API's code in ``data``, as its 421 does."""
    given = ("Accept: application/json, text/event-stream",)
    status, _, sent = raw(base, request("POST", "/mcp", headers=given, body=MCP_INIT))
    answer = json.loads(sent)
    assert status == 400 and answer["error"]["data"] == {"code": "bad_request"}, answer
    assert "no Host header" in answer["error"]["message"] and answer["jsonrpc"] == "2.0"


@pytest.mark.parametrize("path", ["/healthz", "/api/patterns", "/"])
def test_an_http_1_0_request_may_carry_no_host(base, path):
    """HTTP/1.0 has no Host rule: an old probe (HAProxy's default httpchk) is answered as before."""
    status, _, sent = raw(base, request("GET", path, version="HTTP/1.0"))
    assert status == 200, sent[:300]


@pytest.mark.parametrize(
    "given",
    [
        "Host: 127.0.0.1",
        "Host: localhost:8000",
        "Host: [::1]:8000",
        "Host: LOCALHOST",
        "Host: ",  # RFC 9112: empty where the target has no authority
    ],
)
def test_a_single_good_host_is_answered(base, given):
    status, _, sent = raw(base, request("GET", "/healthz", headers=(given,)))
    assert status == 200, (given, sent[:300])


def test_the_probes_tools_send_are_answered(base):
    """What a probe sends: curl (Docker's HEALTHCHECK), Python's urllib and httpx, all HTTP/1.1 with a Host;
    a Kubernetes httpGet probe's Host is the pod's address and port (Go's client), as below."""
    import urllib.request

    assert httpx.get(base + "/healthz", timeout=30).status_code == 200
    with urllib.request.urlopen(base + "/healthz", timeout=30) as r:
        assert r.status == 200
    port = base.rsplit(":", 1)[1]
    k8s = (f"Host: 127.0.0.1:{port}", "User-Agent: kube-probe/1.30", "Accept: */*")
    assert raw(base, request("GET", "/healthz", headers=k8s))[0] == 200
    if shutil.which("curl"):
        for flags in ([], ["--http1.0"]):
            done = subprocess.run(["curl", "-sf", "-o", "/dev/null", *flags, base + "/healthz"], timeout=60)
            assert done.returncode == 0, flags


def test_an_http_1_0_request_without_a_host_through_the_documented_nginx_is_answered(tmp_path):
    """Found in a review: nginx with docs/operating.md's location (``proxy_set_header Host $http_host``, HTTP/1.1 to
    the server) passes an HTTP/1.0 client's request that had no Host on as HTTP/1.1 with none (nginx drops a header
    set to an empty value): an old probe through the proxy got the 400, where it is answered at the server itself.
    nginx refuses an HTTP/1.1 request without a Host itself."""
    reason = nginx_missing_reason()
    if reason:
        pytest.skip(reason)
    site = stub_site(tmp_path)
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, site_dir=site, host="127.0.0.1")
    with running(app) as upstream, nginx_proxy(upstream, "/recur", tmp_path / "nginx") as url:
        public = url.removesuffix("/recur")
        status, _, sent = raw(public, request("GET", "/recur/healthz", version="HTTP/1.0"))
        assert status == 200, sent[:300]
        status, _, sent = raw(public, request("GET", "/recur/healthz", headers=("Host: localhost",)))
        assert status == 200, sent[:300]


XFF_LINE = "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"


@pytest.mark.parametrize(
    "edit",
    [
        lambda block: block.replace(XFF_LINE, ""),  # X-Forwarded-Proto left
        lambda block: block.replace(XFF_LINE, "proxy_set_header X-Real-IP $remote_addr;").replace(
            "proxy_set_header X-Forwarded-Proto $scheme;", ""
        ),
    ],
    ids=["without-x-forwarded-for", "x-real-ip-only"],
)
def test_an_http_1_0_probe_without_a_host_through_an_nginx_without_x_forwarded_for_is_answered(tmp_path, edit):
    """Found in review: an nginx location written without the X-Forwarded-For line (docs/operating.md's less it, or
    the common one with X-Real-IP alone) passes an HTTP/1.0 probe that had no Host on as HTTP/1.1 with none, and that
    was the 400 (only Forwarded and X-Forwarded-For were read as a proxy's). Each header such a location sets is."""
    reason = nginx_missing_reason()
    if reason:
        pytest.skip(reason)
    site = stub_site(tmp_path)
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, site_dir=site, host="127.0.0.1")
    with running(app) as upstream, nginx_proxy(upstream, "/recur", tmp_path / "nginx", edit) as url:
        status, _, sent = raw(url.removesuffix("/recur"), request("GET", "/recur/healthz", version="HTTP/1.0"))
        assert status == 200, sent[:300]


@pytest.mark.parametrize(
    "given", ["X-Real-IP: 10.0.0.9", "Via: 1.1 lb", "X-Forwarded-Proto: https", "X-Forwarded-Host: kb.example.com"]
)
def test_a_request_a_proxy_passed_on_without_a_host_is_answered(base, given):
    """The headers a reverse proxy adds, each alone, mark a request it passed on (which may have had no Host)."""
    status, _, sent = raw(base, request("GET", "/healthz", headers=(given,)))
    assert status == 200, (given, sent[:300])


def test_the_400_for_no_host_says_what_a_proxy_adds(base):
    """A proxy that passes on a Host-less request with no header of its own is told the line its location lacks."""
    status, _, sent = raw(base, request("GET", "/healthz"))
    message = json.loads(sent)["error"]["message"]
    assert status == 400 and "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in message, message


def test_the_421_names_the_flag_and_variable_that_accept_a_proxy_s_host(tmp_path):
    """A reverse proxy passing its public name (nginx's ``proxy_set_header Host $host``) to a server bound to
    loopback gets the 421, with or without X-Forwarded-For. Its message said only "a reverse proxy's host is named
    with --allowed-host": it names the flag and RECUR_MCP_ALLOWED_HOSTS with the name to give (port left out), and
    a server started so answers that proxy, on /mcp too."""
    kb, site = small_kb(tmp_path / "kb"), stub_site(tmp_path)
    proxied = ("Host: KB.example.com:8443", "X-Forwarded-For: 10.0.0.9")
    with running(fake_app(kb, tmp_path, site_dir=site, host="127.0.0.1")) as base:
        for given in (proxied, proxied[:1]):
            status, _, sent = raw(base, request("GET", "/healthz", headers=given, body=b""))
            message = json.loads(sent)["error"]["message"]
            assert status == 421, sent[:300]
            assert "--allowed-host kb.example.com " in message, message
            assert "RECUR_MCP_ALLOWED_HOSTS=kb.example.com," in message, message
        status, _, sent = raw(base, request("GET", "/healthz", headers=("Host: _",)))
        message = json.loads(sent)["error"]["message"]
        assert status == 421 and "--allowed-host (env RECUR_MCP_ALLOWED_HOSTS)" in message, message
        # /mcp: the MCP SDK's own refusal, which said "Invalid Host header" alone, in JSON-RPC's shape
        mcp = (*proxied, "Accept: application/json, text/event-stream")
        status, _, sent = raw(base, request("POST", "/mcp", headers=mcp, body=MCP_INIT))
        answer = json.loads(sent)
        assert status == 421 and answer["jsonrpc"] == "2.0", sent[:300]
        assert "--allowed-host kb.example.com " in answer["error"]["message"], answer
    app = fake_app(kb, tmp_path, site_dir=site, host="127.0.0.1", mcp_allowed_hosts=("kb.example.com",))
    with running(app) as base:
        assert raw(base, request("GET", "/healthz", headers=proxied))[0] == 200
        assert raw(base, request("POST", "/mcp", headers=mcp, body=MCP_INIT))[0] == 200


@pytest.fixture(scope="module")
def loopback(tmp_path_factory):
    """A server bound to loopback, as `recur serve` starts by default (every route's Host checked, /mcp's by the
    MCP SDK)."""
    root = tmp_path_factory.mktemp("loopback")
    with running(fake_app(small_kb(root / "kb"), root, site_dir=stub_site(root), host="127.0.0.1")) as url:
        yield url


def refusal(base: str, path: str, host: str) -> tuple[int, str]:
    """(status, error message) of a request to ``path`` (GET, or /mcp's initialize) with Host ``host``."""
    if path == "/mcp":
        headers = (f"Host: {host}", "Accept: application/json, text/event-stream")
        status, _, sent = raw(base, request("POST", "/mcp", headers=headers, body=MCP_INIT))
    else:
        status, _, sent = raw(base, request("GET", path, headers=(f"Host: {host}",)))
    return status, json.loads(sent)["error"]["message"]


def test_the_421_for_a_long_public_name_names_it_whole_on_every_route(loopback):
    """A proxy's public name longer than 100 characters (a DNS name may be 253): /mcp's 421 cut the Host to 100
    before naming the flag's value, so it told the operator to set a name that was not theirs, and said it in lower
    case where the other routes said it as sent (found in a re-read). Every route says one message, the Host shown
    cut, the name to set whole."""
    name = ".".join(["Edge-" + "x" * 50, "kb-" + "y" * 50, "internal.corp.example.com"])
    assert 100 < len(name) <= 253
    said = {path: refusal(loopback, path, name + ":8443") for path in ("/healthz", "/", "/mcp")}
    assert {status for status, _ in said.values()} == {421}, said
    assert len({message for _, message in said.values()}) == 1, said
    message = said["/mcp"][1]
    assert f"--allowed-host {name.lower()} " in message and f"RECUR_MCP_ALLOWED_HOSTS={name.lower()}," in message
    assert f"Invalid Host header {(name + ':8443')[:100]!r}:" in message, message


@pytest.mark.parametrize("path", ["/healthz", "/mcp"])
def test_the_421_for_a_huge_host_stays_small(loopback, path):
    """A 60 KB Host of dotted labels (it passes as a host name) was said whole in the 421 and twice more as the
    flag's and the variable's value, a 180 KB answer to one request: the Host is shown cut, and a name longer than
    DNS's 253 characters is not offered as an --allowed-host value."""
    status, message = refusal(loopback, path, "a." * 30_000 + "example")
    assert status == 421 and len(message) < 400, (status, len(message))
    assert "--allowed-host (env RECUR_MCP_ALLOWED_HOSTS)" in message, message


def test_mcp_s_421_for_a_request_without_a_host_says_none_was_sent(loopback):
    """An HTTP/1.0 request without a Host (or one a proxy passed on without one), which every other route answers,
    is refused on /mcp by the MCP SDK (its check of the Host): it said "Invalid Host header" of a Host nobody sent."""
    headers = ("Accept: application/json, text/event-stream",)
    for version, given in (("HTTP/1.0", headers), ("HTTP/1.1", (*headers, "X-Forwarded-For: 10.0.0.9"))):
        status, _, sent = raw(loopback, request("POST", "/mcp", version=version, headers=given, body=MCP_INIT))
        message = json.loads(sent)["error"]["message"]
        assert status == 421 and "none was sent" in message and "--allowed-host" in message, (version, message)
        assert raw(loopback, request("GET", "/healthz", version=version, headers=given[1:]))[0] == 200


def test_a_host_in_other_letters_is_named_as_sent_and_told_its_idna_form(base):
    """A Host is ASCII (an internationalized name in its IDNA form, as browsers, curl and httpx send it): one sent
    as UTF-8 is the 400, its message naming it as sent (it read "bÃ¼cher.example") and the form to send."""
    given = "GET /healthz HTTP/1.1\r\nHost: bücher.example\r\nConnection: close\r\n\r\n".encode()
    status, _, sent = raw(base, given)
    message = json.loads(sent)["error"]["message"]
    assert status == 400 and "'bücher.example'" in message and "IDNA" in message and "xn--" in message, message
    assert raw(base, request("GET", "/healthz", headers=("Host: xn--bcher-kva.example",)))[0] != 400


def test_a_fully_qualified_loopback_name_is_loopback_on_every_route(tmp_path):
    """``localhost.`` (a name with DNS's root dot, which a client writes to skip the resolver's search list) is the
    host ``localhost``, and a browser reads ``127.0.0.1.`` as that address: on a loopback bind both were a 421 on
    every route, /mcp too (found in review). Other names stay refused, with their dot or not: the checks are
    against DNS rebinding."""
    site = stub_site(tmp_path)
    with running(fake_app(small_kb(tmp_path / "kb"), tmp_path, site_dir=site, host="127.0.0.1")) as base:
        port = base.rsplit(":", 1)[1]
        mcp = ("POST", "/mcp", MCP_INIT)
        accept = "Accept: application/json, text/event-stream"
        for host in ("localhost.", f"localhost.:{port}", "127.0.0.1.", f"127.0.0.1.:{port}"):
            origin = f"Origin: http://{host}"
            for method, path, body in (*ROUTES, mcp):
                status, _, sent = raw(base, request(method, path, headers=(f"Host: {host}", origin, accept), body=body))
                assert status == 200, (host, path, sent[:300])
        for host in ("evil.example.", "localhost.evil.example", "localhost..", "127.0.0.1.evil."):
            for method, path, body in (ROUTES[0], mcp):
                status, _, sent = raw(base, request(method, path, headers=(f"Host: {host}", accept), body=body))
                assert status == 421, (host, path, sent[:300])
        status, _, sent = raw(base, request("GET", "/healthz", headers=("Host: localhost.", "Origin: http://evil.")))
        assert status == 403, sent[:300]


@pytest.mark.parametrize(
    "allowed, hosts",
    [
        ((), ("LOCALHOST", "LocalHost:{port}", "LOCALHOST.", "[::1]")),
        (("kb.example.com:443",), ("kb.example.com", "kb.example.com:8443", "KB.Example.COM:443")),
        (("KB.Example.com",), ("kb.example.com", "KB.EXAMPLE.COM:443")),
    ],
    ids=["loopback-case", "allowed-with-port", "allowed-in-capitals"],
)
def test_mcp_answers_every_host_the_other_routes_answer(tmp_path, allowed, hosts):
    """A Host's letter case and port are not the host: every other route of a loopback bind reads them so
    (security.HostCheck), but the MCP SDK compares its list as written, so /mcp refused ``Host: LOCALHOST`` (421), and
    ``--allowed-host kb.example.com:443`` listed ``kb.example.com:443:*`` there, refusing ``Host: kb.example.com``
    (found in review). Foreign names stay refused on both."""
    site = stub_site(tmp_path)
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, site_dir=site, host="127.0.0.1", mcp_allowed_hosts=allowed)
    accept = "Accept: application/json, text/event-stream"
    with running(app) as base:
        port = base.rsplit(":", 1)[1]
        for host in (h.format(port=port) for h in hosts):
            origin = f"Origin: http://{host}"
            for method, path, body in (ROUTES[0], ("POST", "/mcp", MCP_INIT)):
                status, _, sent = raw(base, request(method, path, headers=(f"Host: {host}", origin, accept), body=body))
                assert status == 200, (host, path, sent[:300])
        for host in ("EVIL.example", "kb.example.com.evil", "LOCALHOST.evil"):
            for method, path, body in (ROUTES[0], ("POST", "/mcp", MCP_INIT)):
                status, _, sent = raw(base, request(method, path, headers=(f"Host: {host}", accept), body=body))
                assert status == 421, (host, path, sent[:300])
