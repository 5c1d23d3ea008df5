"""A long pasted text is condensed to what is searched (recur.retrieval.query), not cut at its end.

Found in review: a 196-line, 34 KB Java stack trace with ``Caused by: java.io.IOException: No space
left on device`` at its bottom lost it: `recur suggest -` searched the first 20,000 characters (all
frames of the outer exception) and answered "no known pattern". Our own generated traces below."""

import json

from recur.retrieval.query import MAX_QUERY_CHARS, prepare

ROOT_CAUSE = "Caused by: java.io.IOException: No space left on device"


LOGGED = "2026-04-02 03:10:00.001 ERROR 7 --- [batch-3] o.e.export.ExportJob : export step failed"


def java_trace(frames: int = 190, logged: bool = True) -> str:
    """An export job's trace: a wrapper exception, a long run of frames, the root cause last; ``logged``:
    under the log line that reported it (a log of one record: searched by its error lines), else bare."""
    lines = [LOGGED] if logged else []
    lines += ["com.example.export.ExportFailedException: could not write batch 42 to /srv/exports/invoices.csv"]
    lines += [
        f"\tat com.example.export.writer.CsvBatchWriter$$Proxy$$9f8e.write{i}(CsvBatchWriter.java:{200 + i}) "
        "~[export-core-3.2.0.jar!/:3.2.0]"
        for i in range(frames)
    ]
    lines += [
        ROOT_CAUSE,
        "\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)",
        "\tat java.base/sun.nio.ch.IOUtil.write(IOUtil.java:58)",
        "\t... 61 common frames omitted",
    ]
    return "\n".join(lines) + "\n"


def timeline(lines: int = 400) -> str:
    """A postmortem's indented timeline: prose lines that start with "at", no stack frame among them."""
    return "Timeline:\n" + "\n".join(
        f"  at {10 + i // 60:02d}:{i % 60:02d} the deploy of batch {i} started and paged the on-call"
        for i in range(lines)
    )


def node_trace(frames: int = 700) -> str:
    """A Node.js trace: frames with a name and a location in parentheses, "async", and a bare path."""
    kinds = (
        "    at Object.<anonymous> (/app/src/w{}.js:1:2)",
        "    at async run{} (/app/x.js:3:4)",
        "    at /app/y{}.js:5:6",
    )
    return "TypeError: Cannot read properties of undefined (reading 'id')\n" + "\n".join(
        kinds[i % 3].format(i) for i in range(frames)
    )


def test_indented_prose_that_starts_with_at_is_no_stack_frame():
    """Found in review: "  at 10:02 the deploy started" was left out of a long paste as a frame."""
    p = prepare(timeline())
    assert p.frames == 0 and "at 10:01 the deploy of batch 1 " in p.text
    p = prepare(node_trace())
    assert p.frames == 699 and p.text.count("\n    at ") == 1


def test_a_short_text_is_searched_as_it_is():
    text = "checkout 502s after the deploy\n\tat com.example.Checkout.pay(Checkout.java:12)\n" * 10
    p = prepare(text)
    assert p.text == text and p.note is None and (p.frames, p.middle) == (0, 0)


def test_a_long_trace_loses_its_repeated_frames_and_keeps_its_root_cause():
    trace = java_trace(logged=False)  # no log record: a trace, condensed to fit (a logged one: test_query_logs)
    assert len(trace) > MAX_QUERY_CHARS
    p = prepare(trace)
    assert p.text.splitlines() == [
        "com.example.export.ExportFailedException: could not write batch 42 to /srv/exports/invoices.csv",
        "\tat com.example.export.writer.CsvBatchWriter$$Proxy$$9f8e.write0(CsvBatchWriter.java:200) "
        "~[export-core-3.2.0.jar!/:3.2.0]",
        ROOT_CAUSE,
        "\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)",
    ]
    assert (p.frames, p.middle) == (191, 0)  # 189 + 1 frames past the first of their runs, and "... 61 ..."
    assert p.note == (
        f"the text is {len(trace):,} characters, over the 20,000 searched: 191 repeated stack-frame lines "
        "('at ...', '... N more') left out"
    )
    assert prepare(p.text) == type(p)(p.text, len(p.text))  # what is searched is searched as it is


def test_a_long_text_still_too_long_keeps_its_start_its_end_and_the_error_lines_between():
    # not log records (no timestamp or level first: a log is searched by its error lines, test_query_logs)
    lines = [f"request {i} served in 12 ms by worker-{i % 7} at 10:00:{i % 60:02d}" for i in range(1200)]
    lines[600] = "writes fail at 10:10:00: ERROR disk quota exceeded on /srv/data"
    lines[700] = "java.lang.IllegalStateException: buffer closed"
    text = "\n".join(lines)
    p = prepare(text)
    assert len(p.text) <= MAX_QUERY_CHARS and p.frames == 0 and p.middle == len(text) - len(p.text)
    kept = p.text.split("\n")
    assert kept[0] == lines[0] and kept[-1] == lines[-1]
    assert lines[600] in kept and lines[700] in kept
    assert kept.index(lines[600]) < kept.index(lines[700])  # in their order
    assert "left out of its middle (its start and end are searched" in p.note
    one_line = "x" * 30_000 + " Exception " + "y" * 30_000  # no line to cut at (a minified JSON document)
    p = prepare(one_line)
    assert p.text.startswith("x" * 8000) and p.text.endswith("y" * 8000) and len(p.text) <= MAX_QUERY_CHARS


def test_recur_suggest_searches_a_long_traces_root_cause_and_says_what_it_left_out(run):
    trace = java_trace(logged=False)
    res = run("suggest", "--json", "--top", "3", "-", input=trace)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert ROOT_CAUSE in out["query"]
    top = out["results"][0]
    assert top["id"] == "disk-full" and top["why"][0]["match"] == "exact", top["why"]
    assert f"recur: the text is {len(trace.strip()):,} characters, over the 20,000 searched: 191 repeated" in res.stderr


def test_a_long_trace_finds_its_root_causes_pattern_on_the_shipped_kb(real_engine):
    answer = real_engine.answer(java_trace(), top=5)
    assert ROOT_CAUSE in answer.query
    assert "disk-full" in [r["id"] for r in answer.results[:3]], [r["id"] for r in answer.results]
