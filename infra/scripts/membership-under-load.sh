#!/usr/bin/env bash
# Membership under load (issue #17 item 3): does a node that load stalls stay a member, and is a dead one still declared
# Dead quickly? Two nodes of one cluster (bench_node, SQLite cluster db): "mem-a" (primary, takes the calls) pinned to
# CPU 0, "mem-b" (its peer) and tools/LoadGenerator on CPU 1; loopback only. Phases (PHASES, default "a b c d"):
#   a  overload: RATE (300) one-second calls per second for SECONDS (30) on mem-a, 3x what one core sets up; prints
#      mem-a's longest thread-pool queue delay, timer lateness and GC pause (GET /api/diagnostics, RuntimeStallMonitor),
#      whether mem-a was ever suspected or declared dead (OrleansMembershipTable Status/SuspectTimes sampled every
#      0.5 s, and the nodes' logs), and the calls answered and recorded whole (--verify).
#   b  full GC under calls: CALLS (1600) concurrent 60 s calls on mem-a, then a forced blocking compacting gen-2
#      collection (GET /api/diagnostics?collect=true, two of them with the finalizers between): its pause (the GC pause
#      total before and after) and the timer lateness it caused.
#   c  silent death: kill -STOP of mem-b (its sockets stay open, nothing answers: a host that vanished) and the time until
#      mem-a has it Dead in the table; then a restart of mem-b and kill -9 of it (loopback refuses its ports at once).
#   d  tolerance: mem-a frozen (SIGSTOP) for each of FREEZES (1 2 3 4 5) seconds then SIGCONT; whether it stays Active
#      (it is restarted when it was evicted).
# MEMBERSHIP: extra node settings, e.g. "Orleans__Membership__ProbeTimeout=00:00:01 Orleans__Membership__NumMissedProbesLimit=3"
# (default: the shipped ones, src/Silo/Program.cs). FORMAT: recording format (default opus, the shipped one).
# Bounded: every generator run has --time-limit, every wait loop a fixed number of tries; the nodes are killed on exit.
#   usage: infra/scripts/membership-under-load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (loaded node on 0, peer and generator on 1)" >&2; exit 2; }
phases=${PHASES:-a b c d}; rate=${RATE:-300}; secs=${SECONDS_OF_LOAD:-30}; calls=${CALLS:-1600}; freezes=${FREEZES:-1 2 3 4 5}
format=${FORMAT:-opus}; read -r -a membership <<< "${MEMBERSHIP:-}"
source infra/scripts/lib/bench.sh
bench_uncapped   # 1,600 calls on one core and 3x overload on purpose
bench_work membership
[ -n "${NO_BUILD:-}" ] || bench_build LoadGenerator
bench_licence mem-a 5000
bench_licence mem-b 5000 backup
BENCH_CLUSTER="member$(date +%s)"
node_a=""; node_b=""
trap 'kill -CONT $node_a $node_b 2>/dev/null; kill -9 $node_a $node_b 2>/dev/null || true' EXIT
key=(-H "X-Api-Key: $BENCH_CLUSTER")

start_a() { node_a=$(BENCH_LICENCE=mem-a bench_node mem-a primary 5980 8980 11980 30980 40000 Recorder__Rtp__PortMax=47999 Recorder__Sip__TlsPort=5990 \
  Recorder__Recording__Format="$format" "${membership[@]}" taskset -c 0); bench_ready 8980 120 || { echo "mem-a not ready" >&2; exit 1; }; }
start_b() { node_b=$(BENCH_LICENCE=mem-b bench_node mem-b backup 5981 8981 11981 30981 48000 Recorder__Sip__TlsPort=5991 \
  Recorder__Recording__Format="$format" "${membership[@]}" taskset -c 1); bench_ready 8981 120 || { echo "mem-b not ready" >&2; exit 1; }; }
# Status of a node's newest row: 3 Active, 6 Dead (Orleans SiloStatus); and its SuspectTimes (who suspected it, when).
row() { sqlite3 -cmd ".timeout 5000" "$work/cluster.db" \
  "SELECT Status || ' ' || COALESCE(SuspectTimes,'') FROM OrleansMembershipTable WHERE DeploymentId='$BENCH_CLUSTER' AND SiloName='$1' ORDER BY StartTime DESC LIMIT 1" 2>/dev/null || echo "?"; }
