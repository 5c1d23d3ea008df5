"""E-mail addresses in KB prose (recur.kb.emails): `recur check` warns of each line of a pattern, an incident or an
onboarding path holding one that may be a person's, naming file, line and field with the address masked, so
`--strict` fails on it; of the eval cases too (a query `recur feedback export` wrote). Found in the privacy review:
"customer jane.doe@… reported 502s" in an incident's text passed `recur check --strict`, and `recur site` published it
(its page, search index and browser bundle). Fields meant for a contact (owners, a review's owner, a team's own
contact keys, an incident's ## People, a body line's contact label such as "Owner:"), documentation's reserved
domains, role and system addresses, placeholders and a URL's user are not said."""

from __future__ import annotations

import json

from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern

from recur.cli.main import cli

CUSTOMER = "jane.doe@example-customer.com"
COLLEAGUE = "ana.ruiz@acme.io"

# no person's address to publish: never said
NOT_PERSONAL = (
    "write to someone@example.com or ops@example.org",
    "a bounce for test@mail.example.net and x@host.example, y@a.test, z@b.invalid, w@localhost",
    "page oncall@acme.io, payments-oncall@acme.io or security@acme.io; mail from noreply@acme.io",
    "ssh ubuntu@ip-10-0-1-2.ec2.internal then deploy@web1.acme.io",
    "git clone git@github.com:acme/payments.git",
    "postgres://app@db.acme.io:5432/pay, https://jane@host.acme.io/x and (redis://u:${REDIS_PASSWORD}@cache.acme.io)",
    "user@company.com and first.last@company.com stand for one",
    "@app.route('/x') and pkg@1.2.3 and image@sha256:abc",
)


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in r.output, r.output
    return r


def _check(kb, *flags):
    r = run("check", "--kb", kb, "--stale-days", "0", "--format", "json", *flags)
    return r.exit_code, json.loads(r.stdout)


def _addresses(doc) -> list[tuple[str, int, str, str]]:
    return [
        (p["file"].split("/kb/", 1)[1], p["line"], p["field"], p["level"])
        for p in doc["problems"]
        if "e-mail address" in p["message"]
    ]


def test_a_person_s_address_is_found_and_reserved_role_and_placeholder_ones_are_not():
    from recur.kb import emails

    assert emails.found_in(f"Customer {CUSTOMER} reported 502s") == ["j…@e…"]
    assert emails.found_in(f"mailto:{CUSTOMER}, and {COLLEAGUE} twice: {COLLEAGUE}") == ["j…@e…", "a…@a…"]
    assert emails.found_in(f"Reported by:{CUSTOMER} via https://status.acme.io") == ["j…@e…"]
    for text in NOT_PERSONAL:
        assert emails.found_in(text) == [], text
    assert emails.contact_key("follow_ups[2].owner") and emails.contact_key("review.owner")
    assert emails.contact_key("team_email") and emails.contact_key("contacts[1]")
    assert (
        not emails.contact_key("customer_email") and not emails.contact_key("summary") and not emails.contact_key(None)
    )


