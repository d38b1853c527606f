"""Search behaviour, the same tests on SQLite (lemmas) and PostgreSQL (russian full-text search, trigrams):
run with DATABASE_URL=postgres://… for the second."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sosedi.knowledge import search, services
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
    # Words are found in lower case and shown as written, also where lower case changes a text's length
    # («İ» becomes two characters), which would shift every position after it.
    assert snippet("КВОРУМ и Кворума нет", ["кворум"]) == "<mark>КВОРУМ</mark> и <mark>Кворума</mark> нет"
    assert snippet("İzmir: КВОРУМ есть", ["кворум"]) == "İzmir: <mark>КВОРУМ</mark> есть"


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
    # one statement for the total, the facets and the ranked ids of each tier (on PostgreSQL sent together with
    # its planner settings), one for the shown rows
    assert len(many) == len(few) == 2


def test_counts_above_the_cap_show_as_more_and_cost_the_same(monkeypatch):
    author, checker = editor(), reviewer()
    landscaping = Direction.objects.get(code="landscaping")
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(3):
        published(author, checker, title=f"Собрание № {n}", body="<p>Кворум.</p>", directions=[landscaping])
    exact = search_materials("собрание")
    assert exact.total == 3 and not exact.total_capped and exact.facets.kinds == [("article", "статья", 3)]
    with CaptureQueriesContext(connection) as few:
        search_materials("собрание")
    for n in range(4):
        published(author, checker, title=f"Ещё собрание № {n}", body="<p>Кворум.</p>", directions=[landscaping])
    with CaptureQueriesContext(connection) as many:
        capped = search_materials("собрание")
    assert len(many) == len(few)
    assert capped.total == 3 and capped.total_capped and capped.facets.capped
    # Facet values are still offered, without numbers that would count only the first matches.
    assert capped.facets.kinds == [("article", "статья", None)]
    assert capped.facets.directions == [("landscaping", "Благоустройство территории", None)]
    # Past the cap a tier is ranked among its first COUNT_CAP + 1 members found: still shorter titles first.
    assert len(capped.hits) == 4 and all(h.score == 3 for h in capped.hits)
    lengths = [len(h.material.title) for h in capped.hits]
    assert lengths == sorted(lengths)
    narrowed = search_materials("собрание", direction="landscaping")
    assert narrowed.total == 3 and narrowed.total_capped


def test_ranking_tiers_all_words_in_title_then_some_then_text():
    author, checker = editor(), reviewer()
    published(author, checker, title="Порядок работы", body="<p>Кворум собрания считают по списку.</p>")
    published(author, checker, title="Кворум", body="<p>Собрание правомочно при трети жителей.</p>")
    published(author, checker, title="Кворум собрания граждан", body="<p>Треть жителей.</p>")
    result = search_materials("кворум собрания")
    assert titles(result) == ["Кворум собрания граждан", "Кворум", "Порядок работы"]
    assert [h.score for h in result.hits] == [3.0, 2.0, 1.0]
    # Within a tier the shorter title comes first, then the newer material.
    published(author, checker, title="Кворум собрания", body="<p>Треть.</p>")
    assert titles(search_materials("кворум собрания"))[:2] == ["Кворум собрания", "Кворум собрания граждан"]


def test_pages_follow_the_tiers(library):
    first = search_materials("собрание", limit=2)
    second = search_materials("собрание", limit=2, offset=2)
    assert titles(first) + titles(second) == titles(search_materials("собрание"))
    assert len(titles(second)) == 1 and second.total == 3


def test_a_typo_is_corrected_to_a_title_word(library):
    result = search_materials("кварум")
    assert result.corrected == "кворум" and titles(result)[0] == "Кворум собрания граждан"
    assert "<mark>" in str(result.hits[1].snippet)  # the corrected word is highlighted in the text
    assert search_materials("кворум").corrected == ""
    assert search_materials("зонтик").total == 0


def test_the_index_follows_publication_edits_and_deletion():
    author, checker = editor(), reviewer()
    m = published(author, checker, title="Сроки", body="<p>Тридцать дней на рассмотрение.</p>")
    assert titles(search_materials("рассмотрения")) == ["Сроки"]
    services.material_update(actor=author, material=m, body="<p>Пятнадцать рабочих дней.</p>")
    # Readers, and search, keep the published text until the new version is published.
    assert titles(search_materials("рассмотрения")) == ["Сроки"] and search_materials("рабочие").total == 0
    services.material_submit(actor=author, material=m)
    services.material_publish(actor=checker, material=m)
    assert search_materials("рассмотрения").total == 0 and titles(search_materials("рабочие")) == ["Сроки"]
    m.refresh_from_db()
    m.delete()
    assert search_materials("рабочие").total == 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO knowledge_material_fts(knowledge_material_fts) VALUES ('integrity-check')")


def test_a_result_shows_the_published_copy_and_its_outdated_mark():
    """Results are read without the ORM's models (search.ShownMaterial): the published copy's title, never the
    waiting draft's; the «устарело» mark."""
    author, checker = editor(), reviewer()
    m = published(author, checker, title="Сроки рассмотрения", summary="Тридцать дней", body="<p>Тридцать дней.</p>")
    services.material_update(actor=author, material=m, title="Черновой заголовок", summary="Черновое кратко")
    shown = search_materials("рассмотрения").hits[0].material
    assert (shown.title, shown.slug, shown.kind) == ("Сроки рассмотрения", m.slug, "article")
    assert shown.get_absolute_url() == m.get_absolute_url() and shown.get_kind_display() == m.get_kind_display()
    assert shown.is_outdated is False
    services.material_mark_outdated(actor=checker, material=m, reason="Закон изменён")
    m.refresh_from_db()
    shown = search_materials("рассмотрения").hits[0].material
    assert shown.is_outdated is True and m.is_outdated


