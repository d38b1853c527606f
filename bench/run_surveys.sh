#!/usr/bin/env bash
# The surveys results page under load (issue [5]): 16 clients behind gunicorn 4 sync workers × 1 thread with
# Redis as the cache, first on an unchanged survey, then while answers arrive (WRITE_RATE a second through the
# submission service, each of which moves the results' version). The survey of bench/surveys_results.py
# (10,000 responses × 20 questions) in BENCH_SURVEYS_DB, generated on the first run. 127.0.0.1 only, bounded
# in time; run it under the shared lock (the script does not take it):
#   BENCH_SURVEYS_DB=sosedi_bench_surveys flock /tmp/sosedi-bench.lock bash bench/run_surveys.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20}"
PORT="${BENCH_PORT:-8793}"
WRITE_RATE="${WRITE_RATE:-10}"  # one answer every 100 ms
DB="${BENCH_SURVEYS_DB:-sosedi_bench_surveys}"
QUIET_WAIT="${QUIET_WAIT:-120}"
MAX_OTHER="${MAX_OTHER:-10}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=config.settings DEBUG=false EMAIL_URL="dummymail://"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/12}"
URL="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
SERVER=""
WRITER=""
cleanup() {
  for pid in $WRITER $SERVER; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
. bench/lib.sh

psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $DB"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
read -r SURVEY SESSION < <(.venv/bin/python bench/surveys_results.py setup | tail -1 \
  | .venv/bin/python -c 'import json, sys; p = json.load(sys.stdin); print(p["survey"], p["session"])')
PAGE="/surveys/$SURVEY/results/"

.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers 4 --threads 1 --log-level warning &
SERVER=$!
up=0
for _ in $(seq 1 60); do curl -sf "$URL/healthz" >/dev/null && { up=1; break; }; sleep 0.5; done
[ "$up" = 1 ] || { echo "gunicorn did not answer on 127.0.0.1:$PORT within 30 s" >&2; exit 1; }
# The page must be the real one: a redirect to the login page would be measured as fast.
curl -sf -H "Cookie: sessionid=$SESSION" "$URL$PAGE" | grep -q "Сравнение групп" \
  || { echo "results page: not the page (session or data missing)" >&2; exit 1; }

run() {  # scenario path cookie? → one JSON line
  local -a headers=()
  [ "$3" = yes ] && headers=(-H "Cookie: sessionid=$SESSION")
  # bench/meetings.lua requests one path and prints a JSON line; nothing in it is about meetings.
  SCENARIO=$1 MEETING_PATH=$2 wrk -t2 -c"$CONNECTIONS" -d2s "${headers[@]}" -s bench/meetings.lua "$URL" >/dev/null
  other_start
  local line
  line=$(SCENARIO=$1 MEETING_PATH=$2 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s "${headers[@]}" \
    -s bench/meetings.lua "$URL" | grep '^{"scenario"' | tail -1)
  echo "${line%\}},\"other_pct\":$(other_stop)}"
}

wait_quiet
run healthz /healthz no
wait_quiet
run results_unchanged "$PAGE" yes
# The writer saves its drafts first (not measured), then sends on a steady schedule for the measurement.
.venv/bin/python bench/surveys_results.py write "$WRITE_RATE" $((DURATION + 2)) > "$WORK/writer.out" &
WRITER=$!
until grep -q "writer ready" "$WORK/writer.out" 2>/dev/null; do sleep 0.5; done
run results_while_answering "$PAGE" yes
wait "$WRITER"
WRITER=""
grep '"writer"' "$WORK/writer.out"
