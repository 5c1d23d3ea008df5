"""The header search after a page navigation: a page load against mkdocs-material's instant navigation.

    python bench/site_nav.py [--patterns 1000] [--incidents 1000] [--rounds 2] [--keep DIR]

Writes a synthetic KB (`bench/synth_kb.py`), then, in the same run, builds it twice with `recur site
--no-browser-search --site-url http://127.0.0.1:PORT/` (instant navigation follows only the links its
sitemap.xml lists, and those are the site URL's, so the bench serves the site at that URL):
  today:   Recur's theme features as they are (plugin.FEATURES), and
  instant: the same plus `navigation.instant` (and, with --prefetch, `navigation.instant.prefetch`),
and in Chromium (/usr/bin/chromium, through playwright, one fresh profile per site) opens the home page,
then clicks through the navigation (patterns, incidents, paths, the describe page, the board, home,
--rounds times). For each click it times click -> the header search answering a query (its results listed):
today each page fetches `search/search_index.json` again and its worker builds the lunr index anew;
with instant navigation the page is swapped in and the search kept. Prints the medians and how many
times the index was fetched. Last, from the home page, it clicks a recurring pattern, whose page has the
incidents' timeline (an SVG chart whose dots are links), and says whether that page was shown: with
mkdocs-material 9.8.2's instant navigation it was not (see docs/site.md). Writes bench/out/site_nav.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

# each click: the link's selector, the page it leads to. The board hides the navigation (its tables are wide):
# from it the header's logo leads home.
NAV_LINK = ".md-nav--primary a.md-nav__link[href$='{}'] >> visible=true"
ROUTE = [
    (NAV_LINK.format("patterns/index.html"), "patterns/index.html"),
    (NAV_LINK.format("incidents/index.html"), "incidents/index.html"),
    (NAV_LINK.format("paths/index.html"), "paths/index.html"),
    (NAV_LINK.format("suggest.html"), "suggest.html"),
    (NAV_LINK.format("board/index.html"), "board/index.html"),
    ("a.md-header__button.md-logo", "index.html"),
]
QUERY = "postgres"
# the page clicked to is shown: its navigation marks it (instant navigation swaps it in after the URL changed)
ARRIVED = (
    "t => { const a = document.querySelector('.md-nav--primary a.md-nav__link--active');"
    " return !!a && new URL(a.href).pathname === '/' + t; }"
)
CONFIG = """site_name: Bench
theme:
  name: material
  features: {features}
plugins:
  - search
  - recur
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(kb: Path, out: Path, work: Path, features: list[str], url: str) -> float:
    """Build the site with these theme features; seconds taken."""
    cfg = work / f"mkdocs-{out.name}.yml"
    cfg.write_text(CONFIG.format(features=json.dumps(features)), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    cmd = [sys.executable, "-m", "recur", "site", "--kb", str(kb), "--out", str(out), "--config", str(cfg)]
    cmd += ["--no-browser-search", "--site-url", url, "--as-of", "2026-11-20", "-q"]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=work)
    return time.perf_counter() - t0


def search_answers(page) -> None:
    """Type the query into the header search once its index is ready, and wait for its results."""
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/Initializing/i.test(m.textContent); }",
        timeout=120_000,
    )
    page.fill(".md-search__input", QUERY)
    page.press(".md-search__input", "End")  # material reads the box on keyup, not on input
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=120_000)
    page.fill(".md-search__input", "")  # the next page's search starts empty
    page.press(".md-search__input", "Escape")  # and closed: its overlay takes the next click


