"""The suggest engine: keeps the index current, loads it with its model, answers queries.

Used by ``recur suggest``, ``recur eval``, ``recur serve`` and the reports, so a result
object is built in one place (``result_object``) and looks the same everywhere.
"""

from __future__ import annotations

import logging
import numbers
import threading
from pathlib import Path

from recur.retrieval import calibrate, embed
from recur.retrieval import index as index_mod
from recur.retrieval.models import active_model
from recur.retrieval.query import prepare
from recur.retrieval.results import Answer, Result, corrected, credible_count, likelier, result_object, typo_note
from recur.util.errors import NotWritable, RecurError
from recur.util.text import compatible, plural

# What opening an engine and building its index say (no index: "building it now", an update and why, pattern files
# left out): a library's caller reads them as it reads any library's, through logging (a bot embedding Recur had
# them printed on its stderr, which it could neither route nor silence but with quiet=True). `recur`'s commands
# print each message as it is (cli/logs.py's ``printing_library_logs``, held by cli/main.py): what they print did
# not change.
LOG = logging.getLogger(__name__)


def log(msg: str, level: int = logging.INFO) -> None:
    """``msg`` on the engine's logger: INFO for what is done (a build, an update), WARNING for what a caller that
    asked for quiet still hears (``quiet=True``: pattern files left out, an index that cannot be updated)."""
    LOG.log(level, "%s", msg)


def ensure_index(
    kb_dir,
    index_dir,
    model: str | None,
    rebuild: bool = False,
    quiet: bool = False,
    progress: bool | None = None,
    advise=None,
    verify: bool = False,
    strict: bool = False,
    lean: bool = False,
):
    """Bring the index up to date; returns BuildStats, or None when it was already fresh.
    ``verify`` (`recur index`): a fresh index is also read in full, and rebuilt when a file of it
    is damaged (the manifest alone says nothing about the other files). ``strict`` (`recur index
    --strict`): a RecurError, with the index left as it was, when a pattern file has errors and so
    would not be searched (else the index is built without it, with a warning: one YAML typo in a
    pull request took a pattern out of every answer while `recur index` exited 0).

    ``advise(kb_dir, kb) -> str | None`` adds a note after a rebuild (the CLI passes
    ``recur.tuning.data.retune_advice``: "the KB changed enough since tuning").

    ``lean`` (a process that stays up: `recur serve`, `recur mcp`): the build runs on ONNX Runtime whatever
    its size. Where bf16 PyTorch would encode a cold index of 1,000 patterns (7,000 texts) 16% faster, a
    server that built its own kept PyTorch loaded for its life: 1.2 GB resident against 340 MB on an index
    built beforehand (scale review). Dropping the model afterwards gives little back: 739 MB after encoding
    3,000 texts, 492 MB after gc and malloc_trim, torch's libraries staying mapped."""
    from recur.kb.loader import load_kb

    spec = embed.resolve(active_model(kb_dir, model))
    manifest = index_mod.manifest_for(index_dir, spec.model_id)  # an activation killed halfway ended first
    if manifest and not rebuild:
        index_mod.refuse_newer(manifest, index_dir, kb_dir, model)
    if (
        not rebuild
        and manifest
        and manifest.get("model") == spec.model_id
        and index_mod.is_fresh(index_dir, kb_dir, manifest)
    ):
        if strict and manifest.get("left_out"):  # built without them before: still not searched
            _refuse_left_out(load_kb(kb_dir), index_dir)
        if not verify or _intact(kb_dir, index_dir, spec.model_id, quiet):
            index_mod.record_place(index_dir, kb_dir, manifest)  # a copied or moved checkout: where its KB is
            return None
        rebuild = True
    kb = load_kb(kb_dir)
    if strict:
        _refuse_left_out(kb, index_dir)
    encoder = embed.LazyEncoder(spec, bulk=not lean)  # loaded only if some pattern's views changed
    # a rebuild re-embeds everything into a new folder that replaces the old one at the end: the old
    # index is not deleted first, so Ctrl-C leaves it as it was, and a search meanwhile still has one
    stats = index_mod.build(kb, index_dir, encoder, progress=progress, reuse_vectors=not rebuild)
    if advise is not None and _tuned_in_use(kb_dir, spec):
        stats.notes.extend(filter(None, [advise(kb_dir, kb)]))
    if not quiet:
        for note in stats.notes:
            log(note)
        warn_left_out(stats.left_out)
    return stats


