"""Catalog pages: list with search, service page with requirements; small, accessible, no JavaScript."""

from __future__ import annotations

import re

from django.urls import reverse

from simpul.conftest import login

MAX_PAGE_BYTES = 14 * 1024


def test_list_page_shows_every_service(client, demo_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/layanan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) <= MAX_PAGE_BYTES
    assert html.count("<h1") == 1
    assert "Akta kelahiran" in html and "Izin reklame" in html
    assert "Gratis" in html
    assert "Permohonan tidak dipungut biaya." in html  # reklame: the levy comes after verification
    # JavaScript is only an optional enhancement: no inline script, external scripts deferred.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all("src=" in tag and "defer" in tag for tag in scripts), scripts


def test_search_keeps_the_query_and_filters(client, demo_catalog):
    response = client.get("/layanan/", {"q": "KTP-EL"})
    html = response.content.decode()
    assert 'value="KTP-EL"' in html
    assert "Penggantian KTP-el" in html and "Akta kelahiran" not in html
    assert "3 layanan ditemukan" in html
    assert html.index("Penggantian KTP-el") < html.index("Pengaduan layanan kependudukan")


def test_filter_by_kind(client, demo_catalog):
    html = client.get("/layanan/", {"kind": "pengaduan"}).content.decode()
    assert "Pengaduan lainnya" in html and "Akta kelahiran" not in html
    assert client.get("/layanan/", {"kind": "bogus"}).status_code == 200


def test_no_results_offer_the_catalogue_by_kind_and_the_complaint_form(client, demo_catalog):
    response = client.get("/layanan/", {"q": "kapal selam"})
    html = response.content.decode()
    assert response.status_code == 200 and len(response.content) <= MAX_PAGE_BYTES
    assert "0 layanan ditemukan." in html
    assert "<h2>Tidak ada layanan untuk “kapal selam”</h2>" in html
    assert "coba kata yang lebih pendek" not in html.lower()
    assert '<a href="/pengaduan/">Ada masalah, atau petugas meminta uang? Kirim pengaduan</a>' in html
    browse = html[html.index("Semua layanan, menurut jenisnya"):]
    headings = re.findall(r"<h3>([^<]+)</h3>", browse)
    assert headings == ["Permohonan layanan", "Perizinan", "Permintaan informasi publik", "Pengaduan"]
    links = re.findall(r'<li><a href="/layanan/([a-z0-9-]+)/">', browse)
    assert len(links) == 13 == len(set(links)) and "akta-kelahiran" in links
    assert html.count("<h1") == 1


def test_a_search_that_finds_services_shows_no_catalogue_below(client, demo_catalog):
    html = client.get("/layanan/", {"q": "akte lahir"}).content.decode()
    assert "1 layanan ditemukan." in html and "Akta kelahiran" in html
    assert "Semua layanan, menurut jenisnya" not in html


def test_the_search_is_served_from_the_page_cache_and_changes_with_the_search_words(client, demo_catalog,
                                                                                    settings):
    from simpul.catalog.selectors import service_get
    from simpul.catalog.services import service_set_keywords

    settings.SIMPUL_PAGE_CACHE_SECONDS = 60
    assert "0 layanan ditemukan." in client.get("/layanan/", {"q": "kapal motor"}).content.decode()
    service_set_keywords(service=service_get("surat-pindah").service, keywords=["kapal motor"],
                         actor=demo_catalog.admin)
    assert "1 layanan ditemukan." in client.get("/layanan/", {"q": "kapal motor"}).content.decode()


def test_no_results_in_english(client, demo_catalog):
    html = client.get("/en/layanan/", {"q": "submarine"}).content.decode()
    assert "Nothing found for “submarine”" in html
    assert '<a href="/en/pengaduan/">A problem, or an officer asking for money? Send a complaint</a>' in html
    assert "<h3>Service application</h3>" in html


def test_service_page_shows_requirements(client, demo_catalog):
    response = client.get(reverse("catalog:detail", kwargs={"code": "ktp-el-penggantian"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) <= MAX_PAGE_BYTES
    assert "Dinas Administrasi Kependudukan dan Pencatatan Sipil" in html
    assert "3 hari kerja" in html
    assert "Gratis" in html
    assert "UU 23/2006" in html
    assert "Surat keterangan kehilangan dari kepolisian" in html
    assert re.search(r'href="/layanan/ktp-el-penggantian/ajukan/"', html)
    assert "Ajukan sekarang" in html


def test_service_page_in_english(client, demo_catalog):
    html = client.get("/en/layanan/ktp-el-penggantian/").content.decode()
    assert "KTP-el replacement" in html
    assert "3 working days" in html
    assert "Free" in html
    assert 'href="/en/layanan/ktp-el-penggantian/ajukan/"' in html


def test_ppid_page_shows_extension(client, demo_catalog):
    html = client.get("/layanan/permintaan-informasi-publik/").content.decode()
    assert "10 hari kerja" in html and "7 hari kerja" in html


def test_business_page_asks_for_a_business_account(client, demo_catalog):
    html = client.get("/layanan/izin-reklame/").content.decode()
    assert "akun usaha" in html
    assert "Ajukan sekarang" not in html
    login(client, demo_catalog.citizen)
    html = client.get("/layanan/izin-reklame/").content.decode()
    assert "NIB" in html and "Ajukan sekarang" not in html


def test_unknown_service_is_404(client, demo_catalog):
    assert client.get("/layanan/tidak-ada/").status_code == 404


def test_rupiah_and_fee_summary_filters():
    from types import SimpleNamespace

    from simpul.catalog.templatetags.humanize_rupiah import fee_summary, rupiah

    assert rupiah(150000) == "Rp 150.000"
    assert rupiah(0) in {"Gratis", "Free"}
    assert fee_summary(SimpleNamespace(fee_note="Gratis. Tidak dipungut biaya.", fee_rupiah=0)) == "Gratis."
    assert fee_summary(SimpleNamespace(fee_note="", fee_rupiah=25000)) == "Rp 25.000"


def test_complaints_page_lists_every_category_with_its_agency_and_apply_link(
    client, demo_catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/pengaduan/")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert len(response.content) <= MAX_PAGE_BYTES
    for code in ("pengaduan-infrastruktur", "pengaduan-kependudukan", "pengaduan-perizinan",
                 "pengaduan-layanan-internet", "pengaduan-lainnya"):
        assert f"/layanan/{code}/ajukan/" in html
    assert "Dinas PU" in html and "Ditangani oleh" in html
    assert 'href="/lacak/"' in html
    assert "ktp-el-baru" not in html  # only complaint services


def test_complaints_page_in_english(client, demo_catalog):
    html = client.get("/en/pengaduan/").content.decode()
    assert "Send a complaint" in html and "/en/layanan/pengaduan-lainnya/ajukan/" in html
