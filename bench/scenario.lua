-- wrk scenario: SCENARIO env picks the kind of request; params.lua (written by run.sh) holds the data set's ids
-- and town centres. done() prints one JSON line with p50/p95/p99 latency (ms), requests/s and errors.
-- bench/report.lua, found next to this script whatever the working directory.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local params = dofile(os.getenv("BENCH_PARAMS"))
local scenario = os.getenv("SCENARIO")
local counter = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

local function town()
  return params.towns[math.random(#params.towns)]
end

local builders = {
  trivial = function() return "/healthz" end,
  registry = function() return "/tos/?page=" .. math.random(1, 200) end,
  registry_filtered = function()
    return "/tos/?status=registered&municipality=" .. params.municipalities[math.random(#params.municipalities)]
      .. "&page=" .. math.random(1, 10)
  end,
  tos_page = function() return "/tos/" .. math.random(params.first_tos, params.last_tos) .. "/" end,
  map = function()
    local t = town()
    -- about a district: 0.6 degrees of longitude by 0.4 of latitude around a town
    return string.format("/api/v1/tos/geojson?bbox=%.4f,%.4f,%.4f,%.4f&zoom=12", t[2] - 0.25, t[1] - 0.15, t[2] + 0.35, t[1] + 0.25)
  end,
  locate = function()
    local t = town()
    return string.format("/api/v1/tos/locate?lat=%.5f&lon=%.5f", t[1] + math.random() * 0.04, t[2] + math.random() * 0.065)
  end,
  api_list = function() return "/api/v1/tos?page=" .. math.random(1, 300) end,
}

request = function()
  counter = counter + 1
  return wrk.format("GET", builders[scenario]())
end

done = function(summary, latency, requests)
  report(scenario, summary, latency)
end
