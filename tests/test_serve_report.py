"""GET /api/report: the problem board over HTTP, for a problem manager's dashboard or script, which could only run
`recur report` before. A real uvicorn server (fake:64 encoder) over a small KB with incidents, fixes and reviews in
tmp_path; the answer is `recur report --format json`'s for the same date and filters, the KB as it is now."""

from __future__ import annotations

import json
import shutil
import time

import httpx
from click.testing import CliRunner
from kbfactory import write, write_pattern
from serve_util import fake_app, running
from test_mcp_board import fixes_kb
from test_serve_errors import assert_error

from recur.cli.main import cli
from recur.retrieval.engine import Engine
from recur.serve import create_app

AS_OF = "2026-06-01"
TOKEN = "s3cret-token-for-the-board"


def cli_json(kb, *args) -> dict:
    r = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--json", "--as-of", AS_OF, *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_the_route_answers_the_board_recur_report_json_prints_with_its_filters(tmp_path):
    """The same board, key for key, as `recur report --format json` for the same --as-of, --since, --owner and
    --window: one result object (problems.query), not a second rendering of it."""
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        for query, flags in (
            (f"as_of={AS_OF}", ()),
            (f"as_of={AS_OF}&since=2026-03-01", ("--since", "2026-03-01")),
            (f"as_of={AS_OF}&owner=@Dan", ("--owner", "@Dan")),
            (f"as_of={AS_OF}&window=365&window=180", ("--window", "365", "--window", "180")),
            (f"as_of={AS_OF}&owner=bob&since={AS_OF}&window=7", ("--owner", "bob", "--since", AS_OF, "--window", "7")),
            (f"as_of={AS_OF}&months=24", ("--months", "24")),
        ):
            r = httpx.get(f"{base}/api/report?{query}", timeout=60)
            assert r.status_code == 200, (query, r.text[:300])
            assert r.json() == cli_json(kb, *flags), query
            assert r.headers["cache-control"] == "no-store"
        board = httpx.get(f"{base}/api/report?as_of={AS_OF}&window=365&window=180").json()
        assert list(board["recurring"]) == ["30", "90", "365", "180"]
        assert len(httpx.get(f"{base}/api/report?as_of={AS_OF}&months=3").json()["trends"]["months"]) == 3
        assert httpx.get(f"{base}/api/report?as_of={AS_OF}&owner=dan").json()["filtered"]["owner"] == "dan"
        metrics = httpx.get(base + "/metrics").text
        assert 'recur_http_requests_total{method="GET",route="/api/report",status="200"}' in metrics


def full_kb(root):
    """fixes_kb, with an incident of every list the board has: follow-ups (one with no due date, two sharing a
    ticket due on two days), a triage, a stored candidate, a flag, one dated after today, a file with errors and a
    misspelt key."""
    kb = fixes_kb(root)
    write(
        kb,
        "incidents/2026/INC-2026-0080.md",
        "---\nid: INC-2026-0080\ntitle: Everything at once\ndate: 2026-05-28\nseverity: sev2\npatterns: []\n"
        "services: [checkout]\ntriage: [severity]\nflags: [look at the pool]\n"
        "candidates:\n  - {id: disk-full, rank: 1, confidence: low, score: 0.2, title: Disk full on a host, why: []}\n"
        "review: {level: full, owner: alice, due: 2026-05-30}\n"
        "follow_ups:\n  - {title: Alert on it, owner: bob, due: 2026-05-29, ticket: OPS-1}\n"
        "  - {title: Same ticket, owner: bob, due: 2026-06-20, ticket: OPS-1}\n  - {title: Someday, owner: carol}\n"
        "---\n\n## Summary\nAll of it.\n",
    )
    write(
        kb,
        "incidents/2099/INC-2099-0001.md",
        "---\nid: INC-2099-0001\ntitle: From the future\ndate: 2099-01-01\nseverity: sev3\npatterns: []\n---\n\n"
        "## Summary\nA typo.\n",
    )
    write(kb, "incidents/2026/INC-2026-0081.md", "---\nid: INC-2026-0081\ntitle: [broken\n---\n")
    write(
        kb,
        "incidents/2026/INC-2026-0082.md",
        "---\nid: INC-2026-0082\ntitle: Misspelt\ndate: 2026-05-01\nseverity: sev4\npatterns: [disk-full]\n"
        "follow-ups:\n  - {title: Not read, owner: bob}\n---\n\n## Summary\nA key not read.\n",
    )
    # retired with no day it was retired (retired_undated on a past board), its fix still recorded
    write_pattern(kb, "old-disk", status="retired", extra_front="superseded_by: disk-full",
                  fix="fix:\n  status: done\n  owner: alice\n  due: 2026-03-01\n  done: 2026-03-01")  # fmt: skip
    return kb