def test_results_are_cached_until_the_knowledge_base_changes(settings):
    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    settings.PAGE_CACHE_VERSION_TTL = 0  # see the publication at once (other processes: within a second)
    author, checker = editor(), reviewer()
    published(author, checker, title="Гранты области", body="<p>Конкурс.</p>")
    assert not search_materials("гранты").cached
    with CaptureQueriesContext(connection) as hit:
        again = search_materials("гранты")
    assert again.cached and titles(again) == ["Гранты области"]
    assert all("knowledge_material" not in q["sql"] for q in hit.captured_queries)
    assert not search_materials("гранты", kind="template").cached  # filters are part of the key
    published(author, checker, title="Гранты для ТОС", body="<p>Заявка.</p>")
    fresh = search_materials("гранты")
    assert not fresh.cached and fresh.total == 2


def test_word_order_and_letter_case_ask_one_question(library, settings):
    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    first = search_materials("собрание кворум")
    again = search_materials("Кворум СОБРАНИЕ")
    assert not first.cached and again.cached  # one cached answer for both
    assert titles(again) == titles(first) == titles(search_materials("кворум собрание", use_cache=False))
    assert again.query == "Кворум СОБРАНИЕ"  # the echo is the reader's own
    assert not search_materials("собрание").cached  # fewer words: another question


def test_a_correction_is_shown_in_the_readers_word_order(library, settings):
    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    first = search_materials("кварум пратокол")
    again = search_materials("Пратокол кварум")
    assert again.cached and titles(again) == titles(first) == ["Протокол собрания (шаблон)"]
    assert first.corrected == "кворум протокол" and again.corrected == "протокол кворум"


def test_past_the_cap_directions_come_from_the_first_matches_without_counts(monkeypatch):
    author, checker = editor(), reviewer()
    codes = list(Direction.objects.order_by("position").values_list("code", flat=True)[:3])
    for code in codes:
        published(
            author,
            checker,
            title=f"Смета {code}",
            body="<p>Смета работ.</p>",
            directions=[Direction.objects.get(code=code)],
        )
    exact = search_materials("смета").facets.directions
    assert sorted(code for code, _name, _n in exact) == sorted(codes) and {n for _c, _name, n in exact} == {1}
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    monkeypatch.setattr(search, "DIRECTION_SAMPLE", 1)
    capped = search_materials("смета", use_cache=False)
    assert capped.total_capped and len(capped.facets.directions) == 1
    assert capped.facets.directions[0][0] in codes and capped.facets.directions[0][2] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_the_bitmap_only_planner_settings_hold_for_the_search_statement_alone():
    """Outside a transaction (as a request runs) the settings are sent with the statement, in one implicit
    transaction: the next statement of the request plans as usual again."""
    from tests.reference_data import restore_reference_data

    restore_reference_data()  # a transactional test starts from the tables the previous one emptied
    published(editor(), reviewer(), title="Кворум собрания", body="<p>Треть жителей.</p>")
    assert search_materials("кворум").total == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
        assert cursor.fetchone() == ("on", "on")


def test_search_works_alike_without_server_prepared_statements(library, settings):
    """Behind PgBouncer in transaction mode (DB_PREPARED_STATEMENTS=false) the statements are sent whole, the
    planner settings still with the search statement alone."""
    prepared = search_materials("кворум собрания")
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as ctx:
        plain = search_materials("кворум собрания")
    assert [h.material.slug for h in plain.hits] == [h.material.slug for h in prepared.hits] and plain.total
    assert len(ctx) == 2 and not any(q["sql"].startswith(("EXECUTE", "PREPARE")) for q in ctx.captured_queries)
