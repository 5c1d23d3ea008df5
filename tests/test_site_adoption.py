"""The built site (real mkdocs-material) as a team adopting Recur read it (review of 2026-12): a pattern
page's header said "Permanent fix: none recorded" over a page describing the fix; look-alikes were
listed whatever their similarity; an incident page said "Impact: 1560 minutes". Our own KB texts."""

from __future__ import annotations

import contextlib
import json
import posixpath
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, write
from site_helpers import AS_OF, site_kb

from recur.cli.main import cli
from recur.kb.loader import load_kb

CERT = pattern_text(
    "cert-chain-incomplete",
    "network",
    title="Certificate served without its intermediate",
    symptoms=("clients fail the TLS handshake after a certificate renewal",),
    signals=("unable to get local issuer certificate",),
    summary="A renewed certificate was uploaded without its chain; clients that do not fetch intermediates fail.",
)
CERT += "\n## Permanent fix\nThe renewal job uploads the full chain and a check compares it with the served one.\n"
# a Confluence page saved as HTML, imported as a team does: its inline tasks become follow-ups and
# the record's "## Action items" section keeps them as a task list
PAYOUT = """<html><head><title>PAY : Postmortem - Payout file rejected by the bank</title></head><body>
<h1 id="title-text">PAY : Postmortem - Payout file rejected by the bank</h1>
<table><tr><th>Incident date</th><td>2026-04-24</td></tr><tr><th>Severity</th><td>Sev 2</td></tr>
<tr><th>Duration</th><td>1d2h</td></tr></table>
<h2>Summary</h2><p>The bank rejected the daily payout file: one new merchant's BIC was invalid.</p>
<h2>Action items</h2><ul class="inline-task-list">
<li data-inline-task-id="1" class="checked">Check BIC and IBAN when a merchant is onboarded <time datetime="2026-04-30">30 Apr 2026</time></li>
<li data-inline-task-id="2">Alert when the bank rejects a payout file</li>
</ul></body></html>
"""


BADGES = """# Badge printer queue stalled

**Date:** 2026-04-26
**Severity:** SEV-3

## Summary

Visitor badges did not print for an afternoon: the print spooler on the lobby kiosk held a malformed job.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site KB and the adopting team's records, built once with `recur site --strict`."""
    tmp = tmp_path_factory.mktemp("adoption")
    kb = site_kb(tmp / "repo/kb")  # the team's KB repository, and its postmortems in a folder beside it
    write(kb, "patterns/network/cert-chain-incomplete.md", CERT)
    write(tmp, "postmortems/payout.html", PAYOUT)
    imp = ["import", "--kb", "kb", "--index", str(tmp / "idx"), "--model", "fake:64", "--no-draft"]
    with contextlib.chdir(tmp / "repo"):  # as the team ran it, from its repository
        res = CliRunner().invoke(cli, [*imp, "--id", "INC-2026-0041", "../postmortems/payout.html"])
    assert res.exit_code == 0, res.output
    # a postmortem of a failure the KB does not know: a draft pattern, with the closest to compare; its category
    # named (the fake model's candidates are all low, and a low match no longer gives a draft its folder)
    write(tmp, "postmortems/badges.md", BADGES)
    draft = ["import", "--kb", str(kb), "--index", str(tmp / "idx"), "--model", "fake:64", "--json"]
    draft += ["--category", "capacity"]
    res = CliRunner().invoke(cli, [*draft, str(tmp / "postmortems/badges.md")])
    assert res.exit_code == 0 and json.loads(res.stdout)["draft"]["id"] == "badge-printer-queue-stalled", res.output
    args = ["site", "--kb", str(kb), "--out", str(tmp / "out"), "--as-of", AS_OF, "--strict"]
    res = CliRunner().invoke(cli, [*args, "--index", str(tmp / "no-index")])
    assert res.exit_code == 0, res.output
    return kb, tmp / "out"


def _card_row(html: str, label: str) -> str:
    return html.split(f"<dt>{label}</dt><dd>")[1].split("</dd>")[0]


