"""Search over published materials, Russian morphology-aware on both databases, at a cost that does not grow
with the number of matches (issue [4]: p95 < 50 ms over 20,000 materials at 16 clients).

- PostgreSQL: full-text search with the `russian` configuration over a generated, weighted tsvector of title and
  body (`search_vector`, GIN index) and one of the title alone (`title_vector`, GIN index; migrations 0002, 0003).
- SQLite (the embedded default): the same question asked of an FTS5 table over the pymorphy3 lemmas stored at
  publication (`knowledge_material_fts`, kept by triggers; migration 0003).

Both: every query word must match, else any may (`partial`). Nothing is computed over every match: one
statement (_sample) reads at most COUNT_CAP + 1 matches and as many title matches through the indexes, and
gives the total (more is shown as «более 300», the facets then without numbers), the facets and the ranking
tiers — all query words in the title (score 3), some (2), only in the text (1); in each, shorter title first,
then newer. A query that finds nothing is retried once with each unknown word replaced by the title word of
highest trigram similarity (pg_trgm's measure, over a per-process vocabulary of title lemmas) — «кварум» →
«кворум». Snippets are cut and highlighted in Python from the shown rows' plain text only (HTML-escaped,
matches in <mark>).
Whole results are cached for KNOWLEDGE_SEARCH_CACHE_SECONDS under the knowledge content version, which every
publication bumps. docs/decisions/0005-knowledge.md
"""

import hashlib
import html
import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from sosedi.core.pagecache import content_version
from sosedi.core.prepared import PreparedStatement

from .models import Audience, Material, MaterialKind
from .text import MAX_QUERY_WORDS, cut_query, lemma, query_lemmas, words

KNOWLEDGE_SCOPE = "knowledge"
TITLE_WEIGHT = 3  # every query word in the title
SOME_TITLE_WEIGHT = 2  # some of them in the title
TEXT_WEIGHT = 1  # only in the text
SNIPPET_CHARS = 220
COUNT_CAP = 300  # decision 0005, item 16: «более 300» and facets without numbers past it
DIRECTION_SAMPLE = 200  # matches whose directions are looked up when more than COUNT_CAP match
CORRECTION_SIMILARITY = 0.3  # trigram similarity a replacement word must exceed (pg_trgm's default threshold)
FTS_TABLE = "knowledge_material_fts"
VOCABULARY_SECONDS = 24 * 3600  # the shared copy of the title words; its key carries the content version


@dataclass
class Hit:
    material: "ShownMaterial"
    score: float
    snippet: SafeString


@dataclass
class Facets:
    kinds: list[tuple[str, str, int | None]] = field(default_factory=list)  # (value, label, count)
    audiences: list[tuple[str, str, int | None]] = field(default_factory=list)
    directions: list[tuple[str, str, int | None]] = field(default_factory=list)
    # More than COUNT_CAP matches: the values come from the first COUNT_CAP + 1 of them, and counts are None.
    capped: bool = False


@dataclass
class SearchResult:
    query: str
    lemmas: list[str]
    hits: list[Hit]
    total: int
    facets: Facets
    corrected: str = ""  # the query actually searched when a typo was corrected, in the reader's word order
    corrections: dict[str, str] = field(default_factory=dict)  # each corrected word → the word searched
    partial: bool = False  # not every word matched: results match some of them
    total_capped: bool = False  # more than `total` (COUNT_CAP) materials match
    cached: bool = False  # served from the result cache

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


# ------------------------------------------------------------------ match conditions per database


def _condition(sql: str, params: list) -> RawSQL:
    # Built only from the fixed SQL below; the reader's text is always among `params`.
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611


def _match_text(terms: list[str], *, every: bool, title_only: bool = False) -> str:
    """The parameter of a match condition: the terms, all or any. The reader's words only ever travel as this
    parameter (websearch_to_tsquery and FTS5 phrases accept any text)."""
    if _is_postgres():
        # PostgreSQL stems the words as typed; «or» joins them for the any-word pass.
        return " ".join(terms) if every else " or ".join(terms)
    # SQLite: the terms are lemmas, each an FTS5 phrase (quotes doubled), so no FTS5 syntax comes from the reader.
    phrases = ['"' + term.replace('"', '""') + '"' for term in terms]
    expression = (" AND " if every else " OR ").join(phrases)
    return f"lemmas_title : ({expression})" if title_only else expression


