"""The built site (real mkdocs-material): `recur site`, `mkdocs build --strict`, links, search, atomic swap."""

from __future__ import annotations

import contextlib
import html.parser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from site_helpers import AS_OF, crawl, recur_site, site_kb

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).with_name("mkdocs")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site_kb built once with `recur site` (strict) into a fresh folder."""
    tmp = tmp_path_factory.mktemp("site")
    kb = site_kb(tmp / "kb")
    out = tmp / "out"
    result = recur_site(kb, out, "--strict", "--edit-url", "https://git.example.com/e/kb")
    assert result.exit_code == 0, result.output
    assert "Built" in result.output and "pages from 4 patterns, 4 incidents, 2 paths" in result.output
    return kb, out


def test_every_page_is_built(built):
    _, out = built
    for rel in (
        "index.html",
        "suggest.html",
        "patterns/capacity/disk-full.html",
        "patterns/by-tag.html",
        "incidents/index.html",
        "incidents/2026/INC-2026-0003.html",
        "paths/storage-basics.html",
        "board/index.html",
        "board/trends.html",
        "board/board.json",
        "patterns/retired.json",  # the box's word ranking leaves these pages out
        "assets/recur.js",
        "assets/recur.css",
        "assets/recur-query.js",
        "assets/recur-suggest.js",
        "assets/recur-suggest.css",
        "search/search_index.json",
        ".recur-site",
    ):
        assert (out / rel).is_file(), rel


def test_no_broken_internal_links(built):
    checked, broken = crawl(built[1])
    assert checked > 300 and broken == []


def test_nothing_is_fetched_from_another_host(built):
    for page in built[1].rglob("*.html"):
        text = page.read_text()
        assert "recur-slot" not in text and "recur:html" not in text, page  # every lifted block is back
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text and "cdn." not in text, page


def test_only_index_pages_are_in_the_navigation(built):
    html = (built[1] / "patterns/capacity/disk-full.html").read_text()
    assert "Describe what you see" in html and "Problem board" in html and "Onboarding" in html
    assert "dns-failure" not in html and "old-retired" not in html  # unrelated patterns are not in the nav


def test_a_retired_pattern_page_links_its_successor(built):
    """mkdocs --strict builds the note "Retired: superseded by ..." as a link to the successor's page."""
    html = (built[1] / "patterns/deploys/old-retired.html").read_text()
    assert 'Retired: superseded by <a href="../network/dns-failure.html">DNS resolution failure</a>' in html


def test_edit_link_points_at_the_kb_file(built):
    html = (built[1] / "patterns/capacity/disk-full.html").read_text()
    assert 'href="https://git.example.com/e/kb/patterns/capacity/disk-full.md"' in html


def test_search_finds_alert_names_and_error_strings(built):
    index = json.loads((built[1] / "search/search_index.json").read_text())
    sep = index["config"]["separator"]
    import re

    docs = [d for d in index["docs"] if d["location"].startswith("patterns/capacity/disk-full.html")]
    tokens = {t.lower() for d in docs for t in re.split(sep, d["text"] + " " + d["title"]) if t}
    assert {"enospc", "kubepodcrashlooping"} <= tokens
    # the list pages are in the index by their title and intro only (test_the_site_search_finds_the_list_pages...)
    lists = ("patterns/index.html", "patterns/by-", "board/", "index.html", "suggest.html", "model.html", "paths/index")
    assert not any(d["location"].startswith(lists) and "Disk full on a host" in d["text"] for d in index["docs"])
    # the header card's words are in the page's own entry (test_the_site_search_finds_a_pattern_by_its_card)
    assert [d["location"] for d in docs if "team-storage" in d["text"]] == ["patterns/capacity/disk-full.html"]


def _search_finder(site: Path):
    """``found(query)``: the locations in the built site's search index whose title and text hold every word
    of ``query`` (cut as the site search cuts them, by its separator)."""
    index = json.loads((site / "search/search_index.json").read_text())
    sep = re.compile(index["config"]["separator"])
    docs = {d["location"]: d for d in index["docs"]}

    def found(query: str) -> set:
        words = set(query.lower().split())
        return {
            loc
            for loc, d in docs.items()
            if words <= {t.lower() for t in sep.split(re.sub("<[^>]+>", " ", d["title"] + " " + d["text"])) if t}
        }

    return index, docs, found


def test_the_site_search_finds_a_pattern_by_its_card(built):
    """A pattern page's header card (severity, category, services, tags, owner, fix tickets) is a pre-rendered
    block lifted past the search plugin, so a new hire searching a service name, "sev1" or a tag found no
    pattern. Its words are in the page's own search entry now, and the page holds no hidden copy of them."""
    _, docs, found = _search_finder(built[1])
    page = "patterns/capacity/disk-full.html"
    for query in ("postgres main", "checkout storage", "team storage", "prb 7", "capacity", "in progress"):
        assert page in found(query), query
    assert {page, "patterns/network/dns-failure.html"} <= found("sev2")
    top = docs[page]["text"]
    assert top.startswith("Severity: sev2") and "Services: checkout, postgres-main. Tags: disk, storage." in top
    assert docs[page]["title"] == "Disk full on a host" and docs[page]["boost"] == 3  # the pattern's weight kept
    html = (built[1] / page).read_text()
    assert "Services: checkout" not in html and "recur_card" not in html
    assert 'class="recur-card"' in html and "<dt>Services</dt>" in html  # the card is shown as before


def test_the_site_search_finds_the_list_pages_by_their_title_and_intro_not_their_lists(built):
    """Every list page was out of the site search (``search: exclude``, to keep their lists of pattern titles
    from crowding out the patterns), so "problem board", "retrieval model" or "severity" found nothing (found in
    a new hire's review). Their title and intro are indexed now; their lists, headings included, are not."""
    index, docs, found = _search_finder(built[1])

    assert "board/index.html" in found("problem board") and "board/trends.html" in found("trends incidents")
    assert "model.html" in found("retrieval model")
    assert {"patterns/by-severity.html", "patterns/by-severity.html#levels"} <= found("severity")
    assert "suggest.html" in found("describe what you see") and "index.html" in found("describe own words")
    assert {"patterns/index.html", "patterns/by-service.html", "patterns/by-tag.html"} <= found("patterns")
    assert "paths/index.html" in found("onboarding paths")
    assert "incidents/index.html" in found("incidents") and "incidents/index.html" in found("needs analysis")
    pages = (
        "board/",
        "patterns/index.html",
        "patterns/by-",
        "index.html",
        "suggest.html",
        "model.html",
        "paths/index",
        "incidents/index",
    )
    listed = {loc for loc in docs if loc.startswith(pages) and not loc.startswith("model.html#")}
    # one entry a page (by-severity: its severity levels too), none for the sections that list patterns,
    # incidents, fixes or reviews
    assert listed == {
        "board/index.html",
        "board/trends.html",
        "patterns/index.html",
        "patterns/by-service.html",
        "patterns/by-tag.html",
        "patterns/by-severity.html",
        "patterns/by-severity.html#levels",
        "index.html",
        "suggest.html",
        "model.html",
        "paths/index.html",
        "incidents/index.html",  # its year sections, which list the incidents, are not in the index
    }
    assert not any("Disk full on a host" in docs[loc]["text"] or "checkout" in docs[loc]["text"] for loc in listed)
    assert "Checkout logs filled the disk" not in docs["incidents/index.html"]["text"]


def test_an_incident_page_is_one_search_entry_found_by_its_title_and_summary(built):
    """Each section of an incident page was its own entry in the site search: at 2,000 patterns 13,573 entries,
    4.5 of search_index.json's 11.6 MB, which the header search rebuilds its index from on every page it opens.
    An incident is one entry now, its title and summary; its timeline and follow-ups are not searched."""
    _, docs, found = _search_finder(built[1])
    page = "incidents/2026/INC-2026-0003.html"
    incidents = [loc for loc in docs if re.match(r"incidents/\d+/", loc)]  # the incidents' pages
    assert page in incidents and len(incidents) == 4 and not any("#" in loc for loc in incidents)
    assert docs[page]["title"] == "INC-2026-0003: Checkout logs filled the disk"
    assert page in found("checkout logs filled") and page in found("debug logging left on")  # title, summary
    assert page in found("inc 2026 0003") and "incidents/2025/INC-2025-0009.html" in found("first time filled")
    assert page not in found("alert silent") and page not in found("rotation")  # the timeline, a follow-up
    assert docs["patterns/capacity/disk-full.html"]["boost"] == 3  # pattern pages keep their sections and weight
    assert any(loc.startswith("patterns/capacity/disk-full.html#") for loc in docs)


