"""Writes of the surveys capability: building a questionnaire, answering it, labelling open answers.

Each service checks permission, then validation, then writes atomically. Errors are ValidationError keyed by
the field they are about, so a page shows them next to the field and the API names the field.
"""

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.core.audit import audit_record

from . import tally
from .answering import parse_section
from .demographics import age_group_of, role_group_of
from .models import (
    CHOICE_KINDS,
    Anonymity,
    Answer,
    AnswerLabel,
    Audience,
    DirectionKeywords,
    Option,
    OptionRole,
    Participation,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Section,
    Survey,
    SurveyKind,
    SurveyState,
    TestPhase,
)


def _touch(survey: Survey) -> None:
    """Structure changed: the cached results (keyed by updated_at) must be computed again."""
    Survey.objects.filter(pk=survey.pk).update(updated_at=timezone.now())


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("Недостаточно прав для этого действия."))


def has_answers(survey: Survey) -> bool:
    return survey.responses.exists()


def _refuse_if_answered(survey: Survey, field: str, what: str) -> None:
    if has_answers(survey):
        raise ValidationError(
            {
                field: _(
                    "%(what)s нельзя: на опрос уже ответили, и прежние ответы перестали бы соответствовать "
                    "вопросам. Если нужно спросить иначе, добавьте новый вопрос."
                )
                % {"what": what}
            }
        )


SURVEY_FIELDS = (
    "title",
    "description",
    "kind",
    "phase",
    "audience",
    "audience_tos",
    "audience_municipality",
    "audience_meeting",
    "anonymity",
    "opens_at",
    "closes_at",
    "results_public",
    "paired_with",
)


def _validate_survey(survey: Survey, actor=None, *, meeting_changed: bool = True) -> None:
    errors = {}
    if survey.audience != Audience.MEETING:
        survey.audience_meeting = None
    elif survey.audience_meeting_id is None:
        errors["audience_meeting"] = _("Укажите собрание или занятие, участники которого отвечают.")
    elif meeting_changed and not (
        actor is not None and actor.has_perm("surveys.address_meeting", survey.audience_meeting)
    ):
        errors["audience_meeting"] = _(
            "Адресовать опрос можно участникам собрания, которое вы ведёте или список участников которого видите."
        )
    if survey.audience == Audience.TOS_MEMBERS and survey.audience_tos_id is None:
        errors["audience_tos"] = _("Укажите ТОС, участники которого отвечают.")
    if survey.audience == Audience.MUNICIPALITY and survey.audience_municipality_id is None:
        errors["audience_municipality"] = _("Укажите муниципальное образование, жители которого отвечают.")
    if survey.closes_at and survey.opens_at and survey.closes_at <= survey.opens_at:
        errors["closes_at"] = _("Опрос должен закрываться позже, чем открывается.")
    if survey.kind != SurveyKind.TEST:
        survey.phase = TestPhase.NONE
        survey.paired_with = None
    if survey.paired_with_id and survey.paired_with.kind != SurveyKind.TEST:
        errors["paired_with"] = _("Парой может быть только тест знаний.")
    if survey.kind == SurveyKind.TEST and survey.paired_with_id and survey.anonymity != Anonymity.IDENTIFIED:
        errors["anonymity"] = _("Рост знаний считается по каждому участнику, поэтому парный тест должен быть именным.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def survey_create(*, actor, owner_tos=None, owner_municipality=None, template_key: str = "", **fields) -> Survey:
    target = owner_tos or owner_municipality
    _require(actor, "surveys.add_survey", target)
    if owner_tos is not None:
        owner_municipality = None
    survey = Survey(
        owner_tos=owner_tos,
        owner_municipality=owner_municipality,
        created_by=actor,
        public_token=secrets.token_urlsafe(12),
        template_key=template_key,
        opens_at=fields.pop("opens_at", None) or timezone.now(),
        **{k: v for k, v in fields.items() if k in SURVEY_FIELDS},
    )
    _validate_survey(survey, actor)
    survey.save()
    audit_record(actor=actor, action="survey.create", obj=survey, payload={"title": survey.title})
    return survey


@transaction.atomic
def survey_update(*, actor, survey: Survey, **fields) -> Survey:
    _require(actor, "surveys.change_survey", survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    meeting_before = survey.audience_meeting_id
    for key in ("anonymity", "kind"):
        if key in fields and fields[key] != getattr(survey, key):
            _refuse_if_answered(
                survey, key, _("Менять анонимность") if key == "anonymity" else _("Менять вид (опрос или тест)")
            )
    for key, value in fields.items():
        if key in SURVEY_FIELDS:
            setattr(survey, key, value)
    _validate_survey(survey, actor, meeting_changed=survey.audience_meeting_id != meeting_before)
    survey.save()
    audit_record(actor=actor, action="survey.update", obj=survey, payload={"fields": sorted(fields)})
    return survey


@transaction.atomic
def survey_publish(*, actor, survey: Survey) -> Survey:
    _require(actor, "surveys.change_survey", survey)
    if not Question.objects.filter(section__survey=survey).exists():
        raise ValidationError({"state": _("Добавьте хотя бы один вопрос, прежде чем публиковать опрос.")})
    if survey.closes_at and survey.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("Дата закрытия уже прошла — перенесите её, чтобы опубликовать.")})
    survey.state = SurveyState.PUBLISHED
    survey.save(update_fields=["state", "updated_at"])
    audit_record(actor=actor, action="survey.publish", obj=survey, payload={})
    return survey


