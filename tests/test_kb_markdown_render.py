"""KB Markdown as the site, its search, `recur suggest` and the API show it, against how GitHub shows the
same file (where authors check it): comments hidden, links and images written as CommonMark allows,
bare URLs linked, titles alike on every page (found by an author in review)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from kbfactory import small_kb, write_pattern
from site_helpers import recur_site

from recur.cli.main import cli
from recur.kb.loader import load_kb


def test_without_comments_hides_closed_comments_outside_code_and_keeps_line_numbers():
    from recur.kb.parse import without_comments

    assert without_comments("Run <!-- check this --> the command") == "Run the command"
    assert without_comments("Evicts keys. <!-- ask bob -->\nNext") == "Evicts keys.\nNext"
    assert without_comments("<!--\nlonger note\n-->\nText") == "\n\n\nText"  # 4 lines still
    assert without_comments("1. Run\n   <!-- note --> more") == "1. Run\n   more"
    # code is code, a comment never closed is text, an inline one ends at its paragraph's end
    for kept in ("keep `<!-- c -->` code", "```html\n<!-- in a fence -->\n```", "open <!-- never", "a <!-- b\n\nc -->"):
        assert without_comments(kept) == kept


def test_html_comments_are_hidden_on_the_site_in_its_search_and_in_suggest(tmp_path, monkeypatch):
    """`recur new incident` writes its Timeline and Decisions as HTML comments: the site showed them as text
    ("<!-- - HH:MM first signal / - HH:MM mitigated -->"), its search found them, and `recur suggest` printed
    "1. Run <!-- check this --> the command". The KB file keeps them."""
    kb = small_kb(tmp_path / "kb")
    path = write_pattern(
        kb,
        "redis-evictions",
        title="Redis evicting hot keys",
        signals=("OOM command not allowed when used memory",),
        summary="Redis hits maxmemory. <!-- ask bob about the graph -->\n\n<!--\nzebra note\n-->",
        runbook=("Run <!-- check this --> `redis-cli info memory` and compare with maxmemory.",),
    )
    written = path.read_text()
    records = set((kb / "incidents").rglob("*.md"))
    new = CliRunner().invoke(
        cli, ["new", "incident", "--kb", str(kb), "--no-input", "-t", "Checkout down", "-s", "sev2",
              "--pattern", "redis-evictions", "--date", "2026-04-01", "--summary", "Checkout returned 502."],
    )  # fmt: skip
    assert new.exit_code == 0, new.output
    # the one file it wrote (the newest by mtime could be small_kb's: both within one tick of a coarse clock)
    (record,) = set((kb / "incidents").rglob("*.md")) - records
    assert "<!-- - HH:MM first signal" in record.read_text()
    assert not load_kb(kb).errors
    res = recur_site(kb, tmp_path / "site", "--strict", "--no-browser-search")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "site/patterns/capacity/redis-evictions.html").read_text()
    assert "Redis hits maxmemory." in page and "Run <code>redis-cli info memory</code>" in page
    shown = page + (tmp_path / "site" / record.relative_to(kb).with_suffix(".html")).read_text()
    for comment in ("&lt;!--", "ask bob", "zebra", "check this", "HH:MM", "What was decided"):
        assert comment not in shown, comment
    index = (tmp_path / "site/search/search_index.json").read_text()
    assert "zebra" not in index and "HH:MM" not in index and "ask bob" not in index
    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    args = ["suggest", "--kb", str(kb), "--index", str(tmp_path / "index"), "-n", "1", "OOM command not allowed"]
    out = CliRunner().invoke(cli, args).stdout
    assert "1. Run `redis-cli info memory` and compare with maxmemory." in out, out
    top = json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)["results"][0]
    assert top["runbook"] == ["Run `redis-cli info memory` and compare with maxmemory."]
    assert "<!--" not in top["summary"]
    assert path.read_text() == written  # the file keeps its comments


def test_a_few_inline_tags_without_attributes_render_and_other_html_stays_text(tmp_path):
    """`<br>`, `<kbd>Ctrl</kbd>` showed as literal tags (GitHub renders them). Those of a small set, without
    attributes and closed on their line, render now; anything else is still text: KB text comes from any
    engineer's pull request and a static host has no Content-Security-Policy."""
    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb,
        "keys",
        summary="Press <kbd>Ctrl</kbd>+<kbd>C</kbd>,<br>then H<sub>2</sub>O<sup>2</sup> <em>now</em> <strong>x</strong>"
        " <code>a</code>.\n\n<em onclick=alert(1)>hi</em> <strong>never closed <img src=x onerror=alert(2)>"
        " <em><strong>crossed</em></strong> <div>block</div>",
    )
    res = recur_site(kb, tmp_path / "site", "--strict", "--no-browser-search")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "site/patterns/capacity/keys.html").read_text()
    assert (
        "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>,<br>then H<sub>2</sub>O<sup>2</sup> <em>now</em> <strong>x</strong>"
        " <code>a</code>." in page
    ), page
    assert (
        "&lt;em onclick=alert(1)&gt;hi&lt;/em&gt; &lt;strong&gt;never closed &lt;img src=x onerror=alert(2)&gt;" in page
    )
    assert "&lt;em&gt;&lt;strong&gt;crossed&lt;/em&gt;&lt;/strong&gt; &lt;div&gt;block&lt;/div&gt;" in page