def test_every_key_of_a_full_board_is_published(tmp_path):
    """Each key of a board with a row in every list (since, filtered and a window too) is declared in the published
    schema (test_serve_answers' check, every object closed): a generated client's types are the board's."""
    from test_serve_answers import assert_published

    kb = full_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        spec = httpx.get(base + "/openapi.json").json()
        for query in (f"as_of={AS_OF}&since=2026-01-01&window=365", f"as_of={AS_OF}&owner=bob"):
            r = httpx.get(f"{base}/api/report?{query}", timeout=60)
            assert_published(spec, "GET", "/api/report", r)
        board = httpx.get(f"{base}/api/report?as_of={AS_OF}&since=2026-01-01").json()
        assert not [k for k, v in board.items() if isinstance(v, list) and not v]  # a row in every list
        assert board["recurring"]["30"] and board["since"]["rows"] and any(u["candidates"] for u in board["unknown"])


def test_a_bad_parameter_is_a_422_naming_it_in_the_clis_words(tmp_path):
    """A date that is no date, a `since` after the board's date (the words of `recur report --since`, which exits 2
    on it), an empty parameter (a script's unset variable: not read as today, nor as everyone), a blank owner, a
    window under a day, months out of range, a parameter the route does not read and one given twice: each the
    API's 422 invalid_request, naming the parameter. An empty or bad value is said in the words `recur report`
    says it with (``--as-of ''``, ``--months ''``): ``months=`` was pydantic's "Input should be a valid integer"
    beside ``as_of=``'s "must not be empty", and `recur report --months ''` click's "not a valid integer range"
    (found in review)."""
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        for query, said, flag in (
            ("as_of=2026-13-01", "as_of: no such date: 2026-13-01", "--as-of=2026-13-01"),
            ("as_of=01/06/2026", "as_of: '01/06/2026' is not a date (YYYY-MM-DD)", "--as-of=01/06/2026"),
            ("since=last-week", "since: 'last-week' is not a date (YYYY-MM-DD)", "--since=last-week"),
            (
                f"as_of={AS_OF}&since=2026-06-02",
                "since: 2026-06-02 is after the report's date (2026-06-01): give the day of the last review, on or "
                "before it",
                "--since=2026-06-02",
            ),
            ("as_of=", "as_of: '' is not a date (YYYY-MM-DD); leave as_of out for today", "--as-of="),
            ("since=", "since: '' is not a date (YYYY-MM-DD); leave since out", "--since="),
            ("owner=", "owner: give an owner's name (or '(unowned)')", "--owner="),
            ("owner=%20@%20", "owner: give an owner's name (or '(unowned)')", "--owner= @ "),
            ("window=", "window: '' is not a number of days, 1 or more; leave window out", "--window="),
            ("window=0", "window: 0 is not a number of days, 1 or more", "--window=0"),
            ("window=a", "window: 'a' is not a number of days, 1 or more", "--window=a"),
            ("months=", "months: '' is not a number of months from 1 to 120; leave months out for 12", "--months="),
            ("months=0", "months: 0 is not a number of months from 1 to 120", "--months=0"),
            ("months=121", "months: 121 is not a number of months from 1 to 120", "--months=121"),
            ("months=1.5", "months: '1.5' is not a number of months from 1 to 120", "--months=1.5"),
            ("as_of=2026-06-01&as_of=2026-06-02", "query parameter(s) given more than once: as_of", None),
            ("since=2026-01-01&since=2026-01-02", "query parameter(s) given more than once: since", None),
            ("owner=bob&owner=dan", "query parameter(s) given more than once: owner", None),
            ("months=3&months=4", "query parameter(s) given more than once: months", None),
            ("limit=5", "unknown query parameter(s): limit (it takes as_of, since, owner, window, months)", None),
        ):
            r = httpx.get(f"{base}/api/report?{query}", timeout=60)
            assert_error(r, 422, "invalid_request")
            assert r.json()["error"]["message"].startswith(said), (query, r.json())
            if flag is None:
                continue
            name = flag.split("=")[0]
            cli_says = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--as-of", AS_OF, flag])
            # the CLI's words are the API's, the flag for the parameter (the CLI's own prefix aside)
            words = said.split(": ", 1)[1].replace(f" {query.split('=')[0]} out", f" {name} out")
            assert cli_says.exit_code == 2 and f"Invalid value for '{name}': {words}" in cli_says.output, (
                flag,
                cli_says.output,
            )


