"""`recur import` of postmortems written in German and Japanese: their words counted by Unicode letters (a filled-in
Japanese postmortem is no unfilled template), their dates, date labels and headings read, and their action items,
under a heading of their language, never the incident's date."""

import datetime as dt
import json

import pytest
from import_helpers import import_file as imp
from import_helpers import imported_record

from recur.ingest.action_items import parse_action_items
from recur.ingest.pm_text import find_date
from recur.ingest.postmortem import canonical, looks_unfilled, own_words, parse

JA = """\
# ポストモーテム: 東京リージョンでディスク容量不足

日付: 2026年11月25日
重大度: SEV3

## 概要
2026年11月25日、東京リージョンのノードでディスク容量不足が発生し、決済サービスのログが書き込めなくなった。

## 原因
ログローテーションが停止していた。

## 対策
- [ ] ログローテーションを監視する (担当: 佐藤 花子, 期限: 2026-12-20)
"""


def test_words_are_counted_by_unicode_letters():
    assert own_words("The disk filled up at 3am, so we lost logs.") == 5  # as [A-Za-z]{3,} did: not "up", "am"
    assert own_words("Zoë Müller fand die Ursache") == 5  # "Zoë" and "Müller" are words, not "Zo" and "ller"
    assert own_words("ログローテーションが停止していた。") == 8  # 16 letters without spaces: one word for every two
    assert own_words("日付 SEV3") == 2  # 日付 (two letters: one word) and SEV


def test_a_filled_in_japanese_postmortem_is_no_unfilled_template(kb_dir, tmp_path):
    pm = parse(JA)
    assert pm.words >= 40 and not looks_unfilled(pm)  # it counted 1 word ("SEV"), and was refused
    r = imp(kb_dir, tmp_path / "pm-ja.md", JA, "--json")
    assert r.exit_code == 0, r.output
    assert "unfilled postmortem template" not in r.output
    out = json.loads(r.stdout)
    assert out["incident"]


def test_an_unfilled_japanese_template_is_still_refused(kb_dir, tmp_path):
    template = (
        "# ポストモーテム: [タイトル]\n\n日付: [日付]\n\n## 概要\n[記入]\n\n## 原因\n[記入]\n\n## 対策\n- [ ] [記入]\n"
    )
    assert looks_unfilled(parse(template))
    r = imp(kb_dir, tmp_path / "template-ja.md", template)
    assert r.exit_code == 1 and "unfilled postmortem template" in r.output


DE = """\
# Postmortem: Ausfall des zahlungs-dienst in München

**Datum:** 20. November 2026
**Schweregrad:** SEV2

## Zusammenfassung
Am 20. November 2026 war der zahlungs-dienst 45 Minuten lang nicht erreichbar, weil die Festplatte voll war.

## Ursache
Ein verwaister Replikations-Slot hielt WAL-Dateien fest.

## Maßnahmen
| Maßnahme | Verantwortlich | Fällig |
|---|---|---|
| Überwachung für Replikations-Slots | Zoë Müller | 15.12.2026 |
| Runbook aktualisieren | Jürgen Groß | 1. Dezember 2026 |
"""


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("20. November 2026", dt.date(2026, 11, 20)),
        ("am 1. Dez. 2026 um 14:05", dt.date(2026, 12, 1)),
        ("3. März 2026", dt.date(2026, 3, 3)),
        ("3. Mär 2026", dt.date(2026, 3, 3)),
        ("4. Okt. 2026", dt.date(2026, 10, 4)),
        ("9. Januar 2026", dt.date(2026, 1, 9)),
        ("2. Mai 2026", dt.date(2026, 5, 2)),
        ("2026年11月25日", dt.date(2026, 11, 25)),
        ("２０２６年１１月２５日", dt.date(2026, 11, 25)),  # full-width digits
    ],
)
def test_german_and_japanese_dates_are_read(text, day):
    assert find_date(text) == (day, text.removeprefix("am ").removesuffix(" um 14:05"))