@transaction.atomic
def survey_close(*, actor, survey: Survey, now: datetime | None = None) -> Survey:
    _require(actor, "surveys.change_survey", survey)
    now = now or timezone.now()
    if survey.opens_at >= now:
        survey.opens_at = now - timezone.timedelta(seconds=1)
    survey.closes_at = now
    survey.save(update_fields=["opens_at", "closes_at", "updated_at"])
    audit_record(actor=actor, action="survey.close", obj=survey, payload={})
    return survey


@transaction.atomic
def section_add(*, actor, survey: Survey, title: str, description: str = "") -> Section:
    _require(actor, "surveys.change_survey", survey)
    if not title.strip():
        raise ValidationError({"title": _("Назовите раздел.")})
    position = survey.sections.count()
    _touch(survey)
    return Section.objects.create(survey=survey, title=title.strip(), description=description, position=position)


def _lines(text_or_list) -> list[str]:
    if isinstance(text_or_list, str):
        text_or_list = text_or_list.splitlines()
    return [line.strip() for line in text_or_list if line and line.strip()]


def _validate_question_shape(*, kind, choices, rows, show_if_option, section, points, correct) -> dict:
    errors = {}
    if kind in CHOICE_KINDS and len(choices) < 2:
        errors["options"] = _("Нужно не меньше двух вариантов ответа, по одному в строке.")
    if kind == QuestionKind.MATRIX and not rows:
        errors["rows"] = _("Для таблицы перечислите строки, по одной в строке.")
    if len(set(choices)) != len(choices):
        errors["options"] = _("Варианты ответа повторяются.")
    if show_if_option is not None:
        if show_if_option.question.section.survey_id != section.survey_id:
            errors["show_if_option"] = _("Условие может ссылаться только на вопрос этого же опроса.")
        elif show_if_option.question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            errors["show_if_option"] = _("Условие показа — вариант вопроса с выбором ответа.")
    if correct and kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        errors["options"] = _("Верные ответы отмечаются только у вопросов с выбором.")
    if correct and kind == QuestionKind.SINGLE and len(correct) > 1:
        errors["options"] = _("В вопросе с одним вариантом верным может быть только один.")
    if points and not correct:
        errors["points"] = _("Баллы даются за верный ответ — отметьте верный вариант звёздочкой (*).")
    return errors