def test_the_404_page_links_from_the_site_url_and_without_one_a_note_says_so(tmp_path, monkeypatch):
    """mkdocs roots the 404 page (served at whatever URL was missing, so no relative link works) at
    site_url's path, "/" without one: on a static host under a sub-path it loaded no CSS and its links
    were dead. `recur site --site-url` (env RECUR_SITE_URL) passes it on; without any, a note says so."""
    from kbfactory import small_kb

    monkeypatch.delenv("RECUR_SITE_URL", raising=False)
    kb = small_kb(tmp_path / "kb")
    args = ["site", "--kb", str(kb), "--index", str(tmp_path / "x"), "--no-browser-search", "--out"]
    plain = CliRunner().invoke(cli, [*args, str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    assert "note: no site URL (--site-url, env RECUR_SITE_URL, or site_url in mkdocs.yml)" in plain.stderr
    assert 'href="/assets/' in (tmp_path / "plain/404.html").read_text()
    sub = CliRunner().invoke(cli, [*args, str(tmp_path / "sub"), "--site-url", "https://kb.example.com/recur"])
    assert sub.exit_code == 0, sub.output
    assert "no site URL" not in sub.stderr
    from recur.kb.site_record import read_site_record

    # the marker keeps it, for recur serve's Slack links and runbook links (below, test_serve_cli.py)
    assert read_site_record(tmp_path / "sub").site_url.rstrip("/") == "https://kb.example.com/recur"
    assert read_site_record(tmp_path / "plain").site_url is None
    page = (tmp_path / "sub/404.html").read_text()
    assert 'href="/recur/assets/' in page and 'href="/assets/' not in page and 'href="/index.html"' not in page
    assert 'href="/recur/index.html"' in page  # the header's home link
    # the other pages link relatively, as before; they gain a canonical link, and the sitemap its URLs
    assert (
        '<link rel="canonical" href="https://kb.example.com/recur/patterns/capacity/disk-full.html">'
        in (tmp_path / "sub/patterns/capacity/disk-full.html").read_text()
    )
    env = CliRunner().invoke(cli, [*args, str(tmp_path / "env"), "-q"], env={"RECUR_SITE_URL": "https://h.example/kb/"})
    assert env.exit_code == 0 and 'href="/kb/assets/' in (tmp_path / "env/404.html").read_text()
    bad = CliRunner().invoke(cli, [*args, str(tmp_path / "bad"), "--site-url", "/recur/"])
    assert bad.exit_code == 2 and "must be an http:// or https:// URL" in bad.output


def test_rebuild_swaps_atomically_and_refuses_foreign_folders(built, tmp_path):
    """The rebuild swaps the new site in whole. And a `recur site` killed by SIGKILL (or a power loss) cannot
    clean up: its build folder, named by its process id, is removed by the next build; a live build's folder
    is left alone (one rebuild checks both: a site build each was the test's whole cost)."""
    kb, _ = built
    out = tmp_path / "site"
    runner = CliRunner()
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "-q", "--index", str(tmp_path / "x")]
    shutil.copytree(built[1], out)  # a site `recur site` built (the module's), rebuilt below
    (out / "stale.html").write_text("old")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = out.with_name(f"site.tmp-{int(gone.stdout)}")
    live = out.with_name(f"site.tmp-{os.getppid()}")  # this test's parent: alive
    for folder in (dead, live):
        (folder / "site").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("half a site")
    assert runner.invoke(cli, args).exit_code == 0
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert not dead.exists() and live.is_dir()  # the killed build's folder removed, the live one's left
    leftover = [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or ".tmp-" in p.name]
    assert leftover == [live.name]  # no temp folders left but the live build's
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    result = runner.invoke(cli, ["site", "--kb", str(kb), "--out", str(foreign)])
    assert result.exit_code == 1 and "refusing to replace it" in result.output
    assert (foreign / "mine.txt").read_text() == "keep"


def test_failed_build_keeps_the_previous_site(built, tmp_path):
    kb, _ = built
    out = tmp_path / "site"
    runner = CliRunner()
    shutil.copytree(built[1], out)  # a site `recur site` built (the module's): no build of its own to pay
    before = (out / "index.html").read_text()
    bad = tmp_path / "bad.yml"
    bad.write_text((ROOT / "mkdocs.yml").read_text().replace("name: material", "name: no-such-theme"))
    result = runner.invoke(cli, ["site", "--kb", str(kb), "--out", str(out), "--config", str(bad)])
    assert result.exit_code == 1 and result.output.startswith("Error:") and "Traceback" not in result.output
    assert (out / "index.html").read_text() == before


def test_a_full_disk_names_the_site_and_keeps_the_previous_one(built, tmp_path):
    """A disk that fills while the site is built (here RLIMIT_FSIZE: a real write refused, EFBIG, as a full
    disk refuses with ENOSPC) was said as the mkdocs-material asset being copied, a file in the
    virtualenv, which sent the operator to the wrong disk (found in a crash review on a 8 MB tmpfs)."""
    import resource

    kb, _ = built
    out = tmp_path / "site"
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "-q", "--index", str(tmp_path / "x")]
    args += ["--no-browser-search"]
    shutil.copytree(built[1], out)  # a site `recur site` built (the module's): no build of its own to pay
    before = (out / "index.html").read_text()

    def small_files():  # SIGXFSZ ignored: the write fails with EFBIG instead of killing the process
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    proc = subprocess.run(
        [sys.executable, "-m", "recur", *args], env=env, capture_output=True, text=True, preexec_fn=small_files
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"Error: {out}: cannot write the site there: File too large"), proc.stderr
    assert (out / "index.html").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


COPY_ON_A_FULL_DISK = """
import resource, shutil, signal, sys
import click
from recur.cli.main import LazyGroup

@click.group(cls=LazyGroup)
def recur():
    pass

@recur.command()
def copy():
    shutil.copyfile(sys.argv[1], sys.argv[2])  # as the browser bundle copies the model and the runtime

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
recur(["copy"])
"""


