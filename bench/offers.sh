#!/usr/bin/env bash
# Benchmark of offers and funding advice (issue #5) on PostgreSQL with 50,000 bench offers (plus the demo's
# 1,000), harness of RECIPES.md (bench/lib.sh): gunicorn 2 sync workers, Redis, wrk 16 connections, 30 s after
# a 5 s warm-up, the minimal view first and last. The list cache is OFF (QUARTIER_LIST_CACHE_SECONDS=0) so that
# every search reaches the full-text engine. Then in-process timings (bench/offers_inprocess.py).
#
#   bench/offers.sh                                   # about 8 minutes after the data exist
#   BENCH_DURATION=5s BENCH_WARMUP=2s bench/offers.sh # smoke run (figures not for RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
export QUARTIER_LIST_CACHE_SECONDS=0
export QUARTIER_FUNDING_SIMILAR_RATE_LIMIT=1000000000   # the one address of wrk must not be limited

setup_database
$PY bench/offers_data.py --write "${BENCH_TMP}/offers"
COOKIE=$($PY bench/suggestions_data.py --session | tail -1)
COVERAGE_PATHS="${BENCH_TMP}/offers/coverage-paths.txt"
printf '%s\n' "/de/arbeitsbereich/angebote/abdeckung/?district=all" \
  "/de/arbeitsbereich/angebote/abdeckung/?district=all&target_group=women" \
  "/de/arbeitsbereich/angebote/abdeckung/?district=all&language=ar" \
  "/de/arbeitsbereich/angebote/abdeckung/" >"${COVERAGE_PATHS}"

start_gunicorn
check /bench/minimal 200
check "$(head -1 "${BENCH_TMP}/offers/offers-search.txt")" 200
run minimal path /bench/minimal
run offers-search file "${BENCH_TMP}/offers/offers-search.txt"
WRK_SCRIPT=bench/post_bodies.lua run similar /api/v1/cities/essen/funding/similar "${BENCH_TMP}/offers/ideas.jsonl"
echo "== coverage page: ${CONNECTIONS} connections, logged in as a coordinator of III"
wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${WARMUP}" -H "Cookie: ${COOKIE}" -s bench/lookup.lua "${BASE}" -- \
  file "${COVERAGE_PATHS}" >/dev/null
wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${DURATION}" --latency -H "Cookie: ${COOKIE}" -s bench/lookup.lua \
  "${BASE}" -- file "${COVERAGE_PATHS}" | tee "${BENCH_TMP}/wrk-coverage.txt" | grep -E "Requests/sec|99%|Non-2xx" || true
NAMES+=("coverage"); RESULTS+=("$(grep '^RESULT' "${BENCH_TMP}/wrk-coverage.txt")"); CPU+=("-")
run minimal-again path /bench/minimal
stop_gunicorn
print_table
awk -v p99="$(field p99_ms "$(result_of offers-search)")" 'BEGIN {
  printf "goal search p99 < 100 ms at 16 connections: %.1f ms %s\n", p99, (p99 < 100 ? "met" : "MISSED") }'
echo "== in-process (one thread, one call per operation)"
$PY bench/offers_inprocess.py
