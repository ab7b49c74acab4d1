# kimono-interop developer tasks. `make test` is what CI runs (.ci/run).
#
# Everything is installed into .venv (Python, pinned by pyproject.toml's `dev`
# extra and constraints.txt) and spec/lint/node_modules (the OpenAPI linter,
# pinned by spec/lint/package-lock.json), so a fresh clone needs only python3,
# node and npm.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NODE_STAMP := spec/lint/node_modules/.installed
REDOCLY := spec/lint/node_modules/.bin/redocly
SPECS := spec/interop-data.yaml spec/interop.yaml
# The linter must not phone home (CI has no network beyond package registries).
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

.PHONY: help install demo test generate check-generated check-cassettes lint lint-spec lint-python typecheck pytest bench bench-fleet reliability record lock clean drift

help:
	@echo "make demo             run the example driver (examples/driver.py) and the mirror demo against a local sandbox"
	@echo "make test             everything CI runs: generated code check, lint, type check, tests"
	@echo "make install          only create .venv/ and spec/lint/node_modules/ with the pinned dependencies"
	@echo "make generate         regenerate generated/ and the SDK's resources from spec/, and _sync/ from _async/"
	@echo "make check-generated  fail if generated/ differs from what spec/ produces"
	@echo "make lint             ruff on overlay/scripts/tests, spec lint"
	@echo "make bench            benchmark list iteration over loopback HTTP; writes docs/benchmarks.md"
	@echo "make bench-fleet      the fleet at scale: 1,000 tenants, 3 workers, PostgreSQL; writes docs/scaling.md"
	@echo "make reliability      fault injection and secret scans against the sandbox; writes docs/reliability.md"
	@echo "make record           re-record tests/cassettes (sandbox; a real tenant with KIMONO_*)"
	@echo "make drift            contract drift: spec lint, generated code, cassettes and real payloads vs spec, spec vs DRIFT_BASE"
	@echo "make lock             re-pin every Python dependency into constraints.txt"

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

$(NODE_STAMP): spec/lint/package.json spec/lint/package-lock.json
	cd spec/lint && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

install: $(STAMP) $(NODE_STAMP)

demo: $(STAMP)
	$(PY) examples/driver.py --sandbox
	$(PY) examples/mirror_demo.py --sandbox

test: check-generated lint typecheck check-cassettes pytest

generate: $(STAMP)
	$(PY) -m scripts.generate
	$(PY) -m scripts.generate_resources
	$(PY) -m scripts.unasync

check-generated: $(STAMP)
	$(PY) -m scripts.generate --check
	$(PY) -m scripts.generate_resources --check
	$(PY) -m scripts.unasync --check

lint: lint-python lint-spec

lint-python: $(STAMP)
	$(BIN)/ruff check overlay scripts tests examples
	$(BIN)/ruff format --check overlay scripts tests examples

lint-spec: $(STAMP) $(NODE_STAMP)
	$(BIN)/openapi-spec-validator $(SPECS)
	$(REDOCLY) lint --config spec/lint/redocly.yaml --format=stylish $(SPECS)

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

# Every recorded request and response against the specs, strictly (python -m scripts.drift).
# 429 and 502-504 may answer any operation (the SDK retries them); the specs do not
# list them per operation.
TRANSIENT_STATUSES := --allow-status 429 --allow-status 502 --allow-status 503 --allow-status 504

check-cassettes: $(STAMP)
	$(PY) -m scripts.drift cassettes $(TRANSIENT_STATUSES)

# Contract drift (docs/maintaining.md, "When the service changes"): the spec lint and the
# generated code first, then every cassette and every payload of tests/real_payloads/
# against the specs, and each spec against the same file at git revision DRIFT_BASE (an
# earlier release: DRIFT_BASE=v1.2.0). All of them run and report; the target fails if
# any found drift.
DRIFT_BASE ?= HEAD

drift: lint-spec check-generated
	@status=0; \
	$(PY) -m scripts.drift cassettes $(TRANSIENT_STATUSES) || status=1; \
	$(PY) -m scripts.drift payloads || status=1; \
	for spec in $(SPECS); do \
		$(PY) -m scripts.drift compare --against git:$(DRIFT_BASE):$$spec --spec $$spec || status=1; \
	done; \
	exit $$status

bench: $(STAMP)
	$(PY) -m scripts.bench

bench-fleet: $(STAMP)
	$(PY) -m scripts.fleet_bench

reliability: $(STAMP)
	$(PY) -m scripts.reliability

record: $(STAMP)
	$(PY) -m scripts.record

lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable --disable-pip-version-check > constraints.txt

clean:
	rm -rf $(VENV) spec/lint/node_modules .pytest_cache .mypy_cache .ruff_cache build dist
