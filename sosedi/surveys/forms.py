from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sosedi.territories.models import Municipality, Tos

from .models import Anonymity, Audience, Option, QuestionKind, Survey, SurveyKind, TestPhase
from .templates_library import TEMPLATES


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "description",
            "kind",
            "phase",
            "paired_with",
            "audience",
            "audience_tos",
            "audience_municipality",
            "audience_meeting",
            "anonymity",
            "opens_at",
            "closes_at",
            "results_public",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "anonymity": _(
                "«Анонимный, один ответ от человека»: участник входит, система помнит только, что он ответил, "
                "но не хранит, какие ответы его."
            ),
            "paired_with": _("Для теста «после обучения» — тест «до», с которым сравнить результаты."),
            "audience_meeting": _(
                "Для «участников собрания или занятия»: ответят зарегистрированные на нём со своей учётной записью. "
                "В списке — собрания, список участников которых вы видите."
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from sosedi.meetings.models import Meeting

        from .selectors import meetings_for_audience

        meetings = meetings_for_audience(user) if user is not None else Meeting.objects.none()
        if self.instance.audience_meeting_id:  # kept selectable even if someone else chose it
            meetings = meetings | Meeting.objects.filter(pk=self.instance.audience_meeting_id)
        self.fields["audience_meeting"].queryset = meetings.select_related("tos")
        self.fields["audience_meeting"].label_from_instance = lambda m: (
            f"{m.title} — ТОС «{m.tos.name}», {timezone.localtime(m.starts_at):%d.%m.%Y}"
        )
        self.fields["audience_tos"].queryset = Tos.objects.active().only("pk", "name")
        self.fields["audience_municipality"].queryset = Municipality.objects.only("pk", "name")
        self.fields["paired_with"].queryset = Survey.objects.filter(kind=SurveyKind.TEST, phase=TestPhase.BEFORE)
        self.fields["kind"].choices = SurveyKind.choices
        self.fields["audience"].choices = Audience.choices
        self.fields["anonymity"].choices = Anonymity.choices

    def clean(self):
        # The same checks as the service, here so the message sits next to its field rather than coming back
        # as the database constraint's generic text.
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Опрос должен закрываться позже, чем открывается."))
        if data.get("audience") == Audience.TOS_MEMBERS and not data.get("audience_tos"):
            self.add_error("audience_tos", _("Укажите ТОС, участники которого отвечают."))
        if data.get("audience") == Audience.MUNICIPALITY and not data.get("audience_municipality"):
            self.add_error("audience_municipality", _("Укажите муниципальное образование, жители которого отвечают."))
        if data.get("audience") == Audience.MEETING and not data.get("audience_meeting"):
            self.add_error("audience_meeting", _("Укажите собрание или занятие, участники которого отвечают."))
        if data.get("kind") != SurveyKind.TEST and data.get("phase"):
            self.add_error("phase", _("«До» и «после» бывают только у теста знаний."))
        return data


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Шаблон"), choices=[(k, t["title"]) for k, t in TEMPLATES.items()])


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Название раздела"), max_length=255)
    description = forms.CharField(label=_("Пояснение"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Тип вопроса"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Вопрос"), max_length=500)
    help_text = forms.CharField(label=_("Подсказка"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Обязательный"), required=False)
    options = forms.CharField(
        label=_("Варианты ответа"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("По одному в строке. В тесте знаний поставьте «*» перед верным вариантом."),
    )
    allow_other = forms.BooleanField(label=_("Добавить вариант «другое» с полем для текста"), required=False)
    rows = forms.CharField(
        label=_("Строки таблицы"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Только для таблицы: по одной строке; варианты выше станут столбцами."),
    )
    scale_min = forms.IntegerField(label=_("Шкала от"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("Шкала до"), initial=5, required=False)
    scale_min_label = forms.CharField(label=_("Подпись минимума"), required=False, max_length=100)
    scale_max_label = forms.CharField(label=_("Подпись максимума"), required=False, max_length=100)
    number_min = forms.DecimalField(label=_("Число не меньше"), required=False)
    number_max = forms.DecimalField(label=_("Число не больше"), required=False)
    show_if_option = forms.ModelChoiceField(
        label=_("Показывать, только если выбран ответ"), queryset=Option.objects.none(), required=False
    )
    points = forms.IntegerField(label=_("Баллы за верный ответ (тест)"), min_value=0, initial=0, required=False)

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        if survey is not None:
            qs = Option.objects.filter(
                question__section__survey=survey, question__kind__in=(QuestionKind.SINGLE, QuestionKind.MULTIPLE)
            ).select_related("question")
            self.fields["show_if_option"].queryset = qs
            self.fields["show_if_option"].label_from_instance = lambda o: f"{o.question.text[:60]} → {o.label}"

    def clean(self):
        data = super().clean()
        data["scale_min"] = 1 if data.get("scale_min") is None else data["scale_min"]
        data["scale_max"] = 5 if data.get("scale_max") is None else data["scale_max"]
        data["points"] = data.get("points") or 0
        return data


class QuestionEditForm(forms.Form):
    text = forms.CharField(label=_("Вопрос"), max_length=500)
    kind = forms.ChoiceField(label=_("Тип вопроса"), choices=QuestionKind.choices)
    required = forms.BooleanField(label=_("Обязательный"), required=False)


class LabelForm(forms.Form):
    direction = forms.IntegerField()
