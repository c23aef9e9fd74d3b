"""Open datasets with Satu Data Indonesia metadata (Perpres 39/2019) and their downloadable distributions.

A `Dataset` carries the metadata a regional walidata must keep: producer OPD (produsen data), walidata,
reference codes used (Kemendagri wilayah, KBLI), update frequency, coverage, license, and the statistical
metadata of Peraturan BPS 5/2020: MS-Keg (the activity), MS-Var (each variable with its definition) and
MS-Ind (indicators). `generator` names the function in `simpul.opendata.generators` that rebuilds a
generated dataset; uploaded datasets have none. Every dataset is held as one table (`columns` + rows in its
JSON distribution) and offered as CSV, XLSX and JSON (`Distribution`, content kept in the database: regional
open data is small, and it keeps backups and replicas whole).

Publishing has two people (`simpul.opendata.drafts`, `simpul.opendata.permissions`): a walidata prepares a
`DatasetDraft` (a new dataset, or a change of a published one: its metadata, a new file, or both); its file is
kept in the draft from the moment it is chosen. Another walidata, or a platform admin, who did not prepare it,
reviews and publishes it. Every file a dataset has published is a `DatasetVersion` (its table as CSV, who
prepared and who published it), so a replaced file stays downloadable. A withdrawn dataset keeps its row and
page, which says that and why.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from simpul.core.models import TimeStampedModel


class Theme(models.TextChoices):
    GOVERNMENT = "pemerintahan", _("Government and public services")
    POPULATION = "kependudukan", _("Population")
    INFRASTRUCTURE = "infrastruktur", _("Infrastructure")
    ICT = "tik", _("Information and communication technology")
    ECONOMY = "ekonomi", _("Economy")
    HEALTH = "kesehatan", pgettext_lazy("data theme", "Health")
    EDUCATION = "pendidikan", _("Education")
    ENVIRONMENT = "lingkungan", _("Environment")
    OTHER = "lainnya", _("Other")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class License(models.TextChoices):
    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
    CC_BY_SA_4 = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
    CC0 = "CC0-1.0", _("Creative Commons Zero (public domain)")
    ODBL = "ODbL-1.0", _("Open Data Commons Open Database License")


class ReferenceCode(models.TextChoices):
    WILAYAH = "kemendagri-wilayah", _("Kemendagri region codes")
    KBLI = "kbli-2020", _("KBLI 2020 business classification")
    SIMPUL_SERVICE = "simpul-layanan", _("Simpul service codes")
    SIMPUL_AGENCY = "simpul-opd", _("Simpul agency (OPD) codes")


class VariableType(models.TextChoices):
    """The kinds of values a column holds (MS-Var; the CSVW datatypes of the catalogue)."""

    STRING = "string", _("Text or code")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes or no")


# MS-Keg (Peraturan BPS 5/2020) as stored (generated datasets and the walidata's form), in the order shown.
ACTIVITY_LABELS = {
    "judul": _("Name of the activity"),
    "penyelenggara": _("Organiser"),
    "jenis_statistik": _("Type of statistics"),
    "cara_pengumpulan": _("How the data was collected"),
    "tujuan": pgettext_lazy("statistical activity", "Purpose"),
    "cakupan": pgettext_lazy("statistical activity", "Coverage"),
}


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


MEDIA_TYPES = {
    Format.CSV: "text/csv",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.JSON: "application/json",
}


class Dataset(TimeStampedModel):
    slug = models.SlugField(_("identifier"), max_length=100, unique=True)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    producer = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="datasets", verbose_name=_("producer (OPD)")
    )
    walidata = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("walidata (data steward)"),
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices, default=Theme.GOVERNMENT)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    license = models.CharField(_("license"), max_length=30, choices=License.choices, default=License.CC_BY_4)
    update_frequency = models.CharField(
        _("update frequency"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    temporal_start = models.DateField(_("period from"), null=True, blank=True)
    temporal_end = models.DateField(_("period to"), null=True, blank=True)
    spatial_code = models.CharField(_("area code (Kemendagri)"), max_length=13, blank=True)
    spatial_label = models.CharField(_("area"), max_length=200, blank=True)
    reference_codes = models.JSONField(_("reference codes used"), default=list, blank=True)
    ms_keg = models.JSONField(_("MS-Keg: statistical activity"), default=dict, blank=True)
    ms_var = models.JSONField(_("MS-Var: variables"), default=list, blank=True)
    ms_ind = models.JSONField(_("MS-Ind: indicators"), default=list, blank=True)
    suppression_rule = models.TextField(_("small-count rule"), blank=True)
    generator = models.CharField(_("generated by"), max_length=60, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    preview = models.JSONField(_("preview rows"), default=list, blank=True)
    last_refreshed = models.DateTimeField(_("last refreshed"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    version = models.PositiveIntegerField(_("version of the file"), default=0)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("withdrawn by"),
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        ordering = ["title_id"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.slug

    @property
    def is_generated(self) -> bool:
        return bool(self.generator)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def title(self) -> str:
        return (self.title_en if (get_language() or "id").startswith("en") and self.title_en else self.title_id)

    @property
    def description(self) -> str:
        english = (get_language() or "id").startswith("en") and self.description_en
        return self.description_en if english else self.description_id


class Distribution(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    content = models.BinaryField(_("content"))
    is_uploaded = models.BooleanField(_("uploaded file"), default=False)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    byte_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    checksum_sha256 = models.CharField(_("SHA-256"), max_length=64)
    modified = models.DateTimeField(_("modified"))

    class Meta:
        ordering = ["dataset", "format"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "format"], name="opendata_distribution_format_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug}.{self.format}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.format, "application/octet-stream")

    @property
    def filename(self) -> str:
        return f"{self.dataset.slug}.{self.format}"


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Waiting for review")
    RETURNED = "returned", _("Sent back for changes")


class DatasetDraft(TimeStampedModel):
    """A dataset, or a change of a published one, that a walidata prepares and another person publishes.

    `token` names it in its pages' addresses (as a citizen's application draft). The chosen file is kept here
    (`file_*`, read once: `columns`, `row_count`, `preview`) from the moment it is chosen, so no later mistake
    in the form loses it. `metadata` holds the dataset's fields as a form gives them (the producer as its id,
    dates as ISO text); `ms_var` one entry per column of the file (or of the published table when no new file
    was chosen). `dataset` is the published dataset a change is for (none for a new one).
    """

    token = models.CharField(_("draft token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts",
                                verbose_name=_("dataset changed"))
    status = models.CharField(_("status"), max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    slug = models.SlugField(_("identifier"), max_length=100, blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    ms_var = models.JSONField(_("MS-Var: variables"), default=list, blank=True)
    ms_ind = models.JSONField(_("MS-Ind: indicators"), default=list, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_content = models.BinaryField(_("file"), null=True, blank=True)
    file_format = models.CharField(_("file format"), max_length=10, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    preview = models.JSONField(_("preview rows"), default=list, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("prepared by"))
    submitted_at = models.DateTimeField(_("sent for review at"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("dataset draft")
        verbose_name_plural = _("dataset drafts")

    def __str__(self) -> str:
        return self.slug or self.file_name or f"draft {self.pk}"

    @property
    def has_file(self) -> bool:
        return bool(self.file_sha256)

    @property
    def title(self) -> str:
        return str(self.metadata.get("title_id") or (self.dataset.title_id if self.dataset else "") or self)


class DatasetVersion(models.Model):
    """One file a dataset has published: its table as CSV, who prepared and who published it, and when it was
    replaced by the next one (empty for the current one)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    upload_sha256 = models.CharField(_("SHA-256 of the file as uploaded"), max_length=64)
    content = models.BinaryField(_("table (CSV)"))
    byte_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    checksum_sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("prepared by"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"))
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["dataset", "-number"]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="opendata_version_number_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"
