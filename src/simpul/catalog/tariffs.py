"""Estimates of a local tax or levy from a service's answers, where the kabupaten keeps its tariff as data.

`data/tariffs/<Kemendagri code>.yaml` (chosen by `SIMPUL_KABUPATEN_CODE`) holds a kabupaten's tariff for one
service: the regulation it comes from, the rate, and the tables (see `data/tariffs/demo.yaml` for the shape, and
the example figures the demo uses when the kabupaten has none). Nothing here knows a figure or a regulation.

`estimate(version, answers) -> Estimate | None`: the estimate and its basis, or None when there is no tariff for
the service, an answer it needs is missing, or the tariff has no figure for it (no number is better than a wrong
one). It is an estimate: the office assesses the amount that is due.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from simpul.catalog.forms_engine import localized

DATA_DIR = Path(__file__).resolve().parent / "data" / "tariffs"


@dataclass(frozen=True)
class Estimate:
    """An estimated amount in rupiah, the rental value it is taken from, and how it was reached."""

    amount: int
    rental_value: int
    size: Decimal
    faces: int
    per_m2_month: int
    months: int
    location_class: str
    rate_percent: Decimal
    source: str
    name: str

    @property
    def basis(self) -> str:
        """The calculation in words, in the active language ("7,5 m² × 1 sisi × Rp 15.000 ...")."""
        return _(
            "{size} m² × {faces} face(s) × {price} per m² per month ({location}) × {months} month(s) = rental "
            "value {rental}; tax rate {rate}%"
        ).format(
            size=number_format(_plain(self.size), use_l10n=True), faces=self.faces, price=rupiah_text(self.per_m2_month),
            location=self.location_class, months=self.months, rental=rupiah_text(self.rental_value),
            rate=number_format(_plain(self.rate_percent), use_l10n=True),
        )


def _plain(number: Decimal) -> Decimal:
    """8 rather than 8.0 or 8E+0; 7.5 rather than 7.50."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def rupiah_text(amount: int) -> str:
    """"Rp 150.000": the rupiah in Indonesian grouping, whichever the page's language (as on every bill)."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def tariff_path(kabupaten_code: str) -> Path | None:
    """The kabupaten's own tariff file, or the example one in demo mode, or None."""
    own = DATA_DIR / f"{kabupaten_code}.yaml"
    if own.exists():
        return own
    if settings.DEMO_MODE:
        return DATA_DIR / "demo.yaml"
    return None


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not data.get("service"):
        raise ValueError(f"{path}: expected a mapping with 'service', 'rate_percent' and the tables")
    return data


def tariff_for(service_code: str) -> dict[str, Any] | None:
    path = tariff_path(settings.SIMPUL_KABUPATEN_CODE)
    if path is None:
        return None
    data = _read(path)
    return data if data.get("service") == service_code else None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def estimate(version: Any, answers: dict[str, Any]) -> Estimate | None:
    """The estimate for a service version's answers, or None (see the module's docstring)."""
    service = getattr(getattr(version, "service", None), "code", "") or getattr(version, "service_code", "")
    tariff = tariff_for(str(service))
    if tariff is None:
        return None
    names = tariff.get("answers") or {}
    size = _decimal(answers.get(names.get("size", "")))
    faces = _decimal(answers.get(names.get("faces", ""), 1))
    months = (tariff.get("months") or {}).get(str(answers.get(names.get("duration", ""), "")))
    village = str(answers.get(names.get("village", ""), "") or "")
    classes = tariff.get("location_classes") or {}
    kecamatan = ".".join(village.split(".")[:3])
    location = (classes.get("kecamatan") or {}).get(kecamatan) or classes.get("default")
    prices = (tariff.get("rental_value_per_m2_month") or {}).get(str(answers.get(names.get("type", ""), "")))
    price = (prices or {}).get(location) if location else None
    rate = _decimal(tariff.get("rate_percent"))
    if size is None or faces is None or not months or not village or price is None or rate is None:
        return None
    rental = (size * faces * Decimal(price) * Decimal(months)).quantize(Decimal(1), ROUND_HALF_UP)
    amount = (rental * rate / 100).quantize(Decimal(1), ROUND_HALF_UP)
    label = localized((classes.get("labels") or {}).get(location) or {}) or str(location)
    return Estimate(
        amount=int(amount), rental_value=int(rental), size=size, faces=int(faces),
        per_m2_month=int(price), months=int(months), location_class=label, rate_percent=rate,
        source=localized(tariff, "source"), name=localized(tariff, "name"),
    )
