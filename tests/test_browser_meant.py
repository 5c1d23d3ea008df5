"""The browser ranker's meant (ranker.js meantIds, closeIds) against Python's (retrieval.patterns.meant_ids,
util.text.close_ids) in Node: the site's box says "Did you mean disk-full?" as the terminal does."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from recur.retrieval.patterns import meant_ids
from recur.site import bundle
from recur.util.text import close_ids

NODE = shutil.which("node")

MEANT_JS = """
import fs from "node:fs";
import { meantIds, closeIds } from "./ranker.mjs";
const { ids, retired, texts } = JSON.parse(fs.readFileSync(process.argv[2]));
const out = texts.map((t) => [meantIds(t, ids, new Set(retired)), closeIds(t, ids)]);
process.stdout.write(JSON.stringify(out));
"""

IDS = [
    "disk-full", "disk-failure-raid-degraded", "db-pool-exhausted", "db-connection-pool-exhausted", "dns-failure",
    "dns-resolution-failure", "inode-exhaustion", "memory-leak-oom-kill", "tls-certificate-expired", "cron-job-overlap",
    "clock-skew-ntp", "leap-second", "retry-storm", "cache-stampede",
]  # fmt: skip
RETIRED = {"old-retired": "patterns/deploys/old-retired.md"}
TEXTS = [
    "disk-ful", "disk-full", "Disk-Ful", "disk ful", "dsik-full", "disk-f", "db-pool", "db-pool-exhuasted",
    "dns-failur", "dns-failures", "inode-exhausted", "memroy-leak-oom-kill", "tls-cert-expired", "cron-job-overlp",
    "clock-skew", "leap-secnd", "retry-strom", "cache-stampeed", "old-retired", "old-retire", " disk-ful\x85",
    "\u3000disk-ful", "x-y", "zzz-qqq", "pool-exhausted", "dns", "-disk-ful", "disk-ful-", "db-pool-exhausted-x",
]  # fmt: skip


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_browser_rankers_meant_is_pythons(tmp_path):
    texts = TEXTS
    shutil.copyfile(bundle.HERE / "ranker.js", tmp_path / "ranker.mjs")
    (tmp_path / "m.mjs").write_text(MEANT_JS)
    (tmp_path / "in.json").write_text(json.dumps({"ids": IDS, "retired": sorted(RETIRED), "texts": texts}))
    run = subprocess.run([NODE, "m.mjs", "in.json"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    manifest = {"retired": RETIRED}
    want = [[meant_ids(t, IDS, manifest), close_ids(t, IDS)] for t in texts]
    assert dict(zip(texts, got)) == dict(zip(texts, want))
    assert want[0][0] == ["disk-full"] and want[6][0] == ["db-pool-exhausted"]  # a typo, a shortening
    assert sum(1 for m, _ in want if m) >= 10 and want[TEXTS.index("old-retired")][0] == []
