"""Search behaviour, the same tests on SQLite (lemmas) and PostgreSQL (russian full-text search, trigrams):
run with DATABASE_URL=postgres://… for the second."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sosedi.knowledge import services
from sosedi.knowledge.search import search_materials, snippet
from sosedi.territories.models import Direction

from .factories import draft, editor, published, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    author, checker = editor(), reviewer()
    landscaping = Direction.objects.get(code="landscaping")

    def make(title, body, **kw):
        return published(author, checker, title=title, body=body, **kw)

    return {
        "quorum": make(
            "Кворум собрания граждан",
            "<p>Собрание правомочно, если участвуют не менее трети жителей территории.</p>",
            for_officials=True,
        ),
        "charter": make(
            "Устав ТОС: шесть разделов",
            "<p>В уставе указывают территорию и порядок принятия решений собранием.</p>",
            for_residents=False,
        ),
        "payments": make(
            "Инициативные платежи",
            "<p>Платежи зачисляются в местный бюджет; при нереализации проекта их возвращают жителям.</p>",
            directions=[landscaping],
        ),
        "template": make(
            "Протокол собрания (шаблон)",
            "<p>Шаблон протокола: участники, кворум, итоги голосования.</p>",
            kind="template",
        ),
    }


def titles(result):
    return [h.material.title for h in result.hits]


def test_an_inflected_word_finds_its_other_forms(library):
    assert "Кворум собрания граждан" in titles(search_materials("кворумом"))
    assert "Устав ТОС: шесть разделов" in titles(search_materials("уставов"))
    assert titles(search_materials("платежами")) == ["Инициативные платежи"]
    assert titles(search_materials("возвращать")) == ["Инициативные платежи"]  # «возвращают» in the body


def test_title_matches_rank_above_body_matches(library):
    result = search_materials("собрание")
    ranked = titles(result)
    # Both titles with «собрание» come before the charter, which has the word only in its text.
    assert set(ranked[:2]) == {"Кворум собрания граждан", "Протокол собрания (шаблон)"}
    assert ranked[2] == "Устав ТОС: шесть разделов"
    assert result.hits[0].score > result.hits[2].score


def test_every_word_must_match_before_any_word_may(library):
    both = search_materials("кворум протокола")
    assert titles(both) == ["Протокол собрания (шаблон)"] and not both.partial
    either = search_materials("платежи устав")
    assert set(titles(either)) == {"Инициативные платежи", "Устав ТОС: шесть разделов"} and either.partial


def test_snippets_highlight_the_found_forms_and_escape_text(library):
    hit = next(h for h in search_materials("жителей").hits if h.material.title == "Кворум собрания граждан")
    assert "<mark>жителей</mark>" in hit.snippet
    cut = snippet("Тег <b>жирный</b> и кворума здесь", ["кворум"])
    assert cut == "Тег &lt;b&gt;жирный&lt;/b&gt; и <mark>кворума</mark> здесь"
    long = "Вступление. " * 40 + "Здесь про кворум собрания. " + "Хвост. " * 40
    piece = snippet(long, ["кворум"])
    assert piece.startswith("…") and piece.endswith("…") and "<mark>кворум</mark>" in piece and len(piece) < 300


def test_facets_count_the_matches_and_filters_narrow_them(library):
    result = search_materials("собрание")
    kinds = {value: n for value, _label, n in result.facets.kinds}
    assert kinds == {"article": 2, "template": 1}
    audiences = {value: n for value, _label, n in result.facets.audiences}
    assert audiences == {"resident": 2, "activist": 3, "official": 1}
    assert titles(search_materials("собрание", kind="template")) == ["Протокол собрания (шаблон)"]
    assert titles(search_materials("собрание", audience="official")) == ["Кворум собрания граждан"]
    landscaping = search_materials("бюджет", direction="landscaping")
    assert titles(landscaping) == ["Инициативные платежи"]
    assert [code for code, _n, _c in search_materials("платежи").facets.directions] == ["landscaping"]


def test_empty_absurd_and_hostile_queries(library):
    for empty in ("", "   ", "!!! ??? ...", "а и в"):
        result = search_materials(empty)
        assert result.empty_query and result.total == 0 and result.hits == []
    assert search_materials("ъъъыыыъъъ щщщщщ").total == 0
    injection = search_materials("'; DROP TABLE knowledge_material; --")
    assert injection.total == 0
    assert search_materials("кворум").total == 2  # the table is still there
    html = search_materials("<script>alert('кворум')</script>")
    assert "Кворум собрания граждан" in titles(html)
    assert all("<script>" not in h.snippet for h in html.hits)
    huge = search_materials("кворум " + "х" * 10_000)
    assert titles(huge)[0] == "Кворум собрания граждан" and huge.total == 2 and len(huge.query) <= 200


def test_a_typo_still_finds_the_word(library):
    result = search_materials("кварум")
    assert titles(result)[0] == "Кворум собрания граждан"


def test_only_published_copies_are_found():
    m = draft(title="Черновик о грантах", body="<p>Гранты области.</p>")
    assert search_materials("грант").total == 0
    services.material_submit(actor=m.created_by, material=m)
    assert search_materials("грант").total == 0
    services.material_publish(actor=reviewer(), material=m)
    assert search_materials("грантов").total == 1


def test_search_queries_do_not_grow_with_results():
    author, checker = editor(), reviewer()
    landscaping = Direction.objects.get(code="landscaping")
    for n in range(3):
        published(author, checker, title=f"Собрание № {n}", body="<p>Кворум.</p>", directions=[landscaping])
    search_materials("собрание")  # warm the per-process memos (morphology, directions)
    with CaptureQueriesContext(connection) as few:
        search_materials("собрание")
    for n in range(12):
        published(author, checker, title=f"Ещё собрание № {n}", body="<p>Кворум.</p>", directions=[landscaping])
    with CaptureQueriesContext(connection) as many:
        result = search_materials("собрание")
    assert result.total == 15
    # exists, facets by kind × audience, directions, the ranked ids, their rows; on PostgreSQL also the
    # read-only transaction (savepoint in a test) and its planner setting
    assert len(many) == len(few) <= (9 if connection.vendor == "postgresql" else 6)
