"""`recur import` of hostile nesting (security review of 2026-12): 8,000 nested ``<ul><li>`` in an HTML
export (64 KB) took 114 s and 498 MB, 60,000 levels (480 KB) 21.8 GB, as each level's items were
indented three blanks more; lines of a lead-in ("Follow-ups:") read the rest of the document again
each. The work is counted here, not timed (bench/pathological.py times both)."""

from __future__ import annotations

from recur.ingest.pm_markup import MAX_LIST_DEPTH, html_to_markdown
from recur.ingest.postmortem import Postmortem, _walk


def nested_lists(depth: int, text: str = "deepest item") -> str:
    return "<h1>DB outage</h1><h2>Timeline</h2>" + "<ul><li>" * depth + text + "</li></ul>" * depth


def test_html_lists_nested_thousands_deep_make_markdown_of_linear_size():
    html = nested_lists(3000)
    md = html_to_markdown(html)
    assert len(md) < 20 * len(html), len(md)  # was 13.5 million characters (3 blanks a level, each line)
    deepest = [ln for ln in md.split("\n") if "deepest item" in ln]
    assert deepest == ["   " * (MAX_LIST_DEPTH - 1) + "- deepest item"]


def test_html_lists_of_ordinary_depth_keep_their_indentation():
    md = html_to_markdown("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>")
    assert [ln for ln in md.split("\n") if ln.strip()] == ["- a", "   - b", "      1. c"]


class CountedLines(list):
    """The lines of a document, counting the lines copied by slices of them."""

    copied = 0

    def __getitem__(self, i):
        if isinstance(i, slice):
            self.copied += len(range(*i.indices(len(self))))
        return super().__getitem__(i)


def test_many_lead_in_lines_are_read_without_copying_the_rest_of_the_document():
    lines = CountedLines(["## Summary", "", *["Follow-ups:"] * 5000, "- fix it"])
    _walk(Postmortem(), lines, 1)
    assert lines.copied < 10 * len(lines), lines.copied  # was 12.5 million: the rest, for each lead-in


def test_a_lead_in_still_starts_the_follow_ups_its_list_gives():
    lines = ["## Summary", "", "It broke.", "", "Follow-ups:", "", "- Add an alert"]
    w = _walk(Postmortem(), lines, 1)
    assert ("Action items", ["- Add an alert"]) in [(name, [ln for ln in body if ln]) for name, body, _ in w.chunks]
