# The few verbs a newcomer needs. `make run` then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DEBUG ?= true

.PHONY: run test install lint format migrate demo system-packages clean bench audit

$(BIN)/binhyen: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python -q -e ".[dev]"
	@touch $@

install: $(BIN)/binhyen

system-packages:
	@bash scripts/system-packages.sh

migrate: install
	$(BIN)/binhyen migrate --no-input

demo: migrate
	$(BIN)/binhyen demo

run: system-packages demo
	$(BIN)/binhyen compilemessages -v0 2>/dev/null || true
	@echo ""
	@echo "  Bình Yên: http://127.0.0.1:8000  (sign in as pv05 / binhyen-demo, or admin / binhyen-demo)"
	@echo ""
	$(BIN)/binhyen runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest -q -n auto

lint: install
	$(BIN)/ruff check binhyen
	$(BIN)/ruff format --check binhyen
	$(BIN)/binhyen makemigrations --check --dry-run

# Known vulnerabilities in the installed dependencies (pip-audit; docs/security.md).
audit: install
	$(BIN)/python scripts/audit_dependencies.py

format: install
	$(BIN)/ruff format binhyen
	$(BIN)/ruff check --fix binhyen

# Every benchmark of bench/, each printing its ratios (docs/benchmarks.md). SCALE=national
# needs about an hour and 10 GB on PostgreSQL; BENCH_DB is the PostgreSQL server to use.
SCALE    ?= province
BENCH_DB ?= postgres://postgres@127.0.0.1:5432
bench: install
	$(BIN)/python bench/scale.py --scale $(SCALE) --database-url $(BENCH_DB)/binhyen_bench_scale
	$(BIN)/python bench/scale.py --scale $(SCALE)
	$(BIN)/python bench/scale.py --scale province --growth 1,2,4 --database-url $(BENCH_DB)/binhyen_bench_growth
	$(BIN)/python bench/import_groups.py --database-url $(BENCH_DB)/binhyen_bench
	$(BIN)/python bench/web_load.py --database-url $(BENCH_DB)/binhyen_bench_web

clean:
	rm -rf $(VENV) var
