"""A long pasted text is condensed to what is searched (recur.retrieval.query), not cut at its end.

Found in review: a 196-line, 34 KB Java stack trace with ``Caused by: java.io.IOException: No space
left on device`` at its bottom lost it: `recur suggest -` searched the first 20,000 characters (all
frames of the outer exception) and answered "no known pattern". Our own generated traces below."""

import json

from conftest import ROOT
from kbfactory import write_pattern

from recur.retrieval.query import MAX_QUERY_CHARS, prepare

ROOT_CAUSE = "Caused by: java.io.IOException: No space left on device"


LOGGED = "2026-04-02 03:10:00.001 ERROR 7 --- [batch-3] o.e.export.ExportJob : export step failed"


def java_trace(frames: int = 190, logged: bool = True) -> str:
    """An export job's trace: a wrapper exception, a long run of frames, the root cause last; ``logged``:
    under the log line that reported it (a log of one record: searched by its error lines), else bare."""
    lines = [LOGGED] if logged else []
    lines += ["com.example.export.ExportFailedException: could not write batch 42 to /srv/exports/invoices.csv"]
    lines += [
        f"\tat com.example.export.writer.CsvBatchWriter$$Proxy$$9f8e.write{i}(CsvBatchWriter.java:{200 + i}) "
        "~[export-core-3.2.0.jar!/:3.2.0]"
        for i in range(frames)
    ]
    lines += [
        ROOT_CAUSE,
        "\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)",
        "\tat java.base/sun.nio.ch.IOUtil.write(IOUtil.java:58)",
        "\t... 61 common frames omitted",
    ]
    return "\n".join(lines) + "\n"


def timeline(lines: int = 400) -> str:
    """A postmortem's indented timeline: prose lines that start with "at", no stack frame among them."""
    return "Timeline:\n" + "\n".join(
        f"  at {10 + i // 60:02d}:{i % 60:02d} the deploy of batch {i} started and paged the on-call"
        for i in range(lines)
    )


def node_trace(frames: int = 700) -> str:
    """A Node.js trace: frames with a name and a location in parentheses, "async", and a bare path."""
    kinds = (
        "    at Object.<anonymous> (/app/src/w{}.js:1:2)",
        "    at async run{} (/app/x.js:3:4)",
        "    at /app/y{}.js:5:6",
    )
    return "TypeError: Cannot read properties of undefined (reading 'id')\n" + "\n".join(
        kinds[i % 3].format(i) for i in range(frames)
    )


def test_indented_prose_that_starts_with_at_is_no_stack_frame():
    """Found in review: "  at 10:02 the deploy started" was left out of a long paste as a frame."""
    p = prepare(timeline())
    assert p.frames == 0 and "at 10:01 the deploy of batch 1 " in p.text
    p = prepare(node_trace())
    assert p.frames == 699 and p.text.count("\n    at ") == 1


def test_a_short_text_is_searched_as_it_is():
    text = "checkout 502s after the deploy\n\tat com.example.Checkout.pay(Checkout.java:12)\n" * 10
    p = prepare(text)
    assert p.text == text and p.note is None and (p.frames, p.middle) == (0, 0)


def test_a_long_trace_loses_its_repeated_frames_and_keeps_its_root_cause():
    trace = java_trace(logged=False)  # no log record: a trace, condensed to fit (a logged one: test_query_logs)
    assert len(trace) > MAX_QUERY_CHARS
    p = prepare(trace)
    assert p.text.splitlines() == [
        "com.example.export.ExportFailedException: could not write batch 42 to /srv/exports/invoices.csv",
        "\tat com.example.export.writer.CsvBatchWriter$$Proxy$$9f8e.write0(CsvBatchWriter.java:200) "
        "~[export-core-3.2.0.jar!/:3.2.0]",
        ROOT_CAUSE,
        "\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)",
    ]
    assert (p.frames, p.middle) == (191, 0)  # 189 + 1 frames past the first of their runs, and "... 61 ..."
    assert p.note == (
        f"the text is {len(trace):,} characters, over the 20,000 searched: 191 repeated stack-frame lines "
        "('at ...', '... N more') left out"
    )
    assert prepare(p.text) == type(p)(p.text, len(p.text))  # what is searched is searched as it is