def test_a_copy_on_a_full_disk_names_the_file_written_not_the_one_read(tmp_path):
    """The browser bundle (model, runtime) is copied into the site with shutil, whose error on a full disk
    names the file it read first: `recur site` said `Error: .recur/browser-model/.../model.onnx...gz: No space
    left on device`, a cache on another disk, or a file in the virtualenv. The CLI names the file written."""
    src, dst = tmp_path / "model.bin", tmp_path / "out" / "model.bin"
    src.write_bytes(os.urandom(300_000))
    dst.parent.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    cmd = [sys.executable, "-c", COPY_ON_A_FULL_DISK, str(src), str(dst)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr == f"Error: {dst}: File too large\n", proc.stderr


def test_missing_kb_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["site", "--kb", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "knowledge base folder not found" in result.output


def test_mkdocs_build_strict_from_the_repo_root(built, tmp_path):
    """`mkdocs build --strict` (the hook generates the pages) for another KB selected by RECUR_KB."""
    kb, _ = built
    env = {
        **os.environ,
        "RECUR_KB": str(kb),
        "RECUR_AS_OF": AS_OF,
        "RECUR_INDEX": str(tmp_path / "none"),
        "RECUR_SITE_SRC": str(tmp_path / "src"),  # not a .recur/site-src-<hash> left in the checkout
        "NO_MKDOCS_2_WARNING": "1",
    }
    proc = subprocess.run(
        # not -q: mkdocs -q drops its warnings before --strict counts them (a warning then passed)
        [str(MKDOCS), "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out/patterns/capacity/disk-full.html").is_file()
    assert (tmp_path / "out/incidents/2026/INC-2026-0003.html").is_file()
    assert crawl(tmp_path / "out")[1] == []
    assert_records_its_kb_files(tmp_path / "out", kb)


def assert_records_its_kb_files(site, kb) -> None:
    """The site's marker records the KB files it was built from as an index's manifest does
    (recur serve compares the two: /healthz site_stale), and when."""
    from recur.kb.loader import content_digest, files_signature
    from recur.kb.site_record import read_site_record, signature_digest

    record = read_site_record(site)
    assert record is not None and record.kb_files == signature_digest(files_signature(kb)), record
    assert record.kb_content == content_digest(Path(kb), files_signature(kb)), record  # what the index records
    assert record.built and record.built.endswith("+00:00")


def test_help_does_not_import_mkdocs():
    code = (
        "import sys; from click.testing import CliRunner; from recur.cli.main import cli; "
        "r = CliRunner().invoke(cli, ['site', '--help']); assert r.exit_code == 0, r.output; "
        "assert 'mkdocs' not in sys.modules, 'mkdocs imported'; print(r.output)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "--out" in proc.stdout and "--kb" in proc.stdout and "--edit-url" in proc.stdout


@contextlib.contextmanager
def _mkdocs_serve(cwd, env):
    """`mkdocs serve` on a free port in ``cwd``: (process, base URL); stopped afterwards."""
    # mkdocs serve says no port it took itself (-a 127.0.0.1:0 logs port 0): a port is found free and closed
    # first, and another test worker (or a client connection) can take it during mkdocs' first build. It then
    # ends on "Address already in use", and the test's requests had gone to the other worker's server: it is
    # started again on another port. Ready once it logs "Serving on", after binding the port.
    for _ in range(5):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen(
            [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=cwd,
            env={**env, "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        said = []
        for line in proc.stderr:
            said.append(line)
            if "Serving on http" in line:
                break
        if said and "Serving on http" in said[-1]:
            break
        proc.wait()  # it ended before serving
        assert "Address already in use" in "".join(said), "mkdocs serve did not start:\n" + "".join(said)
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C: mkdocs serve then removes its temporary site folder
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _page_shows(proc, url: str, text: str) -> bool:
    """Whether ``url`` shows ``text`` within 300 s, a bound on a hang: a rebuild by mkdocs on a machine 10x slower
    (False as soon as the server has exited)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if text in urllib.request.urlopen(url, timeout=60).read().decode():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_mkdocs_serve_rebuilds_when_the_kb_changes(built, tmp_path):
    """Live reload for authors: `mkdocs serve` watches the KB (not the generated tree)."""
    kb = tmp_path / "kb"
    shutil.copytree(built[0], kb)
    env = {
        **os.environ,
        "RECUR_KB": str(kb),
        "RECUR_AS_OF": AS_OF,
        "RECUR_SITE_SRC": str(tmp_path / "src"),
        "RECUR_INDEX": str(tmp_path / "none"),
    }
    with _mkdocs_serve(ROOT, env) as (proc, base):
        url = f"{base}/patterns/capacity/disk-full.html"
        assert _page_shows(proc, url, "A filesystem runs out of bytes")
        page = kb / "patterns/capacity/disk-full.md"
        page.write_text(page.read_text().replace("A filesystem runs out of bytes", "A volume fills to the brim"))
        assert _page_shows(proc, url, "A volume fills to the brim")


def test_mkdocs_serve_in_a_team_repository_rebuilds_on_its_own_pages_and_the_kb(tmp_path):
    """A repository from `recur init` has no site_config/ (the demo's folder): `mkdocs serve` there
    starts, and rebuilds when one of the team's own pages in docs/ or a KB file changes."""
    from recur.kb.init import init_repository

    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    shutil.copytree(site_kb(tmp_path / "kb"), repo / "kb", dirs_exist_ok=True)
    (repo / "docs/oncall.md").write_text("# On-call\n\nPage the storage team.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUR_")}
    env.update(RECUR_AS_OF=AS_OF)
    with _mkdocs_serve(repo, env) as (proc, base):
        shown = _page_shows(proc, f"{base}/oncall.html", "Page the storage team")
        assert shown, proc.stderr.read() if proc.poll() is not None else ""
        (repo / "docs/oncall.md").write_text("# On-call\n\nPage the database team.\n")
        assert _page_shows(proc, f"{base}/oncall.html", "Page the database team")
        page = repo / "kb/patterns/capacity/disk-full.md"
        page.write_text(page.read_text().replace("A filesystem runs out of bytes", "A volume fills to the brim"))
        assert _page_shows(proc, f"{base}/patterns/capacity/disk-full.html", "A volume fills to the brim")


def test_pattern_pages_show_look_alikes_from_a_fresh_index(built, tmp_path):
    """With a fresh index (here built with the deterministic fake encoder), pattern pages list look-alikes:
    the fake encoder's neighbours are far (under lookalikes.FLOOR), so here an incident matched both."""
    from kbfactory import write

    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import build

    kb = tmp_path / "kb"
    shutil.copytree(built[0], kb)
    write(
        kb,
        "incidents/2026/INC-2026-0040.md",
        "---\nid: INC-2026-0040\ntitle: Pool and disk\ndate: 2026-04-21\nseverity: sev3\n"
        "patterns: [disk-full, db-pool-exhausted]\n---\n\n## Summary\nThe disk filled and the pool hung.\n",
    )
    index = tmp_path / "index"
    build(load_kb(kb), index, embed.load_encoder("fake:64"), progress=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["site", "--kb", str(kb), "--out", str(out), "--index", str(index), "-q"])
    assert result.exit_code == 0, result.output
    html = (out / "patterns/capacity/disk-full.html").read_text()
    assert "Look-alikes</strong>" in html
    import re

    assert re.search(
        r"Look-alikes</strong>.*similarity -?[0-9.]+, 1 incident matched both\): <code>df</code> shows 100% "
        r"on the data volume",
        html,
        re.S,
    )
    assert "incident(s)" not in html  # said as a count is read (recur.util.text.plural)
    assert crawl(out)[1] == []


def test_kb_errors_warn_and_strict_fails(built, tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(built[0], kb)
    (kb / "patterns/capacity/broken.md").write_text("---\nid: broken\ntitle: x\n---\n")
    out = tmp_path / "out"
    runner = CliRunner()
    ok = runner.invoke(cli, ["site", "--kb", str(kb), "--out", str(out), "--index", str(tmp_path / "x")])
    assert ok.exit_code == 0 and "warning: recur: " in ok.output and "broken.md:1: category" in ok.output
    assert (out / "patterns/capacity/disk-full.html").is_file() and not (out / "patterns/capacity/broken.html").exists()
    strict = runner.invoke(
        cli, ["site", "--kb", str(kb), "--out", str(out), "--strict", "--index", str(tmp_path / "x")]
    )
    assert strict.exit_code == 1 and strict.output.startswith("Error: site not built (--strict)")
    assert (out / "patterns/capacity/disk-full.html").is_file()  # the previous site is kept


def test_default_config_quotes_the_folder_name(tmp_path, monkeypatch):
    """Without a mkdocs.yml the site is named after the KB's parent folder: a name YAML would read
    as a list, a comment or a mapping is quoted."""
    from kbfactory import small_kb

    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: Recur's default config
    kb = small_kb(tmp_path / "[ops] #1: team" / "kb")
    r = CliRunner().invoke(
        cli, ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--index", str(tmp_path / "no-index")]
    )
    assert r.exit_code == 0, r.output
    assert "[ops] #1: team</title>" in (tmp_path / "out" / "index.html").read_text()


class _Active(html.parser.HTMLParser):
    """What in a built page could run script: event-handler attributes, script/javascript:/data: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()  # the parser has decoded entities
            if name.startswith("on") or (name in ("href", "src", "action") and url.startswith(UNSAFE)):
                self.found.append(f"<{tag} {name}={value!r}>")


UNSAFE = ("javascript:", "vbscript:", "data:")


def _active_html(out) -> list:
    """Every event handler or script URL in the built site's pages, as 'page: <tag attr=...>'."""
    found = []
    for page in out.rglob("*.html"):
        parser = _Active()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(out)}: {x}" for x in parser.found]
    return found


def test_hostile_kb_text_is_inert_on_a_static_host(tmp_path):
    """A static host has no Content-Security-Policy: KB text must not become links, attributes or
    raw HTML in the page, whatever Markdown makes of it (titles, symptoms, tags, summaries, an
    evidence section whose fence is indented into an admonition)."""
    from kbfactory import pattern_text, small_kb, write

    kb = small_kb(tmp_path / "kb")
    text = pattern_text(
        "disk-full",
        title='Disk [t](javascript:alert(1)) full {: onclick="alert(2)" }',
        symptoms=("writes fail [s](javascript:alert(3))", 'up {: onmouseover="alert(4)" }', "code `a<b & c`"),
        extra_front='tags: ["[tg](javascript:alert(5))"]\nservices: ["svc {: onclick=alert(6) }"]',
        summary="SUMMARY",
        runbook=('step {: onclick="alert(11)" }',),
        evidence=None,
        root_cause="ROOT CAUSE",
    )  # fmt: skip
    # as an author might write them by hand (the writer would close the fence and demote the heading)
    text = text.replace("SUMMARY", "A [r][1] and [e](java&#115;cript:alert(8)).\n\n[1]: javascript:alert(7)\n\n"
        "```\n<img src=x onerror=alert(9)>\n~~~\n\n`[x](javascript:alert(10))``")  # fmt: skip
    text = text.replace("ROOT CAUSE", "Why.\n\n## Evidence to preserve\n\n```\n<img src=x onerror=alert(12)>\n```\n")
    write(kb, "patterns/capacity/disk-full.md", text)
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output  # --strict: the odd service name still has a working anchor
    assert _active_html(out) == []
    text = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    assert 'Disk [t](javascript:alert(1)) full {: onclick="alert(2)" }</h1>' in text  # shown, as written
    assert "<li>code <code>a&lt;b &amp; c</code></li>" in text  # once escaped by Markdown, not twice
    assert '<li>up {: onmouseover="alert(4)" }</li>' in text


def test_hostile_kb_text_cannot_reach_the_page_past_the_sanitiser(tmp_path):
    """Found in review, each ran script on the built page while check --strict and site --strict passed:
    - the markers of a pre-rendered block inside an indented fence (code to recur, not to Markdown):
      the block was lifted out before sanitising and put back after it;
    - a C1 control character in a title: YAML refused the generated front matter, the page lost its
      kind, and the sanitiser skipped it (now a warning of `recur check`, and taken out of the title);
    - a severity key with spaces became attributes of the by-severity page's heading (not sanitised)."""
    from kbfactory import pattern_text, small_kb, write

    kb = small_kb(tmp_path / "kb")
    fence = "See this:\n\n  ```\n<!-- recur:html -->\n<img src=x onerror=alert(1)>\n<!-- /recur:html -->\n  ```\n"
    text = pattern_text("disk-full", summary="SUMMARY", root_cause="ROOT CAUSE").replace("SUMMARY", fence)
    write(kb, "patterns/capacity/disk-full.md", text)
    c1 = "See:\n\n  ```\n\n<img src=x onerror=alert(2)>\n\n  ```\n"
    write(kb, "patterns/capacity/c1.md", pattern_text("c1", title="Ctrl \x80 char", summary=c1, root_cause="Why."))
    severity = kb / "severity.yml"
    severity.write_text(severity.read_text() + '  "P1 onclick=alert(3) x": {name: X, review: none}\n')
    write(kb, "patterns/capacity/odd-sev.md", pattern_text("odd-sev", severity="P1 onclick=alert(3) x"))
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb)])
    assert r.exit_code == 0 and "c1.md:3: title: warning: has the control character U+0080 at character 6" in r.output
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert _active_html(out) == []
    # kept, with the C1 character taken out of its title
    c1_page = [p for p in out.rglob("*.html") if p.parent.name == "c1" or p.stem == "c1"]
    assert c1_page and "Ctrl  char" in c1_page[0].read_text(encoding="utf-8")


def test_recur_assets_are_asked_for_by_their_content_version(built, tmp_path):
    """A rebuilt site must not run the last build's recur-suggest.js from a browser cache: every
    page asks for Recur's own CSS/JS as name?v=<start of the file's SHA-256>, and a mkdocs.yml that
    lists one of them itself still gets it once."""
    import hashlib

    _, out = built
    page = (out / "patterns/capacity/disk-full.html").read_text()
    refs = re.findall(r'(?:src|href)="(?:\.\./)*(assets/recur[^"?]*)\?v=([0-9a-f]+)"', page)
    names = {name for name, _ in refs}
    assert {"assets/recur.js", "assets/recur-suggest.js", "assets/recur.css", "assets/recur-md-base.js"} <= names
    for name, version in refs:
        assert hashlib.sha256((out / name).read_bytes()).hexdigest().startswith(version), name
    assert not re.search(r'(?:src|href)="(?:\.\./)*assets/recur[^"?]*"', page), "an unversioned Recur asset"

    kb, _ = built
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(
        "site_name: T\ntheme: {name: material}\nplugins: [search, recur]\n"
        "extra_javascript: [assets/recur-suggest.js, extra.js]\n"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "extra.js").write_text("// the team's own\n")
    r = CliRunner().invoke(
        cli,
        [
            "site",
            "--kb",
            str(kb),
            "--out",
            str(tmp_path / "out"),
            "--config",
            str(cfg),
            "--index",
            str(tmp_path / "none"),
            "--no-browser-search",
            "-q",
        ],
    )
    assert r.exit_code == 0, r.output
    home = (tmp_path / "out" / "index.html").read_text()
    assert len(re.findall(r'src="assets/recur-suggest\.js', home)) == 1
    assert 'src="extra.js"' in home


def test_an_own_page_at_a_generated_path_is_a_warning_not_silently_dropped(built, tmp_path):
    """A team's docs/index.md (what `mkdocs new` starts with) sits where Recur generates its home
    page: the generated page wins, and the build says so, naming the file (--strict: an error,
    the previous site kept), instead of leaving the team's page out without a word."""
    from recur.kb.init import init_repository

    kb, _ = built
    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    (repo / "docs/index.md").write_text("# Welcome to our team docs\n")
    (repo / "docs/oncall.md").write_text("# On-call\n")
    out = repo / "site"
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(repo / "mkdocs.yml"), "--as-of", AS_OF]
    args += ["--index", str(tmp_path / "none"), "--no-browser-search"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "warning: recur: " in r.output and str(repo / "docs" / "index.md") in r.output, r.output
    assert "oncall.md" not in r.output
    assert (out / "oncall.html").is_file() and "Welcome to our team docs" not in (out / "index.html").read_text()
    strict = CliRunner().invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 1 and "index.md" in strict.output and "Traceback" not in strict.output
    assert (out / "oncall.html").is_file()  # the previous site is kept


def test_own_pages_that_are_not_utf8_are_a_clean_error_naming_each(built, tmp_path, monkeypatch):
    """A team page in docs/ saved as Latin-1 stopped `recur site` with mkdocs' raw
    UnicodeDecodeError traceback: it is a clean error naming every such page (and the bad byte),
    before mkdocs runs, and no site is written."""
    from recur.kb.init import init_repository

    kb, _ = built
    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    (repo / "docs/bad.md").write_bytes(b"# Caf\xe9\n")
    (repo / "docs/sub").mkdir()
    (repo / "docs/sub/worse.md").write_bytes(b"# Fine\n\nna\xefve \xff\n")
    (repo / "docs/fine.md").write_text("# Fine\n")
    monkeypatch.chdir(repo)
    out = repo / "site"
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF]
    r = CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "none"), "--no-browser-search"])
    assert r.exit_code == 1, r.output
    assert not isinstance(r.exception, UnicodeDecodeError) and "Traceback" not in r.output
    assert "docs/bad.md: is not UTF-8 text (byte 0xe9 at column 6)" in r.output, r.output
    assert "docs/sub/worse.md: is not UTF-8 text (byte 0xef at line 3, column 3)" in r.output, r.output
    assert "fine.md" not in r.output
    assert not out.exists()


