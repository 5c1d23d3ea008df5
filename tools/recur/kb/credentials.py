"""Likely credentials in KB text: cloud and chat tokens, private keys, a password in a URL or after
``password=``, a bearer token, a JWT. A KB is a git repository every engineer reads, and its site publishes
each page's text (its pages, its search index, the browser bundle): a key pasted from a log into a pattern
or an incident was published without a word (privacy review). One detector, shared by `recur check` (a
warning per line, kb/lint.py) and the writers that record text a responder gives (`recur incident new`, MCP's
record_incident, `recur import`: said, the record still written; the response matters more).

Pure regular expressions, imported by `recur check`: no scanner library (detect-secrets took 10.5 s over the
starter KB's 222 files, imported requests, and missed a password in a URL, ``password=`` and a bearer token).
A value that reads as a placeholder (``<redacted>``, ``***``, ``$VAR``, ``${VAR}``, ``REDACTED``, ``…``,
``AKIAXXXXXXXXXXXXXXXX``) is not reported: that is how an example is written so that nothing is said of it; nor is
one naming where configuration reads it (``${VAR:-default}`` but for its default, ``$(VAR)``, ``${{ secrets.X }}``,
``!vault``, ``os.environ["X"]``, ``vault:…``), a name after a name naming one (``secret_name: db-creds-2024``,
``secret: payments-db-v2``), a path or a time, nor AWS's documented example key pair.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from recur.util.errors import Problem

# the shapes the tokens' issuers document; each (what it is, its pattern, the group holding the value judged
# as a placeholder or not: 0 the whole match; a name's, "key")
_TOKENS = (
    ("an AWS access key id", re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)([A-Z0-9]{16})(?![A-Za-z0-9])"), 1),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])gh[pousr]_([A-Za-z0-9]{36,})"), 1),
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])github_pat_([A-Za-z0-9_]{22,})"), 1),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abprs]-([A-Za-z0-9-]{10,})"), 1),
    ("a Google API key", re.compile(r"(?<![A-Za-z0-9])AIza([0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])"), 1),
    ("a JWT", re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ([A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]*"), 1),
    (
        "an AWS secret access key",
        re.compile(
            r"(?i:secret(?:[ _-]?access)?(?:[ _-]?key)?)[\"']?[ \t]{0,10}[=:]?[ \t]{0,10}[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
        ),
        1,
    ),
    (
        "a password in a URL",
        re.compile(r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s/:@\"'<>]{0,100}:([^\s/@\"'<>]{1,200})@"),
        1,
    ),
    ("a bearer token", re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{20,})"), 1),
    (
        "a password or key after its name",
        re.compile(
            r"(?i)(?P<key>(?:password|passwd|passphrase|pwd|secret|api[_-]?key|apikey|token)"
            r"(?:[_-][A-Za-z0-9]+)*)[\"']?[ \t]*[=:][ \t]*[\"'`]?([^\s\"'`,;&)}\]]+)"
        ),
        2,
    ),
)
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{20,}")
# a word each shape above holds, lowercase: only the lines holding one are matched against them (`recur check`
# reads every file; a case-blind regular expression took 0.18 s over the starter KB's 4,900 lines)
_WORDS = re.compile(
    "akia|asia|gh[pousr]_|github_pat_|xox|aiza|eyj|private key|secret|bearer|://|passw|passphrase|pwd|api_key|api-key"
    "|apikey|token"
)


def _candidates(lines: list[str]) -> list[int]:
    """The indices of ``lines`` holding one of ``_WORDS``, in order (one search of the lowercased text)."""
    low = "\n".join(lines).lower()
    if not _WORDS.search(low):
        return []
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    return sorted({bisect_right(starts, m.start()) - 1 for m in _WORDS.finditer(low)})


# a value written to stand for one: <redacted>, ***, $VAR, ${VAR}, {{ var }}, %s, …, REDACTED, "password"; or
# naming where it is read from: $(VAR) (Kubernetes', or a command's output), ${{ secrets.X }} (GitHub Actions'), a
# YAML tag (Ansible's !vault, Home Assistant's !secret, CloudFormation's !Ref), the environment in code
# (os.environ["X"], os.getenv(, process.env.X, ENV["X"]), a secret store (vault:…, secretRef, ref+…, op://…); and
# AWS's documented example key pair (…EXAMPLE, …EXAMPLEKEY), as gitleaks allows it
_PLACEHOLDER = re.compile(
    r"<[^>]*>?|\[[^\]]*\]?|\{\{?[^}]*\}?\}?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\(?[a-z_]*\)?s|.*(?:\.\.\.|…).*"
    r"|\$\(.*|\$\{\{.*|![A-Za-z_][A-Za-z_:.-]*|.*EXAMPLE(?:KEY)?"
    r"|(?:os\.)?(?:environ|getenv|Getenv)\b.*|process\.env\b.*|ENV(?:\[|\.fetch).*|System\.getenv.*"
    r"|(?i:vault:.*|secret(?:key)?ref\b.*|ref\+[a-z]+:.*|op://.*)"
    r"|[*xX•#.0_-]+|(?i:.*redact.*|.*mask.*|.*hidden.*|.*removed.*|.*placeholder.*|your[_-].*)"
    r"|(?i:password|passwd|pass|pwd|secret|token|key|none|null|nil|true|false|empty|changeme|example|value|string)"
)
# a shell default, ${VAR:-default}: it stands for a credential when its default is none (${VAR:?message} has none)
_SHELL_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+])(.*?)\}?")


@dataclass(frozen=True)
class Found:
    """The likely credentials of a line: ``line``, its 0-based index; ``hits``, (what each looks like, its first
    characters as shown: never the value, as a CI log keeps what `recur check` prints), one of a kind."""

    line: int
    hits: tuple[tuple[str, str], ...]


def placeholder(value: str) -> bool:
    """Whether ``value`` reads as standing for a credential rather than being one."""
    value = value.strip("\"'`.,;:()")
    default = _SHELL_DEFAULT.fullmatch(value)
    if default:  # ${VAR:?message} and ${VAR:+alternative} have none
        return any(c in "?+" for c in value[: default.start(1)]) or not _literal(default.group(1))
    return bool(_PLACEHOLDER.fullmatch(value))


# after a credential's name, what is no credential: a path ("/etc/tls/key.pem"), a date or time
# ("2024-05-01T12:00:00Z"), a duration ("24h0m0s")
_NO_SECRET = re.compile(
    r"~?/[\w./-]*|\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?|(?:\d+(?:ms|[smhdw]))+"
)
# a kebab-case name, a Kubernetes Secret's or a chart's ("payments-db-v2", "db-creds-2024"): no credential after
# "secret:" or "token:"; after "password:" words joined by "-" are a passphrase ("correct-horse-battery-staple")
_KEBAB_NAME = re.compile(r"[a-z]{2,}\d{0,3}(?:-(?:[a-z]+\d{0,3}|\d{1,4}))+")
_PASSPHRASE = re.compile(r"[A-Za-z]{3,}(?:-[A-Za-z]{3,}){3,}")
# a name's last word saying it names, points at or times a credential: "secret_name:", "webhook_secret_ref:",
# "token_expiry:", "tls_secret_file:" (but Vault's AppRole secret_id is one)
_NAMES_ONE = frozenset("name names ref id file path expiry expires ttl url endpoint".split())


def _literal(value: str, key: str = "", before: str = "") -> bool:
    """A value after a name (``password=``; ``key`` the name, ``before`` the text before it) that may be one: no
    placeholder, 6 characters or more, letters with a digit or a sign ("Hunter2", "p@ssword"), so that prose
    ("password: expired") and a name are not; under a name naming a credential (``secret_name``,
    ``existingSecret``) or the shell's working directory (``PWD=``, ``OLDPWD=``) nothing is one."""
    value = value.strip("\"'`.,;:()")
    if len(value) < 6 or placeholder(value) or _NO_SECRET.fullmatch(value) or _names_one(key, before):
        return False
    low = key.lower()
    if low.startswith(("pass", "pwd")) and _PASSPHRASE.fullmatch(value):
        return True
    if _KEBAB_NAME.fullmatch(value):
        return False
    # a sign but "-", "_", "." and "/": a kebab-case id or a path is a name ("secret: wrong-secret-or-env-var")
    letters = any(c.isalpha() for c in value)
    return letters and any(c.isdigit() or (not c.isalnum() and c not in "-_./:=") for c in value)


