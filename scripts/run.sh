#!/usr/bin/env bash
# Builds Guichet, starts a private PostgreSQL cluster in data/ (unless DATABASE_URL is set),
# migrates, loads the demo data on first start and serves on http://127.0.0.1:8080.
# Ctrl-C stops the server and the cluster; running it again keeps the data.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/pg.sh

mkdir -p data
if ! command -v cargo >/dev/null; then
  echo "cargo is required (https://rustup.rs)" >&2; exit 1
fi
if [ ! -f /usr/include/postgresql/libpq-fe.h ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpq-dev >/dev/null
fi
echo "Building Guichet (release)…"
cargo build --release --quiet
BIN="$(cargo_target_dir)/release/guichet"

if [ -z "${DATABASE_URL:-}" ]; then
  pg_ensure_installed
  if [ ! -f data/run.env ]; then
    port=$(free_port)
    pw=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
    umask 077
    printf 'PGPORT=%s\nPGPASSWORD=%s\n' "$port" "$pw" > data/run.env
    printf '%s\n' "$pw" > data/.pgpass-init
    umask 022
  fi
  . data/run.env
  # The cluster lives in data/pg — unless we are root in a folder the `postgres` user cannot
  # enter (such as /root/guichet): then beside the other clusters, in /var/lib/guichet.
  if [ -z "${PGDIR:-}" ]; then
    PGDIR=data/pg
    if ! pg_owner_can_reach "$(pwd)/data"; then
      PGDIR="/var/lib/guichet/$(pwd | sha256sum | cut -c1-12)/pg"
      mkdir -p "$(dirname "$PGDIR")"; chmod 755 /var/lib/guichet "$(dirname "$PGDIR")"
      echo "The postgres user cannot enter $(pwd): the cluster goes to $PGDIR."
    fi
    printf 'PGDIR=%s\n' "$PGDIR" >> data/run.env
  fi
  if ! pg_owner_can_reach "$(dirname "$(realpath -m "$PGDIR")")"; then
    echo "The postgres user cannot enter $(dirname "$PGDIR"): move the repository to a folder it can read, or set DATABASE_URL." >&2
    exit 1
  fi
  if [ ! -f "$PGDIR/PG_VERSION" ]; then
    echo "Creating the PostgreSQL cluster in $PGDIR…"
    pg_init "$PGDIR" guichet data/.pgpass-init
  fi
  rm -f data/.pgpass-init
  # Free the recorded port if something else took it since the last run.
  if ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$PGPORT))" 2>/dev/null \
     && [ ! -f "$PGDIR/postmaster.pid" ]; then
    PGPORT=$(free_port); sed -i "s/^PGPORT=.*/PGPORT=$PGPORT/" data/run.env
  fi
  [ -f "$PGDIR/postmaster.pid" ] && pg_stop "$PGDIR"
  pg_start "$PGDIR" "$PGPORT"
  trap 'pg_stop "$PGDIR"; echo "PostgreSQL stopped." 2>/dev/null || true' EXIT
  export DATABASE_URL="postgres://guichet:${PGPASSWORD}@127.0.0.1:${PGPORT}/guichet"
  if ! psql "postgres://guichet:${PGPASSWORD}@127.0.0.1:${PGPORT}/postgres" -tAc \
        "SELECT 1 FROM pg_database WHERE datname='guichet'" | grep -q 1; then
    psql "postgres://guichet:${PGPASSWORD}@127.0.0.1:${PGPORT}/postgres" -qc "CREATE DATABASE guichet" >/dev/null
  fi
fi

# Settings for this demo, found by every `guichet` command run from the repo root.
if [ ! -f data/guichet.toml ] || ! grep -q "^database_url = \"$DATABASE_URL\"" data/guichet.toml; then
  cat > data/guichet.toml <<TOML
# Written by scripts/run.sh for the local demo. See guichet.example.toml for every setting.
database_url = "$DATABASE_URL"
bind = "${GUICHET_BIND:-127.0.0.1:8080}"
base_url = "http://${GUICHET_BIND:-127.0.0.1:8080}"
attachments_dir = "data/attachments"
# Plain HTTP on 127.0.0.1: cookies cannot be Secure here. Keep the default (true) behind TLS.
cookie_secure = false
TOML
fi
# Inbound mail for the demo: replies go to soutien@guichet.example (scripts/mailbox.sh runs a
# local mailbox for it), new messages open « Autre demande informatique ».
if ! grep -q '^inbound_token' data/guichet.toml; then
  cat >> data/guichet.toml <<TOML
mail_reply_to = "Soutien Guichet <soutien@guichet.example>"
inbound_category = "ti-autre"
inbound_token = "$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
TOML
fi

$BIN migrate
$BIN seed-demo --if-empty
if grep -q '^smtp_host' data/guichet.toml 2>/dev/null || [ -n "${GUICHET_SMTP_HOST:-}" ]; then
  echo "Outgoing mail: through the SMTP server configured in data/guichet.toml."
else
  echo "Outgoing mail: no SMTP server configured; messages are written as .eml files to $(pwd)/data/mail/"
fi
if [ -f data/mailbox/settings.toml ] && ! grep -q '^imap_host' data/guichet.toml; then
  cat data/mailbox/settings.toml >> data/guichet.toml
fi
if grep -q '^imap_host' data/guichet.toml 2>/dev/null; then
  echo "Inbound mail: polling the mailbox of data/guichet.toml every few seconds (scripts/mailbox.sh reply … to answer a notification)."
else
  echo "Inbound mail: scripts/mailbox.sh start gives the demo a local support mailbox to answer notifications by email."
fi
echo "Guichet: http://${GUICHET_BIND:-127.0.0.1:8080}  (Ctrl-C to stop)"
$BIN serve
