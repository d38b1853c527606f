"""Reads of the surveys capability. Results are GROUP BY queries over the answer rows — a fixed number of
queries per page whatever the number of responses (issue [5]: Decidim took 15 s for 400 answers)."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Q, QuerySet

from sosedi.accounts.models import Role, Scope
from sosedi.accounts.predicates import (
    _roles,
    is_administrator,
    is_association_staff,
)
from sosedi.territories.models import Municipality

from . import tally
from .models import (
    Answer,
    Option,
    OptionRole,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    ResultTally,
    Survey,
    SurveyState,
)

DIMENSIONS = {"municipality": "municipality__name", "role": "role_group", "age": "age_group"}
DIMENSION_COLUMNS = {"municipality": "municipality_id", "role": "role_group", "age": "age_group"}
DIMENSION_LABELS = {"municipality": "муниципальное образование", "role": "роль", "age": "возрастная группа"}
NO_VALUE = "не указано"


def survey_list(*, user) -> QuerySet:
    """Published surveys for everyone, plus drafts of the surveys the person manages."""
    qs = Survey.objects.select_related(
        "owner_tos", "owner_municipality", "audience_tos", "audience_municipality", "audience_meeting__tos"
    )
    visible = Q(state=SurveyState.PUBLISHED)
    if user.is_authenticated:
        if is_administrator(user):
            return qs
        if is_association_staff(user):
            visible |= Q(owner_tos__isnull=True, owner_municipality__isnull=True)
        roles = _roles(user)
        municipalities = [r[3] for r in roles if r[1] == Scope.MUNICIPALITY and r[0] == Role.MUNICIPAL_OFFICIAL]
        tos_ids = [
            r[2] for r in roles if r[1] == Scope.TOS and r[0] in (Role.CHAIR, Role.SECRETARY, Role.COUNCIL_MEMBER)
        ]
        if municipalities:
            visible |= Q(owner_municipality__in=municipalities) | Q(owner_municipality__parent__in=municipalities)
            visible |= Q(owner_tos__municipality__in=municipalities) | Q(
                owner_tos__municipality__parent__in=municipalities
            )
        if tos_ids:
            visible |= Q(owner_tos__in=tos_ids)
    return qs.filter(visible)


def meetings_for_audience(user) -> QuerySet:
    """Meetings whose participants a survey may be addressed to by this person: those whose registration list
    they may see (meetings.view_participants) — the ТОС's body, the municipality's officials, administrators;
    called, running or held, not drafts or cancelled ones."""
    from sosedi.meetings.models import Meeting, MeetingState

    qs = (
        Meeting.objects.filter(state__in=(MeetingState.CALLED, MeetingState.OPEN, MeetingState.CLOSED))
        .select_related("tos")
        .order_by("-starts_at", "-id")
    )
    if not user.is_authenticated:
        return qs.none()
    if is_administrator(user):
        return qs
    roles = _roles(user)
    tos_ids = [r[2] for r in roles if r[1] == Scope.TOS and r[0] in (Role.CHAIR, Role.SECRETARY, Role.COUNCIL_MEMBER)]
    municipalities = [r[3] for r in roles if r[1] == Scope.MUNICIPALITY and r[0] == Role.MUNICIPAL_OFFICIAL]
    return qs.filter(
        Q(tos__in=tos_ids) | Q(tos__municipality__in=municipalities) | Q(tos__municipality__parent__in=municipalities)
    )


def survey_with_structure(pk: int) -> Survey | None:
    return (
        Survey.objects.select_related(
            "owner_tos__municipality", "owner_municipality", "audience_tos", "audience_meeting__tos", "paired_with"
        )
        .prefetch_related("sections__questions__options", "sections__questions__show_if_option__question")
        .filter(pk=pk)
        .first()
    )


@dataclass
class Filters:
    municipality_id: int | None = None
    role: str = ""
    age: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return any((self.municipality_id, self.role, self.age, self.since, self.until))


def _conditions(survey: Survey, filters: Filters | None, prefix: str = "") -> dict:
    f = filters or Filters()
    conditions = {f"{prefix}survey": survey, f"{prefix}status": ResponseStatus.SUBMITTED}
    if f.municipality_id:
        conditions[f"{prefix}municipality_id"] = f.municipality_id
    if f.role:
        conditions[f"{prefix}role_group"] = f.role
    if f.age:
        conditions[f"{prefix}age_group"] = f.age
    if f.since:
        conditions[f"{prefix}submitted_on__gte"] = f.since
    if f.until:
        conditions[f"{prefix}submitted_on__lte"] = f.until
    return conditions


def submitted(survey: Survey, filters: Filters | None = None) -> QuerySet:
    return Response.objects.filter(**_conditions(survey, filters))


def submitted_answers(survey: Survey, filters: Filters | None = None) -> QuerySet:
    """Answers of sent responses, as a join on the response (PostgreSQL plans it far better than IN (…))."""
    return Answer.objects.filter(**_conditions(survey, filters, "response__"))


@dataclass
class Bar:
    label: str
    count: int
    percent: float
    option_id: int | None = None
    is_correct: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    rows: list[tuple[str, list[Bar]]] = field(default_factory=list)  # matrix
    texts: list[str] = field(default_factory=list)
    other_texts: list[str] = field(default_factory=list)

    @property
    def visible_bars(self) -> list[Bar]:
        """A long list (41 municipalities) shows only the options someone chose; a short one shows every option,
        zeros included, since «nobody chose it» is a finding."""
        if len(self.bars) <= LONG_LIST:
            return self.bars
        return [b for b in self.bars if b.count]


LONG_LIST = 12
DEMOGRAPHIC_CODES = ("municipality", "age_group", "role_group")


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class Aggregates:
    """What the per-question results are made of, from a GROUP BY over the answers or from the tally."""

    total: int = 0
    answered: dict = field(default_factory=dict)  # question → respondents
    option_counts: dict = field(default_factory=dict)  # (question, option, row) → times chosen
    means: dict = field(default_factory=dict)  # question → mean number (scale, number)
    rank_means: dict = field(default_factory=dict)  # (question, option) → mean rank
    scale_counts: dict = field(default_factory=dict)  # question → {value: count}


def _aggregated(survey: Survey, filters: Filters | None, questions: list[Question]) -> Aggregates:
    """Five GROUP BY queries over the answers of the (filtered) sent responses."""
    agg = Aggregates(total=submitted(survey, filters).count())
    answers = submitted_answers(survey, filters)
    # One row per response for these kinds, so a plain count is the number who answered; the others (several
    # rows per response) need the distinct count, which costs a sort, so only they get it.
    multi = [q.pk for q in questions if q.kind in (QuestionKind.MULTIPLE, QuestionKind.MATRIX, QuestionKind.RANKING)]
    agg.answered = dict(
        answers.exclude(question_id__in=multi)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    agg.answered.update(
        answers.filter(question_id__in=multi)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    for q_id, opt_id, row_id, n in (
        answers.filter(option__isnull=False)
        .values("question_id", "option_id", "row_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "option_id", "row_id", "n")
    ):
        agg.option_counts[(q_id, opt_id, row_id)] = n
    agg.means = dict(
        answers.filter(number__isnull=False)
        .values("question_id")
        .annotate(m=Avg("number"))
        .values_list("question_id", "m")
    )
    agg.rank_means = {
        (q, o): m
        for q, o, m in answers.filter(rank__isnull=False)
        .values("question_id", "option_id")
        .annotate(m=Avg("rank"))
        .values_list("question_id", "option_id", "m")
    }
    for q_id, value, n in (
        answers.filter(question__kind=QuestionKind.SCALE)
        .values("question_id", "number")
        .annotate(n=Count("id"))
        .values_list("question_id", "number", "n")
    ):
        agg.scale_counts.setdefault(q_id, {})[int(value)] = n
    return agg


_BUCKET = re.compile(r"q(\d+)(?:o(\d+)(?:r(\d+))?|v(-?\d+))?$")


def _from_tally(survey: Survey, questions: list[Question]) -> Aggregates:
    """One query over the survey's tally rows (a few per option), kept current by every submission."""
    kinds = {q.pk: q.kind for q in questions}
    agg = Aggregates()
    for bucket, count, total in ResultTally.objects.filter(survey=survey).values_list("bucket", "count", "total"):
        if bucket == tally.RESPONSES:
            agg.total = count
            continue
        found = _BUCKET.match(bucket)
        if found is None or not count:
            continue
        q_id, opt_id, row_id, value = (int(g) if g is not None else None for g in found.groups())
        if value is not None:
            agg.scale_counts.setdefault(q_id, {})[value] = count
        elif opt_id is not None:
            agg.option_counts[(q_id, opt_id, row_id)] = count
            if kinds.get(q_id) == QuestionKind.RANKING:
                agg.rank_means[(q_id, opt_id)] = total / count
        else:
            agg.answered[q_id] = count
            if kinds.get(q_id) in (QuestionKind.SCALE, QuestionKind.NUMBER):
                agg.means[q_id] = total / count
    return agg


