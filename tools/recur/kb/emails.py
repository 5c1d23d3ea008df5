"""E-mail addresses in a KB's prose: "customer jane.doe@… reported 502s" in a pattern's or an incident's text, or
an onboarding path's, was published by the site (its page, search index and browser bundle) and kept by the
repository, and `recur check` said nothing (privacy review); in the eval cases too, where `recur feedback export`
writes what people asked (no page of the site, but the repository keeps it). A warning per line, by file, line and
field, the address masked (a CI log keeps what `recur check` prints), so `--strict` fails on it as on a credential.

Not said, as no person's address is there to publish:
- in a field meant for a contact: a front-matter key whose last word names one (``owner``, ``fix.owner``,
  ``review.owner``, ``follow_ups[0].owner``, a team's own ``team_email:``, ``contacts[1]``; not when a word of it
  names a customer or user, ``customer_email:``), and an incident's ``## People`` section (the response's roles,
  where `recur import` writes a postmortem's owner and commander), and a body line's contact label and the contacts
  after it (``Owner: Ana Ruiz <ana@…>``, ``- **Incident commander:** ana@…``, ``Owner (primary): ana@…``; not
  ``Email:``, ``Reporter:``, nor prose after the contacts: ``contact_spans``), and a Markdown table's contacts, in
  the cell after such a label (``| Owner | ana@… |``) or under a column a role's label heads (``| Action | Owner |``;
  ``row_spans``);
- at a domain reserved for documentation (RFC 2606, RFC 6761): ``example.com``, ``.org``, ``.net`` and their
  subdomains, ``*.example``, ``*.test``, ``*.invalid``, ``localhost``; nor at a name no mail goes to (``*.internal``,
  ``*.local``, ``*.lan``, ``*.corp``, ``*.home.arpa``): a host in a runbook (``ssh ubuntu@ip-10-0-1-2.ec2.internal``);
- a role or system account's address, whose local part has a word naming no person (``oncall@``,
  ``payments-oncall@``, ``noreply@``, ``support@``, ``security@``, ``root@``, ``git@github.com``): a team's mailbox or
  a login, which a runbook names on purpose;
- a placeholder's (``user@``, ``first.last@``, ``name@``), and a URL's user (``postgres://app@db.acme.io``,
  ``https://jane:pw@host``: after a ``://`` with no ``/``, ``?`` or ``#`` between; one in a URL's path or query,
  ``https://admin.acme.io/customers?email=jane.doe@…``, ``s3://bucket/jane.doe@…/file``, is said; ``mailto:`` is an
  address);
- what has an address's shape and is no address: a systemd template unit (``pgbouncer@payments.service``,
  ``postgresql@14-main.service``, ``wg-quick@wg0.service``), a Google Cloud service account
  (``…@….iam.gserviceaccount.com``), a mail's Message-ID (``message-id=<…@mail.acme.io>``, a ``Message-ID:``,
  ``In-Reply-To:`` or ``References:`` header's).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from recur.util.errors import Problem

# a name and a domain with a dot and a top-level domain (`recur feedback export` warns of the cases it writes by
# yaml_problems, as `recur check` reads them: ingest/feedback.py)
EMAIL = re.compile(r"(?<![\w.%+-])([\w.%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,}))(?![\w-])")
# RFC 2606's and RFC 6761's names for documentation and testing, and names mail is not sent to
_RESERVED_DOMAIN = re.compile(
    r"(?:.*\.)?(?:example\.(?:com|org|net)|[^.]+\.(?:example|test|invalid|localhost|internal|local|lan|corp)"
    r"|localhost|home\.arpa"
    # a Google Cloud service account's (a login, no mailbox: ….iam.gserviceaccount.com, developer.gserviceaccount.com)
    r"|gserviceaccount\.com)",
    re.IGNORECASE,
)
# a systemd unit's types: `pgbouncer@payments.service` is a template unit's instance, no address
_UNIT_TYPES = frozenset("service socket timer mount automount target slice scope path device swap".split())
# a mail's Message-ID and the headers naming one (a postfix log's message-id=<…>, References: <…> <…>)
_MESSAGE_ID = re.compile(
    r"\b(?:message-id|in-reply-to|references)\s*[:=](?:\s*<[^<>\s]*>)*\s*<?[^<>\s]*$", re.IGNORECASE
)
# a local part's word that names a mailbox or a login, no person
_ROLE_WORDS = frozenset(
    """oncall on-call noreply no-reply donotreply do-not-reply mailer-daemon postmaster hostmaster webmaster abuse
    root admin administrator sysadmin info support help helpdesk security ops devops sre alerts alert alerting
    alertmanager monitoring pager pagerduty notifications notify incidents incident billing sales contact team
    privacy legal nobody git deploy ubuntu ec2-user centos debian postgres www-data jenkins ci bot
    nagios icinga zabbix grafana prometheus sentry redis mysql nginx apache kafka rabbitmq elasticsearch backup
    bounce bounces mailer daemon cron system service svc automation build release deployer ansible terraform""".split()
)
# a placeholder's local part: the address stands for one
_PLACEHOLDERS = frozenset(
    "user username name someone somebody you your.name first.last firstname.lastname me email foo bar".split()
)
# a front-matter key's last word naming a contact, and the words that make it a customer's after all
_CONTACT_KEYS = frozenset(
    """owner owners team teams contact contacts email emails mail author authors maintainer maintainers oncall
    escalation reviewer reviewers assignee assignees commander lead people""".split()
)
_NOT_STAFF = frozenset("customer customers client clients user users reporter requester affected".split())
# an incident's section naming the response's people (`recur import` writes its roles there)
_CONTACT_SECTIONS = frozenset({"## people"})


def published(it: str = "it") -> str:
    """Where `recur check` says a finding of ``it`` (``them``: more than one) goes, of an address here and of a
    credential (kb.credentials)."""
    return f"the site publishes {it} (its page, search index and browser bundle) and the repository keeps {it}"


def personal(m: re.Match) -> bool:
    """Whether the address ``m`` (an ``EMAIL`` match) may be a person's: not a reserved domain's, a role's, a
    placeholder's, a URL's user, a systemd unit or a Message-ID."""
    local, domain = m.group(1).lower(), m.group(2)
    # the line's last 2,000 characters before it: a line of many addresses split whole for each took 0.2 s
    before = m.string[max(m.start() - 2000, 0) : m.start()]
    # a URL's user (and password): "://" then the user, no path, query or fragment between (an address in a URL's
    # path or query, ?email=jane.doe@…, is a person's: it was taken for a user, and not said)
    if before and not before[-1].isspace() and re.search(r"://[^/?#]*$", before.rsplit(None, 1)[-1]):
        return False
    if _RESERVED_DOMAIN.fullmatch(domain) or local in _PLACEHOLDERS or m.group(3).lower() in _UNIT_TYPES:
        return False
    if _MESSAGE_ID.search(before):
        return False
    return not any(word in _ROLE_WORDS for word in [local, *re.split(r"[._+-]", local)])


def masked(address: str) -> str:
    """``address`` shown by its first letters: enough to find it at its line, not to read it (``j…@e…``)."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain[:1]}…"


