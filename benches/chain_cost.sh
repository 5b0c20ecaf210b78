#!/usr/bin/env bash
# What the audit chain costs intake: POST /v1/petitions through this build and through a build
# of the last commit before the chain (BASELINE_REV), in one invocation, each on its own fresh
# database, runs interleaved.
#
#   benches/chain_cost.sh                                     # SQLite, fresh files
#   benches/chain_cost.sh postgres://u:p@127.0.0.1/empty_a postgres://u:p@127.0.0.1/empty_b
#
# The baseline is built from a git worktree of BASELINE_REV into its own target directory
# (BASELINE_TARGET), once. The load is benches/intake.lua (a feedback petition with a citizen
# and an attachment, a new Idempotency-Key per request) over CLIENTS connections.
# Knobs: DURATION (10), CLIENTS (8), BASELINE_REV (b341e2f), BASELINE_TARGET (/tmp/prechain-target).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-8}
BASELINE_REV=${BASELINE_REV:-b341e2f}
BASELINE_TARGET=${BASELINE_TARGET:-/tmp/prechain-target}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }

cargo build --release --locked -q
tree=/tmp/prechain
[ -d "$tree" ] || git worktree add -f "$tree" "$BASELINE_REV" -q
(cd "$tree" && CARGO_TARGET_DIR="$BASELINE_TARGET" cargo build --release --locked -q)

tmp=$(mktemp -d)
cleanup() {
  [ -f "$tmp/pids" ] && while read -r p; do kill "$p" 2>/dev/null || true; done <"$tmp/pids"
  rm -rf "$tmp"
}
trap cleanup EXIT
export TIENGDAN_DATA_KEY=${TIENGDAN_DATA_KEY:-$(printf '11%.0s' {1..32})}
export JWT_SECRET=${JWT_SECRET:-$(printf '22%.0s' {1..32})}
export AUDIT_SIGNING_KEY=${AUDIT_SIGNING_KEY:-$(printf '33%.0s' {1..32})}

start() { # NAME BINARY URL PORT: migrates, makes a partner, serves (in the background, killed
  # on exit via its pid file); prints the API key
  local name=$1 bin=$2 url=$3 port=$4 key
  "$bin" --database-url "$url" --log-level warn migrate >/dev/null
  key=$("$bin" --database-url "$url" --log-level warn partner create --name "$name" --json |
    sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p')
  PARTNER_RATE_LIMIT=100000000 CHECKPOINT_INTERVAL=0 SWEEP_INTERVAL=0 "$bin" \
    --database-url "$url" --bind "127.0.0.1:$port" --log-level warn >"$tmp/$name.log" 2>&1 &
  echo $! >>"$tmp/pids"
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
  echo "$key"
}
chained_url=${1:-sqlite://$tmp/chained.db}
plain_url=${2:-sqlite://$tmp/plain.db}
chained_key=$(start chained target/release/tiengdan "$chained_url" 18121)
plain_key=$(start plain "$BASELINE_TARGET/release/tiengdan" "$plain_url" 18122)

rate() { # NAME PORT KEY SECONDS: petitions/s; fails on any reply but 201
  API_KEY=$3 KEY_PREFIX="$1-$RANDOM-$$" wrk -t1 -c"$CLIENTS" -d"${4}s" -s benches/intake.lua \
    "http://127.0.0.1:$2" >"$tmp/wrk-$1.txt"
  if grep -q "Non-2xx" "$tmp/wrk-$1.txt"; then
    echo "$1: replies other than 201:" >&2; cat "$tmp/wrk-$1.txt" >&2; exit 1
  fi
  awk '/^Requests\/sec/ {print $2}' "$tmp/wrk-$1.txt"
}
rate warm 18121 "$chained_key" 2 >/dev/null
rate warm 18122 "$plain_key" 2 >/dev/null
c1=$(rate c1 18121 "$chained_key" "$DURATION"); p1=$(rate p1 18122 "$plain_key" "$DURATION")
c2=$(rate c2 18121 "$chained_key" "$DURATION"); p2=$(rate p2 18122 "$plain_key" "$DURATION")
awk -v c1="$c1" -v c2="$c2" -v p1="$p1" -v p2="$p2" -v url="${chained_url%%://*}" -v base="$BASELINE_REV" 'BEGIN {
  c = (c1 + c2) / 2; p = (p1 + p2) / 2
  printf "backend                 %s\n", url
  printf "with the chain          %.0f petitions/s (runs: %.0f, %.0f)\n", c, c1, c2
  printf "without (%s)       %.0f petitions/s (runs: %.0f, %.0f)\n", base, p, p1, p2
  printf "ratio with / without    %.2f\n", c / p
}'