def _text_examples(survey: Survey, filters: Filters | None, questions: list[Question], limit: int):
    """The latest `limit` open answers per text question and per «другое» option: one short query each (a
    backward walk of the newest answers), not a fetch of every text — 200 ms at 10,000 responses."""
    texts: dict[int, list[str]] = {}
    other_texts: dict[int, list[str]] = {}
    if not limit:
        return texts, other_texts
    answers = submitted_answers(survey, filters).exclude(text="").order_by("-id")
    for q in questions:
        if q.kind == QuestionKind.TEXT:
            found = answers.filter(question_id=q.pk)
            texts[q.pk] = list(found.values_list("text", flat=True)[:limit])
        if q.allow_other:
            other = next((o for o in q.options.all() if o.is_other), None)
            if other is not None:
                found = answers.filter(question_id=q.pk, option_id=other.pk)
                other_texts[q.pk] = list(found.values_list("text", flat=True)[:limit])
    return texts, other_texts


def survey_results(
    survey: Survey, filters: Filters | None = None, *, text_examples: int = 5, use_tally: bool = True
) -> tuple[int, list]:
    """(number of responses, per-question results). Unfiltered, the figures come from the tally (one query);
    filtered, from GROUP BY queries over the answers — a fixed number of queries however many responses."""
    questions = list(
        Question.objects.filter(section__survey=survey).select_related("section").prefetch_related("options")
    )
    if use_tally and not (filters and filters.active):
        agg = _from_tally(survey, questions)
    else:
        agg = _aggregated(survey, filters, questions)
    total, answered, option_counts = agg.total, agg.answered, agg.option_counts
    means, rank_means, scale_counts = agg.means, agg.rank_means, agg.scale_counts
    texts, other_texts = _text_examples(survey, filters, questions, text_examples)

    out = []
    for q in questions:
        result = QuestionResult(question=q, answered=answered.get(q.pk, 0))
        choices = [o for o in q.options.all() if o.role == OptionRole.CHOICE]
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            # Percent of respondents who answered the question (for multiple choice they may exceed 100 in sum).
            for o in choices:
                n = option_counts.get((q.pk, o.pk, None), 0)
                result.bars.append(Bar(o.label, n, _pct(n, result.answered), o.pk, o.is_correct))
        elif q.kind == QuestionKind.MATRIX:
            for row in (o for o in q.options.all() if o.role == OptionRole.ROW):
                cells = [option_counts.get((q.pk, o.pk, row.pk), 0) for o in choices]
                row_total = sum(cells)
                result.rows.append(
                    (
                        row.label,
                        [Bar(o.label, n, _pct(n, row_total), o.pk) for o, n in zip(choices, cells, strict=True)],
                    )
                )
        elif q.kind == QuestionKind.RANKING:
            for o in sorted(choices, key=lambda o: rank_means.get((q.pk, o.pk)) or 99):
                m = rank_means.get((q.pk, o.pk))
                result.bars.append(
                    Bar(o.label, option_counts.get((q.pk, o.pk, None), 0), round(float(m), 2) if m else 0, o.pk)
                )
        elif q.kind == QuestionKind.SCALE:
            counts = scale_counts.get(q.pk, {})
            for value in range(q.scale_min, q.scale_max + 1):
                n = counts.get(value, 0)
                result.bars.append(Bar(str(value), n, _pct(n, result.answered)))
            result.mean = round(float(means[q.pk]), 2) if q.pk in means else None
        elif q.kind == QuestionKind.NUMBER:
            result.mean = round(float(means[q.pk]), 2) if q.pk in means else None
        result.texts = texts.get(q.pk, [])
        result.other_texts = other_texts.get(q.pk, [])
        out.append(result)
    return total, out


