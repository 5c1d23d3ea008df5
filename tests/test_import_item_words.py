"""`recur import` of action items whose words look like fields: a version, a region or a standard that looks
like a ticket key ("AES-256", "us-east-1"), a mention of a full name in a bracket, a dash for no owner, a
Google Docs person chip, a Confluence cell's line break, Markdown's backslash escapes. Our own text."""

import datetime as dt
import json

import pytest
from import_helpers import import_file

from recur.ingest.action_items import parse_action_items
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb


def one(line: str) -> dict:
    [it] = parse_action_items(f"- {line}\n")
    return it


@pytest.mark.parametrize(
    "line",
    [
        "Encrypt backups with AES-256 instead of the legacy cipher",
        "Enforce TLS-1.2 minimum on the partner gateway",
        "Fix UTF-8 decoding in the export job",
        "Migrate the batch nodes to ubuntu-22.04 AMIs",
        "Move the replica to us-east-1 and add one in eu-central-1",
        "Upgrade the session cache to redis-7 before the peak",
        "Patch CVE-2024-1234 on the bastion hosts",
        "Fail over US-EAST-1 to the standby",
        "Hash the tokens with SHA-256",
        "Follow RFC-9110 on cache headers",
    ],
)
def test_a_version_a_region_or_a_standard_is_no_ticket_and_stays_in_the_title(line):
    it = one(line)
    assert (it["title"], it["ticket"]) == (line, None)


def test_a_project_key_in_capitals_is_the_ticket_beside_such_words():
    assert [
        (it["title"], it["ticket"], it["owner"])
        for it in parse_action_items(
            "- Encrypt backups with AES-256 — SEC-41 — Dana Whitfield\n"
            "- Close the gap found in INFRA-12.\n"
            "- Add retries ([PAY-7](https://acme.atlassian.net/browse/PAY-7))\n"
            "- Pin the image to ubuntu-22.04 (OPS-9)\n"
        )
    ] == [
        ("Encrypt backups with AES-256", "SEC-41", "Dana Whitfield"),
        ("Close the gap found in", "INFRA-12", None),
        ("Add retries", "PAY-7", None),
        ("Pin the image to ubuntu-22.04", "OPS-9", None),
    ]


def test_a_ticket_column_s_key_leaves_the_title_only_where_it_stands_alone():
    [it] = parse_action_items("| Action | Ticket |\n|---|---|\n| Split OPS-123 into two jobs | OPS-12 |\n")
    assert (it["title"], it["ticket"]) == ("Split OPS-123 into two jobs", "OPS-12")


def test_an_imported_follow_up_keeps_a_cipher_in_its_title_and_has_no_ticket(kb_dir, tmp_path):
    text = (
        "# Backups readable by the old key\nDate: 2026-11-20\nSeverity: SEV3\n## Summary\nThe old key read backups.\n"
        "## Action items\n- [ ] Encrypt backups with AES-256 instead of the legacy cipher\n"
        "- [ ] Enforce TLS-1.2 minimum on the partner gateway — SEC-41\n"
    )
    result = import_file(kb_dir, tmp_path / "pm" / "keys.md", text, "--json", "--pattern", "dns-failure")
    assert result.exit_code == 0, result.output
    inc = load_kb(kb_dir).incidents[json.loads(result.output)["incident"]]
    assert [(f.title, f.ticket) for f in inc.follow_ups] == [
        ("Encrypt backups with AES-256 instead of the legacy cipher", None),
        ("Enforce TLS-1.2 minimum on the partner gateway", "SEC-41"),
    ]


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Revert the poll default (@Lena Fischer)", ("Revert the poll default", "Lena Fischer", None)),
        (
            "Add lag growth alert (@Dana Whitfield, due 2026-12-01)",
            ("Add lag growth alert", "Dana Whitfield", dt.date(2026, 12, 1)),
        ),
        ("Add lag growth alert (@Dana Whitfield; OPS-4)", ("Add lag growth alert", "Dana Whitfield", None)),
        ("Document the poll limit (@lena.fischer)", ("Document the poll limit", "lena.fischer", None)),
        ("Document the poll limit — @Omar Haddad", ("Document the poll limit", "Omar Haddad", None)),
    ],
)
def test_a_mention_of_a_full_name_in_a_bracket_is_the_whole_owner(line, want):
    it = one(line)
    assert (it["title"], it["owner"], it["due"]) == want


