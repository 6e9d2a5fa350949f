#!/bin/bash
# bench/run.sh - build Release, run every Sounding benchmark and print one
# "NAME value unit" line per figure on stdout, ending with the ratios to the
# bound (../shared/bench-limits, when present) and to the targets of issue 6.
# Progress and diagnostics go to stderr; the figures are also kept in
# bench/out/last-run.txt.  See bench/README.md.
#
#   bench/run.sh            full run (about 3.5 minutes, 3 more the first time:
#                           it generates 300k tokens and a 1M-response database)
#   bench/run.sh --quick    short runs (3 s), tally on 100k only, no chair-cold
#   options: --no-limits (skip the bound), --regen (regenerate cached data),
#            --data (build and make the data only, measure nothing)
#   env: PORT (default 39201, 127.0.0.1 only), DURATION (of each load,
#        default 10s), BUILD (default build-bench), OUT (default bench/out),
#        SERVE_EXTRA (options added to every `collector serve` line, default
#        none; e.g. "--receipt-mode tree" in a tree with the prototype of
#        bench/prototypes/merkle-receipts.md applied)
#
# The API and delegate-flow loads are driven by bench/load.c (a C client,
# built here with the collector); the API loads are run once more with wrk
# and bench/api.lua under the names api_cold_wrk_* and api_reuse_wrk_*, as
# the bound is measured with wrk.  The chair screens stay on wrk (chair.lua).
#
# The whole run holds /tmp/bench.lock (flock), like the shared run.sh, so no
# two load tests overlap; the shared run.sh is called with BENCH_LOCKED=1.
set -euo pipefail
SELF=$(readlink -f "$0")
if [ -z "${BENCH_LOCKED:-}" ]; then
    exec env BENCH_LOCKED=1 flock /tmp/bench.lock "$SELF" "$@"
fi
BENCH=$(dirname "$SELF")
ROOT=$(dirname "$BENCH")
BUILD=${BUILD:-$ROOT/build-bench}
OUT=${OUT:-$BENCH/out}
PORT=${PORT:-39201}
LIMITS=$ROOT/../shared/bench-limits/run.sh
QUICK=0 RUN_LIMITS=1 REGEN=0 DATA_ONLY=0
for a in "$@"; do
    case $a in
    --quick) QUICK=1 ;;
    --no-limits) RUN_LIMITS=0 ;;
    --regen) REGEN=1 ;;
    --data) DATA_ONLY=1 ;;
    -h|--help) sed -n '2,/^[^#]/p' "$SELF" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    DURATION=${DURATION:-3s}; TALLY_NS="100000"
else
    DURATION=${DURATION:-10s}; TALLY_NS="100000 1000000"
fi
DUR_S=${DURATION%s}
COLD_TOKENS=300000     # >= requests of a cold run (each token used once)
REUSE_TOKENS=1000      # delegates revising
CHAIRS=50              # chair screens, refreshing every CHAIR_MS
CHAIR_MS=2000
FORM=$ROOT/forms/lsg-review.json
TALLY_FORM=$BENCH/tally-form.json   # the LSG questions plus two multi: all 8 types
mkdir -p "$OUT"
FIG=$OUT/last-run.txt
: > "$FIG"
: > "$OUT/collector.log"

say() { echo "bench: $*" >&2; }
fig() { echo "$1 $2 $3" | tee -a "$FIG"; }   # NAME value unit

for tool in wrk sqlite3 cmake pkg-config flock /usr/bin/time; do
    command -v "$tool" > /dev/null || {
        echo "run.sh: '$tool' is missing (Debian: apt-get install wrk sqlite3 cmake gcc pkg-config util-linux time)" >&2
        exit 1
    }
done

# ---- build ----------------------------------------------------------------
# Release (-O3) plus -g for profiles (no change to the code generated),
# without -DSND_WERROR (a warning must not stop a benchmark; the test
# command builds Release with warnings as errors).  SND_BENCH=ON adds the
# bench tools (bench/CMakeLists.txt); they are copied to $OUT, where the
# profiles and the other scripts look for them.
say "building Release in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSND_BENCH=ON \
    -DCMAKE_C_FLAGS="-g" > "$OUT/cmake.log" 2>&1 ||
    { cat "$OUT/cmake.log" >&2; exit 1; }
