-- wrk scenario for knowledge search: each request asks /api/v1/knowledge/search for one of QUERIES (inflected
-- forms, several words, a facet, a typo, a word that matches nothing). done() prints one JSON line.
local queries = {
  "кворума", "собраний", "уставом", "инициативных проектов", "платежей", "персональных данных",
  "конференции делегатов", "границ ТОС", "отчёта об итогах", "подписного листа", "протоколом собрания",
  "жителей шестнадцати лет", "рассмотрения проекта", "конкурсного отбора", "регистрации устава",
  "кварум", "устав&kind=template", "собрание&audience=official", "опубликования итогов", "органов ТОС",
  "дистанционного участия", "субсидий области", "самоуправления", "возврат платежей", "зонтик",
}
local scenario = os.getenv("SCENARIO") or "search"

-- Percent-encode everything but the parameter separators (the request line must be ASCII without spaces).
local function encode(q)
  return (q:gsub("([^%w%-%._~=&])", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local counter = 0

request = function()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  return wrk.format("GET", "/api/v1/knowledge/search?q=" .. encode(q))
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    + summary.errors.status
  io.write(string.format(
    '{"scenario":"%s","requests":%d,"rps":%.1f,"p50_ms":%.1f,"p95_ms":%.1f,"p99_ms":%.1f,"errors":%d}\n',
    scenario, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
