"""Text that is not valid Unicode: cleaned for search, refused where it would be written.

Python carries bytes that are not UTF-8 as lone surrogates (U+DC80-U+DCFF: command-line
arguments, stdin and file names are decoded with ``surrogateescape``), and JSON lets any lone
surrogate through as a ``\\udXXX`` escape. Such a string cannot be encoded: the model's
tokenizer, a file write, a JSON response and the MCP transport all fail on it. Every edge uses
this module: text that is only searched is ``clean``-ed (each lone surrogate becomes U+FFFD, as
a lenient UTF-8 decoder does), text that is written into the KB or a log is ``check``-ed (a
clear error naming the field), and bytes read from a file are ``decode``-d strictly.
"""

from __future__ import annotations

import json
import re

from recur.util.errors import RecurError

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def problem(text: str, *, escaped: bool = False) -> str | None:
    """Why ``text`` is not valid Unicode text (its first lone surrogate), or None when it is.
    ``escaped``: the text came from JSON, where a lone surrogate is a ``\\udXXX`` escape; elsewhere
    one of U+DC80-U+DCFF stands for a byte that was not UTF-8."""
    m = _SURROGATE.search(text)
    if m is None:
        return None
    code, n = ord(m.group()), m.start() + 1
    if 0xDC80 <= code <= 0xDCFF and not escaped:
        why = f"stands for the byte 0x{code - 0xDC00:02x}, which is not UTF-8"
    else:
        why = f"is an unpaired \\u{code:04x} escape, half a UTF-16 surrogate pair"
    return f"is not valid UTF-8 text: character {n} {why}"


def check(text: str, what: str, *, escaped: bool = False) -> str:
    """``text`` unchanged, or a RecurError naming ``what`` (a flag, a field, ``file:line``)."""
    why = problem(text, escaped=escaped)
    if why:
        raise RecurError(f"{what}: {why}")
    return text


def nul_line(text: str) -> int | None:
    """The line of ``text``'s first NUL character, or None. NUL is valid UTF-8, but `recur check`
    reads a KB file that holds one as binary and leaves the record out: a writer refuses it."""
    at = text.find("\x00")
    return None if at < 0 else text.count("\n", 0, at) + 1


def count_bad(text: str) -> int:
    """How many lone surrogates ``text`` has (bytes that were not UTF-8, with ``surrogateescape``)."""
    return len(_SURROGATE.findall(text))


def clean(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD: safe to search, encode and show."""
    return _SURROGATE.sub(REPLACEMENT, text)


def bad_field(obj, where: str = "") -> tuple[str, str] | None:
    """The first string of a JSON value that is not valid Unicode text, keys included, as
    (its path: ``query``, ``labels.team``, ``tags[1]``; its ``problem``); None when all are."""
    if isinstance(obj, str):
        why = problem(obj, escaped=True)
        return (where or "value", why) if why else None
    if isinstance(obj, dict):
        for key, value in obj.items():
            here = clean(f"{where}.{key}" if where else str(key))  # the path is shown: no surrogate in it
            found = bad_field(key, here) or bad_field(value, here)
            if found:
                return found
    elif isinstance(obj, list):
        for n, value in enumerate(obj):
            found = bad_field(value, f"{where}[{n}]")
            if found:
                return found
    return None


def clean_all(obj):
    """A JSON value with every string (keys too) ``clean``-ed."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, dict):
        return {clean_all(k): clean_all(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [clean_all(v) for v in obj]
    return obj


def decode(data: bytes, what: str) -> str:
    """Strict UTF-8 (a BOM is dropped); a RecurError naming ``what`` and where the bad byte is
    (its line and column; only the column when ``data`` is one line)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        start = exc.start + bom  # the valid bytes before it decode: the column counts characters
        line_start = max(data.rfind(b"\n", 0, start) + 1, bom)
        column = len(data[line_start:start].decode("utf-8")) + 1
        line = data.count(b"\n", 0, start) + 1
        where = f"column {column}" if b"\n" not in data.rstrip(b"\r\n") else f"line {line}, column {column}"
        raise RecurError(f"{what}: is not UTF-8 text (byte 0x{data[start]:02x} at {where})") from None


def saved_as(byte: int) -> str:
    """What a byte that is not UTF-8 is in Windows-1252, the "ANSI" Notepad, Word and most editors on Windows save
    as (a superset of Latin-1's letters: 0xE9 is 'é'), as " ('é' in Latin-1 or Windows-1252: the file was saved in
    that encoding)"; "" for a byte that is no printable character there. Said by `recur check` of a KB file and by
    `recur import` of a postmortem, which named the byte alone (0xEB: the author could not see what was wrong)."""
    try:
        shown = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return (
        f" ({shown!r} in Latin-1 or Windows-1252: the file was saved in that encoding)" if shown.isprintable() else ""
    )


def first_bad_byte(data: bytes) -> int | None:
    """The first byte of ``data`` that is not UTF-8 (a BOM aside), or None when it is UTF-8 throughout."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[exc.start]
    return None


def utf16_encoding(raw: bytes, cut: bool = False) -> str | None:
    """The UTF-16 ``raw`` is in, or None (read it as UTF-8): "utf-16" by its byte-order mark (Notepad's and Word's
    "Unicode", Windows PowerShell's `>`; text of other scripts than Latin may have no NUL byte, but then is no
    UTF-8: `\\xff\\xfe No space left` is UTF-8 after two bytes that are not, as it was read), else "utf-16-le"
    or "utf-16-be" by where its NULs are, one in each ASCII character (PowerShell's pipe has no mark): of its
    first 4,096 bytes' pairs, at least 30% NUL at odd offsets and at most 2% at even ones (LE), or the other way
    (BE). Binary data has its NULs at both, and UTF-8 has none. ``cut``: ``raw`` is the end of a longer stream,
    with no mark at its start, and of an odd length it starts inside a character. The one test of `recur suggest
    -` (stdin), `recur check` (a KB file, refused) and `recur import` (a postmortem, read), which had one each."""
    import codecs

    if (
        not cut
        and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        and (b"\x00" in raw or not _utf8(raw[2:]))
    ):
        return "utf-16"
    if b"\x00" not in raw:
        return None
    sample = raw[1:4097] if cut and len(raw) % 2 else raw[:4096]
    pairs = len(sample) // 2
    odd, even = sample[1 : 2 * pairs : 2].count(0), sample[0 : 2 * pairs : 2].count(0)
    if pairs >= 2 and odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if pairs >= 2 and even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 throughout."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean_json_line(line: bytes) -> bytes:
    """One JSON document per line (a JSON-RPC message) with each lone surrogate escape (``\\udcff``)
    replaced by U+FFFD; any other line, valid or not, is returned unchanged."""
    if not _ESCAPED_SURROGATE.search(line):
        return line
    try:
        obj = json.loads(line)
    except ValueError:
        return line
    if bad_field(obj) is None:  # only paired escapes, or an escaped backslash before "u"
        return line
    end = line[len(line.rstrip(b"\r\n")) :]
    return json.dumps(clean_all(obj), ensure_ascii=False).encode("utf-8") + end
