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

-- The map page asks for the tiles of the slippy-map grid that cover its view, one request per tile (as
-- static/js/initiatives-map.js does). A view's tiles are queued and sent one per request, by all connections of
-- a wrk thread together (like a browser's parallel requests); then the next view, somewhere else.
local function tile_x(lon, z) return math.floor((lon + 180) / 360 * 2 ^ z) end
local function tile_y(lat, z)
  local r = math.rad(lat)
  return math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * 2 ^ z)
end

local function view_tiles(lat, lon, half_lat, half_lon, z)
  local tiles = {}
  for y = tile_y(lat + half_lat, z), tile_y(lat - half_lat, z) do
    for x = tile_x(lon - half_lon, z), tile_x(lon + half_lon, z) do
      tiles[#tiles + 1] = string.format("/api/v1/initiatives/map?tile=%d/%d/%d", z, x, y)
    end
  end
  return tiles
end

local queue = {}
local function next_tile(view)
  if #queue == 0 then queue = view() end
  return table.remove(queue, 1)
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
  -- The whole area of the data set, as the region map opens (groups): its ~25 tiles at zoom 6.
  map_region = function()
    return next_tile(function() return view_tiles(params.centre[1], params.centre[2], 6, 12, 6) end)
  end,
  -- A town and its surroundings (groups of a finer grid): ~12 tiles at zoom 12.
  map_town = function()
    return next_tile(function()
      local t = pick(params.towns)
      return view_tiles(t[1] + 0.02, t[2] + 0.03, 0.06, 0.12, 12)
    end)
  end,
  -- A few streets inside a town, at a random spot (points): ~20 tiles at zoom 15 of a 1000 × 950 px view.
  map_street = function()
    return next_tile(function()
      local t = pick(params.towns)
      return view_tiles(t[1] + math.random() * 0.04, t[2] + math.random() * 0.065, 0.0125, 0.021, 15)
    end)
  end,
  api_list = function() return "/api/v1/initiatives?page=" .. math.random(1, 100) end,
}

request = function()
  return wrk.format("GET", builders[scenario]())
end

done = function(summary, latency, requests)
  report(scenario, summary, latency)
end
