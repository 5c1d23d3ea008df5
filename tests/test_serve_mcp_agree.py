"""MCP and `recur serve`'s API say the same of the same things: that the index is older than the KB (under `recur
serve` one look at the KB serves /healthz and every MCP answer, and under `recur mcp` its own stale check serves
every answer; resources/list says it as the tools do), and a pattern asked for by its id in another letter case.
Driven by the MCP SDK's client, a live uvicorn server or `recur mcp` over stdio, and the fake:64 encoder."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import httpx
from kbfactory import small_kb
from mcp import StdioServerParameters
from serve_util import holding, running
from test_mcp import call, session

from recur.retrieval import index as index_mod
from recur.retrieval.engine import Engine
from recur.serve import create_app
from recur.serve.mcp_server import build_server

EDITED = "patterns/capacity/disk-full.md"


def _app(kb, index):
    return create_app(
        lambda: Engine.open(kb, index, model="fake:64", quiet=True), site_dir=None, feedback_path=None, host="127.0.0.1"
    )


def _edit(kb) -> None:
    edited = kb / EDITED
    edited.write_text(edited.read_text().replace('"Disk full on a host"', '"Disk full (edited)"', 1))


def _stale_healthz(base: str, wait: float = 60.0) -> dict:
    """/healthz once it says the index is stale (the server looks at its KB every few seconds)."""
    deadline = time.monotonic() + wait
    while True:
        health = httpx.get(base + "/healthz", timeout=60).json()
        if health.get("stale") or time.monotonic() > deadline:
            return health
        time.sleep(0.1)


def test_under_serve_mcp_says_the_staleness_healthz_says_from_the_servers_one_look(tmp_path, monkeypatch):
    """Under `recur serve`, /mcp's answers (mcp_server.Staleness) and the server's own check (/healthz ``stale``)
    each walked and hashed the KB, on clocks of their own. Now the server's check is the one look: /mcp reads the
    files it found, so both say the same files, and kb_changes runs in the server's watcher thread only (every
    call counted, each made by the real function)."""
    kb = small_kb(tmp_path / "kb")
    callers = []
    real = index_mod.kb_changes

    def counted(manifest, kb_root, *given):
        callers.append(threading.current_thread().name)
        return real(manifest, kb_root, *given)

    monkeypatch.setattr(index_mod, "kb_changes", counted)

    async def work(client):
        doc = await call(client, "get_pattern", {"id": "disk-full"})
        listed = await call(client, "list_patterns", {})
        return doc, listed, (await client.list_resources()).resources

    with running(_app(kb, tmp_path / "index")) as base:
        _edit(kb)
        health = _stale_healthz(base)
        doc, listed, resources = session(base + "/mcp", work)
    assert health["stale"] and f"({EDITED})" in health["stale"], health
    for err, got, text in (doc, listed):
        assert not err and got["stale"]["files"] == [EDITED] and text.startswith(got["stale"]["message"])
    # resources/list says it as list_patterns does (get_pattern's note adds that its incidents are the index's)
    assert all(listed[1]["stale"]["message"] in r.description for r in resources)
    assert callers and set(callers) == {"recur-engine"}, callers  # the watcher's look, no other


# `recur mcp` with every index.kb_changes call counted: the calling thread's name appended to the file in argv[1]
# (a line a call, written as it happens: the server process ends when the client closes its stdin)
COUNTED_MCP = """
import sys, threading
from recur.retrieval import index as index_mod
from recur.cli.main import cli

log, real = sys.argv.pop(1), index_mod.kb_changes

def counted(manifest, kb_root, *given):
    with open(log, "a") as out:
        out.write(threading.current_thread().name + "\\n")
    return real(manifest, kb_root, *given)

index_mod.kb_changes = counted
cli(sys.argv[1:], prog_name="recur")
"""


def test_over_stdio_mcp_says_the_staleness_of_its_servers_one_look(tmp_path):
    """`recur mcp` over stdio walked and hashed the KB twice every ~5 s: its EngineHolder's stale check (the
    background thread 'recur-engine') and the MCP side's own Staleness. Now the holder's look is the only one, as
    under `recur serve`: the answers name the edited file, and every kb_changes call (counted in the server's
    process by a wrapper around the real function) comes from the holder's thread."""
    kb, log = small_kb(tmp_path / "kb"), tmp_path / "kb_changes.log"
    args = ["mcp", "--kb", str(kb), "--index", str(tmp_path / "index"), "--model", "fake:64"]
    server = StdioServerParameters(
        command=sys.executable, env=dict(os.environ), args=["-c", COUNTED_MCP, str(log), *args]
    )

    async def work(client):
        # waits for the load (the search needs the model; list_patterns answers from the KB while it loads, and an
        # edit made before the index is built is in it: nothing would be stale)
        await call(client, "suggest_patterns", {"text": "disk full"})
        _edit(kb)
        deadline = time.monotonic() + 60  # the server looks at its KB every few seconds
        while not (listed := await call(client, "list_patterns", {}))[1].get("stale"):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        doc = await call(client, "get_pattern", {"id": "disk-full"})
        return doc, listed, (await client.list_resources()).resources

    doc, listed, resources = session(server, work)
    for err, got, text in (doc, listed):
        assert not err and got["stale"]["files"] == [EDITED] and text.startswith(got["stale"]["message"])
    # resources/list says it as list_patterns does (get_pattern's note adds that its incidents are the index's)
    assert all(listed[1]["stale"]["message"] in r.description for r in resources)
    callers = log.read_text().splitlines()
    assert callers and set(callers) == {"recur-engine"}, callers  # the holder's look, no other


