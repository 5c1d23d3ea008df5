"""The built site (real mkdocs-material) as a team adopting Recur read it (review of 2026-12): a pattern
page's header said "Permanent fix: none recorded" over a page describing the fix. Our own KB texts."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, write
from site_helpers import AS_OF, site_kb

from recur.cli.main import cli

CERT = pattern_text(
    "cert-chain-incomplete",
    "network",
    title="Certificate served without its intermediate",
    symptoms=("clients fail the TLS handshake after a certificate renewal",),
    signals=("unable to get local issuer certificate",),
    summary="A renewed certificate was uploaded without its chain; clients that do not fetch intermediates fail.",
)
CERT += "\n## Permanent fix\nThe renewal job uploads the full chain and a check compares it with the served one.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site KB and the adopting team's records, built once with `recur site --strict`."""
    tmp = tmp_path_factory.mktemp("adoption")
    kb = site_kb(tmp / "kb")
    write(kb, "patterns/network/cert-chain-incomplete.md", CERT)
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