def found_in(line: str) -> list[str]:
    """The masked addresses of ``line`` that may be a person's, once each, in order."""
    if "@" not in line:
        return []
    return list(dict.fromkeys(masked(m.group(0)) for m in EMAIL.finditer(line) if personal(m)))


def contact_key(key: str | None) -> bool:
    """Whether the front-matter key ``key`` (``fix.owner``, ``follow_ups[0].owner``) is meant for a contact."""
    if not key:
        return False
    last = re.sub(r"\[\d+\]", "", key).split(".")[-1].lower()
    words = re.split(r"[_-]", last)
    return (words[-1] in _CONTACT_KEYS or last.replace("_", "-") == "on-call") and not _NOT_STAFF & set(words)


# a body line giving a contact on purpose, as the front matter's ``owner:`` does: a label of one to four words at
# the line's start (after a list marker, in bold or not) and its value ("- **Incident commander:** Ana <ana@…>")
# (its words' letters exclude "_", which only joins them: "a" and 50,000 "_" took 49 s, "_" read two ways each)
# and a bracket's words after it ("Owner (primary):", "**Owner** (backup):")
_LABEL = r"[*_]*(?P<label>[A-Za-z][A-Za-z0-9-]*(?:[ _][A-Za-z0-9-]+){0,3})[*_]*(?:\s*\((?P<also>[^()]{1,60})\)[*_]*)?"
_LABELLED = re.compile(r"^\s*(?:[-*+]\s+|\d{1,9}[.)]\s+)?" + _LABEL + r"\s*:[*_]*(?P<value>.*)$")
# a table's cell holding a label alone ("| Owner |", "| **On-call (week 49):** |")
_CELL_LABEL = re.compile(r"\s*" + _LABEL + r"(?::[*_]*)?\s*")
# a label's role words: a contact key's, less the address words (a pasted ticket's "Email: jane@…" is a customer's)
_ADDRESS_WORDS = frozenset("email emails e mail address addresses".split())
_LABEL_ROLES = _CONTACT_KEYS - _ADDRESS_WORDS
# where a label's value goes on to another item: "Ana <ana@…>, Bo <bo@…>", "ana@… then bo@…"
_ITEM_END = re.compile(r"[,;]|\s(?:and|or|then|&|/)\s", re.IGNORECASE)
# where a label's value ends: its first sentence's ("ana@…. We mailed jane@… back" goes on in prose); not an
# initial's or a title's dot ("A. Ruiz <ana@…>", "Dr. Ruiz")
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\b(?:Dr|Mr|Ms|Jr|Sr))(?<!\bMrs)[.!?](?=\s)")
# what an item's address may be followed by: a bracket's words ("ana@… (Ana Ruiz, DBA)", "[ana@…](mailto:ana@…)";
# one a "," cut is open to the item's end)
_BRACKETED = re.compile(r"\([^()]*(?:\)|$)|<[^<>]*(?:>|$)|\[[^\[\]]*(?:\]|$)")