def ensure_index_saying(kb_dir, index_dir, model: str | None, progress: bool | None = None, quiet: bool = False):
    """``ensure_index`` for a command that needs the index on its way (`recur site`'s browser search), with what it is
    about to do said first (logged; `recur` prints it on stderr) as `recur suggest` says it (no index: "building it
    now"; an out-of-date one: why it is updated; another model's: rebuilt), and a bar on a terminal (``progress`` None)
    as `recur index` shows. `recur site` built a cold index of 1,000 patterns in 100 s without a word, and its summary
    put the time down to generating pages (scale review). ``quiet`` (`recur site --quiet`): checked alike, nothing said
    and no bar; errors are still raised. Returns BuildStats or None."""
    step, manifest = _first_step(kb_dir, index_dir, model)
    if step == "build":
        embed.resolve(active_model(kb_dir, model))  # a model the build cannot use: said first
        _say_first_build(kb_dir, index_dir, quiet=quiet)
    elif step == "update":
        said = None if quiet else index_mod.stale_reason(manifest, index_dir, kb_dir)
        say_build(kb_dir, index_dir, manifest, said, model=model)
    elif step == "" and manifest is not None:
        spec = embed.resolve(active_model(kb_dir, model))
        if manifest.get("model") != spec.model_id:
            said = f"The index at {index_dir} was built with model {manifest.get('model')}: rebuilding it with {spec.model_id}."
            say_build(kb_dir, index_dir, manifest, None if quiet else said, model=model)
    return ensure_index(kb_dir, index_dir, model, quiet=True, progress=False if quiet else progress)


def say_build(  # long: six parameters, one a line (ruff's format)
    kb_dir,
    index_dir,
    manifest: dict | None,
    said: str | None,
    *,
    rebuild: bool = False,
    model: str | None = None,
    level: int = logging.INFO,
) -> None:
    """Say ``said`` (that the index at ``index_dir``, whose manifest is ``manifest``, is built, updated or
    converted now; None: check alone) once nothing knowable before the build would make it untrue: an index
    a newer recur wrote (refused, unless ``rebuild``: `recur index --rebuild`), no KB at ``kb_dir``, a folder
    the index cannot be written in (NotWritable, in the words a failed write of it gives). The one
    check-then-say of `recur index`, `recur suggest` and a server's load, whose "updating it", "building it
    now" and "rebuilding it" were each said before one of these failures (found in reviews)."""
    from recur.kb.loader import require_kb_root

    if manifest is not None and not rebuild:
        index_mod.refuse_newer(manifest, index_dir, kb_dir, model)
    require_kb_root(kb_dir)
    index_mod.check_updatable(index_dir)
    if said is not None:
        log(said, level)


def check_open(kb_dir, index_dir, model: str | None) -> None:
    """What ``Engine.open`` would refuse before it builds or updates anything, raised now, nothing said
    (at most the index's parent folder made, as a write check makes it): for a server's start-up (cli/startup.py), which said it was loading, then "No index at X:
    building it now", then failed in a folder it could not write (found in an upgrade review). An index that
    is only out of date where it cannot be rewritten is no refusal: it is answered from, with a warning."""
    step, manifest = _first_step(kb_dir, index_dir, model)
    if manifest is not None:  # whatever the step: loading it would refuse it too
        index_mod.refuse_newer(manifest, index_dir, kb_dir, model)
    if step == "as built":
        index_mod.refuse_other_format(manifest, index_dir, index_mod.no_kb(kb_dir))
    elif step == "build":
        _say_first_build(kb_dir, index_dir, quiet=True)
    elif step == "update":
        try:
            say_build(kb_dir, index_dir, manifest, None, model=model)
        except NotWritable as exc:
            index_mod.refuse_other_format(manifest, index_dir, str(exc))