def test_check_warns_of_an_address_in_prose_by_file_line_and_field_but_not_in_contact_fields(tmp_path):
    kb = small_kb(tmp_path / "kb")
    assert _check(kb, "--strict")[0] == 0  # the small KB is clean
    write_pattern(
        kb,
        "mail-bounces",
        "dependencies",
        title="Transactional mail bounces",
        signals=("550 5.1.1 user unknown", f"delivery failed for {CUSTOMER}", *NOT_PERSONAL),
        extra_front=f"owner: {COLLEAGUE}\nfix: {{status: open, owner: {COLLEAGUE}}}\nteam_email: payments@acme.io",
    )
    write(
        kb,
        "incidents/2026/INC-2026-0003.md",
        f"""---
id: INC-2026-0003
title: Checkout 502s
date: 2026-03-05
severity: sev3
review: {{level: light, status: pending, due: 2026-03-20, owner: {COLLEAGUE}}}
follow_ups:
  - title: Add a canary
    owner: {COLLEAGUE}
    status: open
customer_email: {CUSTOMER}
---

## Summary
Customer {CUSTOMER} reported 502s at checkout; oncall@acme.io was paged.

## People
- Incident commander: {COLLEAGUE}
""",
    )
    write(kb, "paths/mail.yml", f"title: Mail\nsteps:\n  - pattern: mail-bounces\n    why: {CUSTOMER} saw it first\n")
    status, doc = _check(kb, "--strict")
    assert status == 1 and not doc["ok"], doc
    assert sorted(_addresses(doc)) == [
        ("incidents/2026/INC-2026-0003.md", 11, "customer_email", "warning"),
        ("incidents/2026/INC-2026-0003.md", 15, "## Summary", "warning"),
        ("paths/mail.yml", 4, "steps[0].why", "warning"),
        ("patterns/dependencies/mail-bounces.md", 10, "signals[1]", "warning"),
    ], doc["problems"]
    said = [p["message"] for p in doc["problems"] if "e-mail address" in p["message"]]
    assert all("'j…@e…'" in m and "the site publishes it" in m for m in said), said
    assert CUSTOMER not in json.dumps(doc) and "example-customer" not in json.dumps(doc)  # masked
    assert COLLEAGUE not in json.dumps(doc)  # its contact fields are not said at all
    assert _check(kb)[0] == 0  # a warning: only --strict fails on it
    # written without the address, it is said no more, and --strict passes
    for rel in ("incidents/2026/INC-2026-0003.md", "paths/mail.yml", "patterns/dependencies/mail-bounces.md"):
        (kb / rel).write_text((kb / rel).read_text().replace(CUSTOMER, "a customer"))
    assert _check(kb, "--strict")[0] == 0


def test_the_eval_cases_are_said_as_the_repository_keeps_them_with_the_same_exemptions(tmp_path):
    """`recur feedback export` writes what people asked into eval/cases.yml, and a customer's address in a query
    passed `recur check --strict` (the cases were not read for addresses: the site has no page of them, but the
    repository keeps them)."""
    kb = small_kb(tmp_path / "kb")
    old = (kb / "eval/cases.yml").read_text()
    first = old.count("\n") + 1
    added = (
        f'- query: "mail to {CUSTOMER} bounces"\n  expect: [disk-full]\n'
        + "".join(f"- query: {json.dumps(text)}\n  expect: [disk-full]\n" for text in NOT_PERSONAL)
        + f"- query: disk full again\n  expect: [disk-full]\n  owner: {COLLEAGUE}\n"
    )
    write(kb, "eval/cases.yml", old + ("" if old.endswith("\n") else "\n") + added)
    n = len(__import__("yaml").safe_load(old) or [])
    status, doc = _check(kb, "--strict")
    assert status == 1 and _addresses(doc) == [("eval/cases.yml", first, f"[{n}].query", "warning")], doc
    said = next(p["message"] for p in doc["problems"] if "e-mail address" in p["message"])
    assert "'j…@e…'" in said and "the repository keeps it" in said and "site" not in said, said
    assert CUSTOMER not in json.dumps(doc) and _check(kb)[0] == 0  # masked; a warning: only --strict fails
    write(kb, "eval/cases.yml", (kb / "eval/cases.yml").read_text().replace(CUSTOMER, "a customer"))
    assert _check(kb, "--strict")[0] == 0


