"""uvicorn as `recur serve` runs it: one config for the CLI, the tests and the benchmarks.

uvicorn bounds the idle time between keep-alive requests, but not the time a client may take
to send its request headers: a client that trickles them in (slowloris) would hold its
connection forever. ``HeaderTimeoutProtocol`` starts a timer when a connection opens and
when each new request begins, stops it when the headers are complete, and answers 408 in the
JSON error shape (then closes) when it fires. Trickled bytes do not restart it. Slow
bodies are bounded in the app (BodyGuard's ``body_timeout``); neither ties up a worker
thread, since nothing reaches a route before its body is complete.

The other way round, a client that stops reading its response (a large site file, a big
Alertmanager answer) would keep the response waiting to be written, its concurrency slot and
its buffered bytes for as long as the connection lives. When writing stays paused (the socket
and transport buffers full) for ``send_timeout`` seconds with no progress, the connection is
aborted; a slow reader that keeps reading resumes writing and is never cut off.
"""

from __future__ import annotations

import functools
import json
from email.utils import formatdate

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from recur import config as settings
from recur.serve.guard import error_body
from recur.util.text import plural

DEFAULT_HEADER_TIMEOUT = settings.default("header_timeout")
# seconds a response may make no progress (the client reads nothing)
DEFAULT_SEND_TIMEOUT = settings.default("send_timeout")
# request line + headers; nginx's default buffers (4 x 8 KiB) are half of this. Without a bound the
# parser kept an 8 MB header, and a 100 MB one raised the server's memory by 130 MB (found by QA).
MAX_HEADER_BYTES = 64 * 1024
# what a stop reads of one connection's unread bytes: the kernel buffers a few MiB at most; only a backstop
MAX_READ_AT_STOP = 8 * 1024 * 1024


