"""SP4N-LAPOR! reporter protection, through the portal and the back office as each persona sees it: a
confidential reporter is masked for the office complained about, complaints about staff go to the
complaint-handling unit (Inspektorat), only that unit may reveal a confidential reporter (audited), and an
anonymous complaint keeps no identity and is followed by reference and PIN alone."""

from __future__ import annotations

from django.urls import reverse

from simpul.cases.models import Case
from simpul.cases.tests.complaints import (
    COMPLAINT,
    REPORTER,
    auditor,
    inspektorat,
    kependudukan,
    portal_complaint,
)
from simpul.conftest import login
from simpul.core.models import AuditEntry

__all__ = ["auditor", "inspektorat", "kependudukan"]  # fixtures

SECRETS = ("Rahmat Pelapor", "081377778888", "0813", "rahmat.pelapor", "r************r")


def _case_page(client, case):
    return client.get(reverse("backoffice:case_detail", kwargs={"reference": case.reference}))


def _confidential(client, version, topic="layanan"):
    return portal_complaint(client, version, first={**COMPLAINT, "complaint_topic": topic},
                            reporter={**REPORTER, "anonymous": "no", "confidential": "yes"})


def test_confidential_reporter_is_masked_in_worklist_and_case_page(client, personas, kependudukan):
    case, _pin = _confidential(client, kependudukan)
    assert case.agency == personas.dukcapil  # a complaint about the service itself stays with the office
    login(client, personas.officer)
    worklist = client.get(reverse("backoffice:worklist")).content.decode()
    assert case.reference in worklist
    page = _case_page(client, case)
    assert page.status_code == 200
    body = page.content.decode()
    for text in (worklist, body):
        for secret in SECRETS:
            assert secret not in text, secret
    assert "Pelapor dirahasiakan" in worklist and "Pelapor dirahasiakan" in body
    assert "Tampilkan pelapor" not in body  # the office complained about cannot reveal them
    refused = client.post(reverse("backoffice:case_reveal_identity", kwargs={"reference": case.reference}))
    assert refused.status_code == 302
    assert not AuditEntry.objects.filter(action="cases.identity_reveal").exists()


def test_staff_conduct_complaint_goes_to_complaint_unit_first(client, personas, kependudukan, inspektorat, auditor):
    case, _pin = _confidential(client, kependudukan, topic="pungli")
    assert case.agency == inspektorat
    login(client, personas.officer)
    assert case.reference not in client.get(reverse("backoffice:worklist")).content.decode()
    assert _case_page(client, case).status_code == 404
    login(client, auditor)
    worklist = client.get(reverse("backoffice:worklist")).content.decode()
    assert case.reference in worklist and "Rahmat Pelapor" not in worklist


def test_complaint_unit_reveal_of_confidential_reporter_is_audited(client, personas, kependudukan, auditor):
    case, _pin = _confidential(client, kependudukan, topic="pungli")
    login(client, auditor)
    page = _case_page(client, case).content.decode()
    assert "Rahmat Pelapor" not in page and "Tampilkan pelapor" in page
    revealed = client.post(reverse("backoffice:case_reveal_identity", kwargs={"reference": case.reference}))
    assert revealed.status_code == 200
    assert "Rahmat Pelapor" in revealed.content.decode() and "081377778888" in revealed.content.decode()
    entry = AuditEntry.objects.get(action="cases.identity_reveal")
    assert entry.actor_id == auditor.pk and entry.object_id == str(case.pk)


def test_any_office_can_send_a_complaint_to_the_complaint_unit(client, personas, kependudukan, inspektorat, auditor):
    case, _pin = _confidential(client, kependudukan)
    login(client, personas.officer)
    page = _case_page(client, case).content.decode()
    assert "Kirim ke unit pengaduan (Inspektorat)" in page
    response = client.post(reverse("backoffice:case_action", kwargs={"reference": case.reference,
                                                                     "action": "to_complaint_unit"}),
                           {"to_complaint_unit-note": "Aduan pungli oleh petugas loket kami sendiri."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.agency == inspektorat and case.status == "diterima"
    assert _case_page(client, case).status_code == 404
    login(client, auditor)
    assert case.reference in client.get(reverse("backoffice:worklist")).content.decode()


def test_anonymous_complaint_needs_no_name_or_phone_and_is_tracked_by_pin(client, personas, kependudukan):
    login(client, personas.citizen)  # even a logged-in account lends the complaint no name or contact
    case, pin = portal_complaint(client, kependudukan, first={**COMPLAINT, "complaint_topic": "layanan"},
                                 reporter={"anonymous": "yes", "full_name": "Nama Terlanjur Diisi"})
    stored = Case.objects.get(pk=case.pk)
    assert stored.identity == "anonymous"
    assert (stored.applicant_name, stored.phone, stored.email, stored.nik_encrypted) == ("", "", "", "")
    assert "Nama Terlanjur Diisi" not in str(stored.form_data) and "citizen@test.simpul" not in str(stored.form_data)
    other = type(client)()
    tracked = other.post(reverse("cases:track"), {"reference": case.reference, "pin": pin})
    assert tracked.status_code == 302
    assert case.reference in other.get(tracked["Location"]).content.decode()
    login(other, personas.officer)
    assert "Pelapor anonim" in _case_page(other, case).content.decode()
