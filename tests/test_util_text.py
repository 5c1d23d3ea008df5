"""Small text helpers in recur.util.text (tokens and signals are tested through search)."""

from procs import python_guarded

from recur.util.text import cut_list, edit_distance, plain


def test_cut_list_keeps_a_short_list_and_says_how_many_it_left_out():
    assert cut_list(["a", "b"], 2) == ["a", "b"]
    assert cut_list(iter("abc"), 2) == ["a", "b", "… and 1 more"]
    assert cut_list([str(n) for n in range(25)])[-2:] == ["19", "… and 5 more"]
    assert cut_list(["x"] * 3, 1, "... and {n} more line(s) like these") == ["x", "... and 2 more line(s) like these"]


def test_plain_takes_a_link_as_its_label_and_marks_out_as_its_patterns_say():
    """plain reads every short text as two patterns, line by line: a link ``[label](target)`` as its label, then
    code and strong-emphasis marks out; any other bracket is kept."""
    import re
    from itertools import product

    link, marks = re.compile(r"\[([^\]]*)\]\([^)]*\)"), re.compile(r"`|\*\*|__")
    for n in range(7):
        for chars in product("[]()*`a ", repeat=n):
            text = "".join(chars)
            assert plain(text) == " ".join(marks.sub("", link.sub(r"\1", text)).split()), repr(text)
    assert plain("**Disk** [full](https://x)\n on `db-7` ](a [b](c) [x](") == "Disk full on db-7 ](a b [x]("


def test_plain_keeps_a_log_lines_brackets():
    """Found in review: every "[" was taken out, and an incident whose summary was a pasted log line was shown by
    `recur show`, its --json, the API and a suggestion's why as "2026/12/06 13:02:03] error] storage] x"."""
    line = "[2026/12/06 13:02:03] [error] [storage] x: No space left on device"
    assert plain(line) == line
    assert plain("[ERROR] disk full, see [the runbook](https://kb/x) [x]") == "[ERROR] disk full, see the runbook [x]"


def test_plain_reads_runs_of_unclosed_link_targets_in_linear_time():
    """250,000 "](" with no ")" after them: each was read on to the text's end (30,000 took 0.9 s, these would take
    minutes); likewise "[a](". In a process of its own, whose timeout guards against a hang, not a speed check."""
    code = "from recur.util.text import plain\nprint(len(plain('](' * 250_000)), len(plain('[a](' * 125_000)))"
    run = python_guarded(code)
    assert run.returncode == 0 and run.stdout.split() == ["500000", "500000"], run.stderr


def test_config_reads_a_setting_as_its_defaults_type_or_says_which_variable_is_wrong(monkeypatch):
    """Found in review: a bool setting came back as its text ("0" was true) and an int's "abc" was a
    bare ValueError; click reads most settings first, the library reads them too."""
    import pytest

    from recur import config
    from recur.util.errors import RecurError

    monkeypatch.setenv("RECUR_ACCESS_LOG", "0")
    assert config.get("access_log") is False
    monkeypatch.setenv("RECUR_ACCESS_LOG", " Yes ")
    assert config.get("access_log") is True
    monkeypatch.setenv("RECUR_STALE_DAYS", "30")
    assert config.get("stale_days") == 30
    for name, value, said in (("access_log", "maybe", "use one of"), ("stale_days", "abc", "not a whole number")):
        monkeypatch.setenv(config.env(name), value)
        with pytest.raises(RecurError, match=f"{config.env(name)}='{value}': {said}"):
            config.get(name)


def test_a_contraction_is_not_a_search_term():
    """ "didn't" split into "didn" and "didnt", which BM25 read as words: a pattern whose text said
    "didn't" was shown as sharing the terms "didn, didnt" with "the on-call phone didn't ring"."""
    from recur.util.text import tokens

    got = tokens("the on-call phone didn't ring, we'll page again; it wasn't paged and can't be")
    assert not {"didn", "didnt", "ll", "wasn", "wasnt", "cant"} & set(got)
    assert {"phone", "ring", "page"} <= set(got)


