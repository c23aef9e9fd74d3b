"""Perangkat daerah (OPD), their units, and who works in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from simpul.core.models import TimeStampedModel
from simpul.core.text import NameField


class AgencyKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", _("Secretariat")
    DINAS = "dinas", _("Agency (dinas)")
    BADAN = "badan", _("Board (badan)")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    SATPOL = "satpol", _("Public order unit (Satpol PP)")
    KECAMATAN = "kecamatan", _("District office (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village office (kelurahan)")
    RUMAH_SAKIT = "rumah_sakit", _("Hospital")
    UNIT = "unit", pgettext_lazy("organisational unit", "Unit")
    OTHER = "other", _("Other")


class Agency(TimeStampedModel):
    """One perangkat daerah (OPD) or one of its units."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = NameField(_("name"), max_length=200)
    short_name = NameField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DINAS)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="units", verbose_name=_("parent")
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="agencies",
        verbose_name=_("region"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    handles_complaints = models.BooleanField(
        _("complaint-handling unit"), default=False,
        help_text=_("Receives complaints about the staff of other offices (bribery, illegal levies, "
                    "maladministration) and is the only office that may see a confidential reporter's identity. "
                    "In Musi Banyuasin: Inspektorat."),
    )
    handles_cases = models.BooleanField(
        _("handles cases"), default=True,
        help_text=_("Receives applications and complaints, so cases may be forwarded to it. Off for sites that "
                    "are not offices serving the public (the official residences of Table 1)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.short_name or self.name


class MembershipRole(models.TextChoices):
    OFFICER = "officer", _("Officer")
    HEAD = "head", _("Head")
    ADMIN = "admin", _("Agency admin")


class Membership(TimeStampedModel):
    """Ties a staff user to an agency with a role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.OFFICER)
    is_active = models.BooleanField(_("active"), default=True)
    manages_services = models.BooleanField(
        _("manages the office's services"), default=False,
        help_text=_("May create and change this office's services, their forms and documents, in the service "
                    "designer, and publish them."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="agencies_membership_user_agency_uniq")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.role})"
