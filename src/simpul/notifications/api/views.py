"""`POST /api/v1/sms/inbound/`: the SMS/WhatsApp gateway's webhook (simpul.notifications.inbound).

Authenticated by the gateway's HMAC signature over the raw body (headers X-Simpul-Timestamp and
X-Simpul-Signature, secret SIMPUL_SMS_INBOUND_SECRET; no secret configured: every request refused), not by a
session or an API key: no authentication class runs, so there is no CSRF check (no cookie carries authority
here). The signature is checked before the body is read as JSON, and the JSON read is the exact bytes signed,
whatever the Content-Type.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.api.errors import ProblemError
from simpul.api.schema import PROBLEM_MEDIA_TYPE, problem
from simpul.notifications.api.serializers import SmsInboundInputSerializer, SmsInboundOutputSerializer
from simpul.notifications.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from simpul.notifications.inbound import sms_inbound_reply


class HasGatewaySignature(BasePermission):
    """The request is signed with SIMPUL_SMS_INBOUND_SECRET, within the replay window."""

    message = gettext_lazy("Signature missing or not valid.")
    code = "signature_invalid"

    def has_permission(self, request: Request, view: Any) -> bool:
        secret = getattr(settings, "SIMPUL_SMS_INBOUND_SECRET", "")
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
        message = sms_inbound_reply(sender=data.validated_data["from"], text=data.validated_data["text"],
                                    channel=data.validated_data["channel"])
        return Response(SmsInboundOutputSerializer({"reply": message.body, "message_id": message.pk}).data)
