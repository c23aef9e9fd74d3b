"""NIK, No. KK, NIB and KBLI validators; property-based for the NIK."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simpul.accounts.validators import (
    DEMO_PASSWORD,
    DemoPasswordValidator,
    province_codes,
    validate_kbli_list,
    validate_kk,
    validate_nib,
    validate_nik,
)

TODAY = dt.date(2026, 11, 29)
HYP = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60, deadline=None)
# Sekayu and Lais are in the test region tree (kabupaten 16.06 known); 32.73 (Kota Bandung) is not in the table
AREAS = st.sampled_from(["160601", "160602", "327301", "110101"])
BIRTH_DATES = st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY)


def make_nik(area: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{area}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def code_of(nik: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_nik(nik, today=TODAY)
    return info.value.code


@pytest.mark.django_db
@HYP
@given(area=AREAS, birth=BIRTH_DATES, female=st.booleans(), serial=st.integers(1, 9999))
def test_any_valid_nik_decodes_to_its_date_and_sex(region_tree, area, birth, female, serial):
    info = validate_nik(make_nik(area, birth, female, serial), today=TODAY)
    assert info.birth_date == birth
    assert info.sex == ("F" if female else "M")
    assert info.serial == f"{serial:04d}"
    assert info.kecamatan_code == f"{area[0:2]}.{area[2:4]}.{area[4:6]}"


def test_demo_nik_is_valid(region_tree):
    info = validate_nik("1606014107950001", today=TODAY)
    assert (info.birth_date, info.sex, info.kecamatan_code) == (dt.date(1995, 7, 1), "F", "16.06.01")


@pytest.mark.django_db
@HYP
@given(
    birth=BIRTH_DATES,
    female=st.booleans(),
    serial=st.integers(1, 9999),
    data=st.data(),
    field=st.sampled_from(["province", "kecamatan", "area", "day", "month", "serial", "length", "digits"]),
)
def test_every_single_field_corruption_is_rejected_with_its_code(
    region_tree, birth, female, serial, data, field
):
    nik = make_nik("160601", birth, female, serial)
    if field == "province":
        bad = data.draw(
            st.text(string.digits, min_size=2, max_size=2).filter(lambda p: p not in province_codes())
        )
        nik = bad + nik[2:]
    elif field == "kecamatan":
        nik = "1606" + data.draw(st.sampled_from(["03", "15", "99", "42"])) + nik[6:]
    elif field == "area":
        nik = data.draw(st.sampled_from(["160001", "160600", "320000"])) + nik[6:]
    elif field == "day":
        bad_day = data.draw(st.sampled_from([0, *range(32, 41), *range(72, 100)]))
        nik = nik[:6] + f"{bad_day:02d}" + nik[8:]
    elif field == "month":
        bad_month = data.draw(st.sampled_from([0, *range(13, 100)]))
        nik = nik[:8] + f"{bad_month:02d}" + nik[10:]
    elif field == "serial":
        nik = nik[:12] + "0000"
    elif field == "length":
        cut = data.draw(st.integers(0, 15))
        nik = (
            nik[:cut]
            if data.draw(st.booleans())
            else nik + data.draw(st.text(string.digits, min_size=1, max_size=4))
        )
    elif field == "digits":
        where = data.draw(st.integers(0, 15))
        nik = nik[:where] + data.draw(st.sampled_from(list("aZ?*xO/"))) + nik[where + 1 :]
    assert code_of(nik) == f"nik_{field}"


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("1606013102950001", "nik_date"),  # 31 February
        ("1606017102950001", "nik_date"),  # 31 February, female
        ("1606012902010001", "nik_date"),  # 29 February 2001
        ("1606013104900001", "nik_date"),  # 31 April
    ],
)
def test_impossible_dates(region_tree, nik, code):
    assert code_of(nik) == code


def test_leap_day_in_2000(region_tree):
    assert validate_nik("1606012902000001", today=TODAY).birth_date == dt.date(2000, 2, 29)


def test_century_is_resolved_by_the_year(region_tree):
    assert validate_nik("1606011012270001", today=TODAY).birth_date == dt.date(1927, 12, 10)
    assert validate_nik("1606011011260001", today=TODAY).birth_date == dt.date(2026, 11, 10)
    assert validate_nik("1606012911260001", today=TODAY).birth_date == TODAY


def test_birth_date_after_today_is_refused(region_tree):
    assert code_of("1606013011260001") == "nik_future"
    assert code_of("1606017012260001") == "nik_future"


def test_spaces_are_ignored(region_tree):
    assert validate_nik("1606 0141 0795 0001", today=TODAY).nik == "1606014107950001"


def test_messages_are_in_indonesian(region_tree):
    with translation.override("id"), pytest.raises(ValidationError) as info:
        validate_nik("160601410795000", today=TODAY)
    assert "16 angka" in info.value.messages[0]


def test_kk_number(region_tree):
    info = validate_kk("1606011503180004", today=TODAY)
    assert info.issue_date == dt.date(2018, 3, 15)
    for bad, code in [
        ("1606014103180004", "kk_date"),  # no +40 in a KK
        ("1606011503180000", "kk_serial"),
        ("1606011512260004", "kk_future"),
        ("1606991503180004", "kk_kecamatan"),
        ("0006011503180004", "kk_province"),
        ("160601150318000", "kk_length"),
        ("16060115031800a4", "kk_digits"),
    ]:
        with pytest.raises(ValidationError) as exc:
            validate_kk(bad, today=TODAY)
        assert exc.value.code == code, bad


def test_nib_and_kbli():
    assert validate_nib("9120 0012 3456 7") == "9120001234567"
    for bad in ["912000123456", "91200012345678", "912000123456a"]:
        with pytest.raises(ValidationError):
            validate_nib(bad)
    assert validate_kbli_list("47111, 56101 47111") == ["47111", "56101"]
    with pytest.raises(ValidationError):
        validate_kbli_list("4711")
    with pytest.raises(ValidationError):
        validate_kbli_list("")


def test_demo_password_refused_outside_demo_mode():
    validator = DemoPasswordValidator()
    with override_settings(DEMO_MODE=False), pytest.raises(ValidationError):
        validator.validate(DEMO_PASSWORD)
    with override_settings(DEMO_MODE=True):
        validator.validate(DEMO_PASSWORD)
    validator.validate("another-long-password")
