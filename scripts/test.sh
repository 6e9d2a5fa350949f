#!/usr/bin/env bash
# test.sh - set up and run the whole test suite:
#   1. install missing Debian packages (and the browser and API tests' npm packages),
#   2. build with warnings as errors and run every ctest test,
#   3. build again with AddressSanitizer + UndefinedBehaviorSanitizer and rerun,
#   4. build Release with gcc and with clang (-O3 warnings, a second compiler),
#   5. run each libFuzzer harness for a short smoke (FUZZ_SECONDS, default 10).
# The Chromium browser tests run in step 2 as the ctest `browser.chromium`, the
# API contract test (docs/openapi.json against the real collector) as `api.contract`.
# Env: JOBS (default: nproc), FUZZ_SECONDS, SKIP_BROWSER=1, SKIP_API=1, SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}

sets=(build test)
[ "${SKIP_BROWSER:-0}" = 1 ] || sets+=(browser)
[ "${SKIP_API:-0}" = 1 ] || sets+=(api)
scripts/deps.sh "${sets[@]}"

browser=OFF
if [ "${SKIP_BROWSER:-0}" != 1 ] && [ -f tests/browser/package.json ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  browser=ON
fi
api=OFF
if [ "${SKIP_API:-0}" != 1 ] && [ -f tests/api/package.json ]; then
  (cd tests/api && npm ci --no-audit --no-fund --loglevel=error)
  api=ON
fi

step() { printf '\n== %s ==\n' "$*"; }

step "release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSND_WERROR=ON -DSND_BROWSER_TESTS=$browser -DSND_API_TESTS=$api >/dev/null
cmake --build build -j "$JOBS"
(cd build && ctest --output-on-failure -j "$JOBS")

step "AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSND_WERROR=ON -DSND_SANITIZE=ON -DSND_API_TESTS=$api >/dev/null
cmake --build build-asan -j "$JOBS"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j "$JOBS")

step "Release builds with gcc and clang (what packagers build; warnings as errors)"
for cc in gcc clang; do
  CC=$cc cmake -S . -B "build-release-$cc" -DCMAKE_BUILD_TYPE=Release -DSND_WERROR=ON >/dev/null
  cmake --build "build-release-$cc" -j "$JOBS" > "build-release-$cc.log" 2>&1 ||
    { grep -E 'error|warning' "build-release-$cc.log"; exit 1; }
  echo "$cc Release: built"
done

if [ "${SKIP_FUZZ:-0}" != 1 ] && ls tests/fuzz/fuzz_*.c >/dev/null 2>&1; then
  step "fuzz smoke (${FUZZ_SECONDS}s per harness)"
  tests/fuzz/run.sh "$FUZZ_SECONDS"
fi
echo
echo "all test stages passed"