def test_browser_search_is_a_switch_of_the_config_table(monkeypatch):
    """Found in review: its default was the text "on", so config.get could not read it as a switch and
    recur.site.build kept a second on/off list of its own. The values the README lists still work, and
    another value is still the error naming the variable and the flag."""
    import pytest

    from recur import config
    from recur.util.errors import RecurError

    monkeypatch.delenv("RECUR_BROWSER_SEARCH", raising=False)
    assert config.get("browser_search") is True
    for raw, wanted in (("off", False), (" No ", False), ("0", False), ("false", False), ("ON", True), ("1", True)):
        monkeypatch.setenv("RECUR_BROWSER_SEARCH", raw)
        assert config.get("browser_search") is wanted, raw
    monkeypatch.setenv("RECUR_BROWSER_SEARCH", "of")
    with pytest.raises(RecurError, match=r"^RECUR_BROWSER_SEARCH='of': use on or off \(or --\[no-\]browser-search\)$"):
        config.get("browser_search")


def test_edit_distance_is_shared_by_the_checks_that_name_a_slip():
    """The Levenshtein distance the loader (a misspelt folder or heading) and kb.anchors (a URL
    scheme) both use, from util (kb.anchors imported the loader's private copy; found in review);
    past ``most`` it stops counting and says ``most + 1``."""
    assert edit_distance("pattern", "patterns", 2) == 1
    assert edit_distance("htps", "https", 1) == 1
    assert edit_distance("detecton", "detection", 2) == 1
    assert edit_distance("permanent fix", "root cause", 2) == 3
    assert edit_distance("a", "abcdef", 2) == 3


def test_has_text_takes_colour_codes_and_zero_width_characters_alone_as_no_text():
    from recur.util.text import has_text

    for nothing in ("", " \t\n", "\x1b[31m\x1b[0m", "\u200b\u200c\u200d\u2060\ufeff", "\x1b]0;title\x07\u00ad"):
        assert not has_text(nothing), repr(nothing)
    for text in ("a", "\x1b[31mERROR\x1b[0m", "\u200bdisk", "\x1bfull", "é", "故障"):
        assert has_text(text), repr(text)


def test_has_text_takes_emoji_alone_as_no_text_as_the_site_box_does():
    """Found in review: "🔥🚨" was searched (query.prepare drops emoji, so as "") and answered "No known pattern",
    exit 0, with advice to record it, where colour codes alone were refused. The box's hasText reads it alike."""
    import shutil
    import subprocess
    from pathlib import Path

    from recur.util.text import has_text

    nothing = ["🔥🚨", " \U0001f525\u200d\ufe0f ", "\x1b[31m🚨\x1b[0m", "👍🏽", "🇩🇪"]
    texts = ["🔥 disk full", "故障🔥", "a"]
    assert [has_text(t) for t in nothing + texts] == [False] * len(nothing) + [True] * len(texts)
    if not shutil.which("node"):
        return
    js = Path(__file__).parents[1] / "site_config/assets/recur-query.js"
    code = f"require({str(js)!r}); const t = JSON.parse(process.argv[1]);"
    code += " process.stdout.write(JSON.stringify(t.map(globalThis.RecurQuery.hasText)));"
    import json

    run = subprocess.run(["node", "-e", code, json.dumps(nothing + texts)], capture_output=True, text=True, timeout=60)
    assert json.loads(run.stdout) == [False] * len(nothing) + [True] * len(texts), run.stderr


def test_the_site_box_takes_the_same_characters_as_no_text():
    """recur-query.js's VISIBLE (hasText: the alert reader's and the box's blank check) is INVISIBLE, the
    characters above U+FFFF in JS's \\u{...} form; the box keeps no copy of it."""
    import re
    from pathlib import Path

    from recur.util.text import INVISIBLE

    assets = Path(__file__).parents[1] / "site_config/assets"
    js = (assets / "recur-suggest.js").read_text(encoding="utf-8")
    (visible,) = re.findall(r"var VISIBLE = /\[\^(.*)\]/u;", (assets / "recur-query.js").read_text(encoding="utf-8"))
    astral = re.sub(r"[\U00010000-\U0010ffff]", lambda m: f"\\u{{{ord(m.group()):x}}}", INVISIBLE)
    assert visible == astral
    assert "RecurQuery.hasText(prepared.text)" in js and "\\u200b" not in js.lower()  # no list of its own