# a contact given on purpose on a body line, as the front matter's owner: is (found in review: each was said)
CONTACT_LINES = (
    f"Owner: Ana Ruiz <{COLLEAGUE}>",
    f"- **Incident commander:** {COLLEAGUE}",
    f"On-call: {COLLEAGUE}, bo.li@acme.io",
    f"Primary on-call: [Ana](mailto:{COLLEAGUE}) and Bo Li (bo.li@acme.io)",
    f"**Escalation**: {COLLEAGUE} then bo.li@acme.io",
    f"Team email: {COLLEAGUE}",
    f"Contacts: {COLLEAGUE}; bo.li@acme.io",
    f"Owner: {COLLEAGUE} (Ana Ruiz, DBA)",
    f"Owner: [{COLLEAGUE}](mailto:{COLLEAGUE})",
    f"Owner: A. Ruiz <{COLLEAGUE}>, Dr. Bo Li <bo.li@acme.io>",
)
# a label naming no contact of the response, or prose after a contact's label: said
NOT_CONTACT_LINES = (
    f"Email: {CUSTOMER}",
    f"Customer contact: {CUSTOMER}",
    f"Reported by: {CUSTOMER}",
    f"Reporter: {CUSTOMER}",
    f"Owner notes: {CUSTOMER}",
    f"Owner: {COLLEAGUE}; customer {CUSTOMER} reported it",
    f"Owner: {COLLEAGUE}. Jane said {CUSTOMER} was hit by it first",
    f"Escalation: if the customer {CUSTOMER} complains again, page the DBA",
    f"We mailed {CUSTOMER} back. Owner: {COLLEAGUE}",
    # prose in the value itself, each passed as a contact (found in a re-read: four words or fewer besides the address)
    f"Escalation: {CUSTOMER} complained twice",
    f"Team: {CUSTOMER} reported the outage",
    f"Owner: {COLLEAGUE}. We emailed {CUSTOMER}",
    f"Owner: {COLLEAGUE}. Jane said {CUSTOMER} saw it",
    f"Owner: {COLLEAGUE} ({CUSTOMER} first saw it)",
    f"Lead: {COLLEAGUE} and {CUSTOMER} from Globex",
)


def test_a_contact_label_on_a_body_line_is_a_contact_field_and_prose_after_it_is_not():
    from recur.kb import emails

    for line in CONTACT_LINES:
        assert emails.body_found_in(line) == [], line
    for line in NOT_CONTACT_LINES:
        assert "j…@e…" in emails.body_found_in(line), line
    assert emails.body_found_in(f"Owner: {COLLEAGUE}; customer {CUSTOMER} reported it") == ["j…@e…"]
    assert emails.contact_label("Incident commander") and emails.contact_label("on call")
    assert not emails.contact_label("Customer contact") and not emails.contact_label("Email")


def test_check_passes_a_contact_line_in_an_incident_s_or_a_pattern_s_body(tmp_path):
    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb, "mail-bounces", "dependencies", title="Transactional mail bounces", summary="\n".join(CONTACT_LINES)
    )
    body = "\n".join(NOT_CONTACT_LINES)
    write(
        kb,
        "incidents/2026/INC-2026-0003.md",
        f"---\nid: INC-2026-0003\ntitle: Checkout 502s\ndate: 2026-03-05\nseverity: sev3\n---\n\n"
        f"## Summary\nCheckout 502s.\n{chr(10).join(CONTACT_LINES)}\n\n## Response\n{body}\n",
    )
    status, doc = _check(kb, "--strict")
    lines = [line for _, line, field, _ in _addresses(doc) if field == "## Response"]
    # each prose line of ## Response said, no contact line of the pattern's or the incident's Summary
    assert status == 1 and len(lines) == len(NOT_CONTACT_LINES) == len(_addresses(doc)), doc["problems"]


# an address in a URL's path, query or fragment: a person's (found in review: a word holding "://" was taken for a
# URL's user whatever stood between, and none of these was said)
IN_A_URL = (
    "the admin page https://admin.acme.io/customers?email=jane.doe@gmail.com showed it",
    "https://kibana.acme.io/app/discover#/?_a=(query:'user.email:jane.doe@gmail.com')",
    "aws s3 cp s3://exports-bucket/jane.doe@gmail.com/invoice.pdf .",
)
# what has an address's shape and is none, in ordinary runbook text (found in review: each failed --strict)
NO_ADDRESS = (
    "systemctl restart pgbouncer@payments.service postgresql@14-main.service openvpn@server.service",
    "journalctl -u wg-quick@wg0.service and ceph-osd@3.service; getty@tty1.socket, backup@daily.timer",
    "grant roles/cloudsql.client to payments-api@acme-prod.iam.gserviceaccount.com",
    "the default 123456789-compute@developer.gserviceaccount.com had Editor",
    "postfix/cleanup[4121]: 4F2A1: message-id=<20261201101500.4F2A1@mail.acme.io>",
    "Message-ID: <CAF=x9+Qk1@mail.gmail.com>",
    "In-Reply-To: <a1b2.c3@mx.acme.io>",
    "References: <a1b2.c3@mx.acme.io> <d4e5.f6@mx.acme.io>",
    "mail from nagios@mon1.acme.io, grafana@acme.io and sentry@acme.io; redis@cache-1.acme.io; bounce@mail.acme.io",
)