def test_resources_list_says_when_the_index_is_older_than_the_kb_as_the_tools_do(tmp_path):
    """resources/list gave each pattern's description from the index with no word that the KB had changed since,
    where every tool answer says so (``stale``): an assistant picked a listed pattern by its old summary. Each
    listed pattern's description now ends with the tools' note while the index is stale, and only then."""
    kb = small_kb(tmp_path / "kb")
    holder = holding(Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True))
    server = build_server(lambda: holder.engine, stale_files=lambda: holder.kb_changed)  # as `recur mcp` builds it

    async def work(client):
        before = (await client.list_resources()).resources
        _edit(kb)
        holder.check_stale()  # where the holder's watcher looks next
        after = (await client.list_resources()).resources
        answer = await call(client, "list_patterns", {})
        return before, after, answer

    try:
        before, after, (err, got, _) = session(server, work)
    finally:
        holder.stop()
    note = got["stale"]["message"]
    assert not err and EDITED in note
    assert [str(r.uri) for r in after] == [str(r.uri) for r in before] and before
    assert all("Note:" not in r.description for r in before)
    assert all(a.description == f"{b.description}\n{note}" for a, b in zip(after, before, strict=True))


FILE_FORMS = [  # a pattern's file or page as answers print them, and a misspelt one's
    "capacity/disk-full",
    "patterns/capacity/disk-full.md",
    "kb/patterns/capacity/Disk-Full.md",
    "disk-full.md",
    "https://kb.example.com/recur/patterns/capacity/disk-full.html",
    "https://kb.example.com/recur/patterns/capacity/disk-full.html#runbook",
    "recur://patterns/../capacity/disk-full.md",
]


def test_a_patterns_file_or_page_names_it_to_the_api_mcp_the_resource_and_recur_show(tmp_path, monkeypatch):
    """Found in an MCP review: get_pattern, the resource and GET /api/patterns/ID answered the forms answers print
    (`capacity/disk-full`, `patterns/data/x.md`, a page's URL, `recur://patterns/../data/x.md`) with "no pattern
    with id" and no did-you-mean. The last path segment, without .md or .html, is the id, by the one rule
    (patterns.given_pattern_id), so `recur show` reads them too; a misspelt one is named with the close ids."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")

    async def work(client):
        out = []
        for form in FILE_FORMS:
            _, doc, _ = await call(client, "get_pattern", {"id": form})
            out.append(doc and doc.get("id"))
        read = await client.read_resource("recur://patterns/disk-full.md")  # the SDK's {id} takes no "/"
        _, _, misspelt = await call(client, "get_pattern", {"id": "patterns/capacity/disk-ful.md"})
        return out, read.contents[0].text, misspelt

    with running(_app(kb, tmp_path / "index")) as base:
        api = [httpx.get(base + "/api/patterns/" + form, timeout=30) for form in FILE_FORMS[:4]]
        wrong = httpx.get(base + "/api/patterns/capacity/disk-ful", timeout=30)
        got, markdown, misspelt = session(base + "/mcp", work)
    assert got == ["disk-full"] * len(FILE_FORMS)
    assert [(r.status_code, r.json()["id"]) for r in api] == [(200, "disk-full")] * 4
    assert markdown == (kb / EDITED).read_text()
    # named as given (found in review: "no pattern with id 'lib'" was said of "disk full on /var/lib")
    assert "no pattern with id 'patterns/capacity/disk-ful.md'" in misspelt, misspelt
    assert "did you mean 'disk-full'" in misspelt, misspelt
    assert wrong.status_code == 404 and wrong.json()["error"]["message"] == (
        "no such route: GET /api/patterns/capacity/disk-ful, nor a pattern's file: no pattern with id "
        "'capacity/disk-ful' in the index (did you mean 'disk-full'?)"
    )
    monkeypatch.chdir(tmp_path)
    shown = CliRunner().invoke(cli, ["show", "https://kb.example.com/recur/patterns/capacity/disk-full.html"])
    assert shown.exit_code == 0 and "Disk full on a host" in shown.output, shown.output


def test_a_text_with_a_slash_or_a_folders_url_is_named_as_given_by_the_api_and_mcp(tmp_path):
    """Found in review: GET /api/patterns/disk%20full%20on%20%2Fvar%2Flib was "no pattern with id 'lib'" (a text
    read as a file path by its last segment), and get_pattern of a category's URL (`…/patterns/capacity/`) "no
    pattern with id 'capacity'". A text with white space is no path; an unknown segment's error names the text."""
    kb = small_kb(tmp_path / "kb")
    folder = "https://kb.example.com/recur/patterns/capacity/"

    async def work(client):
        return [(await call(client, "get_pattern", {"id": given}))[2] for given in ("disk full on /var/lib", folder)]

    with running(_app(kb, tmp_path / "index")) as base:
        api = httpx.get(base + "/api/patterns/disk%20full%20on%20%2Fvar%2Flib", timeout=30)
        text, url = session(base + "/mcp", work)
    assert api.status_code == 404 and api.json()["error"] == {
        "code": "pattern_not_found",
        "message": "no pattern with id 'disk full on /var/lib' in the index",
    }
    assert "no pattern with id 'disk full on /var/lib'" in text, text
    assert f"no pattern with id {folder!r}" in url, url


