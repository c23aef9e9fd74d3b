"""Plug-in registries: a name is taken once; tests swap an entry explicitly and get the old one back."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.accounts.subject_data import register_subject_data, sections
from simpul.api.integrations import IntegrationBackend, integration_backends
from simpul.core.outbox import OutboxBackend
from simpul.core.outbox import registry as outbox_backends
from simpul.core.pdp import register_rekey, rekey_registry
from simpul.core.registry import AlreadyRegistered, NotRegistered, Registry
from simpul.notifications.gateways import ConsoleGateway, Gateway
from simpul.notifications.gateways import registry as gateways


class SecondLog(OutboxBackend):
    name = "log"

    def deliver(self, message: Any) -> dict[str, Any]:
        return {}


class SecondConsole(Gateway):
    name = "console"


class SecondHttpJson(IntegrationBackend):
    name = "http-json"

    def deliver(self, integration: Any, message: Any) -> dict[str, Any]:
        return {}


@pytest.mark.parametrize(("registry", "duplicate"), [
    (outbox_backends, SecondLog), (gateways, SecondConsole), (integration_backends, SecondHttpJson),
])
def test_a_second_registration_under_a_taken_name_raises_and_keeps_the_first(registry: Any, duplicate: Any) -> None:
    first = registry.get(duplicate.name)
    with pytest.raises(AlreadyRegistered, match=repr(duplicate.name)):
        registry.register(duplicate)
    assert registry.get(duplicate.name) is first


def test_an_unknown_name_is_a_clear_lookup_error() -> None:
    with pytest.raises(NotRegistered, match="no outbox backend named 'nowhere'"):
        outbox_backends.get("nowhere")
    with pytest.raises(LookupError, match="no integration backend named 'soap'"):
        integration_backends.get("soap")


def test_the_configured_gateway_must_exist(settings: Any) -> None:
    settings.NOTIFICATION_GATEWAYS = {"sms": {"BACKEND": "pigeon"}}
    with pytest.raises(NotRegistered, match="no notification gateway named 'pigeon' \\(channel sms\\)"):
        gateways.for_channel("sms")


def test_override_swaps_an_entry_and_puts_the_old_one_back() -> None:
    with gateways.override("console", SecondConsole):
        assert gateways.get("console") is SecondConsole
    assert gateways.get("console") is ConsoleGateway
    with gateways.override("test-only", SecondConsole):
        assert "test-only" in gateways
    assert "test-only" not in gateways


def test_an_entry_needs_a_name() -> None:
    registry: Registry[object] = Registry("thing")
    with pytest.raises(Exception, match="a thing needs a name"):
        registry.register(object())
    assert registry.register(42, name="answer") == 42 and registry.names() == ["answer"]


def test_the_export_sections_and_rekey_jobs_refuse_a_taken_name_too() -> None:
    first = sections.get("citizen_profile")
    with pytest.raises(AlreadyRegistered, match="'citizen_profile'"):
        register_subject_data("citizen_profile")(lambda user: {})
    assert sections.get("citizen_profile") is first
    with rekey_registry.override("test.job", lambda: 0), pytest.raises(AlreadyRegistered, match=r"'test\.job'"):
        register_rekey("test.job")(lambda: 1)
    assert "test.job" not in rekey_registry
