"""The weighted lists of a request's Accept and Accept-Encoding, read one way for every choice the server makes from
them (RFC 9110 sections 12.4 and 12.5): gzip or not (guard.Compressed), the site's 404 page or the JSON 404
(site_files.SiteFiles).

An element whose ``q`` is no qvalue (section 12.4.2: "0" to "1" with at most three decimals) is left out, as one the
server cannot read: ``q=abc``, ``q=2``, ``q=-1``, ``q=0.1234`` were each read as q=1, so "gzip;q=abc" got gzip and
"text/html;q=2" the HTML page. Leaving out the element, rather than the whole header, keeps what the rest of it says:
"gzip;q=abc, *;q=0" still refuses every coding. Parameters are split outside quoted strings, names in any letter case,
and spaces around a parameter's "=" are read (a client that writes "q = 0" means it).
"""

from __future__ import annotations

import re

QVALUE = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\Z")


def _split(text: str, sep: str) -> list[str]:
    """``text`` cut at each ``sep`` outside a quoted string (a parameter's value may be one, with a comma or a
    semicolon in it: ``text/html;title="a;b, c"``)."""
    if '"' not in text:  # as nearly every header is: str.split, where the walk took 5x as long on each request
        return text.split(sep)
    parts, start, quoted, escaped = [], 0, False, False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def weighted(value: str) -> list[tuple[str, float]]:
    """The elements of a weighted list (a header's lines joined by commas), each as (its name in lower case, its q):
    q 1 where it gives none; an element whose q is no qvalue, and an empty one, left out."""
    out = []
    for element in _split(value, ","):
        name, *params = _split(element, ";")
        name = name.strip().lower()
        q: float | None = 1.0
        for param in params:
            key, _, said = param.partition("=")
            if key.strip().lower() == "q":  # the first q; what follows it is an accept-ext, not the media type's
                said = said.strip()
                q = float(said) if QVALUE.match(said) else None
                break
        if name and q is not None:
            out.append((name, q))
    return out


def header(scope, name: bytes) -> str:
    """Every line of the request's header ``name`` (lower case) joined by commas: a field sent on several lines is
    one list (RFC 9110 section 5.3)."""
    return ", ".join(value.decode("latin-1") for key, value in scope.get("headers") or () if key == name)


def accepts_gzip(said: str) -> bool:
    """Whether an Accept-Encoding value accepts gzip, as RFC 9110 section 12.5.3 reads it: "gzip" or "x-gzip" (its
    old name) in any letter case with a q over 0 (either one is enough); where neither is named, "*" with a q over 0
    ("*;q=0", as a browser's media request says, refuses it). No header or an empty one: no gzip (the RFC lets a
    server choose; a client that says nothing may not decode it)."""
    listed = weighted(said)
    named = [q for name, q in listed if name in ("gzip", "x-gzip")]
    star = [q for name, q in listed if name == "*"]
    return max(named or star or [0.0]) > 0


def prefers_html(accept: str) -> bool:
    """Whether a client's Accept asks for an HTML page before JSON: text/html named with a q over 0, and no lower
    than the q the most specific range matching application/json gives it (application/json, application/*, */*;
    none: 0). A browser navigating says text/html at 1 and */* at 0.8; curl, scripts and fetch() send */* or JSON;
    "text/html;q=0" refuses HTML (RFC 9110 section 12.4.2) and was given the page."""
    listed = weighted(accept)
    html = [q for name, q in listed if name == "text/html"]
    if not html or max(html) == 0:
        return False
    for media_range in ("application/json", "application/*", "*/*"):
        json_q = [q for name, q in listed if name == media_range]
        if json_q:
            return max(html) >= max(json_q)
    return True
