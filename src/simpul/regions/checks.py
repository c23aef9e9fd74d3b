"""System checks of the regions app: the home kabupaten exists in the national tree and its prefix is usable."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from simpul.regions.national import REFERENCE_PREFIX_RE, UnknownKabupaten, home_kabupaten


@register()
def home_kabupaten_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        home = home_kabupaten()
    except UnknownKabupaten:
        return [Error(
            f"SIMPUL_KABUPATEN_CODE={settings.SIMPUL_KABUPATEN_CODE!r} is not a kabupaten or kota of the national "
            "region tree.", hint="Use its Kemendagri code, two parts, e.g. 16.06 or 16.07.", id="regions.E001")]
    if not REFERENCE_PREFIX_RE.match(home.reference_prefix):
        return [Error(
            f"The reference prefix {home.reference_prefix!r} is not 2 to 8 letters A-Z.",
            hint="Set SIMPUL_REFERENCE_PREFIX to 2 to 8 letters, e.g. MUBA.", id="regions.E002")]
    return []
