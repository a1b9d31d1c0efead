#!/usr/bin/env bash
# govulncheck on the backend: fails (govulncheck's own exit status) when a
# known vulnerability in a dependency or the Go standard library is reachable
# from our code. Vulnerabilities in modules we require but never call are
# listed by govulncheck and do not fail.
#
# The database is vuln.go.dev when it answers. Where it does not (a sandbox
# that reaches only the Go module proxy), the same data comes from the
# golang.org/x/vulndb module through the proxy: its data/osv entries are
# indexed by backend/tools/vulndb into govulncheck's file:// layout, cached
# per vulndb version under $JZ_VULNDB_CACHE (default ~/.cache/jingzhun/vulndb).
#
#   scripts/vulncheck.sh              govulncheck ./... in backend/
#   JZ_VULNDB=file:///dir scripts/vulncheck.sh   use that database
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0
# Scan with the toolchain backend/go.mod names, the one `make build` ships
# (a machine whose default is GOTOOLCHAIN=local would otherwise scan its own).
export GOTOOLCHAIN=auto

GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.10.0
cache=${JZ_VULNDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jingzhun/vulndb}

db=${JZ_VULNDB:-}
if [ -z "$db" ]; then
  if curl -fsS --max-time 10 -o /dev/null https://vuln.go.dev/index/db.json.gz 2>/dev/null; then
    db=https://vuln.go.dev
  else
    # The module proxy's newest vulndb: version, commit time and folder.
    info=$(go mod download -json golang.org/x/vulndb@latest) || {
      echo "vulncheck: FAIL — neither vuln.go.dev nor golang.org/x/vulndb through the module proxy is reachable" >&2
      exit 1
    }
    version=$(sed -n 's/^\t"Version": "\(.*\)",$/\1/p' <<<"$info")
    dir=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$info")
    stamp=$(go list -m -json "golang.org/x/vulndb@$version" | sed -n 's/^\t"Time": "\(.*\)",\{0,1\}$/\1/p')
    out="$cache/$version"
    if [ ! -f "$out/index/modules.json" ]; then
      rm -rf "$out.tmp"
      (cd backend && go run ./tools/vulndb -osv "$dir/data/osv" -out "$out.tmp" -modified "$stamp")
      rm -rf "$out" && mv "$out.tmp" "$out"
    fi
    db="file://$out"
    echo "vulncheck: vuln.go.dev unreachable; database from golang.org/x/vulndb $version"
  fi
fi

echo "vulncheck: $GOVULNCHECK -db $db ./... (backend)"
if (cd backend && go run "$GOVULNCHECK" -db "$db" ./...); then
  echo "vulncheck: ok — no reachable known vulnerability"
else
  rc=$?
  echo "vulncheck: FAIL (exit $rc) — upgrade the module or Go version named above" >&2
  exit "$rc"
fi
