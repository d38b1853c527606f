-- wrk scenario for the public lists and map of ideas and initiative projects (issue [3]). SCENARIO picks the
-- request; BENCH_PARAMS (written by bench/run_initiatives.sh) holds municipalities and town centres of the data
-- set. Scenarios ending in "_nocache" send a session cookie, so the page cache is bypassed and every request is
-- rendered. done() prints one JSON line.
-- bench/report.lua, found next to this script whatever the working directory.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local params = dofile(os.getenv("BENCH_PARAMS"))
local scenario = os.getenv("SCENARIO")
local statuses = { "collecting", "submitted", "published", "supported", "rejected", "implementing", "reported" }

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  if scenario:find("_nocache$") then wrk.headers["Cookie"] = "sessionid=bench-anonymous" end
end

local function pick(list) return list[math.random(#list)] end

local function bbox(lat, lon, half_lat, half_lon)
  return string.format("%.5f,%.5f,%.5f,%.5f", lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)
end

local builders = {
  trivial = function() return "/healthz" end,
  projects = function() return "/initiatives/?page=" .. math.random(1, 100) end,
  projects_nocache = function() return "/initiatives/?page=" .. math.random(1, 100) end,
  projects_filtered = function()
    return "/initiatives/?municipality=" .. pick(params.municipalities) .. "&status=" .. pick(statuses)
      .. "&page=" .. math.random(1, 3)
  end,
  ideas = function() return "/initiatives/ideas/?page=" .. math.random(1, 100) end,
  ideas_nocache = function() return "/initiatives/ideas/?page=" .. math.random(1, 100) end,
  map_page = function() return "/initiatives/map/?municipality=" .. pick(params.municipalities) end,
  -- The whole area of the data set, as the region map opens (clusters).
  map_region = function()
    return "/api/v1/initiatives/map?zoom=6&bbox=" .. bbox(params.centre[1], params.centre[2], 6, 12)
  end,
  -- A town and its surroundings (clusters of a finer grid).
  map_town = function()
    local t = pick(params.towns)
    return "/api/v1/initiatives/map?zoom=12&bbox=" .. bbox(t[1] + 0.02, t[2] + 0.03, 0.06, 0.12)
  end,
  -- A few streets inside a town, at a random spot (points; never cached).
  map_street = function()
    local t = pick(params.towns)
    return "/api/v1/initiatives/map?zoom=15&bbox="
      .. bbox(t[1] + math.random() * 0.04, t[2] + math.random() * 0.065, 0.0125, 0.021)
  end,
  api_list = function() return "/api/v1/initiatives?page=" .. math.random(1, 100) end,
}

request = function()
  return wrk.format("GET", builders[scenario]())
end

done = function(summary, latency, requests)
  report(scenario, summary, latency)
end
