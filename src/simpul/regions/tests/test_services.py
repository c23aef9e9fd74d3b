import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from simpul.core.models import AuditEntry
from simpul.regions.models import Region
from simpul.regions.national import kabupaten_rows
from simpul.regions.services import RegionImportFailed, region_import

HEADER = "code,name,level,kind\n"
GOOD = HEADER + (
    "16,Sumatera Selatan,provinsi,\n"
    "16.06,Kabupaten Musi Banyuasin,kabupaten,\n"
    "16.06.01,Sekayu,kecamatan,\n"
    "16.06.01.1009,Kayu Ara,desa_kelurahan,kelurahan\n"
    "16.06.01.2001,Sukarami,desa_kelurahan,desa\n"
)


def _import(text: str, **kw):
    return region_import(file=io.StringIO(text), source="test", **kw)


def _errors(text: str) -> list:
    with pytest.raises(RegionImportFailed) as exc:
        _import(text)
    return exc.value.errors


@pytest.mark.django_db
def test_import_creates_tree_with_parents_and_kinds():
    result = _import(GOOD)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    village = Region.objects.get(code="16.06.01.2001")
    assert village.parent_id == "16.06.01"
    assert village.kind == "desa"
    assert Region.objects.get(code="16").parent_id is None
    assert AuditEntry.objects.filter(action="regions.region_import").count() == 1


@pytest.mark.django_db
def test_reimport_is_idempotent_and_updates_names():
    _import(GOOD)
    again = _import(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert AuditEntry.objects.filter(action="regions.region_import").count() == 1
    renamed = _import(GOOD.replace("Sukarami", "Suka Rami"))
    assert (renamed.created, renamed.updated) == (0, 1)
    assert Region.objects.get(code="16.06.01.2001").name == "Suka Rami"
    assert Region.objects.count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "code", "line"),
    [
        ("16.6.01,Sekayu,kecamatan,\n", "bad_code", 4),
        ("16.06.01.1,Kayu,desa_kelurahan,desa\n", "bad_code", 4),
        ("16.06.01,Sekayu,kabupaten,\n", "level_mismatch", 4),
        ("16.06.01,Sekayu,dusun,\n", "bad_level", 4),
        ("16.06.01,,kecamatan,\n", "missing_name", 4),
        ("16.06.01,Sekayu,kecamatan,desa\n", "unexpected_kind", 4),
        ("16.06.01.2001,Sukarami,desa_kelurahan,\n", "missing_kind", 4),
        ("16.06.01.2001,Sukarami,desa_kelurahan,dusun\n", "bad_kind", 4),
        ("16.06.01.2001,Sukarami,desa_kelurahan,kelurahan\n", "kind_mismatch", 4),
        ("16.06.09.2001,Somewhere,desa_kelurahan,desa\n", "unknown_parent", 4),
        ("16.06,Duplikat,kabupaten,\n", "duplicate_code", 4),
    ],
)
def test_each_problem_is_reported_with_its_line_and_nothing_is_imported(bad_line, code, line):
    text = HEADER + "16,Sumatera Selatan,provinsi,\n16.06,Kabupaten Musi Banyuasin,kabupaten,\n" + bad_line
    with translation.override("en"):
        errors = _errors(text)
    assert [(e.code, e.line) for e in errors] == [(code, line)]
    assert f"Line {line}" in errors[0].message
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_missing_columns_are_reported_on_line_one():
    errors = _errors("code,name\n16,Sumatera Selatan\n")
    assert errors[0].line == 1 and errors[0].code == "missing_columns"


@pytest.mark.django_db
def test_parent_may_come_from_the_database():
    _import(GOOD)
    result = _import(HEADER + "16.06.02,Lais,kecamatan,\n")
    assert result.created == 1
    assert Region.objects.get(code="16.06.02").parent_id == "16.06"


@pytest.mark.django_db
def test_all_errors_of_a_file_are_listed_and_messages_are_translated():
    text = GOOD + "16.06.01.2001,Lagi,desa_kelurahan,desa\nxx,Bad,provinsi,\n"
    with translation.override("id"):
        errors = _errors(text)
    assert [e.code for e in errors] == ["duplicate_code", "bad_code"]
    assert errors[0].message.startswith("Baris 7")
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_rows_input_numbers_lines_as_in_a_file():
    with pytest.raises(RegionImportFailed) as exc:
        region_import(rows=[{"code": "16", "name": "Sumsel", "level": "provinsi"},
                            {"code": "16.06", "name": "", "level": "kabupaten"}], source="rows")
    assert exc.value.errors[0].line == 3


@pytest.mark.django_db
def test_shipped_national_rows_import_the_kabupaten_tree():
    result = region_import(rows=kabupaten_rows("16.06"), source="shipped")
    assert result.created == 259
    assert Region.objects.filter(level="kecamatan").count() == 15
    assert Region.objects.filter(level="desa_kelurahan", kind="desa").count() == 229
    assert Region.objects.filter(level="desa_kelurahan", kind="kelurahan").count() == 13


@pytest.mark.django_db
def test_command_prints_errors_and_fails_on_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "16,Sumatera Selatan,provinsi,\n16.06.99,X,kecamatan,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("regions", "import", str(bad), stderr=err)
    assert "Line 3" in err.getvalue() or "Baris 3" in err.getvalue()
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_command_imports_good_file(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("regions", "import", str(good), stdout=out)
    assert Region.objects.count() == 5
