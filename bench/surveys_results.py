"""Surveys benchmark (issue [5]): the results page of a survey with 10,000 responses to 20 questions (target p95
< 300 ms), unchanged and right after each new answer, and the XLSX export of those responses (target < 10 s).
In-process through Django's test client, so it measures the view, the queries and the rendering, not a web
server. bench/run_surveys.sh adds the page under 16 clients behind gunicorn while answers keep arriving.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sosedi_surveys .venv/bin/python manage.py migrate
    DATABASE_URL=… flock /tmp/sosedi-bench.lock .venv/bin/python bench/surveys_results.py [responses] [runs]
    DATABASE_URL=… .venv/bin/python bench/surveys_results.py setup [responses]    # data + staff session (JSON)
    DATABASE_URL=… .venv/bin/python bench/surveys_results.py write RATE SECONDS   # answers at RATE a second

The data is generated once (a survey titled «Бенчмарк …» is reused on the next run). `write` sends
RATE × SECONDS responses through the submission service on a steady schedule, from drafts saved beforehand
(each by a new account, as the survey takes one answer per person) — a submission is what changes the tally."""

import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from sosedi.accounts.models import Role, RoleAssignment, Scope, User  # noqa: E402
from sosedi.surveys import services  # noqa: E402
from sosedi.surveys.models import Answer, OptionRole, Question, Response, ResponseStatus, Survey  # noqa: E402
from sosedi.territories.models import Municipality, Region  # noqa: E402

ARGS = sys.argv[2:] if sys.argv[1:2] == ["setup"] else sys.argv[1:]
N = int(ARGS[0]) if ARGS and sys.argv[1:2] != ["write"] else 10_000
RUNS = int(ARGS[1]) if len(ARGS) > 1 and sys.argv[1:2] != ["write"] else 30
TITLE = f"Бенчмарк: {N} ответов на 20 вопросов"


def staff() -> User:
    user = User.objects.filter(email="bench.staff@example.ru").first()
    if user is None:
        user = User.objects.create_user("bench.staff@example.ru", "bench")
        RoleAssignment.objects.create(
            user=user, role=Role.ASSOCIATION_STAFF, scope=Scope.REGION, region=Region.objects.get(code="64")
        )
    return user


def build(actor) -> Survey:
    survey = Survey.objects.filter(title=TITLE).first()
    if survey is not None:
        return survey
    survey = services.survey_create(actor=actor, title=TITLE, opens_at=django.utils.timezone.now() - timedelta(days=40))
    kinds = ["single", "multiple", "scale", "single", "matrix", "ranking", "number", "text", "single", "multiple"] * 2
    for s in range(4):
        section = services.section_add(actor=actor, survey=survey, title=f"Раздел {s + 1}")
        for i, kind in enumerate(kinds[s * 5 : s * 5 + 5]):
            services.question_add(
                actor=actor, section=section, kind=kind, text=f"Вопрос {s * 5 + i + 1}",
                options="А\nБ\nВ\nГ\nД", rows="Строка 1\nСтрока 2\nСтрока 3",
            )  # fmt: skip
    services.survey_publish(actor=actor, survey=survey)
    rng = random.Random(1)
    towns = list(Municipality.objects.filter(parent__isnull=True))
    questions = list(Question.objects.filter(section__survey=survey).prefetch_related("options"))
    words = ["дорога", "вода", "площадка", "свет", "мусор", "клуб", "помощь", "крыша"]
    for start in range(0, N, 1000):
        responses, answers = [], []
        for _n in range(start, min(N, start + 1000)):
            r = Response(
                survey=survey, status=ResponseStatus.SUBMITTED, municipality=rng.choice(towns),
                submitted_on=date.today() - timedelta(days=rng.randint(0, 30)),
                role_group=rng.choice(["житель", "участник ТОС", "актив ТОС"]),
                age_group=rng.choice(["до 30", "30–44", "45–59", "60 и старше"]),
            )  # fmt: skip
            responses.append(r)
            for q in questions:
                opts = [o for o in q.options.all() if o.role == OptionRole.CHOICE]
                if q.kind == "single":
                    answers.append(Answer(response=r, question=q, option=rng.choice(opts)))
                elif q.kind == "multiple":
                    answers.extend(Answer(response=r, question=q, option=o) for o in rng.sample(opts, 2))
                elif q.kind in ("scale", "number"):
                    answers.append(Answer(response=r, question=q, number=rng.randint(1, 5)))
                elif q.kind == "text":
                    answers.append(Answer(response=r, question=q, text=" ".join(rng.sample(words, 3))))
                elif q.kind == "matrix":
                    rows = [o for o in q.options.all() if o.role == OptionRole.ROW]
                    answers.extend(Answer(response=r, question=q, row=row, option=rng.choice(opts)) for row in rows)
                elif q.kind == "ranking":
                    order = rng.sample(opts, len(opts))
                    answers.extend(Answer(response=r, question=q, option=o, rank=i + 1) for i, o in enumerate(order))
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(answers, batch_size=5000)
        print(f"generated {min(N, start + 1000)} responses", flush=True)
    # Loaded past the submission service: count the results tally once, and let PostgreSQL see the new rows.
    services.tally_rebuild(survey)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return survey


