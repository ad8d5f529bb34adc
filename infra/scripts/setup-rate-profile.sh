#!/usr/bin/env bash
# Where a call's CPU goes (issue #5, set-up rate): one recorder node pinned to CPU 0, tools/LoadGenerator on CPU 1,
# loopback only. WARM rounds of RATE x SECONDS calls (one second long, or CALL_SECONDS) warm the JIT; the script
# waits until the node has listed every recording of them (its finalizations done), then runs one measured round of the same:
# prints the generator's INVITE->200 latency and the recorder's CPU per call, and the node's garbage-collector figures
# over the measured round (/api/diagnostics before and after). With PERF=1 the measured round is also recorded with
# perf (cpu-clock, call graphs, JIT symbols from the perf map) and the CPU share per thread and per library is printed;
# perf.data stays in the work directory for `perf report`.
# A node's JIT goes on tiering up for several rounds (it prints the methods compiled after each): WARM=3 measures a node
# that has taken calls for a few minutes, WARM=1 mostly its start-up (PERFORMANCE.md, "The call capacity"). The node
# runs with the default call capacity (500 per processor) unless NODE_ENV sets Recorder__Sip__CallCapacity.
#   usage: infra/scripts/setup-rate-profile.sh [rate=100] [seconds=10]
#          env: WARM (rounds, default 1), FORMAT (wav|opus, default wav), DATA (the node's data directory, default under
#               the work directory: put it on another filesystem to compare, e.g. /dev/shm/x), PERF=1, NODE_ENV (extra
#               variables for the node, e.g. "DOTNET_TieredPGO=0"), PERF_SECONDS (how long perf records from the
#               round's start; default the whole round), CALL_SECONDS (how long each call lasts, default
#               1: every call's whole life, finalization included, falls in the round; longer than SECONDS, e.g. 15,
#               and the round is a burst of set-ups with every call still up, its finalizations after it), WIRE=1
#               (captures the measured round's SIP on loopback with dumpcap on CPU 1 and prints INVITE->200 as the wire
#               saw it: kernel timestamps, so the generator's own delays in reading the 200 are not in it)
# Bounded: WARM + 1 generator runs, each with --time-limit 120; the node is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-100}; secs=${2:-10}
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (recorder on 0, generator on 1)" >&2; exit 2; }
source infra/scripts/lib/bench.sh
bench_work setup-rate
data=${DATA:-$work/data}
echo "data directory: $data"
bench_build LoadGenerator
bench_licence setup-rate 5000
export Recorder__DataDirectory=$data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5973 \
       Recorder__Rtp__PortMin=40000 Recorder__Rtp__PortMax=49999 Recorder__Node__Name=setup-rate \
       Recorder__License__File=$work/setup-rate.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=setup-rate Recorder__Recording__Format=${FORMAT:-wav} ASPNETCORE_URLS=http://127.0.0.1:8973 \
       Orleans__ClusterId=setup-rate Orleans__Endpoints__SiloPort=11973 Orleans__Endpoints__GatewayPort=30973 \
       Logging__LogLevel__Default=Warning
bench_perf_env
env "${perf_env[@]}" ${NODE_ENV:-} taskset -c 0 dotnet "$SILO_DLL" > "$work/node.log" 2>&1 &
node=$!
trap 'kill $node ${capture:-} 2>/dev/null || true' EXIT
bench_ready 8973 || { echo "node not ready; see $work/node.log" >&2; exit 1; }
gen() { taskset -c 1 dotnet "$LOADGEN_DLL" 127.0.0.1:5973 \
          --calls $((rate * secs)) --duration "${CALL_SECONDS:-1}" --rate "$rate" --time-limit 120 "$@"; }
