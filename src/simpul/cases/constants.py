"""Choices shared by the cases app: statuses, actions, kinds, workflow codes, actor roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    # standard application and information request
    DIAJUKAN = "diajukan", _("Submitted")
    VERIFIKASI = "verifikasi", _("Being verified")
    PERLU_PERBAIKAN = "perlu_perbaikan", _("Needs correction by the applicant")
    DIPROSES = "diproses", _("Being processed")
    DIPERPANJANG = "diperpanjang", _("Time extended")
    SELESAI = "selesai", _("Completed")
    DITOLAK = "ditolak", _("Rejected")
    DIBATALKAN = "dibatalkan", _("Withdrawn")
    DIDISPOSISI = "didisposisi", _("Forwarded to another agency")
    # complaint (LAPOR!)
    DITERIMA = "diterima", _("Received")
    TERVERIFIKASI = "terverifikasi", _("Verified")
    DITINDAKLANJUTI = "ditindaklanjuti", _("Being followed up")
    DITUNDA = "ditunda", _("On hold")
    DIALIHKAN = "dialihkan", _("Not our authority (redirected)")


CLOSED_STATUSES = frozenset(
    {CaseStatus.SELESAI, CaseStatus.DITOLAK, CaseStatus.DIBATALKAN, CaseStatus.DIALIHKAN}
)


class CaseAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    VERIFY = "verify", _("Start verification")
    REQUEST_REVISION = "request_revision", _("Ask the applicant for a correction")
    RESUBMIT = "resubmit", _("Send the correction")
    PROCESS = "process", _("Start processing")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    WITHDRAW = "withdraw", _("Withdraw")
    FORWARD = "forward", _("Forward to another agency")
    ACCEPT_DISPOSITION = "accept_disposition", _("Accept the forwarded case")
    RETURN_DISPOSITION = "return_disposition", _("Return the forwarded case")
    FOLLOW_UP = "follow_up", _("Follow up")
    RESOLVE = "resolve", _("Resolve")
    POSTPONE = "postpone", _("Put on hold")
    RESUME = "resume", _("Resume")
    REDIRECT = "redirect", _("Not our authority")
    TO_COMPLAINT_UNIT = "to_complaint_unit", _("Send to the complaint-handling unit")
    EXTEND = "extend", _("Extend the time limit")
    ASSIGN = "assign", _("Assign")
    SET_DESA = "set_desa", _("Set the village")
    ATTACH_CONSENT = "attach_consent", _("Attach the signed consent form")
    NOTE = "note", _("Note")


class CaseKind(models.TextChoices):
    APPLICATION = "permohonan", _("Service application")
    PERMIT = "perizinan", _("Permit")
    COMPLAINT = "pengaduan", _("Complaint")
    INFORMATION_REQUEST = "informasi", _("Public information request")


class WorkflowCode(models.TextChoices):
    APPLICATION = "application", _("Standard application")
    COMPLAINT = "complaint", _("Complaint (LAPOR!)")
    INFORMATION_REQUEST = "information_request", _("Public information request")


class ActorRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    OFFICER = "officer", _("Officer of the responsible agency")
    HEAD = "head", _("Head of the responsible agency")
    RECEIVER = "receiver", _("Officer of the receiving agency")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    OPERATOR = "operator", _("Village operator")
    API = "api", _("API")


class DispositionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving agency")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class IdentityProtection(models.TextChoices):
    """How a reporter's identity is protected (SP4N-LAPOR!), decided once at submission.

    - open: the offices handling the case see who reported it.
    - confidential (rahasia): never shown publicly; name, phone, email and NIK are masked for every office, and
      only the complaint-handling unit may reveal them (each reveal is audited).
    - anonymous (anonim): no name, phone, email or NIK is kept; the case is followed by reference and PIN alone.
    """

    OPEN = "open", _("Identity visible to the handling office")
    CONFIDENTIAL = "confidential", _("Confidential: identity hidden from the office complained about")
    ANONYMOUS = "anonymous", _("Anonymous: no identity kept")


class NoteAudience(models.TextChoices):
    """Who reads the note written with a workflow action."""

    APPLICANT = "applicant", _("The applicant")
    INTERNAL = "internal", _("Staff only")


# Declared complaint-form fields that decide identity protection and routing (see `cases.intake.submit`).
ANONYMOUS_FIELD = "anonymous"
CONFIDENTIAL_FIELD = "confidential"
# A choice of a complaint form marked `to_complaint_unit: true` (e.g. "pungli", "maladministrasi") sends the
# complaint to the complaint-handling unit first.
COMPLAINT_UNIT_CHOICE_FLAG = "to_complaint_unit"

# The document code of the photo of the consent form a citizen signed at the village hall (a case document
# like the others, `simpul.cases.consent`). A hyphen no service's document code may have, so it never collides.
CONSENT_DOCUMENT = "consent-form"
# What the signed consent form may be: a photo or a scan.
CONSENT_TYPES = ("jpg", "png", "pdf")


# Who did a step of a case's history when it is not a named person or client: stored as a code, shown in the
# reader's language (`CaseEvent.actor_display`). The Indonesian and English words that cases stored before the
# code are read as the code too.
APPLICANT_WITH_PIN = "applicant-pin"
ACTOR_WORDS = {APPLICANT_WITH_PIN: _("Applicant (with PIN)")}
ACTOR_LEGACY_LABELS = {"Pemohon (dengan PIN)": APPLICANT_WITH_PIN, "Applicant (with PIN)": APPLICANT_WITH_PIN}
