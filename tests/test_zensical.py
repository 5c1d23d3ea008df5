"""The generated page tree is engine-agnostic (issue 15): Zensical, mkdocs-material's successor,
builds it from a plain mkdocs.yml and the pattern pages come out with their content.

What Zensical does not run (mkdocs plugins and hooks: Recur's theme overrides, the raw-HTML lift,
whitespace compaction) is written down in docs/site-engines.md.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recur.site.hook import prepare
from recur.site.plugin import ASSETS_CSS, ASSETS_JS, EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
ZENSICAL = shutil.which("zensical") or str(Path(sys.executable).with_name("zensical"))


@pytest.mark.skipif(not Path(ZENSICAL).is_file(), reason="zensical is not installed (make install adds it)")
def test_zensical_builds_the_generated_tree(tmp_path):
    stats = prepare(ROOT / "kb", tmp_path / "docs", as_of=dt.date(2026, 11, 30))
    assert stats.patterns > 0
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Recur on Zensical\ndocs_dir: docs\nsite_dir: out\nuse_directory_urls: false\n"
        "theme:\n  name: material\n"
        f"markdown_extensions: [{', '.join(EXTENSIONS)}]\n"
        f"extra_css: [{', '.join(ASSETS_CSS)}]\nextra_javascript: [{', '.join(ASSETS_JS)}]\n"
    )
    proc = subprocess.run([ZENSICAL, "build"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = tmp_path / "out/patterns/capacity/disk-full.html"
    html = page.read_text()
    assert "Filesystem out of free space" in html and "recur-runbook" in html
    pages = {p.stem for p in (tmp_path / "out/patterns").rglob("*.html")}
    shipped = {p.stem for p in (ROOT / "kb/patterns").rglob("*.md")}
    assert shipped <= pages
    assert (tmp_path / "out/board/index.html").is_file()