cmake --build "$BUILD" -j2 --target sounding collector tally gen micro load > "$OUT/build.log" 2>&1 ||
    { tail -30 "$OUT/build.log" >&2; exit 1; }
for prog in gen micro load; do
    cp -f "$BUILD/bench/$prog" "$OUT/$prog"
done
COLLECTOR=$BUILD/collector
TALLY=$BUILD/tally
GEN=$OUT/gen
LOAD=$OUT/load
"$LOAD" selftest >&2 || { echo "run.sh: the load client's selftest failed" >&2; exit 1; }

# ---- data (cached in $OUT) ---------------------------------------------------
if [ ! -f "$OUT/keys/issuer.secret" ]; then
    rm -rf "$OUT/keys"
    "$COLLECTOR" keygen --out "$OUT/keys" > /dev/null 2>&1
fi
# tokens live 30 days: remake them weekly, or when asked
if [ "$REGEN" = 1 ] || [ ! -s "$OUT/tokens.txt" ] ||
   [ -n "$(find "$OUT/tokens.txt" -mtime +7)" ] ||
   [ "$(( $(stat -c %s "$OUT/tokens.txt") / 720 ))" != "$COLD_TOKENS" ]; then
    say "issuing $COLD_TOKENS delegate tokens and $CHAIRS chair tokens"
    "$GEN" tokens --key "$OUT/keys/issuer.secret" --form "$FORM" -n "$COLD_TOKENS" \
        --seed 1 > "$OUT/tokens.txt.tmp"
    mv "$OUT/tokens.txt.tmp" "$OUT/tokens.txt"
    "$GEN" tokens --key "$OUT/keys/issuer.secret" --form "$FORM" -n "$CHAIRS" \
        --role chair --seed 2 > "$OUT/chairs.txt.tmp"
    mv "$OUT/chairs.txt.tmp" "$OUT/chairs.txt"
fi
"$GEN" answers --form "$FORM" -n 1000 --format json --seed 3 > "$OUT/bodies.json"
"$GEN" answers --form "$FORM" -n 1000 --format urlenc --seed 4 > "$OUT/bodies.url"

# tally databases: remade when the generator, the schema or the form changes
stamp=$( (cat "$BENCH/gen.c" "$TALLY_FORM"
          sed -n '/^static const char \*const migrations/,/^};/p' "$ROOT/core/store.c") |
        sha256sum | cut -c1-16)
for n in $TALLY_NS; do
    db=$OUT/tally-$n.db
    if [ "$REGEN" = 1 ] || [ ! -f "$db" ] || [ "$(cat "$db.stamp" 2>/dev/null)" != "$stamp" ]; then
        say "writing $n synthetic responses through the store into $db"
        rm -f "$db" "$db-wal" "$db-shm" "$db.stamp"
        /usr/bin/time -f "%e" -o "$OUT/gen-$n.time" \
            "$GEN" store --db "$db" --form "$TALLY_FORM" --receipt-key "$OUT/keys/receipt.secret" \
            -n "$n" --batch 1000 --seed 5
        echo "$stamp" > "$db.stamp"
        say "generated in $(cat "$OUT/gen-$n.time") s"
    fi
done

if [ "$DATA_ONLY" = 1 ]; then say "data ready in $OUT"; exit 0; fi

# ---- helpers ---------------------------------------------------------------
SERVER_PID=
BG_PID=
SYNC_PID=
# perf tracepoints (syscall counts) need root or perf_event_paranoid <= 1
HAVE_TP=0
if command -v perf > /dev/null &&
   perf stat -e syscalls:sys_enter_fdatasync -- true > /dev/null 2>&1; then HAVE_TP=1; fi
cleanup() {
    [ -n "$SYNC_PID" ] && kill "$SYNC_PID" 2> /dev/null || true
    [ -n "$BG_PID" ] && kill "$BG_PID" 2> /dev/null || true
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2> /dev/null || true
}
trap cleanup EXIT