class HeaderTimeoutProtocol(HttpToolsProtocol):
    header_timeout = DEFAULT_HEADER_TIMEOUT
    send_timeout = DEFAULT_SEND_TIMEOUT
    # (status, body bytes, client address, request id) of each error answered here, before any app runs:
    # the app's metrics and access log never see these requests
    on_raw_error = None
    # called when uvicorn begins a graceful stop (the app's guard.Stopping), before any await of the stop
    on_shutdown = None
    _header_timer = None
    _header_bytes = 0
    _tail = b""  # the last bytes of the headers so far, to find their end across reads
    _send_timer = None
    # [requests answered 503 at the stop, unread until then]: one per server, said by its stop (Server)
    stop_tally = None
    _stopping = False  # shutdown() is reading what the client sent: a request in it is answered 503
    _answered_at_stop = False

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        """Count what arrives while the headers are incomplete (the header timer is armed just
        then); past MAX_HEADER_BYTES with the headers still not complete, a 431 and close. The
        parser holds at most that plus one read. A header block that ends within the read that
        takes it past the limit is measured to its end first: one read can hold 100 KiB of
        headers, which were parsed and answered 200 (found in review)."""
        if self._header_timer is not None and self._header_bytes + len(data) > MAX_HEADER_BYTES:
            end = (self._tail + data).find(b"\r\n\r\n")
            if end >= 0 and self._header_bytes + end + 4 - len(self._tail) > MAX_HEADER_BYTES:
                return self._too_large()
        super().data_received(data)  # may begin a message (the count restarts) or end its headers
        if self._header_timer is None:
            return
        self._header_bytes += len(data)
        self._tail = (self._tail + data)[-3:]  # a blank line split across two reads is still found
        if self._header_bytes > MAX_HEADER_BYTES:
            self._too_large()

    def _too_large(self) -> None:
        if not self.transport.is_closing():
            self._disarm_header_timer()
            self._raw_error(
                b"431 Request Header Fields Too Large",
                "headers_too_large",
                f"the request line and headers are over {MAX_HEADER_BYTES // 1024} KiB",
            )

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes, self._tail = 0, b""
        if self._header_timer is None:  # a keep-alive connection's next request
            self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        if self._stopping:  # read at the stop (by shutdown(), or on a connection taken from the listening queue)
            if not self._answered_at_stop:  # one answer, then the connection closes: a request after it is not read
                self._answer_at_stop()
            return
        super().on_headers_complete()
        if self.cycle is not None:  # the request's cycle (queued when pipelined): its 500 is ours
            self.cycle.send_500_response = functools.partial(self._send_500, self.cycle)

    async def _send_500(self, cycle) -> None:
        """uvicorn's own 500, for an exception that escaped the app (past guard.Unexpected and Starlette's
        handler: a bug in the layers outside them) or an app that ended without answering: the one JSON error
        shape, the security headers and a Date, as every answer. uvicorn's was "Internal Server Error" in
        plain text with no Date (its date_header is off: CurrentDate dates the app's answers, not this one).
        Not told to on_raw_error: an exception that went out through MetricsMiddleware was counted and
        logged there, as 500, under the request's id, which this answer carries."""
        from recur.serve.access import request_id

        if cycle.disconnected or self.transport.is_closing():
            return
        cycle.response_started = cycle.response_complete = True  # answered here; the connection closes
        self._raw_error(
            b"500 Internal Server Error",
            "internal_error",
            "the server failed to answer; see the server log",
            rid=request_id(cycle.scope),
            observed=False,
        )

    def on_body(self, body: bytes) -> None:
        if not self._answered_at_stop:  # the body of a request answered at the stop has no cycle to go to
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._answered_at_stop:
            super().on_message_complete()

    def connection_lost(self, exc) -> None:
        self._disarm_header_timer()
        self._disarm_send_timer()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """uvicorn's stop, for each open connection: it closes those between requests and lets the others
        finish, telling the app nothing until they have (or the grace deadline has passed). The app is told
        here, so that an answer that only waits (an MCP event stream) ends now, not at the deadline.

        A connection with no request being answered was closed at once, with the request its client had
        already sent still unread: the close was a reset (found under load: 89 of 150 requests reset at a
        SIGTERM, in no log). What it has sent is read first (``_read_what_was_sent``): a request begun is
        answered 503 shutting_down, and the connection closes once its bytes are read, with no reset."""
        if self.cycle is None or self.cycle.response_complete:
            self._stopping = True
            self._read_what_was_sent()
            begun = self._header_timer is not None and self._header_bytes  # its headers are not all here
            if begun and not self.transport.is_closing():
                self._answer_at_stop()
        super().shutdown()
        if self.on_shutdown is not None:
            self.on_shutdown()

    def pause_writing(self) -> None:
        """The transport's buffer is full: the client has stopped reading, for now."""
        super().pause_writing()
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(self.send_timeout, self._send_stalled)

    def resume_writing(self) -> None:
        self._disarm_send_timer()
        super().resume_writing()

    def _disarm_send_timer(self) -> None:
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _send_stalled(self) -> None:
        """No byte of the response taken for ``send_timeout`` s: drop the connection (closing
        would wait for the unread bytes); the response's pending write returns, the slot frees."""
        self._send_timer = None
        self.transport.abort()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered; its own timeouts apply
        self._raw_error(
            b"408 Request Timeout",
            "request_timeout",
            f"the request headers did not arrive within {self.header_timeout:g} s",
        )

    def send_400_response(self, msg: str) -> None:
        """What the HTTP parser cannot read (an unknown method, a Content-Length that is not a
        number, a broken chunk): the one JSON error shape, not uvicorn's plain text."""
        self._raw_error(b"400 Bad Request", "bad_request", f"the request is not valid HTTP/1.1 ({msg.rstrip('.')})")

    def _raw_error(
        self, status: bytes, code: str, message: str, extra: tuple = (), rid: str | None = None, observed=True
    ) -> None:
        """An error written on the socket, before any app runs: the API's shape and the security
        headers every response carries, with an ``X-Request-Id`` of its own (the request's headers were
        not read: a new id, as the access log's line names it; ``rid``: the request's, when they were), and
        ``extra`` headers, bytes lines; then the connection is closed. ``observed``: told to on_raw_error."""
        from recur.serve.access import new_request_id
        from recur.serve.security import CSP, HEADERS

        rid = rid or new_request_id()
        body = json.dumps(error_body(code, message), separators=(",", ":")).encode()
        head = [b"HTTP/1.1 " + status, b"date: " + http_date(), b"content-type: application/json"]
        head.append(b"content-length: " + str(len(body)).encode())
        sent = [*HEADERS, (b"content-security-policy", CSP.encode()), (b"x-request-id", rid.encode())]
        head += [name + b": " + value for name, value in sent] + list(extra)
        self.transport.write(b"\r\n".join([*head, b"connection: close", b"", body]))
        self.transport.close()
        # a connection that sent nothing (a browser's preconnect left idle) is not a request: not counted
        if observed and self.on_raw_error is not None and (self._header_bytes or status[:3] != b"408"):
            self.on_raw_error(int(status[:3]), len(body), getattr(self, "client", None), rid)

    def _read_what_was_sent(self) -> None:
        """Feed the parser what the client has sent and the event loop has not read yet (its bytes in the
        kernel's buffer, read here from a duplicate of the socket, since the connection is closed right after).
        Reading them all also makes that close a FIN, not a reset."""
        got = self._buffered()
        if got:
            self.data_received(got)

    def _buffered(self) -> bytes:
        """What the kernel holds for this connection now, taken from it (see _read_what_was_sent)."""
        import os
        import socket

        sock = self.transport.get_extra_info("socket")
        if sock is None or self.scheme == "https" or self.transport.is_closing() or not hasattr(socket, "MSG_DONTWAIT"):
            return b""  # TLS: the bytes are records only the transport can read; Windows: no MSG_DONTWAIT
        got, size = [], 0
        with socket.socket(fileno=os.dup(sock.fileno())) as dup:
            while size < MAX_READ_AT_STOP:
                try:
                    chunk = dup.recv(65536, socket.MSG_DONTWAIT)
                except OSError:  # nothing more now (EAGAIN), or the client reset the connection
                    break
                if not chunk:
                    break
                got.append(chunk)
                size += len(chunk)
        return b"".join(got)

    def _answer_at_stop(self) -> None:
        """A request the stop found unread: 503 shutting_down, as one cut short at the deadline is answered
        (guard.StopAnswer), before any app runs (no search is started for it); counted for the stop's line."""
        self._answered_at_stop = True
        self._buffered()  # the rest of its body, left unread, would make the close a reset that can lose the answer
        self._raw_error(
            b"503 Service Unavailable",
            "shutting_down",
            "the server is stopping; retry in a few seconds",
            (b"retry-after: 5",),
        )
        if self.stop_tally is not None:
            self.stop_tally[0] += 1