def contact_label(label: str, also: str = "") -> bool:
    """Whether a body line's label (``Owner``, ``Incident commander``, ``Primary on-call``, ``Team email``) names
    one of the response's contacts: its last word a role's (an address word after it is passed over), or its
    bracket's (``also``: ``IC (incident commander)``), and no word of either a customer's or user's (``Customer
    contact``, ``Owner (customer side)``, ``Reported by``: a reporter may be a customer)."""
    words = re.split(r"[\s_-]+", label.strip().lower())
    if _NOT_STAFF & set(words + re.findall(r"[a-z]+", also.lower())):
        return False
    while words and words[-1] in _ADDRESS_WORDS:
        words.pop()
    named = bool(words) and (words[-1] in _LABEL_ROLES or words[-2:] == ["on", "call"])
    return named or bool(also) and contact_label(also)


def _a_contact(item: str) -> bool:
    """Whether an item of a contact label's value is a contact (a name, a handle, an address: ``Ana Ruiz
    <ana@…>``, ``ana@… (Ana Ruiz)``), not prose: one address (``[ana@…](mailto:ana@…)`` writes it twice), at most
    four words besides it, none naming a customer or user, and after it only words in brackets (``jane@… complained
    twice`` is prose, however short)."""
    first = EMAIL.search(item)
    if first and re.search(r"\w", _BRACKETED.sub(" ", item[first.end() :])):
        return False
    if len({m.group(0).lower() for m in EMAIL.finditer(item)}) > 1:
        return False
    rest = EMAIL.sub(" ", item)
    words = re.findall(r"\w+(?:['’.-]\w+)*", rest)
    return len(words) <= 4 and not _NOT_STAFF & set(re.findall(r"[a-z]+", rest.lower()))


def _value_spans(value: str, offset: int) -> list[tuple[int, int]]:
    """The spans (from ``offset``, where ``value`` starts on its line) of a contact label's value's items that are
    contacts, up to the value's first sentence's end."""
    end = _SENTENCE_END.search(value)
    value = value[: end.start() if end else None]
    cuts = [(0, 0), *((c.start(), c.end()) for c in _ITEM_END.finditer(value)), (len(value), len(value))]
    items = ((a[1], b[0]) for a, b in zip(cuts, cuts[1:]))
    return [(offset + a, offset + b) for a, b in items if _a_contact(value[a:b])]


def contact_spans(line: str) -> list[tuple[int, int]]:
    """The spans of a body ``line`` holding a contact given on purpose: the items of a contact label's value that
    are contacts (``Owner: Ana Ruiz <ana@…>, Bo <bo@…>``), up to the value's first sentence's end. An item of prose
    (``Owner: ana@…; customer jane@… reported it``), or what follows that end, is none: its address is said."""
    m = _LABELLED.match(line)
    if not m or not contact_label(m["label"], m["also"] or ""):
        return []
    return _value_spans(m["value"], m.start("value"))


