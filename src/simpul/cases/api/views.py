"""`POST /api/v1/cases/` and `GET /api/v1/cases/<reference>/status` (contracts in ARCHITECTURE.md).

Creating a case: authenticated either by an API key with scope `cases:intake` (partner systems, village
kiosks; idempotency scope = the API client) or by the session of a logged-in user (the portal's offline
outbox; CSRF applies; idempotency scope = the user). The `Idempotency-Key` header is required: 201 the
first time, 200 with the same body on a replay, 422 for the same key with another payload, 409 while the
first request is still running, 400 when the header is missing. Answers and documents (base64) travel in one
JSON body and are stored atomically.

Status: public with the case's PIN (header `X-Case-PIN` or query `pin`); wrong PINs are throttled per
IP address and reference like the tracking page (429 when blocked). An unknown reference and a wrong PIN
both answer 404, so the API does not reveal which references exist.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.accounts.permissions import village_scope
from simpul.cases import selectors
from simpul.cases.api.serializers import (
    CaseCreatedOutputSerializer,
    CaseCreateInputSerializer,
    CaseStatusOutputSerializer,
)
from simpul.cases.constants import Channel
from simpul.cases.intake import (
    POINT_FIELD,
    ClientNotAllowed,
    IdempotencyConflict,
    Point,
    Submission,
    submission_fingerprint,
    submit,
)
from simpul.cases.tracking import Blocked, NotFound, Requester, track
from simpul.catalog.selectors import service_get
from simpul.clients.auth import api_client_from_request
from simpul.core.actors import Actor
from simpul.core.http.problems import problem_body, problem_response
from simpul.core.http.schema import IDEMPOTENCY_KEY_PATTERN, PROBLEM_MEDIA_TYPE, problem
from simpul.core.idempotency import idempotency_key_header, idempotent


class _DecodedUpload:
    def __init__(self, name: str, content: bytes) -> None:
        self.name = name
        self.content = content
        self.size = len(content)

    def read(self) -> bytes:
        return self.content


def _decode_documents(items: list[dict[str, Any]]) -> dict[str, Any]:
    files: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(items):
        try:
            content = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            errors[f"documents.{index}.content_base64"] = [_("This is not valid base64.")]
            continue
        files[item["code"]] = _DecodedUpload(item["filename"], content)
    if errors:
        raise exceptions.ValidationError(errors)
    return files


class CaseCreateApi(APIView):
    """Create a case (an application, permit request, complaint or information request)."""


    @extend_schema(
        operation_id="cases_create",
        summary="Submit a case",
        description=__doc__,
        parameters=[
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=True,
                             pattern=IDEMPOTENCY_KEY_PATTERN,
                             description="A client-made key (a UUID), kept at least 24 h, scoped per client."),
        ],
        request=CaseCreateInputSerializer,
        responses={
            201: CaseCreatedOutputSerializer,
            200: OpenApiResponse(CaseCreatedOutputSerializer, description="Replay of an earlier request."),
            (400, PROBLEM_MEDIA_TYPE): problem("`invalid` (see `errors`), `malformed_request`, "
                                               "`idempotency_key_missing` or `idempotency_key_invalid`."),
            (401, PROBLEM_MEDIA_TYPE): problem("`not_authenticated` or a refused key (`api_key_unknown`, ...)."),
            (403, PROBLEM_MEDIA_TYPE): problem("`scope_missing` or `scope_restricted`."),
            (409, PROBLEM_MEDIA_TYPE): problem("`idempotency_request_in_flight`: the first request with this key "
                                               "is still running."),
            (422, PROBLEM_MEDIA_TYPE): problem("`idempotency_key_reused`: the key was used with a different "
                                               "payload."),
        },
        tags=["cases"],
    )
    def post(self, request: Request) -> Response:
        client = api_client_from_request(request)
        if client is not None:
            if "cases:intake" not in client.scopes:
                raise exceptions.PermissionDenied(
                    _("The API key does not have the scope {scopes}.").format(scopes="cases:intake"),
                    code="scope_missing")
            actor = Actor.api_client(client)
        else:
            actor = Actor.of(request.user)
            if not actor.is_person:
                raise exceptions.NotAuthenticated(_("Log in or use an API key with the scope cases:intake."))
        key = idempotency_key_header(request)
        if not key:
            return problem_response(status_code=400, code="idempotency_key_missing",
                                    detail=_("The Idempotency-Key header is required."))
        parsed = self._command(request, actor=actor, client=client, key=key)
        if isinstance(parsed, Response):
            return parsed
        command = parsed
        fingerprint = submission_fingerprint(service_code=command.version.service.code, answers=command.answers,
                                             files=command.files, point=command.point)
        result = idempotent(scope=command.scope, key=key, fingerprint=fingerprint,
                            handler=lambda: self._create(request, command))
        if result.outcome in ("conflict", "in_flight", "invalid_key"):
            return problem_response(status_code=result.status, code=result.body.get("code", "idempotency"),
                                    detail=result.body.get("detail", ""))
        if result.status >= 400:
            return Response(result.body, status=result.status, content_type="application/problem+json")
        response = Response(result.body, status=result.status)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def _command(self, request: Request, *, actor: Actor, client: Any, key: str) -> Submission | Response:
        """The request as an intake command, or the 400 that says what is wrong with it."""
        data = CaseCreateInputSerializer(data=request.data)
        if not data.is_valid():
            return _invalid({k: [str(m) for m in v] if isinstance(v, list) else [str(v)] for k, v in data.errors.items()})
        payload = data.validated_data
        try:
            version = service_get(payload["service"])
        except Http404:
            return _invalid({"service": [_("No open service has this code.")]})
        try:
            files = _decode_documents(payload.get("documents") or [])
        except exceptions.ValidationError as exc:
            return _invalid({k: [str(m) for m in v] for k, v in exc.detail.items()})
        location = payload.get("location")
        try:
            point = Point.parse(location["latitude"], location["longitude"]) if location else None
        except ValidationError as exc:
            return _invalid({"location": exc.message_dict[POINT_FIELD]})
        operator = actor.is_person and village_scope(actor.user) is not None
        return Submission(version=version, answers=dict(payload["answers"]), files=files, actor=actor,
                          client=client, channel=Channel.API, idempotency_key=key, on_behalf=operator,
                          consent=payload.get("consent") or None, point=point)

    def _create(self, request: Request, command: Submission) -> tuple[int, dict[str, Any]]:
        try:
            result = submit(command)
        except ValidationError as exc:
            return 400, problem_body(status_code=400, code="invalid", detail=_("Some fields are not valid; see errors."),
                                     errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        except ClientNotAllowed:
            return 403, problem_body(status_code=403, code="scope_restricted",
                                     detail=_("This API client may not act for this agency or service."))
        except IdempotencyConflict:
            return 422, problem_body(status_code=422, code="idempotency_key_reused",
                                     detail=_("This idempotency key was already used for a different request. "
                                              "Use a new key."))
        case = result.case
        body = CaseCreatedOutputSerializer({
            "reference": case.reference, "pin": result.pin, "status": case.status,
            "status_label": case.get_status_display(), "service": case.service_code, "agency": case.agency.code,
            "submitted_at": case.submitted_at, "due_date": case.due_date,
            "tracking_url": request.build_absolute_uri(reverse("cases:track") + "?ref=" + case.reference),
        }).data
        return 201, dict(body)


def _invalid(errors: dict[str, list[str]]) -> Response:
    body = problem_body(status_code=400, code="invalid", detail=_("Some fields are not valid; see errors."),
                        errors=errors)
    return Response(body, status=400, content_type="application/problem+json")


class CaseStatusApi(APIView):
    """The public status and history of a case, with its PIN."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @extend_schema(
        operation_id="cases_status",
        summary="Status of a case",
        parameters=[
            OpenApiParameter("X-Case-PIN", OpenApiTypes.STR, location=OpenApiParameter.HEADER,
                             description="The case's 6-digit PIN (or use the `pin` query parameter)."),
            OpenApiParameter("pin", OpenApiTypes.STR, description="The PIN, when a header cannot be sent."),
        ],
        responses={200: CaseStatusOutputSerializer,
                   (404, PROBLEM_MEDIA_TYPE): problem("No case with this reference and PIN (the same answer for both)."),
                   (429, PROBLEM_MEDIA_TYPE): problem("`rate_limited`: too many wrong PINs; see `Retry-After`.")},
        tags=["cases"],
    )
    def get(self, request: Request, reference: str) -> Response:
        pin = request.headers.get("X-Case-PIN") or request.query_params.get("pin", "")
        case = track(reference, pin, Requester.api(request))
        if isinstance(case, Blocked):
            raise exceptions.Throttled(wait=case.retry_after_seconds,
                                       detail=_("Too many wrong PINs. Please wait {minutes} minutes and try again.")
                                       .format(minutes=case.wait_minutes))
        if isinstance(case, NotFound):
            raise exceptions.NotFound(_("No case with this reference and PIN."))
        history = selectors.case_public_history(case)
        data = CaseStatusOutputSerializer({
            "reference": case.reference, "service_code": case.service_code, "status": case.status,
            "get_status_display": case.get_status_display(), "submitted_at": case.submitted_at,
            "due_date": case.due_date, "closed_at": case.closed_at, "history": history,
        }).data
        response = Response(data)
        response["Cache-Control"] = "private, no-store"
        return response