@pytest.mark.parametrize(
    "extra",
    [
        'recur: "https://git.example.com/"',
        "recur: {edit_url: 5}",
        "recur: [a]",
        # not a URL the links could use: checked as --edit-url is (found in review)
        'recur: {edit_url: "git.example.com/team/kb/-/edit/main/kb"}',
        'recur: {edit_url: "javascript:alert(1)//"}',
    ],
)
def test_an_edit_url_of_the_wrong_shape_in_mkdocs_yml_names_the_field(built, tmp_path, extra):
    """extra.recur / extra.recur.edit_url that is not a mapping / a URL is a clear error naming
    mkdocs.yml and the field, not an AttributeError traceback."""
    kb, _ = built
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(f"site_name: T\ntheme: {{name: material}}\nplugins: [search, recur]\nextra:\n  {extra}\n")
    args = ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--config", str(cfg), "--no-browser-search"]
    r = CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "none")])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    assert str(cfg) in r.output and "extra.recur" in r.output, r.output
    assert not (tmp_path / "out").exists()


def test_a_recur_edit_url_that_is_not_a_url_fails_mkdocs_build_naming_the_variable(built, tmp_path):
    """Found in review: `mkdocs build` took RECUR_EDIT_URL as it was (the --edit-url flag and
    mkdocs.yml's edit_url are checked), and "javascript:alert(1)//" was every pattern page's edit
    link. Now mkdocs' one-line error names the variable, and no site is written.

    In the same repository from `recur init` (one repository and one mkdocs build for three tests, each of which
    paid its own): once `mkdocs build` (the README's author command) wrote site/ with the recur plugin, `recur site`
    (make site) replaces it, as it replaces its own, instead of refusing it as a folder that is not a Recur site.

    And docs/README.md (what a repository shows when its docs/ folder is browsed) turns into
    index.html in mkdocs, where Recur generates its home page: mkdocs warned that it conflicts
    with index.md and --strict (make site, make test) failed. It is left out of the site without
    a warning, as one beside a folder's index.md is; a README that is a folder's only index page
    is still that page; a docs/index.md of the team still warns
    (test_an_own_page_at_a_generated_path_is_a_warning_not_silently_dropped)."""
    from recur.kb.init import init_repository

    kb, _ = built
    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    (repo / "docs/README.md").write_text("# Our docs folder\n\nPages of our own; see [the KB](../kb/).\n")
    (repo / "docs/patterns").mkdir()
    (repo / "docs/patterns/README.md").write_text("# Pattern notes folder\n")
    (repo / "docs/runbooks").mkdir()
    (repo / "docs/runbooks/README.md").write_text("# Runbooks folder\n")
    (repo / "docs/runbooks/index.md").write_text("# Runbooks\n")
    (repo / "docs/guides").mkdir()
    (repo / "docs/guides/README.md").write_text("# Guides\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUR_")}
    env.update(RECUR_KB=str(kb), RECUR_AS_OF=AS_OF, RECUR_INDEX=str(tmp_path / "none"), NO_MKDOCS_2_WARNING="1")
    env["RECUR_EDIT_URL"] = "javascript:alert(1)//"
    build = [str(MKDOCS), "build", "--strict"]  # not -q: mkdocs -q drops the warnings --strict would count
    proc = subprocess.run(build, cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "recur: RECUR_EDIT_URL: must be an http:// or https:// URL" in proc.stderr, proc.stderr
    assert "'javascript:alert(1)//'" in proc.stderr
    assert not (repo / "site").exists()
    env["RECUR_EDIT_URL"] = "https://git.example.com/team/kb/-/edit/main/kb"  # a URL: the links under it
    proc = subprocess.run(build, cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr  # --strict: the READMEs warn of nothing
    page = (repo / "site/patterns/capacity/disk-full.html").read_text()
    assert 'href="https://git.example.com/team/kb/-/edit/main/kb/patterns/capacity/disk-full.md"' in page
    assert "Our docs folder" not in (repo / "site/index.html").read_text()

    out = repo / "site"  # mkdocs build's: recur site replaces it
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(repo / "mkdocs.yml"), "--as-of", AS_OF]
    r = CliRunner().invoke(cli, [*args, "--no-browser-search", "--index", str(tmp_path / "none"), "--strict"])
    assert r.exit_code == 0, r.output
    page = (out / "patterns/capacity/disk-full.html").read_text()  # recur site's own, without the edit URL
    assert "https://git.example.com/team/kb/-/edit/main/kb/patterns/capacity/disk-full.md" not in page
    assert "README" not in r.output and "warning" not in r.output.lower(), r.output
    assert "Our docs folder" not in (out / "index.html").read_text()
    assert "Pattern notes folder" not in (out / "patterns/index.html").read_text()
    assert "Runbooks folder" not in (out / "runbooks/index.html").read_text()
    assert "Guides" in (out / "guides/index.html").read_text()  # mkdocs' README-as-index, as before
    assert not list(out.rglob("README*"))
    nav = _primary_nav(out / "suggest.html")
    assert 'href="guides/index.html"' in nav and 'href="runbooks/index.html"' in nav


def test_every_source_of_the_edit_url_is_checked_alike(monkeypatch, tmp_path):
    """One check (util.text.require_http_url) whichever source gives it, the error naming that source."""
    from recur.site.hook import edit_base
    from recur.util.errors import RecurError

    monkeypatch.setenv("RECUR_EDIT_URL", "javascript:alert(1)//")
    with pytest.raises(RecurError, match=r"^RECUR_EDIT_URL: must be an http:// or https:// URL .*javascript"):
        edit_base()
    with pytest.raises(RecurError, match=r"^--edit-url: must be an http:// or https:// URL .*'ftp://x'"):
        edit_base(explicit="ftp://x")
    assert edit_base(explicit="https://git.example.com/kb") == "https://git.example.com/kb/"  # the flag comes first
    monkeypatch.setenv("RECUR_EDIT_URL", "https://git.example.com/kb")
    assert edit_base() == "https://git.example.com/kb/"
    monkeypatch.setenv("RECUR_EDIT_URL", "javascript:alert(1)//")
    args = ["site", "--kb", str(tmp_path / "kb"), "--out", str(tmp_path / "out"), "--no-browser-search"]
    r = CliRunner().invoke(cli, args)  # `recur site` reads the variable through its --edit-url option
    assert r.exit_code == 2 and "Invalid value for '--edit-url'" in r.output, r.output
    assert "not 'javascript:alert(1)//' (from RECUR_EDIT_URL)" in r.output


def test_mkdocs_build_with_a_kb_problem_is_an_error_not_a_traceback(tmp_path):
    """mkdocs build / serve in a KB repository whose KB cannot be read (here the plugin's kb: names
    a missing folder) fails with mkdocs' one-line error naming the folder, not a Python traceback."""
    from recur.kb.init import init_repository

    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    cfg = repo / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("  - recur\n", "  - recur:\n      kb: no-such-kb\n"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECUR_")}
    env.update(RECUR_INDEX=str(tmp_path / "none"), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([str(MKDOCS), "build", "-q"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "knowledge base folder not found" in proc.stderr and "no-such-kb" in proc.stderr


def test_two_mkdocs_builds_in_one_process_each_read_their_own_kb(tmp_path, monkeypatch):
    """mkdocs serve rebuilds in one process, and a program may build several sites in one: the plugin's
    kb: option of one build was kept in a module-level dict, and the next build, whose mkdocs.yml has no
    kb:, looked for the first build's KB folder beside its own mkdocs.yml. Each build keeps its own state."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from recur import config

    for name in config.SETTINGS:
        monkeypatch.delenv(config.env(name), raising=False)
    monkeypatch.setenv(config.env("as_of"), AS_OF)
    monkeypatch.setenv(config.env("index"), str(tmp_path / "none"))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    for name, kb_name, plugin in (
        ("first", "team-kb", "  - recur:\n      kb: team-kb\n"),
        ("second", "kb", "  - recur\n"),
    ):
        repo = tmp_path / name
        kb = site_kb(repo / kb_name)
        pattern = kb / "patterns/capacity/disk-full.md"
        pattern.write_text(pattern.read_text().replace("Disk full on a host", f"Disk full on the {name} host"))
        (repo / "docs").mkdir()
        (repo / "mkdocs.yml").write_text(f"site_name: {name}\ntheme:\n  name: material\nplugins:\n  - search\n{plugin}")
        build(load_config(config_file=str(repo / "mkdocs.yml")))
        assert f"Disk full on the {name} host" in (repo / "site/patterns/capacity/disk-full.html").read_text()
        assert_records_its_kb_files(repo / "site", kb)


def test_a_symlinked_out_folder_is_rebuilt_where_it_points(built, tmp_path):
    """--out site where site is a symlink to the web root (/var/www/kb): the web root gets the new
    site, swapped in atomically, and the link stays a link (it was replaced by a real folder, the
    web root left with the previous build, while the summary said "Built")."""
    kb, _ = built
    webroot = tmp_path / "www" / "kb"
    args = ["--kb", str(kb), "--as-of", AS_OF, "--index", str(tmp_path / "none"), "--no-browser-search", "-q"]
    shutil.copytree(built[1], webroot)  # the previous build: the module's site
    (webroot / "left-from-before.html").write_text("<p>old</p>")
    link = tmp_path / "repo" / "site"
    link.parent.mkdir()
    link.symlink_to(webroot, target_is_directory=True)
    r = CliRunner().invoke(cli, ["site", "--out", str(link), *args])
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and link.resolve() == webroot.resolve()
    assert (webroot / "patterns/capacity/disk-full.html").is_file()
    assert not (webroot / "left-from-before.html").exists()
    assert sorted(p.name for p in link.parent.iterdir()) == ["site"]
    assert sorted(p.name for p in webroot.parent.iterdir()) == ["kb"]


def test_the_commented_theme_settings_of_an_init_repository_work_when_uncommented(tmp_path):
    """The generated mkdocs.yml suggests a palette and a logo in comments: uncommented, with the
    logo file put in docs/ (the folder for the site's own files), the page shows that logo
    (the hint said docs/logo.png, a path mkdocs reads from inside docs/: a broken image)."""
    from recur.kb.init import init_repository

    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    cfg = repo / "mkdocs.yml"
    text = cfg.read_text()
    hint = re.search(r"^  # logo: (\S+)", text, re.M)
    palette = re.search(r"^  # palette:\n(?:  #   .*\n)+", text, re.M)  # the hint's lines, uncommented below
    assert hint and palette
    text = text.replace(palette.group(0), re.sub(r"^  # ", "  ", palette.group(0), flags=re.M))
    cfg.write_text(text.replace("  # logo:", "  logo:"))
    from recur.site.plugin import PALETTE, raw_config

    # the shape of Recur's default, a light and dark pair following the OS with the toggle: uncommented, the
    # hint gave a light-only palette while the default was the pair (found in a new hire's review)
    assert raw_config(cfg)["theme"]["palette"] == [dict(p, primary="teal") for p in PALETTE]
    logo = Path(hint.group(1)).name
    (repo / "docs" / logo).write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    args = ["site", "--kb", str(repo / "kb"), "--out", str(out), "--config", str(cfg), "--strict"]
    r = CliRunner().invoke(cli, [*args, "--no-browser-search", "--index", str(tmp_path / "none"), "-q"])
    assert r.exit_code == 0, r.output
    page = (out / "index.html").read_text()
    # the team's palette wins over Recur's default (recur.site.plugin.PALETTE, indigo): teal, light and dark
    assert 'data-md-color-primary="teal"' in page and 'data-md-color-primary="indigo"' not in page
    for media, scheme in (("light", "default"), ("dark", "slate")):
        option = f'data-md-color-media="(prefers-color-scheme: {media})" data-md-color-scheme="{scheme}"'
        assert f'{option} data-md-color-primary="teal"' in page, (media, scheme)
    assert f'<img src="{logo}"' in (out / "index.html").read_text()
    assert crawl(out)[1] == []


def test_settings_a_mkdocs_yml_inherits_are_the_teams_own(tmp_path):
    """mkdocs.yml with INHERIT: base.yml (an organisation's shared settings): what the base sets
    (palette, features, docs_dir) is the team's and wins over Recur's defaults, as in mkdocs.yml
    itself; the plugin read only the file named, so they were replaced by Recur's defaults."""
    from recur.kb.init import init_repository

    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    (repo / "shared").mkdir()
    (repo / "shared/base.yml").write_text(
        "theme:\n  name: material\n  palette: {primary: teal}\n  features: [navigation.tabs]\ndocs_dir: pages\n"
    )
    (repo / "pages").mkdir()
    (repo / "pages/oncall.md").write_text("# On-call\n")
    cfg = repo / "mkdocs.yml"
    cfg.write_text("INHERIT: shared/base.yml\nsite_name: Team KB\nplugins: [search, recur]\n")
    out = tmp_path / "out"
    args = ["site", "--kb", str(repo / "kb"), "--out", str(out), "--config", str(cfg), "--strict"]
    r = CliRunner().invoke(cli, [*args, "--no-browser-search", "--index", str(tmp_path / "none"), "-q"])
    assert r.exit_code == 0, r.output
    home = (out / "index.html").read_text()
    assert 'data-md-color-primary="teal"' in home and "md-tabs" in home
    assert (out / "oncall.html").is_file()


def test_recur_site_reads_mkdocs_yaml_as_mkdocs_does(tmp_path, monkeypatch):
    """mkdocs looks for mkdocs.yml, then mkdocs.yaml: a repository whose file is mkdocs.yaml gets
    its own settings from `recur site` too, not Recur's defaults without a word."""
    from kbfactory import small_kb

    kb = small_kb(tmp_path / "kb")
    (tmp_path / "mkdocs.yaml").write_text(
        "site_name: Yaml KB\ntheme: {name: material, palette: {primary: teal}}\nplugins: [search, recur]\n"
    )
    monkeypatch.chdir(tmp_path)
    args = ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--no-browser-search", "-q"]
    r = CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "none")])
    assert r.exit_code == 0, r.output
    home = (tmp_path / "out/index.html").read_text()
    assert "Yaml KB</title>" in home and 'data-md-color-primary="teal"' in home


@pytest.mark.parametrize("own", [r"[\s\-]+", None])
def test_a_japanese_sites_search_separator_is_the_teams_else_recurs_with_cjk_punctuation(tmp_path, monkeypatch, own):
    """search: lang: [ja, en] (an international team's mkdocs.yml): a separator the team sets is theirs; without one,
    Recur's, which ends a word at Japanese punctuation as material's ja separator does."""
    from kbfactory import small_kb

    from recur.site.plugin import SEARCH_SEPARATOR

    kb = small_kb(tmp_path / "kb")
    search = "{lang: [ja, en]" + (f", separator: '{own}'" if own else "") + "}"
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: KB\ntheme: {{name: material}}\nplugins: [{{search: {search}}}, recur]\n"
    )
    monkeypatch.chdir(tmp_path)
    args = ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--no-browser-search", "-q"]
    r = CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "none")])
    assert r.exit_code == 0, r.output
    config = json.loads((tmp_path / "out/search/search_index.json").read_text())["config"]
    assert config["lang"] == ["ja", "en"] and config["separator"] == (own or SEARCH_SEPARATOR)
    assert [w for w in re.split(config["separator"], "容量不足（東京リージョン）、発生。") if w] == (
        ["容量不足（東京リージョン）、発生。"] if own else ["容量不足", "東京リージョン", "発生"]
    )


