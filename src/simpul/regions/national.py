"""The national region tree (Kepmendagri 300.2.2-2138/2025) and the home kabupaten it gives this installation.

`data/wilayah-indonesia-2025.csv.gz` holds every region of Indonesia (`code,name`, 91,599 rows, sorted by code;
see data/README.md). An installation serves one kabupaten or kota, `settings.SIMPUL_KABUPATEN_CODE`; from that
code alone it gets:

- its regions: the provinsi, the kabupaten and every kecamatan and desa/kelurahan below it
  (`kabupaten_rows`, loaded by `simpul reference`), read in one pass that stops after the kabupaten's block;
- its name ("Kabupaten Banyuasin"), shown on every page, letter and receipt (`SIMPUL_REGENCY_NAME` overrides it);
- its reference prefix (`SIMPUL_REFERENCE_PREFIX` overrides it), derived from the name by `reference_prefix_for`.

Nothing here touches the database: the name and prefix are known before any region is loaded.
"""

from __future__ import annotations

import csv
import gzip
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from simpul.regions.models import LEVEL_DEPTH, RegionLevel
from simpul.regions.services import KIND_BY_VILLAGE_DIGIT

NATIONAL_FILE = Path(__file__).resolve().parent / "data" / "wilayah-indonesia-2025.csv.gz"
SOURCE = "Kepmendagri 300.2.2-2138/2025 via cahyadsn/wilayah (MIT)"
LEVEL_BY_DEPTH = {depth: level for level, depth in LEVEL_DEPTH.items()}
KABUPATEN_CODE_RE = re.compile(r"\A\d{2}\.\d{2}\Z", re.ASCII)
REFERENCE_PREFIX_RE = re.compile(r"\A[A-Z]{2,8}\Z", re.ASCII)
# Words of an official name that say what kind of region it is, not which one.
_KIND_WORDS = re.compile(r"\A(?:Kabupaten|Kota)(?:\s+Administrasi)?\s+", re.IGNORECASE)


class UnknownKabupaten(LookupError):
    """The code is not a kabupaten or kota of the national tree."""


@dataclass(frozen=True)
class HomeKabupaten:
    """The kabupaten (or kota) this installation serves."""

    code: str
    name: str
    reference_prefix: str


def _rows_under(code: str) -> Iterator[tuple[str, str]]:
    """(code, name) of the provinsi of `code` (a kabupaten), of `code` itself and of everything below it,
    reading only as far as needed.

    The file is sorted by code, so the block below `code` is contiguous: the read stops at its end."""
    province = code.split(".", 1)[0]
    below = code + "."
    inside = False
    with gzip.open(NATIONAL_FILE, "rt", encoding="utf-8", newline="") as handle:
        next(handle)  # header
        for line in handle:
            if line.startswith((below, code + ",")):
                inside = True
            elif inside:
                return
            elif not line.startswith(province + ","):
                continue
            for row in csv.reader([line]):
                yield row[0], row[1]


def _region_row(code: str, name: str) -> dict[str, str]:
    depth = code.count(".") + 1
    level = LEVEL_BY_DEPTH[depth]
    kind = KIND_BY_VILLAGE_DIGIT.get(code.rsplit(".", 1)[1][0], "") if level == RegionLevel.DESA else ""
    return {"code": code, "name": name, "level": str(level), "kind": str(kind)}


def kabupaten_rows(code: str) -> list[dict[str, str]]:
    """The rows `region_import` takes for one kabupaten: its provinsi, itself, its kecamatan and villages.

    Raises UnknownKabupaten when the code is not a kabupaten/kota of the national tree."""
    if not KABUPATEN_CODE_RE.match(code):
        raise UnknownKabupaten(code)
    rows = [_region_row(c, n) for c, n in _rows_under(code)]
    if not any(row["code"] == code for row in rows):
        raise UnknownKabupaten(code)
    return rows


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """The 38 provinsi of Indonesia, code to name (one pass over the file's codes)."""
    found = {}
    with gzip.open(NATIONAL_FILE, "rt", encoding="utf-8", newline="") as handle:
        next(handle)  # header
        for line in handle:
            code, _rest = line.split(",", 1)
            if "." not in code:
                found[code] = next(csv.reader([line]))[1]
    return found


@lru_cache(maxsize=16)
def kabupaten_name(code: str) -> str:
    """The official name of a kabupaten/kota ("Kabupaten Banyuasin", "Kota Palembang")."""
    if KABUPATEN_CODE_RE.match(code):
        for found, name in _rows_under(code):
            if found == code:
                return name
    raise UnknownKabupaten(code)


def reference_prefix_for(name: str) -> str:
    """A short ASCII prefix for case references, derived from a kabupaten's name.

    Drop the kind words ("Kabupaten", "Kota", "Kota Administrasi"), fold to ASCII capitals and keep letters only;
    then two words or more give the first two letters of each of the first two words (Musi Banyuasin: MUBA,
    Ogan Komering Ilir: OGKO), and one word its first four letters (Banyuasin: BANY, Palembang: PALE).
    Names that share their first letters share a prefix (Kabupaten and Kota Bekasi: BEKA): an installation that
    must tell them apart sets SIMPUL_REFERENCE_PREFIX."""
    bare = _KIND_WORDS.sub("", name.strip())
    ascii_name = unicodedata.normalize("NFKD", bare).encode("ascii", "ignore").decode().upper()
    words = re.findall(r"[A-Z]+", ascii_name)
    prefix = words[0][:2] + words[1][:2] if len(words) >= 2 else "".join(words)[:4]
    return prefix if len(prefix) >= 2 else "SIMPUL"  # no name of the tree comes here: a made-up one might


@lru_cache(maxsize=16)
def _home(code: str, name: str, prefix: str) -> HomeKabupaten:
    name = name or kabupaten_name(code)
    return HomeKabupaten(code=code, name=name, reference_prefix=(prefix or reference_prefix_for(name)).upper())


def home_kabupaten() -> HomeKabupaten:
    """The kabupaten of `SIMPUL_KABUPATEN_CODE`, with its name and reference prefix (each overridable)."""
    return _home(settings.SIMPUL_KABUPATEN_CODE, settings.SIMPUL_REGENCY_NAME, settings.SIMPUL_REFERENCE_PREFIX)
