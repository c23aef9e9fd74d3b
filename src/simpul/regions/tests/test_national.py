"""The national region tree: one kabupaten's rows, its name and its reference prefix, from the shipped file."""

from __future__ import annotations

import csv
import gzip
import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from hypothesis import given
from hypothesis import strategies as st

from simpul.regions.national import (
    NATIONAL_FILE,
    REFERENCE_PREFIX_RE,
    UnknownKabupaten,
    home_kabupaten,
    kabupaten_name,
    kabupaten_rows,
    province_names,
    reference_prefix_for,
)


def _national() -> list[tuple[str, str]]:
    with gzip.open(NATIONAL_FILE, "rt", encoding="utf-8", newline="") as handle:
        return [(row["code"], row["name"]) for row in csv.DictReader(handle)]


def test_the_shipped_file_holds_the_whole_country():
    rows = _national()
    depth = [code.count(".") + 1 for code, _name in rows]
    assert (len(rows), depth.count(1), depth.count(2), depth.count(3), depth.count(4)) == (
        91_599, 38, 514, 7_285, 83_762)
    assert [code for code, _name in rows] == sorted(code for code, _name in rows)  # the loader relies on it


def test_kabupaten_rows_are_exactly_the_kabupaten_its_province_and_everything_below():
    national = _national()
    expected = [(c, n) for c, n in national if c in ("16", "16.07") or c.startswith("16.07.")]
    rows = kabupaten_rows("16.07")
    assert [(r["code"], r["name"]) for r in rows] == expected
    assert rows[0] == {"code": "16", "name": "Sumatera Selatan", "level": "provinsi", "kind": ""}
    assert rows[1] == {"code": "16.07", "name": "Kabupaten Banyuasin", "level": "kabupaten", "kind": ""}
    kecamatan = [r for r in rows if r["level"] == "kecamatan"]
    villages = [r for r in rows if r["level"] == "desa_kelurahan"]
    assert (len(kecamatan), len(villages)) == (21, 313)
    assert {r["kind"] for r in villages if r["code"].rsplit(".", 1)[1].startswith("1")} == {"kelurahan"}
    assert {r["kind"] for r in villages if r["code"].rsplit(".", 1)[1].startswith("2")} == {"desa"}


def test_province_names_are_the_38_provinsi():
    provinces = province_names()
    assert provinces == {code: name for code, name in _national() if "." not in code}
    assert len(provinces) == 38 and provinces["16"] == "Sumatera Selatan"


def test_the_first_and_last_kabupaten_of_the_file_load_too():
    assert kabupaten_rows("11.01")[1]["name"] == "Kabupaten Aceh Selatan"
    last = [c for c, _n in _national() if c.count(".") == 1][-1]
    assert kabupaten_rows(last)[1]["code"] == last


@pytest.mark.parametrize("code", ["16.99", "16", "16.06.01", "x", ""])
def test_an_unknown_or_malformed_kabupaten_code_is_refused(code):
    with pytest.raises(UnknownKabupaten):
        kabupaten_rows(code)
    with pytest.raises(UnknownKabupaten):
        kabupaten_name(code)


@pytest.mark.parametrize(("name", "prefix"), [
    ("Kabupaten Musi Banyuasin", "MUBA"),
    ("Kabupaten Banyuasin", "BANY"),
    ("Kota Palembang", "PALE"),
    ("Kabupaten Ogan Komering Ilir", "OGKO"),
    ("Kota Administrasi Jakarta Pusat", "JAPU"),
    ("Kabupaten Pangkajene dan Kepulauan", "PADA"),
    ("Kota Bau-Bau", "BABA"),
])
def test_reference_prefix_is_derived_from_the_name(name, prefix):
    assert reference_prefix_for(name) == prefix


def test_every_kabupaten_of_the_country_gets_a_valid_prefix():
    names = [n for c, n in _national() if c.count(".") == 1]
    assert all(REFERENCE_PREFIX_RE.match(reference_prefix_for(n)) for n in names)


@given(st.text(max_size=40))
def test_any_name_gives_ascii_capitals(name):
    prefix = reference_prefix_for(name)
    assert prefix.isascii() and prefix.isalpha() and prefix.isupper() and 2 <= len(prefix) <= 6


def test_home_kabupaten_follows_the_settings(settings):
    assert home_kabupaten().name == "Kabupaten Musi Banyuasin"
    assert home_kabupaten().reference_prefix == "MUBA"
    settings.SIMPUL_KABUPATEN_CODE = "16.07"
    assert (home_kabupaten().name, home_kabupaten().reference_prefix) == ("Kabupaten Banyuasin", "BANY")
    settings.SIMPUL_REGENCY_NAME = "Pemerintah Kabupaten Banyuasin"
    settings.SIMPUL_REFERENCE_PREFIX = "bya"
    assert (home_kabupaten().name, home_kabupaten().reference_prefix) == ("Pemerintah Kabupaten Banyuasin", "BYA")


def test_check_refuses_an_unknown_kabupaten_and_a_bad_prefix(settings):
    settings.SIMPUL_KABUPATEN_CODE = "16.99"
    with pytest.raises(SystemCheckError, match=r"regions\.E001"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
    settings.SIMPUL_KABUPATEN_CODE = "16.06"
    settings.SIMPUL_REFERENCE_PREFIX = "MU-26"
    with pytest.raises(SystemCheckError, match=r"regions\.E002"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
