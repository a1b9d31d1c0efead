#!/usr/bin/env bash
# Runs every Go fuzz target in turn for a fixed time each (their seed corpora
# also run in every plain `go test`). `make test` gives each a few seconds,
# `make fuzz` a minute (FUZZTIME=10m make fuzz for longer). A failing input is
# written to backend/<package>/testdata/fuzz/<target>/ — keep it: it becomes a
# regression test once the bug is fixed.
#
#   scripts/fuzz.sh [FUZZTIME]       FUZZTIME as go test takes it (60s, 5s, 1000x)
set -euo pipefail
cd "$(dirname "$0")/../backend"
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0

fuzztime=${1:-${FUZZTIME:-60s}}

# target package — what it guards
targets=(
  "FuzzIDCard ./internal/idcard"                 # ID number validation and its check character
  "FuzzBindJSON ./internal/api"                  # strict JSON binding: unknown fields, body limit
  "FuzzDecodeHousehold ./internal/interchange"   # household-v1 decoding (JSON imports, pushes)
  "FuzzParseTemplate ./internal/register"        # the register's Excel import template
  "FuzzEnvelope ./internal/evaluation"           # evaluation envelopes
  "FuzzParseCell ./internal/crosscheck"          # department register cells
  "FuzzCSVRow ./internal/crosscheck"             # department register CSV rows
  "FuzzXLSXReader ./internal/crosscheck"         # department register XLSX files
)

failed=()
start=$SECONDS
for t in "${targets[@]}"; do
  read -r name pkg <<<"$t"
  if out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime="$fuzztime" "$pkg" 2>&1); then
    echo "fuzz: ok   $name ($pkg, $fuzztime)"
  else
    echo "$out" | tail -30
    echo "fuzz: FAIL $name ($pkg)"
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAIL — ${failed[*]} ($((SECONDS - start))s)" >&2
  exit 1
fi
echo "fuzz: ok — ${#targets[@]} targets, $fuzztime each ($((SECONDS - start))s)"
