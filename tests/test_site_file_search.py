"""`recur site --file-search` (real mkdocs-material builds): the scripts that make the header search work from
file://, and the default build that writes none of them. Chromium opens them in test_site_file_browser.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_helpers import AS_OF, recur_site, site_kb

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).with_name("mkdocs")
INDEX_JS, WORKER_JS = "search/search_index.js", "search/recur-search-worker.js"
SHIM = re.compile(r'<script src="(?:\.\./)*assets/recur-file\.js\?v=\w+"( data-worker="([^"]+)")?></script>\s*'
                  r'<script src="(?:\.\./)*assets/javascripts/bundle\.')  # fmt: skip


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return site_kb(tmp_path_factory.mktemp("file-search") / "kb")


def _index_js(site: Path) -> dict:
    text = (site / INDEX_JS).read_text(encoding="utf-8")
    assert text.startswith("var __index = ") and text.endswith(";\n")
    return json.loads(text[len("var __index = ") : -2])


def test_file_search_writes_the_index_as_a_script_and_materials_worker_as_text(kb, tmp_path):
    out = tmp_path / "site"
    result = recur_site(kb, out, "--strict", "-q", "--file-search")
    assert result.exit_code == 0, result.output
    # the index material reads from file://: the search plugin's, the same (retired pages too, as over http)
    assert _index_js(out) == json.loads((out / "search/search_index.json").read_text(encoding="utf-8"))
    worker = (out / WORKER_JS).read_text(encoding="utf-8")
    assert worker.startswith("window.__recur_search_worker = ") and worker.endswith(";\n")
    code = json.loads(worker[len("window.__recur_search_worker = ") : -2])
    (material,) = (out / "assets/javascripts/workers").glob("search.*.min.js")
    own = material.read_text(encoding="utf-8")
    assert code.rstrip() == own.replace(f"//# sourceMappingURL={material.name}.map", "").rstrip() and code != own
    # every page's shim, before material's bundle, names the worker script relative to the page
    home = SHIM.search((out / "index.html").read_text(encoding="utf-8"))
    deep = SHIM.search((out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8"))
    assert home and home.group(2) == WORKER_JS and deep and deep.group(2) == "../../" + WORKER_JS
    assert "unpkg.com" not in (out / "index.html").read_text(encoding="utf-8")


def test_the_default_build_has_the_shim_without_a_worker_and_no_file_search_scripts(kb, tmp_path):
    out = tmp_path / "site"
    result = recur_site(kb, out, "--strict", "-q")
    assert result.exit_code == 0, result.output
    assert not (out / INDEX_JS).exists() and not (out / WORKER_JS).exists()
    shim = SHIM.search((out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8"))
    assert shim and shim.group(1) is None  # from file:// it keeps material from loading an index that is not there


def test_the_setting_turns_it_on_and_a_wrong_value_is_a_clean_error(kb, tmp_path):
    args = ["site", "--kb", str(kb), "--as-of", AS_OF, "--index", str(tmp_path / "none"), "-q"]
    on = CliRunner(env={"RECUR_FILE_SEARCH": "on"}).invoke(cli, [*args, "--out", str(tmp_path / "on")])
    assert on.exit_code == 0, on.output
    assert (tmp_path / "on" / INDEX_JS).is_file() and (tmp_path / "on" / WORKER_JS).is_file()
    flag = CliRunner(env={"RECUR_FILE_SEARCH": "on"}).invoke(
        cli, [*args, "--out", str(tmp_path / "off"), "--no-file-search"]
    )  # the flag wins over the variable
    assert flag.exit_code == 0, flag.output
    assert not (tmp_path / "off" / INDEX_JS).exists()
    bad = CliRunner(env={"RECUR_FILE_SEARCH": "maybe"}).invoke(cli, [*args, "--out", str(tmp_path / "bad")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert "RECUR_FILE_SEARCH='maybe'" in bad.output and "--[no-]file-search" in bad.output, bad.output
    assert not (tmp_path / "bad").exists()


def test_mkdocs_build_with_the_setting_writes_them_too(kb, tmp_path):
    """The plugin's path (mkdocs build from the repository root) reads RECUR_FILE_SEARCH as recur site does."""
    env = {**os.environ, "RECUR_KB": str(kb), "RECUR_AS_OF": AS_OF, "RECUR_INDEX": str(tmp_path / "none"),
           "RECUR_SITE_SRC": str(tmp_path / "src"), "NO_MKDOCS_2_WARNING": "1", "RECUR_FILE_SEARCH": "on"}  # fmt: skip
    out = tmp_path / "out"
    proc = subprocess.run([str(MKDOCS), "build", "--strict", "-d", str(out)], cwd=ROOT, env=env,  # not -q: it voids --strict
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert _index_js(out)["docs"] and (out / WORKER_JS).is_file()
    proc = subprocess.run([str(MKDOCS), "build", "-q", "-d", str(tmp_path / "bad")], cwd=ROOT,
                          env={**env, "RECUR_FILE_SEARCH": "maybe"}, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "RECUR_FILE_SEARCH" in proc.stderr, proc.stderr


def test_a_site_searched_in_other_languages_is_built_without_it_and_says_so(kb, tmp_path):
    """Material's worker loads another language's stemmer with importScripts, which a worker started from a blob
    of a file:// page may not do: the search would have hung there. The build says so and leaves it out."""
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: KB\ntheme:\n  name: material\nplugins:\n  - search:\n      lang: [en, de]\n  - recur\n")
    out = tmp_path / "site"
    result = recur_site(kb, out, "--config", str(cfg), "--file-search")
    assert result.exit_code == 0, result.output
    assert "file search left out" in result.output and "'de'" in result.output, result.output
    assert not (out / INDEX_JS).exists() and not (out / WORKER_JS).exists()
    shim = SHIM.search((out / "index.html").read_text(encoding="utf-8"))
    assert shim and shim.group(1) is None  # so opened from disk its header search says it needs http(s)


def test_the_home_page_says_what_works_from_disk_as_the_build_has_it(kb, tmp_path):
    """Found in review: opened from disk, the home page said the box lists pattern pages by words and the search
    at the top works, where a site built without --file-search has neither there. It says so, and names
    the flag; a --file-search build says what it did."""
    said = "Opened from disk (a file:// address), neither works on this site: built with <code>recur site --file-search</code>"
    plain, file = tmp_path / "plain", tmp_path / "file"
    assert recur_site(kb, plain, "-q").exit_code == 0
    assert recur_site(kb, file, "-q", "--file-search").exit_code == 0
    assert said in (plain / "index.html").read_text(encoding="utf-8")
    home = (file / "index.html").read_text(encoding="utf-8")
    assert "Or use the search at the top of the page." in home and said not in home and "file://" not in home
    # mkdocs build (the plugin's path) with the file_search setting: the same words as recur site
    env = {**os.environ, "RECUR_KB": str(kb), "RECUR_AS_OF": AS_OF, "RECUR_INDEX": str(tmp_path / "none"),
           "RECUR_SITE_SRC": str(tmp_path / "src"), "NO_MKDOCS_2_WARNING": "1"}  # fmt: skip
    for value, has in (("on", False), ("off", True)):
        out = tmp_path / f"mk-{value}"
        proc = subprocess.run([str(MKDOCS), "build", "-q", "-d", str(out)], cwd=ROOT, capture_output=True, text=True,
                              timeout=300, env={**env, "RECUR_FILE_SEARCH": value})  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert (said in (out / "index.html").read_text(encoding="utf-8")) == has, value
