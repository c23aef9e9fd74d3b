"""Writes: bandwidth bounds, idempotent measurements, health checks and alerts, import and export."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from simpul.core.models import AuditEntry, OutboxMessage
from simpul.infrastructure import services
from simpul.infrastructure.models import Link, LinkTechnology, Measurement, Site
from simpul.infrastructure.tests.factories import ApplicationFactory, LinkFactory, SiteFactory
from simpul.infrastructure.transfer import infrastructure_import
from simpul.notifications.models import Message

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("mbps", [Decimal("-1"), Decimal("100000.001"), Decimal("250000")])
def test_negative_or_absurd_bandwidth_is_refused(region_tree: Any, mbps: Decimal) -> None:
    site = SiteFactory()
    with pytest.raises(ValidationError) as exc:
        services.link_create(actor=None, site=site, technology=LinkTechnology.FIBER, download_mbps=mbps)
    assert "download_mbps" in exc.value.message_dict
    assert not Link.objects.exists()


def test_link_create_is_audited(region_tree: Any, personas: Any) -> None:
    link = services.link_create(actor=personas.admin, site=SiteFactory(), technology=LinkTechnology.FIBER,
                                download_mbps=Decimal("100000"))
    entry = AuditEntry.objects.get(action="infrastructure.link_create")
    assert entry.object_id == str(link.pk)
    assert entry.actor_id == personas.admin.pk


def test_measurement_is_idempotent_by_probe_and_time(region_tree: Any) -> None:
    link = LinkFactory()
    m1, created1 = services.measurement_record(link=link, measured_at=T0, probe_id="p1", latency_ms=Decimal("600"))
    m2, created2 = services.measurement_record(link=link, measured_at=T0, probe_id="p1", latency_ms=Decimal("999"))
    m3, created3 = services.measurement_record(link=link, measured_at=T0, probe_id="p2")
    assert (created1, created2, created3) == (True, False, True)
    assert m1.pk == m2.pk != m3.pk
    assert Measurement.objects.get(pk=m1.pk).latency_ms == Decimal("600")


class _Handler(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("H", (_Handler,), {"status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/health", handler
    server.shutdown()
    server.server_close()


def test_health_check_alerts_once_when_down_past_threshold(region_tree: Any, local_server: Any) -> None:
    url, handler = local_server
    app = ApplicationFactory(health_check_enabled=True, health_check_url=url, down_alert_after_minutes=10,
                             alert_email="ops@muba.test", health_check_timeout_seconds=2)
    [check] = services.application_checks_run(now=T0)
    assert check.ok and check.status_code == 200 and check.response_ms is not None
    handler.status = 503
    services.application_checks_run(now=T0 + timedelta(minutes=5))
    app.refresh_from_db()
    assert app.down_since == T0 + timedelta(minutes=5)
    assert not OutboxMessage.objects.filter(topic="application.down_alert").exists()
    assert AuditEntry.objects.filter(action="infrastructure.application_down_alert").count() == 0
    services.application_checks_run(now=T0 + timedelta(minutes=16))
    services.application_checks_run(now=T0 + timedelta(minutes=21))
    assert AuditEntry.objects.filter(action="infrastructure.application_down_alert").count() == 1
    [message] = Message.objects.filter(event="application.down_alert")
    assert message.recipient == "ops@muba.test"
    assert app.name in message.subject + message.body
    handler.status = 200
    services.application_checks_run(now=T0 + timedelta(minutes=26))
    app.refresh_from_db()
    assert app.down_since is None and app.alert_sent_at is None


def test_down_alert_without_recipient_goes_to_the_log_outbox(region_tree: Any) -> None:
    app = ApplicationFactory(health_check_enabled=True, health_check_url="http://127.0.0.1:9/",
                             down_alert_after_minutes=0, health_check_timeout_seconds=1)
    services.application_checks_run(now=T0)
    [row] = OutboxMessage.objects.filter(topic="application.down_alert", backend="log")
    assert row.payload["application_name"] == app.name


def test_health_check_of_unreachable_address_is_down(region_tree: Any) -> None:
    ApplicationFactory(health_check_enabled=True, health_check_url="http://127.0.0.1:9/", health_check_timeout_seconds=1)
    [check] = services.application_checks_run(now=T0)
    assert not check.ok and check.error


def test_only_enabled_applications_are_checked(region_tree: Any) -> None:
    ApplicationFactory(health_check_enabled=False, health_check_url="http://127.0.0.1:9/")
    assert services.application_checks_run(now=T0) == []


SITES_CSV = (
    "code,name,kind,region_code,staff_count,residents_served\n"
    "desa-a,Kantor Desa A,village_office,16.06.01.2001,5,900\n"
    "desa-b,Kantor Desa B,village_office,16.06.99.9999,5,900\n"
    "desa-c,Kantor Desa C,hut,16.06.01.2002,-3,900\n"
)


def test_import_reports_line_and_column_and_imports_nothing(region_tree: Any, personas: Any) -> None:
    report = infrastructure_import(actor=personas.admin, kind="sites", data=SITES_CSV.encode(), filename="s.csv")
    assert not report.ok
    problems = {(p.line, p.column) for p in report.problems}
    assert (3, "region_code") in problems
    assert (4, "staff_count") in problems
    assert not Site.objects.exists()


def test_import_reports_model_validation_per_column(region_tree: Any, personas: Any) -> None:
    data = "code,name,kind,region_code\ndesa-c,Kantor Desa C,hut,16.06.01.2002\n"
    report = infrastructure_import(actor=personas.admin, kind="sites", data=data.encode(), filename="s.csv")
    assert [(p.line, p.column) for p in report.problems] == [(2, "kind")]


def test_import_links_refuses_absurd_bandwidth_by_line(region_tree: Any, personas: Any) -> None:
    SiteFactory(code="desa-a")
    data = ("site_code,technology,download_mbps\n"
            "desa-a,vsat,2\n"
            "desa-a,fiber,200000\n"
            "nowhere,fiber,10\n")
    report = infrastructure_import(actor=personas.admin, kind="links", data=data.encode(), filename="l.csv")
    assert [(p.line, p.column) for p in report.problems] == [(3, "download_mbps"), (4, "site_code")]
    assert not Link.objects.exists()


def test_import_missing_and_unknown_columns(region_tree: Any, personas: Any) -> None:
    data = "code,name,colour\nx,y,red\n"
    report = infrastructure_import(actor=personas.admin, kind="sites", data=data.encode(), filename="s.csv")
    assert {(p.line, p.column) for p in report.problems} == {(1, "kind"), (1, "region_code"), (1, "colour")}


def test_import_sites_then_update_from_xlsx(region_tree: Any, personas: Any) -> None:
    from io import BytesIO

    from openpyxl import Workbook

    ok = SITES_CSV.splitlines()[:2]
    report = infrastructure_import(actor=personas.admin, kind="sites", data="\n".join(ok).encode(), filename="s.csv")
    assert report.ok and report.created == 1
    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name", "kind", "region_code", "staff_count"])
    ws.append(["desa-a", "Kantor Desa A Baru", "village_office", "16.06.01.2001", 7])
    buf = BytesIO()
    wb.save(buf)
    report = infrastructure_import(actor=personas.admin, kind="sites", data=buf.getvalue(), filename="s.xlsx")
    assert report.ok and report.updated == 1
    site = Site.objects.get(code="desa-a")
    assert site.name == "Kantor Desa A Baru" and site.staff_count == 7
    assert AuditEntry.objects.filter(action="infrastructure.site_update", object_id=str(site.pk)).exists()


def test_import_measurements(region_tree: Any, personas: Any) -> None:
    link = LinkFactory()
    data = (f"link_id,measured_at,latency_ms,available,probe_id\n"
            f"{link.pk},2026-03-01T08:00:00+07:00,612,ya,p1\n"
            f"{link.pk},2026-03-01T09:00,,tidak,p1\n")
    report = infrastructure_import(actor=personas.admin, kind="measurements", data=data.encode(), filename="m.csv")
    assert report.ok, report.problems
    assert Measurement.objects.filter(link=link).count() == 2
    again = infrastructure_import(actor=personas.admin, kind="measurements", data=data.encode(), filename="m.csv")
    assert again.ok and again.created == 0
    bad = f"link_id,measured_at,available\n{link.pk},yesterday,maybe\n"
    report = infrastructure_import(actor=personas.admin, kind="measurements", data=bad.encode(), filename="m.csv")
    assert [(p.line, p.column) for p in report.problems] == [(2, "measured_at")]
