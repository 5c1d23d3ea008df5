"""What the wheel says about itself, read as setuptools builds it (no wheel built: tests/test_wheel_e2e.py
builds and installs one)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _built_metadata(tree: Path) -> dict:
    """The METADATA setuptools writes for a wheel of ``tree`` (PEP 517's prepare_metadata hook, in a
    fresh interpreter, as pip runs it): its fields, and its body (the long description) as ``body``."""
    out = tree / "meta"
    out.mkdir()
    code = "import sys; from setuptools import build_meta as b; print(b.prepare_metadata_for_build_wheel(sys.argv[1]))"
    proc = subprocess.run([sys.executable, "-c", code, str(out)], cwd=tree, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = proc.stdout.strip().splitlines()[-1]
    message = Parser().parsestr((out / info / "METADATA").read_text())
    return {**dict(message.items()), "body": message.get_payload()}


def _tree(tmp_path: Path) -> Path:
    """What the wheel's metadata is built from: pyproject.toml, its readme and licence, recur/__init__.py."""
    tree = tmp_path / "tree"
    (tree / "tools/recur").mkdir(parents=True)
    (tree / "docs").mkdir()
    for name in ("pyproject.toml", "docs/package.md", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tree / name)
    (tree / "tools/recur/__init__.py").write_text((ROOT / "tools/recur/__init__.py").read_text())
    return tree


@pytest.fixture(scope="module")
def metadata(tmp_path_factory) -> dict:
    """The checkout's wheel metadata, built once for the module's tests (each build is a fresh interpreter
    importing setuptools: 1-2 s); a test that changes the tree builds its own."""
    return _built_metadata(_tree(tmp_path_factory.mktemp("packaging")))


def test_the_wheel_takes_its_version_from_recur_version(metadata, tmp_path):
    """Found in review: the version was written twice (pyproject.toml and recur/__init__.py); a wheel
    built with one bumped said `recur --version` 0.1.0 while pip showed 0.1.1, and `make constraints`
    wrote the stale one. A bump of recur.__version__ alone is the wheel's version."""
    from recur import __version__

    tree = _tree(tmp_path)
    source = (ROOT / "tools/recur/__init__.py").read_text()
    assert f'__version__ = "{__version__}"' in source
    assert metadata["Version"] == __version__
    bumped = "9.8.7.post7"  # any other version: a development one takes no .post suffix
    (tree / "tools/recur/__init__.py").write_text(source.replace(f'"{__version__}"', f'"{bumped}"'))
    assert _built_metadata(tree)["Version"] == bumped


def test_the_wheels_long_description_has_no_link_the_wheel_cannot_follow(metadata):
    """Found in review: the long description was README.md, whose links to docs/cli.md, docs/team-kb.md ... (and
    CONTRIBUTING.md) lead nowhere on a package index page or in `pip show`'s reader: the wheel carries none of
    them. It is docs/package.md, which links to nothing relative and says where the documentation is."""
    meta = metadata
    body = meta["body"]
    assert meta["Description-Content-Type"] == "text/markdown" and body.startswith("# Recur"), body[:200]
    targets = re.findall(r"\]\(([^)\s]+)", body) + re.findall(r"^\[[^\]]+\]:\s*(\S+)", body, re.M)
    relative = [t for t in targets if not re.match(r"(https?:|mailto:|#)", t)]
    assert relative == [], relative
    assert "recur --help" in body and "recur kb-format" in body and "`docs/` folder" in body, body
