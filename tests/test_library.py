"""Recur used as a Python library (docs/library.md): the names ``import recur`` gives, what they return and raise,
and that they write nothing to stdout. Found by a platform developer embedding Recur in an incident bot: the only
library names documented were spread over docs/architecture.md's Key APIs, ``import recur`` had none of them,
and a str given where a list is taken was answered character by character."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from kbfactory import small_kb

import recur

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tools" / "recur"
LIBRARY = ROOT / "docs" / "library.md"


def test_the_library_names_are_the_recur_packages_and_its_page_names_each():
    """Each name of ``recur.__all__`` is given by ``import recur`` and named `recur.NAME` on docs/library.md,
    and the page names no other (test_docs checks each `recur.x.NAME` it names exists)."""
    assert "Engine" in recur.__all__ and "load_kb" in recur.__all__ and "RecurError" in recur.__all__
    for name in recur.__all__:
        assert getattr(recur, name) is not None, name
    documented = {
        n for n in re.findall(r"`recur\.([A-Za-z_]\w*)", LIBRARY.read_text(encoding="utf-8")) if not n.startswith("_")
    }
    modules = {p.stem for p in PACKAGE.iterdir() if p.is_dir() or p.suffix == ".py"}
    assert documented - modules == set(recur.__all__) - {"__version__"}
    assert set(dir(recur)) >= set(recur.__all__)
    with pytest.raises(AttributeError):
        recur.no_such_name  # noqa: B018


def test_import_recur_imports_nothing_but_itself():
    """A bot that only checks a KB must not pay for numpy or the model: each name loads its module on first use."""
    code = (
        "import sys; before = set(sys.modules); import recur; "
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] not in sys.stdlib_module_names))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(PACKAGE.parent)},
    )
    assert out.stdout.strip() == "['recur']", out.stdout


def test_no_module_of_the_package_takes_a_library_name_from_recur():
    """The names load lazily from a table, which import-linter does not read: a module of the package that took
    one from `recur` would import a layer above its own unchecked. It takes it from its module instead."""
    taken = []
    for source in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "recur" and node.level == 0:
                taken += [f"{source.relative_to(ROOT)}: {a.name}" for a in node.names if a.name in recur.EXPORTS]
            # `import recur` then `recur.Engine`: as unchecked (the `from recur import` form alone was looked for)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "recur":
                taken += [f"{source.relative_to(ROOT)}: recur.{node.attr}"] if node.attr in recur.EXPORTS else []
    assert not taken, taken


def test_a_bot_checks_suggests_records_and_reads_the_board_with_recurs_names(tmp_path, capsys):
    """The walk-through of docs/library.md on a small KB (the fake encoder: no model): typed records back,
    nothing on stdout (a bot's own output), the one error type for a bad KB folder."""
    kb_dir = small_kb(tmp_path / "kb")
    kb = recur.load_kb(kb_dir)
    assert isinstance(kb, recur.KB) and isinstance(kb.patterns["disk-full"], recur.Pattern)
    problems = recur.run_checks(kb)
    assert all(isinstance(p, recur.Problem) for p in problems)
    assert not [p for p in problems if p.is_error], problems

    engine = recur.Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)
    answer = engine.answer("No space left on device", top=2)
    assert isinstance(answer, recur.Answer) and answer.results[0]["id"] == "disk-full"
    assert set(answer.to_json()) >= {"query", "no_known_pattern", "results"}

    new = recur.NewIncident(title="Writes failing", severity="sev2", date=dt.date(2026, 3, 1), patterns=("disk-full",))
    iid, path, review = recur.record_incident(kb, new)
    assert path.is_file() and review.status == "pending"
    board = recur.report_board(recur.load_kb(kb_dir), dt.date(2026, 3, 2))
    assert board["counts"]["reviews_pending"] >= 1
    assert iid in [r["incident"] for r in board["reviews"]]

    with pytest.raises(recur.RecurError, match="knowledge base folder not found"):
        recur.load_kb(tmp_path / "nope")
    assert capsys.readouterr().out == ""


