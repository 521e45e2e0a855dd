# The verbs a person types. `make demo` and `make test` are the quick start.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# The image `make image` builds and the container tests and figures run.
IMAGE ?= localhost/reviewlens:local

# npm records the installed tree in node_modules/.package-lock.json: reinstall only when the
# lockfile is newer than what is installed (npm install updates both, so it never triggers then).
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: help setup proto build typecheck lint test test-only up demo bench docs k8s-tools helm-deps helm-lint image test-containers

help:
	@echo "make demo    start the stack on the embedded default and run the main job"
	@echo "make test    install, build, type-check, lint and run every test"
	@echo "make image   build the container image (podman/buildah, no registry needed)"
	@echo "make up      run the whole stack locally (Ctrl-C stops it)"
	@echo "make bench   run the benchmarks (JSON + HTML reports in bench-results/, figures in docs/figures/)"
	@echo "make docs    regenerate docs/configuration.md and the figures the docs include"
	@echo "make fuzz    thousands of bad inputs against every RPC and facade endpoint (bench-results/fuzz/)"

setup: node_modules/.package-lock.json proto

proto: node_modules/.package-lock.json
	@bash scripts/gen-proto.sh

build: proto typecheck

typecheck: proto
	npx tsc -b

# eslint, the dependency rules (.dependency-cruiser.mjs: tools -> services -> libs -> contracts,
# declared @reviewlens/* imports, no cycles) and buf lint.
lint: proto
	npx eslint .
	npx depcruise libs services tools test
	npx buf lint proto

test: build lint k8s-tools
	bash scripts/test-servers.sh bash scripts/run-tests.sh
	$(MAKE) --no-print-directory test-containers

# The image (docs/containers.md): the local base image once, then the Dockerfile, with
# buildah; installs podman, buildah, runc and debootstrap as root when missing. Prints the size.
image:
	@IMAGE=$(IMAGE) bash scripts/build-image.sh

# Every component from the image in its own container
# (test/containers), against throwaway Redis and PostgreSQL; one test file at a time.
test-containers: image proto k8s-tools
	REVIEWLENS_IMAGE=$(IMAGE) TEST_CONCURRENCY=1 bash scripts/test-servers.sh bash scripts/run-tests.sh test/containers/

# The stack in containers' figures (bench-results/containers/figures.json and figures.md): the image's
# size, make image with and without its layer cache, podman run to SERVING per component and for the
# whole stack, memory at rest and after the main job, make test-containers. BENCH_QUICK=1 leaves out
# the build from scratch and make test-containers; BENCH_RUNS (default 3) per median.
.PHONY: bench-containers
bench-containers: image proto k8s-tools
	REVIEWLENS_IMAGE=$(IMAGE) bash scripts/test-servers.sh node --import tsx test/containers/containers-figures.ts

# Tests only, assuming `make build` ran (TESTS=path narrows the run).
test-only:
	bash scripts/test-servers.sh bash scripts/run-tests.sh $(TESTS)

up: proto
	npm run up

demo: proto
	npm run demo

# docs/configuration.md from the config schemas, and docs/figures/*.md spliced into the pages that
# include them (tools/docs; its test fails when either is stale).
docs: proto
	npm run docs

# helm (v4) and kubectl for the chart tests, in .tools/bin (git-ignored); quick when already there.
k8s-tools:
	@bash scripts/fetch-k8s-tools.sh

# The charts' file:// dependencies (helm/*/charts/), needed before `helm install helm/reviewlens`.
helm-deps: k8s-tools
	@HELM=.tools/bin/helm bash scripts/helm-deps.sh

