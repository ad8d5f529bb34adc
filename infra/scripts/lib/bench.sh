# Sourced by the measurement scripts in infra/scripts (after they cd to the repository root): the steps each of them
# repeated by hand before a node can run. Defines:
#   bench_work NAME            a fresh directory /tmp/recorder-NAME-XXXX in $work, printed
#   bench_build [TOOL ...]     Release builds of src/Silo, tools/LicenseTool and each tools/TOOL (e.g. LoadGenerator);
#                              with R2R=1 the node is a ReadyToRun publish instead (what infra/systemd ships, so the
#                              figures do not include the JIT compiling the node's own code), SILO_DLL pointing at it
#   bench_licence NODE CHANNELS [ROLE=primary]
#                              $work/NODE.lic for CHANNELS channels, valid a day, signed with a key pair made once per
#                              work directory ($work/key.pem, public key $work/public.pem)
#   bench_ready HTTP_PORT [SECONDS=60]
#                              waits for the node's /health/ready on 127.0.0.1; returns 1 if it never came
#   bench_tones SECONDS        $work/near/leg.ulaw (600 Hz) and $work/far/leg.ulaw (1400 Hz), G.711 u-law, for sipp
#   bench_node NAME ROLE SIP_PORT HTTP_PORT SILO_PORT GATEWAY_PORT RTP_MIN [VAR=value ...]
#                              starts a node of a cluster kept in $work/cluster.db (data in $work/NAME, log in
#                              $work/NAME.log with UTC millisecond timestamps, storage at Information), licensed by
#                              $work/$BENCH_LICENCE.lic, cluster id and admin key $BENCH_CLUSTER, 1,000 RTP ports from
#                              RTP_MIN, the extra settings after; prints its pid. Every node of the work directory
#                              holds the same key-encryption key ($work/kek.key, made once), as a cluster's nodes must
#                              for one to finish another's calls (a takeover unwraps the dead node's call keys)
#   bench_cpu_seconds PID      CPU seconds (user + system) the process has used so far
#   bench_perf_env             sets the array perf_env for `env "${perf_env[@]}" ...`: with PERF=1 what a node needs for
#                              perf to name its JIT-compiled frames (a perf map, and W^X off so the map's addresses are
#                              the code's), otherwise nothing
#   SILO_DLL, LOADGEN_DLL      the built node and load generator
SILO_DLL=artifacts/bin/Silo/release/OrleansRecorder.Silo.dll
LOADGEN_DLL=artifacts/bin/LoadGenerator/release/OrleansRecorder.LoadGenerator.dll

bench_work() {
  work=$(mktemp -d "/tmp/recorder-$1-XXXX")
  echo "work directory: $work"
}

bench_build() {
  local project
  for project in src/Silo tools/LicenseTool "${@/#/tools/}"; do
    dotnet build "$project" -c Release -nologo -clp:ErrorsOnly >/dev/null
  done
  if [ "${R2R:-0}" = 1 ]; then
    dotnet publish src/Silo -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      -o artifacts/publish/silo-r2r -nologo -clp:ErrorsOnly >/dev/null
    SILO_DLL=artifacts/publish/silo-r2r/OrleansRecorder.Silo.dll
    echo "node: ReadyToRun publish ($SILO_DLL)"
  fi
}

bench_licence() {
  local tool=(dotnet artifacts/bin/LicenseTool/release/OrleansRecorder.LicenseTool.dll)
  [ -f "$work/key.pem" ] || "${tool[@]}" keygen --private "$work/key.pem" --public "$work/public.pem" >/dev/null
  "${tool[@]}" issue --private "$work/key.pem" --node "$1" --role "${3:-primary}" --channels "$2" --days 1 \
    --out "$work/$1.lic" >/dev/null
}

# For a run that loads the node past its call capacity (500 calls per processor unless set) on purpose: the cap off,
# so the media and set-up paths are measured rather than the capacity's 503s (CALL_CAPACITY sets it instead).
bench_uncapped() { export Recorder__Sip__CallCapacity=${CALL_CAPACITY:-0}; }

bench_ready() {
  local tries=$(( ${2:-60} * 4 ))
  for _ in $(seq 1 "$tries"); do
    curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0
    sleep 0.25
  done
  return 1
}

bench_tones() {
  python3 - "$work" "$1" <<'PY'
import math, os, sys
work, seconds = sys.argv[1], float(sys.argv[2])
def ulaw(x):  # G.711 u-law of a 16-bit sample
    s = 0x80 if x < 0 else 0; x = min(abs(x), 32635) + 132; e = 7
    while e > 0 and not (x & (0x4000 >> (7 - e))): e -= 1
    return (~(s | (e << 4) | ((x >> (e + 3)) & 0x0F))) & 0xFF
for leg, f in (("near", 600), ("far", 1400)):
    os.makedirs(f"{work}/{leg}", exist_ok=True)
    period = [ulaw(int(8000 * math.sin(2 * math.pi * f * i / 8000))) for i in range(40)]  # 5 ms: both tones repeat exactly
    open(f"{work}/{leg}/leg.ulaw", "wb").write(bytes(period * int(seconds * 200)))
PY
}

bench_node() {
  local name=$1 role=$2 sip=$3 http=$4 silo=$5 gateway=$6 rtp=$7
  shift 7
  mkdir -p "$work/$name"
  [ -f "$work/kek.key" ] || (umask 077; head -c 32 /dev/urandom | base64 > "$work/kek.key")
  # (env, not export: a configuration key with dots is not a shell identifier)
  env Recorder__DataDirectory="$work/$name" Recorder__Node__Name="$name" Recorder__Node__Role="$role" \
      Recorder__Cluster__ConnectionString="Data Source=$work/cluster.db;Default Timeout=30;Pooling=True" \
      Recorder__Sip__ListenAddress=127.0.0.1 Recorder__Sip__Port="$sip" ASPNETCORE_URLS="http://127.0.0.1:$http" \
      Orleans__ClusterId="$BENCH_CLUSTER" Orleans__Endpoints__SiloPort="$silo" Orleans__Endpoints__GatewayPort="$gateway" \
      Recorder__Rtp__PortMin="$rtp" Recorder__Rtp__PortMax=$(( rtp + 999 )) Recorder__Auth__AdminApiKey="$BENCH_CLUSTER" \
      Recorder__License__File="$work/$BENCH_LICENCE.lic" Recorder__License__PublicKey="$work/public.pem" \
      Recorder__Encryption__Keys__0__Id=bench Recorder__Encryption__Keys__0__KeyFile="$work/kek.key" \
      Logging__LogLevel__Default=Warning Logging__LogLevel__OrleansRecorder.Silo.Storage=Information \
      Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ " \
      Logging__Console__FormatterOptions__UseUtcTimestamp=true Logging__Console__FormatterOptions__SingleLine=true \
      "$@" dotnet "$SILO_DLL" > "$work/$name.log" 2>&1 &
  echo $!
}

bench_cpu_seconds() {
  awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"
}

bench_perf_env() {
  perf_env=()
  if [ "${PERF:-0}" = 1 ]; then perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
}
