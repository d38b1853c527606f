-- The one JSON line every wrk scenario prints at the end (loaded by the scripts in bench/ with dofile), so the
-- run_*.sh scripts can read all of them the same way: p50/p95/p99 latency (ms), requests/s and errors.
-- `extra`, if given, returns further fields as a JSON fragment without the leading comma
-- (bench/knowledge.lua adds how many answers came from the search cache).
return function(scenario, summary, latency, extra)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    + summary.errors.status
  local more = extra and ("," .. extra()) or ""
  io.write(string.format(
    '{"scenario":"%s","requests":%d,"rps":%.1f,"p50_ms":%.1f,"p95_ms":%.1f,"p99_ms":%.1f,"errors":%d%s}\n',
    scenario, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors, more))
end
