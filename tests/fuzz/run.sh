#!/usr/bin/env bash
# run.sh - build the libFuzzer harnesses (clang) and run each for N seconds.
# usage: tests/fuzz/run.sh [SECONDS]   (default 10)
# Corpora: tests/fuzz/corpus/<harness>/ (seeds, committed); new inputs found
# during a run go to build-fuzz/corpus/<harness>/ so the tree stays clean.
# A crash leaves its input in tests/fuzz/crashes/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSND_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "${JOBS:-$(nproc)}" >/dev/null
mkdir -p tests/fuzz/crashes
status=0
for src in tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  seeds=tests/fuzz/corpus/$name
  work=build-fuzz/corpus/$name
  mkdir -p "$seeds" "$work"
  dict=()
  [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
  printf '%-22s ' "$name"
  if ASAN_OPTIONS=detect_leaks=1 build-fuzz/tests/fuzz/"$name" "$work" "$seeds" "${dict[@]}" \
       -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix=tests/fuzz/crashes/"$name"- -print_final_stats=1 \
       > "build-fuzz/$name.log" 2>&1; then
    echo "ok: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "build-fuzz/$name.log" | grep -o '[0-9]*$') runs"
  else
    echo "FAILED (see build-fuzz/$name.log)"; tail -30 "build-fuzz/$name.log"; status=1
  fi
done
exit $status
