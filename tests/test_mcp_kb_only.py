"""MCP's tools that read only the KB's records (problem_report, get_incident: mcp_server.KB_ONLY) answer without the
engine, as GET /api/report does: while the model and index load, and after a load that failed. problem_report
waited for the load (over stdio up to 300 s, over /mcp 45 s then not_ready) and said engine_failed for good after a
failed one, where the API answered from the same KB (found in review). The real MCP SDK client throughout, over
`recur mcp` on stdio and `recur serve`'s /mcp; the engine held or failed by the load given, nothing mocked.
past_incidents by pattern_id and a pattern's resource need the index's ids and files, not the model: they answer from
the KB's patterns likewise, as the loaded engine answers them (an index-only server, with no KB to read, waits for its
engine as before)."""

from __future__ import annotations

import json
import threading

from click.testing import CliRunner
from serve_util import running
from test_mcp import call, session, stdio
from test_mcp_board import fixes_kb

from recur.cli.main import cli
from recur.retrieval.engine import Engine
from recur.serve import create_app

AS_OF = "2026-06-01"
INCIDENT = "INC-2026-0031"  # fixes_kb's first incident of broke-again


def cli_counts(kb) -> dict:
    r = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--json", "--as-of", AS_OF, "--owner", "bob"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["counts"]


async def kb_only_calls(client) -> dict:
    return {
        "report": await call(client, "problem_report", {"as_of": AS_OF, "owner": "bob"}),
        "incident": await call(client, "get_incident", {"id": INCIDENT.lower()}),
        "a_pattern": await call(client, "get_incident", {"id": "broke-again"}),
    }


def assert_answered(got: dict, kb) -> None:
    err, board, text = got["report"]
    assert not err, text
    assert board["counts"] == cli_counts(kb) and board["filtered"]["owner"] == "bob", board["counts"]
    err, incident, text = got["incident"]
    assert not err and incident["id"] == INCIDENT and incident["patterns"] == ["broke-again"], text
    err, _, text = got["a_pattern"]  # told from the KB's patterns, not the index's (which waited for the engine)
    assert err and text.startswith("'broke-again' is a pattern, not an incident: get_pattern broke-again"), text


def _with_another_models_index(tmp_path):
    """The fixes KB, its index (tmp_path/index) built with another model than `recur mcp`'s --model: the engine's
    load fails."""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import build

    kb = fixes_kb(tmp_path / "kb")
    build(load_kb(kb), tmp_path / "index", embed.load_encoder("fake:32"), progress=False)  # not --model's
    return kb


def test_stdio_kb_tools_answer_after_the_engine_failed_to_load(tmp_path):
    """`recur mcp` over an index built with another model: the search says engine_failed, the board and the
    incidents are answered from the --kb folder."""
    kb = _with_another_models_index(tmp_path)

    async def work(client):
        got = await kb_only_calls(client)
        got["search"] = await call(client, "suggest_patterns", {"text": "ENOSPC"})
        return got

    got = session(stdio(kb, tmp_path / "index"), work)
    err, body, text = got["search"]
    assert err and body["error"]["code"] == "engine_failed", text
    assert_answered(got, kb)


def _held(kb, index, release: threading.Event):
    def slow_load():  # the model still loading until the test has its answers
        release.wait(120)
        return Engine.open(kb, index, model="fake:64", quiet=True)

    return slow_load


def test_stdio_kb_tools_answer_while_the_engine_loads(tmp_path):
    """`recur mcp`'s getter waits for the load (holder_engine, up to 300 s): the board and an incident are
    answered while the load is held, the load released only once they are."""
    from recur.serve.mcp_server import build_server
    from recur.serve.mcp_stdio import holder_engine
    from recur.serve.runtime import EngineHolder

    kb = fixes_kb(tmp_path / "kb")
    release = threading.Event()
    holder = EngineHolder(_held(kb, tmp_path / "index", release))
    holder.start()
    try:
        server = build_server(holder_engine(holder), stale_files=lambda: holder.kb_changed, kb_dir=kb)
        got = session(server, kb_only_calls)
        assert not holder.ready.is_set()  # answered with the load still held
    finally:
        release.set()
        holder.stop()
    assert_answered(got, kb)


