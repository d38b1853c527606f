#!/usr/bin/env bash
# Ideas and initiative projects benchmark on PostgreSQL (issue [3]): the public lists and the map with 100,000
# ideas and projects (50,000 of each by default) under 16 clients, target p95 < 100 ms. gunicorn 4 sync workers
# with Redis, as docs/deploy.md runs it; load to 127.0.0.1 only, bounded in time. Run under the shared lock (the
# script does not take it):
#   flock /tmp/sosedi-bench.lock bash bench/run_initiatives.sh
#   N_IDEAS=5000 N_PROJECTS=5000 DURATION=5 flock /tmp/sosedi-bench.lock bash bench/run_initiatives.sh   # a look
#   REUSE_DB=1 ONLY="map_street projects_nocache" flock …   # some scenarios again on the last run's data
set -euo pipefail
cd "$(dirname "$0")/.."
N_IDEAS="${N_IDEAS:-50000}"
N_PROJECTS="${N_PROJECTS:-50000}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20}"
PORT="${BENCH_PORT:-8794}"
WORKERS="${WORKERS:-4}"
QUIET_WAIT="${QUIET_WAIT:-180}"
ATTEMPTS="${ATTEMPTS:-3}"
MAX_OTHER="${MAX_OTHER:-10}"
DB="${BENCH_INITIATIVES_DB:-sosedi_bench_initiatives}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=config.settings DEBUG=false EMAIL_URL="dummymail://"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15}"
mkdir -p bench/results
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/initiatives-$STAMP.md"
URL="http://127.0.0.1:$PORT"

command -v wrk >/dev/null \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start

WORK="$(mktemp -d)"
SERVER=""
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
. bench/lib.sh

if [ "${REUSE_DB:-0}" != "1" ]; then
  echo "==> database $DB: $N_IDEAS ideas, $N_PROJECTS projects (rebuilt)"
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  .venv/bin/python manage.py migrate --noinput -v 0
  .venv/bin/python bench/initiatives_generate.py "$N_IDEAS" "$N_PROJECTS"
  psql -h 127.0.0.1 -U postgres -d "$DB" -q -c "CHECKPOINT"
fi
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
# The params for wrk; prints the street-level tile of the first town's centre, checked below.
CHECK_TILE=$(.venv/bin/python - <<'PY'
import json, math
d = json.load(open("bench/results/initiatives.json"))
lats = [t[0] for t in d["towns"]]
lons = [t[1] for t in d["towns"]]
centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
towns = ",".join("{%.5f,%.5f}" % (t[0], t[1]) for t in d["towns"])
open("bench/results/initiatives-params.lua", "w").write(
    "return {municipalities={%s}, towns={%s}, centre={%.5f,%.5f}}\n"
    % (",".join(map(str, d["municipalities"])), towns, *centre))
lat, lon = d["towns"][0]
y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**15
print(f"15/{int((lon + 180) / 360 * 2**15)}/{int(y)}")
PY
)
export BENCH_PARAMS="$PWD/bench/results/initiatives-params.lua"

echo "==> gunicorn: $WORKERS sync workers on 127.0.0.1:$PORT"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads 1 \
  --worker-class sync --log-level warning &
SERVER=$!
up=0
for _ in $(seq 1 60); do curl -sf "$URL/healthz" >/dev/null && { up=1; break; }; sleep 0.5; done
[ "$up" = 1 ] || { echo "gunicorn did not answer on 127.0.0.1:$PORT within 30 s" >&2; exit 1; }
# The pages must be the real ones: an error page or an empty list would be measured as fast. (Saved to a file
# first: `grep -q` closing the pipe early would fail curl under pipefail.)
check() {  # path text
  curl -sf "$URL$1" > "$WORK/check" && grep -q "$2" "$WORK/check" || { echo "$1 does not show $2" >&2; exit 1; }
}
check "/initiatives/?page=3" 'rel="next"'
check "/initiatives/ideas/" "идея"
check "/initiatives/map/" "initiative-points"
check "/api/v1/initiatives/map?zoom=6&bbox=20,40,60,70" '"count"'
check "/api/v1/initiatives/map?tile=$CHECK_TILE" '"url"'

measure() {  # scenario → one JSON line, with the share of the CPU that others took during it
  local line
  SCENARIO=$1 wrk -t2 -c"$CONNECTIONS" -d2s -s bench/initiatives.lua "$URL" >/dev/null
  other_start
  line=$(SCENARIO=$1 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s bench/initiatives.lua "$URL" \
    | grep '^{"scenario"' | tail -1)
  echo "${line%\}},\"other_pct\":$(other_stop)}"
}

for scenario in trivial projects projects_filtered ideas map_page map_region map_town map_street api_list \
  projects_nocache ideas_nocache; do
  [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $scenario "* ]] || continue
  measure_best "$WORK/lines" "$scenario"
done

.venv/bin/python - "$WORK/lines" "$STAMP" "$N_IDEAS" "$N_PROJECTS" "$CONNECTIONS" "$DURATION" "$WORKERS" \
  > "$OUT" <<'PY'
import json, sys
lines, stamp, ideas, projects, conns, duration, workers = sys.argv[1:8]
rows = [json.loads(line) for line in open(lines)]
print(f"# Initiatives benchmark {stamp}\n")
print(f"{ideas} идей и {projects} проектов; gunicorn {workers} sync, Redis; wrk {conns} клиентов, {duration} с "
      "на сценарий (после 2 с прогрева), только 127.0.0.1. «_nocache» — с cookie сессии, мимо кеша страниц. "
      "«чужие» — доля процессора, занятая другими сессиями машины.\n")
print("| сценарий | запросов/с | p50, мс | p95, мс | p99, мс | ошибок | чужие, % | p95 < 100 мс |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    ok = "да" if r["p95_ms"] < 100 and not r["errors"] else "**нет**"
    print(f"| {r['scenario']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
          f"| {r['errors']} | {r['other_pct']} | {ok} |")
PY
echo
cat "$OUT"
