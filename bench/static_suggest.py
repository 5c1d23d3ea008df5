"""The static site's in-browser suggestions against `recur suggest`, in real Chromium, in one run.

    python bench/static_suggest.py [--kb ../shared/eval/kb] [--cases ../shared/eval/dev.jsonl] [--keep DIR]

Builds the KB's site with `recur site` (browser search on) into a temp folder, serves it with a plain
static server (http.server, as any static host would), and in Debian's Chromium:
  load:   the first question typed into the "describe what you see" box, from the click to the result
          cards (downloading, decompressing and initialising the bundle, then the query);
  query:  every case through the box's engine (encode + rank in the page), timed with performance.now();
and compares with the server's ranking (recur.retrieval.engine.Engine.answer, what `recur suggest`
and /api/suggest run) on the same cases: recall@3 both ways, top-1 agreement, top-3 overlap and the
no-known-pattern verdict (also on dev-nomatch.jsonl when it is next to the cases), with each case whose
verdict differs (both sides' top-1, probability and verdict; no query text). Prints the bundle's size by
file. Targets (issue 18): recall@3 within 0.05 of the CLI's, top-1 agreement >= 85 %, first use <= 5 s on
loopback, median query <= 150 ms, bundle <= 35 MB.
Writes bench/out/static_suggest.json. The cases are read, never copied anywhere.

    python bench/static_suggest.py --mbit 1.5 [--runs 3]

times instead, on a link of that speed (Chromium's network emulation from the question on, a fresh profile
each run), how long the first question waits for the pattern pages listed by words while the model loads
(what a slow link shows first), and prints the seconds of each run, from a plain static server and from one
that sends Cache-Control: no-store (there the box's word index is not the one the header search fetched
when the page loaded: it is downloaded beside the model; each run is a first visit, and a later one reads it
from the model's store); no comparison, nothing written.

    python bench/static_suggest.py --words SITE [--baseline REV] [--runs 3] [--cases /dev/null]

times the box's ranking by words (no model: `rankPatterns` in assets/recur-suggest.js, what a site built
with --no-browser-search, a --file-search site or a slow link shows) in Node on a built site's search index
(SITE: any `recur site` output, e.g. of a `bench/synth_kb.py` KB), for the dev and no-match cases' texts
and two written by a responder (a short one and one of 83 words; only those with --cases /dev/null); with
--baseline, that git revision's recur-suggest.js too, the two interleaved, and whether both rank every text
alike (same pages, scores, words found). Prints the median milliseconds per text of each; nothing written.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

TARGETS = {"recall3_gap": 0.05, "top1_agreement": 0.85, "load_s": 5.0, "median_query_ms": 150.0, "bundle_mb": 35.0}


def read_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def recall_at(ranked: list[list[str]], cases: list[dict], k: int) -> float:
    hits = [any(pid in c["expect"] for pid in r[:k]) for r, c in zip(ranked, cases)]
    return sum(hits) / max(len(hits), 1)


def verdict_differs(server: list[dict], browser: list[dict], n: int) -> list[dict]:
    """Each case whose no-known-pattern verdict differs: both sides' top-1, its probability and the
    verdict, to tell a ranking or calibration that differs (another top-1, or the same one rated far
    apart) from the int8 model moving a probability across calibrate.NO_MATCH_BELOW (the same top-1,
    a few hundredths apart: the box says "borderline" then)."""
    out = []
    for i, (s, b) in enumerate(zip(server, browser)):
        if s["no_known_pattern"] == b["no_known_pattern"]:
            continue
        top = s["results"][0] if s["results"] else {}
        out.append({
            "case": i if i < n else i - n, "kind": "dev" if i < n else "no-match",
            "cli": {"top1": top.get("id"), "probability": top.get("probability"),
                    "no_known_pattern": s["no_known_pattern"]},
            "browser": {"top1": (b["ids"] or [None])[0], "probability": (b["probability"] or [None])[0],
                        "no_known_pattern": b["no_known_pattern"], "borderline": b["borderline"]},
        })  # fmt: skip
    return out


def build(kb: Path, work: Path) -> tuple[Path, object]:
    from recur.site.build import build_site

    built = build_site(kb, work / "site", index_dir=work / "index", browser_search=True)
    if not built.browser:
        sys.exit(f"no browser bundle: {built.browser_skipped}")
    return work / "site", built


def server_answers(kb: Path, work: Path, texts: list[str]) -> list[dict]:
    from recur.retrieval.engine import Engine

    engine = Engine.open(kb, work / "index", quiet=True)
    return [engine.answer(t, top=5).to_json() for t in texts]


def browser_answers(site: Path, texts: list[str]) -> dict:
    from browser import CHROMIUM, CHROMIUM_FLAGS, page_errors, serve_dir
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="recur-bench-chromium-")
    with serve_dir(site) as base, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = ctx.new_page()
            errors = page_errors(page)
            page.goto(base + "/suggest.html")
            page.wait_for_selector("div.recur-suggest[data-mode=browser]")
            page.fill("textarea.recur-suggest__input", texts[0])
            t0 = time.perf_counter()
            page.click("button.recur-suggest__go")
            page.wait_for_selector(".recur-suggest__card", timeout=60_000)
            load_s = time.perf_counter() - t0
            out = page.evaluate(
                """async (texts) => {
                const engine = await document.querySelector('div.recur-suggest').recurEngine;
                const res = [];
                for (const t of texts) {
                  const t0 = performance.now();
                  const a = await engine.answer(t, 5);
                  res.push({ms: performance.now() - t0, ids: a.results.map(r => r.id), no_known_pattern: a.no_known_pattern,
                            confidence: a.results.map(r => r.confidence),
                            probability: a.results.map(r => r.probability), borderline: a.borderline});
                }
                return res;
            }""",
                texts,
            )
            return {"load_s": load_s, "answers": out, "errors": list(errors)}
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


class NoStore(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass

    def handle(self):
        with contextlib.suppress(ConnectionError):  # the browser closed before the model had arrived
            super().handle()


def words_while_loading(site: Path, text: str, mbit: float, runs: int, no_store: bool) -> list[float]:
    """Seconds from the first question's click to its word list, at ``mbit`` Mbit/s, once per fresh profile."""
    from browser import CHROMIUM, CHROMIUM_FLAGS, serve_handler
    from playwright.sync_api import sync_playwright

    rate = mbit * 1e6 / 8  # bytes a second
    took = []
    handler = (
        NoStore
        if no_store
        else type("Plain", (NoStore,), {"end_headers": http.server.BaseHTTPRequestHandler.end_headers})
    )
    with serve_handler(functools.partial(handler, directory=str(site))) as base, sync_playwright() as pw:
        for _ in range(runs):
            profile = tempfile.mkdtemp(prefix="recur-bench-chromium-")
            ctx = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            try:
                page = ctx.new_page()
                page.goto(base + "/suggest.html")
                page.wait_for_selector("div.recur-suggest[data-mode=browser]")
                page.fill("textarea.recur-suggest__input", text)
                # the page has loaded: the link is slow from the question on
                conditions = {"offline": False, "latency": 0, "downloadThroughput": rate, "uploadThroughput": rate}
                ctx.new_cdp_session(page).send("Network.emulateNetworkConditions", conditions)
                t0 = time.perf_counter()
                page.click("button.recur-suggest__go")
                page.wait_for_selector(".recur-suggest__words", timeout=120_000)
                took.append(time.perf_counter() - t0)
            finally:
                ctx.close()
                shutil.rmtree(profile, ignore_errors=True)
    return took