def test_an_address_in_a_urls_path_or_query_is_said_and_shapes_that_are_no_address_are_not():
    from recur.kb import emails

    for text in IN_A_URL:
        assert emails.found_in(text) == ["j…@g…"], text
    for text in NO_ADDRESS:
        assert emails.found_in(text) == [], text
    # a URL's user is still none; a person's address after a Message-ID on the same line still is
    assert emails.found_in("https://jane@host.acme.io/x and https://jane:pw@host.acme.io/?q=1") == []
    assert emails.found_in(f"message-id=<x1@mail.acme.io>, from=<{CUSTOMER}>") == ["j…@e…"]


def test_check_says_them_of_more_than_one_address_or_credential_on_a_line(tmp_path):
    kb = small_kb(tmp_path / "kb")
    token = "ghp" + "_" + "Fake" + "0" * 32
    write_pattern(
        kb,
        "mail-bounces",
        "dependencies",
        title="Transactional mail bounces",
        signals=(f"delivery failed for {CUSTOMER} and {COLLEAGUE}", f"password=Fake0Secret7 and {token}"),
    )
    said = {p["field"]: p["message"] for p in _check(kb)[1]["problems"] if "looks like" in p["message"]}
    assert "the site publishes them" in said["signals[0]"] and "say who without them" in said["signals[0]"], said
    assert "the site publishes them" in said["signals[1]"] and "rotate them if they are real" in said["signals[1]"]


def test_the_writers_say_a_persons_address_they_write_as_personal_data_warnings(tmp_path):
    """`recur incident new`, `recur import` and MCP's record_incident said a credential they wrote, and nothing of a
    customer's address (found in review: `recur check` alone said it): each says it now, on stderr (the tool's
    text) and as --json's personal_data_warnings, never under credential_warnings, and writes it all the same."""
    from test_mcp import call, in_process, session

    kb = small_kb(tmp_path / "kb")
    base = ("incident", "new", "--kb", kb, "-t", "Checkout 502s", "-s", "sev3", "--no-suggest", "-d")
    r = run(*base, f"Customer {CUSTOMER} reported 502s", "--json")
    out = json.loads(r.stdout)
    said = [line for line in r.stderr.splitlines() if "e-mail address" in line]
    assert len(said) == 1 and ": ## Summary: warning: looks like an e-mail address ('j…@e…')" in said[0], r.stderr
    assert out["personal_data_warnings"] == said and "credential_warnings" not in out, out
    assert CUSTOMER in (kb / "incidents/2026" / f"{out['id']}.md").read_text()  # written as given
    clean = json.loads(run(*base, "Checkout 502s for a customer", "--json").stdout)
    assert "personal_data_warnings" not in clean

    pm = tmp_path / "pm.md"
    pm.write_text(
        "# Mail bounced for a customer\n\nDate: 2026-03-05\nSeverity: sev2\n\n"
        f"## Summary\nMail to {CUSTOMER} bounced for a day.\n\n## Root cause\nA bad SPF record.\n"
    )
    flags = ("--kb", kb, "--index", tmp_path / "idx", "--model", "fake:64", "--no-draft", "--json")
    r = run("import", *flags, pm)
    out = json.loads(r.stdout)
    said = [line for line in r.stderr.splitlines() if "e-mail address" in line]
    assert len(said) == 1 and f"{out['incident']}.md:" in said[0], r.stderr
    assert out["personal_data_warnings"] == said and list(out)[-1] == "personal_data_warnings", out

    server = in_process(kb, tmp_path / "index", allow_writes=True)
    args = {"title": "Login broken", "severity": "sev3", "description": f"{CUSTOMER} cannot log in"}

    async def work(client):
        return await call(client, "record_incident", args)

    err, out, text = session(server, work)
    assert not err and len(out["personal_data_warnings"]) == 1 and "credential_warnings" not in out, out
    assert "Warning: " in text and "looks like an e-mail address ('j…@e…')" in text and CUSTOMER not in text, text