# a Markdown table's cell borders ("\|" is a "|" inside a cell) and its delimiter row ("|---|:--:|")
_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def _cells(line: str) -> list[tuple[int, int]]:
    """The spans of a table row's cells (without the empty text before a leading "|" or after a trailing one)."""
    bounds = [-1, *(m.start() for m in _PIPE.finditer(line)), len(line)]
    spans = [(a + 1, b) for a, b in zip(bounds, bounds[1:])]
    return spans[1 if not line[: spans[0][1]].strip() else 0 : -1 if not line[spans[-1][0] :].strip() else None]


# a possessive's "'s", read as its word ("Owner's customer" is a label naming a customer; it was no label at all)
_POSSESSIVE = re.compile(r"['’]s\b")
# a column header's words naming no role: whose contact a "Contact" column holds is its row's first cell's to say
# (a "| Customer | Contact |" table's rows were passed, a customer's address in each)
_NO_ROLE = re.compile(r"\b(?:contacts?|people)\b", re.IGNORECASE)


def _labels(cell: str) -> bool | None:
    """Whether a table's cell is a contact label alone (``Owner``, ``**Owner (primary)**``, ``On-call:``); None
    when it is a label naming a customer or user (``Customer``, ``Owner's customer``), whose row names no
    contact."""
    m = _CELL_LABEL.fullmatch(_POSSESSIVE.sub("", cell))
    if m and _names_customer(m.group(0)):
        return None
    return bool(m) and contact_label(m["label"], m["also"] or "")


def _role_column(cell: str) -> bool:
    """Whether a table's header cell heads a column of contacts: a contact label naming a role (``Owner``,
    ``Escalation contact``, ``IC (incident commander)``), not ``Contact`` or ``People`` alone."""
    m = _CELL_LABEL.fullmatch(_POSSESSIVE.sub("", cell))
    return bool(m) and contact_label(*(_NO_ROLE.sub(" ", m[g] or "") for g in ("label", "also")))


def _names_customer(cell: str) -> bool:
    """Whether a table's header cell names a customer or user, in any words (``Customer's email``)."""
    return bool(_NOT_STAFF & set(re.findall(r"[a-z]+", cell.lower())))


def table_rows(lines: list[str]) -> dict[int, tuple[str, ...]]:
    """The 0-based lines of ``lines`` that are rows of a Markdown table (a header row, a delimiter row, then rows
    up to a line without a "|"; outside code fences, as the site reads them), each to its table's header cells
    (the header row itself to ``()``)."""
    from recur.kb.parse import fence_lines

    fences, in_fence, rows, header = fence_lines(lines), False, {}, None
    for n, line in enumerate(lines):
        in_fence = in_fence != (n in fences)
        if in_fence or n in fences or "|" not in line:
            header = None
        elif header is not None:
            rows[n] = header
        elif n and _DELIMITER_ROW.match(line) and "|" in lines[n - 1] and n - 1 not in fences:
            header = tuple(lines[n - 1][a:b] for a, b in _cells(lines[n - 1]))
            rows[n - 1] = ()
    return rows


def row_spans(line: str, header: tuple[str, ...]) -> list[tuple[int, int]]:
    """The spans of a table row ``line`` (its table's ``header`` cells; ``()`` for the header row) holding a
    contact given on purpose, as a labelled line's: the contacts in a column whose header is a contact label
    naming a role (``| Action | Owner |``; not ``| Contact |`` alone: ``_role_column``), and in the cell after a
    first cell that is one (``| Owner (primary) | ana@… |``), unless that column's header names a customer or user
    (``Customer's email``); none in a row whose first cell does (``| Customer |``). Any other cell's address is
    said."""
    cells = _cells(line)
    first = _labels(line[slice(*cells[0])]) if cells else None
    if first is None:  # "| Customer | jane@… |" under a "Contact" column
        return []
    keyed = first and len(cells) > 1 and not (len(header) > 1 and _names_customer(header[1]))
    out = []
    for j, (a, b) in enumerate(cells):
        if (keyed and j == 1) or (j and j < len(header) and _role_column(header[j])):
            out += _value_spans(line[a:b], a)
    return out


def body_found_in(line: str, header: tuple[str, ...] | None = None) -> list[str]:
    """``found_in`` of a body line of a pattern or an incident, less the contacts it gives on purpose
    (``contact_spans``; ``row_spans`` of a table's row, ``header`` its table's header cells)."""
    if "@" not in line:
        return []
    spans = sorted(contact_spans(line) + (row_spans(line, header) if header is not None else []))
    starts = [a for a, _ in spans]

    def given(m: re.Match) -> bool:  # in a contact's span (by bisection: 5,000 contacts on a line took 4 s)
        at = bisect.bisect_right(starts, m.start()) - 1
        return at >= 0 and m.end() <= spans[at][1]

    return list(dict.fromkeys(masked(m.group(0)) for m in EMAIL.finditer(line) if not given(m) and personal(m)))


