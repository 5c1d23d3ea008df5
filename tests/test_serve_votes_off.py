"""`recur serve` that takes no votes: --no-feedback, and a read-only deployment whose default feedback log cannot
be made (found in an operator's review: it did not start, and nothing turned votes off). Real processes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from urllib.parse import urlencode

import httpx
import pytest
from kbfactory import fake_model_flags
from serve_runs import ServeForks
from serve_util import fake_app, running, untimed, wait_healthy
from test_serve_cli import RECUR, _read_only, _read_only_folder_supported, recur_run, serve_process
from test_slack import SECRET, signed

VOTE = {"query": "ENOSPC on /data", "pattern": "disk-full", "useful": True}
OFF = {"error": {"code": "feedback_off", "message": "votes are turned off on this server: nothing was recorded"}}


@pytest.fixture(scope="module")
def forks(tmp_path_factory):
    """`recur serve` runs forked from one Python that imported Recur and the web stack once (serve_runs.ServeForks):
    ``forks.serve`` is serve_process's run, for a test about what a server answers and says, not its start."""
    server = ServeForks(tmp_path_factory.mktemp("forks"))
    yield server
    server.close()


def _env(**extra) -> dict:
    """This process's environment without a feedback setting of its own, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("RECUR_FEEDBACK", "RECUR_NO_FEEDBACK")}
    return {**env, **extra}


def _takes_no_votes(base: str) -> None:
    """What a server with votes off answers: /healthz, a vote, and the site's discovery file say so."""
    assert wait_healthy(base)["feedback"] is False
    r = httpx.post(base + "/api/feedback", json=VOTE)
    assert (r.status_code, r.json()) == (404, OFF), r.text
    assert httpx.get(base + "/assets/recur-api.json").json()["feedback"] is False
    metrics = httpx.get(base + "/metrics")  # no feedback log's disk to measure: scraped all the same
    assert metrics.status_code == 200 and "recur_feedback_space_low 0.0" in metrics.text, metrics.text


def test_no_feedback_takes_no_votes_and_says_so(forks, kb_dir, tmp_path):
    """--no-feedback (or RECUR_NO_FEEDBACK=1): no log is made, a vote is a 404 feedback_off in the one error
    shape, /healthz and the site's discovery file say feedback false, and the start-up line says votes are off
    (not "OPEN: ... anyone can post feedback")."""
    for extra, env in ((["--no-feedback"], _env()), ([], _env(RECUR_NO_FEEDBACK="1"))):
        with forks.serve(kb_dir, tmp_path, env=env, cwd=tmp_path, feedback=False, extra=extra) as (base, result):
            _takes_no_votes(base)
        assert "votes off (--no-feedback)" in result["out"] and "OPEN" not in result["out"], result["out"]
        assert "open, but nothing is written" in result["out"] and "WARNING recur.serve: votes" not in result["out"]
        assert not (tmp_path / ".recur").exists()
    # votes on: the same files say so
    with forks.serve(kb_dir, tmp_path, env=_env()) as (base, result):
        assert wait_healthy(base)["feedback"] is True
        assert httpx.get(base + "/assets/recur-api.json").json()["feedback"] is True
        assert httpx.post(base + "/api/feedback", json=VOTE).status_code == 201


def test_with_votes_off_the_start_up_line_does_not_say_the_token_guards_feedback(forks, kb_dir, tmp_path):
    """Under --token-scope write the token guards only votes: with none taken, "token required on feedback"
    promised a guard on nothing served (found in review). Under --token-scope all it still guards the API."""
    env = _env(RECUR_TOKEN="env-token-0123456789abcdef")
    with forks.serve(kb_dir, tmp_path, env=env, feedback=False, extra=["--no-feedback"]) as (base, result):
        assert wait_healthy(base)["feedback"] is False
        r = httpx.post(base + "/api/feedback", json=VOTE, headers={"Authorization": f"Bearer {env['RECUR_TOKEN']}"})
        assert (r.status_code, r.json()) == (404, OFF), r.text  # with the token, still nothing taken
    assert "token set, but nothing it guards is served: votes off" in result["out"], result["out"]
    assert "token required" not in result["out"], result["out"]
    extra = ["--no-feedback", "--token-scope", "all"]
    with forks.serve(kb_dir, tmp_path, env=env, feedback=False, extra=extra) as (base, result):
        wait_healthy(base)  # the start-up line comes before the server answers: a loaded run was refused a connection
        assert httpx.get(base + "/api/patterns").status_code == 401
    assert "token required on every API route and /metrics" in result["out"], result["out"]
    assert "nothing it guards" not in result["out"], result["out"]


