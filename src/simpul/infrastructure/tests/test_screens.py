"""The registry's screens as staff read them: costs, upgrade options, applications, planner and map."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest

from simpul.conftest import login
from simpul.infrastructure import demo, reference
from simpul.infrastructure.forms import PlannerForm
from simpul.infrastructure.models import Application, UpgradeOption
from simpul.infrastructure.tests.factories import (
    LinkFactory,
    NeedStandardFactory,
    SiteFactory,
    UpgradeOptionFactory,
)
from simpul.regions.models import Region

pytestmark = pytest.mark.django_db


def test_links_without_a_recorded_cost_show_a_dash_and_say_why(client: Any, personas: Any) -> None:
    LinkFactory(site=SiteFactory(name="Dinas Kesehatan"), monthly_cost_idr=None)
    LinkFactory(site=SiteFactory(name="Kantor Desa Sukarami"), monthly_cost_idr=2_500_000)
    login(client, personas.officer)
    html = client.get("/infrastruktur/jaringan/").content.decode()
    assert "None" not in html
    assert "2.500.000" in html
    assert "—: tidak ada biaya bulanan yang tercatat untuk 1 jaringan" in html


@pytest.mark.parametrize("typed", ["500.000.000", "Rp 500.000.000", "Rp500.000.000,00", "500000000", "rp. 500.000.000,-"])
def test_the_planner_takes_a_budget_written_the_indonesian_way(typed: str, region_tree: Any) -> None:
    form = PlannerForm({"budget": typed, "horizon_months": 12})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["budget"] == 500_000_000


@pytest.mark.parametrize("typed", ["lima ratus juta", "5.00", "-5", "50.0000", "9" * 5000])
def test_the_planner_refuses_what_is_no_amount_in_words_a_person_understands(typed: str, region_tree: Any) -> None:
    form = PlannerForm({"budget": typed, "horizon_months": 12})
    assert not form.is_valid()
    assert form.errors["budget"] == ["Tulis jumlah dalam rupiah dengan angka, misalnya 500.000.000."]


def test_the_planner_names_each_site_with_its_kecamatan_and_shows_what_differs(client: Any, personas: Any) -> None:
    NeedStandardFactory()
    # Greedy takes the best people per rupiah first (Sekayu, 1,005 people for Rp 2 million), then cannot afford
    # Danau Cala; the exact plan spends the budget on Danau Cala (4,005 people for Rp 9 million).
    sekayu = SiteFactory(name="Kantor Desa Gajah Mati", residents_served=1000)
    lais = SiteFactory(name="Kantor Desa Gajah Mati", residents_served=4000,
                       region=Region.objects.get(code="16.06.02.2001"))
    UpgradeOptionFactory(site=sekayu, one_off_cost_idr=2_000_000, monthly_cost_idr=0, resulting_mbps=Decimal("20"))
    UpgradeOptionFactory(site=lais, one_off_cost_idr=9_000_000, monthly_cost_idr=0, resulting_mbps=Decimal("20"))
    login(client, personas.officer)
    page = client.get("/infrastruktur/perencana/", {"budget": "Rp 10.000.000", "horizon_months": "12"})
    assert page.status_code == 200
    plan = page.context["plan"]
    assert [(r.site.pk, r.kecamatan.name) for r in plan.rows] == [(lais.pk, "Lais")]
    assert [(r.site.pk, r.people, r.cost) for r in plan.only_exact] == [(lais.pk, 4005, 9_000_000)]
    assert [(r.site.pk, r.people, r.cost) for r in plan.only_greedy] == [(sekayu.pk, 1005, 2_000_000)]
    assert plan.shared == 0
    html = page.content.decode()
    assert "Hanya rencana terbaik" in html and "Hanya cara sederhana" in html
    rows = re.findall(r"<tr><th scope=\"row\"><a [^>]*>Kantor Desa Gajah Mati</a></th><td>(\w+)</td>", html)
    assert sorted(rows) == ["Lais", "Lais", "Sekayu"]  # the difference table (both) and the plan (Lais)
    export = client.get("/infrastruktur/perencana/", {"budget": "10.000.000", "horizon_months": "12",
                                                       "format": "csv"})
    assert export.content.decode("utf-8-sig").splitlines()[1].split(",")[1:3] == ["Kantor Desa Gajah Mati", "Lais"]


def test_the_same_plan_by_both_methods_is_said_in_words(client: Any, personas: Any) -> None:
    NeedStandardFactory()
    UpgradeOptionFactory(site=SiteFactory(), one_off_cost_idr=1_000_000, monthly_cost_idr=0,
                         resulting_mbps=Decimal("20"))
    login(client, personas.officer)
    html = client.get("/infrastruktur/perencana/", {"budget": "5.000.000", "horizon_months": "12"}).content.decode()
    assert "Kedua cara memilih peningkatan yang sama (1 lokasi)." in html
    assert "Hanya rencana terbaik" not in html


def test_the_registry_map_draws_sites_and_kecamatan_outlines_on_the_server(client: Any, personas: Any) -> None:
    for i, (lat, lon) in enumerate([("-2.90", "103.80"), ("-2.95", "103.90"), ("-2.85", "103.95")]):
        site = SiteFactory(code=f"m{i}", name=f"Kantor Desa M{i}", latitude=Decimal(lat), longitude=Decimal(lon))
        if i == 0:
            LinkFactory(site=site)
    SiteFactory(code="far", region=Region.objects.get(code="16.06.02.2001"), latitude=Decimal("-2.40"),
                longitude=Decimal("104.30"))
    SiteFactory(code="nowhere")
    login(client, personas.officer)
    page = client.get("/infrastruktur/lokasi/")
    html = page.content.decode()
    svg = html[html.index('<svg class="chart site-map"'):html.index("</svg>", html.index("site-map")) + 6]
    assert "<title" in svg and "<desc" in svg
    assert svg.count("<polygon") == 1  # Sekayu's three sites; Lais has one, drawn as a dot only
    assert svg.count("<circle") == 1 and svg.count("<rect") == 1 + 3  # frame + three without an active link
    assert ">Sekayu</text>" in svg and ">Lais</text>" in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    counts = re.findall(r"<tr><th scope=\"row\">(\w+)</th><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                        r"<td class=\"num\">(\d+)</td></tr>", html)
    assert counts == [("Lais", "1", "0", "1"), ("Sekayu", "3", "1", "2")]
    assert "1 lokasi belum punya koordinat dan tidak ada di peta." in html


def test_study_applications_read_in_indonesian_with_english_as_the_second_language(client: Any,
                                                                                  personas: Any) -> None:
    reference.load_paper_applications(stdout=io.StringIO())
    app = Application.objects.get(code="web-mubakab")
    assert (app.purpose, app.purpose_en) == ("Server web kabupaten", "Regency web server")
    assert app.source.startswith("Kajian 2020") and "Study" not in app.source
    login(client, personas.officer)
    assert "Server web kabupaten" in client.get("/infrastruktur/aplikasi/").content.decode()
    english = client.get("/en/infrastruktur/aplikasi/")
    assert "Regency web server" in english.content.decode()


def test_sample_upgrade_options_carry_no_code_as_their_label(settings: Any, region_tree: Any) -> None:
    demo.load_sample(stdout=io.StringIO())
    assert UpgradeOption.objects.exists()
    assert not UpgradeOption.objects.filter(label__contains="(sample)").exists()


def test_the_migration_rewrites_shipped_english_texts_and_leaves_edited_rows_alone(region_tree: Any) -> None:
    from importlib import import_module

    from django.apps import apps

    from simpul.infrastructure.tests.factories import ApplicationFactory

    migration = import_module("simpul.infrastructure.migrations.0003_shipped_texts_in_indonesian")
    shipped = ApplicationFactory(code="web-mubakab", purpose="Regency web server", purpose_en="", source=(
        "Study 2020 (Dinkominfo & Dinas PMD Muba). Owner: the host named in the study (Dinkominfo). The study "
        "spells it 'mukabab.go.id'."))
    edited = ApplicationFactory(code="cctv-jalan", purpose="CCTV di simpang Sekayu", source="Dinkominfo 2025")
    option = UpgradeOptionFactory(site=SiteFactory(sample=True), technology="cellular", label="cellular (sample)",
                                  is_sample=True)
    migration.forwards(apps, None)
    shipped.refresh_from_db()
    edited.refresh_from_db()
    option.refresh_from_db()
    assert (shipped.purpose, shipped.purpose_en) == ("Server web kabupaten", "Regency web server")
    assert shipped.source.startswith("Kajian 2020 (Dinkominfo & Dinas PMD Muba). Pemilik:")
    assert (edited.purpose, edited.source) == ("CCTV di simpang Sekayu", "Dinkominfo 2025")
    assert option.label == ""
