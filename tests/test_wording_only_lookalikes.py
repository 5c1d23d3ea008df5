"""A look-alike that rests on similar wording alone (no incident matched both, no `distinguish:` declared, under
lookalikes.WORDING_ONLY_BELOW) is labelled so. `recur lookalikes disk-full` listed "poison-message-crashloop
(similarity 0.59): no distinguishing signal declared", which a newcomer read as "a full disk might be a poison
message". Labelled, on the CLI and on the pattern page, it keeps its place (an author may still want to declare
what tells them apart) but says what it is. Found in a new-hire review."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from test_site import DAY, board, pages

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.retrieval.lookalikes import FLOOR, WORDING_ONLY_BELOW, wording_only

ROOT = Path(__file__).resolve().parents[1]


def test_the_rule():
    assert wording_only({"similarity": 0.59, "co_incidents": 0, "by": None})
    assert not wording_only({"similarity": WORDING_ONLY_BELOW, "co_incidents": 0, "by": None})
    assert not wording_only({"similarity": 0.59, "co_incidents": 1, "by": None})
    assert not wording_only({"similarity": 0.59, "co_incidents": 0, "by": "df -i"})
    assert not wording_only({"similarity": None, "co_incidents": 2, "by": None})


def test_lookalikes_labels_a_neighbour_by_wording_only(real_engine):
    """On the starter KB with the bundled model, as the review ran it: each neighbour's line says "similar wording
    only" exactly when the rule holds, in the words `recur show` uses (lookalikes.wording_only_said). One under
    FLOOR was left unlabelled though the rule holds: `recur lookalikes disk-full --top 8` said "bad-deploy-crashloop
    (similarity 0.49, under 0.50: not a look-alike on its page)" (found in a docs review); it is labelled too."""
    args = ["lookalikes", "--kb", str(ROOT / "kb"), "--index", str(real_engine.index_dir), "--top", "8"]
    table = json.loads(CliRunner().invoke(cli, [*args, "--json"]).output)
    text = CliRunner().invoke(cli, args).output
    disk = text.split("disk-full\n", 1)[1]
    said = "no incident matched both, no distinguishing signal declared"
    assert f"  poison-message-crashloop: similar wording only (similarity 0.59): {said}\n" in disk, text
    low = f"  bad-deploy-crashloop: similar wording only (similarity 0.49, under {FLOOR:.2f}: not a look-alike on its page)"
    assert f"{low}: {said}\n" in disk, disk
    labelled = under = 0
    for pid, items in table.items():
        block = text.split(f"\n{pid}\n", 1)[1] if f"\n{pid}\n" in text else text.split(f"{pid}\n", 1)[1]
        for x in items:
            line = re.search(rf"^  {re.escape(x['id'])}[ :].*$", block, re.M).group(0)
            assert ("similar wording only" in line) == wording_only(x), line
            labelled += wording_only(x)
            under += wording_only(x) and x["similarity"] < FLOOR
    assert labelled > 10 and under > 10, (labelled, under)


def test_the_pattern_page_labels_it_too(kb_dir):
    kb = load_kb(kb_dir)
    looks = {
        "disk-full": [
            {"id": "dns-failure", "title": "DNS", "similarity": 0.59, "co_incidents": 0, "by": None},
            {"id": "db-pool-exhausted", "title": "Pool", "similarity": 0.59, "co_incidents": 1, "by": None},
        ],
        "dns-failure": [{"id": "disk-full", "similarity": 0.72, "co_incidents": 0, "by": None}],
    }
    out = pages(kb, as_of=DAY, board=board(kb, DAY), lookalikes=looks)
    page = out["patterns/capacity/disk-full.md"]
    assert (
        '<a href="../network/dns-failure.html">DNS resolution failure</a> (similarity 0.59, similar wording only)'
        in page
    )
    assert "(similarity 0.59, 1 incident matched both)</li>" in page
    assert "(similarity 0.72)</li>" in out["patterns/network/dns-failure.md"]


WORDING = "similar wording only (similarity 0.59): no incident matched both, no distinguishing signal declared"
NEIGHBOURS = [
    {"id": "dns-failure", "title": "DNS", "similarity": 0.5857, "co_incidents": 0, "by": None},
    {"id": "db-pool-exhausted", "title": "Pool", "similarity": 0.59, "co_incidents": 1, "by": None},
]


def test_recur_show_and_get_pattern_label_it_as_lookalikes_does(run):
    """`recur show disk-full` and MCP's get_pattern text said "close call" for the neighbour `recur lookalikes`
    labels "similar wording only" (found in a re-read): one rule, one label in every text of a pattern."""
    from recur.cli.render import render_pattern
    from recur.serve.mcp_text import pattern_text

    doc = {**json.loads(run("show", "disk-full", "--json").stdout), "look_alikes": NEIGHBOURS}
    titles = {"dns-failure": "DNS resolution failure", "db-pool-exhausted": "Pool"}
    for text in (render_pattern(doc, titles), pattern_text(doc, titles)):
        line = [x for x in text.splitlines() if "dns-failure" in x][-1]
        assert WORDING in line and "close" not in line, line
        line = [x for x in text.splitlines() if "db-pool-exhausted" in x][-1]  # an incident matched both
        assert "wording" not in line and "close" in line, line
