-- wrk scenario for a live meeting: MEETING_PATH is the path to request (the meeting page or its quorum line).
-- done() prints one JSON line like bench/scenario.lua.
-- bench/report.lua, found next to this script whatever the working directory.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local path = os.getenv("MEETING_PATH")
local scenario = os.getenv("SCENARIO")

request = function()
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  report(scenario, summary, latency)
end
