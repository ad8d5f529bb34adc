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
work=$(mktemp -d /tmp/recorder-catchup-XXXX)
bash infra/scripts/install-test-deps.sh >/dev/null
shared=$(bash infra/scripts/start-azurite.sh 10000 | tail -n 1)
dotnet build src/Silo -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build tools/LicenseTool -c Release -nologo -clp:ErrorsOnly >/dev/null
tool="dotnet artifacts/bin/LicenseTool/release/OrleansRecorder.LicenseTool.dll"
$tool keygen --private "$work/key.pem" --public "$work/public.pem" >/dev/null
$tool issue --private "$work/key.pem" --node cu-a --role primary --channels $((n + 2)) --days 1 --out "$work/cu-a.lic" >/dev/null
container="catchup$(date +%s)"

node() { # name role sip http silo gateway rtpmin
  mkdir -p "$work/$1"
  env Recorder__DataDirectory="$work/$1" Recorder__Node__Name="$1" Recorder__Node__Role="$2" \
      Recorder__Cluster__ConnectionString="Data Source=$work/cluster.db;Default Timeout=30;Pooling=True" \
      Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port="$3" ASPNETCORE_URLS="http://127.0.0.1:$4" \
      Orleans__ClusterId=catchup Orleans__Endpoints__SiloPort="$5" Orleans__Endpoints__GatewayPort="$6" \
      Recorder__Rtp__PortMin="$7" Recorder__Rtp__PortMax=$(( $7 + 999 )) Recorder__Auth__AdminApiKey=catchup \
      Recorder__License__File="$work/cu-a.lic" Recorder__License__PublicKey="$work/public.pem" \
      Recorder__Recording__Format="$format" Recorder__Replication__BytesPerSecond="$rate" \
      Recorder__SharedStore__ConnectionString="$shared" Recorder__SharedStore__Container="$container" \
      Logging__LogLevel__Default=Warning Logging__LogLevel__OrleansRecorder.Silo.Storage=Information \
      Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ " \
      Logging__Console__FormatterOptions__UseUtcTimestamp=true Logging__Console__FormatterOptions__SingleLine=true \
      dotnet artifacts/bin/Silo/release/OrleansRecorder.Silo.dll > "$work/$1.log" 2>&1 &
  echo $!
}
ready() { for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.25; done; return 1; }
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
pids+=("$(node cu-a primary 5981 8981 11981 30981 46000)"); ready 8981

python3 - "$work" "$seconds" <<'PY'
import math, os, sys
work, seconds = sys.argv[1], int(sys.argv[2])
def ulaw(x):
    s = 0x80 if x < 0 else 0; x = min(abs(x), 32635) + 132; e = 7
    while e > 0 and not (x & (0x4000 >> (7 - e))): e -= 1
    return (~(s | (e << 4) | ((x >> (e + 3)) & 0x0F))) & 0xFF
for leg, f in (("near", 600), ("far", 1400)):
    os.makedirs(f"{work}/{leg}", exist_ok=True)
    period = [ulaw(int(8000 * math.sin(2 * math.pi * f * i / 8000))) for i in range(40)]  # 5 ms: both tones repeat exactly
    open(f"{work}/{leg}/leg.ulaw", "wb").write(bytes(period * (seconds * 200)))
PY
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
pids+=("$(node cu-b backup 5982 8982 11982 30982 48000)"); ready 8982
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