def test_the_teams_own_pages_keep_mkdocs_edit_link(built, tmp_path):
    """With repo_url, edit_uri and content.action.edit in mkdocs.yml, the team's own page in docs/
    has mkdocs' "edit this page" link to its file; generated pages never link into docs/ (a pattern
    page's link is its KB file's, under extra.recur.edit_url)."""
    from recur.kb.init import init_repository

    kb, _ = built
    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    (repo / "docs/oncall.md").write_text("# On-call\n")
    cfg = repo / "mkdocs.yml"
    cfg.write_text(
        "site_name: Team KB\nrepo_url: https://git.example.com/team/kb\nedit_uri: edit/main/docs/\n"
        "theme: {name: material, features: [content.action.edit]}\nplugins: [search, recur]\n"
        "extra: {recur: {edit_url: 'https://git.example.com/team/kb/edit/main/kb/'}}\n"
    )
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(cfg), "--as-of", AS_OF]
    r = CliRunner().invoke(cli, [*args, "--no-browser-search", "--index", str(tmp_path / "none"), "-q"])
    assert r.exit_code == 0, r.output
    edits = {
        rel: re.findall(r'href="(https://git\.example\.com/team/kb/edit/[^"]*)"', (out / rel).read_text())
        for rel in ("oncall.html", "index.html", "patterns/index.html", "patterns/capacity/disk-full.html")
    }
    assert edits["oncall.html"] == ["https://git.example.com/team/kb/edit/main/docs/oncall.md"]
    assert edits["index.html"] == [] and edits["patterns/index.html"] == []
    assert set(edits["patterns/capacity/disk-full.html"]) == {
        "https://git.example.com/team/kb/edit/main/kb/patterns/capacity/disk-full.md"
    }