def test_a_call_the_code_got_wrong_is_a_type_or_value_error_not_an_answer(tmp_path):
    """``answer_many("disk full")`` gave 9 answers, one per character, and ``top=-1`` two results; a NewIncident
    with ``patterns="disk-full"`` was refused as the unknown ids d, i, s, k, …, and a date given as a str failed
    on a comparison deep inside."""
    kb_dir = small_kb(tmp_path / "kb")
    engine = recur.Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)
    with pytest.raises(TypeError, match="not one text"):
        engine.answer_many("disk full", top=1)
    with pytest.raises(TypeError, match="not NoneType"):
        engine.answer(None)
    with pytest.raises(ValueError, match="top"):
        engine.answer("disk full", top=-1)
    assert [len(a.results) for a in engine.answer_many(t for t in ["disk full", "dns"])] == [3, 3]
    kb = recur.load_kb(kb_dir)
    with pytest.raises(TypeError, match=r"NewIncident\.patterns: a list or tuple"):
        recur.record_incident(
            kb, recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), patterns="disk-full")
        )
    with pytest.raises(TypeError, match=r"NewIncident\.date: a datetime\.date, not str"):
        recur.record_incident(kb, recur.NewIncident(title="x", severity="sev2", date="2026-03-01"))
    # a datetime failed inside as the str did (can't compare datetime.datetime to datetime.date)
    with pytest.raises(TypeError, match=r"NewIncident\.review_due: a datetime\.date, not datetime"):
        when = dt.datetime(2026, 3, 9, 9, 30)
        recur.record_incident(
            kb, recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), review_due=when)
        )
    with pytest.raises(TypeError, match=r"NewIncident\.date: a datetime\.date, not datetime"):
        recur.record_incident(kb, recur.NewIncident(title="x", severity="sev2", date=dt.datetime(2026, 3, 1, 9, 30)))
    assert not list((kb_dir / "incidents").rglob("INC-2026-0003.md"))


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"patterns": [1]}, r"NewIncident\.patterns\[0\]: a string, not int \(1\)"),
        ({"services": ["db", None]}, r"NewIncident\.services\[1\]: a string, not NoneType"),
        ({"flags": [b"x"]}, r"NewIncident\.flags\[0\]: a string, not bytes"),
        ({"services": 5}, r"NewIncident\.services: a list or tuple of strings, not int"),
        ({"patterns": None}, r"NewIncident\.patterns: a list or tuple of strings, not NoneType"),
    ],
)
def test_a_list_with_an_item_of_no_text_is_a_type_error_naming_the_field(tmp_path, given, said):
    """``patterns=[1]`` passed the check of the list's type and failed inside ("'int' object has no attribute
    'strip'"), as ``services=[None]`` did ("argument of type 'NoneType' is not iterable"); nothing is written."""
    kb_dir = small_kb(tmp_path / "kb")
    before = sorted((kb_dir / "incidents").rglob("*.md"))
    with pytest.raises(TypeError, match=said):
        recur.record_incident(
            recur.load_kb(kb_dir), recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), **given)
        )
    assert sorted((kb_dir / "incidents").rglob("*.md")) == before


def test_a_board_asked_as_of_a_str_is_a_type_error_naming_it(tmp_path):
    """``report_board(kb, "2026-03-02")`` failed inside, comparing a date with a str."""
    kb = recur.load_kb(small_kb(tmp_path / "kb"))
    with pytest.raises(TypeError, match=r"as_of: a datetime\.date, not str \('2026-03-02'\)"):
        recur.report_board(kb, "2026-03-02")
    assert recur.report_board(kb, dt.datetime(2026, 3, 2, 9, 30))["as_of"] == "2026-03-02"


