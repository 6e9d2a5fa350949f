#!/usr/bin/env bash
# demo.sh - set everything up and run the collector with the LSG questionnaire:
#   installs missing Debian packages, builds, creates demo keys (once) and
#   tokens for the demo delegate list, prints the delegate and chair links and
#   serves on localhost until Ctrl-C.  It serves both rounds of the review
#   (forms/lsg-review.json and forms/lsg-review-r2.json) and, on the first run,
#   seeds made-up answers to both (round 1 then closed) so that the round 2
#   chair dashboard shows the objection register at once.
# Env: PORT (default 8080), DEMO_DIR (default ./demo), JOBS, SEED=0 (no demo answers).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
DEMO=${DEMO_DIR:-demo}
BASE=http://127.0.0.1:$PORT
FORM1=forms/lsg-review.json
FORM=forms/lsg-review-r2.json

scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${JOBS:-$(nproc)}" --target collector tally >/dev/null
C=build/collector

$C check "$FORM1" "$FORM"
mkdir -p "$DEMO"
[ -f "$DEMO/keys/issuer.secret" ] || $C keygen --out "$DEMO/keys"
$C issue --key "$DEMO/keys/issuer.secret" --form "$FORM" \
   --delegates scripts/demo-delegates.csv --base-url "$BASE" > "$DEMO/delegate-links.csv"
$C issue --key "$DEMO/keys/issuer.secret" --form "$FORM" --role chair \
   --delegates scripts/demo-chairs.csv --base-url "$BASE" > "$DEMO/chair-links.csv"
$C issue --key "$DEMO/keys/issuer.secret" --form "$FORM1" \
   --delegates scripts/demo-delegates.csv --base-url "$BASE" > "$DEMO/round1-delegate-links.csv"
$C issue --key "$DEMO/keys/issuer.secret" --form "$FORM1" --role chair \
   --delegates scripts/demo-chairs.csv --base-url "$BASE" > "$DEMO/round1-chair-links.csv"

root=()
if [ "$(id -u)" -eq 0 ]; then
  echo "(running as root: passing --allow-root; run as an ordinary user in production)"
  root=(--allow-root)
fi
serve=("$C" serve "${root[@]}" --form "$FORM1" --form "$FORM" --db "$DEMO/sounding.db"
       --issuer-pub "$DEMO/keys/issuer.public" --receipt-key "$DEMO/keys/receipt.secret"
       --listen "127.0.0.1:$PORT")