def _first_step(kb_dir, index_dir, model: str | None) -> tuple[str, dict | None]:
    """What ``Engine.open`` does first, and the index's manifest: "as built" (no KB folder: answered from
    as it is), "build" (no readable manifest), "update" (out of date for this model), "" (nothing)."""
    from recur.kb.loader import require_format

    manifest = index_mod.read_manifest(Path(index_dir))
    if manifest and not Path(kb_dir).is_dir():
        return "as built", manifest
    require_format(kb_dir)  # a KB this recur cannot read: said first, not after "building it now"
    if manifest is None:
        return "build", None
    spec = embed.resolve(active_model(kb_dir, model))
    manifest = index_mod.manifest_for(index_dir, spec.model_id) or manifest  # an activation killed halfway ended
    if manifest.get("model") == spec.model_id and not index_mod.is_fresh(index_dir, kb_dir, manifest):
        return "update", manifest
    return "", manifest


def _say_first_build(kb_dir, index_dir, quiet: bool) -> bool:
    """Checked, then said (unless ``quiet``): the index is built, there being no readable manifest (not for an
    index-only deployment, whose damaged manifest is an error). True: a damaged manifest, not "no index"."""
    if not Path(kb_dir).is_dir():  # an index-only deployment: the damaged manifest, not the KB it never had
        index_mod.refuse_damaged_manifest(index_dir)
    damaged = (Path(index_dir) / "manifest.json").exists()  # not "no index" (found in review)
    said = None
    if not quiet:
        said = (
            f"The index at {index_dir} cannot be read (its manifest.json is damaged): building it again."
            if damaged
            else f"No index at {_index_shown(index_dir)}{_elsewhere(kb_dir, index_dir)}: building it now{_beside(kb_dir, index_dir)}"
        )
    say_build(kb_dir, index_dir, None, said)  # no KB (the wrong folder), or no writing there: not "building it"
    return damaged


def _first_build(kb_dir, index_dir, model, quiet: bool, advise, on_build, lean: bool, bar=False) -> bool:
    """``Engine.open`` with no readable manifest: the index built. True: the build named the pattern files
    it left out."""
    if Path(kb_dir).is_dir():  # a model the build cannot use (a bad tuned-model manifest): said first, too
        embed.resolve(active_model(kb_dir, model))
    damaged = _say_first_build(kb_dir, index_dir, quiet)
    what = "the index again (its manifest.json was damaged)" if damaged else "the index (there was none yet)"
    progress = _telling(on_build, f"building {what}", bar)
    stats = ensure_index(kb_dir, index_dir, model, quiet=quiet, advise=advise, progress=progress, lean=lean)
    return stats is not None


def _update(kb_dir, index_dir, manifest: dict, model, quiet: bool, advise, on_build, lean: bool, bar=False) -> bool:
    """``Engine.open`` with an out-of-date index: brought up to date, said first. True: the build
    named the pattern files it left out."""
    try:
        # an index another KB had is said even by a quiet command (`recur incident new`, `import`): it is taken
        # from that KB, whose next command rebuilds it back (found in a new-hire review: the README's practice
        # copy took the repository's index without a word), as `recur suggest` says it
        other = index_mod.built_for_other_kb(manifest, kb_dir) is not None
        said = None if quiet and not other else index_mod.stale_reason(manifest, index_dir, kb_dir)
        # WARNING, quiet or not (logging's last resort prints it where nothing is configured): INFO to a caller
        # not quiet, a program that configured no logging heard of the take-over only when it asked for quiet
        say_build(kb_dir, index_dir, manifest, said, model=model, level=logging.WARNING if other else logging.INFO)
        progress = _telling(on_build, "updating the index (the knowledge base changed since it was built)", bar)
        stats = ensure_index(kb_dir, index_dir, model, quiet=quiet, advise=advise, progress=progress, lean=lean)
        return stats is not None
    except NotWritable as exc:  # a read-only deployment: answer from the index it has
        # unless this recur cannot read it: "answering from the index" was followed by
        # "rebuild it", which cannot be done there either (found in review)
        index_mod.refuse_other_format(manifest, index_dir, str(exc))
        log(
            f"warning: {exc}; answering from the index built {manifest.get('built', '?')}: "
            f"KB changes since then{_changes(manifest, kb_dir)} are not searched (run recur index where it can write).",
            logging.WARNING,
        )
        return False


