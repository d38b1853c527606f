-- wrk scenario for knowledge search (/api/v1/knowledge/search). A realistic mix, drawn at random per request:
-- 60 % from a list of what residents ask (common and rare words in inflected forms, several words, facets, a
-- second page, typos, words that match nothing), 40 % a long tail of TAIL_WORDS (2 by default) random words of
-- the library. Two words make 820 questions, all asked within seconds at this load; TAIL_WORDS=3 makes 10,660,
-- so the tail stays mostly new questions, as real searches are. done() prints one JSON line with latency, and
-- how many responses came from the result cache (the API's X-Search-Cache header).
-- bench/report.lua, found next to this script whatever the working directory.
local report = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")
local asked = {
  -- common words, inflected
  "собраний", "собранию", "кворума", "уставом", "устава", "протоколом", "жителей", "проектов", "ТОСа",
  "решением", "территории", "граждан", "самоуправления", "администрации", "поддержки",
  -- rarer words and phrases
  "персональных данных", "субсидий области", "дистанционного участия", "отчёта об итогах", "конкурсного отбора",
  "возврат платежей", "подписного листа", "регистрации устава", "границ ТОС", "конференции делегатов",
  "жителей шестнадцати лет", "опубликования итогов", "инициативных платежей", "лучшая практика",
  -- several words
  "инициативных проектов", "рассмотрения проекта", "органов ТОС", "протоколом собрания", "кворум конференции",
  "устав ТОС регистрация", "как провести собрание", "сроки рассмотрения инициативного проекта",
  -- facets and pages
  "устав&kind=template", "собрание&audience=official", "проект&kind=law", "кворум&page=2", "платежи&kind=qa",
  -- typos
  "кварум", "сабрание", "инициатвный", "пратокол", "устаф",
  -- nothing to find
  "зонтик", "космодром", "блокчейн",
}
local tail = {
  "собрание", "кворум", "устав", "протокол", "жители", "проект", "платёж", "субсидия", "конкурс", "отчёт",
  "граница", "конференция", "делегат", "решение", "совет", "председатель", "территория", "администрация",
  "регистрация", "подпись", "лист", "итоги", "срок", "рассмотрение", "отбор", "грант", "область", "бюджет",
  "возврат", "данные", "согласие", "участие", "голосование", "повестка", "уведомление", "заявление", "форма",
  "практика", "поддержка", "инициатива",
}
local scenario = os.getenv("SCENARIO") or "search"
local tail_words = tonumber(os.getenv("TAIL_WORDS") or "2")

-- Percent-encode everything but the parameter separators (the request line must be ASCII without spaces).
local function encode(q)
  return (q:gsub("([^%w%-%._~=&])", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + id)
  hits, misses = 0, 0
end

request = function()
  local q
  if math.random() < 0.6 then
    q = asked[math.random(#asked)]
  else
    local picked = {}
    for i = 1, tail_words do picked[i] = tail[math.random(#tail)] end
    q = table.concat(picked, " ")
  end
  return wrk.format("GET", "/api/v1/knowledge/search?q=" .. encode(q))
end

response = function(status, headers, body)
  if headers["X-Search-Cache"] == "hit" then hits = hits + 1 else misses = misses + 1 end
end

done = function(summary, latency, requests)
  local h, m = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses") end
  report(scenario, summary, latency, function()
    return string.format('"cache_hits":%d,"cache_hit_share":%.2f', h, (h + m) > 0 and h / (h + m) or 0)
  end)
end
