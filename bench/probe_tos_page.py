"""Cost of a ТОС page cache miss in one process (no server, no load generator): 5 × 100 random pages, best run.

    DATABASE_URL=postgres://…/sosedi_bench REDIS_URL=redis://127.0.0.1:6379/15 DEBUG=false \\
        PYTHONPATH=. .venv/bin/python bench/probe_tos_page.py
"""

import os
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sosedi.territories.models import Tos  # noqa: E402

ids = list(Tos.objects.values_list("pk", flat=True))
rng = random.Random(int(time.time()))  # new pages each run: a page seen before is a cache hit
client = Client()
client.get(f"/tos/{ids[0]}/")
best = float("inf")
for _ in range(5):
    sample = rng.sample(ids, 100)
    started = time.perf_counter()
    for pk in sample:
        assert client.get(f"/tos/{pk}/").status_code == 200
    best = min(best, (time.perf_counter() - started) / 100 * 1000)
print(f"tos page miss: {best:.2f} ms (best of 5×100)")
with CaptureQueriesContext(connection) as ctx:
    client.get(f"/tos/{rng.choice(ids)}/")
print(len(ctx.captured_queries), "queries")
for query in ctx.captured_queries:
    print("  ", query["sql"][:110])
