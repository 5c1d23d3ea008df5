"""What the wheel says about itself, read as setuptools builds it (no wheel built: tests/test_wheel_e2e.py
builds and installs one)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _built_metadata(tree: Path) -> dict:
    """The METADATA setuptools writes for a wheel of ``tree`` (PEP 517's prepare_metadata hook, in a
    fresh interpreter, as pip runs it)."""
    out = tree / "meta"
    out.mkdir()
    code = "import sys; from setuptools import build_meta as b; print(b.prepare_metadata_for_build_wheel(sys.argv[1]))"
    proc = subprocess.run([sys.executable, "-c", code, str(out)], cwd=tree, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = proc.stdout.strip().splitlines()[-1]
    return dict(Parser().parsestr((out / info / "METADATA").read_text()).items())


def test_the_wheel_takes_its_version_from_recur_version(tmp_path):
    """Found in review: the version was written twice (pyproject.toml and recur/__init__.py); a wheel
    built with one bumped said `recur --version` 0.1.0 while pip showed 0.1.1, and `make constraints`
    wrote the stale one. A bump of recur.__version__ alone is the wheel's version."""
    from recur import __version__

    tree = tmp_path / "tree"
    (tree / "tools/recur").mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tree / name)
    source = (ROOT / "tools/recur/__init__.py").read_text()
    assert f'__version__ = "{__version__}"' in source
    (tree / "tools/recur/__init__.py").write_text(source)
    assert _built_metadata(tree)["Version"] == __version__
    bumped = __version__ + ".post7"
    (tree / "tools/recur/__init__.py").write_text(source.replace(f'"{__version__}"', f'"{bumped}"'))
    shutil.rmtree(tree / "meta")
    assert _built_metadata(tree)["Version"] == bumped