def test_a_mention_in_a_sentence_keeps_its_words():
    it = one("Ask @Kim Lee to review the poll limit")
    assert it["title"] == "Ask @Kim Lee to review the poll limit"


@pytest.mark.parametrize("dash", ["-", "\\-", "—", "–"])
def test_a_dash_for_an_owner_is_no_owner(dash):
    [cell] = parse_action_items(
        f"| Action | Owner | Due |\n|---|---|---|\n| Cache negative answers | {dash} | 2026-12-01 |\n"
    )
    labelled = one(f"Cache negative answers (owner: {dash})")
    piped = one(f"Cache negative answers | Owner: {dash} | Due: 2026-12-01")
    assert [(it["title"], it["owner"]) for it in (cell, labelled, piped)] == [("Cache negative answers", None)] * 3


@pytest.mark.parametrize(
    ("line", "want"),
    [
        (
            "Add a panel — **Owner:** [Aiko Tanaka](mailto:aiko.tanaka@acme.io) — **Due:** 2026-12-12",
            ("Add a panel", "Aiko Tanaka", dt.date(2026, 12, 12)),
        ),
        (
            "Add retries — [Tom Becker](mailto:tom.becker@acme.io) — 2026-12-19",
            ("Add retries", "Tom Becker", dt.date(2026, 12, 19)),
        ),
        (
            "Document the limit (owner: [Lena Fischer](mailto:lena@acme.io))",
            ("Document the limit", "Lena Fischer", None),
        ),
    ],
)
def test_a_person_chip_in_an_item_is_read_as_its_owner_s_name(line, want):
    it = one(line)
    assert (it["title"], it["owner"], it["due"]) == want


def test_a_mailto_link_that_names_no_person_is_no_owner():
    it = one("Mail [support](mailto:support@acme.io) the new limit")
    assert it["owner"] is None and it["title"].startswith("Mail [support]")


CONFLUENCE = """\
# Sessions lost after cache eviction
Date: 2026-11-20
## Action items
| # | Action | Owner | Due | Status |
|---|---|---|---|---|
| 1 | Lower `maxmemory` to 11gb and set `allkeys-lru`<br>_apply to all session clusters_ | @Jonas Albrecht | 04 Dec 2026 | To Do |
| 2 | Persist sessions to Postgres as a fallback | @Jonas Albrecht<br>@Ana Ruiz | 15 Jan 2027 | To Do |
| 3 | Add a runbook<br/>for sentinel failover | Sofia Marquez<br>Ana Ruiz | 2026-12-20<br>(moved from 2026-12-10) | To Do |
"""


def test_a_line_break_in_a_table_cell_joins_the_title_and_the_first_owner_owns_it():
    assert [(a["title"], a["owner"], a["due"]) for a in parse(CONFLUENCE).action_items] == [
        (
            "Lower maxmemory to 11gb and set allkeys-lru; apply to all session clusters",
            "Jonas Albrecht",
            dt.date(2026, 12, 4),
        ),
        ("Persist sessions to Postgres as a fallback", "Jonas Albrecht", dt.date(2027, 1, 15)),
        ("Add a runbook for sentinel failover", "Sofia Marquez", dt.date(2026, 12, 20)),
    ]