# a value each schema takes, and the first it refuses on each side of it: GET /api/report answers the one and
# refuses the other, so /openapi.json says what the route enforces (``maxItems`` was missing for window, ``format``
# for the dates: found in review)
AT_THE_EDGE = {
    "as_of": ([AS_OF], ["2026-02-30", "2026-6-1"]),
    "since": (["2026-03-01"], ["2026-13-01", "yesterday"]),
    "owner": (["b"], [""]),
    "window": ([["1"], [str(d) for d in range(1, 11)]], [["0"], [str(d) for d in range(1, 12)]]),
    "months": (["1", "120"], ["0", "121"]),
}


def _takes(schema: dict, value) -> bool:
    """Whether ``schema`` (a parameter's, its null branch aside) takes ``value`` as the query string gives it."""
    import datetime as dt

    (branch,) = [b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"]
    if branch["type"] == "array":
        items = branch["items"]
        return len(value) <= branch.get("maxItems", len(value)) and all(_takes(items, v) for v in value)
    if branch["type"] == "integer":
        return value.isdigit() and branch.get("minimum", -1) <= int(value) <= branch.get("maximum", int(value))
    if len(value) < branch.get("minLength", 0):
        return False
    if branch.get("format") == "date":
        try:
            return bool(dt.date.fromisoformat(value)) and len(value) == 10
        except ValueError:
            return False
    return True


def test_the_published_parameters_say_what_the_route_refuses(tmp_path):
    """Each parameter's schema in /openapi.json against the route's real answers: a value at the edge the schema
    takes is answered 200, one past it a 422 naming the parameter; 11 windows are refused and maxItems says 10,
    the dates are ``format: date`` (YYYY-MM-DD only), months 1 to 120, an owner at least one character."""
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        spec = httpx.get(base + "/openapi.json").json()
        params = {p["name"]: p for p in spec["paths"]["/api/report"]["get"]["parameters"]}
        assert set(params) == set(AT_THE_EDGE)
        window = [b for b in params["window"]["schema"]["anyOf"] if b["type"] == "array"][0]
        assert window["maxItems"] == 10 and window["items"]["minimum"] == 1
        for name, (taken, refused) in AT_THE_EDGE.items():
            schema = params[name]["schema"]
            for value, ok in [(v, True) for v in taken] + [(v, False) for v in refused]:
                assert _takes(schema, value) is ok, (name, value, schema)
                values = value if isinstance(value, list) else [value]
                query = "&".join(f"{name}={v}" for v in values)
                r = httpx.get(
                    f"{base}/api/report?as_of={AS_OF}&{query}" if name != "as_of" else f"{base}/api/report?{query}"
                )
                if ok:
                    assert r.status_code == 200, (query, r.text[:300])
                else:
                    assert_error(r, 422, "invalid_request")
                    assert r.json()["error"]["message"].startswith(f"{name}: "), (query, r.json())


def test_the_board_is_read_again_when_the_kb_changes_not_once_at_start(tmp_path):
    """A record written while the server runs (a responder's `recur incident new`, a `git pull`) is on the board
    once the server's look at the KB's files sees it (every few seconds, as /healthz's stale), with no restart."""
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        url = f"{base}/api/report?as_of={AS_OF}"
        before = httpx.get(url).json()
        assert before["counts"]["unknown"] == 1
        write(
            kb,
            "incidents/2026/INC-2026-0090.md",
            "---\nid: INC-2026-0090\ntitle: Fresh mystery\ndate: 2026-05-30\nseverity: sev4\npatterns: []\n---\n\n"
            "## Summary\nNobody knows yet.\n",
        )
        deadline, board = time.monotonic() + 60, before  # a bound on a hang, not a pause
        while board["counts"]["unknown"] == 1 and time.monotonic() < deadline:
            time.sleep(0.1)
            board = httpx.get(url).json()
        assert [u["incident"] for u in board["unknown"]][:1] == ["INC-2026-0090"], board["unknown"]
        assert board == cli_json(kb)


def test_an_index_only_deployment_says_why_there_is_no_board(tmp_path):
    """Served from its index alone (no KB folder), the server answers suggestions and patterns; the board is made
    from incident records the index does not hold: a 503 kb_unavailable saying so and what to do, naming no server
    path (the route may be open to anyone, as /healthz is)."""
    kb = fixes_kb(tmp_path / "kb")
    Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    shutil.move(kb, tmp_path / "elsewhere")
    with running(fake_app(kb, tmp_path)) as base:
        assert httpx.get(base + "/api/patterns/disk-full").status_code == 200
        r = httpx.get(f"{base}/api/report?as_of={AS_OF}")
        assert_error(r, 503, "kb_unavailable")
        message = r.json()["error"]["message"]
        assert "index-only deployment" in message and "recur report --json" in message, message
        assert str(tmp_path) not in message and "retry-after" not in r.headers


def test_the_board_needs_the_token_under_token_scope_all_only(tmp_path):
    """A read route: open with a write token (--token-scope write), the token needed under --token-scope all, as
    /api/patterns; /openapi.json says so."""
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path, token=TOKEN, token_scope="all")) as base:
        assert_error(httpx.get(f"{base}/api/report?as_of={AS_OF}"), 401, "unauthorized")
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(f"{base}/api/report?as_of={AS_OF}", headers=auth).status_code == 200
        spec = httpx.get(base + "/openapi.json", headers=auth).json()
        assert spec["paths"]["/api/report"]["get"]["security"] == [{"token": []}]
    with running(fake_app(kb, tmp_path / "w", token=TOKEN)) as base:
        assert httpx.get(f"{base}/api/report?as_of={AS_OF}").status_code == 200


