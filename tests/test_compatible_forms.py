"""A question in Unicode's compatibility forms is searched as its plain letters (util.text.compatible, NFKC):
full-width "ＤＩＳＫ ＦＵＬＬ" (a CJK input method) and mathematical bold "𝐝𝐢𝐬𝐤 𝐟𝐮𝐥𝐥" (pasted from a chat tool or a
PDF). Found in an MCP review: BM25 read them as "disk full" already, but the model, the signals and the language
check read them as typed, and both were "no known pattern" where "DISK FULL" finds disk-full; the bold one was
said to be "not in the Latin script". The answer still echoes the text as typed."""

import json
import unicodedata

import numpy as np
import pytest
from kbfactory import pattern_text, small_kb, write, write_pattern

from recur.retrieval.query import prepare

FULL_WIDTH = "ＤＩＳＫ ＦＵＬＬ：　ｗｒｉｔｅｓ　ｆａｉｌ　ｗｉｔｈ　ＥＮＯＳＰＣ"
BOLD = "𝐝𝐢𝐬𝐤 𝐟𝐮𝐥𝐥: 𝐰𝐫𝐢𝐭𝐞𝐬 𝐟𝐚𝐢𝐥 𝐰𝐢𝐭𝐡 𝐄𝐍𝐎𝐒𝐏𝐂"
PLAIN = "DISK FULL: writes fail with ENOSPC"
BOLD_PLAIN = "disk full: writes fail with ENOSPC"
# a Go log's duration, with the micro sign (U+00B5) NFKC reads as the Greek mu (U+03BC)
MICRO = "relay handshake timed out after 500µs"


def _answer(run, text: str) -> dict:
    res = run("suggest", "--json", "--top", "3", text)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _ranked(answer: dict) -> list:
    return [(r["id"], r["confidence"], r["probability"], r["why"]) for r in answer["results"]]


@pytest.mark.parametrize("text, same", [(FULL_WIDTH, PLAIN), (BOLD, BOLD_PLAIN)])
def test_a_question_in_full_width_or_bold_letters_is_answered_as_the_same_in_plain_letters(run, text, same):
    plain = _answer(run, same)
    assert plain["results"][0]["id"] == "disk-full"
    assert any(w["field"] == "signal" and w["text"] == "ENOSPC" for w in plain["results"][0]["why"])
    got = _answer(run, text)
    assert _ranked(got) == _ranked(plain)
    assert got["no_known_pattern"] == plain["no_known_pattern"]
    assert got["query"] == text  # echoed as typed
    assert "Latin" not in (got.get("query_note") or "")


def test_the_bold_question_is_read_as_latin_letters_and_its_prepared_text_kept_as_typed():
    from recur.util.text import compatible

    p = prepare(BOLD)
    assert p.text == BOLD and p.searched == BOLD_PLAIN
    assert not p.non_latin and not p.non_english
    assert compatible(FULL_WIDTH) == PLAIN
    assert compatible(PLAIN) is PLAIN  # ASCII: as it is


def test_a_signal_in_compatibility_forms_is_found_whole_in_the_same_text_as_pasted(run, kb_dir):
    """The KB's signals are read NFKC too: a signal with "µs" pasted with its "µs" is still found whole (the text
    searched reads "μs"), and listed once in the why (its view not again by meaning), as read."""
    write(kb_dir, "patterns/network/relay-handshake.md", pattern_text("relay-handshake", "network", signals=[MICRO]))
    got = _answer(run, f"pod-7: {MICRO}")
    first = got["results"][0]
    assert first["id"] == "relay-handshake"
    found = [(unicodedata.normalize("NFKC", w["text"]), w["match"]) for w in first["why"] if w["field"] == "signal"]
    assert found == [(unicodedata.normalize("NFKC", MICRO), "exact")], first["why"]


