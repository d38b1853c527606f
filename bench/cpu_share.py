"""How much of the machine's CPU went to work other than the benchmark, during one measurement.

    python bench/cpu_share.py start STATE ROOT_PID [DB]   # before wrk; ROOT_PID is the benchmark script's shell
    python bench/cpu_share.py stop STATE ROOT_PID [DB]    # after: prints that share, in % of all CPU time

Other sessions share the two cores (test suites, their own benchmarks), some in another PID namespace that
`ps` here does not show. Ours is the script's process tree (gunicorn and its workers, the voter, wrk — reaped
children count through their parent) plus PostgreSQL and Redis, which serve it. The kernel's total busy time
(/proc/stat) minus ours is the neighbours' load: a run with a large share measured them as much as the code.
With DB given, only PostgreSQL backends connected to that database are ours: another session's slow query in
its own database once ran for minutes during a measurement and was counted as the benchmark's.
"""

import sys
from pathlib import Path

SERVERS = ("postgres", "redis-server")


def _busy_total() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle and iowait
    return sum(fields) - idle, sum(fields)


def _backend_of_other_db(pid: int, db: str) -> bool:
    """A PostgreSQL backend's title reads `postgres: 15/main: USER DB HOST(PORT) STATE`."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
    except OSError:
        return False
    return len(title) >= 5 and title[0] == "postgres:" and "(" in title[4] and title[3] != db


def _ours(root: int, db: str = "") -> int:
    """CPU ticks used so far by the root's process tree and by the database and cache servers."""
    procs = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # exited meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        # The name may contain spaces; the fields after its closing parenthesis are fixed.
        rest = text[text.rindex(")") + 2 :].split()
        procs[int(stat.parent.name)] = (name, int(rest[1]), sum(int(v) for v in rest[11:15]))
    children: dict[int, list[int]] = {}
    for pid, (_name, ppid, _ticks) in procs.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in procs and pid not in tree:
            tree.add(pid)
            todo += children.get(pid, [])
    servers = {
        pid
        for pid, (name, _ppid, _t) in procs.items()
        if name.startswith(SERVERS) and not (db and _backend_of_other_db(pid, db))
    }
    # A server's children (PostgreSQL backends) report to their parent once reaped; count each process once.
    return sum(procs[pid][2] for pid in tree | servers)


def main(action: str, state: Path, root: int, db: str = "") -> None:
    busy, total = _busy_total()
    ours = _ours(root, db)
    if action == "start":
        state.write_text(f"{busy} {total} {ours}")
        return
    busy0, total0, ours0 = (int(v) for v in state.read_text().split())
    other = max(0, (busy - busy0) - (ours - ours0))
    print(round(100 * other / max(1, total - total0)))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
