#!/usr/bin/env bash
# Soak (issue #5): CALLS concurrent recorded calls, renewed every CALL_SECONDS, for MINUTES minutes against one node
# (Opus, the default); samples the node's resident memory and heap every 30 s and prints the curve; at the end checks through
# the REST API that every call was recorded and none lost packets (the generator's --verify).
#   usage: infra/scripts/soak.sh [calls=50] [minutes=30] [call_seconds=60]   (env: RATE new calls/s per round, default 10;
#          FORMAT opus|wav, default opus; NODE_CPU, GEN_CPU: the CPUs the node and the generator are pinned to, 0 and 1,
#          as in capacity-per-core.sh, so a starved generator does not send its packets in late bursts)
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-50}; minutes=${2:-30}; call_seconds=${3:-60}
source infra/scripts/lib/bench.sh
bench_work soak
bench_build LoadGenerator
bench_licence soak $((calls * 2 + 20))
export Recorder__DataDirectory=$work/data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5980 \
       Recorder__Rtp__PortMin=40000 Recorder__Rtp__PortMax=49999 Recorder__Node__Name=soak \
       Recorder__License__File=$work/soak.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=soak Recorder__Recording__Format=${FORMAT:-opus} ASPNETCORE_URLS=http://127.0.0.1:8980 \
       Orleans__ClusterId=soak Orleans__Endpoints__SiloPort=11980 Orleans__Endpoints__GatewayPort=30980 \
       Logging__LogLevel__Default=Warning
bench_uncapped
taskset -c "${NODE_CPU:-0}" dotnet "$SILO_DLL" > "$work/node.log" 2>&1 &
node=$!
sampler=""
trap 'kill $node $sampler 2>/dev/null || true' EXIT
bench_ready 8980 || { echo "node not ready; see $work/node.log" >&2; exit 1; }

start=$(date +%s)
# Every 30 s: resident memory and the managed heap as found; every 5 minutes also the heap retained after a forced full
# collection (/api/diagnostics?collect=true), the figure that shows a leak (the working set keeps what the GC freed).
diag() { curl -s -H 'X-Api-Key: soak' "http://127.0.0.1:8980/api/diagnostics$1" | python3 -c '
import json, sys
d = json.load(sys.stdin); g = d.get("gc", {})
print(d["managedHeapBytes"] // 1024, (d.get("retainedHeapBytes") or 0) // 1024, g.get("gen2Collections", 0), round(g.get("pausedPercent", 0), 2))' 2>/dev/null || echo "- - - -"; }
echo "s rss_KiB managed_KiB retained_KiB gen2 gc_paused_%" > "$work/rss.txt"
( n=0; while kill -0 $node 2>/dev/null; do
    if [ $((n % 10)) -eq 0 ]; then q="?collect=true"; else q=""; fi
    echo "$(( $(date +%s) - start )) $(awk '/VmRSS/ {print $2}' /proc/$node/status) $(diag "$q")" >> "$work/rss.txt"
    n=$((n + 1)); sleep 30
  done ) &
sampler=$!

runs=$(( minutes * 60 / call_seconds )); failed=0
for run in $(seq 1 "$runs"); do
  taskset -c "${GEN_CPU:-1}" dotnet "$LOADGEN_DLL" 127.0.0.1:5980 --calls "$calls" \
      --duration "$call_seconds" --rate "${RATE:-10}" --time-limit $((call_seconds + 300)) --verify-timeout 240 --bye-delay-ms 200 \
      --verify http://127.0.0.1:8980 --api-key soak --no-verify-audio > "$work/run-$run.txt" 2>&1 || failed=$((failed + 1))
  echo "run $run/$runs: $(grep -iE 'verified|recorded|lost' "$work/run-$run.txt" | tr '\n' ' ' | cut -c1-200)"
done
total=$(curl -s -H 'X-Api-Key: soak' 'http://127.0.0.1:8980/api/recordings?pageSize=1' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "runs: $runs, failed verifications: $failed, recordings in the catalog: $total of $((runs * calls))"
echo "memory (retained_KiB every 5 minutes, 0 between):"; cat "$work/rss.txt"
