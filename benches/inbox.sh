#!/usr/bin/env bash
# An office's inbox with 100,000 petitions, and staff sign-in, against the same server's
# no-database endpoint in the same run.
#
#   benches/inbox.sh                      # SQLite, a fresh file in a temp dir
#   benches/inbox.sh postgres://u:p@127.0.0.1/empty_db
#
# Prepares the database (`tiengdan migrate`), loads COUNT petitions into office OFFICE
# (35: the People's Committee of Phường Ba Đình, commune 00004) with benches/seed_inbox.rs,
# creates an official of that office, starts the server, signs in, checks the first inbox page
# (100 items, counts per status summing to COUNT) and the overdue filter, then runs `wrk
# --latency` (THREADS threads, CONNECTIONS connections, DURATION per run, two runs each after a
# 2 s warm-up of each, interleaved) against:
#
#   GET /healthz                          the baseline: same server, no database
#   GET /v1/petitions                     the inbox's first page (benches/inbox.lua)
#   GET /v1/petitions?overdue=true        the first page of the overdue ones
#   POST /v1/auth/login                   a full sign-in (argon2id check, token pair issued;
#                                         benches/login.lua)
#
# Prints, for each: requests/s, p50 and p99 latency, replies other than 2xx and socket errors;
# the inbox's ratios to the baseline; logins/s, logins/s divided by the cores (`nproc`; the
# server runs one worker per core and hashes on actix's blocking pool, which can use them all)
# and logins per CPU-second the server process actually used; one sign-in alone on the idle
# server (median of 5); the server's peak resident memory before the first login and at the
# end.
# Knobs: COUNT (100000), OFFICE (35), DURATION (10s), CONNECTIONS (16), THREADS (1),
# PORT (18084), TIENGDAN_DATA_KEY, JWT_SECRET and AUDIT_SIGNING_KEY (PostgreSQL; fixed bench keys by default).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

