"""A signal is found whole in a text with its numbers masked (a port, a PID, a count, a time differ from
incident to incident), but not the numbers that are the evidence: an HTTP status written as one and an
errno or an exit code must be the same (util.text.pinned_numbers). Found in review: "Readiness probe
failed: HTTP probe failed with statuscode: 401" got bad-deploy-crashloop at medium through its signal
"... statuscode: 500", said "exact"; a 401 is another failure (a probe that is refused, not a crash)."""

import json

import pytest
from kbfactory import pattern_text, write

from recur.retrieval.search import _contradicted, _pin_kinds, said_numbers
from recur.util.text import normalise_signal, numbers_at, pin_value, pinned_kinds, pinned_numbers

STATUS = "Warmup check failed: relay answered with statuscode: 502"
ERRNO = "LedgerSync: [Errno 111] Connection refused by ledger-primary"
EXIT = "nightly compactor exited with code 3 after loading its config"
PAREN = "recv() failed (104: Connection reset by peer) while reading from relay"
COUNT = "All relay workers (64) are busy, queueing new jobs"  # a count: its number stays masked


def _kb(kb_dir):
    for pid, signal in [
        ("relay-warmup", STATUS),
        ("ledger-refused", ERRNO),
        ("compactor-dies", EXIT),
        ("relay-reset", PAREN),
        ("relay-workers-busy", COUNT),
    ]:
        write(kb_dir, f"patterns/capacity/{pid}.md", pattern_text(pid, signals=[signal]))


def _matches(run, text: str, signal: str) -> list:
    """The match of ``signal`` in the answer for ``text`` (its why entries saying it was found), in order."""
    res = run("suggest", "--json", "--top", "10", text)
    assert res.exit_code == 0, res.output
    return [
        w["match"]
        for r in json.loads(res.stdout)["results"]
        for w in r["why"]
        if w["field"] == "signal" and w["text"] == signal and w["match"] != "meaning"
    ]


@pytest.mark.parametrize(
    "signal, same, other",
    [
        (STATUS, STATUS.replace("502", "502"), STATUS.replace("502", "403")),
        (ERRNO, ERRNO.replace("111", "111"), ERRNO.replace("111", "13")),
        (EXIT, EXIT.replace("code 3", "code 3"), EXIT.replace("code 3", "code 0")),
        (PAREN, PAREN.replace("104", "104"), PAREN.replace("104", "32")),
    ],
)
def test_a_signal_whose_status_or_errno_differs_is_not_found_whole_nor_by_its_words(run, kb_dir, signal, same, other):
    _kb(kb_dir)
    assert _matches(run, f"pod-7 at 04:12: {same}", signal) == ["exact"]
    # another status, errno or exit code: not the same failure, neither "exact" nor "most words of the signal"
    assert _matches(run, f"pod-7 at 04:12: {other}", signal) == []


def test_other_numbers_of_such_a_signal_stay_masked(run, kb_dir):
    """A count, a port, an address beside the status: still found whole with other values."""
    _kb(kb_dir)
    assert _matches(run, "All relay workers (9000) are busy, queueing new jobs", COUNT) == ["exact"]
    text = "10.0.0.7:8443 Warmup check failed: relay answered with statuscode: 502 after 17 tries"
    assert _matches(run, text, STATUS) == ["exact"]


def test_a_signal_in_the_text_twice_is_found_where_its_status_agrees(run, kb_dir):
    _kb(kb_dir)
    text = f"{STATUS.replace('502', '404')}\n{STATUS.replace('502', '502')}"
    assert _matches(run, text, STATUS) == ["exact"]


def test_the_numbers_a_signal_pins_are_its_statuses_errnos_and_exit_codes():
    assert pinned_numbers(STATUS) == [(0, "5xx")]  # a status by its class (pin_value)
    assert pinned_numbers(ERRNO) == [(0, "111")]
    assert pinned_numbers(EXIT) == [(0, "3")]
    assert pinned_numbers(PAREN) == [(0, "104")]
    assert pinned_numbers("socket.gaierror: [Errno -3] Temporary failure in name resolution") == []  # after "-"
    assert pinned_numbers('rate(http_requests_total{status="429"}[5m]) > 0') == [(0, "4xx")]  # 5m is not
    assert pinned_numbers("Terminated Reason: OOMKilled ExitCode: 137") == [(0, "137")]
    assert pinned_numbers("googleapi: Error 403: Quota exceeded") == [(0, "4xx")]
    # counts, sizes, ports, times and statuses not written as one are not
    for signal in (COUNT, "unicode 200 chars", "HikariPool-1 - timed out after 30000ms", "Limit: 500.0 in region"):
        assert pinned_numbers(signal) == [], signal
    assert pinned_numbers("dial tcp 10.0.3.14:8080: i/o timeout, code: 500ms") == []