helm-lint: helm-deps
	@for chart in helm/*/; do .tools/bin/helm lint --strict "$$chart" || exit 1; done
	.tools/bin/kubectl kustomize k8s >/dev/null

# Bad input by the thousand (issue 18): every RPC and facade endpoint gets FUZZ_RUNS valid, boundary,
# mutated and raw malformed inputs (default 300 each; FUZZ_SEED replays a run) against the whole stack
# with real PostgreSQL and Redis; counts per RPC in bench-results/fuzz/ (counts.json, counts.md).
# Exits 1 and lists the inputs when any found a defect. `make test` runs a small seeded share.
.PHONY: fuzz
fuzz: proto
	bash scripts/test-servers.sh node --import tsx test/fuzz/main.ts

# The watchdog's figures: RSS/CPU while watching and the decision latency (bench-results/watchdog/).
.PHONY: bench-watchdog
bench-watchdog: proto
	node --import tsx tools/bench/src/watchdog/watchdog-figures.ts

# vector-search: ingestion rate and TOP-K latency at 10k and 100k reviews on LanceDB (+ Qdrant when
# VECTOR_SEARCH_QDRANT_URL is set); ARGS passes flags, e.g. ARGS="--sizes 10000 --queries 100".
.PHONY: bench-vector
bench-vector: proto
	node --import tsx tools/bench/src/vector-search/vector-benchmark.ts $(ARGS)

# vllm-sim: step time vs the profile formula, saturated 1024/128 throughput, SSE rate and CPU at
# time scale 1 (bench-results/vllm-sim/), then the profiles against the published vLLM H100 runs
# (reference-points.md). BENCH_QUICK=1 for a shorter run; BENCH_SIM_PROFILE=qwen2.5-7b-h200 for the H200.
.PHONY: bench-sim calibrate-sim
bench-sim:
	node --import tsx tools/bench/src/vllm-sim/bench-sim.ts
	node --import tsx tools/bench/src/main.ts calibrate

# Refit vLLM's overhead terms to the published runs (tools/bench/src/calibration, a few minutes).
calibrate-sim:
	node --import tsx tools/bench/src/main.ts calibrate --fit

# Never analysing twice: lock overhead per analysis (Redis on loopback vs in-process, p50/p99) and the
# simulated day of scheduler runs and duplicate client calls (LLM calls saved by each layer), in
# bench-results/guard/. BENCH_ITERATIONS sets the lock samples (default 2000).
.PHONY: bench-guard
bench-guard: proto
	bash scripts/test-servers.sh node --import tsx tools/bench/src/guard/lock-overhead-bench.ts
	node --import tsx tools/bench/src/guard/simulate-day.ts --out bench-results/guard/simulated-day.json

# inference-gateway: overhead (50%/90% of saturation, wall time), the 500-prompt batch drop, 2x
# overload and prefix affinity through three paths (straight to vllm-sim, the Portkey AI Gateway,
# ours), SJF vs FCFS on the 80/20 mix, coalescing on 10 x 50 reviews (bench-results/gateway/).
# ARGS picks parts: overhead mixed batch coalescing overload affinity, --quick for a short run;
# BENCH_TIME_SCALE (default 1; about 40 minutes). Portkey is installed into .tools/ on first use.
.PHONY: bench-gateway
bench-gateway: proto
	node --import tsx tools/bench/src/gateway/gateway-bench.ts $(ARGS)

# Fairness between tenants (issue 19): A floods at 5x its fair share while B sends its interactive
# load, with fair queueing and with today's order; then weights 3:1 (bench-results/fairness/).
.PHONY: bench-fairness
bench-fairness: proto
	node --import tsx tools/bench/src/fairness/fairness-bench.ts $(ARGS)

# Admission policies in a discrete-event model (seconds, no processes): a guide before bench-gateway.
.PHONY: bench-policy-model
bench-policy-model: proto
	node --import tsx tools/bench/src/gateway/policy-model-bench.ts

# The load generator's experiments and the autoscaling benchmark (bench-results/<name>/, virtual
# time of vllm-sim's qwen2.5-7b-h100 profile). ARGS adds flags, e.g. ARGS="--time-scale 1".
.PHONY: bench-batching bench-sjf bench-tpot bench-autoscaling bench-index
bench-batching: proto
	node --import tsx tools/bench/src/main.ts batching $(ARGS)
bench-sjf: proto
	node --import tsx tools/bench/src/main.ts sjf $(ARGS)
bench-tpot: proto
	node --import tsx tools/bench/src/main.ts tpot $(ARGS)
bench-autoscaling: proto
	node --import tsx tools/bench/src/main.ts autoscale $(ARGS)
bench-index:
	node --import tsx tools/bench/src/main.ts index

# Scale to zero: a simulated day of review traffic on the qwen2.5-7b-h100 profile at time scale 0.005
# (about 8 minutes per policy), always on vs stop with a manual wake vs stop with an automatic wake:
# GPU-hours, dollars, failed requests, cold-pool latency (bench-results/scale-to-zero/, and
# docs/figures/scale-to-zero.md). ARGS adds
# flags, e.g. ARGS="--time-scale 0.01 --policies always-on,stop-auto-wake".
.PHONY: bench-scale-to-zero
bench-scale-to-zero: proto
	node --import tsx tools/bench/src/scale-to-zero/scale-to-zero-bench.ts $(ARGS)

# Prompt tokens of the TOP-K representative reviews vs all reviews per analysis, on restaurants of
# 50 / 200 / 1000 demo reviews: the real TOP-K selection and prompts in-process, exact Qwen2.5
# tokens, no model (bench-results/topk/). ARGS adds flags, e.g. ARGS="--reviews 50,500 --top-k 30".
.PHONY: bench-topk
bench-topk: proto
	node --import tsx tools/bench/src/main.ts topk $(ARGS)

# The analyses' prompt plans (reviews or keys per answer) measured on the simulator at time scale 1
# and predicted by the latency model (bench-results/analysis-plans/). ARGS, e.g. "--runs 20 --profile qwen2.5-7b-h200".
.PHONY: bench-analysis-plans
bench-analysis-plans: proto
	node --import tsx tools/bench/src/main.ts analysis-plans $(ARGS)

# Every bench-* target in this Makefile, one after the other, then bench-results/index.html.
BENCH_TARGETS = $(sort $(filter-out bench-index,$(shell grep -hoE '^bench-[a-z0-9-]+:' $(MAKEFILE_LIST) | tr -d ':')))
bench: proto
	@failed=""; for t in $(BENCH_TARGETS); do echo "== make $$t"; $(MAKE) --no-print-directory $$t || failed="$$failed $$t"; done; \
	node --import tsx tools/bench/src/main.ts index; \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

# Overload held honestly: 2x and 5x the simulator's saturation for 60 s through each path (the
# gateway over gRPC, its OpenAI facade): refusals and their retry delays, the admitted requests'
# TTFT against the 2 s SLO, the gateway's memory, idle afterwards (bench-results/overload/; about 8
# minutes; its table also in docs/figures/overload.md). ARGS adds flags, e.g. ARGS="--duration 10 --multiples 2".
.PHONY: bench-overload
bench-overload: proto
	node --import tsx tools/bench/src/main.ts overload $(ARGS)

# Faults under load (test/faults): a vllm-sim replica SIGKILLed mid-stream, PostgreSQL and Redis
# killed, vector-search SIGKILLed during a bulk ingest, a rolling restart of every service; each test
# reconciles what was asked against what was stored and writes bench-results/faults/<fault>.json,
# then one table (faults.md, and docs/figures/faults.md for the docs). One file at a time; about 10 minutes.
.PHONY: bench-faults
bench-faults: proto
	TEST_CONCURRENCY=1 bash scripts/test-servers.sh bash scripts/run-tests.sh test/faults/
	node --import tsx test/faults/write-fault-table.ts

# The analyses on a simulator profile in real time: single-restaurant latency and tokens, a
# 10-restaurant SummarizeBatch, TOP-K vs all-reviews prompt tokens, sequential vs all-at-once
# (bench-results/analyses/<profile>*.json and .md). BENCH_RUNS (default 20), BENCH_TIME_SCALE
# (default 1), BENCH_PROFILE (default qwen2.5-7b-h100; qwen2.5-7b-h200), BENCH_SIM_OUTPUT (grounded).
.PHONY: bench-analyses
bench-analyses: proto
	node --import tsx tools/bench/src/analyses/bench-analyses.ts

# The strength pipeline with and without its look-ahead, alternated in one process at time scale 1
# (bench-results/look-ahead/, docs/figures/strength-look-ahead.md). BENCH_ROUNDS (default 2), BENCH_PROFILE.
.PHONY: bench-look-ahead
bench-look-ahead: proto
	node --import tsx tools/bench/src/analyses/bench-look-ahead.ts
