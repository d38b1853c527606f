"""Forms of the knowledge pages. They parse input; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sosedi.territories.models import Direction, Municipality

from .models import Audience, LegalScope, MaterialKind, Topic
from .text import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    # A longer paste is cut, not refused: the reader still gets results for its beginning.
    q = forms.CharField(label=_("Что ищем"), required=False, max_length=10_000, strip=True)
    kind = forms.ChoiceField(label=_("Вид"), required=False, choices=[("", _("все виды")), *MaterialKind.choices])
    audience = forms.ChoiceField(label=_("Кому"), required=False, choices=[("", _("всем")), *Audience.choices])
    direction = forms.ChoiceField(label=_("Направление"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", _("все направления"))] + [
            (d.code, d.name) for d in Direction.objects.order_by("position")
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": MAX_QUERY_CHARS})


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид материала"), choices=MaterialKind.choices)
    title = forms.CharField(label=_("Заголовок"), max_length=255)
    summary = forms.CharField(label=_("Кратко (одна-две фразы для списка и поиска)"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Текст"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("HTML: абзацы <p>, заголовки <h2>, списки, ссылки. Скрипты и опасные атрибуты удаляются."),
    )
    for_residents = forms.BooleanField(label=_("Для жителей"), required=False, initial=True)
    for_activists = forms.BooleanField(label=_("Для активистов ТОС"), required=False, initial=True)
    for_officials = forms.BooleanField(label=_("Для муниципальных служащих"), required=False)
    directions = forms.ModelMultipleChoiceField(
        label=_("Направления деятельности"),
        queryset=Direction.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Правовые темы (где показать в панели «Что говорит закон»)"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_refs = forms.CharField(label=_("Правовые основания"), max_length=500, required=False)
    scope = forms.ChoiceField(label=_("Уровень"), choices=LegalScope.choices)
    municipality = forms.ModelChoiceField(
        label=_("Муниципальное образование (для материалов о его актах)"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
    )
    checked_on = forms.DateField(
        label=_("Сверено с законом"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    video_url = forms.URLField(label=_("Ссылка на видео"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("Что изменено (для истории версий)"), max_length=255, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Файл"), help_text=_("DOCX, XLSX, ODT, PDF — до 20 МБ; MP4, WebM — до 300 МБ; субтитры VTT.")
    )
    name = forms.CharField(label=_("Название файла для читателя"), max_length=255, required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Что исправить"), widget=forms.Textarea(attrs={"rows": 3}))


class OutdatedForm(forms.Form):
    reason = forms.CharField(label=_("Что изменилось в законе"), max_length=500)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Ваш вопрос"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ответ придёт в уведомления. Хороший ответ может стать открытым материалом — без вашего имени."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Ответ"), widget=forms.Textarea(attrs={"rows": 5}))
    publish_as = forms.CharField(
        label=_("Опубликовать как материал «вопрос и ответ» с заголовком"), max_length=255, required=False
    )
    legal_refs = forms.CharField(label=_("Правовые основания ответа"), max_length=500, required=False)
