"""Site build at scale: Recur's site against a bare mkdocs-material build of the same number of plain pages.

    python bench/site.py [--patterns 1000] [--incidents 3000] [--keep DIR]

Writes a synthetic KB (its own generator; it must pass `recur check`) into a temp folder, then, in
the same run, builds
  bare:  the same number of plain Markdown pages (each pattern's / incident's body text, plus one
         page per generated index page), out of the nav, default mkdocs-material (fonts off), and
  recur: `recur site` (load, board, page generation, mkdocs, atomic swap),
and prints both times (wall and CPU, best of --repeat interleaved runs: on a shared machine CPU
time is the steadier figure) and sizes and the ratios. Targets: time <= 2x bare, size <= 1.2x bare.
The in-browser suggest bundle (model, index) is built once more on top and reported apart: the
bare site has no model to compare with. Writes bench/out/site.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tools"))

CATS = ["capacity", "config", "deploys", "data", "software", "dependencies", "network", "time", "security", "hardware"]
SERVICES = [
    f"svc-{w}"
    for w in (
        "checkout",
        "payments",
        "auth",
        "search",
        "catalog",
        "orders",
        "email",
        "edge",
        "reporting",
        "billing",
        "ledger",
        "images",
        "ingest",
        "stream",
        "cache",
        "db-main",
    )
]
WORDS = (
    "request connection pool queue latency timeout replica leader disk memory thread cache certificate "
    "deploy rollback config flag cluster node pod container kernel packet route resolver lock index "
    "migration backup restore quota limit throttle retry storm spike drift clock lag write read error "
    "upstream downstream gateway worker batch cron schedule shard partition heap socket file handle"
).split()
OWNERS = [f"team-{t}" for t in ("platform", "storage", "network", "payments", "identity", "data", "edge", "sre")]
AS_OF = dt.date(2026, 11, 20)


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng, n=14):
    return words(rng, n).capitalize() + "."


def pattern_md(n: int, rng: random.Random) -> tuple[str, str]:
    cat, pid = CATS[n % len(CATS)], f"pattern-{n:04d}-{rng.choice(WORDS)}-{rng.choice(WORDS)}"
    signals = [
        f"Kube{rng.choice(WORDS).capitalize()}{rng.choice(WORDS).capitalize()}{n}",
        f"E{rng.choice(WORDS).upper()[:5]}{n % 97}",
        f"ERROR {rng.choice(WORDS)}: {words(rng, 5)} (code {n})",
        f'level=error msg="{words(rng, 4)}" attempt={n % 9}',
    ]
    fix = ""
    if n % 3 == 0:
        due = AS_OF + dt.timedelta(days=rng.randint(-120, 120))
        fix = (
            f"fix:\n  status: {rng.choice(['open', 'in-progress', 'done'])}\n  owner: {rng.choice(OWNERS)}\n"
            f"  due: {due.isoformat()}\n  tickets: [PRB-{n}]\n"
        )
    front = (
        f"---\nid: {pid}\ntitle: {words(rng, 5).capitalize()} {n}\ncategory: {cat}\nseverity: sev{1 + n % 4}\n"
        "symptoms:\n"
        + "".join(f'  - "{words(rng, 8)}"\n' for _ in range(5))
        + "signals:\n"
        + "".join(f"  - {json.dumps(s)}\n" for s in signals)
        + f"tags: [{', '.join(sorted({rng.choice(WORDS) for _ in range(4)}))}]\n"
        f"services: [{', '.join(sorted({rng.choice(SERVICES) for _ in range(3)}))}]\n"
        f"owner: {rng.choice(OWNERS)}\n{fix}---\n"
    )
    body = (
        "\n## Summary\n"
        + " ".join(sentence(rng) for _ in range(5))
        + "\n\n## Runbook\n"
        + "".join(
            f"{k}. {sentence(rng, 10)} Run `kubectl {rng.choice(WORDS)} -n prod {rng.choice(WORDS)}`.\n"
            for k in range(1, 6)
        )
        + "\n## Evidence to preserve\n"
        + "".join(f"- {sentence(rng, 8)}\n" for _ in range(2))
        + "\n## Root cause\n"
        + " ".join(sentence(rng) for _ in range(3))
        + "\n\n## Permanent fix\n"
        + " ".join(sentence(rng) for _ in range(2))
        + "\n\n## Detection\n- Alert on "
        + words(rng, 6)
        + ".\n"
    )
    return f"patterns/{cat}/{pid}.md", front + body


def incident_md(n: int, rng: random.Random, pids: list) -> tuple[str, str]:
    date = AS_OF - dt.timedelta(days=rng.randint(0, 3 * 365))
    iid = f"INC-{date.year}-{n:05d}"
    pats = [] if n % 10 == 0 else sorted({rng.choice(pids) for _ in range(rng.choice([1, 1, 1, 2]))})
    extra = ""
    if n % 4 == 0:
        extra += (
            f'follow_ups:\n  - {{title: "{words(rng, 6)}", status: {rng.choice(["open", "done"])}, '
            f"owner: {rng.choice(OWNERS)}, due: {(date + dt.timedelta(days=30)).isoformat()}}}\n"
        )
    if n % 7 == 0:
        extra += f'flags:\n  - "{words(rng, 8)}"\n'
    if date < AS_OF - dt.timedelta(days=60):
        extra += "review: {status: done}\n"
    front = (
        f"---\nid: {iid}\ntitle: {words(rng, 7).capitalize()}\ndate: {date.isoformat()}\nseverity: sev{1 + n % 4}\n"
        f"patterns: [{', '.join(pats)}]\nservices: [{', '.join(sorted({rng.choice(SERVICES) for _ in range(2)}))}]\n"
        f"duration_minutes: {rng.randint(5, 300)}\n{extra}---\n"
    )
    body = (
        "\n## Summary\n"
        + " ".join(sentence(rng) for _ in range(4))
        + "\n\n## Timeline\n"
        + "".join(f"- {h:02d}:{rng.randint(0, 59):02d} {sentence(rng, 9)}\n" for h in range(8, 12))
    )
    return f"incidents/{date.year}/{iid}.md", front + body


def write_kb(root: Path, patterns: int, incidents: int, seed: int = 3) -> Path:
    rng = random.Random(seed)
    pids = []
    for n in range(patterns):
        rel, text = pattern_md(n, rng)
        pids.append(Path(rel).stem)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for n in range(incidents):
        rel, text = incident_md(n, rng, pids)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "paths").mkdir()
    for k in range(5):
        steps = "".join(f"  - pattern: {pid}\n    why: {sentence(rng, 10)}\n" for pid in rng.sample(pids, 8))
        (root / "paths" / f"path-{k}.yml").write_text(
            f"title: Path {k}\naudience: new on-call engineers\nsteps:\n{steps}"
        )
    return root


def bare_tree(kb: Path, recur_src_pages: list, out: Path) -> int:
    """One plain page per page Recur generates: the KB body text for records, a stub for index pages."""
    n = 0
    for rel in recur_src_pages:
        src = kb / rel
        text = src.read_text() if src.suffix == ".md" and src.is_file() else f"# {rel}\n\nIndex page.\n"
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# {Path(rel).stem}\n{text}")
        n += 1
    return n


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(cmd, **kw) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def browser_bundle(kb: Path, work: Path, recur_cmd: list, env) -> dict:
    """The in-browser suggest bundle on top of the site: one more build with it, after `recur index`
    (timed apart: a team's CI has the index already), and the bundle's size. Not in the ratios: the
    bare site has no model to compare with (bench/static_suggest.py measures the box itself)."""
    subprocess.run([str(BIN / "recur"), "index", "--kb", str(kb), "--index", str(work / "no-index"), "-q"],
                   check=True, env=env, cwd=ROOT)  # fmt: skip
    with_bundle = [a for a in recur_cmd if a != "--no-browser-search"]
    with_bundle[with_bundle.index("--out") + 1] = str(work / "recur-site-bundle")
    wall, _ = timed(with_bundle, env=env, cwd=ROOT)
    folder = work / "recur-site-bundle" / "assets" / "recur-browser"
    model = sum(p.stat().st_size for p in folder.glob("model*") if p.is_file())
    index = sum(p.stat().st_size for p in folder.glob("index*") if p.is_file())
    return {
        "site_with_bundle_seconds": round(wall, 1),
        "bundle_mb": round(size(folder) / 1e6, 1),
        "bundle_model_mb": round(model / 1e6, 1),
        "bundle_index_mb": round(index / 1e6, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=3000)
    ap.add_argument("--keep", type=Path, help="keep the KB and both sites in this folder")
    ap.add_argument("--repeat", type=int, default=2, help="builds of each, interleaved; the best is kept")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="recur-site-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        kb = write_kb(work / "kb", args.patterns, args.incidents)
        check = subprocess.run([str(BIN / "recur"), "check", "--kb", str(kb), "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"the synthetic KB does not pass recur check:\n{check.stdout[:2000]}")

        from recur.kb.loader import load_kb
        from recur.problems.board import board
        from recur.site import pages

        kb_obj = load_kb(kb)
        src_pages = [p for p in pages(kb_obj, as_of=AS_OF, board=board(kb_obj, AS_OF)) if p.endswith(".md")]
        bare_docs = work / "bare-docs"
        n_bare = bare_tree(kb, src_pages, bare_docs)
        (work / "bare.yml").write_text(
            f"site_name: Bare\ndocs_dir: {bare_docs}\nsite_dir: {work / 'bare-site'}\ntheme:\n  name: material\n"
            "  font: false\nplugins:\n  - search\nnav:\n  - Home: index.md\nvalidation:\n  omitted_files: ignore\n"
        )

        bare_cmd = [str(BIN / "mkdocs"), "build", "-q", "-f", str(work / "bare.yml")]
        recur_cmd = [
            str(BIN / "recur"),
            "site",
            "--kb",
            str(kb),
            "--out",
            str(work / "recur-site"),
            "-q",
            "--as-of",
            AS_OF.isoformat(),
            "--index",
            str(work / "no-index"),
            "--no-browser-search",  # like for like: the bare site ships no model; the bundle is timed below
        ]
        bare_runs, recur_runs = [], []
        for _ in range(max(args.repeat, 1)):  # interleaved, so a busy neighbour slows both alike
            bare_runs.append(timed(bare_cmd, env=env))
            recur_runs.append(timed(recur_cmd, env=env, cwd=ROOT))
        bundle = browser_bundle(kb, work, recur_cmd, env)
        t_bare, c_bare = min(r[0] for r in bare_runs), min(r[1] for r in bare_runs)
        t_recur, c_recur = min(r[0] for r in recur_runs), min(r[1] for r in recur_runs)
        s_bare, s_recur = size(work / "bare-site"), size(work / "recur-site")
        si_bare = (work / "bare-site/search/search_index.json").stat().st_size
        si_recur = (work / "recur-site/search/search_index.json").stat().st_size
        pages_recur = sum(1 for _ in (work / "recur-site").rglob("*.html"))
        result = {
            "patterns": args.patterns,
            "incidents": args.incidents,
            "pages_bare": n_bare,
            "pages_recur": pages_recur,
            "seconds_bare": round(t_bare, 2),
            "seconds_recur": round(t_recur, 2),
            "cpu_seconds_bare": round(c_bare, 2),
            "cpu_seconds_recur": round(c_recur, 2),
            "cpu_ratio": round(c_recur / c_bare, 2),
            "mb_bare": round(s_bare / 1e6, 1),
            "mb_recur": round(s_recur / 1e6, 1),
            "search_index_mb_bare": round(si_bare / 1e6, 1),
            "search_index_mb_recur": round(si_recur / 1e6, 1),
            "time_ratio": round(t_recur / t_bare, 2),
            "size_ratio": round(s_recur / s_bare, 2),
            **bundle,
            "bundle_seconds": round(bundle["site_with_bundle_seconds"] - t_recur, 1),  # over the best plain build
        }
        print(f"{args.patterns} patterns + {args.incidents} incidents ({n_bare} source pages), same run:")
        print(
            f"  bare mkdocs-material : {t_bare:6.1f} s wall {c_bare:6.1f} s CPU  {s_bare / 1e6:6.1f} MB  "
            f"(search index {si_bare / 1e6:.1f} MB)"
        )
        print(
            f"  recur site           : {t_recur:6.1f} s wall {c_recur:6.1f} s CPU  {s_recur / 1e6:6.1f} MB  "
            f"(search index {si_recur / 1e6:.1f} MB)"
        )
        print(
            f"  ratio wall {result['time_ratio']:.2f}x, CPU {result['cpu_ratio']:.2f}x (target <= 2.0); "
            f"size {result['size_ratio']:.2f}x (target <= 1.2)   [best of {args.repeat}, interleaved]"
        )
        print(
            f"  + in-browser suggest bundle (recur site without --no-browser-search, index already built): "
            f"+{result['bundle_seconds']:.1f} s wall, +{bundle['bundle_mb']:.1f} MB "
            f"(model {bundle['bundle_model_mb']:.1f} MB; index vectors and texts {bundle['bundle_index_mb']:.1f} MB)"
        )
        out = ROOT / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "site.json").write_text(json.dumps(result, indent=1) + "\n")
        ok = min(result["time_ratio"], result["cpu_ratio"]) <= 2.0 and result["size_ratio"] <= 1.2
        print("  OK" if ok else "  OVER TARGET")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
