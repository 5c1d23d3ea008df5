"""Likely credentials in KB text (recur.kb.credentials): `recur check` warns of each line holding one, naming file,
line and field, so `--strict` fails on it; `recur incident new`, MCP's record_incident and `recur import` say it
of what they write, and write it all the same. Found in a privacy review: GitHub and Slack tokens and a private key
in a pattern's signals, a database password in a URL, an AWS key pair and a customer's e-mail in an incident passed
`recur check --strict`, and `recur site` published them; the writers wrote such text without a word.

Every token here is built by concatenation and is fake (zeros, "Fake"): the repository holds no token-shaped string
a secret scanner would flag."""

from __future__ import annotations

import json

from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern
from test_mcp import call, in_process, session

from recur.cli.main import cli

AWS_ID = "AKIA" + "FAKE" + "0" * 8 + "TEST"
AWS_SECRET = "Fake" + "0" * 30 + "Test/1"
GITHUB = "ghp" + "_" + "Fake" + "0" * 32
SLACK = "xox" + "b-" + "0" * 10 + "-" + "0" * 13 + "-fake"
GOOGLE = "AI" + "za" + "Fake" + "0" * 31
KEY_HEAD = "-----BEGIN RSA " + "PRIVATE KEY-----"
KEY_BODY = "MIIE" + "fake" * 10
URL = "postgres://payments_app:" + "Fake" + "Pass9!" + "@db.internal:5432/pay"
PASSWORD = "password=" + "Fake" + "Secret7"
API_KEY = "api_key: " + "fake" + "Key" + "42"
BEARER = "Authorization: Bearer " + "fake" + "0" * 24
JWT = "eyJ" + "hbGciOiJub25lIn0" + ".eyJ" + "zdWIiOiJmYWtlIn0" + "." + "fakesig0123456789"

# written to stand for a credential, or no credential at all: never reported
NOT_CREDENTIALS = (
    "password=<redacted>",
    "password=***",
    "password=$DB_PASSWORD",
    "export PGPASSWORD=${DB_PASSWORD}",
    "secret=REDACTED",
    "AKIA" + "X" * 16,
    "postgres://app:${PGPASSWORD}@db.internal/pay",
    "postgres://user:password@db.internal/pay",
    "Authorization: Bearer <token>",
    "curl -H 'Authorization: Bearer $TOKEN' https://api.example.com",
    "ghp" + "_…",
    "password: expired",
    "secret: wrong-secret-or-env-var",
    "FATAL: password authentication failed for user payments_app",
    "gitleaks: " + KEY_HEAD,
    "the token: rotated by the vault agent",
    "Bearer token authentication fails with 401",
)


def run(*args, input=None):
    r = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert "Traceback" not in r.output, r.output
    return r


def _check(kb, *flags):
    r = run("check", "--kb", kb, "--stale-days", "0", "--format", "json", *flags)
    return r.exit_code, json.loads(r.stdout)


def _credentials(doc) -> list[tuple[str, int, str, str]]:
    return [
        (p["file"].split("/kb/", 1)[1], p["line"], p["field"], p["level"])
        for p in doc["problems"]
        if p["message"].startswith("looks like ")
    ]


def test_each_kind_is_found_and_placeholders_and_prose_are_not():
    from recur.kb.credentials import found_in

    kinds = {
        AWS_ID: "an AWS access key id",
        f"aws secret {AWS_SECRET}": "an AWS secret access key",
        GITHUB: "a GitHub token",
        "github_pat_" + "Fake" + "0" * 30: "a GitHub token",
        SLACK: "a Slack token",
        GOOGLE: "a Google API key",
        URL: "a password in a URL",
        PASSWORD: "a password or key after its name",
        "passwd: " + "Hunter" + "2" * 3: "a password or key after its name",
        API_KEY: "a password or key after its name",
        BEARER: "a bearer token",
        JWT: "a JWT",
    }
    for text, what in kinds.items():
        found = found_in(["before", f"seen in the log: {text} (pasted)"])
        assert [f.line for f in found] == [1] and what in [w for w, _ in found[0].hits], (text, found)
        # what is shown of it is its start, never the whole value (a CI log keeps what check prints)
        assert all(shown.endswith("…") and len(shown) < len(text) + 2 for _, shown in found[0].hits), found
    assert [(f.line, f.hits[0][0]) for f in found_in([KEY_HEAD, KEY_BODY, "-----END"])] == [(0, "a private key")]
    for text in NOT_CREDENTIALS:
        assert found_in([text]) == [], text


