"""One tracking rule (simpul.cases.tracking.track) and the three doors that use it: /lacak/, the status API and
STATUS by SMS. The same right PIN, wrong PIN, unknown reference and lockout give the same outcome at every door."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest

from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.reference_numbers import reference_new
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.cases.tracking import Blocked, NotFound, Requester, track
from simpul.conftest import personas, region_tree  # noqa: F401 - shared fixtures
from simpul.notifications.gateways import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from simpul.notifications.models import Message

SECRET = "gateway-secret-for-tracking-tests"
_STAMPS = itertools.count()


@pytest.fixture
def submitted(personas: Any, settings: Any) -> Any:  # noqa: F811 - the shared fixture
    settings.SIMPUL_SMS_INBOUND_SECRET = SECRET
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_MAX_FAILURES_PER_IP = 10
    return case_submit(version=ktp_service(personas.dukcapil), answers=dict(VALID_ANSWERS),
                       files={"kk": pdf_upload()}, idempotency_key="track-1", applicant=personas.citizen)


def _wrong(pin: str) -> str:
    return "000000" if pin != "000000" else "111111"


def _unknown(submitted: Any) -> str:
    """A well-formed reference (its check letter right) that names no case."""
    while (reference := reference_new()) == submitted.case.reference:
        pass
    return reference


# -- the rule ---------------------------------------------------------------------------------------------------


def test_the_right_pin_gives_the_case_whatever_the_spelling_of_the_reference(submitted: Any) -> None:
    who = Requester("web", "198.51.100.1")
    assert track(submitted.case.reference.lower(), submitted.pin, who) == submitted.case
    assert track(" " + submitted.case.reference.replace("-", " ") + " ", submitted.pin, who) == submitted.case


def test_a_wrong_pin_and_an_unknown_reference_are_one_answer(submitted: Any) -> None:
    who = Requester("web", "198.51.100.2")
    assert track(submitted.case.reference, _wrong(submitted.pin), who) == NotFound()
    assert track(_unknown(submitted), submitted.pin, who) == NotFound()
    assert track("not a reference", submitted.pin, who) == NotFound(malformed=True)


def test_wrong_pins_block_that_requester_even_with_the_right_pin_then_not_another(submitted: Any) -> None:
    guesser, owner = Requester("web", "198.51.100.3"), Requester("web", "198.51.100.4")
    for _ in range(3):
        assert track(submitted.case.reference, _wrong(submitted.pin), guesser) == NotFound()
    assert track(submitted.case.reference, submitted.pin, guesser) == Blocked(wait_minutes=15)
    assert track(submitted.case.reference, submitted.pin, owner) == submitted.case


def test_guessing_across_references_blocks_the_requester(submitted: Any, settings: Any) -> None:
    settings.TRACKING_MAX_FAILURES_PER_IP = 2
    who = Requester("sms", "sms:+6281200000000")
    for _ in range(2):
        assert track(_unknown(submitted), "123456", who) == NotFound()
    assert isinstance(track(submitted.case.reference, submitted.pin, who), Blocked)


def test_a_malformed_reference_is_not_counted(submitted: Any) -> None:
    who = Requester("api", "198.51.100.5")
    for _ in range(5):
        assert track("????", "123456", who) == NotFound(malformed=True)
    assert track(submitted.case.reference, submitted.pin, who) == submitted.case


# -- the three doors --------------------------------------------------------------------------------------------


def _web(client: Any, reference: str, pin: str) -> str:
    response = client.post("/lacak/", {"reference": reference, "pin": pin})
    return {302: "found", 400: "not_found", 429: "blocked"}[response.status_code]


def _api(client: Any, reference: str, pin: str) -> str:
    response = client.get(f"/api/v1/cases/{reference}/status", headers={"X-Case-PIN": pin})
    return {200: "found", 404: "not_found", 429: "blocked"}[response.status_code]


def _sms(client: Any, reference: str, pin: str) -> str:
    body = json.dumps({"from": "+6281234567890", "text": f"STATUS {reference} {pin}"}).encode()
    stamp = str(int(time.time()) - 250 + next(_STAMPS) % 250)
    response = client.post("/api/v1/sms/inbound/", body, content_type="application/json",
                           headers={TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(SECRET, stamp, body)})
    assert response.status_code == 200
    reply = Message.objects.filter(event="sms.status_reply").order_by("-pk").first()
    assert reply is not None
    if reply.body.startswith("Permohonan " + reference):
        return "found"
    if reply.body.startswith("Terlalu banyak"):
        return "blocked"
    assert reply.body == "Nomor permohonan dan PIN tidak cocok."
    return "not_found"


@pytest.mark.parametrize("door", [_web, _api, _sms], ids=["web", "api", "sms"])
def test_every_door_gives_the_same_outcomes_in_the_same_order(client: Any, submitted: Any, door: Any) -> None:
    reference, pin = submitted.case.reference, submitted.pin
    unknown = _unknown(submitted)
    outcomes = [door(client, reference, pin), door(client, unknown, pin)]
    outcomes += [door(client, reference, _wrong(pin)) for _ in range(3)]
    outcomes.append(door(client, reference, pin))  # now blocked, right PIN or not
    assert outcomes == ["found", "not_found", "not_found", "not_found", "not_found", "blocked"]
    assert Case.objects.count() == 1