COUNT=${COUNT:-100000}
OFFICE=${OFFICE:-35}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
PORT=${PORT:-18084}

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --locked -q
bin=target/release/tiengdan
tmp=$(mktemp -d)
url=${1:-sqlite://$tmp/bench.db}
backend=${url%%://*}
[ "$backend" = postgresql ] && backend=postgres
if [ "$backend" = postgres ]; then
  # PostgreSQL needs configured keys (with SQLite they are generated beside the file).
  export TIENGDAN_DATA_KEY=${TIENGDAN_DATA_KEY:-$(printf '11%.0s' {1..32})}
  export JWT_SECRET=${JWT_SECRET:-$(printf '22%.0s' {1..32})}
  export AUDIT_SIGNING_KEY=${AUDIT_SIGNING_KEY:-$(printf '33%.0s' {1..32})}
fi
export LOGIN_RATE_LIMIT=100000000 PARTNER_RATE_LIMIT=100000000
base="http://127.0.0.1:$PORT"
username=canbo.badinh
password='mưa phùn trên phố Huế, ngõ 5'
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

"$bin" --database-url "$url" --log-level warn migrate >/dev/null
cargo bench --locked -q --bench seed_inbox -- "$url" "$COUNT" "$OFFICE"
TIENGDAN_PASSWORD=$password "$bin" --database-url "$url" --log-level warn \
  user create --username "$username" --role official --office "$OFFICE" --json >/dev/null

if curl -s -o /dev/null "$base/healthz"; then
  echo "something already answers on port $PORT: set PORT" >&2; exit 1
fi
"$bin" --database-url "$url" --bind "127.0.0.1:$PORT" --log-level warn >"$tmp/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "$base/readyz"; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.01
done

login_body=$(python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' \
  "$username" "$password")
sign_in() {
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$login_body" "$base/v1/auth/login" "$@"
}
token=$(sign_in | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
# One sign-in at a time, on an idle server: the latency of the hash alone, more or less.
single_login_ms=$(for _ in 1 2 3 4 5; do
  sign_in -o /dev/null -w '%{time_total}\n'
done | sort -n | awk '{t[NR] = $1 * 1000} END {printf "%.0f", t[3]}')

# One look before the load: the page is full, the counts cover every petition, and the
# overdue page holds only overdue petitions, nearest deadline first.
curl -sf -H "Authorization: Bearer $token" "$base/v1/petitions" >"$tmp/page.json"
curl -sf -H "Authorization: Bearer $token" "$base/v1/petitions?overdue=true" >"$tmp/overdue.json"
python3 - "$tmp/page.json" "$tmp/overdue.json" "$COUNT" <<'EOF'
import datetime, json, sys
page, overdue = (json.load(open(p)) for p in sys.argv[1:3])
count = int(sys.argv[3])
items, counts = page["items"], page["counts"]
due = [datetime.datetime.fromisoformat(i["due_at"]) for i in overdue["items"]]
now = datetime.datetime.now(datetime.timezone.utc)
ok = (len(items) == 100 and sum(counts.values()) == count and len(due) == 100
      and all(d < now for d in due) and due == sorted(due) and page["next_cursor"])
print(f"check: first page {len(items)} items, counts {counts} (sum {sum(counts.values())}), "
      f"overdue page {len(due)} items, all overdue and in order: {'ok' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
EOF

# Runs wrk, keeps its output in $tmp/NAME.txt.
bench() { # NAME [wrk args...]
  local name=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency "$@" >"$tmp/$name.txt"
}
healthz() { bench "$1" "$base/healthz"; }
inbox() { TOKEN=$token bench "$1" -s benches/inbox.lua "$base/v1/petitions"; }
overdue() { TOKEN=$token bench "$1" -s benches/inbox.lua "$base/v1/petitions?overdue=true"; }
login() { STAFF_USERNAME=$username STAFF_PASSWORD=$password bench "$1" -s benches/login.lua "$base"; }
# CPU seconds the server process (all its threads) has used so far.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat"; }
peak_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }

# Warm-up, not counted (a shorter DURATION for the warm-up).
DURATION=2s healthz warm
DURATION=2s inbox warm
DURATION=2s overdue warm
peak_before_login=$(peak_mib)
DURATION=2s login warm

for run in 1 2; do
  healthz "healthz$run"
  inbox "inbox$run"
  overdue "overdue$run"
  c0=$(server_cpu)
  login "login$run"
  c1=$(server_cpu)
  echo "$c0 $c1" >"$tmp/login$run.cpu"
done
peak_end=$(peak_mib)
rss_end=$(rss_mib)

# One line per run: name req/s p50_ms p99_ms non2xx socket_errors requests [cpu_s].
for name in healthz inbox overdue login; do
  for run in 1 2; do
    awk -v name="$name" -v run="$run" -v cpu="$(cat "$tmp/$name$run.cpu" 2>/dev/null || true)" '
      function ms(v) {
        if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
        if (v ~ /m$/) return v * 60000; return v * 1000 # seconds
      }
      /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)}
      /requests in/ {requests = $1}
      /^Requests\/sec/ {rps = $2}
      /Non-2xx/ {non2xx = $NF}
      /Socket errors/ {gsub(/[^0-9 ]/, " "); sock = $1 + $2 + $3 + $4}
      END {
        split(cpu, c, " ")
        printf "%s %s %s %.3f %.3f %d %d %d %s\n", name, run, rps, p50, p99, non2xx, sock, requests, (cpu == "" ? "-" : c[2] - c[1])
      }' "$tmp/$name$run.txt"
  done
done >"$tmp/results.txt"

awk -v backend="$backend" -v conns="$CONNECTIONS" -v dur="$DURATION" -v count="$COUNT" \
    -v cores="$(nproc)" -v peak1="$peak_before_login" -v peak2="$peak_end" -v rss="$rss_end" \
    -v single="$single_login_ms" '
  { rps[$1, $2] = $3; p50[$1, $2] = $4; p99[$1, $2] = $5; bad[$1] += $6; sock[$1] += $7
    req[$1] += $8; if ($9 != "-") cpu[$1] += $9 }
  END {
    printf "backend                      %s, %d petitions in the office, %s cores (nproc)\n", backend, count, cores
    printf "load                         %s connections, %s per run, 2 runs each, interleaved\n", conns, dur
    split("healthz inbox overdue login", names, " ")
    label["healthz"] = "GET /healthz"; label["inbox"] = "GET /v1/petitions"
    label["overdue"] = "GET /v1/petitions?overdue"; label["login"] = "POST /v1/auth/login"
    for (i = 1; i <= 4; i++) {
      n = names[i]; mean[n] = (rps[n, 1] + rps[n, 2]) / 2
      printf "%-28s %9.1f req/s (runs %.1f, %.1f)  p50 %.2f, %.2f ms  p99 %.2f, %.2f ms  non-2xx %d  socket errors %d\n", \
        label[n], mean[n], rps[n, 1], rps[n, 2], p50[n, 1], p50[n, 2], p99[n, 1], p99[n, 2], bad[n], sock[n]
    }
    printf "ratio inbox / healthz        %.3f (req/s)\n", mean["inbox"] / mean["healthz"]
    printf "ratio overdue / healthz      %.3f (req/s)\n", mean["overdue"] / mean["healthz"]
    printf "one login alone (idle)       %s ms (median of 5, curl)\n", single
    printf "logins/s per core            %.1f (%.1f logins/s / %d cores)\n", mean["login"] / cores, mean["login"], cores
    printf "logins per server CPU-second %.1f (%d logins in %.1f CPU-s of the server process)\n", req["login"] / cpu["login"], req["login"], cpu["login"]
    printf "server peak RSS (VmHWM)      %s MiB before the first login, %s MiB at the end (VmRSS at the end %s MiB)\n", peak1, peak2, rss
  }' "$tmp/results.txt"