# The revision limits (--max-revisions, --revision-rate) are off in every
# run: the reuse loads revise the same 1,000 delegates far past both
# (bench/README.md).
start_collector() { # DB [extra serve options...]
    local db=$1
    shift
    rm -f "$db" "$db-wal" "$db-shm"
    "$COLLECTOR" serve --form "$FORM" --db "$db" --issuer-pub "$OUT/keys/issuer.public" \
        --receipt-key "$OUT/keys/receipt.secret" --listen "127.0.0.1:$PORT" --allow-root \
        --max-revisions 0 --revision-rate 0 \
        --log-level warn ${SERVE_EXTRA:-} "$@" 2>> "$OUT/collector.log" &
    SERVER_PID=$!
    for _ in $(seq 100); do
        if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then return 0; fi
        sleep 0.05
    done
    echo "run.sh: the collector did not come up on port $PORT (see $OUT/collector.log)" >&2
    exit 1
}

stop_collector() { # SIGTERM: clean shutdown (commits everything queued)
    kill "$SERVER_PID"
    for _ in $(seq 150); do
        kill -0 "$SERVER_PID" 2> /dev/null || break
        sleep 0.1
    done
    if kill -KILL "$SERVER_PID" 2> /dev/null; then say "collector $SERVER_PID did not stop in 15 s: killed"; fi
    wait "$SERVER_PID" || true
    SERVER_PID=
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# CPU ticks of the collector's writer thread (the one besides main named
# "collector"; MHD names its workers "MHD-worker") and of the MHD workers
thread_ticks() { # PID -> "writer mhd"
    local t w=0 m=0 c
    for t in /proc/"$1"/task/*; do
        [ "${t##*/}" = "$1" ] && continue
        c=$(awk '{ print $14 + $15 }' "$t/stat" 2> /dev/null) || continue
        case $(cat "$t/comm" 2> /dev/null) in
        MHD-*) m=$((m + c)) ;;
        *) w=$((w + c)) ;;
        esac
    done
    echo "$w $m"
}
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

val() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; } # FILE KEY

# A load over the running collector is measured between meas_begin and
# meas_end: the collector's CPU (all, writer thread, MHD workers) and, with
# perf, its fdatasync calls.  The client's output (the same KEY value lines
# from load and from the wrk scripts) gives the rest.
M_T0= M_W0= M_M0=
meas_begin() { # NAME
    M_T0=$(cpu_ticks "$SERVER_PID")
    read -r M_W0 M_M0 <<< "$(thread_ticks "$SERVER_PID")"
    # count the writer's fdatasync calls (one per commit, plus checkpoints)
    # with a perf tracepoint counter: no measurable overhead
    rm -f "$OUT/syncs_$1.txt"
    if [ "$HAVE_TP" = 1 ]; then
        perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync \
            -p "$SERVER_PID" -o "$OUT/syncs_$1.txt" -- sleep "$DUR_S" 2> /dev/null &
        SYNC_PID=$!
    fi
}
# meas_end NAME FILE CLIENT_CPU_S COLD: prints rps, p50, p99, errors, the
# server's and the client's CPU per request, the threads' busy shares, the
# syncs; COLD=1 checks that no token was used twice.
meas_end() {
    local name=$1 f=$2 ccpu=$3 cold=$4 t1 w1 m1 reqs
    if [ -n "$SYNC_PID" ]; then wait "$SYNC_PID" || true; SYNC_PID=; fi
    t1=$(cpu_ticks "$SERVER_PID")
    read -r w1 m1 <<< "$(thread_ticks "$SERVER_PID")"
    reqs=$(val "$f" REQUESTS)
    fig "${name}_rps" "$(val "$f" RPS)" req/s
    fig "${name}_p50" "$(awk '$1=="P50_US"{printf "%.2f", $2/1000}' "$f")" ms
    fig "${name}_p99" "$(awk '$1=="P99_US"{printf "%.2f", $2/1000}' "$f")" ms
    fig "${name}_errors" "$(( $(val "$f" ERRORS) + $(val "$f" OTHER) ))" count
    fig "${name}_server_cpu_per_req" \
        "$(awk -v d=$((t1 - M_T0)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN{printf "%.1f", n ? d/hz/n*1e6 : 0}')" us
    # the load generator's own CPU (user + system) per request, on the same cores
    fig "${name}_client_cpu_per_req" "$(awk -v c="$ccpu" -v n="$reqs" 'BEGIN{ printf "%.1f", n ? c / n * 1e6 : 0 }')" us
    # busy share of one core over the run: 100 = that thread was saturated
    fig "${name}_writer_busy" "$(awk -v d=$((w1 - M_W0)) -v hz="$(getconf CLK_TCK)" -v s="$DUR_S" 'BEGIN{printf "%.0f", d/hz/s*100}')" "%core"
    fig "${name}_mhd_busy" "$(awk -v d=$((m1 - M_M0)) -v hz="$(getconf CLK_TCK)" -v s="$DUR_S" 'BEGIN{printf "%.0f", d/hz/s*100}')" "%core"
    if [ "$cold" = 1 ] && [ "$(val "$f" WRAPS)" != 0 ]; then
        say "WARNING: $name ran out of fresh tokens ($(val "$f" WRAPS) wraps): raise COLD_TOKENS"
    fi
    if [ -s "$OUT/syncs_$name.txt" ]; then
        local syncs rows
        syncs=$(awk -F, '$3 ~ /syscalls/ { n += $1 } END { print n + 0 }' "$OUT/syncs_$name.txt")
        rows=$(val "$f" CREATED)
        [ -n "$rows" ] || rows=$(val "$f" FLOWS)
        fig "${name}_syncs" "$syncs" count
        fig "${name}_rows_per_sync" "$(awk -v s="$syncs" -v n="$rows" 'BEGIN{printf "%.1f", s ? n/s : 0}')" rows
    fi
    grep '^FIRST_BAD' "$f" >&2 || true
}

