-- wrk script for bench/suggestions.sh: POSTs one new suggestion per request to the suggestions API.
--
--   wrk -t2 -c16 -d30s --latency -s bench/submit.lua http://127.0.0.1:18765 -- essen RUN_ID
--
-- Every request carries a distinct text and Idempotency-Key ("<run>-<thread>-<n>"), so the database can be
-- counted afterwards (bench/suggestions_data.py --count RUN_ID): every accepted answer (requests - non2xx) must be
-- a stored row, and no text may be stored twice.

local city, run = "essen", "run"
local counter = 0
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  city = args[1] or city
  run = args[2] or run
end

function request()
  counter = counter + 1
  local key = string.format("%s-%d-%d", run, thread_number or 0, counter)
  local body = string.format(
    '{"text": "Lastmessung %s: ein Sprachcafé am Samstag wäre schön.", "neighbourhood": %d, '
      .. '"topic": "language", "consent": true}', key, (counter % 50) + 1)
  return wrk.format("POST", "/api/v1/cities/" .. city .. "/suggestions",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
