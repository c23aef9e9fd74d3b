"""Letter numbers: per office and year, gap-free and never given twice, also when many letters are issued at once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from simpul.agencies.models import Agency
from simpul.documents.models import NumberCounter, NumberPattern
from simpul.documents.services import number_format, number_take


class RolledBack(Exception):
    pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_letters_at_once_in_one_office_get_fifty_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    agency = Agency.objects.create(code="disdukcapil", name="Disdukcapil")
    barrier = threading.Barrier(60)
    committed: list[int] = []
    lock = threading.Lock()

    def issue(roll_back: bool) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                number = number_take(agency=agency, year=2026)
                time.sleep(0.01)  # rendering and signing happen here, with the counter row locked
                if roll_back:  # signing failed: the number goes back to the next letter
                    raise RolledBack
            with lock:
                committed.append(number)
        except RolledBack:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(i % 6 == 5,)) for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(committed) == list(range(1, 51))
    assert NumberCounter.objects.get(agency=agency, year=2026).last == 50


@pytest.mark.django_db
def test_each_office_and_year_counts_on_its_own_in_the_pattern_of_the_office_or_the_kabupaten():
    dukcapil = Agency.objects.create(code="disdukcapil", name="Disdukcapil")
    dpmptsp = Agency.objects.create(code="dpmptsp", name="DPMPTSP")
    NumberPattern.objects.create(agency=None, pattern="{klasifikasi}/{nomor}/{kode_unit}/{tahun}",
                                 default_classification="400.12")
    NumberPattern.objects.create(agency=dpmptsp, pattern="{kode_unit}-{tahun}-{nomor}", default_classification="500")
    taken = [number_take(agency=dukcapil, year=2026), number_take(agency=dukcapil, year=2026),
             number_take(agency=dpmptsp, year=2026), number_take(agency=dukcapil, year=2027)]
    assert taken == [1, 2, 1, 1]
    assert number_format(agency=dukcapil, classification="", number=2, year=2026) == "400.12/2/DISDUKCAPIL/2026"
    assert number_format(agency=dpmptsp, classification="503", number=1, year=2026) == "DPMPTSP-2026-1"
