"""`recur site --check`: whether a built site is behind the KB, for a site a plain web host serves (no `recur serve`,
whose /healthz site_stale says it), with a real `recur site` build (mkdocs-material)."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from site_helpers import recur_site, site_kb

from recur import __version__
from recur.cli.main import cli


def _check(kb, out, *extra):
    return CliRunner().invoke(cli, ["site", "--check", "--kb", str(kb), "--out", str(out), *extra])


def test_check_says_whether_the_built_site_is_the_kb_as_it_is_now(tmp_path, monkeypatch):
    """A team publishing the built folder from a static host had nothing to tell it the site was behind the KB after
    a merge whose site job did not run (found in review). --check compares the site's record of the KB files'
    contents with the KB's now: exit 0 when they agree, 1 with the command that rebuilds it when they do not; it
    builds nothing. A copy of the KB (a CI checkout: every file's time differs) is the same KB."""
    monkeypatch.chdir(tmp_path)
    kb = site_kb(tmp_path / "kb")
    out = tmp_path / "site"
    r = _check("kb", "site")  # as typed: the command that builds it names the folders as given
    assert (
        r.exit_code == 1 and r.output == "site: no site recur built (no .recur-site in it): build it with recur site\n"
    )
    assert not out.exists()
    built = recur_site(kb, out, "--no-browser-search", "-q")
    assert built.exit_code == 0, built.output
    when = json.loads((out / ".recur-site").read_text())["built"]
    r = _check(kb, out)
    assert (
        r.exit_code == 0
        and r.output == f"site: up to date: built {when} by recur {__version__} from the files kb holds now.\n"
    ), r.output
    assert _check(kb, out, "-q").output == ""
    shutil.copytree(kb, tmp_path / "checkout")
    assert _check(tmp_path / "checkout", out).exit_code == 0
    page = kb / "patterns/capacity/disk-full.md"
    before = (out / "patterns/capacity/disk-full.html").read_bytes()
    page.write_text(page.read_text().replace("Disk full on a host", "Disk full on a node"))
    r = _check("kb", "site", "-q")
    assert r.exit_code == 1, r.output
    assert r.output == (
        f"site: behind the knowledge base: built {when} from other files than kb holds now; its pages and its "
        "describe box's data are the KB's as it was then until it is rebuilt: recur site\n"
    ), r.output
    assert (out / "patterns/capacity/disk-full.html").read_bytes() == before  # nothing built
    assert recur_site(kb, out, "--no-browser-search", "-q").exit_code == 0
    assert _check(kb, out).exit_code == 0


def test_check_says_a_site_another_recur_built_is_stale(tmp_path, monkeypatch):
    """After an upgrade a site an older recur built has its pages and search box (`recur serve` says so): --check
    too, from its marker's version, or a marker that records none (an earlier Recur's); and a folder that holds no
    site Recur built, or none at all, is no site, exit 1."""
    monkeypatch.chdir(tmp_path)
    kb = site_kb(tmp_path / "kb")
    out = tmp_path / "public"
    assert recur_site(kb, out, "--no-browser-search", "-q").exit_code == 0
    marker = out / ".recur-site"
    record = json.loads(marker.read_text())
    marker.write_text(json.dumps({**record, "recur_version": "0.1.0"}))
    r = _check("kb", "public")
    assert r.exit_code == 1 and r.output.startswith(
        f"public: built {record['built']} by recur 0.1.0 (this is recur {__version__}): its pages and its search box "
        "are the old recur's until it is rebuilt: recur site --out public\n"
    ), r.output
    (kb / "patterns/capacity/new-one.md").write_text((kb / "patterns/capacity/disk-full.md").read_text())
    assert " and from other KB files than kb holds now: " in _check(kb, out).output
    marker.write_text("built by recur site\n")  # the plain-text marker of an early Recur
    assert "by an older recur (version unknown) (this is recur" in _check(kb, out).output
    marker.unlink()
    r = _check(kb, out)
    assert r.exit_code == 1 and "public: no site recur built (no .recur-site in it)" in r.output, r.output
    r = _check(tmp_path / "no-kb", out)
    assert r.exit_code == 1 and "knowledge base folder not found" in r.output and "Traceback" not in r.output


def test_check_says_a_site_is_behind_a_changed_onboarding_path_or_image(tmp_path, monkeypatch):
    """The site's record held the digest of the files the index is built from (patterns, incidents, severity.yml),
    so a renamed onboarding path (its own page) or a screenshot replaced beside a pattern (copied where its page
    links it) left --check saying "up to date" over a site that still showed the old ones (found in a re-read)."""
    monkeypatch.chdir(tmp_path)
    kb = site_kb(tmp_path / "kb")
    image = kb / "patterns/capacity/df.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"first")
    out = tmp_path / "site"
    assert recur_site(kb, out, "--no-browser-search", "-q").exit_code == 0
    assert _check(kb, out).exit_code == 0
    path = next((kb / "paths").glob("*.yml"))
    original = path.read_text()
    assert original.startswith("title: ")
    path.write_text(original.replace("title: ", "title: Renamed ", 1))
    r = _check("kb", "site")
    assert r.exit_code == 1 and r.output.startswith("site: behind the knowledge base: built "), r.output
    path.write_text(original)
    assert _check(kb, out).exit_code == 0
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"second")
    r = _check(kb, out)
    assert r.exit_code == 1 and "behind the knowledge base" in r.output, r.output
    assert recur_site(kb, out, "--no-browser-search", "-q").exit_code == 0
    assert (out / "patterns/capacity/df.png").read_bytes().endswith(b"second")
    assert _check(kb, out).exit_code == 0
