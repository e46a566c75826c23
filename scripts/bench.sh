#!/usr/bin/env bash
# Benchmarks — figures, not pass/fail tests. Starts its own PostgreSQL cluster, loads data, measures,
# prints a table against the targets in the issues, and stops what it started.
#   BENCH_OPEN_REQUESTS  open requests loaded for the SLA scan (default 100000)
#   BENCH_HISTORY        requests of history for the service-desk figures (default 1000000; 0 skips)
#   BENCH_CONNECTIONS    connections of those figures (default 32)
# `scripts/bench.sh rt` runs only the write-path figures of issue 23 instead, in the shape of the
# comparison with Request Tracker (scripts/bench/rt_style.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = rt ]; then exec scripts/bench/rt_style.sh; fi
. scripts/lib/pg.sh
pg_ensure_installed
need=()
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

N=${BENCH_OPEN_REQUESTS:-100000}
bench_scratch bench

pg_init "$tmp/pg" postgres
port=$(free_port)
pg_start "$tmp/pg" "$port" -c synchronous_commit=off -c shared_buffers=512MB
admin="postgres://postgres@127.0.0.1:$port"
psql "$admin/postgres" -qc "CREATE DATABASE guichet_bench" >/dev/null
export DATABASE_URL="$admin/guichet_bench" GUICHET_CONFIG=/dev/null GUICHET_LOG=warn

echo "Building (release)…"
cargo build --release --quiet
BIN="$(cargo_target_dir)/release/guichet"
$BIN migrate >/dev/null
$BIN seed-demo >/dev/null

echo "Loading $N open requests (1 % past their resolution due date)…"
load_start=$(date +%s.%N)
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
ALTER TABLE requests DISABLE TRIGGER requests_search_refresh;
INSERT INTO requests (title, description, category_id, domain, requester_id, unit_id, priority, status, status_kind,
                      workflow_id, team_id,
                      fields, source, created_at, updated_at, first_response_at, sla_policy_id,
                      first_response_due, first_response_warn_at, resolution_due, resolution_warn_at)
SELECT 'Demande de charge ' || g, '', c.id, c.domain, ur.user_id, ur.unit_id, 'normal', 'in_progress', 'open',
       (SELECT id FROM workflows WHERE code = 'standard'), c.default_team_id,
       '{}', 'api', now() - interval '2 days', now(), now() - interval '1 day', p.id,
       now() - interval '1 day', now() - interval '1 day',
       CASE WHEN g % 100 = 0 THEN now() - interval '1 minute' ELSE now() + interval '5 days' END,
       CASE WHEN g % 100 = 0 THEN now() - interval '1 hour' ELSE now() + interval '4 days' END
  FROM generate_series(1, $N) AS g
 CROSS JOIN (SELECT id, domain, default_team_id FROM categories ORDER BY id LIMIT 1) c
 CROSS JOIN (SELECT user_id, unit_id FROM user_roles WHERE role = 'requester' ORDER BY id LIMIT 1) ur
 CROSS JOIN (SELECT id FROM sla_policies WHERE is_default) p;
ALTER TABLE requests ENABLE TRIGGER requests_search_refresh;
ANALYZE requests;
SQL
load_end=$(date +%s.%N)

ms() { python3 -c "import sys; print(round((float(sys.argv[2]) - float(sys.argv[1])) * 1000))" "$1" "$2"; }
t0=$(date +%s.%N); first=$($BIN sla-scan); t1=$(date +%s.%N)
t2=$(date +%s.%N); second=$($BIN sla-scan); t3=$(date +%s.%N)

echo "Measuring due-date arithmetic (criterion)…"
cal=$(cargo bench --quiet --bench calendar -- --warm-up-time 1 --measurement-time 3 2>/dev/null \
      | awk '/^due date/ {name=$0} /time:/ {gsub(/\[|\]/,""); print name "|" $4 " " $5}')

