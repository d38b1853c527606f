"""Cost of a miss of the filtered projects list (`projects_filtered` of bench/run_initiatives.sh) in one process,
with no server or load generator: the mean of 5 × 200 requests with a session cookie (past the page cache) over
the scenario's ~900 addresses, best run; then the queries of one and, with --profile, a cProfile of 200.

    BENCH_INITIATIVES_DB=… REDIS_URL=redis://127.0.0.1:6379/15 DEBUG=false \\
        PYTHONPATH=. .venv/bin/python bench/probe_initiatives_list.py [--profile]
"""

import os
import random
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DATABASE_URL",
    f"postgres://postgres@127.0.0.1:5432/{os.environ.get('BENCH_INITIATIVES_DB', 'sosedi_bench_initiatives')}",
)
django.setup()

from django.test import Client  # noqa: E402

from bench.probes import best_ms, print_profile, print_queries  # noqa: E402
from sosedi.initiatives import selectors  # noqa: E402

STATUSES = ("collecting", "submitted", "published", "supported", "rejected", "implementing", "reported")
municipalities = list(selectors.filter_municipalities().values_list("pk", flat=True))
rng = random.Random(26)
client = Client()
client.cookies["sessionid"] = "bench-anonymous"  # as the *_nocache scenarios: every request is rendered


def url() -> str:
    municipality, status = rng.choice(municipalities), rng.choice(STATUSES)
    return f"/initiatives/?municipality={municipality}&status={status}&page={rng.randint(1, 3)}"


def empty_url() -> str:
    """The page's shell alone: filters chosen, a page past the last (no cards; its ids query finds none)."""
    return f"/initiatives/?municipality={rng.choice(municipalities)}&status={rng.choice(STATUSES)}&page=200"


for _ in range(20):  # warm: connections, templates, the law panel's memo
    client.get(url())
for name, make in (("filtered list miss", url), ("empty list (shell only)", empty_url)):
    print(f"{name}: {best_ms(client, make):.2f} ms per request (best of 5 × 200)")
print_queries(client, url())
if "--profile" in sys.argv:
    print_profile(client, url)