def test_the_teams_own_pages_are_in_the_navigation_after_recurs(built, tmp_path):
    """A page the team adds to docs/ (README: "pages of your own in docs/ ... extend Recur's
    defaults") is in the navigation after Recur's entries, titled by its heading, not only reachable
    by URL; a nav the team's mkdocs.yml sets is used as it is.
    And mkdocs builds no page for docs/templates/ (its default exclusion) nor for what exclude_docs
    names: the navigation linked them anyway, a dead link on every page (one repository and build for both)."""
    from recur.kb.init import init_repository

    kb, _ = built
    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    (repo / "docs/oncall.md").write_text("# On-call handbook\n\nPage the IC first.\n")
    (repo / "docs/runbooks").mkdir()
    (repo / "docs/runbooks/db.md").write_text("# Database runbook\n")
    (repo / "docs/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (repo / "docs/templates").mkdir()
    (repo / "docs/templates/postmortem.md").write_text("# Postmortem template\n")
    (repo / "docs/drafts").mkdir()
    (repo / "docs/drafts/wip.md").write_text("# Work in progress\n")
    cfg = repo / "mkdocs.yml"
    cfg.write_text(cfg.read_text() + "exclude_docs: |\n  drafts/\n")
    r, out = _team_site(kb, repo, tmp_path, "-q")
    assert r.exit_code == 0, r.output
    nav = _primary_nav(out / "suggest.html")
    assert nav.index('href="board/index.html"') < nav.index('href="oncall.html"')  # after Recur's entries
    assert "On-call handbook" in nav and 'href="runbooks/db.html"' in nav and "Database runbook" in nav
    assert "logo.png" not in nav
    assert not (out / "templates/postmortem.html").exists() and not (out / "drafts/wip.html").exists()
    assert "templates/postmortem" not in nav and "drafts/wip" not in nav, nav  # mkdocs left them out

    cfg.write_text(cfg.read_text() + "nav:\n  - Home: index.md\n  - Handbook: oncall.md\n")
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(cfg), "--as-of", AS_OF]
    r = CliRunner().invoke(cli, [*args, "--no-browser-search", "--index", str(tmp_path / "none"), "-q"])
    assert r.exit_code == 0, r.output
    nav = _primary_nav(out / "suggest.html")
    assert "Handbook" in nav and "board/index.html" not in nav and "runbooks/db.html" not in nav


def _primary_nav(page: Path) -> str:
    text = page.read_text()
    start = text.index("md-nav--primary")
    return text[start : text.index("</nav>", start)]


def _team_site(kb, repo, tmp_path, *extra):
    """`recur site --strict` of ``kb`` with the team repository ``repo``'s mkdocs.yml (its own docs/
    pages), no browser bundle: (the CliRunner result, the built folder)."""
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(repo / "mkdocs.yml"), "--as-of", AS_OF]
    args += ["--no-browser-search", "--index", str(tmp_path / "none"), "--strict", *extra]
    return CliRunner().invoke(cli, args), out


def test_a_mkdocs_yml_without_the_recur_plugin_is_an_error_naming_the_fix(built, tmp_path):
    """A team's own mkdocs.yml, kept by `recur init --keep-existing` (the README: merge Recur's lines
    by hand), has no `recur` plugin: `recur site` built from it without a word, even --strict, a site
    without Recur's assets (the suggest box dead, no styles) and with directory URLs. It now stops,
    naming the file and the line to add, and keeps the previous site."""
    from recur.kb.init import init_repository

    kb, _ = built
    repo = tmp_path / "docs-repo"
    repo.mkdir()
    cfg = repo / "mkdocs.yml"
    cfg.write_text("site_name: Our docs\ntheme:\n  name: material\n")
    (repo / "docs").mkdir()
    (repo / "docs/guide.md").write_text("# Guide\n")
    kept: list = []
    init_repository(repo, name="Team KB", keep=kept)
    assert kept == ["mkdocs.yml"]
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(cfg), "--as-of", AS_OF]
    args += ["--no-browser-search", "--index", str(tmp_path / "none")]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert str(cfg) in r.output and "plugins: [search, recur]" in r.output, r.output
    assert not out.exists()
    cfg.write_text(cfg.read_text() + "plugins:\n  - search\n  - recur\n")
    r = CliRunner().invoke(cli, [*args, "--strict"])
    assert r.exit_code == 0, r.output
    assert 'src="assets/recur-suggest.js' in (out / "suggest.html").read_text()
    assert (out / "guide.html").is_file()


def test_site_strict_fails_on_what_check_fails_across_files(tmp_path):
    """Found in review: `recur site --strict` passed a KB whose incident names a pattern that does not
    exist (and one with a duplicate pattern id): recur check fails on both; the site dropped or
    showed them without a word."""
    from kbfactory import small_kb

    kb = small_kb(tmp_path / "kb")
    inc = kb / "incidents/2026/INC-2026-0002.md"
    inc.write_text(inc.read_text().replace("patterns: []", "patterns: [no-such-thing]"))
    assert CliRunner().invoke(cli, ["check", "--kb", str(kb)]).exit_code == 1
    args = ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--strict", "--no-browser-search"]
    r = CliRunner().invoke(cli, [*args, "--index", str(tmp_path)])
    assert r.exit_code == 1 and "no pattern has id 'no-such-thing'" in r.output, r.output
    assert not (tmp_path / "out").exists()


def _kb_with_runbook(tmp_path, runbook: str):
    """small_kb with disk-full's ## Runbook section replaced by ``runbook``."""
    from kbfactory import small_kb

    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    text = path.read_text()
    start, end = text.index("## Runbook"), text.index("## ", text.index("## Runbook") + 3)
    path.write_text(text[:start] + runbook + text[end:])
    return kb


def test_runbook_steps_with_a_code_block_or_a_sub_list_stay_one_step(tmp_path):
    """Found in review: continuation lines of a step lost their indentation, so a fenced block in a
    step became inline code and its sub-bullets became steps of their own (renumbering the rest,
    and 'Copy all steps' copied the wrong numbers)."""
    kb = _kb_with_runbook(
        tmp_path,
        "## Runbook\n1. Run:\n\n   ```bash\n   kubectl get pods -o wide\n\n   kubectl top pods\n   ```\n"
        "2. Restart it with `kubectl rollout restart deploy/app`\n   - first `kubectl get rs`\n"
        "   - then `kubectl get events`\n3. Check `df -h /var` again\n\n",
    )
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--no-browser-search", "--index", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    runbook = page[page.index('id="runbook"') :].split("</ol>")[0]
    assert runbook.count("<li>") == 5  # three steps, two sub-bullets
    assert "<pre><code>kubectl get pods -o wide\n\nkubectl top pods\n</code></pre>" in runbook
    assert "<ul>\n<li>first <code>kubectl get rs</code></li>" in runbook
    # step 3 is a step, not a third bullet of step 2's sub-list (found in a later review)
    assert runbook.index("</ul>") < runbook.index("Check <code>df -h /var</code>"), runbook


def test_a_step_fence_after_a_no_break_space_is_text_on_the_page_as_check_reads_it(tmp_path):
    """Found in review: a step's lines were rendered with their own fence rule ("\\s*```"), which took a
    "```" after a no-break space (U+00A0, pasted from a document) for a fence and showed a code block,
    while `recur check` read the line as text (and lint named it). Now the page shows it as text too;
    a plain indented block in a step is still code."""
    kb = _kb_with_runbook(
        tmp_path,
        "## Runbook\n1. Run:\n   \u00a0```\n   df -h\n   \u00a0```\n2. Check:\n   ```\n   df -i\n   ```\n"
        "3. Check `df -h /var` again\n\n",
    )
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--no-browser-search", "--index", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    runbook = page[page.index('id="runbook"') :].split("</ol>")[0]
    assert runbook.count("<li>") == 3, runbook
    assert "<pre><code>df -h" not in runbook and "<pre><code>df -i\n</code></pre>" in runbook, runbook


def test_a_script_link_in_kb_text_is_dropped_whole_and_the_strict_build_passes(tmp_path):
    """Found in review: only 'javascript:' was cut from '[bad](javascript:void(0))', leaving a link
    to '#void(0)', and `recur site --strict` failed on it as a missing anchor."""
    from kbfactory import pattern_text, small_kb, write

    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/capacity/disk-full.md", pattern_text("disk-full", summary="See [bad](javascript:void(0)) now."))
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    assert 'See <a href="#">bad</a> now.' in page and "void" not in page