def results_version(survey: Survey) -> int:
    """Moves on with every response sent or deleted (the tally's `changes` bucket, written in the same
    transaction)."""
    return ResultTally.objects.filter(survey=survey, bucket=tally.CHANGES).values_list("count", flat=True).first() or 0


def cached_results(survey: Survey, filters: Filters | None = None) -> tuple[int, list]:
    """survey_results, kept in the cache until the survey changes: the key holds the results' version (every
    response sent or deleted moves it) and the survey's `updated_at`, which every structure edit touches. The
    unfiltered figures are cheap anyway (the tally); the filtered ones and the text examples are what it saves."""
    from django.core.cache import cache

    f = filters or Filters()
    key = (
        f"survey-results:{survey.pk}:{survey.updated_at.timestamp()}:{results_version(survey)}:"
        f"{f.municipality_id}:{f.role}:{f.age}:{f.since}:{f.until}"
    )
    found = cache.get(key)
    if found is None:
        found = survey_results(survey, f)
        cache.set(key, found, 3600)
    return found


def responses_over_time(survey: Survey, filters: Filters | None = None) -> list[tuple[date, int]]:
    return list(
        submitted(survey, filters)
        .values("submitted_on")
        .annotate(n=Count("pk"))
        .order_by("submitted_on")
        .values_list("submitted_on", "n")
    )


