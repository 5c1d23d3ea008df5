"""`recur import` of a plain-text write-up made of "Label: value" lines, a megabyte of them (a KB import takes up
to 1 MiB): each people field (Owner:, Author:, Incident commander:) was looked for in the list of those read
before it, to be kept once, so a megabyte of "Owner:" lines took 55 s of CPU (150 s wall) where "Label N:" lines
take 3 s; a key/value table's ticket rows ("| Incident | INC-1 |") each looked through the sections read before
it. The work is counted here, not timed (bench/pathological.py times both)."""

from __future__ import annotations

from recur.ingest.postmortem import Postmortem, _kv_section, _sections, _Walk, _walk, parse


class CountedPeople(list):
    """A postmortem's people, counting the entries looked at by ``in`` and by iterating them."""

    looked_at = 0

    def __contains__(self, item):
        self.looked_at += len(self)
        return super().__contains__(item)

    def __iter__(self):
        self.looked_at += len(self)
        return super().__iter__()


def test_many_people_lines_are_read_without_looking_through_those_read_before():
    pm = Postmortem(people=CountedPeople())
    lines = [f"{label}: person {i}" for i in range(2000) for label in ("Owner", "Author", "Incident commander")]
    _walk(pm, lines, 1)
    assert len(pm.people) == len(lines)  # each a person of its own, kept
    looked_at = pm.people.looked_at
    assert looked_at < 10 * len(lines), looked_at  # was 18 million: all those read before, for each


def test_a_person_read_twice_is_kept_once_in_the_order_first_read():
    pm = parse(
        "Postmortem: Checkout down\n\nOwner: Ana Ruiz\nAuthor: Lee Park\nOwner: Ana Ruiz\n"
        "Author: Ana Ruiz\nIncident commander: Lee Park\nAuthor: Lee Park\n\nSummary\nCheckout failed.\n"
    )
    assert pm.people == [
        ("Owner", "Ana Ruiz"),
        ("Author", "Lee Park"),
        ("Author", "Ana Ruiz"),
        ("Incident commander", "Lee Park"),
    ]


class CountedChunks(list):
    """A walk's chunks (section, lines, label), counting the chunks looked at by iterating them."""

    looked_at = 0

    def __iter__(self):
        self.looked_at += len(self)
        return super().__iter__()


def test_many_ticket_rows_are_read_without_looking_through_the_chunks_before():
    """A key/value table's "| Incident | INC-1 |" rows, each the References line of a ticket, kept once."""
    w, n = _Walk(), 3000
    w.chunks = CountedChunks()
    for i in range(n):
        _kv_section(Postmortem(), w, "Incident", None, f"INC-{i}")
    _kv_section(Postmortem(), w, "Incident", None, "INC-7")  # read before: not again
    looked_at = w.chunks.looked_at
    assert looked_at < 10 * n, looked_at  # was 9 million: each row looked through all the chunks before it
    assert [lines for name, lines, _ in w.chunks if name == "References"] == [
        [f"- Incident: INC-{i}"] for i in range(n)
    ]


def test_a_ticket_row_the_titles_suffix_gave_is_kept_once():
    pm = parse(
        "# Redis down Postmortem (INC-3312)\n\n| **Incident** | INC-3312 |\n|---|---|\n| **Date** | 2026-11-27 |\n"
    )
    assert pm.sections["References"].count("INC-3312") == 1, pm.sections


class CountedSections(dict):
    """A postmortem's sections, counting the characters written into them."""

    written = 0

    def __setitem__(self, name, text):
        self.written += len(text)
        super().__setitem__(name, text)


def test_a_section_met_again_and_again_is_joined_once():
    """Detail lines ("Team: payments"), each a chunk of the Details section, which each was joined to."""
    pm, w = Postmortem(sections=CountedSections()), _Walk()
    w.chunks = [("Details", [f"- Team: team {i}"], "") for i in range(3000)]
    _sections(pm, w)
    assert pm.sections == {"Details": "\n".join(f"- Team: team {i}" for i in range(3000))}
    written = pm.sections.written
    assert written < 2 * len(pm.sections["Details"]), written  # was 78 million: the whole, each time


def test_detail_lines_and_sections_met_twice_read_as_before():
    pm = parse(
        "# Checkout down\n\nTeam: payments\nEnvironment: production\n\n## Summary\n\nIt broke.\n\n"
        "## Root cause\n\nA bad deploy.\n\n## Summary\n\nIt broke again.\n"
    )
    assert pm.sections["Details"] == "- Team: payments\n- Environment: production"
    assert pm.sections["Summary"] == "It broke.\n\nIt broke again."