def _http_loading_and_failed(tmp_path, kb, calls, failed_calls=None):
    """`recur serve`'s /mcp (create_app told its --kb folder, as GET /api/report reads it): what ``calls`` are
    answered while the load is held, and what ``failed_calls`` (else ``calls``) are after a load that failed."""
    from recur.util.errors import RecurError

    release = threading.Event()

    def failed_load():
        raise RecurError("the index cannot be read")

    def app(load, root):
        return create_app(load, site_dir=None, feedback_path=root / "fb.jsonl", kb_dir=kb, host="127.0.0.1")

    try:
        with running(app(_held(kb, tmp_path / "index", release), tmp_path), wait_ready=False) as base:
            loading = session(base + "/mcp", calls)
    finally:
        release.set()
    with running(app(failed_load, tmp_path / "f"), wait_ready=False) as base:
        failed = session(base + "/mcp", failed_calls or calls)
    return loading, failed


def test_http_kb_tools_answer_while_the_engine_loads_and_after_a_failed_load(tmp_path):
    """`recur serve`'s /mcp: a call waited for the load up to 45 s, then not_ready; it is answered while the load is
    held, and after a load that failed."""
    kb = fixes_kb(tmp_path / "kb")

    async def work(client):
        got = await kb_only_calls(client)
        got["search"] = await call(client, "suggest_patterns", {"text": "ENOSPC"})
        return got

    loading, failed = _http_loading_and_failed(tmp_path, kb, kb_only_calls, work)
    assert_answered(loading, kb)
    err, body, text = failed["search"]
    assert err and body["error"]["code"] == "engine_failed", text
    assert_answered(failed, kb)


def test_get_incident_of_a_pattern_id_agrees_with_get_pattern_when_the_kb_and_the_index_disagree(tmp_path):
    """get_incident told a pattern's id by the KB's patterns alone: of a pattern written after the index was built
    it said "get_pattern added-later gives it", which get_pattern answered "no pattern with id 'added-later' in the
    index", and of a pattern deleted that the index still serves "no incident with id 'dns-failure'", which
    get_pattern gave (found in a re-read). Once the engine has loaded, the index's patterns tell it, as
    get_pattern reads them; a retired id is said to be one, as get_pattern says. `recur serve`'s /mcp, the KB
    changed after the load and the server's own look at it made (no clock waited on)."""
    from kbfactory import small_kb, write_pattern
    from serve_util import fake_app, fake_index

    kb = small_kb(tmp_path / "kb")
    fake_index(kb, tmp_path / "index")
    app = fake_app(kb, tmp_path)
    with running(app) as base:
        write_pattern(kb, "added-later", extra_front="owner: team-new")
        (kb / "patterns/network/dns-failure.md").unlink()
        app.state.holder.check_stale()  # the look /healthz's stale reports, which the KB read is kept until

        async def work(client):
            got = {}
            for pid in ("added-later", "dns-failure", "old-retired", "disk-full"):
                got[pid] = (
                    await call(client, "get_incident", {"id": pid}),
                    await call(client, "get_pattern", {"id": pid}),
                )
            return got

        got = session(base + "/mcp", work)
    for pid, ((err, _, said), (pattern_err, _, pattern_said)) in got.items():
        assert err, said
        gives = said.startswith(f"'{pid}' is a pattern, not an incident: get_pattern {pid} gives it")
        assert gives == (not pattern_err), (said, pattern_said)  # "gives it" only of what get_pattern gives
    assert got["added-later"][0][2] == (
        "'added-later' is a pattern, not an incident, added or changed since the served index was built: get_pattern "
        "added-later gives it once the index is rebuilt (`recur index`)"
    )
    assert got["old-retired"][0][2].startswith("'old-retired' is a retired pattern, not an incident: get_pattern")
    assert "retired" in got["old-retired"][1][2]


