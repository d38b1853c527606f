from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Действие"),
        required=False,
        max_length=100,
        help_text=_("Начало кода, например «tos.» или «membership.»"),
    )
    object_type = forms.CharField(label=_("Тип объекта"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Номер объекта"), required=False, max_length=64)
    actor = forms.IntegerField(label=_("Номер пользователя"), required=False, min_value=1)
    date_from = forms.DateField(label=_("С даты"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("По дату"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", ValidationError(_("Дата окончания раньше даты начала.")))
        return data