def _names_one(key: str, before: str) -> bool:
    """Whether the name ``key`` (``before``: the text before it) names a credential rather than holding one."""
    low = key.lower()
    last = re.split(r"[_-]", low)[-1]
    if (last in _NAMES_ONE and low != "secret_id") or before.lower().endswith("existing"):
        return True
    # PWD= in an environment's dump is the working directory, OLDPWD= the one before (DB_PWD= is a password)
    return key == "PWD" and not before.endswith("_") and (not before[-1:].isalnum() or before.endswith("OLD"))


def _judged(what: str, value: str, m: re.Match | None = None) -> bool:
    if what == "a password or key after its name":
        return _literal(value, m.group("key") if m else "", m.string[: m.start()] if m else "")
    if what in ("an AWS secret access key", "a bearer token"):  # 40 letters or 20 of a word: a mix of kinds
        mixed = any(c.isdigit() or c in "/+" for c in value) and any(c.isalpha() for c in value)
        return mixed and not placeholder(value)
    return not placeholder(value)


def found_in(lines: list[str]) -> list[Found]:
    """The likely credentials of ``lines``, a ``Found`` for each line holding one; a private key at its BEGIN line
    when key material follows it (the header alone, a scanner's signal, holds no key)."""
    out = []
    for n in _candidates(lines):
        line = lines[n]
        if len(line) > 20_000:  # a blob (an image's base64): no line of text
            continue
        hits = _hits(line)
        header = _PRIVATE_KEY.search(line)
        if header and _key_follows(line[header.end() :], lines[n + 1 : n + 6]):
            hits.append(("a private key", "-----BEGIN…"))
        if hits:
            out.append(Found(n, tuple(hits)))
    return out