def test_a_german_month_is_read_only_in_a_german_date():
    assert find_date("owner: Mai Tran, 2 Mai 2026") == (None, None)  # "Mai" is a name; a German day has its dot
    assert find_date("Nov 20, 2026") == (dt.date(2026, 11, 20), "Nov 20, 2026")  # English as before


def test_datum_and_hizuke_are_date_labels():
    de, ja = parse(DE), parse(JA)
    assert (de.date, de.date_source) == (dt.date(2026, 11, 20), "the 'Datum:' line 3")  # it was the first due date
    assert (ja.date, ja.date_source) == (dt.date(2026, 11, 25), "the '日付:' line 3")
    full_width = parse(JA.replace("日付: ", "日付："))  # a Japanese colon
    assert full_width.date == dt.date(2026, 11, 25)


def test_action_items_under_a_german_or_japanese_heading_never_date_the_incident():
    undated = DE.replace("**Datum:** 20. November 2026\n", "").replace("Am 20. November 2026 war", "Gestern war")
    pm = parse(undated)
    assert pm.date is None, pm.date_source  # it was 2026-12-15 "from the first dated sentence", a row of Maßnahmen
    assert ("Maßnahmen", "Action items") in pm.mapped
    ja = parse(JA.replace("日付: 2026年11月25日\n", "").replace("2026年11月25日、", "").replace("- [ ] ", "- "))
    assert ja.date is None and ("対策", "Action items") in ja.mapped


def test_a_due_column_never_dates_the_incident_under_any_heading():
    for head, due in (("| Was | Wer | Fällig |", "15.12.2026"), ("| Fix | Who | Due |", "2026-12-15")):
        text = f"# Outage\n\n## Summary\nThe disk filled up and payments failed.\n\n## Nacharbeiten\n{head}\n|---|---|---|\n"
        pm = parse(text + f"| Add an alert | Zoë | {due} |\n")
        assert pm.date is None, (head, pm.date_source)


def test_a_german_postmortem_is_recorded_with_its_date_and_follow_ups(kb_dir, tmp_path):
    out, inc = imported_record(kb_dir, tmp_path, DE, name="postmortem-de.md")
    assert out["date"] == "2026-11-20" and inc.date == dt.date(2026, 11, 20)
    dues = {f.title: (f.owner, f.due) for f in inc.follow_ups}
    assert dues == {
        "Überwachung für Replikations-Slots": ("Zoë Müller", dt.date(2026, 12, 15)),
        "Runbook aktualisieren": ("Jürgen Groß", dt.date(2026, 12, 1)),
    }


def test_german_and_japanese_headings_are_the_record_s_sections(kb_dir, tmp_path):
    de = parse(DE.replace("## Ursache", "## Auswirkungen\nEtwa 12 % der Zahlungen schlugen fehl.\n\n## Ursache"))
    assert de.mapped == [
        ("Zusammenfassung", "Summary"),
        ("Auswirkungen", "Impact"),
        ("Ursache", "Root cause"),
        ("Maßnahmen", "Action items"),
    ]
    assert de.unmapped == [] and de.sections["Root cause"].startswith("Ein verwaister Replikations-Slot")
    assert canonical("Grundursache") == "Root cause" and canonical("Auswirkung") == "Impact"
    ja = parse(JA)
    assert ja.mapped == [("概要", "Summary"), ("原因", "Root cause"), ("対策", "Action items")] and ja.unmapped == []
    out, inc = imported_record(kb_dir, tmp_path, JA, name="pm-ja.md")
    assert out["unmapped"] == [] and inc.summary.startswith("2026年11月25日、東京リージョン")  # no "重大度: SEV3" line
    assert inc.severity == "sev3"
    de = parse(DE.replace("**Schweregrad:** SEV2\n", "**Schweregrad:** SEV2\n**Autorin:** Zoë Müller\n"))
    assert de.sections["Summary"].startswith("Am 20. November 2026")  # the fields were its first lines
    assert de.severity_text == "SEV2" and de.people == [("Autorin", "Zoë Müller")]
    assert "ログローテーションが停止していた" in inc.sections["Root cause"]