def test_one_line_fields_keep_their_code_spans_and_start_no_block(tmp_path):
    """Found in review: a pipe in a title's code span was shown as '\\|' (escaped for tables, inside
    code), and a symptom '# x' became a heading inside the list, '1. x' a nested list."""
    from kbfactory import pattern_text, small_kb, write

    kb = small_kb(tmp_path / "kb")
    text = pattern_text(
        "disk-full", title="Disk full: `df | sort` shows 100%", symptoms=("# of inodes at 100%", "1. nothing")
    )
    write(kb, "patterns/capacity/disk-full.md", text)
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    assert "Disk full: <code>df | sort</code> shows 100%</h1>" in page
    assert "<li># of inodes at 100%</li>" in page and "<li>1. nothing</li>" in page


def test_a_heading_keeps_a_hash_at_the_end_of_a_title_service_or_tag(tmp_path):
    """Found in review: Markdown reads '#'s at the end of a heading line as its closing markers, so
    "Thread pool starvation in C#" was headed "... in C", service billing-C# "billing-C", tag c# "c"."""
    from kbfactory import pattern_text, small_kb, write

    kb = small_kb(tmp_path / "kb")
    front = "tags: [c#, f##]\nservices: [billing-C#]\n"
    text = pattern_text("disk-full", title="Thread pool starvation in C#", extra_front=front)
    write(kb, "patterns/capacity/disk-full.md", text)
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Thread pool starvation in C#</h1>", page), page
    by_service = (out / "patterns/by-service.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 [^>]*id="[^"]+"[^>]*>billing-C#</h2>', by_service), by_service
    by_tag = (out / "patterns/by-tag.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 [^>]*id="[^"]+"[^>]*>c#</h2>', by_tag) and re.search(
        r'<h2 [^>]*id="[^"]+"[^>]*>f##</h2>', by_tag
    ), by_tag


def test_a_runbook_step_with_a_second_paragraph_or_a_table_keeps_them(tmp_path):
    """Found in review: blank lines inside a step were dropped when it was read, so a second
    paragraph ran into the first and a table became a line of pipes on the page."""
    from recur.kb.loader import load_kb

    kb = _kb_with_runbook(
        tmp_path,
        "## Runbook\n1. Run `df -h /var`\n\n   Then a second paragraph of step 1.\n\n"
        "2. Compare with the table:\n\n   | mount | limit |\n   |---|---|\n   | /var | 90% |\n3. Check `du -sh /var/log`\n\n",
    )
    runbook = load_kb(kb).patterns["disk-full"].runbook
    assert runbook[0] == "Run `df -h /var`\n\nThen a second paragraph of step 1." and len(runbook) == 3
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--no-browser-search", "--strict", "--index", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    section = page[page.index('id="runbook"') :].split("</ol>")[0]
    assert "<p>Then a second paragraph of step 1.</p>" in section
    assert "<th>mount</th>" in section and "<td>/var</td>" in section and "|---|" not in section
    assert section.index("</table>") < section.index("Check <code>du -sh /var/log</code>")


def test_text_before_and_after_the_runbook_and_evidence_lists_is_shown_in_place_not_as_a_step(tmp_path):
    """Found in review: the site showed only the list items, so a paragraph before the first step
    ("Do NOT restart ...") was lost, and one after the list (a line at the margin after a blank line,
    which ends the list) was glued onto the last step, and was a step's text in the API and `suggest`."""
    from kbfactory import small_kb

    from recur.kb.loader import load_kb

    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    text = path.read_text()
    start, end = text.index("## Runbook"), text.index("## Root cause")
    path.write_text(
        text[:start] + "## Runbook\nDo NOT restart the host before the dump is taken.\n\n1. Run `df -h /var`\n\n"
        "   Still step 1.\n2. Check `du -sh /var/log`\n\nIf none of this helps, page team-storage.\n\n"
        "## Evidence to preserve\nBefore anything else:\n\n- the dump\n\nKeep it for a week.\n\n" + text[end:]
    )
    p = load_kb(kb).patterns["disk-full"]
    assert p.runbook == ["Run `df -h /var`\n\nStill step 1.", "Check `du -sh /var/log`"]
    assert p.evidence == ["the dump"]
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--no-browser-search", "--strict", "--index", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    runbook = page[page.index('id="runbook"') :]
    assert runbook.startswith(
        'id="runbook">Runbook</h2>\n<p>Do NOT restart the host before the dump is taken.</p>\n<ol>'
    )
    steps, after = runbook.split("</ol>", 1)
    assert steps.count("<li>") == 2 and "<p>Still step 1.</p>" in steps and "team-storage" not in steps
    assert after.startswith("\n<p>If none of this helps, page team-storage.</p>")
    evidence = page[page.index('id="evidence-to-preserve"') :].split("</div>")[0]
    assert "<p>Before anything else:</p>\n<ul>\n<li>the dump</li>\n</ul>\n<p>Keep it for a week.</p>" in evidence


def test_trends_with_no_incidents_say_so_instead_of_empty_charts(tmp_path):
    """Found in review: a KB with no incidents got two empty 0-1 charts on the trends page."""
    import shutil

    from kbfactory import small_kb

    kb = small_kb(tmp_path / "kb")
    shutil.rmtree(kb / "incidents")
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--no-browser-search", "--strict", "--index", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    page = (out / "board/trends.html").read_text(encoding="utf-8")
    assert page.count("No incident in these months.") == 2 and "recur-chart-box" not in page.split("Top recurring")[0]


def test_a_damaged_index_leaves_look_alikes_out_with_a_warning(built, tmp_path, caplog):
    """The look-alikes section is optional, but it was left out of every page at info level, which
    `recur site` does not show: a damaged index removed it in silence (found in review)."""
    import logging

    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import build
    from recur.site.hook import lookalikes_for

    kb = load_kb(built[0])
    index = tmp_path / "index"
    build(kb, index, embed.load_encoder("fake:64"), progress=False)
    vectors = next(p for p in index.iterdir() if p.suffix == ".npy")
    vectors.write_bytes(vectors.read_bytes()[:100])  # cut short after the build: the manifest still fresh
    with caplog.at_level(logging.INFO):
        assert lookalikes_for(kb, index) is None
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warned and "look-alikes left out of the pattern pages" in warned[0].getMessage()


def test_an_image_beside_a_pattern_is_on_its_page(tmp_path):
    """`![graph](graph.png)` beside a pattern passed `recur check --strict` and failed the site build
    (mkdocs --strict: the image was never copied); now both pass and the page shows it."""
    from kbfactory import pattern_text, small_kb, write

    kb = small_kb(tmp_path / "kb")
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    (kb / "patterns/capacity/graph.png").write_bytes(image)
    summary = "Writes fail when the disk fills. ![disk usage climbing to 100%](graph.png)"
    write(
        kb,
        "patterns/capacity/pictured.md",
        pattern_text("pictured", signals=("disk write failed: ENOSPC",), summary=summary),
    )
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--strict"])
    assert check.exit_code == 0, check.output
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "--strict", "--index", str(tmp_path / "i")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (out / "patterns/capacity/graph.png").read_bytes() == image
    page = (out / "patterns/capacity/pictured.html").read_text()
    assert re.search(r'<img alt="disk usage climbing to 100%" src="graph.png"', page), page
    assert crawl(out)[1] == []


def test_trends_say_when_an_incident_of_two_categories_stands_in_both_stacks(tmp_path):
    """Found in review: a month's category bars summed to 7 over 6 incidents, with nothing saying an
    incident linked to patterns of two categories counts in each."""
    import datetime as dt

    from kbfactory import small_kb, write

    from recur.kb.loader import load_kb
    from recur.problems.board import board
    from recur.site.generate import pages

    kb_dir = small_kb(tmp_path / "kb")
    note = "An incident of more than one category counts once in each"
    day = dt.date(2026, 5, 1)
    assert note not in pages(load_kb(kb_dir), as_of=day, board=board(load_kb(kb_dir), day))["board/trends.md"]
    write(
        kb_dir,
        "incidents/2026/INC-2026-0009.md",
        "---\nid: INC-2026-0009\ntitle: Both at once\ndate: 2026-04-02\nseverity: sev3\n"
        "patterns: [disk-full, dns-failure]\n---\n\n## Summary\nThe disk filled and DNS failed.\n",
    )
    kb = load_kb(kb_dir)
    assert not kb.errors and note in pages(kb, as_of=day, board=board(kb, day))["board/trends.md"]


def test_every_board_table_column_has_a_heading(built):
    # found in review: the overdue badges sat under an empty heading in three tables (a screen reader
    # announced a nameless column)
    _, out = built
    page = (out / "board/index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)
    assert headings and all(h.strip() for h in headings), headings
    assert "overdue" in headings


def test_build_site_returns_a_typed_record_of_what_it_built(tmp_path):
    """Found in review: build_site returned a dict that `recur site` read by keys (a key misspelt on
    either side was a KeyError, or a summary without its note). Its record is frozen; a bundle that
    cannot be written (a test encoder) is a reason, and one written is in the summary."""
    import dataclasses

    from recur.site import bundle
    from recur.site.build import SiteBuild, build_site

    kb = site_kb(tmp_path / "kb")
    made = build_site(kb, tmp_path / "out", browser_search=False, index_dir=tmp_path / "none")
    assert isinstance(made, SiteBuild) and (made.patterns, made.incidents, made.paths) == (4, 4, 2)
    assert_records_its_kb_files(tmp_path / "out", kb)
    assert made.pages == len(list((tmp_path / "out").rglob("*.html"))) and made.bytes > 0
    assert made.warnings == () and made.browser is None and made.browser_skipped is None
    assert made.seconds >= made.seconds_generate + made.seconds_mkdocs > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.pages = 0
    fake = build_site(kb, tmp_path / "out", browser_search=True, index_dir=tmp_path / "index", model="fake:64")
    assert fake.browser is None and fake.browser_skipped == (
        bundle.runtime_missing() or "model fake-hash-64 cannot run in a browser (a test encoder)"
    )
    # the bundle's half: without the runtime (make install) it passed having checked none of it
    assert not bundle.runtime_missing(), bundle.runtime_missing()
    args = ["site", "--kb", str(kb), "--out", str(tmp_path / "out"), "--as-of", AS_OF, "--browser-search"]
    result = CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "index"), "--site-url", "https://kb.example/"])
    assert result.exit_code == 0, result.output
    assert "pages from 4 patterns, 4 incidents, 2 paths" in result.output and "note:" not in result.output
    assert re.search(r"Browser search: \d+\.\d MB in .*/assets/recur-browser/ \(\d+\.\ds\)", result.output)


GOOD_ANCHORS = (
    "#summary #what-you-see #evidence-to-preserve #runbook #root-cause #details #notes #notes_1 #linked-anchors-title "
    "disk-full.md#related-patterns disk-full.md#disk-full-on-a-host disk-full.md#runbook disk-full.md#recur-onboarding-paths "
    "../../incidents/2026/INC-2026-0003.md#follow-ups ../../incidents/2026/INC-2026-0003.md#dig-into-this-later "
    "../../incidents/2026/INC-2026-0003.md#timeline ../../incidents/2026/INC-2026-0003.md#inc-2026-0003-checkout-logs-filled-the-disk"
).split()
BAD_ANCHORS = (
    "#root-causes disk-full.md#runbok ../../incidents/2026/INC-2026-0003.md#followups "
    "disk-full.md#onboarding-paths"  # the site's section on the paths is #recur-onboarding-paths
).split()


def _anchor_kb(root: Path, targets) -> Path:
    from kbfactory import pattern_text, write

    kb = site_kb(root)
    links = "\n".join(f"- [to {t}]({t})" for t in targets)
    cause = f"The mechanism.\n\n### Details\n\nMore.\n\n### Notes\n\nOne.\n\n### Notes\n\nTwo.\n\n{links}\n"
    text = pattern_text("linker", title="Linked anchors: title", signals=("LINKER_SIGNAL",), root_cause=cause)
    write(kb, "patterns/capacity/linker.md", text)
    return kb


def _site(kb: Path, out: Path):
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "--strict", "--no-browser-search"]
    return CliRunner().invoke(cli, [*args, "--index", str(out.parent / "no-index")])


