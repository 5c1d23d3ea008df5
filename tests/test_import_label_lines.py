"""`recur import` of a plain-text write-up made of "Label: value" lines, a megabyte of them (a KB import takes up
to 1 MiB): each people field (Owner:, Author:, Incident commander:) was looked for in the list of those read
before it, to be kept once, so a megabyte of "Owner:" lines took 55 s of CPU (150 s wall) where "Label N:" lines
take 3 s. The work is counted here, not timed (bench/pathological.py times both)."""

from __future__ import annotations

from recur.ingest.postmortem import Postmortem, _walk, parse


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
