"""Hybrid retrieval over the index: dense views + BM25 + exact signals, fused per pattern.

Why several parts: responders describe an outage in prose, type symptoms in their own
words, or paste an alert name or a log line. Each pattern is several vectors (the whole
pattern, its title, each symptom, signal and linked incident), not one blob, and:

* ``doc``    cosine to the whole-pattern view (title, symptoms, summary, root cause);
* ``focus``  the same, for a long query cut down to words the KB uses: a long postmortem
             paragraph loses company names, dates and product trivia that drown MiniLM;
* ``title``  cosine to the title;
* ``best``   the best single symptom / signal / incident view: one close match counts;
* ``bm25``   lexical match on a fielded text (title and symptoms weigh more);
* ``signal`` exact alert-name / error-string match, numbers masked but a status, an errno or an exit code (a bonus).

Scores live on different scales per query, so each component is z-normalised over the
candidate patterns before the weighted sum. Weights were chosen on the project's own
kb/eval cases and on ../shared/eval's dev cases together (bench/retrieval.py), and are
round numbers on purpose: a structure that generalises, not a fit to 34 cases.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from http import HTTPStatus

import numpy as np

from recur import config
from recur.retrieval import calibrate
from recur.retrieval.index import LoadedIndex
from recur.util.language import AMBIGUOUS_WORDS, OTHER_LANGUAGE_WORDS, mostly_non_latin, mostly_other_language
from recur.util.text import (
    DIGITS,
    NEGATIONS,
    STOPWORDS,
    bm25_words,
    camel_names,
    code_numbers,
    compatible,
    identifiers,
    kb_words,
    negates,
    normalise_signal,
    numbers_at,
    pin_value,
    pinned_kinds,
    signal_key,
    signal_words,
    split_words,
    stems,
    typo_distance,
    with_name_words,
    words,
)

WEIGHTS = {"doc": 1.0, "focus": 0.5, "title": 0.25, "best": 0.25, "bm25": 1.0}
DENSE_WEIGHTS = {"doc": 1.0, "focus": 0.5, "title": 0.25, "best": 0.25}
SIGNAL_BONUS = 2.0  # in z units: an exact alert name or error string is near-proof
# a signal's match score (config.SIGNAL_MATCH, defined there so that `recur check` warns of a signal that
# can never match by the same numbers, without importing the search)
SIGNAL_MATCH = config.SIGNAL_MATCH
# What a shared identifier proves. One that names the signal counts alone: a signal of its own somewhere
# in the KB (an alert name, "ENOSPC", "KubePodCrashLooping"), or written as a code or a constant (an
# underscore, or at least CODE_MIN_DIGITS digits: ORA-00060, 0x80070005, ER_LOCK_DEADLOCK, DATABASE_URL,
# a metric name, an HTTP status). Any other one inside a longer signal is its context, not the thing:
# the exception class before ": message", the API operation, the region or zone, the SQL keyword. It
# counts only with most of the signal's remaining words (words_share of them). Found in review:
# "java.io.IOException: Stream closed" came back file-descriptor-exhaustion "high" through
# "java.io.IOException: Too many open files", and a text about zone us-east-1a cloud-az-outage "high".
CODE_MIN_DIGITS = 3
# STATUS_WORDS: an HTTP status counts alone only in a signal that is a status line and nothing else
# ("HTTP 503 Service Unavailable": its words the status's reason phrase and these); in one that names
# something besides (a host, a path, a check: "HTTP 502 Bad Gateway from api.stripe.com", "HTTP 502 from
# /oauth2/token", "Health checks failed with these codes: [404]") the status is context, matched only with
# most of the signal's other words. Found in review: "502 bad gateway", "nginx returns 502 bad gateway for
# /api" got third-party-api-outage at medium (78%, 70%) through the 502 of its Stripe signal alone, while
# three starter patterns speak of 502s.
STATUS_WORDS = frozenset({"http", "https", "status", "statuscode", "code", "codes", "error", "response"})
# A question that is a part of one signal as written (``_part_words``: its words in the signal's order, case and
# punctuation aside) holding a code of that signal (``part_codes``) matches it as that code's identifier: "ERROR
# 1040" of "ERROR 1040 (HY000): Too many connections", "ENFILE" of "ENFILE: file table overflow". So does a short
# question (at most SIGNAL_MATCH["code_question_words"] words) that writes the code as a token of its own (``_lone``:
# not "PRB-137", "#1040" or "10.0.1.137") beside another word of the signal, in any order and with words the signal
# does not have: "mysql ERROR 1040", "ERROR 1040 after deploy", "pods restarting exit code 137" (found in review:
# each was "no known pattern" or another pattern first, the code's pattern not even first, as the question was no
# run of the signal's words). A code: a number
# of at least CODE_MIN_DIGITS digits the signal writes as a code (util.text.code_numbers: a token of its own after an
# error, code, status, errno or exit word; no HTTP status, no measure, nothing inside an address or a date; not a
# pid or a count after any word) or an errno's name, that no other pattern's signals hold (a word
# of theirs, ``_part_words``). A code counts only with a word of the signal beside it (no stop word): a bare "1040" may be any
# count, port or id, a bare "ENOENT" any failure's errno. Found in review: "ERROR 1040" answered "no known pattern" with unrelated results at low, the
# pattern listing that line not among them. A code two patterns' signals hold tells neither apart: no match.
_PART_WORD = re.compile(r"[a-z0-9]+")
_LONE_SPLIT = re.compile(r"[^a-z0-9_#./+-]+")  # a code's token ends at none of these: PRB-137, #1040, 10.0.1.137
_ERRNO_NAMES = frozenset(name.lower() for name in errno.errorcode.values())
EXIT_WORDS = frozenset({"exit", "exited"})  # a word before an exit code, "exit 137" (``_code_words``)
# A dotted name written in lowercase (api.stripe.com, kafka.consumer.lag) names a host or a metric: the
# thing, not its context (java.io.IOException, written with capitals, is a class). Found by a test: a
# ReadTimeout against api.stripe.com lost its one signal evidence to the context rule.
_HOST_LIKE = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}")
# A signal (its normalised text), or an identifier that counts alone, that k patterns list is said so in
# its why entry ("patterns": k), its score whole. Dividing the score by k (found in review: "No space left
# on device", which disk-full and inode-exhaustion both list, was near-proof of either) lowered both
# patterns' probabilities until a plain disk-full log was "no known pattern" (tests/test_query_logs.py);
# capping such a result at medium took high from texts with more evidence and five right kb/eval answers.
# Neither is kept: the calibrator was fitted with whole signal scores (docs/calibration.md).
# A signal found whole in the text that is long and specific (at least min_words signal words and
# min_chars characters, and no other pattern has a long signal containing it or contained in it:
# "HikariPool-1 - Connection is not available, request timed out after 30000ms.", not "HTTP 503
# Service Unavailable", which three starter patterns list) is ranked before every other result, with
# a probability of at least the floor. Found in review: a pasted log holding such a line word for word
# came back "no known pattern" once a few ordinary log lines stood before it (the dense and lexical
# scores of a long paste are mostly its noise). On the starter KB, 10 of 95 kb/eval cases hold one,
# all of their own pattern; no dev or dev-nomatch summary holds one.
VERBATIM = {"min_words": 4, "min_chars": 32, "floor": 0.6}
# A code of one pattern's signal named in a question (``_part_match``: "ERROR 1040", "mysql ERROR 1040", "ERROR
# 1040 after deploy", "pods restarting exit code 137") ranks that pattern first (after a specific signal found whole),
# at a probability of at least ``floor``: a known pattern, at low confidence (calibrate.NO_MATCH_BELOW), as the
# calibrator rates "ERROR 1040" alone (0.325). A rule, as VERBATIM is: the fitted model reads the question's other
# words ("after deploy": the deploy patterns' BM25 and meaning) and had "ERROR 1040 after deploy"'s pattern tenth
# (0.002, signal bonus and all), the answer "no known pattern" (docs/calibration.md, "A code among other words").
CODE_FIRST = {"floor": calibrate.NO_MATCH_BELOW}
# A pattern CODE_FIRST or SAID_WHOLE moves up is listed after the results rated at a higher confidence than its own
# (calibrate.confidence: low, medium, high) and before the others, and is rated at least as likely right as each result
# listed after it (``_held_first``): those are of its confidence or lower, so the raise never changes the confidence
# a responder reads. Found in review: such a rule left its first under a second rated more likely ("pods restarting
# exit code 137": memory-leak-oom-kill 0.701 over bad-deploy-crashloop 0.741; "no space left on device ERROR 1040":
# db-connection-pool-exhausted at its floor, 0.28, over disk-full at 0.951, `high`).
# A short question (at most ``max_words`` words, no stop words: util.text.words) holding every word of one of a
# pattern's symptoms or signals of at least ``min_words`` words (all but one of one of ``missing_from`` or more), when
# no other pattern has one it holds so, ranks that pattern first (after a code or a specific signal found), its
# probability as it is (``Searcher.said_whole``). Found in review: "pods restarting with exit code 137", memory-leak-oom-
# kill's symptom word for word, had bad-deploy-crashloop first (0.73), whose text speaks of restarting pods; on the
# starter KB 13 of its symptoms asked as written had another pattern first (docs/calibration.md).
SAID_WHOLE = {"min_words": 3, "missing_from": 5, "max_words": 12}
# A draft (``status: draft``: still being written, not reviewed; set active once reviewed, kb-format),
# whether `recur import` wrote it (its runbook a TODO, kb Pattern.import_draft) or a person did, is
# rated at most ``cap`` (medium, never high) and goes after the results below it that are not drafts
# and are rated at least as likely right (``unreviewed``). Found in review: one imported from a disk-full
# postmortem came first at "high confidence (93% likely right)", over disk-full and its runbook; and the
# starter KB's own draft date-rollover-bug first at "high (83%)" for an unrelated hex error code.
IMPORT_DRAFT = {"cap": 0.6}
# An alert whose runbook link (runbook_url) is a pattern's page names that pattern: the rule's author
# wrote the alert for it. ``RunbookLink`` ranks the pattern first, whatever the alert's text ranks, at
# a probability of at least ``floor`` (high confidence), a why entry naming the link: a rule, as
# VERBATIM is, not the fitted model's estimate (that ranks the text, not a link someone made). Found
# in review: `recur coverage` counted such an alert as detecting the pattern while the webhook
# answered it "no known pattern", the pattern not in its top 10.
RUNBOOK_LINK = {"floor": 0.8}
# A wordless question, one with no word the KB knows (a status, a number: "503", "429"; BM25 drops numbers; or a
# status and a word no pattern has: "429 Fehler", "503 lol"), has no lexical leg; its meaning legs read "a number",
# alike for any: on the starter KB integer-id-overflow, whose text is full of numbers, was first for "503", "504"
# and "429" (doc cosines 0.16-0.17, z-scored to +3 over candidates that barely spread) with nothing to show for it,
# above the patterns whose signal holds that status ("HTTP 503 Service Unavailable"). Such a question's patterns
# with a signal found in it go first, in their order, their probabilities as they are (the verdict reads them).
# Measured in docs/calibration.md ("Short questions: a status, a code, an alert name"); no question of the eval
# sets is one. Found in review: "429 Fehler" was integer-id-overflow first when only a question of no word at all
# counted.
# A query that is a pattern's id, or names one id whole among at most ``max_words`` words (a page URL
# ending in one counts), asks for that pattern: ``named_pattern`` pins it as a runbook link is pinned
# (RUNBOOK_LINK), its why entry naming the id; a retired id, the pattern that superseded it. A rule, not
# a weight: found in review, `firewall-rule-blocks-traffic` ranked waf-false-positive first and
# `failover-did-not-trigger` was answered "no known pattern".
ID_PIN = {"max_words": 4}
# A typed word the KB does not have (not in its words, its stem not in the BM25 vocabulary) that is
# within ``typo_distance`` 1 (``min_letters`` to ``long_at`` - 1 letters) or 2 (``long_at`` or more) of a word
# it has, and of one such word's stem alone (the nearest, of one stem or of stems that start with the shortest;
# else those with the same first letter; at 2 edits, only those with its first letter: found measuring, kb/eval's
# "keystore" was read as "restore", "refactor" as "factor"), is read as that word by BM25, the lexical why and
# the model (the text it encodes: Searcher.read_typos; measured, BM25 alone left "memroy leek" "no known
# pattern"), and the answer says so (``corrected``, ``query_note``). Only a typed question is read so: at most ``max_words`` words apart by spaces, each a
# run of letters (lowercase, or capitalised) trimmed of punctuation: an identifier, a code, a number, a host,
# a path or a signal-like token (CamelCase, UPPER, snake_case, with a digit, a dot or a hyphen) is never
# changed, and a pasted log is no typed question. Found in review: "memroy leek" was "no known pattern" and
# "certficate expird" rated its TLS pattern "<1% likely right". A question with no lowercase letter at all (caps
# lock, a page title in capitals: ``typed_in_capitals``) has its words in capitals read as lowercase ones: found in
# a responder's review, "DSIK FULL" and "MEMROY LEEK" were "no known pattern" where "dsik full" was high.
# A shorter word, of ``short_letters`` or more, is read only as a KB word one letter longer that holds it with one
# letter added (a dropped letter: "disk ful" as "full"; it was "no known pattern", disk-full at 9%): a short word has
# too many words one change away to read any other edit, and one with no such reading does not count against the
# question's other readings (it is no sign of another language).
TYPO = {"min_letters": 4, "short_letters": 3, "long_at": 8, "max_words": 24}
# Nor is a word the model's tokenizer has whole (Encoder.known_words), or one of them with these endings: an
# English word the KB does not use ("blog" was read as "log", "renders" as "senders" on the dev questions).
TYPO_WORD_ENDINGS = ("s", "es", "er", "ers")
# Nor these: technical words the KB may not use and the tokenizer splits, one edit from a KB word (found in
# review: "grpc" was read as "rpc", "ldap" as "leap", "semver" as "server", "systemd" as "systems"; re-reading the
# caps-lock reading, alert titles' acronyms: "IOPS EXHAUSTED" as "ips", ephemeral-port-exhaustion first at medium,
# "CRL" as "curl", "VLAN" as "vxlan", "DOCKERD" as "docker", "STOMP" as "stop", and their lowercase twins alike;
# "SIGINT" as "bigint"). Nor an errno's name, a word read as itself without its leading "e" ("EPIPE" alone was read
# as "pipe", file-descriptor-exhaustion medium; "ESTALE" as "stale", "EBUSY" as "busy": Searcher._corrections).
TYPO_NEVER = frozenset(
    "grpc ldap nvme numa systemd containerd runc fsync fdatasync mime exec execve semver async callback sentry "
    "jquery toml bson cron crond etcd kubelet iptables nftables sysctl ulimit inode inodes mmap mutex regex "
    "webhook webhooks oauth saml sudo chmod chown rsync scp rpc "
    "iops ipvs vlan cifs dockerd stomp crl crd pem jks pir pst sigint".split()
)
# The reading is a fallback (engine.Engine._rank_read): a question is ranked as typed, and with its typos read
# only when its first result is not high, that kept only when better (found in review: "compress job filling
# disk" was read as "compares", and its disk-full answer fell from medium to "no known pattern"). On only while
# ``reading_typos`` holds.
_READING: ContextVar[bool] = ContextVar("recur_typo_reading", default=False)
_TYPO_TRIM = "`'\"<>()[]{},;:.!?*"


def typo_words(text: str, shouted: bool | None = None) -> list[str]:
    """The words of ``text`` a typo may be read in (TYPO), lowercased, in order; none in a longer text.
    ``shouted``: whether the question is typed in capitals (``typed_in_capitals``; None: ``text``'s own)."""
    chunks = text.split()
    if len(chunks) > TYPO["max_words"]:
        return []
    shouted = typed_in_capitals(text) if shouted is None else shouted
    out = []
    for chunk in chunks:
        w = chunk.strip(_TYPO_TRIM)
        if not (w.isascii() and w.isalpha()):
            continue
        plain = w.islower() or (w[0].isupper() and w[1:].islower()) or (shouted and w.isupper())
        if plain and len(w) >= TYPO["short_letters"] and w.lower() not in STOPWORDS:
            out.append(w.lower())
    return out


def typed_in_capitals(text: str) -> bool:
    """Whether ``text`` has letters and not one of them lowercase (caps lock, a page title in capitals): its words
    in capitals are then words like any other, not names written so on purpose (TYPO). Found in a responder's
    review: "DSIK FULL" and "MEMROY LEEK" were "no known pattern", their lowercase twins high."""
    return text.upper() == text and text.lower() != text


def foreign_words(text: str) -> bool:
    """Whether ``text`` reads as another language (mostly_other_language) or has one of another language's
    function words no English text has (OTHER_LANGUAGE_WORDS not AMBIGUOUS_WORDS), its words as ``typo_words``
    cuts them. Its words are then no English typos: found in review, "Knoten startet nicht neu" was read as
    "started" and "night"."""
    if mostly_other_language(text):
        return True
    chunks = {chunk.strip(_TYPO_TRIM).lower() for chunk in text.split()}
    return any(w in OTHER_LANGUAGE_WORDS and w not in AMBIGUOUS_WORDS for w in chunks)


@contextmanager
def reading_typos() -> Iterator[None]:
    """Within it, the Searcher ranks a question with its typos read (TYPO, ``Searcher.corrections``): BM25, the
    model's text and the why; outside, as typed. A context variable, so threads serving other questions are not
    touched."""
    token = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(token)


def with_typos_read(text: str, read: dict) -> str:
    """``text`` with each of its words ``typo_words`` reads that ``read`` has ({typed, lowercased: the KB's word})
    written as the KB's word, its punctuation and spacing kept."""
    shouted = typed_in_capitals(text)

    def one(chunk: str) -> str:
        w = chunk.strip(_TYPO_TRIM)
        return chunk.replace(w, read[w.lower()], 1) if w and w.lower() in read and typo_words(w, shouted) else chunk

    return "".join(one(part) for part in re.split(r"(\s+)", text))


def typo_targets(vocab, stem_of) -> dict:
    """{length: [(word, its letters, its BM25 stem)]} of the KB's words a typo may be read as: letters only,
    whose stem (``stem_of``: a word's stem when the BM25 vocabulary has it, else None) BM25 knows."""
    out: dict = {}
    for w in sorted(vocab):
        if len(w) >= TYPO["min_letters"] - 2 and w.isascii() and w.isalpha() and w not in STOPWORDS:
            stem = stem_of(w)
            if stem is not None:
                out.setdefault(len(w), []).append((w, frozenset(w), stem))
    return out


def _known_stem(word: str, vocab) -> str | None:
    stem = stems([word])[0]
    return stem if stem in vocab else None


def read_typo(word: str, targets: dict) -> str | None:
    """The KB word ``word`` reads as (TYPO), or None: of the nearest by ``typo_distance`` (at 2 edits, those with
    ``word``'s first letter), if they are of one family of stems (``_one_family``; else those with its first
    letter, if they are), the one of the shortest stem, then of the nearest length, then A-Z."""
    most = 1 if len(word) < TYPO["long_at"] else 2
    letters, near, best = frozenset(word), [], most
    # a short word (under min_letters): a dropped letter alone, a KB word one letter longer
    lengths = range(len(word) - most, len(word) + most + 1) if len(word) >= TYPO["min_letters"] else [len(word) + 1]
    for n in lengths:
        for w, its, stem in targets.get(n, ()):
            if len(letters ^ its) > 2 * most:  # each edit changes at most two letters of the set
                continue
            d = typo_distance(word, w, best)
            if d <= best:
                near = ([] if d < best else near) + [(w, stem)]
                best = d
    if best > 1 or not _one_family(near):  # two edits away: only with its first letter ("keystore" no "restore")
        near = [(w, stem) for w, stem in near if w[0] == word[0]]
    if not near or not _one_family(near):
        return None
    return min(near, key=lambda x: (len(x[1]), abs(len(x[0]) - len(word)), x[0]))[0]


def _one_family(near: list) -> bool:
    """Whether the words (word, stem) are of one stem, or of stems that start with the shortest of them
    (expir, expiri: "expird" is 1 from "expired" and from "expiry")."""
    root = min((stem for _, stem in near), key=len, default="")
    return all(stem.startswith(root) for _, stem in near)


CANDIDATE_VIEWS = 2048  # faiss top-k views that nominate candidate patterns
MIN_FOCUS_WORDS = 4
FOCUS_MIN_QUERY_WORDS = 16  # shorter queries (an alert, a log line, a symptom) have no trivia to cut
HIGH_COSINE, MEDIUM_COSINE = 0.60, 0.42  # MiniLM cosines: paraphrase-close vs. same topic
# Rule-based confidence (a KB too small to calibrate, Hit.confidence): "high" needs a close match on
# the pattern's own views (a linked incident's summary alone is medium evidence: a TLS postmortem was
# linked "high" to a webhook-retry pattern through one incident's text), or an exact or identifier
# signal match whose meaning is at least on topic (best >= MEDIUM_COSINE: an "HTTP 503" in a text
# about something else). Results are rated monotone in rank: never above the result before them.
# Measured on 20 subsets of 8 starter patterns (docs/calibration.md, "A KB under 10 patterns"); a KB under
# calibrate.MIN_CANDIDATES (30) patterns is rated so.
# A pattern sharing at most one word with the question is `medium` by the rule only by a signal or a close
# view (Hit.one_word), for a question of at least ONE_WORD_CAUTION_WORDS words BM25 reads: a one-word question
# ("dns", "is dns down") shares at most one with every pattern, and the caution rated all its answers low. From 3
# words on, two-word questions kept theirs too but two-fifths of the wrong `medium`s it takes out came back
# (bench/small_kb.py; docs/calibration.md, "One shared word").
ONE_WORD_CAUTION_WORDS = 2
# the "why" shown with a result (display only, not ranking): up to WHY_PER_PART views at cosine
# >= WHY_MIN_COSINE (text cut to WHY_TEXT_CHARS), and the shared words when BM25 > WHY_MIN_BM25
# A signal view whose status, errno or exit code the text contradicts (the text writes one of that kind, and that
# view's number nowhere: Searcher._unlike) is read at this cosine, the least there is: no longer the pattern's best
# view, its "like the signal" why, nor its evidence by meaning. Found in review: "OSError: [Errno 24] Too many open
# files" (EMFILE) was said to be "like the signal `OSError: [Errno 99] Cannot assign requested address`"
# (EADDRNOTAVAIL), and "... statuscode: 401" like bad-deploy-crashloop's "... statuscode: 500".
UNLIKE = -1.0
WHY_MIN_COSINE, WHY_TEXT_CHARS, WHY_PER_PART, WHY_MIN_BM25, WHY_TERMS = 0.35, 240, 3, 0.3, 8
# Common English verbs and fillers that BM25 still reads (they are no STOPWORDS: ranking is left as it is) but that
# are no evidence a responder can use: the why's shared words leave them out, and a result sharing only these has
# no "terms" entry. Found in a responder walk: "support says invoice PDFs … show the old company logo" listed
# third-party-api-outage with the why `terms “says”` alone. ranker.js reads it from the bundle (why.common).
WHY_COMMON = frozenset(
    """say says said saying show shows showed shown showing see sees seen saw seeing look looks looked looking
    seem seems seemed tell tells told think thinks thought know knows knew make makes made let lets like
    thing things something someone really maybe""".split()
)


def specific_signals(signals: list) -> list[bool]:
    """Per signal (pattern id, its text as the ranking tells signals apart: util.text.signal_key, signal words):
    whether it is specific (VERBATIM). A long signal that is inside another pattern's long signal has all of its
    words: only the signals holding every word of it are compared, not every pair (a KB of 1,000 patterns has
    ~5,000). Two differing only in a status's class or an errno are each specific: each is found whole alone."""
    long = [len(norm) >= VERBATIM["min_chars"] and len(toks) >= VERBATIM["min_words"] for _, norm, toks in signals]
    by_word: dict = {}
    for n, (_, _, toks) in enumerate(signals):
        if long[n]:
            for t in toks:
                by_word.setdefault(t, set()).add(n)
    out = list(long)
    for i, (pid, norm, toks) in enumerate(signals):
        if not long[i]:
            continue
        holders = set.intersection(*(by_word[t] for t in toks))
        for j in holders:
            if signals[j][0] != pid and norm in signals[j][1]:  # i inside j: neither tells the two apart
                out[i] = out[j] = False
    return out


def _alone_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def signal_evidence(signals: list) -> list[tuple]:
    """Per signal (pattern id, raw text, normalised text, signal words, identifiers): (the identifiers
    that count alone as {identifier: patterns listing it}, the words left once the other identifiers'
    are taken out, how many patterns list the signal's normalised text, whether it negates:
    util.text.negates, its codes: part_codes): CODE_MIN_DIGITS above. The server and the browser's ranker (site/bundle) both
    read this."""
    whole = {_alone_key(raw) for _, raw, _, _, _ in signals}
    by_norm: dict = {}
    by_id: dict = {}
    alone = []
    for pid, raw, _, toks, ids in signals:
        by_norm.setdefault(signal_key(raw), set()).add(pid)  # another status or errno: another signal
        statuses = {i for i in ids if not any(c.isalpha() for c in i)}  # an HTTP status (identifiers keeps few)
        strong = {
            i
            for i in ids - statuses
            if _alone_key(i) in whole
            or "_" in i
            or sum(c.isdigit() for c in i) >= CODE_MIN_DIGITS
            or _HOST_LIKE.fullmatch(as_written(raw, i))
        }
        if statuses and _status_line(toks, statuses):  # else context (STATUS_WORDS)
            strong |= statuses
        alone.append(strong)
        for i in strong:
            by_id.setdefault(i, set()).add(pid)
    out = []
    codes = part_codes([(pid, raw, ids) for pid, raw, _, _, ids in signals])
    for (_, raw, _, toks, ids), strong, own in zip(signals, alone, codes):
        context = set(words(" ".join(sorted(ids - strong))))
        listed = len(by_norm[signal_key(raw)])
        out.append(({i: len(by_id[i]) for i in strong}, frozenset(toks - context), listed, negates(raw), own))
    return out


def _said_capped(probs, order, comp: dict, sigarr: np.ndarray) -> np.ndarray:
    """calibrate.said_capped for ``order``'s results of a one-word question, bare or saying more (``comp["solo"]``): a
    status line several patterns list is in the question when some candidate has a signal match that does not name it
    (named_by_signal)."""
    named = np.asarray(comp["named"], dtype=bool)
    shared_status = bool(np.any((sigarr > 0) & ~named))
    title = np.asarray(comp["title"], dtype=np.float64)
    about = np.asarray(comp["name_word"], dtype=bool)
    return calibrate.said_capped(probs, named[order], title[order], float(title.max()), shared_status, about[order])


def name_words(doc: dict, pid: str) -> list[str]:
    """The BM25 tokens of a pattern's title and id: the words its author names it by. Not its tags: a tag is a topic
    it touches, often other patterns' too ("redis" is cache-stampede's tag and three other patterns' word, "jvm" two
    patterns' tag), and "redis down" was `high` for a stampede (docs/calibration.md, "A tag is no name")."""
    said = [doc.get("title") or "", pid]
    return stems(bm25_words(" ".join(w.replace("-", " ") for w in said)))


def named_by_signal(found, status_lines: frozenset) -> bool:
    """Whether a pattern's signal matches (``Searcher._signals``'s value for it, or None) name it: one of its why
    entries is a signal no other pattern lists (no ``"patterns"``) or, listed by others too, no status line
    (``status_lines``: "ENOSPC", which disk-full and inode-exhaustion list, names either as a title would). A status
    line three patterns list ("HTTP 503 Service Unavailable") is evidence for each, the name of none (calibrate's
    ``title_1``); measured in docs/calibration.md ("Short questions")."""
    return (
        found is not None
        and found[0] > 0
        and any("patterns" not in w or w["text"] not in status_lines for w in found[1])
    )


def _part_words(text: str) -> list[str]:
    """``text``'s words as a question is found a part of a signal: runs of ASCII letters and digits, lowercased
    (site/browser/ranker.js partWords)."""
    return _PART_WORD.findall(text.lower())


def _lone(text: str) -> frozenset:
    """``text``'s tokens a code may be written as, lowercased: split at spaces and punctuation but ``-_#./+`` (which
    join a ticket's, an address's or a version's parts), their ends' ``.-/+`` trimmed ("1040." is 1040, "PRB-137" no
    137); ranker.js loneTokens."""
    return frozenset(t.strip(".-/+") for t in _LONE_SPLIT.split(text.lower())) - {""}


def question_part(text: str) -> tuple:
    """A question's words as ``_part_match`` reads them: (its ``_part_words`` joined by and around with spaces, them
    as a set, how many, its ``_lone`` tokens, its part words that are no STOPWORDS)."""
    said = _part_words(text)
    return f" {' '.join(said)} ", frozenset(said), len(said), _lone(text), frozenset(said) - STOPWORDS


def part_codes(signals: list) -> list[frozenset]:
    """Per signal (pattern id, raw text, identifiers): its codes a question that is a part of it may name it by
    (see _PART_WORD): its code numbers and errno names (lowercased) that no other pattern's signals hold."""
    holders: dict = {}
    for pid, raw, _ in signals:
        for w in _part_words(raw):
            holders.setdefault(w, set()).add(pid)
    out = []
    for pid, raw, ids in signals:
        codes = code_numbers(raw, CODE_MIN_DIGITS) | {i for i in ids if i in _ERRNO_NAMES}
        out.append(frozenset(c for c in codes if holders.get(c) == {pid}))
    return out


def _part_match(raw: str, codes: frozenset, part: tuple) -> str | None:
    """The code (``part_codes``) by which a question (``part``: ``question_part``) names the signal ``raw``, or None (of
    several, the first A-Z): a question that is a part of the signal, or a short one (SIGNAL_MATCH's
    code_question_words) writing the code next to the word the signal writes before a number ("error" of "ERROR
    1040", "code" of "Exit Code: 137": ``_code_words``; not "ticket 137 exit code") or with another word of the signal
    that is no stop word, anywhere, beside an errno's name, and no negation just before ("no ERROR 1040 anymore":
    ``_code_beside``). A code counts only with
    another word of the question's: a bare number may be any count, port or id, and a bare errno's name any
    failure's (found in a re-read: "ENOENT", "EPERM", "ECONNREFUSED" alone, each in one pattern's signal, were
    `high` for it, 0.86-0.93, where a bare word is at most medium: calibrate.SAID_CAP)."""
    joined, said, n_said, lone, content = part
    shared = sorted(c for c in codes if c in said and n_said > 1)
    if not shared:
        return None
    signal_words = _part_words(raw)
    if joined in f" {' '.join(signal_words)} ":
        return shared[0]
    if n_said > SIGNAL_MATCH["code_question_words"]:
        return None
    return next(
        (c for c in shared if _code_beside(c, _code_words(signal_words, c), joined.split(), lone, content)), None
    )


def _code_words(signal_words: list, code: str) -> set:
    """The words of a signal (its ``_part_words``) a question must hold beside its ``code`` (``_part_match``): for a
    number, the word before it (its error, code, status, errno or exit word: util.text.code_numbers); for an errno's
    name, any other word."""
    if not code.isdigit():
        return set(signal_words) - {code}
    out = {signal_words[i - 1] for i, w in enumerate(signal_words) if w == code and i}
    # an exit code said short, "exit 137" or "exited 137" for "Exit Code: 137" (before the code only: _code_beside).
    # Found in review: "exit 137" was "no known pattern", memory-leak-oom-kill first at 0.146, where "exit code 137" found it
    if any(w == code and i > 1 and signal_words[i - 1] in ("code", "status") and signal_words[i - 2] in EXIT_WORDS
           for i, w in enumerate(signal_words)):  # fmt: skip
        out |= EXIT_WORDS
    return out


def _code_beside(code: str, code_words: set, said: list, lone: frozenset, content: frozenset) -> bool:
    """Whether a question (its ``_part_words`` ``said``, ``_lone`` tokens and words that are no stop word) writes
    ``code`` beside its ``code_words`` (``_part_match``): an errno's name with one of them anywhere; a number as a
    token of its own, or joined to one of them by a hyphen ("ERROR-1040"), next to one of them ("mysql ERROR 1040",
    "1040 error"); neither just after a negation (NEGATIONS: "no ERROR 1040 anymore", "not ETIMEDOUT on primary").
    Found in a re-read, on the starter KB: "exit code 1 since build 137" and "ticket 137 exit code", where "code" was
    anywhere, ranked memory-leak-oom-kill (Exit Code: 137) first at 0.28, and "no ERROR 1040 anymore, but disk full"
    db-connection-pool-exhausted, over disk-full at 0.533."""
    if code not in lone and not (code.isdigit() and any(f"{w}-{code}" in lone for w in code_words)):
        return False
    for i, w in enumerate(said):
        if w != code:
            continue
        before, after = said[i - 1] if i else "", said[i + 1] if i + 1 < len(said) else ""
        if not code.isdigit():
            start = i
        elif before in code_words:
            start = i - 1
        elif after in code_words - EXIT_WORDS:  # "ticket 137 exit" names no exit code
            start = i
        else:
            continue
        if not (start and said[start - 1] in NEGATIONS) and (code.isdigit() or content & code_words):
            return True
    return False


def _status_line(toks: set, statuses: set) -> bool:
    """Whether a signal (its words) that holds HTTP statuses says nothing else: its words are the statuses'
    reason phrases ("Too Many Requests") and STATUS_WORDS only. Then a status names the signal and counts
    alone ("the clients got 429" matches "HTTP 429 Too Many Requests"); in a signal that names a host, a
    path or a check (STATUS_WORDS), it is the signal's context."""
    said = set(STATUS_WORDS)
    for code in statuses:
        try:
            said.update(words(HTTPStatus(int(code)).phrase))
        except ValueError:  # a 3-digit number no HTTP status has
            continue
    return toks <= said


@lru_cache(maxsize=100_000)
def _pin_offsets(raw: str) -> tuple:
    """The numbers a signal pins (util.text.pinned_kinds) as (where its "#" is in its normalised text, kind,
    pin_value). Cached: a query reads those of the signals it may match, the same few again and again."""
    pins = pinned_kinds(raw)
    if not pins:
        return ()
    runs = numbers_at(raw)[1]
    return tuple((runs[k][0], kind, pin_value(kind, digits)) for k, digits, kind in pins)


def as_written(raw: str, ident: str) -> str:
    """``ident`` (an identifier, lowercased) as the signal ``raw`` writes it: shown in a why entry."""
    at = raw.lower().find(ident)
    return raw[at : at + len(ident)] if at >= 0 else ident


@lru_cache(maxsize=100_000)
def _pin_kinds(raw: str) -> frozenset:
    """The (kind, pin_value) of the numbers a signal pins (util.text.pinned_kinds): what ``_contradicted`` reads."""
    return frozenset((kind, pin_value(kind, digits)) for _, digits, kind in pinned_kinds(raw))


def said_numbers(text: str) -> tuple[set, set]:
    """(the kinds of number ``text`` writes as a status, an errno or an exit code: util.text.pinned_kinds; every
    number in it and each one's class as a status (util.text.pin_value), when it writes any): what
    ``_contradicted`` reads of a query."""
    said = pinned_kinds(text)
    if not said:
        return set(), set()
    numbers = set(DIGITS.findall(text))
    return {kind for _, _, kind in said}, numbers | {pin_value("status", n) for n in numbers}


def _contradicted(pins: frozenset, said: tuple) -> bool:
    """Whether a text (``said``: said_numbers) contradicts a signal's pins (``_pin_kinds``): it writes a number of
    that kind (an errno) and the signal's (99; a status of its class, 5xx) nowhere. Then the signal is no evidence by its words or its meaning
    (UNLIKE), only by an identifier of its own that counts alone."""
    kinds, numbers = said
    return any(kind in kinds and digits not in numbers for kind, digits in pins)


def _found_whole(norm: str, pins: list, norm_q: str, q_numbers: dict) -> bool:
    """Whether a signal's normalised text is in the query's with the numbers it pins (``pins``: (where its "#"
    is in ``norm``, kind, pin_value), ``_pin_offsets``) the same there (``q_numbers``: the query's by where its
    "#" is, util.text.numbers_at; a status of the same class): at one place at least, a text may hold the line
    twice."""
    at = norm_q.find(norm)
    while at >= 0 and pins:
        if all(pin_value(kind, q_numbers.get(at + off, "")) == value for off, kind, value in pins):
            return True
        at = norm_q.find(norm, at + 1)
    return at >= 0


def _signal_match(
    signal: tuple,
    evidence: tuple,
    norm_q: str,
    q_words: set,
    q_ids: set,
    q_negates: bool = False,
    numbers=None,
    part: tuple = ("", frozenset(), 0, frozenset(), frozenset()),
):
    """(score, how, the shared identifier or None) for one signal in a query, or None: its normalised
    text inside the query's, a shared identifier that counts alone or one with most of the signal's
    other words, or most of its words (a signal that negates, only in a text that negates too:
    ``q_negates``, util.text.NEGATIONS); with how many patterns list it (signal_evidence). ``numbers``:
    (the signal's pins, the query's numbers) as ``_found_whole`` reads them, and whether the query contradicts
    the signal (``_contradicted``); its text found with another status or errno contradicts it too. ``part``: the
    question's words as ``_part_match`` reads them (a question naming one of its codes: how "code", an identifier's score,
    said an identifier in the why; its pattern first, CODE_FIRST)."""
    _, raw, norm, toks, ids = signal
    strong, rest, share, negated, codes = evidence
    m = SIGNAL_MATCH
    pins, q_numbers, contradicted = numbers or ((), {}, False)
    if len(norm) >= m["exact_min_chars"] and norm in norm_q:
        if not pins or _found_whole(norm, pins, norm_q, q_numbers):
            return m["exact"], "exact", None, share
        contradicted = True
    shared = sorted(i for i in ids & q_ids if i in strong)
    if shared:
        ident = min(shared, key=lambda i: (strong[i], i))  # the one fewest patterns list
        return m["identifier"], "identifier", ident, strong[ident]
    if contradicted:
        return None
    if codes and (code := _part_match(raw, codes, part)):
        return m["identifier"], "code", code, 1
    context = sorted(ids & q_ids)
    if context and rest and len(rest & q_words) >= m["words_share"] * len(rest):
        return m["identifier"], "identifier", context[0], share
    if negated and not q_negates:
        return None
    if len(toks) >= m["words_min"] and (n := len(toks & q_words)) >= m["words_share"] * len(toks):
        return m["words"] * n / len(toks), "words", None, share
    return None


@dataclass(frozen=True)
class RunbookLink:
    """A pattern an alert's runbook link points at (recur.ingest.coverage.runbook_link), and the link;
    or one a query names by its id (``named_pattern``: ``field`` "id", ``match`` "id")."""

    pattern: str
    url: str
    field: str = "runbook_url"
    match: str = "link"


_ID_TRIM = "`'\"<>()[]{},;:.!?*"


def _named_id(word: str) -> str:
    """A query word as the pattern id it may be: trimmed of quotes, backticks and punctuation, lowercased;
    a URL's (or path's) last segment without .html/.md (a pattern's page)."""
    tok = word.strip(_ID_TRIM).lower()
    if "/" in tok:
        tok = re.split(r"[?#]", tok, maxsplit=1)[0].rstrip("/").rsplit("/", 1)[-1]
        tok = re.sub(r"\.(html?|md)$", "", tok)
    return tok


def named_pattern(text: str, ids, superseded: dict | None) -> RunbookLink | None:
    """The pattern a short query names by its id (ID_PIN): the query is the id (trimmed, any case), or
    exactly one of its at most ``max_words`` words is one; a retired id (``superseded``: {id: the ids
    that superseded it, in use}) names its first successor in ``ids``. None otherwise."""
    words = text.split()
    if not words or len(words) > ID_PIN["max_words"]:
        return None
    known = {pid.lower(): pid for pid in ids}
    gone = {old.lower(): [s for s in new if s in ids] for old, new in (superseded or {}).items()}
    found: dict = {}
    for word in words:
        tok = _named_id(word)
        if tok in known:
            found.setdefault(known[tok], word.strip(_ID_TRIM))
        elif gone.get(tok):
            found.setdefault(gone[tok][0], f"{word.strip(_ID_TRIM)} (retired, superseded by {gone[tok][0]})")
    if len(found) != 1:
        return None
    ((pid, said),) = found.items()
    return RunbookLink(pid, said, field="id", match="id")


def _verbatim_first(order, probs, verbatim: list, floor: float = VERBATIM["floor"]) -> tuple:
    """``order`` and ``probs`` with the results whose text holds a specific signal whole (VERBATIM)
    first, in their order, each with a probability of at least ``floor`` (also a runbook link's)."""
    if not any(verbatim):
        return order, probs
    moved = sorted(range(len(order)), key=lambda r: (not verbatim[r], r))
    return (
        np.asarray([order[r] for r in moved], dtype=np.int64),
        [probs[r] if probs[r] is None or not verbatim[r] else max(float(probs[r]), floor) for r in moved],
    )


def _held_first(order, probs, ruled: list) -> tuple:
    """``order`` and ``probs`` with each result ``ruled`` says (moved up by CODE_FIRST or SAID_WHOLE) after the results
    after it rated at a higher confidence than its own, before the others, and rated at least as likely right as every
    result after it (those are of its confidence or lower: its confidence is unchanged). As they are on a KB too small
    to calibrate (probabilities None)."""
    if not any(ruled) or any(p is None for p in probs):
        return order, probs
    level = [_LEVEL.index(calibrate.confidence(float(p))) for p in probs]
    at = list(range(len(order)))
    for k in reversed([i for i, r in enumerate(ruled) if r]):  # the lowest first, as _import_drafts_after
        pos = at.index(k)
        tail = at[pos + 1 :]  # those rated higher go above it, the others stay after it, each in their order
        at = at[:pos] + [i for i in tail if level[i] > level[k]] + [k] + [i for i in tail if level[i] <= level[k]]
    held = [float(probs[i]) for i in at]
    below = 0.0
    for i in reversed(range(len(at))):
        if ruled[at[i]]:
            held[i] = max(held[i], below)
        below = max(below, held[i])
    return np.asarray([order[i] for i in at], dtype=np.int64), held


def _rule_of(found, link: RunbookLink | None, said: bool, wordless: bool) -> str | None:
    """The rule (RULES) that moved a result up: ``found`` its signal match (``_signals``: score, why, verbatim, a
    code), ``link`` the runbook link or id naming it, ``said`` whether it is SAID_WHOLE's, ``wordless`` whether
    the question is one (a signal found moves its pattern up then); None when none did."""
    score, _, verbatim, coded = found if found is not None else (0.0, [], False, False)
    if link is not None:
        return "id_pin" if link.match == "id" else "runbook_link"
    moved = (("verbatim", verbatim), ("code_first", coded), ("said_whole", said), ("wordless", wordless and score > 0))
    return next((rule for rule, by in moved if by), None)


def unreviewed(doc: dict) -> bool:
    """Whether an indexed pattern (its doc) is a draft, an import's or a person's: IMPORT_DRAFT."""
    return bool(doc.get("import_draft")) or doc.get("status") == "draft"


def _import_drafts_after(order, probs, drafts: list) -> tuple:
    """``order`` and ``probs`` with each draft (``drafts``, per result: ``unreviewed``) rated at
    most IMPORT_DRAFT["cap"] and moved down past the results under it that are not drafts and are
    rated at least as likely right (none on a KB too small to calibrate: probabilities are None)."""
    if not any(drafts):
        return order, probs
    cap = IMPORT_DRAFT["cap"]
    probs = [p if p is None or not d else min(float(p), cap) for p, d in zip(probs, drafts)]
    at = list(range(len(order)))
    for k in reversed([i for i, d in enumerate(drafts) if d]):  # the lowest first: each sinks past reviewed ones
        pos = at.index(k)
        while pos + 1 < len(at) and probs[k] is not None:
            nxt = at[pos + 1]
            if drafts[nxt] or probs[nxt] is None or probs[nxt] < probs[k]:
                break
            at[pos], at[pos + 1] = nxt, k
            pos += 1
    return np.asarray([order[i] for i in at], dtype=np.int64), [probs[i] for i in at]


@dataclass
class Hit:
    id: str
    score: float
    dense: float  # raw cosine to the whole-pattern view
    lexical: float  # BM25 relative to the best pattern for this query
    signal: float
    why: list = field(default_factory=list)
    best: float = 0.0  # best raw cosine over all of the pattern's views
    probability: float | None = None  # calibrated P(this result is a right answer), recur.retrieval.calibrate
    draft: bool = False  # any draft, an import's or a person's (``unreviewed``): never high (IMPORT_DRAFT)
    own: float | None = None  # best cosine over the pattern's own views, not its linked incidents' (None: best)
    ceiling: str = "high"  # by rule, never above the result ranked before it (``rate_in_rank``)
    linked: bool = False  # the alert's runbook link names this pattern (RUNBOOK_LINK): high by rule
    # it shares at most one distinct word with a question of ONE_WORD_CAUTION_WORDS words or more (Searcher._one_word)
    one_word: bool = False
    # a signal match names it (named_by_signal): not only a status line other patterns list too ("HTTP 503 ...")
    named: bool = True
    # the ranking rule that put it where it is, over the fitted order (RULES: "code_first" ...); None: the fitted order.
    # Under a rule its probability is the rule's where the rule's floor or _held_first raised it
    rule: str | None = None

    @property
    def confidence(self) -> str:
        """From the calibrated probability when there is one; else (a KB too small to calibrate)
        a rule: an exact signal on topic that names the pattern (``named``: a status line three patterns list
        names none, and rated "503" high on each), or a close match on the pattern's own views, is strong
        evidence; a signal or a same-topic view, some, but a pattern sharing at most one word with the
        question (``one_word``) needs a close view for that: one ordinary word ("lag") lifts a cosine to
        the same-topic bar alone (the calibrated path's ``zbm25_1`` caution). Capped by ``ceiling``."""
        if self.probability is not None:
            return calibrate.confidence(self.probability)
        own = self.best if self.own is None else self.own
        if (
            self.linked
            or ((self.signal >= 0.9 and self.named and self.best >= MEDIUM_COSINE) or own >= HIGH_COSINE)
            and not self.draft
        ):
            rated = "high"
        elif self.signal > 0 or self.best >= (HIGH_COSINE if self.one_word else MEDIUM_COSINE):
            rated = "medium"
        else:
            rated = "low"
        return min(rated, self.ceiling, key=_LEVEL.index)


_LEVEL = ("low", "medium", "high")
# A result's ``rule`` (Hit.rule, the result object's "rule"): the ranking rule that moved it up, named as its constant,
# the strongest first: a runbook link (RUNBOOK_LINK) or the pattern's id named (ID_PIN), a specific signal found whole
# (VERBATIM), a code of its signal (CODE_FIRST), a symptom or a signal said whole (SAID_WHOLE), a signal found in a
# question of no word the KB knows ("wordless": a status alone, "503").
RULES = ("runbook_link", "id_pin", "verbatim", "code_first", "said_whole", "wordless")


def rate_in_rank(hits: list[Hit]) -> list[Hit]:
    """Rule-rated hits (no probability) never rated above the one ranked before them: a rank-3
    "medium" sat under a rank-2 "low", read as the better answer. Calibrated ones are left as they
    are: there a lower result rated more likely is said ("check both", results.rivals)."""
    ceiling = "high"
    for h in hits:
        if h.probability is None:
            h.ceiling = ceiling
            ceiling = h.confidence
    return hits


def _z(x: np.ndarray) -> np.ndarray:
    if x.size < 2:
        return np.zeros_like(x)
    sd = float(x.std())
    return (x - float(x.mean())) / sd if sd > 1e-9 else np.zeros_like(x)


class Searcher:
    @kb_words()  # its signals' words are the KB's: kept for the process (util.text)
    def __init__(self, index: LoadedIndex, encoder):
        self.index = index
        self.encoder = encoder
        self.vectors = np.ascontiguousarray(index.vectors, dtype=np.float32)
        self._faiss = None
        self.row_pattern = [v["pattern"] for v in index.views]
        self.rows: dict = {}
        for row, pid in enumerate(self.row_pattern):
            self.rows.setdefault(pid, []).append(row)
        kinds = [v["kind"] for v in index.views]
        self.doc_row = {pid: next((r for r in rows if kinds[r] == "doc"), rows[0]) for pid, rows in self.rows.items()}
        self.title_row = {
            pid: next((r for r in rows if kinds[r] == "title"), rows[0]) for pid, rows in self.rows.items()
        }
        # Candidates are positions in ``pids`` (alphabetical, so ties break by id) and every
        # per-pattern lookup is an array: a query scores hundreds of candidates without Python loops.
        self.pids = sorted(self.rows)
        self.pid_pos = {pid: i for i, pid in enumerate(self.pids)}
        self.row_arr = {pid: np.asarray(rows, dtype=np.int64) for pid, rows in self.rows.items()}
        # the pattern's own views, without its linked incidents' summaries (the rule's "high": Hit.confidence)
        self.own_arr = {
            pid: np.asarray([r for r in rows if kinds[r] != "incident"] or rows, dtype=np.int64)
            for pid, rows in self.rows.items()
        }
        self.row_pidx = np.asarray([self.pid_pos[pid] for pid in self.row_pattern], dtype=np.int64)
        self.doc_rows = np.asarray([self.doc_row[pid] for pid in self.pids], dtype=np.int64)
        self.title_rows = np.asarray([self.title_row[pid] for pid in self.pids], dtype=np.int64)
        # every pattern's "other" views (not doc, not title) laid end to end: one reduceat gives each best
        others = [[r for r in self.rows[pid] if r not in (self.doc_row[pid], self.title_row[pid])] for pid in self.pids]
        self.other_flat = np.asarray([r for rows in others for r in rows], dtype=np.int64)
        starts = np.cumsum([0] + [len(rows) for rows in others[:-1]]).astype(np.int64)
        self.other_start = np.minimum(starts, max(len(self.other_flat) - 1, 0))  # empty runs are masked below
        self.has_other = np.asarray([bool(rows) for rows in others], dtype=bool)
        self.ids = list(index.ids)
        lex_pos = {pid: i for i, pid in enumerate(self.ids)}
        self.lex_of = np.asarray([lex_pos.get(pid, -1) for pid in self.pids], dtype=np.int64)  # pids -> BM25 rows
        self.ids_pidx = np.asarray([self.pid_pos.get(pid, -1) for pid in self.ids], dtype=np.int64)  # and back
        self._field_words: dict = {}  # pattern id -> words of its title, symptoms and tags (for the why)
        # made at the first word that needs them (TYPO): the KB's words a typo may be read as (typo_targets),
        # and the model's whole words, no typos (Encoder.known_words); each text's corrections, asked ~9 times an
        # answer (BM25, the model's text, each result's why...) and computed once
        self._typo_targets, self._known_words, self._readings = None, None, {}
        self._index_signals(index.docs)
        self._index_said(index.docs)

    def _index_signals(self, docs: dict) -> None:
        """Every signal once, and an inverted index from its words, identifiers and codes (part_codes), so a query
        only looks at the signals it could match (the KB may hold thousands); which are specific (VERBATIM) and
        what each proves (signal_evidence)."""
        self.signal_list = []
        self.signals_by_word: dict = {}
        self.signals_always = []  # signals with no indexable word: checked for every query
        for pid, doc in docs.items():
            for s in map(compatible, doc.get("signals", [])):  # NFKC, as a question (query.Prepared.searched)
                toks = signal_words(s)
                ids = identifiers(s, signal=True)
                n = len(self.signal_list)
                self.signal_list.append((pid, s, normalise_signal(s), toks, ids))
                for key in toks | ids:
                    self.signals_by_word.setdefault(key, []).append(n)
                if not toks and not ids:
                    self.signals_always.append(n)
        # as signal_evidence tells signals apart (signal_key): "... statuscode: 401" is not inside "... statuscode: 500"
        self.specific = specific_signals([(pid, signal_key(raw), toks) for pid, raw, _, toks, _ in self.signal_list])
        self.evidence = signal_evidence(self.signal_list)
        for n, (*_, codes) in enumerate(self.evidence):  # a question of a code's number finds it ("ERROR 1040")
            for code in codes - self.signal_list[n][3] - self.signal_list[n][4]:
                self.signals_by_word.setdefault(code, []).append(n)

    def _index_said(self, docs: dict) -> None:
        """Every symptom and signal of SAID_WHOLE's min_words words or more as (pattern id, its words but stop words),
        and an inverted index from its words (``said_whole``)."""
        self.said_texts: list = []
        self.said_by_word: dict = {}
        for pid, doc in docs.items():
            for text in [*doc.get("symptoms", []), *doc.get("signals", [])]:
                said = frozenset(w for w in words(text) if w not in STOPWORDS)
                if len(said) >= SAID_WHOLE["min_words"]:
                    for w in said:
                        self.said_by_word.setdefault(w, []).append(len(self.said_texts))
                    self.said_texts.append((pid, said))

    def said_whole(self, text: str) -> str | None:
        """The one pattern a short question holds (nearly) every word of a symptom or a signal of (SAID_WHOLE), or
        None (none, or several: the question tells none apart)."""
        q_words = {w for w in words(text) if w not in STOPWORDS}
        if len(q_words) > SAID_WHOLE["max_words"]:
            return None
        found = set()
        for n in sorted({n for w in q_words for n in self.said_by_word.get(w, ())}):
            pid, said = self.said_texts[n]
            if len(said - q_words) <= (len(said) >= SAID_WHOLE["missing_from"]):
                found.add(pid)
        return found.pop() if len(found) == 1 else None

    @property
    def faiss(self):
        """The dense retriever: a faiss IndexFlatIP (exact inner product) over every view, built on
        first use so that loading a Searcher stays cheap. It nominates the candidate patterns; a KB
        far beyond the thousands of patterns could swap in an approximate faiss index here."""
        if self._faiss is None:
            import faiss

            self._faiss = faiss.IndexFlatIP(self.vectors.shape[1])
            if len(self.vectors):
                self._faiss.add(self.vectors)
        return self._faiss

    def view_similarities(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine of every view to ``q``, the CANDIDATE_VIEWS nearest view rows, best first).

        faiss nominates the nearest views; the cosines the ranking needs for every view of every
        candidate (doc, title, best view, why) come from one matrix-vector product, which costs
        less than asking faiss to sort all views (0.2 + 0.7 ms vs 1.7 ms at 9,000 views)."""
        q = np.asarray(q, dtype=np.float32).reshape(1, -1)
        k = min(len(self.vectors), CANDIDATE_VIEWS)
        _, rows = self.faiss.search(q, k)
        rows = rows[0]
        return self.vectors @ q[0], rows[rows >= 0]

    # -- query side ---------------------------------------------------------------
    def focus_text(self, text: str) -> str | None:
        """The query cut down to words the KB uses, for long prose only. On short queries it made
        no difference on ../shared/eval's dev cases and cost one of kb/eval's 95 cases at rank 1,
        and it doubles the encoding work of an alert or a log line."""
        vocab = self.index.vocab
        if not vocab:
            return None
        all_words = words(text)
        if len(all_words) < FOCUS_MIN_QUERY_WORDS:
            return None
        ws = [w for w in all_words if w not in STOPWORDS]
        kept = [w for w in ws if w in vocab]
        if len(kept) < MIN_FOCUS_WORDS or len(kept) == len(ws):
            return None
        return " ".join(kept)

    def model_text(self, text: str) -> str:
        """``text`` as the model reads it: each CamelCase name the KB never writes (util.text.camel_names, not in
        the index's vocabulary) as its words. To the model's tokenizer "HostOutOfMemory" is "host", "##out",
        "##of", "##me", "##mo", "##ry": word pieces near no pattern, and an alert name no pattern lists answered
        "no known pattern" with the right pattern first (p 0.013; "Host Out Of Memory" 0.044, "HostKernelPanic"
        0.205, "Host Kernel Panic" 0.91; found in review). BM25 reads the name and its words already
        (util.text.words), and a signal is matched in the text as typed; a name the KB writes (a listed signal,
        KubePodCrashLooping; a product, GitHub) is read as written, so its answers do not change."""
        return with_name_words(text, self.index.vocab)

    def _read_names(self, text: str) -> set[str]:
        """The CamelCase names of ``text`` the model reads as their words (``model_text``), lower-cased."""
        return {n for n in (t.lower() for t in camel_names(text)) if n not in self.index.vocab}

    def encode_queries(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Each query with its focused form, one query at a time. Not all in one batch: padded to
        the batch's longest text, a vector moved in the 4th decimal, so a --queries line, `recur
        eval` and the API answered one text differently (near-ties swapped at rank 1; found in
        review). A query and its focus are short; batching them bought little on a CPU."""
        out = []
        for text in texts:
            if _READING.get():  # "memroy" is word pieces to the model, far from "memory" (TYPO)
                text = self.read_typos(text)
            focus = self.focus_text(text)
            vecs = self.encoder.encode([self.model_text(text), focus] if focus else [self.model_text(text)])
            out.append((vecs[0], vecs[1] if focus else None))
        return out

    # -- ranking ------------------------------------------------------------------
    # long: the ranking's steps in their order, then one Hit a shown result, its evidence field by field
    def search(
        self, text: str, top: int = 5, qvec=None, mode: str = "hybrid", exclude=None, link: RunbookLink | None = None
    ) -> list[Hit]:
        """Rank patterns for ``text``. ``mode="dense"`` uses the embedding views only (for benchmarks).
        ``qvec`` may be a vector or a (vector, focus vector) pair from ``encode_queries``; ``exclude``
        (pattern ids) ranks as if they were not in the KB (see ``score_candidates``); ``link``: the
        pattern an alert's runbook link names, first (RUNBOOK_LINK)."""
        if not self.ids or not text.strip():
            return []
        q, fq = self.encode_queries([text])[0] if qvec is None else qvec if isinstance(qvec, tuple) else (qvec, None)
        dense_only = mode == "dense"
        if link is None and not dense_only:
            link = named_pattern(text, self.pid_pos, self.index.manifest.get("superseded_by"))
        link = (
            link if link is not None and link.pattern in self.pid_pos and link.pattern not in (exclude or ()) else None
        )
        scored = self.score_candidates(
            text, q, fq, dense_only, exclude=exclude, top=top, pins=[link.pattern] if link else None
        )
        if scored is None:
            return []
        cidx, comp, sig, allsims, fused = scored
        sigarr = np.asarray([sig.get(self.pids[c], (0.0,))[0] for c in cidx], dtype=np.float64)
        by_signal = comp["wordless"] and any(v[0] > 0 for v in sig.values())  # those patterns first (_reorder)
        said_pid = None if dense_only else self.said_whole(text)  # its pattern first (SAID_WHOLE), a candidate already
        said_pid = said_pid if said_pid is not None and self.pid_pos[said_pid] in cidx else None
        # every candidate's features only when a specific signal may move one up from beyond ``top`` (or any, wordless)
        some_verbatim = any(v[2] or v[3] for v in sig.values()) or link is not None or by_signal or said_pid is not None
        order, feats = calibrate.features(fused, comp, sigarr, top=None if some_verbatim else top)  # ties by id
        calibrated = not dense_only and len(cidx) >= calibrate.MIN_CANDIDATES
        probs = calibrate.probability(feats) if calibrated else [None] * len(order)
        verbatim = [sig.get(self.pids[cidx[j]], (0.0, [], False))[2] for j in order]
        if calibrated and self._unread(text):  # the cosines of a text the model cannot read: no `high` on them
            probs = calibrate.unread_capped(probs, self._words_said(text, cidx[order]) | np.asarray(verbatim, bool))
        if calibrated and comp["solo"].any():  # one word, alone or with more: `high` only for what names the pattern
            probs = _said_capped(probs, order, comp, sigarr)
        order, probs = self._reorder(order, probs, sig, cidx, link, by_signal, said_pid)
        hits = []
        for j, prob in zip(order[:top], probs[:top]):  # the why only for what is shown
            pid = self.pids[cidx[j]]
            sscore, sig_why, *_ = sig.get(pid, (0.0, [], False))
            sims = allsims[self.row_arr[pid]]
            linked = link is not None and pid == link.pattern
            why = self._why(pid, text, sig_why, sims, comp["bm25"][j], link if linked else None)
            rule = _rule_of(sig.get(pid), link if linked else None, pid == said_pid, by_signal)
            hits.append(
                Hit(
                    pid,
                    float(fused[j]),
                    float(comp["doc"][j]),
                    float(comp["bm25"][j]),
                    sscore,
                    why,
                    best=float(sims.max()),
                    probability=None if prob is None else float(prob),
                    draft=unreviewed(self.index.docs[pid]),
                    own=float(allsims[self.own_arr[pid]].max()),
                    linked=linked,
                    one_word=bool(comp["one_word"][j]) and comp["words"] >= ONE_WORD_CAUTION_WORDS,
                    named=bool(comp["named"][j]),
                    rule=rule,
                )
            )
        return rate_in_rank(hits)

    def _reorder(  # long: the ranking's rules, one a line
        self, order, probs, sig: dict, cidx, link: RunbookLink | None, wordless: bool = False, said: str | None = None
    ) -> tuple:
        """The ranking's rules over the fitted order (``sig``: the signal matches, ``_signals``): a wordless question's
        patterns with a signal found in it first (see above RUNBOOK_LINK's), the pattern a short question holds a
        symptom or a signal of (``said``: SAID_WHOLE), a code of a signal named before it (CODE_FIRST), a specific
        signal found whole before them (VERBATIM), drafts after (``unreviewed``), and before all a pattern the alert's
        runbook link names."""

        def having(k: int, least: float = 0.0) -> list:
            return [bool(v[k] > least) for v in (sig.get(self.pids[cidx[j]], (0.0, [], False, False)) for j in order)]

        if wordless:
            order, probs = _verbatim_first(order, probs, having(0), floor=0.0)
        if said is not None:
            order, probs = _verbatim_first(order, probs, [self.pids[cidx[j]] == said for j in order], floor=0.0)
        order, probs = _verbatim_first(order, probs, having(3), CODE_FIRST["floor"])
        ruled = [c or self.pids[cidx[j]] == said for c, j in zip(having(3), order)]
        order, probs = _held_first(order, probs, ruled)  # its first never rated under a result after it
        order, probs = _verbatim_first(order, probs, having(2))
        drafts = [unreviewed(self.index.docs[self.pids[cidx[j]]]) for j in order]
        order, probs = _import_drafts_after(order, probs, drafts)
        if link is None:
            return order, probs
        linked = [self.pids[cidx[j]] == link.pattern for j in order]
        return _verbatim_first(order, probs, linked, RUNBOOK_LINK["floor"])

    def score_candidates(self, text: str, q, fq, dense_only: bool = False, exclude=None, top: int = 10, pins=None):
        """Every candidate pattern's raw component scores and fused score, for ``search`` and for
        calibration (recur.retrieval.calibrate): (candidate positions in ``pids``, {component: raw
        array}, signal hits {pid: (score, why)}, every view's cosine, fused scores), or None without
        candidates. ``exclude`` (pattern ids) drops patterns before z-normalising, as if they were
        not in the KB (leave-one-pattern-out measurements; BM25 IDF still counts them); ``pins``: pattern
        ids that are candidates whatever their scores (a runbook link's)."""
        allsims, ranked = self.view_similarities(q)  # every view's cosine; candidates index into it
        said = said_numbers(text)  # once: the views it contradicts and the signals found read it
        allsims = self._unlike(allsims, said)
        parts = [self.row_pidx[ranked]]
        terms = None if dense_only or self.index.bm25 is None else self._query_terms(text)
        lex = None if terms is None else self._bm25(terms[0])
        if lex is not None:
            order = np.argsort(-lex)[: max(top * 4, 50)]
            parts.append(self.ids_pidx[order[lex[order] > 0]])
        sig = {} if dense_only else self._signals(text, said)
        if exclude:
            sig = {pid: v for pid, v in sig.items() if pid not in exclude}
        parts.append(np.asarray([self.pid_pos.get(pid, -1) for pid in [*sig, *(pins or ())]], dtype=np.int64))
        cidx = np.unique(np.concatenate(parts))
        cidx = cidx[cidx >= 0]
        if exclude:
            drop = np.asarray([self.pid_pos[p] for p in exclude if p in self.pid_pos], dtype=np.int64)
            cidx = cidx[~np.isin(cidx, drop)]
        if not cidx.size:
            return None
        comp = self._components(cidx, allsims, fq, lex)
        comp["one_word"] = np.zeros(len(cidx), dtype=bool) if terms is None else self._one_word(terms[0], cidx)
        # a question of one word (a search box: "dns", "marketing"): calibrate weighs it on its own
        comp["solo"] = np.full(len(cidx), terms is not None and terms[1] < 2)
        comp["words"] = 0 if terms is None else terms[1]  # how many words it says (the rule's one-word caution)
        # ...and one that says more than that word ("github down", "is github down": stop words BM25 drops)
        comp["said"] = np.full(len(cidx), terms is not None and terms[1] < 2 and terms[2] >= 2)
        # ...and the patterns its one word, alone or with more, names by a word of their title or id
        # (calibrate.said_capped; looked up only for such a question: every other one, most, neither builds name_terms
        # nor walks cidx)
        said_word = set(terms[0]) if comp["solo"].any() else set()
        comp["name_word"] = np.zeros(len(cidx), dtype=bool)
        if said_word:
            comp["name_word"] = np.asarray([bool(said_word & self.name_terms[c]) for c in cidx], dtype=bool)
        # a wordless question: no word the KB knows ("503", "429 Fehler"; BM25 drops numbers), one scalar (rank)
        comp["wordless"] = terms is not None and not terms[0]
        # a pattern a signal found names as its title would, but for a status line other patterns list (calibrate)
        comp["named"] = np.asarray([named_by_signal(sig.get(self.pids[c]), self.status_lines) for c in cidx], bool)
        weights = DENSE_WEIGHTS if dense_only else WEIGHTS
        fused = sum(w * _z(comp[name]) for name, w in weights.items()).astype(np.float64)
        if sig:  # every signal's pattern is a candidate (added above)
            spos = np.fromiter((self.pid_pos.get(pid, -1) for pid in sig), dtype=np.int64, count=len(sig))
            sval = np.fromiter((v[0] for v in sig.values()), dtype=np.float64, count=len(sig))
            fused[np.searchsorted(cidx, spos[spos >= 0])] += SIGNAL_BONUS * sval[spos >= 0]
        return cidx, comp, sig, allsims, fused

    @cached_property
    def name_terms(self) -> list[frozenset]:
        """Per pattern (``pids`` order): the BM25 tokens of the words its author names it by, its title and id
        (name_words): a question's one word among them is what the pattern is about (calibrate.said_capped)."""
        docs = self.index.docs
        return [frozenset(name_words(docs.get(pid, {}), pid)) for pid in self.pids]

    @cached_property
    def status_lines(self) -> frozenset:
        """The signals (raw texts) that are status lines ("HTTP 503 Service Unavailable"): an HTTP status, no
        letter in it, counts alone in them (signal_evidence); ``named_by_signal`` reads them."""
        return frozenset(
            raw
            for (_, raw, _, _, _), (strong, *_) in zip(self.signal_list, self.evidence)
            if any(not any(c.isalpha() for c in i) for i in strong)
        )

    @cached_property
    def pinned_views(self) -> dict:
        """view row -> the (kind, digits) a signal view's text pins (``_pin_kinds``), for those with any."""
        views = self.index.views
        return {
            r: pins
            for r, v in enumerate(views)
            if v["kind"] == "signal" and (pins := _pin_kinds(compatible(v["text"])))
        }

    def _unlike(self, allsims: np.ndarray, said: tuple) -> np.ndarray:
        """``allsims`` with the signal views the text (``said``: said_numbers) contradicts (``_contradicted``) at
        UNLIKE."""
        if not said[0] or not self.pinned_views:
            return allsims
        rows = [r for r, pins in self.pinned_views.items() if _contradicted(pins, said)]
        if not rows:
            return allsims
        allsims = allsims.copy()
        allsims[rows] = UNLIKE
        return allsims

    def _components(self, cidx, allsims, fq, lex) -> dict:
        """Raw component scores per candidate: doc, title, focus and best-view cosines, and BM25
        relative to the best candidate (the same as the best pattern unless some are excluded)."""
        comp = {}
        doc_rows = self.doc_rows[cidx]
        comp["doc"] = allsims[doc_rows]
        comp["title"] = allsims[self.title_rows[cidx]]
        comp["focus"] = self.vectors[doc_rows] @ fq if fq is not None else comp["doc"]
        if self.other_flat.size:
            best_all = np.maximum.reduceat(allsims[self.other_flat], self.other_start)
            comp["best"] = np.where(self.has_other[cidx], best_all[cidx], comp["doc"])
        else:
            comp["best"] = comp["doc"]
        comp["bm25"] = np.zeros(len(cidx), dtype=np.float32)
        if lex is not None:
            rows = self.lex_of[cidx]
            raw = np.where(rows >= 0, lex[np.maximum(rows, 0)], 0.0).astype(np.float32)
            lex_max = float(raw.max()) if raw.size and raw.max() > 0 else 1.0
            comp["bm25"] = raw / lex_max
        return comp

    def _lexical(self, text: str):
        """BM25 of every row for ``text`` (None without a BM25 index)."""
        return None if self.index.bm25 is None else self._bm25(self._query_terms(text)[0])

    def _query_terms(self, text: str) -> tuple[list[str], int, int]:
        """The query's BM25 tokens the index knows (repeats kept: BM25 counts them), a typo read as the KB's
        word (``corrections``), how many distinct words BM25 reads in it (known or not) and how many it has
        with those BM25 drops (stop words, numbers): read once for BM25, ``_one_word``, ``solo`` and ``said``."""
        ws = bm25_words(text)
        vocab = self.index.bm25.vocab_dict
        read = self._read(text)
        return [t for t in stems([read.get(w, w) for w in ws]) if t in vocab], len(set(ws)), len(set(split_words(text)))

    def _a_word(self, w: str) -> bool:
        """Whether ``w`` is a word the model's tokenizer has whole, or one of them with "s", "es", "er" or
        "ers" ("renders", "pusher"): an English word, no typo (Encoder.known_words)."""
        if self._known_words is None:
            self._known_words = self.encoder.known_words()
        known = self._known_words
        return w in known or any(w.endswith(e) and w[: -len(e)] in known for e in TYPO_WORD_ENDINGS)

    def read_typos(self, text: str) -> str:
        """``text`` with each typo (``corrections``) as the KB's word it is read as: what the model encodes."""
        read = dict(self.corrections(text))
        return with_typos_read(text, read) if read else text

    def _read(self, text: str) -> dict:
        """The typos of ``text`` read (``corrections``) while ``reading_typos`` holds; else none: as typed."""
        return dict(self.corrections(text)) if _READING.get() else {}

    def corrections(self, text: str) -> list[tuple[str, str]]:
        """(word as typed, lowercased; the KB's word it is read as) for each typo of ``text`` (TYPO), in order;
        none when the question has as many unknown words with no reading as with one. Computed once a text."""
        got = self._readings.get(text)
        if got is None:
            if len(self._readings) >= 256:  # a server answers many texts: keep the last few only
                self._readings.clear()
            got = self._readings[text] = self._corrections(text)
        return list(got)

    def _corrections(self, text: str) -> list[tuple[str, str]]:
        if self.index.bm25 is None or not self.index.vocab or foreign_words(text):
            return []
        vocab = self.index.bm25.vocab_dict
        out: dict = {}
        unread: set = set()
        for w in typo_words(text):
            if w in out or w in unread or w in TYPO_NEVER or w in self.index.vocab:
                continue
            if stems([w])[0] in vocab or self._a_word(w):
                continue
            if self._typo_targets is None:  # most questions have no typo
                with kb_words():
                    self._typo_targets = typo_targets(self.index.vocab, lambda x: _known_stem(x, vocab))
            read = read_typo(w, self._typo_targets)
            if read is not None and w == f"e{read}":  # an errno's name (EPIPE, ESTALE, EBUSY): no typo, nor unread
                continue
            if read is not None:
                out[w] = read
            elif len(w) >= TYPO["min_letters"]:  # a short word with no reading is no sign of another language
                unread.add(w)
        # another language's question: its words the KB and the model do not have are mostly no typos, and
        # the few near a KB word read it wrongly (found in review: "datos" as "dates", "dados" as "ddos")
        if len(unread) >= len(out):
            return []
        return list(out.items())

    def _bm25(self, qt: list[str]) -> np.ndarray:
        if not qt:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(qt), dtype=np.float32)

    def _unread(self, text: str) -> bool:
        """Whether the model cannot read ``text`` (calibrate.UNREAD_CAP): its letters mostly in another script
        (mostly_non_latin), its words reading as another language (mostly_other_language), or at least
        UNREAD_WORDS[0] of its words, and UNREAD_WORDS[1] of them or more, no word the model's tokenizer has
        whole (``_a_word``, or read as one: a typo; a model with no tokenizer, the fake one: not read this way).
        Found in review:
        "Knoten startet nicht neu" and "Speicherleck im zahlungs-dienst" are word pieces to MiniLM, and were
        `high` (0.96, 0.92) for a German pattern sharing one word, its cosines alike for any German text."""
        if mostly_non_latin(text) or mostly_other_language(text):
            return True
        if self._known_words is None:
            self._known_words = self.encoder.known_words()
        # a CamelCase name read as its words (model_text) is those words to the model, no unknown word of its own:
        # "NTPDown" was "ntp" and "ntpdown", two unknown, and capped as a text of another language
        ws = {w for w in bm25_words(text) if w.isalpha()} - self._read_names(text)
        if not self._known_words or not ws:
            return False
        # a typo read as a word of the model's is the model's ("certficate expird": the text is English), but
        # not beside another language's function word: "startet", "nicht", "neu" were read as "started",
        # "night", "neue"
        other = any(w in OTHER_LANGUAGE_WORDS and w not in AMBIGUOUS_WORDS for w in split_words(text))
        read = {} if other else {w: r for w, r in self.corrections(text) if self._a_word(r)}
        unknown = sum(not self._a_word(w) and w not in read for w in ws)
        least, share = calibrate.UNREAD_WORDS
        return unknown >= least and unknown >= share * len(ws)

    def _words_said(self, text: str, cidx) -> np.ndarray:
        """Per candidate: it has more than half of the query's distinct words BM25 reads (calibrate.UNREAD_CAP),
        the evidence beyond one shared word a text the model cannot read may still have. A word counts as
        typed, or as read (TYPO) when read as a word of the model's ("databse" as "database"): German words
        read as the KB's ("neu" as "neue") are no typos. Other languages' function words (OTHER_LANGUAGE_WORDS:
        "nicht", "ist") are said but never shared: "Datenbank antwortet nicht" shares one word of three.
        Counted from the index's token -> rows postings, as ``_one_word``."""
        if self.index.bm25 is None:
            return np.zeros(len(cidx), dtype=bool)
        ws = bm25_words(text)
        read = {w: r for w, r in self._read(text).items() if self._a_word(r)}
        said = set(stems([read.get(w, w) for w in ws if w not in OTHER_LANGUAGE_WORDS]))
        sc, vocab = self.index.bm25.scores, self.index.bm25.vocab_dict
        rows = [sc["indices"][sc["indptr"][vocab[t]] : sc["indptr"][vocab[t] + 1]] for t in sorted(said) if t in vocab]
        flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        shared = np.bincount(flat, minlength=len(self.ids))
        lex_rows = self.lex_of[cidx]
        return np.where(lex_rows >= 0, shared[np.maximum(lex_rows, 0)], 0) * 2 > len(set(ws))

    def _one_word(self, qt: list[str], cidx) -> np.ndarray:
        """Per candidate: it shares at most one distinct token with the query (calibrate's
        ``zbm25_1``: one shared word is weak lexical agreement; with ``solo`` the fit also learns
        what the word of a one-word query is worth). Counted from the index's token -> rows
        postings; not ranked on."""
        sc, vocab = self.index.bm25.scores, self.index.bm25.vocab_dict
        ts = sorted({vocab[t] for t in qt})
        rows = [sc["indices"][sc["indptr"][t] : sc["indptr"][t + 1]] for t in ts]
        flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        shared = np.bincount(flat, minlength=len(self.ids))
        lex_rows = self.lex_of[cidx]
        return np.where(lex_rows >= 0, shared[np.maximum(lex_rows, 0)], 0) <= 1

    def _signals(self, text: str, said: tuple) -> dict:
        """pattern id -> (score in [0,1], why entries, whether a specific signal is in it whole:
        VERBATIM, whether a code of a signal of it is: CODE_FIRST) for signals found in the query (``said``: its
        said_numbers)."""
        norm_q, q_runs = numbers_at(text)
        q_numbers = dict(q_runs)
        q_words = {w for w in words(text) if w not in STOPWORDS}
        q_ids = identifiers(text)
        q_negates = negates(text)
        part = question_part(text)
        near = set(self.signals_always)
        for key in q_words | q_ids:
            near.update(self.signals_by_word.get(key, ()))
        found: dict = {}
        verbatim, coded = set(), set()
        for n in sorted(near):
            pid, raw, norm, toks, ids = self.signal_list[n]
            numbers = (_pin_offsets(raw), q_numbers, _contradicted(_pin_kinds(raw), said))  # a status, an errno
            match = _signal_match(
                self.signal_list[n], self.evidence[n], norm_q, q_words, q_ids, q_negates, numbers, part
            )
            if match is None:
                continue
            score, how, ident, listed = match
            if how == "exact" and self.specific[n]:
                verbatim.add(pid)
            elif how == "code":  # a code of one pattern's signal: that pattern first (CODE_FIRST); an identifier's why
                coded.add(pid)
                how = "identifier"
            why = found.setdefault(pid, [])
            if all(w["text"] != raw for w in why):
                entry = {"field": "signal", "text": raw, "score": round(score, 3), "match": how}
                if ident:  # which identifier was shared: an identifier match is not the whole signal found
                    entry["identifier"] = as_written(raw, ident)
                if listed > 1:
                    entry["patterns"] = listed  # how many patterns list it: evidence shared, its score whole
                why.append(entry)
        out: dict = {}
        for pid, why in found.items():
            why.sort(key=lambda w: -w["score"])
            out[pid] = (why[0]["score"], why[:WHY_PER_PART], pid in verbatim, pid in coded)
        return out

    def _why(self, pid: str, text: str, sig_why: list, sims, bm25: float, link: RunbookLink | None) -> list:
        """A result's why: the runbook link naming it, the signals found in the text, the views close
        in meaning (a signal found in the text is not listed again by meaning), the shared words."""
        matched = {w["text"] for w in sig_why}
        first = [{"field": link.field, "text": link.url, "score": 1.0, "match": link.match}] if link else []
        return first + sig_why + self._dense_why(self.rows[pid], sims, matched) + self._lexical_why(pid, text, bm25)

    def _dense_why(self, prow, sims, matched=frozenset()) -> list:
        out = []
        # stable: views that tie keep their order, as ranker.js's Array.sort keeps them (numpy's default
        # sort is not stable, and the browser's why listed another view than the server's)
        for i in np.argsort(-sims, kind="stable")[: WHY_PER_PART + 2]:
            view = self.index.views[prow[i]]
            if view["kind"] == "doc" or sims[i] < WHY_MIN_COSINE:
                continue
            if view["kind"] == "signal" and compatible(view["text"]) in matched:  # a signal is matched NFKC
                continue
            out.append(
                {
                    "field": view["kind"],
                    "text": view["text"][:WHY_TEXT_CHARS],
                    "score": round(float(sims[i]), 3),
                    # close in meaning, not found in the text: a "signal" said so was read as found (review)
                    "match": "meaning",
                }
            )
        return out[:WHY_PER_PART]

    def _lexical_why(self, pid: str, text: str, bm25: float) -> list:
        if bm25 <= WHY_MIN_BM25:
            return []
        fields = self._field_words.get(pid)
        if fields is None:
            doc = self.index.docs[pid]
            with kb_words():
                fields = self._field_words[pid] = frozenset(
                    words(" ".join([doc["title"], *doc["symptoms"], *doc.get("tags", [])]))
                )
        read = list(self._read(text).values())  # a typo's word as read (TYPO), when read
        shared = sorted({w for w in [*words(text), *read] if w not in STOPWORDS and len(w) > 2} & fields - WHY_COMMON)
        if not shared:
            return []
        return [{"field": "terms", "text": ", ".join(shared[:WHY_TERMS]), "score": round(float(bm25), 3)}]
