#!/usr/bin/env bash
# The write path, measured as Guichet was compared with Request Tracker 5 (issue 23): the same
# client shape (8 concurrent clients; one HTTP request per TCP connection, then keep-alive),
# PostgreSQL with synchronous_commit on, everything on one machine. Run by `scripts/bench.sh rt`.
#   BENCH_SECONDS       seconds per measure (default 10)
#   BENCH_SEARCH_ROWS   requests loaded before the search measures (default 100000)
#   BENCH_MAILGATE      messages delivered through guichet mailgate (default 2000)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/pg.sh
pg_ensure_installed
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

S=${BENCH_SECONDS:-10}
bench_scratch rt

pg_init "$tmp/pg" postgres
port=$(free_port)
# PostgreSQL's defaults but for the statement counter: synchronous_commit stays on.
pg_start "$tmp/pg" "$port" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all
admin="postgres://postgres@127.0.0.1:$port"
psql "$admin/postgres" -qc "CREATE DATABASE guichet_rt" >/dev/null
export DATABASE_URL="$admin/guichet_rt" GUICHET_CONFIG=/dev/null GUICHET_LOG=warn
psql "$DATABASE_URL" -qc "CREATE EXTENSION pg_stat_statements" >/dev/null

echo "Building (release)…"
cargo build --release --quiet
BIN="$(cargo_target_dir)/release/guichet"
$BIN migrate >/dev/null
$BIN seed-demo >/dev/null
req_token=$($BIN token create --email demandeur@guichet.example --name bench 2>/dev/null | tail -1)
tech_token=$($BIN token create --email tech.ti@guichet.example --name bench 2>/dev/null | tail -1)

web_port=$(free_port)
base="http://127.0.0.1:$web_port"
start_server() {
  GUICHET_BIND="127.0.0.1:$web_port" GUICHET_INBOUND_TOKEN=bench-inbound-token GUICHET_INBOUND_CATEGORY=ti-autre \
    GUICHET_MAIL_DIR="$tmp/mail" GUICHET_ATTACHMENTS_DIR="$tmp/files" GUICHET_COOKIE_SECURE=false \
    GUICHET_API_REQUESTS_PER_MINUTE=0 $BIN serve &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
}
outbox_drained() {
  for _ in $(seq 1 600); do
    [ "$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")" = 0 ] && return 0
    sleep 0.1
  done
  echo "the outbox did not drain" >&2; return 1
}
start_server

create_body='{"category": "ti-mot-de-passe", "title": "Compte verrouillé après la mise à jour", "description": "Charge de test."}'
cat > "$tmp/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$create_body'
LUA

