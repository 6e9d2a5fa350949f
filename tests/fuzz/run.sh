#!/usr/bin/env bash
# run.sh - build the libFuzzer harnesses (clang) and run each for N seconds.
# usage: tests/fuzz/run.sh [SECONDS] [HARNESS...]   (default 10 s, every harness)
#   JOBS=N     build parallelism (default 2)
#   PARALLEL=N harnesses run at once (default 1)
# Corpora: tests/fuzz/corpus/<harness>/ (seeds, committed); new inputs found
# during a run go to build-fuzz/corpus/<harness>/ so the tree stays clean.
# A crash leaves its input in tests/fuzz/crashes/ and fails the run; copy it
# to tests/fuzz/regressions/<harness>/ once fixed (ctest replays those).
# Only the fuzz targets are built, so a unit test that clang rejects does not
# stop the fuzzing.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
shift || true
if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for src in tests/fuzz/fuzz_*.c; do names+=("$(basename "$src" .c)"); done
fi
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSND_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}" --target "${names[@]}" >/dev/null
mkdir -p tests/fuzz/crashes

run_one() {
  local name=$1 seeds=tests/fuzz/corpus/$1 work=build-fuzz/corpus/$1 dict=()
  mkdir -p "$seeds" "$work"
  [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
  if ASAN_OPTIONS=detect_leaks=1 build-fuzz/tests/fuzz/"$name" "$work" "$seeds" "${dict[@]}" \
       -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix=tests/fuzz/crashes/"$name"- -print_final_stats=1 \
       > "build-fuzz/$name.log" 2>&1; then
    printf '%-22s ok: %s runs\n' "$name" \
      "$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/$name.log" | grep -o '[0-9]*$')"
  else
    printf '%-22s FAILED (see build-fuzz/%s.log)\n' "$name" "$name"
    tail -30 "build-fuzz/$name.log"
    return 1
  fi
}

status=0
par=${PARALLEL:-1}
pids=()
for name in "${names[@]}"; do
  run_one "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$par" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