# a key written just before a value on the line (``{owner: jane@…}``, a flow mapping on one line whose key_at is
# the mapping's)
_KEY_BEFORE = re.compile(r"([A-Za-z_][\w-]*)[\"']?\s*:\s*[\"']?$")
# what a YAML mapping's key follows on its line: the indent, "- ", "? ", a flow collection's "{", "[" or ","
_KEY_PLACES = ("", "-", "?", "{", "[", ",")


def _a_key(before: str) -> bool:
    """Whether a ``_KEY_BEFORE`` key after ``before`` (the line's text before it) is a mapping's key: at a key's
    place and not inside a quoted text. A query pasted from a ticket, ``query: "Email: jane@…"``, holds no key (it
    was taken for one, a contact's, and its address passed ``--strict``). A text spanning lines is not followed."""
    before = before[:-1] if before[-1:] in ('"', "'") else before  # a quoted key's own quote
    quote, last, i = "", "", 0  # the quote open, the last character outside one
    while i < len(before):
        c = before[i]
        if not quote:
            quote = c if c in "\"'" and last in _KEY_PLACES + (":",) else ""
            last = c if not (quote or c.isspace()) else last
        elif c == "\\" and quote == '"' or c == quote == "'" and before[i + 1 : i + 2] == "'":
            i += 1  # an escaped character, a doubled '
        elif c == quote:
            quote, last = "", c
        i += 1
    return not quote and last in _KEY_PLACES


def _said(shown: str, line: int, field: str, addresses: list[str], cases: bool = False) -> Problem:
    """The warning of ``addresses`` at a line; ``cases``: of the eval cases, which the site has no page of."""
    listed = ", ".join(repr(a) for a in addresses)
    what, it = ("an e-mail address", "it") if len(addresses) == 1 else ("e-mail addresses", "them")
    kept = f"the repository keeps {it}" if cases else published(it)
    return Problem(
        shown,
        line,
        field,
        f"looks like {what} ({listed}): {kept}; say who without {it} ('a customer', a colleague's name or "
        "team; an example's at @example.com)",
        "warning",
    )


def _front_addresses(line: str, key: str | None) -> list[str]:
    """The addresses of a front-matter ``line`` (its value's key ``key``) in no contact field."""
    if "@" not in line or contact_key(key):
        return []
    out = []
    for m in EMAIL.finditer(line):
        near = _KEY_BEFORE.search(line[: m.start()])
        if personal(m) and not (near and contact_key(near.group(1)) and _a_key(line[: near.start()])):
            out.append(masked(m.group(0)))
    return list(dict.fromkeys(out))


def record_problems(shown: str, text: str) -> list[Problem]:
    """A warning at each line of a pattern or incident file ``text`` (shown as ``shown``) holding an e-mail address
    that may be a person's, outside the fields meant for contacts; its field the front-matter key or the section."""
    if "@" not in text:
        return []
    from recur.kb.parse import line_fields

    lines, out = text.split("\n"), []
    where, rows = line_fields(lines), table_rows(lines)
    for n, line in enumerate(lines):
        if "@" not in line:
            continue
        field, front = where(n)
        if front:
            found = _front_addresses(line, None if field == "front matter" else field)
        else:
            found = [] if field.lower() in _CONTACT_SECTIONS else body_found_in(line, rows.get(n))
        if found:
            out.append(_said(shown, n + 1, field, found))
    return out


def yaml_problems(shown: str, text: str) -> list[Problem]:
    """A warning at each line of an onboarding path ``text`` (its title, audience, a step's why: the site shows
    them) or of the eval cases (a query people asked, `recur feedback export` writes them: the repository keeps
    them) holding an e-mail address that may be a person's, its field the key there (``steps[1].why``,
    ``[3].query``)."""
    if "@" not in text:
        return []
    from recur.kb.parse import keys_at

    # the eval cases by their folder too: an onboarding path may be paths/cases.yml, and the site publishes it
    out, key_at, cases = [], keys_at(text), Path(shown).parts[-2:] == ("eval", "cases.yml")
    for n, line in enumerate(text.split("\n")):
        if "@" in line and (found := _front_addresses(line, key := key_at(n))):
            out.append(_said(shown, n + 1, key or "text", found, cases))
    return out
