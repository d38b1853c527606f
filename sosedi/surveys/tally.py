"""The running totals of a survey's results (ResultTally, docs/decisions/0007 §9).

A sent response adds its answers to the totals in the transaction that sends it; deleting one takes them away
in the transaction that deletes it. Each change is one INSERT … ON CONFLICT DO UPDATE SET count = count + …,
so simultaneous submissions add up instead of overwriting each other, and the rows are written in a fixed order
so two submissions never wait on each other crosswise (no deadlock). A rebuild takes an exclusive advisory lock
that every change waits for with a shared one, so it never misses a submission that commits while it counts.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

RESPONSES = "responses"
CHANGES = "changes"
# The first key of the advisory lock pair: "surveys" in the surveys app's own number space.
LOCK_SPACE = 5_0007


def _lock(survey_id: int, *, exclusive: bool) -> None:
    """PostgreSQL only: SQLite lets one writer at a time anyway."""
    if connection.vendor != "postgresql":
        return
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fn}(%s, %s)", [LOCK_SPACE, survey_id])


def buckets_of(rows) -> dict[str, tuple[int | None, int, Decimal]]:
    """{bucket: (question id, count, total)} for one response's answer rows, given as
    (question_id, question kind, option_id, row_id, rank, number)."""
    out: dict[str, list] = {}

    def add(bucket, question_id, n=1, total=0):
        entry = out.setdefault(bucket, [question_id, 0, Decimal(0)])
        entry[1] += n
        entry[2] += Decimal(total)

    answered = defaultdict(Decimal)
    for question_id, kind, option_id, row_id, rank, number in rows:
        answered[question_id] += number if number is not None else 0
        if option_id is not None:
            bucket = f"q{question_id}o{option_id}" + (f"r{row_id}" if row_id else "")
            add(bucket, question_id, 1, rank or 0)
        if kind == "scale" and number is not None:
            add(f"q{question_id}v{int(number)}", question_id)
    for question_id, total in answered.items():
        add(f"q{question_id}", question_id, 1, total)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def _upsert(model, survey_id: int, deltas: dict[str, tuple[int | None, int, Decimal]]) -> None:
    """Add the deltas to the survey's tally rows, creating the missing ones; sorted so that concurrent writers
    lock the rows in the same order."""
    if not deltas:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    items = sorted(deltas.items())
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(items))
    params: list = []
    for bucket, (question_id, count, total) in items:
        params += [survey_id, question_id, bucket, count, str(total)]
    # Decimal travels as text: SQLite's adapter and psycopg both read it exactly. The table name is ours and
    # every value a parameter, whatever S608 suspects.
    insert = f"INSERT INTO {table} (survey_id, question_id, bucket, count, total) VALUES {values} "  # noqa: S608
    add = f"count = {table}.count + EXCLUDED.count, total = {table}.total + EXCLUDED.total"
    with connection.cursor() as cursor:
        cursor.execute(f"{insert} ON CONFLICT (survey_id, bucket) DO UPDATE SET {add}", params)


def _response_rows(answer_model, response_id):
    return answer_model.objects.filter(response_id=response_id).values_list(
        "question_id", "question__kind", "option_id", "row_id", "rank", "number"
    )


def add_response(response) -> None:
    """Count a response that is being sent (call inside its transaction, after its answers are final)."""
    from .models import Answer, ResultTally

    _lock(response.survey_id, exclusive=False)
    deltas = buckets_of(_response_rows(Answer, response.pk))
    deltas[RESPONSES] = (None, 1, Decimal(0))
    deltas[CHANGES] = (None, 1, Decimal(0))
    _upsert(ResultTally, response.survey_id, deltas)


def remove_response(response) -> None:
    """Take a sent response out of the totals (call inside the transaction that deletes it, before deleting)."""
    from .models import Answer, ResultTally

    _lock(response.survey_id, exclusive=False)
    deltas = {k: (q, -n, -t) for k, (q, n, t) in buckets_of(_response_rows(Answer, response.pk)).items()}
    deltas[RESPONSES] = (None, -1, Decimal(0))
    deltas[CHANGES] = (None, 1, Decimal(0))
    _upsert(ResultTally, response.survey_id, deltas)
    # A bucket nobody is in any more goes, so the tally equals a recount row for row.
    ResultTally.objects.filter(survey_id=response.survey_id, count=0).exclude(bucket__in=(RESPONSES, CHANGES)).delete()


def recount(survey_id: int, *, answer_model=None, response_model=None) -> dict[str, tuple[int | None, int, Decimal]]:
    """The tally as it should be, from the sent answers (GROUP BY, as the filtered results page does)."""
    if answer_model is None:
        from .models import Answer as answer_model
        from .models import Response as response_model
    answers = answer_model.objects.filter(response__survey_id=survey_id, response__status="submitted")
    out: dict[str, list] = {}

    def put(bucket, question_id, n, total):
        entry = out.setdefault(bucket, [question_id, 0, Decimal(0)])
        entry[1] += n
        entry[2] += Decimal(total or 0)

    for q, o, r, n, ranks in (
        answers.filter(option__isnull=False)
        .values("question_id", "option_id", "row_id")
        .annotate(n=Count("id"), ranks=Sum("rank"))
        .values_list("question_id", "option_id", "row_id", "n", "ranks")
    ):
        put(f"q{q}o{o}" + (f"r{r}" if r else ""), q, n, ranks)
    for q, n, numbers in (
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True), numbers=Sum("number"))
        .values_list("question_id", "n", "numbers")
    ):
        put(f"q{q}", q, n, numbers)
    for q, value, n in (
        answers.filter(question__kind="scale", number__isnull=False)
        .values("question_id", "number")
        .annotate(n=Count("id"))
        .values_list("question_id", "number", "n")
    ):
        put(f"q{q}v{int(value)}", q, n, 0)
    sent = response_model.objects.filter(survey_id=survey_id, status="submitted").count()
    put(RESPONSES, None, sent, 0)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def rebuild(survey_id: int, *, tally_model=None, answer_model=None, response_model=None) -> int:
    """Replace the survey's tally by a recount; returns the number of buckets. The `changes` version moves on,
    so cached filtered results are computed afresh."""
    if tally_model is None:
        from .models import ResultTally as tally_model
    with transaction.atomic():
        _lock(survey_id, exclusive=True)
        fresh = recount(survey_id, answer_model=answer_model, response_model=response_model)
        old = tally_model.objects.filter(survey_id=survey_id, bucket=CHANGES).values_list("count", flat=True).first()
        tally_model.objects.filter(survey_id=survey_id).delete()
        rows = [
            tally_model(survey_id=survey_id, question_id=q, bucket=bucket, count=n, total=t)
            for bucket, (q, n, t) in fresh.items()
        ]
        rows.append(tally_model(survey_id=survey_id, bucket=CHANGES, count=(old or 0) + 1))
        tally_model.objects.bulk_create(rows)
    return len(rows)


def current(survey_id: int) -> dict[str, tuple[int | None, int, Decimal]]:
    from .models import ResultTally

    return {
        bucket: (q, n, t)
        for bucket, q, n, t in ResultTally.objects.filter(survey_id=survey_id).values_list(
            "bucket", "question_id", "count", "total"
        )
    }
