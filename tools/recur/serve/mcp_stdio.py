"""`recur mcp`'s transport: the MCP server (mcp_server.build_server) on stdio, and the engine getter it serves
with (``holder_engine``: waits for ``EngineHolder``'s first load).

Around the SDK's stdio transport: lone surrogate escapes arrive as U+FFFD instead of being dropped unanswered,
a line that is not a JSON-RPC message gets the JSON-RPC error for it (``not_a_message``, which /mcp over HTTP
answers with too: mcp_http.JsonRpcErrors), and the requests read before stdin closes are answered before it
ends (``_InFlight``). The SDK is imported when the server runs, not with this module.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING

from recur.retrieval import patterns as pat
from recur.serve.guard import ApiError
from recur.util import utf8
from recur.util.signals import end_by

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer


def run_stdio(server: MCPServer, stopping: threading.Event | None = None) -> int | None:
    """The server on stdio: the SDK's transport, reading the lines of ``_StdinLines``. The SDK's
    reader drops a line it cannot read as a message without a word, so a lone surrogate escape
    (``"\\udcff"``, not valid Unicode), a line that is not JSON and JSON that is not a JSON-RPC message
    each left the client waiting for an answer that never came. Such text now reaches the tools as
    U+FFFD (as bytes that are not UTF-8 already did), and the other two are answered with the JSON-RPC
    error for them; the server serves on. Returns the signal that stopped it (SIGINT, SIGTERM: ``_stop_on_signal``),
    None when stdin ended; ``stopping`` is set as the signal comes (``holder_engine`` then stops waiting)."""
    import anyio

    _sdk_warnings_said()
    stopped_by: list[int] = []
    with _signals_noted(stopped_by):
        anyio.run(_serve_stdio, server, stopped_by, stopping or threading.Event())
    return stopped_by[0] if stopped_by else None


@contextmanager
def _signals_noted(stopped_by: list[int]):
    """While the event loop runs, SIGINT and SIGTERM are only noted in ``stopped_by``, never raised: before its
    signal watch starts (``_stop_on_signal`` then stops the server at once) and after it ends, as the loop closes.
    A KeyboardInterrupt raised there lands in whatever the loop runs, as inside it (``_stop_on_signal``). The
    handlers from before are put back once the loop has ended; run_stdio's caller acts on the signal. A second
    signal, once one is noted, ends the process at once, as the signal's default does (found in review: a tool
    stuck in a worker thread, which a cancelled server waits for, kept `recur mcp` however often Ctrl-C came)."""
    import signal

    if threading.current_thread() is not threading.main_thread():  # no handler can be set there
        yield
        return

    def noted(signum, frame) -> None:
        if stopped_by:  # the second: the default's action (SIGINT's and SIGTERM's is to end the process)
            end_by(signum)
        stopped_by.append(int(signum))

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in before:
        signal.signal(sig, noted)
    try:
        yield
    finally:
        for sig, handler in before.items():
            if handler is not None:
                signal.signal(sig, handler)


class _LevelSaid(logging.Formatter):
    """``warning: …`` (``error: …``), as recur mcp's own lines on stderr say it."""

    def format(self, record) -> str:
        return f"{record.levelname.lower()}: {super().format(record)}"


def _sdk_warnings_said() -> None:
    """The MCP SDK's warnings over stdio as the server's own: on stderr (stdout is the protocol), as
    ``warning: …`` ("dropped 'notifications/cancelled': malformed params" for a client's malformed
    notification was printed bare: sdk_log.sdk_warnings_to_stderr; `recur serve` gives them uvicorn's
    format instead: server.sdk_logs_as_the_servers)."""
    from recur.serve.sdk_log import sdk_warnings_to_stderr

    sdk_warnings_to_stderr(_LevelSaid())


async def _serve_stdio(server: MCPServer, stopped_by: list[int], stopping: threading.Event) -> None:
    import anyio
    from mcp.server.stdio import stdio_server

    lines = _StdinLines(_take_stdin())
    async with anyio.create_task_group() as serving:
        await serving.start(_stop_on_signal, serving.cancel_scope, stopped_by, stopping)
        async with stdio_server(stdin=lines) as (read_stream, write_stream):
            lines.answer_on(write_stream)
            low = server._lowlevel_server  # what MCPServer.run("stdio") serves, on these streams
            await low.run(read_stream, _Watched(write_stream, lines.in_flight), low.create_initialization_options())
        serving.cancel_scope.cancel()  # stdin ended and its requests are answered: the signal watch ends too


