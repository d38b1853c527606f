from datetime import timedelta

from django import forms
from django.utils import timezone

from .models import Charter, Choice, MeetingFormat, MeetingKind, QuestionKind, VoteKind

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=MeetingKind.choices, initial=MeetingKind.ASSEMBLY)
    format = forms.ChoiceField(label="Формат", choices=MeetingFormat.choices, initial=MeetingFormat.HYBRID)
    title = forms.CharField(label="Название", max_length=255, initial="Общее собрание жителей")
    starts_at = forms.DateTimeField(
        label="Начало",
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        error_messages={"invalid": "Укажите дату и время, например 05.12.2026 18:00.", "required": "Укажите начало."},
    )
    ends_at = forms.DateTimeField(
        label="Окончание",
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        error_messages={"invalid": "Укажите дату и время, например 05.12.2026 20:00."},
    )
    place = forms.CharField(label="Место (для очного участия)", max_length=500, required=False)
    link = forms.URLField(
        label="Ссылка на видеосвязь (для онлайн-участия)",
        assume_scheme="https",
        required=False,
        error_messages={"invalid": "Ссылка должна начинаться с https://"},
    )
    convened_by = forms.CharField(
        label="Кто созывает",
        max_length=255,
        initial="Совет ТОС",
        help_text="Например: совет ТОС, председатель, инициативная группа жителей",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Вопрос", max_length=500)
    description = forms.CharField(
        label="Пояснение и проект решения", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    question = forms.ChoiceField(label="Вид вопроса", choices=QuestionKind.choices, initial=QuestionKind.ORDINARY)
    vote_kind = forms.ChoiceField(label="Голосование", choices=VoteKind.choices, initial=VoteKind.QUESTION)
    seats = forms.IntegerField(label="Мест (для выборов)", min_value=1, max_value=50, initial=1, required=False)
    candidates = forms.CharField(
        label="Кандидаты (для выборов), по одному в строке", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    secret = forms.BooleanField(label="Тайное голосование", required=False)


class MaterialForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Название материала", max_length=255, required=False)
    file = forms.FileField(label="Файл (PDF, Word, Excel, фото; до 20 МБ)")


class DelegateForm(forms.Form):
    full_name = forms.CharField(label="ФИО делегата", max_length=255)
    represents = forms.IntegerField(
        label="Представляет жителей", min_value=1, error_messages={"min_value": "Хотя бы одного жителя."}
    )


class CharterForm(forms.ModelForm):
    class Meta:
        model = Charter
        fields = [
            "remote_counts_for_quorum",
            "secret_ballot_allowed",
            "proxies_allowed",
            "revote_allowed",
            "majority_ordinary",
            "majority_exclusive",
            "majority_base",
            "conference_norm",
        ]


class DoorCodeForm(forms.Form):
    code = forms.CharField(
        label="Код участника",
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class PaperRegistrationForm(forms.Form):
    full_name = forms.CharField(label="ФИО", max_length=255)
    birth_year = forms.IntegerField(
        label="Год рождения",
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": "Год — четыре цифры.",
            "min_value": "Год рождения указан неверно.",
            "max_value": "Год рождения указан неверно.",
        },
    )
    address = forms.CharField(label="Адрес", max_length=500, required=False)
    delegate = forms.TypedChoiceField(label="Делегат", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, delegates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if delegates:
            self.fields["delegate"].choices = [("", "—")] + [
                (d.pk, f"{d.full_name} ({d.represents})") for d in delegates
            ]
        else:
            del self.fields["delegate"]


class ProxyForm(forms.Form):
    holder = forms.TypedChoiceField(label="Представитель (уже зарегистрирован)", coerce=int)
    full_name = forms.CharField(label="ФИО доверителя", max_length=255)
    birth_year = forms.IntegerField(label="Год рождения доверителя", min_value=1900, max_value=2100)
    address = forms.CharField(label="Адрес доверителя", max_length=500, required=False)
    document = forms.CharField(label="Доверенность (номер, дата)", max_length=255)

    def __init__(self, *args, holders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [(p.pk, p.full_name) for p in holders]


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label="Ваш голос", choices=Choice.choices, widget=forms.RadioSelect, required=False)
    candidates = forms.TypedMultipleChoiceField(
        label="Кандидаты", coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    on_behalf_of = forms.TypedChoiceField(label="За кого", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, item=None, represented=(), **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["candidates"].choices = [(c.pk, c.name) for c in item.candidates.all()]
        self.fields["on_behalf_of"].choices = [("", "за себя")] + [
            (p.pk, f"по доверенности: {p.full_name}") for p in represented
        ]


class PaperBallotForm(forms.Form):
    participant = forms.TypedChoiceField(label="Участник", coerce=int)
    choice = forms.ChoiceField(label="Голос", choices=[("", "—"), *Choice.choices], required=False)
    candidates = forms.TypedMultipleChoiceField(
        label="Кандидаты", coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, item=None, voters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.pk, p.full_name) for p in voters]
        if item is not None:
            self.fields["candidates"].choices = [(c.pk, c.name) for c in item.candidates.all()]


class PaperTallyForm(forms.Form):
    votes_for = forms.IntegerField(label="За", min_value=0, initial=0)
    votes_against = forms.IntegerField(label="Против", min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label="Воздержались", min_value=0, initial=0)


class OpenMeetingForm(forms.Form):
    presiding_name = forms.CharField(label="Председательствующий на собрании", max_length=255, required=False)
    secretary_name = forms.CharField(label="Секретарь собрания", max_length=255, required=False)


def default_start():
    return (timezone.localtime() + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