def _changes(manifest: dict, kb_dir) -> str:
    """The files changed, in brackets, for the warning of an index that cannot be updated: which of the KB's
    files it was not built from (by content, in a copied checkout whose files all have new times:
    index.changed_files); empty when there are none or the KB cannot be read."""
    try:
        changed = index_mod.changed_files(manifest, kb_dir)
    except OSError:
        return ""
    return f" ({index_mod.shown_files(changed)})" if changed else ""


def _index_shown(index_dir) -> str:
    """The index folder as given, but absolute from the filesystem's root, where a relative path (the
    default) reads as though it were the repository's (`No index at .recur/index` from a desktop client's ``/``)."""
    from recur import config

    return config.from_here(index_dir) if not Path(index_dir).is_absolute() and config.at_root() else str(index_dir)


def _elsewhere(kb_dir, index_dir) -> str:
    from recur import config

    return f" ({config.not_here_words(kb_dir)})" if config.state_elsewhere(kb_dir, "index", index_dir) else ""


def _beside(kb_dir, index_dir) -> str:
    """The end of "building it now": with the KB elsewhere, where its repository's index is and how to
    use it, or how to keep one there."""
    from recur import config

    beside = config.state_elsewhere(kb_dir, "index", index_dir)
    if beside is None:
        return "."
    if index_mod.read_manifest(beside) is not None:
        shown = config.from_here(beside)
        return f". The KB's repository has one at {shown}: pass --index {shown} (env RECUR_INDEX) to use it."
    repo = config.from_here(Path(kb_dir).resolve().parent)
    return f". To keep one index beside the KB, run from {repo} or pass --index {config.from_here(beside)}."


def _telling(on_build, what: str, bar: bool | None = False):
    """``ensure_index``'s ``progress`` for ``Engine.open(on_build=...)``: ``what`` said at once, then with
    the texts encoded so far. Without ``on_build``, ``bar``: Engine.open's ``progress`` (None: a bar on a terminal)."""
    if on_build is None:
        return bar
    on_build(what)

    def tell(done: int, total: int) -> None:
        on_build(f"{what}: {done:,} of {total:,} texts encoded")

    return tell


def _tuned_in_use(kb_dir, spec) -> bool:
    """Whether the index is built with the KB's tuned model: advice on re-tuning it says nothing about
    another model (found in review: printed with `--model default`)."""
    from recur.retrieval.models import tuned_model_for

    try:
        tuned = tuned_model_for(kb_dir)
    except RecurError:  # a damaged manifest: the advice says so, whatever model is used
        return True
    return tuned is not None and spec.path is not None and Path(spec.path).resolve() == tuned


def _refuse_left_out(kb, index_dir) -> None:
    """`recur index --strict`: stop, before anything is written, when pattern files would be left out."""
    from recur.kb.check import left_out_problems

    left = index_mod.left_out_patterns(kb)
    if not left:
        return
    files = set(left)  # each file's first error, by its place in the KB (a dangling link's too)
    why = [str(p) for p in left_out_problems(kb) if index_mod.kb_relative(Path(p.path), kb.root) in files]
    raise RecurError(
        f"index not built (--strict): {plural(len(left), 'pattern file')} with errors would not be searched; "
        f"the index at {index_dir} is left as it was. Fix them (recur check --kb {kb.root}):"
        + "".join(f"\n  {line}" for line in why[:10])
        + (f"\n  and {len(why) - 10} more" if len(why) > 10 else "")
    )


