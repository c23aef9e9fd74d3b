"""Every journey that takes a NIK, run over HTTP against a real SQLite file, for `test_nik_at_rest.py`.

Run as a script in a fresh process whose SIMPUL_VAR_DIR is an empty folder: it migrates that folder's database,
loads the reference data and the real catalogue (the population complaint form gets an optional NIK field, as
SP4N-LAPOR! asks), then drives, with Django's test client over the public URLs, one known NIK and KK number
through: citizen registration; a citizen's application through the portal's draft pages with documents (one
sent as a chunked upload) and a saved, resumed draft; an operator's assisted application with a consent photo;
an anonymous portal complaint; an API submission (documents in base64); an Open311 complaint; an officer's
worklist search by NIK (kept in the access log); an officer's revision request and the citizen's correction; approval with a generated decision letter; tracking by reference
and PIN (page, receipt PDF, API); a draft left unfinished. Then it lets the worker deliver the outbox and run
the periodic jobs. It prints `JOURNEYS DONE <json>` and waits for a line on stdin before it exits, so the caller
can read the files while the database is still open (with its -wal and -shm files).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

NIK = os.environ["JOURNEY_NIK"]
KK = os.environ["JOURNEY_KK"]
DESA = "16.06.01.2001"  # Sukarami, Sekayu
PASSWORD = "correct-horse-battery-staple-2026"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def expect(response: Any, *statuses: int) -> Any:
    if response.status_code not in statuses:
        body = response.content.decode(errors="replace")[:3000]
        raise AssertionError(f"{response.request['PATH_INFO']}: {response.status_code}\n{body}")
    return response


# -- set-up ---------------------------------------------------------------------------------------------------------


def load_catalogue() -> None:
    import yaml

    from simpul.catalog.demo import demo_files
    from simpul.catalog.services import service_import_yaml

    for path in demo_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["code"] == "pengaduan-kependudukan":
            for version in data["versions"]:
                page = next(p for p in version["form"]["pages"] if p["key"] == "pelapor")
                page["fields"].insert(1, {"name": "nik", "type": "nik", "role": "applicant_nik",
                                          "label_id": "NIK pelapor", "label_en": "Your NIK",
                                          "required": False})
        service_import_yaml(text=yaml.safe_dump(data, allow_unicode=True), actor=None)


def set_up() -> dict[str, Any]:
    from django.core.management import call_command

    from simpul.accounts.models import Role, User
    from simpul.agencies.models import Agency, Membership, MembershipRole
    from simpul.clients.services import api_client_create, api_key_issue
    from simpul.documents.models import Signer
    from simpul.regions.models import Region

    call_command("migrate", verbosity=0, interactive=False)
    call_command("reference", stdout=io.StringIO())
    load_catalogue()
    dukcapil = Agency.objects.get(code="disdukcapil")
    officer = User.objects.create_user(email="officer@journey.test", password=PASSWORD, role=Role.OFFICER,
                                       full_name="Petugas Dukcapil")
    Membership.objects.create(user=officer, agency=dukcapil, role=MembershipRole.HEAD)
    # every approval issues a signed letter: the office has a signer
    Signer.objects.create(user=officer, agency=dukcapil, nip="197001012000031001", jabatan="Kepala Dinas",
                          is_default=True)
    citizen = User.objects.create_user(email="citizen@journey.test", password=PASSWORD, role=Role.CITIZEN,
                                       full_name="Siti Aminah")
    operator = User.objects.create_user(email="operator@journey.test", password=PASSWORD,
                                        role=Role.VILLAGE_OPERATOR, full_name="Operator Sukarami",
                                        village=Region.objects.get(code=DESA))
    kiosk = api_client_create(name="Kios desa", scopes=["cases:intake"], rate_limit_per_minute=0)
    _key, api_secret = api_key_issue(client=kiosk)
    lapor = api_client_create(name="Open311", scopes=["cases:intake"],
                              allowed_service_kinds=["pengaduan"], rate_limit_per_minute=0)
    api_key_issue(client=lapor, secret="journey-open311-key")
    return {"officer": officer, "citizen": citizen, "operator": operator, "api_secret": api_secret}


# -- answering the real forms ---------------------------------------------------------------------------------------


def answer(spec: dict[str, Any]) -> Any:
    """A valid answer for a declared field: the known NIK and KK number for those types."""
    from django.utils import timezone

    kind = spec.get("type", "text")
    if kind == "nik":
        return NIK
    if kind == "kk":
        return KK
    if kind == "region":
        return DESA
    if kind == "phone":
        return "081234567890"
    if kind == "email":
        return "siti.aminah@example.org"
    if kind == "url":
        return "https://example.org/foto/jalan-rusak.jpg"
    if kind == "date":
        today = timezone.localdate()
        return (today + timedelta(days=10) if spec.get("min") == "today" else today - timedelta(days=30)).isoformat()
    if kind == "choice":
        return spec["choices"][0]["value"]
    if kind == "yesno":
        return "no"
    if kind == "number":
        return str(spec.get("min") or 1)
    text = "Jalan Merdeka nomor dua belas, dusun tiga, dekat masjid, sejak minggu lalu belum selesai."
    limit = int(spec.get("max_length") or 300)
    return text[:limit] if len(text) >= int(spec.get("min_length") or 0) else text * 2


def page_data(version: Any, page: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}{f['name']}": answer(f) for f in page.get("fields") or [] if f.get("type") != "file"}


def all_answers(version: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for page in version.form["pages"]:
        out.update(page_data(version, page))
    return out


def upload_for(spec: dict[str, Any]) -> tuple[str, bytes]:
    return ("scan.png", png()) if "png" in spec["types"] else ("scan.pdf", PDF)


def version_of(code: str) -> Any:
    from simpul.catalog.selectors import service_get

    return service_get(code)


# -- journeys -------------------------------------------------------------------------------------------------------


def hidden_key(response: Any) -> str:
    match = re.search(rb'name="idempotency_key" value="([^"]+)"', response.content)
    assert match, "no idempotency key on the page"
    return match.group(1).decode()


def chunked_upload(client: Any, token: str, code: str, name: str, content: bytes) -> None:
    digest = hashlib.sha256(content).hexdigest()
    started = expect(client.post("/api/v1/uploads/", json.dumps({"filename": name, "size": len(content),
                                                                  "sha256": digest}),
                                 content_type="application/json"), 201).json()
    size = started["chunk_size"]
    for number in range(started["chunks"]):
        part = content[number * size:(number + 1) * size]
        expect(client.put(f"/api/v1/uploads/{started['id']}/chunks/{number}/", part,
                          content_type="application/octet-stream",
                          HTTP_X_CHUNK_SHA256=hashlib.sha256(part).hexdigest()), 204)
    expect(client.post(f"/api/v1/uploads/{started['id']}/finalize/",
                       json.dumps({"sha256": digest, "draft": token, "document": code}),
                       content_type="application/json"), 200, 201)


def portal_apply(client: Any, code: str, *, operator: bool = False, chunked: bool = False,
                 save_and_resume: bool = False) -> tuple[str, str]:
    """Apply through the draft pages; returns (reference, PIN) as the confirmation shows them."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from simpul.catalog.forms_engine import document_specs

    version = version_of(code)
    start = expect(client.get(reverse("cases:apply_start", kwargs={"code": code}) + "?baru=1"), 302)
    location = start["Location"]
    token = location.rstrip("/").split("/")[-2]
    for index, page in enumerate(version.form["pages"]):
        url = reverse("cases:apply_page", kwargs={"code": code, "token": token, "page": page["key"]})
        key = hidden_key(expect(client.get(url), 200))
        data = {**page_data(version, page), "idempotency_key": key}
        if save_and_resume and index == 0:
            expect(client.post(url, {**data, "save": "1"}), 302)
            expect(client.get(reverse("cases:apply_resume", kwargs={"code": code, "token": token})), 302)
        expect(client.post(url, data), 302)
    answers = all_answers(version)
    documents_url = reverse("cases:apply_documents", kwargs={"code": code, "token": token})
    files: dict[str, Any] = {}
    for number, spec in enumerate(document_specs(version, answers)):
        name, content = upload_for(spec)
        if chunked and number == 0:
            chunked_upload(client, token, spec["code"], name, content)
        else:
            files[spec["code"]] = SimpleUploadedFile(name, content)
    expect(client.post(documents_url, files), 302)
    review_url = reverse("cases:apply_review", kwargs={"code": code, "token": token})
    key = hidden_key(expect(client.get(review_url), 200))
    form: dict[str, Any] = {"idempotency_key": key}
    if operator:
        form.update(consent="on", consent_photo=SimpleUploadedFile("persetujuan.png", png()))
    expect(client.post(review_url, form), 302)
    expect(client.post(review_url, {"idempotency_key": key}), 302)  # a double click: the same case
    done = expect(client.get(reverse("cases:apply_done", kwargs={"code": code, "token": token})), 200)
    reference, pin = re.findall(rb'<strong class="big">([^<]+)</strong>', done.content)[:2]
    return reference.decode(), pin.decode()


