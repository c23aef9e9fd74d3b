"""The service catalog: what can be applied for, by whom, with which form, documents, fee, SLA and workflow.

A `Service` is the stable identity (its `code` appears in URLs and the API). Everything a citizen sees lives
on a `ServiceVersion`. A published version is immutable: a case keeps the version it was submitted under, and
editing a service means drafting a new version (`simpul.catalog.services.service_version_draft_from`) and
publishing it, which retires the previous one.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from simpul.catalog.forms_engine import definition_errors, localized
from simpul.core.models import TimeStampedModel


class ServiceKind(models.TextChoices):
    PERMOHONAN = "permohonan", _("Service application")
    PERIZINAN = "perizinan", _("Permit")
    PENGADUAN = "pengaduan", _("Complaint")
    INFORMASI = "informasi", _("Public information request")


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    BUSINESS = "business", _("Businesses")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Workflow(models.TextChoices):
    """Which transition table of `simpul.cases` a case of this service follows."""

    APPLICATION = "application", _("Application")
    COMPLAINT = "complaint", _("Complaint")
    INFORMATION_REQUEST = "information_request", _("Public information request")


def normalize_search(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "KTP-el Perizínan" → "ktp el perizinan"."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in stripped.casefold())
    return " ".join(cleaned.split())


class Service(TimeStampedModel):
    """The stable identity of a service; its content is in versions, the citizen sees `current_version`."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    current_version = models.ForeignKey(
        "catalog.ServiceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("current published version"),
    )
    keywords = models.TextField(
        _("search words"), blank=True,
        help_text=_("Words people type when they look for this service, separated by commas (for example: KK "
                    "hilang, cetak ulang KK). The catalogue search finds the service by them; nobody sees them."),
    )
    signs_receipt = models.BooleanField(
        _("signed receipts"), default=False,
        help_text=_("The applicant's receipt is issued as a signed document anyone can verify (without the PIN)."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.code

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


# Fields of a version that are frozen once it is published.
CONTENT_FIELDS = (
    "name_id", "name_en", "description_id", "description_en", "kind", "audience", "agency_id", "legal_basis",
    "fee_rupiah", "fee_note_id", "fee_note_en", "sla_working_days", "sla_extension_days", "documents", "form",
    "workflow", "complaint_category", "routing_agency_id", "retention_days", "requires_account", "number",
    "service_id",
)


class ServiceVersion(TimeStampedModel):
    """One version of a service: form, documents, fee, SLA, legal basis, responsible OPD and workflow.

    `documents` is a list of `{"code", "label_id", "label_en", "required", "types", "max_bytes", "hint_id",
    "hint_en", "show_if"}`; `form` is `{"pages": [{"key", "title_id", "title_en", "fields": [...]}]}` as read
    by `simpul.catalog.forms_engine`. Numbers from regulations (fee, SLA, retention) are data here.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions", verbose_name=_("service"))
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(
        _("status"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices, default=ServiceKind.PERMOHONAN)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.CITIZEN)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="service_versions",
        verbose_name=_("responsible agency"),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fee_rupiah = models.PositiveBigIntegerField(_("fee (rupiah)"), default=0, help_text=_("0 means free."))
    fee_note_id = models.TextField(_("fee note (Indonesian)"), blank=True)
    fee_note_en = models.TextField(_("fee note (English)"), blank=True)
    sla_working_days = models.PositiveIntegerField(_("service time (working days)"), default=5)
    sla_extension_days = models.PositiveIntegerField(_("possible extension (working days)"), default=0)
    documents = models.JSONField(_("documents"), default=list, blank=True)
    form = models.JSONField(_("form"), default=dict, blank=True)
    workflow = models.CharField(_("workflow"), max_length=40, choices=Workflow.choices, default=Workflow.APPLICATION)
    complaint_category = models.CharField(_("complaint category"), max_length=60, blank=True)
    routing_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="routed_service_versions",
        verbose_name=_("agency complaints are routed to"),
    )
    retention_days = models.PositiveIntegerField(
        _("retention (days)"), default=365 * 5,
        help_text=_("Documents are deleted and personal data anonymised this many days after a case is closed."),
    )
    requires_account = models.BooleanField(_("requires an account"), default=False)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_title = models.CharField(_("search title"), max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["service__code", "-number"]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="catalog_version_service_number_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number} ({self.get_status_display()})"

    # Localised accessors -------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def fee_note(self) -> str:
        return localized(self, "fee_note")

    @property
    def is_free(self) -> bool:
        return self.fee_rupiah == 0

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def pages(self) -> list[dict[str, Any]]:
        return list((self.form or {}).get("pages") or [])

    @staticmethod
    def label(item: dict[str, Any], key: str = "label") -> str:
        """Localised label (or `hint`, `title`...) of a declared field, page, choice or document."""
        return localized(item, key)

    def build_search_text(self) -> str:
        """What the catalogue search reads: the code, names and descriptions in both languages, the kind, the
        complaint category, the agency and the service's search words, normalised (`normalize_search`)."""
        agency = self.agency if self.agency_id else None
        parts = [
            self.service.code if self.service_id else "", self.name_id, self.name_en, self.description_id,
            self.description_en, ServiceKind(self.kind).label if self.kind in ServiceKind.values else self.kind,
            self.kind, self.complaint_category,
        ]
        # Both languages of the kind label, whatever language is active while saving.
        from django.utils import translation

        for lang in ("id", "en"):
            with translation.override(lang):
                if self.kind in ServiceKind.values:
                    parts.append(str(ServiceKind(self.kind).label))
        if agency is not None:
            parts += [agency.code, agency.name, agency.short_name]
        if self.service_id:
            parts.append(self.service.keywords)
        return normalize_search(" ".join(str(p) for p in parts if p))

    def build_search_title(self) -> str:
        return normalize_search(
            " ".join([self.service.code if self.service_id else "", self.name_id, self.name_en])
        )[:500]

    def check_mutable(self) -> None:
        """Refuse a change to the content of a version that is no longer a draft (status may still move on)."""
        if not self.pk:
            return
        stored = type(self).objects.filter(pk=self.pk).values(*CONTENT_FIELDS, "status").first()
        if stored and stored["status"] != VersionStatus.DRAFT:
            changed = [f for f in CONTENT_FIELDS if stored[f] != getattr(self, f)]
            if changed:
                raise ValidationError(
                    _("A published or retired version cannot be changed; draft a new version instead."),
                    code="immutable",
                )

    def clean(self) -> None:
        super().clean()
        self.check_mutable()
        if self.kind == ServiceKind.PENGADUAN and self.workflow != Workflow.COMPLAINT:
            raise ValidationError({"workflow": _("A complaint service must follow the complaint workflow.")})
        errors = definition_errors(form=self.form, documents=self.documents)
        if errors:
            raise ValidationError({"form": errors})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("force_insert"):
            self.check_mutable()
        self.search_text = self.build_search_text()
        self.search_title = self.build_search_title()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = sorted({*update_fields, "search_text", "search_title"})
        super().save(*args, **kwargs)