@transaction.atomic
def question_add(
    *,
    actor,
    section: Section,
    kind: str,
    text: str,
    options="",
    rows="",
    required: bool = False,
    allow_other: bool = False,
    help_text: str = "",
    scale_min: int = 1,
    scale_max: int = 5,
    scale_min_label: str = "",
    scale_max_label: str = "",
    number_min=None,
    number_max=None,
    show_if_option: Option | None = None,
    points: int = 0,
    code: str = "",
) -> Question:
    """Options are given one per line; a line starting with «*» is a correct answer (knowledge tests)."""
    survey = section.survey
    _require(actor, "surveys.change_survey", survey)
    raw = _lines(options)
    correct = {i for i, line in enumerate(raw) if line.startswith("*")}
    choices = [line.lstrip("*").strip() for line in raw]
    row_labels = _lines(rows)
    errors = {}
    if not text.strip():
        errors["text"] = _("Напишите вопрос.")
    if kind not in QuestionKind.values:
        errors["kind"] = _("Выберите тип вопроса из списка.")
    if kind == QuestionKind.SCALE and scale_max <= scale_min:
        errors["scale_max"] = _("Верх шкалы должен быть больше низа.")
    if kind == QuestionKind.SCALE and scale_max - scale_min > 10:
        errors["scale_max"] = _("Шкала — не больше 11 делений.")
    if number_min is not None and number_max is not None and number_max < number_min:
        errors["number_max"] = _("Верхняя граница меньше нижней.")
    errors.update(
        _validate_question_shape(
            kind=kind,
            choices=choices if kind in CHOICE_KINDS else [],
            rows=row_labels,
            show_if_option=show_if_option,
            section=section,
            points=points,
            correct=correct,
        )
    )
    if errors:
        raise ValidationError(errors)
    question = Question.objects.create(
        section=section,
        position=Question.objects.filter(section=section).count(),
        kind=kind,
        text=text.strip(),
        help_text=help_text,
        required=required,
        allow_other=allow_other and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE),
        scale_min=scale_min,
        scale_max=scale_max,
        scale_min_label=scale_min_label,
        scale_max_label=scale_max_label,
        number_min=number_min,
        number_max=number_max,
        show_if_option=show_if_option,
        points=points,
        code=code,
    )
    if kind in CHOICE_KINDS:
        Option.objects.bulk_create(
            [
                Option(question=question, position=i, label=label, is_correct=i in correct)
                for i, label in enumerate(choices)
            ]
        )
        if question.allow_other:
            Option.objects.create(question=question, position=len(choices), label=_("Другое"), is_other=True)
    _touch(survey)
    if kind == QuestionKind.MATRIX:
        Option.objects.bulk_create(
            [
                Option(question=question, position=i, label=label, role=OptionRole.ROW)
                for i, label in enumerate(row_labels)
            ]
        )
    return question


@transaction.atomic
def question_update(
    *, actor, question: Question, text: str | None = None, kind: str | None = None, required=None, help_text=None
):
    """Wording and «required» may change at any time; the type may not once anyone has answered."""
    survey = question.section.survey
    _require(actor, "surveys.change_survey", survey)
    if kind is not None and kind != question.kind:
        _refuse_if_answered(survey, "kind", _("Менять тип вопроса"))
        if (kind in CHOICE_KINDS) != (question.kind in CHOICE_KINDS):
            raise ValidationError(
                {"kind": _("Тип с вариантами и тип без вариантов не взаимозаменяемы — создайте новый вопрос.")}
            )
        question.kind = kind
    if text is not None:
        if not text.strip():
            raise ValidationError({"text": _("Напишите вопрос.")})
        question.text = text.strip()
    if required is not None:
        question.required = required
    if help_text is not None:
        question.help_text = help_text
    question.save()
    _touch(survey)
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    survey = question.section.survey
    _require(actor, "surveys.change_survey", survey)
    _refuse_if_answered(survey, "question", _("Удалять вопрос"))
    question.delete()
    _touch(survey)


