import threading
import uuid

import pytest
from django.db import connection, connections

from simpul.assessment.models import Channel, Response
from simpul.assessment.services import TokenUsed, invitation_create, response_submit
from simpul.assessment.tests.factories import dual_answers, open_round


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_response_per_token_under_concurrent_submission():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    rnd = open_round()
    [token] = invitation_create(round=rnd, count=1, actor=None)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.TOKEN, token=token,
                            answers=dual_answers())
            result = "ok"
        except TokenUsed:
            result = "used"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["used"] * 5
    assert Response.objects.filter(round=rnd).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_response_id_sent_concurrently_is_stored_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    rnd = open_round()
    rid = uuid.uuid4()
    barrier = threading.Barrier(4)
    created: list[bool] = []

    def submit() -> None:
        try:
            barrier.wait()
            out = response_submit(round=rnd, response_id=rid, channel=Channel.PUBLIC, answers=dual_answers())
            created.append(out.created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(created) == [False, False, False, True]
    assert Response.objects.filter(uuid=rid).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_keep_exact_tallies():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    from django.db.models import Sum

    from simpul.assessment.models import AnswerTally

    rnd = open_round()
    tokens = invitation_create(round=rnd, count=6, actor=None)
    barrier = threading.Barrier(6)
    errors: list[Exception] = []

    def submit(token: str) -> None:
        try:
            barrier.wait()
            response_submit(round=rnd, response_id=uuid.uuid4(), channel=Channel.TOKEN, token=token,
                            answers=dual_answers())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AnswerTally.objects.filter(round=rnd).aggregate(total=Sum("n"))["total"] == 60
