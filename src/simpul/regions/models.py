"""The Kemendagri region tree: provinsi → kabupaten/kota → kecamatan → desa/kelurahan."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A Kemendagri region code: province 16, kabupaten 16.06, kecamatan 16.06.01, desa 16.06.01.2001.
CODE_RE = re.compile(r"\A[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?\Z")


class RegionLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency/city")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa_kelurahan", _("Village (desa/kelurahan)")


class VillageKind(models.TextChoices):
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")


LEVEL_DEPTH = {RegionLevel.PROVINSI: 1, RegionLevel.KABUPATEN: 2, RegionLevel.KECAMATAN: 3, RegionLevel.DESA: 4}


class Region(models.Model):
    """One region, keyed by its official Kemendagri code (`16`, `16.06`, `16.06.01`, `16.06.01.2001`)."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(pgettext_lazy("administrative level", "level"), max_length=20, choices=RegionLevel.choices, db_index=True)
    kind = models.CharField(_("village kind"), max_length=20, choices=VillageKind.choices, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    bps_code = models.CharField(_("BPS code"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kecamatan_code(self) -> str | None:
        parts = self.code.split(".")
        return ".".join(parts[:3]) if len(parts) >= 3 else None
