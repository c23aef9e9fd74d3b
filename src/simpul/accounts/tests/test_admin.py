"""Admin pages for users and profiles: reachable by a verified platform admin, NIK masked, changes audited."""

from __future__ import annotations

from django.urls import reverse

from simpul.accounts.tests.factories import CitizenProfileFactory
from simpul.conftest import login
from simpul.core.models import AuditEntry


def test_citizen_profile_admin_shows_masked_nik(client, personas):
    profile = CitizenProfileFactory(nik="1606014107950001")
    login(client, personas.admin)
    listing = client.get(reverse("admin:accounts_citizenprofile_changelist")).content.decode()
    page = client.get(reverse("admin:accounts_citizenprofile_change", args=[profile.pk])).content.decode()
    for html in (listing, page):
        assert "1606********0001" in html and "1606014107950001" not in html


def test_user_admin_change_is_audited(client, personas):
    login(client, personas.admin)
    url = reverse("admin:accounts_user_change", args=[personas.citizen.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "email": personas.citizen.email,
            "phone": "",
            "full_name": "Siti Baru",
            "preferred_language": "id",
            "role": "citizen",
            "village": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(action="admin.change", object_id=str(personas.citizen.pk)).exists()


def test_user_admin_add_and_search(client, personas):
    login(client, personas.admin)
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist") + "?q=warga").status_code == 200
