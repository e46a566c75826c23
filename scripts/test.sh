#!/usr/bin/env bash
# Runs every test: unit and integration tests against a throwaway PostgreSQL cluster, then the
# browser tests (headless Chromium + axe-core) against a running server. Installs what is
# missing, starts what it needs, stops it all at the end; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/pg.sh

need_apt=()
pg_bin >/dev/null && [ -f /usr/share/postgresql/15/extension/unaccent.control ] || need_apt+=(postgresql-15 postgresql-contrib)
[ -f /usr/include/postgresql/libpq-fe.h ] || need_apt+=(libpq-dev)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v node >/dev/null || need_apt+=(nodejs npm)
command -v curl >/dev/null || need_apt+=(curl)
# A real SMTP server for the email tests (aiosmtpd, run with the system's Python).
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need_apt+=(python3-aiosmtpd)
# A real IMAP server for the inbound mail tests (Dovecot, with a throwaway configuration per test).
[ -x /usr/sbin/dovecot ] || need_apt+=(dovecot-imapd)
command -v openssl >/dev/null || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

tmp=$(mktemp -d /tmp/guichet-test.XXXXXX)
chmod 755 "$tmp"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_stop "$tmp/pg"
  rm -rf "$tmp"
}
trap cleanup EXIT

pg_init "$tmp/pg" postgres
port=$(free_port)
pg_start "$tmp/pg" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port"
export TEST_SMTPD_PYTHON=/usr/bin/python3
export TEST_DOVECOT=/usr/sbin/dovecot

# A real OpenID Connect provider (npm oidc-provider) for the single sign-on tests.
(cd tests/oidc && { [ -d node_modules/oidc-provider ] || npm ci --silent --no-audit --no-fund; })

echo "== Unit and integration tests"
cargo test --no-fail-fast -- --test-threads="${TEST_THREADS:-4}"

echo "== Fuzzing the inbound mail parser (${FUZZ_SECONDS:-60} s)"
# cargo-fuzz needs nightly features: the stable toolchain allows them with RUSTC_BOOTSTRAP. No
# sanitizer: the code is safe Rust, what is sought is a panic, a hang or runaway memory (ten
# times the executions per second of AddressSanitizer). -O: optimized without debug assertions,
# as the server runs (mail-parser has a debug assertion that hostile input reaches; debug builds
# survive it, see inbound::message::parse). Past crashes stay in the corpus.
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
mkdir -p "$tmp/corpus"
RUSTC_BOOTSTRAP=1 cargo fuzz run -O --sanitizer none --fuzz-dir tests/fuzz inbound "$tmp/corpus" tests/fixtures/inbound tests/fixtures/inbound-crashes -- \
  -max_total_time="${FUZZ_SECONDS:-60}" -max_len=262144 -print_final_stats=1 > "$tmp/fuzz.log" 2>&1 \
  || { tail -n 60 "$tmp/fuzz.log"; echo "The fuzzer found a crash: tests/fuzz/artifacts/inbound/"; exit 1; }
tail -n 6 "$tmp/fuzz.log"

echo "== Browser tests"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/guichet_browser"
psql "postgres://postgres@127.0.0.1:$port/postgres" -qc "CREATE DATABASE guichet_browser" >/dev/null
cargo build --quiet
BIN="$(cargo_target_dir)/debug/guichet"
export GUICHET_COOKIE_SECURE=false GUICHET_ATTACHMENTS_DIR="$tmp/attachments" GUICHET_CONFIG=/dev/null
# schemathesis sends thousands of API calls a minute: no allowance on this test server.
export GUICHET_API_REQUESTS_PER_MINUTE=0
export GUICHET_MAIL_DIR="$tmp/mail"
web_port=$(free_port)
export GUICHET_BIND="127.0.0.1:$web_port" GUICHET_BASE_URL="http://127.0.0.1:$web_port"
$BIN migrate >/dev/null
$BIN seed-demo >/dev/null
$BIN serve > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
(cd tests/browser && { [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] || npm ci --silent --no-audit --no-fund; })
if ! GUICHET_URL="http://127.0.0.1:$web_port" node tests/browser/smoke.mjs; then
  echo "--- server log"; tail -50 "$tmp/server.log"
  exit 1
fi
# The server's mail sender wrote what the browser run caused (no SMTP configured: .eml files).
sleep 6
mails=$(find "$tmp/mail" -name '*.eml' 2>/dev/null | wc -l)
echo "mail: $mails messages written to the mail folder by the demo server"
/usr/bin/python3 - "$tmp/mail" <<'PY'
import email, email.policy, pathlib, sys
for p in sorted(pathlib.Path(sys.argv[1]).glob('*.eml'), key=lambda p: p.stat().st_mtime):
    m = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
    print(f"  {m['To']:<34} {m['Subject']}")
PY
if [ "$mails" -eq 0 ]; then
  echo "the server sent no mail"; tail -50 "$tmp/server.log"; exit 1
fi

echo "== API conformance (schemathesis against /api/v1/openapi.json)"
# Every operation with generated data (a bounded number of examples each): no server error, and
# every status, content type and body as the OpenAPI description says. The inbound mail intake
# takes raw messages, not JSON: it has its own tests and its fuzzer.
if ! command -v st >/dev/null 2>&1; then
  python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null; }
  python3 -m pip install --quiet 'schemathesis==4.32.5' 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages 'schemathesis==4.32.5'
fi
ST=$(command -v st || echo "python3 -m schemathesis.cli")
# A service manager: the requests of the TI domain, and a dashboard to query.
api_token=$($BIN token create --email gestion.ti@guichet.example --name schemathesis)
if ! (cd "$tmp" && $ST run "http://127.0.0.1:$web_port/api/v1/openapi.json" \
    -H "Authorization: Bearer $api_token" --max-examples "${SCHEMATHESIS_EXAMPLES:-10}" --workers 2 \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --exclude-path-regex 'inbound-mail' --seed 2026 > "$tmp/schemathesis.log" 2>&1); then
  cat "$tmp/schemathesis.log"; echo "--- server log"; tail -50 "$tmp/server.log"
  exit 1
fi
grep -E "generated|passed|failed" "$tmp/schemathesis.log" | tail -3

echo "== scripts/run.sh as a newcomer starts it (root, from root's home, CARGO_TARGET_DIR elsewhere)"
tests/scripts/run_as_newcomer.sh
