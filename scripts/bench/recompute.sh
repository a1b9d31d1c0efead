#!/usr/bin/env bash
# Benchmark of the campaign recomputation (BENCHMARKS.md): the job that
# reloads every stored household, evaluates it and stores its outcome,
# against a plain streaming SELECT of the same rows, on MySQL/MariaDB, at
# 100,000 and 1,000,000 households; and the peak memory of the household
# export (GET /api/v1/households/export) at the same sizes.
#
# For each size N it
#   1. makes sure the database jz_bench_<N> holds the N households of seed
#      2017 (`jingzhun gen -n N -seed 2017 -db …`, straight into the
#      database, rate reported), reusing it when it already does;
#   2. times, in the same run and alternating, BENCH_ROUNDS rounds of
#      (a) selectonly (backend/tools/selectonly): one plain streaming SELECT
#          per table of every row the recomputation reads — households,
#          members, vehicles, town properties, businesses, help measures —
#          scanned into raw bytes and dropped: the floor;
#      (b) `jingzhun recompute` after emptying household_outcomes, so that
#          every round loads, opens, evaluates and stores every household's
#          outcome (the service the background job runs);
#      then one more recompute over the stored outcomes (nothing changed:
#      everything read and compared, nothing written);
#   3. starts `jingzhun serve --demo` on the database, signs in as
#      `district` and downloads the household export, reading the server's
#      peak memory (VmHWM) before and after (BENCH_EXPORT=0 skips it).
# The fastest round of each pass counts (the machine is shared); peak memory
# is GNU time's maximum resident set size. The last recompute round writes a
# CPU profile (go tool pprof -top).
# Goal: recompute ≤ 3× the SELECT; growth 100k → 1M no worse than linear;
# peak memory flat in the number of households.
#
#   scripts/bench/recompute.sh [N ...]       sizes, default 100000 1000000
#   BENCH_MYSQL=user:pass@host:port          server (default root@127.0.0.1:3306)
#   BENCH_DATA=/somewhere                    data directories (data keys) of the
#                                            databases, kept (default ~/.cache/jingzhun-bench)
#   BENCH_ROUNDS=2                           rounds per size (default 2)
#   BENCH_EXPORT=0                           no export measurement
#   BENCH_EXPORT_MAX=100000                  largest size whose export is measured (default
#                                            100000: the export pages by OFFSET, see BENCHMARKS.md)
#   BENCH_EXPORT_TIMEOUT=1800                seconds the export may take (default 1800)
#   BENCH_REGEN=1                            drop and generate the databases again
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0