def register_citizen(client: Any) -> None:
    from django.urls import reverse

    expect(client.post(reverse("accounts:register_citizen"), {
        "full_name": "Budi Santoso", "nik": NIK, "domicile": DESA, "email": "budi@journey.test", "phone": "",
        "password": PASSWORD, "password_again": PASSWORD,
    }), 302)


def api_submit(client: Any, secret: str) -> str:
    from simpul.catalog.forms_engine import document_specs

    version = version_of("ktp-el-penggantian")
    answers = all_answers(version)
    documents = []
    for spec in document_specs(version, answers):
        name, content = upload_for(spec)
        documents.append({"code": spec["code"], "filename": name, "content_base64": base64.b64encode(content).decode()})
    body = json.dumps({"service": "ktp-el-penggantian", "answers": answers, "documents": documents})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_IDEMPOTENCY_KEY": "journey-api-1"}
    created = expect(client.post("/api/v1/cases/", body, content_type="application/json", **headers), 201)
    expect(client.post("/api/v1/cases/", body, content_type="application/json", **headers), 200)  # a retry
    return str(created.json()["reference"])


def open311_complaint(client: Any) -> str:
    version = version_of("pengaduan-kependudukan")
    data = {"api_key": "journey-open311-key", "service_code": "pengaduan-kependudukan",
            "address_string": "Jl. Merdeka, Sukarami", "first_name": "Siti", "last_name": "Aminah",
            "phone": "081234567890", "email": "siti.aminah@example.org",
            "description": "KTP-el saya belum jadi sejak tiga bulan, padahal sudah rekam di kecamatan."}
    for field in (f for page in version.form["pages"] for f in page["fields"]):
        if field["name"] not in ("description", "full_name", "phone", "email"):
            data[f"attribute[{field['name']}]"] = answer(field)
    response = expect(client.post("/open311/v2/requests.json", data, HTTP_IDEMPOTENCY_KEY="journey-311"), 201)
    return str(response.json()[0]["service_request_id"])


