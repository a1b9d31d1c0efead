#!/usr/bin/env bash
# Benchmark of the rules engine on a million households (BENCHMARKS.md).
#
# Builds jingzhun and the decode-only yardstick (backend/tools/decodeonly:
# encoding/json streaming the same file into the household-v1 Go structs and
# nothing more), generates N households with `jingzhun gen`, then times, in
# the same run, the decode-only pass and `jingzhun evaluate` on the file.
# Prints both times, their ratio and the peak memory of each.
# Goal: evaluate ≤ 2× decode-only, peak memory < 200 MB.
#
# Each pass runs BENCH_ROUNDS times (default 3), the two alternating, and the
# fastest time of each counts: on a shared machine the fastest run is the one
# least disturbed by others. Peak memory is the highest of the rounds.
#
#   scripts/bench/evaluate.sh [N]        N defaults to 1000000
#   BENCH_DIR=/somewhere scripts/bench/evaluate.sh   keep the files there
#   BENCH_ROUNDS=1 scripts/bench/evaluate.sh 100000  a quick look
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="/usr/local/go/bin:$PATH"
export CGO_ENABLED=0

n=${1:-1000000}
seed=${BENCH_SEED:-2017}
rounds=${BENCH_ROUNDS:-3}
work=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

echo "building jingzhun and the decode-only yardstick"
(cd backend && go build -trimpath -o "$work/jingzhun" ./cmd/jingzhun && go build -trimpath -o "$work/decodeonly" ./tools/decodeonly)

envelope="$work/envelope-$n.json"
echo "generating $n households (seed $seed)"
gen_start=$(date +%s.%N)
"$work/jingzhun" gen -n "$n" -seed "$seed" -o "$envelope"
gen_end=$(date +%s.%N)
size=$(stat -c %s "$envelope")
printf 'generated %s bytes in %.1f s\n' "$size" "$(echo "$gen_end - $gen_start" | bc -l)"

# measure NAME CMD... runs CMD with its output to $work/NAME.out and sets
# secs and peak_kb: wall time and peak resident memory. With GNU time -v
# when there is one; otherwise from /proc (VmHWM) sampled just before exit.
measure() {
  local name=$1
  shift
  if /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out"
    local wall
    wall=$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}')
    secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    peak_kb=$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')
  else
    local start end pid hwm=0 v
    start=$(date +%s.%N)
    "$@" >"$work/$name.out" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
      sleep 0.05
    done
    wait "$pid"
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc -l)
    peak_kb=$hwm
  fi
}

# Warm the page cache so that both passes read the file from memory.
cat "$envelope" >/dev/null

decode_secs='' decode_kb=0 eval_secs='' eval_kb=0
for round in $(seq 1 "$rounds"); do
  measure decode "$work/decodeonly" "$envelope"
  printf 'round %d: decode only %.2f s, %.1f MB' "$round" "$secs" "$(echo "$peak_kb / 1024" | bc -l)"
  if [ -z "$decode_secs" ] || (($(echo "$secs < $decode_secs" | bc -l))); then decode_secs=$secs; fi
  ((peak_kb > decode_kb)) && decode_kb=$peak_kb
  measure evaluate "$work/jingzhun" evaluate -i "$envelope"
  printf '; evaluate %.2f s, %.1f MB\n' "$secs" "$(echo "$peak_kb / 1024" | bc -l)"
  if [ -z "$eval_secs" ] || (($(echo "$secs < $eval_secs" | bc -l))); then eval_secs=$secs; fi
  ((peak_kb > eval_kb)) && eval_kb=$peak_kb
done

results=$(grep -o '"summary":{[^}]*}' "$work/evaluate.out")
ratio=$(echo "$eval_secs / $decode_secs" | bc -l)
printf '\n'
printf 'households        %d (%s bytes), best of %d rounds\n' "$n" "$size" "$rounds"
printf 'decode only       %7.2f s   peak %6.1f MB\n' "$decode_secs" "$(echo "$decode_kb / 1024" | bc -l)"
printf 'evaluate          %7.2f s   peak %6.1f MB   %.0f households/s\n' "$eval_secs" "$(echo "$eval_kb / 1024" | bc -l)" "$(echo "$n / $eval_secs" | bc -l)"
printf 'ratio             %7.2f ×   (goal ≤ 2)\n' "$ratio"
printf '%s\n' "$results"

ok=1
(($(echo "$ratio <= 2" | bc -l))) || { echo "MISSED: evaluation takes more than twice the decode-only pass"; ok=0; }
((eval_kb < 200 * 1024)) || { echo "MISSED: evaluation peaks at 200 MB or more"; ok=0; }
((ok)) && echo "goals met"
