"""Test helpers for complaints: the real complaint services of the catalog data, the complaint-handling unit
(Inspektorat) with an officer, and a citizen's complaint sent through the portal's pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.agencies.models import Agency, AgencyKind, Membership, MembershipRole
from simpul.cases.models import Case, Draft
from simpul.conftest import make_user

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"

REPORTER = {"full_name": "Rahmat Pelapor", "phone": "081377778888", "email": "rahmat.pelapor@example.org"}
COMPLAINT = {
    "title": "Diminta uang untuk KTP-el",
    "description": "Petugas di loket meminta uang Rp200.000 agar KTP-el saya cepat dicetak, padahal gratis.",
    "location_village": "16.06.01.2001",
}


def complaint_service(code: str = "pengaduan-kependudukan") -> Any:
    from simpul.catalog.selectors import service_get
    from simpul.catalog.services import service_import_yaml

    service_import_yaml(text=(DATA / f"{code}.yaml").read_text(), actor=None)
    return service_get(code)


@pytest.fixture
def inspektorat(personas: Any) -> Agency:
    agency, _ = Agency.objects.get_or_create(
        code="inspektorat", defaults={"name": "Inspektorat", "short_name": "Inspektorat",
                                      "kind": AgencyKind.INSPEKTORAT, "handles_complaints": True})
    return agency


@pytest.fixture
def auditor(inspektorat: Agency) -> Any:
    """An officer of the complaint-handling unit."""
    user = make_user("auditor@test.simpul", Role.OFFICER, full_name="Petugas Inspektorat")
    Membership.objects.get_or_create(user=user, agency=inspektorat, defaults={"role": MembershipRole.OFFICER})
    return user


@pytest.fixture
def kependudukan(personas: Any, inspektorat: Agency) -> Any:
    return complaint_service("pengaduan-kependudukan")


def portal_complaint(client: Any, version: Any, *, first: dict[str, str], reporter: dict[str, str]) -> tuple[Case, str]:
    """Send a complaint through the portal's pages as a citizen would; returns the case and its PIN."""
    code = version.service.code
    start = client.get(reverse("cases:apply_start", kwargs={"code": code}))
    assert start.status_code == 302
    draft = Draft.objects.latest("id")
    pages = [p["key"] for p in version.form["pages"]]
    for key, answers in zip(pages, (first, reporter), strict=True):
        url = reverse("cases:apply_page", kwargs={"code": code, "token": draft.token, "page": key})
        response = client.post(url, {**answers, "idempotency_key": draft.idempotency_key})
        assert response.status_code == 302, response.content.decode()[:3000]
    documents = client.post(reverse("cases:apply_documents", kwargs={"code": code, "token": draft.token}), {})
    assert documents.status_code == 302, documents.content.decode()[:3000]
    done = client.post(reverse("cases:apply_review", kwargs={"code": code, "token": draft.token}),
                       {"idempotency_key": draft.idempotency_key})
    assert done.status_code == 302, done.content.decode()[:3000]
    page = client.get(done["Location"]).content.decode()
    case = Case.objects.get(idempotency_key=draft.idempotency_key)  # the draft is gone once its case exists
    pin = re.search(r"\b(\d{6})\b", page.split(case.reference, 1)[-1])
    assert pin, page[:2000]
    return case, pin.group(1)
