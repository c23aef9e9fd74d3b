"""Open311 as a generic client speaks it: the `georeport` client library from PyPI, in JSON and in XML, against a
live server, as the reporter of a complaint service whose definition has required attributes.

The library reads (services, a service definition, requests) the way any GeoReport v2 client does: it takes the
spec's URLs and parses JSON, or XML with xmltodict. It has no call to post a request (its documentation says so),
so `Reporter` adds one in the library's own manner: a form-encoded POST of the spec's parameters with `api_key`,
the answer parsed like the library's other answers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import xmltodict
from georeport import GeoReport

from simpul.cases.actions import case_transition
from simpul.cases.constants import CaseAction, IdentityProtection, NoteAudience
from simpul.cases.models import Case
from simpul.catalog.selectors import service_get
from simpul.catalog.services import service_import_yaml
from simpul.clients.services import api_client_create, api_key_issue

DATA = Path(__file__).resolve().parents[2] / "catalog" / "data" / "musi-banyuasin"
KEY = "test-open311-client-key"
CODE = "pengaduan-infrastruktur"
FORMATS = ["json", "xml"]

EMAIL_ONLY = "warga.surel@example.org"
SECRET_NAME, SECRET_PHONE, SECRET_EMAIL = "Rahasia Pelapor", "081298765432", "rahasia.pelapor@example.org"
CONFIDENTIAL_TEXT = "Petugas kecamatan meminta uang agar laporan jalan rusak kami diteruskan ke dinas."
INTERNAL_NOTE = "Catatan internal: pelapor ini sudah tiga kali mengadu, cek dulu ke lapangan."
PUBLIC_NOTE = "Kami menunggu alat berat dari dinas; perbaikan dijadwalkan bulan depan."

pytestmark = pytest.mark.django_db(transaction=True)


class Reporter(GeoReport):
    """The library's client with the one call it lacks: POST Service Request (form-encoded, as the spec says)."""

    def post_service_request(self, **params: Any) -> dict[str, Any]:
        response = requests.post(f"{self.root_address}/requests.{self.output_format}",
                                 data={**params, "api_key": self.api_key}, timeout=30)
        response.raise_for_status()
        if self.output_format == "json":
            return response.json()[0]
        return xmltodict.parse(response.content)["service_requests"]["request"]


