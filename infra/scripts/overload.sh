#!/usr/bin/env bash
# Overload (issue #5; ARCHITECTURE.md failover policy, "node near its measured capacity"): one recorder node pinned to
# CPU 0 is offered RATE one-second calls per second for SECONDS from tools/LoadGenerator on CPU 1, well past what one
# core sets up (about 100/s, PERFORMANCE.md), twice on fresh data: with the overload checks off
# (Recorder__Sip__MaxInviteQueueDelay=0, Recorder__Sip__MaxInvitesInProgress=0) and with them at LIMIT and CAP. Prints
# for each: legs answered and refused (503), the INVITE->200 and INVITE->503 latencies, and whether every answered call
# was recorded whole (--verify: duration and both tones through the REST API).
#   usage: infra/scripts/overload.sh [rate=300] [seconds=10]
#   env: LIMIT (queue delay, default 00:00:02), CAP (INVITEs in progress, default 200), WARM_RATE (default 50),
#        ONLY=off|on (one of the two runs)
# Bounded: 2 x (warm-up + measured run), each generator run with --time-limit; the node is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-300}; secs=${2:-10}; limit=${LIMIT:-00:00:02}; cap=${CAP:-200}
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (recorder on 0, generator on 1)" >&2; exit 2; }
source infra/scripts/lib/bench.sh
bench_work overload
bench_build LoadGenerator
bench_licence overload 10000
export Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5975 \
       Recorder__Rtp__PortMin=40000 Recorder__Rtp__PortMax=59999 Recorder__Node__Name=overload \
       Recorder__License__File=$work/overload.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=overload Recorder__Recording__Format=wav ASPNETCORE_URLS=http://127.0.0.1:8975 \
       Orleans__ClusterId=overload Orleans__Endpoints__SiloPort=11975 Orleans__Endpoints__GatewayPort=30975 \
       Logging__LogLevel__Default=Warning
bench_uncapped
node=""
trap '[ -n "$node" ] && kill $node 2>/dev/null || true' EXIT
gen() { taskset -c 1 dotnet "$LOADGEN_DLL" 127.0.0.1:5975 --duration 1 "$@"; }

run() { # label max-invite-queue-delay max-invites-in-progress
  env Recorder__DataDirectory="$work/$1" Recorder__Sip__MaxInviteQueueDelay="$2" Recorder__Sip__MaxInvitesInProgress="$3" \
    taskset -c 0 dotnet "$SILO_DLL" > "$work/$1.log" 2>&1 &
  node=$!
  bench_ready 8975 || { echo "node not ready; see $work/$1.log" >&2; exit 1; }
  gen --calls $(( ${WARM_RATE:-50} * 5 )) --rate "${WARM_RATE:-50}" --time-limit 60 > "$work/$1-warm.txt" 2>&1 || true
  sleep 3
  gen --calls $((rate * secs)) --rate "$rate" --time-limit $((secs * 10 + 120)) \
      --verify http://127.0.0.1:8975 --api-key overload --verify-timeout 300 > "$work/$1.txt" 2>&1 || true
  echo "== $1 (Recorder__Sip__MaxInviteQueueDelay=$2, Recorder__Sip__MaxInvitesInProgress=$3), $rate calls/s for $secs s on one core"
  grep -E "calls placed|latency|legs refused|verify|wall" "$work/$1.txt" | sed 's/^/  /'
  kill -TERM "$node"; wait "$node" 2>/dev/null || true; node=""
}
if [ "${ONLY:-}" != on ]; then run checks-off 00:00:00 0; fi
if [ "${ONLY:-}" != off ]; then run checks-on "$limit" "$cap"; fi
