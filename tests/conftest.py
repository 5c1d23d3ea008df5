import atexit
import collections
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser import chromium, page  # noqa: E402,F401  one Chromium per session, shared by every module; a page of it
from checkout_guard import CheckoutGuard  # noqa: E402
from closure_once import closure_once  # noqa: E402
from kbfactory import small_kb  # noqa: E402

from recur import config  # noqa: E402

# `recur site` writes the browser search bundle by default (a model export and ~24 MB per site): the
# tests that build sites for other reasons leave it out; tests/test_browser_search.py asks for it.
os.environ.setdefault("RECUR_BROWSER_SEARCH", "off")
# model folder ids are cached under ~/.cache/recur by default: the tests' folders go elsewhere, into a
# folder removed when the session ends (it holds ONNX exports: it was left behind, ~260 MB a run)
_OWN_CACHE = None
if not os.environ.get("RECUR_CACHE"):
    os.environ["RECUR_CACHE"] = _OWN_CACHE = tempfile.mkdtemp(prefix="recur-test-cache-")
    atexit.register(shutil.rmtree, os.environ["RECUR_CACHE"], ignore_errors=True)

# a RECUR_ variable of the shell running the tests that is no setting (a typo, an old name) is warned of by
# every command on stderr, which tests compare line for line: dropped here, for in-process runs and the
# subprocesses that inherit os.environ alike
for _name, _ in config.unknown_variables():
    del os.environ[_name]

# The tests' own requests to the servers they start here: httpx's default timeout (5 s for each connect and
# read) was a time limit on the server under test, met by a 2-core machine shared with other runs (a 10x
# slower machine). A bound on waiting for an answer, generous; a test of a timeout passes its own.
for _call in (httpx.get, httpx.post, httpx.head, httpx.put, httpx.delete, httpx.options, httpx.patch, httpx.request):
    _call.__kwdefaults__["timeout"] = httpx.Timeout(60)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def browser_runtime():
    """The vendored browser runtime's folder (porter2.mjs, onnxruntime-web: `make install` copies it from npm;
    git-ignored, so a bare `git worktree` has none). A test that needs it failed there with an error of its own
    (a missing porter2.mjs, a site note not seen); it fails with bundle.runtime_missing()'s one message now,
    naming the folder and `make install`. Not a skip: `make test` installs it, and a skip in CI would hide a
    broken install."""
    from recur.site import bundle

    reason = bundle.runtime_missing()
    if reason:
        pytest.fail(reason, pytrace=False)
    return bundle.VENDOR


@pytest.fixture
def printed_logs():
    """What the library logs while it works (an index built, a wait, a warning) printed on stderr as `recur`'s
    commands print it (cli/logs.py), for a test of what a command says that calls the library itself."""
    from recur.cli.logs import printing_library_logs

    with printing_library_logs():
        yield


@pytest.fixture
def kb_dir(tmp_path):
    """A small valid KB in tmp_path."""
    return small_kb(tmp_path / "kb")


@pytest.fixture
def fresh_kb(kb_dir):
    """The small KB without its incidents (their reviews are long overdue): a new team's, where only what a
    test imports or records is reported."""
    for path in (kb_dir / "incidents").rglob("*.md"):
        path.unlink()
    return kb_dir


