"""Cases: every submission (application, permit, complaint, information request), its history, documents and
dispositions between agencies. Writes go through the services (`services`: submission and drafts; `actions`;
`privacy`); reads through `selectors`."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.cases.constants import (
    ACTOR_LEGACY_LABELS,
    ACTOR_WORDS,
    CLOSED_STATUSES,
    CaseAction,
    CaseKind,
    CaseStatus,
    Channel,
    DispositionStatus,
    IdentityProtection,
    WorkflowCode,
)
from simpul.cases.wording import CaseWording, case_wording
from simpul.core.text import NameField


class Case(models.Model):
    """One submission. `agency` is the agency responsible now (it changes when a disposition is accepted).

    The applicant's NIK is stored encrypted (`nik_encrypted`) with a keyed hash (`nik_hash`) for look-up; the
    PIN only as a keyed hash (see `simpul.cases.reference_numbers`). `identity` says whether the reporter of a
    complaint is confidential or anonymous (`simpul.cases.permissions` masks them).
    """

    reference = models.CharField(_("reference number"), max_length=32, unique=True)
    pin_hash = models.CharField(_("PIN hash"), max_length=64)
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="cases", verbose_name=_("service version")
    )
    service_code = models.CharField(_("service code"), max_length=80, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices, default=CaseKind.APPLICATION)
    workflow = models.CharField(
        _("workflow"), max_length=40, choices=WorkflowCode.choices, default=WorkflowCode.APPLICATION
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="cases", verbose_name=_("responsible agency")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
        verbose_name=_("applicant account"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="submitted_cases",
        verbose_name=_("submitted by (operator)"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    applicant_name = NameField(_("applicant name"), max_length=200, blank=True)
    nik_encrypted = models.TextField(_("NIK (encrypted)"), blank=True)
    nik_hash = models.CharField(_("NIK look-up hash"), max_length=64, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    identity = models.CharField(
        _("reporter identity"), max_length=20, choices=IdentityProtection.choices, default=IdentityProtection.OPEN,
        help_text=_("Decided at submission; what each office may see is decided by simpul.cases.permissions."),
    )
    desa = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    kecamatan_code = models.CharField(_("kecamatan code"), max_length=13, blank=True, db_index=True)
    # Where it is (WGS 84 decimal degrees), when the door had a point (Open311's lat/long). A case located by its
    # point alone has no village until the office sets it (`simpul.cases.actions.case_set_desa`).
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    business_nib = models.CharField(_("business NIB"), max_length=20, blank=True)
    form_data = models.JSONField(_("answers"), default=dict, blank=True)
    consent = models.JSONField(_("consent"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=CaseStatus.choices, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    due_date = models.DateField(_("due date"))
    sla_paused_days = models.PositiveIntegerField(_("working days paused"), default=0)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    extended = models.BooleanField(_("time extended"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    revision_round = models.PositiveIntegerField(_("revision round"), default=0)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    idempotency_scope = models.CharField(_("idempotency scope"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True)
    # SHA-256 of the payload (`simpul.cases.intake.submission_fingerprint`): the same key with another payload is refused.
    idempotency_fingerprint = models.CharField(_("idempotency fingerprint"), max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The worklist at a million cases (docs/operations.md, "Worklist at scale"): open cases by due date per
        # agency, across agencies (when pending dispositions join an agency's own cases) and per officer
        # ("assigned to me"); every case by submission time per agency and across agencies; the filter by service
        # and status. The reference-fragment search has a trigram index made by migration 0002 (PostgreSQL only).
        indexes = [
            models.Index(fields=["agency", "status", "due_date"], name="cases_worklist_idx"),
            models.Index(fields=["agency", "due_date", "id"], name="cases_open_agency_due_idx",
                         condition=~models.Q(status__in=sorted(CLOSED_STATUSES))),
            models.Index(fields=["due_date", "id"], name="cases_open_due_idx",
                         condition=~models.Q(status__in=sorted(CLOSED_STATUSES))),
            models.Index(fields=["assigned_to", "due_date", "id"], name="cases_open_assigned_due_idx",
                         condition=~models.Q(status__in=sorted(CLOSED_STATUSES))),
            models.Index(fields=["agency", "submitted_at", "id"], name="cases_agency_submitted_idx"),
            models.Index(fields=["submitted_at", "id"], name="cases_submitted_idx"),
            models.Index(fields=["service_code", "status", "due_date", "id"], name="cases_service_status_due_idx"),
            models.Index(fields=["agency", "updated_at"], name="cases_agency_updated_idx"),
            models.Index(fields=["applicant", "submitted_at"], name="cases_applicant_idx"),
            models.Index(fields=["submitted_by", "submitted_at"], name="cases_operator_idx"),
            models.Index(fields=["status", "closed_at"], name="cases_closed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"], name="cases_case_idempotency_uniq",
                condition=models.Q(idempotency_key__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def wording(self) -> CaseWording:
        """What this case is called on screens, receipts and messages (a complaint is a complaint)."""
        return case_wording(self)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def identity_protected(self) -> bool:
        return self.identity != IdentityProtection.OPEN

    @property
    def is_overdue(self) -> bool:
        return not self.is_closed and self.paused_since is None and self.due_date < timezone.localdate()


class CaseEvent(models.Model):
    """One entry of a case's append-only history (never updated or deleted by the application)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=30, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, blank=True)
    public_note = models.TextField(_("message to the applicant"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    visible_to_applicant = models.BooleanField(_("visible to the applicant"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"

    @property
    def to_status_label(self) -> str:
        try:
            return str(CaseStatus(self.to_status).label)
        except ValueError:
            return self.to_status

    @property
    def actor_display(self) -> str:
        """Who did it, in the reader's language: Simpul's own words ("Applicant (with PIN)") are interface words,
        translated when shown; a person's or an API client's name as stored."""
        code = ACTOR_LEGACY_LABELS.get(self.actor_label, self.actor_label)
        return str(ACTOR_WORDS[code]) if code in ACTOR_WORDS else self.actor_label

    @property
    def action_label(self) -> str:
        """The action in the reader's words ("Start verification"), never its code ("verify")."""
        try:
            return str(CaseAction(self.action).label)
        except ValueError:
            return self.action


def _random_name() -> str:
    return secrets.token_hex(16)


class CaseDocument(models.Model):
    """A checked, stored document of a case. `round` counts revisions: a resubmission adds new rows and keeps
    the earlier ones visible in the history. The file lives under a random name in the default storage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    spec_code = models.CharField(_("document"), max_length=60)
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(_("stored as"), max_length=300, unique=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    round = models.PositiveIntegerField(_("round"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    is_result = models.BooleanField(_("result document"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "round", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return f"{self.spec_code}: {self.original_name}"


class Disposition(models.Model):
    """Forwarding a case to another agency (G2G inside Simpul); the receiving agency accepts or returns it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="dispositions")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="incoming_dispositions")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=DispositionStatus.choices, default=DispositionStatus.PENDING,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        indexes = [models.Index(fields=["to_agency", "status"], name="cases_disposition_to_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_agency_id}→{self.to_agency_id} ({self.status})"


class Draft(models.Model):
    """An application in progress: answers and uploaded documents kept between pages, resumable by token.

    Answers are stored like a case's form data (`simpul.cases.answers.answers_protect`: NIK and KK numbers
    encrypted). A draft lives until its case is created (`draft_submit` deletes it in the same transaction) or
    until `drafts_purge` removes it after `settings.DRAFT_RETENTION_DAYS` untouched.
    """

    token = models.CharField(_("resume token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    service_version = models.ForeignKey("catalog.ServiceVersion", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="case_drafts"
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    documents = models.JSONField(_("documents"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    # No longer set: a sent draft is deleted. The column stays one release for a rolling upgrade (the version
    # before still writes it) and is dropped in the next (docs/operations.md, "Upgrading between versions").
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.service_version_id}"
