"""Notifications API under /api/v1/: inbound SMS/WhatsApp status queries from the gateway."""

from django.urls import path

from simpul.notifications.api import views

urlpatterns = [
    path("sms/inbound/", views.SmsInboundApi.as_view(), name="sms_inbound"),
]
