#!/usr/bin/env bash
# valgrind.sh - memcheck for Sounding: builds without sanitizers (build-valgrind/),
# runs every unit test under valgrind, and every integration test with the
# collector and tally programs under valgrind (the harness starts them from
# SND_COLLECTOR / SND_TALLY, pointed here at wrappers that exec valgrind).
#
# usage: tests/valgrind.sh [REGEX]    (only tests whose name matches REGEX)
#   JOBS=N  build parallelism (default 2)
# Prints one line per test and per valgrind'ed process with errors, then
# CLEAN or UNCLEAN; exits 0 only when every test passed and valgrind found
# no error and no definite leak anywhere.  Logs: build-valgrind/vg/.
# valgrind has neither seccomp(2) nor Landlock: `collector serve` runs with
# --no-sandbox, test_sandbox is skipped, and the one check that looks for the
# sandbox's log line is listed below as an expected failure.  Processes killed
# on purpose (it_crash) leave logs without a summary; they are not counted.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
b=$root/build-valgrind
vg=$b/vg
filter=${1:-.}
cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSND_SANITIZE=OFF >/dev/null || exit 2
cmake --build "$b" -j "${JOBS:-2}" >/dev/null || { echo "build failed"; exit 2; }
rm -rf "$vg" && mkdir -p "$vg"

VG=(valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99
    --show-leak-kinds=definite --num-callers=30 --track-fds=no)
# Wrappers: one log per process (%p), errors make the process exit 99.
# valgrind implements neither seccomp(2) nor Landlock, so `collector serve`
# runs with --no-sandbox here (the sandbox is tested natively: test_sandbox).
for prog in collector tally; do
  cat > "$vg/$prog" <<WRAP
#!/bin/sh
if [ "\$1" = serve ]; then shift; set -- serve --no-sandbox "\$@"; fi
exec ${VG[*]} --log-file=$vg/$prog.%p.log $b/$prog "\$@"
WRAP
  chmod +x "$vg/$prog"
done

export SND_SOURCE_DIR=$root SND_TEST_DATA=$root/tests/data
export CK_DEFAULT_TIMEOUT=120 CK_TIMEOUT_MULTIPLIER=10
status=0
# Checks that cannot pass under valgrind, by design (test:check name).
# it_delegate looks for the sandbox's line in the log; serve runs --no-sandbox here.
expected="it_delegate:test_delegate_access_log_has_no_secrets_or_answers"
run() { # name, command...
  local name=$1 rc failing unexpected; shift
  printf '%-28s ' "$name"
  "$@" > "$vg/$name.out" 2>&1
  rc=$?
  if [ $rc = 0 ]; then echo "passed"; return; fi
  # Check prints FILE:LINE:F:SUITE:TEST:...; fail unless every failing check is expected
  failing=$(grep -oE ':[0-9]+:[FE]:[^:]*:[^:]*' "$vg/$name.out" | awk -F: '{print $5}' | sort -u)
  unexpected=0
  for t in $failing; do [[ " $expected " == *" $name:$t "* ]] || unexpected=1; done
  if [ -n "$failing" ] && [ $unexpected = 0 ]; then
    echo "passed but for expected failure(s) under valgrind: $failing"
  else
    echo "FAILED (exit $rc, see $vg/$name.out)"; status=1
  fi
}
for t in "$b"/tests/test_*; do
  name=$(basename "$t")
  [[ $name =~ $filter ]] || continue
  if [ "$name" = test_sandbox ]; then
    printf '%-28s skipped (seccomp and Landlock do not exist under valgrind)\n' "$name"
    continue
  fi
  SND_COLLECTOR=$vg/collector SND_TALLY=$vg/tally \
    run "$name" "${VG[@]}" --log-file="$vg/$name.%p.log" "$t"
done
for t in "$b"/tests/it_*; do
  name=$(basename "$t")
  [[ $name =~ $filter ]] || continue
  SND_COLLECTOR=$vg/collector SND_TALLY=$vg/tally run "$name" "$t"
done

# Every valgrind log: errors and definite leaks.
bad=0 logs=0
for l in "$vg"/*.log; do
  [ -f "$l" ] || continue
  logs=$((logs + 1))
  errs=$(grep -o 'ERROR SUMMARY: [0-9]*' "$l" | tail -1 | grep -o '[0-9]*$')
  def=$(grep -o 'definitely lost: [0-9,]* bytes' "$l" | tail -1 | tr -d , | grep -o '[0-9]*' | head -1)
  if [ -z "$errs" ]; then
    continue # the process was killed (SIGKILL rounds) or is a shell: no summary
  fi
  if [ "$errs" != 0 ] || [ "${def:-0}" != 0 ]; then
    echo "valgrind: $(basename "$l"): $errs error(s), ${def:-0} bytes definitely lost"
    bad=1
  fi
done
echo "valgrind: $logs process logs read"
if [ $status = 0 ] && [ $bad = 0 ]; then echo CLEAN; exit 0; fi
echo UNCLEAN; exit 1
