#!/usr/bin/env bash
# Meetings benchmarks on PostgreSQL: tallying 100,000 ballots of one item (target < 200 ms) and the live meeting
# page with 300 checked-in participants under 16 clients (target p95 < 50 ms), behind gunicorn like bench/run.sh.
#   bash bench/run_meetings.sh                 # what `make bench` runs after bench/run.sh
#   N_BALLOTS=20000 DURATION=5 bash bench/run_meetings.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
N_BALLOTS="${N_BALLOTS:-100000}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-20}"
PORT="${BENCH_PORT:-8791}"
WORKERS="${WORKERS:-4}"
DB="${BENCH_MEETINGS_DB:-sosedi_bench_meetings}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=config.settings DEBUG=false
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15}"
mkdir -p bench/results
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/meetings-$STAMP.md"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start

echo "==> database $DB: $N_BALLOTS ballots on one item, a live meeting of 300"
psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
MEASURES="$(mktemp)"
.venv/bin/python bench/meetings.py "$N_BALLOTS" | tee "$MEASURES"
# Let PostgreSQL settle after the bulk load (vacuum, statistics, a checkpoint), so the load test does not
# measure the background writer catching up.
psql -h 127.0.0.1 -U postgres -d "$DB" -q -c "VACUUM ANALYZE" -c "CHECKPOINT"
MEETING="$(.venv/bin/python -c 'import json; print(json.load(open("bench/results/meetings-params.json"))["live_meeting"])')"
SESSION="$(.venv/bin/python -c 'import json; print(json.load(open("bench/results/meetings-params.json"))["member_session"])')"

echo "==> gunicorn: $WORKERS workers on 127.0.0.1:$PORT"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" --threads 1 \
  --worker-class gthread --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
up=0
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && { up=1; break; }; sleep 0.5; done
[ "$up" = 1 ] || { echo "gunicorn did not answer on 127.0.0.1:$PORT within 30 s" >&2; exit 1; }
curl -sf "http://127.0.0.1:$PORT/meetings/$MEETING/" | grep -q "Кворум" || { echo "meeting page broken" >&2; exit 1; }

LINES="$(mktemp)"
# Anonymous visitors (served from the page cache while nothing changes), then a signed-in participant (the page
# rendered for them on every request, the quorum line from its cache).
for scenario in meeting_page meeting_quorum member_page member_quorum; do
  path="/meetings/$MEETING/"; case $scenario in *quorum) path="/meetings/$MEETING/quorum/";; esac
  cookie="X-Bench: anonymous"; case $scenario in member_*) cookie="Cookie: sessionid=$SESSION";; esac
  SCENARIO=$scenario MEETING_PATH=$path wrk -t2 -c"$CONNECTIONS" -d5s -H "$cookie" -s bench/meetings.lua \
    "http://127.0.0.1:$PORT" >/dev/null
  line=$(SCENARIO=$scenario MEETING_PATH=$path wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -H "$cookie" \
    -s bench/meetings.lua "http://127.0.0.1:$PORT" | grep '^{"scenario"' | tail -1)
  echo "$line"
  echo "$line" >> "$LINES"
done

.venv/bin/python - "$MEASURES" "$LINES" "$STAMP" "$CONNECTIONS" "$DURATION" "$WORKERS" > "$OUT" <<'PY'
import json, sys
measures = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
rows = [json.loads(l) for l in open(sys.argv[2])]
stamp, conns, duration, workers = sys.argv[3:7]
print(f"# Meetings benchmark {stamp}\n")
print(f"PostgreSQL, gunicorn {workers} × 1, {conns} клиентов, {duration} с на сценарий.\n")
for m in measures:
    if m.get("measure"):
        verdict = ""
        if m["measure"] == "tally":
            verdict = " — цель < 200 мс: " + ("да" if m["ok"] else "**нет**")
        print(f"- `{m['measure']}` на {m['ballots']} бюллетенях: медиана {m['median_ms']} мс, максимум {m['max_ms']} мс "
              f"({m['runs']} прогонов){verdict}")
print()
print("| сценарий | запросов/с | p50, мс | p95, мс | p99, мс | ошибок | p95 < 50 мс |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    ok = "да" if r["p95_ms"] < 50 and not r["errors"] else "**нет**"
    print(f"| {r['scenario']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} | {ok} |")
PY
rm -f "$LINES" "$MEASURES"
echo
cat "$OUT"