@transaction.atomic
def option_remove(*, actor, option: Option) -> None:
    survey = option.question.section.survey
    _require(actor, "surveys.change_survey", survey)
    _refuse_if_answered(survey, "options", _("Удалять вариант ответа"))
    option.delete()
    _touch(survey)


@transaction.atomic
def option_add(*, actor, question: Question, label: str, is_correct: bool = False) -> Option:
    """Adding a choice never corrupts earlier answers (nobody chose it), so it is allowed at any time."""
    _require(actor, "surveys.change_survey", question.section.survey)
    if not question.has_options:
        raise ValidationError({"label": _("У этого вопроса нет вариантов ответа.")})
    if not label.strip():
        raise ValidationError({"label": _("Напишите вариант.")})
    _touch(question.section.survey)
    return Option.objects.create(
        question=question, label=label.strip(), is_correct=is_correct, position=question.options.count()
    )


# --- answering ---------------------------------------------------------------------------------------------


def _require_answerable(actor, survey: Survey) -> None:
    if not survey.is_open():
        now = timezone.now()
        if survey.closes_at and survey.closes_at <= now:
            raise ValidationError(
                {
                    "survey": _("Опрос закрыт %(when)s — ответы больше не принимаются. Спасибо, что хотели ответить.")
                    % {"when": timezone.localtime(survey.closes_at).strftime("%d.%m.%Y %H:%M")}
                }
            )
        raise ValidationError({"survey": _("Опрос ещё не открыт.")})
    if survey.anonymity in (Anonymity.IDENTIFIED, Anonymity.ONE_PER_PERSON) and not (
        actor is not None and actor.is_authenticated
    ):
        raise PermissionDenied(_("Чтобы ответить, войдите: один человек отвечает один раз."))
    if actor is None or not actor.has_perm("surveys.answer_survey", survey):
        raise PermissionDenied(_("Этот опрос адресован другому кругу участников."))


def already_answered(actor, survey: Survey) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if survey.anonymity == Anonymity.ONE_PER_PERSON:
        return Participation.objects.filter(survey=survey, user=actor).exists()
    if survey.anonymity == Anonymity.IDENTIFIED:
        return Response.objects.filter(survey=survey, user=actor, status=ResponseStatus.SUBMITTED).exists()
    return False


def _draft(survey: Survey, actor, draft_key: str | None) -> Response | None:
    if survey.anonymity == Anonymity.IDENTIFIED:
        return Response.objects.filter(survey=survey, user=actor, status=ResponseStatus.DRAFT).first()
    if draft_key:
        return Response.objects.filter(survey=survey, draft_key=draft_key, status=ResponseStatus.DRAFT).first()
    return None


def chosen_options(response: Response | None) -> set[int]:
    if response is None:
        return set()
    return set(response.answers.filter(option__isnull=False).values_list("option_id", flat=True))


@transaction.atomic
def response_save_section(*, actor, survey: Survey, section: Section, data, draft_key: str | None = None) -> Response:
    """Keep a section's answers as the draft (a person on a weak connection loses at most one screen).

    Errors name the question's field; nothing is saved for the section then. Returns the draft, whose
    `draft_key` the page keeps in the session (anonymous modes) so the person finds it again."""
    _require_answerable(actor, survey)
    if already_answered(actor, survey):
        raise ValidationError({"survey": _("Вы уже ответили на этот опрос. Спасибо!")})
    if section.survey_id != survey.pk:
        raise ValidationError({"section": _("Такого раздела в опросе нет.")})
    response = _draft(survey, actor, draft_key)
    earlier = chosen_options(response) - set(
        Option.objects.filter(question__section=section).values_list("pk", flat=True)
    )
    questions = list(section.questions.prefetch_related("options"))
    parsed = parse_section(questions, data, earlier)
    if parsed.errors:
        raise ValidationError(parsed.errors)
    if response is None:
        response = Response.objects.create(
            survey=survey,
            user=actor if survey.anonymity == Anonymity.IDENTIFIED else None,
            draft_key=None if survey.anonymity == Anonymity.IDENTIFIED else secrets.token_urlsafe(32),
        )
    response.answers.filter(question__section=section).delete()
    Answer.objects.bulk_create([Answer(response=response, **row) for row in parsed.rows])
    response.draft_saved_at = timezone.now()
    response.save(update_fields=["draft_saved_at"])
    return response