def warn_left_out(bad: list) -> None:
    """Each answer from an index that left pattern files out says which (they are not searched)."""
    from recur.retrieval.pattern_read import left_out_said

    said = left_out_said(bad)
    if said:
        log(said, logging.WARNING)


def _intact(kb_dir, index_dir, model_id: str, quiet: bool) -> bool:
    try:
        index_mod.load(index_dir, model_id)
    except RecurError as exc:
        # what is wrong, not its command: this is the rebuild; said once it can be done (it was said, and
        # then the folder could not be written: found in an upgrade review)
        what = exc.what if isinstance(exc, index_mod.IndexProblem) else exc
        say_build(kb_dir, index_dir, None, None if quiet else f"{what}: rebuilding it")
        return False
    return True


def no_known_pattern(results: list) -> bool:
    """No result is likely enough to be right (recur.retrieval.calibrate): nothing in the KB
    describes the text; on a KB too small to calibrate, every result is a low-confidence guess."""
    return calibrate.no_known_pattern([r.get("probability") for r in results], [r["confidence"] for r in results])


def _shown(results: list, top: int) -> list:
    """The first ``top`` results, their look-alikes among those shown (as when only they were asked)."""
    if len(results) <= top:
        return results
    shown = results[:top]
    ids = {r["id"] for r in shown}
    for r in shown:
        if "look_alikes" in r:
            r["look_alikes"] = [a for a in r["look_alikes"] if a["id"] in ids]
    return shown


def _hidden_likelier(results: list, top: int) -> Result | None:
    """The result check_both names over the first VERDICT_TOP ranked when it is past the first ``top``: the
    verdict reads them, and with `--top 1` an answer said nothing of the one it stood on (found in review)."""
    k = likelier(results[: calibrate.VERDICT_TOP])
    return results[k] if k is not None and k >= top else None