def test_the_same_board_is_made_once_for_parallel_and_repeated_requests(tmp_path, monkeypatch):
    """Ten dashboards asking at once, then again: one board made (served_kb.Boards), every answer the same bytes.
    Each request made it again in a worker thread, 90 to 180 ms of CPU on 2,000 incidents: ten at once held the GIL
    from the event loop, /healthz waited 0.7 s (bench/report_api.py). Another filter is another board, and a KB
    changed on disk is read again, its boards dropped."""
    from concurrent.futures import ThreadPoolExecutor

    from recur.problems import query

    made = []
    real = query.report_json
    monkeypatch.setattr(query, "report_json", lambda *a, **kw: made.append(kw) or real(*a, **kw))
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        url = f"{base}/api/report?as_of={AS_OF}&since=2026-03-01"
        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(lambda _: httpx.get(url, timeout=60), range(10)))
        assert {r.status_code for r in answers} == {200} and len({r.content for r in answers}) == 1
        assert httpx.get(url).content == answers[0].content
        assert len(made) == 1, made
        assert answers[0].json() == cli_json(kb, "--since", "2026-03-01")
        mine = httpx.get(f"{base}/api/report?as_of={AS_OF}&owner=bob").json()
        assert mine == cli_json(kb, "--owner", "bob") and len(made) == 2
        write(
            kb,
            "incidents/2026/INC-2026-0091.md",
            "---\nid: INC-2026-0091\ntitle: Fresh mystery\ndate: 2026-05-30\nseverity: sev4\npatterns: []\n---\n\n"
            "## Summary\nNobody knows yet.\n",
        )
        deadline, board = time.monotonic() + 60, answers[0].json()  # a bound on a hang, not a pause
        while not any(u["incident"] == "INC-2026-0091" for u in board["unknown"]) and time.monotonic() < deadline:
            time.sleep(0.1)
            board = httpx.get(url).json()
        assert board == cli_json(kb, "--since", "2026-03-01")