M=${BENCH_MESSAGES:-3000}
echo "Sending $M notifications (rendered, then written as files; then handed to a local SMTP server)…"
queue_mail() {
  psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
DELETE FROM outbox;
INSERT INTO outbox (recipient_id, recipient, template, locale, request_id, payload)
SELECT u.id, u.email, 'comment', u.locale, (SELECT min(id) FROM requests) + g % 200,
       '{"body": "Message de charge : accents é, à, ç — et une deuxième ligne."}'
  FROM generate_series(1, $M) AS g
 CROSS JOIN (SELECT id, email, locale FROM users WHERE email = 'demandeur@guichet.example') u;
SQL
}
queue_mail
files=$(GUICHET_MAIL_DIR="$tmp/mail" $BIN send-mail --workers 1)
# A real SMTP server on loopback: aiosmtpd, accepting and discarding (Sink) to measure Guichet's
# side, then storing every message in a Maildir (the Python server is then the bottleneck).
smtp_run() { # handler, senders
  local port pid out
  port=$(free_port)
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c "aiosmtpd.handlers.$1" ${3:-} &
  pid=$!
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  queue_mail
  out=$(GUICHET_SMTP_HOST=127.0.0.1 GUICHET_SMTP_PORT=$port GUICHET_SMTP_SECURITY=none $BIN send-mail --workers "$2")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$out"
}
sink1=$(smtp_run Sink 1)
sink4=$(smtp_run Sink 4)
maildir4=$(smtp_run Mailbox 4 "$tmp/Maildir")

IN_SECONDS=${BENCH_INBOUND_SECONDS:-15}
echo "Posting replies to the inbound mail intake for ${IN_SECONDS}s (wrk, 8 connections)…"
# Technicians' replies to open IT requests, each a new message (its own Message-ID), threaded
# by In-Reply-To: store, classify, thread, extract, apply the comment, queue notifications.
# (Requests the technician may read: not of a confidential category, whose replies are refused.)
numbers=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(number::text, ',') FROM (SELECT r.number FROM requests r
  JOIN categories c ON c.id = r.category_id
  WHERE r.domain = 'ti' AND r.status_kind IN ('new', 'open', 'pending') AND NOT c.confidential
  ORDER BY r.number LIMIT 100) x")
