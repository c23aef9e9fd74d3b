"""The ICT infrastructure registry: sites, their internet links and measurements, applications, need standards
and candidate upgrades.

Every change goes through `simpul.infrastructure.services` (which writes the audit entry); reads and analysis
through `simpul.infrastructure.selectors`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from simpul.core.models import TimeStampedModel

# Bandwidth above this is refused as absurd for any site of a regency (100 Gbps).
MAX_MBPS = Decimal("100000")
BANDWIDTH_VALIDATORS = [
    MinValueValidator(Decimal("0"), message=_("Bandwidth cannot be negative.")),
    MaxValueValidator(MAX_MBPS, message=_("Bandwidth above 100 Gbps (100000 Mbps) is not plausible here.")),
]


class SiteKind(models.TextChoices):
    OPD_OFFICE = "opd_office", _("OPD office")
    KECAMATAN_OFFICE = "kecamatan_office", _("Kecamatan office")
    VILLAGE_OFFICE = "village_office", _("Village hall (kantor desa/kelurahan)")
    PUBLIC_WIFI = "public_wifi", _("Public wifi point")
    SCHOOL = "school", _("School")
    PUSKESMAS = "puskesmas", _("Community health centre (puskesmas)")
    TOWER = "tower", _("Tower")


class Site(TimeStampedModel):
    """A place that needs or carries connectivity: an office, a village hall, a wifi point, a tower.

    `staff_count` are people working at the site; `residents_served` are residents using it (for village halls and
    public points). `is_sample` marks invented demo data, shown with a banner wherever it appears.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=SiteKind.choices, db_index=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="infrastructure_sites", verbose_name=_("region")
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="infrastructure_sites",
        verbose_name=_("owning agency"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    residents_served = models.PositiveIntegerField(_("residents served"), default=0)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False, db_index=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name

    @property
    def people_served(self) -> int:
        return self.staff_count + self.residents_served


class LinkTechnology(models.TextChoices):
    FIBER = "fiber", _("Fiber optic")
    VSAT = "vsat", _("VSAT satellite")
    LEO = "leo", _("Low-orbit satellite (LEO)")
    RADIO = "radio", _("Radio link")
    CELLULAR = "cellular", _("4G/5G cellular")
    ADSL = "adsl", _("ADSL")
    VILLAGE_WIFI = "village_wifi", _("Village wifi backhaul")


class LinkStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PLANNED = "planned", _("Planned")
    DOWN = "down", _("Down")
    ENDED = "ended", _("Ended")


class Link(TimeStampedModel):
    """One internet link of a site: technology, provider, committed (and burst) bandwidth, cost and contract."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="links", verbose_name=_("site"))
    technology = models.CharField(_("technology"), max_length=20, choices=LinkTechnology.choices, db_index=True)
    provider = models.CharField(_("provider"), max_length=120, blank=True)
    download_mbps = models.DecimalField(
        _("download (Mbps, committed)"), max_digits=10, decimal_places=3, validators=BANDWIDTH_VALIDATORS
    )
    upload_mbps = models.DecimalField(
        _("upload (Mbps, committed)"), max_digits=10, decimal_places=3, null=True, blank=True,
        validators=BANDWIDTH_VALIDATORS,
    )
    burst_download_mbps = models.DecimalField(
        _("download (Mbps, burst)"), max_digits=10, decimal_places=3, null=True, blank=True,
        validators=BANDWIDTH_VALIDATORS,
    )
    burst_upload_mbps = models.DecimalField(
        _("upload (Mbps, burst)"), max_digits=10, decimal_places=3, null=True, blank=True,
        validators=BANDWIDTH_VALIDATORS,
    )
    monthly_cost_idr = models.PositiveBigIntegerField(_("monthly cost (Rp)"), null=True, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LinkStatus.choices, default=LinkStatus.ACTIVE, db_index=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["site_id", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=Q(download_mbps__gte=0) & Q(download_mbps__lte=MAX_MBPS),
                name="infrastructure_link_download_range",
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="infrastructure_link_contract_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.get_technology_display()} {self.download_mbps} Mbps"


class MeasurementSource(models.TextChoices):
    PROBE = "probe", _("Probe")
    MANUAL = "manual", _("Manual")
    IMPORT = "import", _("Import")


class Measurement(models.Model):
    """One measurement of a link: throughput, latency, loss and the availability probe's result.

    A probe's measurement is identified by (link, probe id, measured_at): posting it again returns the same row.
    """

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("link"))
    measured_at = models.DateTimeField(_("measured at"))
    download_mbps = models.DecimalField(
        _("download (Mbps)"), max_digits=10, decimal_places=3, null=True, blank=True, validators=BANDWIDTH_VALIDATORS
    )
    upload_mbps = models.DecimalField(
        _("upload (Mbps)"), max_digits=10, decimal_places=3, null=True, blank=True, validators=BANDWIDTH_VALIDATORS
    )
    latency_ms = models.DecimalField(
        _("latency (ms)"), max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(600000)],
    )
    loss_pct = models.DecimalField(
        _("packet loss (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    available = models.BooleanField(_("available"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=MeasurementSource.choices, default=MeasurementSource.MANUAL
    )
    probe_id = models.CharField(_("probe id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-measured_at"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        indexes = [models.Index(fields=["link", "measured_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "probe_id", "measured_at"],
                condition=~Q(probe_id=""),
                name="infrastructure_measurement_probe_time_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_id} @ {self.measured_at:%Y-%m-%d %H:%M}"


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    PLANNED = "planned", _("Planned")
    RETIRED = "retired", _("Retired")


class Application(TimeStampedModel):
    """One of the regency's ICT applications or servers, with its owner OPD, hosting and health-check settings.

    Health checks only ever contact `health_check_url`, which only a platform admin can set.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("In Indonesian, as the pages show it."))
    purpose_en = models.TextField(_("purpose (English)"), blank=True,
                                  help_text=_("Shown on the English pages; left empty, they show the Indonesian."))
    owner_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="ict_applications",
        verbose_name=_("owner OPD"),
    )
    hosting_site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_applications",
        verbose_name=_("hosting site"),
    )
    hosting_note = models.CharField(_("hosted on"), max_length=200, blank=True)
    url = models.URLField(_("address (URL)"), blank=True)
    integrates_with = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="integrated_by", verbose_name=_("integrates with")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE
    )
    health_check_enabled = models.BooleanField(_("health check on"), default=False)
    health_check_url = models.URLField(_("health-check address"), blank=True)
    health_check_timeout_seconds = models.PositiveSmallIntegerField(
        _("health-check timeout (seconds)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    down_alert_after_minutes = models.PositiveIntegerField(_("alert when down longer than (minutes)"), default=15)
    alert_email = models.EmailField(_("alert email"), blank=True)
    down_since = models.DateTimeField(_("down since"), null=True, blank=True)
    alert_sent_at = models.DateTimeField(_("alert sent at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.name

    @property
    def purpose_display(self) -> str:
        """The purpose in the page's language: English where it is recorded, else the Indonesian."""
        return self.purpose_en if get_language() == "en" and self.purpose_en else self.purpose


class ApplicationCheck(models.Model):
    """The result of one health check of an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    ok = models.BooleanField(_("up"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")

    def __str__(self) -> str:
        return f"{self.application_id} {'up' if self.ok else 'down'} @ {self.checked_at:%Y-%m-%d %H:%M}"


class NeedStandard(models.Model):
    """The bandwidth a site of one kind needs, as data (versioned by `valid_from`), never a constant in code.

    need = max(min_mbps, staff × mbps_per_staff + residents × concurrent_share × mbps_per_concurrent_resident).
    `source` says where the figures come from; the shipped defaults are documented assumptions.
    """

    site_kind = models.CharField(_("site kind"), max_length=30, choices=SiteKind.choices)
    valid_from = models.DateField(_("valid from"))
    mbps_per_staff = models.DecimalField(
        _("Mbps per staff member"), max_digits=8, decimal_places=3, validators=[MinValueValidator(0)]
    )
    mbps_per_concurrent_resident = models.DecimalField(
        _("Mbps per resident served at the same time"), max_digits=8, decimal_places=3,
        validators=[MinValueValidator(0)],
    )
    concurrent_share = models.DecimalField(
        _("share of residents served at the same time"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    min_mbps = models.DecimalField(
        _("minimum Mbps"), max_digits=8, decimal_places=3, default=0, validators=[MinValueValidator(0)]
    )
    source = models.TextField(_("source or assumption"))

    class Meta:
        ordering = ["site_kind", "-valid_from"]
        verbose_name = _("bandwidth need standard")
        verbose_name_plural = _("bandwidth need standards")
        constraints = [
            models.UniqueConstraint(fields=["site_kind", "valid_from"], name="infrastructure_needstandard_kind_from")
        ]

    def __str__(self) -> str:
        return f"{self.get_site_kind_display()} ({self.valid_from})"

    def need_for(self, *, staff: int, residents: int) -> Decimal:
        need = staff * self.mbps_per_staff + residents * self.concurrent_share * self.mbps_per_concurrent_resident
        return max(self.min_mbps, need).quantize(Decimal("0.001"))


class UpgradeOption(TimeStampedModel):
    """A candidate upgrade for a site: the bandwidth it would have afterwards and what it costs."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="upgrade_options", verbose_name=_("site"))
    technology = models.CharField(_("technology"), max_length=20, choices=LinkTechnology.choices)
    label = models.CharField(_("option"), max_length=200, blank=True)
    one_off_cost_idr = models.PositiveBigIntegerField(_("one-off cost (Rp)"))
    monthly_cost_idr = models.PositiveBigIntegerField(_("monthly cost (Rp)"))
    resulting_mbps = models.DecimalField(
        _("resulting download (Mbps)"), max_digits=10, decimal_places=3, validators=BANDWIDTH_VALIDATORS
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["site_id", "one_off_cost_idr"]
        verbose_name = _("upgrade option")
        verbose_name_plural = _("upgrade options")

    def __str__(self) -> str:
        return f"{self.site} → {self.get_technology_display()} {self.resulting_mbps} Mbps"
