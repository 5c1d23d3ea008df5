"""The checkout guard (tests/checkout_guard.py) run on a session of its own, pointed at a fake checkout: a test that
writes into it fails the session, naming the file, with pytest-xdist's workers as in a plain run; a test that writes
into its tmp_path, and Python's bytecode caches, do not."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent

WRITES = """
from pathlib import Path

def test_writes(tmp_path):
    (tmp_path / "ok.txt").write_text("mine")
    {write}

def test_other():
    pass
"""


@pytest.fixture
def checkout(tmp_path):
    """A git checkout as the repository's: a kb/ file committed, .recur/ ignored with an index in it."""
    repo = tmp_path / "checkout"
    (repo / "kb").mkdir(parents=True)
    (repo / "kb/a.md").write_text("# a\n")
    (repo / "tools").mkdir()
    (repo / "tools/x.py").write_text("y = 1\n")
    (repo / ".gitignore").write_text(".recur/\n__pycache__/\n")
    (repo / ".recur/index").mkdir(parents=True)
    (repo / ".recur/index/manifest.json").write_text('{"kb": "kb"}\n')
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start"], check=True)
    return repo


def _session(pytester, checkout: Path, write: str, *args: str):
    pytester.makeconftest(
        f"import sys\nfrom pathlib import Path\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from checkout_guard import CheckoutGuard\n\n"
        f"def pytest_configure(config):\n"
        f"    config.pluginmanager.register(CheckoutGuard(Path({str(checkout)!r})), 'checkout_guard')\n"
    )
    pytester.makepyfile(test_inner=WRITES.format(write=write))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


@pytest.mark.parametrize("workers", [(), ("-n", "2", "--dist", "loadfile")], ids=["plain", "xdist"])
def test_a_test_writing_the_checkouts_index_fails_the_session_naming_it(pytester, checkout, workers):
    write = f"Path({str(checkout)!r}, '.recur/index/manifest.json').write_text('{{\"kb\": \"/tmp/x/kb\"}}')"
    result = _session(pytester, checkout, write, *workers)
    assert result.ret == 1, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*checkout guard*", "*wrote into the checkout*", "*changed .recur/index/manifest.json"]
    )
    result.assert_outcomes(passed=2)  # the tests passed: the session failed on the guard alone


@pytest.mark.parametrize(
    ("write", "named"),
    [
        ("Path({repo!r}, 'feedback.jsonl').write_text('vote')", "made feedback.jsonl (git status: ??)"),
        ("Path({repo!r}, 'kb/a.md').write_text('# b')", "changed kb/a.md"),
        ("Path({repo!r}, 'kb/a.md').unlink()", "removed kb/a.md"),
        ("Path({repo!r}, 'tools/x.py').write_text('y = 2')", "changed tools/x.py (git status: M)"),
        ("Path({repo!r}, 'tools/x.py').unlink()", "removed tools/x.py (git status: D)"),
        ("Path({repo!r}, 'site').mkdir(); Path({repo!r}, 'site/index.html').write_text('')", "made site/index.html"),
    ],
    ids=["untracked", "kb-changed", "kb-removed", "tracked-changed", "tracked-removed", "site"],
)
def test_each_kind_of_write_into_the_checkout_is_named(pytester, checkout, write, named):
    result = _session(pytester, checkout, write.format(repo=str(checkout)))
    assert result.ret == 1, result.stdout.str()
    result.stdout.fnmatch_lines([f"*{named}*"])


@pytest.mark.parametrize("workers", [(), ("-n", "2", "--dist", "loadfile")], ids=["plain", "xdist"])
def test_no_alarm_for_a_session_writing_only_its_tmp_path_and_caches(pytester, checkout, workers):
    write = f"Path({str(checkout)!r}, 'kb/__pycache__').mkdir(); Path({str(checkout)!r}, 'kb/__pycache__/a.pyc').write_text('')"
    result = _session(pytester, checkout, write, *workers)
    assert result.ret == 0, result.stdout.str()
    assert "checkout guard" not in result.stdout.str()