cat > "$tmp/inbound.lua" <<LUA
local numbers = { $numbers }
local n = 0
local threads = 0
-- Each wrk thread has its own Lua state: the tag set here keeps their Message-IDs apart.
function setup(thread) threads = threads + 1; thread:set("tag", threads) end
function request()
  n = n + 1
  local number = numbers[(n % #numbers) + 1]
  local body = string.format("From: Karim Benali <tech.ti@guichet.example>\r\nTo: soutien@guichet.example\r\n"
    .. "Subject: RE: [DS-%06d] Suivi\r\nMessage-ID: <bench-%s-%d@wrk.test>\r\nIn-Reply-To: <ds-%06d@127.0.0.1>\r\n"
    .. "Content-Type: text/plain; charset=utf-8\r\n\r\nJe passe demain matin avec la pièce (message %d).\r\n\r\n"
    .. "Le ven. 27 nov. 2026 à 09:00, Guichet <guichet@localhost> a écrit :\r\n> Bonjour\r\n",
    number, tostring(tag), n, number, n)
  return wrk.format("POST", "/api/v1/inbound-mail",
    { ["Authorization"] = "Bearer bench-inbound-token", ["Content-Type"] = "message/rfc822" }, body)
end
LUA
psql "$DATABASE_URL" -qc "DELETE FROM outbox" >/dev/null
web_port=$(free_port)
GUICHET_BIND="127.0.0.1:$web_port" GUICHET_INBOUND_TOKEN=bench-inbound-token GUICHET_INBOUND_CATEGORY=ti-autre GUICHET_MAIL_DIR="$tmp/mail" \
  GUICHET_ATTACHMENTS_DIR="$tmp/files" GUICHET_COOKIE_SECURE=false GUICHET_POOL_SIZE=16 GUICHET_API_REQUESTS_PER_MINUTE=0 $BIN serve &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
inbound=$(wrk -t2 -c8 -d"${IN_SECONDS}s" --latency -s "$tmp/inbound.lua" "http://127.0.0.1:$web_port" 2>&1)
G=${BENCH_MAILGATE_MESSAGES:-2000}
echo "Delivering $G messages through guichet mailgate, 4 at a time (half replies, half new requests)…"
# As a mail server's pipe transport does: one mailgate process per message, 4 deliveries at once.
mailgate=$(python3 scripts/bench/mailgate.py "$BIN" "http://127.0.0.1:$web_port" "$G" "$numbers")
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
gate_outcomes=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(outcome || ' ' || n, ', ') FROM
  (SELECT outcome, count(*) n FROM inbound_messages WHERE channel = 'pipe' GROUP BY outcome ORDER BY outcome) x")
in_rate=$(awk '/Requests\/sec/ {print $2}' <<< "$inbound")
in_p50=$(awk '$1 == "50%" {print $2}' <<< "$inbound")
in_p99=$(awk '$1 == "99%" {print $2}' <<< "$inbound")
in_errors=$(awk '/Non-2xx/ {print $NF}' <<< "$inbound")
outcomes=$(psql "$DATABASE_URL" -Atc "SELECT string_agg(outcome || ' ' || n, ', ') FROM
  (SELECT outcome, count(*) n FROM inbound_messages WHERE channel = 'http' GROUP BY outcome ORDER BY outcome) x")
notices=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM outbox")

A=${BENCH_ASSETS:-50000}
echo "Importing $A assets from a Jamf-like CSV export, then listing at $((A * 2)) assets…"
python3 - "$A" > "$tmp/assets.csv" <<'PY'
import sys, random
random.seed(2026)
n = int(sys.argv[1])
units = ["ecole-bouleaux", "ecole-saint-laurent", "ecole-riviere", "es-plateau", "es-patriotes", "cfp-metiers", "cea-horizon", "sti"]
models = [("Laptop", "Dell", "Latitude 5440"), ("Laptop", "Apple", "MacBook Air M2"), ("Chromebook", "Lenovo", "300e Gen 4"),
          ("iPad", "Apple", "iPad 9th gen"), ("Projector", "Epson", "PowerLite 695Wi"), ("Printer", "HP", "LaserJet M404dn")]
status = ["In Use"] * 6 + ["Spare"] * 3 + ["Broken"]
print("Asset Tag,Serial Number,Device Type,Make,Model,Site,Status,Purchase Price,PO Date,Warranty Expiration,OS Version")
for i in range(n):
    t, mk, md = models[i % len(models)]
    print(f"BN-{i:07d},SN{i:09d},{t},{mk},{md},{units[i % len(units)]},{random.choice(status)},\"1,{i % 900:03d}.00\",2023-08-{1 + i % 28:02d},2027-08-{1 + i % 28:02d},14.{i % 7}")
PY
imp_start=$(date +%s.%N)
import_out=$($BIN import-assets --preset jamf "$tmp/assets.csv" | tail -1)
imp_end=$(date +%s.%N)
reimp_start=$(date +%s.%N)
reimport_out=$($BIN import-assets --preset jamf "$tmp/assets.csv" | tail -1)
reimp_end=$(date +%s.%N)
# As many again straight into the table, so the list is measured at twice the import.
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO assets (tag, serial, model_id, status, unit_id, notes)
SELECT 'GN-' || lpad(g::text, 7, '0'), 'GSN' || g, m.id,
       (ARRAY['in_stock','deployed','deployed','in_repair','retired'])[1 + g % 5],
       u.id, CASE WHEN g % 50 = 0 THEN 'écran fissuré' ELSE '' END
  FROM generate_series(1, $A) g
  JOIN LATERAL (SELECT id FROM asset_models ORDER BY id OFFSET (g % (SELECT count(*) FROM asset_models)) LIMIT 1) m ON true
  JOIN LATERAL (SELECT id FROM units ORDER BY id OFFSET (g % (SELECT count(*) FROM units)) LIMIT 1) u ON true;
ANALYZE assets;
SQL
asset_total=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM assets")
api_token=$($BIN token create --email tech.ti@guichet.example --name bench 2>/dev/null | tail -1)
GUICHET_BIND="127.0.0.1:$web_port" GUICHET_MAIL_DIR="$tmp/mail" GUICHET_ATTACHMENTS_DIR="$tmp/files" \
  GUICHET_COOKIE_SECURE=false GUICHET_POOL_SIZE=16 GUICHET_API_REQUESTS_PER_MINUTE=0 $BIN serve &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
list_bench() { # query string [connections] → "rate req/s, p50 …, p99 …"
  local out c=${2:-8}
  out=$(wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"${BENCH_LIST_SECONDS:-10}s" --latency -H "Authorization: Bearer $api_token" \
        "http://127.0.0.1:$web_port/api/v1/assets?$1" 2>&1)
  echo "$(awk '/Requests\/sec/ {print $2}' <<< "$out") req/s, p50 $(awk '$1 == "50%" {print $2}' <<< "$out"), p99 $(awk '$1 == "99%" {print $2}' <<< "$out")$(awk '/Non-2xx/ {print "; " $NF " non-2xx"}' <<< "$out")"
}
list_unit=$(list_bench "unit=es-plateau&status=deployed")
list_type=$(list_bench "type=chromebook&status=in_stock&cursor=BN-0020000")
list_text=$(list_bench "q=fissur")
list_one=$(list_bench "unit=es-plateau&status=deployed" 1)
list_type_one=$(list_bench "type=chromebook&status=in_stock&cursor=BN-0020000" 1)
list_text_one=$(list_bench "q=fissur" 1)

echo "Loading a model with 500 loanable assets and 20,000 loans…"
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO asset_models (type_id, maker, name) SELECT id, 'Bench', 'Chromebook 500' FROM asset_types WHERE code = 'chromebook';
INSERT INTO assets (tag, model_id, status, unit_id, loanable)
SELECT 'LN-' || lpad(g::text, 4, '0'), m.id, 'in_stock', u.id, TRUE
  FROM generate_series(1, 500) g, (SELECT id FROM asset_models WHERE name = 'Chromebook 500') m,
       (SELECT id FROM units WHERE code = 'sti') u;
-- 40 three-day loans per asset, nine days apart, from six months ago to six months ahead.
INSERT INTO loans (borrower_id, unit_id, lending_unit_id, starts_at, due_at, status, purpose)
SELECT (SELECT id FROM users WHERE email = 'demandeur@guichet.example'),
       (SELECT id FROM units WHERE code = 'ecole-bouleaux'), (SELECT id FROM units WHERE code = 'sti'),
       now() - interval '180 days' + (j * 9 + a % 9) * interval '1 day',
       now() - interval '177 days' + (j * 9 + a % 9) * interval '1 day',
       CASE WHEN j * 9 + a % 9 < 177 THEN 'returned' ELSE 'approved' END,
       'LN-' || lpad(a::text, 4, '0')
  FROM generate_series(0, 39) j CROSS JOIN generate_series(1, 500) a;
INSERT INTO loan_items (loan_id, asset_id, period, active)
SELECT l.id, s.id, tstzrange(l.starts_at, l.due_at, '[)'), l.status = 'approved'
  FROM loans l JOIN assets s ON s.tag = l.purpose WHERE l.purpose LIKE 'LN-%';
ANALYZE loans; ANALYZE loan_items; ANALYZE assets;
SQL
loan_count=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM loans WHERE purpose LIKE 'LN-%'")
bench_model=$(psql "$DATABASE_URL" -Atc "SELECT id FROM asset_models WHERE name = 'Chromebook 500'")
today=$(date +%F); in4w=$(date -d '+27 days' +%F)
avail_out=$(wrk -t2 -c8 -d"${BENCH_LIST_SECONDS:-10}s" --latency -H "Authorization: Bearer $api_token" \
  "http://127.0.0.1:$web_port/api/v1/availability?model=$bench_model&unit=sti&from=$today&to=$in4w" 2>&1)
avail_one=$(wrk -t1 -c1 -d"${BENCH_LIST_SECONDS:-10}s" --latency -H "Authorization: Bearer $api_token" \
  "http://127.0.0.1:$web_port/api/v1/availability?model=$bench_model&unit=sti&from=$today&to=$in4w" 2>&1)
avail_one="$(awk '/Requests\/sec/ {print $2}' <<< "$avail_one") req/s, p50 $(awk '$1 == "50%" {print $2}' <<< "$avail_one"), p99 $(awk '$1 == "99%" {print $2}' <<< "$avail_one")"
avail="$(awk '/Requests\/sec/ {print $2}' <<< "$avail_out") req/s, p50 $(awk '$1 == "50%" {print $2}' <<< "$avail_out"), p99 $(awk '$1 == "99%" {print $2}' <<< "$avail_out")$(awk '/Non-2xx/ {print "; " $NF " non-2xx"}' <<< "$avail_out")"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

echo
echo "| measure | result | target |"
echo "|---|---|---|"
echo "| load $N open requests | $(ms "$load_start" "$load_end") ms | — |"
echo "| SLA scan, $N open requests, $((N / 100)) past due (includes emitting them) | $(ms "$t0" "$t1") ms — $first | < 1 s |"
echo "| SLA scan again, nothing left to emit | $(ms "$t2" "$t3") ms — $second | < 1 s |"
while IFS= read -r line; do
  [ -n "$line" ] && echo "| ${line%%|*} (mean) | ${line#*|} | < 5 µs |"
done <<< "$cal"
echo "| notifications rendered and written as .eml files, 1 sender | $files | — |"
echo "| notifications rendered and handed to a local SMTP server (aiosmtpd Sink), 1 sender | $sink1 | — |"
echo "| the same, 4 senders (one SMTP connection each, as the server runs) | $sink4 | ≥ 500/s |"
echo "| the same to aiosmtpd storing a Maildir (the Python server is the limit), 4 senders | $maildir4 | — |"
echo "| inbound replies through POST /api/v1/inbound-mail (wrk, 8 connections, ${IN_SECONDS}s) | ${in_rate} messages/s, p50 ${in_p50}, p99 ${in_p99}; ${in_errors:-0} non-2xx; outcomes: ${outcomes}; ${notices} notifications queued | ≥ 600/s (issue 23) |"
echo "| inbound through guichet mailgate (4 deliveries at once, one process each; $G messages, half replies, half new requests) | ${mailgate}; outcomes: ${gate_outcomes} | ≥ 400/s (issue 23) |"
echo "| import $A assets (guichet import-assets, Jamf columns, every line checked, one transaction) | $(ms "$imp_start" "$imp_end") ms — $import_out | < 30 s |"
echo "| the same file again (idempotent: nothing created) | $(ms "$reimp_start" "$reimp_end") ms — $reimport_out | — |"
echo "| asset list, $asset_total assets, unit + status filter, first page (wrk, 8 connections) | $list_unit | p99 < 30 ms |"
echo "| asset list, type + status filter, a later page (keyset) | $list_type | p99 < 30 ms |"
echo "| asset list, text search in notes/serial/model | $list_text | p99 < 30 ms |"
echo "| availability of a model over 4 weeks, 500 loanable assets, $loan_count loans (wrk, 8 connections) | $avail | p99 < 20 ms |"
echo "| the asset list again, one connection (latency without queueing on 2 cores) | $list_one | p99 < 30 ms |"
echo "| the type + status page again, one connection | $list_type_one | p99 < 30 ms |"
echo "| the text search again, one connection | $list_text_one | p99 < 30 ms |"
echo "| the availability again, one connection | $avail_one | p99 < 20 ms |"

H=${BENCH_HISTORY:-1000000}
[ "$H" -gt 0 ] || exit 0
C=${BENCH_CONNECTIONS:-32}
echo
echo "Loading $H requests of history (5 school years, 60 units, 80 categories, 3–10 events each)…"
psql "$admin/postgres" -qc "CREATE DATABASE guichet_history" >/dev/null
export DATABASE_URL="$admin/guichet_history"
$BIN migrate >/dev/null
$BIN seed-demo >/dev/null
hist_start=$(date +%s.%N)
psql "$DATABASE_URL" -q -v requests="$H" -v assets="${BENCH_ASSETS:-50000}" -f scripts/bench/history.sql > "$tmp/history.log"
hist_end=$(date +%s.%N)
hist_rows=$(psql "$DATABASE_URL" -Atc "SELECT count(*) || ' requests, ' || (SELECT count(*) FROM request_events) || ' events, '
  || (SELECT count(*) FROM assets) || ' assets' FROM requests")
hist_size=$(psql "$DATABASE_URL" -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))")
# The business time to resolve of every resolved request, by the application's calendar.
bf_start=$(date +%s.%N)
bf_out=$($BIN backfill-dashboards)
bf_end=$(date +%s.%N)
psql "$DATABASE_URL" -qc "VACUUM ANALYZE requests"
admin_token=$($BIN token create --email admin@guichet.example --name bench 2>/dev/null | tail -1)
tech_token=$($BIN token create --email tech.ti@guichet.example --name bench 2>/dev/null | tail -1)
req_token=$($BIN token create --email demandeur@guichet.example --name bench 2>/dev/null | tail -1)
GUICHET_BIND="127.0.0.1:$web_port" GUICHET_MAIL_DIR="$tmp/mail-h" GUICHET_ATTACHMENTS_DIR="$tmp/files-h" \
  GUICHET_COOKIE_SECURE=false GUICHET_POOL_SIZE=$C GUICHET_API_REQUESTS_PER_MINUTE=0 $BIN serve &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$web_port"
# A staff session for the pages (the sign-in form with its CSRF token, as a browser does).
csrf=$(curl -fs -c "$tmp/cookies" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$tmp/cookies" -c "$tmp/cookies" -o /dev/null --data-urlencode "csrf=$csrf" \
  --data-urlencode "email=tech.ti@guichet.example" --data-urlencode "password=Guichet-demo-2026" "$base/login"
session=$(awk '$6 == "guichet_session" {print $7}' "$tmp/cookies")
# Requests the technician may read, to read at random.
psql "$DATABASE_URL" -Atc "SELECT number FROM requests WHERE domain = 'ti' AND NOT EXISTS (SELECT 1 FROM categories c
  WHERE c.id = category_id AND c.confidential) ORDER BY random() LIMIT 2000" > "$tmp/numbers"
lua_numbers="local n = {} for l in io.lines('$tmp/numbers') do n[#n + 1] = string.format('DS-%06d', tonumber(l)) end"
cat > "$tmp/page.lua" <<LUA
$lua_numbers
request = function() return wrk.format("GET", "/requests/" .. n[math.random(#n)]) end
LUA
cat > "$tmp/get.lua" <<LUA
$lua_numbers
request = function() return wrk.format("GET", "/api/v1/requests/" .. n[math.random(#n)]) end
LUA
cat > "$tmp/create.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"category": "ti-mot-de-passe", "title": "Compte verrouillé après la mise à jour", "description": "Charge de test."}'
LUA
# Page 50 of the team's open queue: follow 49 cursors.
cursor=""
for _ in $(seq 1 49); do
  cursor=$(curl -fs -H "Authorization: Bearer $tech_token" \
    "$base/api/v1/requests?team=ti-soutien&status=open${cursor:+&cursor=$cursor}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"] or "")')
  [ -n "$cursor" ] || break
done
peak_rss=0
run() { # label, then wrk arguments → "rate req/s, p50 …, p99 …"; keeps the server's peak RSS
  local out pid_rss
  out=$(wrk -t2 -c"$C" -d"${BENCH_HISTORY_SECONDS:-10}s" --latency "$@" 2>&1 & wpid=$!
        while kill -0 "$wpid" 2>/dev/null; do
          r=$(ps -o rss= -p "$server_pid" 2>/dev/null | tr -d ' '); [ -n "$r" ] && echo "RSS $r" >> "$tmp/rss"; sleep 0.5
        done; wait "$wpid")
  echo "$(awk '/Requests\/sec/ {print $2}' <<< "$out") req/s, p50 $(awk '$1 == "50%" {print $2}' <<< "$out"), p99 $(awk '$1 == "99%" {print $2}' <<< "$out")$(awk '/Non-2xx/ {print "; " $NF " non-2xx"}' <<< "$out")"
}
: > "$tmp/rss"
h_create=$(run -s "$tmp/create.lua" -H "Authorization: Bearer $req_token" "$base/api/v1/requests")
h_page=$(run -s "$tmp/page.lua" -H "Cookie: guichet_session=$session" "$base")
h_get=$(run -s "$tmp/get.lua" -H "Authorization: Bearer $tech_token" "$base")
h_queue1=$(run -H "Authorization: Bearer $tech_token" "$base/api/v1/requests?team=ti-soutien&status=open")
h_queue50=$(run -H "Authorization: Bearer $tech_token" "$base/api/v1/requests?team=ti-soutien&status=open&cursor=$cursor")
h_search=$(run -H "Authorization: Bearer $tech_token" "$base/api/v1/requests?status=all&q=projecteur%20local")
# The dashboard of the whole board over the last full school year (about a fifth of the
# history), alone (one connection: the latency a manager sees) and under the same load.
year_end=$(( $(date +%Y) - ( 10#$(date +%m) < 7 ? 1 : 0 ) ))
dash="$base/api/v1/dashboard?scope=board&period=custom&from=$(( year_end - 1 ))-07-01&to=${year_end}-06-30"
dash_one=$(wrk -t1 -c1 -d"${BENCH_HISTORY_SECONDS:-10}s" --latency -H "Authorization: Bearer $admin_token" "$dash" 2>&1)
h_dash_one="$(awk '/Requests\/sec/ {print $2}' <<< "$dash_one") req/s, p50 $(awk '$1 == "50%" {print $2}' <<< "$dash_one"), p99 $(awk '$1 == "99%" {print $2}' <<< "$dash_one")$(awk '/Non-2xx/ {print "; " $NF " non-2xx"}' <<< "$dash_one")"
h_dash=$(C=8 run --timeout 20s -H "Authorization: Bearer $admin_token" "$dash")
dash_new=$(curl -fs -H "Authorization: Bearer $admin_token" "$dash" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tiles"]["new"])')
h_rss=$(awk '{ if ($2 > m) m = $2 } END { printf "%.0f MB", m / 1024 }' "$tmp/rss")
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

echo
echo "| measure ($H requests of history, $C connections) | result | target |"
echo "|---|---|---|"
echo "| load the history (scripts/bench/history.sql: $hist_rows; database $hist_size) | $(ms "$hist_start" "$hist_end") ms | < 10 min |"
echo "| create a request, POST /api/v1/requests | $h_create | ≥ 1,500/s |"
echo "| request page, GET /requests/{number} (a technician, random requests) | $h_page | p99 < 25 ms |"
echo "| GET /api/v1/requests/{number} | $h_get | p99 < 25 ms |"
echo "| team queue, open, first page | $h_queue1 | p99 < 50 ms |"
echo "| team queue, open, page 50 (keyset) | $h_queue50 | p99 < 50 ms |"
echo "| full-text search, all statuses | $h_search | p99 < 100 ms |"
echo "| fill the business time to resolve (guichet backfill-dashboards: $bf_out) | $(ms "$bf_start" "$bf_end") ms | — |"
echo "| dashboard, whole board, last school year ($dash_new requests), one connection | $h_dash_one | < 300 ms |"
echo "| the same dashboard, 8 connections at once | $h_dash | — |"
echo "| server resident memory, peak under these loads | $h_rss | < 200 MB |"
