from __future__ import annotations

import base64
import uuid
from datetime import UTC, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.cases.intake import case_submit
from simpul.cases.models import Case, CaseDocument, Disposition
from simpul.cases.tests.factories import PDF_BYTES, VALID_ANSWERS, ktp_service, pdf_upload, png_bytes
from simpul.clients.services import api_client_create, api_key_issue
from simpul.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _setup(settings):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WEBHOOK_ALLOW_INSECURE_URLS = True


@pytest.fixture
def version(personas):
    return ktp_service(personas.dukcapil)


def submit(version, **answers):
    return case_submit(version=version, answers={**VALID_ANSWERS, **answers}, files={"kk": pdf_upload()}).case


def _api(row):
    _key, secret = api_key_issue(client=row)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


@pytest.fixture
def clients(personas):
    def make(name, scopes, agency):
        row = api_client_create(name=name, scopes=scopes, agency=agency)
        return SimpleNamespace(row=row, api=_api(row))

    return SimpleNamespace(
        dukcapil=make("Sistem Dukcapil", ["cases:read", "cases:write", "webhooks:manage"], personas.dukcapil),
        dukcapil_reader=make("Dasbor Dukcapil", ["cases:read"], personas.dukcapil),
        dpmptsp=make("Sistem DPMPTSP", ["cases:read", "cases:write"], personas.dpmptsp),
    )


def act(api, reference, action, note="", key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(f"/api/v1/agency/cases/{reference}/actions/", {"action": action, "note": note}, format="json",
                    **headers)


# -- reading ------------------------------------------------------------------------------------------------------


def test_list_shows_only_own_agency_cases_with_cursor_pages(clients, version, personas, django_assert_max_num_queries):
    cases = [submit(version) for _ in range(5)]
    other_service = ktp_service(personas.dpmptsp, code="izin-lain")
    submit(other_service)
    seen, cursor = [], None
    for _page in range(3):
        url = "/api/v1/agency/cases/?limit=2" + (f"&cursor={cursor}" if cursor else "")
        # 8, plus the shared rate-limit counter: 1 statement, 4 on the call that opens the client's window
        with django_assert_max_num_queries(12):
            body = clients.dukcapil.api.get(url).json()
        seen += [row["reference"] for row in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(c.reference for c in cases) and len(seen) == 5
    assert cursor is None
    assert {r["agency"] for r in clients.dpmptsp.api.get("/api/v1/agency/cases/").json()["results"]} == {"dpmptsp"}


def test_list_query_count_does_not_grow_with_cases(clients, version, django_assert_num_queries):
    submit(version)
    clients.dukcapil.api.get("/api/v1/agency/cases/")  # warm the key's last-used stamp
    # key, rate-limit counter (shared by every process: one UPDATE ... RETURNING), client's agencies, page, call log
    with django_assert_num_queries(5):
        clients.dukcapil.api.get("/api/v1/agency/cases/")
    for _ in range(4):
        submit(version)
    with django_assert_num_queries(5):
        assert len(clients.dukcapil.api.get("/api/v1/agency/cases/").json()["results"]) == 5


def test_updated_since_returns_only_later_changes(clients, version):
    old = submit(version)
    Case.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=2))
    new = submit(version)
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    body = clients.dukcapil.api.get("/api/v1/agency/cases/", {"updated_since": since}).json()
    assert [row["reference"] for row in body["results"]] == [new.reference]


def test_updated_since_with_an_offset_postgresql_cannot_hold_is_read_in_utc(clients, version):
    new = submit(version)
    since = (timezone.now() - timedelta(days=1) - timedelta(hours=17, minutes=47)).replace(tzinfo=None)
    body = clients.dukcapil.api.get("/api/v1/agency/cases/", {"updated_since": since.isoformat() + "-17:47"})
    assert body.status_code == 200
    assert [row["reference"] for row in body.json()["results"]] == [new.reference]
    assert clients.dukcapil.api.get("/api/v1/agency/cases/", {"updated_since": "1908-04-02T16:36:46-17:47", "limit": ""},
                                    ).json()["results"][0]["reference"] == new.reference


