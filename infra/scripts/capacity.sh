#!/usr/bin/env bash
# First capacity figure (issue #2): N concurrent CUCM-like recorded calls (2 RTP legs each, 20 ms PCMU from sipp)
# for D seconds against one recorder node on loopback; prints packets received/lost from the manifests and the
# recorder's CPU seconds per recorded call-hour. Bounded: sipp's -m and -timeout, then the node is stopped.
#   usage: infra/scripts/capacity.sh [calls=50] [seconds=60]
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-50}
seconds=${2:-60}
source infra/scripts/lib/bench.sh
bench_work capacity
bash infra/scripts/install-test-deps.sh >/dev/null
bench_build
# The evaluation licence allows 4 channels: issue a signed one for this test node.
bench_licence capacity $((calls + 10))

export Recorder__DataDirectory=$work/data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5960 \
       Recorder__Rtp__PortMin=40000 Recorder__Rtp__PortMax=44999 Recorder__Node__Name=capacity Recorder__License__File=$work/capacity.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=capacity ASPNETCORE_URLS=http://127.0.0.1:8960 Orleans__ClusterId=capacity \
       Orleans__Endpoints__SiloPort=11960 Orleans__Endpoints__GatewayPort=30960 Logging__LogLevel__Default=Warning
bench_uncapped
dotnet "$SILO_DLL" > "$work/node.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null || true' EXIT
bench_ready 8960 || { echo "node not ready; see $work/node.log" >&2; exit 1; }

# A tone of the call's length, one file per leg, each leg in its own sipp with its own media port base.
bench_tones "$seconds"
for leg in near far; do
  { echo SEQUENTIAL; for i in $(seq 1 "$calls"); do echo "${leg}end;$((70000000 + i));SEPNEAR$i;2$(printf %05d $i);$((80000000 + i));SEPFAR$i;3$(printf %05d $i);Capacity;7878"; done; } > "$work/$leg/legs.csv"
done
cpu() { awk '{print $14 + $15}' /proc/$node/stat; }
ticks=$(getconf CLK_TCK)
cpu0=$(cpu)
start=$(date +%s.%N)
(cd "$work/near" && sipp -sf "$OLDPWD/infra/sipp/cucm_leg.xml" -inf legs.csv -i 127.0.0.1 -mp 50000 -m "$calls" -l "$calls" -r 50 \
   -d $((seconds * 1000 + 500)) -timeout $((seconds + 60))s -nostdin 127.0.0.1:5960 > sipp.out 2>&1) &
(cd "$work/far" && sipp -sf "$OLDPWD/infra/sipp/cucm_leg.xml" -inf legs.csv -i 127.0.0.1 -mp 52000 -m "$calls" -l "$calls" -r 50 \
   -d $((seconds * 1000 + 500)) -timeout $((seconds + 60))s -nostdin 127.0.0.1:5960 > sipp.out 2>&1) &
wait %2 %3 || true
for _ in $(seq 1 60); do
  total=$(curl -s -H 'X-Api-Key: capacity' 'http://127.0.0.1:8960/api/recordings?pageSize=1' | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  [ "$total" -ge "$calls" ] && break; sleep 1
done
cpu1=$(cpu)
end=$(date +%s.%N)
rss=$(awk '/VmHWM/ {print $2}' /proc/$node/status)
curl -s -H 'X-Api-Key: capacity' 'http://127.0.0.1:8960/api/recordings?pageSize=500' > "$work/list.json"
python3 - "$work/list.json" "$cpu0" "$cpu1" "$ticks" "$calls" "$seconds" "$start" "$end" "$rss" <<'PY'
import json, sys, urllib.request
items = json.load(open(sys.argv[1]))["items"]
cpu0, cpu1, ticks, calls, seconds = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
wall = float(sys.argv[8]) - float(sys.argv[7])
received = lost = 0; complete = 0; durations = []
for it in items:
    req = urllib.request.Request(f"http://127.0.0.1:8960/api/recordings/{it['id']}", headers={"X-Api-Key": "capacity"})
    m = json.load(urllib.request.urlopen(req))["manifest"]
    for side in ("nearEnd", "farEnd"):
        st = (m[side] or {}).get("stats") or {}
        received += st.get("packetsReceived", 0); lost += st.get("packetsLost", 0)
    complete += it["status"] == "complete"; durations.append(it["durationSeconds"])
cpu_s = (cpu1 - cpu0) / ticks
call_hours = sum(durations) / 3600
print(f"calls offered: {calls} x {seconds:.0f} s, recordings: {len(items)} ({complete} complete), wall {wall:.1f} s")
print(f"rtp packets received: {received}, lost: {lost} ({(100.0 * lost / max(1, received + lost)):.3f} %)")
print(f"recorder cpu: {cpu_s:.2f} s for {call_hours:.3f} recorded call-hours = {cpu_s / max(call_hours, 1e-9):.1f} cpu-s per call-hour")
print(f"recorder peak rss: {int(sys.argv[9]) / 1024:.0f} MiB")
PY
