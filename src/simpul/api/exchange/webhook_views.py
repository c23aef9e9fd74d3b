"""Webhook management for API clients: `/api/v1/webhooks/...` (scope webhooks:manage).

A client manages only its own subscriptions. The signing secret is returned once, when the subscription is
created. Each subscription has a delivery log (attempts, last HTTP status, times) and a dead or waiting
delivery can be re-sent. Payloads, signature header and a receiver example: docs/webhooks.md.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from simpul.agencies.models import Agency
from simpul.api.events import EVENT_TYPES, required_scope
from simpul.api.exchange.actors import client_actor
from simpul.api.exchange.views import _client, _valid
from simpul.api.exchange.webhook_services import (
    event_delivery_resend,
    webhook_subscription_create,
    webhook_subscription_deactivate,
)
from simpul.api.models import EventDelivery, WebhookSubscription
from simpul.api.serializers import StrictFieldsMixin
from simpul.clients.auth import HasScope
from simpul.clients.idempotency import write
from simpul.core.http.problems import Conflict
from simpul.core.http.schema import IDEMPOTENCY_HEADER, PROBLEM, WRITE_ERRORS
from simpul.core.services import OutboxResendError

TAGS = ["webhooks"]


class WebhookEventTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    description = serializers.CharField()
    scope = serializers.CharField(help_text="Scope the client needs to receive it (empty: none).")


class WebhookSubscriptionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    url = serializers.URLField(max_length=500)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=["*", *EVENT_TYPES]), min_length=1,
                                        help_text="Event type codes, or `*` for every type the client may receive.")
    agencies = serializers.ListField(child=serializers.SlugField(max_length=60), required=False, default=list,
                                     help_text="Agency codes; empty = every agency the client may act for.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    agencies = serializers.SerializerMethodField()
    description = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_agencies(self, obj: WebhookSubscription) -> list[str]:
        return sorted(a.code for a in obj.agencies.all())


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(help_text="The signing secret. Shown only in this response: store it now.")


class WebhookAttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField()
    event_type = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField(source="message.status", help_text="pending, delivered or dead.")
    attempts = serializers.IntegerField(source="message.attempts")
    next_attempt_at = serializers.DateTimeField(source="message.next_attempt_at")
    delivered_at = serializers.DateTimeField(source="message.delivered_at", allow_null=True)
    last_error = serializers.CharField(source="message.last_error")
    last_response_status = serializers.IntegerField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attempt_log = WebhookAttemptSerializer(many=True, source="message.attempt_log.all")


class WebhookDeliveryPageSerializer(serializers.Serializer):
    results = WebhookDeliverySerializer(many=True)


def _own_subscription(client: Any, pk: int) -> WebhookSubscription:
    subscription = (WebhookSubscription.objects.filter(pk=pk, client=client, is_active=True)
                    .prefetch_related("agencies").first())
    if subscription is None:
        raise Http404
    return subscription


class EventTypeListApi(APIView):
    permission_classes = [HasScope("webhooks:manage")]

    @extend_schema(operation_id="webhooks_event_types", summary="Event types one can subscribe to",
                   responses={200: WebhookEventTypeSerializer(many=True), 401: PROBLEM, 403: PROBLEM}, tags=TAGS)
    def get(self, request: Request) -> Response:
        rows = [{"type": code, "description": str(text), "scope": required_scope(code)}
                for code, text in EVENT_TYPES.items()]
        return Response(WebhookEventTypeSerializer(rows, many=True).data)


class SubscriptionListApi(APIView):
    permission_classes = [HasScope("webhooks:manage")]

    @extend_schema(operation_id="webhooks_subscriptions_list", summary="The client's webhook subscriptions",
                   responses={200: WebhookSubscriptionSerializer(many=True), 401: PROBLEM, 403: PROBLEM}, tags=TAGS)
    def get(self, request: Request) -> Response:
        client = _client(request)
        rows = WebhookSubscription.objects.filter(client=client, is_active=True).prefetch_related("agencies")
        return Response(WebhookSubscriptionSerializer(rows, many=True).data)

    @extend_schema(operation_id="webhooks_subscriptions_create", summary="Subscribe to events",
                   parameters=[IDEMPOTENCY_HEADER], request=WebhookSubscriptionInputSerializer,
                   responses={201: WebhookSubscriptionCreatedSerializer, **WRITE_ERRORS}, tags=TAGS)
    def post(self, request: Request) -> Response:
        client = _client(request)

        def handler() -> tuple[int, dict[str, Any]]:
            data = _valid(WebhookSubscriptionInputSerializer, request.data)
            agencies = list(Agency.objects.filter(code__in=data["agencies"]))
            missing = sorted(set(data["agencies"]) - {a.code for a in agencies})
            if missing:
                raise exceptions.ValidationError(
                    {"agencies": [_("Unknown agency: {code}.").format(code=code) for code in missing]})
            subscription = webhook_subscription_create(
                client=client, url=data["url"], event_types=data["event_types"], agencies=agencies,
                description=data["description"], actor=client_actor(client),
            )
            body = dict(WebhookSubscriptionSerializer(subscription).data)
            body["secret"] = subscription.secret
            return 201, body

        return write(request, handler)


class SubscriptionDetailApi(APIView):
    permission_classes = [HasScope("webhooks:manage")]

    @extend_schema(operation_id="webhooks_subscriptions_read", summary="One subscription",
                   responses={200: WebhookSubscriptionSerializer, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM}, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return Response(WebhookSubscriptionSerializer(_own_subscription(_client(request), pk)).data)

    @extend_schema(operation_id="webhooks_subscriptions_delete", summary="Stop a subscription",
                   responses={204: None, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM}, tags=TAGS)
    def delete(self, request: Request, pk: int) -> Response:
        client = _client(request)
        webhook_subscription_deactivate(subscription=_own_subscription(client, pk), actor=client_actor(client))
        return Response(status=204)


class DeliveryListApi(APIView):
    permission_classes = [HasScope("webhooks:manage")]

    @extend_schema(operation_id="webhooks_deliveries_list", summary="Delivery log of a subscription (latest 100)",
                   responses={200: WebhookDeliveryPageSerializer, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM}, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        subscription = _own_subscription(_client(request), pk)
        rows = (EventDelivery.objects.filter(subscription=subscription).select_related("message")
                .prefetch_related("message__attempt_log").order_by("-id")[:100])
        return Response(WebhookDeliveryPageSerializer({"results": rows}).data)


class DeliveryResendApi(APIView):
    permission_classes = [HasScope("webhooks:manage")]

    @extend_schema(operation_id="webhooks_deliveries_resend", summary="Re-send a dead or waiting delivery now",
                   request=None, responses={200: WebhookDeliverySerializer, **WRITE_ERRORS}, tags=TAGS)
    def post(self, request: Request, pk: int) -> Response:
        client = _client(request)
        delivery = (EventDelivery.objects.select_related("message")
                    .filter(pk=pk, subscription__client=client).first())
        if delivery is None:
            raise Http404
        try:
            delivery = event_delivery_resend(delivery=delivery, actor=client_actor(client))
        except OutboxResendError as exc:
            raise Conflict(str(exc), code="not_resendable") from None
        return Response(WebhookDeliverySerializer(delivery).data)