@pytest.mark.parametrize(("query", "field"), [
    ({"updated_since": "kemarin"}, "updated_since"), ({"updated_since": "2026-13-45T00:00:00Z"}, "updated_since"),
    ({"cursor": "!!"}, "cursor"), ({"cursor": "WyIyMDI2LTEzLTQ1VDAwOjAwOjAwWiIsIDFd"}, "cursor"), ({"limit": "0"}, "limit"),
    ({"limit": "abc"}, "limit"), ({"limit": "201"}, "limit"),
])
def test_list_names_the_bad_parameter(clients, query, field, db):
    response = clients.dukcapil.api.get("/api/v1/agency/cases/", query)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_detail_has_history_documents_and_allowed_actions_with_nik_masked(clients, version):
    case = submit(version)
    body = clients.dukcapil.api.get(f"/api/v1/agency/cases/{case.reference}/").json()
    assert body["status"] == "diajukan" and body["agency"] == "disdukcapil"
    assert [e["action"] for e in body["history"]] == ["submit"]
    assert body["documents"][0]["spec_code"] == "kk" and body["documents"][0]["sha256"]
    assert "content" not in body["documents"][0]
    assert body["answers"]["nik"] == "••••" and body["answers"]["full_name"] == "Siti Warga"
    # the decisions the action table lets follow "verify" in one request are allowed too (`ActionSpec.through`)
    assert set(body["allowed_actions"]) == {"verify", "forward", "approve", "request_revision", "reject"}


def test_other_agency_case_is_404(clients, version):
    case = submit(version)
    assert clients.dpmptsp.api.get(f"/api/v1/agency/cases/{case.reference}/").status_code == 404
    assert act(clients.dpmptsp.api, case.reference, "verify").status_code == 404


# -- working a case -----------------------------------------------------------------------------------------------


def test_action_moves_the_case_and_is_in_history_and_audit_as_the_client(clients, version):
    case = submit(version)
    response = act(clients.dukcapil.api, case.reference, "verify")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verifikasi"
    event = Case.objects.get(pk=case.pk).events.order_by("id").last()
    assert event.action == "verify" and event.actor_label == "Sistem Dukcapil (API)"
    assert AuditEntry.objects.filter(action="cases.case_verify", object_id=str(case.pk)).exists()


def test_action_not_allowed_now_is_409_and_missing_note_is_400(clients, version):
    case = submit(version)
    response = act(clients.dukcapil.api, case.reference, "process")  # only after the verification
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"
    assert response["Content-Type"] == "application/problem+json"
    act(clients.dukcapil.api, case.reference, "verify")
    response = act(clients.dukcapil.api, case.reference, "reject")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = act(clients.dukcapil.api, case.reference, "withdraw")
    assert response.status_code == 400 and "action" in response.json()["errors"]
    response = act(clients.dukcapil.api, case.reference, "fly")
    assert response.status_code == 400
    response = clients.dukcapil.api.post(f"/api/v1/agency/cases/{case.reference}/actions/",
                                         {"action": "process", "notes": "typo"}, format="json")
    assert response.status_code == 400 and "notes" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).status == "verifikasi"


def test_approve_closes_the_case(clients, version):
    case = submit(version)
    act(clients.dukcapil.api, case.reference, "verify")
    response = act(clients.dukcapil.api, case.reference, "approve", note="Selesai, silakan ambil.")
    assert response.status_code == 200 and response.json()["status"] == "selesai"


def test_action_with_idempotency_key_runs_once(clients, version):
    case = submit(version)
    key = str(uuid.uuid4())
    first = act(clients.dukcapil.api, case.reference, "verify", key=key)
    again = act(clients.dukcapil.api, case.reference, "verify", key=key)
    assert first.status_code == 200 and again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.get(pk=case.pk).events.filter(action="verify").count() == 1
    other = act(clients.dukcapil.api, case.reference, "process", key=key)
    assert other.status_code == 422