def test_a_fix_described_on_the_page_but_not_tracked_is_not_none_recorded(built):
    _, out = built
    page = (out / "patterns/network/cert-chain-incomplete.html").read_text()
    fix = _card_row(page, "Permanent fix")
    assert "none recorded" not in fix  # it was, over the page's own "Permanent fix" section
    assert '<a href="#permanent-fix">described below</a>' in fix and "not tracked" in fix
    assert re.search(r'<h2 id="permanent-fix"[^>]*>Permanent fix', page)  # the link lands on the section
    assert "The renewal job uploads the full chain" in page
    # the board counts the fixes `fix:` tracks, as the card now says: this one is on neither
    board = json.loads((out / "board/board.json").read_text())
    assert "cert-chain-incomplete" not in [f["pattern"] for f in board["fixes"]]
    # no section and no fix: field: still "none recorded"; a tracked fix keeps its status
    assert _card_row((out / "patterns/capacity/db-pool-exhausted.html").read_text(), "Permanent fix") == (
        "<i>none recorded</i>"
    )
    tracked = _card_row((out / "patterns/capacity/disk-full.html").read_text(), "Permanent fix")
    assert "in-progress" in tracked and "described below" not in tracked  # no section on that page


def test_an_incident_duration_reads_in_days_hours_and_minutes(built):
    _, out = built
    page = (out / "incidents/2026/INC-2026-0041.html").read_text()
    assert _card_row(page, "Duration") == '<span title="1560 minutes">1 d 2 h</span>'  # was "Impact: 1560 minutes"
    assert "1560 minutes</dd>" not in page
    short = (out / "incidents/2026/INC-2026-0003.html").read_text()  # 42 minutes
    assert _card_row(short, "Duration") == '<span title="42 minutes">42 min</span>'


def test_imported_action_items_show_done_and_open_not_brackets(built):
    kb, out = built
    assert "- [x] Check BIC and IBAN" in (kb / "incidents/2026/INC-2026-0041.md").read_text()  # as written
    page = (out / "incidents/2026/INC-2026-0041.html").read_text()
    items = page.split('id="action-items"')[1].split("</ul>")[0]
    assert "[x]" not in items and "[ ]" not in items  # shown as written
    assert re.search(r'<li><b class="rb r-task-done">done</b> Check BIC and IBAN', items), items
    assert re.search(r'<li><b class="rb r-task-open">open</b> Alert when the bank rejects', items), items


def test_the_recorded_source_is_the_postmortems_name_not_the_path_from_where_the_import_ran(built):
    kb, out = built
    inc = load_kb(kb).incidents["INC-2026-0041"]
    # was "/tmp/…/postmortems/payout.html" in the record and "../postmortems/payout.html" on the page
    assert inc.imported["source"] == "payout.html"
    assert inc.sections["References"] == "- Imported from postmortem `payout.html`"
    page = (out / "incidents/2026/INC-2026-0041.html").read_text()
    assert "Imported from postmortem <code>payout.html</code>" in page and "../postmortems" not in page


