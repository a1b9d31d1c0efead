#!/usr/bin/env bash
# npm audit of the SPA's production dependencies: fails on a high or
# critical advisory (scripts/npm-audit.mjs decides, from npm's JSON).
# When the registry's audit endpoint cannot be used (a sandbox whose
# registry proxy refuses the POST) it prints one warning line and passes;
# GitHub Actions reaches the real endpoint and gets the real verdict.
#
#   scripts/npm-audit.sh      the gate (its decision is tested by
#                             node --test scripts/npm-audit.test.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# npm's own exit status is not the verdict (it is 1 for an unreachable
# endpoint too); the JSON is.
(cd frontend && npm audit --omit=dev --json --audit-level=high >"$out" 2>/dev/null) || true
node scripts/npm-audit.mjs "$out"