def test_the_same_json_re_indented_under_a_quoted_key_is_a_replay_not_another_request(clients, version):
    """The key is an sf-string (`"<uuid>"` is the key `<uuid>`) and the fingerprint is over parsed JSON: whitespace
    and key order do not make another request; another value does."""
    case = submit(version)
    key = str(uuid.uuid4())
    url = f"/api/v1/agency/cases/{case.reference}/actions/"
    api = clients.dukcapil.api
    first = api.post(url, data='{"action": "verify", "note": ""}', content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY=f'"{key}"')
    again = api.post(url, data='{\n  "note": "",\n  "action": "verify"\n}', content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 200 and again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert Case.objects.get(pk=case.pk).events.filter(action="verify").count() == 1
    other = api.post(url, data='{"action": "verify", "note": "x"}', content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422


def test_add_document_as_base64_json_and_as_multipart(clients, version):
    case = submit(version)
    api = clients.dukcapil.api
    response = api.post(f"/api/v1/agency/cases/{case.reference}/documents/", {
        "spec_code": "berita_acara", "filename": "ba.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode(),
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["spec_code"] == "berita_acara" and response.json()["content_type"] == "application/pdf"
    upload = SimpleUploadedFile("foto.png", png_bytes(), content_type="image/png")
    response = api.post(f"/api/v1/agency/cases/{case.reference}/documents/", {"file": upload, "spec_code": "foto"},
                        format="multipart")
    assert response.status_code == 201, response.content
    assert CaseDocument.objects.filter(case=case).count() == 3
    assert Case.objects.get(pk=case.pk).events.filter(action="document_added").count() == 2


def test_bad_documents_are_refused_by_field(clients, version):
    case = submit(version)
    url = f"/api/v1/agency/cases/{case.reference}/documents/"
    api = clients.dukcapil.api
    response = api.post(url, {"filename": "x.pdf", "content_base64": "%%%"}, format="json")
    assert response.status_code == 400 and "content_base64" in response.json()["errors"]
    response = api.post(url, {"filename": "x.exe", "content_base64": base64.b64encode(b"MZ\x90\x00junk").decode()},
                        format="json")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = api.post(url, {"filename": "x.pdf"}, format="json")  # JSON carries the file as base64
    assert response.status_code == 400 and list(response.json()["errors"]) == ["content_base64"]
    assert CaseDocument.objects.filter(case=case).count() == 1


def test_body_too_large_is_413(clients, version, settings):
    case = submit(version)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.API_MAX_BODY_BYTES = 1000
    response = clients.dukcapil.api.post(f"/api/v1/agency/cases/{case.reference}/documents/", {
        "filename": "big.pdf", "content_base64": "A" * 5000}, format="json")
    assert response.status_code == 413


def test_dispose_accept_and_return_between_agency_systems(clients, version, personas):
    case = submit(version)
    dukcapil, dpmptsp = clients.dukcapil.api, clients.dpmptsp.api
    response = dukcapil.post(f"/api/v1/agency/cases/{case.reference}/dispositions/",
                             {"to_agency": "dpmptsp", "reason": "Bukan kewenangan kami."}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["to_agency"] == "dpmptsp" and response.json()["status"] == "pending"
    # the receiving agency now sees it and may only accept or return
    detail = dpmptsp.get(f"/api/v1/agency/cases/{case.reference}/").json()
    assert set(detail["allowed_actions"]) == {"accept_disposition", "return_disposition"}
    assert act(dpmptsp, case.reference, "verify").status_code == 403
    refused = dpmptsp.post(f"/api/v1/agency/cases/{case.reference}/dispositions/return/", {}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()["errors"]
    returned = dpmptsp.post(f"/api/v1/agency/cases/{case.reference}/dispositions/return/",
                            {"note": "Ini tugas Dukcapil."}, format="json")
    assert returned.status_code == 200 and returned.json()["agency"] == "disdukcapil"
    assert dpmptsp.get(f"/api/v1/agency/cases/{case.reference}/").status_code == 404
    # forward again; this time it is accepted and the case moves to DPMPTSP
    dukcapil.post(f"/api/v1/agency/cases/{case.reference}/dispositions/",
                  {"to_agency": "dpmptsp", "reason": "Coba lagi."}, format="json")
    accepted = dpmptsp.post(f"/api/v1/agency/cases/{case.reference}/dispositions/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["agency"] == "dpmptsp"
    assert list(Disposition.objects.filter(case=case).order_by("id").values_list("status", flat=True)) == [
        "returned", "accepted"]
    again = dpmptsp.post(f"/api/v1/agency/cases/{case.reference}/dispositions/accept/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "no_pending_disposition"


def test_dispose_to_unknown_or_same_agency_is_refused(clients, version):
    case = submit(version)
    url = f"/api/v1/agency/cases/{case.reference}/dispositions/"
    response = clients.dukcapil.api.post(url, {"to_agency": "dinas-hantu", "reason": "x"}, format="json")
    assert response.status_code == 400 and "to_agency" in response.json()["errors"]
    response = clients.dukcapil.api.post(url, {"to_agency": "disdukcapil", "reason": "x"}, format="json")
    assert response.status_code == 400 and "to_agency" in response.json()["errors"]



def test_dispose_to_a_site_that_handles_no_cases_is_refused_as_on_the_case_screen(clients, version, personas):
    from simpul.agencies.models import Agency

    Agency.objects.create(code="rumah-dinas-bupati", name="Rumah Dinas Bupati", kind="other", handles_cases=False)
    case = submit(version)
    response = clients.dukcapil.api.post(f"/api/v1/agency/cases/{case.reference}/dispositions/",
                                         {"to_agency": "rumah-dinas-bupati", "reason": "x"}, format="json")
    assert response.status_code == 400 and "to_agency" in response.json()["errors"]
    assert not Disposition.objects.filter(case=case).exists()


def test_approve_on_a_submitted_case_records_the_verification_first_as_on_the_case_screen(clients, version):
    case = submit(version)
    response = act(clients.dukcapil.api, case.reference, "approve")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "selesai"
    events = list(Case.objects.get(pk=case.pk).events.order_by("id").values_list("action", "to_status"))
    assert events[-2:] == [("verify", "verifikasi"), ("approve", "selesai")]
    audited = set(AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"cases.case_verify", "cases.case_approve"} <= audited


# -- authorization matrix -----------------------------------------------------------------------------------------

OPERATIONS = [
    ("list", "cases:read", lambda api, ref: api.get("/api/v1/agency/cases/")),
    ("read", "cases:read", lambda api, ref: api.get(f"/api/v1/agency/cases/{ref}/")),
    ("action", "cases:write", lambda api, ref: act(api, ref, "verify")),
    ("document", "cases:write", lambda api, ref: api.post(
        f"/api/v1/agency/cases/{ref}/documents/",
        {"filename": "a.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}, format="json")),
    ("dispose", "cases:write", lambda api, ref: api.post(
        f"/api/v1/agency/cases/{ref}/dispositions/", {"to_agency": "dinkominfo", "reason": "x"}, format="json")),
]


@pytest.mark.parametrize(("name", "scope", "call"), OPERATIONS, ids=[op[0] for op in OPERATIONS])
@pytest.mark.parametrize("scopes", [[], ["cases:read"], ["cases:read", "cases:write"]], ids=["none", "read", "rw"])
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_authorization_matrix(personas, version, name, scope, call, scopes, own):
    case = submit(version)
    agency = personas.dukcapil if own else personas.dpmptsp
    api = _api(api_client_create(name=f"c-{name}", scopes=scopes or ["opendata:read"], agency=agency))
    response = call(api, case.reference)
    needed = {"cases:read"} if scope == "cases:read" else {"cases:read", "cases:write"}
    if not needed <= set(scopes):
        assert response.status_code == 403 and response.json()["code"] == "scope_missing"
    elif name == "list":
        refs = [row["reference"] for row in response.json()["results"]]
        assert response.status_code == 200 and (case.reference in refs) == own
    elif not own:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 201), response.content


def test_service_restriction_hides_other_services(personas, version):
    case = submit(version)
    row = api_client_create(name="Hanya izin", scopes=["cases:read"], agency=personas.dukcapil,
                            allowed_service_codes=["izin-lain"])
    api = _api(row)
    assert api.get("/api/v1/agency/cases/").json()["results"] == []
    assert api.get(f"/api/v1/agency/cases/{case.reference}/").status_code == 404


def test_without_key_is_401_and_unknown_key_is_401(version):
    assert Client().get("/api/v1/agency/cases/").status_code == 401
    response = Client().get("/api/v1/agency/cases/", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401 and response.json()["code"] == "api_key_unknown"


# -- events of exchange actions -----------------------------------------------------------------------------------


def test_exchange_actions_queue_events_in_the_same_transaction(clients, version):
    WebhookSubscription.objects.create(client=clients.dukcapil.row, url="http://127.0.0.1:9/h", event_types=["*"],
                                       secret="s")
    case = submit(version)
    act(clients.dukcapil.api, case.reference, "verify")
    types = list(EventDelivery.objects.order_by("id").values_list("event_type", flat=True))
    assert types == ["case.submitted", "case.status_changed"]
    approved = act(clients.dukcapil.api, case.reference, "approve", note="")
    assert approved.status_code == 200
    act(clients.dukcapil.api, case.reference, "verify")  # 409: nothing new is queued
    assert EventDelivery.objects.count() == 3


def test_schema_documents_every_exchange_and_webhook_operation(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    ops = {op.get("operationId") for path in schema["paths"].values() for op in path.values() if isinstance(op, dict)}
    assert {"agency_cases_list", "agency_cases_read", "agency_cases_action", "agency_cases_document_add",
            "agency_cases_dispose", "agency_cases_disposition_accept", "agency_cases_disposition_return",
            "webhooks_subscriptions_create", "webhooks_subscriptions_list", "webhooks_deliveries_resend",
            "webhooks_deliveries_list", "webhooks_subscriptions_delete", "webhooks_event_types"} <= ops
    action = schema["paths"]["/api/v1/agency/cases/{reference}/actions/"]["post"]
    assert "requestBody" in action and "200" in action["responses"] and "409" in action["responses"]


def test_malformed_json_and_wrong_types_are_400_problems(clients, version):
    case = submit(version)
    url = f"/api/v1/agency/cases/{case.reference}/actions/"
    broken = clients.dukcapil.api.post(url, data="{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "malformed_request"
    wrong = clients.dukcapil.api.post(url, {"action": ["verify"], "note": {"a": 1}}, format="json")
    assert wrong.status_code == 400 and {"action", "note"} <= set(wrong.json()["errors"])
    assert Case.objects.get(pk=case.pk).status == "diajukan"


@hyp_settings(max_examples=50, deadline=None)
@given(when=st.datetimes(timezones=st.just(UTC)), pk=st.integers(min_value=1, max_value=2**62))
def test_property_cursor_round_trips(when, pk):
    from simpul.api.exchange.views import _decode_cursor, _encode_cursor

    assert _decode_cursor(_encode_cursor(when, pk)) == (when, pk)
