#!/usr/bin/env bash
# HTTP benchmark of the event list (issue #3): the API and the page with one city-year of events (20,000) and
# with ten cities (200,000), on PostgreSQL, with the harness of RECIPES.md (bench/lib.sh): gunicorn 2 sync
# workers, Redis as the cache, wrk 16 connections, 30 s after a 5 s warm-up per target, the minimal view first
# and last as the baseline. Then the in-process timings of the iCalendar feed and the printed programme.
#
#   bench/events.sh                        # 20,000 events (one city), then 200,000 (ten cities): ~15 minutes
#   BENCH_EVENT_CITIES="1" bench/events.sh  # only the first step
#   BENCH_DURATION=5s BENCH_WARMUP=2s bench/events.sh    # smoke run (figures not for RESULTS.md)
#
# The bench database keeps its events between runs (events_data.py only adds what is missing); drop it with
# `dropdb -h 127.0.0.1 -U postgres quartier_bench` to start again.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

setup_database
for cities in ${BENCH_EVENT_CITIES:-1 10}; do
  echo "== data: ${cities} cities × 20,000 events"
  $PY bench/events_data.py --cities "${cities}" --write-queries "${BENCH_TMP}/queries"
  NAMES=() RESULTS=() CPU=()
  start_gunicorn
  check /bench/minimal 200
  check "$(head -1 "${BENCH_TMP}/queries/events-api.txt")" 200
  check "$(head -1 "${BENCH_TMP}/queries/events-page.txt")" 200
  run minimal path /bench/minimal
  run events-api file "${BENCH_TMP}/queries/events-api.txt"
  run events-page file "${BENCH_TMP}/queries/events-page.txt"
  run events-api-first path /api/v1/cities/essen/events
  run minimal-again path /bench/minimal
  stop_gunicorn
  echo "### ${cities} cities"
  print_table
  goal events-api 0.3 100
  goal events-page 0.3 100
  goal events-api-first 0.3 100
done
echo "== in-process: iCalendar feed of 1,000 events, the 29-event programme PDF"
$PY bench/events_inprocess.py
echo "raw wrk output: ${BENCH_TMP}/wrk-*.txt"
