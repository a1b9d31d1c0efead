#!/usr/bin/env bash
# Benchmark of a department register import (行业数据比对) at a million rows
# (BENCHMARKS.md).
#
# Builds jingzhun, creates a fresh MySQL/MariaDB database, seeds the demo
# register into it (`jingzhun serve --demo`, stopped once ready) so that
# matching finds real members, generates a police vehicle register of N rows
# with `jingzhun gen -vehicles N -match 2000` (the first 2,000 rows owned by
# members of the demo households), then times, in the same run and on the
# same server:
#   (a) LOAD DATA LOCAL INFILE of the CSV into a plain table with the CSV's
#       columns (VARCHAR/DECIMAL/DATE, an auto-increment id): the server's
#       own bulk loader, the yardstick;
#   (b) `jingzhun import-register` of the same file: the service the API
#       uses — every cell validated, then in one transaction the ID numbers
#       sealed with a blind index, members looked up, rows inserted,
#       discrepancies found and recorded.
# Prints the rows/s of both, their ratio and the importer's peak memory.
# Goal: import ≥ ½ the rate of LOAD DATA, peak memory < 300 MB.
#
# Each pass runs BENCH_ROUNDS times (default 3), the two alternating, and the
# fastest of each counts; before each round the import tables are emptied
# (records, discrepancies, imports), so that every round imports the file
# into the same state and none is "unchanged". Peak memory is the highest of
# the rounds. With BENCH_STRICT=1 the script fails when a goal is missed.
#
#   scripts/bench/import.sh [N]           N defaults to 1000000
#   BENCH_MYSQL=user:pass@host:port       server (default root@127.0.0.1:3306; a password
#                                         with URL-special characters must be %-encoded)
#   BENCH_MATCH=K                         rows owned by demo members (default 2000)
#   BENCH_DB=name                         database, dropped and created (default jz_bench_import)
#   BENCH_DIR=/somewhere                  keep the files there
#   BENCH_ROUNDS=1 scripts/bench/import.sh 100000   a quick look
#   BENCH_PROFILE=FILE                    write a CPU profile of the last import round to FILE
#                                         (go tool pprof -top FILE)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0

n=${1:-1000000}
match=${BENCH_MATCH:-2000}
rounds=${BENCH_ROUNDS:-3}
server=${BENCH_MYSQL:-root@127.0.0.1:3306}
db=${BENCH_DB:-jz_bench_import}
work=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

# shellcheck source=lib.sh
. scripts/bench/lib.sh # after the cd to the top of the tree
bench_mysql "$server" --local-infile=1
dsn="mysql://${server%@*}@$db_host:$db_port/$db"

echo "building jingzhun"
(cd backend && go build -trimpath -o "$work/jingzhun" ./cmd/jingzhun)

echo "server: $(sql -e 'SELECT VERSION()'), database $db (dropped and created)"
sql -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
if [ "$(sql -e "SELECT @@GLOBAL.local_infile")" != 1 ]; then
  sql -e "SET GLOBAL local_infile = 1" || { echo "LOAD DATA LOCAL needs local_infile=1 on the server" >&2; exit 1; }
fi

# Throwaway data keys (index key, version 1), as sealing.Generate makes
# them, kept next to the files for a rerun by hand (BENCH_DIR).
data="$work/data"
mkdir -p "$data"
JZ_DATA_KEYS="index:$(head -c 32 /dev/urandom | base64),1:$(head -c 32 /dev/urandom | base64)"
export JZ_DATA_KEYS
(umask 077 && echo "$JZ_DATA_KEYS" >"$work/data-keys")

# A free local port: one nobody answers on.
port=''
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port" >&2; exit 1; }

echo "seeding the demo register (jingzhun serve --demo on 127.0.0.1:$port)"
seed_start=$(date +%s.%N)
JZ_DB_DSN=$dsn JZ_DATA_DIR=$data JZ_ADDR=127.0.0.1:$port JZ_LOG_LEVEL=warn \
  "$work/jingzhun" serve --demo >"$work/serve.out" 2>&1 &
serve_pid=$!
ready=0
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.5
done
kill -INT "$serve_pid" 2>/dev/null || true
wait "$serve_pid" || true
if ((!ready)); then
  echo "the demo server did not become ready:" >&2
  tail -20 "$work/serve.out" >&2
  exit 1
fi
grep -E '^演示' "$work/serve.out" || true
members=$(sql "$db" -e "SELECT COUNT(*) FROM members")
printf 'seeded in %.1f s: %s households, %s members\n' "$(echo "$(date +%s.%N) - $seed_start" | bc -l)" \
  "$(sql "$db" -e "SELECT COUNT(*) FROM households")" "$members"

csv="$work/vehicles-$n.csv"
echo "generating $n vehicle rows, the first $match owned by demo household members"
gen_start=$(date +%s.%N)
"$work/jingzhun" gen -vehicles "$n" -match "$match" -seed 2017 -o "$csv"
size=$(stat -c %s "$csv")
printf 'generated %s bytes in %.1f s\n' "$size" "$(echo "$(date +%s.%N) - $gen_start" | bc -l)"

# The yardstick's table: the CSV's columns, typed.
sql "$db" -e "CREATE TABLE bench_vehicles_load (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id_number VARCHAR(18) NOT NULL,
  name VARCHAR(50) NOT NULL,
  plate VARCHAR(16) NOT NULL,
  vehicle_type VARCHAR(32) NULL,
  value DECIMAL(14,2) NOT NULL,
  acquired_on DATE NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