def throttled(kb: Path, cases: list[dict], mbit: float, runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="recur-static-bench-"))
    try:
        site, _ = build(kb, work)
        took = {
            host: words_while_loading(site, cases[0]["query"], mbit, runs, host == "no-store")
            for host in ("plain", "no-store")
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for host, times in took.items():
        print(
            f"at {mbit} Mbit/s, {host} host: the first question's word list after "
            + ", ".join(f"{t:.2f} s" for t in times)
        )


# The review's texts (rev52-scale): a short description and the 83-word one that took 12.9 s at 1,000 patterns
RESPONDER_TEXTS = [
    "postgres connection pool exhausted after a deploy, checkout failing",
    "Since the deploy at 14:05 checkout requests fail for about a third of customers. The payment api returns 502 "
    "errors,\nenvoy logs show upstream connect error or disconnect/reset before headers, postgres connection pool "
    "exhausted on the\norders database, redis latency spikes, kafka consumer lag growing on the billing topic, p99 "
    "latency up to 8 seconds,\npods restarting with OOMKilled, the grpc gateway reports deadline exceeded, and the "
    "on-call dashboard shows error\nrate above 12 percent for the last 20 minutes in eu-west-1 only.",
]

# recur-suggest.js is one closure for the page; its ranking part (up to the verdict that follows rankPatterns)
# needs no DOM, so it is cut out and run in Node as the page runs it (both V8).
WORDS_JS = r"""
import fs from "node:fs";
const input = JSON.parse(fs.readFileSync(0, "utf8"));
globalThis.window = { RecurQuery: { MAX_QUERY_CHARS: 20000 } };
function load(src) {
  const body = src.slice(src.indexOf('"use strict";'), src.indexOf("var MATCH_WORDS"));
  return new Function(body + "; return { patternDocs: patternDocs, rankPatterns: rankPatterns };")();
}
const sides = input.sources.map(load);
const index = JSON.parse(fs.readFileSync(input.index, "utf8"));
const docs = sides.map((s) => s.patternDocs(index, "http://site/", input.retired));
const out = input.texts.map(() => sides.map(() => ({ ms: [], ranked: null })));
for (let run = 0; run < input.runs; run++) {
  input.texts.forEach((text, i) => {
    sides.forEach((side, k) => {  /* interleaved: the machine's load falls on both alike */
      const t0 = performance.now();
      const found = side.rankPatterns(docs[k], text);
      out[i][k].ms.push(performance.now() - t0);
      out[i][k].ranked = { words: found.words, results: found.map((r) => (
        { url: r.doc.url, score: r.score, found: r.found, telling: r.telling })) };
    });
  });
}
process.stdout.write(JSON.stringify({ pages: docs[0].length, texts: out }));
"""


def word_ranking(site: Path, baseline: str | None, texts: list[str], runs: int) -> None:
    """Median ms of rankPatterns per text, this tree's recur-suggest.js and ``baseline``'s, and any text
    the two rank differently."""
    sources = [(ROOT / "site_config" / "assets" / "recur-suggest.js").read_text()]
    if baseline:
        old = subprocess.run(["git", "show", f"{baseline}:site_config/assets/recur-suggest.js"], cwd=ROOT,
                             capture_output=True, text=True)  # fmt: skip
        if old.returncode:
            sys.exit(f"--baseline {baseline}: no site_config/assets/recur-suggest.js there: {old.stderr.strip()}")
        sources.append(old.stdout)
    for name, src in zip(("this tree's", f"--baseline {baseline}'s"), sources):
        # WORDS_JS cuts the ranking part out between these markers: without one, the slice is another
        # part of the file (or all of it) and Node fails on it or ranks with something else
        if missing := [m for m in ('"use strict";', "var MATCH_WORDS") if m not in src]:
            sys.exit(f"{name} recur-suggest.js lacks {' and '.join(missing)}, which --words cuts its ranking at: "
                     "too old (or too new) a version to compare")  # fmt: skip
    retired_file = site / "patterns" / "retired.json"
    retired = json.loads(retired_file.read_text()).get("retired", []) if retired_file.is_file() else []
    payload = {"sources": sources, "index": str(site / "search" / "search_index.json"), "retired": retired,
               "texts": texts, "runs": runs}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="recur-words-bench-") as tmp:
        (Path(tmp) / "run.mjs").write_text(WORDS_JS)
        ran = subprocess.run(["node", "run.mjs"], cwd=tmp, input=json.dumps(payload), capture_output=True,
                             text=True, check=True)  # fmt: skip
    got = json.loads(ran.stdout)
    print(f"{got['pages']} pattern pages, {len(texts)} texts, median of {runs} runs")
    print(f"{'words':>6} {'this tree ms':>13}" + (f" {baseline + ' ms':>13} {'ratio':>7}  same" if baseline else ""))
    differ = 0
    for text, sides in zip(texts, got["texts"]):
        ms = [statistics.median(s["ms"]) for s in sides]
        row = f"{len(text.split()):>6} {ms[0]:>13.1f}"
        if baseline:
            same = sides[0]["ranked"] == sides[1]["ranked"]
            differ += not same
            row += f" {ms[1]:>13.1f} {ms[1] / max(ms[0], 1e-3):>6.1f}x  {'yes' if same else 'NO'}"
        print(row)
    if baseline:
        print(f"ranked alike: {len(texts) - differ} of {len(texts)} texts")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kb", default=str(ROOT.parent / "shared" / "eval" / "kb"))
    ap.add_argument("--cases", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--keep", default=None, help="build into this folder and keep it")
    ap.add_argument("--mbit", type=float, default=None, help="time the word list at this link speed instead")
    ap.add_argument("--runs", type=int, default=3, help="with --mbit or --words: how many times")
    ap.add_argument("--words", type=Path, default=None, help="time the ranking by words on this built site instead")
    ap.add_argument("--baseline", default=None, help="with --words: a git revision's recur-suggest.js to compare")
    args = ap.parse_args()
    kb, cases_path = Path(args.kb), Path(args.cases)
    cases = read_cases(cases_path)
    if args.mbit:
        return throttled(kb, cases, args.mbit, args.runs)
    nomatch_path = cases_path.with_name("dev-nomatch.jsonl")
    nomatch = read_cases(nomatch_path) if nomatch_path.is_file() else []
    if args.words:
        texts = [c["query"] for c in cases + nomatch] + RESPONDER_TEXTS
        return word_ranking(args.words, args.baseline, texts, args.runs)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="recur-static-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        site, built = build(kb, work)
        build_s = time.perf_counter() - t0
        texts = [c["query"] for c in cases] + [c["query"] for c in nomatch]
        server = server_answers(kb, work, texts)
        browser = browser_answers(site, texts)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    n = len(cases)
    s_ids = [[r["id"] for r in a["results"]] for a in server]
    b_ids = [a["ids"] for a in browser["answers"]]
    ms = [a["ms"] for a in browser["answers"]]
    report = {
        "cases": n,
        "nomatch_cases": len(nomatch),
        "recall@3": {
            "cli": round(recall_at(s_ids[:n], cases, 3), 4),
            "browser": round(recall_at(b_ids[:n], cases, 3), 4),
        },
        "recall@1": {
            "cli": round(recall_at(s_ids[:n], cases, 1), 4),
            "browser": round(recall_at(b_ids[:n], cases, 1), 4),
        },
        "top1_agreement": round(sum(s[:1] == b[:1] for s, b in zip(s_ids[:n], b_ids[:n])) / n, 4),
        "top3_same_set": round(sum(set(s[:3]) == set(b[:3]) for s, b in zip(s_ids[:n], b_ids[:n])) / n, 4),
        "verdict_agreement": round(
            sum(a["no_known_pattern"] == b["no_known_pattern"] for a, b in zip(server, browser["answers"]))
            / len(texts),
            4,
        ),
        "load_s": round(browser["load_s"], 2),
        "query_ms": {
            "median": round(statistics.median(ms), 1),
            "p90": round(sorted(ms)[int(0.9 * (len(ms) - 1))], 1),
            "max": round(max(ms), 1),
        },
        "bundle_bytes": built.browser.total,
        "bundle_files": built.browser.bytes,
        "site_bytes": built.bytes,
        "build_s": round(build_s, 1),
        "console_errors": browser["errors"],
        "disagreements": [
            {"case": i, "cli": s[:3], "browser": b[:3]}
            for i, (s, b) in enumerate(zip(s_ids[:n], b_ids[:n]))
            if s[:1] != b[:1]
        ],
        "verdict_differs": verdict_differs(server, browser["answers"], n),
        "recall3_differs": [
            {"case": i, "cli": s[:5], "browser": b[:5]}
            for i, (s, b, c) in enumerate(zip(s_ids[:n], b_ids[:n], cases))
            if any(p in c["expect"] for p in s[:3]) != any(p in c["expect"] for p in b[:3])
        ],
    }
    ok = {
        "recall@3 gap": abs(report["recall@3"]["cli"] - report["recall@3"]["browser"]) <= TARGETS["recall3_gap"],
        "top-1 agreement": report["top1_agreement"] >= TARGETS["top1_agreement"],
        "first use": report["load_s"] <= TARGETS["load_s"],
        "median query": report["query_ms"]["median"] <= TARGETS["median_query_ms"],
        "bundle size": report["bundle_bytes"] / 1e6 <= TARGETS["bundle_mb"],
        "no console errors": not report["console_errors"],
    }
    report["targets_met"] = ok
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "static_suggest.json").write_text(json.dumps(report, indent=1))
    print(
        f"cases {n} (+{len(nomatch)} no-match)   recall@3 cli {report['recall@3']['cli']:.3f} browser "
        f"{report['recall@3']['browser']:.3f}   recall@1 cli {report['recall@1']['cli']:.3f} browser "
        f"{report['recall@1']['browser']:.3f}"
    )
    print(
        f"top-1 agreement {report['top1_agreement']:.1%}   same top-3 set {report['top3_same_set']:.1%}   "
        f"no-known-pattern verdict agrees {report['verdict_agreement']:.1%}"
    )
    print(
        f"first use {report['load_s']:.2f} s   query median {report['query_ms']['median']} ms, "
        f"p90 {report['query_ms']['p90']} ms, max {report['query_ms']['max']} ms   (site build {report['build_s']} s)"
    )
    for d in report["verdict_differs"]:
        said = [
            f"{side} {v['top1']} {v['probability']} -> {'no known pattern' if v['no_known_pattern'] else 'a match'}"
            for side, v in (("cli", d["cli"]), ("browser", d["browser"]))
        ]
        borderline = " (the box said borderline)" if d["browser"]["borderline"] else ""
        print(f"  verdict differs on {d['kind']} case {d['case']}: " + "; ".join(said) + borderline)
    print(f"bundle {report['bundle_bytes'] / 1e6:.1f} MB:")
    for name, size in sorted(report["bundle_files"].items(), key=lambda kv: -kv[1]):
        if size > 100_000:
            print(f"  {size / 1e6:6.2f} MB  {name}")
    print("  " + f"{sum(s for s in report['bundle_files'].values() if s <= 100_000) / 1e6:6.2f} MB  the rest")
    print("console errors: " + (", ".join(report["console_errors"]) or "none"))
    print("targets: " + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in ok.items()))
    if os.environ.get("CI") and not all(ok.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
