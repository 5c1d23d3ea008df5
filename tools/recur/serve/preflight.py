"""Start-up checks of `recur serve`'s settings that need none of the web stack: the token (--token-file,
RECUR_TOKEN), uvicorn's FORWARDED_ALLOW_IPS and the --allowed-host names. They lived in security.py and
server.py, which import fastapi and uvicorn, so an operator's mistake was said only after those had loaded
(0.3 s of a 0.5 s failed start; the MCP SDK's import and building the app take as long again). This module
imports none of them, and must not (tests/test_serve_cli.py checks it); security.py reads its host helpers.
"""

from __future__ import annotations

import os
import re
import stat
import sys

from recur.util.errors import RecurError
from recur.util.utf8 import decode


def read_secret(path, env_value: str | None, *, option: str, what: str) -> str | None:
    """A secret from ``option``'s file (its first line, stripped) or, with no file, its environment
    variable (``env_value``: as set, ``config.raw``; None when unset), stripped too: a trailing newline,
    as a Kubernetes secret or an .env file leaves, kept in RECUR_SLACK_SIGNING_SECRET made every Slack
    request a 401 (found in review). None when neither is set; "" when the variable is set but blank,
    for the caller to refuse or warn of. A file that cannot be read, is not UTF-8 or is empty is an
    error. The API token and Slack's signing secret are both read here, so the two cannot drift apart; a file
    other users can read is a warning (``exposed``)."""
    if not path:
        return None if env_value is None else env_value.strip()
    try:
        with open(path, "rb") as fh:
            text = decode(fh.read(4096), f"{option} {path}")
            said = exposed(os.fstat(fh.fileno()), f"{option} {path}")
    except OSError as exc:
        raise RecurError(f"{option} {path}: cannot be read ({exc.strerror})") from None
    secret = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not secret:
        raise RecurError(f"{option} {path}: the file is empty; put the {what} on its first line")
    if said:
        print(f"warning: {said}", file=sys.stderr)  # a line of recur.serve's log (applog), as the CLI's warnings
    return secret


def exposed(found: os.stat_result, where: str) -> str | None:
    """What to say of a secret file that users other than the server's can read, as ssh says of a key
    (found in the privacy review: a 0644 --token-file was taken silently), or None. Others: always. The
    group: only when the file is the server's own; a file of root's that the server reads through its
    group (``root:recur``, 0640, as a systemd service's secrets often are) is how it should be."""
    if os.name != "posix":
        return None  # no such modes to read
    mode = stat.S_IMODE(found.st_mode)
    own = found.st_uid == os.geteuid()
    if not mode & stat.S_IROTH and not (own and mode & stat.S_IRGRP):
        return None
    who = "group and others" if mode & stat.S_IRGRP and mode & stat.S_IROTH else "others"
    who = "the group" if not mode & stat.S_IROTH else who
    fix = "chmod 600 it" if own else "chmod o-rwx it"
    # a Kubernetes secret volume is read-only and 0644 by default: no chmod can be followed there (re-review)
    return f"{where} is readable by {who} (mode {mode:04o}); {fix}{K8S_SECRET}: it holds a secret"


K8S_SECRET = " (a Kubernetes secret volume: defaultMode: 0400)"