sizes=("$@")
((${#sizes[@]})) || sizes=(100000 1000000)
rounds=${BENCH_ROUNDS:-2}
server=${BENCH_MYSQL:-root@127.0.0.1:3306}
data_root=${BENCH_DATA:-$HOME/.cache/jingzhun-bench}
work=$(mktemp -d)
serve_pid=''
cleanup() {
  [ -n "$serve_pid" ] && kill -INT "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=lib.sh
. scripts/bench/lib.sh # after the cd to the top of the tree
bench_mysql "$server"

echo "building jingzhun and selectonly"
(cd backend && go build -trimpath -o "$work/jingzhun" ./cmd/jingzhun && go build -trimpath -o "$work/selectonly" ./tools/selectonly)

label() { # 100000 → 100k, 1000000 → 1m
  local n=$1
  if ((n % 1000000 == 0)); then echo "$((n / 1000000))m"; elif ((n % 1000 == 0)); then echo "$((n / 1000))k"; else echo "$n"; fi
}

# measure NAME CMD... sets secs and peak_kb (GNU time -v), output in $work/NAME.out.
measure() {
  local name=$1
  shift
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out"
  local wall
  wall=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}')
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  peak_kb=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')
}
/usr/bin/time -v true >/dev/null 2>&1 || { echo "needs GNU time (/usr/bin/time, Debian package time)" >&2; exit 1; }
mb() { echo "$1 / 1024" | bc -l; }
load() { awk '{print $1", "$2", "$3}' /proc/loadavg; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

echo "server: $(sql -e 'SELECT VERSION()'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load $(load)"
summary=()
for n in "${sizes[@]}"; do
  db="jz_bench_$(label "$n")"
  dsn="mysql://$userpass@$db_host:$db_port/$db"
  data="$data_root/$db"
  have=$(sql -e "SELECT COUNT(*) FROM \`$db\`.households" 2>/dev/null || echo 0)
  if [ "${BENCH_REGEN:-0}" = 1 ] || [ "$have" != "$n" ] || [ ! -s "$data/data.keys" ]; then
    echo "== $db: generating $n households (seed 2017), load $(load), disk $(df -h / | awk 'NR==2 {print $4}') free"
    sql -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    rm -rf "$data"
    mkdir -p "$data"
    "$work/jingzhun" gen -n "$n" -seed 2017 -db "$dsn" -data-dir "$data" | tail -1
  else
    echo "== $db: reusing its $n households (data keys in $data)"
  fi

  sel_secs='' sel_kb=0 rec_secs='' rec_kb=0
  for round in $(seq 1 "$rounds"); do
    measure select "$work/selectonly" "$dsn"
    rows=$(grep -o 'rows=[0-9]*' "$work/select.out" | head -1 | cut -d= -f2)
    printf 'round %d: SELECT %.2f s (%s rows), %.1f MB, load %s\n' "$round" "$secs" "$rows" "$(mb "$peak_kb")" "$(load)"
    if [ -z "$sel_secs" ] || (($(echo "$secs < $sel_secs" | bc -l))); then sel_secs=$secs; fi
    ((peak_kb > sel_kb)) && sel_kb=$peak_kb

    sql "$db" -e "TRUNCATE TABLE household_outcomes"
    profile=()
    ((round == rounds)) && profile=(-cpuprofile "$data_root/recompute-$(label "$n").prof")
    measure recompute "$work/jingzhun" recompute -db "$dsn" -data-dir "$data" "${profile[@]}"
    printf 'round %d: recompute %.2f s (%s), %.1f MB, load %s\n' "$round" "$secs" "$(cat "$work/recompute.out")" "$(mb "$peak_kb")" "$(load)"
    if [ -z "$rec_secs" ] || (($(echo "$secs < $rec_secs" | bc -l))); then rec_secs=$secs; fi
    ((peak_kb > rec_kb)) && rec_kb=$peak_kb
  done
  measure rerun "$work/jingzhun" recompute -db "$dsn" -data-dir "$data"
  rerun_secs=$secs rerun_kb=$peak_kb
  printf 'recompute again, nothing changed: %.2f s, %.1f MB, load %s\n' "$rerun_secs" "$(mb "$rerun_kb")" "$(load)"
  echo "outcomes: $(sql "$db" -e "SELECT GROUP_CONCAT(CONCAT(outcome, ' ', n) ORDER BY outcome SEPARATOR ' · ') FROM (SELECT outcome, COUNT(*) n FROM household_outcomes GROUP BY outcome) x")"

  exp=''
  if [ "${BENCH_EXPORT:-1}" = 1 ] && ((n <= ${BENCH_EXPORT_MAX:-100000})); then
    port=$((20000 + RANDOM % 20000))
    JZ_DB_DSN=$dsn JZ_DATA_DIR=$data JZ_ADDR=127.0.0.1:$port JZ_LOG_LEVEL=warn \
      "$work/jingzhun" serve --demo >"$work/serve.out" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 240); do
      curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
      sleep 0.5
    done
    token=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"district","password":"'"${JZ_DEMO_PASSWORD:-Jingzhun@2017}"'"}' \
      "http://127.0.0.1:$port/api/v1/auth/login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
    [ -n "$token" ] || { echo "could not sign in as district" >&2; tail -5 "$work/serve.out" >&2; exit 1; }
    before_kb=$(hwm "$serve_pid")
    start=$(date +%s.%N)
    code=$(curl -sS -m "${BENCH_EXPORT_TIMEOUT:-1800}" -o "$work/export.xlsx" -w '%{http_code}' -H "Authorization: Bearer $token" \
      "http://127.0.0.1:$port/api/v1/households/export" || true)
    exp_secs=$(echo "$(date +%s.%N) - $start" | bc -l)
    after_kb=$(hwm "$serve_pid")
    kill -INT "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=''
    exp=$(printf 'export: HTTP %s, %s bytes in %.1f s; server peak %.1f MB before, %.1f MB after' "$code" "$(stat -c %s "$work/export.xlsx" 2>/dev/null || echo 0)" "$exp_secs" "$(mb "$before_kb")" "$(mb "$after_kb")")
    echo "$exp"
  fi

  ratio=$(echo "$rec_secs / $sel_secs" | bc -l)
  line=$(printf '%-9s SELECT %7.2f s %6.1f MB | recompute %7.2f s (%6.0f households/s) %6.1f MB | ratio %5.2f× | again %7.2f s %6.1f MB' \
    "$n" "$sel_secs" "$(mb "$sel_kb")" "$rec_secs" "$(echo "$n / $rec_secs" | bc -l)" "$(mb "$rec_kb")" "$ratio" "$rerun_secs" "$(mb "$rerun_kb")")
  summary+=("$line" "          $exp")
  echo "$line"
  echo "profile: go tool pprof -top $data_root/recompute-$(label "$n").prof"
done

printf '\n%s\n' "best of $rounds rounds; goal: recompute ≤ 3× the SELECT, memory flat, growth no worse than linear"
printf '%s\n' "${summary[@]}"
