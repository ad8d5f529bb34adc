#!/usr/bin/env bash
# Replication figures (issue #4): N recorded calls (5 s, Opus) on a primary with a backup and a shared store
# (Azurite) on loopback; prints, over all calls, the time from the end of each recording (manifest endedAt, set when
# it is finalized just after the BYE) to (a) its copy on the backup's disk and (b) its upload to the shared store,
# median and max; Opus bytes per recorded hour; then starts a third node and times its catch-up.
#   usage: infra/scripts/replication-latency.sh [calls=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-50}
source infra/scripts/lib/bench.sh
bench_work replication
bash infra/scripts/install-test-deps.sh >/dev/null
shared=$(bash infra/scripts/start-azurite.sh 10000 | tail -n 1)
bench_build
bench_licence rep-a $((calls + 10))
BENCH_CLUSTER=latency BENCH_LICENCE=rep-a
container="latency$(date +%s)"
node() { # name role sip http silo gateway rtpmin
  bench_node "$@" Recorder__SharedStore__ConnectionString="$shared" Recorder__SharedStore__Container="$container"
}
pids=()
pids+=("$(node rep-a primary 5971 8971 11971 30971 40000)"); bench_ready 8971
pids+=("$(node rep-b backup 5972 8972 11972 30972 42000)"); bench_ready 8972
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
sleep 3

bench_tones 5
for leg in near far; do
  { echo SEQUENTIAL; for i in $(seq 1 "$calls"); do echo "${leg}end;$((90000000 + i));SEPN$i;4$(printf %05d $i);$((91000000 + i));SEPF$i;5$(printf %05d $i);Latency;7878"; done; } > "$work/$leg/legs.csv"
done
(cd "$work/near" && sipp -sf "$OLDPWD/infra/sipp/cucm_leg.xml" -inf legs.csv -i 127.0.0.1 -mp 50000 -m "$calls" -l 20 -r 4 -d 5500 -timeout 300s -nostdin 127.0.0.1:5971 > sipp.out 2>&1) &
near=$!
(cd "$work/far" && sipp -sf "$OLDPWD/infra/sipp/cucm_leg.xml" -inf legs.csv -i 127.0.0.1 -mp 52000 -m "$calls" -l 20 -r 4 -d 5500 -timeout 300s -nostdin 127.0.0.1:5971 > sipp.out 2>&1) &
far=$!
wait "$near" "$far" || true
sleep 5
curl -s -H 'X-Api-Key: latency' "http://127.0.0.1:8971/api/recordings?pageSize=500" > "$work/list.json"

# A third node joins and catches up.
start=$(date +%s.%N)
pids+=("$(node rep-c backup 5973 8973 11973 30973 44000)"); bench_ready 8973
for _ in $(seq 1 240); do
  n=$(find "$work/rep-c/recordings" -name '*.json' 2>/dev/null | wc -l)
  [ "$n" -ge "$calls" ] && break; sleep 0.25
done
end=$(date +%s.%N)

python3 - "$work" "$calls" "$start" "$end" <<'PY'
import json, os, re, statistics, sys
from datetime import datetime, timezone
work, calls, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
items = json.load(open(f"{work}/list.json"))["items"]
def ts(text): return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
uploads = {}
for line in open(f"{work}/rep-a.log"):
    m = re.match(r"(\S+Z) .*Recording (\w+) copied to shared", line)
    if m: uploads.setdefault(m.group(2), ts(m.group(1)))
to_node, to_shared, size, seconds = [], [], 0, 0.0
for it in items:
    ended = ts(it["endedAt"])
    day = it["startedAt"][:10].replace("-", "/")
    path = f"{work}/rep-b/recordings/{day}/{it['id']}.{it['format']}"
    if os.path.exists(path): to_node.append(os.path.getmtime(path) - ended)
    if it["id"] in uploads: to_shared.append(uploads[it["id"]] - ended)
    size += it["sizeBytes"]; seconds += it["durationSeconds"]
def stat(v): return f"median {statistics.median(v)*1000:.0f} ms, max {max(v)*1000:.0f} ms over {len(v)}" if v else "none"
print(f"recordings: {len(items)} of {calls} calls")
print(f"end of recording -> backup's disk: {stat(to_node)}")
print(f"end of recording -> shared store:  {stat(to_shared)}")
print(f"opus: {size / max(seconds, 1e-9) * 3600 / 1e6:.2f} MB per recorded hour ({size} bytes, {seconds:.0f} s)")
caught = sum(1 for _ in os.popen(f"find {work}/rep-c/recordings -name '*.json'"))
elapsed = end - start
print(f"late node: {caught} recordings ({size / 1e6:.2f} MB) {elapsed:.1f} s from process start = {caught / elapsed:.1f} recordings/s, {size / 1e6 / elapsed:.2f} MB/s (includes ~3 s of start-up)")
PY
