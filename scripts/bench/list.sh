#!/usr/bin/env bash
# Benchmark of the household list endpoint under concurrent load
# (BENCHMARKS.md, "The household list of a street").
#
# A street account's typical filtered page, GET /api/v1/households?street=S&
# status=registered&page=1&page_size=20, against `jingzhun serve` on MySQL,
# and the same page from the yardstick backend/tools/listbaseline: the two
# statements the store sends for that page (the COUNT and the page query,
# captured from the store at its start), run with database/sql behind a
# bare net/http handler, the head's ID number opened and masked, the same
# JSON written. Both use the same database, driver settings and pool size.
# Goal: the server ≥ ½ the baseline's requests per second. p50 and p99 of
# both are printed.
#
# The database is made when missing: `jingzhun gen -n N` writes N synthetic
# households (seed 2017) with the demo accounts straight into it (this
# takes a while at a million). It is migrated (the list indexes of
# migration 0016) and ANALYZEd; nothing else is written to it.
#
# Load: hey (github.com/rakyll/hey, built with `go install` into the work
# directory) with BENCH_CONCURRENCY connections for BENCH_DURATION, after a
# warm-up; BENCH_ROUNDS rounds, server and baseline alternating; the best
# round of each counts (the machine is shared: the least disturbed round).
# The load average is printed with every round. The server writes a CPU
# profile of its whole run (JZ_CPU_PROFILE; it is idle but for its own
# rounds), shown with go tool pprof -top at the end.
#
# Growth: it runs for each size given (default 100,000 and 1,000,000) and
# prints the figures side by side; the EXPLAIN of every list query is taken
# on the largest.
#
#   scripts/bench/list.sh [N...]              sizes, default 100000 1000000
#   BENCH_MYSQL=user:pass@host:port           server (default root@127.0.0.1:3306)
#                                             databases jz_bench_100k, jz_bench_1m … (as
#                                             scripts/bench/recompute.sh): made if missing, kept
#   BENCH_DATA=dir                            their data keys, DIR/DB/data.keys
#                                             (default ~/.cache/jingzhun-bench)
#   BENCH_STREET=code                         street (default: the one with the most households)
#   BENCH_STATUS=registered                   status filter
#   BENCH_CONCURRENCY=16 BENCH_DURATION=20s BENCH_ROUNDS=3
#   BENCH_DIR=dir                             keep the work files (profile, outputs) there
#   BENCH_EXPLAIN=0                           skip the EXPLAIN of every list query at the end
#   BENCH_STRICT=1                            exit 1 when the goal is missed
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0