def test_what_check_says_the_site_does_with_a_link_is_what_the_site_build_does(tmp_path):
    """Found in review: check said the site build fails with --strict on [x](helm-release-stuck), and
    `recur site --strict` passed it into a dead link; a root link (/patterns/...) passed both. Each link
    check's words are held to a real build: "passes" links build (dead, as written), "fails" ones fail."""
    from kbfactory import pattern_text, write

    from recur.kb.check import check_path

    dead = ["dns-failure", "../", "/patterns/capacity/disk-full.md"]
    kb = site_kb(tmp_path / "kb")
    links = " ".join(f"[l{n}]({t})" for n, t in enumerate(dead))
    write(kb, "patterns/capacity/linker.md", pattern_text("linker", signals=("LINKER_SIGNAL",), summary=links))
    found = {p.message.split("'")[1]: p.message for p in check_path(kb, today=AS_OF)[1] if p.field == "link"}
    assert sorted(found) == sorted(dead), found
    assert not [m for m in found.values() if "fails" in m], found
    built = _site(kb, tmp_path / "out")
    assert built.exit_code == 0, built.output
    page = (tmp_path / "out/patterns/capacity/linker.html").read_text()
    assert all(f'href="{t}"' in page for t in dead), page  # kept as written: the dead links check warns of

    write(kb, "patterns/capacity/linker.md", pattern_text("linker", signals=("X",), summary="[x](no-such-page.md)"))
    found = [p.message for p in check_path(kb, today=AS_OF)[1] if p.field == "link"]
    assert len(found) == 1 and "the site build fails on it with --strict" in found[0], found
    assert _site(kb, tmp_path / "out2").exit_code == 1


def test_check_finds_the_anchors_the_site_build_refuses_and_only_those(tmp_path):
    """Found by a team writing its first KB: [x](#root-causes) and [y](other.md#runbok) passed
    `recur check --strict` and failed `recur site --strict`. The ids are those of the site's pages,
    with the headings the site adds (What you see, the evidence box's title, Related patterns, an
    incident's Follow-ups): mkdocs itself says which it refuses."""
    from recur.kb.check import check_path

    kb = _anchor_kb(tmp_path / "good" / "kb", GOOD_ANCHORS)
    _, problems = check_path(kb, today=AS_OF)
    assert [str(p) for p in problems if p.field == "link"] == []
    built = _site(kb, tmp_path / "good" / "out")
    assert built.exit_code == 0, built.output

    kb = _anchor_kb(tmp_path / "bad" / "kb", GOOD_ANCHORS + BAD_ANCHORS)
    _, problems = check_path(kb, today=AS_OF)
    found = [p.message for p in problems if p.field == "link"]
    assert [m.split("'")[1] for m in found] == BAD_ANCHORS
    assert found[0] == (
        "'#root-causes': this page has no anchor #root-causes on the site (did you mean #root-cause?); "
        "the site build fails on it with --strict"
    )
    assert found[1].startswith(
        "'disk-full.md#runbok': patterns/capacity/disk-full.md has no anchor #runbok on the site"
    )
    refused = _site(kb, tmp_path / "bad" / "out")
    assert refused.exit_code == 1
    for target in BAD_ANCHORS:
        assert f"#{target.split('#')[1]}'" in refused.output, (target, refused.output)


def test_the_list_of_paths_renders_a_title_as_the_paths_own_heading_does(tmp_path):
    """Found in review: a path's page renders `code` and *emphasis* in its <h1> (cell), the list of paths
    (and a pattern page's "Step 1 of 1 on" it) showed the same title as written, backticks and asterisks;
    all escape HTML."""
    from kbfactory import small_kb, write

    kb = small_kb(tmp_path / "kb")
    title = "`kubectl` for *new* hires <b>& co</b>"
    audience = "SREs on **call** <i>x</i>"
    write(kb, "paths/k8s.yml", f"title: '{title}'\naudience: '{audience}'\nsteps:\n  - pattern: disk-full\n")
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", (out / "paths/k8s.html").read_text(encoding="utf-8")).group(1)
    assert heading == "<code>kubectl</code> for <em>new</em> hires &lt;b&gt;&amp; co&lt;/b&gt;"
    listing = (out / "paths/index.html").read_text(encoding="utf-8")
    assert f'<a href="k8s.html">{heading}</a>' in listing, re.findall(r'<a href="k8s.html">.*?</a>', listing)
    assert "SREs on <strong>call</strong> &lt;i&gt;x&lt;/i&gt;" in listing
    pattern = (out / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")  # "Step 1 of 1, the last ..."
    found = re.findall(r"Step 1 of 1, the last step of .*?</a>", pattern)
    assert f'<a href="../../paths/k8s.html#step-1">{heading}</a>' in pattern, found


def test_an_index_built_first_for_browser_search_is_said_on_stderr_and_timed_apart(tmp_path):
    """Found in a scale review: `recur site` on a checkout with no index built one for the browser search
    (100 s at 1,000 patterns) without a word, and its summary put the time down to "generating". It says
    so first on stderr, as `recur suggest` does, and the summary names the index's share; an index already
    fresh is neither said nor timed, and one the KB changed since is said to be updated."""
    from kbfactory import small_kb

    kb, index, out = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "out"
    runner = CliRunner(env={"RECUR_BROWSER_SEARCH": "on", "RECUR_MODEL": "fake:64"})
    args = ["site", "--kb", str(kb), "--out", str(out), "--index", str(index), "--as-of", AS_OF]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[0] == f"No index at {index}: building it now.", first.stderr
    assert (index / "manifest.json").is_file() and "s building the index, " in first.stderr
    assert re.search(r"\(\d+\.\d MB, [\d.]+s: [\d.]+s building the index, [\d.]+s generating, ", first.stderr)
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "index" not in again.stderr.split("Built")[0], again.stderr
    assert "building the index" not in again.stderr
    pattern = kb / "patterns/capacity/disk-full.md"
    pattern.write_text(pattern.read_text().replace("writes fail", "writes fail at once", 1))
    changed = runner.invoke(cli, args)
    assert changed.exit_code == 0
    assert f"The knowledge base changed since the index was built: updating {index}." in changed.stderr
    assert "s building the index, " in changed.stderr


def test_a_quiet_site_build_does_not_say_what_it_does_to_the_index(tmp_path):
    """Found in review: `recur site --quiet` still printed "No index at .recur/index: building it now." on
    stderr. Under --quiet only errors and warnings print (as `recur index --quiet`): the index is built, or
    updated once the KB changed, without a word of it (without --quiet both are said: the test above)."""
    from kbfactory import small_kb

    kb, index, out = small_kb(tmp_path / "kb"), tmp_path / "index", tmp_path / "out"
    runner = CliRunner(env={"RECUR_BROWSER_SEARCH": "on", "RECUR_MODEL": "fake:64"})
    args = ["site", "--kb", str(kb), "--out", str(out), "--index", str(index), "--as-of", AS_OF, "--quiet"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert (index / "manifest.json").is_file() and "No index" not in first.stderr, first.stderr
    assert "building it" not in first.stderr and "Built" not in first.stderr, first.stderr
    pattern = kb / "patterns/capacity/disk-full.md"
    pattern.write_text(pattern.read_text().replace("writes fail", "writes fail at once", 1))
    changed = runner.invoke(cli, args)
    assert changed.exit_code == 0 and "updating" not in changed.stderr, changed.stderr