def test_the_owners_a_cell_s_line_break_leaves_out_are_named_in_the_notes(fresh_kb, tmp_path):
    # a follow-up has one owner (docs/kb-format.md): the first is kept, and the others were dropped unsaid
    r = import_file(
        fresh_kb, tmp_path / "pm.md", CONFLUENCE.replace("Marquez<br>Ana Ruiz", "Marquez<br>Ana Ruiz<br>@lee"), "--json"
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    notes = [n for n in out["notes"] if "owner" in n]
    assert notes == [
        "follow-up 'Persist sessions to Postgres as a fallback': owner 'Jonas Albrecht' recorded, 'Ana Ruiz' left "
        "out (its owner cell names 2; a follow-up has one owner: give each their own follow-up if they share it)",
        "follow-up 'Add a runbook for sentinel failover': owner 'Sofia Marquez' recorded, 'Ana Ruiz', 'lee' left "
        "out (its owner cell names 3; a follow-up has one owner: give each their own follow-up if they share it)",
    ], out["notes"]
    inc = load_kb(fresh_kb).incidents[out["incident"]]
    assert [f.owner for f in inc.follow_ups] == ["Jonas Albrecht", "Jonas Albrecht", "Sofia Marquez"]


def test_a_cell_s_first_line_naming_no_one_leaves_the_owner_to_the_next():
    # "TBD<br>Ana Ruiz": the owner is Ana Ruiz, nothing left out ("TBD" was the owner read, none recorded)
    text = CONFLUENCE.replace("Sofia Marquez<br>Ana Ruiz", "TBD<br>Ana Ruiz")
    pm = parse(text)
    assert [a["owner"] for a in pm.action_items] == ["Jonas Albrecht", "Jonas Albrecht", "Ana Ruiz"]
    assert [t for t, *_ in pm.owners_left] == ["Persist sessions to Postgres as a fallback"]


def test_markdown_backslash_escapes_are_read_before_an_item_s_fields():
    items = parse_action_items(
        "- [ ] notifier: retry push sends on DNS errors \\(owner: Lena Fischer, due Dec 1, 2026\\)  \n"
        "- [ ] Add NodeLocal DNSCache to eu\\-west\\-1 \\- [Tom Becker](mailto:tom.becker@acme.io) \\- Dec 19, 2026  \n"
        "- [ ] Raise `max\\_concurrent` to 1000 \\- Aiko Tanaka \\- 2026\\-12\\-01\n"
    )
    assert [(a["title"], a["owner"], a["due"]) for a in items] == [
        ("notifier: retry push sends on DNS errors", "Lena Fischer", dt.date(2026, 12, 1)),
        ("Add NodeLocal DNSCache to eu-west-1", "Tom Becker", dt.date(2026, 12, 19)),
        ("Raise max_concurrent to 1000", "Aiko Tanaka", dt.date(2026, 12, 1)),
    ]


def test_a_line_break_in_a_list_item_joins_its_lines():
    assert one("Sessions re-created manually<br>by forcing logout")["title"] == (
        "Sessions re-created manually by forcing logout"
    )


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Check sentinel config — - — TBD", ("Check sentinel config", None)),
        ("Check sentinel config — Priya Shah — TBD", ("Check sentinel config", "Priya Shah")),
        ("Check sentinel config — N/A", ("Check sentinel config", None)),
        ("Check sentinel config — all regions", ("Check sentinel config — all regions", None)),
    ],
)
def test_dash_fields_left_to_fill_in_leave_the_title(line, want):
    it = one(line)
    assert (it["title"], it["owner"], it["due"]) == (*want, None)


def test_a_name_before_a_slash_date_of_either_order_is_the_owner_and_the_date_said_unread():
    pm = parse(
        "# DNS failures\nDate: 2026-11-03\n## Action items\n"
        "- [ ] Add the rejects counter to the CoreDNS dashboard \\- Aiko Tanaka \\- 12/01/2026\n"
    )
    assert [(a["title"], a["owner"], a["due"]) for a in pm.action_items] == [
        ("Add the rejects counter to the CoreDNS dashboard", "Aiko Tanaka", None)
    ]
    assert pm.unread_dues == [("Add the rejects counter to the CoreDNS dashboard", "12/01/2026")]


@pytest.mark.parametrize("tail", ["[Dana]", "[runbook]", "Title"])
def test_a_dash_field_of_real_words_stays_in_the_title(tail):
    """A dash field was dropped as "left to fill in" by the whole template-placeholder list ("[…]", "Title"),
    not by what a field left blank says (a dash, TBD, TBC, TBA, N/A, ?): "Add pool alert — [Dana]" lost
    "[Dana]" without a note (found in a re-read); a blank field still goes."""
    [it] = parse_action_items(f"- [ ] Add pool alert — {tail}\n")
    assert it["title"] == f"Add pool alert — {tail}", it
    [blank] = parse_action_items("- [ ] Add pool alert — TBC — 2026-12-19\n")
    assert blank["title"] == "Add pool alert", blank
