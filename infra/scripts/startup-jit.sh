#!/usr/bin/env bash
# Start-up cost of a node, built plainly (Release) and published ReadyToRun: time from process start to
# /health/ready, CPU seconds used by then, and what the JIT compiled by then (GET /api/diagnostics: jit). Empty data
# directory, SQLite, no peers, loopback. Each kind is started ROUNDS times, alternately.
#   usage: infra/scripts/startup-jit.sh [rounds=3]
# Bounded: ROUNDS x 2 starts, each waited for at most 60 s and then stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
source infra/scripts/lib/bench.sh
bench_work startup
dotnet build src/Silo -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet publish src/Silo -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/r2r" \
  -nologo -clp:ErrorsOnly >/dev/null
start() { # label dll
  rm -rf "$work/data"
  local t0 pid
  t0=$(date +%s.%N)
  env Recorder__DataDirectory="$work/data" Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5996 \
      ASPNETCORE_URLS=http://127.0.0.1:8996 Orleans__ClusterId=startup Orleans__Endpoints__SiloPort=11996 \
      Orleans__Endpoints__GatewayPort=30996 Recorder__Rtp__PortMin=45000 Recorder__Rtp__PortMax=45099 \
      Recorder__Auth__AdminApiKey=startup Logging__LogLevel__Default=Warning dotnet "$2" > "$work/$1.log" 2>&1 &
  pid=$!
  bench_ready 8996 || { echo "node not ready; see $work/$1.log" >&2; kill "$pid"; exit 1; }
  local ready cpu jit
  ready=$(echo "$(date +%s.%N) - $t0" | bc)
  cpu=$(bench_cpu_seconds "$pid")
  jit=$(curl -s -H 'X-Api-Key: startup' http://127.0.0.1:8996/api/diagnostics |
        python3 -c 'import json,sys; j=json.load(sys.stdin)["jit"]; print(j["methodsCompiled"], "methods,", round(j["compilationMilliseconds"]), "ms")')
  printf '%-11s ready after %.2f s, %s CPU-s, JIT by then: %s\n' "$1" "$ready" "$cpu" "$jit"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq 1 "$rounds"); do
  start plain "$SILO_DLL"
  start readytorun "$work/r2r/OrleansRecorder.Silo.dll"
done
