"""A runbook step's Markdown links as a terminal shows them. `recur show bad-deploy-crashloop` printed "go to
[rollback-fails](rollback-fails.md)" and `recur suggest` "(see [migration-table-lock](../data/...md))": paths
relative to a file the responder does not have open. A link to another pattern now reads as its id with the
command that shows it, a web link as its text and URL; the JSON (the API's and MCP's object) keeps the step as
written. Found in a new-hire review."""

from __future__ import annotations

import json

from kbfactory import write_pattern

STEP = (
    "If that fails, go to [db-pool-exhausted](db-pool-exhausted.md), see [the dashboard](https://grafana.example.com/d/x)"
    " and [dns](../network/dns-failure.md#runbook); `[kept](as-code.md)`"
)


def _kb(kb_dir):
    write_pattern(
        kb_dir,
        "disk-full",
        title="Disk full on a host",
        symptoms=("writes fail", "no space left on device"),
        signals=("No space left on device", "ENOSPC"),
        related=("db-pool-exhausted",),
        summary="A filesystem runs out of bytes and writes fail.",
        runbook=("Check df -h.", STEP),
    )


SHOWN = (
    "If that fails, go to db-pool-exhausted (recur show db-pool-exhausted), see the dashboard "
    "(https://grafana.example.com/d/x) and dns (recur show dns-failure); `[kept](as-code.md)`"
)


def test_show_prints_a_steps_links_as_ids_and_urls(run, kb_dir):
    _kb(kb_dir)
    r = run("show", "disk-full")
    assert r.exit_code == 0, r.output
    assert SHOWN in r.stdout and "](db-pool-exhausted.md)" not in r.stdout
    doc = json.loads(run("show", "disk-full", "--json").stdout)
    assert STEP in doc["runbook"]  # the JSON keeps the step as written


def test_suggest_prints_a_first_steps_links_as_ids(run, kb_dir):
    _kb(kb_dir)
    r = run("suggest", "--steps", "5", "No space left on device ENOSPC writes fail")
    assert r.exit_code == 0, r.output
    assert SHOWN in r.stdout and "](../network/dns-failure.md" not in r.stdout


KIBANA = "https://kibana.example/app/discover#/?_g=(time:(from:now-15m))"


def test_a_web_links_address_keeps_its_parentheses_as_the_page_links_it():
    """A Kibana link, ``[the errors view](https://kibana.example/app/discover#/?_g=(time:(from:now-15m)))``, was
    left as written (the address stopped at its first ")"), where the pattern page (Python-Markdown) links the
    whole address: it reads as its text and the whole URL. An image is not a link and is left as written."""
    from recur.cli.render import plain_links

    step = f"Open [the errors view]({KIBANA}) and filter; ![graph](g.png) shows it; see [db](db-pool-exhausted.md)"
    assert plain_links(step) == (
        f"Open the errors view ({KIBANA}) and filter; ![graph](g.png) shows it; see db (recur show db-pool-exhausted)"
    )


def test_only_a_patterns_file_is_read_as_its_id_and_other_targets_are_kept():
    """Only ``ID.md`` and ``../CATEGORY/ID.md`` (any case) naming a pattern become `recur show ID`: ``../docs/setup.md``
    read as `recur show setup` (no such pattern), and a page or a file (``x.html``, ``values.yml``) printed its words
    alone, the target lost (found in a re-read)."""
    from recur.cli.render import plain_links

    known = frozenset({"disk-full", "dns-failure"})
    text = (
        "see [a](Disk-Full.md), [b](../network/DNS-Failure.md#runbook), [c](../../docs/setup.md), [d](notes.md), "
        "[e](../runbooks/page.html), [f](values.yml), [g](https://x.example/y)"
    )
    assert plain_links(text, known) == (
        "see a (recur show disk-full), b (recur show dns-failure), c (../../docs/setup.md), d (notes.md), "
        "e (../runbooks/page.html), f (values.yml), g (https://x.example/y)"
    )
    # without the KB's ids (an index alone), a file of a pattern's shape is read as one
    assert plain_links("[d](notes.md) [c](../../docs/setup.md)") == "d (recur show notes) c (../../docs/setup.md)"


def test_show_keeps_a_link_to_a_file_no_pattern_has(run, kb_dir):
    write_pattern(kb_dir, "disk-full", title="Disk full on a host", runbook=("See [the setup](setup.md) first.",))
    out = run("show", "disk-full").stdout
    assert "See the setup (setup.md) first." in out, out


def test_a_steps_link_printed_for_a_kb_given_by_flag_carries_it(run, kb_dir, tmp_path):
    """`recur show --kb kb2 disk-full` printed a step's link as `(recur show dns-failure)`, which read ./kb (found in
    a responder review): the command carries the run's --kb and --index, as `recur suggest`'s record line does."""
    import shutil

    _kb(kb_dir)
    other = tmp_path / "kb2"
    shutil.copytree(kb_dir, other)
    where = ["--kb", str(other), "--index", str(tmp_path / "index2")]
    flags = f"--kb {other} --index {tmp_path / 'index2'} "
    out = run("show", *where, "disk-full").stdout
    assert f"dns (recur show {flags}dns-failure)" in out, out
    out = run("suggest", *where, "--steps", "5", "No space left on device ENOSPC writes fail").stdout
    assert f"dns (recur show {flags}dns-failure)" in out, out
    assert SHOWN in run("show", "disk-full").stdout  # the KB the variable names: as before
