"""Validators for Indonesian identity and business numbers, and the demo-password rule.

NIK (Nomor Induk Kependudukan, UU 23/2006 jo. 24/2013), 16 digits `PPKKCC DDMMYY SSSS`:

- `PPKKCC` is the province-kabupaten-kecamatan code where the NIK was first registered (never the domicile).
  Area rule, because the Region table only holds the regions this install serves (Musi Banyuasin by default):
  the province `PP` must be one of the 38 Indonesian province codes (from the national region tree shipped in
  `simpul/regions/data/`, Kepmendagri 300.2.2-2138/2025 via the MIT-licensed `cahyadsn/wilayah`); `KK` and `CC` must not be `00`;
  when the kabupaten `PP.KK` is in our Region table, the kecamatan `PP.KK.CC` must be there too. A NIK from
  a kabupaten we do not hold is accepted on its province code alone: we cannot check what we do not have.
- `DD` is the day of birth, plus 40 for women (valid: 01-31, 41-71); `MM` the month; `YY` the year, whose
  century is resolved so the year is not after this year; a birth date after today is refused.
- `SSSS` is a serial, at least 0001. There is no check digit.

No. KK (Kartu Keluarga), 16 digits: the same area code, then the date of issue `DDMMYY` (no +40), then a
serial of at least 0001. NIB (Nomor Induk Berusaha): 13 digits. KBLI: 5-digit codes.

Each failure raises `ValidationError` with its own `code` (listed in `NIK_ERROR_CODES`) and a translated message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simpul.core.pdp import normalise_digits
from simpul.regions.national import province_names
from simpul.regions.selectors import area_codes

NIK_ERROR_CODES = (
    "nik_length",
    "nik_digits",
    "nik_province",
    "nik_area",
    "nik_kecamatan",
    "nik_day",
    "nik_month",
    "nik_date",
    "nik_future",
    "nik_serial",
)

DEMO_PASSWORD = "simpul-demo-2026"  # noqa: S105 - the published demo password, refused outside demo mode


def province_codes() -> dict[str, str]:
    """The 38 Indonesian province codes and names."""
    return province_names()


@dataclass(frozen=True)
class NikInfo:
    """What a NIK says about its holder."""

    nik: str
    province_code: str  # "16"
    kabupaten_code: str  # "16.06"
    kecamatan_code: str  # "16.06.01"
    birth_date: dt.date
    sex: str  # "M" or "F"
    serial: str

    @property
    def is_female(self) -> bool:
        return self.sex == "F"


@dataclass(frozen=True)
class KkInfo:
    """What a Kartu Keluarga number says."""

    number: str
    kecamatan_code: str
    issue_date: dt.date
    serial: str


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check_digits(value: str, *, prefix: str, label: str) -> str:
    value = normalise_digits(value)
    if any(not (ch.isascii() and ch.isdigit()) for ch in value):
        raise ValidationError(
            _("The {label} may contain digits only.").format(label=label), code=f"{prefix}_digits"
        )
    if len(value) != 16:
        raise ValidationError(
            _("The {label} must have 16 digits; you entered {count}.").format(label=label, count=len(value)),
            code=f"{prefix}_length",
        )
    return value


def _check_area(value: str, *, prefix: str, label: str) -> str:
    """Check `PPKKCC` and return the kecamatan code `PP.KK.CC`."""
    pp, kk, cc = value[0:2], value[2:4], value[4:6]
    if pp not in province_codes():
        raise ValidationError(
            _("The {label} starts with {code}, which is not an Indonesian province code.").format(
                label=label, code=pp
            ),
            code=f"{prefix}_province",
        )
    if kk == "00" or cc == "00":
        raise ValidationError(
            _("The area code {code} in the {label} is not a valid regency and district code.").format(
                label=label, code=value[0:6]
            ),
            code=f"{prefix}_area",
        )
    kabupaten, kecamatan = f"{pp}.{kk}", f"{pp}.{kk}.{cc}"
    loaded = area_codes()
    known = {code for code in (kabupaten, kecamatan) if code in loaded}
    if known and kecamatan not in known:
        raise ValidationError(
            _("The district code {code} in the {label} does not exist in this regency.").format(
                label=label, code=value[0:6]
            ),
            code=f"{prefix}_kecamatan",
        )
    return kecamatan


def _resolve_date(day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """The date, its century chosen so the year is not after this year (DOMAIN §2); None if it does not exist.

    `YY` up to this year's two digits is this century, above it the previous one. A date later this year then
    counts as "in the future" (a typo far more often than a 100-year-old born in the weeks ahead).
    """
    century = today.year // 100 * 100
    year = century + yy if yy <= today.year % 100 else century - 100 + yy
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def validate_nik(value: str, *, today: dt.date | None = None) -> NikInfo:
    """Validate a NIK and decode it; raises ValidationError with a code from `NIK_ERROR_CODES`."""
    label = _("NIK")
    nik = _check_digits(value, prefix="nik", label=label)
    kecamatan = _check_area(nik, prefix="nik", label=label)
    raw_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 1 <= raw_day <= 31:
        day, sex = raw_day, "M"
    elif 41 <= raw_day <= 71:
        day, sex = raw_day - 40, "F"
    else:
        raise ValidationError(
            _("Digits 7-8 of the NIK ({day}) are not a day of birth: use 01-31, or 41-71 for women.").format(
                day=nik[6:8]
            ),
            code="nik_day",
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Digits 9-10 of the NIK ({month}) are not a month (01-12).").format(month=nik[8:10]),
            code="nik_month",
        )
    current = _today(today)
    birth_date = _resolve_date(day, month, yy, current)
    if birth_date is None:
        raise ValidationError(
            _("The date of birth in the NIK ({date}) does not exist.").format(
                date=f"{day:02d}-{month:02d}-{nik[10:12]}"
            ),
            code="nik_date",
        )
    if birth_date > current:
        raise ValidationError(_("The date of birth in the NIK is in the future."), code="nik_future")
    if nik[12:16] == "0000":
        raise ValidationError(_("The last four digits of the NIK cannot be 0000."), code="nik_serial")
    return NikInfo(
        nik=nik,
        province_code=nik[0:2],
        kabupaten_code=kecamatan[:5],
        kecamatan_code=kecamatan,
        birth_date=birth_date,
        sex=sex,
        serial=nik[12:16],
    )


def validate_kk(value: str, *, today: dt.date | None = None) -> KkInfo:
    """Validate a Kartu Keluarga number (area code, date of issue, serial); codes `kk_*`."""
    label = _("family card number")
    number = _check_digits(value, prefix="kk", label=label)
    kecamatan = _check_area(number, prefix="kk", label=label)
    day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    current = _today(today)
    issue_date = _resolve_date(day, month, yy, current) if 1 <= month <= 12 and 1 <= day <= 31 else None
    if issue_date is None:
        raise ValidationError(
            _("Digits 7-12 of the family card number ({date}) are not a real date of issue.").format(
                date=number[6:12]
            ),
            code="kk_date",
        )
    if issue_date > current:
        raise ValidationError(
            _("The date of issue in the family card number is in the future."), code="kk_future"
        )
    if number[12:16] == "0000":
        raise ValidationError(
            _("The last four digits of the family card number cannot be 0000."), code="kk_serial"
        )
    return KkInfo(number=number, kecamatan_code=kecamatan, issue_date=issue_date, serial=number[12:16])


def validate_nib(value: str) -> str:
    """A NIB (Nomor Induk Berusaha from OSS) is 13 digits; returns it without spaces."""
    nib = normalise_digits(value)
    if not (nib.isascii() and nib.isdigit() and len(nib) == 13):
        raise ValidationError(_("The NIB must be exactly 13 digits, as printed by OSS."), code="nib_format")
    return nib


def validate_kbli(value: str) -> str:
    """A KBLI code is 5 digits (KBLI 2020, Peraturan BPS 2/2020)."""
    code = normalise_digits(value)
    if not (code.isascii() and code.isdigit() and len(code) == 5):
        raise ValidationError(
            _("{code} is not a KBLI code: a KBLI code has 5 digits.").format(code=value), code="kbli_format"
        )
    return code


def validate_kbli_list(values: list[str] | str) -> list[str]:
    """Validate a list of KBLI codes (or a text with codes separated by commas or spaces); no duplicates."""
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    codes: list[str] = []
    for value in values:
        code = validate_kbli(value)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValidationError(_("Enter at least one KBLI code."), code="kbli_required")
    return codes


class DemoPasswordValidator:
    """Refuses the published demo password unless the install runs in demo mode (`SIMPUL_DEMO_MODE`)."""

    def validate(self, password: str, user: Any = None) -> None:
        if password == DEMO_PASSWORD and not settings.DEMO_MODE:
            raise ValidationError(
                _("This password is published for the demo and cannot be used here."), code="password_demo"
            )

    def get_help_text(self) -> str:
        return str(gettext_lazy("Your password cannot be the published demo password."))
