# tlcourse: one command to set up and open the course, one to set up and test it.
#   make lab     create .venv, install the course, open JupyterLab on notebooks/ (with RISE and
#                the course's JupyterLab settings, tools/lab/)
#   make test    create .venv with the test and lab extras, run unit tests + every notebook (nbval)
#                + the JupyterLab browser test (Debian's chromium, if installed)
#   make sync    copy each notebook's text source, notebooks/src/NN_topic.py (jupytext.toml), into
#                notebooks/NN_topic.ipynb; unchanged cells keep their outputs; runs nothing. Edit the
#                text, then make sync (or make notebooks). NB=notebooks/NN_topic.ipynb for one;
#                then make ko
#   make notebooks  make sync, then run the notebooks in full mode and store their outputs
#                (tools/run_notebooks.py); NB=notebooks/07_choosing_what_to_freeze.ipynb for one;
#                then make ko
#   make ko      the Korean edition: notebooks/ko/NN_topic.ipynb from each English notebook and its
#                catalog notebooks/locale/ko/NN_topic.po (tools/ko.py build; runs nothing, outputs
#                copied); fails, naming cell and text, where a translation is missing. After changing
#                English text: python tools/ko.py extract, translate, make ko (CONTRIBUTING.md)
#   make sources NB=notebooks/07_choosing_what_to_freeze.ipynb  the other way: a notebook changed
#                as .ipynb (in Jupyter, by tools/colab.py, or by a merge) into its text source;
#                without NB, every notebook
#   make bench   time notebook 12 in full mode (benchmarks/RESULTS.md) and the freeze-depth
#                slider (benchmarks/slider_latency.md); about 15 min on 2 cores
#   make slides  export every notebook as a reveal.js deck to build/slides/ (opens offline), the
#                Korean notebooks to build/slides/ko/
#   make test-compat  the unit tests and the Keras-sensitive notebooks on the declared floor
#                (lowest Python and every dependency at its lowest version) and on the pinned
#                keras-nightly, each in its own venv under build/compat/
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

# Compatibility environments (make test-compat): what each must cover and why.
#   floor:   every dependency pinned to the lowest version pyproject.toml allows, on the lowest
#            Python it allows (falls back to $(PYTHON) with a warning where that Python is not
#            installed). Notebooks 00 (environment report, the course's source models), 04
#            (needs_recompile, BatchNormalization under fit) and 06 (clone, freeze, compile,
#            learning rates) exercise what differs on old Keras versions.
#   nightly: the current release with keras replaced by the keras-nightly build pinned in
#            pyproject.toml. Notebooks 04 and 12 hold the lessons whose Keras behaviour changes
#            next (keras-team/keras#23364: `training=` written at construction wins).
# Both run every unit test. Notebooks not listed run the same surgery and data code, which the
# unit tests cover; running them all three times would not fit CI's 30 minutes on 2 cores.
COMPAT_DIR ?= build/compat
PYTHON_FLOOR_VERSION := $(shell $(PYTHON) tools/deps.py --python-floor 2>/dev/null)
# The first interpreter of that version that really runs (a pyenv shim may exist without it).
PYTHON_FLOOR ?= $(firstword $(foreach p,python$(PYTHON_FLOOR_VERSION) $(wildcard $(HOME)/.pyenv/versions/$(PYTHON_FLOOR_VERSION).*/bin/python$(PYTHON_FLOOR_VERSION)) /usr/bin/python$(PYTHON_FLOOR_VERSION),$(shell $(p) -c "import sys, venv; assert sys.version_info[:2] == tuple(map(int, '$(PYTHON_FLOOR_VERSION)'.split('.')))" >/dev/null 2>&1 && echo $(p))) $(PYTHON))
FLOOR_NOTEBOOKS ?= notebooks/00_start_here.ipynb notebooks/04_fine_tuning.ipynb \
                   notebooks/06_reusing_layers_in_keras.ipynb
NIGHTLY_NOTEBOOKS ?= notebooks/04_fine_tuning.ipynb notebooks/12_project_sign_language.ipynb
# The JupyterLab browser test tests the front end, not Keras: it runs once, in `make test`. So do
# the experiment exercises' tests (real training on the offline data, fit/evaluate paths the compat
# notebooks already run; see tests/exercises/conftest.py).
COMPAT_PYTEST = -m pytest -p no:cacheprovider --nbval-lax --nbval-current-env --nbval-cell-timeout=1200 \
                -m "not browser and not experiment" --durations=5 $(PYTEST_ARGS)
# The course's JupyterLab defaults (widget state saved with notebooks, no news pop-up), where
# JupyterLab looks for an installation's defaults; tools/lab_settings.py says why.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: lab test unit sync sources notebooks ko bench pretrain slides clean help test-compat test-floor test-nightly

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

$(LAB_SETTINGS): tools/lab/overrides.json tools/lab_settings.py | $(BIN)/python
	$(BIN)/python tools/lab_settings.py

# tools/lab/jupyter_server_config.py prints the real token when JUPYTER_TOKEN is set.
lab: $(VENV)/.installed-lab $(LAB_SETTINGS)
	JUPYTER_CONFIG_PATH="$(CURDIR)/tools/lab$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(BIN)/jupyter lab --notebook-dir=notebooks $(JUPYTER_ROOT) $(if $(NO_BROWSER),--no-browser,)