def _png() -> bytes:
    """A 1x1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0")) + chunk(b"IEND", b"")
    )


def test_link_and_image_destinations_in_angle_brackets_work_on_the_site(tmp_path):
    """`![disk usage](<disk graph.png>)` and `[the disk page](<../capacity/disk-full.md>)` (CommonMark's way to
    write a name with spaces) passed check, but the site escaped the "<": `recur site --strict` failed on a
    link to "&lt;disk graph.png>", and a build without --strict shipped a broken image and a dead link."""
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns/capacity/disk graph.png").write_bytes(_png())
    write_pattern(
        kb,
        "angles",
        summary="See ![disk usage](<disk graph.png>) and [the pool page](<../capacity/db-pool-exhausted.md>).\n\n"
        "Also [the graph][g] and [no script](<javascript:alert(1)>).\n\n[g]: <disk graph.png>",
    )
    res = recur_site(kb, tmp_path / "site", "--strict", "--no-browser-search")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "site/patterns/capacity/angles.html").read_text()
    assert '<img alt="disk usage" src="disk%20graph.png">' in page, page
    assert '<a href="db-pool-exhausted.html">the pool page</a>' in page
    assert '<a href="disk%20graph.png">the graph</a>' in page
    assert '<a href="#">no script</a>' in page  # a script URL in angle brackets is none either
    assert (tmp_path / "site/patterns/capacity/disk graph.png").exists()


def test_check_reads_a_link_target_in_angle_brackets_as_the_site_does(tmp_path):
    """`recur check` read no link in `![a](<no such.png>)` (a space inside), and `[g]: <disk graph.png>` as a
    link to "disk" (a page with no extension, a false warning): it checks the name the site links now."""
    kb = small_kb(tmp_path / "kb")
    (kb / "patterns/capacity/disk graph.png").write_bytes(_png())
    write_pattern(
        kb,
        "angles",
        summary="![a](<no such.png>) ![b](<disk graph.png>) [c][g] [d][h]\n\n[g]: <disk graph.png>\n[h]: <gone file.png>",
    )
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--strict", "-q", str(kb / "patterns/capacity/angles.md")])
    links = [line for line in res.output.splitlines() if ": link: " in line]
    assert len(links) == 2 and res.exit_code != 0, res.output
    assert "'no such.png' is not a file of the knowledge base" in links[0]
    assert "'gone file.png' is not a file of the knowledge base" in links[1]


def test_bare_web_addresses_in_kb_text_are_links_on_the_site(tmp_path):
    """`## References` lines are written "Title: https://..." (every shipped pattern's are): GitHub links the
    address, the site showed it as text. A --strict build links them and fetches none."""
    kb = small_kb(tmp_path / "kb")
    path = write_pattern(kb, "refs", summary="Seen in (https://status.example/incidents/42).")
    path.write_text(
        path.read_text()
        + "\n## References\n\n- Postmortem: https://wiki.example/pm/123.\n"
        + "- [https://a.example](https://a.example), <https://b.example>, `https://c.example`\n"
    )
    res = recur_site(kb, tmp_path / "site", "--strict", "--no-browser-search")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "site/patterns/capacity/refs.html").read_text()
    assert 'Seen in (<a href="https://status.example/incidents/42">https://status.example/incidents/42</a>).' in page
    assert 'Postmortem: <a href="https://wiki.example/pm/123">https://wiki.example/pm/123</a>.</li>' in page
    # links already, and code, as they were
    assert (
        '<a href="https://a.example">https://a.example</a>, <a href="https://b.example">https://b.example</a>' in page
    )
    assert "<code>https://c.example</code>" in page


def test_a_title_with_markdown_reads_the_same_in_every_list_as_in_its_heading(tmp_path):
    """ "`maxmemory` *hot* keys" rendered in the pattern's heading but showed its backticks and asterisks in the
    patterns list and the by-tag, by-service and by-severity pages (and an incident's title likewise)."""
    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb,
        "hot-keys",
        title="`maxmemory` *hot* keys & <b>",
        extra_front="tags: [redis]\nservices: [cache]",
        related=("disk-full",),
    )
    CliRunner().invoke(
        cli, ["new", "incident", "--kb", str(kb), "--no-input", "-t", "*Checkout* down: `redis`", "-s", "sev2",
              "--pattern", "hot-keys", "--date", "2026-04-01", "--summary", "Checkout returned 502."],
    )  # fmt: skip
    res = recur_site(kb, tmp_path / "site", "--strict", "--no-browser-search")
    assert res.exit_code == 0, res.output
    site = tmp_path / "site"
    shown = "<code>maxmemory</code> <em>hot</em> keys &amp; &lt;b&gt;"
    assert shown in (site / "patterns/capacity/hot-keys.html").read_text()  # the heading, as it was
    for page in ("patterns/index", "patterns/by-tag", "patterns/by-service", "patterns/by-severity", "incidents/index"):
        html = (site / f"{page}.html").read_text()
        assert (
            f'<a href="../patterns/capacity/hot-keys.html">{shown}</a>' in html
            or f'<a href="capacity/hot-keys.html">{shown}</a>' in html
        ), page
        assert "`maxmemory`" not in html and "*hot*" not in html, page
    assert "<em>Checkout</em> down: <code>redis</code>" in (site / "incidents/index.html").read_text()
    assert "*Checkout*" not in (site / "patterns/capacity/hot-keys.html").read_text()


def test_suggest_prints_a_steps_code_block_as_lines_under_it_without_fences(tmp_path, monkeypatch):
    """A runbook step with a fenced block was printed on one line: "2. Check evictions: ```bash redis-cli info
    stats | grep evicted ```". Its lines now come under the step, indented, with no fence or language word."""
    kb = small_kb(tmp_path / "kb")
    path = write_pattern(kb, "evictions", signals=("OOM command not allowed when used memory",))
    runbook = (
        "1. Check memory:\n```\nredis-cli info memory\n```\n2. Check evictions:\n```bash\n"
        "redis-cli info stats | grep evicted\nredis-cli info keyspace\n```\n3. Raise maxmemory with `redis-cli config set`."
    )
    text = path.read_text()
    start = text.index("## Runbook\n") + len("## Runbook\n")
    path.write_text(text[:start] + runbook + "\n\n" + text[text.index("## Evidence") :])
    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    args = ["suggest", "--kb", str(kb), "--index", str(tmp_path / "index"), "-n", "1", "OOM command not allowed"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    steps = res.stdout.split("First steps:\n")[1].split("   read more")[0]
    assert steps == (
        "     1. Check memory:\n"
        "          redis-cli info memory\n"
        "     2. Check evictions:\n"
        "          redis-cli info stats | grep evicted\n"
        "          redis-cli info keyspace\n"
        "     3. Raise maxmemory with `redis-cli config set`.\n"
    ), steps


def test_check_names_the_line_of_a_step_below_a_step_commented_out(tmp_path):
    """The loader reads a runbook without its comments, so a step commented out is none; check's reader of the
    steps' lines counted it, and put step 2's warning at the commented line."""
    kb = small_kb(tmp_path / "kb")
    path = write_pattern(kb, "commented", runbook=("Run `redis-cli info memory`.", "Check it."))
    text = path.read_text()
    path.write_text(text.replace("\n2. Check it.", "\n<!--\n2. Old step we dropped.\n-->\n2. Check it."))
    line = path.read_text().split("\n").index("2. Check it.") + 1
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb), "-q", str(path)])
    steps = [out for out in res.output.splitlines() if "## Runbook" in out]
    assert len(steps) == 1 and f"commented.md:{line}: ## Runbook: warning: step 2 " in steps[0], res.output


