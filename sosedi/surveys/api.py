"""Surveys endpoints of API v1, over the same selectors as the pages. Reads are open like the pages: the list
shows published surveys (and the drafts a signed-in manager runs); results follow `surveys.view_results` —
those who run the survey, or everyone once its results are made public."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from sosedi.api.errors import ErrorOut
from sosedi.api.tokens import user_for_key

from . import selectors

router = Router(tags=["Опросы"])
NOT_FOUND = {"detail": "Опрос не найден.", "errors": []}


def _user(request):
    """The session's person, or the bearer token's: reads need neither, but managers see more with one."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Bearer "):
        user = user_for_key(header.removeprefix("Bearer ").strip())
        if user is not None:
            return user
    return request.user


class SurveyOut(Schema):
    id: int
    title: str
    kind: str = Field(description="survey | test")
    phase: str = Field(description="для теста: before | after | пусто")
    status: str = Field(description="черновик | идёт | закрыт | откроется …")
    audience: str = Field(description="public | tos_members | municipality | region | meeting")
    anonymity: str = Field(description="identified | anonymous | one_per_person")
    owner: str
    opens_at: datetime
    closes_at: datetime | None
    url: str


class SurveyPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[SurveyOut]


class ListFilters(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class OptionCount(Schema):
    id: int
    label: str
    count: int
    percent: float = Field(description="доля ответивших на вопрос, %; для ранжирования — среднее место")
    correct: bool = False


class MatrixRow(Schema):
    row: str
    options: list[OptionCount]


class QuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    answered: int = Field(description="сколько ответов дали на этот вопрос")
    options: list[OptionCount] = Field(description="по вариантам (выбор, ранжирование, шкала — по делениям)")
    matrix: list[MatrixRow] = []
    mean: float | None = Field(None, description="среднее (шкала, число)")


class ResultsOut(Schema):
    survey: int
    responses: int = Field(description="всего отправленных ответов")
    questions: list[QuestionResultOut]


def _out(survey) -> dict:
    return {
        "id": survey.pk,
        "title": survey.title,
        "kind": survey.kind,
        "phase": survey.phase,
        "status": survey.status_label,
        "audience": survey.audience,
        "anonymity": survey.anonymity,
        "owner": survey.owner_label,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "url": f"/surveys/{survey.pk}/",
    }


@router.get("/surveys", response={200: SurveyPage, 422: ErrorOut}, summary="Опросы и тесты (постранично)")
def survey_list(request, filters: Query[ListFilters]):
    qs = selectors.survey_list(user=_user(request))
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    return {
        "count": count,
        "page": filters.page,
        "pages": max(1, -(-count // filters.page_size)),
        "page_size": filters.page_size,
        "items": [_out(s) for s in qs[start : start + filters.page_size]],
    }


@router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, 404: ErrorOut, 422: ErrorOut},
    summary="Итоги опроса: по каждому вопросу — ответы по вариантам и общее число ответов",
)
def survey_results(request, survey_id: int):
    survey = selectors.survey_with_structure(survey_id)
    user = _user(request)
    if survey is None or not user.has_perm("surveys.view_results", survey):
        return Status(404, NOT_FOUND)
    total, results = selectors.survey_results(survey, text_examples=0)
    questions = []
    for r in results:
        q = r.question
        options = [
            {"id": b.option_id or 0, "label": b.label, "count": b.count, "percent": b.percent, "correct": b.is_correct}
            for b in r.bars
        ]
        matrix = [
            {
                "row": label,
                "options": [
                    {"id": b.option_id, "label": b.label, "count": b.count, "percent": b.percent} for b in bars
                ],
            }
            for label, bars in r.rows
        ]
        questions.append(
            {
                "id": q.pk,
                "text": q.text,
                "kind": q.kind,
                "answered": r.answered,
                "options": options,
                "matrix": matrix,
                "mean": r.mean,
            }
        )
    return {"survey": survey.pk, "responses": total, "questions": questions}