# Every import round starts from the same state: the demo register, no
# imports (the demo's own small ones go too). TRUNCATE rather than DELETE:
# deleting a million rows takes minutes and leaves InnoDB purging them in
# the background during the next round.
clear_imports() {
  sql "$db" -e "TRUNCATE TABLE discrepancies; TRUNCATE TABLE dept_records;
    TRUNCATE TABLE dept_import_problems; TRUNCATE TABLE dept_imports"
}

# measure NAME CMD... runs CMD with its output to $work/NAME.out and sets
# secs, peak_kb and cpu_secs: wall time, peak resident memory and CPU time
# (GNU time -v when there is one, else 0 and the command's own report is
# used for the memory).
measure() {
  local name=$1
  shift
  if /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out"
    local wall
    wall=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}')
    secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    peak_kb=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')
    cpu_secs=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/$name.time")
  else
    local start
    start=$(date +%s.%N)
    "$@" >"$work/$name.out"
    secs=$(echo "$(date +%s.%N) - $start" | bc -l)
    peak_kb=0 cpu_secs=0
  fi
}

# The server's CPU time, when it runs on this machine: how much of each
# pass is the database's own work.
server_pid=''
if [[ $db_host == 127.0.0.1 || $db_host == localhost ]]; then
  server_pid=$(pgrep -xo mariadbd || pgrep -xo mysqld || true)
fi
server_cpu() {
  if [ -n "$server_pid" ] && [ -r "/proc/$server_pid/stat" ]; then
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$server_pid/stat"
  else
    echo 0
  fi
}
# srv_since is the server CPU spent since $1 (an earlier server_cpu).
srv_since() { echo "$(server_cpu) - $1" | bc -l; }

# Warm the page cache so that both passes read the file from memory.
cat "$csv" >/dev/null

load_sql="LOAD DATA LOCAL INFILE '$csv' INTO TABLE bench_vehicles_load CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n' IGNORE 1 LINES
  (id_number, name, plate, vehicle_type, value, acquired_on)"

load_secs='' import_secs='' import_kb=0 line=''
for round in $(seq 1 "$rounds"); do
  sql "$db" -e "TRUNCATE TABLE bench_vehicles_load"
  c0=$(server_cpu)
  measure load "${sqlcmd[@]}" "$db" -e "$load_sql"
  srv=$(srv_since "$c0")
  loaded=$(sql "$db" -e "SELECT COUNT(*) FROM bench_vehicles_load")
  [ "$loaded" = "$n" ] || { echo "LOAD DATA loaded $loaded rows of $n" >&2; exit 1; }
  printf 'round %d: LOAD DATA %.2f s (%.0f rows/s, server CPU %.1f s)' "$round" "$secs" "$(echo "$n / $secs" | bc -l)" "$srv"
  if [ -z "$load_secs" ] || (($(echo "$secs < $load_secs" | bc -l))); then load_secs=$secs; fi

  clear_imports
  profile=()
  if [ -n "${BENCH_PROFILE:-}" ] && ((round == rounds)); then profile=(-cpuprofile "$BENCH_PROFILE"); fi
  c0=$(server_cpu)
  measure import "$work/jingzhun" import-register -department police -dataset vehicles \
    -db "$dsn" -data-dir "$data" "${profile[@]}" "$csv"
  srv=$(srv_since "$c0")
  out=$(head -1 "$work/import.out")
  status=$(echo "$out" | grep -o 'status=[a-z]*' | cut -d= -f2)
  [ "$status" = imported ] || { echo; echo "import-register: $out" >&2; cat "$work/import.out" >&2; exit 1; }
  self_mb=$(echo "$out" | grep -o 'peak_rss_mb=[0-9.]*' | cut -d= -f2)
  ((peak_kb > 0)) || peak_kb=$(echo "$self_mb * 1024 / 1" | bc)
  printf '; import %.2f s (%.0f rows/s, server CPU %.1f s, importer CPU %.1f s), %.1f MB\n' "$secs" "$(echo "$n / $secs" | bc -l)" "$srv" "$cpu_secs" "$(echo "$peak_kb / 1024" | bc -l)"
  echo "  $out"
  if [ -z "$import_secs" ] || (($(echo "$secs < $import_secs" | bc -l))); then import_secs=$secs; line=$out; fi
  ((peak_kb > import_kb)) && import_kb=$peak_kb
done

load_rate=$(echo "$n / $load_secs" | bc -l)
import_rate=$(echo "$n / $import_secs" | bc -l)
ratio=$(echo "$import_rate / $load_rate" | bc -l)
field() { echo " $line" | grep -o " $1=[0-9]*" | cut -d= -f2; }
printf '\n'
printf 'rows              %d (%s bytes), best of %d rounds, %s\n' "$n" "$size" "$rounds" "$(sql -e 'SELECT VERSION()')"
printf 'LOAD DATA         %7.2f s   %9.0f rows/s\n' "$load_secs" "$load_rate"
printf 'import-register   %7.2f s   %9.0f rows/s   peak %6.1f MB\n' "$import_secs" "$import_rate" "$(echo "$import_kb / 1024" | bc -l)"
printf 'ratio             %7.2f     (import / LOAD DATA, goal ≥ 0.5)\n' "$ratio"
printf 'matched %s, unmatched %s, discrepancies %s (of %s demo members)\n' "$(field matched)" "$(field unmatched)" "$(field discrepancies)" "$members"

ok=1
(($(echo "$ratio >= 0.5" | bc -l))) || { echo "MISSED: the import runs at less than half the rate of LOAD DATA"; ok=0; }
((import_kb < 300 * 1024)) || { echo "MISSED: the import peaks at 300 MB or more"; ok=0; }
if ((ok)); then
  echo "goals met"
elif [ "${BENCH_STRICT:-0}" = 1 ]; then
  exit 1
fi