def test_two_kbs_in_one_process_answer_each_from_its_own_and_one_engine_from_many_threads(tmp_path):
    """What docs/library.md says of threads and of a second KB: a bot serving two teams opens an Engine for each,
    and answers from several threads at once; each engine's answers are its own KB's, the same from any thread."""
    first, second = small_kb(tmp_path / "a"), small_kb(tmp_path / "b")
    shutil.rmtree(second / "patterns" / "capacity")  # disk-full is the first KB's alone
    one = recur.Engine.open(first, tmp_path / "a-index", model="fake:64", quiet=True)
    two = recur.Engine.open(second, tmp_path / "b-index", model="fake:64", quiet=True)
    assert "disk-full" in one.docs and "disk-full" not in two.docs
    texts = ["No space left on device", "too many clients already", "no such host SERVFAIL"] * 8
    want = {t: [r["id"] for r in one.answer(t, top=3).results] for t in texts}
    assert want["No space left on device"][0] == "disk-full"
    got: dict = {}

    def ask(part):
        for t in part:
            got.setdefault(t, []).append([r["id"] for r in one.answer(t, top=3).results])

    threads = [threading.Thread(target=ask, args=(texts[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(ids == want[t] for t, runs in got.items() for ids in runs) and sum(map(len, got.values())) == len(texts)
    assert all(r["id"] != "disk-full" for r in two.answer("No space left on device", top=3).results)


def test_a_library_caller_is_told_of_its_arguments_not_of_the_clis_flags(tmp_path, monkeypatch):
    """``load_kb`` said "pass --kb DIR or set RECUR_KB" (the library reads no RECUR_KB) and "did you mean --kb
    …", and ``record_incident`` "--pattern: unknown pattern id(s) …": a flag the library's caller never passed.
    The CLI says them as before (test_check_table, test_incident_capture)."""
    kb_dir = small_kb(tmp_path / "repo" / "kb")
    monkeypatch.chdir(tmp_path)
    for folder in ("nope", "repo", "repo/kb/patterns"):
        with pytest.raises(recur.RecurError) as said:
            recur.load_kb(folder)
        assert "--kb" not in str(said.value) and "RECUR_KB" not in str(said.value), str(said.value)
    with pytest.raises(recur.RecurError, match=r"did you mean repo/kb\?"):
        recur.load_kb("repo")
    monkeypatch.chdir(kb_dir / "patterns")  # a newcomer's bot run from inside the KB: told where it is
    with pytest.raises(recur.RecurError, match=r"knowledge base folder not found: kb; there is one at \.\.$"):
        recur.load_kb("kb")
    new = recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), patterns=("disk-ful",))
    with pytest.raises(recur.RecurError, match=r"^patterns: unknown pattern id\(s\) disk-ful \(did you mean disk-full"):
        recur.record_incident(recur.load_kb(kb_dir), new)


def test_an_invalid_incident_id_is_named_as_the_library_s_argument(tmp_path):
    """``record_incident(NewIncident(iid="a/b"))`` said "--id: 'a/b' is not a valid incident id", a flag the library's
    caller never passed: NewIncident's ``iid`` now, as import_postmortem's argument is named. The command says --id
    as before (test_import_postmortem, test_incident_capture), in its run (util/errors.CALLER)."""
    from recur.cli.main import COMMAND_LINE
    from recur.kb.incident_record import require_id
    from recur.util.errors import calling

    kb_dir = small_kb(tmp_path / "kb")
    new = recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), iid="a/b")
    with pytest.raises(recur.RecurError, match=r"^iid: 'a/b' is not a valid incident id"):
        recur.record_incident(recur.load_kb(kb_dir), new)
    with calling(COMMAND_LINE), pytest.raises(recur.RecurError, match=r"^--id: 'a/b' is not a valid incident id"):
        require_id("a/b")
    from click.testing import CliRunner

    from recur.cli.main import cli

    r = CliRunner().invoke(cli, ["incident", "new", "--kb", str(kb_dir), "-t", "x", "-s", "sev2", "--id", "a/b"])
    assert r.exit_code != 0 and "'--id': 'a/b' is not a valid incident id" in r.output, r.output


