"""20,000 published materials for the knowledge search benchmark (issue [4]: p95 < 50 ms at 16 clients).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sosedi_bench_knowledge .venv/bin/python bench/knowledge_generate.py
    DATABASE_URL=sqlite:///bench/knowledge.sqlite3 .venv/bin/python bench/knowledge_generate.py

The database name must contain "bench". Text comes from the starter library (sosedi/knowledge/demo/library.py):
each material's title is a few of its title words, its body 8–20 of its sentences, so the words, their forms and
their frequencies are those of real materials. Rows are written in bulk with the same search columns
`services.material_publish` computes (lemmas per sentence, cached), then ANALYZE. Prints one JSON line.
"""

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url:
        sys.exit("DATABASE_URL must name a scratch database whose name contains 'bench'")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from sosedi.accounts.models import User
    from sosedi.knowledge.demo.library import ARTICLES, LAW_TEXTS, QA
    from sosedi.knowledge.models import Material, MaterialVersion
    from sosedi.knowledge.text import lemma_string, plain_text
    from sosedi.territories.models import Direction

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    rng = random.Random(4)
    entries = [*ARTICLES, *LAW_TEXTS, *QA]
    sentences = sorted(
        {s.strip() + "." for e in entries for s in plain_text(e["body"]).replace("\n", " ").split(".") if len(s) > 30}
    )
    title_words = sorted({w for e in entries for w in e["title"].replace(":", "").split() if len(w) > 3})
    lemmas = {s: lemma_string(s) for s in sentences}
    author, _ = User.objects.get_or_create(email="bench-author@example.ru")
    directions = list(Direction.objects.order_by("pk"))
    Through = Material.directions.through
    Material.objects.filter(slug__startswith="bench-").delete()
    now = timezone.now()
    kinds = ["article", "article", "article", "law", "template", "qa", "video"]
    with transaction.atomic():
        for start in range(0, N, 2000):
            batch = []
            texts = []
            for n in range(start, min(N, start + 2000)):
                title = " ".join(rng.sample(title_words, rng.randint(3, 7))).capitalize()
                body = rng.sample(sentences, rng.randint(8, 20))
                texts.append((title, body))
                batch.append(
                    Material(
                        kind=kinds[n % len(kinds)],
                        slug=f"bench-{n}",
                        title=title,
                        body="".join(f"<p>{s}</p>" for s in body),
                        for_officials=n % 3 == 0,
                        created_by=author,
                        search_title=title,
                        search_text="\n".join(body),
                        lemmas_title=lemma_string(title),
                        lemmas_text=" " + " ".join(lemmas[s].strip() for s in body) + " ",
                        published_at=now,
                    )
                )
            created = Material.objects.bulk_create(batch)
            versions = MaterialVersion.objects.bulk_create(
                MaterialVersion(material=m, number=1, title=t, body=m.body, created_by=author)
                for m, (t, _b) in zip(created, texts, strict=True)
            )
            for m, v in zip(created, versions, strict=True):
                m.current_version = m.published_version = v
                m.state = "published"
            Material.objects.bulk_update(created, ["current_version", "published_version", "state"])
            # Directions as editors set them: none, one or two per material.
            Through.objects.bulk_create(
                Through(material=m, direction=d)
                for m in created
                for d in rng.sample(directions, min(len(directions), rng.choice([0, 1, 1, 2])))
            )
    with connection.cursor() as cursor:
        # The steady state autovacuum keeps: the bulk update above leaves a dead copy of every row (and the GIN
        # index's pending list) that a production table would not carry.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        json.dumps(
            {
                "materials": Material.objects.public().count(),
                "vendor": connection.vendor,
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