def walk(site: Path, port: int, rounds: int) -> dict:
    """Seconds from the first page's open, and from each click, to the header search's answer."""
    import functools

    from browser import CHROMIUM, CHROMIUM_FLAGS, _QuietHandler, page_errors, serve_handler
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="recur-bench-chromium-")
    handler = functools.partial(_QuietHandler, directory=str(site))
    fetched = []
    with serve_handler(handler, port=port) as base, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            page = ctx.new_page()
            errors = page_errors(page)
            page.on("request", lambda r: fetched.append(r.url) if "search_index.json" in r.url else None)
            t0 = time.perf_counter()
            page.goto(base + "/index.html")
            search_answers(page)
            first = time.perf_counter() - t0
            clicks = []
            for _ in range(rounds):
                for selector, target in ROUTE:
                    link = page.locator(selector).first
                    t0 = time.perf_counter()
                    link.click()
                    page.wait_for_url(f"**/{target}")
                    page.wait_for_function(ARRIVED, arg=target)  # the new page's content is in
                    search_answers(page)
                    clicks.append(time.perf_counter() - t0)
            pattern = reach_pattern(page)  # the route ends on the home page
            return {"first_s": first, "clicks_s": clicks, "index_fetches": len(fetched), "pattern": pattern,
                    "errors": list(errors)}  # fmt: skip
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


def reach_pattern(page) -> dict:
    """Click the home page's first recurring pattern (its page has the incidents' timeline, an SVG chart whose dots
    are links): whether its page was shown within 20 s, and the errors the page logged meanwhile."""
    from browser import page_errors
    from playwright.sync_api import TimeoutError as Timeout

    errors = page_errors(page)
    link = page.locator(".md-content a[href*='patterns/'][href$='.html']:not([href$='index.html'])").first
    href = link.get_attribute("href")
    link.click()
    try:
        page.wait_for_function(
            "() => !!document.querySelector('.md-content svg.recur-chart a') && !document.querySelector('.recur-suggest')",
            timeout=20_000,
        )
        shown = True
    except Timeout:
        shown = False
    return {"href": href, "url": page.url, "shown": shown, "errors": list(errors)}


def main() -> None:
    from recur.site.plugin import FEATURES

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=2, help="times through the 6 clicks")
    ap.add_argument("--prefetch", action="store_true", help="instant also with navigation.instant.prefetch")
    ap.add_argument("--keep", default=None, help="build into this folder and keep it")
    args = ap.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="recur-site-nav-"))
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    base = [f for f in FEATURES if not f.startswith("navigation.instant")]
    variants = {"today": base, "instant": [*base, "navigation.instant"]}
    if args.prefetch:
        variants["instant"].append("navigation.instant.prefetch")
    try:
        kb = work / "kb"
        if not kb.is_dir():
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "synth_kb.py"), str(kb), "--patterns", str(args.patterns),
                 "--incidents", str(args.incidents)],
                check=True,
            )  # fmt: skip
        out = {"patterns": args.patterns, "incidents": args.incidents, "query": QUERY, "sites": {}}
        for name, features in variants.items():
            site = work / f"site-{name}"
            secs = build(kb, site, work, features, url)
            size = (site / "search" / "search_index.json").stat().st_size
            out["sites"][name] = {"features": features, "build_s": secs, "index_bytes": size}
        for name in variants:  # both walked after both are built, one after the other
            out["sites"][name].update(walk(work / f"site-{name}", port, args.rounds))
        for name, row in out["sites"].items():
            clicks = row["clicks_s"]
            print(
                f"{name:8s} index {row['index_bytes'] / 1e6:.2f} MB · first page to answer {row['first_s']:.2f} s · "
                f"click to answer median {statistics.median(clicks):.2f} s (min {min(clicks):.2f}, max {max(clicks):.2f}, "
                f"{len(clicks)} clicks) · index fetched {row['index_fetches']}× · errors {len(row['errors'])}"
            )
            shown = row["pattern"]
            print(f"{'':8s} a pattern page with a timeline chart shown: {shown['shown']} ({shown['url']}); "
                  f"errors {sorted(set(shown['errors']))[:2]}")  # fmt: skip
        today, instant = (statistics.median(out["sites"][n]["clicks_s"]) for n in ("today", "instant"))
        print(f"ratio instant/today (median click to answer): {instant / today:.3f}")
        dest = ROOT / "bench" / "out"
        dest.mkdir(exist_ok=True)
        (dest / "site_nav.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
