"""Search over published materials, Russian morphology-aware on both databases.

- PostgreSQL: full-text search with the `russian` configuration over a generated, weighted tsvector (title A,
  body B; migration 0002) with a GIN index, ranked by ts_rank; a query that finds nothing falls back to
  trigram similarity with the titles (pg_trgm), so «кварум» still finds «кворум».
- SQLite (the embedded default): the same question asked of pymorphy3 lemmas stored at publication
  (`lemmas_title`, `lemmas_text`): every query lemma must occur; title matches weigh 3, body matches 1; a query
  that finds nothing is retried with each unknown lemma replaced by the closest lemma of the titles (difflib).

Both: every query word must match, else any may (ranked by how many do); snippets are cut and highlighted in
Python from the published plain text (HTML-escaped, matches in <mark>); facets count the text matches by kind,
audience and direction. docs/decisions/0005-knowledge.md
"""

import difflib
import html
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Length
from django.utils.safestring import SafeString, mark_safe

from sosedi.core.pagecache import content_version

from .models import Material, MaterialKind
from .text import cut_query, lemma, query_lemmas, words

KNOWLEDGE_SCOPE = "knowledge"
TITLE_WEIGHT = 3
TEXT_WEIGHT = 1
SNIPPET_CHARS = 220
TRIGRAM_THRESHOLD = 0.3


@dataclass
class Hit:
    material: Material
    score: float
    snippet: SafeString


@dataclass
class Facets:
    kinds: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    audiences: list[tuple[str, str, int]] = field(default_factory=list)
    directions: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    lemmas: list[str]
    hits: list[Hit]
    total: int
    facets: Facets
    corrected: str = ""  # the query actually searched when a typo was corrected
    partial: bool = False  # not every word matched: results match some of them

    @property
    def empty_query(self) -> bool:
        return not self.lemmas


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _filtered(qs, *, kind: str = "", audience: str = "", direction: str = ""):
    if kind:
        qs = qs.filter(kind=kind)
    if audience in ("resident", "activist", "official"):
        qs = qs.filter(**{f"for_{audience}s": True})
    if direction:
        qs = qs.filter(directions__code=direction)
    return qs


# ------------------------------------------------------------------ lemma matching (SQLite and fallback)


def _lemma_condition(lem: str) -> Q:
    framed = f" {lem} "
    return Q(lemmas_title__contains=framed) | Q(lemmas_text__contains=framed)


def _lemma_score(lemmas: list[str]):
    parts = []
    for lem in lemmas:
        framed = f" {lem} "
        parts.append(Case(When(lemmas_title__contains=framed, then=Value(TITLE_WEIGHT)), default=Value(0)))
        parts.append(Case(When(lemmas_text__contains=framed, then=Value(TEXT_WEIGHT)), default=Value(0)))
    return reduce(lambda a, b: a + b, parts, Value(0, output_field=IntegerField()))


def _lemma_match(base, lemmas: list[str], *, every: bool):
    """(the matching rows, their score) on the lemma columns."""
    conditions = [_lemma_condition(lem) for lem in lemmas]
    condition = reduce(lambda a, b: a & b, conditions) if every else reduce(or_, conditions)
    return base.filter(condition), _lemma_score(lemmas)


_vocabulary: dict = {"version": None, "words": []}


def _title_vocabulary() -> list[str]:
    """Distinct lemmas of published titles, kept per process until the knowledge base changes."""
    version = content_version(KNOWLEDGE_SCOPE)
    if _vocabulary["version"] != version:
        found: set[str] = set()
        for lemmas in Material.objects.public().values_list("lemmas_title", flat=True).iterator():
            found.update(lemmas.split())
        _vocabulary.update(version=version, words=sorted(w for w in found if len(w) > 2))
    return _vocabulary["words"]


def _corrected(lemmas: list[str]) -> list[str]:
    vocabulary = _title_vocabulary()
    known = set(vocabulary)
    result = []
    for lem in lemmas:
        if lem in known or len(lem) < 4:
            result.append(lem)
            continue
        close = difflib.get_close_matches(lem, vocabulary, n=1, cutoff=0.75)
        result.append(close[0] if close else lem)
    return result


# ------------------------------------------------------------------ PostgreSQL