# run_load NAME MODE CONNS LIMIT TOKENS BODIES: bench/load.c (MODE api or
# flow) over the collector, output in $OUT/load_NAME.txt.  LIMIT 0 = cold
# (each token once).  The client's CPU is its own getrusage over the load
# (its setup, mapping tokens and reading bodies, excluded).
run_load() {
    local name=$1 mode=$2 c=$3 limit=$4 tokens=$5 bodies=$6
    local f=$OUT/load_$name.txt
    meas_begin "$name"
    "$LOAD" "$mode" -t 2 -c "$c" -d "$DURATION" --timeout 10 --tokens "$tokens" --bodies "$bodies" \
        --limit "$limit" "http://127.0.0.1:$PORT/" > "$f"
    meas_end "$name" "$f" "$(awk '$1 == "CLIENT_CPU_US" { print $2 / 1e6 }' "$f")" \
        "$([ "$limit" = 0 ] && echo 1 || echo 0)"
}

# run_wrk NAME SCRIPT THREADS CONNS [extra env...]: wrk over the collector,
# output in $OUT/wrk_NAME.txt.  The client's CPU is wrk's user + system
# time from GNU time, its Lua setup (reading the token slices) included.
run_wrk() {
    local name=$1 script=$2 t=$3 c=$4
    shift 4
    meas_begin "$name"
    env BENCH_DIR="$BENCH" NTHREADS="$t" "$@" \
        /usr/bin/time -f "%U %S" -o "$OUT/wrk_cpu_$name.txt" \
        wrk -t"$t" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$BENCH/$script" \
        "http://127.0.0.1:$PORT/" > "$OUT/wrk_$name.txt"
    meas_end "$name" "$OUT/wrk_$name.txt" "$(awk '{ print $1 + $2 }' "$OUT/wrk_cpu_$name.txt")" \
        "$([[ " $* " == *" LIMIT=0 "* ]] && echo 1 || echo 0)"
}

# check_db NAME DB ACKED [UNACKED]: the database must hold every acknowledged
# revision; it may hold more, answered after the client stopped reading at
# the end of the run: at most one per connection, and with load.c at most
# UNACKED (POSTs sent whose answer it did not count).
check_db() {
    local name=$1 db=$2 acked=$3 bound=${4:-} rows
    rows=$(sqlite3 "$db" "SELECT count(*) FROM revision")
    fig "${name}_acked" "$acked" count
    fig "${name}_db_rows" "$rows" count
    fig "${name}_lost_acks" "$(( acked > rows ? acked - rows : 0 ))" count
    fig "${name}_stored_unacked" "$(( rows > acked ? rows - acked : 0 ))" count
    if [ -n "$bound" ] && [ "$rows" -gt "$(( acked + bound ))" ]; then
        say "WARNING: $name: $((rows - acked)) stored but unacknowledged, more than the $bound POSTs the client left unanswered"
    fi
}