def test_a_source_in_the_kb_repository_is_its_path_there_and_old_absolute_sources_still_match(kb_dir, tmp_path):
    repo = kb_dir.parent
    doc = (
        "# Ledger export empty\n\n**Date:** 2026-03-02\n**Severity:** SEV-3\n\n## Summary\nThe export wrote no rows.\n"
    )
    pm = write(repo, "postmortems/2026/ledger.md", doc)
    imp = ["import", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--no-draft"]
    out = json.loads(CliRunner().invoke(cli, [*imp, "--json", str(pm)]).stdout)
    record = Path(out["incident_path"])
    assert load_kb(kb_dir).incidents[out["incident"]].imported["source"] == "postmortems/2026/ledger.md"
    assert "- Imported from postmortem `postmortems/2026/ledger.md`" in record.read_text()
    # a record written before holds the absolute path: it loads, and an edited document is still its source
    old = record.read_text().replace('"source": "postmortems/2026/ledger.md"', f'"source": "{pm.resolve()}"')
    record.write_text(old)
    assert not load_kb(kb_dir).errors
    pm.write_text(doc.replace("no rows.", "no rows at all."))
    again = CliRunner().invoke(cli, [*imp, "--json", str(pm)])
    assert again.exit_code == 3 and json.loads(again.stdout)["already"]["by"] == "source path"


def test_a_drafts_compare_with_ids_link_to_those_patterns(built):
    kb, out = built
    text = (kb / "patterns/capacity/badge-printer-queue-stalled.md").read_text()
    ids = re.findall(r"^- `([a-z0-9-]+)`: ", text.split("## Compare with")[1], re.M)
    assert ids and set(ids) <= set(load_kb(kb).patterns), text
    page = (out / "patterns/capacity/badge-printer-queue-stalled.html").read_text()
    section = page.split('id="compare-with"')[1].split("</ul>")[0]
    for pid in ids:  # were code, not links
        target = posixpath.relpath(load_kb(kb).patterns[pid].relpath, "patterns/capacity").replace(".md", ".html")
        assert f'<a href="{target}"><code>{pid}</code></a>' in section, section
    assert '<a href="../network/cert-chain-incomplete.html"><code>cert-chain-incomplete</code></a>' in section


# --- look-alikes: a floor on similarity ------------------------------------------------------------

SMALL = {
    "dependencies/card-processor-timeouts": dict(
        title="Card processor timeouts",
        symptoms=("card authorisations time out at the processor", "checkout spinner hangs then says payment failed"),
        summary="The acquirer's authorisation endpoint slows down and our gateway's pool fills with waiting calls.",
    ),
    "dependencies/card-processor-errors": dict(
        title="Card processor returns errors",
        symptoms=(
            "card authorisations fail with 5xx from the processor",
            "checkout says payment failed for every card",
        ),
        summary="The acquirer's authorisation endpoint answers 502 and 503 and our gateway fails the payments.",
    ),
    "data/ledger-drift": dict(
        title="Ledger reconciliation drift",
        symptoms=("daily reconciliation shows a mismatch between ledger and settlement file",),
        summary="The ledger and the acquirer's settlement file disagree by a few transactions a day.",
    ),
    "network/cert-chain-incomplete": dict(
        title="Certificate served without its intermediate",
        symptoms=("clients fail the TLS handshake after a certificate renewal",),
        summary="A renewed certificate was uploaded without its chain; clients that do not fetch intermediates fail.",
    ),
    "capacity/webhook-retry-storm": dict(
        title="Webhook retry storm from the PSP",
        symptoms=("flood of duplicate webhook deliveries from the PSP",),
        summary="When ingest is down the PSP retries every event; once it is back they all land together.",
    ),
}


def test_look_alikes_are_only_patterns_that_read_alike(tmp_path, real_encoder):
    """A KB of seven patterns listed "patterns that read much like this one" at 0.50, 0.42 and 0.38: the
    top 3 whatever they were. Pages list neighbours from lookalikes.FLOOR; `recur lookalikes` lists all."""
    from recur.kb.loader import load_kb
    from recur.retrieval.index import build, load
    from recur.retrieval.lookalikes import FLOOR, look_alikes

    kb = tmp_path / "kb"
    for rel, fields in SMALL.items():
        write(kb, f"patterns/{rel}.md", pattern_text(rel.split("/")[1], rel.split("/")[0], **fields))
    build(load_kb(kb), tmp_path / "index", real_encoder, progress=False)
    near = look_alikes(load(tmp_path / "index"), top=3, floor=None)
    assert near["webhook-retry-storm"][0]["similarity"] < 0.4  # the scenario: its nearest is far
    assert near["card-processor-errors"][0] == {**near["card-processor-errors"][0], "id": "card-processor-timeouts"}
    assert near["card-processor-errors"][0]["similarity"] > 0.6
    args = ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--index", str(tmp_path / "index"), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = lambda rel: (tmp_path / "out/patterns" / f"{rel}.html").read_text()  # noqa: E731
    assert "Look-alikes" not in page("capacity/webhook-retry-storm")  # was 3 of them, 0.25 to 0.20
    close = page("dependencies/card-processor-errors")
    looks = close.split("Look-alikes</strong>")[1].split("</ul>")[0]
    assert "Card processor timeouts" in looks and re.search(r"similarity 0\.[6-9]\d\)", looks)
    assert "Ledger" not in looks and "Certificate" not in looks  # 0.3 or less, listed under it
    # the command still lists every neighbour, with its score, and says which the pages leave out
    res = CliRunner().invoke(cli, ["lookalikes", "--kb", str(kb), "--index", str(tmp_path / "index")])
    assert res.exit_code == 0, res.output
    storm = re.split(r"\n(?=\S)", res.output.split("webhook-retry-storm\n")[1])[0]
    assert len(re.findall(rf"similarity 0\.[0-3]\d, under {FLOOR:.2f}: not a look-alike on its page\)", storm)) == 3
    assert re.search(r"  card-processor-timeouts \(similarity 0\.[6-9]\d\): no distinguishing", res.output)
