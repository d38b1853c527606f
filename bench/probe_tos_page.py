import os, time, random
os.environ.setdefault("DJANGO_SETTINGS_MODULE","config.settings")
import django; django.setup()
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sosedi.territories.models import Tos
ids = list(Tos.objects.values_list("pk", flat=True)[:35000])
rng = random.Random(int(time.time()))
c = Client()
c.get(f"/tos/{ids[0]}/")
best = 1e9
for rep in range(5):
    sample = rng.sample(ids, 100)
    t = time.perf_counter()
    for pk in sample:
        r = c.get(f"/tos/{pk}/")
        assert r.status_code == 200
    best = min(best, (time.perf_counter() - t) / 100 * 1000)
print(f"tos page miss: {best:.2f} ms (best of 5×100)")
with CaptureQueriesContext(connection) as ctx:
    c.get(f"/tos/{rng.choice(ids)}/")
print(len(ctx.captured_queries), "queries")
for q in ctx.captured_queries: print("  ", q["sql"][:110])