def test_a_label_inside_a_quoted_yaml_text_is_no_contact_key(tmp_path):
    """A query pasted from a ticket ("Email: jane@…", "Contact: jane@…") was taken for a flow mapping's contact key
    (`{owner: jane@…}`) and passed `--strict` (found in a re-read: the eval cases are read as of this change, and a
    pattern's quoted title or a path's `why` so too); a real flow mapping's contact key is still one."""
    kb = small_kb(tmp_path / "kb")
    old = (kb / "eval/cases.yml").read_text()
    old += "" if old.endswith("\n") else "\n"
    first, n = old.count("\n") + 1, len(__import__("yaml").safe_load(old) or [])
    added = (
        f'- query: "Email: {CUSTOMER} checkout 502"\n  expect: [disk-full]\n'
        f"- {{query: 'Contact: {CUSTOMER} cannot log in', expect: [disk-full]}}\n"
        f'- query: "disk full, owner: {CUSTOMER}"\n  expect: [disk-full]\n'
        f'- {{query: disk full again, expect: [disk-full], "owner": {COLLEAGUE}}}\n'
    )
    write(kb, "eval/cases.yml", old + added)
    write_pattern(kb, "mail-bounces", "dependencies", title=f"Contact: {CUSTOMER}")
    status, doc = _check(kb, "--strict")
    found = sorted(_addresses(doc))
    assert status == 1 and [where[:2] for where in found] == [
        ("eval/cases.yml", first),
        ("eval/cases.yml", first + 2),  # a flow mapping's (its field key_at's: the mapping's deepest value)
        ("eval/cases.yml", first + 3),
        ("patterns/dependencies/mail-bounces.md", 3),  # its title
    ], doc["problems"]
    assert [found[0][2], found[2][2], found[3][2]] == [f"[{n}].query", f"[{n + 2}].query", "title"], found


def test_an_eval_cases_warning_is_told_by_its_path_not_a_name_ending_cases(tmp_path):
    """An onboarding path named `paths/cases.yml` (the site publishes it) was said as the eval cases are, "the
    repository keeps it" alone (found in a re-read: the file was told by its name's end)."""
    kb = small_kb(tmp_path / "kb")
    write(kb, "paths/cases.yml", f"title: Cases\nsteps:\n  - pattern: disk-full\n    why: {CUSTOMER} saw it first\n")
    said = [p for p in _check(kb)[1]["problems"] if "e-mail address" in p["message"]]
    assert len(said) == 1 and "the site publishes it" in said[0]["message"], said


# a contact an author gives in a table or under a label with a bracket, as a labelled line gives it (found in the
# last stop's left-outs: each was said, so `--strict` failed on a team's own owner)
CONTACT_TABLES = (
    f"| Role | Contact |\n|---|---|\n| Owner | {COLLEAGUE} |\n| **On-call (week 49)** | Bo Li <bo.li@acme.io> |",
    f"| Owner | {COLLEAGUE} |\n|:--|--:|\n| Escalation: | [Bo](mailto:bo.li@acme.io) |",  # its header row is a row
    f"| Action | Owner | Due |\n|---|---|---|\n| Rotate the keys | {COLLEAGUE} | 2026-12-01 |",
    f"| Owner (primary) | {COLLEAGUE} |\n| --- | --- |",
)
# a table whose first cell and column header name no contact, or a customer: said
NOT_CONTACT_TABLES = (
    f"| Name | Email |\n|---|---|\n| Jane Doe | {CUSTOMER} |",
    f"| Role | Contact |\n|---|---|\n| Customer | {CUSTOMER} |",
    f"| Field | Customer email |\n|---|---|\n| Owner | {CUSTOMER} |",
    f"| Customer | Owner |\n|---|---|\n| {CUSTOMER} | {COLLEAGUE} |",
    f"| Owner (customer side) | {CUSTOMER} |\n|---|---|",
    f"| Owner | {COLLEAGUE} |\n|---|---|\n| Reporter | {CUSTOMER} |",
    f"| Owner | {CUSTOMER} complained twice |\n|---|---|",
    f"| Owner | {COLLEAGUE} | {CUSTOMER} |\n|---|---|---|",
    f"| Owner | {CUSTOMER} |",  # no delimiter row: no table, on the site as here
    f"```\n| Owner | x |\n|---|---|\n| Owner | {CUSTOMER} |\n```",  # a table in a code fence is no table
)


