from django import forms
from django.core.exceptions import ValidationError

from .models import Direction, Municipality, TerritoryType, TosStatus
from .services import CONTACT_FIELDS, EDITABLE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegistryFilterForm(forms.Form):
    q = forms.CharField(
        label="Поиск",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Название, улица, село"}),
    )
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование",
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label="Все",
    )
    status = forms.ChoiceField(label="Статус", choices=[("", "Все"), *TosStatus.choices], required=False)
    direction = forms.ModelChoiceField(
        label="Направление",
        queryset=Direction.objects.order_by("position"),
        required=False,
        empty_label="Все",
        to_field_name="code",
    )


class FindForm(forms.Form):
    lat = forms.FloatField(
        label="Широта",
        min_value=-90,
        max_value=90,
        required=False,
        help_text="Например, 51.5336 для Саратова",
        error_messages={
            "invalid": "Введите число, например 51.5336.",
            "min_value": "Широта — от −90 до 90.",
            "max_value": "Широта — от −90 до 90.",
        },
    )
    lon = forms.FloatField(
        label="Долгота",
        min_value=-180,
        max_value=180,
        required=False,
        help_text="Например, 46.0342",
        error_messages={
            "invalid": "Введите число, например 46.0342.",
            "min_value": "Долгота — от −180 до 180.",
            "max_value": "Долгота — от −180 до 180.",
        },
    )

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not self.errors:
            missing = "lon" if lon is None else "lat"
            self.add_error(missing, "Укажите и широту, и долготу.")
        return data


class TosForm(forms.Form):
    """All registry fields of a ТОС; the service does the real validation and its errors land on these fields."""

    name = forms.CharField(label="Название", max_length=255)
    municipality = forms.ModelChoiceField(label="Муниципальное образование", queryset=Municipality.objects.none())
    territory_type = forms.ChoiceField(label="Вид территории (ч. 4 ст. 27 131-ФЗ)", choices=TerritoryType.choices)
    territory_description = forms.CharField(
        label="Описание территории: улицы, дома", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    boundary = forms.CharField(
        label="Границы (GeoJSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Polygon или MultiPolygon в координатах [долгота, широта]. Можно загрузить файл ниже.",
    )
    boundary_file = forms.FileField(label="…или файл .geojson", required=False)
    confirm_overlap = forms.BooleanField(label="Подтверждаю: границы пересекаются с указанными ТОС", required=False)
    status = forms.ChoiceField(label="Статус", choices=TosStatus.choices)
    charter_reg_number = forms.CharField(label="Номер регистрации устава", required=False, max_length=64)
    charter_reg_date = forms.DateField(label="Дата регистрации устава", required=False, widget=DATE_WIDGET)
    founded_on = forms.DateField(label="Дата учреждения", required=False, widget=DATE_WIDGET)
    is_legal_entity = forms.BooleanField(label="ТОС — юридическое лицо", required=False)
    inn = forms.CharField(label="ИНН", required=False, max_length=12)
    ogrn = forms.CharField(label="ОГРН", required=False, max_length=15)
    chair_name = forms.CharField(label="Председатель", required=False, max_length=255)
    contact_phone = forms.CharField(label="Телефон", required=False, max_length=32)
    contact_email = forms.EmailField(label="Электронная почта", required=False)
    contact_address = forms.CharField(label="Адрес для обращений", required=False, max_length=500)
    residents_16plus = forms.IntegerField(label="Жителей 16 лет и старше", required=False, min_value=0)
    residents_as_of = forms.DateField(label="Численность на дату", required=False, widget=DATE_WIDGET)
    directions = forms.ModelMultipleChoiceField(
        label="Направления деятельности",
        queryset=Direction.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    description = forms.CharField(label="О ТОС", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, municipalities=None, contacts_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            municipalities if municipalities is not None else Municipality.objects.all()
        )
        self.contacts_only = contacts_only
        if contacts_only:
            for name in list(self.fields):
                if name not in CONTACT_FIELDS:
                    del self.fields[name]

    def clean_boundary_file(self):
        f = self.cleaned_data.get("boundary_file")
        if not f:
            return None
        if f.size > 2 * 1024 * 1024:
            raise ValidationError("Файл границ больше 2 МБ.")
        try:
            return f.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("Файл границ должен быть текстом GeoJSON в кодировке UTF-8.") from exc

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}
        if self.contacts_only:
            return data
        data["boundary"] = self.cleaned_data.get("boundary_file") or self.cleaned_data.get("boundary") or None
        data["directions"] = [d.code for d in self.cleaned_data.get("directions") or []]
        return data


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's field errors next to the matching form fields; the rest at the top of the form."""
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        if field == "boundary" and "boundary" not in form.fields:
            target = None
        for message in messages:
            form.add_error(target, message)


class ImportForm(forms.Form):
    municipality = forms.ModelChoiceField(label="Муниципальное образование", queryset=Municipality.objects.none())
    file = forms.FileField(label="Файл реестра (CSV или XLSX, до 5 МБ)")

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = (
            municipalities if municipalities is not None else Municipality.objects.none()
        )