sizes=("$@")
((${#sizes[@]})) || sizes=(100000 1000000)
server=${BENCH_MYSQL:-root@127.0.0.1:3306}
data_root=${BENCH_DATA:-$HOME/.cache/jingzhun-bench}
status=${BENCH_STATUS:-registered}
conc=${BENCH_CONCURRENCY:-16}
dur=${BENCH_DURATION:-20s}
rounds=${BENCH_ROUNDS:-3}
work=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

# shellcheck source=lib.sh
. scripts/bench/lib.sh # after the cd to the top of the tree
bench_mysql "$server"

echo "building jingzhun, listbaseline and hey"
(cd backend && go build -trimpath -o "$work/jingzhun" ./cmd/jingzhun && go build -trimpath -o "$work/listbaseline" ./tools/listbaseline)
GOBIN=$work go install github.com/rakyll/hey@latest

label() { # 100000 → 100k, 1000000 → 1m
  local n=$1
  if ((n % 1000000 == 0)); then echo "$((n / 1000000))m"; elif ((n % 1000 == 0)); then echo "$((n / 1000))k"; else echo "$n"; fi
}

freeport() {
  for _ in $(seq 1 50); do
    local p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port" >&2
  exit 1
}

serve_pid='' base_pid=''
cleanup() { # the server stops on SIGINT (gracefully, writing its profile); the baseline on SIGTERM
  [ -z "$serve_pid" ] || kill -INT "$serve_pid" 2>/dev/null || true
  [ -z "$base_pid" ] || kill -TERM "$base_pid" 2>/dev/null || true
  wait $serve_pid $base_pid 2>/dev/null || true
  serve_pid='' base_pid=''
}
trap 'cleanup; [ -n "${BENCH_DIR:-}" ] || rm -rf "$work"' EXIT

run() { # name url [header…]: one round of hey; sets rps p50 p99 (ms)
  local name=$1 u=$2
  shift 2
  "$work/hey" -c "$conc" -z "$dur" -disable-compression "$@" "$u" >"$work/$name.hey"
  rps=$(awk '/Requests\/sec:/ {print $2}' "$work/$name.hey")
  p50=$(awk '/ 50%+ in / {print $3 * 1000}' "$work/$name.hey")
  p99=$(awk '/ 99%+ in / {print $3 * 1000}' "$work/$name.hey")
  local bad
  bad=$(awk '/^\s+\[[0-9]+\]/ && $1 != "[200]" {s += $2} END {print s + 0}' "$work/$name.hey")
  if ((bad > 0)) || grep -q 'Error distribution' "$work/$name.hey"; then
    echo "$name: responses other than 200:" >&2
    sed -n '/Status code distribution/,$p' "$work/$name.hey" >&2
    exit 1
  fi
}

summary=() ratios=()
for n in "${sizes[@]}"; do
  db="jz_bench_$(label "$n")"
  dsn="mysql://$userpass@$db_host:$db_port/$db"
  datadir=$data_root/$db
  have=$(sql -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db' AND table_name = 'households'")
  if [ "$have" = 0 ]; then
    echo "database $db: generating $n households (jingzhun gen -n $n -seed 2017)"
    sql -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    mkdir -p "$datadir"
    "$work/jingzhun" gen -n "$n" -seed 2017 -db "$dsn" -data-dir "$datadir"
  fi
  keys=$datadir/data.keys
  [ -r "$keys" ] || { echo "no data keys at $keys (BENCH_DATA)" >&2; exit 1; }
  "$work/jingzhun" migrate --db "$dsn" --data-dir "$datadir" >/dev/null
  sql "$db" -e "ANALYZE TABLE households, members, streets, villages, village_groups" >/dev/null
  households=$(sql "$db" -e "SELECT COUNT(*) FROM households WHERE deleted_at IS NULL")
  street=${BENCH_STREET:-$(sql "$db" -e "SELECT street_code FROM households GROUP BY street_code ORDER BY COUNT(*) DESC, street_code LIMIT 1")}
  matching=$(sql "$db" -e "SELECT COUNT(*) FROM households WHERE street_code = '$street' AND status = '$status' AND deleted_at IS NULL")
  echo "server: $(sql -e 'SELECT VERSION()'), database $db: $households households; street $street, status $status: $matching"

  sport=$(freeport)
  bport=$(freeport)
  while [ "$bport" = "$sport" ]; do bport=$(freeport); done

  # The server as a site runs it, but for the request budgets (per IP and
  # per user, a ceiling against runaway clients) raised out of the way, and
  # the CPU profile. --demo: the demo accounts sign in without a second factor
  # (the database has accounts, so nothing is seeded).
  JZ_DB_DSN=$dsn JZ_DATA_DIR=$datadir JZ_ADDR=127.0.0.1:$sport JZ_ACCESS_TTL=2h \
    JZ_RATE_IP_PER_MINUTE=100000000 JZ_RATE_USER_PER_MINUTE=100000000 JZ_CPU_PROFILE="$work/serve-$n.prof" \
    "$work/jingzhun" serve --demo >"$work/serve.out" 2>"$work/serve.log" &
  serve_pid=$!
  JZ_DATA_KEY_FILE=$keys "$work/listbaseline" -db "$dsn" -addr "127.0.0.1:$bport" -street "$street" -status "$status" \
    >"$work/baseline.out" 2>&1 &
  base_pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$sport/readyz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$bport/" >/dev/null 2>&1; then break; fi
    kill -0 "$serve_pid" 2>/dev/null || { echo "the server stopped:" >&2; tail -20 "$work/serve.out" "$work/serve.log" >&2; exit 1; }
    kill -0 "$base_pid" 2>/dev/null || { echo "the baseline stopped:" >&2; tail -20 "$work/baseline.out" >&2; exit 1; }
    sleep 0.5
  done

  password=${JZ_DEMO_PASSWORD:-Jingzhun@2017}
  token=$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"street-$street\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$sport/api/v1/auth/login" | jq -r .access_token)
  [ -n "$token" ] && [ "$token" != null ] || { echo "sign-in as street-$street failed" >&2; exit 1; }
  url="http://127.0.0.1:$sport/api/v1/households?street=$street&status=$status&page=1&page_size=20"
  burl="http://127.0.0.1:$bport/"

  # Both answer the same page: the same total and the same households.
  curl -fsS -H "Authorization: Bearer $token" "$url" >"$work/server.json"
  curl -fsS "$burl" >"$work/baseline.json"
  jq -c '[.total, [.items[] | [.id, .code, .head_id_number, .members]]]' "$work/server.json" >"$work/server.key"
  jq -c '[.total, [.items[] | [.id, .code, .head_id_number, .members]]]' "$work/baseline.json" >"$work/baseline.key"
  cmp -s "$work/server.key" "$work/baseline.key" || { echo "the server and the baseline answer differently:" >&2; cat "$work/server.key" "$work/baseline.key" >&2; exit 1; }
  echo "both answer total $(jq .total "$work/server.json"), $(jq '.items | length' "$work/server.json") items; baseline statements:"
  grep -E '^\s+(count|page):' "$work/baseline.out" | cut -c1-400

  auth=(-H "Authorization: Bearer $token")

  echo "warming up"
  "$work/hey" -c "$conc" -n 400 "${auth[@]}" "$url" >/dev/null
  "$work/hey" -c "$conc" -n 400 "$burl" >/dev/null

  best_s=0 best_b=0 s50='' s99='' b50='' b99=''
  for round in $(seq 1 "$rounds"); do
    run server "$url" "${auth[@]}"
    printf 'round %d: server   %8.1f req/s  p50 %6.1f ms  p99 %6.1f ms  (load %s)\n' "$round" "$rps" "$p50" "$p99" "$(cut -d' ' -f1-3 /proc/loadavg)"
    r_s=$rps
    if (($(echo "$rps > $best_s" | bc -l))); then best_s=$rps s50=$p50 s99=$p99; fi
    run baseline "$burl"
    printf 'round %d: baseline %8.1f req/s  p50 %6.1f ms  p99 %6.1f ms  (load %s)  ratio %.2f\n' "$round" "$rps" "$p50" "$p99" \
      "$(cut -d' ' -f1-3 /proc/loadavg)" "$(echo "$r_s / $rps" | bc -l)"
    if (($(echo "$rps > $best_b" | bc -l))); then best_b=$rps b50=$p50 b99=$p99; fi
  done
  cleanup

  ratio=$(echo "$best_s / $best_b" | bc -l)
  printf '\n%s: %s households (street %s, status %s: %s), hey -c %s -z %s, best of %s rounds\n' "$db" "$households" "$street" "$status" "$matching" "$conc" "$dur" "$rounds"
  printf '  jingzhun serve  %8.1f req/s   p50 %6.1f ms   p99 %6.1f ms\n' "$best_s" "$s50" "$s99"
  printf '  baseline        %8.1f req/s   p50 %6.1f ms   p99 %6.1f ms\n' "$best_b" "$b50" "$b99"
  printf '  ratio           %8.2f         (server / baseline, goal ≥ 0.5)\n' "$ratio"
  summary+=("$(printf '%-14s %9s %7s %10.1f %7.1f %7.1f %10.1f %7.1f %7.1f %6.2f' "$db" "$households" "$matching" "$best_s" "$s50" "$s99" "$best_b" "$b50" "$b99" "$ratio")")
  ratios+=("$ratio")
  printf '\nCPU profile of the server at %s (go tool pprof -top):\n' "$db"
  (cd backend && go tool pprof -top -nodecount=30 "$work/jingzhun" "$work/serve-$n.prof" 2>/dev/null | head -40) || true
  printf '\ncumulative:\n'
  (cd backend && go tool pprof -top -cum -nodecount=40 "$work/jingzhun" "$work/serve-$n.prof" 2>/dev/null | sed -n '6,50p') || true
done

printf '\n%-14s %9s %7s %10s %7s %7s %10s %7s %7s %6s\n' database households page server p50 p99 baseline p50 p99 ratio
printf '%s\n' "${summary[@]}"
printf '(req/s, ms; hey -c %s -z %s; %s, %s cores, load %s)\n' "$conc" "$dur" "$(sql -e 'SELECT VERSION()')" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${BENCH_EXPLAIN:-1}" = 1 ]; then
  printf '\nEXPLAIN of every list query (store/explain_test.go on %s):\n' "$db"
  (cd backend && JZ_EXPLAIN_DSN=$dsn JZ_DATA_KEY_FILE=$keys go test ./internal/store -run '^TestListPlans$' -count=1 -v) \
    >"$work/explain.txt" 2>&1 || echo "(some plans are not as expected: see below)"
  sed -e 's/^    explain_test.go:[0-9]*: //' "$work/explain.txt" | grep -v '^=== RUN' | cut -c1-300
fi

ok=1
for r in "${ratios[@]}"; do (($(echo "$r >= 0.5" | bc -l))) || ok=0; done
if ((ok)); then
  echo "goal met"
else
  echo "MISSED: the server answers fewer than half the baseline's requests per second"
  [ "${BENCH_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