def test_check_warns_of_no_link_in_a_comment_the_site_hides(tmp_path):
    """A link in an HTML comment is on no page: check warned of its missing file, and --strict failed on it."""
    kb = small_kb(tmp_path / "kb")
    path = write_pattern(kb, "hidden", summary="Text. <!-- was [the old page](old-page.md) -->\n\n[gone](gone.md)")
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb), "-q", str(path)])
    links = [line for line in res.output.splitlines() if ": link: " in line]
    assert len(links) == 1 and "'gone.md'" in links[0], res.output


def _rendered(text: str) -> str:
    import markdown

    from recur.kb.parse import MARKDOWN_EXTENSIONS
    from recur.site.md import kb_md

    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS).convert(kb_md(text))


def test_a_bare_url_stops_at_an_inline_tag_and_one_in_inline_code_stays_code():
    """A bare address right before a kept inline tag ran into it: "https://backup.example/console<br>then" showed
    "&lt;https://backup.example/console<br>&gt;then" (the tag's "<" was a mark the address's class took in). One
    inside <code>...</code> was linked (GitHub shows it as code) and broke the same way. An address stops at a
    mark too: an unclosed "[" after it (a mark by then) went into its link, and so did an escape's backslash."""
    assert _rendered("Backup console: https://backup.example/console<br>then the DR doc.") == (
        '<p>Backup console: <a href="https://backup.example/console">https://backup.example/console</a><br>'
        "then the DR doc.</p>"
    )
    assert _rendered("see https://a.example/y<kbd>K</kbd>") == (
        '<p>see <a href="https://a.example/y">https://a.example/y</a><kbd>K</kbd></p>'
    )
    code = "Fetch <code>curl https://grafana.example/d/disk</code> first, <CODE>https://b.example</CODE>."
    assert _rendered(code) == f"<p>{code}</p>"
    assert _rendered("<code>a</code> https://b.example <em>https://c.example</em>") == (
        '<p><code>a</code> <a href="https://b.example">https://b.example</a> '
        '<em><a href="https://c.example">https://c.example</a></em></p>'
    )
    assert _rendered("x https://a.example/x[y") == '<p>x <a href="https://a.example/x">https://a.example/x</a>[y</p>'
    assert _rendered("\\*https://b.example\\*") == '<p>*<a href="https://b.example">https://b.example</a>*</p>'
    assert _rendered("https://a.example/a\\b") == '<p><a href="https://a.example/a\\b">https://a.example/a\\b</a></p>'