# past_incidents by pattern_id and a pattern's resource read the index's ids, files and retired patterns, not the
# model: while the engine loads (and after a failed load) the KB's files give them, as the loaded index would
ID_CALLS = ("broke-again", "Disk-Full", "disk-ful", "old-retired", INCIDENT.lower())
URIS = ("broke-again", "capacity/disk-full", "disk-ful", "old-retired", INCIDENT, "")


async def pattern_calls(client) -> dict:
    got = {pid: await call(client, "past_incidents", {"pattern_id": pid, "limit": 3}) for pid in ID_CALLS}
    got["neither"] = await call(client, "past_incidents", {})
    got["blank"] = await call(client, "past_incidents", {"text": " "})  # refused before any wait: no search
    for uri in URIS:
        try:
            got["uri:" + uri] = (await client.read_resource("recur://patterns/" + uri)).contents[0].text
        except Exception as exc:  # the SDK raises the server's JSON-RPC error
            got["uri:" + uri] = f"error: {exc}"
    return got


def loaded_answers(kb, tmp_path, calls=pattern_calls) -> dict:
    """The answers of a server over the loaded engine (what they were, and are once it has loaded)."""
    from test_mcp import in_process

    return session(in_process(kb, tmp_path / "loaded-index"), calls)


def assert_same(got: dict, loaded: dict) -> None:
    assert got == loaded
    err, body, text = got["broke-again"]
    assert not err and [i["id"] for i in body["incidents"]] == ["INC-2026-0032", INCIDENT], text
    assert got["Disk-Full"][1]["pattern_id"] == "disk-full" and "did you mean 'disk-full'" in got["disk-ful"][2]
    assert "is retired" in got["old-retired"][2] and "is an incident record" in got[INCIDENT.lower()][2]
    assert got["neither"][0] and "pattern_id or text" in got["neither"][2]
    assert got["blank"][0] and got["blank"][2] == "text: must not be empty: describe what you see"
    assert got["uri:broke-again"].startswith("---\n") and "id: broke-again" in got["uri:broke-again"]
    assert got["uri:capacity/disk-full"].startswith("---\n") and "id: disk-full" in got["uri:capacity/disk-full"]
    assert got["uri:old-retired"].startswith("error: ") and "is retired" in got["uri:old-retired"]
    assert "did you mean 'disk-full'" in got["uri:disk-ful"] and "is an incident record" in got["uri:" + INCIDENT]
    assert "names no pattern" in got["uri:"]


def _after_a_failed_load(tmp_path, calls, search: str) -> tuple:
    """`recur mcp` over an index built with another model: the KB and what ``calls`` got, once ``search`` (a tool
    given text, which needs the model) has said engine_failed."""
    kb = _with_another_models_index(tmp_path)

    async def work(client):
        got = await calls(client)
        got["search"] = await call(client, search, {"text": "ENOSPC"})
        return got

    got = session(stdio(kb, tmp_path / "index"), work)
    err, body, text = got.pop("search")
    assert err and body["error"]["code"] == "engine_failed", text
    return kb, got


def test_stdio_past_incidents_and_the_pattern_resource_answer_after_the_engine_failed_to_load(tmp_path):
    """`recur mcp` over an index built with another model: the search says engine_failed; past_incidents by
    pattern_id and a pattern's resource said engine_failed too, and answer now as the loaded engine answers."""
    kb, got = _after_a_failed_load(tmp_path, pattern_calls, "past_incidents")  # by text: the model's search
    assert_same(got, loaded_answers(kb, tmp_path))


def test_stdio_past_incidents_and_the_pattern_resource_answer_while_the_engine_loads(tmp_path):
    """`recur mcp`'s getter waits for the load (holder_engine, up to 300 s): past_incidents by pattern_id and a
    pattern's resource are answered while the load is held, as the loaded engine answers them."""
    kb = fixes_kb(tmp_path / "kb")
    assert_same(_stdio_held(tmp_path, kb, pattern_calls), loaded_answers(kb, tmp_path))