diag() { curl -s -H 'X-Api-Key: setup-rate' http://127.0.0.1:8973/api/diagnostics; }
listed() { curl -s -H 'X-Api-Key: setup-rate' 'http://127.0.0.1:8973/api/recordings?pageSize=1' | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])'; }
# Until the node lists as many recordings as the rounds so far had calls answered (every finalization done), at most
# 300 s. (Not "until the count stops moving": a node busy finalizing can leave it still for seconds.)
settle() {
  local want=0 now=0 f
  for f in "$work"/warm-*.txt; do want=$((want + $(grep -oE 'answered [0-9]+' "$f" | grep -oE '[0-9]+' || echo 0))); done
  for _ in $(seq 1 300); do
    now=$(listed 2>/dev/null || echo 0)
    [ "$now" -ge "$want" ] && break
    sleep 1
  done
  echo "recordings listed before the measured round: $now of $want"
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "filesystem of the data directory: $(df -T "$(dirname "$data")" | awk 'NR == 2 {print $2}')"
echo "calls of ${CALL_SECONDS:-1} s"
jit() { diag | python3 -c 'import json, sys; j = json.load(sys.stdin)["jit"]; print(j["methodsCompiled"], round(j["compilationMilliseconds"]))'; }
for w in $(seq 1 "${WARM:-1}"); do
  gen > "$work/warm-$w.txt" 2>&1 || true
  settle
  # The JIT's tiering goes on for as long as new code runs hot: how much of it each warm-up round still had.
  read -r methods ms <<< "$(jit)"
  echo "after warm-up round $w: $methods methods compiled since start, $ms ms of JIT"
done
diag > "$work/diag-before.json"
if [ "${WIRE:-0}" = 1 ]; then
  taskset -c 1 dumpcap -q -i lo -f "udp port 5973" -B 64 -w "$work/sip.pcapng" >/dev/null 2>&1 &
  capture=$!
  sleep 2
fi
gen --measure-pid "$node" --clk-tck "$(getconf CLK_TCK)" > "$work/run.txt" 2>&1 &
g=$!
if [ "${PERF:-0}" = 1 ]; then
  perf record -F 999 -e cpu-clock -g -p "$node" -o "$work/perf.data" -- sleep "${PERF_SECONDS:-$((secs + ${CALL_SECONDS:-1} + 2))}" >/dev/null 2>&1 || true
fi
wait $g || true
diag > "$work/diag-after.json"
if [ "${WIRE:-0}" = 1 ]; then
  kill -INT "$capture" 2>/dev/null || true; wait "$capture" 2>/dev/null || true
  tshark -r "$work/sip.pcapng" -Y sip -T fields -E separator=/t -e frame.time_epoch -e sip.Call-ID -e sip.Method \
    -e sip.Status-Code -e sip.CSeq.method > "$work/sip.tsv" 2>/dev/null || true
  python3 - "$work/sip.tsv" <<'EOF'
import sys
invite, answered, copies = {}, {}, 0
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 5:
        continue
    t, call, method, status, cseq = float(f[0]), f[1], f[2], f[3], f[4]
    if method == "INVITE":
        copies += call in invite
        invite.setdefault(call, t)
    elif status and cseq == "INVITE" and int(status) >= 200 and call in invite:
        answered.setdefault(call, (int(status), (t - invite[call]) * 1000))
lat = sorted(ms for _, ms in answered.values())
pick = lambda lat, q: lat[min(len(lat) - 1, int(q * len(lat)))]
if lat:
    print(f"INVITE->final on the wire: {len(lat)} of {len(invite)} INVITEs, p50 {pick(lat, 0.5):.2f} ms, p99 {pick(lat, 0.99):.2f} ms, "
          f"max {lat[-1]:.2f} ms; {copies} INVITE retransmissions")
    # Per final answer: the calls taken (200) apart from those sent to the backup (503, e.g. over the call capacity).
    for code in sorted({code for code, _ in answered.values()}):
        of = sorted(ms for c, ms in answered.values() if c == code)
        print(f"  answered {code}: {len(of)} INVITEs, p50 {pick(of, 0.5):.2f} ms, p99 {pick(of, 0.99):.2f} ms, max {of[-1]:.2f} ms")
else:
    print("INVITE->final on the wire: nothing captured")
EOF
fi
grep -E "placed|latency|whole run" "$work/run.txt" | sed 's/; rss before.*//'
# Per call placed (a refused call's 503 costs little; with every call answered the two are the same).
awk -v calls=$((rate * secs)) '/whole run/ {for (i = 1; i <= NF; i++) if ($i == "cpu-s") {printf "recorder CPU per call placed: %.1f ms\n", 1000 * $(i - 1) / calls; exit}}' "$work/run.txt"
python3 - "$work/diag-before.json" "$work/diag-after.json" "$((rate * secs))" <<'EOF'
import json, sys
diag_before, diag_after = (json.load(open(p)) for p in sys.argv[1:3])
before, after = diag_before["gc"], diag_after["gc"]
calls = int(sys.argv[3])
jit_before, jit_after = diag_before["jit"], diag_after["jit"]
print(f"JIT over the measured round: {jit_after['methodsCompiled'] - jit_before['methodsCompiled']} methods, "
      f"{jit_after['compilationMilliseconds'] - jit_before['compilationMilliseconds']:.0f} ms")
print(f"GC over the measured round: {after['gen0Collections'] - before['gen0Collections']} gen0, "
      f"{after['gen1Collections'] - before['gen1Collections']} gen1, {after['gen2Collections'] - before['gen2Collections']} gen2, "
      f"{after['pausedMilliseconds'] - before['pausedMilliseconds']:.0f} ms paused, "
      f"{(after['allocatedBytes'] - before['allocatedBytes']) / calls / 1024:.0f} KiB allocated per call "
      f"({'server' if after['server'] else 'workstation'} GC)")
stalls = diag_after.get("stalls")
if stalls:
    print(f"longest in the last minute: GC pause {stalls['gcPause']['maxMilliseconds']:.0f} ms, "
          f"thread-pool wait {stalls['threadPoolQueueDelay']['maxMilliseconds']:.0f} ms, "
          f"timer lateness {stalls['timerLateness']['maxMilliseconds']:.0f} ms; "
          f"background collections the node started itself: {after.get('keepAliveCollections')}")
EOF
if [ "${PERF:-0}" = 1 ]; then
  echo "CPU by thread:"; perf report -i "$work/perf.data" --no-children --sort comm -q -g none 2>/dev/null | head -8
  echo "CPU by library:"; perf report -i "$work/perf.data" --no-children --sort dso -q -g none 2>/dev/null | head -8
fi
