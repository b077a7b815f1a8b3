# Bansō — thin targets over uv. `make help` lists them.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
PROTOS := $(shell find proto/banso -name '*.proto')
PYTEST_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help sync gen run test test-postgres lint format bench clean

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

test: gen ## Run the whole test suite (SQLite; PostgreSQL too when BANSO_TEST_POSTGRES_URL is set)
	.venv/bin/python -m pytest -q $(PYTEST_ARGS)

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

clean: ## Remove generated code, local data and environments
	find proto/banso -name '*_pb2*.py*' -delete
	rm -rf .venv .tools var
