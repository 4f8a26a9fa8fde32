#!/usr/bin/env bash
# HTTP benchmark of suggestions (issue #4), harness of RECIPES.md (bench/lib.sh): submissions through the API
# under concurrent load (the rate limit raised by its setting), counted in the database afterwards, and the
# coordinators' inbox (page and API) with 100,000 suggestions, logged in as a coordinator of Stadtbezirk III.
#
#   bench/suggestions.sh                       # about 6 minutes
#   BENCH_DURATION=5s BENCH_WARMUP=2s bench/suggestions.sh   # smoke run (figures not for RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
export QUARTIER_SUGGESTION_RATE_LIMIT=1000000000   # the one address of wrk must not be limited

setup_database
$PY bench/suggestions_data.py --inbox "${BENCH_INBOX:-100000}"
COOKIE=$($PY bench/suggestions_data.py --session | tail -1)
INBOX_PATHS="${BENCH_TMP}/inbox-paths.txt"
: >"${INBOX_PATHS}"
for query in "" "status=open" "status=received" "topic=language" "overdue=on" "q=Sprachcaf%C3%A9" "page=2" \
  "status=closed&page=3" "assigned=nobody" "older_than_days=30"; do
  echo "/de/arbeitsbereich/vorschlaege/?${query}" >>"${INBOX_PATHS}"
  echo "/api/v1/cities/essen/inbox/suggestions?${query/overdue=on/overdue=true}" >>"${INBOX_PATHS}"
done
RUN_ID="run$(date +%s)"

start_gunicorn
check /bench/minimal 200
run minimal path /bench/minimal
echo "== submit: warm-up ${WARMUP} (run ${RUN_ID}-warm), then ${DURATION} (run ${RUN_ID})"
wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${WARMUP}" -s bench/submit.lua "${BASE}" -- essen "warm${RUN_ID}" >/dev/null
wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${DURATION}" --latency -s bench/submit.lua "${BASE}" -- essen "${RUN_ID}" \
  | tee "${BENCH_TMP}/wrk-submit.txt" | grep -E "Requests/sec|99%|Non-2xx|Socket errors" || true
NAMES+=("submit"); RESULTS+=("$(grep '^RESULT' "${BENCH_TMP}/wrk-submit.txt")"); CPU+=("-")
WRK_HEADER=(-H "Cookie: ${COOKIE}")
echo "== inbox: ${CONNECTIONS} connections, logged in"
wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${WARMUP}" "${WRK_HEADER[@]}" -s bench/lookup.lua "${BASE}" -- file "${INBOX_PATHS}" >/dev/null
wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${DURATION}" --latency "${WRK_HEADER[@]}" -s bench/lookup.lua "${BASE}" -- \
  file "${INBOX_PATHS}" | tee "${BENCH_TMP}/wrk-inbox.txt" | grep -E "Requests/sec|99%|Non-2xx" || true
NAMES+=("inbox"); RESULTS+=("$(grep '^RESULT' "${BENCH_TMP}/wrk-inbox.txt")"); CPU+=("-")
run minimal-again path /bench/minimal
stop_gunicorn

print_table
submitted=$(grep '^RESULT' "${BENCH_TMP}/wrk-submit.txt")
accepted=$(($(field requests "${submitted}") - $(field non2xx "${submitted}")))
echo "submissions answered 201: ${accepted} in $(field seconds "${submitted}") s"
echo "in the database: $($PY bench/suggestions_data.py --count "${RUN_ID}" | tail -1)"
echo "(stored may exceed the 201 answers by the requests still in flight when wrk stopped, at most ${CONNECTIONS})"
awk -v n="${accepted}" -v s="$(field seconds "${submitted}")" 'BEGIN {
  printf "goal submissions >= 200 accepted/s: %.1f/s %s\n", n / s, (n / s >= 200 ? "met" : "MISSED") }'
awk -v p99="$(field p99_ms "$(result_of inbox)")" 'BEGIN {
  printf "goal inbox p99 < 150 ms: %.1f ms %s\n", p99, (p99 < 150 ? "met" : "MISSED") }'
