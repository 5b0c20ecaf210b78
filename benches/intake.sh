#!/usr/bin/env bash
# Intake throughput: POST /v1/petitions under concurrent clients, against the database's raw
# rate for the same statements measured in the same run.
#
#   benches/intake.sh                      # SQLite, a fresh file in a temp dir
#   benches/intake.sh postgres://u:p@127.0.0.1/empty_db
#
# Service side: `wrk` with benches/intake.lua posts a feedback petition (a citizen, one
# attachment) with a new Idempotency-Key per request, over CLIENTS connections.
# Raw side: benches/raw_insert.rs runs the statements the service runs for that petition, one
# transaction per petition, from CLIENTS threads, straight through diesel (no HTTP, JSON,
# validation, sealing or key check). On PostgreSQL, `pgbench -M prepared` runs the same
# statements too, as an independent check on that baseline.
# Runs are interleaved (raw, [pgbench,] service, twice) after a 2 s warm-up of each.
# Prints the rates, the CPU time the whole machine (2 cores here) spent per petition during
# each run, the ratio service / raw (goal ≥ 0.5), the replies other than 201, and
# whether the rows stored for the service's partner match the 201s counted by the server (give
# or take the requests wrk cuts off at the end of a run, which may commit unanswered).
# Knobs: DURATION (seconds per run, 10), CLIENTS (8), THREADS (wrk threads, 1), PORT (18090),
# TIENGDAN_DATA_KEY, JWT_SECRET and AUDIT_SIGNING_KEY (PostgreSQL; fixed bench keys by default).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-8}
THREADS=${THREADS:-1}
PORT=${PORT:-18090}

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --locked -q
bin=target/release/tiengdan
raw=$(cargo bench --locked -q --bench raw_insert --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*raw_insert[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$raw" ] || { echo "could not build benches/raw_insert.rs" >&2; exit 1; }

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
base="http://127.0.0.1:$PORT"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# Migrate and load the reference data, then the partner the service's requests come from.
"$bin" --database-url "$url" --log-level warn migrate >/dev/null
partner=$("$bin" --database-url "$url" --log-level warn partner create --name bench --json)
api_key=$(sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p' <<<"$partner")
partner_id=$(sed -n 's/.*"id": *\([0-9]*\).*/\1/p' <<<"$partner")

# Another server on the port would answer in ours' stead.
if curl -s -o /dev/null "$base/"; then echo "port $PORT is in use (set PORT)" >&2; exit 1; fi
PARTNER_RATE_LIMIT=100000000 "$bin" --database-url "$url" --bind "127.0.0.1:$PORT" \
  --log-level warn >"$tmp/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "$base/readyz"; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.01
done

service() { # NAME SECONDS: prints petitions/second reported by wrk, keeps wrk's output
  # Idempotency keys are NAME-thread-counter: a new NAME per run, or requests would be replays.
  API_KEY=$api_key KEY_PREFIX="$1-$$" wrk -t"$THREADS" -c"$CLIENTS" -d"${2}s" \
    -s benches/intake.lua "$base" >"$tmp/wrk-$1.txt"
  awk '/^Requests\/sec/ {print $2}' "$tmp/wrk-$1.txt"
}
raw_rate() { # prints petitions/second of the raw statements
  "$raw" "$url" --clients "$CLIENTS" --seconds "$1" | sed -n 's/.*petitions_per_sec=//p'
}

# pgbench: the same statements as raw_insert.rs, prepared once per connection. Values that
# must be unique come from the server (gen_random_uuid, random keys); the byte strings have the
# sizes of what the service seals.
pgbench_rate() { :; }
if [ "$backend" = postgres ] && command -v pgbench >/dev/null && command -v psql >/dev/null; then
  hexbytes() { head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }
  read -r office province rule < <(psql "$url" -qAt -F ' ' -c "
    SELECT offices.id, communes.province_code, routing_rules.id FROM communes
    JOIN offices ON offices.commune_code = communes.code
    JOIN routing_rules ON routing_rules.code = 'default' WHERE communes.code = '00004'")
  pg_partner=$(psql "$url" -qAt -c "INSERT INTO partners (name, key_prefix, key_hash, created_at)
    VALUES ('pgbench', md5(random()::text), md5(random()::text), localtimestamp) RETURNING id")
  nonce=$(hexbytes 24)
  # pgbench reads `:name` as a variable, even inside quotes: the JSON has a space after colons.
  cat >"$tmp/intake.sql" <<EOF
\set k random(1, 9223372036854775806)
\set t random(1, 1152921504606846975)
BEGIN;
SELECT pg_advisory_xact_lock(:k);
SELECT request_hash, status, location, key_id, nonce, body FROM idempotent_replies WHERE scope = :scope AND idempotency_key = :k LIMIT 1;
SELECT id, code, province_code, commune_code, kind, category_code, subject, second_time, target, office_id, priority, reason FROM routing_rules WHERE (province_code IS NULL OR province_code = :province) AND (commune_code IS NULL OR commune_code = '00004') AND (kind IS NULL OR kind = 'feedback') AND (category_code IS NULL OR category_code = 'environment');
INSERT INTO petitions (public_id, tracking_code, receipt_secret_hash, partner_id, channel, kind, filed_kind, category_code, commune_code, province_code, office_id, routing_rule_id, routing_reason, status, title, description, subject, occurred_at, decision_date, late_filing, location_lat, location_lon, location_address, second_time_of, is_public, anonymous, received_at, updated_at) VALUES (gen_random_uuid()::text, upper(to_hex(:t::bigint)), '$(hexbytes 32)', :partner, 'partner', 'feedback', 'feedback', 'environment', '00004', :province, :office, :rule, 'The People''s Committee of the commune where the matter arises (default)', 'received', 'Rác thải tồn đọng', 'Rác không được thu gom ba ngày nay ở ngõ 5.', NULL, NULL, NULL, false, 21.03, 105.83, NULL, NULL, false, false, localtimestamp, localtimestamp) RETURNING id \gset
INSERT INTO petition_identities (petition_id, key_id, nonce, ciphertext) VALUES (:id, '26e13e77', '\\x$nonce', '\\x$(hexbytes 146)');
INSERT INTO petition_attachments (petition_id, position, url, media_type) VALUES (:id, 0, 'https://cdn.example.vn/a.jpg', 'image/jpeg');
INSERT INTO petition_clocks (petition_id, name, started_at, length_days, day_type, due_at, status, legal_basis, rule_version, calendar_version) VALUES (:id, 'acknowledge', localtimestamp, 2, 'working', localtimestamp + interval '2 days', 'running', 'Provincial regulation (no national rule); Tiếng Dân default', '2026-11-24.1', 'weekdays-only.1');
INSERT INTO petition_clocks (petition_id, name, started_at, length_days, day_type, due_at, status, legal_basis, rule_version, calendar_version) VALUES (:id, 'answer', localtimestamp, 10, 'working', localtimestamp + interval '14 days', 'running', 'Provincial regulation (no national rule); Tiếng Dân default, after Đà Nẵng Decision 960/QĐ-UBND (2021)', '2026-11-24.1', 'weekdays-only.1');
SELECT MIN(due_at) AS next_due_at FROM petition_clocks WHERE petition_id = :id AND status = 'running' LIMIT 1 \gset
UPDATE petitions SET next_due_at = :next_due_at WHERE id = :id;
SELECT petitions.*, offices.id, offices.code, offices.name, offices.name_en, routing_rules.code FROM petitions INNER JOIN offices ON petitions.office_id = offices.id INNER JOIN routing_rules ON petitions.routing_rule_id = routing_rules.id WHERE petitions.id = :id LIMIT 1;
SELECT name, started_at, length_days, day_type, due_at, status, legal_basis, rule_version, calendar_version FROM petition_clocks WHERE petition_id = :id ORDER BY id;
SELECT url, media_type FROM petition_attachments WHERE petition_id = :id ORDER BY position;
SELECT key_id, nonce, ciphertext FROM petition_identities WHERE petition_id = :id LIMIT 1;
SELECT body, decision_number, attachments, answered_at FROM petition_answers WHERE petition_id = :id LIMIT 1;
SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE \gset
INSERT INTO events (petition_id, actor_kind, actor_id, action, payload, created_at, seq, prev_hash, hash) VALUES (:id, 'partner', :partner::text, 'petition.received', '{"category": "environment", "channel": "partner", "clocks": [{"due_at": "2026-11-27T16:59:59Z", "name": "acknowledge"}, {"due_at": "2026-12-09T16:59:59Z", "name": "answer"}], "commune_code": "00004", "filed_kind": "feedback", "kind": "feedback", "late_filing": false, "office_id": $office, "routing_rule": "default"}', localtimestamp, :seq + 1, :hash, '$(hexbytes 32)');
UPDATE audit_head SET seq = :seq + 1, hash = '$(hexbytes 32)' WHERE id = 1;
INSERT INTO office_status_counts (office_id, status, petitions) VALUES (:office, 'received', 1) ON CONFLICT (office_id, status) DO UPDATE SET petitions = office_status_counts.petitions + 1;
INSERT INTO idempotent_replies (scope, idempotency_key, request_hash, status, location, key_id, nonce, body, created_at) VALUES (:scope, :k, '$(hexbytes 32)', 201, '/v1/petitions/' || gen_random_uuid(), '26e13e77', '\\x$nonce', '\\x$(hexbytes 1211)', localtimestamp);
COMMIT;
EOF
  pgbench_rate() {
    pgbench -n -M prepared -c "$CLIENTS" -j "$THREADS" -T "$1" -f "$tmp/intake.sql" \
      -D scope="partner:$pg_partner" -D partner="$pg_partner" -D province="$province" \
      -D office="$office" -D rule="$rule" "$url" 2>"$tmp/pgbench.err" |
      awk '/^tps/ {print $3}' || { cat "$tmp/pgbench.err" >&2; exit 1; }
  }
fi

# Warm-up, not counted in the rates (its 201s are in the row check).
service warm-up 2 >/dev/null
raw_rate 2 >/dev/null
pgbench_rate 2 >/dev/null

# CPU time the whole machine spent (all processes: server, wrk, database, bench), in ms.
busy_ms() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {print ($2 + $3 + $4 + $7 + $8) * 1000 / hz}' /proc/stat; }
# Runs a measurement; prints its rate and the machine's CPU milliseconds per petition.
measured() {
  local b0 rate b1
  b0=$(busy_ms); rate=$("$@"); b1=$(busy_ms)
  [ -z "$rate" ] || # no pgbench on SQLite
    awk -v r="$rate" -v b0="$b0" -v b1="$b1" -v d="$DURATION" 'BEGIN {print r, (b1 - b0) / (r * d)}'
}

out=$(measured raw_rate "$DURATION"); read -r r1 rc1 <<<"$out"
out=$(measured pgbench_rate "$DURATION"); read -r p1 pc1 <<<"$out"
out=$(measured service run1 "$DURATION"); read -r s1 sc1 <<<"$out"
out=$(measured raw_rate "$DURATION"); read -r r2 rc2 <<<"$out"
out=$(measured pgbench_rate "$DURATION"); read -r p2 pc2 <<<"$out"
out=$(measured service run2 "$DURATION"); read -r s2 sc2 <<<"$out"

metric() { # sums tiengdan_http_requests_total for POST /v1/petitions whose status matches $1
  curl -s "$base/metrics" | awk -v want="$1" '
    /^tiengdan_http_requests_total\{endpoint="\/v1\/petitions",method="POST"/ {
      match($0, /status="[0-9]+"/); status = substr($0, RSTART + 8, 3)
      if ((want == "201") == (status == "201")) s += $NF
    } END {print s + 0}'
}
created=$(metric 201)
others=$(metric other)
socket_errors=$(awk '/Socket errors/ {gsub(/[^0-9 ]/, " "); s += $1 + $2 + $3 + $4} END {print s + 0}' "$tmp"/wrk*.txt)
rows=$("$raw" "$url" --count "$partner_id")

awk -v s1="$s1" -v s2="$s2" -v r1="$r1" -v r2="$r2" -v p1="${p1:-}" -v p2="${p2:-}" \
    -v sc="$sc1 $sc2" -v rc="$rc1 $rc2" -v pc="${pc1:-} ${pc2:-}" \
    -v backend="$backend" -v clients="$CLIENTS" -v dur="$DURATION" -v created="$created" \
    -v others="$others" -v sock="$socket_errors" -v rows="$rows" 'BEGIN {
  s = (s1 + s2) / 2; r = (r1 + r2) / 2;
  split(sc, scs, " "); split(rc, rcs, " "); split(pc, pcs, " ")
  printf "backend                          %s\n", backend
  printf "load                             %s clients, %s s per run, 2 runs each, interleaved\n", clients, dur
  fmt = "%-32s %.0f petitions/s (runs: %.0f, %.0f; machine CPU per petition: %.2f, %.2f ms)\n"
  printf fmt, "service POST /v1/petitions", s, s1, s2, scs[1], scs[2]
  printf fmt, "raw statements (raw_insert.rs)", r, r1, r2, rcs[1], rcs[2]
  if (p1 != "") {
    p = (p1 + p2) / 2
    printf fmt, "raw statements (pgbench)", p, p1, p2, pcs[1], pcs[2]
  }
  printf "ratio service / raw_insert       %.2f (goal >= 0.5)\n", s / r
  if (p1 != "") printf "ratio service / pgbench          %.2f\n", s / p
  printf "non-201 replies                  %d (wrk socket errors: %d)\n", others, sock
  # A request wrk cuts off when a run ends may still commit without its reply being counted:
  # at most one per connection per wrk run (3 runs). A 201 without its row would be a lost write.
  cut = rows - created
  printf "rows stored for the partner      %d = %d replied 201 + %d cut off by wrk at a run end: %s\n", rows, created, cut, (cut >= 0 && cut <= 3 * clients) ? "ok" : "MISMATCH"
}'
