"""Where the header search (mkdocs-material's lunr, its own worker run in Node) lists the page a query is about.

    python bench/header_search_rank.py [--kb kb] [--site SITE] [--fields '{"recur_symptoms": {"boost": 300}}']

Builds the KB's site (`recur site --no-browser-search`; or reads SITE, any `recur site` output) and asks the
site's own search worker (assets/javascripts/workers/search.*.min.js, in Node, on search/search_index.json) for:
  id:        each active or draft pattern's id ("disk-full")                 -> that pattern's page;
  symptom:   each of its symptoms ("disk full on a host")                     -> that pattern's page;
  title:     each pattern's title                                             -> that pattern's page;
  incident:  each incident's title (its id left out)                          -> that incident's page;
  box:       each word of the evidence box's heading and first line ("restore") -> no entry of that box (#evidence-
             to-preserve) in the first five: its heading was an entry of each pattern page, titled by those words.
Prints, per kind, how often the page is listed first and in the first three; for box words, how many of the first
five results are such an entry, and the pages listed first. --fields overrides the index's
field weights (hook.SEARCH_FIELDS) for the run, to compare weights without a rebuild. Nothing written.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.site.hook import BOX_ANCHOR  # noqa: E402

# the words of the evidence box's heading and first line (pattern_pages.EVIDENCE_HEADING, EVIDENCE_LINE)
BOX_WORDS = ("evidence", "preserve", "capture", "restore", "before")

# the worker listens for messages (SETUP 0 with the index, QUERY 2 with the query) and posts its answer
RUN_JS = r"""
const fs = require("fs"), vm = require("vm"), path = require("path");
const { site, fields, queries } = JSON.parse(fs.readFileSync(0, "utf8"));
const dir = path.join(site, "assets/javascripts/workers");
const file = fs.readdirSync(dir).find(f => /^search\..*\.min\.js$/.test(f));
let handler = null, out = null;
const ctx = { console: { warn() {}, log() {} }, setTimeout, Promise,
              addEventListener: (t, fn) => { handler = fn; }, postMessage: m => { out = m; } };
ctx.self = ctx;
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(path.join(dir, file), "utf8"), ctx);
const index = JSON.parse(fs.readFileSync(path.join(site, "search/search_index.json"), "utf8"));
index.options = index.options || { suggest: false };
Object.assign(index.config.fields, fields);
(async () => {
  await handler({ data: { type: 0, data: index } });
  const ranks = [], tops = [];
  for (const [q, want] of queries) {
    await handler({ data: { type: 2, data: q } });
    const pages = (out.data.items || []).map(g => g[0].location.split("#")[0]);
    ranks.push(pages.indexOf(want) + 1);
    tops.push((out.data.items || []).slice(0, 5).map(g => g[0].location));
  }
  process.stdout.write(JSON.stringify({ ranks, tops }));
})();
"""


def queries(kb: Path, site: Path) -> list[tuple[str, str, str]]:
    """(kind, query, the page it is about: its location in the site's search index) for the KB's records."""
    from recur.kb.loader import load_kb

    loaded = load_kb(kb)
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    page = {loc.rsplit("/", 1)[-1][: -len(".html")]: loc for loc in (d["location"] for d in docs) if "#" not in loc}
    out = []
    for p in loaded.patterns.values():
        if p.status != "retired":
            out += [("id", p.id, page[p.id]), ("title", p.title, page[p.id])]
            out += [("symptom", s, page[p.id]) for s in p.symptoms]
    out += [("incident", i.title, page[i.id]) for i in loaded.incidents.values()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--site", type=Path, help="a built site (default: build the KB's into a temp folder)")
    ap.add_argument("--fields", default="{}", help="field weights to use instead of the index's (JSON)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            from recur.site.build import build_site

            site = Path(tmp) / "site"
            build_site(args.kb, site, index_dir=Path(tmp) / "index", browser_search=False)
        asked = queries(args.kb, site) + [("box", w, "") for w in BOX_WORDS]
        payload = {"site": str(site), "fields": json.loads(args.fields), "queries": [[q, p] for _, q, p in asked]}
        ran = subprocess.run(["node", "-e", RUN_JS], input=json.dumps(payload), capture_output=True, text=True)
        if ran.returncode:
            sys.exit(ran.stderr.strip() or "node failed")
        answer = json.loads(ran.stdout)
    ranks, tops = answer["ranks"], answer["tops"]
    for kind in ("id", "symptom", "title", "incident"):
        got = [r for (k, _, _), r in zip(asked, ranks, strict=True) if k == kind]
        if got:
            first, top3 = sum(r == 1 for r in got), sum(1 <= r <= 3 for r in got)
            print(
                f"{kind:9s} {len(got):5d} queries  first {first:5d} ({first / len(got):4.0%})  top 3 {top3 / len(got):4.0%}"
            )
    box = [(q, top) for (k, q, _), top in zip(asked, tops, strict=True) if k == "box"]
    held = sum(loc.endswith("#" + BOX_ANCHOR) for _, top in box for loc in top)
    print(f"box       {len(box):5d} queries  entries of the evidence box in the top 5: {held} of {5 * len(box)}")
    for q, top in box:
        print(f"  {q}: " + ", ".join(loc.rsplit("/", 1)[-1].replace(".html", "") for loc in top[:3]))


if __name__ == "__main__":
    main()
