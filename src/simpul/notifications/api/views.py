"""`POST /api/v1/sms/inbound/`: the SMS/WhatsApp gateway's webhook (simpul.notifications.inbound).

Authenticated by the gateway's HMAC signature over the raw body (headers X-Simpul-Timestamp and
X-Simpul-Signature, secret SIMPUL_SMS_INBOUND_SECRET, or the published demo secret in demo mode; no secret:
every request refused), not by a session or an API key: no authentication class runs, so there is no CSRF check
(no cookie carries authority here). The signature is checked before the body is read as JSON, and the JSON read
is the exact bytes signed, whatever the Content-Type. An exact re-send (same signature, within the 5-minute
window the timestamp allows) is answered with the first answer and `Idempotent-Replayed: true`, and sends no
second reply (`simpul.core.idempotency`, in the database: every process sees it).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.core.http.problems import ProblemError
from simpul.core.http.schema import PROBLEM_MEDIA_TYPE, problem
from simpul.core.idempotency import idempotent, request_fingerprint
from simpul.notifications.api.serializers import SmsInboundInputSerializer, SmsInboundOutputSerializer
from simpul.notifications.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from simpul.notifications.inbound import inbound_secret, sms_inbound_reply

REPLAY_SCOPE = "sms-inbound"


class HasGatewaySignature(BasePermission):
    """The request is signed with `inbound_secret()`, within the replay window."""

    message = gettext_lazy("Signature missing or not valid.")
    code = "signature_invalid"

    def has_permission(self, request: Request, view: Any) -> bool:
        secret = inbound_secret()
        return bool(secret) and verify_signature(
            secret=secret, timestamp=request.headers.get(TIMESTAMP_HEADER, ""), body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""))


class SmsInboundApi(APIView):
    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [HasGatewaySignature]
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        operation_id="sms_inbound", summary="Inbound SMS/WhatsApp from the gateway", tags=["sms"],
        description=__doc__,
        parameters=[
            OpenApiParameter(TIMESTAMP_HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=True,
                             description="Unix time of sending; more than 5 minutes off is refused (no replays)."),
            OpenApiParameter(SIGNATURE_HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=True,
                             description="`sha256=<hex>`: HMAC-SHA256 over the timestamp, `.` and the raw body."),
        ],
        request=SmsInboundInputSerializer,
        responses={
            200: SmsInboundOutputSerializer,
            (400, PROBLEM_MEDIA_TYPE): problem("`malformed_request` (not JSON) or `invalid` (see `errors`)."),
            (403, PROBLEM_MEDIA_TYPE): problem("`signature_invalid`: the signature is missing, wrong or too old, "
                                               "or no secret is configured."),
            (409, PROBLEM_MEDIA_TYPE): problem("`idempotency_request_in_flight`: the same signed request is "
                                               "still being answered; an exact re-send after that gets the first "
                                               "answer (header `Idempotent-Replayed: true`), not a second reply."),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            payload = json.loads(request.body)
        except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested beyond reason
            raise ProblemError(status_code=400, code="malformed_request",
                               detail=_("Send JSON with the fields from and text.")) from exc
        data = SmsInboundInputSerializer(data=payload)
        if not data.is_valid():
            raise ProblemError(status_code=400, code="invalid", detail=_("Send JSON with the fields from and text."),
                               errors={k: [str(m) for m in v] for k, v in data.errors.items()})
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        result = idempotent(
            scope=REPLAY_SCOPE, key=request.headers.get(SIGNATURE_HEADER, ""),
            fingerprint=request_fingerprint("POST", request.path, timestamp.encode("ascii", "replace") + b"."
                                            + request.body),
            handler=lambda: (200, self._reply(data.validated_data)),
        )
        if result.status != 200:  # the first of two identical requests is still being answered
            raise ProblemError(status_code=result.status, code=result.body.get("code", "idempotency"),
                               detail=result.body.get("detail", ""))
        response = Response(result.body)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @staticmethod
    def _reply(data: dict[str, Any]) -> dict[str, Any]:
        message = sms_inbound_reply(sender=data["from"], text=data["text"], channel=data["channel"])
        return dict(SmsInboundOutputSerializer({"reply": message.body, "message_id": message.pk}).data)
