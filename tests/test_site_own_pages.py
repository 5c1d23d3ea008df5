"""What a pull request can put on the site (security review of `recur site`), built with real mkdocs:
the site's own pages folder (mkdocs.yml's docs_dir) publishes no symlink and no file a browser runs as
it is, its Markdown pages are sanitised as KB pages are, and KB text cannot claim the ids and classes
the theme's and Recur's scripts read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb
from mkdocs.utils import markdown_extensions
from site_helpers import AS_OF, site_kb

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


def test_an_own_pages_folder_that_is_or_is_reached_through_a_symlink_or_lies_outside_is_an_error(tmp_path, monkeypatch):
    """`mv docs docs.real && ln -s /some/secretdir docs` built and published the secret folder's files: each
    file's link was refused but rglob followed the folder's. The folder itself, a folder between mkdocs.yml
    and it, and a docs_dir outside mkdocs.yml's folder are each an error naming it; nothing is written."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    secret = tmp_path / "secretdir"
    secret.mkdir()
    (secret / "token").write_text("s3cret-token-value\n")
    (repo / "docs").rename(repo / "docs.real")
    (repo / "docs").symlink_to(secret)
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 1 and "Traceback" not in r.output and "s3cret" not in r.output, r.output
    assert "docs: the site's own pages folder (mkdocs.yml's docs_dir) is reached through a symlink" in r.output
    assert not out.exists()

    (repo / "docs").unlink()
    (repo / "pages").symlink_to(secret.parent)  # docs_dir: pages/secretdir, through the link `pages`
    cfg = repo / "mkdocs.yml"
    plain = cfg.read_text()
    cfg.write_text(plain + "docs_dir: pages/secretdir\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 1 and "s3cret" not in r.output, r.output
    assert "pages: the site's own pages folder (mkdocs.yml's docs_dir) is reached through a symlink" in r.output
    assert not out.exists()

    cfg.write_text(plain + "docs_dir: ../secretdir\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 1 and "s3cret" not in r.output, r.output
    assert "secretdir: the site's own pages folder (mkdocs.yml's docs_dir) is not inside" in r.output, r.output
    assert "the folder of mkdocs.yml" in r.output and not out.exists()

    cfg.write_text(plain + "docs_dir: docs.real\n")  # the real folder: builds, the secret nowhere
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    assert (out / "oncall.html").is_file() and not (out / "token").exists()


def test_only_the_kinds_of_file_the_site_publishes_may_be_in_the_own_pages_folder(tmp_path, monkeypatch):
    """The list of what a browser runs (.html, .svg, .xml ...) missed .rss, .atom, .mml, .rdf (XML a
    browser renders, with its scripts): the folder holds Markdown, images, CSS, text, PDF, JSON, web
    fonts and CNAME, and any other file is named in the error."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    for name in ("feed.rss", "f.atom", "m.mml", "r.rdf", "x.xhtm"):
        (repo / "docs" / name).write_text("<x/>\n")
    for name in ("logo.png", "a.css", "robots.txt", "CNAME", "data.json", "f.woff2"):
        (repo / "docs" / name).write_bytes(b"ok\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    for name in ("feed.rss", "f.atom", "m.mml", "r.rdf", "x.xhtm"):
        assert f"docs/{name}: not a kind of file the site publishes from its own pages" in r.output, r.output
    for name in ("logo.png", "a.css", "robots.txt", "CNAME", "data.json", "f.woff2", "oncall.md"):
        assert name not in r.output
    assert not out.exists()
    for name in ("feed.rss", "f.atom", "m.mml", "r.rdf", "x.xhtm"):
        (repo / "docs" / name).unlink()
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    assert (out / "CNAME").read_bytes() == b"ok\n" and (out / "logo.png").is_file()


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
    r, out = _site(kb, repo, tmp_path)  # page.md's <script src="x.js"> is removed, with a warning naming it
    assert r.exit_code == 0 and "docs/page.md: the site removed <script> from this page" in r.output, r.output
    assert (out / "ours.js").is_file() and 'src="ours.js"' in (out / "oncall.html").read_text()


def _content(page: Path) -> str:
    """The page's article: what its Markdown made (the theme around it has scripts of its own)."""
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


def test_own_markdown_pages_are_sanitised_as_kb_pages_are(tmp_path, monkeypatch):
    """On a static host (no CSP) an own page's raw <img onerror>, <script> and javascript: link ran; and
    attr_list ids the theme reads could be written there too. They go through the KB pages' sanitiser;
    the page's text, its headings' anchors and a button class stay. Every page tells no other host which
    page a link or image came from."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/notes.md").write_text(
        "# Team notes\n\n## Escalation\n\n"
        '<img src="x.png" onerror="alert(1)"> after the image\n\n'
        "<script>alert(2)</script>\n\n"
        "[go](javascript:alert(3)) and [the wiki](https://wiki.example/x)\n\n"
        "Settings paragraph\n{: #__config }\n\n"
        "[Open the board](board/index.md){ .md-button .md-search__input }\n"
    )
    (repo / "docs/x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0 and "docs/notes.md: the site removed <script> from this page" in r.output, r.output
    page = (out / "notes.html").read_text(encoding="utf-8")
    content = _content(out / "notes.html")
    assert "onerror" not in content and "alert(2)" not in content and "javascript:" not in content, content
    assert '<img src="x.png"> after the image' in content
    assert 'href="https://wiki.example/x"' in content and 'id="escalation"' in content
    assert '<p id="h-__config">Settings paragraph</p>' in content  # renamed: the theme reads #__config
    assert re.findall(r'<[a-z]+ [^>]*id="__config"', page) == ['<script id="__config"']
    assert re.search(r'<a class="md-button" href="board/index.html">Open the board</a>', content), content
    assert '<meta name="referrer" content="no-referrer">' in page


def test_own_pages_keep_content_tabs_and_a_warning_names_what_the_sanitiser_removed(tmp_path, monkeypatch):
    """With pymdownx.tabbed and pymdownx.emoji on in mkdocs.yml, the sanitiser dropped the tabs' radio inputs
    and labels (the labels ran together: "LinuxmacOS") and emptied an icon's <svg>, without a word. An own
    page keeps the tabs (inputs of type radio and their labels, ids renamed alike) and the build warns,
    naming the page, of each element it still removes; --strict fails on it as on other warnings."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    cfg = repo / "mkdocs.yml"
    cfg.write_text(
        cfg.read_text()
        + "markdown_extensions:\n  - pymdownx.superfences\n  - pymdownx.tabbed: {alternate_style: true}\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
    )
    (repo / "docs/install.md").write_text(
        '# Install\n\n=== "Linux"\n\n    apt install x\n\n=== "macOS"\n\n    brew install x\n\n'
        '<input type="text" name="q"> <iframe src="https://evil.example"></iframe>\n'
    )
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    assert "docs/install.md: the site removed <iframe> from this page" in r.output, r.output
    assert "oncall.md" not in r.output
    content = _content(out / "install.html")
    assert '<input checked="checked" id="h-__tabbed_1_1" name="h-__tabbed_1" type="radio">' in content, content
    assert '<label for="h-__tabbed_1_1">Linux</label><label for="h-__tabbed_1_2">macOS</label>' in content
    assert '<input name="q">' in content and "iframe" not in content  # a text box is inert; no type=text

    (repo / "docs/icons.md").write_text("# Icons\n\nDone :material-check: and <script>alert(1)</script>\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    assert "docs/icons.md: the site removed <path>, <script>, <svg> from this page" in r.output, r.output
    assert "oncall.md" not in r.output
    strict, _ = _site(kb, repo, tmp_path, "--strict")
    assert strict.exit_code == 1 and "docs/icons.md: the site removed" in strict.output, strict.output


def test_kb_text_cannot_claim_the_ids_and_classes_the_scripts_read(tmp_path):
    """`{: #__config }` in a pattern put a <p id="__config"> with the writer's JSON before mkdocs-material's
    <script id="__config">, which the theme (its search index) and recur-suggest.js (siteRoot) read. Ids
    (ids renamed h-...) and classes starting __, md- or recur- are dropped from KB text; the ones Recur's page
    writes stay."""
    kb = site_kb(tmp_path / "kb")
    target = kb / "patterns/capacity/db-pool-exhausted.md"
    text = target.read_text()
    assert "## Summary\n" in text
    text = text.replace(
        "## Summary\n",
        '## Summary\n\n{"base": "https://evil.example", "search": "https://evil.example/w.js"}\n{: #__config }\n\n'
        "Claims the search box\n{: .md-search__input .recur-suggest .plain #md-search }\n\n"
        "Claims the copy status\n{: #recur-copy-status }\n\n",
        1,
    )
    target.write_text(text)
    out = tmp_path / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--strict", "--no-browser-search", "--index", str(tmp_path)]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    page = (out / "patterns/capacity/db-pool-exhausted.html").read_text(encoding="utf-8")
    assert re.findall(r'<[a-z]+ [^>]*id="__config"', page) == ['<script id="__config"'], page
    content = _content(out / "patterns/capacity/db-pool-exhausted.html")
    assert '<p class="plain" id="h-md-search">Claims the search box</p>' in content, content
    assert '<p id="h-recur-copy-status">Claims the copy status</p>' in content
    assert 'id="recur-copy-status"' not in content and "md-search__input" not in content
    # what Recur's own page Markdown writes is kept: the runbook's class (recur.js) and the path section's id
    assert '<h2 class="recur-runbook" id="runbook">' in content, content
    assert 'id="recur-onboarding-paths"' in content


def test_a_heading_with_a_reserved_id_keeps_an_anchor_its_toc_entry_and_links_lead_to(tmp_path, monkeypatch):
    """A heading "MD-5 sums" gets the id md-5-sums, which the site used to drop from the page (ids starting
    __, md- or recur- are the theme's and Recur's scripts'): the TOC entry and a link to it led nowhere.
    The site renames it h-md-5-sums, in the heading, its TOC entry and the links to it, in KB pages and
    the site's own pages alike; `recur check` has nothing to say about the link."""
    from kbfactory import pattern_text, write

    from recur.kb.check import check_path

    kb = small_kb(tmp_path / "kb")
    summary = "See [sums](#md-5-sums) and [cause](#root-cause).\n\n## MD-5 sums\n\nCompare them."
    write(kb, "patterns/capacity/linker.md", pattern_text("linker", signals=("LINKER_SIGNAL",), summary=summary))
    _, problems = check_path(kb, today=AS_OF)
    assert [p.message for p in problems if p.field == "link"] == []
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/runbook.md").write_text(
        "# Runbook\n\n## Checks\n\n### MD-5 checksum mismatch\n\nRe-download; [back](#md-5-checksum-mismatch).\n"
    )
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 0, r.output
    for page, slug in (("patterns/capacity/linker.html", "md-5-sums"), ("runbook.html", "md-5-checksum-mismatch")):
        html = (out / page).read_text(encoding="utf-8")
        assert re.search(rf'<h3 id="h-{slug}">MD-5 ', html), html
        assert f'href="#{slug}"' not in html and f'id="{slug}"' not in html
        # the page's link and the TOC entry (the sidebar) lead to the renamed id
        assert re.search(rf'<a href="#h-{slug}">(sums|back)</a>', html), html
        nav = html[html.index('data-md-component="toc"') :]
        assert f'href="#h-{slug}"' in nav


def test_an_own_page_links_a_kb_file_by_its_path_in_the_repository(tmp_path, monkeypatch):
    """Found in review: docs/guide.md linking a pattern as the repository has it, ../kb/patterns/...md (as
    GitHub and an editor follow it), failed `recur site --strict` ("target is not found") and shipped a dead
    link without it. A link to a KB file the site has a page for, relative to the page or (kb/...) to the
    repository's root, is the site's link to that page; a code span keeps what it shows."""
    import shutil

    repo = _team_repo(tmp_path, monkeypatch)
    shutil.rmtree(repo / "kb")
    kb = small_kb(repo / "kb")
    (repo / "docs/team").mkdir()
    (repo / "docs/team/guide.md").write_text(
        "# Guide\n\n[DNS](../../kb/patterns/network/dns-failure.md), [from the root](kb/patterns/capacity/disk-full.md),\n"
        "[an incident](../../kb/incidents/2026/INC-2026-0001.md) and [on-call](../oncall.md).\n\n"
        "The file is `../../kb/patterns/network/dns-failure.md`.\n\n"
        "[ref]: ../../kb/patterns/network/dns-failure.md\n\nSee [the reference][ref].\n"
        "```\n[not a link](../../kb/patterns/network/dns-failure.md)\n```\n"
    )
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 0, r.output
    html = (out / "team/guide.html").read_text()
    for target in ("patterns/network/dns-failure.html", "patterns/capacity/disk-full.html",
                   "incidents/2026/INC-2026-0001.html", "oncall.html"):  # fmt: skip
        assert f'href="../{target}"' in html, (target, html)
    assert html.count('href="../patterns/network/dns-failure.html"') == 2, html  # the link and the reference
    assert "<code>../../kb/patterns/network/dns-failure.md</code>" in html, html
    assert "[not a link](../../kb/patterns/network/dns-failure.md)" in html, html
    assert (repo / "docs/team/guide.md").read_text().count("../../kb/") == 5  # the repository's page as written


def test_an_own_pages_front_matter_and_heading_reach_the_theme_escaped(tmp_path, monkeypatch):
    """mkdocs-material writes an own page's front matter (title, subtitle, description, author, status) into the
    HTML as it is, past the sanitiser of the page's content: a title "<img src=x onerror=...>" ran script in the
    navigation of every page of a static host, a description broke out of its <meta>; a heading with no title
    in the front matter became the <title> through `| striptags`, which turns "&lt;" back into "<", and
    "&lt;/title&gt;&lt;script&gt;" ran; the redirect template ran a javascript: location. Found in a security
    review."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/guide.md").write_text(
        "---\n"
        "title: \"Guide <img src=x onerror=alert('title')> & co\"\n"
        "subtitle: \"<img src=x onerror=alert('subtitle')>\"\n"
        'description: \'desc"><img src=x onerror=alert("desc")>\'\n'
        'author: \'au"><img src=x onerror=alert("author")>\'\n'
        "status: 'new\" onmouseover=\"alert(1)'\n"
        "---\n# Guide\n\nText.\n"
    )
    (repo / "docs/heading.md").write_text("# Notes &lt;/title&gt;&lt;script&gt;alert('h1')&lt;/script&gt;\n\nText.\n")
    (repo / "docs/moved.md").write_text(
        "---\ntemplate: redirect.html\nlocation: \"javascript:alert('moved')\"\n---\nMoved.\n"
    )
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    assert "docs/moved.md: location \"javascript:alert('moved')\" left out" in r.output, r.output
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and '"><img' not in text, page
        assert "<script>alert" not in text and "javascript:alert" not in text, page
        assert not re.search(r'<[^>]* onmouseover="', text), page
    guide = (out / "guide.html").read_text(encoding="utf-8")
    assert "<title>Guide &lt;img src=x onerror=alert('title')&gt; &amp; co - Team KB</title>" in guide, guide[:2000]
    assert '<meta name="description" content="desc&quot;&gt;&lt;img' in guide
    heading = (out / "heading.html").read_text(encoding="utf-8")
    assert "<title>Notes &lt;/title&gt;&lt;script&gt;alert(&#39;h1&#39;)&lt;/script&gt; - Team KB</title>" in heading
    assert "Moved." in (out / "moved.html").read_text(encoding="utf-8")  # an ordinary page, not a redirect


def test_the_footers_previous_and_next_links_are_named_by_the_titles_escaped_once(tmp_path, monkeypatch):
    """With navigation.footer on, mkdocs-material escaped a page's title, which mkdocs gives as HTML, again in the
    previous and next links' aria-label: a screen reader said "Next: Tools &amp; access" (found in review). Recur
    reads material's footer with the title read as HTML (plugin.FooterFixed)."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    cfg = repo / "mkdocs.yml"
    cfg.write_text(
        cfg.read_text().replace("  name: material\n", "  name: material\n  features: [navigation.footer]\n", 1)
    )
    (repo / "docs/oncall.md").write_text('# Tools & access &lt;for&gt; "new" hires\n\nText.\n')
    (repo / "docs/zz.md").write_text("---\ntitle: Q&A <b>\n---\nText.\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    named = dict(
        re.findall(
            r'<a href="([^"]+)" class="md-footer__link[^"]*" aria-label="([^"]+)"',
            (out / "oncall.html").read_text(encoding="utf-8"),
        )
    )
    assert named["zz.html"] == "Next: Q&amp;A &lt;b&gt;", named
    previous = re.search(r'md-footer__link--prev" aria-label="([^"]+)"', (out / "zz.html").read_text(encoding="utf-8"))
    assert previous.group(1) == "Previous: Tools &amp; access &lt;for&gt; &#34;new&#34; hires", previous.group(1)


def test_an_own_page_cannot_pass_html_past_the_sanitiser_as_a_pre_rendered_block(tmp_path, monkeypatch):
    """A generated page's pre-rendered HTML (between "<!-- recur:html -->" lines) skips Markdown and is put back
    after the page is rendered; an own page's such lines did too, past the sanitiser, and its <img onerror> was
    published as written (found in a security review). In an own page they are Markdown's raw HTML, sanitised."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/slot.md").write_text(
        "# Slot\n\n<!-- recur:html -->\n<img src=x onerror=alert(1)>\n<!-- /recur:html -->\n\nAfter it.\n"
    )
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    content = _content(out / "slot.html")
    assert "onerror" not in content and "<img" in content and "After it." in content, content


def test_a_redirect_pages_location_is_read_as_a_browser_reads_it_and_keeps_its_query(tmp_path, monkeypatch):
    """The check of an own page's redirect ``location`` read the text as written: a browser's URL parser takes out
    every tab and newline and the C0 controls around it first, so ``"java\\tscript:alert(1)"`` and
    ``"\\x01javascript:..."`` passed and ran in Chromium. And a kept address was HTML-escaped, though the theme writes
    it into a ``<script>`` string: ``?space=OPS&page=Runbook`` redirected to ``&amp;page=`` (found in the re-read of
    the fix). A page of the site or an http(s) address is kept, percent-encoded where a browser would encode it."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    redirect = '---\ntemplate: redirect.html\nlocation: "{}"\n---\nMoved.\n'
    pages = {
        "tab": "java\\tscript:alert(1)",
        "ctl": "\\x01javascript:alert(2)",
        "nl": "jav\\nascript:alert(3)",
        "empty": " ",
        "wiki": "https://wiki.example.com/view?space=OPS&page=Runbook",
        "local": "oncall.html#paging",
        "odd": 'https://x.example/a b\\"<\\\\é',
    }
    for name, location in pages.items():
        (repo / f"docs/{name}.md").write_text(redirect.format(location))
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    for name in ("tab", "ctl", "nl", "empty"):
        assert f"docs/{name}.md: location " in r.output, r.output
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert "script:alert" not in page and "location.replace" not in page and "Moved." in page, page
    for name in ("wiki", "local", "odd"):
        assert f"docs/{name}.md: location" not in r.output, r.output
    replace = re.compile(r'window\.location\.replace\(\["([^"]*)",')
    wiki = replace.search((out / "wiki.html").read_text(encoding="utf-8"))
    assert wiki and wiki.group(1) == "https://wiki.example.com/view?space=OPS&page=Runbook", wiki
    assert replace.search((out / "local.html").read_text(encoding="utf-8")).group(1) == "oncall.html#paging"
    odd = replace.search((out / "odd.html").read_text(encoding="utf-8"))
    assert odd and odd.group(1) == "https://x.example/a%20b%22%3C%5C%C3%A9", odd


def test_a_teams_own_glossary_is_the_sites_glossary_and_strict_passes(tmp_path, monkeypatch):
    """The site began generating glossary.md after teams may have written their own docs/glossary.md: left out with
    a warning, as an own page at any generated path is, it turned the team's `recur site --strict` red on upgrade
    and dropped their page (found in a re-read). Theirs is the site's glossary (the nav's "Glossary" and every link
    to it), said in a note; a page at another generated path (model.md) is still left out with a warning."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/glossary.md").write_text("# Our glossary\n\n**Toil**: work we automate away.\n")
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 0, r.output
    assert "note: docs/glossary.md: your own page is the site's glossary" in r.output, r.output
    assert "warning" not in r.output.lower(), r.output
    glossary = (out / "glossary.html").read_text(encoding="utf-8")
    assert "work we automate away" in glossary and 'id="confidence"' not in glossary
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count('href="glossary.html"') == 2, home.count('href="glossary.html"')  # the nav's once, Ways in
    assert "the team&rsquo;s own" in home or "the team's own" in home
    assert "(runbook, needs analysis" not in home  # what the generated one says is not said of theirs
    (repo / "docs/model.md").write_text("# Model\n")
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 1 and "docs/model.md: the site generates a page of its own there" in r.output, r.output


@pytest.mark.parametrize("suffix", [s for s in markdown_extensions if s != ".md"])
def test_a_teams_own_glossary_under_any_suffix_mkdocs_reads_is_the_sites_glossary(tmp_path, monkeypatch, suffix):
    """Only docs/glossary.md was taken for the site's glossary: a team's docs/glossary.markdown (or .mdown, .mkdn,
    .mkd: mkdocs reads each as a page) was copied beside the generated glossary.md, both glossary.html, and mkdocs
    left theirs out with a warning that failed --strict (found in review). Any suffix mkdocs reads is the team's own
    page: theirs is the glossary, linked and in the nav, another own page is in the nav, and one at another generated
    page (model) is left out with Recur's warning, not mkdocs'."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / f"docs/glossary{suffix}").write_text("# Our glossary\n\n**Toil**: work we automate away.\n")
    (repo / f"docs/conventions{suffix}").write_text("# Runbook conventions\n\nNumbered steps.\n")
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 0, r.output
    assert f"note: docs/glossary{suffix}: your own page is the site's glossary" in r.output, r.output
    glossary = (out / "glossary.html").read_text(encoding="utf-8")
    assert "work we automate away" in glossary and 'id="confidence"' not in glossary
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count('href="glossary.html"') == 2, home.count('href="glossary.html"')  # the nav's once, Ways in
    assert 'href="conventions.html"' in home  # the nav lists the team's other page
    assert 'href="../glossary.html"' in (out / "paths/index.html").read_text(encoding="utf-8")
    (repo / f"docs/model{suffix}").write_text("# Model\n")
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 1 and f"docs/model{suffix}: the site generates a page of its own there" in r.output, r.output
    assert "conflicts with" not in r.output, r.output


def test_two_own_files_of_one_page_keep_the_md_one_everywhere_the_site_links_it(tmp_path, monkeypatch):
    """A team's docs/glossary.md beside docs/glossary.mkd (a file renamed, the old one left): both are glossary.html.
    The site took glossary.md for its glossary while mkdocs kept glossary.mkd, the one last in name order: the nav
    lost its Glossary and every generated link to it (the home page's, the paths') was dead, two notes each said
    its file was the glossary, and mkdocs' warning named no rule (found in a re-read). The .md file is the page,
    in the nav and every link; the other is left out with Recur's warning, which fails --strict."""
    kb = small_kb(tmp_path / "kb")
    repo = _team_repo(tmp_path, monkeypatch)
    (repo / "docs/glossary.md").write_text("# Our glossary\n\n**Toil**: work we automate away.\n")
    (repo / "docs/glossary.mkd").write_text("# Old glossary\n\n**Toil**: the old words.\n")
    (repo / "docs/oncall.markdown").write_text("# Old on-call\n\nThe old page.\n")
    r, out = _site(kb, repo, tmp_path)
    assert r.exit_code == 0, r.output
    for twin, kept in (("glossary.mkd", "glossary.md"), ("oncall.markdown", "oncall.md")):
        assert f"docs/{twin}: the same page as " in r.output and f"docs/{kept} (" in r.output, r.output
    assert "conflicts with" not in r.output and "not found among documentation files" not in r.output, r.output
    assert r.output.count("your own page is the site's glossary") == 1, r.output
    assert "work we automate away" in (out / "glossary.html").read_text(encoding="utf-8")
    assert "Page the storage team" in (out / "oncall.html").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count('href="glossary.html"') == 2 and "glossary.md" not in home, home.count('href="glossary.html"')
    assert 'href="../glossary.html"' in (out / "paths/index.html").read_text(encoding="utf-8")
    r, out = _site(kb, repo, tmp_path, "--strict")
    assert r.exit_code == 1 and "docs/glossary.mkd: the same page as" in r.output, r.output


def test_the_theme_keeps_no_copy_of_a_material_template_it_renders_in_its_place():
    """The footer's fix was a copy of mkdocs-material 9.8.2's partials/footer.html in the theme overrides: a team's
    `make constraints` may take a later material (pyproject asks >=9.5), and the copy outlived it, its footer the
    old one's (found in a re-read). The fix is made to the installed material's footer as it is read
    (plugin.FooterFixed); the overrides shadow only what they must: main.html (extends material's base.html) and
    the inline scripts served as files for the Content-Security-Policy."""
    import material

    from recur.site.plugin import FOOTER, FOOTER_FIX
    from recur.util import resources

    upstream = Path(material.__file__).parent / "templates"
    root = resources.overrides_dir()
    shadowed = {
        p.relative_to(root).as_posix() for p in root.rglob("*.html") if (upstream / p.relative_to(root)).exists()
    }
    assert shadowed == {"main.html", *(f"partials/javascripts/{n}.html" for n in ("base", "content", "palette"))}
    # the installed material's footer has what the fix replaces, once for each link: when an upgrade changes it,
    # this says so (the footer is then material's as it is: see if it still escapes a title twice)
    assert (upstream / FOOTER).read_text(encoding="utf-8").count(FOOTER_FIX[0]) == 2
