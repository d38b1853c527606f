"""Forms of the account pages. Validation messages are Russian; fields carry autocomplete hints."""

from datetime import date

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Role, User
from .phones import normalise_phone

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProfileFieldsMixin:
    """Shared cleaning of the personal fields of sign-up and profile."""

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value is None:
            return value
        today = timezone.localdate()
        if value > today:
            raise ValidationError(_("Дата рождения не может быть в будущем."))
        if value < date(today.year - 120, 1, 1):
            raise ValidationError(_("Проверьте год рождения."))
        return value

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()


class ProfileForm(ProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["last_name", "first_name", "patronymic", "phone", "birth_date", "address", "municipality"]
        widgets = {
            "birth_date": DateInput(attrs={"autocomplete": "bday"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = {
            "phone": _("Необязательно. Например, +7 927 123-45-67."),
            "address": _("Населённый пункт, улица, дом, квартира — по нему ТОС подтверждает проживание."),
            "birth_date": _("Нужна, чтобы проверить возраст, с которого закон разрешает участвовать в ТОС."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("last_name", "first_name", "birth_date", "address", "municipality"):
            self.fields[name].required = True
        self.fields["birth_date"].input_formats = DATE_INPUT_FORMATS
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["patronymic"].widget.attrs["autocomplete"] = "additional-name"
        self.fields["municipality"].queryset = self.fields["municipality"].queryset.order_by("name")
        self.fields["municipality"].empty_label = _("— выберите —")


class SignupForm(ProfileForm):
    email = forms.EmailField(
        label=_("Электронная почта"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Для входа и уведомлений."),
    )
    password1 = forms.CharField(
        label=_("Пароль"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Не короче 8 символов, не только цифры и не слишком простой."),
    )
    password2 = forms.CharField(
        label=_("Пароль ещё раз"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent_processing = forms.BooleanField(
        label=_("Я даю согласие на обработку персональных данных"),
        required=True,
        error_messages={"required": _("Без согласия на обработку данных регистрация невозможна.")},
    )
    consent_publication = forms.BooleanField(
        label=_("Я разрешаю показывать моё имя в открытых списках (необязательно)"),
        required=False,
    )

    field_order = [
        "email",
        "password1",
        "password2",
        "last_name",
        "first_name",
        "patronymic",
        "phone",
        "birth_date",
        "address",
        "municipality",
        "consent_processing",
        "consent_publication",
    ]

    class Meta(ProfileForm.Meta):
        fields = ["email", *ProfileForm.Meta.fields]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("Пользователь с такой почтой уже зарегистрирован. Войдите или восстановите пароль.")
            )
        return email

    def clean_password2(self):
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError(_("Пароли не совпадают."))
        return second

    def _post_clean(self):
        super()._post_clean()
        # As Django's own sign-up form: the validators see the filled-in user, so "too similar to the
        # e-mail or name" works.
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except ValidationError as error:
                self.add_error("password1", error)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Электронная почта"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": _("Неверная электронная почта или пароль. Проверьте раскладку клавиатуры и Caps Lock."),
        "inactive": _("Эта учётная запись отключена."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before an irreversible step."""

    password = forms.CharField(
        label=_("Ваш пароль"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Пароль неверный."))
        return password


class RoleGrantForm(forms.Form):
    """The chair's (or official's) appointment of a member to a position in the ТОС."""

    user = forms.ModelChoiceField(label=_("Участник ТОС"), queryset=User.objects.none(), empty_label=_("— выберите —"))
    role = forms.ChoiceField(label=_("Должность"))

    def __init__(self, *args, members, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