def test_numbers_at_masks_as_normalise_signal_does():
    for text in (STATUS, ERRNO, f"  {EXIT}. ", "a\u0663\u0660b  9\t. x 1.", "İstanbul 42 ß 7", "", "..12.."):
        norm, runs = numbers_at(text)
        assert norm == normalise_signal(text), text
        assert all(norm[at] == "#" for at, _ in runs), text


def test_signals_that_differ_in_their_status_are_two_signals_to_check_and_the_ranking(run, kb_dir):
    """`recur check`'s shared-signal notice and a why entry's "patterns" read signals as the ranking does: one
    differing in a port is the same signal, one differing in its status's class another."""
    other = STATUS.replace("502", "403")
    port = "relay dial 10.0.0.1:7000 refused"
    write(kb_dir, "patterns/capacity/relay-warmup.md", pattern_text("relay-warmup", signals=[STATUS, port]))
    write(
        kb_dir,
        "patterns/capacity/relay-busy.md",
        pattern_text("relay-busy", signals=[other, "relay dial 10.9.9.9:7001 refused"]),
    )
    out = run("check").output
    assert "'relay dial 10.9.9.9:7001 refused' is also a signal of relay-warmup" in out, out
    assert "statuscode" not in out, out
    res = run("suggest", "--json", "--top", "10", f"pod-7: {STATUS}")
    (w,) = [w for r in json.loads(res.stdout)["results"] for w in r["why"] if w["text"] == STATUS]
    assert w["match"] == "exact" and "patterns" not in w, w


def _said(run, text: str, signal: str) -> list:
    """Every why entry naming ``signal`` (found, or close in meaning) in the answer for ``text``."""
    res = run("suggest", "--json", "--top", "10", text)
    assert res.exit_code == 0, res.output
    return [(r["id"], w["match"]) for r in json.loads(res.stdout)["results"] for w in r["why"] if w["text"] == signal]


def test_a_signal_whose_errno_or_status_the_text_contradicts_is_not_like_it_in_meaning_either(run, kb_dir):
    """Search.Searcher._unlike: the text writes an errno (a status, an exit code) and not the signal's, so the
    signal's view is no evidence by meaning: found in review, "OSError: [Errno 24] Too many open files" was "like
    the signal `OSError: [Errno 99] Cannot assign requested address`". One of another kind contradicts nothing."""
    _kb(kb_dir)
    # close in meaning only (too few of the signal's words): the view's cosine alone
    assert _said(run, "[Errno 13] refused by ledger", ERRNO) == []
    assert _said(run, "warmup failed statuscode: 404", STATUS) == []
    # by its words, or an identifier of its context with them: no evidence either
    assert _said(run, "LedgerSync: [Errno 13] Connection refused by ledger primary", ERRNO) == []
    assert _said(run, "Warmup check failed: relay answer had statuscode: 404", STATUS) == []
    # the signal's own number said anywhere, or no number of that kind: as before
    assert _said(run, "[Errno 13] then 111 refused by ledger", ERRNO) == [("ledger-refused", "meaning")]
    assert _said(run, "HTTP 404: refused by ledger", ERRNO) == [("ledger-refused", "meaning")]
    assert _said(run, "LedgerSync: Connection refused by ledger primary", ERRNO) == [("ledger-refused", "identifier")]


# Found in review: a signal's status was an example of its class, and a resolver's errno after "-" one of a few ways
# of saying the name did not resolve; pinned exactly, each contradicted its signal (lower, no longer "high")
CRASHLOOP = "Readiness probe failed: HTTP probe failed with statuscode: 500"
QUOTA = "googleapi: Error 403: Quota exceeded"
RESOLVER = "socket.gaierror: [Errno -3] Temporary failure in name resolution"
PORTS = "OSError: [Errno 99] Cannot assign requested address"


