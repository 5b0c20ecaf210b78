#!/usr/bin/env bash
# Load benchmark of the read path against the same server's no-database endpoint.
#
#   benches/http.sh                      # SQLite, a fresh file in a temp dir
#   benches/http.sh postgres://u:p@127.0.0.1/empty_db
#
# Prints: start-up time on an empty database (exec → /readyz answers 200) and on a prepared
# one; throughput of GET /healthz (baseline: no database) and GET /v1/communes/{code}
# (cycling through all 3,321 codes), each measured twice, interleaved; their ratio; and the
# server's peak resident memory (VmHWM) after the load.
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

# Starts the server and waits until it is ready; prints the milliseconds it took.
start_server() {
  local t0 t1
  t0=$(now_ms)
  "$bin" --database-url "$url" --bind "127.0.0.1:$PORT" --log-level warn &
  pid=$!
  until curl -sf -o /dev/null "$base/readyz"; do sleep 0.005; done
  t1=$(now_ms)
  echo $((t1 - t0))
}

stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

cold_ms=$(start_server)
stop_server
warm_ms=$(start_server)

tail -n +2 src/data/admin-units-2025.csv | cut -d, -f4 > "$tmp/codes.txt"
export CODES_FILE="$tmp/codes.txt"

rps() { # prints requests/second reported by wrk
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$@" | awk '/^Requests\/sec/ {print $2}'
}

# Warm-up, not counted.
wrk -t1 -c"$CONNECTIONS" -d2s "$base/healthz" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d2s -s benches/communes.lua "$base" >/dev/null

h1=$(rps "$base/healthz")
c1=$(rps -s benches/communes.lua "$base")
h2=$(rps "$base/healthz")
c2=$(rps -s benches/communes.lua "$base")

errors=$(curl -s "$base/metrics" | awk '/^tiengdan_http_requests_total\{endpoint="\/v1\/communes\/\{code\}"/ && !/status="200"/ {s += $2} END {print s + 0}')
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

awk -v h1="$h1" -v h2="$h2" -v c1="$c1" -v c2="$c2" -v cold="$cold_ms" -v warm="$warm_ms" \
    -v peak="$peak_kib" -v errors="$errors" -v backend="${url%%://*}" \
    -v conns="$CONNECTIONS" -v dur="$DURATION" 'BEGIN {
  h = (h1 + h2) / 2; c = (c1 + c2) / 2;
  printf "backend                         %s\n", backend
  printf "start-up, empty database        %d ms\n", cold
  printf "start-up, prepared database     %d ms\n", warm
  printf "load                            %s connections, %s per run, 2 runs each, interleaved\n", conns, dur
  printf "GET /healthz                    %.0f req/s (runs: %.0f, %.0f)\n", h, h1, h2
  printf "GET /v1/communes/{code}         %.0f req/s (runs: %.0f, %.0f)\n", c, c1, c2
  printf "ratio communes / healthz        %.2f\n", c / h
  printf "non-200 commune responses       %d\n", errors
  printf "server peak RSS (VmHWM)         %.1f MiB\n", peak / 1024
}'
