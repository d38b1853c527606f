from django import forms


class ProposeForm(forms.Form):
    title = forms.CharField(label="Название практики", max_length=255)
    summary = forms.CharField(
        label="Что сделано, какой результат, сколько стоило, кто участвовал",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Решение", choices=[("accept", "Включить в каталог"), ("decline", "Отклонить")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Причина отказа", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