class Engine:
    """A loaded index plus its encoder. Thread-safe for queries; ``reload_if_changed`` swaps
    in a rebuilt index without a restart."""

    def __init__(self, kb_dir, index_dir, model: str | None = None, *, searcher=None):
        """``searcher``: an index and encoder already in memory (``recur tune`` measures a candidate
        model it has not saved); otherwise both are loaded from ``index_dir``."""
        self.kb_dir = Path(kb_dir)
        self.index_dir = Path(index_dir)
        self.model = model
        self._lock = threading.Lock()
        self.searcher = searcher
        self._trace_queries = False  # set by enable_traced(); kept across reloads
        if searcher is None:
            self._load()

    @classmethod
    def open(
        cls,
        kb_dir,
        index_dir,
        model: str | None = None,
        update: bool = True,
        quiet: bool = False,
        advise=None,
        on_build=None,
        lean: bool = False,
        progress: bool | None = False,
    ):
        """The engine over an index brought up to date first (``update``). ``on_build(what)``, when
        given, is told what a build it makes is doing, from its start to its last text encoded (a
        server's /healthz says it while it lasts). Else ``progress``: True, a bar on stderr; False (a library
        caller's default: nothing it did not ask for on its terminal), none; None, a bar when stderr is a
        terminal (`recur`'s commands). ``lean``: a process that stays up, whose build never loads PyTorch for
        its size (``ensure_index``)."""
        said = False  # a rebuild here named the files it left out already
        step, manifest = _first_step(kb_dir, index_dir, model) if update else ("", None)
        if step == "as built":
            # a deployment given the index without its KB (recur serve and recur mcp allow it): answer
            # from the index as built, instead of failing on the KB it cannot compare it with; an index
            # of another format cannot be answered from, and cannot be updated without its KB
            index_mod.refuse_other_format(manifest, index_dir, index_mod.no_kb(kb_dir))
            log(index_mod.no_kb_said(kb_dir, index_dir, manifest), logging.WARNING)
        elif step == "build":
            said = _first_build(kb_dir, index_dir, model, quiet, advise, on_build, lean, progress)
        elif step == "update":
            said = _update(kb_dir, index_dir, manifest, model, quiet, advise, on_build, lean, progress)
        elif manifest is not None:  # up to date: a copied or moved checkout's index told where its KB is
            index_mod.record_place(index_dir, kb_dir, manifest)
        engine = cls(kb_dir, index_dir, model)
        if not quiet and not said:
            warn_left_out(engine.manifest.get("left_out") or [])
        return engine

    def _load(self) -> None:
        from recur.retrieval.search import Searcher

        spec = embed.resolve(active_model(self.kb_dir, self.model))
        try:
            loaded = index_mod.load(self.index_dir, expect_model=spec.model_id)
        except index_mod.IndexProblem as exc:  # its command names this run's KB and --model
            raise exc.for_run(self.kb_dir, self.model) from None
        encoder = embed.load_encoder(spec)
        if encoder.dim != loaded.manifest.get("dimension"):
            what = f"the index at {self.index_dir} has dimension {loaded.manifest.get('dimension')}, the model gives {encoder.dim}"
            raise index_mod.IndexProblem(self.index_dir, what).for_run(self.kb_dir, self.model)
        if self._trace_queries:  # a reload may bring a newly tuned model
            _trace(encoder)
        old = self.searcher.encoder.model_id if self.searcher is not None else None
        self.searcher = Searcher(loaded, encoder)
        if old is not None and old != encoder.model_id:
            embed.forget(old)  # the model this engine used before a tune: freed once no query holds it

    def enable_traced(self) -> None:
        """For a long-running process: single queries through a traced graph (embed.enable_traced),
        now and after any reload."""
        self._trace_queries = True
        _trace(self.searcher.encoder)

    @property
    def docs(self) -> dict:
        return self.searcher.index.docs

    @property
    def manifest(self) -> dict:
        return self.searcher.index.manifest

    def reload_if_changed(self) -> bool:
        current = index_mod.read_manifest(self.index_dir)
        if not current or current.get("build_id") == self.searcher.index.build_id:
            return False
        fmt = index_mod.newer_format(current)
        if fmt is not None:  # "upgrade recur" means: this server's
            raise RecurError(
                f"it was rebuilt by a newer recur (format {fmt}; this one reads format {index_mod.FORMAT}): "
                "restart the server on the newer recur"
            )
        self._refuse_unconvertible(current)
        other = index_mod.built_for_other_kb(current, self.kb_dir)
        if other:  # another KB's `recur index` or `suggest` given the same --index: not this KB's answers
            raise RecurError(
                f"it was built for the knowledge base at {other}, not {self.kb_dir.resolve()} "
                "(give each KB its own --index; `recur index` here rebuilds it for this one)"
            )
        with self._lock:
            if current.get("build_id") != self.searcher.index.build_id:
                self._load()
                return True
        return False

    def _refuse_unconvertible(self, current: dict) -> None:
        """An index of an older format that no `recur index` can convert where it is served (no KB folder: an
        index-only deployment; a folder recur cannot write): what Engine.open says of it at start-up, not
        load()'s "convert it with: recur index --kb <the build machine's KB> ...", which cannot run there."""
        if current.get("format") == index_mod.FORMAT:
            return
        if not self.kb_dir.is_dir():
            index_mod.refuse_other_format(current, self.index_dir, index_mod.no_kb(self.kb_dir))
        try:
            index_mod.check_updatable(self.index_dir)
        except NotWritable as exc:
            index_mod.refuse_other_format(current, self.index_dir, str(exc))

    def ranked(self, text: str, top: int = 5) -> list[Result]:
        """The first ``top`` results for ``text``, bare: no verdict (``no_known_pattern``), no ``likelier``
        (only ``top`` are ranked, where ``answer`` ranks at least the ``VERDICT_TOP`` its verdict reads) and
        no ``query_note``: a text over ``MAX_QUERY_CHARS`` is condensed (recur.retrieval.query) without a
        word of it, and a lone surrogate is searched as U+FFFD (recur.util.utf8.clean). For measuring ranks alone
        (tune, bench) and the server's warm-up; what a person reads comes from ``answer``, and so does `recur eval`
        (answer_many: the verdict and confidence beside the same ranks)."""
        return self.ranked_many([text], top=top)[0]

    def answer(
        self, text: str, top: int = 5, *, exclude=None, link=None, others: str | None = None, escaped: bool = True
    ) -> Answer:
        """The answer every surface shows: the first ``top`` results with the verdict (``no_known_pattern``),
        the result a short ``top`` left out that is rated more likely right (``likelier``) and what was left
        out of a long paste (``query_note``). ``exclude``: pattern ids answered as if they were not in the KB
        (those a new incident already links); ``link``: the pattern an alert's runbook link names
        (search.RunbookLink), ranked first; ``others``: what the query_note tells to do about a pasted list's
        other alerts on this surface (query.Prepared.said); ``escaped``: False for a text whose Slack escapes were
        read already (Slack's /recur: query.slack_unquoted reads them once)."""
        return self.answer_many([text], top=top, exclude=exclude, link=link, others=others, escaped=escaped)[0]

    def answer_many(
        self, texts: list[str], top: int = 5, *, exclude=None, link=None, others=None, escaped: bool = True
    ) -> list[Answer]:
        """``answer`` for each of ``texts``, encoded in one batch."""
        from recur.retrieval.patterns import meant_ids

        texts = _required_texts(texts, top)
        prepared = [prepare(t, escaped=escaped) for t in texts]
        # the verdict reads the first VERDICT_TOP results whatever is shown: `-n 1` and `-n 5` agree. A paste that is
        # no alert nor incident (Prepared.not_alert: an SNS subscription message), or a text with nothing to search
        # ("", white space: Prepared.unsearched), is not ranked: no result, the note
        searched = [i for i, p in enumerate(prepared) if not p.unsearched]
        ranked = [([], [])] * len(texts)
        found = self._rank_read(
            [prepared[i].searched for i in searched], max(top, calibrate.VERDICT_TOP), "hybrid", exclude, link
        )
        for i, r in zip(searched, found):
            ranked[i] = r
        out = []
        for t, p, (r, read) in zip(texts, prepared, ranked):  # read: the typos read as the KB's words (search.TYPO)
            note = p.unsearched or "; ".join(n for n in (p.said(others), typo_note(read)) if n) or None
            shown, likelier = _shown(r, top), _hidden_likelier(r, top)
            meant = [] if p.unsearched else meant_ids(compatible(t), self.docs, self.manifest)
            # nothing searched: no verdict (null, as the webhook's for an alert not searched), not "no known
            # pattern", which MCP and Slack answered with "record it" for an SNS subscription confirmation, and
            # answer("") with the closest patterns "for comparison"
            verdict = None if p.unsearched else no_known_pattern(r)
            out.append(Answer(p.text, shown, verdict, note, likelier, credible_count(r), corrected(read), meant))
        return out

    def ranked_many(self, texts: list[str], top: int = 5, mode: str = "hybrid", exclude=None) -> list[list[Result]]:
        """``ranked`` for many texts, encoded in one batch; ``mode``: ``hybrid``, or ``dense`` alone (what
        tuning measures too); ``exclude``: pattern ids ranked as if they were not in the KB."""
        # a lone surrogate (a byte that is not UTF-8, a bad JSON escape) would break the tokenizer; a
        # terminal's colour codes are not words of the text; a log is searched by its error lines and a
        # long paste is condensed (retrieval.query)
        return self._rank([prepare(t).searched for t in texts], top, mode, exclude)

    def _rank(self, texts: list[str], top: int, mode: str, exclude, link=None) -> list[list[Result]]:
        """Results for texts already prepared (retrieval.query.prepare), a typo read only when it helps."""
        return [r for r, _ in self._rank_read(texts, top, mode, exclude, link)]

    def _rank_read(self, texts: list[str], top: int, mode: str, exclude, link=None) -> list[tuple[list, list]]:
        """Each text's results with the typos read for them (search.TYPO; none: ranked as typed). A text is
        ranked as typed; only when its first result is not of high confidence and it has a typo to read is it
        ranked again with them read, and that kept when better (``_read_better``: a credible answer as typed
        is never changed, only made surer). Found in review: read always, correctly spelt words were
        "corrected" ("compress" as "compares", "ldap" as "leap") and right answers fell from medium to
        "no known pattern"."""
        from recur.retrieval.search import reading_typos

        out = [(r, []) for r in self._rank_as(texts, top, mode, exclude, link)]
        again = [i for i, t in enumerate(texts) if _unsure(out[i][0]) and self.searcher.corrections(t)]
        if again:
            with reading_typos():
                read = self._rank_as([texts[i] for i in again], top, mode, exclude, link)
            for i, r in zip(again, read):
                if _read_better(out[i][0], r):
                    out[i] = (r, self.searcher.corrections(texts[i]))
        return out

    def _rank_as(self, texts: list[str], top: int, mode: str, exclude, link=None) -> list[list[Result]]:
        """Results for texts already prepared, read as ``reading_typos`` says (as typed, by default)."""
        from recur.retrieval.lookalikes import annotate  # close candidates get look_alikes (issue 6)

        searcher = self.searcher
        vecs = searcher.encode_queries(texts) if texts else []
        out = []
        for text, vec in zip(texts, vecs):
            hits = searcher.search(text, top=top, qvec=vec, mode=mode, exclude=exclude, link=link)
            out.append(
                annotate(
                    [result_object(i + 1, h, searcher.index.docs[h.id]) for i, h in enumerate(hits)],
                    searcher.index.docs,
                )
            )
        return out


