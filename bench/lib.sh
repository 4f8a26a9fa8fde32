# Shared part of the HTTP benchmarks (sourced by bench/http.sh and bench/events.sh): environment, database
# setup, gunicorn, one wrk run per target, and the result table. The harness is the one of RECIPES.md.
# shellcheck shell=bash

PY=.venv/bin/python
BENCH_DB=${BENCH_DB:-quartier_bench}
BENCH_TMP=${BENCH_TMP:-/tmp/quartier-bench}
PORT=${BENCH_PORT:-18765}
WORKERS=${BENCH_WORKERS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-30s}
WARMUP=${BENCH_WARMUP:-5s}
BASE="http://127.0.0.1:${PORT}"

export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/${BENCH_DB}}
export QUARTIER_CACHE_URL=${BENCH_CACHE_URL:-redis://127.0.0.1:6379/14}
export QUARTIER_DEBUG=false
export QUARTIER_SECRET_KEY=${QUARTIER_SECRET_KEY:-bench-only-secret-key-0f9c2b7e41d84a6f9e3b5c1d2a7e8f60}
export QUARTIER_ALLOWED_HOSTS=127.0.0.1
export QUARTIER_SECURE=false
export QUARTIER_STATIC_ROOT="${BENCH_TMP}/static"
export QUARTIER_LOG_LEVEL=WARNING
export DJANGO_SETTINGS_MODULE=bench.settings

mkdir -p "${BENCH_TMP}"
GUNICORN_PID=""
stop_gunicorn() {
  if [ -n "${GUNICORN_PID}" ] && kill -0 "${GUNICORN_PID}" 2>/dev/null; then
    kill -TERM "${GUNICORN_PID}"
    wait "${GUNICORN_PID}" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}
trap stop_gunicorn EXIT INT TERM

setup_database() {  # the bench database with Essen and the demo content (all idempotent)
  echo "== setup (${DATABASE_URL}, cache ${QUARTIER_CACHE_URL})"
  if ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname = '${BENCH_DB}'" postgres | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "${BENCH_DB}"
  fi
  $PY manage.py migrate --noinput -v0
  $PY manage.py load_city essen >/dev/null
  $PY manage.py load_demo --city essen >/dev/null
  $PY manage.py collectstatic --noinput --clear -v0
}

start_gunicorn() {
  # The Redis database is the bench's own (db 14): start from an empty cache.
  $PY -c "import redis, os; redis.Redis.from_url(os.environ['QUARTIER_CACHE_URL']).flushdb()"
  echo "== gunicorn: ${WORKERS} sync workers on ${BASE}"
  if ! $PY -c "import socket; socket.create_server(('127.0.0.1', ${PORT})).close()" 2>/dev/null; then
    echo "port ${PORT} is in use by another process; choose another with BENCH_PORT=..." >&2
    exit 1
  fi
  .venv/bin/gunicorn quartier.wsgi:application --workers "${WORKERS}" --worker-class sync \
    --bind "127.0.0.1:${PORT}" --error-logfile "${BENCH_TMP}/gunicorn.log" --log-level warning &
  GUNICORN_PID=$!
  for _ in $(seq 150); do
    kill -0 "${GUNICORN_PID}" 2>/dev/null || { echo "gunicorn exited, see ${BENCH_TMP}/gunicorn.log" >&2; exit 1; }
    curl -fs -o /dev/null "${BASE}/bench/minimal" && break
    sleep 0.1
  done
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
}

check() {  # path, expected status
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' "${BASE}$1")
  if [ "${status}" != "$2" ]; then
    echo "GET $1 answered ${status}, expected $2 (see ${BENCH_TMP}/gunicorn.log)" >&2
    exit 1
  fi
}

field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

cpu_ticks() {  # CPU time (clock ticks) used so far by the gunicorn workers and the bench's PostgreSQL backends
  local total=0 pid stat
  for pid in $(pgrep -P "${GUNICORN_PID}") $(pgrep -f "^postgres: .* ${BENCH_DB} " || true); do
    stat=$(sed 's/.*) //' "/proc/${pid}/stat" 2>/dev/null) || continue
    read -r -a stat <<<"${stat}"
    total=$((total + stat[11] + stat[12]))
  done
  echo "${total}"
}
TICK_MS=$((1000 / $(getconf CLK_TCK)))

declare -a NAMES=() RESULTS=() CPU=()
run() {  # label, wrk script arguments (file PATHS.txt | path /some/path)
  local label=$1 out="${BENCH_TMP}/wrk-$1.txt"
  shift
  echo "== ${label}: warm-up ${WARMUP}, then ${DURATION} (${CONNECTIONS} connections, ${THREADS} threads)"
  wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${WARMUP}" -s "${WRK_SCRIPT:-bench/lookup.lua}" "${BASE}" -- "$@" >/dev/null
  local ticks_before
  ticks_before=$(cpu_ticks)
  wrk -t"${THREADS}" -c"${CONNECTIONS}" -d"${DURATION}" --latency -s "${WRK_SCRIPT:-bench/lookup.lua}" "${BASE}" -- "$@" \
    | tee "${out}" | grep -E "Requests/sec|99%|Non-2xx|Socket errors" || true
  local ticks=$(($(cpu_ticks) - ticks_before)) result
  result=$(grep '^RESULT' "${out}")
  NAMES+=("${label}")
  RESULTS+=("${result}")
  CPU+=("$(awk -v t="${ticks}" -v ms="${TICK_MS}" -v n="$(field requests "${result}")" 'BEGIN { printf "%.2f", t * ms / n }')")
}

result_of() {  # label -> its RESULT line
  local i
  for i in "${!NAMES[@]}"; do
    [ "${NAMES[$i]}" = "$1" ] && { echo "${RESULTS[$i]}"; return; }
  done
}

print_table() {  # the baseline is the mean of the runs labelled minimal and minimal-again
  LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
  BASELINE=$(awk -v a="$(field rps "$(result_of minimal)")" -v b="$(field rps "$(result_of minimal-again)")" \
    'BEGIN { printf "%.1f", (a + b) / 2 }')
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), wrk and gunicorn on the same machine"
  echo "gunicorn ${WORKERS} sync workers, DEBUG off, PostgreSQL + Redis; wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION} after ${WARMUP} warm-up per target"
  echo "load average before ${LOAD_BEFORE}, after ${LOAD_AFTER} (1, 5, 15 min); Redis db flushed before the run,
per-process caches warmed by each target's warm-up"
  echo "CPU ms/req = CPU time of the gunicorn workers and the PostgreSQL backends during the run / requests"
  echo "baseline = mean of the two /bench/minimal runs = ${BASELINE} req/s"
  echo
  printf '| %-16s | %10s | %9s | %8s | %8s | %8s | %8s | %10s | %7s |\n' target "req/s" "÷ minimal" "p50 ms" "p90 ms" \
    "p99 ms" "max ms" "CPU ms/req" "non-2xx"
  printf '| %-16s | %10s | %9s | %8s | %8s | %8s | %8s | %10s | %7s |\n' --- ---: ---: ---: ---: ---: ---: ---: ---:
  local i r rps ratio errors non2xx
  for i in "${!NAMES[@]}"; do
    r=${RESULTS[$i]}
    rps=$(field rps "$r")
    ratio=$(awk -v a="${rps}" -v b="${BASELINE}" 'BEGIN { printf "%.2f", a / b }')
    errors=$(($(field connect "$r") + $(field read "$r") + $(field write "$r") + $(field timeout "$r")))
    non2xx=$(field non2xx "$r")
    [ "${errors}" -gt 0 ] && non2xx="${non2xx} (+${errors} socket)"
    printf '| %-16s | %10s | %9s | %8s | %8s | %8s | %8s | %10s | %7s |\n' "${NAMES[$i]}" "${rps}" "${ratio}" \
      "$(field p50_ms "$r")" "$(field p90_ms "$r")" "$(field p99_ms "$r")" "$(field max_ms "$r")" "${CPU[$i]}" "${non2xx}"
  done
  echo
}

goal() {  # label, minimum share of the baseline (e.g. 0.5), maximum p99 in ms
  local r
  r=$(result_of "$1")
  awk -v name="$1" -v rps="$(field rps "$r")" -v base="${BASELINE}" -v p99="$(field p99_ms "$r")" -v share="$2" \
    -v limit="$3" 'BEGIN {
    printf "goal %-16s throughput >= %d%% of minimal: %.0f%% %s; p99 < %d ms: %.1f ms %s\n", name, 100 * share,
      100 * rps / base, (rps >= base * share ? "met" : "MISSED"), limit, p99, (p99 < limit ? "met" : "MISSED") }'
}