def test_a_long_text_still_too_long_keeps_its_start_its_end_and_the_error_lines_between():
    # not log records (no timestamp or level first: a log is searched by its error lines, test_query_logs)
    lines = [f"request {i} served in 12 ms by worker-{i % 7} at 10:00:{i % 60:02d}" for i in range(1200)]
    lines[600] = "writes fail at 10:10:00: ERROR disk quota exceeded on /srv/data"
    lines[700] = "java.lang.IllegalStateException: buffer closed"
    text = "\n".join(lines)
    p = prepare(text)
    assert len(p.text) <= MAX_QUERY_CHARS and p.frames == 0 and p.middle == len(text) - len(p.text)
    kept = p.text.split("\n")
    assert kept[0] == lines[0] and kept[-1] == lines[-1]
    assert lines[600] in kept and lines[700] in kept
    assert kept.index(lines[600]) < kept.index(lines[700])  # in their order
    assert "left out of its middle (its start and end are searched" in p.note
    one_line = "x" * 30_000 + " Exception " + "y" * 30_000  # no line to cut at (a minified JSON document)
    p = prepare(one_line)
    assert p.text.startswith("x" * 8000) and p.text.endswith("y" * 8000) and len(p.text) <= MAX_QUERY_CHARS


def test_recur_suggest_searches_a_long_traces_root_cause_and_says_what_it_left_out(run):
    trace = java_trace(logged=False)
    res = run("suggest", "--json", "--top", "3", "-", input=trace)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert ROOT_CAUSE in out["query"]
    top = out["results"][0]
    assert top["id"] == "disk-full" and top["why"][0]["match"] == "exact", top["why"]
    assert f"recur: the text is {len(trace.strip()):,} characters, over the 20,000 searched: 191 repeated" in res.stderr


def test_a_long_trace_finds_its_root_causes_pattern_on_the_shipped_kb(real_engine):
    answer = real_engine.answer(java_trace(), top=5)
    assert ROOT_CAUSE in answer.query
    assert "disk-full" in [r["id"] for r in answer.results[:3]], [r["id"] for r in answer.results]


# a responder's words in the scripts MiniLM does not read (our own sentences: "cannot connect to the database,
# the disk is full"), each with an error code or an id in Latin letters, which does not make them English
NON_LATIN = {
    "ja": "データベースに接続できません。ディスクがいっぱいです ERR_CONNECTION_REFUSED",
    "zh": "无法连接数据库，磁盘已满，pod-7f9c 一直重启",
    "ru": "не удаётся подключиться к базе данных, диск переполнен на db01",
    "el": "δεν είναι δυνατή η σύνδεση με τη βάση δεδομένων, ο δίσκος είναι γεμάτος",
    "ar": "لا يمكن الاتصال بقاعدة البيانات، القرص ممتلئ E1234",
    "ko": "데이터베이스에 연결할 수 없습니다. 디스크가 가득 찼습니다",
    "he": "לא ניתן להתחבר למסד הנתונים, הדיסק מלא ב-/var/lib/postgresql",
    "th": "ไม่สามารถเชื่อมต่อฐานข้อมูลได้ ดิสก์เต็ม",
}
# mixed, most letters Latin: an English log line with a Japanese comment, a Latin error naming a Cyrillic host,
# an English description quoting a Greek word, a Latin text with a Greek unit
MIXED = [
    "2026-12-01 10:02:03 ERROR could not write to the database: No space left on device  # ディスク満杯",
    "dial tcp: lookup база.пример.рф on 10.0.0.2:53: no such host",
    "the payment service times out when the Ελλάδα region is selected",
    "p99 latency is 900 μs above the usual, requests queue up and time out",
]


def test_a_text_mostly_in_a_non_latin_script_is_told_the_model_reads_english():
    """Found in review: Japanese, Chinese, Russian ... text mostly answered "no known pattern" with no hint why
    (the bundled model reads English). The note says so; what is searched is the text as it was."""
    from recur.retrieval.query import NON_LATIN_NOTE

    for lang, text in NON_LATIN.items():
        p = prepare(text)
        assert p.non_latin, lang
        assert p.note == NON_LATIN_NOTE and p.text == text, lang
    assert "Recur's model reads English" in NON_LATIN_NOTE