def test_the_board_answers_while_the_model_loads_and_after_a_failed_load(tmp_path):
    """The board is made from the KB's records, not the model nor the index: it answered 503 not_ready while the
    engine loaded (~10 s after every restart, minutes behind a first index build) and engine_failed for good after a
    load that failed (found in review). It reads the folder `recur serve --kb` names (create_app's kb_dir) from the
    start; the search still says not_ready, then engine_failed."""
    import threading

    from recur.util.errors import RecurError

    kb = fixes_kb(tmp_path / "kb")
    release = threading.Event()

    def slow_load():  # the model still loading until the test has asked
        release.wait(120)
        return Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)

    def failed_load():
        raise RecurError("the index cannot be read")

    def app(load, root):  # as `recur serve` makes it: told its --kb folder, its engine loaded in the background
        return create_app(load, site_dir=None, feedback_path=root / "fb.jsonl", kb_dir=kb)

    try:
        with running(app(slow_load, tmp_path), wait_ready=False) as base:
            r = httpx.get(f"{base}/api/report?as_of={AS_OF}&owner=bob", timeout=60)
            assert_error(httpx.post(f"{base}/api/suggest", json={"text": "disk full"}), 503, "not_ready")
            assert r.status_code == 200, r.text[:300]
            assert r.json() == cli_json(kb, "--owner", "bob")
    finally:
        release.set()
    with running(app(failed_load, tmp_path / "f"), wait_ready=False) as base:
        deadline = time.monotonic() + 60  # a bound on a hang: the failed load is said at once
        while httpx.get(base + "/healthz").json()["error"]["code"] != "engine_failed" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert_error(httpx.post(f"{base}/api/suggest", json={"text": "disk full"}), 503, "engine_failed")
        r = httpx.get(f"{base}/api/report?as_of={AS_OF}", timeout=60)
        assert r.status_code == 200, r.text[:300]
        assert r.json() == cli_json(kb)


def test_mcp_problem_report_pages_the_board_the_route_keeps(tmp_path, monkeypatch):
    """/mcp's problem_report made the board again at every call, page after page (90 to 180 ms of CPU each on 2,000
    incidents), beside the one GET /api/report kept (found in review). Under `recur serve` both read one board for
    the same parameters (served_kb.Boards.board): made once, then narrowed for the route and paged for MCP, which
    changes nothing of it (the route's answer after MCP's pages is still `recur report --json`'s)."""
    from test_mcp import call, session

    from recur.problems import board as board_mod

    made = []
    real = board_mod.report_board
    monkeypatch.setattr(board_mod, "report_board", lambda *a, **kw: made.append(kw) or real(*a, **kw))
    kb = fixes_kb(tmp_path / "kb")

    async def pages(client):
        first = await call(client, "problem_report", {"as_of": AS_OF, "owner": "bob", "limit": 1})
        then = await call(client, "problem_report", {"as_of": AS_OF, "owner": "bob", "cursor": "from:1"})
        return first, then, await call(client, "problem_report", {"as_of": AS_OF})

    with running(fake_app(kb, tmp_path, host="127.0.0.1")) as base:
        mine = httpx.get(f"{base}/api/report?as_of={AS_OF}&owner=bob", timeout=60).json()
        assert len(made) == 1, made
        first, then, whole = session(base + "/mcp", pages)
        assert not first[0] and not then[0] and not whole[0], (first[2], then[2], whole[2])
        assert len(made) == 2, made  # bob's board, then everyone's: none made twice
        assert first[1]["counts"] == mine["counts"] and first[1]["next_cursor"] == "from:1"
        r = httpx.get(f"{base}/api/report?as_of={AS_OF}", timeout=60)
        assert len(made) == 2, made  # MCP's board, narrowed by no one: the route's answer
        assert r.json() == cli_json(kb) and whole[1]["counts"] == r.json()["counts"]
        assert httpx.get(f"{base}/api/report?as_of={AS_OF}&owner=bob").json() == cli_json(kb, "--owner", "bob")