def test_import_postmortem_names_its_category_and_patterns_as_its_caller_gave_them(tmp_path):
    """``import_postmortem(category="Disk Full")`` said "--category: must be a kebab-case id", and an unknown
    pattern "--pattern: unknown pattern id(s)", flags a caller of the function never passed (found re-reading
    fix-smalls, which made require_id say ``iid`` so): ``category`` and ``patterns`` now; `recur import` says the
    flags as before (util/errors.CALLER)."""
    from click.testing import CliRunner
    from kbfactory import fake_model_flags

    from recur.cli.main import cli
    from recur.ingest.importer import import_postmortem

    kb_dir = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text(
        "# Postmortem: Nightly export stalls on a full scratch disk\n\n**Date:** 2026-03-01\n\n## Summary\n"
        "The nightly export stalled for two hours when its scratch disk filled.\n"
    )
    before = sorted((kb_dir / "incidents").rglob("*.md"))
    asked = {"index_dir": tmp_path / "idx", "model": "fake:64", "draft": False}
    with pytest.raises(recur.RecurError, match=r"^category: must be a kebab-case id .*'Disk Full'"):
        import_postmortem(kb_dir, pm, category="Disk Full", **asked)
    with pytest.raises(recur.RecurError, match=r"^patterns: unknown pattern id\(s\) disk-ful \(did you mean"):
        import_postmortem(kb_dir, pm, patterns=["disk-ful"], **asked)
    assert sorted((kb_dir / "incidents").rglob("*.md")) == before
    flags = ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(pm), "--no-draft"]
    r = CliRunner().invoke(cli, [*flags, "--category", "Disk Full"])
    assert r.exit_code != 0 and "'--category': must be a kebab-case id" in r.output, r.output
    r = CliRunner().invoke(cli, [*flags, "--pattern", "disk-ful"])
    assert r.exit_code != 0 and "--pattern: unknown pattern id(s) disk-ful" in r.output, r.output


def test_the_board_is_asked_as_of_a_day_by_the_name_the_page_gives(tmp_path):
    """docs/library.md and the TypeError call it ``as_of``; ``report_board(kb, as_of=…)`` was a TypeError (its
    parameter was ``day``)."""
    kb = recur.load_kb(small_kb(tmp_path / "kb"))
    assert recur.report_board(kb, as_of=dt.date(2026, 3, 2))["as_of"] == "2026-03-02"


