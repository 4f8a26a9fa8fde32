-- wrk script for bench/http.sh: cycles through URL paths and prints one machine-readable result line.
--
--   wrk -t2 -c16 -d30s --latency -s bench/lookup.lua http://127.0.0.1:18765 -- file /tmp/q/names.txt
--   wrk -t2 -c16 -d30s --latency -s bench/lookup.lua http://127.0.0.1:18765 -- path /de/
--
-- "file" reads one path per line (written by `bench/finder_inprocess.py --write-queries DIR`); each wrk
-- thread starts at a different line so the connections do not ask the same query in lockstep.

local paths = {}
local position = 0
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  local mode, value = args[1], args[2]
  if mode == "file" then
    for line in io.lines(value) do
      if line ~= "" then
        paths[#paths + 1] = line
      end
    end
  elseif mode == "path" then
    paths[1] = value
  else
    error("usage: -- file PATHS.txt | -- path /some/path")
  end
  if #paths == 0 then
    error("no paths in " .. tostring(value))
  end
  position = ((thread_number or 0) * 7919) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
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
