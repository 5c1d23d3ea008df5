/* Recur's hybrid ranking, in the browser: a port of recur/retrieval/search.py (Searcher.search),
 * results.py (result_object), lookalikes.py (annotate) and util/text.py (words, tokens, signals).
 *
 * Every number comes from the bundle (bundle.json "params", exported from search.py by
 * recur/site/bundle.py): change the ranking there and rebuild the site. What this file holds is the
 * structure; tests/test_browser_search.py checks that it ranks as the server does, given the same
 * query vectors. No imports (the stemmer, the page's query condenser and its typo reading are passed in): it runs in a
 * browser and in Node.
 */

// \p{Nd}: every decimal digit, as Python's \d in util/text.py (Arabic-Indic, Devanagari, ...), not only 0-9
const WORD = /[A-Za-z][A-Za-z0-9_']*|\p{Nd}+[A-Za-z]*/gu;
/* util.text.CJK: Han, Hiragana, Katakana and Hangul letters, whose runs are read as two-character pieces */
const CJK = "\\u1100-\\u115e\\u1161-\\u11ff\\u3005-\\u3007\\u3041-\\u3096\\u309d-\\u309f\\u30a1-\\u30fa\\u30fc-\\u30ff\\u3131-\\u3163" +
  "\\u3165-\\u318e\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\ua960-\\ua97c\\uac00-\\ud7a3\\ud7b0-\\ud7fb\\uf900-\\ufaff" +
  "\\uff66-\\uff9d\\uffa1-\\uffdc\\u{20000}-\\u{3134f}";
const CJK_RUN = new RegExp(`^[${CJK}]`, "u");
/* util.text._UWORD, for text that is not ASCII: Unicode's letters. Python's \w is \p{L}, \p{N} and "_" (no marks),
   its \d \p{Nd}: a letter is \p{L}, \p{Nl} or \p{No}, and not CJK; after it any of \w but CJK, or "'" */
const LETTER = `(?:(?![${CJK}])[\\p{L}\\p{Nl}\\p{No}])`;
/* util.text.MARKS: the blocks of India's and South-East Asia's scripts but their punctuation and signs, within a word
   (their vowel signs are combining marks, which \p{L} is not: "डिस्क" was "ड", "स", "क"). The same ranges as
   Python's, not \p{M}: Python's re has no \p, and the two read the same words. */
const MARKS = "\\u0900-\\u0963\\u0966-\\u096f\\u0971-\\u09f1\\u09f4-\\u09f9\\u09fc\\u09fe-\\u0a75\\u0a77-\\u0aef\\u0af2-\\u0b6f" +
  "\\u0b71-\\u0bf2\\u0bfb-\\u0c76\\u0c78-\\u0c7e\\u0c80-\\u0c83\\u0c85-\\u0d4e\\u0d50-\\u0d78\\u0d7a-\\u0df3\\u0df5-\\u0dff" +
  "\\u0e00-\\u0e3e\\u0e40-\\u0e4e\\u0e50-\\u0e59\\u0e5c-\\u0eff\\u1000-\\u1049\\u1050-\\u109d\\u1780-\\u17d3\\u17d7\\u17dc-\\u17ff";
const UWORD = new RegExp(`${LETTER}(?:(?![${CJK}])[\\p{L}\\p{N}_'${MARKS}])*|\\p{Nd}+${LETTER}*|[${CJK}]+`, "gu");
const ASCII = /^[\x00-\x7f]*$/;
/* util.text._POSSESSIVE: "’s" at a word's end, read as the word alone (as "'s" is); \w as Python's: \p{L}, \p{N}, "_" */
const POSSESSIVE = /([\p{L}\p{N}_])\u2019[sS](?![\p{L}\p{N}_])/gu;

/* util.text._pieces: a run of CJK letters as its overlapping two-character pieces, or the one character (code points) */
function pieces(run) {
  const cs = Array.from(run);
  if (cs.length === 1) return cs;
  const out = [];
  for (let i = 0; i + 1 < cs.length; i++) out.push(cs[i] + cs[i + 1]);
  return out;
}

/* util.text.is_cjk */
export function isCjk(w) { return CJK_RUN.test(w); }
/* util.text._CAMEL, whose lookbehinds Safari < 16.4 cannot parse (this module would not load, the ranker lost):
 * the character before each split is matched instead and put back with a blank after it. Each match is that
 * one character, so the next split point's own character is still unread and no split is missed. No
 * lookbehind in this file (tests/test_browser_search.py). */
const CAMEL = /[a-z0-9](?=[A-Z])|[A-Z](?=[A-Z][a-z])/g;
const IDENT = /[A-Za-z0-9][A-Za-z0-9_.:/-]*[A-Za-z0-9]/g;

/* util.text.NAME_WORDS, CAMEL_CASE and _NAME: an alert name's words (an acronym whole: KVMUp is KVM, Up), what marks a
   name as CamelCase (HostOutOfMemory, NTPDown), and a run of letters, digits and "_" */
const NAME_WORDS = /[A-Z]*[a-z]*[0-9]+[a-z]*(?![a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;
const CAMEL_CASE = /[a-z][A-Z]|[A-Z]{3}(?:[a-z]{2}|[a-rt-z])/;
const NAME = /[A-Za-z0-9_]+/g;

/* util.text.camel_names: the CamelCase names of a text as written */
export function camelNames(text) {
  return (String(text).match(NAME) || []).filter((t) => /^[A-Za-z]/.test(t) && !t.includes("_") && CAMEL_CASE.test(t));
}

/* util.text.with_name_words: the text with each CamelCase name whose lower-cased form keep (a Set) does not hold
   written as its words ("HostOutOfMemory" as "Host Out Of Memory") */
export function withNameWords(text, keep) {
  const names = new Set(camelNames(text));
  if (!names.size) return String(text);
  return String(text).replace(NAME, (t) => (names.has(t) && !keep.has(t.toLowerCase()) ? t.match(NAME_WORDS).join(" ") : t));
}

/* util.text.compatible: NFKC, full-width "ＤＩＳＫ ＦＵＬＬ" and mathematical bold "𝐝𝐢𝐬𝐤" as "DISK FULL", "disk" */
export function compatible(text) {
  const t = String(text);
  return ASCII.test(t) ? t : t.normalize("NFKC");
}

/* util.text.words: lowercase words, CamelCase and snake_case split, the whole identifier kept too. */
export function words(text) {
  const out = [];
  const t = String(text), ascii = ASCII.test(t);
  /* NFKC, as util.text.words: "ü" written as u and a combining mark, full-width "ＡＰＩ" */
  const n = ascii ? t : t.normalize("NFKC");
  for (let raw of (ascii ? t.match(WORD) : (n.includes("\u2019") ? n.replace(POSSESSIVE, "$1") : n).match(UWORD)) || []) {
    if (!ascii && CJK_RUN.test(raw)) { out.push(...pieces(raw)); continue; }
    if (raw.length > 2 && (raw.endsWith("'s") || raw.endsWith("'S"))) raw = raw.slice(0, -2);  /* a possessive: the word alone */
    const parts = raw.replace(CAMEL, "$& ").replace(/ /g, "_").split(/[_']/).filter(Boolean);
    for (const p of parts) out.push(p.toLowerCase());
    if (parts.length > 1) out.push(raw.toLowerCase().replace(/'/g, ""));
  }
  return out;
}

/* Python's str.isspace() characters: text of these only is blank to search.py (text.strip()). JS's trim and \s
 * differ: they leave NEL (U+0085) and the information separators U+001C-U+001F, and take U+FEFF. */
const PY_BLANK = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
export function blank(text) { return PY_BLANK.test(String(text)); }
const PY_SPACES = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;  /* str.split() */

function strip(s, chars) {
  let a = 0, b = s.length;
  while (a < b && chars.includes(s[a])) a++;
  while (b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/* util.text.normalise_signal: lowercase, numbers masked, whitespace folded. */
export function normaliseSignal(text) {
  return strip(String(text).toLowerCase().replace(/\p{Nd}+/gu, "#").replace(/\s+/g, " "), " .");
}

/* util.text.numbers_at: [normaliseSignal(text), Map(where each masked number's "#" is in it -> its digits)] */
export function numbersAt(text) {
  const keep = strip(String(text).toLowerCase().replace(/\s+/g, " "), " .");
  const runs = new Map();
  let norm = "", at = 0;
  for (const m of keep.matchAll(/\p{Nd}+/gu)) {
    norm += keep.slice(at, m.index);
    runs.set(norm.length, m[0]);
    norm += "#";
    at = m.index + m[0].length;
  }
  return [norm + keep.slice(at), runs];
}

/* util.text._HEX_VALUE: a UUID, a trace or commit id (a long hex run with a digit), an address (a hex literal
 * over 32 bits) is a value, not a name */
const HEX_VALUE = /^(?=[0-9a-f-]*[0-9])(?:[0-9a-f]{8,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|0x[0-9a-f]{9,})$/;
/* util.text.STATUS_CODE and _MEASURE_AFTER: the one bare number a query's identifiers keep, an HTTP status
 * not followed by a unit ("got 429", not "200 ms") */
const STATUS_CODE = /^[1-5][0-9][0-9]$/;
const MEASURE_AFTER = /[ \t]*(?:ms|millis\w*|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|%|[kmgt]i?b|bytes|req\w*|\/s)(?!\w)/iy;

/* util.text.identifiers (a query's: the signals' come from the bundle): alert names, error codes, metric
 * names as written (lowercased); never a bare value (no letter: "14", "10.0.0.7:5432"; a long hex id)
 * but an HTTP status. */
export function identifiers(text) {
  const out = new Set();
  const t = String(text);
  for (const m of t.matchAll(IDENT)) {
    const tok = m[0];
    if (!/[A-Za-z]/.test(tok)) {
      MEASURE_AFTER.lastIndex = m.index + tok.length;
      if (STATUS_CODE.test(tok) && !MEASURE_AFTER.test(t)) out.add(tok);
      continue;
    }
    const innerCase = /[A-Z]/.test(tok.slice(1)) && /[a-z]/.test(tok);
    const upper = /[A-Z]/.test(tok) && !/[a-z]/.test(tok);
    const code = /\d/.test(tok) || tok.includes("_") || (upper && tok.length >= 4);
    if (innerCase || code || (tok.includes(".") && !tok.includes("/") && tok.length > 6)) {
      const ident = strip(tok.toLowerCase(), ".:");
      if (!HEX_VALUE.test(ident)) out.add(ident);
    }
  }
  return out;
}

/* embed.whole_words: of a tokenizer's tokens, the words of lowercase ASCII letters (no "##" piece, no [CLS]) */
export function wholeWords(tokens) {
  const out = new Set();
  for (const t of tokens) if (/^[a-z]+$/.test(t)) out.add(t);
  return out;
}

function zscores(x) {
  const n = x.length, out = new Float64Array(n);
  if (n < 2) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) * (x[i] - mean);
  const sd = Math.sqrt(v / n);
  if (sd <= 1e-9) return out;
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) / sd;
  return out;
}

/* utf8.clean: each lone surrogate replaced by U+FFFD. A pair is matched first and kept, so what is left of a
   surrogate is lone (as recur-query.js does; no lookbehind, see CAMEL). */
const SURROGATE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;
export function wellFormed(s) {
  return s.replace(SURROGATE, (c) => (c.length === 2 ? c : "\uFFFD"));
}

/* s[:n] in Python's terms: the first n code points of a well-formed string */
export function headCodePoints(s, n) {
  if (s.length <= n) return s;  /* n units hold at most n code points */
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) i += s.codePointAt(i) > 0xffff ? 2 : 1;
  return s.slice(0, i);
}

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

/* IEEE half-precision bits (index.bin's view vectors) to float32: through a table of all 65,536 (256 KB,
   made once), each value as the formula gives it. The formula per element took 203 ms of the first
   question at 1,000 patterns (15,241 views x 384); a table lookup is the same float32, bit for bit. */
let HALF = null;
function halfTable() {
  const t = new Float32Array(65536);
  for (let x = 0; x < 65536; x++) {
    const sign = x & 0x8000 ? -1 : 1, e = (x >> 10) & 0x1f, m = x & 0x3ff;
    t[x] = e === 0 ? sign * m * 2 ** -24 : e === 31 ? (m ? NaN : sign * Infinity) : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
}
export function halfToFloat(h) {
  const t = HALF || (HALF = halfTable()), out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = t[h[i]];
  return out;
}

/* search.named_by_signal: a pattern's signal matches ([score, why entries, verbatim, coded] or undefined) name it: one of
   its why entries is a signal no other pattern lists (no `patterns`) or, listed by others too, no status line
   (statusLines: their raw texts) */
function namedBySignal(found, statusLines) {
  return Boolean(found) && found[0] > 0 && found[1].some((w) => !("patterns" in w) || !statusLines.has(w.text));
}

/* calibrate.said_capped (search._said_capped), in place: a question of one word BM25 reads, bare ("redis") or with more
   ("401 from stripe"), each result at most cap unless a signal names it or, with no status line several patterns list in the
   question, the word is one of its title or id (nameWord) or its title is the nearest of the candidates' */
function saidCapped(fitted, pool, comp, cidx, sig, statusLines, cap, nameWord) {
  const named = cidx.map((c) => namedBySignal(sig.get(c), statusLines));
  const sharedStatus = cidx.some((c, j) => sig.has(c) && sig.get(c)[0] > 0 && !named[j]);
  let titleMax = -Infinity;
  for (const t of comp.title) titleMax = Math.max(titleMax, t);
  pool.forEach((j, r) => {
    if (!named[j] && (sharedStatus || (comp.title[j] < titleMax && !nameWord(cidx[j])))) fitted[r] = Math.min(fitted[r], cap);
  });
}

/* search._import_drafts_after: the order of probs (indexes) with each draft (isDraft, per result: an import's
   or a person's, search.unreviewed) rated at most cap and moved down past the results under it that are not drafts and are
   rated at least as likely right (none when probabilities are null); and the probabilities, capped. */
/* search._part_words: runs of ASCII letters and digits, lowercased */
function partWords(text) { return String(text).toLowerCase().match(/[a-z0-9]+/g) || []; }

/* search._lone: the tokens a code may be written as (split at all but -_#./+, their ends' .-/+ trimmed: no 137 in
   PRB-137) */
function loneTokens(text) {
  return new Set(String(text).toLowerCase().split(/[^a-z0-9_#./+-]+/).map((t) => t.replace(/^[.\-/+]+|[.\-/+]+$/g, "")).filter(Boolean));
}

/* search.question_part: [partWords joined by and around with spaces, them as a Set, how many, loneTokens, the part
   words that are no stop word], and the negations (util.text.NEGATIONS, search._code_beside reads) */
function questionPart(text, stop, negations) {
  const said = partWords(text);
  const content = new Set(said.filter((w) => !stop.has(w)));
  return [` ${said.join(" ")} `, new Set(said), said.length, loneTokens(text), content, negations];
}

/* search._code_words: the words a question must hold beside a code: for a number the signal's word before it, for an
   errno's name any other word of the signal */
const EXIT_WORDS = ["exit", "exited"];  /* search.EXIT_WORDS */
function codeWords(signalWords, code) {
  if (!/^[0-9]+$/.test(code)) return new Set(signalWords.filter((w) => w !== code));
  const out = new Set(signalWords.flatMap((w, i) => (i > 0 && w === code ? [signalWords[i - 1]] : [])));
  /* an exit code said short, "exit 137" for "Exit Code: 137" (before the code only: codeBeside) */
  if (signalWords.some((w, i) => w === code && i > 1 && ["code", "status"].includes(signalWords[i - 1])
      && EXIT_WORDS.includes(signalWords[i - 2]))) EXIT_WORDS.forEach((w) => out.add(w));
  return out;
}

/* search._code_beside: an errno's name as a token of its own with one of its codeWords anywhere; a number as a token
   of its own, or joined to one of them by a hyphen, next to one of them; neither just after a negation */
function codeBeside(code, codeWords, said, lone, content, negations) {
  const number = /^[0-9]+$/.test(code);
  if (!lone.has(code) && !(number && [...codeWords].some((w) => lone.has(`${w}-${code}`)))) return false;
  return said.some((w, i) => {
    if (w !== code) return false;
    const after = codeWords.has(said[i + 1]) && !EXIT_WORDS.includes(said[i + 1]);  /* "ticket 137 exit": none */
    const start = !number ? i : codeWords.has(said[i - 1]) ? i - 1 : after ? i : -1;
    if (start < 0 || (start > 0 && negations.has(said[start - 1]))) return false;
    return number || [...codeWords].some((c) => content.has(c));
  });
}

/* search._part_match: the code (the bundle's, search.part_codes) by which a question (part: questionPart) names the
   signal, or null: a question that is a part of it, or a short one (signal_match.code_question_words) writing the code
   beside its codeWords (codeBeside); a code only with another word of the question's */
function partMatch(s, [joined, said, nSaid, lone, content, negations], maxWords) {
  const shared = [...s.codes].filter((c) => said.has(c) && nSaid > 1).sort();
  if (!shared.length) return null;
  const signalWords = partWords(s.raw);
  if (` ${signalWords.join(" ")} `.includes(joined)) return shared[0];
  if (nSaid > maxWords) return null;
  const saidWords = joined.trim().split(" ");
  return shared.find((c) => codeBeside(c, codeWords(signalWords, c), saidWords, lone, content, negations)) || null;
}

/* search._signal_match: [score, how, the shared identifier or null, how many patterns list it] or null */
function signalMatch(s, m, normQ, qWords, qIds, qNegates, qNumbers, said, part) {
  let contradicted = contradicts(s.kinds, said);
  if (s.norm.length >= m.exact_min_chars && normQ.includes(s.norm)) {
    if (!s.pins.length || foundWhole(s.norm, s.pins, normQ, qNumbers)) return [m.exact, "exact", null, s.share];
    contradicted = true;  /* its text with another status or errno: no evidence by its words either */
  }
  const shared = [...s.ids].filter((i) => qIds.has(i) && s.strong.has(i)).sort();
  if (shared.length) {
    const ident = shared.reduce((a, b) => (s.strong.get(b) < s.strong.get(a) ? b : a));
    return [m.identifier, "identifier", ident, s.strong.get(ident)];
  }
  if (contradicted) return null;
  const code = s.codes.size ? partMatch(s, part, m.code_question_words) : null;
  if (code) return [m.identifier, "code", code, 1];  /* said an identifier in the why; its pattern first (CODE_FIRST) */
  const context = [...s.ids].filter((i) => qIds.has(i)).sort();
  if (context.length && s.rest.size && [...s.rest].filter((t) => qWords.has(t)).length >= m.words_share * s.rest.size)
    return [m.identifier, "identifier", context[0], s.share];
  if (s.negated && !qNegates) return null;  /* a signal that negates, by its words only in a text that negates */
  const n = [...s.toks].filter((t) => qWords.has(t)).length;
  if (s.toks.size >= m.words_min && n >= m.words_share * s.toks.size) return [m.words * n / s.toks.size, "words", null, s.share];
  return null;
}

/* util.text.pinned_kinds: [k, digits, kind] for each number of text that is an HTTP status written as one ("status"),
   an errno ("errno") or an exit code ("exit"), its k-th run of digits. Python's lookbehinds (_STATUS_BEFORE,
   _ERRNO_BEFORE) as a check of the character before each place the word may start: no lookbehind in this file. */
const STATUS_WORD = /(?:http|status|statuscode|status_code|code|codes|error)[^A-Za-z0-9_]{0,4}$/iy;
const STATUS_WORD_CASED = /(?:Http|HTTP|Status|Code|Codes|Error)[^A-Za-z0-9_]{0,4}$/y;
const ERRNO_WORD = /(?:(errno)|exit[ _-]?(?:code|status)|exited with (?:code|status))[^A-Za-z0-9_]{0,4}$/iy;
const ALNUM = /[A-Za-z0-9]/, LOWER_OR_DIGIT = /[a-z0-9]/;
function wordBefore(text, end, span, re, cased) {
  const before = text.slice(0, end);
  for (let i = Math.max(0, end - span); i < end; i++) {
    const prev = i > 0 ? before[i - 1] : "";
    re.lastIndex = i;
    const m = !ALNUM.test(prev) && re.exec(before);
    if (m) return m;
    STATUS_WORD_CASED.lastIndex = i;
    if (cased && LOWER_OR_DIGIT.test(prev) && STATUS_WORD_CASED.exec(before)) return [""];
  }
  return null;
}
export function pinnedKinds(text) {
  const t = String(text), kinds = new Map();
  for (const m of t.matchAll(IDENT))
    if (STATUS_CODE.test(m[0]) && wordBefore(t, m.index, 16, STATUS_WORD, true) && !noStatus(t, m.index, m.index + m[0].length))
      kinds.set(m.index, "status");
  const runs = [...t.matchAll(/\p{Nd}+/gu)];
  for (const m of runs) {
    const end = m.index + m[0].length;
    PAREN_CODE_AFTER.lastIndex = end;
    if (t[m.index - 1] === "(" && PAREN_CODE_AFTER.test(t)) { kinds.set(m.index, "errno"); continue; }
    const said = wordBefore(t, m.index, 24, ERRNO_WORD, false);
    if (said) kinds.set(m.index, said[1] ? "errno" : "exit");
  }
  /* a number after "-" is none of them: a resolver's errno ([Errno -2], [Errno -3]) */
  return runs.flatMap((m, k) => (kinds.has(m.index) && t[m.index - 1] !== "-" ? [[k, m[0], kinds.get(m.index)]] : []));
}
/* util.text.pin_value: what of a pinned number a text must say the same, an HTTP status's class ("5xx"), else its digits */
function pinValue(kind, digits) { return kind === "status" && digits.length === 3 ? `${digits[0]}xx` : digits; }
const PAREN_CODE_AFTER = /:[ \t]*[A-Za-z]/y;
/* util.text._no_status: Spring Boot's pid after its level ("ERROR 312 --- [main] ..."), a count after "ERROR:" or a
   line's "error:" is no status; the same 24 characters read before the number */
const SPRING_PID_AFTER = /[ \t]+---/y;
const LEVEL_COLON_BEFORE = /ERROR:[ \t]*$|(?:^|\n)[ \t]*[Ee][Rr][Rr][Oo][Rr]:[ \t]*$/;
function noStatus(text, start, end) {
  SPRING_PID_AFTER.lastIndex = end;
  return SPRING_PID_AFTER.test(text) || LEVEL_COLON_BEFORE.test(text.slice(Math.max(0, start - 24), start));
}

/* search.said_numbers: [the kinds of number text writes as a status, an errno or an exit code; every number in it and
   its class as a status] */
function saidNumbers(text) {
  const said = pinnedKinds(text);
  if (!said.length) return [new Set(), new Set()];
  const numbers = String(text).match(/\p{Nd}+/gu);
  return [new Set(said.map(([, , kind]) => kind)), new Set([...numbers, ...numbers.map((n) => pinValue("status", n))])];
}
/* search._contradicted: text (saidNumbers) writes a number of the kind a signal pins ([kind, pinValue]) and not its own */
function contradicts(pins, [kinds, numbers]) {
  return pins.some(([kind, digits]) => kinds.has(kind) && !numbers.has(digits));
}

/* search._pin_offsets: the numbers a signal pins (the bundle's [k, digits, kind], util.text.pinned_kinds: its k-th
   number) as [where its "#" is in the signal's normalised text, kind, pinValue] */
function pinOffsets(raw, pinned) {
  if (!pinned.length) return [];
  const at = [...numbersAt(raw)[1].keys()];
  return pinned.map(([k, digits, kind]) => [at[k], kind, pinValue(kind, digits)]);
}

/* search._found_whole: the signal's normalised text in the query's with the numbers it pins ([where its "#" is, kind,
   pinValue]) the same there (qNumbers: numbersAt's map; a status of the same class), at one place at least */
function foundWhole(norm, pins, normQ, qNumbers) {
  for (let at = normQ.indexOf(norm); at >= 0; at = normQ.indexOf(norm, at + 1))
    if (pins.every(([off, kind, value]) => pinValue(kind, qNumbers.get(at + off) || "") === value)) return true;
  return false;
}

/* search.as_written: an identifier (lowercased) as the signal writes it */
function asWritten(raw, ident) {
  const at = raw.toLowerCase().indexOf(ident);
  return at >= 0 ? raw.slice(at, at + ident.length) : ident;
}

/* search.unreviewed: a draft, whether recur import wrote it or a person did */
function unreviewed(doc) { return Boolean(doc.import_draft) || doc.status === "draft"; }

function importDraftsAfter(probs, isDraft, cap) {
  const capped = probs.map((p, i) => (p === null || !isDraft[i] ? p : Math.min(p, cap)));
  const at = probs.map((p, i) => i);
  for (let k = at.length - 1; k >= 0; k--) {  /* the lowest first: each sinks past reviewed ones */
    if (!isDraft[k]) continue;
    let pos = at.indexOf(k);
    while (pos + 1 < at.length && capped[k] !== null) {
      const nxt = at[pos + 1];
      if (isDraft[nxt] || capped[nxt] === null || capped[nxt] < capped[k]) break;
      at[pos] = nxt; at[pos + 1] = k; pos++;
    }
  }
  return [at, capped];
}

/* search._held_first: each result ``ruled`` says (moved up by CODE_FIRST or SAID_WHOLE) after the results after it
   rated at a higher confidence than its own (level: 0 low, 1 medium, 2 high), before the others, and rated at least as
   likely right as every result after it (those are of its confidence or lower: its confidence is unchanged); as they
   are when uncalibrated (null) */
function heldFirst(order, probs, ruled, level) {
  if (!ruled.some(Boolean) || probs.some((p) => p === null)) return [order, probs];
  const lv = probs.map(level);
  let at = order.map((j, i) => i);
  for (let k = ruled.length - 1; k >= 0; k--) {  /* the lowest first, as importDraftsAfter */
    if (!ruled[k]) continue;
    const pos = at.indexOf(k), tail = at.slice(pos + 1);
    at = [...at.slice(0, pos), ...tail.filter((i) => lv[i] > lv[k]), k, ...tail.filter((i) => lv[i] <= lv[k])];
  }
  const held = at.map((i) => probs[i]);
  let below = 0;
  for (let i = at.length - 1; i >= 0; i--) {
    if (ruled[at[i]]) held[i] = Math.max(held[i], below);
    below = Math.max(below, held[i]);
  }
  return [at.map((i) => order[i]), held];
}

/* search._rule_of: the rule (search.RULES) that moved a result up, or null: found, its signal match ([score, why,
   verbatim, coded]); pinned, a runbook link's or an id's pin of it (only ids are pinned in the browser) */
function ruleOf(found, pinned, said, wordless) {
  const [score, , verbatim, coded] = found || [0, [], false, false];
  if (pinned) return "id_pin";
  return verbatim ? "verbatim" : coded ? "code_first" : said ? "said_whole" : wordless && score > 0 ? "wordless" : null;
}

/* search._named_id: a query word as the pattern id it may be (trimmed, lowercased; a URL's last segment) */
const ID_TRIM = "`'\"<>()[]{},;:.!?*";
export function namedId(word) {
  let tok = strip(word, ID_TRIM).toLowerCase();
  if (tok.includes("/")) {
    /* rstrip("/") by strip, a "/" at a time (its leading ones off too: the last segment is the same): /\/+$/ tried
       its end at each "/" of a run inside the word and read the run on from there, a word of 20,000 "/" took 1.5 s
       (tests/test_browser_search.py) */
    tok = strip(tok.split(/[?#]/)[0], "/");
    tok = tok.slice(tok.lastIndexOf("/") + 1).replace(/\.(html?|md)$/, "");
  }
  return tok;
}

/* difflib.SequenceMatcher(None, a, b).ratio() for short strings (under 200 characters, where difflib's autojunk
   leaves every character in): 2 * matched / (len(a) + len(b)), matched by find_longest_match's leftmost longest
   block, then the same on the pieces to its left and right. */
function seqRatio(a, b) {
  const b2j = new Map();
  for (let j = 0; j < b.length; j++) { if (!b2j.has(b[j])) b2j.set(b[j], []); b2j.get(b[j]).push(j); }
  const longest = (alo, ahi, blo, bhi) => {
    let besti = alo, bestj = blo, bestsize = 0, j2len = new Map();
    for (let i = alo; i < ahi; i++) {
      const next = new Map();
      for (const j of b2j.get(a[i]) || []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
      }
      j2len = next;
    }
    return [besti, bestj, bestsize];
  };
  let matched = 0;
  const queue = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop();
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (!k) continue;
    matched += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return a.length + b.length ? (2 * matched) / (a.length + b.length) : 1;
}

/* util.text.close_names / close_ids' key: case, "_" and " " as "-" (ids are ASCII: casefold is lowercase) */
const idKey = (x) => String(x).toLowerCase().replace(/_/g, "-").replace(/ /g, "-");

/* util.text.close_names: the one differing only in case or "_"/" " first, then difflib.get_close_matches (its
   best n at cutoff or more, the higher ratio first, a tie the greater string first as heapq.nlargest has it) */
function closeNames(name, names, n = 3, cutoff = 0.75) {
  const by = new Map();
  for (const x of [...names].sort()) if (!by.has(idKey(x))) by.set(idKey(x), x);
  const typed = idKey(name);
  const same = by.has(typed) ? [by.get(typed)] : [];
  const scored = [];
  for (const k of by.keys()) {
    const r = seqRatio(k, typed);
    if (r >= cutoff) scored.push([r, k]);
  }
  scored.sort((p, q) => q[0] - p[0] || (q[1] > p[1] ? 1 : q[1] < p[1] ? -1 : 0));
  const close = scored.slice(0, n).map(([, k]) => by.get(k));
  return [...new Set([...same, ...close])].slice(0, n);
}

/* util.text.close_ids: close_names, then the ids ``name`` shortens (starts, at 3 characters or more, or a run of
   whole words), the shortest first */
export function closeIds(name, ids, n = 3, cutoff = 0.75) {
  const typed = strip(idKey(name), "-"), words = typed.split("-").filter(Boolean);
  const longer = [];
  const sorted = [...ids].sort((p, q) => p.length - q.length || (p < q ? -1 : p > q ? 1 : 0));
  for (const x of sorted) {
    const have = idKey(x).split("-").filter(Boolean);
    const starts = typed.length >= 3 && idKey(x).startsWith(typed);
    let runs = false;
    for (let i = 0; words.length && i + words.length <= have.length && !runs; i++) {
      runs = words.every((w, k) => have[i + k] === w);
    }
    if (idKey(x) !== typed && (starts || runs)) longer.push(x);
  }
  return [...new Set([...closeNames(name, ids, n, cutoff), ...longer])].slice(0, n);
}

/* retrieval.patterns.meant_ids: the one id of ``ids`` an id-shaped text (neither an id in use nor a ``retired`` one)
   is close to; [] when none or several are: the answer's ``meant`` ("disk-ful": ["disk-full"]) */
const ID_SHAPED = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
const PY_STRIP = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
export function meantIds(text, ids, retired = new Set()) {
  const t = strip(String(text), PY_STRIP);
  if (!ID_SHAPED.test(t) || ids.includes(t) || retired.has(t)) return [];
  const close = closeIds(t, ids);
  return close.length === 1 ? close : [];
}

/* search._verbatim_first: order and probs with the results ``first`` says (per result) first, in their order, each
   with a probability of at least floor; for a specific signal found whole, and for a pinned result (named_pattern) */
function verbatimFirst(order, probs, first, floor) {
  const moved = order.map((j, r) => r).sort((a, b) => (first[a] ? 0 : 1) - (first[b] ? 0 : 1) || a - b);
  return [moved.map((r) => order[r]), moved.map((r) => (probs[r] === null || !first[r] ? probs[r] : Math.max(probs[r], floor)))];
}

export class Ranker {
  /* index: index.json; bin: index.bin (ArrayBuffer); params: bundle.json "params"; stem: a Snowball
     English stemmer (word -> stem) for query words the index's stem table lacks (the site passes the
     vendored porter2; without one, such a word adds nothing to BM25). */
  /* prepare: RecurQuery.prepare of assets/recur-query.js (the page's, or imported in Node) */
  /* Typos: RecurQuery.Typos of the same script, the page's typo reading (by default the one loaded, as prepare is) */
  constructor(index, bin, params, stem = null, prepare = null, Typos = globalThis.RecurQuery && globalThis.RecurQuery.Typos) {
    if (typeof prepare !== "function") throw new Error("Ranker: give it RecurQuery.prepare (assets/recur-query.js)");
    if (typeof Typos !== "function") throw new Error("Ranker: give it RecurQuery.Typos (assets/recur-query.js)");
    this.prepare = prepare;
    this.p = params;
    this.stop = new Set(params.stopwords);
    /* search.WHY_COMMON: common verbs and fillers ("says", "show") are no evidence, left out of the why alone
       (lexicalWhy); built once, not for each result */
    this.whyCommon = new Set((params.why && params.why.common) || []);
    this.ids = index.ids;
    this.idPos = new Map(this.ids.map((id, i) => [id.toLowerCase(), i]));
    this.successor = new Map();  /* a retired id -> its first successor in use (search.named_pattern) */
    for (const [old, found] of Object.entries(index.superseded_by || {})) {
      const next = found.find((id) => this.ids.includes(id));
      if (next !== undefined) this.successor.set(old.toLowerCase(), this.ids.indexOf(next));
    }
    this.retired = new Set(index.retired || []);  /* retired ids (manifest "retired"): no answer's meant */
    this.docs = index.docs;
    this.views = index.views;
    this.vocab = new Set(index.vocab);
    this.stems = index.stems;
    this.stemWord = stem;
    const arr = (name, Type) => {
      const a = index.arrays[name];
      return a ? new Type(bin, a.offset, a.length) : new Type(0);
    };
    this.vectors = halfToFloat(arr("vectors", Uint16Array));
    this.dim = this.views.length ? this.vectors.length / this.views.length : 0;
    this.bm25 = index.bm25 && index.bm25.vocab ? {
      vocab: new Map(index.bm25.vocab.map((t, i) => [t, i])), rows: index.bm25.rows, docs: index.bm25.docs,
      data: arr("bm25_data", Float32Array), indices: arr("bm25_indices", Int32Array), indptr: arr("bm25_indptr", Int32Array),
      nameTerms: (index.bm25.name_terms || []).map((ts) => new Set(ts))  /* search.Searcher.name_terms */
    } : null;
    const n = this.ids.length;
    this.rows = Array.from({ length: n }, () => []);
    this.views.forEach((v, r) => this.rows[v[0]].push(r));
    const first = (rows, kind) => { const r = rows.find((x) => this.views[x][1] === kind); return r === undefined ? rows[0] : r; };
    this.docRow = this.rows.map((rows) => first(rows, "doc"));
    this.titleRow = this.rows.map((rows) => first(rows, "title"));
    this.others = this.rows.map((rows, i) => rows.filter((r) => r !== this.docRow[i] && r !== this.titleRow[i]));
    this.lexOf = new Int32Array(n).fill(-1);  /* pattern -> BM25 row */
    if (this.bm25) this.bm25.rows.forEach((pidx, row) => { if (pidx >= 0) this.lexOf[pidx] = row; });
    this.signals = index.signals.map(([pidx, raw, norm, toks, ids, specific, strong, rest, share, negated, pinned, codes]) =>
      ({ pidx, raw, norm, toks: new Set(toks), ids: new Set(ids), specific: Boolean(specific),
         strong: new Map(strong || []), rest: new Set(rest || []), share: share || 1, negated: Boolean(negated),
         pins: pinOffsets(raw, pinned || []), kinds: (pinned || []).map(([, digits, kind]) => [kind, pinValue(kind, digits)]),
         codes: new Set(codes || []) }));
    /* Searcher.status_lines: an HTTP status (no letter) counts alone in them (signal_evidence's strong) */
    this.statusLines = new Set(this.signals.filter((s) => [...s.strong.keys()].some((i) => !/\p{L}/u.test(i)))
      .map((s) => s.raw));
    this.negations = new Set(params.negations);
    this.negatedNt = new RegExp(params.negated_nt, "i");
    this.hexRun = new RegExp(params.hex_run, "g");
    this.hexCode = new RegExp(params.hex_code, "g");
    this.signalsByWord = new Map();
    this.signalsAlways = [];
    this.signals.forEach((s, n) => {
      const keys = new Set([...s.toks, ...s.ids]);
      if (!keys.size) this.signalsAlways.push(n);
      for (const c of s.codes) keys.add(c);  /* a question of a code's number finds it ("ERROR 1040") */
      for (const k of keys) {
        if (!this.signalsByWord.has(k)) this.signalsByWord.set(k, []);
        this.signalsByWord.get(k).push(n);
      }
    });
    /* Searcher._index_said: every symptom and signal of said_whole.min_words words or more (stop words aside) */
    this.saidTexts = [];
    this.saidByWord = new Map();
    const signalsOf = new Map();
    for (const g of this.signals) signalsOf.set(g.pidx, [...(signalsOf.get(g.pidx) || []), g.raw]);
    this.docs.forEach((d, pidx) => {
      for (const text of [...(d.symptoms || []), ...(signalsOf.get(pidx) || [])]) {
        const said = new Set(words(text).filter((w) => !this.stop.has(w)));
        if (said.size < params.said_whole.min_words) continue;
        for (const w of said) {
          if (!this.saidByWord.has(w)) this.saidByWord.set(w, []);
          this.saidByWord.get(w).push(this.saidTexts.length);
        }
        this.saidTexts.push([pidx, said]);
      }
    });
    this.fieldWords = new Map();
    this.knownWords = new Set();  /* the model's whole words (wholeWords), set by the loader: none without one */
    this.reading = false;  /* search._READING: the typos read only while withReading(true, ...) runs */
    /* the typo reading itself is the page's (RecurQuery.Typos of assets/recur-query.js), which the box's word
       search reads by too: one copy. Over this index's words, its stems and the model's whole words. */
    this.typos = new Typos({
      words: this.vocab, stop: this.stop, p: params.typo, endings: params.typo_word_endings, never: params.typo_never || [],
      indexed: (w) => this.bm25.vocab.has(this.stemOf(w)), english: () => this.knownWords,
      targetStem: (w) => (Object.prototype.hasOwnProperty.call(this.stems, w) ? this.stems[w] : undefined),
    });
  }

  /* the BM25 stem of a word: the server's own for the KB's words and their inflections (the table), else porter2 */
  stemOf(w) {
    return Object.prototype.hasOwnProperty.call(this.stems, w) ? this.stems[w] : this.stemWord ? this.stemWord(w) : undefined;
  }

  /* Searcher.corrections: [typed (lowercased), the KB's word it is read as] for each typo (search.TYPO); none
     when the question has as many unknown words with no reading as with one (another language's) */
  corrections(text) {
    return this.bm25 ? this.typos.corrections(text) : [];
  }

  /* Searcher._read: the corrections while reading (withReading), else none: the text as typed */
  readNow(text) {
    return this.reading ? this.corrections(text) : [];
  }

  /* search.reading_typos: fn() run with the typos read or not */
  withReading(on, fn) {
    const was = this.reading;
    this.reading = on;
    try { return fn(); } finally { this.reading = was; }
  }

  /* engine._unsure: whether an answer as typed is to be ranked again with its typos read (its first result not
     high, and a typo to read) */
  wantsReading(text, typed) {
    return (!typed.results.length || typed.results[0].confidence !== "high") && this.corrections(text).length > 0;
  }

  /* engine._read_better: the answer with the typos read kept over the one as typed. With a credible result as
     typed, only the same first result more likely right; with none, a credible result or a first result more
     likely right */
  readBetter(typed, read) {
    if (!read.results.length) return false;
    if (!typed.results.length) return true;
    const [t, r] = [typed.results[0], read.results[0]];
    const surer = r.probability !== null && (t.probability === null || r.probability > t.probability);
    if (typed.credible) return r.id === t.id && surer;
    return read.credible > 0 || surer;
  }

  /* Searcher.read_typos: the text with each typo as the KB's word it is read as, what the model encodes */
  readTypos(text) {
    return this.bm25 ? this.typos.readTypos(text) : text;
  }

  /* Searcher.model_text: the text as the model reads it, each CamelCase name the KB never writes as its words */
  modelText(text) {
    return withNameWords(text, this.vocab);
  }

  /* Searcher._read_names: the CamelCase names the model reads as their words (modelText), lower-cased */
  readNames(text) {
    return new Set(camelNames(text).map((t) => t.toLowerCase()).filter((t) => !this.vocab.has(t)));
  }

  /* Searcher.focus_text: a long query cut down to the words the KB uses, else null. */
  focusText(text) {
    if (!this.vocab.size) return null;
    const all = words(text);
    if (all.length < this.p.focus_min_query_words) return null;
    const ws = all.filter((w) => !this.stop.has(w));
    const kept = ws.filter((w) => this.vocab.has(w));
    if (kept.length < this.p.min_focus_words || kept.length === ws.length) return null;
    return kept.join(" ");
  }

  /* the query text as the server reads it (retrieval.query.prepare, as Engine.answer_many): colour codes
   * out (util.text.strip_ansi, the same pattern), a lone surrogate as U+FFFD, a text over max_query_chars
   * condensed by the page's recur-query.js (given to the constructor), which counts characters as Python
   * does (code points), not UTF-16 units: an emoji is two units, and a pasted log with emoji lost its
   * tail, and with it the verdict. */
  clipQuery(text) {
    return this.readQuery(text).text;
  }

  /* clipQuery's text with all the page's prepare read of it (not_alert, what was condensed), for notSearched */
  readQuery(text) {
    const plain = String(text).includes("\x1b") ? String(text).replace(new RegExp(this.p.ansi, "g"), "") : String(text);
    const p = this.prepare(wellFormed(plain), this.p.max_query_chars);
    /* p.searched (RecurQuery.prepare's, query.Prepared.searched): what is ranked, Slack's markup out and NFKC; text, as
       typed, what is echoed */
    return p;
  }

  /* Engine.answer_many's answer to a text nothing of which is searched (query.Prepared.unsearched, RecurQuery.unsearched:
     a pasted SNS subscription confirmation, or nothing left once read, "\x85 \x1c" or an empty code fence), given
     readQuery's: not ranked, no result, no verdict (null) and the note saying why; null for a text to search. It was
     ranked as "" and answered no_known_pattern true, where the server answers null. */
  notSearched(read) {
    const why = globalThis.RecurQuery.unsearched(read);
    if (!why) return null;
    return { query: read.text, no_known_pattern: null, results: [], credible: 0, corrected: [], meant: [],
             borderline: false, edge: null, query_note: why };
  }

  similarities(q) {
    const nv = this.views.length, dim = this.dim, sims = new Float32Array(nv), v = this.vectors;
    for (let r = 0; r < nv; r++) {
      let s = 0;
      for (let k = 0, o = r * dim; k < dim; k++, o++) s += v[o] * q[k];
      sims[r] = s;
    }
    return sims;
  }

  /* util.text.bm25_words before its filter: hex values (HEX_RUN, the bundle's hex_run) are no words, a hex
     code of up to 32 bits (HEX_CODE, hex_code: 0x80004005) one word, lowercased */
  bm25Words(text) {
    const t = /\p{Nd}/u.test(text) ? String(text).replace(this.hexRun, "$1 ") : String(text);
    if (!t.includes("0")) return words(t);
    const out = [];
    let at = 0;
    for (const m of t.matchAll(this.hexCode)) {
      const start = m.index + m[1].length;
      out.push(...words(t.slice(at, start)), m[2].toLowerCase());
      at = start + m[2].length;
    }
    return out.concat(words(t.slice(at)));
  }

  /* BM25 per row (scores), the distinct query tokens each row's text has (terms; Searcher._one_word)
     and the query's distinct words (words; Searcher._query_terms), with those BM25 drops (said), and how many
     of them the KB knows (known: none, a wordless question). */
  lexical(text) {
    if (!this.bm25) return null;
    const b = this.bm25, scores = new Float32Array(b.rows.length), terms = new Float64Array(b.rows.length);
    const seen = new Set(), qwords = new Set(), all = new Set(), read = new Map(this.readNow(text));
    for (const w of this.bm25Words(text)) {
      all.add(w);  /* split_words: the words BM25 drops too (stop words, numbers) */
      /* one character (a code point, as Python's len) is no word, but a CJK one (util.text.bm25_words) */
      if (this.stop.has(w) || /^\p{Nd}+$/u.test(w) || (w.length <= 2 && Array.from(w).length <= 1 && !isCjk(w))) continue;
      qwords.add(w);
      /* the table first: the server's own stems for the KB's words and their inflections; a typo as the KB's word */
      const stem = this.stemOf(read.has(w) ? read.get(w) : w);
      const t = stem === undefined ? undefined : b.vocab.get(stem);
      if (t === undefined) continue;
      const first = !seen.has(t);  /* a repeated word adds to BM25 again, not to the distinct count */
      seen.add(t);
      for (let j = b.indptr[t]; j < b.indptr[t + 1]; j++) {
        scores[b.indices[j]] += b.data[j];
        if (first) terms[b.indices[j]] += 1;
      }
    }
    return { scores, terms, words: qwords.size, said: all.size, known: seen.size, seen };
  }

  /* Searcher._words_said: per row, whether it has more than half of the query's words (lex.words), a word as
     typed or as read when read as a word of the model's (aWord); other languages' function words never shared */
  wordsSaid(text, words) {
    const b = this.bm25, q = globalThis.RecurQuery, read = new Map(this.readNow(text));
    const other = q && q.OTHER_LANGUAGE_WORDS ? q.OTHER_LANGUAGE_WORDS : new Set();
    const shared = new Float64Array(b.rows.length), seen = new Set();
    for (const w of this.bm25Words(text)) {
      if (this.stop.has(w) || /^\p{Nd}+$/u.test(w) || (w.length <= 2 && Array.from(w).length <= 1 && !isCjk(w))) continue;
      if (other.has(w)) continue;
      const stem = this.stemOf(read.has(w) && this.typos.aWord(read.get(w)) ? read.get(w) : w);
      const t = stem === undefined ? undefined : b.vocab.get(stem);
      if (t === undefined || seen.has(t)) continue;
      seen.add(t);
      for (let j = b.indptr[t]; j < b.indptr[t + 1]; j++) shared[b.indices[j]] += 1;
    }
    return shared.map((x) => (x * 2 > words ? 1 : 0));
  }

  /* Searcher._unread: a text the model cannot read (calibrate.UNREAD_CAP): another script or language
     (RecurQuery's readings, as query.prepare's note), or most of its words no word of the model's tokenizer */
  unread(text) {
    const q = globalThis.RecurQuery, [least, share] = this.p.calibration.unread_words;
    if (q && (q.mostlyNonLatin(text) || q.mostlyOtherLanguage(text))) return true;
    /* a CamelCase name read as its words (modelText) is those words to the model, no unknown word of its own */
    const names = this.readNames(text);
    const ws = new Set(this.bm25Words(text).filter((w) => !this.stop.has(w) && !/^\p{Nd}+$/u.test(w)
      && (w.length > 2 || Array.from(w).length > 1 || isCjk(w)) && /^\p{L}+$/u.test(w) && !names.has(w)));
    if (!this.knownWords.size || !ws.size) return false;
    /* a typo read as a word of the model's is the model's, but not beside another language's function word */
    const other = this.bm25Words(text).some((w) => q && q.OTHER_LANGUAGE_WORDS.has(w) && !q.AMBIGUOUS_WORDS.has(w));
    const read = new Map(other ? [] : this.corrections(text).filter(([, r]) => this.typos.aWord(r)));
    let unknown = 0;
    for (const w of ws) if (!this.typos.aWord(w) && !read.has(w)) unknown += 1;
    return unknown >= least && unknown >= share * ws.size;
  }

  /* Searcher._signals: pattern index -> [score, why entries, a specific signal whole in the text] for
     signals found in the query. */
  signalMatches(text) {
    const m = this.p.signal_match;
    const [normQ, qNumbers] = numbersAt(text), said = saidNumbers(text);
    const qWords = new Set(words(text).filter((w) => !this.stop.has(w)));
    const qIds = identifiers(text);
    /* util.text.negates */
    const qNegates = this.negatedNt.test(text) || words(text).some((w) => this.negations.has(w));
    const part = questionPart(text, this.stop, this.negations);
    const near = new Set(this.signalsAlways);
    for (const key of new Set([...qWords, ...qIds])) for (const n of this.signalsByWord.get(key) || []) near.add(n);
    const found = new Map(), verbatim = new Set(), coded = new Set();
    for (const n of [...near].sort((a, b) => a - b)) {
      const s = this.signals[n];
      const hit = signalMatch(s, m, normQ, qWords, qIds, qNegates, qNumbers, said, part);
      if (!hit) continue;
      const [score, found0, ident, listed] = hit;
      if (found0 === "exact" && s.specific) verbatim.add(s.pidx);
      if (found0 === "code") coded.add(s.pidx);
      const how = found0 === "code" ? "identifier" : found0;  /* a code: said an identifier in the why */
      if (!found.has(s.pidx)) found.set(s.pidx, []);
      const why = found.get(s.pidx);
      if (why.every((w) => w.text !== s.raw)) {
        const entry = { field: "signal", text: s.raw, score: round(score, 3), match: how };
        if (ident) entry.identifier = asWritten(s.raw, ident);
        if (listed > 1) entry.patterns = listed;
        why.push(entry);
      }
    }
    const out = new Map();
    for (const [pidx, why] of found) {
      why.sort((a, b) => b.score - a.score);
      out.set(pidx, [why[0].score, why.slice(0, this.p.why.per_part), verbatim.has(pidx), coded.has(pidx)]);
    }
    return out;
  }

  /* Searcher._unlike: the signal views whose status, errno or exit code the text contradicts (it has one of that
     kind written as one and that view's number nowhere) set to params.unlike, in place */
  unlike(sims, text) {
    if (this.pinnedViews === undefined) {
      this.pinnedViews = new Map();
      this.views.forEach((v, r) => {
        const pins = v[1] === "signal" ? pinnedKinds(compatible(v[2])) : [];  /* the text as written: read NFKC */
        if (pins.length) this.pinnedViews.set(r, pins.map(([, digits, kind]) => [kind, pinValue(kind, digits)]));
      });
    }
    const said = this.pinnedViews.size ? saidNumbers(text) : [new Set(), new Set()];
    if (!said[0].size) return;
    for (const [r, pins] of this.pinnedViews) if (contradicts(pins, said)) sims[r] = this.p.unlike;
  }

  /* Searcher.said_whole: the one pattern (pidx) a short question holds (nearly) every word of a symptom or a signal
     of, or null (none, or several) */
  saidWhole(text) {
    const p = this.p.said_whole, q = new Set(words(text).filter((w) => !this.stop.has(w)));
    if (q.size > p.max_words) return null;
    const near = new Set(), found = new Set();
    for (const w of q) for (const n of this.saidByWord.get(w) || []) near.add(n);
    for (const n of near) {
      const [pidx, said] = this.saidTexts[n];
      const missing = [...said].filter((w) => !q.has(w)).length;
      if (missing <= (said.size >= p.missing_from ? 1 : 0)) found.add(pidx);
    }
    return found.size === 1 ? [...found][0] : null;
  }

  /* Searcher.search: ranked hits for text, given its vector q and its focus vector fq (or null). */
  search(text, q, fq, top) {
    if (!this.ids.length || blank(text)) return [];
    const sims = this.similarities(q);
    const cand = new Set();
    const k = Math.min(this.views.length, this.p.candidate_views);
    const order = Array.from(sims.keys());
    if (k < order.length) order.sort((a, b) => sims[b] - sims[a]);
    for (let i = 0; i < k; i++) cand.add(this.views[order[i]][0]);
    this.unlike(sims, text);  /* after the views nominated candidates, as search.py's faiss does before it */
    const lex = this.lexical(text);
    if (lex) {
      const ls = lex.scores;
      const lorder = Array.from(ls.keys()).sort((a, b) => ls[b] - ls[a]).slice(0, Math.max(top * 4, 50));
      for (const row of lorder) if (ls[row] > 0 && this.bm25.rows[row] >= 0) cand.add(this.bm25.rows[row]);
    }
    const sig = this.signalMatches(text);
    for (const pidx of sig.keys()) cand.add(pidx);
    const pin = this.namedPattern(text);  /* a query naming a pattern's id: that pattern first */
    if (pin) cand.add(pin.pidx);
    const cidx = [...cand].sort((a, b) => a - b);
    if (!cidx.length) return [];
    const saidPidx = this.saidWhole(text), said = saidPidx !== null && cand.has(saidPidx) ? saidPidx : null;

    const n = cidx.length, comp = {};
    comp.doc = cidx.map((c) => sims[this.docRow[c]]);
    comp.title = cidx.map((c) => sims[this.titleRow[c]]);
    comp.focus = fq ? cidx.map((c) => this.rowDot(this.docRow[c], fq)) : comp.doc;
    comp.best = cidx.map((c, j) => this.others[c].length ? Math.max(...this.others[c].map((r) => sims[r])) : comp.doc[j]);
    comp.bm25 = new Array(n).fill(0);
    comp.oneWord = new Array(n).fill(false);  /* calibrate zbm25_1: at most one word shared with the query */
    comp.solo = false;  /* calibrate best_1: a one-word query */
    comp.said = false;  /* calibrate title_1 and best_1s: a one-word query that says more ("github down") */
    comp.wordless = false;  /* no word the KB knows ("503", "429 Fehler"): its signals' patterns first (search.py) */
    if (lex) {  /* relative to the best candidate (Searcher._components) */
      comp.oneWord = cidx.map((c) => (this.lexOf[c] >= 0 ? lex.terms[this.lexOf[c]] : 0) <= 1);
      comp.solo = lex.words < 2;
      comp.said = comp.solo && lex.said >= 2;
      comp.wordless = lex.known === 0;
      const raw = cidx.map((c) => (this.lexOf[c] >= 0 ? lex.scores[this.lexOf[c]] : 0));
      let lexMax = 0;
      for (const x of raw) lexMax = Math.max(lexMax, x);
      if (!(lexMax > 0)) lexMax = 1;
      comp.bm25 = raw.map((x) => x / lexMax);
    }
    const fused = new Float64Array(n);
    for (const [name, w] of Object.entries(this.p.weights)) {
      const z = zscores(comp[name]);
      for (let j = 0; j < n; j++) fused[j] += w * z[j];
    }
    cidx.forEach((c, j) => { if (sig.has(c)) fused[j] += this.p.signal_bonus * sig.get(c)[0]; });
    const byScore = Array.from(fused.keys()).sort((a, b) => (fused[b] - fused[a]) || (cidx[a] - cidx[b]));
    /* search._verbatim_first: a specific signal found whole first, its probability at least the floor; every
       candidate is scored only then (one may move up from beyond top), else the top as before */
    const isVerbatim = (j) => Boolean(sig.has(cidx[j]) && sig.get(cidx[j])[2]);
    const bySignal = comp.wordless && [...sig.values()].some((v) => v[0] > 0);
    const pool = [...sig.values()].some((v) => v[2] || v[3]) || pin || bySignal || said !== null ? byScore : byScore.slice(0, top);
    const fitted = n >= this.p.calibration.min_candidates ? this.probabilities(byScore, pool, fused, comp, cidx, sig)
      : pool.map(() => null);
    if (fitted.length && fitted[0] !== null && this.unread(text)) {  /* calibrate.unread_capped */
      const cap = this.p.calibration.unread_cap, most = lex ? this.wordsSaid(text, lex.words) : null;
      pool.forEach((j, r) => {
        const saidMost = most !== null && this.lexOf[cidx[j]] >= 0 && most[this.lexOf[cidx[j]]] === 1;
        if (!saidMost && !isVerbatim(j)) fitted[r] = Math.min(fitted[r], cap);
      });
    }
    if (fitted.length && fitted[0] !== null && comp.solo) {  /* one word, bare ("redis") or with more ("redis down") */
      const nameWord = (c) => Boolean(lex && this.bm25.nameTerms[c] && [...lex.seen].some((t) => this.bm25.nameTerms[c].has(t)));
      saidCapped(fitted, pool, comp, cidx, sig, this.statusLines, this.p.calibration.said_cap, nameWord);
    }
    const found = (j) => sig.has(cidx[j]) && sig.get(cidx[j])[0] > 0;
    const [poolW, fittedW] = bySignal ? verbatimFirst(pool, fitted, pool.map(found), 0) : [pool, fitted];
    /* search.SAID_WHOLE: the pattern a short question holds a symptom or a signal of, first, its probability as it is */
    const [pool0, fitted0] = said !== null ? verbatimFirst(poolW, fittedW, poolW.map((j) => cidx[j] === said), 0) : [poolW, fittedW];
    /* search.CODE_FIRST: a code of a signal named, its pattern first (after a specific signal found whole) */
    const isCoded = (j) => Boolean(sig.has(cidx[j]) && sig.get(cidx[j])[3]);
    const [poolC, fittedC] = verbatimFirst(pool0, fitted0, pool0.map(isCoded), this.p.code_first.floor);
    /* search._held_first: that first never rated under a result after it, nor above one rated at a higher confidence */
    const [pool1, fitted1] = heldFirst(poolC, fittedC, poolC.map((j) => isCoded(j) || cidx[j] === said),
      (p) => this.level(p));
    const [moved, floored] = verbatimFirst(pool1, fitted1, pool1.map(isVerbatim), this.p.verbatim.floor);
    const isDraft = moved.map((j) => unreviewed(this.docs[cidx[j]]));
    const [at, probs0] = importDraftsAfter(floored, isDraft, this.p.import_draft.cap);
    let [order2, probs2] = [at.map((i) => moved[i]), at.map((i) => probs0[i])];
    if (pin) [order2, probs2] = verbatimFirst(order2, probs2, order2.map((j) => cidx[j] === pin.pidx), this.p.runbook_link.floor);
    const ranked = order2.slice(0, top), probs = probs2.slice(0, top);
    return ranked.map((j, r) => {
      const c = cidx[j];
      const [sscore, sigWhy] = sig.get(c) || [0, []];
      const psims = this.rows[c].map((r) => sims[r]);
      const matched = new Set(sigWhy.map((w) => w.text));  /* a signal found in the text: not again by meaning */
      const linked = Boolean(pin && pin.pidx === c);
      const first = linked ? [{ field: "id", text: pin.said, score: 1.0, match: "id" }] : [];
      const why = [...first, ...sigWhy, ...this.denseWhy(this.rows[c], psims, matched), ...this.lexicalWhy(c, text, comp.bm25[j])];
      /* Searcher.own_arr: the pattern's own views, without its linked incidents' (the rule's "high") */
      const own = psims.filter((x, i) => this.views[this.rows[c][i]][1] !== "incident");
      return { pidx: c, id: this.ids[c], score: fused[j], dense: comp.doc[j], lexical: comp.bm25[j], signal: sscore,
               why, best: Math.max(...psims), own: own.length ? Math.max(...own) : Math.max(...psims),
               probability: probs[r], draft: unreviewed(this.docs[c]), linked,
               /* search.CODE_FIRST: rated at least its floor by a rule the server applies too (Ranker.edge) */
               coded: Boolean(sig.has(c) && sig.get(c)[3]),
               /* the rule that moved it up (search.RULES), its probability the rule's where it raised it */
               rule: ruleOf(sig.get(c), linked, c === said, bySignal),
               /* the rule's caution only for a question of one_word_caution_words or more (search.py) */
               oneWord: comp.oneWord[j] && (lex ? lex.words : 0) >= this.p.one_word_caution_words,
               /* a signal match names it (search.named_by_signal): high by the rule only then */
               named: namedBySignal(sig.get(c), this.statusLines) };
    });
  }

  /* search.named_pattern: the pattern a short query names by its id, as {pidx, said}, or null */
  namedPattern(text) {
    const words = String(text).split(PY_SPACES).filter(Boolean);
    if (!words.length || words.length > this.p.id_pin.max_words) return null;
    const found = new Map();
    for (const word of words) {
      const tok = namedId(word), said = strip(word, ID_TRIM);
      if (this.idPos.has(tok)) {
        if (!found.has(this.idPos.get(tok))) found.set(this.idPos.get(tok), said);
      } else if (this.successor.has(tok)) {
        const p = this.successor.get(tok);
        if (!found.has(p)) found.set(p, `${said} (retired, superseded by ${this.ids[p]})`);
      }
    }
    if (found.size !== 1) return null;
    const [[pidx, said]] = found;
    return { pidx, said };
  }

  /* calibrate.features + calibrate.probability: P(right answer) for each shown result. */
  probabilities(order, ranked, fused, comp, cidx, sig) {
    const m = this.p.calibration.model, n = cidx.length;
    const best = cidx.map((c, j) => Math.max(comp.doc[j], comp.title[j], comp.best[j]));
    const zbest = zscores(best), zbm = zscores(comp.bm25);
    const f = order.map((j) => fused[j]);
    return ranked.map((j, r) => {
      const next = r + 1 < n ? f[r + 1] : f[n - 1];
      const x = [f[r], f[r] - f[0], f[r] - next, best[j], zbest[j], comp.bm25[j], zbm[j],
                 sig.has(cidx[j]) ? sig.get(cidx[j])[0] : 0, Math.log(r + 1), comp.oneWord[j] ? zbm[j] : 0,
                 comp.solo && !comp.said ? best[j] : 0,
                 !comp.said ? 0 : namedBySignal(sig.get(cidx[j]), this.statusLines) ? best[j] : comp.title[j],
                 comp.said ? best[j] : 0];
      let z = m.intercept;
      for (let k = 0; k < x.length; k++) {
        let zk = (x[k] - m.mean[k]) / m.scale[k];
        if (m.lo) zk = Math.min(Math.max(zk, m.lo[k]), m.hi[k]);  /* no extrapolation, as calibrate.probability */
        z += zk * m.coef[k];
      }
      return 1 / (1 + Math.exp(-z));
    });
  }

  rowDot(r, q) {
    let s = 0;
    for (let k = 0, o = r * this.dim; k < this.dim; k++, o++) s += this.vectors[o] * q[k];
    return s;
  }

  denseWhy(rows, psims, matched = new Set()) {
    const w = this.p.why, out = [];
    const order = Array.from(psims.keys()).sort((a, b) => psims[b] - psims[a]).slice(0, w.per_part + 2);
    for (const i of order) {
      const view = this.views[rows[i]];
      if (view[1] === "doc" || psims[i] < w.min_cosine) continue;
      if (view[1] === "signal" && matched.has(compatible(view[2]))) continue;  /* a signal is matched NFKC */
      out.push({ field: view[1], text: view[2].slice(0, w.text_chars), score: round(psims[i], 3), match: "meaning" });
    }
    return out.slice(0, w.per_part);
  }

  lexicalWhy(c, text, bm25) {
    const w = this.p.why;
    if (bm25 <= w.min_bm25) return [];
    let fields = this.fieldWords.get(c);
    if (!fields) {
      const d = this.docs[c];
      fields = new Set(words([d.title, ...(d.symptoms || []), ...(d.tags || [])].join(" ")));
      this.fieldWords.set(c, fields);
    }
    const read = this.readNow(text).map(([, r]) => r);  /* a typo's word as read (search.TYPO), when read */
    const common = this.whyCommon;
    const shared = [...new Set([...words(text), ...read].filter((x) => !this.stop.has(x) && x.length > 2 && fields.has(x) && !common.has(x)))].sort();
    if (!shared.length) return [];
    return [{ field: "terms", text: shared.slice(0, w.terms).join(", "), score: round(bm25, 3) }];
  }

  /* Hit.confidence: from the probability as shown (3 decimals, calibrate.shown) when there is one, else
     the rule of a KB too small to calibrate */
  confidence(hit) {
    const cal = this.p.calibration;
    if (hit.probability !== null && hit.probability !== undefined) {
      const p = round(hit.probability, 3);
      return p >= cal.high_at ? "high" : p >= cal.medium_at ? "medium" : "low";
    }
    const own = hit.own === undefined ? hit.best : hit.own;  /* 0.9: an identifier match, on topic */
    if (hit.linked || (((hit.signal >= this.p.signal_match.identifier && hit.named !== false
        && hit.best >= this.p.medium_cosine)
        || own >= this.p.high_cosine) && !hit.draft)) return "high";
    /* at most one word shared with the question (Hit.one_word): medium only by a signal or a close view */
    if (hit.signal > 0 || hit.best >= (hit.oneWord ? this.p.high_cosine : this.p.medium_cosine)) return "medium";
    return "low";
  }

  /* calibrate.confidence as 0 (low), 1 (medium) or 2 (high), from the probability as shown (3 decimals) */
  level(probability) {
    return ["low", "medium", "high"].indexOf(this.confidence({ probability }));
  }

  /* search.rate_in_rank: a rule-rated result (no probability) never above the one ranked before it */
  rateInRank(results) {
    const levels = ["low", "medium", "high"];
    let ceiling = 2;
    for (const r of results) {
      if (r.probability !== null) continue;
      ceiling = Math.min(levels.indexOf(r.confidence), ceiling);
      r.confidence = levels[ceiling];
    }
    return results;
  }

  /* results.result_object, then lookalikes.annotate, then the answer's verdict (engine.no_known_pattern)
     on the first verdict_top results, then the first `top` shown (engine._shown); `credible`: how many of all
     the hits ranked are of medium or high confidence, shown or not (results.credible_count, Answer.credible), which
     the box's headline counts (recur-suggest.js matchLine) */
  answer(text, hits, top = hits.length) {
    const results = hits.map((h, i) => {
      const d = this.docs[h.pidx];
      return {
        rank: i + 1, id: h.id, title: d.title, score: round(h.score, 4), confidence: this.confidence(h),
        probability: h.probability === null || h.probability === undefined ? null : round(h.probability, 3),
        category: d.category, severity: d.severity, severity_name: d.severity_name || null,
        status: d.status, draft: d.status === "draft",
        import_draft: Boolean(d.import_draft), why: h.why,
        runbook: d.runbook, evidence: d.evidence, summary: d.summary, signals: d.signals, path: d.path,
        incidents: d.incidents, incidents_inherited: d.incidents_inherited || {}, related: d.related || [], distinguish: d.distinguish || [],
        scores: { dense: round(h.dense, 4), lexical: round(h.lexical, 4), signal: round(h.signal, 4) },
        rule: h.rule ?? null  /* results.result_object: the rule that moved it up (search.RULES) */
      };
    });
    this.rateInRank(results);
    const byId = new Map(this.ids.map((id, i) => [id, this.docs[i]]));
    const distinction = (a, b) => {
      for (const d of (byId.get(a) || {}).distinguish || []) if (d.from === b) return d.by;
      for (const d of (byId.get(b) || {}).distinguish || []) if (d.from === a) return d.by;
      return null;
    };
    /* lookalikes.annotate: close and neither low, or a declared distinction whatever the scores */
    for (const r of results) {
      r.look_alikes = results.filter((o) => o !== r && ((Math.abs(o.score - r.score) <= this.p.lookalike_margin
        && o.confidence !== "low" && r.confidence !== "low") || distinction(r.id, o.id)))
        .map((o) => ({ id: o.id, title: o.title, by: distinction(r.id, o.id) }));
    }
    /* engine.no_known_pattern (calibrate.no_known_pattern) */
    const first = results.slice(0, this.p.calibration.verdict_top);
    const verdict = !results.length ? true : results[0].probability === null
      ? results.every((r) => r.confidence === "low")
      : Math.max(...first.map((r) => r.probability)) < this.p.calibration.no_match_below;
    const shown = results.slice(0, top), ids = new Set(shown.map((r) => r.id));
    for (const r of shown) r.look_alikes = r.look_alikes.filter((a) => ids.has(a.id));
    /* a code's pattern among the verdict's results: its floor (search.CODE_FIRST, no_match_below) is the server's
       too, so the verdict is no drift's to change (edge) */
    const settled = hits.slice(0, this.p.calibration.verdict_top)
      .some((h) => h.coded && typeof h.probability === "number" && h.probability >= this.p.calibration.no_match_below
        && this.p.code_first.floor >= this.p.calibration.no_match_below);
    /* a first a code or a symptom said whole put over a second as likely: their order is the rule's, not the model's */
    const ruled = shown.length > 0 && ["code_first", "said_whole"].includes(shown[0].rule);
    const edge = this.edge(shown, settled, ruled);
    const credible = results.filter((r) => r.confidence === "high" || r.confidence === "medium").length;
    const corrected = this.readNow(text).map(([word, read]) => ({ word, read_as: read }));  /* Answer.corrected */
    const meant = meantIds(text, this.ids, this.retired);  /* Answer.meant */
    return { query: text, no_known_pattern: verdict, results: shown, credible, corrected, meant, borderline: edge !== null, edge };
  }

  /* The bundle's model is the server's quantised to int8, and its vectors are float16: its probabilities
     drift from the server's by a few hundredths ("latency": low 0.395 from recur suggest, medium 0.41 here;
     an Envoy error's first two swapped). True when that drift could change what the box says: the best
     probability within calibrate.BORDERLINE of a cut-off (no known pattern, medium, high), or the best two
     that close to each other while the best could be a match (two near 5% say "no known pattern" either
     way). Uncalibrated results (probability null) are never borderline. */
  borderline(results) {
    return this.edge(results) !== null;
  }

  /* What borderline found, for the box to say it in words (recur-suggest.js borderlineNote): the cut-off the best
     probability is near, the nearest of them ({near: "verdict" | "medium" | "high", at, p}), else the best two as
     likely ({near: "tie", p, q}), else null; with the band (calibrate.BORDERLINE) and the medium cut-off, so the
     box can open the steps of a low result near it. "Borderline: the server may rank these differently; check
     both" said nothing a responder could do (a static host may have no server; "check both" named no two). */
  /* settled: the verdict is a rule's on both sides (a code's pattern at its floor, answer): not near its cut-off, the
     box said "may find no known pattern" of "mysql ERROR 1040" at 28%, the floor (found in a re-read) */
  /* ruled: the first is a rule's (search._held_first) over a second rated as likely: no "tie" (the rule orders them) */
  edge(results, settled = false, ruled = false) {
    const cal = this.p.calibration, m = (cal.borderline ?? 0.05) + 1e-9;
    const probs = results.map((r) => r.probability).filter((p) => typeof p === "number").sort((a, b) => b - a);
    if (!probs.length) return null;
    const band = { band: cal.borderline ?? 0.05, medium_at: cal.medium_at, p: probs[0] };
    const cuts = [["verdict", cal.no_match_below], ["medium", cal.medium_at], ["high", cal.high_at]]
      .filter(([near, t]) => Math.abs(probs[0] - t) <= m && !(settled && near === "verdict"))
      .sort((a, b) => Math.abs(probs[0] - a[1]) - Math.abs(probs[0] - b[1]));
    if (cuts.length) return { ...band, near: cuts[0][0], at: cuts[0][1] };
    if (!ruled && probs.length > 1 && probs[0] - probs[1] <= m && probs[0] >= cal.no_match_below - m) {
      return { ...band, near: "tie", q: probs[1] };
    }
    return null;
  }
}
