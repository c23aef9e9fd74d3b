"""Notifications API under /api/v1/: inbound SMS/WhatsApp status queries from the gateway."""

from django.urls import path

from simpul.notifications import inbound

urlpatterns = [
    path("sms/inbound/", inbound.sms_inbound, name="sms_inbound"),
]
