"""The surveys of the demo story:

- the programme's awareness survey «Что мы знаем о ТОС и инициативных проектах», launched by the association
  (staff@) from its template three weeks ago, open by public link: 320 anonymous answers from across the
  region — activists know their rights far better than other residents, few know the 30-day review deadline,
  and the open answers make the problem field (roads, water, lighting, playgrounds…);
- «С чего начать нашему ТОС» of «Солнечный квартал» (its chair), answered by its members;
- the ТОСоПозитив workshop in Энгельс: the 131-ФЗ test before and after, taken by the same 24 participants —
  the growth report shows the mean score rising.

The questionnaires are built through the services like real ones. The answers are written in bulk, as a batch
of paper questionnaires typed in would be, with the same demographics and scores the submission service sets;
a random generator with a fixed seed makes every load tell the same story. Loading twice changes nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sosedi.accounts.models import User
from sosedi.territories.models import Municipality, Tos

from . import services
from .models import (
    Anonymity,
    Answer,
    Audience,
    OptionRole,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyKind,
    TestPhase,
)

SEED = 20261125
AWARENESS_ANSWERS = 320
WORKSHOP_PARTICIPANTS = 24

# Where the answers come from: the big towns most, every district a little.
TOWN_WEIGHTS = {
    "город Саратов": 30,
    "Энгельсский муниципальный район": 16,
    "Балаковский муниципальный район": 10,
    "Вольский муниципальный район": 6,
    "Марксовский муниципальный район": 4,
    "Пугачёвский муниципальный район": 3,
}
PROBLEMS = [
    "Нет освещения во дворе, вечером страшно ходить",
    "Разбитая дорога на нашей улице, после дождя не проехать",
    "Ямы на дороге к школе, машины ломаются",
    "Нет тротуара вдоль трассы, дети идут по обочине",
    "Детской площадки нет, дети играют у гаражей",
    "Старая детская площадка, качели сломаны",
    "Хотим спортивную площадку и турники для молодёжи",
    "Плохая вода из колонки, летом низкий напор",
    "Водопровод постоянно прорывает, воды нет по несколько дней",
    "Нужна скважина, колодцы пересохли",
    "Стихийная свалка за огородами, мусор не вывозят",
    "Мусорные контейнеры переполнены, нужен график вывоза",
    "Берег пруда зарос и замусорен, нужен субботник",
    "Одиноким пожилым людям некому помочь с дровами и лекарствами",
    "Многодетным семьям нужна помощь, особенно зимой",
    "Клуб закрыт, молодёжи некуда пойти вечером",
    "Памятник погибшим землякам нуждается в ремонте",
    "Хотим праздник улицы и кружки для детей",
    "Скамеек во дворе нет, пожилым негде отдохнуть",
    "Нужно благоустроить сквер: лавочки, клумбы, урны",
    "Течёт крыша, управляющая компания ничего не делает",
    "В подъезде холодно, отопление не справляется",
    "Соседи не знают друг друга и не верят, что что-то изменится",
    "Трудно собрать людей на собрание, все работают",
]


def _weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _choice_options(question) -> list:
    return [o for o in question.options.all() if o.role == OptionRole.CHOICE and not o.is_other]


def _bulk(survey, people: list[dict]) -> None:
    """people: [{"answers": [Answer kwargs], "day": date, "municipality": …, "role_group": …, "age_group": …,
    "user": … (identified only)}]."""
    responses = []
    answers = []
    for person in people:
        response = Response(
            survey=survey,
            status=ResponseStatus.SUBMITTED,
            submitted_on=person["day"],
            municipality=person.get("municipality"),
            role_group=person.get("role_group", ""),
            age_group=person.get("age_group", ""),
            user=person.get("user"),
        )
        responses.append(response)
        answers.extend(Answer(response=response, **a) for a in person["answers"])
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=2000)
    for response in responses:
        if survey.kind == SurveyKind.TEST:
            response.score = services._score(survey, response)
    if survey.kind == SurveyKind.TEST:
        Response.objects.bulk_update(responses, ["score"])
    # Loaded in bulk, past the submission service: the results tally is counted once here.
    services.tally_rebuild(survey)


def _awareness(staff, rng) -> None:
    if Survey.objects.filter(template_key="awareness", created_by=staff).exists():
        return
    now = timezone.now()
    survey = services.survey_from_template(
        actor=staff,
        key="awareness",
        audience=Audience.PUBLIC,
        anonymity=Anonymity.ANONYMOUS,
        opens_at=now - timedelta(days=21),
        closes_at=now + timedelta(days=9),
    )
    services.survey_publish(actor=staff, survey=survey)
    questions = list(Question.objects.filter(section__survey=survey).prefetch_related("options"))
    by_code = {q.code: q for q in questions if q.code}
    towns = {m.name: m for m in Municipality.objects.filter(name__in=TOWN_WEIGHTS)}
    others = list(Municipality.objects.filter(parent__isnull=True).exclude(name__in=TOWN_WEIGHTS))
    people = []
    for _n in range(AWARENESS_ANSWERS):
        if rng.random() < 0.8 and towns:
            town = towns.get(_weighted(rng, TOWN_WEIGHTS)) or rng.choice(others)
        else:
            town = rng.choice(others)
        role_q, age_q = by_code["role_group"], by_code["age_group"]
        role = _weighted(rng, {0: 45, 1: 25, 2: 22, 3: 8})  # житель, участник, актив, муниципалитет
        age = _weighted(rng, {0: 15, 1: 30, 2: 30, 3: 25})
        knowledge = [0.15, 0.45, 0.8, 0.7][role]  # chance of knowing the right answer
        answers = []
        for q in questions:
            options = _choice_options(q)
            if q.code == "municipality":
                option = next((o for o in options if o.label == town.name), options[0])
                answers.append({"question_id": q.pk, "option_id": option.pk})
            elif q.pk == role_q.pk:
                answers.append({"question_id": q.pk, "option_id": options[role].pk})
            elif q.pk == age_q.pk:
                answers.append({"question_id": q.pk, "option_id": options[age].pk})
            elif q.kind == QuestionKind.NUMBER:
                answers.append({"question_id": q.pk, "number": rng.randint(1, 60)})
            elif q.kind == QuestionKind.SINGLE:
                if q.show_if_option_id and q.show_if_option_id not in {a.get("option_id") for a in answers}:
                    continue
                if "30 дней" in {o.label for o in options}:
                    pick = next(o for o in options if o.label == "30 дней") if rng.random() < knowledge * 0.6 else None
                    pick = pick or rng.choice([o for o in options if o.label != "30 дней"])
                else:
                    index = 0 if rng.random() < knowledge else rng.randint(1, len(options) - 1)
                    pick = options[min(index, len(options) - 1)]
                answers.append({"question_id": q.pk, "option_id": pick.pk})
            elif q.kind == QuestionKind.MULTIPLE:
                if q.show_if_option_id and q.show_if_option_id not in {a.get("option_id") for a in answers}:
                    continue
                picks = [o for o in options if rng.random() < (0.55 if o.position < 2 else 0.25)] or [options[0]]
                answers.extend({"question_id": q.pk, "option_id": o.pk} for o in picks)
                other = next((o for o in q.options.all() if o.is_other), None)
                if other and rng.random() < 0.08:
                    answers.append({"question_id": q.pk, "option_id": other.pk, "text": "Нет транспорта до центра"})
            elif q.kind == QuestionKind.SCALE:
                answers.append(
                    {"question_id": q.pk, "number": max(1, min(5, round(1 + knowledge * 4 + rng.gauss(0, 0.8))))}
                )
            elif q.kind == QuestionKind.MATRIX:
                rows = [o for o in q.options.all() if o.role == OptionRole.ROW]
                for row in rows:
                    answers.append({"question_id": q.pk, "row_id": row.pk, "option_id": rng.choice(options).pk})
            elif q.kind == QuestionKind.RANKING:
                order = options[:]
                rng.shuffle(order)
                if rng.random() < 0.6:  # messengers first for most
                    order.sort(key=lambda o: o.position != 0)
                answers.extend({"question_id": q.pk, "option_id": o.pk, "rank": i + 1} for i, o in enumerate(order))
            elif q.kind == QuestionKind.TEXT:
                if q.code == "problem" or rng.random() < 0.3:
                    answers.append({"question_id": q.pk, "text": rng.choice(PROBLEMS)})
            elif q.kind == QuestionKind.DATE and q.show_if_option_id in {a.get("option_id") for a in answers}:
                answers.append({"question_id": q.pk, "date": (now - timedelta(days=rng.randint(60, 700))).date()})
        # More answers in the first days after the launch, fewer later.
        day = (now - timedelta(days=min(20, int(rng.expovariate(1 / 5))))).date()
        people.append(
            {
                "answers": answers,
                "day": day,
                "municipality": town,
                "role_group": role_q.options.all()[role].label,
                "age_group": age_q.options.all()[age].label,
            }
        )
    _bulk(survey, people)


def _priorities(rng) -> None:
    tos = Tos.objects.filter(name="ТОС «Солнечный квартал»").first()
    chair = User.objects.filter(email="chair@demo.sosedi.ru").first()
    if tos is None or chair is None or Survey.objects.filter(template_key="priorities", owner_tos=tos).exists():
        return
    now = timezone.now()
    survey = services.survey_from_template(
        actor=chair,
        key="priorities",
        owner_tos=tos,
        audience=Audience.TOS_MEMBERS,
        audience_tos=tos,
        anonymity=Anonymity.ONE_PER_PERSON,
        opens_at=now - timedelta(days=6),
        closes_at=now + timedelta(days=8),
    )
    services.survey_publish(actor=chair, survey=survey)
    questions = list(Question.objects.filter(section__survey=survey).prefetch_related("options"))
    people = []
    weights = [5, 8, 6, 2, 1, 2, 3, 3]  # playgrounds and roads matter most in this квартал
    for _n in range(18):
        answers = []
        for q in questions:
            options = _choice_options(q)
            if q.kind == QuestionKind.RANKING:
                order = sorted(options, key=lambda o: -weights[o.position] * rng.random())
                answers.extend({"question_id": q.pk, "option_id": o.pk, "rank": i + 1} for i, o in enumerate(order))
            elif q.kind == QuestionKind.SINGLE:
                answers.append({"question_id": q.pk, "option_id": rng.choice(options).pk})
            elif q.kind == QuestionKind.MULTIPLE:
                if q.show_if_option_id in {a.get("option_id") for a in answers}:
                    answers.append({"question_id": q.pk, "option_id": rng.choice(options).pk})
            elif q.kind == QuestionKind.TEXT and rng.random() < 0.7:
                answers.append({"question_id": q.pk, "text": rng.choice(PROBLEMS[:8])})
        people.append({"answers": answers, "day": (now - timedelta(days=rng.randint(0, 5))).date()})
    _bulk(survey, people)


def _workshop(staff, rng) -> None:
    if Survey.objects.filter(template_key="law_test", phase=TestPhase.AFTER).exists():
        return
    engels = Municipality.objects.filter(name="Энгельсский муниципальный район").first()
    participants = list(User.objects.filter(email__startswith="zhitel").order_by("email")[:WORKSHOP_PARTICIPANTS])
    if engels is None or not participants:
        return
    now = timezone.now()
    workshop_day = now - timedelta(days=12)
    common = {
        "audience": Audience.REGION,
        "anonymity": Anonymity.IDENTIFIED,
        "opens_at": workshop_day - timedelta(hours=3),
        "kind": SurveyKind.TEST,
    }
    before = services.survey_from_template(
        actor=staff, key="law_test", title="ТОСоПозитив, Энгельс: тест по 131-ФЗ до обучения", phase=TestPhase.BEFORE,
        **common,
    )  # fmt: skip
    after = services.survey_from_template(
        actor=staff, key="law_test", title="ТОСоПозитив, Энгельс: тест по 131-ФЗ после обучения",
        phase=TestPhase.AFTER, paired_with=before, **common,
    )  # fmt: skip
    for survey in (before, after):
        services.survey_publish(actor=staff, survey=survey)
        services.survey_close(actor=staff, survey=survey, now=workshop_day + timedelta(days=2))
    for survey, chance in ((before, 0.45), (after, 0.8)):
        questions = list(Question.objects.filter(section__survey=survey).prefetch_related("options"))
        people = []
        for person in participants:
            ability = chance + rng.uniform(-0.15, 0.15)
            answers = []
            for q in questions:
                options = _choice_options(q)
                correct = [o for o in options if o.is_correct]
                if rng.random() < ability:
                    picks = correct
                else:
                    picks = [rng.choice([o for o in options if not o.is_correct] or options)]
                answers.extend({"question_id": q.pk, "option_id": o.pk} for o in picks)
            people.append({"answers": answers, "day": workshop_day.date(), "user": person, "municipality": engels})
        _bulk(survey, people)


@transaction.atomic
def load() -> None:
    staff = User.objects.filter(email="staff@demo.sosedi.ru").first()
    if staff is None:
        return
    rng = random.Random(SEED)  # noqa: S311 — a story, not a secret
    _awareness(staff, rng)
    _priorities(rng)
    _workshop(staff, rng)
