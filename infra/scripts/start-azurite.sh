#!/usr/bin/env bash
# Starts a throw-away Azurite blob service for development and tests: 127.0.0.1 only, data under /tmp.
# Installs Azurite from npm into artifacts/azurite/ (beside the build output, git-ignored) when no azurite-blob is
# on the PATH. Idempotent: when something already answers on the port it only prints the connection string.
# Usage: start-azurite.sh [port] [data-directory]
#   port: default 10000 (or AZURITE_PORT_RECORDER); data directory: default /tmp/orleans-recorder-azurite-<port>.
#   A test that stops and restarts its own Azurite passes a free port and a directory of its own, so it never touches
#   the shared instance on 10000 that other tests and engineers use.
# The last line printed is the connection string of Azurite's well-known development account.
# --skipApiVersionCheck: Azure.Storage.Blobs 12.30.1 speaks an API version that Azurite 3.x rejects otherwise.
# Stop it with: kill "$(cat <data-directory>.pid)"   (log in <data-directory>.log)
set -euo pipefail

port="${1:-${AZURITE_PORT_RECORDER:-10000}}"
case "$port" in
  '' | *[!0-9]*) echo "start-azurite.sh: port must be a number, got '$port'" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="$root/artifacts/azurite"
data="${2:-/tmp/orleans-recorder-azurite-$port}"
data="${data%/}"
log="$data.log"
pidfile="$data.pid"
account="devstoreaccount1"
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
connection="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/$account;"

# Two test runs starting together must not both install or start: one waits for the other, then finds it up.
mkdir -p "$(dirname "$data")"
exec 9>"$data.lock"
flock -w 600 9 || { echo "start-azurite.sh: timed out waiting for another start-azurite.sh on port $port" >&2; exit 1; }

# Any HTTP answer means a blob service listens (Azurite answers 400 to a bare GET on the root).
answers() {
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/$account?comp=list" 2>/dev/null
}

if ! answers; then
  bin="$(command -v azurite-blob || true)"
  if [ -z "$bin" ] && [ -x "$prefix/node_modules/.bin/azurite-blob" ]; then
    bin="$prefix/node_modules/.bin/azurite-blob"
  fi
  if [ -z "$bin" ]; then
    # One install at a time whatever the port (the per-port lock above does not cover two ports starting together).
    mkdir -p "$root/artifacts"
    exec 8>"$root/artifacts/azurite.install.lock"
    flock -w 600 8 || { echo "start-azurite.sh: timed out waiting for another Azurite install" >&2; exit 1; }
  fi
  if [ -z "$bin" ] && [ -x "$prefix/node_modules/.bin/azurite-blob" ]; then
    bin="$prefix/node_modules/.bin/azurite-blob"
  fi
  if [ -z "$bin" ]; then
    command -v npm >/dev/null || { echo "start-azurite.sh: npm is needed to install Azurite (apt-get install npm)" >&2; exit 1; }
    echo "installing azurite into $prefix" >&2
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error azurite@3 >&2
    bin="$prefix/node_modules/.bin/azurite-blob"
    [ -x "$bin" ] || { echo "start-azurite.sh: npm install finished but $bin is missing" >&2; exit 1; }
  fi

  mkdir -p "$data"
  # The server must not inherit the lock descriptor (9>&-), or it would hold the lock for its whole life.
  nohup "$bin" --blobHost 127.0.0.1 --blobPort "$port" --skipApiVersionCheck --location "$data" --silent \
    >"$log" 2>&1 8>&- 9>&- </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 150); do
    answers && break
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "start-azurite.sh: azurite-blob exited; its log ($log):" >&2
      cat "$log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  answers || { echo "start-azurite.sh: azurite-blob not answering on 127.0.0.1:$port after 30 s; log ($log):" >&2; cat "$log" >&2 || true; exit 1; }
  echo "azurite-blob started on 127.0.0.1:$port (pid $(cat "$pidfile"), data $data)" >&2
else
  echo "a blob service already answers on 127.0.0.1:$port" >&2
fi

echo "$connection"
