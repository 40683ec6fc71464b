# Every target goes through the CLI (`specfirst ...`, installed into .venv from codegen/); CI calls `make test`.
PY     := .venv/bin/python
CLI    := .venv/bin/specfirst
SPEC   ?= spec/openapi.yaml
OUT    ?= generated
PORT   ?= 8000
# what `make diff` compares the working copy of the spec with: the merge-base with main, else HEAD
BASE   ?= $(shell git merge-base HEAD main 2>/dev/null || git rev-parse HEAD 2>/dev/null)
export PYTHONPATH := $(CURDIR)

.PHONY: install generate check fmt lint test golden run dev serve migrate contract-test sdk dist diff bench bench-runtime bench-asgi bench-limits bench-sdk mock-test optic-compare lock clean

install: .venv/.installed

.venv/.installed: requirements.lock codegen/pyproject.toml runtime/pyproject.toml
	python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	.venv/bin/uv pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	touch $@

lock:  ## re-resolve pinned versions from pyproject.toml into requirements.lock
	uv lock && uv export --quiet --no-hashes --no-header --all-groups --format requirements-txt > requirements.lock && rm -f uv.lock

generate: install
	$(CLI) generate $(SPEC) --out $(OUT)

check: install
	$(CLI) check $(SPEC) --out $(OUT)

fmt: install  ## ruff's fixes and formatting on the hand-written code
	.venv/bin/ruff check --fix codegen runtime app tests bench
	.venv/bin/ruff format codegen runtime app tests bench

lint: install
	.venv/bin/ruff check codegen runtime $(OUT) app tests bench
	.venv/bin/ruff format --check codegen runtime app tests bench  # generated/ is formatted by the generator
	$(CLI) check-impl $(OUT) app  # names the handler method that is missing or drifted, with its operation
	.venv/bin/mypy codegen/src runtime/src $(OUT) app tests bench

test: lint check diff
	$(PY) -m pytest

diff: install  ## breaking changes of the working spec against BASE; fails unless info.version's major grew
	@if git cat-file -e $(BASE):$(SPEC) 2>/dev/null; then \
		$(CLI) diff $(BASE):$(SPEC) $(SPEC) --allow-major; \
	else echo "make diff: $(SPEC) does not exist at $(BASE); nothing to compare"; fi

optic-compare: install  ## our diff against Optic's (npm, into .bench/optic) on the diff test pairs
	$(PY) bench/optic_compare.py $(ARGS)

mock-test: install  ## every shared spec's mock app under schemathesis, 25 examples per operation
	MOCK_EXAMPLES=$(or $(MOCK_EXAMPLES),25) $(PY) -m pytest tests/codegen/test_mock.py -q

golden: install  ## rewrite the golden files from the current generator (review the diff!)
	UPDATE_GOLDEN=1 $(PY) -m pytest tests/codegen/test_golden.py -q

migrate: install  ## the database (DATABASE_URL) to the newest migration; run once before any worker starts
	$(PY) -m app.schema upgrade

run: generate  ## `python -m app` migrates first (one process), then serves
	$(PY) -m app --port $(PORT)

dev: migrate  ## serve with reload: a spec edit regenerates (errors leave the last good app serving), code reloads
	$(CLI) dev $(SPEC) --out $(OUT) --app app.main:build_app --factory --watch app --port $(PORT)

serve: generate migrate
	.venv/bin/gunicorn "app.main:build_app()" --worker-class uvicorn_worker.UvicornWorker --workers 2 \
		--bind 127.0.0.1:$(PORT) --forwarded-allow-ips='*' --no-control-socket

contract-test: generate
	$(PY) -m tests.contract.run

sdk: install  ## both SDKs under sdk/, built into dist/: wheel, sdist and the npm tarball
	$(CLI) sdk $(SPEC) --out sdk/python
	.venv/bin/uv build --quiet --out-dir dist sdk/python
	$(CLI) sdk $(SPEC) --lang typescript --out sdk/typescript
	cd sdk/typescript && npm install --silent --no-audit --no-fund && npm run --silent build \
		&& npm pack --silent --pack-destination ../../dist
	@ls dist

dist: install  ## the generator and the runtime, wheel and sdist each, into dist/ (beside `make sdk`'s)
	.venv/bin/uv build --quiet --wheel --sdist runtime --out-dir dist
	.venv/bin/uv build --quiet --wheel --sdist codegen --out-dir dist
	@ls dist

bench: install  ## the generator section, then the runtime section, then the SDK section
	$(PY) bench/generator.py
	$(PY) bench/runtime/run.py
	$(PY) bench/sdk.py

bench-runtime: install  ## req/s and p99 of the generated app vs FastAPI, Litestar, Connexion, Starlette
	$(PY) bench/runtime/run.py $(ARGS)

bench-asgi: install  ## seconds, not minutes: CPU us per request of the apps' ASGI layer, in process, no network
	$(PY) bench/runtime/asgi.py $(ARGS)

bench-limits: install  ## peak RSS growth of the example service sent 200 MB bodies, with and without a token
	$(PY) bench/body_limits.py $(ARGS)

bench-sdk: install  ## the Python SDK's per-request time against raw httpx2 on the running example service
	$(PY) bench/sdk.py $(ARGS)

clean:
	rm -rf .venv .bench reports dist .mypy_cache .ruff_cache .pytest_cache