def test_check_warns_of_credentials_in_patterns_incidents_and_cases_by_file_line_and_field(tmp_path):
    kb = small_kb(tmp_path / "kb")
    assert _check(kb, "--strict")[0] == 0  # the small KB is clean
    write_pattern(
        kb,
        "leaked-token",
        "security",
        title="Token leaked in a log",
        signals=("token refused", f"leaked {GITHUB} and {SLACK}", f"{KEY_HEAD} {KEY_BODY}", *NOT_CREDENTIALS[:6]),
        runbook=("Revoke the token at the provider's console.", "Rotate `password=$DB_PASSWORD` in the vault."),
        root_cause=f"A debug log printed the request:\n\n```\n{BEARER}\n```",
    )
    write(
        kb,
        "incidents/2026/INC-2026-0003.md",
        f"""---
id: INC-2026-0003
title: Payments API lost database access
date: 2026-03-05
severity: sev3
---

## Summary
Connections failed after the password rotation.

## Timeline
- 02:10 connection string in the logs: `{URL}` (AWS key {AWS_ID}, secret {AWS_SECRET})
- 02:31 {PASSWORD} tried by hand; `password=<redacted>` in the ticket
""",
    )
    cases = (kb / "eval/cases.yml").read_text() + f'- query: "login fails with {API_KEY}"\n  expect: [disk-full]\n'
    write(kb, "eval/cases.yml", cases)
    status, doc = _check(kb, "--strict")
    assert status == 1 and not doc["ok"], doc
    assert sorted(_credentials(doc)) == [
        ("eval/cases.yml", 5, "[2].query", "warning"),
        ("incidents/2026/INC-2026-0003.md", 12, "## Timeline", "warning"),
        ("incidents/2026/INC-2026-0003.md", 13, "## Timeline", "warning"),
        ("patterns/security/leaked-token.md", 10, "signals[1]", "warning"),
        ("patterns/security/leaked-token.md", 11, "signals[2]", "warning"),
        ("patterns/security/leaked-token.md", 34, "## Root cause", "warning"),
    ], doc["problems"]
    messages = [p["message"] for p in doc["problems"] if p["message"].startswith("looks like ")]
    timeline = next(m for m in messages if "a password in a URL" in m)
    assert "an AWS access key id ('AKIAFA…')" in timeline and "an AWS secret access key" in timeline, timeline
    # of more than one on a line, "them" (it said "publishes it … redact it" of three)
    assert "publishes them" in timeline and "redact them" in timeline and "if they are real" in timeline, timeline
    assert all(("keeps it;" in m) == ("redact it " in m) != ("redact them " in m) for m in messages), messages
    for secret in (GITHUB, SLACK, KEY_BODY, AWS_ID, AWS_SECRET, "FakePass9!", "FakeSecret7", BEARER[-20:]):
        assert secret not in json.dumps(doc), secret  # said by its start only
    assert _check(kb)[0] == 0  # a warning: only --strict fails on it
    # redacted, it is said no more
    (kb / "incidents/2026/INC-2026-0003.md").write_text(
        (kb / "incidents/2026/INC-2026-0003.md")
        .read_text()
        .replace(URL, "postgres://payments_app:<redacted>@db.internal:5432/pay")
        .replace(f"(AWS key {AWS_ID}, secret {AWS_SECRET})", "(an AWS key pair, since rotated)")
        .replace(PASSWORD, "password=***")
    )
    assert not [c for c in _credentials(_check(kb)[1]) if c[0].startswith("incidents/")]