def _examples_kb(kb_dir):
    for pid, signal in [
        ("probe-crash", CRASHLOOP),
        ("quota-hit", QUOTA),
        ("dns-fails", RESOLVER),
        ("ports-out", PORTS),
    ]:
        write(kb_dir, f"patterns/capacity/{pid}.md", pattern_text(pid, signals=[signal]))


def test_a_status_of_the_signals_class_is_found_whole_another_class_is_not(run, kb_dir):
    _examples_kb(kb_dir)
    assert _matches(run, CRASHLOOP.replace("500", "503"), CRASHLOOP) == ["exact"]
    assert _matches(run, QUOTA.replace("403", "429"), QUOTA) == ["exact"]
    # the review's own cases keep: a 401 is a probe refused, not a crash; EMFILE is not EADDRNOTAVAIL
    assert _matches(run, CRASHLOOP.replace("500", "401"), CRASHLOOP) == []
    assert _said(run, "OSError: [Errno 24] Cannot assign requested address", PORTS) == []


def test_a_resolver_errno_after_a_minus_contradicts_nothing(run, kb_dir):
    _examples_kb(kb_dir)
    # its view stays evidence by meaning (search.Searcher._unlike): contradicted, it was read at UNLIKE
    said = said_numbers("socket.gaierror: [Errno -2] Name or service not known")
    assert not _contradicted(_pin_kinds(RESOLVER), said)
    assert _matches(run, RESOLVER.replace("-3", "-2"), RESOLVER) == ["exact"]


def test_pinned_kinds_leaves_a_number_after_a_minus_and_pin_value_reads_a_status_by_class():
    assert pinned_kinds("[Errno -2] x; exit code -1; statuscode: -500") == []
    assert pin_value("status", "503") == pin_value("status", "500") == "5xx" != pin_value("status", "401")
    assert pin_value("errno", "24") == "24" and pin_value("status", "5000") == "5000"


def test_signals_that_differ_only_in_a_pinned_number_are_each_specific_on_the_server_and_in_the_bundle(
    kb_dir, tmp_path
):
    """search.specific_signals read the signals' masked text while signal_evidence read signal_key: two patterns'
    "... statuscode: 502" and "... statuscode: 403" were one signal inside the other, neither specific (VERBATIM),
    though a text holds one of them whole only. Found in a re-read; the site's bundle decides it as the server."""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import Engine
    from recur.site import bundle

    other = STATUS.replace("502", "403")
    write(kb_dir, "patterns/capacity/relay-warmup.md", pattern_text("relay-warmup", signals=[STATUS]))
    write(kb_dir, "patterns/capacity/relay-refused.md", pattern_text("relay-refused", signals=[other]))
    index_mod.build(load_kb(kb_dir), tmp_path / "index", embed.FakeEncoder(64), progress=False)
    searcher = Engine(kb_dir, tmp_path / "index", "fake:64").searcher
    specific = {raw: searcher.specific[n] for n, (_, raw, _, _, _) in enumerate(searcher.signal_list)}
    assert specific[STATUS] and specific[other]
    data, _ = bundle.index_data(searcher.index)
    assert {e[1]: e[5] for e in data["signals"] if e[1] in (STATUS, other)} == {STATUS: True, other: True}


def test_a_spring_boot_pid_or_a_count_after_a_level_is_no_status():
    """Found in a re-read: "ERROR 312 --- [main] ..." pinned 312 as an HTTP status (Spring Boot's pid after its
    level), "ERROR: 250 requests ..." 250; a status after "error" written as one still is."""
    assert pinned_kinds("2026-12-06 09:14:22.123 ERROR 312 --- [main] o.s.b.SpringApplication : x") == []
    for text in ("ERROR: 250 requests failed", "error: 250 requests failed", "sync\n  Error:  250 rows"):
        assert pinned_kinds(text) == [], text
    assert pinned_kinds("curl: (22) The requested URL returned error: 403") == [(1, "403", "status")]
    assert pinned_kinds(QUOTA) == [(0, "403", "status")]
