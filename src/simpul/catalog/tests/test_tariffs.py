"""The tax estimate from the tariff data, numbers typed with a decimal comma, and date bounds in words."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from simpul.catalog import tariffs
from simpul.catalog.forms_engine import DecimalCommaField

REKLAME = SimpleNamespace(service=SimpleNamespace(code="izin-reklame"))
ANSWERS = {"billboard_type": "neon_box", "size_m2": 2.5, "faces": 2, "location_village": "16.06.07.2001",
           "duration": "1y"}


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    settings.SIMPUL_KABUPATEN_CODE = "16.06"


def test_estimate_multiplies_size_faces_value_and_months_then_applies_the_rate(demo):
    estimate = tariffs.estimate(REKLAME, ANSWERS)
    # 2,5 m² x 2 faces x Rp 11.000 (Sungai Lilin, class B) x 12 months = Rp 660.000; 25% = Rp 165.000
    assert (estimate.rental_value, estimate.amount) == (660_000, 165_000)
    with translation.override("id"):
        assert estimate.basis == ("2,5 m² × 2 sisi × Rp 11.000 per m² per bulan (kelas B, pusat kecamatan ramai) "
                                  "× 12 bulan = nilai sewa Rp 660.000; tarif pajak 25%")
    with translation.override("en"):
        assert estimate.basis.startswith("2.5 m² × 2 face(s) × Rp 11.000 per m² per month")


def test_a_village_outside_the_listed_kecamatan_counts_as_the_default_class(demo):
    estimate = tariffs.estimate(REKLAME, {**ANSWERS, "location_village": "16.06.02.2001"})
    assert estimate.per_m2_month == 8_000 and estimate.amount == 120_000


@pytest.mark.parametrize("change", [{"billboard_type": "other"}, {"size_m2": None}, {"duration": "5y"},
                                    {"location_village": ""}])
def test_no_estimate_without_a_figure_for_the_answers(demo, change):
    assert tariffs.estimate(REKLAME, {**ANSWERS, **change}) is None


def test_no_estimate_for_another_service_or_without_a_tariff(demo, settings, monkeypatch, tmp_path):
    assert tariffs.estimate(SimpleNamespace(service=SimpleNamespace(code="ktp-el-baru")), ANSWERS) is None
    settings.DEMO_MODE = False
    monkeypatch.setattr(tariffs, "DATA_DIR", tmp_path)
    assert tariffs.estimate(REKLAME, ANSWERS) is None


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("typed", "number"), [("7,5", "7.5"), ("7.5", "7.5"), (" 12 ", "12"), ("0,25", "0.25")])
def test_a_number_takes_a_decimal_comma_or_point_in_either_language(language, typed, number):
    with translation.override(language):
        assert DecimalCommaField().clean(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["1.000,5", "7,5,1", "tujuh"])
def test_a_number_with_two_marks_or_words_is_refused(typed):
    with pytest.raises(ValidationError):
        DecimalCommaField().clean(typed)


def test_a_number_is_shown_back_in_the_page_language():
    field = DecimalCommaField()
    with translation.override("id"):
        assert 'value="7,5"' in field.widget.render("size", Decimal("7.5"))
    with translation.override("en"):
        assert 'value="7.5"' in field.widget.render("size", Decimal("7.5"))
    assert 'inputmode="decimal"' in field.widget.render("size", None)


def test_a_date_bound_is_written_as_people_read_dates():
    import datetime as dt

    from simpul.catalog.forms_engine import build_field

    field = build_field({"name": "start", "type": "date", "min": "2026-12-04"})
    with translation.override("id"), pytest.raises(ValidationError, match="4 Desember 2026"):
        field.clean("2026-12-01")
    with translation.override("en"), pytest.raises(ValidationError, match="4 December 2026"):
        field.clean(dt.date(2026, 12, 1).isoformat())