def drafts(survey: Survey, count: int) -> list[tuple[User, str]]:
    """`count` people each with every section of the survey saved as a draft, ready to be sent."""
    rng = random.Random()
    sections = list(survey.sections.prefetch_related("questions__options"))
    stamp = time.time_ns()
    out = []
    for n in range(count):
        person = User.objects.create(email=f"bench.writer.{stamp}.{n}@example.ru")
        key = None
        for section in sections:
            data = QueryDict(mutable=True)
            for q in section.questions.all():
                name = f"q{q.pk}"
                opts = [o for o in q.options.all() if o.role == OptionRole.CHOICE]
                if q.kind == "single":
                    data[name] = str(rng.choice(opts).pk)
                elif q.kind == "multiple":
                    data.setlist(name, [str(o.pk) for o in rng.sample(opts, 2)])
                elif q.kind in ("scale", "number"):
                    data[name] = str(rng.randint(1, 5))
                elif q.kind == "text":
                    data[name] = "нужен свет во дворе"
                elif q.kind == "matrix":
                    for row in (o for o in q.options.all() if o.role == OptionRole.ROW):
                        data[f"{name}_r{row.pk}"] = str(rng.choice(opts).pk)
                elif q.kind == "ranking":
                    for i, o in enumerate(rng.sample(opts, len(opts))):
                        data[f"{name}_o{o.pk}"] = str(i + 1)
            key = services.response_save_section(
                actor=person, survey=survey, section=section, data=data, draft_key=key
            ).draft_key
        out.append((person, key))
    return out


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    setup_test_environment()
    actor = staff()
    survey = build(actor)
    client = Client()
    client.force_login(actor)
    url = f"/surveys/{survey.pk}/results/"
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(RUNS):
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - t) * 1000)
    print(
        f"results page, {N} responses × 20 questions, unchanged: "
        f"median {statistics.median(timings):.0f} ms, p95 {_p95(timings):.0f} ms"
    )
    ready = drafts(survey, RUNS)
    after, sends = [], []
    for person, key in ready:
        t = time.perf_counter()
        services.response_submit(actor=person, survey=survey, draft_key=key)
        sends.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        after.append((time.perf_counter() - t) * 1000)
    print(
        f"results page right after each new answer: median {statistics.median(after):.0f} ms, "
        f"p95 {_p95(after):.0f} ms (the submission itself: median {statistics.median(sends):.0f} ms)"
    )
    filtered = f"{url}?age=30–44&by=role"
    t = time.perf_counter()
    client.get(filtered)
    print(f"results page with a filter and a cross-tab by role: {(time.perf_counter() - t) * 1000:.0f} ms")
    t = time.perf_counter()
    body = client.get(f"/surveys/{survey.pk}/export.xlsx").content
    print(f"XLSX export: {time.perf_counter() - t:.1f} s, {len(body) / 1e6:.1f} MB")


def setup() -> None:
    """The data, and a staff session for wrk; the survey's id and that session key as one JSON line."""
    actor = staff()
    survey = build(actor)
    client = Client()
    client.force_login(actor)
    print(json.dumps({"survey": survey.pk, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}))


def write(rate: float, seconds: float) -> None:
    survey = Survey.objects.get(title=TITLE)
    ready = drafts(survey, int(rate * seconds) + 1)
    print(json.dumps({"step": "writer ready", "drafts": len(ready)}), flush=True)
    started = time.monotonic()
    sent = 0
    while (elapsed := time.monotonic() - started) < seconds and sent < len(ready):
        person, key = ready[sent]
        services.response_submit(actor=person, survey=survey, draft_key=key)
        sent += 1
        # A steady schedule, not "sleep after each": a slow submission does not lower the rate.
        time.sleep(max(0.0, sent / rate - (time.monotonic() - started)))
    print(json.dumps({"step": "writer", "sent": sent, "seconds": round(elapsed, 1)}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        setup()
    elif sys.argv[1:2] == ["write"]:
        write(float(sys.argv[2]), float(sys.argv[3]))
    else:
        main()
