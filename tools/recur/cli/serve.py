"""`recur serve`: the API, the Alertmanager hook and the built site in one uvicorn process."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import NoReturn

import click

from recur import config
from recur.cli.options import OutFile, Range, came_from, http_url, index_option, kb_option, model_option, setting
from recur.cli.startup import check_engine_inputs, check_mcp_settings, repository_index
from recur.util.errors import RecurError


def _bind(host: str, port: int) -> list[socket.socket]:
    """Sockets bound as uvicorn binds ``host``:``port`` (0: a free port, the same on each address), or the
    RecurError that says why not. uvicorn hands the host and port to asyncio's ``create_server``, which
    listens on every address ``getaddrinfo`` gives a passive stream socket for the name (``localhost``:
    ``::1`` and ``127.0.0.1`` on many hosts), IPv6 ones IPv6 only, and fails when any is taken. Only the
    first was checked here: a port taken on another address passed the check, and uvicorn, after the
    start-up line, stopped with an ERROR "[Errno 98] error while attempting to bind on address …" and exit
    3 (uvicorn's STARTUP_FAILURE; found in an operator's review). With ``port`` 0 the first address's free
    port may be taken on another: then another free port, as servers do (it was an error, "Pick another
    --port", to a --port 0 that had asked for any); the ports tried stay bound until the end, so that each
    try gets a new one."""
    addresses = _listen_addresses(host, port)
    tried: list[socket.socket] = []
    try:
        while True:
            try:
                return _bind_each(addresses, host, port)
            except _TakenElsewhere as taken:
                tried.append(taken.first)
                if len(tried) == PORT_TRIES:
                    raise RecurError(
                        f"cannot listen on {host}:0: each of {PORT_TRIES} free ports of {addresses[0][1][0]} was "
                        f"taken on another of its addresses ({taken.at}); give a --port free on all of them"
                    ) from None
    finally:
        for sock in tried:
            sock.close()


PORT_TRIES = 10  # --port 0: free ports of the first address tried before giving up


class _TakenElsewhere(Exception):
    """--port 0: the free port bound on the name's first address (``first``, still bound) is taken on
    another of its addresses (``at``)."""

    def __init__(self, first: socket.socket, at: str):
        super().__init__(at)
        self.first, self.at = first, at


def _bind_each(addresses: list[tuple], host: str, port: int) -> list[socket.socket]:
    """A socket bound on each of ``addresses`` (port 0: the first's free port on the others too)."""
    import errno

    sockets: list[socket.socket] = []
    try:
        for family, addr in addresses:
            if port == 0 and sockets:  # one free port for the server, on each of its addresses
                addr = (addr[0], sockets[0].getsockname()[1], *addr[2:])
            try:
                sockets.append(_bind_one(family, addr))
            except OSError as exc:
                if port == 0 and sockets and exc.errno == errno.EADDRINUSE:
                    first = sockets.pop(0)  # kept bound by _bind: the next try gets another port
                    raise _TakenElsewhere(first, addr[0]) from None
                raise _cannot_listen(host, port, addr[0], exc) from None
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _host_hint(host: str) -> str:
    """What to give for a --host that names no host as a URL writes it: `[::1]`, which the start-up line shows
    (`http://[::1]:8000/`), or a port after the address (found in a re-read: "cannot resolve", nothing more)."""
    address, _, after = host.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        return f": give an IPv6 address without its brackets, --host {host[1:-1]}"
    if address and after.isdigit() and ":" not in address:  # 127.0.0.1:8000, localhost:8000 (not an IPv6 address)
        return f": the port goes in --port, --host {address} --port {after}"
    return ""


def _listen_addresses(host: str, port: int) -> list[tuple]:
    """(family, address) of each socket asyncio's ``create_server`` binds for ``host``: its getaddrinfo
    call (any family, a stream socket, ``AI_PASSIVE``), each address once."""
    try:
        infos = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise RecurError(f"--host {host}: cannot resolve ({exc.strerror}){_host_hint(host)}") from None
    except UnicodeError:  # the name's IDNA encoding: a traceback for `--host a..b`, a typo (found in a re-read)
        raise RecurError(
            f"--host {host}: cannot resolve (not a host name: a part between dots is empty or over 63 characters)"
        ) from None
    return list(dict.fromkeys((family, addr) for family, _, _, _, addr in infos))


# SO_REUSEADDR where asyncio's create_server, which uvicorn bound with, sets it (POSIX): a restart binds the port
# its last connections left in TIME_WAIT. Not on Windows, where it lets a socket bind a port another server
# listens on (and listen too): with the server's own sockets listening since the fix-listen merge, a second
# `recur serve` on a fixed --port would have served beside the first, where uvicorn's bind had failed
REUSE_ADDRESS = os.name == "posix" and sys.platform != "cygwin"


def _bind_one(family: int, addr: tuple) -> socket.socket:
    """A socket bound to ``addr``, or the OSError of its bind (the socket closed)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    if REUSE_ADDRESS:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:  # as asyncio: ::1 alone, not also 127.0.0.1 through a dual-stack socket
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        sock.bind(addr)
    except OSError:
        sock.close()
        raise
    return sock


def _cannot_listen(host: str, port: int, address: str, exc: OSError, overlap: str | None = None) -> RecurError:
    """The error for a bind or listen of ``host``:``port`` that failed on ``address``, one of the name's
    addresses (named when it is not ``host`` itself); ``overlap``: another of them, listening already, that
    takes the port at ``address`` too (_overlapping)."""
    at = "" if address == host.strip("[]") else f" at {address}"
    if overlap is not None:  # no other server: no other port would do
        hint = f"; {host} names both {overlap} and {address}, which share a port: give --host one of them."
    else:
        hint = _bind_hint(exc.errno)
    return RecurError(f"cannot listen on {host}:{port} ({exc.strerror}{at}){hint}")


def _bind_hint(code: int | None) -> str:
    """What to change for a bind that failed: the port only when it is taken. An address this host does
    not have (a --host for another machine, or one not yet up) was told "is another server running? Pick
    another --port", which no port fixes (found running recur serve as an operator)."""
    import errno

    if code == errno.EADDRINUSE:
        return "; is another server running? Pick another --port."
    if code == errno.EADDRNOTAVAIL:
        return "; no network interface of this host has that address: give one it has with --host (0.0.0.0: all)."
    return ""


def _listening(host: str, port: int, backlog: int) -> list[socket.socket]:
    """``_bind``'s sockets, listening: a connection made from now on waits in their queue (``backlog``, uvicorn's,
    which it listens with again) until uvicorn's loop accepts it. The start-up line came before: with --port 0 the
    socket was bound but not listening until uvicorn's start (its lifespan, then ``create_server``), and with a
    fixed --port uvicorn bound it only then, so a client that connected on reading the line (a script, a health
    check, a test) was refused (found in CI). Or the RecurError that says why not: a port another socket bound
    with SO_REUSEADDR, as this one is on POSIX (REUSE_ADDRESS), listens on first fails here, not at the bind."""
    sockets = _bind(host, port)
    try:
        for n, sock in enumerate(sockets):
            try:
                sock.listen(backlog)
            except OSError as exc:  # said as _bind_each says a bind's
                address, bound = sock.getsockname()[:2]
                raise _cannot_listen(host, bound, address, exc, _overlapping(sock, sockets[:n])) from None
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _overlapping(sock: socket.socket, listening: list[socket.socket]) -> str | None:
    """The address of one of ``listening`` (this server's, on the same port) that takes ``sock``'s port from it:
    of the same family, one of the two the family's every address (0.0.0.0, ::). A name that resolves to both
    (`0.0.0.0 kb` and `127.0.0.1 kb` in /etc/hosts) binds both, neither listening yet (SO_REUSEADDR), and the
    second's listen fails with EADDRINUSE, which said "is another server running? Pick another --port": none was,
    and every port fails the same (found testing this path for real, in a namespace with such a hosts file)."""
    import ipaddress

    mine = sock.getsockname()[0]
    for other in listening:
        theirs = other.getsockname()[0]
        if other.family == sock.family and any(ipaddress.ip_address(a).is_unspecified for a in (mine, theirs)):
            return theirs
    return None


def _check_port(host: str, port: int) -> None:
    for sock in _bind(host, port):
        sock.close()


def _root_path(value: str | None) -> str:
    """--root-path as uvicorn takes it: "" for none, else "/recur" (no trailing slash). Plain
    segments only: the prefix is written into /docs' page and script as it is."""
    import re

    raw = (value or "").strip()
    prefix = raw.rstrip("/")
    if prefix and not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", prefix):
        raise click.BadParameter(
            f"{raw!r} is not a path prefix; give the one the proxy serves Recur under, e.g. /recur "
            "(segments of letters, digits, '.', '_', '~' and '-')"
        )
    return prefix


def _allowed_hosts(ctx, param, values) -> tuple:
    """--allowed-host: host names or IP addresses, each with a port or not (ignored). Anything else
    ("https://kb.example.com", "kb.example.com/recur", "*.example.com") was taken as a name no Host header
    ever is: every request through the proxy was refused 421, and nothing was said at start."""
    from recur.serve.preflight import names_a_host

    for value in values or ():
        if not names_a_host(value):
            raise click.BadParameter(
                f"{value!r} is not a host name: give the name the reverse proxy passes in Host, e.g. kb.example.com "
                "(no scheme, path or wildcard; a port is ignored)"  # a variable's: main._name_variable
            )
    return tuple(values or ())


def _access(token: str | None, scope: str, votes: bool = True) -> str:
    """The start-up line says who may write: an open server must not be a surprise. With votes off nothing
    is written, and "anyone can post feedback" would be untrue; so would "token required on feedback" under
    --token-scope write, where the token then guards nothing served (found in review)."""
    if not token and not votes:
        return "no token (--token-file or RECUR_TOKEN): open, but nothing is written"
    if not token:
        return "OPEN: no token (--token-file or RECUR_TOKEN), anyone who can reach this port can post feedback"
    if scope != "all" and not votes:
        return "token set, but nothing it guards is served: votes off"
    return "token required on " + ("every API route and /metrics" if scope == "all" else "feedback")


def _slack_said(secret: str | None, site_url: str | None) -> str:
    """What the start-up line says of Slack when it is on. Found wiring Slack for a team: the line named
    the token but not Slack, so a misnamed secret variable (Slack's routes then answer 404) showed nothing
    in the log, and replies without --site-url link no page, which nothing said either."""
    if not secret:
        return ""
    pages = "" if site_url else " (its replies link no pages: --site-url or RECUR_SITE_URL)"
    return f"; Slack on /api/slack/commands and /api/slack/interactions{pages}"


def _built_site_url(site, site_url: str | None) -> tuple[str | None, str]:
    """(the site URL, what the start-up line says of it). Without --site-url, the one the served site was
    built with (mkdocs.yml's site_url or `recur site --site-url`, kept in its marker): a team that set it
    where `recur init`'s mkdocs.yml asks got Slack replies and MCP answers that linked no page, and alerts'
    runbook links unread (found installing Recur for a team). Read once, at start."""
    if site_url is not None or site is None:
        return site_url, ""
    from recur.kb.site_record import built_site_url

    url = built_site_url(site)
    return url, f"; site URL {url} (the built site's)" if url else ""


def _feedback_file(kb_dir, feedback_path) -> tuple[str | None, str]:
    """(the feedback log the server writes, checked writable, or None for votes off (--no-feedback, or a default
    log that cannot be made: _default_log_or_off), what the start-up line says of it: where votes go, always,
    or that they are off). The default
    log, not named by --feedback or RECUR_FEEDBACK, goes beside the KB (its repository's .recur/feedback.jsonl)
    when the server runs from a folder that is neither the KB nor above it: `cd /tmp && recur serve --kb
    /srv/team/kb` wrote the votes into /tmp/.recur, where `recur feedback` and `recur tune` run in the KB's
    repository never look, and said nothing (found in review). A log named is where it was named, relative
    ones too. Each log is checked once (the one beside the KB was checked twice)."""
    from recur.ingest.feedback import check_writable

    if feedback_path is None:  # --no-feedback
        return None, "; votes off (--no-feedback)"
    if _feedback_defaulted() and not Path(kb_dir).is_dir():
        return _no_kb_no_votes(kb_dir)
    said, beside = "", None
    if _feedback_defaulted():
        beside = config.state_elsewhere(kb_dir, "feedback", feedback_path)
    if beside is not None:
        try:
            check_writable(beside)
            _votes_left_here(feedback_path, beside)
            return str(beside), f"; votes go to {config.from_here(beside)}, beside the KB"
        except RecurError:  # a read-only checkout (a container's mounted KB): served as before, and said
            said = f"; votes go to {feedback_path}: {config.from_here(beside.parent)} cannot be written"
    if not _feedback_defaulted():
        check_writable(feedback_path)  # a log named (--feedback, RECUR_FEEDBACK) that cannot be written: an error
        return feedback_path, said or f"; votes go to {config.from_here(feedback_path)}"
    return _default_log_or_off(feedback_path, said)


def _votes_left_here(feedback_path, beside: Path) -> None:
    """A warning when the default log under the current folder has votes and the server writes beside the KB:
    a server started from ``/`` (a systemd unit without WorkingDirectory=) kept them in /.recur/feedback.jsonl
    before this version, and now writes the KB repository's .recur/feedback.jsonl, where `recur feedback` and
    `recur tune` look; the votes before the upgrade were left behind and nothing said so (an upgrade review).
    Only from ``/``: 0.2.0 wrote beside the KB from every other folder but the KB's repository and those above it
    (served from there now, the log is theirs and nothing is left behind), so another folder's log is not this
    KB's: said from KB A's checkout serving KB B, it told the operator to merge A's votes into B's (a re-read).
    ``os.path.isfile``, not ``Path.is_file``, which raises on a folder the server may not read (EACCES): a check
    that only warns must not stop the server (a re-read)."""
    if not config.at_root():
        return
    old = Path(feedback_path).resolve()
    if os.path.isfile(old) and old != beside.resolve():
        click.echo(
            f"warning: votes before this version may be in {old}: move them to {beside.resolve()}, where this "
            f"server writes them, beside the KB (cat {old} >> {beside.resolve()}, then remove it), or keep "
            f"that log with --feedback {old}",
            err=True,
        )


def _no_kb_no_votes(kb_dir) -> tuple[None, str]:
    """Votes off, and one warning line that says why, when the KB folder does not exist and no log is named.
    Served from its index alone (an index-only deployment) the server answers as before, but the default log
    has no KB to go beside: `recur serve --kb ../team-kbb/kb` (a typo) made ../team-kbb/.recur/ and `--kb
    /nonexist` made /.recur/, for votes no other command reads (found in review). A log named is still taken."""
    click.echo(
        f"warning: votes are off: no knowledge base folder at {kb_dir} for the default feedback log to go beside; "
        "to take them, give --feedback FILE (or RECUR_FEEDBACK), or say --no-feedback (RECUR_NO_FEEDBACK=1) to "
        "turn them off without this warning",
        err=True,
    )
    return None, f"; votes off (no knowledge base folder at {kb_dir})"


def _feedback_defaulted() -> bool:
    """Whether --feedback is its default: neither given on the command line nor by RECUR_FEEDBACK."""
    source = click.get_current_context().get_parameter_source("feedback_path")
    return source is click.core.ParameterSource.DEFAULT


def _default_log_or_off(feedback_path, said: str) -> tuple[str | None, str]:
    """The default feedback log, when it can be written; else votes off, and one warning line that says why
    and how to take them. A read-only deployment (a container's read-only root, a read-only bind mount of the
    KB's checkout) stopped at start with "--feedback .recur/feedback.jsonl: cannot create its folder
    (Read-only file system)", though the docs present it as supported and no option turned votes off (found
    in an operator's review). A log named that cannot be written is still an error (_feedback_file)."""
    from recur.ingest.feedback import check_writable

    try:
        check_writable(feedback_path)
    except RecurError as exc:
        click.echo(
            f"warning: votes are off: {exc}; to take them, give a writable --feedback FILE (or RECUR_FEEDBACK), "
            "or say --no-feedback (RECUR_NO_FEEDBACK=1) to turn them off without this warning",
            err=True,
        )
        return None, "; votes off (the default feedback log cannot be written)"
    # named whichever log it is: only a server run from another folder said where votes go (privacy review)
    return feedback_path, said or f"; votes go to {config.from_here(feedback_path)}"


def _votes_wanted(no_feedback: bool, feedback_path):
    """``feedback_path``, or None for --no-feedback (RECUR_NO_FEEDBACK). Both given is a usage error: which
    one was meant cannot be guessed, and a log named but not written would lose votes in silence."""
    if not no_feedback:
        return feedback_path
    if not _feedback_defaulted():
        ctx = click.get_current_context()
        params = {p.name: p for p in ctx.command.params}
        off, log = (came_from(ctx, params[name]) for name in ("no_feedback", "feedback_path"))
        raise click.UsageError(
            f"--no-feedback{off} and --feedback{log} were both given: give one "
            "(--no-feedback takes no votes; --feedback FILE writes them there)",
            ctx,
        )
    return None


def _warn_of_low_space(feedback_path) -> None:
    """One warning line at start when the feedback log's disk is nearly full (config's min_free_mib): votes
    then fail with 503 feedback_unavailable, which said nothing until they did (/healthz says it too)."""
    from recur.ingest.feedback import space_low

    low = space_low(feedback_path, config.get("min_free_mib"))
    if low:
        click.echo(
            f"warning: {low}: votes to {feedback_path} are refused (503 feedback_unavailable) once it is full", err=True
        )


def _warn_of_a_log_others_read(feedback_path) -> None:
    """One warning line at start when users outside the server's group can read the feedback log: it holds each
    voter's query verbatim. This version makes it 0o660 less the umask (ingest.feedback.FEEDBACK_MODE, 0o640
    under 022), but a log an older Recur made keeps its 0o644, and only a secret file others could read was
    warned of (found in re-review). Not preflight.exposed: that warns of the group too, with "chmod 600",
    where the log's group is meant to read it (a teammate's `recur tune`). A log not made yet: nothing."""
    import stat

    try:
        mode = stat.S_IMODE(os.stat(feedback_path).st_mode)
    except OSError:
        return
    if os.name == "posix" and mode & stat.S_IROTH:
        click.echo(
            f"warning: the feedback log {feedback_path} is readable by others (mode {mode:04o}), as an older Recur "
            "made it; chmod o-rwx it: it holds what voters searched",
            err=True,
        )


# what a Slack token starts with (bot, user, app-level, refresh...): no signing secret, which is 32 hex digits
SLACK_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-", "xoxa-", "xoxe-", "xoxr-", "xoxs-")


def _slack_secret(path) -> str | None:
    """The signing secret from --slack-signing-secret-file, else RECUR_SLACK_SIGNING_SECRET, else None, read
    as the API token is (preflight.read_secret: stripped, so the variable's trailing newline is no 401). Found
    in review: the variable set but blank started the server with Slack off and nothing said, and a token
    pasted where the secret goes was taken, every Slack request then refused 401: each is a warning at start."""
    from recur import config
    from recur.serve.preflight import read_secret

    option = "--slack-signing-secret-file"
    secret = read_secret(path, config.raw("slack_signing_secret"), option=option, what="signing secret")
    where = f"{option} {path}" if path else config.SETTINGS["slack_signing_secret"].env
    if secret == "":
        click.echo(
            f"warning: {where} is set but blank: Slack is off (its routes answer 404 slack_not_configured); "
            "set it to the app's signing secret, or unset it",
            err=True,
        )
        return None
    if secret and secret.lower().startswith(SLACK_TOKEN_PREFIXES):
        click.echo(
            f"warning: {where} holds a Slack token ({secret[:5]}…), not the app's signing secret: every "
            "Slack request will be refused 401 bad_signature; the secret is under Basic Information, App "
            "Credentials, Signing Secret",
            err=True,
        )
    return secret


def _exit_decided() -> None:
    """The start failed, its exit 1 decided: from here main()'s process ignores SIGINT and SIGTERM, so a stop
    signal that comes once it has failed (an operator or a script reading the ERROR) changes no exit code. SIGINT
    main._settled ignores; SIGTERM, main()'s handler until now, Python put back to its default as it shut down
    after the error's line: a SIGTERM then ended the process by the signal, 7 runs in 12 where the port was taken
    (found in a re-read), which Restart=on-failure takes for a clean stop. Without main() (a test's CliRunner) its
    process's handlers are left as they are."""
    import signal

    from recur.cli.main import _PROCESS, _settled

    if _PROCESS["own"]:
        _settled()  # SIGINT ignored (noted: a next main() in the process takes it again)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _failed_start_exits_1(command):
    """``command`` (serve), whose check that fails before the start-up line (a RecurError, an OSError: main's
    exit 1) decides the exit (_exit_decided) before its ERROR line is written."""
    import functools

    @functools.wraps(command)
    def checked(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (RecurError, OSError, click.ClickException):
            _exit_decided()
            raise

    return checked


@click.command()
@kb_option
@index_option
@model_option
@click.option("--host", **setting("host"), show_default=True, help="Address to listen on (env RECUR_HOST).")
@click.option(
    "--port", **setting("port"), show_default=True, type=click.IntRange(0, 65535), help="Port (env RECUR_PORT)."
)
@click.option(
    "--site",
    "site_dir",
    **setting("site"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Built static site to serve at / (from `recur site`; env RECUR_SITE, as there); if missing, "
    "only the API is served.",
)
@click.option(
    "--feedback",
    "feedback_path",
    **setting("feedback"),
    show_default=True,
    type=OutFile(),
    help="Where 👍/👎 votes are appended (env RECUR_FEEDBACK).",
)
@click.option(
    "--no-feedback",
    **setting("no_feedback"),
    is_flag=True,
    help="Take no votes: POST /api/feedback answers 404 feedback_off, the site shows no vote buttons, /healthz "
    "says feedback false (env RECUR_NO_FEEDBACK=1). For a read-only deployment; without it, a default feedback "
    "log that cannot be made turns votes off too, with a warning.",
)
@click.option(
    "--max-body-kib",
    **setting("max_body_kib"),
    show_default=True,
    type=click.IntRange(1, 4096),
    help="Request body limit for the API (Alertmanager: 4 MiB; Slack: 1 MiB; /api/suggest, /api/feedback and /mcp: at "
    f"least {config.TEXT_MAX_BODY_KIB} KiB, a text of 20,000 characters as JSON escapes); env RECUR_MAX_BODY_KIB.",
)
@click.option(
    "--threads",
    **setting("threads"),
    show_default=True,
    type=click.IntRange(0, 64),
    help="Threads for the query encoder (0: one per CPU core; env RECUR_THREADS). One is fastest for short "
    "queries on a small box and leaves a core for HTTP and ranking (bench/serve.py).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    help="Require 'Authorization: Bearer <token>' (the file's first line) on feedback; env RECUR_TOKEN "
    "holds the token itself. Without either, anyone who reaches the port can post feedback.",
)
@click.option(
    "--token-scope",
    type=click.Choice(["write", "all"], case_sensitive=False),  # RECUR_TOKEN_SCOPE=ALL too: no restart loop
    **setting("token_scope"),
    show_default=True,
    help="write: the token guards feedback; all: every API route and /metrics (/healthz and the site stay "
    "open). Env RECUR_TOKEN_SCOPE.",
)
@click.option(
    "--feedback-rate",
    **setting("feedback_rate"),
    show_default=True,
    type=click.IntRange(0, 100000),
    help="Votes per minute per client address (bursts of half that); past it, 429. 0: no limit "
    "(env RECUR_FEEDBACK_RATE). Behind a trusted reverse proxy (one on 127.0.0.1 or ::1, or named in "
    "FORWARDED_ALLOW_IPS) the client address is the one its X-Forwarded-For names, else the peer's: every "
    "client behind an untrusted proxy shares the proxy's limit.",
)
@click.option(
    "--max-concurrent",
    **setting("max_concurrent"),
    show_default=True,
    type=click.IntRange(1, 10000),
    help="Searches handled at once, and as many other requests (the site, pattern reads); past it, a fast 503 with Retry-After (not a queue); env RECUR_MAX_CONCURRENT.",
)
@click.option(
    "--max-concurrent-per-client",
    **setting("max_concurrent_per_client"),
    show_default=True,
    type=click.IntRange(0, 10000),
    help="Searches of /api/suggest one client address (the feedback limit's) has in progress at once; past it, "
    "a 429 with Retry-After, so one client cannot take every search place from responders. 0: a quarter of "
    "--max-concurrent, at least 1. Its MCP requests (POST /mcp) are counted apart, at least 4; Slack, webhook "
    "calls and MCP event streams are not counted here (env RECUR_MAX_CONCURRENT_PER_CLIENT).",
)
@click.option(
    "--webhook-share",
    **setting("webhook_share"),
    show_default=True,
    type=Range(0, 1, min_open=True),
    help="Share of the search slots (one per CPU core) and of --max-concurrent that webhook calls "
    "(/api/alertmanager) may take at once, at least one each; searches from /api/suggest, MCP and Slack go "
    "before theirs, so a storm of alert groups does not queue ahead of a responder. Env RECUR_WEBHOOK_SHARE.",
)
@click.option(
    "--webhook-max-wait",
    **setting("webhook_max_wait"),
    show_default=True,
    type=Range(0, 3600),
    help="Seconds a webhook call's search lets searches from /api/suggest, MCP and Slack go first; then it "
    "takes its turn in their line (within --webhook-share), so a steady stream of them cannot hold a webhook "
    "call until its sender times out. Env RECUR_WEBHOOK_MAX_WAIT.",
)
@click.option(
    "--header-timeout",
    **setting("header_timeout"),
    show_default=True,
    type=Range(0.1, 600),
    help="Seconds a client has to send its request headers (then 408 and close); env RECUR_HEADER_TIMEOUT.",
)
@click.option(
    "--body-timeout",
    **setting("body_timeout"),
    show_default=True,
    type=Range(0.1, 3600),
    help="Seconds a client has to send its request body (then 408 and close); env RECUR_BODY_TIMEOUT.",
)
@click.option(
    "--send-timeout",
    **setting("send_timeout"),
    show_default=True,
    type=Range(0.1, 3600),
    help="Seconds a response may wait on a client that reads none of it (then the connection is dropped); "
    "env RECUR_SEND_TIMEOUT.",
)
@click.option(
    "--shutdown-grace",
    **setting("shutdown_grace"),
    show_default=True,
    type=Range(0, 86400),
    metavar="SECONDS",
    help="Seconds requests in progress (MCP tool calls too) have to finish after SIGTERM or Ctrl-C; those still "
    "running then are answered 503 shutting_down. 0: none. Keep it below the service manager's own limit "
    "(Kubernetes' terminationGracePeriodSeconds, systemd's TimeoutStopSec); env RECUR_SHUTDOWN_GRACE.",
)
@click.option(
    "--slack-signing-secret-file",
    "slack_secret_file",
    type=click.Path(dir_okay=False, exists=True),
    help="File holding the Slack app's signing secret: turns on /api/slack/* (or set RECUR_SLACK_SIGNING_SECRET).",
)
@click.option(
    "--site-url",
    **setting("site_url"),
    metavar="URL",
    callback=http_url,
    help="Base URL (http:// or https://) of the built site, for pattern links in Slack replies and page urls in "
    "MCP answers on /mcp (env RECUR_SITE_URL).",
)
@click.option(
    "--mcp-max-sessions",
    **setting("mcp_max_sessions"),
    show_default=True,
    type=click.IntRange(1, 100000),
    help="MCP sessions open at once on /mcp (~40 KiB each); past it a new session closes the least recently "
    "used idle one to make room (first of the client holding the most, then its own), and gets 503 only while "
    "every session has a request in flight (env RECUR_MCP_MAX_SESSIONS).",
)
@click.option(
    "--mcp-max-sessions-per-client",
    **setting("mcp_max_sessions_per_client"),
    show_default=True,
    type=click.IntRange(1, 100000),
    help="MCP sessions one client address keeps open on /mcp; past it the client's least recently used idle "
    "session is closed to make room (env RECUR_MCP_MAX_SESSIONS_PER_CLIENT).",
)
@click.option(
    "--mcp-idle-timeout",
    **setting("mcp_idle_timeout"),
    show_default=True,
    type=Range(1, 86400),
    help="Seconds an MCP session may stay idle before it is closed (its client then opens a new one; env RECUR_MCP_IDLE_TIMEOUT).",
)
@click.option(
    "--access-log",
    **setting("access_log"),
    is_flag=True,
    help="Write one line per request to stderr, in the Combined Log Format nginx writes, with the time "
    "taken and the request's X-Request-Id (env RECUR_ACCESS_LOG=1). Off by default: query strings can carry what a responder typed.",
)
@click.option(
    "--log-format",
    **setting("log_format"),
    show_default=True,
    # any letter case: RECUR_LOG_FORMAT=JSON refused was a restart loop under systemd (an SRE's review)
    type=click.Choice(["text", "json"], case_sensitive=False),
    help="How each line on stderr is written: text, '2026-12-05T10:01:02Z WARNING recur.serve: message' (UTC); "
    "json, one object a line with time, level, logger and message (env RECUR_LOG_FORMAT). The access log "
    "keeps its Combined Log Format in text.",
)
@click.option(
    "--allowed-host",
    "--mcp-allowed-host",
    "mcp_allowed_hosts",
    **setting("mcp_allowed_hosts"),
    multiple=True,
    metavar="HOST",
    callback=_allowed_hosts,
    help="Behind a reverse proxy that passes its own Host (Caddy, Traefik, nginx with proxy_set_header Host): "
    "also accept this host name. Bound to loopback, every route (the API, the site, /metrics, /mcp) refuses "
    "a Host or Origin that is not loopback (421/403) against DNS rebinding; on any other address, naming "
    "hosts turns the same check on (IP addresses are accepted there too). Repeatable; --mcp-allowed-host is "
    "the old name (env RECUR_MCP_ALLOWED_HOSTS, space-separated).",
)
@click.option(
    "--root-path",
    **setting("root_path"),
    metavar="PREFIX",
    callback=lambda ctx, param, value: _root_path(value),
    help="Behind a reverse proxy that serves Recur under PREFIX (https://host/recur/) and strips it: the "
    "prefix, e.g. /recur, so /docs and openapi.json point under it (env RECUR_ROOT_PATH). The site and "
    "its suggest box work under a prefix without it.",
)
@_failed_start_exits_1
# long: a parameter a line for each of its options, create_app's keywords a line each; the body is ~30 lines
def serve(
    kb_dir,
    index_dir,
    model,
    host,
    port,
    site_dir,
    feedback_path,
    no_feedback,
    max_body_kib,
    threads,
    token_file,
    token_scope,
    feedback_rate,
    header_timeout,
    send_timeout,
    shutdown_grace,
    slack_secret_file,
    site_url,
    mcp_max_sessions,
    mcp_idle_timeout,
    mcp_allowed_hosts,
    access_log,
    root_path,
    **limits,
):
    """Serve suggestions over HTTP, the Alertmanager webhook and the built site.

    \b
    The model and index load once in the background (GET /healthz turns 200 when warm);
    a rebuilt index (`recur index`) is picked up without a restart.
    API: POST /api/suggest, GET /api/patterns[/ID], GET /api/report (the problem board), POST /api/alertmanager,
    POST /api/feedback;
    documentation at /docs (works offline). MCP (streamable HTTP, read-only tools): /mcp.
    Slack: POST /api/slack/commands and /api/slack/interactions, with a signing secret.
    """
    _process_setup(threads, access_log, limits.pop("log_format"))  # not create_app's, as the rest of limits
    _hup_while_starting()  # main() did already (_log_to_stderr); a test's CliRunner calls serve alone
    feedback_path = _votes_wanted(no_feedback, feedback_path)
    index_dir = repository_index(kb_dir, index_dir)  # systemd starts it from `/`, as desktop clients start mcp
    token, site, feedback = _preflight(kb_dir, index_dir, model, host, port, site_dir, feedback_path, token_file)
    from recur.serve.preflight import rebinding_unchecked

    if unchecked := rebinding_unchecked(host, tuple(mcp_allowed_hosts or ())):  # after the checks that fail
        click.echo(f"warning: {unchecked}", err=True)
    slack_secret = _slack_secret(slack_secret_file)
    site_url, url_said = _built_site_url(site, site_url)
    # the web stack (fastapi, the MCP SDK, uvicorn: seconds to import) only once every check has passed
    from recur.serve.app import create_app

    app = create_app(
        _engine_loader(kb_dir, index_dir, model, threads),
        site_dir=site,
        feedback_path=feedback[0],
        feedback_min_free_mib=config.get("min_free_mib"),
        max_body=max_body_kib * 1024,
        on_fatal=(stop := _StopOnFatal()),  # _run waits on it
        token=token,
        token_scope=token_scope,
        feedback_per_minute=feedback_rate,
        slack_signing_secret=slack_secret,
        site_url=site_url,
        host=host,
        mcp_max_sessions=mcp_max_sessions,
        mcp_idle_seconds=mcp_idle_timeout,
        mcp_allowed_hosts=tuple(mcp_allowed_hosts or ()),
        kb_dir=kb_dir,  # GET /api/report's board, read while the model loads
        **limits,  # --max-concurrent, --webhook-*, --body-timeout, --mcp-max-sessions-per-client: create_app's names
    )
    said = _access(token, token_scope, feedback[0] is not None) + feedback[1] + _slack_said(slack_secret, site_url)
    paths = (site / "index.html").is_file()  # a site to find /paths/ in (else a 404 named as a newcomer's way in)
    timeouts = (header_timeout, send_timeout, shutdown_grace)
    _run(app, stop, (host, port, root_path), timeouts, said + url_said, paths)


def _process_setup(threads: int, access_log: bool, log_format: str) -> None:
    """Before numpy/torch load: BLAS and OpenMP pools of the same size, no idle spinning. The log's
    format on stderr (applog; main() set it already, before its own warnings), and the access log there,
    when asked for."""
    from recur.serve import applog

    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, str(threads))
    if applog.installed() != log_format:  # serve called without main() (a test's CliRunner)
        applog.install(log_format)
    if access_log:
        from recur.serve.access import enable

        enable(applog.stream(), log_format)


def _log_to_stderr(params: dict) -> None:
    """main()'s hook, once serve's arguments are read and before main's own warnings (a misspelt RECUR_
    variable): from here on, every line on stderr in --log-format's format (applog). The usage error
    of --no-feedback with a log named first, plain as click's own (after, its lines were INFO records)."""
    from recur.serve import applog

    _votes_wanted(params.get("no_feedback"), params.get("feedback_path"))
    applog.install(params.get("log_format") or config.default("log_format"))
    _hup_while_starting()  # the first thing serve does once its arguments are read
    _ctrl_c_while_starting()


def _ctrl_c_while_starting() -> None:
    """SIGINT ignored at start (`recur serve &` in a script) is main()'s Ctrl-C from here on, as it is from the
    start-up line on (_stop_on_signals): main() leaves an ignored SIGINT ignored, so a `kill -INT` before the
    line (the checks, the web stack's import: 1-2 s) did nothing and the server went on to serve, a script's
    clean-up leaving it running (found in a re-read); docs/cli.md has it exit 130 there, as a Ctrl-C does.
    main()'s hook only (_log_to_stderr): a test's CliRunner keeps its own process's SIGINT."""
    import signal

    from recur.cli.main import _interrupt

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupt)


def _hup_while_starting() -> None:
    """SIGHUP before ``_reload_on_hup`` is installed (the web stack's imports, the checks, the socket: 1-2 s)
    ended the process at once, exit 129 and no line in the log, and systemd's Restart=on-failure does not
    restart a process a signal ended (found in an operator's review: `systemctl reload` right after a start).
    There is nothing to reload then: the engine, loaded after the server starts, reads the index as it is.
    ``cli/starting.py`` noted those received before the log was set up; this says them, then each one later.
    A handler, not SIG_IGN, which the export child (onnx_encoder) would inherit through exec."""
    import signal

    from recur.cli import starting

    def said(signum=None, frame=None) -> None:
        _said_on_signal("SIGHUP while starting: nothing to reload yet (the index is read as it is now).")

    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, said)
        if starting.HUPS:
            starting.HUPS.clear()
            said()


def _preflight(kb_dir, index_dir, model, host: str, port: int, site_dir, feedback_path, token_file) -> tuple:
    """(token, site folder, (feedback log, what the start-up line says of it): _feedback_file): every check that
    can fail made before the server starts; a missing built site is only a warning (the API is served without
    it)."""
    from recur.serve.preflight import check_forwarded_allow_ips, read_token

    check_mcp_settings()  # /mcp's past_incidents reads it on each call
    check_engine_inputs(kb_dir, index_dir, model)  # as recur mcp: here, not in the engine's background load
    check_forwarded_allow_ips(os.environ.get("FORWARDED_ALLOW_IPS"))  # uvicorn's, which README documents
    token = read_token(token_file, config.raw("token"))  # set but blank: an error, not "open"
    feedback_path, votes_said = _feedback_file(kb_dir, feedback_path)
    if feedback_path is not None:  # votes on
        _warn_of_low_space(feedback_path)
        _warn_of_a_log_others_read(feedback_path)
    _check_port(host, port)
    site = Path(site_dir)
    if not (site / "index.html").is_file():
        click.echo(
            f"warning: no built site at {site_dir} yet (run: recur site --out {site_dir}); "
            "serving the API, and the site once it is built.",
            err=True,
        )
    return token, site, (feedback_path, votes_said)


def _engine_loader(kb_dir, index_dir, model, threads: int):
    """What the server runs in the background to load the engine (and again on a rebuilt index)."""
    from recur.cli.startup import open_engine

    def load_engine():
        engine = open_engine(kb_dir, index_dir, model)
        if threads and "torch" in sys.modules:  # the PyTorch encoder: its pool is process-wide. ONNX
            import torch  # Runtime runs one thread a query, and OMP_NUM_THREADS above caps its batches

            torch.set_num_threads(threads)
        return engine

    return load_engine


class _StopOnFatal:
    """create_app's ``on_fatal``: remembers the failure (the engine could not load) and asks the
    server to exit; ``server`` is set once it exists."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.server = None

    def __call__(self, message: str) -> None:
        self.failed.append(message)
        if self.server is not None:
            self.server.should_exit = True


def _said_on_signal(line: str) -> None:
    """A line a signal handler writes: an INFO record of the server's logger (applog.LOGGER), the same
    line sys.stderr would have made of it, written without the line buffer of applog's stderr."""
    import logging

    from recur.serve import applog

    logging.getLogger(applog.LOGGER).info("%s", line)


def _reload_on_hup(holder) -> None:
    """SIGHUP, a service manager's "reload" (systemctl reload), checks the index for a rebuild now,
    as the server does every second by itself. Unhandled, it ended the process at once, the
    requests in progress lost, with no line in the log (found in review)."""
    import signal
    import threading

    def on_hup(signum, frame):
        # to the log's logger, not through sys.stderr's line buffer (applog._Lines), which the main
        # thread may be in the middle of when the signal arrives
        _said_on_signal("SIGHUP: checking the index for a rebuild (it is picked up by itself too).")
        # force: a rebuilt index refused before is tried again even if its files look unchanged
        threading.Thread(target=holder.check_reload, kwargs={"force": True}, name="recur-hup", daemon=True).start()

    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, on_hup)


def _say_stopping(server, grace: float, holder=None) -> list:
    """One line in the log when a stop signal arrives: SIGTERM (systemctl stop, Kubernetes) left none,
    so a log showed no cause for the server ending (found in an operator's review). This wraps
    ``server.handle_exit``, which _stop_on_signals installs for SIGTERM and SIGINT from the start-up line on (and
    uvicorn again when it runs), and tells ``holder`` (the EngineHolder: a load still running says no "Ready"
    after it). Returns the signals received."""
    import signal

    handle = server.handle_exit
    received: list = []

    def handle_exit(sig, frame):
        received.append(sig)
        if holder is not None:
            holder.stopping.set()
        name = signal.Signals(sig).name
        if not server.should_exit:  # the first signal; a second Ctrl-C forces the exit (uvicorn's)
            _said_on_signal(f"stopping: {name} received; {_grace_said(grace)}")
        elif len(received) == 1:  # the first signal, the server stopping already: its engine failed (on_fatal)
            _said_on_signal(f"stopping: {name} received while stopping on the engine's error{_failed_stop_said(sig)}")
        handle(sig, frame)

    server.handle_exit = handle_exit
    return received


def _failed_stop_said(sig) -> str:
    """What the line of a stop signal that comes while the server stops on its engine's failure says: Ctrl-C
    stops it at once (uvicorn's forced exit, as a second Ctrl-C), SIGTERM leaves the grace as it is; the exit
    is 1 either way (_run), the start having failed."""
    import signal

    at_once = ", at once (requests still running are cut short)" if sig == signal.SIGINT else ""
    return f"{at_once}; the exit is 1: the start failed."


def _grace_said(grace: float) -> str:
    """What the stop's line says of --shutdown-grace's ``grace`` seconds."""
    if grace == 0:
        return "no grace (--shutdown-grace 0): requests in progress are answered 503 shutting_down now."
    return (
        f"requests in progress have up to {grace:g} s to finish (--shutdown-grace), those still running then are "
        "answered 503 shutting_down."
    )


def _run(app, stop: _StopOnFatal, where: tuple, timeouts: tuple, access: str, paths: bool = True) -> None:
    """Serve ``app`` with uvicorn until it stops; exit 1 when it stopped because of ``stop``.
    ``where``: (host, port, root path); ``timeouts``: (header, send, shutdown grace) seconds; ``paths``: a site
    is built, whose onboarding paths the start-up line names."""
    from recur.serve import applog
    from recur.serve import server as serve_server

    host, port, root_path = where
    header_timeout, send_timeout, grace = timeouts
    stop.server = serve_server.server(
        serve_server.config(
            app,
            host,
            port,
            header_timeout=header_timeout,
            send_timeout=send_timeout,
            # --shutdown-grace (docs/operating.md's "Stopping"): it was 5 s, fixed, whatever the service
            # manager allowed (Kubernetes' 30 s, a long tool call); uvicorn's asyncio.timeout takes a float, 0 too
            timeout_graceful_shutdown=grace,
            root_path=root_path,
            log_config=applog.uvicorn_log_config(),  # uvicorn's lines in the server's format
        )
    )
    serve_server.quiet_shutdown_cancel(app.state.answering)
    serve_server.sdk_logs_as_the_servers()
    received = _say_stopping(stop.server, grace=grace, holder=app.state.holder)
    # listening before the line below (port 0: which one it says): a client that connects once it reads the line
    sockets = _listening(host, port, stop.server.config.backlog)
    port = sockets[0].getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    proxied = f", published by a proxy under {root_path}/" if root_path else ""
    # the onboarding paths named first: a newcomer's way in, which the start-up line did not show (new-hire review);
    # only with a site built (it named /paths/, a 404, with none: found in a re-read)
    onboarding = "onboarding paths: /paths/, " if paths else ""
    ctrl_c = _stop_on_signals(stop.server)  # before the line: a script or service manager acts on it, a stop too
    _reload_on_hup(app.state.holder)
    click.echo(
        f"Recur on http://{shown}:{port}/{proxied} ({onboarding}API docs: /docs, metrics: /metrics); "
        f"{access}. "
        "Loading the model and index...",
        err=True,
    )
    try:
        stop.server.run(sockets=sockets)
    finally:  # uvicorn closes them when it stops, not when its start fails (a lifespan error: sys.exit)
        for sock in sockets:
            sock.close()
    if stop.failed:
        _end_failed(ctrl_c)
    _end_as_signalled(received, ctrl_c)


def _stop_on_signals(server):
    """From the start-up line on, SIGTERM and SIGINT stop ``server`` as they do once it runs: its ``handle_exit``
    (_say_stopping's: the `stopping:` line, requests in progress given the grace). uvicorn installs that handler
    only inside ``server.run`` (capture_signals), after the event loop is made: a signal sent as soon as the line
    was read ended the process at once, with no line (SIGTERM, which serve had set to its default for uvicorn to
    raise again), or exited 130 with no line (SIGINT, and a SIGTERM just after the line: main()'s Ctrl-C path),
    or was ignored (SIGINT, where it was ignored at start: `recur serve &`), the server running on (found in a
    re-read: 8 SIGTERMs in 8 sent on reading the line). Taken before ``run``, the signal sets ``should_exit``:
    uvicorn starts and stops at once (its start-up, no main loop, its stop). Left installed: uvicorn installs the
    same handler, restores this one when it stops and raises what it took into it again (a repeat, no line);
    _end_as_signalled then ends the process as each signal asks, and puts back SIGINT's handler from before
    (main()'s, or ignored), which this returns."""
    import signal

    before = signal.signal(signal.SIGINT, server.handle_exit)
    signal.signal(signal.SIGTERM, server.handle_exit)
    return before


def _end_as_signalled(received: list, ctrl_c) -> None:
    """The end a stop signal (``received``: _say_stopping's) asks for, once the server has stopped; first SIGINT's
    handler before the start-up line (``ctrl_c``) is put back, and SIGTERM's default: not the server's, which would
    take either as a stop of a server stopped already. SIGTERM ends the process by that signal, as a service
    manager expects of `kill` (143 in a shell), not through main()'s Ctrl-C path (exit 130). SIGINT is a
    KeyboardInterrupt, main()'s Ctrl-C path: exit 130, by os._exit (no Python shutdown around an engine thread
    still in the model's native code: cli.main._leave), as docs/cli.md says, also where SIGINT was ignored at
    start (`recur serve &` in a script, then `kill -INT`), which exited 0. Both received: SIGTERM (the service
    manager's stop)."""
    import signal

    if ctrl_c is not None:  # None: set outside Python, which cannot be put back from here
        signal.signal(signal.SIGINT, ctrl_c)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if signal.SIGTERM in received:
        from recur.util.signals import end_by

        end_by(signal.SIGTERM)  # exits 143 itself as PID 1 (a container without init), where the kernel drops it
    if signal.SIGINT in received:
        raise KeyboardInterrupt


def _end_failed(ctrl_c) -> NoReturn:
    """Exit 1: the engine could not load (its ERROR said why), whatever stop signal came with the failure or
    after it. A Ctrl-C while the server stopped on the failure (an operator who read the ERROR) exited 130,
    "Interrupted.", and a SIGTERM ended it by the signal: the failure was lost to a service manager's restart
    rule and a script's exit check (found in a re-read). From here the exit code is decided: main()'s process
    ignores SIGINT and SIGTERM, as main._settled does SIGINT once a command is done (the server's handlers
    swapped for SIG_IGN at once, no moment for main()'s Ctrl-C path between); called without main() (a test's
    CliRunner), its process's handlers are put back, as _end_as_signalled does."""
    from recur.cli.main import _PROCESS

    if _PROCESS["own"]:
        _exit_decided()
    else:
        _end_as_signalled([], ctrl_c)
    sys.exit(1)


serve.before_warnings = _log_to_stderr  # main's RecurGroup calls it (applog)