def _ts_query(query_words: list[str], *, every: bool) -> str:
    # websearch_to_tsquery accepts any text without syntax errors; «or» joins the words for the any-word pass.
    return " ".join(query_words) if every else " or ".join(query_words)


class _VectorColumn(Expression):
    """A generated tsvector column that only PostgreSQL has (migration 0002), so the model does not declare it.
    The table alias is read when the SQL is compiled, so it is right in subqueries too (U0)."""

    def __init__(self, column: str):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(self.column)}", []


def _pg_match(base, query_words: list[str], *, every: bool):
    """(the matching rows, their score): full-text match on title and body; the score ranks by the title's
    vector only (title above body) — ranking by the body's would read thousands of large vectors from TOAST."""
    from django.contrib.postgres.search import SearchQuery, SearchRank

    # The reader's words travel as a query parameter of websearch_to_tsquery; no SQL is built from them.
    tsquery = SearchQuery(_ts_query(query_words, every=every), config="russian", search_type="websearch")
    matched = base.alias(vector=_VectorColumn("search_vector")).filter(vector=tsquery)
    return matched, SearchRank(_VectorColumn("title_vector"), tsquery) * TITLE_WEIGHT + TEXT_WEIGHT


def _pg_trigram(base, query: str):
    from django.contrib.postgres.search import TrigramWordSimilarity

    # Only reached when full-text search found nothing. `<%` (word similarity above the session's threshold)
    # lets the trigram index on titles answer; the reader's text is a parameter.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
    matched = base.extra(where=["%s <%% search_title"], params=[query])  # noqa: S610
    return matched, TrigramWordSimilarity(query, "search_title")


# ------------------------------------------------------------------ snippets


def _matches(token: str, lemmas: set[str], prefixes: set[str]) -> bool:
    low = token.lower().replace("ё", "е")
    # Only words that start like a query lemma are parsed: a long text has thousands of others.
    return low[:2] in prefixes and lemma(token) in lemmas


