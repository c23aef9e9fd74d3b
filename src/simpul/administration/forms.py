"""Forms of the administration screens: they parse input; the services decide (roles, offices, villages)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from simpul.accounts.forms import DesaField, desa_choices
from simpul.accounts.models import STAFF_ROLES, Role
from simpul.agencies.models import Agency, AgencyKind
from simpul.regions.models import Region, RegionLevel

# The staff roles in the order an admin most often needs them (officers first).
ROLE_ORDER = (Role.OFFICER, Role.AGENCY_HEAD, Role.VILLAGE_OPERATOR, Role.PLATFORM_ADMIN, Role.EVALUATOR,
              Role.DATA_STEWARD)


def staff_role_choices() -> list[tuple[str, Any]]:
    labels = dict(Role.choices)
    return [(role.value, labels[role.value]) for role in ROLE_ORDER if role in STAFF_ROLES]


class OfficeChoiceField(forms.ModelChoiceField):
    """An office by its full name (active offices only), sorted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Agency.objects.filter(is_active=True).order_by("name"))
        kwargs.setdefault("to_field_name", "code")
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class StaffForm(forms.Form):
    """One screen for a staff member: name, e-mail, office, role, and the village for a village operator."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), help_text=_("The invitation is sent to this address."))
    role = forms.ChoiceField(label=_("Role"), choices=staff_role_choices)
    agency = OfficeChoiceField(
        label=_("Office"), required=False, empty_label=_("(no office)"),
        help_text=_("Required for officers, heads and platform admins."),
    )
    village = DesaField(
        label=_("Village (village operators only)"), required=False,
        help_text=_("Required exactly when the role is village operator; leave it empty for every other role."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the e-mail address is the login: it is not changed here
            del self.fields["email"]
        village = cast(forms.ChoiceField, self.fields["village"])
        village.choices = [("", _("(no village)")), *desa_choices()[1:]]


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the audit trail)"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class OfficeForm(forms.Form):
    """An office (OPD) or one of its units: a unit has a parent office."""

    code = forms.SlugField(label=_("Code"), max_length=60,
                           help_text=_("A short fixed name other systems use, such as disdukcapil. It never changes."))
    name = forms.CharField(label=_("Full name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Part of (for a unit)"), required=False, queryset=Agency.objects.order_by("name"),
        to_field_name="code", empty_label=_("(not part of another office)"),
    )
    region = forms.ModelChoiceField(
        label=_("Area"), required=False,
        queryset=Region.objects.filter(level__in=[RegionLevel.KABUPATEN, RegionLevel.KECAMATAN]).order_by("code"),
        to_field_name="code", empty_label=_("(none)"),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    handles_complaints = forms.BooleanField(label=_("Handles complaints about staff of other offices"),
                                            required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].label_from_instance = lambda obj: obj.name  # type: ignore[attr-defined]
        self.fields["region"].label_from_instance = lambda obj: obj.name  # type: ignore[attr-defined]
        if editing is not None:
            del self.fields["code"]
            self.fields["parent"].queryset = Agency.objects.exclude(pk=editing.pk).order_by("name")  # type: ignore[attr-defined]
