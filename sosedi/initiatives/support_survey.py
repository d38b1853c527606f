"""A survey of residents as the support of a project (ч. 4 ст. 26.1 131-ФЗ, where the municipal act allows it):
the initiators link a published survey of the project's territory — or have one built from the yes/no template
— and the count of «yes» answers in its results is the project's support by this method. The survey itself is
the surveys app's: its audience, anonymity and one-answer-per-person rule are enforced there.
docs/decisions/0006-initiatives.md"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sosedi.core.rulesets import rule
from sosedi.surveys import services as survey_services
from sosedi.surveys.models import (
    Anonymity,
    Answer,
    Audience,
    Option,
    OptionRole,
    QuestionKind,
    ResponseStatus,
    SurveyKind,
    SurveyState,
)

from .models import InitiativeProject, ProjectStatus

YES = "Да, поддерживаю"
NO = "Нет, не поддерживаю"
METHOD = "survey"


def allowed(project: InitiativeProject, on=None) -> bool:
    from .services import support_methods

    return METHOD in support_methods(project, on=on)


def _audience_filter(project: InitiativeProject) -> Q:
    """Who answered must be the project's territory: the members of its ТОС, or the residents of its
    municipality (a ТОС project may also use a survey of the whole municipality)."""
    municipal = Q(
        question__section__survey__audience=Audience.MUNICIPALITY,
        question__section__survey__audience_municipality=project.municipality_id,
    )
    if project.tos_id:
        return municipal | Q(
            question__section__survey__audience=Audience.TOS_MEMBERS,
            question__section__survey__audience_tos=project.tos_id,
        )
    return municipal


def linkable_options(project: InitiativeProject) -> QuerySet[Option]:
    """Answers of single-choice questions in published surveys of the project's territory: the initiators pick
    the one that means «supports the project»."""
    return (
        Option.objects.filter(
            _audience_filter(project),
            role=OptionRole.CHOICE,
            is_other=False,
            question__kind=QuestionKind.SINGLE,
            question__section__survey__kind=SurveyKind.SURVEY,
            question__section__survey__state=SurveyState.PUBLISHED,
        )
        .select_related("question__section__survey")
        .order_by("-question__section__survey__opens_at", "question__section__survey_id", "question_id", "position")
    )


def _require_allowed(project: InitiativeProject) -> None:
    if not allowed(project):
        raise ValidationError(
            {
                "option": [
                    _(
                        "Опрос жителей как способ поддержки в этом муниципальном образовании не предусмотрен "
                        "(ч. 4 ст. 26.1 131-ФЗ)."
                    )
                ]
            }
        )
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.COLLECTING):
        raise ValidationError({"option": [_("Опрос прикладывается до внесения проекта в администрацию.")]})


@transaction.atomic
def link(*, actor, project: InitiativeProject, option: Option) -> InitiativeProject:
    from .services import _log, _require

    _require(actor, "initiatives.manage_support", project)
    _require_allowed(project)
    if option is None or not linkable_options(project).filter(pk=option.pk).exists():
        raise ValidationError(
            {
                "option": [
                    _(
                        "Выберите ответ из опроса жителей территории проекта (участников ТОС или жителей "
                        "муниципального образования)."
                    )
                ]
            }
        )
    project.support_option = option
    project.save(update_fields=["support_option", "updated_at"])
    survey = option.question.section.survey
    _log(actor, "initiative.support_survey", project, {"survey": survey.pk, "option": option.pk})
    return project


@transaction.atomic
def create_from_template(*, actor, project: InitiativeProject, closes_at: datetime) -> InitiativeProject:
    """A survey with one yes/no question about the project, for the members of its ТОС (or the residents of its
    municipality), one answer per person, published at once and linked. Built by whoever may run surveys
    there — the ТОС's body or the administration; other initiators ask them and link the survey."""
    from .services import _require

    _require(actor, "initiatives.manage_support", project)
    _require_allowed(project)
    target = project.tos or project.municipality
    if not actor.has_perm("surveys.add_survey", target):
        raise ValidationError(
            {
                "closes_at": [
                    _(
                        "Опрос жителей проводит совет ТОС или администрация: попросите их провести опрос по "
                        "шаблону «поддержка проекта» и выберите его ниже."
                    )
                ]
            }
        )
    if closes_at is None or closes_at <= timezone.now():
        raise ValidationError({"closes_at": [_("Укажите, когда опрос закроется — позже, чем сейчас.")]})
    audience = (
        {"audience": Audience.TOS_MEMBERS, "audience_tos": project.tos}
        if project.tos_id
        else {"audience": Audience.MUNICIPALITY, "audience_municipality": project.municipality}
    )
    survey = survey_services.survey_create(
        actor=actor,
        owner_tos=project.tos,
        owner_municipality=None if project.tos_id else project.municipality,
        title=_("Поддержка инициативного проекта «%(title)s»") % {"title": project.title},
        description=_("Опрос о поддержке инициативного проекта (ч. 4 ст. 26.1 131-ФЗ). Проект: %(url)s")
        % {"url": project.get_absolute_url()},
        kind=SurveyKind.SURVEY,
        anonymity=Anonymity.ONE_PER_PERSON,
        closes_at=closes_at,
        results_public=True,
        **audience,
    )
    section = survey_services.section_add(actor=actor, survey=survey, title=_("Проект"))
    question = survey_services.question_add(
        actor=actor,
        section=section,
        kind=QuestionKind.SINGLE,
        text=_("Поддерживаете ли вы инициативный проект «%(title)s»?") % {"title": project.title},
        options=f"{YES}\n{NO}",
        required=True,
    )
    survey_services.survey_publish(actor=actor, survey=survey)
    return link(actor=actor, project=project, option=question.options.get(label=YES))


def counts_for(options: list[int]) -> dict[int, tuple[int, int]]:
    """option id → («yes» answers, people who answered its question) over submitted responses, in two grouped
    queries whatever the number of options."""
    if not options:
        return {}
    submitted = Answer.objects.filter(response__status=ResponseStatus.SUBMITTED)
    yes = dict(submitted.filter(option_id__in=options).values_list("option_id").annotate(n=Count("id")).order_by())
    question_of = dict(Option.objects.filter(pk__in=options).values_list("pk", "question_id"))
    answered = dict(
        submitted.filter(question_id__in=set(question_of.values()))
        .values_list("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    return {pk: (yes.get(pk, 0), answered.get(question_of[pk], 0)) for pk in options}


def shortfall(project: InitiativeProject, on) -> str | None:
    """None when the linked survey is support enough: at least the municipality's number of supporters
    (`initiative.min_signatures`, the number it asks of signatures) said yes, and they are more than half of
    those who answered; otherwise why not."""
    needed = rule("initiative.min_signatures", municipality=project.municipality, on=on)
    if not project.support_option_id:
        return _("Опрос жителей: выберите опрос, в котором жители ответили, поддерживают ли они проект.")
    yes, answered = counts_for([project.support_option_id])[project.support_option_id]
    if yes >= int(needed.value) and yes * 2 > answered:
        return None
    return _(
        "Опрос жителей: поддержали %(yes)s из %(answered)s; нужно не менее %(n)s «да» и больше половины "
        "ответивших (%(basis)s)."
    ) % {"yes": yes, "answered": answered, "n": needed.value, "basis": needed.basis}