@pytest.mark.parametrize(
    ("line", "title", "owner", "due"),
    [
        (
            "- [ ] ログローテーションを監視する (担当: 佐藤 花子, 期限: 2026-12-20)",
            "ログローテーションを監視する",
            "佐藤 花子",
            "2026-12-20",
        ),
        ("- [ ] ログを監視する (担当者：佐藤 花子、期日：2026-12-20)", "ログを監視する", "佐藤 花子", "2026-12-20"),
        (
            "- [ ] Runbook aktualisieren (Verantwortlich: Jürgen Groß, Fällig: 1. Dezember 2026)",
            "Runbook aktualisieren",
            "Jürgen Groß",
            "2026-12-01",
        ),
        (
            "- [ ] Alarm einrichten (Zuständig: Zoë Müller, Frist: 15.12.2026)",
            "Alarm einrichten",
            "Zoë Müller",
            "2026-12-15",
        ),
        ("- [ ] Frist verlängern", "Frist verlängern", None, None),  # no colon: a title's word, no label
    ],
)
def test_german_and_japanese_owner_and_due_labels_in_an_item_are_read(line, title, owner, due):
    # they were read only from a table: the bracket stayed in the title, no owner, no due date
    (got,) = parse_action_items(line)
    assert (got["title"], got["owner"], got["due"] and got["due"].isoformat()) == (title, owner, due)


def test_a_german_wer_and_bis_wann_table_gives_owner_and_due():
    table = "| Maßnahme | Wer | Bis wann |\n|---|---|---|\n| Runbook aktualisieren | Jürgen Groß | 1. Dezember 2026 |\n"
    (got,) = parse_action_items(table)
    assert (got["owner"], got["due"]) == ("Jürgen Groß", dt.date(2026, 12, 1))  # it gave none


def test_the_japanese_postmortem_s_follow_up_has_its_owner_and_due(kb_dir, tmp_path):
    _, inc = imported_record(kb_dir, tmp_path, JA, name="pm-ja-owner.md")
    assert [(f.title, f.owner, f.due) for f in inc.follow_ups] == [
        ("ログローテーションを監視する", "佐藤 花子", dt.date(2026, 12, 20))
    ]


@pytest.mark.parametrize("due_head", ["Due by", "Target", "Fällig bis", "Bis wann", "Deadline (UTC)"])
def test_a_due_column_read_by_its_prefix_never_dates_the_incident(due_head):
    # from_table reads a due column by its header's first words; the postmortem blanked only an exact name, and a
    # table of follow-ups under "## Nacharbeiten" with "Due by", "Target" or "Fällig bis" dated the incident 2026-12-15
    text = "# Outage\n\n## Summary\nThe disk filled up and payments failed.\n\n## Nacharbeiten\n"
    pm = parse(text + f"| Fix | Who | {due_head} |\n|---|---|---|\n| Add an alert | Zoë | 2026-12-15 |\n")
    assert pm.date is None, (due_head, pm.date_source)


def test_a_timeline_s_date_column_still_dates_the_incident():
    text = "# Outage\n\n## Summary\nThe disk filled up and payments failed.\n\n## Notizen\n"
    pm = parse(text + "| Date | Event |\n|---|---|\n| 2026-11-20 | Disk full |\n")
    assert pm.date == dt.date(2026, 11, 20), pm.date_source


def test_korean_and_the_closing_mark_are_counted_as_util_text_s_cjk():
    # own_words had a narrower class of its own than util.text.CJK (which search and the browser's ranker read):
    # Hangul was left out, and a Korean sentence of six words counted 3 (its two-letter words none); 〆 too
    assert own_words("디스크가 가득 차서 로그를 잃었다 오늘") >= 6
    assert own_words("〆切を守る") == 3  # five letters: it counted 2
    assert own_words("ログローテーションが停止していた。") == 8  # Japanese as before
