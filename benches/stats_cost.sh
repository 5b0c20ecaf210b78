#!/usr/bin/env bash
# What the statistics' rollups cost intake: POST /v1/petitions under concurrent clients with
# the rollup job off (STATS_INTERVAL=0) and folding every second (STATS_INTERVAL=1), in the
# same run, on the same database (docs/PERFORMANCE.md, "Accountability statistics").
#
#   benches/stats_cost.sh                      # SQLite, a fresh file in a temp dir
#   benches/stats_cost.sh postgres://u:p@127.0.0.1/empty_db
#
# Runs are interleaved (off, on, off, on) after a warm-up, each on a freshly started server.
# Prints both rates, the ratio on / off, and how far behind the record the rollups were at
# the end of each "on" run (events appended but not yet folded; the job folds every second).
# Knobs: DURATION (seconds per run, 10), CLIENTS (8), THREADS (wrk threads, 1), PORT (18092),
# TIENGDAN_DATA_KEY, JWT_SECRET and AUDIT_SIGNING_KEY (PostgreSQL; fixed bench keys by default).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-8}
THREADS=${THREADS:-1}
PORT=${PORT:-18092}

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --locked -q
bin=target/release/tiengdan
tmp=$(mktemp -d)
url=${1:-sqlite://$tmp/bench.db}
backend=${url%%://*}
[ "$backend" = postgresql ] && backend=postgres
if [ "$backend" = postgres ]; then
  export TIENGDAN_DATA_KEY=${TIENGDAN_DATA_KEY:-$(printf '11%.0s' {1..32})}
  export JWT_SECRET=${JWT_SECRET:-$(printf '22%.0s' {1..32})}
  export AUDIT_SIGNING_KEY=${AUDIT_SIGNING_KEY:-$(printf '33%.0s' {1..32})}
fi
base="http://127.0.0.1:$PORT"
pid=""
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
cleanup() { stop; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" --database-url "$url" --log-level warn migrate >/dev/null
partner=$("$bin" --database-url "$url" --log-level warn partner create --name bench --json)
api_key=$(sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p' <<<"$partner")
if curl -s -o /dev/null "$base/"; then echo "port $PORT is in use (set PORT)" >&2; exit 1; fi

start() { # STATS_INTERVAL
  STATS_INTERVAL=$1 PARTNER_RATE_LIMIT=100000000 "$bin" --database-url "$url" \
    --bind "127.0.0.1:$PORT" --log-level warn >"$tmp/server.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "$base/readyz"; do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.01
  done
}
run() { # NAME STATS_INTERVAL SECONDS: prints petitions/second
  start "$2"
  API_KEY=$api_key KEY_PREFIX="$1-$$" wrk -t"$THREADS" -c"$CLIENTS" -d"${3}s" \
    -s benches/intake.lua "$base" >"$tmp/wrk-$1.txt"
  if [ "$2" != 0 ]; then
    # How far the rollups trail the record at the end of the run.
    seq=$(curl -sf "$base/v1/stats?period=$(date +%Y)" | sed -n 's/.*"as_of":{"seq":\([0-9]*\).*/\1/p')
    head=$("$bin" --database-url "$url" --log-level warn audit verify --json 2>/dev/null | sed -n 's/.*"events_checked": *\([0-9]*\).*/\1/p')
    echo "${head:-?} ${seq:-?}" >>"$tmp/lag.txt"
  fi
  stop
  awk '/^Requests\/sec/ {print $2}' "$tmp/wrk-$1.txt"
}

run warm-off 0 2 >/dev/null
run warm-on 1 2 >/dev/null
: >"$tmp/lag.txt"
off1=$(run off1 0 "$DURATION"); on1=$(run on1 1 "$DURATION")
off2=$(run off2 0 "$DURATION"); on2=$(run on2 1 "$DURATION")
awk -v a1="$off1" -v a2="$off2" -v b1="$on1" -v b2="$on2" -v backend="$backend" \
    -v clients="$CLIENTS" -v dur="$DURATION" 'BEGIN {
  a = (a1 + a2) / 2; b = (b1 + b2) / 2
  printf "backend                          %s\n", backend
  printf "load                             %s clients, %s s per run, 2 runs each, interleaved\n", clients, dur
  printf "intake, rollup job off           %.0f petitions/s (runs: %.0f, %.0f)\n", a, a1, a2
  printf "intake, rollup job every 1 s     %.0f petitions/s (runs: %.0f, %.0f)\n", b, b1, b2
  printf "ratio on / off                   %.2f\n", b / a
}'
while read -r head seq; do
  echo "events in the record / folded when the run ended: $head / $seq"
done <"$tmp/lag.txt"
