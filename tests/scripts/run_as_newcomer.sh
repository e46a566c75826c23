#!/usr/bin/env bash
# scripts/run.sh as a newcomer on a fresh machine starts it: as root, from a copy of the
# repository in root's home (a folder the `postgres` user cannot enter), with CARGO_TARGET_DIR
# pointing elsewhere. It must say clearly when the cluster folder it is given cannot work, put
# its cluster where PostgreSQL can run it otherwise, find the binary where cargo put it, serve
# the demo with its sign-ins, and stop the cluster on Ctrl-C. Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/pg.sh

if [ "$(id -u)" != 0 ]; then
  echo "skipped: the folder rule is about root (CI runs as root)"
  exit 0
fi
fail() { echo "FAIL: $*"; echo "--- run.sh said"; tail -n 30 "$log" 2>/dev/null; exit 1; }

# The repository's own build folder, so that only Guichet itself is built again.
target=$(realpath -m "$(cargo_target_dir)")
copy=$(mktemp -d /root/guichet-newcomer.XXXXXX)
log=$(mktemp /tmp/guichet-newcomer.XXXXXX.log)
hash=$(cd "$copy" && pwd | sha256sum | cut -c1-12)
run_pid=""
cleanup() {
  [ -n "$run_pid" ] && kill -INT -- "-$run_pid" 2>/dev/null || true
  [ -n "$run_pid" ] && wait "$run_pid" 2>/dev/null || true
  pg_stop "/var/lib/guichet/$hash/pg"
  rm -rf "$copy" "/var/lib/guichet/$hash" "$log"
}
trap cleanup EXIT
# A newcomer's shell: none of the settings scripts/test.sh exported for its own stages (the
# browser stage's DATABASE_URL and GUICHET_BIND would send run.sh to that database and port).
for name in $(compgen -e); do
  case "$name" in GUICHET_* | DATABASE_URL | TEST_* | PG*) unset "$name" ;; esac
done
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$copy" -xf -
runuser -u postgres -- test -x "$copy" && fail "the postgres user can enter $copy: nothing is tested"

echo "-- a cluster folder the postgres user cannot enter: a clear message"
rc=0
(cd "$copy" && PGDIR="$copy/elsewhere/pg" CARGO_TARGET_DIR="$target" scripts/run.sh) > "$log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "run.sh ended with $rc"
grep -q "The postgres user cannot enter $copy/elsewhere" "$log" || fail "no clear message"
[ -e "$copy/target" ] && fail "cargo built into $copy/target, not CARGO_TARGET_DIR"
[ -x "$target/release/guichet" ] || fail "no binary in $target/release"

echo "-- from root's home: the cluster goes where PostgreSQL can run it, the demo serves"
port=$(free_port)
(cd "$copy" && CARGO_TARGET_DIR="$target" GUICHET_BIND="127.0.0.1:$port" exec setsid scripts/run.sh) > "$log" 2>&1 &
run_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$run_pid" 2>/dev/null || fail "run.sh stopped"
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "the demo never answered"
grep -q "the cluster goes to /var/lib/guichet/$hash/pg" "$log" || fail "where the cluster went is not said"
[ -f "/var/lib/guichet/$hash/pg/PG_VERSION" ] || fail "no cluster in /var/lib/guichet/$hash/pg"
grep -q "Comptes de démonstration" "$log" || fail "the demo sign-ins are not printed"
curl -fsS "http://127.0.0.1:$port/login" | grep -q 'name="password"' || fail "no sign-in page"
[ -e "$copy/target" ] && fail "cargo built into $copy/target"

echo "-- Ctrl-C stops the server and the cluster"
kill -INT -- "-$run_pid"
wait "$run_pid" 2>/dev/null || true
run_pid=""
[ -f "/var/lib/guichet/$hash/pg/postmaster.pid" ] && fail "the cluster still runs"
grep -q "PostgreSQL stopped." "$log" || fail "run.sh did not say it stopped PostgreSQL"
echo "run.sh as a newcomer: ok"
