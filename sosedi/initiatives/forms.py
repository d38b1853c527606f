"""Page forms. They parse and show errors; the rules themselves live in the services."""

import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sosedi.territories.geometry import parse_boundary, to_geojson
from sosedi.territories.models import Direction, Municipality, Tos

from .models import ContributionKind, Decision, InitiativeProject, InitiatorKind, MilestoneKind, RejectionGround


def _date_input():
    # ISO format: a browser's date input shows nothing for a localised "25.11.2026" value.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PointFields(forms.Form):
    lat = forms.FloatField(label=_("Широта"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Долгота"), required=False, min_value=-180, max_value=180)


class IdeaForm(PointFields):
    title = forms.CharField(label=_("Коротко: что предлагаете"), max_length=200)
    direction = forms.ModelChoiceField(label=_("Направление"), queryset=Direction.objects.all())
    municipality = forms.ModelChoiceField(
        label=_("Муниципальное образование"), queryset=Municipality.objects.order_by("name")
    )
    tos = forms.ModelChoiceField(label=_("ТОС (если знаете)"), queryset=Tos.objects.none(), required=False)
    description = forms.CharField(label=_("Описание проблемы или идеи"), widget=forms.Textarea(attrs={"rows": 6}))
    photos = MultipleImageField(label=_("Фотографии (до 5)"), required=False)

    field_order = ["title", "direction", "municipality", "tos", "description", "photos", "lat", "lon"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tos"].queryset = Tos.objects.exclude(status="liquidated").order_by("name")
        self.fields["lat"].help_text = _("Точка на карте: нажмите на карту или введите координаты.")


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Комментарий"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class ProjectForm(forms.ModelForm):
    # A textarea of GeoJSON so the territory can be given without JavaScript; the drawing control fills it in.
    territory_geojson = forms.CharField(
        label=_("Территория на карте (GeoJSON: Polygon или MultiPolygon)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "geojson"}),
        help_text=_(
            "Нарисуйте границу на карте или вставьте GeoJSON. У проекта ТОС можно оставить пустым — "
            "территорией будет граница ТОС."
        ),
    )

    class Meta:
        model = InitiativeProject
        fields = [
            "title",
            "direction",
            "problem",
            "justification",
            "expected_result",
            "cost_estimate",
            "cost_breakdown",
            "timeline",
            "participation",
            "budget_amount",
            "territory_description",
            "territory_geojson",
            "other_info",
            "lat",
            "lon",
        ]
        # The model's field has no Russian name of its own; without this the form showed «Direction».
        labels = {"direction": _("Направление")}
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "problem",
                "justification",
                "expected_result",
                "cost_breakdown",
                "participation",
                "territory_description",
                "other_info",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.territory_geojson if self.instance else None
        # The model value is a dict; show it as JSON text, not as Python's repr.
        self.initial["territory_geojson"] = json.dumps(stored, ensure_ascii=False) if stored else ""

    def clean_territory_geojson(self):
        text = (self.cleaned_data.get("territory_geojson") or "").strip()
        if not text:
            return None
        # The same check as a ТОС boundary (closed, not self-intersecting, sane coordinates), with its messages.
        return to_geojson(parse_boundary(text))


class NewProjectForm(ProjectForm):
    municipality = forms.ModelChoiceField(
        label=_("Муниципальное образование"), queryset=Municipality.objects.order_by("name")
    )
    initiator_kind = forms.ChoiceField(label=_("Кто вносит проект"), choices=InitiatorKind.choices)
    tos = forms.ModelChoiceField(label=_("ТОС"), queryset=Tos.objects.none(), required=False)
    initiator_name = forms.CharField(
        label=_("Староста (ФИО, населённый пункт) или иной инициатор (название)"), max_length=255, required=False
    )

    class Meta(ProjectForm.Meta):
        fields = ["municipality", "initiator_kind", "tos", "initiator_name", *ProjectForm.Meta.fields]

    def __init__(self, *args, other_initiators: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tos"].queryset = Tos.objects.exclude(status="liquidated").order_by("name")
        # «Иные лица» (ч. 2 ст. 26.1) only as the chosen municipality's act names them; the service checks again.
        base = [(value, label) for value, label in InitiatorKind.choices if value != InitiatorKind.OTHER]
        self.fields["initiator_kind"].choices = base + [
            (f"{InitiatorKind.OTHER}:{code}", name) for code, name in (other_initiators or {}).items()
        ]

    def clean_initiator_kind(self) -> str:
        # "other:<code>" → the model's kind, with the code kept aside (the model validates its own choices).
        kind, _sep, self.initiator_other = self.cleaned_data["initiator_kind"].partition(":")
        return kind

    def initiator(self) -> tuple[str, str]:
        """(kind, code of the other initiator) from the cleaned choice."""
        return self.cleaned_data["initiator_kind"], self.initiator_other


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Электронная почта участника (он должен быть зарегистрирован)"))


class PaperSignatureForm(forms.Form):
    full_name = forms.CharField(label=_("Фамилия, имя, отчество"), max_length=255)
    birth_date = forms.DateField(label=_("Дата рождения"), widget=_date_input())
    address = forms.CharField(label=_("Адрес места жительства"), max_length=500)
    signed_on = forms.DateField(label=_("Дата подписи"), widget=_date_input())
    sheet_number = forms.IntegerField(label=_("Номер листа"), min_value=1, required=False)


class MeetingLinkForm(forms.Form):
    """The decision of a closed собрание of the project's ТОС; `items` are those the page offers, so a value
    that is not among them (forged or gone stale) is an error next to the field."""

    item = forms.ModelChoiceField(
        label=_("Решение собрания ТОС о поддержке"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Выберите вопрос повестки завершённого собрания."),
            "invalid_choice": _("Выберите вопрос повестки завершённого собрания ТОС из списка."),
        },
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: (
            f"{item.meeting.title}, {timezone.localtime(item.meeting.starts_at):%d.%m.%Y}: {item.title}"
        )


class SurveyLinkForm(forms.Form):
    option = forms.IntegerField(label=_("Ответ опроса, означающий поддержку"), widget=forms.Select)


class SurveyCreateForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Опрос открыт до"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"],
    )


class ProtocolForm(forms.Form):
    file = forms.FileField(label=_("Протокол (PDF, DOCX или фото)"))
    meeting_date = forms.DateField(label=_("Дата собрания"), widget=_date_input())


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("Замечание или предложение"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Решение"), choices=Decision.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Текст решения"), widget=forms.Textarea(attrs={"rows": 4}))
    budget_line = forms.CharField(label=_("Строка бюджета (при поддержке)"), max_length=255, required=False)
    ground = forms.TypedChoiceField(
        label=_("Основание отказа (ч. 7 ст. 26.1 131-ФЗ)"),
        choices=[("", "—"), *RejectionGround.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    rework_offer = forms.CharField(
        label=_("Предложение о совместной доработке (обязательно при основании 5)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Этап"), choices=MilestoneKind.choices)
    title = forms.CharField(label=_("Что сделано"), max_length=255)
    happened_on = forms.DateField(label=_("Дата"), widget=_date_input())
    spent = forms.DecimalField(label=_("Израсходовано на этапе, руб."), min_value=0, initial=0, decimal_places=2)
    photo = forms.ImageField(label=_("Фотография"), required=False)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Дата завершения"), widget=_date_input())


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Отчёт об итогах"), widget=forms.Textarea(attrs={"rows": 6}))
    spent_amount = forms.DecimalField(label=_("Израсходовано всего, руб."), min_value=0, decimal_places=2)


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид участия"), choices=ContributionKind.choices)
    contributor = forms.CharField(label=_("Участник (ФИО или организация)"), max_length=255)
    pledged = forms.DecimalField(label=_("Сумма или оценка, руб."), min_value=0, decimal_places=2)
    description = forms.CharField(label=_("Что именно (для имущества и труда)"), max_length=500, required=False)


class ReceivedForm(forms.Form):
    amount = forms.DecimalField(label=_("Поступило в бюджет, руб."), min_value=0, decimal_places=2)