def protocol(
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    send_timeout: float = DEFAULT_SEND_TIMEOUT,
    on_raw_error=None,
    on_shutdown=None,
) -> type:
    """A protocol class with these timeouts (uvicorn takes a class, not an instance);
    ``on_raw_error(status, size, client, request_id)`` is told of each error answered before the app,
    ``on_shutdown()`` of the server's stop (once per connection open then)."""
    return type(
        "RecurHttpProtocol",
        (HeaderTimeoutProtocol,),
        {
            "header_timeout": float(header_timeout),
            "send_timeout": float(send_timeout),
            "on_raw_error": staticmethod(on_raw_error) if on_raw_error else None,
            "on_shutdown": staticmethod(on_shutdown) if on_shutdown else None,
            "stop_tally": [0],
        },
    )


def server(config):
    """The uvicorn.Server `recur serve` runs ``config`` with (``Server``)."""
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, whose stop first takes the connections still queued on its listening sockets.
        uvicorn closed those sockets first: every connection the kernel had accepted but the event loop had
        not yet taken (a burst, a busy loop) was reset, its request already sent and never answered nor
        logged. Taken here before, each is shut down as the others are (HeaderTimeoutProtocol.shutdown): a
        request it has sent is answered 503 shutting_down."""

        async def shutdown(self, sockets=None) -> None:
            import asyncio

            if not self.config.ssl:  # a TLS handshake would hold the stop: those are closed as before
                await take_queued_connections(self)
            tally = getattr(self.config.http_protocol_class, "stop_tally", None)
            # said once uvicorn has shut every connection down (before its first await), then for any answered later
            asyncio.get_running_loop().call_soon(said_unstarted, tally)
            await super().shutdown(sockets)
            said_unstarted(tally)

    return Server(config)


def said_unstarted(tally) -> None:
    """The stop's line for the requests it answered 503 before they began (none: no line)."""
    import logging

    if tally and tally[0]:
        logging.getLogger("uvicorn.error").warning(
            "stopping: %s received but not yet begun at the stop %s answered 503 shutting_down "
            "(nothing was run for %s)",
            plural(tally[0], "request"),
            *(("was", "it") if tally[0] == 1 else ("were", "them")),
        )
        tally[0] = 0


