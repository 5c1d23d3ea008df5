"""`recur import` of an HTML page imported before and saved again with other markup and the same text (a
reviewer's, 2026-12): it was "changed since it was imported", exit 3, where a Markdown file's trailing spaces
are the same content. Our own page."""

import json
import re
from pathlib import Path

from import_helpers import import_file

from recur.ingest.importer import content_hash, document_hashes

PAGE = (
    '<html><head><title>Ops : Postmortem - Cron backlog</title></head><body><div class="wiki-content">\n'
    "<h1>Postmortem - Cron backlog delays invoices</h1>\n"
    '<p class="auto-cursor-target"><strong>Date:</strong> 2026-11-19</p><p><strong>Severity:</strong> SEV 3</p>\n'
    "<h2>Summary</h2><p>The invoice cron fell two hours behind after a lock was never released.</p>\n"
    "<h2>Action items</h2><ul><li>Release the lock on exit (Owner: Mia Cho, due 2026-12-10) OPS-31</li></ul>\n"
    "</div></body></html>\n"
)


def test_an_html_page_saved_again_with_other_markup_is_the_same_content(fresh_kb, tmp_path):
    path = tmp_path / "pm" / "cron.html"
    first = import_file(fresh_kb, path, PAGE, "--json")
    assert first.exit_code == 0, first.output
    # the markup changed, its text not: another class, a heading's id and line breaks, spaces between words
    resaved = PAGE.replace(' class="auto-cursor-target"', "").replace(
        "<h2>Summary</h2>", '<h2 id="s">\nSummary</h2>\n\n'
    )
    resaved = resaved.replace("fell two", "fell  two")
    again = import_file(fresh_kb, path, resaved, "--json")
    assert again.exit_code == 0, again.output  # was 3, "the document changed since it was imported"
    assert json.loads(again.stdout)["already"]["by"] == "content"
    # its words changed: changed, as before
    edited = import_file(fresh_kb, path, resaved.replace("two hours", "three hours"), "--json")
    assert edited.exit_code == 3, edited.output


def test_a_page_imported_before_the_markdown_was_compared_is_still_recognised(fresh_kb, tmp_path):
    path = tmp_path / "pm" / "cron.html"
    out = json.loads(import_file(fresh_kb, path, PAGE, "--json").stdout)
    record = Path(out["incident_path"])
    # a record written before holds the digest of the file as written
    record.write_text(re.sub(r'"sha256": "\w+"', f'"sha256": "{content_hash(PAGE)}"', record.read_text()))
    again = import_file(fresh_kb, path, PAGE, "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["already"]["by"] == "content", again.output


def test_an_html_page_with_a_byte_order_mark_is_compared_by_its_markdown():
    # the parse took the mark out before converting, the digest did not: the page was compared as written, never by
    # its Markdown, and any other markup read as "changed since it was imported", exit 3 (found in review). The file
    # as written, mark and all, is still the second digest: an earlier record holds it
    marked = "\ufeff" + PAGE
    assert document_hashes(marked) == (document_hashes(PAGE)[0], content_hash(marked))
    assert document_hashes("\ufeff# Outage\n\nDB down.\n") == (content_hash("\ufeff# Outage\n\nDB down.\n"),)


def test_an_html_page_with_a_byte_order_mark_left_saved_again_is_the_same_content(fresh_kb, tmp_path):
    # reading UTF-8 drops one mark; a file saved with two (an editor adding its own) kept the second
    path = tmp_path / "pm" / "cron.html"
    first = import_file(fresh_kb, path, "", "--json", raw=("\ufeff\ufeff" + PAGE).encode())
    assert first.exit_code == 0, first.output
    resaved = "\ufeff\ufeff" + PAGE.replace(' class="auto-cursor-target"', "").replace(
        "<h2>Summary</h2>", "<h2>\nSummary</h2>"
    )
    again = import_file(fresh_kb, path, "", "--json", raw=resaved.encode())
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["already"]["by"] == "content"
    # a record imported before holds the digest of the file as read, its mark and all: still recognised
    record = Path(json.loads(first.stdout)["incident_path"])
    earlier = content_hash("\ufeff" + PAGE)
    record.write_text(re.sub(r'"sha256": "\w+"', f'"sha256": "{earlier}"', record.read_text()))
    old = import_file(fresh_kb, path, "", "--json", raw=("\ufeff\ufeff" + PAGE).encode())
    assert old.exit_code == 0 and json.loads(old.stdout)["already"]["by"] == "content", old.output