def _stdio_held(tmp_path, kb, calls) -> dict:
    """What ``calls`` are answered by `recur mcp`'s server (built as it builds it) while the load is held, released
    only once they are."""
    from recur.serve.mcp_server import build_server
    from recur.serve.mcp_stdio import holder_engine
    from recur.serve.runtime import EngineHolder

    release = threading.Event()
    holder = EngineHolder(_held(kb, tmp_path / "index", release))
    holder.start()
    try:
        server = build_server(
            holder_engine(holder),
            stale_files=lambda: holder.kb_changed,
            kb_dir=kb,
            engine_now=holder_engine(holder, wait=0),  # as `recur mcp` builds it
        )
        got = session(server, calls)
        assert not holder.ready.is_set()  # answered with the load still held
    finally:
        release.set()
        holder.stop()
    return got


def test_http_past_incidents_and_the_pattern_resource_answer_while_the_engine_loads_and_after_a_failed_load(tmp_path):
    """`recur serve`'s /mcp: a call waited for the load up to 45 s, then not_ready, and said engine_failed after a
    failed load; both are answered as the loaded engine answers them."""
    kb = fixes_kb(tmp_path / "kb")
    loading, failed = _http_loading_and_failed(tmp_path, kb, pattern_calls)
    loaded = loaded_answers(kb, tmp_path)
    assert_same(loading, loaded)
    assert_same(failed, loaded)


def test_an_index_only_server_answers_past_incidents_and_the_pattern_resource_as_before(tmp_path):
    """An index-only deployment (`recur mcp --index` and no KB folder) has no KB files to read: past_incidents and a
    pattern's resource wait for the engine and answer what it answers, as they did (past_incidents: the KB cannot be
    read; the resource: the pattern's file is not there)."""
    import shutil

    kb = fixes_kb(tmp_path / "kb")
    Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    shutil.rmtree(kb)

    async def work(client):
        got = {"past": await call(client, "past_incidents", {"pattern_id": "broke-again"})}
        got["search"] = await call(client, "past_incidents", {"text": "ENOSPC"})
        try:
            got["resource"] = (await client.read_resource("recur://patterns/broke-again")).contents[0].text
        except Exception as exc:  # the SDK raises the server's JSON-RPC error
            got["resource"] = f"error: {exc}"
        return got

    got = session(stdio(kb, tmp_path / "index"), work)
    err, body, text = got["past"]
    assert err and body["error"]["code"] == "kb_unavailable", text
    assert got["search"][0] and got["search"][1]["error"]["code"] == "kb_unavailable", got["search"]
    assert got["resource"].startswith("error: pattern 'broke-again': ") and "rebuild the index" in got["resource"]


def test_a_pattern_added_while_the_model_loads_is_the_folders_until_the_load_ends_then_the_served_indexs(tmp_path):
    """What docs/mcp-slack.md says of a KB edited while the model loads (found in a re-read): past_incidents by
    pattern_id answers from the folder while the load goes on, which has the pattern written after the load built
    the index, then from the served index once loaded, which has it not (until `recur index`)."""
    from kbfactory import write_pattern

    from recur.serve.mcp_server import build_server
    from recur.serve.mcp_stdio import holder_engine
    from recur.serve.runtime import EngineHolder

    kb = fixes_kb(tmp_path / "kb")
    opened, release = threading.Event(), threading.Event()

    def load():  # the index brought up to the KB, then the rest of the load held
        engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
        opened.set()
        release.wait(120)
        return engine

    holder = EngineHolder(load)
    holder.start()
    try:
        server = build_server(
            holder_engine(holder),
            stale_files=lambda: holder.kb_changed,
            kb_dir=kb,
            engine_now=holder_engine(holder, wait=0),
        )
        assert opened.wait(120)
        write_pattern(kb, "added-later")

        async def work(client):
            loading = await call(client, "past_incidents", {"pattern_id": "added-later"})
            release.set()
            await call(client, "suggest_patterns", {"text": "ENOSPC"})  # waits for the load
            return loading, await call(client, "past_incidents", {"pattern_id": "added-later"})

        loading, loaded = session(server, work)
    finally:
        release.set()
        holder.stop()
    assert not loading[0] and loading[2] == "No recorded incidents", loading
    assert loaded[0] and loaded[2] == "no pattern with id 'added-later' in the index", loaded