async def _stop_on_signal(scope, stopped_by: list[int], stopping: threading.Event, *, task_status) -> None:
    """SIGINT and SIGTERM cancel ``scope`` (the serving task group's), and the signal is noted in ``stopped_by``;
    the caller acts on it once the event loop has ended (run_stdio). Their Python handlers raised
    KeyboardInterrupt wherever the main thread was, inside the event loop or a library's code, and about 1 run in
    400 under load a task never finished its cancellation: the loop waited in selectors.select while closing
    (asyncio.runners._cancel_all_tasks), and `recur mcp` never exited. Received by the event loop instead
    (loop.add_signal_handler), a signal is a cancellation every task takes at an await. The loop's wakeup fd
    takes it from whichever thread the kernel gave it to, so a signal another thread took wakes an idle server
    too. Outside the main thread no handler can be set, and the server runs without. A tool running in a worker
    thread is not cancelled (the SDK waits for it, shielded): ``stopping`` is set, and the one tool that waits long,
    for the engine's load (``holder_engine``), stops waiting; without it Ctrl-C waited for the load (up to
    LOAD_WAIT), where the KeyboardInterrupt had not."""
    import signal

    import anyio

    if threading.current_thread() is not threading.main_thread():
        task_status.started()
        return
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with anyio.open_signal_receiver(*handlers) as signals:
            task_status.started()
            if not stopped_by:  # else it came as the loop started, before this watch (_signals_noted noted it)
                async for signum in signals:
                    stopped_by.append(int(signum))
                    break
            stopping.set()
            scope.cancel()
    finally:  # the loop's removal leaves SIGTERM at its default: the handlers from before it (_signals_noted's) again
        for sig, handler in handlers.items():
            if handler is not None:
                signal.signal(sig, handler)


def _take_stdin() -> int:
    """The client's stdin on a descriptor of its own, with /dev/null as fd 0, as the SDK does with a
    stdin it opens itself: a tool (or a process it starts) cannot read the client's messages."""
    import os

    source = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return source


class _StdinLines:
    """The client's messages, one a line, as the SDK's stdio reader takes them (``async for line``).
    Each line goes through ``utf8.clean_json_line`` and is decoded as the SDK decodes stdin (bytes that
    are not UTF-8 become U+FFFD); a line the SDK would not read as a message is answered here instead,
    on the transport's own write stream (``answer_on``), and not passed on. A blank line is no message
    and is skipped (the SDK dropped it too)."""

    def __init__(self, fd: int):
        import anyio

        self._fd = fd
        self._write, self._ready = None, anyio.Event()
        self.in_flight = _InFlight()

    async def _raw_lines(self):
        """stdin's lines, read by a daemon thread (``_read_lines``) into a memory stream. Read through
        anyio.wrap_file, each read ran in an AnyIO worker thread, which is not a daemon: blocked in a read of a
        stdin the client kept open, it held the process after SIGTERM or Ctrl-C ("Interrupted." printed, no
        exit; found in an operator's review). A daemon thread blocked in a read does not keep the process."""
        import threading

        import anyio
        from anyio.lowlevel import current_token

        send, receive = anyio.create_memory_object_stream[bytes](16)  # bounded: a fast client waits for the server
        args = (self._fd, send, current_token())
        threading.Thread(target=_read_lines, args=args, name="recur-mcp-stdin", daemon=True).start()
        async with receive:
            async for raw in receive:
                yield raw

    def answer_on(self, write_stream) -> None:
        self._write = write_stream
        self._ready.set()

    async def __aiter__(self):
        import sys

        from mcp.shared.message import SessionMessage

        n = 0
        async for raw in self._raw_lines():
            n += 1
            line = utf8.clean_json_line(raw).decode("utf-8", "replace")
            if not line.strip():
                continue
            refusal = not_a_message(line)
            if refusal is None:
                self.in_flight.read(line)
                yield line
                continue
            print(f"recur mcp: stdin line {n}: {refusal.error.message} (answered)", file=sys.stderr)
            await self._ready.wait()
            await self._write.send(SessionMessage(refusal))
        # stdin closed: the end of the messages, not of the answers. Ended here, the SDK cancelled the requests
        # still running, and `printf '<initialize>\n<tools/call>\n' | recur mcp` never answered the call (found in
        # review); the stream ends once they are answered (or the client cancelled them), within DRAIN_SECONDS
        await self.in_flight.settled(DRAIN_SECONDS)


def _read_lines(fd: int, send, token) -> None:
    """The stdin reader's thread (_StdinLines._raw_lines): each line of ``fd`` sent on ``send`` in the event loop
    of ``token``, then ``send`` closed at the end of stdin. The loop gone (the server stopped) ends it."""
    import os

    from anyio import BrokenResourceError, ClosedResourceError, from_thread

    try:
        with os.fdopen(fd, "rb") as lines:
            for raw in lines:
                from_thread.run(send.send, raw, token=token)
        from_thread.run_sync(send.close, token=token)
    except (BrokenResourceError, ClosedResourceError, RuntimeError):  # the server stopped reading, or stopped
        pass


# How long `recur mcp` still answers the requests it has read once stdin has closed: a call that came while
# the model was loading waits for it (holder_engine, LOAD_WAIT), then searches. A client that wants the server
# gone sooner sends SIGTERM, as the MCP specification has it for a server that does not exit.
LOAD_WAIT = 300.0
DRAIN_SECONDS = LOAD_WAIT + 60


