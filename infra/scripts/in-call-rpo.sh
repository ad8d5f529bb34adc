#!/usr/bin/env bash
# In-call replication's RPO (issue #15): audio lost when the recording node is killed (SIGKILL) mid-call. Two nodes on
# loopback (shared SQLite catalog); KILLS times: a 40 s call on node A, kill -9 of A at a random moment 3-20 s after both
# legs are up, the survivor B finalizes its copy as interrupted; lost audio = (kill time - first packet) - recorded
# duration of B's copy. Also prints how long B took to list the recording after the kill. A is restarted on its data
# before the next call (its own recovery then competes with B's copy: the catalog keeps the longer one).
#   usage: infra/scripts/in-call-rpo.sh [kills=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
kills=${1:-20}
source infra/scripts/lib/bench.sh
bench_work rpo
bash infra/scripts/install-test-deps.sh >/dev/null
bench_build
bench_licence rpo-a 20
bench_licence rpo-b 20 backup
BENCH_CLUSTER="rpo$(date +%s)"
bench_tones 45
pids=()
sipps=()
cleanup() { kill "${pids[@]}" "${sipps[@]}" 2>/dev/null || true; }
trap cleanup EXIT
node_b=$(BENCH_LICENCE=rpo-b bench_node rpo-b backup 5982 8982 11982 30982 42000 Recorder__Sip__TlsPort=5992); pids+=("$node_b")
bench_ready 8982
results="$work/results.txt"
: > "$results"
for i in $(seq 1 "$kills"); do
  node_a=$(BENCH_LICENCE=rpo-a bench_node rpo-a primary 5981 8981 11981 30981 40000 Recorder__Sip__TlsPort=5991); pids+=("$node_a")
  bench_ready 8981 || { echo "node A did not start"; exit 1; }
  sleep 4 # both nodes see each other Active (the copy goes to an active peer only)
  refci=$((93000000 + i))
  sipps=()
  for leg in near far; do
    echo "SEQUENTIAL" > "$work/$leg/legs.csv"
    echo "${leg}end;$refci;SEPN$i;4$(printf %05d "$i");$((94000000 + i));SEPF$i;5$(printf %05d "$i");Rpo;7878" >> "$work/$leg/legs.csv"
    port=$([ "$leg" = near ] && echo 50000 || echo 52000)
    (cd "$work/$leg" && exec timeout 60 sipp -sf "$OLDPWD/infra/sipp/cucm_leg.xml" -inf legs.csv -i 127.0.0.1 -mp "$port" -m 1 -l 1 \
      -d 40000 -timeout 55s -nostdin 127.0.0.1:5981 > "sipp-$i.out" 2>&1) &
    sipps+=("$!")
  done
  for _ in $(seq 1 100); do
    legs=$(curl -s -H "X-Api-Key: $BENCH_CLUSTER" http://127.0.0.1:8981/api/calls/active | python3 -c 'import json,sys; c=json.load(sys.stdin); print(len(c[0]["legs"]) if c else 0)' 2>/dev/null || echo 0)
    [ "$legs" = 2 ] && break; sleep 0.1
  done
  sleep "$(python3 -c 'import random; print(round(random.uniform(3, 20), 2))')"
  killed=$(date +%s.%N)
  kill -9 "$node_a"
  wait "$node_a" 2>/dev/null || true
  listed=""
  for _ in $(seq 1 240); do
    listed=$(curl -s -H "X-Api-Key: $BENCH_CLUSTER" "http://127.0.0.1:8982/api/recordings?pageSize=500" | python3 -c "
import json,sys
for it in json.load(sys.stdin)['items']:
    if it.get('refci') == '$refci': print(it['id'])" 2>/dev/null || true)
    [ -n "$listed" ] && break; sleep 0.25
  done
  seen=$(date +%s.%N)
  if [ -z "$listed" ]; then echo "kill $i: no recording on B"; echo "missing" >> "$results"; else
    curl -s -H "X-Api-Key: $BENCH_CLUSTER" "http://127.0.0.1:8982/api/recordings/$listed" | python3 -c "
import json,sys
from datetime import datetime
m=json.load(sys.stdin)['manifest']
firsts=[datetime.fromisoformat(p['firstPacketAt'].replace('Z','+00:00')).timestamp() for p in (m['nearEnd'],m['farEnd']) if p.get('firstPacketAt')]
lost=$killed-min(firsts)-m['durationSeconds']
print(f'{lost:.3f} {$seen-$killed:.2f} {m[\"durationSeconds\"]:.2f}')" | tee -a "$results" | awk -v i="$i" '{printf "kill %d: lost %.2f s of audio, B listed it %.1f s after the kill (%.1f s recorded)\n", i, $1, $2, $3}'
  fi
  kill "${sipps[@]}" 2>/dev/null || true
  wait "${sipps[@]}" 2>/dev/null || true
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ok = [r for r in rows if r[0] != "missing"]
lost = sorted(float(r[0]) for r in ok); listed = sorted(float(r[1]) for r in ok)
print(f"kills: {len(rows)}, recordings taken over: {len(ok)}")
if ok:
    print(f"audio lost (RPO): p50 {statistics.median(lost):.2f} s, max {max(lost):.2f} s, min {min(lost):.2f} s")
    print(f"kill -> listed on the survivor: p50 {statistics.median(listed):.1f} s, max {max(listed):.1f} s")
PY