def test_a_url_in_a_links_text_over_two_lines_or_in_its_title_is_not_linked_again():
    """The bare-URL pass counted a link's "[" on the URL's own line only: a link whose text wrapped onto a second
    line with an address in it rendered an anchor inside an anchor, and one in a link's quoted title became
    "see &lt;https://b.example&gt;". The open "[" is counted from the paragraph's start, across code spans; a
    link's destination and title are skipped to its closing parenthesis."""
    wrapped = "see the [runbook\nhttps://wiki.example/disk page](https://wiki.example/disk-runbook)."
    assert _rendered(wrapped) == (
        '<p>see the <a href="https://wiki.example/disk-runbook">runbook\nhttps://wiki.example/disk page</a>.</p>'
    )
    assert _rendered("[`df -h`\nhttps://wiki.example/disk](https://wiki.example/d)") == (
        '<p><a href="https://wiki.example/d"><code>df -h</code>\nhttps://wiki.example/disk</a></p>'
    )
    assert _rendered('[a](https://a.example "see https://b.example") and https://c.example') == (
        '<p><a href="https://a.example" title="see https://b.example">a</a> and '
        '<a href="https://c.example">https://c.example</a></p>'
    )
    assert _rendered('[w](https://a.example/w_(x) "t https://b.example")\nhttps://c.example') == (
        '<p><a href="https://a.example/w_(x)" title="t https://b.example">w</a>\n'
        '<a href="https://c.example">https://c.example</a></p>'
    )
    # a link closed on the line above, and a "[" closed in it, leave the next address a link
    assert _rendered("[a](https://a.example) [x]\nsee https://b.example") == (
        '<p><a href="https://a.example">a</a> [x]\nsee <a href="https://b.example">https://b.example</a></p>'
    )
    assert _rendered("[pm]: https://a.example/pm\n\n[pm] and https://b.example") == (
        '<p><a href="https://a.example/pm">pm</a> and <a href="https://b.example">https://b.example</a></p>'
    )


def test_a_comment_in_an_indented_code_block_is_code_on_the_site_as_in_the_file(tmp_path):
    """without_comments knew fenced code and code spans, not an indented block (4 spaces after a blank line), which
    the site shows as code: "    <!-- keep me -->" was taken out of the block. The same rule as the site's
    (parse.indented_code): in a list 4 spaces continue an item, and a comment opened above runs to its close."""
    from recur.kb.parse import without_comments

    block = "Run this:\n\n    <!-- keep me -->\n    x = 1\n"
    assert without_comments(block + "\nAfter <!-- gone --> it.") == block + "\nAfter it."
    assert without_comments("- a\n\n    <!-- note -->\n    more") == "- a\n\n    \n    more"
    assert without_comments("<!--\nold\n\n    step\n-->\nText") == "\n\n\n\n\nText"
    assert without_comments("Para\n    <!-- lazy --> on") == "Para\n    on"
    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "indented", summary=block + "\nAfter <!-- gone --> it.")
    res = recur_site(kb, tmp_path / "site", "--strict", "--no-browser-search")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "site/patterns/capacity/indented.html").read_text()
    assert "<pre><code>&lt;!-- keep me --&gt;\nx = 1\n</code></pre>" in page, page
    assert "After it." in page and "gone" not in page
