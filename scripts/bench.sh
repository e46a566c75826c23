#!/usr/bin/env bash
# Benchmarks — figures, not pass/fail tests. Starts its own PostgreSQL cluster, loads data, measures,
# prints a table against the targets in the issues, and stops what it started.
#   BENCH_OPEN_REQUESTS  open requests loaded for the SLA scan (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/pg.sh
pg_ensure_installed
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null; }

N=${BENCH_OPEN_REQUESTS:-100000}
tmp=$(mktemp -d /tmp/guichet-bench.XXXXXX)
chmod 755 "$tmp"
cleanup() { pg_stop "$tmp/pg"; rm -rf "$tmp"; }
trap cleanup EXIT

pg_init "$tmp/pg" postgres
port=$(free_port)
pg_start "$tmp/pg" "$port" -c synchronous_commit=off -c shared_buffers=512MB
admin="postgres://postgres@127.0.0.1:$port"
psql "$admin/postgres" -qc "CREATE DATABASE guichet_bench" >/dev/null
export DATABASE_URL="$admin/guichet_bench" GUICHET_CONFIG=/dev/null GUICHET_LOG=warn

echo "Building (release)…"
cargo build --release --quiet
BIN=target/release/guichet
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
