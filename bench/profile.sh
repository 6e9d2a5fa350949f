#!/bin/bash
# bench/profile.sh - where the collector's and the tally's time goes.
#
#   bench/profile.sh callgrind api_cold|api_reuse|flow|chair   instructions per request
#   bench/profile.sh perf      api_cold|api_reuse|flow|chair   cpu-clock samples under load
#   bench/profile.sh callgrind tally|perf tally                tally summary over 100k
#
# Uses the binaries and data that bench/run.sh left in build-bench and
# bench/out (run it once first).  Reports go to bench/out/profile/: for
# callgrind the annotated listing (inclusive and self) and the Ir per request;
# for perf the flat profile by symbol and a caller view.  Holds
# /tmp/bench.lock like run.sh.  Load only on 127.0.0.1.  env SERVE_EXTRA:
# options added to the `collector serve` line (as in run.sh).
set -euo pipefail
SELF=$(readlink -f "$0")
if [ -z "${BENCH_LOCKED:-}" ]; then
    exec env BENCH_LOCKED=1 flock /tmp/bench.lock "$SELF" "$@"
fi
BENCH=$(dirname "$SELF")
ROOT=$(dirname "$BENCH")
BUILD=${BUILD:-$ROOT/build-bench}
OUT=${OUT:-$BENCH/out}
PORT=${PORT:-39202}
FORM=$ROOT/forms/lsg-review.json
P=$OUT/profile
mkdir -p "$P"
tool=${1:-}
what=${2:-}
case "$tool/$what" in
callgrind/api_cold | callgrind/api_reuse | callgrind/flow | callgrind/chair | \
perf/api_cold | perf/api_reuse | perf/flow | perf/chair | callgrind/tally | perf/tally) ;;
*) sed -n '2,12p' "$SELF" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
[ -x "$BUILD/collector" ] && [ -x "$OUT/load" ] && [ -s "$OUT/tokens.txt" ] || {
    echo "profile.sh: run bench/run.sh first (needs $BUILD and $OUT)" >&2
    exit 1
}
say() { echo "profile: $*" >&2; }
name=${tool}_$what

if [ "$what" = tally ]; then
    db=$OUT/tally-100000.db
    cmd=("$BUILD/tally" summary --db "$db" --form "$BENCH/tally-form.json" --format json)
    if [ "$tool" = callgrind ]; then
        valgrind --tool=callgrind --callgrind-out-file="$P/$name.out" "${cmd[@]}" > /dev/null 2> "$P/$name.log"
        callgrind_annotate --inclusive=yes "$P/$name.out" > "$P/$name.incl.txt" 2> /dev/null || true
        callgrind_annotate "$P/$name.out" > "$P/$name.self.txt" 2> /dev/null || true
        say "Ir per response: $(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%.0f", $1 / 100000 }' "$P/$name.self.txt")"
    else
        perf record -q -e cpu-clock -F 4999 -g -o "$P/$name.data" "${cmd[@]}" > /dev/null 2> /dev/null
        perf report -i "$P/$name.data" --stdio --no-children -g none --percent-limit 0.3 --sort dso,symbol 2> /dev/null |
            { grep -v '^#' | grep '%' || true; } | head -60 > "$P/$name.flat.txt"
    fi
    say "reports in $P/$name.*"
    exit 0
fi

# valgrind cannot run the collector's seccomp filter (it does not know the
# seccomp syscall): `serve --no-sandbox` is for that; a collector without
# that option is profiled as a copy built without libseccomp (pkg-config
# made blind to it), Landlock then reporting "unavailable".  The request
# path is the same code either way.
COLLECTOR=$BUILD/collector
NOSANDBOX=()
if [ "$tool" = callgrind ] && "$COLLECTOR" serve --help | grep -q -- --no-sandbox; then
    NOSANDBOX=(--no-sandbox)
elif [ "$tool" = callgrind ]; then
    PROF=${PROF_BUILD:-$ROOT/build-prof}
    pc=$OUT/pkgconfig-noseccomp
    rm -rf "$pc"
    mkdir -p "$pc"
    for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
        for f in "$d"/*.pc; do
            [ -e "$f" ] || continue
            case ${f##*/} in libseccomp.pc) ;; *) ln -sf "$f" "$pc/" ;; esac
        done
    done
    say "building a collector without seccomp for valgrind in $PROF"
    PKG_CONFIG_LIBDIR=$pc cmake -S "$ROOT" -B "$PROF" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_C_FLAGS="-g -Wno-error=maybe-uninitialized" > "$P/cmake-prof.log" 2>&1 ||
        { cat "$P/cmake-prof.log" >&2; exit 1; }
    cmake --build "$PROF" -j2 --target collector > "$P/build-prof.log" 2>&1 ||
        { tail -20 "$P/build-prof.log" >&2; exit 1; }
    COLLECTOR=$PROF/collector
fi

