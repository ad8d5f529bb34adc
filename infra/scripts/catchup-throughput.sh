#!/usr/bin/env bash
# Catch-up throughput of a late node (issue #4): a primary records N concurrent calls of S seconds (WAV by default,
# so the recordings are long and large: 32 KB per second), with the shared store (Azurite) on; then a second node
# starts with an empty store and the script times how long it takes to hold every recording (audio verified by the
# node, manifest written last). Prints recordings/s and MB/s, from the node's process start and from its readiness,
# and how the copies came (pulled by the late node, pushed by the primary).
#   usage: infra/scripts/catchup-throughput.sh [recordings=20] [seconds=60] [bytes-per-second=0] [format=wav]
# bytes-per-second sets Recorder__Replication__BytesPerSecond on both nodes (0 = unlimited).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20}
seconds=${2:-60}
rate=${3:-0}
format=${4:-wav}
source infra/scripts/lib/bench.sh
bench_work catchup
bash infra/scripts/install-test-deps.sh >/dev/null
shared=$(bash infra/scripts/start-azurite.sh 10000 | tail -n 1)
bench_build
bench_licence cu-a $((n + 2))
BENCH_CLUSTER=catchup BENCH_LICENCE=cu-a
container="catchup$(date +%s)"
node() { # name role sip http silo gateway rtpmin
  bench_node "$@" Recorder__Recording__Format="$format" Recorder__Replication__BytesPerSecond="$rate" \
    Recorder__SharedStore__ConnectionString="$shared" Recorder__SharedStore__Container="$container"
}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
pids+=("$(node cu-a primary 5981 8981 11981 30981 46000)"); bench_ready 8981

bench_tones "$seconds"
for leg in near far; do
  { echo SEQUENTIAL; for i in $(seq 1 "$n"); do echo "${leg}end;$((92000000 + i));SEPN$i;6$(printf %05d $i);$((93000000 + i));SEPF$i;7$(printf %05d $i);Catchup;7878"; done; } > "$work/$leg/legs.csv"
done
sipps=()
for leg in near far; do
  port=$([ $leg = near ] && echo 50000 || echo 52000)
  (cd "$work/$leg" && sipp -sf "$OLDPWD/infra/sipp/cucm_leg.xml" -inf legs.csv -i 127.0.0.1 -mp $port -m "$n" -l "$n" -r 10 \
     -d $((seconds * 1000 + 500)) -timeout $((seconds + 120))s -nostdin 127.0.0.1:5981 > sipp.out 2>&1) &
  sipps+=($!)
done
wait "${sipps[@]}" || true
for _ in $(seq 1 120); do
  total=$(curl -s -H 'X-Api-Key: catchup' "http://127.0.0.1:8981/api/recordings?pageSize=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  [ "$total" -ge "$n" ] && break; sleep 0.5
done
curl -s -H 'X-Api-Key: catchup' "http://127.0.0.1:8981/api/recordings?pageSize=500" > "$work/list.json"

# The late node: empty store, everything to catch up.
start=$(date +%s.%N)
pids+=("$(node cu-b backup 5982 8982 11982 30982 48000)"); bench_ready 8982
readyat=$(date +%s.%N)
for _ in $(seq 1 2400); do
  c=$(find "$work/cu-b/recordings" -name '*.json' 2>/dev/null | wc -l)
  [ "$c" -ge "$total" ] && break; sleep 0.1
done
end=$(date +%s.%N)

python3 - "$work" "$start" "$readyat" "$end" "$rate" <<'PY'
import hashlib, json, os, re, sys
from datetime import datetime
work, start, readyat, end, rate = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
items = json.load(open(f"{work}/list.json"))["items"]
size = sum(i["sizeBytes"] for i in items); secs = sum(i["durationSeconds"] for i in items)
ok = 0
for it in items:
    day = it["startedAt"][:10].replace("-", "/")
    p = f"{work}/cu-b/recordings/{day}/{it['id']}.{it['format']}"
    if os.path.exists(p) and hashlib.sha256(open(p, "rb").read()).hexdigest() == it["sha256"]: ok += 1
def ts(text): return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
def lines(name, pattern):
    return [(ts(m.group(1)), m) for m in (re.match(r"(\S+Z) .*" + pattern, l) for l in open(f"{work}/{name}.log")) if m]
began = lines("cu-b", r"Replication to ")
pulled = lines("cu-b", r"Recording \w+ copied to cu-b from")
pushed = lines("cu-a", r"Recording \w+ copied to cu-b \(catchup")
print(f"recordings: {len(items)} ({size / 1e6:.1f} MB, {secs / len(items):.0f} s each, {items[0]['format']}), rate limit {rate or 'none'} B/s per node")
print(f"late node holds {ok} of {len(items)} hash-identical; copies: {len(pulled)} pulled by it, {len(pushed)} pushed by the primary")
if began and (pulled or pushed):
    window = max(t for t, _ in pulled + pushed) - began[0][0]
    print(f"its replication service start -> last copy done: {window:.1f} s = {ok / window:.2f} recordings/s, {size / 1e6 / window:.2f} MB/s")
el = end - start
print(f"its process start -> every recording on disk: {el:.1f} s (ready after {readyat - start:.1f} s) = {ok / el:.2f} recordings/s, {size / 1e6 / el:.2f} MB/s")
PY
