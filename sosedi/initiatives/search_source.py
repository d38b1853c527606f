"""Initiative projects in the knowledge search: a resident who searches «детская площадка» sees the projects of
that name beside the materials on how to bring one. Only public projects (not drafts) are shown."""

from django.db.models import Q

from sosedi.knowledge.sources import SourceHit, register, stem


def find_projects(query_words: list[str], *, limit: int) -> list[SourceHit]:
    from .models import InitiativeProject

    wanted = [w for w in query_words if len(w) >= 3]
    if not wanted:
        return []
    qs = InitiativeProject.objects.public().select_related("municipality").only("pk", "title", "municipality__name")
    for w in wanted[:4]:
        part = stem(w.lower())
        # SQLite's LIKE folds ASCII letters only: a title starts a word in upper or lower case.
        qs = qs.filter(Q(title__contains=part) | Q(title__contains=part.capitalize()))
    return [
        SourceHit(title=p.title, url=p.get_absolute_url(), detail=f"{p.get_status_display()} · {p.municipality.name}")
        for p in qs.order_by("-created_at")[:limit]
    ]


register("initiatives", "Инициативные проекты", find_projects)