# a responder's words in Latin-script languages MiniLM does not read (our own sentences)
OTHER_LANGUAGE = {
    "de": "Die Festplatte ist voll und die Datenbank antwortet nicht mehr",
    "es": "El disco está lleno y la base de datos no puede escribir",
    "fr": "La base de données ne répond plus depuis le déploiement",
    "pt": "O banco de dados não responde e o disco está cheio",
    "nl": "De database reageert niet meer na de uitrol",
    "it": "Il disco è pieno e il database non risponde",
    "de, short": "Die Festplatte ist voll",
    "DE, in capitals": "DIE FESTPLATTE IST VOLL",
}
# English, with a foreign word or two, a Spanish host, a log line; and German ids and paths, which are no words
ENGLISH_TOO = [
    "pods die after the deploy and the checkout page is down",
    "the job failed with 'Datei nicht gefunden' on the batch host",
    "2026-12-01 10:02:03 ERROR could not write to /var/lib/die/das: No space left on device",
    "dial tcp: lookup la-base-de-datos.example on 10.0.0.2:53: no such host",
    "die_ist_voll /der/das/und",
    # terse English with acronyms (ES, OS, CE) and words other languages have too (found in review)
    "ES cluster red, OS disk full",
    "Elasticsearch ES heap high, ES GC pauses",
    "Pods die, OS kills them",
    "CE node down, ES red",
    "workers die con OOM",
    "Juan de la Cruz reports checkout down",
]


def test_a_latin_script_text_in_another_language_is_told_the_model_reads_english():
    """Found in review: German and Spanish text got "no known pattern" with no hint, where Japanese was told the
    model reads English. Their function words tell them (query.mostly_other_language); English text, with a foreign
    word or two, an id or a path among it, is not told so. What is searched is the text as it was."""
    from recur.retrieval.query import NON_ENGLISH_NOTE

    for lang, text in OTHER_LANGUAGE.items():
        p = prepare(text)
        assert p.non_english and not p.non_latin, lang
        assert p.note == NON_ENGLISH_NOTE and p.text == text, lang
    assert "Recur's model reads English" in NON_ENGLISH_NOTE
    for text in [*ENGLISH_TOO, *MIXED, *NON_LATIN.values()]:
        p = prepare(text)
        assert not p.non_english, text
    assert prepare(NON_LATIN["ja"]).non_latin  # the script note, not both


def test_no_eval_question_or_incident_of_the_starter_kb_is_told_it_is_another_language():
    from recur.kb.loader import load_kb
    from recur.retrieval.query import mostly_other_language

    kb = load_kb(ROOT / "kb")
    texts = (
        [c.query for c in kb.cases]
        + [i.summary or "" for i in kb.incidents.values()]
        + [i.title for i in kb.incidents.values()]
    )
    assert len(texts) > 100 and not [t for t in texts if mostly_other_language(t)]


def test_recur_suggest_finds_a_japanese_pattern_by_the_start_of_its_title(run, kb_dir):
    """Found in review: `recur suggest "接続タイムアウト"`, the start of a pattern's own title, said no known pattern:
    BM25 read no Japanese word (util.text.words took A-Z only). A run of CJK letters is read as its two-character
    pieces now, so the title's first words find it, and a German word with an umlaut is one word."""
    write_pattern(
        kb_dir, "setsuzoku-taimuauto", "network", title="接続タイムアウト（決済APIゲートウェイ）",
        symptoms=("決済APIゲートウェイへの接続がタイムアウトする",), summary="アップストリーム接続がタイムアウトする。",
    )  # fmt: skip
    write_pattern(
        kb_dir, "disk-yoryo-busoku", "capacity", title="ディスク容量不足",
        symptoms=("ディスク容量不足でログが書き込めない",), summary="ノードのディスクがいっぱいになる。",
    )  # fmt: skip
    for text, first in [("接続タイムアウト", "setsuzoku-taimuauto"), ("ディスク容量不足", "disk-yoryo-busoku")]:
        res = run("suggest", "--json", "--top", "3", text)
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        assert not out["no_known_pattern"] and out["results"][0]["id"] == first, out["results"]
        assert [r["confidence"] for r in out["results"][1:]] == ["low", "low"], out["results"]


def test_mixed_text_with_mostly_latin_letters_gets_no_script_note():
    """An English log line with a Japanese comment, a Latin error with a Cyrillic hostname: no note. Digits,
    punctuation and ids are no letters either way: a text of them alone is no foreign text."""
    for text in [*MIXED, "disk full", "E1234 0x7f 10.0.0.2:5432 /var/lib/x", "502!!! ???", ""]:
        p = prepare(text)
        logged = p.log_level == "line"  # the log line is searched without its timestamp, and says so: no other note
        assert not p.non_latin and p.note == (
            "searched the log line without its timestamp, host and ids" if logged else None
        ), text


