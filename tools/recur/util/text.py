"""Text handling shared by indexing and search: tokens for BM25, normalised signal strings.

Responders paste alert names (KubePodCrashLooping), error codes (ORA-00060, ENOSPC) and log
lines with different numbers than the ones in the KB; both sides are normalised the same way
so that those still match exactly.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']*|\d+[A-Za-z]*")  # ASCII text's words, as they always were
# Chinese, Japanese and Korean letters: Han (with 々 〆 〇), Hiragana, Katakana (with ー, half-width ones too) and
# Hangul (not its fillers, which show nothing: INVISIBLE). Their words are not spaced apart, so a run of them is
# read as its overlapping two-character pieces ("接続タイムアウト": 接続 続タ タイ イム ...), the usual way to
# search them by words without a dictionary, and a run of one character as that character. site/browser/
# ranker.js has this very class (CJK).
CJK = (
    r"\u1100-\u115e\u1161-\u11ff\u3005-\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3131-\u3163"
    r"\u3165-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7fb\uf900-\ufaff"
    r"\uff66-\uff9d\uffa1-\uffdc"
    "\U00020000-\U0003134f"
)
_CJK_RUN = re.compile(f"[{CJK}]+")
# Any other text's words: Unicode's letters ("Zeitüberschreitung", "Maßnahmen", "нет"), as _WORD reads ASCII
# ones. _WORD took only A-Z, and "Zeitüberschreitung" was the words "zeit" and "berschreitung". A letter is
# what \w takes but a digit, "_" and CJK; after it, what \w takes but CJK, MARKS, and "'". Identical to _WORD on
# ASCII.
# The vowel signs and other combining marks of the scripts of India and South-East Asia are no letters to \w:
# "डिस्क" was the words "ड", "स", "क" and Bengali's "ডিস্ক পূর্ণ" none at all. Within a word, so, these blocks
# (Devanagari to Sinhala, Thai, Lao, Myanmar, Khmer) but their punctuation (the danda "।" ends a sentence) and
# signs (currency, fractions): explicit ranges, which Python's re reads (it has no \p{M}); ranker.js has this
# very class (MARKS), so the browser's words are these.
MARKS = (
    r"\u0900-\u0963\u0966-\u096f\u0971-\u09f1\u09f4-\u09f9\u09fc\u09fe-\u0a75\u0a77-\u0aef\u0af2-\u0b6f"
    r"\u0b71-\u0bf2\u0bfb-\u0c76\u0c78-\u0c7e\u0c80-\u0c83\u0c85-\u0d4e\u0d50-\u0d78\u0d7a-\u0df3\u0df5-\u0dff"
    r"\u0e00-\u0e3e\u0e40-\u0e4e\u0e50-\u0e59\u0e5c-\u0eff\u1000-\u1049\u1050-\u109d\u1780-\u17d3\u17d7\u17dc-\u17ff"
)
_LETTER = f"[^\\W\\d_{CJK}]"
# A possessive's "'s" (or "’s", a typographic apostrophe's) at a word's end: the word alone, as "s'" (a plural's) always
# was. _split joined "redis's" into a second word too, "rediss": BM25 read the nonsense word beside "redis", and "DNS's
# down" was "no known pattern" where "dns down" was high (found in a re-read); "cluster's" counted "cluster" twice. A
# contraction keeps its joined form ("can't" is "cant", NEGATIONS). "’" is no letter of _UWORD's: "redis’s" was
# "redis" and "s". Group 1 is the letter before it, kept; no lookbehind, so ranker.js has this very pattern.
_POSSESSIVE = re.compile(r"(\w)\u2019[sS](?!\w)")
_UWORD = re.compile(f"{_LETTER}(?:[^\\W{CJK}]|[{MARKS}]|')*|\\d+{_LETTER}*|[{CJK}]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*[A-Za-z0-9]")
DIGITS = re.compile(r"\d+")  # a run of digits, as normalise_signal masks them (search.said_numbers reads them so)
_UNDERSCORE = re.compile(r"[_']")
_SPACE = re.compile(r"\s+")
_MD_MARKS = re.compile(r"`|\*\*|__")  # code and strong emphasis; links are link_spans'


# a terminal's escape sequences: colour and cursor (CSI "\x1b[1;31m"), title (OSC "\x1b]0;…\x07"), and
# the two-character ones; the browser ranker takes this very pattern (site.bundle.ranking_params)
# (an OSC's text is bounded: unterminated ones, each scanned to the end of a pasted megabyte, were quadratic)
ANSI = r"\x1b(?:\[[0-?]{0,64}[ -/]{0,8}[@-~]|\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)|[@-_])"
_ANSI = re.compile(ANSI)


def link_spans(line: str) -> list[tuple[int, int, int]]:
    """(start, the label's end, end) of each Markdown link ``[label](target)`` of ``line`` (no "\\n"), the ones
    ``re.finditer(r"\\[([^\\]]*)\\]\\([^)]*\\)", line)`` finds, in time linear in its length. That pattern read
    on from each "[" with no link after it to the line's end: a run of 10,000 "[" took 1 s, 100,000 minutes
    (bench/pathological.py). Here a "[" with no "]" after it, or whose "]" (the first after it) is one a "["
    before it found no link at, is passed over at once."""
    last_close, last_paren = line.rfind("]"), line.rfind(")")
    spans, pos, dead = [], 0, -1
    at = line.find("[")
    while at >= 0:
        if pos <= at < last_close and at > dead:
            close = line.find("]", at)
            if line[close + 1 : close + 2] == "(" and close + 1 < last_paren:
                pos = line.find(")", close + 1) + 1
                spans.append((at, close, pos))
            else:
                dead = close
        at = line.find("[", at + 1)
    return spans


def replace_links(line: str, label: bool = True, between=None) -> str:
    """``line`` (no "\\n") with each Markdown link (``link_spans``) as its label, or (not ``label``) taken
    out, and ``between`` (a function of text, if given) applied to the text outside the links: the
    loop the readers of untrusted text share in place of a link regex (alert sources, a postmortem's
    summary line), in time linear in its length."""
    kept, pos = [], 0
    keep = between or (lambda text: text)
    for start, close, end in link_spans(line):
        kept.append(keep(line[pos:start]) + (line[start + 1 : close] if label else ""))
        pos = end
    return "".join(kept) + keep(line[pos:])


def strip_ansi(text: str) -> str:
    """``text`` without terminal escape sequences. Found in review: a coloured log line
    (``\x1b[1;31mERROR\x1b[0m …``) was searched with "1", "31m" and "0m" in it, and the answer
    changed (another pattern first) from what the same line without colour gave."""
    return _ANSI.sub("", text) if "\x1b" in text else text


# What shows nothing, as a class of a regular expression that Python's re and ECMA-262 with the ``u`` flag read
# alike: white space (every character str.isspace() takes), the control characters
# (Cc) and Unicode's default-ignorable code points (DerivedCoreProperties.txt: the zero-width space U+200B,
# the joiners, U+FEFF, direction marks, variation selectors, the tags). A text of these alone has nothing to
# search: "\u200b" was searched, and answered "no known pattern" with the closest patterns. The characters
# above U+FFFF are written as themselves (the escapes for them differ), which ECMA-262 reads as meant only with
# the ``u`` flag: JSON Schema's pattern is written from this class by ecma_any_but.
INVISIBLE = (
    r"\x00-\x20\x7f-\xa0\xad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f"
    r"\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_VISIBLE = re.compile(f"[^{INVISIBLE}]")


# why a text that was given holds nothing to search (has_text false, not empty): every surface's refusal says it so
# (the API's and MCP's fields, `recur suggest`, `recur incident new -d -`). The CLI said "stdin held no text to
# search: pipe it in" of a pipe that held colour codes alone (found in review)
ONLY_INVISIBLE = "only terminal escape codes, invisible characters or emoji"


def has_text(text: str) -> bool:
    """Whether ``text`` holds anything to search: a character that shows, outside terminal escape sequences.
    Colour codes alone ("\x1b[0m" of a coloured grep that matched nothing), zero-width characters alone
    (U+200B, U+FEFF of a copy from a web page), emoji alone (query.prepare drops them: "🔥🚨" was searched as ""
    and answered "No known pattern", exit 0; found in review) and white space are no text, on every surface alike."""
    return _VISIBLE.search(without_emoji(strip_ansi(text))) is not None


# C0 and C1 control characters and DEL: not text. The one rule for what a KB field may not hold;
# writers clean their input with ``one_line``/``without_controls``, MCP refuses it and `recur check`
# reports it with ``control_character``, and the terminal shows it escaped (``escape_controls``).
# Found in review: "\x1b]0;…\x07" (set the terminal's title) and "\x1b[2J" (clear the screen) in an
# imported title were printed as they are to the problem manager's terminal by `recur report`.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LINE_SPACING = "\t\n"  # what a one-line field of the front matter may hold all the same (YAML's | and >)
TEXT_SPACING = "\t\n\r"  # and text that has lines


def control_character(text: str, allow: str = "") -> tuple[int, str] | None:
    """(position from 1, character) of the first control character of ``text`` that is not in
    ``allow`` (``LINE_SPACING``, ``TEXT_SPACING``), or None."""
    for m in _CONTROL.finditer(text):
        if m.group() not in allow:
            return m.start() + 1, m.group()
    return None


def control_refused(text: str) -> str | None:
    """Why ``text``, a value given to be written into the KB, is refused, or None: the one rule of every surface
    that records what it is given (a `recur` flag, argument or prompt, MCP's record_incident, a library's
    ``NewIncident``). A tab and line breaks (LF, CR) are white space: kept in text that has lines, folded into
    one space in a one-line field (``one_line``). Any other control character (C0, DEL, C1: a terminal's escape
    sequence, a NUL) is refused, naming where it is, as the caller can give the text again without it. The CLI
    took them out without a word while MCP refused them (found by fuzzing). A document read whole (stdin's
    `recur incident new -d -`, a postmortem `recur import` reads) has them taken out instead, and says so."""
    found = control_character(text, TEXT_SPACING)
    if found is None:
        return None
    at, ch = found
    what = "a terminal escape sequence, such as a colour code" if ch == "\x1b" else "a control code, not text"
    return (
        f"has the control character U+{ord(ch):04X} at character {at} ({what}): give plain text "
        "(a tab and line breaks are allowed)"
    )


def require_no_controls(text: str, where: str) -> str:
    """``text`` when ``control_refused`` takes it, else a RecurError naming ``where`` (a field, an argument)."""
    from recur.util.errors import RecurError

    if why := control_refused(text):
        raise RecurError(f"{where}: {why}; nothing written")
    return text


def one_line(text: str) -> str:
    """``text`` as one line of text for a one-line field (a title, an owner, a service, a flag):
    terminal escape sequences (a pasted coloured line) and other control characters removed,
    spacing (tabs, line breaks, NEL) folded into single spaces."""
    return " ".join(_CONTROL.sub(lambda m: " " if m.group().isspace() else "", strip_ansi(text)).split())


def without_controls(text: str) -> str:
    """``text`` with its lines kept (tab, LF and CR), terminal escape sequences and other control
    characters removed: a vertical tab or form feed (a page break of a text export) becomes a line
    break, other spacing (NEL, the separators U+001C-U+001F) a space, anything else is dropped.
    NEL is no line break here: in mojibake it is a letter's broken half, and a title ended at it."""
    if not _UNSPACED.search(text):
        return text
    return _UNSPACED.sub(lambda m: _SPACING.get(m.group(), " " if m.group().isspace() else ""), strip_ansi(text))


_SPACING = {"\v": "\n", "\f": "\n"}
# _CONTROL but for TEXT_SPACING, which text keeps as it is: each line break was a call of the replacement
# function, 1.7 s of a `recur import` of 500,000 short lines (bench/pathological.py)
_UNSPACED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def count_controls(text: str, allow: str = TEXT_SPACING) -> int:
    """How many control characters ``text`` holds, but for ``allow``."""
    if allow == TEXT_SPACING:
        return len(_UNSPACED.findall(text))
    return sum(1 for ch in _CONTROL.findall(text) if ch not in allow)


# Unicode's bidirectional formatting characters (the embeddings, overrides and isolates, the marks, the
# Arabic letter mark): text, not control characters, but a terminal line holding one can show its characters
# in another order than they are copied ("Trojan Source", CVE-2021-42574). Found in review: a printed
# `recur incident new -t '…'` line showed one command and pasted another.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SHOWN_ESCAPED = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")


def _escaped(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"


def escape_controls(text: str, keep: str = "\t\n") -> str:
    """``text`` for a terminal: each control character but ``keep`` shown as ``\\x1b``, so that text
    from the KB (a runbook step, a file name) cannot clear the screen or set the window's title, and each
    bidirectional formatting character (BIDI) as ``\\u202e``, so that a line shows what it copies."""
    return _SHOWN_ESCAPED.sub(lambda m: m.group() if m.group() in keep else _escaped(m.group()), text)


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host and no white space: what a link base must be (--site-url,
    --edit-url, mkdocs.yml's extra.recur.edit_url)."""
    from urllib.parse import urlparse

    try:
        url = urlparse(value)
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        return False
    return url.scheme in ("http", "https") and bool(url.hostname) and not any(c.isspace() for c in value)


def require_http_url(value: str, where: str = "") -> str:
    """``value`` when ``is_http_url``, else a RecurError naming ``where`` (a variable, a field of
    mkdocs.yml; click names an option itself): the one check of a link base, whichever source gave
    it. RECUR_EDIT_URL read by the mkdocs hook skipped it, and `mkdocs build` put
    "javascript:alert(1)//" into every pattern page's edit link (found in review)."""
    from recur.util.errors import RecurError

    if not is_http_url(value):
        why = f"must be an http:// or https:// URL (like https://kb.example.com/), not {value!r}"
        raise RecurError(f"{where}: {why}" if where else why)
    return value


def ascii_int(text) -> int | None:
    """``text`` as a non-negative int when it is ASCII digits (spaces around allowed), else None.
    Not ``str.isdigit``: it passes "²" and "٣", which int() then refuses or reads as another number,
    and a traceback followed (a front-matter "duration minutes", an interactive pick, OMP_NUM_THREADS)."""
    t = str(text).strip()
    return int(t) if t.isascii() and t.isdigit() else None


STOPWORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not
now of off on once only or other our ours out over own same she should so some such than that the
their theirs them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours also via per got get gets
still yet one two us
didn didnt doesn doesnt don dont isn isnt wasn wasnt weren werent aren arent hasn hasnt haven havent
hadn hadnt couldn couldnt shouldn shouldnt wouldn wouldnt won wont can cant cannot ll ve re ain
""".split()
)  # the last two lines: what "didn't", "we'll" split into; "didn" was shown as a shared term (review)


@lru_cache(maxsize=1)
def stemmer():
    import Stemmer  # PyStemmer: Snowball, a C extension, light to import

    return Stemmer.Stemmer("english")


# The word caches (``_split``, ``_stem``): a KB's words, read inside ``kb_words()`` (an index build, a loaded
# index's signals and the words a typo may be read as), are kept for the process (_KEPT_*: a KB repeats its words;
# indexing 1,000 patterns split about 600,000 of them); any other text's, a question's, are in an LRU of
# QUERY_WORDS. Both caches were LRUs of 200,000 entries that every distinct word of every question filled: a
# long-running `recur serve` held about 100 MB for them once full (bench/word_cache.py).
QUERY_WORDS = 4096
_KEEP: ContextVar[bool] = ContextVar("recur_kb_words", default=False)
_KEPT_SPLIT: dict[str, tuple[str, ...]] = {}
_KEPT_STEM: dict[str, str] = {}


@contextmanager
def kb_words():
    """The words read inside (in this thread) are a KB's: kept for the process (``_split``, ``_stem``), not in
    the questions' LRU. Only around text of the KB: a question's words read here would be kept for good."""
    token = _KEEP.set(True)
    try:
        yield
    finally:
        _KEEP.reset(token)


def _stem(word: str) -> str:
    got = _KEPT_STEM.get(word)
    if got is None:
        if not _KEEP.get():
            return _recent_stem(word)
        got = _KEPT_STEM[word] = stemmer().stemWord(word)
    return got


@lru_cache(maxsize=QUERY_WORDS)
def _recent_stem(word: str) -> str:
    return stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Lowercase words, with CamelCase and snake_case split (KubePodCrashLooping -> kube pod crash looping);
    a run of CJK letters as its two-character pieces (CJK)."""
    out = []
    if text.isascii():
        kept = _KEPT_SPLIT  # a KB's word looked up here: no call (words are read ~170 times an answer)
        for raw in _WORD.findall(text):
            got = kept.get(raw)
            out.extend(_split(raw) if got is None else got)
        return out
    # NFKC: "u" and a combining diaeresis (a macOS file name, a paste) as "ü", full-width "ＡＰＩ" and "５０３" of a
    # Japanese text as "API" and "503", half-width katakana as the full-width ones: each written as the KB writes it
    text = unicodedata.normalize("NFKC", text)
    for raw in _UWORD.findall(_POSSESSIVE.sub(r"\1", text) if "\u2019" in text else text):
        out.extend(_pieces(raw) if _CJK_RUN.match(raw) else _split(raw))
    return out


def compatible(text: str) -> str:
    """``text`` in Unicode's compatibility forms (NFKC), as ``words`` reads it: full-width "ＤＩＳＫ ＦＵＬＬ" (a CJK
    input method) and mathematical bold "𝐝𝐢𝐬𝐤 𝐟𝐮𝐥𝐥" (a chat tool's, a PDF's) as "DISK FULL" and "disk full", "ﬁ" as
    "fi", "µs" as "μs". What is searched (query.Prepared.searched) and the KB's signals read so: the model, a signal
    and a number read only ASCII, and "ＤＩＳＫ ＦＵＬＬ" was "no known pattern" (found in review). ranker.js alike."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _pieces(run: str) -> list[str]:
    """A run of CJK letters as BM25 reads it: its overlapping two-character pieces, or the one character."""
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def is_cjk(word: str) -> bool:
    """Whether ``word`` is a piece of a run of CJK letters (``words``): kept by BM25 when one character long."""
    return _CJK_RUN.match(word) is not None


def _split(raw: str) -> tuple[str, ...]:
    """One raw word's parts (``_parts``), cached: kept for a KB's word, in the LRU for a question's (QUERY_WORDS)."""
    got = _KEPT_SPLIT.get(raw)
    if got is None:
        if not _KEEP.get():
            return _recent_split(raw)
        got = _KEPT_SPLIT[raw] = _parts(raw)
    return got


@lru_cache(maxsize=QUERY_WORDS)
def _recent_split(raw: str) -> tuple[str, ...]:
    return _parts(raw)


def _parts(raw: str) -> tuple[str, ...]:
    """One raw word's parts. A possessive's "'s" is no part: the word alone (POSSESSIVE)."""
    if raw[-2:] in ("'s", "'S") and len(raw) > 2:
        raw = raw[:-2]
    parts = [p for p in _UNDERSCORE.split(_CAMEL.sub(" ", raw).replace(" ", "_")) if p]
    out = [p.lower() for p in parts]
    if len(parts) > 1:
        out.append(raw.lower().replace("'", ""))  # keep the whole identifier too
    return tuple(out)


# An alert name's words (recur coverage's did-you-mean, the model's reading of a CamelCase name): CamelCase parts
# (an acronym whole: PostgreSQL is Postgre, SQL; KVMUp is KVM, Up), a word with its digits whole (IPv6, K8s, EC2,
# OAuth2, Http5xx: split at each digit, "IPv6AddressUnreachable" was read as "I Pv 6 Address Unreachable" and
# answered "no known pattern", found in review), other digits; "_", "-", spaces and other marks dropped
NAME_WORDS = re.compile(r"[A-Z]*[a-z]*[0-9]+[a-z]*(?![a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# what marks a name as CamelCase: a lower-case letter before a capital (HostOutOfMemory), or an acronym before a
# capitalised word (NTPDown, OOMKilled; of two letters too, DBUp, SSLOk; an acronym's plural, CPUs, its one "s",
# is still a word). ASCII and no lookbehind: site/browser/ranker.js has these three as they are (its camelNames
# and withNameWords are checked against these by tests/test_browser_search.py)
CAMEL_CASE = r"[a-z][A-Z]|[A-Z]{3}(?:[a-z]{2}|[a-rt-z])"
_CAMEL_CASE = re.compile(CAMEL_CASE)
# a name as the model's reading takes it: letters and digits between other characters ("_" is a snake_case
# name's, left as written: the model's tokenizer splits it there itself)
_NAME = re.compile(r"[A-Za-z0-9_]+")


def name_words(name: str) -> list[str]:
    """An alert name's words, lower-cased: CamelCase split, ``_``, ``-``, spaces and other marks dropped."""
    return [w.lower() for w in NAME_WORDS.findall(name)]


def camel_names(text: str) -> list[str]:
    """The CamelCase names of ``text`` as written (HostOutOfMemory, NTPDown, KVMUp): a run of ASCII letters and
    digits, a letter first, with a CamelCase mark (CAMEL_CASE), which NAME_WORDS always splits into two words or
    more (every word of it starts at a capital, or is all capitals)."""
    return [tok for tok in _NAME.findall(text) if tok[0].isalpha() and "_" not in tok and _CAMEL_CASE.search(tok)]


def with_name_words(text: str, keep=frozenset()) -> str:
    """``text`` with each CamelCase name (``camel_names``) whose lower-cased form ``keep`` does not hold written as
    its words: "HostOutOfMemory firing" as "Host Out Of Memory firing"."""
    names = set(camel_names(text))
    if not names:
        return text

    def one(m: re.Match) -> str:
        tok = m.group()
        return " ".join(NAME_WORDS.findall(tok)) if tok in names and tok.lower() not in keep else tok

    return _NAME.sub(one, text)


# A hex literal over 32 bits (0x7ffde2a1c3b0), a UUID, or a bare hex run of 8 or more with a digit (an
# address, a trace or commit id): a value, no word (the values _HEX_VALUE keeps from identifiers). Split
# by _WORD, "0x7ffde2a1c3b0" gave BM25 "0x", "7ffde", "2a", "1c", "3b", words no two unrelated errors
# share for a reason; found in review, "ERROR 0x8007000E E_OUTOFMEMORY at 0x7ffde2a1c3b0" shared the rare
# "0x" with the one starter pattern whose signal holds an HRESULT (date-rollover-bug) and got it first at
# "high" (83%) on BM25 alone. ASCII and no lookbehind, so that the browser's ranker (site/browser/
# ranker.js, bundle "hex_run") reads it as is: group 1 is the character before it, kept.
HEX_RUN = re.compile(
    r"(^|[^A-Za-z0-9_])(?:0[xX][0-9a-fA-F]{9,}|(?=[0-9a-fA-F-]*[0-9])[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    r"|(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,})(?![A-Za-z0-9_])"
)
# A hex literal of up to 32 bits (0x80004005, an HRESULT; 0x0000007E, a stop code): an error code, the
# one a pattern lists and a responder searches for, so ONE BM25 word as written (lowercased). Blanked
# with the values above, "Error Code: 0x80004005" lost the only word it shares with date-rollover-bug's
# signal and was "no known pattern" (found in review). Group 2 is the literal; ASCII, for ranker.js too
# (bundle "hex_code").
HEX_CODE = re.compile(r"(^|[^A-Za-z0-9_])(0[xX][0-9a-fA-F]{1,8})(?![A-Za-z0-9_])")


def without_hex(text: str) -> str:
    """``text`` with its hex values (HEX_RUN) blanked out."""
    return HEX_RUN.sub(r"\1 ", text) if any(c.isdigit() for c in text) else text


def bm25_words(text: str) -> list[str]:
    """The words BM25 reads, in order and before stemming: no stopwords, bare numbers, hex values
    (HEX_RUN) or single letters; a hex code (HEX_CODE) one word, lowercased."""
    return [w for w in split_words(text) if w not in STOPWORDS and not w.isdigit() and (len(w) > 1 or is_cjk(w))]


def split_words(text: str) -> list[str]:
    """``bm25_words`` before its filter: stop words, bare numbers and single letters kept (what a question
    says beside the words BM25 reads: "github down" is two words, BM25 reads one)."""
    text = without_hex(text)
    if "0" not in text:
        return words(text)
    out, at = [], 0
    for m in HEX_CODE.finditer(text):
        out += words(text[at : m.start(2)])
        out.append(m.group(2).lower())
        at = m.end()
    return out + words(text[at:])


# Words that negate. Most are stop words (not "never", "mustn(t)", "needn(t)"), so a signal's words, as counted (signal_words), lose
# them: "No space left on device" was matched by its words in "space left on device is almost gone"
# (found in review). A signal that negates is matched by its words only in a text that negates too
# (search._signal_match). "n't" written with a typographic apostrophe splits into "can" and "t": NEGATED_NT.
NEGATIONS = frozenset(
    """
no not nor never cannot cant dont don doesnt doesn didnt didn isnt isn wasnt wasn werent weren arent aren
hasnt hasn havent haven hadnt hadn couldnt couldn shouldnt shouldn wouldnt wouldn wont mustnt mustn neednt needn
""".split()
)
NEGATED_NT = re.compile(r"n['\u2019]t", re.IGNORECASE)


def negates(text: str) -> bool:
    """Whether ``text`` has a word that negates (NEGATIONS, "KubeNodeNotReady"'s "not" too) or an "n't"."""
    return NEGATED_NT.search(text) is not None or not NEGATIONS.isdisjoint(words(text))


def signal_words(signal: str) -> set[str]:
    """The words a signal is looked up by (no stopwords, no bare numbers): the server's search and the
    browser's ranker (site/bundle) both read them from here, so the two match signals alike."""
    return {w for w in words(signal) if w not in STOPWORDS and not w.isdigit()}


def stems(ws) -> list[str]:
    kept = _KEPT_STEM
    return [kept.get(w) or _stem(w) for w in ws]


def tokens(text: str) -> list[str]:
    """BM25 tokens: stemmed words without stopwords or bare numbers."""
    return stems(bm25_words(text))


def plain(text: str) -> str:
    """Markdown to a single line of plain text, for embedding and display: a link ``[label](target)`` as its label
    (``link_spans``, linear), code and strong-emphasis marks out, any other bracket kept. Every "[" was taken out,
    and a log line in a summary, "[2026/12/06 13:02:03] [error] [storage] x", was shown by `recur show`, the API,
    a suggestion's why and the site's box as "2026/12/06 13:02:03] error] storage] x" (found in review)."""
    lines = (_MD_MARKS.sub("", replace_links(line)) for line in text.split("\n"))
    return _SPACE.sub(" ", " ".join(lines)).strip()


def normalise_signal(text: str) -> str:
    """Lowercase, numbers masked, whitespace folded: '...after 30000ms' == '...after 5000ms'."""
    return _SPACE.sub(" ", DIGITS.sub("#", text.lower())).strip(" .")


# Upper-case words every log line has: a log level or the protocol is not an identifier. As one,
# "FATAL: remaining connection slots ..." matched the signal "FATAL: sorry, too many clients" (0.9).
# A signal's identifiers never hold them, so the browser's port (site/browser/ranker.js, whose
# signal identifiers come from here) needs no copy of the list.
NOT_IDENTIFIERS = frozenset(
    "error errors fatal panic warn warning info debug trace notice critical crit alert emerg severe http https".split()
)


# A value, not a name: a token with no letter (a count, a port, an address, a time: "14",
# "10.0.0.7:5432", "02:30:00") or a long hex run with a digit (a UUID, a trace or commit id, a WAL
# segment), or a hex literal longer than 32 bits (0x7ffde2a1c3b0: an address; an HRESULT, 0x80070005,
# is a code). Such values differ from incident to incident, and as identifiers they matched by chance:
# "duration_ms: 14" in a JSON log matched the signal "yaml: line 14", and a status 200 the signal "All
# threads (200) are currently busy" (0.9: put first, "high"). Exact signal matching masks numbers
# anyway (normalise_signal), so a signal quoted whole still matches.
_NO_LETTER = re.compile(r"[^A-Za-z]*")
_HEX_VALUE = re.compile(
    r"(?=[0-9a-f-]*[0-9])(?:[0-9a-f]{8,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|0x[0-9a-f]{9,})"
)
# The one bare number kept: an HTTP status. A responder writes it alone ("the clients got 429 from
# us", "a 403 page"; one of kb/eval's cases), so in a query any 3-digit 100-599 counts that is not a
# measure ("200 ms", "503 requests/s"). A signal holds it only written as a status ("HTTP 503", "status
# code: 500", "codes: [404]", "Error 403"), so a count that happens to be 200 in a signal is not one.
STATUS_CODE = re.compile(r"[1-5][0-9][0-9]")
# ASCII only, as the browser's port of the query side (site/browser/ranker.js MEASURE_AFTER) reads it
_MEASURE_AFTER = re.compile(
    r"[ \t]*(?:ms|millis\w*|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|%|[kmgt]i?b|bytes|req\w*|/s)(?!\w)",
    re.I | re.ASCII,
)
# the word before a status in a signal, a word of its own: "unicode 200 chars", "barcode 404" and
# "opcode 500" are no statuses (found in review); "upstream_status=502" and "errorCode: 500" are
_STATUS_BEFORE = re.compile(
    r"(?:(?<![A-Za-z0-9])(?i:http|status|statuscode|status_code|code|codes|error)"
    r"|(?<=[a-z0-9])(?:Http|HTTP|Status|Code|Codes|Error))\W{0,4}$",
    re.ASCII,
)


def identifiers(text: str, *, signal: bool = False) -> set[str]:
    """Distinctive tokens as written: alert names, error codes, metric names (lowercased); never a
    bare value (``_NO_LETTER``, ``_HEX_VALUE``) but an HTTP status (``STATUS_CODE``): in a query
    any not followed by a unit, in a ``signal`` only one written as a status."""
    out = set()
    for m in _IDENT.finditer(text):
        tok = m.group()
        if _NO_LETTER.fullmatch(tok):
            if STATUS_CODE.fullmatch(tok) and (
                _STATUS_BEFORE.search(text, max(0, m.start() - 16), m.start())
                if signal
                else not _MEASURE_AFTER.match(text, m.end())
            ):
                out.add(tok)
            continue
        has_inner_case = any(c.isupper() for c in tok[1:]) and any(c.islower() for c in tok)
        looks_code = any(c.isdigit() for c in tok) or "_" in tok or tok.isupper() and len(tok) >= 4
        if has_inner_case or looks_code or ("." in tok and "/" not in tok and len(tok) > 6):
            ident = tok.lower().strip(".:")
            if not _HEX_VALUE.fullmatch(ident):
                out.add(ident)
    return out - NOT_IDENTIFIERS


# The numbers of a signal that are its evidence, kept when it is found whole (search._signal_match: every other
# number is masked, normalise_signal): an HTTP status written as one (as ``identifiers`` reads a signal's:
# "statuscode: 500", "Error 403", `status="401"`), an errno or an exit code ("[Errno 99]", "errno=24", "Exit Code:
# 137", "exit status 2", "exited with code 1", "(110: Connection timed out)"). Found in review: "HTTP probe failed
# with statuscode: 401" was found "exact" as "... statuscode: 500" (bad-deploy-crashloop first at medium), a 401
# another failure (a probe refused, not a crash). Ports, PIDs, counts, times and sizes still differ from incident
# to incident: masked.
_ERRNO_BEFORE = re.compile(
    r"(?<![A-Za-z0-9])(?i:(errno)|exit[ _-]?(?:code|status)|exited with (?:code|status))\W{0,4}$", re.ASCII
)
_PAREN_CODE_AFTER = re.compile(r":[ \t]*[A-Za-z]")  # "(110: Connection timed out)": an errno before its message
# a number after "error" that is no status (found in a re-read, both read as one): Spring Boot's pid after its level
# ("ERROR 312 --- [main] o.s.b.SpringApplication : ..."), a count after a level and its colon ("ERROR: 250 requests
# failed", a line's "error: 250 ..."). curl's "The requested URL returned error: 403" is one: "error:" within a line
# in lower case is not read so. Read in the 24 characters before the number (site/browser/ranker.js, notStatus)
_SPRING_PID_AFTER = re.compile(r"[ \t]+---")
_LEVEL_COLON_BEFORE = re.compile(r"ERROR:[ \t]*\Z|(?:^|\n)[ \t]*[Ee][Rr][Rr][Oo][Rr]:[ \t]*\Z")


def _no_status(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]``, after a status word, is none all the same (_LEVEL_COLON_BEFORE)."""
    return bool(_SPRING_PID_AFTER.match(text, end) or _LEVEL_COLON_BEFORE.search(text[max(0, start - 24) : start]))


def pinned_kinds(text: str) -> list[tuple[int, str, str]]:
    """(k, digits, kind) for each number of ``text`` that is an HTTP status written as one ("status"), an errno
    ("errno") or an exit code ("exit"): its k-th run of digits, as normalise_signal masks them."""
    runs = list(DIGITS.finditer(text))
    kinds = {
        m.start(): "status"
        for m in _IDENT.finditer(text)
        if STATUS_CODE.fullmatch(m.group())
        and _STATUS_BEFORE.search(text, max(0, m.start() - 16), m.start())
        and not _no_status(text, m.start(), m.end())
    }
    for m in runs:
        # the character before, not text[: m.start()].endswith("("): a copy of the text per number, 22 s on 1,000,000
        if m.start() and text[m.start() - 1] == "(" and _PAREN_CODE_AFTER.match(text, m.end()):
            kinds[m.start()] = "errno"
        elif said := _ERRNO_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            kinds[m.start()] = "errno" if said.group(1) else "exit"
    # a number after "-" is none of them: a resolver's errno ("[Errno -2] Name or service not known", "[Errno -3]
    # Temporary failure in name resolution") is one of a few ways of saying the name did not resolve, and
    # pinned, -2 contradicted a signal of -3 (review: dns-resolution-failure 0.845 -> 0.682)
    return [
        (k, m.group(), kinds[m.start()])
        for k, m in enumerate(runs)
        if m.start() in kinds and not (m.start() and text[m.start() - 1] == "-")
    ]


# A number written as a token of its own (not inside an address, a date, a version or a name: "10.0.0.7:5432",
# "2025-10-26", "ORA-00020"): search.part_codes reads a signal's.
_LONE_NUMBER = re.compile(r"(?<![\w.:/\\-])[0-9]+(?![\w]|[.:/\\-]\w)")


def code_numbers(text: str, min_digits: int) -> set[str]:
    """The numbers of ``text`` of at least ``min_digits`` digits written as a code: each a token of its own
    (_LONE_NUMBER) after an error, code or status word, or an errno's or an exit code's ("ERROR 1040", "Exit Code:
    137": the words _STATUS_BEFORE and _ERRNO_BEFORE read), not a measure ("1500 ms", _MEASURE_AFTER), no pid or
    count after a level (_no_status), and no HTTP status written as one (pinned_kinds: a status has its own
    reading, STATUS_WORDS in search.py). Not any number after a word: "Process 12345", "sector 123456789" are an
    example's values."""
    statuses = {digits for _, digits, kind in pinned_kinds(text) if kind == "status"}
    out = set()
    for m in _LONE_NUMBER.finditer(text):
        at, digits = m.start(), m.group()
        said = _STATUS_BEFORE.search(text, max(0, at - 16), at) or _ERRNO_BEFORE.search(text, max(0, at - 24), at)
        value = digits in statuses or _no_status(text, at, m.end()) or _MEASURE_AFTER.match(text, m.end())
        if len(digits) >= min_digits and said and not value:
            out.add(digits)
    return out


def pin_value(kind: str, digits: str) -> str:
    """What of a pinned number (pinned_kinds) a text must say the same: an HTTP status's class ("5xx": a signal's
    500 was an example, a 503 is the same failure, a 401 another), an errno's or an exit code's digits. Found in
    review: "... statuscode: 503" contradicted bad-deploy-crashloop's "... statuscode: 500" (0.845 high -> 0.505),
    "googleapi: Error 429: Quota exceeded" the signal "... Error 403: ..." (0.943 -> 0.75)."""
    return f"{digits[0]}xx" if kind == "status" and len(digits) == 3 else digits


def pinned_numbers(signal: str) -> list[tuple[int, str]]:
    """(k, value) for each number of ``signal`` that a text must have the same (``pin_value``: an HTTP status's
    class, an errno's or an exit code's digits) for the signal to be found whole in it: its k-th run of digits (as
    normalise_signal masks them), an HTTP status written as one, an errno or an exit code (pinned_kinds). The
    server reads them from here, the browser's ranker (its pinValue) from the bundle's pinned_kinds."""
    return [(k, pin_value(kind, digits)) for k, digits, kind in pinned_kinds(signal)]


def numbers_at(text: str) -> tuple[str, list[tuple[int, str]]]:
    """(normalise_signal(text), each masked number as (where its "#" is in it, its digits)): the same text,
    lowered and its spaces folded before its numbers are masked, which changes neither."""
    keep = _SPACE.sub(" ", text.lower()).strip(" .")
    parts, runs, at, length = [], [], 0, 0
    for m in DIGITS.finditer(keep):
        parts += [keep[at : m.start()], "#"]
        length += m.start() - at
        runs.append((length, m.group()))
        length += 1
        at = m.end()
    parts.append(keep[at:])
    return "".join(parts), runs


def signal_key(signal: str) -> str:
    """A signal as the ranking tells signals apart: its normalised text with the numbers it pins (pinned_numbers:
    a status's class, an errno's digits), so "... statuscode: 500" and "... statuscode: 401" are two signals,
    "... statuscode: 500" and "... statuscode: 503" one, as "port 80" and "port 443" are."""
    norm, runs = numbers_at(signal)
    for k, digits in reversed(pinned_numbers(signal)):
        at = runs[k][0]
        norm = norm[:at] + digits + norm[at + 1 :]
    return norm


_SLUG_STOP = frozenset("the a an of on in for and to at with by after during".split())


# lowercase letters NFKD does not take apart into a base letter and an accent
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def _folded_lower(text: str) -> str:
    """Lowercase, accented Latin letters as their base letters: 'Überlast fällt' -> 'uberlast fallt'."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text).lower().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def caseless(text: str) -> str:
    """``text`` as two people type the same words: case aside, and "é" as e + accent (a macOS terminal,
    a paste) the same as the one character. `recur incident follow-up` compares titles so."""
    import unicodedata

    return unicodedata.normalize("NFKC", str(text)).casefold()


# emoji as Unicode draws them in colour (after Extended_Pictographic): the pictograph planes, the weather and
# warning signs (☀ ⚠ ⚡) and the few dingbats shown as emoji (✅ ❌ ❗ ✨), with © ® ™ ℹ; and what joins or
# shapes one (the joiner of 👩‍💻, the selectors of ❤️, the keycap of 1️⃣, skin tones, flag letters and tags).
# Not arrows (⬆ ⬇), check marks (✓ ✗ ☑ ☒), the degree sign nor the other letterlike symbols (℃ ℉): words
# a reader tells titles apart by ("Queue ⬆ depth", "Replication ✓", "40 ℃")
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # mahjong to symbols-and-pictographs extended-A: regional indicators and skin tones within
    (0x2600, 0x260F),
    (0x2614, 0x26FF),  # misc symbols, less the ballot boxes ☐ ☑ ☒ and the saltire ☓: check marks
    (0x231A, 0x231B),
    (0x23F0, 0x23F3),
    (0x2B1B, 0x2B1C),
    (0x2763, 0x2767),
    (0x2795, 0x2797),
    (0xE0020, 0xE007F),  # tags: the subdivision flags' letters
)
_EMOJI_CHARS = frozenset("\u00a9\u00ae\u2122\u2139\u2705\u270a\u270b\u2728\u274c\u274e\u2753\u2754\u2755\u2757")
_EMOJI_CHARS |= frozenset("\u27b0\u27bf\u2b50\u2b55\u200d\ufe0e\ufe0f\u20e3")


def is_emoji(ch: str) -> bool:
    """Whether the character ``ch`` is (part of) an emoji, as ``_EMOJI_RANGES`` reads one."""
    c = ord(ch)
    return ch in _EMOJI_CHARS or any(lo <= c <= hi for lo, hi in _EMOJI_RANGES)


# An emoji's run as a query leaves it out (without_emoji): a pictograph of is_emoji's (its ranges and characters less
# the joiners, selectors, keycap and tags, which alone are no emoji: a joiner is part of a Devanagari or Persian word),
# then those that shape it (PICTOGRAPHS: also in the API schema's not-blank pattern, serve/bodies.py). The site's box has the same class (site/theme/assets/recur-query.js, EMOJI_RUN)
PICTOGRAPHS = "".join(
    re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in _EMOJI_RANGES if lo < 0xE0000
) + "".join(re.escape(ch) for ch in sorted(_EMOJI_CHARS) if ch not in "\u200d\ufe0e\ufe0f\u20e3")
EMOJI_RUN = re.compile(f"[{PICTOGRAPHS}][{PICTOGRAPHS}\u200d\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f]*")


# what joins the word before it, and what the word after it (without_emoji): no space left between them
CLOSING = "\r\n,.;:!?)]}"
OPENING = ("(", "[", "{")


def without_emoji(text: str) -> str:
    """``text`` without its emoji (EMOJI_RUN): each run out with the spaces around it, one space left between
    two words ("disk🔥full": "disk full"), a line's indentation and line breaks kept. An emoji says how someone
    feels about a failure, not what failed, and the encoder read it as a word: "🚨🚨 postgres connection pool
    exhausted" ranked otherwise than the words alone (found in a review of Slack, which sends them as :name:).
    Linear: the spaces are trimmed around each run with str methods, not matched before it."""
    if text.isascii():
        return text
    parts = EMOJI_RUN.split(text)
    if len(parts) == 1:
        return text
    done, line_start, open_ = [], True, parts[0]  # open_: the text after the last run, its end not settled
    for seg in parts[1:]:
        left, right = open_.rstrip(" \t"), seg.lstrip(" \t")
        if left.endswith("\n") or (not left and line_start):  # the run starts a line: its indentation kept
            done.append(open_)
            line_start = True
        else:
            done.append(left)
            line_start = line_start and not left
            # nothing after (the end, or another run), a line break, a mark that closes what is before it
            # (CLOSING: "db 🔥, x" was "db , x", an alert's label joined before its next), else a word: one space
            right = right if not right or right[0] in CLOSING or left.endswith(OPENING) else " " + right
        open_ = right
    done.append(open_)
    return "".join(done)


def slugify(
    text: str,
    *,
    max_words: int | None = None,
    drop_stopwords: bool = False,
    max_len: int | None = None,
    empty: str = "",
    fold: bool = False,
) -> str:
    """A kebab-case slug: 'Disk full on /var' -> 'disk-full-on-var'. Ids (``max_len``), ids from a
    postmortem title (``max_words``, ``drop_stopwords``) and HTML anchors all cut it from here.
    ``fold`` (ids): accented letters become their base letters ('Réplication' -> 'replication')
    instead of breaking the word; anchors keep the cut they always had. ``max_len`` cuts after a whole
    word: '...-after-key-rotation' cut at 60 was '...-after-key-rotati' (found by a first-time pattern
    author), and the stopwords ending the cut are dropped ('...-rotation-on' is '...-rotation'); a first word
    longer than ``max_len`` alone is cut inside it."""
    parts = re.findall(r"[a-z0-9]+", _folded_lower(text) if fold else str(text).lower())
    if drop_stopwords:
        parts = [p for p in parts if p not in _SLUG_STOP]
    if max_words is not None:
        parts = parts[:max_words]
    out = "-".join(parts)
    if max_len is not None and len(out) > max_len:
        whole = out[: max_len + 1].rpartition("-")[0]  # the "+ 1": a word ending at max_len is whole
        # nor does it end on a stopword: "...-key-rotation-on" (found in review); one word is kept whatever it is
        words = whole.split("-") if whole else []
        while len(words) > 1 and words[-1] in _SLUG_STOP:
            words.pop()
        out = "-".join(words) or out[:max_len]
    return out or empty


def quoted(text: str) -> str:
    """``text`` in quotes in a message, as repr quotes it (a quote, a line break, a control character escaped) but its
    backslashes as written: a Windows path or id quoted by repr, '..\\\\network\\\\dns-failure.md', was not what its
    author wrote, nor what to search the file for (found in a Windows team's review)."""
    return repr(text).replace("\\\\", "\\")


def yaml_string(text: str) -> str:
    """``text`` as one double-quoted YAML scalar that reads back as ``text`` (a name such as
    '[ops] #1: team' would otherwise be a list, a comment or a mapping): mkdocs.yml's site_name,
    written by `recur init` and by `recur site` without a config."""
    import yaml

    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30).strip()


def cut(text, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters ending in "…" when longer: a quote, a title, a command's
    argument (one rule for the answers' why, Slack's blocks, MCP's report text and check's messages)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut_words(text, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters ending in "…" when longer, as ``cut`` but between
    words: a record's title `recur suggest` proposes. Cut mid-word, "… java.lang.OutOfMemoryErr…" went to the
    board (found in a responder walk); a token (a dotted or colon name, a path) is kept whole or left out, and
    the separator before the cut (": ", ", ") with it. A token is cut inside when no space falls in the second
    half of ``limit`` (a first token, or one begun before half ``limit``, running past it: "Disk full on db-1:
    java.lang…" at 40): after its last ".", ":" or "/" in that half, else at ``limit``."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    end = text.rfind(" ", 0, limit)  # text[:end] is at most limit - 1 characters: room for "…"
    if end < limit // 2:
        end = max(text.rfind(ch, 0, limit - 1) for ch in "./:") + 1
    head = text[: whole_cluster(text, end if end >= limit // 2 else limit - 1)]
    return (head.rstrip(" ,;:.-–—") or head) + "…"


_JOINED = {"\u200d", "\ufe0e", "\ufe0f"}  # a zero-width joiner and the variation selectors: part of the one before


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"  # a flag is two of these


def whole_cluster(text: str, end: int) -> int:
    """``end``, moved back so that ``text[:end]`` does not end inside a character as a reader sees one: a letter's
    combining accent ("e" and U+0301), an emoji's joined parts or skin tone, a flag's two letters. A summary cut
    at 150 characters showed "e…" of "é" and half a flag (found in a re-read of MCP's past_incidents text)."""
    while 0 < end < len(text) and (
        unicodedata.combining(text[end])
        or text[end] in _JOINED
        or text[end - 1] == "\u200d"
        or "\U0001f3fb" <= text[end] <= "\U0001f3ff"
    ):
        end -= 1
    if 0 < end < len(text) and _regional(text[end]):
        run = 0
        while run < end and _regional(text[end - 1 - run]):
            run += 1
        end -= run % 2  # an odd run before: its last letter is the first half of the flag cut
    return end


def cut_list(lines, limit: int = 20, more: str = "… and {n} more") -> list[str]:
    """The first ``limit`` of ``lines``, then, when some were left out, ``more`` with ``{n}`` the
    number left out: a long list of problems shown in full would push the first ones off screen."""
    lines = list(lines)
    shown = lines[:limit]
    return (shown + [more.format(n=len(lines) - limit)]) if len(lines) > limit else shown


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` with its noun as read aloud: "1 incident", "2 incidents", "0 incidents" (``many``: an irregular
    plural, "fixes"). "1 incident(s) matched both" read as a form left unfinished (a new hire's review)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def and_listed(parts) -> str:
    """ "a", "a and b", "a, b and c": ``parts`` as a sentence lists them ("" for none)."""
    parts = list(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def query_key(query: str) -> str:
    """A query as retrieval cases and feedback compare them: case and runs of spacing ignored."""
    return " ".join(query.split()).casefold()


def odd_characters(text: str, limit: int = 3) -> str:
    """A note naming the characters of an id that are not ASCII ("; it holds U+2011 NON-BREAKING
    HYPHEN at position 6, a look-alike: type it again"), or "". Such an id prints the same as the
    valid one, so "must be a kebab-case id, not 'inode‑exhaustion'" looked wrong (found in review)."""
    import unicodedata

    odd = [(n, ch) for n, ch in enumerate(text, 1) if not ch.isascii()]
    if not odd:
        return ""
    named = [f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')} at position {n}" for n, ch in odd[:limit]]
    more = f" and {len(odd) - limit} more" if len(odd) > limit else ""
    return f"; it holds {', '.join(named)}{more}, not ASCII: type it again"


# what looks like a space or a hyphen and is not one: a word processor, a web page or a chat message puts
# them where YAML and Markdown need a plain ' ' and '-' (a list item copied from a document starts "– ")
LOOKALIKE_SPACES = {
    "\u00a0": "no-break space",
    "\u2002": "en space",
    "\u2003": "em space",
    "\u2007": "figure space",
    "\u2009": "thin space",
    "\u200b": "zero width space",
    "\u202f": "narrow no-break space",
    "\u3000": "ideographic space",
}
LOOKALIKE_DASHES = {
    "\u2010": "hyphen",
    "\u2011": "non-breaking hyphen",
    "\u2013": "en dash",
    "\u2014": "em dash",
    "\u2212": "minus sign",
}


def syntax_lookalike(line: str, colon: bool = True) -> str | None:
    """What is wrong when a look-alike stands where a line's syntax needs a plain space or '-': in its
    indentation, as a list item's dash or the space after it, or (``colon``) the space after a key's
    colon ("U+00A0 no-break space at column 10, where a plain space is meant: type it again"); None when
    there is none there. A look-alike inside a value's text is text, not named."""
    i = len(line) - len(line.lstrip(" " + "".join(LOOKALIKE_SPACES)))
    found = next((n for n in range(i) if line[n] != " "), None)
    if found is None and line[i : i + 1] in LOOKALIKE_DASHES and line[i + 1 : i + 2] in ("", " ", *LOOKALIKE_SPACES):
        dash = line[i]
        return f"U+{ord(dash):04X} {LOOKALIKE_DASHES[dash]} at column {i + 1}, where a list item's '-' (a hyphen) is meant: type '- '"
    if found is None and line[i : i + 1] == "-" and line[i + 1 : i + 2] in LOOKALIKE_SPACES:
        found = i + 1
    number = re.match(r"\d{1,9}[.)]", line[i:])  # "1.\u00a0Run": a Markdown step number and its space
    if found is None and number and line[i + number.end() : i + number.end() + 1] in LOOKALIKE_SPACES:
        found = i + number.end()
    if found is None and colon:
        m = re.match(r"^(?:-\s+)?[^\s#\"'\[\]{},][^:#]*:", line[i:])
        if m and line[i + m.end() : i + m.end() + 1] in LOOKALIKE_SPACES and line[i + m.end() :][:1]:
            found = i + m.end()
    if found is None:
        return None
    ch = line[found]
    return f"U+{ord(ch):04X} {LOOKALIKE_SPACES[ch]} at column {found + 1}, where a plain space is meant: type the space again"


def edit_distance(a: str, b: str, most: int) -> int:
    """Levenshtein distance between ``a`` and ``b``, or ``most + 1`` once it is over ``most``: how near a
    misspelt name is to one Recur knows (a folder, a section heading, a URL scheme)."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > most:
            return most + 1
    return row[-1]


def close_names(name: str, names, n: int = 3, cutoff: float = 0.75) -> list[str]:
    """Up to ``n`` of ``names`` that ``name`` was probably meant to be: one that differs only in case or in
    '_' / ' ' for '-' first ("Disk-Full", "disk_full": disk-full), then difflib's closest ("disk-ful")."""
    import difflib

    def key(x: str) -> str:
        return x.casefold().replace("_", "-").replace(" ", "-")

    by: dict[str, str] = {}
    for x in sorted(names):
        by.setdefault(key(x), x)
    same = [by[key(name)]] if key(name) in by else []
    close = [by[m] for m in difflib.get_close_matches(key(name), list(by), n=n, cutoff=cutoff)]
    return list(dict.fromkeys(same + close))[:n]


def close_ids(name: str, ids, n: int = 3, cutoff: float = 0.75) -> list[str]:
    """``close_names`` for kebab-case ids, and also the ids that ``name`` is a shortening of: ones that start
    with it (at least 3 characters: ``db-po``) or hold it as a run of whole words (``db-pool``, ``pool-exhausted``
    in ``db-pool-exhausted``). A shortened id is far from the whole one by difflib's ratio (``db-pool`` is
    0.58 of ``db-pool-exhausted``), so ``related: [db-pool]`` got no "did you mean" (found adopting Recur).
    Misspellings first, as before; then the ids it shortens, the shortest first."""

    def key(x: str) -> str:
        return x.casefold().replace("_", "-").replace(" ", "-")

    typed = key(name).strip("-")
    words = [w for w in typed.split("-") if w]
    longer = []
    for x in sorted(ids, key=lambda x: (len(x), x)):
        have = [w for w in key(x).split("-") if w]
        starts = len(typed) >= 3 and key(x).startswith(typed)
        runs = bool(words) and any(have[i : i + len(words)] == words for i in range(len(have) - len(words) + 1))
        if key(x) != typed and (starts or runs):
            longer.append(x)
    return list(dict.fromkeys(close_names(name, ids, n=n, cutoff=cutoff) + longer))[:n]


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide or fullwidth character (CJK, ``W``/``F``
    by unicodedata.east_asian_width), none for a combining mark, one for any other. Tables padded by
    ``len`` slid their later columns past a Japanese owner or title."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def typo_distance(a: str, b: str, most: int) -> int:
    """``edit_distance`` with two neighbouring letters swapped counting as one edit (the optimal string
    alignment distance), or ``most + 1`` once it is over ``most``: how a typed word is off from the one
    meant. A swap is the commonest typo ("memroy"), two edits to Levenshtein. site/browser/ranker.js has
    the same function (typoDistance)."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(row[j] + 1, cur[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], before[j - 2] + 1)
        if min(cur) > most:
            return most + 1
        before, row = row, cur
    return row[-1]


# A character class's body as Python's re writes it here (INVISIBLE, PICTOGRAPHS): an escape (\xHH, \uHHHH,
# \UHHHHHHHH, or a character escaped), or a character as itself; two joined by "-" a range.
_CLASS_ITEM = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\(.)|(.)", re.S)
_SURROGATES = (0xD800, 0xDFFF)


def _class_ranges(body: str) -> list[tuple[int, int]]:
    """The code points of the class ``body`` (no "^", no nested class), as sorted, merged (first, last) ranges."""
    points = [int(h, 16) if (h := m[1] or m[2] or m[3]) else ord(m[4] or m[5]) for m in _CLASS_ITEM.finditer(body)]
    items = [m[0] for m in _CLASS_ITEM.finditer(body)]
    ranges, i = [], 0
    while i < len(points):
        if i + 2 < len(points) and items[i + 1] == "-":
            ranges.append((points[i], points[i + 2]))
            i += 3
        else:
            ranges.append((points[i], points[i]))
            i += 1
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _u(c: int) -> str:
    return f"\\u{c:04X}"


def _span(lo: int, hi: int) -> str:
    return _u(lo) if lo == hi else f"{_u(lo)}-{_u(hi)}"


def _pairs(lo: int, hi: int) -> list[str]:
    """The code points ``lo``..``hi`` (all past U+FFFF) as UTF-16 surrogate pairs: a high half and its low halves."""
    out = []
    while lo <= hi:
        high, low = 0xD800 + ((lo - 0x10000) >> 10), 0xDC00 + ((lo - 0x10000) & 0x3FF)
        if low == 0xDC00 and hi - lo >= 0x3FF:  # whole high halves: one alternative for all of them
            n = (hi - lo + 1) >> 10
            out.append(f"[{_span(high, high + n - 1)}][\\uDC00-\\uDFFF]")
            lo += n << 10
        else:
            last = min(hi, lo + (0xDFFF - low))
            out.append(f"{_u(high)}[{_span(low, low + last - lo)}]")
            lo = last + 1
    return out


def ecma_any_but(body: str) -> str:
    """A regular expression that finds a character outside the class ``body`` (Python's form, INVISIBLE's), as
    ECMA-262 reads it with no flags: what JSON Schema's ``pattern`` is (validators compile it flagless; a
    browser's ``new RegExp(p)``). There a string is UTF-16 code units, so a character past U+FFFF is a surrogate
    pair: the class with U+1BCA0-U+1BCA3 written as themselves had a range from a low half to a high half, which
    Node refused ("Range out of order in character class") and which only the ``u`` flag reads as meant.
    Here the class's complement is spelled out in code units: the characters up to U+FFFF, the pairs of those
    past it, and a lone surrogate (a character too, as a code point reads). One more alternative, a code
    point past U+FFFF (``[^\\x00-\\uFFFF]``), matches no code unit, so means nothing to ECMA-262; Python's re
    (the jsonschema package) reads characters as code points, and there it keeps every text past U+FFFF a
    text rather than none: a validator errs on the side of sending."""
    excluded = _class_ranges(body) + [_SURROGATES]
    allowed, start = [], 0
    for lo, hi in sorted(excluded):
        if lo > start:
            allowed.append((start, lo - 1))
        start = max(start, hi + 1)
    allowed.append((start, 0x10FFFF))
    bmp = "".join(_span(lo, min(hi, 0xFFFF)) for lo, hi in allowed if lo <= 0xFFFF)
    astral = [p for lo, hi in allowed if hi > 0xFFFF for p in _pairs(max(lo, 0x10000), hi)]
    lone = [r"[\uD800-\uDBFF](?![\uDC00-\uDFFF])", r"(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]"]
    return "|".join([f"[{bmp}]", *astral, *lone, r"[^\x00-\uFFFF]"])
