"""gunicorn settings, read from the working directory by every start of the server (make run, docs/deploy.md, the
benchmarks in bench/), so they are the same everywhere.

preload_app: the application — every view and API schema, the morphology dictionary (sosedi/core/warmup.py) —
is loaded once in the master process before the workers are forked. Each worker then serves from its first
request and shares those pages of memory with the others; without it every worker imported the application for
itself (~2 s of CPU each on two cores) while the first requests waited in the queue. Nothing opens a database
connection while loading, so no connection is shared across the fork. A deploy therefore restarts the server:
a reload (HUP) would keep the code loaded before.
"""

preload_app = True