def test_incident_new_says_a_credential_it_writes_and_writes_it(tmp_path):
    kb = small_kb(tmp_path / "kb")
    description = f"login fails; {PASSWORD} and {AWS_ID} in the pod's env"
    base = ("incident", "new", "--kb", kb, "-t", "Login broken", "-s", "sev3", "--no-suggest", "-d")
    r = run(*base, description, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    record = (kb / "incidents/2026" / f"{out['id']}.md").read_text()
    assert PASSWORD in record and AWS_ID in record  # written as given, mid-incident
    said = [line for line in r.stderr.splitlines() if "looks like" in line]
    assert len(said) == 1 and f"{out['id']}.md:" in said[0] and ": ## Summary: warning: looks like " in said[0], (
        r.stderr
    )
    assert "an AWS access key id" in said[0] and "a password or key after its name" in said[0], said
    assert out["credential_warnings"] == said
    # a dry run says it of the record it would write; a clean description says nothing
    dry = run(*base, description + " (and on the admin pods)", "--dry-run")
    assert dry.exit_code == 0 and "looks like an AWS access key id" in dry.stderr, dry.output
    clean = run(*base, "login fails with password=<redacted>", "--json")
    assert "looks like" not in clean.stderr and "credential_warnings" not in json.loads(clean.stdout)


def test_new_incident_and_new_pattern_say_a_credential_they_write_as_check_does(tmp_path):
    """`recur new incident` and `recur new pattern` (the file-writing commands) say it too: each writes, then runs
    `recur check` on the new file and prints its warnings on stderr (their _finish); locked here, as the privacy
    review's list named `recur incident new`, MCP and `recur import` alone."""
    kb = small_kb(tmp_path / "kb")
    r = run("new", "incident", "--kb", kb, "-t", "Login broken", "-s", "sev3", "--summary", PASSWORD, "--no-input")
    assert r.exit_code == 0, r.output
    written = [f for f in (kb / "incidents").rglob("*.md") if "Login broken" in f.read_text()]
    assert len(written) == 1 and PASSWORD in written[0].read_text()  # written as given
    said = [line.strip() for line in r.stderr.splitlines() if "looks like" in line]
    assert len(said) == 1 and ": ## Summary: warning: looks like a password or key after its name" in said[0], r.stderr
    assert PASSWORD not in r.output  # said by its start only
    r = run(
        "new", "pattern", "--kb", kb, "--title", "Token in a log", "--category", "security", "--severity", "sev3",
        "--symptom", "login fails", "--signal", f"leaked {GITHUB}", "--no-input",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert any("signals[0]: warning: looks like a GitHub token" in line for line in r.stderr.splitlines()), r.stderr


def test_record_incident_says_a_credential_it_writes_in_its_text_and_answer(tmp_path):
    kb = small_kb(tmp_path / "kb")
    server = in_process(kb, tmp_path / "index", allow_writes=True)
    args = {"title": "Login broken for a customer", "severity": "sev3", "description": f"token in the log: {BEARER}"}

    async def work(client):
        return [
            await call(client, "record_incident", args),
            await call(client, "record_incident", {**args, "title": "Disk full", "description": "ENOSPC on db-1"}),
        ]

    (err, out, text), (clean_err, clean, clean_text) = session(server, work)
    assert not err and BEARER in (kb / "incidents/2026" / f"{out['id']}.md").read_text()
    assert len(out["credential_warnings"]) == 1 and "looks like a bearer token" in out["credential_warnings"][0]
    assert "Warning: " in text and "looks like a bearer token ('Bearer fa…')" in text, text
    assert BEARER not in text
    assert not clean_err and "credential_warnings" not in clean and "looks like" not in clean_text


def test_import_says_a_credential_it_writes(tmp_path):
    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text(
        "# Payments API lost database access\n\nDate: 2026-03-05\nSeverity: sev2\n\n"
        f"## Summary\nConnections failed after the rotation; the logs showed `{URL}`.\n\n"
        "## Root cause\nThe pods kept the old password.\n"
    )
    flags = ("--kb", kb, "--index", tmp_path / "idx", "--model", "fake:64", "--no-draft")
    # a dry run says it of the record it would write, as `recur incident new --dry-run` does
    dry = run("import", *flags, pm, "--dry-run")
    assert dry.exit_code == 0 and "looks like a password in a URL" in dry.stderr, dry.output
    r = run("import", *flags, pm, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert URL in (kb / "incidents/2026" / f"{out['incident']}.md").read_text()
    said = [line for line in r.stderr.splitlines() if "looks like" in line]
    assert len(said) == 1 and f"{out['incident']}.md:" in said[0] and "a password in a URL" in said[0], r.stderr
    assert "FakePass9!" not in r.stderr
    # --json says them as `recur incident new --json` and MCP's record_incident do, after import's own keys
    assert out["credential_warnings"] == said and list(out)[-1] == "credential_warnings", out
    again = run("import", *flags, pm, "--json")  # the same document again: nothing written, nothing said
    assert "looks like" not in again.stderr and "credential_warnings" not in json.loads(again.stdout)


# how configuration names a credential it reads from elsewhere (a variable, a secret store), a secret's name, a path
# or a time after a credential's name: none is one. Each was reported, and three such runbook lines failed --strict.
NOT_CREDENTIALS_IN_CONFIG = (
    "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}",
    "  password: ${DB_PASSWORD:?set DB_PASSWORD}",
    '        args: ["--password=$(DB_PASSWORD)"]',
    "        - --db-password=$(DB_PASSWORD)",
    "DB_PASSWORD=$(cat /run/secrets/db2)",
    "password: !vault |",
    "token: ${{secrets.GITHUB_TOKEN2}}",
    "token: ${{ secrets.GITHUB_TOKEN2 }}",
    'api_key = os.environ["API_KEY2"]',
    "api_key = os.getenv('API_KEY2')",
    "apiKey: process.env.API_KEY2",
    "password: {{ .Values.db.password2 }}",
    "password: vault:secret/data/payments/db2#password",
    "password: secretRef:payments-db-v2",
    "existingSecret: postgres-credentials-v1",
    "secret: payments-db-v2",
    "secret_name: db-creds-2024",
    "webhook_secret_ref: slack-webhook-v2",
    "tls_secret_file: /etc/tls/key-v2.pem",
    "PWD=/home/deploy/app-v2",
    "pwd=/var/lib/app2",
    "OLDPWD=/srv/app-2024",
    "token_expiry: 2024-05-01T12:00:00Z",
    "token_ttl: 24h0m0s",
    # AWS's documented example key pair, as gitleaks allows it
    "AKIA" + "IOSFODNN7" + "EXAMPLE",
    "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY",
)
# still credentials: a default that is one, a passphrase of words, a key pair's secret half that is not AWS's example
STILL_CREDENTIALS = (
    "password: ${DB_PASSWORD:-" + "Fake" + "Secret7}",
    "password: correct-horse-" + "battery-staple",
    "PGPASSWORD=" + "Fake" + "Secret7 psql -h db",
    "DB_PWD=" + "Fake" + "Secret7",
    "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "0" * 10,
)


def test_config_references_names_paths_times_and_example_keys_are_not_credentials():
    from recur.kb.credentials import found_in

    for text in NOT_CREDENTIALS_IN_CONFIG:
        assert found_in([text]) == [], text
    for text in STILL_CREDENTIALS:
        assert [f.line for f in found_in([text])] == [0], text


def test_a_pgp_or_encrypted_private_key_is_found_past_its_headers_and_blank_line():
    from recur.kb.credentials import found_in

    pgp = [
        "-----BEGIN PGP " + "PRIVATE KEY BLOCK-----",
        "",
        "lQOYBF" + "fake" * 10,
        "-----END PGP PRIVATE KEY BLOCK-----",
    ]
    pem = [KEY_HEAD, "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,00000000", "", KEY_BODY, "-----END"]
    for lines in (pgp, pem, ["seen:", *pgp]):
        found = found_in(lines)
        assert [h for f in found for h in f.hits] == [("a private key", "-----BEGIN…")], lines
    # a header with no key before its END line, or none in the lines after it, holds no key
    assert found_in([KEY_HEAD, "", "-----END RSA PRIVATE KEY-----", KEY_BODY]) == []
    assert found_in([KEY_HEAD, *["Comment: x"] * 6, KEY_BODY]) == []


def test_a_credential_in_a_fenced_block_is_said_in_its_section_not_at_a_heading_in_the_fence():
    from recur.kb.credentials import record_problems

    text = f"---\nid: INC-2026-0001\n---\n\n## Timeline\n```\n## a shell comment in the log\n{PASSWORD}\n```\n"
    assert [(p.line, p.field) for p in record_problems("x.md", text)] == [(8, "## Timeline")]