def test_a_dashboard_polling_an_unchanged_board_gets_a_304_by_its_etag(tmp_path):
    """A dashboard polling the board (1 MB on 2,000 incidents) got it whole each time: the answer has an ETag (the
    bytes' digest), and If-None-Match naming it is a 304 with no body, its ETag and Vary the 200's (weak when gzip
    sent it, as a site file's 304), until the KB or the parameters change the board."""
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base, httpx.Client(timeout=60) as client:
        url = f"{base}/api/report?as_of={AS_OF}"
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        etag = plain.headers["etag"]
        assert plain.status_code == 200 and etag.startswith('"') and plain.json() == cli_json(kb)
        again = client.get(url, headers={"Accept-Encoding": "identity", "If-None-Match": f'"x", {etag}'})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["etag"] == "W/" + etag
        revalidated = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})
        assert revalidated.status_code == 304 and revalidated.headers["etag"] == "W/" + etag
        assert revalidated.headers["vary"] == zipped.headers["vary"]
        other = client.get(f"{url}&owner=bob", headers={"If-None-Match": etag})
        assert other.status_code == 200 and other.headers["etag"] != etag
        spec = client.get(base + "/openapi.json").json()["paths"]["/api/report"]["get"]["responses"]
        assert "ETag" in spec["200"]["headers"] and "304" in spec
        write(
            kb,
            "incidents/2026/INC-2026-0092.md",
            "---\nid: INC-2026-0092\ntitle: Fresh mystery\ndate: 2026-05-30\nseverity: sev4\npatterns: []\n---\n\n"
            "## Summary\nNobody knows yet.\n",
        )
        deadline, r = time.monotonic() + 60, again  # a bound on a hang, not a pause
        while r.status_code == 304 and time.monotonic() < deadline:
            time.sleep(0.1)
            r = client.get(url, headers={"Accept-Encoding": "identity", "If-None-Match": etag})
        assert r.status_code == 200 and r.headers["etag"] != etag and r.json() == cli_json(kb)


SLOW_LOAD = """
import sys
from recur.cli import startup
real, gate = startup.open_engine, sys.argv.pop(1)
def held(*args, **kw):  # the load waits until the test writes to the FIFO
    with open(gate) as fifo:
        fifo.read()
    return real(*args, **kw)
startup.open_engine = held
from recur.cli.main import main
sys.argv[0] = "recur"
main()
"""


def test_recur_serve_answers_the_board_while_its_model_loads(tmp_path):
    """`recur serve` tells the app its --kb folder (create_app's kb_dir): the board answers while the engine's load
    is held (a FIFO nobody has written to yet), where /api/suggest says not_ready; then the load goes on."""
    import errno
    import os

    from serve_util import wait_healthy
    from test_serve_cli import serve_process

    kb = fixes_kb(tmp_path / "kb")
    gate = tmp_path / "gate"
    os.mkfifo(gate)

    def wrap(cmd):  # [python, -m, recur, serve, ...] as [python, -c, SLOW_LOAD, gate, serve, ...]
        return [cmd[0], "-c", SLOW_LOAD, str(gate), *cmd[3:]]

    with serve_process(kb, tmp_path, wrap=wrap) as (base, result):
        # asked once, on reading the start-up line: the port listens before it is printed (it was refused in CI)
        r = httpx.get(f"{base}/api/report?as_of={AS_OF}", timeout=60)
        assert_error(httpx.post(f"{base}/api/suggest", json={"text": "disk full"}), 503, "not_ready")
        assert r.status_code == 200, r.text[:300]
        assert r.json() == cli_json(kb)
        deadline = time.monotonic() + 60  # a bound on a hang: the load opens the FIFO as it starts
        while True:
            try:
                fd = os.open(gate, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as exc:
                if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        os.close(fd)  # end of file: the load goes on
        wait_healthy(base)
        assert httpx.post(f"{base}/api/suggest", json={"text": "disk full"}).status_code == 200
