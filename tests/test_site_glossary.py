"""The site's glossary: found in a new hire's review, "runbook", "problem manager", "overdue", "needs analysis",
"retired", a confidence of high, medium or low and "no known pattern" were met on the site with nothing saying what
they meant. A generated page says it, in the navigation and linked from the onboarding paths' pages, on every site
`recur site` builds: a team's (`recur init`) too, which has none of Recur's docs/ pages to link."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner
from site_helpers import AS_OF, crawl, loaded_site_kb

from recur.cli.main import cli
from recur.problems.board import board
from recur.site import pages
from recur.site.glossary_page import terms
from recur.site.plugin import NAV

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.date.fromisoformat(AS_OF)
# the words the review met unexplained, as the glossary's sections name them
REVIEWED = ("Runbook", "Problem management and problem manager", "Overdue", "Needs analysis", "Retired",
            "Confidence: high, medium, low", "No known pattern")  # fmt: skip


def _pages(tmp_path) -> dict:
    kb = loaded_site_kb(tmp_path / "kb")
    return pages(kb, as_of=DAY, board=board(kb, DAY))


def test_the_glossary_says_what_the_words_a_new_hire_met_mean_and_the_paths_link_it(tmp_path):
    out = _pages(tmp_path)
    text = out["glossary.md"]
    headings = re.findall(r"^## (.+?) \{#[\w-]+\}$", text, re.M)
    assert set(REVIEWED) <= set(headings), headings
    # the numbers are those the answers are made with (retrieval.calibrate), not written out by hand
    assert "high from 80%, medium from 40%" in text and "at least 28% likely right" in text
    # as calibrate.no_known_pattern and problems.board.needs_analysis decide them (found in a re-read: "by rule on a
    # knowledge base too small to estimate" named no rule; an incident linking only an import's draft needs analysis)
    assert "too small to estimate: when every suggestion has low confidence" in text
    assert "or only a draft an import wrote" in text
    assert {"Glossary": "glossary.md"} in NAV
    assert "[glossary](../glossary.md)" in out["paths/index.md"]
    assert all(
        "[glossary](../glossary.md)" in t for rel, t in out.items() if rel.startswith("paths/") and rel.endswith(".md")
    )
    assert "[Glossary](glossary.md)" in out["index.md"]


def test_each_glossary_term_is_a_word_the_site_uses():
    """A glossary of the site's words: each term (its anchor, hyphens or spaces) is on another page of the starter
    KB's site or in what the describe box says."""
    from recur.kb.loader import load_kb

    kb = load_kb(ROOT / "kb")
    said = " ".join(t for rel, t in pages(kb, as_of=DAY, board=board(kb, DAY)).items() if rel != "glossary.md")
    said += " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "site_config/assets").glob("*.js"))
    said = said.lower()
    unused = [a for _, a, _ in terms() if a not in said and a.replace("-", " ") not in said]
    assert not unused, unused


def test_a_recur_init_teams_site_has_the_glossary_with_no_dead_link(tmp_path, monkeypatch):
    dest = tmp_path / "team-kb"
    res = CliRunner().invoke(cli, ["init", str(dest), "--starter"])
    assert res.exit_code == 0, res.output
    monkeypatch.chdir(dest)
    res = CliRunner().invoke(cli, ["site", "--no-browser-search", "--strict", "--as-of", AS_OF, "--out", "site"])
    assert res.exit_code == 0, res.output
    site = dest / "site"
    glossary = (site / "glossary.html").read_text(encoding="utf-8")
    assert 'id="needs-analysis"' in glossary and 'id="retired"' in glossary
    assert 'href="glossary.html"' in (site / "index.html").read_text(encoding="utf-8")  # in the navigation
    assert 'href="../glossary.html"' in (site / "paths/index.html").read_text(encoding="utf-8")
    _, broken = crawl(site)
    assert not [b for b in broken if b.startswith("glossary.html")], broken
