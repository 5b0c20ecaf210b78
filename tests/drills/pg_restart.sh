#!/usr/bin/env bash
# Drill: restart PostgreSQL under load, as an operator would (`pg_ctlcluster … restart`), and
# check that the service never answers 500, answers 503 (with Retry-After) while the database
# is away, and answers normally again within seconds without being restarted.
#
# Usage (as root or with sudo, on a machine whose PostgreSQL cluster may be restarted):
#   tests/drills/pg_restart.sh BINARY 'postgres://USER:PASS@127.0.0.1:PORT' 'VERSION NAME'
# .ci/run runs it after the test suites, with the debug binary they built.
set -euo pipefail

binary=$1
server=$2
read -r pg_version pg_name <<<"$3"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

work=$(mktemp -d)
db="tiengdan_drill_$$"
port=$((20000 + RANDOM % 20000))
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "${load_pids:-}" ] && kill $load_pids 2>/dev/null || true
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$server/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db"
export DATABASE_URL="$server/$db"
export TIENGDAN_DATA_KEY=$(printf '44%.0s' $(seq 32))
export JWT_SECRET=$(printf '55%.0s' $(seq 32))
export AUDIT_SIGNING_KEY=$(printf '66%.0s' $(seq 32))
export PARTNER_RATE_LIMIT=1000000 LOG_LEVEL=warn DB_WAIT_SECONDS=1

key=$("$binary" partner create --name "Drill" --json | python3 -c 'import sys,json; print(json.load(sys.stdin)["api_key"])')
"$binary" serve --bind "127.0.0.1:$port" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

body='{"kind":"feedback","category":"environment","commune_code":"00004","title":"Drill","description":"Restart drill.","anonymous":true}'
# Each load client writes one line per request: seconds since the epoch, status, Retry-After.
load() {
  while true; do
    curl -s -o /dev/null -D "$work/headers.$1" -w '%{http_code}' \
      -X POST "http://127.0.0.1:$port/v1/petitions" \
      -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" \
      >"$work/code.$1" || echo 000 >"$work/code.$1"
    retry=$(grep -i '^retry-after:' "$work/headers.$1" | tr -d '\r' | awk '{print $2}' || true)
    echo "$(date +%s.%N) $(cat "$work/code.$1") ${retry:--}" >>"$work/statuses"
  done
}
load_pids=""
for client in 1 2 3 4; do
  load "$client" &
  load_pids="$load_pids $!"
done

sleep 3
echo "restarting PostgreSQL $pg_version/$pg_name under load"
restart_started=$(date +%s.%N)
as_root pg_ctlcluster "$pg_version" "$pg_name" restart
back=$(date +%s.%N)
echo "PostgreSQL back after $(python3 -c "print(round($back - $restart_started, 2))") s"
sleep 10
kill $load_pids 2>/dev/null || true
wait $load_pids 2>/dev/null || true
load_pids=""

python3 - "$work/statuses" "$back" <<'PY'
import sys
from collections import Counter
path, back = sys.argv[1], float(sys.argv[2])
rows = [line.split() for line in open(path) if line.strip()]
counts = Counter(code for _, code, _ in rows)
print("statuses:", dict(counts))
bad = [r for r in rows if r[1] not in ("201", "503")]
assert not bad, f"answers other than 201 and 503: {bad[:5]}"
missing = [r for r in rows if r[1] == "503" and r[2] == "-"]
assert not missing, f"503 without Retry-After: {missing[:5]}"
# Normal again within 5 s of PostgreSQL being back: every request after that succeeded.
late = [r for r in rows if float(r[0]) > back + 5 and r[1] != "201"]
assert not late, f"still failing 5 s after PostgreSQL was back: {late[:5]}"
after = [r for r in rows if float(r[0]) > back + 5]
assert len(after) > 20, f"too few requests after recovery: {len(after)}"
first_ok = min((float(t) for t, c, _ in rows if c == "201" and float(t) > back), default=None)
print(f"first 201 after PostgreSQL was back: {first_ok - back:.2f} s; "
      f"{len(after)} requests in the last part, all 201")
PY
if grep -q 'panicked' "$work/server.log"; then
  echo "the server panicked:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
kill -0 "$server_pid" || { echo "the server died" >&2; exit 1; }
echo "drill passed: no 500, 503 with Retry-After during the restart, normal again without a restart"