def crosstab(survey: Survey, question: Question, dimension: str, filters: Filters | None = None):
    """Rows: the groups of `dimension`; columns: the question's options; cells: respondents (counts)."""
    column = DIMENSION_COLUMNS[dimension]
    choices = [o for o in question.options.all() if o.role == OptionRole.CHOICE]
    answers = submitted_answers(survey, filters).filter(question=question, row__isnull=True, option__isnull=False)
    raw: dict = {}
    for group, option_id, n in (
        answers.values(f"response__{column}", "option_id")
        .annotate(n=Count("id"))
        .values_list(f"response__{column}", "option_id", "n")
    ):
        raw.setdefault(group, {})[option_id] = n
    if question.kind == QuestionKind.SINGLE:
        # One row per respondent: the group's respondents are its cells' sum, no second pass over the answers.
        raw_totals = {group: sum(cells.values()) for group, cells in raw.items()}
    else:
        raw_totals = dict(
            answers.values(f"response__{column}")
            .annotate(n=Count("response_id", distinct=True))
            .values_list(f"response__{column}", "n")
        )
    # Grouped by id, named afterwards: grouping by the joined name made PostgreSQL sort every answer row.
    names = {}
    if dimension == "municipality":
        names = dict(Municipality.objects.filter(pk__in=[g for g in raw if g]).values_list("pk", "name"))
    data: dict[str, dict[int, int]] = {}
    totals: dict[str, int] = {}
    for group, cells in raw.items():
        label = names.get(group, group) or NO_VALUE
        for option_id, n in cells.items():
            data.setdefault(label, {})[option_id] = data.get(label, {}).get(option_id, 0) + n
        totals[label] = totals.get(label, 0) + raw_totals.get(group, 0)
    rows = []
    for group in sorted(data, key=lambda g: (g == NO_VALUE, g)):
        whole = totals.get(group, 0)
        cells = [(data[group].get(o.pk, 0), _pct(data[group].get(o.pk, 0), whole)) for o in choices]
        rows.append((group, whole, cells))
    return choices, rows


def filter_values(survey: Survey) -> dict:
    """The groups present among the sent responses: one pass over them (their distinct profiles — a few hundred
    at most), then the municipalities' names."""
    profiles = set(
        Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
        .values_list("municipality_id", "role_group", "age_group")
        .distinct()
    )
    names = Municipality.objects.filter(pk__in={m for m, _r, _a in profiles if m}).values_list("pk", "name")
    return {
        "municipalities": sorted(names, key=lambda pair: pair[1]),
        "roles": sorted({r for _m, r, _a in profiles if r}),
        "ages": sorted({a for _m, _r, a in profiles if a}),
    }


def choice_questions(survey: Survey) -> list[Question]:
    """Questions a cross-tab can break down; the demographic ones (the groups themselves) come last."""
    questions = list(
        Question.objects.filter(
            section__survey=survey, kind__in=(QuestionKind.SINGLE, QuestionKind.MULTIPLE)
        ).prefetch_related("options")
    )
    return sorted(questions, key=lambda q: q.code in DEMOGRAPHIC_CODES)


def options_by_id(question_ids) -> dict[int, Option]:
    return {o.pk: o for o in Option.objects.filter(question_id__in=question_ids)}
