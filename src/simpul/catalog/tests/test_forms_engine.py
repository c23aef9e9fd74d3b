"""The form engine builds real Django forms from declared fields and validates answers against them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from simpul.catalog import forms_engine
from simpul.catalog.forms_engine import (
    definition_errors,
    document_specs,
    page_form,
    validate_answers,
    visible_fields,
)
from simpul.catalog.tests.factories import make_service

VALID = {
    "nik": "1606014101900001",
    "full_name": "Siti Aminah",
    "village": "16.06.01.2001",
    "phone": "0812 3456 7890",
    "reason": "damaged",
}


@pytest.fixture
def version(personas):
    return make_service(agency=personas.dukcapil)


def test_valid_answers_are_cleaned_to_json_values(version):
    cleaned, errors = validate_answers(version, {**VALID, "reason": "lost", "lost_date": "2026-01-05"})
    assert errors == {}
    assert cleaned["lost_date"] == "2026-01-05"
    assert cleaned["phone"] == "081234567890"
    assert cleaned["village"] == "16.06.01.2001"


def test_missing_required_fields_are_named(version):
    cleaned, errors = validate_answers(version, {"full_name": "Siti Aminah"})
    assert set(errors) == {"nik", "village", "reason"}
    assert cleaned["full_name"] == "Siti Aminah"


def test_length_rules(version):
    _, errors = validate_answers(version, {**VALID, "full_name": "Si"})
    assert "full_name" in errors
    _, errors = validate_answers(version, {**VALID, "notes": "x" * 501})
    assert "notes" in errors


def test_pattern_rule_uses_the_declared_message(version):
    version.form["pages"][1]["fields"][2]["pattern"] = r"^[A-Za-z ]*$"
    version.form["pages"][1]["fields"][2]["pattern_message_id"] = "Hanya huruf."
    _, errors = validate_answers(version, {**VALID, "notes": "1234"}, language="id")
    assert errors["notes"] == ["Hanya huruf."]


def test_number_range_rule(personas):
    form = {"pages": [{"key": "p", "fields": [
        {"name": "size", "type": "number", "label_id": "Luas", "required": True, "min": 1, "max": 100}]}]}
    version = make_service(agency=personas.dpmptsp, code="reklame-x", form=form, documents=[])
    assert "size" in validate_answers(version, {"size": "0.5"})[1]
    assert "size" in validate_answers(version, {"size": "101"})[1]
    cleaned, errors = validate_answers(version, {"size": "12.5"})
    assert errors == {} and cleaned["size"] == 12.5
    assert validate_answers(version, {"size": 4})[0]["size"] == 4


def test_date_in_the_future_is_refused_when_max_is_today(version):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    _, errors = validate_answers(version, {**VALID, "reason": "lost", "lost_date": future})
    assert "lost_date" in errors


def test_show_if_hidden_field_is_not_required_and_dropped(version):
    cleaned, errors = validate_answers(version, {**VALID, "reason": "damaged", "lost_date": "not a date"})
    assert errors == {}
    assert "lost_date" not in cleaned


def test_show_if_visible_field_becomes_required(version):
    _, errors = validate_answers(version, {**VALID, "reason": "lost"})
    assert "lost_date" in errors


def test_visible_fields_follow_answers(version):
    assert "lost_date" in visible_fields(version, {"reason": "lost"})
    assert "lost_date" not in visible_fields(version, {"reason": "damaged"})
    assert "lost_date" not in visible_fields(version, {})


def test_documents_follow_show_if(version):
    assert [d["code"] for d in document_specs(version)] == ["kk", "police_report"]
    assert [d["code"] for d in document_specs(version, {"reason": "damaged"})] == ["kk"]
    assert [d["code"] for d in document_specs(version, {"reason": "lost"})] == ["kk", "police_report"]


def test_nik_field_refuses_wrong_length_and_letters(version):
    for bad in ("12345", "16060141019000AB", "16060141019000011"):
        _, errors = validate_answers(version, {**VALID, "nik": bad})
        assert "nik" in errors, bad


def test_region_field_offers_desa_grouped_by_kecamatan(version, region_tree):
    form = page_form(version, "applicant", language="id")
    choices = form.fields["village"].choices
    groups = {label: [code for code, _ in options] for label, options in choices[1:]}
    assert groups["Kecamatan Sekayu"] == ["16.06.01.1009", "16.06.01.2002", "16.06.01.2001"]
    assert "16.06.02.2001" in groups["Kecamatan Lais"]
    _, errors = validate_answers(version, {**VALID, "village": "16.06.01"})  # a kecamatan, not a desa
    assert "village" in errors


def test_phone_field(version):
    assert "phone" in validate_answers(version, {**VALID, "phone": "12345"})[1]
    assert validate_answers(version, {**VALID, "phone": "+62 812-3456-7890"})[0]["phone"] == "+6281234567890"


def test_page_form_labels_follow_language(version):
    assert page_form(version, "applicant", language="en").fields["full_name"].label == "Full name"
    assert page_form(version, "applicant", language="id").fields["full_name"].label == "Nama lengkap"


def test_page_form_renders_date_and_radio_inputs(version):
    html = page_form(version, "reason", language="id").as_div()
    assert 'type="date"' in html
    assert 'type="radio"' in html


def test_bound_page_form_keeps_other_pages_in_context(version):
    form = page_form(version, "reason", data={"reason": "lost"}, answers=VALID)
    assert not form.is_valid()
    assert "lost_date" in form.errors


def test_yesno_and_email_fields(personas):
    form = {"pages": [{"key": "p", "fields": [
        {"name": "agree", "type": "yesno", "label_id": "Setuju", "required": True},
        {"name": "mail", "type": "email", "label_id": "Email", "show_if": {"field": "agree", "equals": True}},
    ]}]}
    version = make_service(agency=personas.dukcapil, code="yesno", form=form, documents=[])
    assert validate_answers(version, {"agree": True, "mail": "x@example.org"}) == (
        {"agree": "yes", "mail": "x@example.org"}, {})
    assert "mail" in validate_answers(version, {"agree": "yes", "mail": "not-an-email"})[1]
    assert validate_answers(version, {"agree": "no", "mail": "not-an-email"}) == ({"agree": "no"}, {})


def test_file_field_checks_type_and_size(personas):
    form = {"pages": [{"key": "p", "fields": [
        {"name": "photo", "type": "file", "label_id": "Foto", "required": True, "types": ["jpg"],
         "max_bytes": 100}]}]}
    version = make_service(agency=personas.dukcapil, code="file", form=form, documents=[])
    bad_type = page_form(version, "p", data={}, files={"photo": SimpleUploadedFile("a.exe", b"MZ")})
    assert not bad_type.is_valid() and "a.exe" in bad_type.errors["photo"][0]
    too_big = page_form(version, "p", data={}, files={"photo": SimpleUploadedFile("a.jpg", b"x" * 101)})
    assert not too_big.is_valid() and "101 bytes" not in too_big.errors["photo"][0]
    # The content decides, as everywhere else files come in (simpul.core.files): a PNG named .jpg is refused
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, "PNG")
    renamed = page_form(version, "p", data={}, files={"photo": SimpleUploadedFile("a.jpg", png.getvalue())})
    assert not renamed.is_valid() and renamed.errors["photo"][0].startswith("Berkas a.jpg tidak bisa dibuka sebagai JPG.")
    # validate_answers leaves files to the cases app
    assert validate_answers(version, {}) == ({}, {})


@pytest.mark.parametrize(
    ("form", "documents", "needle"),
    [
        ({"pages": [{"key": "p", "fields": [{"name": "a", "type": "colour", "label_id": "A"}]}]}, [],
         "form.pages[0].fields[0].type"),
        ({"pages": [{"key": "p", "fields": [{"name": "a", "type": "text", "label_id": "A"},
                                            {"name": "a", "type": "text", "label_id": "B"}]}]}, [],
         "form.pages[0].fields[1].name"),
        ({"pages": [{"key": "p", "fields": [{"name": "a", "type": "text", "label_id": "A",
                                             "show_if": {"field": "nope", "equals": "x"}}]}]}, [],
         "form.pages[0].fields[0].show_if"),
        ({"pages": [{"key": "p", "fields": [{"name": "a", "type": "choice", "label_id": "A"}]}]}, [],
         "form.pages[0].fields[0].choices"),
        ({"pages": [{"key": "p", "fields": [{"name": "a", "type": "text", "label_id": "A"}]}]},
         [{"code": "x", "label_id": "X", "types": ["exe"]}], "documents[0].types"),
        ({"pages": [{"key": "p", "fields": [{"name": "a", "type": "text", "label_id": "A"}]}]},
         [{"code": "x", "label_id": "X", "show_if": {"field": "b", "equals": 1}}], "documents[0].show_if"),
    ],
)
def test_definition_errors_name_the_path(form, documents, needle):
    errors = definition_errors(form=form, documents=documents)
    assert any(needle in e for e in errors), errors


def test_sample_definition_has_no_errors():
    from simpul.catalog.tests.factories import SAMPLE_DOCUMENTS, SAMPLE_FORM

    assert definition_errors(form=SAMPLE_FORM, documents=SAMPLE_DOCUMENTS) == []


@given(st.text(max_size=40))
def test_normalised_phone_never_contains_separators(value):
    assert not any(ch in forms_engine.normalize_phone(value) for ch in " -().")


# -- field roles --------------------------------------------------------------------------------------------------


def _one_page(*fields):
    return {"pages": [{"key": "p", "fields": list(fields)}]}


def test_an_unknown_role_is_refused_in_indonesian_naming_the_field():
    form = _one_page({"name": "nama_warga", "type": "text", "label_id": "Nama", "role": "applicant_shoe_size"})
    with translation.override("id"):
        errors = definition_errors(form=form, documents=[])
    assert errors == [
        "form.pages[0].fields[0].role: peran 'applicant_shoe_size' tidak dikenal (yang boleh: applicant_name, "
        "applicant_nik, applicant_phone, applicant_email, applicant_address, applicant_village)"
    ]


def test_a_role_given_twice_is_refused_naming_both_fields():
    form = {"pages": [
        {"key": "p", "fields": [{"name": "nama_warga", "type": "text", "label_id": "Nama", "role": "applicant_name"}]},
        {"key": "q", "fields": [{"name": "nama_ibu", "type": "text", "label_id": "Ibu", "role": "applicant_name"}]},
    ]}
    with translation.override("en"):
        errors = definition_errors(form=form, documents=[])
    assert errors == ["form.pages[1].fields[0].role: the role 'applicant_name' is already given to "
                      "form.pages[0].fields[0]"]


def test_a_role_on_a_field_of_the_wrong_type_is_refused():
    form = _one_page({"name": "hp", "type": "text", "label_id": "HP", "role": "applicant_phone"})
    with translation.override("en"):
        errors = definition_errors(form=form, documents=[])
    assert errors == ["form.pages[0].fields[0].role: the role 'applicant_phone' needs a field of type phone"]


def test_each_role_on_a_fitting_field_is_accepted():
    form = _one_page(
        {"name": "nama_warga", "type": "text", "label_id": "Nama", "role": "applicant_name"},
        {"name": "nomor_induk", "type": "nik", "label_id": "NIK", "role": "applicant_nik"},
        {"name": "hp", "type": "phone", "label_id": "HP", "role": "applicant_phone"},
        {"name": "surel", "type": "email", "label_id": "Email", "role": "applicant_email"},
        {"name": "tempat_tinggal", "type": "textarea", "label_id": "Alamat", "role": "applicant_address"},
        {"name": "catatan", "type": "text", "label_id": "Catatan"},
    )
    assert definition_errors(form=form, documents=[]) == []
    assert [f["name"] for f in forms_engine.fields_with_role(form, forms_engine.FieldRole.APPLICANT_PHONE)] == ["hp"]
    assert forms_engine.role_field_names(form) == {"nama_warga", "nomor_induk", "hp", "surel", "tempat_tinggal"}


def test_answer_for_role_reads_the_declared_field_whatever_its_name():
    form = _one_page({"name": "full_name", "type": "text", "label_id": "Nama lain"},
                     {"name": "nama_warga", "type": "text", "label_id": "Nama", "role": "applicant_name"})
    answers = {"full_name": "Bukan Ini", "nama_warga": "Siti Aminah"}
    assert forms_engine.answer_for_role(form, answers, forms_engine.FieldRole.APPLICANT_NAME) == "Siti Aminah"
    assert forms_engine.answer_for_role(form, answers, forms_engine.FieldRole.APPLICANT_PHONE) == ""
    assert forms_engine.answer_for_role(form, {}, forms_engine.FieldRole.APPLICANT_NAME) == ""


# -- links and "one of two" ---------------------------------------------------------------------------------------

CONTACT_FORM = {"pages": [
    {"key": "where", "fields": [
        {"name": "village", "type": "region", "label_id": "Desa", "required": True},
        {"name": "photo_link", "type": "url", "label_id": "Tautan foto"}]},
    {"key": "who", "fields": [
        {"name": "hp", "type": "phone", "label_id": "Nomor HP", "required_unless": "mail"},
        {"name": "mail", "type": "email", "label_id": "Email"}]},
]}


@pytest.fixture
def contact(personas):
    return make_service(agency=personas.dukcapil, code="kontak", form=CONTACT_FORM, documents=[])


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JavaScript://example.org/%0Aalert(1)", "data:text/html,x",
                                  "file:///etc/passwd", "ftp://example.org/a.jpg", "https://", "vbscript:msgbox"])
def test_a_link_answer_is_http_or_https_only(contact, region_tree, link):
    _cleaned, errors = validate_answers(contact, {"village": "16.06.01.2001", "mail": "a@example.org",
                                                  "photo_link": link})
    assert errors == {"photo_link": ["Berikan tautan web lengkap yang diawali http:// atau https://."]}


def test_a_link_without_a_scheme_is_taken_as_https(contact, region_tree):
    cleaned, errors = validate_answers(contact, {"village": "16.06.01.2001", "mail": "a@example.org",
                                                 "photo_link": "example.org/foto/jalan.jpg"})
    assert errors == {} and cleaned["photo_link"] == "https://example.org/foto/jalan.jpg"


@given(st.text(max_size=60))
def test_whatever_is_typed_a_kept_link_is_http_or_https(text):
    field = forms_engine.LinkField(required=False)
    try:
        value = field.clean(text)
    except forms_engine.ValidationError:
        return
    assert value == "" or value.startswith(("http://", "https://"))


def test_required_unless_asks_for_one_of_two_on_any_page(contact, region_tree):
    answers = {"village": "16.06.01.2001"}
    assert validate_answers(contact, answers)[1] == {"hp": ["Isi bagian ini, atau isi “Email”."]}
    assert validate_answers(contact, {**answers, "mail": "a@example.org"})[1] == {}
    assert validate_answers(contact, {**answers, "hp": "081234567890"})[1] == {}
    assert page_form(contact, "who", data={"mail": "a@example.org"}).is_valid()
    assert not page_form(contact, "who", data={}).is_valid()
    # an email that is itself wrong is its own error, not a missing phone
    assert validate_answers(contact, {**answers, "mail": "bukan-email"})[1].keys() == {"mail"}


def test_required_unless_reads_the_other_pages_answers(personas):
    form = {"pages": [{"key": "one", "fields": [{"name": "mail", "type": "email", "label_id": "Email"}]},
                      {"key": "two", "fields": [{"name": "hp", "type": "phone", "label_id": "HP",
                                                 "required_unless": "mail"}]}]}
    version = make_service(agency=personas.dukcapil, code="dua-halaman", form=form, documents=[])
    assert page_form(version, "two", data={}, answers={"mail": "a@example.org"}).is_valid()
    assert not page_form(version, "two", data={}, answers={}).is_valid()


def test_optional_fields_may_be_left_empty_but_an_answer_is_still_checked(contact, region_tree):
    answers = {"mail": "a@example.org"}
    assert validate_answers(contact, answers)[1].keys() == {"village"}
    assert validate_answers(contact, answers, optional={"village"})[1] == {}
    assert validate_answers(contact, {**answers, "village": "99.99"}, optional={"village"})[1].keys() == {"village"}
    assert validate_answers(contact, answers)[1].keys() == {"village"}  # the cached form classes stay apart


def test_required_unless_must_name_another_field():
    form = {"pages": [{"key": "p", "fields": [
        {"name": "hp", "type": "phone", "label_id": "HP", "required_unless": "surel"},
        {"name": "mail", "type": "email", "label_id": "Email", "required_unless": "mail"}]}]}
    errors = definition_errors(form=form, documents=[])
    assert errors == [
        "form.pages[0].fields[0].required_unless: tidak menyebut bidang lain dari formulir ini ('surel')",
        "form.pages[0].fields[1].required_unless: tidak menyebut bidang lain dari formulir ini ('mail')",
    ]
