#!/usr/bin/env bash
# What a catch-up pass costs a node that has nothing to copy (issue #4/#5): one recorder node with the shared store
# (an Azurite of its own on 127.0.0.1:10110 with its data in the work directory: Azurite keeps every blob's metadata in
# one in-memory database it saves whole, and grows slower with every blob a shared instance already holds) records N one-second calls (tools/LoadGenerator, 100 calls/s, WAV), waits until every
# recording is in the shared store, then is restarted twice on the same data and measured idle for WINDOW seconds
# each time: once with Recorder__Replication__FullReconcileInterval=30 s (a pass over the whole catalog every 30 s:
# what every node did before passes became owed), once with the default (a pass only when something failed, and
# hourly). Prints the passes seen in each window with their duration, and the CPU seconds the node and Azurite used.
# Also prints how long the live copies to the shared store took to catch up after the last call (recordings/s).
#   usage: infra/scripts/catchup-pass-cost.sh [recordings=10000] [window-seconds=120]
#          env: LIVE (Recorder__Replication__LiveConcurrency while recording; default the node's), WINDOWS=0 (skip the
#               idle windows: only the recording phase and the shared store's catch-up)
# Bounded: one generator run (--time-limit), two windows; nodes stopped on exit; loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}; window=${2:-120}
source infra/scripts/lib/bench.sh
bench_work pass-cost
bash infra/scripts/install-test-deps.sh >/dev/null
shared=$(bash infra/scripts/start-azurite.sh 10110 "$work/azurite" | tail -n 1)
azurite=$(cat "$work/azurite.pid")
bench_build LoadGenerator
bench_licence pass-cost 5000
export Recorder__DataDirectory=$work/data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5974 \
       Recorder__Rtp__PortMin=40000 Recorder__Rtp__PortMax=49999 Recorder__Node__Name=pass-cost \
       Recorder__License__File=$work/pass-cost.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=pass-cost Recorder__Recording__Format=wav ASPNETCORE_URLS=http://127.0.0.1:8974 \
       Recorder__SharedStore__ConnectionString="$shared" Recorder__SharedStore__Container="passcost$(date +%s)" \
       Orleans__ClusterId=pass-cost Orleans__Endpoints__SiloPort=11974 Orleans__Endpoints__GatewayPort=30974 \
       Logging__LogLevel__Default=Warning \
       Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true
node=""
trap '[ -n "$node" ] && kill $node 2>/dev/null; kill $azurite 2>/dev/null || true' EXIT
start_node() { # log-name [extra VAR=value ...]
  local name=$1; shift
  # (env, not export: a configuration key with dots is not a shell identifier)
  env Logging__LogLevel__OrleansRecorder.Silo.Storage=Information "$@" dotnet "$SILO_DLL" > "$work/$name.log" 2>&1 &
  node=$!
  bench_ready 8974 120 || { echo "node not ready; see $work/$name.log" >&2; exit 1; }
}
stop_node() { kill -TERM "$node"; wait "$node" 2>/dev/null || true; node=""; }
backlog() { curl -s -H 'X-Api-Key: pass-cost' http://127.0.0.1:8974/api/cluster | python3 -c 'import json,sys; print(sum(n.get("replicationBacklog", 0) for n in json.load(sys.stdin)["nodes"]))'; }
passes() { grep -c "Catch-up pass (" "$work/$1.log" || true; }

start_node record ${LIVE:+Recorder__Replication__LiveConcurrency=$LIVE}
gen_start=$(date +%s.%N)
dotnet "$LOADGEN_DLL" 127.0.0.1:5974 --calls "$n" --duration 1 \
  --rate 100 --time-limit $((n / 100 + 120)) > "$work/generator.txt" 2>&1 || true
grep -E "placed" "$work/generator.txt" || true
last_call=$(date +%s.%N)
for _ in $(seq 1 3600); do [ "$(backlog)" = 0 ] && break; sleep 0.5; done
drained=$(date +%s.%N)
copies=$(grep -c "copied to shared (live" "$work/record.log" || true)
awk -v s="$gen_start" -v a="$last_call" -v b="$drained" -v c="$copies" -v l="${LIVE:-default}" \
  'BEGIN {printf "live concurrency %s: %d live uploads to the shared store; calls placed for %.0f s; every upload done %.0f s after the last call (%.1f uploads/s over the whole run)\n", l, c, a - s, b - a, c / (b - s)}'
total=$(curl -s -H 'X-Api-Key: pass-cost' "http://127.0.0.1:8974/api/recordings?pageSize=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "recordings in the catalog: $total; replication backlog: $(backlog)"
stop_node

measure() { # label [extra VAR=value ...]
  local label=$1; shift
  start_node "$label" "$@"
  # The start pass (with nothing to copy) first; then the idle window.
  for _ in $(seq 1 600); do [ "$(passes "$label")" -ge 1 ] && break; sleep 0.5; done
  sleep 2
  local before_n before_a seen
  before_n=$(bench_cpu_seconds "$node"); before_a=$(bench_cpu_seconds "$azurite"); seen=$(passes "$label")
  sleep "$window"
  echo "$label: node $(awk -v a="$before_n" -v b="$(bench_cpu_seconds "$node")" 'BEGIN {printf "%.2f", b - a}') CPU-s, azurite $(awk -v a="$before_a" -v b="$(bench_cpu_seconds "$azurite")" 'BEGIN {printf "%.2f", b - a}') CPU-s in ${window} s idle; $(( $(passes "$label") - seen )) passes in the window"
  grep -o "Catch-up pass (.*" "$work/$label.log" | sed 's/^/  /'
  stop_node
}
[ "${WINDOWS:-1}" = 0 ] && exit 0
measure every-30s Recorder__Replication__FullReconcileInterval=00:00:30
measure owed-only