def test_no_feedback_with_a_feedback_log_named_is_a_usage_error(kb_dir, tmp_path):
    """Plain, as click's other usage errors (found in review: raised once the log format was set up, its
    Usage, Try and Error lines came out as INFO records)."""
    args = ["serve", *fake_model_flags(kb_dir, tmp_path / "i"), "--port", "0", "--no-feedback"]
    r = recur_run([*args, "--feedback", str(tmp_path / "fb.jsonl")], env=_env())
    assert r.returncode == 2 and "\nError: --no-feedback and --feedback were both given" in r.stderr, r.stderr
    assert r.stderr.startswith("Usage: ") and "recur.serve" not in r.stderr, r.stderr
    r = recur_run(args, env=_env(RECUR_FEEDBACK=str(tmp_path / "fb.jsonl")))
    assert r.returncode == 2, r.stderr
    assert "--no-feedback and --feedback (from RECUR_FEEDBACK) were both given" in r.stderr, r.stderr
    assert not (tmp_path / "fb.jsonl").exists()


@contextlib.contextmanager
def _unmakeable_state(folder):
    """``folder`` where .recur/ cannot be made: its mode 0555, or, where that does not stop this process (root
    ignores modes), a file named .recur (a folder cannot be made under a file: as real a "cannot create")."""
    folder.chmod(0o555)
    try:
        (folder / "probe").mkdir()
    except PermissionError:
        pass
    else:  # root: the mode is no bar
        (folder / "probe").rmdir()
        folder.chmod(0o755)
        (folder / ".recur").write_text("not a folder\n")
    try:
        yield
    finally:
        folder.chmod(0o755)


def _in(folder, command: list) -> list:
    """``command`` run from ``folder`` as it is once mounted: a folder entered before the read-only mount
    over it is the one under the mount, which can be written (the review's script did `cd` after mounting)."""
    import shlex

    return ["sh", "-c", f"cd {shlex.quote(str(folder))} && exec {shlex.join(command)}"]


def _deployment(kb_dir, tmp_path):
    """A deployment folder holding a copy of the KB, run from: the default log is its .recur/feedback.jsonl."""
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copytree(kb_dir, deploy / "kb")
    return deploy


