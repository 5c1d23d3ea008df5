"""`recur mcp`'s count of the requests still to answer once stdin ends follows the SDK's reading of a line."""

import pytest

from recur.serve.mcp_stdio import _InFlight


@pytest.mark.parametrize("ident", ["null", "true", "1.5", "1.0"])
def test_a_line_the_sdk_reads_as_a_notification_awaits_no_answer(ident):
    """Found by fuzzing: ``{"jsonrpc": "2.0", "method": "ping", "id": null}`` is a notification to the MCP
    SDK (no request's id), which answers nothing; counted as a request still open, it kept `recur mcp`
    running for DRAIN_SECONDS (6 minutes) after the client closed stdin."""
    flight = _InFlight()
    flight.read(f'{{"jsonrpc": "2.0", "method": "ping", "id": {ident}}}')
    assert not flight._open


def test_a_request_awaits_its_answer_and_a_cancel_ends_the_wait():
    flight = _InFlight()
    flight.read('{"jsonrpc": "2.0", "method": "ping", "id": 7}')
    flight.read('{"jsonrpc": "2.0", "method": "ping", "id": "a"}')
    assert flight._open == {"7", "a"}
    flight.read('{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "a"}}')
    flight.done(7)  # as _Watched says of the answer sent
    assert not flight._open