def snippet(text: str, lemmas: list[str], *, width: int = SNIPPET_CHARS) -> SafeString:
    """The line of `text` with most query words, cut to about `width` characters around the first of them,
    HTML-escaped, the matching words in <mark>."""
    if not text:
        return mark_safe("")  # noqa: S308
    wanted = set(lemmas)
    prefixes = {lem[:2] for lem in wanted}
    best_line, best_count, best_first = text.split("\n", 1)[0], 0, 0
    for line in text.split("\n"):
        count, first = 0, -1
        for m in re.finditer(r"[\w-]+", line):
            if _matches(m.group(), wanted, prefixes):
                count += 1
                first = m.start() if first < 0 else first
        if count > best_count:
            best_line, best_count, best_first = line, count, first
    start = max(0, best_first - width // 3) if best_count else 0
    if start:
        space = best_line.find(" ", start)
        start = space + 1 if 0 <= space < best_first else start
    piece = best_line[start : start + width]
    out = ["…" if start else ""]
    last = 0
    for m in re.finditer(r"[\w-]+", piece):
        if _matches(m.group(), wanted, prefixes):
            out.append(html.escape(piece[last : m.start()]))
            out.append(f"<mark>{html.escape(m.group())}</mark>")
            last = m.end()
    out.append(html.escape(piece[last:]))
    if start + width < len(best_line):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308  (every piece of text above is escaped)


# ------------------------------------------------------------------ facets


def _facets(matched, rows: list[dict]) -> tuple[Facets, int]:
    """Facet counts of the text matches and their number: kinds × audiences from the pass already made, and
    one query over their directions (none when nothing matched)."""
    from sosedi.territories.models import Direction

    from .models import Audience

    kind_counts = {row["kind"]: row["n"] for row in rows}
    audience = {a: sum(row[a] for row in rows) for a in ("resident", "activist", "official")}
    directions = (
        Direction.objects.none()
        if not rows
        else Direction.objects.filter(knowledge_materials__in=matched.values("pk"))
        .annotate(n=Count("pk"))
        .order_by("position")
        .values_list("code", "name", "n")
    )
    facets = Facets(
        kinds=[(k, str(label), kind_counts[k]) for k, label in MaterialKind.choices if kind_counts.get(k)],
        audiences=[(a, str(label), audience[a]) for a, label in Audience.choices if audience[a]],
        directions=list(directions),
    )
    return facets, sum(kind_counts.values())


# ------------------------------------------------------------------ entry point


def search_materials(
    query: str, *, kind: str = "", audience: str = "", direction: str = "", limit: int = 20, offset: int = 0
) -> SearchResult:
    query = cut_query(query)
    lemmas = query_lemmas(query)
    if not lemmas:
        return SearchResult(query=query, lemmas=[], hits=[], total=0, facets=Facets())
    base = Material.objects.public()
    query_words = [w for w in words(query) if len(w) > 1 or w.isdigit()][:8]
    corrected, partial = "", False

    if _is_postgres():
        with transaction.atomic():
            # The planner prices `search_vector @@ query` as cheap per row and, for a common word, scans the
            # table, reading every body's vector from TOAST (0.3–0.5 s over 20,000 materials); the GIN index
            # answers without reading them (30–80 ms). This transaction only reads.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            stages = [(lambda: _pg_match(base, query_words, every=True), False)]
            if len(query_words) > 1:
                stages.append((lambda: _pg_match(base, query_words, every=False), True))
            stages.append((lambda: _pg_trigram(base, " ".join(query_words)), False))
            for make, stage_partial in stages:
                (matched, score), partial = make(), stage_partial
                rows = _kind_rows(matched)
                if rows:
                    break
            return _result(matched, score, rows, query, lemmas, "", partial, kind, audience, direction, limit, offset)
    corrected = ""
    fixed = None
    stages = [(lemmas, False)] + ([(lemmas, True)] if len(lemmas) > 1 else [])
    for stage_lemmas, partial in [*stages, (None, False), (None, True)]:
        if stage_lemmas is None:
            # Nothing found: retry once with each unknown word replaced by the closest title word (a typo).
            fixed = fixed or _corrected(lemmas)
            if fixed == lemmas or (partial and len(fixed) < 2):
                continue
            stage_lemmas, corrected = fixed, " ".join(fixed)
        matched, score = _lemma_match(base, stage_lemmas, every=not partial)
        rows = _kind_rows(matched)
        if rows:
            lemmas = stage_lemmas
            break
    return _result(matched, score, rows, query, lemmas, corrected if rows else "", partial, kind, audience, direction,
                   limit, offset)  # fmt: skip


def _kind_rows(matched) -> list[dict]:
    """One aggregated pass over the matches: how many of each kind, and of them for each audience. It is both
    the test whether anything matched and the facet counts."""
    return list(
        matched.values("kind")
        .annotate(
            n=Count("pk"),
            resident=Count("pk", filter=Q(for_residents=True)),
            activist=Count("pk", filter=Q(for_activists=True)),
            official=Count("pk", filter=Q(for_officials=True)),
        )
        .order_by()
    )


def _result(matched, score, rows, query, lemmas, corrected, partial, kind, audience, direction, limit, offset):
    facets, matched_total = _facets(matched, rows)
    if not matched_total:
        return SearchResult(query=query, lemmas=lemmas, hits=[], total=0, facets=facets, partial=partial)
    narrowed = bool(kind or audience or direction)
    filtered = _filtered(matched, kind=kind, audience=audience, direction=direction)
    total = filtered.count() if narrowed else matched_total
    # The order first, over narrow columns only: sorting thousands of matches with their texts attached costs
    # ten times more. Among equal scores a shorter title is more about the words asked for («Устав ТОС» before
    # «Заявление о регистрации устава ТОС»).
    ranked = list(
        filtered.annotate(score=score)
        .order_by("-score", Length("search_title"), "-pk")
        .values_list("pk", "score")[offset : offset + limit]
    )
    rows = Material.objects.select_related("published_version").in_bulk([pk for pk, _score in ranked])
    hits = [
        Hit(material=rows[pk], score=float(value), snippet=snippet(rows[pk].search_text, lemmas) or rows[pk].summary)
        for pk, value in ranked
    ]
    return SearchResult(
        query=query,
        lemmas=lemmas,
        hits=hits,
        total=total,
        facets=facets,
        corrected=corrected,
        partial=partial,
    )