# ---- environment -----------------------------------------------------------------
fig env_date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" -
fig env_nproc "$(nproc)" cores
fig env_kernel "$(uname -r)" -
fig env_load1 "$(cut -d' ' -f1 /proc/loadavg)" -
fig env_serve_extra "$(echo "${SERVE_EXTRA:-none}" | tr ' ' '_')" -
for p in libmicrohttpd12 libsodium23 libsqlite3-0 libcjson1 wrk; do
    fig "env_$p" "$(dpkg-query -W -f '${Version}' "$p" 2> /dev/null || echo '?')" -
done

# ---- the bound -------------------------------------------------------------------
if [ "$RUN_LIMITS" = 1 ] && [ -x "$LIMITS" ]; then
    say "running the bound: $LIMITS (DURATION=$DURATION)"
    BENCH_LOCKED=1 DURATION=$DURATION "$LIMITS" | tee "$OUT/limits.txt" | tee -a "$FIG"
elif [ "$RUN_LIMITS" = 1 ]; then
    say "no $LIMITS here: the bound and the ratios to it are skipped"
fi

# ---- the steps of a submission, one call at a time -----------------------------------
say "micro: the cost of each step of a submission on one core"
"$OUT/micro" "$OUT" "$FORM" | tee -a "$FIG"

# ---- API submissions ---------------------------------------------------------------
say "API, cold: every request a new token ($DURATION, 64 connections)"
start_collector "$OUT/api.db"
run_load api_cold api 64 0 "$OUT/tokens.txt" "$OUT/bodies.json"
fig collector_rss_after_api_cold "$(( $(rss_kb "$SERVER_PID" VmRSS) / 1024 ))" MB
fig collector_rss_peak_api_cold "$(( $(rss_kb "$SERVER_PID" VmHWM) / 1024 ))" MB
stop_collector
check_db api_cold "$OUT/api.db" "$(val "$OUT/load_api_cold.txt" CREATED)" \
    "$(val "$OUT/load_api_cold.txt" UNACKED_POSTS)"
if [ "$QUICK" = 0 ]; then # every hash, receipt and chain link of what was stored
    if "$TALLY" verify --db "$OUT/api.db" --receipt-pub "$OUT/keys/receipt.public" \
        > "$OUT/verify.txt" 2>&1; then ok=1; else ok=0; fi
    fig api_cold_db_verifies "$ok" "bool(tally verify)"
fi

say "API, cold, driven by wrk + api.lua (the bound's client) for comparison"
start_collector "$OUT/api.db"
run_wrk api_cold_wrk api.lua 2 64 TOKENS="$OUT/tokens.txt" BODIES="$OUT/bodies.json" LIMIT=0
stop_collector
check_db api_cold_wrk "$OUT/api.db" "$(val "$OUT/wrk_api_cold_wrk.txt" CREATED)" 64

say "API, reuse: $REUSE_TOKENS delegates revising"
start_collector "$OUT/api.db"
run_load api_reuse api 64 "$REUSE_TOKENS" "$OUT/tokens.txt" "$OUT/bodies.json"
stop_collector
check_db api_reuse "$OUT/api.db" "$(val "$OUT/load_api_reuse.txt" CREATED)" \
    "$(val "$OUT/load_api_reuse.txt" UNACKED_POSTS)"

say "API, reuse, driven by wrk + api.lua for comparison"
start_collector "$OUT/api.db"
run_wrk api_reuse_wrk api.lua 2 64 TOKENS="$OUT/tokens.txt" BODIES="$OUT/bodies.json" \
    LIMIT=$REUSE_TOKENS
stop_collector
check_db api_reuse_wrk "$OUT/api.db" "$(val "$OUT/wrk_api_reuse_wrk.txt" CREATED)" 64