def _match(text: str, *, title_only: bool = False) -> RawSQL:
    """A WHERE condition on knowledge_material: `text` (see _match_text) in title and text, or in the title."""
    if _is_postgres():
        column = "title_vector" if title_only else "search_vector"
        # The query parsed once, in a sub-select (an InitPlan): in the prepared statement's generic plan a bare
        # websearch_to_tsquery(…, $n) was called again for every row it tested, 1,000 rows, three tests each.
        return _condition(f'"knowledge_material"."{column}" @@ (SELECT websearch_to_tsquery(\'russian\', %s))', [text])
    sql = f'"knowledge_material"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'  # noqa: S608
    return _condition(sql, [text])


# ------------------------------------------------------------------ typo correction

_vocabulary: dict = {"version": None, "words": set(), "trigrams": {}}


def trigrams(word: str) -> frozenset[str]:
    """The trigrams of a word as pg_trgm counts them: two spaces before, one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _title_vocabulary() -> dict:
    """Distinct lemmas of published titles with their trigrams, kept per process until the knowledge base
    changes (its content version): a few thousand words, so a typo is matched in Python, on either database,
    without a query."""
    version = content_version(KNOWLEDGE_SCOPE)
    if _vocabulary["version"] != version:
        # Reading every published title's lemmas took 350 ms over 20,000 materials, in each server process after
        # each publication; the first process to need the words shares them with the others.
        key = f"knowledge-vocabulary:{version}"
        found = cache.get(key)
        if found is None:
            found = set()
            for lemmas in Material.objects.public().values_list("lemmas_title", flat=True).iterator():
                found.update(w for w in lemmas.split() if len(w) > 2)
            cache.set(key, found, VOCABULARY_SECONDS)
        _vocabulary.update(version=version, words=found, trigrams={w: trigrams(w) for w in found})
    return _vocabulary


def _corrected(terms: list[str]) -> list[str]:
    """Each word of four letters or more that is not a title word replaced by the title word with the highest
    trigram similarity (as pg_trgm's similarity()), if it reaches CORRECTION_SIMILARITY: «кварум» → «кворум»."""
    vocabulary = _title_vocabulary()
    result = []
    for term in terms:
        lem = lemma(term)
        if len(lem) < 4 or lem in vocabulary["words"]:
            result.append(term)
            continue
        wanted = trigrams(lem)
        best, best_score = term, CORRECTION_SIMILARITY
        for word, grams in vocabulary["trigrams"].items():
            common = len(wanted & grams)
            if common:
                score = common / (len(wanted) + len(grams) - common)
                if score > best_score or (score == best_score and best != term and word < best):
                    best, best_score = word, score
        result.append(best)
    return result


# ------------------------------------------------------------------ snippets


@lru_cache(maxsize=4096)  # one per set of first letters: three-word questions make thousands
def _candidates(prefixes: tuple[str, ...], ignore_case: bool) -> re.Pattern:
    """Words that start like a query lemma (its first two letters; «е» also as «ё»): only these are parsed, so
    a long text's thousands of other words cost one regular-expression scan. The scan is a quarter faster over
    lower-case text than with IGNORECASE, so that is what it gets (`ignore_case` for the rare text whose lower
    case is not as long, where positions would shift)."""
    # Each prefix first and the look back after it («no letter before these two»): a pattern that begins with
    # letters lets the engine jump between their occurrences; one that begins with the look-behind tried it at
    # every position of the text — 2 to 15 times slower, the same matches.
    starts = "|".join(re.escape(p).replace("е", "[её]") + rf"(?<![\w-]{'.' * len(p)})" for p in prefixes)
    return re.compile(rf"(?:{starts})[\w-]*", re.IGNORECASE if ignore_case else 0)


def snippet(text: str, lemmas: list[str], *, width: int = SNIPPET_CHARS) -> SafeString:
    """The line of `text` with most query words (the first that has as many as the query), cut to about
    `width` characters around the first of them, HTML-escaped, the matching words in <mark>."""
    if not text or not lemmas:
        return mark_safe(html.escape(text[:width]) if text else "")  # noqa: S308
    wanted = set(lemmas)
    lower = text.lower()
    same_positions = len(lower) == len(text)
    finder = _candidates(tuple(sorted({lem[:2] for lem in wanted})), not same_positions)
    # One scan of the whole text (lines are found around the matches, not split out one by one).
    best_line_start, best_count, best_first = 0, 0, 0
    line_start, line_end, count, first = 0, -1, 0, 0
    for m in finder.finditer(lower if same_positions else text):
        if lemma(m.group()) not in wanted:
            continue
        position = m.start()
        if position > line_end:  # the first match on another line
            line_start = text.rfind("\n", 0, position) + 1
            line_end = text.find("\n", position) % (len(text) + 1)  # -1 (the last line) → len(text)
            count, first = 0, position
        count += 1
        if count > best_count:
            best_line_start, best_count, best_first = line_start, count, first
            if best_count >= len(wanted):
                break
    end = text.find("\n", best_line_start)
    best_line = text[best_line_start : end if end >= 0 else None]
    best_first -= best_line_start
    start = max(0, best_first - width // 3) if best_count else 0
    if start:
        space = best_line.find(" ", start)
        start = space + 1 if 0 <= space < best_first else start
    piece = best_line[start : start + width]
    # The same stretch of the lower-case text, scanned as above; the reader sees the text's own letters.
    offset = best_line_start + start
    scanned = lower[offset : offset + len(piece)] if same_positions else piece
    out = ["…" if start else ""]
    last = 0
    for m in finder.finditer(scanned):
        if lemma(m.group()) in wanted:
            out.append(html.escape(piece[last : m.start()]))
            out.append(f"<mark>{html.escape(piece[m.start() : m.end()])}</mark>")
            last = m.end()
    out.append(html.escape(piece[last:]))
    if start + width < len(best_line):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308  (every piece of text above is escaped)


# ------------------------------------------------------------------ one pass over the first matches

# Stand-ins for the values a search puts in its statement: the statement is compiled by the ORM once per shape
# (database, every word or any, which filters) and each stand-in becomes a named value of a PreparedStatement
# (on PostgreSQL also prepared on the server: neither parsed nor planned again). Compiling two querysets cost ~2 ms
# of a ~15 ms uncached search. Control characters: nothing else the ORM puts in the statement can equal them.
_SENTINELS = {name: f"\x01{name}\x01" for name in ("match", "title_all", "title_some", "kind", "direction")}


@lru_cache(maxsize=64)
def _compiled(
    vendor: str,
    cap: int,
    direction_sample: int,
    every: bool,
    narrowed: bool,
    kind: bool,
    audience: str,
    direction: bool,
):
    stand_in = {
        "kind": _SENTINELS["kind"] if kind else "",
        "audience": audience,
        "direction": _SENTINELS["direction"] if direction else "",
    }
    base = Material.objects.public()
    titled = _filtered(base, **stand_in)
    qs = base.filter(_match(_SENTINELS["match"]))
    if narrowed:
        qs = _filtered(qs, **stand_in)
    sample = (
        qs.order_by()
        .annotate(
            t_all=_match(_SENTINELS["title_all"], title_only=True),
            t_some=_match(_SENTINELS["title_some"], title_only=True),
            title_length=Length("search_title"),
        )
        .values_list("id", "kind", "for_residents", "for_activists", "for_officials", "title_length", "t_all", "t_some")
    )
    sample_sql, sample_params = sample[: cap + 1].query.sql_with_params()
    title_tier = (
        titled.order_by()
        .filter(_match(_SENTINELS["title_all"], title_only=True))
        .annotate(title_length=Length("search_title"))
        .values_list("id", "title_length")
    )
    title_sql, title_params = title_tier[: cap + 1].query.sql_with_params()
    # Direction facets look each sampled id up in the directions table (an index probe each: 1.5–2 ms of a
    # common word's search when the cap was 1,000). Past the cap only which directions occur is shown, not how
    # often, so the first DIRECTION_SAMPLE matches tell it: eight directions, none missing from a few hundred
    # matches in practice.
    limit = f"CASE WHEN (SELECT COUNT(*) FROM s) > {cap} THEN {direction_sample} ELSE {cap + 1} END"  # noqa: S608
    sampled = f"SELECT id FROM s LIMIT {limit}"  # noqa: S608  (numbers of ours only)
    # PostgreSQL: one probe of the directions index for all of them (= ANY(ARRAY)), not one per id.
    in_sample = f"= ANY(ARRAY({sampled}))" if vendor == "postgresql" else f"IN ({sampled})"

    def flag(column):
        return f"SUM(CASE WHEN s.{column} THEN 1 ELSE 0 END)"

    # The sample's SQL is Django's, with its parameters; nothing here comes from the reader.
    statement = f"""
        WITH s (id, kind, r, a, o, len, t_all, t_some) AS ({sample_sql}),
        t (id, len) AS ({title_sql})
        SELECT 0, s.kind, NULL, COUNT(*), {flag("r")}, {flag("a")}, {flag("o")} FROM s GROUP BY s.kind
        UNION ALL
        SELECT 1, d.code, d.name, x.n, d.position, 0, 0
        FROM (
            SELECT md.direction_id, COUNT(*) AS n FROM knowledge_material_directions md
            WHERE md.material_id {in_sample} GROUP BY md.direction_id
        ) x JOIN territories_direction d ON d.id = x.direction_id
        UNION ALL
        SELECT * FROM (
            SELECT 2, NULL, NULL, t.id, {TITLE_WEIGHT}, t.len, 0 FROM t ORDER BY t.len, t.id DESC LIMIT %s
        ) c3
        UNION ALL
        SELECT * FROM (
            SELECT 3, NULL, NULL, s.id, CASE WHEN s.t_some THEN {SOME_TITLE_WEIGHT} ELSE {TEXT_WEIGHT} END, s.len, 0
            FROM s WHERE NOT s.t_all ORDER BY s.t_some DESC, s.len, s.id DESC LIMIT %s
        ) c12
    """  # noqa: S608
    names = {stand_in: name for name, stand_in in _SENTINELS.items()}
    return PreparedStatement(statement, [*(names[p] for p in (*sample_params, *title_params)), "want", "want"])


def _sample_statement(*, every: bool, narrowed: bool, filters: dict) -> PreparedStatement:
    """The sample statement for this shape of search, its values named as in _SENTINELS and `want`."""
    audience = filters.get("audience", "")
    return _compiled(
        connection.vendor,
        COUNT_CAP,
        DIRECTION_SAMPLE,
        every,
        narrowed,
        bool(filters.get("kind")),
        audience if audience in ("resident", "activist", "official") else "",
        bool(filters.get("direction")),
    )


_BITMAP_SCANS_ONLY = "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true);"


@dataclass
class _Sample:
    facets: Facets
    total: int  # at most COUNT_CAP
    capped: bool
    ranked: list[tuple[int, int]]  # (id, score) of the best `want` matches, best first


def _sample(terms: list[str], *, every: bool, want: int, narrowed: bool, filters: dict) -> _Sample:
    """Everything but the rows shown, in one statement over at most COUNT_CAP + 1 matches of the terms (every
    one, or any; narrowed by `filters` if `narrowed`) and as many materials with the same `filters` and every
    query word in the title. Both are taken through the GIN/FTS5 indexes in storage order, so a word found in
    19,000 texts costs a few hundred narrow rows each and no text is read:
    - the number of matches and facet counts by kind, audience and direction;
    - the ranking tiers: every query word in the title (score 3), some (2), text only (1); in each, shorter
      title first, then newer. Exact while a tier has at most COUNT_CAP + 1 members; past that, the order is
      that of the first members found (a common word's thousands of matches differ in nothing the reader
      asked for)."""
    values = {
        "match": _match_text(terms, every=every),
        "title_all": _match_text(terms, every=True, title_only=True),
        "title_some": _match_text(terms, every=False, title_only=True),
        "kind": filters.get("kind", ""),
        "direction": filters.get("direction", ""),
        "want": want,
    }
    postgres = _is_postgres()
    with connection.cursor() as cursor:
        # PostgreSQL prices `search_vector @@ query` as cheap per row, so for a common word it would walk the table
        # or a b-tree and test each row's vector, read and decompressed (~50 µs a row), instead of asking the GIN
        # index: bitmap scans only, for this statement alone (sent with it: one implicit transaction).
        prefix = _BITMAP_SCANS_ONLY if postgres else ""
        _sample_statement(every=every, narrowed=narrowed, filters=filters).execute(cursor, values, prefix=prefix)
        if prefix:
            cursor.nextset()
        rows = cursor.fetchall()
    kind_rows = [row for row in rows if row[0] == 0]
    kinds = {row[1]: row[3] for row in kind_rows}
    matched = sum(kinds.values())
    capped = matched > COUNT_CAP
    audience = {code: sum(row[4 + i] for row in kind_rows) for i, code in enumerate(Audience.values)}
    directions = sorted((row for row in rows if row[0] == 1), key=lambda row: (row[4], row[1]))

    def shown(n):
        return None if capped else n

    facets = Facets(
        kinds=[(k, str(label), shown(kinds[k])) for k, label in MaterialKind.choices if kinds.get(k)],
        audiences=[(a, str(label), shown(audience[a])) for a, label in Audience.choices if audience[a]],
        directions=[(row[1], row[2], shown(row[3])) for row in directions],
        capped=capped,
    )
    # UNION ALL keeps no order: the tiers are put in order here (title tier, then the others as sorted).
    title_rows = sorted((row for row in rows if row[0] == 2), key=lambda row: (row[5], -row[3]))
    other_rows = sorted((row for row in rows if row[0] == 3), key=lambda row: (-row[4], row[5], -row[3]))
    ranked = [(row[3], int(row[4])) for row in (*title_rows, *other_rows)][:want]
    return _Sample(facets=facets, total=min(matched, COUNT_CAP), capped=capped, ranked=ranked)


# ------------------------------------------------------------------ entry point


@dataclass(frozen=True)
class Question:
    """A search as typed, and the same search as the database is asked it. Word order and letter case change
    no result (every word, else any, in title or text; snippets mark a set of lemmas), so the answer is found
    and cached for `terms` — «жители проект» and «Проект жители» are one question — and only what echoes the
    typing (the query, a correction in the reader's word order) is added per request."""

    query: str  # as typed, cut to MAX_QUERY_CHARS
    typed: tuple[str, ...]  # the words searched, lowercase, in typed order
    terms: tuple[str, ...]  # the same, distinct and sorted: what is searched and the cache key

    @property
    def empty(self) -> bool:
        return not self.terms


def ask(query: str) -> Question:
    """PostgreSQL stems the words as typed; SQLite matches the lemmas stored at publication. Both take the
    first MAX_QUERY_WORDS words of two letters or more, or numbers («26.1», «131»)."""
    query = cut_query(query)
    if _is_postgres():
        typed = [w.lower() for w in words(query) if len(w) > 1 or w.isdigit()][:MAX_QUERY_WORDS]
    else:
        typed = query_lemmas(query)
    return Question(query=query, typed=tuple(typed), terms=tuple(sorted(set(typed))))


def corrected_as_typed(question: Question, corrections: dict[str, str]) -> str:
    """The query actually searched, in the reader's word order: «устав кварум» → «устав кворум»."""
    return " ".join(corrections.get(t, t) for t in question.typed) if corrections else ""


def result_cache_key(*asked) -> str:
    """The cache key of a search answer, or "" when the result cache is off. The knowledge content version is
    part of it: a publication anywhere makes every cached answer unreachable (each process sees the new version
    within PAGE_CACHE_VERSION_TTL)."""
    if not getattr(settings, "KNOWLEDGE_SEARCH_CACHE_SECONDS", 0):
        return ""
    digest = hashlib.sha256(repr(asked).encode()).hexdigest()
    return f"knowledge-search:{content_version(KNOWLEDGE_SCOPE)}:{digest}"


def search_materials(
    query: str | Question,
    *,
    kind: str = "",
    audience: str = "",
    direction: str = "",
    limit: int = 20,
    offset: int = 0,
    use_cache: bool = True,
) -> SearchResult:
    question = query if isinstance(query, Question) else ask(query)
    if question.empty:
        return SearchResult(query=question.query, lemmas=[], hits=[], total=0, facets=Facets())
    key = result_cache_key("result", question.terms, kind, audience, direction, limit, offset) if use_cache else ""
    result = cache.get(key) if key else None
    cached = result is not None
    if result is None:
        result = _search(question.terms, kind=kind, audience=audience, direction=direction, limit=limit, offset=offset)
        if key:
            cache.set(key, result, settings.KNOWLEDGE_SEARCH_CACHE_SECONDS)
    return replace(
        result,
        query=question.query,
        corrected=corrected_as_typed(question, result.corrections),
        cached=cached,
    )


def _search(terms, *, kind, audience, direction, limit, offset) -> SearchResult:
    """The answer to a question's `terms` (distinct and sorted), the same however it was typed."""
    terms = list(terms)
    offset = min(offset, COUNT_CAP)
    want = offset + limit
    filters = {"kind": kind, "audience": audience, "direction": direction}
    # No transaction: each statement reads what is published when it runs, and a material unpublished between
    # the ranking and the rows is left out below.
    found = _find(terms, want=want, filters=filters)
    corrections = {}
    if found is None:
        fixed = _corrected(terms)
        if fixed != terms:
            found = _find(fixed, want=want, filters=filters)
            if found:
                corrections = {t: f for t, f in zip(terms, fixed, strict=True) if t != f}
    if found is None:
        return SearchResult(query="", lemmas=_lemmas(terms), hits=[], total=0, facets=Facets())
    terms, every, sample = found
    facets = sample.facets
    if kind or audience or direction:
        sample = _sample(terms, every=every, want=want, narrowed=True, filters=filters)
    ranked = sample.ranked[offset:want]
    rows = _shown_rows([pk for pk, _score in ranked])
    shown_lemmas = _lemmas(terms)
    hits = [
        Hit(
            material=rows[pk][0],
            score=float(score),
            # The text begins with the summary (services._index): when it is empty, so is the summary.
            snippet=snippet(rows[pk][1], shown_lemmas),
        )
        for pk, score in ranked
        if pk in rows
    ]
    return SearchResult(
        query="",
        lemmas=shown_lemmas,
        hits=hits,
        total=sample.total,
        facets=facets,
        corrections=corrections,
        partial=not every,
        total_capped=sample.capped,
    )


def _lemmas(terms: list[str]) -> list[str]:
    """Distinct lemmas of the searched words, for marking snippets (on SQLite the words are lemmas already)."""
    return list(dict.fromkeys(lemma(t) for t in terms)) if _is_postgres() else list(terms)


@dataclass(frozen=True, slots=True)
class ShownMaterial:
    """What a search result shows of a material, all from its own row: the published copy's title (search_title,
    set at publication) and the fields the page and the API print. Read by one fixed statement rather than as
    models: compiling the ORM query and building forty model instances (material and version) cost ~2.5 ms of a
    ~13 ms uncached search."""

    id: int
    slug: str
    kind: str
    title: str
    legal_refs: str
    is_outdated: bool  # the «устарело» mark (Material.is_outdated); its time is not shown in results

    def get_kind_display(self) -> str:
        return str(MaterialKind(self.kind).label)

    def get_absolute_url(self) -> str:
        return reverse("knowledge:material", args=[self.slug])


@lru_cache(maxsize=2)
def _shown_statement(vendor: str) -> PreparedStatement:
    # PostgreSQL takes the ids as one array; SQLite as a JSON list: one fixed statement for any number of them.
    wanted = "= ANY(%s)" if vendor == "postgresql" else "IN (SELECT value FROM json_each(%s))"
    sql = f"""
        SELECT id, slug, kind, search_title, legal_refs, outdated_at IS NOT NULL, search_text
        FROM {Material._meta.db_table}
        WHERE published_version_id IS NOT NULL AND id {wanted}
    """  # noqa: S608  (a table name of ours)
    return PreparedStatement(sql, ["ids"])


def _shown_rows(ids: list[int]) -> dict[int, tuple[ShownMaterial, str]]:
    """The shown materials of `ids` that are published, with their plain text (for the snippet), by id."""
    if not ids:
        return {}
    vendor = connection.vendor
    with connection.cursor() as cursor:
        _shown_statement(vendor).execute(cursor, {"ids": ids if vendor == "postgresql" else json.dumps(ids)})
        rows = cursor.fetchall()
    return {row[0]: (ShownMaterial(*row[:5], bool(row[5])), row[6]) for row in rows}


def _find(terms: list[str], *, want: int, filters: dict):
    """The first pass that matches anything: every word, then (several words) any of them.
    Returns (terms, every, the sample) or None."""
    for every in (True, False) if len(terms) > 1 else (True,):
        sample = _sample(terms, every=every, want=want, narrowed=False, filters=filters)
        if sample.total:
            return terms, every, sample
    return None
