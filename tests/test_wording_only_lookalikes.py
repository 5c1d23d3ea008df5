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


def test_patterns_sharing_a_signal_are_not_alike_by_wording_only():
    """bad-deploy-crashloop and poison-message-crashloop both declare `KubePodCrashLooping` and `Back-off restarting
    failed container`: `recur show` and `recur lookalikes` called them "similar wording only" (found in a responder
    review). Two patterns that share a signal (compared without case) are alike by more than their words."""
    from recur.retrieval.lookalikes import shared_signals

    assert shared_signals(["KubePodCrashLooping", "CrashLoopBackOff"], [" kubepodcrashlooping", "x"]) == [
        "KubePodCrashLooping"
    ]
    assert shared_signals(["a"], None) == []
    assert not wording_only({"similarity": 0.59, "co_incidents": 0, "by": None, "shared_signals": ["X"]})
    assert wording_only({"similarity": 0.59, "co_incidents": 0, "by": None, "shared_signals": []})


def test_a_crashloop_pair_is_said_alike_in_show_lookalikes_and_suggest(real_engine):
    """On the starter KB with the bundled model, as the responder ran it: `recur lookalikes`, `recur show` and the
    "vs" line of `recur suggest` for a KubePodCrashLooping alert say of the crash-loop pair what tells them apart
    in one label, and none of them "similar wording only"; suggest's said "close call" while show's said "similar
    wording only" (found in a responder review)."""
    where = ["--kb", str(ROOT / "kb"), "--index", str(real_engine.index_dir)]
    table = json.loads(CliRunner().invoke(cli, ["lookalikes", *where, "--json", "bad-deploy-crashloop"]).output)
    poison = [x for x in table["bad-deploy-crashloop"] if x["id"] == "poison-message-crashloop"]
    assert poison and "KubePodCrashLooping" in poison[0]["shared_signals"], table
    text = CliRunner().invoke(cli, ["lookalikes", *where, "bad-deploy-crashloop"]).output
    line = [x for x in text.splitlines() if "poison-message-crashloop" in x]
    assert line and "wording" not in line[0], text
    show = CliRunner().invoke(cli, ["show", *where, "bad-deploy-crashloop"]).output
    said = [x for x in show.splitlines() if "poison-message-crashloop" in x and "- " in x][-1]
    assert "wording" not in said, said
    alert = "pods of the orders consumer crash looping: KubePodCrashLooping, Back-off restarting failed container"
    out = CliRunner().invoke(cli, ["suggest", *where, "--top", "2", "--steps", "0", alert]).output
    vs = [x for x in out.splitlines() if x.strip().startswith("vs poison-message-crashloop:")]
    assert vs, out
    assert vs[0].split(": ", 1)[1] == said.split(": ", 1)[1], (vs, said)


def test_suggest_vs_line_says_what_show_says_of_a_pair_alike_by_wording():
    """Where suggest knows the same facts of a pair as `recur show` (the index's similarity, no incident, no signal
    shared, nothing declared), its "vs" line gives the same label, not "close call"."""
    from recur.cli.render import _told_apart
    from recur.retrieval.lookalikes import annotate

    docs = {
        "a": {"signals": ["disk full"], "look_alikes": [{"id": "b", "similarity": 0.59, "co_incidents": 0}]},
        "b": {"signals": ["poison"], "look_alikes": []},
    }
    results = [{"id": i, "title": i.upper(), "score": s, "confidence": "high"} for i, s in (("a", 10.0), ("b", 9.5))]
    a, b = annotate(results, docs)
    assert _told_apart(a["look_alikes"][0]) == WORDING
    assert _told_apart(b["look_alikes"][0]).startswith("close call")  # b's neighbours do not name a


def test_a_similarity_under_the_floor_never_reads_as_the_floor():
    """`recur lookalikes integer-id-overflow` said "similar wording only (similarity 0.50, under 0.50: …)" of a
    neighbour at 0.4979: rounded, then compared (found in a responder review). It is said in 3 decimals then."""
    from recur.retrieval.lookalikes import similarity_said, wording_only_said

    assert similarity_said(0.4979) == "0.498"
    assert similarity_said(0.5) == "0.50" and similarity_said(0.5857) == "0.59" and similarity_said(0.4949) == "0.49"
    x = {"similarity": 0.4979, "co_incidents": 0, "by": None}
    assert "(similarity 0.498, under 0.50" in wording_only_said(x, f", under {FLOOR:.2f}")