def test_the_script_note_counts_letters_not_ids_and_follows_the_other_notes():
    """Ids and codes in Latin letters (a digit, _ / \\ = @ in the word) do not outweigh a sentence in another
    script; plain English words do. With a log, the note is said after what was searched of it."""
    from recur.retrieval.query import NON_LATIN_NOTE

    ids = "pod_checkout_7f9c8d ERR_CONNECTION_REFUSED https://api.example.com/v1/orders user=alice@example"
    assert prepare("接続できません " + ids).non_latin
    assert not prepare("接続できません connection refused by the primary database").non_latin
    log = "\n".join(f"2026-12-01T10:00:{i:02d}Z INFO 要求を処理しました {i}" for i in range(20))
    log += "\n2026-12-01T10:00:30Z ERROR データベースに接続できません"
    p = prepare(log)
    assert p.log_lines == 21 and p.text == "データベースに接続できません"
    assert p.note == f"searched the 1 error line of a 21-line log; {NON_LATIN_NOTE}"


def test_recur_suggest_tells_a_german_text_that_the_model_reads_english(run):
    from recur.retrieval.query import NON_ENGLISH_NOTE

    res = run("suggest", "--json", "--top", "3", OTHER_LANGUAGE["de"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["query_note"] == NON_ENGLISH_NOTE and f"recur: {NON_ENGLISH_NOTE}." in res.stderr


def test_recur_suggest_tells_a_japanese_text_that_the_model_reads_english(run):
    """The CLI says it on stderr, and the JSON answer in its query_note, the text searched as it was."""
    from recur.retrieval.query import NON_LATIN_NOTE

    res = run("suggest", "--json", "--top", "3", NON_LATIN["ja"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["query"] == NON_LATIN["ja"] and out["query_note"] == NON_LATIN_NOTE
    assert f"recur: {NON_LATIN_NOTE}." in res.stderr


# found in a review of Slack: "🚨🚨 postgres connection pool exhausted" was read with its emoji as words
EMOJI_TEXTS = {
    "🚨🚨 postgres connection pool exhausted 🔥": "postgres connection pool exhausted",
    "disk🔥full on db-3": "disk full on db-3",
    "a 🔥 🔥 b": "a b",
    "👩‍💻 ❤️ 🇩🇪 🏴󠁧󠁢󠁳󠁣󠁴󠁿 deploy stuck": "deploy stuck",
    "ERROR x\n  🔥 at Foo.bar(Bar.java:1)\ny 🚨\r\nz": "ERROR x\n  at Foo.bar(Bar.java:1)\ny\r\nz",
    # no space left before what closes the words before it, nor after what opens: an alert's label "db 🔥" joined
    # before the next label read "mountpoint /data , service db" (found in re-review of the alert readers)
    "service db 🔥, zone a 🔥. (🚨 paged) 🔥: down [🔥x]": "service db, zone a. (paged): down [x]",
    "a 🔥 🔥, b": "a, b",
}
# what is no emoji stays: arrows, check marks, the degree sign, letterlike symbols, a joiner inside a word
NOT_EMOJI = ["Queue ⬆ depth, replication ✓ ✗, 40 ℃ and 95°F", "क्\u200dष देवनागरी", "ERROR:root:x", "ok ☑ ☒"]


def test_emoji_are_not_searched_and_what_is_no_emoji_is():
    for text, searched in EMOJI_TEXTS.items():
        assert prepare(text).text == searched, text
    for text in NOT_EMOJI:
        assert prepare(text).text == text
    assert prepare("🔥🔥🔥").text == ""


def test_what_is_searched_is_read_once_and_not_a_field_of_the_prepared_text():
    """Prepared.searched (Slack's markup out, NFKC) was read anew by each of unsearched, the ranking and the language
    flags of one question; it is read once per Prepared, kept out of its fields: equality, hash, pickling and
    dataclasses.replace (a new text: its own) are the fields' as before."""
    import dataclasses
    import pickle

    p = prepare("<@U0123ABC|alice> ＤＩＳＫ ＦＵＬＬ on db-3")
    assert p.searched == "  DISK FULL on db-3" and p.searched is p.searched
    assert "searched" not in {f.name for f in dataclasses.fields(p)} and "searched" not in repr(p)
    same = dataclasses.replace(p)
    assert same == p and hash(same) == hash(p) and same.searched == p.searched
    assert pickle.loads(pickle.dumps(p)) == p and pickle.loads(pickle.dumps(p)).searched == p.searched
    assert dataclasses.replace(p, text="ｄｉｓｋ full").searched == "disk full"