async def take_queued_connections(server) -> int:
    """Accept what waits on ``server``'s listening sockets (at most their backlog) into connections served
    by its protocol, as uvicorn's own accepts do; returns how many."""
    import asyncio
    import os
    import socket

    loop = asyncio.get_running_loop()
    config = server.config

    def connection() -> asyncio.Protocol:
        made = config.http_protocol_class(
            config=config, server_state=server.server_state, app_state=server.lifespan.state
        )
        made._stopping = True  # its request, read from now on, is answered 503 as one the stop finds unread
        return made

    taken = 0
    for listening in [sock for each in getattr(server, "servers", []) for sock in each.sockets or ()]:
        with socket.socket(fileno=os.dup(listening.fileno())) as dup:
            dup.setblocking(False)
            for _ in range(config.backlog):  # the queue holds no more
                try:
                    accepted, _ = dup.accept()
                except BlockingIOError:  # none left
                    break
                except OSError:  # one reset by its client meanwhile, or no file descriptor left for it
                    continue
                await loop.connect_accepted_socket(connection, accepted)
                taken += 1
    return taken


def _observer(app):
    """What counts and logs the errors the protocol answers itself (408, 431, 400, a stop's 503): in the app's
    metrics, as route ``(protocol)``, and in the access log when it is on."""
    from recur.serve.access import protocol_error

    metrics = getattr(getattr(app, "state", None), "metrics", None)

    def observe(status: int, size: int, client, rid: str) -> None:
        if metrics is not None:
            metrics.requests.labels("(protocol)", "OTHER", str(status)).inc()
        protocol_error(status, size, client, rid)

    return observe


def config(
    app,
    host: str = settings.default("host"),
    port: int = settings.default("port"),
    *,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    send_timeout: float = DEFAULT_SEND_TIMEOUT,
    **kw,
):
    """The uvicorn.Config `recur serve` uses (httptools, uvloop, the header and send timeouts), without
    uvicorn's ``server: uvicorn`` header: it told anyone who asked, a scanner first, what to try, and told
    a client nothing it uses (found in an operator's review)."""
    import uvicorn

    kw.setdefault("log_level", "warning")
    kw.setdefault("access_log", False)
    kw.setdefault("server_header", False)
    stopping = getattr(getattr(app, "state", None), "stopping", None)  # create_app's guard.Stopping
    http = protocol(header_timeout, send_timeout, _observer(app), stopping)
    # the Date is CurrentDate's, each answer's own: uvicorn's is the one its loop last stamped before the request began
    return uvicorn.Config(CurrentDate(app), host=host, port=port, http=http, date_header=False, **kw)


def http_date() -> bytes:
    """Now, as an HTTP ``Date`` header's value (RFC 9110's IMF-fixdate)."""
    return formatdate(usegmt=True).encode()


