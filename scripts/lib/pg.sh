#!/usr/bin/env bash
# Private PostgreSQL 15 cluster helpers, sourced by run.sh, test.sh and bench.sh.
# PostgreSQL refuses to run as root: when we are root, the server runs as the `postgres` user.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

# Install PostgreSQL (server and contrib, for unaccent) when it is missing.
pg_ensure_installed() {
  if ! pg_bin >/dev/null || [ ! -f /usr/share/postgresql/15/extension/unaccent.control ]; then
    echo "Installing PostgreSQL 15…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-contrib libpq-dev >/dev/null
  fi
}

# Runs a command as the cluster owner.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    # From /: the current folder may be one the owner cannot enter (root's home).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_init DIR SUPERUSER [PWFILE]: creates a cluster in DIR when it does not exist yet.
pg_init() {
  local dir user=$2 pwfile=${3:-}
  dir=$(realpath -m "$1")
  local bin; bin=$(pg_bin)
  [ -f "$dir/PG_VERSION" ] && return 0
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  if [ -n "$pwfile" ]; then
    # A copy the owner can read wherever the original is (initdb runs from /, as the owner).
    local pw; pw=$(mktemp /tmp/guichet-pwfile.XXXXXX)
    cat "$pwfile" > "$pw"
    [ "$(id -u)" = 0 ] && chown postgres: "$pw"
    pg_as_owner "$bin/initdb" -D "$dir" -U "$user" --pwfile="$pw" --auth-host=scram-sha-256 \
      --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null || { rm -f "$pw"; return 1; }
    rm -f "$pw"
  else
    pg_as_owner "$bin/initdb" -D "$dir" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
}

# pg_start DIR PORT [extra server options]: starts the cluster on 127.0.0.1:PORT (socket in DIR).
pg_start() {
  local dir port=$2
  dir=$(realpath -m "$1"); shift 2
  local bin; bin=$(pg_bin)
  pg_as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $*" start >/dev/null
}

pg_stop() {
  local dir
  dir=$(realpath -m "$1")
  local bin; bin=$(pg_bin)
  [ -f "$dir/postmaster.pid" ] || return 0
  pg_as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# The folder cargo builds into: CARGO_TARGET_DIR, a target-dir of .cargo/config.toml, or target/.
cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null \
    || echo "${CARGO_TARGET_DIR:-target}"
}

# Whether the cluster owner can reach DIR (root's home is closed to the `postgres` user).
pg_owner_can_reach() {
  [ "$(id -u)" != 0 ] && return 0
  runuser -u postgres -- test -x "$1"
}

# bench_scratch NAME: makes $tmp, a scratch folder the cluster owner can enter, and removes it on
# exit with the cluster in $tmp/pg and the server whose pid is in $server_pid (bench scripts).
bench_scratch() {
  tmp=$(mktemp -d "/tmp/guichet-$1.XXXXXX")
  chmod 755 "$tmp"
  server_pid=""
  trap bench_cleanup EXIT
}
bench_cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_stop "$tmp/pg"; rm -rf "$tmp"
}
