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

list_links() { # issued CSV -> "id  entity" then the link, per delegate
  tail -n +2 "$1" | awk -F, '{ sub(/\r$/, ""); printf "  %s  %s\n    %s\n", $1, $2, $NF }'
}
echo
echo "Sounding demo: the LSG review questionnaire ($FORM)"
echo
echo "Delegate links (one per delegate; also in $DEMO/delegate-links.csv):"
list_links "$DEMO/delegate-links.csv"
echo
echo "Chair dashboard link (also in $DEMO/chair-links.csv):"
list_links "$DEMO/chair-links.csv"
echo
echo "Tally afterwards:  build/tally summary --db $DEMO/sounding.db --form $FORM"
echo "Stop with Ctrl-C."
echo
root=()
if [ "$(id -u)" -eq 0 ]; then
  echo "(running as root: passing --allow-root; run as an ordinary user in production)"
  root=(--allow-root)
fi
exec $C serve "${root[@]}" --form "$FORM" --db "$DEMO/sounding.db" \
   --issuer-pub "$DEMO/keys/issuer.public" --receipt-key "$DEMO/keys/receipt.secret" \
   --listen "127.0.0.1:$PORT"
