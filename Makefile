# The verbs a person types. `make demo` and `make test` are the quick start.
SHELL := /bin/bash
.DEFAULT_GOAL := help

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

.PHONY: help setup proto build typecheck lint test test-only up demo bench

help:
	@echo "make demo    start the stack on the embedded default and run the main job"
	@echo "make test    install, build, type-check, lint and run every test"
	@echo "make up      run the whole stack locally (Ctrl-C stops it)"
	@echo "make bench   run the benchmarks (JSON + HTML reports in bench-results/)"

setup: node_modules proto

proto: node_modules
	@bash scripts/gen-proto.sh

build: proto typecheck

typecheck: proto
	npx tsc -p .

lint: proto
	npx eslint .
	npx buf lint proto

test: build lint
	bash scripts/test-servers.sh bash scripts/run-tests.sh

# Tests only, assuming `make build` ran (TESTS=path narrows the run).
test-only:
	bash scripts/test-servers.sh bash scripts/run-tests.sh $(TESTS)

up: proto
	npm run up

demo: node_modules proto
	npm run demo
