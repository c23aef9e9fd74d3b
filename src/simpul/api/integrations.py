"""Store-and-forward to agencies' own systems: a registry of integration backends.

An `AgencyIntegration` (admin: agency, backend name, endpoint URL, secret, active) receives every case event
of its agency. Each delivery is an outbox message (backend "agency-integration") whose ordering key is the
integration plus the case reference, so while the receiver is down its messages wait (with backoff), and
when it returns they arrive in order per case. The receiver's answer is stored as the message's receipt.

Backends (pick one per integration with `AgencyIntegration.backend`):

- ``http-json``: POSTs the CloudEvent signed like a webhook (see `simpul.api.webhooks`); a 2xx answer is the
  acknowledgement and its JSON body the receipt; anything else is retried.
- ``log``: the local default; writes the event to the log and counts it as delivered.

Add a backend for another kind of system (SOAP, SFTP drop...) with `@integration_backends.register` on a
subclass of `IntegrationBackend`.
"""

from __future__ import annotations

import abc
import logging
from typing import Any, ClassVar

from simpul.api.models import AgencyIntegration
from simpul.api.webhooks import deliver_http
from simpul.core.outbox import OutboxBackend, registry
from simpul.core.registry import Registry

logger = logging.getLogger(__name__)


class IntegrationBackend(abc.ABC):
    name: ClassVar[str] = ""

    @abc.abstractmethod
    def deliver(self, integration: Any, message: Any) -> dict[str, Any]:
        """Deliver `message.payload["event"]` to `integration`; return the receipt or raise."""


class IntegrationRegistry(Registry[type[IntegrationBackend]]):
    def choices(self) -> list[tuple[str, str]]:
        return [(name, name) for name in self.names()]


integration_backends = IntegrationRegistry("integration backend")


@integration_backends.register
class LogIntegration(IntegrationBackend):
    name = "log"

    def deliver(self, integration: Any, message: Any) -> dict[str, Any]:
        event = message.payload.get("event") or {}
        logger.info("integration %s: %s %s %s", integration.pk, event.get("type"), event.get("subject"), event.get("id"))
        return {"delivered_to": "log"}


@integration_backends.register
class HttpJsonIntegration(IntegrationBackend):
    name = "http-json"

    def deliver(self, integration: Any, message: Any) -> dict[str, Any]:
        # Endpoints are entered by platform admins (agency systems usually sit on the regency's own network).
        return deliver_http(message, url=integration.endpoint_url, secret=integration.secret, allow_private=True)


@registry.register
class AgencyIntegrationBackend(OutboxBackend):
    """Outbox backend "agency-integration": payload `{"integration_id": ..., "event": <CloudEvent>}`."""

    name = "agency-integration"

    def deliver(self, message: Any) -> dict[str, Any]:
        integration = AgencyIntegration.objects.filter(pk=message.payload.get("integration_id")).first()
        if integration is None or not integration.is_active:
            return {"skipped": "integration removed or inactive"}
        return integration_backends.get(integration.backend)().deliver(integration, message)
