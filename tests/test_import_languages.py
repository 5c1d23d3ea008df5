"""`recur import` of postmortems written in German and Japanese: their words counted by Unicode letters (a filled-in
Japanese postmortem is no unfilled template), their dates, date labels and headings read, and their action items,
under a heading of their language, never the incident's date."""

import json

from import_helpers import import_file as imp

from recur.ingest.postmortem import looks_unfilled, own_words, parse

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