@pytest.fixture
def run(kb_dir, tmp_path, monkeypatch):
    """`recur ARGS` in-process on the small KB (kb_dir), the fake encoder and an index in tmp_path:
    run("suggest", "--json", "-", input=text) -> click's Result (stdout and stderr apart)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    monkeypatch.setenv("RECUR_KB", str(kb_dir))
    monkeypatch.setenv("RECUR_INDEX", str(tmp_path / "index"))
    return lambda *args, input=None: CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def some_day():
    """``some_day(check)``: whether ``check(day)`` holds for a day (ISO text) the real clock has shown since
    the test began: today, or also the day before for a test that ran across midnight. What a command
    writes for "today" (a done: day, an import's date) was compared with dt.date.today() read after the
    command: a run crossing midnight between the two failed (the record said one day, the test the next)."""
    first = dt.date.today()

    def check(holds) -> bool:
        days = [first + dt.timedelta(days=n) for n in range((dt.date.today() - first).days + 1)]
        return any(holds(day.isoformat()) for day in days)

    return check


@pytest.fixture(scope="session", autouse=True)
def _closure_once():
    """recur's dependency closure read once per worker for every in-process `recur init` (about 30 across
    test_init*, test_site_*, test_wheel_e2e, ...), not 1.5-4 s each (closure_once.py); subprocess inits read their own."""
    with closure_once():
        yield


@pytest.fixture(scope="session")
def real_encoder():
    """The bundled all-MiniLM-L6-v2, loaded once per test session."""
    from recur.retrieval import embed

    return embed.load_encoder(embed.DEFAULT)


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory, real_encoder):
    """The shipped KB indexed with the real model, once per session."""
    from recur.kb.loader import load_kb
    from recur.retrieval.engine import Engine
    from recur.retrieval.index import build

    idx = tmp_path_factory.mktemp("real") / "index"
    _seed_index(idx, real_encoder)
    build(load_kb(ROOT / "kb"), idx, real_encoder, progress=False)
    return Engine(ROOT / "kb", idx, "default")


def _seed_index(idx: Path, encoder) -> None:
    """The checkout's own index of kb/ (.recur/index: `make eval` and `make similar`, run just before the tests in
    `make test`, build it) copied to ``idx``, so that real_engine's build reuses its vectors of the patterns whose
    content is unchanged (index.build is incremental: by content hash and model id) instead of embedding the whole
    KB again in each worker (30-100 s each). Copied only when the real model of this very encoder built it, in
    the same precision; a pattern changed since is embedded anew by the build, as `recur index` would. Read, never
    written: the checkout guard watches it."""
    theirs = ROOT / ".recur" / "index"
    try:
        manifest = json.loads((theirs / "manifest.json").read_text())
    except (OSError, ValueError):
        return
    if not isinstance(manifest, dict) or manifest.get("model") != encoder.model_id:
        return
    if manifest.get("precision", "fp32") != getattr(encoder, "precision", "fp32"):
        return
    try:
        shutil.copytree(theirs, idx)
    except OSError:  # a copy cut short is only a cache: the build embeds what it cannot reuse
        shutil.rmtree(idx, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    """The files holding the long kinds of test (the real model, Chromium, a wheel build, the soak) run
    first, then the others by how many tests they hold, most first. `make test` hands whole files to its
    pytest-xdist workers in this order (pytest_configure turns xdist's own reordering off), and the run
    ended with one worker alone on test_tune_*/test_wheel_e2e (alphabetically last) while the other
    idled. A stable sort: each file's tests stay together and in their order."""
    kinds = ("model", "browser", "slow", "soak")
    heavy = {item.path for item in items if any(item.get_closest_marker(k) for k in kinds)}
    count = collections.Counter(item.path for item in items)
    items.sort(key=lambda item: (item.path not in heavy, -count[item.path] if item.path not in heavy else 0))


# The real model's exports (the server's ONNX one in RECUR_CACHE, new each session; the browser's in the
# checkout's .recur/browser-model), made once by the controller before parallel workers start. A worker that
# found another's export under way waits for it and says so on stderr ("waiting for another process's
# export …"), and CliRunner mixes stderr into the output that tests compare or read as JSON.
PRE_EXPORT = (
    "import sys\nfrom recur.retrieval import embed, onnx_encoder\nfrom recur.site import bundle\n"
    "spec = embed.resolve(embed.DEFAULT)\nonnx_encoder.cached(spec) or onnx_encoder.export(spec)\n"
    "if not bundle.runtime_missing():\n    bundle.export_model(spec)\n"
)


def _seed_base_export() -> None:
    """The base model's ONNX export copied into the session's own RECUR_CACHE (above) from the user's cache,
    where `recur` made one (CI's `make eval` and `make similar`, run just before the tests, make it): exporting
    it again took 25-40 s, before any test ran. Copied only when it is the export of this very model (its
    info.json names the model id, which carries the model's fingerprint) in this code's FORMAT, as
    onnx_encoder.cached() checks any cache; else each session exports its own, as before. The tests of the
    export itself use caches of their own."""
    from recur.retrieval import embed, onnx_encoder

    if os.environ.get("RECUR_CACHE") != _OWN_CACHE:
        return  # the caller's RECUR_CACHE: theirs to fill
    spec = embed.resolve(embed.DEFAULT)
    if spec.path is None or onnx_encoder.cached(spec):
        return
    mine = onnx_encoder.cache_folder(spec)
    theirs = Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "recur" / "onnx" / mine.name
    try:
        info = json.loads((theirs / "info.json").read_text())
    except (OSError, ValueError):
        return
    if not isinstance(info, dict) or info.get("model_id") != spec.model_id or info.get("format") != onnx_encoder.FORMAT:
        return
    if "unsupported" in info:
        return  # a verdict, not an export: this session finds its own
    try:
        shutil.copytree(theirs, mine.parent / f".{mine.name}.seed")
        (mine.parent / f".{mine.name}.seed").rename(mine)
    except OSError:
        shutil.rmtree(mine.parent / f".{mine.name}.seed", ignore_errors=True)


def pytest_configure(config):
    # the session fails when a test wrote into the checkout (tests/checkout_guard.py)
    config.pluginmanager.register(CheckoutGuard(ROOT), "checkout_guard")
    if hasattr(config, "workerinput"):
        return  # a worker: the controller has seeded and exported
    # --dist loadfile re-sorted the files by how many tests each holds (xdist's --loadscope-reorder, on by
    # default), undoing pytest_collection_modifyitems' heavy files first: test_soak (1 test), test_wheel_e2e (6),
    # the tune files (10, 14) were scheduled among the last, each a minute or more on one worker
    if getattr(config.option, "loadscopereorder", None):
        config.option.loadscopereorder = False
    _seed_base_export()
    if not config.getoption("numprocesses", None):
        return  # no parallel workers: nothing to wait for
    import subprocess

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent / "tools"))
    # best effort: a run without the model (or the runtime) exports nothing here; its tests say why
    subprocess.run([sys.executable, "-c", PRE_EXPORT], env=env, capture_output=True, check=False)
