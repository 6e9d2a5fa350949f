#!/bin/bash
# bench/series.sh - bench/run.sh several times in a row, and the spread.
#
#   bench/series.sh [N] [run.sh options...]     N runs (default 3), e.g.
#   bench/series.sh 3                           three full runs (~12 min)
#   bench/series.sh 2 --quick                   two quick ones
#   bench/series.sh --report                    the table again, from the
#                                               series-K.txt files already there
#
# Each run's figures are kept as bench/out/series-K.txt (K = 1..N).  Then
# one line per figure that a target is about (and the bound's rate): the
# value of every run, the min, the median, the max and the spread
# ((max - min) / median; for a percentage, max - min in points), and whether
# the target holds in every run.
# Assertions are left to the reader: this prints figures.
set -euo pipefail
SELF=$(readlink -f "$0")
BENCH=$(dirname "$SELF")
OUT=${OUT:-$BENCH/out}
n=3
report_only=0
if [ "${1:-}" = --report ]; then
    report_only=1
    n=0
    while [ -s "$OUT/series-$((n + 1)).txt" ]; do n=$((n + 1)); done
    [ "$n" -ge 1 ] || { echo "series.sh: no $OUT/series-1.txt: run a series first" >&2; exit 1; }
elif [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
    n=$1
    shift
fi
[ "$n" -ge 1 ] || { echo "series.sh: N must be 1 or more" >&2; exit 2; }
mkdir -p "$OUT"
if [ "$report_only" = 0 ]; then
    rm -f "$OUT"/series-*.txt
    for k in $(seq "$n"); do
        echo "series: run $k of $n (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        "$BENCH/run.sh" "$@" > /dev/null
        cp "$OUT/last-run.txt" "$OUT/series-$k.txt"
    done
fi

# FIGURE TARGET: TARGET is ">=x", "<=x" or "-" (reported only)
figures=(
    "mhd_full_rps -"
    "mhd_full_server_cpu_per_req -"
    "api_cold_rps -"
    "api_reuse_rps -"
    "ratio_api_cold_vs_mhd_full >=0.8"
    "ratio_api_reuse_vs_mhd_full >=1.2"
    "ratio_api_cold_wrk_vs_mhd_full >=0.8"
    "ratio_api_reuse_wrk_vs_mhd_full >=1.2"
    "api_cold_server_cpu_per_req -"
    "api_reuse_server_cpu_per_req -"
    "api_cold_p99 <=15"
    "api_reuse_p99 <=15"
    "api_cold_wrk_p99 <=15"
    "api_reuse_wrk_p99 <=15"
    "api_cold_errors <=0"
    "api_reuse_errors <=0"
    "api_cold_lost_acks <=0"
    "api_reuse_lost_acks <=0"
    "api_reuse_chairs_drop <=10"
    "api_cold_chairs_drop <=10"
    "target_flows_ratio >=1"
    "micro_writer_row_tmpfs <=15"
    "ratio_tally_100k_vs_sqlite_read <=2"
    "ratio_tally_1m_vs_sqlite_read <=2"
    "tally_1m_rss <=64"
    "collector_rss_1000conn <=50"
)
printf "%-34s" figure
for k in $(seq "$n"); do printf " %9s" "run$k"; done
printf " %9s %9s %9s %8s  %s\n" min median max spread target
for line in "${figures[@]}"; do
    read -r name target <<< "$line"
    vals=()
    for k in $(seq "$n"); do
        vals+=("$(awk -v k="$name" '$1 == k { v = $2 } END { print v }' "$OUT/series-$k.txt")")
    done
    joined=$(printf '%s' "${vals[@]}")
    [ -n "$joined" ] || continue # not in these runs (--quick, --no-limits)
    printf "%-34s" "$name"
    for v in "${vals[@]}"; do printf " %9s" "${v:--}"; done
    # a percentage (the chairs' drop) spreads in points, not relative to itself
    printf '%s\n' "${vals[@]}" | awk -v target="$target" -v points="$([[ $name == *_drop ]] && echo 1 || echo 0)" '
        $1 != "" { v[++c] = $1 + 0 }
        END {
            for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            med = c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
            spread = med != 0 ? (v[c] - v[1]) / (med < 0 ? -med : med) * 100 : 0
            verdict = "-"
            if (target ~ /^>=/) verdict = v[1] >= substr(target, 3) + 0 ? "holds in all" : "missed"
            if (target ~ /^<=/) verdict = v[c] <= substr(target, 3) + 0 ? "holds in all" : "missed"
            if (points) printf " %9g %9g %9g %6.1fpp  %s %s\n", v[1], med, v[c], v[c] - v[1], target, verdict
            else printf " %9g %9g %9g %7.1f%%  %s %s\n", v[1], med, v[c], spread, target, verdict
        }'
done
