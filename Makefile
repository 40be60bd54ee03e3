# tlcourse: one command to set up and open the course, one to set up and test it.
#   make lab     create .venv, install the course, open JupyterLab on notebooks/
#   make test    create .venv with the test extras, run unit tests + every notebook (nbval)
#   make bench   run notebook 09 in full mode, write benchmarks/RESULTS.md (~10 min on 2 cores)
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

.PHONY: lab test unit notebooks bench pretrain clean help

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

lab: $(VENV)/.installed-base
	$(BIN)/jupyter lab --notebook-dir=notebooks $(JUPYTER_ROOT) $(if $(NO_BROWSER),--no-browser,)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=1200 --durations=15 $(PYTEST_ARGS)

unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

# Re-execute every notebook in full mode and store its outputs and code hash.
notebooks: $(VENV)/.installed-test
	$(BIN)/python tools/run_notebooks.py $(NB)

# The sign-language project in full mode, timed on this machine -> benchmarks/RESULTS.md.
bench: $(VENV)/.installed-test
	$(BIN)/python -m tlcourse.bench

# Retrain the course's own source models into data/models/ (deterministic).
pretrain: $(VENV)/.installed-base
	$(BIN)/python -m tlcourse.pretrain

clean:
	rm -rf $(VENV) build .pytest_cache
