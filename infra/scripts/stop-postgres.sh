#!/usr/bin/env bash
# Stops the throw-away PostgreSQL server of start-postgres.sh. Usage: stop-postgres.sh [port] [--purge]
# (default port 55432). --purge also deletes its data directory and log. Does nothing if it is not running.
set -euo pipefail

port="${PGPORT_RECORDER:-55432}"
purge=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    '' | *[!0-9]*) echo "stop-postgres.sh: unknown argument '$arg'" >&2; exit 2 ;;
    *) port="$arg" ;;
  esac
done
data="/tmp/orleans-recorder-pg-$port"
log="/tmp/orleans-recorder-pg-$port.log"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres -- "$@"
  fi
}

if [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop
else
  echo "no server running on port $port"
fi

if [ "$purge" -eq 1 ]; then
  $sudo rm -rf "$data" "$data.initdb.err" "$log"
  echo "removed $data"
fi
