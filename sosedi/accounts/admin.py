from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import Consent, RoleAssignment, User


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes: dict = {}


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "scope", "region", "municipality", "tos", "granted_by", "revoked_at")
    raw_id_fields = ("municipality", "tos", "granted_by")


class ConsentInline(admin.TabularInline):
    """Consents are documents: visible, never edited here."""

    model = Consent
    extra = 0
    fields = ("kind", "version", "granted_at", "withdrawn_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "last_name", "first_name", "municipality", "is_active", "anonymised_at")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "last_name", "first_name")
    raw_id_fields = ("municipality",)
    readonly_fields = ("anonymised_at", "last_login", "date_joined")
    inlines = [RoleAssignmentInline, ConsentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Личные данные"),
            {"fields": ("last_name", "first_name", "patronymic", "phone", "birth_date", "address", "municipality")},
        ),
        (_("Доступ"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Даты"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        # Roles and consents belong to an existing person; the add page only creates the login.
        return self.inlines if obj is not None else []


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "scope", "tos", "municipality", "region", "revoked_at")
    list_filter = ("role", "scope")
    raw_id_fields = ("user", "municipality", "tos", "granted_by")
    search_fields = ("user__email", "user__last_name", "tos__name", "municipality__name")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "version", "granted_at", "withdrawn_at")
    list_filter = ("kind", "version")
    readonly_fields = ("user", "kind", "version", "text", "granted_at", "withdrawn_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
