#!/usr/bin/env bash
# Capacity per core (issue: >= 500 concurrent recorded calls per core with no packet lost, >= 300 new calls/s).
# One recorder node pinned to CPU 0 (taskset -c 0), tools/LoadGenerator pinned to CPU 1, loopback only.
#   1. ramp: concurrent calls STEPS (default 50 100 200 400 800 1600), each streaming STEP_SECONDS (default 30 s) of
#      20 ms PCMU per leg, calls started at RAMP_RATE/s; stops after the first step that loses or misses a packet, fails
#      a call, or takes >= 95 % of the recorder's core. Per step: packets sent/received/lost (from the manifests
#      through the REST API), recorder CPU % of its core and CPU-s per call-hour (steady state, and the whole step
#      including set-up and finalization), RSS and RSS per active call.
#   2. set-up rate: RATES (default 100 200 300 400) new calls per second, 1 s calls, RATE_SECONDS (default 5) of
#      arrivals each: answered/failed, INVITE->200 p50/p99.
#   3. baseline: the largest clean ramp step's packets sent by the same generator (--rtp-only) to udp-sink (recvmmsg,
#      cc -O2) pinned to CPU 0, with the recorder stopped: CPU per packet of the recorder as a multiple of the sink's.
# Bounded: fixed lists of steps and rates, every generator run has --time-limit, the node is stopped on exit.
#   The ramp's calls wait BYE_DELAY_MS (default 200) after their last packet before the BYE, so the capacity figure is
#   not mixed with the BYE race (a BYE right behind the last packets loses the packets the recorder has not read yet);
#   a separate short run with no delay measures that race.
#   SRTP=AES_CM_128_HMAC_SHA1_80 (or _32): each ramp step runs twice, plain RTP then SRTP (rows "N" and "N srtp"), so
#      the SRTP figure sits beside plain RTP in the same run; the SRTP legs make an early offer RTP/SAVP with their own
#      key (the generator protects every packet; over UDP the node is started with AllowSrtpOverInsecureTransport, which
#      leaves the plain calls' delayed offers as they were). The ramp stops at the first step where either is not clean.
#   RENEW_SECONDS=T: each step is sustained for T s (e.g. 600) by renewing calls: STEP calls of STEP_SECONDS each
#      start at STEP / STEP_SECONDS per second for T s, so about STEP calls stream at any time while calls end and new
#      ones are set up; the steady columns then cover every part of a call's life (set-up, receiving, encoding,
#      indexing) in a sustained state, from when 95 % of the step's legs first stream to when they last do.
#   TURNS=S: the parties take turns of S seconds (a conversation: the listener sends digital silence, which the Opus
#      silence gate does not encode); default 0, both tones all the time (the encoder's worst case).
#   usage: infra/scripts/capacity-per-core.sh  (env: STEPS, TURNS, SRTP, STEP_SECONDS, RAMP_RATE, RATES, RATE_SECONDS, FORMAT, BYE_DELAY_MS,
#          WARMUP_CALLS, WARMUP_SECONDS, NODE_ENV: extra variables for the node, e.g. "Recorder__Rtp__BatchedReceive=false")
#   PERF=1: each ramp step is also profiled with perf (cpu-clock, call graphs, JIT symbols from the perf map) for
#      PERF_SECONDS (default 30) from the middle of its streaming, when every call streams and none has ended; the CPU
#      share per thread is printed under the step's row and perf-STEP.data stays in the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${STEPS:-50 100 200 400 800 1600}
step_seconds=${STEP_SECONDS:-30}
ramp_rate=${RAMP_RATE:-100}
rates=${RATES:-100 200 300 400}
rate_seconds=${RATE_SECONDS:-5}
bye_delay=${BYE_DELAY_MS:-200}
srtp=${SRTP:-}
renew=${RENEW_SECONDS:-0}       # 0: a burst per step (every call starts within STEP / RAMP_RATE s, all end together)
turns=${TURNS:-0}              # seconds per turn of a conversation (tools/LoadGenerator --turns); 0: both tones all the time
format=${FORMAT:-opus}          # the shipped default (src/Silo/appsettings.json); FORMAT=wav for the WAV path
max_calls=0; for c in $steps; do [ "$c" -gt "$max_calls" ] && max_calls=$c; done
max_rate=0; for r in $rates; do [ "$r" -gt "$max_rate" ] && max_rate=$r; done
[ "$max_calls" -le 4000 ] || { echo "steps above 4000 calls exceed the RTP port range" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (recorder on 0, generator on 1)" >&2; exit 2; }
source infra/scripts/lib/bench.sh
bench_work capacity-core
bench_build LoadGenerator
cc -O2 -Wall -o "$work/udp-sink" infra/scripts/udp-sink.c
gen() { taskset -c 1 dotnet "$LOADGEN_DLL" "$@"; }
bench_licence capacity-core $(( max_calls > 3 * max_rate ? max_calls + 100 : 3 * max_rate + 100 ))

export Recorder__DataDirectory=$work/data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5970 \
       Recorder__Rtp__PortMin=40000 Recorder__Rtp__PortMax=49999 Recorder__Node__Name=capacity-core \
       Recorder__License__File=$work/capacity-core.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=capacity Recorder__Recording__Format=$format ASPNETCORE_URLS=http://127.0.0.1:8970 \
       Orleans__ClusterId=capacity-core Orleans__Endpoints__SiloPort=11970 Orleans__Endpoints__GatewayPort=30970 \
       Logging__LogLevel__Default=Warning
bench_uncapped
[ -z "$srtp" ] || export Recorder__Sip__AllowSrtpOverInsecureTransport=true
bench_perf_env; perf_seconds=${PERF_SECONDS:-30}
env "${perf_env[@]}" ${NODE_ENV:-} taskset -c 0 dotnet "$SILO_DLL" > "$work/node.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null || true' EXIT
bench_ready 8970 || { echo "node not ready; see $work/node.log" >&2; exit 1; }
clk=$(getconf CLK_TCK)
common=(127.0.0.1:5970 --measure-pid "$node" --clk-tck "$clk" --verify http://127.0.0.1:8970 --api-key capacity --no-verify-audio --turns "$turns")

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$renew" = 0 ] || echo "each step sustained for $renew s: calls renewed as they end"
echo "recorder pid $node on CPU 0, format $format, $( [ "$turns" = 0 ] && echo "both parties' tones all the time" || echo "parties taking turns of $turns s (the other sends digital silence)"); generator on CPU 1; ${step_seconds} s per step, calls started at ${ramp_rate}/s${srtp:+; each step also with SRTP $srtp}"
cpu0() { awk '/^cpu0 /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }   # busy, total ticks of CPU 0
node_ticks() { awk '{print $14 + $15}' /proc/$node/stat; }
# Warm-up (JIT, pools): not reported. Long enough for tiered compilation to settle: a fresh node still JITs (tier-1
# and PGO-instrumented versions of the hot paths) for tens of seconds, which a short warm-up left inside the first step's
# "steady" CPU (measured: 30-38 % of the core at 200 calls with a 3 s warm-up, 21 % with tiering off).
warmup_calls=${WARMUP_CALLS:-100}; warmup_seconds=${WARMUP_SECONDS:-40}
gen "${common[@]}" --calls "$warmup_calls" --duration "$warmup_seconds" --rate "$ramp_rate" --time-limit $(( warmup_seconds + 120 )) \
    --summary "$work/warmup.json" > "$work/warmup.out" 2>&1 || true

# The warm-up's calls leave ~10-15 s of work behind them after their recordings are listed (measured: 42 % then 18 %
# of the core in the first two 5 s windows, then 2-3 %: tier-1 JIT of what the finalizations ran, the last indexing
# and stats), which landed in the first step's "steady" figure. Wait (at most 60 s) for a quiet 5 s window.
for settle in $(seq 1 12); do
  t0=$(node_ticks); sleep 5; t1=$(node_ticks)
  idle=$(( (t1 - t0) * 100 / (5 * clk) ))
  [ "$idle" -lt 5 ] && break
done
echo "recorder idle (no calls): $idle % of CPU 0 (5 s window, $(( settle * 5 )) s after the warm-up)"
report() { # summary.json label cpu0-before cpu0-after -> one table row
  python3 - "$1" "$2" "$3" "$4" "$clk" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); m = s.get("measured") or {}; v = s.get("verify") or {}
b0, t0 = map(int, sys.argv[3].split()); b1, t1 = map(int, sys.argv[4].split()); clk = int(sys.argv[5])
others = max(0.0, 100.0 * ((b1 - b0) - m.get("totalCpuSeconds", 0) * clk) / max(1, t1 - t0))
sent = s["rtpPacketsSent"]; rec = v.get("packetsReceived", 0); lost = v.get("packetsLost", 0)
print(f"| {sys.argv[2]} | {s['callsAnswered']}/{s['callsPlaced']} | {sent} | {rec} | {sent - rec} | {lost} | "
      f"{m.get('steadyCpuPercent', 0):.0f} % | {m.get('steadyCpuSecondsPerCallHour', 0):.1f} | {m.get('totalCpuSecondsPerCallHour', 0):.1f} | "
      f"{m.get('cpuMicrosecondsPerPacket', 0):.1f} | {m.get('rssSteadyKilobytes', 0) / 1024:.0f} | {m.get('rssPerCallKilobytes', 0):.0f} | "
      f"{others:.0f} % | {s['sendLateTicks']}/{s['ticks']}, worst {s['maxTickLateMs']:.0f} ms | {'PASS' if v.get('passed') else 'FAIL'} |")
PY
}
clean() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); v=s.get("verify") or {}; m=s.get("measured") or {}
ok = s["callsFailed"] == 0 and s["callsAnswered"] == s["callsPlaced"] and v.get("packetsReceived") == s["rtpPacketsSent"] and v.get("packetsLost") == 0 and m.get("steadyCpuPercent", 100) < 95
sys.exit(0 if ok else 1)' "$1"; }

echo
echo "## ramp"
echo "| concurrent calls | answered | packets sent | received | not received | lost (gaps, manifest) | recorder CPU (steady) | CPU-s per call-hour (steady) | CPU-s per call-hour (whole step) | CPU µs per packet | RSS MiB | RSS KiB per call | others on CPU 0 | generator late ticks (> 5 ms) | verify |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
best=0
best_srtp=0
for calls in $steps; do
  step_clean=1
  for mode in plain ${srtp:+srtp}; do
    name=$calls; extra=()
    [ "$mode" = plain ] || { name="$calls-srtp"; extra=(--srtp "$srtp"); }
    c0=$(cpu0)
    # Opus finalization runs behind the calls (bounded slots): give the listing time for every encoding to finish.
    placed=$calls; rate=$ramp_rate; span=$(( calls / ramp_rate ))
    if [ "$renew" -gt 0 ]; then   # renewed: STEP calls up at once for RENEW_SECONDS
      placed=$(( calls * renew / step_seconds )); rate=$(python3 -c "print($calls / $step_seconds)"); span=$renew
    fi
    profiler=""
    if [ "${PERF:-0}" = 1 ]; then   # from the middle of the streaming: all calls up, none ended
      ( sleep $(( span + (step_seconds - perf_seconds) / 2 )); perf record -F 999 -e cpu-clock -g -p "$node" \
          -o "$work/perf-$name.data" -- sleep "$perf_seconds" > /dev/null 2>&1 ) &
      profiler=$!
    fi
    gen "${common[@]}" "${extra[@]}" --calls "$placed" --duration "$step_seconds" --rate "$rate" --bye-delay-ms "$bye_delay" \
        --verify-timeout $(( 90 + calls * step_seconds / 60 )) \
        --time-limit $(( span + step_seconds + 120 + calls * step_seconds / 60 )) --summary "$work/step-$name.json" > "$work/step-$name.out" 2>&1 || true
    report "$work/step-$name.json" "${name/-srtp/ srtp}" "$c0" "$(cpu0)"
    if [ -n "$profiler" ]; then
      wait "$profiler" || true
      perf report -i "$work/perf-$name.data" --no-children --sort comm -q -g none 2>/dev/null | head -8 | sed "s/^/  perf $name: /"
    fi
    if clean "$work/step-$name.json"; then
      [ "$mode" = plain ] && best=$calls || best_srtp=$calls
    else
      step_clean=0
    fi
  done
  [ "$step_clean" = 1 ] || break
done
echo "largest clean step: $best concurrent calls${srtp:+, with SRTP $srtp: $best_srtp} (details: $work/step-*.out)"

echo
echo "## BYE right after the last RTP packet (no delay), 50 calls x 10 s"
gen "${common[@]}" --calls 50 --duration 10 --rate "$ramp_rate" --time-limit 120 --summary "$work/bye-race.json" > "$work/bye-race.out" 2>&1 || true
python3 - "$work/bye-race.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); v = s.get("verify") or {}
print(f"packets sent {s['rtpPacketsSent']}, received {v.get('packetsReceived')}, lost (gaps) {v.get('packetsLost')}, "
      f"not received {s['rtpPacketsSent'] - v.get('packetsReceived', 0)}; calls with a problem: "
      f"{len({p.split(':')[0] for p in v.get('problems', [])})} of {s['callsAnswered']}")
PY

echo
echo "## set-up rate (1 s calls, ${rate_seconds} s of arrivals per rate)"
echo "| new calls/s | placed | answered | failed | INVITE→200 p50 ms | p99 ms | max ms | recorder CPU-s per call |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for rate in $rates; do
  gen "${common[@]}" --calls $(( rate * rate_seconds )) --duration 1 --rate "$rate" --time-limit $(( rate_seconds + 90 )) \
      --summary "$work/rate-$rate.json" > "$work/rate-$rate.out" 2>&1 || true
  python3 - "$work/rate-$rate.json" "$rate" <<'PY' || break
import json, sys
s = json.load(open(sys.argv[1])); m = s.get("measured") or {}
per_call = m.get("totalCpuSeconds", 0) / max(1, s["callsAnswered"])
print(f"| {sys.argv[2]} | {s['callsPlaced']} | {s['callsAnswered']} | {s['callsFailed']} | {s['inviteLatencyP50Ms']:.1f} | {s['inviteLatencyP99Ms']:.1f} | {s['inviteLatencyMaxMs']:.1f} | {per_call * 1000:.1f} ms |")
sys.exit(1 if s["callsFailed"] or s["callsAnswered"] < s["callsPlaced"] else 0)
PY
done

kill $node; wait $node 2>/dev/null || true
trap - EXIT

echo
echo "## baseline: the same RTP to udp-sink (recvmmsg) on CPU 0"
base=${best:-0}; [ "$base" -gt 0 ] || base=$(echo $steps | cut -d' ' -f1)
taskset -c 0 "$work/udp-sink" 40000 $(( 2 * base )) $(( base / ramp_rate + step_seconds + 30 )) > "$work/sink.out" 2>&1 &
sink=$!
for _ in $(seq 1 50); do grep -q ready "$work/sink.out" && break; sleep 0.1; done
gen 127.0.0.1:40000 --rtp-only --measure-pid "$sink" --clk-tck "$clk" --calls "$base" --duration "$step_seconds" --rate "$ramp_rate" \
    --time-limit $(( base / ramp_rate + step_seconds + 30 )) --summary "$work/sink.json" > "$work/sink-gen.out" 2>&1 || true
kill -INT $sink 2>/dev/null || true; wait $sink 2>/dev/null || true
python3 - "$work/sink.json" "$work/step-$base.json" "$work/sink.out" "$base" <<'PY'
import json, sys
sink = json.load(open(sys.argv[1])); rec = json.load(open(sys.argv[2]))
got = [l for l in open(sys.argv[3]) if l.startswith("packets")]
sm, rm = sink["measured"], rec["measured"]
print(f"{sys.argv[4]} concurrent calls: udp-sink received {got[0].split()[1] if got else '?'} of {sink['rtpPacketsSent']} packets, "
      f"{sm['steadyCpuPercent']:.1f} % of CPU 0, {sm['cpuMicrosecondsPerPacket']:.2f} µs per packet")
print(f"recorder: {rm['steadyCpuPercent']:.1f} % of CPU 0, {rm['cpuMicrosecondsPerPacket']:.2f} µs per packet "
      f"= {rm['cpuMicrosecondsPerPacket'] / max(sm['cpuMicrosecondsPerPacket'], 1e-9):.1f} x the sink's cost per packet")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
