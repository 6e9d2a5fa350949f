#!/usr/bin/env bash
# demo.sh - set everything up and run the collector with the LSG questionnaire:
#   installs missing Debian packages, builds, creates demo keys (once) and
#   tokens for the demo delegate list, prints the delegate and chair links and
#   serves on localhost until Ctrl-C.
# Env: PORT (default 8080), DEMO_DIR (default ./demo), JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
DEMO=${DEMO_DIR:-demo}
BASE=http://127.0.0.1:$PORT
FORM=forms/lsg-review.json

scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${JOBS:-$(nproc)}" --target collector tally >/dev/null
C=build/collector

$C check "$FORM"
mkdir -p "$DEMO"
[ -f "$DEMO/keys/issuer.secret" ] || $C keygen --out "$DEMO/keys"
$C issue --key "$DEMO/keys/issuer.secret" --form "$FORM" \
   --delegates scripts/demo-delegates.csv --base-url "$BASE" > "$DEMO/delegate-links.csv"
$C issue --key "$DEMO/keys/issuer.secret" --form "$FORM" --role chair \
   --delegates scripts/demo-chairs.csv --base-url "$BASE" > "$DEMO/chair-links.csv"

link_of() { # CSV -> the last column (link) of each data row
  tail -n +2 "$1" | awk -F, '{ print $NF }'
}
echo
echo "Sounding demo: the LSG review questionnaire ($FORM)"
echo
echo "Delegate links (one per delegate; all in $DEMO/delegate-links.csv):"
paste -d' ' <(tail -n +2 scripts/demo-delegates.csv | cut -d, -f1,2 | tr ',' ' ' | awk '{printf "  %-6s %-40s", $1, substr($0, index($0,$2))}') <(link_of "$DEMO/delegate-links.csv")
echo
echo "Chair dashboard link:"
echo "  $(link_of "$DEMO/chair-links.csv")"
echo
echo "Tally afterwards:  build/tally summary --db $DEMO/sounding.db --form $FORM"
echo "Stop with Ctrl-C."
echo
exec $C serve --form "$FORM" --db "$DEMO/sounding.db" \
   --issuer-pub "$DEMO/keys/issuer.public" --receipt-key "$DEMO/keys/receipt.secret" \
   --listen "127.0.0.1:$PORT"
