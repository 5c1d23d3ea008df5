"""Which language a text reads as, by its letters and its words alone (no model): whether most of its letters
are in a script other than Latin (``mostly_non_latin``), or its words in Latin letters read as another language
than English (``mostly_other_language``). Search notes such a text (retrieval.query: the model reads English),
and `recur check` does not judge a runbook step it cannot read (kb.lint); one reading for both.
"""

from __future__ import annotations

import re
import unicodedata

# Common function words of German, Spanish, French, Portuguese, Dutch and Italian that are no English word nor a
# word of a log ("die" and "van" kept, being so common there; "in", "a", "no", "do", "per", "non", "op", "du", "lo",
# "y" left out), and common English ones. A text with at least 2 of the former and more of them than of the latter
# gets retrieval.query's NON_ENGLISH_NOTE: found in review, "Die Festplatte ist voll" and "El disco está lleno y la
# base de datos no puede escribir" got "no known pattern" with no hint, where Japanese got the note. Words with a digit or an id's
# character (ID_CHARS) are not read, as in mostly_non_latin. The site's box has the same lists (recur-query.js).
OTHER_LANGUAGE_WORDS = frozenset(
    """
der die das und ist nicht ein eine einen einem einer mit auf für von den dem des sich auch wird werden wurde wir
ich bei kein keine noch nur oder aber wenn dass sind haben seit beim zum zur vom nach über unter läuft mehr schon
können nichts
el la los las del que es está están por para con una uno pero como cuando muy sin sobre también hay puede pueden
se al su sus desde ya otra otro cada ni
le les et une pas sur avec dans pour qui ne ce cette au aux sont elle nous ou mais leur depuis très sans
être été fait peut est
não os da dos em um uma ao nas pelo pela foi são
de het een en van niet met voor zijn te dat naar bij ook maar wordt geen nog kan
il gli di che della delle dei anche ma più alla nel dal questo questa è
""".split()
)
# Of those, the ones English text has too: an acronym written small (OS, ES, CE, DI, NAS, DoS), a name's particle
# ("Juan de la Cruz", "von", "van", "Del"), an English word or Latin ("die", "con", "met", "den", "um", "sin", "hay",
# "et al."), a unit (em). They count only beside one of the others: found in review, "workers die con OOM" and "Juan
# de la Cruz reports checkout down" were told they read as another language. The site's box has the same list.
AMBIGUOUS_WORDS = frozenset(
    """
die es os ce con de la le les el al van von den des et en te se su ne il di da dos nas em um met dal del sin hay
sans mit ma ya ni ou dat sus para los das della sur pas uno est
""".split()
)
ENGLISH_WORDS = frozenset(
    """
the a an is are was were be been being of to in on at for with and or not no it its this that these those from
by after before when while we our they their has have had can could will would should all every out up into but
if then than there which who what how why because so only also just very more most some any each other such same
new now still yet again
""".split()
)
BLANKS = re.compile("[ \t\n\r\f\v\u3000]+")  # and the ideographic space Japanese and Chinese text use
ID_CHARS = "_/\\=@"
# Latin letters whose names do not say LATIN (the browser's port reads the Unicode script property: \p{Script=Latin})
LATIN_UNNAMED = "\u00aa\u00ba\u212a\u212b"


def mostly_non_latin(text: str) -> bool:
    """Whether most of ``text``'s letters are in a script other than Latin (Japanese, Chinese, Cyrillic, Greek,
    Arabic, Hangul, Hebrew, Thai ...): the bundled model (MiniLM) reads English, and such a text mostly answered
    "no known pattern" with no hint why. Letters are counted by their Unicode category (L*) and name (LATIN);
    digits, punctuation and marks are not letters, and of a word (between blanks) with a digit or one of
    ID_CHARS (an error code, an id, a path, a URL: ``E1234``, ``pod_7f``, ``/var/lib``) the Latin letters are
    not counted: a Japanese sentence about ``ERR_CONNECTION_REFUSED`` is Japanese. An English log line with a
    Japanese comment, or a Latin error naming a Cyrillic host, has more Latin letters, and no note."""
    if text.isascii():  # every letter Latin: no need to name each character of a 20,000-character paste
        return False
    latin = other = 0
    for word in BLANKS.split(text):
        code = any(ch in ID_CHARS or unicodedata.category(ch) == "Nd" for ch in word)
        for ch in word:
            if unicodedata.category(ch)[0] != "L":
                continue
            if "LATIN" in unicodedata.name(ch, "").split() or ch in LATIN_UNNAMED:
                latin += 0 if code else 1
            else:
                other += 1
    return other > latin


def mostly_other_language(text: str) -> bool:
    """Whether ``text`` reads as another language than English in Latin letters (German, Spanish, French,
    Portuguese, Dutch, Italian): at least 2 of its words are OTHER_LANGUAGE_WORDS, one of them not one of the
    AMBIGUOUS_WORDS, and more than are ENGLISH_WORDS. Words are runs of letters (Unicode category L), lowercased,
    of the words between blanks with no digit or ID_CHARS character (an error code, an id, a path); a word of 2
    letters or more written in capitals is an acronym (ES, OS, CE: "ES cluster red, OS disk full" was told it
    reads as another language, found in review) and not read, unless the whole text is. A log line or an error
    message in English has no note."""
    other = english = plain = 0
    acronyms = any(unicodedata.category(ch) == "Ll" for ch in text)  # else every word is in capitals
    for word in BLANKS.split(text):
        if any(ch in ID_CHARS or unicodedata.category(ch) == "Nd" for ch in word):
            continue
        run = ""
        for ch in word + " ":  # a blank closes the last run
            if unicodedata.category(ch)[0] == "L":
                run += ch
                continue
            if acronyms and len(run) >= 2 and not any(unicodedata.category(c) == "Ll" for c in run):
                run = ""
            run = run.lower()
            other += run in OTHER_LANGUAGE_WORDS
            plain += run in OTHER_LANGUAGE_WORDS and run not in AMBIGUOUS_WORDS
            english += run in ENGLISH_WORDS
            run = ""
    return other >= 2 and plain >= 1 and other > english
