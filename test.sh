#!/usr/bin/env bash
# The test command (README): installs what the tests need, builds, runs every test project (unit and end-to-end
# against real silo processes driven by sipp), and ends with the totals alone on a line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

bash infra/scripts/install-test-deps.sh || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }

# The tests start the shared PostgreSQL (55432) and Azurite (10000) on demand. Whatever of the two this run started
# is stopped again on every exit path; one that was already up (an engineer's own, another run's) is left alone.
pg_pidfile=/tmp/orleans-recorder-pg-55432/postmaster.pid
azurite_pidfile=/tmp/orleans-recorder-azurite-10000.pid
pg_running() { [ -f "$pg_pidfile" ] && kill -0 "$(head -n 1 "$pg_pidfile" 2>/dev/null)" 2>/dev/null; }
azurite_running() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:10000/devstoreaccount1?comp=list" 2>/dev/null; }
pg_was_up=0; pg_running && pg_was_up=1
azurite_was_up=0; azurite_running && azurite_was_up=1
stop_what_we_started() {
  if [ "$pg_was_up" -eq 0 ] && pg_running; then
    bash infra/scripts/stop-postgres.sh 55432 >/dev/null 2>&1 || true
  fi
  if [ "$azurite_was_up" -eq 0 ] && azurite_running && [ -f "$azurite_pidfile" ]; then
    kill "$(cat "$azurite_pidfile")" 2>/dev/null || true
    rm -f "$azurite_pidfile"
  fi
}
trap stop_what_we_started EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p artifacts
log=artifacts/test-output.log
dotnet build OrleansRecorder.sln -nologo -clp:ErrorsOnly 2>&1 | tee artifacts/build-output.log
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test --solution OrleansRecorder.sln --no-build --no-progress "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints one summary per run: "  total: N", "  failed: N", "  succeeded: N", "  skipped: N".
total=$(grep -E '^\s+total: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
skipped=$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+')
total=${total:-0}; failed=${failed:-0}; passed=${passed:-0}; skipped=${skipped:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without counting a failed test (crash, no tests found): count it as one failure.
  failed=1
fi
if [ "$total" -eq 0 ]; then
  echo "no tests ran"
  failed=$((failed > 0 ? failed : 1))
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