def test_a_contact_in_a_table_or_under_a_label_with_a_bracket_is_a_contact_field():
    from recur.kb import emails

    def said(text: str) -> list[str]:
        return [p.message for p in emails.record_problems("x.md", f"## Response\n{text}\n")]

    for table in CONTACT_TABLES:
        assert said(table) == [], table
    for table in NOT_CONTACT_TABLES:
        assert len(said(table)) == 1 and "'j…@e…'" in said(table)[0] and "'a…" not in said(table)[0], table
    for line in (
        f"Owner (primary): {COLLEAGUE}",
        f"**Owner** (backup): {COLLEAGUE}",
        f"IC (incident commander): {COLLEAGUE}",
    ):
        assert emails.body_found_in(line) == [], line
    for line in (
        f"Owner (customer side): {CUSTOMER}",
        f"Contact (customer): {CUSTOMER}",
        f"Email (owner's): {CUSTOMER}",
    ):
        assert emails.body_found_in(line) == ["j…@e…"], line


def test_check_passes_a_contact_table_in_an_incident_and_says_a_customer_s_row(tmp_path):
    kb = small_kb(tmp_path / "kb")
    head = "---\nid: INC-2026-0003\ntitle: Checkout 502s\ndate: 2026-03-05\nseverity: sev3\n---\n\n"
    contacts = "\n\n".join(CONTACT_TABLES)
    body = f"## Summary\nCheckout 502s.\n\n{contacts}\n\nOwner (primary): {COLLEAGUE}\n\n"
    write(kb, "incidents/2026/INC-2026-0003.md", head + body + f"## Response\n{NOT_CONTACT_TABLES[1]}\n")
    status, doc = _check(kb, "--strict")
    line = (head + body).count("\n") + 4  # the customer's row, below ## Response's header and delimiter rows
    assert status == 1 and _addresses(doc) == [("incidents/2026/INC-2026-0003.md", line, "## Response", "warning")]


# found re-reading the table rule as a privacy reviewer: a column headed "Contact" (or "People") passed every row's
# address, a customer's in a table of customers or reporters too; a header saying whose in a possessive
# ("Customer's email", "Owner's customer") was not read as naming a customer, and the row's owner cell passed
LEAKED_TABLES = (
    f"| Customer | Contact |\n|---|---|\n| Globex | {CUSTOMER} |",
    f"| Name | Contact |\n|---|---|\n| Jane Doe | {CUSTOMER} |",
    f"| Affected account | Contact |\n|---|---|\n| Globex | {CUSTOMER} |",
    f"| Role | Contact |\n|---|---|\n| Reported by | {CUSTOMER} |",
    f"| Company | People |\n|---|---|\n| Globex | {CUSTOMER} |",
    f"| Role | Owner's customer |\n|---|---|\n| Owner | {CUSTOMER} |",
    f"| Field | Customer's email |\n|---|---|\n| Owner | {CUSTOMER} |",
    f"| Role | Owner |\n|---|---|\n| Owner's customer | {CUSTOMER} |",
)
# a column whose header names a role besides "contact" is still one
ROLE_COLUMNS = (
    f"| Service | Escalation contact |\n|---|---|\n| payments | {COLLEAGUE} |",
    f"| Week | Contact (on-call) |\n|---|---|\n| 49 | {COLLEAGUE} |",
    f"| Workstream | IC (incident commander) |\n|---|---|\n| Database | {COLLEAGUE} |",
)


def test_a_contact_column_names_whose_contact_it_holds():
    from recur.kb import emails

    def said(text: str) -> list[str]:
        return [p.message for p in emails.record_problems("x.md", f"## Response\n{text}\n")]

    for table in LEAKED_TABLES:
        assert len(said(table)) == 1 and "'j…@e…'" in said(table)[0], table
    for table in ROLE_COLUMNS:
        assert said(table) == [], table