@pytest.mark.parametrize("how", ["mode or file", "read-only mount"])
def test_a_default_feedback_log_that_cannot_be_made_turns_votes_off_with_one_warning(forks, kb_dir, tmp_path, how):
    """The review's deployment: run from a folder that cannot be written (a read-only bind mount, as the
    operator's; else its mode, or .recur a file), --feedback not given. It stopped at start ("--feedback
    .recur/feedback.jsonl: cannot create its folder (Read-only file system)", exit 1); it now starts with
    votes off and one warning line that says why and how to take them. A log named there is still an error."""
    deploy = _deployment(kb_dir, tmp_path)
    wrap, unwritable = list, _unmakeable_state(deploy)
    if how == "read-only mount":
        if not _read_only_folder_supported(deploy):
            pytest.skip("no unshare, or user namespaces are not allowed here: no read-only mount to test with")
        wrap, unwritable = (lambda command: _read_only(deploy, _in(deploy, command))), contextlib.nullcontext()
    with unwritable:
        run = dict(env=_env(), cwd=deploy, feedback=False)
        # under the mount a process of its own (its command line wraps serve's); else forked (ServeForks)
        serving = (
            forks.serve(deploy / "kb", tmp_path, **run)
            if wrap is list
            else serve_process(deploy / "kb", tmp_path, **run, wrap=wrap)
        )
        with serving as (base, result):
            _takes_no_votes(base)
        warned = [line for line in untimed(result["out"]) if "votes are off" in line]
        assert len(warned) == 1
        assert warned[0].startswith("WARNING recur.serve: votes are off: --feedback .recur/feedback.jsonl:"), warned
        assert "cannot create its folder" in warned[0] and "give a writable --feedback FILE" in warned[0], warned
        assert how != "read-only mount" or "(Read-only file system)" in warned[0], warned
        assert "votes off (the default feedback log cannot be written)" in result["out"], result["out"]
        # a log named where it cannot be made, on the command line or by RECUR_FEEDBACK: an error at start, as before
        named = [*RECUR, "serve", *fake_model_flags(deploy / "kb", tmp_path / "index"), "--port", "0"]
        for args, env in ((["--feedback", ".recur/feedback.jsonl"], _env()), ([], _env(RECUR_FEEDBACK=".recur/x"))):
            r = subprocess.run(wrap([*named, *args]), capture_output=True, text=True, timeout=60, cwd=deploy, env=env)
            assert r.returncode == 1 and "ERROR recur.serve: --feedback .recur/" in r.stderr, r.stderr
            assert "cannot create its folder" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_slack_vote_on_a_server_that_takes_none_is_refused_as_the_apis(tmp_path, kb_dir):
    """A Slack button pressed on a server with votes off: the same 404 feedback_off as the API's, told to the
    voter on the response_url (test_slack's refused press), and nothing written."""
    app = fake_app(kb_dir, tmp_path, feedback_path=None, slack_signing_secret=SECRET)
    value = json.dumps({"q": "ENOSPC", "p": "disk-full"})
    payload = {"type": "block_actions", "actions": [{"action_id": "recur_useful", "value": value}]}
    body = urlencode({"payload": json.dumps(payload)})
    with running(app) as base:
        r = httpx.post(base + "/api/slack/interactions", content=body, headers=signed(body))
        health = httpx.get(base + "/healthz").json()
    assert (r.status_code, r.json()) == (404, OFF), r.text
    assert health["feedback"] is False and health["feedback_failures"] == 0, health
    assert list(tmp_path.glob("*.jsonl")) == []


def test_a_slack_reply_on_a_server_that_takes_no_votes_has_no_vote_buttons(tmp_path, kb_dir):
    """Found in review: every reply had its 👍/👎 buttons with votes off, and each press could only be refused
    (above). The same command on a server that takes votes has them, one row per result."""
    from test_slack import command_body

    replies = {}
    for votes, feedback in (("off", None), ("on", tmp_path / "fb.jsonl")):
        app = fake_app(kb_dir, tmp_path, feedback_path=feedback, slack_signing_secret=SECRET)
        body = command_body("No space left on device on the db host")
        with running(app) as base:
            r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body), timeout=30)
        assert r.status_code == 200, r.text
        replies[votes] = r.json()["blocks"]
    on, off = replies["on"], replies["off"]
    assert [b for b in off if b["type"] == "actions"] == [], off
    assert len([b for b in on if b["type"] == "actions"]) == len([b for b in on if b["type"] == "divider"]) > 0, on
    assert off == [b for b in on if b["type"] != "actions"], (off, on)


def test_with_a_token_the_site_box_is_told_votes_are_off_for_it(tmp_path, kb_dir):
    """With a token (--token-scope write) a vote needs it, and the site's box sends none: /assets/recur-api.json
    said "feedback": true, and every 👍/👎 was a 401 (found in a security review). It says false now; a client
    with the token still votes, and /healthz still says votes are taken."""
    token = "t0k3n-for-the-votes-test-1234"
    app = fake_app(kb_dir, tmp_path, token=token)
    with running(app) as base:
        assert httpx.get(base + "/assets/recur-api.json").json()["feedback"] is False
        assert httpx.post(base + "/api/feedback", json=VOTE).status_code == 401  # what the box's press was
        voted = httpx.post(base + "/api/feedback", json=VOTE, headers={"Authorization": f"Bearer {token}"})
        assert voted.status_code == 201, voted.text
        assert wait_healthy(base)["feedback"] is True
    with running(fake_app(kb_dir, tmp_path)) as base:  # no token: anyone votes, the box's buttons work
        assert httpx.get(base + "/assets/recur-api.json").json()["feedback"] is True
