"""XLSForm to framework: what each kind of row becomes, and how a form that cannot be imported is refused."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from simpul.assessment.frameworks import parse_framework
from simpul.assessment.xlsform import XlsformError, parse_relevant, xlsform_to_definition

LIKERT = [("imp", str(n), label) for n, label in enumerate(["TP", "KP", "CP", "P", "SP"], start=1)]


def workbook(survey, choices=(), settings=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    header = sorted({k for row in survey for k in row}, key=["type", "name", "label", "relevant", "required",
                                                              "choice_filter", "appearance"].index)
    ws.append(header)
    for row in survey:
        ws.append([row.get(k, "") for k in header])
    if choices:
        sheet = wb.create_sheet("choices")
        sheet.append(["list_name", "name", "label"])
        for row in choices:
            sheet.append(list(row))
    if settings:
        sheet = wb.create_sheet("settings")
        sheet.append(list(settings))
        sheet.append(list(settings.values()))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def q(kind, name="", label="", **extra):
    return {"type": kind, "name": name, "label": label, **extra}


def needs_form():
    return workbook([
        q("begin_group", "jaringan", "Jaringan"),
        q("select_one imp", "k01_kepentingan", "Internet di desa", required="yes"),
        q("select_one imp", "k01_kinerja", "Internet di desa (kinerja)", required="yes"),
        q("select_one imp", "k02", "Internet di OPD", required="yes"),
        q("end_group"),
        q("text", "komentar", "Komentar"),
    ], LIKERT, {"form_title": "Survei Desa", "form_id": "survei_desa", "version": "2026"})


def test_a_rating_list_becomes_a_scored_item_and_a_pair_one_importance_performance_row():
    result = xlsform_to_definition(needs_form(), filename="survei.xlsx")
    spec = parse_framework(result.definition)
    assert spec.slug == "survei_desa-2026"
    assert [(i.code, i.kind, i.section_code) for i in spec.items] == [
        ("k01", "dual", "jaringan"), ("k02", "likert", "jaringan"), ("komentar", "text", "umum")]
    assert spec.scales["imp"].kind == "likert" and spec.scales["imp"].values == (1, 2, 3, 4, 5)
    assert [p.label_id for p in spec.scales["imp"].points] == ["TP", "KP", "CP", "P", "SP"]
    assert spec.item("komentar").required is False and spec.item("k02").required is True
    assert spec.verified is False and spec.status == "draft"


def test_a_year_list_is_a_choice_item_counted_never_a_scale():
    form = workbook([q("select_one tahun", "tahun", "Tahun mulai")],
                    [("tahun", str(y), str(y)) for y in range(2019, 2024)])
    result = xlsform_to_definition(form, filename="tahun.xlsx")
    spec = parse_framework(result.definition)
    assert spec.item("tahun").kind == "choice"
    assert spec.scales["tahun"].kind == "nominal"
    assert [p.code for p in spec.scales["tahun"].points] == ["2019", "2020", "2021", "2022", "2023"]
    row = next(r for r in result.rows if r.name == "tahun")
    assert row.imported and "bukan skala penilaian" in row.why


def test_text_numbers_and_dates_become_context_questions_and_groups_nested_sections_with_notes():
    form = workbook([
        q("begin_group", "profil", "Profil responden"),
        q("note", "n1", "Isi sesuai KTP."),
        q("text", "nama", "Nama"),
        q("begin_group", "usia", "Usia"),
        q("integer", "umur", "Umur (tahun)"),
        q("decimal", "tinggi", "Tinggi (m)"),
        q("end_group"),
        q("end_group"),
        q("date", "tanggal", "Tanggal wawancara"),
    ])
    spec = parse_framework(xlsform_to_definition(form, filename="profil.xlsx").definition)
    assert [(i.code, i.kind) for i in spec.items] == [("nama", "text"), ("umur", "integer"), ("tinggi", "decimal"),
                                                     ("tanggal", "date")]
    assert [(s.code, s.parent_code) for s in spec.sections] == [("profil", None), ("usia", "profil"), ("umum", None)]
    assert spec.section("profil").text == "Isi sesuai KTP."
    assert spec.scales == {}


def test_relevant_becomes_show_if_where_it_maps_and_is_reported_where_it_does_not():
    form = workbook([
        q("select_one yn", "punya_hp", "Punya HP?", required="yes"),
        q("text", "merek", "Merek HP", relevant="${punya_hp} = 'ya'", required="yes"),
        q("integer", "umur", "Umur", required="yes"),
        q("text", "pekerjaan", "Pekerjaan", relevant="${umur} >= 17", required="yes"),
        q("begin_group", "internet", "Internet", relevant="selected(${punya_hp}, ‘ya’)"),
        q("select_one yn", "pakai_wa", "Pakai WhatsApp?", required="yes"),
        q("end_group"),
    ], [("yn", "ya", "Ya"), ("yn", "tidak", "Tidak")])
    result = xlsform_to_definition(form, filename="hp.xlsx")
    spec = parse_framework(result.definition)
    assert spec.item("merek").show_if == [{"item": "punya_hp", "op": "in", "values": ["ya"]}]
    assert spec.item("merek").required is True
    assert spec.item("pakai_wa").show_if == [{"item": "punya_hp", "op": "in", "values": ["ya"]}]
    assert spec.item("pekerjaan").show_if == [] and spec.item("pekerjaan").required is False
    reported = next(r for r in result.rows if r.name == "pekerjaan")
    assert reported.imported and "${umur} >= 17" in reported.why


def test_or_other_adds_an_other_choice_and_a_text_question_asked_when_it_is_chosen():
    form = workbook([q("select_one warna or_other", "warna", "Warna favorit?")],
                    [("warna", "merah", "Merah"), ("warna", "biru", "Biru")])
    spec = parse_framework(xlsform_to_definition(form, filename="warna.xlsx").definition)
    assert [p.code for p in spec.scales[spec.item("warna").scale_code].points] == ["merah", "biru", "other"]
    other = spec.item("warna_other")
    assert other.kind == "text" and other.show_if == [{"item": "warna", "op": "in", "values": ["other"]}]


def test_a_reference_in_a_label_shows_the_question_it_names():
    form = workbook([q("text", "nama", "Nama anak"), q("integer", "umur", "Berapa umur ${nama}?")])
    result = xlsform_to_definition(form, filename="anak.xlsx")
    assert parse_framework(result.definition).item("umur").text == "Berapa umur «Nama anak»?"
    assert "${nama}" in next(r for r in result.rows if r.name == "umur").why


def test_code_and_version_are_made_safe_and_without_form_id_come_from_the_file_name():
    form = workbook([q("text", "a", "A")], settings={"version": "2022-04-11 16:26:28.971000"})
    result = xlsform_to_definition(form, filename="Survei Kebutuhan Desa.xlsx")
    assert result.definition["code"] == "survei-kebutuhan-desa"
    assert result.definition["version"] == "2022-04-11-16-26-28.971000"


def test_every_row_is_reported_kept_as_what_or_skipped_and_why():
    form = workbook([
        q("start", "start"), q("select_multiple yn", "banyak", "Pilih semua"), q("geopoint", "lokasi", "Lokasi"),
        q("image", "foto", "Foto"),
        q("begin_repeat", "anggota", "Anggota"), q("text", "nama", "Nama"), q("end_repeat"),
        q("text", "catatan", "Catatan"),
    ], [("yn", "ya", "Ya"), ("yn", "tidak", "Tidak")])
    result = xlsform_to_definition(form, filename="campur.xlsx")
    survey = [r for r in result.rows if r.sheet == "survey"]
    assert [r.row for r in survey] == list(range(2, 10))
    assert [r.imported for r in survey] == [False] * 7 + [True]
    assert all(r.why for r in survey if not r.imported)
    assert (result.imported, result.skipped) == (1, 7)


def test_parse_relevant_keeps_comparisons_and_refuses_more():
    assert parse_relevant("${a} = 'x' or ${a} = 'y'") == [{"item": "a", "op": "in", "values": ["x", "y"]}]
    assert parse_relevant("${a} != '' and not(selected(${b}, 'n'))") == [
        {"item": "a", "op": "answered"}, {"item": "b", "op": "not_in", "values": ["n"]}]
    assert parse_relevant("${a} = 'x' or ${b} = 'y'") is None
    assert parse_relevant("${age} > 5") is None


@pytest.mark.parametrize("content, reason", [
    (workbook([q("calculate", "c")]), "Lembar “survey”, baris 2: baris calculate perlu rumus di kolom calculation."),
    (workbook([q("select_one tidakada", "x", "X")], LIKERT),
     "Lembar “survey”, baris 2: daftar pilihan “tidakada” tidak ada di lembar choices."),
    (b"name,label\n", "“f.xlsx” bukan buku kerja Excel. Simpan formulir sebagai .xlsx (Excel, LibreOffice atau "
     "Google Sheets) lalu unggah lagi."),
])
def test_a_form_that_cannot_be_imported_is_refused_in_indonesian_naming_sheet_row_and_rule(content, reason):
    with translation.override("id"), pytest.raises(XlsformError) as refused:
        xlsform_to_definition(content, filename="f.xlsx")
    assert refused.value.problems == [reason]


def test_an_xlsx_saved_under_an_xls_name_is_read_by_its_content():
    result = xlsform_to_definition(needs_form(), filename="survei.xls")
    assert result.definition["code"] == "survei_desa"
    assert result.notes == ["Berkas bernama .xls tetapi berisi buku kerja .xlsx: berkas dibaca menurut isinya."]
