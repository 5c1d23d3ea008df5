"""What a signal match proves: a shared identifier that is only a signal's context (an exception
class, an API operation, a zone), and a signal several patterns list (found in a responder's review
of the starter KB)."""

import json

from kbfactory import pattern_text, write

from recur.retrieval.results import why_text


def _signals(run, text: str) -> dict:
    """pattern id -> its signal why entries, for ``text``."""
    res = run("suggest", "--json", "--top", "10", text)
    assert res.exit_code == 0, res.output
    return {
        r["id"]: [w for w in r["why"] if w["field"] == "signal" and w["match"] != "meaning"]
        for r in json.loads(res.stdout)["results"]
    }


def _kb(kb_dir):
    write(
        kb_dir,
        "patterns/capacity/fd-out.md",
        pattern_text(
            "fd-out",
            signals=[
                "java.io.IOException: Too many open files",
                "KeyError: 'DATABASE_URL'",
                "FdAlertFiring",
                "rate(node_fd_open_total[5m]) > 100",
                "ORA-00060: deadlock detected while waiting for resource",
                "An error occurred (ExpiredToken) when calling the GetObject operation",
                "HTTP 502 Bad Gateway from api.vendor-pay.com",
            ],
        ),
    )
    write(
        kb_dir, "patterns/capacity/space-a.md", pattern_text("space-a", signals=["Scratch volume ran dry", "QuotaSeen"])
    )
    write(kb_dir, "patterns/capacity/space-b.md", pattern_text("space-b", signals=["Scratch volume ran dry"]))


def test_an_identifier_that_is_only_the_signals_context_is_no_match(run, kb_dir):
    """Found in review: "java.io.IOException: Stream closed" matched "java.io.IOException: Too many open
    files" as an identifier (0.9, high); the class, the API operation, the KeyError are context."""
    _kb(kb_dir)
    for text in (
        "java.io.IOException: Stream closed",
        "KeyError: 'customer_id'",
        "An error occurred (AccessDenied) when calling the GetObject operation",
    ):
        assert not _signals(run, text).get("fd-out"), text


def test_an_identifier_that_names_the_thing_still_matches_and_the_why_says_which(run, kb_dir):
    _kb(kb_dir)
    for text, ident in (
        ("node_fd_open_total at 65000", "node_fd_open_total"),
        ("ORA-00060 in the batch job", "ORA-00060"),
        ("env DATABASE_URL unset", "DATABASE_URL"),
        ("java.io.IOException: too many files open", "java.io.IOException"),
        # a host written in lowercase names the dependency (a test lost it to the context rule)
        ("ReadTimeout: HTTPSConnectionPool(host='api.vendor-pay.com', port=443)", "api.vendor-pay.com"),
    ):
        why = _signals(run, text)["fd-out"]
        assert why[0]["match"] == "identifier" and why[0]["score"] == 0.9 and why[0]["identifier"] == ident, (text, why)
        assert f"identifier “{ident}” of the signal" in why_text({"why": why}), why_text({"why": why})


def test_a_signal_several_patterns_list_says_so(run, kb_dir):
    """A signal two patterns list is said as such in the why ("listed by 2 patterns"), its score whole:
    divided, a plain disk-full log fell to "no known pattern" (docs/calibration.md)."""
    _kb(kb_dir)
    sig = _signals(run, "OSError: [Errno 28] Scratch volume ran dry")
    assert sig["space-a"][0]["score"] == sig["space-b"][0]["score"] == 1.0, sig
    assert sig["space-a"][0]["patterns"] == 2
    assert "(listed by 2 patterns)" in why_text({"why": sig["space-a"]})
    assert "patterns" not in _signals(run, "QuotaSeen")["space-a"][0]  # one pattern's own: no count
