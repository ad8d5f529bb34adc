#!/usr/bin/env bash
# File-system work per recorded call (issue #17): one recorder node as in setup-rate-profile.sh (loopback, pinned to
# CPU 0, the load generator on CPU 1), a warm-up round, then `strace -f -c` attached to every thread of the node for one
# round of RATE x SECONDS one-second calls. Prints the file and descriptor system calls per call (their count over the
# round divided by the calls; timers, the receive loops' epoll and the database's writes included, as they run).
# strace slows every system call of the node, so keep the rate low.
#   usage: infra/scripts/syscalls-per-call.sh [rate=20] [seconds=10]
#          env: FORMAT (wav|opus, default opus), R2R=1 (ReadyToRun publish), DATA (the node's data directory)
# Bounded: two generator runs, each with --time-limit 120; strace and the node are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-20}; secs=${2:-10}
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (recorder on 0, generator on 1)" >&2; exit 2; }
command -v strace >/dev/null || { echo "needs strace (apt-get install strace)" >&2; exit 2; }
source infra/scripts/lib/bench.sh
bench_work syscalls
data=${DATA:-$work/data}
bench_build LoadGenerator
bench_licence syscalls 5000
# Ports of their own (not setup-rate-profile.sh's), so both can run on one machine.
export Recorder__DataDirectory=$data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5991 Recorder__Sip__TlsPort=-1 \
       Recorder__Rtp__PortMin=50000 Recorder__Rtp__PortMax=59999 Recorder__Node__Name=syscalls \
       Recorder__License__File=$work/syscalls.lic Recorder__License__PublicKey=$work/public.pem \
       Recorder__Auth__AdminApiKey=syscalls Recorder__Recording__Format=${FORMAT:-opus} ASPNETCORE_URLS=http://127.0.0.1:8991 \
       Orleans__ClusterId=syscalls Orleans__Endpoints__SiloPort=11991 Orleans__Endpoints__GatewayPort=30991 \
       Logging__LogLevel__Default=Warning
taskset -c 0 dotnet "$SILO_DLL" > "$work/node.log" 2>&1 &
node=$!
tracer=
trap '[ -n "$tracer" ] && kill -INT $tracer 2>/dev/null; kill $node 2>/dev/null || true' EXIT
bench_ready 8991 || { echo "node not ready; see $work/node.log" >&2; exit 1; }
gen() { taskset -c 1 dotnet "$LOADGEN_DLL" 127.0.0.1:5991 --calls $((rate * secs)) --duration 1 --rate "$rate" --time-limit 120 "$@"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); filesystem: $(df -T "$(dirname "$data")" | awk 'NR == 2 {print $2}')"
gen > "$work/warm.txt" 2>&1 || true
sleep 5
strace -f -c -e trace=file,desc,fsync,fdatasync,rename,renameat2,unlink,unlinkat,mkdir,rmdir -o "$work/strace.txt" -p "$node" &
tracer=$!
sleep 2
gen > "$work/run.txt" 2>&1 || true
sleep 3 # the last calls' finalization
kill -INT $tracer; wait $tracer || true; tracer=
grep -E "placed" "$work/run.txt" | sed 's/; rss before.*//' || true
python3 - "$work/strace.txt" "$((rate * secs))" <<'EOF'
import sys
path, calls = sys.argv[1], int(sys.argv[2])
rows = []
for line in open(path):
    parts = line.split()
    # "% time seconds usecs/call calls [errors] syscall"
    if len(parts) >= 5 and parts[0][0].isdigit() and not parts[-1].startswith("total"):
        count, errors = int(parts[3]), (int(parts[4]) if len(parts) == 6 else 0)
        rows.append((parts[-1], count, errors))
print(f"system calls per call over {calls} calls (errors per call in brackets):")
for name, count, errors in sorted(rows, key=lambda r: -r[1]):
    print(f"  {name:<18} {count / calls:8.2f}" + (f"  ({errors / calls:.2f})" if errors else ""))
EOF