# list_patterns, get_pattern and resources/list read the index's patterns, not the model: while the engine loads (and
# after a failed load) the KB's files give them, as the loaded index would, but for get_pattern's look-alikes by meaning
GET_IDS = ("broke-again", "Disk-Full", "disk-ful", "old-retired", INCIDENT.lower(), "")


async def listing_calls(client) -> dict:
    got = {"all": await call(client, "list_patterns", {}), "page": await call(client, "list_patterns", {"limit": 2})}
    cursor = got["page"][1].get("next_cursor")  # none in an error's structured content (as the old code answered)
    got["next"] = await call(client, "list_patterns", {"limit": 2, "cursor": cursor})
    got["sev"] = await call(client, "list_patterns", {"category": "storage", "severity": "SEV2"})
    got["nosuchcat"] = await call(client, "list_patterns", {"category": "nosuchcat"})
    for pid in GET_IDS:
        got["get:" + pid] = await call(client, "get_pattern", {"id": pid})
    try:
        listed = await client.list_resources()
        got["resources"] = [r.model_dump(mode="json") for r in listed.resources], listed.next_cursor
    except Exception as exc:  # the SDK raises the server's JSON-RPC error
        got["resources"] = f"error: {exc}"
    return got


def without_look_alikes(answer: tuple) -> tuple:
    """A get_pattern answer (error, structured, text) without its look-alikes: by meaning they need the model."""
    err, body, text = answer
    body = {k: v for k, v in body.items() if k not in ("look_alikes", "look_alikes_note")}
    return err, body, text.split("\n\nLook-alikes:")[0].split("\n\nNote: the model has not loaded")[0]


def assert_listed_same(got: dict, loaded: dict) -> None:
    """As the loaded engine answers, get_pattern's look-alikes aside: the KB's are those the same incidents link."""
    assert got.keys() == loaded.keys()
    for key in got:
        if key.startswith("get:") and not got[key][0]:
            assert without_look_alikes(got[key]) == without_look_alikes(loaded[key]), key
            assert got[key][1]["look_alikes_note"].startswith("the model has not loaded"), got[key][1]
            assert "\n\nNote: the model has not loaded (it is loading, or its load failed)" in got[key][2]
            assert "look_alikes_note" not in loaded[key][1]
        else:
            assert got[key] == loaded[key], key
    err, body, text = got["all"]
    assert not err and body["total"] == len(body["patterns"]) > 6 and "broke-again" in text, text
    assert got["next"][1]["patterns"] and got["sev"][1]["patterns"], (got["next"], got["sev"])
    assert got["nosuchcat"][1]["known_values"]["category"], got["nosuchcat"]
    assert not got["get:Disk-Full"][0] and got["get:Disk-Full"][1]["id"] == "disk-full"
    assert "did you mean 'disk-full'" in got["get:disk-ful"][2] and "retired" in got["get:old-retired"][2]
    assert "is an incident record" in got["get:" + INCIDENT.lower()][2] and got["get:"][0]
    resources, more = got["resources"]
    assert {"broke-again", "disk-full"} <= {r["name"] for r in resources} and more is None, got["resources"]


def test_stdio_list_patterns_get_pattern_and_resources_list_answer_after_the_engine_failed_to_load(tmp_path):
    """`recur mcp` over an index built with another model: the search says engine_failed; list_patterns,
    get_pattern and resources/list said it too (the listing as a JSON-RPC error), and answer now from the KB."""
    kb, got = _after_a_failed_load(tmp_path, listing_calls, "suggest_patterns")
    assert_listed_same(got, loaded_answers(kb, tmp_path, listing_calls))


