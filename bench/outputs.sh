#!/bin/bash
# bench/outputs.sh - write every output of `tally` over the bench databases
# and print one "SHA-256  NAME" line per output, so a refactoring can show
# that it changed no byte (run it before and after, diff the two lists).
#
#   bench/outputs.sh TALLY GEN DIR [N]
#
# TALLY and GEN are built programs (GEN is bench/gen.c, built with
# -DSND_BENCH=ON); DIR receives the databases and outputs (reused when
# present); N responses per database (default 5000).  Two databases: the
# bench's tally form (attributed) and the same form made pseudonymous.
# Outputs: summary in every format x --by (none, region, category, sg, hod)
# x --weight (delegate, entity); export in every format; the report x
# --by (none, region) x weight x --lang (en, fr, ar).  Outputs that the
# program refuses (pseudonymous exports of identifying attributes, ...)
# are listed with their exit status instead of a hash.
set -euo pipefail
TALLY=$(readlink -f "$1"); GEN=$(readlink -f "$2"); DIR=$3; N=${4:-5000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The report's head says when it was made: fix that time, or no two runs agree.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1796638500}
FORM=$ROOT/bench/tally-form.json
mkdir -p "$DIR/out"
DIR=$(readlink -f "$DIR")
if [ ! -f "$DIR/keys/receipt.secret" ]; then
    mkdir -p "$DIR"
    "$(dirname "$TALLY")/collector" keygen --out "$DIR/keys" >/dev/null 2>&1 ||
        { echo "outputs.sh: needs a collector beside TALLY for keygen" >&2; exit 1; }
fi
python3 - "$FORM" "$DIR/pseudo.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["anonymity"] = "pseudonymous"
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PY
formof() { case $1 in attr) echo "$FORM" ;; pseudo) echo "$DIR/pseudo.json" ;;
                  lsg) echo "$ROOT/forms/lsg-review.json" ;; esac; }
for kind in attr pseudo lsg; do
    form=$(formof $kind)
    db=$DIR/$kind.db
    [ -f "$db" ] || "$GEN" store --db "$db" --form "$form" \
        --receipt-key "$DIR/keys/receipt.secret" -n "$N" --batch 1000 --seed 7 >/dev/null
done
run() { # NAME CMD...
    local name=$1; shift
    if "$@" > "$DIR/out/$name" 2>/dev/null; then
        printf '%s  %s\n' "$(sha256sum < "$DIR/out/$name" | cut -c1-64)" "$name"
    else
        printf 'exit-%s  %s\n' "$?" "$name"
    fi
}
for kind in attr pseudo lsg; do
    form=$(formof $kind)
    db=$DIR/$kind.db
    langs=en; [ $kind = lsg ] && langs="en fr ar"
    for w in delegate entity; do
        for by in - region category sg hod; do
            b=(); [ "$by" = - ] || b=(--by "$by")
            for f in text json csv md; do
                run "$kind.summary.$w.$by.$f" "$TALLY" summary --db "$db" --form "$form" \
                    --weight "$w" "${b[@]}" --format "$f"
            done
        done
        for by in - region; do
            b=(); [ "$by" = - ] || b=(--by "$by")
            for l in $langs; do
                run "$kind.report.$w.$by.$l.html" "$TALLY" report --db "$db" --form "$form" \
                    --weight "$w" "${b[@]}" --lang "$l"
            done
        done
    done
    for f in csv json ndjson; do
        run "$kind.export.$f" "$TALLY" export --db "$db" --form "$form" --format "$f"
    done
done
