"""Other content the knowledge search shows beside materials. A capability registers a function that takes
the query's words and returns a few hits; the ТОС registry is the first."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass
class SourceHit:
    title: str
    url: str
    detail: str


_sources: dict[str, tuple[str, object]] = {}


def register(code: str, label: str, find) -> None:
    _sources[code] = (label, find)


def search_sources(query_words: list[str], *, limit: int = 5) -> list[tuple[str, list[SourceHit]]]:
    found = []
    for label, find in _sources.values():
        hits = find(query_words, limit=limit)
        if hits:
            found.append((label, hits))
    return found


def stem(word: str) -> str:
    # Names of ТОС are inflected in queries («ТОС Солнечного» → «Солнечный»): compare without the ending.
    return word if len(word) <= 4 else word[: max(4, len(word) - 2)]


def _find_tos(query_words: list[str], *, limit: int) -> list[SourceHit]:
    from sosedi.territories.models import Tos

    wanted = [w for w in query_words if len(w) >= 3 and w.lower() not in ("тос", "тоса", "тосы", "тосов")]
    if not wanted:
        return []
    qs = Tos.objects.select_related("municipality").only("pk", "name", "municipality__name")
    for w in wanted[:4]:
        # The registry keeps a lower-cased name for this: SQLite's LIKE folds ASCII letters only.
        qs = qs.filter(search_text__contains=stem(w.lower()))
    return [
        SourceHit(title=t.name, url=reverse("territories:tos_detail", args=[t.pk]), detail=t.municipality.name)
        for t in qs.order_by("name")[:limit]
    ]


register("tos", "ТОС в реестре", _find_tos)