# The lab extra too: tests/test_lab_browser.py drives the JupyterLab that `make lab` opens.
test: $(VENV)/.installed-test $(VENV)/.installed-lab $(LAB_SETTINGS)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=1200 --durations=15 $(PYTEST_ARGS)

test-compat: test-floor test-nightly

test-floor: $(COMPAT_DIR)/floor/.installed
	@$(COMPAT_DIR)/floor/bin/python -c "import sys, keras, tensorflow as tf, numpy, matplotlib; \
		print('floor:', 'Python', sys.version.split()[0], 'TensorFlow', tf.__version__, 'Keras', keras.__version__, \
		'NumPy', numpy.__version__, 'matplotlib', matplotlib.__version__)"
	$(COMPAT_DIR)/floor/bin/python $(COMPAT_PYTEST) tests $(FLOOR_NOTEBOOKS)

test-nightly: $(COMPAT_DIR)/nightly/.installed
	@$(COMPAT_DIR)/nightly/bin/python -c "import keras, tensorflow as tf; \
		print('nightly: TensorFlow', tf.__version__, 'Keras', keras.__version__)"
	$(COMPAT_DIR)/nightly/bin/python $(COMPAT_PYTEST) tests $(NIGHTLY_NOTEBOOKS)

$(COMPAT_DIR)/floor/.installed: pyproject.toml tools/deps.py
	@[ "$(PYTHON_FLOOR)" != "$(PYTHON)" ] || echo "make test-floor: python$(PYTHON_FLOOR_VERSION) not found;" \
		"testing the dependency floors on $$($(PYTHON) --version) instead" >&2
	rm -rf $(COMPAT_DIR)/floor && $(PYTHON_FLOOR) -m venv $(COMPAT_DIR)/floor
	$(COMPAT_DIR)/floor/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) tools/deps.py $(CPU_FLAG) --floor --extras test | $(COMPAT_DIR)/floor/bin/python -m pip install --quiet -r /dev/stdin
	$(COMPAT_DIR)/floor/bin/python -m pip install --quiet --no-deps -e .
	touch $@

$(COMPAT_DIR)/nightly/.installed: pyproject.toml tools/deps.py
	rm -rf $(COMPAT_DIR)/nightly && $(PYTHON) -m venv $(COMPAT_DIR)/nightly
	$(COMPAT_DIR)/nightly/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) tools/deps.py $(CPU_FLAG) --extras test | $(COMPAT_DIR)/nightly/bin/python -m pip install --quiet -r /dev/stdin
	$(COMPAT_DIR)/nightly/bin/python -m pip uninstall --quiet --yes keras  # same import name as keras-nightly
	$(COMPAT_DIR)/nightly/bin/python -m pip install --quiet "$$($(PYTHON) tools/deps.py --nightly)"
	$(COMPAT_DIR)/nightly/bin/python -m pip install --quiet --no-deps -e .
	touch $@

unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

# The text sources (notebooks/src/*.py, paired in jupytext.toml) into the notebooks, outputs kept;
# refuses a notebook changed on its own side (see tools/sync_notebooks.py). NB=... for one.
sync: $(VENV)/.installed-test
	$(BIN)/python tools/sync_notebooks.py $(NB)
	$(BIN)/python tools/ko.py build $(NB)

# The notebooks into their text sources: after editing a notebook as .ipynb. NB=... for one.
sources: $(VENV)/.installed-test
	$(BIN)/python tools/sync_notebooks.py --from-ipynb $(NB)

# Sync, then re-execute every notebook (or NB) in full mode and store its outputs and code hash.
notebooks: sync
	$(BIN)/python tools/run_notebooks.py $(NB)
	$(BIN)/python tools/ko.py build $(NB)

# The Korean edition (issue #15), generated from the English notebooks and the catalogs
# notebooks/locale/ko/*.po; tests/test_korean.py fails when notebooks/ko/ is not what this writes.
ko: $(VENV)/.installed-test
	$(BIN)/python tools/ko.py build $(NB)

# Measurements on this machine: the sign-language project in full mode -> benchmarks/RESULTS.md,
# the freeze-depth slider's latency per move -> benchmarks/slider_latency.md.
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/notebook12.py
	$(BIN)/python benchmarks/slider_latency.py

# Retrain the course's own source models into data/models/ (deterministic).
pretrain: $(VENV)/.installed-base
	$(BIN)/python -m tlcourse.pretrain

# Every notebook as a reveal.js deck, build/slides/NN_topic.slides.html, that opens from
# file:// without a network (tools/slides/nbconvert_config.py points it at the local copies);
# the Korean notebooks as build/slides/ko/NN_topic.slides.html, with the same copies.
# RISE (jupyterlab-rise, in the lab and slides extras) presents the notebooks live in `make lab`.
slides: $(VENV)/.installed-slides $(SLIDES_STAMP)
	$(BIN)/jupyter nbconvert --to slides --config tools/slides/nbconvert_config.py \
		--output-dir $(SLIDES_DIR) notebooks/[0-9][0-9]_*.ipynb
	TLCOURSE_SLIDES_ASSETS=../ $(BIN)/jupyter nbconvert --to slides --config tools/slides/nbconvert_config.py \
		--output-dir $(SLIDES_DIR)/ko notebooks/ko/[0-9][0-9]_*.ipynb

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