def test_a_pattern_left_out_for_errors_is_said_to_be_with_its_file_not_unknown(tmp_path, monkeypatch):
    """Found in an operator's review: after a non-strict `recur index` over a KB with a broken pattern file (which
    /healthz's `left_out` names), GET /api/patterns/disk-full, a vote for it, MCP's get_pattern and `recur show`
    said "no pattern with id 'disk-full' in the index", as of a typo. Each now says its file was left out for
    errors, naming it (`recur show`, which reads the KB, with its first error)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")
    (kb / EDITED).write_text((kb / EDITED).read_text().replace("severity: sev2", "severity: sev9", 1))
    monkeypatch.chdir(tmp_path)
    built = CliRunner().invoke(cli, ["index", "--kb", "kb", "--index", "index", "--model", "fake:64"])
    assert built.exit_code == 0 and "not searched: patterns/capacity/disk-full.md" in built.output, built.output
    said = (
        "pattern 'disk-full' is not in the index: its file patterns/capacity/disk-full.md was left out for errors; "
        "fix it (`recur check` names them), then rebuild the index (`recur index`)"
    )

    async def work(client):
        return await call(client, "get_pattern", {"id": "disk-full"})

    app = create_app(
        lambda: Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True),
        site_dir=None,
        feedback_path=tmp_path / "feedback.jsonl",
        host="127.0.0.1",
    )
    with running(app) as base:
        api = httpx.get(base + "/api/patterns/disk-full", timeout=30)
        vote = httpx.post(base + "/api/feedback", json={"query": "x", "pattern": "disk-full", "useful": True})
        err, _, text = session(base + "/mcp", work)
    assert api.status_code == vote.status_code == 404
    assert api.json()["error"] == vote.json()["error"] == {"code": "pattern_not_found", "message": said}
    assert err and said in text, text
    for index in ("index", "no-index"):  # read from the fresh index's docs, and from the KB
        shown = CliRunner().invoke(cli, ["show", "disk-full", "--kb", "kb", "--index", index])
        assert shown.exit_code == 1 and shown.output.splitlines()[-1] == (
            "Error: pattern 'disk-full' is not in the knowledge base at kb: its file kb/patterns/capacity/disk-full.md"
            " was left out for errors (line 5: severity: unknown severity 'sev9'; the framework has sev1, sev2, sev3,"
            " sev4); fix it (`recur check` names them)"
        ), shown.output


def test_a_pattern_id_in_another_letter_case_is_answered_by_the_api_and_the_resource_as_by_get_pattern(tmp_path):
    """GET /api/patterns/Disk-Full and the resource recur://patterns/Disk-Full were "no pattern" while MCP's
    get_pattern answered "Disk-Full" with disk-full: ids are lower-case kebab, and letter case and spaces around
    one do not count, by one rule (patterns.given_pattern_id). An unknown id is still the 404 naming the close
    ones."""
    kb = small_kb(tmp_path / "kb")

    async def work(client):
        doc = await call(client, "get_pattern", {"id": "Disk-Full"})
        read = await client.read_resource("recur://patterns/Disk-Full")
        return doc, read.contents[0].text

    with running(_app(kb, tmp_path / "index")) as base:
        r = httpx.get(base + "/api/patterns/Disk-Full", timeout=30)
        spaced = httpx.get(base + "/api/patterns/%20DISK-FULL%20", timeout=30)
        exact = httpx.get(base + "/api/patterns/disk-full", timeout=30)
        unknown = httpx.get(base + "/api/patterns/Disk-Fulll", timeout=30)
        (err, doc, _), markdown = session(base + "/mcp", work)
    assert r.status_code == spaced.status_code == 200 and r.json() == spaced.json() == exact.json()
    # the API's answer says "stale": null while the index is current; MCP's has no stale key then
    assert r.json()["id"] == "disk-full" and not err and doc | {"stale": None} == r.json()
    assert markdown == (kb / EDITED).read_text()
    assert unknown.status_code == 404 and unknown.json() == {
        "error": {
            "code": "pattern_not_found",
            "message": "no pattern with id 'disk-fulll' in the index (did you mean 'disk-full'?)",
        }
    }


def test_the_api_slack_and_mcp_answers_say_the_stale_index_alike(tmp_path):
    """Found in a consistency review: /api/suggest, /api/alertmanager, /api/patterns/{id} and the Slack reply never
    said the served index was older than the KB, where /mcp on the same server did (and /healthz). Each answer
    carries ``stale``, the object MCP's answers carry (null while the index is current), and the Slack reply says
    it first; here after a pattern's file changes under a running server."""
    from serve_util import alert_payload
    from test_slack import SECRET, slash

    kb = small_kb(tmp_path / "kb")
    app = create_app(
        lambda: Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True),
        site_dir=None,
        feedback_path=None,
        host="127.0.0.1",
        slack_signing_secret=SECRET,
    )
    text = "No space left on device"
    alert = alert_payload({"labels": {"alertname": "DiskFull"}, "annotations": {"summary": text}})

    def answers(base):
        return (
            httpx.post(base + "/api/suggest", json={"text": text}, timeout=30).json(),
            httpx.post(base + "/api/alertmanager", json=alert, timeout=30).json(),
            httpx.get(base + "/api/patterns/disk-full", timeout=30).json(),
            slash({"base": base}, text).json(),
            # it had no stale, where MCP's list_patterns said it (found in review)
            httpx.get(base + "/api/patterns", timeout=30).json(),
        )

    async def work(client):
        return await call(client, "suggest_patterns", {"text": text}), await call(client, "list_patterns", {})

    with running(app) as base:
        fresh = answers(base)
        _edit(kb)
        assert _stale_healthz(base)["stale"]
        stale = answers(base)
        (err, mcp, _), (_, listed, _) = session(base + "/mcp", work)
    assert [a["stale"] for a in fresh] == [None] * 5, fresh
    assert listed["stale"] == mcp["stale"]
    assert not err and mcp["stale"]["files"] == [EDITED] and not mcp["stale"]["only_incidents"]
    # the same object but its message: MCP's tells an assistant what to tell the user, the API's (which Slack's
    # reply and the site's box show) is said to a person (found in review)
    but_message = {k: v for k, v in mcp["stale"].items() if k != "message"}
    assert [{k: v for k, v in a["stale"].items() if k != "message"} for a in stale] == [but_message] * 5
    said = f"The knowledge base changed since its index was built ({EDITED}): this answer comes from the old index"
    assert [a["stale"]["message"] for a in stale] == [
        f"{said} and may be out of date until it is rebuilt (recur index)."
    ] * 5
    assert "tell the user" in mcp["stale"]["message"] and "tell the user" not in stale[0]["stale"]["message"]
    intro = stale[3]["blocks"][0]["text"]["text"]
    assert intro.startswith(f"⚠️ _{said}") and "⚠️" not in fresh[3]["blocks"][0]["text"]["text"], intro


def test_the_pattern_list_says_nothing_when_incident_records_alone_changed(tmp_path):
    """GET /api/patterns' ``stale`` follows MCP's list_patterns (CURRENT_INCIDENTS): an incident record added
    under a running server leaves the patterns listed current, so the list says nothing, where a pattern's own
    answer (its linked incidents are the index's) says it, only_incidents."""
    kb = small_kb(tmp_path / "kb")
    with running(_app(kb, tmp_path / "index")) as base:
        record = next((kb / "incidents").rglob("*.md"))
        (record.parent / "INC-2026-999.md").write_text(record.read_text())
        assert _stale_healthz(base)["stale"]
        listed = httpx.get(base + "/api/patterns", timeout=30).json()
        one = httpx.get(base + "/api/patterns/disk-full", timeout=30).json()
        (_, mcp, _) = session(base + "/mcp", lambda client: call(client, "list_patterns", {}))
    assert listed["stale"] is None and "stale" not in mcp and listed["patterns"] == mcp["patterns"]
    assert one["stale"]["only_incidents"] is True and one["stale"]["files"][0].startswith("incidents/")
