"""The heads' dashboard: its figures against a small fixture with one right answer, the worklist links behind
them, the period picker and the export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from simpul.backoffice.selectors import dashboard_for_agency
from simpul.cases.intake import case_submit
from simpul.cases.models import Case
from simpul.cases.tests.factories import VALID_ANSWERS, ktp_service, pdf_upload
from simpul.conftest import login

NOV_START, NOV_END = date(2026, 11, 1), date(2026, 11, 30)
TODAY = date(2026, 12, 4)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def cases(personas):
    """Seven cases of Dukcapil; the figures for November 2026 (as of 4 December 2026) are in the tests."""
    version = ktp_service(personas.dukcapil)
    sekayu = personas.kecamatan.code

    def make(key, *, submitted, status, due, closed=None, officer=None, kecamatan="", paused=None):
        case = case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                           idempotency_key=key).case
        Case.objects.filter(pk=case.pk).update(
            submitted_at=at(submitted), status=status, due_date=due, closed_at=at(closed) if closed else None,
            assigned_to=officer, kecamatan_code=kecamatan, paused_since=paused)
        return Case.objects.get(pk=case.pk)

    officer, head = personas.officer, personas.head
    return {
        # Thursday 5 -> Tuesday 10 November: 3 working days (5 calendar days), finished before its due date.
        "A": make("A", submitted=date(2026, 11, 5), closed=date(2026, 11, 10), status="selesai",
                  due=date(2026, 11, 12), officer=officer, kecamatan=sekayu),
        # 2 -> 20 November: 14 working days, after its due date.
        "B": make("B", submitted=date(2026, 11, 2), closed=date(2026, 11, 20), status="ditolak",
                  due=date(2026, 11, 16), officer=officer, kecamatan=sekayu),
        # open, past its due date: overdue.
        "C": make("C", submitted=date(2026, 11, 25), status="diproses", due=date(2026, 11, 30)),
        # withdrawn in November: neither received nor finished in November.
        "D": make("D", submitted=date(2026, 10, 20), closed=date(2026, 11, 3), status="dibatalkan",
                  due=date(2026, 11, 10), officer=officer, kecamatan=sekayu),
        # received in October (Wednesday 28), finished Monday 2 November: 3 working days, on time.
        "E": make("E", submitted=date(2026, 10, 28), closed=date(2026, 11, 2), status="selesai",
                  due=date(2026, 11, 4), officer=head, kecamatan=sekayu),
        # open, due later: counts as open, nothing else.
        "F": make("F", submitted=date(2026, 12, 1), status="diproses", due=date(2026, 12, 30)),
        # open and past due, but its clock is stopped (waiting for the applicant): not overdue.
        "G": make("G", submitted=date(2026, 11, 16), status="perlu_perbaikan", due=date(2026, 11, 20),
                  paused=date(2026, 11, 18)),
    }


def figures(f):
    return (f.received, f.finished, f.on_time, f.overdue, f.median_working_days)


def test_figures_count_working_days_and_the_one_right_answer(personas, cases):
    board = dashboard_for_agency(agency_id=personas.dukcapil.pk, start=NOV_START, end=NOV_END, today=TODAY)
    assert figures(board.total) == (4, 3, 2, 1, 3.0)  # received A B C G; finished A B E; on time A E; overdue C
    assert board.total.on_time_pct == 67
    assert board.open_now == 3  # C F G
    assert {(status, n) for status, _label, n in board.by_status} == {("diproses", 2), ("perlu_perbaikan", 1)}

    officers = {row.key: figures(row) for row in board.tables["officer"]}
    assert officers == {personas.officer.pk: (2, 2, 1, 0, 8.5), personas.head.pk: (0, 1, 1, 0, 3.0),
                        None: (2, 0, 0, 1, None)}
    assert [row.key for row in board.tables["officer"]][-1] is None  # "not assigned" comes last
    kecamatan = {row.key: figures(row) for row in board.tables["kecamatan"]}
    assert kecamatan == {personas.kecamatan.code: (2, 3, 2, 0, 3.0), None: (2, 0, 0, 1, None)}
    assert board.tables["kecamatan"][0].label == personas.kecamatan.name
    services = board.tables["service"]
    assert [(row.key, figures(row)) for row in services] == [("ktp-el-penggantian", (4, 3, 2, 1, 3.0))]

    months = {m.key: (m.received, m.finished, m.on_time) for m in board.months}
    assert len(months) == 12 and min(months) == date(2025, 12, 1) and max(months) == date(2026, 11, 1)
    assert months[date(2026, 10, 1)] == (2, 0, 0)  # D and E received
    assert months[date(2026, 11, 1)] == (4, 3, 2)
    assert months[date(2026, 9, 1)] == (0, 0, 0)


def test_a_holiday_in_the_calendar_counts_as_no_working_day(personas, cases):
    from simpul.core.models import Holiday

    Holiday.objects.create(date=date(2026, 11, 9), name="Cuti bersama (uji)")
    board = dashboard_for_agency(agency_id=personas.dukcapil.pk, start=NOV_START, end=NOV_END, today=TODAY)
    officers = {row.key: row.median_working_days for row in board.tables["officer"]}
    assert officers[personas.officer.pk] == 7.5  # A: 2 working days, B: 13


NOVEMBER = {"periode": "pilih", "dari": "2026-11-01", "sampai": "2026-11-30"}


def test_every_figure_opens_the_worklist_with_the_same_cases(client, personas, cases):
    login(client, personas.head)
    response = client.get(reverse("backoffice:dashboard"), NOVEMBER)
    assert response.status_code == 200
    board = response.context["board"]
    refs = {name: case.reference for name, case in cases.items()}

    def listed(link):
        page = client.get(link)
        assert page.status_code == 200
        return {name for name, ref in refs.items() if ref in page.content.decode()}

    total = board.total.links
    assert listed(total["received"]) == {"A", "B", "C", "G"}
    assert listed(total["finished"]) == {"A", "B", "E"}
    assert listed(total["on_time"]) == {"A", "E"}
    assert listed(total["overdue"]) == {"C"}
    officer_row = next(r for r in board.tables["officer"] if r.key == personas.officer.pk)
    assert listed(officer_row.links["finished"]) == {"A", "B"}
    unassigned = next(r for r in board.tables["officer"] if r.key is None)
    assert listed(unassigned.links["received"]) == {"C", "G"}
    no_kecamatan = next(r for r in board.tables["kecamatan"] if r.key is None)
    assert listed(no_kecamatan.links["overdue"]) == {"C"}
    html = response.content.decode()
    assert f'href="{total["on_time"]}"'.replace("&", "&amp;") in html
    assert "3 hari kerja" in html  # the median, in working days


def test_filtering_a_followed_figure_keeps_the_figure(client, personas, cases):
    # The filter bar has no control for the dashboard's own filters: it carries them, and says the list is narrowed.
    login(client, personas.head)
    board = client.get(reverse("backoffice:dashboard"), NOVEMBER).context["board"]
    page = client.get(board.total.links["on_time"]).content.decode()
    assert "Daftar ini dipersempit sesuai angka dasbor yang Anda buka." in page
    assert '<input type="hidden" name="on_time" value="1">' in page
    assert '<input type="hidden" name="finished_from" value="2026-11-01">' in page
    plain = client.get(reverse("backoffice:worklist")).content.decode()
    assert "dipersempit" not in plain


def test_named_periods_and_a_wrong_custom_period(client, personas, cases):
    login(client, personas.head)
    today = timezone.localdate()
    page = client.get(reverse("backoffice:dashboard"), {"periode": "bulan-lalu"})
    last_month_end = today.replace(day=1) - timedelta(days=1)
    assert (page.context["board"].start, page.context["board"].end) == (last_month_end.replace(day=1),
                                                                         last_month_end)
    page = client.get(reverse("backoffice:dashboard"), {"periode": "kuartal-ini"})
    assert page.context["board"].start == today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    page = client.get(reverse("backoffice:dashboard"), {"periode": "pilih", "dari": "2026-11-30",
                                                        "sampai": "2026-11-01"})
    assert page.status_code == 400
    assert "Tanggal mulai tidak boleh sesudah tanggal akhir." in page.content.decode()
    assert page.context["board"].start == today.replace(day=1)  # this month is shown meanwhile
    for dari, sampai in [("9999-12-31", "9999-12-31"), ("1900-01-01", "1900-01-02")]:
        page = client.get(reverse("backoffice:dashboard"), {"periode": "pilih", "dari": dari, "sampai": sampai})
        assert page.status_code == 400
        assert "Pilih tanggal dari tahun 2000 sampai hari ini." in page.content.decode()


def test_dashboard_queries_do_not_grow_with_cases(client, personas, cases, django_assert_max_num_queries):
    login(client, personas.head)
    client.get(reverse("backoffice:dashboard"), NOVEMBER)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("backoffice:dashboard"), NOVEMBER)
    version = cases["A"].service_version
    for i in range(6):
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                    idempotency_key=f"more-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("backoffice:dashboard"), NOVEMBER)
    assert len(few.captured_queries) <= 20


def test_export_has_the_same_figures_as_csv_and_xlsx(client, personas, cases):
    login(client, personas.head)
    response = client.get(reverse("backoffice:dashboard_export", args=["csv"]), NOVEMBER)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="dasbor-20261101-20261130.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Tabel", "Nama", "Diterima", "Selesai", "Tepat waktu", "Tepat waktu (%)",
                       "Terlambat saat ini", "Median (hari kerja)"]
    assert rows[1] == ["Jumlah", personas.dukcapil.name, "4", "3", "2", "67", "1", "3.0"]
    assert ["Per petugas", "Belum ditugaskan", "2", "0", "0", "", "1", ""] in rows
    response = client.get(reverse("backoffice:dashboard_export", args=["xlsx"]), NOVEMBER)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Jumlah", "Per layanan", "Per petugas", "Per kecamatan", "Per bulan"]
    assert [c.value for c in book["Jumlah"][2]] == [personas.dukcapil.name, 4, 3, 2, 67, 1, 3]
    assert client.get(reverse("backoffice:dashboard_export", args=["pdf"])).status_code == 404


def test_dashboard_is_for_staff_only(client, personas):
    assert client.get(reverse("backoffice:dashboard")).status_code == 302
    login(client, personas.citizen)
    assert client.get(reverse("backoffice:dashboard_export", args=["csv"])).status_code == 403


def test_a_day_of_the_period_runs_from_midnight_to_midnight_in_the_regency(personas):
    version = ktp_service(personas.dukcapil)
    late_evening, after_midnight = (
        case_submit(version=version, answers=dict(VALID_ANSWERS), files={"kk": pdf_upload()},
                    idempotency_key=key).case for key in ("eve", "night"))
    Case.objects.filter(pk=late_evening.pk).update(submitted_at=at(NOV_END, 23) + timedelta(minutes=30))
    Case.objects.filter(pk=after_midnight.pk).update(submitted_at=at(date(2026, 12, 1), 0) + timedelta(minutes=10))
    board = dashboard_for_agency(agency_id=personas.dukcapil.pk, start=NOV_START, end=NOV_END, today=TODAY)
    assert board.total.received == 1
    assert {m.key: m.received for m in board.months}[date(2026, 11, 1)] == 1
