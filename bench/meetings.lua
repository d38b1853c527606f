-- wrk scenario for a live meeting: MEETING_PATH is the path to request (the meeting page or its quorum line).
-- done() prints one JSON line like bench/scenario.lua.
local path = os.getenv("MEETING_PATH")
local scenario = os.getenv("SCENARIO")

request = function()
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    + summary.errors.status
  io.write(string.format(
    '{"scenario":"%s","requests":%d,"rps":%.1f,"p50_ms":%.1f,"p95_ms":%.1f,"p99_ms":%.1f,"errors":%d}\n',
    scenario, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