def officer_action(client: Any, reference: str, action: str, **data: Any) -> None:
    from django.urls import reverse

    url = reverse("backoffice:case_action", kwargs={"reference": reference, "action": action})
    expect(client.post(url, {f"{action}-{name}": value for name, value in data.items()}), 302)


def revise(client: Any, reference: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from simpul.cases.models import Case
    from simpul.catalog.forms_engine import document_specs

    version = Case.objects.get(reference=reference).service_version
    url = reverse("cases:track_revise", kwargs={"reference": reference})
    expect(client.get(url), 200)
    data: dict[str, Any] = {"note": "Sudah saya perbaiki."}
    for page in version.form["pages"]:
        data.update(page_data(version, page, prefix=f"{page['key']}-"))
    spec = document_specs(version, all_answers(version))[0]
    name, content = upload_for(spec)
    data[spec["code"]] = SimpleUploadedFile(name, content)
    expect(client.post(url, data), 302)


def track(client: Any, reference: str, pin: str) -> None:
    from django.urls import reverse

    expect(client.post(reverse("cases:track"), {"reference": reference, "pin": pin}), 302)
    expect(client.get(reverse("cases:track_detail", kwargs={"reference": reference})), 200)
    expect(client.get(reverse("cases:track_receipt", kwargs={"reference": reference})), 200)
    expect(client.get(f"/api/v1/cases/{reference}/status", HTTP_X_CASE_PIN=pin), 200)


def unfinished_draft(client: Any) -> None:
    """A draft with the NIK on its first page, saved and never sent (it stays until the purge)."""
    from django.urls import reverse

    version = version_of("ktp-el-baru")
    start = expect(client.get(reverse("cases:apply_start", kwargs={"code": "ktp-el-baru"})), 302)
    page = version.form["pages"][0]
    key = hidden_key(expect(client.get(start["Location"]), 200))
    expect(client.post(start["Location"], {**page_data(version, page), "idempotency_key": key, "save": "1"}), 302)


def deliver() -> dict[str, int]:
    from simpul.core.worker import SimpulWorker

    delivered = 0
    for _round in range(5):
        result = SimpulWorker(interval=0).one_pass()
        delivered += result.delivered or 0
    return {"outbox_delivered": delivered}


def main() -> None:
    from django.test import Client
    from django.urls import reverse

    from simpul.cases.models import Case, Draft
    from simpul.conftest import login

    people = set_up()
    register_citizen(Client())
    citizen = Client()
    citizen.force_login(people["citizen"], backend="simpul.accounts.backends.EmailOrPhoneBackend")
    applied, pin = portal_apply(citizen, "kk-perubahan", chunked=True, save_and_resume=True)
    operator = Client()
    login(operator, people["operator"])
    assisted, _assisted_pin = portal_apply(operator, "ktp-el-baru", operator=True)
    expect(operator.get(reverse("backoffice:operator_receipt", kwargs={"reference": assisted})), 200)
    complaint, _complaint_pin = portal_apply(Client(), "pengaduan-kependudukan")
    by_api = api_submit(Client(), people["api_secret"])
    by_open311 = open311_complaint(Client())
    officer = Client()
    login(officer, people["officer"])
    for reference in (applied, assisted, by_api):
        expect(officer.get(reverse("backoffice:case_detail", kwargs={"reference": reference})), 200)
    expect(officer.get(reverse("backoffice:worklist"), {"q": NIK}), 200)  # a search by NIK: logged, encrypted
    expect(officer.post(reverse("backoffice:case_reveal_nik", kwargs={"reference": applied})), 200, 302)
    officer_action(officer, applied, "verify")
    officer_action(officer, applied, "request_revision", note="Foto KK kurang jelas, mohon unggah ulang.")
    revise(citizen, applied)
    officer_action(officer, applied, "approve", note="Disetujui.")
    track(Client(), applied, pin)
    unfinished_draft(Client())
    delivered = deliver()
    summary = {
        "cases": sorted([applied, assisted, complaint, by_api, by_open311]),
        "statuses": dict(Case.objects.values_list("reference", "status")),
        "drafts_left": Draft.objects.count(),
        **delivered,
    }
    print("JOURNEYS DONE " + json.dumps(summary), flush=True)
    sys.stdin.readline()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
    django.setup()
    main()