# -- the KB's text read NFKC at index time (index format 11) ------------------------------------------------------
def full_width(text: str) -> str:
    """``text`` as a CJK input method's full-width letters, digits and marks ("ｋｕｂｅｌｅｔ", "０ｘ８００７"), its
    spaces ideographic ones."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


PLEG = {
    "title": "kubelet PLEG is not healthy",
    "symptoms": ("nodes flap between Ready and NotReady", "pods stuck in ContainerCreating"),
    "signals": ("PLEG is not healthy: pleg was last seen active", "StartService failed 0x8007042D"),
    "summary": "The kubelet's pod lifecycle event generator stalls when the container runtime hangs.",
    "root_cause": "The container runtime stops answering the kubelet's relist.",
}


def pleg_kbs(tmp_path, as_written):
    """Two copies of the small KB with the kubelet-pleg pattern: in plain letters, and written with ``as_written``
    (full-width, a PDF's ligatures)."""
    kbs = []
    for name, form in (("plain", lambda t: t), ("written", as_written)):
        kb = small_kb(tmp_path / name / "kb")
        fields = {k: form(v) if isinstance(v, str) else tuple(map(form, v)) for k, v in PLEG.items()}
        write_pattern(kb, "kubelet-pleg", "hardware", **fields)
        kbs.append(kb)
    return kbs


def _built(kb, encoder):
    from recur.kb.loader import load_kb
    from recur.retrieval import index as index_mod

    idx = kb.parent / "index"
    index_mod.build(load_kb(kb), idx, encoder, progress=False)
    return idx, index_mod.load(idx, encoder.model_id)


def ligatures(text: str) -> str:
    """``text`` as a PDF's copy writes it: "ﬁ", "ﬂ" and "ﬀ" ligatures."""
    return text.replace("ff", "\ufb00").replace("fi", "\ufb01").replace("fl", "\ufb02")


@pytest.mark.parametrize("as_written", [full_width, ligatures], ids=["full-width", "ligatures"])
def test_a_pattern_in_compatibility_forms_is_indexed_as_its_plain_letters(tmp_path, as_written):
    """The views given to the model and the BM25 text are NFKC, as a question is (query.Prepared.searched): the
    index of a pattern pasted in full-width letters or with ligatures holds what the same pattern in plain letters
    gives. Its views were embedded as written (format 10), and BM25 read a full-width hex code before NFKC, as
    "0x" where the question's is "0x8007042d"."""
    from recur.retrieval import embed

    plain, written = (_built(kb, embed.FakeEncoder(64))[1] for kb in pleg_kbs(tmp_path, as_written))
    assert [(v["pattern"], v["kind"], unicodedata.normalize("NFKC", v["text"])) for v in written.views] == [
        (v["pattern"], v["kind"], v["text"]) for v in plain.views
    ]
    assert np.array_equal(written.vectors, plain.vectors)  # embedded NFKC, each view's text kept as written
    assert written.bm25.vocab_dict == plain.bm25.vocab_dict and "0x8007042d" in written.bm25.vocab_dict
    assert written.manifest["hashes"] == plain.manifest["hashes"]  # the same content: the same vectors reused
    assert written.docs["kubelet-pleg"]["title"] == as_written(PLEG["title"])  # shown as written


@pytest.mark.model
def test_a_plain_question_finds_a_pattern_written_in_full_width_letters_as_the_same_in_plain_ones(
    tmp_path, real_encoder
):
    """Found in review: the model read a full-width view as other characters (cosine 0.05 to its plain letters),
    and "kubelet PLEG is not healthy, nodes flapping NotReady" answered "no known pattern", the pattern third,
    on the shipped KB with it written full-width. Its vectors are now those of its plain letters, so is the answer."""
    from recur.retrieval.engine import Engine

    answers = []
    for kb in pleg_kbs(tmp_path, full_width):
        idx, loaded = _built(kb, real_encoder)
        rows = [i for i, v in enumerate(loaded.views) if v["pattern"] == "kubelet-pleg"]
        answers.append((loaded.vectors[rows], Engine(kb, idx, "default").answer("kubelet PLEG is not healthy", top=3)))
    (plain_vectors, plain), (written_vectors, written) = answers
    assert np.allclose(written_vectors, plain_vectors, atol=1e-5)
    assert plain.results[0]["id"] == "kubelet-pleg"
    ranked = [[(r["id"], r["confidence"], r["probability"]) for r in a.results] for a in (plain, written)]
    assert ranked[1] == ranked[0] and written.no_known_pattern == plain.no_known_pattern


JAPANESE = {  # half-width katakana and full-width marks, as a Japanese author writes them
    "title": "ﾃﾞｰﾀﾍﾞｰｽ接続ﾀｲﾑｱｳﾄ（本番）！",
    "symptoms": ("ﾃﾞｰﾀﾍﾞｰｽ接続がﾀｲﾑｱｳﾄする（ｴﾗｰ：ETIMEDOUT）",),
    "signals": ("ETIMEDOUT",),
    "summary": "本番のﾃﾞｰﾀﾍﾞｰｽへの接続がﾀｲﾑｱｳﾄする。",
    "root_cause": "接続ﾌﾟｰﾙの上限が小さすぎる。",
}


def test_a_why_quotes_a_japanese_pattern_as_its_author_wrote_it(tmp_path):
    """Found in a re-read of format 11: views.json kept each view's NFKC text, so a result's why (the API, MCP,
    Slack, `recur suggest` and the site's box, which reads the same views) quoted the title "ﾃﾞｰﾀﾍﾞｰｽ接続ﾀｲﾑｱｳﾄ（本番）！"
    as "データベース接続タイムアウト(本番)!", beside the title shown as written. The model and BM25 still read NFKC."""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import pattern_views

    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "db-timeout-ja", "software", **JAPANESE)
    encoder = embed.FakeEncoder(64)
    _, loaded = _built(kb, encoder)
    rows = [i for i, v in enumerate(loaded.views) if v["pattern"] == "db-timeout-ja"]
    shown = {loaded.views[i]["kind"]: loaded.views[i]["text"] for i in rows}
    assert shown["title"] == JAPANESE["title"] and shown["symptom"] == JAPANESE["symptoms"][0]
    assert shown["summary"] == JAPANESE["summary"]
    loaded_kb = load_kb(kb)
    embedded = [t for _, t in pattern_views(loaded_kb.patterns["db-timeout-ja"], loaded_kb)]
    assert embedded[1] == "データベース接続タイムアウト(本番)!"
    assert np.array_equal(loaded.vectors[rows], encoder.encode(embedded))


def test_a_signal_written_in_full_width_digits_pins_its_number_as_one_in_plain_digits(tmp_path):
    """views.json keeps a signal as written ("HTTP ５０３"), and the status it pins is read from its NFKC form, as the
    query's and the bundle's signals are (ranker.js alike): read as written, it pinned nothing, and a question
    saying another status no longer set that view aside."""
    from recur.retrieval import embed
    from recur.retrieval.search import Searcher

    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "edge-503", "network", title="Edge returns 503", signals=("HTTP ５０３ Service Unavailable",))
    encoder = embed.FakeEncoder(64)
    _, loaded = _built(kb, encoder)
    searcher = Searcher(loaded, encoder)
    (row,) = [i for i, v in enumerate(loaded.views) if v["pattern"] == "edge-503" and v["kind"] == "signal"]
    assert loaded.views[row]["text"] == "HTTP ５０３ Service Unavailable"
    assert searcher.pinned_views.get(row) == frozenset({("status", "5xx")})
