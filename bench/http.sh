#!/usr/bin/env bash
# HTTP benchmark with the one harness of RECIPES.md: gunicorn (2 sync workers, DEBUG off) on 127.0.0.1,
# PostgreSQL, Redis as the cache, wrk with 16 connections for 30 s after a 5 s warm-up per target.
# Targets: /bench/minimal (baseline, first and last), the lookup API by name and by coordinates, /de/.
#
#   bench/http.sh                    # full run, about 4 minutes
#   BENCH_DURATION=5s BENCH_WARMUP=2s bench/http.sh     # quick smoke run (figures not for RESULTS.md)
#
# Everything it writes (static files, query lists, wrk and gunicorn output) goes to $BENCH_TMP.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/lib.sh

setup_database
$PY bench/finder_inprocess.py --write-queries "${BENCH_TMP}/queries" >/dev/null
start_gunicorn
check /bench/minimal 200
check /de/ 200
check "$(head -1 "${BENCH_TMP}/queries/names.txt")" 200
check "$(head -1 "${BENCH_TMP}/queries/points.txt")" 200

run minimal path /bench/minimal
run lookup-name file "${BENCH_TMP}/queries/names.txt"
run lookup-coords file "${BENCH_TMP}/queries/points.txt"
run home path /de/
run minimal-again path /bench/minimal
stop_gunicorn

print_table
goal lookup-name 0.5 50
goal lookup-coords 0.5 50
echo "raw wrk output: ${BENCH_TMP}/wrk-*.txt"
