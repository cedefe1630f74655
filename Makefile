# MNIST-1D reproducibility book.
#   make book                     execute every notebook (quick profile) and build the HTML book
#   make test                     unit tests, smoke execution of every notebook, book build, browser check
#   make record                   the record: every notebook at the paper's settings (CUDA when present),
#                                 resumable: run it again after a stop and it goes on where it stopped
#   make execute PROFILE=full DEVICE=cuda
# Only notebooks whose source or library changed are re-executed. They run JOBS at a time
# (default: one per CPU core, each with THREADS = cores / JOBS threads), longest first.

PROFILE ?= record
DEVICE ?= auto
# FORCE=True re-executes every notebook and recomputes even where a stored result matches
FORCE ?= False
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
NOTEBOOKS := $(shell $(PYTHON) tools/notebook_order.py $(PROFILE))
# Your own seeds and settings, e.g. `make execute PROFILE=paper NOTEBOOKS=double_descent SEEDS=0-9 SET="epochs=300"`:
# stored apart from the record, in results/runs/<profile>-<hash>/
SEEDS ?=
SET ?=
RUN_ID := $(if $(SEEDS)$(SET),-$(shell echo '$(SEEDS)|$(SET)' | md5sum | cut -c1-8))
EXEC_DIR ?= _build/executed/$(PROFILE)$(RUN_ID)
BOOK_DIR ?= _build/book
EXECUTED := $(NOTEBOOKS:%=$(EXEC_DIR)/%.ipynb)
LIBRARY := $(wildcard mnist1d_lib/*.py)
CORES := $(shell nproc)
# smoke notebooks spend much of their few seconds starting up (kernel, imports): twice as many
# jobs as cores overlap that (measured on 2 cores: 203-211 s against 222 s for all 25)
JOBS ?= $(if $(filter smoke,$(PROFILE)),$(shell echo $$(( 2 * $(CORES) ))),$(CORES))
THREADS ?= $(shell echo $$(( $(CORES) / $(JOBS) > 1 ? $(CORES) / $(JOBS) : 1 )))
MAKEFLAGS += -j$(JOBS)
export OMP_NUM_THREADS := $(THREADS)
STARTED := $(shell date +%s)

.PHONY: setup browser execute record record-status book check-book test sync clean always
.DELETE_ON_ERROR:

setup: $(VENV)/.installed browser

# Debian's Chromium and its driver, for the real-browser check of the built book
# (tests/test_notebooks.py, `make check-book`). Needs root and apt-get; elsewhere the check is skipped.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) || \
	  echo "could not install chromium and chromium-driver: the browser check of the book will be skipped"

# torch comes from TORCH_INDEX: PyTorch's CPU index by default (PyPI's torch for Linux is a
# multi-GB CUDA build); for a GPU, e.g. `make setup TORCH_INDEX=https://download.pytorch.org/whl/cu126`.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0 --extra-index-url $(TORCH_INDEX)
	$(BIN)/python -m pip install -q -e ".[book,test]"
	touch $@

execute: $(EXECUTED)
	$(BIN)/python -c 'import sys, mnist1d_lib as m1; m1.report.main(sys.argv[1:])' $(PROFILE) \
	  --started $(STARTED) --jobs $(JOBS) --threads $(THREADS)

$(EXEC_DIR)/%.ipynb: notebooks/%.ipynb $(LIBRARY) $(if $(filter True,$(FORCE)),always) | $(VENV)/.installed
	@mkdir -p $(EXEC_DIR)
	$(BIN)/papermill $< $(EXEC_DIR)/.$*.running.ipynb -k python3 --cwd notebooks $(PAPERMILL_FLAGS) \
	    -p profile $(PROFILE) -p device $(DEVICE) -p force $(FORCE) \
	    $(if $(SEEDS),-p seeds '$(SEEDS)') $(if $(SET),-p overrides '$(SET)')
	mv $(EXEC_DIR)/.$*.running.ipynb $@

# At the paper's settings the lottery's ablations read their baseline from the chapter's ticket
# search (lottery.chapter_prefix): when both run, they start once the chapter is stored
ifeq ($(PROFILE),paper)
$(filter $(EXEC_DIR)/lottery_%,$(EXECUTED)): | $(filter $(EXEC_DIR)/lottery.ipynb,$(EXECUTED))
endif

# The record (results/paper/): chapters first, then ablations, each notebook's tqdm bars in the log.
# Each computation is stored when it finishes and its training loops checkpoint every minute
# (.checkpoints/), so `make record` after a stop resumes; commit results/paper/ as notebooks complete.
record:
	$(MAKE) execute PROFILE=paper PAPERMILL_FLAGS=--log-output

# Done / stale (code changed since) / running / waiting notebooks of the record, with times
record-status: | $(VENV)/.installed
	$(BIN)/python tools/record_status.py

# RUN=<folder under _build/executed/>: show a reader's run (e.g. RUN=runs/paper-436cdf91, as
# `python -m mnist1d_lib run` prints) in place of those chapters; each says it is not the record.
RUN ?=
book: execute
	rm -rf book/executed && mkdir -p book/executed
	cp $(EXECUTED) book/executed/
	$(if $(RUN),cp _build/executed/$(RUN)/*.ipynb book/executed/)
	$(BIN)/python tools/hide_parameters.py book/executed/*.ipynb
	$(BIN)/jupyter-book build . --path-output $(BOOK_DIR) -W -n --keep-going
	@echo "book: $(BOOK_DIR)/_build/html/index.html"

# Open every page of the last built book in headless Chromium (screenshots in _build/screenshots/).
check-book: $(VENV)/.installed
	$(BIN)/python tools/browser_check.py $(BOOK_DIR)/_build/html --screenshots _build/screenshots

test: $(VENV)/.installed
	$(BIN)/pytest -q

sync: $(VENV)/.installed
	$(BIN)/python tools/notebook_pairs.py

# A paired .ipynb (what papermill runs) is rewritten from its .py, the source, when that is newer
.PRECIOUS: notebooks/%.ipynb
notebooks/%.ipynb: notebooks/%.py | $(VENV)/.installed
	$(BIN)/python tools/notebook_pairs.py $<

clean:
	rm -rf _build book/executed book/generated results/smoke
