"""The checkout guard: a test session fails when its tests wrote into the repository's checkout.

A test that ran a command without ``--index`` (or ``--out``, ``--site``, ``--feedback``) from the checkout wrote
the command's default, ``.recur/index`` under the current folder: the repository's own index, which ``make test``
builds for the shipped kb/ (``make similar``, ``make eval``) and other tests read. It was found rebuilt for a test's
KB in /tmp (a flake's source), and nothing said so. The guard takes a picture of the checkout when the session
starts and again when it ends, and fails the run (exit status 1) naming every file that changed.

The picture: ``git status --porcelain --ignored`` (a file made, changed or removed anywhere, an ignored folder
made), and each file's size, modification time and digest under the folders a test could write unseen by it,
ignored ones (.recur/, site/, bench/out/, build/, dist/) and the KB (kb/, already changed in a working copy). Run
with pytest-xdist, the controller alone takes the pictures (its session spans every worker's); a plain run takes
them itself. ``tests/conftest.py`` points it at the repository; ``pytester`` tests at a folder of their own.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

# Folders whose every file is compared (git sees only that an ignored folder exists, not what changed in it).
WATCHED = (".recur", "site", "bench/out", "build", "dist", "kb")

# What a test run legitimately writes into the checkout, left out of the comparison (each checked in a run):
IGNORED_PARTS = (
    "__pycache__",  # Python's bytecode of the tests and the package, written on import
    ".pytest_cache",  # pytest's own cache (last failures, the xdist scheduling's durations)
    ".ruff_cache",  # tests/test_lint.py runs ruff on the checkout, which caches its results
    ".import_linter_cache",  # tests/test_lint.py runs lint-imports on the checkout, which caches its graph
)
# The browser model's ONNX export, a cache of the checkout by design (recur.site.bundle.CACHE, under the current
# folder): conftest.py's pytest_configure exports it there once, before the xdist workers start, so that the site
# builds of tests/test_browser_search.py and others share it instead of each exporting it (tens of seconds each).
IGNORED_PREFIXES = (".recur/browser-model",)


def _skipped(rel: str) -> bool:
    parts = rel.rstrip("/").split("/")
    return any(p in IGNORED_PARTS for p in parts) or any(rel == p or rel.startswith(p + "/") for p in IGNORED_PREFIXES)


def _git_status(root: Path) -> dict[str, str]:
    """``path -> status`` of git's porcelain output (ignored folders as ``!!``); {} outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=normal"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8", "surrogateescape")
    except (OSError, subprocess.CalledProcessError):
        return {}
    entries = iter(out.split("\0"))
    found = {}
    for entry in entries:
        if not entry:
            continue
        status, path = entry[:2], entry[3:]
        if status[0] in "RC":  # a rename's or copy's source follows as its own entry
            next(entries, None)
        if not _skipped(path):
            found[path] = status
    return found


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(root: Path) -> dict[str, tuple]:
    """``path -> (size, mtime_ns, digest)`` of every file under the watched folders (symbolic links: their target)."""
    found = {}
    for top in WATCHED:
        for folder, dirs, names in os.walk(root / top):
            dirs[:] = [d for d in dirs if d not in IGNORED_PARTS]
            for name in names:
                path = Path(folder) / name
                rel = path.relative_to(root).as_posix()
                if _skipped(rel):
                    continue
                try:
                    st = path.lstat()
                    found[rel] = (st.st_size, st.st_mtime_ns, os.readlink(path) if path.is_symlink() else _digest(path))
                except OSError:  # removed while read (a test's write under way): it differs at the end, or is gone
                    found[rel] = None
    return found


def snapshot(root: Path) -> dict:
    return {"git": _git_status(root), "files": _files(root)}


def changes(before: dict, after: dict) -> list[str]:
    """What differs, one line per path: ``made .recur/index/manifest.json``, ``changed kb/...``, ``removed ...``."""
    lines = []
    for kind in ("files", "git"):
        old, new = before[kind], after[kind]
        for path in sorted(old.keys() | new.keys()):
            if kind == "git" and (path.rstrip("/") in WATCHED or path.startswith(tuple(w + "/" for w in WATCHED))):
                continue  # the watched folders' files are compared one by one above (.recur/ made for the
                # browser model's cache alone is no change)
            if path not in old and kind == "git":  # a tracked file changed or removed, a file or ignored folder made
                verb = "removed" if "D" in new[path] else "made" if new[path] in ("??", "!!") else "changed"
                lines.append(f"{verb} {path} (git status: {new[path].strip()})")
            elif path not in old:
                lines.append(f"made {path}")
            elif path not in new:
                # an entry git no longer lists is a change committed or undone during the run (by its developer);
                # a tracked file a test removed is listed (" D"), above
                if kind == "files":
                    lines.append(f"removed {path}")
            elif old[path] != new[path]:
                lines.append(f"changed {path}")
    return list(dict.fromkeys(lines))


class CheckoutGuard:
    """A pytest plugin: ``config.pluginmanager.register(CheckoutGuard(root), "checkout_guard")``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.before: dict | None = None

    def pytest_sessionstart(self, session):
        if hasattr(session.config, "workerinput"):
            return  # an xdist worker: the controller's session holds every worker's
        self.before = snapshot(self.root)

    def pytest_sessionfinish(self, session, exitstatus):
        if self.before is None:
            return
        found = changes(self.before, snapshot(self.root))
        if not found:
            return
        shown = found[:30] + ([f"... and {len(found) - 30} more"] if len(found) > 30 else [])
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (
            f"the tests wrote into the checkout {self.root} (a command run without --index, --out, --site or "
            f"--feedback from it, or a test writing there); pass tmp_path paths. Changed:\n  " + "\n  ".join(shown)
        )
        if reporter is not None:
            reporter.line("")  # after the progress line, which ensure_newline() does not end
            reporter.write_sep("=", "checkout guard", red=True, bold=True)
            reporter.write_line(message)
        else:
            print(message)
        if session.exitstatus == 0:
            session.exitstatus = 1
