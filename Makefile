# Bansō — thin targets over uv. `make help` lists them.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
PROTOS := $(shell find proto/banso -name '*.proto')
PYTEST_ARGS ?=
# Tests mostly wait on servers (nats-server, PostgreSQL, HTTP): three workers keep two cores busy.
PYTEST_WORKERS ?= 3
BENCH_ARGS ?=
RUN_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help sync gen run run-federation nats-config compose-config test test-ui test-federation test-postgres chromium lint format bench load clean

help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

sync: $(if $(findstring .tools,$(UV)),.tools/bin/uv) ## Create .venv with every package (locked)
	$(UV) sync --locked --python python3 --all-packages

gen: sync ## Generate protobuf/gRPC code and .pyi stubs from proto/
	.venv/bin/python -m grpc_tools.protoc -I proto --python_out=proto --grpc_python_out=proto --pyi_out=proto $(PROTOS)

run: gen ## Start the whole federation locally with demo data (Ctrl-C stops it)
	.venv/bin/python deploy/local_federation.py

run-federation: gen ## The deployed topology locally: hub and leaf nats-servers, each organization on its own leaf (RUN_ARGS="--no-demo" …)
	.venv/bin/python deploy/federation_run.py $(RUN_ARGS)

nats-config: sync ## NATS configuration of the hub and each organization's leaf from deploy/federation.toml (into var/nats-federation)
	.venv/bin/python -m banso_core.nats_config --registry deploy/federation.toml --out var/nats-federation

compose-config: sync ## What deploy/compose.yaml mounts (registry, keys, NATS configuration, env files) into var/compose
	.venv/bin/python deploy/compose_config.py

test-federation: gen ## Only the federation tests: a hub and leaf nodes from the generated configuration
	.venv/bin/python -m pytest -q -m federation $(PYTEST_ARGS)

test: gen chromium ## Run the whole test suite (SQLite; PostgreSQL too when BANSO_TEST_POSTGRES_URL is set)
	.venv/bin/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-ui: gen chromium ## Only the web UI's browser tests (Chromium); screenshots go to docs/screenshots
	BANSO_UI_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest -q -m ui $(PYTEST_ARGS)

chromium: ## Install Debian's Chromium for the browser tests when it is missing (needs root and apt-get)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get install -y chromium fonts-noto-cjk \
		|| echo "apt-get could not install Chromium: the browser tests (-m ui) will be skipped"; \
	else echo "No /usr/bin/chromium: the browser tests (-m ui) will be skipped; as root: apt-get install chromium"; fi

lint: gen ## ruff, mypy and buf lint
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy libs/banso-core/src services/*/src
	npx --yes @bufbuild/buf lint proto

format: sync ## Format and fix what ruff can
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: gen ## Benchmarks of performance.md: tables printed, JSON in bench-results/ (BENCH_ARGS="scrubbing" …)
	.venv/bin/python tests/benchmarks/run.py $(BENCH_ARGS)

load: gen ## REST writes and exchange searches together for a few minutes: throughput, p99, backlogs, nothing lost
	.venv/bin/python tests/benchmarks/run.py load $(BENCH_ARGS)

clean: ## Remove generated code, local data and environments
	find proto/banso -name '*_pb2*.py*' -delete
	rm -rf .venv .tools var
