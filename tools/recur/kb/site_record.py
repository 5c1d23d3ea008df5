"""What a built site records of the KB it was built from, in its marker file (``.recur-site``).

``recur site`` (and ``mkdocs build`` with the recur plugin) write it; ``recur serve`` reads it to say
when the site it serves was built from other KB files than the index it serves (a `git pull` and a
`recur index` without a `recur site`: the API knew a new pattern whose page was a 404, and nothing
said so). The KB files are recorded as a digest of their contents (``loader.content_digest``, what
an index's manifest records as ``kb_content``), so a site built in CI and an index built on the
server from the same commit agree, though every file's modification time differs; and as a digest
of their signature (each file's stamp, util/stamp.py: size, mtime, ctime, inode; the manifest's
``files``), which is what a marker of an earlier Recur holds and is compared where either side has no
content digest (an earlier Recur's signature held sizes and mtimes alone: it never equals a stamp's). It records the
version of recur that built the site too: after an upgrade, a site an older recur built keeps its old
pages and its old search box JavaScript, which may not match the new server's API, until `recur site`
is run again, and `recur serve` says so (found in an upgrade review: nothing did). The marker, which
the site serves like any file, names no file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

SITE_MARKER = ".recur-site"  # in every site Recur builds: `recur site --out` replaces only such a folder


@dataclass(frozen=True)
class SiteRecord:
    """A site's marker, read. Both fields are None in a marker written before they were recorded."""

    built: str | None  # when the site was built (ISO 8601, UTC)
    kb_files: str | None  # signature_digest of the KB files its pages were made from
    kb_content: str | None = None  # loader.content_digest of those files (None: an earlier Recur's marker)
    site_url: str | None = None  # mkdocs' site_url it was built with (None: none, or an earlier Recur's marker)
    recur_version: str | None = None  # the recur that built it (None: an earlier Recur's marker, version unknown)
    site_content: str | None = None  # content_digest of loader.site_files_signature (None: an earlier Recur's)


def signature_digest(signature: dict) -> str:
    """A short digest of a KB files signature; equal signatures, equal digests (key order aside)."""
    text = json.dumps(signature, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def site_marker(
    by: str, kb_signature: dict | None, kb_content: str | None, site_url: str | None, site_content: str | None = None
) -> str:
    """The marker's text: who built the site, when, from which KB files, and for which URL (JSON). The URL:
    `recur serve --site` links its Slack replies and reads alerts' runbook links by it when given none (a
    team that set site_url in mkdocs.yml, where `recur init`'s mkdocs.yml asks for it, got Slack replies
    that linked no page, found installing Recur for a team). The version: `recur serve` says when the
    site was built by another recur than itself. ``site_content``: the digest of every KB file its pages were made
    from (``loader.site_files_signature``: the onboarding paths and images too), which `recur site --check` compares."""
    from recur import __version__

    return json.dumps(
        {
            "built_by": by,
            "recur_version": __version__,
            "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "kb_files": signature_digest(kb_signature) if kb_signature is not None else None,
            "kb_content": kb_content,
            "site_url": site_url or None,
            "site_content": site_content,
        }
    )


def read_site_record(site_dir) -> SiteRecord | None:
    """The record of the site in ``site_dir``; None when there is no marker (no site built by Recur)."""
    try:
        text = (Path(site_dir) / SITE_MARKER).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        data = json.loads(text)
    except ValueError:  # the plain-text marker of an older Recur: built, from files it did not record
        return SiteRecord(built=None, kb_files=None)
    if not isinstance(data, dict):
        return SiteRecord(built=None, kb_files=None)
    built, files, content, url, version, site = (
        data.get(k) for k in ("built", "kb_files", "kb_content", "site_url", "recur_version", "site_content")
    )
    return SiteRecord(
        built=built if isinstance(built, str) else None,
        kb_files=files if isinstance(files, str) else None,
        kb_content=content if isinstance(content, str) else None,
        site_url=url if isinstance(url, str) and url.strip() else None,
        recur_version=version if isinstance(version, str) and version.strip() else None,
        site_content=site if isinstance(site, str) else None,
    )


@dataclass(frozen=True)
class SiteAgainstKB:
    """A built site's record against the KB as it is now (``site_against_kb``): ``record`` None, no site Recur
    built; ``same_files``: whether it was built from the KB's files as they are now, by their contents (None: its
    marker, an earlier Recur's, records no digest of them); ``this_recur``: built by the recur running."""

    record: SiteRecord | None
    same_files: bool | None
    this_recur: bool

    @property
    def current(self) -> bool:
        return self.record is not None and self.same_files is True and self.this_recur


def site_against_kb(site_dir, kb_dir) -> SiteAgainstKB:
    """How the site in ``site_dir`` stands against the KB in ``kb_dir`` (a RecurError when there is none): the
    digest of the KB files' contents its marker records, compared with the KB's now (what `recur serve`'s
    /healthz site_stale says of a served site, for a site a plain web host serves, where nothing said it was
    behind: `recur site --check`). The KB's files are read, not loaded: a KB with errors is compared as well."""
    from recur import __version__
    from recur.kb.loader import content_digest, files_signature, require_kb_root, site_files_signature

    root = require_kb_root(kb_dir)
    record = read_site_record(site_dir)
    if record is None:
        return SiteAgainstKB(None, None, False)
    if record.site_content is not None:  # every KB file its pages were made from, the onboarding paths too
        same = record.site_content == content_digest(root, site_files_signature(root))
    else:  # a marker of a recur that recorded the index's files alone
        same = None if record.kb_content is None else record.kb_content == content_digest(root, files_signature(root))
    return SiteAgainstKB(record, same, record.recur_version == __version__)


def rebuild_site_command(site_dir, kb_dir=None, index_dir=None) -> str:
    """The `recur site` command that rebuilds the site in ``site_dir`` from the KB in ``kb_dir`` and the
    index in ``index_dir``: each folder given only where it is not the one `recur site` takes by default
    (its option's default or RECUR_*), as `recur index`'s rebuild command is said."""
    import shlex

    from recur import config
    from recur.util.files import folder_options

    given = (("--kb", kb_dir, "kb"), ("--index", index_dir, "index"), ("--out", site_dir, "site"))
    words = ["recur", "site", *folder_options([(option, folder, config.get(name)) for option, folder, name in given])]
    return " ".join(shlex.quote(w) for w in words)


def built_site_url(site_dir) -> str | None:
    """The http(s) URL the site in ``site_dir`` was built for (mkdocs.yml's site_url or `recur site
    --site-url`, kept in its marker); None without a marker, a URL, or with one that is no http(s) URL
    (mkdocs takes any text: no links then, as before)."""
    from recur.util.errors import RecurError
    from recur.util.text import require_http_url

    record = read_site_record(site_dir)
    if record is None or record.site_url is None:
        return None
    try:
        return require_http_url(record.site_url)
    except RecurError:
        return None
