"""Any kabupaten with one setting: an installation of Kabupaten Banyuasin (16.07) boots from the national region
tree, names itself Banyuasin, gives references of its own and offers none of Musi Banyuasin's regions."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import re
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from simpul.agencies.models import Agency, AgencyKind
from simpul.agencies.services import agency_create
from simpul.cases.models import Case
from simpul.cases.reference_numbers import normalise_reference
from simpul.cases.tests.factories import PDF_BYTES
from simpul.catalog.tests.factories import make_service
from simpul.clients.services import api_client_create, api_key_issue
from simpul.regions.models import Region, RegionLevel
from simpul.regions.national import NATIONAL_FILE

BANYUASIN = "16.07"


def _national_counts(code: str) -> tuple[int, int]:
    """Kecamatan and villages of one kabupaten, counted straight from the shipped national file."""
    with gzip.open(NATIONAL_FILE, "rt", encoding="utf-8", newline="") as handle:
        codes = [row["code"] for row in csv.DictReader(handle) if row["code"].startswith(code + ".")]
    return sum(c.count(".") == 2 for c in codes), sum(c.count(".") == 3 for c in codes)


@pytest.fixture
def banyuasin(db: Any, settings: Any) -> None:
    settings.SIMPUL_KABUPATEN_CODE = BANYUASIN
    call_command("reference", stdout=io.StringIO())


def test_reference_loads_banyuasin_and_nothing_of_musi_banyuasin(banyuasin: None) -> None:
    kecamatan, villages = _national_counts(BANYUASIN)
    assert (kecamatan, villages) == (21, 313)
    assert Region.objects.get(code=BANYUASIN).name == "Kabupaten Banyuasin"
    assert Region.objects.filter(level=RegionLevel.KECAMATAN, parent_id=BANYUASIN).count() == kecamatan
    assert Region.objects.filter(level=RegionLevel.DESA, code__startswith=BANYUASIN + ".").count() == villages
    assert set(Region.objects.values_list("code", flat=True)) == {"16", BANYUASIN} | set(
        Region.objects.filter(code__startswith=BANYUASIN + ".").values_list("code", flat=True))
    # One office per kecamatan of Banyuasin; Musi Banyuasin's OPDs are not Banyuasin's.
    assert set(Agency.objects.values_list("kind", flat=True)) == {AgencyKind.KECAMATAN}
    assert Agency.objects.filter(region__parent_id=BANYUASIN).count() == kecamatan


def test_the_demo_stays_musi_banyuasins_unless_forced(banyuasin: None, settings: Any) -> None:
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "not loaded for 16.07" in out.getvalue()
    assert not Region.objects.filter(code__startswith="16.06").exists()
    assert not Agency.objects.exclude(kind=AgencyKind.KECAMATAN).exists()


def test_a_case_submitted_in_banyuasin_carries_its_prefix(banyuasin: None, client: Any) -> None:
    kecamatan = Region.objects.filter(level=RegionLevel.KECAMATAN, parent_id=BANYUASIN).order_by("code").first()
    village = Region.objects.filter(level=RegionLevel.DESA, parent=kecamatan).order_by("code").first()
    dukcapil = agency_create(code="disdukcapil-banyuasin", name="Dinas Kependudukan dan Pencatatan Sipil",
                             kind=AgencyKind.DINAS, region=kecamatan)
    make_service(agency=dukcapil)
    api_client = api_client_create(name="Kios desa Banyuasin", scopes=["cases:intake"])
    _key, secret = api_key_issue(client=api_client)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answers = {"nik": kecamatan.code.replace(".", "") + "4101900001", "full_name": "Siti Warga",
               "village": village.code, "phone": "081234567890", "reason": "damaged", "notes": "KTP patah"}
    body = {"service": "ktp-el-penggantian", "answers": answers,
            "documents": [{"code": "kk", "filename": "kk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}

    response = api.post("/api/v1/cases/", data=json.dumps(body), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert re.fullmatch(r"BANY-\d{2}-[2-9A-Y]{5}-[2-9A-Y]", reference)
    assert normalise_reference(reference.lower().replace("bany-", "")) == reference
    case = Case.objects.get(reference=reference)
    assert case.agency == dukcapil and case.desa_id == village.code
    status = APIClient().get(f"/api/v1/cases/{reference}/status", HTTP_X_CASE_PIN=response.json()["pin"])
    assert status.status_code == 200


def test_pages_name_banyuasin_and_offer_only_its_villages(banyuasin: None, client: Any) -> None:
    home = client.get("/").content.decode()
    assert "Kabupaten Banyuasin" in home and "Musi" not in home
    signup = client.get("/akun/daftar/warga/").content.decode()
    offered = set(re.findall(r'<option value="(\d{2}\.[\d.]+)"', signup))
    assert len(offered) == _national_counts(BANYUASIN)[1]
    assert all(code.startswith(BANYUASIN + ".") for code in offered)
    assert "BANY-26-7K3QX-" in client.get("/lacak/").content.decode()
