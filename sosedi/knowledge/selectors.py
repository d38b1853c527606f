"""Reads of the knowledge base, with their related rows fetched up front (query counts do not grow with data)."""

import difflib
import html

from django.db.models import Prefetch, Q
from django.utils.safestring import mark_safe

from sosedi.core.pagecache import content_version

from .models import Attachment, Material, MaterialState, MaterialVersion, Question, QuestionState, Topic
from .search import KNOWLEDGE_SCOPE, _filtered
from .text import plain_text


def materials_public(*, kind: str = "", audience: str = "", direction: str = ""):
    qs = Material.objects.public().select_related("published_version")
    return _filtered(qs, kind=kind, audience=audience, direction=direction).order_by("-published_at", "-pk")


def material_for_reader(slug: str) -> Material:
    return (
        Material.objects.select_related("published_version", "current_version", "municipality")
        .prefetch_related("directions", "topics", Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .get(slug=slug)
    )


def materials_in_work():
    """The editors' desk: drafts and the review queue, and published materials with unpublished changes."""
    return (
        Material.objects.filter(Q(state__in=[MaterialState.DRAFT, MaterialState.REVIEW]) | Q(outdated_at__isnull=False))
        .select_related("created_by", "current_version")
        .order_by("state", "-updated_at")
    )


def material_versions(material: Material):
    return material.versions.select_related("created_by").order_by("-number")


def version_diff(older: MaterialVersion | None, newer: MaterialVersion) -> list[tuple[str, str]]:
    """Line-by-line difference of two versions' readable text: ('+', line), ('-', line) or (' ', line)."""

    def lines(v):
        if v is None:
            return []
        return [f"# {v.title}", *([v.summary] if v.summary else []), *plain_text(v.body).split("\n")]

    out = []
    for line in difflib.ndiff(lines(older), lines(newer)):
        sign, text = line[:1], line[2:]
        if sign in "+- ":
            out.append((sign, text))
    return out


def diff_html(rows: list[tuple[str, str]]):
    parts = []
    for sign, text in rows:
        css = {"+": "diff-add", "-": "diff-del", " ": "diff-same"}[sign]
        label = {"+": "добавлено", "-": "удалено", " ": ""}[sign]
        prefix = f'<span class="visually-hidden">{label}: </span>' if label else ""
        parts.append(f'<li class="{css}">{prefix}{html.escape(text)}</li>')
    return mark_safe("".join(parts))  # noqa: S308  (text escaped above)


# Per-process memo of the law panels: topic codes → list of (title, url, kind label, legal refs), rebuilt when
# the knowledge base changes (its content version), so a page showing a panel costs no extra query on a hit.
_panels: dict[tuple, tuple[int, list]] = {}


def law_panel(codes: tuple[str, ...], *, limit: int = 5) -> list[dict]:
    version = content_version(KNOWLEDGE_SCOPE)
    known = _panels.get(codes)
    if known is not None and known[0] == version:
        return known[1]
    materials = (
        Material.objects.public()
        .filter(topics__code__in=codes)
        .distinct()
        .select_related("published_version")
        .order_by("kind", "-published_at")[:limit]
    )
    items = [
        {
            "title": m.published_version.title,
            "url": m.get_absolute_url(),
            "kind": m.get_kind_display(),
            "legal_refs": m.legal_refs,
            "outdated": m.is_outdated,
        }
        for m in materials
    ]
    _panels[codes] = (version, items)
    return items


def topics_all():
    return Topic.objects.order_by("name")


def questions_of(user):
    return Question.objects.filter(asked_by=user).select_related("material").order_by("-created_at")


def questions_waiting():
    return Question.objects.filter(state=QuestionState.NEW).select_related("asked_by").order_by("created_at")