status() { row "$1" | cut -d' ' -f1; }
wait_active() { # name: up to 60 s
  for _ in $(seq 1 120); do [ "$(status "$1")" = 3 ] && return 0; sleep 0.5; done
  echo "$1 never Active" >&2; return 1
}
stalls() { # port name: the node's stall figures since start, in ms (from its log when it no longer answers)
  curl -s --max-time 10 "${key[@]}" "http://127.0.0.1:$1/api/diagnostics" | python3 -c '
import json, sys
d = json.load(sys.stdin); s = d["stalls"]
print("thread-pool queue delay max %.0f ms, timer lateness max %.0f ms, GC pause per 100 ms tick max %.0f ms (since start); GC paused %.0f ms in total, gen2 %d"
      % (s["threadPoolQueueDelay"]["maxSinceStartMilliseconds"], s["timerLateness"]["maxSinceStartMilliseconds"],
         s["gcPause"]["maxSinceStartMilliseconds"], d["gc"]["pausedMilliseconds"], d["gc"]["gen2Collections"]))' 2>/dev/null \
  || echo "no answer; its log's longest stalls: $(logged_stalls "$work/$2.log")"
}
logged_stalls() { # log: the longest "Runtime stall" of each kind (RuntimeStallMonitor logs those >= 250 ms)
  grep -o 'Runtime stall: [a-zA-Z -]* of [0-9]* ms' "$1" | sed 's/Runtime stall: //' | \
    awk '{ ms = $(NF - 1); $NF = ""; $(NF - 1) = ""; sub(/ of *$/, ""); if (ms > max[$0]) max[$0] = ms; n[$0]++ }
         END { for (k in max) printf "%s max %d ms (%d logged); ", k, max[k], n[k] }'
}
alive_a() { kill -0 "$node_a" 2>/dev/null && [ "$(status mem-a)" = 3 ]; }
ensure_a() { # restart mem-a when it was evicted (an evicted silo ends itself)
  alive_a && return 0
  echo "  (mem-a evicted: restarting it)"
  kill -9 "$node_a" 2>/dev/null || true; start_a; wait_active mem-a
}
sample() { # name file seconds: Status and SuspectTimes every 0.5 s, until $work/sampling is removed or the time is up
  touch "$work/sampling"
  for _ in $(seq 1 $(( $3 * 2 ))); do
    [ -f "$work/sampling" ] || break
    echo "$(date -u +%T.%N | cut -c1-12) $(row "$1")" >> "$2"; sleep 0.5
  done
}
verdict() { # file: was the node ever suspected or not Active?
  awk '{ if ($2 != 3) bad++; if (NF > 2) sus++ } END { printf "samples %d, not Active in %d, suspected in %d\n", NR, bad + 0, sus + 0 }' "$1"
}
gen() { taskset -c 1 dotnet "$LOADGEN_DLL" 127.0.0.1:5980 "$@"; }
membership_log() { grep -ciE "did not get response|declar|suspect|vot(e|ing)|kill" "$1" || true; }

echo "machine: $(nproc) CPUs, load before: $(cut -d' ' -f1-3 /proc/loadavg); format $format; membership: ${MEMBERSHIP:-shipped defaults}"
start_b; start_a; wait_active mem-a; wait_active mem-b
echo "work $work; mem-a pid $node_a (CPU 0), mem-b pid $node_b (CPU 1)"

if [[ " $phases " == *" a "* ]]; then
  gen --calls 250 --rate 50 --duration 1 --time-limit 60 > "$work/a-warm.txt" 2>&1 || true
  sample mem-a "$work/a-status.txt" $(( secs * 4 + 400 )) &
  sampler=$!
  gen --calls $(( rate * secs )) --rate "$rate" --duration 1 --time-limit $(( secs * 4 + 60 )) \
      --verify http://127.0.0.1:8980 --api-key "$BENCH_CLUSTER" --no-verify-audio --verify-timeout 300 > "$work/a.txt" 2>&1 || true
  sleep 10; rm -f "$work/sampling"; wait "$sampler" || true
  echo "== a: $rate calls/s for $secs s on mem-a (CPU 0); load $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E "calls placed|latency|legs refused|verify|wall" "$work/a.txt" | sed 's/^/  /'
  echo "  mem-a: $(stalls 8980 mem-a)"
  echo "  mem-a in the table: $(verdict "$work/a-status.txt"); now $(row mem-a); alive: $(kill -0 "$node_a" 2>/dev/null && echo yes || echo NO)"
  echo "  membership log lines (missed probe/suspect/vote/dead/kill): mem-a $(membership_log "$work/mem-a.log"), mem-b $(membership_log "$work/mem-b.log")"
