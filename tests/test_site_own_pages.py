"""What a pull request can put on the site (security review of `recur site`), built with real mkdocs:
the site's own pages folder (mkdocs.yml's docs_dir) publishes no symlink and no file a browser runs as
it is, its Markdown pages are sanitised as KB pages are, and KB text cannot claim the ids and classes
the theme's and Recur's scripts read."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from kbfactory import small_kb
from site_helpers import AS_OF

from recur.cli.main import cli


def _team_repo(tmp_path: Path, monkeypatch) -> Path:
    """A `recur init` repository with a page of its own, the working folder (messages name docs/...)."""
    from recur.kb.init import init_repository

    repo = tmp_path / "team-kb"
    init_repository(repo, name="Team KB")
    monkeypatch.chdir(repo)
    (repo / "docs/oncall.md").write_text("# On-call\n\nPage the storage team.\n")
    return repo


def _site(kb: Path, repo: Path, tmp_path: Path, *extra: str):
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--config", str(repo / "mkdocs.yml"), "--as-of", AS_OF]
    args += ["--no-browser-search", "--index", str(tmp_path / "none"), *extra]
    return CliRunner().invoke(cli, args), out


def test_a_symlink_in_the_own_pages_folder_is_an_error_naming_each_broken_ones_too(tmp_path, monkeypatch):
    """`ln -s /etc/recur/token docs/team-notes.txt` served the token at /team-notes.txt, and with the target
    missing (a CI runner) --strict passed without a word: each symlink (to a file, to nothing, to a folder)
    is named in one error, not only with --strict, before anything is read or written."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    secret = tmp_path / "token"
    secret.write_text("s3cret-token-value\n")
    (repo / "docs/team-notes.txt").symlink_to(secret)
    (repo / "docs/sub").mkdir()
    (repo / "docs/sub/gone.txt").symlink_to(tmp_path / "no-such-file")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/notes.md").write_text("# Elsewhere\n")
    (repo / "docs/linked").symlink_to(tmp_path / "elsewhere")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "s3cret" not in r.output
    for name in ("team-notes.txt", "sub/gone.txt", "linked"):
        assert f"docs/{name}: is a symlink; the site does not copy it (put the file itself in docs)" in r.output
    assert "oncall.md" not in r.output
    assert not out.exists()
    strict, _ = _site(kb, repo, tmp_path, "--strict")
    assert strict.exit_code == 1 and "team-notes.txt: is a symlink" in strict.output, strict.output


def test_files_a_browser_runs_in_the_own_pages_folder_are_an_error_but_a_script_mkdocs_yml_names(tmp_path, monkeypatch):
    """A page's <script src="x.js"> with x.js beside it ran even under recur serve's CSP (script-src 'self'),
    and an .html or .svg file was published as it is. Each is named; a script mkdocs.yml's
    extra_javascript names (the maintainers' file) is the site's own and still published."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/x.js").write_text("alert(1)\n")
    (repo / "docs/page.md").write_text('# Page\n\n<script src="x.js"></script>\n')
    (repo / "docs/old").mkdir()
    (repo / "docs/old/p.HTML").write_text("<script>alert(2)</script>\n")
    (repo / "docs/i.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(3)"/>\n')
    (repo / "docs/ours.js").write_text("// the team's own\n")
    (repo / "docs/style.css").write_text("a { color: red }\n")
    cfg = repo / "mkdocs.yml"
    cfg.write_text(cfg.read_text() + "extra_javascript: [ours.js]\n")
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert "docs/x.js: a script in the site's own pages runs from the site" in r.output, r.output
    assert "name it there, or remove it" in r.output
    for name in ("old/p.HTML", "i.svg"):
        assert f"docs/{name}: an HTML, SVG or XML file is published as it is" in r.output, r.output
    assert "ours.js" not in r.output and "style.css" not in r.output and "page.md" not in r.output
    assert not out.exists()

    for name in ("x.js", "old/p.HTML", "i.svg"):
        (repo / "docs" / name).unlink()
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 0, r.output
    assert (out / "ours.js").is_file() and 'src="ours.js"' in (out / "oncall.html").read_text()
