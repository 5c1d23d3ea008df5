"""The engine behind the server: loaded once in the background, warmed, kept current.

The server answers (``/healthz`` 503, the site) while the model loads; ``/healthz`` turns
200 only after one real query has gone through the encoder, so the first responder's
request does not pay for lazy initialisation. A watcher thread reads the index manifest
at most once per ``reload_interval`` seconds and swaps in a rebuilt index
(``Engine.reload_if_changed``) without blocking requests.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from recur.serve.public import at, command, elsewhere, said, server_folders
from recur.util.errors import RecurError
from recur.util.stamp import stat_stamp

WARM_QUERY = "service returns errors after deploy, pods restarting, disk full"
# seconds between two looks at the KB for changes the served index lacks: a stat walk of every
# file, ~75 ms for 5,000 files, done by the watcher thread, never on a request
STALE_INTERVAL = 5.0
# what the log says when the KB, or the site, agrees with the served index (and this recur) again (a warning said it did not)
STALE_CLEARED = "The served index is built from the knowledge base's current files again."
SITE_STALE_CLEARED = (
    "The served site is built by this recur from the same knowledge base files as the served index again."
)


def _index_gone(engine) -> str:
    """What a restart would do without the index folder: `recur serve` builds it from the KB (ready once it is
    built), or, with no KB folder, finds nothing to serve. "a restart would find none" was said either way,
    and sent an operator after a backup of an index the restart would have built (an SRE's review)."""
    kb_dir = getattr(engine, "kb_dir", None)
    if kb_dir is not None and Path(kb_dir).is_dir():
        after = "a restart would build it again from the knowledge base (not ready until it is built)"
    else:
        after = "a restart would fail: no index, and no knowledge base to build one from"
    return f" is gone: the index loaded before keeps answering; {after}"


def index_files_signature(index_dir) -> tuple | None:
    """Path and stamp (util.stamp: size, mtime, ctime, inode) of every file in the index folder (bm25/ within
    included): what changes when any of them is rewritten (a rebuild, a non-atomic copy finishing vectors.npy
    after manifest.json, damage to docs.json). The inode: a rebuild swaps in new files, which may have the old
    ones' sizes and, on a file system with coarse times (1 s, or a 4 ms kernel tick), their mtimes too; the
    ctime: a file rewritten in place whose mtime was put back (a copy tool keeping times). A stat per file,
    no read: the watcher looks every second. None: the folder is gone."""
    if not os.path.isdir(index_dir):
        return None
    files = []
    for folder, _, names in os.walk(index_dir):  # a listing that fails is one file fewer: a change
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:  # removed between the listing and the stat: it differs from the last look
                files.append((path, None))
                continue
            files.append((path, tuple(stat_stamp(st))))
    return tuple(sorted(files))


_UNSEEN = object()  # no look at the index folder yet


class IndexChange:
    """What `recur mcp`'s failed load waits to see change before it loads the index again (EngineHolder's
    ``retry_when``): the index folder's files (index_files_signature), manifest.json among them by what it says,
    but for where its KB is. The load rewrites that (index.record_place: the same build, told where a copied or
    moved checkout's KB now is) before it fails (an index built with another model): taken for a rebuild, the
    load was tried again at once, "The index changed: loading it again." said of nothing and the error twice."""

    PLACE = ("kb", "files")  # the keys record_place rewrites

    def __init__(self, index_dir) -> None:
        self._index_dir = index_dir
        self._manifest = os.path.join(os.fspath(index_dir), "manifest.json")  # as index_files_signature names it
        self._read: tuple = (_UNSEEN, None)  # (manifest.json's stamp, what it says but its KB's place)

    def __call__(self) -> tuple | None:
        files = index_files_signature(self._index_dir)
        if files is None:
            return None
        stamp = dict(files).get(self._manifest)
        if stamp != self._read[0]:  # read again only once it was rewritten: the watcher looks every second
            self._read = (stamp, self._says(stamp))
        return tuple(f for f in files if f[0] != self._manifest), self._read[1]

    def _says(self, stamp) -> object:
        """manifest.json's content but its KB's place; its stamp when it is no JSON object (any change counts)."""
        try:
            with open(self._manifest, encoding="utf-8") as f:
                manifest = json.load(f)
        except (OSError, ValueError):
            return stamp
        if not isinstance(manifest, dict):
            return stamp
        return json.dumps({k: v for k, v in manifest.items() if k not in self.PLACE}, sort_keys=True)


_loading = threading.local()  # .holder: the EngineHolder whose engine this thread is loading
NOT_READY = "the model and index are still loading"


def say_loading(what: str) -> None:
    """What the load running in this thread does now ("building the index ...: 512 of 2,040 texts
    encoded"): the 503 of /healthz and of every search says it until the engine is ready. The engine
    factory calls it (``Engine.open(on_build=say_loading)``); outside a holder's load, nothing. Found in
    an operator's review: a first start that built the index for minutes said "still loading" all along,
    which read as a server stuck."""
    holder = getattr(_loading, "holder", None)
    if holder is not None:
        holder.doing = what


class EngineHolder:
    def __init__(
        self,
        engine_factory: Callable,
        reload_interval: float = 1.0,
        on_fatal: Callable[[str], None] | None = None,
        retry_when: Callable[[], object] | None = None,
        site_dir=None,
        prepare: Callable[[], object] | None = None,
    ):
        self._factory = engine_factory
        # run once in the load's thread before the first load (`recur serve`'s preload.preload); its failure is the
        # load's (self.error, on_fatal), and no load follows
        self._prepare = prepare
        self.site_dir = Path(site_dir) if site_dir else None  # the built site served beside the index
        self.reload_interval = reload_interval
        self.on_fatal = on_fatal
        # without on_fatal (recur mcp, which an editor starts and a user cannot easily restart): a
        # first load that failed is tried again when this value changes (index_files_signature: the index
        # was rebuilt, as the error message says to do); it stayed failed until a restart
        self.retry_when = retry_when
        self.engine = None
        self.error: str | None = None
        self.doing: str | None = None  # what the load does now, when its factory says (say_loading)
        self.ready = threading.Event()
        self.reloads = 0
        self._stop = threading.Event()
        # a stop signal arrived (`recur serve`'s SIGTERM or Ctrl-C, cli/serve._say_stopping): a first load that ends
        # after it serves the requests still in their grace period but says no "Ready", which followed "stopping:
        # SIGTERM received" in the log when the signal came during the load (a CLI review)
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        # the index folder's files at the last look (index_files_signature), and those of the index
        # served: a rebuilt index that was refused is tried again when its files change (a copy that
        # finished), not only when its build id does (found in an operator's review: it was never)
        self._seen: object = _UNSEEN
        self._served: tuple | None = None
        self.reload_error: str | None = None  # why the rebuilt index on disk is not the one served
        self.stale: str | None = None  # how the KB differs from what the served index was built from
        # the KB files changed since the served index was built, at the last look (check_stale; [] when none or
        # nothing to compare with): what /mcp's answers say (mcp_server.Staleness reads it, the one look: no
        # second walk and hash of the KB on another clock)
        self.kb_changed: list[str] = []
        # the KB's files (index.kb_signature) at that look; None with no KB folder or before a look: MCP's tools
        # re-read the KB when it changes (mcp_server.ServedKB), not on every call, and walk it no second time
        self.kb_files: dict | None = None
        self.site_stale: str | None = None  # the served site was built from other KB files than the index
        self._stale_checked = float("-inf")
        self._kb_seen = False  # a look found the KB folder: its going is said (check_stale), not taken for none
        self._site_seen = False  # a look found a built site: its going is said (check_site), not taken for none
        self._files_digest: tuple = (None, None)  # (build_id, digest of its manifest's KB files)
        self._kb_digest: tuple = (None, None)  # (digest of kb_files, loader.content_digest of those files)
        self._said: dict = {}  # {"stale" | "site_stale": the kind of message the log said last} (_say)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        # not run in the starting command's context (contextvars.copy_context): its Caller is the command line's,
        # and the load's error (self.error) is told to /healthz's, the API's and MCP's callers, who can pass no
        # --kb; the library's wording names the folder alone (util/errors.py: MCP's tools were told so once)
        t = threading.Thread(target=self._load_then_watch, name="recur-engine", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)

    def _load_then_watch(self) -> None:
        # the index's files as the load begins to read them: taken once it had failed, an index rebuilt while the
        # load read the old one (`recur index --rebuild` finishing meanwhile) was what the retry waited to see
        # change, and it never was: the server stayed failed until the next change or a restart
        seen = self.retry_when() if self.retry_when is not None else None
        if not self._prepared():
            return
        while (engine := self._load()) is None:
            if self.on_fatal or self.retry_when is None:
                return
            while self.retry_when() == seen:
                if self._stop.wait(self.reload_interval):
                    return
            _tell("The index changed: loading it again.")
            # the old failure is not this load's: kept, a call made while the rebuilt index loaded was told at once
            # that the engine had failed, for the reason the rebuild mended (mcp_stdio.holder_engine: a call now
            # waits for the load, and is told at once if it fails too)
            self.error = None
            seen = self.retry_when()
        self.error = None
        self.engine = engine
        self._served = index_files_signature(engine.index_dir)
        if not self.stopping.is_set():
            _tell(f"Ready: {len(engine.docs)} patterns, model {engine.manifest.get('model')}.")
        try:
            self.check_stale()
            self.check_site()
        finally:
            # ready once the first look at the KB is made: set before it, a look still walking the KB when a later
            # one (a KB edited at once) had finished overwrote the newer list of changed files with its older one
            # (seen in CI: MCP's stale files lost the incident just added), and /healthz's first 200 said stale null
            self.ready.set()
        while not self._stop.wait(self.reload_interval):
            if self.check_reload() or time.monotonic() - self._stale_checked >= STALE_INTERVAL:
                self.check_stale()
                self.check_site()

    def _load(self):
        """The engine, loaded and warm; None when it failed (self.error says why)."""
        _loading.holder, self.doing = self, None
        try:
            engine = self._factory()
            self.doing = "warming the model up with one query"
            getattr(engine, "enable_traced", lambda: None)()  # query graph, no Python between layers
            engine.ranked(WARM_QUERY, top=3)  # one real encode + search: model warm, caches filled
        except RecurError as exc:
            self._fail(str(exc))
            return None
        except Exception as exc:  # a broken model or index must not kill the server silently
            self._fail(f"cannot load the search engine: {type(exc).__name__}: {exc}")
            return None
        finally:
            _loading.holder = None
        return engine

    def _prepared(self) -> bool:
        """``prepare`` run; False when it raised, said as a load that failed (the ERROR line, /healthz's 503
        engine_failed, `recur serve`'s exit 1 through on_fatal)."""
        if self._prepare is None:
            return True
        try:
            self._prepare()
        except Exception as exc:  # noqa: BLE001 - said, not raised: the thread would end without a word
            self._fail(str(exc))
            return False
        return True

    def not_ready(self) -> str:
        """What a request that needs the engine is told while it loads."""
        return f"{self.doing or NOT_READY}; retry in a few seconds"

    def _fail(self, message: str) -> None:
        self.error = message
        # the stop begun (`recur serve`'s on_fatal) before the line says why: a Ctrl-C sent on reading it is taken as
        # one during that stop (cli/serve._say_stopping), not as the first stop signal, which waited out the grace
        if self.on_fatal:
            self.on_fatal(message)
        _tell(f"Error: {message}")

    def check_reload(self, force: bool = False) -> bool:
        """Swap in a rebuilt index if the index folder's files changed; a broken new index keeps the old
        one, and is tried again when its files change or on ``force`` (SIGHUP). The files of the served
        build that changed are read once to say whether a restart could load them (reload_error)."""
        engine = self.engine
        if engine is None:
            return False
        from recur.retrieval import index as index_mod

        files = index_files_signature(engine.index_dir)
        if files == self._seen and not force:
            return False  # nothing in the index folder changed since the last look: nothing to read
        self._seen = files
        if files is None:
            if Path(f"{engine.index_dir}.old").is_dir():  # a rebuild between its two renames: look again
                self._seen = _UNSEEN
                return False
            return self._warn(said(at(self.folders(), "<index>"), _index_gone(engine)))
        manifest = index_mod.read_manifest(engine.index_dir)
        if manifest is None:  # damaged under a running server: a restart would fail, so say so now
            damage = index_mod.manifest_damage(engine.index_dir)
            return self._warn(
                said(elsewhere(damage, self.folders()))
                if damage
                else said(at(self.folders(), "<index>"), " has no manifest.json")
            )
        build = manifest.get("build_id")
        if build == engine.manifest.get("build_id"):
            return self._check_served(engine, files)
        if not build:
            return False
        served_model = engine.manifest.get("model")  # a rollback or a re-tune swaps it under the server
        try:
            changed = engine.reload_if_changed()
        except RecurError as exc:
            return self._refuse(build, str(exc))
        except Exception as exc:  # noqa: BLE001 - keep serving the old index
            return self._refuse(build, f"{type(exc).__name__}: {exc}")
        if changed:
            self.reload_error = None
            self._served = files
            self.reloads += 1
            _say_reloaded(engine, build, served_model)
        return changed

    def _check_served(self, engine, files: tuple) -> bool:
        """The served build's files changed on disk (damaged, copied over, touched): read them once, as a
        restart would, and say whether it could (found in review: `echo garbage > docs.json` went unsaid
        until the restart failed)."""
        if files != self._served:
            from recur.retrieval import index as index_mod

            try:
                index_mod.load(engine.index_dir)
            except RecurError as exc:
                restart = "; the index loaded before keeps answering, but a restart would fail"
                return self._warn(said(elsewhere(str(exc), self.folders()), restart))
            self._served = files  # the same build, whole
        if self.reload_error is not None:
            _tell("The index on disk can be loaded again.")
        self.reload_error = None
        return False

    def folders(self) -> list:
        """The served index's, KB's and site's folders: what /healthz says by name (recur.serve.public)."""
        engine = self.engine
        return server_folders(engine.index_dir, getattr(engine, "kb_dir", None), self.site_dir)

    def _warn(self, message: str) -> bool:
        if message != self.reload_error:
            self.reload_error = message
            _tell(f"warning: {message}")
        return False

    def check_stale(self) -> None:
        """Whether the KB changed since the served index was built (a `git pull` with the server
        running: it answered from the old index with a green /healthz). An index-only deployment
        (no KB folder) has nothing to compare with."""
        self._stale_checked = time.monotonic()
        engine = self.engine
        if engine is None:
            self.stale, self.kb_changed, self.kb_files = None, [], None
            return
        from recur.retrieval import index as index_mod

        folders = self.folders()
        kb = at(folders, "<kb>")
        try:
            here = engine.kb_dir is not None and Path(engine.kb_dir).is_dir()
            files = index_mod.kb_signature(Path(engine.kb_dir)) if here else None
            # the rule MCP's answers follow too
            changed = index_mod.kb_changes(engine.manifest, engine.kb_dir, files)
        except OSError as exc:  # the KB folder went away mid-walk: say so at the next look
            self.kb_changed, self.kb_files = [], None  # nothing to compare with: what /mcp's answers say (Staleness)
            return self._say("stale", said(kb, " cannot be read: ", elsewhere(str(exc), folders)), STALE_CLEARED)
        self.kb_changed, self.kb_files = changed or [], files if changed is not None else None
        if changed is None and self._kb_seen:  # a KB folder served, now gone (`mv kb kb.away`): said nowhere before
            gone = " is gone (moved or removed while serving): the served index answers as it was built, and "
            return self._say(
                "stale", said(kb, gone + "changes to the KB cannot be seen until it is back"), STALE_CLEARED
            )
        if changed is None:  # no KB folder (an index-only deployment): nothing to compare with
            self.stale = None
            return
        self._kb_seen = True
        if not changed:
            return self._say("stale", None, STALE_CLEARED)
        named = index_mod.shown_files(changed)  # control characters escaped there
        rebuild = index_mod.rebuild_command(engine.index_dir, kb_dir=engine.kb_dir, model=engine.model)
        self._say(
            "stale",
            said(
                kb,
                f" changed since the served index was built ({named}); the old index answers until it is rebuilt (",
                command(rebuild, folders),
                ")",
            ),
            STALE_CLEARED,
        )

    def check_site(self) -> None:
        """Whether the served site was built from other KB files than the served index: after a `git
        pull` and a `recur index` without a `recur site`, the API knew a new pattern whose page was a
        404, with nothing said (found in an operator's review). Compared through the record `recur
        site` leaves in the site (kb.site_record): None without a site. A site built by another recur
        than this one is stale too, whatever its KB files: after an upgrade its pages and its search
        box's JavaScript are the old recur's, which may not match this server's API (found in an
        upgrade review: /healthz said null). It is still served."""
        from recur import __version__
        from recur.kb.site_record import read_site_record

        engine = self.engine
        if not self.site_dir or engine is None:
            return self._say("site_stale", None, SITE_STALE_CLEARED)
        if not (self.site_dir / "index.html").is_file():
            return self._site_missing(engine)
        self._site_seen = True
        record = read_site_record(self.site_dir)
        if record is None:  # a site Recur did not build (no marker): nothing to compare
            return self._say("site_stale", None, f"The served site at {self.site_dir} is there again.")
        same = self._same_kb_files(record, engine.manifest)
        other_recur = record.recur_version != __version__
        # built from the files of the served index, which the KB no longer holds (a `git pull` with no `recur index`
        # nor `recur site` after it): compared with the index alone, the site was called up to date while its pages
        # and its box's ranking data (name_terms, signals) were the KB's before the pull (found in review)
        kb_moved = same is True and bool(self.kb_changed)
        # built from the KB as it is now, the index behind it (`recur site` after a `git pull`, `recur index` not
        # yet): the site needs nothing, and `stale` says the index does; it was told to run `recur site` again
        ahead = same is False and not other_recur and self._site_is_kb_now(record)
        if (same is not False or ahead) and not other_recur and not kb_moved:  # the same files, or nothing to compare
            return self._say("site_stale", None, SITE_STALE_CLEARED)
        if kb_moved and not other_recur:
            return self._say("site_stale", self._site_behind_kb_message(record, engine), SITE_STALE_CLEARED, "kb")
        kind = "other recur" if other_recur else "other files"
        self._say("site_stale", self._site_stale_message(record, engine, same, other_recur), SITE_STALE_CLEARED, kind)

    def _site_is_kb_now(self, record) -> bool:
        """Whether the site (its ``record``) was built from the KB's files as the last look found them (``kb_files``)
        while the served index was not (``kb_changed``): by their stamps, else by their contents (a site built in CI),
        read once each time the KB changes."""
        from recur.kb.loader import content_digest
        from recur.kb.site_record import signature_digest

        files, engine = self.kb_files, self.engine
        if not files or not self.kb_changed or engine is None or engine.kb_dir is None:
            return False
        stamps = signature_digest(files)
        if record.kb_files == stamps:
            return True
        if record.kb_content is None:
            return False
        if self._kb_digest[0] != stamps:
            try:
                self._kb_digest = (stamps, content_digest(Path(engine.kb_dir), files))
            except OSError:  # the KB went away mid-read: the next look says so (check_stale)
                return False
        return record.kb_content == self._kb_digest[1]

    def _site_behind_kb_message(self, record, engine) -> str:
        """What /healthz site_stale and the log say of a site built from the files the served index was built from,
        which the KB has changed since (``kb_changed``, named as ``stale`` names them)."""
        from recur.kb.site_record import rebuild_site_command
        from recur.retrieval import index as index_mod

        folders = self.folders()
        rebuild = command(
            rebuild_site_command(self.site_dir, getattr(engine, "kb_dir", None), engine.index_dir), folders
        )
        return said(
            at(folders, "<site>"),
            f" is behind the knowledge base: built {record.built or 'at an unknown time'} from its files as the "
            f"served index was, and the KB changed since ({index_mod.shown_files(self.kb_changed)}); its pages and "
            "its describe box's data are the KB's before the change until it is rebuilt (",
            rebuild,
            ")",
        )

    def _site_missing(self, engine) -> None:
        """No built site in the site folder. Not built yet at start-up: nothing to say (`recur serve` warned at
        start). Served, then gone (`mv site site.gone`): that took the in-sync path, /healthz site_stale null,
        recur_site_stale 0 (a RecurOutOfDate alert cleared) and the log said the site agreed with the index
        "again" (found in an SRE's review). Now it is said, until a site is there again."""
        from recur.kb.site_record import rebuild_site_command

        if not self._site_seen:
            return self._say("site_stale", None, SITE_STALE_CLEARED)
        folders = self.folders()
        rebuild = command(
            rebuild_site_command(self.site_dir, getattr(engine, "kb_dir", None), engine.index_dir), folders
        )
        gone = " is gone (moved or removed while serving): its pages are 404 until it is back or built again ("
        self._say("site_stale", said(at(folders, "<site>"), gone, rebuild, ")"), SITE_STALE_CLEARED, "gone")

    def _site_stale_message(self, record, engine, same: bool | None, other_recur: bool) -> str:
        """What /healthz site_stale and the log say of a stale site: built by which recur, or from which
        KB files, and the command that rebuilds it."""
        from recur import __version__
        from recur.kb.site_record import rebuild_site_command

        folders = self.folders()
        site = at(folders, "<site>")
        rebuild = command(
            rebuild_site_command(self.site_dir, getattr(engine, "kb_dir", None), engine.index_dir), folders
        )
        if not other_recur:
            return said(
                site,
                f" was built {record.built or 'at an unknown time'} from other KB files than the served index (built "
                f"{engine.manifest.get('built', 'at an unknown time')}): pages of patterns added or changed since "
                "are missing or out of date until it is rebuilt (",
                rebuild,
                ")",
            )
        by = f"recur {record.recur_version}" if record.recur_version else "an older recur (version unknown)"
        # The version first, as docs and the changelog quote it ('built by recur 0.2.0 (this is recur …)'):
        # after an upgrade the KB has usually changed too, and the clause between them read ', (this is'.
        files = " and from other KB files than the served index" if same is False else ""
        return said(
            site,
            f" was built by {by} (this is recur {__version__}){files}: rebuild it with ",
            rebuild,
            " (until then its pages and its search box are the old recur's, which may not match this server's API)",
        )

    def _say(self, name: str, message: str | None, cleared: str, kind: str | None = None) -> None:
        """Set ``stale`` or ``site_stale`` (``name``) to ``message``, and say a change in the server's log:
        /healthz gives these without the server's paths and docs/api.md sends an operator to the log for
        them whole, but nothing was logged: an alert on recur_index_stale led to a journal that said
        nothing of it (found in an operator's review). Once per change, not at every look; and once per
        ``kind`` of message (the message itself when not given): a stale site's warning names the served
        index's build time, and was said again at every reload while the site stayed stale (found in an
        operator's review). /healthz has the newest message; the log says when the condition begins, and
        ``cleared`` when it ends."""
        if message == getattr(self, name):
            return
        setattr(self, name, message)
        kind = None if message is None else (kind or message)
        if kind != self._said.get(name):
            self._said[name] = kind
            _tell(f"warning: {message}" if message else cleared)

    def _same_kb_files(self, record, manifest: dict) -> bool | None:
        """Whether the site (its ``record``) and the index (its ``manifest``) were made from the same
        KB files: by their contents where both record a digest of them (two checkouts of one commit
        agree, though their files' modification times differ), else by the digest of their stamps (util.stamp:
        size, mtime, ctime, inode; an earlier Recur's site or index). None: nothing to compare."""
        from recur.kb.site_record import signature_digest

        content, files = manifest.get("kb_content"), manifest.get("files")
        if record.kb_content is not None and isinstance(content, str):
            return record.kb_content == content
        if record.kb_files is None or not isinstance(files, dict):
            return None
        build = manifest.get("build_id")
        if self._files_digest[0] != build:  # the manifest is the same until the next reload
            self._files_digest = (build, signature_digest(files))
        return record.kb_files == self._files_digest[1]

    def _refuse(self, build: str, why: str) -> bool:
        """Keep serving the old index; /healthz and /metrics say the rebuilt one is not served."""
        self.reload_error = said(f"not reloading the rebuilt index (build {build}): ", elsewhere(why, self.folders()))
        _tell(f"warning: {self.reload_error}")
        return False


def _tell(line: str) -> None:
    """``line`` on stderr, the log of the engine's thread. A line that cannot be written (a stderr whose reader has
    gone, a full disk) is lost, not the thread: "Ready" raising ended it before the engine was said ready, and each
    call then waited its whole LOAD_WAIT for it; "Error" raising skipped a failed load's on_fatal. The `recur`
    command's own stderr drops such writes already (cli/main._StderrFile: `recur mcp 2>/dev/full`, or a client that
    closed the pipe, never met this); a holder run under another stderr (a program or test embedding it) did.
    `recur serve`'s stderr is its log (applog), whose handler does not raise."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: stderr closed
        print(line, file=sys.stderr)


def _say_reloaded(engine, build: str, served_model) -> None:
    """The reload's line (reloaded_line) on stderr."""
    _tell(reloaded_line(engine.manifest, len(engine.docs), build, served_model))


def reloaded_line(manifest: dict, count: int, build: str, served_model) -> str:
    """The reload's line; a warning when the rebuilt index left pattern files out (a non-strict `recur
    index` over a KB with a broken file): a pattern that silently stopped answering was said at no level,
    like a plain reload (found in an operator's review). It names the model when the new index's is not
    the one served before (``served_model``): found in review, a `recur tune --rollback` under a running
    server was logged as a plain reload, the model that answers changed unsaid."""
    warn = "warning: " if manifest.get("left_out") else ""
    now = manifest.get("model")
    model = f", model {served_model} → {now}" if served_model and now and now != served_model else ""
    return f"{warn}Reloaded the index ({_patterns(manifest, count)}, build {build}{model})."


def _patterns(manifest: dict, count: int) -> str:
    """ "61 patterns", and the pattern files a non-strict index left out, as start-up says them."""
    left = manifest.get("left_out") or []
    return f"{count} patterns" + (f"; {len(left)} left out: {', '.join(left)}" if left else "")