SERVER_PID=
WRK_PID=
trap '[ -n "$WRK_PID" ] && kill "$WRK_PID" 2> /dev/null; [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2> /dev/null; true' EXIT
db=$OUT/profile.db
rm -f "$db" "$db-wal" "$db-shm"
serve=("$COLLECTOR" serve --form "$FORM" --db "$db" --issuer-pub "$OUT/keys/issuer.public"
       --receipt-key "$OUT/keys/receipt.secret" --listen "127.0.0.1:$PORT" --allow-root
       --max-revisions 0 --revision-rate 0
       --log-level warn "${NOSANDBOX[@]}" ${SERVE_EXTRA:-})
# (the revision limits off, as in run.sh: api_reuse revises 1,000 delegates
# far past 30 a minute, and would otherwise profile 429 answers)
if [ "$tool" = callgrind ]; then
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$P/$name.out" \
        "${serve[@]}" 2> "$P/$name.log" &
else
    "${serve[@]}" 2> "$P/$name.log" &
fi
SERVER_PID=$!
up=0
for _ in $(seq 1200); do # valgrind may need a while to start
    if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then up=1; break; fi
    sleep 0.05
done
[ "$up" = 1 ] || { echo "profile.sh: the collector did not come up (see $P/$name.log)" >&2; exit 1; }

# callgrind: few connections, a fixed time (valgrind runs ~50x slower);
# perf: the benchmark's own load.  The API and flow loads are bench/load.c,
# as in run.sh; the chair screens are wrk + chair.lua.
URL=http://127.0.0.1:$PORT/
LIMIT=0
case $what in
api_cold) mode=api bodies=$OUT/bodies.json c=64 ;;
api_reuse) mode=api bodies=$OUT/bodies.json c=64 LIMIT=1000 ;;
flow) mode=flow bodies=$OUT/bodies.url c=64 ;;
chair) mode=chair c=4 ;;
esac
client() { # DURATION CONNS OFFSET: the scenario's load on the collector
    if [ "$mode" = chair ]; then
        env BENCH_DIR="$BENCH" NTHREADS=1 TOKENS="$OUT/chairs.txt" DELAY_MS=0 \
            wrk -t1 -c"$2" -d"$1" --timeout 30s -s "$BENCH/chair.lua" "$URL"
    else
        "$OUT/load" "$mode" -c "$2" -d "$1" --timeout 30 --tokens "$OUT/tokens.txt" \
            --bodies "$bodies" --limit "$LIMIT" --offset "$3" "$URL"
    fi
}
if [ "$tool" = callgrind ]; then
    if [ "$what" = flow ]; then c=4; elif [ "$mode" = api ]; then c=8; fi
    # warm up (first requests: prepared statements, caches, page buffers)
    # (cold runs on other tokens: --offset, so the measured requests are as
    # cold as in run.sh; reuse runs on the same ones, as they are meant warm)
    woff=0
    if [ "$mode" != chair ] && [ "$LIMIT" = 0 ]; then woff=200000; fi
    client 3 "$c" "$woff" > "$P/$name.warm.txt"
    callgrind_control -i on "$SERVER_PID" > /dev/null
    if [ "$what" = chair ]; then # submissions meanwhile, so views recompute
        "$OUT/load" api -c 2 -d 20 --timeout 30 --tokens "$OUT/tokens.txt" \
            --bodies "$OUT/bodies.json" --limit 1000 "$URL" > "$P/$name.api.txt" &
        WRK_PID=$!
    fi
    client 20 "$c" 0 > "$P/$name.wrk.txt"
    callgrind_control -i off "$SERVER_PID" > /dev/null
    if [ -n "$WRK_PID" ]; then wait "$WRK_PID" || true; WRK_PID=; fi
else
    client 12 "$c" 0 > "$P/$name.wrk.txt" &
    WRK_PID=$!
    sleep 1
    perf record -q -e cpu-clock -F 1999 -g -p "$SERVER_PID" -o "$P/$name.data" -- sleep 10 2> /dev/null
    wait "$WRK_PID" || true
    WRK_PID=
fi
kill "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=
reqs=$(awk '$1 == "REQUESTS" { print $2 }' "$P/$name.wrk.txt")
if [ "$tool" = callgrind ]; then
    callgrind_annotate --inclusive=yes "$P/$name.out" > "$P/$name.incl.txt" 2> /dev/null || true
    callgrind_annotate "$P/$name.out" > "$P/$name.self.txt" 2> /dev/null || true
    say "requests profiled: $reqs; Ir per request: $(awk -v n="$reqs" '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%.0f", $1 / n }' "$P/$name.self.txt")"
else
    perf report -i "$P/$name.data" --stdio --no-children -g none --percent-limit 0.3 --sort dso,symbol 2> /dev/null |
        { grep -v '^#' | grep '%' || true; } | head -60 > "$P/$name.flat.txt"
    perf report -i "$P/$name.data" --stdio --no-children -g none --sort comm 2> /dev/null |
        { grep -v '^#' | grep '%' || true; } | head -20 > "$P/$name.threads.txt"
    say "requests during the profile: $reqs"
fi
say "reports in $P/$name.*"
