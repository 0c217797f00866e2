#!/bin/sh
# Proves that ThreadSanitizer sees exactly CUDA's ordering in the emulated runtime: the correct
# program (streams ordered by an event, pinned memory reused after a synchronize) is silent,
# and each planted bug -- a missing cudaStreamWaitEvent between the upload and the compute
# stream, pinned memory refilled while its copy may still run -- is reported as a data race.
# Usage: runtime_race_check.sh <runtime_race_probe built with -fsanitize=thread>
set -u
probe=${1:?usage: $0 <runtime_race_probe built with -fsanitize=thread>}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
TSAN_OPTIONS="exitcode=66 halt_on_error=0 ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS
failed=0

# expect <mode> clean|race
expect() {
  "$probe" "$1" >"$log" 2>&1
  status=$?
  races=$(grep -c 'WARNING: ThreadSanitizer: data race' "$log")
  if [ "$2" = clean ] && [ "$status" -eq 0 ] && [ "$races" -eq 0 ]; then
    echo "ok: $1 is race-free"
  elif [ "$2" = race ] && [ "$status" -eq 66 ] && [ "$races" -gt 0 ]; then
    echo "ok: $1 is reported ($races race reports)"
  else
    echo "FAILED: $1 should be $2 (exit status $status, $races race reports):"
    cat "$log"
    failed=1
  fi
}

expect correct clean
expect missing-wait race
expect early-reuse race
exit $failed