if [ "$QUICK" = 0 ]; then
    say "API, reuse, with the access log on (--log-level info, the default)"
    start_collector "$OUT/api.db" --log-level info
    run_load api_reuse_log api 64 "$REUSE_TOKENS" "$OUT/tokens.txt" "$OUT/bodies.json"
    stop_collector
    check_db api_reuse_log "$OUT/api.db" "$(val "$OUT/load_api_reuse_log.txt" CREATED)" \
        "$(val "$OUT/load_api_reuse_log.txt" UNACKED_POSTS)"
    : > "$OUT/collector.log"
fi

# ---- full delegate flow --------------------------------------------------------------
say "full delegate flow: GET form + POST urlencoded with _csrf (64 connections)"
start_collector "$OUT/flow.db"
run_load flow flow 64 0 "$OUT/tokens.txt" "$OUT/bodies.url"
fig flows_per_s "$(awk -v n="$(val "$OUT/load_flow.txt" FLOWS)" -v d="$DUR_S" 'BEGIN{printf "%.0f", n/d}')" flows/s
stop_collector
check_db flow "$OUT/flow.db" "$(val "$OUT/load_flow.txt" FLOWS)" "$(val "$OUT/load_flow.txt" UNACKED_POSTS)"

# ---- submissions while chairs watch -----------------------------------------------------
chairs_run() { # NAME LIMIT: API submissions with $CHAIRS chair screens refreshing
    local name=$1 limit=$2
    start_collector "$OUT/chair.db"
    env BENCH_DIR="$BENCH" NTHREADS=1 TOKENS="$OUT/chairs.txt" DELAY_MS=$CHAIR_MS \
        wrk -t1 -c"$CHAIRS" -d"$((DUR_S + 2))s" --timeout 30s --latency -s "$BENCH/chair.lua" \
        "http://127.0.0.1:$PORT/" > "$OUT/wrk_${name}_views.txt" &
    BG_PID=$!
    sleep 1
    run_load "$name" api 64 "$limit" "$OUT/tokens.txt" "$OUT/bodies.json"
    wait "$BG_PID" || true
    BG_PID=
    stop_collector
    local v=$OUT/wrk_${name}_views.txt
    fig "${name}_views" "$(val "$v" OK)" count
    # wrk's own summary line: "N requests in Ts, X.YMB read"
    fig "${name}_view_size" "$(awk -v n="$(val "$v" REQUESTS)" '/requests in .* read/ {
        x = $(NF - 1); m = 1 / 1024
        if (x ~ /KB$/) m = 1; else if (x ~ /MB$/) m = 1024; else if (x ~ /GB$/) m = 1048576
        sub(/[KMG]?B$/, "", x); printf "%.0f", n ? x * m / n : 0 }' "$v")" KB
    fig "${name}_view_errors" "$(( $(val "$v" ERRORS) + $(val "$v" OTHER) ))" count
    fig "${name}_view_p50" "$(awk '$1=="P50_US"{printf "%.1f", $2/1000}' "$v")" ms
    fig "${name}_view_p99" "$(awk '$1=="P99_US"{printf "%.1f", $2/1000}' "$v")" ms
    grep '^FIRST_BAD' "$v" >&2 || true
}
say "API reuse with $CHAIRS chair views refreshing every ${CHAIR_MS} ms"
chairs_run api_reuse_chairs "$REUSE_TOKENS"
if [ "$QUICK" = 0 ]; then
    say "API cold with $CHAIRS chair views refreshing every ${CHAIR_MS} ms"
    chairs_run api_cold_chairs 0
fi

# ---- memory ----------------------------------------------------------------------------
say "collector memory: idle, then with 1000 open connections"
start_collector "$OUT/mem.db" --max-connections 2000 --timeout 120
sleep 1
fig collector_rss_idle "$(( $(rss_kb "$SERVER_PID" VmRSS) / 1024 ))" MB
(
    # 1000 sockets, each with a request whose headers are not finished, so
    # the server holds a connection (and its memory pool) for each
    fds=()
    for _ in $(seq 1000); do
        exec {fd}<> "/dev/tcp/127.0.0.1/$PORT"
        printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: ' >&"$fd"
        fds+=("$fd")
    done
    sleep 2
    echo "open $(ss -Htn state established "( sport = :$PORT )" | wc -l)" > "$OUT/mem_open.txt"
    echo "rss $(rss_kb "$SERVER_PID" VmRSS)" >> "$OUT/mem_open.txt"
    for fd in "${fds[@]}"; do exec {fd}>&-; done
)
fig collector_conns_open "$(val "$OUT/mem_open.txt" open)" count
fig collector_rss_1000conn "$(( $(val "$OUT/mem_open.txt" rss) / 1024 ))" MB
stop_collector

