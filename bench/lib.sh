# Shared by the benchmark scripts (sourced, not run). Other sessions share the machine's two cores, so each
# measurement waits for a nearly idle machine and reports the share of CPU that others took while it ran.
# Needs WORK (a scratch directory), QUIET_WAIT, MAX_OTHER and DB (the benchmark's database) set by the caller.

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
