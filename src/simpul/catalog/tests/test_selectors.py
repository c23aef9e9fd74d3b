"""Catalog search works in Indonesian: case, accents, hyphens and word order do not matter."""

from __future__ import annotations

import unicodedata

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from simpul.catalog.models import normalize_search
from simpul.catalog.selectors import service_apply_blocker, service_get, service_list
from simpul.catalog.services import service_set_active, service_version_draft_from


def codes(**kwargs):
    return {v.service.code for v in service_list(**kwargs)}


def ranked(query):
    return [v.service.code for v in service_list(query=query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ktp", {"ktp-el-baru", "ktp-el-penggantian"}),
        ("KTP-EL", {"ktp-el-baru", "ktp-el-penggantian"}),
        ("ktp el hilang", {"ktp-el-penggantian"}),
        ("perubahan kk", {"kk-perubahan"}),
        ("akta kelahiran", {"akta-kelahiran"}),
        ("Kelahiran AKTA", {"akta-kelahiran"}),
        ("pindah", {"surat-pindah"}),
        ("reklame", {"izin-reklame"}),
        ("informasi publik", {"permintaan-informasi-publik"}),
        ("jalan", {"pengaduan-infrastruktur"}),
        ("dukcapil akta", {"akta-kelahiran", "akta-kematian"}),
        ("birth certificate", {"akta-kelahiran"}),
        ("zzzz", set()),
    ],
)
def test_search_puts_services_named_by_the_words_first(demo_catalog, query, expected):
    found = ranked(query)
    assert set(found[: len(expected)]) == expected, found
    if not expected:
        assert found == []


def test_search_also_finds_words_in_descriptions(demo_catalog):
    assert ranked("ktp")[2:] == ["pengaduan-kependudukan"]  # its description names KTP-el
    assert "kk-perubahan" in ranked("pindah")


def test_accents_are_ignored(demo_catalog):
    assert "izin-reklame" in codes(query="perizínan")
    assert codes(query="perizínan") == codes(query="PERIZINAN")


def test_filter_by_kind_and_audience(demo_catalog):
    assert len(codes(kind="pengaduan")) == 5
    assert codes(audience="business") == {"izin-reklame"}
    assert codes(kind="informasi") == {"permintaan-informasi-publik"}
    assert len(codes()) == 13


def test_inactive_and_unpublished_services_are_hidden(demo_catalog):
    version = service_get("surat-pindah")
    service_set_active(service=version.service, is_active=False, actor=demo_catalog.admin)
    assert "surat-pindah" not in codes()
    with pytest.raises(Http404):
        service_get("surat-pindah")


def test_service_get_returns_the_current_published_version(demo_catalog):
    v1 = service_get("akta-kematian")
    service_version_draft_from(version=v1, actor=demo_catalog.admin)  # a draft is not shown
    assert service_get("akta-kematian").pk == v1.pk
    assert ranked("kematian")[0] == "akta-kematian"


def test_business_service_needs_a_business_account(demo_catalog):
    from django.contrib.auth.models import AnonymousUser

    reklame = service_get("izin-reklame")
    assert service_apply_blocker(version=reklame, user=AnonymousUser())
    assert service_apply_blocker(version=reklame, user=demo_catalog.citizen)
    assert service_apply_blocker(version=service_get("ktp-el-baru"), user=AnonymousUser()) is None


def test_business_with_profile_may_apply(demo_catalog):
    from simpul.accounts.models import BusinessProfile

    BusinessProfile.objects.create(user=demo_catalog.business, business_name="CV Maju Jaya", nib="1234567890123",
                                   kbli_codes=["73100"], address="Jl. Merdeka 1", desa=demo_catalog.desa)
    user = type(demo_catalog.business).objects.get(pk=demo_catalog.business.pk)
    assert service_apply_blocker(version=service_get("izin-reklame"), user=user) is None


