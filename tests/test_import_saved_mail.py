"""A plain-text email saved without MIME headers (RFC 5322 alone: no MIME-Version) is read as an email, as one
saved with them is. Found in a privacy review: its Received:, From: (with an address), To:, Cc: and Message-ID:
lines were copied into the incident's Summary, and the title was made from the file name, its Subject ignored."""

from __future__ import annotations

import json

from import_helpers import import_file as imp

from recur.kb.loader import load_kb

HEAD = (
    "Received: from mail.internal.example.com (10.1.2.3) by mx.example.com\n"
    "\tfor <sre-all@example.com>; Mon, 30 Nov 2026 12:00:01 +0000\n"
    "From: Jane Doe <jane.doe@example.com>\n"
    "To: sre-all@example.com\n"
    "Cc: customer.success@example.com\n"
    "Subject: Postmortem: checkout outage on 2026-11-30\n"
    "Date: Mon, 30 Nov 2026 12:00:00 +0000\n"
    "Message-ID: <abc123@mail.example.com>\n"
)
BODY = (
    "\nSummary\nCheckout failed for 40 minutes because the payments DB disk filled up.\n\n"
    "Root cause\nWAL archiving stalled and pg_wal filled the volume: No space left on device.\n\n"
    "Action items\n- Alert on WAL volume growth (owner: team-platform)\n"
)


def test_an_email_saved_without_mime_headers_gives_its_subject_as_title_and_no_headers_in_the_summary(kb_dir, tmp_path):
    typed = HEAD + "Content-Type: text/plain; charset=utf-8\n"  # a Content-Type alone, no MIME-Version: the repro's
    for name, head, minutes in (("plain.eml", HEAD, "40"), ("typed.eml", typed, "45")):
        body = BODY.replace("40 minutes", f"{minutes} minutes")  # another document: not the first imported again
        r = imp(kb_dir, tmp_path / name, None, "--json", raw=(head + body).encode())
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        inc = load_kb(kb_dir).incidents[out["incident"]]
        assert inc.title == "checkout outage on 2026-11-30", (name, inc.title)
        assert f"Checkout failed for {minutes} minutes" in inc.summary
        for header in ("Received", "mx.example.com", "Message-ID", "abc123", "sre-all@", "customer.success@"):
            assert header not in inc.summary, (name, header, inc.summary)
        assert str(inc.date) == "2026-11-30" and out["date_source"] == "the email's Date: header", out
        assert any("read the text/plain part of an email" in n for n in out["notes"]), out["notes"]


def test_a_write_ups_own_fields_at_the_top_are_not_read_as_an_email(kb_dir, tmp_path):
    """A postmortem that starts with fields of its own ("Date:", "Severity:") and a blank line is no email: a block
    is one only when each header is a mail's and a mail program's own (Received:, Message-ID: …) is among them."""
    text = "Date: 2026-11-30\nSeverity: sev2\n\n# Checkout outage\n\n## Summary\nThe payments DB disk filled up.\n"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", None, "--json", raw=text.encode()).stdout)
    assert out["title"] == "Checkout outage" and out["severity"] == "sev2", out
    assert not any("email" in n for n in out["notes"]), out["notes"]


def test_an_emails_accented_and_non_latin_text_is_kept_with_mime_headers_or_without(kb_dir, tmp_path):
    """A mail's text outside ASCII ("—", "Naïve", "日本語") is kept, saved without MIME headers or sent as 8bit
    UTF-8: it was read as one byte a letter and replaced ("Na\ufffd\ufffdve"), the record's words wrong."""
    from recur.ingest.pm_markup import mime_text

    text = "Checkout failed — the payments DB disk filled up. Naïve retry 10× made it worse. 日本語\n"
    typed = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
    for head in (HEAD, HEAD.replace("Message-ID", typed + "Message-ID"), "MIME-Version: 1.0\n" + HEAD + typed):
        for eol in ("\n", "\r\n"):
            got = mime_text((head + "\n" + text).replace("\n", eol))
            assert got is not None and got[0].endswith(text), (head, eol, got)
    r = imp(kb_dir, tmp_path / "accents.eml", None, "--json", raw=(HEAD + "\nSummary\n" + text).encode())
    assert r.exit_code == 0, r.output
    assert "Naïve retry" in load_kb(kb_dir).incidents[json.loads(r.stdout)["incident"]].summary


def test_an_email_with_mailing_list_or_outlook_headers_is_read_as_one(kb_dir, tmp_path):
    """A mail whose head holds a header the list of mail headers lacks (a mailing list's List-Post:, Outlook's
    Sensitivity:, Errors-To:, Autocrypt:, Resent-From:) is read as a mail: it was read as a write-up, its
    Received:, From: and To: lines the Summary."""
    from recur.ingest.pm_markup import mime_text

    for extra in (
        "List-Post: <mailto:sre@googlegroups.com>\nList-Archive: <https://groups.google.com/g/sre>\n"
        "List-Help: <mailto:sre+help@googlegroups.com>\n",
        "Sensitivity: Company-Confidential\n",
        "Errors-To: bounces@example.com\n",
        "Autocrypt: addr=jane.doe@example.com; keydata=mQINBF\n",
        "Resent-From: list@example.com\n",
    ):
        got = mime_text(HEAD + extra + BODY)
        assert got is not None and "Received" not in got[0] and "Checkout failed" in got[0], (extra, got)
    r = imp(kb_dir, tmp_path / "list.eml", None, "--json", raw=(HEAD + "Sensitivity: Normal\n" + BODY).encode())
    inc = load_kb(kb_dir).incidents[json.loads(r.stdout)["incident"]]
    assert inc.title == "checkout outage on 2026-11-30" and "Received" not in inc.summary, (inc.title, inc.summary)
