"""Issued documents (decision letters), who may sign them, each office's letterhead, the numbering pattern and the
gap-free counters behind it, and the per-service letter templates. All of it data an administrator edits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from simpul.core.models import TimeStampedModel

DEFAULT_PATTERN = "{klasifikasi}/{nomor}/{kode_unit}/{tahun}"


class Letterhead(TimeStampedModel):
    """The kop surat of one office: what the top of its letters says, and its unit code in letter numbers."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.CASCADE, related_name="letterhead",
                                  verbose_name=_("agency"))
    government = models.CharField(_("government line"), max_length=200,
                                  help_text=_("For example: PEMERINTAH KABUPATEN MUSI BANYUASIN"))
    office_name = models.CharField(_("office name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contacts = models.CharField(_("contacts"), max_length=300, blank=True,
                                help_text=_("Telephone, e-mail and website, as printed under the address."))
    place = models.CharField(_("place of signing"), max_length=80, help_text=_("For example: Sekayu"))
    unit_code = models.CharField(_("unit code"), max_length=40,
                                 help_text=_("The office's code in letter numbers, for example DISDUKCAPIL."))
    logo = models.FileField(_("logo"), upload_to="letterheads/", blank=True,
                            help_text=_("PNG or SVG, printed at the left of the letterhead."))

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self) -> str:
        return self.office_name


class NumberPattern(TimeStampedModel):
    """How letter numbers are written: the kabupaten's pattern (no agency) or one office's own. Placeholders:
    {klasifikasi} (archive classification code), {nomor} (the office's running number in the year),
    {kode_unit} (the letterhead's unit code), {tahun} (the year)."""

    agency = models.OneToOneField("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="number_pattern", verbose_name=_("agency"))
    pattern = models.CharField(_("pattern"), max_length=120, default=DEFAULT_PATTERN)
    default_classification = models.CharField(
        _("default classification code"), max_length=30,
        help_text=_("The archive classification code of letters whose service sets none."))

    class Meta:
        verbose_name = _("number pattern")
        verbose_name_plural = _("number patterns")

    def __str__(self) -> str:
        return self.pattern


class NumberCounter(models.Model):
    """The last number an office gave in a year; locked (select_for_update) by the transaction that issues."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="documents_counter_agency_year")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class Delegation(models.TextChoices):
    NONE = "", _("Signs in their own name")
    AN = "an", _("a.n. (on behalf of the head)")
    UB = "ub", _("u.b. (by order, under an a.n.)")


class Signer(TimeStampedModel):
    """A penandatangan: a person who may sign an office's letters, with NIP and jabatan. A delegated signer
    signs a.n. (atas nama) the head, or u.b. (untuk beliau) under a signer who signs a.n.; the letter shows it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signer_roles",
                             verbose_name=_("person"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="signers",
                               verbose_name=_("agency"))
    nip = models.CharField(_("NIP"), max_length=18, help_text=_("The 18-digit civil servant number."))
    jabatan = models.CharField(_("position (jabatan)"), max_length=200)
    nik = models.CharField(_("NIK of the certificate holder"), max_length=16, blank=True,
                           help_text=_("Only for certified signatures (BSrE): the NIK the BSrE certificate is issued to."))
    delegation = models.CharField(_("delegation"), max_length=2, choices=Delegation.choices, blank=True, default="")
    on_behalf_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("on behalf of"))
    is_default = models.BooleanField(_("signs the office's decisions"), default=False,
                                     help_text=_("Signs the decisions of officers who are not signers themselves."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="documents_signer_user_agency")]

    def __str__(self) -> str:
        return f"{self.user} ({self.jabatan})"


class LetterTemplate(TimeStampedModel):
    """The decision letter of one service: subject, body with named placeholders ({nama}, {layanan},
    {nomor_registrasi}, {tanggal_pengajuan}, {kantor}, {catatan}), tembusan, and its archive metadata."""

    service = models.OneToOneField("catalog.Service", on_delete=models.CASCADE, related_name="letter_template",
                                   verbose_name=_("service"))
    subject = models.CharField(_("subject (perihal)"), max_length=200)
    body = models.TextField(_("body"))
    tembusan = models.TextField(_("copies to (tembusan)"), blank=True, help_text=_("One recipient per line."))
    classification_code = models.CharField(_("classification code"), max_length=30, blank=True)
    security = models.CharField(_("security classification"), max_length=30, default="Biasa")
    retention = models.CharField(_("retention"), max_length=120, blank=True,
                                 help_text=_("From the retention schedule (JRA), for example: 5 tahun aktif, "
                                             "5 tahun inaktif, permanen."))

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return self.subject


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("Decision letter")
    RECEIPT = "receipt", _("Receipt")
    CERTIFICATE = "certificate", _("Certificate")


# The file name a holder's download gets, by kind ("surat-keputusan-K7Q2….pdf").
FILE_PREFIXES: dict[str, str] = {DocumentKind.DECISION: "surat-keputusan", DocumentKind.RECEIPT: "tanda-terima",
                 DocumentKind.CERTIFICATE: "sertifikat"}


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class Document(models.Model):
    """One issued, signed document: a case's decision letter or signed receipt, or a certificate (of an event's
    attendance, say: no case). Its bytes are kept in the row (written in the issuing transaction: nothing is
    half-issued); what the verification page shows is kept as issued, not read again from other tables."""

    code = models.CharField(_("verification code"), max_length=16, unique=True)
    number = models.CharField(_("number"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.DECISION)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="issued_documents")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="documents")
    holder_initials = models.CharField(_("holder"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=200)
    signer_name = models.CharField(_("signer"), max_length=200)
    signer_jabatan = models.CharField(_("signer's position"), max_length=300)
    backend = models.CharField(_("signed with"), max_length=20)
    certified = models.BooleanField(_("certified electronic signature"), default=False)
    classification_code = models.CharField(_("classification code"), max_length=30)
    security = models.CharField(_("security classification"), max_length=30)
    retention = models.CharField(_("retention"), max_length=120, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    note = models.TextField(_("note on the document"), blank=True,
                            help_text=_("The officer's note printed in a decision letter (kept to issue it again)."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    content = models.BinaryField(_("PDF"))
    size = models.PositiveIntegerField(_("size"))
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices,
                              default=DocumentStatus.VALID)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # a case has one valid receipt: a second download never issues a second one
            models.UniqueConstraint(fields=["case"], condition=models.Q(kind="receipt", status="valid"),
                                    name="documents_one_valid_receipt_per_case"),
        ]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self) -> str:
        return self.number

    @property
    def file_name(self) -> str:
        return f"{FILE_PREFIXES.get(self.kind, 'dokumen')}-{self.code.lower()}.pdf"
