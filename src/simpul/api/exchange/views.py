"""Case exchange for agency systems: `/api/v1/agency/cases/...` (scopes cases:read / cases:write).

The list and every write need the agency scopes; reading one case also works with `cases:intake`, for the
cases the client submitted itself (`cases_for_client` decides, for every door).

A client sees the cases its agencies hold and the cases forwarded (pending) to them, limited to its services.
It works them through the same workflow table as officers (`simpul.cases.workflow`): an action that is not
allowed in the case's status answers 409 `transition_not_allowed`. Every write takes an optional
`Idempotency-Key`, runs in one transaction with the events it publishes (`simpul.api.events`), and answers
errors as RFC 9457 problems.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.agencies.models import Agency
from simpul.api.events import case_events_publish
from simpul.api.exchange import serializers as s
from simpul.api.exchange.actors import (
    case_actor,
    case_get_for_client,
    cases_for_client,
)
from simpul.api.exchange.services import case_document_add
from simpul.cases.actions import ACTIONS, Endpoint, available_actions, perform
from simpul.cases.constants import CaseAction, DispositionStatus
from simpul.cases.workflow import TransitionNotAllowed
from simpul.clients.auth import (
    HasAnyScope,
    HasScope,
    api_client_from_request,
    client_may_act_for,
    ensure_client_may_act_for,
)
from simpul.clients.idempotency import write
from simpul.core.http.problems import Conflict
from simpul.core.http.schema import IDEMPOTENCY_HEADER, PROBLEM, WRITE_ERRORS
from simpul.core.models import AccessDoor
from simpul.core.services import personal_data_access_record

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _client(request: Request) -> Any:
    client = api_client_from_request(request)
    if client is None:  # HasScope already answered 401; keeps type checkers honest
        raise exceptions.NotAuthenticated()
    return client


def _encode_cursor(updated_at: datetime, pk: int) -> str:
    raw = json.dumps([updated_at.isoformat(), pk]).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _in_utc(when: datetime) -> datetime:
    """In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows (`-17:47` was a 500)."""
    return (when if timezone.is_aware(when) else timezone.make_aware(when)).astimezone(UTC)


def _decode_cursor(value: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        stamp, pk = json.loads(raw)
        when = parse_datetime(stamp)
        if when is None or not isinstance(pk, int):
            raise ValueError
        return _in_utc(when), pk
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise exceptions.ValidationError({"cursor": [_("This cursor is not valid; start again without it.")]}) \
            from None


def _allowed_actions(client: Any, case: Any) -> list[str]:
    if not {"cases:read", "cases:write"} <= set(client.scopes):
        return []  # an intake client reads its own submissions back; it never works a case
    return sorted({item.action for item in available_actions(case, case_actor(client))
                   if item.spec.api != Endpoint.NONE})


def _detail(client: Any, case: Any) -> dict[str, Any]:
    case.history_rows = list(case.events.order_by("at", "id"))
    case.document_rows = list(case.documents.filter(deleted_at__isnull=True).order_by("round", "id"))
    case.disposition_rows = list(case.dispositions.select_related("from_agency", "to_agency").order_by("created_at"))
    case.allowed_action_codes = _allowed_actions(client, case)
    return dict(s.AgencyCaseDetailSerializer(case).data)


def _action_body(case: Any) -> dict[str, Any]:
    return dict(s.AgencyActionOutputSerializer({
        "reference": case.reference, "status": case.status, "status_label": case.get_status_display(),
        "agency": case.agency.code,
    }).data)


def _valid(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _as_conflict(exc: Exception) -> Conflict:
    return Conflict(detail=str(exc), code=getattr(exc, "code", "transition_not_allowed") or "transition_not_allowed")


class CaseListApi(APIView):
    permission_classes = [HasScope("cases:read")]

    @extend_schema(
        operation_id="agency_cases_list",
        summary="Cases of the client's agencies",
        description="Cases held by, or forwarded (pending) to, the agencies the client may act for, oldest change "
                    "first. Poll with `updated_since` and follow `next_cursor` until it is null.",
        parameters=[
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Only cases changed at or after."),
            OpenApiParameter("status", OpenApiTypes.STR, description="Only cases in this status."),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="`next_cursor` of the previous page."),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                             description=f"Page size, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})."),
        ],
        responses={200: s.AgencyCaseListSerializer, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM},
        tags=["agency exchange"],
    )
    def get(self, request: Request) -> Response:
        client = _client(request)
        params = request.query_params
        qs = cases_for_client(client)
        if params.get("updated_since"):
            try:
                since = parse_datetime(params["updated_since"])
            except ValueError:  # well formed but impossible, e.g. month 13
                since = None
            if since is None:
                raise exceptions.ValidationError({"updated_since": [_("Use a date and time like 2026-01-31T08:00:00Z.")]})
            since = _in_utc(since)
            qs = qs.filter(updated_at__gte=since)
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("cursor"):
            when, pk = _decode_cursor(params["cursor"])
            qs = qs.filter(Q(updated_at__gt=when) | Q(updated_at=when, pk__gt=pk))
        try:
            limit = int(params.get("limit") or DEFAULT_LIMIT)  # empty: the default, like every list
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise exceptions.ValidationError({"limit": [_("Use a number from 1 to {max}.").format(max=MAX_LIMIT)]})
        rows = list(qs.order_by("updated_at", "pk")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = _encode_cursor(rows[-1].updated_at, rows[-1].pk) if more and rows else None
        return Response(s.AgencyCaseListSerializer({"results": rows, "next_cursor": next_cursor}).data)


class CaseDetailApi(APIView):
    # An intake client may read back the cases it submitted (and nothing else: `cases_for_client`).
    permission_classes = [HasAnyScope("cases:read", "cases:intake")]

    @extend_schema(operation_id="agency_cases_read", summary="One case with its history, documents and forwardings",
                   responses={200: s.AgencyCaseDetailSerializer, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM},
                   tags=["agency exchange"])
    def get(self, request: Request, reference: str) -> Response:
        client = _client(request)
        case = case_get_for_client(client, reference)
        personal_data_access_record(door=AccessDoor.API_READ, request=request, api_client=client, case=case)
        return Response(_detail(client, case))


class CaseActionApi(APIView):
    permission_classes = [HasScope("cases:read", "cases:write")]

    @extend_schema(
        operation_id="agency_cases_action",
        summary="Apply a workflow action",
        description="Actions allowed now are listed in the case's `allowed_actions`; another answers 409. Use the "
                    "dispositions endpoints to forward, accept or return.",
        parameters=[IDEMPOTENCY_HEADER], request=s.AgencyActionInputSerializer,
        responses={200: s.AgencyActionOutputSerializer, **WRITE_ERRORS}, tags=["agency exchange"],
    )
    def post(self, request: Request, reference: str) -> Response:
        client = _client(request)

        def handler() -> tuple[int, dict[str, Any]]:
            data = _valid(s.AgencyActionInputSerializer, request.data)
            action = data["action"]
            spec = ACTIONS.get(action)
            if spec is None or spec.api != Endpoint.ACTION:
                raise exceptions.ValidationError({"action": [_("This action cannot be applied here.")]})
            case = case_get_for_client(client, reference)
            ensure_client_may_act_for(client, agency=case.agency_id)
            try:
                case = perform(case, action, case_actor(client, case.agency), note=data["note"])
            except TransitionNotAllowed as exc:
                raise _as_conflict(exc) from None
            case_events_publish(case=case)
            return 200, _action_body(case)

        return write(request, handler)


class CaseDocumentApi(APIView):
    permission_classes = [HasScope("cases:read", "cases:write")]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="agency_cases_document_add",
        summary="Add a document",
        description="JSON with `content_base64`, or multipart with `file`. Checked like portal uploads (type, size, "
                    "PDF structure, images re-encoded, virus scan when configured).",
        parameters=[IDEMPOTENCY_HEADER], request={"application/json": s.AgencyDocumentInputSerializer,
                                                  "multipart/form-data": s.AgencyDocumentUploadInputSerializer},
        responses={201: s.AgencyCaseDocumentSerializer, **WRITE_ERRORS}, tags=["agency exchange"],
    )
    def post(self, request: Request, reference: str) -> Response:
        client = _client(request)

        def handler() -> tuple[int, dict[str, Any]]:
            if (request.content_type or "").startswith("multipart/"):
                data = _valid(s.AgencyDocumentUploadInputSerializer, request.data)
                upload = data["file"]
            else:
                data = _valid(s.AgencyDocumentInputSerializer, request.data)
                try:
                    content = base64.b64decode(data["content_base64"], validate=True)
                except (binascii.Error, ValueError):
                    raise exceptions.ValidationError({"content_base64": [_("This is not valid base64.")]}) from None
                upload = SimpleUploadedFile(data["filename"] or "dokumen", content)
            case = case_get_for_client(client, reference)
            ensure_client_may_act_for(client, agency=case.agency_id)
            actor = case_actor(client, case.agency)
            document = case_document_add(case=case, actor=actor, upload=upload, spec_code=data["spec_code"],
                                         filename=data["filename"] or getattr(upload, "name", ""), note=data["note"])
            case_events_publish(case=case)
            return 201, dict(s.AgencyCaseDocumentSerializer(document).data)

        return write(request, handler)


class DispositionCreateApi(APIView):
    permission_classes = [HasScope("cases:read", "cases:write")]

    @extend_schema(operation_id="agency_cases_dispose", summary="Forward the case to another agency",
                   parameters=[IDEMPOTENCY_HEADER], request=s.AgencyDispositionInputSerializer,
                   responses={201: s.AgencyDispositionSerializer, **WRITE_ERRORS}, tags=["agency exchange"])
    def post(self, request: Request, reference: str) -> Response:
        client = _client(request)

        def handler() -> tuple[int, dict[str, Any]]:
            data = _valid(s.AgencyDispositionInputSerializer, request.data)
            to_agency = Agency.objects.filter(code=data["to_agency"], is_active=True).first()
            if to_agency is None:
                raise exceptions.ValidationError({"to_agency": [_("No active agency has this code.")]})
            case = case_get_for_client(client, reference)
            ensure_client_may_act_for(client, agency=case.agency_id)
            try:
                disposition = perform(case, CaseAction.FORWARD, case_actor(client, case.agency), to_agency=to_agency,
                                      note=data["reason"])
            except TransitionNotAllowed as exc:
                raise _as_conflict(exc) from None
            case_events_publish(case=case)
            return 201, dict(s.AgencyDispositionSerializer(disposition).data)

        return write(request, handler)


class DispositionDecisionApi(APIView):
    """Accept (`decision="accept"`) or return (`decision="return"`) the case forwarded to the client's agency."""

    permission_classes = [HasScope("cases:read", "cases:write")]
    decision = "accept"

    @extend_schema(parameters=[IDEMPOTENCY_HEADER], request=s.AgencyDecisionInputSerializer,
                   responses={200: s.AgencyActionOutputSerializer, **WRITE_ERRORS}, tags=["agency exchange"])
    def post(self, request: Request, reference: str) -> Response:
        client = _client(request)

        def handler() -> tuple[int, dict[str, Any]]:
            data = _valid(s.AgencyDecisionInputSerializer, request.data)
            case = case_get_for_client(client, reference)
            disposition = (case.dispositions.filter(status=DispositionStatus.PENDING)
                           .select_related("to_agency").first())
            if disposition is None or not client_may_act_for(client, agency=disposition.to_agency_id):
                raise Conflict(_("This case is not waiting for your agency's decision."),
                               code="no_pending_disposition")
            actor = case_actor(client, disposition.to_agency)
            try:
                if self.decision == "accept":
                    case = perform(case, CaseAction.ACCEPT_DISPOSITION, actor, note=data["note"])
                else:
                    if not data["note"].strip():
                        raise exceptions.ValidationError({"note": [_("Please write why the case is returned.")]})
                    case = perform(case, CaseAction.RETURN_DISPOSITION, actor, note=data["note"])
            except TransitionNotAllowed as exc:
                raise _as_conflict(exc) from None
            case_events_publish(case=case)
            return 200, _action_body(case)

        return write(request, handler)


class DispositionAcceptApi(DispositionDecisionApi):
    decision = "accept"

    @extend_schema(operation_id="agency_cases_disposition_accept", summary="Accept a forwarded case",
                   parameters=[IDEMPOTENCY_HEADER], request=s.AgencyDecisionInputSerializer,
                   responses={200: s.AgencyActionOutputSerializer, **WRITE_ERRORS}, tags=["agency exchange"])
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)


class DispositionReturnApi(DispositionDecisionApi):
    decision = "return"

    @extend_schema(operation_id="agency_cases_disposition_return", summary="Return a forwarded case",
                   parameters=[IDEMPOTENCY_HEADER], request=s.AgencyDecisionInputSerializer,
                   responses={200: s.AgencyActionOutputSerializer, **WRITE_ERRORS}, tags=["agency exchange"])
    def post(self, request: Request, reference: str) -> Response:
        return super().post(request, reference)
