"""Tables behind the exports, the competence-growth report and the problem-field report."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from openpyxl import Workbook

from . import problemfield, selectors
from .models import Anonymity, Answer, OptionRole, Question, QuestionKind, Response, ResponseStatus, Survey


def aggregate_rows(survey: Survey, filters=None) -> list[list]:
    total, results = selectors.cached_results(survey, filters)
    rows = [["Вопрос", "Тип", "Вариант / строка", "Ответов", "% / среднее"], ["Всего ответов", "", "", total, ""]]
    for r in results:
        q = r.question
        if r.rows:
            for label, bars in r.rows:
                rows.extend([q.text, q.get_kind_display(), f"{label}: {b.label}", b.count, b.percent] for b in bars)
        for b in r.bars:
            rows.append([q.text, q.get_kind_display(), b.label, b.count, b.percent])
        if q.kind in (QuestionKind.NUMBER, QuestionKind.TEXT, QuestionKind.DATE) or r.mean is not None:
            rows.append(
                [q.text, q.get_kind_display(), "ответили" if r.mean is None else "среднее", r.answered, r.mean or ""]
            )
    return rows


def raw_rows(survey: Survey, filters=None):
    """One row per response. The person is named only in an identified survey; responses are numbered in the
    order of their random keys, so the numbering says nothing about who answered when."""
    questions = list(
        Question.objects.filter(section__survey=survey).select_related("section").prefetch_related("options")
    )
    labels = {o.pk: o.label for q in questions for o in q.options.all()}
    identified = survey.anonymity == Anonymity.IDENTIFIED
    header = ["№", "Дата", "Муниципальное образование", "Роль", "Возраст"]
    if identified:
        header.insert(1, "Участник")
    if survey.kind == "test":
        header.append("Баллы")
    header.extend(q.text for q in questions)
    yield header
    responses = selectors.submitted(survey, filters).select_related("municipality", "user").order_by("pk")
    answers: dict = defaultdict(lambda: defaultdict(list))
    for response_id, q_id, option_id, row_id, rank, number, day, text in (
        Answer.objects.filter(response__in=responses.values("pk"))
        .order_by("response_id", "question_id", "row_id", "rank", "id")
        .values_list("response_id", "question_id", "option_id", "row_id", "rank", "number", "date", "text")
        .iterator(chunk_size=5000)
    ):
        if row_id:
            value = f"{labels[row_id]}: {labels[option_id]}"
        elif rank:
            value = f"{rank}. {labels[option_id]}"
        elif option_id:
            value = labels[option_id] + (f" ({text})" if text else "")
        elif number is not None:
            value = format(number.normalize(), "f")
        elif day:
            value = day.isoformat()
        else:
            value = text
        answers[response_id][q_id].append(value)
    for n, response in enumerate(responses.iterator(chunk_size=2000), start=1):
        row = [
            n,
            response.submitted_on.isoformat(),
            response.municipality.name if response.municipality else "",
            response.role_group,
            response.age_group,
        ]
        if identified:
            row.insert(1, response.user.full_name if response.user else "")
        if survey.kind == "test":
            row.append(response.score)
        given = answers.get(response.pk, {})
        row.extend("; ".join(given.get(q.pk, [])) for q in questions)
        yield row


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Cyrillic CSV correctly


def to_xlsx(sheets: dict[str, object]) -> bytes:
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- competence growth ---------------------------------------------------------------------------------------


@dataclass
class Growth:
    matched: int
    mean_before: float
    mean_after: float
    improved_share: float
    max_points: int
    per_question: list[tuple[str, float, float, float]] = field(default_factory=list)


def _correct_by_response(survey: Survey, user_ids) -> tuple[dict, dict, dict]:
    """({user: score}, {question text: {user: correct?}}, {question text: points})."""
    responses = dict(
        Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED, user_id__in=user_ids).values_list(
            "pk", "user_id"
        )
    )
    scores = dict(Response.objects.filter(pk__in=responses).values_list("user_id", "score"))
    questions = list(Question.objects.filter(section__survey=survey, points__gt=0).prefetch_related("options"))
    chosen: dict = defaultdict(lambda: defaultdict(set))
    for response_id, q_id, option_id in Answer.objects.filter(
        response_id__in=responses, question__in=questions, option__isnull=False
    ).values_list("response_id", "question_id", "option_id"):
        chosen[responses[response_id]][q_id].add(option_id)
    correct: dict = {}
    for q in questions:
        right = {o.pk for o in q.options.all() if o.is_correct and o.role == OptionRole.CHOICE}
        correct[q.text] = {user: chosen[user].get(q.pk) == right for user in responses.values()}
    return scores, correct, {q.text: q.points for q in questions}


def growth_report(after: Survey) -> Growth | None:
    """Mean score before and after, the share who improved and the per-question change, over the people who
    took both tests (matched by account: paired tests are identified)."""
    before = after.paired_with
    if before is None:
        return None
    users_before = set(
        Response.objects.filter(survey=before, status=ResponseStatus.SUBMITTED, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    users = users_before & set(
        Response.objects.filter(survey=after, status=ResponseStatus.SUBMITTED, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    scores_b, correct_b, points = _correct_by_response(before, users)
    scores_a, correct_a, _points = _correct_by_response(after, users)
    n = len(users)
    if not n:
        return Growth(0, 0.0, 0.0, 0.0, sum(points.values()))
    mean_b = sum(scores_b[u] or 0 for u in users) / n
    mean_a = sum(scores_a[u] or 0 for u in users) / n
    improved = sum(1 for u in users if (scores_a[u] or 0) > (scores_b[u] or 0))
    per_question = []
    for text in correct_b:
        if text in correct_a:
            share_b = 100 * sum(correct_b[text].values()) / n
            share_a = 100 * sum(correct_a[text].values()) / n
            per_question.append((text, round(share_b, 1), round(share_a, 1), round(share_a - share_b, 1)))
    return Growth(
        n, round(mean_b, 2), round(mean_a, 2), round(100 * improved / n, 1), sum(points.values()), per_question
    )


# --- problem field -------------------------------------------------------------------------------------------


@dataclass
class DirectionGroup:
    code: str | None
    name: str
    count: int = 0
    share: float = 0.0
    examples: list[tuple[int, str, list[str]]] = field(default_factory=list)


@dataclass
class ProblemField:
    answers: int
    frequent: problemfield.Frequent
    groups: list[DirectionGroup]


def problem_field(survey: Survey, *, examples: int = 4) -> ProblemField:
    from sosedi.territories.models import Direction

    rows = list(
        Answer.objects.filter(
            question__section__survey=survey,
            question__kind=QuestionKind.TEXT,
            response__status=ResponseStatus.SUBMITTED,
        )
        .exclude(text="")
        .order_by("-id")
        .values_list("pk", "text")
    )
    classifier = problemfield.build_classifier()
    names = dict(Direction.objects.values_list("code", "name"))
    groups = {code: DirectionGroup(code, name) for code, name in names.items()}
    groups[None] = DirectionGroup(None, "Не определено")
    texts = []
    for pk, text in rows:
        words = problemfield.lemmas(text)
        texts.append(words)
        verdict = classifier.classify(words)
        group = groups.get(verdict.direction, groups[None])
        group.count += 1
        if len(group.examples) < examples and all(text != seen for _pk, seen, _w in group.examples):
            group.examples.append((pk, text, verdict.because))
    total = len(rows)
    for group in groups.values():
        group.share = round(100 * group.count / total, 1) if total else 0.0
    ordered = sorted((g for g in groups.values() if g.code), key=lambda g: -g.count) + [groups[None]]
    return ProblemField(total, problemfield.frequent(texts), ordered)


def problem_rows(report: ProblemField) -> dict[str, list[list]]:
    return {
        "Направления": [["Направление", "Ответов", "Доля, %", "Пример"]]
        + [[g.name, g.count, g.share, g.examples[0][1] if g.examples else ""] for g in report.groups],
        "Слова": [["Слово (лемма)", "В скольких ответах"]] + [list(t) for t in report.frequent.terms],
        "Словосочетания": [["Словосочетание", "В скольких ответах"]] + [list(p) for p in report.frequent.phrases],
    }