def _score(survey: Survey, response: Response) -> int | None:
    if survey.kind != SurveyKind.TEST:
        return None
    chosen: dict[int, set[int]] = {}
    for question_id, option_id in response.answers.filter(option__isnull=False).values_list("question_id", "option_id"):
        chosen.setdefault(question_id, set()).add(option_id)
    total = 0
    for question in Question.objects.filter(section__survey=survey, points__gt=0).prefetch_related("options"):
        correct = {o.pk for o in question.options.all() if o.is_correct}
        if correct and chosen.get(question.pk) == correct:
            total += question.points
    return total


def _demographics(survey: Survey, actor, response: Response) -> dict:
    """Coarse profile for the cross-tab: the account's, else what the person said in demographic questions."""
    fields = {"municipality": None, "role_group": "", "age_group": ""}
    if actor is not None and actor.is_authenticated:
        fields.update(municipality=actor.municipality, role_group=role_group_of(actor), age_group=age_group_of(actor))
    said = dict(
        response.answers.filter(
            question__code__in=("age_group", "role_group", "municipality"), option__isnull=False
        ).values_list("question__code", "option__label")
    )
    if fields["municipality"] is None and said.get("municipality"):
        from sosedi.territories.models import Municipality

        fields["municipality"] = Municipality.objects.filter(name=said["municipality"]).first()
    for code in ("age_group", "role_group"):
        if not fields[code] and said.get(code):
            fields[code] = said[code][:16] if code == "age_group" else said[code][:32]
    return fields


@transaction.atomic
def response_submit(*, actor, survey: Survey, draft_key: str | None = None) -> Response:
    """Send the draft. Every visible required question of every section must be answered.

    One-per-person mode: the Participation row (person + survey, unique) is written in this same transaction
    as the response, which carries no trace of the person — a second submission, even a simultaneous one,
    fails on the constraint and nothing of it is kept."""
    _require_answerable(actor, survey)
    response = _draft(survey, actor, draft_key)
    if response is None:
        raise ValidationError({"survey": _("Ответов пока нет — заполните опрос с первого раздела.")})
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.status != ResponseStatus.DRAFT:
        raise ValidationError({"survey": _("Вы уже ответили на этот опрос. Спасибо!")})
    chosen = chosen_options(response)
    answered = set(response.answers.values_list("question_id", flat=True))
    for section in survey.sections.prefetch_related("questions"):
        for question in section.questions.all():
            visible = question.show_if_option_id is None or question.show_if_option_id in chosen
            if visible and question.required and question.pk not in answered:
                raise ValidationError(
                    {"section": _("В разделе «%(title)s» есть вопросы без ответа.") % {"title": section.title}}
                )
    if survey.anonymity == Anonymity.ONE_PER_PERSON:
        try:
            with transaction.atomic():
                Participation.objects.create(survey=survey, user=actor)
        except IntegrityError:
            raise ValidationError({"survey": _("Вы уже ответили на этот опрос. Спасибо!")}) from None
    for field, value in _demographics(survey, actor, response).items():
        setattr(response, field, value)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_on = timezone.localdate()
    response.draft_key = None
    response.draft_saved_at = None
    response.score = _score(survey, response)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError({"survey": _("Вы уже ответили на этот опрос. Спасибо!")}) from None
    # Last, so the tally rows are locked only for the moment before commit.
    tally.add_response(response)
    return response


