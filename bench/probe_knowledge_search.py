"""Cost of a knowledge-search miss (bench/run_knowledge.sh with the result cache off) in one process, with no
server or load generator: the mean over the benchmark's mix (bench/knowledge.lua's questions and word pairs)
of GET /api/v1/knowledge/search, best of 5 × 200; then the queries of one search and, with --profile, a
cProfile of 200.

    BENCH_KNOWLEDGE_DB=hk_bench DEBUG=false [TAIL_WORDS=3] PYTHONPATH=. .venv/bin/python \\
        bench/probe_knowledge_search.py [--profile]
"""

import os
import random
import re
import sys
from pathlib import Path
from urllib.parse import quote

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault(
    "DATABASE_URL",
    f"postgres://postgres@127.0.0.1:5432/{os.environ.get('BENCH_KNOWLEDGE_DB', 'sosedi_bench_knowledge')}",
)
os.environ["KNOWLEDGE_SEARCH_CACHE_SECONDS"] = "0"  # every request searches
django.setup()

from django.test import Client  # noqa: E402

from bench.probes import best_ms, print_profile, print_queries  # noqa: E402

# The questions of the load scenario, read from it so the two cannot drift apart.
lua = (Path(__file__).parent / "knowledge.lua").read_text()
asked = re.findall(r'"([^"]+)"', lua.split("local asked = {", 1)[1].split("}", 1)[0])
tail = re.findall(r'"([^"]+)"', lua.split("local tail = {", 1)[1].split("}", 1)[0])
TAIL_WORDS = int(os.environ.get("TAIL_WORDS", "2"))  # as the load scenario's
rng = random.Random(4)
client = Client()


def url(kind: str = "") -> str:
    if kind == "tail" or (not kind and rng.random() >= 0.6):
        q = " ".join(rng.choice(tail) for _ in range(TAIL_WORDS))
    else:
        q = rng.choice(asked)
    return "/api/v1/knowledge/search?q=" + quote(q, safe="=&")


for _ in range(30):  # warm: connection, vocabulary, compiled and prepared statements
    client.get(url())
for name, kind in (("mix", ""), ("asked", "asked"), ("tail", "tail")):
    print(f"{name}: {best_ms(client, lambda kind=kind: url(kind)):.2f} ms per search (best of 5 × 200)")
print_queries(client, url("tail"))
if "--profile" in sys.argv:
    print_profile(client, url, sort="tottime")