def read_token(token_file=None, env_value: str | None = None) -> str | None:
    """The token from a file (first line, stripped) or the environment (``env_value``: the token
    setting's variable as set, ``config.raw``; None when unset); None when neither is set. That
    variable set but blank is an error, as an empty --token-file is: it left the server open, treated
    as unset (found in review), when the operator meant to guard it (a secret store's empty value, a
    `$(cat missing)`)."""
    token = read_secret(token_file, env_value, option="--token-file", what="token")
    if token is None:
        return None
    if not token:
        raise RecurError(
            "RECUR_TOKEN is set but empty: put the token in it (or use --token-file), "
            "or unset it to serve without a token"
        )
    if len(token) < 16:
        raise RecurError(
            "the API token is shorter than 16 characters; generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    # a header carries a bearer token as printable ASCII (RFC 6750's token68); "pässwörd…" was taken
    # and then never matched what clients sent, every request a 401 "the token is wrong" (found in review)
    if not all(" " < ch <= "~" for ch in token):
        raise RecurError(
            "the API token may hold only printable ASCII characters without spaces (a header cannot carry "
            "others as they are); generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return token


def check_forwarded_allow_ips(value: str | None) -> None:
    """uvicorn's FORWARDED_ALLOW_IPS (the proxies whose X-Forwarded-For names the client: README), checked
    before the server starts. uvicorn takes an entry that is not an address or a network as a literal
    name (for a Unix socket, which `recur serve` never listens on), so a mistake ("10.0.0.1/8" with
    host bits set, "10.0.0.*", a host name) trusted nothing and said nothing: every client behind
    the proxy shared its address, and so one --feedback-rate bucket. ``*`` trusts every peer, on its own."""
    import ipaddress

    if value is None or value == "*":  # unset: uvicorn's 127.0.0.1,::1; blank: no proxy trusted
        return
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        if item == "*":
            # uvicorn trusts every peer for the value "*" alone; among others it is a name that matches none
            raise RecurError(f"FORWARDED_ALLOW_IPS={value!r}: '*' trusts every peer only as the whole value")
        try:
            (ipaddress.ip_network if "/" in item else ipaddress.ip_address)(item)
        except ValueError as exc:
            why = f" ({exc})" if "/" in item else ""  # "has host bits set" says what to change
            raise RecurError(
                f"FORWARDED_ALLOW_IPS={value!r}: {item!r} is not an IP address or network{why}; give the reverse "
                "proxies' addresses, comma-separated (e.g. 127.0.0.1,10.0.0.0/8), or * to trust every peer"
            ) from None


# the names a server bound to loopback answers to (security.HostCheck); here, with no web stack, for the start-up check
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def rebinding_unchecked(host: str, allowed: tuple) -> str | None:
    """The start-up warning of a server whose requests' Host and Origin nothing checks (security.HostCheck): one
    bound to an address other than loopback with no --allowed-host, or None. It was said only in the docs, and a
    server on an intranet address (--host 0.0.0.0) answered a web page whose name an attacker points at that
    address (DNS rebinding) from a responder's browser: the site and the API (a reviewer's suggestion)."""
    if host in LOOPBACK_NAMES or allowed:
        return None
    return (
        f"bound to {host} with no --allowed-host: no request's Host is checked, so a web page whose name is "
        "pointed at this server's address (DNS rebinding) can read the site and the API from a responder's "
        "browser; name the host users reach it by: --allowed-host kb.example.com (env RECUR_MCP_ALLOWED_HOSTS)"
    )


# a DNS name (labels of letters, digits, '-' and '_', which some internal names use), with its final dot or not
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(\.(?!-)[A-Za-z0-9_-]{1,63})*\.?")


def names_a_host(value: str) -> bool:
    """Whether an --allowed-host value names a host as a Host header can: a DNS name or an IP address
    (``[v6]`` or bare), with a port or not, read as ``HostCheck`` reads it. A scheme, a path or a wildcard
    ("https://kb.example.com", "*.example.com") is a name no Host header is."""
    name = hostname(value) or value.strip()
    return bool(_HOST_NAME.fullmatch(name) or is_address(name.strip("[]")))


def is_address(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def hostname(authority: str) -> str:
    """The host of ``host[:port]`` or ``[v6]:port``, lower case, without brackets ("" when malformed)."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        name, _, port = authority[1:].partition("]")
        port = port.removeprefix(":") if port.startswith(":") else (port or "")
    else:
        name, _, port = authority.partition(":")
    if (port and not port.isdigit()) or any(c in authority for c in "/@ \\"):
        return ""  # not host[:port]: never one of the accepted names
    return name