def may_withdraw(actor, response: Response) -> bool:
    """A person takes back their own answer to an identified survey while it is open; in the anonymous modes
    nothing says whose a response is, so there is nothing to take back."""
    return (
        actor is not None
        and actor.is_authenticated
        and response.user_id == actor.pk
        and response.status == ResponseStatus.SUBMITTED
        and response.survey.is_open()
    )


@transaction.atomic
def response_delete(*, actor, response: Response, reason: str = "") -> None:
    """Withdraw one's own identified answer (then one may answer again), or — for those who run the survey —
    remove a response (a duplicate, spam through a public link). The totals lose it in the same transaction."""
    survey = response.survey
    if not (may_withdraw(actor, response) or (actor is not None and actor.has_perm("surveys.change_survey", survey))):
        raise PermissionDenied(_("Удалить этот ответ нельзя."))
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.status == ResponseStatus.SUBMITTED:
        tally.remove_response(response)
    own = response.user_id is not None and response.user_id == actor.pk
    audit_record(
        actor=actor,
        action="survey.response_withdraw" if own else "survey.response_delete",
        obj=survey,
        payload={"reason": reason[:200]} if reason else {},
    )
    response.delete()


def tally_rebuild(survey: Survey) -> int:
    """Recount the survey's results tally from its answers (after a bulk load or a repair); see tally.rebuild."""
    return tally.rebuild(survey.pk)


# --- problem field ------------------------------------------------------------------------------------------


@transaction.atomic
def keywords_update(*, actor, direction, keywords: str) -> DirectionKeywords:
    _require(actor, "surveys.train_classifier", None)
    row, _created = DirectionKeywords.objects.update_or_create(
        direction=direction, defaults={"keywords": "\n".join(_lines(keywords))}
    )
    audit_record(actor=actor, action="survey.keywords", obj=row, payload={"direction": direction.code})
    return row


@transaction.atomic
def answer_label(*, actor, answer: Answer, direction) -> AnswerLabel:
    _require(actor, "surveys.train_classifier", None)
    if answer.question.kind != QuestionKind.TEXT and not answer.text:
        raise ValidationError({"answer": _("Размечаются только открытые ответы.")})
    label, _created = AnswerLabel.objects.update_or_create(
        answer=answer, defaults={"direction": direction, "labelled_by": actor}
    )
    return label


@transaction.atomic
def survey_from_template(*, actor, key: str, owner_tos=None, owner_municipality=None, **fields) -> Survey:
    """A draft built from a library template through the same services as the builder; the staff then
    adjust dates and audience and publish."""
    from sosedi.territories.models import Municipality

    from .templates_library import MUNICIPALITIES, TEMPLATES

    if key not in TEMPLATES:
        raise ValidationError({"template": _("Такого шаблона нет.")})
    spec = TEMPLATES[key]
    fields.setdefault("title", spec["title"])
    fields.setdefault("description", spec["description"])
    fields.setdefault("kind", spec["kind"])
    if spec["kind"] == SurveyKind.TEST:
        fields.setdefault("anonymity", Anonymity.IDENTIFIED)
    survey = survey_create(
        actor=actor, owner_tos=owner_tos, owner_municipality=owner_municipality, template_key=key, **fields
    )
    by_key: dict[str, Question] = {}
    for title, description, questions in spec["sections"]:
        section = section_add(actor=actor, survey=survey, title=title, description=description)
        for raw in questions:
            spec_q = dict(raw)
            if spec_q.get("options") == MUNICIPALITIES:
                spec_q["options"] = list(
                    Municipality.objects.filter(parent__isnull=True).order_by("name").values_list("name", flat=True)
                )
            key_name = spec_q.pop("key", None)
            show_if = spec_q.pop("show_if", None)
            if show_if:
                source = by_key[show_if[0]]
                spec_q["show_if_option"] = source.options.filter(role=OptionRole.CHOICE).order_by("position")[
                    show_if[1]
                ]
            question = question_add(actor=actor, section=section, **spec_q)
            if key_name:
                by_key[key_name] = question
    return survey
