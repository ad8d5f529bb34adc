#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for development and tests: 127.0.0.1 only, data under /tmp, a database
# "recorder" owned by the user recorder/recorder. Installs Debian's postgresql first if it is missing.
# Idempotent: when the server is already running it only prints the connection string.
# Usage: start-postgres.sh [port]   (default 55432; or PGPORT_RECORDER)
# The last line printed is the ADO.NET connection string, e.g.
#   Host=127.0.0.1;Port=55432;Database=recorder;Username=recorder;Password=recorder
# Needs root (CI and the development machines run as root) or sudo. Stop it with stop-postgres.sh [port].
set -euo pipefail

port="${1:-${PGPORT_RECORDER:-55432}}"
case "$port" in
  '' | *[!0-9]*) echo "start-postgres.sh: port must be a number, got '$port'" >&2; exit 2 ;;
esac
data="/tmp/orleans-recorder-pg-$port"
socket_dir="$data/run"
log="/tmp/orleans-recorder-pg-$port.log"
connection="Host=127.0.0.1;Port=$port;Database=recorder;Username=recorder;Password=recorder"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Two test runs starting together must not both run initdb: one waits for the other, then finds the server up.
exec 9>"/tmp/orleans-recorder-pg-$port.lock"
flock -w 600 9 || { echo "start-postgres.sh: timed out waiting for another start-postgres.sh on port $port" >&2; exit 1; }

# The binaries of the newest installed major version, e.g. /usr/lib/postgresql/15/bin.
find_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  fi
}

bin="$(find_bin)"
if [ -z "$bin" ]; then
  echo "installing postgresql" >&2
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2; then
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  fi
  bin="$(find_bin)"
  [ -n "$bin" ] || { echo "start-postgres.sh: postgresql installed but no initdb/pg_ctl found" >&2; exit 1; }
fi

# Runs a command as the postgres OS user (initdb and the server refuse to run as root).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres -- "$@"
  fi
}

psql_admin() {
  as_postgres "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" -U postgres -d postgres "$@"
}

if [ ! -f "$data/PG_VERSION" ]; then
  $sudo mkdir -p "$data"
  $sudo chown postgres:postgres "$data"
  $sudo chmod 700 "$data"
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >&2 2>"$data.initdb.err" \
    || { cat "$data.initdb.err" >&2; exit 1; }
fi
as_postgres mkdir -p "$socket_dir"

if ! as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  $sudo touch "$log"
  $sudo chown postgres:postgres "$log"
  # Throw-away server: no fsync, loopback only, enough connections for two silos and the tests. The server must
  # not inherit the lock descriptor (9>&-), or it would hold the lock for its whole life.
  if ! as_postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -k $socket_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 9>&-; then
    echo "start-postgres.sh: the server did not start; its log ($log):" >&2
    tail -n 50 "$log" >&2 || true
    exit 1
  fi
fi

# The user and database, created once. The test user may create databases (one per test class).
psql_admin <<'SQL'
SELECT 'CREATE ROLE recorder LOGIN CREATEDB PASSWORD ''recorder'''
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'recorder') \gexec
SELECT 'CREATE DATABASE recorder OWNER recorder'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'recorder') \gexec
SQL

echo "$connection"
