"""schemathesis over the whole /api/v1/ OpenAPI schema, as `schemathesis run` does it: every check, positive and
negative data, the examples, coverage, fuzzing and stateful phases, over HTTP against the test's live server
(its WSGI transport cannot send the probes of the authentication check).

Authenticated with an API client that holds every scope, acts for Dinas Dukcapil and has no rate limit; the
tracking and questionnaire limits are raised, so no operation answers 429 because of the fuzzing itself. The SMS
gateway's webhook gets its bodies signed (`tests/schemathesis_hooks.py`, which also lists the few values only the
server can judge). Any failure of any check fails the test, with schemathesis' own report of each one.

The run's size: `SIMPUL_FUZZ_EXAMPLES` examples per operation and phase (25 by default: about a minute on two
cores, a minute and a half on PostgreSQL, some 3,200 cases), derandomized by `SIMPUL_FUZZ_SEED`, so CI runs are
repeatable. It prints the operations tested, the cases, the refusals the hooks let through and each phase's time. `schemathesis.toml` holds the rest
of the configuration, shared with a run against a live server (docs/operations.md, "Fuzz tests").
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.wsgi import get_wsgi_application
from django.test import Client as DjangoClient
from django.test.testcases import QuietWSGIRequestHandler
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from werkzeug.test import Client

from simpul.cases.drafts import draft_create
from simpul.cases.tests.factories import PDF_BYTES, ktp_service
from simpul.catalog.services import service_import_yaml
from simpul.clients.scopes import SCOPES
from simpul.clients.services import api_client_create, api_key_issue
from simpul.conftest import personas, region_tree  # noqa: F401 - fixtures used by `api_schema`
from simpul.notifications.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from simpul.opendata import reference
from simpul.opendata.services import datasets_refresh_generated

ROOT = Path(__file__).resolve().parents[1]
MAX_EXAMPLES = int(os.environ.get("SIMPUL_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("SIMPUL_FUZZ_SEED", "14"))
FUZZ_KEY = "fuzz-all-scopes-key-0123456789"
SMS_SECRET = "fuzz-sms-gateway-secret"
CATALOG = ROOT / "src" / "simpul" / "catalog" / "data" / "musi-banyuasin"

# Marked `system` by path (conftest.py). Committed rows: the engine calls the app from its own threads.
pytestmark = pytest.mark.django_db(transaction=True)


def _config() -> SchemathesisConfig:
    data = tomllib.loads((ROOT / "schemathesis.toml").read_text())
    data["hooks"] = str(ROOT / data["hooks"])
    data["seed"] = SEED
    data["headers"] = {"Authorization": f"Bearer {FUZZ_KEY}"}
    data["generation"] = {**data.get("generation", {}), "max-examples": MAX_EXAMPLES, "deterministic": True}
    return SchemathesisConfig.from_dict(data)


@pytest.fixture
def api_schema(personas: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
               live_server: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path  # chunked uploads opened by the fuzzer
    settings.SIMPUL_SMS_INBOUND_SECRET = SMS_SECRET
    monkeypatch.setenv("SIMPUL_SMS_INBOUND_SECRET", SMS_SECRET)  # for the hooks, which sign like the gateway
    # Limits that count per caller: far above what the run sends, so no answer is a 429 of the fuzzing's making.
    settings.TRACKING_MAX_FAILURES = settings.TRACKING_MAX_FAILURES_PER_IP = 10**6
    settings.ASSESSMENT_PUBLIC_RATE_PER_HOUR = 10**6
    text = (CATALOG / "pengaduan-infrastruktur.yaml").read_text().replace("dinas-pu", "disdukcapil")
    service_import_yaml(text=text, actor=None)
    reference.load(stdout=io.StringIO())
    datasets_refresh_generated()
    client = api_client_create(name="fuzz", scopes=list(SCOPES), agency=personas.dukcapil,
                               rate_limit_per_minute=0)  # 0: no rate limit
    api_key_issue(client=client, secret=FUZZ_KEY)
    # The live server writes a response's headers and body apart: with Nagle's algorithm on, each answer then waits
    # for the client's delayed ACK (about 40 ms on loopback), which made this run three times longer.
    monkeypatch.setattr(QuietWSGIRequestHandler, "disable_nagle_algorithm", True)
    # 127.0.0.1, not "localhost": each new connection would try ::1 first, where the live server does not listen
    base = live_server.url.replace("//localhost:", "//127.0.0.1:")
    return schemathesis.openapi.from_url(f"{base}/api/v1/schema/", config=_config())


def _signed(body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SMS_SECRET, stamp, body)}


def test_every_operation_conforms_to_the_schema(api_schema: Any) -> None:
    statistic = Statistic()
    errors: list[str] = []
    finished = None
    phases: dict[str, float] = {}
    for event in from_schema(api_schema).execute():
        if isinstance(event, events.PhaseStarted):
            phases[event.phase.name.value] = -event.timestamp
        elif isinstance(event, events.PhaseFinished):
            phases[event.phase.name.value] += event.timestamp
        elif isinstance(event, events.ScenarioFinished):
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished):
            finished = event
    assert finished is not None
    operations = sum(1 for _ in api_schema.get_all_operations())
    print(f"schemathesis: {len(statistic.tested_operations)} of {operations} operations, "
          f"{statistic.total_cases} cases, {statistic.total_failures} failures, "
          f"{statistic.filtered_failures} data-dependent refusals dropped; seconds per phase: "
          + ", ".join(f"{name} {seconds:.0f}" for name, seconds in phases.items()))
    assert not errors, "\n".join(errors)
    reports = []
    for label, grouped in sorted(statistic.failures.items()):
        for group in grouped.values():
            for failure in group.failures:
                reports.append(f"{label}: {failure.code} {failure.title}\n{failure.message}\n{group.code_sample}")
    assert not reports, f"{len(reports)} failure(s):\n\n" + "\n\n".join(reports)
    assert statistic.tested_operations == {op.ok().label for op in api_schema.get_all_operations()}


def test_real_upload_and_sms_responses_conform(api_schema: Any, personas: Any) -> None:  # noqa: F811
    """The answers a fuzzer cannot reach with random ids and unsigned bodies, each checked against the schema:
    the chunked upload from opening to a document on the draft (and each refusal on the way), the SMS webhook
    signed and unsigned."""
    client = Client(get_wsgi_application())
    signed_in = DjangoClient()
    signed_in.force_login(personas.citizen)  # the draft is the citizen's: only its owner may attach files to it
    client.set_cookie(django_settings.SESSION_COOKIE_NAME,
                      signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value)
    seen: set[tuple[str, int]] = set()

    def call(method: str, route: str, url: str, **kwargs: Any) -> Any:
        response = client.open(url, method=method, headers={"Accept-Encoding": "identity",
                                                            **kwargs.pop("headers", {})}, **kwargs)
        api_schema["/api/v1" + route][method].validate_response(response)
        seen.add((f"{method} {route}", response.status_code))
        return response

    def post(route: str, url: str, body: Any) -> Any:
        return call("POST", route, url, data=json.dumps(body), content_type="application/json")

    def put(upload: dict[str, Any], n: int, part: bytes, digest: str = "") -> Any:
        return call("PUT", "/uploads/{upload_id}/chunks/{number}/", f"/api/v1/uploads/{upload['id']}/chunks/{n}/",
                    data=part, content_type="application/octet-stream",
                    headers={"X-Chunk-SHA256": digest or hashlib.sha256(part).hexdigest()})

    def start(data: bytes, digest: str = "") -> dict[str, Any]:
        response = post("/uploads/", "/api/v1/uploads/",
                        {"filename": "kk.pdf", "size": len(data), "sha256": digest or hashlib.sha256(data).hexdigest()})
        assert response.status_code == 201
        return response.get_json()

    draft = draft_create(version=ktp_service(personas.dukcapil), owner=personas.citizen)
    pdf = PDF_BYTES + b"%" + b"x" * 300_000 + b"\n%%EOF\n"  # two parts
    finalize = "/uploads/{upload_id}/finalize/"
    assert post("/uploads/", "/api/v1/uploads/", {"filename": "kk.pdf"}).status_code == 400
    upload = start(pdf)
    size = upload["chunk_size"]
    url = f"/api/v1/uploads/{upload['id']}/"
    assert call("GET", "/uploads/{upload_id}/", "/api/v1/uploads/not-an-upload-id-at-all/").status_code == 404
    assert put(upload, 0, pdf[:size], digest="0" * 64).status_code == 422
    assert put(upload, 9, pdf[:size]).status_code == 400
    assert put(upload, 0, pdf[:size]).status_code == 204
    assert call("GET", "/uploads/{upload_id}/", url).get_json()["missing"] == [1]
    assert post(finalize, url + "finalize/", {"draft": draft.token, "document": "kk"}).status_code == 409
    assert put(upload, 1, pdf[size:]).status_code == 204
    assert post(finalize, url + "finalize/", {"draft": "no-such-draft", "document": "kk"}).status_code == 404
    assert post(finalize, url + "finalize/", {"draft": draft.token, "document": "kk"}).status_code == 200
    program = b"MZ" + b"\0" * 1000
    refused = start(program)
    put(refused, 0, program)
    assert post(finalize, f"/api/v1/uploads/{refused['id']}/finalize/",
                {"draft": draft.token, "document": "kk"}).status_code == 400
    damaged = start(program, digest="0" * 64)
    put(damaged, 0, program)
    assert post(finalize, f"/api/v1/uploads/{damaged['id']}/finalize/", {}).status_code == 422
    # opened for the draft's document: checked before any part (size, and type from the first bytes)
    checked = {"filename": "kk.pdf", "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest(),
               "draft": draft.token, "document": "kk", "head": base64.b64encode(pdf[:4096]).decode()}
    assert post("/uploads/", "/api/v1/uploads/", checked).status_code == 201
    assert post("/uploads/", "/api/v1/uploads/", {**checked, "size": 3 * 1024 * 1024}).status_code == 400
    assert post("/uploads/", "/api/v1/uploads/",
                {**checked, "head": base64.b64encode(program).decode()}).status_code == 400
    assert post("/uploads/", "/api/v1/uploads/", {**checked, "draft": "no-such-draft"}).status_code == 404
    abandoned = start(program)
    assert call("DELETE", "/uploads/{upload_id}/", f"/api/v1/uploads/{abandoned['id']}/").status_code == 204
    assert call("DELETE", "/uploads/{upload_id}/", f"/api/v1/uploads/{abandoned['id']}/").status_code == 404

    body = json.dumps({"from": "+6281234567890", "text": "halo"}).encode()
    sms = "/sms/inbound/"
    assert call("POST", sms, "/api/v1/sms/inbound/", data=body, content_type="application/json",
                headers=_signed(body)).status_code == 200
    assert call("POST", sms, "/api/v1/sms/inbound/", data=body, content_type="application/json",
                headers={**_signed(body), TIMESTAMP_HEADER: "1"}).status_code == 403
    for bad in (b"not json", b'{"text": "STATUS"}'):
        assert call("POST", sms, "/api/v1/sms/inbound/", data=bad, content_type="application/json",
                    headers=_signed(bad)).status_code == 400
    assert len(seen) == 18, sorted(seen)  # every documented answer of the upload and SMS operations
