"""Admin for users and profiles (platform admins only; changes audited; the NIK is only ever shown masked)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from simpul.accounts.models import BusinessProfile, CitizenProfile, User
from simpul.core.admin import AuditedModelAdmin


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone", "full_name", "role")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ("email",)
    list_display = ("email", "phone", "full_name", "role", "village", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "phone", "full_name")
    list_select_related = ("village",)
    autocomplete_fields: tuple[str, ...] = ()
    raw_id_fields = ("village",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language")}),
        (_("Role"), {"fields": ("role", "village")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "phone",
                    "full_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


class CitizenProfileForm(forms.ModelForm):
    class Meta:
        model = CitizenProfile
        fields = ("full_name", "domicile", "phone")


@admin.register(CitizenProfile)
class CitizenProfileAdmin(AuditedModelAdmin):
    """The NIK is encrypted and shown masked; unmasking goes through `nik_reveal`, which is audited."""

    form = CitizenProfileForm
    list_display = ("full_name", "masked_nik", "domicile", "user")
    search_fields = ("full_name", "user__email", "user__phone")
    list_select_related = ("user", "domicile")
    raw_id_fields = ("domicile",)
    readonly_fields = ("user", "masked_nik", "birth_date", "sex", "created_at", "updated_at")
    fields = (
        "user",
        "masked_nik",
        "full_name",
        "birth_date",
        "sex",
        "domicile",
        "phone",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: CitizenProfile) -> str:
        return obj.nik_masked

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # citizens register themselves (or through `citizen_register`), which checks the NIK


@admin.register(BusinessProfile)
class BusinessProfileAdmin(AuditedModelAdmin):
    list_display = ("business_name", "nib", "desa", "user")
    search_fields = ("business_name", "nib", "user__email")
    list_select_related = ("user", "desa")
    raw_id_fields = ("user", "desa")
