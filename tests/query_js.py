"""The site's assets/recur-query.js (the box's query condenser, typo reading and verdicts, also read by the in-browser
ranker) run in Node: the one way the tests that check it against recur.retrieval run it.

Use from a test module::

    from query_js import NODE, run_query_js

    @pytest.mark.skipif(NODE is None, reason="node is not installed")
    def test_limits(tmp_path):
        assert run_query_js(tmp_path, "return q.MAX_QUERY_CHARS;") == query.MAX_QUERY_CHARS
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from recur.site import bundle

NODE = shutil.which("node")
QUERY_JS = Path(bundle.__file__).parent / "theme" / "assets" / "recur-query.js"  # the page's query condenser

# recur-query.js is a classic script (the page loads it with a <script> tag): imported for its effect, it sets
# globalThis.RecurQuery. The body runs in an async function, so that it can `await import(...)` a module it is
# given (ranker.js) and `return` what it found.
SCRIPT = """import "./recur-query.mjs";
import fs from "node:fs";
const q = globalThis.RecurQuery;
const input = JSON.parse(fs.readFileSync("input.json", "utf8"));
const out = await (async () => {
%s
})();
process.stdout.write(JSON.stringify(out));
"""


def run_query_js(tmp_path: Path, body: str, input: Any = None, *, modules: dict[str, Path] | None = None) -> Any:
    """What ``body`` returns, through JSON: the body of a JavaScript function run by Node in ``tmp_path`` (its working
    folder) with ``q`` (recur-query.js's RecurQuery), ``input`` (``input`` through JSON) and ``fs`` (node:fs).
    ``modules``: more files copied into ``tmp_path`` under a name each (``"ranker.mjs"``), for the body to import.
    A failing Node fails the test with its stderr; the 60 s timeout is a guard against a hang, not a measure of
    speed."""
    for name, path in {"recur-query.mjs": QUERY_JS, **(modules or {})}.items():
        shutil.copyfile(path, tmp_path / name)
    (tmp_path / "input.json").write_text(json.dumps(input))
    (tmp_path / "run.mjs").write_text(SCRIPT % body)
    run = subprocess.run([NODE, "run.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        pytest.fail(f"node run.mjs (recur-query.js) failed, exit {run.returncode}:\n{run.stderr}", pytrace=False)
    return json.loads(run.stdout)