# Made-up demo answers (first run only), one per delegate and round, through
# the collector's own API, so that round 2's chair dashboard has an objection
# register with every status: sustained, new, silent (Egypt does not answer
# round 2) and withdrawn.  Each seed line: delegate id, round, then the
# positions on cross_sg_focus, max_per_sg, short_descriptions, exclusions,
# harmonise_before_wtsa, rgwm_process, recurrent_meetings; "object:WORDS"
# objects (underscores in WORDS read as spaces).
demo_answers() { # round positions... -> the request body
  local r=$1 i=0 pos why out=""
  shift
  local ids=(cross_sg_focus max_per_sg short_descriptions exclusions harmonise_before_wtsa
             rgwm_process recurrent_meetings)
  for pos in "$@"; do
    if [[ $pos == object:* ]]; then
      why=${pos#object:}
      out+="\"${ids[$i]}\":{\"position\":\"object\",\"reason\":\"${why//_/ }\"},"
    else
      out+="\"${ids[$i]}\":{\"position\":\"$pos\"},"
    fi
    i=$((i + 1))
  done
  printf '{"answers":{%s"now":"coordination","should":["coordination","communication","authoritative"],"clear":%d,"avoid_duplication":3,"coordinate_cross_sg":3,"consistent_recs":4,"timely_recs":2,"per_sg":{"sg2":3,"sg3":null,"sg5":4,"sg11":3,"sg12":null,"sg13":2,"sg15":4,"sg17":3,"sg20":null},"mech_communication":"fully","mech_coordination":"partly","mech_authoritative":"no","max_lsg":%d}}' \
    "$out" $((r == 1 ? 2 : 3)) $((r == 1 ? 5 : 4))
}
seed() {
  local pid n id r rest file qid tok ok=0
  echo "Seeding made-up demo answers to both rounds (first run only; SEED=0 skips it)..."
  "${serve[@]}" >"$DEMO/seed.log" 2>&1 &
  pid=$!
  for n in $(seq 1 100); do
    curl -s -o /dev/null "$BASE/" && break
    sleep 0.1
  done
  while read -r id r rest; do
    file=$DEMO/round1-delegate-links.csv qid=lsg-review
    if [ "$r" = 2 ]; then file=$DEMO/delegate-links.csv qid=lsg-review-r2; fi
    tok=$(awk -F, -v id="$id" '$1 == id { print $(NF-1) }' "$file")
    # shellcheck disable=SC2086 # the positions are words
    if curl -fs -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
         --data-binary "$(demo_answers "$r" $rest)" "$BASE/api/v1/questionnaires/$qid/responses"; then
      ok=$((ok + 1))
    else
      echo "  could not seed $id in round $r (see $DEMO/seed.log)"
    fi
  done <<'SEED'
d-001 1 support object:Four_or_five_is_arbitrary;_the_number_should_follow_the_work_programme. support support live_with support support
d-002 1 support live_with support support support support support
d-003 1 live_with support support object:Listing_exclusions_invites_disputes_over_every_new_topic. support live_with support
d-004 1 support support live_with support object:Harmonization_must_not_delay_submissions_to_WTSA. support support
d-005 1 support support support support support support live_with
d-006 1 object:A_single_study_group_may_still_need_a_lead_role_for_external_visibility. support support live_with support support support
d-007 1 support live_with support support support support support
d-008 1 support object:Large_study_groups_legitimately_lead_more_topics. support support support live_with support
d-009 1 support support support support live_with support support
d-010 1 live_with support support support support support abstain
d-012 1 support support support live_with support support support
d-001 2 support object:A_fixed_number,_even_four,_is_arbitrary;_let_TSAG_review_each_study_group's_roles. support support support support support
d-002 2 support support support support support support support
d-003 2 support support support live_with support support support
d-005 2 support support support support object:Agreement_by_every_study_group_concerned_gives_each_a_veto. support support
d-006 2 object:Visibility_alone_can_justify_a_lead_role_in_one_study_group. support support support support support support
d-007 2 support support support support support support support
d-008 2 support support support support support support support
d-009 2 support support support support support support support
d-010 2 support support live_with support support support support
d-012 2 support support support support live_with support support
SEED
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  "$C" close --db "$DEMO/sounding.db" --form lsg-review >/dev/null
  echo "  $ok answers stored; round 1 closed."
  touch "$DEMO/seeded"
}

if [ "${SEED:-1}" != 0 ] && [ ! -f "$DEMO/seeded" ] && [ ! -f "$DEMO/sounding.db" ]; then
  seed
fi

list_links() { # issued CSV -> "id  entity" then the link, per delegate
  tail -n +2 "$1" | awk -F, '{ sub(/\r$/, ""); printf "  %s  %s\n    %s\n", $1, $2, $NF }'
}
echo
echo "Sounding demo: the LSG review, round 2 ($FORM), after round 1 ($FORM1)"
echo
echo "Delegate links (one per delegate; also in $DEMO/delegate-links.csv):"
list_links "$DEMO/delegate-links.csv"
echo
echo "Chair dashboard link (also in $DEMO/chair-links.csv):"
list_links "$DEMO/chair-links.csv"
echo
if [ -f "$DEMO/seeded" ]; then
  echo "Demo answers: both rounds hold made-up answers of the demo delegates (seeded on the"
  echo "first run; round 1 is closed).  The round 2 chair dashboard shows the objection"
  echo "register: sustained, new, silent and withdrawn objections.  rm -r $DEMO starts afresh."
  echo
fi
echo "Round 1 links: $DEMO/round1-delegate-links.csv, $DEMO/round1-chair-links.csv"
echo "Tally afterwards:  build/tally summary --db $DEMO/sounding.db --form $FORM"
echo "What moved:        build/tally trend --db $DEMO/sounding.db --form $FORM1 --form $FORM"
echo "Stop with Ctrl-C."
echo
exec "${serve[@]}"
