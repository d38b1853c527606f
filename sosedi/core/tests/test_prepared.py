import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from sosedi.core.prepared import SENTINEL, PreparedQuery, PreparedStatement
from sosedi.territories.models import Tos
from sosedi.territories.tests.factories import TosFactory

pytestmark = pytest.mark.django_db


def _counting(build):
    calls = []

    def wrapped(value):
        calls.append(value)
        return build(value)

    return wrapped, calls


def test_answers_each_value_with_its_own_rows_and_builds_the_queryset_once():
    first, second = TosFactory(name="Солнечный"), TosFactory(name="Заречье")
    build, calls = _counting(lambda pk: Tos.objects.select_related("municipality").filter(pk=pk))
    query = PreparedQuery(build)

    assert [t.name for t in query.run(first.pk)] == ["Солнечный"]
    assert [t.name for t in query.run(second.pk)] == ["Заречье"]
    assert query.run(first.pk)[0].municipality == first.municipality
    assert query.run(-1) == []
    assert calls == [SENTINEL]


def test_runs_one_query_with_the_value_bound_as_a_parameter():
    tos = TosFactory()
    query = PreparedQuery(lambda pk: Tos.objects.filter(pk=pk).values("name"))
    query.run(tos.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert query.run(tos.pk) == [{"name": tos.name}]
    assert len(ctx.captured_queries) == 1
    assert str(SENTINEL) not in ctx.captured_queries[0]["sql"]


def test_refuses_a_queryset_that_ignores_its_parameter():
    query = PreparedQuery(lambda pk: Tos.objects.all())
    with pytest.raises(ValueError, match="does not use its parameter"):
        query.run(1)


def test_the_compiled_form_belongs_to_the_connection_that_made_it():
    """Django gives each thread its own connection object; a compiler bound to another thread's connection
    would run on it. Storing the compiled form on the connection keeps them apart."""
    tos = TosFactory()
    build, calls = _counting(lambda pk: Tos.objects.filter(pk=pk))
    query = PreparedQuery(build)
    query.run(tos.pk)
    key = query._key
    own = connections["default"]
    assert getattr(own, key)[1].connection is own
    delattr(own, key)  # as a fresh thread's connection would be
    assert [t.pk for t in query.run(tos.pk)] == [tos.pk]
    assert len(calls) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE/EXECUTE exist on PostgreSQL only")
def test_on_postgresql_the_statement_is_prepared_once_per_session_and_executed_by_name(settings):
    first, second = TosFactory(name="Солнечный"), TosFactory(name="Заречье")
    query = PreparedQuery(lambda pk: Tos.objects.filter(pk=pk).values("name"))
    with CaptureQueriesContext(connection) as ctx:
        assert query.run(first.pk) == [{"name": "Солнечный"}]
        assert query.run(second.pk) == [{"name": "Заречье"}]
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sqls[0].startswith("PREPARE ") and "$1" in sqls[0]
    assert [s.split("(")[0] for s in sqls[1:]] == ["EXECUTE " + sqls[0].split()[1].split("(")[0]] * 2

    settings.DB_PREPARED_STATEMENTS = False  # behind PgBouncer in transaction mode
    with CaptureQueriesContext(connection) as ctx:
        assert query.run(first.pk) == [{"name": "Солнечный"}]
    assert ctx.captured_queries[0]["sql"].startswith("SELECT")


NAMES_LIKE = PreparedStatement(
    "SELECT name FROM territories_tos WHERE (name LIKE %s OR name = %s) AND name NOT LIKE '%%!%%' AND id > %s "
    "ORDER BY name",
    ["pattern", "exact", "after"],
)
TWICE = PreparedStatement("SELECT %s || '-' || %s, %s * 1", ["word", "word", "number"])


def _rows(statement, values):
    with connection.cursor() as cursor:
        statement.execute(cursor, values)
        return cursor.fetchall()


def test_a_statement_binds_each_placeholder_by_its_name():
    TosFactory(name="Солнечный"), TosFactory(name="Заречье"), TosFactory(name="Сол!ь")
    assert _rows(NAMES_LIKE, {"pattern": "Сол%", "exact": "Заречье", "after": 0}) == [("Заречье",), ("Солнечный",)]
    assert _rows(NAMES_LIKE, {"pattern": "Нет%", "exact": "Нет", "after": 0}) == []
    # one name used twice travels once, and each run takes its own values
    assert _rows(TWICE, {"word": "дом", "number": 7}) == [("дом-дом", 7)]
    assert _rows(TWICE, {"word": "сад", "number": 8}) == [("сад-сад", 8)]


def test_a_statement_refuses_names_that_do_not_fit_its_placeholders():
    with pytest.raises(ValueError, match="2 names for 3 placeholders"):
        PreparedStatement("SELECT %s, %s, %s", ["a", "b"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE/EXECUTE exist on PostgreSQL only")
def test_on_postgresql_a_statement_is_prepared_once_with_one_number_per_name(settings):
    statement = PreparedStatement("SELECT %s || '-' || %s, %s + 1, '50%%'", ["word", "word", "number"])
    with CaptureQueriesContext(connection) as ctx:
        assert _rows(statement, {"word": "дом", "number": 1}) == [("дом-дом", 2, "50%")]
        assert _rows(statement, {"word": "сад", "number": 2}) == [("сад-сад", 3, "50%")]
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sqls[0].startswith("PREPARE ") and "$1 || '-' || $1, $2 + 1, '50%'" in sqls[0]
    assert [s.split("(")[0] for s in sqls[1:]] == ["EXECUTE " + sqls[0].split()[1]] * 2

    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as ctx:
        assert _rows(statement, {"word": "лес", "number": 3}) == [("лес-лес", 4, "50%")]
    assert ctx.captured_queries[0]["sql"].startswith("SELECT 'лес'")