class _InFlight:
    """The ids of the requests read from stdin and not yet answered, nor cancelled by the client
    (``notifications/cancelled``: the SDK answers no cancelled request)."""

    def __init__(self):
        self._open: set[str] = set()
        self._changed = None

    @staticmethod
    def _key(ident) -> str:
        return str(ident)

    def read(self, line: str) -> None:
        """A request awaits its answer as the SDK reads it: ``"id": null`` (``true``, ``1.5``) is no request's
        id to the SDK, which takes the line for a notification and answers nothing. Counted by ``"id" in msg``,
        such a line held `recur mcp` for DRAIN_SECONDS after stdin ended (found by fuzzing: fuzz2)."""
        from mcp.types import JSONRPCNotification, JSONRPCRequest, jsonrpc_message_adapter

        msg = jsonrpc_message_adapter.validate_json(line, by_name=False)  # a message: not_a_message said so
        if isinstance(msg, JSONRPCRequest):
            self._open.add(self._key(msg.id))
        elif isinstance(msg, JSONRPCNotification) and msg.method == "notifications/cancelled":
            params = msg.params or {}
            self.done(params.get("requestId") if isinstance(params, dict) else None)

    def done(self, ident) -> None:
        self._open.discard(self._key(ident))
        if self._changed is not None:
            self._changed.set()

    async def settled(self, limit: float) -> None:
        import anyio

        with anyio.move_on_after(limit):
            while self._open:
                self._changed = anyio.Event()
                await self._changed.wait()


class _Watched:
    """The transport's write stream, telling ``_InFlight`` of each answer sent (a result or an error)."""

    def __init__(self, inner, in_flight: _InFlight):
        self._inner, self._in_flight = inner, in_flight

    async def send(self, item) -> None:
        from mcp.types import JSONRPCError, JSONRPCResponse

        await self._inner.send(item)
        message = getattr(item, "message", None)
        if isinstance(message, JSONRPCResponse | JSONRPCError):
            self._in_flight.done(message.id)

    def close(self) -> None:
        self._inner.close()

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


def not_a_message(line: str):
    """None for a line the SDK reads as a JSON-RPC message; else the ``JSONRPCError`` that answers it,
    as JSON-RPC 2.0 has it (section 5.1): -32700 for a line that is not JSON, -32600 for JSON that is not
    a message, with the request's id when it has one, else null."""
    import json

    from mcp.types import INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError, jsonrpc_message_adapter

    try:
        jsonrpc_message_adapter.validate_json(line, by_name=False)  # exactly the SDK's reading
        return None
    except Exception:  # noqa: BLE001 - whatever the SDK's reader would drop is answered
        pass
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        error = ErrorData(code=PARSE_ERROR, message="Parse error: the line is not JSON (one JSON-RPC message a line)")
        return JSONRPCError(jsonrpc="2.0", id=None, error=error)
    ident = obj.get("id") if isinstance(obj, dict) and "method" in obj else None
    if isinstance(ident, bool) or not isinstance(ident, str | int):
        ident = None  # no request's id (a response's is the client's answer to one of ours: not echoed)
    if not isinstance(obj, dict):
        why = "a message is one JSON object" + (" (MCP has no JSON-RPC batches)" if isinstance(obj, list) else "")
    elif obj.get("jsonrpc") != "2.0":
        why = 'a message has "jsonrpc": "2.0"'
    else:
        why = "not a JSON-RPC request, notification or response (a request has an id, a method and object params)"
    error = ErrorData(code=INVALID_REQUEST, message=f"Invalid Request: {why}")
    return JSONRPCError(jsonrpc="2.0", id=ident, error=error)


def holder_engine(holder, wait: float = LOAD_WAIT, stopping: threading.Event | None = None) -> Callable:
    """A getter over ``EngineHolder`` for stdio: waits for the first load, then answers at once; not once
    ``stopping`` is set (run_stdio: the server is stopping on a signal, and waits for the tools running)."""

    def get():
        if not _loaded(holder, 0 if holder.error else wait, stopping):
            if holder.error:
                raise pat.LookupFailure(f"the search engine failed to load: {holder.error}", "engine_failed")
            raise ApiError(503, "not_ready", holder.not_ready())
        return holder.engine

    return get


def _loaded(holder, wait: float, stopping: threading.Event | None) -> bool:
    """Whether ``holder`` loaded within ``wait`` seconds; False as soon as its load failed (``holder.error``) or
    ``stopping`` is set. Looked at every quarter second: the events cannot be waited for at once. A call made
    while a load was still going, which then failed (an index built with another model), waited the whole
    LOAD_WAIT, 300 s, where one made after the failure was told at once (seen in CI: resources/list timed out)."""
    import time

    end = time.monotonic() + wait
    while not holder.ready.wait(max(0.0, min(0.25, end - time.monotonic()))):
        if holder.error or (stopping is not None and stopping.is_set()) or time.monotonic() >= end:
            return False
    return True
