#!/usr/bin/env bash
# Load benchmark of the read path against the same server's no-database endpoint.
#
#   benches/http.sh                      # SQLite, a fresh file in a temp dir
#   benches/http.sh postgres://u:p@127.0.0.1/empty_db
#
# Prints: start-up time on an empty database (exec → /readyz answers 200) and on a prepared
# one; throughput of GET /healthz (baseline: no database), GET /v1/communes/{code} (cycling
# through all 3,321 codes; answered from the in-memory unit snapshot) and GET /v1/offices/{id}
# (cycling through all 3,355 offices; a database read on the blocking pool), each measured
# twice, interleaved; their ratios to the baseline; and the server's peak resident memory
# (VmHWM) after the load.
# Knobs: DURATION (10s), CONNECTIONS (32), THREADS (1), PORT (18080).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --locked -q
bin=target/release/tiengdan
tmp=$(mktemp -d)
url=${1:-sqlite://$tmp/bench.db}
base="http://127.0.0.1:$PORT"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Starts the server and waits until it is ready; sets pid and started_ms (time to ready).
start_server() {
  local t0 t1
  t0=$(now_ms)
  "$bin" --database-url "$url" --bind "127.0.0.1:$PORT" --log-level warn >"$tmp/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "$base/readyz"; do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(now_ms)
  started_ms=$((t1 - t0))
}

stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

start_server
cold_ms=$started_ms
stop_server
start_server
warm_ms=$started_ms

tail -n +2 src/data/admin-units-2025.csv | cut -d, -f4 > "$tmp/communes.txt"
seq 1 3355 > "$tmp/offices.txt"
communes() { PREFIX=/v1/communes/ VALUES_FILE="$tmp/communes.txt" "$@" -s benches/cycle.lua "$base"; }
offices() { PREFIX=/v1/offices/ VALUES_FILE="$tmp/offices.txt" "$@" -s benches/cycle.lua "$base"; }

rps() { # prints requests/second reported by wrk
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$@" | awk '/^Requests\/sec/ {print $2}'
}

# Warm-up, not counted.
wrk -t1 -c"$CONNECTIONS" -d2s "$base/healthz" >/dev/null
communes wrk -t1 -c"$CONNECTIONS" -d2s >/dev/null
offices wrk -t1 -c"$CONNECTIONS" -d2s >/dev/null

h1=$(rps "$base/healthz")
c1=$(communes rps)
o1=$(offices rps)
h2=$(rps "$base/healthz")
c2=$(communes rps)
o2=$(offices rps)

errors=$(curl -s "$base/metrics" | awk '/^tiengdan_http_requests_total\{endpoint="\/v1\/(communes\/\{code\}|offices\/\{id\})"/ && !/status="200"/ {s += $2} END {print s + 0}')
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

awk -v h1="$h1" -v h2="$h2" -v c1="$c1" -v c2="$c2" -v o1="$o1" -v o2="$o2" -v cold="$cold_ms" -v warm="$warm_ms" \
    -v peak="$peak_kib" -v errors="$errors" -v backend="${url%%://*}" \
    -v conns="$CONNECTIONS" -v dur="$DURATION" 'BEGIN {
  h = (h1 + h2) / 2; c = (c1 + c2) / 2; o = (o1 + o2) / 2;
  printf "backend                         %s\n", backend
  printf "start-up, empty database        %d ms\n", cold
  printf "start-up, prepared database     %d ms\n", warm
  printf "load                            %s connections, %s per run, 2 runs each, interleaved\n", conns, dur
  printf "GET /healthz                    %.0f req/s (runs: %.0f, %.0f)\n", h, h1, h2
  printf "GET /v1/communes/{code}         %.0f req/s (runs: %.0f, %.0f)\n", c, c1, c2
  printf "GET /v1/offices/{id}            %.0f req/s (runs: %.0f, %.0f)\n", o, o1, o2
  printf "ratio communes / healthz        %.2f\n", c / h
  printf "ratio offices / healthz         %.2f\n", o / h
  printf "non-200 responses under load    %d\n", errors
  printf "server peak RSS (VmHWM)         %.1f MiB\n", peak / 1024
}'
