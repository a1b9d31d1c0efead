# Jingzhun — two commands do all the set-up on a fresh machine:
#   make run    build the SPA and the binary, start the demo on embedded SQLite
#   make test   every test: Go (SQLite, and MySQL when JZ_TEST_MYSQL_DSN is set), vitest, Playwright
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
BIN := bin/jingzhun
SWAG := github.com/swaggo/swag/cmd/swag@v1.16.6
WEB_DIST := backend/internal/web/dist
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CGO_ENABLED := 0
# Build and test with the toolchain backend/go.mod names (its standard library
# is the one scripts/vulncheck.sh finds clean), fetched through the module proxy.
export GOTOOLCHAIN := auto
# Seconds each Go fuzz target runs: briefly in make test, FUZZTIME in make fuzz.
FUZZTIME ?= 60s
FUZZTIME_SHORT := 3s

.PHONY: run build frontend test test-go test-unit test-e2e test-fuzz fuzz vulncheck npm-audit docs bench bench-import bench-recompute bench-list drill clean

run: build
	./$(BIN) serve --demo

build: frontend
	find $(WEB_DIST) -mindepth 1 ! -name .keep -delete
	cp -R frontend/dist/. $(WEB_DIST)/
	cd backend && go build -trimpath -o ../$(BIN) ./cmd/jingzhun
	@echo "built $(BIN)"

frontend: frontend/node_modules/.installed
	cd frontend && npm run build

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

# Every test, each runner's summary last. The end-to-end tests need the built binary.
test: build
	$(MAKE) --no-print-directory test-go
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory vulncheck
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory npm-audit
	$(MAKE) --no-print-directory test-e2e

test-go:
	cd backend && go vet ./... && go test -count=1 ./...
	@echo "test-go: ok"

test-unit: frontend/node_modules/.installed
	cd frontend && npm run test:unit
	@echo "test-unit: ok"

test-e2e: frontend/node_modules/.installed
	cd frontend && npm run test:e2e
	@echo "test-e2e: ok"

# Every Go fuzz target for FUZZTIME_SHORT (make test) or FUZZTIME (make fuzz).
test-fuzz:
	bash scripts/fuzz.sh $(FUZZTIME_SHORT)

fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

# Known vulnerabilities reachable from the backend's code (govulncheck).
vulncheck:
	bash scripts/vulncheck.sh

# High or critical advisories of the SPA's production dependencies; the
# gate's decision is tested first.
npm-audit:
	node --test --test-reporter=spec scripts/npm-audit.test.mjs
	bash scripts/npm-audit.sh

# Regenerate the OpenAPI description from the handlers' annotations.
docs:
	cd backend && go run $(SWAG) init -d ./internal/api -g router.go -o ./internal/apidocs --outputTypes go,json,yaml --parseDepth 1 --quiet
	cp backend/internal/apidocs/swagger.json backend/internal/apidocs/swagger.yaml api-docs/

bench:
	bash scripts/bench/evaluate.sh

# A million-row department register import against LOAD DATA on MySQL
# (BENCH_MYSQL=user:pass@host:port, default root@127.0.0.1:3306).
bench-import:
	bash scripts/bench/import.sh

# Campaign recomputation of 100k and 1M stored households against a plain
# streaming SELECT of the same rows, and the export's peak memory, on MySQL
# (BENCH_MYSQL as above; the databases jz_bench_100k, jz_bench_1m are generated once and kept).
bench-recompute:
	bash scripts/bench/recompute.sh

# The household list of a street under concurrent load (hey), 100k and 1M
# households, against a bare net/http handler running the store's SQL, on
# MySQL (BENCH_MYSQL as above; the same jz_bench_* databases).
bench-list:
	bash scripts/bench/list.sh

# Restore drill (about 40 s, so not in make test): a fresh demo database on
# the MySQL/MariaDB at DRILL_MYSQL, backed up, restored into a scratch
# database, compared table by table and its audit chain verified; both
# databases are dropped. Exits non-zero on any difference.
DRILL_MYSQL ?= mysql://root@127.0.0.1:3306
drill:
	cd backend && go build -trimpath -o ../$(BIN) ./cmd/jingzhun
	bash scripts/restore-drill.sh -D -d $(DRILL_MYSQL)/jz_drill_$$(date +%s) -b $(BIN)

clean:
	rm -rf bin frontend/dist frontend/node_modules data .e2e-data*
	find $(WEB_DIST) -mindepth 1 ! -name .keep -delete