def test_stdio_list_patterns_get_pattern_and_resources_list_answer_while_the_engine_loads(tmp_path):
    """`recur mcp`'s getter waits for the load (holder_engine, up to 300 s): list_patterns, get_pattern and
    resources/list waited for it, and are answered while it is held."""
    kb = fixes_kb(tmp_path / "kb")
    assert_listed_same(_stdio_held(tmp_path, kb, listing_calls), loaded_answers(kb, tmp_path, listing_calls))


def test_http_list_patterns_get_pattern_and_resources_list_answer_while_the_engine_loads_and_after_a_failed_load(
    tmp_path,
):
    """`recur serve`'s /mcp: they waited for the load up to 45 s, then not_ready, and said engine_failed after a
    failed load; both are answered from the KB."""
    kb = fixes_kb(tmp_path / "kb")
    loading, failed = _http_loading_and_failed(tmp_path, kb, listing_calls)
    loaded = loaded_answers(kb, tmp_path, listing_calls)
    assert_listed_same(loading, loaded)
    assert_listed_same(failed, loaded)


def test_get_patterns_look_alikes_from_the_kb_are_the_loaded_engines_linked_ones_not_said_close_in_meaning(tmp_path):
    """While the model loads, get_pattern lists as look-alikes the patterns the same incidents link, each as the
    loaded engine lists it (title, co_incidents, by, shared_signals; similarity null: by meaning they need the model).
    Their text said "close in meaning" of each, above the note that look-alikes by meaning are left out (found in a
    re-read): it says the incidents that linked both."""
    from kbfactory import write

    kb = fixes_kb(tmp_path / "kb")
    write(
        kb,
        "incidents/2026/INC-2026-0090.md",
        "---\nid: INC-2026-0090\ntitle: Both\ndate: 2026-05-01\nseverity: sev3\npatterns: [disk-full, broke-again]\n"
        "---\n\n## Summary\nBroke.\n",
    )

    async def work(client):
        return await call(client, "get_pattern", {"id": "disk-full"})

    err, body, text = _stdio_held(tmp_path, kb, work)
    loaded_err, loaded, loaded_text = loaded_answers(kb, tmp_path, work)
    assert not err and not loaded_err and "look_alikes_note" in body, text
    by_id = {a["id"]: a for a in loaded["look_alikes"]}
    assert [a["id"] for a in body["look_alikes"]] == ["broke-again"], body["look_alikes"]
    for alike in body["look_alikes"]:
        assert alike["similarity"] is None and alike["co_incidents"] == 1, alike
        assert alike == {**by_id[alike["id"]], "similarity": None}, (alike, by_id)
    said = "- broke-again (Pattern broke-again): 1 incident linked both; no line that tells them apart is written"
    assert said in text.splitlines() and "close in meaning" not in text, text
    assert "- broke-again (Pattern broke-again): close in meaning" in loaded_text  # by meaning too, once loaded


def test_the_kbs_patterns_read_while_the_engine_loaded_are_let_go_once_it_has(tmp_path):
    """The KB's patterns (served_kb.patterns_now's KBIndexed, and the KB read they came of) were kept after the load
    for the server's life, never read again: 5 MB of docs and, once the served KB was read again, a 13 MB KB on
    1,000 patterns and 2,000 incidents (found in a re-read)."""
    import gc
    import weakref

    from recur.serve.guard import ApiError
    from recur.serve.served_kb import KBIndexed, ServedKB, patterns_now

    kb = fixes_kb(tmp_path / "kb")
    loaded: list = []

    def engine_now():  # as `recur serve`'s getter: not_ready at once while the load goes on
        if not loaded:
            raise ApiError(503, "not_ready", "loading the model and index; retry in a few seconds")
        return loaded[0]

    now = patterns_now(engine_now, ServedKB(), kb)
    read = weakref.ref(now())
    assert isinstance(read(), KBIndexed) and now() is read()  # kept while the load goes on
    loaded.append(Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True))
    assert now() is loaded[0]
    gc.collect()
    assert read() is None