def _listed(value: Any) -> list[Any]:
    """xmltodict gives one repeated element as a dict and none as None: as a list, like JSON."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _attributes(definition: dict[str, Any], fmt: str) -> list[dict[str, Any]]:
    if fmt == "json":
        return definition["attributes"]
    found = []
    for item in _listed((definition.get("attributes") or {}).get("attribute")):
        values = _listed((item.get("values") or {}).get("value"))
        found.append({**item, "required": item["required"] == "true", "values": values})
    return found


@pytest.fixture
def service(personas):
    """The infrastructure complaint with a required topic: a definition with a required attribute to answer."""
    text = (DATA / f"{CODE}.yaml").read_text().replace("dinas-pu", "disdukcapil")
    head, _marker, tail = text.rpartition("        required: false\n        hint_id: Pengaduan tentang petugas")
    text = head + "        required: true\n        hint_id: Pengaduan tentang petugas" + tail  # the published version
    service_import_yaml(text=text, actor=None)
    return service_get(CODE)


@pytest.fixture
def reporter_key(transactional_db):
    row = api_client_create(name="Open311 reporter app", scopes=["cases:intake"],
                            allowed_service_kinds=["pengaduan"], rate_limit_per_minute=0)
    api_key_issue(client=row, secret=KEY)
    return row


def _client(live_server: Any, fmt: str, *, key: str | None = KEY) -> Reporter:
    return Reporter(f"{live_server.url}/open311/v2", api_key=key, output_format=fmt)


def _answers(client: Reporter) -> dict[str, str]:
    """What a generic client sends: every required attribute of the definition, answered with its first value."""
    answers = {}
    for attribute in _attributes(client.get_service_definition(CODE), client.output_format):
        if attribute["required"]:
            values = attribute["values"]
            answers[f"attribute[{attribute['code']}]"] = values[0]["key"] if values else "2026-01-31"
    return answers


def _post(client: Reporter, **params: str) -> Case:
    created = client.post_service_request(service_code=CODE, **_answers(client), **params)
    return Case.objects.get(reference=created["service_request_id"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_client_discovers_the_complaint_services(live_server, service, region_tree, fmt):
    services = _listed(_client(live_server, fmt).get_service_list())
    found = next(s for s in services if s["service_code"] == CODE)
    assert found["metadata"] in (True, "true")  # JSON's true is XML's "true": both say "has a definition"
    assert found["type"] == "realtime"


@pytest.mark.parametrize("fmt", FORMATS)
def test_client_reads_a_definition_with_required_attributes(live_server, service, region_tree, fmt):
    attributes = {a["code"]: a for a in _attributes(_client(live_server, fmt).get_service_definition(CODE), fmt)}
    assert [code for code, a in attributes.items() if a["required"]] == ["complaint_topic"]
    assert [v["key"] for v in attributes["complaint_topic"]["values"]] == ["layanan", "pungli", "maladministrasi"]
    assert attributes["confidential"]["required"] is False  # it defaults to no
    assert attributes["location_village"]["required"] is False  # lat/long or address_string locate it too
    assert "media_url" not in attributes  # a standard parameter, like the reporter's contact


@pytest.mark.parametrize("fmt", FORMATS)
def test_reporter_with_email_only_answering_the_required_attributes(live_server, service, reporter_key,
                                                                    region_tree, fmt):
    case = _post(_client(live_server, fmt), email=EMAIL_ONLY, address_string="Dusun 2, Desa Lumpatan",
                 description="Jembatan kayu di ujung desa patah dan tidak bisa dilewati motor sejak minggu lalu.",
                 media_url="https://example.org/foto/jembatan.jpg")
    assert (case.applicant_name, case.phone, case.email) == ("", "", EMAIL_ONLY)
    assert case.identity == IdentityProtection.OPEN
    assert case.desa_id == "16.06.01.2002"
    assert case.form_data["media_url"] == "https://example.org/foto/jembatan.jpg"


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_reporter_gives_no_contact(live_server, service, reporter_key, region_tree, fmt):
    case = _post(_client(live_server, fmt), **{"attribute[anonymous]": "yes", "attribute[desa]": "16.06.01.2001"},
                 description="Lampu jalan di depan balai desa mati sejak tiga minggu yang lalu, jalan gelap.")
    assert case.identity == IdentityProtection.ANONYMOUS
    assert (case.applicant_name, case.phone, case.email) == ("", "", "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_lat_long_alone_locate_the_complaint(live_server, service, reporter_key, region_tree, fmt):
    client = _client(live_server, fmt)
    case = _post(client, lat="-2.883301", long="103.850012", email=EMAIL_ONLY,
                 description="Drainase tersumbat sampah sehingga jalan desa tergenang air setiap hujan.")
    # No village point or boundary is loaded: the point is kept and the office sets the village.
    assert case.desa_id is None
    assert (case.latitude, case.longitude) == (Decimal("-2.883301"), Decimal("103.850012"))
    item = client.get_service_request(case.reference)
    assert (float(item["lat"]), float(item["long"])) == (-2.883301, 103.850012)
    assert item["address_id"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_reads_carry_no_reporter_text(live_server, service, reporter_key, personas, region_tree, fmt):
    client = _client(live_server, fmt)
    open_case = _post(client, email=EMAIL_ONLY, **{"attribute[desa]": "16.06.01.2001"},
                      description="Jalan desa berlubang besar di depan sekolah dasar, berbahaya bagi anak-anak.")
    confidential = _post(client, first_name="Rahasia", last_name="Pelapor", phone=SECRET_PHONE,
                         email=SECRET_EMAIL, description=CONFIDENTIAL_TEXT,
                         **{"attribute[confidential]": "yes", "attribute[desa]": "16.06.01.2001"})
    assert confidential.identity == IdentityProtection.CONFIDENTIAL
    case_transition(case=open_case, action=CaseAction.VERIFY, actor=personas.officer, note=INTERNAL_NOTE,
                    note_audience=NoteAudience.INTERNAL)
    case_transition(case=open_case, action=CaseAction.POSTPONE, actor=personas.officer, note=PUBLIC_NOTE,
                    note_audience=NoteAudience.APPLICANT)

    public = _client(live_server, fmt, key=None)
    listed = _listed(public.get_service_requests())
    assert [r["service_request_id"] for r in listed] == [open_case.reference]  # a confidential one is not shown
    one = public.get_service_request(open_case.reference)
    assert one["status_notes"] == PUBLIC_NOTE and one["description"] is None and one["media_url"] is None
    with pytest.raises(requests.HTTPError) as refused:
        public.get_service_request(confidential.reference)
    assert refused.value.response.status_code == 404
    text = json.dumps([listed, one], ensure_ascii=False)
    for secret in (EMAIL_ONLY, SECRET_NAME, SECRET_PHONE, SECRET_EMAIL, CONFIDENTIAL_TEXT, INTERNAL_NOTE,
                   "Jalan desa berlubang"):
        assert secret not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_refusals_are_the_spec_error_list_in_the_callers_language(live_server, service, reporter_key,
                                                                  region_tree, fmt):
    url = f"{live_server.url}/open311/v2/requests.{fmt}"
    data = {"api_key": KEY, "service_code": CODE, "lat": "-2.9", "long": "103.8",
            "description": "Sampah menumpuk di pinggir jalan desa sejak dua minggu.",
            "media_url": "javascript:alert(1)", "attribute[complaint_topic]": "layanan", "email": EMAIL_ONLY}
    for language, expected in (("id", "tautan"), ("en", "link")):
        response = requests.post(url, data=data, headers={"Accept-Language": language}, timeout=30)
        assert response.status_code == 400
        if fmt == "json":
            errors = response.json()
        else:
            errors = _listed(xmltodict.parse(response.content)["errors"]["error"])
        assert [str(e["code"]) for e in errors] == ["400"]
        assert errors[0]["description"].startswith("media_url: ") and expected in errors[0]["description"].lower()
    assert not Case.objects.exists()
