"""GeoReport v2 endpoints (format from the URL suffix: `.json` or `.xml`).

- `GET discovery.<fmt>`: where the endpoint is and what it speaks.
- `GET services.<fmt>`: the published complaint (pengaduan) services.
- `GET services/<service_code>.<fmt>`: their attributes (the form fields Open311 parameters do not cover).
- `GET requests.<fmt>`: filters `service_request_id` (comma list; other filters then ignored, as the spec says),
  `service_code` (comma list), `start_date`, `end_date` (ISO 8601), `status` (`open`, `closed`). Without dates,
  the last 90 days; at most 1000 requests, newest first.
- `POST requests.<fmt>`: form-encoded `api_key` (scope `cases:intake`, restrictions of the client apply),
  `service_code`, a location (`lat`+`long`, which locate it on their own: intake keeps the point and the office
  sets the village; `address_string`; or `attribute[desa]`/`address_id` with a Kemendagri code), `description`,
  `media_url` (the form's link field: http(s) only), `email`, `phone`, `first_name`, `last_name` (a phone or an
  email unless anonymous: the form's rule), `attribute[<code>]`, `locale`. Creates the complaint through
  `simpul.cases.intake.submit` (channel `api`); an optional `Idempotency-Key` header makes a retry safe.
- `GET requests/<service_request_id>.<fmt>` and `GET tokens/<token>.<fmt>` (the token is the reference:
  services are `realtime`, the case exists when the POST answers).

Public reads carry no text written by the reporter (`description`, `media_url` are null) unless the call
presents an `api_key` (query parameter or `X-Api-Key` header) whose client may read the case
(`simpul.api.exchange.actors.cases_for_client`): with `cases:intake` the requests it submitted itself, with
`cases:read` the cases of its agencies and services. Other requests are shown as to the public. Errors: `[{"code": 400, "description": "..."}]` / `<errors><error>...`,
with 400 (bad parameter), 403 (invalid `api_key` or a restriction), 404 (unknown service or request),
405, 422 (idempotency key reused), 429 (rate limit), in the language of `locale`, else Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

from simpul.api.exchange.actors import cases_for_client
from simpul.api.open311 import serializers as s
from simpul.api.open311.renderers import Open311Error, render, render_error
from simpul.cases.constants import CLOSED_STATUSES, Channel, IdentityProtection, WorkflowCode
from simpul.cases.intake import (
    POINT_FIELD,
    ClientNotAllowed,
    IdempotencyConflict,
    InvalidIdempotencyKey,
    Point,
    Submission,
    submit,
)
from simpul.cases.models import Case
from simpul.cases.permissions import publicly_listed_q
from simpul.cases.selectors import latest_applicant_notes
from simpul.catalog.selectors import complaint_services
from simpul.clients.auth import ApiKeyAuthentication
from simpul.core.actors import Actor
from simpul.core.http.urls import absolute_url
from simpul.core.idempotency import idempotency_key_header
from simpul.core.models import AccessDoor
from simpul.core.services import personal_data_access_record

DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+07:00"


def _locale(request: HttpRequest) -> str | None:
    """The language a `locale` parameter asks for (`id`, `en`, `en-US`...), when the site speaks it."""
    asked = (request.GET.get("locale") or (request.POST.get("locale") if request.method == "POST" else "") or "")
    code = asked.strip().replace("_", "-").split("-")[0].lower()
    return code if code in {c for c, _name in settings.LANGUAGES} else None


def open311_view(methods: tuple[str, ...] = ("GET",)) -> Callable[..., Any]:
    """Dispatch by method, speak the language of a `locale` parameter (else Accept-Language, else Indonesian),
    render Open311Error in the request's format, and refuse other methods (405)."""

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            language = _locale(request)
            if language is None:
                return _dispatch(request, *args, fmt=fmt, **kwargs)
            with translation.override(language):
                response = _dispatch(request, *args, fmt=fmt, **kwargs)
            response["Content-Language"] = language
            return response

        def _dispatch(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = render_error(fmt=fmt, status=405, description=_("Method not allowed."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return func(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return render_error(fmt=fmt, status=exc.status, description=exc.description)

        return wrapper

    return decorate


# -- helpers ------------------------------------------------------------------------------------------------------


class _KeyRequest:
    """Lets `ApiKeyAuthentication` check a key that arrived as the `api_key` parameter."""

    def __init__(self, request: HttpRequest, key: str) -> None:
        self.META = {"HTTP_X_API_KEY": key}
        self._request = request


def _client_for(request: HttpRequest, key: str, *, scopes: tuple[str, ...]) -> Any:
    """The API client of `key` holding one of `scopes`; Open311Error 403 (invalid key/scope) or 429 (rate limit)."""
    try:
        found = ApiKeyAuthentication().authenticate(_KeyRequest(request, key))  # type: ignore[arg-type]
    except exceptions.Throttled as exc:
        raise Open311Error(429, str(exc.detail)) from None
    except exceptions.AuthenticationFailed:
        raise Open311Error(403, _("Invalid api_key received: it is unknown, revoked or expired.")) from None
    if found is None:
        raise Open311Error(403, _("An api_key is required."))
    client = found[0].client
    if not any(scope in client.scopes for scope in scopes):
        raise Open311Error(403, _("The api_key does not have the scope {scope}.").format(scope=" / ".join(scopes)))
    return client


def _read_client(request: HttpRequest) -> Any:
    key = (request.GET.get("api_key") or request.headers.get("X-Api-Key") or "").strip()
    return _client_for(request, key, scopes=("cases:read", "cases:intake")) if key else None


def _complaint_version(code: str) -> Any:
    version = complaint_services().filter(service__code=code).first()
    if version is None:
        raise Open311Error(404, _("There is no complaint service with the code {code}.").format(code=code))
    return version


def _complaint_cases() -> QuerySet:

    return Case.objects.filter(workflow=WorkflowCode.COMPLAINT).select_related(
        "service_version", "service_version__service", "agency", "desa", "desa__parent"
    )


def _readable_ids(cases: list[Any], client: Any) -> set[int]:
    """Of `cases`, those the client may read in full (`cases_for_client`: the one check for every door)."""
    if client is None or not cases:
        return set()
    return set(cases_for_client(client).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))


def _listable(cases: list[Any], client: Any) -> tuple[list[Any], set[int]]:
    """A confidential complaint is never shown publicly: only to a client that may read it in full."""
    full = _readable_ids(cases, client)
    return [c for c in cases if c.identity != IdentityProtection.CONFIDENTIAL or c.pk in full], full


def _items(cases: list[Any], full: set[int]) -> list[dict[str, Any]]:
    notes = latest_applicant_notes([c.pk for c in cases])  # notes written to the applicant, nothing else
    return [s.request_item(c, status_note=notes.get(c.pk), full=c.pk in full) for c in cases]


def _when(value: str, name: str) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is not None:
            parsed = datetime.combine(day, datetime.min.time())
    if parsed is None:
        raise Open311Error(400, _("{name} must be an ISO 8601 date and time, e.g. 2026-01-31T08:00:00+07:00.")
                           .format(name=name))
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


# -- endpoints ----------------------------------------------------------------------------------------------------


@open311_view()
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = absolute_url(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": _("Complaints service of the regency: see {url}").format(url=absolute_url("/")),
        "key_service": _("API keys are issued by the platform administrators (Dinas Kominfo)."),
        "endpoints": [{
            "specification": SPEC_URL,
            "url": base,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return render(data, fmt=fmt, root="discovery")


@open311_view()
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    items = [
        s.service_item(v, has_attributes=bool(s.service_attributes(v, desa_values=[])))
        for v in complaint_services()
    ]
    return render(items, fmt=fmt, root="services")


@open311_view()
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    return render(s.service_definition(_complaint_version(code)), fmt=fmt, root="service_definition")


@open311_view(methods=("GET", "POST"))
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt=fmt)
    client = _read_client(request)
    cases = _complaint_cases()
    ids = [i.strip() for i in (request.GET.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        cases = cases.filter(reference__in=ids[:MAX_REQUESTS])
    else:
        codes = [c.strip() for c in (request.GET.get("service_code") or "").split(",") if c.strip()]
        if codes:
            cases = cases.filter(service_code__in=codes)
        end = _when(request.GET["end_date"], "end_date") if request.GET.get("end_date") else timezone.now()
        start = (_when(request.GET["start_date"], "start_date") if request.GET.get("start_date")
                 else end - timedelta(days=DEFAULT_DAYS))
        if start > end:
            raise Open311Error(400, _("start_date must be before end_date."))
        cases = cases.filter(submitted_at__gte=start, submitted_at__lte=end)
        statuses = {v.strip() for v in (request.GET.get("status") or "").split(",") if v.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed."))

        if statuses == {"open"}:
            cases = cases.exclude(status__in=CLOSED_STATUSES)
        elif statuses == {"closed"}:
            cases = cases.filter(status__in=CLOSED_STATUSES)

    listed = publicly_listed_q()
    if client is not None:  # plus the cases this client may read, publicly listed or not

        listed |= Q(pk__in=cases_for_client(client).values("pk"))
    cases = cases.filter(listed)
    found, full = _listable(list(cases.order_by("-submitted_at", "-pk")[:MAX_REQUESTS]), client)
    read = [case for case in found if case.pk in full]  # the requests returned with the reporter's words
    if read:
        personal_data_access_record(door=AccessDoor.API_READ, request=request, api_client=client, cases=read)
    return render(_items(found, full), fmt=fmt, root="service_requests")


def _request_create(request: HttpRequest, *, fmt: str) -> HttpResponse:

    params = request.POST
    client = _client_for(request, (params.get("api_key") or "").strip(), scopes=("cases:intake",))
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    version = _complaint_version(code)
    point = _point(params)
    region_field = s.standard_fields(version).region
    has_region = bool(params.get("attribute[desa]") or params.get("address_id")
                      or (region_field and params.get(f"attribute[{region_field}]")))
    if point is None and not (params.get("address_string") or "").strip() and not has_region:
        raise Open311Error(400, _("A location is required: lat and long, address_string, or attribute[desa]."))
    answers, std = s.answers_from_params(version, params)
    if (params.get("media_url") or "").strip() and std.media is None:
        raise Open311Error(400, _("media_url: this service takes no link; describe what it shows in "
                                  "description."))
    if std.region and not answers.get(std.region) and (params.get("address_id") or "").strip():
        answers[std.region] = params["address_id"].strip()
    key = idempotency_key_header(request)
    command = Submission(version=version, answers=answers, actor=Actor.api_client(client), client=client,
                         channel=Channel.API, idempotency_key=key, point=point)
    try:
        result = submit(command)
    except ClientNotAllowed:
        raise Open311Error(403, _("This api_key may not submit requests for the service {code}.").format(code=code)) \
            from None
    except InvalidIdempotencyKey:
        raise Open311Error(400, _("The Idempotency-Key header must be 1 to 200 printable ASCII characters, as a "
                                  "string (\"...\") or as they are.")) from None
    except IdempotencyConflict:
        raise Open311Error(422, _("This idempotency key was already used for a different request. Use a new key.")) \
            from None
    except ValidationError as exc:
        return _invalid(exc, std, fmt=fmt)
    case = result.case
    notice = _("Complaint received with number {reference} and PIN {pin}. Track it at {url}").format(
        reference=case.reference, pin=result.pin, url=absolute_url(reverse("cases:track")))
    item = {"service_request_id": case.reference, "token": case.reference, "service_notice": notice,
            "account_id": None}
    return render([item], fmt=fmt, root="service_requests", status=200 if result.replayed else 201)


def _point(params: Any) -> Point | None:
    """The point of `lat` and `long` (both or neither), checked by intake's one rule (`Point.parse`)."""
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    if not lat and not lon:
        return None
    try:
        return Point.parse(lat, lon)
    except ValidationError as exc:
        raise Open311Error(400, "lat, long: " + " ".join(exc.message_dict[POINT_FIELD])) from None


def _invalid(exc: ValidationError, std: s.StandardFields, *, fmt: str) -> HttpResponse:
    """GeoReport v2's error list: one entry per message, each named by the Open311 parameter it is about."""
    errors = [
        {"code": 400, "description": f"{s.error_param(name, std)}: {message}"}
        for name, messages in exc.message_dict.items() for message in messages
    ]
    return render(errors, fmt=fmt, root="errors", status=400)


@open311_view()
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    client = _read_client(request)
    case = _complaint_cases().filter(reference=request_id).first()
    found, full = _listable([case] if case is not None else [], client)
    if not found:
        raise Open311Error(404, _("There is no service request {id}.").format(id=request_id))
    if case.pk in full:  # the reporter's own words; a public read carries none
        personal_data_access_record(door=AccessDoor.API_READ, request=request, api_client=client, case=case)
    return render(_items(found, full), fmt=fmt, root="service_requests")


@open311_view()
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    reference = _complaint_cases().filter(reference=token).values_list("reference", flat=True).first()
    if reference is None:
        raise Open311Error(404, _("There is no token {token}.").format(token=token))
    return render([{"service_request_id": reference, "token": token}], fmt=fmt, root="service_requests")
