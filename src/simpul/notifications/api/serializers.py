"""Input and output serializers of the inbound SMS/WhatsApp webhook (simpul.notifications.inbound)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from simpul.core.http.serializers import JsonTypesMixin


class SmsInboundInputSerializer(JsonTypesMixin, serializers.Serializer):
    # `from` is a Python keyword: declared as `sender`, renamed in get_fields
    sender = serializers.CharField(help_text="The sender's number, e.g. `+6281234567890` (`0812...`, `62812...` "
                                   "and `+62812...` are one number); cut to 40 characters.")
    text = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                 help_text="The message, e.g. `STATUS MUBA-2026-000123 123456` (or `CEK ...`); "
                                 "cut to 480 characters.")
    channel = serializers.CharField(required=False, allow_blank=True, default="sms",
                                    help_text="`whatsapp` for WhatsApp; anything else (or nothing) means SMS.")

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("sender")
        return fields


class SmsInboundOutputSerializer(serializers.Serializer):
    reply = serializers.CharField(help_text="The answer, in Indonesian; also queued to the sender.")
    message_id = serializers.IntegerField(help_text="The queued outgoing message.")
