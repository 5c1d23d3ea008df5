"""`recur import` of a postmortem sent as a quoted e-mail reply (a reviewer's, 2026-12): the body inside "> "
quotes mapped nothing, and the whole e-mail, thanks and sign-off and quote marks, became the Summary. Our own
text."""

from import_helpers import imported_record

from recur.ingest.postmortem import parse

REPLY = """\
From: Lea Novak <lea@example.org>
To: ops@example.org
Date: Thu, 19 Nov 2026 10:02:00 +0000
Subject: Re: Postmortem: webhook queue stalled

Thanks Omar, looks right to me.

> On Wed, 18 Nov 2026 at 17:40, Omar Haddad <omar@example.org> wrote:
> What happened: the webhook workers stopped acking after a broker upgrade and the queue
> grew to 2M messages.
>
> Root cause: the new broker closed idle channels the client never reopened.
>
> Follow-ups:
> - Reopen closed channels in the client (Omar, by Dec 4)
> - Alert on unacked messages (Lea, OPS-51)

Lea
"""


def test_a_reply_whose_postmortem_is_the_quoted_email_is_read_from_the_quote(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, REPLY)
    assert [f.title for f in inc.follow_ups] == ["Reopen closed channels in the client", "Alert on unacked messages"], (
        out["notes"]
    )  # none were read
    assert "closed idle channels" in inc.sections["Root cause"]
    # the reply's chatter and the quote marks are out of the summary; the notes say where it was read from
    assert "Thanks Omar" not in inc.summary and "> " not in inc.summary, inc.summary
    assert "webhook workers stopped acking" in inc.summary
    assert any("e-mail this reply quotes" in n and "Thanks Omar" in n for n in out["notes"]), out["notes"]
    assert str(inc.date) == "2026-11-18"  # the quoted e-mail's day, not the reply's


def test_a_postmortem_quoting_a_message_keeps_its_quote():
    pm = parse(
        "# Checkout errors\n\nDate: 2026-11-02\n\n## Summary\nA customer wrote in:\n\n"
        "> Checkout fails.\n> What happened: my card was declined\n> twice.\n"
    )
    assert pm.reply_note is None and "> Checkout fails." in pm.sections["Summary"]
