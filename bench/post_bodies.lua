-- wrk script: POSTs JSON bodies read from a file (one per line) to one path, cycling; prints a RESULT line.
--
--   wrk -t2 -c16 -d30s --latency -s bench/post_bodies.lua http://127.0.0.1:18765 -- /api/v1/... BODIES.jsonl

local bodies = {}
local position = 0
local threads = 0
local path = "/"

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  path = args[1]
  for line in io.lines(args[2]) do
    if line ~= "" then
      bodies[#bodies + 1] = line
    end
  end
  position = ((thread_number or 0) * 13) % #bodies
end

function request()
  position = position % #bodies + 1
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[position])
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
