# tlcourse: one command to set up and open the course, one to set up and test it.
#   make lab     create .venv, install the course, open JupyterLab on notebooks/
#   make test    create .venv with the test extras, run unit tests + every notebook (nbval)
#   make bench   time notebook 09 in full mode (benchmarks/RESULTS.md) and the freeze-depth
#                slider (benchmarks/slider_latency.md); about 15 min on 2 cores
#   make slides  export every notebook as a reveal.js deck to build/slides/ (opens offline)
# Everything installs into ./.venv; nothing is installed by hand.

PYTHON    ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
# On Linux x86_64 without an NVIDIA GPU the CPU build of TensorFlow is installed:
# 0.5 GB smaller and faster to install than the CUDA-enabled wheel (see README).
# Override with `make test TF_BUILD=default` to install `tensorflow` as pyproject.toml says.
TF_BUILD  ?= $(shell if [ "$$(uname -s)-$$(uname -m)" = "Linux-x86_64" ] && ! command -v nvidia-smi >/dev/null 2>&1; then echo cpu; else echo default; fi)
CPU_FLAG  := $(if $(filter cpu,$(TF_BUILD)),--cpu,)
PYTEST_ARGS ?=
# TensorFlow's C++ start-up lines would land in notebook outputs when a cell imports keras
# before tlcourse (which sets this itself).
export TF_CPP_MIN_LOG_LEVEL ?= 2
JUPYTER_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
SLIDES_DIR ?= build/slides
# What the decks load, unpacked beside them from the npm registry (npm caches the tarballs;
# MathJax's 25 MB of unminified sources, package/unpacked, are left out).
SLIDES_JS  := reveal.js@4.6.1 requirejs@2.3.7 jquery@3.7.1 mathjax@2.7.7
# Unpacked again only when these versions change (the stamp's name lists them).
SPACE      := $(subst ,, )
SLIDES_STAMP = $(SLIDES_DIR)/.js-$(subst $(SPACE),+,$(SLIDES_JS))

.PHONY: lab test unit notebooks bench pretrain slides clean help

help:
	@sed -n 's/^#   //p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of extras; reinstalls when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml tools/deps.py | $(BIN)/python
	$(BIN)/python tools/deps.py $(CPU_FLAG) --extras "$(subst base,,$*)" | $(BIN)/python -m pip install --quiet -r /dev/stdin
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab --notebook-dir=notebooks $(JUPYTER_ROOT) $(if $(NO_BROWSER),--no-browser,)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=1200 --durations=15 $(PYTEST_ARGS)

unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

# Re-execute every notebook in full mode and store its outputs and code hash.
notebooks: $(VENV)/.installed-test
	$(BIN)/python tools/run_notebooks.py $(NB)

# Measurements on this machine: the sign-language project in full mode -> benchmarks/RESULTS.md,
# the freeze-depth slider's latency per move -> benchmarks/slider_latency.md.
bench: $(VENV)/.installed-test
	$(BIN)/python -m tlcourse.bench
	$(BIN)/python benchmarks/slider_latency.py

# Retrain the course's own source models into data/models/ (deterministic).
pretrain: $(VENV)/.installed-base
	$(BIN)/python -m tlcourse.pretrain

# Every notebook as a reveal.js deck, build/slides/NN_topic.slides.html, that opens from
# file:// without a network (tools/slides/nbconvert_config.py points it at the local copies).
# The slides extra (jupyterlab-rise) presents the notebooks live in JupyterLab.
slides: $(VENV)/.installed-slides $(SLIDES_STAMP)
	$(BIN)/jupyter nbconvert --to slides --config tools/slides/nbconvert_config.py \
		--output-dir $(SLIDES_DIR) notebooks/[0-9][0-9]_*.ipynb

$(SLIDES_STAMP):
	@mkdir -p $(SLIDES_DIR)/.npm
	@command -v npm >/dev/null || { echo "make slides: npm not found; install Node.js (it brings npm) and run make slides again." >&2; exit 1; }
	@cd $(SLIDES_DIR)/.npm && npm pack --prefer-offline --loglevel=error $(SLIDES_JS) >/dev/null || { \
		echo "make slides: could not fetch $(SLIDES_JS) from the npm registry (offline?)." >&2; \
		echo "Run 'make slides' once with network access; npm caches the files and later runs work offline." >&2; exit 1; }
	@for pkg in $(SLIDES_JS); do name=$${pkg%@*}; version=$${pkg##*@}; \
		rm -rf $(SLIDES_DIR)/$$name && mkdir -p $(SLIDES_DIR)/$$name && \
		tar -xzf $(SLIDES_DIR)/.npm/$$name-$$version.tgz --strip-components=1 \
			--exclude=package/unpacked -C $(SLIDES_DIR)/$$name || exit 1; \
		echo "$(SLIDES_DIR)/$$name/ <- npm $$pkg"; done
	@touch $@

clean:
	rm -rf $(VENV) build .pytest_cache