# Statements and commits per create: 200 creates one after the other, then the mail they queue
# sent (watched as files, not by asking the database); PostgreSQL's own counters
# (pg_stat_statements, pg_stat_database) before and after.
echo "Counting statements and commits per create…"
mail_settled() { # until no new mail file for 2 s
  local a b=-1
  while :; do a=$(find "$tmp/mail" -type f 2>/dev/null | wc -l); [ "$a" = "$b" ] && return 0; b=$a; sleep 2; done
}
mail_settled
commits() { psql "$DATABASE_URL" -Atc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
psql "$DATABASE_URL" -qAtc "SELECT pg_stat_statements_reset()" >/dev/null
sleep 2; c0=$(commits); m0=$(find "$tmp/mail" -type f 2>/dev/null | wc -l)
K=200
for _ in $(seq 1 $K); do
  curl -fs -o /dev/null -H "Authorization: Bearer $req_token" -H "Content-Type: application/json" \
    -d "$create_body" "$base/api/v1/requests"
done
mail_settled
c1=$(commits); m1=$(find "$tmp/mail" -type f | wc -l)
# Not the counters' own reads; nor COMMIT/BEGIN, counted as commits below.
stmt_filter="query NOT ILIKE '%pg_stat%' AND query NOT IN ('BEGIN', 'COMMIT')"
stmts=$(psql "$DATABASE_URL" -Atc "SELECT sum(calls) FROM pg_stat_statements WHERE $stmt_filter")
top=$(psql "$DATABASE_URL" -Atc "SELECT round(calls::numeric / $K, 1) || ' × ' || left(regexp_replace(query, '\s+', ' ', 'g'), 100)
  FROM pg_stat_statements WHERE $stmt_filter ORDER BY calls DESC LIMIT 15")
per_create_stmts=$(python3 -c "print(round($stmts / $K, 1))")
# Every transaction PostgreSQL committed (explicit ones and single statements), the reads of c0 aside.
per_create_commits=$(python3 -c "print(round(($c1 - $c0 - 1) / $K, 1))")
per_create_mails=$(python3 -c "print(round(($m1 - $m0) / $K, 1))")

wrk_run() { # connections, keep-alive (on|off), then wrk arguments → "rate req/s, p50 …, p99 …"
  local c=$1 ka=$2 out; shift 2
  local close=(); [ "$ka" = off ] && close=(-H "Connection: close")
  out=$(wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"${S}s" --latency "${close[@]}" "$@" 2>&1)
  echo "$(awk '/Requests\/sec/ {print $2}' <<< "$out") req/s, p50 $(awk '$1 == "50%" {print $2}' <<< "$out"), p99 $(awk '$1 == "99%" {print $2}' <<< "$out")$(awk '/Non-2xx/ {print "; " $NF " non-2xx"}' <<< "$out")$(awk '/Socket errors/ {print "; socket errors: " $0}' <<< "$out")"
}
pss() { # PSS of a process (kB), or of all the cluster's processes
  awk '/^Pss:/ {s += $2} END {printf "%.0f", s / 1024}' "$@" 2>/dev/null
}

declare -A R
for ka in off on; do
  echo "Creating and reading, keep-alive $ka…"
  for c in 1 8; do
    R[create_${c}_$ka]=$(wrk_run $c $ka -s "$tmp/create.lua" -H "Authorization: Bearer $req_token" "$base/api/v1/requests")
  done
  outbox_drained
  # Requests the IT technician may read: the IT domain's, none confidential.
  numbers=$(psql "$DATABASE_URL" -Atc "SELECT r.number FROM requests r JOIN categories c ON c.id = r.category_id
    WHERE r.domain = 'ti' AND NOT c.confidential ORDER BY random() LIMIT 1000" | tr '\n' ',' | sed 's/,$//')
  cat > "$tmp/get.lua" <<LUA
local n = { $numbers }
request = function() return wrk.format("GET", string.format("/api/v1/requests/DS-%06d", n[math.random(#n)])) end
LUA
  for c in 1 8; do
    R[get_${c}_$ka]=$(wrk_run $c $ka -s "$tmp/get.lua" -H "Authorization: Bearer $tech_token" "$base")
  done
done
created=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM requests WHERE source = 'api'")
notified=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM outbox o JOIN requests r ON r.id = o.request_id
  WHERE r.source = 'api' AND o.template = 'request_created'")
dupes=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM (SELECT request_id, recipient, template FROM outbox
  GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
pss_server=$(pss /proc/"$server_pid"/smaps_rollup)
pss_pg=$(pss $(for p in $(pgrep -u postgres postgres); do echo /proc/$p/smaps_rollup; done))

kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
SR=${BENCH_SEARCH_ROWS:-100000}
echo "Loading $SR requests for the search (search index filled by its trigger)…"
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO requests (title, description, category_id, domain, requester_id, unit_id, priority, status, status_kind,
                      workflow_id, team_id, fields, source, created_at, updated_at)
SELECT (ARRAY['Projecteur du local ', 'Imprimante en panne, local ', 'Chromebook brisé, classe ', 'Accès au réseau, bureau '])[1 + g % 4] || g,
       'Demande de charge numéro ' || g, c.id, c.domain, ur.user_id, ur.unit_id, 'normal', 'in_progress', 'open',
       (SELECT id FROM workflows WHERE code = 'standard'), c.default_team_id, '{}', 'web',
       now() - (g % 300) * interval '1 day', now()
  FROM generate_series(1, $SR) AS g
 CROSS JOIN (SELECT id, domain, default_team_id FROM categories WHERE code = 'ti-poste') c
 CROSS JOIN (SELECT user_id, unit_id FROM user_roles WHERE role = 'requester' ORDER BY id LIMIT 1) ur;
ANALYZE requests;
SQL
start_server
declare -A Q
for ka in off on; do
  for c in 1 8; do
    Q[search_${c}_$ka]=$(wrk_run $c $ka -H "Authorization: Bearer $tech_token" "$base/api/v1/requests?status=all&q=projecteur%20local")
  done
done

G=${BENCH_MAILGATE:-2000}
echo "Delivering $G messages through guichet mailgate, 4 at a time…"
open_numbers=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(number::text, ',') FROM (SELECT r.number FROM requests r
  JOIN categories c ON c.id = r.category_id WHERE r.domain = 'ti' AND r.status_kind IN ('new', 'open') AND NOT c.confidential
  ORDER BY r.number LIMIT 100) x")
mailgate=$(python3 scripts/bench/mailgate.py "$BIN" "$base" "$G" "$open_numbers")
gate=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(outcome || ' ' || n, ', ') FROM
  (SELECT outcome, count(*) n FROM inbound_messages WHERE channel = 'pipe' GROUP BY outcome ORDER BY outcome) x")

# The HTTP intake as a mail service posts to it: 8 clients, each message new (a Message-ID of its
# own: thread and count), half new requests, half replies to open requests.
echo "Posting messages to /api/v1/inbound-mail, 8 clients…"
cat > "$tmp/inbound.lua" <<LUA
local numbers = { $open_numbers }
local n_threads = 0
function setup(thread) n_threads = n_threads + 1; thread:set("tid", n_threads) end
function init(args) count = 0 end
function request()
  count = count + 1
  local id = tid .. "-" .. count .. "-" .. os.time()
  local body
  if count % 2 == 1 then
    local number = numbers[(count % #numbers) + 1]
    body = "From: Karim Benali <tech.ti@guichet.example>\r\nTo: soutien@guichet.example\r\n" ..
      string.format("Subject: RE: [DS-%06d] Suivi\r\nIn-Reply-To: <ds-%06d@127.0.0.1>\r\n", number, number) ..
      "Message-ID: <api-" .. id .. "@bench.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" ..
      "J'ai commandé la pièce (message " .. id .. ").\r\n"
  else
    body = "From: Sophie Roy <sophie.roy@guichet.example>\r\nTo: soutien@guichet.example\r\n" ..
      "Subject: Projecteur du local " .. id .. "\r\nMessage-ID: <api-" .. id .. "@bench.test>\r\n" ..
      "Content-Type: text/plain; charset=utf-8\r\n\r\nLe projecteur ne s'allume plus (message " .. id .. ").\r\n"
  end
  return wrk.format("POST", "/api/v1/inbound-mail", {
    ["Authorization"] = "Bearer bench-inbound-token", ["Content-Type"] = "message/rfc822" }, body)
end
LUA
declare -A I
for ka in off on; do
  I[inbound_$ka]=$(wrk_run 8 $ka -s "$tmp/inbound.lua" "$base")
done
intake=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(outcome || ' ' || n, ', ') FROM
  (SELECT outcome, count(*) n FROM inbound_messages WHERE channel <> 'pipe' GROUP BY outcome ORDER BY outcome) x")

echo
echo "| measure (2 vCPU shared by client, server and PostgreSQL; synchronous_commit on) | keep-alive off | keep-alive on | target |"
echo "|---|---|---|---|"
echo "| create, POST /api/v1/requests, 1 client | ${R[create_1_off]} | ${R[create_1_on]} | — |"
echo "| create, 8 clients | ${R[create_8_off]} | ${R[create_8_on]} | ≥ 1,000/s, p99 < 40 ms |"
echo "| get, GET /api/v1/requests/{number}, 1 client | ${R[get_1_off]} | ${R[get_1_on]} | p50 ≤ 2 ms |"
echo "| get, 8 clients | ${R[get_8_off]} | ${R[get_8_on]} | — |"
echo "| search at $SR requests (q=projecteur local), 1 client | ${Q[search_1_off]} | ${Q[search_1_on]} | p50 ≤ 6 ms |"
echo "| search, 8 clients | ${Q[search_8_off]} | ${Q[search_8_on]} | — |"
echo
echo "| measure | result | target |"
echo "|---|---|---|"
echo "| guichet mailgate, 4 deliveries at once ($G messages, half new requests, half replies) | $mailgate; outcomes: $gate | ≥ 400/s |"
echo "| POST /api/v1/inbound-mail, 8 clients, keep-alive off / on | ${I[inbound_off]} / ${I[inbound_on]}; outcomes: $intake | ≥ 600/s |"
echo "| statements per create (request, its timeline, clocks, audit, its notifications sent) | $per_create_stmts | — |"
echo "| transactions committed per create (the same; single statements count as one) | $per_create_commits | — |"
echo "| notifications sent per create | $per_create_mails | — |"
echo "| requests created by the API during the runs / their 'created' notifications / notifications queued twice | $created / $notified / $dupes | each once |"
echo "| PSS after the create and get runs: server / PostgreSQL (all its processes) | $pss_server MB / $pss_pg MB | — |"
echo
echo "The most frequent statements, per create:"
echo "$top" | sed 's/^/    /'
