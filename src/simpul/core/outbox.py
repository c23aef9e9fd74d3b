"""Outbox delivery backends: a registry of classes, one per kind of outside system.

A backend receives an `OutboxMessage` and either returns a receipt (a dict stored on the message) or
raises `DeliveryError`. Delivery must be safe to repeat: receivers de-duplicate by the message id, which
every backend passes on (for example as the CloudEvents `id` or an `Idempotency-Key` header).
"""

from __future__ import annotations

import abc
import logging
from typing import Any, ClassVar

from simpul.core.registry import Registry

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A delivery failed and should be retried later."""


class OutboxBackend(abc.ABC):
    """One kind of outside system. Subclass, set `name`, implement `deliver`, decorate with `@registry.register`.

    `deliver(message)` gets the `OutboxMessage` (use `message.pk` as the receiver's de-duplication id,
    `message.payload`, `message.topic`) and returns a JSON-able receipt, or raises (any exception counts as
    a failed attempt and is retried with backoff). It must return within half of `simpul.core.delivery.LEASE_SECONDS` (60 s).
    """

    name: ClassVar[str] = ""

    @abc.abstractmethod
    def deliver(self, message: Any) -> dict[str, Any]:
        """Deliver one message; return a receipt or raise."""


registry: Registry[type[OutboxBackend]] = Registry("outbox backend")


@registry.register
class LogBackend(OutboxBackend):
    """The local default: writes the message to the log and counts it as delivered."""

    name = "log"

    def deliver(self, message: Any) -> dict[str, Any]:
        logger.info("outbox log delivery #%s topic=%s", message.pk, message.topic)
        return {"delivered_to": "log"}
