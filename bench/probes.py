"""What the in-process probes (bench/probe_*.py) share: the best mean time of a request over rounds of
addresses, the queries of one request, and a cProfile of many. Imported after django.setup()."""

import cProfile
import pstats
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def best_ms(client, make_url: Callable[[], str], *, rounds: int = 5, requests: int = 200) -> float:
    """The lowest of `rounds` means, in ms, of GET over `requests` fresh addresses (each must answer 200)."""
    best = float("inf")
    for _ in range(rounds):
        urls = [make_url() for _ in range(requests)]
        started = time.perf_counter()
        for address in urls:
            assert client.get(address).status_code == 200, address
        best = min(best, (time.perf_counter() - started) / len(urls) * 1000)
    return best


def print_queries(client, address: str) -> None:
    with CaptureQueriesContext(connection) as ctx:
        client.get(address)
    print(len(ctx.captured_queries), "queries")
    for query in ctx.captured_queries:
        print(f"  {query['time']}s {query['sql'][:150]}")


def print_profile(client, make_url: Callable[[], str], *, requests: int = 200, sort: str = "cumulative") -> None:
    profile = cProfile.Profile()
    urls = [make_url() for _ in range(requests)]
    profile.enable()
    for address in urls:
        client.get(address)
    profile.disable()
    pstats.Stats(profile).sort_stats(sort).print_stats(50)
