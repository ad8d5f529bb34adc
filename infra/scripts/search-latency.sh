#!/usr/bin/env bash
# Search and dashboard latency over a large catalog (issues #6, #18): seeds ROWS recordings (default 100,000; 2,000
# numbers over 90 days, 2 % with a problem) straight into a node's SQLite catalog, starts the node on it, and times
# typical searches and the dashboard's GET /api/stats/* through the REST API (admin key): 50 requests each, median
# and p95. The dashboard's figures for a million rows: infra/scripts/search-latency.sh 1000000
#   usage: infra/scripts/search-latency.sh [rows=100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-100000}
source infra/scripts/lib/bench.sh
bench_work search
dotnet build src/Silo -c Release -nologo -clp:ErrorsOnly >/dev/null
export Recorder__DataDirectory=$work/data Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port=5990 \
       Recorder__Rtp__PortMin=45000 Recorder__Rtp__PortMax=45099 Recorder__Auth__AdminApiKey=search \
       ASPNETCORE_URLS=http://127.0.0.1:8990 Orleans__ClusterId=search Orleans__Endpoints__SiloPort=11990 \
       Orleans__Endpoints__GatewayPort=30990 Logging__LogLevel__Default=Warning
start_node() {
  dotnet "$SILO_DLL" > "$work/node.log" 2>&1 &
  node=$!
  bench_ready 8990 || { echo "node not ready: $work/node.log" >&2; return 1; }
}
# First start creates the schema; stop it, seed, start again.
start_node; kill "$node"; wait "$node" 2>/dev/null || true
python3 - "$work/data/cluster.db" "$rows" <<'PY'
import json, random, sqlite3, sys, uuid
from datetime import datetime, timedelta, timezone
db, rows = sys.argv[1], int(sys.argv[2])
random.seed(6)
con = sqlite3.connect(db)
base = datetime(2026, 8, 27, tzinfo=timezone.utc)
batch = []
seq = con.execute("SELECT COALESCE(MAX(seq), 0) FROM Recordings").fetchone()[0]
for i in range(rows):
    started = base + timedelta(seconds=random.randrange(90 * 86400))
    duration = random.randrange(20, 900)
    ended = started + timedelta(seconds=duration)
    near, far = f"{2000 + random.randrange(2000)}", f"+1555{random.randrange(10**7):07d}"
    rid = uuid.uuid4().hex
    manifest = {"id": rid, "refci": str(10**7 + i), "startedAt": started.isoformat(), "endedAt": ended.isoformat(),
                "durationSeconds": float(duration), "nearEnd": {"number": near, "device": f"SEP{near}AA"},
                "farEnd": {"number": far, "device": "PSTN-Trunk"}, "profile": "7878", "format": "opus",
                "sizeBytes": duration * 1800, "sha256": "0" * 64, "recordedBy": "seed", "status": "complete", "flags": []}
    # As the catalog writes them (RecordingProblems.cs): a few media timeouts, legs without media and lossy calls.
    problem = random.choice(["media-timeout", "no-media", "gaps"]) if random.random() < 0.02 else None
    if problem == "media-timeout":
        manifest["flags"] = ["far-end-media-timeout"]
    elif problem == "no-media":
        manifest["flags"] = ["far-end-no-audio", "far-end-no-media"]
    elif problem == "gaps":
        manifest["gaps"] = [{"leg": "farEnd", "channel": 1, "reason": "packet-loss", "offsetSeconds": 3.0, "durationSeconds": 0.4}]
    seq += 1
    batch.append((rid, int(started.timestamp() * 1000), int(ended.timestamp() * 1000), near, f"SEP{near}AA", far, "PSTN-Trunk",
                  manifest["refci"], "complete", "seed", "0" * 64, manifest["sizeBytes"], json.dumps(manifest), seq, rid, problem))
    if len(batch) == 5000:
        con.executemany("INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci, status, recorded_by, sha256, size_bytes, manifest, seq, group_id, problems) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
        batch.clear()
if batch:
    con.executemany("INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci, status, recorded_by, sha256, size_bytes, manifest, seq, group_id, problems) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
con.commit()
print("seeded", con.execute("SELECT COUNT(*) FROM Recordings").fetchone()[0], "recordings")
PY
start_node
trap 'kill $node 2>/dev/null || true' EXIT
time_query() { # label path
  for _ in $(seq 1 5); do curl -s -o /dev/null -H 'X-Api-Key: search' "http://127.0.0.1:8990$2"; done
  for _ in $(seq 1 50); do curl -s -o /dev/null -w '%{time_total}\n' -H 'X-Api-Key: search' "http://127.0.0.1:8990$2"; done |
    sort -n | awk -v label="$1" '{a[NR]=$1} END {printf "%-58s median %6.1f ms  p95 %6.1f ms\n", label, a[int(NR/2)]*1000, a[int(NR*0.95)]*1000}'
}
time_query "newest 50 (no filter)" "/api/recordings?pageSize=50"
time_query "one number, whole range, page 1" "/api/recordings?number=2345&pageSize=50"
time_query "one number + 7-day range" "/api/recordings?number=2345&from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z"
time_query "one device + status complete" "/api/recordings?device=SEP2345AA&status=complete"
time_query "7-day range only, page 20" "/api/recordings?from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z&page=20&pageSize=50"
# The dashboard (GET /api/stats/*): ranges inside the seeded 90 days (the defaults end now, after the seeded data).
time_query "stats: calls per hour, 24 h" "/api/stats/calls?bucket=hour&from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z"
time_query "stats: calls per day, 30 days" "/api/stats/calls?bucket=day&from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z"
time_query "stats: channels in use per hour, 24 h" "/api/stats/channels?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z"
time_query "stats: problems, 7 days, newest 10" "/api/stats/problems?from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z&limit=10"
time_query "stats: storage (every recording's bytes)" "/api/stats/storage"
