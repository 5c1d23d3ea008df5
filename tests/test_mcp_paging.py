"""MCP's pattern listings a page at a time (the official SDK's in-memory client over the server in this process,
fake:64 encoder): list_patterns by its ``limit`` and ``cursor``, resources/list by the specification's cursor.
Found in a scale review: on 2,000 patterns list_patterns answered 1.58 MB (a text of 171,035 characters, over what
common MCP clients take from a tool) and resources/list 0.79 MB, each in one answer with no way to ask for less."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from kbfactory import small_kb, write_pattern
from mcp import Client
from mcp.shared.exceptions import MCPError

from recur.retrieval.engine import Engine
from recur.serve import mcp_server
from recur.serve.mcp_server import build_server


def many_kb(root):
    """small_kb and 30 patterns more, of category bulk."""
    kb = small_kb(root)
    for n in range(30):
        write_pattern(kb, f"bulk-{n:02d}", "bulk", title=f"Bulk failure {n}", summary=f"Failure number {n}.")
    return kb


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("paging")
    return Engine.open(many_kb(root / "kb"), root / "index", model="fake:64", quiet=True)


def run(server, work):
    async def main():
        async with Client(server, read_timeout_seconds=120) as client:
            return await work(client)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


async def answer(client, args):
    r = await client.call_tool("list_patterns", args)
    return r.is_error, r.structured_content, r.content[0].text


def test_list_patterns_answers_a_page_and_a_cursor_to_the_next(engine):
    server = build_server(lambda: engine, stale_files=list)
    every = sorted(engine.docs)
    assert len(every) > 30

    async def work(client):
        whole = await answer(client, {})
        pages, args = [], {"limit": 10}
        while True:
            pages.append(await answer(client, args))
            if not pages[-1][1]["next_cursor"]:
                break
            args = {"limit": 10, "cursor": pages[-1][1]["next_cursor"]}
        blank = await answer(client, {"limit": None, "cursor": "", "category": ""})
        blank_limit = await answer(client, {"limit": "", "cursor": None})
        bulk = await answer(client, {"category": "bulk", "limit": 7, "cursor": "after:bulk-10"})
        bad = [
            await answer(client, {"cursor": "20"}),
            await answer(client, {"limit": 0}),
            await answer(client, {"limit": 501}),
        ]
        return whole, pages, (blank, blank_limit), bulk, bad

    whole, pages, (blank, blank_limit), bulk, bad = run(server, work)
    err, got, text = whole
    # left out: 50 at most, so all of these; total counts them, and no next page
    assert not err and [p["id"] for p in got["patterns"]] == every
    assert got["total"] == len(every) and got["next_cursor"] is None
    assert text.splitlines()[0] == f"{len(every)} patterns"
    assert blank[1] == blank_limit[1] == got and blank[2] == text  # null and "" as left out

    # pages of 10, each cursor going on where the page before ended: every pattern once, in order
    assert [len(p[1]["patterns"]) for p in pages] == [10, 10, 10, len(every) - 30]
    assert [p["id"] for page in pages for p in page[1]["patterns"]] == every
    assert all(p[1]["total"] == len(every) for p in pages)
    first = pages[0][1]
    assert first["next_cursor"] == f"after:{every[9]}"
    n, head = len(every), pages[0][2].splitlines()[0]
    assert head == f'{n} patterns; showing 10 of {n} (1 to 10); pass cursor="after:{every[9]}" for more'
    assert pages[1][2].splitlines()[0].startswith(f"{len(every)} patterns; showing 10 of {len(every)} (11 to 20)")
    assert pages[-1][2].splitlines()[0].endswith("; the last of them")
    assert len(pages[0][2].splitlines()) == 11  # the head and the page's 10

    # the filter pages too: the bulk patterns after bulk-10, 7 of them
    err, got, text = bulk
    assert not err and [p["id"] for p in got["patterns"]] == [f"bulk-{n}" for n in range(11, 18)]
    assert got["total"] == 30 and got["next_cursor"] == "after:bulk-17"
    assert text.startswith('30 patterns; showing 7 of 30 (12 to 18); pass cursor="after:bulk-17" for more')

    cursor, low, high = bad
    assert cursor[0] and cursor[1]["error"]["code"] == "invalid_request"
    assert cursor[2].startswith("cursor: '20' is not a cursor this server gave")
    assert low[0] and low[2] == high[2] == "limit: must be between 1 and 500"


def test_resources_list_answers_a_page_and_the_next_pages_cursor(engine, monkeypatch):
    # 200 a page: a small KB shows paging by a small page (raising=False: the test also runs on code without it)
    monkeypatch.setattr(mcp_server, "RESOURCES_PAGE", 10, raising=False)
    server = build_server(lambda: engine, stale_files=list)
    every = [f"recur://patterns/{pid}" for pid in sorted(engine.docs)]

    async def work(client):
        pages = [await client.list_resources()]
        while pages[-1].next_cursor:
            pages.append(await client.list_resources(cursor=pages[-1].next_cursor))
        blank = await client.list_resources(cursor="")  # "" the first page, as list_patterns reads it
        try:
            await client.list_resources(cursor="nonsense")
            refused = None
        except MCPError as exc:
            refused = exc.error
        return pages, blank, refused

    pages, blank, refused = run(server, work)
    assert [len(p.resources) for p in pages] == [10, 10, 10, len(every) - 30]
    assert [str(r.uri) for p in pages for r in p.resources] == every
    assert pages[0].next_cursor == f"after:{sorted(engine.docs)[9]}" and pages[-1].next_cursor is None
    assert [str(r.uri) for r in blank.resources] == [str(r.uri) for r in pages[0].resources]
    assert blank.next_cursor == pages[0].next_cursor
    # the error names resources/list's own field (nextCursor), not list_patterns' next_cursor
    assert refused is not None and refused.code == -32602
    assert refused.message.startswith("cursor: 'nonsense' is not a cursor this server gave: pass the nextCursor ")