@given(st.text(max_size=60))
def test_normalised_search_text_is_stable_plain_and_lower_case(text):
    once = normalize_search(text)
    assert normalize_search(once) == once
    assert once == once.casefold()
    assert "  " not in once and once == once.strip()
    assert not any(unicodedata.combining(ch) for ch in once)


def test_normalise_examples():
    assert normalize_search("  KTP-el  Perizínan!") == "ktp el perizinan"
    assert normalize_search("Sérvice Ümlaut") == "service umlaut"


# -- what people type (issue 15): synonyms per kabupaten, search words, descriptions ---------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("akte lahir", ["akta-kelahiran"]),
        ("Akte Kelahiran", ["akta-kelahiran"]),
        ("cara mengurus akte kelahiran", ["akta-kelahiran"]),  # "cara", "mengurus": words that say nothing
        ("aktakelahiran", ["akta-kelahiran"]),  # spaces left out
        ("ektp", ["ktp-el-baru", "ktp-el-penggantian", "pengaduan-kependudukan"]),
        ("e-ktp", ["ktp-el-baru", "ktp-el-penggantian", "pengaduan-kependudukan"]),
        ("E KTP", ["ktp-el-baru", "ktp-el-penggantian", "pengaduan-kependudukan"]),
        ("kartu keluarga hilang", ["kk-perubahan"]),
        ("KK hilang", ["kk-perubahan"]),
        ("kartukeluarga hilang", ["kk-perubahan"]),
        ("ijin reklame", ["izin-reklame"]),
    ],
)
def test_search_finds_what_people_type(demo_catalog, query, expected):
    assert ranked(query) == expected


def test_pungli_finds_the_complaint_services_whose_topic_covers_illegal_fees(demo_catalog):
    found = ranked("pungli")
    assert set(found) == {"pengaduan-infrastruktur", "pengaduan-kependudukan", "pengaduan-perizinan",
                          "pengaduan-layanan-internet", "pengaduan-lainnya"}
    assert ranked("pungutan liar") == found == ranked("PUNGLI")
    for code in found:  # each of them asks what the complaint is about, and offers illegal fees as a topic
        topic = next(f for p in service_get(code).form["pages"] for f in p["fields"] if f["name"] == "complaint_topic")
        assert "pungli" in {choice["value"] for choice in topic["choices"]}


def test_the_search_words_of_a_service_are_searched(demo_catalog):
    from simpul.catalog.services import service_set_keywords

    assert ranked("kapal motor") == []
    service_set_keywords(service=service_get("surat-pindah").service, keywords="pindah naik kapal motor",
                         actor=demo_catalog.admin)
    assert ranked("kapal motor") == ["surat-pindah"]
    service_set_keywords(service=service_get("surat-pindah").service, keywords=[], actor=demo_catalog.admin)
    assert ranked("kapal motor") == []


def test_a_word_of_a_description_is_found_as_well_as_a_name(demo_catalog):
    assert ranked("60 hari") == ["akta-kelahiran"]  # "wajib dilaporkan paling lambat 60 hari" (its description)


def test_a_short_synonym_is_a_whole_word_and_a_longer_one_starts_a_word(demo_catalog):
    # "lapor" (a synonym of pengaduan) is not the "lapor" of "dilaporkan" in the birth certificate's description
    assert "akta-kelahiran" not in ranked("lapor")
    assert "akta-kelahiran" in codes(query="dilaporkan")  # a word typed is found inside any word


def test_search_reads_the_query_in_one_query(demo_catalog, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert ranked("kartu keluarga hilang") == ["kk-perubahan"]


def test_the_catalogue_by_kind_lists_every_service_once_applications_first(demo_catalog):
    from simpul.catalog.selectors import catalogue_by_kind

    groups = catalogue_by_kind()
    assert [label for label, _members in groups] == ["Permohonan layanan", "Perizinan", "Permintaan informasi publik",
                                                       "Pengaduan"]
    listed = [v.service.code for _label, members in groups for v in members]
    assert sorted(listed) == sorted(codes()) and len(listed) == 13