# ---- tally ----------------------------------------------------------------------------
# Warm page cache for both (each is run once before timing), best of 3.
best_of() { # N CMD...: min wall time and max RSS (KB) of N runs, as "secs kb"
    local n=$1 i best= rss=0 t m
    shift
    for i in $(seq "$n"); do
        /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > /dev/null ||
            { echo "run.sh: failed: $*" >&2; exit 1; }
        read -r t m < "$OUT/time.txt"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$best $rss"
}
for n in $TALLY_NS; do
    db=$OUT/tally-$n.db
    case $n in 100000) tag=100k ;; 1000000) tag=1m ;; *) tag=$n ;; esac
    say "tally summary --format json over $n responses (vs sqlite3 reading the answers)"
    sqlite3 "$db" "SELECT answers FROM revision" > /dev/null # warm the page cache
    read -r st sm <<< "$(best_of 3 sqlite3 "$db" "SELECT answers FROM revision")"
    read -r tt tm <<< "$(best_of 3 "$TALLY" summary --db "$db" --form "$TALLY_FORM" --format json)"
    [ -n "$st" ] && [ -n "$tt" ] || exit 1
    fig "tally_${tag}_time" "$tt" s
    fig "tally_${tag}_rss" "$(( tm / 1024 ))" MB
    fig "sqlite_read_${tag}_time" "$st" s
    fig "sqlite_read_${tag}_rss" "$(( sm / 1024 ))" MB
    fig "tally_${tag}_db_size" "$(( $(stat -c %s "$db") / 1048576 ))" MB
done

# ---- ratios --------------------------------------------------------------------------------
get() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$FIG"; }
ratio() { # NAME A B UNIT [TARGET]: A/B
    local a b
    a=$(get "$2"); b=$(get "$3")
    if [ -n "$a" ] && [ -n "$b" ] && awk -v b="$b" 'BEGIN{exit !(b > 0)}'; then
        fig "$1" "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')" "$4"
    fi
}
ratio ratio_api_cold_vs_mhd_full api_cold_rps mhd_full_rps "x(target>=0.8)"
ratio ratio_api_reuse_vs_mhd_full api_reuse_rps mhd_full_rps "x(target>=1.2)"
ratio ratio_api_cold_wrk_vs_mhd_full api_cold_wrk_rps mhd_full_rps "x(wrk+lua,as_the_bound)"
ratio ratio_api_reuse_wrk_vs_mhd_full api_reuse_wrk_rps mhd_full_rps "x(wrk+lua,as_the_bound)"
ratio ratio_api_cold_cpu_vs_mhd_full api_cold_server_cpu_per_req mhd_full_server_cpu_per_req "x"
ratio ratio_api_reuse_cpu_vs_mhd_full api_reuse_server_cpu_per_req mhd_full_server_cpu_per_req "x"
ratio ratio_api_cold_p99_vs_mhd_full api_cold_p99 mhd_full_p99 "x"
fig target_flows_ratio "$(awk -v f="$(get flows_per_s)" 'BEGIN{printf "%.2f", f/3000}')" "x(flows/3000,target>=1)"
for tag in 100k 1m; do
    ratio "ratio_tally_${tag}_vs_sqlite_read" "tally_${tag}_time" "sqlite_read_${tag}_time" "x(target<=2)"
done
a=$(get api_reuse_rps); b=$(get api_reuse_log_rps)
if [ -n "$a" ] && [ -n "$b" ]; then
    fig api_reuse_log_cost "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.1f", (1 - b/a) * 100}')" "%"
fi
for base in api_reuse api_cold; do
    a=$(get "${base}_rps"); b=$(get "${base}_chairs_rps")
    if [ -n "$a" ] && [ -n "$b" ]; then
        fig "${base}_chairs_drop" "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.1f", (1 - b/a) * 100}')" "%(target<10)"
    fi
done
say "figures kept in $FIG"
