# Shared by the benchmark scripts (sourced, not run). Other sessions share the machine's two cores, so each
# measurement waits for a nearly idle machine and reports the share of CPU that others took while it ran.
# Needs WORK (a scratch directory), QUIET_WAIT, MAX_OTHER, ATTEMPTS and DB (the benchmark's database) set by the
# caller.

busy_pct() {  # share of all CPU time that was not idle over 2 s (our own processes are idle at this point)
  local -a a b
  local total=0 idle i
  read -ra a < <(head -1 /proc/stat)
  sleep 2
  read -ra b < <(head -1 /proc/stat)
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $((total > 0 ? 100 * (total - idle) / total : 0))
}
wait_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT))
  while [ "$(busy_pct)" -gt "$MAX_OTHER" ] && [ "$SECONDS" -lt "$deadline" ]; do :; done
}
# DB: the benchmark's database; backends of other databases are other sessions' work.
other_start() { .venv/bin/python bench/cpu_share.py start "$WORK/cpu" $$ "${DB:-}"; }
other_stop() { .venv/bin/python bench/cpu_share.py stop "$WORK/cpu" $$ "${DB:-}"; }

# measure_best LINES SCENARIO [ARG…]: runs `measure SCENARIO ARG…` (defined by the caller; it prints one JSON line
# with "other_pct") after waiting for a quiet machine, again while others took more than MAX_OTHER % of the CPU,
# up to ATTEMPTS times. Each attempt is printed; the least disturbed one is appended to LINES. ATTEMPT holds the
# attempt's number for `measure`.
measure_best() {
  local lines=$1 scenario=$2 best="" best_other=101 line other
  shift
  for ATTEMPT in $(seq 1 "$ATTEMPTS"); do
    wait_quiet
    line=$(measure "$@")
    [[ $line == '{"scenario"'*'}' ]] || { echo "$scenario: the measurement failed: $line" >&2; exit 1; }
    echo "$line"
    other=$(.venv/bin/python -c 'import json, sys; print(json.loads(sys.argv[1])["other_pct"])' "$line")
    # Keep the least disturbed attempt; stop as soon as one was clean.
    [ "$other" -lt "$best_other" ] && { best=$line; best_other=$other; }
    [ "$other" -le "$MAX_OTHER" ] && break
  done
  echo "$best" >> "$lines"
}