fi

if [[ " $phases " == *" b "* ]]; then
  ensure_a
  ramp=$(( calls / 100 + 1 ))
  gen --calls "$calls" --rate 100 --duration $(( ramp + 40 )) --time-limit $(( ramp * 3 + 200 )) --no-verify-audio \
      --verify http://127.0.0.1:8980 --api-key "$BENCH_CLUSTER" --verify-timeout 300 > "$work/b.txt" 2>&1 &
  loadgen=$!
  sleep $(( ramp + 10 ))
  active=$(curl -s "${key[@]}" http://127.0.0.1:8980/api/calls/active | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || echo "?")
  before=$(curl -s "${key[@]}" http://127.0.0.1:8980/api/diagnostics | python3 -c 'import json,sys; print(json.load(sys.stdin)["gc"]["pausedMilliseconds"])')
  took=$(curl -s -o "$work/b-collect.json" -w '%{time_total}' "${key[@]}" "http://127.0.0.1:8980/api/diagnostics?collect=true")
  python3 - "$work/b-collect.json" "$before" "$took" "$active" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["stalls"]
print("== b: forced full blocking compacting GC (x2) with %s calls active on mem-a: paused %.0f ms (GC pause total before/after), request %.0f ms;"
      " heap %.0f MB, retained %.0f MB; timer lateness max of the last minute %.0f ms"
      % (sys.argv[4], d["gc"]["pausedMilliseconds"] - float(sys.argv[2]), 1000 * float(sys.argv[3]), d["managedHeapBytes"] / 1e6,
         (d["retainedHeapBytes"] or 0) / 1e6, s["timerLateness"]["maxMilliseconds"]))
PY
  sleep 3
  echo "  mem-a: $(stalls 8980 mem-a); Status now $(row mem-a)"
  wait "$loadgen" || true
  grep -E "calls placed|verify|wall" "$work/b.txt" | sed 's/^/  /'
fi

time_to_dead() { # name pid signal -> seconds until the name's row is Dead (6), at most 60 s
  local t0
  t0=$(date +%s.%N); kill "-$3" "$2"
  for _ in $(seq 1 600); do
    [ "$(status "$1")" = 6 ] && { awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }'; return 0; }
    sleep 0.1
  done
  echo "not Dead after 60 s"
}
if [[ " $phases " == *" c "* ]]; then
  ensure_a
  echo "== c: mem-b frozen (SIGSTOP): Dead after $(time_to_dead mem-b "$node_b" STOP) s"
  kill -9 "$node_b" 2>/dev/null || true; kill -CONT "$node_b" 2>/dev/null || true; wait "$node_b" 2>/dev/null || true
  start_b; wait_active mem-b
  echo "   mem-b killed (SIGKILL): Dead after $(time_to_dead mem-b "$node_b" KILL) s"
  wait "$node_b" 2>/dev/null || true
  start_b; wait_active mem-b
fi

if [[ " $phases " == *" d "* ]]; then
  echo "== d: mem-a frozen for N s then resumed"
  ensure_a
  for f in $freezes; do
    wait_active mem-a; wait_active mem-b; sleep 5
    : > "$work/d-$f.txt"
    kill -STOP "$node_a"; sleep "$f"; kill -CONT "$node_a"
    sample mem-a "$work/d-$f.txt" 12
    if kill -0 "$node_a" 2>/dev/null && [ "$(status mem-a)" = 3 ]; then
      echo "  $f s: stays Active ($(verdict "$work/d-$f.txt"))"
    else
      echo "  $f s: EVICTED ($(verdict "$work/d-$f.txt"); now $(row mem-a))"
      kill -9 "$node_a" 2>/dev/null || true; wait "$node_a" 2>/dev/null || true
      start_a
    fi
  done
fi