class CurrentDate:
    """ASGI wrapper: each answer's ``Date``, the time its headers are sent. uvicorn's is the time its main loop
    last stamped (once a second) before the request began, and that loop stops at a stop: an answer seconds in
    the making carried a Date seconds old, and the 503 shutting_down answered at the stop's deadline
    (guard.StopAnswer) one 5 s old (found carrying a review's left-outs)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def dated(message):
            if message["type"] == "http.response.start":
                message["headers"] = [(b"date", http_date()), *message.get("headers", [])]
            await send(message)

        await self.app(scope, receive, dated)


class ShutdownCancelIsNotAnError:
    """A logging filter for uvicorn.error: on a stop, requests still running at the grace deadline are
    answered ``503 shutting_down`` (guard.py), as docs/operating.md's "Stopping" documents; uvicorn logged it as
    "ERROR: Cancel 3 running task(s), timeout graceful shutdown exceeded", which paged an operator
    alerting on ERROR for a normal `systemctl stop` (found in an operator's review). That one record
    becomes a WARNING saying what happens. So does the ERROR and traceback of an answer already being sent
    when it is cut short there (no 503 can replace half an answer): a large file to a slow reader (an MCP
    client's open event stream, GET /mcp, was one at every stop, found running recur serve with an assistant
    connected; it now ends at the signal: mcp_http.ended_at_stop). Every other record passes as it is.

    ``answering`` (guard.Answering, the app's StopAnswer counts) splits the stop's count: the line said
    "2 request(s) … are answered 503 shutting_down" for one request and one open event stream, which got
    no 503 (found in review); it says how many get the 503 and how many are closed instead."""

    def __init__(self, answering=None) -> None:
        self.answering = answering

    def filter(self, record) -> bool:
        import asyncio
        import logging

        if record.levelno < logging.ERROR:
            return True
        if str(record.msg).startswith("Cancel %s running task(s)"):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = self._stop_line(record.args)
        elif str(record.msg).startswith("Exception in ASGI application") and isinstance(
            (record.exc_info or (None, None))[1], asyncio.CancelledError
        ):  # only uvicorn's stop cancels a request's task (guard.StopAnswer)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = (
                "stopping: an answer already being sent (an MCP event stream, a large file) was cut short at the "
                "shutdown deadline; its connection is closed"
            )
            record.exc_info, record.exc_text = None, None
        elif _lifespan_cancelled(record):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.args = ()
            record.msg = (
                # a second Ctrl-C, or the first while the server stops on its engine's error (cli/serve): "a second"
                # said so of one pressed once (found in a re-read)
                "stopping: stopped at once by Ctrl-C (SIGINT) during the stop, without the rest of the grace "
                "(--shutdown-grace); requests still running were cut short"
            )
        return True

    def _stop_line(self, args) -> tuple[str, tuple]:
        """The stop's line: uvicorn's count of tasks it cancels, split by whether their answer has begun."""
        counts = self.answering
        if counts is None or counts.running <= 0:  # none the app knows of: uvicorn's number, as it is
            n = tuple(args)[0]
            return (
                f"stopping: {plural(n, 'request')} still running at the shutdown deadline {'is' if n == 1 else 'are'} cut short",
                (),
            )
        waiting = max(0, counts.running - counts.sending)
        said = [f"{waiting} answered 503 shutting_down"] if waiting else []
        if counts.sending:
            said.append(f"{counts.sending} already being answered (an MCP event stream, a large file) closed")
        return "stopping: %s still running at the shutdown deadline: %s", (
            plural(counts.running, "request"),
            ", ".join(said),
        )


def _lifespan_cancelled(record) -> bool:
    """Whether ``record`` is Starlette's lifespan traceback of a forced stop: a second Ctrl-C in the grace period
    (uvicorn's force_exit) skips the application's shutdown, and the lifespan task, still waiting for it, is
    cancelled as the process exits; Starlette reports that as a failed shutdown, uvicorn logged it as an ERROR
    with a traceback, for an operator's own Ctrl-C (found in re-read: --shutdown-grace made the grace long enough
    to press it twice)."""
    text = str(record.msg).rstrip()
    return text.startswith("Traceback") and "in lifespan" in text and text.endswith("CancelledError")


class InvalidRequestsCondensed:
    """A logging filter for uvicorn.error: uvicorn logs "Invalid HTTP request received." for each request
    its parser cannot read (a TLS client on plain http, a port scanner, a health check speaking another
    protocol), one bare line each, with nothing of who or why: a scanner's sweep filled the log with
    hundreds of them (found in an operator's review). The first in ``window`` seconds is logged, saying
    what it is; the others then are not (they are answered 400 bad_request all the same, and counted in
    /metrics as route "(protocol)", status 400, and in the access log when it is on); the next one
    logged says how many were not. Every other record passes as it is."""

    MESSAGE = "Invalid HTTP request received."

    def __init__(self, window: float = 60.0, clock=None) -> None:
        from recur.serve.applog import Throttle

        self.throttle = Throttle(window, clock)

    def filter(self, record) -> bool:
        if record.msg != self.MESSAGE:
            return True
        unsaid = self.throttle.admit()
        if unsaid is None:
            return False
        record.msg = (
            "a request that is not HTTP/1.1 (a TLS client on plain http, a scanner) was answered 400 bad_request%s; "
            'others in the next %g s are only counted (/metrics: route "(protocol)", status 400)'
        )
        record.args = (self.throttle.before(unsaid), self.throttle.window)
        return True


class McpRefusalsSaid:
    """A logging filter for the MCP SDK's records as `recur serve` logs them (``sdk_logs_as_the_servers``).
    Its DNS-rebinding checks of /mcp log "Invalid Host header: evil.example" (and "Invalid Origin header:
    …", "Missing Host header in request"): which route, and what was answered, are said with it, as the
    server's own refusals are. Other records pass as they are."""

    ANSWERED = {  # the SDK's words: (the status it answers, why, as HostCheck says it for the other routes)
        "Invalid Host": ("421", " (not a loopback name, nor one named with --allowed-host)"),
        "Missing Host": ("421", ""),
        "Invalid Origin": ("403", " (not a page of this server)"),
    }

    def __init__(self, window: float = 60.0, clock=None) -> None:
        from recur.serve.applog import Throttle

        # one line a minute for each status: any client could fill the log, a line a refused request
        self.throttle = Throttle(window, clock)

    def filter(self, record) -> bool:
        if record.name != "mcp.server.transport_security":
            return True
        text = record.getMessage()
        said = next((said for start, said in self.ANSWERED.items() if text.startswith(start)), None)
        if said is None:
            return True
        unsaid = self.throttle.admit(said[0])
        if unsaid is None:
            return False
        record.msg = (
            "/mcp refused a request (%s): %s%s%s; others answered %s in the next %g s are only counted (/metrics)"
        )
        from recur.serve.applog import loggable

        # the SDK's text holds the Host or Origin header as sent, of any length: cut as the 421's message cuts it (a
        # 60 KB header was a 60 KB line, found in a re-read)
        from recur.serve.security import SHOWN_HOST_CHARS

        words, sep, value = text.partition(": ")
        if len(value) > SHOWN_HOST_CHARS:
            text = f"{words}{sep}{value[:SHOWN_HOST_CHARS]}…"
        record.args = (said[0], loggable(text), said[1], self.throttle.before(unsaid), said[0], self.throttle.window)
        return True


def sdk_logs_as_the_servers() -> None:
    """The MCP SDK's warnings in the server's format (applog; without it, uvicorn's: ``WARNING:  …``), with
    McpRefusalsSaid (sdk_log.sdk_warnings_to_stderr: "Invalid Host header: evil.example" was printed bare, with
    no level, among the server's lines; found in an operator's review)."""
    import logging

    from recur.serve import applog
    from recur.serve.sdk_log import sdk_warnings_to_stderr

    if applog.installed():  # `recur serve`'s log format (uvicorn's loggers then have no handler of their own)
        return sdk_warnings_to_stderr(applog.formatter(applog.installed()), McpRefusalsSaid(), stream=applog.stream())
    uvicorns = logging.getLogger("uvicorn").handlers  # uvicorn.Config's LOGGING_CONFIG: "default", stderr
    formatter = uvicorns[0].formatter if uvicorns else logging.Formatter("%(levelname)s:  %(message)s")
    sdk_warnings_to_stderr(formatter, McpRefusalsSaid())


def quiet_shutdown_cancel(answering=None) -> None:
    """Install ShutdownCancelIsNotAnError (with the served app's ``answering`` counts: app.state.answering)
    and InvalidRequestsCondensed on uvicorn.error (after uvicorn.Config configured logging)."""
    import logging

    logger = logging.getLogger("uvicorn.error")
    for old in [f for f in logger.filters if isinstance(f, ShutdownCancelIsNotAnError)]:
        logger.removeFilter(old)  # the counts of the app served now, not of one served before it
    logger.addFilter(ShutdownCancelIsNotAnError(answering))
    if not any(isinstance(f, InvalidRequestsCondensed) for f in logger.filters):
        logger.addFilter(InvalidRequestsCondensed())
