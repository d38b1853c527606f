"""Querysets compiled to SQL once and run again with new parameter values.

Django turns a queryset into SQL on every evaluation. For a small query over a wide model with a few
annotated subqueries that compilation costs more than the database does: a ТОС page cache miss spent about
5 ms in the ORM for 0.3 ms in PostgreSQL (bench/probe_tos_page.py), and a ТОС page is nearly always a miss —
there are 35,000 of them. A `PreparedQuery` builds its queryset once per database connection with a sentinel
in place of the parameter, keeps the compiler (which also knows how to turn rows into model instances or
dicts: converters, related-object layout) and afterwards only swaps the sentinel for the real value.

The compiler holds its connection, and Django gives each thread its own connection object, so the compiled
form is stored on that object: threads never share one.

On PostgreSQL the statement is also prepared on the server (`PREPARE`, once per database session) and run with
`EXECUTE name(value)`: the server then neither parses nor plans it again (planning took longer than running
it) and psycopg no longer formats and sends the long text on every call. Turn it off with
`DB_PREPARED_STATEMENTS=false` behind a pooler in transaction mode (PgBouncer), where the next transaction
may run on a server session that never saw the `PREPARE`.

`PreparedStatement` does the same for a hand-written statement with several named parameters (the knowledge
search's one pass over its matches).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from itertools import count
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Outside any id or code the platform stores, and an int, so that every lookup accepts it.
SENTINEL = -7_300_000_000_001
_ids = count()
# Database session (psycopg connection) → names of the statements prepared in it.
_prepared_in: WeakKeyDictionary = WeakKeyDictionary()


class PreparedQuery:
    def __init__(self, build: Callable[[int], QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        """`build(value)` returns the queryset for one parameter value; it is called once per connection."""
        self._build = build
        self._using = using
        self._key = f"_prepared_{next(_ids)}"

    def _compile(self, connection):
        queryset = self._build(SENTINEL)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [i for i, p in enumerate(params) if type(p) is int and p == SENTINEL]
        if not slots:
            raise ValueError("the prepared queryset does not use its parameter")
        # From now on the query answers with the compiler prepared here, whose SQL is fixed.
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        prepared = (queryset, compiler, sql, list(params), slots)
        setattr(connection, self._key, prepared)
        return prepared

    def _server_statement(self, connection, sql: str, params: list) -> str | None:
        """The name of this statement prepared in the current PostgreSQL session, preparing it if needed."""
        # The constants inlined as psycopg's client-side binding sends them today; the value becomes $1.
        return _in_session(
            connection,
            f"sosedi{self._key}",
            lambda: f"(bigint) AS {connection.ops.compose_sql(sql, params).replace(str(SENTINEL), '$1')}",
        )

    def run(self, value) -> list:
        connection = connections[self._using]
        prepared = getattr(connection, self._key, None) or self._compile(connection)
        queryset, compiler, sql, params, slots = prepared
        statement = self._server_statement(connection, sql, params)
        if statement is not None:
            call = (f"EXECUTE {statement}(%s)", (value,))
        else:
            bound = list(params)
            for i in slots:
                bound[i] = value
            call = (sql, tuple(bound))
        # Safe to set on the shared compiler: it belongs to this thread's connection.
        compiler.as_sql = lambda *args, **kwargs: call
        # The iterable reads rows through the compiler; the queryset's own result cache stays empty.
        return list(queryset._iterable_class(queryset))


def _in_session(connection, name: str, definition: Callable[[], str]) -> str | None:
    """`name`, prepared in the current PostgreSQL session as `PREPARE name{definition()}` if it is not yet, or
    None where statements are not prepared (other databases, DB_PREPARED_STATEMENTS off)."""
    if connection.vendor != "postgresql" or not getattr(settings, "DB_PREPARED_STATEMENTS", True):
        return None
    connection.ensure_connection()
    names = _prepared_in.setdefault(connection.connection, set())
    if name not in names:
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name}{definition()}")
        names.add(name)
    return name


# A parameter placeholder in Django's SQL, or an escaped percent sign (which is left as it is).
_PLACEHOLDER = re.compile(r"%%|%s")


class PreparedStatement:
    """A fixed SQL statement whose placeholders (%s, as Django's SQL has them) each stand for a named value:
    `execute(cursor, values)` binds every placeholder from `values` by its name, so a value used in several
    places travels once. On PostgreSQL it is prepared once per database session (as PreparedQuery) with one $n
    per name, the server inferring each type from where it is used, and run with EXECUTE."""

    def __init__(self, sql: str, slots: Sequence[str]):
        """`slots`: the name of each %s of `sql`, in order."""
        if sql.count("%s") != len(slots):
            raise ValueError(f"{len(slots)} names for {sql.count('%s')} placeholders")
        self.sql = sql
        self.slots = tuple(slots)
        self.names = tuple(dict.fromkeys(slots))  # distinct, in order of first use: $1, $2, …
        self._name = f"sosedi_statement_{next(_ids)}"

    def _server_text(self) -> str:
        numbers = {name: i for i, name in enumerate(self.names, start=1)}
        slots = iter(self.slots)
        return " AS " + _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${numbers[next(slots)]}", self.sql)

    def execute(self, cursor, values: Mapping[str, object], *, prefix: str = "") -> None:
        """Run the statement on a Django cursor with `values` (every name of `slots`). `prefix`: statements of
        ours (no placeholders) sent in the same message just before it; on PostgreSQL the message runs as one
        implicit transaction, so `set_config(…, true)` there holds for this statement alone. Their results come
        first (cursor.nextset() moves past each)."""
        name = _in_session(cursor.db, self._name, self._server_text)
        if name is None:
            cursor.execute(prefix + self.sql, [values[slot] for slot in self.slots])
        else:
            placeholders = ", ".join(["%s"] * len(self.names))
            cursor.execute(f"{prefix}EXECUTE {name}({placeholders})", [values[n] for n in self.names])