def _required_texts(texts, top) -> list[str]:
    """``texts`` as a list, or a call the calling code got wrong refused as Python refuses one (TypeError,
    ValueError), not answered: a str given as the list was answered character by character (9 answers for
    "disk full"), and a negative ``top`` was a slice from the end (``top=-1``: 2 results). Found using Recur as a
    library; the CLI, the API and MCP check what they are given before they call."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts: a list of texts, not one text (answer(text) answers one)")
    texts = list(texts)
    wrong = [t for t in texts if not isinstance(t, str)]
    if wrong:
        raise TypeError(f"a text to answer is a str, not {type(wrong[0]).__name__}")
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 0:
        raise ValueError(f"top: how many results, a whole number 0 or more, not {top!r}")
    return texts


def _unsure(typed: list) -> bool:
    """Whether a text's results as typed may be bettered by reading its typos: its first result is not high."""
    return not typed or typed[0]["confidence"] != "high"


def _read_better(typed: list, read: list) -> bool:
    """Whether the results with the typos read are kept over those as typed. With a credible result (medium or
    high) as typed, only the same first result rated more likely right ("kernal panic": kernel-panic-bug medium
    as typed, high read): a reading never changes a credible answer. With none, a credible result, or a first
    result more likely right ("memroy leek": nothing credible typed, memory-leak-oom-kill high read). Else not:
    a reading that finds nothing better is no reading to tell of."""
    if not read:
        return False
    if not typed:
        return True
    p_typed, p_read = typed[0]["probability"], read[0]["probability"]
    surer = p_read is not None and (p_typed is None or p_read > p_typed)
    if credible_count(typed):
        return read[0]["id"] == typed[0]["id"] and surer
    return bool(credible_count(read)) or surer


def _trace(encoder) -> None:
    """Encoders that can trace do (idempotent; falls back to eager by itself); the fake one cannot."""
    enable = getattr(encoder, "enable_traced", None)
    if enable is not None:
        enable()