# an armor header ("Proc-Type: 4,ENCRYPTED", "DEK-Info: …", PGP's "Comment: …"): no key material
_ARMOR_HEADER = re.compile(r"[A-Za-z][A-Za-z0-9-]*:[ \t].*")


def _key_follows(rest: str, after: list[str]) -> bool:
    """Whether key material follows a private key's BEGIN line: ``rest`` of it, or one of the lines ``after`` it
    before its END line, past blank lines and armor headers (PGP's block and an encrypted PEM key start so)."""
    if _KEY_MATERIAL.search(rest):
        return True
    for line in after:
        if line.lstrip().startswith("-----END"):
            return False
        if line.strip() and not _ARMOR_HEADER.fullmatch(line.strip()):
            return bool(_KEY_MATERIAL.search(line))
    return False


def _hits(line: str) -> list[tuple[str, str]]:
    """(what, its first characters) of the likely credentials of ``line``, the first of each kind."""
    out: dict = {}
    for what, pattern, group in _TOKENS:
        for m in pattern.finditer(line):
            if what not in out and _judged(what, m.group(group), m):
                out[what] = _shown(m.group(0), m.start(group) - m.start())
    return list(out.items())


def _shown(text: str, at: int) -> str:
    """The match up to its value and 2 characters of it, then "…": enough to find it, not to use it."""
    return text[: max(at, 0) + 2] + "…"


def said(found: Found, cases: bool = False) -> str:
    """The warning's text of a finding; ``cases``: of the eval cases, which the site has no page of."""
    from recur.kb.emails import published

    kinds = ", ".join(f"{what} ({start!r})" for what, start in found.hits)
    it, they = ("it", "it is") if len(found.hits) == 1 else ("them", "they are")
    kept = f"the repository keeps {it}" if cases else published(it)
    return f"looks like {kinds}: {kept}; redact {it} (<redacted>, ***, $VAR) and rotate {it} if {they} real"


def record_problems(shown: str, text: str) -> list[Problem]:
    """A warning at each line of a pattern or incident file ``text`` (shown as ``shown``) holding a likely
    credential, its field the front-matter key (``signals[2]``) or the body's section (``## Timeline``)."""
    lines = text.split("\n")
    found = found_in(lines)
    if not found:
        return []
    from recur.kb.parse import line_fields

    field = line_fields(lines)
    return [Problem(shown, f.line + 1, field(f.line)[0], said(f), "warning") for f in found]


def yaml_problems(shown: str, text: str) -> list[Problem]:
    """A warning at each line of a YAML file of the KB (an onboarding path, the eval cases) holding a likely
    credential, its field the key there (``[3].query``)."""
    lines = text.split("\n")
    found = found_in(lines)
    if not found:
        return []
    from recur.kb.parse import keys_at

    # a path's page shows its text; the site has no page of the eval cases
    cases = shown.endswith("cases.yml")
    key_at = keys_at(text)
    return [Problem(shown, f.line + 1, key_at(f.line) or "text", said(f, cases), "warning") for f in found]


def written_warnings(path, text: str | None = None) -> dict[str, list[str]]:
    """What a writer says of the record it wrote at ``path`` (``text``: its text, when it is not read from there, a dry
    run's), as `recur check` says it, ``path:line: field: warning: …`` lines: ``credential_warnings``, a line's likely
    credential, and ``personal_data_warnings``, an e-mail address that may be a person's (kb.emails: a customer's
    address pasted from a ticket went into the KB without a word; `recur check` alone said it), each key only when
    any. The record is kept as written (mid-incident the response matters more than the wording)."""
    from recur.kb import emails
    from recur.kb.parse import ParseError, read_text_file

    if text is None:
        try:
            text = read_text_file(path)  # as `recur check` reads it: a record edited in place keeps its BOM
        except (OSError, ParseError):  # its writer said why already
            return {}
    found = {
        "credential_warnings": record_problems(str(path), text),
        "personal_data_warnings": emails.record_problems(str(path), text),
    }
    return {key: [str(p) for p in problems] for key, problems in found.items() if problems}
