"""A staff session that has passed its password but not its TOTP step is anonymous on every route.

The crawl expands every pattern of the URL resolver with sample arguments (the reference and document of a real
case the village operator submitted for a citizen at the Dukcapil office, the officer's agency), requests each
path with GET and with POST as an anonymous visitor, a password-only village operator and a password-only
officer, and expects of the staff sessions exactly what the anonymous visitor gets: the same status (a log-in
redirect may lead to the TOTP step instead), no personal data in the body, and no row written that the anonymous
visitor's request does not write too (starting a draft, say), none of them pointing at the staff users.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from simpul.accounts.middleware import LOGIN_VIEWS, MFA_PENDING_VIEWS
from simpul.accounts.models import User
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload

pytestmark = pytest.mark.django_db

BY_CONVERTER = {"int": "1", "str": "x", "slug": "x", "path": "1", "uuid": str(uuid.UUID(int=1))}
# Rows any visitor's request may write: the session itself and django-axes' request log.
BOOKKEEPING = {"sessions.session", "axes.accesslog", "axes.accessattempt", "axes.accessfailurelog"}
LOGIN_TARGETS = ("/akun/masuk/", "/admin/login/")
MFA_TARGETS = ("/akun/verifikasi/",)


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found += _routes(entry, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            found.append((prefix + str(entry.pattern), name))
    return found


def _fill(pattern: str, values: dict[str, str]) -> str:
    """A concrete path for a route or regex pattern: named parts from `values`, else a sample by converter."""
    path = re.sub(r"<(?:(\w+):)?(\w+)>",
                  lambda m: values.get(m[2], BY_CONVERTER.get(m[1] or "str", "x")), pattern)

    def group(match: re.Match[str]) -> str:
        name, body = match[1], match[2]
        if name in values:
            return values[name]
        alternatives = body.split("|")
        if all(re.fullmatch(r"[\w-]+", a) for a in alternatives):
            return "json" if "json" in alternatives else alternatives[0]
        return "x"

    path = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\.", ".")


def _rows() -> dict[str, int]:
    """Rows per table, in one query (the crawl takes this three times a request)."""
    models = [m for m in apps.get_models() if m._meta.label_lower not in BOOKKEEPING and m._meta.managed]
    quote = connection.ops.quote_name
    # table names from the model registry, not from input
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {m._meta.label_lower: count for m, count in zip(models, counts, strict=True)}


def _rows_of(users: list[User]) -> dict[str, int]:
    """Rows that point at these users, by model and field (who a row was written for or by)."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.is_relation and field.related_model is User:
                key = f"{model._meta.label_lower}.{field.name}"
                counts[key] = model.objects.filter(**{f"{field.name}__in": users}).count()
    return counts


