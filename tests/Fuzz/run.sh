#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser with AFL++ and SharpFuzz, bounded in time.
#   tests/Fuzz/run.sh <sip|sdp|rtp> <seconds>
# Installs AFL++ (Debian package afl++) and the sharpfuzz tool if missing, publishes the harness in Release,
# instruments the parser assembly, runs afl-fuzz for <seconds> (-V), and copies any crashes and hangs into
# tests/Fuzz/findings/<target>/. Reproduce one with:
#   dotnet <publish-dir>/OrleansRecorder.Fuzz.dll <target> tests/Fuzz/findings/<target>/<file>
set -euo pipefail

target=${1:?usage: run.sh <sip|sdp|rtp> <seconds>}
seconds=${2:?usage: run.sh <sip|sdp|rtp> <seconds>}
case "$target" in sip|sdp|rtp) ;; *) echo "unknown target '$target'" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-/tmp/orleansrecorder-fuzz}
publish=$work/publish
out=$work/out-$target

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++
fi

export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
fi

rm -rf "$publish"
dotnet publish "$here/Fuzz.csproj" -c Release -o "$publish" -v quiet -nologo
# Instrument only the parsers (not SharpFuzz, NAudio or the runtime): coverage there is what guides AFL.
sharpfuzz "$publish/OrleansRecorder.Fuzz.Parsers.dll"

# AFL's checks for an instrumented binary and for the core pattern do not apply to a managed fork server.
export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 DOTNET_TieredPGO=0

mkdir -p "$out"
# -t: ms per input (a cold .NET start is slow); -m none: the CLR reserves far more address space than AFL's default cap.
afl-fuzz -i "$here/seeds/$target" -o "$out" -V "$seconds" -t 5000 -m none \
  -- dotnet "$publish/OrleansRecorder.Fuzz.dll" "$target" | tail -n 40

stats=$out/default/fuzzer_stats
if [[ -f $stats ]]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs)' "$stats"
fi

found=0
for kind in crashes hangs; do
  for file in "$out"/default/"$kind"/id*; do
    [[ -e $file ]] || continue
    mkdir -p "$here/findings/$target"
    cp "$file" "$here/findings/$target/$kind-$(basename "$file" | tr ':,' '__')"
    found=$((found + 1))
  done
done
echo "$target: $found finding(s) copied to tests/Fuzz/findings/$target"