def test_two_threads_opening_engines_at_once_load_the_model_once(tmp_path, monkeypatch):
    """``embed.load_encoder``'s cache had no lock: two engines opened at once (a bot's two threads) each found
    no model loaded and loaded it, twice the memory and time. The first load here goes on only once the
    second thread has either come to the lock (``_LOADING``, wrapped to say so before it takes it) or begun a
    load of its own; with the lock it waits there and takes the first load's encoder. No timed wait: the
    outcome does not hang on how much CPU the second thread gets (it waited up to 1 s for it)."""
    from recur.retrieval import embed

    made, second = [], threading.Event()  # second: the other thread is at the lock, or loading

    class Counted(embed.FakeEncoder):
        def __init__(self, dim):
            made.append(dim)
            if len(made) == 1:
                second.wait(timeout=60)  # a guard against a hang only: it is set at once either way
            else:
                second.set()
            super().__init__(dim)

    class Told:  # the real lock; a thread that finds it held (by the other thread) says so, then waits for it
        def __init__(self, lock):
            self.lock = lock

        def __enter__(self):
            if not self.lock.acquire(blocking=False):
                second.set()
                self.lock.acquire()

        def __exit__(self, *exc):
            self.lock.release()

    monkeypatch.setattr(embed, "FakeEncoder", Counted)
    monkeypatch.setattr(embed, "_LOADING", Told(embed._LOADING))
    embed.forget(embed.resolve("fake:48").model_id)
    got = []
    threads = [threading.Thread(target=lambda: got.append(embed.load_encoder("fake:48"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    embed.forget(embed.resolve("fake:48").model_id)
    assert second.is_set() and len(got) == 2
    assert len(made) == 1 and got[0] is got[1]


def test_importing_recur_cli_leaves_sighup_alone_but_in_recurs_own_serve():
    """``import recur.cli`` in a program run as `bot.py serve` installed `recur serve`'s early SIGHUP handler:
    the program's SIGHUP was noted and never acted on. `recur serve` itself keeps it (test_serve_cli)."""
    # the handler a program starts with is set first: under `nohup make test` SIGHUP is inherited ignored (SIG_IGN)
    code = (
        "import signal; signal.signal(signal.SIGHUP, signal.SIG_DFL); import recur.cli; "
        "print(signal.getsignal(signal.SIGHUP) is signal.SIG_DFL)"
    )
    for argv0 in ("bot.py", "-c"):
        out = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv = [{argv0!r}, 'serve']; {code}"],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(PACKAGE.parent)},
        )
        assert out.stdout.strip() == "True", (argv0, out.stdout, out.stderr)


@pytest.mark.parametrize(
    "given, said",
    [
        ({"review_level": "huge"}, "review_level: must be one of full, light, none, not 'huge'"),
        ({"duration_minutes": -5}, "duration_minutes: must be a whole number of 0 or more, not -5"),
        ({"duration_minutes": "45"}, "duration_minutes: must be a whole number of 0 or more, not '45'"),
    ],
)
def test_a_new_incident_is_refused_what_recur_check_would_call_an_error(tmp_path, given, said):
    """``record_incident`` wrote ``review: {level: huge}`` and ``duration_minutes: -5``, records `recur check` then
    called errors (the CLI's --review-level and --duration take neither); nothing is written now."""
    kb_dir = small_kb(tmp_path / "kb")
    before = sorted(kb_dir.rglob("*.md"))
    new = recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), **given)
    with pytest.raises(recur.RecurError, match=re.escape(said)):
        recur.record_incident(recur.load_kb(kb_dir), new)
    assert sorted(kb_dir.rglob("*.md")) == before


def test_what_opening_an_engine_says_is_logged_and_the_cli_prints_it_as_before(tmp_path, capsys, caplog):
    """``Engine.open`` printed "No index at …: building it now" on the stderr of the bot that embedded it, which
    could neither route it nor silence it but with quiet=True: records of ``recur.*`` loggers now, INFO for what
    is done, WARNING for what a quiet caller hears too. `recur suggest` prints the same line as before."""
    import logging

    from click.testing import CliRunner
    from kbfactory import fake_model_flags

    from recur.cli.main import cli

    kb_dir = small_kb(tmp_path / "kb")
    with caplog.at_level(logging.INFO, logger="recur"):
        recur.Engine.open(kb_dir, tmp_path / "index", model="fake:64")
    built = [r for r in caplog.records if "building it now" in r.getMessage()]
    assert [(r.name, r.levelno) for r in built] == [("recur.retrieval.engine", logging.INFO)], caplog.records
    assert capsys.readouterr().err == ""
    r = CliRunner().invoke(cli, ["suggest", *fake_model_flags(kb_dir, tmp_path / "other"), "disk full"])
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith(f"No index at {tmp_path / 'other'}: building it now"), r.stderr
    caplog.clear()
    r = CliRunner().invoke(cli, ["suggest", *fake_model_flags(kb_dir, tmp_path / "other"), "disk full"])
    assert r.stderr == "" and not caplog.records  # the command's handler is gone with its run, its logger as before
    assert logging.getLogger("recur.retrieval").propagate


def test_a_library_caller_without_logging_hears_the_warnings_alone(tmp_path):
    """A program that configured no logging: Python's last resort prints what is WARNING or worse (an index
    answered from without its KB), not the progress (a build), as any library's logs."""
    kb_dir = small_kb(tmp_path / "kb")
    code = (
        "import sys, recur\n"
        "recur.Engine.open(sys.argv[1], sys.argv[2], model='fake:64')\n"
        "recur.Engine.open(sys.argv[1] + '-gone', sys.argv[2], model='fake:64')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(kb_dir), str(tmp_path / "index")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and "building it now" not in out.stderr, out.stderr
    assert out.stderr.startswith(f"warning: no knowledge base at {kb_dir}-gone; answering from the index"), out.stderr


def test_record_incident_returns_a_named_record_that_unpacks_as_the_tuple_did(tmp_path):
    """``record_incident`` returned a bare (id, path, review): ``RecordedIncident``, read by name, unpacked as before."""
    kb_dir = small_kb(tmp_path / "kb")
    new = recur.NewIncident(title="Disk full again", severity="sev2", date=dt.date(2026, 3, 1))
    written = recur.record_incident(recur.load_kb(kb_dir), new)
    assert isinstance(written, recur.RecordedIncident)
    assert written.path.is_file() and written.path.stem == written.id and written.review.level == "full"
    iid, path, review = written
    assert (iid, path, review) == (written.id, written.path, written.review)
    assert recur.load_kb(kb_dir).incidents[written.id].title == "Disk full again"


def test_a_caller_names_the_values_it_gave_one_way_on_every_surface(tmp_path):
    """One mechanism (util/errors.Caller, ``given_as``) for what an error calls a value: the library its argument,
    `recur`'s commands their flag, MCP its tool's argument (tests/test_mcp.py), a bot its own field (``calling``).
    ``record_incident`` took a ``patterns_field`` of its own for the list of patterns, beside it."""
    from click.testing import CliRunner

    from recur.cli.main import cli
    from recur.util.errors import Caller, calling

    kb_dir = small_kb(tmp_path / "kb")
    new = recur.NewIncident(title="x", severity="sev2", date=dt.date(2026, 3, 1), patterns=("disk-ful",))
    with pytest.raises(recur.RecurError, match=r"^patterns: unknown pattern id\(s\) disk-ful \(did you mean"):
        recur.record_incident(recur.load_kb(kb_dir), new)
    bot = Caller(names={"patterns": "--link", "iid": "incident number"})
    with calling(bot), pytest.raises(recur.RecurError, match=r"^--link: unknown pattern id\(s\) disk-ful"):
        recur.record_incident(recur.load_kb(kb_dir), new)
    with calling(bot), pytest.raises(recur.RecurError, match=r"^incident number: 'a/b' is not a valid incident id"):
        recur.record_incident(
            recur.load_kb(kb_dir), recur.NewIncident(title="x", severity="sev2", date=new.date, iid="a/b")
        )
    with pytest.raises(TypeError):
        recur.record_incident(recur.load_kb(kb_dir), new, patterns_field="--pattern")  # the second way: gone
    flags = ["incident", "new", "--kb", str(kb_dir), "-t", "x", "-s", "sev2", "--no-suggest"]
    r = CliRunner().invoke(cli, [*flags, "--pattern", "disk-ful"])
    assert r.exit_code == 1 and "Error: --pattern: unknown pattern id(s) disk-ful (did you mean" in r.output, r.output


def test_a_lock_the_file_system_refuses_is_logged_to_a_library_caller_not_printed(tmp_path, monkeypatch, capfd, caplog):
    """``record_incident`` on NFS without its lock daemon (the kernel refusing the folder's lock, as
    test_incident_marks makes it) printed its warning on the embedding program's stderr, bypassing the logging the
    library's other warnings went through (fix-library2 left util/files.said_once printing; found re-reading it).
    A WARNING of ``recur.util.files`` now, once; `recur`'s commands print the same line (test_incident_marks)."""
    import fcntl
    import logging

    kb_dir = small_kb(tmp_path / "kb")
    lockf = fcntl.lockf
    monkeypatch.setattr(fcntl, "flock", lambda fd, operation: lockf(fd, operation))
    new = recur.NewIncident(title="Disk full again", severity="sev2", date=dt.date(2026, 3, 1))
    with caplog.at_level(logging.INFO, logger="recur"):
        # a record rewritten with its suggestions is edited under its folder's lock (incident_record._with_suggestions)
        written = [recur.record_incident(recur.load_kb(kb_dir), new, suggest=lambda: (["disk-full"], [])) for _ in "ab"]
    assert [recur.load_kb(kb_dir).incidents[w.id].patterns for w in written] == [["disk-full"]] * 2
    said = [(r.name, r.levelno) for r in caplog.records if "which this file system refuses" in r.getMessage()]
    assert said == [("recur.util.files", logging.WARNING)], caplog.records
    assert "file system refuses" not in capfd.readouterr().err


def test_an_index_taken_from_another_kb_is_a_warning_whether_quiet_or_not(tmp_path, caplog):
    """ "The index at … was built for the knowledge base at …: rebuilding it for this one" was a WARNING to a caller
    that asked for quiet=True and INFO to one that did not (the default): a program that configured no logging
    heard of the take-over only when it had asked to hear less (found re-reading fix-library2). WARNING to both."""
    import logging

    from kbfactory import write_pattern

    kb_a, kb_b = small_kb(tmp_path / "a"), small_kb(tmp_path / "b")
    write_pattern(kb_b, "oom-killed", title="Process killed by the OOM killer")  # not a copy of a: another KB
    for quiet in (False, True):
        index = tmp_path / f"index-{quiet}"
        recur.Engine.open(kb_a, index, model="fake:64", quiet=quiet)
        with caplog.at_level(logging.INFO, logger="recur"):
            caplog.clear()
            recur.Engine.open(kb_b, index, model="fake:64", quiet=quiet)
        said = [
            (r.levelno, r.getMessage()) for r in caplog.records if "was built for the knowledge base" in r.getMessage()
        ]
        assert [level for level, _ in said] == [logging.WARNING], (quiet, caplog.records)
        assert said[0][1].startswith(f"The index at {index} was built for the knowledge base at"), said


def _kb_of_many_texts(root: Path) -> Path:
    """small_kb and 25 patterns of 8 short symptoms each: over the 200 distinct texts above which a build of the
    index draws a bar on a terminal (index._embed_distinct), each text a few words (quick to encode)."""
    from kbfactory import pattern_text, write

    kb = small_kb(root)
    for n in range(25):
        symptoms = [f"service {n} fails in way {k}" for k in range(8)]
        write(kb, f"patterns/capacity/many-{n}.md", pattern_text(f"many-{n}", symptoms=symptoms))
    return kb


@pytest.mark.model
def test_a_library_caller_on_a_terminal_gets_no_bar_it_did_not_ask_for(tmp_path, real_encoder, caplog):
    """Found in review: ``Engine.open`` (and ``import_postmortem``, ``build_site``'s index) drew the encoder's
    tqdm bar ("Batches: 40%|████") on the terminal of the program that called it, even with ``quiet=True``:
    a bot run from a shell had it in its own output. A bar is drawn when asked for (``progress=True``, or
    None: on a terminal, what `recur`'s commands pass, whose output is as it was); by default the caller's
    terminal gets nothing, and ``on_build`` or the logs tell it how the build goes."""
    import logging

    from fd_capture import written_to_a_terminal

    kb = _kb_of_many_texts(tmp_path / "kb")
    with written_to_a_terminal() as written, caplog.at_level(logging.INFO, logger="recur"):
        recur.Engine.open(kb, tmp_path / "index", model="default", quiet=True)
    assert written == [""], written
    (tmp_path / "index").joinpath("manifest.json").unlink()  # built again, a bar asked for: the terminal has it
    with written_to_a_terminal() as written:
        recur.Engine.open(kb, tmp_path / "index", model="default", quiet=True, progress=None)
    assert "Batches:" in written[0] and "100%" in written[0], written