def test_escape_controls_shows_bidirectional_formatting_characters_escaped():
    from recur.util.text import escape_controls

    assert escape_controls("a\u202eb\u2067c\x1bd\te\n") == "a\\u202eb\\u2067c\\x1bd\te\n"
    assert escape_controls("\u061c\u200e\u200f", keep="") == "\\u061c\\u200e\\u200f"
    text = "caf\u00e9 \u05e9\u05dc\u05d5\u05dd \u200b"  # text, right to left or not: as it is
    assert escape_controls(text) == text


def test_bm25_reads_unicode_letters_and_cjk_runs_as_two_character_pieces():
    """Found in review: the word pattern took A-Z only. "Zeitüberschreitung" was "zeit" and "berschreitung",
    "Maßnahmen" "ma" and "nahmen", and Japanese had no words at all ("ディスク容量不足": none; the title
    "接続タイムアウト（決済APIゲートウェイ）": "api"). Now a word is Unicode's letters, and a run of CJK letters its
    overlapping two-character pieces (a one-character run that character), as CJK text is searched without a
    dictionary."""
    from recur.util.text import tokens, words

    assert tokens("Zeitüberschreitung") == ["zeitüberschreitung"]
    assert tokens("Maßnahmen greifen nicht") == ["maßnahmen", "greifen", "nicht"]
    assert tokens("ディスク容量不足") == ["ディ", "ィス", "スク", "ク容", "容量", "量不", "不足"]
    title = tokens("接続タイムアウト（決済APIゲートウェイ）")
    assert title[:7] == ["接続", "続タ", "タイ", "イム", "ムア", "アウ", "ウト"] and title[7:9] == ["決済", "api"]
    assert set(tokens("接続タイムアウト")) <= set(title)  # the start of the title finds the title
    assert tokens("데이터베이스 연결") == ["데이", "이터", "터베", "베이", "이스", "연결"]
    assert tokens("値 x 3日") == ["値", "日"]  # one CJK letter is a word, one Latin letter none
    # "ü" as "u" and a combining mark (a macOS paste), full-width letters and digits: as the KB writes them
    assert tokens("Zeitu\u0308berschreitung") == tokens("Zeitüberschreitung")
    assert words("ＡＰＩ ５０３") == ["api", "503"]
    assert words("NetzwerkFehler Zoë's_Überlast") == [
        "netzwerk", "fehler", "netzwerkfehler", "zoë", "s", "überlast", "zoës_überlast",
    ]  # fmt: skip


def test_english_words_are_read_as_before_beside_other_characters():
    """English text with typographic punctuation, emoji or a CJK word beside it keeps its words: the
    characters that are no letters part words as a space does, as they always did."""
    from recur.util.text import tokens, words

    text = "KubePodCrashLooping — writes fail “ENOSPC” … on db-07 🔥 after 5xx ⚠ HTTP_503 don't (¡retry!)"
    spaced = text.translate({ord(c): " " for c in "—“”…🔥⚠¡"})
    assert spaced.isascii() and tokens(text) == tokens(spaced) and words(text) == words(spaced)
    assert words("disk full ディスク")[:2] == ["disk", "full"]


def test_indic_and_thai_words_keep_their_vowel_signs():
    """Found in a re-read: the vowel signs and viramas of Devanagari, Bengali, Thai (combining marks, which \\w
    is not) split a word at each: words('डिस्क भर गई') was ['ड', 'स', 'क', 'भर', 'गई'], and Bengali's
    'ডিস্ক পূর্ণ' gave BM25 no word at all. Punctuation (the danda, Thai's ๚) still parts words."""
    from recur.util.text import bm25_words, words

    assert words("डिस्क भर गई।") == ["डिस्क", "भर", "गई"]
    assert bm25_words("ডিস্ক পূর্ণ") == ["ডিস্ক", "পূর্ণ"]
    assert words("ดิสก์เต็ม๚ไม่") == ["ดิสก์เต็ม", "ไม่"]  # Thai is not spaced: a run is one word
    assert words("வட்டு நிரம்பியது") == ["வட்டு", "நிரம்பியது"]