def _password_only(user: User, address: str) -> Client:
    """A session that passed the password step (as the log-in form leaves it), not the TOTP step."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    client = Client(REMOTE_ADDR=address)
    client.force_login(user, backend="simpul.accounts.backends.EmailOrPhoneBackend")
    return client


def _same_as_anonymous(anonymous: Any, staff: Any, name: str) -> bool:
    if name in LOGIN_VIEWS:  # the log-in form forwards a password-only session to its TOTP step
        return staff.status_code == 302 and staff["Location"].startswith(MFA_TARGETS)
    if anonymous.status_code != staff.status_code:
        return False
    if anonymous.status_code not in (301, 302, 303, 307, 308):
        return True
    # a fresh draft of an application gets a random token in its address, for anyone
    seen, expected = (re.sub(r"[\w-]{32,}", "TOKEN", r["Location"]) for r in (staff, anonymous))
    login_elsewhere = expected.startswith(LOGIN_TARGETS) and seen.startswith(MFA_TARGETS)
    return seen == expected or login_elsewhere


@pytest.fixture
def operator_case(personas):
    version = ktp_service(personas.dukcapil)
    return case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                       submitted_by=personas.operator, consent={"given": True},
                       idempotency_key=str(uuid.uuid4())).case


def test_password_only_staff_session_is_anonymous_on_every_route(personas, operator_case):
    case = operator_case
    document = case.documents.first()
    values = {"reference": case.reference, "document_id": str(document.pk), "code": case.service_version.service.code,
              "object_id": str(case.pk), "pk": "1"}
    routes = [(_fill(pattern, values), name) for pattern, name in _routes(get_resolver())]
    crawled = [(path, name) for path, name in routes if name not in MFA_PENDING_VIEWS]
    anonymous = Client(REMOTE_ADDR="198.51.100.1")
    staff = {"operator": _password_only(personas.operator, "198.51.100.2"),
             "officer": _password_only(personas.officer, "198.51.100.3")}
    markers = [VALID_ANSWERS["nik"], VALID_ANSWERS["full_name"], VALID_ANSWERS["phone"],
               personas.operator.full_name, personas.officer.full_name, personas.operator.email,
               personas.officer.email]
    statuses_before = list(Case.objects.values_list("reference", "status"))
    staff_rows_before = _rows_of([personas.operator, personas.officer])
    failures: list[str] = []
    requests = 0
    for path, name in crawled:
        for method in ("get", "post"):
            rows = _rows()
            expected = getattr(anonymous, method)(path)
            anonymous_wrote = {k: v - rows[k] for k, v in _rows().items() if v != rows[k]}
            for who, client in staff.items():
                rows = _rows()
                response = getattr(client, method)(path)
                requests += 1
                label = f"{method.upper()} {path} ({name or 'unnamed'}) as {who}"
                if not _same_as_anonymous(expected, response, name):
                    failures.append(f"{label}: {response.status_code} {response.get('Location', '')}, "
                                    f"anonymous {expected.status_code} {expected.get('Location', '')}")
                body = b"" if response.streaming else response.content
                shown = [m for m in markers if m and m.encode() in body]
                if shown:
                    failures.append(f"{label}: shows {shown}")
                written = {k: v - rows[k] for k, v in _rows().items() if v != rows[k]}
                if written != anonymous_wrote:
                    failures.append(f"{label}: wrote {written}, anonymous {anonymous_wrote}")
                assert client.session.get(SESSION_KEY) == str(getattr(personas, who).pk), f"{label} logged out"
    print(f"\ncrawled {len(crawled)} routes ({len(routes)} in the resolver, {len(routes) - len(crawled)} "
          f"allow-listed) with GET and POST as 2 password-only staff sessions: {requests} requests")
    assert not failures, "\n".join(failures)
    assert list(Case.objects.values_list("reference", "status")) == statuses_before
    assert _rows_of([personas.operator, personas.officer]) == staff_rows_before
    assert len(crawled) > 300


def test_password_only_staff_is_sent_to_the_totp_step_and_back(personas, operator_case):
    client = _password_only(personas.operator, "198.51.100.4")
    assert client.get("/lacak/saya/")["Location"] == "/akun/verifikasi/?next=%2Flacak%2Fsaya%2F"
    assert client.get("/admin/")["Location"] == "/akun/verifikasi/?next=%2Fadmin%2F"
    assert client.get("/kantor/desa/")["Location"] == "/akun/verifikasi/?next=%2Fkantor%2Fdesa%2F"
    assert client.get("/akun/masuk/?next=/kantor/desa/")["Location"] == "/akun/verifikasi/?next=%2Fkantor%2Fdesa%2F"
    assert client.get("/akun/verifikasi/").status_code == 200


def test_password_only_staff_session_cannot_create_a_case_through_the_api(personas, operator_case):
    client = _password_only(personas.operator, "198.51.100.5")
    before = Case.objects.count()
    response = client.post("/api/v1/cases/", {"service": operator_case.service_version.service.code,
                                              "answers": dict(VALID_ANSWERS)}, content_type="application/json")
    assert response.status_code == 401
    assert Case.objects.count() == before
